/* heyai-secrets.c: API keys and tokens (see heyai-secrets.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-net"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "heyai-error.h"
#include "heyai-http.h"
#include "heyai-secrets.h"

typedef struct
{
  const char *service;
  const char *env;          /* primary variable */
  const char *env_text;     /* for messages */
  const char *label;        /* N_() */
  const char *missing;      /* N_(), %s = label not used: full sentence */
} SecretInfo;

static const SecretInfo infos[] = {
  { HEYAI_SECRET_OPENAI, "OPENAI_API_KEY", "OPENAI_API_KEY", N_("OpenAI API key"),
    N_("No OpenAI API key. Set OPENAI_API_KEY or add the key in Preferences → Providers.") },
  { HEYAI_SECRET_ANTHROPIC, "ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY", N_("Anthropic API key"),
    N_("No Anthropic API key. Set ANTHROPIC_API_KEY or add the key in Preferences → Providers.") },
  { HEYAI_SECRET_HIGGSFIELD, NULL, "HF_API_KEY and HF_API_SECRET (or HF_CREDENTIALS=key:secret)",
    N_("Higgsfield API key"),
    N_("No Higgsfield API key. Set HF_API_KEY and HF_API_SECRET (or HF_CREDENTIALS=key:secret) "
       "or add the key in Preferences → Providers.") },
  { HEYAI_SECRET_KLING_ACCESS, "KLING_ACCESS_KEY", "KLING_ACCESS_KEY", N_("Kling access key"),
    N_("No Kling access key. Set KLING_ACCESS_KEY and KLING_SECRET_KEY or add the keys in "
       "Preferences → Providers.") },
  { HEYAI_SECRET_KLING_SECRET, "KLING_SECRET_KEY", "KLING_SECRET_KEY", N_("Kling secret key"),
    N_("No Kling secret key. Set KLING_ACCESS_KEY and KLING_SECRET_KEY or add the keys in "
       "Preferences → Providers.") },
  { HEYAI_SECRET_KLING_API_KEY, "KLING_API_KEY", "KLING_API_KEY", N_("Kling API key"),
    N_("No Kling API key. Set KLING_API_KEY or add the key in Preferences → Providers.") },
  { HEYAI_SECRET_GOOGLE_CLIENT_ID, "HEYAI_GOOGLE_CLIENT_ID", "HEYAI_GOOGLE_CLIENT_ID",
    N_("Google OAuth client ID"),
    N_("No Google OAuth client. Set HEYAI_GOOGLE_CLIENT_ID and HEYAI_GOOGLE_CLIENT_SECRET or add "
       "them in Preferences → Storage.") },
  { HEYAI_SECRET_GOOGLE_CLIENT_SECRET, "HEYAI_GOOGLE_CLIENT_SECRET", "HEYAI_GOOGLE_CLIENT_SECRET",
    N_("Google OAuth client secret"),
    N_("No Google OAuth client. Set HEYAI_GOOGLE_CLIENT_ID and HEYAI_GOOGLE_CLIENT_SECRET or add "
       "them in Preferences → Storage.") },
  { HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, "HEYAI_DRIVE_REFRESH_TOKEN", "HEYAI_DRIVE_REFRESH_TOKEN",
    N_("Google Drive authorization"),
    N_("Google Drive is not connected. Connect Google Drive in Preferences → Storage, or set "
       "HEYAI_DRIVE_REFRESH_TOKEN.") },
};

static const SecretInfo *
find_info (const char *service)
{
  for (guint i = 0; i < G_N_ELEMENTS (infos); i++)
    if (g_strcmp0 (infos[i].service, service) == 0)
      return &infos[i];
  return NULL;
}

static const SecretSchema *
get_schema (void)
{
  static SecretSchema schema;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      const char *name = g_getenv ("HEYAI_SECRET_SCHEMA");

      schema.name = g_intern_string (name != NULL && *name != '\0' ? name : HEYAI_SECRET_SCHEMA_NAME);
      schema.flags = SECRET_SCHEMA_DONT_MATCH_NAME;
      schema.attributes[0].name = "service";
      schema.attributes[0].type = SECRET_SCHEMA_ATTRIBUTE_STRING;
      g_once_init_leave (&once, 1);
    }
  return &schema;
}

const char *
heyai_secrets_env_description (const char *service)
{
  const SecretInfo *info = find_info (service);

  return info != NULL ? info->env_text : NULL;
}

const char *
heyai_secrets_label (const char *service)
{
  const SecretInfo *info = find_info (service);

  return info != NULL ? _(info->label) : service;
}

