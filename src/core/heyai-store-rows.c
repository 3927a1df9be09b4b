/* heyai-store-rows.c: row <-> object mapping: the table descriptions, cached
 * statements, reading and writing rows, the identity map and reload.
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
/* Table descriptions                                                       */
/* ------------------------------------------------------------------------ */

static const char * const project_props[] = {
  "id", "number", "title", "script", "style", "aspect", "status", "last-error",
  "drive-folder-id", "drive-folders", "share-link", "created-at", "updated-at",
  "deleted", NULL
};

static const char * const scene_props[] = {
  "id", "project-id", "position", "title", "excerpt", "description", "image-prompt",
  "motion-prompt", "camera-move", "duration", "approval", "status", "last-error",
  "image-take", "clip-take", "created-at", "updated-at", "deleted", NULL
};

static const char * const asset_props[] = {
  "id", "project-id", "scene-id", "kind", "take", "provider", "model", "params",
  "request-id", "cost", "seed", "local-path", "sha256", "size", "drive-file-id",
  "view-link", "remote-url", "created-at", "updated-at", "deleted", "lineage",
  "inputs-hash", NULL
};

static const char * const job_props[] = {
  "id", "project-id", "scene-id", "kind", "take", "provider", "state", "remote-id",
  "idempotency-key", "upload-session", "attempts", "next-attempt-at", "last-error",
  "cost", "created-at", "updated-at", "deleted", NULL
};

TableInfo _heyai_store_tables[N_TABLES] = {
  [TABLE_PROJECTS] = { "projects", project_props },
  [TABLE_SCENES]   = { "scenes",   scene_props },
  [TABLE_ASSETS]   = { "assets",   asset_props },
  [TABLE_JOBS]     = { "jobs",     job_props },
};

void
_heyai_store_table_info_init (TableInfo *ti,
                              GType      type)
{
  GObjectClass *klass = g_type_class_ref (type);
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GString) params = g_string_new (NULL);
  g_autoptr(GString) sets = g_string_new (NULL);
  g_autoptr(GString) excluded = g_string_new (NULL);

  ti->type = type;
  ti->n_columns = g_strv_length ((char **) ti->props);
  ti->pspecs = g_new0 (GParamSpec *, ti->n_columns);
  ti->columns = g_new0 (char *, ti->n_columns + 1);

  for (guint i = 0; i < ti->n_columns; i++)
    {
      ti->pspecs[i] = g_object_class_find_property (klass, ti->props[i]);
      g_assert (ti->pspecs[i] != NULL);
      ti->columns[i] = g_strdelimit (g_strdup (ti->props[i]), "-", '_');

      g_string_append_printf (list, "%s%s", i ? ", " : "", ti->columns[i]);
      g_string_append_printf (params, "%s?%u", i ? ", " : "", i + 1);
      if (i > 0)
        {
          g_string_append_printf (sets, "%s%s = ?%u", i > 1 ? ", " : "", ti->columns[i], i + 1);
          g_string_append_printf (excluded, "%s%s = excluded.%s", i > 1 ? ", " : "",
                                  ti->columns[i], ti->columns[i]);
        }
    }

  g_assert (g_str_equal (ti->columns[0], "id"));

  ti->column_list = g_strdup (list->str);
  ti->insert_sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s)", ti->name, list->str, params->str);
  ti->upsert_sql = g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s",
                                    ti->name, list->str, params->str, excluded->str);
  ti->update_sql = g_strdup_printf ("UPDATE %s SET %s WHERE id = ?1", ti->name, sets->str);

  /* Keep the class alive: the pspecs are borrowed from it. */
}

void
_heyai_store_stmt_release (HeyaiStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
row_free (gpointer data)
{
  Row *row = data;

  for (guint i = 0; i < row->n; i++)
    g_value_unset (&row->values[i]);
  g_free (row);
}

/* ------------------------------------------------------------------------ */
/* Statements                                                               */
/* ------------------------------------------------------------------------ */

HeyaiStmt *
_heyai_store_prepare (HeyaiStore  *self,
                      const char  *sql,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _heyai_store_set_db_error (self, error, rc);
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
_heyai_store_step_done (HeyaiStore    *self,
                        sqlite3_stmt  *stmt,
                        GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _heyai_store_set_db_error (self, error, rc);
      sqlite3_reset (stmt);
      return FALSE;
    }

  return TRUE;
}

gboolean
_heyai_store_exec_sql (HeyaiStore  *self,
                       const char  *sql,
                       GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  return _heyai_store_step_done (self, stmt, error);
}

void
_heyai_store_bind_text (sqlite3_stmt *stmt,
                        int           idx,
                        const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, idx);
}

