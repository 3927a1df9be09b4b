/* test-animator-offline.c: the offline Ken Burns animator.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>

#include "heyai-animator-offline.h"
#include "heyai-imager-offline.h"
#include "provider-test-utils.h"

#define FRAME_NS (GST_SECOND / 24)

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define CAIRO_RGB24_FORMAT "BGRx"
#else
# define CAIRO_RGB24_FORMAT "xRGB"
#endif

#ifdef __SANITIZE_ADDRESS__
/* GStreamer registers more than 2048 quarks, and GLib deliberately leaks
 * its first quark table (allocated by glib_init(), a library constructor)
 * when it grows (gquark.c: "This leaks the old quarks array").  Debian's
 * libglib has no frame pointers, so the leak is only recognisable with the
 * slow unwinder, by the loader frame that ran the constructor. */
const char *__asan_default_options (void);
const char *__lsan_default_suppressions (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:_dl_init\n"
         /* the loader frame without symbols (no libc6-dbg) */
         "leak:ld-linux-\n";
}
#endif

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("heyai-animator-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* HEYAI_TEST_KEEP=1 keeps the clips for a look. */
  if (g_getenv ("HEYAI_TEST_KEEP") == NULL)
    rm_rf (f->dir);
  else
    g_test_message ("kept %s", f->dir);
  g_free (f->dir);
}

typedef struct
{
  gboolean        done;
  HeyaiGenResult *result;
  GError         *error;
} AsyncResult;

static void
animate_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->result = heyai_animator_animate_finish (HEYAI_ANIMATOR (source), res, &r->error);
  r->done = TRUE;
}

static void
generate_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->result = heyai_imager_generate_finish (HEYAI_IMAGER (source), res, &r->error);
  r->done = TRUE;
}

/* Renders a still with the offline imager, as the pipeline does. */
static char *
render_still (HeyaiProject *project,
              HeyaiScene   *scene,
              const char   *dir)
{
  g_autoptr(HeyaiImager) imager = heyai_imager_offline_new ();
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1);
  AsyncResult r = { 0 };
  char *path;

  heyai_imager_generate_for_job_async (imager, project, scene, job, dir, NULL, generate_cb, &r);
  wait_for (&r.done, 30);
  g_assert_no_error (r.error);
  path = g_strdup (r.result->path);
  heyai_gen_result_free (r.result);
  return path;
}

typedef struct
{
  HeyaiAspect     aspect;
  int             seconds;
  HeyaiCameraMove move;
  int             take;
  int             width;
  int             height;
  const char     *name;
} ClipCase;

