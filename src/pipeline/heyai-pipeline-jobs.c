/* heyai-pipeline-jobs.c: a job's steps and endings: provider work, hashing
 * the file and writing the asset row, the storage publish, completion,
 * failure and cancellation of one job.
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

#include "heyai-background.h"
#include "heyai-pipeline-internal.h"
#include "heyai-provider-descriptors.h"

#define signals _heyai_pipeline_signals

static void job_remote_id_cb  (HeyaiJob *job, GParamSpec *pspec, JobCtx *ctx);
static void job_progress_cb   (HeyaiJob *job, GParamSpec *pspec, JobCtx *ctx);
static const HeyaiGenReporterFuncs job_reporter_funcs;

/* ---------------------------------------------------------------------- */
/* Job endings                                                            */

void
_heyai_pipeline_job_detach_signals (JobCtx *ctx)
{
  if (ctx->remote_id_handler != 0)
    g_clear_signal_handler (&ctx->remote_id_handler, ctx->job);
  if (ctx->progress_handler != 0)
    g_clear_signal_handler (&ctx->progress_handler, ctx->job);
  if (ctx->last_error_handler != 0)
    g_clear_signal_handler (&ctx->last_error_handler, ctx->job);
  /* Late reports (an offline encoder's last progress) are dropped. */
  if (ctx->reporter != NULL)
    heyai_gen_reporter_detach (ctx->reporter);
  g_clear_pointer (&ctx->reporter, heyai_gen_reporter_unref);
}

static void
job_mark_finished (JobCtx *ctx)
{
  Run *run = ctx->run;

  g_assert (!ctx->finished);

  ctx->finished = TRUE;
  _heyai_pipeline_job_detach_signals (ctx);
  _heyai_pipeline_release_slot (ctx);

  if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_IMAGE)
    {
      g_assert (run->images_outstanding > 0);
      run->images_outstanding--;

      if (run->images_outstanding == 0)
        {
          for (guint i = 0; i < run->jobs->len; i++)
            {
              JobCtx *other = g_ptr_array_index (run->jobs, i);
              if (heyai_job_get_kind (other->job) == HEYAI_JOB_KIND_CLIP && !other->finished)
                {
                  _heyai_pipeline_set_project_status (run, HEYAI_PROJECT_STATUS_ANIMATING_SCENES);
                  break;
                }
            }

          /* Staged mode: the barrier opens when the last still is final. */
          if (run->self->staged)
            for (guint i = 0; i < run->scenes->len; i++)
              _heyai_pipeline_scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), FALSE);
        }
    }

  _heyai_pipeline_run_emit_progress (run);
}

/* Ends a job that did not produce its file: failed (with @error) or cancelled. */
void
_heyai_pipeline_job_stop (JobCtx             *ctx,
                          HeyaiJobState       state,
                          const GError       *error)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  g_autofree char *message = NULL;

  if (ctx->finished)
    return;

  _heyai_pipeline_job_dequeue (ctx);

  if (error != NULL)
    message = _heyai_pipeline_scene_message (ctx->scene, error->message);

  heyai_job_set_state (ctx->job, state);
  if (message != NULL)
    heyai_job_set_last_error (ctx->job, message);
  _heyai_pipeline_save_job (run, ctx->job);

  if (ctx->scene != NULL)
    {
      if (state == HEYAI_JOB_STATE_FAILED)
        {
          ctx->sctx->failed = TRUE;
          heyai_scene_set_status (ctx->scene, HEYAI_SCENE_STATUS_FAILED);
          heyai_scene_set_last_error (ctx->scene, message);
        }
      else
        heyai_scene_set_status (ctx->scene, _heyai_pipeline_scene_resting_status (run->self->store, ctx->scene));
      heyai_scene_set_progress (ctx->scene, 0);
      _heyai_pipeline_save_scene (run, ctx->scene);
    }

  if (state == HEYAI_JOB_STATE_FAILED)
    {
      run->summary.n_failed++;
      if (run->first_error == NULL && error != NULL)
        run->first_error = g_error_new_literal (error->domain, error->code, message);
      if (message != NULL)
        g_signal_emit (self, signals[MESSAGE], 0, message);
    }
  else
    run->summary.n_cancelled++;

  job_mark_finished (ctx);
}

