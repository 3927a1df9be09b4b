/* test-pipeline.c: the scheduler and state machine with scripted providers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-pipeline.h"
#include "heyai-pipeline-private.h"
#include "heyai-test-provider.h"

typedef struct
{
  char              *dir;
  char              *db_path;
  HeyaiStore        *store;
  HeyaiTestProvider *provider;
  HeyaiPipeline     *pipeline;
  HeyaiProject      *project;

  gboolean           done;
  gboolean           ok;
  GError            *error;
  HeyaiRunSummary    summary;
  guint              n_scene_changed;
  guint              n_messages;
  GPtrArray         *messages;     /* char*: every message, when set */
  guint              last_done;
  guint              last_total;
} Fixture;

static void
progress_cb (HeyaiPipeline *pipeline,
             guint          done,
             guint          total,
             Fixture       *f)
{
  g_assert_cmpuint (done, <=, total);
  f->last_done = done;
  f->last_total = total;
}

static void
scene_changed_cb (HeyaiPipeline *pipeline,
                  HeyaiScene    *scene,
                  Fixture       *f)
{
  f->n_scene_changed++;
}

static void
message_cb (HeyaiPipeline *pipeline,
            const char    *text,
            Fixture       *f)
{
  g_assert_nonnull (text);
  f->n_messages++;
  if (f->messages != NULL)
    g_ptr_array_add (f->messages, g_strdup (text));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_unsetenv ("HEYAI_LOCAL_ROOT");
  f->dir = g_dir_make_tmp ("heyai-pipeline-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "heyai.db", NULL);
  f->store = heyai_store_new (f->db_path, &error);
  g_assert_no_error (error);

  f->provider = heyai_test_provider_new ();
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_IMAGER, 0, 20);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_ANIMATOR, 0, 30);

  f->pipeline = heyai_pipeline_new (f->store, f->dir, HEYAI_LLM (f->provider), HEYAI_IMAGER (f->provider),
                                    HEYAI_ANIMATOR (f->provider), HEYAI_STORAGE (f->provider));
  heyai_pipeline_set_poll_interval (f->pipeline, 40);
  g_signal_connect (f->pipeline, "progress", G_CALLBACK (progress_cb), f);
  g_signal_connect (f->pipeline, "scene-changed", G_CALLBACK (scene_changed_cb), f);
  g_signal_connect (f->pipeline, "message", G_CALLBACK (message_cb), f);

  f->project = heyai_project_new ();
  heyai_project_set_title (f->project, "Pipeline test");
  heyai_project_set_script (f->project, "A lighthouse at night.\n\nThe keeper climbs the stairs.\n");
  heyai_store_insert_project (f->store, f->project, &error);
  g_assert_no_error (error);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        rm_rf (child);
      }
  g_remove (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_error (&f->error);
  g_clear_pointer (&f->messages, g_ptr_array_unref);
  g_assert_false (heyai_pipeline_get_running (f->pipeline));
  g_assert_finalize_object (f->pipeline);
  g_clear_object (&f->project);
  g_clear_object (&f->provider);
  g_clear_object (&f->store);
  rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *f = user_data;

  g_clear_error (&f->error);
  f->ok = heyai_pipeline_run_finish (HEYAI_PIPELINE (object), result, &f->summary, &f->error);
  f->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("test timed out");
  return G_SOURCE_REMOVE;
}

static void
wait_run (Fixture *f)
{
  guint id = g_timeout_add_seconds (30, timeout_cb, NULL);

  while (!f->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
start_run (Fixture       *f,
           HeyaiRunFlags  flags,
           int            position,
           GCancellable  *cancellable)
{
  f->done = FALSE;
  f->ok = FALSE;
  heyai_pipeline_run_async (f->pipeline, f->project, flags, position, cancellable, run_done_cb, f);
}

static void
run_sync (Fixture       *f,
          HeyaiRunFlags  flags,
          int            position)
{
  start_run (f, flags, position, NULL);
  wait_run (f);
}

static void
add_scenes (Fixture *f,
            guint    n)
{
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      HeyaiScene *scene = heyai_scene_new ();
      g_autofree char *title = g_strdup_printf ("Scene %u", i + 1);

      heyai_scene_set_title (scene, title);
      heyai_scene_set_image_prompt (scene, title);
      heyai_scene_set_duration (scene, 5);
      g_ptr_array_add (scenes, scene);
    }

  heyai_store_replace_scenes (f->store, heyai_project_get_id (f->project), scenes, &error);
  g_assert_no_error (error);
}

static HeyaiScene *
scene_at (Fixture *f,
          int      position)
{
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene = heyai_store_get_scene_at (f->store, heyai_project_get_id (f->project), position, &error);

  g_assert_no_error (error);
  g_assert_nonnull (scene);
  return scene;
}

static guint
count_jobs (Fixture       *f,
            HeyaiJobKind   kind,
            int            state)   /* -1 = any */
{
  g_autoptr(GPtrArray) jobs = heyai_store_list_jobs (f->store, heyai_project_get_id (f->project), FALSE, NULL);
  guint n = 0;

  g_assert_nonnull (jobs);
  for (guint i = 0; i < jobs->len; i++)
    {
      HeyaiJob *job = g_ptr_array_index (jobs, i);
      if (heyai_job_get_kind (job) == kind && (state < 0 || (int) heyai_job_get_state (job) == state))
        n++;
    }
  return n;
}

static void
assert_take_file (Fixture        *f,
                  HeyaiScene     *scene,
                  HeyaiAssetKind  kind,
                  int             take)
{
  g_autoptr(HeyaiAsset) asset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;

  asset = heyai_store_get_asset (f->store, heyai_scene_get_id (scene), kind, take, &error);
  g_assert_no_error (error);
  g_assert_nonnull (asset);
  g_assert_true (g_file_test (heyai_asset_get_local_path (asset), G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_path_is_absolute (heyai_asset_get_local_path (asset)));
  g_assert_true (g_str_has_prefix (heyai_asset_get_local_path (asset), f->dir));
  sha = heyai_file_sha256 (heyai_asset_get_local_path (asset), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_asset_get_sha256 (asset), ==, sha);
  g_assert_cmpint (heyai_asset_get_size (asset), >, 0);
  g_assert_cmpstr (heyai_asset_get_provider (asset), ==, "test");
  g_assert_cmpstr (heyai_asset_get_model (asset), ==, "test-model");
  g_assert_cmpint (heyai_asset_get_seed (asset), ==, 42);
  g_assert_nonnull (heyai_asset_get_view_link (asset));
  g_assert_cmpint (heyai_asset_get_take (asset), ==, take);
}

/* ---------------------------------------------------------------------- */

static void
test_auto_mode (Fixture       *f,
                gconstpointer  data)
{
  heyai_test_provider_set_n_scenes (f->provider, 6);

  run_sync (f, HEYAI_RUN_ALL | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);
  g_assert_true (f->ok);

  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
  for (int i = 1; i <= 6; i++)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);

      g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_CLIP_READY);
      g_assert_cmpint (heyai_scene_get_approval (scene), ==, HEYAI_APPROVAL_APPROVED);
      g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 1);
      g_assert_cmpint (heyai_scene_get_clip_take (scene), ==, 1);
      assert_take_file (f, scene, HEYAI_ASSET_KIND_IMAGE, 1);
      assert_take_file (f, scene, HEYAI_ASSET_KIND_CLIP, 1);
    }

  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_ANALYZE, HEYAI_JOB_STATE_DONE), ==, 1);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_DONE), ==, 6);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_CLIP, HEYAI_JOB_STATE_DONE), ==, 6);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, -1), ==, 6);
  g_assert_cmpuint (f->summary.n_done, ==, 13);
  g_assert_cmpuint (f->summary.n_failed, ==, 0);
  g_assert_cmpuint (f->last_done, ==, 13);
  g_assert_cmpuint (f->last_total, ==, 13);
  g_assert_cmpuint (f->n_scene_changed, >=, 6 * 4);
  g_assert_cmpuint (f->n_messages, >=, 12);

  /* A second run finds nothing to do and redoes nothing. */
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_true (f->ok);
  g_assert_cmpuint (f->summary.n_done, ==, 0);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 6);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->calls, ==, 6);
}