static void
test_clip (Fixture       *f,
           gconstpointer  data)
{
  const ClipCase *c = data;
  g_autoptr(HeyaiProject) project = make_project (1, "Night Shift", c->aspect);
  g_autoptr(HeyaiScene) scene = make_scene (3, "The corridor", "A nurse walks down an empty corridor at 3 a.m.",
                                            c->move, c->seconds);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, c->take);
  g_autoptr(HeyaiAnimator) animator = heyai_animator_offline_new ();
  g_autofree char *still_dir = g_build_filename (f->dir, "images", NULL);
  g_autofree char *clip_dir = g_build_filename (f->dir, "clips", NULL);
  g_autofree char *still = render_still (project, scene, still_dir);
  g_autofree char *expected = g_build_filename (clip_dir, c->name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  ClipInfo info;
  AsyncResult r = { 0 };
  guint64 want = (guint64) c->seconds * GST_SECOND;
  JsonObject *params;

  g_assert_cmpstr (heyai_animator_get_name (animator), ==, "offline");
  g_assert_cmpstr (heyai_animator_get_model (animator), ==, "ken-burns-1");
  g_assert_cmpfloat (heyai_animator_estimate_cost (animator, scene), ==, 0.0);

  heyai_animator_animate_for_job_async (animator, project, scene, job, still, clip_dir, NULL, animate_cb, &r);
  wait_for (&r.done, 60);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.result);
  g_assert_cmpstr (r.result->path, ==, expected);
  g_assert_cmpstr (r.result->provider, ==, "offline");
  g_assert_cmpstr (r.result->model, ==, "ken-burns-1");
  g_assert_cmpfloat (r.result->cost, ==, 0.0);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
  /* Only the clip: no temporary file left behind. */
  g_assert_cmpuint (count_entries (clip_dir), ==, 1);
  g_assert_cmpfloat (heyai_job_get_progress (job), ==, 1.0);

  g_assert_true (json_parser_load_from_data (parser, r.result->params, -1, &error));
  g_assert_no_error (error);
  params = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (params, "duration"), ==, c->seconds);
  g_assert_cmpint (json_object_get_int_member (params, "frames"), ==, c->seconds * 24);
  g_assert_cmpint (json_object_get_int_member (params, "width"), ==, c->width);
  g_assert_cmpstr (json_object_get_string_member (params, "camera_move"), ==,
                   heyai_enum_to_string (HEYAI_TYPE_CAMERA_MOVE, c->move));

  g_assert_true (probe_clip (expected, &info, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %u frames, %dx%d, %d/%d fps, duration %.4f s, last frame ends %.4f s, %s %s",
                  c->name, info.frames, info.width, info.height, info.fps_n, info.fps_d,
                  info.duration / 1e9, info.last_end / 1e9, info.video_codec, info.profile);
  g_assert_cmpuint (info.frames, ==, (guint) c->seconds * 24);
  g_assert_cmpint (info.width, ==, c->width);
  g_assert_cmpint (info.height, ==, c->height);
  g_assert_cmpint (info.fps_n, ==, 24);
  g_assert_cmpint (info.fps_d, ==, 1);
  g_assert_cmpuint (info.duration, >=, want - FRAME_NS);
  g_assert_cmpuint (info.duration, <=, want + FRAME_NS);
  g_assert_cmpuint (info.last_end, >=, want - FRAME_NS);
  g_assert_cmpuint (info.last_end, <=, want + FRAME_NS);
  if (g_str_has_suffix (c->name, ".mp4"))
    {
      g_assert_cmpstr (info.video_codec, ==, "video/x-h264");
      g_assert_cmpstr (info.profile, ==, "high");
    }
  clip_info_clear (&info);
  heyai_gen_result_free (r.result);
}

static gint64 cancelled_at;

static void
progress_cancel_cb (HeyaiJob     *job,
                    GParamSpec   *pspec,
                    GCancellable *cancellable)
{
  if (heyai_job_get_progress (job) >= 0.2 && !g_cancellable_is_cancelled (cancellable))
    {
      cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (cancellable);
    }
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (2, "Cancel", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiScene) scene = make_scene (1, "Sea", "Waves", HEYAI_CAMERA_PUSH_IN, 10);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1);
  g_autoptr(HeyaiAnimator) animator = heyai_animator_offline_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *still = g_build_filename (f->dir, "still.png", NULL);
  g_autofree char *clip_dir = g_build_filename (f->dir, "clips", NULL);
  AsyncResult r = { 0 };

  write_test_png (still, 1280, 720);
  g_signal_connect (job, "notify::progress", G_CALLBACK (progress_cancel_cb), cancellable);

  heyai_animator_animate_for_job_async (animator, project, scene, job, still, clip_dir, cancellable,
                                animate_cb, &r);
  wait_for (&r.done, 60);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_test_message ("cancelled at %.0f %%, callback %.1f ms later",
                  heyai_job_get_progress (job) * 100, (g_get_monotonic_time () - cancelled_at) / 1000.0);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (r.result);
  g_assert_cmpfloat (heyai_job_get_progress (job), <, 1.0);
  /* Neither the clip nor its temporary file survive. */
  g_assert_cmpuint (count_entries (clip_dir), ==, 0);
  g_clear_error (&r.error);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *still = g_build_filename (f->dir, "still.png", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full");
      return;
    }

  write_test_png (still, 320, 180);
  g_assert_false (heyai_ken_burns_render (still, "/dev/full", HEYAI_CAMERA_STATIC, 1,
                                          NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE);
  g_test_message ("%s", error->message);
  g_assert_true (g_file_test ("/dev/full", G_FILE_TEST_EXISTS));
}

