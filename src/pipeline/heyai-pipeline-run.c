/* heyai-pipeline-run.c: runs, jobs and the per-role queues of HeyaiPipeline.
 *
 * How a run works (everything below runs on the caller's main context):
 *
 *   1. The storage makes sure the project tree exists.
 *   2. With HEYAI_RUN_ANALYZE, one analyze job goes through the llm queue; its
 *      scenes replace the project's scenes.
 *   3. Planning: the project's unfinished jobs found in the store are taken
 *      over (a crash or a kill left them behind), then every scene in scope
 *      that still lacks a still gets an image job.  Every job row is written
 *      with state "queued" before any work starts.
 *   4. Each role (llm, imager, animator, storage) has a FIFO ready queue and a
 *      concurrency limit; _heyai_pipeline_dispatch() starts queued work while a slot is free.
 *   5. A job goes: provider work (the file is written into images/ or clips/)
 *      -> sha256 + size in a GTask thread -> asset row -> storage publish
 *      (storage queue) -> the take is selected on the scene -> job done.
 *   6. As soon as a still is done and approved (review mode: re-read from the
 *      store when a still finishes and every poll interval; auto mode: approved
 *      on arrival) the scene's clip job is written and queued, while other
 *      stills still render.
 *   7. Every poll interval the run re-reads its unfinished jobs: those another
 *      process marked cancelled (`heyai cancel`) are stopped.
 *   8. When nothing is queued or in flight and no approval can start more
 *      work, the project status is settled and the run completes.
 *
 * A failure stops only its own job and scene.  Cancellation cancels running
 * jobs and marks queued ones cancelled.  A remote id set by a provider is
 * saved at once (notify::remote-id), so a restart resumes polling it.
 *
 * This file holds a run's lifetime (start, store writes, end, project
 * status); heyai-pipeline-plan.c plans it (steps 2 and 3),
 * heyai-pipeline-dispatch.c holds the queues and the clip trigger (4, 6),
 * heyai-pipeline-jobs.c a job's steps and endings (5) and
 * heyai-pipeline-cancel.c cancellation and the poll (7).  They share
 * heyai-pipeline-internal.h.
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
/* Small helpers                                                          */

HeyaiRole
_heyai_pipeline_role_for_kind (HeyaiJobKind kind)
{
  switch (kind)
    {
    case HEYAI_JOB_KIND_ANALYZE: return HEYAI_ROLE_LLM;
    case HEYAI_JOB_KIND_IMAGE:   return HEYAI_ROLE_IMAGER;
    case HEYAI_JOB_KIND_CLIP:    return HEYAI_ROLE_ANIMATOR;
    case HEYAI_JOB_KIND_UPLOAD:
    default:                     return HEYAI_ROLE_STORAGE;
    }
}

HeyaiAssetKind
_heyai_pipeline_asset_kind_for_job (HeyaiJob *job)
{
  return heyai_job_get_kind (job) == HEYAI_JOB_KIND_CLIP ? HEYAI_ASSET_KIND_CLIP
                                                         : HEYAI_ASSET_KIND_IMAGE;
}

char *
_heyai_pipeline_busy_scene_key (HeyaiScene   *scene,
                                HeyaiJobKind  kind)
{
  return g_strdup_printf ("%s/%d", heyai_scene_get_id (scene), (int) kind);
}

static const char *
provider_name_for_kind (HeyaiPipeline *self,
                        HeyaiJobKind   kind)
{
  switch (kind)
    {
    case HEYAI_JOB_KIND_ANALYZE:
      return self->llm ? heyai_llm_get_name (self->llm) : "";
    case HEYAI_JOB_KIND_IMAGE:
      return self->imager ? heyai_imager_get_name (self->imager) : "";
    case HEYAI_JOB_KIND_CLIP:
      return self->animator ? heyai_animator_get_name (self->animator) : "";
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      return self->storage ? heyai_storage_get_name (self->storage) : "";
    }
}

