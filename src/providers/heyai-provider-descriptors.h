/* heyai-provider-descriptors.h: what HeyAI Studio knows about each provider,
 * in one table (heyai-provider-registry.c): its name and role, its display
 * name, its service's base URL and the variable that overrides it, the
 * environment variables its keys come from, its default and maximum
 * concurrency and, for animators, what a still must be.  The registry, the
 * CLI's help and the providers themselves read it; the net layer knows no
 * provider (it takes a base URL and a label as values).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"
#include "heyai-media.h"

G_BEGIN_DECLS

/* default_jobs of a provider that works on this machine: one per processor. */
#define HEYAI_PROVIDER_JOBS_PER_PROCESSOR G_MAXUINT

typedef struct
{
  HeyaiRole                role;
  const char              *name;             /* "kling": flags, settings, the ledger */
  const char              *label;            /* N_() display name: heyai_provider_descriptor_label() */
  const char              *base_url_env;     /* NULL: no HTTP service of its own */
  const char              *base_url;         /* the service's default base URL */
  const char * const      *key_env;          /* NULL-terminated; NULL: needs no key */
  guint                    default_jobs;     /* in flight at once by default (0: the pipeline's;
                                              * HEYAI_PROVIDER_JOBS_PER_PROCESSOR) */
  guint                    max_jobs;         /* most a setting may ask for (0: no limit) */
  const HeyaiStillLimits  *still_limits;     /* animators: what a still must be; NULL: any */
  GObject               *(*create)          (const char  *data_dir,
                                             GError     **error);   /* NULL: not in this build */
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
/* The base URL from the environment (base_url_env) or the default; NULL
 * for a provider without a service. */
char       *heyai_provider_descriptor_dup_base_url (const HeyaiProviderDescriptor *descriptor);
/* "openai, anthropic or offline": the names of @role for help texts. */
char       *heyai_provider_describe_choices        (HeyaiRole    role);

G_END_DECLS
