/* heyai-remote-job.c: shared by the polling clients, see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "heyai-remote-job.h"
#include "heyai-provider-descriptors.h"

static gboolean
wait_timeout_cb (gpointer user_data)
{
  HeyaiRemoteWait *wait = user_data;
  GTask *task = wait->task;

  wait->timeout_id = 0;
  if (wait->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), wait->cancel_id);
  wait->cancel_id = 0;
  wait->elapsed (task);   /* takes the reference held by the timeout */
  return G_SOURCE_REMOVE;
}

/* The wait's sources live on the task's context (the caller's
 * thread-default one), not the global default context. */
static guint
attach_to_task_context (GTask       *task,
                        GSource     *source,
                        GSourceFunc  func,
                        gpointer     data,
                        GDestroyNotify notify)
{
  guint id;

  g_source_set_callback (source, func, data, notify);
  id = g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
  return id;
}

static gboolean
wait_cancelled_idle (gpointer user_data)
{
  HeyaiRemoteWait *wait = user_data;
  GTask *task = wait->task;

  if (wait->timeout_id != 0)
    {
      GSource *timeout = g_main_context_find_source_by_id (g_task_get_context (task), wait->timeout_id);

      if (timeout != NULL)
        g_source_destroy (timeout);
      wait->timeout_id = 0;
      g_cancellable_disconnect (g_task_get_cancellable (task), wait->cancel_id);
      wait->cancel_id = 0;
      wait->cancelled (task);   /* takes the reference held by the timeout */
    }
  return G_SOURCE_REMOVE;
}

/* The idle's own reference keeps the task (and @wait, in its data) alive. */
static void
wait_idle_done (gpointer user_data)
{
  HeyaiRemoteWait *wait = user_data;

  g_object_unref (wait->task);
}

static void
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  HeyaiRemoteWait *wait = user_data;

  /* May run in any thread and inside g_cancellable_connect: defer. */
  g_object_ref (wait->task);
  attach_to_task_context (wait->task, g_idle_source_new (), wait_cancelled_idle, wait, wait_idle_done);
}

void
heyai_remote_wait_start (HeyaiRemoteWait    *wait,
                         GTask              *task,
                         guint               ms,
                         HeyaiRemoteJobStep  elapsed,
                         HeyaiRemoteJobStep  cancelled)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  wait->task = task;
  wait->elapsed = elapsed;
  wait->cancelled = cancelled;
  wait->timeout_id = attach_to_task_context (task, g_timeout_source_new (ms), wait_timeout_cb, wait, NULL);
  if (cancellable != NULL)
    wait->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (wait_cancelled_cb), wait, NULL);
}

static gboolean
heyai_remote_job_ensure_dir (const char  *dir,
                             GError     **error)
{
  int saved_errno;
  g_autofree char *what = NULL;

  if (g_mkdir_with_parents (dir, 0755) == 0)
    return TRUE;

  saved_errno = errno;
  what = g_strdup_printf (_("Could not create %s"), dir);
  heyai_set_io_error (error, saved_errno, what);
  return FALSE;
}

static void
heyai_remote_job_download_progress (gint64   done,
                                    gint64   total,
                                    gpointer reporter)
{
  if (total > 0)
    heyai_gen_reporter_progress (reporter, 0.9 + 0.1 * ((double) done / (double) total));
}

gboolean
heyai_remote_poll_trouble (HeyaiPollTrouble *trouble,
                           const GError     *error,
                           HeyaiGenReporter *reporter,
                           const char       *label,
                           guint             poll_ms,
                           guint            *delay_ms)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *message = NULL;
  guint64 delay;

  if (error == NULL ||
      !(g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE) ||
        error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
        error->domain == G_TLS_ERROR))
    return FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  if (trouble->since == 0)
    trouble->since = now;
  if (now - trouble->since > (gint64) HEYAI_POLL_GRACE_SECONDS * G_USEC_PER_SEC)
    return FALSE;

  trouble->failures++;
  delay = (guint64) MAX (poll_ms, 1) << MIN (trouble->failures, 8);
  *delay_ms = (guint) MIN (delay, 30000);

  /* Translators: the first %s is a service (Higgsfield, Kling), the second its error. */
  message = g_strdup_printf (_("Waiting for %s (%s). HeyAI keeps asking about this request."),
                             label, error->message);
  heyai_gen_reporter_waiting (reporter, message);
  g_debug ("%s: poll failed (%u in a row), next in %u ms: %s", label, trouble->failures, *delay_ms,
           error->message);
  return TRUE;
}