static void
running_notify_cb (HeyaiPipeline *pipeline,
                   GParamSpec    *pspec,
                   guint         *n)
{
  (*n)++;
}

static void
test_running_property (Fixture       *f,
                       gconstpointer  data)
{
  guint n_notify = 0;

  add_scenes (f, 2);
  g_signal_connect (f->pipeline, "notify::running", G_CALLBACK (running_notify_cb), &n_notify);
  g_assert_false (heyai_pipeline_get_running (f->pipeline));
  start_run (f, HEYAI_RUN_IMAGES, 0, NULL);
  g_assert_true (heyai_pipeline_get_running (f->pipeline));
  g_assert_cmpuint (n_notify, ==, 1);
  wait_run (f);
  g_assert_true (f->ok);
  g_assert_false (heyai_pipeline_get_running (f->pipeline));
  g_assert_cmpuint (n_notify, ==, 2);
  g_signal_handlers_disconnect_by_data (f->pipeline, &n_notify);
}

typedef struct
{
  Fixture  *f;
  gboolean  approved;
} ReviewData;

/* Another process (a second store on the same file) approves scene 1 while
 * scene 4's still is still rendering. */
static void
review_started_cb (HeyaiTestProvider *provider,
                   int                role,
                   HeyaiJob          *job,
                   int                position,
                   ReviewData        *data)
{
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GError) error = NULL;

  if (role != HEYAI_ROLE_IMAGER || position != 4 || data->approved)
    return;

  other = heyai_store_new (data->f->db_path, &error);
  g_assert_no_error (error);
  scene = heyai_store_get_scene_at (other, heyai_project_get_id (data->f->project), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 1);
  heyai_pipeline_set_approval (other, scene, HEYAI_APPROVAL_APPROVED, &error);
  g_assert_no_error (error);
  data->approved = TRUE;
}

static void
test_review_mode (Fixture       *f,
                  gconstpointer  data)
{
  const HeyaiTestRoleStats *animator = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR);
  ReviewData review = { f, FALSE };

  add_scenes (f, 4);
  /* Scene 1 first, scene 4 last and slow; one still at a time. */
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 1);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_IMAGER, 4, 600);
  g_signal_connect (f->provider, "started", G_CALLBACK (review_started_cb), &review);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE, 0);
  g_assert_no_error (f->error);
  g_assert_true (review.approved);

  /* Scene 1 was approved during the run and animated while scene 4 rendered. */
  g_assert_cmpuint (animator->calls, ==, 1);
  g_assert_cmpuint (animator->per_scene[1], ==, 1);
  g_assert_cmpint (animator->finished_at[1], <, heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->finished_at[4]);

  {
    g_autoptr(HeyaiScene) s1 = scene_at (f, 1);
    g_autoptr(HeyaiScene) s2 = scene_at (f, 2);

    g_assert_cmpint (heyai_scene_get_status (s1), ==, HEYAI_SCENE_STATUS_CLIP_READY);
    g_assert_cmpint (heyai_scene_get_status (s2), ==, HEYAI_SCENE_STATUS_READY);
    g_assert_cmpint (heyai_scene_get_approval (s2), ==, HEYAI_APPROVAL_PENDING);
    g_assert_cmpint (heyai_scene_get_clip_take (s2), ==, 0);
  }
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_CLIP, -1), ==, 1);

  /* Approve the rest, animate: only the three missing clips are made. */
  for (int i = 2; i <= 4; i++)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);
      g_autoptr(GError) error = NULL;

      heyai_pipeline_set_approval (f->store, scene, HEYAI_APPROVAL_APPROVED, &error);
      g_assert_no_error (error);
    }
  run_sync (f, HEYAI_RUN_ANIMATE, 0);
  g_assert_no_error (f->error);
  g_assert_cmpuint (animator->calls, ==, 4);
  g_assert_cmpuint (animator->per_scene[1], ==, 1);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
}

static void
test_pipelining (Fixture       *f,
                 gconstpointer  data)
{
  const HeyaiTestRoleStats *imager = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER);
  const HeyaiTestRoleStats *animator = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR);
  gint64 last_still_end = 0, first_clip_start = G_MAXINT64;

  add_scenes (f, 8);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 2);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_IMAGER, 8, 400);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);

  for (int i = 1; i <= 8; i++)
    {
      last_still_end = MAX (last_still_end, imager->finished_at[i]);
      first_clip_start = MIN (first_clip_start, animator->started_at[i]);
      /* Each clip starts after its own still. */
      g_assert_cmpint (animator->started_at[i], >=, imager->finished_at[i]);
    }

  /* Animation started while stills were still rendering. */
  g_assert_cmpint (first_clip_start, <, last_still_end);
  g_assert_cmpint (animator->started_at[1], <, imager->started_at[8] + 400 * 1000);
}

static void
test_staged (Fixture       *f,
             gconstpointer  data)
{
  const HeyaiTestRoleStats *imager = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER);
  const HeyaiTestRoleStats *animator = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR);
  gint64 last_still_end = 0, first_clip_start = G_MAXINT64;

  add_scenes (f, 6);
  heyai_pipeline_set_staged (f->pipeline, TRUE);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_IMAGER, 6, 200);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);

  for (int i = 1; i <= 6; i++)
    {
      last_still_end = MAX (last_still_end, imager->finished_at[i]);
      first_clip_start = MIN (first_clip_start, animator->started_at[i]);
    }
  g_assert_cmpint (first_clip_start, >=, last_still_end);
  g_assert_cmpuint (animator->calls, ==, 6);
}

static void
test_concurrency (Fixture       *f,
                  gconstpointer  data)
{
  const HeyaiTestRoleStats *imager = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER);
  const HeyaiTestRoleStats *animator = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR);
  const HeyaiTestRoleStats *storage = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_STORAGE);

  add_scenes (f, 12);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 3);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_ANIMATOR, 2);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_STORAGE, 1);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_STORAGE, 0, 5);
  g_assert_cmpuint (heyai_pipeline_get_concurrency (f->pipeline, HEYAI_ROLE_IMAGER), ==, 3);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);

  /* The limits are reached and never exceeded. */
  g_assert_cmpuint (imager->max_in_flight, ==, 3);
  g_assert_cmpuint (animator->max_in_flight, ==, 2);
  g_assert_cmpuint (storage->max_in_flight, ==, 1);
  g_assert_cmpuint (storage->calls, ==, 24);
  g_assert_cmpuint (imager->in_flight + animator->in_flight + storage->in_flight, ==, 0);
}

/* Adaptive concurrency: the account allows 2 stills at a time, the setting
 * says 5.  The refused ones (HEYAI_ERROR_CAPACITY: nothing accepted) are
 * sent again, the limit drops to the cap, and no scene fails. */
