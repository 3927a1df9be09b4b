/* heyai-animator-offline.c: a Ken Burns clip from a still, with GStreamer.
 *
 * The still is converted once to I420 (the encoder's input format); each
 * frame is a bilinear resampling of its planes (SSE2/SSSE3 with a scalar
 * fallback) straight into a pooled GstBuffer, so the chain's videoconvert is
 * passthrough.  Frames are timestamped exactly (PTS = i * GST_SECOND / 24)
 * and pushed through appsrc into the encoder chain.  Everything runs in a GTask thread; the
 * worker waits for EOS with gst_bus_timed_pop_filtered(), so no main context
 * is involved.
 *
 * Encoder choice (preview-quality clips meant to be cut in an NLE):
 *   x264enc speed-preset=veryfast: about 2x faster than "medium" at a
 *     slightly bigger size; the clips are previews, not masters.
 *   pass=qual quantizer=22: constant quality (CRF-like) rather than the
 *     element's default 2 Mbit/s CBR, which starves the zooming frames.
 *   bitrate=10000: in "qual" mode x264enc turns the bitrate property into
 *     the VBV ceiling (x264 reports vbv_maxrate=2048 by default); 10 Mbit/s
 *     leaves CRF free at 1080p and still bounds the peaks.
 *   key-int-max=24: a keyframe every second, so NLEs and the preview scrub
 *     quickly.
 *   bframes=0: with B-frames x264enc shifts every PTS by the reorder delay
 *     and the first frame of the MP4 starts at 0.083 s instead of 0 (measured
 *     with qtdemux); clips must start at 0 and last exactly 5/10 s in an NLE.
 *     P-only also decodes faster when scrubbing; the size cost is small at
 *     preview quality.
 *   no tune: "stillimage" is meant for frames that do not change; a Ken
 *     Burns move changes every pixel each frame (sub-pixel resampling), and
 *     its stronger psy-rd/weaker deblocking only adds ringing on the smooth
 *     gradients.  "zerolatency" would drop lookahead and B-frames for nothing.
 *   video/x-raw,format=I420 (yuv420p) and profile=high: what every NLE and
 *     browser decodes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>
#if defined(__SSE2__)
# include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
# include <tmmintrin.h>
# define HAVE_SSSE3_PATH 1
#endif

#include "heyai-animator-offline.h"
#include "heyai-background.h"

#define MAX_LONG_SIDE  1920
#define QUEUED_FRAMES  4

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define CAIRO_RGB24_GST_FORMAT "BGRx"
#else
# define CAIRO_RGB24_GST_FORMAT "xRGB"
#endif

struct _HeyaiAnimatorOffline
{
  GObject parent_instance;
};

static void heyai_animator_offline_iface_init (HeyaiAnimatorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiAnimatorOffline, heyai_animator_offline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_ANIMATOR,
                                                      heyai_animator_offline_iface_init))

/* ---------------------------------------------------------------------- */
/* Encoder chain                                                           */

static const char h264_chain[] =
  "videoconvert ! video/x-raw,format=I420 "
  "! x264enc speed-preset=veryfast pass=qual quantizer=22 bitrate=10000 key-int-max=24 bframes=0 "
  "! video/x-h264,profile=high ! mp4mux";

static const char vp8_chain[] =
  "videoconvert ! video/x-raw,format=I420 "
  "! vp8enc deadline=1 cpu-used=8 end-usage=cq cq-level=12 target-bitrate=4000000 "
  "keyframe-max-dist=24 ! webmmux";

static gboolean
have_elements (const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GstElementFactory) factory = gst_element_factory_find (names[i]);

      if (factory == NULL)
        return FALSE;
    }

  return TRUE;
}

const char *
heyai_ken_burns_encoder_description (const char **extension,
                                     GError     **error)
{
  static const char * const base[] = { "appsrc", "videoconvert", "filesink", NULL };
  static const char * const h264[] = { "x264enc", "mp4mux", NULL };
  static const char * const vp8[] = { "vp8enc", "webmmux", NULL };
  g_autoptr(GError) init_error = NULL;

  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   _("GStreamer could not start (%s), so clips cannot be made offline."),
                   init_error->message);
      return NULL;
    }

  if (!have_elements (base))
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                           _("The offline animator needs the GStreamer base plugins "
                             "(package gstreamer1.0-plugins-base). Install them and try again."));
      return NULL;
    }

  if (have_elements (h264))
    {
      if (extension != NULL)
        *extension = "mp4";
      return h264_chain;
    }

  if (have_elements (vp8))
    {
      if (extension != NULL)
        *extension = "webm";
      return vp8_chain;
    }

  g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                       _("The offline animator needs an H.264 or VP8 encoder: install "
                         "gstreamer1.0-plugins-ugly (x264enc) and gstreamer1.0-plugins-good "
                         "(mp4mux, vp8enc) and try again."));
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

static void
set_error_from_gst (GError    **error,
                    GError     *gst_error,
                    const char *debug)
{
  if (gst_error->domain == GST_RESOURCE_ERROR)
    {
      switch (gst_error->code)
        {
        case GST_RESOURCE_ERROR_NO_SPACE_LEFT:
          g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE,
                               _("The disk is full, so the clip could not be written. "
                                 "Free some space and try again."));
          return;

        case GST_RESOURCE_ERROR_OPEN_WRITE:
        case GST_RESOURCE_ERROR_OPEN_READ_WRITE:
        case GST_RESOURCE_ERROR_WRITE:
        case GST_RESOURCE_ERROR_CLOSE:
        case GST_RESOURCE_ERROR_SYNC:
          g_set_error (error, HEYAI_ERROR,
                       gst_error->code == GST_RESOURCE_ERROR_OPEN_WRITE ? HEYAI_ERROR_PERMISSION
                                                                         : HEYAI_ERROR_FAILED,
                       _("The clip could not be written to disk (%s). Check that the "
                         "project folder is writable and has free space."),
                       gst_error->message);
          return;

        case GST_RESOURCE_ERROR_NOT_FOUND:
        case GST_RESOURCE_ERROR_OPEN_READ:
        case GST_RESOURCE_ERROR_READ:
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                       _("The still could not be read (%s)."), gst_error->message);
          return;

        default:
          break;
        }
    }

  if (gst_error->domain == GST_CORE_ERROR &&
      gst_error->code == GST_CORE_ERROR_MISSING_PLUGIN)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   _("A GStreamer plugin is missing (%s). Install the GStreamer "
                     "plugin packages and try again."), gst_error->message);
      return;
    }

  if (gst_error->domain == GST_STREAM_ERROR &&
      (gst_error->code == GST_STREAM_ERROR_DECODE ||
       gst_error->code == GST_STREAM_ERROR_WRONG_TYPE ||
       gst_error->code == GST_STREAM_ERROR_TYPE_NOT_FOUND ||
       gst_error->code == GST_STREAM_ERROR_CODEC_NOT_FOUND))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The still is not an image HeyAI Studio can read (%s)."),
                   gst_error->message);
      return;
    }

  g_debug ("GStreamer error: %s (%s)", gst_error->message, debug ? debug : "");
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
               _("The clip could not be encoded: %s"), gst_error->message);
}

static void
set_error_from_message (GError     **error,
                        GstMessage  *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  set_error_from_gst (error, gst_error, debug);
}

/* ---------------------------------------------------------------------- */
/* Loading the still                                                       */

