/* test-quit-collect.c: "Quit and Finish Later" during a paid batch, then the
 * next launch, with the fake Higgsfield (tests/fakes) in this process and
 * the window in two child processes on one library:
 *   1. a batch of two paid stills is accepted by Higgsfield (which keeps
 *      them in progress); Quit asks, says that 2 paid requests are in flight
 *      and will be collected; Quit and Finish Later leaves them in the
 *      ledger, open, with their remote ids;
 *   2. Higgsfield finishes them; the next launch collects both without a
 *      click and without submitting anything again (the fake's counters).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-quit-collect"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "heyai-fake.h"
#include "heyai-pipeline.h"
#include "ui-test-utils.h"

#define PHASE_ENV "HEYAI_TEST_QUIT_PHASE"
#define DIR_ENV   "HEYAI_TEST_QUIT_DIR"

static char *self_path;

/* The application of a child, on the library the parent made. */
static HeyaiApplication *
child_app (const char *dir)
{
  g_autofree char *keyring = g_build_filename (dir, "test.keyring", NULL);
  HeyaiApplication *app;
  GSettings *settings;

  g_setenv ("HEYAI_DATA_DIR", dir, TRUE);
  g_unsetenv ("HEYAI_LOCAL_ROOT");
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "heyai-test", TRUE);
  g_setenv ("HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.Secret", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("HF_CREDENTIALS", "fake-hf-id:fake-hf-secret", TRUE);

  app = heyai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_assert_nonnull (heyai_application_get_store (app));
  /* Settings live in memory: each launch chooses Higgsfield again. */
  settings = heyai_application_get_settings (app);
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_settings_set_double (settings, "budget-monthly", 1000.0);
  g_settings_set_double (settings, "budget-cap", 50.0);
  heyai_application_reload_providers (app);
  return app;
}

/* Open requests of kind image with a remote id (accepted by the service). */
static guint
count_accepted (HeyaiStore *store,
                const char *project_id)
{
  g_autoptr(GPtrArray) requests = heyai_store_list_requests (store, project_id, NULL);
  guint n = 0;

  for (guint i = 0; requests != NULL && i < requests->len; i++)
    {
      HeyaiRequest *request = g_ptr_array_index (requests, i);

      if (g_strcmp0 (request->kind, "image") == 0 && request->remote_id != NULL &&
          (request->state == HEYAI_REQUEST_RUNNING || request->state == HEYAI_REQUEST_SUBMITTED))
        n++;
    }
  return n;
}

static int
child_quit (const char *dir)
{
  HeyaiApplication *app = child_app (dir);
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Paid Batch", 2, FALSE);
  g_autofree char *two = g_strdup_printf ("%u", 2);
  HeyaiWindow *window = ui_test_new_window (app, 1200, 800);
  AdwMessageDialog *dialog = NULL;
  gboolean finished = FALSE;
  const char *body;

  g_assert_false (heyai_application_has_paid_work (app));
  heyai_window_open_project (window, project);
  g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  heyai_application_start_run (app, project, HEYAI_RUN_IMAGES, 0);
  /* Both stills accepted and reported in progress (polled twice). */
  for (guint i = 0; i < 1200 && count_accepted (store, heyai_project_get_id (project)) < 2; i++)
    ui_test_spin (25);
  g_assert_cmpuint (count_accepted (store, heyai_project_get_id (project)), ==, 2);
  g_assert_true (heyai_application_has_paid_work (app));
  g_assert_cmpuint (heyai_application_count_paid_in_flight (app, NULL), ==, 2);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  dialog = ui_test_wait_message_dialog (NULL, 3000);
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("quit question: %s — %s", adw_message_dialog_get_heading (dialog), body);
  /* "2 paid requests are in flight … collected when you open HeyAI Studio again" */
  g_assert_nonnull (strstr (body, two));
  g_assert_nonnull (strstr (body, "collected"));
  g_free (ui_test_screenshot (GTK_WIDGET (dialog), "quit-in-flight"));

  adw_message_dialog_response (dialog, "quit");
  /* A quitting application runs its loop no further: a few iterations. */
  ui_test_spin (50);
  g_assert_false (finished && heyai_application_is_running (app, project));
  /* The ledger keeps both, open, with their remote ids. */
  g_assert_cmpuint (count_accepted (store, heyai_project_get_id (project)), ==, 2);
  g_application_quit (G_APPLICATION (app));
  return 0;
}