static void
test_capacity_adapts (Fixture       *f,
                      gconstpointer  data)
{
  const HeyaiTestRoleStats *imager = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER);

  add_scenes (f, 10);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 5);
  heyai_test_provider_set_remote (f->provider, HEYAI_ROLE_IMAGER, TRUE);
  heyai_test_provider_set_capacity (f->provider, HEYAI_ROLE_IMAGER, 2, 2);
  heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_IMAGER, 0.05);
  g_assert_cmpuint (heyai_pipeline_get_effective_concurrency (f->pipeline, HEYAI_ROLE_IMAGER), ==, 5);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);
  g_assert_true (f->ok);
  g_assert_cmpuint (f->summary.n_failed, ==, 0);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_DONE), ==, 10);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_FAILED), ==, 0);

  /* The first wave over the cap was refused; after that the pipeline kept
   * to the cap except for a probe now and then (one per cap's worth of
   * successes). */
  g_assert_cmpuint (imager->refusals, >=, 3);
  g_assert_cmpuint (imager->refusals, <=, 3 + 10 / 2);
  g_assert_cmpuint (imager->max_accepted_in_flight, ==, 2);
  g_assert_cmpuint (imager->submits, ==, 10);
  g_assert_cmpuint (heyai_pipeline_get_effective_concurrency (f->pipeline, HEYAI_ROLE_IMAGER), <=, 3);
  /* The configured maximum is unchanged. */
  g_assert_cmpuint (heyai_pipeline_get_concurrency (f->pipeline, HEYAI_ROLE_IMAGER), ==, 5);

  /* The ledger: ten paid stills collected; every refused request closed as failed
   * (never left "submitting", which a later run would call in doubt). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) requests = heyai_store_list_requests (f->store, heyai_project_get_id (f->project), &error);
    guint succeeded = 0, failed = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < requests->len; i++)
      {
        HeyaiRequest *request = g_ptr_array_index (requests, i);

        g_assert_cmpint (request->state, !=, HEYAI_REQUEST_SUBMITTING);
        g_assert_cmpint (request->state, !=, HEYAI_REQUEST_UNKNOWN);
        if (request->state == HEYAI_REQUEST_COLLECTED)
          succeeded++;
        else if (request->state == HEYAI_REQUEST_FAILED)
          failed++;
      }
    g_assert_cmpuint (succeeded, ==, 10);
    g_assert_cmpuint (failed, ==, imager->refusals);
  }
}

/* A service that refuses even one at a time (another program uses the
 * account) makes the role wait (1 s, doubling) instead of failing the scene
 * or asking again at once. */
static gboolean
lift_refusal_cb (gpointer user_data)
{
  Fixture *f = user_data;

  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_ANIMATOR, 1, (HeyaiError) -1);
  return G_SOURCE_REMOVE;
}

static void
started_cb (HeyaiTestProvider *provider,
            int                role,
            HeyaiJob          *job,
            int                position,
            Fixture           *f)
{
  if (role == HEYAI_ROLE_ANIMATOR && heyai_test_provider_get_stats (provider, HEYAI_ROLE_ANIMATOR)->calls == 1)
    g_timeout_add (200, lift_refusal_cb, f);
}

static void
test_capacity_backoff (Fixture       *f,
                       gconstpointer  data)
{
  const HeyaiTestRoleStats *animator = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR);
  gint64 first_start;

  add_scenes (f, 1);
  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_ANIMATOR, 1, HEYAI_ERROR_CAPACITY);
  g_signal_connect (f->provider, "started", G_CALLBACK (started_cb), f);
  first_start = g_get_monotonic_time ();
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);
  g_assert_true (f->ok);
  g_assert_cmpuint (f->summary.n_failed, ==, 0);
  /* Refused once, asked again after the back-off, not in a tight loop. */
  g_assert_cmpuint (animator->per_scene[1], ==, 2);
  g_assert_cmpint (animator->started_at[1] - first_start, >=, 900 * 1000);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_CLIP, HEYAI_JOB_STATE_DONE), ==, 1);
}

static void
test_default_limits (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HeyaiPipeline) offline = NULL;

  g_assert_cmpuint (heyai_pipeline_get_concurrency (f->pipeline, HEYAI_ROLE_LLM), ==, 1);
  g_assert_cmpuint (heyai_pipeline_get_concurrency (f->pipeline, HEYAI_ROLE_IMAGER), ==, 4);
  g_assert_cmpuint (heyai_pipeline_get_concurrency (f->pipeline, HEYAI_ROLE_ANIMATOR), ==, 2);
  g_assert_cmpuint (heyai_pipeline_get_concurrency (f->pipeline, HEYAI_ROLE_STORAGE), ==, 4);

  /* An offline animator renders on this machine: one clip per core. */
  heyai_test_provider_set_name (f->provider, "offline");
  offline = heyai_pipeline_new (f->store, f->dir, HEYAI_LLM (f->provider), HEYAI_IMAGER (f->provider),
                                HEYAI_ANIMATOR (f->provider), HEYAI_STORAGE (f->provider));
  g_assert_cmpuint (heyai_pipeline_get_concurrency (offline, HEYAI_ROLE_ANIMATOR), ==, g_get_num_processors ());

  /* 0 restores the default. */
  heyai_pipeline_set_concurrency (offline, HEYAI_ROLE_ANIMATOR, 7);
  g_assert_cmpuint (heyai_pipeline_get_concurrency (offline, HEYAI_ROLE_ANIMATOR), ==, 7);
  heyai_pipeline_set_concurrency (offline, HEYAI_ROLE_ANIMATOR, 0);
  g_assert_cmpuint (heyai_pipeline_get_concurrency (offline, HEYAI_ROLE_ANIMATOR), ==, g_get_num_processors ());

  /* The descriptor's maximum caps a setting (Higgsfield: 64). */
  {
    g_autoptr(HeyaiPipeline) higgsfield = NULL;

    heyai_test_provider_set_name (f->provider, "higgsfield");
    higgsfield = heyai_pipeline_new (f->store, f->dir, HEYAI_LLM (f->provider), HEYAI_IMAGER (f->provider),
                                     HEYAI_ANIMATOR (f->provider), HEYAI_STORAGE (f->provider));
    g_assert_cmpuint (heyai_pipeline_get_concurrency (higgsfield, HEYAI_ROLE_IMAGER), ==, 4);
    heyai_pipeline_set_concurrency (higgsfield, HEYAI_ROLE_IMAGER, 500);
    g_assert_cmpuint (heyai_pipeline_get_concurrency (higgsfield, HEYAI_ROLE_IMAGER), ==, 64);
    heyai_pipeline_set_concurrency (higgsfield, HEYAI_ROLE_ANIMATOR, 500);
    g_assert_cmpuint (heyai_pipeline_get_concurrency (higgsfield, HEYAI_ROLE_ANIMATOR), ==, 500);
  }
}

static void
test_failure_isolation (Fixture       *f,
                        gconstpointer  data)
{
  add_scenes (f, 5);
  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_IMAGER, 3, HEYAI_ERROR_MODERATION);
  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_ANIMATOR, 5, HEYAI_ERROR_QUOTA);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_false (f->ok);
  g_assert_nonnull (f->error);
  g_assert_true (g_str_has_prefix (f->error->message, "Scene 3: "));
  g_assert_cmpuint (f->summary.n_failed, ==, 2);
  g_assert_cmpuint (f->summary.n_done, ==, 4 + 3);

  for (int i = 1; i <= 5; i++)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);

      if (i == 3 || i == 5)
        {
          g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_FAILED);
          g_assert_nonnull (heyai_scene_get_last_error (scene));
          g_assert_true (g_str_has_prefix (heyai_scene_get_last_error (scene), i == 3 ? "Scene 3: " : "Scene 5: "));
        }
      else
        g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_CLIP_READY);
    }

  /* No clip was attempted for the scene whose still failed. */
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->per_scene[3], ==, 0);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_FAILED), ==, 1);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_CLIP, HEYAI_JOB_STATE_FAILED), ==, 1);
  /* Some scenes succeeded: the project is usable, not failed. */
  g_assert_cmpint (heyai_project_get_status (f->project), !=, HEYAI_PROJECT_STATUS_FAILED);
}

static void
test_all_failed (Fixture       *f,
                 gconstpointer  data)
{
  add_scenes (f, 2);
  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_IMAGER, 1, HEYAI_ERROR_CREDENTIALS);
  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_IMAGER, 2, HEYAI_ERROR_CREDENTIALS);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_false (f->ok);
  g_assert_error (f->error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_FAILED);
}

