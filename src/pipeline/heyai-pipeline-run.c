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
 *      concurrency limit; dispatch() starts queued work while a slot is free.
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

typedef struct _Run Run;

typedef enum
{
  STEP_WORK,     /* provider work (llm split, still, clip) */
  STEP_PUBLISH,  /* storage publish of the asset */
} Step;

typedef struct
{
  Run            *run;          /* borrowed: the run owns its jobs */
  HeyaiJob       *job;
  HeyaiScene     *scene;        /* NULL for the analyze job */
  struct _SceneCtx *sctx;       /* NULL for the analyze job */
  Step            step;
  HeyaiRole       role;         /* role of the current step */
  GCancellable   *cancellable;
  gulong          remote_id_handler;
  gulong          progress_handler;
  HeyaiGenResult *result;
  HeyaiAsset     *asset;
  double          charged;      /* cost added to the ledger */
  guint           queued : 1;
  guint           in_flight : 1;
  guint           holds_slot : 1;
  guint           finished : 1;
  guint           stop_requested : 1;
} JobCtx;

typedef struct _SceneCtx
{
  HeyaiScene *scene;
  JobCtx     *image;            /* this run's image job, if any */
  JobCtx     *clip;             /* this run's clip job, if any */
  guint       new_still : 1;    /* a still was made in this run */
  guint       failed : 1;       /* a job of this scene failed in this run */
  guint       wants_clip : 1;   /* HEYAI_RUN_ANIMATE and in scope */
  guint       stopped : 1;      /* a job of this scene was cancelled from elsewhere */
} SceneCtx;

struct _Run
{
  gatomicrefcount   ref_count;
  HeyaiPipeline    *self;
  GTask            *task;
  GMainContext     *context;
  HeyaiProject     *project;
  HeyaiRunFlags     flags;
  int               scene_position;
  GCancellable     *cancellable;        /* the run's own */
  GCancellable     *caller_cancellable;
  gulong            caller_handler;
  GPtrArray        *jobs;               /* JobCtx*, owned */
  GPtrArray        *scenes;             /* SceneCtx*, owned */
  JobCtx           *analyze;
  char             *images_dir;
  char             *clips_dir;
  GSource          *poll_source;
  guint             pending_ops;        /* async calls not yet called back */
  guint             images_outstanding; /* image jobs of the run not final */
  double            ledger;             /* USD charged by this run */
  GError           *fatal;              /* store or disk failure: stops the run */
  GError           *first_error;        /* first scene failure */
  GError           *budget_error;
  gboolean          analysis_failed;
  gboolean          planned;
  gboolean          completed;
  gboolean          external_cancel;
  gboolean          cancel_handled;
  gboolean          complete_scheduled;
  gint64            started_real;       /* wall clock µs at start */
  gboolean          owns_project;       /* wrote the owner marker */
  HeyaiRunSummary   summary;
};

static void dispatch          (HeyaiPipeline *self);
static void job_enqueue       (JobCtx *ctx, Step step);
static void job_stop          (JobCtx *ctx, HeyaiJobState state, const GError *error);
static void run_check_done    (Run *run);
static void run_plan          (Run *run);
static void scene_maybe_animate (Run *run, SceneCtx *sctx, gboolean refresh);
static void job_remote_id_cb  (HeyaiJob *job, GParamSpec *pspec, JobCtx *ctx);
static void job_progress_cb   (HeyaiJob *job, GParamSpec *pspec, JobCtx *ctx);

/* ---------------------------------------------------------------------- */
/* Small helpers                                                          */

static HeyaiRole
role_for_kind (HeyaiJobKind kind)
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

static HeyaiAssetKind
asset_kind_for_job (HeyaiJob *job)
{
  return heyai_job_get_kind (job) == HEYAI_JOB_KIND_CLIP ? HEYAI_ASSET_KIND_CLIP
                                                         : HEYAI_ASSET_KIND_IMAGE;
}

static char *
busy_scene_key (HeyaiScene   *scene,
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

static gboolean
is_cancel_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CANCELLED);
}

