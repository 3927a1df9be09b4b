/* heyai-pipeline.c: the job scheduler and project state machine (the
 * GObject and its public API; the runs themselves are in
 * heyai-pipeline-run.c, whose header comment explains how a run works).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "heyai-pipeline-internal.h"
#include "heyai-provider-descriptors.h"

G_DEFINE_FINAL_TYPE (HeyaiPipeline, heyai_pipeline, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RUNNING,
  PROP_BUDGET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint _heyai_pipeline_signals[N_SIGNALS];
#define signals _heyai_pipeline_signals

void
_heyai_pipeline_notify_running (HeyaiPipeline *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
heyai_pipeline_dispose (GObject *object)
{
  HeyaiPipeline *self = HEYAI_PIPELINE (object);

  /* Runs hold a reference on the pipeline: none can be alive here. */
  g_assert (self->runs->len == 0);
  _heyai_pipeline_capacity_clear (self);

  g_clear_object (&self->store);
  g_clear_object (&self->llm);
  g_clear_object (&self->imager);
  g_clear_object (&self->animator);
  g_clear_object (&self->storage);

  G_OBJECT_CLASS (heyai_pipeline_parent_class)->dispose (object);
}

static void
heyai_pipeline_finalize (GObject *object)
{
  HeyaiPipeline *self = HEYAI_PIPELINE (object);

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->busy, g_hash_table_unref);
  for (guint i = 0; i < N_ROLES; i++)
    g_queue_clear (&self->queues[i]);

  G_OBJECT_CLASS (heyai_pipeline_parent_class)->finalize (object);
}

static void
heyai_pipeline_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HeyaiPipeline *self = HEYAI_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, heyai_pipeline_get_running (self));
      break;
    case PROP_BUDGET:
      g_value_set_double (value, self->budget);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_pipeline_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HeyaiPipeline *self = HEYAI_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_BUDGET:
      heyai_pipeline_set_budget (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_pipeline_class_init (HeyaiPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_pipeline_dispose;
  object_class->finalize = heyai_pipeline_finalize;
  object_class->get_property = heyai_pipeline_get_property;
  object_class->set_property = heyai_pipeline_set_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUDGET] =
    g_param_spec_double ("budget", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[JOB_CHANGED] =
    g_signal_new ("job-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HEYAI_TYPE_JOB);
  signals[SCENE_CHANGED] =
    g_signal_new ("scene-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HEYAI_TYPE_SCENE);
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
heyai_pipeline_init (HeyaiPipeline *self)
{
  self->runs = g_ptr_array_new ();
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->poll_ms = DEFAULT_POLL_MS;
  self->limits[HEYAI_ROLE_LLM] = 1;
  self->limits[HEYAI_ROLE_IMAGER] = 4;
  self->limits[HEYAI_ROLE_ANIMATOR] = 2;
  self->limits[HEYAI_ROLE_STORAGE] = 4;
  for (guint i = 0; i < N_ROLES; i++)
    g_queue_init (&self->queues[i]);
}

/* ---------------------------------------------------------------------- */
/* Public API                                                             */

HeyaiPipeline *
heyai_pipeline_new (HeyaiStore    *store,
                    const char    *data_dir,
                    HeyaiLlm      *llm,
                    HeyaiImager   *imager,
                    HeyaiAnimator *animator,
                    HeyaiStorage  *storage)
{
  HeyaiPipeline *self;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (HEYAI_IS_LLM (llm), NULL);
  g_return_val_if_fail (HEYAI_IS_IMAGER (imager), NULL);
  g_return_val_if_fail (HEYAI_IS_ANIMATOR (animator), NULL);
  g_return_val_if_fail (HEYAI_IS_STORAGE (storage), NULL);

  self = g_object_new (HEYAI_TYPE_PIPELINE, NULL);
  self->store = g_object_ref (store);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
  self->llm = g_object_ref (llm);
  self->imager = g_object_ref (imager);
  self->animator = g_object_ref (animator);
  self->storage = g_object_ref (storage);

  /* Each provider's default from its descriptor (the offline animator
   * encodes on this machine: one clip per processor). */
  {
    const char *names[N_ROLES] = {
      [HEYAI_ROLE_LLM] = heyai_llm_get_name (llm),
      [HEYAI_ROLE_IMAGER] = heyai_imager_get_name (imager),
      [HEYAI_ROLE_ANIMATOR] = heyai_animator_get_name (animator),
      [HEYAI_ROLE_STORAGE] = heyai_storage_get_name (storage),
    };

    for (guint role = 0; role < N_ROLES; role++)
      {
        const HeyaiProviderDescriptor *d = heyai_provider_descriptor_lookup ((HeyaiRole) role, names[role]);

        self->max_limits[role] = d != NULL ? d->max_jobs : 0;
        if (d == NULL || d->default_jobs == 0)
          continue;
        self->limits[role] = d->default_jobs == HEYAI_PROVIDER_JOBS_PER_PROCESSOR
                               ? (guint) MAX (g_get_num_processors (), 1)
                               : d->default_jobs;
      }
  }
  memcpy (self->default_limits, self->limits, sizeof self->limits);

  return self;
}

HeyaiStore *
heyai_pipeline_get_store (HeyaiPipeline *self)
{
  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), NULL);
  return self->store;
}

void
heyai_pipeline_set_concurrency (HeyaiPipeline *self,
                                HeyaiRole      role,
                                guint          limit)
{
  g_return_if_fail (HEYAI_IS_PIPELINE (self));
  g_return_if_fail (role < N_ROLES);

  /* 0 restores the default (llm 1, imager 4, animator 2 or one per core for
   * the offline animator, storage 4). */
  self->limits[role] = limit > 0 ? limit : self->default_limits[role];
  /* No more than the provider's descriptor allows. */
  if (self->max_limits[role] > 0)
    self->limits[role] = MIN (self->limits[role], self->max_limits[role]);
  _heyai_pipeline_dispatch (self);
}

guint
heyai_pipeline_get_concurrency (HeyaiPipeline *self,
                                HeyaiRole      role)
{
  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), 0);
  g_return_val_if_fail (role < N_ROLES, 0);

  return self->limits[role];
}

