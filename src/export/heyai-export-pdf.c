/* heyai-export-pdf.c: storyboard.pdf and script-with-timing.pdf (cairo PDF
 * surface + pango).
 *
 * The storyboard is landscape (A4 or Letter): a title page, then six frames a
 * page (3 x 2), each with the still, number, title, duration, timecode,
 * description and notes.  The script is portrait: scene by scene with record
 * timecodes.  Stills are read with cairo (PNG) or, for other formats and for
 * scenes without a still, decoded with GStreamer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <pango/pangocairo.h>

#include "heyai-core.h"
#include "heyai-export-private.h"

#define MARGIN 36.0  /* half an inch */
#define COLS   3
#define ROWS   2

static void
paper_size (HeyaiExportPaper  paper,
            gboolean          landscape,
            double           *width,
            double           *height)
{
  double w = paper == HEYAI_EXPORT_PAPER_LETTER ? 612 : 595.276;
  double h = paper == HEYAI_EXPORT_PAPER_LETTER ? 792 : 841.89;

  *width = landscape ? h : w;
  *height = landscape ? w : h;
}

static gboolean
check_cairo (cairo_status_t  status,
             const char     *path,
             GError        **error)
{
  g_autofree char *display = NULL;
  g_autofree char *what = NULL;

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;

  display = g_filename_display_basename (path);
  what = g_strdup_printf (_("Could not write “%s”"), display);

  if (status == CAIRO_STATUS_WRITE_ERROR)
    {
      /* cairo hides errno; find out whether the disk is full or read-only. */
      g_autofree char *dir = g_path_get_dirname (path);
      heyai_set_io_error (error, access (dir, W_OK) == 0 ? ENOSPC : EACCES, what);
    }
  else
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, "%s: %s", what, cairo_status_to_string (status));

  return FALSE;
}

/* Images ------------------------------------------------------------- */

static cairo_surface_t *
decode_with_gstreamer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *desc = NULL;
  cairo_surface_t *surface = NULL;
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buffer;

  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, NULL))
    return NULL;

  uri = g_filename_to_uri (path, NULL, NULL);
  if (uri == NULL)
    return NULL;

  desc = g_strdup_printf ("uridecodebin name=src ! videoconvert ! videoscale ! "
                          "video/x-raw,format=BGRx,pixel-aspect-ratio=1/1 ! appsink name=sink sync=false");
  pipeline = gst_parse_launch (desc, &error);
  if (pipeline == NULL)
    return NULL;
  g_object_ref_sink (pipeline);

  {
    g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
    g_object_set (src, "uri", uri, NULL);
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    goto out;

  sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 10 * GST_SECOND);
  if (sample == NULL || !gst_video_info_from_caps (&info, gst_sample_get_caps (sample)))
    goto out;

  buffer = gst_sample_get_buffer (sample);
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    goto out;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, GST_VIDEO_INFO_WIDTH (&info),
                                        GST_VIDEO_INFO_HEIGHT (&info));
  if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
    {
      guchar *dst = cairo_image_surface_get_data (surface);
      int dst_stride = cairo_image_surface_get_stride (surface);
      int src_stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
      int row_bytes = GST_VIDEO_INFO_WIDTH (&info) * 4;

      cairo_surface_flush (surface);
      for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&info); y++)
        memcpy (dst + (gsize) y * dst_stride, map.data + (gsize) y * src_stride, (gsize) row_bytes);
      cairo_surface_mark_dirty (surface);
    }
  gst_buffer_unmap (buffer, &map);

out:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return surface;
}

static cairo_surface_t *
load_picture (const char *media_root,
              const char *rel)
{
  g_autofree char *path = NULL;

  if (rel == NULL)
    return NULL;

  path = g_build_filename (media_root, rel, NULL);
  return heyai_export_load_picture (path);
}

cairo_surface_t *
heyai_export_load_picture (const char *path)
{
  cairo_surface_t *surface;

  if (g_str_has_suffix (path, ".png"))
    {
      surface = cairo_image_surface_create_from_png (path);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
        return surface;
      cairo_surface_destroy (surface);
    }

  return decode_with_gstreamer (path);
}

static void
draw_picture (cairo_t         *cr,
              cairo_surface_t *surface,
              double           x,
              double           y,
              double           w,
              double           h)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.14);
  cairo_fill_preserve (cr);
  cairo_clip (cr);

  if (surface != NULL)
    {
      double sw = cairo_image_surface_get_width (surface);
      double sh = cairo_image_surface_get_height (surface);
      double scale = MIN (w / sw, h / sh);

      cairo_translate (cr, x + (w - sw * scale) / 2, y + (h - sh * scale) / 2);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
    }

  cairo_restore (cr);
}

