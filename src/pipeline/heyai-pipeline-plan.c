/* heyai-pipeline-plan.c: planning a run: taking over unfinished jobs,
 * queueing image jobs for the scenes in scope, and the analyze job.
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

/* The planner's two decisions.  heyai_pipeline_estimate() (what the
 * confirmation shows), run_plan() and _heyai_pipeline_scene_maybe_animate()
 * (what the run does) all ask these, so they cannot disagree. */

/* Whether a run with @flags makes a new still for @scene: none yet (or its
 * file is gone), the selected one is outdated (its prompt or the style
 * bible changed), or the producer asked for a new take; a run that only
 * collects takes only a still already paid for. */
gboolean
_heyai_pipeline_wants_still (HeyaiPipeline *self,
                             HeyaiProject  *project,
                             HeyaiScene    *scene,
                             HeyaiRunFlags  flags)
{
  g_autoptr(HeyaiAsset) still = NULL;
  HeyaiSceneLineage lineage;

  if (!(flags & HEYAI_RUN_IMAGES))
    return FALSE;
  if (flags & HEYAI_RUN_COLLECT)
    return _heyai_pipeline_collectable (self, project, scene, HEYAI_JOB_KIND_IMAGE);
  if (flags & HEYAI_RUN_REGENERATE)
    return TRUE;
  if (heyai_scene_get_image_take (scene) <= 0)
    return TRUE;

  still = heyai_store_get_asset (self->store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE,
                                 heyai_scene_get_image_take (scene), NULL);
  if (still == NULL)
    return TRUE;
  if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
    return FALSE;

  heyai_lineage_of_scene (self->store, project, scene, &lineage);
  return lineage.image_stale;
}

/* Whether a run with @flags makes a clip for @scene.  @still_coming: a new
 * still is to be made first in this run (then only auto mode animates it;
 * in review mode a new still waits for approval).  Otherwise the scene needs
 * an approved (or auto-approved) still and no current clip, or the producer
 * asked for a new take. */
