/* heyai-imager-offline.h: the offline imager ("offline", model
 * "storyboard-frame-1"): a composed storyboard frame per scene, drawn with
 * cairo and Pango, at the project's aspect ratio.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include "heyai-providers.h"

G_BEGIN_DECLS

#define HEYAI_STORYBOARD_LONG_SIDE 1280

#define HEYAI_TYPE_IMAGER_OFFLINE (heyai_imager_offline_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiImagerOffline, heyai_imager_offline, HEYAI, IMAGER_OFFLINE, GObject)

HeyaiImager *heyai_imager_offline_new (void);

/* What a storyboard frame shows: plain copies of the scene's fields, so it
 * can be drawn in any thread. */
typedef struct
{
  int              position;
  int              take;          /* 1-based */
  char            *title;
  char            *description;
  char            *prompt;        /* the image prompt (drives the palette) */
  HeyaiCameraMove  move;
  int              duration;      /* seconds */
  HeyaiAspect      aspect;
  char            *language;      /* of the words drawn ("es", "en"); NULL: the locale's */
  char            *cast;          /* the cast's names ("Mara · Lighthouse"), or NULL */
} HeyaiStoryboardSpec;

HeyaiStoryboardSpec *heyai_storyboard_spec_new_from_scene (HeyaiProject        *project,
                                                           HeyaiScene          *scene,
                                                           int                  take);
void                 heyai_storyboard_spec_free           (HeyaiStoryboardSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiStoryboardSpec, heyai_storyboard_spec_free)

/* The seed recorded for a frame: a hash of the prompt (or description) and
 * the take, >= 0. */
gint64           heyai_storyboard_seed   (const HeyaiStoryboardSpec *spec);
/* Draws the frame into a new RGB24 surface of @width x @height (thread-safe). */
cairo_surface_t *heyai_storyboard_render (const HeyaiStoryboardSpec *spec,
                                          int                        width,
                                          int                        height);

G_END_DECLS
