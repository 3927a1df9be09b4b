/* heyai-provider-registry.c: providers by role and name.
 *
 * One table: adding a provider is one row in `registry` below (its role,
 * its name, a `GObject *(*) (const char *data_dir, GError **error)`
 * constructor, its keyring entries and their variables (`secrets`: the
 * one list of them), its prices and its
 * Test Connection call) plus the provider's own file.  An entry whose
 * constructor is NULL is known but not built yet, and says so clearly.
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

/* Test Connection: each paid provider's cheap authenticated call, as
 * GObject functions for the table (heyai_provider_test_async). */
#define TEST_FUNCS(prefix, CAST)                                                        \
  static void                                                                                 \
  prefix##_test_async (GObject *provider, GCancellable *cancellable,                         \
                       GAsyncReadyCallback callback, gpointer user_data)                      \
  {                                                                                           \
    heyai_##prefix##_test_async (CAST (provider), cancellable, callback, user_data);          \
  }                                                                                           \
  static gboolean                                                                             \
  prefix##_test_finish (GObject *provider, GAsyncResult *result, GError **error)             \
  {                                                                                           \
    return heyai_##prefix##_test_finish (CAST (provider), result, error);                     \
  }

TEST_FUNCS (llm_anthropic, HEYAI_LLM_ANTHROPIC)
TEST_FUNCS (remote_provider, HEYAI_REMOTE_PROVIDER)
#undef TEST_FUNCS

/* OpenAI (and compatible servers): listing the models needs the key. */
static void
llm_openai_test_async (GObject             *provider,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  heyai_llm_openai_list_models_async (HEYAI_LLM_OPENAI (provider), cancellable, callback, user_data);
}

static gboolean
llm_openai_test_finish (GObject       *provider,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_auto(GStrv) ids = heyai_llm_openai_list_models_finish (HEYAI_LLM_OPENAI (provider), result, error);

  return ids != NULL;
}

/* "The OpenAI-compatible server" unless it is OpenAI's own. */
static const char *
llm_openai_test_label (GObject *provider)
{
  return heyai_http_get_label (heyai_llm_openai_get_http (HEYAI_LLM_OPENAI (provider)));
}

/* Google Drive: an access token from the stored sign-in. */
static HeyaiOauth *
gdrive_oauth (GObject *provider)
{
  return heyai_drive_get_oauth (heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (provider)));
}

static void
storage_gdrive_test_async (GObject             *provider,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  heyai_oauth_get_token_async (gdrive_oauth (provider), cancellable, callback, user_data);
}

static gboolean
storage_gdrive_test_finish (GObject       *provider,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_autofree char *token = heyai_oauth_get_token_finish (gdrive_oauth (provider), result, error);

  return token != NULL;
}

/* Keyring entries: the `service` attribute, the variables, the messages.
 * Each is a field (or two halves) of the provider's row in Preferences. */
static const HeyaiSecretSpec openai_secret = {
  .service = "openai", .label = N_("OpenAI API key"),
  .missing = N_("No OpenAI API key. Set OPENAI_API_KEY or add the key in Preferences → Providers."),
  .env = (const char * const []) { "OPENAI_API_KEY", NULL }, .env_text = "OPENAI_API_KEY",
};
static const HeyaiSecretSpec anthropic_secret = {
  .service = "anthropic", .label = N_("Anthropic API key"),
  .missing = N_("No Anthropic API key. Set ANTHROPIC_API_KEY or add the key in Preferences → Providers."),
  .env = (const char * const []) { "ANTHROPIC_API_KEY", NULL }, .env_text = "ANTHROPIC_API_KEY",
};
/* One entry "key:secret" (what the service's Authorization header takes
 * and HF_CREDENTIALS holds), edited as two fields. */
