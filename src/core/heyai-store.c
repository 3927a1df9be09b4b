/* heyai-store.c: the SQLite database.
 *
 * Every model table is described by a TableInfo: the object type and the
 * list of stored properties.  A property "foo-bar" is the column "foo_bar";
 * strings are TEXT, numbers INTEGER/REAL, booleans 0/1 and enums their nick
 * as TEXT (the same strings as the JSON and the CLI).  Reading, writing and
 * the identity map are generic over that description.
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

#include "heyai-store.h"
#include "heyai-enums.h"
#include "heyai-error.h"
#include "heyai-project.h"
#include "heyai-scene.h"
#include "heyai-asset.h"
#include "heyai-job.h"
#include "heyai-util.h"

#define BUSY_TIMEOUT_MS 5000

/* ------------------------------------------------------------------------ */
/* Schema                                                                   */
/* ------------------------------------------------------------------------ */

/* migrations[i] brings a database from user_version i to i + 1.  Append new
 * entries (and bump HEYAI_STORE_SCHEMA_VERSION); never edit old ones. */
static const char * const migrations[] = {
  /* 0 -> 1: the initial schema. */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT"
  ");"
  "CREATE TABLE projects ("
  "  id              TEXT PRIMARY KEY NOT NULL,"
  "  number          INTEGER NOT NULL DEFAULT 0,"
  "  title           TEXT,"
  "  script          TEXT,"
  "  style           TEXT,"
  "  aspect          TEXT NOT NULL DEFAULT '16:9',"
  "  status          TEXT NOT NULL DEFAULT 'draft',"
  "  last_error      TEXT,"
  "  drive_folder_id TEXT,"
  "  drive_folders   TEXT,"
  "  share_link      TEXT,"
  "  created_at      INTEGER NOT NULL DEFAULT 0,"
  "  updated_at      TEXT NOT NULL,"
  "  deleted         INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX projects_number ON projects (number);"
  "CREATE TABLE scenes ("
  "  id            TEXT PRIMARY KEY NOT NULL,"
  "  project_id    TEXT NOT NULL REFERENCES projects (id),"
  "  position      INTEGER NOT NULL DEFAULT 0,"
  "  title         TEXT,"
  "  excerpt       TEXT,"
  "  description   TEXT,"
  "  image_prompt  TEXT,"
  "  motion_prompt TEXT,"
  "  camera_move   TEXT NOT NULL DEFAULT 'static',"
  "  duration      INTEGER NOT NULL DEFAULT 5,"
  "  approval      TEXT NOT NULL DEFAULT 'pending',"
  "  status        TEXT NOT NULL DEFAULT 'pending',"
  "  last_error    TEXT,"
  "  image_take    INTEGER NOT NULL DEFAULT 0,"
  "  clip_take     INTEGER NOT NULL DEFAULT 0,"
  "  created_at    INTEGER NOT NULL DEFAULT 0,"
  "  updated_at    TEXT NOT NULL,"
  "  deleted       INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX scenes_project ON scenes (project_id, position);"
  "CREATE TABLE assets ("
  "  id            TEXT PRIMARY KEY NOT NULL,"
  "  project_id    TEXT NOT NULL REFERENCES projects (id),"
  "  scene_id      TEXT,"
  "  kind          TEXT NOT NULL DEFAULT 'image',"
  "  take          INTEGER NOT NULL DEFAULT 0,"
  "  provider      TEXT,"
  "  model         TEXT,"
  "  params        TEXT,"
  "  request_id    TEXT,"
  "  cost          REAL NOT NULL DEFAULT 0,"
  "  seed          INTEGER NOT NULL DEFAULT -1,"
  "  local_path    TEXT,"
  "  sha256        TEXT,"
  "  size          INTEGER NOT NULL DEFAULT 0,"
  "  drive_file_id TEXT,"
  "  view_link     TEXT,"
  "  remote_url    TEXT,"
  "  created_at    INTEGER NOT NULL DEFAULT 0,"
  "  updated_at    TEXT NOT NULL,"
  "  deleted       INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX assets_scene ON assets (scene_id, kind, take);"
  "CREATE INDEX assets_project ON assets (project_id);"
  "CREATE TABLE jobs ("
  "  id              TEXT PRIMARY KEY NOT NULL,"
  "  project_id      TEXT NOT NULL REFERENCES projects (id),"
  "  scene_id        TEXT,"
  "  kind            TEXT NOT NULL DEFAULT 'analyze',"
  "  take            INTEGER NOT NULL DEFAULT 0,"
  "  provider        TEXT,"
  "  state           TEXT NOT NULL DEFAULT 'queued',"
  "  remote_id       TEXT,"
  "  idempotency_key TEXT,"
  "  upload_session  TEXT,"
  "  attempts        INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
  "  last_error      TEXT,"
  "  cost            REAL NOT NULL DEFAULT 0,"
  "  created_at      INTEGER NOT NULL DEFAULT 0,"
  "  updated_at      TEXT NOT NULL,"
  "  deleted         INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX jobs_project ON jobs (project_id, state);",

  /* 1 -> 2: sync bookkeeping (see src/sync/heyai-sync.h).  `conflicts` is a
   * synced table like the others (id, updated_at, deleted); `sync_base` (the
   * values of each row at the last sync, for field-level conflict detection)
   * and `sync_peers` (the last merged snapshot of every other computer) are
   * local-only, like `meta`. */
  "CREATE TABLE conflicts ("
  "  id             TEXT PRIMARY KEY NOT NULL,"
  "  table_name     TEXT NOT NULL,"
  "  row_id         TEXT NOT NULL,"
  "  project_id     TEXT,"
  "  label          TEXT,"
  "  field          TEXT NOT NULL,"
  "  winning_value  TEXT,"
  "  losing_value   TEXT,"
  "  winning_device TEXT,"
  "  losing_device  TEXT,"
  "  winning_stamp  TEXT,"
  "  losing_stamp   TEXT,"
  "  detected_at    INTEGER NOT NULL DEFAULT 0,"
  "  resolved       INTEGER NOT NULL DEFAULT 0,"
  "  created_at     INTEGER NOT NULL DEFAULT 0,"
  "  updated_at     TEXT NOT NULL,"
  "  deleted        INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX conflicts_open ON conflicts (resolved, detected_at);"
  "CREATE TABLE sync_base ("
  "  table_name TEXT NOT NULL,"
  "  row_id     TEXT NOT NULL,"
  "  updated_at TEXT NOT NULL,"
  "  row        TEXT NOT NULL,"
  "  PRIMARY KEY (table_name, row_id)"
  ") WITHOUT ROWID;"
  "CREATE TABLE sync_peers ("
  "  device    TEXT PRIMARY KEY NOT NULL,"
  "  file_id   TEXT,"
  "  version   TEXT,"
  "  md5       TEXT,"
  "  max_stamp TEXT,"
  "  merged_at INTEGER NOT NULL DEFAULT 0"
  ");",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == HEYAI_STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------------------ */
/* Table descriptions                                                       */
/* ------------------------------------------------------------------------ */

typedef enum
{
  TABLE_PROJECTS,
  TABLE_SCENES,
  TABLE_ASSETS,
  TABLE_JOBS,
  N_TABLES
} TableId;

typedef struct
{
  const char         *name;
  const char * const *props;       /* "id" first, NULL-terminated */

  /* Filled once in class_init. */
  GType               type;
  guint               n_columns;
  GParamSpec        **pspecs;
  char              **columns;
  char               *column_list; /* "id, number, ..." */
  char               *insert_sql;
  char               *upsert_sql;
  char               *update_sql;
} TableInfo;

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
  "view-link", "remote-url", "created-at", "updated-at", "deleted", NULL
};

