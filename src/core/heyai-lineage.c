/* heyai-lineage.c: what every still and clip was made from, and
 * whether the scene's selected takes are still current.
 *
 * When the pipeline stores an asset it records its lineage (a JSON object:
 * for a still the composed prompt, the style bible, the references, model,
 * parameters and aspect; for a clip the source still's asset id and take,
 * the motion prompt, camera move, duration and model) and an inputs hash: a
 * digest of the inputs that decide what the take shows.  The provider and
 * model are recorded but not hashed: switching services does not make every
 * take outdated.
 *
 *   still current   its inputs hash equals today's (the scene's image prompt,
 *                   the project's style bible and aspect, and the bible
 *                   entries of the scene's cast: names, descriptions,
 *                   reference image hashes)
 *   clip current    made from the scene's selected still (asset id), with
 *                   today's motion prompt, camera move, duration and aspect,
 *                   and that still is current; a clip of a scene that ends
 *                   on the next shot's still records the still it ended on
 *                   (asset id, take, sha256; none when the animator could
 *                   not take it) and is current while that still is the
 *                   next scene's selected one
 *
 * A take made before lineage was recorded has no inputs hash and is taken
 * as current, except that a clip older than the selected still cannot have
 * been made from it.  A take the producer imported (lineage
 * {"source":"imported"}, heyai_lineage_fill_imported) has no inputs hash
 * either: an imported still is current whatever the prompts say; an imported
 * clip is current while the still selected when it arrived stays selected.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "heyai-enums.h"
#include "heyai-bible.h"
#include "heyai-lineage.h"
#include "heyai-store.h"

static const char *
nonnull (const char *text)
{
  return text != NULL ? text : "";
}

static char *
lineage_hash (HeyaiProject   *project,
              HeyaiScene     *scene,
              HeyaiAssetKind  kind,
              HeyaiAsset     *still,
              const char     *cast_digest)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *text = NULL;

  if (kind == HEYAI_ASSET_KIND_CLIP)
    text = g_strdup_printf ("clip\x1f%s\x1f%s\x1f%d\x1f%d\x1f%d",
                            still != NULL ? nonnull (heyai_asset_get_id (still)) : "",
                            nonnull (heyai_scene_get_motion_prompt (scene)),
                            (int) heyai_scene_get_camera_move (scene), heyai_scene_get_duration (scene),
                            (int) heyai_project_get_aspect (project));
  else
    text = g_strdup_printf ("image\x1f%s\x1f%s\x1f%d",
                            nonnull (heyai_scene_get_image_prompt (scene)),
                            nonnull (heyai_project_get_style (project)),
                            (int) heyai_project_get_aspect (project));

  g_checksum_update (sum, (const guchar *) text, -1);
  /* The bible entries the still used (a scene without cast hashes as it
   * did before the bible). */
  if (kind != HEYAI_ASSET_KIND_CLIP && cast_digest != NULL)
    {
      g_checksum_update (sum, (const guchar *) "\x1f" "cast\x1f", -1);
      g_checksum_update (sum, (const guchar *) cast_digest, -1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* A clip that ends on the next shot's still (@end_still, NULL: none sent)
 * hashes that still's asset id and content too; a clip without one hashes
 * as it did before end frames. */
static char *
clip_hash (HeyaiProject *project,
           HeyaiScene   *scene,
           HeyaiAsset   *still,
           HeyaiAsset   *end_still)
{
  g_autofree char *base = lineage_hash (project, scene, HEYAI_ASSET_KIND_CLIP, still, NULL);
  g_autofree char *text = NULL;

  if (end_still == NULL)
    return g_steal_pointer (&base);
  text = g_strdup_printf ("%s\x1f" "end\x1f%s\x1f%s", base, nonnull (heyai_asset_get_id (end_still)),
                          nonnull (heyai_asset_get_sha256 (end_still)));
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

void
heyai_lineage_set_end_frame (HeyaiProject *project,
                             HeyaiScene   *scene,
                             HeyaiAsset   *asset,
                             HeyaiAsset   *still,
                             HeyaiAsset   *end_still)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autofree char *hash = NULL;
  JsonObject *object;

  g_return_if_fail (HEYAI_IS_ASSET (asset));
  g_return_if_fail (heyai_asset_get_kind (asset) == HEYAI_ASSET_KIND_CLIP);
  g_return_if_fail (end_still == NULL || HEYAI_IS_ASSET (end_still));

  node = heyai_asset_get_lineage (asset) != NULL ? json_from_string (heyai_asset_get_lineage (asset), NULL) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&node, json_node_unref);
      node = json_node_init_object (json_node_alloc (), json_object_new ());
    }
  object = json_node_get_object (node);
  json_object_set_boolean_member (object, "ends_on_next", TRUE);
  if (end_still != NULL)
    {
      JsonObject *end = json_object_new ();

      json_object_set_string_member (end, "scene_id", nonnull (heyai_asset_get_scene_id (end_still)));
      json_object_set_string_member (end, "asset_id", nonnull (heyai_asset_get_id (end_still)));
      json_object_set_int_member (end, "take", heyai_asset_get_take (end_still));
      json_object_set_string_member (end, "sha256", nonnull (heyai_asset_get_sha256 (end_still)));
      json_object_set_object_member (object, "end_frame", end);
    }
  json = json_to_string (node, FALSE);
  hash = clip_hash (project, scene, still, end_still);
  heyai_asset_set_lineage (asset, json);
  heyai_asset_set_inputs_hash (asset, hash);
}

