/* heyai-store-projects.c: the projects table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "heyai-store-private.h"
#include "heyai-enums.h"
#include "heyai-error.h"
#include "heyai-project.h"
#include "heyai-scene.h"
#include "heyai-asset.h"
#include "heyai-job.h"
#include "heyai-util.h"

/* ------------------------------------------------------------------------ */
/* Projects                                                                 */
/* ------------------------------------------------------------------------ */

gboolean
heyai_store_insert_project (HeyaiStore    *self,
                            HeyaiProject  *project,
                            GError       **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!heyai_store_begin (self, error))
    return FALSE;

  if (heyai_project_get_id (project) == NULL)
    {
      g_autofree char *id = heyai_uuid_new ();
      heyai_project_set_id (project, id);
    }

  if (heyai_project_get_number (project) <= 0)
    {
      int number = 0;

      /* Tombstoned rows count too: a number is never reused. */
      if (!_heyai_store_query_int (self, "SELECT COALESCE(MAX(number), 0) + 1 FROM projects", &number, error))
        goto failed;
      heyai_project_set_number (project, number);
    }

  if (heyai_project_get_created_at (project) <= 0)
    heyai_project_set_created_at (project, g_get_real_time ());

  now = _heyai_store_stamp (self);
  heyai_project_set_updated_at (project, now);
  heyai_project_set_deleted (project, FALSE);

  if (!_heyai_store_write_object (self, TABLE_PROJECTS, G_OBJECT (project), WRITE_INSERT, error))
    goto failed;

  _heyai_store_queue_signal (self, PROJECT_CHANGED, project, NULL);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

gboolean
heyai_store_update_project (HeyaiStore    *self,
                            HeyaiProject  *project,
                            GError       **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (heyai_project_get_id (project) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = _heyai_store_stamp (self);
  heyai_project_set_updated_at (project, now);

  if (!_heyai_store_write_object (self, TABLE_PROJECTS, G_OBJECT (project), WRITE_UPDATE, error))
    return FALSE;

  _heyai_store_queue_signal (self, PROJECT_CHANGED, project, NULL);

  return TRUE;
}

/* Tombstones the live rows of @table with @column = @value and marks their
 * live objects deleted (only "deleted" and "updated-at" change in memory, so
 * unsaved edits of those objects are not overwritten). */
gboolean
_heyai_store_tombstone_where (HeyaiStore  *self,
                              TableId      table,
                              const char  *column,
                              const char  *value,
                              const char  *now,
                              GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *select = NULL;
  g_autofree char *update = NULL;

  select = g_strdup_printf ("SELECT id FROM %s WHERE %s = ?1 AND deleted = 0",
                            _heyai_store_tables[table].name, column);
  {
    g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, select, error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    _heyai_store_bind_text (stmt, 1, value);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    if (rc != SQLITE_DONE)
      {
        _heyai_store_set_db_error (self, error, rc);
        return FALSE;
      }
  }

  update = g_strdup_printf ("UPDATE %s SET deleted = 1, updated_at = ?2 WHERE %s = ?1 AND deleted = 0",
                            _heyai_store_tables[table].name, column);
  {
    g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, update, error);

    if (stmt == NULL)
      return FALSE;
    _heyai_store_bind_text (stmt, 1, value);
    _heyai_store_bind_text (stmt, 2, now);
    if (!_heyai_store_step_done (self, stmt, error))
      return FALSE;
  }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GObject) object = _heyai_store_live_lookup (self, table, g_ptr_array_index (ids, i));

      if (object != NULL)
        {
          static const char * const props[] = { "deleted", "updated-at", NULL };

          g_object_set (object, "deleted", TRUE, "updated-at", now, NULL);
          _heyai_store_base_update (table, object, props);
        }
    }

  return TRUE;
}

gboolean
heyai_store_delete_project (HeyaiStore    *self,
                            HeyaiProject  *project,
                            GError       **error)
{
  g_autofree char *now = NULL;
  const char *id;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (heyai_project_get_id (project) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = heyai_project_get_id (project);

  if (!heyai_store_begin (self, error))
    return FALSE;

  now = _heyai_store_stamp (self);

  if (!_heyai_store_tombstone_where (self, TABLE_SCENES, "project_id", id, now, error) ||
      !_heyai_store_tombstone_where (self, TABLE_ASSETS, "project_id", id, now, error) ||
      !_heyai_store_tombstone_where (self, TABLE_JOBS, "project_id", id, now, error))
    goto failed;

  heyai_project_set_deleted (project, TRUE);
  heyai_project_set_updated_at (project, now);

  if (!_heyai_store_write_object (self, TABLE_PROJECTS, G_OBJECT (project), WRITE_UPDATE, error))
    goto failed;

  _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, id);
  _heyai_store_queue_signal (self, PROJECT_CHANGED, project, NULL);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

static GPtrArray *
find_projects_where (HeyaiStore  *self,
                     const char  *tail,
                     const char  *text,
                     gint64       number,
                     GError     **error)
{
  g_autofree char *sql = _heyai_store_select_sql (TABLE_PROJECTS, tail);
  g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;

  if (text != NULL)
    {
      _heyai_store_bind_text (stmt, 1, text);
      sqlite3_bind_int (stmt, 2, (int) strlen (text));
    }
  else
    sqlite3_bind_int64 (stmt, 1, number);

  return _heyai_store_load_objects (self, TABLE_PROJECTS, stmt, error);
}

static gboolean
is_all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;

  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isdigit (*s))
        return FALSE;
    }

  return TRUE;
}

HeyaiProject *
heyai_store_find_project (HeyaiStore  *self,
                          const char  *ref,
                          GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GPtrArray) matches = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  trimmed = g_strstrip (g_strdup (ref != NULL ? ref : ""));
  key = g_ascii_strdown (trimmed, -1);

  if (strlen (key) <= 9 && is_all_digits (key))
    {
      matches = find_projects_where (self, "WHERE number = ?1 AND deleted = 0 ORDER BY created_at",
                                     NULL, g_ascii_strtoll (key, NULL, 10), error);
      if (matches == NULL)
        return NULL;

      if (matches->len > 0)
        /* Two machines may both have made project <n> before syncing; the
         * older one keeps the number. */
        return g_object_ref (g_ptr_array_index (matches, 0));

      g_clear_pointer (&matches, g_ptr_array_unref);
    }

  if (strlen (key) >= 4)
    {
      matches = find_projects_where (self,
                                     "WHERE substr(id, 1, ?2) = ?1 AND deleted = 0 ORDER BY created_at",
                                     key, 0, error);
      if (matches == NULL)
        return NULL;

      if (matches->len == 1)
        return g_object_ref (g_ptr_array_index (matches, 0));

      if (matches->len > 1)
        {
          for (guint i = 0; i < matches->len; i++)
            {
              HeyaiProject *p = g_ptr_array_index (matches, i);

              if (g_strcmp0 (heyai_project_get_id (p), key) == 0)
                return g_object_ref (p);
            }

          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                       _("“%s” matches more than one project. Type more of its id, "
                         "or use its number from “heyai list”."), ref);
          return NULL;
        }
    }

  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
               _("No project matches “%s”. Run “heyai list” to see your projects."),
               ref != NULL ? ref : "");
  return NULL;
}

GPtrArray *
heyai_store_list_projects (HeyaiStore  *self,
                           GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_PROJECTS, "WHERE deleted = 0 ORDER BY updated_at DESC");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  return _heyai_store_load_objects (self, TABLE_PROJECTS, stmt, error);
}
