/* test-llm-offline.c: the offline splitter (HeyaiLlmOffline).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-llm-offline.h"

#define STYLE "Moody 35 mm film, teal and amber palette; Marta: 70, grey braid, yellow oilskin."

typedef struct
{
  GPtrArray *scenes;
  GError    *error;
  gboolean   done;
} SplitResult;

static void
split_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  SplitResult *r = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  r->scenes = heyai_llm_split_finish (HEYAI_LLM (source), result, &r->error);
  r->done = TRUE;
}

static GPtrArray *
run_split (HeyaiLlm      *llm,
           HeyaiProject  *project,
           GCancellable  *cancellable,
           gboolean       cancel_at_once,
           GError       **error)
{
  SplitResult r = { NULL, NULL, FALSE };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  heyai_llm_split_async (llm, project, cancellable, split_cb, &r);
  if (cancel_at_once)
    g_cancellable_cancel (cancellable);
  /* completion is never synchronous */
  g_assert_false (r.done);

  while (!r.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r.done);

  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.scenes;
}

static char *
load_sample (const char *name)
{
  const char *dir = g_getenv ("HEYAI_SAMPLES_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, name, NULL);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static HeyaiProject *
make_project (const char  *script,
              const char  *style,
              HeyaiAspect  aspect)
{
  HeyaiProject *project = heyai_project_new ();

  heyai_project_set_id (project, "0b5c7e9e-6a3e-4a54-9d6a-2f1d7c0e8a11");
  heyai_project_set_title (project, "Test");
  heyai_project_set_script (project, script);
  heyai_project_set_style (project, style);
  heyai_project_set_aspect (project, aspect);
  return project;
}

static HeyaiScene *
scene_at (GPtrArray *scenes,
          guint      i)
{
  g_assert_cmpuint (i, <, scenes->len);
  return g_ptr_array_index (scenes, i);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (haystack == NULL || strstr (haystack, needle) == NULL)
    g_error ("\"%s\" does not contain \"%s\"", haystack, needle);
}

static void
dump_scenes (GPtrArray *scenes)
{
  guint i;

  if (!g_test_verbose ())
    return;

  for (i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      g_test_message ("%d. %s [%s, %d s]\n   D: %s\n   I: %s\n   M: %s",
                      heyai_scene_get_position (scene), heyai_scene_get_title (scene),
                      heyai_camera_move_label (heyai_scene_get_camera_move (scene)),
                      heyai_scene_get_duration (scene), heyai_scene_get_description (scene),
                      heyai_scene_get_image_prompt (scene), heyai_scene_get_motion_prompt (scene));
    }
}

/* Checks what every scene must have. */
static void
assert_common (GPtrArray    *scenes,
               HeyaiProject *project,
               const char   *aspect_words)
{
  const char *script = heyai_project_get_script (project);
  guint i;

  dump_scenes (scenes);

  for (i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = scene_at (scenes, i);
      int duration = heyai_scene_get_duration (scene);

      g_assert_true (HEYAI_IS_SCENE (scene));
      g_assert_cmpstr (heyai_scene_get_project_id (scene), ==, heyai_project_get_id (project));
      g_assert_cmpint (heyai_scene_get_position (scene), ==, (int) i + 1);
      g_assert_true (duration == 5 || duration == 10);

      g_assert_nonnull (heyai_scene_get_title (scene));
      g_assert_cmpint (g_utf8_strlen (heyai_scene_get_title (scene), -1), >, 0);
      g_assert_cmpint (g_utf8_strlen (heyai_scene_get_title (scene), -1), <=, 48);
      g_assert_true (g_utf8_validate (heyai_scene_get_title (scene), -1, NULL));

      /* excerpts are the scene as read: no Fountain markup */
      g_assert_cmpint (strlen (heyai_scene_get_excerpt (scene)), >, 0);
      g_assert_null (strstr (heyai_scene_get_excerpt (scene), "[["));
      g_assert_null (strstr (heyai_scene_get_excerpt (scene), "/*"));
      g_assert_null (strstr (heyai_scene_get_excerpt (scene), "> "));
      g_assert_null (strstr (heyai_scene_get_excerpt (scene), "#"));
      (void) script;

      g_assert_cmpint (g_utf8_strlen (heyai_scene_get_description (scene), -1), >, 10);
      g_assert_cmpint (g_utf8_strlen (heyai_scene_get_description (scene), -1), <=, 300);
      g_assert_true (g_utf8_validate (heyai_scene_get_description (scene), -1, NULL));

      if (heyai_project_get_style (project) != NULL && *heyai_project_get_style (project) != '\0')
        assert_contains (heyai_scene_get_image_prompt (scene), heyai_project_get_style (project));
      assert_contains (heyai_scene_get_image_prompt (scene), aspect_words);
      g_assert_true (g_utf8_validate (heyai_scene_get_image_prompt (scene), -1, NULL));

      g_assert_cmpint (strlen (heyai_scene_get_motion_prompt (scene)), >, 20);
      g_assert_true (g_utf8_validate (heyai_scene_get_motion_prompt (scene), -1, NULL));
    }
}

/* ------------------------------------------------------------------------ */

static void
test_names (void)
{
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();

  g_assert_true (HEYAI_IS_LLM (llm));
  g_assert_cmpstr (heyai_llm_get_name (llm), ==, "offline");
  g_assert_cmpstr (heyai_llm_get_model (llm), ==, "heyai-splitter-1");
}

static void
test_prose_sample (void)
{
  g_autofree char *script = load_sample ("el-ultimo-faro.txt");
  g_autoptr(HeyaiProject) project = make_project (script, STYLE, HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);
  static const char *const titles[] = {
    "Una isla de piedra en mitad del Atlántico",
    "Marta, farera jubilada de setenta años",
    "En el puerto del continente",
    "Esa misma noche, el faro se enciende solo",
    "Leo roba una lancha y cruza la tormenta",
    "Dentro del faro",
    "Plano final: el haz verde se apaga",
  };
  static const int durations[] = { 5, 10, 10, 10, 10, 5, 10 };
  HeyaiScene *scene;
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, G_N_ELEMENTS (titles));
  assert_common (scenes, project, "cinematic 16:9 frame");

  for (i = 0; i < scenes->len; i++)
    {
      g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, i)), ==, titles[i]);
      g_assert_cmpint (heyai_scene_get_duration (scene_at (scenes, i)), ==, durations[i]);
    }

  scene = scene_at (scenes, 0);
  g_assert_cmpstr (heyai_scene_get_excerpt (scene), ==,
                   "Una isla de piedra en mitad del Atlántico. Niebla. Un faro apagado desde hace cuarenta años.");
  /* the description keeps the source language */
  g_assert_cmpstr (heyai_scene_get_description (scene), ==,
                   "Una isla de piedra en mitad del Atlántico. Niebla. Un faro apagado desde hace cuarenta años.");
  assert_contains (heyai_scene_get_image_prompt (scene), "Wide establishing shot.");
  assert_contains (heyai_scene_get_image_prompt (scene), "Un faro apagado");
  assert_contains (heyai_scene_get_image_prompt (scene), "Atmosphere: fog.");

  /* "sube la escalera" -> tilt up, and the motion prompt names what moves */
  scene = scene_at (scenes, 1);
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_TILT_UP);
  assert_contains (heyai_scene_get_motion_prompt (scene), "Slow tilt up.");
  assert_contains (heyai_scene_get_motion_prompt (scene), "sube la escalera de caracol");

  /* quoted speech stays quoted */
  assert_contains (heyai_scene_get_description (scene_at (scenes, 2)),
                   "\"Si la luz vuelve a encenderse, no vengas\"");

  /* "Esa misma noche" sets the time for the scenes after it; "barre" pans */
  scene = scene_at (scenes, 3);
  assert_contains (heyai_scene_get_image_prompt (scene), "At night.");
  g_assert_true (heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_LEFT ||
                 heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_RIGHT);

  /* "cruza" pans; the storm is in the prompt */
  scene = scene_at (scenes, 4);
  g_assert_true (heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_LEFT ||
                 heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_RIGHT);
  assert_contains (heyai_scene_get_image_prompt (scene), "storm and lightning");
  assert_contains (heyai_scene_get_motion_prompt (scene), "cruza la tormenta");

  /* the final shot pushes in; the closing title card is part of it */
  scene = scene_at (scenes, 6);
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_PUSH_IN);
  assert_contains (heyai_scene_get_excerpt (scene), "Título: EL ÚLTIMO FARO. Solo en cines.");
  assert_contains (heyai_scene_get_description (scene), "Título: EL ÚLTIMO FARO. Solo en cines.");
  /* the end card is not painted into the still; the motion ends on it */
  g_assert_null (strstr (heyai_scene_get_image_prompt (scene), "Título"));
  assert_contains (heyai_scene_get_motion_prompt (scene),
                   "Ends on the title card \"EL ÚLTIMO FARO. Solo en cines.\"");
}