/* "Scene 3: <message>", unless the provider already named the scene. */
static char *
scene_message (HeyaiScene *scene,
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

static void
emit_message (HeyaiPipeline *self,
              const char    *format,
              ...) G_GNUC_PRINTF (2, 3);

static void
emit_message (HeyaiPipeline *self,
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
static HeyaiSceneStatus
scene_resting_status (HeyaiScene *scene)
{
  if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
    return HEYAI_SCENE_STATUS_REJECTED;
  if (heyai_scene_get_image_take (scene) <= 0)
    return HEYAI_SCENE_STATUS_PENDING;
  if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_APPROVED)
    return heyai_scene_get_clip_take (scene) > 0 ? HEYAI_SCENE_STATUS_CLIP_READY
                                                 : HEYAI_SCENE_STATUS_APPROVED;
  return HEYAI_SCENE_STATUS_READY;
}

/* ---------------------------------------------------------------------- */
/* Store writes: small, on the main context.  A failure stops the run.    */

static void run_fatal (Run *run, GError *error);

static gboolean
save_job (Run      *run,
          HeyaiJob *job)
{
  g_autoptr(GError) error = NULL;

  if (!heyai_store_update_job (run->self->store, job, &error))
    {
      run_fatal (run, g_steal_pointer (&error));
      return FALSE;
    }

  g_signal_emit (run->self, signals[JOB_CHANGED], 0, job);
  return TRUE;
}

static gboolean
save_scene (Run        *run,
            HeyaiScene *scene)
{
  g_autoptr(GError) error = NULL;

  if (!heyai_store_update_scene (run->self->store, scene, &error))
    {
      run_fatal (run, g_steal_pointer (&error));
      return FALSE;
    }

  g_signal_emit (run->self, signals[SCENE_CHANGED], 0, scene);
  return TRUE;
}

static void
set_project_status (Run                *run,
                    HeyaiProjectStatus  status)
{
  g_autoptr(GError) error = NULL;

  if (heyai_project_get_status (run->project) == status)
    return;

  heyai_project_set_status (run->project, status);
  if (!heyai_store_update_project (run->self->store, run->project, &error))
    run_fatal (run, g_steal_pointer (&error));
}

/* ---------------------------------------------------------------------- */
/* Runs and jobs: lifetime                                                */

static void
job_ctx_free (JobCtx *ctx)
{
  if (ctx->remote_id_handler != 0)
    g_clear_signal_handler (&ctx->remote_id_handler, ctx->job);
  if (ctx->progress_handler != 0)
    g_clear_signal_handler (&ctx->progress_handler, ctx->job);
  g_clear_object (&ctx->job);
  g_clear_object (&ctx->scene);
  g_clear_object (&ctx->cancellable);
  g_clear_pointer (&ctx->result, heyai_gen_result_free);
  g_clear_object (&ctx->asset);
  g_free (ctx);
}

static void
scene_ctx_free (SceneCtx *sctx)
{
  g_clear_object (&sctx->scene);
  g_free (sctx);
}

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
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

static JobCtx *
run_adopt_job (Run        *run,
               HeyaiJob   *job,
               HeyaiScene *scene,
               SceneCtx   *sctx)
{
  JobCtx *ctx = g_new0 (JobCtx, 1);

  ctx->run = run;
  ctx->job = g_object_ref (job);
  ctx->scene = scene ? g_object_ref (scene) : NULL;
  ctx->sctx = sctx;
  ctx->role = role_for_kind (heyai_job_get_kind (job));
  ctx->cancellable = g_cancellable_new ();
  g_ptr_array_add (run->jobs, ctx);

  g_hash_table_add (run->self->busy, g_strdup (heyai_job_get_id (job)));
  if (scene != NULL)
    g_hash_table_add (run->self->busy, busy_scene_key (scene, heyai_job_get_kind (job)));

  if (heyai_job_get_kind (job) == HEYAI_JOB_KIND_IMAGE)
    run->images_outstanding++;

  return ctx;
}

/* Writes a new job row (state queued) before any work starts. */
static JobCtx *
run_new_job (Run          *run,
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
      cost = heyai_imager_estimate_cost (self->imager, scene);
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
      run_fatal (run, g_steal_pointer (&error));
      return NULL;
    }

  g_signal_emit (self, signals[JOB_CHANGED], 0, job);
  return run_adopt_job (run, job, scene, sctx);
}

static void
run_emit_progress (Run *run)
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

static SceneCtx *
run_find_scene (Run        *run,
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
/* Role queues                                                            */

static guint
effective_limit (HeyaiPipeline *self,
                 HeyaiRole      role)
{
  return MAX (self->limits[role], 1);
}

static void
release_slot (JobCtx *ctx)
{
  HeyaiPipeline *self = ctx->run->self;

  if (!ctx->holds_slot)
    return;

  ctx->holds_slot = FALSE;
  g_assert (self->active[ctx->role] > 0);
  self->active[ctx->role]--;
}

static void
job_enqueue (JobCtx *ctx,
             Step    step)
{
  HeyaiPipeline *self = ctx->run->self;

  g_assert (!ctx->queued && !ctx->finished);

  ctx->step = step;
  ctx->role = step == STEP_PUBLISH ? HEYAI_ROLE_STORAGE
                                   : role_for_kind (heyai_job_get_kind (ctx->job));
  ctx->queued = TRUE;
  g_queue_push_tail (&self->queues[ctx->role], ctx);
}

static void
job_dequeue (JobCtx *ctx)
{
  if (!ctx->queued)
    return;

  g_queue_remove (&ctx->run->self->queues[ctx->role], ctx);
  ctx->queued = FALSE;
}

/* ---------------------------------------------------------------------- */
/* Job endings                                                            */

static void
job_detach_signals (JobCtx *ctx)
{
  if (ctx->remote_id_handler != 0)
    g_clear_signal_handler (&ctx->remote_id_handler, ctx->job);
  if (ctx->progress_handler != 0)
    g_clear_signal_handler (&ctx->progress_handler, ctx->job);
}

static void
job_mark_finished (JobCtx *ctx)
{
  Run *run = ctx->run;

  g_assert (!ctx->finished);

  ctx->finished = TRUE;
  job_detach_signals (ctx);
  release_slot (ctx);

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
                  set_project_status (run, HEYAI_PROJECT_STATUS_ANIMATING_SCENES);
                  break;
                }
            }

          /* Staged mode: the barrier opens when the last still is final. */
          if (run->self->staged)
            for (guint i = 0; i < run->scenes->len; i++)
              scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), FALSE);
        }
    }

  run_emit_progress (run);
}

