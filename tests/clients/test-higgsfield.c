/* test-higgsfield.c: the Higgsfield imager against its fake.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "clients-fixture.h"
#include "heyai-imager-higgsfield.h"

#define KEY "fake-hf-id:fake-hf-secret"

static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G' };
static const guint8 jpeg_magic[] = { 0xff, 0xd8, 0xff };

static HeyaiImagerHiggsfield *
make_client (Fixture    *f,
             const char *key)
{
  g_autofree char *url = fixture_url (f, "HEYAI_HIGGSFIELD_BASE_URL");
  HeyaiImagerHiggsfield *imager = heyai_imager_higgsfield_new (url, key, NULL);

  fixture_tune_http (f, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (imager)));
  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (imager), 5);
  return imager;
}

typedef struct
{
  guint remote_id_notifies;
  guint remote_id_before_status;   /* remote id known when the first status poll came */
} Watch;

static HeyaiGenResult *
generate (Fixture                *f,
          HeyaiImagerHiggsfield  *imager,
          HeyaiScene             *scene,
          HeyaiJob               *job,
          GCancellable           *cancellable,
          GError                **error)
{
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(GAsyncResult) result = NULL;

  heyai_imager_generate_for_job_async (HEYAI_IMAGER (imager), project, scene, job, f->tmp, cancellable,
                               store_result, &result);
  wait_result (&result, 30);
  return heyai_imager_generate_finish (HEYAI_IMAGER (imager), result, error);
}

static void
add_fault (Fixture    *f,
           const char *spec)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (heyai_fake_add_fault_from_string (f->fake, spec, &error));
  g_assert_no_error (error);
}

static void
remote_id_cb (HeyaiJob   *job,
              GParamSpec *pspec,
              gpointer    user_data)
{
  Watch *watch = user_data;
  Fixture *f = g_object_get_data (G_OBJECT (job), "fixture");

  watch->remote_id_notifies++;
  /* Committed before any status poll. */
  if (heyai_fake_get_count (f->fake, "higgsfield.status") == 0)
    watch->remote_id_before_status++;
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (3, "A lighthouse in fog, teal and amber", "Fog drifts", 5,
                                            HEYAI_CAMERA_PUSH_IN);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 3, 1);
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_build_filename (f->tmp, "scene-03.png", NULL);
  g_autofree char *log = NULL;
  Watch watch = { 0, };

  g_object_set_data (G_OBJECT (job), "fixture", f);
  g_signal_connect (job, "notify::remote-id", G_CALLBACK (remote_id_cb), &watch);

  capture_start ();
  gen = generate (f, imager, scene, job, NULL, &error);
  log = capture_stop ();
  g_assert_no_error (error);
  g_assert_cmpstr (gen->path, ==, expected);
  g_assert_true (file_starts_with (gen->path, png_magic, sizeof png_magic));
  g_assert_cmpstr (gen->provider, ==, "higgsfield");
  g_assert_cmpstr (gen->model, ==, HEYAI_HIGGSFIELD_DEFAULT_MODEL);
  g_assert_nonnull (gen->request_id);
  g_assert_cmpstr (gen->request_id, ==, heyai_job_get_remote_id (job));
  g_assert_nonnull (strstr (gen->params, "teal and amber"));
  g_assert_nonnull (strstr (gen->params, "\"aspect_ratio\":\"16:9\""));
  g_assert_cmpfloat (gen->cost, ==, HEYAI_HIGGSFIELD_PRICE_STANDARD);
  g_assert_cmpfloat (heyai_imager_estimate_cost (HEYAI_IMAGER (imager), scene), ==, HEYAI_HIGGSFIELD_PRICE_STANDARD);

  g_assert_cmpuint (watch.remote_id_notifies, ==, 1);
  g_assert_cmpuint (watch.remote_id_before_status, ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 1);
  /* queued, in_progress, completed */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.status"), ==, 3);
  g_assert_cmpfloat (heyai_job_get_progress (job), ==, 1.0);

  /* Redaction: neither the key id nor the secret reached the log. */
  g_assert_nonnull (strstr (log, "requests/"));
  g_assert_nonnull (strstr (log, "[REDACTED]"));
  g_assert_null (strstr (log, "fake-hf-secret"));
  g_assert_null (strstr (log, "fake-hf-id"));
}