guint
heyai_pipeline_get_effective_concurrency (HeyaiPipeline *self,
                                          HeyaiRole      role)
{
  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), 0);
  g_return_val_if_fail (role < N_ROLES, 0);

  return _heyai_pipeline_effective_limit (self, role);
}

void
heyai_pipeline_set_budget (HeyaiPipeline *self,
                           double         usd)
{
  g_return_if_fail (HEYAI_IS_PIPELINE (self));

  usd = MAX (usd, 0);
  if (self->budget == usd)
    return;

  self->budget = usd;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUDGET]);
}

gboolean
heyai_pipeline_get_running (HeyaiPipeline *self)
{
  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), FALSE);
  return self->runs->len > 0;
}

void
heyai_pipeline_set_staged (HeyaiPipeline *self,
                           gboolean       staged)
{
  g_return_if_fail (HEYAI_IS_PIPELINE (self));
  self->staged = !!staged;
}

void
heyai_pipeline_set_poll_interval (HeyaiPipeline *self,
                                  guint          msec)
{
  g_return_if_fail (HEYAI_IS_PIPELINE (self));
  self->poll_ms = MAX (msec, 10);
}

static HeyaiJob *
find_unfinished (GPtrArray    *jobs,
                 HeyaiScene   *scene,
                 HeyaiJobKind  kind)
{
  for (guint i = 0; jobs != NULL && i < jobs->len; i++)
    {
      HeyaiJob *job = g_ptr_array_index (jobs, i);

      if (heyai_job_get_kind (job) == kind &&
          g_strcmp0 (heyai_job_get_scene_id (job), heyai_scene_get_id (scene)) == 0)
        return job;
    }
  return NULL;
}

/* The planner's accounting of @scenes (stored, or @fresh: not stored yet,
 * as the script analysis or a new draft would make them), added to
 * @estimate: heyai_pipeline_estimate() and the cost line of a new draft's
 * revision both ask it, so they cannot disagree. */
