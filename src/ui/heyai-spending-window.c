/* heyai-spending-window.c: see the header.
 *
 * Rows carry widget names the tests (and accessibility tools) can find:
 * "spending-total", "spending-provider-<name>", "spending-project-<id>",
 * "spending-price-<provider>-<kind>"; each amount is the row's suffix label.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "heyai-application.h"
#include "heyai-spending-window.h"

struct _HeyaiSpendingWindow
{
  AdwPreferencesWindow  parent_instance;

  HeyaiWorkspace       *workspace;
  GDateTime            *month;       /* the first day of the month shown */

  AdwPreferencesGroup  *month_group;
  AdwPreferencesGroup  *project_group;
  GPtrArray            *rows;        /* rows of the two groups above, rebuilt per month */
  GtkWidget            *next_button;
};

G_DEFINE_FINAL_TYPE (HeyaiSpendingWindow, heyai_spending_window, ADW_TYPE_PREFERENCES_WINDOW)

static char *
format_usd (double usd)
{
  return g_strdup_printf ("$%.2f", usd);
}

static GtkWidget *
amount_row (const char *name,
            const char *title,
            const char *subtitle,
            double      usd)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *text = format_usd (usd);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static char *
pending_subtitle (const HeyaiSpendingRow *row)
{
  g_autofree char *pending = NULL;
  g_autofree char *requests = g_strdup_printf (ngettext ("%u request", "%u requests", row->n_requests),
                                               row->n_requests);

  if (row->pending <= 0)
    return g_steal_pointer (&requests);
  pending = format_usd (row->pending);
  /* Translators: "4 requests, $0.35 of it estimated (not final yet)" */
  return g_strdup_printf (_("%s, %s of it estimated (not final yet)"), requests, pending);
}

static void
add_row (HeyaiSpendingWindow *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
refresh (HeyaiSpendingWindow *self)
{
  g_autoptr(HeyaiSpending) spending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *month_title = g_date_time_format (self->month, "%B %Y");
  g_autofree char *total_subtitle = NULL;
  gint64 from, to, now_from, now_to;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);

  heyai_spending_month_bounds (self->month, &from, &to);
  heyai_spending_month_bounds (now, &now_from, &now_to);
  gtk_widget_set_sensitive (self->next_button, from < now_from);
  adw_preferences_group_set_title (self->month_group, month_title);

  spending = heyai_store_get_spending (heyai_workspace_get_store (self->workspace), from, to, &error);
  if (spending == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The request ledger could not be read"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error->message);
      add_row (self, self->month_group, row);
      return;
    }

  if (spending->pending > 0)
    {
      g_autofree char *pending = format_usd (spending->pending);

      total_subtitle = g_strdup_printf (_("%s of it estimated for requests not final yet"), pending);
    }
  add_row (self, self->month_group,
           amount_row ("spending-total", _("Total"), total_subtitle, spending->total));

  if (from == now_from)
    {
      double monthly = heyai_workspace_get_monthly_budget (self->workspace);

      if (monthly > 0)
        {
          g_autofree char *cap = format_usd (monthly);
          g_autofree char *subtitle = g_strdup_printf (_("Of the monthly budget of %s"), cap);

          add_row (self, self->month_group,
                   amount_row ("spending-left", _("Left This Month"), subtitle, MAX (monthly - spending->total, 0)));
        }
    }

  for (guint i = 0; i < spending->by_provider->len; i++)
    {
      HeyaiSpendingRow *row = g_ptr_array_index (spending->by_provider, i);
      g_autofree char *name = g_strdup_printf ("spending-provider-%s", row->key);
      g_autofree char *subtitle = pending_subtitle (row);

      add_row (self, self->month_group,
               amount_row (name, heyai_provider_display_name (-1, row->key), subtitle, row->spent));
    }

  for (guint i = 0; i < spending->by_project->len; i++)
    {
      HeyaiSpendingRow *row = g_ptr_array_index (spending->by_project, i);
      g_autofree char *name = g_strdup_printf ("spending-project-%s", row->key);
      g_autofree char *subtitle = pending_subtitle (row);
      const char *title = row->title != NULL && *row->title != '\0' ? row->title : _("Deleted project");

      add_row (self, self->project_group, amount_row (name, title, subtitle, row->spent));
    }
  if (spending->by_project->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing was spent this month"));
      add_row (self, self->project_group, row);
    }
}

static void
shift_month (HeyaiSpendingWindow *self,
             int                  months)
{
  g_autoptr(GDateTime) when = g_date_time_add_months (self->month, months);

  heyai_spending_window_set_month (self, when);
}

static void
previous_clicked_cb (HeyaiSpendingWindow *self)
{
  shift_month (self, -1);
}

static void
next_clicked_cb (HeyaiSpendingWindow *self)
{
  shift_month (self, 1);
}

static GtkWidget *
money_spin (double value,
            double max)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, max, 0.01);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  return spin;
}