static void
test_take_and_jpeg (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "A boat", "Waves", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 2);
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_build_filename (f->tmp, "scene-01-take-2.jpg", NULL);

  heyai_fake_set_option (f->fake, "higgsfield.format", "jpeg");
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gen->path, ==, expected);
  g_assert_true (file_starts_with (gen->path, jpeg_magic, sizeof jpeg_magic));
}

static void
test_resume_without_submitting (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiImagerHiggsfield) restarted = NULL;
  g_autoptr(HeyaiScene) scene = make_scene (2, "A storm", "Rain", 10, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 2, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(GAsyncResult) result = NULL;

  /* First run: submitted, then the app "quits" (in progress requests
   * cannot be cancelled remotely, so it keeps running). */
  heyai_fake_set_option (f->fake, "higgsfield.polls", "4");
  heyai_imager_generate_for_job_async (HEYAI_IMAGER (imager), project, scene, job, f->tmp, cancellable,
                               store_result, &result);
  while (heyai_fake_get_count (f->fake, "higgsfield.status") < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (heyai_job_get_remote_id (job));
  g_cancellable_cancel (cancellable);
  wait_result (&result, 10);
  gen = heyai_imager_generate_finish (HEYAI_IMAGER (imager), result, &error);
  g_assert_null (gen);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Restart: a new provider, the job (as loaded from the store) has the id. */
  restarted = make_client (f, KEY);
  gen = generate (f, restarted, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
}

static void
test_cancel_while_queued (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "A beach [stuck]", "Waves", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  heyai_imager_generate_for_job_async (HEYAI_IMAGER (imager), project, scene, job, f->tmp, cancellable,
                               store_result, &result);
  while (heyai_fake_get_count (f->fake, "higgsfield.status") < 1)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  wait_result (&result, 10);
  gen = heyai_imager_generate_finish (HEYAI_IMAGER (imager), result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The cancel request reaches the service. */
  while (heyai_fake_get_count (f->fake, "higgsfield.cancel") < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.canceled"), ==, 1);
}

static void
test_outcomes (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  struct { const char *prompt; GQuark domain; int code; const char *fragment; } cases[] = {
    { "Bloody scene [nsfw]", HEYAI_ERROR, HEYAI_ERROR_MODERATION, "Scene 4: Higgsfield refused the prompt" },
    { "A broken render [fail]", HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "could not render the prompt" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HeyaiScene) scene = make_scene (4, cases[i].prompt, "m", 5, HEYAI_CAMERA_STATIC);
      g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 4, 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiGenResult) gen = generate (f, imager, scene, job, NULL, &error);

      g_assert_null (gen);
      g_assert_error (error, cases[i].domain, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].fragment));
    }
}

static void
test_final_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiImagerHiggsfield) bad_key = make_client (f, "fake-hf-id:wrong");
  g_autoptr(HeyaiScene) scene = make_scene (1, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiJob) job1 = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(HeyaiJob) job2 = make_job (HEYAI_JOB_KIND_IMAGE, 1, 2);
  g_autoptr(HeyaiJob) job3 = make_job (HEYAI_JOB_KIND_IMAGE, 1, 3);

  add_fault (f, "higgsfield.submit:credits:3");
  gen = generate (f, imager, scene, job1, NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA);
  g_assert_nonnull (strstr (error->message, "Not enough credits"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 1);
  g_assert_null (heyai_job_get_remote_id (job1));
  g_clear_error (&error);
  heyai_fake_clear_faults (f->fake);

  gen = generate (f, bad_key, scene, job2, NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "HF_API_KEY"));
  g_clear_error (&error);

  /* A resolution the model does not take: 422 with the server's detail. */
  {
    HeyaiProviderConfig config = { .higgsfield_resolution = (char *) "8K" };
    g_autoptr(HeyaiImagerHiggsfield) eight_k = make_client (f, KEY);

    heyai_remote_provider_configure (HEYAI_REMOTE_PROVIDER (eight_k), &config);

    gen = generate (f, eight_k, scene, job3, NULL, &error);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION);
    g_assert_nonnull (strstr (error->message, "resolution"));
    g_clear_error (&error);
  }
}

