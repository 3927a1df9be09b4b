/* heyai-animator-offline.h: the offline animator ("offline", model
 * "ken-burns-1"): a Ken Burns pan/zoom clip from the still, encoded with
 * GStreamer (H.264 in MP4, or VP8 in WebM when x264enc/mp4mux are missing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"

G_BEGIN_DECLS

#define HEYAI_KEN_BURNS_FPS 24

#define HEYAI_TYPE_ANIMATOR_OFFLINE (heyai_animator_offline_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiAnimatorOffline, heyai_animator_offline, HEYAI, ANIMATOR_OFFLINE, GObject)

HeyaiAnimator *heyai_animator_offline_new (void);

/* The encoder chain shared by the animator and its benchmark, as a
 * gst_parse_launch() fragment ("videoconvert ! ... ! mp4mux"): raw video in,
 * muxed bytes out.  @extension (optional) receives "mp4" or "webm".
 * Returns NULL with a clear error when the needed GStreamer plugins are missing. */
const char *heyai_ken_burns_encoder_description (const char **extension,
                                                 GError     **error);

typedef void (*HeyaiKenBurnsProgressFunc) (double   fraction,
                                           gpointer user_data);

/* Synchronous core of the animator (call it from a worker thread): renders
 * @seconds * 24 frames of a Ken Burns move over @still_path (PNG via cairo,
 * anything else through a GStreamer decoder) and writes exactly @out_path.
 * The clip has the still's size rounded down to even numbers (long side at
 * most 1920).  On error or cancellation @out_path is deleted. */
gboolean    heyai_ken_burns_render              (const char                *still_path,
                                                 const char                *out_path,
                                                 HeyaiCameraMove            move,
                                                 int                        seconds,
                                                 int                       *out_width,
                                                 int                       *out_height,
                                                 HeyaiKenBurnsProgressFunc  progress,
                                                 gpointer                   progress_data,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);

G_END_DECLS