/* Ends a job that did not produce its file: failed (with @error) or cancelled. */
static void
job_stop (JobCtx             *ctx,
          HeyaiJobState       state,
          const GError       *error)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  g_autofree char *message = NULL;

  if (ctx->finished)
    return;

  job_dequeue (ctx);

  if (error != NULL)
    message = scene_message (ctx->scene, error->message);

  heyai_job_set_state (ctx->job, state);
  if (message != NULL)
    heyai_job_set_last_error (ctx->job, message);
  save_job (run, ctx->job);

  if (ctx->scene != NULL)
    {
      if (state == HEYAI_JOB_STATE_FAILED)
        {
          ctx->sctx->failed = TRUE;
          heyai_scene_set_status (ctx->scene, HEYAI_SCENE_STATUS_FAILED);
          heyai_scene_set_last_error (ctx->scene, message);
        }
      else
        heyai_scene_set_status (ctx->scene, scene_resting_status (ctx->scene));
      heyai_scene_set_progress (ctx->scene, 0);
      save_scene (run, ctx->scene);
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
  if (is_cancel_error (error) ||
      g_cancellable_is_cancelled (ctx->cancellable))
    job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
  else
    job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
}

/* The asset is in the store and published: select the take, end the job. */
static void
job_complete (JobCtx *ctx)
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
      save_scene (run, scene);
      emit_message (self, _("Scene %d: still ready"), heyai_scene_get_position (scene));
      break;

    case HEYAI_JOB_KIND_CLIP:
      heyai_scene_set_clip_take (scene, take);
      heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_CLIP_READY);
      heyai_scene_set_last_error (scene, NULL);
      heyai_scene_set_progress (scene, 0);
      save_scene (run, scene);
      emit_message (self, _("Scene %d: clip ready"), heyai_scene_get_position (scene));
      break;

    case HEYAI_JOB_KIND_ANALYZE:
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      break;
    }

  heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_DONE);
  heyai_job_set_progress (ctx->job, 1.0);
  heyai_job_set_last_error (ctx->job, NULL);
  save_job (run, ctx->job);

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
        scene_maybe_animate (run, ctx->sctx, FALSE);
      else
        for (guint i = 0; i < run->scenes->len; i++)
          scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), TRUE);
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
  job_detach_signals (ctx);
  release_slot (ctx);

  if (!heyai_storage_publish_finish (HEYAI_STORAGE (object), result, &error))
    {
      if (!is_cancel_error (error))
        {
          g_autoptr(GError) wrapped = NULL;
          wrapped = g_error_new (error->domain, error->code,
                                 _("The file was made but could not be stored: %s"),
                                 error->message);
          job_stop (ctx, HEYAI_JOB_STATE_FAILED, wrapped);
        }
      else
        job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
    }
  else
    {
      g_autoptr(GError) store_error = NULL;

      if (!heyai_store_update_asset (run->self->store, ctx->asset, &store_error))
        run_fatal (run, g_steal_pointer (&store_error));
      job_complete (ctx);
    }

  dispatch (run->self);
  run_check_done (run);
}

static void
job_start_publish (JobCtx *ctx)
{
  Run *run = ctx->run;

  if (heyai_job_get_state (ctx->job) != HEYAI_JOB_STATE_UPLOADING)
    {
      heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_UPLOADING);
      if (!save_job (run, ctx->job))
        {
          job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
          return;
        }
    }

  /* A resumable upload's session URI is committed as soon as it is known,
   * like a remote id. */
  ctx->remote_id_handler = g_signal_connect (ctx->job, "notify::upload-session",
                                             G_CALLBACK (job_remote_id_cb), ctx);
  ctx->progress_handler = g_signal_connect (ctx->job, "notify::progress",
                                            G_CALLBACK (job_progress_cb), ctx);

  run->pending_ops++;
  ctx->in_flight = TRUE;
  heyai_storage_publish_async (run->self->storage, run->project, ctx->asset, ctx->job,
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
      job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
      run_check_done (run);
      return;
    }

  if (ctx->stop_requested || g_cancellable_is_cancelled (ctx->cancellable))
    {
      hash_result_free (hash);
      job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      run_check_done (run);
      return;
    }

  id = heyai_uuid_new ();
  asset = heyai_asset_new ();
  heyai_asset_set_id (asset, id);
  heyai_asset_set_project_id (asset, heyai_project_get_id (run->project));
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (ctx->scene));
  heyai_asset_set_kind (asset, asset_kind_for_job (ctx->job));
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

  if (!heyai_store_insert_asset (run->self->store, asset, &error))
    {
      run_fatal (run, g_steal_pointer (&error));
      job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
      run_check_done (run);
      return;
    }

  g_set_object (&ctx->asset, asset);
  job_enqueue (ctx, STEP_PUBLISH);
  dispatch (run->self);
}

