/* bench-export.c: a 100-scene package without the animatic, and the
 * animatic of 24 five-second clips against a bare x264 encode of the same
 * length and size.  Prints figures; asserts only that the work succeeded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-export.h"
#include "export-test-util.h"

#define WIDTH  640
#define HEIGHT 360

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
bare_x264 (const char *path,
           int         frames)
{
  g_autofree char *desc = g_strdup_printf ("videotestsrc num-buffers=%d pattern=smpte ! "
                                           "video/x-raw,format=I420,width=%d,height=%d,framerate=24/1 ! "
                                           "x264enc speed-preset=faster ! mp4mux ! filesink location=\"%s\"",
                                           frames, WIDTH, HEIGHT, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  double t0;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  t0 = now_s ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return now_s () - t0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-bench-export-XXXXXX", NULL);
  g_autofree char *clip = g_build_filename (dir, "clip.mp4", NULL);
  g_autofree char *still = g_build_filename (dir, "still.png", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *bare = g_build_filename (dir, "bare.mp4", NULL);
  HeyaiExportOptions options;
  double t0, package_s, animatic_s, x264_s;

  gst_init (&argc, &argv);

  if (!export_test_make_clip (clip, 120, WIDTH, HEIGHT, 0, &error))
    g_error ("%s", error->message);
  g_assert_true (export_test_make_still (still, WIDTH, HEIGHT, 0.4));

  /* 1. 100 scenes, every format but the animatic. */
  {
    g_autoptr(HeyaiExportPlan) plan = export_test_plan (100, clip, NULL, still);
    g_autoptr(HeyaiExportResult) result = NULL;

    heyai_export_options_init (&options);
    options.formats = HEYAI_EXPORT_FORMAT_ALL & ~HEYAI_EXPORT_FORMAT_ANIMATIC;
    options.paper = HEYAI_EXPORT_PAPER_A4;
    options.zip = TRUE;
    t0 = now_s ();
    result = heyai_export_run (plan, &options, out, NULL, NULL, NULL, &error);
    package_s = now_s () - t0;
    g_assert_no_error (error);
    g_print ("package: 100 scenes (%d x %d clips), all formats but the animatic, with zip: %.2f s\n",
             WIDTH, HEIGHT, package_s);
  }

  /* 2. Animatic of 24 five-second clips vs a bare encode of 24 x 120 frames.
   * Two rounds each, the best kept: the machine is shared. */
  {
    g_autoptr(HeyaiExportPlan) plan = export_test_plan (24, clip, NULL, still);

    animatic_s = G_MAXDOUBLE;
    x264_s = G_MAXDOUBLE;
    for (int round = 0; round < 2; round++)
      {
        g_autoptr(HeyaiExportResult) result = NULL;
        double t;

        heyai_export_options_init (&options);
        options.formats = HEYAI_EXPORT_FORMAT_ANIMATIC;
        t0 = now_s ();
        result = heyai_export_run (plan, &options, out, NULL, NULL, NULL, &error);
        t = now_s () - t0;
        g_assert_no_error (error);
        animatic_s = MIN (animatic_s, t);
        x264_s = MIN (x264_s, bare_x264 (bare, 24 * 120));
      }

    g_print ("animatic: 24 clips x 5 s (%d x %d, 2880 frames) with GES: %.2f s (best of 2)\n",
             WIDTH, HEIGHT, animatic_s);
    g_print ("bare x264 encode (videotestsrc, same length, size and preset): %.2f s (best of 2)\n", x264_s);
    g_print ("ratio animatic / bare encode: %.2f\n", animatic_s / x264_s);
  }

  export_test_rm_rf (dir);
  return 0;
}
