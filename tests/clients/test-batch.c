/* test-batch.c: the real clients inside the pipeline, against the fakes: a
 * multi-scene run where one still is refused (Higgsfield nsfw) and one clip
 * is refused (Kling 1301) while the other scenes finish; then a re-run after
 * a simulated crash pays for nothing twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "clients-fixture.h"
#include "heyai-pipeline.h"
#include "heyai-pipeline-private.h"
#include "heyai-storage-local.h"
#include "heyai-llm-openai.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-animator-kling.h"

#define SCRIPT "A stone island in the fog.\n\n"                                      \
               "Marta climbs the spiral stairs with an oil lamp.\n\n"               \
               "A drowned sailor rises from the water [nsfw].\n\n"                 \
               "Leo steals a boat and crosses the storm [moderation].\n\n"          \
               "The lighthouse beam sweeps the sea, green and cold."

typedef struct
{
  Fixture          base;
  char            *db_path;
  HeyaiStore      *store;
  HeyaiProject    *project;
  HeyaiLlmOpenai  *llm;
  HeyaiImagerHiggsfield *imager;
  HeyaiAnimatorKling    *animator;
  HeyaiStorage    *storage;
  HeyaiPipeline   *pipeline;
  gboolean         done;
  gboolean         ok;
  HeyaiRunSummary  summary;
  GError          *error;
} BatchFixture;

static void
make_pipeline (BatchFixture *f)
{
  g_autofree char *openai = fixture_url (&f->base, "HEYAI_OPENAI_BASE_URL");
  g_autofree char *hf = fixture_url (&f->base, "HEYAI_HIGGSFIELD_BASE_URL");
  g_autofree char *kling = fixture_url (&f->base, "HEYAI_KLING_BASE_URL");

  f->llm = heyai_llm_openai_new (openai, "sk-fake-openai", NULL);
  f->imager = heyai_imager_higgsfield_new (hf, "fake-hf-id:fake-hf-secret", NULL);
  f->animator = heyai_animator_kling_new (kling, "fake-kling-access", "fake-kling-secret", NULL, NULL);
  fixture_tune_http (&f->base, heyai_llm_openai_get_http (f->llm));
  fixture_tune_http (&f->base, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (f->imager)));
  fixture_tune_http (&f->base, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (f->animator)));
  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (f->imager), 5);
  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (f->animator), 5);
  f->storage = heyai_storage_local_new (f->base.tmp);

  f->pipeline = heyai_pipeline_new (f->store, f->base.tmp, HEYAI_LLM (f->llm), HEYAI_IMAGER (f->imager),
                                    HEYAI_ANIMATOR (f->animator), f->storage);
  heyai_pipeline_set_poll_interval (f->pipeline, 20);
}

static void
drop_pipeline (BatchFixture *f)
{
  g_clear_object (&f->pipeline);
  g_clear_object (&f->llm);
  g_clear_object (&f->imager);
  g_clear_object (&f->animator);
  g_clear_object (&f->storage);
}

static void
batch_setup (BatchFixture  *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_setup (&f->base, "all");
  g_setenv ("HEYAI_LOCAL_ROOT", f->base.tmp, TRUE);
  f->db_path = g_build_filename (f->base.tmp, "heyai.db", NULL);
  f->store = heyai_store_new (f->db_path, &error);
  g_assert_no_error (error);

  f->project = heyai_project_new ();
  heyai_project_set_title (f->project, "El último faro");
  heyai_project_set_script (f->project, SCRIPT);
  heyai_project_set_style (f->project, "Marta: seventy, grey braid, yellow oilskin.");
  heyai_store_insert_project (f->store, f->project, &error);
  g_assert_no_error (error);

  make_pipeline (f);
}

static void
batch_teardown (BatchFixture  *f,
                gconstpointer  data)
{
  g_clear_error (&f->error);
  drop_pipeline (f);
  g_clear_object (&f->project);
  g_clear_object (&f->store);
  g_free (f->db_path);
  g_unsetenv ("HEYAI_LOCAL_ROOT");
  fixture_teardown (&f->base, NULL);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  BatchFixture *f = user_data;

  g_clear_error (&f->error);
  f->ok = heyai_pipeline_run_finish (HEYAI_PIPELINE (object), result, &f->summary, &f->error);
  f->done = TRUE;
}

static void
run (BatchFixture *f)
{
  f->done = FALSE;
  heyai_pipeline_run_async (f->pipeline, f->project, HEYAI_RUN_ALL | HEYAI_RUN_AUTO_APPROVE, 0, NULL,
                            run_done_cb, f);
  g_assert_true (heyai_fake_spin_until ((volatile int *) &f->done, 50));
}

static void
test_one_refused_others_finish (BatchFixture  *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  guint with_clip = 0;

  run (f);
  g_assert_false (f->ok);
  g_assert_nonnull (f->error);

  scenes = heyai_store_list_scenes (f->store, heyai_project_get_id (f->project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 5);

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      int position = heyai_scene_get_position (scene);

      if (position == 3)
        {
          /* The refused still: failed, with a message a producer understands. */
          g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_FAILED);
          g_assert_nonnull (strstr (heyai_scene_get_last_error (scene), "content policy"));
        }
      else if (position == 4)
        {
          g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_FAILED);
          g_assert_nonnull (strstr (heyai_scene_get_last_error (scene), "Kling refused"));
          g_assert_cmpint (heyai_scene_get_image_take (scene), >=, 1);
        }
      else
        {
          g_assert_cmpint (heyai_scene_get_status (scene), ==, HEYAI_SCENE_STATUS_CLIP_READY);
          with_clip++;
        }
    }
  g_assert_cmpuint (with_clip, ==, 3);

  /* 5 stills paid for (nsfw ones are refunded by Higgsfield), 3 clips. */
  g_assert_cmpint (heyai_fake_get_counter (f->base.fake, "higgsfield.accepted"), ==, 5);
  g_assert_cmpint (heyai_fake_get_counter (f->base.fake, "kling.accepted"), ==, 3);
  g_assert_cmpuint (heyai_fake_get_count (f->base.fake, "openai.chat"), ==, 1);

  /* Every job that a service accepted has its remote id in the store. */
  jobs = heyai_store_list_jobs (f->store, heyai_project_get_id (f->project), FALSE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < jobs->len; i++)
    {
      HeyaiJob *job = g_ptr_array_index (jobs, i);

      if (heyai_job_get_state (job) == HEYAI_JOB_STATE_DONE && heyai_job_get_kind (job) != HEYAI_JOB_KIND_ANALYZE)
        g_assert_nonnull (heyai_job_get_remote_id (job));
    }

  /* A second run redoes nothing that finished and pays for nothing twice;
   * the refused scenes fail again the same way. */
  drop_pipeline (f);
  make_pipeline (f);
  heyai_fake_reset_counters (f->base.fake);
  f->done = FALSE;
  heyai_pipeline_run_async (f->pipeline, f->project, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_AUTO_APPROVE,
                            0, NULL, run_done_cb, f);
  g_assert_true (heyai_fake_spin_until ((volatile int *) &f->done, 50));
  g_assert_cmpuint (heyai_fake_get_count (f->base.fake, "openai.chat"), ==, 0);
  g_assert_cmpint (heyai_fake_get_counter (f->base.fake, "kling.accepted"), <=, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->base.fake, "higgsfield.accepted"), <=, 1);
}

int
main (int argc, char **argv)
{
  clients_test_init (&argc, &argv);

  g_test_add ("/clients/batch/one-refused-others-finish", BatchFixture, NULL,
              batch_setup, test_one_refused_others_finish, batch_teardown);

  return g_test_run ();
}
