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

static char *
path_url (const HeyaiCut      *cut,
          const HeyaiCutEntry *entry)
{
  g_autofree char *encoded = NULL;
  g_autofree char *full = NULL;

  if (cut->package_dir == NULL)
    return heyai_export_uri_encode_path (entry->media_rel);

  full = g_build_filename (cut->package_dir, entry->media_rel, NULL);
  encoded = heyai_export_uri_encode_path (full);

  return g_strconcat ("file://localhost", encoded[0] == '/' ? "" : "/", encoded, NULL);
}

char *
heyai_export_fcp7_to_string (const HeyaiCut *cut)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autofree char *title = heyai_export_xml_escape (plan->title);
  g_autofree char *start_tc = heyai_export_timecode (0, plan->fps);

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
                   "      <frame>0</frame>\n"
                   "      <displayformat>%s</displayformat>\n"
                   "    </timecode>\n"
                   "    <media>\n"
                   "      <video>\n"
                   "        <format>\n"
                   "          <samplecharacteristics>\n",
                   start_tc, heyai_export_fps_is_drop_frame (plan->fps) ? "DF" : "NDF");
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
      g_autofree char *clip_name = g_strdup_printf ("%d. %s", s->number, s->title != NULL ? s->title : "");
      g_autofree char *clip_name_x = heyai_export_xml_escape (clip_name);
      g_autofree char *base = g_path_get_basename (entry->media_rel);
      g_autofree char *base_x = heyai_export_xml_escape (base);
      g_autofree char *url = path_url (cut, entry);
      g_autofree char *url_x = heyai_export_xml_escape (url);
      g_autofree char *marker = g_strdup_printf ("Scene %d", s->number);
      g_autofree char *comment_x = heyai_export_xml_escape (s->image_prompt);
      gint64 start = entry->record_in;
      gint64 end = entry->record_in + entry->frames;

      g_string_append_printf (out,
                              "          <clipitem id=\"clipitem-%u\">\n"
                              "            <name>%s</name>\n"
                              "            <enabled>TRUE</enabled>\n"
                              "            <duration>%" G_GINT64_FORMAT "</duration>\n",
                              i + 1, clip_name_x, entry->frames);
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
      append_rate (out, "              ", plan);
      g_string_append_printf (out,
                              "              <duration>%" G_GINT64_FORMAT "</duration>\n"
                              "              <media>\n"
                              "                <video>\n"
                              "                  <samplecharacteristics>\n"
                              "                    <width>%d</width>\n"
                              "                    <height>%d</height>\n"
                              "                  </samplecharacteristics>\n"
                              "                </video>\n"
                              "              </media>\n"
                              "            </file>\n"
                              "            <marker>\n"
                              "              <name>%s</name>\n"
                              "              <comment>%s</comment>\n"
                              "              <in>0</in>\n"
                              "              <out>-1</out>\n"
                              "            </marker>\n"
                              "          </clipitem>\n",
                              entry->frames, plan->width, plan->height, marker, comment_x);
    }

  g_string_append (out,
                   "        </track>\n"
                   "      </video>\n"
                   "    </media>\n"
                   "  </sequence>\n"
                   "</xmeml>\n");

  return g_string_free (out, FALSE);
}