static const char *
nonempty_env (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

gboolean
heyai_secrets_split_pair (const char  *pair,
                          char       **out_key,
                          char       **out_secret)
{
  const char *colon;

  if (out_key != NULL)
    *out_key = NULL;
  if (out_secret != NULL)
    *out_secret = NULL;
  if (pair == NULL || (colon = strchr (pair, ':')) == NULL || colon == pair || colon[1] == '\0')
    return FALSE;

  if (out_key != NULL)
    *out_key = g_strndup (pair, colon - pair);
  if (out_secret != NULL)
    *out_secret = g_strdup (colon + 1);
  return TRUE;
}

void
heyai_secrets_protect_process (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      struct rlimit none = { 0, 0 };

      if (g_strcmp0 (g_getenv ("HEYAI_ALLOW_CORE_DUMPS"), "1") != 0)
        {
          /* No core file, and no ptrace/core by others of the same user:
           * a core would hold every key in memory. */
          if (setrlimit (RLIMIT_CORE, &none) != 0)
            g_debug ("setrlimit (RLIMIT_CORE, 0) failed: %s", g_strerror (errno));
          if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
            g_debug ("prctl (PR_SET_DUMPABLE, 0) failed: %s", g_strerror (errno));
        }
      g_once_init_leave (&once, 1);
    }
}

/* Every secret handed out is in use: the process stops dumping core and
 * the redactor learns the value (and a key pair's halves). */
static void
register_in_use (const char *secret)
{
  g_autofree char *key = NULL;
  g_autofree char *half = NULL;

  if (secret == NULL || *secret == '\0')
    return;
  heyai_secrets_protect_process ();
  heyai_http_redact_add_secret (secret);
  if (heyai_secrets_split_pair (secret, &key, &half))
    {
      heyai_http_redact_add_secret (key);
      heyai_http_redact_add_secret (half);
    }
}

void
heyai_secrets_register_in_use (const char *secret)
{
  register_in_use (secret);
}

char *
heyai_secrets_dup_from_env (const char *service)
{
  const SecretInfo *info = find_info (service);

  if (info == NULL)
    return NULL;

  if (g_strcmp0 (service, HEYAI_SECRET_HIGGSFIELD) == 0)
    {
      const char *key = nonempty_env ("HF_API_KEY");
      const char *secret = nonempty_env ("HF_API_SECRET");
      const char *pair;

      char *value = NULL;

      if (key != NULL && secret != NULL)
        value = g_strdup_printf ("%s:%s", key, secret);
      else
        {
          pair = nonempty_env ("HF_CREDENTIALS");
          if (pair == NULL)
            pair = nonempty_env ("HF_KEY");
          if (pair != NULL && heyai_secrets_split_pair (pair, NULL, NULL))
            value = g_strdup (pair);
        }
      register_in_use (value);
      return value;
    }

  register_in_use (nonempty_env (info->env));
  return g_strdup (nonempty_env (info->env));
}

void
heyai_secrets_set_missing_error (GError    **error,
                                 const char *service)
{
  const SecretInfo *info = find_info (service);

  if (info == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("No credentials for “%s”. Add them in Preferences → Providers."), service);
      return;
    }
  g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS, _(info->missing));
}

/* ---------------------------------------------------------------------- */
/* Keyring                                                                 */

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
heyai_secrets_store_async (const char          *service,
                           const char          *secret,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  g_autofree char *label = NULL;

  g_return_if_fail (service != NULL);
  g_return_if_fail (secret != NULL);

  register_in_use (secret);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_store_async);
  /* TRANSLATORS: the keyring item's label, %s is e.g. "OpenAI API key" */
  label = g_strdup_printf (_("HeyAI Studio: %s"), heyai_secrets_label (service));
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                         store_cb, task, "service", service, NULL);
}

gboolean
heyai_secrets_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      char *copy = g_strdup (secret);

      register_in_use (copy);
      secret_password_free (secret);
      g_task_return_pointer (task, copy, g_free);
    }
}

void
heyai_secrets_lookup_async (const char          *service,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (service != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_lookup_async);
  secret_password_lookup (get_schema (), cancellable, lookup_cb, task,
                          "service", service, NULL);
}

char *
heyai_secrets_lookup_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
heyai_secrets_clear_async (const char          *service,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (service != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_clear_async);
  secret_password_clear (get_schema (), cancellable, clear_cb, task, "service", service, NULL);
}

gboolean
heyai_secrets_clear_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Environment, then keyring                                               */

static void
get_lookup_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  const char *service = g_task_get_task_data (task);
  char *secret;
  GError *missing = NULL;

  secret = heyai_secrets_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    g_debug ("keyring lookup of %s failed: %s", service, error->message);

  if (secret != NULL && *secret != '\0')
    {
      g_task_return_pointer (task, secret, g_free);
      return;
    }
  g_free (secret);

  heyai_secrets_set_missing_error (&missing, service);
  g_task_return_error (task, missing);
}

void
heyai_secrets_get_async (const char          *service,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *value;

  g_return_if_fail (service != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_get_async);
  g_task_set_task_data (task, g_strdup (service), g_free);

  value = heyai_secrets_dup_from_env (service);
  if (value != NULL)
    {
      g_task_return_pointer (task, value, g_free);
      return;
    }

  heyai_secrets_lookup_async (service, cancellable, get_lookup_cb, g_steal_pointer (&task));
}

char *
heyai_secrets_get_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