static const char * const job_props[] = {
  "id", "project-id", "scene-id", "kind", "take", "provider", "state", "remote-id",
  "idempotency-key", "upload-session", "attempts", "next-attempt-at", "last-error",
  "cost", "created-at", "updated-at", "deleted", NULL
};

static TableInfo tables[N_TABLES] = {
  [TABLE_PROJECTS] = { "projects", project_props },
  [TABLE_SCENES]   = { "scenes",   scene_props },
  [TABLE_ASSETS]   = { "assets",   asset_props },
  [TABLE_JOBS]     = { "jobs",     job_props },
};

static void
table_info_init (TableInfo *ti,
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

/* ------------------------------------------------------------------------ */
/* The object                                                               */
/* ------------------------------------------------------------------------ */

typedef struct
{
  guint    signal_id;
  GObject *object;      /* owned, or NULL */
  char    *project_id;  /* owned, or NULL */
} PendingSignal;

struct _HeyaiStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  HeyaiHlc   *hlc;

  GHashTable *statements;        /* SQL text -> sqlite3_stmt* */
  GHashTable *live[N_TABLES];    /* id -> GWeakRef* (the identity map) */
  guint       sweep_at[N_TABLES];

  guint       tx_depth;
  GArray     *tx_marks;          /* pending->len at each nesting level */
  GPtrArray  *pending;           /* PendingSignal*, emitted on the outermost commit */
};

G_DEFINE_FINAL_TYPE (HeyaiStore, heyai_store, G_TYPE_OBJECT)

enum
{
  PROJECT_CHANGED,
  SCENES_CHANGED,
  JOB_CHANGED,
  ASSET_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A cached statement that is reset when it goes out of scope. */
typedef sqlite3_stmt HeyaiStmt;

static void
stmt_release (HeyaiStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiStmt, stmt_release)

/* A row read into GValues, in the table's column order. */
typedef struct
{
  guint  n;
  GValue values[];
} Row;

static void
row_free (gpointer data)
{
  Row *row = data;

  for (guint i = 0; i < row->n; i++)
    g_value_unset (&row->values[i]);
  g_free (row);
}

static void
pending_signal_free (gpointer data)
{
  PendingSignal *ps = data;

  g_clear_object (&ps->object);
  g_free (ps->project_id);
  g_free (ps);
}

static void
statement_free (gpointer data)
{
  sqlite3_finalize (data);
}

static void
weak_ref_free (gpointer data)
{
  GWeakRef *wr = data;

  g_weak_ref_clear (wr);
  g_free (wr);
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static void
set_sqlite_error (GError     **error,
                  const char  *path,
                  int          rc,
                  const char  *detail)
{
  g_autofree char *display = g_filename_display_name (path != NULL ? path : "");
  int primary = rc & 0xff;

  switch (primary)
    {
    case SQLITE_FULL:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE,
                   _("Could not save to the library “%s”: the disk is full. "
                     "Free some space and try again."), display);
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                   _("Could not write to the library “%s”: the file or its folder is read-only. "
                     "Check its permissions, or choose another data folder."), display);
      break;

    case SQLITE_CANTOPEN:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                   _("Could not open the library “%s”. Check that its folder exists "
                     "and that you are allowed to write to it."), display);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("The library “%s” is busy: another HeyAI Studio process is writing to it. "
                     "Try again in a moment."), display);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("The library “%s” is damaged or is not a HeyAI Studio library."), display);
      break;

    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                     _("Could not save to the library “%s”: the project this belongs to "
                       "does not exist (it may have been deleted)."), display);
      else if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                     _("Could not save to the library “%s”: an item with the same id already exists."),
                     display);
      else
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                     _("Could not save to the library “%s”: %s"), display,
                     detail != NULL ? detail : sqlite3_errstr (rc));
      break;

    case SQLITE_IOERR:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("Could not read or write the library “%s”: the disk reported an error (%s)."),
                   display, detail != NULL ? detail : sqlite3_errstr (rc));
      break;

    default:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("Database error in the library “%s”: %s"), display,
                   detail != NULL ? detail : sqlite3_errstr (rc));
      break;
    }
}

static void
set_db_error (HeyaiStore  *self,
              GError     **error,
              int          rc)
{
  const char *detail = NULL;

  if (self->db != NULL)
    {
      rc = sqlite3_extended_errcode (self->db) != SQLITE_OK ? sqlite3_extended_errcode (self->db) : rc;
      detail = sqlite3_errmsg (self->db);
    }

  set_sqlite_error (error, self->path, rc, detail);
}

/* ------------------------------------------------------------------------ */
/* Statements                                                               */
/* ------------------------------------------------------------------------ */

static HeyaiStmt *
prepare (HeyaiStore  *self,
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
      set_db_error (self, error, rc);
      sqlite3_finalize (stmt);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
step_done (HeyaiStore    *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_db_error (self, error, rc);
      sqlite3_reset (stmt);
      return FALSE;
    }

  return TRUE;
}

