/* heyai-oauth.c: OAuth 2.0 for installed apps (see heyai-oauth.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-net"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "heyai-error.h"
#include "heyai-jwt.h"
#include "heyai-secrets.h"
#include "heyai-oauth.h"

#define CONNECT_TIMEOUT_S  600

static const char * const client_id_env[] = { "HEYAI_GOOGLE_CLIENT_ID", NULL };
static const char * const client_secret_env[] = { "HEYAI_GOOGLE_CLIENT_SECRET", NULL };
static const char * const refresh_token_env[] = { "HEYAI_DRIVE_REFRESH_TOKEN", NULL };

const HeyaiSecretSpec heyai_oauth_client_id_secret = {
  .service = "google-client-id", .label = N_("Google OAuth client ID"),
  .missing = N_("No Google OAuth client. Set HEYAI_GOOGLE_CLIENT_ID and HEYAI_GOOGLE_CLIENT_SECRET or add "
                "them in Preferences → Storage."),
  .env = client_id_env, .env_text = "HEYAI_GOOGLE_CLIENT_ID",
};
const HeyaiSecretSpec heyai_oauth_client_secret_secret = {
  .service = "google-client-secret", .label = N_("Google OAuth client secret"),
  .missing = N_("No Google OAuth client. Set HEYAI_GOOGLE_CLIENT_ID and HEYAI_GOOGLE_CLIENT_SECRET or add "
                "them in Preferences → Storage."),
  .env = client_secret_env, .env_text = "HEYAI_GOOGLE_CLIENT_SECRET",
};
const HeyaiSecretSpec heyai_oauth_refresh_token_secret = {
  .service = "google-refresh-token", .label = N_("Google Drive authorization"),
  .missing = N_("Google Drive is not connected. Connect Google Drive in Preferences → Storage, or set "
                "HEYAI_DRIVE_REFRESH_TOKEN."),
  .env = refresh_token_env, .env_text = "HEYAI_DRIVE_REFRESH_TOKEN",
};
#define EXPIRY_MARGIN_US   (60 * G_USEC_PER_SEC)

struct _HeyaiOauth
{
  GObject                parent_instance;

  char                  *client_id;
  char                  *client_secret;
  char                  *scope;
  char                  *auth_url;
  HeyaiHttp             *http;

  HeyaiOauthOpenUriFunc  open_uri;
  gpointer               open_uri_data;
  GDestroyNotify         open_uri_destroy;

  char                  *access_token;
  gint64                 access_expiry;   /* monotonic µs */
  char                  *refresh_token;   /* once known (connect or lookup) */

  GPtrArray             *waiters;         /* GTask*: token requests during a refresh */
  gboolean               refreshing;
  gboolean               saw_invalid_grant;
};

G_DEFINE_FINAL_TYPE (HeyaiOauth, heyai_oauth, G_TYPE_OBJECT)

static void
secure_free (char *s)
{
  if (s != NULL)
    memset (s, 0, strlen (s));
  g_free (s);
}

static void
heyai_oauth_dispose (GObject *object)
{
  HeyaiOauth *self = HEYAI_OAUTH (object);

  g_clear_object (&self->http);
  G_OBJECT_CLASS (heyai_oauth_parent_class)->dispose (object);
}

static void
heyai_oauth_finalize (GObject *object)
{
  HeyaiOauth *self = HEYAI_OAUTH (object);

  if (self->open_uri_destroy != NULL)
    self->open_uri_destroy (self->open_uri_data);
  g_free (self->client_id);
  secure_free (self->client_secret);
  g_free (self->scope);
  g_free (self->auth_url);
  secure_free (self->access_token);
  secure_free (self->refresh_token);
  g_ptr_array_unref (self->waiters);

  G_OBJECT_CLASS (heyai_oauth_parent_class)->finalize (object);
}

static void
heyai_oauth_class_init (HeyaiOauthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_oauth_dispose;
  object_class->finalize = heyai_oauth_finalize;
}

