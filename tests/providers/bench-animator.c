/* bench-animator.c: wall time of the offline animator for a 10 s 1280x720
 * clip, against bare GStreamer pipelines through the same encoder chain
 * (heyai_ken_burns_encoder_description(): identical encoder settings):
 *   A. appsrc pushing 240 identical, pre-rendered frames (no drawing at all),
 *      in I420, the encoder's input format, so videoconvert is passthrough
 *      as it is for the animator: a bare x264 encode;
 *   A'. the same in BGRx (cairo's layout): x264 + a videoconvert to I420;
 *   B. videotestsrc num-buffers=240 with moving content (BGRx);
 *   C. appsrc pushing the animator's own 240 frames, decoded back from its
 *      clip into memory beforehand, in I420: the same moving content for
 *      x264, so C / animator isolates what drawing and pushing costs;
 *   C'. the same in BGRx (+ videoconvert).
 * Prints the best of N runs (HEYAI_BENCH_RUNS, default 3) and the ratios.
 * HEYAI_BENCH_ANIMATOR_ONLY=1 renders one clip and stops (for profilers).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/resource.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "heyai-animator-offline.h"
#include "heyai-imager-offline.h"
#include "provider-test-utils.h"

#define WIDTH   1280
#define HEIGHT  720
#define SECONDS 10
#define FRAMES  (SECONDS * HEYAI_KEN_BURNS_FPS)

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define FORMAT "BGRx"
#else
# define FORMAT "xRGB"
#endif

/* CPU seconds used by the whole process (all threads) so far: less
 * sensitive than wall time to the other jobs on a shared machine. */
static double
cpu_now (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

typedef struct
{
  double wall;   /* best wall time */
  double cpu;    /* CPU time of that run */
} Best;

static void
keep_best (Best   *best,
           double  wall,
           double  cpu)
{
  if (best->wall == 0 || wall < best->wall)
    {
      best->wall = wall;
      best->cpu = cpu;
    }
}

static GstElement *
make_pipeline (const char *head,
               const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = NULL;
  g_autoptr(GstElement) sink = NULL;
  const char *chain = heyai_ken_burns_encoder_description (NULL, &error);
  GstElement *pipeline;

  g_assert_no_error (error);
  desc = g_strdup_printf ("%s ! %s ! filesink name=sink", head, chain);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", out, NULL);
  return pipeline;
}

static void
run_to_eos (GstElement *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstMessage) message = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
                                                              GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* A: the still, drawn once, pushed 240 times (same memory, no copies). */
static GstCaps *
frame_caps (const char *format)
{
  return gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, format,
                              "width", G_TYPE_INT, WIDTH, "height", G_TYPE_INT, HEIGHT,
                              "framerate", GST_TYPE_FRACTION, 24, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
}

/* The still as one BGRx buffer, or converted to I420 by GStreamer. */
static GstBuffer *
still_buffer (cairo_surface_t *still,
              const char      *format)
{
  g_autoptr(GstCaps) caps = frame_caps (FORMAT);
  g_autoptr(GstCaps) to_caps = frame_caps (format);
  g_autoptr(GstBuffer) bgrx = gst_buffer_new_memdup (cairo_image_surface_get_data (still),
                                                     (gsize) cairo_image_surface_get_stride (still) * HEIGHT);
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GstSample) converted = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (format, FORMAT))
    return g_steal_pointer (&bgrx);

  sample = gst_sample_new (bgrx, caps, NULL, NULL);
  converted = gst_video_convert_sample (sample, to_caps, GST_CLOCK_TIME_NONE, &error);
  g_assert_no_error (error);
  return gst_buffer_ref (gst_sample_get_buffer (converted));
}

static double
bench_identical_frames (cairo_surface_t *still,
                        const char      *format,
                        const char      *out)
{
  g_autoptr(GstElement) pipeline = make_pipeline ("appsrc name=src", out);
  g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_autoptr(GstCaps) caps = frame_caps (format);
  g_autoptr(GstBuffer) frame = still_buffer (still, format);
  gint64 start;

  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "block", TRUE,
                "max-bytes", (guint64) gst_buffer_get_size (frame) * 4, NULL);

  start = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < FRAMES; i++)
    {
      GstBuffer *buffer = gst_buffer_copy (frame);   /* shares the memory */

      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (i, GST_SECOND, 24);
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (i + 1, GST_SECOND, 24) -
                                     GST_BUFFER_PTS (buffer);
      g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buffer), ==, GST_FLOW_OK);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  run_to_eos (pipeline);

  return (g_get_monotonic_time () - start) / 1e6;
}

