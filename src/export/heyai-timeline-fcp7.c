/* heyai-timeline-fcp7.c: Final Cut Pro 7 XML (XMEML version 5) for Premiere
 * (timeline.xml).
 *
 * sequence > media > video > track > clipitem per scene with start/end (record
 * frames), in/out (source frames) and a file with a pathurl.  Premiere wants
 * absolute file:// URLs, so pathurl is the package's final location
 * (file://localhost/...); when the package is moved, Premiere asks to relink
 * and finds the files by name next to the XML.  23.976 and 29.97 are
 * timebase 24/30 with <ntsc>TRUE</ntsc>, non-drop-frame (DF for "29.97df").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-export-private.h"

static void
append_rate (GString               *out,
             const char            *indent,
             const HeyaiExportPlan *plan)
{
  g_string_append_printf (out,
                          "%s<rate>\n"
                          "%s  <timebase>%d</timebase>\n"
                          "%s  <ntsc>%s</ntsc>\n"
                          "%s</rate>\n",
                          indent,
                          indent, heyai_export_fps_timebase (plan->fps),
                          indent, heyai_export_fps_is_ntsc (plan->fps) ? "TRUE" : "FALSE",
                          indent);
}

/* The rate element of a media file at @fps_n/@fps_d (24, 23.976 ...). */
static void
append_media_rate (GString    *out,
                   const char *indent,
                   int         fps_n,
                   int         fps_d)
{
  int timebase = fps_d > 0 ? (int) ((fps_n + fps_d / 2) / fps_d) : 0;
  gboolean ntsc = fps_d == 1001;

  g_string_append_printf (out,
                          "%s<rate>\n"
                          "%s  <timebase>%d</timebase>\n"
                          "%s  <ntsc>%s</ntsc>\n"
                          "%s</rate>\n",
                          indent, indent, timebase, indent, ntsc ? "TRUE" : "FALSE", indent);
}

/* The rate of a file: a still is shown at the timeline rate. */
static void
append_file_rate (GString               *out,
                  const char            *indent,
                  const HeyaiCutEntry   *entry,
                  const HeyaiExportPlan *plan)
{
  if (entry->is_still || entry->media.fps_n <= 0)
    append_rate (out, indent, plan);
  else
    append_media_rate (out, indent, entry->media.fps_n, entry->media.fps_d);
}

static void
append_marker (GString    *out,
               const char *name,
               const char *comment,
               gint64      in)
{
  g_autofree char *name_x = heyai_export_xml_escape (name);
  g_autofree char *comment_x = heyai_export_xml_escape (comment);

  g_string_append_printf (out,
                          "            <marker>\n"
                          "              <name>%s</name>\n"
                          "              <comment>%s</comment>\n"
                          "              <in>%" G_GINT64_FORMAT "</in>\n"
                          "              <out>-1</out>\n"
                          "            </marker>\n",
                          name_x, comment_x, in);
}