static HeyaiHttpVerdict
token_classifier (HeyaiHttpResponse  *response,
                  GError            **error,
                  gpointer            user_data)
{
  HeyaiOauth *self = user_data;
  guint status = heyai_http_response_get_status (response);
  JsonObject *obj;
  const char *code;

  if (status != 400 && status != 401)
    return HEYAI_HTTP_VERDICT_DEFAULT;

  obj = heyai_http_response_get_object (response, NULL);
  code = obj != NULL ? json_object_get_string_member_with_default (obj, "error", NULL) : NULL;
  if (g_strcmp0 (code, "invalid_grant") == 0)
    {
      self->saw_invalid_grant = TRUE;
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                           _("Google Drive access was revoked or expired. Connect Google Drive again in Preferences."));
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  if (g_strcmp0 (code, "invalid_client") == 0 || g_strcmp0 (code, "unauthorized_client") == 0)
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                           _("Google rejected HeyAI Studio’s OAuth client. Check HEYAI_GOOGLE_CLIENT_ID and "
                             "HEYAI_GOOGLE_CLIENT_SECRET (or the client in Preferences → Storage)."));
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  return HEYAI_HTTP_VERDICT_DEFAULT;
}

static void
heyai_oauth_init (HeyaiOauth *self)
{
  g_autofree char *token_url = heyai_service_dup_base_url (HEYAI_SERVICE_GOOGLE_TOKEN);

  self->scope = g_strdup (HEYAI_GOOGLE_SCOPE_DRIVE_FILE);
  self->auth_url = heyai_service_dup_base_url (HEYAI_SERVICE_GOOGLE_AUTH);
  self->http = heyai_http_new (token_url, _("Google"));
  heyai_http_set_classifier (self->http, token_classifier, self, NULL);
  self->waiters = g_ptr_array_new ();
}

HeyaiOauth *
heyai_oauth_new (void)
{
  return g_object_new (HEYAI_TYPE_OAUTH, NULL);
}

void
heyai_oauth_set_client (HeyaiOauth *self,
                        const char *client_id,
                        const char *client_secret)
{
  g_return_if_fail (HEYAI_IS_OAUTH (self));

  g_free (self->client_id);
  secure_free (self->client_secret);
  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (client_secret);
}

void
heyai_oauth_set_scope (HeyaiOauth *self,
                       const char *scope)
{
  g_return_if_fail (HEYAI_IS_OAUTH (self));
  g_return_if_fail (scope != NULL);

  g_free (self->scope);
  self->scope = g_strdup (scope);
}

void
heyai_oauth_set_open_uri_func (HeyaiOauth            *self,
                               HeyaiOauthOpenUriFunc  func,
                               gpointer               user_data,
                               GDestroyNotify         destroy)
{
  g_return_if_fail (HEYAI_IS_OAUTH (self));

  if (self->open_uri_destroy != NULL)
    self->open_uri_destroy (self->open_uri_data);
  self->open_uri = func;
  self->open_uri_data = user_data;
  self->open_uri_destroy = destroy;
}

HeyaiHttp *
heyai_oauth_get_http (HeyaiOauth *self)
{
  g_return_val_if_fail (HEYAI_IS_OAUTH (self), NULL);
  return self->http;
}

/* Fills @buf from the kernel's CSPRNG (getrandom(2); blocks only before
 * the pool is first seeded, never afterwards). */
static void
fill_random (guint8 *buf,
             gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      /* No fallback to a weaker source: without getrandom() there is no
       * safe state or verifier. */
      g_assert (n > 0);
      done += (gsize) n;
    }
}

gboolean
heyai_oauth_scope_grants (const char *granted,
                          const char *wanted)
{
  g_auto(GStrv) have = NULL;
  g_auto(GStrv) need = NULL;

  if (wanted == NULL || *wanted == '\0')
    return TRUE;
  if (granted == NULL)
    return FALSE;
  have = g_strsplit_set (granted, " \t", -1);
  need = g_strsplit_set (wanted, " \t", -1);
  for (guint i = 0; need[i] != NULL; i++)
    if (*need[i] != '\0' && !g_strv_contains ((const char *const *) have, need[i]))
      return FALSE;
  return TRUE;
}

char *
heyai_oauth_new_code_verifier (void)
{
  /* 66 unreserved characters (RFC 7636); rejection sampling keeps the
   * choice uniform (256 is not a multiple of 66). */
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  const guint n_chars = sizeof chars - 1;
  const guint limit = 256 - (256 % n_chars);
  char *verifier = g_malloc (65);
  guint8 pool[128];
  gsize used = sizeof pool;
  guint i = 0;

  while (i < 64)
    {
      if (used == sizeof pool)
        {
          fill_random (pool, sizeof pool);
          used = 0;
        }
      if (pool[used] < limit)
        verifier[i++] = chars[pool[used] % n_chars];
      used++;
    }
  verifier[64] = '\0';
  explicit_bzero (pool, sizeof pool);
  return verifier;
}

