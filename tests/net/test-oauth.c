/* test-oauth.c: the OAuth flow end to end against the fake Google: loopback,
 * PKCE (verified by the fake), state check, refresh on 401, invalid_grant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-drive.h"
#include "heyai-oauth.h"
#include "heyai-secrets.h"
#include "heyai-fake.h"

typedef struct
{
  HeyaiFake   *fake;
  HeyaiOauth  *oauth;
  SoupSession *browser;
  char        *auth_url;
} Fixture;

typedef struct
{
  int       done;
  gboolean  ok;
  char     *value;
  GPtrArray *files;
  GError   *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->value, g_free);
  g_clear_pointer (&r->files, g_ptr_array_unref);
  g_clear_error (&r->error);
  r->done = 0;
  r->ok = FALSE;
}

static void
open_uri (const char *uri,
          gpointer    user_data)
{
  Fixture *fx = user_data;

  g_free (fx->auth_url);
  fx->auth_url = g_strdup (uri);
}

static double
no_delay (HeyaiHttp *http, guint attempt, double seconds, gpointer user_data)
{
  return 0;
}

static void
clear_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = heyai_secrets_clear_finish (result, &r->error);
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

static char *
keyring_lookup (void)
{
  Result r = { 0, };

  heyai_secrets_lookup_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, NULL, lookup_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  return r.value;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Result r = { 0, };

  heyai_secrets_clear_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, NULL, clear_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  result_clear (&r);

  fx->fake = heyai_fake_new ();
  g_assert_true (heyai_fake_install (fx->fake, "google", &error));
  if (data != NULL)
    heyai_fake_set_option (fx->fake, "google.consent", data);
  g_assert_true (heyai_fake_start (fx->fake, 0, &error));
  heyai_fake_setenv (fx->fake);
  g_setenv ("HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_unsetenv ("HEYAI_DRIVE_REFRESH_TOKEN");

  fx->oauth = heyai_oauth_new ();
  heyai_oauth_set_open_uri_func (fx->oauth, open_uri, fx, NULL);
  heyai_http_set_delay_func (heyai_oauth_get_http (fx->oauth), no_delay, NULL, NULL);
  fx->browser = soup_session_new ();
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  soup_session_abort (fx->browser);
  g_clear_object (&fx->browser);
  g_clear_object (&fx->oauth);
  heyai_fake_stop (fx->fake);
  g_clear_object (&fx->fake);
  g_free (fx->auth_url);
  /* let the loopback listeners close */
  for (int i = 0; i < 50; i++)
    {
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

static void
browse_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);

  r->done = 1;
}

/* What the browser does: GET @url, following redirects; returns the final status. */
static guint
browse (Fixture    *fx,
        const char *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Result r = { 0, };

  g_assert_nonnull (msg);
  soup_session_send_and_read_async (fx->browser, msg, G_PRIORITY_DEFAULT, NULL, browse_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  return soup_message_get_status (msg);
}

static void
connect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = heyai_oauth_connect_finish (HEYAI_OAUTH (source), result, &r->error);
  r->done = 1;
}

static void
token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_oauth_get_token_finish (HEYAI_OAUTH (source), result, &r->error);
  r->done = 1;
}

static char *
query_param (const char *url,
             const char *name)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  return g_strdup (g_hash_table_lookup (params, name));
}

