/* heyai-timeline-import.h: the editor's cut, back into the storyboard.
 *
 * heyai_timeline_read() reads a timeline an editor saved from the package's
 * timeline.otio, .fcpxml, .xml (FCP7) or .edl: the clips of the first video
 * track in order, each with its length, the stable id the export wrote
 * ("heyai:<scene id>"), its names and the notes of its markers.
 *
 * heyai_timeline_diff() matches the clips to the project's scenes (by the
 * stable id, then by the file name "01-<slug>", the clip name "1. Title" or
 * the EDL reel "SC001") and lists the changes: the new order, trimmed
 * lengths, marker notes as the scenes' notes for the editor, and approved
 * scenes the editor dropped (they become rejected).  heyai_timeline_apply()
 * writes them to the store (main thread).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "heyai-core.h"

G_BEGIN_DECLS

typedef struct
{
  char      *uid;       /* "heyai:<scene id>", or NULL */
  char      *name;      /* clip name in the timeline */
  char      *file;      /* media file name (basename), or NULL */
  double     seconds;   /* length in the cut */
  GPtrArray *notes;     /* char*: marker texts (the scene's own "Scene N" marker excluded) */
} HeyaiTimelineClip;

typedef struct
{
  GPtrArray *clips;     /* HeyaiTimelineClip*, in cut order */
} HeyaiTimeline;

void           heyai_timeline_free  (HeyaiTimeline *timeline);

/* Reads @path (format from the extension: .otio, .fcpxml, .xml, .edl).
 * @fps is the rate of an EDL's timecodes (0 = manifest.json next to the
 * file, else 24); the other formats carry their rate. */
HeyaiTimeline *heyai_timeline_read  (const char    *path,
                                     double         fps,
                                     GError       **error);

typedef enum
{
  HEYAI_TIMELINE_CHANGE_MOVE,
  HEYAI_TIMELINE_CHANGE_TRIM,
  HEYAI_TIMELINE_CHANGE_NOTE,
  HEYAI_TIMELINE_CHANGE_REJECT,
} HeyaiTimelineChangeKind;

typedef struct
{
  HeyaiTimelineChangeKind kind;
  char   *scene_id;
  int     old_position;
  int     new_position;     /* MOVE */
  int     old_seconds;      /* TRIM */
  int     new_seconds;
  double  cut_seconds;      /* TRIM: the exact length in the cut */
  char   *note;             /* NOTE */
  char   *description;      /* translated one-line summary */
} HeyaiTimelineChange;

typedef struct
{
  GPtrArray *changes;       /* HeyaiTimelineChange* */
  GPtrArray *unmatched;     /* char*: clip names that match no scene */
} HeyaiTimelineDiff;

void               heyai_timeline_diff_free  (HeyaiTimelineDiff *diff);
HeyaiTimelineDiff *heyai_timeline_diff       (HeyaiTimeline     *timeline,
                                              GPtrArray         *scenes,  /* HeyaiScene*, the project's */
                                              GError           **error);
/* The diff as text, one change a line (translated). */
char              *heyai_timeline_diff_to_string (const HeyaiTimelineDiff *diff);
gboolean           heyai_timeline_apply      (HeyaiStore        *store,
                                              HeyaiProject      *project,
                                              const HeyaiTimelineDiff *diff,
                                              GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiTimeline, heyai_timeline_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiTimelineDiff, heyai_timeline_diff_free)

G_END_DECLS