static void
test_analysis_failure (Fixture       *f,
                       gconstpointer  data)
{
  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_LLM, 0, HEYAI_ERROR_VALIDATION);

  run_sync (f, HEYAI_RUN_ALL, 0);
  g_assert_false (f->ok);
  g_assert_error (f->error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_FAILED);
  g_assert_nonnull (heyai_project_get_last_error (f->project));
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_ANALYZE, HEYAI_JOB_STATE_FAILED), ==, 1);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 0);
}

static void
test_takes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GPtrArray) takes = NULL;
  g_autoptr(GError) error = NULL;

  add_scenes (f, 3);
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);

  /* `heyai images P --scene 2` on a scene that has a still. */
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_REGENERATE, 2);
  g_assert_no_error (f->error);

  scene = scene_at (f, 2);
  g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 2);
  g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_READY);
  assert_take_file (f, scene, HEYAI_ASSET_KIND_IMAGE, 1);
  assert_take_file (f, scene, HEYAI_ASSET_KIND_IMAGE, 2);
  takes = heyai_store_list_assets (f->store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (takes->len, ==, 2);
  g_assert_cmpstr (heyai_asset_get_local_path (g_ptr_array_index (takes, 0)), !=,
                   heyai_asset_get_local_path (g_ptr_array_index (takes, 1)));
  g_assert_true (g_str_has_suffix (heyai_asset_get_local_path (g_ptr_array_index (takes, 1)), "scene-02-take-2.png"));

  /* Only scene 2 was touched. */
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 4);
  {
    g_autoptr(HeyaiScene) s1 = scene_at (f, 1);
    g_assert_cmpint (heyai_scene_get_image_take (s1), ==, 1);
  }

  /* Regenerate in auto mode with animation: the new still gets a new clip. */
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE | HEYAI_RUN_REGENERATE, 2);
  g_assert_no_error (f->error);
  g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 3);
  g_assert_cmpint (heyai_scene_get_clip_take (scene), ==, 2);
  assert_take_file (f, scene, HEYAI_ASSET_KIND_CLIP, 1);
  assert_take_file (f, scene, HEYAI_ASSET_KIND_CLIP, 2);
}

static gboolean
cancel_soon_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const HeyaiTestRoleStats *imager = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER);

  add_scenes (f, 10);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 2);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_IMAGER, 0, 100);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_ANIMATOR, 0, 5000);

  start_run (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0, cancellable);
  g_timeout_add (250, cancel_soon_cb, cancellable);
  wait_run (f);

  g_assert_false (f->ok);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->summary.n_cancelled, >, 0);
  g_assert_cmpuint (imager->calls, <, 10);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->cancellations, >, 0);

  /* Nothing is left unfinished; queued work was marked cancelled. */
  {
    g_autoptr(GPtrArray) unfinished = heyai_store_list_jobs (f->store, heyai_project_get_id (f->project), TRUE, NULL);
    g_assert_cmpuint (unfinished->len, ==, 0);
  }
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_CANCELLED), >, 0);
  for (int i = 1; i <= 10; i++)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);
      g_assert_cmpint (heyai_scene_get_status (scene), !=, HEYAI_SCENE_STATUS_RENDERING);
      g_assert_cmpint (heyai_scene_get_status (scene), !=, HEYAI_SCENE_STATUS_ANIMATING);
    }
}

typedef struct
{
  Fixture  *f;
  gboolean  cancelled;
} ExternalCancel;

static void
external_cancel_cb (HeyaiTestProvider *provider,
                    int                role,
                    HeyaiJob          *job,
                    int                position,
                    ExternalCancel    *data)
{
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;

  if (role != HEYAI_ROLE_ANIMATOR || data->cancelled)
    return;

  /* `heyai cancel P` from another process. */
  other = heyai_store_new (data->f->db_path, &error);
  g_assert_no_error (error);
  project = heyai_store_find_project (other, heyai_project_get_id (data->f->project), &error);
  g_assert_no_error (error);
  heyai_pipeline_cancel_project (other, project, &error);
  g_assert_no_error (error);
  data->cancelled = TRUE;
}

static void
test_cancel_external (Fixture       *f,
                      gconstpointer  data)
{
  ExternalCancel cancel = { f, FALSE };
  gint64 start;

  add_scenes (f, 6);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_ANIMATOR, 0, 20000);
  g_signal_connect (f->provider, "started", G_CALLBACK (external_cancel_cb), &cancel);

  start = g_get_monotonic_time ();
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_true (cancel.cancelled);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Noticed at the next poll, long before the 20 s clips would end. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->cancellations, >, 0);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_CLIP, HEYAI_JOB_STATE_DONE), ==, 0);
}

/* A crash left: scene 1 done, scene 2 running with a remote id, scene 3
 * queued, scene 4 uploading with its asset already written, scene 5
 * running without remote id (offline), scene 6 nothing. */
static HeyaiJob *
insert_job (Fixture       *f,
            HeyaiScene    *scene,
            HeyaiJobState  state,
            const char    *remote_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = heyai_uuid_new ();
  g_autofree char *key = heyai_uuid_new ();
  HeyaiJob *job = heyai_job_new ();

  heyai_job_set_id (job, id);
  heyai_job_set_project_id (job, heyai_project_get_id (f->project));
  heyai_job_set_scene_id (job, heyai_scene_get_id (scene));
  heyai_job_set_kind (job, HEYAI_JOB_KIND_IMAGE);
  heyai_job_set_take (job, 1);
  heyai_job_set_provider (job, "test");
  heyai_job_set_state (job, state);
  heyai_job_set_remote_id (job, remote_id);
  heyai_job_set_idempotency_key (job, key);
  heyai_store_insert_job (f->store, job, &error);
  g_assert_no_error (error);
  return job;
}

