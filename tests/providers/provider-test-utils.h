/* provider-test-utils.h: helpers shared by the provider tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include "heyai-core.h"
#include "heyai-providers.h"

G_BEGIN_DECLS

typedef struct
{
  guint   frames;        /* buffers that reached the sink */
  int     width;
  int     height;
  int     fps_n;
  int     fps_d;
  guint64 duration;      /* container duration (discoverer), ns */
  guint64 last_end;      /* PTS + duration of the last decoded frame, ns */
  char   *video_codec;   /* caps name of the encoded stream, e.g. "video/x-h264" */
  char   *profile;       /* H.264 profile, or NULL */
} ClipInfo;

void     clip_info_clear         (ClipInfo *info);
/* Decodes @path entirely (uridecodebin -> fakesink) and fills @info. */
gboolean probe_clip              (const char *path, ClipInfo *info, GError **error);
/* Recursively removes @path. */
void     rm_rf                   (const char *path);
/* Number of entries (hidden ones included) in @dir. */
guint    count_entries           (const char *dir);
/* Spins the default main context until *@done or @timeout_s pass. */
void     wait_for                (gboolean *done, int timeout_s);
/* A still for tests: a graded, textured image of @w x @h written as PNG. */
void     write_test_png          (const char *path, int w, int h);
/* Distinct colours (quantised to 4 bits a channel) and the luminance
 * standard deviation of an image surface. */
guint    surface_distinct_colours (cairo_surface_t *surface, double *luma_stddev);

HeyaiProject *make_project       (int number, const char *title, HeyaiAspect aspect);
HeyaiScene   *make_scene         (int position, const char *title, const char *description,
                                  HeyaiCameraMove move, int duration);
HeyaiJob     *make_job           (HeyaiJobKind kind, int take);

G_END_DECLS
