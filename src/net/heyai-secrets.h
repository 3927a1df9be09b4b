/* heyai-secrets.h: API keys and OAuth tokens (libsecret + environment).
 *
 * One libsecret schema, "io.github.heyai.Studio.Secret", with one string
 * attribute `service`.  This module knows no provider: each call takes a
 * HeyaiSecretSpec (the entry's `service` attribute, its label, the
 * environment variables it may come from and the sentence saying it is
 * missing) as a value.  The providers' specs are rows of the provider
 * descriptor table (src/providers/heyai-provider-descriptors.h); the Google
 * OAuth client's own are in heyai-oauth.h.
 *
 * Environment variables take precedence over the keyring (headless use, CI).
 * A "key:secret" pair (@pair) comes from two variables joined with ':'
 * (@env_first and @env_second, both set), else from one of @env holding
 * "key:secret".
 *
 * Secrets never go to SQLite, GSettings, logs, exports or Drive.
 *
 * Tests: SECRET_BACKEND=file, SECRET_FILE_TEST_PATH=<tmp>/keyring,
 * SECRET_FILE_TEST_PASSWORD=<anything> gives a keyring with no D-Bus.
 * HEYAI_SECRET_SCHEMA overrides the schema name (tests use their own).
 *
 * All callbacks run on the caller's thread-default main context.  Specs
 * must outlive the calls (they are static tables).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HEYAI_SECRET_SCHEMA_NAME          "io.github.heyai.Studio.Secret"

typedef struct
{
  const char         *service;     /* the keyring entry's `service` attribute */
  const char         *label;       /* N_(): what it is ("OpenAI API key"): messages, the keyring */
  const char         *missing;     /* N_(): the full sentence when it is missing */
  const char * const *env;         /* NULL-terminated variables holding the whole value (or NULL) */
  const char         *env_first;   /* a pair: the variables of its halves, joined with ':' */
  const char         *env_second;  /*   when both are set; they win over @env */
  const char         *env_text;    /* the variables, for messages ("OPENAI_API_KEY") */
  gboolean            pair;        /* the value is "key:secret": a value from @env must split */
} HeyaiSecretSpec;

/* Which part of a value: all of it, or one half of a "key:secret" pair. */
typedef enum
{
  HEYAI_SECRET_PART_WHOLE,
  HEYAI_SECRET_PART_FIRST,
  HEYAI_SECRET_PART_SECOND,
} HeyaiSecretPart;

/* The environment variable(s) for @spec, for messages, or NULL. */
const char *heyai_secrets_env_description (const HeyaiSecretSpec *spec);
/* The value from the environment, or NULL.  Newly allocated. */
char       *heyai_secrets_dup_from_env    (const HeyaiSecretSpec *spec);
/* The variable that supplies @part of @spec right now (@env_first, or
 * the one of @env that is set), or NULL when the environment does not: what
 * Preferences shows as "Set by …". */
const char *heyai_secrets_env_source      (const HeyaiSecretSpec *spec,
                                           HeyaiSecretPart        part);
/* Human name of what is missing, for messages ("OpenAI API key", ...). */
const char *heyai_secrets_label           (const HeyaiSecretSpec *spec);

/* Sets HEYAI_ERROR_CREDENTIALS with @spec's missing sentence, which names
 * the variables and the Preferences page, e.g. "No OpenAI API key. Set
 * OPENAI_API_KEY or add the key in Preferences → Providers." */
void        heyai_secrets_set_missing_error (GError               **error,
                                             const HeyaiSecretSpec *spec);

/* Keyring only (no environment).  lookup_finish returns NULL with no error
 * when nothing is stored. */
void        heyai_secrets_store_async     (const HeyaiSecretSpec *spec,
                                           const char          *secret,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    heyai_secrets_store_finish    (GAsyncResult        *result,
                                           GError             **error);
void        heyai_secrets_lookup_async    (const HeyaiSecretSpec *spec,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char       *heyai_secrets_lookup_finish   (GAsyncResult        *result,
                                           GError             **error);
/* Clearing something not stored is a success. */
void        heyai_secrets_clear_async     (const HeyaiSecretSpec *spec,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    heyai_secrets_clear_finish    (GAsyncResult        *result,
                                           GError             **error);

/* What clients call: the environment first, then the keyring.  A missing
 * credential completes with heyai_secrets_set_missing_error(); a keyring
 * that cannot be reached is reported as missing too (with the keyring's
 * reason logged at debug level).  Returns the secret, newly allocated. */
void        heyai_secrets_get_async       (const HeyaiSecretSpec *spec,
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

/* Splits "key:secret" (a pair secret) at the first
 * ':'; FALSE if there is no ':' or either part is empty. */
gboolean    heyai_secrets_split_pair      (const char  *pair,
                                           char       **out_key,
                                           char       **out_secret);

G_END_DECLS