static void
test_fountain_sample (void)
{
  g_autofree char *script = load_sample ("night-shift.fountain");
  g_autoptr(HeyaiProject) project = make_project (script, "Cold fluorescent greens, handheld, 1990s thriller",
                                                  HEYAI_ASPECT_9_16);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);
  static const char *const titles[] = {
    "Hospital Corridor — night",
    "Hospital Rooftop — continuous",
    "Elevator — night",
    "Flashback — Amara as a Child",
    "City Skyline — dawn",
  };
  HeyaiScene *scene;
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, G_N_ELEMENTS (titles));
  assert_common (scenes, project, "vertical 9:16 frame");

  for (i = 0; i < scenes->len; i++)
    g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, i)), ==, titles[i]);

  scene = scene_at (scenes, 0);
  g_assert_true (g_str_has_prefix (heyai_scene_get_excerpt (scene), "INT. HOSPITAL CORRIDOR - NIGHT\n\n"));
  g_assert_cmpstr (heyai_scene_get_description (scene), ==,
                   "Fluorescent lights flicker. DR. AMARA OKAFOR (40s) walks fast, coffee in hand. "
                   "Amara: “Who moved the patient in room twelve?”");
  assert_contains (heyai_scene_get_image_prompt (scene), "Interior, hospital corridor, at night.");
  /* "walks" pans */
  g_assert_true (heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_LEFT ||
                 heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_RIGHT);
  assert_contains (heyai_scene_get_motion_prompt (scene), "walks fast");
  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 10);

  /* CONTINUOUS keeps the night; rain is weather; "lands" tilts down */
  scene = scene_at (scenes, 1);
  assert_contains (heyai_scene_get_image_prompt (scene), "Exterior, hospital rooftop, at night.");
  assert_contains (heyai_scene_get_image_prompt (scene), "Atmosphere: rain.");
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_TILT_DOWN);
  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 5);

  /* forced heading: no interior/exterior */
  scene = scene_at (scenes, 3);
  assert_contains (heyai_scene_get_image_prompt (scene), "A small girl draws the same helicopter with a red crayon.");
  g_assert_null (strstr (heyai_scene_get_image_prompt (scene), "Interior"));

  /* the centered title cards close the last scene */
  scene = scene_at (scenes, 4);
  g_assert_cmpstr (heyai_scene_get_description (scene), ==,
                   "Every window of the hospital is dark except one. Title card: NIGHT SHIFT / THIS WINTER.");
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_PUSH_IN);
  assert_contains (heyai_scene_get_motion_prompt (scene), "Ends on the title card \"NIGHT SHIFT / THIS WINTER\". Subtle natural motion");
  assert_contains (heyai_scene_get_image_prompt (scene), "Exterior, city skyline, at dawn.");
  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 10);
}

