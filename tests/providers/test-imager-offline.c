/* test-imager-offline.c: the offline storyboard imager.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <string.h>

#include "heyai-imager-offline.h"
#include "heyai-llm-offline.h"
#include "heyai-util.h"
#include "provider-test-utils.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("heyai-imager-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  rm_rf (f->dir);
  g_free (f->dir);
}

typedef struct
{
  gboolean        done;
  HeyaiGenResult *result;
  GError         *error;
} AsyncResult;

static void
generate_cb (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->result = heyai_imager_generate_finish (HEYAI_IMAGER (source), res, &r->error);
  r->done = TRUE;
}

static HeyaiGenResult *
generate (HeyaiProject  *project,
          HeyaiScene    *scene,
          int            take,
          const char    *dir,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(HeyaiImager) imager = heyai_imager_offline_new ();
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, take);
  AsyncResult r = { 0 };

  heyai_imager_generate_for_job_async (imager, project, scene, job, dir, cancellable, generate_cb, &r);
  wait_for (&r.done, 30);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.result;
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

/* Fraction of pixels that differ by more than a little. */
static double
fraction_different (cairo_surface_t *a,
                    cairo_surface_t *b)
{
  int w = cairo_image_surface_get_width (a);
  int h = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);
  const guchar *da = cairo_image_surface_get_data (a);
  const guchar *db = cairo_image_surface_get_data (b);
  guint64 n = 0;

  g_assert_cmpint (w, ==, cairo_image_surface_get_width (b));
  g_assert_cmpint (h, ==, cairo_image_surface_get_height (b));

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        const guchar *pa = da + (gsize) y * stride + x * 4;
        const guchar *pb = db + (gsize) y * stride + x * 4;
        int d = ABS (pa[0] - pb[0]) + ABS (pa[1] - pb[1]) + ABS (pa[2] - pb[2]);

        if (d > 24)
          n++;
      }

  return (double) n / ((double) w * h);
}

typedef struct
{
  HeyaiAspect aspect;
  int         width;
  int         height;
} AspectCase;

static void
test_aspect (Fixture       *f,
             gconstpointer  data)
{
  const AspectCase *c = data;
  g_autoptr(HeyaiProject) project = make_project (4, "El último faro", c->aspect);
  g_autoptr(HeyaiScene) scene = make_scene (2, "La tormenta",
                                            "The keeper climbs the spiral stairs while the storm "
                                            "batters the lantern room; rain streams down the glass.",
                                            HEYAI_CAMERA_TILT_UP, 10);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) result = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *expected = g_build_filename (f->dir, "scene-02.png", NULL);
  cairo_surface_t *png;
  JsonObject *params;
  double stddev = 0;
  guint colours;

  result = generate (project, scene, 1, f->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->path, ==, expected);
  g_assert_cmpstr (result->provider, ==, "offline");
  g_assert_cmpstr (result->model, ==, "storyboard-frame-1");
  g_assert_cmpfloat (result->cost, ==, 0.0);
  g_assert_cmpint (result->seed, >=, 0);
  /* The PNG alone: the temporary file was renamed. */
  g_assert_cmpuint (count_entries (f->dir), ==, 1);

  png = load_png (result->path);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, c->width);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, c->height);

  /* Composed, not a flat fill. */
  colours = surface_distinct_colours (png, &stddev);
  g_test_message ("%dx%d: %u distinct colours (4 bits/channel), luma stddev %.1f",
                  c->width, c->height, colours, stddev);
  g_assert_cmpuint (colours, >, 100);
  g_assert_cmpfloat (stddev, >, 15.0);
  cairo_surface_destroy (png);

  g_assert_true (json_parser_load_from_data (parser, result->params, -1, &error));
  g_assert_no_error (error);
  params = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (params, "prompt"), ==, heyai_scene_get_image_prompt (scene));
  g_assert_cmpint (json_object_get_int_member (params, "seed"), ==, result->seed);
  g_assert_cmpint (json_object_get_int_member (params, "width"), ==, c->width);
  g_assert_cmpint (json_object_get_int_member (params, "height"), ==, c->height);
}

