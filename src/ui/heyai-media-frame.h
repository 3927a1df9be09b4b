/* heyai-media-frame.h: a bin whose natural size is its size request, so a
 * picture or video inside never asks for the size of the image it shows
 * (cards stay card-sized; the scene pane keeps its width).  Clips its child.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEYAI_TYPE_MEDIA_FRAME (heyai_media_frame_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiMediaFrame, heyai_media_frame, HEYAI, MEDIA_FRAME, GtkWidget)

GtkWidget *heyai_media_frame_new       (void);
void       heyai_media_frame_set_child (HeyaiMediaFrame *self,
                                        GtkWidget       *child);
GtkWidget *heyai_media_frame_get_child (HeyaiMediaFrame *self);

G_END_DECLS