static void
test_connect (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *redirect = NULL;
  g_autofree char *challenge_method = NULL;
  g_autofree char *stored = NULL;
  Result r = { 0, }, t = { 0, };

  heyai_oauth_connect_async (fx->oauth, NULL, connect_cb, &r);
  g_assert_true (heyai_fake_spin_until_ptr ((gpointer *) &fx->auth_url, 10));
  g_assert_true (g_str_has_prefix (fx->auth_url, heyai_fake_get_base_url (fx->fake)));
  redirect = query_param (fx->auth_url, "redirect_uri");
  challenge_method = query_param (fx->auth_url, "code_challenge_method");
  g_assert_true (g_str_has_prefix (redirect, "http://127.0.0.1:"));
  g_assert_cmpstr (challenge_method, ==, "S256");

  g_assert_cmpuint (browse (fx, fx->auth_url), ==, 200);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "google.pkce.verified"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "google.token"), ==, 1);

  stored = keyring_lookup ();
  g_assert_nonnull (stored);
  g_assert_true (g_str_has_prefix (stored, "1//fake-"));

  /* the access token from the exchange is used: no new token request */
  heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &t);
  g_assert_true (heyai_fake_spin_until (&t.done, 10));
  g_assert_no_error (t.error);
  g_assert_true (g_str_has_prefix (t.value, "ya29.fake-"));
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "google.token"), ==, 1);
  result_clear (&t);
  result_clear (&r);
}

static void
disconnect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = heyai_oauth_disconnect_finish (HEYAI_OAUTH (source), result, &r->error);
  r->done = 1;
}

static void
test_disconnect (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(HeyaiOauth) other = NULL;
  char *left;
  Result r = { 0, };

  heyai_oauth_connect_async (fx->oauth, NULL, connect_cb, &r);
  g_assert_true (heyai_fake_spin_until_ptr ((gpointer *) &fx->auth_url, 10));
  g_assert_cmpuint (browse (fx, fx->auth_url), ==, 200);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  result_clear (&r);

  heyai_oauth_disconnect_async (fx->oauth, NULL, disconnect_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  result_clear (&r);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "google.revoke"), ==, 1);
  left = keyring_lookup ();
  g_assert_null (left);

  /* nothing left to use */
  heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  result_clear (&r);
}

static void
test_wrong_state (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *redirect = NULL;
  g_autofree char *forged = NULL;
  Result r = { 0, };

  heyai_oauth_connect_async (fx->oauth, NULL, connect_cb, &r);
  g_assert_true (heyai_fake_spin_until_ptr ((gpointer *) &fx->auth_url, 10));
  redirect = query_param (fx->auth_url, "redirect_uri");
  forged = g_strdup_printf ("%s?code=4/0Aforged&state=not-the-state", redirect);

  g_assert_cmpuint (browse (fx, forged), ==, 400);
  g_assert_false (r.done);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "google.token"), ==, 0);

  /* the real redirect still completes the flow */
  g_assert_cmpuint (browse (fx, fx->auth_url), ==, 200);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "google.token"), ==, 1);
  result_clear (&r);
}

static void
test_denied (Fixture       *fx,
             gconstpointer  data)
{
  Result r = { 0, };

  heyai_oauth_connect_async (fx->oauth, NULL, connect_cb, &r);
  g_assert_true (heyai_fake_spin_until_ptr ((gpointer *) &fx->auth_url, 10));
  g_assert_cmpuint (browse (fx, fx->auth_url), ==, 200);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (r.error->message, "not granted"));
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "google.token"), ==, 0);
  result_clear (&r);
}

static void
post_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);

  if (body != NULL)
    r->value = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  r->done = 1;
}

