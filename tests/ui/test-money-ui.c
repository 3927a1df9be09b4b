/* test-money-ui.c: the money the window shows (issue 15, point 2): the
 * Spending view against a request-ledger fixture (two months, two
 * providers, two projects), its price table, and the batch confirmation's
 * text (display names, estimate, what is left of the budget).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-cost-summary.h"
#include "heyai-export.h"
#include "heyai-export-page.h"
#include "heyai-project-view.h"
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
  g_free (ui_test_screenshot (GTK_WIDGET (window), "spending"));

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

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
count_buttons_with (GtkWidget  *root,
                    const char *part)
{
  guint n = 0;

  if (GTK_IS_BUTTON (root) && gtk_widget_get_visible (root) && gtk_button_get_label (GTK_BUTTON (root)) != NULL &&
      strstr (gtk_button_get_label (GTK_BUTTON (root)), part) != NULL)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_buttons_with (child, part);
  return n;
}

/* Whether @widget lies inside its scrolled window's visible part. */
static gboolean
in_view (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_rect_t bounds;

  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));

  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  g_assert_true (gtk_widget_compute_bounds (widget, content, &bounds));
  g_test_message ("%s at %.0f+%.0f, view %.0f+%.0f", G_OBJECT_TYPE_NAME (widget), bounds.origin.y,
                  bounds.size.height, gtk_adjustment_get_value (vadj), gtk_adjustment_get_page_size (vadj));
  return bounds.origin.y >= gtk_adjustment_get_value (vadj) &&
         bounds.origin.y + bounds.size.height <= gtk_adjustment_get_value (vadj) + gtk_adjustment_get_page_size (vadj);
}

static void
clipboard_text_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

/* Export with local storage: progress and result come into view, the
 * result shows a readable path and one "Open Folder"; "Copy Link for the
 * Editor" copies the package's path (not the project folder's file://
 * URI) and says so; "Open Folder" without a file manager shows the path
 * with a Copy button instead of failing silently. */
static void
test_export_local (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Local Export Me", 3, TRUE);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  HeyaiWindow *window = heyai_window_new (app);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiExportPage *page = heyai_project_view_get_export_page (view);
  g_autofree char *copied = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *progress, *done, *link = NULL, *button;

  for (guint i = 0; i < 2; i++)
    g_assert_true (heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_APPROVED, NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  gtk_window_present (GTK_WINDOW (window));
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "export");
  ui_test_wait_frame (GTK_WIDGET (window));
  heyai_export_page_set_formats (page, HEYAI_EXPORT_FORMAT_CSV);
  /* With a zip: its checksum is computed in the export's thread (hashing on
   * the main loop would trip heyai_file_sha256's assertion). */
  gtk_switch_set_active (GTK_SWITCH (find_type (find_row (GTK_WIDGET (page), "Also Make a Zip File"),
                                                GTK_TYPE_SWITCH)), TRUE);

  progress = find_type (GTK_WIDGET (page), GTK_TYPE_PROGRESS_BAR);
  g_assert_nonnull (progress);
  heyai_export_page_export (page);
  ui_test_wait_frame (progress);
  ui_test_wait_frame (progress);
  /* The page scrolls the progress into view over the next frames (a loaded
   * machine under ASan paints them slowly): look for half a second of them. */
  for (guint i = 0; i < 20 && heyai_export_page_get_package_path (page) == NULL && !in_view (progress); i++)
    ui_test_wait_frame (progress);
  if (heyai_export_page_get_package_path (page) == NULL)
    {
      g_assert_true (gtk_widget_get_visible (progress));
      g_assert_true (in_view (progress));
    }
  for (guint i = 0; i < 600 && heyai_export_page_get_package_path (page) == NULL; i++)
    ui_test_spin (50);
  g_assert_nonnull (heyai_export_page_get_package_path (page));
  g_assert_true (g_str_has_suffix (heyai_export_page_get_package_path (page), ".zip"));
  {
    g_autoptr(GPtrArray) assets = heyai_store_list_project_assets (store, heyai_project_get_id (project), NULL);
    gboolean found = FALSE;

    g_assert_nonnull (assets);
    for (guint i = 0; i < assets->len; i++)
      {
        HeyaiAsset *asset = g_ptr_array_index (assets, i);

        if (heyai_asset_get_kind (asset) != HEYAI_ASSET_KIND_PACKAGE)
          continue;
        found = TRUE;
        g_assert_cmpuint (strlen (heyai_asset_get_sha256 (asset)), ==, 64);
        g_assert_cmpint (heyai_asset_get_size (asset), >, 0);
      }
    g_assert_true (found);
  }

  /* The published copy's path, readable. */
  for (guint i = 0; i < 400 && (link = find_named (GTK_WIDGET (page), "publish-link")) == NULL; i++)
    ui_test_spin (25);
  g_assert_nonnull (link);
  g_test_message ("published: %s", gtk_label_get_text (GTK_LABEL (link)));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (link)), "%20"));
  g_assert_false (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (link)), "file:"));
  done = gtk_widget_get_ancestor (link, GTK_TYPE_BOX);
  while (done != NULL && g_strcmp0 (gtk_widget_get_name (done), "publish-box") == 0)
    done = gtk_widget_get_ancestor (gtk_widget_get_parent (done), GTK_TYPE_BOX);
  ui_test_wait_frame (GTK_WIDGET (window));
  ui_test_wait_frame (GTK_WIDGET (window));
  g_assert_true (in_view (done));
  g_assert_cmpuint (count_buttons_with (done, "Open"), ==, 1);

  button = find_button (GTK_WIDGET (page), "Copy _Link for the Editor");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (button), NULL, clipboard_text_cb, &copied);
  for (guint i = 0; i < 200 && copied == NULL; i++)
    ui_test_spin (25);
  g_assert_cmpstr (copied, ==, heyai_export_page_get_package_path (page));

  /* No file manager on this display: the path, with Copy. */
  g_assert_null (ui_test_wait_message_dialog (NULL, 0));
  g_signal_emit_by_name (find_button (GTK_WIDGET (page), "_Open Folder"), "clicked");
  dialog = ui_test_wait_message_dialog (NULL, 8000);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Folder");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), heyai_export_page_get_package_path (page)));
  g_clear_pointer (&copied, g_free);
  adw_message_dialog_response (dialog, "copy");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), NULL, clipboard_text_cb, &copied);
  for (guint i = 0; i < 200 && copied == NULL; i++)
    ui_test_spin (25);
  g_assert_cmpstr (copied, ==, heyai_export_page_get_package_path (page));
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
run_finished_cb (HeyaiApplication *app,
                 HeyaiProject     *project,
                 guint             n_done,
                 guint             n_failed,
                 double            cost,
                 const char       *error_message,
                 gpointer          user_data)
{
  char **message = user_data;

  g_free (*message);
  *message = g_strdup (error_message != NULL ? error_message : "");
}