char *
heyai_oauth_code_challenge (const char *verifier)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  g_checksum_update (sum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (sum, digest, &len);
  return heyai_base64url_encode (digest, len);
}

/* ---------------------------------------------------------------------- */
/* Client credentials                                                      */

typedef void (*ClientReadyFunc) (HeyaiOauth *self, GTask *task, const GError *error);

typedef struct
{
  HeyaiOauth      *self;
  GTask           *task;
  ClientReadyFunc  ready;
  char            *id;
} ClientLookup;

static void
client_secret_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ClientLookup *lookup = user_data;
  g_autoptr(GError) error = NULL;
  char *secret = heyai_secrets_get_finish (result, &error);

  if (secret != NULL)
    {
      g_free (lookup->self->client_id);
      secure_free (lookup->self->client_secret);
      lookup->self->client_id = g_steal_pointer (&lookup->id);
      lookup->self->client_secret = secret;
    }
  lookup->ready (lookup->self, lookup->task, error);
  g_object_unref (lookup->self);
  g_object_unref (lookup->task);
  g_free (lookup->id);
  g_free (lookup);
}

static void
client_id_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ClientLookup *lookup = user_data;
  g_autoptr(GError) error = NULL;

  lookup->id = heyai_secrets_get_finish (result, &error);
  if (lookup->id == NULL)
    {
      lookup->ready (lookup->self, lookup->task, error);
      g_object_unref (lookup->self);
      g_object_unref (lookup->task);
      g_free (lookup);
      return;
    }
  heyai_secrets_get_async (HEYAI_SECRET_GOOGLE_CLIENT_SECRET, NULL, client_secret_cb, lookup);
}

static void
ensure_client (HeyaiOauth      *self,
               GTask           *task,
               ClientReadyFunc  ready)
{
  ClientLookup *lookup;

  if (self->client_id != NULL && self->client_secret != NULL)
    {
      ready (self, task, NULL);
      return;
    }

  lookup = g_new0 (ClientLookup, 1);
  lookup->self = g_object_ref (self);
  lookup->task = g_object_ref (task);
  lookup->ready = ready;
  heyai_secrets_get_async (HEYAI_SECRET_GOOGLE_CLIENT_ID, NULL, client_id_cb, lookup);
}

/* Stores the fields of a token answer; returns FALSE with an error if it
 * has no access token. */
static gboolean
take_token_response (HeyaiOauth         *self,
                     HeyaiHttpResponse  *response,
                     GError            **error)
{
  JsonObject *obj = heyai_http_response_get_object (response, error);
  const char *access;
  const char *refresh;
  gint64 expires_in;

  if (obj == NULL)
    return FALSE;

  access = json_object_get_string_member_with_default (obj, "access_token", NULL);
  if (access == NULL || *access == '\0')
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                           _("Google sent a token answer without an access token."));
      return FALSE;
    }
  /* Consent is granular (C.5 item 20): the person may have unticked Drive. */
  {
    const char *granted = json_object_get_string_member_with_default (obj, "scope", NULL);

    if (granted != NULL && !heyai_oauth_scope_grants (granted, self->scope))
      {
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS, "%s",
                     _("Google did not grant HeyAI access to its files on Google Drive (the box was not "
                       "ticked on the consent page). Connect Google Drive again in Preferences and allow it."));
        return FALSE;
      }
  }
  expires_in = json_object_get_int_member_with_default (obj, "expires_in", 3600);
  heyai_secrets_register_in_use (access);
  secure_free (self->access_token);
  self->access_token = g_strdup (access);
  self->access_expiry = g_get_monotonic_time () + expires_in * G_USEC_PER_SEC;

  refresh = json_object_get_string_member_with_default (obj, "refresh_token", NULL);
  if (refresh != NULL && *refresh != '\0')
    {
      heyai_secrets_register_in_use (refresh);
      secure_free (self->refresh_token);
      self->refresh_token = g_strdup (refresh);
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Access tokens                                                           */

static void
finish_waiters (HeyaiOauth   *self,
                const GError *error)
{
  g_autoptr(GPtrArray) waiters = self->waiters;

  self->waiters = g_ptr_array_new ();
  self->refreshing = FALSE;

  for (guint i = 0; i < waiters->len; i++)
    {
      g_autoptr(GTask) task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (self->access_token), g_free);
    }
}

