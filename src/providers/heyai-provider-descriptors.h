/* heyai-provider-descriptors.h: what HeyAI Studio knows about each provider,
 * in one table (heyai-provider-registry.c): its name and role, its display
 * name, its service's base URL and the variable that overrides it, the
 * environment variables its keys come from, its default and maximum
 * concurrency and, for animators, what a still must be.  The registry, the
 * CLI's help and the providers themselves read it (a client finds its
 * keyring entries and their variables in its row's `secrets`); the net layer knows no
 * provider (it takes a base URL and a label as values).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"
#include "heyai-media.h"
#include "heyai-secrets.h"

G_BEGIN_DECLS

/* One field of a provider's credentials in Preferences: a keyring entry (its
 * spec: the entry's `service`, label, variables), the field's title, and
 * which half of a "key:secret" entry the field edits. */
typedef struct
{
  const HeyaiSecretSpec *secret;
  const char            *title;     /* N_(): "API Key"; NULL: not shown (set another way) */
  HeyaiSecretPart        part;
} HeyaiProviderSecret;

/* One row of the price table the estimates use (USD; the Spending window
 * edits it, the row is the default). */
typedef struct
{
  const char *kind;                 /* "image", "clip" */
  const char *unit;                 /* N_(): what one price buys */
  double      usd;
} HeyaiProviderPrice;

/* default_jobs of a provider that works on this machine: one per processor. */
#define HEYAI_PROVIDER_JOBS_PER_PROCESSOR G_MAXUINT

typedef struct
{
  HeyaiRole                role;
  const char              *name;             /* "kling": flags, settings, the ledger */
  const char              *label;            /* N_() display name: heyai_provider_descriptor_label() */
  const char              *base_url_env;     /* NULL: no HTTP service of its own */
  const char              *base_url;         /* the service's default base URL */
  guint                    default_jobs;     /* in flight at once by default (0: the pipeline's;
                                              * HEYAI_PROVIDER_JOBS_PER_PROCESSOR) */
  guint                    max_jobs;         /* most a setting may ask for (0: no limit) */
  const HeyaiStillLimits  *still_limits;     /* animators: what a still must be; NULL: any */
  GObject               *(*create)          (const char  *data_dir,
                                             GError     **error);   /* NULL: not in this build */
  /* Credentials, prices and Test Connection (issue 13). */
  const HeyaiProviderSecret *secrets;       /* ended by .secret == NULL; NULL: needs none */
  const HeyaiProviderPrice  *prices;        /* ended by .kind == NULL; NULL: free */
  GType                    (*get_type)      (void);   /* the provider's type (NULL: offline) */
  /* A cheap authenticated call (nothing billed); NULL: nothing to reach. */
  void                     (*test_async)    (GObject             *provider,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
  gboolean                 (*test_finish)   (GObject             *provider,
                                             GAsyncResult        *result,
                                             GError             **error);
  /* The name Test Connection says (NULL: the label), e.g. which server. */
  const char              *(*test_label)    (GObject             *provider);
  /* Preferences: the GSettings keys of its model and of its server's
   * address (NULL: no such row). */
  const char              *model_setting;
  const char              *base_url_setting;
  /* Reference images (issue 16) one request may carry (HeyaiGenInput
   * reference_paths; each within still_limits) with the provider's most
   * capable model; 0: none, text only.  A model that takes fewer says so
   * in HeyaiGenResult.references_note. */
  guint                    max_references;
  /* Animators: TRUE if an end-frame still (HeyaiGenInput end_frame_path)
   * can be sent (Kling's image_tail, on the models that take it). */
  gboolean                 end_frame;
} HeyaiProviderDescriptor;

/* Every descriptor; the first of each role is that role's default. */
const HeyaiProviderDescriptor *heyai_provider_descriptors        (guint       *n_descriptors);
/* NULL when @name is not a provider of @role (case-insensitive). */
const HeyaiProviderDescriptor *heyai_provider_descriptor_lookup  (HeyaiRole    role,
                                                                  const char  *name);
const char *heyai_provider_descriptor_label        (const HeyaiProviderDescriptor *descriptor);
/* Whether @name of @role is a paid service (an account, a price): the
 * offline providers are not; a name not in the table is. */
gboolean    heyai_provider_is_paid                 (HeyaiRole    role,
                                                    const char  *name);
/* The descriptor of @provider (a provider object), or NULL. */
const HeyaiProviderDescriptor *heyai_provider_descriptor_of     (GObject     *provider);
/* The spec of the keyring entry whose `service` is @service, from the
 * descriptors' secrets (aborts on an unknown one: a programming error). */
const HeyaiSecretSpec *heyai_provider_secret_spec (const char *service);
/* The @index-th distinct keyring entry of @descriptor's secrets (the two
 * halves of a pair are one entry), or NULL past the last. */
const HeyaiSecretSpec *heyai_provider_descriptor_secret (const HeyaiProviderDescriptor *descriptor,
                                                         guint                          index);
/* The price of @kind in @descriptor's table, 0 when it has none. */
double      heyai_provider_descriptor_price        (const HeyaiProviderDescriptor *descriptor,
                                                    const char                    *kind);
/* The variable that chooses @role's provider ("HEYAI_LLM", ...). */
const char *heyai_provider_role_env                (HeyaiRole    role);
/* "openai, anthropic or offline": the names of @role for help texts. */
char       *heyai_provider_describe_choices        (HeyaiRole    role);

/* The providers' keyring entries, by name (rows of the descriptor table). */
#define HEYAI_SECRET_OPENAI        heyai_provider_secret_spec ("openai")
#define HEYAI_SECRET_ANTHROPIC     heyai_provider_secret_spec ("anthropic")
#define HEYAI_SECRET_HIGGSFIELD    heyai_provider_secret_spec ("higgsfield")
#define HEYAI_SECRET_KLING_ACCESS  heyai_provider_secret_spec ("kling-access")
#define HEYAI_SECRET_KLING_SECRET  heyai_provider_secret_spec ("kling-secret")
#define HEYAI_SECRET_KLING_API_KEY heyai_provider_secret_spec ("kling-api-key")

G_END_DECLS
