/* heyai-background.h: a small pool for offline CPU work (rendering stills,
 * encoding clips, decoding thumbnails) that runs at a lower scheduling
 * priority and leaves a core for the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How many offline CPU jobs run at once: max(1, cores - 1), so on a 2-core
 * laptop one core always stays free for the main loop.  $HEYAI_BACKGROUND_THREADS
 * overrides it (tests). */
guint     heyai_background_max_threads   (void);

/* Like g_task_run_in_thread(), but in the background pool: at most
 * heyai_background_max_threads() tasks run at once, the rest wait their turn,
 * and the threads run with SCHED_IDLE (nice 19 where that is refused), so a
 * busy pool never takes the core the window needs.  The task keeps a ref
 * until it has completed.  @func must return the task's result itself, with
 * g_task_return_pointer() or an error (it gets a private task: a
 * normal-priority thread completes @task, never the lowered one, see
 * heyai-background.c); @result_destroy frees that pointer. */
void      heyai_background_run           (GTask           *task,
                                          GTaskThreadFunc  func,
                                          GDestroyNotify   result_destroy);
/* The same in a second lane of the same size and priority, for short work the
 * window waits on (thumbnails), so it never queues behind long renders. */
void      heyai_background_run_quick     (GTask           *task,
                                          GTaskThreadFunc  func,
                                          GDestroyNotify   result_destroy);

/* Lowers the calling thread's scheduling priority the same way (for threads
 * the pool does not own, such as a GStreamer streaming thread started for an
 * offline encode).  Irreversible for the thread: only call it on threads
 * that do nothing but background work.  Returns TRUE when it took effect. */
gboolean  heyai_background_lower_thread  (void);

/* TRUE when the calling thread runs at the background priority (tests). */
gboolean  heyai_background_thread_is_lowered (void);

G_END_DECLS
