/* heyai-player.h: the clip player (GtkMediaFile on GStreamer) with its own
 * transport: play/pause, frame step, loop, mute, scrub, position/duration.
 * Stills (animatic scenes without a clip) play for their duration.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEYAI_PLAYER_FRAME_USEC (G_USEC_PER_SEC / 24)

#define HEYAI_TYPE_PLAYER (heyai_player_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiPlayer, heyai_player, HEYAI, PLAYER, GtkWidget)

/* Signals: "ended" (the clip or still finished; not emitted while looping). */

GtkWidget      *heyai_player_new          (void);
void            heyai_player_set_file     (HeyaiPlayer  *self,
                                           const char   *path);
/* Shows @paintable for @seconds as if it were a clip. */
void            heyai_player_show_still   (HeyaiPlayer  *self,
                                           GdkPaintable *paintable,
                                           double        seconds);
void            heyai_player_clear        (HeyaiPlayer  *self);
void            heyai_player_play         (HeyaiPlayer  *self);
void            heyai_player_pause        (HeyaiPlayer  *self);
void            heyai_player_toggle       (HeyaiPlayer  *self);
/* Pauses and moves @frames frames (1/24 s each) back or forward. */
void            heyai_player_step         (HeyaiPlayer  *self,
                                           int           frames);
void            heyai_player_set_loop     (HeyaiPlayer  *self,
                                           gboolean      loop);
gboolean        heyai_player_get_playing  (HeyaiPlayer  *self);
gint64          heyai_player_get_duration (HeyaiPlayer  *self);
gint64          heyai_player_get_position (HeyaiPlayer  *self);
GtkMediaStream *heyai_player_get_stream   (HeyaiPlayer  *self);
/* Puts keyboard focus on the play button (Space, Left and Right then work). */
void            heyai_player_focus        (HeyaiPlayer  *self);

G_END_DECLS