/* Whether the clip was made for a scene ending on the next shot's still
 * (*@asked) and whether that still was sent (returned). */
static gboolean
lineage_end_frame (HeyaiAsset *clip,
                   gboolean   *asked)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  *asked = FALSE;
  if (heyai_asset_get_lineage (clip) == NULL)
    return FALSE;
  node = json_from_string (heyai_asset_get_lineage (clip), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  *asked = json_object_get_boolean_member_with_default (object, "ends_on_next", FALSE);
  return json_object_has_member (object, "end_frame");
}

char *
heyai_lineage_hash (HeyaiProject   *project,
                    HeyaiScene     *scene,
                    HeyaiAssetKind  kind,
                    HeyaiAsset     *still)
{
  return lineage_hash (project, scene, kind, still, NULL);
}

/* A still that continues the previous shot is made from that shot's clip:
 * its asset id and content, and the aspect. */
static char *
continue_hash (HeyaiProject *project,
               HeyaiAsset   *previous_clip)
{
  g_autofree char *text = g_strdup_printf ("continue\x1f%s\x1f%s\x1f%d",
                                           previous_clip != NULL ? nonnull (heyai_asset_get_id (previous_clip)) : "",
                                           previous_clip != NULL ? nonnull (heyai_asset_get_sha256 (previous_clip)) : "",
                                           (int) heyai_project_get_aspect (project));

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

void
heyai_lineage_fill_continued (HeyaiProject *project,
                              HeyaiScene   *scene,
                              HeyaiAsset   *asset,
                              HeyaiAsset   *previous_clip)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *hash = NULL;

  g_return_if_fail (HEYAI_IS_ASSET (asset));
  g_return_if_fail (HEYAI_IS_ASSET (previous_clip));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "image");
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "previous-clip");
  json_builder_set_member_name (builder, "previous_scene_id");
  json_builder_add_string_value (builder, nonnull (heyai_asset_get_scene_id (previous_clip)));
  json_builder_set_member_name (builder, "previous_clip_asset_id");
  json_builder_add_string_value (builder, nonnull (heyai_asset_get_id (previous_clip)));
  json_builder_set_member_name (builder, "previous_clip_take");
  json_builder_add_int_value (builder, heyai_asset_get_take (previous_clip));
  json_builder_set_member_name (builder, "previous_clip_sha256");
  json_builder_add_string_value (builder, nonnull (heyai_asset_get_sha256 (previous_clip)));
  json_builder_set_member_name (builder, "frame");
  json_builder_add_string_value (builder, "last");
  json_builder_set_member_name (builder, "aspect");
  json_builder_add_string_value (builder, heyai_enum_to_string (HEYAI_TYPE_ASPECT, heyai_project_get_aspect (project)));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  hash = continue_hash (project, previous_clip);
  heyai_asset_set_lineage (asset, json);
  heyai_asset_set_inputs_hash (asset, hash);
}

