/* heyai-pipeline-ledger.c: the request ledger's side of a job.
 *
 * Every paid provider request is a `requests` row written before the
 * request is sent (heyai-store.h, "Request ledger").  Before a job submits
 * anything for a scene and kind, it looks for a request that already paid
 * for the same inputs and is not final:
 *
 *   submitted / running        the job takes over its remote id (and
 *                              idempotency key): the provider resumes
 *                              polling and downloading, nothing is sent
 *   succeeded                  the result is on disk (or already an asset):
 *                              it is hashed / published, nothing is sent
 *   submitting                 the answer never came: Kling is asked by
 *                              external_task_id (the key is reused); for a
 *                              provider without idempotency the request is
 *                              in doubt (unknown)
 *   unknown, refused           the scene stops with the request's message,
 *                              unless the producer asked for this scene
 *                              (`heyai images P --scene N`, Regenerate)
 *   failed, collected          a new request is sent
 *
 * A failure after the provider accepted the request (a poll that gave up, a
 * cut download, a full disk, a storage error, a cancellation) keeps the
 * request open with its remote id and any file, so the next attempt starts
 * from there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-pipeline"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "heyai-enums.h"
#include "heyai-pipeline-internal.h"

/* Providers that accept an idempotency key on submit (a lost answer can be
 * recovered by asking with the key). */
static gboolean
provider_is_idempotent (const char *provider)
{
  return g_strcmp0 (provider, "kling") == 0;
}

static const char *
kind_nick (HeyaiJobKind kind)
{
  return heyai_enum_to_string (HEYAI_TYPE_JOB_KIND, kind);
}

static const char *
model_for_kind (HeyaiPipeline *self,
                HeyaiJobKind   kind)
{
  const char *model = NULL;

  switch (kind)
    {
    case HEYAI_JOB_KIND_ANALYZE:
      model = self->llm ? heyai_llm_get_model (self->llm) : NULL;
      break;
    case HEYAI_JOB_KIND_IMAGE:
      model = self->imager ? heyai_imager_get_model (self->imager) : NULL;
      break;
    case HEYAI_JOB_KIND_CLIP:
      model = self->animator ? heyai_animator_get_model (self->animator) : NULL;
      break;
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      break;
    }
  return model != NULL ? model : "";
}

char *
heyai_pipeline_request_inputs (HeyaiStore   *store,
                               HeyaiProject *project,
                               HeyaiScene   *scene,
                               HeyaiJobKind  kind,
                               const char   *provider,
                               const char   *model)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *text = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), NULL);

  if (scene == NULL)
    text = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s", kind_nick (kind), provider, model,
                            heyai_project_get_script (project) ? heyai_project_get_script (project) : "");
  else if (kind == HEYAI_JOB_KIND_CLIP)
    {
      g_autoptr(HeyaiAsset) still = heyai_store_get_asset (store, heyai_scene_get_id (scene),
                                                           HEYAI_ASSET_KIND_IMAGE,
                                                           heyai_scene_get_image_take (scene), NULL);

      text = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%d\x1f%s\x1f%d", kind_nick (kind), provider, model,
                              heyai_scene_get_motion_prompt (scene) ? heyai_scene_get_motion_prompt (scene) : "",
                              (int) heyai_scene_get_camera_move (scene), heyai_scene_get_duration (scene),
                              still != NULL && heyai_asset_get_sha256 (still) ? heyai_asset_get_sha256 (still) : "",
                              (int) heyai_project_get_aspect (project));
    }
  else
    text = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%d", kind_nick (kind), provider, model,
                            heyai_scene_get_image_prompt (scene) ? heyai_scene_get_image_prompt (scene) : "",
                            (int) heyai_project_get_aspect (project));

  g_checksum_update (sum, (const guchar *) text, -1);
  return g_strdup (g_checksum_get_string (sum));
}

