/* test-money-ui.c: the money the window shows (issue 15, point 2): the
 * Spending view against a request-ledger fixture (two months, two
 * providers, two projects), its price table, and the batch confirmation's
 * text (display names, estimate, what is left of the budget).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-cost-summary.h"
#include "heyai-spending-window.h"
#include "ui-test-utils.h"

static HeyaiProject *
add_project (HeyaiStore *store,
             const char *title)
{
  g_autoptr(GError) error = NULL;
  HeyaiProject *project = heyai_project_new ();

  heyai_project_set_title (project, title);
  g_assert_true (heyai_store_insert_project (store, project, &error));
  g_assert_no_error (error);
  return project;
}

static void
add_request (HeyaiStore        *store,
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
  g_assert_true (heyai_store_insert_request (store, r, &error));
  g_assert_no_error (error);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
first_amount (GtkWidget *root)
{
  if (GTK_IS_LABEL (root) && gtk_widget_has_css_class (root, "numeric"))
    return gtk_label_get_text (GTK_LABEL (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = first_amount (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The amount a row shows, asserting the row's title. */
static const char *
row_amount (GtkWidget  *window,
            const char *name,
            const char *title)
{
  GtkWidget *row = find_named (window, name);

  g_assert_nonnull (row);
  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_true (gtk_widget_get_mapped (row));
  if (title != NULL)
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
  return first_amount (row);
}

static void
test_spending_window (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  HeyaiWorkspace *workspace = heyai_application_get_workspace (app);
  g_autoptr(HeyaiProject) alpha = add_project (store, "Alpha Trailer");
  g_autoptr(HeyaiProject) bravo = add_project (store, "Bravo Teaser");
  g_autoptr(GDateTime) march = g_date_time_new_local (2026, 3, 15, 12, 0, 0);
  g_autoptr(GDateTime) february = g_date_time_new_local (2026, 2, 10, 12, 0, 0);
  g_autofree char *alpha_row = g_strdup_printf ("spending-project-%s", heyai_project_get_id (alpha));
  g_autofree char *bravo_row = g_strdup_printf ("spending-project-%s", heyai_project_get_id (bravo));
  g_autoptr(GVariant) table = NULL;
  HeyaiSpendingWindow *window;
  GtkWidget *spin;
  gint64 m = g_date_time_to_unix (march) * G_USEC_PER_SEC;
  gint64 f = g_date_time_to_unix (february) * G_USEC_PER_SEC;
  gboolean overridden = FALSE;
  double price = 0;

  g_assert_nonnull (workspace);
  /* March: Alpha 3 stills collected (0.06) and a clip still running (est.
   * 0.35); Bravo a clip at its actual 0.70.  February: Bravo 2 stills. */
  for (int i = 0; i < 3; i++)
    add_request (store, alpha, "higgsfield", HEYAI_REQUEST_COLLECTED, 0.06, 0.06, m + i);
  add_request (store, alpha, "kling", HEYAI_REQUEST_RUNNING, 0.35, 0, m + 3);
  add_request (store, bravo, "kling", HEYAI_REQUEST_COLLECTED, 0.35, 0.70, m + 4);
  add_request (store, bravo, "higgsfield", HEYAI_REQUEST_COLLECTED, 0.06, 0.06, f);
  add_request (store, bravo, "higgsfield", HEYAI_REQUEST_COLLECTED, 0.06, 0.06, f + 1);

  window = heyai_spending_window_new (workspace);
  heyai_spending_window_set_month (window, march);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_frame (GTK_WIDGET (window));

  g_assert_cmpstr (row_amount (GTK_WIDGET (window), "spending-total", "Total"), ==, "$1.23");
  g_assert_cmpstr (row_amount (GTK_WIDGET (window), "spending-provider-kling", "Kling"), ==, "$1.05");
  g_assert_cmpstr (row_amount (GTK_WIDGET (window), "spending-provider-higgsfield", "Higgsfield"), ==, "$0.18");
  g_assert_cmpstr (row_amount (GTK_WIDGET (window), bravo_row, "Bravo Teaser"), ==, "$0.70");
  g_assert_cmpstr (row_amount (GTK_WIDGET (window), alpha_row, "Alpha Trailer"), ==, "$0.53");
  /* The running clip's estimate is shown as such. */
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_named (GTK_WIDGET (window),
                                                                                         "spending-total"))),
                            "$0.35"));
  ui_test_screenshot (GTK_WIDGET (window), "spending");

  /* The previous month: only Bravo's two stills. */
  g_signal_emit_by_name (find_named (GTK_WIDGET (window), "spending-previous"), "clicked");
  ui_test_wait_frame (GTK_WIDGET (window));
  g_assert_cmpstr (row_amount (GTK_WIDGET (window), "spending-total", "Total"), ==, "$0.12");
  g_assert_cmpstr (row_amount (GTK_WIDGET (window), "spending-provider-higgsfield", "Higgsfield"), ==, "$0.12");
  g_assert_null (find_named (GTK_WIDGET (window), "spending-provider-kling"));
  g_assert_null (find_named (GTK_WIDGET (window), alpha_row));
  g_assert_cmpstr (row_amount (GTK_WIDGET (window), bravo_row, "Bravo Teaser"), ==, "$0.12");

  /* The price table: the built-in price, then an override the workspace
   * (and so the estimates of the CLI and the window) reads. */
  g_assert_cmpfloat_with_epsilon (heyai_workspace_get_price (workspace, "higgsfield", "image", &overridden),
                                  0.06, 1e-9);
  g_assert_false (overridden);
  spin = find_named (GTK_WIDGET (window), "spending-price-higgsfield-image");
  g_assert_nonnull (spin);
  spin = find_type (spin, GTK_TYPE_SPIN_BUTTON);
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), 0.06, 1e-9);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.10);
  table = g_settings_get_value (heyai_application_get_settings (app), "price-table");
  g_assert_cmpuint (g_variant_n_children (table), ==, 1);
  g_assert_true (g_variant_lookup (table, "higgsfield/image", "d", &price));
  g_assert_cmpfloat_with_epsilon (price, 0.10, 1e-9);
  g_assert_cmpfloat_with_epsilon (heyai_workspace_get_price (workspace, "higgsfield", "image", &overridden),
                                  0.10, 1e-9);
  g_assert_true (overridden);
  /* Back to the built-in price: no override left. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.06);
  heyai_workspace_get_price (workspace, "higgsfield", "image", &overridden);
  g_assert_false (overridden);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The confirmation's body: display names, the estimate, the budget left
 * this month and per batch; over the monthly budget it says nothing paid
 * will start. */