static void
insert_asset (Fixture    *f,
              HeyaiScene *scene,
              const char *view_link)
{
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *root = heyai_local_root (f->dir);
  g_autofree char *images = heyai_project_dir (root, f->project, "images");
  g_autofree char *base = heyai_take_basename (heyai_scene_get_position (scene), 1);
  g_autofree char *file = g_strconcat (base, ".png", NULL);
  g_autofree char *path = g_build_filename (images, file, NULL);

  g_mkdir_with_parents (images, 0755);
  g_file_set_contents (path, "old still", -1, &error);
  g_assert_no_error (error);
  heyai_asset_set_project_id (asset, heyai_project_get_id (f->project));
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (scene));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_take (asset, 1);
  heyai_asset_set_provider (asset, "test");
  heyai_asset_set_local_path (asset, path);
  heyai_asset_set_view_link (asset, view_link);
  heyai_store_insert_asset (f->store, asset, &error);
  g_assert_no_error (error);
}

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  const HeyaiTestRoleStats *imager = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER);
  g_autoptr(HeyaiScene) s1 = NULL, s2 = NULL, s3 = NULL, s4 = NULL, s5 = NULL, s6 = NULL;
  g_autoptr(HeyaiJob) j1 = NULL, j2 = NULL, j3 = NULL, j4 = NULL, j5 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *j2_id = NULL, *j2_key = NULL, *j3_id = NULL;

  add_scenes (f, 6);
  heyai_test_provider_set_remote (f->provider, HEYAI_ROLE_IMAGER, TRUE);
  s1 = scene_at (f, 1); s2 = scene_at (f, 2); s3 = scene_at (f, 3);
  s4 = scene_at (f, 4); s5 = scene_at (f, 5); s6 = scene_at (f, 6);

  j1 = insert_job (f, s1, HEYAI_JOB_STATE_DONE, "remote-old-1");
  insert_asset (f, s1, "file:///published");
  heyai_scene_set_image_take (s1, 1);
  heyai_scene_set_status (s1, HEYAI_SCENE_STATUS_READY);
  heyai_store_update_scene (f->store, s1, &error);
  g_assert_no_error (error);

  j2 = insert_job (f, s2, HEYAI_JOB_STATE_RUNNING, "remote-old-2");
  heyai_scene_set_status (s2, HEYAI_SCENE_STATUS_RENDERING);
  heyai_store_update_scene (f->store, s2, &error);
  g_assert_no_error (error);
  j3 = insert_job (f, s3, HEYAI_JOB_STATE_QUEUED, NULL);
  j4 = insert_job (f, s4, HEYAI_JOB_STATE_UPLOADING, "remote-old-4");
  insert_asset (f, s4, NULL);
  heyai_test_provider_set_remote (f->provider, HEYAI_ROLE_IMAGER, TRUE);
  j5 = insert_job (f, s5, HEYAI_JOB_STATE_RUNNING, NULL);

  j2_id = g_strdup (heyai_job_get_id (j2));
  j2_key = g_strdup (heyai_job_get_idempotency_key (j2));
  j3_id = g_strdup (heyai_job_get_id (j3));
  g_clear_object (&j2);
  g_clear_object (&j3);

  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_assert_no_error (f->error);

  /* Scene 1 (done) and scene 4 (asset written) were not rendered again. */
  g_assert_cmpuint (imager->per_scene[1], ==, 0);
  g_assert_cmpuint (imager->per_scene[4], ==, 0);
  /* Scene 2 resumed polling its remote id; 3, 5 and 6 were submitted. */
  g_assert_cmpuint (imager->per_scene[2], ==, 1);
  g_assert_cmpuint (imager->per_scene[3], ==, 1);
  g_assert_cmpuint (imager->per_scene[5], ==, 1);
  g_assert_cmpuint (imager->per_scene[6], ==, 1);
  g_assert_cmpuint (imager->resumes, ==, 1);
  g_assert_cmpuint (imager->submits, ==, 3);

  /* The same job rows were continued (no duplicates); ids and keys stable. */
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, -1), ==, 6);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_DONE), ==, 6);
  j2 = heyai_store_get_job (f->store, j2_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_job_get_state (j2), ==, HEYAI_JOB_STATE_DONE);
  g_assert_cmpstr (heyai_job_get_remote_id (j2), ==, "remote-old-2");
  g_assert_cmpstr (heyai_job_get_idempotency_key (j2), ==, j2_key);
  j3 = heyai_store_get_job (f->store, j3_id, &error);
  g_assert_cmpint (heyai_job_get_state (j3), ==, HEYAI_JOB_STATE_DONE);

  for (int i = 1; i <= 6; i++)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);
      g_autoptr(GPtrArray) takes = heyai_store_list_assets (f->store, heyai_scene_get_id (scene),
                                                            HEYAI_ASSET_KIND_IMAGE, NULL);

      g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 1);
      g_assert_cmpuint (takes->len, ==, 1);
      g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_READY);
    }
}

typedef struct
{
  Fixture *f;
  guint    checked;
} RemoteCheck;

/* While the provider "polls", the remote id is already in the database (read
 * through a second connection, as after a crash). */
static void
remote_started_cb (HeyaiTestProvider *provider,
                   int                role,
                   HeyaiJob          *job,
                   int                position,
                   RemoteCheck       *data)
{
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(HeyaiJob) row = NULL;
  g_autoptr(GError) error = NULL;

  if (role != HEYAI_ROLE_ANIMATOR && role != HEYAI_ROLE_IMAGER)
    return;

  g_assert_nonnull (heyai_job_get_remote_id (job));
  other = heyai_store_new (data->f->db_path, &error);
  g_assert_no_error (error);
  row = heyai_store_get_job (other, heyai_job_get_id (job), &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);
  g_assert_true (row != job);
  g_assert_cmpstr (heyai_job_get_remote_id (row), ==, heyai_job_get_remote_id (job));
  g_assert_cmpint (heyai_job_get_state (row), !=, HEYAI_JOB_STATE_DONE);
  g_assert_nonnull (heyai_job_get_idempotency_key (row));
  data->checked++;
}

static void
test_remote_id_committed (Fixture       *f,
                          gconstpointer  data)
{
  RemoteCheck check = { f, 0 };

  add_scenes (f, 3);
  heyai_test_provider_set_remote (f->provider, HEYAI_ROLE_IMAGER, TRUE);
  heyai_test_provider_set_remote (f->provider, HEYAI_ROLE_ANIMATOR, TRUE);
  g_signal_connect (f->provider, "started", G_CALLBACK (remote_started_cb), &check);

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);
  g_assert_cmpuint (check.checked, ==, 6);

  /* The asset keeps the request id. */
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 1);
    g_autoptr(HeyaiAsset) asset = heyai_store_get_asset (f->store, heyai_scene_get_id (scene),
                                                         HEYAI_ASSET_KIND_CLIP, 1, NULL);
    g_assert_nonnull (heyai_asset_get_request_id (asset));
    g_assert_true (g_str_has_prefix (heyai_asset_get_request_id (asset), "remote-"));
  }
}

static void
test_budget (Fixture       *f,
             gconstpointer  data)
{
  HeyaiRunEstimate estimate;

  add_scenes (f, 6);
  heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_IMAGER, 0.5);
  heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_ANIMATOR, 1.0);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 1);

  heyai_pipeline_estimate (f->pipeline, f->project,
                           HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0, &estimate);
  g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_IMAGER], ==, 6);
  g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_ANIMATOR], ==, 6);
  g_assert_cmpfloat_with_epsilon (estimate.cost, 6 * 0.5 + 6 * 1.0, 1e-9);

  heyai_pipeline_estimate (f->pipeline, f->project, HEYAI_RUN_IMAGES, 2, &estimate);
  g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_IMAGER], ==, 1);
  g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_ANIMATOR], ==, 0);
  g_assert_cmpfloat_with_epsilon (estimate.cost, 0.5, 1e-9);

  /* The planner's estimate is checked against the cap before every run
   * (not only after an analysis): a plan over it starts nothing paid. */
  heyai_pipeline_set_budget (f->pipeline, 1.6);
  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_assert_false (f->ok);
  g_assert_error (f->error, HEYAI_ERROR, HEYAI_ERROR_BUDGET);
  g_assert_nonnull (strstr (f->error->message, "$3.00"));
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 0);
  g_assert_cmpuint (f->summary.n_done, ==, 0);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_CANCELLED), ==, 6);

  /* One scene fits: it is made. */
  g_clear_error (&f->error);
  run_sync (f, HEYAI_RUN_IMAGES, 2);
  g_assert_no_error (f->error);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 1);
  g_assert_cmpfloat_with_epsilon (f->summary.cost, 0.5, 1e-9);
}


/* ---------------------------------------------------------------------- */
/* Revisions (issue 11): lineage, staleness, per-scene actions, planner   */

static HeyaiSceneLineage
lineage_at (Fixture *f,
            int      position)
{
  g_autoptr(HeyaiScene) scene = scene_at (f, position);
  HeyaiSceneLineage lineage;

  heyai_lineage_of_scene (f->store, f->project, scene, &lineage);
  return lineage;
}

static HeyaiProjectStatus
settled (Fixture *f)
{
  return heyai_pipeline_settle_status (f->store, f->project);
}

/* Regenerate a still on a scene that has a clip: the clip is outdated (not
 * "clip ready"), the project awaits review; approved, the next animate makes
 * a clip from the new still and keeps the old clip as a take. */