static void
test_missing_still (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (2, "Missing", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiScene) scene = make_scene (4, "Sea", "Waves", HEYAI_CAMERA_PUSH_IN, 5);
  g_autoptr(HeyaiAnimator) animator = heyai_animator_offline_new ();
  g_autofree char *still = g_build_filename (f->dir, "nope.png", NULL);
  g_autofree char *clip_dir = g_build_filename (f->dir, "clips", NULL);
  AsyncResult r = { 0 };

  heyai_animator_animate_for_job_async (animator, project, scene, NULL, still, clip_dir, NULL, animate_cb, &r);
  wait_for (&r.done, 30);
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (r.error->message, "Scene 4: "));
  g_assert_cmpuint (count_entries (clip_dir), ==, 0);
  g_clear_error (&r.error);
}

/* A JPEG still of odd size goes through the GStreamer decoder and comes out
 * at even dimensions. */
static void
test_jpeg_odd_size (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *still = g_build_filename (f->dir, "still.jpg", NULL);
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autofree char *desc = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ClipInfo info;
  int width = 0, height = 0;

  desc = g_strdup_printf ("videotestsrc num-buffers=1 pattern=smpte ! video/x-raw,width=641,height=361 "
                          "! jpegenc ! filesink location=\"%s\"", still);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_assert_true (heyai_ken_burns_render (still, clip, HEYAI_CAMERA_TILT_UP, 1, &width, &height,
                                         NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 360);
  g_assert_true (probe_clip (clip, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.frames, ==, 24);
  g_assert_cmpint (info.width, ==, 640);
  g_assert_cmpint (info.height, ==, 360);
  clip_info_clear (&info);
}

/* Decodes the first and the last frame of a clip into RGB24 surfaces. */
static void
decode_first_last (const char       *path,
                   cairo_surface_t **first,
                   cairo_surface_t **last)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  GstSample *sample;

  *first = *last = NULL;
  pipeline = gst_parse_launch ("filesrc name=src ! decodebin ! videoconvert "
                               "! video/x-raw,format=" CAIRO_RGB24_FORMAT " ! appsink name=sink sync=false",
                               &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      GstVideoInfo info;
      GstVideoFrame frame;
      cairo_surface_t *surface;

      g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
      g_assert_true (gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ));
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, info.width, info.height);
      cairo_surface_flush (surface);
      for (int y = 0; y < info.height; y++)
        memcpy (cairo_image_surface_get_data (surface) + (gsize) y * cairo_image_surface_get_stride (surface),
                (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0),
                (gsize) info.width * 4);
      cairo_surface_mark_dirty (surface);
      gst_video_frame_unmap (&frame);
      gst_sample_unref (sample);

      if (*first == NULL)
        *first = surface;
      else
        {
          g_clear_pointer (last, cairo_surface_destroy);
          *last = surface;
        }
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_nonnull (*first);
  g_assert_nonnull (*last);
}

/* The still seen through a window of zoom @zoom centred on (@cx, @cy)
 * (0..1 of the still), as the animator should show it. */
static cairo_surface_t *
expected_view (cairo_surface_t *still,
               double           zoom,
               double           cx,
               double           cy)
{
  int w = cairo_image_surface_get_width (still);
  int h = cairo_image_surface_get_height (still);
  cairo_surface_t *view = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (view);

  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -(cx * w - w / zoom / 2), -(cy * h - h / zoom / 2));
  cairo_set_source_surface (cr, still, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_paint (cr);
  cairo_destroy (cr);
  return view;
}

