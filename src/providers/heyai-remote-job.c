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

gboolean
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

void
heyai_remote_job_download_progress (gint64   done,
                                    gint64   total,
                                    gpointer reporter)
{
  if (total > 0)
    heyai_gen_reporter_progress (reporter, 0.9 + 0.1 * ((double) done / (double) total));
}

void
heyai_remote_job_set_limit (GObject    *object,
                            guint      *field,
                            guint       value,
                            GParamSpec *pspec)
{
  value = MAX (value, 1);
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (object, pspec);
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
            hooks->make_result != NULL);
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
}

void
heyai_remote_job_clear (HeyaiRemoteJob *job)
{
  g_clear_object (&job->http);
  g_clear_pointer (&job->label, g_free);
  g_clear_pointer (&job->reporter, heyai_gen_reporter_unref);
  g_clear_pointer (&job->dest_dir, g_free);
  g_clear_pointer (&job->basename, g_free);
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
  if (job->hooks->prepare_download != NULL)
    job->hooks->prepare_download (task, request);

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

void
heyai_remote_job_resume (GTask      *task,
                         const char *remote_id)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  g_assert (remote_id != NULL && *remote_id != '\0');
  g_debug ("%s: resuming request %s", job->label, remote_id);
  g_free (job->remote_id);
  job->remote_id = g_strdup (remote_id);
  poll_now (task);
}

void
heyai_remote_job_accepted (GTask             *task,
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

/* ---------------------------------------------------------------------- */
/* HeyaiRemoteProvider                                                     */

typedef struct
{
  HeyaiHttp *http;
  char      *base_url;
  char      *model;
  guint      poll_ms;
  guint      max_wait;
  double     price;
  double     delay_scale;   /* of the client's own backoff; 1: as the policy says */
  guint      concurrency_cap;   /* the smallest cap reported; 0: unknown */
  guint      cap_refusals;      /* refusals by the cap so far */
  guint      in_flight;         /* generations under way through the gate */
  GQueue     waiting;           /* GTask*: generations waiting for a free slot */
  gboolean   constructed;
} HeyaiRemoteProviderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HeyaiRemoteProvider, heyai_remote_provider, G_TYPE_OBJECT)

enum {
  PROVIDER_PROP_0,
  PROVIDER_PROP_MODEL,
  PROVIDER_PROP_BASE_URL,
  PROVIDER_PROP_POLL_INTERVAL,
  PROVIDER_PROP_MAX_WAIT,
  PROVIDER_PROP_PRICE,
  PROVIDER_N_PROPS
};

static GParamSpec *provider_properties[PROVIDER_N_PROPS];

static const HeyaiProviderDescriptor *
class_descriptor (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_lookup (klass->role, klass->name);

  g_assert (descriptor != NULL);
  return descriptor;
}

static void
set_model (HeyaiRemoteProvider *self,
           const char          *model)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  g_autofree char *normal = NULL;

  /* NULL or "" (the setting's default): keep the current model. */
  if (model == NULL || *model == '\0')
    return;
  if (klass->normalize_model != NULL)
    model = normal = klass->normalize_model (model);
  if (g_strcmp0 (priv->model, model) == 0)
    return;
  g_free (priv->model);
  priv->model = g_strdup (model);
  if (priv->constructed)
    g_object_notify_by_pspec (G_OBJECT (self), provider_properties[PROVIDER_PROP_MODEL]);
}

static HeyaiHttpVerdict
classify_cb (HeyaiHttpResponse  *response,
             GError            **error,
             gpointer            user_data)
{
  return heyai_remote_provider_classify (user_data, response, error);
}

static void
heyai_remote_provider_constructed (GObject *object)
{
  HeyaiRemoteProvider *self = HEYAI_REMOTE_PROVIDER (object);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  const HeyaiProviderDescriptor *descriptor = class_descriptor (self);

  G_OBJECT_CLASS (heyai_remote_provider_parent_class)->constructed (object);

  /* NULL: the service's own address (a configured one comes as the
   * property, from HeyaiProviderConfig). */
  if (priv->base_url == NULL)
    priv->base_url = g_strdup (descriptor->base_url);
  if (priv->model == NULL)
    set_model (self, klass->default_model);
  priv->poll_ms = MAX (klass->default_poll_ms, 1);
  priv->max_wait = MAX (klass->default_max_wait, 1);
  priv->delay_scale = 1.0;

  priv->http = heyai_http_new (priv->base_url, heyai_provider_descriptor_label (descriptor));
  heyai_http_set_timeout (priv->http, klass->timeout);
  if (klass->classify != NULL)
    heyai_http_set_classifier (priv->http, classify_cb, self, NULL);
  priv->constructed = TRUE;
}

