/* heyai-export-conform.c: what the media really is, and conforming it to the
 * delivery format.
 *
 * heyai_media_probe() asks GstDiscoverer (synchronous mode: it pops its own
 * bus, so it is safe in the export's worker thread).  A clip that is not
 * already H.264 in MP4 at the project's frame size and the timeline rate is
 * re-encoded by heyai_export_conform_clip() with one GStreamer pipeline:
 *
 *   uridecodebin ! videoconvert ! videorate ! [videocrop] ! videoscale
 *     ! video/x-raw,width=W,height=H,framerate=N/D,pixel-aspect-ratio=1/1
 *     ! videoconvert ! x264enc ! video/x-h264,profile=high ! h264parse
 *     ! mp4mux ! filesink
 *
 * --fit letterbox scales to fit with black bars (videoscale add-borders),
 * --fit crop scales to fill and crops the overflow (videocrop, computed from
 * the probed size).  Held stills are redrawn at the delivery size with cairo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-export"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>

#include <cairo.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "heyai-core.h"
#include "heyai-export-private.h"

#define PROBE_TIMEOUT (30 * GST_SECOND)

static gboolean
ensure_gst (GError **error)
{
  if (gst_is_initialized ())
    return TRUE;

  return gst_init_check (NULL, NULL, error);
}

gboolean
heyai_media_probe (const char     *path,
                   HeyaiMediaInfo *info,
                   GError        **error)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) result = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *display = g_filename_display_basename (path);
  GList *videos, *audios;
  GstDiscovererStreamInfo *top;
  GError *local_error = NULL;

  heyai_media_info_clear (info);
  memset (info, 0, sizeof *info);

  if (!ensure_gst (error))
    return FALSE;

  uri = g_filename_to_uri (path, NULL, error);
  if (uri == NULL)
    return FALSE;

  discoverer = gst_discoverer_new (PROBE_TIMEOUT, error);
  if (discoverer == NULL)
    return FALSE;

  result = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  if (result == NULL || gst_discoverer_info_get_result (result) != GST_DISCOVERER_OK)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Could not read the media file “%s”: %s"), display,
                   local_error != NULL ? local_error->message : _("unknown format"));
      g_clear_error (&local_error);
      return FALSE;
    }
  g_clear_error (&local_error);

  videos = gst_discoverer_info_get_video_streams (result);
  if (videos == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The media file “%s” has no picture."), display);
      return FALSE;
    }

  {
    GstDiscovererVideoInfo *v = videos->data;
    g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (GST_DISCOVERER_STREAM_INFO (v));

    info->width = (int) gst_discoverer_video_info_get_width (v);
    info->height = (int) gst_discoverer_video_info_get_height (v);
    info->is_image = gst_discoverer_video_info_is_image (v);
    info->fps_n = info->is_image ? 0 : (int) gst_discoverer_video_info_get_framerate_num (v);
    info->fps_d = info->is_image ? 1 : MAX ((int) gst_discoverer_video_info_get_framerate_denom (v), 1);
    if (caps != NULL)
      info->codec = gst_pb_utils_get_codec_description (caps);
  }
  gst_discoverer_stream_info_list_free (videos);

  audios = gst_discoverer_info_get_audio_streams (result);
  info->has_audio = audios != NULL;
  gst_discoverer_stream_info_list_free (audios);

  top = gst_discoverer_info_get_stream_info (result);
  if (top != NULL)
    {
      if (GST_IS_DISCOVERER_CONTAINER_INFO (top))
        {
          g_autoptr(GstCaps) caps = gst_discoverer_stream_info_get_caps (top);

          if (caps != NULL)
            info->container = gst_pb_utils_get_codec_description (caps);
        }
      gst_discoverer_stream_info_unref (top);
    }

  info->duration_ns = (gint64) gst_discoverer_info_get_duration (result);
  if (!info->is_image && info->fps_n > 0 && info->duration_ns > 0)
    info->frames = (gint64) gst_util_uint64_scale_round ((guint64) info->duration_ns, (guint64) info->fps_n,
                                                         (guint64) info->fps_d * GST_SECOND);
  info->probed = TRUE;

  return TRUE;
}

/* Why @m is not the delivery format ("30 fps, VP9, 1080×1920"), or NULL. */
char *
heyai_export_conform_reason (const HeyaiMediaInfo  *m,
                             const char            *path,
                             const HeyaiExportPlan *plan)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  int num, den;

  heyai_export_fps_get_rational (plan->fps, &num, &den);

  if (m->width != plan->width || m->height != plan->height)
    g_ptr_array_add (reasons, g_strdup_printf ("%d×%d", m->width, m->height));
  if ((gint64) m->fps_n * den != (gint64) num * m->fps_d)
    g_ptr_array_add (reasons, g_strdup_printf (_("%.3g fps"), m->fps_d > 0 ? (double) m->fps_n / m->fps_d : 0.0));
  if (m->codec == NULL || strstr (m->codec, "H.264") == NULL)
    g_ptr_array_add (reasons, g_strdup (m->codec != NULL ? m->codec : _("unknown codec")));
  if (!g_str_has_suffix (path, ".mp4") ||
      (m->container != NULL && strstr (m->container, "MP4") == NULL && strstr (m->container, "Quicktime") == NULL))
    g_ptr_array_add (reasons, g_strdup (m->container != NULL ? m->container : _("not MP4")));

  if (reasons->len == 0)
    return NULL;

  g_ptr_array_add (reasons, NULL);
  return g_strjoinv (", ", (char **) reasons->pdata);
}