static void
job_fail_or_cancel (JobCtx       *ctx,
                    const GError *error)
{
  if (_heyai_pipeline_is_cancel_error (error) ||
      g_cancellable_is_cancelled (ctx->cancellable))
    _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
  else
    _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
}

/* The asset is in the store and published: select the take, end the job. */
void
_heyai_pipeline_job_complete (JobCtx *ctx)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  HeyaiScene *scene = ctx->scene;
  int take = heyai_job_get_take (ctx->job);
  double cost = ctx->asset ? heyai_asset_get_cost (ctx->asset) : 0;

  switch (heyai_job_get_kind (ctx->job))
    {
    case HEYAI_JOB_KIND_IMAGE:
      heyai_scene_set_image_take (scene, take);
      if (run->flags & HEYAI_RUN_AUTO_APPROVE)
        heyai_scene_set_approval (scene, HEYAI_APPROVAL_APPROVED);
      else
        heyai_scene_set_approval (scene, HEYAI_APPROVAL_PENDING);
      heyai_scene_set_status (scene, heyai_scene_get_approval (scene) == HEYAI_APPROVAL_APPROVED
                                     ? HEYAI_SCENE_STATUS_APPROVED : HEYAI_SCENE_STATUS_READY);
      heyai_scene_set_last_error (scene, NULL);
      heyai_scene_set_progress (scene, 0);
      ctx->sctx->new_still = TRUE;
      _heyai_pipeline_save_scene (run, scene);
      _heyai_pipeline_emit_message (self, _("Scene %d: still ready"), heyai_scene_get_position (scene));
      break;

    case HEYAI_JOB_KIND_CLIP:
      heyai_scene_set_clip_take (scene, take);
      heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_CLIP_READY);
      heyai_scene_set_last_error (scene, NULL);
      heyai_scene_set_progress (scene, 0);
      _heyai_pipeline_save_scene (run, scene);
      _heyai_pipeline_emit_message (self, _("Scene %d: clip ready"), heyai_scene_get_position (scene));
      break;

    case HEYAI_JOB_KIND_ANALYZE:
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      break;
    }

  _heyai_pipeline_ledger_collected (ctx, cost);

  heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_DONE);
  heyai_job_set_progress (ctx->job, 1.0);
  heyai_job_set_last_error (ctx->job, NULL);
  _heyai_pipeline_save_job (run, ctx->job);

  run->summary.n_done++;
  run->summary.cost += cost;
  /* The ledger holds the estimate charged at start; replace it with the real cost. */
  run->ledger += cost - ctx->charged;
  ctx->charged = cost;

  job_mark_finished (ctx);

  /* A still is done: its clip may start now (auto mode); in review mode this
   * is also when approvals given meanwhile are picked up. */
  if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_IMAGE)
    {
      if (run->flags & HEYAI_RUN_AUTO_APPROVE)
        _heyai_pipeline_scene_maybe_animate (run, ctx->sctx, FALSE);
      else
        for (guint i = 0; i < run->scenes->len; i++)
          _heyai_pipeline_scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), TRUE);
    }
}

/* ---------------------------------------------------------------------- */
/* Publish step                                                           */

static void
publish_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  JobCtx *ctx = user_data;
  Run *run = ctx->run;
  g_autoptr(GError) error = NULL;

  run->pending_ops--;
  ctx->in_flight = FALSE;
  _heyai_pipeline_job_detach_signals (ctx);
  _heyai_pipeline_release_slot (ctx);

  if (!heyai_storage_publish_finish (HEYAI_STORAGE (object), result, &error))
    {
      if (!_heyai_pipeline_is_cancel_error (error))
        {
          g_autoptr(GError) wrapped = NULL;
          wrapped = g_error_new (error->domain, error->code,
                                 _("The file was made but could not be stored: %s"),
                                 error->message);
          _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, wrapped);
        }
      else
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
    }
  else
    {
      g_autoptr(GError) store_error = NULL;

      if (!heyai_store_update_asset (run->self->store, ctx->asset, &store_error))
        _heyai_pipeline_run_fatal (run, g_steal_pointer (&store_error));
      _heyai_pipeline_job_complete (ctx);
    }

  _heyai_pipeline_dispatch (run->self);
  _heyai_pipeline_run_check_done (run);
}

