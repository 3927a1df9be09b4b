/* heyai-workspace.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-pipeline"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-animator-kling.h"
#include "heyai-enums.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-llm-anthropic.h"
#include "heyai-llm-openai.h"
#include "heyai-provider-descriptors.h"
#include "heyai-secrets.h"
#include "heyai-storage-gdrive.h"
#include "heyai-workspace.h"

#define N_WS_ROLES 4

struct _HeyaiWorkspace
{
  GObject        parent_instance;

  HeyaiStore    *store;
  char          *data_dir;
  HeyaiProviderConfig env;      /* the environment, read once at start-up */
  GSettings     *settings;      /* nullable */
  char          *provider[N_WS_ROLES];
  guint          concurrency[N_WS_ROLES];
  double         budget;        /* < 0: the setting */
  double         monthly;       /* < 0: the setting */
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

/* The price table: every price row of the provider descriptors. */
static const HeyaiPriceEntry *
price_table (guint *n_entries)
{
  static HeyaiPriceEntry *entries;
  static guint n;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      guint n_descriptors = 0;
      const HeyaiProviderDescriptor *descriptors = heyai_provider_descriptors (&n_descriptors);
      GArray *array = g_array_new (FALSE, TRUE, sizeof (HeyaiPriceEntry));

      for (guint i = 0; i < n_descriptors; i++)
        for (const HeyaiProviderPrice *p = descriptors[i].prices; p != NULL && p->kind != NULL; p++)
          {
            HeyaiPriceEntry entry = { descriptors[i].name, p->kind, p->unit, p->usd };

            g_array_append_val (array, entry);
          }
      n = array->len;
      entries = (HeyaiPriceEntry *) (gpointer) g_array_free (array, FALSE);
      g_once_init_leave (&once, 1);
    }
  *n_entries = n;
  return entries;
}

static char *
setting_string (HeyaiWorkspace *self,
                const char     *key)
{
  if (self->settings == NULL || key == NULL)
    return NULL;
  return g_settings_get_string (self->settings, key);
}

/* The configuration as values: the environment (read once, when the
 * workspace starts) wins, then the preferences.  @config: zeroed; clear it. */
static void
service_config (HeyaiWorkspace      *self,
                HeyaiProviderConfig *config)
{
  static const struct
  {
    gsize       offset;
    const char *key;
  } from_settings[] = {
    { G_STRUCT_OFFSET (HeyaiProviderConfig, openai_base_url), "openai-base-url" },
    { G_STRUCT_OFFSET (HeyaiProviderConfig, openai_api), "openai-api" },
    { G_STRUCT_OFFSET (HeyaiProviderConfig, anthropic_base_url), "anthropic-base-url" },
    { G_STRUCT_OFFSET (HeyaiProviderConfig, higgsfield_base_url), "higgsfield-base-url" },
    { G_STRUCT_OFFSET (HeyaiProviderConfig, drive_shared_drive_id), "drive-shared-drive-id" },
  };

  config->data_dir = g_strdup (self->data_dir);
  config->openai_base_url = g_strdup (self->env.openai_base_url);
  config->openai_model = g_strdup (self->env.openai_model);
  config->openai_api = g_strdup (self->env.openai_api);
  config->openai_token_field = g_strdup (self->env.openai_token_field);
  config->anthropic_base_url = g_strdup (self->env.anthropic_base_url);
  config->anthropic_model = g_strdup (self->env.anthropic_model);
  config->anthropic_output = g_strdup (self->env.anthropic_output);
  config->drive_shared_drive_id = g_strdup (self->env.drive_shared_drive_id);
  config->higgsfield_base_url = g_strdup (self->env.higgsfield_base_url);
  config->higgsfield_model = g_strdup (self->env.higgsfield_model);
  config->higgsfield_resolution = g_strdup (self->env.higgsfield_resolution);
  config->higgsfield_poll_ms = g_strdup (self->env.higgsfield_poll_ms);
  config->kling_model = g_strdup (self->env.kling_model);
  config->kling_mode = g_strdup (self->env.kling_mode);
  config->kling_negative_prompt = g_strdup (self->env.kling_negative_prompt);
  config->kling_poll_ms = g_strdup (self->env.kling_poll_ms);
  config->http_delay_scale = g_strdup (self->env.http_delay_scale);
  config->kling_base_url = g_strdup (self->env.kling_base_url);

  for (guint i = 0; i < G_N_ELEMENTS (from_settings); i++)
    {
      char **field = G_STRUCT_MEMBER_P (config, from_settings[i].offset);
      char *value;

      if (*field != NULL || (value = setting_string (self, from_settings[i].key)) == NULL)
        continue;
      if (*value != '\0')
        *field = value;
      else
        g_free (value);
    }
}