static gboolean
exec_sql (HeyaiStore  *self,
          const char  *sql,
          GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  return step_done (self, stmt, error);
}

static void
bind_text (sqlite3_stmt *stmt,
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
        bind_text (stmt, idx, g_value_get_string (&value));
      else if (vtype == G_TYPE_INT)
        sqlite3_bind_int (stmt, idx, g_value_get_int (&value));
      else if (vtype == G_TYPE_INT64)
        sqlite3_bind_int64 (stmt, idx, g_value_get_int64 (&value));
      else if (vtype == G_TYPE_DOUBLE)
        sqlite3_bind_double (stmt, idx, g_value_get_double (&value));
      else if (vtype == G_TYPE_BOOLEAN)
        sqlite3_bind_int (stmt, idx, g_value_get_boolean (&value) ? 1 : 0);
      else if (G_TYPE_IS_ENUM (vtype))
        bind_text (stmt, idx, heyai_enum_to_string (vtype, g_value_get_enum (&value)));
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
static GObject *
live_lookup (HeyaiStore *self,
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
  const TableInfo *ti = &tables[table];
  const char *id = g_value_get_string (&row->values[0]);
  GObject *object;

  object = live_lookup (self, table, id);
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
  g_autoptr(GObject) live = live_lookup (self, table, id);

  if (live == object)
    return;

  if (live != NULL)
    copy_columns (&tables[table], live, object);
  else
    live_register (self, table, object, id);
}

/* Steps @stmt (already bound) to the end and materializes every row.  The
 * statement is reset before any object is touched, so notify handlers may
 * use the store again. */
static GPtrArray *
load_objects (HeyaiStore    *self,
              TableId        table,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  g_autoptr(GPtrArray) objects = NULL;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, read_row (&tables[table], stmt));

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, rc);
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

static gpointer
load_one (HeyaiStore    *self,
          TableId        table,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  g_autoptr(GPtrArray) objects = load_objects (self, table, stmt, error);

  if (objects == NULL || objects->len == 0)
    return NULL;

  return g_object_ref (g_ptr_array_index (objects, 0));
}

static char *
select_sql (TableId     table,
            const char *tail)
{
  return g_strdup_printf ("SELECT %s FROM %s %s", tables[table].column_list, tables[table].name, tail);
}

/* ------------------------------------------------------------------------ */
/* Signals, deferred while a transaction is open                            */
/* ------------------------------------------------------------------------ */

static void
emit_pending (HeyaiStore    *self,
              PendingSignal *ps)
{
  if (ps->signal_id == signals[SCENES_CHANGED])
    g_signal_emit (self, ps->signal_id, 0, ps->project_id);
  else
    g_signal_emit (self, ps->signal_id, 0, ps->object);
}

static void
queue_signal (HeyaiStore *self,
              guint       which,
              gpointer    object,
              const char *project_id)
{
  PendingSignal ps = { signals[which], object, (char *) project_id };

  if (which == SCENES_CHANGED && project_id == NULL)
    return;

  if (self->tx_depth == 0)
    {
      emit_pending (self, &ps);
      return;
    }

  for (guint i = 0; i < self->pending->len; i++)
    {
      PendingSignal *other = g_ptr_array_index (self->pending, i);

      if (other->signal_id == ps.signal_id &&
          other->object == ps.object &&
          g_strcmp0 (other->project_id, ps.project_id) == 0)
        return;
    }

  {
    PendingSignal *copy = g_new0 (PendingSignal, 1);

    copy->signal_id = ps.signal_id;
    copy->object = object != NULL ? g_object_ref (object) : NULL;
    copy->project_id = g_strdup (project_id);
    g_ptr_array_add (self->pending, copy);
  }
}

static void
flush_pending (HeyaiStore *self)
{
  g_autoptr(GPtrArray) pending = NULL;

  if (self->pending->len == 0)
    return;

  pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (pending_signal_free);

  g_object_ref (self);
  for (guint i = 0; i < pending->len; i++)
    emit_pending (self, g_ptr_array_index (pending, i));
  g_object_unref (self);
}

/* ------------------------------------------------------------------------ */
/* Transactions                                                             */
/* ------------------------------------------------------------------------ */

gboolean
heyai_store_begin (HeyaiStore  *self,
                   GError     **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* IMMEDIATE takes the write lock now (waiting up to busy_timeout), so a
   * transaction never fails half-way because another process writes. */
  if (self->tx_depth == 0)
    sql = g_strdup ("BEGIN IMMEDIATE");
  else
    sql = g_strdup_printf ("SAVEPOINT heyai_sp%u", self->tx_depth);

  if (!exec_sql (self, sql, error))
    return FALSE;

  g_array_append_val (self->tx_marks, self->pending->len);
  self->tx_depth++;

  return TRUE;
}

gboolean
heyai_store_commit (HeyaiStore  *self,
                    GError     **error)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth == 1)
    {
      if (!exec_sql (self, "COMMIT", error))
        {
          heyai_store_rollback (self);
          return FALSE;
        }

      self->tx_depth = 0;
      g_array_set_size (self->tx_marks, 0);
      flush_pending (self);
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("RELEASE heyai_sp%u", self->tx_depth - 1);

      if (!exec_sql (self, sql, error))
        {
          heyai_store_rollback (self);
          return FALSE;
        }

      self->tx_depth--;
      g_array_set_size (self->tx_marks, self->tx_depth);
    }

  return TRUE;
}

void
heyai_store_rollback (HeyaiStore *self)
{
  g_autoptr(GError) error = NULL;
  guint mark;

  g_return_if_fail (HEYAI_IS_STORE (self));

  if (self->tx_depth == 0)
    return;

  mark = g_array_index (self->tx_marks, guint, self->tx_depth - 1);
  g_ptr_array_set_size (self->pending, mark);

  if (self->tx_depth == 1)
    {
      if (!sqlite3_get_autocommit (self->db) && !exec_sql (self, "ROLLBACK", &error))
        g_warning ("Could not roll back: %s", error->message);
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO heyai_sp%u; RELEASE heyai_sp%u",
                                              self->tx_depth - 1, self->tx_depth - 1);

      if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        g_warning ("Could not roll back to a savepoint: %s", sqlite3_errmsg (self->db));
    }

  self->tx_depth--;
  g_array_set_size (self->tx_marks, self->tx_depth);
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                  */
/* ------------------------------------------------------------------------ */

