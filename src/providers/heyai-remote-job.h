/* heyai-remote-job.h: the remote-job engine the polling clients (Kling,
 * Higgsfield) share.  It runs a paid request from end to end: it sends the
 * submit the provider builds and judges its answer (a refusal is sent
 * again after a backoff; an answer that may hide an acceptance is looked
 * up by the request's external id when the service has one, else the
 * request is "in doubt" and never sent again), reports the remote id
 * (committed to the request ledger before any poll), polls its status
 * with backoff and a deadline, downloads the result before the link
 * expires, verifies it (a still must be an image, a clip must play and
 * last about what was asked) and hands the file to the provider's
 * make_result hook.  The provider keeps what is its own contract: the
 * requests and reading their answers, its errors, the price.
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

/* Marks a request to another host than the service (the result download,
 * a signed upload): the provider's credentials are not added to it
 * (HeyaiRemoteProviderClass.authorization). */
#define HEYAI_REMOTE_NO_AUTH_HEADER "X-HeyAI-No-Auth"

/* What an answer to the submit (or to the lookup by external id) says. */
typedef enum
{
  HEYAI_REMOTE_SUBMIT_ACCEPTED,   /* taken: *remote_id is its id */
  HEYAI_REMOTE_SUBMIT_REFUSED,    /* proven not taken (busy, a cap, 429): send again after a
                                   * backoff; @error: what to say once the attempts run out */
  HEYAI_REMOTE_SUBMIT_AMBIGUOUS,  /* may have been taken (a 5xx without idempotency, an
                                   * unreadable answer): look it up, else in doubt; @error:
                                   * what happened */
  HEYAI_REMOTE_SUBMIT_DUPLICATE,  /* the service already has this external id: look it up */
  HEYAI_REMOTE_SUBMIT_NOT_FOUND,  /* (a lookup) no request has this external id: submit */
  HEYAI_REMOTE_SUBMIT_FAILED,     /* final: @error */
} HeyaiRemoteSubmit;

/* The provider's hooks; @task is the provider's GTask, whose task data
 * starts with a HeyaiRemoteJob. */