static void
test_regenerate_after_clip (Fixture       *f,
                            gconstpointer  data)
{
  HeyaiSceneLineage lineage;
  g_autoptr(GError) error = NULL;

  add_scenes (f, 2);
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
  lineage = lineage_at (f, 1);
  g_assert_cmpint (lineage.clip_source_image_take, ==, 1);
  g_assert_false (lineage.clip_stale);
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 1);
    g_autoptr(HeyaiAsset) clip = heyai_store_get_asset (f->store, heyai_scene_get_id (scene),
                                                        HEYAI_ASSET_KIND_CLIP, 1, NULL);
    g_autoptr(HeyaiAsset) still = heyai_store_get_asset (f->store, heyai_scene_get_id (scene),
                                                         HEYAI_ASSET_KIND_IMAGE, 1, NULL);
    g_assert_nonnull (heyai_asset_get_inputs_hash (still));
    g_assert_nonnull (strstr (heyai_asset_get_lineage (still), "\"prompt\":\"Scene 1\""));
    g_assert_nonnull (strstr (heyai_asset_get_lineage (clip), heyai_asset_get_id (still)));
  }

  /* Regenerate (review mode: the new still waits for approval). */
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_REGENERATE, 1);
  g_assert_no_error (f->error);
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 1);
    g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 2);
    g_assert_cmpint (heyai_scene_get_clip_take (scene), ==, 1);
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_READY);
  }
  lineage = lineage_at (f, 1);
  g_assert_true (lineage.clip_stale);
  g_assert_cmpint (lineage.clip_source_image_take, ==, 1);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_AWAITING_REVIEW);

  /* Approved, it is still not "clip ready": the clip is outdated. */
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 1);
    heyai_pipeline_set_approval (f->store, scene, HEYAI_APPROVAL_APPROVED, &error);
    g_assert_no_error (error);
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_APPROVED);
  }
  g_assert_cmpint (settled (f), ==, HEYAI_PROJECT_STATUS_CLIPS_OUTDATED);

  /* The planner says one clip (scene 1 only), and the run makes exactly it. */
  {
    HeyaiRunEstimate estimate;
    heyai_pipeline_estimate (f->pipeline, f->project, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE, 0, &estimate);
    g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_IMAGER], ==, 0);
    g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_ANIMATOR], ==, 1);
  }
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE, 0);
  g_assert_no_error (f->error);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->per_scene[1], ==, 2);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->per_scene[2], ==, 1);
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 1);
    g_autoptr(HeyaiAsset) old_clip = heyai_store_get_asset (f->store, heyai_scene_get_id (scene),
                                                            HEYAI_ASSET_KIND_CLIP, 1, NULL);
    g_assert_cmpint (heyai_scene_get_clip_take (scene), ==, 2);
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_CLIP_READY);
    g_assert_nonnull (old_clip);  /* the old clip is kept as a take */
  }
  lineage = lineage_at (f, 1);
  g_assert_false (lineage.clip_stale);
  g_assert_cmpint (lineage.clip_source_image_take, ==, 2);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);

  /* Selecting the older still makes the new clip outdated; the older clip
   * (made from it) is current again once selected. */
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 1);
    g_assert_true (heyai_pipeline_select_take (f->store, scene, HEYAI_ASSET_KIND_IMAGE, 1, &error));
    g_assert_no_error (error);
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_APPROVED);
  }
  g_assert_true (lineage_at (f, 1).clip_stale);
  g_assert_cmpint (settled (f), ==, HEYAI_PROJECT_STATUS_CLIPS_OUTDATED);
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 1);
    g_assert_true (heyai_pipeline_select_take (f->store, scene, HEYAI_ASSET_KIND_CLIP, 1, &error));
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_CLIP_READY);
    g_assert_false (heyai_pipeline_select_take (f->store, scene, HEYAI_ASSET_KIND_CLIP, 7, &error));
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_false (lineage_at (f, 1).clip_stale);
  g_assert_cmpint (settled (f), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);

  /* A changed motion prompt makes the clip outdated too. */
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 2);
    heyai_scene_set_motion_prompt (scene, "A slow push-in instead");
    heyai_store_update_scene (f->store, scene, &error);
    g_assert_no_error (error);
  }
  g_assert_true (lineage_at (f, 2).clip_stale);
  g_assert_false (lineage_at (f, 2).image_stale);
}

/* A failed clip is retried as a clip: no still is submitted, the approval
 * stays. */
static void
test_retry_failed_clip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  HeyaiRunFlags flags;

  add_scenes (f, 2);
  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_ANIMATOR, 2, HEYAI_ERROR_PROVIDER);
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_false (f->ok);
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 2);
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_FAILED);
    g_assert_cmpint (heyai_scene_get_approval (scene), ==, HEYAI_APPROVAL_APPROVED);
    flags = heyai_pipeline_retry_flags (f->store, f->project, scene, &error);
    g_assert_no_error (error);
  }
  g_assert_true (flags & HEYAI_RUN_ANIMATE);
  g_assert_false (flags & HEYAI_RUN_IMAGES);
  g_assert_cmpint (settled (f), ==, HEYAI_PROJECT_STATUS_READY_TO_ANIMATE);

  heyai_test_provider_set_failure (f->provider, HEYAI_ROLE_ANIMATOR, 2, -1);
  {
    HeyaiRunEstimate estimate;
    heyai_pipeline_estimate (f->pipeline, f->project, flags, 2, &estimate);
    g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_IMAGER], ==, 0);
    g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_ANIMATOR], ==, 1);
  }
  run_sync (f, flags, 2);
  g_assert_no_error (f->error);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->per_scene[2], ==, 1);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->per_scene[2], ==, 2);
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 2);
    g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 1);
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_CLIP_READY);
    /* Nothing failed any more: nothing to retry. */
    g_assert_cmpint (heyai_pipeline_retry_flags (f->store, f->project, scene, &error), ==, 0);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  }
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
}

/* The planner's estimate equals what the run does, for every request kind. */
static void
assert_plan_matches_run (Fixture       *f,
                         HeyaiRunFlags  flags,
                         int            position)
{
  HeyaiRunEstimate estimate;
  guint images_before = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls;
  guint clips_before = heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->calls;
  double cost;

  heyai_pipeline_estimate (f->pipeline, f->project, flags, position, &estimate);
  run_sync (f, flags, position);
  g_assert_no_error (f->error);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls - images_before, ==,
                    estimate.n_jobs[HEYAI_ROLE_IMAGER]);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->calls - clips_before, ==,
                    estimate.n_jobs[HEYAI_ROLE_ANIMATOR]);
  cost = estimate.n_jobs[HEYAI_ROLE_IMAGER] * 0.5 + estimate.n_jobs[HEYAI_ROLE_ANIMATOR] * 1.0;
  g_assert_cmpfloat_with_epsilon (estimate.cost, cost, 1e-9);
  g_assert_cmpfloat_with_epsilon (f->summary.cost, cost, 1e-9);
  g_assert_cmpuint (estimate.n_paid, ==, estimate.n_jobs[HEYAI_ROLE_IMAGER] + estimate.n_jobs[HEYAI_ROLE_ANIMATOR]);
}

static void
test_estimate_equals_plan (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  add_scenes (f, 4);
  heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_IMAGER, 0.5);
  heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_ANIMATOR, 1.0);

  /* A whole run in review mode: stills only. */
  assert_plan_matches_run (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE, 0);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_AWAITING_REVIEW);
  /* Two approved: their clips. */
  for (int i = 1; i <= 2; i++)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);
      heyai_pipeline_set_approval (f->store, scene, HEYAI_APPROVAL_APPROVED, &error);
      g_assert_no_error (error);
    }
  assert_plan_matches_run (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE, 0);
  /* One scene's still (Regenerate), one scene's clip (Animate this scene). */
  assert_plan_matches_run (f, HEYAI_RUN_IMAGES | HEYAI_RUN_REGENERATE, 3);
  assert_plan_matches_run (f, HEYAI_RUN_ANIMATE | HEYAI_RUN_REGENERATE, 1);
  /* Auto mode re-animates what is outdated or missing, and nothing else. */
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 2);
    g_assert_true (heyai_pipeline_select_take (f->store, scene, HEYAI_ASSET_KIND_CLIP, 1, &error));
  }
  assert_plan_matches_run (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  /* Nothing left: the same run plans and does nothing. */
  assert_plan_matches_run (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
  /* A changed image prompt: the still is outdated and made again, then its clip. */
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 4);
    heyai_scene_set_image_prompt (scene, "Scene 4, at dawn");
    heyai_store_update_scene (f->store, scene, &error);
    g_assert_no_error (error);
  }
  g_assert_true (lineage_at (f, 4).image_stale);
  assert_plan_matches_run (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_false (lineage_at (f, 4).image_stale);
  g_assert_false (lineage_at (f, 4).clip_stale);
}