/* Text --------------------------------------------------------------- */

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *font,
             double      width,
             int         max_lines)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (max_lines > 0)
    {
      pango_layout_set_height (layout, -max_lines);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }

  return layout;
}

/* Draws @text and returns the height used. */
static double
draw_text (cairo_t    *cr,
           const char *font,
           const char *text,
           double      x,
           double      y,
           double      width,
           int         max_lines,
           double      gray)
{
  g_autoptr(PangoLayout) layout = NULL;
  int w, h;

  if (text == NULL || *text == '\0')
    return 0;

  layout = make_layout (cr, font, width, max_lines);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (cr, gray, gray, gray);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, &w, &h);

  return (double) h / PANGO_SCALE;
}

static void
draw_footer (cairo_t    *cr,
             const char *title,
             int         page,
             double      page_w,
             double      page_h)
{
  g_autofree char *text = g_strdup_printf ("%s · %d", title, page);
  g_autoptr(PangoLayout) layout = make_layout (cr, "Sans 7", page_w - 2 * MARGIN, 1);

  pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_move_to (cr, MARGIN, page_h - MARGIN + 10);
  pango_cairo_show_layout (cr, layout);
}

static char *
duration_label (const HeyaiCut      *cut,
                const HeyaiCutEntry *entry)
{
  g_autofree char *tc_in = heyai_export_record_timecode (cut, entry->record_in);
  double seconds = (double) entry->frames / heyai_export_fps_to_double (cut->plan->fps);

  return g_strdup_printf (_("%.1f s · from %s"), seconds, tc_in);
}

gboolean
heyai_export_storyboard_pdf (const HeyaiCut  *cut,
                             const char      *media_root,
                             const char      *path,
                             HeyaiExportPaper paper,
                             GCancellable    *cancellable,
                             GError         **error)
{
  const HeyaiExportPlan *plan = cut->plan;
  double page_w, page_h, cell_w, cell_h, gap = 14;
  cairo_surface_t *pdf;
  cairo_t *cr;
  cairo_status_t status;
  int page = 1;

  paper_size (paper, TRUE, &page_w, &page_h);
  pdf = cairo_pdf_surface_create (path, page_w, page_h);
  if (!check_cairo (cairo_surface_status (pdf), path, error))
    {
      cairo_surface_destroy (pdf);
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_TITLE, plan->title);
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_CREATOR, "HeyAI Studio " PACKAGE_VERSION);
  cr = cairo_create (pdf);

  /* Title page. */
  {
    g_autofree char *total = heyai_export_timecode (cut->total_frames, plan->fps);
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *date = g_date_time_format (now, "%x");
    g_autofree char *summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene · %s · %s fps",
                                                             "%u scenes · %s · %s fps", cut->entries->len),
                                                cut->entries->len, total, heyai_export_fps_to_string (plan->fps));
    double y = page_h * 0.32;

    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_paint (cr);
    y += draw_text (cr, "Sans Bold 30", plan->title, MARGIN * 2, y, page_w - 4 * MARGIN, 3, 0.1) + 12;
    y += draw_text (cr, "Sans 16", _("Storyboard"), MARGIN * 2, y, page_w - 4 * MARGIN, 1, 0.35) + 8;
    y += draw_text (cr, "Sans 12", summary, MARGIN * 2, y, page_w - 4 * MARGIN, 1, 0.35) + 4;
    draw_text (cr, "Sans 10", date, MARGIN * 2, y, page_w - 4 * MARGIN, 1, 0.5);
    cairo_show_page (cr);
  }

  cell_w = (page_w - 2 * MARGIN - (COLS - 1) * gap) / COLS;
  cell_h = (page_h - 2 * MARGIN - (ROWS - 1) * gap - 10) / ROWS;

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      guint slot = i % (COLS * ROWS);
      double x = MARGIN + (slot % COLS) * (cell_w + gap);
      double y = MARGIN + (slot / COLS) * (cell_h + gap);
      double img_h = MIN (cell_w * plan->height / MAX (plan->width, 1), cell_h * 0.55);
      double img_w = cell_w;
      cairo_surface_t *picture;
      g_autofree char *heading = g_strdup_printf ("%d. %s", s->number, s->title != NULL ? s->title : "");
      g_autofree char *dur = duration_label (cut, entry);
      g_autofree char *notes = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;

      if (slot == 0)
        {
          page++;
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_paint (cr);
        }

      picture = load_picture (media_root, entry->still_rel != NULL ? entry->still_rel : entry->media_rel);
      draw_picture (cr, picture, x, y, img_w, img_h);
      if (picture != NULL)
        cairo_surface_destroy (picture);

      /* Number badge. */
      {
        g_autofree char *badge = g_strdup_printf ("%d", s->number);
        cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
        cairo_rectangle (cr, x, y, 26, 16);
        cairo_fill (cr);
        draw_text (cr, "Sans Bold 9", badge, x + 4, y + 1.5, 22, 1, 1.0);
      }

      y += img_h + 4;
      y += draw_text (cr, "Sans Bold 10", heading, x, y, cell_w, 2, 0.05) + 1;
      y += draw_text (cr, "Sans 8", dur, x, y, cell_w, 1, 0.4) + 3;
      {
        double left = (MARGIN + (slot / COLS) * (cell_h + gap) + cell_h) - y;
        int desc_lines = MAX (1, (int) (left / 11.0) - 2);

        y += draw_text (cr, "Sans 8", s->description, x, y, cell_w, desc_lines, 0.15) + 3;
      }

      if (entry->is_still && s->clip_held)
        notes = g_strdup_printf (_("Camera: %s · still held (clip outdated)"), s->camera_move != NULL ? s->camera_move : "");
      else if (entry->is_still)
        notes = g_strdup_printf (_("Camera: %s · still held (no approved clip)"), s->camera_move != NULL ? s->camera_move : "");
      else
        notes = g_strdup_printf (_("Camera: %s · %s"), s->camera_move != NULL ? s->camera_move : "",
                                 s->motion_prompt != NULL ? s->motion_prompt : "");
      {
        double left = (MARGIN + (slot / COLS) * (cell_h + gap) + cell_h) - y;
        int note_lines = (int) (left / 10.0);

        if (note_lines > 0)
          draw_text (cr, "Sans Italic 7", notes, x, y, cell_w, note_lines, 0.4);
      }

      if (slot == COLS * ROWS - 1 || i + 1 == cut->entries->len)
        {
          draw_footer (cr, plan->title, page, page_w, page_h);
          cairo_show_page (cr);
        }
    }

  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  status = cairo_surface_status (pdf);
  cairo_surface_destroy (pdf);

  return check_cairo (status, path, error);

