/* heyai-media.h: safe media in and out (issue 13, point 5).
 *
 *  - heyai_media_fit_still(): a still as an animator may take it: the
 *    original when it already fits the limits (format, bytes, sizes,
 *    aspect), else a JPEG converted and scaled to fit, written next to it
 *    (the original is never touched: it stays the take).  WebP, a PNG over
 *    the byte limit, a still too small: converted.  A still whose shape is
 *    outside the aspect range is refused with a clear message (no crop yet).
 *  - heyai_media_probe_clip(): decodes? how long, how large, what rate?  A
 *    file that does not decode (12 bytes of junk, a cut download) is an
 *    error, never a clip.
 *
 * Both block (GStreamer): call them from a worker thread; the _async probe
 * runs in one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *label;        /* "Kling", for messages */
  gint64      max_bytes;    /* 0: no limit */
  int         min_side;     /* px, 0: none */
  int         max_side;     /* px, 0: none */
  double      min_aspect;   /* width / height, 0: none */
  double      max_aspect;   /* 0: none */
  gboolean    png_ok;       /* formats taken as they are */
  gboolean    jpeg_ok;
} HeyaiStillLimits;

/* Kling's image rules (API-CONTRACTS.md C.4 item 15): JPEG or PNG, at most
 * 10 MB, both sides at least 300 px, aspect 1:2.5 to 2.5:1. */
extern const HeyaiStillLimits heyai_kling_still_limits;

/* Returns the path to send: @path itself (*@converted FALSE), or a new JPEG
 * in the same folder (*@converted TRUE) that the caller deletes after use.
 * NULL with HEYAI_ERROR_INVALID_INPUT when the still cannot be read or made
 * to fit. */
char     *heyai_media_fit_still        (const char              *path,
                                        const HeyaiStillLimits  *limits,
                                        gboolean                *converted,
                                        GError                 **error);

/* A still that arrived (a download): FALSE with HEYAI_ERROR_PROVIDER unless
 * it is a PNG or JPEG whose header gives a size, or a WebP.  Reads the
 * header only: cheap enough for the main thread. */
gboolean  heyai_media_check_still      (const char  *path,
                                        GError     **error);

typedef struct
{
  double   duration;   /* seconds */
  int      width;
  int      height;
  double   fps;        /* 0 when unknown */
} HeyaiClipInfo;

/* Probes a downloaded clip.  FALSE with HEYAI_ERROR_PROVIDER when it does
 * not decode or has no video. */
gboolean  heyai_media_probe_clip       (const char     *path,
                                        HeyaiClipInfo  *info,
                                        GError        **error);
void      heyai_media_probe_clip_async (const char          *path,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean  heyai_media_probe_clip_finish (GAsyncResult   *result,
                                         HeyaiClipInfo  *info,
                                         GError        **error);

G_END_DECLS
