/* heyai-store-spending.h: what the request ledger says was spent, per
 * provider and per project, over a span of time (a calendar month).
 *
 * A request in a final state (collected, failed, refused) counts its actual
 * cost; a request that is not final yet (submitting, submitted, running,
 * succeeded, unknown) counts its actual cost when known, else its
 * estimate, and that part is also reported as "pending".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-store.h"

G_BEGIN_DECLS

typedef struct
{
  char   *key;         /* provider name, or project id */
  char   *title;       /* the project's title (by_project only; NULL for providers) */
  double  spent;       /* USD, pending included */
  double  pending;     /* USD of requests not final yet (estimates) */
  guint   n_requests;
} HeyaiSpendingRow;

typedef struct
{
  gint64     from_usec;   /* inclusive, wall clock µs */
  gint64     to_usec;     /* exclusive */
  double     total;
  double     pending;
  guint      n_requests;
  GPtrArray *by_provider; /* HeyaiSpendingRow, most spent first */
  GPtrArray *by_project;  /* HeyaiSpendingRow, most spent first */
} HeyaiSpending;

void           heyai_spending_free            (HeyaiSpending *spending);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiSpending, heyai_spending_free)

/* The local calendar month holding @when (NULL: now), as [from, to) µs. */
void           heyai_spending_month_bounds    (GDateTime     *when,
                                               gint64        *from_usec,
                                               gint64        *to_usec);

/* Spending of requests created in [@from_usec, @to_usec). */
HeyaiSpending *heyai_store_get_spending       (HeyaiStore    *self,
                                               gint64         from_usec,
                                               gint64         to_usec,
                                               GError       **error);
/* The total alone (what the monthly budget is checked against). */
gboolean       heyai_store_get_spent          (HeyaiStore    *self,
                                               gint64         from_usec,
                                               gint64         to_usec,
                                               double        *spent,
                                               GError       **error);

G_END_DECLS