static cairo_surface_t *
load_png (const char  *path,
          GError     **error)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  cairo_status_t status = cairo_surface_status (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    return surface;

  cairo_surface_destroy (surface);

  if (status == CAIRO_STATUS_FILE_NOT_FOUND)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                 _("The still “%s” does not exist."), path);
  else if (status == CAIRO_STATUS_NO_MEMORY)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                 _("The still “%s” is too large to animate."), path);
  else
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                 _("The still “%s” is not a readable PNG image."), path);

  return NULL;
}

/* JPEG, WebP, ...: decode the first frame with GStreamer into an RGB24 surface. */
static cairo_surface_t *
load_with_gstreamer (const char    *path,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GError) parse_error = NULL;
  GstVideoInfo info;
  GstVideoFrame frame;
  cairo_surface_t *surface;
  guchar *data;
  int stride;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("The still “%s” does not exist."), path);
      return NULL;
    }

  pipeline = gst_parse_launch ("filesrc name=src ! decodebin ! videoconvert "
                               "! video/x-raw,format=" CAIRO_RGB24_GST_FORMAT
                               " ! appsink name=sink sync=false max-buffers=1",
                               &parse_error);
  if (pipeline == NULL)
    {
      set_error_from_gst (error, parse_error, NULL);
      return NULL;
    }
  gst_object_ref_sink (pipeline);

  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);
  bus = gst_element_get_bus (pipeline);

  gst_element_set_state (pipeline, GST_STATE_PAUSED);

  /* Poll so a cancellation or a decoder error ends the wait quickly. */
  for (int waited = 0; sample == NULL; waited += 100)
    {
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          gst_element_set_state (pipeline, GST_STATE_NULL);
          return NULL;
        }

      sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 100 * GST_MSECOND);
      if (sample != NULL)
        break;

      message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (message != NULL || waited > 30000)
        {
          if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
            set_error_from_message (error, message);
          else
            g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                         _("The still “%s” is not an image HeyAI Studio can read."), path);
          gst_element_set_state (pipeline, GST_STATE_NULL);
          return NULL;
        }
    }

  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample)) ||
      !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      gst_element_set_state (pipeline, GST_STATE_NULL);
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The still “%s” is not an image HeyAI Studio can read."), path);
      return NULL;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, info.width, info.height);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < info.height; y++)
    memcpy (data + (gsize) y * stride,
            (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
              (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
            (gsize) info.width * 4);
  cairo_surface_mark_dirty (surface);

  gst_video_frame_unmap (&frame);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The still “%s” is too large to animate."), path);
      return NULL;
    }

  return surface;
}

