/* heyai-export-plan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <stdio.h>

#include "heyai-core.h"
#include "heyai-export-plan.h"

static void
heyai_export_scene_free (HeyaiExportScene *scene)
{
  if (scene == NULL)
    return;

  g_free (scene->title);
  g_free (scene->scene_slug);
  g_free (scene->description);
  g_free (scene->notes);
  g_free (scene->image_prompt);
  g_free (scene->motion_prompt);
  g_free (scene->camera_move);
  g_free (scene->clip_path);
  g_free (scene->still_path);
  g_free (scene->provider);
  g_free (scene->model);
  g_free (scene->request_id);
  g_free (scene->image_provider);
  g_free (scene->image_model);
  g_free (scene->image_request_id);
  g_free (scene->approved_by);
  g_free (scene->approved_at);
  g_free (scene->scene_id);
  g_free (scene->editor_note);
  g_free (scene->references_note);
  g_free (scene->stale_clip_path);
  g_free (scene);
}

static HeyaiExportScene *
heyai_export_scene_copy (const HeyaiExportScene *src)
{
  HeyaiExportScene *scene = g_new0 (HeyaiExportScene, 1);

  *scene = *src;
  scene->title = g_strdup (src->title);
  scene->scene_slug = g_strdup (src->scene_slug);
  scene->description = g_strdup (src->description);
  scene->notes = g_strdup (src->notes);
  scene->image_prompt = g_strdup (src->image_prompt);
  scene->motion_prompt = g_strdup (src->motion_prompt);
  scene->camera_move = g_strdup (src->camera_move);
  scene->clip_path = g_strdup (src->clip_path);
  scene->still_path = g_strdup (src->still_path);
  scene->provider = g_strdup (src->provider);
  scene->model = g_strdup (src->model);
  scene->request_id = g_strdup (src->request_id);
  scene->image_provider = g_strdup (src->image_provider);
  scene->image_model = g_strdup (src->image_model);
  scene->image_request_id = g_strdup (src->image_request_id);
  scene->approved_by = g_strdup (src->approved_by);
  scene->approved_at = g_strdup (src->approved_at);
  scene->scene_id = g_strdup (src->scene_id);
  scene->editor_note = g_strdup (src->editor_note);
  scene->references_note = g_strdup (src->references_note);
  scene->stale_clip_path = g_strdup (src->stale_clip_path);

  return scene;
}

HeyaiExportPlan *
heyai_export_plan_new (const char *title)
{
  HeyaiExportPlan *plan = g_new0 (HeyaiExportPlan, 1);

  plan->title = g_strdup (title != NULL && *title != '\0' ? title : _("Untitled"));
  plan->slug = heyai_slugify (plan->title, 0);
  plan->width = 1920;
  plan->height = 1080;
  plan->fps = HEYAI_EXPORT_FPS_24;
  plan->start_tc = g_strdup ("01:00:00:00");
  plan->scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_export_scene_free);

  return plan;
}

HeyaiExportPlan *
heyai_export_plan_copy (const HeyaiExportPlan *src)
{
  HeyaiExportPlan *plan;

  g_return_val_if_fail (src != NULL, NULL);

  plan = g_new0 (HeyaiExportPlan, 1);
  plan->title = g_strdup (src->title);
  plan->slug = g_strdup (src->slug);
  plan->project_id = g_strdup (src->project_id);
  plan->width = src->width;
  plan->height = src->height;
  plan->fps = src->fps;
  plan->start_tc = g_strdup (src->start_tc);
  plan->include_stale = src->include_stale;
  plan->scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_export_scene_free);
  for (guint i = 0; i < src->scenes->len; i++)
    g_ptr_array_add (plan->scenes, heyai_export_scene_copy (g_ptr_array_index (src->scenes, i)));

  return plan;
}

void
heyai_export_plan_free (HeyaiExportPlan *plan)
{
  if (plan == NULL)
    return;

  g_free (plan->title);
  g_free (plan->slug);
  g_free (plan->project_id);
  g_free (plan->start_tc);
  g_clear_pointer (&plan->scenes, g_ptr_array_unref);
  g_free (plan);
}

void
heyai_export_scene_set_title (HeyaiExportScene *scene,
                              const char       *title)
{
  g_return_if_fail (scene != NULL);

  g_free (scene->title);
  g_free (scene->scene_slug);
  scene->title = g_strdup (title != NULL ? title : "");
  scene->scene_slug = heyai_slugify (scene->title, 40);
}

HeyaiExportScene *
heyai_export_plan_add_scene (HeyaiExportPlan *plan,
                             const char      *title)
{
  HeyaiExportScene *scene;

  g_return_val_if_fail (plan != NULL, NULL);

  scene = g_new0 (HeyaiExportScene, 1);
  scene->number = (int) plan->scenes->len + 1;
  scene->duration_seconds = 5;
  scene->seed = -1;
  scene->image_seed = -1;
  scene->camera_move = g_strdup ("static");
  heyai_export_scene_set_title (scene, title);
  g_ptr_array_add (plan->scenes, scene);

  return scene;
}

/* Frame rates ---------------------------------------------------------- */

