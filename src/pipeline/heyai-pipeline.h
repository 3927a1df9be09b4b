/* heyai-pipeline.h: the job scheduler and project state machine.
 *
 * Jobs are written to the store before any work starts; a provider's remote id
 * is committed as soon as it is known.  Stages run pipelined (a scene animates
 * as soon as its still is approved or, in auto mode, ready) with a concurrency
 * limit per role.  Failures are per scene.  Re-running a project after a crash
 * continues where it stopped: finished jobs are not redone, jobs with a remote
 * id resume polling.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-core.h"
#include "heyai-providers.h"

G_BEGIN_DECLS

typedef enum
{
  HEYAI_RUN_ANALYZE      = 1 << 0,  /* split the script into scenes (replaces scenes) */
  HEYAI_RUN_IMAGES       = 1 << 1,  /* a still for every scene without one */
  HEYAI_RUN_ANIMATE      = 1 << 2,  /* a clip for every approved scene without one */
  HEYAI_RUN_AUTO_APPROVE = 1 << 3,  /* approve stills as they arrive (auto mode) */
  HEYAI_RUN_REGENERATE   = 1 << 4,  /* make a new take even where one exists */
  HEYAI_RUN_COLLECT      = 1 << 5,  /* only collect what the ledger says was paid for (requests
                                     * accepted, then cancelled or interrupted); submit nothing */
  HEYAI_RUN_ALL          = HEYAI_RUN_ANALYZE | HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE,
} HeyaiRunFlags;

typedef struct
{
  guint  n_jobs[4];      /* per HeyaiRole: jobs the run would start */
  double cost;           /* estimated USD of those jobs */
  guint  n_paid;         /* of those, jobs sent to a paid service (even when the
                          * price table says 0: the cost is still shown first) */
} HeyaiRunEstimate;

typedef struct
{
  guint n_done;
  guint n_failed;
  guint n_cancelled;
  double cost;
} HeyaiRunSummary;

#define HEYAI_TYPE_PIPELINE (heyai_pipeline_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiPipeline, heyai_pipeline, HEYAI, PIPELINE, GObject)

/* Signals (main context):
 *   "job-changed"      (HeyaiJob *job)              state/progress/remote id changed
 *   "scene-changed"    (HeyaiScene *scene)          status/takes changed
 *   "progress"         (guint done, guint total)    jobs of the current run
 *   "message"          (const char *text)           a human-readable event ("Scene 3: ...")
 * Properties: running (boolean), budget (double USD, 0 = none). */

HeyaiPipeline *heyai_pipeline_new             (HeyaiStore     *store,
                                               const char     *data_dir,
                                               HeyaiLlm       *llm,
                                               HeyaiImager    *imager,
                                               HeyaiAnimator  *animator,
                                               HeyaiStorage   *storage);
HeyaiStore    *heyai_pipeline_get_store       (HeyaiPipeline  *self);
/* Jobs of @role running at once; 0 restores the default (llm 1, imager 4,
 * animator 2 or one per processor for the offline animator, storage 4). */
void           heyai_pipeline_set_concurrency (HeyaiPipeline  *self,
                                               HeyaiRole       role,
                                               guint           limit);
guint          heyai_pipeline_get_concurrency (HeyaiPipeline  *self,
                                               HeyaiRole       role);
/* The limit in force now: lower than the configured one after the provider
 * answered that the account's capacity is reached (HEYAI_ERROR_CAPACITY),
 * rising again with successes; 0 while backing off. */
guint          heyai_pipeline_get_effective_concurrency (HeyaiPipeline *self,
                                                         HeyaiRole      role);
void           heyai_pipeline_set_budget      (HeyaiPipeline  *self,
                                               double          usd);
gboolean       heyai_pipeline_get_running     (HeyaiPipeline  *self);

/* The planner: what a run with @flags (the whole project, or the scene at
 * @scene_position) would start and cost, without starting it; the run asks
 * the same decisions.  Work already paid for costs nothing new. */
void           heyai_pipeline_estimate        (HeyaiPipeline    *self,
                                               HeyaiProject     *project,
                                               HeyaiRunFlags     flags,
                                               int               scene_position,
                                               HeyaiRunEstimate *estimate);

/* The flags that retry the step of @scene that failed last (a failed clip:
 * its clip only; a failed still: a new still), or 0 with an error when
 * nothing failed. */
HeyaiRunFlags  heyai_pipeline_retry_flags     (HeyaiStore     *store,
                                               HeyaiProject   *project,
                                               HeyaiScene     *scene,
                                               GError        **error);

/* Runs @flags for @project (or only the scene at @scene_position when > 0).
 * Completes when every job of the run is done, failed or cancelled.  Fails
 * (with the first scene's error, prefixed with the scene) if any job failed;
 * @summary is filled either way. */