/* Reads PRAGMA user_version without writing anything: no WAL switch, no
 * -wal file.  A database without a -wal file is opened immutable; when a
 * -wal file exists (another process has it open) a plain read-only
 * connection reads through it. */
static gboolean
peek_user_version (const char  *path,
                   int         *version,
                   GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *escaped = g_uri_escape_string (path, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
  g_autofree char *uri = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    uri = g_strdup_printf ("file:%s?mode=ro", escaped);
  else
    uri = g_strdup_printf ("file:%s?mode=ro&immutable=1", escaped);

  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *version = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }

  if (rc != SQLITE_OK)
    set_sqlite_error (error, path, db != NULL ? sqlite3_extended_errcode (db) : rc,
                      db != NULL ? sqlite3_errmsg (db) : NULL);

  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);

  return rc == SQLITE_OK;
}

static void
set_schema_too_new_error (GError     **error,
                          int          version)
{
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW,
               _("This library was created by a newer version of HeyAI Studio "
                 "(schema %d, this version knows %d). Update HeyAI Studio to open it."),
               version, HEYAI_STORE_SCHEMA_VERSION);
}

static gboolean
query_int (HeyaiStore  *self,
           const char  *sql,
           int         *out,
           GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out = sqlite3_column_int (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *out = 0;
      return TRUE;
    }

  set_db_error (self, error, rc);
  return FALSE;
}

static gboolean
migrate (HeyaiStore  *self,
         GError     **error)
{
  int version = 0;

  if (!heyai_store_begin (self, error))
    return FALSE;

  /* Read again under the write lock: another process may have migrated. */
  if (!query_int (self, "PRAGMA user_version", &version, error))
    goto failed;

  if (version > HEYAI_STORE_SCHEMA_VERSION)
    {
      set_schema_too_new_error (error, version);
      goto failed;
    }

  for (int v = version; v < HEYAI_STORE_SCHEMA_VERSION; v++)
    {
      char *errmsg = NULL;
      int rc = sqlite3_exec (self->db, migrations[v], NULL, NULL, &errmsg);

      if (rc != SQLITE_OK)
        {
          g_autofree char *detail = g_strdup_printf ("migration %d: %s", v + 1,
                                                     errmsg != NULL ? errmsg : sqlite3_errstr (rc));
          sqlite3_free (errmsg);
          set_sqlite_error (error, self->path, sqlite3_extended_errcode (self->db), detail);
          goto failed;
        }
    }

  if (version != HEYAI_STORE_SCHEMA_VERSION)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", HEYAI_STORE_SCHEMA_VERSION);

      if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          set_db_error (self, error, SQLITE_ERROR);
          goto failed;
        }
    }

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *display = NULL;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *what = NULL;

      display = g_filename_display_name (dir);
      what = g_strdup_printf (_("Could not create the folder “%s”"), display);
      heyai_set_io_error (error, saved_errno, what);
      return FALSE;
    }

  /* Create it ourselves so that it is private from the first byte. */
  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }

  if (errno == EEXIST)
    return TRUE;

  {
    int saved_errno = errno;
    g_autofree char *what = NULL;

    display = g_filename_display_name (path);
    what = g_strdup_printf (_("Could not create the library “%s”"), display);
    heyai_set_io_error (error, saved_errno, what);
  }

  return FALSE;
}

static char *
new_device_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_new (NULL);

  for (const char *p = uuid; *p != '\0' && id->len < 16; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (id, g_ascii_tolower (*p));
    }

  return g_string_free (id, FALSE);
}

static gboolean
open_database (HeyaiStore  *self,
               GError     **error)
{
  g_autofree char *device_id = NULL;
  int version = 0;
  int rc;

  if (!ensure_file (self->path, error))
    return FALSE;

  /* Nothing that writes may run before this check. */
  if (!peek_user_version (self->path, &version, error))
    return FALSE;

  if (version > HEYAI_STORE_SCHEMA_VERSION)
    {
      set_schema_too_new_error (error, version);
      return FALSE;
    }

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self, error, rc);
      return FALSE;
    }

  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      set_sqlite_error (error, self->path, SQLITE_READONLY, NULL);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  if (!exec_sql (self, "PRAGMA foreign_keys = ON", error) ||
      !exec_sql (self, "PRAGMA journal_mode = WAL", error) ||
      !exec_sql (self, "PRAGMA synchronous = NORMAL", error))
    return FALSE;

  if (!migrate (self, error))
    return FALSE;

  device_id = heyai_store_get_meta (self, "device_id");
  if (device_id == NULL || *device_id == '\0')
    {
      g_free (device_id);
      device_id = new_device_id ();
      if (!heyai_store_set_meta (self, "device_id", device_id, error))
        return FALSE;
    }

  self->hlc = heyai_hlc_new (device_id);

  /* Stamps written earlier (maybe before the clock was set back) stay older
   * than anything this session writes. */
  for (guint t = 0; t < N_TABLES; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT MAX(updated_at) FROM %s", tables[t].name);
      g_autoptr(HeyaiStmt) stmt = prepare (self, sql, error);

      if (stmt == NULL)
        return FALSE;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        heyai_hlc_observe (self->hlc, (const char *) sqlite3_column_text (stmt, 0));
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */
/* ------------------------------------------------------------------------ */

static void
heyai_store_dispose (GObject *object)
{
  HeyaiStore *self = (HeyaiStore *)object;

  for (guint t = 0; t < N_TABLES; t++)
    {
      if (self->live[t] != NULL)
        g_hash_table_remove_all (self->live[t]);
    }

  if (self->pending != NULL)
    g_ptr_array_set_size (self->pending, 0);

  G_OBJECT_CLASS (heyai_store_parent_class)->dispose (object);
}

static void
heyai_store_finalize (GObject *object)
{
  HeyaiStore *self = (HeyaiStore *)object;

  if (self->db != NULL && self->tx_depth > 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  for (guint t = 0; t < N_TABLES; t++)
    g_clear_pointer (&self->live[t], g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->tx_marks, g_array_unref);
  g_clear_pointer (&self->hlc, heyai_hlc_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (heyai_store_parent_class)->finalize (object);
}

static void
heyai_store_class_init (HeyaiStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_store_dispose;
  object_class->finalize = heyai_store_finalize;

  table_info_init (&tables[TABLE_PROJECTS], HEYAI_TYPE_PROJECT);
  table_info_init (&tables[TABLE_SCENES], HEYAI_TYPE_SCENE);
  table_info_init (&tables[TABLE_ASSETS], HEYAI_TYPE_ASSET);
  table_info_init (&tables[TABLE_JOBS], HEYAI_TYPE_JOB);

  signals[PROJECT_CHANGED] =
    g_signal_new ("project-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HEYAI_TYPE_PROJECT);
  signals[SCENES_CHANGED] =
    g_signal_new ("scenes-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[JOB_CHANGED] =
    g_signal_new ("job-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HEYAI_TYPE_JOB);
  signals[ASSET_CHANGED] =
    g_signal_new ("asset-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HEYAI_TYPE_ASSET);
}

static void
heyai_store_init (HeyaiStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            statement_free);
  for (guint t = 0; t < N_TABLES; t++)
    {
      self->live[t] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, weak_ref_free);
      self->sweep_at[t] = 64;
    }
  self->pending = g_ptr_array_new_with_free_func (pending_signal_free);
  self->tx_marks = g_array_new (FALSE, FALSE, sizeof (guint));
}

HeyaiStore *
heyai_store_new (const char  *path,
                 GError     **error)
{
  g_autoptr(HeyaiStore) self = NULL;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HEYAI_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!open_database (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
heyai_store_get_path (HeyaiStore *self)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);

  return self->path;
}

const char *
heyai_store_get_device_id (HeyaiStore *self)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);

  return heyai_hlc_get_device_id (self->hlc);
}

HeyaiHlc *
heyai_store_get_hlc (HeyaiStore *self)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);

  return self->hlc;
}

gpointer
heyai_store_get_handle (HeyaiStore *self)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);

  return self->db;
}