/* The fake itself: it only accepts the verifier whose S256 challenge it saw. */
static void
test_fake_checks_pkce (Fixture       *fx,
                       gconstpointer  data)
{
  g_autofree char *verifier = heyai_oauth_new_code_verifier ();
  g_autofree char *challenge = heyai_oauth_code_challenge (verifier);
  const char *redirect = "http://127.0.0.1:1/";

  for (int round = 0; round < 2; round++)
    {
      g_autofree char *auth = NULL;
      g_autofree char *escaped = g_uri_escape_string (redirect, NULL, FALSE);
      g_autofree char *code = NULL;
      g_autofree char *token_url = heyai_fake_dup_env_url (fx->fake, "HEYAI_GOOGLE_TOKEN_URL");
      g_autofree char *auth_url = heyai_fake_dup_env_url (fx->fake, "HEYAI_GOOGLE_AUTH_URL");
      gsize form_len;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(SoupMessage) post = NULL;
      g_autofree char *form = NULL;
      const char *location;
      Result r = { 0, };

      auth = g_strdup_printf ("%s?client_id=fake-client-id&response_type=code&scope=x&redirect_uri=%s"
                              "&code_challenge=%s&code_challenge_method=S256&state=s",
                              auth_url, escaped, challenge);
      msg = soup_message_new ("GET", auth);
      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      soup_session_send_and_read_async (fx->browser, msg, G_PRIORITY_DEFAULT, NULL, browse_cb, &r);
      g_assert_true (heyai_fake_spin_until (&r.done, 10));
      g_assert_cmpuint (soup_message_get_status (msg), ==, 302);
      location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
      code = query_param (location, "code");
      g_assert_nonnull (code);
      result_clear (&r);

      form = soup_form_encode ("grant_type", "authorization_code", "code", code,
                               "client_id", "fake-client-id", "client_secret", "fake-client-secret",
                               "redirect_uri", redirect,
                               "code_verifier", round == 0 ? "wrong-verifier-wrong-verifier-wrong-verifier-x" : verifier,
                               NULL);
      post = soup_message_new ("POST", token_url);
      form_len = strlen (form);
      {
        g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&form), form_len);

        soup_message_set_request_body_from_bytes (post, "application/x-www-form-urlencoded", body);
      }
      soup_session_send_and_read_async (fx->browser, post, G_PRIORITY_DEFAULT, NULL, post_cb, &r);
      g_assert_true (heyai_fake_spin_until (&r.done, 10));
      if (round == 0)
        {
          g_assert_cmpuint (soup_message_get_status (post), ==, 400);
          g_assert_nonnull (strstr (r.value, "invalid_grant"));
          g_assert_cmpint (heyai_fake_get_counter (fx->fake, "google.pkce.verified"), ==, 0);
        }
      else
        {
          g_assert_cmpuint (soup_message_get_status (post), ==, 200);
          g_assert_nonnull (strstr (r.value, "refresh_token"));
          g_assert_cmpint (heyai_fake_get_counter (fx->fake, "google.pkce.verified"), ==, 1);
        }
      result_clear (&r);
    }
}

static void
list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->files = heyai_drive_list_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
test_refresh_on_401 (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(HeyaiDrive) drive = NULL;
  Result r = { 0, };

  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "fake-refresh-token", TRUE);
  drive = heyai_drive_new (fx->oauth);

  heyai_drive_list_async (drive, "trashed = false", NULL, NULL, list_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "google.tokens.issued"), ==, 1);
  result_clear (&r);

  heyai_fake_google_expire_access_tokens (fx->fake);
  heyai_drive_list_async (drive, "trashed = false", NULL, NULL, list_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "google.tokens.issued"), ==, 2);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.files.list"), ==, 3);
  result_clear (&r);
  g_unsetenv ("HEYAI_DRIVE_REFRESH_TOKEN");
}

static void
test_shared_refresh (Fixture       *fx,
                     gconstpointer  data)
{
  Result r[3] = { { 0, }, };

  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "fake-refresh-token", TRUE);
  for (int i = 0; i < 3; i++)
    heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &r[i]);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (heyai_fake_spin_until (&r[i].done, 10));
      g_assert_no_error (r[i].error);
      g_assert_cmpstr (r[i].value, ==, r[0].value);
    }
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "google.tokens.issued"), ==, 1);
  for (int i = 0; i < 3; i++)
    result_clear (&r[i]);
  g_unsetenv ("HEYAI_DRIVE_REFRESH_TOKEN");
}