static GObject *
create_llm (HeyaiWorkspace            *self,
            const char                *name,
            const HeyaiProviderConfig *config)
{
  g_autofree char *api_key = NULL;

  if (g_str_equal (name, "openai"))
    {
      api_key = heyai_secrets_dup_from_env (HEYAI_SECRET_OPENAI);
      return G_OBJECT (heyai_llm_openai_new_for_config (config, api_key));
    }
  api_key = heyai_secrets_dup_from_env (HEYAI_SECRET_ANTHROPIC);
  return G_OBJECT (heyai_llm_anthropic_new_for_config (config, api_key));
}

/* Higgsfield on the configured host. */
static GObject *
create_imager (HeyaiWorkspace             *self,
               const char                 *name,
               const HeyaiProviderConfig  *config,
               GError                    **error)
{
  g_autofree char *pair = NULL;

  if (!g_str_equal (name, "higgsfield") || config->higgsfield_base_url == NULL)
    return heyai_provider_create (HEYAI_ROLE_IMAGER, name, self->data_dir, error);
  pair = heyai_secrets_dup_from_env (HEYAI_SECRET_HIGGSFIELD);
  return G_OBJECT (heyai_imager_higgsfield_new (config->higgsfield_base_url, pair, NULL));
}

static GObject *create_named_provider (HeyaiWorkspace  *self,
                                       HeyaiRole        role,
                                       const char      *name,
                                       GError         **error);

static GObject *
create_provider (HeyaiWorkspace  *self,
                 HeyaiRole        role,
                 GError         **error)
{
  g_autofree char *setting = setting_string (self, provider_keys[role]);

  return create_named_provider (self, role, heyai_provider_resolve_name (role, self->provider[role], setting),
                                error);
}

GObject *
heyai_workspace_create_provider (HeyaiWorkspace  *self,
                                 HeyaiRole        role,
                                 const char      *name,
                                 GError         **error)
{
  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail ((guint) role < N_WS_ROLES, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return create_named_provider (self, role, name, error);
}

/* @name with the settings as values (server, model, price override). */
static GObject *
create_named_provider (HeyaiWorkspace  *self,
                       HeyaiRole        role,
                       const char      *name,
                       GError         **error)
{
  const char * const *names = heyai_provider_names (role);
  g_autofree char *model = NULL;
  g_auto(HeyaiProviderConfig) config = { 0 };
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

  service_config (self, &config);
  if (role == HEYAI_ROLE_LLM && (g_str_equal (name, "openai") || g_str_equal (name, "anthropic")))
    provider = create_llm (self, name, &config);
  else if (role == HEYAI_ROLE_IMAGER)
    provider = create_imager (self, name, &config, error);
  else
    provider = heyai_provider_create (role, name, self->data_dir, error);
  if (provider == NULL)
    return NULL;

  /* Kling, Higgsfield: model, mode, poll interval... as values. */
  if (HEYAI_IS_REMOTE_PROVIDER (provider))
    heyai_remote_provider_configure (HEYAI_REMOTE_PROVIDER (provider), &config);
  if (HEYAI_IS_STORAGE_GDRIVE (provider))
    heyai_workspace_configure_drive (self, heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (provider)));

  model = setting_string (self, model_keys[role]);
  if (model != NULL && *model != '\0' &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (provider), "model") != NULL)
    g_object_set (provider, "model", model, NULL);

  /* The price table's override reaches the provider's estimates and costs. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (provider), "price") != NULL)
    {
      gboolean overridden = FALSE;
      double price = heyai_workspace_get_price (self, name, role == HEYAI_ROLE_IMAGER ? "image" : "clip",
                                                &overridden);

      if (overridden)
        g_object_set (provider, "price", price, NULL);
    }
  return provider;
}

/* The pipeline's cap: the per-batch cap, lowered to what is left of the
 * monthly budget (a little above 0 when nothing is left, so the cap stays a
 * cap: 0 means none). */
static double
effective_budget (HeyaiWorkspace *self)
{
  double batch = heyai_workspace_get_budget (self);
  double monthly = heyai_workspace_get_monthly_budget (self);
  double spent = 0, left;

  if (monthly <= 0 || !heyai_workspace_get_month_spent (self, &spent, NULL))
    return batch;
  left = MAX (monthly - spent, 1e-6);
  return batch > 0 ? MIN (batch, left) : left;
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
  heyai_pipeline_set_budget (self->pipeline, effective_budget (self));
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
  if (g_str_has_prefix (key, "concurrency-") || g_str_has_prefix (key, "budget-"))
    apply_limits (self);
  else if (g_str_equal (key, "price-table"))
    heyai_workspace_reload_providers (self);
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
  heyai_provider_config_clear (&self->env);
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
  self->monthly = -1;
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
  heyai_provider_config_init_from_env (&self->env, data_dir);

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

double
heyai_workspace_get_monthly_budget (HeyaiWorkspace *self)
{
  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), 0);

  if (self->monthly >= 0)
    return self->monthly;
  if (self->settings != NULL)
    return MAX (g_settings_get_double (self->settings, "budget-monthly"), 0);
  return 0;
}