/* ------------------------------------------------------------------------ */
/* Generic writes                                                           */
/* ------------------------------------------------------------------------ */

typedef enum
{
  WRITE_INSERT,
  WRITE_UPDATE,
  WRITE_UPSERT,
} WriteMode;

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

static gboolean
write_object (HeyaiStore  *self,
              TableId      table,
              GObject     *object,
              WriteMode    mode,
              GError     **error)
{
  const TableInfo *ti = &tables[table];
  const char *sql;
  g_autoptr(HeyaiStmt) stmt = NULL;

  switch (mode)
    {
    case WRITE_INSERT: sql = ti->insert_sql; break;
    case WRITE_UPDATE: sql = ti->update_sql; break;
    case WRITE_UPSERT: sql = ti->upsert_sql; break;
    default: g_assert_not_reached ();
    }

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  bind_object (ti, stmt, object);

  if (!step_done (self, stmt, error))
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

static char *
stamp (HeyaiStore *self)
{
  return heyai_hlc_now (self->hlc);
}

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
      if (!query_int (self, "SELECT COALESCE(MAX(number), 0) + 1 FROM projects", &number, error))
        goto failed;
      heyai_project_set_number (project, number);
    }

  if (heyai_project_get_created_at (project) <= 0)
    heyai_project_set_created_at (project, g_get_real_time ());

  now = stamp (self);
  heyai_project_set_updated_at (project, now);
  heyai_project_set_deleted (project, FALSE);

  if (!write_object (self, TABLE_PROJECTS, G_OBJECT (project), WRITE_INSERT, error))
    goto failed;

  queue_signal (self, PROJECT_CHANGED, project, NULL);

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

  now = stamp (self);
  heyai_project_set_updated_at (project, now);

  if (!write_object (self, TABLE_PROJECTS, G_OBJECT (project), WRITE_UPDATE, error))
    return FALSE;

  queue_signal (self, PROJECT_CHANGED, project, NULL);

  return TRUE;
}

/* Tombstones the live rows of @table with @column = @value and marks their
 * live objects deleted (only "deleted" and "updated-at" change in memory, so
 * unsaved edits of those objects are not overwritten). */
static gboolean
tombstone_where (HeyaiStore  *self,
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
                            tables[table].name, column);
  {
    g_autoptr(HeyaiStmt) stmt = prepare (self, select, error);
    int rc;

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, value);
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    if (rc != SQLITE_DONE)
      {
        set_db_error (self, error, rc);
        return FALSE;
      }
  }

  update = g_strdup_printf ("UPDATE %s SET deleted = 1, updated_at = ?2 WHERE %s = ?1 AND deleted = 0",
                            tables[table].name, column);
  {
    g_autoptr(HeyaiStmt) stmt = prepare (self, update, error);

    if (stmt == NULL)
      return FALSE;
    bind_text (stmt, 1, value);
    bind_text (stmt, 2, now);
    if (!step_done (self, stmt, error))
      return FALSE;
  }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GObject) object = live_lookup (self, table, g_ptr_array_index (ids, i));

      if (object != NULL)
        g_object_set (object, "deleted", TRUE, "updated-at", now, NULL);
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

  now = stamp (self);

  if (!tombstone_where (self, TABLE_SCENES, "project_id", id, now, error) ||
      !tombstone_where (self, TABLE_ASSETS, "project_id", id, now, error) ||
      !tombstone_where (self, TABLE_JOBS, "project_id", id, now, error))
    goto failed;

  heyai_project_set_deleted (project, TRUE);
  heyai_project_set_updated_at (project, now);

  if (!write_object (self, TABLE_PROJECTS, G_OBJECT (project), WRITE_UPDATE, error))
    goto failed;

  queue_signal (self, SCENES_CHANGED, NULL, id);
  queue_signal (self, PROJECT_CHANGED, project, NULL);

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
  g_autofree char *sql = select_sql (TABLE_PROJECTS, tail);
  g_autoptr(HeyaiStmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;

  if (text != NULL)
    {
      bind_text (stmt, 1, text);
      sqlite3_bind_int (stmt, 2, (int) strlen (text));
    }
  else
    sqlite3_bind_int64 (stmt, 1, number);

  return load_objects (self, TABLE_PROJECTS, stmt, error);
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

  sql = select_sql (TABLE_PROJECTS, "WHERE deleted = 0 ORDER BY updated_at DESC");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  return load_objects (self, TABLE_PROJECTS, stmt, error);
}

