/* heyai-workspace.h: what the CLI and the window share to do work on
 * projects: the store, the provider configuration (command-line flags, then
 * the environment, then the user's settings, then the offline default), the
 * pipeline built from it, its running batches and the budget.  GTK-free.
 *
 * Settings reach the providers as values (constructor arguments and
 * properties), never through the process environment.  A configuration
 * change made while a batch runs applies to the next batch: the pipeline is
 * rebuilt once it is idle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-drive.h"
#include "heyai-pipeline.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_WORKSPACE (heyai_workspace_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiWorkspace, heyai_workspace, HEYAI, WORKSPACE, GObject)

/* @settings: the application's settings, or NULL to use the installed
 * schema when there is one (the CLI), else none. */
HeyaiWorkspace *heyai_workspace_new              (HeyaiStore     *store,
                                                  const char     *data_dir,
                                                  GSettings      *settings);
HeyaiStore     *heyai_workspace_get_store        (HeyaiWorkspace *self);
/* NULL when no settings schema is available. */
GSettings      *heyai_workspace_get_settings     (HeyaiWorkspace *self);
/* Command-line choices (win over everything): a provider name per role
 * (NULL: none), a concurrency limit per role (0: none), a budget in USD
 * (< 0: none; 0: no cap). */
void            heyai_workspace_set_provider     (HeyaiWorkspace *self,
                                                  HeyaiRole       role,
                                                  const char     *name);
void            heyai_workspace_set_concurrency  (HeyaiWorkspace *self,
                                                  HeyaiRole       role,
                                                  guint           limit);
void            heyai_workspace_set_budget       (HeyaiWorkspace *self,
                                                  double          usd);
/* The budget cap in force (the flag, else the setting; 0 = none). */
double          heyai_workspace_get_budget       (HeyaiWorkspace *self);
/* The monthly budget (the setting "budget-monthly"; 0 = none) and what the
 * request ledger says was spent this calendar month (estimates of requests
 * not final yet included). */
double          heyai_workspace_get_monthly_budget (HeyaiWorkspace *self);
/* A command-line monthly budget (< 0: the setting; 0: none). */
void            heyai_workspace_set_monthly_budget (HeyaiWorkspace *self,
                                                    double          usd);
gboolean        heyai_workspace_get_month_spent  (HeyaiWorkspace *self,
                                                  double         *spent,
                                                  GError        **error);
/* Before a batch: fails (HEYAI_ERROR_BUDGET, naming the monthly budget)
 * when @estimate costs more than what is left of the monthly budget, so
 * nothing paid starts; otherwise caps the pipeline's batch budget at what
 * is left this month (and the per-batch cap) and returns TRUE. */
gboolean        heyai_workspace_check_budget     (HeyaiWorkspace         *self,
                                                  const HeyaiRunEstimate *estimate,
                                                  GError                **error);
/* The provider in force for @role (flag, environment, setting, default). */
const char     *heyai_workspace_get_provider_name (HeyaiWorkspace *self,
                                                   HeyaiRole       role);

/* A new provider @name of @role configured as a batch would have it (the
 * settings' server, model and price as values): what Test Connection
 * checks.  NULL with @error when it cannot be made (no key, ...). */
GObject        *heyai_workspace_create_provider  (HeyaiWorkspace *self,
                                                  HeyaiRole       role,
                                                  const char     *name,
                                                  GError        **error);

/* The price table the estimates come from: one row per paid provider and
 * job kind.  A price set in the setting "price-table" ("provider/kind" ->
 * USD) overrides the built-in one and reaches the providers (the next
 * batch). */
typedef struct
{
  const char *provider;     /* "higgsfield" */
  const char *kind;         /* "image", "clip" */
  const char *unit;         /* translatable: what one price buys */
  double      builtin;
} HeyaiPriceEntry;

const HeyaiPriceEntry *heyai_workspace_price_entries (guint *n_entries);
/* The price in force for @provider/@kind (override, else built in; 0 for
 * an unknown pair); @overridden tells which. */
double          heyai_workspace_get_price        (HeyaiWorkspace *self,
                                                  const char     *provider,
                                                  const char     *kind,
                                                  gboolean       *overridden);
/* @usd <= 0 restores the built-in price.  Needs the settings. */
void            heyai_workspace_set_price        (HeyaiWorkspace *self,
                                                  const char     *provider,
                                                  const char     *kind,
                                                  double          usd);
/* The pipeline (built on first use; NULL with @error when a provider
 * cannot be made). */
HeyaiPipeline  *heyai_workspace_get_pipeline     (HeyaiWorkspace *self,
                                                  GError        **error);
/* The provider configuration changed: the next batch uses it (now when
 * nothing runs, else once the running batches end). */
void            heyai_workspace_reload_providers (HeyaiWorkspace *self);
/* Points @drive at the configured shared drive (HEYAI_DRIVE_SHARED_DRIVE_ID
 * as it was at start-up, else the preference; neither: My Drive), as the
 * workspace's Drive storage is: for the other Drive clients (sync). */
void            heyai_workspace_configure_drive  (HeyaiWorkspace *self,
                                                  HeyaiDrive     *drive);

G_END_DECLS
