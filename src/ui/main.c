/* main.c: heyai-studio entry point.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "heyai-application.h"
#include "heyai-secrets.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HeyaiApplication) app = NULL;

  /* Run from the build tree without installing: use the schema compiled
   * into <build>/data (an installed binary never finds that folder). */
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *build_root = g_path_get_dirname (HEYAI_BUILD_DATADIR);

      if (exe != NULL && g_str_has_prefix (exe, build_root) &&
          g_file_test (HEYAI_BUILD_DATADIR "/gschemas.compiled", G_FILE_TEST_EXISTS))
        g_setenv ("GSETTINGS_SCHEMA_DIR", HEYAI_BUILD_DATADIR, TRUE);
    }

  /* Keys will sit in memory: no core dumps; logs on stderr, not stdout. */
  heyai_secrets_protect_process ();
  g_log_writer_default_set_use_stderr (TRUE);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, heyai_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("HeyAI Studio"));
  app = heyai_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