/* Binds the object's stored properties to ?1..?n in column order. */
static void
bind_object (const TableInfo *ti,
             sqlite3_stmt    *stmt,
             GObject         *object)
{
  for (guint i = 0; i < ti->n_columns; i++)
    {
      GParamSpec *pspec = ti->pspecs[i];
      GType vtype = G_PARAM_SPEC_VALUE_TYPE (pspec);
      g_auto(GValue) value = G_VALUE_INIT;
      int idx = (int) i + 1;

      g_value_init (&value, vtype);
      g_object_get_property (object, pspec->name, &value);

      if (vtype == G_TYPE_STRING)
        _heyai_store_bind_text (stmt, idx, g_value_get_string (&value));
      else if (vtype == G_TYPE_INT)
        sqlite3_bind_int (stmt, idx, g_value_get_int (&value));
      else if (vtype == G_TYPE_INT64)
        sqlite3_bind_int64 (stmt, idx, g_value_get_int64 (&value));
      else if (vtype == G_TYPE_DOUBLE)
        sqlite3_bind_double (stmt, idx, g_value_get_double (&value));
      else if (vtype == G_TYPE_BOOLEAN)
        sqlite3_bind_int (stmt, idx, g_value_get_boolean (&value) ? 1 : 0);
      else if (G_TYPE_IS_ENUM (vtype))
        _heyai_store_bind_text (stmt, idx, heyai_enum_to_string (vtype, g_value_get_enum (&value)));
      else
        g_assert_not_reached ();
    }
}

static Row *
read_row (const TableInfo *ti,
          sqlite3_stmt    *stmt)
{
  Row *row = g_malloc0 (sizeof (Row) + ti->n_columns * sizeof (GValue));

  row->n = ti->n_columns;

  for (guint i = 0; i < ti->n_columns; i++)
    {
      GParamSpec *pspec = ti->pspecs[i];
      GType vtype = G_PARAM_SPEC_VALUE_TYPE (pspec);
      GValue *value = &row->values[i];
      int col = (int) i;

      g_value_init (value, vtype);

      if (vtype == G_TYPE_STRING)
        g_value_set_string (value, (const char *) sqlite3_column_text (stmt, col));
      else if (vtype == G_TYPE_INT)
        g_value_set_int (value, sqlite3_column_int (stmt, col));
      else if (vtype == G_TYPE_INT64)
        g_value_set_int64 (value, sqlite3_column_int64 (stmt, col));
      else if (vtype == G_TYPE_DOUBLE)
        g_value_set_double (value, sqlite3_column_double (stmt, col));
      else if (vtype == G_TYPE_BOOLEAN)
        g_value_set_boolean (value, sqlite3_column_int (stmt, col) != 0);
      else if (G_TYPE_IS_ENUM (vtype))
        {
          int v;

          /* A value written by a newer HeyAI Studio falls back to the default. */
          if (!heyai_enum_from_string (vtype, (const char *) sqlite3_column_text (stmt, col), &v))
            v = G_PARAM_SPEC_ENUM (pspec)->default_value;
          g_value_set_enum (value, v);
        }
      else
        g_assert_not_reached ();

      /* Keep values inside the property ranges (rows merged from elsewhere). */
      g_param_value_validate (pspec, value);
    }

  return row;
}

/* ------------------------------------------------------------------------ */
/* Identity map                                                             */
/* ------------------------------------------------------------------------ */

static gboolean
weak_ref_is_dead (gpointer key,
                  gpointer value,
                  gpointer user_data)
{
  g_autoptr(GObject) object = g_weak_ref_get (value);

  return object == NULL;
}

/* A full reference to the live object of @id, or NULL. */
GObject *
_heyai_store_live_lookup (HeyaiStore *self,
                          TableId     table,
                          const char *id)
{
  GWeakRef *wr;

  if (id == NULL)
    return NULL;

  wr = g_hash_table_lookup (self->live[table], id);
  return wr != NULL ? g_weak_ref_get (wr) : NULL;
}

