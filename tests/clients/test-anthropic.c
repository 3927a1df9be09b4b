/* test-anthropic.c: the Anthropic Messages client against its fake.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "clients-fixture.h"
#include "heyai-llm-anthropic.h"

#define KEY "sk-ant-fake"
#define SCRIPT "A stone island in the fog.\n\nMarta climbs the spiral stairs.\n\n" \
               "The lighthouse lights up by itself.\n\nLeo steals a boat."

static HeyaiLlmAnthropic *
make_client (Fixture    *f,
             const char *key)
{
  g_autofree char *url = fixture_url (f, "HEYAI_ANTHROPIC_BASE_URL");
  HeyaiLlmAnthropic *llm = heyai_llm_anthropic_new (url, key, "claude-test");

  fixture_tune_http (f, heyai_llm_anthropic_get_http (llm));
  return llm;
}

static GPtrArray *
split (HeyaiLlmAnthropic  *llm,
       GError            **error)
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
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autofree char *log = NULL;

  capture_start ();
  scenes = split (llm, &error);
  log = capture_stop ();
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 4);
  g_assert_nonnull (strstr (heyai_scene_get_description (g_ptr_array_index (scenes, 3)), "Leo steals"));
  g_assert_cmpint (heyai_scene_get_duration (g_ptr_array_index (scenes, 2)), ==, 10);
  g_assert_cmpstr (heyai_llm_get_model (HEYAI_LLM (llm)), ==, "claude-test");
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 1);
  /* native structured output first, no tool */
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "anthropic.output-config"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "anthropic.tool"), ==, 0);
  g_assert_nonnull (strstr (log, "v1/messages"));
  g_assert_nonnull (strstr (log, "[REDACTED]"));
  g_assert_null (strstr (log, KEY));
}

static void
test_bad_key (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, "sk-ant-wrong");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = split (llm, &error);

  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "ANTHROPIC_API_KEY"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 1);
}

static void
test_retryable (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "anthropic.messages:rate-limit:1");
  add_fault (f, "anthropic.messages:overloaded:1");
  add_fault (f, "anthropic.messages:http-500:1");
  scenes = split (llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 4);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 4);
  /* The 429's retry-after: 1 was honoured (asked for 1 s). */
  g_assert_cmpuint (f->delays->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (g_array_index (f->delays, double, 0), 1.0, 0.01);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  add_fault (f, "anthropic.messages:overloaded:20");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_assert_nonnull (strstr (error->message, "overloaded"));
}

static void
test_spend_limit_is_final (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "anthropic.messages:spend-limit:5");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 1);
}

static void
test_refusal_and_max_tokens (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "anthropic.messages:refusal:1");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION);
  g_assert_nonnull (strstr (error->message, "I can't help with this script."));
  g_clear_error (&error);

  add_fault (f, "anthropic.messages:max-tokens:1");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_true (g_str_has_prefix (error->message, "The script is too long for one reply"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 2);
}

static void
test_repair (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  add_fault (f, "anthropic.messages:invalid-input:1");
  scenes = split (llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 4);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 2);
  /* The second request carried a tool_result with the problem. */
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "anthropic.repair"), ==, 1);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  add_fault (f, "anthropic.messages:invalid-input:2");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "duration"));
}

static void
test_timeout_and_malformed (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_http_set_timeout (heyai_llm_anthropic_get_http (llm), 1);
  add_fault (f, "anthropic.messages:delay-3000:1");
  scenes = split (llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 2);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  add_fault (f, "anthropic.messages:malformed:1");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
}

static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_fake_set_option (f->fake, "anthropic.max-body", "1000");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "too large"));
}

/* A server that does not know output_config: one more call with the forced
 * tool, and the tool from then on for that base URL. */
static void
test_output_config_fallback (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(HeyaiLlmAnthropic) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_llm_anthropic_forget_fallbacks ();
  heyai_fake_set_option (f->fake, "anthropic.output-config", "refuse");
  scenes = split (llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 4);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 2);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "anthropic.tool"), ==, 1);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  /* the next client for the same base URL goes straight to the tool */
  second = make_client (f, KEY);
  scenes = split (second, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 3);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "anthropic.tool"), ==, 2);
  heyai_llm_anthropic_forget_fallbacks ();
}

/* "Your credit balance is too low" is a 400: final, no retry, no fallback. */
static void
test_low_credit_is_final (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_llm_anthropic_forget_fallbacks ();
  add_fault (f, "anthropic.messages:low-credit:1");
  scenes = split (llm, &error);
  g_assert_null (scenes);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA);
  g_assert_nonnull (strstr (error->message, "credit balance is too low"));
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 1);
}

/* A native answer that is not JSON: one repair round with the text given back. */
static void
test_native_repair (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiLlmAnthropic) llm = make_client (f, KEY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_llm_anthropic_forget_fallbacks ();
  add_fault (f, "anthropic.messages:invalid-text:1");
  scenes = split (llm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 4);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 2);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "anthropic.repair"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "anthropic.tool"), ==, 0);
}

int
main (int argc, char **argv)
{
  clients_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/clients/anthropic/" path, Fixture, "anthropic", fixture_setup, fn, fixture_teardown)
  ADD ("success", test_success);
  ADD ("bad-key", test_bad_key);
  ADD ("retryable", test_retryable);
  ADD ("spend-limit-is-final", test_spend_limit_is_final);
  ADD ("refusal-and-max-tokens", test_refusal_and_max_tokens);
  ADD ("repair", test_repair);
  ADD ("timeout-and-malformed", test_timeout_and_malformed);
  ADD ("too-large", test_too_large);
  ADD ("output-config-fallback", test_output_config_fallback);
  ADD ("low-credit-is-final", test_low_credit_is_final);
  ADD ("native-repair", test_native_repair);
#undef ADD

  return g_test_run ();
}
