/* heyai-pipeline-bible.c: the reference bible in a run — the analysis tags
 * each scene's cast, a still or clip is made with the cast's descriptions
 * in its prompts, and its reference images go to the provider when it
 * takes them; when it cannot, the take records why ("References not
 * applied: text only (...)"), never silently.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-pipeline"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-pipeline-internal.h"
#include "heyai-provider-descriptors.h"

/* The text of a scene the analysis's cast is matched against. */
static char *
scene_text (HeyaiScene *scene)
{
  return g_strjoin ("\n",
                    heyai_scene_get_title (scene) ? heyai_scene_get_title (scene) : "",
                    heyai_scene_get_excerpt (scene) ? heyai_scene_get_excerpt (scene) : "",
                    heyai_scene_get_description (scene) ? heyai_scene_get_description (scene) : "",
                    heyai_scene_get_image_prompt (scene) ? heyai_scene_get_image_prompt (scene) : "",
                    heyai_scene_get_motion_prompt (scene) ? heyai_scene_get_motion_prompt (scene) : "",
                    NULL);
}

guint
_heyai_pipeline_tag_cast (HeyaiPipeline  *self,
                          HeyaiProject   *project,
                          GPtrArray      *scenes,
                          GPtrArray      *fresh,
                          GError        **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  guint tagged = 0;

  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), 0);

  entries = heyai_store_bible_list (self->store, heyai_project_get_id (project), error);
  if (entries == NULL)
    return 0;
  if (entries->len == 0)
    return 0;

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      HeyaiScene *analysed = fresh != NULL && i < fresh->len ? g_ptr_array_index (fresh, i) : scene;
      g_autofree char *text = scene_text (scene);
      const char * const *names = heyai_scene_get_cast_names (analysed);

      tagged += heyai_store_cast_tag (self->store, heyai_project_get_id (project), heyai_scene_get_id (scene),
                                      entries, text, names, error);
      if (error != NULL && *error != NULL)
        return tagged;
    }
  return tagged;
}

GPtrArray *
_heyai_pipeline_scene_cast (HeyaiPipeline *self,
                            HeyaiScene    *scene)
{
  g_autoptr(GPtrArray) cast = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) notes = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) name_list = NULL;

  cast = heyai_store_cast_list (self->store, heyai_scene_get_id (scene), &error);
  if (cast == NULL)
    {
      g_warning ("Could not read the cast of scene %s: %s", heyai_scene_get_id (scene), error->message);
      cast = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_bible_entry_free);
    }
  for (guint i = 0; i < cast->len; i++)
    g_strv_builder_add (names, ((HeyaiBibleEntry *) g_ptr_array_index (cast, i))->name);
  name_list = g_strv_builder_end (names);
  notes = heyai_bible_cast_notes (cast);
  heyai_scene_set_cast_notes (scene, cast->len > 0 ? (const char * const *) notes : NULL);
  heyai_scene_set_cast_names (scene, cast->len > 0 ? (const char * const *) name_list : NULL);
  return g_steal_pointer (&cast);
}


GPtrArray *
_heyai_pipeline_scene_references (HeyaiPipeline  *self,
                                  HeyaiRole       role,
                                  HeyaiProject   *project,
                                  GPtrArray      *cast,
                                  char          **reason)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *root = NULL;
  g_autofree char *project_dir = NULL;
  const HeyaiProviderDescriptor *descriptor;
  const char *name;
  const char *label;
  guint with_images = 0;
  guint max_refs;

  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  *reason = NULL;
  for (guint i = 0; cast != NULL && i < cast->len; i++)
    if (((HeyaiBibleEntry *) g_ptr_array_index (cast, i))->images->len > 0)
      with_images++;
  if (with_images == 0)
    return NULL;  /* nothing to send: the descriptions are the references */

  name = role == HEYAI_ROLE_ANIMATOR ? (self->animator ? heyai_animator_get_name (self->animator) : "")
                                     : (self->imager ? heyai_imager_get_name (self->imager) : "");
  descriptor = heyai_provider_descriptor_lookup (role, name);
  label = descriptor != NULL ? heyai_provider_descriptor_label (descriptor) : name;
  /* How many the provider takes (its descriptor row); it fits each image
   * to its own limits itself. */
  max_refs = descriptor != NULL ? descriptor->max_references : 0;

  if (max_refs == 0)
    {
      *reason = g_strdup_printf (_("%s takes no reference images"), label);
      return NULL;
    }
  if (with_images > max_refs)
    {
      *reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u entries have images, %s takes at most %u",
                                              "%u entries have images, %s takes at most %u", max_refs),
                                 with_images, label, max_refs);
      return NULL;
    }

  root = heyai_local_root (self->data_dir);
  project_dir = heyai_project_dir (root, project, NULL);
  for (guint i = 0; i < cast->len; i++)
    {
      HeyaiBibleEntry *entry = g_ptr_array_index (cast, i);
      HeyaiBibleImage *image;
      g_autoptr(GError) error = NULL;
      char *path;

      if (entry->images->len == 0)
        continue;
      image = g_ptr_array_index (entry->images, 0);
      path = heyai_store_bible_image_file (self->store, image, project_dir, &error);
      if (path == NULL)
        {
          *reason = g_strdup_printf (_("the image of “%s” is missing: %s"), entry->name, error->message);
          return NULL;
        }
      g_ptr_array_add (paths, path);
    }
  return g_steal_pointer (&paths);
}

char *
_heyai_pipeline_references_note (HeyaiPipeline *self,
                                  HeyaiRole      role,
                                  HeyaiProject  *project,
                                  GPtrArray     *cast)
{
  g_autoptr(GPtrArray) paths = NULL;
  g_autofree char *reason = NULL;

  paths = _heyai_pipeline_scene_references (self, role, project, cast, &reason);
  if (reason == NULL)
    return NULL;
  return heyai_lineage_references_note_for (reason);
}

/* Whether the animator of the pipeline takes an end-frame still (its
 * descriptor row; a model that does not says so in the clip's note). */
static gboolean
provider_takes_end_frame (const HeyaiProviderDescriptor *descriptor)
{
  return descriptor != NULL && descriptor->end_frame;
}

char *
_heyai_pipeline_scene_end_frame (HeyaiPipeline  *self,
                                 HeyaiScene     *scene,
                                 char          **reason)
{
  g_autoptr(HeyaiAsset) next = NULL;
  const HeyaiProviderDescriptor *descriptor;
  const char *name;

  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  *reason = NULL;
  name = self->animator ? heyai_animator_get_name (self->animator) : "";
  descriptor = heyai_provider_descriptor_lookup (HEYAI_ROLE_ANIMATOR, name);
  if (!provider_takes_end_frame (descriptor))
    {
      *reason = g_strdup_printf (_("%s takes no end frame"),
                                 descriptor != NULL ? heyai_provider_descriptor_label (descriptor) : name);
      return NULL;
    }
  next = heyai_store_next_still (self->store, scene);
  if (next == NULL || heyai_asset_get_local_path (next) == NULL ||
      !g_file_test (heyai_asset_get_local_path (next), G_FILE_TEST_IS_REGULAR))
    {
      *reason = g_strdup_printf (_("scene %d has no still on this computer"), heyai_scene_get_position (scene) + 1);
      return NULL;
    }
  return g_strdup (heyai_asset_get_local_path (next));
}
