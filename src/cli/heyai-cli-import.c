/* heyai-cli-import.c: `heyai import P SCENE FILE`: the producer's own still
 * or clip becomes a new take of a scene, selected as the scene's current
 * still or clip, through heyai_pipeline_import_take_async() (the same
 * function as the window's "Replace With File…" and a file dropped on a
 * card): lineage {"source":"imported"}, the file checked and copied into the
 * project's local tree; the original is not touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-cli"

#include <glib/gi18n-lib.h>

#include "heyai-cli-private.h"
#include "heyai-pipeline.h"

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

int
heyai_cli_import (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene = NULL;
  HeyaiAssetKind kind = HEYAI_ASSET_KIND_IMAGE;
  Wait wait = { NULL };
  int exit_code = HEYAI_EXIT_OK;
  int take = 0;
  char *end = NULL;
  gint64 position;
  gboolean ok;

  context = heyai_cli_context_new ("import", _("P SCENE FILE"),
                                   _("Adds your own still (PNG, JPEG, WebP) or clip to a scene as a new take, "
                                     "and selects it."));
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 4,
                                     _("Give a project, a scene number and a file"), &exit_code);
  if (project == NULL)
    return exit_code;

  position = g_ascii_strtoll (argv[2], &end, 10);
  if (end == argv[2] || *end != '\0')
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“%s” is not a scene number"), argv[2]);
  scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), &error);
  if (scenes == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  for (guint i = 0; i < scenes->len; i++)
    if (heyai_scene_get_position (g_ptr_array_index (scenes, i)) == position)
      scene = g_ptr_array_index (scenes, i);
  if (scene == NULL)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("The project has no scene %s (it has %u)"), argv[2], scenes->len);

  if (!g_file_test (argv[3], G_FILE_TEST_IS_REGULAR))
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Could not read %s"), argv[3]);

  heyai_pipeline_import_take_async (cli->store, cli->data_dir, project, scene, argv[3], NULL,
                                    imported_cb, &wait);
  while (wait.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = heyai_pipeline_import_take_finish (cli->store, wait.result, &kind, &take, &error);
  g_object_unref (wait.result);
  if (!ok)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  g_print (kind == HEYAI_ASSET_KIND_IMAGE ? _("Scene %d: your still is take %d.\n")
                                          : _("Scene %d: your clip is take %d.\n"),
           (int) position, take);
  return HEYAI_EXIT_OK;
}
