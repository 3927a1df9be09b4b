/* heyai-store.c: the SQLite database.
 *
 * Every model table is described by a TableInfo: the object type and the
 * list of stored properties.  A property "foo-bar" is the column "foo_bar";
 * strings are TEXT, numbers INTEGER/REAL, booleans 0/1 and enums their nick
 * as TEXT (the same strings as the JSON and the CLI).  Reading, writing and
 * the identity map are generic over that description.
 *
 * This file holds the object, opening, errors, deferred signals,
 * transactions and meta; the schema, the row mapping and each table's
 * functions are in the sibling heyai-store-*.c files, which share
 * heyai-store-private.h.
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

static void start_checkpointer (HeyaiStore *self);
static int  busy_cb            (void *data, int n_calls);


/* ------------------------------------------------------------------------ */
/* The object                                                               */
/* ------------------------------------------------------------------------ */

typedef struct
{
  guint    signal_id;
  GObject *object;      /* owned, or NULL */
  char    *project_id;  /* owned, or NULL */
} PendingSignal;

G_DEFINE_FINAL_TYPE (HeyaiStore, heyai_store, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

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

void
_heyai_store_set_sqlite_error (GError     **error,
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

void
_heyai_store_set_db_error (HeyaiStore  *self,
                           GError     **error,
                           int          rc)
{
  const char *detail = NULL;

  if (self->db != NULL)
    {
      rc = sqlite3_extended_errcode (self->db) != SQLITE_OK ? sqlite3_extended_errcode (self->db) : rc;
      detail = sqlite3_errmsg (self->db);
    }

  /* A damaged library opened read-only refuses every write (query_only):
   * say why, and what to do. */
  if (self->read_only && (rc & 0xff) == SQLITE_READONLY)
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION, self->read_only_reason);
      return;
    }

  _heyai_store_set_sqlite_error (error, self->path, rc, detail);
}

/* ------------------------------------------------------------------------ */
/* Signals, deferred while a transaction is open                            */
/* ------------------------------------------------------------------------ */

static void
emit_pending (HeyaiStore    *self,
              PendingSignal *ps)
{
  if (ps->signal_id == signals[SCENES_CHANGED] || ps->signal_id == signals[BIBLE_CHANGED])
    g_signal_emit (self, ps->signal_id, 0, ps->project_id);
  else
    g_signal_emit (self, ps->signal_id, 0, ps->object);
}

void
_heyai_store_queue_signal (HeyaiStore *self,
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

  if (!heyai_store_check_writable (self, error))
    return FALSE;

  /* IMMEDIATE takes the write lock now (waiting up to busy_timeout), so a
   * transaction never fails half-way because another process writes. */
  if (self->tx_depth == 0)
    sql = g_strdup ("BEGIN IMMEDIATE");
  else
    sql = g_strdup_printf ("SAVEPOINT heyai_sp%u", self->tx_depth);

  if (!_heyai_store_exec_sql (self, sql, error))
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
      if (!_heyai_store_exec_sql (self, "COMMIT", error))
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

      if (!_heyai_store_exec_sql (self, sql, error))
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
      if (!sqlite3_get_autocommit (self->db) && !_heyai_store_exec_sql (self, "ROLLBACK", &error))
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

/* PRAGMA quick_check: NULL when the file is intact, else what is wrong
 * (SQLite's first lines). */
/* The problems PRAGMA quick_check reports, NULL when the library is sound.
 * A library that is only busy (another process holds the lock beyond the
 * busy timeout) is not damaged: *@busy_rc says so and nothing is returned. */
static char *
quick_check (sqlite3 *db,
             int     *busy_rc)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;
  guint lines = 0;

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(5)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *line = (const char *) sqlite3_column_text (stmt, 0);

          if (g_strcmp0 (line, "ok") == 0)
            continue;
          if (lines++ > 0)
            g_string_append (problems, "; ");
          g_string_append (problems, line != NULL ? line : "?");
        }
    }
  *busy_rc = SQLITE_OK;
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    {
      *busy_rc = rc;
      sqlite3_finalize (stmt);
      return NULL;
    }
  if (rc != SQLITE_DONE && rc != SQLITE_OK && problems->len == 0)
    g_string_append (problems, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);

  return problems->len > 0 ? g_string_free (g_steal_pointer (&problems), FALSE) : NULL;
}

/* A library that fails quick_check is opened read-only: listing, showing
 * and exporting still work, nothing writes into the damaged file (not even
 * a checkpoint on close). */
