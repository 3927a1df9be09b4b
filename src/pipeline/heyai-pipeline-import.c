/* heyai-pipeline-import.c: the producer's own still or clip becomes a new
 * take of a scene.  One function for `heyai import P SCENE FILE`, the scene
 * pane's "Replace With File…" and a file dropped on a storyboard card.
 *
 * The file is checked first (a still: PNG, JPEG or WebP with a readable
 * size; else it must decode as a clip) and copied into the project's local
 * tree, in a worker thread; the original is not touched.  Back on the
 * caller's thread the take is stored with lineage {"source":"imported",...}
 * (heyai_lineage_fill_imported) and selected through
 * heyai_pipeline_select_take(), so what is current and outdated follows:
 *
 *   an imported still   is current whatever the prompts say (the producer
 *                       chose it); the scene's clip, made from the still
 *                       selected before, becomes outdated
 *   an imported clip    is current for the still selected when it was
 *                       imported; a later still makes it outdated, like any
 *                       clip
 *
 * The scene's approval is left as it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-pipeline"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "heyai-pipeline-internal.h"
#include "heyai-media.h"

typedef struct
{
  HeyaiStore     *store;
  HeyaiProject   *project;
  HeyaiScene     *scene;
  char           *path;
  int             position;
  int             takes[2];      /* the next take: [0] still, [1] clip */
  char           *dirs[2];       /* images/, clips/ */
  /* Filled by the worker. */
  HeyaiAssetKind  kind;
  char           *dest;
  char           *sha;
  gint64          size;
  HeyaiClipInfo   clip;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->project);
  g_clear_object (&data->scene);
  g_free (data->path);
  g_free (data->dirs[0]);
  g_free (data->dirs[1]);
  g_free (data->dest);
  g_free (data->sha);
  g_free (data);
}

static char *
lower_extension (const char *path,
                 const char *fallback)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);

  if (dot == NULL || (slash != NULL && dot < slash) || strlen (dot) > 6 || dot[1] == '\0')
    return g_strdup (fallback);
  return g_ascii_strdown (dot + 1, -1);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr(GFile) from = NULL;
  g_autoptr(GFile) to = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *name = NULL;
  GStatBuf st;
  int k;

  if (g_stat (data->path, &st) != 0 || !g_file_test (data->path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (data->path);

      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                               _("Could not read %s"), display);
      return;
    }

  /* A still, or else it must decode as a clip. */
  if (heyai_media_check_still (data->path, NULL))
    data->kind = HEYAI_ASSET_KIND_IMAGE;
  else if (heyai_media_probe_clip (data->path, &data->clip, &error))
    data->kind = HEYAI_ASSET_KIND_CLIP;
  else
    {
      g_autofree char *display = g_filename_display_basename (data->path);

      /* The first clause is what a toast shows: short and clear. */
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                               _("Not a still (PNG, JPEG, WebP) or a clip that plays: %s (%s)"),
                               display, error->message);
      return;
    }
  k = data->kind == HEYAI_ASSET_KIND_IMAGE ? 0 : 1;

  if (g_mkdir_with_parents (data->dirs[k], 0755) != 0)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("Could not create %s"), data->dirs[k]);
      return;
    }
  base = heyai_take_basename (data->position, data->takes[k]);
  ext = lower_extension (data->path, k == 0 ? "png" : "mp4");
  name = k == 0 ? g_strdup_printf ("%s.%s", base, ext) : g_strdup_printf ("%s-animated.%s", base, ext);
  data->dest = g_build_filename (data->dirs[k], name, NULL);

  from = g_file_new_for_path (data->path);
  to = g_file_new_for_path (data->dest);
  if (!g_file_copy (from, to, G_FILE_COPY_NONE, cancellable, NULL, NULL, &error))
    {
      g_autofree char *display = g_filename_display_basename (data->path);

      g_clear_pointer (&data->dest, g_free);
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("Could not copy %s: %s"),
                               display, error->message);
      return;
    }
  data->sha = heyai_file_sha256 (data->dest, cancellable, &error);
  if (data->sha == NULL)
    {
      g_unlink (data->dest);
      g_clear_pointer (&data->dest, g_free);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->size = (gint64) st.st_size;
  g_task_return_boolean (task, TRUE);
}