static void
test_aspect_and_no_style (void)
{
  g_autoptr(HeyaiProject) project = make_project ("A cat walks along a wall at sunset, tail high, watching the harbour lights.",
                                                  NULL, HEYAI_ASPECT_1_1);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 1);
  assert_common (scenes, project, "square 1:1 frame");
  g_assert_null (strstr (heyai_scene_get_image_prompt (scene_at (scenes, 0)), "Style:"));
  assert_contains (heyai_scene_get_image_prompt (scene_at (scenes, 0)), "At dusk.");
}

static void
test_title_card_scene (void)
{
  g_autoptr(HeyaiProject) project = make_project (
    "Title: Cards\n\n"
    "INT. ROOM - DAY\n\nA clock ticks on the wall while the dust settles slowly over everything.\n\n"
    "EXT. VOID\n\n> COMING SOON <\n",
    "Black and white", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);
  HeyaiScene *scene;

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 2);
  assert_common (scenes, project, "cinematic 16:9 frame");
  scene = scene_at (scenes, 1);
  g_assert_cmpstr (heyai_scene_get_title (scene), ==, "Void");
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_STATIC);
  g_assert_true (g_str_has_prefix (heyai_scene_get_image_prompt (scene),
                                   "Title card. Bold cinematic lettering on black reading \"COMING SOON\". Style: Black and white."));
  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 5);
}