HeyaiRequest *
heyai_pipeline_find_collectable_request (HeyaiStore   *store,
                                         HeyaiScene   *scene,
                                         HeyaiJobKind  kind,
                                         const char   *inputs)
{
  HeyaiRequest *request;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), NULL);

  request = heyai_store_find_request (store, heyai_scene_get_id (scene), kind_nick (kind), inputs);
  if (request != NULL && !heyai_request_state_is_open (request->state))
    g_clear_pointer (&request, heyai_request_free);
  return request;
}

gboolean
heyai_pipeline_request_is_collectable (const HeyaiRequest *request)
{
  g_return_val_if_fail (request != NULL, FALSE);

  if (!heyai_request_state_is_open (request->state))
    return FALSE;
  if (g_strcmp0 (request->kind, kind_nick (HEYAI_JOB_KIND_IMAGE)) != 0 &&
      g_strcmp0 (request->kind, kind_nick (HEYAI_JOB_KIND_CLIP)) != 0)
    return FALSE;

  switch (request->state)
    {
    case HEYAI_REQUEST_SUBMITTING:
      /* A submit without an answer: only where the provider can be asked by key. */
      return provider_is_idempotent (request->provider);
    case HEYAI_REQUEST_SUCCEEDED:
      return request->local_path != NULL || request->remote_id != NULL;
    case HEYAI_REQUEST_SUBMITTED:
    case HEYAI_REQUEST_RUNNING:
    default:
      return request->remote_id != NULL;
    }
}

/* ---------------------------------------------------------------------- */
/* Writes                                                                 */