char *
heyai_lineage_cast_digest (HeyaiStore *store,
                           HeyaiScene *scene)
{
  g_autoptr(GPtrArray) cast = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), NULL);

  cast = heyai_store_cast_list (store, heyai_scene_get_id (scene), NULL);
  return heyai_bible_cast_digest (cast);
}

void
heyai_lineage_fill (HeyaiProject   *project,
                    HeyaiScene     *scene,
                    HeyaiAsset     *asset,
                    HeyaiAsset     *still,
                    const char     *params)
{
  heyai_lineage_fill_with_cast (project, scene, asset, still, params, NULL, NULL);
}

void
heyai_lineage_fill_with_cast (HeyaiProject   *project,
                              HeyaiScene     *scene,
                              HeyaiAsset     *asset,
                              HeyaiAsset     *still,
                              const char     *params,
                              GPtrArray      *cast,
                              const char     *references_note)
{
  g_autofree char *cast_digest = heyai_bible_cast_digest (cast);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *hash = NULL;
  HeyaiAssetKind kind = heyai_asset_get_kind (asset);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind == HEYAI_ASSET_KIND_CLIP ? "clip" : "image");
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "generated");
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, nonnull (heyai_asset_get_provider (asset)));
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, nonnull (heyai_asset_get_model (asset)));
  json_builder_set_member_name (builder, "aspect");
  json_builder_add_string_value (builder, heyai_enum_to_string (HEYAI_TYPE_ASPECT, heyai_project_get_aspect (project)));

  if (kind == HEYAI_ASSET_KIND_CLIP)
    {
      json_builder_set_member_name (builder, "source_image_asset_id");
      json_builder_add_string_value (builder, still != NULL ? nonnull (heyai_asset_get_id (still)) : "");
      json_builder_set_member_name (builder, "source_image_take");
      json_builder_add_int_value (builder, still != NULL ? heyai_asset_get_take (still) : 0);
      json_builder_set_member_name (builder, "motion_prompt");
      json_builder_add_string_value (builder, nonnull (heyai_scene_get_motion_prompt (scene)));
      json_builder_set_member_name (builder, "camera_move");
      json_builder_add_string_value (builder, heyai_enum_to_string (HEYAI_TYPE_CAMERA_MOVE,
                                                                    heyai_scene_get_camera_move (scene)));
      json_builder_set_member_name (builder, "duration");
      json_builder_add_int_value (builder, heyai_scene_get_duration (scene));
    }
  else
    {
      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, nonnull (heyai_scene_get_image_prompt (scene)));
      json_builder_set_member_name (builder, "style_bible");
      json_builder_add_string_value (builder, nonnull (heyai_project_get_style (project)));
      json_builder_set_member_name (builder, "references");
      json_builder_begin_array (builder);
      for (guint i = 0; cast != NULL && i < cast->len; i++)
        {
          const HeyaiBibleEntry *entry = g_ptr_array_index (cast, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "entry_id");
          json_builder_add_string_value (builder, entry->id);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, heyai_bible_kind_to_string (entry->kind));
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, entry->name);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, entry->description);
          json_builder_set_member_name (builder, "images");
          json_builder_begin_array (builder);
          for (guint k = 0; k < entry->images->len; k++)
            {
              const HeyaiBibleImage *image = g_ptr_array_index (entry->images, k);

              json_builder_add_string_value (builder, image->sha256);
            }
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }

  if (references_note != NULL)
    {
      json_builder_set_member_name (builder, "references_note");
      json_builder_add_string_value (builder, references_note);
    }

  json_builder_set_member_name (builder, "params");
  {
    JsonNode *node = params != NULL ? json_from_string (params, NULL) : NULL;

    if (node != NULL)
      json_builder_add_value (builder, node);
    else
      json_builder_add_null_value (builder);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  hash = lineage_hash (project, scene, kind, still, cast_digest);
  heyai_asset_set_lineage (asset, json);
  heyai_asset_set_inputs_hash (asset, hash);
}

