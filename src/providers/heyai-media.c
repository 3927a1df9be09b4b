/* heyai-media.c: safe media in and out (see heyai-media.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-media"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "heyai-error.h"
#include "heyai-media.h"

#define RUN_TIMEOUT (60 * GST_SECOND)

/* GStreamer loads plugins on first use; two threads creating a discoverer
 * at once can fail ("Couldn't create 'uridecodebin' element").  One media
 * operation at a time: they are short. */
static GMutex media_lock;

const HeyaiStillLimits heyai_kling_still_limits = {
  .label = "Kling",
  .max_bytes = 10 * 1000 * 1000,
  .min_side = 300,
  .max_side = 0,
  .min_aspect = 1 / 2.5,
  .max_aspect = 2.5,
  .png_ok = TRUE,
  .jpeg_ok = TRUE,
};

static gboolean
ensure_gst (GError **error)
{
  g_autoptr(GError) init_error = NULL;

  /* Never gst_is_initialized () as a shortcut: it turns TRUE before the
   * plugin registry is loaded, and another thread may be in the middle of
   * it; gst_init_check waits for that (its own lock) and is cheap after. */
  if (gst_init_check (NULL, NULL, &init_error))
    return TRUE;
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
               _("GStreamer could not start (%s)."), init_error->message);
  return FALSE;
}

/* Width and height of a still or a clip's video; FALSE if it does not
 * decode.  Fills @clip when not NULL. */
static gboolean
discover (const char     *path,
          int            *width,
          int            *height,
          HeyaiClipInfo  *clip,
          GError        **error)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *streams;
  GstDiscovererVideoInfo *video;
  g_autofree char *base = g_path_get_basename (path);

  if (!ensure_gst (error))
    return FALSE;
  uri = gst_filename_to_uri (path, &local_error);
  g_mutex_lock (&media_lock);
  if (uri != NULL)
    discoverer = gst_discoverer_new (8 * GST_SECOND, &local_error);
  if (discoverer != NULL)
    info = gst_discoverer_discover_uri (discoverer, uri, &local_error);
  g_clear_object (&discoverer);
  g_mutex_unlock (&media_lock);
  if (info == NULL || gst_discoverer_info_get_result (info) != GST_DISCOVERER_OK)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("%s does not decode as an image or a video (%s)."), base,
                   local_error != NULL ? local_error->message : _("unknown format"));
      return FALSE;
    }
  streams = gst_discoverer_info_get_video_streams (info);
  if (streams == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, _("%s holds no picture."), base);
      return FALSE;
    }
  video = streams->data;
  *width = (int) gst_discoverer_video_info_get_width (video);
  *height = (int) gst_discoverer_video_info_get_height (video);
  if (clip != NULL)
    {
      guint num = gst_discoverer_video_info_get_framerate_num (video);
      guint den = gst_discoverer_video_info_get_framerate_denom (video);

      clip->width = *width;
      clip->height = *height;
      clip->fps = den > 0 ? (double) num / den : 0;
      clip->duration = (double) gst_discoverer_info_get_duration (info) / GST_SECOND;
    }
  gst_discoverer_stream_info_list_free (streams);
  if (*width <= 0 || *height <= 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, _("%s holds no picture."), base);
      return FALSE;
    }
  return TRUE;
}

/* decode -> scale to @width x @height -> JPEG at @quality -> @out. */
static gboolean
encode_jpeg_unlocked (const char  *in,
             const char  *out,
             int          width,
             int          height,
             int          quality,
             GError     **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) caps_filter = NULL;
  g_autoptr(GstElement) enc = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  g_autoptr(GError) parse_error = NULL;
  gboolean ok = FALSE;

  pipeline = gst_parse_launch ("filesrc name=src ! decodebin ! videoconvert ! videoscale add-borders=false "
                               "! capsfilter name=caps ! videoconvert ! jpegenc name=enc snapshot=true "
                               "! filesink name=sink", &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   _("The still could not be converted (%s)."), parse_error->message);
      return FALSE;
    }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  caps_filter = gst_bin_get_by_name (GST_BIN (pipeline), "caps");
  enc = gst_bin_get_by_name (GST_BIN (pipeline), "enc");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  g_object_set (src, "location", in, NULL);
  g_object_set (caps_filter, "caps", caps, NULL);
  g_object_set (enc, "quality", quality, NULL);
  g_object_set (sink, "location", out, NULL);

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, RUN_TIMEOUT, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    ok = TRUE;
  else
    {
      g_autoptr(GError) gst_error = NULL;

      if (msg != NULL)
        gst_message_parse_error (msg, &gst_error, NULL);
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The still could not be converted (%s)."),
                   gst_error != NULL ? gst_error->message : _("it took too long"));
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

