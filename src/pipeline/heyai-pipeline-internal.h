/* heyai-pipeline-internal.h: what heyai-pipeline.c (the GObject and its
 * public API) and heyai-pipeline-run.c (runs, jobs, queues) share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-pipeline.h"
#include "heyai-pipeline-private.h"

G_BEGIN_DECLS

#define N_ROLES 4
#define DEFAULT_POLL_MS 1000

struct _HeyaiPipeline
{
  GObject        parent_instance;

  HeyaiStore    *store;
  char          *data_dir;
  HeyaiLlm      *llm;
  HeyaiImager   *imager;
  HeyaiAnimator *animator;
  HeyaiStorage  *storage;

  guint          limits[N_ROLES];
  guint          default_limits[N_ROLES];
  guint          active[N_ROLES];
  GQueue         queues[N_ROLES];       /* JobCtx*, FIFO */
  GPtrArray     *runs;                  /* Run*, running */
  GHashTable    *busy;                  /* job ids and "scene-id/kind" keys taken by a run */
  double         budget;
  gboolean       staged;
  guint          poll_ms;
  gboolean       dispatching;
  gboolean       dispatch_again;
};

enum
{
  JOB_CHANGED,
  SCENE_CHANGED,
  PROGRESS,
  MESSAGE,
  N_SIGNALS
};

extern guint _heyai_pipeline_signals[N_SIGNALS];

/* heyai-pipeline.c */
void             _heyai_pipeline_notify_running (HeyaiPipeline       *self);

/* heyai-pipeline-run.c */
void             _heyai_pipeline_start_run      (HeyaiPipeline       *self,
                                                 HeyaiProject        *project,
                                                 HeyaiRunFlags        flags,
                                                 int                  scene_position,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
void             _heyai_pipeline_dispatch       (HeyaiPipeline       *self);
HeyaiSceneStatus _heyai_scene_resting_status    (HeyaiScene          *scene);
char            *_heyai_pipeline_cancel_key     (HeyaiProject        *project);

G_END_DECLS
