/* heyai-store-rows.c: row <-> object mapping: the table descriptions, cached
 * statements, reading and writing rows, the identity map and reload.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <string.h>
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
  "deleted", "start-tc", NULL
};

static const char * const scene_props[] = {
  "id", "project-id", "position", "title", "excerpt", "description", "image-prompt",
  "motion-prompt", "camera-move", "duration", "approval", "status", "last-error",
  "image-take", "clip-take", "created-at", "updated-at", "deleted", "editor-note", NULL
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Row, row_free)

/* ------------------------------------------------------------------------ */
/* Base snapshots (what a write compares against)                           */
/* ------------------------------------------------------------------------ */

/* Every object loaded or written by the store carries, as qdata, the row as
 * it was last read or written (its "base").  An update writes only the
 * columns whose value differs from the base (the dirty ones) and only while
 * the row's updated_at still equals the base's. */

static GQuark
base_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("heyai-store-base");
  return quark;
}

static Row *
row_new (const TableInfo *ti)
{
  Row *row = g_malloc0 (sizeof (Row) + ti->n_columns * sizeof (GValue));

  row->n = ti->n_columns;
  return row;
}

static Row *
row_copy (const Row *src)
{
  Row *row = g_malloc0 (sizeof (Row) + src->n * sizeof (GValue));

  row->n = src->n;
  for (guint i = 0; i < src->n; i++)
    {
      g_value_init (&row->values[i], G_VALUE_TYPE (&src->values[i]));
      g_value_copy (&src->values[i], &row->values[i]);
    }
  return row;
}

/* The object's stored properties, in column order. */
static Row *
object_row (const TableInfo *ti,
            GObject         *object)
{
  Row *row = row_new (ti);

  for (guint i = 0; i < ti->n_columns; i++)
    {
      g_value_init (&row->values[i], G_PARAM_SPEC_VALUE_TYPE (ti->pspecs[i]));
      g_object_get_property (object, ti->pspecs[i]->name, &row->values[i]);
    }
  return row;
}

static const Row *
base_get (GObject *object)
{
  return g_object_get_qdata (object, base_quark ());
}

static void
base_set (GObject *object,
          Row     *row)
{
  g_object_set_qdata_full (object, base_quark (), row, row_free);
}

static gboolean
value_equal (const TableInfo *ti,
             guint            i,
             const GValue    *a,
             const GValue    *b)
{
  return g_param_values_cmp (ti->pspecs[i], a, b) == 0;
}

void
_heyai_store_base_update (TableId             table,
                          GObject            *object,
                          const char * const *props)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  Row *base = (Row *) base_get (object);

  if (base == NULL)
    return;

  for (guint p = 0; props[p] != NULL; p++)
    {
      for (guint i = 0; i < ti->n_columns; i++)
        {
          if (g_str_equal (ti->props[i], props[p]))
            {
              g_value_reset (&base->values[i]);
              g_object_get_property (object, ti->pspecs[i]->name, &base->values[i]);
            }
        }
    }
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

static void bind_value (sqlite3_stmt *stmt,
                        int           idx,
                        const GValue *value);

/* Binds the object's stored properties to ?1..?n in column order. */
static void
bind_object (const TableInfo *ti,
             sqlite3_stmt    *stmt,
             GObject         *object)
{
  for (guint i = 0; i < ti->n_columns; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (ti->pspecs[i]));
      g_object_get_property (object, ti->pspecs[i]->name, &value);
      bind_value (stmt, (int) i + 1, &value);
    }
}

