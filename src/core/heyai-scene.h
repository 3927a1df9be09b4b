/* heyai-scene.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_SCENE (heyai_scene_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiScene, heyai_scene, HEYAI, SCENE, GObject)

/* Properties: id, project-id, position (1-based int), title, excerpt (the source
 * text of the scene), description, image-prompt, motion-prompt, camera-move
 * (HeyaiCameraMove), duration (int seconds, 5 or 10), approval (HeyaiApproval),
 * status (HeyaiSceneStatus), last-error, image-take (int, selected take, 0 = none),
 * clip-take (int), progress (double 0..1, not stored), created-at (gint64 µs),
 * updated-at (HLC string), deleted (boolean). */

HeyaiScene      *heyai_scene_new                (void);
const char      *heyai_scene_get_id             (HeyaiScene *self);
void             heyai_scene_set_id             (HeyaiScene *self, const char *id);
const char      *heyai_scene_get_project_id     (HeyaiScene *self);
void             heyai_scene_set_project_id     (HeyaiScene *self, const char *id);
int              heyai_scene_get_position       (HeyaiScene *self);
void             heyai_scene_set_position       (HeyaiScene *self, int position);
const char      *heyai_scene_get_title          (HeyaiScene *self);
void             heyai_scene_set_title          (HeyaiScene *self, const char *title);
const char      *heyai_scene_get_excerpt        (HeyaiScene *self);
void             heyai_scene_set_excerpt        (HeyaiScene *self, const char *excerpt);
const char      *heyai_scene_get_description    (HeyaiScene *self);
void             heyai_scene_set_description    (HeyaiScene *self, const char *description);
const char      *heyai_scene_get_image_prompt   (HeyaiScene *self);
void             heyai_scene_set_image_prompt   (HeyaiScene *self, const char *prompt);
const char      *heyai_scene_get_motion_prompt  (HeyaiScene *self);
void             heyai_scene_set_motion_prompt  (HeyaiScene *self, const char *prompt);
const char      *heyai_scene_get_editor_note    (HeyaiScene *self);
void             heyai_scene_set_editor_note    (HeyaiScene *self, const char *note);
/* Not stored: the cast names the script analysis gave (LLM reply), and the
 * bible notes ("Name: description") the pipeline sets before a still or a
 * clip is made, for the prompt composer.  NULL when none. */
const char * const *heyai_scene_get_cast_names (HeyaiScene *self);
void             heyai_scene_set_cast_names     (HeyaiScene *self, const char * const *names);
const char * const *heyai_scene_get_cast_notes (HeyaiScene *self);
void             heyai_scene_set_cast_notes     (HeyaiScene *self, const char * const *notes);
HeyaiCameraMove  heyai_scene_get_camera_move    (HeyaiScene *self);
void             heyai_scene_set_camera_move    (HeyaiScene *self, HeyaiCameraMove move);
int              heyai_scene_get_duration       (HeyaiScene *self);
void             heyai_scene_set_duration       (HeyaiScene *self, int seconds);
HeyaiApproval    heyai_scene_get_approval       (HeyaiScene *self);
void             heyai_scene_set_approval       (HeyaiScene *self, HeyaiApproval approval);
HeyaiSceneStatus heyai_scene_get_status         (HeyaiScene *self);
void             heyai_scene_set_status         (HeyaiScene *self, HeyaiSceneStatus status);
const char      *heyai_scene_get_last_error     (HeyaiScene *self);
void             heyai_scene_set_last_error     (HeyaiScene *self, const char *message);
int              heyai_scene_get_image_take     (HeyaiScene *self);
void             heyai_scene_set_image_take     (HeyaiScene *self, int take);
int              heyai_scene_get_clip_take      (HeyaiScene *self);
void             heyai_scene_set_clip_take      (HeyaiScene *self, int take);
double           heyai_scene_get_progress       (HeyaiScene *self);
void             heyai_scene_set_progress       (HeyaiScene *self, double progress);
gint64           heyai_scene_get_created_at     (HeyaiScene *self);
void             heyai_scene_set_created_at     (HeyaiScene *self, gint64 created_at);
const char      *heyai_scene_get_updated_at     (HeyaiScene *self);
void             heyai_scene_set_updated_at     (HeyaiScene *self, const char *stamp);
gboolean         heyai_scene_get_deleted        (HeyaiScene *self);
void             heyai_scene_set_deleted        (HeyaiScene *self, gboolean deleted);

/* Copy every stored field (not id/project-id/position) from @other. */
void             heyai_scene_copy_content       (HeyaiScene *self, HeyaiScene *other);

G_END_DECLS
