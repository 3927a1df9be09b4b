/* test-openai.c: the OpenAI / OpenAI-compatible client against its fake.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "clients-fixture.h"
#include "heyai-llm-openai.h"
#include "heyai-llm-schema.h"

#define KEY "sk-fake-openai"
#define SCRIPT "A stone island in the fog.\n\nMarta climbs the spiral stairs.\n\nThe lighthouse lights up by itself."

static HeyaiLlmOpenai *
make_client (Fixture    *f,
             const char *key)
{
  g_autofree char *url = fixture_url (f, "HEYAI_OPENAI_BASE_URL");
  HeyaiLlmOpenai *llm = heyai_llm_openai_new (url, key, "gpt-4o-mini");

  fixture_tune_http (f, heyai_llm_openai_get_http (llm));
  return llm;
}

static GPtrArray *
split (Fixture  *f,
       HeyaiLlmOpenai *llm,
       GError  **error)
{
  g_autoptr(HeyaiProject) project = make_project (SCRIPT);
  g_autoptr(GAsyncResult) result = NULL;

  heyai_llm_split_async (HEYAI_LLM (llm), project, NULL, store_result, &result);
  wait_result (&result, 30);
  return heyai_llm_split_finish (HEYAI_LLM (llm), result, error);
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
test_success (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autofree char *log = NULL;
  HeyaiScene *scene;

  g_assert_false (heyai_llm_openai_is_official (llm));
  capture_start ();
  scenes = split (f, llm, &error);
  log = capture_stop ();

  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  for (guint i = 0; i < scenes->len; i++)
    {
      scene = g_ptr_array_index (scenes, i);
      g_assert_cmpint (heyai_scene_get_position (scene), ==, (int) i + 1);
      g_assert_true (heyai_scene_get_duration (scene) == 5 || heyai_scene_get_duration (scene) == 10);
      g_assert_cmpstr (heyai_scene_get_project_id (scene), ==, "11111111-2222-3333-4444-555555555555");
    }
  scene = g_ptr_array_index (scenes, 1);
  g_assert_nonnull (strstr (heyai_scene_get_description (scene), "Marta climbs"));
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_STATIC);

  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 1);
  /* A non-OpenAI base URL gets max_tokens, never both. */
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.max_tokens"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.max_completion_tokens"), ==, 0);

  /* The request was logged, the key was not. */
  g_assert_nonnull (strstr (log, "chat/completions"));
  g_assert_nonnull (strstr (log, "[REDACTED]"));
  g_assert_null (strstr (log, KEY));
}

static void
test_official_host (void)
{
  g_autoptr(HeyaiLlmOpenai) official = heyai_llm_openai_new ("https://api.openai.com/v1", "k", NULL);
  g_autoptr(HeyaiLlmOpenai) local = heyai_llm_openai_new ("http://localhost:11434/v1", "", NULL);

  g_assert_true (heyai_llm_openai_is_official (official));
  g_assert_false (heyai_llm_openai_is_official (local));
  g_assert_cmpstr (heyai_llm_get_name (HEYAI_LLM (official)), ==, "openai");
}

static void
test_token_field_override (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(HeyaiLlmOpenai) official = heyai_llm_openai_new ("https://api.openai.com/v1", "k", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  g_assert_cmpstr (heyai_llm_openai_get_token_field (official), ==, "max_completion_tokens");
  g_assert_cmpstr (heyai_llm_openai_get_token_field (llm), ==, "max_tokens");

  heyai_llm_openai_set_token_field (llm, "max_completion_tokens");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.max_completion_tokens"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.max_tokens"), ==, 0);
}

static void
test_no_key_local_server (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, "");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  /* Like Ollama: no key needed. */
  heyai_fake_set_option (f->fake, "openai.api-key", "*");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
}

static void
test_missing_key_is_rejected (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, "");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
}

static void
test_bad_key (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, "sk-wrong");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = split (f, llm, &error);

  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 1);
}

