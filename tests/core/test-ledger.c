/* test-ledger.c: the request ledger table and the project lock of the
 * store, and the workspace's configuration (settings and flags).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ledger"

#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-workspace.h"
#include "heyai-http.h"
#include "heyai-drive.h"
#include "heyai-llm-openai.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-storage-gdrive.h"

typedef struct
{
  char       *dir;
  HeyaiStore *store;
  HeyaiProject *project;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("heyai-ledger-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "heyai.db", NULL);
  f->store = heyai_store_new (path, &error);
  g_assert_no_error (error);

  f->project = heyai_project_new ();
  heyai_project_set_title (f->project, "Ledger");
  heyai_project_set_script (f->project, "INT. ROOM - DAY\nA door.");
  g_assert_true (heyai_store_insert_project (f->store, f->project, &error));
  g_assert_no_error (error);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      rm_rf (child);
    }
  g_remove (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->store);
  rm_rf (f->dir);
  g_free (f->dir);
}

static HeyaiRequest *
make_request (Fixture    *f,
              const char *scene_id,
              const char *inputs)
{
  HeyaiRequest *r = heyai_request_new ();

  r->project_id = g_strdup (heyai_project_get_id (f->project));
  r->scene_id = g_strdup (scene_id);
  r->kind = g_strdup ("image");
  r->provider = g_strdup ("higgsfield");
  r->model = g_strdup ("soul");
  r->inputs = g_strdup (inputs);
  r->idempotency_key = heyai_uuid_new ();
  r->estimated_cost = 0.06;
  return r;
}

static void
test_requests (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HeyaiRequest) a = make_request (f, "scene-1", "digest-a");
  g_autoptr(HeyaiRequest) b = make_request (f, "scene-1", "digest-a");
  g_autoptr(HeyaiRequest) c = make_request (f, "scene-1", "digest-c");
  g_autoptr(HeyaiRequest) found = NULL;
  g_autoptr(HeyaiRequest) by_key = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (heyai_store_insert_request (f->store, a, &error));
  g_assert_no_error (error);
  g_assert_nonnull (a->id);
  g_assert_cmpint (a->state, ==, HEYAI_REQUEST_SUBMITTING);

  /* The remote id is committed: the row says so. */
  a->remote_id = g_strdup ("3f6c0001");
  a->state = HEYAI_REQUEST_SUBMITTED;
  g_assert_true (heyai_store_update_request (f->store, a, &error));

  b->created_at = a->created_at + 1;
  g_assert_true (heyai_store_insert_request (f->store, b, &error));
  g_assert_true (heyai_store_insert_request (f->store, c, &error));

  /* The newest request for the same inputs. */
  found = heyai_store_find_request (f->store, "scene-1", "image", "digest-a");
  g_assert_nonnull (found);
  g_assert_cmpstr (found->id, ==, b->id);
  g_clear_pointer (&found, heyai_request_free);
  g_assert_null (heyai_store_find_request (f->store, "scene-1", "clip", "digest-a"));
  g_assert_null (heyai_store_find_request (f->store, "scene-2", "image", "digest-a"));

  by_key = heyai_store_find_request_by_key (f->store, a->idempotency_key);
  g_assert_nonnull (by_key);
  g_assert_cmpstr (by_key->remote_id, ==, "3f6c0001");
  g_assert_cmpint (by_key->state, ==, HEYAI_REQUEST_SUBMITTED);
  g_assert_cmpfloat_with_epsilon (by_key->estimated_cost, 0.06, 1e-9);

  all = heyai_store_list_requests (f->store, heyai_project_get_id (f->project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  g_clear_pointer (&all, g_ptr_array_unref);
  all = heyai_store_list_requests (f->store, "no-such-project", &error);
  g_assert_cmpuint (all->len, ==, 0);

  /* States round-trip by name; only the open ones can still deliver. */
  for (int s = HEYAI_REQUEST_SUBMITTING; s <= HEYAI_REQUEST_UNKNOWN; s++)
    {
      HeyaiRequestState back;

      g_assert_true (heyai_request_state_from_string (heyai_request_state_to_string (s), &back));
      g_assert_cmpint (back, ==, s);
    }
  g_assert_true (heyai_request_state_is_open (HEYAI_REQUEST_SUCCEEDED));
  g_assert_false (heyai_request_state_is_open (HEYAI_REQUEST_UNKNOWN));
  g_assert_false (heyai_request_state_is_open (HEYAI_REQUEST_REFUSED));
  g_assert_false (heyai_request_state_is_open (HEYAI_REQUEST_COLLECTED));
}

static void
test_lock (Fixture       *f,
           gconstpointer  data)
{
  const char *project_id = heyai_project_get_id (f->project);
  g_autofree char *key = g_strdup_printf ("pipeline.owner.%s", project_id);
  g_autofree char *marker = NULL;
  g_autoptr(GError) error = NULL;
  int other = -1;
  pid_t child;
  int status;

  /* Free: taken. */
  g_assert_true (heyai_store_take_project_lock (f->store, project_id, 15 * G_USEC_PER_SEC, &other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (other, ==, 0);

  /* Held by another live process (our parent... a child that sleeps). */
  child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  marker = g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) child, g_get_real_time ());
  g_assert_true (heyai_store_set_meta (f->store, key, marker, &error));
  g_assert_false (heyai_store_take_project_lock (f->store, project_id, 15 * G_USEC_PER_SEC, &other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (other, ==, child);

  /* Stale (not refreshed for longer than allowed): taken over. */
  g_clear_pointer (&marker, g_free);
  marker = g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) child, g_get_real_time () - 60 * G_USEC_PER_SEC);
  g_assert_true (heyai_store_set_meta (f->store, key, marker, &error));
  g_assert_true (heyai_store_take_project_lock (f->store, project_id, 15 * G_USEC_PER_SEC, &other, &error));

  /* Its process is gone (killed): taken over at once. */
  g_clear_pointer (&marker, g_free);
  kill (child, SIGKILL);
  waitpid (child, &status, 0);
  marker = g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) child, g_get_real_time ());
  g_assert_true (heyai_store_set_meta (f->store, key, marker, &error));
  g_assert_true (heyai_store_take_project_lock (f->store, project_id, 15 * G_USEC_PER_SEC, &other, &error));
  g_clear_pointer (&marker, g_free);
  marker = heyai_store_get_meta (f->store, key);
  {
    g_autofree char *mine = g_strdup_printf ("%d:", (int) getpid ());
    g_assert_true (g_str_has_prefix (marker, mine));
  }
}