void
heyai_workspace_set_monthly_budget (HeyaiWorkspace *self,
                                    double          usd)
{
  g_return_if_fail (HEYAI_IS_WORKSPACE (self));

  self->monthly = usd;
  apply_limits (self);
}

gboolean
heyai_workspace_get_month_spent (HeyaiWorkspace  *self,
                                 double          *spent,
                                 GError         **error)
{
  gint64 from, to;

  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), FALSE);

  heyai_spending_month_bounds (NULL, &from, &to);
  return heyai_store_get_spent (self->store, from, to, spent, error);
}

gboolean
heyai_workspace_check_budget (HeyaiWorkspace          *self,
                              const HeyaiRunEstimate  *estimate,
                              GError                 **error)
{
  double monthly, spent = 0;

  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), FALSE);
  g_return_val_if_fail (estimate != NULL, FALSE);

  monthly = heyai_workspace_get_monthly_budget (self);
  if (monthly > 0 && estimate->cost > 0)
    {
      if (!heyai_workspace_get_month_spent (self, &spent, error))
        return FALSE;
      if (spent + estimate->cost > monthly + 1e-9)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_BUDGET,
                       _("This batch costs about $%.2f, more than the $%.2f left of this month’s budget of $%.2f "
                         "($%.2f spent): nothing paid was started. Raise the monthly budget (main menu → "
                         "Spending, or --monthly-budget) or wait for next month."),
                       estimate->cost, MAX (monthly - spent, 0), monthly, spent);
          return FALSE;
        }
    }
  apply_limits (self);
  return TRUE;
}

const char *
heyai_workspace_get_provider_name (HeyaiWorkspace *self,
                                   HeyaiRole       role)
{
  g_autofree char *setting = NULL;
  const char *name;

  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), NULL);
  g_return_val_if_fail ((guint) role < N_WS_ROLES, NULL);

  setting = setting_string (self, provider_keys[role]);
  name = heyai_provider_resolve_name (role, self->provider[role], setting);
  /* resolve_name may hand back the setting itself: keep a copy that lives. */
  return g_intern_string (name != NULL ? name : "offline");
}

const HeyaiPriceEntry *
heyai_workspace_price_entries (guint *n_entries)
{
  g_return_val_if_fail (n_entries != NULL, NULL);

  return price_table (n_entries);
}

static char *
price_key (const char *provider,
           const char *kind)
{
  return g_strdup_printf ("%s/%s", provider, kind);
}

double
heyai_workspace_get_price (HeyaiWorkspace *self,
                           const char     *provider,
                           const char     *kind,
                           gboolean       *overridden)
{
  g_autofree char *key = NULL;
  double builtin = 0, usd = 0;

  g_return_val_if_fail (HEYAI_IS_WORKSPACE (self), 0);
  g_return_val_if_fail (provider != NULL && kind != NULL, 0);

  if (overridden != NULL)
    *overridden = FALSE;
  {
    guint n_entries = 0;
    const HeyaiPriceEntry *entries = price_table (&n_entries);

    for (guint i = 0; i < n_entries; i++)
      if (g_str_equal (entries[i].provider, provider) && g_str_equal (entries[i].kind, kind))
        builtin = entries[i].builtin;
  }

  key = price_key (provider, kind);
  if (self->settings != NULL)
    {
      g_autoptr(GVariant) table = g_settings_get_value (self->settings, "price-table");

      if (g_variant_lookup (table, key, "d", &usd) && usd > 0)
        {
          if (overridden != NULL)
            *overridden = TRUE;
          return usd;
        }
    }
  return builtin;
}

void
heyai_workspace_set_price (HeyaiWorkspace *self,
                           const char     *provider,
                           const char     *kind,
                           double          usd)
{
  g_autoptr(GVariant) table = NULL;
  g_autofree char *key = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *name;
  double value;

  g_return_if_fail (HEYAI_IS_WORKSPACE (self));
  g_return_if_fail (provider != NULL && kind != NULL);

  if (self->settings == NULL)
    return;

  key = price_key (provider, kind);
  table = g_settings_get_value (self->settings, "price-table");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sd}"));
  g_variant_iter_init (&iter, table);
  while (g_variant_iter_next (&iter, "{&sd}", &name, &value))
    if (!g_str_equal (name, key))
      g_variant_builder_add (&builder, "{sd}", name, value);
  if (usd > 0)
    g_variant_builder_add (&builder, "{sd}", key, usd);
  g_settings_set_value (self->settings, "price-table", g_variant_builder_end (&builder));
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

void
heyai_workspace_configure_drive (HeyaiWorkspace *self,
                                 HeyaiDrive     *drive)
{
  g_auto(HeyaiProviderConfig) config = { 0 };

  g_return_if_fail (HEYAI_IS_WORKSPACE (self));
  g_return_if_fail (HEYAI_IS_DRIVE (drive));

  service_config (self, &config);
  heyai_drive_set_shared_drive_id (drive, config.drive_shared_drive_id);
}
