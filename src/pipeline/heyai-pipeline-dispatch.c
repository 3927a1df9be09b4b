/* heyai-pipeline-dispatch.c: the per-role queues and their concurrency limits,
 * the budget check, dispatch, and starting a scene's clip once its still is
 * approved.
 *
 * See heyai-pipeline-run.c for how a run works.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "heyai-pipeline-internal.h"

#define signals _heyai_pipeline_signals

/* ---------------------------------------------------------------------- */
/* Role queues                                                            */

static guint
effective_limit (HeyaiPipeline *self,
                 HeyaiRole      role)
{
  guint limit = MAX (self->limits[role], 1);

  if (self->adaptive[role] > 0)
    limit = MIN (limit, self->adaptive[role]);
  if (self->capacity_timer[role] != NULL)
    return 0;   /* backing off: the service refused even one at a time */
  return limit;
}

guint
_heyai_pipeline_effective_limit (HeyaiPipeline *self,
                                 HeyaiRole      role)
{
  return effective_limit (self, role);
}

/* ---------------------------------------------------------------------- */
/* Adaptive concurrency                                                   */

/* A provider whose account allows fewer requests at a time than the
 * setting answers the extra ones with a capacity refusal (Higgsfield's 400
 * "Maximum number of concurrent requests", Kling 1302/1303, a 429): nothing
 * was accepted.  The role's limit drops to what was in flight without the
 * refused job (multiplicative decrease to the observed cap), the job goes
 * back to the head of its queue, and it starts when one of the others ends.
 * Successes raise the limit by one per limit's worth of them (additive
 * increase) up to the configured maximum, so a cap that rises is found
 * again.  With nothing else in flight the service refuses for a reason of
 * its own (another program on the account): the role waits, 1 s doubling
 * to 32 s, and a job refused MAX_CAPACITY_REFUSALS times fails with the
 * provider's message. */

#define MAX_CAPACITY_REFUSALS 24
#define CAPACITY_BACKOFF_MIN_MS 1000
#define CAPACITY_BACKOFF_MAX_MS 32000

typedef struct
{
  HeyaiPipeline *self;   /* weak: the pipeline destroys the timer in dispose */
  HeyaiRole      role;
} CapacityTimer;

static gboolean
capacity_timer_cb (gpointer user_data)
{
  CapacityTimer *timer = user_data;
  HeyaiPipeline *self = timer->self;

  g_clear_pointer (&self->capacity_timer[timer->role], g_source_unref);
  _heyai_pipeline_dispatch (self);
  return G_SOURCE_REMOVE;
}

void
_heyai_pipeline_capacity_clear (HeyaiPipeline *self)
{
  for (guint role = 0; role < N_ROLES; role++)
    if (self->capacity_timer[role] != NULL)
      {
        g_source_destroy (self->capacity_timer[role]);
        g_clear_pointer (&self->capacity_timer[role], g_source_unref);
      }
}

gboolean
_heyai_pipeline_capacity_refused (JobCtx       *ctx,
                                  const GError *error)
{
  HeyaiPipeline *self = ctx->run->self;
  HeyaiRole role = ctx->role;
  const char *remote_id = heyai_job_get_remote_id (ctx->job);
  guint limit;

  if (!g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CAPACITY) ||
      (remote_id != NULL && *remote_id != '\0') || ctx->stop_requested ||
      g_cancellable_is_cancelled (ctx->cancellable) || ctx->run->fatal != NULL ||
      ctx->capacity_refusals >= MAX_CAPACITY_REFUSALS)
    return FALSE;

  g_assert (!ctx->holds_slot && !ctx->queued);

  ctx->capacity_refusals++;
  self->adaptive_successes[role] = 0;
  limit = MAX (self->active[role], 1);
  if (self->adaptive[role] == 0 || limit < self->adaptive[role])
    {
      self->adaptive[role] = limit;
      g_debug ("%s: the service's capacity is reached; at most %u at a time now",
               heyai_job_get_provider (ctx->job), limit);
    }

  if (self->active[role] == 0 && self->capacity_timer[role] == NULL)
    {
      CapacityTimer *timer = g_new0 (CapacityTimer, 1);

      self->capacity_backoff_ms[role] = CLAMP (self->capacity_backoff_ms[role] * 2,
                                               CAPACITY_BACKOFF_MIN_MS, CAPACITY_BACKOFF_MAX_MS);
      timer->self = self;
      timer->role = role;
      self->capacity_timer[role] = g_timeout_source_new (self->capacity_backoff_ms[role]);
      g_source_set_callback (self->capacity_timer[role], capacity_timer_cb, timer, g_free);
      g_source_attach (self->capacity_timer[role], ctx->run->context);
    }

  /* Its ledger row: not accepted, so closed as failed (a new one is opened
   * when it is sent again), unless the provider can be asked by key (Kling),
   * whose row stays open for the same key. */
  if (ctx->request != NULL)
    {
      _heyai_pipeline_ledger_failed (ctx, error, FALSE);
      if (ctx->request->state == HEYAI_REQUEST_FAILED)
        g_clear_pointer (&ctx->request, heyai_request_free);
    }

  heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_QUEUED);
  heyai_job_set_last_error (ctx->job, error->message);
  _heyai_pipeline_save_job (ctx->run, ctx->job);
  _heyai_pipeline_job_enqueue (ctx, ctx->step);
  /* First in line: it waited longest. */
  g_queue_remove (&self->queues[role], ctx);
  g_queue_push_head (&self->queues[role], ctx);
  return TRUE;
}

