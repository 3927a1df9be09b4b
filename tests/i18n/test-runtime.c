/* test-runtime.c: the Spanish catalogue that meson builds (po/es/LC_MESSAGES/
 * heyai-studio.mo in the build tree) is what the library finds at run time.
 *
 * The other i18n tests check the .po file; this one checks the round trip:
 * the program looks a string up with exactly the bytes xgettext extracted,
 * plural forms select the right msgstr, and printf arguments land where the
 * translation puts them.  It binds the domain to the build tree the same way
 * src/ui/main.c and the CLI bind it to LOCALEDIR.
 *
 * Usage: test-runtime [--tap] LOCALEDIR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "heyai-core.h"

static void
test_catalogue_header (void)
{
  const char *header = g_dgettext (GETTEXT_PACKAGE, "");

  g_assert_nonnull (header);
  g_assert_nonnull (strstr (header, "Language: es"));
  g_assert_nonnull (strstr (header, "nplurals=2"));
}

static void
test_labels (void)
{
  g_assert_cmpstr (heyai_project_status_label (HEYAI_PROJECT_STATUS_DRAFT), ==, "Borrador");
  g_assert_cmpstr (heyai_scene_status_label (HEYAI_SCENE_STATUS_APPROVED), ==, "Aprobada");
  g_assert_cmpstr (heyai_scene_status_label (HEYAI_SCENE_STATUS_REJECTED), ==, "Rechazada");
  g_assert_cmpstr (heyai_camera_move_label (HEYAI_CAMERA_PUSH_IN), ==, "Acercamiento");

  /* Every label of these enums is translated (none stays in English). */
  for (int s = HEYAI_PROJECT_STATUS_DRAFT; s <= HEYAI_PROJECT_STATUS_FAILED; s++)
    {
      const char *label = heyai_project_status_label (s);
      g_assert_true (g_utf8_validate (label, -1, NULL));
      g_assert_cmpstr (label, !=, "Unknown");
      g_assert_cmpstr (label, !=, "Draft");
      g_assert_cmpstr (label, !=, "Completed");
      g_assert_cmpstr (label, !=, "Failed");
    }
}

static void
test_core_errors (void)
{
  static const char binary[] = "abc\0def";
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScript) script = NULL;

  script = heyai_script_parse ("   \n\t  \n", -1, &error);
  g_assert_null (script);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==,
                   "El guion está vacío. Escribe o pega un guion, o abre un archivo de texto o de Fountain.");
  g_clear_error (&error);

  /* A translated format with an argument: the offset lands in the sentence. */
  script = heyai_script_parse (binary, sizeof binary - 1, &error);
  g_assert_null (script);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_true (g_str_has_prefix (error->message, "El archivo parece un archivo binario"));
  g_assert_nonnull (strstr (error->message, "en la posición 3)"));
}

static void
test_plurals (void)
{
  g_autofree char *one = NULL;
  g_autofree char *many = NULL;
  g_autofree char *zero = NULL;

  one = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene", "%u scenes", 1), 1u);
  many = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene", "%u scenes", 12), 12u);
  zero = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene", "%u scenes", 0), 0u);
  g_assert_cmpstr (one, ==, "1 escena");
  g_assert_cmpstr (many, ==, "12 escenas");
  g_assert_cmpstr (zero, ==, "0 escenas");
}

static void
test_context (void)
{
  /* help-overlay.ui uses context="shortcut window" */
  g_assert_cmpstr (g_dpgettext2 (GETTEXT_PACKAGE, "shortcut window", "Quit"), ==, "Salir");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir;

  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s [--tap] LOCALEDIR\n", argv[0]);
      return 2;
    }
  localedir = argv[1];

  /* glibc honours LANGUAGE for any locale but plain "C"; C.UTF-8 is the
   * one locale every Debian system has. */
  g_setenv ("LANGUAGE", "es", TRUE);
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    {
      g_print ("1..0 # SKIP no C.UTF-8 locale\n");
      return 0;
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/i18n/runtime/catalogue-header", test_catalogue_header);
  g_test_add_func ("/i18n/runtime/labels", test_labels);
  g_test_add_func ("/i18n/runtime/core-errors", test_core_errors);
  g_test_add_func ("/i18n/runtime/plurals", test_plurals);
  g_test_add_func ("/i18n/runtime/context", test_context);

  return g_test_run ();
}
