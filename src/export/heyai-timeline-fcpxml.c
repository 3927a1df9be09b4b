/* heyai-timeline-fcpxml.c: Final Cut Pro X / Resolve FCPXML 1.9 (timeline.fcpxml).
 *
 * One file: resources (a format, one asset per clip with a media-rep whose src
 * is the relative, percent-encoded path), then library > event > project >
 * sequence > spine with an asset-clip per scene.  Times are exact rationals in
 * seconds: frames * frameDuration, e.g. "120/24s" or "120120/24000s".
 * Held stills are assets too (hasVideo, the hold duration).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-export-private.h"

/* frames at the plan rate as an FCPXML time. */
static char *
fcp_time (gint64          frames,
          HeyaiExportFps  fps)
{
  int num, den;

  if (frames == 0)
    return g_strdup ("0s");

  heyai_export_fps_get_rational (fps, &num, &den);

  return g_strdup_printf ("%" G_GINT64_FORMAT "/%ds", frames * den, num);
}

static const char *
format_name (const HeyaiExportPlan *plan)
{
  if (plan->width != 1920 || plan->height != 1080)
    return NULL;

  switch (plan->fps)
    {
    case HEYAI_EXPORT_FPS_23_976: return "FFVideoFormat1080p2398";
    case HEYAI_EXPORT_FPS_25:     return "FFVideoFormat1080p25";
    case HEYAI_EXPORT_FPS_29_97:
    case HEYAI_EXPORT_FPS_29_97_DF: return "FFVideoFormat1080p2997";
    case HEYAI_EXPORT_FPS_30:     return "FFVideoFormat1080p30";
    case HEYAI_EXPORT_FPS_24:
    default:                      return "FFVideoFormat1080p24";
    }
}

char *
heyai_export_fcpxml_to_string (const HeyaiCut *cut)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autofree char *title = heyai_export_xml_escape (plan->title);
  g_autofree char *frame_duration = fcp_time (1, plan->fps);
  g_autofree char *total = fcp_time (cut->total_frames, plan->fps);
  const char *fname = format_name (plan);
  const char *tc_format = heyai_export_fps_is_drop_frame (plan->fps) ? "DF" : "NDF";

  g_string_append (out,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<!DOCTYPE fcpxml>\n"
                   "<fcpxml version=\"1.9\">\n"
                   "  <resources>\n");
  g_string_append (out, "    <format id=\"r1\"");
  if (fname != NULL)
    g_string_append_printf (out, " name=\"%s\"", fname);
  g_string_append_printf (out, " frameDuration=\"%s\" width=\"%d\" height=\"%d\"/>\n",
                          frame_duration, plan->width, plan->height);

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      g_autofree char *name = heyai_export_xml_escape (entry->name);
      g_autofree char *src_enc = heyai_export_uri_encode_path (entry->media_rel);
      g_autofree char *src = heyai_export_xml_escape (src_enc);
      g_autofree char *dur = fcp_time (entry->frames, plan->fps);

      g_string_append_printf (out,
                              "    <asset id=\"r%u\" name=\"%s\" start=\"0s\" duration=\"%s\""
                              " hasVideo=\"1\" format=\"r1\" videoSources=\"1\">\n"
                              "      <media-rep kind=\"original-media\" src=\"%s\"/>\n"
                              "    </asset>\n",
                              i + 2, name, dur, src);
    }

  g_string_append_printf (out,
                          "  </resources>\n"
                          "  <library>\n"
                          "    <event name=\"%s\">\n"
                          "      <project name=\"%s\">\n"
                          "        <sequence format=\"r1\" duration=\"%s\" tcStart=\"0s\" tcFormat=\"%s\">\n"
                          "          <spine>\n",
                          title, title, total, tc_format);

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      g_autofree char *offset = fcp_time (entry->record_in, plan->fps);
      g_autofree char *dur = fcp_time (entry->frames, plan->fps);
      g_autofree char *clip_name = g_strdup_printf ("%d. %s", s->number, s->title != NULL ? s->title : "");
      g_autofree char *clip_name_x = heyai_export_xml_escape (clip_name);
      g_autofree char *marker = g_strdup_printf ("Scene %d: %s", s->number, s->title != NULL ? s->title : "");
      g_autofree char *marker_x = heyai_export_xml_escape (marker);
      g_autofree char *note = NULL;
      g_autofree char *note_x = NULL;

      if (!entry->is_still && s->motion_prompt != NULL && *s->motion_prompt != '\0')
        note = g_strdup_printf ("%s\n%s", s->image_prompt != NULL ? s->image_prompt : "", s->motion_prompt);
      else
        note = g_strdup (s->image_prompt != NULL ? s->image_prompt : "");
      note_x = heyai_export_xml_escape (note);

      g_string_append_printf (out,
                              "            <asset-clip ref=\"r%u\" offset=\"%s\" name=\"%s\" start=\"0s\""
                              " duration=\"%s\" format=\"r1\" tcFormat=\"%s\">\n"
                              "              <marker start=\"0s\" duration=\"%s\" value=\"%s\" note=\"%s\"/>\n"
                              "            </asset-clip>\n",
                              i + 2, offset, clip_name_x, dur, tc_format, frame_duration, marker_x, note_x);
    }

  g_string_append (out,
                   "          </spine>\n"
                   "        </sequence>\n"
                   "      </project>\n"
                   "    </event>\n"
                   "  </library>\n"
                   "</fcpxml>\n");

  return g_string_free (out, FALSE);
}