static int
child_collect (const char *dir)
{
  HeyaiApplication *app = child_app (dir);
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(GPtrArray) projects = heyai_store_list_projects (store, NULL);
  HeyaiProject *project;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  HeyaiWindow *window;
  gboolean finished = FALSE;

  g_assert_cmpuint (projects->len, ==, 1);
  project = g_ptr_array_index (projects, 0);
  g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  /* Opening the window resumes the accepted requests at once. */
  window = ui_test_new_window (app, 1200, 800);
  g_assert_true (heyai_application_is_running (app, project));
  g_assert_true (ui_test_wait (&finished, 60000));

  requests = heyai_store_list_requests (store, heyai_project_get_id (project), NULL);
  for (guint i = 0; i < requests->len; i++)
    {
      HeyaiRequest *request = g_ptr_array_index (requests, i);

      g_test_message ("request %s: %s (remote %s) %s", request->id, heyai_request_state_to_string (request->state),
                      request->remote_id, request->last_error);
    }
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  g_assert_cmpuint (scenes->len, ==, 2);
  for (guint i = 0; i < scenes->len; i++)
    g_assert_cmpint (heyai_scene_get_image_take (g_ptr_array_index (scenes, i)), ==, 1);
  g_assert_cmpuint (requests->len, ==, 2);
  for (guint i = 0; i < requests->len; i++)
    {
      HeyaiRequest *request = g_ptr_array_index (requests, i);

      g_test_message ("request %s: %s (remote %s)", request->id, heyai_request_state_to_string (request->state),
                      request->remote_id);
      g_assert_cmpint (request->state, ==, HEYAI_REQUEST_COLLECTED);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
  return 0;
}

static void
run_child (const char *phase,
           const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { self_path, NULL };
  int status = 0;

  env = g_environ_setenv (env, PHASE_ENV, phase, TRUE);
  env = g_environ_setenv (env, DIR_ENV, dir, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("phase %s:\n%s%s", phase, out, err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
}

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  HeyaiFake    *fake;
  GMutex        lock;
  GCond         ready;
} FakeThread;

static gpointer
fake_thread (gpointer data)
{
  FakeThread *ft = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (ft->context);
  g_mutex_lock (&ft->lock);
  ft->fake = heyai_fake_new ();
  g_assert_true (heyai_fake_install (ft->fake, "higgsfield", &error));
  /* Accepted stills stay in progress until the test lets them finish. */
  heyai_fake_set_option (ft->fake, "higgsfield.polls", "1000000");
  g_assert_true (heyai_fake_start (ft->fake, 0, &error));
  g_assert_no_error (error);
  g_cond_signal (&ft->ready);
  g_mutex_unlock (&ft->lock);
  g_main_loop_run (ft->loop);
  heyai_fake_stop (ft->fake);
  g_clear_object (&ft->fake);
  g_main_context_pop_thread_default (ft->context);
  return NULL;
}

static gboolean
set_polls_cb (gpointer data)
{
  FakeThread *ft = data;

  heyai_fake_set_option (ft->fake, "higgsfield.polls", "0");
  g_mutex_lock (&ft->lock);
  g_cond_signal (&ft->ready);
  g_mutex_unlock (&ft->lock);
  return G_SOURCE_REMOVE;
}

static void
test_quit_then_collect (void)
{
  FakeThread ft = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("heyai-quit-collect-XXXXXX", NULL);
  GThread *thread;
  guint submits, cancels;

  ft.context = g_main_context_new ();
  ft.loop = g_main_loop_new (ft.context, FALSE);
  g_mutex_init (&ft.lock);
  g_cond_init (&ft.ready);
  g_mutex_lock (&ft.lock);
  thread = g_thread_new ("fake-higgsfield", fake_thread, &ft);
  while (ft.fake == NULL)
    g_cond_wait (&ft.ready, &ft.lock);
  g_mutex_unlock (&ft.lock);
  heyai_fake_setenv (ft.fake);

  run_child ("quit", dir);
  submits = heyai_fake_get_count (ft.fake, "higgsfield.submit");
  cancels = heyai_fake_get_count (ft.fake, "higgsfield.cancel");
  g_test_message ("after the quit: %u submits, %u cancels", submits, cancels);
  g_assert_cmpuint (submits, ==, 2);
  /* Finish later means later: nothing was asked to be dropped (Higgsfield
   * drops a queued request it is asked to cancel). */
  g_assert_cmpuint (cancels, ==, 0);

  /* Higgsfield finishes them meanwhile. */
  g_mutex_lock (&ft.lock);
  g_main_context_invoke (ft.context, set_polls_cb, &ft);
  g_cond_wait (&ft.ready, &ft.lock);
  g_mutex_unlock (&ft.lock);

  run_child ("collect", dir);
  g_test_message ("after the next launch: %u submits, %u status polls",
                  heyai_fake_get_count (ft.fake, "higgsfield.submit"),
                  heyai_fake_get_count (ft.fake, "higgsfield.status"));
  /* Collected, not paid again. */
  g_assert_cmpuint (heyai_fake_get_count (ft.fake, "higgsfield.submit"), ==, submits);

  g_main_loop_quit (ft.loop);
  g_thread_join (thread);
  g_main_loop_unref (ft.loop);
  g_main_context_unref (ft.context);
}

int
main (int    argc,
      char **argv)
{
  const char *phase = g_getenv (PHASE_ENV);

  self_path = g_canonicalize_filename (argv[0], NULL);
  if (!ui_test_init (&argc, &argv))
    return 0;
  if (phase != NULL)
    {
      int status = g_str_equal (phase, "quit") ? child_quit (g_getenv (DIR_ENV)) : child_collect (g_getenv (DIR_ENV));

      /* Like the application's main() after g_application_run(): leave. */
      _exit (status);
    }
  g_test_add_func ("/polish/quit-then-collect", test_quit_then_collect);
  return g_test_run ();
}
