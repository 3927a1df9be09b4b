/* heyai-pipeline-private.h: knobs for tests and the benchmark.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-pipeline.h"

G_BEGIN_DECLS

/* Staged mode (the original Celery design, kept for the benchmark): no clip
 * starts before every still of the run is final. */
void     heyai_pipeline_set_staged        (HeyaiPipeline *self,
                                           gboolean       staged);
/* How often a run re-reads its jobs (cancellation from another process) and
 * the approval of stills waiting for review.  Default 1000 ms. */
void     heyai_pipeline_set_poll_interval (HeyaiPipeline *self,
                                           guint          msec);

/* The project status the scenes imply once nothing runs (draft,
 * generating_images, animating_scenes, ready_for_edit or failed). */
HeyaiProjectStatus heyai_pipeline_settle_status (HeyaiStore   *store,
                                                 HeyaiProject *project);

G_END_DECLS