static void
test_rate_limit_then_success (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.chat:rate-limit:2");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 3);
  /* retry-after-ms (20 ms) wins over retry-after (1 s). */
  g_assert_cmpuint (f->delays->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (f->delays, double, 0), 0.020, 0.005);
}

static void
test_quota_is_final (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.chat:quota:5");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 1);
}

static void
test_server_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.chat:http-500:1");
  add_fault (f, "openai.chat:http-503:1");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 3);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  /* Retries run out: a retryable error. */
  add_fault (f, "openai.chat:http-503:20");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
}

static void
test_timeout_then_success (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_http_set_timeout (heyai_llm_openai_get_http (llm), 1);
  add_fault (f, "openai.chat:delay-3000:1");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 2);
}

static void
test_refusal (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.chat:refusal:1");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION);
  g_assert_nonnull (strstr (error->message, "I'm sorry, I can't help with that request."));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 1);
  g_clear_error (&error);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  add_fault (f, "openai.chat:content-filter:1");
  scenes = split (f, llm, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION);
}

static void
test_length (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.chat:length:1");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_true (g_str_has_prefix (error->message, "The script is too long for one reply"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 1);
}

static void
test_repair (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  /* Not JSON, then corrected. */
  add_fault (f, "openai.chat:invalid-json:1");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 2);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.repair"), ==, 1);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  /* JSON that breaks the schema, then corrected. */
  add_fault (f, "openai.chat:bad-scenes:1");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.repair"), ==, 2);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  /* Twice wrong: a clear error, no third request. */
  heyai_fake_reset_counters (f->fake);
  add_fault (f, "openai.chat:invalid-json:2");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "second request"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 2);
}

static void
test_too_many_scenes (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_fake_set_option (f->fake, "openai.scenes", "61");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "at most 60"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 2);

  g_clear_error (&error);
  heyai_fake_set_option (f->fake, "openai.scenes", "60");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 60);
}

static void
test_malformed_body (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.chat:malformed:1");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  store_result (source, result, user_data);
}

/* The fake itself: a strict schema that breaks the rules is a 400 on
 * response_format, like OpenAI. */
static void
test_fake_rejects_loose_schema (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *url = fixture_url (f, "HEYAI_OPENAI_BASE_URL");
  g_autoptr(HeyaiHttp) http = heyai_http_new (url, "OpenAI");
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("POST", "/chat/completions");
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = json_from_string (
    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
    "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"strict\":true,"
    "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}}}}",
    NULL);
  JsonObject *err;

  heyai_http_request_set_bearer (request, KEY);
  heyai_http_request_set_json (request, body);
  heyai_http_request_set_flags (request, HEYAI_HTTP_REQUEST_ANY_STATUS);
  heyai_http_send_async (http, request, NULL, sent_cb, &result);
  wait_result (&result, 10);
  response = heyai_http_send_finish (http, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_http_response_get_status (response), ==, 400);
  err = json_object_get_object_member (heyai_http_response_get_object (response, NULL), "error");
  g_assert_cmpstr (json_object_get_string_member (err, "param"), ==, "response_format");
  g_assert_cmpstr (json_object_get_string_member (err, "type"), ==, "invalid_request_error");
}

