/* test-kling.c: the Kling animator against its fake.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "clients-fixture.h"
#include "heyai-animator-kling.h"
#include "heyai-jwt.h"

#define AK "fake-kling-access"
#define SK "fake-kling-secret"

static HeyaiAnimatorKling *
make_client_full (Fixture    *f,
                  const char *sk,
                  const char *model,
                  const char *mode)
{
  g_autofree char *url = fixture_url (f, "HEYAI_KLING_BASE_URL");
  HeyaiAnimatorKling *kling = heyai_animator_kling_new (url, AK, sk, model, mode);

  fixture_tune_http (f, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (kling)));
  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (kling), 5);
  return kling;
}

static HeyaiAnimatorKling *
make_client (Fixture *f)
{
  return make_client_full (f, SK, "kling-v1-6", "std");
}

static char *
still_path (void)
{
  return g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data", "still.png", NULL);
}

static char *
clip_source (int seconds)
{
  g_autofree char *name = g_strdup_printf ("clip-%ds.mp4", seconds);

  return g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data", name, NULL);
}

static HeyaiGenResult *
animate (Fixture             *f,
         HeyaiAnimatorKling  *kling,
         HeyaiScene          *scene,
         HeyaiJob            *job,
         const char          *still,
         GError             **error)
{
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *default_still = still_path ();

  heyai_animator_animate_for_job_async (HEYAI_ANIMATOR (kling), project, scene, job,
                                still != NULL ? still : default_still, f->tmp, NULL,
                                store_result, &result);
  wait_result (&result, 30);
  return heyai_animator_animate_finish (HEYAI_ANIMATOR (kling), result, error);
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
assert_same_file (const char *a,
                  const char *b)
{
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;
  gsize la = 0, lb = 0;

  g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
  g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));
  g_assert_cmpmem (ca, la, cb, lb);
}

typedef struct
{
  Fixture *f;
  guint    before_poll;
} Watch;

static void
remote_id_cb (HeyaiJob   *job,
              GParamSpec *pspec,
              gpointer    user_data)
{
  Watch *watch = user_data;

  if (heyai_fake_get_count (watch->f->fake, "kling.query") == 0)
    watch->before_poll++;
}

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (2, "p", "Fog rolls over the rocks", 5, HEYAI_CAMERA_PUSH_IN);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 2, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *expected = g_build_filename (f->tmp, "scene-02-animated.mp4", NULL);
  g_autofree char *source = clip_source (5);
  g_autofree char *log = NULL;
  Watch watch = { f, 0 };

  g_signal_connect (job, "notify::remote-id", G_CALLBACK (remote_id_cb), &watch);
  capture_start ();
  gen = animate (f, kling, scene, job, NULL, &error);
  log = capture_stop ();
  g_assert_no_error (error);
  g_assert_cmpstr (gen->path, ==, expected);
  assert_same_file (gen->path, source);
  g_assert_cmpstr (gen->provider, ==, "kling");
  g_assert_cmpstr (gen->model, ==, "kling-v1-6");
  g_assert_cmpstr (gen->request_id, ==, heyai_job_get_remote_id (job));
  g_assert_nonnull (strstr (gen->params, "Camera: slow push-in."));
  g_assert_cmpfloat (gen->cost, ==, HEYAI_KLING_PRICE_STD_5);
  g_assert_cmpuint (watch.before_poll, ==, 1);
  g_assert_true (g_str_has_prefix (heyai_job_get_idempotency_key (job), "heyai-"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.query"), ==, 3);
  /* The CDN got no token. */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.cdn"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.cdn.authorized"), ==, 0);

  /* Redaction: no JWT and no secret in the debug log. */
  g_assert_nonnull (strstr (log, "image2video"));
  g_assert_nonnull (strstr (log, "[REDACTED]"));
  g_assert_null (strstr (log, "eyJhbGciOi"));
  g_assert_null (strstr (log, SK));
}

static void
test_prices (void)
{
  g_assert_cmpfloat (heyai_kling_price ("std", 5), ==, 0.14);
  g_assert_cmpfloat (heyai_kling_price ("std", 10), ==, 0.28);
  g_assert_cmpfloat (heyai_kling_price ("pro", 5), ==, 0.49);
  g_assert_cmpfloat (heyai_kling_price ("pro", 10), ==, 0.98);
  g_assert_true (heyai_kling_supports_camera_control ("kling-v1-5", "pro", 5));
  g_assert_false (heyai_kling_supports_camera_control ("kling-v1-5", "pro", 10));
  g_assert_false (heyai_kling_supports_camera_control ("kling-v1-5", "std", 5));
  g_assert_false (heyai_kling_supports_camera_control ("kling-v2-6", "pro", 5));
}