static void
live_register (HeyaiStore *self,
               TableId     table,
               GObject    *object,
               const char *id)
{
  GWeakRef *wr = g_new0 (GWeakRef, 1);

  g_weak_ref_init (wr, object);
  g_hash_table_replace (self->live[table], g_strdup (id), wr);

  /* Entries of finalized objects are swept once the map doubles. */
  if (g_hash_table_size (self->live[table]) > self->sweep_at[table])
    {
      g_hash_table_foreach_remove (self->live[table], weak_ref_is_dead, NULL);
      self->sweep_at[table] = MAX (64, 2 * g_hash_table_size (self->live[table]));
    }
}

static void
apply_row (const TableInfo *ti,
           GObject         *object,
           const Row       *row)
{
  g_object_freeze_notify (object);
  for (guint i = 0; i < ti->n_columns; i++)
    g_object_set_property (object, ti->pspecs[i]->name, &row->values[i]);
  g_object_thaw_notify (object);
}

static void
copy_columns (const TableInfo *ti,
              GObject         *dest,
              GObject         *src)
{
  g_object_freeze_notify (dest);
  for (guint i = 0; i < ti->n_columns; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (ti->pspecs[i]));
      g_object_get_property (src, ti->pspecs[i]->name, &value);
      g_object_set_property (dest, ti->pspecs[i]->name, &value);
    }
  g_object_thaw_notify (dest);
}

/* The live object for @row (refreshed), or a new one registered in the map. */
static GObject *
materialize (HeyaiStore *self,
             TableId     table,
             const Row  *row)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  const char *id = g_value_get_string (&row->values[0]);
  GObject *object;

  object = _heyai_store_live_lookup (self, table, id);
  if (object != NULL)
    {
      apply_row (ti, object, row);
      return object;
    }

  object = g_object_new (ti->type, NULL);
  apply_row (ti, object, row);
  live_register (self, table, object, id);

  return object;
}

/* After writing @object, make it the row's live object, or bring the live
 * one up to date if the caller wrote through a different instance. */
static void
live_sync (HeyaiStore *self,
           TableId     table,
           GObject    *object,
           const char *id)
{
  g_autoptr(GObject) live = _heyai_store_live_lookup (self, table, id);

  if (live == object)
    return;

  if (live != NULL)
    copy_columns (&_heyai_store_tables[table], live, object);
  else
    live_register (self, table, object, id);
}

/* Steps @stmt (already bound) to the end and materializes every row.  The
 * statement is reset before any object is touched, so notify handlers may
 * use the store again. */
GPtrArray *
_heyai_store_load_objects (HeyaiStore    *self,
                           TableId        table,
                           sqlite3_stmt  *stmt,
                           GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  g_autoptr(GPtrArray) objects = NULL;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_row (&_heyai_store_tables[table], stmt));

  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (self, error, rc);
      sqlite3_reset (stmt);
      return NULL;
    }

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  objects = g_ptr_array_new_full (rows->len, g_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (objects, materialize (self, table, g_ptr_array_index (rows, i)));

  return g_steal_pointer (&objects);
}

gpointer
_heyai_store_load_one (HeyaiStore    *self,
                       TableId        table,
                       sqlite3_stmt  *stmt,
                       GError       **error)
{
  g_autoptr(GPtrArray) objects = _heyai_store_load_objects (self, table, stmt, error);

  if (objects == NULL || objects->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (objects, 0));
}

char *
_heyai_store_select_sql (TableId     table,
                         const char *tail)
{
  return g_strdup_printf ("SELECT %s FROM %s %s", _heyai_store_tables[table].column_list, _heyai_store_tables[table].name, tail);
}

/* ------------------------------------------------------------------------ */
/* Generic writes                                                           */
/* ------------------------------------------------------------------------ */

static const char *
object_id (GObject *object)
{
  const char *id;

  /* Every model object's "id" is its own string: borrow it. */
  if (HEYAI_IS_PROJECT (object))
    id = heyai_project_get_id (HEYAI_PROJECT (object));
  else if (HEYAI_IS_SCENE (object))
    id = heyai_scene_get_id (HEYAI_SCENE (object));
  else if (HEYAI_IS_ASSET (object))
    id = heyai_asset_get_id (HEYAI_ASSET (object));
  else if (HEYAI_IS_JOB (object))
    id = heyai_job_get_id (HEYAI_JOB (object));
  else
    g_assert_not_reached ();

  return id;
}

