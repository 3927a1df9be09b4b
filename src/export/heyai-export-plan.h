/* heyai-export-plan.h: a plain, store-independent description of the cut.
 *
 * Every writer (timelines, CSV, PDF, animatic, manifest) works on a plan, so
 * tests and benchmarks build plans in code and the store is read only once, on
 * the main thread, by heyai_export_plan_from_store().  A plan is plain data:
 * it can be copied into a worker thread and never touches a model object.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "heyai-types.h"

G_BEGIN_DECLS

/* The frame rates an export can be made at. */
typedef enum
{
  HEYAI_EXPORT_FPS_24,      /* 24/1 */
  HEYAI_EXPORT_FPS_23_976,  /* 24000/1001, timecode base 24 (NDF) */
  HEYAI_EXPORT_FPS_25,      /* 25/1 */
  HEYAI_EXPORT_FPS_29_97,   /* 30000/1001, timecode base 30 (NDF) */
  HEYAI_EXPORT_FPS_30,      /* 30/1 */
  HEYAI_EXPORT_FPS_29_97_DF, /* 30000/1001, drop-frame timecode ("HH:MM:SS;FF") */
} HeyaiExportFps;

typedef struct
{
  int      number;          /* storyboard position, 1-based ("Scene N") */
  char    *title;
  char    *scene_slug;      /* ASCII, used in file names */
  char    *description;
  char    *notes;           /* free text for the storyboard (script excerpt), may be NULL */
  char    *image_prompt;
  char    *motion_prompt;
  char    *camera_move;     /* nick, "push-in" ... */
  double   duration_seconds; /* 5 or 10; frames = round (seconds * fps) */
  char    *clip_path;       /* selected approved clip take, NULL when there is none */
  char    *still_path;      /* selected still take, NULL when there is none */
  /* Provenance of the clip (or of the still when there is no clip). */
  char    *provider;
  char    *model;
  gint64   seed;            /* -1 = none */
  int      take;
  char    *request_id;
  double   cost;            /* USD, clip + still */
  /* Provenance of the still. */
  char    *image_provider;
  char    *image_model;
  gint64   image_seed;
  int      image_take;
  char    *image_request_id;
  double   image_cost;
  char    *approved_by;     /* who approved (may be NULL) */
  char    *approved_at;     /* when (ISO 8601 or HLC stamp, may be NULL) */
  char    *scene_id;        /* the store's stable scene id (written in every timeline), may be NULL */
  char    *editor_note;     /* the producer's "notes for the editor", may be NULL */
  char    *references_note; /* "References not applied: text only (...)" of the still or clip, or NULL */
  /* Lineage: the selected clip is outdated (not made from the selected
   * still with today's inputs).  Held (the default): clip_path is NULL,
   * the still is held in its place, stale_clip_path keeps the clip. */
  gboolean clip_stale;
  gboolean clip_held;
  int      clip_source_image_take;  /* 0: unknown */
  char    *stale_clip_path;
} HeyaiExportScene;

typedef struct
{
  char      *title;
  char      *slug;          /* ASCII; the package is <slug>-handoff */
  char      *project_id;    /* may be NULL */
  int        width;         /* sequence size, 1920x1080 by default */
  int        height;
  HeyaiExportFps fps;
  char      *start_tc;      /* record start, "01:00:00:00" by default (NULL = 00:00:00:00) */
  GPtrArray *scenes;        /* HeyaiExportScene*, storyboard order */
  gboolean   include_stale; /* outdated clips ship (--stale include) instead of the still */
} HeyaiExportPlan;

HeyaiExportPlan  *heyai_export_plan_new          (const char      *title);
HeyaiExportPlan  *heyai_export_plan_copy         (const HeyaiExportPlan *plan);
void              heyai_export_plan_free         (HeyaiExportPlan *plan);
/* Appends a new scene (number = n + 1, seed -1, duration 5 s) and returns it;
 * the plan owns it.  The title sets scene_slug. */
HeyaiExportScene *heyai_export_plan_add_scene    (HeyaiExportPlan *plan,
                                                  const char      *title);
void              heyai_export_scene_set_title   (HeyaiExportScene *scene,
                                                  const char       *title);

/* Builds the plan of @project: the selected take of every approved scene in
 * storyboard order.  Approved scenes without a clip keep clip_path NULL (the
 * export then holds the still or skips them).  Main thread only. */
HeyaiExportPlan  *heyai_export_plan_from_store   (HeyaiStore      *store,
                                                  HeyaiProject    *project,
                                                  GError         **error);

/* --stale include: outdated clips go into the package as they are (the
 * README and manifest say which); without it (hold) the current still is
 * held in their place. */
void              heyai_export_plan_set_include_stale (HeyaiExportPlan *plan,
                                                       gboolean         include);

/* Frame rates. */
gboolean          heyai_export_fps_parse         (const char      *text,
                                                  HeyaiExportFps  *fps);
const char       *heyai_export_fps_to_string     (HeyaiExportFps   fps);   /* "23.976" */
void              heyai_export_fps_get_rational  (HeyaiExportFps   fps,
                                                  int             *num,
                                                  int             *den);
/* Nominal frames per second of the timecode (24, 25 or 30). */
int               heyai_export_fps_timebase      (HeyaiExportFps   fps);
gboolean          heyai_export_fps_is_ntsc       (HeyaiExportFps   fps);
gboolean          heyai_export_fps_is_drop_frame (HeyaiExportFps   fps);
double            heyai_export_fps_to_double     (HeyaiExportFps   fps);

/* round (seconds * fps), at least 1. */
gint64            heyai_export_seconds_to_frames (double           seconds,
                                                  HeyaiExportFps   fps);
gint64            heyai_export_scene_frames      (const HeyaiExportScene *scene,
                                                  HeyaiExportFps   fps);
/* "HH:MM:SS:FF" at the nominal timebase (non-drop-frame), or "HH:MM:SS;FF"
 * drop-frame for HEYAI_EXPORT_FPS_29_97_DF. */
char             *heyai_export_timecode          (gint64           frames,
                                                  HeyaiExportFps   fps);
/* Parses "HH:MM:SS:FF" (or ";FF" / "." for drop-frame) into a frame count at
 * @fps (drop-frame counting for HEYAI_EXPORT_FPS_29_97_DF).  FALSE when the
 * text is not a valid timecode at that rate. */
gboolean          heyai_export_timecode_parse    (const char      *text,
                                                  HeyaiExportFps   fps,
                                                  gint64          *frames);
/* The record start of @plan in frames (its start_tc at its fps; 0 when unset
 * or invalid). */
gint64            heyai_export_plan_start_frame  (const HeyaiExportPlan *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiExportPlan, heyai_export_plan_free)

G_END_DECLS