static void
enter_read_only (HeyaiStore *self,
                 const char *problems)
{
  g_autofree char *display = g_filename_display_name (self->path);

  g_debug ("Library %s failed quick_check: %s", self->path, problems);

  self->read_only = TRUE;
  self->read_only_reason =
    g_strdup_printf (_("The library “%s” is damaged; it was opened read-only. You can still list, "
                       "show and export your projects, but nothing can be changed. Export what you "
                       "need, then restore the library from a backup or sync it again from another "
                       "computer."), display);

  sqlite3_exec (self->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
}

static gboolean
open_database (HeyaiStore  *self,
               GError     **error)
{
  g_autofree char *problems = NULL;
  int busy_rc = SQLITE_OK;
  g_autofree char *device_id = NULL;
  int version = 0;
  int rc;

  if (!ensure_file (self->path, error))
    return FALSE;

  /* Nothing that writes may run before this check. */
  if (!_heyai_store_peek_user_version (self->path, &version, error))
    return FALSE;

  if (version > HEYAI_STORE_SCHEMA_VERSION)
    {
      _heyai_store_set_schema_too_new_error (error, version);
      return FALSE;
    }

  rc = sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      _heyai_store_set_db_error (self, error, rc);
      return FALSE;
    }

  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      _heyai_store_set_sqlite_error (error, self->path, SQLITE_READONLY, NULL);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_handler (self->db, busy_cb, self);

  /* Before anything that may write (journal mode, migrations). */
  problems = quick_check (self->db, &busy_rc);
  if (busy_rc != SQLITE_OK)
    {
      _heyai_store_set_db_error (self, error, busy_rc);
      return FALSE;
    }
  if (problems != NULL)
    enter_read_only (self, problems);

  if (!_heyai_store_exec_sql (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (!self->read_only)
    {
      if (!_heyai_store_exec_sql (self, "PRAGMA journal_mode = WAL", error) ||
          !_heyai_store_exec_sql (self, "PRAGMA synchronous = NORMAL", error))
        return FALSE;
      start_checkpointer (self);

      if (!_heyai_store_migrate (self, error))
        return FALSE;
    }

  device_id = heyai_store_get_meta (self, "device_id");
  if ((device_id == NULL || *device_id == '\0') && self->read_only)
    {
      g_free (device_id);
      device_id = new_device_id ();  /* for this session only */
    }
  else if (device_id == NULL || *device_id == '\0')
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
      g_autofree char *sql = g_strdup_printf ("SELECT MAX(updated_at) FROM %s", _heyai_store_tables[t].name);
      g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, sql, error);

      if (stmt == NULL && self->read_only)
        {
          g_clear_error (error);
          continue;
        }
      if (stmt == NULL)
        return FALSE;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        heyai_hlc_observe (self->hlc, (const char *) sqlite3_column_text (stmt, 0));
    }

  return TRUE;
}

/* Waits for another connection's lock (the CLI, a sync worker, the
 * checkpoint thread) in steps of 0.25 ms, then 1 ms, up to
 * HEYAI_STORE_BUSY_TIMEOUT_MS.
 * SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20, 25… ms in turn, so a
 * lock held for a few milliseconds kept the window's main thread asleep for
 * up to 27 ms (bench-ui). */
static int
busy_cb (void *data,
         int   n_calls)
{
  HeyaiStore *self = data;
  gint64 now = g_get_monotonic_time ();

  if (n_calls == 0)
    self->busy_since = now;
  if (now - self->busy_since >= HEYAI_STORE_BUSY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND)
    return 0;
  g_usleep (n_calls < 20 ? 250 : 1000);
  return 1;
}

/* ------------------------------------------------------------------------ */
/* WAL checkpoints                                                          */
/* ------------------------------------------------------------------------ */

/* SQLite's auto-checkpoint runs inside the commit that crosses 1000 WAL
 * pages, on the committing thread: the window's main thread, which then
 * waited for the checkpoint's writes and fsyncs (bench-ui: a 186 ms stall,
 * asleep, when a batch ran after a large project had been written).  So the
 * store's connection never checkpoints; its WAL hook starts a thread that
 * checkpoints through a connection of its own, PASSIVE (it waits for no
 * reader or writer, and a busy checkpoint is simply tried at the next
 * threshold).  The last connection to close still checkpoints as SQLite
 * always does. */

typedef struct _HeyaiCheckpointer
{
  char *path;
  gint  in_flight;   /* atomic: a checkpoint thread is running */
} HeyaiCheckpointer;

static guint checkpoints_done;   /* atomic */

guint
_heyai_store_checkpoints_done (void)
{
  return (guint) g_atomic_int_get (&checkpoints_done);
}

static void
checkpointer_clear (HeyaiCheckpointer *c)
{
  g_free (c->path);
}

static void
checkpoint (HeyaiCheckpointer *c)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);

  /* A connection that has read nothing has not opened the WAL yet, and its
   * checkpoint does nothing: read the schema first. */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    g_debug ("WAL checkpoint of %s: %s", c->path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  sqlite3_close_v2 (db);
}