static const struct
{
  const char *name;
  int         num;
  int         den;
  int         timebase;
} fps_table[] = {
  [HEYAI_EXPORT_FPS_24]     = { "24",     24,    1,    24 },
  [HEYAI_EXPORT_FPS_23_976] = { "23.976", 24000, 1001, 24 },
  [HEYAI_EXPORT_FPS_25]     = { "25",     25,    1,    25 },
  [HEYAI_EXPORT_FPS_29_97]  = { "29.97",  30000, 1001, 30 },
  [HEYAI_EXPORT_FPS_30]     = { "30",     30,    1,    30 },
  [HEYAI_EXPORT_FPS_29_97_DF] = { "29.97df", 30000, 1001, 30 },
};

gboolean
heyai_export_fps_parse (const char     *text,
                        HeyaiExportFps *fps)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (fps_table); i++)
    {
      if (g_str_equal (text, fps_table[i].name))
        {
          *fps = (HeyaiExportFps) i;
          return TRUE;
        }
    }

  /* Common spellings. */
  if (g_str_equal (text, "23.98") || g_str_equal (text, "24000/1001"))
    *fps = HEYAI_EXPORT_FPS_23_976;
  else if (g_str_equal (text, "30000/1001"))
    *fps = HEYAI_EXPORT_FPS_29_97;
  else if (g_str_equal (text, "29.97DF") || g_str_equal (text, "29.97-df"))
    *fps = HEYAI_EXPORT_FPS_29_97_DF;
  else if (g_str_equal (text, "24/1") || g_str_equal (text, "24.0"))
    *fps = HEYAI_EXPORT_FPS_24;
  else
    return FALSE;

  return TRUE;
}

static guint
fps_index (HeyaiExportFps fps)
{
  return (guint) fps < G_N_ELEMENTS (fps_table) ? (guint) fps : 0;
}

const char *
heyai_export_fps_to_string (HeyaiExportFps fps)
{
  return fps_table[fps_index (fps)].name;
}

void
heyai_export_fps_get_rational (HeyaiExportFps  fps,
                               int            *num,
                               int            *den)
{
  *num = fps_table[fps_index (fps)].num;
  *den = fps_table[fps_index (fps)].den;
}

int
heyai_export_fps_timebase (HeyaiExportFps fps)
{
  return fps_table[fps_index (fps)].timebase;
}

gboolean
heyai_export_fps_is_ntsc (HeyaiExportFps fps)
{
  return fps_table[fps_index (fps)].den == 1001;
}

gboolean
heyai_export_fps_is_drop_frame (HeyaiExportFps fps)
{
  return fps == HEYAI_EXPORT_FPS_29_97_DF;
}

double
heyai_export_fps_to_double (HeyaiExportFps fps)
{
  return (double) fps_table[fps_index (fps)].num / fps_table[fps_index (fps)].den;
}

gint64
heyai_export_seconds_to_frames (double         seconds,
                                HeyaiExportFps fps)
{
  int num, den;
  gint64 frames;

  heyai_export_fps_get_rational (fps, &num, &den);
  if (!isfinite (seconds) || seconds <= 0)
    return 1;

  /* round (seconds * num / den) computed so that 5 s at 24/1 is exactly 120. */
  frames = (gint64) floor (seconds * num / den + 0.5);

  return MAX (frames, 1);
}

gint64
heyai_export_scene_frames (const HeyaiExportScene *scene,
                           HeyaiExportFps          fps)
{
  return heyai_export_seconds_to_frames (scene->duration_seconds, fps);
}