/* ---------------------------------------------------------------------- */
/* Work step                                                              */

static void
job_remote_id_cb (HeyaiJob   *job,
                  GParamSpec *pspec,
                  JobCtx     *ctx)
{
  /* Committed before the provider starts polling. */
  save_job (ctx->run, job);
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

static void
work_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  JobCtx *ctx = user_data;
  Run *run = ctx->run;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  run->pending_ops--;
  ctx->in_flight = FALSE;
  job_detach_signals (ctx);
  release_slot (ctx);

  if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_CLIP)
    gen = heyai_animator_animate_finish (HEYAI_ANIMATOR (object), result, &error);
  else
    gen = heyai_imager_generate_finish (HEYAI_IMAGER (object), result, &error);

  if (gen == NULL || gen->path == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                             _("The service returned no file."));
      job_fail_or_cancel (ctx, error);
      dispatch (run->self);
      run_check_done (run);
      return;
    }

  if (ctx->stop_requested)
    {
      job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      dispatch (run->self);
      run_check_done (run);
      return;
    }

  ctx->result = g_steal_pointer (&gen);
  heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_DOWNLOADING);
  save_job (run, ctx->job);

  /* sha256 and size off the main thread. */
  run->pending_ops++;
  ctx->in_flight = TRUE;
  task = g_task_new (NULL, NULL, hash_cb, ctx);
  g_task_set_source_tag (task, work_done_cb);
  g_task_set_task_data (task, g_strdup (ctx->result->path), g_free);
  g_task_run_in_thread (task, hash_worker);

  dispatch (run->self);
}

static void analyze_done_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
job_start_work (JobCtx *ctx)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  HeyaiJobKind kind = heyai_job_get_kind (ctx->job);
  g_autoptr(HeyaiAsset) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *still_path = NULL;

  if (kind == HEYAI_JOB_KIND_IMAGE || kind == HEYAI_JOB_KIND_CLIP)
    {
      /* Done work is never redone: the take's file may already be in the store
       * (a crash between the asset row and the job's "done"). */
      existing = heyai_store_get_asset (self->store, heyai_scene_get_id (ctx->scene),
                                        asset_kind_for_job (ctx->job),
                                        heyai_job_get_take (ctx->job), NULL);
      if (existing != NULL)
        {
          release_slot (ctx);
          g_set_object (&ctx->asset, existing);
          if (heyai_asset_get_view_link (existing) != NULL ||
              heyai_asset_get_drive_file_id (existing) != NULL)
            job_complete (ctx);
          else
            job_enqueue (ctx, STEP_PUBLISH);
          return;
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
          job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
          return;
        }
      still_path = g_strdup (heyai_asset_get_local_path (still));
    }

  /* A store failure here (disk full) ends the job; the run stops. */
  heyai_job_set_attempts (ctx->job, heyai_job_get_attempts (ctx->job) + 1);
  heyai_job_set_state (ctx->job, HEYAI_JOB_STATE_RUNNING);
  heyai_job_set_last_error (ctx->job, NULL);
  if (!save_job (run, ctx->job))
    {
      job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
      return;
    }

  if (ctx->scene != NULL)
    {
      heyai_scene_set_status (ctx->scene, kind == HEYAI_JOB_KIND_CLIP ? HEYAI_SCENE_STATUS_ANIMATING
                                                                     : HEYAI_SCENE_STATUS_RENDERING);
      heyai_scene_set_progress (ctx->scene, 0);
      if (!save_scene (run, ctx->scene))
        {
          job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
          return;
        }
    }

  ctx->remote_id_handler = g_signal_connect (ctx->job, "notify::remote-id",
                                             G_CALLBACK (job_remote_id_cb), ctx);
  ctx->progress_handler = g_signal_connect (ctx->job, "notify::progress",
                                            G_CALLBACK (job_progress_cb), ctx);

  run->pending_ops++;
  ctx->in_flight = TRUE;

  switch (kind)
    {
    case HEYAI_JOB_KIND_ANALYZE:
      heyai_llm_split_async (self->llm, run->project, ctx->cancellable, analyze_done_cb, ctx);
      break;
    case HEYAI_JOB_KIND_IMAGE:
      heyai_imager_generate_async (self->imager, run->project, ctx->scene, ctx->job,
                                   run->images_dir, ctx->cancellable, work_done_cb, ctx);
      break;
    case HEYAI_JOB_KIND_CLIP:
      heyai_animator_animate_async (self->animator, run->project, ctx->scene, ctx->job,
                                    still_path, run->clips_dir, ctx->cancellable,
                                    work_done_cb, ctx);
      break;
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      g_assert_not_reached ();
    }
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

static void
dispatch (HeyaiPipeline *self)
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
                  job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
                  heyai_job_set_last_error (ctx->job, ctx->run->budget_error->message);
                  save_job (ctx->run, ctx->job);
                  self->dispatch_again = TRUE;
                  continue;
                }

              self->active[role]++;
              ctx->holds_slot = TRUE;

              if (ctx->step == STEP_PUBLISH)
                job_start_publish (ctx);
              else
                job_start_work (ctx);
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
        run_check_done (run);
    }
}