void
heyai_pipeline_import_take_async (HeyaiStore          *store,
                                  const char          *data_dir,
                                  HeyaiProject        *project,
                                  HeyaiScene          *scene,
                                  const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *root = NULL;
  ImportData *data;

  g_return_if_fail (HEYAI_IS_STORE (store));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_SCENE (scene));
  g_return_if_fail (path != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_pipeline_import_take_async);

  if (heyai_store_get_read_only (store))
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_DATABASE, "%s",
                               _("The project library is open read-only: nothing can be added to it."));
      return;
    }

  data = g_new0 (ImportData, 1);
  data->store = g_object_ref (store);
  data->project = g_object_ref (project);
  data->scene = g_object_ref (scene);
  data->path = g_strdup (path);
  data->position = heyai_scene_get_position (scene);
  data->takes[0] = heyai_store_max_take (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE) + 1;
  data->takes[1] = heyai_store_max_take (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP) + 1;
  root = heyai_local_root (data_dir);
  data->dirs[0] = heyai_project_dir (root, project, "images");
  data->dirs[1] = heyai_project_dir (root, project, "clips");
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

gboolean
heyai_pipeline_import_take_finish (HeyaiStore      *store,
                                   GAsyncResult    *result,
                                   HeyaiAssetKind  *kind,
                                   int             *take,
                                   GError         **error)
{
  ImportData *data;
  g_autoptr(HeyaiAsset) asset = NULL;
  g_autoptr(HeyaiAsset) still = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *params = NULL;
  g_autofree char *source_name = NULL;
  int k;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  k = data->kind == HEYAI_ASSET_KIND_IMAGE ? 0 : 1;

  source_name = g_path_get_basename (data->path);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "imported_from");
  json_builder_add_string_value (builder, source_name);
  if (data->kind == HEYAI_ASSET_KIND_CLIP)
    {
      json_builder_set_member_name (builder, "probed_duration");
      json_builder_add_double_value (builder, data->clip.duration);
      json_builder_set_member_name (builder, "probed_width");
      json_builder_add_int_value (builder, data->clip.width);
      json_builder_set_member_name (builder, "probed_height");
      json_builder_add_int_value (builder, data->clip.height);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  params = json_to_string (node, FALSE);

  /* An imported clip belongs with the still selected now. */
  if (data->kind == HEYAI_ASSET_KIND_CLIP && heyai_scene_get_image_take (data->scene) > 0)
    still = heyai_store_get_asset (store, heyai_scene_get_id (data->scene), HEYAI_ASSET_KIND_IMAGE,
                                   heyai_scene_get_image_take (data->scene), NULL);

  asset = heyai_asset_new ();
  heyai_asset_set_project_id (asset, heyai_project_get_id (data->project));
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (data->scene));
  heyai_asset_set_kind (asset, data->kind);
  heyai_asset_set_take (asset, data->takes[k]);
  heyai_asset_set_provider (asset, "imported");
  heyai_asset_set_model (asset, "");
  heyai_asset_set_params (asset, params);
  heyai_asset_set_local_path (asset, data->dest);
  heyai_asset_set_sha256 (asset, data->sha);
  heyai_asset_set_size (asset, data->size);
  heyai_asset_set_cost (asset, 0);
  heyai_asset_set_seed (asset, -1);
  heyai_lineage_fill_imported (asset, still, source_name);
  if (!heyai_store_insert_asset (store, asset, error))
    {
      g_unlink (data->dest);
      return FALSE;
    }

  if (!heyai_pipeline_select_take (store, data->scene, data->kind, data->takes[k], error))
    return FALSE;

  if (kind != NULL)
    *kind = data->kind;
  if (take != NULL)
    *take = data->takes[k];
  return TRUE;
}