gboolean
_heyai_pipeline_ledger_save (JobCtx *ctx)
{
  g_autoptr(GError) error = NULL;

  if (ctx->request == NULL)
    return TRUE;
  if (!heyai_store_update_request (ctx->run->self->store, ctx->request, &error))
    {
      _heyai_pipeline_run_fatal (ctx->run, g_steal_pointer (&error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
ledger_set (JobCtx            *ctx,
            HeyaiRequestState  state,
            const char        *last_error)
{
  if (ctx->request == NULL)
    return TRUE;
  ctx->request->state = state;
  if (last_error != NULL || state == HEYAI_REQUEST_COLLECTED)
    {
      g_free (ctx->request->last_error);
      ctx->request->last_error = g_strdup (last_error);
    }
  return _heyai_pipeline_ledger_save (ctx);
}

/* Writes the row of a new request (state submitting) before it is sent. */
gboolean
_heyai_pipeline_ledger_open (JobCtx *ctx)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  HeyaiJob *job = ctx->job;
  HeyaiJobKind kind = heyai_job_get_kind (job);
  g_autoptr(HeyaiRequest) request = heyai_request_new ();
  g_autoptr(GError) error = NULL;

  request->project_id = g_strdup (heyai_project_get_id (run->project));
  request->scene_id = g_strdup (ctx->scene ? heyai_scene_get_id (ctx->scene) : NULL);
  request->job_id = g_strdup (heyai_job_get_id (job));
  request->kind = g_strdup (kind_nick (kind));
  request->take = heyai_job_get_take (job);
  request->provider = g_strdup (heyai_job_get_provider (job) ? heyai_job_get_provider (job) : "");
  request->model = g_strdup (model_for_kind (self, kind));
  request->inputs = heyai_pipeline_request_inputs (self->store, run->project, ctx->scene, kind,
                                                   request->provider, request->model);
  request->idempotency_key = g_strdup (heyai_job_get_idempotency_key (job));
  request->remote_id = g_strdup (heyai_job_get_remote_id (job));
  request->state = request->remote_id != NULL ? HEYAI_REQUEST_SUBMITTED : HEYAI_REQUEST_SUBMITTING;
  request->estimated_cost = heyai_job_get_cost (job);
  request->explicit_ask = ctx->scene != NULL &&
                          ((run->flags & HEYAI_RUN_REGENERATE) != 0 || run->scene_position > 0);

  if (!heyai_store_insert_request (self->store, request, &error))
    {
      _heyai_pipeline_run_fatal (run, g_steal_pointer (&error));
      return FALSE;
    }

  g_clear_pointer (&ctx->request, heyai_request_free);
  ctx->request = g_steal_pointer (&request);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Harvest before submit                                                  */

static void
adopt_request (JobCtx       *ctx,
               HeyaiRequest *request)
{
  HeyaiJob *job = ctx->job;

  g_debug ("pipeline: scene %d %s: collecting request %s (%s, remote id %s)",
           heyai_scene_get_position (ctx->scene), request->kind, request->id,
           heyai_request_state_to_string (request->state),
           request->remote_id ? request->remote_id : "none");

  /* The request's key and remote id become the job's: the provider resumes
   * (Kling asks by external_task_id when the id is missing). */
  heyai_job_set_idempotency_key (job, request->idempotency_key);
  heyai_job_set_remote_id (job, request->remote_id);
  if (request->remote_id == NULL)
    heyai_job_set_state (job, HEYAI_JOB_STATE_SUBMITTED);

  g_free (request->job_id);
  request->job_id = g_strdup (heyai_job_get_id (job));
  request->take = heyai_job_get_take (job);

  g_clear_pointer (&ctx->request, heyai_request_free);
  ctx->request = request;
  ctx->harvested = TRUE;
}

HarvestResult
_heyai_pipeline_job_harvest (JobCtx    *ctx,
                             HeyaiAsset **asset_out)
{
  Run *run = ctx->run;
  HeyaiPipeline *self = run->self;
  HeyaiJob *job = ctx->job;
  HeyaiJobKind kind = heyai_job_get_kind (job);
  const char *provider = heyai_job_get_provider (job) ? heyai_job_get_provider (job) : "";
  g_autofree char *inputs = NULL;
  g_autoptr(HeyaiRequest) request = NULL;
  gboolean explicit_ask;

  *asset_out = NULL;
  if (kind != HEYAI_JOB_KIND_IMAGE && kind != HEYAI_JOB_KIND_CLIP)
    return HARVEST_NONE;

  /* A job that resumes its own request (a kill, a quit). */
  if (heyai_job_get_remote_id (job) != NULL)
    {
      request = heyai_store_find_request_by_key (self->store, heyai_job_get_idempotency_key (job));
      if (request != NULL)
        {
          g_clear_pointer (&ctx->request, heyai_request_free);
          ctx->request = g_steal_pointer (&request);
          if (ctx->request->remote_id == NULL)
            {
              ctx->request->remote_id = g_strdup (heyai_job_get_remote_id (job));
              ctx->request->state = HEYAI_REQUEST_SUBMITTED;
              _heyai_pipeline_ledger_save (ctx);
            }
          return HARVEST_RESUME;
        }
      return _heyai_pipeline_ledger_open (ctx) ? HARVEST_RESUME : HARVEST_STOPPED;
    }

  if (ctx->harvest_retried)
    return HARVEST_NONE;

  inputs = heyai_pipeline_request_inputs (self->store, run->project, ctx->scene, kind, provider,
                                          model_for_kind (self, kind));
  request = heyai_store_find_request (self->store, heyai_scene_get_id (ctx->scene), kind_nick (kind), inputs);
  if (request == NULL)
    return HARVEST_NONE;

  explicit_ask = (run->flags & HEYAI_RUN_REGENERATE) != 0 || run->scene_position > 0;

  switch (request->state)
    {
    case HEYAI_REQUEST_SUBMITTING:
      if (provider_is_idempotent (request->provider))
        {
          adopt_request (ctx, g_steal_pointer (&request));
          return HARVEST_RESUME;
        }
      /* Sent (or about to be) and never answered: it may have been billed. */
      request->state = HEYAI_REQUEST_UNKNOWN;
      if (request->last_error == NULL)
        request->last_error = g_strdup_printf (_("Scene %d: %s may have accepted this request before "
                                                 "HeyAI stopped; check its dashboard, or make it again."),
                                               heyai_scene_get_position (ctx->scene),
                                               request->provider);
      heyai_store_update_request (self->store, request, NULL);
      G_GNUC_FALLTHROUGH;

    case HEYAI_REQUEST_UNKNOWN:
    case HEYAI_REQUEST_REFUSED:
      if (explicit_ask)
        return HARVEST_NONE;
      {
        g_autoptr(GError) error = NULL;

        error = g_error_new_literal (HEYAI_ERROR,
                                     request->state == HEYAI_REQUEST_REFUSED ? HEYAI_ERROR_MODERATION
                                                                             : HEYAI_ERROR_IN_DOUBT,
                                     request->last_error ? request->last_error
                                                         : _("The last request for this scene is in doubt."));
        g_debug ("pipeline: scene %d %s: not sent again (%s request %s)",
                 heyai_scene_get_position (ctx->scene), request->kind,
                 heyai_request_state_to_string (request->state), request->id);
        _heyai_pipeline_job_stop (ctx, HEYAI_JOB_STATE_FAILED, error);
        return HARVEST_STOPPED;
      }

    case HEYAI_REQUEST_SUCCEEDED:
      {
        g_autoptr(HeyaiAsset) asset = NULL;

        /* The file became an asset whose publish failed: publish it. */
        asset = heyai_store_get_asset (self->store, heyai_scene_get_id (ctx->scene),
                                       _heyai_pipeline_asset_kind_for_job (job), request->take, NULL);
        if (asset != NULL && g_strcmp0 (heyai_asset_get_request_id (asset), request->remote_id) == 0)
          {
            heyai_job_set_take (job, request->take);
            adopt_request (ctx, g_steal_pointer (&request));
            ctx->request->take = heyai_job_get_take (job);
            *asset_out = g_steal_pointer (&asset);
            return HARVEST_ASSET;
          }
        if (request->local_path != NULL && g_file_test (request->local_path, G_FILE_TEST_IS_REGULAR))
          {
            heyai_job_set_take (job, request->take);
            adopt_request (ctx, g_steal_pointer (&request));
            ctx->request->take = heyai_job_get_take (job);
            return HARVEST_FILE;
          }
        if (request->remote_id == NULL)
          return HARVEST_NONE;
        /* The file is gone: download it again. */
        request->state = HEYAI_REQUEST_SUBMITTED;
        g_clear_pointer (&request->local_path, g_free);
        adopt_request (ctx, g_steal_pointer (&request));
        return HARVEST_RESUME;
      }

    case HEYAI_REQUEST_SUBMITTED:
    case HEYAI_REQUEST_RUNNING:
      if (request->remote_id == NULL)
        return HARVEST_NONE;
      adopt_request (ctx, g_steal_pointer (&request));
      return HARVEST_RESUME;

    case HEYAI_REQUEST_FAILED:
    case HEYAI_REQUEST_COLLECTED:
    default:
      return HARVEST_NONE;
    }
}

/* ---------------------------------------------------------------------- */
/* Endings                                                                */

void
_heyai_pipeline_ledger_remote_id (JobCtx *ctx)
{
  const char *remote = heyai_job_get_remote_id (ctx->job);

  if (ctx->request == NULL || remote == NULL || g_strcmp0 (ctx->request->remote_id, remote) == 0)
    return;
  g_free (ctx->request->remote_id);
  ctx->request->remote_id = g_strdup (remote);
  if (ctx->request->state == HEYAI_REQUEST_SUBMITTING)
    ctx->request->state = HEYAI_REQUEST_SUBMITTED;
  _heyai_pipeline_ledger_save (ctx);
}

void
_heyai_pipeline_ledger_result (JobCtx         *ctx,
                               HeyaiGenResult *gen)
{
  if (ctx->request == NULL)
    return;
  ctx->request->state = HEYAI_REQUEST_SUCCEEDED;
  ctx->request->cost = gen->cost;
  g_free (ctx->request->local_path);
  ctx->request->local_path = g_strdup (gen->path);
  if (gen->request_id != NULL && ctx->request->remote_id == NULL)
    ctx->request->remote_id = g_strdup (gen->request_id);
  g_clear_pointer (&ctx->request->last_error, g_free);
  _heyai_pipeline_ledger_save (ctx);
}

void
_heyai_pipeline_ledger_collected (JobCtx *ctx,
                                  double  cost)
{
  if (ctx->request == NULL)
    return;
  if (cost > 0 || ctx->request->cost <= 0)
    ctx->request->cost = cost;
  ledger_set (ctx, HEYAI_REQUEST_COLLECTED, NULL);
}

/* The provider's work ended with @error (not a result).  Returns TRUE when
 * the job should submit afresh at once (a collected request the provider
 * no longer has, or cancelled on its side: nothing to collect). */
gboolean
_heyai_pipeline_ledger_failed (JobCtx       *ctx,
                               const GError *error,
                               gboolean      cancelled)
{
  HeyaiRequest *request = ctx->request;
  gboolean has_remote;

  if (request == NULL)
    return FALSE;

  if (!cancelled && request->remote_id != NULL && heyai_job_get_remote_id (ctx->job) == NULL)
    {
      /* The provider forgot the request (404): nothing to collect. */
      ledger_set (ctx, HEYAI_REQUEST_FAILED, error ? error->message : NULL);
      return ctx->harvested && !ctx->harvest_retried;
    }

  has_remote = request->remote_id != NULL;

  if (cancelled)
    {
      /* Stop asking, not forget: an accepted request stays open and is
       * collected later.  A submit cut short on its way may have arrived. */
      if (!has_remote && request->state == HEYAI_REQUEST_SUBMITTING &&
          !provider_is_idempotent (request->provider))
        {
          if (heyai_job_get_state (ctx->job) == HEYAI_JOB_STATE_SUBMITTED)
            {
              g_autofree char *message = g_strdup_printf (_("Scene %d: %s may have accepted this request before it "
                                                            "was cancelled; check its dashboard, or make it again."),
                                                          ctx->scene ? heyai_scene_get_position (ctx->scene) : 0,
                                                          request->provider);
              ledger_set (ctx, HEYAI_REQUEST_UNKNOWN, message);
            }
          else
            ledger_set (ctx, HEYAI_REQUEST_FAILED, _("Cancelled before it was sent."));
        }
      return FALSE;
    }

  if (error == NULL)
    return FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CANCELLED))
    {
      /* Cancelled on the provider's side (Higgsfield while queued): not billed. */
      ledger_set (ctx, HEYAI_REQUEST_FAILED, error->message);
      return ctx->harvested && !ctx->harvest_retried;
    }

  if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_IN_DOUBT))
    return ledger_set (ctx, HEYAI_REQUEST_UNKNOWN, error->message), FALSE;

  if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION) ||
      g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION))
    return ledger_set (ctx, HEYAI_REQUEST_REFUSED, error->message), FALSE;

  if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS) ||
      g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA) ||
      g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT))
    {
      if (!has_remote)
        return ledger_set (ctx, HEYAI_REQUEST_FAILED, error->message), FALSE;
    }

  if (has_remote)
    {
      /* Accepted: a poll that gave up, a cut download, a full disk.  The
       * request stays open; the next attempt starts from there.  But the
       * provider's own final answer about it (the generation failed, a
       * status nobody understands) leaves nothing to collect. */
      if (request->state != HEYAI_REQUEST_SUCCEEDED &&
          g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER) &&
          heyai_job_get_state (ctx->job) != HEYAI_JOB_STATE_DOWNLOADING)
        {
          ledger_set (ctx, HEYAI_REQUEST_FAILED, error->message);
          return FALSE;
        }
      g_free (request->last_error);
      request->last_error = g_strdup (error->message);
      _heyai_pipeline_ledger_save (ctx);
      return FALSE;
    }

  /* Never accepted.  Kling may still have it under its key: keep it open. */
  if (provider_is_idempotent (request->provider) && request->state == HEYAI_REQUEST_SUBMITTING)
    {
      g_free (request->last_error);
      request->last_error = g_strdup (error->message);
      _heyai_pipeline_ledger_save (ctx);
      return FALSE;
    }
  ledger_set (ctx, HEYAI_REQUEST_FAILED, error->message);
  return FALSE;
}