static void
cleared_after_revoke_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!heyai_secrets_clear_finish (result, &error))
    g_debug ("could not clear the revoked refresh token: %s", error->message);
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HeyaiOauth) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      if (self->saw_invalid_grant)
        {
          secure_free (self->refresh_token);
          self->refresh_token = NULL;
          heyai_secrets_clear_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, NULL, cleared_after_revoke_cb, NULL);
        }
      finish_waiters (self, error);
      return;
    }

  if (!take_token_response (self, response, &error))
    {
      finish_waiters (self, error);
      return;
    }
  finish_waiters (self, NULL);
}

static void
send_refresh (HeyaiOauth *self)
{
  g_autoptr(HeyaiHttpRequest) req = heyai_http_request_new ("POST", "");

  heyai_http_request_add_form (req, "client_id", self->client_id);
  heyai_http_request_add_form (req, "client_secret", self->client_secret);
  heyai_http_request_add_form (req, "refresh_token", self->refresh_token);
  heyai_http_request_add_form (req, "grant_type", "refresh_token");
  self->saw_invalid_grant = FALSE;
  heyai_http_send_async (self->http, req, NULL, refresh_cb, g_object_ref (self));
}

static void
refresh_token_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HeyaiOauth) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = heyai_secrets_get_finish (result, &error);

  if (token == NULL)
    {
      finish_waiters (self, error);
      return;
    }
  secure_free (self->refresh_token);
  self->refresh_token = token;
  send_refresh (self);
}

static void
refresh_client_ready (HeyaiOauth   *self,
                      GTask        *task,
                      const GError *error)
{
  if (error != NULL)
    {
      finish_waiters (self, error);
      return;
    }
  if (self->refresh_token != NULL)
    send_refresh (self);
  else
    heyai_secrets_get_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, NULL, refresh_token_cb, g_object_ref (self));
}

void
heyai_oauth_get_token_async (HeyaiOauth          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HEYAI_IS_OAUTH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_oauth_get_token_async);

  if (self->access_token != NULL && g_get_monotonic_time () < self->access_expiry - EXPIRY_MARGIN_US)
    {
      g_task_return_pointer (task, g_strdup (self->access_token), g_free);
      return;
    }

  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
  if (self->refreshing)
    return;
  self->refreshing = TRUE;
  ensure_client (self, g_ptr_array_index (self->waiters, self->waiters->len - 1), refresh_client_ready);
}

char *
heyai_oauth_get_token_finish (HeyaiOauth    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_OAUTH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
heyai_oauth_invalidate (HeyaiOauth *self)
{
  g_return_if_fail (HEYAI_IS_OAUTH (self));

  secure_free (self->access_token);
  self->access_token = NULL;
  self->access_expiry = 0;
}

/* ---------------------------------------------------------------------- */
/* The interactive flow                                                    */

typedef struct
{
  SoupServer *server;
  char       *redirect_uri;
  char       *state;
  char       *verifier;
  GSource    *timeout_source;
  gulong      cancel_id;
  gboolean    done;       /* a code or an error arrived: stop listening */
} Connect;

static void
connect_free (Connect *c)
{
  heyai_source_clear (&c->timeout_source);
  if (c->server != NULL)
    {
      soup_server_disconnect (c->server);
      g_clear_object (&c->server);
    }
  g_free (c->redirect_uri);
  secure_free (c->state);
  secure_free (c->verifier);
  g_free (c);
}

static gboolean
server_dispose_cb (gpointer user_data)
{
  SoupServer *server = user_data;

  soup_server_disconnect (server);
  g_object_unref (server);
  return G_SOURCE_REMOVE;
}

static void
connect_stop (GTask *task)
{
  Connect *c = g_task_get_task_data (task);

  c->done = TRUE;
  /* Not from inside the server's own handler, and after the page is sent. */
  if (c->server != NULL)
    {
      g_autoptr(GSource) dispose = g_timeout_source_new (300);

      g_source_set_callback (dispose, server_dispose_cb, g_steal_pointer (&c->server), NULL);
      g_source_attach (dispose, g_task_get_context (task));
    }
  heyai_source_clear (&c->timeout_source);
  if (c->cancel_id != 0)
    {
      g_cancellable_disconnect (g_task_get_cancellable (task), c->cancel_id);
      c->cancel_id = 0;
    }
}

static void
store_refresh_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!heyai_secrets_store_finish (result, &error))
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("Google Drive is connected for this session, but the authorization "
                                 "could not be saved in the keyring: %s"), error->message);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