/* ------------------------------------------------------------------------ */
/* Scenes                                                                   */
/* ------------------------------------------------------------------------ */

GPtrArray *
heyai_store_list_scenes (HeyaiStore  *self,
                         const char  *project_id,
                         GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = select_sql (TABLE_SCENES,
                    "WHERE project_id = ?1 AND deleted = 0 ORDER BY position, created_at, id");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, project_id);

  return load_objects (self, TABLE_SCENES, stmt, error);
}

HeyaiScene *
heyai_store_get_scene (HeyaiStore  *self,
                       const char  *scene_id,
                       GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HeyaiScene *scene;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (scene_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = select_sql (TABLE_SCENES, "WHERE id = ?1 AND deleted = 0");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, scene_id);

  scene = load_one (self, TABLE_SCENES, stmt, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (scene == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                 _("This scene no longer exists (it may have been deleted)."));

  return scene;
}

HeyaiScene *
heyai_store_get_scene_at (HeyaiStore  *self,
                          const char  *project_id,
                          int          position,
                          GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HeyaiScene *scene;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = select_sql (TABLE_SCENES,
                    "WHERE project_id = ?1 AND position = ?2 AND deleted = 0 "
                    "ORDER BY created_at, id LIMIT 1");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, project_id);
  sqlite3_bind_int (stmt, 2, position);

  scene = load_one (self, TABLE_SCENES, stmt, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (scene == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                 _("This project has no scene %d. Run “heyai show” to see its scenes."), position);

  return scene;
}

static void
prepare_new_scene (HeyaiScene *scene,
                   const char *project_id,
                   const char *now)
{
  if (heyai_scene_get_id (scene) == NULL)
    {
      g_autofree char *id = heyai_uuid_new ();
      heyai_scene_set_id (scene, id);
    }
  if (project_id != NULL)
    heyai_scene_set_project_id (scene, project_id);
  if (heyai_scene_get_created_at (scene) <= 0)
    heyai_scene_set_created_at (scene, g_get_real_time ());
  heyai_scene_set_updated_at (scene, now);
  heyai_scene_set_deleted (scene, FALSE);
}

gboolean
heyai_store_replace_scenes (HeyaiStore  *self,
                            const char  *project_id,
                            GPtrArray   *scenes,
                            GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (project_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    g_return_val_if_fail (HEYAI_IS_SCENE (g_ptr_array_index (scenes, i)), FALSE);

  /* @project_id may be owned by one of the objects we are about to change. */
  pid = g_strdup (project_id);

  if (!heyai_store_begin (self, error))
    return FALSE;

  now = stamp (self);

  if (!tombstone_where (self, TABLE_SCENES, "project_id", pid, now, error))
    goto failed;

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);

      prepare_new_scene (scene, pid, now);
      heyai_scene_set_position (scene, (int) i + 1);

      /* An upsert, so a scene kept from the old list keeps its id and takes. */
      if (!write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_UPSERT, error))
        goto failed;
    }

  queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

typedef struct
{
  char *id;
  int   position;
} SceneSlot;

static void
scene_slot_free (gpointer data)
{
  SceneSlot *slot = data;

  if (slot == NULL)
    return;

  g_free (slot->id);
  g_free (slot);
}

/* The live scenes of @project_id in order, read without touching the model
 * objects (their unsaved edits survive a renumbering). */
static GPtrArray *
scene_slots (HeyaiStore  *self,
             const char  *project_id,
             GError     **error)
{
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func (scene_slot_free);
  g_autoptr(HeyaiStmt) stmt = NULL;
  int rc;

  stmt = prepare (self,
                  "SELECT id, position FROM scenes WHERE project_id = ?1 AND deleted = 0 "
                  "ORDER BY position, created_at, id", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, project_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SceneSlot *slot = g_new0 (SceneSlot, 1);

      slot->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      slot->position = sqlite3_column_int (stmt, 1);
      g_ptr_array_add (slots, slot);
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, rc);
      return NULL;
    }

  return g_steal_pointer (&slots);
}

/* Gives the slots positions 1..n in array order (a NULL slot keeps its
 * number free), writing only the scenes that moved. */
static gboolean
renumber_scenes (HeyaiStore  *self,
                 GPtrArray   *slots,
                 const char  *now,
                 GError     **error)
{
  for (guint i = 0; i < slots->len; i++)
    {
      SceneSlot *slot = g_ptr_array_index (slots, i);
      g_autoptr(HeyaiStmt) stmt = NULL;
      g_autoptr(GObject) live = NULL;
      int position = (int) i + 1;

      if (slot == NULL || slot->position == position)
        continue;

      stmt = prepare (self, "UPDATE scenes SET position = ?2, updated_at = ?3 WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, slot->id);
      sqlite3_bind_int (stmt, 2, position);
      bind_text (stmt, 3, now);
      if (!step_done (self, stmt, error))
        return FALSE;

      slot->position = position;

      live = live_lookup (self, TABLE_SCENES, slot->id);
      if (live != NULL)
        {
          heyai_scene_set_position (HEYAI_SCENE (live), position);
          heyai_scene_set_updated_at (HEYAI_SCENE (live), now);
        }
    }

  return TRUE;
}

gboolean
heyai_store_insert_scene (HeyaiStore  *self,
                          HeyaiScene  *scene,
                          GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  int position;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_project_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pid = g_strdup (heyai_scene_get_project_id (scene));

  if (!heyai_store_begin (self, error))
    return FALSE;

  slots = scene_slots (self, pid, error);
  if (slots == NULL)
    goto failed;

  /* Position 0 (or past the end) appends; otherwise the scenes from that
   * position on move down one. */
  position = heyai_scene_get_position (scene);
  if (position <= 0 || position > (int) slots->len + 1)
    position = (int) slots->len + 1;

  now = stamp (self);

  g_ptr_array_insert (slots, position - 1, NULL);
  if (!renumber_scenes (self, slots, now, error))
    goto failed;

  prepare_new_scene (scene, NULL, now);
  heyai_scene_set_position (scene, position);

  if (!write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_INSERT, error))
    goto failed;

  queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

gboolean
heyai_store_update_scene (HeyaiStore  *self,
                          HeyaiScene  *scene,
                          GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = stamp (self);
  heyai_scene_set_updated_at (scene, now);

  if (!write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_UPDATE, error))
    return FALSE;

  queue_signal (self, SCENES_CHANGED, NULL, heyai_scene_get_project_id (scene));

  return TRUE;
}

