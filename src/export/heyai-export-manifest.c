/* heyai-export-manifest.c: manifest.json (every file with size and sha256,
 * and per scene where it came from: prompts, provider, model, seed, request
 * ids, cost, approval).  No credentials are ever part of a plan.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "heyai-export-private.h"

void
heyai_manifest_file_free (HeyaiManifestFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->sha256);
  g_free (file);
}

static void
add_string (JsonBuilder *b,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_seed (JsonBuilder *b,
          gint64       seed)
{
  json_builder_set_member_name (b, "seed");
  if (seed >= 0)
    json_builder_add_int_value (b, seed);
  else
    json_builder_add_null_value (b);
}

static void
add_cost (JsonBuilder *b,
          double       cost)
{
  json_builder_set_member_name (b, "cost_usd");
  json_builder_add_double_value (b, (double) (gint64) (cost * 10000 + (cost >= 0 ? 0.5 : -0.5)) / 10000);
}

static void
add_media (JsonBuilder          *b,
           const char           *member,
           const char           *path,
           const HeyaiMediaInfo *m,
           GPtrArray            *files)
{
  json_builder_set_member_name (b, member);
  if (path == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }

  json_builder_begin_object (b);
  add_string (b, "path", path);
  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      HeyaiManifestFile *f = g_ptr_array_index (files, i);

      if (g_str_equal (f->path, path))
        {
          add_string (b, "sha256", f->sha256);
          add_int (b, "size", f->size);
        }
    }
  json_builder_set_member_name (b, "probed");
  json_builder_add_boolean_value (b, m->probed);
  add_int (b, "width", m->width);
  add_int (b, "height", m->height);
  if (!m->is_image && m->fps_n > 0)
    {
      g_autofree char *rate = g_strdup_printf ("%d/%d", m->fps_n, m->fps_d);
      add_string (b, "fps_rational", rate);
      add_int (b, "frames", m->frames);
      /* The clips carry no timecode track: their source timecode starts at zero. */
      add_string (b, "source_timecode", "00:00:00:00");
    }
  add_string (b, "codec", m->codec);
  add_string (b, "container", m->container);
  json_builder_set_member_name (b, "has_audio");
  json_builder_add_boolean_value (b, m->has_audio);
  json_builder_end_object (b);
}

static void
add_scene (JsonBuilder            *b,
           const HeyaiExportScene *s,
           const HeyaiCutEntry    *entry,
           const HeyaiCut         *cut,
           GPtrArray              *files)
{
  json_builder_begin_object (b);
  add_int (b, "scene", s->number);
  add_string (b, "title", s->title);
  add_string (b, "description", s->description);
  add_string (b, "image_prompt", s->image_prompt);
  add_string (b, "motion_prompt", s->motion_prompt);
  add_string (b, "camera_move", s->camera_move);
  json_builder_set_member_name (b, "duration_seconds");
  json_builder_add_double_value (b, s->duration_seconds);

  if (entry != NULL)
    {
      g_autofree char *tc_in = heyai_export_record_timecode (cut, entry->record_in);
      g_autofree char *tc_out = heyai_export_record_timecode (cut, entry->record_in + entry->frames);

      add_int (b, "duration_frames", entry->frames);
      add_int (b, "record_in_frame", entry->record_in);
      add_string (b, "timecode_in", tc_in);
      add_string (b, "timecode_out", tc_out);
      add_string (b, "media", entry->media_rel);
      add_string (b, "still", entry->still_rel);
      json_builder_set_member_name (b, "held_still");
      json_builder_add_boolean_value (b, entry->is_still);
      add_string (b, "id", entry->uid);
      add_string (b, "editor_note", s->editor_note);
      add_string (b, "references_note", s->references_note);
      add_media (b, "media_info", entry->media_rel, &entry->media, files);
      add_media (b, "original", entry->original_rel, &entry->original, files);
      add_string (b, "conformed", entry->conform_reason);
    }
  else
    {
      json_builder_set_member_name (b, "included");
      json_builder_add_boolean_value (b, FALSE);
    }

  json_builder_set_member_name (b, "clip");
  if (s->clip_path != NULL)
    {
      json_builder_begin_object (b);
      add_string (b, "provider", s->provider);
      add_string (b, "model", s->model);
      add_seed (b, s->seed);
      add_int (b, "take", s->take);
      add_string (b, "request_id", s->request_id);
      add_cost (b, s->cost - s->image_cost);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "image");
  if (s->still_path != NULL)
    {
      json_builder_begin_object (b);
      add_string (b, "provider", s->image_provider);
      add_string (b, "model", s->image_model);
      add_seed (b, s->image_seed);
      add_int (b, "take", s->image_take);
      add_string (b, "request_id", s->image_request_id);
      add_cost (b, s->image_cost);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);

  add_cost (b, s->cost);

  /* An outdated clip (lineage): held (the still in its place) or included. */
  json_builder_set_member_name (b, "clip_stale");
  json_builder_add_boolean_value (b, s->clip_stale);
  json_builder_set_member_name (b, "clip_held");
  json_builder_add_boolean_value (b, s->clip_held);
  json_builder_set_member_name (b, "clip_source_image_take");
  if (s->clip_source_image_take > 0)
    json_builder_add_int_value (b, s->clip_source_image_take);
  else
    json_builder_add_null_value (b);

  json_builder_set_member_name (b, "approval");
  json_builder_begin_object (b);
  add_string (b, "state", "approved");
  add_string (b, "by", s->approved_by);
  add_string (b, "at", s->approved_at);
  json_builder_end_object (b);

  json_builder_end_object (b);
}

