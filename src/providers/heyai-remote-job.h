/* heyai-remote-job.h: the remote-job engine the polling clients (Kling,
 * Higgsfield) share: once a service accepted a request, the engine reports
 * its id, polls its status with backoff and a deadline, downloads the
 * result before the link expires, verifies it (a still must be an image, a
 * clip must play and last about what was asked) and hands the file to the
 * provider's make_result hook.  The provider keeps what is its own
 * contract: building and sending the submit (with its rules for lost
 * answers), reading a status answer, classifying errors, the price.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "heyai-core.h"
#include "heyai-http.h"
#include "heyai-media.h"
#include "heyai-providers.h"

G_BEGIN_DECLS

/* A step of a remote job; takes the reference to @task it is given. */
typedef void (*HeyaiRemoteJobStep) (GTask *task);

/* Lives in the task data, so as long as the task. Zero-initialise it. */
typedef struct
{
  GTask              *task;
  guint               timeout_id;
  gulong              cancel_id;
  HeyaiRemoteJobStep  elapsed;
  HeyaiRemoteJobStep  cancelled;
} HeyaiRemoteWait;

/* Waits @ms milliseconds, then calls @elapsed (@task); if the task's
 * cancellable fires first, calls @cancelled (@task) instead, from an idle on
 * the main context.  Either receives the reference to @task this call takes
 * over from the caller. */
void heyai_remote_wait_start (HeyaiRemoteWait    *wait,
                              GTask              *task,
                              guint               ms,
                              HeyaiRemoteJobStep  elapsed,
                              HeyaiRemoteJobStep  cancelled);

/* Creates @dir (and its parents) for a result; on failure sets a
 * G_IO_ERROR saying "Could not create @dir" and returns FALSE. */
gboolean heyai_remote_job_ensure_dir        (const char  *dir,
                                             GError     **error);

/* A HeyaiHttpProgressFunc for the result download: reports progress
 * from 0.9 to 1.0 to the HeyaiGenReporter (the user data; may be NULL). */
void     heyai_remote_job_download_progress (gint64       done,
                                             gint64       total,
                                             gpointer     reporter);

/* The poll-interval / max-wait setters: stores MAX (@value, 1) in *@field
 * and notifies @pspec on @object when that changed it. */
void     heyai_remote_job_set_limit         (GObject     *object,
                                             guint       *field,
                                             guint        value,
                                             GParamSpec  *pspec);

/* A paid request's status poll that fails (an outage of the status
 * endpoint, a dropped connection, a 5xx) must neither lose the request nor
 * fail its neighbours: the poll backs off and tries again for that request
 * for a while.  Lives in the task data; zero-initialise it. */
typedef struct
{
  gint64 since;       /* monotonic µs of the first failure in a row, 0 = none */
  guint  failures;
} HeyaiPollTrouble;

#define HEYAI_POLL_GRACE_SECONDS 600

/* Poll of @job failed with @error.  Returns TRUE (and the wait before the
 * next poll in *@delay_ms) when the error is transient and the request has
 * been in trouble for less than HEYAI_POLL_GRACE_SECONDS; @reporter is
 * then told "Waiting for @label …" (the scene shows it). */
gboolean heyai_remote_poll_trouble          (HeyaiPollTrouble *trouble,
                                             const GError     *error,
                                             HeyaiGenReporter *reporter,
                                             const char       *label,
                                             guint             poll_ms,
                                             guint            *delay_ms);
/* A poll answered: the trouble (if any) is over. */
void     heyai_remote_poll_ok               (HeyaiPollTrouble *trouble,
                                             HeyaiGenReporter *reporter);

/* ---------------------------------------------------------------------- */
/* The engine                                                              */