void
heyai_remote_poll_ok (HeyaiPollTrouble *trouble,
                      HeyaiGenReporter *reporter)
{
  if (trouble->since == 0)
    return;
  trouble->since = 0;
  trouble->failures = 0;
  heyai_gen_reporter_waiting (reporter, NULL);
}

/* ---------------------------------------------------------------------- */
/* The engine                                                              */

#define MAX_BAD_ANSWERS 3

HeyaiRemoteJob *
heyai_remote_job_get (GTask *task)
{
  HeyaiRemoteJob *job = g_task_get_task_data (task);

  g_assert (job != NULL && job->hooks != NULL);
  return job;
}

void
heyai_remote_job_init (HeyaiRemoteJob            *job,
                       const HeyaiRemoteJobHooks *hooks,
                       HeyaiHttp                 *http,
                       const char                *label,
                       HeyaiRemoteMedia           media,
                       HeyaiGenReporter          *reporter,
                       const HeyaiGenInput       *input,
                       int                        position,
                       guint                      poll_ms,
                       guint                      max_wait)
{
  g_assert (hooks != NULL && hooks->status_request != NULL && hooks->read_status != NULL &&
            hooks->make_result != NULL && hooks->build_submit != NULL && hooks->read_submit_answer != NULL);
  g_assert ((hooks->find_by_external_id == NULL) == (hooks->read_found == NULL));
  g_assert (HEYAI_IS_HTTP (http));

  job->hooks = hooks;
  job->http = g_object_ref (http);
  job->label = g_strdup (label);
  job->media = media;
  job->reporter = reporter != NULL ? heyai_gen_reporter_ref (reporter) : NULL;
  job->dest_dir = g_strdup (input->dest_dir);
  job->position = position;
  job->basename = heyai_take_basename (position, MAX (input->take, 1));
  job->poll_ms = MAX (poll_ms, 1);
  job->max_wait = max_wait;
  job->deadline = g_get_monotonic_time () + (gint64) max_wait * G_USEC_PER_SEC;
  job->running_progress = media == HEYAI_REMOTE_MEDIA_STILL ? 0.3 : 0.2;
  job->recorded_id = input->remote_id != NULL && *input->remote_id != '\0' ? g_strdup (input->remote_id) : NULL;
  job->recorded_state = input->state;
  job->recorded_attempts = input->attempts;
}

void
heyai_remote_job_clear (HeyaiRemoteJob *job)
{
  g_clear_object (&job->http);
  g_clear_pointer (&job->label, g_free);
  g_clear_pointer (&job->reporter, heyai_gen_reporter_unref);
  g_clear_pointer (&job->dest_dir, g_free);
  g_clear_pointer (&job->basename, g_free);
  g_clear_pointer (&job->recorded_id, g_free);
  g_clear_pointer (&job->uploaded_url, g_free);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_clear_pointer (&job->images_reason, g_free);
  g_clear_pointer (&job->remote_id, g_free);
  g_clear_pointer (&job->result_url, g_free);
  g_clear_pointer (&job->downloaded, g_free);
  g_clear_pointer (&job->content_type, g_free);
}

static void
finish_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

void
heyai_remote_job_return_cancelled (GTask *task)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  if (job->remote_id != NULL && job->hooks->cancel_remote != NULL)
    job->hooks->cancel_remote (task, job->remote_id);
  finish_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           job->media == HEYAI_REMOTE_MEDIA_STILL
                                             ? _("The still was cancelled.") : _("The clip was cancelled.")));
}

static void poll_now (GTask *task);

static void
schedule_poll (GTask *task,
               guint  ms)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  if (g_get_monotonic_time () > job->deadline)
    {
      guint minutes = (job->max_wait + 59) / 60;

      if (job->media == HEYAI_REMOTE_MEDIA_STILL)
        /* Translators: %s is a service (Higgsfield). */
        finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                                         _("%s did not finish the still within %u minutes. Try again later."),
                                         job->label, minutes));
      else
        /* Translators: %s is a service (Kling). */
        finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                                         _("Scene %d: %s did not finish the clip within %u minutes. "
                                           "It keeps the task; try again later to pick it up."),
                                         job->position, job->label, minutes));
      return;
    }
  heyai_remote_wait_start (&job->wait, task, ms, poll_now, heyai_remote_job_return_cancelled);
}

/* -- verify ---------------------------------------------------------------- */