exchange_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiOauth *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL || !take_token_response (self, response, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->refresh_token == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s",
                               _("Google did not send a refresh token. Connect Google Drive again."));
      return;
    }

  heyai_secrets_store_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, self->refresh_token,
                             NULL, store_refresh_cb, g_steal_pointer (&task));
}

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *html = g_strdup_printf ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                           "<title>HeyAI Studio</title></head><body style=\"font-family:"
                                           "sans-serif;margin:3em\"><p>%s</p></body></html>", escaped);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    html, strlen (html));
}

static void
loopback_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  GTask *task = user_data;
  HeyaiOauth *self = g_task_get_source_object (task);
  Connect *c = g_task_get_task_data (task);
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query != NULL ? g_hash_table_lookup (query, "code") : NULL;
  const char *err = query != NULL ? g_hash_table_lookup (query, "error") : NULL;
  g_autoptr(HeyaiHttpRequest) req = NULL;

  if (c->done)
    {
      respond_page (msg, 410, _("This sign-in has already finished. You can close this tab."));
      return;
    }
  if (code == NULL && err == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  if (state == NULL || g_strcmp0 (state, c->state) != 0)
    {
      g_debug ("OAuth redirect with a wrong state refused");
      respond_page (msg, 400, _("This sign-in link is not valid. Close this tab and connect Google Drive "
                                "again from HeyAI Studio."));
      return;
    }

  connect_stop (task);

  if (err != NULL)
    {
      respond_page (msg, 200, _("HeyAI Studio was not given access to Google Drive. You can close this tab."));
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS, "%s",
                               _("Google Drive access was not granted. Connect Google Drive again in "
                                 "Preferences and allow access."));
      g_object_unref (task);
      return;
    }

  respond_page (msg, 200, _("HeyAI Studio is connected to Google Drive. You can close this tab and "
                            "return to the app."));

  req = heyai_http_request_new ("POST", "");
  heyai_http_request_add_form (req, "code", code);
  heyai_http_request_add_form (req, "client_id", self->client_id);
  heyai_http_request_add_form (req, "client_secret", self->client_secret);
  heyai_http_request_add_form (req, "redirect_uri", c->redirect_uri);
  heyai_http_request_add_form (req, "grant_type", "authorization_code");
  heyai_http_request_add_form (req, "code_verifier", c->verifier);
  self->saw_invalid_grant = FALSE;
  /* the task's own reference (taken when listening) moves to the exchange */
  heyai_http_send_async (self->http, req, NULL, exchange_cb, task);
}

static gboolean
connect_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;

  connect_stop (task);
  g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS, "%s",
                           _("Google Drive sign-in timed out. Connect Google Drive again in Preferences."));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static gboolean
connect_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  Connect *c = g_task_get_task_data (task);

  if (c->done)
    return G_SOURCE_REMOVE;   /* raced with the redirect */
  connect_stop (task);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
connect_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  g_autoptr(GSource) idle = g_idle_source_new ();

  /* On the task's context (the caller's), not the global default one. */
  g_source_set_callback (idle, connect_cancelled_idle, g_object_ref (user_data), g_object_unref);
  g_source_attach (idle, g_task_get_context (G_TASK (user_data)));
}

static void
launch_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = user_data;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_message (_("Could not open a web browser (%s). Open this address to connect Google Drive: %s"),
               error->message, uri);
}

static void
default_open_uri (const char *uri)
{
  g_app_info_launch_default_for_uri_async (uri, NULL, NULL, launch_cb, g_strdup (uri));
}

