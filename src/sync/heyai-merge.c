/* heyai-merge.c: snapshots and row-by-row merges (see heyai-merge.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heyai-error.h"
#include "heyai-merge.h"
#include "heyai-store.h"
#include "heyai-util.h"

#define MERGE_BUSY_TIMEOUT_MS 10000

/* The merge writes in short transactions so that the window and a running
 * batch (the store's own connection) never wait long for the write lock:
 * a chunk ends after this many rows or this much time, whichever first. */
#define MERGE_CHUNK_ROWS 200
#define MERGE_CHUNK_USEC (20 * 1000)
#define MERGE_PAUSE_EXTRA_USEC (3 * 1000)
#define MERGE_PAUSE_MAX_USEC (100 * 1000)

static HeyaiMergeChunkFunc chunk_hook;
static gpointer chunk_hook_data;

void
heyai_merge_set_chunk_hook (HeyaiMergeChunkFunc func,
                            gpointer            user_data)
{
  chunk_hook = func;
  chunk_hook_data = user_data;
}

const char * const heyai_merge_tables[] = {
  "projects", "scenes", "assets", "jobs", "conflicts",
  "bible_entries", "bible_images", "bible_files", "scene_cast", "scene_continuity", NULL
};

typedef enum
{
  POLICY_FIELDS,   /* three-way, field by field, conflicts recorded */
  POLICY_JOBS,     /* finished jobs only, last writer wins */
  POLICY_LWW,      /* last writer wins */
} Policy;

static Policy
table_policy (const char *table)
{
  if (g_str_equal (table, "jobs"))
    return POLICY_JOBS;
  if (g_str_equal (table, "conflicts"))
    return POLICY_LWW;
  /* Content-addressed bytes (id = sha256): never edited. */
  if (g_str_equal (table, "bible_files"))
    return POLICY_LWW;
  return POLICY_FIELDS;
}

/* Columns that belong to this computer only. */
static gboolean
is_local_only (const char *table,
               const char *column)
{
  return (g_str_equal (table, "assets") && g_str_equal (column, "local_path")) ||
         (g_str_equal (table, "jobs") && g_str_equal (column, "upload_session"));
}

/* Columns never compared field by field. */
static gboolean
is_bookkeeping (const char *column)
{
  return g_str_equal (column, "id") || g_str_equal (column, "updated_at") ||
         g_str_equal (column, "created_at");
}

void
heyai_merge_failpoint (const char *name)
{
  const char *point = g_getenv ("HEYAI_SYNC_FAILPOINT");

  if (point != NULL && g_strcmp0 (point, name) == 0)
    _exit (77);
}

/* ------------------------------------------------------------------------ */
/* Errors and small helpers                                                 */
/* ------------------------------------------------------------------------ */

static void
set_db_error (GError     **error,
              sqlite3     *db,
              int          rc)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE,
                   _("Could not sync: the disk is full. Free some space and sync again."));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("Could not sync: the library is busy (another HeyAI Studio process is "
                     "writing to it). Sync again in a moment."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("Could not sync: a library file is damaged (%s)."), detail);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                   _("Could not sync: the library or its folder cannot be written (%s)."), detail);
      break;
    default:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("Could not sync the library: %s"), detail);
      break;
    }
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_db_error (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_db_error (error, db, rc);
      return NULL;
    }
  return stmt;
}

typedef sqlite3_stmt MergeStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MergeStmt, sqlite3_finalize)

static char *
dup_column_text (sqlite3_stmt *stmt,
                 int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* The device part of an HLC stamp ("...-0001-<device>"). */
static const char *
stamp_device (const char *stamp)
{
  const char *dash;

  if (stamp == NULL || (dash = strchr (stamp, '-')) == NULL || (dash = strchr (dash + 1, '-')) == NULL)
    return NULL;
  return dash + 1;
}

/* ------------------------------------------------------------------------ */
/* Connections                                                              */
/* ------------------------------------------------------------------------ */

gpointer
heyai_merge_open (const char  *db_path,
                  GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (db_path != NULL, NULL);

  rc = sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (error, db, rc);
      sqlite3_close_v2 (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, MERGE_BUSY_TIMEOUT_MS);

  /* Other computers' copies are attached to this connection: their schema
   * is not trusted (no functions with side effects from their views or
   * triggers, no writes to the schema). */
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

  if (!exec (db, "PRAGMA foreign_keys = ON", error))
    {
      sqlite3_close_v2 (db);
      return NULL;
    }

  return db;
}

void
heyai_merge_close (gpointer db)
{
  if (db != NULL)
    sqlite3_close_v2 (db);
}

/* ------------------------------------------------------------------------ */
/* Fingerprint and snapshot                                                 */
/* ------------------------------------------------------------------------ */

char *
heyai_merge_fingerprint (gpointer   db,
                         GError   **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  gboolean ok = TRUE;

  g_return_val_if_fail (db != NULL, NULL);

  if (!exec (db, "BEGIN", error))
    return NULL;

  for (guint t = 0; ok && heyai_merge_tables[t] != NULL; t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT id, updated_at FROM main.%s ORDER BY id",
                                              heyai_merge_tables[t]);
      g_autoptr(MergeStmt) stmt = prepare (db, sql, error);
      int rc;

      if (stmt == NULL)
        {
          ok = FALSE;
          break;
        }

      g_checksum_update (sum, (const guchar *) heyai_merge_tables[t], -1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const unsigned char *id = sqlite3_column_text (stmt, 0);
          const unsigned char *stamp = sqlite3_column_text (stmt, 1);

          g_checksum_update (sum, (const guchar *) "\n", 1);
          g_checksum_update (sum, id != NULL ? id : (const guchar *) "", -1);
          g_checksum_update (sum, (const guchar *) "\t", 1);
          g_checksum_update (sum, stamp != NULL ? stamp : (const guchar *) "", -1);
        }
      if (rc != SQLITE_DONE)
        {
          set_db_error (error, db, rc);
          ok = FALSE;
        }
    }

  sqlite3_exec (db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);

  return ok ? g_strdup (g_checksum_get_string (sum)) : NULL;
}

