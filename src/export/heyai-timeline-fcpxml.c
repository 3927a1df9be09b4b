/* heyai-timeline-fcpxml.c: Final Cut Pro X / Resolve FCPXML 1.9 (timeline.fcpxml).
 *
 * One file: resources (the sequence format r1, shared by media in that
 * format, one more format per distinct media format -- stills their own,
 * without a rate -- and one asset per clip with
 * the probed duration, a stable uid and a media-rep whose src is the
 * absolute, percent-encoded file:// URL), then library > event > project >
 * sequence (tcStart = the start timecode) > spine with an asset-clip per
 * scene carrying two markers: the scene and prompts, and the approval with
 * the producer's note for the editor.  Times are exact rationals in
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

/* One <format> per distinct media format (size and rate; stills have no rate). */
typedef struct
{
  int width;
  int height;
  int fps_n;     /* 0 for stills */
  int fps_d;
} FormatKey;

static guint
format_id_for (GArray                *formats,
               const HeyaiExportPlan *plan,
               const HeyaiMediaInfo  *m,
               gboolean               still)
{
  FormatKey key = { m->width, m->height, still ? 0 : m->fps_n, still ? 1 : m->fps_d };
  int num, den;

  /* Media in the sequence's own format share r1. */
  heyai_export_fps_get_rational (plan->fps, &num, &den);
  if (!still && key.width == plan->width && key.height == plan->height &&
      (gint64) key.fps_n * den == (gint64) num * key.fps_d)
    return 1;

  for (guint i = 0; i < formats->len; i++)
    {
      FormatKey *k = &g_array_index (formats, FormatKey, i);

      if (k->width == key.width && k->height == key.height && k->fps_n == key.fps_n &&
          (key.fps_n == 0 || (gint64) k->fps_n * key.fps_d == (gint64) key.fps_n * k->fps_d))
        return i + 2;  /* r1 is the sequence format */
    }

  g_array_append_val (formats, key);
  return formats->len + 1;
}

/* @frames at @fps_n/@fps_d as an FCPXML time. */
static char *
media_time (gint64 frames,
            int    fps_n,
            int    fps_d)
{
  if (frames == 0)
    return g_strdup ("0s");

  return g_strdup_printf ("%" G_GINT64_FORMAT "/%ds", frames * fps_d, fps_n);
}

static void
append_marker (GString    *out,
               const char *start,
               const char *duration,
               const char *value,
               const char *note)
{
  g_autofree char *value_x = heyai_export_xml_escape (value);
  g_autofree char *note_x = heyai_export_xml_escape (note != NULL ? note : "");

  g_string_append_printf (out, "              <marker start=\"%s\" duration=\"%s\" value=\"%s\" note=\"%s\"/>\n",
                          start, duration, value_x, note_x);
}

