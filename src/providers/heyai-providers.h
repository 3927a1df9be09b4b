/* heyai-providers.h: one GInterface per role, and the registry that creates
 * providers by name ("offline", "openai", "anthropic", "higgsfield", "kling",
 * "local", "gdrive").
 *
 * Every async call completes on the thread-default main context of the caller.
 * Implementations that do CPU work copy what they need from the model objects
 * (which belong to the main thread) before going to a GTask thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "heyai-core.h"

G_BEGIN_DECLS

/* ---------------------------------------------------------------------- */
/* The result of one generation (a still or a clip).                       */

typedef struct
{
  char   *path;        /* the file written (inside the dest dir asked for) */
  char   *provider;    /* "offline", "higgsfield", ... */
  char   *model;       /* model name or "" */
  char   *params;      /* JSON text of the generation parameters (prompt, ...) */
  char   *request_id;  /* remote request/task id, or NULL */
  char   *remote_url;  /* where the service served the file, or NULL */
  gint64  seed;        /* -1 if unknown */
  double  cost;        /* USD actually charged (estimated) */
  /* Set (translated) when references or an end frame were asked for and
   * some or all could not be sent: "References not applied: text only
   * (…)".  NULL when everything asked was applied (or nothing was asked).
   * Never silent: the pipeline shows it. */
  char   *references_note;
  /* TRUE when the input's end_frame_path was sent (the clip animates
   * toward it); the pipeline records that still in the clip's lineage. */
  gboolean end_frame_sent;
} HeyaiGenResult;

HeyaiGenResult *heyai_gen_result_new  (void);
void            heyai_gen_result_free (HeyaiGenResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiGenResult, heyai_gen_result_free)

/* ---------------------------------------------------------------------- */
/* What an imager or animator is given, and how it reports (one writer).   */

/* The inputs of one generation, as values.  A provider never writes a
 * shared object (the pipeline's HeyaiJob, the scene, the project): it reads
 * the project and scene it is given to compose prompts, takes everything
 * else from here, and reports what happens through a HeyaiGenReporter.
 * The caller owns every string; providers that keep the input past the
 * call take a heyai_gen_input_copy(). */
typedef struct
{
  int                 take;             /* names the file: scene-01-take-<take> */
  const char         *job_id;           /* a stable id of the job, or NULL */
  const char         *remote_id;        /* a request the service already accepted:
                                         * resume polling it; NULL: submit */
  const char         *idempotency_key;  /* the key of an earlier attempt (Kling's
                                         * external_task_id); NULL: the provider makes
                                         * one and reports it */
  HeyaiJobState       state;            /* the job's recorded state (a restart) */
  int                 attempts;         /* 1 for a job's first attempt */
  const char         *dest_dir;         /* where to write the file */
  const char         *still_path;       /* animator: the still to animate */
  /* The reference-bible seam (issue 16): the pipeline fills these from
   * _heyai_pipeline_job_references(); a provider sends what its contract
   * allows (descriptor: max_references, end_frame) and says what it could
   * not send in HeyaiGenResult.references_note. */
  const char         *end_frame_path;   /* animator: optional still to end on */
  const char * const *reference_paths;  /* optional, NULL-terminated */
} HeyaiGenInput;

HeyaiGenInput *heyai_gen_input_copy          (const HeyaiGenInput *input);
void           heyai_gen_input_free          (HeyaiGenInput       *input);
/* Counts reference_paths (0 when NULL). */
guint          heyai_gen_input_n_references  (const HeyaiGenInput *input);
/* Fills @input from @job (which must outlive @input's use): take, id,
 * remote id, idempotency key, state, attempts.  Other fields are zeroed. */
void           heyai_gen_input_init_from_job (HeyaiGenInput       *input,
                                              HeyaiJob            *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiGenInput, heyai_gen_input_free)

/* What HeyaiGenResult.references_note says, for a provider that sent
 * @refs_sent of the input's reference images and (@end_frame_sent) its end
 * frame; @refs_reason / @end_reason say why the rest was not sent.  NULL
 * when nothing asked was left out.  E.g. "References not applied: text
 * only (Higgsfield's model takes no reference images)". */
char          *heyai_gen_references_note     (const HeyaiGenInput *input,
                                              guint                refs_sent,
                                              gboolean             end_frame_sent,
                                              const char          *refs_reason,
                                              const char          *end_reason);