gboolean
heyai_merge_snapshot (gpointer     db,
                      const char  *dest_path,
                      GError     **error)
{
  g_autofree char *journal = g_strconcat (dest_path, "-journal", NULL);
  sqlite3 *out = NULL;
  sqlite3_backup *backup;
  int rc;
  gboolean ok = FALSE;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);

  g_unlink (dest_path);
  g_unlink (journal);

  rc = sqlite3_open_v2 (dest_path, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (error, out, rc);
      goto out;
    }

  /* One step copies every page under one read transaction of the source:
   * a consistent snapshot even while the window writes (WAL). */
  backup = sqlite3_backup_init (out, "main", db, "main");
  if (backup == NULL)
    {
      set_db_error (error, out, sqlite3_errcode (out));
      goto out;
    }
  for (int attempt = 0; ; attempt++)
    {
      rc = sqlite3_backup_step (backup, -1);
      if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 100)
        {
          g_usleep (20 * 1000);
          continue;
        }
      break;
    }
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, NULL, rc);
      goto out;
    }

  /* Nothing local-only leaves this computer; VACUUM drops the freed pages. */
  if (!exec (out, "PRAGMA journal_mode = DELETE", error) ||
      !exec (out,
             "BEGIN;"
             "DELETE FROM meta;"
             "DELETE FROM sync_base;"
             "DELETE FROM sync_peers;"
             "UPDATE jobs SET upload_session = NULL WHERE upload_session IS NOT NULL;"
             "COMMIT;", error) ||
      !exec (out, "VACUUM", error))
    goto out;

  ok = TRUE;

out:
  if (out != NULL && sqlite3_close (out) != SQLITE_OK && ok)
    {
      set_db_error (error, out, sqlite3_errcode (out));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (dest_path);
  return ok;
}

static gboolean
convert_file (const char    *src_path,
              const char    *dest_path,
              GConverter    *converter,
              GError       **error)
{
  g_autoptr(GFile) src = g_file_new_for_path (src_path);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GOutputStream) converted = NULL;
  GError *local_error = NULL;

  in = g_file_read (src, NULL, &local_error);
  if (in != NULL)
    out = g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                          NULL, &local_error);
  if (out != NULL)
    {
      converted = g_converter_output_stream_new (G_OUTPUT_STREAM (out), converter);
      if (g_output_stream_splice (converted, G_INPUT_STREAM (in),
                                  G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                  NULL, &local_error) < 0)
        g_file_delete (dest, NULL, NULL);
    }

  if (local_error != NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                     _("The library copy of another computer is damaged (%s). Sync on that "
                       "computer again."), local_error->message);
      else
        heyai_set_gio_error (error, local_error, _("Could not prepare the library copy"));
      g_error_free (local_error);
      return FALSE;
    }

  return TRUE;
}

gboolean
heyai_merge_gzip (const char  *src_path,
                  const char  *dest_path,
                  GError     **error)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);

  return convert_file (src_path, dest_path, G_CONVERTER (compressor), error);
}

gboolean
heyai_merge_gunzip (const char  *src_path,
                    const char  *dest_path,
                    gboolean    *was_gzip,
                    GError     **error)
{
  g_autoptr(GZlibDecompressor) decompressor = NULL;
  guint8 magic[2] = { 0, 0 };
  FILE *fp = g_fopen (src_path, "rb");
  gsize n = 0;

  *was_gzip = FALSE;
  if (fp != NULL)
    {
      n = fread (magic, 1, sizeof magic, fp);
      fclose (fp);
    }
  if (n != 2 || magic[0] != 0x1f || magic[1] != 0x8b)
    return FALSE;

  *was_gzip = TRUE;
  decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  return convert_file (src_path, dest_path, G_CONVERTER (decompressor), error);
}

static char *
readonly_uri (const char *path)
{
  g_autofree char *escaped = g_uri_escape_string (path, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);

  return g_strdup_printf ("file:%s?mode=ro&immutable=1", escaped);
}

gboolean
heyai_merge_peek_version (const char  *path,
                          int         *version,
                          GError     **error)
{
  g_autofree char *uri = readonly_uri (path);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT (SELECT user_version FROM pragma_user_version), "
                             "(SELECT quick_check FROM pragma_quick_check LIMIT 1), "
                             "(SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'projects')",
                             -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "ok") == 0 &&
          sqlite3_column_int (stmt, 2) == 1)
        {
          *version = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_ROW)
        rc = SQLITE_CORRUPT;
    }

  if (rc != SQLITE_OK)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                 _("The library copy of another computer is damaged or is not a HeyAI Studio "
                   "library (%s). It is skipped; sync on that computer again."),
                 db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));

  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  return rc == SQLITE_OK;
}

/* ------------------------------------------------------------------------ */
/* Peers                                                                    */
/* ------------------------------------------------------------------------ */

HeyaiMergePeer *
heyai_merge_peer_new (const char *device,
                      const char *path,
                      const char *file_id,
                      const char *version,
                      const char *md5)
{
  HeyaiMergePeer *peer = g_new0 (HeyaiMergePeer, 1);

  peer->device = g_strdup (device);
  peer->path = g_strdup (path);
  peer->file_id = g_strdup (file_id);
  peer->version = g_strdup (version);
  peer->md5 = g_strdup (md5);
  return peer;
}

void
heyai_merge_peer_free (HeyaiMergePeer *peer)
{
  if (peer == NULL)
    return;
  g_free (peer->device);
  g_free (peer->path);
  g_free (peer->file_id);
  g_free (peer->version);
  g_free (peer->md5);
  g_free (peer);
}

void
heyai_merge_stats_clear (HeyaiMergeStats *stats)
{
  g_clear_pointer (&stats->max_stamp, g_free);
  g_clear_pointer (&stats->projects, g_hash_table_unref);
  memset (stats, 0, sizeof *stats);
}

/* ------------------------------------------------------------------------ */
/* Merge                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct
{
  sqlite3         *db;
  HeyaiHlc        *hlc;
  HeyaiMergeStats *stats;
  guint            writes;
  char            *local_root;  /* canonical, or NULL */
  gint64           chunk_start; /* when the open chunk took the write lock */
  gint64           chunk_end;   /* when the last one let it go */
  gint64           last_held;   /* how long it held it */
} Merge;