/* Mean absolute difference of luma (0..255) once the mean offset is taken
 * out: GStreamer's own YUV -> RGB conversion when decoding the clip back
 * makes every pixel about 2 levels darker (measured on flat greys), which
 * says nothing about where the camera looks. */
static double
mean_diff (cairo_surface_t *a,
           cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a);
  int h = cairo_image_surface_get_height (a);
  int sa = cairo_image_surface_get_stride (a), sb = cairo_image_surface_get_stride (b);
  const guchar *da = cairo_image_surface_get_data (a), *db = cairo_image_surface_get_data (b);
  double n = (double) w * h, mean = 0, sum = 0;

  g_assert_cmpint (w, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (b));

  for (int pass = 0; pass < 2; pass++)
    {
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            /* RGB24 read as a native 32-bit word: 0x00RRGGBB. */
            guint32 qa = *(const guint32 *) (da + (gsize) y * sa + x * 4);
            guint32 qb = *(const guint32 *) (db + (gsize) y * sb + x * 4);
            int ya = (54 * ((qa >> 16) & 0xff) + 183 * ((qa >> 8) & 0xff) + 19 * (qa & 0xff)) >> 8;
            int yb = (54 * ((qb >> 16) & 0xff) + 183 * ((qb >> 8) & 0xff) + 19 * (qb & 0xff)) >> 8;

            if (pass == 0)
              mean += ya - yb;
            else
              sum += fabs (ya - yb - mean);
          }
      if (pass == 0)
        mean /= n;
    }

  return sum / n;
}

typedef struct
{
  HeyaiCameraMove move;
  double zoom0, cx0, cy0;   /* expected first view */
  double zoom1, cx1, cy1;   /* expected last view */
} MoveCase;

/* The first and the last frame show the part of the still the camera move
 * promises (zoom and direction), within compression error. */