static void
test_unknown_model (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *url = fixture_url (f, "HEYAI_HIGGSFIELD_BASE_URL");
  g_autoptr(HeyaiImagerHiggsfield) imager = heyai_imager_higgsfield_new (url, KEY, "retired/model");
  g_autoptr(HeyaiScene) scene = make_scene (1, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  fixture_tune_http (f, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (imager)));
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "retired/model"));
  g_assert_nonnull (strstr (error->message, "HEYAI_HIGGSFIELD_MODEL"));
}

static void
test_retries (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  add_fault (f, "higgsfield.submit:rate-limit:1");
  add_fault (f, "higgsfield.status:http-503:1");
  add_fault (f, "higgsfield.status:http-504:1");
  add_fault (f, "files:truncate:1");
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (file_starts_with (gen->path, png_magic, sizeof png_magic));
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
  /* The truncated download was fetched again. */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "files.get"), ==, 2);
  {
    g_autofree char *contents = NULL;
    gsize len = 0;
    g_autofree char *source = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data",
                                                "still.png", NULL);
    gsize expected_len = 0;
    g_autofree char *expected = NULL;

    g_assert_true (g_file_get_contents (gen->path, &contents, &len, NULL));
    g_assert_true (g_file_get_contents (source, &expected, &expected_len, NULL));
    g_assert_cmpmem (contents, len, expected, expected_len);
  }
}

static void
test_unknown_remote_id (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (9, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 9, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  heyai_job_set_remote_id (job, "00000000-dead-beef-0000-000000000000");
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_null (gen);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "Scene 9: Higgsfield no longer knows"));
  g_assert_null (heyai_job_get_remote_id (job));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 0);
  g_clear_error (&error);

  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 1);
}

static void
test_dead_result_link (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (7, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 7, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *dest = g_build_filename (f->tmp, "scene-07.png", NULL);

  /* A CDN's 403 says nothing about credits or keys. */
  add_fault (f, "files:http-403:5");
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_null (gen);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "Scene 7: Higgsfield's link to the still no longer works"));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

static void
test_garbled_and_slow_answers (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  heyai_http_set_timeout (heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (imager)), 1);
  add_fault (f, "higgsfield.status:malformed:2");
  add_fault (f, "higgsfield.status:delay-3000:1");
  add_fault (f, "higgsfield.submit:rate-limit:1");   /* refused, not accepted: sent again */
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
}

/* A submit whose answer is lost (a 5xx, a dropped connection, a 200 that is
 * not Higgsfield's JSON) may have been accepted: never sent again
 * automatically (API-CONTRACTS.md C.1 item 4). */
static void
test_lost_submit_answer (Fixture       *f,
                         gconstpointer  data)
{
  static const char *const faults[] = { "higgsfield.submit:http-500:1", "higgsfield.submit:http-502:1",
                                        "higgsfield.submit:drop:1", "higgsfield.submit:malformed:1" };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
      g_autoptr(HeyaiScene) scene = make_scene (4, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
      g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 4, 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiGenResult) gen = NULL;
      guint before = heyai_fake_get_count (f->fake, "higgsfield.submit");

      add_fault (f, faults[i]);
      gen = generate (f, imager, scene, job, NULL, &error);
      g_assert_null (gen);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_IN_DOUBT);
      g_assert_nonnull (strstr (error->message, "Scene 4: Higgsfield may have accepted this still"));
      g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, before + 1);
    }
}

