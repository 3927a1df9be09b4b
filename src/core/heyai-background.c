/* heyai-background.c: the low-priority pool for offline CPU work.
 *
 * Why: on a 2-core laptop four offline renders at normal priority took both
 * cores, and the window's main loop waited up to 80 ms for one (bench-ui).
 * The pool caps the work at cores - 1 threads and marks each thread
 * SCHED_IDLE, which the kernel preempts for any normal thread at once; where
 * SCHED_IDLE is refused, nice 19.  The threads are the pool's own (an
 * exclusive GThreadPool), so the lowered priority never leaks into GLib's
 * shared worker threads (network, database).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-background"

#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "heyai-background.h"

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Work;

static GPrivate lowered_key;

guint
heyai_background_max_threads (void)
{
  const char *env = g_getenv ("HEYAI_BACKGROUND_THREADS");
  guint n = g_get_num_processors ();

  if (env != NULL && g_ascii_strtoull (env, NULL, 10) > 0)
    return (guint) MIN (g_ascii_strtoull (env, NULL, 10), 64);
  return n > 1 ? n - 1 : 1;
}

gboolean
heyai_background_thread_is_lowered (void)
{
  return GPOINTER_TO_INT (g_private_get (&lowered_key)) != 0;
}

gboolean
heyai_background_lower_thread (void)
{
  gboolean ok = FALSE;

  if (heyai_background_thread_is_lowered ())
    return TRUE;

#ifdef SCHED_IDLE
  {
    struct sched_param param = { 0 };

    /* pid 0 = the calling thread on Linux. */
    if (sched_setscheduler (0, SCHED_IDLE, &param) == 0)
      ok = TRUE;
  }
#endif
  {
    pid_t tid = (pid_t) syscall (SYS_gettid);

    /* Also nice 19: it is what SCHED_IDLE falls back to where refused, and
     * what tools such as top show. */
    errno = 0;
    if (setpriority (PRIO_PROCESS, (id_t) tid, 19) == 0)
      ok = TRUE;
    else
      g_debug ("Could not lower the priority of thread %d: %s", (int) tid, g_strerror (errno));
  }
  if (ok)
    g_private_set (&lowered_key, GINT_TO_POINTER (1));
  return ok;
}

static void
work_func (gpointer data,
           gpointer user_data)
{
  Work *work = data;

  heyai_background_lower_thread ();
  work->func (work->task, g_task_get_source_object (work->task),
              g_task_get_task_data (work->task), g_task_get_cancellable (work->task));
  g_object_unref (work->task);
  g_free (work);
}

static GThreadPool *
get_pool (guint lane)
{
  static GThreadPool *pools[2];
  GThreadPool **pool = &pools[lane];

  g_assert (lane < G_N_ELEMENTS (pools));
  if (g_once_init_enter (pool))
    {
      g_autoptr(GError) error = NULL;
      /* Not exclusive in the sense of GLib's thread sharing: exclusive = TRUE
       * gives the pool threads nobody else will ever run work on. */
      GThreadPool *p = g_thread_pool_new (work_func, NULL, (int) heyai_background_max_threads (), TRUE, &error);

      if (p == NULL)
        g_error ("Could not start the background thread pool: %s", error->message);
      g_once_init_leave (pool, p);
    }
  return *pool;
}

static void
run_in_lane (GTask           *task,
             GTaskThreadFunc  func,
             guint            lane)
{
  Work *work;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  work = g_new0 (Work, 1);
  work->task = g_object_ref (task);
  work->func = func;
  g_thread_pool_push (get_pool (lane), work, NULL);
}

void
heyai_background_run (GTask           *task,
                      GTaskThreadFunc  func)
{
  run_in_lane (task, func, 0);
}

void
heyai_background_run_quick (GTask           *task,
                            GTaskThreadFunc  func)
{
  run_in_lane (task, func, 1);
}