/* Crop of a @w x @h picture so it has the aspect of @dw x @dh (even values). */
static void
crop_for_fill (int  w,
               int  h,
               int  dw,
               int  dh,
               int *left,
               int *right,
               int *top,
               int *bottom)
{
  *left = *right = *top = *bottom = 0;

  if ((gint64) w * dh > (gint64) h * dw)
    {
      /* Too wide: cut the sides. */
      int keep = (int) ((gint64) h * dw / dh);
      int cut = (w - keep) & ~1;

      *left = cut / 2;
      *right = cut - *left;
    }
  else if ((gint64) w * dh < (gint64) h * dw)
    {
      int keep = (int) ((gint64) w * dh / dw);
      int cut = (h - keep) & ~1;

      *top = cut / 2;
      *bottom = cut - *top;
    }
}

gboolean
heyai_export_conform_clip (const char            *src,
                           const HeyaiMediaInfo  *src_info,
                           const char            *dest,
                           const HeyaiExportPlan *plan,
                           HeyaiExportFit         fit,
                           GCancellable          *cancellable,
                           GError               **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *crop = NULL;
  g_autofree char *desc = NULL;
  g_autofree char *display = g_filename_display_basename (src);
  int num, den;
  int left, right, top, bottom;
  gboolean ok = FALSE;

  if (!ensure_gst (error))
    return FALSE;

  uri = g_filename_to_uri (src, NULL, error);
  if (uri == NULL)
    return FALSE;

  heyai_export_fps_get_rational (plan->fps, &num, &den);
  crop_for_fill (src_info->width, src_info->height, plan->width, plan->height, &left, &right, &top, &bottom);
  if (fit == HEYAI_EXPORT_FIT_CROP && (left + right + top + bottom) > 0)
    crop = g_strdup_printf ("videocrop left=%d right=%d top=%d bottom=%d ! ", left, right, top, bottom);
  else
    crop = g_strdup ("");

  desc = g_strdup_printf ("uridecodebin name=src ! queue ! videoconvert ! videorate ! %s"
                          "videoscale add-borders=true ! "
                          "video/x-raw,width=%d,height=%d,framerate=%d/%d,pixel-aspect-ratio=1/1 ! "
                          "videoconvert ! video/x-raw,format=I420 ! "
                          "x264enc speed-preset=superfast bitrate=12000 key-int-max=%d ! "
                          "video/x-h264,profile=high ! h264parse ! mp4mux faststart=true ! "
                          "filesink name=sink",
                          crop, plan->width, plan->height, num, den,
                          (num + den - 1) / den);

  pipeline = gst_parse_launch (desc, &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   _("Could not set up the conversion of “%s”: %s"), display, parse_error->message);
      return FALSE;
    }
  g_object_ref_sink (pipeline);

  {
    g_autoptr(GstElement) source = gst_bin_get_by_name (GST_BIN (pipeline), "src");
    g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
    g_autoptr(GstCaps) video_only = gst_caps_from_string ("video/x-raw(ANY)");

    /* Only the picture is decoded: audio streams are not exposed. */
    g_object_set (source, "uri", uri, "caps", video_only, NULL);
    g_object_set (sink, "location", dest, NULL);
  }

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("Could not convert “%s”."), display);
      goto out;
    }

  for (;;)
    {
      g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
                                                              GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (msg == NULL)
        continue;

      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
        {
          ok = TRUE;
          break;
        }
      else
        {
          g_autoptr(GError) gst_error = NULL;

          gst_message_parse_error (msg, &gst_error, NULL);
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("Could not convert “%s”: %s"), display,
                       gst_error != NULL ? gst_error->message : "");
          break;
        }
    }

out:
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

gboolean
heyai_export_conform_still (const char            *src,
                            const char            *dest,
                            const HeyaiExportPlan *plan,
                            HeyaiExportFit         fit,
                            GError               **error)
{
  g_autofree char *display = g_filename_display_basename (src);
  cairo_surface_t *picture = heyai_export_load_picture (src);
  cairo_surface_t *out;
  cairo_status_t status;
  cairo_t *cr;
  double sw, sh, scale;

  if (picture == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Could not read the media file “%s”: %s"), display, _("unknown format"));
      return FALSE;
    }

  sw = cairo_image_surface_get_width (picture);
  sh = cairo_image_surface_get_height (picture);
  scale = fit == HEYAI_EXPORT_FIT_CROP ? MAX (plan->width / sw, plan->height / sh)
                                       : MIN (plan->width / sw, plan->height / sh);

  out = cairo_image_surface_create (CAIRO_FORMAT_RGB24, plan->width, plan->height);
  cr = cairo_create (out);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  cairo_translate (cr, (plan->width - sw * scale) / 2, (plan->height - sh * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, picture, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (picture);

  status = cairo_surface_write_to_png (out, dest);
  cairo_surface_destroy (out);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *dest_display = g_filename_display_name (dest);
      g_autofree char *what = g_strdup_printf (_("Could not write “%s”"), dest_display);

      heyai_set_io_error (error, ENOSPC, what);
      return FALSE;
    }

  return TRUE;
}