static void
estimate_scenes (HeyaiPipeline    *self,
                 HeyaiProject     *project,
                 GPtrArray        *scenes,
                 GPtrArray        *unfinished,
                 gboolean          fresh,
                 HeyaiRunFlags     flags,
                 int               scene_position,
                 HeyaiRunEstimate *estimate)
{
  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      HeyaiJob *job;
      gboolean still = FALSE;

      if (scene_position > 0 && heyai_scene_get_position (scene) != scene_position)
        continue;

      if (flags & HEYAI_RUN_IMAGES)
        {
          job = fresh ? NULL : find_unfinished (unfinished, scene, HEYAI_JOB_KIND_IMAGE);
          if (job != NULL)
            {
              still = TRUE;
              if (heyai_job_get_remote_id (job) == NULL &&
                  !_heyai_pipeline_collectable (self, project, scene, HEYAI_JOB_KIND_IMAGE))
                estimate->cost += heyai_job_get_cost (job);
            }
          else if (fresh || _heyai_pipeline_wants_still (self, project, scene, flags))
            {
              still = TRUE;
              if ((fresh || !_heyai_pipeline_collectable (self, project, scene, HEYAI_JOB_KIND_IMAGE)) &&
                  !heyai_store_scene_continues (self->store, heyai_scene_get_id (scene)))
                estimate->cost += heyai_imager_estimate_cost (self->imager, scene);
            }
          if (still)
            {
              estimate->n_jobs[HEYAI_ROLE_IMAGER]++;
              estimate->n_jobs[HEYAI_ROLE_STORAGE]++;
            }
        }

      if (!(flags & HEYAI_RUN_ANIMATE))
        continue;

      job = fresh ? NULL : find_unfinished (unfinished, scene, HEYAI_JOB_KIND_CLIP);
      if (job != NULL)
        {
          if (heyai_job_get_remote_id (job) == NULL &&
              !_heyai_pipeline_collectable (self, project, scene, HEYAI_JOB_KIND_CLIP))
            estimate->cost += heyai_job_get_cost (job);
        }
      else if (fresh ? (flags & HEYAI_RUN_AUTO_APPROVE) != 0
                     : _heyai_pipeline_wants_clip (self, project, scene, flags, still))
        {
          if (still || !_heyai_pipeline_collectable (self, project, scene, HEYAI_JOB_KIND_CLIP))
            estimate->cost += heyai_animator_estimate_cost (self->animator, scene);
        }
      else
        continue;

      estimate->n_jobs[HEYAI_ROLE_ANIMATOR]++;
      estimate->n_jobs[HEYAI_ROLE_STORAGE]++;
    }


  estimate->n_paid = 0;
  if (estimate->n_jobs[HEYAI_ROLE_LLM] > 0 && heyai_provider_is_paid (HEYAI_ROLE_LLM, heyai_llm_get_name (self->llm)))
    estimate->n_paid += estimate->n_jobs[HEYAI_ROLE_LLM];
  if (heyai_provider_is_paid (HEYAI_ROLE_IMAGER, heyai_imager_get_name (self->imager)))
    estimate->n_paid += estimate->n_jobs[HEYAI_ROLE_IMAGER];
  if (heyai_provider_is_paid (HEYAI_ROLE_ANIMATOR, heyai_animator_get_name (self->animator)))
    estimate->n_paid += estimate->n_jobs[HEYAI_ROLE_ANIMATOR];
}

/* The planner: what a request (a whole run, one scene's still or clip, a
 * retry: see heyai_pipeline_retry_flags()) would do, asking the same
 * decisions as the run (heyai-pipeline-plan.c).  Unfinished jobs are
 * continued, not planned again; work already paid for (a job holding a
 * remote id, a ledger request that can be collected) costs nothing new. */