/* The confirmation itself, before a paid batch (Higgsfield stills, no
 * network needed to estimate): display names, the estimate, the budget
 * left this month; "Spending…" is offered. */
static void
test_confirmation_dialog (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  GSettings *settings = heyai_application_get_settings (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Paid Stills", 4, FALSE);
  HeyaiWindow *window;
  HeyaiProjectView *view;
  AdwMessageDialog *dialog;
  const char *body;

  g_setenv ("HF_CREDENTIALS", "test-key:test-secret", TRUE);
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_settings_set_double (settings, "budget-monthly", 1000.0);
  g_settings_set_double (settings, "budget-cap", 50.0);

  window = heyai_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  heyai_window_open_project (window, project);
  ui_test_wait_frame (GTK_WIDGET (window));
  view = heyai_window_get_project_view (window);
  heyai_project_view_run (view, HEYAI_RUN_IMAGES);
  dialog = ui_test_wait_message_dialog (NULL, 3000);
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (dialog);
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "4 stills with Higgsfield"));
  g_assert_null (strstr (body, "higgsfield"));
  g_assert_nonnull (strstr (body, "Estimated cost: $0.24"));
  g_assert_nonnull (strstr (body, "Left this month: $"));
  g_assert_nonnull (strstr (body, "of $1000.00"));
  g_assert_nonnull (strstr (body, "Budget cap per batch: $50.00"));
  g_assert_true (adw_message_dialog_has_response (dialog, "spending"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_spin (50);

  /* Over what is left this month: the run stops before its first paid
   * request, with a message naming the monthly budget. */
  {
    g_autofree char *message = NULL;
    g_autoptr(GPtrArray) requests = NULL;
    double spent = 0;
    gulong id;

    g_assert_true (heyai_workspace_get_month_spent (heyai_application_get_workspace (app), &spent, NULL));
    g_settings_set_double (settings, "budget-monthly", spent + 0.10);
    id = g_signal_connect (app, "run-finished", G_CALLBACK (run_finished_cb), &message);
    heyai_application_start_run (app, project, HEYAI_RUN_IMAGES, 0);
    for (guint i = 0; i < 200 && message == NULL; i++)
      ui_test_spin (25);
    g_signal_handler_disconnect (app, id);
    g_assert_nonnull (message);
    g_assert_nonnull (strstr (message, "this month’s budget of $"));
    requests = heyai_store_list_requests (store, heyai_project_get_id (project), NULL);
    g_assert_cmpuint (requests->len, ==, 0);
    ui_test_spin (100);
  }

  g_settings_reset (settings, "imager-provider");
  g_settings_reset (settings, "budget-monthly");
  g_settings_reset (settings, "budget-cap");
  g_unsetenv ("HF_CREDENTIALS");
  gtk_window_destroy (GTK_WINDOW (window));
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
  g_test_add_func ("/ui/money/confirmation-dialog", test_confirmation_dialog);
  g_test_add_func ("/ui/messages/export-local", test_export_local);
  status = g_test_run ();
  ui_test_cleanup ();
  return status;
}