/* A short write transaction: BEGIN IMMEDIATE ... COMMIT, timed. */
static gboolean
chunk_begin (Merge   *m,
             GError **error)
{
  gint64 since = g_get_monotonic_time () - m->chunk_end;
  gint64 pause = MIN (m->last_held + MERGE_PAUSE_EXTRA_USEC, MERGE_PAUSE_MAX_USEC);

  /* Leave the lock free between two chunks for longer than a writer that
   * waited through the last one sleeps between two tries (SQLite's busy
   * handler sleeps about as long as it has already waited, 100 ms at
   * most), so that it gets the lock before the next chunk. */
  if (m->chunk_end != 0 && since < pause)
    g_usleep ((gulong) (pause - since));

  if (!exec (m->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  m->chunk_start = g_get_monotonic_time ();
  return TRUE;
}

static gboolean
chunk_end (Merge    *m,
           gboolean  ok,
           GError  **error)
{
  gint64 held;

  if (ok)
    ok = exec (m->db, "COMMIT", error);
  if (!ok)
    sqlite3_exec (m->db, "ROLLBACK", NULL, NULL, NULL);

  m->chunk_end = g_get_monotonic_time ();
  held = m->last_held = m->chunk_end - m->chunk_start;
  m->stats->longest_lock_usec = MAX (m->stats->longest_lock_usec, held);
  m->stats->chunks++;

  return ok;
}

/* Column names of @schema.@table, in order (empty if the table is missing). */
static GPtrArray *
table_columns (sqlite3     *db,
               const char  *schema,
               const char  *table,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s.table_info(%s)", schema, table);
  g_autoptr(MergeStmt) stmt = prepare (db, sql, error);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (columns, dup_column_text (stmt, 1));
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, db, rc);
      return NULL;
    }

  return g_steal_pointer (&columns);
}

static gboolean
has_column (GPtrArray  *columns,
            const char *name)
{
  for (guint i = 0; i < columns->len; i++)
    if (g_str_equal (g_ptr_array_index (columns, i), name))
      return TRUE;
  return FALSE;
}

typedef struct
{
  sqlite3_value **in;      /* incoming values */
  char          **in_q;    /* quote() of each */
  sqlite3_value **loc;     /* local values, NULL when the row is new here */
  char          **loc_q;
} Candidate;

static void
candidate_free (gpointer data,
                guint    n)
{
  Candidate *c = data;

  for (guint i = 0; i < n; i++)
    {
      sqlite3_value_free (c->in[i]);
      g_free (c->in_q[i]);
      if (c->loc != NULL)
        {
          sqlite3_value_free (c->loc[i]);
          g_free (c->loc_q[i]);
        }
    }
  g_free (c->in);
  g_free (c->in_q);
  g_free (c->loc);
  g_free (c->loc_q);
  g_free (c);
}

typedef struct
{
  const char *table;
  Policy      policy;
  GPtrArray  *columns;      /* common columns, main order */
  guint       n;
  int         id_col;
  int         stamp_col;
  int         deleted_col;
  int         local_path_col;
  int         session_col;
  sqlite3_stmt *upsert;
  sqlite3_stmt *local;      /* the local row by id, values then quote()s */
} TableMerge;

/* Re-reads the local row of @cand inside the write transaction: a local
 * edit made since the candidates were read is merged, never reverted. */
static gboolean
refresh_local (Merge       *m,
               TableMerge  *tm,
               Candidate   *cand,
               GError     **error)
{
  sqlite3_stmt *stmt = tm->local;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_value (stmt, 1, cand->in[tm->id_col]);
  rc = sqlite3_step (stmt);

  if (cand->loc != NULL)
    {
      for (guint i = 0; i < tm->n; i++)
        {
          sqlite3_value_free (cand->loc[i]);
          g_free (cand->loc_q[i]);
        }
      g_clear_pointer (&cand->loc, g_free);
      g_clear_pointer (&cand->loc_q, g_free);
    }

  if (rc == SQLITE_ROW)
    {
      cand->loc = g_new0 (sqlite3_value *, tm->n);
      cand->loc_q = g_new0 (char *, tm->n);
      for (guint i = 0; i < tm->n; i++)
        {
          cand->loc[i] = sqlite3_value_dup (sqlite3_column_value (stmt, (int) i));
          cand->loc_q[i] = dup_column_text (stmt, (int) (tm->n + i));
        }
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_db_error (error, m->db, rc);
      return FALSE;
    }
  return TRUE;
}

static int
column_at (GPtrArray  *columns,
           const char *name)
{
  for (guint i = 0; i < columns->len; i++)
    if (g_str_equal (g_ptr_array_index (columns, i), name))
      return (int) i;
  return -1;
}