gboolean
_heyai_pipeline_is_cancel_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CANCELLED);
}

/* "Scene 3: <message>", unless the provider already named the scene. */
char *
_heyai_pipeline_scene_message (HeyaiScene *scene,
                               const char *message)
{
  g_autofree char *prefix = NULL;

  if (scene == NULL)
    return g_strdup (message);

  prefix = g_strdup_printf (_("Scene %d: "), heyai_scene_get_position (scene));
  if (g_str_has_prefix (message, prefix))
    return g_strdup (message);

  return g_strconcat (prefix, message, NULL);
}

void
_heyai_pipeline_emit_message (HeyaiPipeline *self,
                              const char    *format,
                              ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_signal_emit (self, signals[MESSAGE], 0, text);
}

/* The status a scene shows when nothing runs for it. */
/* The status a scene shows when nothing runs for it.  "Clip ready" only
 * when the selected clip is current (made from the selected still with
 * today's inputs); an outdated clip leaves the scene "approved", waiting for
 * its clip. */
HeyaiSceneStatus
_heyai_pipeline_scene_resting_status (HeyaiStore *store,
                                      HeyaiScene *scene)
{
  if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
    return HEYAI_SCENE_STATUS_REJECTED;
  if (heyai_scene_get_image_take (scene) <= 0)
    return HEYAI_SCENE_STATUS_PENDING;
  if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_APPROVED)
    return heyai_lineage_clip_is_current (store, NULL, scene) ? HEYAI_SCENE_STATUS_CLIP_READY
                                                                     : HEYAI_SCENE_STATUS_APPROVED;
  return HEYAI_SCENE_STATUS_READY;
}

/* ---------------------------------------------------------------------- */
/* Store writes: small, on the main context.  A failure stops the run.    */


gboolean
_heyai_pipeline_save_job (Run      *run,
                          HeyaiJob *job)
{
  g_autoptr(GError) error = NULL;

  if (!heyai_store_update_job (run->self->store, job, &error))
    {
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      return FALSE;
    }

  g_signal_emit (run->self, signals[JOB_CHANGED], 0, job);
  return TRUE;
}

gboolean
_heyai_pipeline_save_scene (Run        *run,
                            HeyaiScene *scene)
{
  g_autoptr(GError) error = NULL;

  if (!heyai_store_update_scene (run->self->store, scene, &error))
    {
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      return FALSE;
    }

  g_signal_emit (run->self, signals[SCENE_CHANGED], 0, scene);
  return TRUE;
}

void
_heyai_pipeline_set_project_status (Run                *run,
                                    HeyaiProjectStatus  status)
{
  g_autoptr(GError) error = NULL;

  if (heyai_project_get_status (run->project) == status)
    return;

  heyai_project_set_status (run->project, status);
  if (!heyai_store_update_project (run->self->store, run->project, &error))
    _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
}

/* ---------------------------------------------------------------------- */
/* Runs and jobs: lifetime                                                */

static void
job_ctx_free (JobCtx *ctx)
{
  if (ctx->reporter != NULL)
    heyai_gen_reporter_detach (ctx->reporter);
  g_clear_pointer (&ctx->reporter, heyai_gen_reporter_unref);
  if (ctx->remote_id_handler != 0)
    g_clear_signal_handler (&ctx->remote_id_handler, ctx->job);
  if (ctx->progress_handler != 0)
    g_clear_signal_handler (&ctx->progress_handler, ctx->job);
  if (ctx->last_error_handler != 0)
    g_clear_signal_handler (&ctx->last_error_handler, ctx->job);
  g_clear_pointer (&ctx->request, heyai_request_free);
  g_clear_object (&ctx->job);
  g_clear_object (&ctx->scene);
  g_clear_object (&ctx->cancellable);
  g_clear_pointer (&ctx->result, heyai_gen_result_free);
  g_clear_object (&ctx->asset);
  g_clear_object (&ctx->source_still);
  g_clear_pointer (&ctx->cast, g_ptr_array_unref);
  g_free (ctx->references_note);
  g_clear_object (&ctx->previous_clip);
  g_clear_object (&ctx->end_still);
  g_free (ctx);
}