/* ---------------------------------------------------------------------- */
/* Clips: start as soon as the still is approved                          */

static void
scene_maybe_animate (Run      *run,
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
          heyai_scene_set_status (scene, scene_resting_status (scene));
          if (!save_scene (run, scene))
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

  /* A clip is needed when there is none, when the still changed in this run,
   * or when the run regenerates. */
  if (heyai_scene_get_clip_take (scene) > 0 && !sctx->new_still &&
      !(run->flags & HEYAI_RUN_REGENERATE))
    return;

  key = busy_scene_key (scene, HEYAI_JOB_KIND_CLIP);
  if (g_hash_table_contains (self->busy, key))
    return;

  ctx = run_new_job (run, HEYAI_JOB_KIND_CLIP, scene, sctx);
  if (ctx == NULL)
    return;

  sctx->clip = ctx;
  set_project_status (run, run->images_outstanding > 0 ? HEYAI_PROJECT_STATUS_GENERATING_IMAGES
                                                       : HEYAI_PROJECT_STATUS_ANIMATING_SCENES);
  job_enqueue (ctx, STEP_WORK);
  run_emit_progress (run);
  dispatch (self);
}

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
        job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
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
      dispatch (run->self);
      run_check_done (run);
    }

  return G_SOURCE_REMOVE;
}

static void
run_schedule_cancel (Run *run)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_cancelled_idle_cb, run_ref (run), (GDestroyNotify) run_unref);
  g_source_attach (source, run->context);
  g_source_unref (source);
}

/* May run in any thread. */
static void
caller_cancelled_cb (GCancellable *cancellable,
                     Run          *run)
{
  g_cancellable_cancel (run->cancellable);
  run_schedule_cancel (run);
}

static void
run_fatal (Run    *run,
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

static gboolean
owner_write (HeyaiStore    *store,
             HeyaiProject  *project,
             gboolean       release,
             GError       **error)
{
  g_autofree char *key = owner_meta_key (project);
  g_autofree char *value = release ? g_strdup ("")
                                   : g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) getpid (), g_get_real_time ());

  return heyai_store_set_meta (store, key, value, error);
}

/* Another live process is running this project. */
static gboolean
owner_is_other (HeyaiStore   *store,
                HeyaiProject *project,
                int          *other_pid)
{
  g_autofree char *key = owner_meta_key (project);
  g_autofree char *value = heyai_store_get_meta (store, key);
  char *end = NULL;
  gint64 pid, stamp;

  if (value == NULL || *value == '\0')
    return FALSE;

  pid = g_ascii_strtoll (value, &end, 10);
  if (end == NULL || *end != ':' || pid <= 0)
    return FALSE;
  stamp = g_ascii_strtoll (end + 1, NULL, 10);

  if (pid == getpid ())
    return FALSE;
  if (g_get_real_time () - stamp > OWNER_STALE_USEC)
    return FALSE;
  if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
    return FALSE;

  *other_pid = (int) pid;
  return TRUE;
}

static char *
cancel_meta_key (HeyaiProject *project)
{
  return g_strdup_printf ("pipeline.cancel.%s", heyai_project_get_id (project));
}

/* Polls the store: a project cancelled by `heyai cancel` (another process),
 * single jobs cancelled from elsewhere, approvals given meanwhile. */
static gboolean
run_poll_cb (gpointer user_data)
{
  Run *run = user_data;
  HeyaiPipeline *self = run->self;
  g_autofree char *key = cancel_meta_key (run->project);
  g_autofree char *mark = NULL;

  if (run->completed)
    return G_SOURCE_REMOVE;

  owner_write (self->store, run->project, FALSE, NULL);

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
        job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      else
        g_cancellable_cancel (ctx->cancellable);
    }

  if (!(run->flags & HEYAI_RUN_AUTO_APPROVE))
    for (guint i = 0; i < run->scenes->len; i++)
      scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), TRUE);

  dispatch (self);
  run_check_done (run);

  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */
/* Project status                                                          */