static char *
still_extension (const char *content_type,
                 const char *url)
{
  static const struct { const char *type; const char *ext; } types[] = {
    { "image/png", "png" }, { "image/jpeg", "jpg" }, { "image/jpg", "jpg" },
    { "image/webp", "webp" },
  };
  g_autoptr(GUri) uri = NULL;

  if (content_type != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      if (g_ascii_strncasecmp (content_type, types[i].type, strlen (types[i].type)) == 0)
        return g_strdup (types[i].ext);

  uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  if (uri != NULL)
    {
      const char *path = g_uri_get_path (uri);
      const char *dot = strrchr (path, '.');

      if (dot != NULL && strchr (dot, '/') == NULL)
        {
          g_autofree char *ext = g_ascii_strdown (dot + 1, -1);

          if (g_str_equal (ext, "jpeg"))
            return g_strdup ("jpg");
          if (g_str_equal (ext, "png") || g_str_equal (ext, "jpg") || g_str_equal (ext, "webp"))
            return g_steal_pointer (&ext);
        }
    }
  return g_strdup ("png");
}

static void
return_result (GTask               *task,
               const char          *path,
               const HeyaiClipInfo *clip)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  HeyaiGenResult *gen = job->hooks->make_result (task, path, clip);

  g_assert (gen != NULL);
  if (gen->request_id == NULL)
    gen->request_id = g_strdup (job->remote_id);
  if (gen->remote_url == NULL)
    gen->remote_url = g_strdup (job->result_url);
  heyai_gen_reporter_progress (job->reporter, 1.0);
  g_task_return_pointer (task, gen, (GDestroyNotify) heyai_gen_result_free);
  g_object_unref (task);
}

static void
verify_still (GTask *task)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autofree char *ext = still_extension (job->content_type, job->result_url);
  g_autofree char *path = g_strdup_printf ("%s%s%s.%s", job->dest_dir, G_DIR_SEPARATOR_S, job->basename, ext);
  g_autoptr(GError) error = NULL;

  /* The service's Content-Type decides the extension. */
  if (g_strcmp0 (path, job->downloaded) != 0 && g_rename (job->downloaded, path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not write %s"), path);

      g_unlink (job->downloaded);
      heyai_set_io_error (&error, saved_errno, what);
      finish_error (task, g_steal_pointer (&error));
      return;
    }
  /* Probed on arrival: an error page saved as scene-01.png is no still. */
  if (!heyai_media_check_still (path, &error))
    {
      g_unlink (path);
      /* Translators: the first %s is a service (Higgsfield), the second the problem. */
      finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                       _("Scene %d: %s sent something that is not an image (%s). "
                                         "Nothing was kept; generate the still again."),
                                       job->position, job->label, error->message));
      return;
    }
  return_result (task, path, NULL);
}

static void
clip_probed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(GError) error = NULL;
  HeyaiClipInfo info = { 0 };

  /* A clip is probed before it is one (C.4 item 13): 12 bytes of junk or a
   * cut file is a failed scene, never "Clip ready". */
  if (!heyai_media_probe_clip_finish (result, &info, &error) || info.duration < 0.5 * job->expected_seconds)
    {
      g_unlink (job->downloaded);
      /* Translators: %s after "the clip" is a service (Kling). */
      finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                       _("Scene %d: the clip %s sent does not play (%s). Nothing was kept; "
                                         "animate the scene again."),
                                       job->position, job->label,
                                       error != NULL ? error->message : _("it is much shorter than asked")));
      return;
    }
  return_result (task, job->downloaded, &info);
}

/* -- download -------------------------------------------------------------- */

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpDownload) download = NULL;

  download = heyai_http_download_finish (HEYAI_HTTP (source), result, &error);
  if (download == NULL)
    {
      /* 403/404/410 on the result link: the files are purged after a while
       * (7 days at Higgsfield, 30 at Kling) and CDN links are signed.  Any
       * other failure (a cut-off download) says what it is itself. */
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION) ||
          g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS))
        {
          if (job->media == HEYAI_REMOTE_MEDIA_STILL)
            finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                             _("Scene %d: %s's link to the still no longer works (%s). "
                                               "Generate the still again."),
                                             job->position, job->label, error->message));
          else
            finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                             _("Scene %d: %s's link to the clip no longer works (%s). "
                                               "Animate the scene again."),
                                             job->position, job->label, error->message));
          return;
        }
      finish_error (task, g_steal_pointer (&error));
      return;
    }

  job->downloaded = g_strdup (download->path);
  job->content_type = g_strdup (download->content_type);
  if (job->media == HEYAI_REMOTE_MEDIA_STILL)
    verify_still (task);
  else
    heyai_media_probe_clip_async (job->downloaded, NULL, clip_probed_cb, task);
}