static void
scene_ctx_free (SceneCtx *sctx)
{
  g_clear_object (&sctx->scene);
  g_free (sctx);
}

Run *
_heyai_pipeline_run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

void
_heyai_pipeline_run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  g_assert (run->poll_source == NULL);
  if (run->caller_handler != 0)
    g_cancellable_disconnect (run->caller_cancellable, run->caller_handler);
  g_clear_object (&run->caller_cancellable);
  g_clear_pointer (&run->jobs, g_ptr_array_unref);
  g_clear_pointer (&run->scenes, g_ptr_array_unref);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->project);
  g_clear_object (&run->task);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_pointer (&run->images_dir, g_free);
  g_clear_pointer (&run->clips_dir, g_free);
  g_clear_error (&run->fatal);
  g_clear_error (&run->first_error);
  g_clear_error (&run->budget_error);
  g_clear_object (&run->self);
  g_free (run);
}

JobCtx *
_heyai_pipeline_run_adopt_job (Run        *run,
                               HeyaiJob   *job,
                               HeyaiScene *scene,
                               SceneCtx   *sctx)
{
  JobCtx *ctx = g_new0 (JobCtx, 1);

  ctx->run = run;
  ctx->job = g_object_ref (job);
  ctx->scene = scene ? g_object_ref (scene) : NULL;
  ctx->sctx = sctx;
  ctx->role = _heyai_pipeline_role_for_kind (heyai_job_get_kind (job));
  ctx->cancellable = g_cancellable_new ();
  g_ptr_array_add (run->jobs, ctx);

  g_hash_table_add (run->self->busy, g_strdup (heyai_job_get_id (job)));
  if (scene != NULL)
    g_hash_table_add (run->self->busy, _heyai_pipeline_busy_scene_key (scene, heyai_job_get_kind (job)));

  if (heyai_job_get_kind (job) == HEYAI_JOB_KIND_IMAGE)
    run->images_outstanding++;

  return ctx;
}

/* Writes a new job row (state queued) before any work starts. */
JobCtx *
_heyai_pipeline_run_new_job (Run          *run,
                             HeyaiJobKind  kind,
                             HeyaiScene   *scene,
                             SceneCtx     *sctx)
{
  HeyaiPipeline *self = run->self;
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = heyai_uuid_new ();
  g_autofree char *key = heyai_uuid_new ();
  double cost = 0;
  int take = 0;

  switch (kind)
    {
    case HEYAI_JOB_KIND_IMAGE:
      take = heyai_store_max_take (self->store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE) + 1;
      /* A still continuing the previous shot is decoded here, not bought. */
      cost = heyai_store_scene_continues (self->store, heyai_scene_get_id (scene))
             ? 0 : heyai_imager_estimate_cost (self->imager, scene);
      break;
    case HEYAI_JOB_KIND_CLIP:
      take = heyai_store_max_take (self->store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP) + 1;
      cost = heyai_animator_estimate_cost (self->animator, scene);
      break;
    case HEYAI_JOB_KIND_ANALYZE:
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      break;
    }

  heyai_job_set_id (job, id);
  heyai_job_set_project_id (job, heyai_project_get_id (run->project));
  heyai_job_set_scene_id (job, scene ? heyai_scene_get_id (scene) : NULL);
  heyai_job_set_kind (job, kind);
  heyai_job_set_take (job, take);
  heyai_job_set_provider (job, provider_name_for_kind (self, kind));
  heyai_job_set_state (job, HEYAI_JOB_STATE_QUEUED);
  heyai_job_set_idempotency_key (job, key);
  heyai_job_set_cost (job, cost);
  heyai_job_set_created_at (job, g_get_real_time ());

  if (!heyai_store_insert_job (self->store, job, &error))
    {
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      return NULL;
    }

  g_signal_emit (self, signals[JOB_CHANGED], 0, job);
  return _heyai_pipeline_run_adopt_job (run, job, scene, sctx);
}

