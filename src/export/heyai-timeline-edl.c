/* heyai-timeline-edl.c: CMX 3600 EDL (timeline.edl).
 *
 *   TITLE: <ASCII title>
 *   FCM: NON-DROP FRAME
 *
 *   001  SC001    V     C        00:00:00:00 00:00:05:00 00:00:00:00 00:00:05:00
 *
 * No comment lines and no free text: the title is folded to ASCII, reel names
 * are "SC<n>" (clip) or "ST<n>" (held still), at most 8 characters.  Source
 * in/out run from 00:00:00:00 to the clip length; record times are contiguous
 * from 00:00:00:00.  23.976 and 29.97 use non-drop-frame timecode at the
 * nominal base (24/30), so a timecode counts frames, not wall-clock time;
 * "29.97df" writes FCM: DROP FRAME and HH:MM:SS;FF drop-frame timecodes.
 * CMX 3600 allows at most 999 events.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-export-private.h"

char *
heyai_export_edl_reel_name (const HeyaiCutEntry *entry)
{
  return g_strdup_printf ("%s%03d", entry->is_still ? "ST" : "SC",
                          CLAMP (entry->scene->number, 0, 99999));
}

static char *
edl_title (const char *title)
{
  g_autofree char *ascii = g_str_to_ascii (title != NULL ? title : "", "C");
  GString *out = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0' && out->len < 60; p++)
    {
      char c = g_ascii_toupper (*p);

      if (g_ascii_isalnum (c) || c == '-' || c == '_' || c == '.')
        g_string_append_c (out, c);
      else if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "UNTITLED");

  return g_string_free (out, FALSE);
}

char *
heyai_export_edl_to_string (const HeyaiCut *cut)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autofree char *title = edl_title (plan->title);

  g_string_append_printf (out, "TITLE: %s\nFCM: %s\n\n", title,
                          heyai_export_fps_is_drop_frame (plan->fps) ? "DROP FRAME" : "NON-DROP FRAME");

  for (guint i = 0; i < cut->entries->len && i < 999; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      g_autofree char *reel = heyai_export_edl_reel_name (entry);
      g_autofree char *src_in = heyai_export_timecode (0, plan->fps);
      g_autofree char *src_out = heyai_export_timecode (entry->frames, plan->fps);
      g_autofree char *rec_in = heyai_export_timecode (entry->record_in, plan->fps);
      g_autofree char *rec_out = heyai_export_timecode (entry->record_in + entry->frames, plan->fps);

      g_string_append_printf (out, "%03u  %-8s V     C        %s %s %s %s\n",
                              i + 1, reel, src_in, src_out, rec_in, rec_out);
    }

  return g_string_free (out, FALSE);
}
