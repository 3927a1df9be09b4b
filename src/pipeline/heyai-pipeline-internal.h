/* heyai-pipeline-internal.h: what heyai-pipeline.c (the GObject and its
 * public API) and the heyai-pipeline-run/-dispatch/-jobs/-cancel/-plan.c
 * files (runs, jobs, queues) share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-pipeline.h"
#include "heyai-pipeline-private.h"

G_BEGIN_DECLS

#define N_ROLES 4
#define DEFAULT_POLL_MS 1000

struct _HeyaiPipeline
{
  GObject        parent_instance;

  HeyaiStore    *store;
  char          *data_dir;
  HeyaiLlm      *llm;
  HeyaiImager   *imager;
  HeyaiAnimator *animator;
  HeyaiStorage  *storage;

  guint          limits[N_ROLES];
  guint          default_limits[N_ROLES];
  guint          max_limits[N_ROLES];   /* the descriptors' maximum (0: none) */
  guint          active[N_ROLES];
  /* Adaptive concurrency (heyai-pipeline-dispatch.c): the in-flight limit a
   * provider's capacity answers allow (0: not lowered, the configured limit
   * applies), successes since the last raise, and a back-off while nothing
   * of the role is in flight and the service still refuses. */
  guint          adaptive[N_ROLES];
  guint          adaptive_successes[N_ROLES];
  guint          capacity_backoff_ms[N_ROLES];
  GSource       *capacity_timer[N_ROLES];
  GQueue         queues[N_ROLES];       /* JobCtx*, FIFO */
  GPtrArray     *runs;                  /* Run*, running */
  GHashTable    *busy;                  /* job ids and "scene-id/kind" keys taken by a run */
  double         budget;
  gboolean       staged;
  guint          poll_ms;
  gboolean       dispatching;
  gboolean       dispatch_again;
};

enum
{
  JOB_CHANGED,
  SCENE_CHANGED,
  PROGRESS,
  MESSAGE,
  N_SIGNALS
};

extern guint _heyai_pipeline_signals[N_SIGNALS];

/* What the heyai-pipeline-*.c files that run jobs share. */

typedef struct _Run Run;

typedef enum
{
  STEP_WORK,     /* provider work (llm split, still, clip) */
  STEP_PUBLISH,  /* storage publish of the asset */
} Step;

typedef struct
{
  Run            *run;          /* borrowed: the run owns its jobs */
  HeyaiJob       *job;
  HeyaiScene     *scene;        /* NULL for the analyze job */
  struct _SceneCtx *sctx;       /* NULL for the analyze job */
  Step            step;
  HeyaiRole       role;         /* role of the current step */
  GCancellable   *cancellable;
  gulong          remote_id_handler;
  gulong          progress_handler;
  HeyaiGenResult *result;
  HeyaiAsset     *asset;
  HeyaiAsset     *source_still; /* a clip job: the still it animates (lineage) */
  GPtrArray      *cast;         /* HeyaiBibleEntry*: the scene's cast when the work began */
  char           *references_note; /* "References not applied: ..." or NULL */
  HeyaiAsset     *previous_clip; /* an image job that continues the previous shot: its clip */
  HeyaiAsset     *end_still;     /* a clip job ending on the next shot's still: that still */
  double          charged;      /* cost added to the ledger */
  HeyaiRequest   *request;      /* the ledger row of the current provider request */
  gulong          last_error_handler;
  HeyaiGenReporter *reporter;   /* the provider's reports of the current work step */
  guint           capacity_refusals;    /* capacity answers to this job (requeued each time) */
  guint           harvested : 1;        /* took over an earlier request */
  guint           harvest_retried : 1;  /* that request was gone: submitted afresh */
  guint           queued : 1;
  guint           in_flight : 1;
  guint           holds_slot : 1;
  guint           finished : 1;
  guint           stop_requested : 1;
} JobCtx;