static void
test_takes_differ (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (1, "Night Shift", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiScene) scene = make_scene (1, "Ward B", "An empty hospital ward, one bed lit.",
                                            HEYAI_CAMERA_PUSH_IN, 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) take1 = NULL;
  g_autoptr(HeyaiGenResult) take2 = NULL;
  g_autofree char *name2 = NULL;
  cairo_surface_t *a, *b;
  double diff;

  take1 = generate (project, scene, 1, f->dir, NULL, &error);
  g_assert_no_error (error);
  take2 = generate (project, scene, 2, f->dir, NULL, &error);
  g_assert_no_error (error);

  name2 = g_path_get_basename (take2->path);
  g_assert_cmpstr (name2, ==, "scene-01-take-2.png");
  g_assert_cmpint (take1->seed, !=, take2->seed);

  a = load_png (take1->path);
  b = load_png (take2->path);
  diff = fraction_different (a, b);
  g_test_message ("take 1 vs take 2: %.0f %% of the pixels differ", diff * 100);
  g_assert_cmpfloat (diff, >, 0.3);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* The same scene and take draw the same frame again (seeded, not random). */
static void
test_deterministic (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (1, "Night Shift", HEYAI_ASPECT_9_16);
  g_autoptr(HeyaiScene) scene = make_scene (5, "Stairwell", "Footsteps echo in the stairwell.",
                                            HEYAI_CAMERA_STATIC, 5);
  g_autofree char *dir1 = g_build_filename (f->dir, "one", NULL);
  g_autofree char *dir2 = g_build_filename (f->dir, "two", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) r1 = NULL;
  g_autoptr(HeyaiGenResult) r2 = NULL;
  g_autoptr(HeyaiScene) other = make_scene (5, "Stairwell", "A rooftop at dawn, pigeons take off.",
                                            HEYAI_CAMERA_STATIC, 5);
  g_autoptr(HeyaiGenResult) r3 = NULL;
  g_autofree char *dir3 = g_build_filename (f->dir, "three", NULL);
  cairo_surface_t *a, *b, *c;

  r1 = generate (project, scene, 1, dir1, NULL, &error);
  g_assert_no_error (error);
  r2 = generate (project, scene, 1, dir2, NULL, &error);
  g_assert_no_error (error);
  r3 = generate (project, other, 1, dir3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (r1->seed, ==, r2->seed);
  g_assert_cmpint (r1->seed, !=, r3->seed);
  /* FNV-1a of "<prompt>\x1ftake=1", halved: the same on every machine and
   * release, so a recorded seed keeps meaning the same frame. */
  g_assert_cmpint (r1->seed, ==, G_GINT64_CONSTANT (8420008931660587292));

  a = load_png (r1->path);
  b = load_png (r2->path);
  c = load_png (r3->path);
  g_assert_cmpfloat (fraction_different (a, b), ==, 0.0);
  /* Another prompt gives another palette. */
  g_assert_cmpfloat (fraction_different (a, c), >, 0.3);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  cairo_surface_destroy (c);
}

/* A very long description is wrapped and ellipsized inside its panel: the
 * footer area below the panel keeps the same pixels as with a short one. */
static void
test_long_text (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(HeyaiScene) scene_long = NULL;
  g_autoptr(HeyaiScene) scene_short = NULL;
  g_autoptr(HeyaiStoryboardSpec) spec_long = NULL;
  g_autoptr(HeyaiStoryboardSpec) spec_short = NULL;
  g_autoptr(HeyaiProject) project = make_project (1, "Long", HEYAI_ASPECT_16_9);
  cairo_surface_t *a, *b;
  const guchar *da, *db;
  int stride;

  for (int i = 0; i < 400; i++)
    g_string_append (text, "The lighthouse beam sweeps across the black water again and again. ");

  scene_long = make_scene (9, "A title that is far too long to fit on one line of the storyboard frame, "
                              "really much too long", text->str, HEYAI_CAMERA_PAN_RIGHT, 10);
  scene_short = make_scene (9, "Short", "Short.", HEYAI_CAMERA_PAN_RIGHT, 10);
  /* Same prompt so the background is the same. */
  heyai_scene_set_image_prompt (scene_long, "same");
  heyai_scene_set_image_prompt (scene_short, "same");
  spec_long = heyai_storyboard_spec_new_from_scene (project, scene_long, 1);
  spec_short = heyai_storyboard_spec_new_from_scene (project, scene_short, 1);

  a = heyai_storyboard_render (spec_long, 1280, 720);
  b = heyai_storyboard_render (spec_short, 1280, 720);
  g_assert_cmpint (cairo_surface_status (a), ==, CAIRO_STATUS_SUCCESS);
  da = cairo_image_surface_get_data (a);
  db = cairo_image_surface_get_data (b);
  stride = cairo_image_surface_get_stride (a);

  /* The text changed the panel (the frames differ)... */
  g_assert_cmpfloat (fraction_different (a, b), >, 0.005);
  /* ...but no line spilled below it: the last 8 rows are identical. */
  g_assert_cmpmem (da + (gsize) 712 * stride, 8 * stride, db + (gsize) 712 * stride, 8 * stride);

  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (1, "Night Shift", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiScene) scene = make_scene (1, "Ward", "Ward.", HEYAI_CAMERA_STATIC, 5);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = generate (project, scene, 1, f->dir, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpuint (count_entries (f->dir), ==, 0);
}

static void
test_unwritable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (1, "Night Shift", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiScene) scene = make_scene (7, "Ward", "Ward.", HEYAI_CAMERA_STATIC, 5);
  g_autofree char *file = g_build_filename (f->dir, "a-file", NULL);
  g_autofree char *dest = g_build_filename (file, "images", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) result = NULL;

  /* The destination's parent is a file, so the folder cannot exist. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  result = generate (project, scene, 1, dest, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Scene 7: "));
}

static const AspectCase aspect_16_9 = { HEYAI_ASPECT_16_9, 1280, 720 };
static const AspectCase aspect_9_16 = { HEYAI_ASPECT_9_16, 720, 1280 };
static const AspectCase aspect_1_1 = { HEYAI_ASPECT_1_1, 1280, 1280 };

/* The frame's words are in the script's language, whatever the locale's:
 * a Spanish scene gets "Escena 3 · Toma 1", "Paneo derecha" and a Spanish
 * footer from the catalog; an English one the English words. */
static void
test_script_language (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (1, "El último faro", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiScene) spanish = make_scene (3, "En el puerto del continente",
                                              "En el puerto, su nieto Leo lee una carta de la farera.",
                                              HEYAI_CAMERA_PAN_RIGHT, 10);
  g_autoptr(HeyaiScene) english = make_scene (3, "Harbour",
                                              "At the harbour, her grandson reads the letter from the keeper.",
                                              HEYAI_CAMERA_PAN_RIGHT, 10);
  g_autoptr(HeyaiScene) bare = make_scene (3, "FARO", "", HEYAI_CAMERA_PAN_RIGHT, 10);
  g_autoptr(HeyaiStoryboardSpec) es = heyai_storyboard_spec_new_from_scene (project, spanish, 1);
  g_autoptr(HeyaiStoryboardSpec) en = heyai_storyboard_spec_new_from_scene (project, english, 1);
  g_autoptr(HeyaiStoryboardSpec) none = heyai_storyboard_spec_new_from_scene (NULL, bare, 1);
  cairo_surface_t *a, *b, *c;
  int w, h, stride;
  guint64 footer_diff = 0;

  g_assert_cmpstr (es->language, ==, "es");
  g_assert_cmpstr (en->language, ==, "en");
  g_assert_null (none->language);   /* cannot tell: the locale's words */
  g_assert_cmpstr (heyai_llm_offline_detect_language ("¿Dónde está?"), ==, "es");

  /* The catalog of the script's language, not the process's locale. */
  g_assert_cmpstr (heyai_translate_in ("es", "HeyAI offline storyboard"), ==, "Storyboard sin conexión de HeyAI");
  g_assert_cmpstr (heyai_translate_in ("es", heyai_camera_move_msgid (HEYAI_CAMERA_PAN_RIGHT)), ==, "Paneo derecha");
  g_assert_cmpstr (heyai_translate_in ("es", "Scene %d · Take %d"), ==, "Escena %d · Toma %d");
  g_assert_cmpstr (heyai_translate_in ("en", "Scene %d · Take %d"), ==, "Scene %d · Take %d");
  g_assert_cmpstr (heyai_translate_in ("es", "no such message"), ==, "no such message");

  /* Same frame but the words: the Spanish spec drawn in English differs
   * from it in its words (the footer band), and only there. */
  a = heyai_storyboard_render (es, 1280, 720);
  g_free (es->language);
  es->language = g_strdup ("en");
  b = heyai_storyboard_render (es, 1280, 720);
  g_free (es->language);
  es->language = g_strdup ("es");
  c = heyai_storyboard_render (es, 1280, 720);
  g_assert_cmpfloat (fraction_different (a, c), ==, 0.0);
  g_assert_cmpfloat (fraction_different (a, b), >, 0.0);
  g_assert_cmpfloat (fraction_different (a, b), <, 0.05);
  w = cairo_image_surface_get_width (a);
  h = cairo_image_surface_get_height (a);
  stride = cairo_image_surface_get_stride (a);
  for (int y = h * 95 / 100; y < h; y++)
    footer_diff += memcmp (cairo_image_surface_get_data (a) + (gsize) y * stride,
                           cairo_image_surface_get_data (b) + (gsize) y * stride, (gsize) w * 4) != 0;
  g_assert_cmpuint (footer_diff, >, 0);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  cairo_surface_destroy (c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Idle pool threads (GTask, GStreamer tasks) must not exit on their own
   * while LeakSanitizer stops the world at exit: no idle time-out. */
  g_thread_pool_set_max_idle_time (0);

  g_test_add ("/Providers/ImagerOffline/aspect-16x9", Fixture, &aspect_16_9,
              fixture_setup, test_aspect, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/aspect-9x16", Fixture, &aspect_9_16,
              fixture_setup, test_aspect, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/aspect-1x1", Fixture, &aspect_1_1,
              fixture_setup, test_aspect, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/takes-differ", Fixture, NULL,
              fixture_setup, test_takes_differ, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/deterministic", Fixture, NULL,
              fixture_setup, test_deterministic, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/long-text", Fixture, NULL,
              fixture_setup, test_long_text, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/cancelled", Fixture, NULL,
              fixture_setup, test_cancelled, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/unwritable", Fixture, NULL,
              fixture_setup, test_unwritable, fixture_teardown);
  g_test_add ("/Providers/ImagerOffline/script-language", Fixture, NULL,
              fixture_setup, test_script_language, fixture_teardown);

  return g_test_run ();
}
