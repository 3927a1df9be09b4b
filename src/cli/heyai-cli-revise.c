/* heyai-cli-revise.c: the revision commands: select a take, a new draft of
 * the script.  (retry and analyze --dry-run run the pipeline and live in
 * heyai-cli-run.c.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-cli"

#include "config.h"

#include <stdlib.h>
#include <glib/gi18n-lib.h>

#include "heyai-cli-private.h"
#include "heyai-pipeline.h"
#include "heyai-script-import.h"

int
heyai_cli_select (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiSceneLineage lineage;
  int exit_code = HEYAI_EXIT_OK;
  int image_take = 0, clip_take = 0, position;
  GOptionEntry entries[] = {
    { "image-take", 0, 0, G_OPTION_ARG_INT, &image_take, N_("Use this take of the still"), N_("K") },
    { "clip-take", 0, 0, G_OPTION_ARG_INT, &clip_take, N_("Use this take of the clip"), N_("K") },
    { NULL }
  };

  context = heyai_cli_context_new ("select", _("P N"),
                                   _("Selects an earlier (or later) take of scene N’s still or clip. A clip made "
                                     "from another still than the selected one is outdated."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 3)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project and scene? (heyai select P N --image-take K)"));
  if ((image_take > 0) == (clip_take > 0))
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Give one of --image-take K or --clip-take K (takes start at 1)"));
  position = atoi (argv[2]);
  if (position <= 0)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Scene numbers start at 1"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;
  scene = heyai_store_get_scene_at (cli->store, heyai_project_get_id (project), position, &error);
  if (scene == NULL)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, "%s", error ? error->message : _("No such scene"));

  if (!heyai_pipeline_select_take (cli->store, scene, image_take > 0 ? HEYAI_ASSET_KIND_IMAGE : HEYAI_ASSET_KIND_CLIP,
                                   image_take > 0 ? image_take : clip_take, &error))
    return heyai_cli_fail (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND) ? HEYAI_EXIT_USAGE
                                                                                      : HEYAI_EXIT_FAILED,
                           "%s", error->message);

  heyai_lineage_of_scene (cli->store, project, scene, &lineage);
  g_print (_("Scene %d: still take %d, clip take %d"), position, lineage.image_take, lineage.clip_take);
  if (lineage.clip_take > 0 && lineage.clip_stale)
    g_print (" — %s", _("clip outdated"));
  g_print ("\n");
  return HEYAI_EXIT_OK;
}

int
heyai_cli_script (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = HEYAI_EXIT_OK;

  context = heyai_cli_context_new ("script", _("P FILE"),
                                   _("Replaces the project’s script with a new draft (Fountain, Final Draft, PDF or "
                                     "text). Nothing else changes until “heyai analyze P” (see --dry-run): then "
                                     "unchanged scenes keep their takes and approvals."));
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 3)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project and file? (heyai script P FILE)"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;

  file = g_file_new_for_commandline_arg (argv[2]);
  import = heyai_script_import_file (file, NULL, &error);
  if (import == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  for (guint i = 0; i < import->notes->len; i++)
    g_printerr ("%s\n", (const char *) g_ptr_array_index (import->notes, i));

  heyai_project_set_script (project, import->text);
  if (!heyai_store_update_project (cli->store, project, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  {
    g_autofree char *root = heyai_local_root (cli->data_dir);
    g_autofree char *folder = heyai_project_dir (root, project, "");

    if (!heyai_script_import_save_beside (import, folder, &error))
      {
        g_printerr ("%s\n", error->message);
        g_clear_error (&error);
      }
  }

  g_print (_("New draft stored. See what it changes with “heyai analyze %s --dry-run”, then apply it with "
             "“heyai analyze %s”.\n"), argv[1], argv[1]);
  return HEYAI_EXIT_OK;
}