static void
test_move (Fixture       *f,
           gconstpointer  data)
{
  const MoveCase *c = data;
  g_autofree char *still_path = g_build_filename (f->dir, "still.png", NULL);
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *still, *first, *last, *want_first, *want_last;
  double d_first, d_last, d_swapped;

  write_test_png (still_path, 640, 360);
  g_assert_true (heyai_ken_burns_render (still_path, clip, c->move, 1, NULL, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  still = cairo_image_surface_create_from_png (still_path);
  decode_first_last (clip, &first, &last);
  want_first = expected_view (still, c->zoom0, c->cx0, c->cy0);
  want_last = expected_view (still, c->zoom1, c->cx1, c->cy1);

  d_first = mean_diff (first, want_first);
  d_last = mean_diff (last, want_last);
  d_swapped = mean_diff (last, want_first);
  g_test_message ("%s: first frame off by %.2f, last by %.2f (last vs the start view: %.2f)",
                  heyai_enum_to_string (HEYAI_TYPE_CAMERA_MOVE, c->move), d_first, d_last, d_swapped);
  g_assert_cmpfloat (d_first, <, 3.0);
  g_assert_cmpfloat (d_last, <, 3.0);
  /* The camera did move: the last frame is not the first view. */
  g_assert_cmpfloat (d_swapped, >, d_last + 5.0);

  cairo_surface_destroy (still);
  cairo_surface_destroy (first);
  cairo_surface_destroy (last);
  cairo_surface_destroy (want_first);
  cairo_surface_destroy (want_last);
}

/* Pans and tilts travel the margin a 1.12 zoom leaves. */
#define PAN_M ((1.0 - 1.0 / 1.12) / 2.0)

static const MoveCase move_push_in = { HEYAI_CAMERA_PUSH_IN, 1.0, 0.5, 0.5, 1.15, 0.5, 0.5 };
static const MoveCase move_pull_out = { HEYAI_CAMERA_PULL_OUT, 1.15, 0.5, 0.5, 1.0, 0.5, 0.5 };
static const MoveCase move_pan_left = { HEYAI_CAMERA_PAN_LEFT, 1.12, 0.5 + PAN_M, 0.5, 1.12, 0.5 - PAN_M, 0.5 };
static const MoveCase move_pan_right = { HEYAI_CAMERA_PAN_RIGHT, 1.12, 0.5 - PAN_M, 0.5, 1.12, 0.5 + PAN_M, 0.5 };
static const MoveCase move_tilt_up = { HEYAI_CAMERA_TILT_UP, 1.12, 0.5, 0.5 + PAN_M, 1.12, 0.5, 0.5 - PAN_M };
static const MoveCase move_tilt_down = { HEYAI_CAMERA_TILT_DOWN, 1.12, 0.5, 0.5 - PAN_M, 1.12, 0.5, 0.5 + PAN_M };

/* A still larger than 1920 px is scaled down once (long side 1920). */
static void
test_large_still (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *still = g_build_filename (f->dir, "big.png", NULL);
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autoptr(GError) error = NULL;
  ClipInfo info;
  int width = 0, height = 0;

  write_test_png (still, 3200, 1800);   /* also pre-scaled once: > 1.44 x 1920 */
  g_assert_true (heyai_ken_burns_render (still, clip, HEYAI_CAMERA_PUSH_IN, 1, &width, &height,
                                         NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (width, ==, 1920);
  g_assert_cmpint (height, ==, 1080);
  g_assert_true (probe_clip (clip, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.frames, ==, 24);
  g_assert_cmpint (info.width, ==, 1920);
  g_assert_cmpint (info.height, ==, 1080);
  clip_info_clear (&info);
}

/* A file that is not an image gives a clear error, not a crash. */
static void
test_not_an_image (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *still = g_build_filename (f->dir, "still.jpg", NULL);
  g_autofree char *clip = g_build_filename (f->dir, "clip.mp4", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (still, "this is not an image, it is a script", -1, NULL));
  g_assert_false (heyai_ken_burns_render (still, clip, HEYAI_CAMERA_STATIC, 1, NULL, NULL,
                                          NULL, NULL, NULL, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));
}

/* Without x264enc the animator falls back to VP8 in WebM. */
static void
test_webm_fallback (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (1, "Fallback", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiScene) scene = make_scene (6, "Dunes", "Wind over the dunes.", HEYAI_CAMERA_PAN_RIGHT, 5);
  g_autoptr(HeyaiAnimator) animator = heyai_animator_offline_new ();
  g_autoptr(GstPluginFeature) x264 = NULL;
  g_autofree char *still = g_build_filename (f->dir, "still.png", NULL);
  g_autofree char *clip_dir = g_build_filename (f->dir, "clips", NULL);
  g_autofree char *expected = g_build_filename (clip_dir, "scene-06-animated.webm", NULL);
  g_autoptr(GError) error = NULL;
  GstRegistry *registry = gst_registry_get ();
  const char *extension = NULL;
  AsyncResult r = { 0 };
  ClipInfo info;

  x264 = gst_registry_lookup_feature (registry, "x264enc");
  if (x264 == NULL)
    {
      g_test_skip ("x264enc is not installed: the fallback is what every other test uses");
      return;
    }
  {
    g_autoptr(GstElementFactory) vp8 = gst_element_factory_find ("vp8enc");
    g_autoptr(GstElementFactory) webm = gst_element_factory_find ("webmmux");

    if (vp8 == NULL || webm == NULL)
      {
        g_test_skip ("vp8enc/webmmux are not installed");
        return;
      }
  }

  write_test_png (still, 640, 360);
  gst_registry_remove_feature (registry, x264);
  g_assert_nonnull (heyai_ken_burns_encoder_description (&extension, &error));
  g_assert_cmpstr (extension, ==, "webm");

  heyai_animator_animate_for_job_async (animator, project, scene, NULL, still, clip_dir, NULL, animate_cb, &r);
  wait_for (&r.done, 60);
  gst_registry_add_feature (registry, g_object_ref (x264));

  g_assert_no_error (r.error);
  g_assert_cmpstr (r.result->path, ==, expected);
  g_assert_nonnull (strstr (r.result->params, "\"codec\":\"vp8\""));
  g_assert_true (probe_clip (expected, &info, &error));
  g_assert_no_error (error);
  g_test_message ("%s: %u frames, %dx%d, %d/%d fps, duration %.4f s, %s", expected, info.frames,
                  info.width, info.height, info.fps_n, info.fps_d, info.duration / 1e9, info.video_codec);
  g_assert_cmpuint (info.frames, ==, 120);
  g_assert_cmpint (info.width, ==, 640);
  g_assert_cmpint (info.height, ==, 360);
  g_assert_cmpstr (info.video_codec, ==, "video/x-vp8");
  g_assert_cmpuint (info.duration, >=, 5 * GST_SECOND - FRAME_NS);
  g_assert_cmpuint (info.duration, <=, 5 * GST_SECOND + FRAME_NS);
  clip_info_clear (&info);
  heyai_gen_result_free (r.result);

  /* Back to H.264 once x264enc is there again. */
  g_assert_nonnull (heyai_ken_burns_encoder_description (&extension, &error));
  g_assert_cmpstr (extension, ==, "mp4");
}

static const ClipCase clip_16x9_5 = {
  HEYAI_ASPECT_16_9, 5, HEYAI_CAMERA_PUSH_IN, 1, 1280, 720, "scene-03-animated.mp4"
};
static const ClipCase clip_9x16_10 = {
  HEYAI_ASPECT_9_16, 10, HEYAI_CAMERA_PAN_LEFT, 2, 720, 1280, "scene-03-take-2-animated.mp4"
};
static const ClipCase clip_9x16_5 = {
  HEYAI_ASPECT_9_16, 5, HEYAI_CAMERA_STATIC, 3, 720, 1280, "scene-03-take-3-animated.mp4"
};
static const ClipCase clip_1x1_5 = {
  HEYAI_ASPECT_1_1, 5, HEYAI_CAMERA_PULL_OUT, 1, 1280, 1280, "scene-03-animated.mp4"
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Idle pool threads (GTask, GStreamer tasks) must not exit on their own
   * while LeakSanitizer stops the world at exit: no idle time-out. */
  g_thread_pool_set_max_idle_time (0);
  gst_init (&argc, &argv);

  g_test_add ("/Providers/AnimatorOffline/clip-16x9-5s", Fixture, &clip_16x9_5,
              fixture_setup, test_clip, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/clip-9x16-10s-take-2", Fixture, &clip_9x16_10,
              fixture_setup, test_clip, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/clip-9x16-5s-take-3", Fixture, &clip_9x16_5,
              fixture_setup, test_clip, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/clip-1x1-5s", Fixture, &clip_1x1_5,
              fixture_setup, test_clip, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/cancel", Fixture, NULL,
              fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/disk-full", Fixture, NULL,
              fixture_setup, test_disk_full, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/missing-still", Fixture, NULL,
              fixture_setup, test_missing_still, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/jpeg-odd-size", Fixture, NULL,
              fixture_setup, test_jpeg_odd_size, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/move/push-in", Fixture, &move_push_in,
              fixture_setup, test_move, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/move/pull-out", Fixture, &move_pull_out,
              fixture_setup, test_move, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/move/pan-left", Fixture, &move_pan_left,
              fixture_setup, test_move, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/move/pan-right", Fixture, &move_pan_right,
              fixture_setup, test_move, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/move/tilt-up", Fixture, &move_tilt_up,
              fixture_setup, test_move, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/move/tilt-down", Fixture, &move_tilt_down,
              fixture_setup, test_move, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/large-still", Fixture, NULL,
              fixture_setup, test_large_still, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/not-an-image", Fixture, NULL,
              fixture_setup, test_not_an_image, fixture_teardown);
  g_test_add ("/Providers/AnimatorOffline/webm-fallback", Fixture, NULL,
              fixture_setup, test_webm_fallback, fixture_teardown);

  return g_test_run ();
}