static const HeyaiSecretSpec higgsfield_secret = {
  .service = "higgsfield", .label = N_("Higgsfield API key"),
  .missing = N_("No Higgsfield API key. Set HF_API_KEY and HF_API_SECRET (or HF_CREDENTIALS=key:secret) "
                "or add the key in Preferences → Providers."),
  .env = (const char * const []) { "HF_CREDENTIALS", "HF_KEY", NULL },
  .env_first = "HF_API_KEY", .env_second = "HF_API_SECRET",
  .env_text = "HF_API_KEY and HF_API_SECRET (or HF_CREDENTIALS=key:secret)", .pair = TRUE,
};
static const HeyaiSecretSpec kling_access_secret = {
  .service = "kling-access", .label = N_("Kling access key"),
  .missing = N_("No Kling access key. Set KLING_ACCESS_KEY and KLING_SECRET_KEY or add the keys in "
                "Preferences → Providers."),
  .env = (const char * const []) { "KLING_ACCESS_KEY", NULL }, .env_text = "KLING_ACCESS_KEY",
};
static const HeyaiSecretSpec kling_secret_secret = {
  .service = "kling-secret", .label = N_("Kling secret key"),
  .missing = N_("No Kling secret key. Set KLING_ACCESS_KEY and KLING_SECRET_KEY or add the keys in "
                "Preferences → Providers."),
  .env = (const char * const []) { "KLING_SECRET_KEY", NULL }, .env_text = "KLING_SECRET_KEY",
};
static const HeyaiSecretSpec kling_api_key_secret = {
  .service = "kling-api-key", .label = N_("Kling API key"),
  .missing = N_("No Kling API key. Set KLING_API_KEY or add the key in Preferences → Providers."),
  .env = (const char * const []) { "KLING_API_KEY", NULL }, .env_text = "KLING_API_KEY",
};

/* The provider descriptor table (heyai-provider-descriptors.h).  The first
 * entry of each role is its default.  The offline animator encodes on this
 * machine: one clip per processor. */
