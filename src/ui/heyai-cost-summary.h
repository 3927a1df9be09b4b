/* heyai-cost-summary.h: what the batch confirmation says about money: the
 * jobs per provider (by display name), the estimated cost and what is left
 * of the budget (this month and per batch), from the planner's estimate,
 * the workspace's budget and the request ledger.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-workspace.h"

G_BEGIN_DECLS

/* The body of the "Start This Batch?" dialog (translated). */
char *heyai_cost_summary_text (HeyaiWorkspace         *workspace,
                               const HeyaiRunEstimate *estimate);

G_END_DECLS