char *
heyai_export_timecode (gint64         frames,
                       HeyaiExportFps fps)
{
  gint64 d, m, n;

  if (!heyai_export_fps_is_drop_frame (fps))
    return heyai_timecode (frames, heyai_export_fps_timebase (fps));

  /* SMPTE 12M drop-frame: frame numbers ;00 and ;01 are skipped at the start
   * of every minute except each tenth (17982 frames per ten minutes). */
  if (frames < 0)
    frames = 0;
  d = frames / 17982;
  m = frames % 17982;
  n = frames + 18 * d + (m > 1 ? 2 * ((m - 2) / 1798) : 0);

  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT
                          ";%02" G_GINT64_FORMAT,
                          n / 108000, (n / 1800) % 60, (n / 30) % 60, n % 30);
}

gboolean
heyai_export_timecode_parse (const char     *text,
                             HeyaiExportFps  fps,
                             gint64         *frames)
{
  int timebase = heyai_export_fps_timebase (fps);
  unsigned int hh, mm, ss, ff;
  char sep1, sep2, sep3;
  int consumed = 0;
  gint64 total;

  if (text == NULL)
    return FALSE;

  if (sscanf (text, "%2u%c%2u%c%2u%c%2u%n", &hh, &sep1, &mm, &sep2, &ss, &sep3, &ff, &consumed) != 7 ||
      text[consumed] != '\0' || sep1 != ':' || sep2 != ':' ||
      (sep3 != ':' && sep3 != ';' && sep3 != '.' && sep3 != ',') ||
      mm > 59 || ss > 59 || ff >= (unsigned int) timebase)
    return FALSE;

  total = ((gint64) hh * 3600 + mm * 60 + ss) * timebase + ff;
  if (heyai_export_fps_is_drop_frame (fps))
    {
      gint64 minutes = (gint64) hh * 60 + mm;

      /* Frame numbers 00 and 01 do not exist at the start of a minute not divisible by ten. */
      if (ss == 0 && ff < 2 && mm % 10 != 0)
        return FALSE;
      total -= 2 * (minutes - minutes / 10);
    }

  *frames = total;
  return TRUE;
}

gint64
heyai_export_plan_start_frame (const HeyaiExportPlan *plan)
{
  gint64 frames = 0;

  if (plan->start_tc == NULL || !heyai_export_timecode_parse (plan->start_tc, plan->fps, &frames))
    return 0;

  return frames;
}

/* From the store ------------------------------------------------------- */

static HeyaiAsset *
selected_take (HeyaiStore     *store,
               const char     *scene_id,
               HeyaiAssetKind  kind,
               int             take,
               GError        **error)
{
  g_autoptr(GPtrArray) takes = NULL;
  HeyaiAsset *asset;

  if (take > 0)
    {
      asset = heyai_store_get_asset (store, scene_id, kind, take, error);
      if (asset != NULL || (error != NULL && *error != NULL))
        return asset;
    }

  /* No selection recorded: the newest take that has a file. */
  takes = heyai_store_list_assets (store, scene_id, kind, error);
  if (takes == NULL)
    return NULL;

  for (guint i = takes->len; i > 0; i--)
    {
      HeyaiAsset *candidate = g_ptr_array_index (takes, i - 1);
      const char *path = heyai_asset_get_local_path (candidate);

      if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_object_ref (candidate);
    }

  return NULL;
}

static char *
existing_path (HeyaiAsset *asset)
{
  const char *path;

  if (asset == NULL)
    return NULL;

  path = heyai_asset_get_local_path (asset);
  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;

  return g_strdup (path);
}