static void
test_style_and_empty_heading (void)
{
  const char *style = "Look: grainy 16 mm, cold blues.\nCharacters:\n  - NOOR: 30s, red scarf\n  - ELI: 60s, cane";
  g_autoptr(HeyaiProject) project = make_project (
    "INT. TRAIN STATION - NIGHT\n\n"
    "EXT. PLATFORM 9 - NIGHT\n\nNoor runs along the platform as the last train pulls away into the snow.\n",
    style, HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);
  HeyaiScene *scene;

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 2);
  /* the multi-line style bible is in every prompt as written */
  assert_common (scenes, project, "cinematic 16:9 frame");

  /* a heading with nothing under it still gets a description */
  scene = scene_at (scenes, 0);
  g_assert_cmpstr (heyai_scene_get_title (scene), ==, "Train Station — night");
  g_assert_cmpstr (heyai_scene_get_description (scene), ==, "Train Station — night.");
  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 5);

  scene = scene_at (scenes, 1);
  g_assert_cmpstr (heyai_scene_get_title (scene), ==, "Platform 9 — night");
  assert_contains (heyai_scene_get_image_prompt (scene), "Atmosphere: snow.");
  g_assert_true (heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_LEFT ||
                 heyai_scene_get_camera_move (scene) == HEYAI_CAMERA_PAN_RIGHT);
}

static gboolean
scenes_equal (GPtrArray *a,
              GPtrArray *b)
{
  guint i;

  if (a->len != b->len)
    return FALSE;

  for (i = 0; i < a->len; i++)
    {
      HeyaiScene *x = g_ptr_array_index (a, i);
      HeyaiScene *y = g_ptr_array_index (b, i);

      if (g_strcmp0 (heyai_scene_get_title (x), heyai_scene_get_title (y)) != 0 ||
          g_strcmp0 (heyai_scene_get_excerpt (x), heyai_scene_get_excerpt (y)) != 0 ||
          g_strcmp0 (heyai_scene_get_description (x), heyai_scene_get_description (y)) != 0 ||
          g_strcmp0 (heyai_scene_get_image_prompt (x), heyai_scene_get_image_prompt (y)) != 0 ||
          g_strcmp0 (heyai_scene_get_motion_prompt (x), heyai_scene_get_motion_prompt (y)) != 0 ||
          heyai_scene_get_camera_move (x) != heyai_scene_get_camera_move (y) ||
          heyai_scene_get_duration (x) != heyai_scene_get_duration (y) ||
          heyai_scene_get_position (x) != heyai_scene_get_position (y))
        return FALSE;
    }

  return TRUE;
}

static void
test_deterministic (void)
{
  const char *names[] = { "el-ultimo-faro.txt", "night-shift.fountain" };
  gsize n;

  for (n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autofree char *script = load_sample (names[n]);
      g_autoptr(HeyaiProject) project = make_project (script, STYLE, HEYAI_ASPECT_16_9);
      g_autoptr(HeyaiLlm) llm1 = heyai_llm_offline_new ();
      g_autoptr(HeyaiLlm) llm2 = heyai_llm_offline_new ();
      g_autoptr(GPtrArray) a = run_split (llm1, project, NULL, FALSE, NULL);
      g_autoptr(GPtrArray) b = run_split (llm1, project, NULL, FALSE, NULL);
      g_autoptr(GPtrArray) c = run_split (llm2, project, NULL, FALSE, NULL);
      g_autoptr(HeyaiProject) other = make_project (script, "Bright pastel animation", HEYAI_ASPECT_16_9);
      g_autoptr(GPtrArray) d = run_split (llm2, other, NULL, FALSE, NULL);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
      g_assert_nonnull (c);
      g_assert_true (scenes_equal (a, b));
      g_assert_true (scenes_equal (a, c));
      /* and the test can tell a difference */
      g_assert_false (scenes_equal (a, d));
    }
}