void
heyai_pipeline_estimate (HeyaiPipeline    *self,
                         HeyaiProject     *project,
                         HeyaiRunFlags     flags,
                         int               scene_position,
                         HeyaiRunEstimate *estimate)
{
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) unfinished = NULL;
  gboolean fresh = (flags & HEYAI_RUN_ANALYZE) != 0;

  g_return_if_fail (HEYAI_IS_PIPELINE (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (estimate != NULL);

  memset (estimate, 0, sizeof *estimate);

  /* Collecting what was paid for already costs nothing new. */
  if (flags & HEYAI_RUN_COLLECT)
    return;

  if (fresh)
    {
      /* The scenes do not exist yet: assume one per scene of the source
       * (the parser's split), each 5 s. */
      g_autoptr(HeyaiScript) script = NULL;
      guint n = 0;

      estimate->n_jobs[HEYAI_ROLE_LLM] = 1;
      script = heyai_script_parse (heyai_project_get_script (project), -1, NULL);
      if (script != NULL)
        n = script->scenes->len;

      scenes = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < n; i++)
        {
          HeyaiScene *scene = heyai_scene_new ();
          heyai_scene_set_position (scene, i + 1);
          heyai_scene_set_duration (scene, 5);
          g_ptr_array_add (scenes, scene);
        }
    }
  else
    {
      scenes = heyai_store_list_scenes (self->store, heyai_project_get_id (project), NULL);
      unfinished = heyai_store_list_jobs (self->store, heyai_project_get_id (project), TRUE, NULL);
    }

  if (scenes == NULL)
    return;

  estimate_scenes (self, project, scenes, unfinished, fresh, flags, scene_position, estimate);
}

/* What making @scenes as a new draft has them (a still and, as a run with
 * auto-approve would, a clip each) costs: the planner's accounting. */
double
_heyai_pipeline_estimate_fresh_scenes (HeyaiPipeline *self,
                                       HeyaiProject  *project,
                                       GPtrArray     *scenes)
{
  HeyaiRunEstimate estimate;

  memset (&estimate, 0, sizeof estimate);
  estimate_scenes (self, project, scenes, NULL, TRUE,
                   HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0, &estimate);
  return estimate.cost;
}

HeyaiRunFlags
heyai_pipeline_retry_flags (HeyaiStore    *store,
                            HeyaiProject  *project,
                            HeyaiScene    *scene,
                            GError       **error)
{
  g_autoptr(GPtrArray) jobs = NULL;
  HeyaiJob *latest = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), 0);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), 0);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), 0);

  jobs = heyai_store_list_jobs (store, heyai_project_get_id (project), FALSE, error);
  if (jobs == NULL)
    return 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      HeyaiJob *job = g_ptr_array_index (jobs, i);

      if (g_strcmp0 (heyai_job_get_scene_id (job), heyai_scene_get_id (scene)) != 0 ||
          (heyai_job_get_kind (job) != HEYAI_JOB_KIND_IMAGE && heyai_job_get_kind (job) != HEYAI_JOB_KIND_CLIP))
        continue;
      if (latest == NULL || heyai_job_get_created_at (job) >= heyai_job_get_created_at (latest))
        latest = job;
    }

  if (latest == NULL || heyai_job_get_state (latest) != HEYAI_JOB_STATE_FAILED)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Nothing failed in scene %d: there is nothing to try again."),
                   heyai_scene_get_position (scene));
      return 0;
    }

  /* The step that failed, and only that one: a failed clip is made again
   * from the selected still (no new still, the approval stays). */
  if (heyai_job_get_kind (latest) == HEYAI_JOB_KIND_CLIP)
    return HEYAI_RUN_ANIMATE | HEYAI_RUN_REGENERATE;
  return HEYAI_RUN_IMAGES | HEYAI_RUN_REGENERATE;
}