void           heyai_pipeline_run_async       (HeyaiPipeline       *self,
                                               HeyaiProject        *project,
                                               HeyaiRunFlags        flags,
                                               int                  scene_position,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       heyai_pipeline_run_finish      (HeyaiPipeline    *self,
                                               GAsyncResult     *result,
                                               HeyaiRunSummary  *summary,
                                               GError          **error);

/* Marks the project's unfinished jobs cancelled in the store (used by
 * `heyai cancel` from another process; a running pipeline notices within a
 * second and stops those jobs). */
gboolean       heyai_pipeline_cancel_project  (HeyaiStore     *store,
                                               HeyaiProject   *project,
                                               GError        **error);

/* Deletes @project (tombstones) after stopping its work like
 * heyai_pipeline_cancel_project(): what the window and `heyai` call. */
gboolean       heyai_pipeline_delete_project  (HeyaiStore     *store,
                                               HeyaiProject   *project,
                                               GError        **error);
/* Brings back a scene removed by a script revision (or a delete): its id,
 * takes and approval, at its old position (heyai_store_list_removed_scenes). */
gboolean       heyai_pipeline_restore_scene   (HeyaiStore     *store,
                                               HeyaiScene     *scene,
                                               GError        **error);
/* The producer's own still or clip (a file) becomes a new take of @scene,
 * selected, with lineage {"source":"imported"} (heyai-pipeline-import.c):
 * `heyai import`, "Replace With File…" and a file dropped on a card.  The
 * file is checked and copied in a thread; an unsupported file fails with
 * HEYAI_ERROR_INVALID_INPUT and changes nothing.  @data_dir: as for
 * heyai_local_root(). */
void           heyai_pipeline_import_take_async  (HeyaiStore          *store,
                                                  const char          *data_dir,
                                                  HeyaiProject        *project,
                                                  HeyaiScene          *scene,
                                                  const char          *path,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean       heyai_pipeline_import_take_finish (HeyaiStore          *store,
                                                  GAsyncResult        *result,
                                                  HeyaiAssetKind      *kind,
                                                  int                 *take,
                                                  GError             **error);

/* Cancels one job: stopped at once when a run of @self owns it, else
 * marked cancelled in the store for the process that runs it. */
gboolean       heyai_pipeline_cancel_job      (HeyaiPipeline  *self,
                                               HeyaiJob       *job,
                                               GError        **error);

/* Approve/reject scenes (review mode).  Approval of a scene whose still is
 * ready lets a running pipeline animate it. */
gboolean       heyai_pipeline_set_approval    (HeyaiStore     *store,
                                               HeyaiScene     *scene,
                                               HeyaiApproval   approval,
                                               GError        **error);

/* Selects take @take of @kind (image or clip) for @scene: what is current
 * and outdated follows (the status, the project's status). */
gboolean       heyai_pipeline_select_take     (HeyaiStore     *store,
                                               HeyaiScene     *scene,
                                               HeyaiAssetKind  kind,
                                               int             take,
                                               GError        **error);

/* The request ledger (heyai-store.h).  A digest of what a request for
 * @scene (NULL: the script analysis) and @kind would ask @provider/@model
 * for: two requests with the same digest would deliver the same thing. */
char          *heyai_pipeline_request_inputs  (HeyaiStore     *store,
                                               HeyaiProject   *project,
                                               HeyaiScene     *scene,
                                               HeyaiJobKind    kind,
                                               const char     *provider,
                                               const char     *model);
/* The newest request of @scene and @kind made from @inputs that may still
 * deliver its result (submitting, submitted, running, succeeded), or NULL:
 * what a run collects instead of paying again. */
HeyaiRequest  *heyai_pipeline_find_collectable_request (HeyaiStore   *store,
                                                        HeyaiScene   *scene,
                                                        HeyaiJobKind  kind,
                                                        const char   *inputs);
/* Whether a later run can still collect what @request paid for: an open
 * still or clip with something to ask for (a remote id, a file on disk, or
 * an idempotency key the provider honours).  An LLM call never can: it has
 * nothing to poll.  What the window's "collect after a cancel" looks for. */
gboolean       heyai_pipeline_request_is_collectable (const HeyaiRequest *request);

/* The provider this pipeline was built with for @role (transfer none). */
GObject       *heyai_pipeline_get_provider   (HeyaiPipeline  *self,
                                              HeyaiRole       role);

/* Script revisions (heyai-pipeline-revise.c).  Analysing a project that has
 * scenes matches the new scenes to the old ones by their source excerpt
 * (identical: unchanged; similar words: changed, keeps its id and older
 * takes, which become outdated; else new); old scenes left over are removed
 * recoverably (tombstones). */
typedef enum
{
  HEYAI_REVISION_UNCHANGED,
  HEYAI_REVISION_CHANGED,
  HEYAI_REVISION_NEW,
} HeyaiRevisionKind;

typedef struct
{
  GPtrArray *scenes;       /* HeyaiScene*, the new order: kept (old) objects and new ones */
  GArray    *kinds;        /* HeyaiRevisionKind per entry of @scenes */
  GPtrArray *removed;      /* HeyaiScene*, old scenes no new one matched */
  GPtrArray *fresh;        /* borrowed: the analysis' scenes, same order as @scenes */
  GPtrArray *fresh_owned;
  int       *match;
  guint      n_unchanged;
  guint      n_changed;
  guint      n_new;
  guint      n_removed;
} HeyaiRevision;

void           heyai_pipeline_match_scenes    (GPtrArray      *old_scenes,
                                               GPtrArray      *new_scenes,
                                               HeyaiRevision  *revision);
/* The changed scenes take the new text and prompts (their takes stay). */
void           heyai_pipeline_revision_apply_content (HeyaiRevision *revision);
void           heyai_revision_clear           (HeyaiRevision  *revision);
void           heyai_revision_free            (HeyaiRevision  *revision);
/* "5 unchanged, 1 changed, 1 new, 0 removed — about $0.36 to make the
 * changed and new scenes" */
char          *heyai_pipeline_revision_summary (HeyaiPipeline *self,
                                                HeyaiRevision *revision);
/* Analyses the script (the configured llm) and matches, changing nothing. */
void           heyai_pipeline_preview_revision_async  (HeyaiPipeline       *self,
                                                       HeyaiProject        *project,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
HeyaiRevision *heyai_pipeline_preview_revision_finish (HeyaiPipeline  *self,
                                                       GAsyncResult   *result,
                                                       GError        **error);

G_END_DECLS