/* LLM calls an earlier process left open (killed while the analysis was
 * on its way): nothing can collect them (no remote id to poll), and the
 * service may have billed them.  Called at the start of a run that holds
 * the project lock (no other process works on the project), so an open
 * analysis that no run of this pipeline has in flight is dead. */
void
_heyai_pipeline_ledger_close_interrupted (Run *run)
{
  HeyaiPipeline *self = run->self;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;

  requests = heyai_store_list_requests (self->store, heyai_project_get_id (run->project), &error);
  if (requests == NULL)
    {
      g_warning ("Could not read the request ledger: %s", error->message);
      return;
    }

  for (guint i = 0; i < requests->len; i++)
    {
      HeyaiRequest *request = g_ptr_array_index (requests, i);

      if (g_strcmp0 (request->kind, kind_nick (HEYAI_JOB_KIND_ANALYZE)) != 0 ||
          !heyai_request_state_is_open (request->state) || request->state == HEYAI_REQUEST_SUCCEEDED ||
          (request->job_id != NULL && g_hash_table_contains (self->busy, request->job_id)))
        continue;

      g_debug ("pipeline: the analysis request %s (%s) was interrupted: unknown", request->id,
               heyai_request_state_to_string (request->state));
      request->state = HEYAI_REQUEST_UNKNOWN;
      g_free (request->last_error);
      /* Translators: %s is the service ("openai", "anthropic"). */
      request->last_error = g_strdup_printf (_("The script analysis was interrupted before %s answered; "
                                               "it may have been billed."),
                                             request->provider != NULL ? request->provider : "");
      if (!heyai_store_update_request (self->store, request, &error))
        {
          g_warning ("Could not update the request ledger: %s", error->message);
          return;
        }
    }
}