static void
heyai_remote_provider_finalize (GObject *object)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (HEYAI_REMOTE_PROVIDER (object));

  g_clear_object (&priv->http);
  g_clear_pointer (&priv->base_url, g_free);
  g_clear_pointer (&priv->model, g_free);

  G_OBJECT_CLASS (heyai_remote_provider_parent_class)->finalize (object);
}

static void
heyai_remote_provider_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (HEYAI_REMOTE_PROVIDER (object));

  switch (prop_id)
    {
    case PROVIDER_PROP_MODEL:
      g_value_set_string (value, priv->model);
      break;
    case PROVIDER_PROP_BASE_URL:
      g_value_set_string (value, priv->base_url);
      break;
    case PROVIDER_PROP_POLL_INTERVAL:
      g_value_set_uint (value, priv->poll_ms);
      break;
    case PROVIDER_PROP_MAX_WAIT:
      g_value_set_uint (value, priv->max_wait);
      break;
    case PROVIDER_PROP_PRICE:
      g_value_set_double (value, priv->price);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_remote_provider_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HeyaiRemoteProvider *self = HEYAI_REMOTE_PROVIDER (object);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROVIDER_PROP_MODEL:
      set_model (self, g_value_get_string (value));
      break;
    case PROVIDER_PROP_BASE_URL:
      g_free (priv->base_url);
      priv->base_url = g_value_dup_string (value);
      break;
    case PROVIDER_PROP_POLL_INTERVAL:
      heyai_remote_provider_set_poll_interval (self, g_value_get_uint (value));
      break;
    case PROVIDER_PROP_MAX_WAIT:
      heyai_remote_provider_set_max_wait (self, g_value_get_uint (value));
      break;
    case PROVIDER_PROP_PRICE:
      priv->price = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_remote_provider_class_init (HeyaiRemoteProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = heyai_remote_provider_constructed;
  object_class->finalize = heyai_remote_provider_finalize;
  object_class->get_property = heyai_remote_provider_get_property;
  object_class->set_property = heyai_remote_provider_set_property;
  klass->default_poll_ms = 2000;
  klass->default_max_wait = 1800;
  klass->timeout = 60;

  provider_properties[PROVIDER_PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  provider_properties[PROVIDER_PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  provider_properties[PROVIDER_PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 1, 600000, 2000,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  provider_properties[PROVIDER_PROP_MAX_WAIT] =
    g_param_spec_uint ("max-wait", NULL, NULL, 1, 86400, 1800,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* USD of the standard unit (a still, a 5 s clip); 0: the built-in price. */
  provider_properties[PROVIDER_PROP_PRICE] =
    g_param_spec_double ("price", NULL, NULL, 0, 1000, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, PROVIDER_N_PROPS, provider_properties);
}

static void
heyai_remote_provider_init (HeyaiRemoteProvider *self)
{
  /* The class's defaults are applied in constructed(): here the class is
   * still this base's, not the client's. */
}

HeyaiHttp *
heyai_remote_provider_get_http (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return priv->http;
}

const char *
heyai_remote_provider_get_base_url (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return priv->base_url;
}

const char *
heyai_remote_provider_get_model (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return priv->model;
}

const char *
heyai_remote_provider_get_label (HeyaiRemoteProvider *self)
{
  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return heyai_provider_descriptor_label (class_descriptor (self));
}

guint
heyai_remote_provider_get_poll_interval (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 1);
  return priv->poll_ms;
}

guint
heyai_remote_provider_get_max_wait (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 1);
  return priv->max_wait;
}

double
heyai_remote_provider_get_price (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 0);
  return priv->price;
}

void
heyai_remote_provider_set_poll_interval (HeyaiRemoteProvider *self,
                                         guint                ms)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  heyai_remote_job_set_limit (G_OBJECT (self), &priv->poll_ms, ms, provider_properties[PROVIDER_PROP_POLL_INTERVAL]);
}

void
heyai_remote_provider_set_max_wait (HeyaiRemoteProvider *self,
                                    guint                seconds)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  heyai_remote_job_set_limit (G_OBJECT (self), &priv->max_wait, seconds, provider_properties[PROVIDER_PROP_MAX_WAIT]);
}

