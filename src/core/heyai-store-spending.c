/* heyai-store-spending.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-store"

#include "config.h"

#include <sqlite3.h>

#include "heyai-store-private.h"
#include "heyai-store-spending.h"

/* What one request counts: its cost once final, else its cost when known
 * or its estimate. */
#define FINAL  "r.state IN ('collected', 'failed', 'refused')"
#define AMOUNT "(CASE WHEN " FINAL " OR r.cost > 0 THEN r.cost ELSE r.estimated_cost END)"
#define PENDING "(CASE WHEN " FINAL " THEN 0 WHEN r.cost > 0 THEN r.cost ELSE r.estimated_cost END)"

static void
spending_row_free (HeyaiSpendingRow *row)
{
  g_free (row->key);
  g_free (row->title);
  g_free (row);
}

void
heyai_spending_free (HeyaiSpending *spending)
{
  if (spending == NULL)
    return;
  g_clear_pointer (&spending->by_provider, g_ptr_array_unref);
  g_clear_pointer (&spending->by_project, g_ptr_array_unref);
  g_free (spending);
}

void
heyai_spending_month_bounds (GDateTime *when,
                             gint64    *from_usec,
                             gint64    *to_usec)
{
  g_autoptr(GDateTime) now = when != NULL ? g_date_time_ref (when) : g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = g_date_time_to_local (now);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  g_return_if_fail (from_usec != NULL && to_usec != NULL);

  start = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local), 1, 0, 0, 0);
  end = g_date_time_add_months (start, 1);
  g_assert (start != NULL && end != NULL);
  *from_usec = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  *to_usec = g_date_time_to_unix (end) * G_USEC_PER_SEC;
}

static gboolean
load_rows (HeyaiStore  *self,
           const char  *sql,
           gint64       from_usec,
           gint64       to_usec,
           gboolean     titled,
           GPtrArray   *rows,
           GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from_usec);
  sqlite3_bind_int64 (stmt, 2, to_usec);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HeyaiSpendingRow *row = g_new0 (HeyaiSpendingRow, 1);

      row->key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->spent = sqlite3_column_double (stmt, 1);
      row->pending = sqlite3_column_double (stmt, 2);
      row->n_requests = (guint) sqlite3_column_int64 (stmt, 3);
      if (titled)
        row->title = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (self, error, rc);
      return FALSE;
    }
  return TRUE;
}

HeyaiSpending *
heyai_store_get_spending (HeyaiStore  *self,
                          gint64       from_usec,
                          gint64       to_usec,
                          GError     **error)
{
  g_autoptr(HeyaiSpending) spending = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  spending = g_new0 (HeyaiSpending, 1);
  spending->from_usec = from_usec;
  spending->to_usec = to_usec;
  spending->by_provider = g_ptr_array_new_with_free_func ((GDestroyNotify) spending_row_free);
  spending->by_project = g_ptr_array_new_with_free_func ((GDestroyNotify) spending_row_free);

  if (!load_rows (self,
                  "SELECT r.provider, SUM(" AMOUNT "), SUM(" PENDING "), COUNT(*) FROM requests r "
                  "WHERE r.created_at >= ?1 AND r.created_at < ?2 "
                  "GROUP BY r.provider ORDER BY 2 DESC, 1",
                  from_usec, to_usec, FALSE, spending->by_provider, error) ||
      !load_rows (self,
                  "SELECT r.project_id, SUM(" AMOUNT "), SUM(" PENDING "), COUNT(*), "
                  "  (SELECT p.title FROM projects p WHERE p.id = r.project_id) FROM requests r "
                  "WHERE r.created_at >= ?1 AND r.created_at < ?2 "
                  "GROUP BY r.project_id ORDER BY 2 DESC, 5",
                  from_usec, to_usec, TRUE, spending->by_project, error))
    return NULL;

  for (guint i = 0; i < spending->by_provider->len; i++)
    {
      HeyaiSpendingRow *row = g_ptr_array_index (spending->by_provider, i);

      spending->total += row->spent;
      spending->pending += row->pending;
      spending->n_requests += row->n_requests;
    }
  return g_steal_pointer (&spending);
}

gboolean
heyai_store_get_spent (HeyaiStore  *self,
                       gint64       from_usec,
                       gint64       to_usec,
                       double      *spent,
                       GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (spent != NULL, FALSE);

  *spent = 0;
  stmt = _heyai_store_prepare (self, "SELECT TOTAL(" AMOUNT ") FROM requests r "
                                     "WHERE r.created_at >= ?1 AND r.created_at < ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from_usec);
  sqlite3_bind_int64 (stmt, 2, to_usec);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _heyai_store_set_db_error (self, error, rc);
      return FALSE;
    }
  *spent = sqlite3_column_double (stmt, 0);
  return TRUE;
}