static void
test_list_models (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  heyai_llm_openai_list_models_async (llm, NULL, store_result, &result);
  wait_result (&result, 10);
  ids = heyai_llm_openai_list_models_finish (llm, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) ids, "gpt-4o-mini"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.models"), ==, 1);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_client (f, KEY);
  g_autoptr(HeyaiProject) project = make_project (SCRIPT);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.chat:delay-2000:1");
  heyai_llm_split_async (HEYAI_LLM (llm), project, cancellable, store_result, &result);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  wait_result (&result, 10);
  scenes = heyai_llm_split_finish (HEYAI_LLM (llm), result, &error);
  g_assert_null (scenes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---------------------------------------------------------------------- */
/* Responses API (contracts C.2)                                           */

static HeyaiLlmOpenai *
make_responses_client (Fixture *f)
{
  g_autofree char *url = fixture_url (f, "HEYAI_OPENAI_BASE_URL");
  HeyaiLlmOpenai *llm = heyai_llm_openai_new (url, KEY, "gpt-5");

  heyai_llm_openai_set_api (llm, HEYAI_LLM_OPENAI_API_RESPONSES);
  fixture_tune_http (f, heyai_llm_openai_get_http (llm));
  return llm;
}

static void
test_default_api (void)
{
  g_autoptr(HeyaiLlmOpenai) official = heyai_llm_openai_new ("https://api.openai.com/v1", "k", NULL);
  g_autoptr(HeyaiLlmOpenai) local = heyai_llm_openai_new ("http://localhost:11434/v1", "", NULL);

  g_assert_cmpint (heyai_llm_openai_get_api (official), ==, HEYAI_LLM_OPENAI_API_RESPONSES);
  g_assert_cmpint (heyai_llm_openai_get_api (local), ==, HEYAI_LLM_OPENAI_API_CHAT);
  g_assert_cmpint (heyai_llm_openai_default_api ("https://api.openai.com/v1", "chat"), ==,
                   HEYAI_LLM_OPENAI_API_CHAT);
  g_assert_cmpint (heyai_llm_openai_default_api ("http://127.0.0.1:8080/v1", "responses"), ==,
                   HEYAI_LLM_OPENAI_API_RESPONSES);
  g_assert_cmpint (heyai_llm_openai_default_api (NULL, NULL), ==, HEYAI_LLM_OPENAI_API_RESPONSES);
  g_assert_cmpint (heyai_llm_openai_default_api ("http://127.0.0.1:8080/v1", "bogus"), ==,
                   HEYAI_LLM_OPENAI_API_CHAT);
}

static void
test_responses_success (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_responses_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_nonnull (strstr (heyai_scene_get_description (g_ptr_array_index (scenes, 1)), "Marta climbs"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.responses"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 0);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.responses.store-false"), ==, 1);

  /* the same model over Chat Completions: no temperature for gpt-5 */
  g_clear_pointer (&scenes, g_ptr_array_unref);
  heyai_llm_openai_set_api (llm, HEYAI_LLM_OPENAI_API_CHAT);
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 1);
}

static void
test_responses_faults (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_responses_client (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "openai.responses:responses-refusal:1");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION);
  g_assert_nonnull (strstr (error->message, "I can't help with that."));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.responses"), ==, 1);   /* not retried */
  g_clear_error (&error);

  /* cut by max_output_tokens: the partial JSON is never used */
  add_fault (f, "openai.responses:responses-incomplete:1");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_true (g_str_has_prefix (error->message, "The script is too long for one reply"));
  g_clear_error (&error);

  add_fault (f, "openai.responses:responses-failed:1");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_assert_nonnull (strstr (error->message, "The model failed to generate a response."));
  g_clear_error (&error);

  /* not JSON, then corrected: the repair turn goes back as input items */
  heyai_fake_reset_counters (f->fake);
  add_fault (f, "openai.responses:responses-invalid-json:1");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.responses"), ==, 2);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "openai.responses.repair"), ==, 1);
}

/* A healthy model that thinks longer than the stall time-out before its
 * first byte (the 90 s answer against libsoup's old 60 s cap, scaled down:
 * 2 s against a 1 s stall) is waited for up to the deadline, once, with no
 * second billed call; a hung one is given up at the deadline. */
static void
test_slow_answer (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiLlmOpenai) llm = make_responses_client (f);
  HeyaiHttp *http = heyai_llm_openai_get_http (llm);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  g_assert_cmpuint (soup_session_get_timeout (heyai_http_get_session (http)), ==, 0);
  heyai_http_set_timeout (http, 6);
  heyai_http_set_stall_timeout (http, 1);
  add_fault (f, "openai.responses:delay-2000:1");
  scenes = split (f, llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.responses"), ==, 1);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  {
    HeyaiRetryPolicy policy;

    heyai_http_get_retry_policy (http, &policy);
    policy.max_attempts = 1;
    heyai_http_set_retry_policy (http, &policy);
  }
  heyai_http_set_timeout (http, 1);
  add_fault (f, "openai.responses:timeout:1");
  scenes = split (f, llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_assert_nonnull (strstr (error->message, "did not answer within 1 second"));
}