typedef struct
{
  /* -- the submit -- */
  /* Optional: what must happen before the first submit (an upload, a
   * body built in a thread); ends by calling heyai_remote_job_submit()
   * or completing @task (it takes the reference to @task). */
  void              (*prepare_submit)  (GTask              *task);
  /* The request that creates the remote job; the engine sends it once per
   * attempt (no retry of its own, any status) and judges each answer. */
  HeyaiHttpRequest *(*build_submit)    (GTask              *task);
  /* Reads an answer to the submit: ACCEPTED sets *@remote_id (newly
   * allocated); the other verdicts may set @error (see above). */
  HeyaiRemoteSubmit (*read_submit_answer) (GTask              *task,
                                           HeyaiHttpResponse  *response,
                                           char              **remote_id,
                                           GError            **error);
  /* Optional, for a service with an idempotency key (Kling's
   * external_task_id): the lookup of the request by that key, and the
   * reading of its answer (ACCEPTED, NOT_FOUND, AMBIGUOUS: ask again,
   * FAILED).  With it, an answer that may hide an acceptance is looked up
   * (and so is a request that an earlier attempt may have sent); without
   * it, such a request is returned HEYAI_ERROR_IN_DOUBT and never sent
   * again (the request ledger resolves it). */
  HeyaiHttpRequest *(*find_by_external_id) (GTask            *task);
  HeyaiRemoteSubmit (*read_found)      (GTask              *task,
                                        HeyaiHttpResponse  *response,
                                        char              **remote_id,
                                        GError            **error);
  /* Optional: the wait before attempt @attempt + 1 of a submit or lookup,
   * ms (@response: the refusal, or NULL); default: the HTTP layer's
   * backoff (heyai_http_next_delay()). */
  guint             (*retry_delay_ms)  (GTask              *task,
                                        HeyaiHttpResponse  *response,
                                        guint               attempt);
  /* With a lookup: the most submits sent; without: the most refusals
   * (each followed by a resend while fewer). */
  guint              max_submits;
  guint              max_lookups;      /* answers to ask again about */
  /* The acceptance carries the job's status (Kling): read it at once. */
  gboolean           answer_has_status;

  /* Optional, for heyai_remote_job_upload(): the request that asks where
   * to upload an image of @content_type, and from its answer the upload
   * itself (a PUT to the signed address with the signed headers; the
   * engine adds the bytes) with *@public_url, where the service will read
   * it; NULL: @error. */
  HeyaiHttpRequest *(*upload_ticket)   (GTask              *task,
                                        const char         *content_type);
  HeyaiHttpRequest *(*read_upload_ticket) (GTask             *task,
                                           HeyaiHttpResponse *response,
                                           char             **public_url,
                                           GError           **error);

  /* -- the job -- */
  /* The status poll of @remote_id. */
  HeyaiHttpRequest *(*status_request)  (GTask              *task,
                                        const char         *remote_id);
  /* Reads a status answer (a poll's, or the submit's when it carries the
   * task): DONE sets *@url (newly allocated), FAILED sets @error. */
  HeyaiRemoteStatus (*read_status)     (GTask              *task,
                                        HeyaiHttpResponse  *response,
                                        char              **url,
                                        GError            **error);
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
  /* a restart: what the request ledger recorded (heyai_remote_job_start()) */
  char                      *recorded_id;
  HeyaiJobState              recorded_state;
  int                        recorded_attempts;
  /* the concurrency gate's: set once the service took the request */
  gboolean                  *accepted;

  /* the submit's preparation: heyai_remote_job_upload()'s address,
   * heyai_remote_job_build_body()'s body and the images it left out */
  char                      *uploaded_url;
  GBytes                    *body;
  guint                      images_skipped;
  char                      *images_reason;
  HeyaiRemoteJobStep         upload_next;

  /* the engine's */
  char                      *remote_id;
  char                      *result_url;
  char                      *downloaded;
  char                      *content_type;
  HeyaiRemoteWait            wait;
  HeyaiPollTrouble           trouble;
  guint                      polls;
  guint                      bad_answers;
  guint                      submits;      /* sent */
  guint                      refusals;     /* answered "not taken" */
  guint                      unsent;       /* never left this machine */
  guint                      lookups;      /* lookup answers asked again about */
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

/* Starts the job: polls the request the ledger recorded (a restart),
 * else prepares (prepare_submit) and submits. */
void     heyai_remote_job_start     (GTask                      *task);
/* The submit, once prepared: looks the request up first when an earlier
 * attempt may have sent it (and the service has a lookup), else sends it. */
void     heyai_remote_job_submit    (GTask                      *task);
/* Before the submit (prepare_submit): uploads the image at @path (the
 * upload_ticket hooks), sets the job's uploaded_url, then calls @next
 * (@task); a failure completes @task ("nothing was billed"). */
void     heyai_remote_job_upload    (GTask                      *task,
                                     const char                 *path,
                                     HeyaiRemoteJobStep          next);

/* Makes the submit's body from the provider's task data and the images
 * (base64; NULL for one left out), in a worker thread: @task_data is the
 * worker's alone meanwhile (the provider copies into it what else it needs). */
typedef GBytes *(*HeyaiRemoteBodyFunc) (gpointer      task_data,
                                        char * const *images,
                                        guint         n_images,
                                        GError      **error);
/* Before the submit (prepare_submit): in a worker thread, reads each of
 * @paths, fits it to @limits and encodes it; the first @n_required must
 * go (else @task fails), the others go while fewer than @max_images did
 * (the job's images_skipped and images_reason say what did not); then
 * @build makes the body (the job's body) and @next (@task) runs. */
void     heyai_remote_job_build_body (GTask                     *task,
                                      const char * const        *paths,
                                      guint                      n_required,
                                      guint                      max_images,
                                      const HeyaiStillLimits    *limits,
                                      HeyaiRemoteBodyFunc        build,
                                      HeyaiRemoteJobStep         next);
/* Completes @task with "The still/clip was cancelled." */
void     heyai_remote_job_return_cancelled (GTask              *task);

G_END_DECLS