static gboolean
is_png (const char *path)
{
  static const guchar magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guchar head[8] = { 0 };
  FILE *file = g_fopen (path, "rb");
  gboolean ret;

  if (file == NULL)
    return g_str_has_suffix (path, ".png");

  ret = fread (head, 1, sizeof head, file) == sizeof head && memcmp (head, magic, sizeof magic) == 0;
  fclose (file);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* The move                                                                */

typedef struct
{
  double zoom0, zoom1;   /* 1.0 = the still just covers the frame */
  double cx0, cx1;       /* centre of the view, 0..1 of the still's width */
  double cy0, cy1;
} KenBurnsPath;

static KenBurnsPath
ken_burns_path (HeyaiCameraMove move)
{
  /* Pans and tilts travel across the margin a 1.12 zoom leaves: the
   * centre may go from 0.5 - m to 0.5 + m where m = (1 - 1/1.12) / 2. */
  const double pan_zoom = 1.12;
  const double m = (1.0 - 1.0 / pan_zoom) / 2.0;

  switch (move)
    {
    case HEYAI_CAMERA_PUSH_IN:
      return (KenBurnsPath) { 1.0, 1.15, 0.5, 0.5, 0.5, 0.5 };
    case HEYAI_CAMERA_PULL_OUT:
      return (KenBurnsPath) { 1.15, 1.0, 0.5, 0.5, 0.5, 0.5 };
    case HEYAI_CAMERA_PAN_LEFT:   /* the camera turns left: the view slides from right to left */
      return (KenBurnsPath) { pan_zoom, pan_zoom, 0.5 + m, 0.5 - m, 0.5, 0.5 };
    case HEYAI_CAMERA_PAN_RIGHT:
      return (KenBurnsPath) { pan_zoom, pan_zoom, 0.5 - m, 0.5 + m, 0.5, 0.5 };
    case HEYAI_CAMERA_TILT_UP:    /* the view rises from the bottom to the top */
      return (KenBurnsPath) { pan_zoom, pan_zoom, 0.5, 0.5, 0.5 + m, 0.5 - m };
    case HEYAI_CAMERA_TILT_DOWN:
      return (KenBurnsPath) { pan_zoom, pan_zoom, 0.5, 0.5, 0.5 - m, 0.5 + m };
    case HEYAI_CAMERA_STATIC:
    default:
      return (KenBurnsPath) { 1.0, 1.03, 0.5, 0.5, 0.5, 0.5 };
    }
}

static inline double
smoothstep (double t)
{
  t = CLAMP (t, 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

static inline double
lerp (double a, double b, double t)
{
  return a + (b - a) * t;
}

/* The view of frame @i of @n: frame pixel (X, Y) shows the still at
 * (X / scale + x, Y / scale + y), in still pixels (continuous coordinates,
 * pixel centres at .5, as cairo maps a pattern). */
static void
frame_view (int                  src_width,
            int                  src_height,
            int                  width,
            int                  height,
            const KenBurnsPath  *path,
            guint                i,
            guint                n,
            double              *out_scale,
            double              *out_x,
            double              *out_y)
{
  double t = n > 1 ? smoothstep ((double) i / (double) (n - 1)) : 0.0;
  double zoom = lerp (path->zoom0, path->zoom1, t);
  double cover = MAX ((double) width / src_width, (double) height / src_height);
  double scale = cover * zoom;
  double view_w = width / scale;   /* visible part of the still, in still pixels */
  double view_h = height / scale;
  double x = lerp (path->cx0, path->cx1, t) * src_width - view_w / 2.0;
  double y = lerp (path->cy0, path->cy1, t) * src_height - view_h / 2.0;

  *out_scale = scale;
  *out_x = CLAMP (x, 0.0, MAX (0.0, src_width - view_w));
  *out_y = CLAMP (y, 0.0, MAX (0.0, src_height - view_h));
}

/* ---------------------------------------------------------------------- */
/* RGB24 to I420                                                           */

/* The still is converted to I420 once; each frame is then resampled plane
 * by plane straight into the I420 buffer that is pushed (see "Resampling"),
 * so the encoder chain's videoconvert is passthrough. */

#define COEF_BITS 14

typedef struct
{
  /* COEF_BITS fixed point, for R/G/B 0..255; offsets include the rounding */
  gint32 yr, yg, yb, y_off;
  gint32 ur, ug, ub;
  gint32 vr, vg, vb;
  gint32 c_off;        /* for chroma computed from the sum of 4 pixels (2 more bits) */
} YuvCoeffs;

static void
yuv_coeffs_init (YuvCoeffs                 *c,
                 const GstVideoColorimetry *colorimetry)
{
  double kr = 0.2126, kb = 0.0722;   /* BT.709 */
  double y_scale = 219.0, c_scale = 224.0, y_base = 16.0;
  double kg;
  const double f = (1 << COEF_BITS) / 255.0;

  if (!gst_video_color_matrix_get_Kr_Kb (colorimetry->matrix, &kr, &kb))
    {
      kr = 0.2126;
      kb = 0.0722;
    }
  if (colorimetry->range == GST_VIDEO_COLOR_RANGE_0_255)
    {
      y_scale = 255.0;
      c_scale = 255.0;
      y_base = 0.0;
    }
  kg = 1.0 - kr - kb;

  c->yr = (gint32) lround (y_scale * kr * f);
  c->yg = (gint32) lround (y_scale * kg * f);
  c->yb = (gint32) lround (y_scale * kb * f);
  c->y_off = (gint32) lround ((y_base + 0.5) * (1 << COEF_BITS));
  /* Cb = (B - Y) / (2 (1 - Kb)), Cr = (R - Y) / (2 (1 - Kr)) */
  c->ur = (gint32) lround (-c_scale * kr / (2.0 * (1.0 - kb)) * f);
  c->ug = (gint32) lround (-c_scale * kg / (2.0 * (1.0 - kb)) * f);
  c->ub = (gint32) lround (c_scale * 0.5 * f);
  c->vr = (gint32) lround (c_scale * 0.5 * f);
  c->vg = (gint32) lround (-c_scale * kg / (2.0 * (1.0 - kr)) * f);
  c->vb = (gint32) lround (-c_scale * kb / (2.0 * (1.0 - kr)) * f);
  c->c_off = (gint32) lround (128.5 * (1 << (COEF_BITS + 2)));
}

static inline guint8
clamp_u8 (gint32 v)
{
  return (guint8) CLAMP (v, 0, 255);
}

/* Pixels @x0..@width of two rows, one pixel at a time. */
static void
rows_to_i420_scalar (const guint32   *s0,
                     const guint32   *s1,
                     int              x0,
                     int              width,
                     guint8          *y0,
                     guint8          *y1,
                     guint8          *u,
                     guint8          *v,
                     const YuvCoeffs *c)
{
  for (int x = x0; x < width; x++)
    {
      guint32 p = s0[x], q = s1[x];

      y0[x] = clamp_u8 ((c->yr * (gint32) ((p >> 16) & 0xff) + c->yg * (gint32) ((p >> 8) & 0xff) +
                         c->yb * (gint32) (p & 0xff) + c->y_off) >> COEF_BITS);
      y1[x] = clamp_u8 ((c->yr * (gint32) ((q >> 16) & 0xff) + c->yg * (gint32) ((q >> 8) & 0xff) +
                         c->yb * (gint32) (q & 0xff) + c->y_off) >> COEF_BITS);
    }

  for (int x = x0 / 2; x < width / 2; x++)
    {
      guint32 a = s0[2 * x], b = s0[2 * x + 1], d = s1[2 * x], e = s1[2 * x + 1];
      gint32 r = (gint32) (((a >> 16) & 0xff) + ((b >> 16) & 0xff) + ((d >> 16) & 0xff) + ((e >> 16) & 0xff));
      gint32 g = (gint32) (((a >> 8) & 0xff) + ((b >> 8) & 0xff) + ((d >> 8) & 0xff) + ((e >> 8) & 0xff));
      gint32 bl = (gint32) ((a & 0xff) + (b & 0xff) + (d & 0xff) + (e & 0xff));

      u[x] = clamp_u8 ((c->ur * r + c->ug * g + c->ub * bl + c->c_off) >> (COEF_BITS + 2));
      v[x] = clamp_u8 ((c->vr * r + c->vg * g + c->vb * bl + c->c_off) >> (COEF_BITS + 2));
    }
}

#if defined(__SSE2__) && G_BYTE_ORDER == G_LITTLE_ENDIAN
/* Pairs of 32-bit lanes of @lo and @hi added up: (lo0+lo1, lo2+lo3, hi0+hi1, hi2+hi3). */
static inline __m128i
add_pairs (__m128i lo,
           __m128i hi)
{
  __m128 l = _mm_castsi128_ps (lo), h = _mm_castsi128_ps (hi);

  return _mm_add_epi32 (_mm_castps_si128 (_mm_shuffle_ps (l, h, _MM_SHUFFLE (2, 0, 2, 0))),
                        _mm_castps_si128 (_mm_shuffle_ps (l, h, _MM_SHUFFLE (3, 1, 3, 1))));
}

/* Luma of 4 BGRx pixels, as 4 x int32. */
static inline __m128i
luma4 (__m128i px,
       __m128i coef,
       __m128i off)
{
  __m128i zero = _mm_setzero_si128 ();
  __m128i lo = _mm_madd_epi16 (_mm_unpacklo_epi8 (px, zero), coef);
  __m128i hi = _mm_madd_epi16 (_mm_unpackhi_epi8 (px, zero), coef);

  return _mm_srai_epi32 (_mm_add_epi32 (add_pairs (lo, hi), off), COEF_BITS);
}

/* Chroma of the two 2x2 blocks in 4 BGRx pixels of two rows: (U0, U1, V0, V1). */
static inline __m128i
chroma2 (__m128i p,
         __m128i q,
         __m128i coef_u,
         __m128i coef_v,
         __m128i off)
{
  __m128i zero = _mm_setzero_si128 ();
  __m128i lo = _mm_add_epi16 (_mm_unpacklo_epi8 (p, zero), _mm_unpacklo_epi8 (q, zero));
  __m128i hi = _mm_add_epi16 (_mm_unpackhi_epi8 (p, zero), _mm_unpackhi_epi8 (q, zero));
  __m128i blocks;

  lo = _mm_add_epi16 (lo, _mm_srli_si128 (lo, 8));
  hi = _mm_add_epi16 (hi, _mm_srli_si128 (hi, 8));
  blocks = _mm_unpacklo_epi64 (lo, hi);   /* B G R X sums of block 0, then block 1 */

  return _mm_srai_epi32 (_mm_add_epi32 (add_pairs (_mm_madd_epi16 (blocks, coef_u),
                                                   _mm_madd_epi16 (blocks, coef_v)), off),
                         COEF_BITS + 2);
}

/* 16 pixels of two rows at a time; returns how many pixels were done. */
static int
rows_to_i420_sse2 (const guint32   *s0,
                   const guint32   *s1,
                   int              width,
                   guint8          *y0,
                   guint8          *y1,
                   guint8          *u,
                   guint8          *v,
                   const YuvCoeffs *c)
{
  const __m128i coef_y = _mm_setr_epi16 ((short) c->yb, (short) c->yg, (short) c->yr, 0,
                                         (short) c->yb, (short) c->yg, (short) c->yr, 0);
  const __m128i coef_u = _mm_setr_epi16 ((short) c->ub, (short) c->ug, (short) c->ur, 0,
                                         (short) c->ub, (short) c->ug, (short) c->ur, 0);
  const __m128i coef_v = _mm_setr_epi16 ((short) c->vb, (short) c->vg, (short) c->vr, 0,
                                         (short) c->vb, (short) c->vg, (short) c->vr, 0);
  const __m128i y_off = _mm_set1_epi32 (c->y_off);
  const __m128i c_off = _mm_set1_epi32 (c->c_off);
  int x;

  for (x = 0; x + 16 <= width; x += 16)
    {
      __m128i p[4], q[4], uv[4], ya, yb, u16, v16, uv8;

      for (int k = 0; k < 4; k++)
        {
          p[k] = _mm_loadu_si128 ((const __m128i *) (s0 + x + 4 * k));
          q[k] = _mm_loadu_si128 ((const __m128i *) (s1 + x + 4 * k));
        }

      ya = _mm_packs_epi32 (luma4 (p[0], coef_y, y_off), luma4 (p[1], coef_y, y_off));
      yb = _mm_packs_epi32 (luma4 (p[2], coef_y, y_off), luma4 (p[3], coef_y, y_off));
      _mm_storeu_si128 ((__m128i *) (y0 + x), _mm_packus_epi16 (ya, yb));
      ya = _mm_packs_epi32 (luma4 (q[0], coef_y, y_off), luma4 (q[1], coef_y, y_off));
      yb = _mm_packs_epi32 (luma4 (q[2], coef_y, y_off), luma4 (q[3], coef_y, y_off));
      _mm_storeu_si128 ((__m128i *) (y1 + x), _mm_packus_epi16 (ya, yb));

      for (int k = 0; k < 4; k++)
        uv[k] = chroma2 (p[k], q[k], coef_u, coef_v, c_off);
      u16 = _mm_packs_epi32 (_mm_unpacklo_epi64 (uv[0], uv[1]), _mm_unpacklo_epi64 (uv[2], uv[3]));
      v16 = _mm_packs_epi32 (_mm_unpackhi_epi64 (uv[0], uv[1]), _mm_unpackhi_epi64 (uv[2], uv[3]));
      uv8 = _mm_packus_epi16 (u16, v16);
      _mm_storel_epi64 ((__m128i *) (u + x / 2), uv8);
      _mm_storel_epi64 ((__m128i *) (v + x / 2), _mm_srli_si128 (uv8, 8));
    }

  return x;
}
#endif

/* @rows (even) rows of cairo RGB24 pixels (native-endian xRGB words) to
 * the I420 planes; chroma is the mean of each 2x2 block. */
static void
strip_to_i420 (const guint8    *src,
               int              src_stride,
               int              width,
               int              rows,
               guint8          *y_plane,
               int              y_stride,
               guint8          *u_plane,
               guint8          *v_plane,
               int              c_stride,
               const YuvCoeffs *c)
{
  for (int row = 0; row < rows; row += 2)
    {
      const guint32 *s0 = (const guint32 *) (src + (gsize) row * src_stride);
      const guint32 *s1 = (const guint32 *) (src + (gsize) (row + 1) * src_stride);
      guint8 *y0 = y_plane + (gsize) row * y_stride;
      guint8 *y1 = y0 + y_stride;
      guint8 *u = u_plane + (gsize) (row / 2) * c_stride;
      guint8 *v = v_plane + (gsize) (row / 2) * c_stride;
      int done = 0;

#if defined(__SSE2__) && G_BYTE_ORDER == G_LITTLE_ENDIAN
      done = rows_to_i420_sse2 (s0, s1, width, y0, y1, u, v, c);
#endif
      rows_to_i420_scalar (s0, s1, done, width, y0, y1, u, v, c);
    }
}

/* ---------------------------------------------------------------------- */
/* Resampling                                                              */

/* Bilinear resampling of one 8-bit plane with a scale + offset transform,
 * what cairo's CAIRO_FILTER_BILINEAR + CAIRO_EXTEND_PAD does for an RGB24
 * surface, but on the I420 planes of the still: 1.5 bytes per pixel
 * instead of 4, separable (each source row is interpolated horizontally once
 * and reused by the output rows that need it), and no colour conversion per
 * frame.  Weights have 8 bits. */
typedef struct
{
  const guint8 *data;
  int           stride;
  int           width;    /* valid samples (the still's own size for luma) */
  int           height;
} Plane;

typedef struct
{
  int    *x0, *x1;       /* per output column: source columns and weight of x1 */
  guint16 *fx;
  guint16 *rows[2];      /* horizontally interpolated source rows (value * 256) */
  int      row_of[2];    /* which source row each holds, -1 none */
  int      max_width;
  /* SSSE3: per group of 8 output columns, the first source column of a
   * 16-byte window (-1: too wide, do it one by one), the shuffles picking
   * the x0 and x1 samples out of it, and the weights (256 - f, f). */
  int     *group_base;
  guint8  *group_shuffles;   /* 32 bytes per group */
  guint16 *group_weights;    /* 16 per group */
  gboolean ssse3;
} Resampler;

static void
resampler_init (Resampler *r,
                int        max_width)
{
  r->max_width = max_width;
  r->x0 = g_new (int, max_width);
  r->x1 = g_new (int, max_width);
  r->fx = g_new (guint16, max_width);
  r->rows[0] = g_new (guint16, max_width + 8);
  r->rows[1] = g_new (guint16, max_width + 8);
  r->group_base = g_new (int, max_width / 8 + 1);
  r->group_shuffles = g_new (guint8, (gsize) (max_width / 8 + 1) * 32);
  r->group_weights = g_new (guint16, (gsize) (max_width / 8 + 1) * 16);
#ifdef HAVE_SSSE3_PATH
  r->ssse3 = __builtin_cpu_supports ("ssse3");
#endif
}

static void
resampler_clear (Resampler *r)
{
  g_clear_pointer (&r->x0, g_free);
  g_clear_pointer (&r->x1, g_free);
  g_clear_pointer (&r->fx, g_free);
  g_clear_pointer (&r->rows[0], g_free);
  g_clear_pointer (&r->rows[1], g_free);
  g_clear_pointer (&r->group_base, g_free);
  g_clear_pointer (&r->group_shuffles, g_free);
  g_clear_pointer (&r->group_weights, g_free);
}

static inline void
hrow_scalar (const Resampler *r,
             const guint8    *s,
             guint16         *h,
             int              from,
             int              to)
{
  for (int x = from; x < to; x++)
    h[x] = (guint16) (s[r->x0[x]] * (256 - r->fx[x]) + s[r->x1[x]] * r->fx[x]);
}

#ifdef HAVE_SSSE3_PATH
/* 8 output samples per step: one unaligned 16-byte load of the source
 * columns they need, two shuffles, two 16-bit multiplies (exact: the
 * products and their sum are <= 255 * 256). */
__attribute__((target ("ssse3")))
static void
hrow_ssse3 (const Resampler *r,
            const guint8    *s,
            guint16         *h,
            int              out_width)
{
  int n_groups = out_width / 8;

  for (int g = 0; g < n_groups; g++)
    {
      __m128i win, a, b;

      if (r->group_base[g] < 0)
        {
          hrow_scalar (r, s, h, 8 * g, 8 * g + 8);
          continue;
        }

      win = _mm_loadu_si128 ((const __m128i *) (s + r->group_base[g]));
      a = _mm_shuffle_epi8 (win, _mm_loadu_si128 ((const __m128i *) (r->group_shuffles + 32 * g)));
      b = _mm_shuffle_epi8 (win, _mm_loadu_si128 ((const __m128i *) (r->group_shuffles + 32 * g + 16)));
      a = _mm_mullo_epi16 (a, _mm_loadu_si128 ((const __m128i *) (r->group_weights + 16 * g)));
      b = _mm_mullo_epi16 (b, _mm_loadu_si128 ((const __m128i *) (r->group_weights + 16 * g + 8)));
      _mm_storeu_si128 ((__m128i *) (h + 8 * g), _mm_add_epi16 (a, b));
    }

  hrow_scalar (r, s, h, 8 * n_groups, out_width);
}
#endif

/* The SSSE3 groups for the columns in r->x0/x1/fx. */
static void
resampler_plan_groups (Resampler *r,
                       int        out_width)
{
  for (int g = 0; g < out_width / 8; g++)
    {
      int base = r->x0[8 * g];
      guint8 *shuffle = r->group_shuffles + 32 * g;
      guint16 *weight = r->group_weights + 16 * g;

      r->group_base[g] = base;
      for (int k = 0; k < 8; k++)
        {
          int x = 8 * g + k;

          if (r->x0[x] < base || r->x1[x] - base > 15)
            {
              r->group_base[g] = -1;
              break;
            }
          shuffle[2 * k] = (guint8) (r->x0[x] - base);
          shuffle[2 * k + 1] = 0x80;
          shuffle[16 + 2 * k] = (guint8) (r->x1[x] - base);
          shuffle[16 + 2 * k + 1] = 0x80;
          weight[k] = (guint16) (256 - r->fx[x]);
          weight[8 + k] = r->fx[x];
        }
    }
}

/* Sample position @c (pixel index space, centres at integers) to taps. */
static inline void
taps (double  c,
      int     size,
      int    *i0,
      int    *i1,
      guint16 *f)
{
  double fl;
  int i, w;

  if (c <= 0.0)
    {
      *i0 = *i1 = 0;
      *f = 0;
      return;
    }
  if (c >= size - 1)
    {
      *i0 = *i1 = size - 1;
      *f = 0;
      return;
    }
  fl = floor (c);
  i = (int) fl;
  w = (int) lround ((c - fl) * 256.0);
  if (w >= 256)
    {
      i++;
      w = 0;
    }
  *i0 = i;
  *i1 = MIN (i + 1, size - 1);
  *f = (guint16) w;
}

static const guint16 *
resampler_row (Resampler   *r,
               const Plane *src,
               int          row,
               int          keep,      /* the other row still needed, or -1 */
               int          out_width)
{
  const guint8 *s;
  guint16 *h;
  int slot;

  for (slot = 0; slot < 2; slot++)
    if (r->row_of[slot] == row)
      return r->rows[slot];

  slot = r->row_of[0] == keep ? 1 : 0;
  r->row_of[slot] = row;
  h = r->rows[slot];
  s = src->data + (gsize) row * src->stride;
#ifdef HAVE_SSSE3_PATH
  if (r->ssse3)
    {
      hrow_ssse3 (r, s, h, out_width);
      return h;
    }
#endif
  hrow_scalar (r, s, h, 0, out_width);

  return h;
}

/* Output sample (X, Y) of a plane subsampled by @sub (1 luma, 2 chroma)
 * sits at luma position ((X + .5) sub, (Y + .5) sub), except that chroma
 * is "mpeg2"-sited as the caps say (horizontally on the left luma sample
 * of its pair: 2 X + .5); that shows the still at luma / scale + offset,
 * i.e. at that / sub - .5 in the source plane's index space (the still's
 * own chroma is the 2x2 mean: centred). */
static void
resample_plane (Resampler   *r,
                const Plane *src,
                guint8      *dest,
                int          dest_stride,
                int          out_width,
                int          out_height,
                int          sub,
                double       scale,
                double       x,
                double       y)
{
  g_assert (out_width <= r->max_width);

  for (int ox = 0; ox < out_width; ox++)
    taps (((sub == 1 ? ox + 0.5 : 2.0 * ox + 0.5) / scale + x) / sub - 0.5,
          src->width, &r->x0[ox], &r->x1[ox], &r->fx[ox]);
  r->row_of[0] = r->row_of[1] = -1;
  if (r->ssse3)
    resampler_plan_groups (r, out_width);

  for (int oy = 0; oy < out_height; oy++)
    {
      const guint16 *h0, *h1;
      guint8 *d = dest + (gsize) oy * dest_stride;
      int y0, y1, ox = 0;
      guint16 fy;

      taps (((oy + 0.5) * sub / scale + y) / sub - 0.5, src->height, &y0, &y1, &fy);
      h0 = resampler_row (r, src, y0, y1, out_width);
      h1 = resampler_row (r, src, y1, y0, out_width);

#if defined(__SSE2__)
      {
        const __m128i w0 = _mm_set1_epi16 ((short) MIN ((256 - fy) << 8, 65535));
        const __m128i w1 = _mm_set1_epi16 ((short) (fy << 8));
        const __m128i round = _mm_set1_epi16 (128);

        /* (h0 (256 - fy) + h1 fy) / 65536, in 16 bits: each product / 256 */
        for (; ox + 16 <= out_width; ox += 16)
          {
            __m128i a = _mm_add_epi16 (_mm_mulhi_epu16 (_mm_loadu_si128 ((const __m128i *) (h0 + ox)), w0),
                                       _mm_mulhi_epu16 (_mm_loadu_si128 ((const __m128i *) (h1 + ox)), w1));
            __m128i b = _mm_add_epi16 (_mm_mulhi_epu16 (_mm_loadu_si128 ((const __m128i *) (h0 + ox + 8)), w0),
                                       _mm_mulhi_epu16 (_mm_loadu_si128 ((const __m128i *) (h1 + ox + 8)), w1));

            a = _mm_srli_epi16 (_mm_adds_epu16 (a, round), 8);
            b = _mm_srli_epi16 (_mm_adds_epu16 (b, round), 8);
            _mm_storeu_si128 ((__m128i *) (d + ox), _mm_packus_epi16 (a, b));
          }
      }
#endif
      for (; ox < out_width; ox++)
        d[ox] = (guint8) ((((h0[ox] * (guint32) MIN ((256 - fy) << 8, 65535)) >> 16) +
                           ((h1[ox] * (guint32) (fy << 8)) >> 16) + 128) >> 8);
    }
}

/* The still (RGB24) as I420 planes, padded to even sizes by repeating the
 * last column/row; @planes point into the returned memory. */
static guint8 *
source_to_i420 (cairo_surface_t *source,
                const YuvCoeffs *coeffs,
                Plane            planes[3])
{
  int sw = cairo_image_surface_get_width (source);
  int sh = cairo_image_surface_get_height (source);
  int ew = (sw + 1) & ~1, eh = (sh + 1) & ~1;
  int cw = ew / 2, ch = eh / 2;
  cairo_surface_t *even = cairo_image_surface_create (CAIRO_FORMAT_RGB24, ew, eh);
  cairo_t *cr = cairo_create (even);
  /* 16 readable bytes past the last column for the SSSE3 windows */
  int ys = ew + 16, cs = cw + 16;
  guint8 *data = g_malloc0 ((gsize) ys * eh + (gsize) cs * ch * 2);

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_surface (cr, source, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (even);

  strip_to_i420 (cairo_image_surface_get_data (even), cairo_image_surface_get_stride (even),
                 ew, eh, data, ys, data + (gsize) ys * eh, data + (gsize) ys * eh + (gsize) cs * ch,
                 cs, coeffs);
  cairo_surface_destroy (even);

  planes[0] = (Plane) { data, ys, sw, sh };
  planes[1] = (Plane) { data + (gsize) ys * eh, cs, cw, ch };
  planes[2] = (Plane) { data + (gsize) ys * eh + (gsize) cs * ch, cs, cw, ch };
  return data;
}

/* ---------------------------------------------------------------------- */
/* Rendering + encoding                                                    */

static gboolean
pop_error (GstBus  *bus,
           GError **error)
{
  g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (message == NULL)
    return FALSE;

  set_error_from_message (error, message);
  return TRUE;
}

/* The worker sleeps on a condition while appsrc's queue is full, and is
 * woken without delay when a frame leaves the queue (a probe on appsrc's
 * pad), when the pipeline posts an error (bus sync handler) or when the
 * job is cancelled.  appsrc itself is not blocking: a blocked push would
 * never return if the encoder or the file sink stopped on an error.  The
 * timed wait is only a safety net. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean failed;
} Waiter;

static void
waiter_wake (Waiter *waiter)
{
  g_mutex_lock (&waiter->lock);
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->lock);
}

static GstPadProbeReturn
frame_left_queue_cb (GstPad          *pad,
                     GstPadProbeInfo *info,
                     gpointer         user_data)
{
  waiter_wake (user_data);
  return GST_PAD_PROBE_OK;
}

/* The encode's streaming threads (appsrc's, the muxer's, and through them
 * x264's own threads, which inherit their creator's priority) run at the
 * background priority too: each GstTask of the pipeline gets a thread of its
 * own that lowers itself before it starts, never a thread from GStreamer's
 * shared pool (a lowered thread there would slow unrelated work later). */
#define HEYAI_TYPE_LOW_TASK_POOL (heyai_low_task_pool_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiLowTaskPool, heyai_low_task_pool, HEYAI, LOW_TASK_POOL, GstTaskPool)

struct _HeyaiLowTaskPool
{
  GstTaskPool parent_instance;
};

G_DEFINE_FINAL_TYPE (HeyaiLowTaskPool, heyai_low_task_pool, GST_TYPE_TASK_POOL)

typedef struct
{
  GstTaskPoolFunction func;
  gpointer            user_data;
} LowThreadData;

static gpointer
low_thread_main (gpointer data)
{
  LowThreadData *d = data;

  heyai_background_lower_thread ();
  d->func (d->user_data);
  g_free (d);
  return NULL;
}

static void
low_pool_prepare (GstTaskPool  *pool,
                  GError      **error)
{
}

static void
low_pool_cleanup (GstTaskPool *pool)
{
}

static gpointer
low_pool_push (GstTaskPool          *pool,
               GstTaskPoolFunction   func,
               gpointer              user_data,
               GError              **error)
{
  LowThreadData *d = g_new0 (LowThreadData, 1);
  GThread *thread;

  d->func = func;
  d->user_data = user_data;
  thread = g_thread_try_new ("heyai-encode", low_thread_main, d, error);
  if (thread == NULL)
    g_free (d);
  return thread;
}

static void
low_pool_join (GstTaskPool *pool,
               gpointer     id)
{
  if (id != NULL)
    g_thread_join (id);
}

static void
low_pool_dispose_handle (GstTaskPool *pool,
                         gpointer     id)
{
  if (id != NULL)
    g_thread_unref (id);
}

static void
heyai_low_task_pool_class_init (HeyaiLowTaskPoolClass *klass)
{
  GstTaskPoolClass *pool_class = GST_TASK_POOL_CLASS (klass);

  pool_class->prepare = low_pool_prepare;
  pool_class->cleanup = low_pool_cleanup;
  pool_class->push = low_pool_push;
  pool_class->join = low_pool_join;
  pool_class->dispose_handle = low_pool_dispose_handle;
}

static void
heyai_low_task_pool_init (HeyaiLowTaskPool *self)
{
}

static GstTaskPool *
low_task_pool (void)
{
  static GstTaskPool *pool;

  if (g_once_init_enter (&pool))
    {
      GstTaskPool *p = g_object_new (HEYAI_TYPE_LOW_TASK_POOL, NULL);

      gst_object_ref_sink (p);
      g_once_init_leave (&pool, p);
    }
  return pool;
}

static GstBusSyncReply
bus_sync_cb (GstBus     *bus,
             GstMessage *message,
             gpointer    user_data)
{
  Waiter *waiter = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_STREAM_STATUS)
    {
      GstStreamStatusType type;
      GstElement *owner = NULL;
      const GValue *value;

      gst_message_parse_stream_status (message, &type, &owner);
      value = gst_message_get_stream_status_object (message);
      if (type == GST_STREAM_STATUS_TYPE_CREATE && value != NULL && G_VALUE_HOLDS (value, GST_TYPE_TASK))
        gst_task_set_pool (g_value_get_object (value), low_task_pool ());
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_mutex_lock (&waiter->lock);
      waiter->failed = TRUE;
      g_cond_signal (&waiter->cond);
      g_mutex_unlock (&waiter->lock);
    }

  return GST_BUS_PASS;
}

static void
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  waiter_wake (user_data);
}

static gboolean
wait_for_room (Waiter        *waiter,
               GstAppSrc     *appsrc,
               GstBus        *bus,
               guint64        max_bytes,
               GCancellable  *cancellable,
               GError       **error)
{
  gboolean failed;

  g_mutex_lock (&waiter->lock);
  while (!waiter->failed &&
         !g_cancellable_is_cancelled (cancellable) &&
         gst_app_src_get_current_level_bytes (appsrc) >= max_bytes)
    g_cond_wait_until (&waiter->cond, &waiter->lock, g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  failed = waiter->failed;
  g_mutex_unlock (&waiter->lock);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (failed)
    {
      g_autoptr(GstMessage) message = gst_bus_timed_pop_filtered (bus, GST_SECOND, GST_MESSAGE_ERROR);

      if (message != NULL)
        set_error_from_message (error, message);
      else
        g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                             _("The clip encoder stopped unexpectedly."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
wait_for_eos (GstBus        *bus,
              GCancellable  *cancellable,
              GError       **error)
{
  for (;;)
    {
      g_autoptr(GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      message = gst_bus_timed_pop_filtered (bus, 50 * GST_MSECOND,
                                            GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      if (message == NULL)
        continue;

      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
        return TRUE;

      set_error_from_message (error, message);
      return FALSE;
    }
}

static cairo_surface_t *
prepare_source (cairo_surface_t *still,
                int             *width,
                int             *height)
{
  int sw = cairo_image_surface_get_width (still);
  int sh = cairo_image_surface_get_height (still);
  int w = sw, h = sh;
  cairo_surface_t *small;
  cairo_t *cr;

  if (MAX (w, h) > MAX_LONG_SIDE)
    {
      double f = (double) MAX_LONG_SIDE / MAX (w, h);

      w = MAX (2, (int) floor (w * f));
      h = MAX (2, (int) floor (h * f));
    }
  *width = w & ~1;
  *height = h & ~1;

  /* A still much larger than the clip is scaled down once with a good
   * filter (up to the largest zoom), so each frame only resamples a little. */
  if (sw <= *width * 1.25 * 1.15 && sh <= *height * 1.25 * 1.15)
    return cairo_surface_reference (still);

  w = (int) ceil (*width * 1.15);
  h = (int) ceil ((double) w * sh / sw);
  small = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (small);
  cairo_scale (cr, (double) w / sw, (double) h / sh);
  cairo_set_source_surface (cr, still, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);

  return small;
}

gboolean
heyai_ken_burns_render (const char                *still_path,
                        const char                *out_path,
                        HeyaiCameraMove            move,
                        int                        seconds,
                        int                       *out_width,
                        int                       *out_height,
                        HeyaiKenBurnsProgressFunc  progress,
                        gpointer                   progress_data,
                        GCancellable              *cancellable,
                        GError                   **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) appsrc = NULL;
  g_autoptr(GstElement) filesink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBufferPool) pool = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *description = NULL;
  cairo_surface_t *still = NULL;
  cairo_surface_t *source = NULL;
  g_autofree guint8 *source_yuv = NULL;
  Plane planes[3];
  Resampler resampler = { 0 };
  GstVideoInfo info;
  YuvCoeffs coeffs;
  const char *chain;
  KenBurnsPath path;
  int width, height, src_width, src_height;
  guint n_frames;
  gsize frame_size;
  gboolean ok = FALSE;
  gboolean started = FALSE;
  double last_progress = -1.0;
  Waiter waiter = { 0 };
  g_autoptr(GstPad) src_pad = NULL;
  gulong probe_id = 0;
  gulong cancel_id = 0;
  gboolean waiter_ready = FALSE;

  g_return_val_if_fail (still_path != NULL, FALSE);
  g_return_val_if_fail (out_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  chain = heyai_ken_burns_encoder_description (NULL, error);
  if (chain == NULL)
    return FALSE;

  if (seconds <= 0)
    seconds = 5;
  seconds = MIN (seconds, 600);
  n_frames = (guint) seconds * HEYAI_KEN_BURNS_FPS;

  if (is_png (still_path))
    still = load_png (still_path, error);
  else
    still = load_with_gstreamer (still_path, cancellable, error);
  if (still == NULL)
    return FALSE;

  if (cairo_image_surface_get_width (still) < 16 || cairo_image_surface_get_height (still) < 16)
    {
      cairo_surface_destroy (still);
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The still “%s” is too small to animate."), still_path);
      return FALSE;
    }

  source = prepare_source (still, &width, &height);
  g_clear_pointer (&still, cairo_surface_destroy);
  src_width = cairo_image_surface_get_width (source);
  src_height = cairo_image_surface_get_height (source);
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, (guint) width, (guint) height);
  GST_VIDEO_INFO_FPS_N (&info) = HEYAI_KEN_BURNS_FPS;
  GST_VIDEO_INFO_FPS_D (&info) = 1;
  GST_VIDEO_INFO_PAR_N (&info) = 1;
  GST_VIDEO_INFO_PAR_D (&info) = 1;
  yuv_coeffs_init (&coeffs, &GST_VIDEO_INFO_COLORIMETRY (&info));
  frame_size = GST_VIDEO_INFO_SIZE (&info);
  source_yuv = source_to_i420 (source, &coeffs, planes);
  resampler_init (&resampler, width);
  path = ken_burns_path (move);


  description = g_strdup_printf ("appsrc name=src ! %s ! filesink name=sink", chain);
  pipeline = gst_parse_launch (description, &local_error);
  if (pipeline == NULL)
    {
      set_error_from_gst (error, local_error, NULL);
      goto out;
    }
  gst_object_ref_sink (pipeline);

  appsrc = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  filesink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  caps = gst_video_info_to_caps (&info);
  g_object_set (appsrc,
                "caps", caps,
                "format", GST_FORMAT_TIME,
                "is-live", FALSE,
                "do-timestamp", FALSE,
                "block", FALSE,
                "max-bytes", (guint64) frame_size * QUEUED_FRAMES,
                NULL);
  /* Not an async sink: its preroll would post ASYNC_DONE from a lowered
   * streaming thread, and the bin finishes its state change from there with
   * gst_element_call_async(), a push to GLib's shared thread pool.  When that
   * pool needed a new thread, the thread was made from the lowered one: GLib
   * could not raise it back to its normal priority ("Failed to set scheduler
   * settings", a critical), so a shared worker thread stayed at idle
   * priority for whatever ran on it later.  This pipeline only writes a
   * file, so it has nothing to wait for in PAUSED. */
  g_object_set (filesink, "location", out_path, "async", FALSE, NULL);
  bus = gst_element_get_bus (pipeline);

  g_mutex_init (&waiter.lock);
  g_cond_init (&waiter.cond);
  waiter_ready = TRUE;
  gst_bus_set_sync_handler (bus, bus_sync_cb, &waiter, NULL);
  src_pad = gst_element_get_static_pad (appsrc, "src");
  probe_id = gst_pad_add_probe (src_pad, GST_PAD_PROBE_TYPE_BUFFER, frame_left_queue_cb, &waiter, NULL);
  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), &waiter, NULL);

  /* Frames are recycled through a pool: a fresh 3.5 MiB allocation per frame
   * costs page faults on every frame. */
  pool = gst_buffer_pool_new ();
  {
    GstStructure *config = gst_buffer_pool_get_config (pool);

    gst_buffer_pool_config_set_params (config, caps, (guint) frame_size, QUEUED_FRAMES + 2, 0);
    if (!gst_buffer_pool_set_config (pool, config) || !gst_buffer_pool_set_active (pool, TRUE))
      {
        g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                             _("There is not enough memory to make the clip."));
        goto out;
      }
  }

  started = TRUE;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!pop_error (bus, error))
        g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                             _("The clip encoder could not start."));
      goto out;
    }

  for (guint i = 0; i < n_frames; i++)
    {
      GstBuffer *buffer;
      GstMapInfo map;
      double scale, view_x, view_y;
      GstClockTime pts, next;
      GstFlowReturn flow;

      if (!wait_for_room (&waiter, GST_APP_SRC (appsrc), bus, (guint64) frame_size * QUEUED_FRAMES,
                          cancellable, error))
        goto out;

      buffer = NULL;
      if (gst_buffer_pool_acquire_buffer (pool, &buffer, NULL) != GST_FLOW_OK ||
          !gst_buffer_map (buffer, &map, GST_MAP_WRITE))
        {
          g_clear_pointer (&buffer, gst_buffer_unref);
          g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("There is not enough memory to make the clip."));
          goto out;
        }

      frame_view (src_width, src_height, width, height, &path, i, n_frames, &scale, &view_x, &view_y);
      for (guint p = 0; p < 3; p++)
        {
          int sub = p == 0 ? 1 : 2;

          resample_plane (&resampler, &planes[p],
                          map.data + GST_VIDEO_INFO_PLANE_OFFSET (&info, p),
                          GST_VIDEO_INFO_PLANE_STRIDE (&info, p),
                          width / sub, height / sub, sub, scale, view_x, view_y);
        }
      gst_buffer_unmap (buffer, &map);

      pts = gst_util_uint64_scale (i, GST_SECOND, HEYAI_KEN_BURNS_FPS);
      next = gst_util_uint64_scale (i + 1, GST_SECOND, HEYAI_KEN_BURNS_FPS);
      GST_BUFFER_PTS (buffer) = pts;
      GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
      GST_BUFFER_DURATION (buffer) = next - pts;
      GST_BUFFER_OFFSET (buffer) = i;
      GST_BUFFER_OFFSET_END (buffer) = i + 1;

      flow = gst_app_src_push_buffer (GST_APP_SRC (appsrc), buffer);
      if (flow != GST_FLOW_OK)
        {
          if (!pop_error (bus, error))
            g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                         _("The clip encoder stopped unexpectedly (%s)."),
                         gst_flow_get_name (flow));
          goto out;
        }

      if (progress != NULL)
        {
          /* Encoding the last frames and writing the index is the last 5 %. */
          double fraction = 0.95 * (i + 1) / n_frames;

          if (fraction - last_progress >= 0.02)
            {
              progress (fraction, progress_data);
              last_progress = fraction;
            }
        }
    }

  gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
  if (!wait_for_eos (bus, cancellable, error))
    goto out;

  if (progress != NULL)
    progress (1.0, progress_data);

  if (out_width != NULL)
    *out_width = width;
  if (out_height != NULL)
    *out_height = height;
  ok = TRUE;