typedef enum
{
  HEYAI_REMOTE_STATUS_QUEUED,       /* accepted, waiting: poll again */
  HEYAI_REMOTE_STATUS_RUNNING,      /* being made: poll again */
  HEYAI_REMOTE_STATUS_DONE,         /* made: *url is the result to download */
  HEYAI_REMOTE_STATUS_FAILED,       /* final: *error says why */
  HEYAI_REMOTE_STATUS_UNREADABLE,   /* a garbled answer: poll again, a few times */
} HeyaiRemoteStatus;

typedef enum
{
  HEYAI_REMOTE_MEDIA_STILL,   /* <basename>.<png|jpg|webp>, probed as an image */
  HEYAI_REMOTE_MEDIA_CLIP,    /* <basename>-animated.mp4, probed as a clip */
} HeyaiRemoteMedia;

/* The provider's hooks; @task is the provider's GTask, whose task data
 * starts with a HeyaiRemoteJob. */
typedef struct
{
  /* The status poll of @remote_id. */
  HeyaiHttpRequest *(*status_request)  (GTask              *task,
                                        const char         *remote_id);
  /* Reads a status answer (a poll's, or the submit's when it carries the
   * task): DONE sets *@url (newly allocated), FAILED sets @error. */
  HeyaiRemoteStatus (*read_status)     (GTask              *task,
                                        HeyaiHttpResponse  *response,
                                        char              **url,
                                        GError            **error);
  /* Optional: adjusts the result download (Kling: no Authorization). */
  void              (*prepare_download) (GTask            *task,
                                         HeyaiHttpRequest *request);
  /* Optional: asks the service to drop @remote_id (the user cancelled
   * while it was polled); fire and forget. */
  void              (*cancel_remote)   (GTask              *task,
                                        const char         *remote_id);
  /* The verified file (@clip: the probe, NULL for a still) as a result. */
  HeyaiGenResult   *(*make_result)     (GTask              *task,
                                        const char         *path,
                                        const HeyaiClipInfo *clip);
} HeyaiRemoteJobHooks;

/* Must be the first member of the provider's task data; zero-initialise
 * it, then heyai_remote_job_init(). */
typedef struct
{
  /* set by heyai_remote_job_init() */
  const HeyaiRemoteJobHooks *hooks;
  HeyaiHttp                 *http;
  char                      *label;        /* "Higgsfield": messages name the service */
  HeyaiRemoteMedia           media;
  HeyaiGenReporter          *reporter;
  char                      *dest_dir;
  char                      *basename;     /* scene-01[-take-2] */
  int                        position;
  guint                      poll_ms;
  guint                      max_wait;     /* seconds */
  gint64                     deadline;     /* monotonic µs */
  double                     running_progress;   /* progress at the first RUNNING poll */
  /* a clip: the duration asked, seconds (the probe must find at least half) */
  double                     expected_seconds;

  /* the engine's */
  char                      *remote_id;
  char                      *result_url;
  char                      *downloaded;
  char                      *content_type;
  HeyaiRemoteWait            wait;
  HeyaiPollTrouble           trouble;
  guint                      polls;
  guint                      bad_answers;
} HeyaiRemoteJob;

void     heyai_remote_job_init      (HeyaiRemoteJob             *job,
                                     const HeyaiRemoteJobHooks  *hooks,
                                     HeyaiHttp                  *http,
                                     const char                 *label,
                                     HeyaiRemoteMedia            media,
                                     HeyaiGenReporter           *reporter,
                                     const HeyaiGenInput        *input,
                                     int                         position,
                                     guint                       poll_ms,
                                     guint                       max_wait);
void     heyai_remote_job_clear     (HeyaiRemoteJob             *job);
/* The HeyaiRemoteJob of @task (the first member of its task data). */
HeyaiRemoteJob *heyai_remote_job_get (GTask                     *task);

/* Each of these takes over the reference to @task it is given and passes
 * it on or completes the task. */

/* The service accepted the request as @remote_id: report it (committed
 * before any poll), then read @answer when the acceptance carried the
 * task's status (Kling), else poll at once. */