static void
test_invalid_grant (Fixture       *fx,
                    gconstpointer  data)
{
  Result r = { 0, };
  char *left = NULL;

  heyai_secrets_store_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, "1//revoked-token", NULL, store_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_no_error (r.error);
  result_clear (&r);

  heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_cmpstr (r.error->message, ==,
                   "Google Drive access was revoked or expired. Connect Google Drive again in Preferences.");
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "google.token"), ==, 1);   /* not retried */
  result_clear (&r);

  /* the stored refresh token is gone */
  for (int i = 0; i < 100; i++)
    {
      g_free (left);
      left = keyring_lookup ();
      if (left == NULL)
        break;
      g_usleep (10000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  g_assert_null (left);

  /* nothing stored any more: the message says how to connect */
  heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 10));
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (r.error->message, "HEYAI_DRIVE_REFRESH_TOKEN"));
  result_clear (&r);
}

static void
test_pkce_helpers (void)
{
  for (int i = 0; i < 20; i++)
    {
      g_autofree char *v = heyai_oauth_new_code_verifier ();

      g_assert_cmpuint (strlen (v), >=, 43);
      g_assert_cmpuint (strlen (v), <=, 128);
      for (const char *p = v; *p; p++)
        g_assert_true (g_ascii_isalnum (*p) || strchr ("-._~", *p) != NULL);
    }
  {
    /* RFC 7636 appendix B */
    g_autofree char *c = heyai_oauth_code_challenge ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    g_assert_cmpstr (c, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }
}

/* Consent is granular (C.5 item 20): a token answer whose scope lacks
 * drive.file fails the connection with a clear message, and no Drive work
 * starts. */
static void
test_scope_not_granted (Fixture       *fx,
                        gconstpointer  data)
{
  Result r = { 0, };

  g_assert_true (heyai_oauth_scope_grants ("openid https://www.googleapis.com/auth/drive.file",
                                           HEYAI_GOOGLE_SCOPE_DRIVE_FILE));
  g_assert_false (heyai_oauth_scope_grants ("openid email", HEYAI_GOOGLE_SCOPE_DRIVE_FILE));
  g_assert_false (heyai_oauth_scope_grants (NULL, HEYAI_GOOGLE_SCOPE_DRIVE_FILE));

  heyai_fake_set_option (fx->fake, "google.granted-scope", "openid email");
  heyai_oauth_connect_async (fx->oauth, NULL, connect_cb, &r);
  g_assert_true (heyai_fake_spin_until_ptr ((gpointer *) &fx->auth_url, 10));
  g_assert_cmpuint (browse (fx, fx->auth_url), ==, 200);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (r.error->message, "did not grant"));
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.files.list"), ==, 0);
  result_clear (&r);
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
  g_autofree char *tmpdir = g_dir_make_tmp ("heyai-oauth-XXXXXX", NULL);
  g_autofree char *keyring = g_build_filename (tmpdir, "test.keyring", NULL);
  int ret;

  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  g_setenv ("HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.Secret", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn, data) g_test_add (path, Fixture, data, fixture_setup, fn, fixture_teardown)
  g_test_add_func ("/net/oauth/pkce-helpers", test_pkce_helpers);
  ADD ("/net/oauth/connect", test_connect, NULL);
  ADD ("/net/oauth/wrong-state", test_wrong_state, NULL);
  ADD ("/net/oauth/disconnect", test_disconnect, NULL);
  ADD ("/net/oauth/denied", test_denied, "deny");
  ADD ("/net/oauth/fake-checks-pkce", test_fake_checks_pkce, NULL);
  ADD ("/net/oauth/refresh-on-401", test_refresh_on_401, NULL);
  ADD ("/net/oauth/shared-refresh", test_shared_refresh, NULL);
  ADD ("/net/oauth/invalid-grant", test_invalid_grant, NULL);
  ADD ("/net/oauth/scope-not-granted", test_scope_not_granted, NULL);
#undef ADD

  ret = g_test_run ();
  g_unlink (keyring);
  g_rmdir (tmpdir);
  return ret;
}