static const HeyaiProviderEntry registry[] = {
  { .role = HEYAI_ROLE_LLM, .name = "offline", .label = N_("Offline splitter"),
    .default_jobs = 1, .max_jobs = 0, .create = create_llm_offline },
  { .role = HEYAI_ROLE_LLM, .name = "openai", .label = N_("OpenAI"),
    .base_url_env = "HEYAI_OPENAI_BASE_URL", .base_url = "https://api.openai.com/v1",
    .default_jobs = 1, .max_jobs = 0, .create = heyai_llm_openai_create,
    .secrets = (const HeyaiProviderSecret []) {
      { &openai_secret, N_("API Key"), HEYAI_SECRET_PART_WHOLE }, { 0 } },
    .get_type = heyai_llm_openai_get_type,
    .test_async = llm_openai_test_async, .test_finish = llm_openai_test_finish,
    .test_label = llm_openai_test_label, .model_setting = "llm-model", .base_url_setting = "openai-base-url" },
  { .role = HEYAI_ROLE_LLM, .name = "anthropic", .label = N_("Anthropic"),
    .base_url_env = "HEYAI_ANTHROPIC_BASE_URL", .base_url = "https://api.anthropic.com",
    .default_jobs = 1, .max_jobs = 0, .create = heyai_llm_anthropic_create,
    .secrets = (const HeyaiProviderSecret []) {
      { &anthropic_secret, N_("API Key"), HEYAI_SECRET_PART_WHOLE }, { 0 } },
    .get_type = heyai_llm_anthropic_get_type,
    .test_async = llm_anthropic_test_async, .test_finish = llm_anthropic_test_finish,
    .model_setting = "llm-model", .base_url_setting = "anthropic-base-url" },
  { .role = HEYAI_ROLE_IMAGER, .name = "offline", .label = N_("Offline storyboard"),
    .default_jobs = 4, .max_jobs = 0, .create = create_imager_offline },
  { .role = HEYAI_ROLE_IMAGER, .name = "higgsfield", .label = N_("Higgsfield"),
    .base_url_env = "HEYAI_HIGGSFIELD_BASE_URL", .base_url = "https://api.higgsfield.ai",
    .default_jobs = 4, .max_jobs = 64,
    .create = heyai_imager_higgsfield_create,
    .secrets = (const HeyaiProviderSecret []) {
      { &higgsfield_secret, N_("API Key"), HEYAI_SECRET_PART_FIRST },
      { &higgsfield_secret, N_("API Secret"), HEYAI_SECRET_PART_SECOND }, { 0 } },
    .prices = (const HeyaiProviderPrice []) {
      { "image", N_("Still (standard resolution; 4K costs twice)"), HEYAI_HIGGSFIELD_PRICE_STANDARD }, { 0 } },
    .get_type = heyai_imager_higgsfield_get_type,
    .test_async = remote_provider_test_async, .test_finish = remote_provider_test_finish,
    .model_setting = "imager-model", .base_url_setting = "higgsfield-base-url",
    /* soul/reference takes one; the text-to-image models none (the result says so) */
    .max_references = 1 },
  { .role = HEYAI_ROLE_ANIMATOR, .name = "offline", .label = N_("Offline Ken Burns"),
    .default_jobs = HEYAI_PROVIDER_JOBS_PER_PROCESSOR, .max_jobs = 0, .create = create_animator_offline },
  { .role = HEYAI_ROLE_ANIMATOR, .name = "kling", .label = N_("Kling"),
    .base_url_env = "HEYAI_KLING_BASE_URL", .base_url = "https://api-singapore.klingai.com",
    .default_jobs = 2, .max_jobs = 64, .still_limits = &heyai_kling_still_limits,
    .create = heyai_animator_kling_create,
    .secrets = (const HeyaiProviderSecret []) {
      { &kling_access_secret, N_("Access Key"), HEYAI_SECRET_PART_WHOLE },
      { &kling_secret_secret, N_("Secret Key"), HEYAI_SECRET_PART_WHOLE },
      { &kling_api_key_secret, NULL, HEYAI_SECRET_PART_WHOLE }, { 0 } },
    .prices = (const HeyaiProviderPrice []) {
      { "clip", N_("5-second clip (10 seconds cost twice)"), HEYAI_KLING_PRICE_STD_5 }, { 0 } },
    .get_type = heyai_animator_kling_get_type,
    .test_async = remote_provider_test_async, .test_finish = remote_provider_test_finish,
    .model_setting = "animator-model", .max_references = HEYAI_KLING_MAX_REFERENCES, .end_frame = TRUE },
  { .role = HEYAI_ROLE_STORAGE, .name = "local", .label = N_("Local folder"),
    .default_jobs = 4, .max_jobs = 0, .create = create_storage_local },
  { .role = HEYAI_ROLE_STORAGE, .name = "gdrive", .label = N_("Google Drive"),
    .default_jobs = 4, .max_jobs = 0, .create = heyai_storage_gdrive_create,
    .secrets = (const HeyaiProviderSecret []) {
      { HEYAI_SECRET_GOOGLE_CLIENT_ID, N_("Google Cloud Client ID"), HEYAI_SECRET_PART_WHOLE },
      { HEYAI_SECRET_GOOGLE_CLIENT_SECRET, N_("Google Cloud Client Secret"), HEYAI_SECRET_PART_WHOLE },
      { HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, NULL, HEYAI_SECRET_PART_WHOLE }, { 0 } },
    .get_type = heyai_storage_gdrive_get_type,
    .test_async = storage_gdrive_test_async, .test_finish = storage_gdrive_test_finish },
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

gboolean
heyai_provider_is_paid (HeyaiRole   role,
                        const char *name)
{
  const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_lookup (role, name);

  /* A provider not in the table is taken to be paid (asked before use). */
  return descriptor == NULL || descriptor->secrets != NULL || descriptor->prices != NULL;
}

const HeyaiProviderDescriptor *
heyai_provider_descriptor_of (GObject *provider)
{
  g_return_val_if_fail (G_IS_OBJECT (provider), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    if (registry[i].get_type != NULL && G_TYPE_CHECK_INSTANCE_TYPE (provider, registry[i].get_type ()))
      return &registry[i];
  return NULL;
}

const HeyaiSecretSpec *
heyai_provider_secret_spec (const char *service)
{
  for (guint i = 0; i < G_N_ELEMENTS (registry); i++)
    for (const HeyaiProviderSecret *s = registry[i].secrets; s != NULL && s->secret != NULL; s++)
      if (g_strcmp0 (s->secret->service, service) == 0)
        return s->secret;
  g_error ("no provider has a keyring entry “%s”", service);
  return NULL;
}

const HeyaiSecretSpec *
heyai_provider_descriptor_secret (const HeyaiProviderDescriptor *descriptor,
                                  guint                          index)
{
  const HeyaiSecretSpec *last = NULL;

  g_return_val_if_fail (descriptor != NULL, NULL);

  for (const HeyaiProviderSecret *s = descriptor->secrets; s != NULL && s->secret != NULL; s++)
    if (s->secret != last)
      {
        last = s->secret;
        if (index-- == 0)
          return last;
      }
  return NULL;
}

double
heyai_provider_descriptor_price (const HeyaiProviderDescriptor *descriptor,
                                 const char                    *kind)
{
  g_return_val_if_fail (descriptor != NULL, 0);

  for (const HeyaiProviderPrice *p = descriptor->prices; p != NULL && p->kind != NULL; p++)
    if (g_strcmp0 (p->kind, kind) == 0)
      return p->usd;
  return 0;
}

const char *
heyai_provider_descriptor_label (const HeyaiProviderDescriptor *descriptor)
{
  g_return_val_if_fail (descriptor != NULL, NULL);
  return _(descriptor->label);
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
heyai_provider_role_env (HeyaiRole role)
{
  static const char * const env_vars[N_ROLES] = {
    [HEYAI_ROLE_LLM] = "HEYAI_LLM",
    [HEYAI_ROLE_IMAGER] = "HEYAI_IMAGER",
    [HEYAI_ROLE_ANIMATOR] = "HEYAI_ANIMATOR",
    [HEYAI_ROLE_STORAGE] = "HEYAI_STORAGE",
  };

  g_return_val_if_fail ((guint) role < N_ROLES, NULL);
  return env_vars[role];
}

const char *
heyai_provider_resolve_name (HeyaiRole    role,
                             const char  *flag,
                             const char  *setting)
{
  const char *env;

  g_return_val_if_fail ((guint) role < N_ROLES, NULL);

  if (flag != NULL && *flag != '\0')
    return flag;

  env = g_getenv (heyai_provider_role_env (role));
  if (env != NULL && *env != '\0')
    return env;

  if (setting != NULL && *setting != '\0')
    return setting;

  return default_name (role);
}

/* ---------------------------------------------------------------------- */
/* Test connection                                                         */

/* The one callback: the descriptor's finish function says whether the
 * call went through; the message names the provider. */
static void
test_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const HeyaiProviderDescriptor *descriptor = g_object_get_data (G_OBJECT (task), "descriptor");
  GObject *provider = g_task_get_task_data (task);
  GError *error = NULL;
  const char *label;

  if (!descriptor->test_finish (provider, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  label = descriptor->test_label != NULL ? descriptor->test_label (provider)
                                         : heyai_provider_descriptor_label (descriptor);
  if (descriptor->role == HEYAI_ROLE_STORAGE)
    /* Translators: %s is a storage service ("Google Drive") */
    g_task_return_pointer (task, g_strdup_printf (_("%s: connected, access granted."), label), g_free);
  else
    /* Translators: %s is a service ("OpenAI", "Kling", ...) */
    g_task_return_pointer (task, g_strdup_printf (_("%s: key accepted."), label), g_free);
}

void
heyai_provider_test_async (GObject             *provider,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  const HeyaiProviderDescriptor *descriptor;
  GTask *task;

  g_return_if_fail (G_IS_OBJECT (provider));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_provider_test_async);
  g_task_set_task_data (task, g_object_ref (provider), g_object_unref);

  descriptor = heyai_provider_descriptor_of (provider);
  if (descriptor == NULL || descriptor->test_async == NULL)
    {
      /* Offline and local providers: nothing remote to reach. */
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }
  g_assert (descriptor->test_finish != NULL);
  g_object_set_data (G_OBJECT (task), "descriptor", (gpointer) descriptor);
  descriptor->test_async (provider, cancellable, test_cb, task);
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
