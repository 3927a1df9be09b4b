/* test-export-animatic.c: animatic.mp4 rendered with GES and decoded back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-export.h"
#include "export-test-util.h"

static char *media_dir;
static char *clip5;
static char *clip10;
static char *still;
static char *music;

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("heyai-animatic-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  export_test_rm_rf (f->dir);
  g_free (f->dir);
}

static char *
render (const HeyaiExportPlan *plan,
        const char            *dest,
        double                 crossfade,
        const char            *music_file,
        gboolean               burn_in,
        GError               **error)
{
  g_autoptr(HeyaiExportResult) result = NULL;
  HeyaiExportOptions options;

  heyai_export_options_init (&options);
  options.formats = HEYAI_EXPORT_FORMAT_ANIMATIC;
  options.crossfade = crossfade;
  options.music = g_strdup (music_file);
  options.burn_in = burn_in;
  result = heyai_export_run (plan, &options, dest, NULL, NULL, NULL, error);
  heyai_export_options_clear (&options);
  if (result == NULL)
    return NULL;

  return g_build_filename (result->package_path, "animatic.mp4", NULL);
}

static void
assert_duration (const char   *path,
                 GstClockTime  expected,
                 gboolean      expect_audio)
{
  gboolean has_audio = FALSE;
  int width = 0, height = 0;
  GstClockTime duration = export_test_media_duration (path, &has_audio, &width, &height);
  GstClockTime frame = GST_SECOND / 24;

  g_test_message ("animatic %" GST_TIME_FORMAT ", expected %" GST_TIME_FORMAT,
                  GST_TIME_ARGS (duration), GST_TIME_ARGS (expected));
  g_assert_cmpuint (duration, >=, expected - frame);
  g_assert_cmpuint (duration, <=, expected + frame);
  g_assert_cmpint (has_audio, ==, expect_audio);
  /* The size of the clips. */
  g_assert_cmpint (width, ==, 320);
  g_assert_cmpint (height, ==, 180);
}

static void
test_cuts (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (4, clip5, clip10, still);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* Scene 4 has no clip: the still is held for its 5 s. */
  g_clear_pointer (&((HeyaiExportScene *) g_ptr_array_index (plan->scenes, 3))->clip_path, g_free);

  path = render (plan, f->dir, 0, NULL, FALSE, &error);
  g_assert_no_error (error);
  assert_duration (path, 25 * GST_SECOND, FALSE);  /* 5 + 5 + 10 + 5 */
}

static void
test_crossfade_burn_in (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (3, clip5, NULL, still);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = render (plan, f->dir, 0.5, NULL, TRUE, &error);
  g_assert_no_error (error);
  assert_duration (path, 15 * GST_SECOND - 2 * GST_SECOND / 2, FALSE);  /* 3 x 5 s - 2 x 0.5 s */
}

static void
test_music (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (2, clip5, NULL, still);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = render (plan, f->dir, 0, music, FALSE, &error);
  g_assert_no_error (error);
  assert_duration (path, 10 * GST_SECOND, TRUE);
}

static void
test_unreadable_media (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (2, clip5, NULL, still);
  g_autoptr(GError) error = NULL;
  g_autofree char *bogus = g_build_filename (f->dir, "bogus.mp4", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "out", NULL);
  g_autofree char *path = NULL;

  g_assert_true (g_file_set_contents (bogus, "this is not a video", -1, NULL));
  g_free (((HeyaiExportScene *) g_ptr_array_index (plan->scenes, 1))->clip_path);
  ((HeyaiExportScene *) g_ptr_array_index (plan->scenes, 1))->clip_path = g_strdup (bogus);

  path = render (plan, dest, 0, NULL, FALSE, &error);
  g_assert_null (path);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "02-"));
  /* Nothing half-written. */
  {
    g_auto(GStrv) names = export_test_list_dir (dest);
    g_assert_cmpuint (g_strv_length (names), ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  media_dir = g_dir_make_tmp ("heyai-animatic-media-XXXXXX", NULL);
  clip5 = g_build_filename (media_dir, "clip5.mp4", NULL);
  clip10 = g_build_filename (media_dir, "clip10.mp4", NULL);
  still = g_build_filename (media_dir, "still.png", NULL);
  music = g_build_filename (media_dir, "music.wav", NULL);
  if (!export_test_make_clip (clip5, 120, 320, 180, 0, &error) ||
      !export_test_make_clip (clip10, 240, 320, 180, 18, &error) ||
      !export_test_make_audio (music, 12, &error))
    g_error ("could not make the test media: %s", error->message);
  g_assert_true (export_test_make_still (still, 320, 180, 0.2));

  g_test_add ("/export/animatic/cuts-and-held-still", Fixture, NULL, fixture_setup, test_cuts, fixture_teardown);
  g_test_add ("/export/animatic/crossfade-burn-in", Fixture, NULL, fixture_setup, test_crossfade_burn_in, fixture_teardown);
  g_test_add ("/export/animatic/music", Fixture, NULL, fixture_setup, test_music, fixture_teardown);
  g_test_add ("/export/animatic/unreadable-media", Fixture, NULL, fixture_setup, test_unreadable_media, fixture_teardown);

  ret = g_test_run ();

  export_test_rm_rf (media_dir);
  g_free (media_dir);
  g_free (clip5);
  g_free (clip10);
  g_free (still);
  g_free (music);

  return ret;
}
