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
} HeyaiGenResult;

HeyaiGenResult *heyai_gen_result_new  (void);
void            heyai_gen_result_free (HeyaiGenResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiGenResult, heyai_gen_result_free)

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
                                      HeyaiJob            *job,
                                      const char          *dest_dir,
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
/* Writes one still for @scene into @dest_dir, named after the job's take
 * ("scene-01.png", "scene-01-take-2.png"; the extension follows the format the
 * service returns).  If the job already has a remote-id (a restart), the
 * provider resumes polling that request instead of submitting again; when a
 * service accepts a new request the provider calls heyai_job_set_remote_id()
 * before polling, and may update heyai_job_set_progress(). */
void            heyai_imager_generate_async  (HeyaiImager         *self,
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
                                     HeyaiJob            *job,
                                     const char          *still_path,
                                     const char          *dest_dir,
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
/* Writes one clip of exactly the scene's duration into @dest_dir
 * ("scene-01-animated.mp4", "scene-01-take-2-animated.mp4").  Same remote-id
 * rules as the imager. */
void            heyai_animator_animate_async  (HeyaiAnimator       *self,
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
                                        HeyaiJob            *job,
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
 * file:// URI; Drive uploads it (resumable, session kept on @job) and sets
 * drive-file-id and view-link. */
void        heyai_storage_publish_async         (HeyaiStorage        *self,
                                                 HeyaiProject        *project,
                                                 HeyaiAsset          *asset,
                                                 HeyaiJob            *job,
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
