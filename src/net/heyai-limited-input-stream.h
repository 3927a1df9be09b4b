/* heyai-limited-input-stream.h: reads at most N bytes of a base stream
 * (one chunk of a file for a resumable upload, streamed, never in memory).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HEYAI_TYPE_LIMITED_INPUT_STREAM (heyai_limited_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiLimitedInputStream, heyai_limited_input_stream, HEYAI, LIMITED_INPUT_STREAM,
                      GFilterInputStream)

/* Reads @limit bytes from the current position of @base, then EOF.
 * Closing it does not close @base. */
GInputStream *heyai_limited_input_stream_new (GInputStream *base,
                                              goffset       limit);

G_END_DECLS