gboolean
_heyai_store_write_object (HeyaiStore  *self,
                           TableId      table,
                           GObject     *object,
                           WriteMode    mode,
                           GError     **error)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  const char *sql;
  g_autoptr(HeyaiStmt) stmt = NULL;

  switch (mode)
    {
    case WRITE_INSERT: sql = ti->insert_sql; break;
    case WRITE_UPDATE: sql = ti->update_sql; break;
    case WRITE_UPSERT: sql = ti->upsert_sql; break;
    default: g_assert_not_reached ();
    }

  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_object (ti, stmt, object);

  if (!_heyai_store_step_done (self, stmt, error))
    return FALSE;

  if (mode == WRITE_UPDATE && sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("This item no longer exists in the library (it may have been deleted)."));
      return FALSE;
    }

  live_sync (self, table, object, object_id (object));

  return TRUE;
}

char *
_heyai_store_stamp (HeyaiStore *self)
{
  return heyai_hlc_now (self->hlc);
}

/* ------------------------------------------------------------------------ */
/* Reload                                                                   */
/* ------------------------------------------------------------------------ */

static guint
column_index (const TableInfo *ti,
              const char      *column)
{
  for (guint i = 0; i < ti->n_columns; i++)
    {
      if (g_str_equal (ti->columns[i], column))
        return i;
    }

  g_assert_not_reached ();
  return 0;
}

static gboolean
reload_table (HeyaiStore  *self,
              TableId      table,
              GPtrArray   *changed,
              GError     **error)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  guint stamp_col = column_index (ti, "updated_at");
  g_autoptr(GPtrArray) live = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sql = _heyai_store_select_sql (table, "WHERE id = ?1");
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->live[table]);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GObject *object = g_weak_ref_get (value);

      if (object != NULL)
        g_ptr_array_add (live, object);
    }

  for (guint i = 0; i < live->len; i++)
    {
      GObject *object = g_ptr_array_index (live, i);
      g_autofree char *old_stamp = NULL;
      Row *row = NULL;
      int rc;

      {
        g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, sql, error);

        if (stmt == NULL)
          return FALSE;
        _heyai_store_bind_text (stmt, 1, object_id (object));
        rc = sqlite3_step (stmt);
        if (rc == SQLITE_ROW)
          row = read_row (ti, stmt);
        else if (rc != SQLITE_DONE)
          {
            _heyai_store_set_db_error (self, error, rc);
            return FALSE;
          }
      }

      if (row == NULL)
        continue;

      g_object_get (object, "updated-at", &old_stamp, NULL);
      if (g_strcmp0 (old_stamp, g_value_get_string (&row->values[stamp_col])) != 0)
        {
          apply_row (ti, object, row);
          g_ptr_array_add (changed, g_object_ref (object));
        }
      row_free (row);
    }

  return TRUE;
}

gboolean
heyai_store_reload (HeyaiStore  *self,
                    guint       *n_changed,
                    GError     **error)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) scene_projects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_changed != NULL)
    *n_changed = 0;

  for (guint t = 0; t < N_TABLES; t++)
    {
      if (!reload_table (self, t, changed, error))
        return FALSE;
    }

  for (guint i = 0; i < changed->len; i++)
    {
      GObject *object = g_ptr_array_index (changed, i);

      if (HEYAI_IS_PROJECT (object))
        _heyai_store_queue_signal (self, PROJECT_CHANGED, object, NULL);
      else if (HEYAI_IS_JOB (object))
        _heyai_store_queue_signal (self, JOB_CHANGED, object, NULL);
      else if (HEYAI_IS_ASSET (object))
        _heyai_store_queue_signal (self, ASSET_CHANGED, object, NULL);
      else if (HEYAI_IS_SCENE (object) && heyai_scene_get_project_id (HEYAI_SCENE (object)) != NULL)
        g_hash_table_add (scene_projects, g_strdup (heyai_scene_get_project_id (HEYAI_SCENE (object))));
    }

  g_hash_table_iter_init (&iter, scene_projects);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, key);

  if (n_changed != NULL)
    *n_changed = changed->len;

  return TRUE;
}
