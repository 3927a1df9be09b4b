/* heyai-export-text.c: script-with-timing.md and README.txt.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-core.h"
#include "heyai-export-private.h"

/* One line: newlines and tabs become spaces. */
static char *
one_line (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  for (char *p = copy; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t')
      *p = ' ';

  return g_strstrip (copy);
}

static char *
table_cell (const char *text)
{
  g_autofree char *line = one_line (text);
  GString *out = g_string_new (NULL);

  for (const char *p = line; *p != '\0'; p++)
    {
      if (*p == '|')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static char *
seconds_label (gint64          frames,
               HeyaiExportFps  fps)
{
  double seconds = (double) frames / heyai_export_fps_to_double (fps);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%.2f", seconds);

  return g_strdup (buf);
}

char *
heyai_export_script_md_to_string (const HeyaiCut *cut)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autofree char *title = one_line (plan->title);
  g_autofree char *total_tc = heyai_export_timecode (cut->total_frames, plan->fps);
  g_autofree char *total_s = seconds_label (cut->total_frames, plan->fps);
  g_autofree char *start_tc = heyai_export_record_timecode (cut, 0);

  g_string_append_printf (out, "# %s\n\n", title);
  g_string_append_printf (out, "%s\n\n", _("Script with suggested timing"));
  if (heyai_export_fps_is_drop_frame (plan->fps))
    g_string_append_printf (out,
                            _("%u scenes, 29.97 fps, total %s (%s s). Record timecodes start at %s (drop-frame)."),
                            cut->entries->len, total_tc, total_s, start_tc);
  else
    g_string_append_printf (out,
                            _("%u scenes, %s fps, total %s (%s s). Record timecodes start at %s (non-drop-frame)."),
                            cut->entries->len, heyai_export_fps_to_string (plan->fps), total_tc, total_s, start_tc);
  g_string_append (out, "\n\n");

  g_string_append_printf (out, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n",
                          _("Scene"), _("Record in"), _("Record out"), _("Duration"), _("Title"));
  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      g_autofree char *tc_in = heyai_export_record_timecode (cut, entry->record_in);
      g_autofree char *tc_out = heyai_export_record_timecode (cut, entry->record_in + entry->frames);
      g_autofree char *dur = seconds_label (entry->frames, plan->fps);
      g_autofree char *cell = table_cell (entry->scene->title);

      g_string_append_printf (out, "| %d | %s | %s | %s s | %s |\n",
                              entry->scene->number, tc_in, tc_out, dur, cell);
    }
  g_string_append (out, "\n");

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      g_autofree char *heading = one_line (s->title);
      g_autofree char *tc_in = heyai_export_record_timecode (cut, entry->record_in);
      g_autofree char *tc_out = heyai_export_record_timecode (cut, entry->record_in + entry->frames);
      g_autofree char *dur = seconds_label (entry->frames, plan->fps);

      g_string_append_printf (out, "## %d. %s\n\n", s->number, heading);
      g_string_append_printf (out, "- %s: %s → %s (%s s, %" G_GINT64_FORMAT " %s)\n",
                              _("Record"), tc_in, tc_out, dur, entry->frames, _("frames"));
      g_string_append_printf (out, "- %s: `%s`%s\n", _("Media"), entry->media_rel,
                              !entry->is_still ? ""
                              : entry->scene->clip_held ? _(" (the current still, held in place of an outdated clip)")
                              : _(" (still held, no approved clip)"));
      if (s->camera_move != NULL && *s->camera_move != '\0')
        g_string_append_printf (out, "- %s: %s\n", _("Camera"), s->camera_move);
      g_string_append (out, "\n");

      if (s->description != NULL && *s->description != '\0')
        g_string_append_printf (out, "%s\n\n", s->description);
      if (s->notes != NULL && *s->notes != '\0')
        {
          g_auto(GStrv) lines = g_strsplit (s->notes, "\n", -1);

          for (guint l = 0; lines[l] != NULL; l++)
            g_string_append_printf (out, "> %s\n", lines[l]);
          g_string_append (out, "\n");
        }
      if (s->motion_prompt != NULL && *s->motion_prompt != '\0')
        {
          g_autofree char *motion = one_line (s->motion_prompt);
          g_string_append_printf (out, "*%s:* %s\n\n", _("Motion"), motion);
        }
      if (s->editor_note != NULL && *s->editor_note != '\0')
        {
          g_autofree char *note = one_line (s->editor_note);
          g_string_append_printf (out, "**%s:** %s\n\n", _("Note for the editor"), note);
        }
    }

  if (cut->skipped->len > 0)
    {
      g_string_append_printf (out, "## %s\n\n", _("Left out (no approved clip or still)"));
      for (guint i = 0; i < cut->skipped->len; i++)
        {
          const HeyaiExportScene *s = g_ptr_array_index (cut->skipped, i);
          g_autofree char *t = one_line (s->title);
          g_string_append_printf (out, "- %d. %s\n", s->number, t);
        }
      g_string_append (out, "\n");
    }

  return g_string_free (out, FALSE);
}