void
_heyai_pipeline_capacity_success (JobCtx *ctx)
{
  HeyaiPipeline *self = ctx->run->self;
  HeyaiRole role = ctx->role;

  self->capacity_backoff_ms[role] = 0;
  if (self->adaptive[role] == 0)
    return;
  if (++self->adaptive_successes[role] < self->adaptive[role])
    return;
  self->adaptive_successes[role] = 0;
  self->adaptive[role]++;
  if (self->adaptive[role] >= MAX (self->limits[role], 1))
    self->adaptive[role] = 0;   /* back at the configured limit */
}

void
_heyai_pipeline_release_slot (JobCtx *ctx)
{
  HeyaiPipeline *self = ctx->run->self;

  if (!ctx->holds_slot)
    return;

  ctx->holds_slot = FALSE;
  g_assert (self->active[ctx->role] > 0);
  self->active[ctx->role]--;
}

void
_heyai_pipeline_job_enqueue (JobCtx *ctx,
                             Step    step)
{
  HeyaiPipeline *self = ctx->run->self;

  g_assert (!ctx->queued && !ctx->finished);

  ctx->step = step;
  ctx->role = step == STEP_PUBLISH ? HEYAI_ROLE_STORAGE
                                   : _heyai_pipeline_role_for_kind (heyai_job_get_kind (ctx->job));
  ctx->queued = TRUE;
  g_queue_push_tail (&self->queues[ctx->role], ctx);
}

void
_heyai_pipeline_job_dequeue (JobCtx *ctx)
{
  if (!ctx->queued)
    return;

  g_queue_remove (&ctx->run->self->queues[ctx->role], ctx);
  ctx->queued = FALSE;
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                               */

static gboolean
budget_allows (JobCtx *ctx)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  double cost;

  if (ctx->step != STEP_WORK || ctx->charged > 0)
    return TRUE;
  /* Collecting what was paid for already spends nothing new. */
  if (run->flags & HEYAI_RUN_COLLECT)
    return TRUE;

  cost = heyai_job_get_cost (ctx->job);

  /* A job the service already accepted is paid for: let it finish. */
  if (cost <= 0 || heyai_job_get_remote_id (ctx->job) != NULL)
    {
      run->ledger += cost;
      ctx->charged = cost;
      return TRUE;
    }

  if (self->budget > 0 && run->ledger + cost > self->budget + 1e-9)
    {
      if (run->budget_error == NULL)
        {
          run->budget_error = g_error_new (HEYAI_ERROR, HEYAI_ERROR_BUDGET,
                                           _("The budget of $%.2f is reached ($%.2f spent): "
                                             "the remaining paid jobs were not started. "
                                             "Raise the budget to continue."),
                                           self->budget, run->ledger);
          g_signal_emit (self, signals[MESSAGE], 0, run->budget_error->message);
        }
      return FALSE;
    }

  run->ledger += cost;
  ctx->charged = cost;
  return TRUE;
}

