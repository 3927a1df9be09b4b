/* heyai-timeline-edl.c: CMX 3600 EDL (timeline.edl).
 *
 *   TITLE: <ASCII title>
 *   FCM: NON-DROP FRAME
 *
 *   001  SC001    V     C        00:00:00:00 00:00:05:00 00:00:00:00 00:00:05:00
 *
 * The title is folded to ASCII; reel names are "SC<n>" (clip) or "ST<n>"
 * (held still), at most 8 characters, or in the clip-name flavour
 * (timeline-clipnames.edl) the clip's file name.  Each event carries the
 * comment lines editors relink with ("* FROM CLIP NAME:", "* SOURCE FILE:"),
 * the scene's name and stable id, and a "* LOC:" marker with the approval and
 * the producer's note for the editor.  Source in/out run from
 * 00:00:00:00 (the clips carry no timecode track, so that is their source
 * timecode) over the clip length; record times are contiguous from the start
 * timecode (01:00:00:00 by default).  23.976 and 29.97 use non-drop-frame timecode at the
 * nominal base (24/30), so a timecode counts frames, not wall-clock time;
 * "29.97df" writes FCM: DROP FRAME and HH:MM:SS;FF drop-frame timecodes.
 * CMX 3600 allows at most 999 events.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

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

/* Comment lines hold one line of ASCII-safe text (no line breaks). */
static char *
comment_text (const char *text)
{
  g_autofree char *copy = g_str_to_ascii (text != NULL ? text : "", "C");

  for (char *p = copy; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t' || !g_ascii_isprint (*p))
      *p = ' ';

  return g_strdup (g_strstrip (copy));
}

/* Reel of the clip-name flavour: the file name without extension, as Premiere
 * and delivery specs want it ("01-the-lighthouse"); spaces become '_'. */
static char *
clip_name_reel (const HeyaiCutEntry *entry)
{
  g_autofree char *base = g_path_get_basename (entry->media_rel);
  char *dot = strrchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  g_strdelimit (base, " \t", '_');

  return g_steal_pointer (&base);
}

char *
heyai_export_edl_to_string (const HeyaiCut *cut,
                            gboolean        clip_names)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autofree char *title = edl_title (plan->title);

  g_string_append_printf (out, "TITLE: %s\nFCM: %s\n\n", title,
                          heyai_export_fps_is_drop_frame (plan->fps) ? "DROP FRAME" : "NON-DROP FRAME");

  for (guint i = 0; i < cut->entries->len && i < 999; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      g_autofree char *reel = clip_names ? clip_name_reel (entry) : heyai_export_edl_reel_name (entry);
      g_autofree char *src_in = heyai_export_timecode (0, plan->fps);
      g_autofree char *src_out = heyai_export_timecode (entry->frames, plan->fps);
      g_autofree char *rec_in = heyai_export_record_timecode (cut, entry->record_in);
      g_autofree char *rec_out = heyai_export_record_timecode (cut, entry->record_in + entry->frames);
      g_autofree char *base = g_path_get_basename (entry->media_rel);
      g_autofree char *clip_name = heyai_export_clip_name (entry);
      g_autofree char *clip_line = comment_text (clip_name);
      g_autofree char *note = comment_text (entry->scene->editor_note);
      g_autofree char *approval = NULL;

      g_string_append_printf (out, "%03u  %-8s V     C        %s %s %s %s\n",
                              i + 1, reel, src_in, src_out, rec_in, rec_out);
      g_string_append_printf (out, "* FROM CLIP NAME: %s\n", base);
      g_string_append_printf (out, "* SOURCE FILE: %s\n", entry->media_rel);
      g_string_append_printf (out, "* COMMENT: %s\n", clip_line);
      g_string_append_printf (out, "* HEYAI ID: %s\n", entry->uid);
      if (entry->scene->approved_by != NULL && *entry->scene->approved_by != '\0')
        approval = g_strdup_printf ("APPROVED BY %s", entry->scene->approved_by);
      else
        approval = g_strdup ("APPROVED");
      /* Marker at the first frame of the event: record timecode, color, text. */
      g_string_append_printf (out, "* LOC: %s RED     %s%s%s\n", rec_in, approval,
                              *note != '\0' ? " - " : "", note);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
