/* heyai-scene-card.h: one scene on the storyboard grid (recycled by GtkGridView).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "heyai-core.h"
#include "heyai-thumbnailer.h"

G_BEGIN_DECLS

/* Returns the local path of the scene's selected still, or NULL. */
typedef const char *(*HeyaiStillPathFunc) (HeyaiScene *scene,
                                           gpointer    user_data);

#define HEYAI_TYPE_SCENE_CARD (heyai_scene_card_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiSceneCard, heyai_scene_card, HEYAI, SCENE_CARD, GtkWidget)

GtkWidget  *heyai_scene_card_new            (HeyaiThumbnailer  *thumbnailer,
                                             HeyaiStillPathFunc path_func,
                                             gpointer           path_data);
void        heyai_scene_card_set_scene      (HeyaiSceneCard   *self,
                                             HeyaiScene       *scene);
HeyaiScene *heyai_scene_card_get_scene      (HeyaiSceneCard   *self);
void        heyai_scene_card_set_aspect     (HeyaiSceneCard   *self,
                                             HeyaiAspect       aspect);
/* Re-reads the still path (after a new take landed). */
void        heyai_scene_card_refresh_still  (HeyaiSceneCard   *self);
/* Tests: TRUE while a still is shown (not the text placeholder). */
gboolean    heyai_scene_card_has_still      (HeyaiSceneCard   *self);

G_END_DECLS