out:
  if (pipeline != NULL)
    gst_element_set_state (pipeline, GST_STATE_NULL);
  /* Nothing can call into the waiter any more once these are gone. */
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);
  if (probe_id != 0)
    gst_pad_remove_probe (src_pad, probe_id);
  if (bus != NULL)
    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  if (waiter_ready)
    {
      g_cond_clear (&waiter.cond);
      g_mutex_clear (&waiter.lock);
    }
  /* Only a regular file is ours to delete (never /dev/full or a FIFO). */
  if (!ok && started && g_file_test (out_path, G_FILE_TEST_IS_REGULAR))
    g_unlink (out_path);
  if (pool != NULL)
    gst_buffer_pool_set_active (pool, FALSE);
  resampler_clear (&resampler);
  g_clear_pointer (&source, cairo_surface_destroy);

  return ok;
}

/* ---------------------------------------------------------------------- */
/* The provider                                                            */

typedef struct
{
  char            *still_path;
  char            *dest_dir;
  char            *basename;      /* "scene-01-take-2" */
  int              position;
  int              seconds;
  HeyaiCameraMove  move;
  HeyaiGenReporter *reporter;    /* only called on the main context */
  GMainContext    *context;
  char            *references_note;
} AnimateData;

static void
animate_data_free (AnimateData *data)
{
  g_free (data->still_path);
  g_free (data->dest_dir);
  g_free (data->basename);
  g_clear_pointer (&data->reporter, heyai_gen_reporter_unref);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data->references_note);
  g_free (data);
}