static gboolean
encode_jpeg (const char  *in,
             const char  *out,
             int          width,
             int          height,
             int          quality,
             GError     **error)
{
  gboolean ok;

  g_mutex_lock (&media_lock);
  ok = encode_jpeg_unlocked (in, out, width, height, quality, error);
  g_mutex_unlock (&media_lock);
  return ok;
}

static const char *
sniff_format (const char *path)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 head[12] = { 0 };
  FILE *f = g_fopen (path, "rb");
  size_t n;

  if (f == NULL)
    return NULL;
  n = fread (head, 1, sizeof head, f);
  fclose (f);
  if (n >= sizeof png && memcmp (head, png, sizeof png) == 0)
    return "png";
  if (n == 12 && memcmp (head, "RIFF", 4) == 0 && memcmp (head + 8, "WEBP", 4) == 0)
    return "webp";
  if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    return "jpeg";
  return "other";
}

/* Width and height from a PNG's IHDR or a JPEG's SOF marker, without
 * decoding; FALSE when the header does not say. */
static gboolean
header_size (const char *path,
             const char *format,
             int        *width,
             int        *height)
{
  g_autoptr(GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  const guint8 *b;
  gsize len, i;

  if (map == NULL)
    return FALSE;
  b = (const guint8 *) g_mapped_file_get_contents (map);
  len = g_mapped_file_get_length (map);
  if (g_str_equal (format, "png"))
    {
      if (len < 24 || memcmp (b + 12, "IHDR", 4) != 0)
        return FALSE;
      *width = (int) ((guint32) b[16] << 24 | (guint32) b[17] << 16 | (guint32) b[18] << 8 | b[19]);
      *height = (int) ((guint32) b[20] << 24 | (guint32) b[21] << 16 | (guint32) b[22] << 8 | b[23]);
      return *width > 0 && *height > 0;
    }
  /* JPEG: walk the markers to a SOFn */
  for (i = 2; i + 9 < len;)
    {
      guint marker, seglen;

      if (b[i] != 0xff)
        return FALSE;
      marker = b[i + 1];
      if (marker == 0xff)
        {
          i++;
          continue;
        }
      seglen = (guint) b[i + 2] << 8 | b[i + 3];
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          *height = (int) ((guint) b[i + 5] << 8 | b[i + 6]);
          *width = (int) ((guint) b[i + 7] << 8 | b[i + 8]);
          return *width > 0 && *height > 0;
        }
      if (seglen < 2)
        return FALSE;
      i += 2 + seglen;
    }
  return FALSE;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

char *
heyai_media_fit_still (const char              *path,
                       const HeyaiStillLimits  *limits,
                       gboolean                *converted,
                       GError                 **error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  const char *format;
  gint64 size;
  int width = 0, height = 0;
  double aspect, scale = 1.0;
  gboolean format_ok, fits;
  int quality = 92;

  g_return_val_if_fail (path != NULL && limits != NULL, NULL);
  if (converted != NULL)
    *converted = FALSE;

  format = sniff_format (path);
  size = file_size (path);
  if (format == NULL || size < 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, _("Could not read the still %s."), base);
      return NULL;
    }
  /* PNG and JPEG say their size in the header; anything else is decoded
   * to find out. */
  if (g_str_equal (format, "other") || !header_size (path, format, &width, &height))
  {
    g_autoptr(GError) local_error = NULL;

    if (!discover (path, &width, &height, NULL, &local_error))
      {
        g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, local_error->message);
        return NULL;
      }
  }

  aspect = (double) width / height;
  if ((limits->min_aspect > 0 && aspect < limits->min_aspect - 1e-6) ||
      (limits->max_aspect > 0 && aspect > limits->max_aspect + 1e-6))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The still %s is %d×%d: %s takes shapes from 1:2.5 to 2.5:1 only. Crop it and try again."),
                   base, width, height, limits->label);
      return NULL;
    }

  format_ok = (g_str_equal (format, "png") && limits->png_ok) || (g_str_equal (format, "jpeg") && limits->jpeg_ok);
  fits = format_ok && (limits->max_bytes <= 0 || size <= limits->max_bytes) &&
         (limits->min_side <= 0 || MIN (width, height) >= limits->min_side) &&
         (limits->max_side <= 0 || MAX (width, height) <= limits->max_side);
  if (fits)
    return g_strdup (path);

  if (limits->min_side > 0 && MIN (width, height) < limits->min_side)
    scale = (double) limits->min_side / MIN (width, height);
  if (limits->max_side > 0 && MAX (width, height) * scale > limits->max_side)
    scale = (double) limits->max_side / MAX (width, height);

  for (guint attempt = 0; attempt < 6; attempt++)
    {
      g_autofree char *tmpl = g_strdup_printf (".%s.fit-XXXXXX.jpg", base);
      g_autofree char *out = g_build_filename (dir, tmpl, NULL);
      int w = MAX (2, (int) lround (width * scale)) & ~1;
      int h = MAX (2, (int) lround (height * scale)) & ~1;
      int fd = g_mkstemp (out);
      if (fd < 0)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                       _("Could not write a converted copy of %s next to it."), base);
          return NULL;
        }
      close (fd);

      if (!encode_jpeg (path, out, w, h, quality, error))
        {
          g_unlink (out);
          return NULL;
        }
      if (limits->max_bytes <= 0 || file_size (out) <= limits->max_bytes)
        {
          g_debug ("%s: %s %d×%d %" G_GINT64_FORMAT " bytes -> JPEG %d×%d q%d %" G_GINT64_FORMAT " bytes",
                   limits->label, format, width, height, size, w, h, quality, file_size (out));
          if (converted != NULL)
            *converted = TRUE;
          return g_steal_pointer (&out);
        }
      g_unlink (out);
      /* Too big still: lower the quality, then the size. */
      if (quality > 72)
        quality -= 10;
      else
        scale *= 0.75;
      if (limits->min_side > 0 && MIN (width, height) * scale < limits->min_side)
        break;
    }

  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
               _("The still %s could not be made small enough for %s."), base, limits->label);
  return NULL;
}