gboolean
_heyai_pipeline_wants_clip (HeyaiPipeline *self,
                            HeyaiProject  *project,
                            HeyaiScene    *scene,
                            HeyaiRunFlags  flags,
                            gboolean       still_coming)
{
  if (!(flags & HEYAI_RUN_ANIMATE))
    return FALSE;
  if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
    return FALSE;
  if (still_coming)
    return (flags & HEYAI_RUN_AUTO_APPROVE) != 0 && !(flags & HEYAI_RUN_COLLECT);
  if (heyai_scene_get_image_take (scene) <= 0)
    return FALSE;
  if (heyai_scene_get_approval (scene) != HEYAI_APPROVAL_APPROVED && !(flags & HEYAI_RUN_AUTO_APPROVE))
    return FALSE;
  if (flags & HEYAI_RUN_COLLECT)
    return _heyai_pipeline_collectable (self, project, scene, HEYAI_JOB_KIND_CLIP);
  if (flags & HEYAI_RUN_REGENERATE)
    return TRUE;

  {
    HeyaiSceneLineage lineage;

    heyai_lineage_of_scene (self->store, project, scene, &lineage);
    /* An outdated still is made again first (wants_still): no clip of it. */
    if (lineage.image_stale)
      return FALSE;
    return lineage.clip_take <= 0 || lineage.clip_stale;
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
          _heyai_pipeline_save_job (run, job);
          continue;
        }
      if (kind == HEYAI_JOB_KIND_ANALYZE || !kind_in_flags (run, kind))
        continue;
      /* A run that only collects takes over what a service accepted (a
       * remote id, a file being stored); queued work waits for a batch. */
      if ((run->flags & HEYAI_RUN_COLLECT) && heyai_job_get_remote_id (job) == NULL &&
          heyai_job_get_state (job) != HEYAI_JOB_STATE_UPLOADING)
        continue;
      if (g_hash_table_contains (self->busy, heyai_job_get_id (job)))
        continue;

      sctx = _heyai_pipeline_run_find_scene (run, heyai_job_get_scene_id (job));
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
              _heyai_pipeline_save_job (run, job);
            }
          continue;
        }

      if ((kind == HEYAI_JOB_KIND_IMAGE && sctx->image != NULL) ||
          (kind == HEYAI_JOB_KIND_CLIP && sctx->clip != NULL))
        {
          /* A second unfinished job for the same scene and stage: one is enough. */
          heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
          _heyai_pipeline_save_job (run, job);
          continue;
        }

      ctx = _heyai_pipeline_run_adopt_job (run, job, sctx->scene, sctx);
      if (kind == HEYAI_JOB_KIND_IMAGE)
        sctx->image = ctx;
      else
        sctx->clip = ctx;

      if (heyai_job_get_state (job) == HEYAI_JOB_STATE_UPLOADING)
        {
          g_autoptr(HeyaiAsset) asset = NULL;

          asset = heyai_store_get_asset (self->store, heyai_scene_get_id (sctx->scene),
                                         _heyai_pipeline_asset_kind_for_job (job), heyai_job_get_take (job), NULL);
          if (asset != NULL)
            {
              g_set_object (&ctx->asset, asset);
              _heyai_pipeline_job_enqueue (ctx, STEP_PUBLISH);
              continue;
            }
        }

      _heyai_pipeline_job_enqueue (ctx, STEP_WORK);
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
  gboolean in_transaction;

  if (run->fatal != NULL || g_cancellable_is_cancelled (run->cancellable))
    {
      run->planned = TRUE;
      _heyai_pipeline_run_check_done (run);
      return;
    }

  scenes = heyai_store_list_scenes (self->store, project_id, &error);
  if (scenes == NULL)
    {
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      _heyai_pipeline_run_check_done (run);
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
      _heyai_pipeline_run_fatal (run, g_error_new (HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                                                   _("The project has no scene %d."), run->scene_position));
      run->planned = TRUE;
      _heyai_pipeline_run_check_done (run);
      return;
    }

  unfinished = heyai_store_list_jobs (self->store, project_id, TRUE, &error);
  if (unfinished == NULL)
    {
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      _heyai_pipeline_run_check_done (run);
      return;
    }

  run_resume_jobs (run, unfinished);

  /* Planning writes a job and a scene row per scene: one transaction for all
   * of them instead of one commit each (50 scenes: 11 ms -> 4-6 ms on the
   * main thread).  Without a transaction the writes still happen one by one. */
  in_transaction = heyai_store_begin (self->store, &error);
  if (!in_transaction)
    {
      g_debug ("pipeline: planning without a transaction: %s", error->message);
      g_clear_error (&error);
    }

  /* Stills for scenes without one (or a new take when regenerating). */
  if (run->flags & HEYAI_RUN_IMAGES)
    for (guint i = 0; i < run->scenes->len && run->fatal == NULL; i++)
      {
        SceneCtx *sctx = g_ptr_array_index (run->scenes, i);
        g_autofree char *key = NULL;

        if (sctx->image != NULL)
          continue;

        key = _heyai_pipeline_busy_scene_key (sctx->scene, HEYAI_JOB_KIND_IMAGE);
        if (g_hash_table_contains (self->busy, key))
          continue;

        if (!_heyai_pipeline_wants_still (self, run->project, sctx->scene, run->flags))
          continue;

        sctx->image = _heyai_pipeline_run_new_job (run, HEYAI_JOB_KIND_IMAGE, sctx->scene, sctx);
        if (sctx->image == NULL)
          break;

        heyai_scene_set_status (sctx->scene, HEYAI_SCENE_STATUS_PENDING);
        heyai_scene_set_last_error (sctx->scene, NULL);
        if (heyai_scene_get_image_take (sctx->scene) > 0)
          heyai_scene_set_status (sctx->scene, _heyai_pipeline_scene_resting_status (self->store, sctx->scene));
        _heyai_pipeline_save_scene (run, sctx->scene);
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
          heyai_scene_set_status (sctx->scene, _heyai_pipeline_scene_resting_status (self->store, sctx->scene));
          _heyai_pipeline_save_scene (run, sctx->scene);
        }
    }

  if (in_transaction && !heyai_store_commit (self->store, &error))
    _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));

  /* The plan is estimated again now that the scenes are known (the script
   * analysis may have found many more than the first estimate assumed): a
   * plan over the budget stops before the first paid still. */
  if (self->budget > 0 && run->fatal == NULL && !(run->flags & HEYAI_RUN_COLLECT))
    {
      HeyaiRunEstimate estimate;

      /* Every run, not only after an analysis: the planner's estimate
       * (the jobs just written are unfinished jobs it continues). */
      heyai_pipeline_estimate (self, run->project, run->flags & ~HEYAI_RUN_ANALYZE,
                               run->scene_position, &estimate);
      if (run->ledger + estimate.cost > self->budget + 1e-9 && !(run->flags & HEYAI_RUN_ANALYZE))
        {
          run->budget_error = g_error_new (HEYAI_ERROR, HEYAI_ERROR_BUDGET,
                                           _("This batch costs about $%.2f, over the budget of $%.2f: "
                                             "nothing paid was started. Raise the budget (--budget or "
                                             "Preferences) or ask for fewer scenes."),
                                           run->ledger + estimate.cost, self->budget);
        }
      else if (run->ledger + estimate.cost > self->budget + 1e-9)
        {
          run->budget_error = g_error_new (HEYAI_ERROR, HEYAI_ERROR_BUDGET,
                                           g_dngettext (GETTEXT_PACKAGE,
                                                        "The plan for the %u scene found costs about $%.2f, over "
                                                        "the budget of $%.2f: nothing paid was started. Raise the "
                                                        "budget (--budget or Preferences) or shorten the script.",
                                                        "The plan for the %u scenes found costs about $%.2f, over "
                                                        "the budget of $%.2f: nothing paid was started. Raise the "
                                                        "budget (--budget or Preferences) or shorten the script.",
                                                        run->scenes->len),
                                           run->scenes->len, run->ledger + estimate.cost, self->budget);
        }
      if (run->budget_error != NULL)
        {
          g_signal_emit (self, _heyai_pipeline_signals[MESSAGE], 0, run->budget_error->message);
          for (guint i = 0; i < run->jobs->len; i++)
            {
              JobCtx *ctx = g_ptr_array_index (run->jobs, i);

              if (ctx->finished || heyai_job_get_cost (ctx->job) <= 0)
                continue;
              heyai_job_set_last_error (ctx->job, run->budget_error->message);
              _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
            }
          for (guint i = 0; i < run->scenes->len; i++)
            ((SceneCtx *) g_ptr_array_index (run->scenes, i))->wants_clip = FALSE;
        }
    }

  /* Queue the stills in scene order (resumed ones first). */
  for (guint i = 0; i < run->scenes->len && run->fatal == NULL; i++)
    {
      SceneCtx *sctx = g_ptr_array_index (run->scenes, i);

      if (sctx->image != NULL && !sctx->image->queued && !sctx->image->finished)
        _heyai_pipeline_job_enqueue (sctx->image, STEP_WORK);
    }

  if (run->images_outstanding > 0)
    _heyai_pipeline_set_project_status (run, HEYAI_PROJECT_STATUS_GENERATING_IMAGES);

  run->planned = TRUE;

  /* Scenes whose still already exists can animate at once. */
  for (guint i = 0; i < run->scenes->len && run->fatal == NULL; i++)
    _heyai_pipeline_scene_maybe_animate (run, g_ptr_array_index (run->scenes, i), FALSE);

  if (run->images_outstanding == 0)
    for (guint i = 0; i < run->jobs->len; i++)
      {
        JobCtx *ctx = g_ptr_array_index (run->jobs, i);
        if (heyai_job_get_kind (ctx->job) == HEYAI_JOB_KIND_CLIP && !ctx->finished)
          {
            _heyai_pipeline_set_project_status (run, HEYAI_PROJECT_STATUS_ANIMATING_SCENES);
            break;
          }
      }

  if (run->poll_source == NULL && !run->completed)
    {
      run->poll_source = g_timeout_source_new (self->poll_ms);
      g_source_set_callback (run->poll_source, _heyai_pipeline_run_poll_cb, run, NULL);
      g_source_attach (run->poll_source, run->context);
    }

  _heyai_pipeline_run_emit_progress (run);
  _heyai_pipeline_dispatch (self);
  _heyai_pipeline_run_check_done (run);
}