void
_heyai_pipeline_job_start_publish (JobCtx *ctx)
{
  Run *run = ctx->run;

  if (heyai_job_get_state (ctx->job) != HEYAI_JOB_STATE_UPLOADING)
    {
      heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_UPLOADING);
      if (!_heyai_pipeline_save_job (run, ctx->job))
        {
          _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
          return;
        }
    }

  /* A resumable upload's session URI is committed as soon as it is known,
   * like a remote id. */
  ctx->remote_id_handler = g_signal_connect (ctx->job, "notify::upload-session",
                                             G_CALLBACK (job_remote_id_cb), ctx);
  ctx->progress_handler = g_signal_connect (ctx->job, "notify::progress",
                                            G_CALLBACK (job_progress_cb), ctx);

  /* The storage gets the session to resume as a value and reports through
   * the job's reporter, like a provider. */
  g_assert (ctx->reporter == NULL);
  ctx->reporter = heyai_gen_reporter_new (&job_reporter_funcs, ctx, NULL);

  run->pending_ops++;
  ctx->in_flight = TRUE;
  heyai_storage_publish_async (run->self->storage, run->project, ctx->asset,
                               heyai_job_get_upload_session (ctx->job), ctx->reporter,
                               ctx->cancellable, publish_cb, ctx);
}

/* ---------------------------------------------------------------------- */
/* Hashing (GTask thread) and the asset row                               */

typedef struct
{
  char   *sha256;
  gint64  size;
} HashResult;

static void
hash_result_free (HashResult *hash)
{
  g_free (hash->sha256);
  g_free (hash);
}

static void
hash_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  HashResult *hash;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not read %s"), path);
      heyai_set_io_error (&error, saved_errno, what);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  hash = g_new0 (HashResult, 1);
  hash->size = st.st_size;
  hash->sha256 = heyai_file_sha256 (path, cancellable, &error);
  if (hash->sha256 == NULL)
    {
      hash_result_free (hash);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, hash, (GDestroyNotify) hash_result_free);
}

static void
hash_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  JobCtx *ctx = user_data;
  Run *run = ctx->run;
  HeyaiGenResult *gen = ctx->result;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) asset = NULL;
  g_autofree char *id = NULL;
  HashResult *hash;

  run->pending_ops--;
  ctx->in_flight = FALSE;

  hash = g_task_propagate_pointer (G_TASK (result), &error);
  if (hash == NULL)
    {
      _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
      _heyai_pipeline_run_check_done (run);
      return;
    }

  if (ctx->stop_requested || g_cancellable_is_cancelled (ctx->cancellable))
    {
      hash_result_free (hash);
      _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      _heyai_pipeline_run_check_done (run);
      return;
    }

  id = heyai_uuid_new ();
  asset = heyai_asset_new ();
  heyai_asset_set_id (asset, id);
  heyai_asset_set_project_id (asset, heyai_project_get_id (run->project));
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (ctx->scene));
  heyai_asset_set_kind (asset, _heyai_pipeline_asset_kind_for_job (ctx->job));
  heyai_asset_set_take (asset, heyai_job_get_take (ctx->job));
  heyai_asset_set_provider (asset, gen->provider ? gen->provider : heyai_job_get_provider (ctx->job));
  heyai_asset_set_model (asset, gen->model ? gen->model : "");
  heyai_asset_set_params (asset, gen->params ? gen->params : "{}");
  heyai_asset_set_request_id (asset, gen->request_id ? gen->request_id : heyai_job_get_remote_id (ctx->job));
  heyai_asset_set_remote_url (asset, gen->remote_url);
  heyai_asset_set_seed (asset, gen->seed);
  heyai_asset_set_cost (asset, gen->cost);
  heyai_asset_set_local_path (asset, gen->path);
  heyai_asset_set_size (asset, hash->size);
  heyai_asset_set_sha256 (asset, hash->sha256);
  heyai_asset_set_created_at (asset, g_get_real_time ());
  hash_result_free (hash);

  /* What the take was made from (a clip: the still it animated). */
  if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_CLIP && ctx->source_still == NULL)
    ctx->source_still = heyai_store_get_asset (run->self->store, heyai_scene_get_id (ctx->scene),
                                               HEYAI_ASSET_KIND_IMAGE,
                                               heyai_scene_get_image_take (ctx->scene), NULL);
  if (ctx->previous_clip != NULL && heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_IMAGE)
    heyai_lineage_fill_continued (run->project, ctx->scene, asset, ctx->previous_clip);
  else
    {
      if (ctx->cast == NULL)
        ctx->cast = _heyai_pipeline_scene_cast (run->self, ctx->scene);
      heyai_lineage_fill_with_cast (run->project, ctx->scene, asset,
                                    heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_CLIP ? ctx->source_still : NULL,
                                    gen->params, ctx->cast, ctx->references_note);
      /* The next shot's still it ends on, when the animator took it. */
      if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_CLIP &&
          heyai_store_scene_ends_on_next (run->self->store, heyai_scene_get_id (ctx->scene)))
        heyai_lineage_set_end_frame (run->project, ctx->scene, asset, ctx->source_still,
                                     gen->end_frame_sent ? ctx->end_still : NULL);
    }

  if (!heyai_store_insert_asset (run->self->store, asset, &error))
    {
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
      _heyai_pipeline_run_check_done (run);
      return;
    }

  g_set_object (&ctx->asset, asset);
  _heyai_pipeline_job_enqueue (ctx, STEP_PUBLISH);
  _heyai_pipeline_dispatch (run->self);
}