void     heyai_remote_job_accepted  (GTask                      *task,
                                     const char                 *remote_id,
                                     HeyaiHttpResponse          *answer);
/* A restart: poll @remote_id, accepted earlier, without submitting. */
void     heyai_remote_job_resume    (GTask                      *task,
                                     const char                 *remote_id);
/* Before the job is accepted: waits @ms (the job's wait), then calls
 * @next (@task); a cancellation meanwhile completes @task as cancelled. */
void     heyai_remote_job_wait_then (GTask                      *task,
                                     guint                       ms,
                                     HeyaiRemoteJobStep          next);
/* Completes @task with "The still/clip was cancelled." */
void     heyai_remote_job_return_cancelled (GTask              *task);

/* ---------------------------------------------------------------------- */
/* HeyaiRemoteProvider: what every remote media client is made of          */

/* The base of the remote media clients: its service's HeyaiHttp (made at
 * construction from the descriptor row's base URL and label, with the
 * class's timeout), and the properties every client has: "base-url"
 * (construct only; NULL: the descriptor's default address),
 * "model" (NULL or "" keeps the current one; the class's default until
 * heyai_remote_provider_configure() gives the configured one), "poll-interval" (ms), "max-wait" (s) and "price" (the
 * price table's override, 0: built in). */
#define HEYAI_TYPE_REMOTE_PROVIDER (heyai_remote_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (HeyaiRemoteProvider, heyai_remote_provider, HEYAI, REMOTE_PROVIDER, GObject)

struct _HeyaiRemoteProviderClass
{
  GObjectClass  parent_class;

  HeyaiRole     role;              /* with name: the descriptor row */
  const char   *name;
  const char   *default_model;
  guint         default_poll_ms;
  guint         default_max_wait;  /* seconds */
  guint         timeout;           /* seconds, of each HTTP request */
  /* The model to keep for @model as set (e.g. without a leading '/'),
   * newly allocated; NULL: @model as given. */
  char       *(*normalize_model)   (const char *model);
  /* Takes the client's own settings from @config (model, mode, poll
   * interval...), after the base took the shared ones. */
  void         (*configure)        (HeyaiRemoteProvider       *self,
                                    const HeyaiProviderConfig *config);
  /* Test connection: resolves the credentials (the descriptor row's
   * secrets) then calls @next (@task), or completes @task with the error;
   * takes the reference to @task. */
  void         (*with_credentials) (GTask                     *task,
                                    HeyaiRemoteJobStep         next);
  /* ... the one cheap authenticated request ... */
  HeyaiHttpRequest *(*test_request) (HeyaiRemoteProvider      *self);
  /* ... and, optional, what its answer says (FALSE: @error); without it
   * any answer the HTTP layer lets through is a success. */
  gboolean     (*read_test_answer) (HeyaiRemoteProvider       *self,
                                    HeyaiHttpResponse         *response,
                                    GError                   **error);

  /* Optional: the generation behind the concurrency gate
   * (heyai_remote_provider_gated_generate_async()): as an imager's
   * generate_async, completing a GTask with a HeyaiGenResult, and setting
   * *@accepted once the service took the request (it has an id). */
  void         (*gated_generate_async) (HeyaiRemoteProvider  *self,
                                        HeyaiProject         *project,
                                        HeyaiScene           *scene,
                                        const HeyaiGenInput  *input,
                                        HeyaiGenReporter     *reporter,
                                        gboolean             *accepted,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);

  /* The error envelope of an answer from the service itself (the engine
   * leaves result downloads from other hosts to the HTTP layer): FINAL or
   * RETRY with @error for the service's own codes, DEFAULT for the HTTP
   * layer's rules.  Installed as the HTTP client's classifier. */
  HeyaiHttpVerdict (*classify)     (HeyaiRemoteProvider       *self,
                                    HeyaiHttpResponse         *response,
                                    GError                   **error);

  gpointer      padding[2];
};