HeyaiExportPlan *
heyai_export_plan_from_store (HeyaiStore    *store,
                              HeyaiProject  *project,
                              GError       **error)
{
  g_autoptr(HeyaiExportPlan) plan = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  const char *project_id;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), NULL);

  project_id = heyai_project_get_id (project);
  scenes = heyai_store_list_scenes (store, project_id, error);
  if (scenes == NULL)
    return NULL;

  plan = heyai_export_plan_new (heyai_project_get_title (project));
  plan->project_id = g_strdup (project_id);
  if (heyai_project_get_start_tc (project) != NULL && *heyai_project_get_start_tc (project) != '\0')
    {
      g_free (plan->start_tc);
      plan->start_tc = g_strdup (heyai_project_get_start_tc (project));
    }
  heyai_aspect_get_size (heyai_project_get_aspect (project), 1920, &plan->width, &plan->height);
  if (plan->width <= 0 || plan->height <= 0)
    {
      plan->width = 1920;
      plan->height = 1080;
    }

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      g_autoptr(HeyaiAsset) clip = NULL;
      g_autoptr(HeyaiAsset) still = NULL;
      HeyaiExportScene *es;
      const char *id = heyai_scene_get_id (scene);

      if (heyai_scene_get_deleted (scene) ||
          heyai_scene_get_approval (scene) != HEYAI_APPROVAL_APPROVED)
        continue;

      clip = selected_take (store, id, HEYAI_ASSET_KIND_CLIP, heyai_scene_get_clip_take (scene), error);
      if (error != NULL && *error != NULL)
        return NULL;
      still = selected_take (store, id, HEYAI_ASSET_KIND_IMAGE, heyai_scene_get_image_take (scene), error);
      if (error != NULL && *error != NULL)
        return NULL;

      es = heyai_export_plan_add_scene (plan, heyai_scene_get_title (scene));
      es->number = heyai_scene_get_position (scene);
      es->description = g_strdup (heyai_scene_get_description (scene));
      es->notes = g_strdup (heyai_scene_get_excerpt (scene));
      es->image_prompt = g_strdup (heyai_scene_get_image_prompt (scene));
      es->motion_prompt = g_strdup (heyai_scene_get_motion_prompt (scene));
      g_free (es->camera_move);
      es->camera_move = g_strdup (heyai_enum_to_string (HEYAI_TYPE_CAMERA_MOVE,
                                                        heyai_scene_get_camera_move (scene)));
      es->duration_seconds = heyai_scene_get_duration (scene) > 0 ? heyai_scene_get_duration (scene) : 5;
      es->clip_path = existing_path (clip);
      es->still_path = existing_path (still);
      es->approved_at = g_strdup (heyai_scene_get_updated_at (scene));
      es->scene_id = g_strdup (id);
      es->editor_note = g_strdup (heyai_scene_get_editor_note (scene));
      /* The bible's references a take could not carry: never silent. */
      es->references_note = heyai_lineage_references_note (still);
      if (es->references_note == NULL)
        es->references_note = heyai_lineage_references_note (clip);

      if (still != NULL)
        {
          es->image_provider = g_strdup (heyai_asset_get_provider (still));
          es->image_model = g_strdup (heyai_asset_get_model (still));
          es->image_seed = heyai_asset_get_seed (still);
          es->image_take = heyai_asset_get_take (still);
          es->image_request_id = g_strdup (heyai_asset_get_request_id (still));
          es->image_cost = heyai_asset_get_cost (still);
        }

      if (clip != NULL)
        {
          es->provider = g_strdup (heyai_asset_get_provider (clip));
          es->model = g_strdup (heyai_asset_get_model (clip));
          es->seed = heyai_asset_get_seed (clip);
          es->take = heyai_asset_get_take (clip);
          es->request_id = g_strdup (heyai_asset_get_request_id (clip));
          es->cost = heyai_asset_get_cost (clip) + es->image_cost;
        }
      else
        {
          es->provider = g_strdup (es->image_provider);
          es->model = g_strdup (es->image_model);
          es->seed = es->image_seed;
          es->take = es->image_take;
          es->request_id = g_strdup (es->image_request_id);
          es->cost = es->image_cost;
        }

      /* Never ship an outdated clip silently: held by default. */
      if (es->clip_path != NULL)
        {
          HeyaiSceneLineage lineage;

          heyai_lineage_of_scene (store, project, scene, &lineage);
          es->clip_stale = lineage.clip_stale;
          es->clip_source_image_take = lineage.clip_source_image_take;
        }
    }

  heyai_export_plan_set_include_stale (plan, FALSE);
  return g_steal_pointer (&plan);
}

void
heyai_export_plan_set_include_stale (HeyaiExportPlan *plan,
                                     gboolean         include)
{
  g_return_if_fail (plan != NULL);

  plan->include_stale = !!include;
  for (guint i = 0; i < plan->scenes->len; i++)
    {
      HeyaiExportScene *es = g_ptr_array_index (plan->scenes, i);

      if (!es->clip_stale)
        continue;
      if (include && es->clip_held)
        {
          g_free (es->clip_path);
          es->clip_path = g_steal_pointer (&es->stale_clip_path);
          es->clip_held = FALSE;
        }
      else if (!include && !es->clip_held && es->still_path != NULL)
        {
          g_free (es->stale_clip_path);
          es->stale_clip_path = g_steal_pointer (&es->clip_path);
          es->clip_held = TRUE;
        }
    }
}