static void
connect_client_ready (HeyaiOauth   *self,
                      GTask        *task,
                      const GError *error)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GString) query = NULL;
  Connect *c = g_task_get_task_data (task);
  GSList *uris;
  const char *params[][2] = {
    { "client_id", NULL }, { "redirect_uri", NULL }, { "response_type", "code" },
    { "scope", NULL }, { "code_challenge", NULL }, { "code_challenge_method", "S256" },
    { "state", NULL }, { "access_type", "offline" }, { "prompt", "consent" },
  };

  if (error != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }

  c->server = soup_server_new ("server-header", "HeyAI-Studio", NULL);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  if (!soup_server_listen (c->server, address, 0, &local_error))
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("Could not start the Google sign-in: %s"), local_error->message);
      return;
    }
  uris = soup_server_get_uris (c->server);
  c->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  c->verifier = heyai_oauth_new_code_verifier ();
  c->state = heyai_oauth_new_code_verifier ();
  c->state[32] = '\0';
  challenge = heyai_oauth_code_challenge (c->verifier);

  params[0][1] = self->client_id;
  params[1][1] = c->redirect_uri;
  params[3][1] = self->scope;
  params[4][1] = challenge;
  params[6][1] = c->state;
  query = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    {
      g_autofree char *v = g_uri_escape_string (params[i][1], NULL, FALSE);

      g_string_append_printf (query, "%s%s=%s", i > 0 ? "&" : "", params[i][0], v);
    }
  url = g_strconcat (self->auth_url, strchr (self->auth_url, '?') != NULL ? "&" : "?", query->str, NULL);

  /* The listener holds one task reference until a code, an error, the
   * time-out or the cancellable ends the wait. */
  g_object_ref (task);
  /* The handler's own reference goes when the server does (connect_stop). */
  soup_server_add_handler (c->server, NULL, loopback_cb, g_object_ref (task), g_object_unref);
  c->timeout_source = heyai_timeout_source_attach (CONNECT_TIMEOUT_S * 1000, connect_timeout_cb, task, NULL);
  if (g_task_get_cancellable (task) != NULL)
    c->cancel_id = g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (connect_cancelled_cb),
                                          task, NULL);

  if (self->open_uri != NULL)
    self->open_uri (url, self->open_uri_data);
  else
    default_open_uri (url);
}

void
heyai_oauth_connect_async (HeyaiOauth          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HEYAI_IS_OAUTH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_oauth_connect_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, g_new0 (Connect, 1), (GDestroyNotify) connect_free);
  ensure_client (self, task, connect_client_ready);
}

gboolean
heyai_oauth_connect_finish (HeyaiOauth    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_OAUTH (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */

static void
disconnect_cleared_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!heyai_secrets_clear_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
disconnect_revoked_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);

  /* Best effort: an already invalid token (400) or no network still
   * disconnects this machine. */
  if (response == NULL)
    g_debug ("revoking the Google authorization failed: %s", error->message);
  heyai_secrets_clear_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, g_task_get_cancellable (task),
                             disconnect_cleared_cb, g_object_ref (task));
}

/* HEYAI_GOOGLE_TOKEN_URL with its last path segment replaced by "revoke"
 * (https://oauth2.googleapis.com/token -> .../revoke), or NULL. */
static char *
revoke_url (HeyaiOauth *self)
{
  const char *token_url = heyai_http_get_base_url (self->http);
  const char *slash = token_url != NULL ? strrchr (token_url, '/') : NULL;

  if (slash == NULL || strcmp (slash, "/token") != 0)
    return NULL;
  return g_strdup_printf ("%.*s/revoke", (int) (slash - token_url), token_url);
}

static void
disconnect_revoke (GTask      *task,
                   const char *token)
{
  HeyaiOauth *self = g_task_get_source_object (task);
  g_autofree char *url = revoke_url (self);
  g_autoptr(HeyaiHttpRequest) req = NULL;

  if (token == NULL || url == NULL)
    {
      heyai_secrets_clear_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, g_task_get_cancellable (task),
                                 disconnect_cleared_cb, g_object_ref (task));
      return;
    }
  req = heyai_http_request_new ("POST", url);
  heyai_http_request_add_form (req, "token", token);
  heyai_http_request_set_flags (req, HEYAI_HTTP_REQUEST_ANY_STATUS | HEYAI_HTTP_REQUEST_NO_RETRY);
  heyai_http_request_set_timeout (req, 15);
  heyai_http_send_async (self->http, req, NULL, disconnect_revoked_cb, g_object_ref (task));
}

static void
disconnect_lookup_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *token = heyai_secrets_lookup_finish (result, NULL);

  disconnect_revoke (task, token);
}

void
heyai_oauth_disconnect_async (HeyaiOauth          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *token = NULL;

  g_return_if_fail (HEYAI_IS_OAUTH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_oauth_disconnect_async);
  token = g_steal_pointer (&self->refresh_token);
  heyai_oauth_invalidate (self);

  if (token != NULL)
    disconnect_revoke (task, token);
  else
    heyai_secrets_lookup_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, cancellable, disconnect_lookup_cb,
                                g_object_ref (task));
  if (token != NULL)
    memset (token, 0, strlen (token));
}

gboolean
heyai_oauth_disconnect_finish (HeyaiOauth    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_OAUTH (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