/* Switches the client to the fake on the first retry (the service came back). */
static double
reach_fake_on_retry (HeyaiHttp *http,
                     guint      attempt,
                     double     seconds,
                     gpointer   user_data)
{
  Fixture *f = user_data;
  g_autofree char *url = fixture_url (f, "HEYAI_HIGGSFIELD_BASE_URL");

  g_array_append_val (f->delays, seconds);
  heyai_http_set_base_url (http, url);
  return 0;
}

/* A submit that never left (connection refused) cannot have been accepted:
 * it is sent again under the HTTP retry rules, and when Higgsfield stays
 * unreachable the still fails plainly ("not sent"), not in doubt.  A lost
 * answer to a submit that did arrive (the fake's lose-answers) stays in
 * doubt and is not sent again. */
static void
test_submit_not_sent (Fixture       *f,
                      gconstpointer  data)
{
  HeyaiRetryPolicy policy;

  /* Never reachable. */
  {
    g_autoptr(HeyaiImagerHiggsfield) imager = heyai_imager_higgsfield_new ("http://127.0.0.1:9", KEY, NULL);
    g_autoptr(HeyaiScene) scene = make_scene (2, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 2, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = NULL;

    fixture_tune_http (f, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (imager)));
    heyai_http_get_retry_policy (heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (imager)), &policy);
    g_array_set_size (f->delays, 0);
    gen = generate (f, imager, scene, job, NULL, &error);
    g_assert_null (gen);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
    g_assert_nonnull (strstr (error->message, "Scene 2: the still was not sent"));
    g_assert_nonnull (strstr (error->message, "Could not reach Higgsfield"));
    /* Every attempt of the policy was made. */
    g_assert_cmpuint (f->delays->len, ==, policy.max_attempts - 1);
    g_assert_null (heyai_job_get_remote_id (job));
    g_assert_cmpint (heyai_job_get_state (job), !=, HEYAI_JOB_STATE_SUBMITTED);
  }

  /* Refused once, then reachable: one still, paid once. */
  {
    g_autoptr(HeyaiImagerHiggsfield) imager = heyai_imager_higgsfield_new ("http://127.0.0.1:9", KEY, NULL);
    g_autoptr(HeyaiScene) scene = make_scene (3, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 3, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = NULL;

    fixture_tune_http (f, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (imager)));
    heyai_http_set_delay_func (heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (imager)), reach_fake_on_retry, f, NULL);
    heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (imager), 5);
    gen = generate (f, imager, scene, job, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (file_starts_with (gen->path, png_magic, sizeof png_magic));
    g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 1);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
  }

  /* The answer of a submit that arrived is lost: in doubt, sent once. */
  heyai_fake_set_option (f->fake, "higgsfield.lose-as", "drop");
  heyai_fake_set_option (f->fake, "higgsfield.lose-answers", "1");
  {
    g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
    g_autoptr(HeyaiScene) scene = make_scene (4, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 4, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = NULL;

    gen = generate (f, imager, scene, job, NULL, &error);
    g_assert_null (gen);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_IN_DOUBT);
    g_assert_nonnull (strstr (error->message, "Scene 4: Higgsfield may have accepted this still"));
    g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 2);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 2);
  }
}

/* The concurrency cap (400 "Maximum number of concurrent requests"): not
 * accepted, so it is sent again after a pause; nothing is refused. */
static void
test_concurrency_cap_submit (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (2, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 2, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  HeyaiFakeFault cap = { .kind = HEYAI_FAKE_FAULT_STATUS, .status = 400, .drop_after_bytes = -1,
                         .body = "{\"detail\":\"Maximum number of concurrent requests (4) has been reached\"}" };

  heyai_fake_add_fault (f->fake, "higgsfield.submit", &cap, 2);
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 3);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
}