/* ---------------------------------------------------------------------- */
/* Analysis                                                               */

void
_heyai_pipeline_analyze_done_cb (GObject      *object,
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
  _heyai_pipeline_job_detach_signals (ctx);
  _heyai_pipeline_release_slot (ctx);

  scenes = heyai_llm_split_finish (HEYAI_LLM (object), result, &error);
  if (scenes != NULL && scenes->len == 0)
    {
      g_clear_pointer (&scenes, g_ptr_array_unref);
      g_set_error_literal (&error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                           _("The script analysis found no scenes."));
    }

  if (scenes == NULL)
    {
      _heyai_pipeline_ledger_failed (ctx, error, g_cancellable_is_cancelled (ctx->cancellable));
      if (_heyai_pipeline_is_cancel_error (error) || g_cancellable_is_cancelled (ctx->cancellable))
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_CANCELLED, NULL);
      else
        {
          g_autofree char *message = g_strdup_printf (_("The script analysis failed: %s"),
                                                      error->message);

          run->analysis_failed = TRUE;
          heyai_project_set_last_error (run->project, message);
          g_clear_error (&run->first_error);
          run->first_error = g_error_new_literal (error->domain, error->code, message);
          _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->first_error);
        }
      _heyai_pipeline_dispatch (self);
      _heyai_pipeline_run_check_done (run);
      return;
    }

  /* A new draft keeps the work: the new scenes are matched to the old ones
   * (heyai-pipeline-revise.c). */
  {
    g_autoptr(GPtrArray) old = heyai_store_list_scenes (self->store, heyai_project_get_id (run->project), &error);
    HeyaiRevision revision;
    g_autofree char *summary = NULL;

    if (old == NULL)
      {
        _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
        _heyai_pipeline_run_check_done (run);
        return;
      }

    heyai_pipeline_match_scenes (old, scenes, &revision);
    if (old->len > 0)
      summary = heyai_pipeline_revision_summary (self, &revision);
    heyai_pipeline_revision_apply_content (&revision);
    for (guint i = 0; i < revision.scenes->len; i++)
      if (g_array_index (revision.kinds, HeyaiRevisionKind, i) == HEYAI_REVISION_CHANGED)
        {
          HeyaiScene *scene = g_ptr_array_index (revision.scenes, i);
          HeyaiSceneStatus status = heyai_scene_get_status (scene);

          if (status != HEYAI_SCENE_STATUS_RENDERING && status != HEYAI_SCENE_STATUS_ANIMATING)
            heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_PENDING);
        }

    if (!heyai_store_replace_scenes (self->store, heyai_project_get_id (run->project), revision.scenes, &error))
      {
        heyai_revision_clear (&revision);
        _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, run->fatal);
        _heyai_pipeline_run_check_done (run);
        return;
      }

    /* Each scene's cast: the bible entries it names (or the analysis
     * listed). */
    if (_heyai_pipeline_tag_cast (self, run->project, revision.scenes, revision.fresh, &error) == 0 &&
        error != NULL)
      {
        g_warning ("Could not tag the scenes' cast: %s", error->message);
        g_clear_error (&error);
      }

    /* The changed scenes' statuses follow their (now outdated) takes. */
    for (guint i = 0; i < revision.scenes->len; i++)
      if (g_array_index (revision.kinds, HeyaiRevisionKind, i) == HEYAI_REVISION_CHANGED)
        {
          HeyaiScene *scene = g_ptr_array_index (revision.scenes, i);

          if (heyai_scene_get_status (scene) == HEYAI_SCENE_STATUS_PENDING)
            {
              heyai_scene_set_status (scene, _heyai_pipeline_scene_resting_status (self->store, scene));
              _heyai_pipeline_save_scene (run, scene);
            }
        }

    _heyai_pipeline_emit_message (self, g_dngettext (GETTEXT_PACKAGE, "The script was split into %u scene",
                                                     "The script was split into %u scenes", revision.scenes->len),
                                  revision.scenes->len);
    if (summary != NULL)
      _heyai_pipeline_emit_message (self, "%s", summary);
    heyai_revision_clear (&revision);
  }
  _heyai_pipeline_job_complete (ctx);
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
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      _heyai_pipeline_run_check_done (run);
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
        ctx = _heyai_pipeline_run_adopt_job (run, job, NULL, NULL);
      else
        {
          heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
          _heyai_pipeline_save_job (run, job);
        }
    }

  if (ctx == NULL)
    ctx = _heyai_pipeline_run_new_job (run, HEYAI_JOB_KIND_ANALYZE, NULL, NULL);
  if (ctx == NULL)
    {
      _heyai_pipeline_run_check_done (run);
      return;
    }

  run->analyze = ctx;
  heyai_project_set_last_error (run->project, NULL);
  _heyai_pipeline_set_project_status (run, HEYAI_PROJECT_STATUS_PROCESSING_SCRIPT);
  _heyai_pipeline_job_enqueue (ctx, STEP_WORK);
  _heyai_pipeline_run_emit_progress (run);
  _heyai_pipeline_dispatch (self);
}

