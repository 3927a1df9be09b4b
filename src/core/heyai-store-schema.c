/* heyai-store-schema.c: the schema: the migrations and the version checks made before
 * opening a database.
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

  /* 2 -> 3: the request ledger (every paid provider request, written before
   * it is sent; see heyai-store.h "Request ledger").  Local-only, like
   * `meta`: it records what this computer paid for and can still collect. */
  "CREATE TABLE requests ("
  "  id              TEXT PRIMARY KEY NOT NULL,"
  "  project_id      TEXT NOT NULL,"
  "  scene_id        TEXT,"
  "  job_id          TEXT,"
  "  kind            TEXT NOT NULL,"
  "  take            INTEGER NOT NULL DEFAULT 0,"
  "  provider        TEXT NOT NULL,"
  "  model           TEXT,"
  "  inputs          TEXT,"
  "  idempotency_key TEXT,"
  "  remote_id       TEXT,"
  "  state           TEXT NOT NULL DEFAULT 'submitting',"
  "  estimated_cost  REAL NOT NULL DEFAULT 0,"
  "  cost            REAL NOT NULL DEFAULT 0,"
  "  local_path      TEXT,"
  "  last_error      TEXT,"
  "  explicit        INTEGER NOT NULL DEFAULT 0,"
  "  created_at      INTEGER NOT NULL DEFAULT 0,"
  "  updated_at      INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX requests_scene ON requests (scene_id, kind, created_at);"
  "CREATE INDEX requests_project ON requests (project_id, created_at);"
  "CREATE INDEX requests_key ON requests (idempotency_key);",
  /* 3 -> 4: the producer's per-scene notes for the editor (export markers)
   * and the project's start timecode for the exported timelines. */
  "ALTER TABLE scenes ADD COLUMN editor_note TEXT;"
  "ALTER TABLE projects ADD COLUMN start_tc TEXT;",

  /* 4 -> 5: lineage of every still and clip (what it was made from, JSON)
   * and the digest of the inputs that decide whether it is current. */
  "ALTER TABLE assets ADD COLUMN lineage TEXT;"
  "ALTER TABLE assets ADD COLUMN inputs_hash TEXT;",

  /* 5 -> 6: the reference bible (see heyai-bible.h): entries (characters,
   * locations, props), their reference images (the bytes travel in
   * bible_files, content-addressed by sha256, so a sync carries them; the
   * file under the project's bible/ folder is made from them where missing),
   * each scene's cast and whether its still continues the previous shot.
   * All synced. */
  "CREATE TABLE bible_entries ("
  "  id          TEXT PRIMARY KEY NOT NULL,"
  "  project_id  TEXT NOT NULL,"
  "  kind        TEXT NOT NULL DEFAULT 'character',"
  "  name        TEXT NOT NULL,"
  "  aliases     TEXT,"
  "  description TEXT,"
  "  created_at  INTEGER NOT NULL DEFAULT 0,"
  "  updated_at  TEXT NOT NULL,"
  "  deleted     INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX bible_entries_project ON bible_entries (project_id, deleted);"
  "CREATE TABLE bible_images ("
  "  id              TEXT PRIMARY KEY NOT NULL,"
  "  project_id      TEXT NOT NULL,"
  "  entry_id        TEXT NOT NULL,"
  "  position        INTEGER NOT NULL DEFAULT 1,"
  "  path            TEXT NOT NULL,"
  "  source          TEXT NOT NULL DEFAULT 'file',"
  "  source_asset_id TEXT,"
  "  sha256          TEXT NOT NULL,"
  "  size            INTEGER NOT NULL DEFAULT 0,"
  "  created_at      INTEGER NOT NULL DEFAULT 0,"
  "  updated_at      TEXT NOT NULL,"
  "  deleted         INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX bible_images_entry ON bible_images (entry_id, position);"
  "CREATE TABLE bible_files ("
  "  id         TEXT PRIMARY KEY NOT NULL,"
  "  data       BLOB NOT NULL,"
  "  size       INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL DEFAULT 0,"
  "  updated_at TEXT NOT NULL,"
  "  deleted    INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE scene_cast ("
  "  id         TEXT PRIMARY KEY NOT NULL,"
  "  project_id TEXT NOT NULL,"
  "  scene_id   TEXT NOT NULL,"
  "  entry_id   TEXT NOT NULL,"
  "  source     TEXT NOT NULL DEFAULT 'analysis',"
  "  created_at INTEGER NOT NULL DEFAULT 0,"
  "  updated_at TEXT NOT NULL,"
  "  deleted    INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX scene_cast_scene ON scene_cast (scene_id, deleted);"
  "CREATE INDEX scene_cast_entry ON scene_cast (entry_id, deleted);"
  /* Continuity between shots: id = the scene's id. */
  "CREATE TABLE scene_continuity ("
  "  id                TEXT PRIMARY KEY NOT NULL,"
  "  project_id        TEXT NOT NULL,"
  "  continue_previous INTEGER NOT NULL DEFAULT 0,"
  "  end_on_next       INTEGER NOT NULL DEFAULT 0,"
  "  created_at        INTEGER NOT NULL DEFAULT 0,"
  "  updated_at        TEXT NOT NULL,"
  "  deleted           INTEGER NOT NULL DEFAULT 0"
  ");",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == HEYAI_STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------------------ */
/* Version checks and migration                                             */
/* ------------------------------------------------------------------------ */

/* Reads PRAGMA user_version without writing anything: no WAL switch, no
 * -wal file.  A database without a -wal file is opened immutable; when a
 * -wal file exists (another process has it open) a plain read-only
 * connection reads through it. */
gboolean
_heyai_store_peek_user_version (const char  *path,
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
  /* Another process may be checkpointing as it closes (it holds the lock
   * for a moment): wait like the main connection does, never fail at once. */
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, 1);
      sqlite3_busy_timeout (db, HEYAI_STORE_BUSY_TIMEOUT_MS);
      rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
    }
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
    _heyai_store_set_sqlite_error (error, path, db != NULL ? sqlite3_extended_errcode (db) : rc,
                                   db != NULL ? sqlite3_errmsg (db) : NULL);

  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);

  return rc == SQLITE_OK;
}

void
_heyai_store_set_schema_too_new_error (GError     **error,
                                       int          version)
{
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW,
               _("This library was created by a newer version of HeyAI Studio "
                 "(schema %d, this version knows %d). Update HeyAI Studio to open it."),
               version, HEYAI_STORE_SCHEMA_VERSION);
}

gboolean
_heyai_store_query_int (HeyaiStore  *self,
                        const char  *sql,
                        int         *out,
                        GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (self, sql, error);
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

  _heyai_store_set_db_error (self, error, rc);
  return FALSE;
}

gboolean
_heyai_store_migrate (HeyaiStore  *self,
                      GError     **error)
{
  int version = 0;

  if (!heyai_store_begin (self, error))
    return FALSE;

  /* Read again under the write lock: another process may have migrated. */
  if (!_heyai_store_query_int (self, "PRAGMA user_version", &version, error))
    goto failed;

  if (version > HEYAI_STORE_SCHEMA_VERSION)
    {
      _heyai_store_set_schema_too_new_error (error, version);
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
          _heyai_store_set_sqlite_error (error, self->path, sqlite3_extended_errcode (self->db), detail);
          goto failed;
        }
    }

  if (version != HEYAI_STORE_SCHEMA_VERSION)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d", HEYAI_STORE_SCHEMA_VERSION);

      if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        {
          _heyai_store_set_db_error (self, error, SQLITE_ERROR);
          goto failed;
        }
    }

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}
