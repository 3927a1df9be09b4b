/* heyai-secrets.h: API keys and OAuth tokens (libsecret + environment).
 *
 * One libsecret schema, "io.github.heyai.Studio.Secret", with one string
 * attribute `service`.  The service names are the HEYAI_SECRET_* macros below.
 *
 * Environment variables take precedence over the keyring (headless use, CI):
 *
 *   openai               OPENAI_API_KEY
 *   anthropic            ANTHROPIC_API_KEY
 *   higgsfield           "key:secret" from HF_API_KEY + HF_API_SECRET,
 *                        or HF_CREDENTIALS=key:secret (or HF_KEY=key:secret)
 *   kling-access         KLING_ACCESS_KEY
 *   kling-secret         KLING_SECRET_KEY
 *   kling-api-key        KLING_API_KEY (newer single-key scheme, optional)
 *   google-client-id     HEYAI_GOOGLE_CLIENT_ID
 *   google-client-secret HEYAI_GOOGLE_CLIENT_SECRET
 *   google-refresh-token HEYAI_DRIVE_REFRESH_TOKEN
 *
 * Secrets never go to SQLite, GSettings, logs, exports or Drive.
 *
 * Tests: SECRET_BACKEND=file, SECRET_FILE_TEST_PATH=<tmp>/keyring,
 * SECRET_FILE_TEST_PASSWORD=<anything> gives a keyring with no D-Bus.
 * HEYAI_SECRET_SCHEMA overrides the schema name (tests use their own).
 *
 * All callbacks run on the caller's thread-default main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HEYAI_SECRET_SCHEMA_NAME          "io.github.heyai.Studio.Secret"

#define HEYAI_SECRET_OPENAI               "openai"
#define HEYAI_SECRET_ANTHROPIC            "anthropic"
#define HEYAI_SECRET_HIGGSFIELD           "higgsfield"
#define HEYAI_SECRET_KLING_ACCESS         "kling-access"
#define HEYAI_SECRET_KLING_SECRET         "kling-secret"
#define HEYAI_SECRET_KLING_API_KEY        "kling-api-key"
#define HEYAI_SECRET_GOOGLE_CLIENT_ID     "google-client-id"
#define HEYAI_SECRET_GOOGLE_CLIENT_SECRET "google-client-secret"
#define HEYAI_SECRET_GOOGLE_REFRESH_TOKEN "google-refresh-token"

/* The environment variable(s) for a service, for messages:
 * "OPENAI_API_KEY", "HF_API_KEY and HF_API_SECRET (or HF_CREDENTIALS)", ...;
 * NULL for an unknown service. */
const char *heyai_secrets_env_description (const char *service);
/* The value from the environment (see the table), or NULL.  Newly allocated. */
char       *heyai_secrets_dup_from_env    (const char *service);
/* Human name of what is missing, for messages ("OpenAI API key", ...). */
const char *heyai_secrets_label           (const char *service);

/* Sets HEYAI_ERROR_CREDENTIALS saying the credential is missing, naming the
 * variable and the Preferences page, e.g. "No OpenAI API key. Set
 * OPENAI_API_KEY or add the key in Preferences → Providers." */
void        heyai_secrets_set_missing_error (GError    **error,
                                             const char *service);

/* Keyring only (no environment).  lookup_finish returns NULL with no error
 * when nothing is stored. */
void        heyai_secrets_store_async     (const char          *service,
                                           const char          *secret,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    heyai_secrets_store_finish    (GAsyncResult        *result,
                                           GError             **error);
void        heyai_secrets_lookup_async    (const char          *service,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char       *heyai_secrets_lookup_finish   (GAsyncResult        *result,
                                           GError             **error);
/* Clearing something not stored is a success. */
void        heyai_secrets_clear_async     (const char          *service,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    heyai_secrets_clear_finish    (GAsyncResult        *result,
                                           GError             **error);

/* What clients call: the environment first, then the keyring.  A missing
 * credential completes with heyai_secrets_set_missing_error(); a keyring
 * that cannot be reached is reported as missing too (with the keyring's
 * reason logged at debug level).  Returns the secret, newly allocated. */
void        heyai_secrets_get_async       (const char          *service,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char       *heyai_secrets_get_finish      (GAsyncResult        *result,
                                           GError             **error);

/* Makes the process non-dumpable (prctl PR_SET_DUMPABLE 0) and sets
 * RLIMIT_CORE to 0: a core file would hold every key in memory.  Called by
 * both programs at start and by this module before it hands out a secret;
 * idempotent.  HEYAI_ALLOW_CORE_DUMPS=1 keeps cores (debugging). */
void        heyai_secrets_protect_process (void);
/* Marks @secret as in use (a token minted from a refresh token, a JWT
 * secret...): protects the process and registers it with the redactor
 * (heyai_http_redact_add_secret(), and each half of a "key:secret" pair).
 * Everything heyai_secrets_* hands out is registered already. */
void        heyai_secrets_register_in_use (const char *secret);

/* Splits "key:secret" (HF_CREDENTIALS, the higgsfield secret) at the first
 * ':'; FALSE if there is no ':' or either part is empty. */
gboolean    heyai_secrets_split_pair      (const char  *pair,
                                           char       **out_key,
                                           char       **out_secret);

G_END_DECLS
