/* heyai-cli-import.c: `heyai import P SCENE FILE`: the producer's own still
 * or clip becomes a new take of a scene (lineage "imported": the take's
 * provider), selected as the scene's current still or clip.  The file is
 * checked first (a still: PNG, JPEG or WebP with a readable size; a clip:
 * it decodes, in a worker thread) and copied into the project's local tree;
 * the original is not touched.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-cli"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "heyai-cli-private.h"
#include "heyai-media.h"
#include "heyai-providers.h"

typedef struct
{
  GAsyncResult *result;
} Wait;

static void
probed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
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

int
heyai_cli_import (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(GFile) from = NULL;
  g_autoptr(GFile) to = NULL;
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *name = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *params = NULL;
  g_autofree char *source_name = NULL;
  HeyaiScene *scene = NULL;
  HeyaiAssetKind kind;
  HeyaiClipInfo clip = { 0 };
  GStatBuf st;
  int exit_code = HEYAI_EXIT_OK;
  int take;
  char *end = NULL;
  gint64 position;

  context = heyai_cli_context_new ("import", _("P SCENE FILE"),
                                   _("Adds your own still (PNG, JPEG, WebP) or clip to a scene as a new take, "
                                     "and selects it."));
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 4)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Give a project, a scene number and a file"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
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

  if (g_stat (argv[3], &st) != 0 || !g_file_test (argv[3], G_FILE_TEST_IS_REGULAR))
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Could not read %s"), argv[3]);

  /* A still, or else it must decode as a clip. */
  if (heyai_media_check_still (argv[3], NULL))
    kind = HEYAI_ASSET_KIND_IMAGE;
  else
    {
      Wait wait = { NULL };

      heyai_media_probe_clip_async (argv[3], NULL, probed_cb, &wait);
      while (wait.result == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (!heyai_media_probe_clip_finish (wait.result, &clip, &error))
        {
          g_object_unref (wait.result);
          return heyai_cli_fail (HEYAI_EXIT_FAILED,
                                 _("%s is neither a still (PNG, JPEG, WebP) nor a clip that plays: %s"),
                                 argv[3], error->message);
        }
      g_object_unref (wait.result);
      kind = HEYAI_ASSET_KIND_CLIP;
    }

  take = heyai_store_max_take (cli->store, heyai_scene_get_id (scene), kind) + 1;
  root = heyai_local_root (cli->data_dir);
  dir = heyai_project_dir (root, project, kind == HEYAI_ASSET_KIND_IMAGE ? "images" : "clips");
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, _("Could not create %s"), dir);
  base = heyai_take_basename ((int) position, take);
  ext = lower_extension (argv[3], kind == HEYAI_ASSET_KIND_IMAGE ? "png" : "mp4");
  name = kind == HEYAI_ASSET_KIND_IMAGE ? g_strdup_printf ("%s.%s", base, ext)
                                        : g_strdup_printf ("%s-animated.%s", base, ext);
  dest = g_build_filename (dir, name, NULL);

  from = g_file_new_for_path (argv[3]);
  to = g_file_new_for_path (dest);
  if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, _("Could not copy %s: %s"), argv[3], error->message);
  sha = heyai_file_sha256 (dest, NULL, &error);
  if (sha == NULL)
    {
      g_unlink (dest);
      return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
    }

  source_name = g_path_get_basename (argv[3]);
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) node = NULL;

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "imported_from");
    json_builder_add_string_value (builder, source_name);
    if (kind == HEYAI_ASSET_KIND_CLIP)
      {
        json_builder_set_member_name (builder, "probed_duration");
        json_builder_add_double_value (builder, clip.duration);
        json_builder_set_member_name (builder, "probed_width");
        json_builder_add_int_value (builder, clip.width);
        json_builder_set_member_name (builder, "probed_height");
        json_builder_add_int_value (builder, clip.height);
      }
    json_builder_end_object (builder);
    node = json_builder_get_root (builder);
    params = json_to_string (node, FALSE);
  }

  heyai_asset_set_project_id (asset, heyai_project_get_id (project));
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (scene));
  heyai_asset_set_kind (asset, kind);
  heyai_asset_set_take (asset, take);
  heyai_asset_set_provider (asset, "imported");
  heyai_asset_set_model (asset, "");
  heyai_asset_set_params (asset, params);
  heyai_asset_set_local_path (asset, dest);
  heyai_asset_set_sha256 (asset, sha);
  heyai_asset_set_size (asset, (gint64) st.st_size);
  heyai_asset_set_cost (asset, 0);
  heyai_asset_set_seed (asset, -1);
  if (!heyai_store_insert_asset (cli->store, asset, &error))
    {
      g_unlink (dest);
      return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
    }

  if (kind == HEYAI_ASSET_KIND_IMAGE)
    heyai_scene_set_image_take (scene, take);
  else
    heyai_scene_set_clip_take (scene, take);
  if (!heyai_store_update_scene (cli->store, scene, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  g_print (kind == HEYAI_ASSET_KIND_IMAGE ? _("Scene %d: your still is take %d.\n")
                                          : _("Scene %d: your clip is take %d.\n"),
           (int) position, take);
  return HEYAI_EXIT_OK;
}