static gboolean
local_file_exists (sqlite3_value *value)
{
  const char *path;

  if (value == NULL || sqlite3_value_type (value) != SQLITE_TEXT)
    return FALSE;
  path = (const char *) sqlite3_value_text (value);
  return path != NULL && *path != '\0' && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* An existing file inside the local project tree (no "..", no symlink
 * escaping it: the canonical path is checked). */
static gboolean
incoming_file_allowed (Merge         *m,
                       sqlite3_value *value)
{
  g_autofree char *canonical = NULL;
  g_autofree char *resolved = NULL;
  const char *path;
  gsize len;

  if (m->local_root == NULL || !local_file_exists (value))
    return FALSE;

  path = (const char *) sqlite3_value_text (value);
  if (!g_path_is_absolute (path))
    return FALSE;
  canonical = g_canonicalize_filename (path, NULL);
  resolved = realpath (canonical, NULL);
  if (resolved == NULL)
    return FALSE;

  len = strlen (m->local_root);
  return strncmp (resolved, m->local_root, len) == 0 && resolved[len] == G_DIR_SEPARATOR;
}

/* Writes one merged row: @values[i] for each column, except the local-only
 * columns (computed from @local / @incoming) and, when @stamp is not NULL,
 * updated_at. */
static gboolean
write_row (Merge          *m,
           TableMerge     *tm,
           sqlite3_value **values,
           Candidate      *cand,
           const char     *stamp,
           GError        **error)
{
  sqlite3_stmt *stmt = tm->upsert;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  for (guint i = 0; i < tm->n; i++)
    {
      if ((int) i == tm->local_path_col)
        {
          if (cand->loc != NULL && local_file_exists (cand->loc[i]))
            sqlite3_bind_value (stmt, (int) i + 1, cand->loc[i]);
          else if (incoming_file_allowed (m, cand->in[i]))
            sqlite3_bind_value (stmt, (int) i + 1, cand->in[i]);
          else
            sqlite3_bind_null (stmt, (int) i + 1);
        }
      else if ((int) i == tm->session_col)
        {
          if (cand->loc != NULL)
            sqlite3_bind_value (stmt, (int) i + 1, cand->loc[i]);
          else
            sqlite3_bind_null (stmt, (int) i + 1);
        }
      else if ((int) i == tm->stamp_col && stamp != NULL)
        sqlite3_bind_text (stmt, (int) i + 1, stamp, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_value (stmt, (int) i + 1, values[i]);
    }

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, m->db, rc);
      return FALSE;
    }

  /* Which projects the window must redraw. */
  {
    int col = g_str_equal (tm->table, "projects") ? tm->id_col : column_at (tm->columns, "project_id");
    const char *project_id = col >= 0 ? (const char *) sqlite3_value_text (values[col]) : NULL;

    if (project_id != NULL)
      {
        gboolean is_new = g_str_equal (tm->table, "projects") && cand->loc == NULL;

        if (m->stats->projects == NULL)
          m->stats->projects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
        if (is_new || !g_hash_table_contains (m->stats->projects, project_id))
          g_hash_table_insert (m->stats->projects, g_strdup (project_id), GINT_TO_POINTER (is_new ? 1 : 2));
      }
  }

  if (++m->writes == 2)
    heyai_merge_failpoint ("merge");

  return TRUE;
}

static char *
conflict_id (const char *table,
             const char *row_id,
             const char *field,
             const char *stamp_a,
             const char *stamp_b)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  const char *lo = strcmp (stamp_a, stamp_b) < 0 ? stamp_a : stamp_b;
  const char *hi = lo == stamp_a ? stamp_b : stamp_a;
  const char *hex;

  g_checksum_update (sum, (const guchar *) table, -1);
  g_checksum_update (sum, (const guchar *) "|", 1);
  g_checksum_update (sum, (const guchar *) row_id, -1);
  g_checksum_update (sum, (const guchar *) "|", 1);
  g_checksum_update (sum, (const guchar *) field, -1);
  g_checksum_update (sum, (const guchar *) "|", 1);
  g_checksum_update (sum, (const guchar *) lo, -1);
  g_checksum_update (sum, (const guchar *) "|", 1);
  g_checksum_update (sum, (const guchar *) hi, -1);
  hex = g_checksum_get_string (sum);

  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static const char *
value_text (sqlite3_value *value)
{
  if (value == NULL || sqlite3_value_type (value) == SQLITE_NULL)
    return NULL;
  return (const char *) sqlite3_value_text (value);
}

/* "Scene 3: The lighthouse", the project title, "Clip take 2": what the
 * conflict list shows. */
static char *
conflict_label (TableMerge     *tm,
                sqlite3_value **values)
{
  int title = column_at (tm->columns, "title");

  if (g_str_equal (tm->table, "projects"))
    return g_strdup (title >= 0 && value_text (values[title]) != NULL ? value_text (values[title])
                                                                      : _("Untitled project"));

  if (g_str_equal (tm->table, "scenes"))
    {
      int pos = column_at (tm->columns, "position");
      int n = pos >= 0 ? sqlite3_value_int (values[pos]) : 0;
      const char *text = title >= 0 ? value_text (values[title]) : NULL;

      if (text != NULL && *text != '\0')
        return g_strdup_printf (_("Scene %d: %s"), n, text);
      return g_strdup_printf (_("Scene %d"), n);
    }

  if (g_str_equal (tm->table, "assets"))
    {
      int kind = column_at (tm->columns, "kind");
      int take = column_at (tm->columns, "take");

      return g_strdup_printf (_("%s take %d"),
                              kind >= 0 && value_text (values[kind]) != NULL ? value_text (values[kind]) : "asset",
                              take >= 0 ? sqlite3_value_int (values[take]) : 0);
    }

  if (g_str_equal (tm->table, "bible_entries"))
    {
      int name = column_at (tm->columns, "name");

      if (name >= 0 && value_text (values[name]) != NULL)
        return g_strdup (value_text (values[name]));
    }

  return g_strdup (tm->table);
}

static gboolean
record_conflict (Merge          *m,
                 TableMerge     *tm,
                 sqlite3_value **merged,
                 const char     *field,
                 const char     *winning_value,
                 const char     *losing_value,
                 const char     *winning_stamp,
                 const char     *losing_stamp,
                 GError        **error)
{
  g_autoptr(MergeStmt) stmt = NULL;
  g_autofree char *id = NULL;
  g_autofree char *label = NULL;
  g_autofree char *now = NULL;
  const char *row_id = value_text (merged[tm->id_col]);
  int project_col = column_at (tm->columns, "project_id");
  const char *project_id;
  int rc;

  if (g_str_equal (tm->table, "projects"))
    project_id = row_id;
  else
    project_id = project_col >= 0 ? value_text (merged[project_col]) : NULL;

  id = conflict_id (tm->table, row_id, field, winning_stamp, losing_stamp);
  label = conflict_label (tm, merged);
  now = heyai_hlc_now (m->hlc);

  stmt = prepare (m->db,
                  "INSERT INTO main.conflicts (id, table_name, row_id, project_id, label, field, "
                  "  winning_value, losing_value, winning_device, losing_device, winning_stamp, "
                  "  losing_stamp, detected_at, resolved, created_at, updated_at, deleted) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 0, ?13, ?14, 0) "
                  "ON CONFLICT (id) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, tm->table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, row_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, project_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, label, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, winning_value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, losing_value, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, stamp_device (winning_stamp), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, stamp_device (losing_stamp), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 11, winning_stamp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 12, losing_stamp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 13, g_get_real_time ());
  sqlite3_bind_text (stmt, 14, now, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, m->db, rc);
      return FALSE;
    }

  m->stats->conflicts += (guint) sqlite3_changes (m->db);
  return TRUE;
}

