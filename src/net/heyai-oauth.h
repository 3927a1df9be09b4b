/* heyai-oauth.h: OAuth 2.0 for installed apps (Google), loopback + PKCE.
 *
 * Connecting (heyai_oauth_connect_async):
 *  1. a SoupServer listens on 127.0.0.1, random port; redirect_uri is
 *     "http://127.0.0.1:<port>/";
 *  2. code_verifier = 64 random chars of [A-Za-z0-9-._~], code_challenge =
 *     base64url (sha256 (verifier)), a random `state`;
 *  3. the browser opens HEYAI_GOOGLE_AUTH_URL?client_id&redirect_uri&
 *     response_type=code&scope&code_challenge&code_challenge_method=S256&
 *     state&access_type=offline&prompt=consent through the "open URI"
 *     callback (default: g_app_info_launch_default_for_uri_async; tests
 *     replace it and make the redirect request themselves);
 *  4. the listener answers a request whose `state` does not match with 400
 *     and keeps waiting; `error=access_denied` ends the flow; a matching
 *     `code` is exchanged at HEYAI_GOOGLE_TOKEN_URL (authorization_code
 *     grant with code_verifier and the same redirect_uri);
 *  5. the refresh token goes to the keyring (service google-refresh-token);
 *     the access token stays in memory only.
 *
 * Access tokens (heyai_oauth_get_token_async): the cached one while it has
 * more than 60 s left, else a refresh_token grant (refresh token from
 * HEYAI_DRIVE_REFRESH_TOKEN, else the keyring).  Concurrent callers share
 * one refresh.  After a 401 the caller calls heyai_oauth_invalidate() and
 * asks again.  `invalid_grant` clears the stored refresh token and fails
 * with HEYAI_ERROR_CREDENTIALS: "Google Drive access was revoked or expired.
 * Connect Google Drive again in Preferences."
 *
 * Client id/secret: heyai_oauth_set_client(), else HEYAI_GOOGLE_CLIENT_ID /
 * HEYAI_GOOGLE_CLIENT_SECRET (or the keyring, see heyai-secrets.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "heyai-http.h"
#include "heyai-secrets.h"

G_BEGIN_DECLS

/* The Google OAuth client's own keyring entries and variables (the Google
 * Drive descriptor row lists them for Preferences). */
extern const HeyaiSecretSpec heyai_oauth_client_id_secret;
extern const HeyaiSecretSpec heyai_oauth_client_secret_secret;
extern const HeyaiSecretSpec heyai_oauth_refresh_token_secret;

#define HEYAI_SECRET_GOOGLE_CLIENT_ID     (&heyai_oauth_client_id_secret)
#define HEYAI_SECRET_GOOGLE_CLIENT_SECRET (&heyai_oauth_client_secret_secret)
#define HEYAI_SECRET_GOOGLE_REFRESH_TOKEN (&heyai_oauth_refresh_token_secret)

#define HEYAI_GOOGLE_SCOPE_DRIVE_FILE "https://www.googleapis.com/auth/drive.file"

#define HEYAI_TYPE_OAUTH (heyai_oauth_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiOauth, heyai_oauth, HEYAI, OAUTH, GObject)

/* Opens @uri for the user.  Must not block. */
typedef void (*HeyaiOauthOpenUriFunc) (const char *uri,
                                       gpointer    user_data);

/* Google endpoints from HEYAI_GOOGLE_AUTH_URL / HEYAI_GOOGLE_TOKEN_URL,
 * scope drive.file. */
HeyaiOauth *heyai_oauth_new                (void);
void        heyai_oauth_set_client         (HeyaiOauth            *self,
                                            const char            *client_id,
                                            const char            *client_secret);
void        heyai_oauth_set_scope          (HeyaiOauth            *self,
                                            const char            *scope);
void        heyai_oauth_set_open_uri_func  (HeyaiOauth            *self,
                                            HeyaiOauthOpenUriFunc  func,
                                            gpointer               user_data,
                                            GDestroyNotify         destroy);
/* The HeyaiHttp used for the token endpoint (tests set its delay func). */
HeyaiHttp  *heyai_oauth_get_http           (HeyaiOauth            *self);

/* The interactive flow (see above); gives up after 10 minutes. */
void        heyai_oauth_connect_async      (HeyaiOauth            *self,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
gboolean    heyai_oauth_connect_finish     (HeyaiOauth            *self,
                                            GAsyncResult          *result,
                                            GError               **error);

/* A valid access token (newly allocated). */
void        heyai_oauth_get_token_async    (HeyaiOauth            *self,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
char       *heyai_oauth_get_token_finish   (HeyaiOauth            *self,
                                            GAsyncResult          *result,
                                            GError               **error);
/* Forget the access token (the service answered 401 with it). */
void        heyai_oauth_invalidate         (HeyaiOauth            *self);

/* Revokes the refresh token at Google (best effort: POST token=... to
 * the token URL's sibling /revoke), forgets every token and clears the
 * stored refresh token. */
void        heyai_oauth_disconnect_async   (HeyaiOauth            *self,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
gboolean    heyai_oauth_disconnect_finish  (HeyaiOauth            *self,
                                            GAsyncResult          *result,
                                            GError               **error);

/* PKCE helpers (public for tests and the fake). */
char       *heyai_oauth_new_code_verifier  (void);
char       *heyai_oauth_code_challenge     (const char            *verifier);

/* TRUE if the space-separated @granted scopes include every scope of
 * @wanted.  Every token answer's "scope" is checked this way: consent is
 * granular, and a missing drive.file fails with HEYAI_ERROR_CREDENTIALS
 * before any Drive work (API-CONTRACTS.md C.5 item 20). */
gboolean    heyai_oauth_scope_grants   (const char *granted,
                                        const char *wanted);

G_END_DECLS
