/* heyai-store-summary.c: a project card's details, off the main thread.
 *
 * The projects page used to list every project's scenes and look up its
 * first still on the main thread, for every card, on every change.  This
 * reads the two things a card shows with one query on a private read-only
 * connection (WAL lets it read while the store writes).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "heyai-error.h"
#include "heyai-store-summary.h"

void
heyai_project_summary_free (HeyaiProjectSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->still_path);
  g_free (summary);
}

HeyaiProjectSummary *
heyai_store_read_project_summary (const char  *db_path,
                                  const char  *project_id,
                                  GError     **error)
{
  static const char sql[] =
    "SELECT (SELECT COUNT(*) FROM scenes WHERE project_id = ?1 AND deleted = 0), "
    "       (SELECT a.local_path FROM scenes s "
    "          JOIN assets a ON a.scene_id = s.id AND a.kind = 'image' AND a.take = s.image_take "
    "                       AND a.deleted = 0 "
    "         WHERE s.project_id = ?1 AND s.deleted = 0 AND s.image_take > 0 "
    "         ORDER BY s.position, s.created_at, s.id, a.updated_at DESC LIMIT 1)";
  g_autoptr(HeyaiProjectSummary) summary = g_new0 (HeyaiProjectSummary, 1);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (project_id != NULL, NULL);

  rc = sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 2000);
      rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_TRANSIENT);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          summary->n_scenes = (guint) MAX (sqlite3_column_int (stmt, 0), 0);
          if (sqlite3_column_type (stmt, 1) == SQLITE_TEXT)
            summary->still_path = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                 _("Could not read the project’s scenes from %s: %s"), db_path,
                 db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rc == SQLITE_OK ? g_steal_pointer (&summary) : NULL;
}
