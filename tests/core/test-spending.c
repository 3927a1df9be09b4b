/* test-spending.c: the spending query over the request ledger (per
 * provider and per project, one calendar month, final costs and the
 * estimates of requests not final yet).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-spending"

#include "config.h"

#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-workspace.h"

typedef struct
{
  char         *dir;
  HeyaiStore   *store;
  HeyaiProject *a;
  HeyaiProject *b;
} Fixture;

static HeyaiProject *
add_project (Fixture    *f,
             const char *title)
{
  g_autoptr(GError) error = NULL;
  HeyaiProject *project = heyai_project_new ();

  heyai_project_set_title (project, title);
  g_assert_true (heyai_store_insert_project (f->store, project, &error));
  g_assert_no_error (error);
  return project;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("heyai-spending-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "heyai.db", NULL);
  f->store = heyai_store_new (path, &error);
  g_assert_no_error (error);
  f->a = add_project (f, "Alpha");
  f->b = add_project (f, "Bravo");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "heyai.db", NULL);

  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_clear_object (&f->store);
  g_remove (path);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
add_request (Fixture           *f,
             HeyaiProject      *project,
             const char        *provider,
             HeyaiRequestState  state,
             double             estimated,
             double             cost,
             gint64             created_at)
{
  g_autoptr(HeyaiRequest) r = heyai_request_new ();
  g_autoptr(GError) error = NULL;

  r->project_id = g_strdup (heyai_project_get_id (project));
  r->kind = g_strdup (g_str_equal (provider, "kling") ? "clip" : "image");
  r->provider = g_strdup (provider);
  r->state = state;
  r->estimated_cost = estimated;
  r->cost = cost;
  r->created_at = created_at;
  g_assert_true (heyai_store_insert_request (f->store, r, &error));
  g_assert_no_error (error);
}

static void
test_month (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 3, 15, 12, 0, 0);
  g_autoptr(GDateTime) before = g_date_time_new_local (2026, 2, 28, 23, 59, 0);
  g_autoptr(GDateTime) after = g_date_time_new_local (2026, 4, 1, 0, 0, 0);
  g_autoptr(GDateTime) next_year = NULL;
  g_autoptr(HeyaiSpending) march = NULL;
  g_autoptr(HeyaiSpending) february = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiSpendingRow *row;
  gint64 from, to, mid;
  double spent = -1;

  heyai_spending_month_bounds (when, &from, &to);
  mid = g_date_time_to_unix (when) * G_USEC_PER_SEC;
  g_assert_cmpint (from, <=, mid);
  g_assert_cmpint (mid, <, to);
  g_assert_cmpint (g_date_time_to_unix (after) * G_USEC_PER_SEC, ==, to);

  /* March: Alpha 3 collected Higgsfield stills (0.06), one refunded failure,
   * one Kling clip still running (estimate 0.35); Bravo one Kling clip
   * collected at its actual price 0.70 and one lost answer (unknown, 0.06). */
  for (int i = 0; i < 3; i++)
    add_request (f, f->a, "higgsfield", HEYAI_REQUEST_COLLECTED, 0.06, 0.06, mid + i);
  add_request (f, f->a, "higgsfield", HEYAI_REQUEST_FAILED, 0.06, 0, mid + 3);
  add_request (f, f->a, "kling", HEYAI_REQUEST_RUNNING, 0.35, 0, mid + 4);
  add_request (f, f->b, "kling", HEYAI_REQUEST_COLLECTED, 0.35, 0.70, from);
  add_request (f, f->b, "higgsfield", HEYAI_REQUEST_UNKNOWN, 0.06, 0, to - 1);
  /* February: only Bravo, 2 Higgsfield stills. */
  add_request (f, f->b, "higgsfield", HEYAI_REQUEST_COLLECTED, 0.06, 0.06,
               g_date_time_to_unix (before) * G_USEC_PER_SEC);
  add_request (f, f->b, "higgsfield", HEYAI_REQUEST_COLLECTED, 0.06, 0.06, from - 1);
  /* April (the month after) counts nowhere here. */
  add_request (f, f->a, "kling", HEYAI_REQUEST_COLLECTED, 0.35, 0.35, to);

  march = heyai_store_get_spending (f->store, from, to, &error);
  g_assert_no_error (error);
  g_assert_nonnull (march);
  g_assert_cmpuint (march->n_requests, ==, 7);
  g_assert_cmpfloat_with_epsilon (march->total, 0.18 + 0.35 + 0.70 + 0.06, 1e-9);
  g_assert_cmpfloat_with_epsilon (march->pending, 0.35 + 0.06, 1e-9);

  g_assert_cmpuint (march->by_provider->len, ==, 2);
  row = g_ptr_array_index (march->by_provider, 0);
  g_assert_cmpstr (row->key, ==, "kling");
  g_assert_cmpfloat_with_epsilon (row->spent, 1.05, 1e-9);
  g_assert_cmpfloat_with_epsilon (row->pending, 0.35, 1e-9);
  g_assert_null (row->title);
  row = g_ptr_array_index (march->by_provider, 1);
  g_assert_cmpstr (row->key, ==, "higgsfield");
  g_assert_cmpfloat_with_epsilon (row->spent, 0.24, 1e-9);
  g_assert_cmpuint (row->n_requests, ==, 5);

  g_assert_cmpuint (march->by_project->len, ==, 2);
  row = g_ptr_array_index (march->by_project, 0);
  g_assert_cmpstr (row->key, ==, heyai_project_get_id (f->b));
  g_assert_cmpstr (row->title, ==, "Bravo");
  g_assert_cmpfloat_with_epsilon (row->spent, 0.76, 1e-9);
  row = g_ptr_array_index (march->by_project, 1);
  g_assert_cmpstr (row->title, ==, "Alpha");
  g_assert_cmpfloat_with_epsilon (row->spent, 0.53, 1e-9);

  g_assert_true (heyai_store_get_spent (f->store, from, to, &spent, &error));
  g_assert_cmpfloat_with_epsilon (spent, march->total, 1e-9);

  heyai_spending_month_bounds (before, &from, &to);
  february = heyai_store_get_spending (f->store, from, to, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (february->by_provider->len, ==, 1);
  g_assert_cmpuint (february->by_project->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (february->total, 0.12, 1e-9);
  g_assert_cmpfloat_with_epsilon (february->pending, 0, 1e-9);

  /* An empty month. */
  next_year = g_date_time_add_years (when, 1);
  heyai_spending_month_bounds (next_year, &from, &to);
  g_assert_true (heyai_store_get_spent (f->store, from, to, &spent, &error));
  g_assert_cmpfloat (spent, ==, 0);
}

/* The workspace: the price table's override reaches the estimates (a new
 * pipeline for the next batch), and the monthly budget stops a batch over
 * what is left and caps the pipeline's batch budget at it. */
static void
test_workspace (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiWorkspace) workspace = heyai_workspace_new (f->store, f->dir, NULL);
  GSettings *settings = heyai_workspace_get_settings (workspace);
  HeyaiRunEstimate estimate = { { 0 }, 0 };
  g_autoptr(GError) error = NULL;
  HeyaiPipeline *pipeline;
  gboolean overridden = TRUE;
  double budget = 0;

  if (settings == NULL)
    {
      g_test_skip ("the settings schema is not compiled here");
      return;
    }
  g_setenv ("HF_CREDENTIALS", "test-key:test-secret", TRUE);
  for (int i = 1; i <= 3; i++)
    {
      g_autoptr(HeyaiScene) scene = heyai_scene_new ();

      heyai_scene_set_project_id (scene, heyai_project_get_id (f->a));
      heyai_scene_set_position (scene, i);
      g_assert_true (heyai_store_insert_scene (f->store, scene, &error));
      g_assert_no_error (error);
    }

  heyai_workspace_set_provider (workspace, HEYAI_ROLE_IMAGER, "higgsfield");
  g_assert_cmpstr (heyai_workspace_get_provider_name (workspace, HEYAI_ROLE_IMAGER), ==, "higgsfield");
  g_assert_cmpstr (heyai_provider_display_name (HEYAI_ROLE_IMAGER, "higgsfield"), ==, "Higgsfield");
  pipeline = heyai_workspace_get_pipeline (workspace, &error);
  g_assert_no_error (error);
  heyai_pipeline_estimate (pipeline, f->a, HEYAI_RUN_IMAGES, 0, &estimate);
  g_assert_cmpuint (estimate.n_jobs[HEYAI_ROLE_IMAGER], ==, 3);
  g_assert_cmpfloat_with_epsilon (estimate.cost, 3 * 0.06, 1e-9);
  g_assert_cmpfloat_with_epsilon (heyai_workspace_get_price (workspace, "higgsfield", "image", &overridden), 0.06, 1e-9);
  g_assert_false (overridden);

  heyai_workspace_set_price (workspace, "higgsfield", "image", 0.10);
  g_assert_cmpfloat_with_epsilon (heyai_workspace_get_price (workspace, "higgsfield", "image", &overridden), 0.10, 1e-9);
  g_assert_true (overridden);
  pipeline = heyai_workspace_get_pipeline (workspace, &error);
  g_assert_no_error (error);
  heyai_pipeline_estimate (pipeline, f->a, HEYAI_RUN_IMAGES, 0, &estimate);
  g_assert_cmpfloat_with_epsilon (estimate.cost, 0.30, 1e-9);

  /* 0.80 spent this month of a 1.00 monthly budget: 0.30 does not fit. */
  add_request (f, f->b, "kling", HEYAI_REQUEST_COLLECTED, 0.80, 0.80, g_get_real_time ());
  g_settings_set_double (settings, "budget-monthly", 1.00);
  g_assert_false (heyai_workspace_check_budget (workspace, &estimate, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_BUDGET);
  g_assert_nonnull (strstr (error->message, "this month’s budget of $1.00"));
  g_clear_error (&error);
  estimate.cost = 0.10;
  g_assert_true (heyai_workspace_check_budget (workspace, &estimate, &error));
  g_object_get (heyai_workspace_get_pipeline (workspace, NULL), "budget", &budget, NULL);
  g_assert_cmpfloat_with_epsilon (budget, 0.20, 1e-6);
  /* The per-batch cap when it is lower. */
  g_settings_set_double (settings, "budget-cap", 0.15);
  g_object_get (heyai_workspace_get_pipeline (workspace, NULL), "budget", &budget, NULL);
  g_assert_cmpfloat_with_epsilon (budget, 0.15, 1e-6);

  heyai_workspace_set_price (workspace, "higgsfield", "image", 0);
  g_settings_reset (settings, "budget-monthly");
  g_settings_reset (settings, "budget-cap");
  g_unsetenv ("HF_CREDENTIALS");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/spending/month", Fixture, NULL, fixture_setup, test_month, fixture_teardown);
  g_test_add ("/spending/workspace", Fixture, NULL, fixture_setup, test_workspace, fixture_teardown);
  return g_test_run ();
}