char *
heyai_export_fcpxml_to_string (const HeyaiCut *cut)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autoptr(GArray) formats = g_array_new (FALSE, FALSE, sizeof (FormatKey));
  g_autofree guint *entry_format = g_new0 (guint, MAX (cut->entries->len, 1));
  g_autofree char *title = heyai_export_xml_escape (plan->title);
  g_autofree char *frame_duration = fcp_time (1, plan->fps);
  g_autofree char *total = fcp_time (cut->total_frames, plan->fps);
  g_autofree char *tc_start = fcp_time (cut->start_frame, plan->fps);
  const char *fname = format_name (plan);
  const char *tc_format = heyai_export_fps_is_drop_frame (plan->fps) ? "DF" : "NDF";
  guint first_asset;

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      entry_format[i] = format_id_for (formats, plan, &entry->media, entry->is_still || entry->media.fps_n <= 0);
    }
  first_asset = formats->len + 2;

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

  for (guint i = 0; i < formats->len; i++)
    {
      const FormatKey *k = &g_array_index (formats, FormatKey, i);

      if (k->fps_n == 0)
        g_string_append_printf (out, "    <format id=\"r%u\" name=\"FFVideoFormatRateUndefined\" width=\"%d\" height=\"%d\"/>\n",
                                i + 2, k->width, k->height);
      else
        {
          g_autofree char *fd = media_time (1, k->fps_n, k->fps_d);
          g_string_append_printf (out, "    <format id=\"r%u\" frameDuration=\"%s\" width=\"%d\" height=\"%d\"/>\n",
                                  i + 2, fd, k->width, k->height);
        }
    }

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiMediaInfo *m = &entry->media;
      g_autofree char *name = heyai_export_xml_escape (entry->name);
      g_autofree char *url = heyai_export_media_url (cut, entry->media_rel, FALSE);
      g_autofree char *src = heyai_export_xml_escape (url);
      g_autofree char *uid = heyai_export_xml_escape (entry->uid);
      g_autofree char *dur = NULL;

      if (entry->is_still || m->fps_n <= 0)
        dur = g_strdup ("0s");
      else
        dur = media_time (m->frames > 0 ? m->frames : entry->frames, m->fps_n, m->fps_d);

      g_string_append_printf (out,
                              "    <asset id=\"r%u\" name=\"%s\" uid=\"%s\" start=\"0s\" duration=\"%s\""
                              " hasVideo=\"1\"%s format=\"r%u\" videoSources=\"1\">\n"
                              "      <media-rep kind=\"original-media\" src=\"%s\"/>\n"
                              "      <metadata>\n"
                              "        <md key=\"com.heyai.scene-id\" value=\"%s\"/>\n"
                              "      </metadata>\n"
                              "    </asset>\n",
                              first_asset + i, name, uid, dur,
                              m->has_audio ? " hasAudio=\"1\" audioSources=\"1\"" : "",
                              entry_format[i], src, uid);
    }

  g_string_append_printf (out,
                          "  </resources>\n"
                          "  <library>\n"
                          "    <event name=\"%s\">\n"
                          "      <project name=\"%s\">\n"
                          "        <sequence format=\"r1\" duration=\"%s\" tcStart=\"%s\" tcFormat=\"%s\">\n"
                          "          <spine>\n",
                          title, title, total, tc_start, tc_format);

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      g_autofree char *offset = fcp_time (cut->start_frame + entry->record_in, plan->fps);
      g_autofree char *dur = fcp_time (entry->frames, plan->fps);
      g_autofree char *clip_name = heyai_export_clip_name (entry);
      g_autofree char *clip_name_x = heyai_export_xml_escape (clip_name);
      g_autofree char *marker = g_strdup_printf ("Scene %d: %s", s->number, s->title != NULL ? s->title : "");
      g_autofree char *approval = s->approved_by != NULL && *s->approved_by != '\0'
                                  ? g_strdup_printf ("Approved by %s", s->approved_by) : g_strdup ("Approved");
      g_autofree char *uid = heyai_export_xml_escape (entry->uid);
      g_autofree char *note = NULL;

      if (!entry->is_still && s->motion_prompt != NULL && *s->motion_prompt != '\0')
        note = g_strdup_printf ("%s\n%s", s->image_prompt != NULL ? s->image_prompt : "", s->motion_prompt);
      else
        note = g_strdup (s->image_prompt != NULL ? s->image_prompt : "");

      g_string_append_printf (out,
                              "            <asset-clip ref=\"r%u\" offset=\"%s\" name=\"%s\" start=\"0s\""
                              " duration=\"%s\" tcFormat=\"%s\">\n",
                              first_asset + i, offset, clip_name_x, dur, tc_format);
      append_marker (out, "0s", frame_duration, marker, note);
      append_marker (out, "0s", frame_duration, approval, s->editor_note);
      g_string_append_printf (out,
                              "              <metadata>\n"
                              "                <md key=\"com.heyai.scene-id\" value=\"%s\"/>\n"
                              "              </metadata>\n"
                              "            </asset-clip>\n",
                              uid);
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