/* How a provider reports while it works.  Every function may be NULL.
 * Reports come on the thread-default main context of the caller of
 * generate_async / animate_async / publish_async, in order, and only before the async
 * call completes.  The owner of the job applies them (the pipeline: it
 * records the remote id in the job row and the ledger the moment it is
 * reported, before the provider polls). */
typedef struct
{
  /* The service accepted the request as @remote_id (commit it: a restart
   * resumes from it), or NULL: forget the stale id (the service no longer
   * knows it; the next attempt submits afresh). */
  void (*remote_id)       (const char    *remote_id,
                           gpointer       user_data);
  /* The key that makes a resubmission of this job idempotent (Kling's
   * external_task_id), made by the provider when the input had none. */
  void (*idempotency_key) (const char    *key,
                           gpointer       user_data);
  /* SUBMITTED (the request is on its way), RUNNING, DOWNLOADING. */
  void (*state)           (HeyaiJobState  state,
                           gpointer       user_data);
  /* 0..1 */
  void (*progress)        (double         fraction,
                           gpointer       user_data);
  /* Waiting on the service without failing ("Waiting for Kling (…)"), or
   * NULL when the trouble is over. */
  void (*waiting)         (const char    *message,
                           gpointer       user_data);
  /* Storage (publish_async): the resumable upload's session is
   * @session_uri (commit it: a restart resumes the upload from it), or
   * NULL: the upload finished (or the session is gone) and there is
   * nothing to resume. */
  void (*upload_session)  (const char    *session_uri,
                           gpointer       user_data);
} HeyaiGenReporterFuncs;

typedef struct _HeyaiGenReporter HeyaiGenReporter;

/* @funcs must outlive the reporter (a static table). */
HeyaiGenReporter *heyai_gen_reporter_new             (const HeyaiGenReporterFuncs *funcs,
                                                      gpointer                     user_data,
                                                      GDestroyNotify               notify);
/* A reporter that writes into @job (kept alive by the reporter): for the
 * owner of a job that has no other writer (tests, tools). */
HeyaiGenReporter *heyai_gen_reporter_new_for_job     (HeyaiJob                    *job);
/* A reporter that drops every report. */
HeyaiGenReporter *heyai_gen_reporter_new_null        (void);
HeyaiGenReporter *heyai_gen_reporter_ref             (HeyaiGenReporter            *reporter);
void              heyai_gen_reporter_unref           (HeyaiGenReporter            *reporter);
/* From now on every report is dropped (the owner has finished with the
 * job); frees the user data. */
void              heyai_gen_reporter_detach          (HeyaiGenReporter            *reporter);
void              heyai_gen_reporter_remote_id       (HeyaiGenReporter            *reporter,
                                                      const char                  *remote_id);
void              heyai_gen_reporter_idempotency_key (HeyaiGenReporter            *reporter,
                                                      const char                  *key);
void              heyai_gen_reporter_state           (HeyaiGenReporter            *reporter,
                                                      HeyaiJobState                state);
void              heyai_gen_reporter_progress        (HeyaiGenReporter            *reporter,
                                                      double                       fraction);
void              heyai_gen_reporter_waiting         (HeyaiGenReporter            *reporter,
                                                      const char                  *message);
void              heyai_gen_reporter_upload_session  (HeyaiGenReporter            *reporter,
                                                      const char                  *session_uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiGenReporter, heyai_gen_reporter_unref)

/* ---------------------------------------------------------------------- */
/* LLM role: script -> scenes                                               */

#define HEYAI_TYPE_LLM (heyai_llm_get_type ())
G_DECLARE_INTERFACE (HeyaiLlm, heyai_llm, HEYAI, LLM, GObject)

struct _HeyaiLlmInterface
{
  GTypeInterface parent_iface;

