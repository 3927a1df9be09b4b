/* test-prompt-composer.c: the one prompt composer every provider uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "heyai-core.h"
#include "heyai-prompt-composer.h"

static HeyaiScene *
make_scene (const char      *image,
            const char      *motion,
            HeyaiCameraMove  camera)
{
  HeyaiScene *scene = heyai_scene_new ();

  heyai_scene_set_image_prompt (scene, image);
  heyai_scene_set_motion_prompt (scene, motion);
  heyai_scene_set_camera_move (scene, camera);
  return scene;
}

static void
test_image (void)
{
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autoptr(HeyaiScene) scene = make_scene ("  A lighthouse at night, rain  ", "Waves roll.", HEYAI_CAMERA_PUSH_IN);
  HeyaiPromptParts parts;
  g_autofree char *plain = NULL;
  g_autofree char *styled = NULL;
  g_autofree char *cut = NULL;

  heyai_project_set_style (project, "\n Grainy 16 mm film, teal and orange.\n");
  heyai_prompt_parts_init (&parts, project, scene);
  g_assert_cmpint (parts.camera, ==, HEYAI_CAMERA_PUSH_IN);

  /* By default the prompt goes as the LLM (or the producer) wrote it. */
  plain = heyai_prompt_compose_image (&parts);
  g_assert_cmpstr (plain, ==, "A lighthouse at night, rain");

  parts.style_in_image = TRUE;
  styled = heyai_prompt_compose_image (&parts);
  g_assert_cmpstr (styled, ==, "A lighthouse at night, rain. Style: Grainy 16 mm film, teal and orange.");

  parts.max_chars = 5;
  cut = heyai_prompt_compose_image (&parts);
  g_assert_cmpstr (cut, ==, "A lig");
}

static void
test_motion (void)
{
  g_autoptr(HeyaiScene) scene = make_scene ("x", "The keeper climbs the stairs", HEYAI_CAMERA_TILT_UP);
  g_autoptr(HeyaiScene) empty = make_scene ("x", NULL, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiScene) unicode = make_scene ("x", "Él sube — despacio…", HEYAI_CAMERA_STATIC);
  HeyaiPromptParts parts;
  g_autofree char *bare = NULL;
  g_autofree char *with_camera = NULL;
  g_autofree char *only_camera = NULL;
  g_autofree char *cut = NULL;

  heyai_prompt_parts_init (&parts, NULL, scene);
  bare = heyai_prompt_compose_motion (&parts);
  g_assert_cmpstr (bare, ==, "The keeper climbs the stairs");
  parts.camera_in_motion = TRUE;
  with_camera = heyai_prompt_compose_motion (&parts);
  g_assert_cmpstr (with_camera, ==, "The keeper climbs the stairs. Camera: slow tilt up.");

  heyai_prompt_parts_init (&parts, NULL, empty);
  parts.camera_in_motion = TRUE;
  only_camera = heyai_prompt_compose_motion (&parts);
  g_assert_cmpstr (only_camera, ==, "Static camera.");

  /* Cut on characters, never inside a UTF-8 sequence. */
  heyai_prompt_parts_init (&parts, NULL, unicode);
  parts.max_chars = 8;
  cut = heyai_prompt_compose_motion (&parts);
  g_assert_cmpstr (cut, ==, "Él sube ");
  g_assert_true (g_utf8_validate (cut, -1, NULL));
}

static void
test_style_sentence (void)
{
  g_autofree char *style = heyai_prompt_style_sentence ("  Noir, high contrast ");

  g_assert_null (heyai_prompt_style_sentence (NULL));
  g_assert_null (heyai_prompt_style_sentence (" \n\t "));
  g_assert_cmpstr (style, ==, "Style: Noir, high contrast");
  for (int m = HEYAI_CAMERA_STATIC; m <= HEYAI_CAMERA_TILT_DOWN; m++)
    g_assert_nonnull (heyai_prompt_camera_sentence ((HeyaiCameraMove) m));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prompt-composer/image", test_image);
  g_test_add_func ("/prompt-composer/motion", test_motion);
  g_test_add_func ("/prompt-composer/style-sentence", test_style_sentence);
  return g_test_run ();
}