static void
test_camera_control_and_ten_seconds (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client_full (f, SK, "kling-v1-5", "pro");
  g_autoptr(HeyaiScene) five = make_scene (1, "p", "Waves", 5, HEYAI_CAMERA_TILT_UP);
  g_autoptr(HeyaiScene) ten = make_scene (1, "p", "Waves", 10, HEYAI_CAMERA_PAN_LEFT);
  g_autoptr(HeyaiJob) job1 = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(HeyaiJob) job2 = make_job (HEYAI_JOB_KIND_CLIP, 1, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen1 = NULL;
  g_autoptr(HeyaiGenResult) gen2 = NULL;
  g_autofree char *expected = g_build_filename (f->tmp, "scene-01-take-2-animated.mp4", NULL);
  g_autofree char *source = clip_source (10);

  /* The fake refuses camera_control where the capability map says no and
   * checks "exactly one non-zero" where it says yes: both succeed. */
  gen1 = animate (f, kling, five, job1, NULL, &error);
  g_assert_no_error (error);
  gen2 = animate (f, kling, ten, job2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gen2->path, ==, expected);
  assert_same_file (gen2->path, source);
  g_assert_cmpfloat (gen2->cost, ==, 0.98);
  g_assert_cmpfloat (heyai_animator_estimate_cost (HEYAI_ANIMATOR (kling), ten), ==, 0.98);
}

static void
test_resume_with_remote_id (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiAnimatorKling) restarted = NULL;
  g_autoptr(HeyaiScene) scene = make_scene (3, "p", "Rain", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 3, 1);
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *still = still_path ();

  heyai_fake_set_option (f->fake, "kling.polls", "5");
  heyai_animator_animate_for_job_async (HEYAI_ANIMATOR (kling), project, scene, job, still, f->tmp,
                                cancellable, store_result, &result);
  while (heyai_fake_get_count (f->fake, "kling.query") < 2)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);   /* the app quits */
  wait_result (&result, 10);
  gen = heyai_animator_animate_finish (HEYAI_ANIMATOR (kling), result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (heyai_job_get_remote_id (job));
  g_clear_error (&error);

  restarted = make_client (f);
  gen = animate (f, restarted, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);
}

static void
test_lost_answer_recovered (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "Lightning", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  heyai_fake_set_option (f->fake, "kling.drop-after-accept", "1");
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);
  /* The answer really was dropped, and the task found again. */
  g_assert_cmpstr (heyai_fake_get_option (f->fake, "kling.drop-after-accept"), ==, "0");
  g_assert_nonnull (heyai_job_get_remote_id (job));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.query"), >=, 1);
}

static void
raw_sent_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  store_result (source, result, user_data);
}

/* A raw request to the fake (not through the client). */
static HeyaiHttpResponse *
raw_request (Fixture    *f,
             const char *method,
             const char *path,
             const char *json)
{
  g_autofree char *url = fixture_url (f, "HEYAI_KLING_BASE_URL");
  g_autoptr(HeyaiHttp) http = heyai_http_new (url, "Kling");
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new (method, path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jwt = heyai_jwt_mint_hs256 (AK, SK, 0, 1800);
  HeyaiHttpResponse *response;

  heyai_http_request_set_bearer (request, jwt);
  if (json != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (json, &error);

      g_assert_no_error (error);
      heyai_http_request_set_json (request, node);
    }
  heyai_http_request_set_flags (request, HEYAI_HTTP_REQUEST_ANY_STATUS | HEYAI_HTTP_REQUEST_NO_RETRY);
  heyai_http_send_async (http, request, NULL, raw_sent_cb, &result);
  wait_result (&result, 10);
  response = heyai_http_send_finish (http, result, &error);
  g_assert_no_error (error);
  return response;
}

static char *
still_base64 (void)
{
  g_autofree char *path = still_path ();
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_base64_encode ((const guchar *) contents, len);
}

static void
test_restart_submitted_without_id (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "Lightning", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(HeyaiJob) fresh = make_job (HEYAI_JOB_KIND_CLIP, 1, 2);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(HeyaiGenResult) gen2 = NULL;
  g_autofree char *b64 = still_base64 ();
  g_autofree char *body = g_strdup_printf ("{\"model_name\":\"kling-v1-6\",\"image\":\"%s\",\"duration\":\"5\","
                                           "\"external_task_id\":\"heyai-crashed-job\"}", b64);

  /* The previous run's request reached Kling; its answer never got stored. */
  response = raw_request (f, "POST", "/v1/videos/image2video", body);
  g_assert_cmpuint (heyai_http_response_get_status (response), ==, 200);
  heyai_job_set_idempotency_key (job, "heyai-crashed-job");
  heyai_job_set_state (job, HEYAI_JOB_STATE_SUBMITTED);

  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);

  /* Submitted, nothing at Kling (the request never left): looked up, then
   * submitted once. */
  heyai_job_set_state (fresh, HEYAI_JOB_STATE_SUBMITTED);
  heyai_job_set_idempotency_key (fresh, "heyai-never-sent");
  gen2 = animate (f, kling, scene, fresh, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 2);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 2);
}