typedef struct
{
  HeyaiGenReporter *reporter;
  double            fraction;
} ProgressUpdate;

static gboolean
progress_update_cb (gpointer user_data)
{
  ProgressUpdate *update = user_data;

  heyai_gen_reporter_progress (update->reporter, update->fraction);
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer user_data)
{
  ProgressUpdate *update = user_data;

  heyai_gen_reporter_unref (update->reporter);
  g_free (update);
}

static void
report_progress (double   fraction,
                 gpointer user_data)
{
  AnimateData *data = user_data;
  ProgressUpdate *update;
  g_autoptr(GSource) source = NULL;

  if (data->reporter == NULL)
    return;

  /* Never g_main_context_invoke(): it may run the callback right here, in
   * the worker, when nobody holds the caller's context at that moment. */
  update = g_new0 (ProgressUpdate, 1);
  update->reporter = heyai_gen_reporter_ref (data->reporter);
  update->fraction = fraction;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, progress_update_cb, update, progress_update_free);
  g_source_attach (source, data->context);
}

static char *
build_params (const AnimateData *data,
              int                width,
              int                height,
              const char        *extension)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *source = g_path_get_basename (data->still_path);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "camera_move");
  json_builder_add_string_value (builder, heyai_enum_to_string (HEYAI_TYPE_CAMERA_MOVE, data->move));
  json_builder_set_member_name (builder, "duration");
  json_builder_add_int_value (builder, data->seconds);
  json_builder_set_member_name (builder, "fps");
  json_builder_add_int_value (builder, HEYAI_KEN_BURNS_FPS);
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) data->seconds * HEYAI_KEN_BURNS_FPS);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, height);
  json_builder_set_member_name (builder, "codec");
  json_builder_add_string_value (builder, g_str_equal (extension, "mp4") ? "h264" : "vp8");
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
animate_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  AnimateData *data = task_data;
  g_autoptr(HeyaiGenResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *final_name = NULL;
  g_autofree char *final_path = NULL;
  const char *extension = "mp4";
  int width = 0, height = 0;
  int fd;

  if (heyai_ken_burns_encoder_description (&extension, &error) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_mkdir_with_parents (data->dest_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, HEYAI_ERROR,
                               saved_errno == ENOSPC ? HEYAI_ERROR_NO_SPACE : HEYAI_ERROR_PERMISSION,
                               _("Scene %d: the folder “%s” could not be created (%s)."),
                               data->position, data->dest_dir, g_strerror (saved_errno));
      return;
    }

  final_name = g_strdup_printf ("%s-animated.%s", data->basename, extension);
  final_path = g_build_filename (data->dest_dir, final_name, NULL);
  tmp_path = g_strdup_printf ("%s/.%s.part-XXXXXX", data->dest_dir, final_name);

  fd = g_mkstemp_full (tmp_path, O_WRONLY, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, HEYAI_ERROR,
                               saved_errno == ENOSPC ? HEYAI_ERROR_NO_SPACE : HEYAI_ERROR_PERMISSION,
                               _("Scene %d: the clip could not be written in “%s” (%s)."),
                               data->position, data->dest_dir, g_strerror (saved_errno));
      return;
    }
  close (fd);

  if (!heyai_ken_burns_render (data->still_path, tmp_path, data->move, data->seconds,
                               &width, &height, report_progress, data,
                               cancellable, &error))
    {
      g_unlink (tmp_path);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, error->domain, error->code,
                                 _("Scene %d: %s"), data->position, error->message);
      return;
    }

  if (g_rename (tmp_path, final_path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      g_task_return_new_error (task, HEYAI_ERROR,
                               saved_errno == ENOSPC ? HEYAI_ERROR_NO_SPACE : HEYAI_ERROR_FAILED,
                               _("Scene %d: the clip could not be saved as “%s” (%s)."),
                               data->position, final_path, g_strerror (saved_errno));
      return;
    }

  result = heyai_gen_result_new ();
  result->path = g_steal_pointer (&final_path);
  result->provider = g_strdup ("offline");
  result->model = g_strdup ("ken-burns-1");
  result->params = build_params (data, width, height, extension);
  result->seed = -1;
  result->cost = 0.0;
  result->references_note = g_strdup (data->references_note);

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) heyai_gen_result_free);
}