/* The base row (quoted values by column) of @table/@id, or NULL. */
static JsonObject *
load_base (Merge       *m,
           const char  *table,
           const char  *id,
           char       **base_stamp,
           GError     **error)
{
  g_autoptr(MergeStmt) stmt = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const char *row;
  int rc;

  *base_stamp = NULL;
  stmt = prepare (m->db, "SELECT updated_at, row FROM main.sync_base WHERE table_name = ?1 AND row_id = ?2",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      set_db_error (error, m->db, rc);
      return NULL;
    }

  row = (const char *) sqlite3_column_text (stmt, 1);
  parser = json_parser_new ();
  if (row == NULL || !json_parser_load_from_data (parser, row, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;  /* an unreadable base only means "no base" */

  *base_stamp = dup_column_text (stmt, 0);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

typedef enum { SIDE_LOCAL, SIDE_INCOMING } Side;

static gboolean
merge_candidate (Merge       *m,
                 TableMerge  *tm,
                 Candidate   *cand,
                 GError     **error)
{
  const char *in_stamp = value_text (cand->in[tm->stamp_col]);
  const char *loc_stamp;
  const char *id = value_text (cand->in[tm->id_col]);
  g_autoptr(JsonObject) base = NULL;
  g_autofree char *base_stamp = NULL;
  g_autofree Side *choice = NULL;
  g_autofree sqlite3_value **merged = NULL;
  gboolean incoming_newer;
  gboolean all_equal = TRUE;
  gboolean all_local = TRUE;
  gboolean all_incoming = TRUE;
  gboolean local_edited = FALSE;     /* a field other than deleted changed here */
  gboolean incoming_edited = FALSE;  /* ... or there */
  GError *local_error = NULL;

  if (in_stamp == NULL || id == NULL)
    return TRUE;  /* not a row we can merge */

  if (cand->loc == NULL)
    {
      if (!write_row (m, tm, cand->in, cand, NULL, error))
        return FALSE;
      m->stats->rows_inserted++;
      return TRUE;
    }

  loc_stamp = value_text (cand->loc[tm->stamp_col]);
  if (loc_stamp == NULL)
    loc_stamp = "";
  incoming_newer = strcmp (in_stamp, loc_stamp) > 0;

  if (tm->policy == POLICY_FIELDS)
    {
      base = load_base (m, tm->table, id, &base_stamp, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }

  /* The other computer has not changed the row since our last sync. */
  if (base != NULL && g_strcmp0 (base_stamp, in_stamp) == 0)
    return TRUE;

  for (guint i = 0; i < tm->n; i++)
    {
      if ((int) i == tm->local_path_col || (int) i == tm->session_col || is_bookkeeping (g_ptr_array_index (tm->columns, i)))
        continue;
      if (g_strcmp0 (cand->in_q[i], cand->loc_q[i]) != 0)
        all_equal = FALSE;
    }

  /* Not concurrent (only the other side changed it, or we know no base), or
   * both sides hold the same values: last writer wins. */
  if (base == NULL || g_strcmp0 (base_stamp, loc_stamp) == 0 || all_equal)
    {
      if (!incoming_newer)
        return TRUE;
      if (!write_row (m, tm, cand->in, cand, NULL, error))
        return FALSE;
      m->stats->rows_updated++;
      return TRUE;
    }

  /* Both computers changed the row since they last agreed: field by field. */
  choice = g_new0 (Side, tm->n);
  merged = g_new0 (sqlite3_value *, tm->n);

  for (guint i = 0; i < tm->n; i++)
    {
      const char *column = g_ptr_array_index (tm->columns, i);
      const char *b;
      gboolean local_changed, incoming_changed;

      choice[i] = SIDE_LOCAL;
      if ((int) i == tm->local_path_col || (int) i == tm->session_col || is_bookkeeping (column))
        continue;
      if (g_strcmp0 (cand->in_q[i], cand->loc_q[i]) == 0)
        continue;

      b = json_object_has_member (base, column) ? json_object_get_string_member (base, column) : NULL;
      local_changed = b == NULL || g_strcmp0 (cand->loc_q[i], b) != 0;
      incoming_changed = b == NULL || g_strcmp0 (cand->in_q[i], b) != 0;

      if ((int) i != tm->deleted_col)
        {
          local_edited |= local_changed;
          incoming_edited |= incoming_changed;
        }

      if (local_changed && !incoming_changed)
        choice[i] = SIDE_LOCAL;
      else if (!local_changed && incoming_changed)
        choice[i] = SIDE_INCOMING;
      else
        choice[i] = incoming_newer ? SIDE_INCOMING : SIDE_LOCAL;
    }

  for (guint i = 0; i < tm->n; i++)
    {
      merged[i] = choice[i] == SIDE_INCOMING ? cand->in[i] : cand->loc[i];
      if ((int) i == tm->local_path_col || (int) i == tm->session_col ||
          is_bookkeeping (g_ptr_array_index (tm->columns, i)) ||
          g_strcmp0 (cand->in_q[i], cand->loc_q[i]) == 0)
        continue;
      if (choice[i] == SIDE_INCOMING)
        all_local = FALSE;
      else
        all_incoming = FALSE;
    }

  /* The conflicts: fields both sides changed to different values. */
  for (guint i = 0; i < tm->n; i++)
    {
      const char *column = g_ptr_array_index (tm->columns, i);
      const char *b;
      gboolean winner_incoming = choice[i] == SIDE_INCOMING;

      if ((int) i == tm->local_path_col || (int) i == tm->session_col || is_bookkeeping (column) ||
          (int) i == tm->deleted_col || g_strcmp0 (cand->in_q[i], cand->loc_q[i]) == 0)
        continue;

      b = json_object_has_member (base, column) ? json_object_get_string_member (base, column) : NULL;
      if (b != NULL && (g_strcmp0 (cand->loc_q[i], b) == 0 || g_strcmp0 (cand->in_q[i], b) == 0))
        continue;

      if (!record_conflict (m, tm, merged, column,
                            value_text (winner_incoming ? cand->in[i] : cand->loc[i]),
                            value_text (winner_incoming ? cand->loc[i] : cand->in[i]),
                            winner_incoming ? in_stamp : loc_stamp,
                            winner_incoming ? loc_stamp : in_stamp, error))
        return FALSE;
    }

  /* Deleted on one side, edited on the other: it stays deleted and the edit
   * is listed ("use the other value" brings the row back). */
  if (tm->deleted_col >= 0 && sqlite3_value_int (merged[tm->deleted_col]) != 0)
    {
      gboolean deleted_here = sqlite3_value_int (cand->loc[tm->deleted_col]) != 0;
      gboolean deleted_there = sqlite3_value_int (cand->in[tm->deleted_col]) != 0;

      if (deleted_here != deleted_there && (deleted_here ? incoming_edited : local_edited))
        {
          if (!record_conflict (m, tm, merged, "deleted", "1", "0",
                                deleted_here ? loc_stamp : in_stamp,
                                deleted_here ? in_stamp : loc_stamp, error))
            return FALSE;
        }
    }

  if (all_local)
    return TRUE;

  if (all_incoming && incoming_newer)
    {
      if (!write_row (m, tm, cand->in, cand, NULL, error))
        return FALSE;
    }
  else
    {
      /* A new state neither side has: a new stamp so that it propagates. */
      g_autofree char *now = heyai_hlc_now (m->hlc);

      if (!write_row (m, tm, merged, cand, now, error))
        return FALSE;
    }

  m->stats->rows_updated++;
  return TRUE;
}

static gboolean
merge_table (Merge       *m,
             const char  *schema,
             const char  *table,
             GError     **error)
{
  g_autoptr(GPtrArray) main_columns = NULL;
  g_autoptr(GPtrArray) in_columns = NULL;
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GString) params = g_string_new (NULL);
  g_autoptr(GString) sets = g_string_new (NULL);
  g_autoptr(MergeStmt) stmt = NULL;
  g_autoptr(MergeStmt) upsert = NULL;
  g_autoptr(MergeStmt) local = NULL;
  g_autoptr(GString) local_select = g_string_new ("SELECT ");
  g_autofree char *sql = NULL;
  TableMerge tm = { 0 };
  guint next;
  gboolean ok = TRUE;
  int rc;

  main_columns = table_columns (m->db, "main", table, error);
  if (main_columns == NULL)
    return FALSE;
  in_columns = table_columns (m->db, schema, table, error);
  if (in_columns == NULL)
    return FALSE;
  if (in_columns->len == 0)
    return TRUE;  /* an older snapshot without this table */

  for (guint i = 0; i < main_columns->len; i++)
    {
      const char *column = g_ptr_array_index (main_columns, i);

      if (has_column (in_columns, column))
        g_ptr_array_add (columns, g_strdup (column));
    }

  tm.table = table;
  tm.policy = table_policy (table);
  tm.columns = columns;
  tm.n = columns->len;
  tm.id_col = column_at (columns, "id");
  tm.stamp_col = column_at (columns, "updated_at");
  tm.deleted_col = column_at (columns, "deleted");
  tm.local_path_col = is_local_only (table, "local_path") ? column_at (columns, "local_path") : -1;
  tm.session_col = is_local_only (table, "upload_session") ? column_at (columns, "upload_session") : -1;

  if (tm.id_col < 0 || tm.stamp_col < 0)
    return TRUE;

  for (guint i = 0; i < tm.n; i++)
    {
      const char *column = g_ptr_array_index (columns, i);

      g_string_append_printf (list, "%s%s", i ? ", " : "", column);
      g_string_append_printf (params, "%s?%u", i ? ", " : "", i + 1);
      if ((int) i != tm.id_col)
        g_string_append_printf (sets, "%s%s = excluded.%s", sets->len ? ", " : "", column, column);
    }
  for (guint i = 0; i < tm.n; i++)
    g_string_append_printf (select, "i.%s, ", (char *) g_ptr_array_index (columns, i));
  for (guint i = 0; i < tm.n; i++)
    g_string_append_printf (select, "quote(i.%s), ", (char *) g_ptr_array_index (columns, i));
  g_string_append (select, "m.id IS NOT NULL");
  for (guint i = 0; i < tm.n; i++)
    g_string_append_printf (select, ", m.%s", (char *) g_ptr_array_index (columns, i));
  for (guint i = 0; i < tm.n; i++)
    g_string_append_printf (select, ", quote(m.%s)", (char *) g_ptr_array_index (columns, i));
  g_string_append_printf (select, " FROM %s.%s AS i LEFT JOIN main.%s AS m ON m.id = i.id "
                          "WHERE (m.id IS NULL OR i.updated_at <> m.updated_at)", schema, table, table);
  if (tm.policy == POLICY_JOBS && has_column (columns, "state"))
    g_string_append (select, " AND i.state IN ('done', 'failed', 'cancelled')");
  g_string_append (select, " ORDER BY i.id");

  stmt = prepare (m->db, select->str, error);
  if (stmt == NULL)
    return FALSE;

  /* Read every candidate first: the writes below must not move the cursor. */
  candidates = g_ptr_array_new ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Candidate *cand = g_new0 (Candidate, 1);
      guint n = tm.n;

      cand->in = g_new0 (sqlite3_value *, n);
      cand->in_q = g_new0 (char *, n);
      for (guint i = 0; i < n; i++)
        {
          cand->in[i] = sqlite3_value_dup (sqlite3_column_value (stmt, (int) i));
          cand->in_q[i] = dup_column_text (stmt, (int) (n + i));
        }
      if (sqlite3_column_int (stmt, (int) (2 * n)) != 0)
        {
          cand->loc = g_new0 (sqlite3_value *, n);
          cand->loc_q = g_new0 (char *, n);
          for (guint i = 0; i < n; i++)
            {
              cand->loc[i] = sqlite3_value_dup (sqlite3_column_value (stmt, (int) (2 * n + 1 + i)));
              cand->loc_q[i] = dup_column_text (stmt, (int) (3 * n + 1 + i));
            }
        }
      g_ptr_array_add (candidates, cand);
    }
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, m->db, rc);
      ok = FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  sql = g_strdup_printf ("INSERT INTO main.%s (%s) VALUES (%s) ON CONFLICT (id) DO UPDATE SET %s",
                         table, list->str, params->str, sets->str);
  for (guint i = 0; i < tm.n; i++)
    g_string_append_printf (local_select, "%s, ", (char *) g_ptr_array_index (columns, i));
  for (guint i = 0; i < tm.n; i++)
    g_string_append_printf (local_select, "quote(%s)%s", (char *) g_ptr_array_index (columns, i),
                            i + 1 < tm.n ? ", " : "");
  g_string_append_printf (local_select, " FROM main.%s WHERE id = ?1", table);
  if (ok)
    {
      upsert = prepare (m->db, sql, error);
      local = upsert != NULL ? prepare (m->db, local_select->str, error) : NULL;
      ok = upsert != NULL && local != NULL;
    }
  tm.upsert = upsert;
  tm.local = local;

  for (guint i = 0; ok && i < candidates->len; i++)
    {
      Candidate *cand = g_ptr_array_index (candidates, i);
      const char *stamp = value_text (cand->in[tm.stamp_col]);

      if (stamp != NULL)
        {
          heyai_hlc_observe (m->hlc, stamp);
          if (g_strcmp0 (stamp, m->stats->max_stamp) > 0)
            {
              g_free (m->stats->max_stamp);
              m->stats->max_stamp = g_strdup (stamp);
            }
        }
    }

  /* Short transactions: the local row is read again under the write lock,
   * and nothing holds the lock between chunks. */
  next = 0;
  while (ok && next < candidates->len)
    {
      guint in_chunk = 0;

      if (chunk_hook != NULL)
        chunk_hook (table, next, chunk_hook_data);

      ok = chunk_begin (m, error);
      if (!ok)
        break;
      while (ok && next < candidates->len && in_chunk < MERGE_CHUNK_ROWS &&
             (in_chunk == 0 || g_get_monotonic_time () - m->chunk_start < MERGE_CHUNK_USEC))
        {
          Candidate *cand = g_ptr_array_index (candidates, next);

          ok = refresh_local (m, &tm, cand, error) && merge_candidate (m, &tm, cand, error);
          next++;
          in_chunk++;
        }
      ok = chunk_end (m, ok, ok ? error : NULL);
    }

  for (guint i = 0; i < candidates->len; i++)
    candidate_free (g_ptr_array_index (candidates, i), tm.n);

  return ok;
}

/* Two computers that both inserted or moved scenes leave duplicate or
 * missing positions: renumber the live scenes of every touched project 1..n
 * in a deterministic order (position, created_at, id), so every computer
 * ends with the same order. */
static gboolean
normalize_positions (Merge   *m,
                     GError **error)
{
  g_autoptr(MergeStmt) select = NULL;
  g_autoptr(MergeStmt) update = NULL;
  GHashTableIter iter;
  gpointer key;

  if (m->stats->projects == NULL)
    return TRUE;

  select = prepare (m->db, "SELECT id, position FROM main.scenes WHERE project_id = ?1 AND deleted = 0 "
                    "ORDER BY position, created_at, id", error);
  update = prepare (m->db, "UPDATE main.scenes SET position = ?2, updated_at = ?3 WHERE id = ?1", error);
  if (select == NULL || update == NULL)
    return FALSE;

  g_hash_table_iter_init (&iter, m->stats->projects);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autoptr(GPtrArray) moves = g_ptr_array_new_with_free_func (g_free);
      int expected = 1;
      int rc;

      sqlite3_reset (select);
      sqlite3_bind_text (select, 1, key, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (select)) == SQLITE_ROW)
        {
          if (sqlite3_column_int (select, 1) != expected)
            g_ptr_array_add (moves, g_strdup_printf ("%d:%s", expected, sqlite3_column_text (select, 0)));
          expected++;
        }
      sqlite3_reset (select);
      if (rc != SQLITE_DONE)
        {
          set_db_error (error, m->db, rc);
          return FALSE;
        }

      for (guint i = 0; i < moves->len; i++)
        {
          const char *move = g_ptr_array_index (moves, i);
          const char *id = strchr (move, ':') + 1;
          g_autofree char *now = heyai_hlc_now (m->hlc);

          sqlite3_reset (update);
          sqlite3_bind_text (update, 1, id, -1, SQLITE_STATIC);
          sqlite3_bind_int (update, 2, atoi (move));
          sqlite3_bind_text (update, 3, now, -1, SQLITE_STATIC);
          rc = sqlite3_step (update);
          sqlite3_reset (update);
          if (rc != SQLITE_DONE)
            {
              set_db_error (error, m->db, rc);
              return FALSE;
            }
          m->stats->rows_updated++;
        }
    }

  return TRUE;
}

