/* heyai-workspace.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-pipeline"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-enums.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-llm-anthropic.h"
#include "heyai-llm-openai.h"
#include "heyai-secrets.h"
#include "heyai-storage-gdrive.h"
#include "heyai-workspace.h"

#define N_WS_ROLES 4

struct _HeyaiWorkspace
{
  GObject        parent_instance;

  HeyaiStore    *store;
  char          *data_dir;
  GSettings     *settings;      /* nullable */
  char          *provider[N_WS_ROLES];
  guint          concurrency[N_WS_ROLES];
  double         budget;        /* < 0: the setting */
  HeyaiPipeline *pipeline;
  gulong         running_handler;
  gboolean       stale;         /* rebuild the pipeline once idle */
};

G_DEFINE_FINAL_TYPE (HeyaiWorkspace, heyai_workspace, G_TYPE_OBJECT)

static const char *const provider_keys[N_WS_ROLES] = {
  "llm-provider", "imager-provider", "animator-provider", "storage-provider",
};
static const char *const model_keys[N_WS_ROLES] = {
  "llm-model", "imager-model", "animator-model", NULL,
};
static const char *const concurrency_keys[N_WS_ROLES] = {
  "concurrency-llm", "concurrency-imager", "concurrency-animator", "concurrency-storage",
};

static char *
setting_string (HeyaiWorkspace *self,
                const char     *key)
{
  if (self->settings == NULL || key == NULL)
    return NULL;
  return g_settings_get_string (self->settings, key);
}

/* The LLM base URL: the environment wins, then the setting (as a value). */
static GObject *
create_llm (HeyaiWorkspace  *self,
            const char      *name,
            GError         **error)
{
  const char *variable = g_str_equal (name, "openai") ? "HEYAI_OPENAI_BASE_URL" : "HEYAI_ANTHROPIC_BASE_URL";
  const char *key = g_str_equal (name, "openai") ? "openai-base-url" : "anthropic-base-url";
  g_autofree char *url = NULL;
  g_autofree char *api_key = NULL;

  if (g_getenv (variable) != NULL)
    return heyai_provider_create (HEYAI_ROLE_LLM, name, self->data_dir, error);

  url = setting_string (self, key);
  if (url == NULL || *url == '\0')
    return heyai_provider_create (HEYAI_ROLE_LLM, name, self->data_dir, error);

  if (g_str_equal (name, "openai"))
    {
      api_key = heyai_secrets_dup_from_env (HEYAI_SECRET_OPENAI);
      return G_OBJECT (heyai_llm_openai_new (url, api_key, NULL));
    }
  api_key = heyai_secrets_dup_from_env (HEYAI_SECRET_ANTHROPIC);
  return G_OBJECT (heyai_llm_anthropic_new (url, api_key, NULL));
}

/* The service settings of the 2026-12 contracts, as values (the environment
 * wins, and the providers read it themselves): the OpenAI API flavour, the
 * Higgsfield host, the Google Drive shared drive. */
static void
apply_service_settings (HeyaiWorkspace *self,
                        HeyaiRole       role,
                        const char     *name,
                        GObject        *provider)
{
  if (role == HEYAI_ROLE_LLM && HEYAI_IS_LLM_OPENAI (provider) && g_getenv ("HEYAI_OPENAI_API") == NULL)
    {
      g_autofree char *api = setting_string (self, "openai-api");
      g_autofree char *url = setting_string (self, "openai-base-url");
      const char *base = g_getenv ("HEYAI_OPENAI_BASE_URL");

      if (base == NULL && url != NULL && *url != '\0')
        base = url;
      heyai_llm_openai_set_api (HEYAI_LLM_OPENAI (provider), heyai_llm_openai_default_api (base, api));
    }
  else if (role == HEYAI_ROLE_STORAGE && HEYAI_IS_STORAGE_GDRIVE (provider) &&
           g_getenv ("HEYAI_DRIVE_SHARED_DRIVE_ID") == NULL)
    {
      g_autofree char *drive_id = setting_string (self, "drive-shared-drive-id");

      if (drive_id != NULL && *drive_id != '\0')
        heyai_drive_set_shared_drive_id (heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (provider)), drive_id);
    }
  (void) name;
}

