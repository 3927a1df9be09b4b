/* heyai-test-provider.c: a scripted provider for the pipeline tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "heyai-test-provider.h"

#define N_ROLES 4

struct _HeyaiTestProvider
{
  GObject             parent_instance;

  char               *name;
  guint               default_latency[N_ROLES];
  guint               latency[N_ROLES][TEST_MAX_SCENES + 1];   /* 0 = default */
  gboolean            has_latency[N_ROLES][TEST_MAX_SCENES + 1];
  int                 failure[N_ROLES][TEST_MAX_SCENES + 1];   /* -1 = none */
  gboolean            remote[N_ROLES];
  double              cost[N_ROLES];
  char               *references_note[N_ROLES];
  guint               capacity[N_ROLES];
  guint               refusal_ms[N_ROLES];
  guint               n_scenes;
  guint               next_remote;
  HeyaiTestRoleStats  stats[N_ROLES];
};

static void llm_iface_init      (HeyaiLlmInterface      *iface);
static void imager_iface_init   (HeyaiImagerInterface   *iface);
static void animator_iface_init (HeyaiAnimatorInterface *iface);
static void storage_iface_init  (HeyaiStorageInterface  *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiTestProvider, heyai_test_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_LLM, llm_iface_init)
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_IMAGER, imager_iface_init)
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_ANIMATOR, animator_iface_init)
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_STORAGE, storage_iface_init))

enum { STARTED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------- */
/* One simulated operation                                                */

typedef struct
{
  HeyaiTestProvider *self;
  HeyaiRole          role;
  GTask             *task;
  HeyaiJob          *job;       /* imager/animator: a snapshot made from the input */
  HeyaiGenReporter  *reporter;  /* imager/animator: where it reports */
  HeyaiProject      *project;
  HeyaiAsset        *asset;
  char              *path;
  char              *request_id;
  int                position;
  int                duration;
  GSource           *timeout;
  GSource           *cancel_source;
  gboolean           completed;
  gboolean           refused;     /* over the account's capacity */
} Op;

static void
op_free (Op *op)
{
  if (op->timeout)
    {
      g_source_destroy (op->timeout);
      g_source_unref (op->timeout);
    }
  if (op->cancel_source)
    {
      g_source_destroy (op->cancel_source);
      g_source_unref (op->cancel_source);
    }
  g_clear_object (&op->job);
  g_clear_pointer (&op->reporter, heyai_gen_reporter_unref);
  g_clear_object (&op->project);
  g_clear_object (&op->asset);
  g_free (op->path);
  g_free (op->request_id);
  g_object_unref (op->self);
  g_free (op);
}

static guint
latency_for (HeyaiTestProvider *self,
             HeyaiRole          role,
             int                position)
{
  if (position >= 0 && position <= TEST_MAX_SCENES && self->has_latency[role][position])
    return self->latency[role][position];
  return self->default_latency[role];
}

static void
op_finish (Op *op)
{
  HeyaiTestProvider *self = op->self;
  HeyaiTestRoleStats *stats = &self->stats[op->role];
  g_autoptr(GTask) task = op->task;
  int failure = -1;

  op->completed = TRUE;
  op->task = NULL;
  stats->in_flight--;
  if (!op->refused)
    stats->accepted_in_flight--;

  if (op->position >= 0 && op->position <= TEST_MAX_SCENES)
    failure = self->failure[op->role][op->position];
  if (op->refused)
    failure = HEYAI_ERROR_CAPACITY;

  if (g_task_return_error_if_cancelled (task))
    {
      stats->cancellations++;
      op_free (op);
      return;
    }

  if (failure >= 0)
    {
      if (!op->refused)
        stats->failures++;
      g_task_return_new_error (task, HEYAI_ERROR, failure,
                               "The test service refused the work (code %d).", failure);
      op_free (op);
      return;
    }

  if (op->position >= 0 && op->position <= TEST_MAX_SCENES)
    stats->finished_at[op->position] = g_get_monotonic_time ();

  switch (op->role)
    {
    case HEYAI_ROLE_LLM:
      {
        GPtrArray *scenes = g_ptr_array_new_with_free_func (g_object_unref);

        for (guint i = 0; i < self->n_scenes; i++)
          {
            HeyaiScene *scene = heyai_scene_new ();
            g_autofree char *title = g_strdup_printf ("Test scene %u", i + 1);

            heyai_scene_set_position (scene, i + 1);
            heyai_scene_set_title (scene, title);
            heyai_scene_set_description (scene, title);
            heyai_scene_set_image_prompt (scene, title);
            heyai_scene_set_motion_prompt (scene, "slow push in");
            heyai_scene_set_excerpt (scene, title);
            heyai_scene_set_duration (scene, 5);
            g_ptr_array_add (scenes, scene);
          }
        g_task_return_pointer (task, scenes, (GDestroyNotify) g_ptr_array_unref);
      }
      break;

    case HEYAI_ROLE_IMAGER:
    case HEYAI_ROLE_ANIMATOR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *content = g_strdup_printf ("test %s scene %d job %s\n",
                                                    op->role == HEYAI_ROLE_IMAGER ? "still" : "clip",
                                                    op->position, heyai_job_get_id (op->job));
        HeyaiGenResult *result;

        if (!g_file_set_contents (op->path, content, -1, &error))
          {
            g_task_return_error (task, g_steal_pointer (&error));
            break;
          }

        result = heyai_gen_result_new ();
        result->path = g_strdup (op->path);
        result->provider = g_strdup (self->name);
        result->model = g_strdup ("test-model");
        result->params = g_strdup ("{\"prompt\":\"test\"}");
        result->request_id = g_strdup (heyai_job_get_remote_id (op->job));
        result->seed = 42;
        result->cost = self->cost[op->role];
        result->references_note = g_strdup (self->references_note[op->role]);
        g_task_return_pointer (task, result, (GDestroyNotify) heyai_gen_result_free);
      }
      break;

    case HEYAI_ROLE_STORAGE:
    default:
      if (op->asset != NULL)
        {
          g_autofree char *uri = g_filename_to_uri (heyai_asset_get_local_path (op->asset), NULL, NULL);
          heyai_asset_set_view_link (op->asset, uri);
        }
      g_task_return_boolean (task, TRUE);
      break;
    }

