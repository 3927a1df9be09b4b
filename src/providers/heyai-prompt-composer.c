/* heyai-prompt-composer.c: image and motion prompts from a scene.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-prompt"

#include <string.h>

#include "heyai-prompt-composer.h"

void
heyai_prompt_parts_init (HeyaiPromptParts *parts,
                         HeyaiProject     *project,
                         HeyaiScene       *scene)
{
  g_return_if_fail (parts != NULL);
  g_return_if_fail (project == NULL || HEYAI_IS_PROJECT (project));
  g_return_if_fail (scene == NULL || HEYAI_IS_SCENE (scene));

  memset (parts, 0, sizeof *parts);
  parts->camera = HEYAI_CAMERA_STATIC;
  if (project != NULL)
    parts->style = heyai_project_get_style (project);
  if (scene != NULL)
    {
      parts->image_prompt = heyai_scene_get_image_prompt (scene);
      parts->motion_prompt = heyai_scene_get_motion_prompt (scene);
      parts->camera = heyai_scene_get_camera_move (scene);
      parts->cast_notes = heyai_scene_get_cast_notes (scene);
    }
}

const char *
heyai_prompt_camera_sentence (HeyaiCameraMove camera)
{
  switch (camera)
    {
    case HEYAI_CAMERA_STATIC:
      return "Static camera.";
    case HEYAI_CAMERA_PUSH_IN:
      return "Camera: slow push-in.";
    case HEYAI_CAMERA_PULL_OUT:
      return "Camera: slow pull-out.";
    case HEYAI_CAMERA_PAN_LEFT:
      return "Camera: slow pan left.";
    case HEYAI_CAMERA_PAN_RIGHT:
      return "Camera: slow pan right.";
    case HEYAI_CAMERA_TILT_UP:
      return "Camera: slow tilt up.";
    case HEYAI_CAMERA_TILT_DOWN:
      return "Camera: slow tilt down.";
    default:
      return NULL;
    }
}

/* Appends @text (trimmed) to @out as its own sentence. */
static void
append_part (GString    *out,
             const char *text)
{
  g_autofree char *trimmed = NULL;

  if (text == NULL)
    return;
  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    return;
  if (out->len > 0)
    {
      char last = out->str[out->len - 1];

      if (last != '.' && last != '!' && last != '?')
        g_string_append_c (out, '.');
      g_string_append_c (out, ' ');
    }
  g_string_append (out, trimmed);
}

/* The bible entries of the scene, one sentence each. */
static void
append_cast (GString            *out,
             const char * const *notes)
{
  for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
    append_part (out, notes[i]);
}

static char *
finish (GString *out,
        guint    max_chars)
{
  if (max_chars > 0 && g_utf8_strlen (out->str, -1) > (glong) max_chars)
    g_string_truncate (out, g_utf8_offset_to_pointer (out->str, max_chars) - out->str);
  return g_string_free (out, FALSE);
}

char *
heyai_prompt_style_sentence (const char *style)
{
  g_autofree char *trimmed = NULL;

  if (style == NULL)
    return NULL;
  /* As written (trimmed): the producer's words are the style. */
  trimmed = g_strstrip (g_strdup (style));
  if (*trimmed == '\0')
    return NULL;
  return g_strdup_printf ("Style: %s", trimmed);
}

char *
heyai_prompt_compose_image (const HeyaiPromptParts *parts)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (parts != NULL, NULL);

  append_part (out, parts->image_prompt);
  append_cast (out, parts->cast_notes);
  if (parts->style_in_image)
    {
      g_autofree char *style = heyai_prompt_style_sentence (parts->style);
      append_part (out, style);
    }
  return finish (out, parts->max_chars);
}

char *
heyai_prompt_compose_motion (const HeyaiPromptParts *parts)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (parts != NULL, NULL);

  append_part (out, parts->motion_prompt);
  append_cast (out, parts->cast_notes);
  if (parts->camera_in_motion)
    append_part (out, heyai_prompt_camera_sentence (parts->camera));
  return finish (out, parts->max_chars);
}