#define BASE_CHUNK_ROWS 250

/* The values of every row of @table changed since its recorded base become
 * its base, in chunks of rowids, each its own short transaction. */
static gboolean
record_base (Merge       *m,
             const char  *table,
             GError     **error)
{
  g_autoptr(GPtrArray) columns = NULL;
  g_autoptr(GString) object = g_string_new ("json_object(");
  g_autoptr(MergeStmt) max_stmt = NULL;
  g_autoptr(MergeStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *max_sql = g_strdup_printf ("SELECT MAX(rowid) FROM main.%s", table);
  gboolean first = TRUE;
  gint64 max_rowid = 0;

  columns = table_columns (m->db, "main", table, error);
  if (columns == NULL)
    return FALSE;

  for (guint i = 0; i < columns->len; i++)
    {
      const char *column = g_ptr_array_index (columns, i);

      if (is_bookkeeping (column) || is_local_only (table, column))
        continue;
      g_string_append_printf (object, "%s'%s', quote(r.%s)", first ? "" : ", ", column, column);
      first = FALSE;
    }
  g_string_append (object, ")");

  sql = g_strdup_printf ("INSERT INTO main.sync_base (table_name, row_id, updated_at, row) "
                         "SELECT '%s', r.id, r.updated_at, %s FROM main.%s AS r "
                         "WHERE r.rowid > ?1 AND r.rowid <= ?2 "
                         "  AND NOT EXISTS (SELECT 1 FROM main.sync_base AS b WHERE b.table_name = '%s' "
                         "  AND b.row_id = r.id AND b.updated_at = r.updated_at) "
                         "ON CONFLICT (table_name, row_id) DO UPDATE SET "
                         "  updated_at = excluded.updated_at, row = excluded.row",
                         table, object->str, table, table);
  max_stmt = prepare (m->db, max_sql, error);
  stmt = max_stmt != NULL ? prepare (m->db, sql, error) : NULL;
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (max_stmt) == SQLITE_ROW)
    max_rowid = sqlite3_column_int64 (max_stmt, 0);
  sqlite3_reset (max_stmt);

  /* Rows added after this read get their base at the next sync. */
  for (gint64 lo = 0; lo < max_rowid; lo += BASE_CHUNK_ROWS)
    {
      gboolean ok;
      int rc;

      if (chunk_hook != NULL)
        chunk_hook ("sync_base", (guint) lo, chunk_hook_data);
      if (!chunk_begin (m, error))
        return FALSE;
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, lo);
      sqlite3_bind_int64 (stmt, 2, lo + BASE_CHUNK_ROWS);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      ok = rc == SQLITE_DONE;
      if (!ok)
        set_db_error (error, m->db, rc);
      if (!chunk_end (m, ok, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
record_peer (sqlite3         *db,
             HeyaiMergePeer  *peer,
             const char      *max_stamp,
             GError         **error)
{
  g_autoptr(MergeStmt) stmt = NULL;
  int rc;

  stmt = prepare (db,
                  "INSERT INTO main.sync_peers (device, file_id, version, md5, max_stamp, merged_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (device) DO UPDATE SET "
                  "file_id = excluded.file_id, version = excluded.version, md5 = excluded.md5, "
                  "max_stamp = excluded.max_stamp, merged_at = excluded.merged_at", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, peer->device, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, peer->file_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, peer->version, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, peer->md5, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, max_stamp, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, db, rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
attach_peer (sqlite3         *db,
             HeyaiMergePeer  *peer,
             const char      *schema,
             GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("ATTACH DATABASE ?1 AS %s", schema);
  g_autofree char *uri = readonly_uri (peer->path);
  g_autofree char *check = g_strdup_printf ("PRAGMA %s.quick_check", schema);
  g_autofree char *version_sql = g_strdup_printf ("PRAGMA %s.user_version", schema);
  g_autoptr(MergeStmt) stmt = prepare (db, sql, error);
  int version = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uri, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (error, db, rc);
      return FALSE;
    }

  {
    g_autoptr(MergeStmt) v = prepare (db, version_sql, NULL);

    if (v == NULL || sqlite3_step (v) != SQLITE_ROW)
      {
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                     _("The library copy of another computer is damaged or is not a HeyAI Studio "
                       "library. Sync on that computer again."));
        return FALSE;
      }
    version = sqlite3_column_int (v, 0);
  }

  if (version > HEYAI_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW,
                   _("Another computer uses a newer HeyAI Studio; update this one to sync."));
      return FALSE;
    }

  {
    g_autoptr(MergeStmt) q = prepare (db, check, NULL);

    if (q == NULL || sqlite3_step (q) != SQLITE_ROW ||
        g_strcmp0 ((const char *) sqlite3_column_text (q, 0), "ok") != 0)
      {
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                     _("The library copy of another computer is damaged. Sync on that "
                       "computer again."));
        return FALSE;
      }
  }

  return TRUE;
}

gboolean
heyai_merge_apply (gpointer          db,
                   HeyaiHlc         *hlc,
                   const char       *local_root,
                   GPtrArray        *peers,
                   HeyaiMergeStats  *stats,
                   GError          **error)
{
  g_autofree char *root = local_root != NULL ? realpath (local_root, NULL) : NULL;
  Merge m = { db, hlc, stats, 0, root, 0, 0, 0 };
  guint n_peers = peers != NULL ? peers->len : 0;
  guint attached = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (hlc != NULL, FALSE);
  g_return_val_if_fail (stats != NULL, FALSE);
  g_return_val_if_fail (n_peers <= HEYAI_MERGE_MAX_PEERS, FALSE);

  /* ATTACH is not allowed inside a transaction: attach (and check) first. */
  for (guint p = 0; ok && p < n_peers; p++)
    {
      g_autofree char *schema = g_strdup_printf ("peer%u", p);

      ok = attach_peer (db, g_ptr_array_index (peers, p), schema, error);
      attached = p + 1;
    }

  for (guint p = 0; ok && p < n_peers; p++)
    {
      g_autofree char *schema = g_strdup_printf ("peer%u", p);

      for (guint t = 0; ok && heyai_merge_tables[t] != NULL; t++)
        ok = merge_table (&m, schema, heyai_merge_tables[t], error);

      /* Only once every row of this peer is in: a merge cut short is done
       * again (idempotently) at the next sync. */
      if (ok && (ok = chunk_begin (&m, error)))
        {
          ok = chunk_end (&m, record_peer (db, g_ptr_array_index (peers, p), stats->max_stamp, error), error);
          stats->peers++;
        }
    }

  if (ok && (ok = chunk_begin (&m, error)))
    ok = chunk_end (&m, normalize_positions (&m, error), error);

  for (guint t = 0; ok && heyai_merge_tables[t] != NULL; t++)
    {
      if (table_policy (heyai_merge_tables[t]) == POLICY_FIELDS)
        ok = record_base (&m, heyai_merge_tables[t], error);
    }

  /* Copy the merged pages back into the database here, in the worker, so
   * the window's next write does not run that checkpoint on the main
   * thread. */
  if (ok)
    sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

  for (guint p = 0; p < attached; p++)
    {
      g_autofree char *sql = g_strdup_printf ("DETACH DATABASE peer%u", p);

      sqlite3_exec (db, sql, NULL, NULL, NULL);
    }

  return ok;
}