  op_free (op);
}

static gboolean
op_timeout_cb (gpointer user_data)
{
  Op *op = user_data;

  g_clear_pointer (&op->timeout, g_source_unref);
  op_finish (op);
  return G_SOURCE_REMOVE;
}

static gboolean
op_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  Op *op = user_data;

  g_clear_pointer (&op->cancel_source, g_source_unref);
  op_finish (op);
  return G_SOURCE_REMOVE;
}

static void
op_start (HeyaiTestProvider   *self,
          HeyaiRole            role,
          HeyaiJob            *job,
          HeyaiGenReporter    *reporter,
          HeyaiScene          *scene,
          const char          *dest_dir,
          GCancellable        *cancellable,
          gpointer             source_tag,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          Op                 **out_op)
{
  HeyaiTestRoleStats *stats = &self->stats[role];
  Op *op = g_new0 (Op, 1);
  guint latency;

  op->self = g_object_ref (self);
  op->role = role;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, source_tag);
  op->job = job ? g_object_ref (job) : NULL;
  op->reporter = reporter != NULL ? heyai_gen_reporter_ref (reporter) : NULL;
  op->position = scene ? heyai_scene_get_position (scene) : 0;
  op->duration = scene ? heyai_scene_get_duration (scene) : 0;

  stats->calls++;
  stats->in_flight++;
  stats->max_in_flight = MAX (stats->max_in_flight, stats->in_flight);
  if (op->position >= 0 && op->position <= TEST_MAX_SCENES)
    {
      stats->per_scene[op->position]++;
      stats->started_at[op->position] = g_get_monotonic_time ();
    }

  if (dest_dir != NULL && scene != NULL)
    {
      g_autofree char *base = heyai_take_basename (op->position, heyai_job_get_take (job));
      g_autofree char *file = g_strdup_printf ("%s%s", base, role == HEYAI_ROLE_IMAGER ? ".png" : "-animated.mp4");
      op->path = g_build_filename (dest_dir, file, NULL);
    }

  if (self->capacity[role] > 0 && stats->accepted_in_flight >= self->capacity[role])
    {
      op->refused = TRUE;
      stats->refusals++;
    }
  else
    {
      stats->accepted_in_flight++;
      stats->max_accepted_in_flight = MAX (stats->max_accepted_in_flight, stats->accepted_in_flight);
    }

  if (job != NULL && self->remote[role] && !op->refused)
    {
      if (heyai_job_get_remote_id (job) != NULL)
        stats->resumes++;
      else
        {
          g_autofree char *id = g_strdup_printf ("remote-%u", ++self->next_remote);
          stats->submits++;
          /* Reported like a real provider; the snapshot keeps it too. */
          heyai_job_set_remote_id (job, id);
          heyai_gen_reporter_remote_id (op->reporter, id);
        }
    }

  if (job != NULL)
    g_signal_emit (self, signals[STARTED], 0, (int) role, job, op->position);

  latency = op->refused ? self->refusal_ms[role] : latency_for (self, role, op->position);
  op->timeout = latency > 0 ? g_timeout_source_new (latency) : g_idle_source_new ();
  g_source_set_callback (op->timeout, op_timeout_cb, op, NULL);
  g_source_attach (op->timeout, g_main_context_get_thread_default ());

  if (cancellable != NULL)
    {
      op->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (op->cancel_source, (GSourceFunc) (void (*) (void)) op_cancelled_cb, op, NULL);
      g_source_attach (op->cancel_source, g_main_context_get_thread_default ());
    }

  if (out_op != NULL)
    *out_op = op;
}