void
heyai_pipeline_run_async (HeyaiPipeline       *self,
                          HeyaiProject        *project,
                          HeyaiRunFlags        flags,
                          int                  scene_position,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_PIPELINE (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  _heyai_pipeline_start_run (self, project, flags, scene_position, cancellable, callback, user_data);
}

gboolean
heyai_pipeline_run_finish (HeyaiPipeline    *self,
                           GAsyncResult     *result,
                           HeyaiRunSummary  *summary,
                           GError          **error)
{
  HeyaiRunSummary *data;

  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == heyai_pipeline_run_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (summary != NULL)
    {
      if (data != NULL)
        *summary = *data;
      else
        memset (summary, 0, sizeof *summary);
    }

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
heyai_pipeline_cancel_project (HeyaiStore    *store,
                               HeyaiProject  *project,
                               GError       **error)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autofree char *key = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), FALSE);

  jobs = heyai_store_list_jobs (store, heyai_project_get_id (project), TRUE, error);
  if (jobs == NULL)
    return FALSE;

  if (!heyai_store_begin (store, error))
    return FALSE;

  /* A running pipeline (any process) sees this at its next poll and stops
   * the whole run, including work it has not written yet. */
  key = _heyai_pipeline_cancel_key (project);
  now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  if (!heyai_store_set_meta (store, key, now, error))
    {
      heyai_store_rollback (store);
      return FALSE;
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      HeyaiJob *job = g_ptr_array_index (jobs, i);

      heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
      heyai_job_set_last_error (job, _("Cancelled"));
      if (!heyai_store_update_job (store, job, error))
        {
          heyai_store_rollback (store);
          return FALSE;
        }
    }

  /* Scenes left "rendering"/"animating" by the cancelled work. */
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), error);
  if (scenes == NULL)
    {
      heyai_store_rollback (store);
      return FALSE;
    }

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      HeyaiSceneStatus status = heyai_scene_get_status (scene);

      if (status != HEYAI_SCENE_STATUS_RENDERING && status != HEYAI_SCENE_STATUS_ANIMATING)
        continue;

      heyai_scene_set_status (scene, _heyai_scene_resting_status (store, scene));
      if (!heyai_store_update_scene (store, scene, error))
        {
          heyai_store_rollback (store);
          return FALSE;
        }
    }

  if (jobs->len > 0)
    {
      HeyaiProjectStatus status = heyai_pipeline_settle_status (store, project);

      if (status != heyai_project_get_status (project))
        {
          heyai_project_set_status (project, status);
          if (!heyai_store_update_project (store, project, error))
            {
              heyai_store_rollback (store);
              return FALSE;
            }
        }
    }

  return heyai_store_commit (store, error);
}

/* The project's status follows its scenes once nothing runs on it (an
 * approval, a selected take). */
static gboolean
settle_project (HeyaiStore  *store,
                HeyaiScene  *scene,
                GError     **error)
{
  g_autoptr(HeyaiProject) project = NULL;
  HeyaiProjectStatus status;

  project = heyai_store_find_project (store, heyai_scene_get_project_id (scene), NULL);
  if (project == NULL)
    return TRUE;
  switch (heyai_project_get_status (project))
    {
    case HEYAI_PROJECT_STATUS_PROCESSING_SCRIPT:
    case HEYAI_PROJECT_STATUS_GENERATING_IMAGES:
      return TRUE;  /* a run settles it when it ends */
    case HEYAI_PROJECT_STATUS_DRAFT:
    case HEYAI_PROJECT_STATUS_ANIMATING_SCENES:
    case HEYAI_PROJECT_STATUS_STILLS_MISSING:
    case HEYAI_PROJECT_STATUS_READY_TO_ANIMATE:
    case HEYAI_PROJECT_STATUS_CLIPS_OUTDATED:
    case HEYAI_PROJECT_STATUS_READY_FOR_EDIT:
    case HEYAI_PROJECT_STATUS_COMPLETED:
    case HEYAI_PROJECT_STATUS_FAILED:
    case HEYAI_PROJECT_STATUS_AWAITING_REVIEW:
    default:
      break;
    }

  status = heyai_pipeline_settle_status (store, project);
  /* A batch that animates settles the project when it ends: an approval
   * meanwhile that leaves clips to make keeps "Animating scenes". */
  if (status == heyai_project_get_status (project) ||
      (heyai_project_get_status (project) == HEYAI_PROJECT_STATUS_ANIMATING_SCENES &&
       (status == HEYAI_PROJECT_STATUS_READY_TO_ANIMATE || status == HEYAI_PROJECT_STATUS_CLIPS_OUTDATED)))
    return TRUE;
  /* "Completed" (the producer delivered) stays until something is outdated. */
  if (heyai_project_get_status (project) == HEYAI_PROJECT_STATUS_COMPLETED &&
      status == HEYAI_PROJECT_STATUS_READY_FOR_EDIT)
    return TRUE;
  heyai_project_set_status (project, status);
  return heyai_store_update_project (store, project, error);
}