void
_heyai_pipeline_dispatch (HeyaiPipeline *self)
{
  if (self->dispatching)
    {
      self->dispatch_again = TRUE;
      return;
    }

  self->dispatching = TRUE;

  do
    {
      self->dispatch_again = FALSE;

      for (guint role = 0; role < N_ROLES; role++)
        {
          while (self->active[role] < effective_limit (self, role) &&
                 !g_queue_is_empty (&self->queues[role]))
            {
              JobCtx *ctx = g_queue_pop_head (&self->queues[role]);

              ctx->queued = FALSE;

              if (!budget_allows (ctx))
                {
                  _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
                  heyai_job_set_last_error (ctx->job, ctx->run->budget_error->message);
                  _heyai_pipeline_save_job (ctx->run, ctx->job);
                  self->dispatch_again = TRUE;
                  continue;
                }

              self->active[role]++;
              ctx->holds_slot = TRUE;

              if (ctx->step == STEP_PUBLISH)
                _heyai_pipeline_job_start_publish (ctx);
              else
                _heyai_pipeline_job_start_work (ctx);
            }
        }
    }
  while (self->dispatch_again);

  self->dispatching = FALSE;

  /* Starting work can end jobs at once (nothing to redo, budget); let the
   * runs notice (completion itself is deferred to an idle). */
  for (guint i = 0; i < self->runs->len; i++)
    {
      Run *run = g_ptr_array_index (self->runs, i);
      if (run->planned)
        _heyai_pipeline_run_check_done (run);
    }
}

/* ---------------------------------------------------------------------- */
/* Clips: start as soon as the still is approved                          */

void
_heyai_pipeline_scene_maybe_animate (Run      *run,
                                     SceneCtx *sctx,
                                     gboolean  refresh)
{
  HeyaiPipeline *self = run->self;
  HeyaiScene *scene = sctx->scene;
  g_autofree char *key = NULL;
  JobCtx *ctx;

  if (!sctx->wants_clip || sctx->clip != NULL || sctx->failed || sctx->stopped || run->completed ||
      g_cancellable_is_cancelled (run->cancellable))
    return;

  /* The still must exist and be final in this run. */
  if (sctx->image != NULL && !sctx->image->finished)
    return;
  if (heyai_scene_get_image_take (scene) <= 0)
    return;

  if (self->staged && run->images_outstanding > 0)
    return;

  if (heyai_scene_get_approval (scene) != HEYAI_APPROVAL_APPROVED)
    {
      if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
        return;

      if (run->flags & HEYAI_RUN_AUTO_APPROVE)
        {
          heyai_scene_set_approval (scene, HEYAI_APPROVAL_APPROVED);
          heyai_scene_set_status (scene, _heyai_pipeline_scene_resting_status (self->store, scene));
          if (!_heyai_pipeline_save_scene (run, scene))
            return;
        }
      else if (refresh)
        {
          /* Review mode: the user may have approved it meanwhile, from the
           * window or `heyai approve` in another process. */
          g_autoptr(HeyaiScene) fresh = NULL;

          fresh = heyai_store_get_scene (self->store, heyai_scene_get_id (scene), NULL);
          if (fresh == NULL)
            return;
          if (fresh != scene)
            {
              heyai_scene_set_approval (scene, heyai_scene_get_approval (fresh));
              heyai_scene_set_status (scene, heyai_scene_get_status (fresh));
            }
          if (heyai_scene_get_approval (scene) != HEYAI_APPROVAL_APPROVED)
            return;
        }
      else
        return;
    }

  /* A clip is needed when there is no current one (none, or made from
   * another still or other inputs: a still made in this run makes it
   * outdated), or when the run regenerates; a run that only collects takes
   * only a clip already paid for (the planner, heyai-pipeline-plan.c). */
  if (!_heyai_pipeline_wants_clip (self, run->project, scene, run->flags, FALSE))
    return;

  key = _heyai_pipeline_busy_scene_key (scene, HEYAI_JOB_KIND_CLIP);
  if (g_hash_table_contains (self->busy, key))
    return;

  ctx = _heyai_pipeline_run_new_job (run, HEYAI_JOB_KIND_CLIP, scene, sctx);
  if (ctx == NULL)
    return;

  sctx->clip = ctx;
  _heyai_pipeline_set_project_status (run, run->images_outstanding > 0 ? HEYAI_PROJECT_STATUS_GENERATING_IMAGES
                                                       : HEYAI_PROJECT_STATUS_ANIMATING_SCENES);
  _heyai_pipeline_job_enqueue (ctx, STEP_WORK);
  _heyai_pipeline_run_emit_progress (run);
  _heyai_pipeline_dispatch (self);
}