/* A status endpoint down for a while: the paid request waits for it. */
static void
test_poll_outage (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (imager), 10);
  add_fault (f, "higgsfield.status:http-503:40");
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
  g_assert_null (heyai_job_get_last_error (job));
}

static void
test_poll_budget (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "Forever [stuck]", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  heyai_remote_provider_set_max_wait (HEYAI_REMOTE_PROVIDER (imager), 1);
  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (imager), 100);
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  /* The remote id stays on the job: a later run resumes it. */
  g_assert_nonnull (heyai_job_get_remote_id (job));
}

/* ---------------------------------------------------------------------- */
/* Contracts of 2026-12 (C.1)                                              */

typedef struct
{
  GAsyncResult *result;
} Slot;

/* Four stills at once on an account that allows two: none fails, at most
 * two are ever in flight, the cap is learned. */
static void
test_concurrency_cap (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiProject) project = make_project ("x");
  HeyaiScene *scenes[4];
  HeyaiJob *jobs[4];
  Slot slots[4] = { { 0 } };

  heyai_fake_set_option (f->fake, "higgsfield.max-concurrent", "2");
  for (guint i = 0; i < 4; i++)
    {
      scenes[i] = make_scene ((int) i + 1, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
      jobs[i] = make_job (HEYAI_JOB_KIND_IMAGE, (int) i + 1, 1);
      heyai_imager_generate_for_job_async (HEYAI_IMAGER (imager), project, scenes[i], jobs[i], f->tmp, NULL,
                                   store_result, &slots[i].result);
    }
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiGenResult) gen = NULL;

      wait_result (&slots[i].result, 30);
      gen = heyai_imager_generate_finish (HEYAI_IMAGER (imager), slots[i].result, &error);
      g_assert_no_error (error);
      g_assert_true (file_starts_with (gen->path, png_magic, sizeof png_magic));
      g_clear_object (&slots[i].result);
      g_object_unref (scenes[i]);
      g_object_unref (jobs[i]);
    }
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 4);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.capped"), >=, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.max-in-flight"), <=, 2);
  g_assert_cmpuint (heyai_imager_higgsfield_get_concurrency_cap (imager), ==, 2);

  g_assert_cmpuint (heyai_higgsfield_parse_concurrency_cap (
                      "Maximum number of concurrent requests (4) has been reached"), ==, 4);
  g_assert_cmpuint (heyai_higgsfield_parse_concurrency_cap ("Maximum number of concurrent requests"), ==, 1);
  g_assert_cmpuint (heyai_higgsfield_parse_concurrency_cap ("prompt: Field required"), ==, 0);
}

/* 423: the model is blocked for a while; nothing accepted, tried again.
 * 403: no credits, final, with the correlation id kept in the message. */
static void
test_blocked_and_credits (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(HeyaiJob) job2 = make_job (HEYAI_JOB_KIND_IMAGE, 1, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(HeyaiGenResult) none = NULL;

  add_fault (f, "higgsfield.submit:blocked:1");
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);

  add_fault (f, "higgsfield.submit:credits:1");
  none = generate (f, imager, scene, job2, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA);
  g_assert_nonnull (strstr (error->message, "corr-fake-fault"));
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
}

/* A still is probed on arrival: an error page served as image/png fails
 * the scene and is not kept. */
static void
test_junk_still (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (4, "A lighthouse", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 4, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *kept = g_build_filename (f->tmp, "scene-04.png", NULL);

  heyai_fake_set_option (f->fake, "higgsfield.format", "junk");
  gen = generate (f, imager, scene, job, NULL, &error);
  g_assert_null (gen);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "not an image"));
  g_assert_false (g_file_test (kept, G_FILE_TEST_EXISTS));
}

/* Reference images asked of a text-to-image model: the still is made from
 * the prompt and the result says the references were not applied. */
