/* heyai-pipeline-cancel.c: cancelling a run, fatal errors, the project owner
 * marker and the poll that notices `heyai cancel` from another process.
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
/* Cancellation                                                           */

static void
run_cancel_jobs (Run *run)
{
  /* Queued jobs are marked cancelled; running ones are asked to stop and
   * are marked when their provider returns. */
  for (guint i = 0; i < run->jobs->len; i++)
    {
      JobCtx *ctx = g_ptr_array_index (run->jobs, i);

      if (ctx->finished)
        continue;

      ctx->stop_requested = TRUE;
      if (ctx->queued)
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      else
        g_cancellable_cancel (ctx->cancellable);
    }
}

static gboolean
run_cancelled_idle_cb (gpointer user_data)
{
  Run *run = user_data;

  if (!run->completed && !run->cancel_handled)
    {
      run->cancel_handled = TRUE;
      run_cancel_jobs (run);
      _heyai_pipeline_dispatch (run->self);
      _heyai_pipeline_run_check_done (run);
    }

  return G_SOURCE_REMOVE;
}

static void
run_schedule_cancel (Run *run)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_cancelled_idle_cb, _heyai_pipeline_run_ref (run), (GDestroyNotify) _heyai_pipeline_run_unref);
  g_source_attach (source, run->context);
  g_source_unref (source);
}

/* May run in any thread. */
void
_heyai_pipeline_caller_cancelled_cb (GCancellable *cancellable,
                                     Run          *run)
{
  g_cancellable_cancel (run->cancellable);
  run_schedule_cancel (run);
}

void
_heyai_pipeline_run_fatal (Run    *run,
                           GError *error)
{
  if (run->fatal == NULL)
    {
      run->fatal = error;
      g_signal_emit (run->self, signals[MESSAGE], 0, error->message);
    }
  else
    g_error_free (error);

  if (!g_cancellable_is_cancelled (run->cancellable))
    {
      g_cancellable_cancel (run->cancellable);
      run_schedule_cancel (run);
    }
}

/* One process works on a project at a time: the running one keeps
 * "pipeline.owner.<project id>" = "<pid>:<wall clock µs>" fresh at every
 * poll.  A marker whose process is gone, or that went stale, is taken over. */
#define OWNER_STALE_USEC (15 * G_USEC_PER_SEC)

static char *
owner_meta_key (HeyaiProject *project)
{
  return g_strdup_printf ("pipeline.owner.%s", heyai_project_get_id (project));
}

gboolean
_heyai_pipeline_owner_write (HeyaiStore    *store,
                             HeyaiProject  *project,
                             gboolean       release,
                             GError       **error)
{
  g_autofree char *key = owner_meta_key (project);
  g_autofree char *value = release ? g_strdup ("")
                                   : g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) getpid (), g_get_real_time ());

  return heyai_store_set_meta (store, key, value, error);
}

/* Takes the project for this process unless another live process holds it
 * (then FALSE with *@other_pid; FALSE with @error on a store failure). */
gboolean
_heyai_pipeline_owner_take (HeyaiStore    *store,
                            HeyaiProject  *project,
                            int           *other_pid,
                            GError       **error)
{
  return heyai_store_take_project_lock (store, heyai_project_get_id (project), OWNER_STALE_USEC,
                                        other_pid, error);
}

char *
_heyai_pipeline_cancel_meta_key (HeyaiProject *project)
{
  return g_strdup_printf ("pipeline.cancel.%s", heyai_project_get_id (project));
}

/* Whether the job was cancelled from elsewhere (the window, `heyai cancel`)
 * since the last poll: asked right before a job starts, so that a cancel
 * written while the job was being started is honoured, not overwritten by
 * the job's "running". */
gboolean
_heyai_pipeline_job_cancelled_elsewhere (JobCtx *ctx)
{
  Run *run = ctx->run;
  HeyaiStore *store = run->self->store;
  g_autofree char *key = _heyai_pipeline_cancel_meta_key (run->project);
  g_autofree char *mark = heyai_store_get_meta (store, key);
  g_autoptr(HeyaiJob) fresh = NULL;

  if (mark != NULL && g_ascii_strtoll (mark, NULL, 10) >= run->started_real)
    return TRUE;

  /* The store refreshes the live object in place. */
  fresh = heyai_store_get_job (store, heyai_job_get_id (ctx->job), NULL);
  if (fresh == NULL || heyai_job_get_state (fresh) != HEYAI_JOB_STATE_CANCELLED)
    return FALSE;
  if (fresh != ctx->job)
    heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_CANCELLED);
  return TRUE;
}