static Row *
read_row (const TableInfo *ti,
          sqlite3_stmt    *stmt)
{
  Row *row = row_new (ti);

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

/* Sets the object's properties from @row (all of them, or only those not
 * in @keep) and makes @row its base.  Notifications are emitted after the
 * base is in place, so a handler that writes sees a consistent object. */
static void
apply_row_keeping (const TableInfo *ti,
                   GObject         *object,
                   const Row       *row,
                   const gboolean  *keep)
{
  g_object_freeze_notify (object);
  for (guint i = 0; i < ti->n_columns; i++)
    {
      if (keep == NULL || !keep[i])
        g_object_set_property (object, ti->pspecs[i]->name, &row->values[i]);
    }
  base_set (object, row_copy (row));
  g_object_thaw_notify (object);
}

static void
apply_row (const TableInfo *ti,
           GObject         *object,
           const Row       *row)
{
  apply_row_keeping (ti, object, row, NULL);
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
  base_set (dest, object_row (ti, src));
  g_object_thaw_notify (dest);
}

static guint column_index (const TableInfo *ti,
                           const char      *column);

/* The live object for @row (refreshed), or a new one registered in the map. */
static GObject *
materialize (HeyaiStore *self,
             TableId     table,
             const Row  *row)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  const char *id = g_value_get_string (&row->values[0]);
  GObject *object;

  /* A write after this read is stamped later than the row: another
   * connection's object never keeps a stamp equal to a newer row's. */
  heyai_hlc_observe (self->hlc, g_value_get_string (&row->values[column_index (ti, "updated_at")]));

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

/* Binds one value (a property of the column's type) to @idx. */
static void
bind_value (sqlite3_stmt *stmt,
            int           idx,
            const GValue *value)
{
  GType vtype = G_VALUE_TYPE (value);

  if (vtype == G_TYPE_STRING)
    _heyai_store_bind_text (stmt, idx, g_value_get_string (value));
  else if (vtype == G_TYPE_INT)
    sqlite3_bind_int (stmt, idx, g_value_get_int (value));
  else if (vtype == G_TYPE_INT64)
    sqlite3_bind_int64 (stmt, idx, g_value_get_int64 (value));
  else if (vtype == G_TYPE_DOUBLE)
    sqlite3_bind_double (stmt, idx, g_value_get_double (value));
  else if (vtype == G_TYPE_BOOLEAN)
    sqlite3_bind_int (stmt, idx, g_value_get_boolean (value) ? 1 : 0);
  else if (G_TYPE_IS_ENUM (vtype))
    _heyai_store_bind_text (stmt, idx, heyai_enum_to_string (vtype, g_value_get_enum (value)));
  else
    g_assert_not_reached ();
}

/* A value as the conflict list shows it (the column's text in the row). */
static char *
value_to_text (const GValue *value)
{
  GType vtype = G_VALUE_TYPE (value);

  if (vtype == G_TYPE_STRING)
    return g_value_dup_string (value);
  if (vtype == G_TYPE_INT)
    return g_strdup_printf ("%d", g_value_get_int (value));
  if (vtype == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
  if (vtype == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof buf, g_value_get_double (value)));
    }
  if (vtype == G_TYPE_BOOLEAN)
    return g_strdup (g_value_get_boolean (value) ? "1" : "0");
  if (G_TYPE_IS_ENUM (vtype))
    return g_strdup (heyai_enum_to_string (vtype, g_value_get_enum (value)));
  g_assert_not_reached ();
  return NULL;
}

/* Reads the stored row of @id (NULL and no error when there is none). */
static Row *
read_row_by_id (HeyaiStore  *self,
                TableId      table,
                const char  *id,
                GError     **error)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  g_autofree char *sql = _heyai_store_select_sql (table, "WHERE id = ?1");
  g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return read_row (ti, stmt);
  if (rc != SQLITE_DONE)
    _heyai_store_set_db_error (self, error, rc);
  return NULL;
}

/* "Scene 3: The lighthouse", the project's title, "clip take 2": what the
 * conflict list shows (the same labels as the sync merge). */