gboolean
heyai_store_delete_scene (HeyaiStore  *self,
                          HeyaiScene  *scene,
                          GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;
  g_autoptr(GPtrArray) rest = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_id (scene) != NULL, FALSE);
  g_return_val_if_fail (heyai_scene_get_project_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pid = g_strdup (heyai_scene_get_project_id (scene));

  if (!heyai_store_begin (self, error))
    return FALSE;

  now = stamp (self);
  heyai_scene_set_deleted (scene, TRUE);
  heyai_scene_set_updated_at (scene, now);

  if (!write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_UPDATE, error))
    goto failed;

  /* Close the gap. */
  rest = scene_slots (self, pid, error);
  if (rest == NULL || !renumber_scenes (self, rest, now, error))
    goto failed;

  queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

gboolean
heyai_store_move_scene (HeyaiStore  *self,
                        HeyaiScene  *scene,
                        int          position,
                        GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  SceneSlot *moving = NULL;
  guint index;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_id (scene) != NULL, FALSE);
  g_return_val_if_fail (heyai_scene_get_project_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pid = g_strdup (heyai_scene_get_project_id (scene));

  if (!heyai_store_begin (self, error))
    return FALSE;

  slots = scene_slots (self, pid, error);
  if (slots == NULL)
    goto failed;

  for (index = 0; index < slots->len; index++)
    {
      SceneSlot *slot = g_ptr_array_index (slots, index);

      if (g_strcmp0 (slot->id, heyai_scene_get_id (scene)) == 0)
        break;
    }

  if (index == slots->len)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("This scene no longer exists (it may have been deleted)."));
      goto failed;
    }

  moving = g_ptr_array_steal_index (slots, index);
  position = CLAMP (position, 1, (int) slots->len + 1);
  g_ptr_array_insert (slots, position - 1, moving);

  now = stamp (self);
  if (!renumber_scenes (self, slots, now, error))
    goto failed;

  /* @scene may be a detached copy of the live object. */
  if (heyai_scene_get_position (scene) != position)
    {
      heyai_scene_set_position (scene, position);
      heyai_scene_set_updated_at (scene, now);
    }

  queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Assets                                                                   */
/* ------------------------------------------------------------------------ */

/* Fills a missing project id from the scene row. */
static gboolean
project_of_scene (HeyaiStore  *self,
                  const char  *scene_id,
                  char       **project_id,
                  GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  int rc;

  stmt = prepare (self, "SELECT project_id FROM scenes WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, scene_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *project_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("This scene no longer exists (it may have been deleted)."));
      return FALSE;
    }

  set_db_error (self, error, rc);
  return FALSE;
}

gboolean
heyai_store_insert_asset (HeyaiStore  *self,
                          HeyaiAsset  *asset,
                          GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_ASSET (asset), FALSE);
  g_return_val_if_fail (heyai_asset_get_project_id (asset) != NULL ||
                        heyai_asset_get_scene_id (asset) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!heyai_store_begin (self, error))
    return FALSE;

  if (heyai_asset_get_project_id (asset) == NULL)
    {
      g_autofree char *pid = NULL;

      if (!project_of_scene (self, heyai_asset_get_scene_id (asset), &pid, error))
        goto failed;
      heyai_asset_set_project_id (asset, pid);
    }

  if (heyai_asset_get_id (asset) == NULL)
    {
      g_autofree char *id = heyai_uuid_new ();
      heyai_asset_set_id (asset, id);
    }

  if (heyai_asset_get_take (asset) <= 0 && heyai_asset_get_scene_id (asset) != NULL)
    heyai_asset_set_take (asset, heyai_store_max_take (self, heyai_asset_get_scene_id (asset),
                                                       heyai_asset_get_kind (asset)) + 1);

  if (heyai_asset_get_created_at (asset) <= 0)
    heyai_asset_set_created_at (asset, g_get_real_time ());

  now = stamp (self);
  heyai_asset_set_updated_at (asset, now);
  heyai_asset_set_deleted (asset, FALSE);

  if (!write_object (self, TABLE_ASSETS, G_OBJECT (asset), WRITE_INSERT, error))
    goto failed;

  queue_signal (self, ASSET_CHANGED, asset, NULL);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

gboolean
heyai_store_update_asset (HeyaiStore  *self,
                          HeyaiAsset  *asset,
                          GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_ASSET (asset), FALSE);
  g_return_val_if_fail (heyai_asset_get_id (asset) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = stamp (self);
  heyai_asset_set_updated_at (asset, now);

  if (!write_object (self, TABLE_ASSETS, G_OBJECT (asset), WRITE_UPDATE, error))
    return FALSE;

  queue_signal (self, ASSET_CHANGED, asset, NULL);

  return TRUE;
}

GPtrArray *
heyai_store_list_assets (HeyaiStore      *self,
                         const char      *scene_id,
                         HeyaiAssetKind   kind,
                         GError         **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (scene_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = select_sql (TABLE_ASSETS,
                    "WHERE scene_id = ?1 AND kind = ?2 AND deleted = 0 ORDER BY take, created_at");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, scene_id);
  bind_text (stmt, 2, heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, kind));

  return load_objects (self, TABLE_ASSETS, stmt, error);
}

GPtrArray *
heyai_store_list_project_assets (HeyaiStore  *self,
                                 const char  *project_id,
                                 GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = select_sql (TABLE_ASSETS,
                    "WHERE project_id = ?1 AND deleted = 0 ORDER BY created_at, take, id");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, project_id);

  return load_objects (self, TABLE_ASSETS, stmt, error);
}

HeyaiAsset *
heyai_store_get_asset (HeyaiStore      *self,
                       const char      *scene_id,
                       HeyaiAssetKind   kind,
                       int              take,
                       GError         **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (scene_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = select_sql (TABLE_ASSETS,
                    "WHERE scene_id = ?1 AND kind = ?2 AND take = ?3 AND deleted = 0 "
                    "ORDER BY updated_at DESC LIMIT 1");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, scene_id);
  bind_text (stmt, 2, heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, kind));
  sqlite3_bind_int (stmt, 3, take);

  return load_one (self, TABLE_ASSETS, stmt, error);
}