void
_heyai_pipeline_run_emit_progress (Run *run)
{
  guint done = 0;

  for (guint i = 0; i < run->jobs->len; i++)
    {
      JobCtx *ctx = g_ptr_array_index (run->jobs, i);
      if (ctx->finished)
        done++;
    }

  g_signal_emit (run->self, signals[PROGRESS], 0, done, run->jobs->len);
}

SceneCtx *
_heyai_pipeline_run_find_scene (Run        *run,
                                const char *scene_id)
{
  for (guint i = 0; i < run->scenes->len; i++)
    {
      SceneCtx *sctx = g_ptr_array_index (run->scenes, i);
      if (g_strcmp0 (heyai_scene_get_id (sctx->scene), scene_id) == 0)
        return sctx;
    }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Project status                                                          */

HeyaiProjectStatus
heyai_pipeline_settle_status (HeyaiStore   *store,
                              HeyaiProject *project)
{
  g_autoptr(GPtrArray) scenes = NULL;
  gboolean missing_still = FALSE, missing_clip = FALSE, stale_clip = FALSE, any_still = FALSE, awaiting_review = FALSE;
  guint n_failed = 0;

  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  if (scenes == NULL || scenes->len == 0)
    return HEYAI_PROJECT_STATUS_DRAFT;

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      HeyaiSceneStatus status = heyai_scene_get_status (scene);

      if (heyai_scene_get_image_take (scene) > 0)
        any_still = TRUE;

      if (status == HEYAI_SCENE_STATUS_FAILED)
        {
          /* A failed scene is not ready either, unless an earlier current
           * take covers it (a new take that failed). */
          n_failed++;
          if (heyai_scene_get_image_take (scene) <= 0)
            missing_still = TRUE;
          else if (!heyai_lineage_clip_is_current (store, project, scene))
            {
              missing_clip = TRUE;
              stale_clip |= heyai_scene_get_clip_take (scene) > 0;
            }
          continue;
        }
      if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
        continue;
      if (heyai_scene_get_image_take (scene) <= 0)
        missing_still = TRUE;
      else if (heyai_scene_get_approval (scene) != HEYAI_APPROVAL_APPROVED)
        awaiting_review = TRUE;
      else if (!heyai_lineage_clip_is_current (store, project, scene))
        {
          missing_clip = TRUE;
          stale_clip |= heyai_scene_get_clip_take (scene) > 0;
        }
    }

  /* ready_for_edit only when every scene that is not rejected has a
   * current clip; stills waiting for approval come first.  Nothing runs
   * here: a resting state never says "generating" or "animating" (a batch
   * sets those while it works). */
  if (n_failed == scenes->len)
    return HEYAI_PROJECT_STATUS_FAILED;
  if (missing_still)
    return any_still ? HEYAI_PROJECT_STATUS_STILLS_MISSING : HEYAI_PROJECT_STATUS_DRAFT;
  if (awaiting_review)
    return HEYAI_PROJECT_STATUS_AWAITING_REVIEW;
  if (stale_clip)
    return HEYAI_PROJECT_STATUS_CLIPS_OUTDATED;
  if (missing_clip)
    return HEYAI_PROJECT_STATUS_READY_TO_ANIMATE;
  return HEYAI_PROJECT_STATUS_READY_FOR_EDIT;
}

/* ---------------------------------------------------------------------- */
/* Run end                                                                */

