/* heyai-cli-spending.c: `heyai spending [--month YYYY-MM] [--json]`.
 *
 * The same month totals as the window's Spending view, from the request
 * ledger: the total (with the part still estimated), spend per provider and
 * per project, and what is left of the monthly budget.  --json prints
 * {"month","total","pending","budget_monthly","left","providers":[…],
 * "projects":[…]}.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "heyai-cli-private.h"
#include "heyai-workspace.h"

static void
add_rows (JsonBuilder *builder,
          const char  *member,
          GPtrArray   *rows,
          gboolean     projects)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      HeyaiSpendingRow *row = g_ptr_array_index (rows, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, projects ? "project" : "provider");
      json_builder_add_string_value (builder, row->key);
      json_builder_set_member_name (builder, projects ? "title" : "name");
      if (projects && row->title == NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, projects ? row->title : heyai_provider_display_name (-1, row->key));
      json_builder_set_member_name (builder, "spent");
      json_builder_add_double_value (builder, row->spent);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_double_value (builder, row->pending);
      json_builder_set_member_name (builder, "requests");
      json_builder_add_int_value (builder, row->n_requests);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
print_rows (GString   *out,
            GPtrArray *rows,
            gboolean   projects)
{
  for (guint i = 0; i < rows->len; i++)
    {
      HeyaiSpendingRow *row = g_ptr_array_index (rows, i);
      g_autofree char *amount = g_strdup_printf ("$%.2f", row->spent);
      const char *name = projects ? (row->title != NULL ? row->title : row->key)
                                  : heyai_provider_display_name (-1, row->key);

      g_string_append (out, "  ");
      heyai_cli_print_cell (out, name, 24);
      heyai_cli_print_cell (out, amount, 10);
      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "%u request", "%u requests", row->n_requests),
                              row->n_requests);
      if (row->pending > 0)
        /* TRANSLATORS: after "3 requests": the part of the amount not final yet */
        g_string_append_printf (out, _(", $%.2f estimated"), row->pending);
      g_string_append_c (out, '\n');
    }
}

int
heyai_cli_spending (HeyaiCli  *cli,
                    int        argc,
                    char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiWorkspace) workspace = NULL;
  g_autoptr(HeyaiSpending) spending = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *month = NULL;
  g_autofree char *label = NULL;
  gboolean json = FALSE;
  double monthly;
  gint64 from, to;
  GOptionEntry entries[] = {
    { "month", 0, 0, G_OPTION_ARG_STRING, &month, N_("The month to show (default: this month)"), N_("YYYY-MM") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print {\"month\",\"total\",\"pending\",\"budget_monthly\",\"left\",\"providers\",\"projects\"}"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("spending", NULL,
                                   _("What the request ledger says was spent in a month: the total, per provider "
                                     "and per project, and what is left of the monthly budget."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc > 1)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“heyai spending” takes no project"));

  if (month != NULL)
    {
      unsigned year = 0, mon = 0;
      char end = 0;

      if (sscanf (month, "%4u-%2u%c", &year, &mon, &end) != 2 || year < 1970 || mon < 1 || mon > 12)
        return heyai_cli_fail (HEYAI_EXIT_USAGE, _("The month must look like 2026-03"));
      when = g_date_time_new_local ((int) year, (int) mon, 1, 0, 0, 0);
    }
  else
    when = g_date_time_new_now_local ();

  if (heyai_cli_open_store (cli, &error) == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  heyai_spending_month_bounds (when, &from, &to);
  spending = heyai_store_get_spending (cli->store, from, to, &error);
  if (spending == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  workspace = heyai_workspace_new (cli->store, cli->data_dir, NULL);
  monthly = heyai_workspace_get_monthly_budget (workspace);
  label = g_date_time_format (when, "%Y-%m");

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "month");
      json_builder_add_string_value (builder, label);
      json_builder_set_member_name (builder, "total");
      json_builder_add_double_value (builder, spending->total);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_double_value (builder, spending->pending);
      json_builder_set_member_name (builder, "requests");
      json_builder_add_int_value (builder, spending->n_requests);
      json_builder_set_member_name (builder, "budget_monthly");
      json_builder_add_double_value (builder, monthly);
      json_builder_set_member_name (builder, "left");
      if (monthly > 0)
        json_builder_add_double_value (builder, MAX (monthly - spending->total, 0));
      else
        json_builder_add_null_value (builder);
      add_rows (builder, "providers", spending->by_provider, FALSE);
      add_rows (builder, "projects", spending->by_project, TRUE);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      return HEYAI_EXIT_OK;
    }

  {
    g_autoptr(GString) out = g_string_new (NULL);

    /* TRANSLATORS: "Spent in 2026-03: $1.23" */
    g_string_append_printf (out, _("Spent in %s: $%.2f"), label, spending->total);
    if (spending->pending > 0)
      g_string_append_printf (out, _(" ($%.2f of it estimated, not final yet)"), spending->pending);
    g_string_append_c (out, '\n');
    if (monthly > 0)
      g_string_append_printf (out, _("Left of the monthly budget of $%.2f: $%.2f\n"),
                              monthly, MAX (monthly - spending->total, 0));
    if (spending->by_provider->len > 0)
      {
        g_string_append_printf (out, "%s\n", _("Per provider:"));
        print_rows (out, spending->by_provider, FALSE);
        g_string_append_printf (out, "%s\n", _("Per project:"));
        print_rows (out, spending->by_project, TRUE);
      }
    g_print ("%s", out->str);
  }
  return HEYAI_EXIT_OK;
}