static void
start_download (GTask *task)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("GET", job->result_url);
  g_autofree char *name = NULL;
  g_autofree char *dest = NULL;
  GError *error = NULL;

  if (job->media == HEYAI_REMOTE_MEDIA_STILL)
    {
      g_autofree char *guess = still_extension (NULL, job->result_url);

      name = g_strdup_printf ("%s.%s", job->basename, guess);
    }
  else
    name = g_strdup_printf ("%s-animated.mp4", job->basename);
  dest = g_build_filename (job->dest_dir, name, NULL);

  if (!heyai_remote_job_ensure_dir (job->dest_dir, &error))
    {
      finish_error (task, error);
      return;
    }
  /* A signed link on some CDN: no credentials go there. */
  heyai_http_request_set_header (request, HEYAI_REMOTE_NO_AUTH_HEADER, "1");

  heyai_gen_reporter_state (job->reporter, HEYAI_JOB_STATE_DOWNLOADING);
  heyai_http_download_async (job->http, request, dest,
                             job->media == HEYAI_REMOTE_MEDIA_STILL ? HEYAI_HTTP_MAX_IMAGE_BODY
                                                                    : HEYAI_HTTP_MAX_CLIP_BODY,
                             heyai_remote_job_download_progress, job->reporter,
                             g_task_get_cancellable (task), downloaded_cb, task);
}

/* -- poll ------------------------------------------------------------------ */

static void
read_answer (GTask             *task,
             HeyaiHttpResponse *response)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autofree char *url = NULL;
  GError *error = NULL;
  HeyaiRemoteStatus status;

  job->polls++;
  status = job->hooks->read_status (task, response, &url, &error);
  switch (status)
    {
    case HEYAI_REMOTE_STATUS_UNREADABLE:
      g_clear_error (&error);
      /* A garbled answer now and then is not worth failing the request. */
      if (++job->bad_answers <= MAX_BAD_ANSWERS)
        {
          schedule_poll (task, job->poll_ms);
          return;
        }
      /* Translators: %s is a service (Kling, Higgsfield). */
      finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                       _("%s sent an answer HeyAI does not understand."), job->label));
      return;
    case HEYAI_REMOTE_STATUS_QUEUED:
    case HEYAI_REMOTE_STATUS_RUNNING:
      if (status == HEYAI_REMOTE_STATUS_RUNNING)
        heyai_gen_reporter_state (job->reporter, HEYAI_JOB_STATE_RUNNING);
      heyai_gen_reporter_progress (job->reporter,
                                   status == HEYAI_REMOTE_STATUS_RUNNING
                                     ? MIN (job->running_progress + 0.05 * job->polls, 0.85) : 0.1);
      schedule_poll (task, job->poll_ms);
      return;
    case HEYAI_REMOTE_STATUS_DONE:
      g_assert (url != NULL);
      g_free (job->result_url);
      job->result_url = g_steal_pointer (&url);
      start_download (task);
      return;
    case HEYAI_REMOTE_STATUS_FAILED:
    default:
      g_assert (error != NULL);
      finish_error (task, error);
      return;
    }
}

static void
status_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  guint delay_ms = 0;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response != NULL)
    {
      heyai_remote_poll_ok (&job->trouble, job->reporter);
      read_answer (task, response);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      heyai_remote_job_return_cancelled (task);
      return;
    }
  if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND))
    {
      /* Forget the stale id: the next attempt submits afresh. */
      heyai_gen_reporter_remote_id (job->reporter, NULL);
      if (job->media == HEYAI_REMOTE_MEDIA_STILL)
        finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                         _("Scene %d: %s Generate the still again."),
                                         job->position, error->message));
      else
        finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                         _("Scene %d: %s Animate the scene again."),
                                         job->position, error->message));
      return;
    }
  /* The request is paid for: a status outage waits, it does not fail. */
  if (heyai_remote_poll_trouble (&job->trouble, error, job->reporter, job->label, job->poll_ms, &delay_ms))
    {
      heyai_remote_wait_start (&job->wait, task, delay_ms, poll_now, heyai_remote_job_return_cancelled);
      return;
    }
  finish_error (task, g_steal_pointer (&error));
}

static void
poll_now (GTask *task)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpRequest) request = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      heyai_remote_job_return_cancelled (task);
      return;
    }
  request = job->hooks->status_request (task, job->remote_id);
  heyai_http_send_async (job->http, request, g_task_get_cancellable (task), status_cb, task);
}

static void
resume (GTask      *task,
                         const char *remote_id)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  g_assert (remote_id != NULL && *remote_id != '\0');
  g_debug ("%s: resuming request %s", job->label, remote_id);
  g_free (job->remote_id);
  job->remote_id = g_strdup (remote_id);
  poll_now (task);
}