static char *
conflict_label (TableId  table,
                GObject *object)
{
  switch (table)
    {
    case TABLE_PROJECTS:
      {
        const char *title = heyai_project_get_title (HEYAI_PROJECT (object));

        return g_strdup (title != NULL ? title : _("Untitled project"));
      }
    case TABLE_SCENES:
      {
        HeyaiScene *scene = HEYAI_SCENE (object);
        const char *title = heyai_scene_get_title (scene);

        if (title != NULL && *title != '\0')
          return g_strdup_printf (_("Scene %d: %s"), heyai_scene_get_position (scene), title);
        return g_strdup_printf (_("Scene %d"), heyai_scene_get_position (scene));
      }
    case TABLE_ASSETS:
      {
        HeyaiAsset *asset = HEYAI_ASSET (object);

        return g_strdup_printf (_("%s take %d"),
                                heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, heyai_asset_get_kind (asset)),
                                heyai_asset_get_take (asset));
      }
    case TABLE_JOBS:
    case N_TABLES:
    default:
      return g_strdup (_heyai_store_tables[table].name);
    }
}

/* A stamp is "<wall>-<counter>-<device>": the device part, or NULL. */
static const char *
stamp_device (const char *stamp)
{
  const char *dash;

  if (stamp == NULL || (dash = strchr (stamp, '-')) == NULL || (dash = strchr (dash + 1, '-')) == NULL)
    return NULL;
  return dash + 1;
}

/* Logs a clash between two writers of one column on this library (the
 * sync's conflicts table: the conflict list shows it like a sync's; a
 * job's is logged as resolved). */
static gboolean
record_conflict (HeyaiStore   *self,
                 TableId       table,
                 GObject      *object,
                 const char   *field,
                 const GValue *winning,
                 const GValue *losing,
                 const char   *winning_stamp,
                 const char   *losing_stamp,
                 GError      **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autofree char *id = heyai_uuid_new ();
  g_autofree char *label = conflict_label (table, object);
  g_autofree char *win_text = value_to_text (winning);
  g_autofree char *lose_text = value_to_text (losing);
  g_autofree char *now = _heyai_store_stamp (self);
  g_autofree char *project_id = NULL;

  if (table == TABLE_PROJECTS)
    project_id = g_strdup (heyai_project_get_id (HEYAI_PROJECT (object)));
  else
    g_object_get (object, "project-id", &project_id, NULL);

  stmt = _heyai_store_prepare (self,
                               "INSERT INTO conflicts (id, table_name, row_id, project_id, label, field, "
                               "  winning_value, losing_value, winning_device, losing_device, winning_stamp, "
                               "  losing_stamp, detected_at, resolved, created_at, updated_at, deleted) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?15, ?13, ?14, 0)",
                               error);
  if (stmt == NULL)
    return FALSE;

  _heyai_store_bind_text (stmt, 1, id);
  _heyai_store_bind_text (stmt, 2, _heyai_store_tables[table].name);
  _heyai_store_bind_text (stmt, 3, object_id (object));
  _heyai_store_bind_text (stmt, 4, project_id);
  _heyai_store_bind_text (stmt, 5, label);
  _heyai_store_bind_text (stmt, 6, field);
  _heyai_store_bind_text (stmt, 7, win_text);
  _heyai_store_bind_text (stmt, 8, lose_text);
  _heyai_store_bind_text (stmt, 9, stamp_device (winning_stamp));
  _heyai_store_bind_text (stmt, 10, stamp_device (losing_stamp));
  _heyai_store_bind_text (stmt, 11, winning_stamp);
  _heyai_store_bind_text (stmt, 12, losing_stamp);
  sqlite3_bind_int64 (stmt, 13, g_get_real_time ());
  _heyai_store_bind_text (stmt, 14, now);
  /* A job's execution state is not the producer's to review: logged only. */
  sqlite3_bind_int (stmt, 15, table == TABLE_JOBS);

  return _heyai_store_step_done (self, stmt, error);
}

static gboolean
job_state_is_final (const GValue *value)
{
  HeyaiJobState state = g_value_get_enum (value);

  return state == HEYAI_JOB_STATE_DONE || state == HEYAI_JOB_STATE_FAILED || state == HEYAI_JOB_STATE_CANCELLED;
}