char *
heyai_export_readme_to_string (const HeyaiCut     *cut,
                               HeyaiExportFormats  formats)
{
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);
  g_autofree char *title = one_line (plan->title);
  g_autofree char *total_tc = heyai_export_timecode (cut->total_frames, plan->fps);
  g_autofree char *first = NULL;
  g_autofree char *start_tc = heyai_export_record_timecode (cut, 0);

  if (cut->entries->len > 0)
    first = g_strdup (((HeyaiCutEntry *) g_ptr_array_index (cut->entries, 0))->name);

  g_string_append_printf (out, "%s\n", title);
  g_string_append_printf (out, _("Editor handoff package made by HeyAI Studio %s"), PACKAGE_VERSION);
  g_string_append (out, "\n\n");
  if (heyai_export_fps_is_drop_frame (plan->fps))
    g_string_append_printf (out, _("%u scenes, 29.97 fps, %s long (drop-frame timecode from %s)."),
                            cut->entries->len, total_tc, start_tc);
  else
    g_string_append_printf (out, _("%u scenes, %s fps, %s long (non-drop-frame timecode from %s)."),
                            cut->entries->len, heyai_export_fps_to_string (plan->fps), total_tc, start_tc);
  g_string_append (out, "\n\n");

  g_string_append_printf (out, _("The timelines run at %s fps: each scene lasts round(seconds × %s) frames "
                                 "(a 5-second scene is %d frames). Every clip in clips/ is H.264 in MP4 at "
                                 "%d×%d and %s fps; a provider clip that was not is conformed, and its "
                                 "original kept in clips/originals/ (see manifest.json)."),
                          heyai_export_fps_to_string (plan->fps), heyai_export_fps_to_string (plan->fps),
                          (int) heyai_export_seconds_to_frames (5, plan->fps),
                          plan->width, plan->height, heyai_export_fps_to_string (plan->fps));
  g_string_append (out, "\n\n");

  g_string_append_printf (out, "%s\n", _("WHAT IS INSIDE"));
  g_string_append_printf (out, "  clips/      %s\n", _("the approved clips, numbered in storyboard order (01-scene.mp4, ...)"));
  g_string_append_printf (out, "  images/     %s\n", _("the approved stills of the same scenes"));
  {
    guint n_formats;
    const HeyaiExportFormatInfo *table = heyai_export_format_table (&n_formats);

    for (guint i = 0; i < n_formats; i++)
      if (formats & table[i].flag)
        g_string_append_printf (out, "  %-22s %s\n", table[i].file_name, _(table[i].description));
  }
  g_string_append_printf (out, "  manifest.json    %s\n\n", _("checksums (SHA-256) of every file and where each scene came from"));

  g_string_append_printf (out, "%s\n", _("HOW TO IMPORT"));
  g_string_append_printf (out, "  DaVinci Resolve: %s\n",
                          _("File → Import → Timeline… and pick timeline.otio (or timeline.fcpxml, timeline.xml, timeline.edl). Keep the clips/ and images/ folders next to it; if Resolve asks, point it at clips/."));
  g_string_append_printf (out, "  Adobe Premiere Pro: %s\n",
                          _("File → Import… and pick timeline.xml. If the package was moved, use “Locate” and select the first clip in clips/; Premiere relinks the rest."));
  g_string_append_printf (out, "  Final Cut Pro: %s\n",
                          _("File → Import → XML… and pick timeline.fcpxml."));
  g_string_append_printf (out, "  %s\n\n",
                          _("EDL: import timeline.edl and relink reel SCnnn to clips/nn-*.mp4 (STnnn to images/nn-*)."));

  if (first != NULL)
    {
      g_string_append_printf (out, _("Files are named <scene number>-<scene title>, e.g. %s."), first);
      g_string_append (out, "\n");
    }

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);

      if (entry->scene->clip_held)
        {
          g_autofree char *t = one_line (entry->scene->title);
          g_string_append_printf (out, _("Scene %d (%s): its clip is outdated (made from an earlier still or "
                                         "earlier directions), so the current still is held in its place "
                                         "(--stale hold)."),
                                  entry->scene->number, t);
          g_string_append (out, "\n");
        }
      else if (entry->scene->clip_stale)
        {
          g_autofree char *t = one_line (entry->scene->title);
          g_string_append_printf (out, _("Scene %d (%s): its clip is outdated (made from an earlier still or "
                                         "earlier directions) and is included as asked (--stale include)."),
                                  entry->scene->number, t);
          g_string_append (out, "\n");
        }
      else if (entry->is_still)
        {
          g_autofree char *t = one_line (entry->scene->title);
          g_string_append_printf (out, _("Scene %d (%s) has no approved clip yet: its still is held for the scene's duration."),
                                  entry->scene->number, t);
          g_string_append (out, "\n");
        }
    }

  for (guint i = 0; i < cut->skipped->len; i++)
    {
      const HeyaiExportScene *s = g_ptr_array_index (cut->skipped, i);
      g_autofree char *t = one_line (s->title);

      g_string_append_printf (out, _("Scene %d (%s) is not in this package: it has no approved clip."), s->number, t);
      g_string_append (out, "\n");
    }

  return g_string_free (out, FALSE);
}