int
heyai_store_max_take (HeyaiStore     *self,
                      const char     *scene_id,
                      HeyaiAssetKind  kind)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int take = 0;

  g_return_val_if_fail (HEYAI_IS_STORE (self), 0);
  g_return_val_if_fail (scene_id != NULL, 0);

  /* Tombstoned takes count: a take number (and its file name) is never reused. */
  stmt = prepare (self, "SELECT COALESCE(MAX(take), 0) FROM assets WHERE scene_id = ?1 AND kind = ?2",
                  &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  bind_text (stmt, 1, scene_id);
  bind_text (stmt, 2, heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, kind));

  if (sqlite3_step (stmt) == SQLITE_ROW)
    take = sqlite3_column_int (stmt, 0);

  return take;
}

/* ------------------------------------------------------------------------ */
/* Jobs                                                                     */
/* ------------------------------------------------------------------------ */

gboolean
heyai_store_insert_job (HeyaiStore  *self,
                        HeyaiJob    *job,
                        GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_JOB (job), FALSE);
  g_return_val_if_fail (heyai_job_get_project_id (job) != NULL ||
                        heyai_job_get_scene_id (job) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (heyai_job_get_project_id (job) == NULL)
    {
      g_autofree char *pid = NULL;

      if (!project_of_scene (self, heyai_job_get_scene_id (job), &pid, error))
        return FALSE;
      heyai_job_set_project_id (job, pid);
    }

  if (heyai_job_get_id (job) == NULL)
    {
      g_autofree char *id = heyai_uuid_new ();
      heyai_job_set_id (job, id);
    }

  /* Stable across retries and restarts: derived from the job row. */
  if (heyai_job_get_idempotency_key (job) == NULL)
    heyai_job_set_idempotency_key (job, heyai_job_get_id (job));

  if (heyai_job_get_created_at (job) <= 0)
    heyai_job_set_created_at (job, g_get_real_time ());

  now = stamp (self);
  heyai_job_set_updated_at (job, now);
  heyai_job_set_deleted (job, FALSE);

  if (!write_object (self, TABLE_JOBS, G_OBJECT (job), WRITE_INSERT, error))
    return FALSE;

  queue_signal (self, JOB_CHANGED, job, NULL);

  return TRUE;
}

gboolean
heyai_store_update_job (HeyaiStore  *self,
                        HeyaiJob    *job,
                        GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_JOB (job), FALSE);
  g_return_val_if_fail (heyai_job_get_id (job) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = stamp (self);
  heyai_job_set_updated_at (job, now);

  if (!write_object (self, TABLE_JOBS, G_OBJECT (job), WRITE_UPDATE, error))
    return FALSE;

  queue_signal (self, JOB_CHANGED, job, NULL);

  return TRUE;
}

HeyaiJob *
heyai_store_get_job (HeyaiStore  *self,
                     const char  *job_id,
                     GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HeyaiJob *job;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = select_sql (TABLE_JOBS, "WHERE id = ?1 AND deleted = 0");
  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, job_id);

  job = load_one (self, TABLE_JOBS, stmt, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (job == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                 _("This job no longer exists (it may have been deleted)."));

  return job;
}

GPtrArray *
heyai_store_list_jobs (HeyaiStore  *self,
                       const char  *project_id,
                       gboolean     unfinished_only,
                       GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (unfinished_only)
    sql = select_sql (TABLE_JOBS,
                      "WHERE project_id = ?1 AND deleted = 0 "
                      "AND state NOT IN ('done', 'failed', 'cancelled') "
                      "ORDER BY created_at, rowid");
  else
    sql = select_sql (TABLE_JOBS,
                      "WHERE project_id = ?1 AND deleted = 0 ORDER BY created_at, rowid");

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, project_id);

  return load_objects (self, TABLE_JOBS, stmt, error);
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
  const TableInfo *ti = &tables[table];
  guint stamp_col = column_index (ti, "updated_at");
  g_autoptr(GPtrArray) live = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sql = select_sql (table, "WHERE id = ?1");
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
        g_autoptr(HeyaiStmt) stmt = prepare (self, sql, error);

        if (stmt == NULL)
          return FALSE;
        bind_text (stmt, 1, object_id (object));
        rc = sqlite3_step (stmt);
        if (rc == SQLITE_ROW)
          row = read_row (ti, stmt);
        else if (rc != SQLITE_DONE)
          {
            set_db_error (self, error, rc);
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
        queue_signal (self, PROJECT_CHANGED, object, NULL);
      else if (HEYAI_IS_JOB (object))
        queue_signal (self, JOB_CHANGED, object, NULL);
      else if (HEYAI_IS_ASSET (object))
        queue_signal (self, ASSET_CHANGED, object, NULL);
      else if (HEYAI_IS_SCENE (object) && heyai_scene_get_project_id (HEYAI_SCENE (object)) != NULL)
        g_hash_table_add (scene_projects, g_strdup (heyai_scene_get_project_id (HEYAI_SCENE (object))));
    }

  g_hash_table_iter_init (&iter, scene_projects);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    queue_signal (self, SCENES_CHANGED, NULL, key);

  if (n_changed != NULL)
    *n_changed = changed->len;

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Meta and maintenance                                                     */
/* ------------------------------------------------------------------------ */

char *
heyai_store_get_meta (HeyaiStore *self,
                      const char *key)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);

  if (sqlite3_step (stmt) == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  return NULL;
}

gboolean
heyai_store_set_meta (HeyaiStore  *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (value == NULL)
    stmt = prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = prepare (self,
                    "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, key);
  if (value != NULL)
    bind_text (stmt, 2, value);

  return step_done (self, stmt, error);
}

gboolean
heyai_store_check_integrity (HeyaiStore  *self,
                             GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stmt = prepare (self, "PRAGMA integrity_check", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") == 0)
        continue;
      if (problems->len > 0)
        g_string_append (problems, "; ");
      g_string_append (problems, line != NULL ? line : "?");
    }

  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, rc);
      return FALSE;
    }

  if (problems->len > 0)
    {
      g_autofree char *display = g_filename_display_name (self->path);

      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("The library “%s” is damaged (%s). Restore it from a backup or sync it again."),
                   display, problems->str);
      return FALSE;
    }

  return TRUE;
}