static void
test_duplicate_external_id_adopted (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *b64 = still_base64 ();
  g_autofree char *body = g_strdup_printf ("{\"image\":\"%s\",\"external_task_id\":\"heyai-state-lost\"}", b64);

  /* Kling has the task, but the job's state was never saved as submitted:
   * the create is refused as a duplicate, and the task is adopted. */
  response = raw_request (f, "POST", "/v1/videos/image2video", body);
  g_assert_cmpuint (heyai_http_response_get_status (response), ==, 200);
  heyai_job_set_idempotency_key (job, "heyai-state-lost");
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 2);
}

static void
test_first_attempt_no_lookup (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  /* How the pipeline hands over a new job. */
  heyai_job_set_state (job, HEYAI_JOB_STATE_RUNNING);
  heyai_job_set_attempts (job, 1);
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  /* submitted, processing, succeed: no lookup before the create. */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.query"), ==, 3);
  g_clear_pointer (&gen, heyai_gen_result_free);

  /* The same job in a later attempt without a remote id: looked up first. */
  heyai_fake_reset_counters (f->fake);
  heyai_job_set_remote_id (job, NULL);
  heyai_job_set_attempts (job, 2);
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 0);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.query"), >=, 1);
}

static void
test_unknown_remote_id (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (8, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 8, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  /* A remote id Kling does not know (another account, purged): a clear
   * error, the id is dropped, and the next attempt submits afresh. */
  heyai_job_set_remote_id (job, "7700000000000000999");
  heyai_job_set_attempts (job, 1);
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_null (gen);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "Scene 8: Kling no longer knows this clip's task"));
  g_assert_null (heyai_job_get_remote_id (job));
  g_clear_error (&error);

  heyai_job_set_attempts (job, 2);
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);
}

static void
test_expired_result_url (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (6, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 6, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *dest = NULL;

  heyai_fake_set_option (f->fake, "kling.url-expired", "1");
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_null (gen);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "Scene 6: Kling's link to the clip no longer works"));
  /* No partial file left behind. */
  dest = g_build_filename (f->tmp, "scene-06-animated.mp4", NULL);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

static void
test_business_errors (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  struct { const char *fault; const char *motion; int code; } finals[] = {
    { "kling.create:quota:1", "m", HEYAI_ERROR_QUOTA },
    { NULL, "Gore [moderation]", HEYAI_ERROR_MODERATION },
    { NULL, "A plane [risk]", HEYAI_ERROR_MODERATION },
    { NULL, "A plane [fail]", HEYAI_ERROR_PROVIDER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (finals); i++)
    {
      g_autoptr(HeyaiScene) scene = make_scene (5, "p", finals[i].motion, 5, HEYAI_CAMERA_STATIC);
      g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 5, (int) i + 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiGenResult) gen = NULL;
      guint creates = heyai_fake_get_count (f->fake, "kling.create");

      if (finals[i].fault != NULL)
        add_fault (f, finals[i].fault);
      gen = animate (f, kling, scene, job, NULL, &error);
      g_assert_null (gen);
      g_assert_error (error, HEYAI_ERROR, finals[i].code);
      g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, creates + 1);
      if (i == 3)
        g_assert_nonnull (strstr (error->message, "Image pixel is invalid"));
    }
}

static void
test_retried_codes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  add_fault (f, "kling.create:rate-limit:1");
  add_fault (f, "kling.create:server-error:1");
  add_fault (f, "kling.create:expired-token:1");
  add_fault (f, "kling.query:unavailable:1");
  add_fault (f, "kling.query:backlog:1");
  add_fault (f, "kling.cdn:truncate:1");
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 4);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.cdn"), ==, 2);
  {
    g_autofree char *source = clip_source (5);

    assert_same_file (gen->path, source);
  }
}

static void
test_garbled_and_slow_answers (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  /* An unreadable create answer is looked up, not resent blindly; garbled
   * and slow polls are retried. */
  heyai_http_set_timeout (heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (kling)), 1);
  add_fault (f, "kling.create:malformed:1");
  add_fault (f, "kling.query:malformed:2");
  add_fault (f, "kling.query:delay-3000:1");
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (gen);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);
}

static void
test_concurrency_limit (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiScene) stuck = make_scene (2, "p", "never [stuck]", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(HeyaiJob) stuck_job = make_job (HEYAI_JOB_KIND_CLIP, 2, 1);
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) stuck_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *still = still_path ();

  /* One slot, held by a task that never finishes: the next create gets
   * 429/1303: refused for capacity at once (nothing accepted), for the
   * pipeline to lower its limit and send it again later. */
  heyai_fake_set_option (f->fake, "kling.max-concurrent", "1");
  heyai_animator_animate_for_job_async (HEYAI_ANIMATOR (kling), project, stuck, stuck_job, still, f->tmp,
                                cancellable, store_result, &stuck_result);
  while (heyai_fake_get_count (f->fake, "kling.query") < 1)
    g_main_context_iteration (NULL, TRUE);

  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_null (gen);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CAPACITY);
  g_assert_nonnull (strstr (error->message, "parallel task over resource pack limit"));
  g_assert_null (heyai_job_get_remote_id (job));
  /* Asked once, not hammered: the next attempt is the pipeline's. */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 2);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 1);

  g_cancellable_cancel (cancellable);
  wait_result (&stuck_result, 10);
}