/* ---------------------------------------------------------------------- */
/* Interfaces                                                             */

static const char *
provider_get_name (gpointer self)
{
  return HEYAI_TEST_PROVIDER (self)->name;
}

static const char *
provider_get_model (gpointer self)
{
  return "test-model";
}

static void
llm_split_async (HeyaiLlm            *llm,
                 HeyaiProject        *project,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  op_start (HEYAI_TEST_PROVIDER (llm), HEYAI_ROLE_LLM, NULL, NULL, NULL, NULL, cancellable,
            llm_split_async, callback, user_data, NULL);
}

static GPtrArray *
llm_split_finish (HeyaiLlm      *llm,
                  GAsyncResult  *result,
                  GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
llm_iface_init (HeyaiLlmInterface *iface)
{
  iface->get_name = (const char *(*) (HeyaiLlm *)) provider_get_name;
  iface->get_model = (const char *(*) (HeyaiLlm *)) provider_get_model;
  iface->split_async = llm_split_async;
  iface->split_finish = llm_split_finish;
}

static double
imager_estimate_cost (HeyaiImager *imager,
                      HeyaiScene  *scene)
{
  return HEYAI_TEST_PROVIDER (imager)->cost[HEYAI_ROLE_IMAGER];
}

/* Providers get values, never the pipeline's job: the "started" signal
 * carries a snapshot made from them. */
static HeyaiJob *
snapshot_job (const HeyaiGenInput *input)
{
  HeyaiJob *job = heyai_job_new ();

  heyai_job_set_id (job, input->job_id);
  heyai_job_set_take (job, MAX (input->take, 1));
  heyai_job_set_remote_id (job, input->remote_id);
  heyai_job_set_idempotency_key (job, input->idempotency_key);
  heyai_job_set_state (job, input->state);
  return job;
}

static void
imager_generate_async (HeyaiImager         *imager,
                       HeyaiProject        *project,
                       HeyaiScene          *scene,
                       const HeyaiGenInput *input,
                       HeyaiGenReporter    *reporter,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(HeyaiJob) job = snapshot_job (input);

  if (heyai_gen_input_n_references (input) > 0 || input->end_frame_path != NULL)
    HEYAI_TEST_PROVIDER (imager)->stats[HEYAI_ROLE_IMAGER].with_extras++;
  op_start (HEYAI_TEST_PROVIDER (imager), HEYAI_ROLE_IMAGER, job, reporter, scene, input->dest_dir,
            cancellable, imager_generate_async, callback, user_data, NULL);
}

static HeyaiGenResult *
gen_finish (gpointer       self,
            GAsyncResult  *result,
            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
imager_iface_init (HeyaiImagerInterface *iface)
{
  iface->get_name = (const char *(*) (HeyaiImager *)) provider_get_name;
  iface->get_model = (const char *(*) (HeyaiImager *)) provider_get_model;
  iface->estimate_cost = imager_estimate_cost;
  iface->generate_async = imager_generate_async;
  iface->generate_finish = (HeyaiGenResult *(*) (HeyaiImager *, GAsyncResult *, GError **)) gen_finish;
}

static double
animator_estimate_cost (HeyaiAnimator *animator,
                        HeyaiScene    *scene)
{
  return HEYAI_TEST_PROVIDER (animator)->cost[HEYAI_ROLE_ANIMATOR];
}

static void
animator_animate_async (HeyaiAnimator       *animator,
                        HeyaiProject        *project,
                        HeyaiScene          *scene,
                        const HeyaiGenInput *input,
                        HeyaiGenReporter    *reporter,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(HeyaiJob) job = snapshot_job (input);

  g_assert (input->still_path != NULL);
  g_assert (g_file_test (input->still_path, G_FILE_TEST_EXISTS));
  if (heyai_gen_input_n_references (input) > 0 || input->end_frame_path != NULL)
    HEYAI_TEST_PROVIDER (animator)->stats[HEYAI_ROLE_ANIMATOR].with_extras++;

  op_start (HEYAI_TEST_PROVIDER (animator), HEYAI_ROLE_ANIMATOR, job, reporter, scene, input->dest_dir,
            cancellable, animator_animate_async, callback, user_data, NULL);
}

static void
animator_iface_init (HeyaiAnimatorInterface *iface)
{
  iface->get_name = (const char *(*) (HeyaiAnimator *)) provider_get_name;
  iface->get_model = (const char *(*) (HeyaiAnimator *)) provider_get_model;
  iface->estimate_cost = animator_estimate_cost;
  iface->animate_async = animator_animate_async;
  iface->animate_finish = (HeyaiGenResult *(*) (HeyaiAnimator *, GAsyncResult *, GError **)) gen_finish;
}

static void
storage_ensure_project_async (HeyaiStorage        *storage,
                              HeyaiProject        *project,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (storage, cancellable, callback, user_data);

  g_task_set_source_tag (task, storage_ensure_project_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
storage_finish (HeyaiStorage  *storage,
                GAsyncResult  *result,
                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
storage_publish_async (HeyaiStorage        *storage,
                       HeyaiProject        *project,
                       HeyaiAsset          *asset,
                       const char          *upload_session,
                       HeyaiGenReporter    *reporter,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Op *op = NULL;

  /* Counted per storage call; the scene position is not known here. */
  op_start (HEYAI_TEST_PROVIDER (storage), HEYAI_ROLE_STORAGE, NULL, NULL, NULL, NULL, cancellable,
            storage_publish_async, callback, user_data, &op);
  op->asset = g_object_ref (asset);
  op->position = -1;
}

static void
storage_iface_init (HeyaiStorageInterface *iface)
{
  iface->get_name = (const char *(*) (HeyaiStorage *)) provider_get_name;
  iface->ensure_project_async = storage_ensure_project_async;
  iface->ensure_project_finish = storage_finish;
  iface->publish_async = storage_publish_async;
  iface->publish_finish = storage_finish;
}

/* ---------------------------------------------------------------------- */

static void
heyai_test_provider_finalize (GObject *object)
{
  HeyaiTestProvider *self = HEYAI_TEST_PROVIDER (object);

  g_free (self->name);
  for (guint i = 0; i < N_ROLES; i++)
    g_free (self->references_note[i]);

  G_OBJECT_CLASS (heyai_test_provider_parent_class)->finalize (object);
}

static void
heyai_test_provider_class_init (HeyaiTestProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heyai_test_provider_finalize;

  signals[STARTED] = g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                   G_TYPE_INT, HEYAI_TYPE_JOB, G_TYPE_INT);
}

static void
heyai_test_provider_init (HeyaiTestProvider *self)
{
  self->name = g_strdup ("test");
  self->n_scenes = 4;
  for (guint r = 0; r < N_ROLES; r++)
    for (guint i = 0; i <= TEST_MAX_SCENES; i++)
      self->failure[r][i] = -1;
}

HeyaiTestProvider *
heyai_test_provider_new (void)
{
  return g_object_new (HEYAI_TYPE_TEST_PROVIDER, NULL);
}

void
heyai_test_provider_set_latency (HeyaiTestProvider *self,
                                 HeyaiRole          role,
                                 int                position,
                                 guint              msec)
{
  g_return_if_fail (position >= 0 && position <= TEST_MAX_SCENES);

  if (position == 0)
    self->default_latency[role] = msec;
  else
    {
      self->latency[role][position] = msec;
      self->has_latency[role][position] = TRUE;
    }
}

void
heyai_test_provider_set_failure (HeyaiTestProvider *self,
                                 HeyaiRole          role,
                                 int                position,
                                 HeyaiError         code)
{
  g_return_if_fail (position >= 0 && position <= TEST_MAX_SCENES);
  self->failure[role][position] = code;
}

void
heyai_test_provider_set_capacity (HeyaiTestProvider *self,
                                  HeyaiRole          role,
                                  guint              cap,
                                  guint              refusal_msec)
{
  self->capacity[role] = cap;
  self->refusal_ms[role] = refusal_msec;
}

void
heyai_test_provider_set_remote (HeyaiTestProvider *self,
                                HeyaiRole          role,
                                gboolean           remote)
{
  self->remote[role] = remote;
}

void
heyai_test_provider_set_references_note (HeyaiTestProvider *self,
                                         HeyaiRole          role,
                                         const char        *note)
{
  g_free (self->references_note[role]);
  self->references_note[role] = g_strdup (note);
}

void
heyai_test_provider_set_cost (HeyaiTestProvider *self,
                              HeyaiRole          role,
                              double             usd)
{
  self->cost[role] = usd;
}

void
heyai_test_provider_set_n_scenes (HeyaiTestProvider *self,
                                  guint              n)
{
  self->n_scenes = n;
}

void
heyai_test_provider_set_name (HeyaiTestProvider *self,
                              const char        *name)
{
  g_free (self->name);
  self->name = g_strdup (name);
}

const HeyaiTestRoleStats *
heyai_test_provider_get_stats (HeyaiTestProvider *self,
                               HeyaiRole          role)
{
  return &self->stats[role];
}