/* A cancel written (by another process) while a job is being started is
 * honoured: the job never reaches the provider and stays cancelled. */
static void
started_cancel_cb (HeyaiTestProvider *provider,
                   HeyaiRole          role,
                   HeyaiJob          *job,
                   int                position,
                   Fixture           *f)
{
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScene) scene2 = NULL;

  if (role != HEYAI_ROLE_IMAGER || position != 1)
    return;

  other = heyai_store_new (f->db_path, &error);
  g_assert_no_error (error);
  scene2 = heyai_store_get_scene_at (other, heyai_project_get_id (f->project), 2, &error);
  g_assert_no_error (error);
  jobs = heyai_store_list_jobs (other, heyai_project_get_id (f->project), TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < jobs->len; i++)
    {
      HeyaiJob *other_job = g_ptr_array_index (jobs, i);

      if (g_strcmp0 (heyai_job_get_scene_id (other_job), heyai_scene_get_id (scene2)) != 0)
        continue;
      heyai_job_set_state (other_job, HEYAI_JOB_STATE_CANCELLED);
      heyai_store_update_job (other, other_job, &error);
      g_assert_no_error (error);
    }
}

static void
test_cancel_while_starting (Fixture       *f,
                            gconstpointer  data)
{
  add_scenes (f, 2);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 1);
  /* No poll before the job starts: only the check at start can see it. */
  heyai_pipeline_set_poll_interval (f->pipeline, 60000);
  g_signal_connect (f->provider, "started", G_CALLBACK (started_cancel_cb), f);

  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_signal_handlers_disconnect_by_func (f->provider, started_cancel_cb, f);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->per_scene[1], ==, 1);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->per_scene[2], ==, 0);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_CANCELLED), ==, 1);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_DONE), ==, 1);
}


/* The window asks the pipeline to cancel a job (it never writes the shared
 * object): a queued job never starts, one in flight stops. */
static void
started_cancel_job_cb (HeyaiTestProvider *provider,
                       HeyaiRole          role,
                       HeyaiJob          *job,
                       int                position,
                       Fixture           *f)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  if (role != HEYAI_ROLE_IMAGER || position != 1)
    return;
  jobs = heyai_store_list_jobs (f->store, heyai_project_get_id (f->project), TRUE, &error);
  for (guint i = 0; i < jobs->len; i++)
    {
      g_assert_true (heyai_pipeline_cancel_job (f->pipeline, g_ptr_array_index (jobs, i), &error));
      g_assert_no_error (error);
    }
}

static void
test_cancel_job_asks_pipeline (Fixture       *f,
                               gconstpointer  data)
{
  add_scenes (f, 2);
  heyai_pipeline_set_concurrency (f->pipeline, HEYAI_ROLE_IMAGER, 1);
  heyai_test_provider_set_latency (f->provider, HEYAI_ROLE_IMAGER, 0, 300);
  g_signal_connect (f->provider, "started", G_CALLBACK (started_cancel_job_cb), f);
  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_signal_handlers_disconnect_by_func (f->provider, started_cancel_job_cb, f);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->per_scene[2], ==, 0);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_CANCELLED), ==, 2);
  g_assert_cmpuint (f->summary.n_cancelled, ==, 2);
}

/* A new draft of a sample script (one scene edited, one added) keeps the
 * unchanged scenes' ids and takes; the edited one keeps its takes, now
 * outdated. */
static GPtrArray *
parse_scenes (const char *text)
{
  g_autoptr(HeyaiScript) script = heyai_script_parse (text, -1, NULL);
  GPtrArray *scenes = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_nonnull (script);
  for (guint i = 0; i < script->scenes->len; i++)
    {
      HeyaiScriptScene *ss = g_ptr_array_index (script->scenes, i);
      HeyaiScene *scene = heyai_scene_new ();

      heyai_scene_set_title (scene, ss->heading ? ss->heading : "Scene");
      heyai_scene_set_excerpt (scene, ss->excerpt);
      heyai_scene_set_image_prompt (scene, ss->excerpt);
      heyai_scene_set_duration (scene, 5);
      g_ptr_array_add (scenes, scene);
    }
  return scenes;
}

static void
check_revision (Fixture    *f,
                const char *sample,
                const char *line,
                const char *edited_line,
                const char *added)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "samples", sample, NULL);
  g_autofree char *text = NULL;
  g_autofree char *draft = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) parts = NULL;
  HeyaiRevision revision;
  guint n_old, changed_at = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, line));

  first = parse_scenes (text);
  heyai_store_replace_scenes (f->store, heyai_project_get_id (f->project), first, &error);
  g_assert_no_error (error);
  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);
  old = heyai_store_list_scenes (f->store, heyai_project_get_id (f->project), &error);
  n_old = old->len;
  g_assert_cmpuint (n_old, >=, 3);

  parts = g_strsplit (text, line, 2);
  draft = g_strconcat (parts[0], edited_line, parts[1], "\n\n", added, "\n", NULL);
  fresh = parse_scenes (draft);

  heyai_pipeline_match_scenes (old, fresh, &revision);
  g_assert_cmpuint (revision.n_changed, ==, 1);
  g_assert_cmpuint (revision.n_new, ==, 1);
  g_assert_cmpuint (revision.n_removed, ==, 0);
  g_assert_cmpuint (revision.n_unchanged, ==, n_old - 1);
  {
    g_autofree char *summary = NULL;
    g_autofree char *expected = g_strdup_printf ("%u unchanged, 1 changed, 1 new, 0 removed", n_old - 1);

    /* Costed by the planner: a still ($0.50) and a clip ($1.00) for the
     * changed scene and the new one. */
    heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_IMAGER, 0.5);
    heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_ANIMATOR, 1.0);
    summary = heyai_pipeline_revision_summary (f->pipeline, &revision);
    heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_IMAGER, 0);
    heyai_test_provider_set_cost (f->provider, HEYAI_ROLE_ANIMATOR, 0);
    g_assert_true (g_str_has_prefix (summary, expected));
    g_assert_nonnull (strstr (summary, "about $3.00 to make the changed and new scenes"));
  }
  for (guint i = 0; i < revision.scenes->len; i++)
    {
      HeyaiRevisionKind kind = g_array_index (revision.kinds, HeyaiRevisionKind, i);
      HeyaiScene *scene = g_ptr_array_index (revision.scenes, i);

      if (kind == HEYAI_REVISION_NEW)
        g_assert_null (heyai_scene_get_id (scene));
      else
        {
          /* Kept: the old scene's id and takes. */
          g_assert_nonnull (heyai_scene_get_id (scene));
          g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 1);
          g_assert_cmpint (heyai_scene_get_clip_take (scene), ==, 1);
          if (kind == HEYAI_REVISION_CHANGED)
            changed_at = i + 1;
        }
    }
  g_assert_cmpuint (changed_at, >, 0);

  /* Applied: the changed scene's still and clip are outdated; the others are current. */
  heyai_pipeline_revision_apply_content (&revision);
  heyai_store_replace_scenes (f->store, heyai_project_get_id (f->project), revision.scenes, &error);
  g_assert_no_error (error);
  heyai_revision_clear (&revision);
  for (guint i = 1; i <= n_old + 1; i++)
    {
      HeyaiSceneLineage lineage = lineage_at (f, (int) i);

      if (i == changed_at)
        g_assert_true (lineage.image_stale && lineage.clip_stale);
      else if (i <= n_old + 1 && lineage.image_take > 0)
        g_assert_false (lineage.image_stale || lineage.clip_stale);
    }
}

static void
test_revision_night_shift (Fixture       *f,
                           gconstpointer  data)
{
  check_revision (f, "night-shift.fountain", "The floor counter skips from 3 to 13.",
                  "The floor counter skips from 3 to 13, then the lights die.",
                  "INT. NURSES STATION - NIGHT\n\nA phone rings and rings. Nobody answers.");
}