HeyaiProjectStatus
heyai_pipeline_settle_status (HeyaiStore   *store,
                              HeyaiProject *project)
{
  g_autoptr(GPtrArray) scenes = NULL;
  gboolean missing_still = FALSE, missing_clip = FALSE, any_still = FALSE;
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
          n_failed++;
          continue;
        }
      if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
        continue;
      if (heyai_scene_get_image_take (scene) <= 0)
        missing_still = TRUE;
      else if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_APPROVED &&
               heyai_scene_get_clip_take (scene) <= 0)
        missing_clip = TRUE;
    }

  if (n_failed == scenes->len)
    return HEYAI_PROJECT_STATUS_FAILED;
  if (missing_still)
    return any_still ? HEYAI_PROJECT_STATUS_GENERATING_IMAGES : HEYAI_PROJECT_STATUS_DRAFT;
  if (missing_clip)
    return HEYAI_PROJECT_STATUS_ANIMATING_SCENES;
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
          g_autofree char *key = busy_scene_key (ctx->scene, heyai_job_get_kind (ctx->job));
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
      owner_write (self->store, run->project, TRUE, NULL);
  }

  /* Settle the project status (never over a store failure). */
  if (run->fatal == NULL)
    {
      if (run->analysis_failed)
        set_project_status (run, HEYAI_PROJECT_STATUS_FAILED);
      else if (run->jobs->len > 0 ||
               heyai_project_get_status (run->project) != HEYAI_PROJECT_STATUS_COMPLETED)
        {
          HeyaiProjectStatus status = heyai_pipeline_settle_status (self->store, run->project);

          if (status != HEYAI_PROJECT_STATUS_FAILED)
            heyai_project_set_last_error (run->project, NULL);
          else if (run->first_error != NULL)
            heyai_project_set_last_error (run->project, run->first_error->message);
          set_project_status (run, status);
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

  run_unref (run);
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
          job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
        }

      if (!ctx->finished)
        return FALSE;
    }

  if (run->planned && !(run->flags & HEYAI_RUN_AUTO_APPROVE) &&
      !g_cancellable_is_cancelled (run->cancellable))
    {
      guint n_jobs = run->jobs->len;

      for (guint i = 0; i < run->scenes->len; i++)
        scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), TRUE);

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
static void
run_check_done (Run *run)
{
  GSource *source;

  if (run->completed || run->complete_scheduled || !run_is_done (run))
    return;

  run->complete_scheduled = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, run_complete_idle_cb, run_ref (run), (GDestroyNotify) run_unref);
  g_source_attach (source, run->context);
  g_source_unref (source);
}

/* ---------------------------------------------------------------------- */
/* Planning                                                               */

static gboolean
scene_in_scope (Run        *run,
                HeyaiScene *scene)
{
  return run->scene_position <= 0 || heyai_scene_get_position (scene) == run->scene_position;
}

static gboolean
kind_in_flags (Run          *run,
               HeyaiJobKind  kind)
{
  switch (kind)
    {
    case HEYAI_JOB_KIND_ANALYZE: return (run->flags & HEYAI_RUN_ANALYZE) != 0;
    case HEYAI_JOB_KIND_IMAGE:   return (run->flags & HEYAI_RUN_IMAGES) != 0;
    case HEYAI_JOB_KIND_CLIP:    return (run->flags & HEYAI_RUN_ANIMATE) != 0;
    case HEYAI_JOB_KIND_UPLOAD:
    default:                     return FALSE;
    }
}

/* Unfinished jobs left by a crash, a kill or a quit are continued: queued ones
 * start, ones with a remote id resume polling (the provider sees the id),
 * offline ones restart and overwrite their partial file. */
static void
run_resume_jobs (Run       *run,
                 GPtrArray *unfinished)
{
  HeyaiPipeline *self = run->self;

  for (guint i = 0; i < unfinished->len; i++)
    {
      HeyaiJob *job = g_ptr_array_index (unfinished, i);
      HeyaiJobKind kind = heyai_job_get_kind (job);
      SceneCtx *sctx;
      JobCtx *ctx;

      if (kind == HEYAI_JOB_KIND_ANALYZE && !(run->flags & HEYAI_RUN_ANALYZE) &&
          !g_hash_table_contains (self->busy, heyai_job_get_id (job)))
        {
          /* An analysis interrupted after its scenes were saved (or before,
           * and the scenes were made otherwise): nothing to continue. */
          heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
          save_job (run, job);
          continue;
        }
      if (kind == HEYAI_JOB_KIND_ANALYZE || !kind_in_flags (run, kind))
        continue;
      if (g_hash_table_contains (self->busy, heyai_job_get_id (job)))
        continue;

      sctx = run_find_scene (run, heyai_job_get_scene_id (job));
      if (sctx == NULL)
        {
          /* The scene is gone (re-analysed) or out of scope. */
          g_autoptr(HeyaiScene) scene = NULL;

          scene = heyai_job_get_scene_id (job)
                  ? heyai_store_get_scene (self->store, heyai_job_get_scene_id (job), NULL)
                  : NULL;
          if (scene == NULL || heyai_scene_get_deleted (scene))
            {
              heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
              save_job (run, job);
            }
          continue;
        }

      if ((kind == HEYAI_JOB_KIND_IMAGE && sctx->image != NULL) ||
          (kind == HEYAI_JOB_KIND_CLIP && sctx->clip != NULL))
        {
          /* A second unfinished job for the same scene and stage: one is enough. */
          heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
          save_job (run, job);
          continue;
        }

      ctx = run_adopt_job (run, job, sctx->scene, sctx);
      if (kind == HEYAI_JOB_KIND_IMAGE)
        sctx->image = ctx;
      else
        sctx->clip = ctx;

      if (heyai_job_get_state (job) == HEYAI_JOB_STATE_UPLOADING)
        {
          g_autoptr(HeyaiAsset) asset = NULL;

          asset = heyai_store_get_asset (self->store, heyai_scene_get_id (sctx->scene),
                                         asset_kind_for_job (job), heyai_job_get_take (job), NULL);
          if (asset != NULL)
            {
              g_set_object (&ctx->asset, asset);
              job_enqueue (ctx, STEP_PUBLISH);
              continue;
            }
        }

      job_enqueue (ctx, STEP_WORK);
    }
}