static void
test_workspace_settings (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HeyaiWorkspace) workspace = NULL;
  GSettings *settings;
  HeyaiPipeline *pipeline, *again;
  g_autoptr(GError) error = NULL;

  workspace = heyai_workspace_new (f->store, f->dir, NULL);
  settings = heyai_workspace_get_settings (workspace);
  if (settings == NULL)
    {
      g_test_skip ("the settings schema is not compiled here");
      return;
    }

  /* The budget: the setting, unless the command line gives one. */
  g_settings_set_double (settings, "budget-cap", 0.30);
  g_assert_cmpfloat_with_epsilon (heyai_workspace_get_budget (workspace), 0.30, 1e-9);
  pipeline = heyai_workspace_get_pipeline (workspace, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pipeline);
  {
    double budget = 0;
    g_object_get (pipeline, "budget", &budget, NULL);
    g_assert_cmpfloat_with_epsilon (budget, 0.30, 1e-9);
  }
  heyai_workspace_set_budget (workspace, 2.5);
  g_assert_cmpfloat_with_epsilon (heyai_workspace_get_budget (workspace), 2.5, 1e-9);

  /* Settings reach the providers as values, never the environment. */
  g_settings_set_string (settings, "openai-base-url", "http://127.0.0.1:9/v1");
  g_settings_set_string (settings, "llm-provider", "openai");
  g_assert_null (g_getenv ("HEYAI_OPENAI_BASE_URL_UNUSED"));
  again = heyai_workspace_get_pipeline (workspace, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpstr (g_getenv ("HEYAI_OPENAI_BASE_URL"), ==, "http://127.0.0.1:9/");  /* untouched (the test env) */

  /* The 2026-12 service settings reach the providers as values too. */
  g_settings_set_string (settings, "openai-api", "chat");
  g_settings_set_string (settings, "higgsfield-base-url", "http://127.0.0.1:9/hf");
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_settings_set_string (settings, "storage-provider", "gdrive");
  g_settings_set_string (settings, "drive-shared-drive-id", "0AShared");
  {
    g_autofree char *saved_api = g_strdup (g_getenv ("HEYAI_OPENAI_API"));
    g_autofree char *saved_hf = g_strdup (g_getenv ("HEYAI_HIGGSFIELD_BASE_URL"));
    g_autofree char *saved_sd = g_strdup (g_getenv ("HEYAI_DRIVE_SHARED_DRIVE_ID"));
    g_autoptr(HeyaiWorkspace) started = NULL;
    g_autoptr(HeyaiWorkspace) overridden = NULL;
    HeyaiPipeline *configured;
    GObject *llm, *imager, *storage;

    /* This test process only, before any thread reads the environment.
     * The workspace reads the environment once, when it starts. */
    g_unsetenv ("HEYAI_OPENAI_API");
    g_unsetenv ("HEYAI_HIGGSFIELD_BASE_URL");
    g_unsetenv ("HEYAI_DRIVE_SHARED_DRIVE_ID");
    started = heyai_workspace_new (f->store, f->dir, NULL);
    configured = heyai_workspace_get_pipeline (started, &error);
    g_assert_no_error (error);
    g_assert_nonnull (configured);
    llm = heyai_pipeline_get_provider (configured, HEYAI_ROLE_LLM);
    imager = heyai_pipeline_get_provider (configured, HEYAI_ROLE_IMAGER);
    storage = heyai_pipeline_get_provider (configured, HEYAI_ROLE_STORAGE);
    g_assert_true (HEYAI_IS_LLM_OPENAI (llm));
    g_assert_cmpint (heyai_llm_openai_get_api (HEYAI_LLM_OPENAI (llm)), ==, HEYAI_LLM_OPENAI_API_CHAT);
    g_assert_true (HEYAI_IS_IMAGER_HIGGSFIELD (imager));
    g_assert_cmpstr (heyai_http_get_base_url (heyai_remote_provider_get_http (HEYAI_REMOTE_PROVIDER (HEYAI_IMAGER_HIGGSFIELD (imager)))),
                     ==, "http://127.0.0.1:9/hf");
    g_assert_true (HEYAI_IS_STORAGE_GDRIVE (storage));
    g_assert_cmpstr (heyai_drive_get_shared_drive_id (heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (storage))),
                     ==, "0AShared");
    /* Other Drive clients (sync) are pointed at the same shared drive. */
    {
      g_autoptr(HeyaiOauth) oauth = heyai_oauth_new ();
      g_autoptr(HeyaiDrive) drive = heyai_drive_new (oauth);

      g_assert_null (heyai_drive_get_shared_drive_id (drive));
      heyai_workspace_configure_drive (started, drive);
      g_assert_cmpstr (heyai_drive_get_shared_drive_id (drive), ==, "0AShared");
    }

    /* The setting "responses" against a compatible server is honoured too. */
    g_settings_set_string (settings, "openai-api", "responses");
    configured = heyai_workspace_get_pipeline (started, &error);
    g_assert_no_error (error);
    llm = heyai_pipeline_get_provider (configured, HEYAI_ROLE_LLM);
    g_assert_cmpint (heyai_llm_openai_get_api (HEYAI_LLM_OPENAI (llm)), ==, HEYAI_LLM_OPENAI_API_RESPONSES);

    /* The environment, as it was at start-up, wins over the settings. */
    g_setenv ("HEYAI_OPENAI_API", "chat", TRUE);
    overridden = heyai_workspace_new (f->store, f->dir, NULL);
    g_unsetenv ("HEYAI_OPENAI_API");
    configured = heyai_workspace_get_pipeline (overridden, &error);
    g_assert_no_error (error);
    llm = heyai_pipeline_get_provider (configured, HEYAI_ROLE_LLM);
    g_assert_cmpint (heyai_llm_openai_get_api (HEYAI_LLM_OPENAI (llm)), ==, HEYAI_LLM_OPENAI_API_CHAT);

    if (saved_api != NULL)
      g_setenv ("HEYAI_OPENAI_API", saved_api, TRUE);
    if (saved_hf != NULL)
      g_setenv ("HEYAI_HIGGSFIELD_BASE_URL", saved_hf, TRUE);
    if (saved_sd != NULL)
      g_setenv ("HEYAI_DRIVE_SHARED_DRIVE_ID", saved_sd, TRUE);
    g_settings_reset (settings, "openai-api");
    g_settings_reset (settings, "higgsfield-base-url");
    g_settings_reset (settings, "imager-provider");
    g_settings_reset (settings, "storage-provider");
    g_settings_reset (settings, "drive-shared-drive-id");
  }

  /* An unknown provider is a clear error. */
  heyai_workspace_set_provider (workspace, HEYAI_ROLE_IMAGER, "nope");
  g_assert_null (heyai_workspace_get_pipeline (workspace, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_settings_reset (settings, "llm-provider");
  g_settings_reset (settings, "openai-base-url");
  g_settings_reset (settings, "budget-cap");
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;

  heyai_pipeline_run_finish (HEYAI_PIPELINE (source), result, NULL, NULL);
  *done = TRUE;
}

/* A provider change made while a batch runs applies to the next batch. */
static void
test_workspace_next_batch (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HeyaiWorkspace) workspace = heyai_workspace_new (f->store, f->dir, NULL);
  GSettings *settings = heyai_workspace_get_settings (workspace);
  g_autoptr(HeyaiPipeline) first = NULL;
  HeyaiPipeline *during, *after;
  gboolean done = FALSE;

  if (settings == NULL)
    {
      g_test_skip ("the settings schema is not compiled here");
      return;
    }

  first = g_object_ref (heyai_workspace_get_pipeline (workspace, NULL));
  g_assert_nonnull (first);
  heyai_pipeline_run_async (first, f->project, HEYAI_RUN_IMAGES, 0, NULL, run_done_cb, &done);
  g_assert_true (heyai_pipeline_get_running (first));

  g_settings_set_string (settings, "imager-model", "another-model");
  during = heyai_workspace_get_pipeline (workspace, NULL);
  g_assert_true (during == first);   /* the batch keeps its providers */

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  after = heyai_workspace_get_pipeline (workspace, NULL);
  g_assert_nonnull (after);
  g_assert_true (after != first);    /* the next one gets the new ones */
  g_settings_reset (settings, "imager-model");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ledger/requests", Fixture, NULL, fixture_setup, test_requests, fixture_teardown);
  g_test_add ("/ledger/lock", Fixture, NULL, fixture_setup, test_lock, fixture_teardown);
  g_test_add ("/ledger/workspace-settings", Fixture, NULL, fixture_setup, test_workspace_settings, fixture_teardown);
  g_test_add ("/ledger/workspace-next-batch", Fixture, NULL, fixture_setup, test_workspace_next_batch, fixture_teardown);

  return g_test_run ();
}