/* The class's classify() for an answer from the service, DEFAULT for any
 * other (a result file on a CDN: its 403/404 say nothing of the account). */
HeyaiHttpVerdict heyai_remote_provider_classify     (HeyaiRemoteProvider  *self,
                                                     HeyaiHttpResponse    *response,
                                                     GError              **error);

/* The account's concurrency cap, an engine capability any client can
 * use: the client reports each refusal "too many requests at a time, at
 * most @cap" (nothing accepted) and fails that attempt with
 * HEYAI_ERROR_RETRYABLE; the gate below then keeps at most the smallest
 * cap reported in flight, and sends a generation so refused again (at the
 * head of its queue) when one of ours finishes; after MAX requeues the
 * error becomes HEYAI_ERROR_CAPACITY (the pipeline lowers its limit). */
void        heyai_remote_provider_report_cap        (HeyaiRemoteProvider  *self,
                                                     guint                 cap);
/* The cap learned so far; 0: none. */
guint       heyai_remote_provider_get_concurrency_cap (HeyaiRemoteProvider *self);
/* The class's gated_generate_async() behind the gate; the task's source
 * object is @self, it returns a HeyaiGenResult (g_task_propagate_pointer). */
void        heyai_remote_provider_gated_generate_async (HeyaiRemoteProvider *self,
                                                        HeyaiProject        *project,
                                                        HeyaiScene          *scene,
                                                        const HeyaiGenInput *input,
                                                        HeyaiGenReporter    *reporter,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);

/* "Test connection": credentials, then the class's test request (two
 * attempts at most); finish returns TRUE when the service took the key. */
void        heyai_remote_provider_test_async        (HeyaiRemoteProvider  *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean    heyai_remote_provider_test_finish       (HeyaiRemoteProvider  *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* The configuration as values (read once at start-up by
 * heyai_provider_config_init_from_env() or the workspace): the backoff
 * scale, then the class's configure().  The clients never read the
 * environment. */
void        heyai_remote_provider_configure         (HeyaiRemoteProvider       *self,
                                                     const HeyaiProviderConfig *config);
/* For configure(): @model when set (replaces the current one), @poll_ms
 * ("250") when set. */
void        heyai_remote_provider_apply_settings    (HeyaiRemoteProvider       *self,
                                                     const char                *model,
                                                     const char                *poll_ms);
/* TRUE if @response answers a request to the service itself (not a result
 * file on some CDN, whose 403/404 mean nothing about the account). */
gboolean    heyai_remote_provider_is_service_response (HeyaiRemoteProvider *self,
                                                       HeyaiHttpResponse   *response);
/* Backoff before the client sends a refused submit (or a lookup) again:
 * Retry-After when @response had one, else the HTTP layer's policy for
 * @attempt, times the configured delay scale; milliseconds. */
guint       heyai_remote_provider_retry_delay_ms    (HeyaiRemoteProvider *self,
                                                     HeyaiHttpResponse   *response,
                                                     guint                attempt);

HeyaiHttp  *heyai_remote_provider_get_http          (HeyaiRemoteProvider *self);
const char *heyai_remote_provider_get_base_url      (HeyaiRemoteProvider *self);
const char *heyai_remote_provider_get_model         (HeyaiRemoteProvider *self);
/* The service's name for messages ("Kling"), from the descriptor. */
const char *heyai_remote_provider_get_label         (HeyaiRemoteProvider *self);
guint       heyai_remote_provider_get_poll_interval (HeyaiRemoteProvider *self);
guint       heyai_remote_provider_get_max_wait      (HeyaiRemoteProvider *self);
double      heyai_remote_provider_get_price         (HeyaiRemoteProvider *self);
void        heyai_remote_provider_set_poll_interval (HeyaiRemoteProvider *self,
                                                     guint                ms);
void        heyai_remote_provider_set_max_wait      (HeyaiRemoteProvider *self,
                                                     guint                seconds);

G_END_DECLS