/* Higgsfield on the host chosen in the settings (the environment wins). */
static GObject *
create_imager (HeyaiWorkspace  *self,
               const char      *name,
               GError         **error)
{
  g_autofree char *url = NULL;

  if (g_str_equal (name, "higgsfield") && g_getenv ("HEYAI_HIGGSFIELD_BASE_URL") == NULL)
    url = setting_string (self, "higgsfield-base-url");
  if (url == NULL || *url == '\0')
    return heyai_provider_create (HEYAI_ROLE_IMAGER, name, self->data_dir, error);
  {
    g_autofree char *pair = heyai_secrets_dup_from_env (HEYAI_SECRET_HIGGSFIELD);

    return G_OBJECT (heyai_imager_higgsfield_new (url, pair, NULL));
  }
}

static GObject *
create_provider (HeyaiWorkspace  *self,
                 HeyaiRole        role,
                 GError         **error)
{
  g_autofree char *setting = setting_string (self, provider_keys[role]);
  const char *name = heyai_provider_resolve_name (role, self->provider[role], setting);
  const char * const *names = heyai_provider_names (role);
  g_autofree char *model = NULL;
  GObject *provider;

  if (name == NULL)
    name = "offline";
  if (names != NULL && !g_strv_contains (names, name))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) names);

      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, _("Unknown %s provider “%s”: use %s"),
                   heyai_enum_to_string (HEYAI_TYPE_ROLE, role), name, known);
      return NULL;
    }

  if (role == HEYAI_ROLE_LLM && (g_str_equal (name, "openai") || g_str_equal (name, "anthropic")))
    provider = create_llm (self, name, error);
  else if (role == HEYAI_ROLE_IMAGER)
    provider = create_imager (self, name, error);
  else
    provider = heyai_provider_create (role, name, self->data_dir, error);
  if (provider == NULL)
    return NULL;

  apply_service_settings (self, role, name, provider);

  model = setting_string (self, model_keys[role]);
  if (model != NULL && *model != '\0' &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (provider), "model") != NULL)
    g_object_set (provider, "model", model, NULL);
  return provider;
}

static void
apply_limits (HeyaiWorkspace *self)
{
  if (self->pipeline == NULL)
    return;

  for (guint role = 0; role < N_WS_ROLES; role++)
    {
      guint limit = self->concurrency[role];

      if (limit == 0 && self->settings != NULL)
        limit = (guint) MAX (g_settings_get_int (self->settings, concurrency_keys[role]), 0);
      heyai_pipeline_set_concurrency (self->pipeline, (HeyaiRole) role, limit);
    }
  heyai_pipeline_set_budget (self->pipeline, heyai_workspace_get_budget (self));
}

static void
drop_pipeline (HeyaiWorkspace *self)
{
  if (self->pipeline == NULL)
    return;
  g_clear_signal_handler (&self->running_handler, self->pipeline);
  g_clear_object (&self->pipeline);
  self->stale = FALSE;
}

static void
pipeline_running_cb (HeyaiPipeline  *pipeline,
                     GParamSpec     *pspec,
                     HeyaiWorkspace *self)
{
  /* A configuration change made during the batch: the next one uses it. */
  if (self->stale && !heyai_pipeline_get_running (pipeline))
    drop_pipeline (self);
}

static void
settings_changed_cb (GSettings      *settings,
                     const char     *key,
                     HeyaiWorkspace *self)
{
  if (g_str_has_prefix (key, "concurrency-") || g_str_equal (key, "budget-cap"))
    apply_limits (self);
  else if (g_str_has_suffix (key, "-provider") || g_str_has_suffix (key, "-model") ||
           g_str_has_suffix (key, "-base-url") || g_str_equal (key, "openai-api") ||
           g_str_equal (key, "drive-shared-drive-id"))
    heyai_workspace_reload_providers (self);
}