  const char *(*get_name)     (HeyaiLlm *self);
  const char *(*get_model)    (HeyaiLlm *self);
  void        (*split_async)  (HeyaiLlm            *self,
                               HeyaiProject        *project,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
  GPtrArray  *(*split_finish) (HeyaiLlm      *self,
                               GAsyncResult  *result,
                               GError       **error);
};

const char *heyai_llm_get_name     (HeyaiLlm *self);
const char *heyai_llm_get_model    (HeyaiLlm *self);
/* Splits the project's script (with its title, style bible and aspect) into
 * new, unsaved HeyaiScene objects (positions 1..n, durations 5 or 10). */
void        heyai_llm_split_async  (HeyaiLlm            *self,
                                    HeyaiProject        *project,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* Returns: (transfer full) (element-type HeyaiScene) */
GPtrArray  *heyai_llm_split_finish (HeyaiLlm      *self,
                                    GAsyncResult  *result,
                                    GError       **error);

/* ---------------------------------------------------------------------- */
/* Imager role: scene -> still                                              */

#define HEYAI_TYPE_IMAGER (heyai_imager_get_type ())
G_DECLARE_INTERFACE (HeyaiImager, heyai_imager, HEYAI, IMAGER, GObject)

struct _HeyaiImagerInterface
{
  GTypeInterface parent_iface;

  const char     *(*get_name)        (HeyaiImager *self);
  const char     *(*get_model)       (HeyaiImager *self);
  double          (*estimate_cost)   (HeyaiImager *self,
                                      HeyaiScene  *scene);
  void            (*generate_async)  (HeyaiImager         *self,
                                      HeyaiProject        *project,
                                      HeyaiScene          *scene,
                                      const HeyaiGenInput *input,
                                      HeyaiGenReporter    *reporter,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
  HeyaiGenResult *(*generate_finish) (HeyaiImager   *self,
                                      GAsyncResult  *result,
                                      GError       **error);
};

const char     *heyai_imager_get_name        (HeyaiImager *self);
const char     *heyai_imager_get_model       (HeyaiImager *self);
double          heyai_imager_estimate_cost   (HeyaiImager *self,
                                              HeyaiScene  *scene);
/* Writes one still for @scene into @input->dest_dir, named after the take
 * ("scene-01.png", "scene-01-take-2.png"; the extension follows the format the
 * service returns).  If @input has a remote_id (a restart), the provider
 * resumes polling that request instead of submitting again; when a service
 * accepts a new request the provider reports its id to @reporter before
 * polling, and may report progress.  @project and @scene are only read
 * (during this call); @input is copied as needed. */
void            heyai_imager_generate_async  (HeyaiImager         *self,
                                              HeyaiProject        *project,
                                              HeyaiScene          *scene,
                                              const HeyaiGenInput *input,
                                              HeyaiGenReporter    *reporter,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* For the owner of a HeyaiJob with no other writer (tests, tools): the
 * input from @job (may be NULL: take 1, nothing to resume) and a reporter
 * that writes into it (heyai_gen_reporter_new_for_job()).  The pipeline
 * does not use this: it applies the reports itself. */
void            heyai_imager_generate_for_job_async (HeyaiImager         *self,
                                                     HeyaiProject        *project,
                                                     HeyaiScene          *scene,
                                                     HeyaiJob            *job,
                                                     const char          *dest_dir,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
HeyaiGenResult *heyai_imager_generate_finish (HeyaiImager   *self,
                                              GAsyncResult  *result,
                                              GError       **error);

/* ---------------------------------------------------------------------- */
/* Animator role: still -> clip                                             */

#define HEYAI_TYPE_ANIMATOR (heyai_animator_get_type ())
G_DECLARE_INTERFACE (HeyaiAnimator, heyai_animator, HEYAI, ANIMATOR, GObject)

struct _HeyaiAnimatorInterface
{
  GTypeInterface parent_iface;

  const char     *(*get_name)       (HeyaiAnimator *self);
  const char     *(*get_model)      (HeyaiAnimator *self);
  double          (*estimate_cost)  (HeyaiAnimator *self,
                                     HeyaiScene    *scene);
  void            (*animate_async)  (HeyaiAnimator       *self,
                                     HeyaiProject        *project,
                                     HeyaiScene          *scene,
                                     const HeyaiGenInput *input,
                                     HeyaiGenReporter    *reporter,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
  HeyaiGenResult *(*animate_finish) (HeyaiAnimator *self,
                                     GAsyncResult  *result,
                                     GError       **error);
};

const char     *heyai_animator_get_name       (HeyaiAnimator *self);
const char     *heyai_animator_get_model      (HeyaiAnimator *self);
double          heyai_animator_estimate_cost  (HeyaiAnimator *self,
                                               HeyaiScene    *scene);
/* Animates @input->still_path into one clip of exactly the scene's
 * duration in @input->dest_dir ("scene-01-animated.mp4",
 * "scene-01-take-2-animated.mp4").  Same remote-id and reporting rules as
 * the imager. */
void            heyai_animator_animate_async  (HeyaiAnimator       *self,
                                               HeyaiProject        *project,
                                               HeyaiScene          *scene,
                                               const HeyaiGenInput *input,
                                               HeyaiGenReporter    *reporter,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* As heyai_imager_generate_for_job_async(). */
void            heyai_animator_animate_for_job_async (HeyaiAnimator       *self,
                                                      HeyaiProject        *project,
                                                      HeyaiScene          *scene,
                                                      HeyaiJob            *job,
                                                      const char          *still_path,
                                                      const char          *dest_dir,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
HeyaiGenResult *heyai_animator_animate_finish (HeyaiAnimator *self,
                                               GAsyncResult  *result,
                                               GError       **error);

/* ---------------------------------------------------------------------- */
/* Storage role: the project tree HeyAI Projects/Project-<n>-<slug>/{images,clips,final} */

#define HEYAI_TYPE_STORAGE (heyai_storage_get_type ())
G_DECLARE_INTERFACE (HeyaiStorage, heyai_storage, HEYAI, STORAGE, GObject)

struct _HeyaiStorageInterface
{
  GTypeInterface parent_iface;

  const char *(*get_name)              (HeyaiStorage *self);
  void        (*ensure_project_async)  (HeyaiStorage        *self,
                                        HeyaiProject        *project,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
  gboolean    (*ensure_project_finish) (HeyaiStorage  *self,
                                        GAsyncResult  *result,
                                        GError       **error);
  void        (*publish_async)         (HeyaiStorage        *self,
                                        HeyaiProject        *project,
                                        HeyaiAsset          *asset,
                                        const char          *upload_session,
                                        HeyaiGenReporter    *reporter,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
  gboolean    (*publish_finish)        (HeyaiStorage  *self,
                                        GAsyncResult  *result,
                                        GError       **error);
};

const char *heyai_storage_get_name              (HeyaiStorage *self);
/* Finds or creates the project's folder tree (idempotent); records folder ids
 * on the project (drive-folder-id, drive-folders). */
void        heyai_storage_ensure_project_async  (HeyaiStorage        *self,
                                                 HeyaiProject        *project,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean    heyai_storage_ensure_project_finish (HeyaiStorage  *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);
/* Makes the asset's local file available in the tree (images/ for stills,
 * clips/ for clips, final/ for packages): local storage leaves it where the
 * pipeline wrote it (already in the local tree) and sets view-link to its
 * file:// URI; Drive uploads it (resumable) and sets drive-file-id and
 * view-link.  The asset is the call's output; nothing else shared is
 * written.
 *
 * Like an imager, a storage takes the job's state as values and reports
 * through @reporter (may be NULL: nothing reported), on the caller's
 * thread-default main context, in order, and only before the call
 * completes: @upload_session is the session of an earlier, interrupted
 * upload of this asset to resume (NULL or "": start afresh); the storage
 * reports a new session the moment the service opens it
 * (heyai_gen_reporter_upload_session()), NULL once the upload has
 * finished, and progress (0..1).  The owner of the job applies the reports
 * (the pipeline commits a new session to the job row at once; a session
 * cleared by a finished upload is saved with the job's end, after the
 * asset row holds the Drive file id). */
void        heyai_storage_publish_async         (HeyaiStorage        *self,
                                                 HeyaiProject        *project,
                                                 HeyaiAsset          *asset,
                                                 const char          *upload_session,
                                                 HeyaiGenReporter    *reporter,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean    heyai_storage_publish_finish        (HeyaiStorage  *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

/* ---------------------------------------------------------------------- */
/* Local tree layout (used by every storage: the local copy always lives here). */

/* <data_dir>/HeyAI Projects, or $HEYAI_LOCAL_ROOT when set. */
char *heyai_local_root            (const char   *data_dir);
/* <root>/Project-<n>-<slug>/<sub> where sub is "images", "clips" or "final". */
char *heyai_project_dir           (const char   *root,
                                   HeyaiProject *project,
                                   const char   *sub);
/* "scene-01", "scene-01-take-2": the base name of a take (no extension). */
char *heyai_take_basename         (int           position,
                                   int           take);

/* ---------------------------------------------------------------------- */
/* Registry                                                                 */

typedef struct
{
  char *data_dir;   /* where the local tree and caches live */
  /* Service settings as values, read once at start-up (the workspace: the
   * environment, then the preferences); NULL: the provider's default.
   * Providers never read the environment themselves. */
  char *openai_base_url;        /* HEYAI_OPENAI_BASE_URL */
  char *openai_model;           /* HEYAI_OPENAI_MODEL */
  char *openai_api;             /* HEYAI_OPENAI_API: "responses", "chat"; NULL: by base URL */
  char *openai_token_field;     /* HEYAI_OPENAI_TOKEN_FIELD (Chat Completions) */
  char *anthropic_base_url;     /* HEYAI_ANTHROPIC_BASE_URL */
  char *anthropic_model;        /* HEYAI_ANTHROPIC_MODEL */
  char *anthropic_output;       /* HEYAI_ANTHROPIC_OUTPUT: "tool" forces the tool */
  char *drive_shared_drive_id;  /* HEYAI_DRIVE_SHARED_DRIVE_ID */
  char *higgsfield_base_url;    /* HEYAI_HIGGSFIELD_BASE_URL */
  /* The remote media clients (HeyaiRemoteProvider subclasses) */
  char *higgsfield_model;       /* HEYAI_HIGGSFIELD_MODEL */
  char *higgsfield_resolution;  /* HEYAI_HIGGSFIELD_RESOLUTION */
  char *higgsfield_poll_ms;     /* HEYAI_HIGGSFIELD_POLL_MS (tests) */
  char *kling_model;            /* HEYAI_KLING_MODEL */
  char *kling_mode;             /* HEYAI_KLING_MODE: "std", "pro", "4k" */
  char *kling_negative_prompt;  /* HEYAI_KLING_NEGATIVE_PROMPT; "" (set, empty) sends none */
  char *kling_poll_ms;          /* HEYAI_KLING_POLL_MS (tests) */
  char *http_delay_scale;       /* HEYAI_HTTP_DELAY_SCALE: multiplies the clients' own backoff (tests) */
  char *kling_base_url;         /* HEYAI_KLING_BASE_URL */
} HeyaiProviderConfig;

/* Fills @config (all NULL before) from the documented environment
 * variables (empty values count as unset). */
void        heyai_provider_config_init_from_env (HeyaiProviderConfig *config,
                                                 const char          *data_dir);
void        heyai_provider_config_clear         (HeyaiProviderConfig *config);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HeyaiProviderConfig, heyai_provider_config_clear)

/* Names known for each role, NULL-terminated. */
const char * const *heyai_provider_names (HeyaiRole role);
/* Creates the provider @name for @role; an unknown name or missing
 * credentials give a clear error naming the variable to set. */
GObject    *heyai_provider_create        (HeyaiRole    role,
                                          const char  *name,
                                          const char  *data_dir,
                                          GError     **error);
/* Resolution order for the CLI: @flag, then $HEYAI_LLM/IMAGER/ANIMATOR/STORAGE,
 * then @setting, then the offline default. */
const char *heyai_provider_resolve_name  (HeyaiRole    role,
                                          const char  *flag,
                                          const char  *setting);
/* The producer-facing (translated) name of provider @name for @role
 * ("Higgsfield", "Offline storyboard"); a name not in the registry comes
 * back as given.  @role < 0: the first entry of any role with that name. */
const char *heyai_provider_display_name  (int          role,
                                          const char  *name);

/* "Test connection" for a provider made by heyai_provider_create(): each
 * paid provider makes one cheap authenticated call (OpenAI-compatible:
 * GET /models; Anthropic: GET /v1/models; Higgsfield: the status of a
 * request that does not exist; Kling: its task list, one item; Google
 * Drive: an access token from the stored authorization).  finish returns
 * "<Service>: key accepted." (translated), NULL with no error for a
 * provider with nothing remote (offline, local), or an error that says
 * exactly what is wrong (a refused key, no credit, no network...). */
void        heyai_provider_test_async    (GObject             *provider,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char       *heyai_provider_test_finish   (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