/* UPDATE t SET <dirty columns>, updated_at WHERE id AND updated_at IS base.
 * Returns the number of rows changed (0: the row moved or is gone), -1 on
 * error. */
static int
guarded_update (HeyaiStore      *self,
                const TableInfo *ti,
                const Row       *row,
                const gboolean  *dirty,
                const GValue    *expected_stamp,
                GError         **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(HeyaiStmt) stmt = NULL;
  guint stamp_col = column_index (ti, "updated_at");
  int idx = 0;

  g_string_append_printf (sql, "UPDATE %s SET ", ti->name);
  for (guint i = 1; i < ti->n_columns; i++)
    {
      if (dirty[i] && i != stamp_col)
        g_string_append_printf (sql, "%s = ?%d, ", ti->columns[i], ++idx);
    }
  g_string_append_printf (sql, "updated_at = ?%d WHERE id = ?%d AND updated_at IS ?%d",
                          idx + 1, idx + 2, idx + 3);

  stmt = _heyai_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return -1;

  idx = 0;
  for (guint i = 1; i < ti->n_columns; i++)
    {
      if (dirty[i] && i != stamp_col)
        bind_value (stmt, ++idx, &row->values[i]);
    }
  bind_value (stmt, idx + 1, &row->values[stamp_col]);
  bind_value (stmt, idx + 2, &row->values[0]);
  bind_value (stmt, idx + 3, expected_stamp);

  if (!_heyai_store_step_done (self, stmt, error))
    return -1;

  return sqlite3_changes (self->db);
}

/* The row moved since @base was read: inside a write transaction, re-read
 * it, keep the other writer's columns, put this object's dirty columns on
 * top (last writer wins per column), record a conflict for every column
 * both changed to different values, and write.  A job that the other
 * writer finished (cancelled, done, failed) stays finished: a progress
 * update never brings it back to life. */
static gboolean
rebase_and_write (HeyaiStore  *self,
                  TableId      table,
                  GObject     *object,
                  Row         *row,
                  gboolean    *dirty,
                  const Row   *base,
                  GError     **error)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  guint stamp_col = column_index (ti, "updated_at");
  g_autoptr(Row) current = NULL;
  g_autofree char *stamp = NULL;
  const char *their_stamp;
  int changed;

  if (!heyai_store_begin (self, error))
    return FALSE;

  current = read_row_by_id (self, table, g_value_get_string (&row->values[0]), error);
  if (current == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                     _("This item no longer exists in the library (it may have been deleted)."));
      goto failed;
    }

  their_stamp = g_value_get_string (&current->values[stamp_col]);
  heyai_hlc_observe (self->hlc, their_stamp);
  stamp = _heyai_store_stamp (self);

  for (guint i = 1; i < ti->n_columns; i++)
    {
      gboolean theirs_changed;

      if (i == stamp_col)
        continue;

      if (!dirty[i])
        {
          /* Not ours: take whatever the other writer left. */
          g_value_copy (&current->values[i], &row->values[i]);
          continue;
        }

      theirs_changed = !value_equal (ti, i, &current->values[i], &base->values[i]);
      if (!theirs_changed || value_equal (ti, i, &current->values[i], &row->values[i]))
        continue;

      if (table == TABLE_JOBS && g_str_equal (ti->columns[i], "state") &&
          job_state_is_final (&current->values[i]) && !job_state_is_final (&row->values[i]))
        {
          if (!record_conflict (self, table, object, ti->columns[i], &current->values[i],
                                &row->values[i], their_stamp, stamp, error))
            goto failed;
          g_value_copy (&current->values[i], &row->values[i]);
          dirty[i] = FALSE;
          continue;
        }

      if (!record_conflict (self, table, object, ti->columns[i], &row->values[i],
                            &current->values[i], stamp, their_stamp, error))
        goto failed;
    }

  g_value_set_string (&row->values[stamp_col], stamp);

  changed = guarded_update (self, ti, row, dirty, &current->values[stamp_col], error);
  if (changed < 0)
    goto failed;
  /* We hold the write lock: the row cannot have moved again. */
  g_assert (changed == 1);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