static guint
post_status (Fixture    *f,
             const char *path,
             const char *json,
             char      **param)
{
  g_autofree char *url = fixture_url (f, "HEYAI_OPENAI_BASE_URL");
  g_autoptr(HeyaiHttp) http = heyai_http_new (url, "OpenAI");
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("POST", path);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = json_from_string (json, &error);
  JsonObject *root;

  g_assert_no_error (error);
  heyai_http_request_set_bearer (request, KEY);
  heyai_http_request_set_json (request, body);
  heyai_http_request_set_flags (request, HEYAI_HTTP_REQUEST_ANY_STATUS);
  heyai_http_send_async (http, request, NULL, sent_cb, &result);
  wait_result (&result, 10);
  response = heyai_http_send_finish (http, result, &error);
  g_assert_no_error (error);
  root = heyai_http_response_get_object (response, NULL);
  if (param != NULL && root != NULL && json_object_has_member (root, "error"))
    *param = g_strdup (heyai_json_object_get_string_or_null (json_object_get_object_member (root, "error"),
                                                             "param"));
  return heyai_http_response_get_status (response);
}

/* The fake refuses what the Responses API refuses (C.2 item 6). */
static void
test_fake_rejects_chat_names (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *p3 = NULL;
  g_autofree char *p4 = NULL;

  g_assert_cmpuint (post_status (f, "/responses",
                                 "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                                 &p1), ==, 400);
  g_assert_cmpstr (p1, ==, "messages");
  g_assert_cmpuint (post_status (f, "/responses",
                                 "{\"model\":\"gpt-5\",\"input\":\"hi\",\"temperature\":0.4}", &p2), ==, 400);
  g_assert_cmpstr (p2, ==, "temperature");
  g_assert_cmpuint (post_status (f, "/responses",
                                 "{\"model\":\"gpt-5\",\"input\":\"hi\",\"response_format\":{\"type\":\"json_object\"}}",
                                 &p3), ==, 400);
  g_assert_cmpstr (p3, ==, "response_format");
  g_assert_cmpuint (post_status (f, "/chat/completions",
                                 "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                                 "\"temperature\":0.2}", &p4), ==, 400);
  g_assert_cmpstr (p4, ==, "temperature");
  g_assert_cmpuint (post_status (f, "/responses", "{\"model\":\"gpt-5\",\"input\":\"hi\",\"store\":false}", NULL),
                    ==, 200);
}

int
main (int argc, char **argv)
{
  clients_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/clients/openai/" path, Fixture, "openai", fixture_setup, fn, fixture_teardown)
  ADD ("success", test_success);
  g_test_add_func ("/clients/openai/official-host", test_official_host);
  ADD ("token-field-override", test_token_field_override);
  ADD ("no-key-local-server", test_no_key_local_server);
  ADD ("missing-key-rejected", test_missing_key_is_rejected);
  ADD ("bad-key", test_bad_key);
  ADD ("rate-limit-then-success", test_rate_limit_then_success);
  ADD ("quota-is-final", test_quota_is_final);
  ADD ("server-errors", test_server_errors);
  ADD ("timeout-then-success", test_timeout_then_success);
  ADD ("refusal", test_refusal);
  ADD ("length", test_length);
  ADD ("repair", test_repair);
  ADD ("too-many-scenes", test_too_many_scenes);
  ADD ("malformed-body", test_malformed_body);
  ADD ("fake-rejects-loose-schema", test_fake_rejects_loose_schema);
  ADD ("list-models", test_list_models);
  ADD ("cancel", test_cancel);
  g_test_add_func ("/clients/openai/default-api", test_default_api);
  ADD ("responses-success", test_responses_success);
  ADD ("responses-faults", test_responses_faults);
  ADD ("fake-rejects-chat-names", test_fake_rejects_chat_names);
  ADD ("slow-answer", test_slow_answer);
#undef ADD

  return g_test_run ();
}