/* ---------------------------------------------------------------------- */
/* Work step                                                              */

/* The provider's reports (HeyaiGenReporter): the pipeline is the only
 * writer of the job.  Each lands on the job here; the job's notify
 * handlers below save it (the remote id to the job row and the ledger
 * before the provider polls), update the scene and tell the window. */

static void
report_remote_id (const char *remote_id,
                  gpointer    user_data)
{
  JobCtx *ctx = user_data;

  heyai_job_set_remote_id (ctx->job, remote_id);
}

static void
report_idempotency_key (const char *key,
                        gpointer    user_data)
{
  JobCtx *ctx = user_data;

  heyai_job_set_idempotency_key (ctx->job, key);
}

static void
report_state (HeyaiJobState state,
              gpointer      user_data)
{
  JobCtx *ctx = user_data;

  heyai_job_set_state (ctx->job, state);
}

static void
report_progress (double   fraction,
                 gpointer user_data)
{
  JobCtx *ctx = user_data;

  heyai_job_set_progress (ctx->job, fraction);
}

static void
report_waiting (const char *message,
                gpointer    user_data)
{
  JobCtx *ctx = user_data;

  heyai_job_set_last_error (ctx->job, message);
}

/* The storage's resumable upload session (publish step): committed by
 * job_remote_id_cb, on the job's notify. */
static void
report_upload_session (const char *session_uri,
                       gpointer    user_data)
{
  JobCtx *ctx = user_data;

  heyai_job_set_upload_session (ctx->job, session_uri);
}

static const HeyaiGenReporterFuncs job_reporter_funcs = {
  .remote_id = report_remote_id,
  .idempotency_key = report_idempotency_key,
  .state = report_state,
  .progress = report_progress,
  .waiting = report_waiting,
  .upload_session = report_upload_session,
};

void
_heyai_pipeline_job_references (JobCtx     *ctx,
                                GPtrArray  *references,
                                char      **end_frame_path)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  HeyaiJobKind kind = heyai_job_get_kind (ctx->job);
  g_autoptr(GPtrArray) paths = NULL;
  g_autofree char *reason = NULL;

  g_assert (references != NULL);
  g_assert (end_frame_path != NULL && *end_frame_path == NULL);

  if (ctx->scene == NULL)
    return;

  /* The cast's reference images, when the provider takes them (what it
   * cannot take was said when the job started: ctx->references_note). */
  paths = _heyai_pipeline_scene_references (self, kind == HEYAI_JOB_KIND_CLIP ? HEYAI_ROLE_ANIMATOR
                                                                              : HEYAI_ROLE_IMAGER,
                                            run->project, ctx->cast, &reason);
  for (guint i = 0; paths != NULL && i < paths->len; i++)
    g_ptr_array_add (references, g_strdup (g_ptr_array_index (paths, i)));

  /* End on next shot's still, where the animator takes an end frame. */
  if (kind == HEYAI_JOB_KIND_CLIP && heyai_store_scene_ends_on_next (self->store, heyai_scene_get_id (ctx->scene)))
    {
      g_autofree char *end_reason = NULL;

      *end_frame_path = _heyai_pipeline_scene_end_frame (self, ctx->scene, &end_reason);
      g_clear_object (&ctx->end_still);
      if (*end_frame_path != NULL)
        ctx->end_still = heyai_store_next_still (self->store, ctx->scene);
    }
}