static void
test_token_problems (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) wrong = make_client_full (f, "not-the-secret", "kling-v1-6", "std");
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job1 = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(HeyaiJob) job2 = make_job (HEYAI_JOB_KIND_CLIP, 1, 2);
  g_autoptr(HeyaiJob) job3 = make_job (HEYAI_JOB_KIND_CLIP, 1, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  gen = animate (f, wrong, scene, job1, NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "KLING_SECRET_KEY"));
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.jwt.bad-signature"), ==, 1);
  g_clear_error (&error);

  /* This computer's clock is far ahead of Kling's: nbf in the future. */
  heyai_fake_set_option (f->fake, "kling.clock-offset", "-600");
  gen = animate (f, kling, scene, job2, NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "clock"));
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.jwt.not-yet-valid"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 0);
  g_clear_error (&error);

  /* Kling's clock far ahead: every token looks expired (1004); the client
   * re-mints and retries, then gives up with a clear message. */
  heyai_fake_set_option (f->fake, "kling.clock-offset", "4000");
  gen = animate (f, kling, scene, job3, NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_assert_nonnull (strstr (error->message, "clock"));
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.jwt.expired"), >=, 2);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 0);
}

static void
test_static_api_key (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *url = fixture_url (f, "HEYAI_KLING_BASE_URL");
  g_autoptr(HeyaiAnimatorKling) kling = heyai_animator_kling_new_with_api_key (url, "static-kling-key", NULL, NULL);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;

  fixture_tune_http (f, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (kling)));
  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (kling), 5);
  heyai_fake_set_option (f->fake, "kling.api-key", "static-kling-key");
  gen = animate (f, kling, scene, job, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gen->model, ==, HEYAI_KLING_DEFAULT_MODEL);
}

static cairo_status_t
png_write (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void
test_invalid_stills (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job1 = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
  g_autoptr(HeyaiJob) job2 = make_job (HEYAI_JOB_KIND_CLIP, 1, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autofree char *tiny = g_build_filename (f->tmp, "tiny.png", NULL);
  g_autofree char *text = g_build_filename (f->tmp, "still.txt", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 120);
  FILE *out = fopen (tiny, "wb");

  g_assert_nonnull (out);
  cairo_surface_write_to_png_stream (surface, png_write, out);
  fclose (out);
  cairo_surface_destroy (surface);

  /* Too small for Kling (which answers 1201 "Image pixel is invalid"): a
   * copy scaled up to 300 px goes instead, the original is untouched and
   * no converted copy is left behind (C.4 item 15). */
  {
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    gsize before_len = 0, after_len = 0;

    g_assert_true (g_file_get_contents (tiny, &before, &before_len, NULL));
    gen = animate (f, kling, scene, job1, tiny, &error);
    g_assert_no_error (error);
    g_assert_nonnull (gen);
    g_clear_pointer (&gen, heyai_gen_result_free);
    g_assert_true (g_file_get_contents (tiny, &after, &after_len, NULL));
    g_assert_cmpmem (before, before_len, after, after_len);
    {
      g_autoptr(GDir) dir = g_dir_open (f->tmp, 0, NULL);
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        g_assert_null (strstr (name, ".fit-"));
    }
  }

  /* Not an image: refused before any request. */
  g_assert_true (g_file_set_contents (text, "hello", -1, NULL));
  gen = animate (f, kling, scene, job2, text, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 1);
}

/* The fake's own validation: data: prefix, integer duration, duplicate
 * external id, camera_control outside the capability map. */
static void
test_fake_validation (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *b64 = still_base64 ();
  struct { const char *body_format; const char *fragment; } cases[] = {
    { "{\"image\":\"data:image/png;base64,IMG\"}", "data: URI" },
    { "{\"image\":\"IMG\",\"duration\":5}", "duration" },
    { "{\"image\":\"IMG\",\"mode\":\"standard\"}", "mode" },
    { "{\"image\":\"IMG\",\"model_name\":\"kling-v9\"}", "model_name" },
    { "{\"image\":\"IMG\",\"model_name\":\"kling-v1-6\",\"camera_control\":{\"type\":\"simple\","
      "\"config\":{\"horizontal\":0,\"vertical\":0,\"pan\":0,\"tilt\":0,\"roll\":0,\"zoom\":5}}}", "not supported" },
    { "{\"image\":\"IMG\",\"model_name\":\"kling-v1-5\",\"mode\":\"pro\",\"camera_control\":{\"type\":\"simple\","
      "\"config\":{\"horizontal\":1,\"vertical\":0,\"pan\":0,\"tilt\":0,\"roll\":0,\"zoom\":5}}}", "exactly one" },
    { "{\"image\":\"IMG!\"}", "base64" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) body = g_string_new (cases[i].body_format);
      g_autoptr(HeyaiHttpResponse) response = NULL;
      JsonObject *root;

      g_string_replace (body, "IMG", b64, 1);
      response = raw_request (f, "POST", "/v1/videos/image2video", body->str);
      root = heyai_http_response_get_object (response, NULL);
      g_assert_cmpuint (heyai_http_response_get_status (response), ==, 400);
      g_assert_cmpint (json_object_get_int_member (root, "code"), ==, 1201);
      if (strstr (json_object_get_string_member (root, "message"), cases[i].fragment) == NULL)
        g_error ("case %u: %s", i, json_object_get_string_member (root, "message"));
    }

  {
    g_autofree char *body = g_strdup_printf ("{\"image\":\"%s\",\"external_task_id\":\"dup\"}", b64);
    g_autoptr(HeyaiHttpResponse) first = raw_request (f, "POST", "/v1/videos/image2video", body);
    g_autoptr(HeyaiHttpResponse) second = raw_request (f, "POST", "/v1/videos/image2video", body);
    g_autoptr(HeyaiHttpResponse) unknown = raw_request (f, "GET", "/v1/videos/image2video/nope", NULL);
    g_autoptr(HeyaiHttpResponse) list = raw_request (f, "GET", "/v1/videos/image2video?pageNum=1&pageSize=30", NULL);

    g_assert_cmpuint (heyai_http_response_get_status (first), ==, 200);
    g_assert_cmpuint (heyai_http_response_get_status (second), ==, 400);
    g_assert_cmpuint (heyai_http_response_get_status (unknown), ==, 404);
    g_assert_cmpint (json_object_get_int_member (heyai_http_response_get_object (unknown, NULL), "code"), ==, 1203);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        heyai_http_response_get_object (list, NULL), "data")), ==, 1);
  }
}

