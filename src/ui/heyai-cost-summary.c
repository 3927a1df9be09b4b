/* heyai-cost-summary.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "heyai-cost-summary.h"
#include "heyai-ui-util.h"

static void
append_jobs (GString    *body,
             HeyaiRole   role,
             guint       n,
             const char *provider)
{
  switch (role)
    {
    case HEYAI_ROLE_LLM:
      /* Translators: "1 script analysis with OpenAI" */
      g_string_append_printf (body, ngettext ("%u script analysis with %s", "%u script analyses with %s", n),
                              n, provider);
      break;
    case HEYAI_ROLE_IMAGER:
      /* Translators: "12 stills with Higgsfield" */
      g_string_append_printf (body, ngettext ("%u still with %s", "%u stills with %s", n), n, provider);
      break;
    case HEYAI_ROLE_ANIMATOR:
      /* Translators: "12 clips with Kling" */
      g_string_append_printf (body, ngettext ("%u clip with %s", "%u clips with %s", n), n, provider);
      break;
    case HEYAI_ROLE_STORAGE:
    default:
      /* Translators: "12 uploads to Google Drive" */
      g_string_append_printf (body, ngettext ("%u upload to %s", "%u uploads to %s", n), n, provider);
      break;
    }
  g_string_append_c (body, '\n');
}

char *
heyai_cost_summary_text (HeyaiWorkspace         *workspace,
                         const HeyaiRunEstimate *estimate)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *cost = NULL;
  double batch, monthly, spent = 0;

  g_return_val_if_fail (HEYAI_IS_WORKSPACE (workspace), NULL);
  g_return_val_if_fail (estimate != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (estimate->n_jobs); i++)
    {
      const char *name;

      if (estimate->n_jobs[i] == 0)
        continue;
      name = heyai_workspace_get_provider_name (workspace, (HeyaiRole) i);
      append_jobs (body, (HeyaiRole) i, estimate->n_jobs[i], heyai_provider_display_name ((int) i, name));
    }

  cost = heyai_ui_format_cost (estimate->cost);
  g_string_append_printf (body, _("\nEstimated cost: %s"), cost);

  monthly = heyai_workspace_get_monthly_budget (workspace);
  batch = heyai_workspace_get_budget (workspace);
  if (monthly > 0)
    {
      g_autofree char *left = NULL;
      g_autofree char *cap = NULL;
      g_autofree char *spent_text = NULL;

      if (!heyai_workspace_get_month_spent (workspace, &spent, NULL))
        spent = 0;
      left = g_strdup_printf ("$%.2f", MAX (monthly - spent, 0));
      cap = g_strdup_printf ("$%.2f", monthly);
      spent_text = g_strdup_printf ("$%.2f", spent);
      /* Translators: "Left this month: $8.60 of $10.00 ($1.40 spent)" */
      g_string_append_printf (body, _("\nLeft this month: %s of %s (%s spent)"), left, cap, spent_text);
    }
  if (batch > 0)
    {
      g_autofree char *cap = g_strdup_printf ("$%.2f", batch);

      g_string_append_printf (body, _("\nBudget cap per batch: %s"), cap);
    }

  if (monthly > 0 && spent + estimate->cost > monthly + 1e-9)
    g_string_append (body, _("\n\nThis batch costs more than what is left of this month’s budget: "
                             "nothing paid will start. Raise the monthly budget in Spending."));
  else if (batch > 0 && estimate->cost > batch + 1e-9)
    g_string_append (body, _("\nThis batch would go over the budget cap; it stops when the cap is reached."));
  else if (monthly <= 0 && batch <= 0)
    g_string_append (body, _("\nNo budget is set (main menu → Spending)."));

  return g_string_free (g_steal_pointer (&body), FALSE);
}