fail:
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  cairo_surface_destroy (pdf);
  return FALSE;
}

/* The script flows: every block is laid out at full length and drawn line by
 * line, so a scene longer than a page continues on the next one (under a
 * "continued" header) and no line is ever dropped. */
typedef struct
{
  cairo_t               *cr;
  const HeyaiExportPlan *plan;
  double                 page_w;
  double                 page_h;
  double                 y;
  int                    page;
  const char            *continued;  /* heading of the scene being drawn, or NULL */
} ScriptPage;

static void
script_new_page (ScriptPage *sp)
{
  draw_footer (sp->cr, sp->plan->title, sp->page, sp->page_w, sp->page_h);
  cairo_show_page (sp->cr);
  sp->page++;
  cairo_set_source_rgb (sp->cr, 1, 1, 1);
  cairo_paint (sp->cr);
  sp->y = MARGIN;

  if (sp->continued != NULL)
    {
      g_autofree char *header = g_strdup_printf (_("%s (continued)"), sp->continued);

      sp->y += draw_text (sp->cr, "Sans Bold 9", header, MARGIN, sp->y, sp->page_w - 2 * MARGIN, 1, 0.45) + 6;
    }
}

static double
script_bottom (const ScriptPage *sp)
{
  return sp->page_h - MARGIN - 14;
}

/* Draws @text from @x with @width, breaking pages between lines. */
static void
script_flow (ScriptPage *sp,
             const char *font,
             const char *text,
             double      x,
             double      width,
             double      gray,
             double      space_after)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoLayoutIter *iter;

  if (text == NULL || *text == '\0')
    return;

  layout = make_layout (sp->cr, font, width, 0);
  pango_layout_set_text (layout, text, -1);

  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      double top, height, baseline;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      top = (double) logical.y / PANGO_SCALE;
      height = (double) logical.height / PANGO_SCALE;
      baseline = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE - top;

      if (sp->y + height > script_bottom (sp) && sp->y > MARGIN + 20)
        script_new_page (sp);

      cairo_set_source_rgb (sp->cr, gray, gray, gray);
      cairo_move_to (sp->cr, x + (double) logical.x / PANGO_SCALE, sp->y + baseline);
      pango_cairo_show_layout_line (sp->cr, line);
      sp->y += height;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);

  sp->y += space_after;
}

