/* heyai-timeline-otio.c: OpenTimelineIO JSON (timeline.otio).
 *
 * Timeline.1 > Stack.1 > Track.1 (kind "Video") > Clip.2 with an
 * ExternalReference.1 (absolute file:// target_url; "media/<file>" in the
 * .otioz bundle) as DEFAULT_MEDIA, global_start_time at the start timecode, source_range and
 * available_range as TimeRange.1 of RationalTime.1, and one Marker.2 per clip
 * ("Scene N", the prompts in comment and metadata) plus one with the
 * approval and the producer's note for the editor.  metadata.heyai.id is
 * the stable id the round trip matches clips by.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "heyai-export-private.h"

static void
add_rational_time (JsonBuilder *b,
                   const char  *member,
                   gint64       value,
                   double       rate)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "OTIO_SCHEMA");
  json_builder_add_string_value (b, "RationalTime.1");
  json_builder_set_member_name (b, "rate");
  json_builder_add_double_value (b, rate);
  json_builder_set_member_name (b, "value");
  json_builder_add_double_value (b, (double) value);
  json_builder_end_object (b);
}

static void
add_time_range (JsonBuilder *b,
                const char  *member,
                gint64       start,
                gint64       duration,
                double       rate)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "OTIO_SCHEMA");
  json_builder_add_string_value (b, "TimeRange.1");
  add_rational_time (b, "duration", duration, rate);
  add_rational_time (b, "start_time", start, rate);
  json_builder_end_object (b);
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
add_empty_array (JsonBuilder *b,
                 const char  *member)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  json_builder_end_array (b);
}

static void
add_empty_object (JsonBuilder *b,
                  const char  *member)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_end_object (b);
}

static void
add_scene_metadata (JsonBuilder            *b,
                    const HeyaiCutEntry    *entry)
{
  const HeyaiExportScene *s = entry->scene;

  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "heyai");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "scene");
  json_builder_add_int_value (b, s->number);
  add_string (b, "title", s->title);
  add_string (b, "description", s->description);
  add_string (b, "image_prompt", s->image_prompt);
  add_string (b, "motion_prompt", s->motion_prompt);
  add_string (b, "camera_move", s->camera_move);
  add_string (b, "provider", s->provider);
  add_string (b, "model", s->model);
  json_builder_set_member_name (b, "seed");
  if (s->seed >= 0)
    json_builder_add_int_value (b, s->seed);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "take");
  json_builder_add_int_value (b, s->take);
  add_string (b, "request_id", s->request_id);
  json_builder_set_member_name (b, "held_still");
  json_builder_add_boolean_value (b, entry->is_still);
  add_string (b, "id", entry->uid);
  add_string (b, "scene_id", s->scene_id);
  add_string (b, "editor_note", s->editor_note);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

static void
add_marker (JsonBuilder *b,
            const char  *name,
            const char  *color,
            const char  *comment,
            double       rate)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "OTIO_SCHEMA");
  json_builder_add_string_value (b, "Marker.2");
  add_empty_object (b, "metadata");
  add_string (b, "name", name);
  add_string (b, "color", color);
  add_time_range (b, "marked_range", 0, 0, rate);
  add_string (b, "comment", comment != NULL ? comment : "");
  json_builder_end_object (b);
}

static char *
otio_to_string (const HeyaiCut *cut,
                gboolean        bundle)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const HeyaiExportPlan *plan = cut->plan;
  double rate = heyai_export_fps_to_double (plan->fps);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "OTIO_SCHEMA");
  json_builder_add_string_value (b, "Timeline.1");
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "heyai");
  json_builder_begin_object (b);
  add_string (b, "project_id", plan->project_id);
  add_string (b, "fps", heyai_export_fps_to_string (plan->fps));
  json_builder_end_object (b);
  json_builder_end_object (b);
  add_string (b, "name", plan->title);
  add_rational_time (b, "global_start_time", cut->start_frame, rate);

  json_builder_set_member_name (b, "tracks");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "OTIO_SCHEMA");
  json_builder_add_string_value (b, "Stack.1");
  add_empty_object (b, "metadata");
  add_string (b, "name", "tracks");
  json_builder_set_member_name (b, "source_range");
  json_builder_add_null_value (b);
  add_empty_array (b, "effects");
  add_empty_array (b, "markers");
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "children");
  json_builder_begin_array (b);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "OTIO_SCHEMA");
  json_builder_add_string_value (b, "Track.1");
  add_empty_object (b, "metadata");
  add_string (b, "name", "V1");
  json_builder_set_member_name (b, "source_range");
  json_builder_add_null_value (b);
  add_empty_array (b, "effects");
  add_empty_array (b, "markers");
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  add_string (b, "kind", "Video");
  json_builder_set_member_name (b, "children");
  json_builder_begin_array (b);

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      g_autofree char *marker_name = g_strdup_printf ("Scene %d", s->number);
      g_autofree char *target = NULL;
      g_autofree char *comment = NULL;
      g_autofree char *approval = s->approved_by != NULL && *s->approved_by != '\0'
                                  ? g_strdup_printf ("Approved by %s", s->approved_by) : g_strdup ("Approved");
      const HeyaiMediaInfo *m = &entry->media;
      gint64 available = entry->is_still || m->frames <= 0 ? entry->frames : m->frames;

      if (bundle)
        {
          g_autofree char *base = g_path_get_basename (entry->media_rel);
          g_autofree char *rel = g_strconcat ("media/", base, NULL);
          target = heyai_export_uri_encode_path (rel);
        }
      else
        target = heyai_export_media_url (cut, entry->media_rel, FALSE);

      if (s->motion_prompt != NULL && *s->motion_prompt != '\0' && !entry->is_still)
        comment = g_strdup_printf ("%s\n%s", s->image_prompt != NULL ? s->image_prompt : "",
                                   s->motion_prompt);
      else
        comment = g_strdup (s->image_prompt != NULL ? s->image_prompt : "");

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "OTIO_SCHEMA");
      json_builder_add_string_value (b, "Clip.2");
      add_scene_metadata (b, entry);
      add_string (b, "name", entry->name);
      add_time_range (b, "source_range", 0, entry->frames, rate);
      add_empty_array (b, "effects");

      json_builder_set_member_name (b, "markers");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "OTIO_SCHEMA");
      json_builder_add_string_value (b, "Marker.2");
      json_builder_set_member_name (b, "metadata");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "heyai");
      json_builder_begin_object (b);
      add_string (b, "title", s->title);
      add_string (b, "image_prompt", s->image_prompt);
      add_string (b, "motion_prompt", s->motion_prompt);
      json_builder_end_object (b);
      json_builder_end_object (b);
      add_string (b, "name", marker_name);
      add_string (b, "color", "RED");
      add_time_range (b, "marked_range", 0, 0, rate);
      add_string (b, "comment", comment);
      json_builder_end_object (b);
      add_marker (b, approval, "GREEN", s->editor_note, rate);
      json_builder_end_array (b);

      json_builder_set_member_name (b, "enabled");
      json_builder_add_boolean_value (b, TRUE);

      json_builder_set_member_name (b, "media_references");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "DEFAULT_MEDIA");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "OTIO_SCHEMA");
      json_builder_add_string_value (b, "ExternalReference.1");
      add_empty_object (b, "metadata");
      add_string (b, "name", entry->name);
      add_time_range (b, "available_range", 0, available, rate);
      json_builder_set_member_name (b, "available_image_bounds");
      json_builder_add_null_value (b);
      add_string (b, "target_url", target);
      json_builder_end_object (b);
      json_builder_end_object (b);
      add_string (b, "active_media_reference_key", "DEFAULT_MEDIA");
      json_builder_end_object (b);
    }

  json_builder_end_array (b);  /* track children */
  json_builder_end_object (b); /* track */
  json_builder_end_array (b);  /* stack children */
  json_builder_end_object (b); /* stack */
  json_builder_end_object (b); /* timeline */

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 4);

  return json_generator_to_data (gen, NULL);
}

char *
heyai_export_otio_to_string (const HeyaiCut *cut)
{
  return otio_to_string (cut, FALSE);
}

char *
heyai_export_otio_to_string_for_bundle (const HeyaiCut *cut)
{
  return otio_to_string (cut, TRUE);
}