typedef struct _SceneCtx
{
  HeyaiScene *scene;
  JobCtx     *image;            /* this run's image job, if any */
  JobCtx     *clip;             /* this run's clip job, if any */
  guint       new_still : 1;    /* a still was made in this run */
  guint       failed : 1;       /* a job of this scene failed in this run */
  guint       wants_clip : 1;   /* HEYAI_RUN_ANIMATE and in scope */
  guint       stopped : 1;      /* a job of this scene was cancelled from elsewhere */
} SceneCtx;

struct _Run
{
  gatomicrefcount   ref_count;
  HeyaiPipeline    *self;
  GTask            *task;
  GMainContext     *context;
  HeyaiProject     *project;
  HeyaiRunFlags     flags;
  int               scene_position;
  GCancellable     *cancellable;        /* the run's own */
  GCancellable     *caller_cancellable;
  gulong            caller_handler;
  GPtrArray        *jobs;               /* JobCtx*, owned */
  GPtrArray        *scenes;             /* SceneCtx*, owned */
  JobCtx           *analyze;
  char             *images_dir;
  char             *clips_dir;
  GSource          *poll_source;
  guint             pending_ops;        /* async calls not yet called back */
  guint             images_outstanding; /* image jobs of the run not final */
  double            ledger;             /* USD charged by this run */
  GError           *fatal;              /* store or disk failure: stops the run */
  GError           *first_error;        /* first scene failure */
  GError           *budget_error;
  gboolean          analysis_failed;
  gboolean          planned;
  gboolean          completed;
  gboolean          external_cancel;
  gboolean          cancel_handled;
  gboolean          complete_scheduled;
  gint64            started_real;       /* wall clock µs at start */
  gboolean          owns_project;       /* wrote the owner marker */
  HeyaiRunSummary   summary;
};

/* heyai-pipeline.c */
void             _heyai_pipeline_notify_running (HeyaiPipeline       *self);