/* Leftover partial downloads of an interrupted run ("…part" files whose
 * download will start over). */
void
_heyai_pipeline_remove_partials (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] == '.' && strstr (name, ".part") != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        if (g_unlink (path) == 0)
          g_debug ("pipeline: removed the leftover partial download %s", path);
      }
}

/* Whether @scene has a request of @kind for today's inputs that may still
 * deliver (what a HEYAI_RUN_COLLECT run works on). */
gboolean
_heyai_pipeline_has_collectable (Run          *run,
                                 HeyaiScene   *scene,
                                 HeyaiJobKind  kind)
{
  return _heyai_pipeline_collectable (run->self, run->project, scene, kind);
}

gboolean
_heyai_pipeline_collectable (HeyaiPipeline *self,
                             HeyaiProject  *project,
                             HeyaiScene    *scene,
                             HeyaiJobKind   kind)
{
  const char *provider = NULL;
  g_autofree char *inputs = NULL;
  g_autoptr(HeyaiRequest) request = NULL;

  switch (kind)
    {
    case HEYAI_JOB_KIND_IMAGE:
      provider = self->imager ? heyai_imager_get_name (self->imager) : "";
      break;
    case HEYAI_JOB_KIND_CLIP:
      provider = self->animator ? heyai_animator_get_name (self->animator) : "";
      break;
    case HEYAI_JOB_KIND_ANALYZE:
    case HEYAI_JOB_KIND_UPLOAD:
    default:
      return FALSE;
    }

  inputs = heyai_pipeline_request_inputs (self->store, project, scene, kind, provider,
                                          model_for_kind (self, kind));
  request = heyai_pipeline_find_collectable_request (self->store, scene, kind, inputs);
  /* A submit without an answer is collectable only where the provider can be asked by key. */
  return request != NULL &&
         (request->state != HEYAI_REQUEST_SUBMITTING || provider_is_idempotent (request->provider));
}
