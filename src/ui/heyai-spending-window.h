/* heyai-spending-window.h: what was spent and what things cost.
 *
 * One month of the request ledger (this month first, previous/next
 * buttons): the total with the part not final yet, spend per provider (by
 * display name) and per project; the budget (monthly and per batch, the
 * settings); and the editable price table the estimates come from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-workspace.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_SPENDING_WINDOW (heyai_spending_window_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiSpendingWindow, heyai_spending_window, HEYAI, SPENDING_WINDOW, AdwPreferencesWindow)

HeyaiSpendingWindow *heyai_spending_window_new       (HeyaiWorkspace      *workspace);
/* Shows the month holding @when (NULL: now), read again from the ledger. */
void                 heyai_spending_window_set_month (HeyaiSpendingWindow *self,
                                                      GDateTime           *when);
/* Opens the window for the application's workspace over @parent (nullable). */
void                 heyai_spending_window_present   (GtkRoot             *parent);

G_END_DECLS