void
heyai_remote_provider_configure (HeyaiRemoteProvider       *self,
                                 const HeyaiProviderConfig *config)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRemoteProviderClass *klass;

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  g_return_if_fail (config != NULL);

  klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  if (config->http_delay_scale != NULL && *config->http_delay_scale != '\0')
    priv->delay_scale = MAX (g_ascii_strtod (config->http_delay_scale, NULL), 0.0);
  if (klass->configure != NULL)
    klass->configure (self, config);
}

void
heyai_remote_provider_apply_settings (HeyaiRemoteProvider *self,
                                      const char          *model,
                                      const char          *poll_ms)
{
  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));

  set_model (self, model);
  if (poll_ms != NULL && *poll_ms != '\0')
    heyai_remote_provider_set_poll_interval (self, MAX (1, (guint) g_ascii_strtoull (poll_ms, NULL, 10)));
}

gboolean
heyai_remote_provider_is_service_response (HeyaiRemoteProvider *self,
                                           HeyaiHttpResponse   *response)
{
  const char *base_url = heyai_remote_provider_get_base_url (self);
  const char *url = heyai_http_response_get_url (response);
  gsize len;

  g_return_val_if_fail (base_url != NULL, FALSE);

  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  return url != NULL && strncmp (url, base_url, len) == 0 && (url[len] == '/' || url[len] == '\0' || url[len] == '?');
}

guint
heyai_remote_provider_retry_delay_ms (HeyaiRemoteProvider *self,
                                      HeyaiHttpResponse   *response,
                                      guint                attempt)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRetryPolicy policy;
  double seconds = -1;

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 0);

  heyai_http_get_retry_policy (priv->http, &policy);
  if (response != NULL)
    seconds = heyai_http_parse_retry_after (heyai_http_response_get_headers (response),
                                            g_get_real_time () / G_USEC_PER_SEC);
  if (seconds < 0)
    seconds = MAX (heyai_http_backoff_delay (&policy, attempt), MIN (1.0, policy.base_delay));
  seconds = MIN (seconds, MAX (policy.max_delay, 0.0));
  seconds *= priv->delay_scale;
  return (guint) CLAMP (seconds * 1000.0, 0, 600000);
}

/* -- Test connection ------------------------------------------------------ */

static void
test_answer_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteProvider *self = g_task_get_source_object (task);
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  GError *error = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response != NULL && klass->read_test_answer != NULL &&
      !klass->read_test_answer (self, response, &error))
    g_assert (error != NULL);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
test_send (GTask *task)   /* owned */
{
  HeyaiRemoteProvider *self = g_task_get_source_object (task);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  g_autoptr(HeyaiHttpRequest) request = HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->test_request (self);

  heyai_http_request_set_max_attempts (request, 2);
  heyai_http_send_async (priv->http, request, g_task_get_cancellable (task), test_answer_cb, task);
}

void
heyai_remote_provider_test_async (HeyaiRemoteProvider *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HeyaiRemoteProviderClass *klass;
  GTask *task;

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));

  klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  g_return_if_fail (klass->with_credentials != NULL && klass->test_request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_remote_provider_test_async);
  klass->with_credentials (task, test_send);
}

gboolean
heyai_remote_provider_test_finish (HeyaiRemoteProvider  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
heyai_remote_job_wait_then (GTask              *task,
                            guint               ms,
                            HeyaiRemoteJobStep  next)
{
  HeyaiRemoteJob *job = heyai_remote_job_get (task);

  heyai_remote_wait_start (&job->wait, task, ms, next, heyai_remote_job_return_cancelled);
}

/* -- The concurrency gate --------------------------------------------------- */

#define MAX_CAP_REQUEUES 50

typedef struct
{
  HeyaiProject     *project;
  HeyaiScene       *scene;
  HeyaiGenInput    *input;
  HeyaiGenReporter *reporter;
  gboolean          accepted;   /* the service took the request (it has an id) */
  guint             cap_refusals_at_start;
  guint             requeues;
} GatedData;

static void
gated_data_free (GatedData *data)
{
  g_clear_object (&data->project);
  g_clear_object (&data->scene);
  g_clear_pointer (&data->input, heyai_gen_input_free);
  g_clear_pointer (&data->reporter, heyai_gen_reporter_unref);
  g_free (data);
}

static void gate_pump (HeyaiRemoteProvider *self);

static gboolean
refused_by_cap_answer (HeyaiRemoteProviderPrivate *priv,
                       GatedData                  *data,
                       const GError               *error)
{
  const char *remote_id = data->input->remote_id;

  return g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE) &&
         priv->concurrency_cap > 0 && priv->cap_refusals != data->cap_refusals_at_start &&
         !data->accepted && (remote_id == NULL || *remote_id == '\0');
}