/* The lineage of a take the producer brought: {"source":"imported", ...};
 * no inputs hash (prompt edits do not outdate it).  A clip records the still
 * selected when it arrived (@still, may be NULL): it is current while that
 * still stays selected. */
void
heyai_lineage_fill_imported (HeyaiAsset *asset,
                             HeyaiAsset *still,
                             const char *file_name)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  HeyaiAssetKind kind = heyai_asset_get_kind (asset);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "imported");
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind == HEYAI_ASSET_KIND_CLIP ? "clip" : "image");
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, nonnull (file_name));
  if (kind == HEYAI_ASSET_KIND_CLIP)
    {
      json_builder_set_member_name (builder, "source_image_asset_id");
      json_builder_add_string_value (builder, still != NULL ? nonnull (heyai_asset_get_id (still)) : "");
      json_builder_set_member_name (builder, "source_image_take");
      json_builder_add_int_value (builder, still != NULL ? heyai_asset_get_take (still) : 0);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  heyai_asset_set_lineage (asset, json);
  heyai_asset_set_inputs_hash (asset, NULL);
}

static gboolean
lineage_is_imported (HeyaiAsset *asset)
{
  g_autoptr(JsonNode) node = NULL;

  if (heyai_asset_get_lineage (asset) == NULL)
    return g_strcmp0 (heyai_asset_get_provider (asset), "imported") == 0;
  node = json_from_string (heyai_asset_get_lineage (asset), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  return g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node), "source", ""),
                    "imported") == 0;
}

static int
lineage_source_take (HeyaiAsset  *clip,
                     const char **source_id)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  *source_id = NULL;
  if (heyai_asset_get_lineage (clip) == NULL)
    return 0;
  node = json_from_string (heyai_asset_get_lineage (clip), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  object = json_node_get_object (node);
  if (json_object_has_member (object, "source_image_asset_id"))
    *source_id = g_intern_string (json_object_get_string_member_with_default (object, "source_image_asset_id", ""));
  return (int) json_object_get_int_member_with_default (object, "source_image_take", 0);
}