/* C.4: the model table (durations and modes per model) and the fractional
 * result duration. */
static void
test_model_table (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) v3 = make_client_full (f, SK, "kling-v3", "4k");
  g_autoptr(HeyaiAnimatorKling) v16_4k = make_client_full (f, SK, "kling-v1-6", "4k");
  g_autoptr(HeyaiScene) scene = make_scene (2, "A lighthouse", "Fog drifts", 7, HEYAI_CAMERA_STATIC);
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 2, 1);
  g_autoptr(HeyaiJob) job2 = make_job (HEYAI_JOB_KIND_CLIP, 2, 2);
  g_autoptr(HeyaiGenResult) gen = NULL;
  g_autoptr(HeyaiGenResult) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(JsonNode) text = json_from_string ("\"5.041\"", NULL);
  g_autoptr(JsonNode) number = json_from_string ("10.5", NULL);
  g_autoptr(JsonNode) junk = json_from_string ("\"5s\"", NULL);

  g_assert_cmpint (heyai_kling_model_duration ("kling-v1-6", 7), ==, 5);
  g_assert_cmpint (heyai_kling_model_duration ("kling-v1-6", 12), ==, 10);
  g_assert_cmpint (heyai_kling_model_duration ("kling-v3", 7), ==, 7);
  g_assert_cmpint (heyai_kling_model_duration ("kling-v3", 2), ==, 3);
  g_assert_cmpint (heyai_kling_model_duration ("kling-v3", 30), ==, 15);
  g_assert_true (heyai_kling_model_has_mode ("kling-v3", "4k"));
  g_assert_false (heyai_kling_model_has_mode ("kling-v1-6", "4k"));
  g_assert_cmpfloat (heyai_kling_model_lookup ("kling-v1-6")->fps, ==, 24.0);
  g_assert_true (heyai_kling_model_lookup ("kling-v1-6")->multi_image);
  g_assert_false (heyai_kling_model_lookup ("kling-v2-1")->cfg_scale);
  g_assert_null (heyai_kling_model_lookup ("kling-v9"));
  g_assert_cmpfloat_with_epsilon (heyai_kling_parse_result_duration (text), 5.041, 1e-9);
  g_assert_cmpfloat_with_epsilon (heyai_kling_parse_result_duration (number), 10.5, 1e-9);
  g_assert_cmpfloat (heyai_kling_parse_result_duration (junk), ==, -1);
  g_assert_cmpfloat (heyai_kling_parse_result_duration (NULL), ==, -1);

  /* kling-v3 takes a 7 s scene as 7 s, in 4k; the fake accepts it and
   * reports a fractional length, which is kept with the take */
  gen = animate (f, v3, scene, job, NULL, &error);
  g_assert_no_error (error);
  params = json_from_string (gen->params, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (params), "duration"), ==, "7");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_node_get_object (params), "result_duration"),
                                  7.041, 1e-9);
  g_assert_cmpfloat_with_epsilon (gen->cost, HEYAI_KLING_PRICE_STD_5 * 7 / 5.0, 1e-9);

  /* a mode the model does not offer: said before any request */
  none = animate (f, v16_4k, scene, job2, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "4k"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 1);
}

