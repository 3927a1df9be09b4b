/* test-connection.c: "Test connection" (heyai_provider_test_async) for each
 * paid provider against its fake: a cheap authenticated call that says
 * "key accepted", or exactly what is wrong; nothing is billed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "clients-fixture.h"
#include "heyai-llm-openai.h"
#include "heyai-llm-anthropic.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-animator-kling.h"
#include "heyai-llm-offline.h"
#include "heyai-storage-gdrive.h"

#define KLING_ACCESS "fake-kling-access"
#define KLING_SECRET "fake-kling-secret"

static char *
run_test (GObject  *provider,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  heyai_provider_test_async (provider, NULL, store_result, &result);
  wait_result (&result, 20);
  return heyai_provider_test_finish (result, error);
}

static void
expect_accepted (GObject    *provider,
                 const char *label)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = run_test (provider, &error);
  g_autofree char *expected = g_strdup_printf ("%s: key accepted.", label);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

static void
expect_refused (GObject    *provider,
                const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = run_test (provider, &error);

  g_assert_null (text);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_openai (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *url = fixture_url (f, "HEYAI_OPENAI_BASE_URL");
  g_autoptr(HeyaiLlmOpenai) good = heyai_llm_openai_new (url, "sk-fake-openai", NULL);
  g_autoptr(HeyaiLlmOpenai) bad = heyai_llm_openai_new (url, "sk-wrong", NULL);

  fixture_tune_http (f, heyai_llm_openai_get_http (bad));
  expect_accepted (G_OBJECT (good), "The OpenAI-compatible server");
  expect_refused (G_OBJECT (bad), "OPENAI_API_KEY");
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "openai.chat"), ==, 0);
}

static void
test_anthropic (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *url = fixture_url (f, "HEYAI_ANTHROPIC_BASE_URL");
  g_autoptr(HeyaiLlmAnthropic) good = heyai_llm_anthropic_new (url, "sk-ant-fake", NULL);
  g_autoptr(HeyaiLlmAnthropic) bad = heyai_llm_anthropic_new (url, "sk-ant-wrong", NULL);

  expect_accepted (G_OBJECT (good), "Anthropic");
  expect_refused (G_OBJECT (bad), "ANTHROPIC_API_KEY");
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.models"), ==, 2);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 0);
}

static void
test_higgsfield (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *url = fixture_url (f, "HEYAI_HIGGSFIELD_BASE_URL");
  g_autoptr(HeyaiImagerHiggsfield) good = heyai_imager_higgsfield_new (url, "fake-hf-id:fake-hf-secret", NULL);
  g_autoptr(HeyaiImagerHiggsfield) bad = heyai_imager_higgsfield_new (url, "fake-hf-id:wrong", NULL);

  expect_accepted (G_OBJECT (good), "Higgsfield");
  expect_refused (G_OBJECT (bad), "HF_API_KEY");
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "higgsfield.accepted"), ==, 0);   /* nothing billed */
}

static void
test_kling (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *url = fixture_url (f, "HEYAI_KLING_BASE_URL");
  g_autoptr(HeyaiAnimatorKling) good = heyai_animator_kling_new (url, KLING_ACCESS, KLING_SECRET, NULL, NULL);
  g_autoptr(HeyaiAnimatorKling) bad = heyai_animator_kling_new (url, KLING_ACCESS, "wrong-secret-key-xyz", NULL, NULL);

  fixture_tune_http (f, heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (bad)));
  expect_accepted (G_OBJECT (good), "Kling");
  expect_refused (G_OBJECT (bad), "KLING_ACCESS_KEY");
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 0);
}

/* Google Drive: an access token from the stored sign-in (the refresh
 * token); a revoked one is said plainly. */
static void
test_gdrive (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HeyaiStorage) good = NULL;
  g_autoptr(HeyaiStorage) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  heyai_fake_setenv (f->fake);
  good = heyai_storage_gdrive_new (f->tmp);
  text = run_test (G_OBJECT (good), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Google Drive: connected, access granted.");
  g_clear_pointer (&text, g_free);

  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "1//not-a-token-google-issued", TRUE);
  bad = heyai_storage_gdrive_new (f->tmp);
  text = run_test (G_OBJECT (bad), &error);
  g_assert_null (text);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "Google Drive"));
  g_unsetenv ("HEYAI_DRIVE_REFRESH_TOKEN");
}

static void
test_offline (void)
{
  g_autoptr(HeyaiLlm) offline = heyai_llm_offline_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = run_test (G_OBJECT (offline), &error);

  g_assert_no_error (error);
  g_assert_null (text);
}

int
main (int argc, char **argv)
{
  clients_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/clients/test-connection/" path, Fixture, "all", fixture_setup, fn, fixture_teardown)
  ADD ("openai", test_openai);
  ADD ("anthropic", test_anthropic);
  ADD ("higgsfield", test_higgsfield);
  ADD ("kling", test_kling);
  ADD ("gdrive", test_gdrive);
  g_test_add_func ("/clients/test-connection/offline", test_offline);
#undef ADD

  return g_test_run ();
}