static GPtrArray *
decode_frames (const char *path,
               const char *format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) gst_buffer_unref);
  GstSample *sample;

  g_autofree char *desc = g_strdup_printf ("filesrc name=src ! decodebin ! videoconvert "
                                           "! video/x-raw,format=%s ! appsink name=sink sync=false",
                                           format);

  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while ((sample = gst_app_sink_pull_sample (GST_APP_SINK (sink))) != NULL)
    {
      g_ptr_array_add (frames, gst_buffer_ref (gst_sample_get_buffer (sample)));
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_cmpuint (frames->len, ==, FRAMES);

  return frames;
}

/* C: the animator's frames, already in memory. */
static double
bench_prerendered_frames (GPtrArray  *frames,
                          const char *format,
                          const char *out)
{
  g_autoptr(GstElement) pipeline = make_pipeline ("appsrc name=src", out);
  g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_autoptr(GstCaps) caps = frame_caps (format);
  gint64 start;

  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, "block", TRUE,
                "max-bytes", (guint64) gst_buffer_get_size (g_ptr_array_index (frames, 0)) * 4, NULL);

  start = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (guint i = 0; i < frames->len; i++)
    {
      GstBuffer *buffer = gst_buffer_copy (g_ptr_array_index (frames, i));   /* shares the memory */

      GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (i, GST_SECOND, 24);
      GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (i + 1, GST_SECOND, 24) -
                                     GST_BUFFER_PTS (buffer);
      g_assert_cmpint (gst_app_src_push_buffer (GST_APP_SRC (src), buffer), ==, GST_FLOW_OK);
    }
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  run_to_eos (pipeline);

  return (g_get_monotonic_time () - start) / 1e6;
}

/* B: moving test content generated by GStreamer itself. */
static double
bench_videotestsrc (const char *out)
{
  g_autofree char *head = g_strdup_printf ("videotestsrc num-buffers=%d pattern=ball motion=sweep "
                                           "! video/x-raw,format=%s,width=%d,height=%d,framerate=24/1",
                                           FRAMES, FORMAT, WIDTH, HEIGHT);
  g_autoptr(GstElement) pipeline = make_pipeline (head, out);
  gint64 start = g_get_monotonic_time ();

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  run_to_eos (pipeline);

  return (g_get_monotonic_time () - start) / 1e6;
}