static void
job_remote_id_cb (HeyaiJob   *job,
                  GParamSpec *pspec,
                  JobCtx     *ctx)
{
  /* An upload session cleared by a finished upload is saved with the job's
   * end, after the asset row holds the Drive file id: a kill in between
   * must not leave neither (the file would be uploaded twice). */
  if (ctx->step == STEP_PUBLISH && heyai_job_get_upload_session (job) == NULL)
    return;

  /* Committed before the provider starts polling. */
  _heyai_pipeline_save_job (ctx->run, job);
  _heyai_pipeline_ledger_remote_id (ctx);
}

/* A provider waiting on a request (a status outage) says so on the job:
 * the scene shows it, in plain words, without failing. */
static void
job_last_error_cb (HeyaiJob   *job,
                   GParamSpec *pspec,
                   JobCtx     *ctx)
{
  const char *message = heyai_job_get_last_error (job);

  /* Only what the provider says while it works (not a cancellation read
   * back from the store). */
  if (ctx->scene == NULL || ctx->finished || !ctx->in_flight || ctx->step != STEP_WORK ||
      ctx->stop_requested || heyai_job_get_state (job) == HEYAI_JOB_STATE_CANCELLED)
    return;
  if (message != NULL)
    {
      g_autofree char *scene_message = _heyai_pipeline_scene_message (ctx->scene, message);

      if (g_strcmp0 (heyai_scene_get_last_error (ctx->scene), scene_message) == 0)
        return;
      heyai_scene_set_last_error (ctx->scene, scene_message);
      g_signal_emit (ctx->run->self, signals[MESSAGE], 0, scene_message);
    }
  else
    heyai_scene_set_last_error (ctx->scene, NULL);
  _heyai_pipeline_save_scene (ctx->run, ctx->scene);
  _heyai_pipeline_save_job (ctx->run, job);
}

static void
job_progress_cb (HeyaiJob   *job,
                 GParamSpec *pspec,
                 JobCtx     *ctx)
{
  if (ctx->scene != NULL)
    heyai_scene_set_progress (ctx->scene, heyai_job_get_progress (job));
  g_signal_emit (ctx->run->self, signals[JOB_CHANGED], 0, job);
}

/* The provider's file is on disk: hash it, then the asset row. */
static void
job_got_result (JobCtx         *ctx,
                HeyaiGenResult *gen)
{
  Run *run = ctx->run;
  g_autoptr(GTask) task = NULL;

  g_clear_pointer (&ctx->result, heyai_gen_result_free);
  ctx->result = gen;
  heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_DOWNLOADING);
  _heyai_pipeline_save_job (run, ctx->job);

  /* sha256 and size off the main thread, at the background pool's low
   * priority: at normal priority the hash took a core from the window's main
   * loop on a 2-core machine. */
  run->pending_ops++;
  ctx->in_flight = TRUE;
  task = g_task_new (NULL, NULL, hash_cb, ctx);
  g_task_set_source_tag (task, job_got_result);
  g_task_set_task_data (task, g_strdup (ctx->result->path), g_free);
  heyai_background_run_quick (task, hash_worker, (GDestroyNotify) hash_result_free);
}