static void
run_complete (Run *run)
{
  HeyaiPipeline *self = run->self;
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_assert (!run->completed);
  run->completed = TRUE;

  if (run->poll_source != NULL)
    {
      g_source_destroy (run->poll_source);
      g_clear_pointer (&run->poll_source, g_source_unref);
    }

  /* Give the busy keys back. */
  for (guint i = 0; i < run->jobs->len; i++)
    {
      JobCtx *ctx = g_ptr_array_index (run->jobs, i);

      g_hash_table_remove (self->busy, heyai_job_get_id (ctx->job));
      if (ctx->scene != NULL)
        {
          g_autofree char *key = _heyai_pipeline_busy_scene_key (ctx->scene, heyai_job_get_kind (ctx->job));
          g_hash_table_remove (self->busy, key);
        }
    }

  /* Let other processes work on the project again (unless another run of
   * this pipeline still does). */
  {
    gboolean other_run = FALSE;

    for (guint i = 0; i < self->runs->len; i++)
      {
        Run *other = g_ptr_array_index (self->runs, i);
        if (other != run && g_strcmp0 (heyai_project_get_id (other->project),
                                       heyai_project_get_id (run->project)) == 0)
          other_run = TRUE;
      }
    if (!other_run && run->owns_project)
      _heyai_pipeline_owner_write (self->store, run->project, TRUE, NULL);
  }

  /* Settle the project status (never over a store failure). */
  if (run->fatal == NULL)
    {
      if (run->analysis_failed)
        _heyai_pipeline_set_project_status (run, HEYAI_PROJECT_STATUS_FAILED);
      else if (run->jobs->len > 0 ||
               heyai_project_get_status (run->project) != HEYAI_PROJECT_STATUS_COMPLETED)
        {
          HeyaiProjectStatus status = heyai_pipeline_settle_status (self->store, run->project);

          if (status != HEYAI_PROJECT_STATUS_FAILED)
            heyai_project_set_last_error (run->project, NULL);
          else if (run->first_error != NULL)
            heyai_project_set_last_error (run->project, run->first_error->message);
          _heyai_pipeline_set_project_status (run, status);
        }
    }

  if (run->fatal != NULL)
    error = g_error_copy (run->fatal);
  else if (g_cancellable_is_cancelled (run->cancellable) || run->external_cancel)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  else if (run->first_error != NULL)
    error = g_error_copy (run->first_error);
  else if (run->budget_error != NULL)
    error = g_error_copy (run->budget_error);

  g_task_set_task_data (run->task, g_memdup2 (&run->summary, sizeof run->summary), g_free);

  g_ptr_array_remove (self->runs, run);
  if (self->runs->len == 0)
    _heyai_pipeline_notify_running (self);

  task = g_object_ref (run->task);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);

  _heyai_pipeline_run_unref (run);
}

/* Whether the run has nothing left to do.  In review mode this takes a last
 * look at approvals, which may queue more clips (then it is not done). */
static gboolean
run_is_done (Run *run)
{
  if (run->completed || run->pending_ops > 0)
    return FALSE;

  if (run->analyze != NULL && !run->analyze->finished)
    return FALSE;

  if (!run->planned && run->fatal == NULL && !run->analysis_failed &&
      !g_cancellable_is_cancelled (run->cancellable))
    return FALSE;

  for (guint i = 0; i < run->jobs->len; i++)
    {
      JobCtx *ctx = g_ptr_array_index (run->jobs, i);

      /* Safety net: with nothing in flight, a job that is neither queued nor
       * finished would never move again and the run would never end. */
      if (!ctx->finished && !ctx->queued && !ctx->in_flight)
        {
          g_autoptr(GError) error = g_error_new_literal (HEYAI_ERROR, HEYAI_ERROR_FAILED,
                                                         _("The job stopped without finishing. "
                                                           "Run the command again to continue."));
          g_warning ("pipeline: job %s left unfinished; failing it", heyai_job_get_id (ctx->job));
          _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
        }

      if (!ctx->finished)
        return FALSE;
    }

  if (run->planned && !(run->flags & HEYAI_RUN_AUTO_APPROVE) &&
      !g_cancellable_is_cancelled (run->cancellable))
    {
      guint n_jobs = run->jobs->len;

      for (guint i = 0; i < run->scenes->len; i++)
        _heyai_pipeline_scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), TRUE);

      if (run->jobs->len != n_jobs)
        return FALSE;
    }

  return TRUE;
}

