/* heyai-clips-page.h: the Clips view of a project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_CLIPS_PAGE (heyai_clips_page_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiClipsPage, heyai_clips_page, HEYAI, CLIPS_PAGE, GtkWidget)

void          heyai_clips_page_set_project (HeyaiClipsPage *self,
                                             HeyaiProject *project);
HeyaiProject *heyai_clips_page_get_project (HeyaiClipsPage *self);
/* Saves pending edits now. */
void          heyai_clips_page_flush       (HeyaiClipsPage *self);
typedef struct _HeyaiPlayer HeyaiPlayer;
HeyaiPlayer  *heyai_clips_page_get_player (HeyaiClipsPage *self);
/* Plays every approved scene in order (clips, or stills for their duration). */
void          heyai_clips_page_play_animatic (HeyaiClipsPage *self);
void          heyai_clips_page_reload     (HeyaiClipsPage *self);

/* TRUE while the animatic plays (its button then reads "Stop Animatic"). */
gboolean      heyai_clips_page_get_animatic_playing (HeyaiClipsPage *self);

G_END_DECLS