static void
test_cancel (void)
{
  g_autofree char *script = load_sample ("night-shift.fountain");
  g_autoptr(HeyaiProject) project = make_project (script, STYLE, HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  /* cancelled before the call */
  g_cancellable_cancel (cancellable);
  scenes = run_split (llm, project, cancellable, FALSE, &error);
  g_assert_null (scenes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* cancelled after the call, before completion */
  g_cancellable_reset (cancellable);
  scenes = run_split (llm, project, cancellable, TRUE, &error);
  g_assert_null (scenes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* the same objects still work afterwards */
  g_cancellable_reset (cancellable);
  scenes = run_split (llm, project, cancellable, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 5);
}

static void
test_parser_errors (void)
{
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  const char *bad[] = { "", "   \n\n\t  ", "Title: Only a title page\nCredit: nobody\n" };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(HeyaiProject) project = make_project (bad[i], STYLE, HEYAI_ASPECT_16_9);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);

      g_assert_null (scenes);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
    }
}

static void
test_cap (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  guint headings = 0;
  guint merged = 0;
  guint i;

  for (i = 1; i <= 200; i++)
    {
      g_string_append_printf (s, "EXT. STREET %u - NIGHT\n\n", i);
      /* every fifth scene is long */
      if (i % 5 == 0)
        g_string_append (s, "A long procession of lanterns moves slowly down the hill while the bells "
                            "of the old church ring out over the sleeping town and the river.\n\n");
      else
        g_string_append_printf (s, "A door opens (%u).\n\n", i);
    }

  project = make_project (s->str, STYLE, HEYAI_ASPECT_16_9);
  scenes = run_split (llm, project, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, HEYAI_LLM_OFFLINE_MAX_SCENES);
  assert_common (scenes, project, "cinematic 16:9 frame");

  for (i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = scene_at (scenes, i);
      const char *p = heyai_scene_get_excerpt (scene);

      while ((p = strstr (p, "EXT. STREET ")) != NULL)
        {
          headings++;
          p++;
        }
      if (strstr (heyai_scene_get_description (scene), "Merged from script scenes") != NULL)
        merged++;
    }

  /* nothing lost, every merge said so */
  g_assert_cmpuint (headings, ==, 200);
  g_assert_cmpuint (merged, >, 0);
  g_assert_cmpuint (merged, <=, HEYAI_LLM_OFFLINE_MAX_SCENES);
  /* the first excerpt starts with the first scene, the last ends with the last */
  g_assert_true (g_str_has_prefix (heyai_scene_get_excerpt (scene_at (scenes, 0)), "EXT. STREET 1 - NIGHT"));
  assert_contains (heyai_scene_get_excerpt (scene_at (scenes, scenes->len - 1)), "EXT. STREET 200 - NIGHT");
}

static void
test_cap_ties (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  guint i;

  /* 62 scenes of the same length (2 s each): the leftmost shortest merges
   * with its right neighbour, twice: scenes 1-2, then (1-2 now 4 s) 3-4. */
  for (i = 1; i <= 62; i++)
    g_string_append_printf (s, "EXT. STREET %u - NIGHT\n\nA door opens.\n\n", i);

  project = make_project (s->str, STYLE, HEYAI_ASPECT_16_9);
  scenes = run_split (llm, project, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 60);

  assert_contains (heyai_scene_get_description (scene_at (scenes, 0)),
                   "Merged from script scenes 1–2 (the offline splitter makes at most 60 scenes).");
  assert_contains (heyai_scene_get_description (scene_at (scenes, 1)), "Merged from script scenes 3–4");
  g_assert_true (g_str_has_prefix (heyai_scene_get_excerpt (scene_at (scenes, 1)), "EXT. STREET 3 - NIGHT"));
  g_assert_true (g_str_has_prefix (heyai_scene_get_excerpt (scene_at (scenes, 2)), "EXT. STREET 5 - NIGHT"));
  g_assert_null (strstr (heyai_scene_get_description (scene_at (scenes, 2)), "Merged"));
  g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, 0)), ==, "Street 1 — night");
  g_assert_cmpint (heyai_scene_get_duration (scene_at (scenes, 0)), ==, 5);
  g_assert_cmpint (heyai_scene_get_duration (scene_at (scenes, 1)), ==, 5);
}