static void
run_plan (Run *run)
{
  HeyaiPipeline *self = run->self;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autoptr(GError) error = NULL;
  const char *project_id = heyai_project_get_id (run->project);

  if (run->fatal != NULL || g_cancellable_is_cancelled (run->cancellable))
    {
      run->planned = TRUE;
      run_check_done (run);
      return;
    }

  scenes = heyai_store_list_scenes (self->store, project_id, &error);
  if (scenes == NULL)
    {
      run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      run_check_done (run);
      return;
    }

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      SceneCtx *sctx;

      if (!scene_in_scope (run, scene))
        continue;

      sctx = g_new0 (SceneCtx, 1);
      sctx->scene = g_object_ref (scene);
      sctx->wants_clip = (run->flags & HEYAI_RUN_ANIMATE) != 0;
      g_ptr_array_add (run->scenes, sctx);
    }

  if (run->scene_position > 0 && run->scenes->len == 0)
    {
      run_fatal (run, g_error_new (HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                                   _("The project has no scene %d."), run->scene_position));
      run->planned = TRUE;
      run_check_done (run);
      return;
    }

  unfinished = heyai_store_list_jobs (self->store, project_id, TRUE, &error);
  if (unfinished == NULL)
    {
      run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      run_check_done (run);
      return;
    }

  run_resume_jobs (run, unfinished);

  /* Stills for scenes without one (or a new take when regenerating). */
  if (run->flags & HEYAI_RUN_IMAGES)
    for (guint i = 0; i < run->scenes->len && run->fatal == NULL; i++)
      {
        SceneCtx *sctx = g_ptr_array_index (run->scenes, i);
        g_autofree char *key = NULL;
        gboolean has_still = FALSE;

        if (sctx->image != NULL)
          continue;

        key = busy_scene_key (sctx->scene, HEYAI_JOB_KIND_IMAGE);
        if (g_hash_table_contains (self->busy, key))
          continue;

        if (heyai_scene_get_image_take (sctx->scene) > 0)
          {
            g_autoptr(HeyaiAsset) still = NULL;

            still = heyai_store_get_asset (self->store, heyai_scene_get_id (sctx->scene),
                                           HEYAI_ASSET_KIND_IMAGE,
                                           heyai_scene_get_image_take (sctx->scene), NULL);
            has_still = still != NULL;
          }

        if (has_still && !(run->flags & HEYAI_RUN_REGENERATE))
          continue;

        sctx->image = run_new_job (run, HEYAI_JOB_KIND_IMAGE, sctx->scene, sctx);
        if (sctx->image == NULL)
          break;

        heyai_scene_set_status (sctx->scene, HEYAI_SCENE_STATUS_PENDING);
        heyai_scene_set_last_error (sctx->scene, NULL);
        if (heyai_scene_get_image_take (sctx->scene) > 0)
          heyai_scene_set_status (sctx->scene, scene_resting_status (sctx->scene));
        save_scene (run, sctx->scene);
      }

  /* Stale statuses left by a crash (rendering, animating) with nothing to
   * continue them. */
  for (guint i = 0; i < run->scenes->len && run->fatal == NULL; i++)
    {
      SceneCtx *sctx = g_ptr_array_index (run->scenes, i);
      HeyaiSceneStatus status = heyai_scene_get_status (sctx->scene);

      if ((status == HEYAI_SCENE_STATUS_RENDERING && sctx->image == NULL) ||
          (status == HEYAI_SCENE_STATUS_ANIMATING && sctx->clip == NULL))
        {
          heyai_scene_set_status (sctx->scene, scene_resting_status (sctx->scene));
          save_scene (run, sctx->scene);
        }
    }

  /* Queue the stills in scene order (resumed ones first). */
  for (guint i = 0; i < run->scenes->len && run->fatal == NULL; i++)
    {
      SceneCtx *sctx = g_ptr_array_index (run->scenes, i);

      if (sctx->image != NULL && !sctx->image->queued && !sctx->image->finished)
        job_enqueue (sctx->image, STEP_WORK);
    }

  if (run->images_outstanding > 0)
    set_project_status (run, HEYAI_PROJECT_STATUS_GENERATING_IMAGES);

  run->planned = TRUE;

  /* Scenes whose still already exists can animate at once. */
  for (guint i = 0; i < run->scenes->len && run->fatal == NULL; i++)
    scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), FALSE);

  if (run->images_outstanding == 0)
    for (guint i = 0; i < run->jobs->len; i++)
      {
        JobCtx *ctx = g_ptr_array_index (run->jobs, i);
        if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_CLIP && !ctx->finished)
          {
            set_project_status (run, HEYAI_PROJECT_STATUS_ANIMATING_SCENES);
            break;
          }
      }

  if (run->poll_source == NULL && !run->completed)
    {
      run->poll_source = g_timeout_source_new (self->poll_ms);
      g_source_set_callback (run->poll_source, run_poll_cb, run, NULL);
      g_source_attach (run->poll_source, run->context);
    }

  run_emit_progress (run);
  dispatch (self);
  run_check_done (run);
}

/* ---------------------------------------------------------------------- */
/* Analysis                                                               */

