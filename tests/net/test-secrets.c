/* test-secrets.c: environment precedence, missing-credential messages and
 * a keyring round trip on libsecret's file backend (no D-Bus).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-secrets.h"
#include "heyai-oauth.h"
#include "heyai-provider-descriptors.h"
#include "heyai-fake.h"

static char *tmpdir;

typedef struct
{
  int     done;
  char   *value;
  gboolean ok;
  GError *error;
} Result;

static void
get_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_secrets_get_finish (result, &r->error);
  r->done = 1;
}

static void
lookup_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_secrets_lookup_finish (result, &r->error);
  r->done = 1;
}

static void
store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = heyai_secrets_store_finish (result, &r->error);
  r->done = 1;
}

static void
clear_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = heyai_secrets_clear_finish (result, &r->error);
  r->done = 1;
}

static void
reset (Result *r)
{
  g_clear_pointer (&r->value, g_free);
  g_clear_error (&r->error);
  r->done = 0;
  r->ok = FALSE;
}

static void
store (const HeyaiSecretSpec *service, const char *secret)
{
  Result r = { 0, };

  heyai_secrets_store_async (service, secret, NULL, store_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
}

static char *
get (const HeyaiSecretSpec *service, GError **error)
{
  Result r = { 0, };

  heyai_secrets_get_async (service, NULL, get_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.value;
}

static void
clear_env (void)
{
  const char *vars[] = { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_API_KEY", "HF_API_SECRET",
                         "HF_CREDENTIALS", "HF_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY",
                         "HEYAI_GOOGLE_CLIENT_ID", "HEYAI_GOOGLE_CLIENT_SECRET",
                         "HEYAI_DRIVE_REFRESH_TOKEN" };

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    g_unsetenv (vars[i]);
}

static void
test_env_precedence (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *v1 = NULL;
  g_autofree char *v2 = NULL;
  g_autofree char *v3 = NULL;
  Result r = { 0, };

  clear_env ();
  store (HEYAI_SECRET_OPENAI, "sk-from-keyring");

  g_setenv ("OPENAI_API_KEY", "sk-from-env", TRUE);
  v1 = get (HEYAI_SECRET_OPENAI, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (v1, ==, "sk-from-env");

  g_setenv ("OPENAI_API_KEY", "", TRUE);   /* empty counts as unset */
  v2 = get (HEYAI_SECRET_OPENAI, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (v2, ==, "sk-from-keyring");
  g_unsetenv ("OPENAI_API_KEY");

  heyai_secrets_clear_async (HEYAI_SECRET_OPENAI, NULL, clear_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  reset (&r);

  v3 = get (HEYAI_SECRET_OPENAI, &error);
  g_assert_null (v3);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_cmpstr (error->message, ==,
                   "No OpenAI API key. Set OPENAI_API_KEY or add the key in Preferences → Providers.");

  /* clearing twice is fine */
  heyai_secrets_clear_async (HEYAI_SECRET_OPENAI, NULL, clear_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  reset (&r);
}

static void
test_round_trip (void)
{
  const char *weird = "k3y with spaces, ünïcödé and \"quotes\" : x";
  Result r = { 0, };

  clear_env ();
  heyai_secrets_lookup_async (HEYAI_SECRET_ANTHROPIC, NULL, lookup_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  g_assert_null (r.value);
  reset (&r);

  store (HEYAI_SECRET_ANTHROPIC, weird);
  store (HEYAI_SECRET_KLING_SECRET, "other");
  heyai_secrets_lookup_async (HEYAI_SECRET_ANTHROPIC, NULL, lookup_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.value, ==, weird);
  reset (&r);

  /* replacing keeps one item */
  store (HEYAI_SECRET_ANTHROPIC, "second");
  heyai_secrets_lookup_async (HEYAI_SECRET_ANTHROPIC, NULL, lookup_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_cmpstr (r.value, ==, "second");
  reset (&r);

  heyai_secrets_lookup_async (HEYAI_SECRET_KLING_SECRET, NULL, lookup_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_cmpstr (r.value, ==, "other");
  reset (&r);
}

static void
test_higgsfield_pairs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *secret = NULL;
  char *v;

  clear_env ();
  g_setenv ("HF_CREDENTIALS", "id1:sec1", TRUE);
  v = heyai_secrets_dup_from_env (HEYAI_SECRET_HIGGSFIELD);
  g_assert_cmpstr (v, ==, "id1:sec1");
  g_free (v);
  /* What Preferences says sets each half. */
  g_assert_cmpstr (heyai_secrets_env_source (HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST), ==, "HF_CREDENTIALS");
  g_assert_cmpstr (heyai_secrets_env_source (HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND), ==, "HF_CREDENTIALS");

  g_setenv ("HF_API_KEY", "id2", TRUE);
  g_setenv ("HF_API_SECRET", "sec2", TRUE);
  v = heyai_secrets_dup_from_env (HEYAI_SECRET_HIGGSFIELD);
  g_assert_cmpstr (v, ==, "id2:sec2");
  g_free (v);
  g_assert_cmpstr (heyai_secrets_env_source (HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST), ==, "HF_API_KEY");
  g_assert_cmpstr (heyai_secrets_env_source (HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND), ==, "HF_API_SECRET");

  g_unsetenv ("HF_API_SECRET");
  g_setenv ("HF_CREDENTIALS", "no-colon", TRUE);
  g_assert_null (heyai_secrets_dup_from_env (HEYAI_SECRET_HIGGSFIELD));
  g_assert_null (heyai_secrets_env_source (HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST));
  v = get (HEYAI_SECRET_HIGGSFIELD, &error);
  g_assert_null (v);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "HF_API_KEY"));
  g_assert_nonnull (strstr (error->message, "HF_CREDENTIALS"));

  g_assert_true (heyai_secrets_split_pair ("a:b:c", &key, &secret));
  g_assert_cmpstr (key, ==, "a");
  g_assert_cmpstr (secret, ==, "b:c");
  g_assert_false (heyai_secrets_split_pair (":x", NULL, NULL));
  g_assert_false (heyai_secrets_split_pair ("x:", NULL, NULL));
  clear_env ();
}

static void
test_messages (void)
{
  const HeyaiSecretSpec *services[] = { HEYAI_SECRET_OPENAI, HEYAI_SECRET_ANTHROPIC, HEYAI_SECRET_HIGGSFIELD,
                             HEYAI_SECRET_KLING_ACCESS, HEYAI_SECRET_KLING_SECRET,
                             HEYAI_SECRET_GOOGLE_CLIENT_ID, HEYAI_SECRET_GOOGLE_REFRESH_TOKEN };
  const char *vars[] = { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_API_KEY", "KLING_ACCESS_KEY",
                         "KLING_SECRET_KEY", "HEYAI_GOOGLE_CLIENT_ID", "HEYAI_DRIVE_REFRESH_TOKEN" };

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_autoptr(GError) error = NULL;

      heyai_secrets_set_missing_error (&error, services[i]);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
      g_assert_nonnull (strstr (error->message, vars[i]));
      g_assert_nonnull (strstr (error->message, "Preferences"));
    }
}

/* libsecret's file backend writes the keyring with GIO's async file API,
 * whose completion path in GLib 2.74 leaks a 28-byte string per write (the
 * stack holds only GIO frames from the main loop, nothing of ours).  Under
 * ASan, ignore leaks that come from inside GIO in this program only; the
 * other net tests keep the full check. */
const char *__lsan_default_suppressions (void);
const char *__asan_default_options (void);

/* GLib is built without frame pointers: without the slow unwinder the
 * stacks stop at g_malloc and the suppression below could not match. */
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:libgio-2.0.so.0\n";
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *keyring = NULL;
  int ret;

  tmpdir = g_dir_make_tmp ("heyai-secrets-XXXXXX", NULL);
  keyring = g_build_filename (tmpdir, "test.keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  g_setenv ("HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.Secret", TRUE);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net/secrets/env-precedence", test_env_precedence);
  g_test_add_func ("/net/secrets/round-trip", test_round_trip);
  g_test_add_func ("/net/secrets/higgsfield-pairs", test_higgsfield_pairs);
  g_test_add_func ("/net/secrets/messages", test_messages);
  ret = g_test_run ();

  g_unlink (keyring);
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