static void
heyai_workspace_finalize (GObject *object)
{
  HeyaiWorkspace *self = HEYAI_WORKSPACE (object);

  drop_pipeline (self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_free (self->data_dir);
  for (guint i = 0; i < N_WS_ROLES; i++)
    g_free (self->provider[i]);

  G_OBJECT_CLASS (heyai_workspace_parent_class)->finalize (object);
}

static void
heyai_workspace_class_init (HeyaiWorkspaceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heyai_workspace_finalize;
}

static void
heyai_workspace_init (HeyaiWorkspace *self)
{
  self->budget = -1;
}

HeyaiWorkspace *
heyai_workspace_new (HeyaiStore *store,
                     const char *data_dir,
                     GSettings  *settings)
{
  HeyaiWorkspace *self;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (HEYAI_TYPE_WORKSPACE, NULL);
  self->store = g_object_ref (store);
  self->data_dir = g_strdup (data_dir);

  if (settings != NULL)
    self->settings = g_object_ref (settings);
  else
    {
      GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
      g_autoptr(GSettingsSchema) schema = source != NULL
                                          ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

      if (schema != NULL)
        self->settings = g_settings_new_full (schema, NULL, NULL);
    }
  if (self->settings != NULL)
    g_signal_connect (self->settings, "changed", G_CALLBACK (settings_changed_cb), self);

  return self;
}

HeyaiStore *
heyai_workspace_get_store (HeyaiWorkspace *self)
{
  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), NULL);
  return self->store;
}

GSettings *
heyai_workspace_get_settings (HeyaiWorkspace *self)
{
  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), NULL);
  return self->settings;
}

void
heyai_workspace_set_provider (HeyaiWorkspace *self,
                              HeyaiRole       role,
                              const char     *name)
{
  g_return_if_fail (HEYAI_IS_WORKSPACE (self));
  g_return_if_fail ((guint) role < N_WS_ROLES);

  g_free (self->provider[role]);
  self->provider[role] = g_strdup (name);
  heyai_workspace_reload_providers (self);
}

void
heyai_workspace_set_concurrency (HeyaiWorkspace *self,
                                 HeyaiRole       role,
                                 guint           limit)
{
  g_return_if_fail (HEYAI_IS_WORKSPACE (self));
  g_return_if_fail ((guint) role < N_WS_ROLES);

  self->concurrency[role] = limit;
  apply_limits (self);
}

void
heyai_workspace_set_budget (HeyaiWorkspace *self,
                            double          usd)
{
  g_return_if_fail (HEYAI_IS_WORKSPACE (self));

  self->budget = usd;
  apply_limits (self);
}

double
heyai_workspace_get_budget (HeyaiWorkspace *self)
{
  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), 0);

  if (self->budget >= 0)
    return self->budget;
  if (self->settings != NULL)
    return MAX (g_settings_get_double (self->settings, "budget-cap"), 0);
  return 0;
}

HeyaiPipeline *
heyai_workspace_get_pipeline (HeyaiWorkspace  *self,
                              GError         **error)
{
  g_autoptr(GObject) llm = NULL;
  g_autoptr(GObject) imager = NULL;
  g_autoptr(GObject) animator = NULL;
  g_autoptr(GObject) storage = NULL;

  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), NULL);

  if (self->pipeline != NULL)
    return self->pipeline;

  if (!(llm = create_provider (self, HEYAI_ROLE_LLM, error)) ||
      !(imager = create_provider (self, HEYAI_ROLE_IMAGER, error)) ||
      !(animator = create_provider (self, HEYAI_ROLE_ANIMATOR, error)) ||
      !(storage = create_provider (self, HEYAI_ROLE_STORAGE, error)))
    return NULL;

  self->pipeline = heyai_pipeline_new (self->store, self->data_dir, HEYAI_LLM (llm), HEYAI_IMAGER (imager),
                                       HEYAI_ANIMATOR (animator), HEYAI_STORAGE (storage));
  self->running_handler = g_signal_connect (self->pipeline, "notify::running",
                                            G_CALLBACK (pipeline_running_cb), self);
  self->stale = FALSE;
  apply_limits (self);
  return self->pipeline;
}

void
heyai_workspace_reload_providers (HeyaiWorkspace *self)
{
  g_return_if_fail (HEYAI_IS_WORKSPACE (self));

  if (self->pipeline == NULL)
    return;
  if (heyai_pipeline_get_running (self->pipeline))
    self->stale = TRUE;
  else
    drop_pipeline (self);
}
