/* heyai-cast-editor.h: a scene's cast in the scene pane: the bible entries
 * in the scene (remove one, add another), "New Bible Entry From This
 * Still…", "Continue From Previous Shot", and the "References not
 * applied: text only" chip of the scene's still.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_CAST_EDITOR (heyai_cast_editor_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiCastEditor, heyai_cast_editor, HEYAI, CAST_EDITOR, AdwBin)

GtkWidget  *heyai_cast_editor_new        (void);
void        heyai_cast_editor_set_scene  (HeyaiCastEditor *self,
                                          HeyaiScene      *scene);
void        heyai_cast_editor_refresh    (HeyaiCastEditor *self);
/* Adds (@present) or removes the entry named @name (for the menu and tests). */
gboolean    heyai_cast_editor_toggle     (HeyaiCastEditor *self,
                                          const char      *name,
                                          gboolean         present);
/* The names in the cast, ", "-separated, and the references chip text (or
 * NULL when hidden), for tests. */
char       *heyai_cast_editor_dup_names  (HeyaiCastEditor *self);
const char *heyai_cast_editor_get_chip   (HeyaiCastEditor *self);
/* "Continue from previous shot" (heyai_store_set_scene_continues). */
gboolean    heyai_cast_editor_get_continues (HeyaiCastEditor *self);
void        heyai_cast_editor_set_continues (HeyaiCastEditor *self,
                                             gboolean         continues);
/* "End on next shot's still" (heyai_store_set_scene_ends_on_next). */
gboolean    heyai_cast_editor_get_ends_on_next (HeyaiCastEditor *self);
void        heyai_cast_editor_set_ends_on_next (HeyaiCastEditor *self,
                                                gboolean         ends_on_next);

G_END_DECLS