static void
test_revision_faro (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "samples", "el-ultimo-faro.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  const char *excerpt;
  g_autofree char *line = NULL;
  const char *end;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  scenes = parse_scenes (text);
  g_assert_cmpuint (scenes->len, >=, 3);
  /* Edit one sentence of the second scene. */
  excerpt = heyai_scene_get_excerpt (g_ptr_array_index (scenes, 1));
  end = strchr (excerpt, '.');
  g_assert_nonnull (end);
  line = g_strndup (excerpt, end - excerpt + 1);
  if (strstr (text, line) == NULL)
    {
      g_test_skip ("the second scene's first sentence is not verbatim in the file");
      return;
    }
  {
    g_autofree char *edited = g_strconcat (line, " La lluvia no para.", NULL);
    check_revision (f, "el-ultimo-faro.txt", line, edited,
                    "Un barco sin luces se acerca a la costa en silencio, y nadie en el puerto lo ve llegar.");
  }
}

static void
test_analyze_then_status (Fixture       *f,
                          gconstpointer  data)
{
  heyai_test_provider_set_n_scenes (f->provider, 3);
  run_sync (f, HEYAI_RUN_ANALYZE, 0);
  g_assert_no_error (f->error);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_DRAFT);
  {
    g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (f->store, heyai_project_get_id (f->project), NULL);
    g_assert_cmpuint (scenes->len, ==, 3);
  }

  /* Stills only, review mode: stills wait for review. */
  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_assert_no_error (f->error);
  for (int i = 1; i <= 3; i++)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);
      g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_READY);
    }

  /* Reject one, approve the others: rejected scenes are not animated. */
  {
    g_autoptr(HeyaiScene) scene = scene_at (f, 2);
    g_autoptr(GError) error = NULL;
    heyai_pipeline_set_approval (f->store, scene, HEYAI_APPROVAL_REJECTED, &error);
    g_assert_no_error (error);
    g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_REJECTED);
  }
  for (int i = 1; i <= 3; i += 2)
    {
      g_autoptr(HeyaiScene) scene = scene_at (f, i);
      g_autoptr(GError) error = NULL;
      heyai_pipeline_set_approval (f->store, scene, HEYAI_APPROVAL_APPROVED, &error);
      g_assert_no_error (error);
    }
  run_sync (f, HEYAI_RUN_ANIMATE, 0);
  g_assert_no_error (f->error);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->calls, ==, 2);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->per_scene[2], ==, 0);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
}

static void
test_cancel_project_offline (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(HeyaiJob) job = NULL;
  g_autoptr(GError) error = NULL;

  /* `heyai cancel` with no pipeline running: stale jobs are marked cancelled
   * and the scenes they left "rendering" come back to rest. */
  add_scenes (f, 2);
  scene = scene_at (f, 1);
  job = insert_job (f, scene, HEYAI_JOB_STATE_RUNNING, "remote-9");
  heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_RENDERING);
  heyai_store_update_scene (f->store, scene, &error);
  g_assert_no_error (error);

  heyai_pipeline_cancel_project (f->store, f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_job_get_state (job), ==, HEYAI_JOB_STATE_CANCELLED);
  g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_PENDING);

  /* A later run does not resume it: it makes a fresh job. */
  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_assert_no_error (f->error);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 2);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_CANCELLED), ==, 1);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, HEYAI_JOB_STATE_DONE), ==, 2);
}

static void
test_one_process_per_project (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *key = g_strdup_printf ("pipeline.owner.%s", heyai_project_get_id (f->project));
  g_autofree char *live = g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) getppid (), g_get_real_time ());
  g_autofree char *stale = g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) getppid (),
                                            g_get_real_time () - 60 * G_USEC_PER_SEC);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  add_scenes (f, 2);

  /* A live process (our parent) owns the project: the run refuses. */
  heyai_store_set_meta (f->store, key, live, &error);
  g_assert_no_error (error);
  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_assert_false (f->ok);
  g_assert_error (f->error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
  g_assert_nonnull (strstr (f->error->message, "already"));
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 0);
  g_assert_cmpuint (count_jobs (f, HEYAI_JOB_KIND_IMAGE, -1), ==, 0);

  /* A stale marker (a crash) is taken over, and released at the end. */
  heyai_store_set_meta (f->store, key, stale, &error);
  g_assert_no_error (error);
  run_sync (f, HEYAI_RUN_IMAGES, 0);
  g_assert_no_error (f->error);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->calls, ==, 2);
  after = heyai_store_get_meta (f->store, key);
  g_assert_cmpstr (after, ==, "");
}

/* The reference-bible seam: a provider that could not apply the references
 * asked for says so in its result and the pipeline tells the producer
 * (never silent); with no bible yet, the pipeline asks for none. */
static void
test_references_note_shown (Fixture       *f,
                            gconstpointer  data)
{
  guint notes = 0;

  add_scenes (f, 2);
  f->messages = g_ptr_array_new_with_free_func (g_free);
  heyai_test_provider_set_references_note (f->provider, HEYAI_ROLE_ANIMATOR,
                                           "References not applied: text only (test)");

  run_sync (f, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE, 0);
  g_assert_no_error (f->error);
  for (guint i = 0; i < f->messages->len; i++)
    {
      const char *text = g_ptr_array_index (f->messages, i);

      if (strstr (text, "References not applied: text only (test)") != NULL)
        {
          g_assert_true (g_str_has_prefix (text, "Scene "));
          notes++;
        }
    }
  g_assert_cmpuint (notes, ==, 2);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_IMAGER)->with_extras, ==, 0);
  g_assert_cmpuint (heyai_test_provider_get_stats (f->provider, HEYAI_ROLE_ANIMATOR)->with_extras, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/pipeline/auto-mode", test_auto_mode);
  ADD ("/pipeline/running-property", test_running_property);
  ADD ("/pipeline/review-mode", test_review_mode);
  ADD ("/pipeline/analyze-then-review", test_analyze_then_status);
  ADD ("/pipeline/pipelining", test_pipelining);
  ADD ("/pipeline/staged", test_staged);
  ADD ("/pipeline/concurrency", test_concurrency);
  ADD ("/pipeline/default-limits", test_default_limits);
  ADD ("/pipeline/capacity-adapts", test_capacity_adapts);
  ADD ("/pipeline/capacity-backoff", test_capacity_backoff);
  ADD ("/pipeline/failure-isolation", test_failure_isolation);
  ADD ("/pipeline/all-failed", test_all_failed);
  ADD ("/pipeline/analysis-failure", test_analysis_failure);
  ADD ("/pipeline/takes", test_takes);
  ADD ("/pipeline/cancel", test_cancel);
  ADD ("/pipeline/cancel-external", test_cancel_external);
  ADD ("/pipeline/cancel-project", test_cancel_project_offline);
  ADD ("/pipeline/resume", test_resume);
  ADD ("/pipeline/remote-id-committed", test_remote_id_committed);
  ADD ("/pipeline/budget", test_budget);
  ADD ("/pipeline/one-process-per-project", test_one_process_per_project);
  ADD ("/pipeline/revision/regenerate-after-clip", test_regenerate_after_clip);
  ADD ("/pipeline/revision/retry-failed-clip", test_retry_failed_clip);
  ADD ("/pipeline/revision/estimate-equals-plan", test_estimate_equals_plan);
  ADD ("/pipeline/revision/cancel-while-starting", test_cancel_while_starting);
  ADD ("/pipeline/revision/cancel-job-asks-pipeline", test_cancel_job_asks_pipeline);
  ADD ("/pipeline/revision/script-night-shift", test_revision_night_shift);
  ADD ("/pipeline/revision/script-faro", test_revision_faro);
  ADD ("/pipeline/references-note-shown", test_references_note_shown);
#undef ADD

  return g_test_run ();
}