static void
accepted (GTask             *task,
                           const char        *remote_id,
                           HeyaiHttpResponse *answer)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  g_assert (remote_id != NULL && *remote_id != '\0');
  g_free (job->remote_id);
  job->remote_id = g_strdup (remote_id);
  /* Committed before anything else: a restart resumes from here. */
  heyai_gen_reporter_remote_id (job->reporter, remote_id);
  heyai_gen_reporter_progress (job->reporter, 0.05);
  if (answer != NULL)
    read_answer (task, answer);
  else
    poll_now (task);   /* cancelled meanwhile: cancels it at the service */
}

static void
wait_then (GTask              *task,
                            guint               ms,
                            HeyaiRemoteJobStep  next)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  heyai_remote_wait_start (&job->wait, task, ms, next, heyai_remote_job_return_cancelled);
}

/* -- submit ------------------------------------------------------------------ */

static void send_submit (GTask *task);
static void look_up (GTask *task);

static guint
retry_delay_ms (GTask             *task,
                HeyaiHttpResponse *response,
                guint              attempt)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  if (job->hooks->retry_delay_ms != NULL)
    return job->hooks->retry_delay_ms (task, response, attempt);
  return (guint) (heyai_http_next_delay (job->http, attempt, -1) * 1000);
}

/* The answer was lost or says nothing, and the service has no idempotency
 * key: the request may have been accepted and billed.  It is never sent
 * again automatically (API-CONTRACTS.md C.1 item 4); the request ledger
 * resolves it. */
static void
return_in_doubt (GTask      *task,
                 const char *what)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  if (job->media == HEYAI_REMOTE_MEDIA_STILL)
    /* Translators: the first %s is a service (Higgsfield), the second what happened. */
    finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_IN_DOUBT,
                                     _("Scene %d: %s may have accepted this still; check its dashboard, "
                                       "or make the still again (%s)."),
                                     job->position, job->label, what));
  else
    /* Translators: the first %s is a service (Kling), the second what happened. */
    finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_IN_DOUBT,
                                     _("Scene %d: %s may have accepted this clip; check its dashboard, "
                                       "or animate the scene again (%s)."),
                                     job->position, job->label, what));
}

/* While @again: waits @delay_ms, then runs @step (a resend: nothing is
 * on its way meanwhile); else fails @task with @error. */
static void
again_or_fail (GTask              *task,
               gboolean            again,
               guint               delay_ms,
               HeyaiRemoteJobStep  step,
               GError             *error)   /* owned */
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  if (!again)
    {
      g_assert (error != NULL);
      finish_error (task, error);
      return;
    }
  g_clear_error (&error);
  if (step == send_submit)
    heyai_gen_reporter_state (job->reporter, HEYAI_JOB_STATE_RUNNING);
  wait_then (task, delay_ms, step);
}

static void
take_accepted (GTask             *task,
               char              *remote_id,   /* owned */
               HeyaiHttpResponse *response)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  g_assert (remote_id != NULL && *remote_id != '\0');
  if (job->accepted != NULL)
    *job->accepted = TRUE;
  accepted (task, remote_id, job->hooks->answer_has_status ? response : NULL);
  g_free (remote_id);
}

/* An answer that may hide an acceptance (@error: what happened): with a
 * lookup, the service is asked (a few times at most); without, in doubt. */
static void
maybe_taken (GTask  *task,
             GError *error)   /* owned */
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  if (job->hooks->find_by_external_id == NULL)
    {
      return_in_doubt (task, error->message);
      g_error_free (error);
      return;
    }
  g_debug ("%s: the submit's answer says nothing (%s), looking the request up", job->label, error->message);
  again_or_fail (task, job->submits < job->hooks->max_submits, retry_delay_ms (task, NULL, job->submits),
                 look_up, error);
}

/* No answer at all (@error): a request that may have left may have been
 * taken; one that never left is sent again under the HTTP layer's retry
 * rules (with a lookup, the service is asked either way). */
static void
submit_lost (GTask        *task,
             GAsyncResult *result,
             GError       *error)   /* owned */
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  HeyaiRetryPolicy policy;

  heyai_http_get_retry_policy (job->http, &policy);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish_error (task, error);
  else if (job->hooks->find_by_external_id != NULL || heyai_http_result_maybe_sent (job->http, result))
    maybe_taken (task, error);
  else if (++job->unsent < MAX (policy.max_attempts, 1))
    {
      g_debug ("%s: scene %d: the submit was not sent (%s), trying again", job->label, job->position,
               error->message);
      again_or_fail (task, TRUE, retry_delay_ms (task, NULL, job->unsent), send_submit, error);
    }
  else
    {
      heyai_gen_reporter_state (job->reporter, HEYAI_JOB_STATE_RUNNING);   /* nothing on its way */
      if (job->media == HEYAI_REMOTE_MEDIA_STILL)
        /* Translators: %s is the network failure ("Could not reach Higgsfield (…). …"). */
        finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                                         _("Scene %d: the still was not sent, so nothing was billed. %s"),
                                         job->position, error->message));
      else
        /* Translators: %s is the network failure ("Could not reach Kling (…). …"). */
        finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                                         _("Scene %d: the clip was not sent, so nothing was billed. %s"),
                                         job->position, error->message));
      g_error_free (error);
    }
}