static gboolean
run_complete_idle_cb (gpointer user_data)
{
  Run *run = user_data;

  run->complete_scheduled = FALSE;
  if (run_is_done (run))
    run_complete (run);

  return G_SOURCE_REMOVE;
}

/* Completion happens from an idle, so that no caller of this function finds
 * its run (or the pipeline) freed under it by the user's callback. */
void
_heyai_pipeline_run_check_done (Run *run)
{
  GSource *source;

  if (run->completed || run->complete_scheduled || !run_is_done (run))
    return;

  run->complete_scheduled = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_complete_idle_cb, _heyai_pipeline_run_ref (run), (GDestroyNotify) _heyai_pipeline_run_unref);
  g_source_attach (source, run->context);
  g_source_unref (source);
}

/* ---------------------------------------------------------------------- */
/* Starting a run                                                         */

void
_heyai_pipeline_start_run (HeyaiPipeline       *self,
                           HeyaiProject        *project,
                           HeyaiRunFlags        flags,
                           int                  scene_position,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autofree char *root = NULL;
  g_autoptr(GError) error = NULL;
  int other_pid = 0;
  Run *run;

  /* Two processes on one project would take over each other's jobs: the
   * check and the take are one IMMEDIATE transaction. */
  if (!_heyai_pipeline_owner_take (self->store, project, &other_pid, &error))
    {
      if (error != NULL)
        {
          g_task_report_error (self, callback, user_data, heyai_pipeline_run_async, g_steal_pointer (&error));
          return;
        }
      g_task_report_new_error (self, callback, user_data, heyai_pipeline_run_async,
                               HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("Another HeyAI Studio window or heyai command (process %d) is already "
                                 "working on this project. Wait for it to finish, or stop it with "
                                 "“heyai cancel”."), other_pid);
      return;
    }

  run = g_new0 (Run, 1);
  g_atomic_ref_count_init (&run->ref_count);
  run->self = g_object_ref (self);
  run->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (run->task, heyai_pipeline_run_async);
  g_task_set_check_cancellable (run->task, FALSE);
  run->context = g_main_context_ref_thread_default ();
  run->project = g_object_ref (project);
  run->flags = flags;
  run->scene_position = scene_position;
  run->cancellable = g_cancellable_new ();
  run->started_real = g_get_real_time ();
  run->owns_project = TRUE;
  run->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_ctx_free);
  run->scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) scene_ctx_free);

  root = heyai_local_root (self->data_dir);
  run->images_dir = heyai_project_dir (root, project, "images");
  run->clips_dir = heyai_project_dir (root, project, "clips");

  g_ptr_array_add (self->runs, run);
  if (self->runs->len == 1)
    _heyai_pipeline_notify_running (self);

  if (cancellable != NULL)
    {
      run->caller_cancellable = g_object_ref (cancellable);
      run->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (_heyai_pipeline_caller_cancelled_cb),
                                                   run, NULL);
    }

  run->pending_ops++;
  heyai_storage_ensure_project_async (self->storage, project, run->cancellable,
                                      _heyai_pipeline_ensure_project_cb, _heyai_pipeline_run_ref (run));
}

/* ---------------------------------------------------------------------- */
/* For heyai-pipeline.c                                                   */

HeyaiSceneStatus
_heyai_scene_resting_status (HeyaiStore *store,
                             HeyaiScene *scene)
{
  return _heyai_pipeline_scene_resting_status (store, scene);
}

char *
_heyai_pipeline_cancel_key (HeyaiProject *project)
{
  return _heyai_pipeline_cancel_meta_key (project);
}
