/* heyai-hlc.h: hybrid logical clock stamps for mergeable rows.
 *
 * A stamp is a string that sorts in causal order:
 *   "<wall ms, 13 digits>-<counter, 4 hex digits>-<device id>"
 * e.g. "1764039600123-0002-6f1c2a9e".  Comparing two stamps with strcmp()
 * orders them; the device id breaks ties deterministically.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HeyaiHlc HeyaiHlc;

HeyaiHlc *heyai_hlc_new           (const char *device_id);
void      heyai_hlc_free          (HeyaiHlc   *self);
/* A new stamp, strictly greater than every stamp issued or observed. Thread-safe. */
char     *heyai_hlc_now           (HeyaiHlc   *self);
/* Merge a remote stamp so later local stamps sort after it. */
void      heyai_hlc_observe       (HeyaiHlc   *self,
                                   const char *stamp);
const char *heyai_hlc_get_device_id (HeyaiHlc *self);
/* Wall time of a stamp in µs since the epoch (0 if malformed). */
gint64    heyai_hlc_stamp_to_unix_us (const char *stamp);

/* Tests only: replace the wall clock (ms since the epoch) for every HLC in the
 * process; NULL restores the real clock.  Not thread-safe against heyai_hlc_now(). */
typedef gint64 (*HeyaiHlcClockFunc) (gpointer user_data);
void      heyai_hlc_set_clock_func (HeyaiHlcClockFunc func,
                                    gpointer          user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiHlc, heyai_hlc_free)

G_END_DECLS