static void
analyze_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JobCtx *ctx = user_data;
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;

  run->pending_ops--;
  ctx->in_flight = FALSE;
  job_detach_signals (ctx);
  release_slot (ctx);

  scenes = heyai_llm_split_finish (HEYAI_LLM (object), result, &error);
  if (scenes != NULL && scenes->len == 0)
    {
      g_clear_pointer (&scenes, g_ptr_array_unref);
      g_set_error_literal (&error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                           _("The script analysis found no scenes."));
    }

  if (scenes == NULL)
    {
      if (is_cancel_error (error) || g_cancellable_is_cancelled (ctx->cancellable))
        job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      else
        {
          g_autofree char *message = g_strdup_printf (_("The script analysis failed: %s"),
                                                      error->message);

          run->analysis_failed = TRUE;
          heyai_project_set_last_error (run->project, message);
          g_clear_error (&run->first_error);
          run->first_error = g_error_new_literal (error->domain, error->code, message);
          job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->first_error);
        }
      dispatch (self);
      run_check_done (run);
      return;
    }

  if (!heyai_store_replace_scenes (self->store, heyai_project_get_id (run->project), scenes, &error))
    {
      run_fatal (run, g_steal_pointer (&error));
      job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
      run_check_done (run);
      return;
    }

  emit_message (self, g_dngettext (GETTEXT_PACKAGE, "The script was split into %u scene",
                                   "The script was split into %u scenes", scenes->len),
                scenes->len);
  job_complete (ctx);
  run_plan (run);
}

static void
run_start_analysis (Run *run)
{
  HeyaiPipeline *self = run->self;
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autoptr(GError) error = NULL;
  JobCtx *ctx = NULL;

  unfinished = heyai_store_list_jobs (self->store, heyai_project_get_id (run->project), TRUE, &error);
  if (unfinished == NULL)
    {
      run_fatal (run, g_steal_pointer (&error));
      run_check_done (run);
      return;
    }

  /* An analysis interrupted earlier is continued, not duplicated. */
  for (guint i = 0; i < unfinished->len; i++)
    {
      HeyaiJob *job = g_ptr_array_index (unfinished, i);

      if (heyai_job_get_kind (job) != HEYAI_JOB_KIND_ANALYZE ||
          g_hash_table_contains (self->busy, heyai_job_get_id (job)))
        continue;

      if (ctx == NULL)
        ctx = run_adopt_job (run, job, NULL, NULL);
      else
        {
          heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
          save_job (run, job);
        }
    }

  if (ctx == NULL)
    ctx = run_new_job (run, HEYAI_JOB_KIND_ANALYZE, NULL, NULL);
  if (ctx == NULL)
    {
      run_check_done (run);
      return;
    }

  run->analyze = ctx;
  heyai_project_set_last_error (run->project, NULL);
  set_project_status (run, HEYAI_PROJECT_STATUS_PROCESSING_SCRIPT);
  job_enqueue (ctx, STEP_WORK);
  run_emit_progress (run);
  dispatch (self);
}

static void
ensure_project_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  run->pending_ops--;

  if (!heyai_storage_ensure_project_finish (HEYAI_STORAGE (object), result, &error))
    {
      if (!is_cancel_error (error))
        run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      run_check_done (run);
      run_unref (run);
      return;
    }

  if (g_mkdir_with_parents (run->images_dir, 0755) != 0 ||
      g_mkdir_with_parents (run->clips_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not create the project folder %s"),
                                               run->images_dir);
      heyai_set_io_error (&error, saved_errno, what);
      run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      run_check_done (run);
      run_unref (run);
      return;
    }

  if (g_cancellable_is_cancelled (run->cancellable))
    {
      run->planned = TRUE;
      run_check_done (run);
    }
  else if (run->flags & HEYAI_RUN_ANALYZE)
    run_start_analysis (run);
  else
    run_plan (run);

  run_unref (run);
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

  /* Two processes on one project would take over each other's jobs. */
  if (owner_is_other (self->store, project, &other_pid))
    {
      g_task_report_new_error (self, callback, user_data, heyai_pipeline_run_async,
                               HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("Another HeyAI Studio window or heyai command (process %d) is already "
                                 "working on this project. Wait for it to finish, or stop it with "
                                 "“heyai cancel”."), other_pid);
      return;
    }

  if (!owner_write (self->store, project, FALSE, &error))
    {
      g_task_report_error (self, callback, user_data, heyai_pipeline_run_async, g_steal_pointer (&error));
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
      run->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                   run, NULL);
    }

  run->pending_ops++;
  heyai_storage_ensure_project_async (self->storage, project, run->cancellable,
                                      ensure_project_cb, run_ref (run));
}

/* ---------------------------------------------------------------------- */
/* For heyai-pipeline.c                                                   */

void
_heyai_pipeline_dispatch (HeyaiPipeline *self)
{
  dispatch (self);
}

HeyaiSceneStatus
_heyai_scene_resting_status (HeyaiScene *scene)
{
  return scene_resting_status (scene);
}

char *
_heyai_pipeline_cancel_key (HeyaiProject *project)
{
  return cancel_meta_key (project);
}