static void
test_references_not_applied (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (1, "Marta at the lamp", "Fog", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(HeyaiGenReporter) reporter = heyai_gen_reporter_new_for_job (job);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ref = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data",
                                           "still.png", NULL);
  const char *refs[] = { ref, NULL };
  HeyaiGenInput input;

  heyai_gen_input_init_from_job (&input, job);
  input.dest_dir = f->tmp;
  input.reference_paths = refs;
  heyai_imager_generate_async (HEYAI_IMAGER (imager), project, scene, &input, reporter, NULL,
                               store_result, &result);
  wait_result (&result, 30);
  gen = heyai_imager_generate_finish (HEYAI_IMAGER (imager), result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_nonnull (gen->references_note);
  g_assert_true (g_str_has_prefix (gen->references_note, "References not applied: text only ("));
  g_assert_nonnull (strstr (gen->references_note, HEYAI_HIGGSFIELD_DEFAULT_MODEL));
  /* the request id was reported into the job, as the pipeline's reporter does */
  g_assert_cmpstr (gen->request_id, ==, heyai_job_get_remote_id (job));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 1);
}

static HeyaiGenResult *
generate_with_references (Fixture                *f,
                          HeyaiImagerHiggsfield  *imager,
                          HeyaiScene             *scene,
                          HeyaiJob               *job,
                          const char * const     *references,
                          GError                **error)
{
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(HeyaiGenReporter) reporter = heyai_gen_reporter_new_for_job (job);
  g_autoptr(GAsyncResult) result = NULL;
  HeyaiGenInput input;

  heyai_gen_input_init_from_job (&input, job);
  input.dest_dir = f->tmp;
  input.reference_paths = references;
  heyai_imager_generate_async (HEYAI_IMAGER (imager), project, scene, &input, reporter, NULL,
                               store_result, &result);
  wait_result (&result, 30);
  return heyai_imager_generate_finish (HEYAI_IMAGER (imager), result, error);
}

/* soul/reference takes one input image (contracts 2.2): uploaded first
 * through a presigned URL with every signed header (2.6), then sent by URL;
 * the other references are said not applied. */