static double
bench_animator (const char      *still_path,
                const char      *out,
                HeyaiCameraMove  move)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  int w = 0, h = 0;

  g_assert_true (heyai_ken_burns_render (still_path, out, move, SECONDS, &w, &h,
                                         NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, WIDTH);
  g_assert_cmpint (h, ==, HEIGHT);

  return (g_get_monotonic_time () - start) / 1e6;
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("heyai-bench-XXXXXX", NULL);
  g_autofree char *still_path = g_build_filename (dir, "scene-01.png", NULL);
  g_autofree char *out = g_build_filename (dir, "out.mp4", NULL);
  g_autoptr(HeyaiScene) scene = make_scene (1, "The lighthouse",
                                            "A lighthouse keeper climbs the spiral stairs as the storm "
                                            "breaks over the cliffs.", HEYAI_CAMERA_PUSH_IN, SECONDS);
  g_autoptr(HeyaiStoryboardSpec) spec = heyai_storyboard_spec_new_from_scene (NULL, scene, 1);
  const char *runs_env = g_getenv ("HEYAI_BENCH_RUNS");
  int runs = runs_env != NULL ? MAX (1, atoi (runs_env)) : 3;
  Best push = { 0 }, pan = { 0 }, a = { 0 }, a2 = { 0 }, b = { 0 }, c = { 0 }, c2 = { 0 };
  gint64 size_push = 0, size_a = 0, size_b = 0, size_c = 0;
  g_autoptr(GPtrArray) frames = NULL;
  g_autoptr(GPtrArray) frames_bgrx = NULL;
  g_autofree char *kb_clip = g_build_filename (dir, "ken-burns.mp4", NULL);
  cairo_surface_t *still;

  gst_init (&argc, &argv);

  still = heyai_storyboard_render (spec, WIDTH, HEIGHT);
  g_assert_cmpint (cairo_surface_write_to_png (still, still_path), ==, CAIRO_STATUS_SUCCESS);

  /* HEYAI_BENCH_ANIMATOR_ONLY=1: one animator run and nothing else, for
   * profilers (valgrind --tool=callgrind, perf). */
  if (g_strcmp0 (g_getenv ("HEYAI_BENCH_ANIMATOR_ONLY"), "1") == 0)
    {
      double cpu = cpu_now ();
      double t = bench_animator (still_path, out, HEYAI_CAMERA_PUSH_IN);

      g_print ("animator (push-in) %.2f s, cpu %.2f s\n", t, cpu_now () - cpu);
      cairo_surface_destroy (still);
      rm_rf (dir);
      return 0;
    }

  /* The animator's frames for C and C' (240 x 1.3 + 3.5 MiB in memory). */
  bench_animator (still_path, kb_clip, HEYAI_CAMERA_PUSH_IN);
  frames = decode_frames (kb_clip, "I420");
  frames_bgrx = decode_frames (kb_clip, FORMAT);

  for (int i = 0; i < runs; i++)
    {
      double t, cpu, t_push, t_pan, t_a, t_a2, t_b, t_c, t_c2;

      cpu = cpu_now ();
      t = t_push = bench_animator (still_path, out, HEYAI_CAMERA_PUSH_IN);
      keep_best (&push, t, cpu_now () - cpu);
      size_push = file_size (out);

      cpu = cpu_now ();
      t = t_pan = bench_animator (still_path, out, HEYAI_CAMERA_PAN_LEFT);
      keep_best (&pan, t, cpu_now () - cpu);

      cpu = cpu_now ();
      t = t_a = bench_identical_frames (still, "I420", out);
      keep_best (&a, t, cpu_now () - cpu);
      size_a = file_size (out);

      cpu = cpu_now ();
      t = t_a2 = bench_identical_frames (still, FORMAT, out);
      keep_best (&a2, t, cpu_now () - cpu);

      cpu = cpu_now ();
      t = t_b = bench_videotestsrc (out);
      keep_best (&b, t, cpu_now () - cpu);
      size_b = file_size (out);

      cpu = cpu_now ();
      t = t_c = bench_prerendered_frames (frames, "I420", out);
      keep_best (&c, t, cpu_now () - cpu);
      size_c = file_size (out);

      cpu = cpu_now ();
      t = t_c2 = bench_prerendered_frames (frames_bgrx, FORMAT, out);
      keep_best (&c2, t, cpu_now () - cpu);

      g_print ("run %d: animator push-in %.2f s, pan-left %.2f s; bare: identical frames %.2f s "
               "(BGRx %.2f s), videotestsrc %.2f s, animator's frames %.2f s (BGRx %.2f s)\n",
               i + 1, t_push, t_pan, t_a, t_a2, t_b, t_c, t_c2);
    }

  g_print ("\nOffline animator, %d s %dx%d clip (%d frames), best of %d (wall, CPU of that run):\n",
           SECONDS, WIDTH, HEIGHT, FRAMES, runs);
  g_print ("  animator (push-in)                       %6.2f s  cpu %5.2f s  %6.1f fps  %6.0f KiB\n",
           push.wall, push.cpu, FRAMES / push.wall, size_push / 1024.0);
  g_print ("  animator (pan-left)                      %6.2f s  cpu %5.2f s  %6.1f fps\n",
           pan.wall, pan.cpu, FRAMES / pan.wall);
  g_print ("  A: bare x264, identical I420 frames      %6.2f s  cpu %5.2f s  %6.1f fps  %6.0f KiB\n",
           a.wall, a.cpu, FRAMES / a.wall, size_a / 1024.0);
  g_print ("  A': identical BGRx frames + videoconvert %6.2f s  cpu %5.2f s  %6.1f fps\n",
           a2.wall, a2.cpu, FRAMES / a2.wall);
  g_print ("  B: bare videotestsrc (moving, BGRx)      %6.2f s  cpu %5.2f s  %6.1f fps  %6.0f KiB\n",
           b.wall, b.cpu, FRAMES / b.wall, size_b / 1024.0);
  g_print ("  C: bare x264, animator's I420 frames     %6.2f s  cpu %5.2f s  %6.1f fps  %6.0f KiB\n",
           c.wall, c.cpu, FRAMES / c.wall, size_c / 1024.0);
  g_print ("  C': animator's BGRx frames + videoconvert%6.2f s  cpu %5.2f s  %6.1f fps\n",
           c2.wall, c2.cpu, FRAMES / c2.wall);
  g_print ("  ratio animator / A:  %.2fx wall, %.2fx CPU (target <= 1.3x)\n",
           push.wall / a.wall, push.cpu / a.cpu);
  g_print ("  ratio animator / A': %.2fx wall, %.2fx CPU\n", push.wall / a2.wall, push.cpu / a2.cpu);
  g_print ("  ratio animator / B:  %.2fx wall, %.2fx CPU\n", push.wall / b.wall, push.cpu / b.cpu);
  g_print ("  ratio animator / C:  %.2fx wall, %.2fx CPU (drawing + pushing cost, same content for x264)\n",
           push.wall / c.wall, push.cpu / c.cpu);
  g_print ("  ratio animator / C': %.2fx wall, %.2fx CPU\n", push.wall / c2.wall, push.cpu / c2.cpu);

  cairo_surface_destroy (still);
  rm_rf (dir);
  return 0;
}