/* Random scripts: every reply is either the parser's error or scenes that
 * hold the splitter's promises. */
static void
test_random (void)
{
  static const char *const pieces[] = {
    "INT. ROOM - DAY", "EXT. BEACH — NOCHE", ".FLASHBACK", "CUT TO:", "> TITLE <", "BOB", "BOB ^",
    "(beat)", "Hello there, how are you?", "She walks to the window. It rains.", "Él sube. Cae la noche.",
    "[[note]]", "Title: T", "Dr. Who runs!", "…", "“Quoted,” she says.", "A", "É", "—", "Ñ",
    "Averyveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutanyspaceatallreally.",
    "Final. Silence. Título: FIN.", "Plano final:", ", , ,", ". . .", "\"\"", "(", "INT. - -",
    "EXT. A - B - C - DAWN", "int./ext. car - moving", "I/E ROOM", "EST. 1990", "",
  };
  static const char *const breaks[] = { "\n", "\n\n", "\n\n\n", " " };
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  guint iteration;

  for (iteration = 0; iteration < 300; iteration++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autoptr(HeyaiProject) project = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) scenes = NULL;
      guint n = g_test_rand_int_range (1, 30);
      guint i;

      for (i = 0; i < n; i++)
        {
          g_string_append (s, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
          g_string_append (s, breaks[g_test_rand_int_range (0, G_N_ELEMENTS (breaks))]);
        }

      project = make_project (s->str, "Style X", (HeyaiAspect) g_test_rand_int_range (0, 3));
      scenes = run_split (llm, project, NULL, FALSE, &error);
      if (scenes == NULL)
        {
          g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
          continue;
        }

      g_assert_cmpuint (scenes->len, >, 0);
      g_assert_cmpuint (scenes->len, <=, HEYAI_LLM_OFFLINE_MAX_SCENES);
      for (i = 0; i < scenes->len; i++)
        {
          HeyaiScene *scene = scene_at (scenes, i);
          const char *fields[] = {
            heyai_scene_get_title (scene), heyai_scene_get_excerpt (scene),
            heyai_scene_get_description (scene), heyai_scene_get_image_prompt (scene),
            heyai_scene_get_motion_prompt (scene),
          };
          gsize f;

          for (f = 0; f < G_N_ELEMENTS (fields); f++)
            {
              if (fields[f] == NULL || *fields[f] == '\0')
                g_error ("scene %u field %" G_GSIZE_FORMAT " is empty; script:\n%s", i, f, s->str);
              g_assert_true (g_utf8_validate (fields[f], -1, NULL));
            }
          g_assert_cmpint (g_utf8_strlen (heyai_scene_get_title (scene), -1), <=, 48);
          g_assert_cmpint (g_utf8_strlen (heyai_scene_get_description (scene), -1), <=, 300);
          assert_contains (heyai_scene_get_image_prompt (scene), "Style X");
          g_assert_true (heyai_scene_get_duration (scene) == 5 || heyai_scene_get_duration (scene) == 10);
          g_assert_cmpint (heyai_scene_get_position (scene), ==, (int) i + 1);
        }
    }
}


/* A Spanish trailer without headings: titles and descriptions in Spanish,
 * image and motion prompts in English; no markup anywhere. */