static gpointer
checkpoint_thread (gpointer data)
{
  HeyaiCheckpointer *c = data;

  checkpoint (c);
  g_atomic_int_inc (&checkpoints_done);
  g_atomic_int_set (&c->in_flight, 0);
  g_atomic_rc_box_release_full (c, (GDestroyNotify) checkpointer_clear);   /* the thread's reference */
  return NULL;
}

static int
wal_hook_cb (void       *data,
             sqlite3    *db,
             const char *name,
             int         n_pages)
{
  HeyaiCheckpointer *c = data;
  GThread *thread;

  if (n_pages < HEYAI_STORE_CHECKPOINT_PAGES || !g_atomic_int_compare_and_exchange (&c->in_flight, 0, 1))
    return SQLITE_OK;
  thread = g_thread_try_new ("heyai-checkpoint", checkpoint_thread, g_atomic_rc_box_acquire (c), NULL);
  if (thread != NULL)
    {
      g_thread_unref (thread);
      return SQLITE_OK;
    }
  /* No thread to be had: checkpoint here, as SQLite would have, then drop
   * the reference the thread would have held. */
  checkpoint (c);
  g_atomic_int_set (&c->in_flight, 0);
  g_atomic_rc_box_release_full (c, (GDestroyNotify) checkpointer_clear);
  return SQLITE_OK;
}

static void
start_checkpointer (HeyaiStore *self)
{
  g_assert (self->checkpointer == NULL);
  self->checkpointer = g_atomic_rc_box_new0 (HeyaiCheckpointer);
  self->checkpointer->path = g_strdup (self->path);
  /* Replaces SQLite's auto-checkpoint, which is a WAL hook too. */
  sqlite3_wal_hook (self->db, wal_hook_cb, self->checkpointer);
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
  if (self->db != NULL)
    sqlite3_wal_hook (self->db, NULL, NULL);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  if (self->checkpointer != NULL)
    g_atomic_rc_box_release_full (g_steal_pointer (&self->checkpointer), (GDestroyNotify) checkpointer_clear);
  for (guint t = 0; t < N_TABLES; t++)
    g_clear_pointer (&self->live[t], g_hash_table_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->tx_marks, g_array_unref);
  g_clear_pointer (&self->hlc, heyai_hlc_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->read_only_reason, g_free);

  G_OBJECT_CLASS (heyai_store_parent_class)->finalize (object);
}

enum
{
  PROP_0,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
heyai_store_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HeyaiStore *self = HEYAI_STORE (object);

  switch (prop_id)
    {
    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_store_class_init (HeyaiStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_store_dispose;
  object_class->finalize = heyai_store_finalize;
  object_class->get_property = heyai_store_get_property;

  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _heyai_store_table_info_init (&_heyai_store_tables[TABLE_PROJECTS], HEYAI_TYPE_PROJECT);
  _heyai_store_table_info_init (&_heyai_store_tables[TABLE_SCENES], HEYAI_TYPE_SCENE);
  _heyai_store_table_info_init (&_heyai_store_tables[TABLE_ASSETS], HEYAI_TYPE_ASSET);
  _heyai_store_table_info_init (&_heyai_store_tables[TABLE_JOBS], HEYAI_TYPE_JOB);

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
  signals[BIBLE_CHANGED] =
    g_signal_new ("bible-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
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

gboolean
heyai_store_get_read_only (HeyaiStore *self)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);

  return self->read_only;
}

const char *
heyai_store_get_read_only_reason (HeyaiStore *self)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);

  return self->read_only_reason;
}

gboolean
heyai_store_check_writable (HeyaiStore  *self,
                            GError     **error)
{
  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!self->read_only)
    return TRUE;

  g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION, self->read_only_reason);
  return FALSE;
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
/* Meta and maintenance                                                     */
/* ------------------------------------------------------------------------ */

char *
heyai_store_get_meta (HeyaiStore *self,
                      const char *key)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _heyai_store_prepare (self, "SELECT value FROM meta WHERE key = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, key);

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
    stmt = _heyai_store_prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = _heyai_store_prepare (self,
                                 "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;

  _heyai_store_bind_text (stmt, 1, key);
  if (value != NULL)
    _heyai_store_bind_text (stmt, 2, value);

  return _heyai_store_step_done (self, stmt, error);
}

gboolean
heyai_store_changed_elsewhere (HeyaiStore *self)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  gint64 version;
  gboolean changed;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);

  /* data_version moves only for commits of other connections. */
  stmt = _heyai_store_prepare (self, "PRAGMA data_version", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  version = sqlite3_column_int64 (stmt, 0);
  changed = self->data_version != 0 && version != self->data_version;
  self->data_version = version;
  return changed;
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

  stmt = _heyai_store_prepare (self, "PRAGMA integrity_check", error);
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
      _heyai_store_set_db_error (self, error, rc);
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
