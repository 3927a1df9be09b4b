/* heyai-test-provider.h: one scripted provider object that plays every role
 * (llm, imager, animator, storage) for the pipeline tests and benchmark:
 * latency per role and scene, scripted failures, remote ids, and counters
 * (calls, submits, resumes, in-flight maximum, start/end times).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_TEST_PROVIDER (heyai_test_provider_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiTestProvider, heyai_test_provider, HEYAI, TEST_PROVIDER, GObject)

#define TEST_MAX_SCENES 64

typedef struct
{
  guint  calls;                      /* generate/animate/split/publish calls */
  guint  submits;                    /* new remote ids handed out */
  guint  resumes;                    /* calls that found a remote id already set */
  guint  in_flight;
  guint  max_in_flight;
  guint  failures;
  guint  cancellations;
  guint  per_scene[TEST_MAX_SCENES + 1];     /* calls per scene position */
  gint64 started_at[TEST_MAX_SCENES + 1];    /* monotonic µs of the last start, 0 = never */
  gint64 finished_at[TEST_MAX_SCENES + 1];   /* monotonic µs of the last success */
  guint  refusals;                   /* capacity refusals (set_capacity) */
  guint  accepted_in_flight;         /* work accepted and not finished */
  guint  max_accepted_in_flight;
  guint  with_extras;                /* calls whose input carried references or an end frame */
} HeyaiTestRoleStats;

HeyaiTestProvider *heyai_test_provider_new (void);

/* Latency of @role for scene @position (0 = every scene without its own). */
void  heyai_test_provider_set_latency   (HeyaiTestProvider *self,
                                         HeyaiRole          role,
                                         int                position,
                                         guint              msec);
/* The work of @role for scene @position fails with @code after its latency. */
void  heyai_test_provider_set_failure   (HeyaiTestProvider *self,
                                         HeyaiRole          role,
                                         int                position,
                                         HeyaiError         code);
/* The account's capacity: while @cap works of @role are accepted and not
 * finished, a further one is refused after @refusal_msec with
 * HEYAI_ERROR_CAPACITY (no remote id, nothing billed); 0: no cap. */
void  heyai_test_provider_set_capacity  (HeyaiTestProvider *self,
                                         HeyaiRole          role,
                                         guint              cap,
                                         guint              refusal_msec);
/* Imager/animator hand out a remote id (set on the job) before "polling". */
void  heyai_test_provider_set_remote    (HeyaiTestProvider *self,
                                         HeyaiRole          role,
                                         gboolean           remote);
void  heyai_test_provider_set_cost      (HeyaiTestProvider *self,
                                         HeyaiRole          role,
                                         double             usd);
/* Imager/animator results carry @note as references_note (NULL: none). */
void  heyai_test_provider_set_references_note (HeyaiTestProvider *self,
                                               HeyaiRole          role,
                                               const char        *note);
/* The llm splits any script into @n scenes. */
void  heyai_test_provider_set_n_scenes  (HeyaiTestProvider *self,
                                         guint              n);
/* Name reported by every role ("test" by default; "offline" changes the
 * pipeline's default animator limit). */
void  heyai_test_provider_set_name      (HeyaiTestProvider *self,
                                         const char        *name);
const HeyaiTestRoleStats *
      heyai_test_provider_get_stats     (HeyaiTestProvider *self,
                                         HeyaiRole          role);

/* Signal "started" (HeyaiRole role, HeyaiJob *job, int position): emitted
 * when work starts, after the remote id (if any) was set on the job. */

G_END_DECLS