/* Polls the store: a project cancelled by `heyai cancel` (another process),
 * single jobs cancelled from elsewhere, approvals given meanwhile. */
gboolean
_heyai_pipeline_run_poll_cb (gpointer user_data)
{
  Run *run = user_data;
  HeyaiPipeline *self = run->self;
  g_autofree char *key = _heyai_pipeline_cancel_meta_key (run->project);
  g_autofree char *mark = NULL;

  if (run->completed)
    return G_SOURCE_REMOVE;

  _heyai_pipeline_owner_write (self->store, run->project, FALSE, NULL);

  mark = heyai_store_get_meta (self->store, key);
  if (mark != NULL && g_ascii_strtoll (mark, NULL, 10) >= run->started_real &&
      !g_cancellable_is_cancelled (run->cancellable))
    {
      run->external_cancel = TRUE;
      g_cancellable_cancel (run->cancellable);
      run->cancel_handled = TRUE;
      g_signal_emit (self, signals[MESSAGE], 0,
                     _("The work on this project was cancelled from another window or command."));
      run_cancel_jobs (run);
    }

  for (guint i = 0; i < run->jobs->len; i++)
    {
      JobCtx *ctx = g_ptr_array_index (run->jobs, i);
      g_autoptr(HeyaiJob) fresh = NULL;

      if (ctx->finished || ctx->stop_requested)
        continue;

      /* The store refreshes the live object in place. */
      fresh = heyai_store_get_job (self->store, heyai_job_get_id (ctx->job), NULL);
      if (fresh == NULL || heyai_job_get_state (fresh) != HEYAI_JOB_STATE_CANCELLED)
        continue;

      /* That job (and what would follow it for its scene) stops. */
      ctx->stop_requested = TRUE;
      if (ctx->sctx != NULL)
        ctx->sctx->stopped = TRUE;
      if (fresh != ctx->job)
        heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_CANCELLED);
      if (ctx->queued)
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      else
        g_cancellable_cancel (ctx->cancellable);
    }

  if (!(run->flags & HEYAI_RUN_AUTO_APPROVE))
    for (guint i = 0; i < run->scenes->len; i++)
      _heyai_pipeline_scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), TRUE);

  _heyai_pipeline_dispatch (self);
  _heyai_pipeline_run_check_done (run);

  return G_SOURCE_CONTINUE;
}

/* The window and the CLI ask the pipeline to cancel one job; they never
 * write the shared job object themselves. */
gboolean
heyai_pipeline_cancel_job (HeyaiPipeline  *self,
                           HeyaiJob       *job,
                           GError        **error)
{
  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_JOB (job), FALSE);

  if (heyai_job_state_is_final (heyai_job_get_state (job)))
    return TRUE;

  /* A run of this pipeline owns it: it stops it (and what would follow it
   * for its scene) and writes the state itself. */
  for (guint r = 0; r < self->runs->len; r++)
    {
      Run *run = g_ptr_array_index (self->runs, r);

      for (guint i = 0; i < run->jobs->len; i++)
        {
          JobCtx *ctx = g_ptr_array_index (run->jobs, i);

          if (ctx->finished || g_strcmp0 (heyai_job_get_id (ctx->job), heyai_job_get_id (job)) != 0)
            continue;
          ctx->stop_requested = TRUE;
          if (ctx->sctx != NULL)
            ctx->sctx->stopped = TRUE;
          if (ctx->in_flight)
            g_cancellable_cancel (ctx->cancellable);
          else
            _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
          _heyai_pipeline_dispatch (self);
          _heyai_pipeline_run_check_done (run);
          return TRUE;
        }
    }

  /* Another process works on it: the store says so; its poll (or the check
   * before the job starts) stops it. */
  heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
  heyai_job_set_last_error (job, _("Cancelled"));
  return heyai_store_update_job (self->store, job, error);
}