static void
submitted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  GError *error = NULL;
  char *remote_id = NULL;
  gboolean lookup = job->hooks->find_by_external_id != NULL;
  guint count;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      submit_lost (task, result, error);
      return;
    }

  switch (job->hooks->read_submit_answer (task, response, &remote_id, &error))
    {
    case HEYAI_REMOTE_SUBMIT_ACCEPTED:
      g_clear_error (&error);
      take_accepted (task, remote_id, response);
      return;
    case HEYAI_REMOTE_SUBMIT_REFUSED:
      /* Nothing accepted: send it again after a backoff, a few times.
       * With a lookup every submit counts (each is idempotent), without
       * only the refusals (each proves nothing was taken). */
      count = lookup ? job->submits : ++job->refusals;
      again_or_fail (task, count < job->hooks->max_submits, retry_delay_ms (task, response, count), send_submit,
                     error);
      return;
    case HEYAI_REMOTE_SUBMIT_DUPLICATE:
      /* Our own earlier request went through after all. */
      if (lookup)
        {
          g_clear_error (&error);
          look_up (task);
          return;
        }
      G_GNUC_FALLTHROUGH;
    case HEYAI_REMOTE_SUBMIT_AMBIGUOUS:
    case HEYAI_REMOTE_SUBMIT_NOT_FOUND:
      maybe_taken (task, error);
      return;
    case HEYAI_REMOTE_SUBMIT_FAILED:
    default:
      again_or_fail (task, FALSE, 0, NULL, error);
      return;
    }
}

static void
send_submit (GTask *task)   /* owned */
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpRequest) request = NULL;
  gboolean lookup = job->hooks->find_by_external_id != NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      heyai_remote_job_return_cancelled (task);
      return;
    }

  request = job->hooks->build_submit (task);
  /* One attempt per call: every answer comes back to be judged (sent
   * again when refused, looked up or in doubt when it says nothing). */
  heyai_http_request_set_flags (request, HEYAI_HTTP_REQUEST_NO_RETRY | HEYAI_HTTP_REQUEST_ANY_STATUS);
  job->submits++;
  heyai_gen_reporter_state (job->reporter, HEYAI_JOB_STATE_SUBMITTED);
  /* Without a lookup, a submit on its way is not cut short by a
   * cancellation: only its answer says whether it was accepted (then it is
   * cancelled properly).  With one, a lookup finds it later. */
  heyai_http_send_async (job->http, request, lookup ? g_task_get_cancellable (task) : NULL,
                         submitted_cb, task);
}

/* -- lookup by external id ------------------------------------------------- */

static void
found_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  GError *error = NULL;
  char *remote_id = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      finish_error (task, error);
      return;
    }

  switch (job->hooks->read_found (task, response, &remote_id, &error))
    {
    case HEYAI_REMOTE_SUBMIT_ACCEPTED:
      g_debug ("%s: found the request, resuming", job->label);
      g_clear_error (&error);
      take_accepted (task, remote_id, response);
      return;
    case HEYAI_REMOTE_SUBMIT_NOT_FOUND:
      g_debug ("%s: no such request, submitting", job->label);
      g_clear_error (&error);
      send_submit (task);
      return;
    case HEYAI_REMOTE_SUBMIT_AMBIGUOUS:
    case HEYAI_REMOTE_SUBMIT_REFUSED:
    case HEYAI_REMOTE_SUBMIT_DUPLICATE:
      /* An answer that says nothing, or busy: ask again rather than guess. */
      job->lookups++;
      again_or_fail (task, job->lookups < job->hooks->max_lookups, retry_delay_ms (task, response, job->lookups),
                     look_up, error);
      return;
    case HEYAI_REMOTE_SUBMIT_FAILED:
    default:
      again_or_fail (task, FALSE, 0, NULL, error);
      return;
    }
}

static void
look_up (GTask *task)   /* owned */
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpRequest) request = job->hooks->find_by_external_id (task);

  heyai_http_request_set_flags (request, HEYAI_HTTP_REQUEST_ANY_STATUS);
  heyai_http_send_async (job->http, request, g_task_get_cancellable (task), found_cb, task);
}