static void
test_confirmation_text (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  HeyaiWorkspace *workspace = heyai_application_get_workspace (app);
  GSettings *settings = heyai_application_get_settings (app);
  g_autoptr(HeyaiProject) project = add_project (store, "Confirm");
  HeyaiRunEstimate estimate = { { 0, 7, 7, 0 }, 1.40 };
  g_autofree char *text = NULL;
  g_autofree char *over = NULL;
  g_autofree char *none = NULL;
  double spent = 0;

  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_settings_set_string (settings, "animator-provider", "kling");
  /* Whatever earlier tests left in this month's ledger, plus 1.40 now. */
  g_assert_true (heyai_workspace_get_month_spent (workspace, &spent, NULL));
  add_request (store, project, "kling", HEYAI_REQUEST_COLLECTED, 1.40, 1.40, g_get_real_time ());
  g_settings_set_double (settings, "budget-monthly", spent + 10.0);
  g_settings_set_double (settings, "budget-cap", 5.0);

  text = heyai_cost_summary_text (workspace, &estimate);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "7 stills with Higgsfield"));
  g_assert_nonnull (strstr (text, "7 clips with Kling"));
  g_assert_null (strstr (text, "higgsfield"));
  g_assert_null (strstr (text, "kling"));
  g_assert_nonnull (strstr (text, "Estimated cost: $1.40"));
  g_assert_nonnull (strstr (text, "Left this month: $8.60 of"));
  g_assert_nonnull (strstr (text, "Budget cap per batch: $5.00"));
  g_assert_null (strstr (text, "nothing paid will start"));

  /* Over what is left this month. */
  estimate.cost = 9.00;
  over = heyai_cost_summary_text (workspace, &estimate);
  g_assert_nonnull (strstr (over, "nothing paid will start"));
  g_assert_false (heyai_workspace_check_budget (workspace, &estimate, NULL));
  estimate.cost = 1.40;
  g_assert_true (heyai_workspace_check_budget (workspace, &estimate, NULL));

  g_settings_set_double (settings, "budget-monthly", 0);
  g_settings_set_double (settings, "budget-cap", 0);
  none = heyai_cost_summary_text (workspace, &estimate);
  g_assert_nonnull (strstr (none, "No budget is set"));
  g_assert_null (strstr (none, "Left this month"));
  g_settings_reset (settings, "imager-provider");
  g_settings_reset (settings, "animator-provider");
}

int
main (int    argc,
      char **argv)
{
  int status;

  if (!ui_test_init (&argc, &argv))
    return 0;
  g_test_add_func ("/ui/money/spending-window", test_spending_window);
  g_test_add_func ("/ui/money/confirmation-text", test_confirmation_text);
  status = g_test_run ();
  ui_test_cleanup ();
  return status;
}
