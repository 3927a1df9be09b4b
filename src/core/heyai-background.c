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
 * A task never completes from a lowered thread: g_task_return_*() there
 * attaches a source to the window's GMainContext, taking its lock and waking
 * the main thread while it holds it.  The woken main thread preempts the
 * SCHED_IDLE thread and then waits for the lock, which the preempted thread
 * only releases when no normal thread wants a core: on a loaded 2-core
 * machine the main loop waited up to 11 ms for it (bench-ui under perf,
 * futex waits woken by the pool's threads in g_source_attach).  So @func
 * returns into a private GTask whose context no one waits on, and a
 * normal-priority courier thread hands the result to the caller's task.
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
  GTask           *task;            /* the caller's */
  GTaskThreadFunc  func;
  GDestroyNotify   result_destroy;
} Work;

static GPrivate lowered_key;

/* The courier: a normal-priority thread that completes the callers' tasks.
 * relay is the context of the private tasks the lowered threads return
 * into; relay_lock serialises acquiring it (a worker creating a task in it,
 * the courier dispatching it). */
static GAsyncQueue  *courier_queue;
static GMainContext *relay;
static GMutex        relay_lock;

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
work_free (Work *work)
{
  g_object_unref (work->task);
  g_free (work);
}

/* On the courier thread: the private task has the result; the caller's task
 * gets it from a normal-priority thread. */
static void
relay_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Work *work = user_data;
  GError *error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  if (error != NULL)
    g_task_return_error (work->task, error);
  else
    g_task_return_pointer (work->task, value, work->result_destroy);
  work_free (work);
}

static gpointer
courier_thread (gpointer data)
{
  for (;;)
    {
      Work *work = g_async_queue_pop (courier_queue);

      (void) work;
      g_mutex_lock (&relay_lock);
      if (g_main_context_acquire (relay))
        {
          while (g_main_context_iteration (relay, FALSE))
            ;
          g_main_context_release (relay);
        }
      g_mutex_unlock (&relay_lock);
    }
  return NULL;
}

static void
work_func (gpointer data,
           gpointer user_data)
{
  Work *work = data;
  GTask *task = work->task;
  GTask *inner;

  heyai_background_lower_thread ();

  /* The private task: the caller's source object, cancellable and data, in
   * the relay context, which only the courier ever waits on. */
  g_mutex_lock (&relay_lock);
  g_main_context_push_thread_default (relay);
  inner = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task), relay_done_cb, work);
  g_main_context_pop_thread_default (relay);
  g_mutex_unlock (&relay_lock);
  g_task_set_task_data (inner, g_task_get_task_data (task), NULL);
  g_task_set_name (inner, g_task_get_name (task));
  g_task_set_priority (inner, g_task_get_priority (task));
  /* The caller's task decides what a cancelled task returns. */
  g_task_set_check_cancellable (inner, FALSE);

  work->func (inner, g_task_get_source_object (task), g_task_get_task_data (task), g_task_get_cancellable (task));
  g_object_unref (inner);
  /* @func returned into inner: its completion waits in relay. */
  g_async_queue_push (courier_queue, work);
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
      /* Started from the caller's (normal-priority) thread, so the courier
       * keeps a normal priority. */
      if (g_once_init_enter (&relay))
        {
          GMainContext *context = g_main_context_new ();

          courier_queue = g_async_queue_new ();
          g_thread_unref (g_thread_new ("heyai-courier", courier_thread, NULL));
          g_once_init_leave (&relay, context);
        }
      g_once_init_leave (pool, p);
    }
  return *pool;
}

static void
run_in_lane (GTask           *task,
             GTaskThreadFunc  func,
             GDestroyNotify   result_destroy,
             guint            lane)
{
  Work *work;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  work = g_new0 (Work, 1);
  work->task = g_object_ref (task);
  work->func = func;
  work->result_destroy = result_destroy;
  g_thread_pool_push (get_pool (lane), work, NULL);
}

void
heyai_background_run (GTask           *task,
                      GTaskThreadFunc  func,
                      GDestroyNotify   result_destroy)
{
  run_in_lane (task, func, result_destroy, 0);
}

void
heyai_background_run_quick (GTask           *task,
                            GTaskThreadFunc  func,
                            GDestroyNotify   result_destroy)
{
  run_in_lane (task, func, result_destroy, 1);
}
