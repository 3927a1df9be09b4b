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
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 3,
                                     _("Which project and file? (heyai script P FILE)"), &exit_code);
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

/* `heyai scenes P [--removed]`: the scenes, or those removed by a script
 * revision (or a delete), numbered for `heyai restore P N`. */
int
heyai_cli_scenes (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean removed = FALSE;
  int exit_code = HEYAI_EXIT_OK;
  GOptionEntry entries[] = {
    { "removed", 0, 0, G_OPTION_ARG_NONE, &removed,
      N_("List the scenes removed by a new draft of the script (or deleted), for “heyai restore”"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("scenes", _("P"),
                                   _("Lists the project’s scenes; with --removed, the scenes a new draft of the "
                                     "script removed, with their takes, most recent first."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (heyai scenes P --removed)"), &exit_code);
  if (project == NULL)
    return exit_code;
  scenes = removed ? heyai_store_list_removed_scenes (cli->store, heyai_project_get_id (project), &error)
                   : heyai_store_list_scenes (cli->store, heyai_project_get_id (project), &error);
  if (scenes == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  if (removed && scenes->len == 0)
    {
      g_print ("%s\n", _("No removed scenes."));
      return HEYAI_EXIT_OK;
    }

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      HeyaiSceneLineage lineage;

      heyai_lineage_of_scene (cli->store, project, scene, &lineage);
      g_print ("%3d  %s", removed ? (int) i + 1 : heyai_scene_get_position (scene),
               heyai_scene_get_title (scene) != NULL ? heyai_scene_get_title (scene) : "");
      g_print ("  ");
      if (lineage.image_take > 0 || lineage.clip_take > 0)
        /* TRANSLATORS: a scene's selected takes */
        g_print (_("(still take %d, clip take %d)"), lineage.image_take, lineage.clip_take);
      else
        g_print ("%s", _("(no takes)"));
      if (removed)
        g_print ("  %s", heyai_scene_get_id (scene));
      g_print ("\n");
    }
  return HEYAI_EXIT_OK;
}

/* `heyai restore P N`: brings back removed scene N (as numbered by
 * `heyai scenes P --removed`, or its id) with its takes and approval. */
int
heyai_cli_restore (HeyaiCli  *cli,
                   int        argc,
                   char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene = NULL;
  int exit_code = HEYAI_EXIT_OK;
  char *end = NULL;
  gint64 n;

  context = heyai_cli_context_new ("restore", _("P N"),
                                   _("Brings back a scene a new draft of the script removed (N as numbered by "
                                     "“heyai scenes P --removed”, or the scene’s id), with its takes and approval."));
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 3,
                                     _("Which project and removed scene? (heyai restore P N)"), &exit_code);
  if (project == NULL)
    return exit_code;
  scenes = heyai_store_list_removed_scenes (cli->store, heyai_project_get_id (project), &error);
  if (scenes == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  n = g_ascii_strtoll (argv[2], &end, 10);
  if (end != argv[2] && *end == '\0')
    {
      if (n < 1 || n > (gint64) scenes->len)
        return heyai_cli_fail (HEYAI_EXIT_USAGE,
                               _("There is no removed scene %s (%u removed; see “heyai scenes P --removed”)"),
                               argv[2], scenes->len);
      scene = g_ptr_array_index (scenes, n - 1);
    }
  else
    for (guint i = 0; i < scenes->len; i++)
      if (g_strcmp0 (heyai_scene_get_id (g_ptr_array_index (scenes, i)), argv[2]) == 0)
        scene = g_ptr_array_index (scenes, i);
  if (scene == NULL)
    return heyai_cli_fail (HEYAI_EXIT_USAGE,
                           _("There is no removed scene %s (%u removed; see “heyai scenes P --removed”)"),
                           argv[2], scenes->len);

  if (!heyai_pipeline_restore_scene (cli->store, scene, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  g_print (_("Scene %d “%s” is back.\n"), heyai_scene_get_position (scene),
           heyai_scene_get_title (scene) != NULL ? heyai_scene_get_title (scene) : "");
  return HEYAI_EXIT_OK;
}