void
_heyai_pipeline_ensure_project_cb (GObject      *object,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  run->pending_ops--;

  if (!heyai_storage_ensure_project_finish (HEYAI_STORAGE (object), result, &error))
    {
      if (!_heyai_pipeline_is_cancel_error (error))
        _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      _heyai_pipeline_run_check_done (run);
      _heyai_pipeline_run_unref (run);
      return;
    }

  if (g_mkdir_with_parents (run->images_dir, 0755) != 0 ||
      g_mkdir_with_parents (run->clips_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not create the project folder %s"),
                                               run->images_dir);
      heyai_set_io_error (&error, saved_errno, what);
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      run->planned = TRUE;
      _heyai_pipeline_run_check_done (run);
      _heyai_pipeline_run_unref (run);
      return;
    }

  /* Partial downloads an interrupted run left behind start over. */
  {
    gboolean other_run = FALSE;

    for (guint i = 0; i < run->self->runs->len; i++)
      {
        Run *other = g_ptr_array_index (run->self->runs, i);

        if (other != run && g_strcmp0 (heyai_project_get_id (other->project),
                                       heyai_project_get_id (run->project)) == 0)
          other_run = TRUE;
      }
    if (!other_run)
      {
        _heyai_pipeline_remove_partials (run->images_dir);
        _heyai_pipeline_remove_partials (run->clips_dir);
        _heyai_pipeline_ledger_close_interrupted (run);
      }
  }

  if (g_cancellable_is_cancelled (run->cancellable))
    {
      run->planned = TRUE;
      _heyai_pipeline_run_check_done (run);
    }
  else if (run->flags & HEYAI_RUN_ANALYZE)
    run_start_analysis (run);
  else
    run_plan (run);

  _heyai_pipeline_run_unref (run);
}
