/* heyai-provider-registry.c: providers by role and name.
 *
 * One table: adding a provider is one line in `registry` below (its role,
 * its name and a `GObject *(*) (const char *data_dir, GError **error)`
 * constructor).  An entry whose constructor is NULL is known but not built
 * yet, and says so clearly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-providers.h"
#include "heyai-llm-offline.h"
#include "heyai-imager-offline.h"
#include "heyai-animator-offline.h"
#include "heyai-storage-local.h"
#include "heyai-llm-openai.h"
#include "heyai-llm-anthropic.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-animator-kling.h"
#include "heyai-storage-gdrive.h"

typedef GObject *(*HeyaiProviderCtor) (const char  *data_dir,
                                       GError     **error);

typedef struct
{
  HeyaiRole          role;
  const char        *name;
  const char        *label;   /* for messages: "OpenAI", "Kling", ... */
  HeyaiProviderCtor  create;  /* NULL: not available in this build yet */
} HeyaiProviderEntry;

static GObject *
create_llm_offline (const char  *data_dir,
                    GError     **error)
{
  return G_OBJECT (heyai_llm_offline_new ());
}

static GObject *
create_imager_offline (const char  *data_dir,
                       GError     **error)
{
  return G_OBJECT (heyai_imager_offline_new ());
}

static GObject *
create_animator_offline (const char  *data_dir,
                         GError     **error)
{
  return G_OBJECT (heyai_animator_offline_new ());
}

static GObject *
create_storage_local (const char  *data_dir,
                      GError     **error)
{
  return G_OBJECT (heyai_storage_local_new (data_dir));
}

/* The first entry of each role is its default. */
static const HeyaiProviderEntry registry[] = {
  { HEYAI_ROLE_LLM,      "offline",    N_("Offline splitter"), create_llm_offline },
  { HEYAI_ROLE_LLM,      "openai",     "OpenAI",               heyai_llm_openai_create },
  { HEYAI_ROLE_LLM,      "anthropic",  "Anthropic",            heyai_llm_anthropic_create },
  { HEYAI_ROLE_IMAGER,   "offline",    N_("Offline storyboard"), create_imager_offline },
  { HEYAI_ROLE_IMAGER,   "higgsfield", "Higgsfield",           heyai_imager_higgsfield_create },
  { HEYAI_ROLE_ANIMATOR, "offline",    N_("Offline Ken Burns"), create_animator_offline },
  { HEYAI_ROLE_ANIMATOR, "kling",      "Kling",                heyai_animator_kling_create },
  { HEYAI_ROLE_STORAGE,  "local",      N_("Local folder"),     create_storage_local },
  { HEYAI_ROLE_STORAGE,  "gdrive",     "Google Drive",         heyai_storage_gdrive_create },
};

#define N_ROLES (HEYAI_ROLE_STORAGE + 1)

const char * const *
heyai_provider_names (HeyaiRole role)
{
  static const char *names[N_ROLES][G_N_ELEMENTS (registry) + 1];
  static gsize initialized = 0;

  g_return_val_if_fail ((guint) role < N_ROLES, NULL);

  if (g_once_init_enter (&initialized))
    {
      guint counts[N_ROLES] = { 0 };

      for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
        {
          HeyaiRole r = registry[i].role;

          names[r][counts[r]++] = registry[i].name;
        }
      g_once_init_leave (&initialized, 1);
    }

  return names[role];
}

static const char *
default_name (HeyaiRole role)
{
  return heyai_provider_names (role)[0];
}

static void
set_unknown_error (GError     **error,
                   HeyaiRole    role,
                   const char  *name)
{
  g_autofree char *choices = g_strjoinv (", ", (char **) heyai_provider_names (role));

  switch (role)
    {
    case HEYAI_ROLE_LLM:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Unknown LLM “%s”. Choose one of: %s."), name, choices);
      break;
    case HEYAI_ROLE_IMAGER:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Unknown imager “%s”. Choose one of: %s."), name, choices);
      break;
    case HEYAI_ROLE_ANIMATOR:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Unknown animator “%s”. Choose one of: %s."), name, choices);
      break;
    case HEYAI_ROLE_STORAGE:
    default:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Unknown storage “%s”. Choose one of: %s."), name, choices);
      break;
    }
}

GObject *
heyai_provider_create (HeyaiRole    role,
                       const char  *name,
                       const char  *data_dir,
                       GError     **error)
{
  g_return_val_if_fail ((guint) role < N_ROLES, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL || *name == '\0')
    name = default_name (role);

  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    {
      const HeyaiProviderEntry *entry = &registry[i];

      if (entry->role != role || g_ascii_strcasecmp (entry->name, name) != 0)
        continue;

      if (entry->create == NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                       _("%s (“%s”) is not available in this build of HeyAI Studio yet. "
                         "Use “%s” instead."),
                       _(entry->label), entry->name, default_name (role));
          return NULL;
        }

      return entry->create (data_dir, error);
    }

  set_unknown_error (error, role, name);
  return NULL;
}