gboolean
heyai_media_probe_clip (const char     *path,
                        HeyaiClipInfo  *info,
                        GError        **error)
{
  HeyaiClipInfo local = { 0 };
  int width, height;

  g_return_val_if_fail (path != NULL, FALSE);

  /* A few bytes are never a clip (and spare the decoder a wait). */
  if (file_size (path) < 1024)
    {
      g_autofree char *base = g_path_get_basename (path);

      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("%s is only %lld bytes: not a video."), base, (long long) MAX (file_size (path), 0));
      return FALSE;
    }
  if (!discover (path, &width, &height, &local, error))
    return FALSE;
  if (info != NULL)
    *info = local;
  return TRUE;
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  HeyaiClipInfo *info = g_new0 (HeyaiClipInfo, 1);
  GError *error = NULL;

  if (!heyai_media_probe_clip (task_data, info, &error))
    {
      g_free (info);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, info, g_free);
}

void
heyai_media_probe_clip_async (const char          *path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, heyai_media_probe_clip_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, probe_thread);
}

gboolean
heyai_media_probe_clip_finish (GAsyncResult   *result,
                               HeyaiClipInfo  *info,
                               GError        **error)
{
  g_autofree HeyaiClipInfo *probed = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  probed = g_task_propagate_pointer (G_TASK (result), error);
  if (probed == NULL)
    return FALSE;
  if (info != NULL)
    *info = *probed;
  return TRUE;
}

gboolean
heyai_media_check_still (const char  *path,
                         GError     **error)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *format = sniff_format (path);
  int width = 0, height = 0;

  if (format == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, _("Could not read the still %s."), base);
      return FALSE;
    }
  if (g_str_equal (format, "webp"))
    return TRUE;   /* its size is read when it is fitted for an animator */
  if (g_str_equal (format, "other") || !header_size (path, format, &width, &height))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("%s is not a PNG, JPEG or WebP image."), base);
      return FALSE;
    }
  return TRUE;
}