/* Safe media (issue 13, point 5): a WebP still and a 12 MB PNG are
 * converted to what Kling takes (the originals kept); a clip that does not
 * play fails the scene and leaves nothing behind. */
static char *
make_webp (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "still.webp", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = g_strdup_printf ("videotestsrc num-buffers=1 ! video/x-raw,width=640,height=360 "
                                           "! webpenc ! filesink location=\"%s\"", path);
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_steal_pointer (&path);
}

static char *
make_big_png (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "big.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 2400, 1800);
  guint32 *pixels = (guint32 *) cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface) / 4;
  GRand *rand = g_rand_new_with_seed (7);

  cairo_surface_flush (surface);
  for (int y = 0; y < 1800; y++)
    for (int x = 0; x < 2400; x++)
      pixels[y * stride + x] = g_rand_int (rand) & 0xffffff;   /* noise: PNG cannot shrink it */
  cairo_surface_mark_dirty (surface);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_rand_free (rand);
  return g_steal_pointer (&path);
}

static void
test_safe_media (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
  g_autoptr(HeyaiScene) scene = make_scene (1, "p", "m", 5, HEYAI_CAMERA_STATIC);
  g_autofree char *webp = make_webp (f->tmp);
  g_autofree char *png = make_big_png (f->tmp);
  g_autofree char *webp_sum = heyai_file_sha256 (webp, NULL, NULL);
  g_autofree char *png_sum = heyai_file_sha256 (png, NULL, NULL);
  const char *stills[] = { webp, png };

  {
    GStatBuf st;

    g_assert_cmpint (g_stat (png, &st), ==, 0);
    g_assert_cmpint (st.st_size, >, 12 * 1000 * 1000);
  }
  for (guint i = 0; i < G_N_ELEMENTS (stills); i++)
    {
      g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, (int) i + 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiGenResult) gen = animate (f, kling, scene, job, stills[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (gen);
    }
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 2);
  /* the originals stay as they were (they are the takes) */
  {
    g_autofree char *a = heyai_file_sha256 (webp, NULL, NULL);
    g_autofree char *b = heyai_file_sha256 (png, NULL, NULL);

    g_assert_cmpstr (a, ==, webp_sum);
    g_assert_cmpstr (b, ==, png_sum);
  }

  /* a 12-byte clip is a failed scene, never a clip */
  {
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 3);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = NULL;
    g_autofree char *clip = g_build_filename (f->tmp, "scene-01-take-3-animated.mp4", NULL);

    heyai_fake_set_option (f->fake, "kling.broken-clip", "1");
    gen = animate (f, kling, scene, job, NULL, &error);
    g_assert_null (gen);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
    g_assert_nonnull (strstr (error->message, "does not play"));
    g_assert_false (g_file_test (clip, G_FILE_TEST_EXISTS));
  }
}

/* -- the reference-bible seam (issue 16): end frame and references ------- */

/* Animates with an end frame and references, reporting into @job. */
static HeyaiGenResult *
animate_extras (Fixture             *f,
                HeyaiAnimatorKling  *kling,
                HeyaiScene          *scene,
                HeyaiJob            *job,
                const char          *end_frame,
                const char * const  *references,
                GError             **error)
{
  g_autoptr(HeyaiProject) project = make_project ("x");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(HeyaiGenReporter) reporter = heyai_gen_reporter_new_for_job (job);
  g_autofree char *still = still_path ();
  HeyaiGenInput input;

  heyai_gen_input_init_from_job (&input, job);
  input.dest_dir = f->tmp;
  input.still_path = still;
  input.end_frame_path = end_frame;
  input.reference_paths = references;
  heyai_animator_animate_async (HEYAI_ANIMATOR (kling), project, scene, &input, reporter, NULL,
                                store_result, &result);
  wait_result (&result, 30);
  return heyai_animator_animate_finish (HEYAI_ANIMATOR (kling), result, error);
}

static gint64
counter_for (Fixture    *f,
             const char *what,
             HeyaiJob   *job)
{
  g_autofree char *key = g_strdup_printf ("kling.%s.%s", what, heyai_job_get_idempotency_key (job));

  return heyai_fake_get_counter (f->fake, key);
}

static char *
data_file (const char *name)
{
  return g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data", name, NULL);
}

/* image_tail goes where the model and mode take it (pro), and is said not
 * applied where they do not (std), never silently dropped. */