const char *
heyai_provider_resolve_name (HeyaiRole    role,
                             const char  *flag,
                             const char  *setting)
{
  static const char * const env_vars[N_ROLES] = {
    [HEYAI_ROLE_LLM] = "HEYAI_LLM",
    [HEYAI_ROLE_IMAGER] = "HEYAI_IMAGER",
    [HEYAI_ROLE_ANIMATOR] = "HEYAI_ANIMATOR",
    [HEYAI_ROLE_STORAGE] = "HEYAI_STORAGE",
  };
  const char *env;

  g_return_val_if_fail ((guint) role < N_ROLES, NULL);

  if (flag != NULL && *flag != '\0')
    return flag;

  env = g_getenv (env_vars[role]);
  if (env != NULL && *env != '\0')
    return env;

  if (setting != NULL && *setting != '\0')
    return setting;

  return default_name (role);
}

/* ---------------------------------------------------------------------- */
/* Test connection                                                         */

static const char *
provider_label (GObject *provider)
{
  if (HEYAI_IS_LLM_OPENAI (provider))
    return heyai_http_get_label (heyai_llm_openai_get_http (HEYAI_LLM_OPENAI (provider)));
  if (HEYAI_IS_LLM_ANTHROPIC (provider))
    return heyai_service_label (HEYAI_SERVICE_ANTHROPIC);
  if (HEYAI_IS_IMAGER_HIGGSFIELD (provider))
    return heyai_service_label (HEYAI_SERVICE_HIGGSFIELD);
  if (HEYAI_IS_ANIMATOR_KLING (provider))
    return heyai_service_label (HEYAI_SERVICE_KLING);
  if (HEYAI_IS_STORAGE_GDRIVE (provider))
    return heyai_service_label (HEYAI_SERVICE_DRIVE);
  return NULL;
}

static void
test_done (GTask        *task,
           gboolean      ok,
           GError       *error)
{
  GObject *provider = g_task_get_task_data (task);
  const char *label = provider_label (provider);

  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Translators: %s is a service ("OpenAI", "Kling", ...) */
  g_task_return_pointer (task, g_strdup_printf (_("%s: key accepted."), label), g_free);
}

static void
test_models_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_auto(GStrv) ids = heyai_llm_openai_list_models_finish (HEYAI_LLM_OPENAI (source), result, &error);

  test_done (task, ids != NULL, error);
}

static void
test_anthropic_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok = heyai_llm_anthropic_test_finish (HEYAI_LLM_ANTHROPIC (source), result, &error);

  test_done (task, ok, error);
}

static void
test_higgsfield_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok = heyai_imager_higgsfield_test_finish (HEYAI_IMAGER_HIGGSFIELD (source), result, &error);

  test_done (task, ok, error);
}

static void
test_kling_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean ok = heyai_animator_kling_test_finish (HEYAI_ANIMATOR_KLING (source), result, &error);

  test_done (task, ok, error);
}

static void
test_drive_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *token = heyai_oauth_get_token_finish (HEYAI_OAUTH (source), result, &error);

  if (token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (_("Google Drive: connected, access granted.")), g_free);
}

void
heyai_provider_test_async (GObject             *provider,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (G_IS_OBJECT (provider));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_provider_test_async);
  g_task_set_task_data (task, g_object_ref (provider), g_object_unref);

  if (HEYAI_IS_LLM_OPENAI (provider))
    heyai_llm_openai_list_models_async (HEYAI_LLM_OPENAI (provider), cancellable, test_models_cb, task);
  else if (HEYAI_IS_LLM_ANTHROPIC (provider))
    heyai_llm_anthropic_test_async (HEYAI_LLM_ANTHROPIC (provider), cancellable, test_anthropic_cb, task);
  else if (HEYAI_IS_IMAGER_HIGGSFIELD (provider))
    heyai_imager_higgsfield_test_async (HEYAI_IMAGER_HIGGSFIELD (provider), cancellable, test_higgsfield_cb, task);
  else if (HEYAI_IS_ANIMATOR_KLING (provider))
    heyai_animator_kling_test_async (HEYAI_ANIMATOR_KLING (provider), cancellable, test_kling_cb, task);
  else if (HEYAI_IS_STORAGE_GDRIVE (provider))
    heyai_oauth_get_token_async (heyai_drive_get_oauth (heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (provider))),
                                 cancellable, test_drive_cb, task);
  else
    {
      /* Offline and local providers: nothing remote to reach. */
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
    }
}

char *
heyai_provider_test_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
heyai_provider_display_name (int         role,
                             const char *name)
{
  g_return_val_if_fail (role < (int) N_ROLES, name);

  if (name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    if ((role < 0 || registry[i].role == (HeyaiRole) role) && g_ascii_strcasecmp (registry[i].name, name) == 0)
      return _(registry[i].label);
  return name;
}