gboolean
heyai_pipeline_set_approval (HeyaiStore     *store,
                             HeyaiScene     *scene,
                             HeyaiApproval   approval,
                             GError        **error)
{
  HeyaiSceneStatus status;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);

  heyai_scene_set_approval (scene, approval);

  status = heyai_scene_get_status (scene);
  /* Work in progress keeps its status; a clip already made stays shown. */
  if (status != HEYAI_SCENE_STATUS_RENDERING && status != HEYAI_SCENE_STATUS_ANIMATING)
    heyai_scene_set_status (scene, _heyai_scene_resting_status (store, scene));

  if (!heyai_store_update_scene (store, scene, error))
    return FALSE;
  return settle_project (store, scene, error);
}

gboolean
heyai_pipeline_select_take (HeyaiStore      *store,
                            HeyaiScene      *scene,
                            HeyaiAssetKind   kind,
                            int              take,
                            GError         **error)
{
  g_autoptr(HeyaiAsset) asset = NULL;
  HeyaiSceneStatus status;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (kind == HEYAI_ASSET_KIND_IMAGE || kind == HEYAI_ASSET_KIND_CLIP, FALSE);

  asset = take > 0 ? heyai_store_get_asset (store, heyai_scene_get_id (scene), kind, take, NULL) : NULL;
  if (asset == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   kind == HEYAI_ASSET_KIND_IMAGE ? _("Scene %d has no still take %d.")
                                                  : _("Scene %d has no clip take %d."),
                   heyai_scene_get_position (scene), take);
      return FALSE;
    }

  if (kind == HEYAI_ASSET_KIND_IMAGE)
    heyai_scene_set_image_take (scene, take);
  else
    heyai_scene_set_clip_take (scene, take);

  status = heyai_scene_get_status (scene);
  if (status != HEYAI_SCENE_STATUS_RENDERING && status != HEYAI_SCENE_STATUS_ANIMATING)
    heyai_scene_set_status (scene, _heyai_scene_resting_status (store, scene));

  if (!heyai_store_update_scene (store, scene, error))
    return FALSE;
  return settle_project (store, scene, error);
}

/* Deleting a project: its work stops first (queued work at once; requests
 * the services accepted stay in the ledger), in this process and in any
 * other, then the project and its scenes, takes and jobs are tombstoned. */
gboolean
heyai_pipeline_delete_project (HeyaiStore    *store,
                               HeyaiProject  *project,
                               GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), FALSE);

  if (!heyai_pipeline_cancel_project (store, project, &local_error))
    {
      g_warning ("Could not stop the work on project %s: %s", heyai_project_get_id (project),
                 local_error->message);
      g_clear_error (&local_error);
    }
  return heyai_store_delete_project (store, project, error);
}

gboolean
heyai_pipeline_restore_scene (HeyaiStore  *store,
                              HeyaiScene  *scene,
                              GError     **error)
{
  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);

  if (!heyai_store_restore_scene (store, scene, error))
    return FALSE;
  /* What it held comes back as it was; nothing of it runs. */
  if (heyai_scene_get_status (scene) == HEYAI_SCENE_STATUS_RENDERING ||
      heyai_scene_get_status (scene) == HEYAI_SCENE_STATUS_ANIMATING)
    {
      heyai_scene_set_status (scene, _heyai_scene_resting_status (store, scene));
      if (!heyai_store_update_scene (store, scene, error))
        return FALSE;
    }
  return settle_project (store, scene, error);
}

GObject *
heyai_pipeline_get_provider (HeyaiPipeline *self,
                             HeyaiRole      role)
{
  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), NULL);

  switch (role)
    {
    case HEYAI_ROLE_LLM:      return G_OBJECT (self->llm);
    case HEYAI_ROLE_IMAGER:   return G_OBJECT (self->imager);
    case HEYAI_ROLE_ANIMATOR: return G_OBJECT (self->animator);
    case HEYAI_ROLE_STORAGE:  return G_OBJECT (self->storage);
    default:                  g_return_val_if_reached (NULL);
    }
}
