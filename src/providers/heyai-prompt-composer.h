/* heyai-prompt-composer.h: the one place where what a scene says becomes
 * the text a provider is sent — the image prompt for an imager, the motion
 * prompt for an animator, the style sentence an image prompt carries.
 *
 * Every provider (offline included) composes through here, so a change to
 * how prompts are made (the reference bible of characters, locations and
 * props is next) is made once.  The input is a struct so it can grow: a
 * caller fills it with heyai_prompt_parts_init() and may then adjust it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-core.h"

G_BEGIN_DECLS

typedef struct
{
  /* From the project. */
  const char      *style;          /* the style bible, NULL or "" for none */
  /* From the scene. */
  const char      *image_prompt;
  const char      *motion_prompt;
  HeyaiCameraMove  camera;
  /* Composition options. */
  gboolean         style_in_image;     /* append "Style: …" to the image prompt (the
                                        * LLM usually wrote the style into it already) */
  gboolean         camera_in_motion;   /* append the camera move as a sentence ("Camera:
                                        * slow push-in.") to the motion prompt */
  guint            max_chars;          /* cut the result at this many characters (0: none) */
  /* From the reference bible: "Name: description" for each entry of the
   * scene's cast (heyai_scene_get_cast_notes), written into the image and
   * motion prompts; NULL for none. */
  const char * const *cast_notes;
  gpointer         reserved[3];
} HeyaiPromptParts;

void  heyai_prompt_parts_init       (HeyaiPromptParts *parts,
                                     HeyaiProject     *project,
                                     HeyaiScene       *scene);
char *heyai_prompt_compose_image    (const HeyaiPromptParts *parts);
char *heyai_prompt_compose_motion   (const HeyaiPromptParts *parts);
/* "Style: <the style bible, trimmed>", or NULL for no style. */
char *heyai_prompt_style_sentence   (const char *style);
/* The camera move as an English sentence for a motion prompt. */
const char *heyai_prompt_camera_sentence (HeyaiCameraMove camera);

G_END_DECLS