static void
test_reference_model_uploads (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = make_client (f, KEY);
  g_autoptr(HeyaiScene) scene = make_scene (2, "Marta at the lamp", "Fog", 5, HEYAI_CAMERA_STATIC);
  g_autofree char *png = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data", "still.png", NULL);
  g_autofree char *jpg = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data", "still.jpg", NULL);
  const char *two[] = { jpg, png, NULL };

  g_object_set (imager, "model", "higgsfield-ai/soul/reference", NULL);
  {
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 2, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = generate_with_references (f, imager, scene, job, two, &error);

    g_assert_no_error (error);
    g_assert_nonnull (gen);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.uploads"), ==, 1);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.references"), ==, 1);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 1);
    g_assert_nonnull (gen->references_note);
    g_assert_nonnull (strstr (gen->references_note, "References partly applied: 1 of 2"));
    g_assert_cmpstr (gen->request_id, ==, heyai_job_get_remote_id (job));
  }
  {
    /* without a reference it cannot be asked at all: said before any cost */
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 3, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = generate_with_references (f, imager, scene, job, NULL, &error);

    g_assert_null (gen);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "needs a reference image"));
    g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 1);
  }
  {
    /* the fake refuses a reference that was never uploaded, and a PUT
     * without the signed header */
    g_autofree char *url = fixture_url (f, "HEYAI_HIGGSFIELD_BASE_URL");
    g_autoptr(HeyaiHttp) http = heyai_http_new (url, "Higgsfield");
    g_autoptr(HeyaiHttpRequest) submit = heyai_http_request_new ("POST", "/higgsfield-ai/soul/reference");
    g_autoptr(HeyaiHttpRequest) ask = heyai_http_request_new ("POST", "/files/generate-upload-url");
    g_autoptr(HeyaiHttpRequest) put = NULL;
    g_autoptr(GAsyncResult) r1 = NULL;
    g_autoptr(GAsyncResult) r2 = NULL;
    g_autoptr(GAsyncResult) r3 = NULL;
    g_autoptr(HeyaiHttpResponse) refused = NULL;
    g_autoptr(HeyaiHttpResponse) asked = NULL;
    g_autoptr(HeyaiHttpResponse) unsigned_put = NULL;
    g_autoptr(GBytes) bytes = g_bytes_new_static ("\x89PNG\r\n\x1a\n", 8);
    g_autoptr(JsonNode) body = json_from_string ("{\"prompt\":\"p\",\"image_reference_url\":\"https://example.com/x.png\"}", NULL);
    g_autoptr(JsonNode) type = json_from_string ("{\"content_type\":\"image/png\"}", NULL);

    fixture_tune_http (f, http);
    heyai_http_request_set_header (submit, "Authorization", "Key " KEY);
    heyai_http_request_set_flags (submit, HEYAI_HTTP_REQUEST_ANY_STATUS | HEYAI_HTTP_REQUEST_NO_RETRY);
    heyai_http_request_set_json (submit, body);
    heyai_http_send_async (http, submit, NULL, store_result, &r1);
    wait_result (&r1, 10);
    refused = heyai_http_send_finish (http, r1, NULL);
    g_assert_nonnull (refused);
    g_assert_cmpuint (heyai_http_response_get_status (refused), ==, 422);

    heyai_http_request_set_header (ask, "Authorization", "Key " KEY);
    heyai_http_request_set_json (ask, type);
    heyai_http_send_async (http, ask, NULL, store_result, &r2);
    wait_result (&r2, 10);
    asked = heyai_http_send_finish (http, r2, NULL);
    g_assert_nonnull (asked);
    put = heyai_http_request_new ("PUT", json_object_get_string_member (heyai_http_response_get_object (asked, NULL),
                                                                        "upload_url"));
    heyai_http_request_set_body (put, "image/png", bytes);
    heyai_http_request_set_flags (put, HEYAI_HTTP_REQUEST_ANY_STATUS | HEYAI_HTTP_REQUEST_NO_RETRY);
    heyai_http_send_async (http, put, NULL, store_result, &r3);
    wait_result (&r3, 10);
    unsigned_put = heyai_http_send_finish (http, r3, NULL);
    g_assert_nonnull (unsigned_put);
    g_assert_cmpuint (heyai_http_response_get_status (unsigned_put), ==, 403);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.uploads"), ==, 1);
  }
}

int
main (int argc, char **argv)
{
  clients_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/clients/higgsfield/" path, Fixture, "higgsfield", fixture_setup, fn, fixture_teardown)
  ADD ("success", test_success);
  ADD ("take-and-jpeg", test_take_and_jpeg);
  ADD ("resume-without-submitting", test_resume_without_submitting);
  ADD ("cancel-while-queued", test_cancel_while_queued);
  ADD ("outcomes", test_outcomes);
  ADD ("final-errors", test_final_errors);
  ADD ("unknown-model", test_unknown_model);
  ADD ("retries", test_retries);
  ADD ("unknown-remote-id", test_unknown_remote_id);
  ADD ("dead-result-link", test_dead_result_link);
  ADD ("garbled-and-slow-answers", test_garbled_and_slow_answers);
  ADD ("poll-budget", test_poll_budget);
  ADD ("lost-submit-answer", test_lost_submit_answer);
  ADD ("submit-not-sent", test_submit_not_sent);
  ADD ("poll-outage", test_poll_outage);
  ADD ("concurrency-cap-submit", test_concurrency_cap_submit);
  ADD ("concurrency-cap", test_concurrency_cap);
  ADD ("blocked-and-credits", test_blocked_and_credits);
  ADD ("junk-still", test_junk_still);
  ADD ("references-not-applied", test_references_not_applied);
  ADD ("reference-model-uploads", test_reference_model_uploads);
#undef ADD

  return g_test_run ();
}