/* heyai-pipeline-run.c */
void             _heyai_pipeline_start_run      (HeyaiPipeline       *self,
                                                 HeyaiProject        *project,
                                                 HeyaiRunFlags        flags,
                                                 int                  scene_position,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
HeyaiSceneStatus _heyai_scene_resting_status    (HeyaiStore          *store,
                                                 HeyaiScene          *scene);
char            *_heyai_pipeline_cancel_key     (HeyaiProject        *project);

/* heyai-pipeline-run.c, for its sibling files */
HeyaiRole _heyai_pipeline_role_for_kind (HeyaiJobKind kind);
HeyaiAssetKind _heyai_pipeline_asset_kind_for_job (HeyaiJob *job);
char *_heyai_pipeline_busy_scene_key (HeyaiScene   *scene,
                                      HeyaiJobKind  kind);
gboolean _heyai_pipeline_is_cancel_error (const GError *error);
char *_heyai_pipeline_scene_message (HeyaiScene *scene,
                                     const char *message);
void _heyai_pipeline_emit_message (HeyaiPipeline *self,
                                   const char    *format,
                                   ...) G_GNUC_PRINTF (2, 3);
HeyaiSceneStatus _heyai_pipeline_scene_resting_status (HeyaiStore *store,
                                                       HeyaiScene *scene);
gboolean _heyai_pipeline_save_job (Run      *run,
                                   HeyaiJob *job);
gboolean _heyai_pipeline_save_scene (Run        *run,
                                     HeyaiScene *scene);
void _heyai_pipeline_set_project_status (Run                *run,
                                         HeyaiProjectStatus  status);
Run *_heyai_pipeline_run_ref (Run *run);
void _heyai_pipeline_run_unref (Run *run);
/* The reference-bible seam (issue 16): the reference images and the end
 * frame @ctx's provider request should carry.  Fills @references (char*,
 * owned by the array, at most the provider descriptor's max_references is
 * useful; more are reported as not applied) and *@end_frame_path (an
 * animator's end still, newly allocated, or left NULL).  Today no
 * project has a bible: nothing is filled and every request is text only. */
void    _heyai_pipeline_job_references (JobCtx     *ctx,
                                        GPtrArray  *references,
                                        char      **end_frame_path);

JobCtx *_heyai_pipeline_run_adopt_job (Run        *run,
                                       HeyaiJob   *job,
                                       HeyaiScene *scene,
                                       SceneCtx   *sctx);
JobCtx *_heyai_pipeline_run_new_job (Run          *run,
                                     HeyaiJobKind  kind,
                                     HeyaiScene   *scene,
                                     SceneCtx     *sctx);
void _heyai_pipeline_run_emit_progress (Run *run);
SceneCtx *_heyai_pipeline_run_find_scene (Run        *run,
                                          const char *scene_id);
void _heyai_pipeline_run_check_done (Run *run);

/* heyai-pipeline-dispatch.c */
void _heyai_pipeline_dispatch (HeyaiPipeline *self);
void _heyai_pipeline_release_slot (JobCtx *ctx);
guint _heyai_pipeline_effective_limit (HeyaiPipeline *self,
                                       HeyaiRole      role);
gboolean _heyai_pipeline_capacity_refused (JobCtx       *ctx,
                                           const GError *error);
void _heyai_pipeline_capacity_success (JobCtx *ctx);
void _heyai_pipeline_capacity_clear (HeyaiPipeline *self);
void _heyai_pipeline_job_enqueue (JobCtx *ctx,
                                  Step    step);
void _heyai_pipeline_job_dequeue (JobCtx *ctx);
void _heyai_pipeline_scene_maybe_animate (Run      *run,
                                          SceneCtx *sctx,
                                          gboolean  refresh);

/* heyai-pipeline-jobs.c */
void _heyai_pipeline_job_detach_signals (JobCtx *ctx);
void _heyai_pipeline_job_stop (JobCtx             *ctx,
                               HeyaiJobState       state,
                               const GError       *error);
void _heyai_pipeline_job_complete (JobCtx *ctx);
void _heyai_pipeline_job_start_publish (JobCtx *ctx);
void _heyai_pipeline_job_start_work (JobCtx *ctx);

/* heyai-pipeline-cancel.c */
void _heyai_pipeline_caller_cancelled_cb (GCancellable *cancellable,
                                          Run          *run);
void _heyai_pipeline_run_fatal (Run    *run,
                                GError *error);
gboolean _heyai_pipeline_owner_write (HeyaiStore    *store,
                                      HeyaiProject  *project,
                                      gboolean       release,
                                      GError       **error);
gboolean _heyai_pipeline_owner_take (HeyaiStore    *store,
                                     HeyaiProject  *project,
                                     int           *other_pid,
                                     GError       **error);
char *_heyai_pipeline_cancel_meta_key (HeyaiProject *project);
gboolean _heyai_pipeline_run_poll_cb (gpointer user_data);
gboolean _heyai_pipeline_job_cancelled_elsewhere (JobCtx *ctx);

/* heyai-pipeline-ledger.c */
typedef enum
{
  HARVEST_NONE,     /* nothing to collect: submit */
  HARVEST_RESUME,   /* the job took over a request: the provider resumes it */
  HARVEST_FILE,     /* the request's file is on disk: hash it */
  HARVEST_ASSET,    /* the request's asset exists: publish it */
  HARVEST_STOPPED,  /* the job ended (a refusal or a request in doubt) */
} HarvestResult;

HarvestResult _heyai_pipeline_job_harvest (JobCtx      *ctx,
                                           HeyaiAsset **asset_out);
gboolean _heyai_pipeline_ledger_open (JobCtx *ctx);
gboolean _heyai_pipeline_ledger_save (JobCtx *ctx);
void _heyai_pipeline_ledger_remote_id (JobCtx *ctx);
void _heyai_pipeline_ledger_result (JobCtx         *ctx,
                                    HeyaiGenResult *gen);
void _heyai_pipeline_ledger_collected (JobCtx *ctx,
                                       double  cost);
gboolean _heyai_pipeline_ledger_failed (JobCtx       *ctx,
                                        const GError *error,
                                        gboolean      cancelled);
void _heyai_pipeline_remove_partials (const char *dir);
void _heyai_pipeline_ledger_close_interrupted (Run *run);
gboolean _heyai_pipeline_has_collectable (Run          *run,
                                          HeyaiScene   *scene,
                                          HeyaiJobKind  kind);
gboolean _heyai_pipeline_collectable (HeyaiPipeline *self,
                                      HeyaiProject  *project,
                                      HeyaiScene    *scene,
                                      HeyaiJobKind   kind);

/* heyai-pipeline-bible.c */
guint _heyai_pipeline_tag_cast (HeyaiPipeline  *self,
                                HeyaiProject   *project,
                                GPtrArray      *scenes,
                                GPtrArray      *fresh,
                                GError        **error);
/* The scene's cast (HeyaiBibleEntry*); sets its cast notes and names for
 * the prompt composer and the offline imager. */
GPtrArray *_heyai_pipeline_scene_cast (HeyaiPipeline *self,
                                       HeyaiScene    *scene);
/* The reference image paths of @cast the provider of @role takes (one per
 * entry with images), or NULL: with *@reason (translated) when they cannot
 * be sent, without when there is nothing to send. */
GPtrArray *_heyai_pipeline_scene_references (HeyaiPipeline  *self,
                                             HeyaiRole       role,
                                             HeyaiProject   *project,
                                             GPtrArray      *cast,
                                             char          **reason);
/* "End on next shot's still": the next scene's still for the animator, or
 * NULL with *@reason (translated) when it cannot be sent. */
char *_heyai_pipeline_scene_end_frame (HeyaiPipeline  *self,
                                       HeyaiScene     *scene,
                                       char          **reason);
/* "References not applied: text only (<reason>)" or NULL. */
char *_heyai_pipeline_references_note (HeyaiPipeline *self,
                                       HeyaiRole      role,
                                       HeyaiProject  *project,
                                       GPtrArray     *cast);

/* heyai-pipeline-continuity.c */
/* Writes the last frame of @clip as the PNG @png (GStreamer; blocking). */
gboolean heyai_pipeline_extract_last_frame (const char    *clip,
                                            const char    *png,
                                            GCancellable  *cancellable,
                                            GError       **error);
void _heyai_pipeline_continue_async (HeyaiPipeline       *self,
                                     HeyaiScene          *scene,
                                     HeyaiJob            *job,
                                     HeyaiAsset          *previous_clip,
                                     const char          *images_dir,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean _heyai_pipeline_is_continue_result (GAsyncResult *result);
HeyaiGenResult *_heyai_pipeline_continue_finish (GAsyncResult  *result,
                                                 GError       **error);

/* heyai-pipeline-plan.c: the planner's decisions, shared by the estimate
 * and the run. */
gboolean _heyai_pipeline_wants_still (HeyaiPipeline *self,
                                      HeyaiProject  *project,
                                      HeyaiScene    *scene,
                                      HeyaiRunFlags  flags);
gboolean _heyai_pipeline_wants_clip (HeyaiPipeline *self,
                                     HeyaiProject  *project,
                                     HeyaiScene    *scene,
                                     HeyaiRunFlags  flags,
                                     gboolean       still_coming);
void _heyai_pipeline_analyze_done_cb (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data);
void _heyai_pipeline_ensure_project_cb (GObject      *object,
                                        GAsyncResult *result,
                                        gpointer      user_data);

/* The planner's cost of making @scenes (not stored yet) as a run with
 * auto-approve would: a new draft's revision summary. */
double _heyai_pipeline_estimate_fresh_scenes (HeyaiPipeline *self,
                                              HeyaiProject  *project,
                                              GPtrArray     *scenes);

G_END_DECLS