static void
gated_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  HeyaiRemoteProvider *self = HEYAI_REMOTE_PROVIDER (source);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  GTask *outer = user_data;   /* owned */
  GatedData *data = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;
  HeyaiGenResult *gen;

  gen = g_task_propagate_pointer (G_TASK (result), &error);
  g_assert (priv->in_flight > 0);
  priv->in_flight--;

  if (gen == NULL && !g_cancellable_is_cancelled (g_task_get_cancellable (outer)) &&
      refused_by_cap_answer (priv, data, error) && data->requeues < MAX_CAP_REQUEUES)
    {
      g_debug ("%s: scene %d waits for a free slot (the account allows %u at a time)",
               heyai_remote_provider_get_label (self), heyai_scene_get_position (data->scene),
               priv->concurrency_cap);
      data->requeues++;
      g_queue_push_head (&priv->waiting, outer);
      gate_pump (self);
      return;
    }

  /* Still refused by the cap after its requeues here: nothing was
   * accepted; the pipeline lowers its own limit and sends it again. */
  if (gen == NULL && data->requeues >= MAX_CAP_REQUEUES && refused_by_cap_answer (priv, data, error))
    error->code = HEYAI_ERROR_CAPACITY;

  if (gen != NULL)
    g_task_return_pointer (outer, gen, (GDestroyNotify) heyai_gen_result_free);
  else
    g_task_return_error (outer, g_steal_pointer (&error));
  g_object_unref (outer);
  gate_pump (self);
}

static void
gate_start (HeyaiRemoteProvider *self,
            GTask               *outer)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  GatedData *data = g_task_get_task_data (outer);

  if (g_task_return_error_if_cancelled (outer))
    {
      g_object_unref (outer);
      return;
    }
  priv->in_flight++;
  data->cap_refusals_at_start = priv->cap_refusals;
  HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->gated_generate_async (self, data->project, data->scene, data->input,
                                                                data->reporter, &data->accepted,
                                                                g_task_get_cancellable (outer),
                                                                gated_done_cb, outer);
}

static void
gate_pump (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  while (!g_queue_is_empty (&priv->waiting) &&
         (priv->concurrency_cap == 0 || priv->in_flight < priv->concurrency_cap))
    gate_start (self, g_queue_pop_head (&priv->waiting));
}

void
heyai_remote_provider_gated_generate_async (HeyaiRemoteProvider *self,
                                            HeyaiProject        *project,
                                            HeyaiScene          *scene,
                                            const HeyaiGenInput *input,
                                            HeyaiGenReporter    *reporter,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  GTask *outer;
  GatedData *data;

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  g_return_if_fail (HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->gated_generate_async != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  data = g_new0 (GatedData, 1);
  g_task_set_source_tag (outer, heyai_remote_provider_gated_generate_async);
  data->project = g_object_ref (project);
  data->scene = g_object_ref (scene);
  data->input = heyai_gen_input_copy (input);
  data->reporter = reporter != NULL ? heyai_gen_reporter_ref (reporter) : NULL;
  g_task_set_task_data (outer, data, (GDestroyNotify) gated_data_free);

  g_queue_push_tail (&priv->waiting, outer);
  gate_pump (self);
}

void
heyai_remote_provider_report_cap (HeyaiRemoteProvider *self,
                                  guint                cap)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  g_return_if_fail (cap > 0);

  priv->cap_refusals++;
  if (priv->concurrency_cap == 0 || cap < priv->concurrency_cap)
    {
      priv->concurrency_cap = cap;
      g_debug ("%s: the account allows %u requests at a time", heyai_remote_provider_get_label (self), cap);
    }
}

guint
heyai_remote_provider_get_concurrency_cap (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 0);
  return priv->concurrency_cap;
}

HeyaiHttpVerdict
heyai_remote_provider_classify (HeyaiRemoteProvider  *self,
                                HeyaiHttpResponse    *response,
                                GError              **error)
{
  HeyaiRemoteProviderClass *klass;

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), HEYAI_HTTP_VERDICT_DEFAULT);

  klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  if (klass->classify == NULL || !heyai_remote_provider_is_service_response (self, response))
    return HEYAI_HTTP_VERDICT_DEFAULT;
  return klass->classify (self, response, error);
}