static gboolean
write_update (HeyaiStore  *self,
              TableId      table,
              GObject     *object,
              GError     **error)
{
  const TableInfo *ti = &_heyai_store_tables[table];
  guint stamp_col = column_index (ti, "updated_at");
  g_autoptr(Row) row = object_row (ti, object);
  g_autoptr(Row) base = NULL;
  g_autofree gboolean *dirty = g_new0 (gboolean, ti->n_columns);
  gboolean any = FALSE;
  int changed;

  if (base_get (object) != NULL)
    base = row_copy (base_get (object));

  if (base == NULL)
    {
      /* Never read through this store: every column. */
      for (guint i = 1; i < ti->n_columns; i++)
        dirty[i] = TRUE;
      any = TRUE;
    }
  else
    {
      for (guint i = 1; i < ti->n_columns; i++)
        {
          if (i != stamp_col && !value_equal (ti, i, &row->values[i], &base->values[i]))
            dirty[i] = any = TRUE;
        }
    }

  if (!any)
    {
      /* Nothing to write: the object keeps the stamp of its stored row. */
      g_object_set_property (object, ti->pspecs[stamp_col]->name, &base->values[stamp_col]);
      live_sync (self, table, object, object_id (object));
      return TRUE;
    }

  if (base == NULL)
    {
      g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, ti->update_sql, error);

      if (stmt == NULL)
        return FALSE;
      bind_object (ti, stmt, object);
      if (!_heyai_store_step_done (self, stmt, error))
        return FALSE;
      changed = sqlite3_changes (self->db);
    }
  else
    {
      changed = guarded_update (self, ti, row, dirty, &base->values[stamp_col], error);
      if (changed < 0)
        return FALSE;
      if (changed == 0)
        {
          if (!rebase_and_write (self, table, object, row, dirty, base, error))
            return FALSE;
          changed = 1;
        }
    }

  if (changed == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("This item no longer exists in the library (it may have been deleted)."));
      return FALSE;
    }

  /* The object now holds the stored row: its own edits and the other
   * writer's columns. */
  apply_row (ti, object, row);
  live_sync (self, table, object, object_id (object));

  return TRUE;
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

  if (mode == WRITE_UPDATE)
    return write_update (self, table, object, error);

  switch (mode)
    {
    case WRITE_INSERT: sql = ti->insert_sql; break;
    case WRITE_UPSERT: sql = ti->upsert_sql; break;
    case WRITE_UPDATE:
    default: g_assert_not_reached ();
    }

  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_object (ti, stmt, object);

  if (!_heyai_store_step_done (self, stmt, error))
    return FALSE;

  base_set (object, object_row (ti, object));
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

      heyai_hlc_observe (self->hlc, g_value_get_string (&row->values[stamp_col]));
      g_object_get (object, "updated-at", &old_stamp, NULL);
      if (g_strcmp0 (old_stamp, g_value_get_string (&row->values[stamp_col])) != 0)
        {
          const Row *base = base_get (object);
          g_autofree gboolean *keep = g_new0 (gboolean, ti->n_columns);

          /* Unsaved edits of the object stay (and stay dirty): only the
           * columns it did not change take the stored values. */
          if (base != NULL)
            {
              g_autoptr(Row) mine = object_row (ti, object);

              for (guint c = 1; c < ti->n_columns; c++)
                keep[c] = c != stamp_col && !value_equal (ti, c, &mine->values[c], &base->values[c]);
            }
          apply_row_keeping (ti, object, row, keep);
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
  /* Bible rows are not live objects: say that any project's may have moved. */
  g_signal_emit_by_name (self, "bible-changed", NULL);

  if (n_changed != NULL)
    *n_changed = changed->len;

  return TRUE;
}
