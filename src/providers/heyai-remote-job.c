/* heyai-remote-job.c: shared by the polling clients, see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "heyai-remote-job.h"

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
                                    gpointer job)
{
  if (total > 0)
    heyai_job_set_progress (HEYAI_JOB (job), 0.9 + 0.1 * ((double) done / (double) total));
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
                           HeyaiJob         *job,
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
  heyai_job_set_last_error (job, message);
  g_debug ("%s: poll failed (%u in a row), next in %u ms: %s", label, trouble->failures, *delay_ms,
           error->message);
  return TRUE;
}

void
heyai_remote_poll_ok (HeyaiPollTrouble *trouble,
                      HeyaiJob         *job)
{
  if (trouble->since == 0)
    return;
  trouble->since = 0;
  trouble->failures = 0;
  heyai_job_set_last_error (job, NULL);
}