static void
test_end_frame (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *tail = data_file ("still.jpg");

  {
    g_autoptr(HeyaiAnimatorKling) kling = make_client_full (f, SK, "kling-v1-6", "pro");
    g_autoptr(HeyaiScene) scene = make_scene (1, "p", "The door closes", 5, HEYAI_CAMERA_PUSH_IN);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = animate_extras (f, kling, scene, job, tail, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (gen);
    g_assert_null (gen->references_note);
    g_assert_cmpint (counter_for (f, "tail", job), ==, 1);
    g_assert_cmpint (counter_for (f, "images", job), ==, 2);
    g_assert_cmpint (counter_for (f, "multi", job), ==, 0);
    /* camera_control and image_tail exclude each other: the move stays in the prompt */
    g_assert_nonnull (strstr (gen->params, "\"image_tail\":true"));
  }
  {
    g_autoptr(HeyaiAnimatorKling) kling = make_client_full (f, SK, "kling-v1-6", "std");
    g_autoptr(HeyaiScene) scene = make_scene (2, "p", "The door closes", 5, HEYAI_CAMERA_STATIC);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 2, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = animate_extras (f, kling, scene, job, tail, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (gen);
    g_assert_nonnull (gen->references_note);
    g_assert_nonnull (strstr (gen->references_note, "End frame not applied"));
    g_assert_nonnull (strstr (gen->references_note, "std"));
    g_assert_cmpint (counter_for (f, "tail", job), ==, 0);
    g_assert_cmpint (counter_for (f, "images", job), ==, 1);
  }
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 2);
}

/* References: kling-v1-6 goes to multi-image2video with the still first
 * and up to 3 references; the rest, and any model without the endpoint,
 * is said in references_note. */
static void
test_references (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *png = data_file ("still.png");
  g_autofree char *jpg = data_file ("still.jpg");
  g_autofree char *junk = g_build_filename (f->tmp, "not-an-image.png", NULL);

  g_assert_true (g_file_set_contents (junk, "not an image", -1, NULL));
  {
    const char *two[] = { jpg, png, NULL };
    g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
    g_autoptr(HeyaiScene) scene = make_scene (1, "p", "Marta looks up", 5, HEYAI_CAMERA_STATIC);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = animate_extras (f, kling, scene, job, NULL, two, &error);

    g_assert_no_error (error);
    g_assert_nonnull (gen);
    g_assert_null (gen->references_note);
    g_assert_cmpint (counter_for (f, "multi", job), ==, 1);
    g_assert_cmpint (counter_for (f, "images", job), ==, 3);
    g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.multi.create"), ==, 1);
    g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.multi.query"), >=, 1);
    g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 0);
    g_assert_true (g_file_test (gen->path, G_FILE_TEST_EXISTS));
  }
  {
    /* five asked, one unreadable: three go (four images, the still first) */
    const char *five[] = { jpg, junk, png, jpg, png, NULL };
    g_autoptr(HeyaiAnimatorKling) kling = make_client (f);
    g_autoptr(HeyaiScene) scene = make_scene (2, "p", "Marta runs", 5, HEYAI_CAMERA_STATIC);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 2, 1);
    g_autoptr(GError) error = NULL;
    g_autofree char *tail = data_file ("still.jpg");
    g_autoptr(HeyaiGenResult) gen = animate_extras (f, kling, scene, job, tail, five, &error);

    g_assert_no_error (error);
    g_assert_nonnull (gen);
    g_assert_cmpint (counter_for (f, "images", job), ==, 4);
    g_assert_cmpint (counter_for (f, "tail", job), ==, 0);
    g_assert_nonnull (gen->references_note);
    g_assert_nonnull (strstr (gen->references_note, "3 of 5"));
    g_assert_nonnull (strstr (gen->references_note, "End frame not applied"));
  }
  {
    /* a model without multi-image2video: text only, said so */
    const char *one[] = { jpg, NULL };
    g_autoptr(HeyaiAnimatorKling) kling = make_client_full (f, SK, "kling-v2-1", "std");
    g_autoptr(HeyaiScene) scene = make_scene (3, "p", "Waves", 5, HEYAI_CAMERA_STATIC);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 3, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiGenResult) gen = animate_extras (f, kling, scene, job, NULL, one, &error);

    g_assert_no_error (error);
    g_assert_nonnull (gen);
    g_assert_cmpint (counter_for (f, "multi", job), ==, 0);
    g_assert_cmpint (counter_for (f, "images", job), ==, 1);
    g_assert_nonnull (gen->references_note);
    g_assert_nonnull (strstr (gen->references_note, "References not applied: text only"));
    g_assert_nonnull (strstr (gen->references_note, "kling-v2-1"));
  }
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.image_list.rejected"), ==, 0);
}