static GtkWidget *
budget_row (HeyaiSpendingWindow *self,
            const char          *key,
            const char          *title,
            const char          *subtitle)
{
  GSettings *settings = heyai_workspace_get_settings (self->workspace);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = money_spin (0, 1000000);

  gtk_widget_set_name (row, key);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  if (settings != NULL)
    g_settings_bind (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_sensitive (spin, FALSE);
  return row;
}

static void
price_changed_cb (GtkSpinButton       *spin,
                  HeyaiSpendingWindow *self)
{
  const HeyaiPriceEntry *entry = g_object_get_data (G_OBJECT (spin), "price-entry");
  double value = gtk_spin_button_get_value (spin);

  g_assert (entry != NULL);
  /* The built-in price (or 0) is no override. */
  heyai_workspace_set_price (self->workspace, entry->provider, entry->kind,
                             G_APPROX_VALUE (value, entry->builtin, 1e-9) ? 0 : value);
}

static void
build (HeyaiSpendingWindow *self)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *budget = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *prices = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *previous = gtk_button_new_from_icon_name ("go-previous-symbolic");
  const HeyaiPriceEntry *entries;
  guint n_entries;

  self->next_button = gtk_button_new_from_icon_name ("go-next-symbolic");
  gtk_widget_set_tooltip_text (previous, _("Previous Month"));
  gtk_widget_set_tooltip_text (self->next_button, _("Next Month"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (previous), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Previous Month"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->next_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Next Month"), -1);
  gtk_widget_add_css_class (previous, "flat");
  gtk_widget_add_css_class (self->next_button, "flat");
  gtk_widget_set_name (previous, "spending-previous");
  gtk_widget_set_name (self->next_button, "spending-next");
  g_signal_connect_swapped (previous, "clicked", G_CALLBACK (previous_clicked_cb), self);
  g_signal_connect_swapped (self->next_button, "clicked", G_CALLBACK (next_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), previous);
  gtk_box_append (GTK_BOX (header), self->next_button);

  adw_preferences_page_set_title (page, _("Spending"));
  adw_preferences_page_set_icon_name (page, "wallet-symbolic");

  self->month_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_description (self->month_group,
                                         _("Spend per provider, from the requests this computer made"));
  adw_preferences_group_set_header_suffix (self->month_group, header);
  adw_preferences_page_add (page, self->month_group);

  self->project_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->project_group, _("Per Project"));
  adw_preferences_page_add (page, self->project_group);

  adw_preferences_group_set_title (budget, _("Budget"));
  adw_preferences_group_set_description (budget, _("0 means no budget. A batch that would go over stops "
                                                    "before its first paid request."));
  adw_preferences_group_add (budget, budget_row (self, "budget-monthly", _("Monthly Budget"),
                                                 _("US dollars for all batches in a calendar month")));
  adw_preferences_group_add (budget, budget_row (self, "budget-cap", _("Budget per Batch"),
                                                 _("US dollars for one batch")));
  adw_preferences_page_add (page, budget);

  adw_preferences_group_set_title (prices, _("Prices"));
  adw_preferences_group_set_description (prices, _("What the estimates use, in US dollars. Change a price "
                                                   "to match your plan; the next batch uses it."));
  entries = heyai_workspace_price_entries (&n_entries);
  for (guint i = 0; i < n_entries; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      double price = heyai_workspace_get_price (self->workspace, entries[i].provider, entries[i].kind, NULL);
      GtkWidget *spin = money_spin (price, 1000);
      g_autofree char *name = g_strdup_printf ("spending-price-%s-%s", entries[i].provider, entries[i].kind);
      const char *title = heyai_provider_display_name (-1, entries[i].provider);
      g_autofree char *label = g_strdup_printf ("%s: %s", title, _(entries[i].unit));

      gtk_widget_set_name (row, name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(entries[i].unit));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data (G_OBJECT (spin), "price-entry", (gpointer) &entries[i]);
      gtk_widget_set_sensitive (spin, heyai_workspace_get_settings (self->workspace) != NULL);
      g_signal_connect (spin, "value-changed", G_CALLBACK (price_changed_cb), self);
      adw_preferences_group_add (prices, row);
    }
  adw_preferences_page_add (page, prices);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

static void
heyai_spending_window_finalize (GObject *object)
{
  HeyaiSpendingWindow *self = HEYAI_SPENDING_WINDOW (object);

  g_clear_object (&self->workspace);
  g_clear_pointer (&self->month, g_date_time_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (heyai_spending_window_parent_class)->finalize (object);
}

static void
heyai_spending_window_class_init (HeyaiSpendingWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heyai_spending_window_finalize;
}

static void
heyai_spending_window_init (HeyaiSpendingWindow *self)
{
  self->rows = g_ptr_array_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Spending"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (self), FALSE);
}

HeyaiSpendingWindow *
heyai_spending_window_new (HeyaiWorkspace *workspace)
{
  HeyaiSpendingWindow *self;

  g_return_val_if_fail (HEYAI_IS_WORKSPACE (workspace), NULL);

  self = g_object_new (HEYAI_TYPE_SPENDING_WINDOW, NULL);
  self->workspace = g_object_ref (workspace);
  build (self);
  heyai_spending_window_set_month (self, NULL);
  return self;
}

void
heyai_spending_window_set_month (HeyaiSpendingWindow *self,
                                 GDateTime           *when)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_if_fail (HEYAI_IS_SPENDING_WINDOW (self));

  if (when == NULL)
    when = now = g_date_time_new_now_local ();
  local = g_date_time_to_local (when);
  g_clear_pointer (&self->month, g_date_time_unref);
  self->month = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local), 1, 0, 0, 0);
  refresh (self);
}

static void
run_finished_cb (HeyaiSpendingWindow *self)
{
  refresh (self);
}

void
heyai_spending_window_present (GtkRoot *parent)
{
  HeyaiApplication *app = HEYAI_APPLICATION_DEFAULT;
  HeyaiWorkspace *workspace = heyai_application_get_workspace (app);
  HeyaiSpendingWindow *window;

  if (workspace == NULL)
    {
      const GError *error = heyai_application_get_store_error (app);

      g_warning ("No spending to show: %s", error != NULL ? error->message : "no library");
      return;
    }
  window = heyai_spending_window_new (workspace);
  /* A batch that ends while the window is open changes the month's figures. */
  g_signal_connect_object (app, "run-finished", G_CALLBACK (run_finished_cb), window, G_CONNECT_SWAPPED);
  if (GTK_IS_WINDOW (parent))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (parent));
  gtk_window_present (GTK_WINDOW (window));
}
