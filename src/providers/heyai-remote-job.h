/* heyai-remote-job.h: what the polling clients (Kling, Higgsfield) share:
 * a cancellable wait before the next step of a remote job.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "heyai-core.h"

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

/* A HeyaiHttpProgressFunc for the result download: moves @job (the
 * user data) from 0.9 to 1.0. */
void     heyai_remote_job_download_progress (gint64       done,
                                             gint64       total,
                                             gpointer     job);

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
 * been in trouble for less than HEYAI_POLL_GRACE_SECONDS; the job's
 * last-error then says "Waiting for @label …" (the scene shows it). */
gboolean heyai_remote_poll_trouble          (HeyaiPollTrouble *trouble,
                                             const GError     *error,
                                             HeyaiJob         *job,
                                             const char       *label,
                                             guint             poll_ms,
                                             guint            *delay_ms);
/* A poll of @job answered: the trouble (if any) is over. */
void     heyai_remote_poll_ok               (HeyaiPollTrouble *trouble,
                                             HeyaiJob         *job);

G_END_DECLS