void
heyai_remote_job_submit (GTask *task)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  HeyaiJobState state = job->recorded_state;
  gboolean sent_before;

  /* Maybe submitted before with the answer never recorded (a crash, a lost
   * connection): ask the service by external id first; "not found" leads
   * to a submission.  A job in its first attempt (the pipeline marks it
   * running with attempts 1) cannot have been submitted yet.  Whatever the
   * state says, a duplicate external id at submit also ends in the
   * lookup, so a request is never paid twice. */
  sent_before = state == HEYAI_JOB_STATE_SUBMITTED ||
                ((state == HEYAI_JOB_STATE_RUNNING || state == HEYAI_JOB_STATE_DOWNLOADING) &&
                 job->recorded_attempts != 1);
  if (job->hooks->find_by_external_id != NULL && sent_before && job->submits == 0)
    look_up (task);
  else
    send_submit (task);
}

void
heyai_remote_job_start (GTask *task)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  if (job->recorded_id != NULL)
    resume (task, job->recorded_id);
  else if (job->hooks->prepare_submit != NULL)
    job->hooks->prepare_submit (task);
  else
    heyai_remote_job_submit (task);
}

/* -- a body with images, built off the main thread --------------------------- */

static const char *
image_type (const guint8 *b,
            gsize         len)
{
  if (len >= 8 && memcmp (b, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
    return "image/jpeg";
  if (len >= 12 && memcmp (b, "RIFF", 4) == 0 && memcmp (b + 8, "WEBP", 4) == 0)
    return "image/webp";
  return NULL;
}

static const char *
bytes_image_type (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *b = g_bytes_get_data (bytes, &len);

  return image_type (b, len);
}

typedef struct
{
  GStrv                   paths;
  guint                   n_required;
  guint                   max_images;
  const HeyaiStillLimits *limits;
  char                   *label;
  int                     position;
  HeyaiRemoteBodyFunc     build;
  gpointer                build_data;   /* the provider's task data: its own until the body is made */
  HeyaiRemoteJobStep      next;
  GTask                  *task;         /* owned until the body is made */
  /* made by the worker */
  GBytes                 *body;
  guint                   skipped;
  char                   *reason;       /* why the first skipped image was */
} BodyWork;

static void
body_work_free (BodyWork *work)
{
  g_strfreev (work->paths);
  g_free (work->label);
  g_clear_pointer (&work->body, g_bytes_unref);
  g_free (work->reason);
  g_clear_object (&work->task);
  g_free (work);
}

/* @path as the service takes an image (C.4 item 15): fitted to its limits
 * (a WebP, a PNG too large, a still too small become a fitted JPEG copy;
 * the original stays the take), as raw base64 without a data: prefix. */
static char *
encode_image (BodyWork    *work,
              const char  *path,
              GError     **error)
{
  g_autoptr(GError) fit_error = NULL;
  g_autoptr(GError) io_error = NULL;
  g_autofree char *contents = NULL;
  gboolean converted = FALSE;
  g_autofree char *fitted = heyai_media_fit_still (path, work->limits, &converted, &fit_error);
  const char *type;
  gsize len = 0;

  if (fitted == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, _("Scene %d: %s"), work->position,
                   fit_error->message);
      return NULL;
    }
  if (!g_file_get_contents (fitted, &contents, &len, &io_error))
    {
      g_autofree char *what = g_strdup_printf (_("Scene %d: could not read the still"), work->position);

      if (converted)
        g_unlink (fitted);
      heyai_set_gio_error (error, io_error, what);
      return NULL;
    }
  if (converted)
    g_unlink (fitted);
  type = image_type ((const guint8 *) contents, len);
  if ((work->limits->max_bytes > 0 && (gint64) len > work->limits->max_bytes) ||
      !((work->limits->png_ok && g_strcmp0 (type, "image/png") == 0) ||
        (work->limits->jpeg_ok && g_strcmp0 (type, "image/jpeg") == 0)))
    {
      /* changed on disk between the check and the read */
      /* Translators: %s is a service (Kling). */
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Scene %d: %s only takes PNG or JPEG stills."), work->position, work->label);
      return NULL;
    }
  return g_base64_encode ((const guchar *) contents, len);
}

static void
build_body_thread (GTask        *thread_task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  BodyWork *work = task_data;
  guint n = g_strv_length (work->paths);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func (g_free);
  guint sent = 0;
  GError *error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) image_error = NULL;
      char *image = i < work->n_required || sent < work->max_images
                      ? encode_image (work, work->paths[i], &image_error) : NULL;

      if (image == NULL && i < work->n_required)
        {
          g_task_return_error (thread_task, g_steal_pointer (&image_error));
          return;
        }
      if (image == NULL)
        {
          /* An extra image that cannot go is said, never silently dropped. */
          work->skipped++;
          if (work->reason == NULL)
            /* Translators: %s is a service (Kling). */
            work->reason = image_error != NULL
                             ? g_strdup (image_error->message)
                             : g_strdup_printf (_("%s takes at most %u images, the still included"),
                                                work->label, work->max_images);
        }
      else
        sent++;
      g_ptr_array_add (images, image);
      if (g_task_return_error_if_cancelled (thread_task))
        return;
    }
  work->body = work->build (work->build_data, (char * const *) images->pdata, images->len, &error);
  if (work->body == NULL)
    g_task_return_error (thread_task, error);
  else
    g_task_return_boolean (thread_task, TRUE);
}