static void
work_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  JobCtx *ctx = user_data;
  Run *run = ctx->run;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(GError) error = NULL;

  run->pending_ops--;
  ctx->in_flight = FALSE;
  _heyai_pipeline_job_detach_signals (ctx);
  _heyai_pipeline_release_slot (ctx);

  if (_heyai_pipeline_is_continue_result (result))
    gen = _heyai_pipeline_continue_finish (result, &error);
  else if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_CLIP)
    gen = heyai_animator_animate_finish (HEYAI_ANIMATOR (object), result, &error);
  else
    gen = heyai_imager_generate_finish (HEYAI_IMAGER (object), result, &error);

  if (gen == NULL || gen->path == NULL)
    {
      gboolean cancelled = ctx->stop_requested || g_cancellable_is_cancelled (ctx->cancellable);

      if (error == NULL)
        g_set_error_literal (&error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                             _("The service returned no file."));

      /* The account's capacity refused it (nothing accepted): the same
       * request, its ledger row kept, waits at the head of the queue. */
      if (!cancelled && _heyai_pipeline_capacity_refused (ctx, error))
        {
          _heyai_pipeline_dispatch (run->self);
          _heyai_pipeline_run_check_done (run);
          return;
        }

      /* The ledger keeps what was paid for; a request the provider no
       * longer has is replaced at once by a new one. */
      if (_heyai_pipeline_ledger_failed (ctx, error, cancelled) && !cancelled && run->fatal == NULL)
        {
          g_autofree char *key = heyai_uuid_new ();

          ctx->harvest_retried = TRUE;
          heyai_job_set_remote_id (ctx->job, NULL);
          heyai_job_set_idempotency_key (ctx->job, key);
          heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_QUEUED);
          g_clear_pointer (&ctx->request, heyai_request_free);
          _heyai_pipeline_save_job (run, ctx->job);
          _heyai_pipeline_job_enqueue (ctx, STEP_WORK);
          _heyai_pipeline_dispatch (run->self);
          _heyai_pipeline_run_check_done (run);
          return;
        }

      if (cancelled)
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      else
        job_fail_or_cancel (ctx, error);
      _heyai_pipeline_dispatch (run->self);
      _heyai_pipeline_run_check_done (run);
      return;
    }

  /* The file is on disk: the ledger remembers it before anything else can fail. */
  _heyai_pipeline_ledger_result (ctx, gen);
  _heyai_pipeline_capacity_success (ctx);

  if (ctx->stop_requested)
    {
      _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      _heyai_pipeline_dispatch (run->self);
      _heyai_pipeline_run_check_done (run);
      return;
    }

  /* References or an end frame asked for and not sent: said, never silent. */
  if (gen->references_note != NULL && ctx->scene != NULL)
    {
      g_autofree char *message = _heyai_pipeline_scene_message (ctx->scene, gen->references_note);

      g_signal_emit (run->self, signals[MESSAGE], 0, message);
      /* ...and kept in the take's lineage (and so the manifest). */
      if (ctx->references_note == NULL)
        ctx->references_note = g_strdup (gen->references_note);
      else if (strstr (ctx->references_note, gen->references_note) == NULL)
        {
          char *both = g_strdup_printf ("%s · %s", ctx->references_note, gen->references_note);

          g_free (ctx->references_note);
          ctx->references_note = both;
        }
    }

  job_got_result (ctx, g_steal_pointer (&gen));
  _heyai_pipeline_dispatch (run->self);
}