char *
heyai_export_fcp7_to_string (const HeyaiCut *cut)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autofree char *title = heyai_export_xml_escape (plan->title);
  g_autofree char *start_tc = heyai_export_record_timecode (cut, 0);

  g_string_append (out,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<!DOCTYPE xmeml>\n"
                   "<xmeml version=\"5\">\n"
                   "  <sequence id=\"sequence-1\">\n");
  g_string_append_printf (out,
                          "    <name>%s</name>\n"
                          "    <duration>%" G_GINT64_FORMAT "</duration>\n",
                          title, cut->total_frames);
  append_rate (out, "    ", plan);
  g_string_append (out, "    <timecode>\n");
  append_rate (out, "      ", plan);
  g_string_append_printf (out,
                   "      <string>%s</string>\n"
                   "      <frame>%" G_GINT64_FORMAT "</frame>\n"
                   "      <displayformat>%s</displayformat>\n"
                   "    </timecode>\n"
                   "    <media>\n"
                   "      <video>\n"
                   "        <format>\n"
                   "          <samplecharacteristics>\n",
                   start_tc, cut->start_frame, heyai_export_fps_is_drop_frame (plan->fps) ? "DF" : "NDF");
  append_rate (out, "            ", plan);
  g_string_append_printf (out,
                          "            <width>%d</width>\n"
                          "            <height>%d</height>\n"
                          "            <pixelaspectratio>square</pixelaspectratio>\n"
                          "          </samplecharacteristics>\n"
                          "        </format>\n"
                          "        <track>\n",
                          plan->width, plan->height);

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      const HeyaiMediaInfo *m = &entry->media;
      g_autofree char *clip_name = heyai_export_clip_name (entry);
      g_autofree char *clip_name_x = heyai_export_xml_escape (clip_name);
      g_autofree char *base = g_path_get_basename (entry->media_rel);
      g_autofree char *base_x = heyai_export_xml_escape (base);
      g_autofree char *url = heyai_export_media_url (cut, entry->media_rel, TRUE);
      g_autofree char *url_x = heyai_export_xml_escape (url);
      g_autofree char *uid_x = heyai_export_xml_escape (entry->uid);
      g_autofree char *marker = g_strdup_printf ("Scene %d", s->number);
      g_autofree char *approval = s->approved_by != NULL && *s->approved_by != '\0'
                                  ? g_strdup_printf ("Approved by %s", s->approved_by) : g_strdup ("Approved");
      gint64 start = entry->record_in;
      gint64 end = entry->record_in + entry->frames;
      /* A still is as long as the hold; a clip as long as its media. */
      gint64 file_frames = entry->is_still || m->frames <= 0 ? entry->frames : m->frames;

      g_string_append_printf (out,
                              "          <clipitem id=\"clipitem-%u\">\n"
                              "            <name>%s</name>\n"
                              "            <enabled>TRUE</enabled>\n"
                              "            <duration>%" G_GINT64_FORMAT "</duration>\n",
                              i + 1, clip_name_x, file_frames);
      append_rate (out, "            ", plan);
      g_string_append_printf (out,
                              "            <start>%" G_GINT64_FORMAT "</start>\n"
                              "            <end>%" G_GINT64_FORMAT "</end>\n"
                              "            <in>0</in>\n"
                              "            <out>%" G_GINT64_FORMAT "</out>\n",
                              start, end, entry->frames);
      g_string_append_printf (out,
                              "            <file id=\"file-%u\">\n"
                              "              <name>%s</name>\n"
                              "              <pathurl>%s</pathurl>\n",
                              i + 1, base_x, url_x);
      append_file_rate (out, "              ", entry, plan);
      g_string_append_printf (out,
                              "              <duration>%" G_GINT64_FORMAT "</duration>\n"
                              "              <timecode>\n",
                              file_frames);
      append_file_rate (out, "                ", entry, plan);
      g_string_append_printf (out,
                              "                <string>00:00:00:00</string>\n"
                              "                <frame>0</frame>\n"
                              "                <displayformat>NDF</displayformat>\n"
                              "              </timecode>\n"
                              "              <media>\n"
                              "                <video>\n"
                              "                  <samplecharacteristics>\n");
      append_file_rate (out, "                    ", entry, plan);
      g_string_append_printf (out,
                              "                    <width>%d</width>\n"
                              "                    <height>%d</height>\n"
                              "                    <pixelaspectratio>square</pixelaspectratio>\n"
                              "                  </samplecharacteristics>\n"
                              "                </video>\n"
                              "              </media>\n"
                              "            </file>\n"
                              "            <comments>\n"
                              "              <mastercomment1>%s</mastercomment1>\n"
                              "            </comments>\n",
                              m->width, m->height, uid_x);
      append_marker (out, marker, s->image_prompt, 0);
      append_marker (out, approval, s->editor_note, 0);
      g_string_append (out, "          </clipitem>\n");
    }

  g_string_append (out,
                   "          <enabled>TRUE</enabled>\n"
                   "          <locked>FALSE</locked>\n");
  g_string_append (out,
                   "        </track>\n"
                   "      </video>\n"
                   "    </media>\n"
                   "  </sequence>\n"
                   "</xmeml>\n");

  return g_string_free (out, FALSE);
}