gboolean
heyai_export_script_pdf (const HeyaiCut  *cut,
                         const char      *path,
                         HeyaiExportPaper paper,
                         GCancellable    *cancellable,
                         GError         **error)
{
  const HeyaiExportPlan *plan = cut->plan;
  double width;
  cairo_surface_t *pdf;
  cairo_status_t status;
  ScriptPage sp = { NULL, plan, 0, 0, MARGIN, 1, NULL };

  paper_size (paper, FALSE, &sp.page_w, &sp.page_h);
  width = sp.page_w - 2 * MARGIN;
  pdf = cairo_pdf_surface_create (path, sp.page_w, sp.page_h);
  if (!check_cairo (cairo_surface_status (pdf), path, error))
    {
      cairo_surface_destroy (pdf);
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_TITLE, plan->title);
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_CREATOR, "HeyAI Studio " PACKAGE_VERSION);
  sp.cr = cairo_create (pdf);

  cairo_set_source_rgb (sp.cr, 1, 1, 1);
  cairo_paint (sp.cr);
  script_flow (&sp, "Sans Bold 20", plan->title, MARGIN, width, 0.05, 4);
  {
    g_autofree char *total = heyai_export_timecode (cut->total_frames, plan->fps);
    g_autofree char *start = heyai_export_record_timecode (cut, 0);
    g_autofree char *sub = g_strdup_printf (_("Script with suggested timing · %s fps · total %s · starts at %s"),
                                            heyai_export_fps_to_string (plan->fps), total, start);
    script_flow (&sp, "Sans 11", sub, MARGIN, width, 0.35, 16);
  }

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      g_autofree char *tc_in = heyai_export_record_timecode (cut, entry->record_in);
      g_autofree char *tc_out = heyai_export_record_timecode (cut, entry->record_in + entry->frames);
      g_autofree char *heading = g_strdup_printf ("%d. %s", s->number, s->title != NULL ? s->title : "");
      g_autofree char *timing = g_strdup_printf (_("%s → %s · %.2f s (%d frames)%s"),
                                                 tc_in, tc_out,
                                                 (double) entry->frames / heyai_export_fps_to_double (plan->fps),
                                                 (int) entry->frames,
                                                 entry->is_still ? _(" · still held") : "");

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;

      /* Keep the heading with at least a few lines of the scene. */
      sp.continued = NULL;
      if (sp.y + 80 > script_bottom (&sp) && sp.y > MARGIN + 20)
        script_new_page (&sp);

      script_flow (&sp, "Sans Bold 12", heading, MARGIN, width, 0.05, 2);
      sp.continued = heading;
      script_flow (&sp, "Monospace 9", timing, MARGIN, width, 0.35, 4);
      script_flow (&sp, "Sans 10", s->description, MARGIN, width, 0.1, 3);
      script_flow (&sp, "Serif Italic 9", s->notes, MARGIN + 12, width - 12, 0.35, 3);
      if (s->motion_prompt != NULL && *s->motion_prompt != '\0')
        {
          g_autofree char *motion = g_strdup_printf (_("Motion: %s"), s->motion_prompt);
          script_flow (&sp, "Sans 8", motion, MARGIN, width, 0.45, 1);
        }
      if (s->camera_move != NULL && *s->camera_move != '\0')
        {
          g_autofree char *cam = g_strdup_printf (_("Camera: %s"), s->camera_move);
          script_flow (&sp, "Sans 8", cam, MARGIN, width, 0.45, 1);
        }
      if (s->editor_note != NULL && *s->editor_note != '\0')
        {
          g_autofree char *note = g_strdup_printf (_("Note for the editor: %s"), s->editor_note);
          script_flow (&sp, "Sans Bold 8", note, MARGIN, width, 0.25, 1);
        }
      sp.continued = NULL;
      sp.y += 13;
    }

  draw_footer (sp.cr, plan->title, sp.page, sp.page_w, sp.page_h);
  cairo_show_page (sp.cr);

  cairo_destroy (sp.cr);
  cairo_surface_finish (pdf);
  status = cairo_surface_status (pdf);
  cairo_surface_destroy (pdf);

  return check_cairo (status, path, error);

fail:
  cairo_destroy (sp.cr);
  cairo_surface_finish (pdf);
  cairo_surface_destroy (pdf);
  return FALSE;
}