static const char *
heyai_animator_offline_get_name (HeyaiAnimator *animator)
{
  return "offline";
}

static const char *
heyai_animator_offline_get_model (HeyaiAnimator *animator)
{
  return "ken-burns-1";
}

static double
heyai_animator_offline_estimate_cost (HeyaiAnimator *animator,
                                      HeyaiScene    *scene)
{
  return 0.0;
}

static void
heyai_animator_offline_animate_async (HeyaiAnimator       *animator,
                                      HeyaiProject        *project,
                                      HeyaiScene          *scene,
                                      const HeyaiGenInput *input,
                                      HeyaiGenReporter    *reporter,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AnimateData *data;
  int take = MAX (input->take, 1);

  task = g_task_new (animator, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_animator_offline_animate_async);
  g_task_set_return_on_cancel (task, FALSE);

  data = g_new0 (AnimateData, 1);
  data->still_path = g_strdup (input->still_path);
  data->dest_dir = g_strdup (input->dest_dir);
  data->position = heyai_scene_get_position (scene);
  data->basename = heyai_take_basename (data->position, take);
  data->seconds = heyai_scene_get_duration (scene) > 0 ? MIN (heyai_scene_get_duration (scene), 600) : 5;
  data->move = heyai_scene_get_camera_move (scene);
  data->reporter = reporter != NULL ? heyai_gen_reporter_ref (reporter) : NULL;
  data->references_note = heyai_gen_references_note (input, 0, FALSE,
                                                     _("the offline animator takes no reference images"),
                                                     _("the offline animator takes no end frame"));
  data->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, data, (GDestroyNotify) animate_data_free);

  /* Low priority, at most cores - 1 encodes at once (heyai-background.c). */
  heyai_background_run (task, animate_thread, (GDestroyNotify) heyai_gen_result_free);
}

static HeyaiGenResult *
heyai_animator_offline_animate_finish (HeyaiAnimator  *animator,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, animator), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        heyai_animator_offline_animate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
heyai_animator_offline_iface_init (HeyaiAnimatorInterface *iface)
{
  iface->get_name = heyai_animator_offline_get_name;
  iface->get_model = heyai_animator_offline_get_model;
  iface->estimate_cost = heyai_animator_offline_estimate_cost;
  iface->animate_async = heyai_animator_offline_animate_async;
  iface->animate_finish = heyai_animator_offline_animate_finish;
}

static void
heyai_animator_offline_class_init (HeyaiAnimatorOfflineClass *klass)
{
}

static void
heyai_animator_offline_init (HeyaiAnimatorOffline *self)
{
}

HeyaiAnimator *
heyai_animator_offline_new (void)
{
  return g_object_new (HEYAI_TYPE_ANIMATOR_OFFLINE, NULL);
}