void
_heyai_pipeline_job_start_work (JobCtx *ctx)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  HeyaiJobKind kind = heyai_job_get_kind (ctx->job);
  g_autoptr(HeyaiAsset) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *still_path = NULL;

  /* A cancel written while the job was starting (from the window or
   * `heyai cancel`, after the last poll) wins over "running"; read before
   * anything changes the job in memory. */
  if (_heyai_pipeline_job_cancelled_elsewhere (ctx))
    {
      ctx->stop_requested = TRUE;
      if (ctx->sctx != NULL)
        ctx->sctx->stopped = TRUE;
      _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      return;
    }

  if (kind == HEYAI_JOB_KIND_IMAGE || kind == HEYAI_JOB_KIND_CLIP)
    {
      /* Done work is never redone: the take's file may already be in the store
       * (a crash between the asset row and the job's "done"). */
      existing = heyai_store_get_asset (self->store, heyai_scene_get_id (ctx->scene),
                                        _heyai_pipeline_asset_kind_for_job (ctx->job),
                                        heyai_job_get_take (ctx->job), NULL);
      if (existing != NULL)
        {
          _heyai_pipeline_release_slot (ctx);
          g_set_object (&ctx->asset, existing);
          if (heyai_asset_get_view_link (existing) != NULL ||
              heyai_asset_get_drive_file_id (existing) != NULL)
            _heyai_pipeline_job_complete (ctx);
          else
            _heyai_pipeline_job_enqueue (ctx, STEP_PUBLISH);
          return;
        }
    }

  /* Harvest before submit: a request that already paid for the same
   * inputs is collected instead (heyai-pipeline-ledger.c). */
  if (kind == HEYAI_JOB_KIND_IMAGE || kind == HEYAI_JOB_KIND_CLIP)
    {
      g_autoptr(HeyaiAsset) harvested = NULL;

      switch (_heyai_pipeline_job_harvest (ctx, &harvested))
        {
        case HARVEST_STOPPED:
          return;
        case HARVEST_ASSET:
          _heyai_pipeline_release_slot (ctx);
          if (!_heyai_pipeline_save_job (run, ctx->job))
            {
              _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
              return;
            }
          _heyai_pipeline_ledger_save (ctx);
          g_set_object (&ctx->asset, harvested);
          if (heyai_asset_get_view_link (harvested) != NULL ||
              heyai_asset_get_drive_file_id (harvested) != NULL)
            _heyai_pipeline_job_complete (ctx);
          else
            _heyai_pipeline_job_enqueue (ctx, STEP_PUBLISH);
          return;
        case HARVEST_FILE:
          {
            HeyaiGenResult *gen = heyai_gen_result_new ();

            _heyai_pipeline_release_slot (ctx);
            _heyai_pipeline_ledger_save (ctx);
            gen->path = g_strdup (ctx->request->local_path);
            gen->provider = g_strdup (ctx->request->provider);
            gen->model = g_strdup (ctx->request->model);
            gen->request_id = g_strdup (ctx->request->remote_id);
            gen->cost = ctx->request->cost;
            job_got_result (ctx, gen);
            return;
          }
        case HARVEST_RESUME:
          _heyai_pipeline_ledger_save (ctx);
          break;
        case HARVEST_NONE:
        default:
          /* A run that only collects never pays for something new. */
          if (run->flags & HEYAI_RUN_COLLECT)
            {
              _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
              return;
            }
          break;
        }
    }

  if (kind == HEYAI_JOB_KIND_CLIP)
    {
      g_autoptr(HeyaiAsset) still = NULL;

      still = heyai_store_get_asset (self->store, heyai_scene_get_id (ctx->scene),
                                     HEYAI_ASSET_KIND_IMAGE,
                                     heyai_scene_get_image_take (ctx->scene), NULL);
      if (still == NULL || heyai_asset_get_local_path (still) == NULL)
        {
          g_set_error_literal (&error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                               _("The scene has no still to animate. Generate a still first."));
          _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
          return;
        }
      still_path = g_strdup (heyai_asset_get_local_path (still));
      g_set_object (&ctx->source_still, still);
    }

  /* Continue from previous shot: the still is the last frame of the
   * previous scene's current clip. */
  g_clear_object (&ctx->previous_clip);
  if (kind == HEYAI_JOB_KIND_IMAGE && ctx->scene != NULL &&
      heyai_store_scene_continues (self->store, heyai_scene_get_id (ctx->scene)))
    {
      ctx->previous_clip = heyai_store_previous_clip (self->store, ctx->scene);
      if (ctx->previous_clip == NULL || heyai_asset_get_local_path (ctx->previous_clip) == NULL ||
          !g_file_test (heyai_asset_get_local_path (ctx->previous_clip), G_FILE_TEST_IS_REGULAR))
        {
          g_clear_object (&ctx->previous_clip);
          g_set_error (&error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                       _("It continues from the previous shot, which has no clip on this computer yet. "
                         "Animate scene %d first."),
                       heyai_scene_get_position (ctx->scene) - 1);
          _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
          return;
        }
    }

  /* A store failure here (disk full) ends the job; the run stops. */
  heyai_job_set_attempts (ctx->job, heyai_job_get_attempts (ctx->job) + 1);
  heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_RUNNING);
  heyai_job_set_last_error (ctx->job, NULL);
  if (!_heyai_pipeline_save_job (run, ctx->job))
    {
      _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
      return;
    }

  if (ctx->scene != NULL)
    {
      heyai_scene_set_status (ctx->scene, kind == HEYAI_JOB_KIND_CLIP ? HEYAI_SCENE_STATUS_ANIMATING
                                                                     : HEYAI_SCENE_STATUS_RENDERING);
      heyai_scene_set_progress (ctx->scene, 0);
      heyai_scene_set_last_error (ctx->scene, NULL);
      if (!_heyai_pipeline_save_scene (run, ctx->scene))
        {
          _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
          return;
        }
    }

  /* The ledger row of a paid request is written before it is sent. */
  if (ctx->request == NULL &&
      (heyai_job_get_cost (ctx->job) > 0 ||
       (kind == HEYAI_JOB_KIND_ANALYZE && heyai_provider_is_paid (HEYAI_ROLE_LLM, heyai_job_get_provider (ctx->job)))) &&
      !_heyai_pipeline_ledger_open (ctx))
    {
      _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
      return;
    }

  ctx->remote_id_handler = g_signal_connect (ctx->job, "notify::remote-id",
                                             G_CALLBACK (job_remote_id_cb), ctx);
  ctx->progress_handler = g_signal_connect (ctx->job, "notify::progress",
                                            G_CALLBACK (job_progress_cb), ctx);
  ctx->last_error_handler = g_signal_connect (ctx->job, "notify::last-error",
                                              G_CALLBACK (job_last_error_cb), ctx);

  /* The bible: the cast's descriptions go into the prompts; references
   * the provider cannot take are said so in the take's lineage. */
  if (ctx->scene != NULL && ((kind == HEYAI_JOB_KIND_IMAGE && ctx->previous_clip == NULL) ||
                             kind == HEYAI_JOB_KIND_CLIP))
    {
      g_clear_pointer (&ctx->cast, g_ptr_array_unref);
      g_clear_pointer (&ctx->references_note, g_free);
      ctx->cast = _heyai_pipeline_scene_cast (self, ctx->scene);
      ctx->references_note = _heyai_pipeline_references_note (self, kind == HEYAI_JOB_KIND_CLIP ? HEYAI_ROLE_ANIMATOR
                                                                                                 : HEYAI_ROLE_IMAGER,
                                                              run->project, ctx->cast);
      /* End on next shot's still: said when the animator cannot. */
      if (kind == HEYAI_JOB_KIND_CLIP && heyai_store_scene_ends_on_next (self->store, heyai_scene_get_id (ctx->scene)))
        {
          g_autofree char *reason = NULL;
          g_autofree char *end_frame = _heyai_pipeline_scene_end_frame (self, ctx->scene, &reason);

          if (reason != NULL)
            {
              g_autofree char *note = g_strdup_printf (_("End frame not applied (%s)"), reason);
              char *both = ctx->references_note != NULL ? g_strdup_printf ("%s · %s", ctx->references_note, note)
                                                        : g_strdup (note);

              g_free (ctx->references_note);
              ctx->references_note = both;
            }
        }
      if (ctx->references_note != NULL)
        _heyai_pipeline_emit_message (self, _("Scene %d: %s"), heyai_scene_get_position (ctx->scene),
                                      ctx->references_note);
    }

  run->pending_ops++;
  ctx->in_flight = TRUE;

  /* Continue from previous shot: the still is the previous clip's last
   * frame, made here (no provider, nothing paid). */
  if (kind == HEYAI_JOB_KIND_IMAGE && ctx->previous_clip != NULL)
    {
      _heyai_pipeline_continue_async (self, ctx->scene, ctx->job, ctx->previous_clip, run->images_dir,
                                      ctx->cancellable, work_done_cb, ctx);
      return;
    }

  if (kind == HEYAI_JOB_KIND_IMAGE || kind == HEYAI_JOB_KIND_CLIP)
    {
      g_autoptr(GPtrArray) references = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *end_frame = NULL;
      HeyaiGenInput input;

      /* The provider gets values and a reporter, never the job. */
      heyai_gen_input_init_from_job (&input, ctx->job);
      input.dest_dir = kind == HEYAI_JOB_KIND_CLIP ? run->clips_dir : run->images_dir;
      input.still_path = still_path;
      _heyai_pipeline_job_references (ctx, references, &end_frame);
      input.end_frame_path = end_frame;
      if (references->len > 0)
        {
          g_ptr_array_add (references, NULL);
          input.reference_paths = (const char * const *) references->pdata;
        }
      g_assert (ctx->reporter == NULL);
      ctx->reporter = heyai_gen_reporter_new (&job_reporter_funcs, ctx, NULL);

      if (kind == HEYAI_JOB_KIND_IMAGE)
        heyai_imager_generate_async (self->imager, run->project, ctx->scene, &input, ctx->reporter,
                                     ctx->cancellable, work_done_cb, ctx);
      else
        heyai_animator_animate_async (self->animator, run->project, ctx->scene, &input, ctx->reporter,
                                      ctx->cancellable, work_done_cb, ctx);
      return;
    }

  switch (kind)
    {
    case HEYAI_JOB_KIND_ANALYZE:
      heyai_llm_split_async (self->llm, run->project, ctx->cancellable, _heyai_pipeline_analyze_done_cb, ctx);
      break;
    case HEYAI_JOB_KIND_IMAGE:
    case HEYAI_JOB_KIND_CLIP:
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      g_assert_not_reached ();
    }
}