/* The fake refuses what Kling refuses on these endpoints (C.4 items 16-17). */
static void
test_fake_references_validation (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *b64 = still_base64 ();
  struct { const char *path; const char *body_format; const char *fragment; } cases[] = {
    { "/v1/videos/multi-image2video", "{\"model_name\":\"kling-v1-6\",\"image_list\":[]}", "1 to 4" },
    { "/v1/videos/multi-image2video", "{\"model_name\":\"kling-v1-6\",\"image_list\":[{\"image\":\"IMG\"},"
      "{\"image\":\"IMG\"},{\"image\":\"IMG\"},{\"image\":\"IMG\"},{\"image\":\"IMG\"}]}", "1 to 4" },
    { "/v1/videos/multi-image2video", "{\"model_name\":\"kling-v2-1\",\"image_list\":[{\"image\":\"IMG\"}]}",
      "kling-v1-6" },
    { "/v1/videos/multi-image2video", "{\"model_name\":\"kling-v1-6\",\"image_list\":[{\"image\":\"IMG\"}],"
      "\"image_tail\":\"IMG\"}", "image_list only" },
    { "/v1/videos/multi-image2video", "{\"model_name\":\"kling-v1-6\",\"image_list\":[{\"image\":\"IMG\"}],"
      "\"aspect_ratio\":\"4:3\"}", "aspect_ratio" },
    { "/v1/videos/multi-image2video", "{\"model_name\":\"kling-v1-6\",\"image_list\":[{\"image\":\"abc\"}]}",
      "image" },
    { "/v1/videos/image2video", "{\"model_name\":\"kling-v1-6\",\"mode\":\"std\",\"image\":\"IMG\","
      "\"image_tail\":\"IMG\"}", "image_tail" },
    { "/v1/videos/image2video", "{\"model_name\":\"kling-v1\",\"mode\":\"pro\",\"image\":\"IMG\","
      "\"image_tail\":\"IMG\"}", "image_tail" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) body = g_string_new (cases[i].body_format);
      g_autoptr(HeyaiHttpResponse) response = NULL;
      JsonObject *root;

      g_string_replace (body, "IMG", b64, 0);
      response = raw_request (f, "POST", cases[i].path, body->str);
      root = heyai_http_response_get_object (response, NULL);
      g_assert_cmpuint (heyai_http_response_get_status (response), ==, 400);
      g_assert_cmpint (json_object_get_int_member (root, "code"), ==, 1201);
      if (strstr (json_object_get_string_member (root, "message"), cases[i].fragment) == NULL)
        g_error ("case %u: %s", i, json_object_get_string_member (root, "message"));
    }
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.accepted"), ==, 0);

  {
    g_autofree char *body = g_strdup_printf ("{\"model_name\":\"kling-v1-6\",\"image_list\":[{\"image\":\"%s\"},"
                                             "{\"image\":\"%s\"}],\"aspect_ratio\":\"9:16\","
                                             "\"external_task_id\":\"refs-1\"}", b64, b64);
    g_autoptr(HeyaiHttpResponse) created = raw_request (f, "POST", "/v1/videos/multi-image2video", body);
    g_autoptr(HeyaiHttpResponse) query = raw_request (f, "GET", "/v1/videos/multi-image2video/refs-1", NULL);
    g_autoptr(HeyaiHttpResponse) other = raw_request (f, "GET", "/v1/videos/image2video/refs-1", NULL);

    g_assert_cmpuint (heyai_http_response_get_status (created), ==, 200);
    g_assert_cmpuint (heyai_http_response_get_status (query), ==, 200);
    g_assert_cmpuint (heyai_http_response_get_status (other), ==, 404);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.images.refs-1"), ==, 2);
    g_assert_cmpint (heyai_fake_get_counter (f->fake, "kling.multi.refs-1"), ==, 1);
  }
}

int
main (int argc, char **argv)
{
  clients_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/clients/kling/" path, Fixture, "kling", fixture_setup, fn, fixture_teardown)
  ADD ("success", test_success);
  g_test_add_func ("/clients/kling/prices", test_prices);
  ADD ("camera-control-and-ten-seconds", test_camera_control_and_ten_seconds);
  ADD ("resume-with-remote-id", test_resume_with_remote_id);
  ADD ("lost-answer-recovered", test_lost_answer_recovered);
  ADD ("restart-submitted-without-id", test_restart_submitted_without_id);
  ADD ("duplicate-external-id-adopted", test_duplicate_external_id_adopted);
  ADD ("first-attempt-no-lookup", test_first_attempt_no_lookup);
  ADD ("unknown-remote-id", test_unknown_remote_id);
  ADD ("expired-result-url", test_expired_result_url);
  ADD ("business-errors", test_business_errors);
  ADD ("retried-codes", test_retried_codes);
  ADD ("garbled-and-slow-answers", test_garbled_and_slow_answers);
  ADD ("concurrency-limit", test_concurrency_limit);
  ADD ("token-problems", test_token_problems);
  ADD ("static-api-key", test_static_api_key);
  ADD ("invalid-stills", test_invalid_stills);
  ADD ("fake-validation", test_fake_validation);
  ADD ("model-table", test_model_table);
  ADD ("safe-media", test_safe_media);
  ADD ("end-frame", test_end_frame);
  ADD ("references", test_references);
  ADD ("fake-references-validation", test_fake_references_validation);
#undef ADD

  return g_test_run ();
}
