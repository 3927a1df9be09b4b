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
heyai_secrets_env_description (const HeyaiSecretSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);
  return spec->env_text;
}

const char *
heyai_secrets_label (const HeyaiSecretSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);
  return spec->label != NULL ? _(spec->label) : spec->service;
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

/* The first of @spec->env that is set (and, for a pair, splits). */
static const char *
whole_variable (const HeyaiSecretSpec *spec)
{
  for (guint i = 0; spec->env != NULL && spec->env[i] != NULL; i++)
    {
      const char *value = nonempty_env (spec->env[i]);

      if (value != NULL && (!spec->pair || heyai_secrets_split_pair (value, NULL, NULL)))
        return spec->env[i];
    }
  return NULL;
}

static gboolean
halves_set (const HeyaiSecretSpec *spec)
{
  return spec->env_first != NULL && spec->env_second != NULL &&
         nonempty_env (spec->env_first) != NULL && nonempty_env (spec->env_second) != NULL;
}

const char *
heyai_secrets_env_source (const HeyaiSecretSpec *spec,
                          HeyaiSecretPart        part)
{
  g_return_val_if_fail (spec != NULL, NULL);

  if (halves_set (spec))
    return part == HEYAI_SECRET_PART_SECOND ? spec->env_second : spec->env_first;
  return whole_variable (spec);
}

char *
heyai_secrets_dup_from_env (const HeyaiSecretSpec *spec)
{
  const char *variable;
  char *value = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  if (halves_set (spec))
    value = g_strdup_printf ("%s:%s", nonempty_env (spec->env_first), nonempty_env (spec->env_second));
  else if ((variable = whole_variable (spec)) != NULL)
    value = g_strdup (nonempty_env (variable));
  register_in_use (value);
  return value;
}

void
heyai_secrets_set_missing_error (GError               **error,
                                 const HeyaiSecretSpec *spec)
{
  g_return_if_fail (spec != NULL);

  if (spec->missing == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("No credentials for “%s”. Add them in Preferences → Providers."), spec->service);
      return;
    }
  g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS, _(spec->missing));
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
heyai_secrets_store_async (const HeyaiSecretSpec *spec,
                           const char          *secret,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  g_autofree char *label = NULL;

  g_return_if_fail (spec != NULL && spec->service != NULL);
  g_return_if_fail (secret != NULL);

  register_in_use (secret);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_store_async);
  /* TRANSLATORS: the keyring item's label, %s is e.g. "OpenAI API key" */
  label = g_strdup_printf (_("HeyAI Studio: %s"), heyai_secrets_label (spec));
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                         store_cb, task, "service", spec->service, NULL);
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
heyai_secrets_lookup_async (const HeyaiSecretSpec *spec,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (spec != NULL && spec->service != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_lookup_async);
  secret_password_lookup (get_schema (), cancellable, lookup_cb, task,
                          "service", spec->service, NULL);
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
heyai_secrets_clear_async (const HeyaiSecretSpec *spec,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (spec != NULL && spec->service != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_clear_async);
  secret_password_clear (get_schema (), cancellable, clear_cb, task, "service", spec->service, NULL);
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
  const HeyaiSecretSpec *spec = g_task_get_task_data (task);
  char *secret;
  GError *missing = NULL;

  secret = heyai_secrets_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    g_debug ("keyring lookup of %s failed: %s", spec->service, error->message);

  if (secret != NULL && *secret != '\0')
    {
      g_task_return_pointer (task, secret, g_free);
      return;
    }
  g_free (secret);

  heyai_secrets_set_missing_error (&missing, spec);
  g_task_return_error (task, missing);
}

void
heyai_secrets_get_async (const HeyaiSecretSpec *spec,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  char *value;

  g_return_if_fail (spec != NULL && spec->service != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_secrets_get_async);
  g_task_set_task_data (task, (gpointer) spec, NULL);

  value = heyai_secrets_dup_from_env (spec);
  if (value != NULL)
    {
      g_task_return_pointer (task, value, g_free);
      return;
    }

  heyai_secrets_lookup_async (spec, cancellable, get_lookup_cb, g_steal_pointer (&task));
}

char *
heyai_secrets_get_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