char *
heyai_export_manifest_to_string (const HeyaiCut           *cut,
                                 const HeyaiExportOptions *options,
                                 GPtrArray                *files)
{
  guint n_formats;
  const HeyaiExportFormatInfo *table = heyai_export_format_table (&n_formats);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format_iso8601 (now);
  g_autofree char *total_tc = heyai_export_timecode (cut->total_frames, cut->plan->fps);
  g_autofree char *rational = NULL;
  const HeyaiExportPlan *plan = cut->plan;
  double total_cost = 0;
  int num, den;

  heyai_export_fps_get_rational (plan->fps, &num, &den);
  rational = g_strdup_printf ("%d/%d", num, den);

  json_builder_begin_object (b);
  add_string (b, "format", "heyai-handoff/1");
  add_string (b, "generator", "HeyAI Studio " PACKAGE_VERSION);
  add_string (b, "created_at", created);

  json_builder_set_member_name (b, "project");
  json_builder_begin_object (b);
  add_string (b, "id", plan->project_id);
  add_string (b, "title", plan->title);
  add_string (b, "slug", plan->slug);
  add_int (b, "width", plan->width);
  add_int (b, "height", plan->height);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "timeline");
  json_builder_begin_object (b);
  add_string (b, "fps", heyai_export_fps_to_string (plan->fps));
  add_string (b, "fps_rational", rational);
  add_string (b, "timecode", heyai_export_fps_is_drop_frame (plan->fps) ? "drop-frame" : "non-drop-frame");
  add_int (b, "total_frames", cut->total_frames);
  add_string (b, "duration_timecode", total_tc);
  {
    g_autofree char *start = heyai_export_record_timecode (cut, 0);
    add_string (b, "start_timecode", start);
    add_int (b, "start_frame", cut->start_frame);
  }
  add_int (b, "scenes", cut->entries->len);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "formats");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_formats; i++)
    if (options->formats & table[i].flag)
      json_builder_add_string_value (b, table[i].id);
  json_builder_end_array (b);
  add_string (b, "missing", options->missing == HEYAI_EXPORT_MISSING_SKIP ? "skip" : "hold");
  add_string (b, "stale", plan->include_stale ? "include" : "hold");
  json_builder_set_member_name (b, "crossfade_seconds");
  json_builder_add_double_value (b, options->crossfade);
  json_builder_set_member_name (b, "burn_in");
  json_builder_add_boolean_value (b, options->burn_in);
  json_builder_set_member_name (b, "music");
  json_builder_add_boolean_value (b, options->music != NULL);
  add_string (b, "fit", options->fit == HEYAI_EXPORT_FIT_CROP ? "crop" : "letterbox");
  json_builder_end_object (b);

  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < files->len; i++)
    {
      HeyaiManifestFile *f = g_ptr_array_index (files, i);

      json_builder_begin_object (b);
      add_string (b, "path", f->path);
      add_int (b, "size", f->size);
      add_string (b, "sha256", f->sha256);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "scenes");
  json_builder_begin_array (b);
  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      add_scene (b, entry->scene, entry, cut, files);
      total_cost += entry->scene->cost;
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "skipped");
  json_builder_begin_array (b);
  for (guint i = 0; i < cut->skipped->len; i++)
    add_scene (b, g_ptr_array_index (cut->skipped, i), NULL, cut, files);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "total_cost_usd");
  json_builder_add_double_value (b, (double) (gint64) (total_cost * 10000 + 0.5) / 10000);

  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);

  return json_generator_to_data (gen, NULL);
}