static void
body_built_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BodyWork *work = user_data;
  GTask *task = g_steal_pointer (&work->task);   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      finish_error (task, error);
      return;
    }
  g_clear_pointer (&job->body, g_bytes_unref);
  job->body = g_steal_pointer (&work->body);
  job->images_skipped = work->skipped;
  g_free (job->images_reason);
  job->images_reason = g_steal_pointer (&work->reason);
  work->next (task);
}

void
heyai_remote_job_build_body (GTask                  *task,
                             const char * const     *paths,
                             guint                   n_required,
                             guint                   max_images,
                             const HeyaiStillLimits *limits,
                             HeyaiRemoteBodyFunc     build,
                             HeyaiRemoteJobStep      next)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(GTask) thread_task = NULL;
  BodyWork *work = g_new0 (BodyWork, 1);

  g_assert (limits != NULL && build != NULL && next != NULL);
  work->paths = g_strdupv ((char **) paths);
  work->n_required = n_required;
  work->max_images = max_images;
  work->limits = limits;
  work->label = g_strdup (job->label);
  work->position = job->position;
  work->build = build;
  work->build_data = g_task_get_task_data (task);
  work->next = next;
  work->task = task;

  thread_task = g_task_new (NULL, g_task_get_cancellable (task), body_built_cb, work);
  g_task_set_source_tag (thread_task, heyai_remote_job_build_body);
  g_task_set_task_data (thread_task, work, (GDestroyNotify) body_work_free);
  g_task_run_in_thread (thread_task, build_body_thread);
}

/* -- a reference uploaded before the submit ---------------------------------- */

static void
upload_failed (GTask  *task,
               GError *error)   /* owned */
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  /* Nothing was submitted: nothing billed. */
  /* Translators: the first %s is a service (Higgsfield), the second the problem. */
  finish_error (task, g_error_new (HEYAI_ERROR, error->domain == HEYAI_ERROR ? error->code : HEYAI_ERROR_RETRYABLE,
                                   _("Scene %d: the reference image could not be sent to %s (%s); "
                                     "nothing was billed."),
                                   job->position, job->label, error->message));
  g_error_free (error);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  GError *error = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      g_clear_pointer (&job->uploaded_url, g_free);
      upload_failed (task, error);
      return;
    }
  job->upload_next (task);
}

static void
upload_ticket_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  GBytes *bytes = g_object_get_data (G_OBJECT (task), "heyai-upload");
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(HeyaiHttpRequest) put = NULL;
  GError *error = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response != NULL)
    put = job->hooks->read_upload_ticket (task, response, &job->uploaded_url, &error);
  if (put == NULL)
    {
      upload_failed (task, error);
      return;
    }
  heyai_http_request_set_body (put, bytes_image_type (bytes), bytes);
  heyai_http_request_set_header (put, HEYAI_REMOTE_NO_AUTH_HEADER, "1");   /* the signature is the credential */
  heyai_http_send_async (job->http, put, g_task_get_cancellable (task), uploaded_cb, task);
}

static void
upload_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(HeyaiHttpRequest) request = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;
  const char *type;

  bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  if (bytes == NULL)
    {
      upload_failed (task, error);
      return;
    }
  type = bytes_image_type (bytes);
  if (type == NULL)
    {
      upload_failed (task, g_error_new_literal (HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                                                _("it is not a PNG, JPEG or WebP image")));
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "heyai-upload", g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  request = job->hooks->upload_ticket (task, type);
  heyai_http_send_async (job->http, request, g_task_get_cancellable (task), upload_ticket_cb, task);
}

void
heyai_remote_job_upload (GTask              *task,
                         const char         *path,
                         HeyaiRemoteJobStep  next)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert (job->hooks->upload_ticket != NULL && job->hooks->read_upload_ticket != NULL);
  job->upload_next = next;
  g_file_load_bytes_async (file, g_task_get_cancellable (task), upload_loaded_cb, task);
}