static void
test_spanish_trailer (void)
{
  static const char script[] =
    "> NEGRO <\n"
    "\n"
    "NARRADORA (V.O.)\n"
    "En una isla sin nombre, la luz se apagó hace cuarenta años.\n"
    "\n"
    "> EL ÚLTIMO FARO <\n"
    "\n"
    "Marta sube la escalera de caracol con una linterna de aceite. Cada peldaño cruje.\n"
    "\n"
    "MARTA\n"
    "(en voz baja)\n"
    "“¿Dónde estás, Leo?”\n"
    "\n"
    "[[nota: rodar con niebla]]\n"
    "\n"
    "> PRÓXIMAMENTE <\n";
  g_autoptr(HeyaiProject) project = make_project (script, "", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 4);
  assert_common (scenes, project, "cinematic 16:9 frame");

  g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, 0)), ==, "Rótulo: NEGRO");
  g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, 1)), ==, "Rótulo: EL ÚLTIMO FARO");
  g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, 2)), ==, "Marta sube la escalera de caracol");
  assert_contains (heyai_scene_get_description (scene_at (scenes, 0)), "Narradora: “En una isla sin nombre");
  assert_contains (heyai_scene_get_description (scene_at (scenes, 3)), "Rótulo: PRÓXIMAMENTE");

  for (i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = scene_at (scenes, i);
      const char *fields[] = { heyai_scene_get_title (scene), heyai_scene_get_description (scene),
                               heyai_scene_get_excerpt (scene), heyai_scene_get_image_prompt (scene),
                               heyai_scene_get_motion_prompt (scene) };

      /* English words of the splitter's own never reach a Spanish title */
      g_assert_null (strstr (heyai_scene_get_title (scene), "Title card"));
      g_assert_null (strstr (heyai_scene_get_description (scene), "Title card"));
      for (guint j = 0; j < G_N_ELEMENTS (fields); j++)
        {
          g_assert_null (strstr (fields[j], "> "));
          g_assert_null (strstr (fields[j], " <"));
          g_assert_null (strstr (fields[j], "[["));
          g_assert_null (strstr (fields[j], "nota: rodar"));
        }
    }

  /* the prompts for the image and video models stay English */
  assert_contains (heyai_scene_get_image_prompt (scene_at (scenes, 0)), "Title card.");
  assert_contains (heyai_scene_get_image_prompt (scene_at (scenes, 2)), "Medium close-up.");
  assert_contains (heyai_scene_get_image_prompt (scene_at (scenes, 2)), "Film still");
  /* a quoted line is quoted once */
  assert_contains (heyai_scene_get_description (scene_at (scenes, 2)), "Marta: “¿Dónde estás, Leo?”");
}

/* Titles from headings keep initials, abbreviations and possessives. */
static void
test_heading_title_case (void)
{
  static const char script[] =
    "INT. A.P. NEWSROOM - DAY\n\nPhones ring off the hook while editors shout across the desks.\n\n"
    "INT. JENNY HILL'S KITCHEN - NIGHT\n\nJenny pours a coffee and stares at the dark window.\n\n"
    "I./E. U.S. EMBASSY CAR - NIGHT\n\nThe car pulls away from the gate in the rain.\n";
  g_autoptr(HeyaiProject) project = make_project (script, "", HEYAI_ASPECT_16_9);
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = run_split (llm, project, NULL, FALSE, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, 0)), ==, "A.P. Newsroom — day");
  g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, 1)), ==, "Jenny Hill's Kitchen — night");
  g_assert_cmpstr (heyai_scene_get_title (scene_at (scenes, 2)), ==, "U.S. Embassy Car — night");
  /* the setting in the prompt keeps the initials too */
  assert_contains (heyai_scene_get_image_prompt (scene_at (scenes, 0)), "A.P.");
  assert_contains (heyai_scene_get_image_prompt (scene_at (scenes, 2)), "Interior and exterior");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/LlmOffline/names", test_names);
  g_test_add_func ("/LlmOffline/prose-sample", test_prose_sample);
  g_test_add_func ("/LlmOffline/fountain-sample", test_fountain_sample);
  g_test_add_func ("/LlmOffline/aspect-no-style", test_aspect_and_no_style);
  g_test_add_func ("/LlmOffline/title-card-scene", test_title_card_scene);
  g_test_add_func ("/LlmOffline/style-empty-heading", test_style_and_empty_heading);
  g_test_add_func ("/LlmOffline/deterministic", test_deterministic);
  g_test_add_func ("/LlmOffline/cancel", test_cancel);
  g_test_add_func ("/LlmOffline/parser-errors", test_parser_errors);
  g_test_add_func ("/LlmOffline/cap", test_cap);
  g_test_add_func ("/LlmOffline/cap-ties", test_cap_ties);
  g_test_add_func ("/LlmOffline/random", test_random);

  g_test_add_func ("/LlmOffline/spanish-trailer", test_spanish_trailer);
  g_test_add_func ("/LlmOffline/heading-title-case", test_heading_title_case);

  return g_test_run ();
}
