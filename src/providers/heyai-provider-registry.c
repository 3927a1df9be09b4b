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

#include <string.h>

#include "heyai-providers.h"
#include "heyai-provider-descriptors.h"
#include "heyai-llm-offline.h"
#include "heyai-imager-offline.h"
#include "heyai-animator-offline.h"
#include "heyai-storage-local.h"
#include "heyai-llm-openai.h"
#include "heyai-llm-anthropic.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-animator-kling.h"
#include "heyai-storage-gdrive.h"

typedef HeyaiProviderDescriptor HeyaiProviderEntry;

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

static const char * const openai_keys[] = { "OPENAI_API_KEY", NULL };
static const char * const anthropic_keys[] = { "ANTHROPIC_API_KEY", NULL };
static const char * const higgsfield_keys[] = { "HF_API_KEY", "HF_API_SECRET", "HF_CREDENTIALS", NULL };
static const char * const kling_keys[] = { "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_API_KEY", NULL };
static const char * const gdrive_keys[] = { "HEYAI_GOOGLE_CLIENT_ID", "HEYAI_GOOGLE_CLIENT_SECRET",
                                            "HEYAI_DRIVE_REFRESH_TOKEN", NULL };

/* The provider descriptor table (heyai-provider-descriptors.h).  The first
 * entry of each role is its default.  The offline animator encodes on this
 * machine: one clip per processor. */
static const HeyaiProviderEntry registry[] = {
  { .role = HEYAI_ROLE_LLM, .name = "offline", .label = N_("Offline splitter"),
    .default_jobs = 1, .max_jobs = 0, .create = create_llm_offline },
  { .role = HEYAI_ROLE_LLM, .name = "openai", .label = N_("OpenAI"),
    .base_url_env = "HEYAI_OPENAI_BASE_URL", .base_url = "https://api.openai.com/v1",
    .key_env = openai_keys, .default_jobs = 1, .max_jobs = 0, .create = heyai_llm_openai_create },
  { .role = HEYAI_ROLE_LLM, .name = "anthropic", .label = N_("Anthropic"),
    .base_url_env = "HEYAI_ANTHROPIC_BASE_URL", .base_url = "https://api.anthropic.com",
    .key_env = anthropic_keys, .default_jobs = 1, .max_jobs = 0, .create = heyai_llm_anthropic_create },
  { .role = HEYAI_ROLE_IMAGER, .name = "offline", .label = N_("Offline storyboard"),
    .default_jobs = 4, .max_jobs = 0, .create = create_imager_offline },
  { .role = HEYAI_ROLE_IMAGER, .name = "higgsfield", .label = N_("Higgsfield"),
    .base_url_env = "HEYAI_HIGGSFIELD_BASE_URL", .base_url = "https://api.higgsfield.ai",
    .key_env = higgsfield_keys, .default_jobs = 4, .max_jobs = 64,
    .create = heyai_imager_higgsfield_create,
    /* soul/reference takes one; the text-to-image models none (the result says so) */
    .max_references = 1 },
  { .role = HEYAI_ROLE_ANIMATOR, .name = "offline", .label = N_("Offline Ken Burns"),
    .default_jobs = HEYAI_PROVIDER_JOBS_PER_PROCESSOR, .max_jobs = 0, .create = create_animator_offline },
  { .role = HEYAI_ROLE_ANIMATOR, .name = "kling", .label = N_("Kling"),
    .base_url_env = "HEYAI_KLING_BASE_URL", .base_url = "https://api-singapore.klingai.com",
    .key_env = kling_keys, .default_jobs = 2, .max_jobs = 64, .still_limits = &heyai_kling_still_limits,
    .create = heyai_animator_kling_create, .max_references = HEYAI_KLING_MAX_REFERENCES, .end_frame = TRUE },
  { .role = HEYAI_ROLE_STORAGE, .name = "local", .label = N_("Local folder"),
    .default_jobs = 4, .max_jobs = 0, .create = create_storage_local },
  { .role = HEYAI_ROLE_STORAGE, .name = "gdrive", .label = N_("Google Drive"),
    .key_env = gdrive_keys, .default_jobs = 4, .max_jobs = 0, .create = heyai_storage_gdrive_create },
};

const HeyaiProviderDescriptor *
heyai_provider_descriptors (guint *n_descriptors)
{
  if (n_descriptors != NULL)
    *n_descriptors = G_N_ELEMENTS (registry);
  return registry;
}

const HeyaiProviderDescriptor *
heyai_provider_descriptor_lookup (HeyaiRole    role,
                                  const char  *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    if (registry[i].role == role && g_ascii_strcasecmp (registry[i].name, name) == 0)
      return &registry[i];
  return NULL;
}

const char *
heyai_provider_descriptor_label (const HeyaiProviderDescriptor *descriptor)
{
  g_return_val_if_fail (descriptor != NULL, NULL);
  return _(descriptor->label);
}

char *
heyai_provider_descriptor_dup_base_url (const HeyaiProviderDescriptor *descriptor)
{
  const char *env;

  g_return_val_if_fail (descriptor != NULL, NULL);

  if (descriptor->base_url == NULL)
    return NULL;
  env = descriptor->base_url_env != NULL ? g_getenv (descriptor->base_url_env) : NULL;
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_strdup (descriptor->base_url);
}

char *
heyai_provider_describe_choices (HeyaiRole role)
{
  const char * const *names = heyai_provider_names (role);
  guint n = g_strv_length ((char **) names);
  g_autofree char *head = NULL;

  if (n == 0)
    return g_strdup ("");
  if (n == 1)
    return g_strdup (names[0]);
  head = g_strjoinv (", ", (char **) names);
  /* "a, b, c" -> "a, b or c" */
  head[strlen (head) - strlen (names[n - 1]) - 2] = '\0';
  /* TRANSLATORS: the last two of a list of provider names: "anthropic or offline" */
  return g_strdup_printf (_("%s or %s"), head, names[n - 1]);
}

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
    return heyai_provider_descriptor_label (heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, "anthropic"));
  if (HEYAI_IS_IMAGER_HIGGSFIELD (provider))
    return heyai_provider_descriptor_label (heyai_provider_descriptor_lookup (HEYAI_ROLE_IMAGER, "higgsfield"));
  if (HEYAI_IS_ANIMATOR_KLING (provider))
    return heyai_provider_descriptor_label (heyai_provider_descriptor_lookup (HEYAI_ROLE_ANIMATOR, "kling"));
  if (HEYAI_IS_STORAGE_GDRIVE (provider))
    return heyai_provider_descriptor_label (heyai_provider_descriptor_lookup (HEYAI_ROLE_STORAGE, "gdrive"));
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
