/* heyai-scene-pane.h: the storyboard's side pane for the selected scene.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_SCENE_PANE (heyai_scene_pane_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiScenePane, heyai_scene_pane, HEYAI, SCENE_PANE, GtkWidget)

void        heyai_scene_pane_set_scene  (HeyaiScenePane *self,
                                         HeyaiScene     *scene);
HeyaiScene *heyai_scene_pane_get_scene  (HeyaiScenePane *self);
/* Saves edited fields now. */
void        heyai_scene_pane_flush      (HeyaiScenePane *self);
/* Re-reads takes and media (a new take landed). */
void        heyai_scene_pane_refresh    (HeyaiScenePane *self);
/* The tooltip of a take button: "Still take 2 · made 14:05 with
 * Higgsfield" ("imported" for a take the producer brought). */
char       *heyai_scene_pane_take_tooltip (HeyaiAsset   *asset,
                                           gboolean      in_use);

G_END_DECLS