void
heyai_lineage_of_scene (HeyaiStore        *store,
                        HeyaiProject      *project,
                        HeyaiScene        *scene,
                        HeyaiSceneLineage *out)
{
  g_autoptr(HeyaiProject) loaded = NULL;
  g_autoptr(HeyaiAsset) still = NULL;
  g_autoptr(HeyaiAsset) clip = NULL;

  g_return_if_fail (HEYAI_IS_STORE (store));
  g_return_if_fail (HEYAI_IS_SCENE (scene));
  g_return_if_fail (out != NULL);

  memset (out, 0, sizeof *out);
  out->image_take = heyai_scene_get_image_take (scene);
  out->clip_take = heyai_scene_get_clip_take (scene);

  if (project == NULL)
    {
      loaded = heyai_store_find_project (store, heyai_scene_get_project_id (scene), NULL);
      project = loaded;
    }

  if (out->image_take > 0)
    still = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE,
                                   out->image_take, NULL);
  if (still != NULL && project != NULL && heyai_asset_get_inputs_hash (still) != NULL)
    {
      g_autofree char *hash = NULL;

      /* Continuing the previous shot: current while made from that shot's
       * current clip. */
      if (heyai_store_scene_continues (store, heyai_scene_get_id (scene)))
        {
          g_autoptr(HeyaiAsset) previous = heyai_store_previous_clip (store, scene);

          hash = continue_hash (project, previous);
        }
      else
        {
          g_autofree char *cast_digest = heyai_lineage_cast_digest (store, scene);

          hash = lineage_hash (project, scene, HEYAI_ASSET_KIND_IMAGE, NULL, cast_digest);
        }
      out->image_stale = g_strcmp0 (hash, heyai_asset_get_inputs_hash (still)) != 0;
    }

  if (out->clip_take <= 0)
    return;

  clip = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP, out->clip_take, NULL);
  if (clip == NULL)
    {
      out->clip_stale = TRUE;
      return;
    }

  if (lineage_is_imported (clip))
    {
      const char *source_id = NULL;

      /* The producer's clip: current while the still selected when it
       * arrived stays selected (a clip imported before this was recorded,
       * or onto a scene without a still: while no newer still exists). */
      out->clip_source_image_take = lineage_source_take (clip, &source_id);
      if (source_id != NULL && *source_id != '\0')
        out->clip_stale = still == NULL || g_strcmp0 (source_id, heyai_asset_get_id (still)) != 0;
      else
        out->clip_stale = still != NULL && heyai_asset_get_created_at (clip) < heyai_asset_get_created_at (still);
    }
  else if (heyai_asset_get_inputs_hash (clip) != NULL)
    {
      const char *source_id = NULL;

      out->clip_source_image_take = lineage_source_take (clip, &source_id);
      if (still == NULL || project == NULL ||
          g_strcmp0 (source_id, heyai_asset_get_id (still)) != 0)
        out->clip_stale = TRUE;
      else
        {
          gboolean asked = FALSE;
          gboolean ended = lineage_end_frame (clip, &asked);
          g_autoptr(HeyaiAsset) end_still = NULL;
          g_autofree char *hash = NULL;

          /* Ending on the next shot's still: current while that still is
           * the one it ended on (made without the setting, or with it
           * since turned off: outdated). */
          if (heyai_store_scene_ends_on_next (store, heyai_scene_get_id (scene)))
            {
              if (!asked)
                out->clip_stale = TRUE;
              else if (ended)
                {
                  end_still = heyai_store_next_still (store, scene);
                  if (end_still == NULL)
                    out->clip_stale = TRUE;
                }
            }
          if (!out->clip_stale)
            {
              hash = clip_hash (project, scene, still, end_still);
              out->clip_stale = g_strcmp0 (hash, heyai_asset_get_inputs_hash (clip)) != 0;
            }
        }
    }
  else if (still != NULL && heyai_asset_get_created_at (clip) < heyai_asset_get_created_at (still))
    {
      /* A clip made before lineage was recorded, older than a still made
       * since: it cannot show that still. */
      out->clip_stale = TRUE;
    }

  /* A clip of an outdated still is outdated too. */
  if (out->image_stale)
    out->clip_stale = TRUE;
}

gboolean
heyai_lineage_clip_is_current (HeyaiStore   *store,
                               HeyaiProject *project,
                               HeyaiScene   *scene)
{
  HeyaiSceneLineage lineage;

  heyai_lineage_of_scene (store, project, scene, &lineage);
  return lineage.clip_take > 0 && !lineage.clip_stale;
}

char *
heyai_lineage_references_note_for (const char *reason)
{
  g_return_val_if_fail (reason != NULL, NULL);
  return g_strdup_printf (_("References not applied: text only (%s)"), reason);
}

char *
heyai_lineage_references_note (HeyaiAsset *asset)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  if (asset == NULL || heyai_asset_get_lineage (asset) == NULL)
    return NULL;
  node = json_from_string (heyai_asset_get_lineage (asset), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "references_note"))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (object, "references_note", NULL));
}
