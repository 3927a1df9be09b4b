/* heyai-sync.c: the sync run, conflicts and lazy assets (see heyai-sync.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "heyai-merge.h"
#include "heyai-providers.h"
#include "heyai-sync.h"
#include "heyai-sync-drive.h"
#include "heyai-sync-folder.h"

#define RUNNING_KEY   "heyai-sync-running"
#define META_FP       "sync.fingerprint"
#define META_MD5      "sync.md5"
#define META_FILE_ID  "sync.file_id"
#define META_LAST     "sync.last_sync"

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

void
heyai_sync_report_free (HeyaiSyncReport *report)
{
  g_free (report);
}

static char *
store_data_dir (HeyaiStore *store)
{
  return g_path_get_dirname (heyai_store_get_path (store));
}

#define SNAPSHOT_PREFIX "library-"
#define SNAPSHOT_SUFFIX ".sqlite.gz"

/* "library-<device>.sqlite.gz" (or an uncompressed ".sqlite") -> device
 * (only [A-Za-z0-9_-]), else NULL. */
static char *
device_from_name (const char *name)
{
  const char *suffix;
  gsize len;

  if (name == NULL || !g_str_has_prefix (name, SNAPSHOT_PREFIX))
    return NULL;
  if (g_str_has_suffix (name, SNAPSHOT_SUFFIX))
    suffix = SNAPSHOT_SUFFIX;
  else if (g_str_has_suffix (name, ".sqlite"))
    suffix = ".sqlite";
  else
    return NULL;

  if (strlen (name) <= strlen (SNAPSHOT_PREFIX) + strlen (suffix))
    return NULL;
  len = strlen (name) - strlen (SNAPSHOT_PREFIX) - strlen (suffix);
  if (len > 64)
    return NULL;

  for (gsize i = 0; i < len; i++)
    {
      char c = name[strlen (SNAPSHOT_PREFIX) + i];

      if (!g_ascii_isalnum (c) && c != '-' && c != '_')
        return NULL;
    }

  return g_strndup (name + strlen (SNAPSHOT_PREFIX), len);
}

static GError *
offline_error (HeyaiSyncRemote *remote,
               GError          *error)
{
  GError *result;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (error->domain == HEYAI_ERROR && error->code != HEYAI_ERROR_RETRYABLE))
    return error;

  result = g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                        _("Offline: %s HeyAI Studio will sync later; nothing was changed."),
                        error->message);
  g_error_free (error);
  return result;
}

/* ------------------------------------------------------------------------ */
/* The run                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct
{
  HeyaiStore            *store;
  HeyaiSyncRemote       *remote;
  char                  *db_path;
  char                  *device;
  char                  *work_dir;
  HeyaiSyncProgressFunc  progress;
  gpointer               progress_data;
  GDestroyNotify         progress_destroy;

  HeyaiSyncReport       *report;
  HeyaiSyncRemoteFile   *own;          /* our snapshot on the remote, or NULL */
  GPtrArray             *to_download;  /* HeyaiSyncRemoteFile* */
  GPtrArray             *peers;        /* HeyaiMergePeer*, downloaded */
  guint                  next;
  char                  *stored_fingerprint;
  char                  *stored_md5;
  char                  *fingerprint;  /* of what we upload */
  char                  *snapshot;     /* path to upload, or NULL */
  gboolean               refused;      /* a snapshot from a newer HeyAI Studio */
  char                  *stored_file_id;
  int                    lock_fd;      /* flock on <work_dir>/sync.lock, or -1 */
} SyncRun;

static void
run_release (SyncRun *run)
{
  if (run->lock_fd >= 0)
    {
      close (run->lock_fd);  /* releases the flock */
      run->lock_fd = -1;
      g_object_set_data (G_OBJECT (run->store), RUNNING_KEY, NULL);
    }
}

static void
sync_run_free (gpointer data)
{
  SyncRun *run = data;

  if (run->store != NULL)
    run_release (run);
  g_free (run->stored_file_id);

  g_clear_object (&run->store);
  g_clear_object (&run->remote);
  g_free (run->db_path);
  g_free (run->device);
  g_free (run->work_dir);
  if (run->progress_destroy != NULL)
    run->progress_destroy (run->progress_data);
  g_free (run->report);
  heyai_sync_remote_file_free (run->own);
  g_clear_pointer (&run->to_download, g_ptr_array_unref);
  if (run->peers != NULL)
    {
      for (guint i = 0; i < run->peers->len; i++)
        {
          HeyaiMergePeer *peer = g_ptr_array_index (run->peers, i);

          g_unlink (peer->path);
        }
      g_ptr_array_unref (run->peers);
    }
  g_free (run->stored_fingerprint);
  g_free (run->stored_md5);
  g_free (run->fingerprint);
  if (run->snapshot != NULL)
    g_unlink (run->snapshot);
  g_free (run->snapshot);
  g_free (run);
}

static void
report_progress (SyncRun    *run,
                 const char *step,
                 double      fraction)
{
  if (run->progress != NULL)
    run->progress (step, fraction, run->progress_data);
}

static void
run_return_error (GTask  *task,
                  GError *error)
{
  SyncRun *run = g_task_get_task_data (task);

  run_release (run);
  g_task_return_error (task, error);
}

static void
run_complete (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());

  heyai_store_set_meta (run->store, META_LAST, now, NULL);
  run_release (run);
  report_progress (run, _("Synced"), 1.0);

  if (run->refused)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW,
                               _("Another computer uses a newer HeyAI Studio; update this one to sync."));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&run->report), (GDestroyNotify) heyai_sync_report_free);
}

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(HeyaiSyncRemoteFile) file = NULL;
  GError *error = NULL;

  file = heyai_sync_remote_upload_finish (HEYAI_SYNC_REMOTE (source), result, &error);
  if (file == NULL)
    {
      run_return_error (task, offline_error (run->remote, error));
      return;
    }

  run->report->uploaded = TRUE;
  run->report->bytes_uploaded = (guint64) MAX (file->size, 0);

  if (!heyai_store_set_meta (run->store, META_FP, run->fingerprint, &error) ||
      !heyai_store_set_meta (run->store, META_MD5, file->md5 != NULL ? file->md5 : file->version, &error) ||
      !heyai_store_set_meta (run->store, META_FILE_ID, file->id, &error))
    {
      run_return_error (task, error);
      return;
    }

  run_complete (task);
}

static void
start_upload (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  g_autofree char *name = g_strdup_printf (SNAPSHOT_PREFIX "%s" SNAPSHOT_SUFFIX, run->device);

  report_progress (run, _("Uploading this computer’s library…"), 0.8);
  heyai_sync_remote_upload_async (run->remote, name, run->own != NULL ? run->own->id : NULL,
                                  run->snapshot, g_task_get_cancellable (task), on_uploaded,
                                  g_object_ref (task));
}

/* Worker: merge, fingerprint, snapshot. */
typedef struct
{
  char      *db_path;
  HeyaiHlc  *hlc;          /* the store's (thread-safe); the run keeps the store alive */
  GPtrArray *peers;        /* borrowed from the run */
  char      *stored_fingerprint;
  char      *stored_md5;
  char      *own_md5;
  char      *snapshot;     /* where to write one */
  char      *local_root;   /* the local project tree */
} WorkData;

typedef struct
{
  HeyaiMergeStats stats;
  char           *fingerprint;
  gboolean        snapshot_written;
  gboolean        refused;
  gboolean        cancelled;     /* after the merge committed */
  guint           damaged;
} WorkResult;

static void
work_data_free (gpointer data)
{
  WorkData *wd = data;

  g_free (wd->db_path);
  g_free (wd->stored_fingerprint);
  g_free (wd->stored_md5);
  g_free (wd->own_md5);
  g_free (wd->snapshot);
  g_free (wd->local_root);
  g_free (wd);
}

static void
work_result_free (gpointer data)
{
  WorkResult *wr = data;

  heyai_merge_stats_clear (&wr->stats);
  g_free (wr->fingerprint);
  g_free (wr);
}

static void
work_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  WorkData *wd = task_data;
  g_autoptr(GPtrArray) accepted = g_ptr_array_new ();
  WorkResult *wr = g_new0 (WorkResult, 1);
  GError *error = NULL;
  gpointer db;

  for (guint i = 0; i < wd->peers->len; i++)
    {
      HeyaiMergePeer *peer = g_ptr_array_index (wd->peers, i);
      g_autofree char *plain = g_strconcat (peer->path, ".sqlite", NULL);
      gboolean was_gzip = FALSE;
      int version = 0;

      if (!heyai_merge_gunzip (peer->path, plain, &was_gzip, &error) && was_gzip)
        {
          g_debug ("Sync: skipping the copy of %s: %s", peer->device, error->message);
          g_clear_error (&error);
          wr->damaged++;
          continue;
        }
      if (was_gzip)
        {
          g_unlink (peer->path);
          g_free (peer->path);
          peer->path = g_steal_pointer (&plain);
        }

      if (!heyai_merge_peek_version (peer->path, &version, &error))
        {
          /* A damaged copy is skipped; that computer's next sync replaces it. */
          g_debug ("Sync: skipping the copy of %s: %s", peer->device, error->message);
          g_clear_error (&error);
          wr->damaged++;
          continue;
        }
      if (version > HEYAI_STORE_SCHEMA_VERSION)
        {
          wr->refused = TRUE;
          continue;
        }
      g_ptr_array_add (accepted, peer);
    }

  db = heyai_merge_open (wd->db_path, &error);
  if (db == NULL)
    goto failed;

  if (!heyai_merge_apply (db, wd->hlc, wd->local_root, accepted, &wr->stats, &error))
    goto failed;

  if (g_cancellable_is_cancelled (cancellable))
    {
      wr->cancelled = TRUE;
      heyai_merge_close (db);
      g_task_return_pointer (task, wr, work_result_free);
      return;
    }

  /* Before the snapshot: an edit made in between is uploaded next time. */
  wr->fingerprint = heyai_merge_fingerprint (db, &error);
  if (wr->fingerprint == NULL)
    goto failed;

  if (wd->stored_fingerprint == NULL || !g_str_equal (wr->fingerprint, wd->stored_fingerprint) ||
      wd->own_md5 == NULL || g_strcmp0 (wd->own_md5, wd->stored_md5) != 0)
    {
      g_autofree char *plain = g_strconcat (wd->snapshot, ".sqlite", NULL);
      gboolean ok;

      ok = heyai_merge_snapshot (db, plain, &error) && heyai_merge_gzip (plain, wd->snapshot, &error);
      g_unlink (plain);
      if (!ok)
        goto failed;
      wr->snapshot_written = TRUE;
    }

  heyai_merge_close (db);
  g_task_return_pointer (task, wr, work_result_free);
  return;

failed:
  heyai_merge_close (db);
  work_result_free (wr);
  g_task_return_error (task, error);
}

/* heyai_store_reload() refreshed the live objects whose rows moved; rows
 * new here have no live object yet.  Announce new projects (loading only
 * those: a load overwrites unsaved edits of a live object) and the scene
 * lists of every project the merge touched. */
static void
emit_project_changes (HeyaiStore *store,
                      GHashTable *projects)
{
  GHashTableIter iter;
  gpointer key, value;

  if (projects == NULL)
    return;

  g_hash_table_iter_init (&iter, projects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (GPOINTER_TO_INT (value) == 1)
        {
          g_autoptr(HeyaiProject) project = heyai_store_find_project (store, key, NULL);

          if (project != NULL)
            g_signal_emit_by_name (store, "project-changed", project);
        }
      g_signal_emit_by_name (store, "scenes-changed", (const char *) key);
    }
}

static void
on_worked (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  WorkResult *wr;
  GError *error = NULL;

  wr = g_task_propagate_pointer (G_TASK (result), &error);
  if (wr == NULL)
    {
      run_return_error (task, error);
      return;
    }

  run->report->peers = wr->stats.peers;
  run->report->rows_inserted = wr->stats.rows_inserted;
  run->report->rows_updated = wr->stats.rows_updated;
  run->report->conflicts = wr->stats.conflicts;
  run->report->longest_lock_usec = wr->stats.longest_lock_usec;
  run->refused = wr->refused;
  run->report->damaged = wr->damaged;
  run->fingerprint = g_steal_pointer (&wr->fingerprint);

  if (wr->stats.rows_inserted + wr->stats.rows_updated + wr->stats.conflicts > 0)
    {
      if (!heyai_store_reload (run->store, NULL, &error))
        {
          g_warning ("Sync: could not refresh the window after merging: %s", error->message);
          g_clear_error (&error);
        }
      emit_project_changes (run->store, wr->stats.projects);
    }

  if (wr->cancelled)
    {
      work_result_free (wr);
      run_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sync cancelled.")));
      return;
    }

  if (!wr->snapshot_written)
    {
      g_clear_pointer (&run->snapshot, g_free);
      work_result_free (wr);
      run_complete (task);
      return;
    }

  work_result_free (wr);
  start_upload (task);
}

static void
start_work (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GTask) worker = NULL;
  WorkData *wd = g_new0 (WorkData, 1);
  g_autofree char *name = g_strdup_printf (SNAPSHOT_PREFIX "%s" SNAPSHOT_SUFFIX, run->device);

  if (run->peers->len > 0)
    {
      g_autofree char *step = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Merging changes from %u other computer…",
                                                            "Merging changes from %u other computers…",
                                                            run->peers->len), run->peers->len);
      report_progress (run, step, 0.5);
    }
  else
    report_progress (run, _("Preparing this computer’s library…"), 0.5);

  run->snapshot = g_build_filename (run->work_dir, name, NULL);

  wd->db_path = g_strdup (run->db_path);
  wd->hlc = heyai_store_get_hlc (run->store);
  wd->peers = run->peers;
  wd->stored_fingerprint = g_strdup (run->stored_fingerprint);
  wd->stored_md5 = g_strdup (run->stored_md5);
  wd->own_md5 = run->own != NULL ? g_strdup (run->own->md5 != NULL ? run->own->md5 : run->own->version) : NULL;
  wd->snapshot = g_strdup (run->snapshot);
  {
    g_autofree char *data_dir = store_data_dir (run->store);

    wd->local_root = heyai_local_root (data_dir);
  }

  worker = g_task_new (NULL, g_task_get_cancellable (task), on_worked, g_object_ref (task));
  g_task_set_source_tag (worker, start_work);
  /* A merge that committed is reported (and the window refreshed) even when
   * the sync was cancelled meanwhile. */
  g_task_set_check_cancellable (worker, FALSE);
  g_task_set_task_data (worker, wd, work_data_free);
  g_task_run_in_thread (worker, work_thread);
}

static void download_next (GTask *task);

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  HeyaiSyncRemoteFile *file = g_ptr_array_index (run->to_download, run->next);
  g_autofree char *device = device_from_name (file->name);
  g_autofree char *path = NULL;
  GError *error = NULL;

  path = g_object_steal_data (G_OBJECT (task), "download-path");

  if (!heyai_sync_remote_download_finish (HEYAI_SYNC_REMOTE (source), result, &error))
    {
      if (path != NULL)
        g_unlink (path);
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND))
        {
          /* Replaced or removed meanwhile: the next sync sees it again. */
          g_clear_error (&error);
        }
      else
        {
          run_return_error (task, offline_error (run->remote, error));
          return;
        }
    }
  else
    {
      run->report->bytes_downloaded += (guint64) MAX (file->size, 0);
      g_ptr_array_add (run->peers, heyai_merge_peer_new (device, path, file->id, file->version, file->md5));
    }

  run->next++;
  download_next (task);
}

static void
download_next (GTask *task)
{
  SyncRun *run = g_task_get_task_data (task);
  HeyaiSyncRemoteFile *file;
  g_autofree char *device = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *step = NULL;

  if (run->next >= run->to_download->len)
    {
      start_work (task);
      return;
    }

  file = g_ptr_array_index (run->to_download, run->next);
  device = device_from_name (file->name);
  name = g_strdup_printf ("peer-%s.download", device);
  path = g_build_filename (run->work_dir, name, NULL);

  step = g_strdup_printf (_("Downloading the library of another computer (%u of %u)…"),
                          run->next + 1, run->to_download->len);
  report_progress (run, step, 0.1 + 0.3 * run->next / MAX (run->to_download->len, 1));

  g_object_set_data_full (G_OBJECT (task), "download-path", g_strdup (path), g_free);
  heyai_sync_remote_download_async (run->remote, file->id, path, g_task_get_cancellable (task),
                                    on_downloaded, g_object_ref (task));
}

/* Did we merge this exact snapshot already? */
static gboolean
peer_is_current (HeyaiStore                *store,
                 const char                *device,
                 const HeyaiSyncRemoteFile *file)
{
  sqlite3 *db = heyai_store_get_handle (store);
  sqlite3_stmt *stmt = NULL;
  gboolean current = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT version, md5 FROM sync_peers WHERE device = ?1", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;

  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *version = (const char *) sqlite3_column_text (stmt, 0);
      const char *md5 = (const char *) sqlite3_column_text (stmt, 1);

      current = g_strcmp0 (version, file->version) == 0 &&
                (md5 == NULL || file->md5 == NULL || g_str_equal (md5, file->md5));
    }

  sqlite3_finalize (stmt);
  return current;
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SyncRun *run = g_task_get_task_data (task);
  g_autoptr(GPtrArray) files = NULL;
  GError *error = NULL;

  files = heyai_sync_remote_list_finish (HEYAI_SYNC_REMOTE (source), result, &error);
  run->report->list_calls++;
  if (files == NULL)
    {
      run_return_error (task, offline_error (run->remote, error));
      return;
    }

  for (guint i = 0; i < files->len; i++)
    {
      HeyaiSyncRemoteFile *file = g_ptr_array_index (files, i);
      g_autofree char *device = device_from_name (file->name);

      if (device == NULL)
        continue;

      if (g_str_equal (device, run->device))
        {
          /* Several (two first syncs raced): keep the one we wrote last. */
          if (run->own == NULL || g_strcmp0 (file->id, run->stored_file_id) == 0)
            {
              heyai_sync_remote_file_free (run->own);
              run->own = heyai_sync_remote_file_copy (file);
            }
          continue;
        }

      /* Several copies of one other computer: merge one per sync. */
      {
        gboolean seen = FALSE;

        for (guint j = 0; j < run->to_download->len && !seen; j++)
          {
            g_autofree char *other = device_from_name (((HeyaiSyncRemoteFile *) g_ptr_array_index (run->to_download, j))->name);

            seen = g_strcmp0 (other, device) == 0;
          }
        if (seen)
          continue;
      }

      if (peer_is_current (run->store, device, file))
        continue;

      /* The rest waits for the next sync (SQLite's ATTACH limit). */
      if (run->to_download->len < HEYAI_MERGE_MAX_PEERS)
        g_ptr_array_add (run->to_download, heyai_sync_remote_file_copy (file));
    }

  /* Our copy changed without us: the library folder was copied to another
   * computer (same device id), or an earlier upload finished unrecorded.
   * Merge it like another computer's before replacing it (idempotent). */
  if (run->own != NULL && run->stored_md5 != NULL && run->to_download->len < HEYAI_MERGE_MAX_PEERS &&
      g_strcmp0 (run->own->md5 != NULL ? run->own->md5 : run->own->version, run->stored_md5) != 0)
    g_ptr_array_add (run->to_download, heyai_sync_remote_file_copy (run->own));

  if (g_mkdir_with_parents (run->work_dir, 0700) != 0)
    {
      heyai_set_io_error (&error, errno, _("Could not create the sync work folder"));
      run_return_error (task, error);
      return;
    }

  download_next (task);
}

void
heyai_sync_run_async (HeyaiStore            *store,
                      HeyaiSyncRemote       *remote,
                      GCancellable          *cancellable,
                      HeyaiSyncProgressFunc  progress,
                      gpointer               progress_data,
                      GDestroyNotify         progress_destroy,
                      GAsyncReadyCallback    callback,
                      gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *data_dir = NULL;
  SyncRun *run;

  g_return_if_fail (HEYAI_IS_STORE (store));
  g_return_if_fail (HEYAI_IS_SYNC_REMOTE (remote));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_sync_run_async);

  run = g_new0 (SyncRun, 1);
  run->progress = progress;
  run->progress_data = progress_data;
  run->progress_destroy = progress_destroy;
  run->lock_fd = -1;
  run->store = g_object_ref (store);
  g_task_set_task_data (task, run, sync_run_free);

  data_dir = store_data_dir (store);
  run->work_dir = g_build_filename (data_dir, "sync", NULL);

  /* A damaged library (opened read-only) is never merged into: the merge
   * writes through its own connection. */
  {
    GError *error = NULL;

    if (!heyai_store_check_writable (store, &error))
      {
        g_task_return_error (task, error);
        return;
      }
  }

  /* One sync per library at a time, in this process (the window) and
   * across processes (`heyai sync` next to the window). */
  if (g_object_get_data (G_OBJECT (store), RUNNING_KEY) == NULL &&
      g_mkdir_with_parents (run->work_dir, 0700) == 0)
    {
      g_autofree char *lock_path = g_build_filename (run->work_dir, "sync.lock", NULL);
      int fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

      if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0)
        run->lock_fd = fd;
      else if (fd >= 0)
        close (fd);
    }
  if (run->lock_fd < 0)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("A sync is already running (in this window or in another HeyAI Studio). "
                                 "Try again when it has finished."));
      return;
    }
  g_object_set_data (G_OBJECT (store), RUNNING_KEY, GINT_TO_POINTER (1));

  run->remote = g_object_ref (remote);
  run->db_path = g_strdup (heyai_store_get_path (store));
  run->device = g_strdup (heyai_store_get_device_id (store));
  run->report = g_new0 (HeyaiSyncReport, 1);
  run->to_download = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_sync_remote_file_free);
  run->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_merge_peer_free);
  run->stored_fingerprint = heyai_store_get_meta (store, META_FP);
  run->stored_md5 = heyai_store_get_meta (store, META_MD5);
  run->stored_file_id = heyai_store_get_meta (store, META_FILE_ID);

  report_progress (run, _("Looking for changes from other computers…"), 0.05);
  heyai_sync_remote_list_async (remote, cancellable, on_listed, g_object_ref (task));
}

HeyaiSyncReport *
heyai_sync_run_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
heyai_sync_is_running (HeyaiStore *store)
{
  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);

  return g_object_get_data (G_OBJECT (store), RUNNING_KEY) != NULL;
}

gint64
heyai_sync_get_last_time (HeyaiStore *store)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), 0);

  value = heyai_store_get_meta (store, META_LAST);
  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

char *
heyai_sync_report_describe (const HeyaiSyncReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint changes;

  g_return_val_if_fail (report != NULL, NULL);

  changes = report->rows_inserted + report->rows_updated;
  if (report->peers == 0)
    g_string_append (text, _("No new changes from other computers."));
  else
    {
      g_autofree char *computers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u other computer",
                                                                 "%u other computers", report->peers),
                                                    report->peers);

      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Merged %u change from %s.",
                                                 "Merged %u changes from %s.", changes),
                              changes, computers);
    }

  g_string_append_c (text, ' ');
  if (report->uploaded)
    {
      g_autofree char *size = g_format_size (report->bytes_uploaded);

      g_string_append_printf (text, _("Uploaded this computer’s library (%s)."), size);
    }
  else
    g_string_append (text, _("Nothing new to upload."));

  if (report->damaged > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "The copy of %u other computer is damaged and was skipped; "
                                                 "sync on that computer again.",
                                                 "The copies of %u other computers are damaged and were skipped; "
                                                 "sync on those computers again.", report->damaged),
                              report->damaged);
    }

  if (report->conflicts > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u edit conflicted with another computer’s: the newer one was kept.",
                                                 "%u edits conflicted with another computer’s: the newer ones were kept.",
                                                 report->conflicts), report->conflicts);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* ------------------------------------------------------------------------ */
/* Conflicts                                                                */
/* ------------------------------------------------------------------------ */

void
heyai_sync_conflict_free (HeyaiSyncConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->id);
  g_free (conflict->table_name);
  g_free (conflict->row_id);
  g_free (conflict->project_id);
  g_free (conflict->label);
  g_free (conflict->field);
  g_free (conflict->winning_value);
  g_free (conflict->losing_value);
  g_free (conflict->winning_device);
  g_free (conflict->losing_device);
  g_free (conflict);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const unsigned char *text = sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static void
set_store_error (GError     **error,
                 sqlite3     *db)
{
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
               _("Could not read the sync conflicts: %s"), sqlite3_errmsg (db));
}

GPtrArray *
heyai_sync_list_conflicts (HeyaiStore  *store,
                           const char  *project_id,
                           gboolean     include_resolved,
                           GError     **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int rc;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);

  db = heyai_store_get_handle (store);
  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, table_name, row_id, project_id, label, field, winning_value, "
                           "  losing_value, winning_device, losing_device, detected_at, resolved "
                           "FROM conflicts WHERE deleted = 0 AND (?1 IS NULL OR project_id = ?1) "
                           "  AND (?2 OR resolved = 0) "
                           "ORDER BY detected_at DESC, id", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_store_error (error, db);
      return NULL;
    }

  sqlite3_bind_text (stmt, 1, project_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, include_resolved ? 1 : 0);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_sync_conflict_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HeyaiSyncConflict *c = g_new0 (HeyaiSyncConflict, 1);

      c->id = column_dup (stmt, 0);
      c->table_name = column_dup (stmt, 1);
      c->row_id = column_dup (stmt, 2);
      c->project_id = column_dup (stmt, 3);
      c->label = column_dup (stmt, 4);
      c->field = column_dup (stmt, 5);
      c->winning_value = column_dup (stmt, 6);
      c->losing_value = column_dup (stmt, 7);
      c->winning_device = column_dup (stmt, 8);
      c->losing_device = column_dup (stmt, 9);
      c->detected_at = sqlite3_column_int64 (stmt, 10);
      c->resolved = sqlite3_column_int (stmt, 11) != 0;
      g_ptr_array_add (list, c);
    }

  if (rc != SQLITE_DONE)
    {
      set_store_error (error, db);
      sqlite3_finalize (stmt);
      return NULL;
    }

  sqlite3_finalize (stmt);
  return g_steal_pointer (&list);
}

/* @field must be a real, editable column of @table (both come from synced
 * data: never paste them into SQL unchecked). */
static gboolean
is_editable_column (sqlite3    *db,
                    const char *table,
                    const char *field)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (g_strcmp0 (table, "projects") != 0 && g_strcmp0 (table, "scenes") != 0 &&
      g_strcmp0 (table, "assets") != 0)
    return FALSE;
  if (field == NULL || g_str_equal (field, "id") || g_str_equal (field, "updated_at") ||
      g_str_equal (field, "created_at") || g_str_equal (field, "local_path"))
    return FALSE;

  sql = g_strdup_printf ("PRAGMA table_info(%s)", table);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  while (!found && sqlite3_step (stmt) == SQLITE_ROW)
    found = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), field) == 0;
  sqlite3_finalize (stmt);

  return found;
}

static gboolean
exec_bound (HeyaiStore  *store,
            const char  *sql,
            const char  *a,
            const char  *b,
            const char  *c,
            int         *changes,
            GError     **error)
{
  sqlite3 *db = heyai_store_get_handle (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, a, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, b, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, c, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  if (changes != NULL)
    *changes = sqlite3_changes (db);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE,
                   _("Could not save the choice: %s"), sqlite3_errmsg (db));
      return FALSE;
    }
  return TRUE;
}

gboolean
heyai_sync_resolve_conflict (HeyaiStore          *store,
                             const char          *conflict_id,
                             HeyaiSyncResolution  how,
                             GError             **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *table = NULL;
  g_autofree char *row_id = NULL;
  g_autofree char *field = NULL;
  g_autofree char *losing = NULL;
  g_autofree char *now = NULL;
  gboolean found = FALSE;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (conflict_id != NULL, FALSE);

  db = heyai_store_get_handle (store);
  if (sqlite3_prepare_v2 (db, "SELECT table_name, row_id, field, losing_value FROM conflicts "
                          "WHERE id = ?1 AND deleted = 0", -1, &stmt, NULL) != SQLITE_OK)
    {
      set_store_error (error, db);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, conflict_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      found = TRUE;
      table = column_dup (stmt, 0);
      row_id = column_dup (stmt, 1);
      field = column_dup (stmt, 2);
      losing = column_dup (stmt, 3);
    }
  sqlite3_finalize (stmt);

  if (!found)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("No sync conflict “%s”. “heyai sync --conflicts” lists them."), conflict_id);
      return FALSE;
    }

  if (how == HEYAI_SYNC_USE_OTHER_VALUE && !is_editable_column (db, table, field))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("This conflict cannot be undone from here (unknown field “%s”)."), field);
      return FALSE;
    }

  if (!heyai_store_begin (store, error))
    return FALSE;

  if (how == HEYAI_SYNC_USE_OTHER_VALUE)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE %s SET %s = ?1, updated_at = ?2 WHERE id = ?3",
                                              table, field);
      int changes = 0;

      now = heyai_hlc_now (heyai_store_get_hlc (store));
      if (!exec_bound (store, sql, losing, now, row_id, &changes, error))
        goto failed;
      if (changes == 0)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                       _("The item of this conflict no longer exists in the library."));
          goto failed;
        }
      g_free (now);
    }

  now = heyai_hlc_now (heyai_store_get_hlc (store));
  if (!exec_bound (store, "UPDATE conflicts SET resolved = 1, updated_at = ?1 WHERE id = ?2",
                   now, conflict_id, NULL, NULL, error))
    goto failed;

  if (!heyai_store_commit (store, error))
    return FALSE;

  if (!heyai_store_reload (store, NULL, error))
    return FALSE;

  return TRUE;

failed:
  heyai_store_rollback (store);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Lazy assets                                                              */
/* ------------------------------------------------------------------------ */

typedef struct
{
  HeyaiStore *store;
  HeyaiAsset *asset;
  char       *part;      /* download target */
  char       *stem;      /* final path without extension */
  char       *sha256;    /* expected, or NULL */
  char       *asset_id;  /* a copy for the thread */
  char       *final;     /* set by the check thread */
} EnsureData;

static void
ensure_data_free (gpointer data)
{
  EnsureData *ed = data;

  g_clear_object (&ed->store);
  g_clear_object (&ed->asset);
  if (ed->part != NULL)
    g_unlink (ed->part);
  g_free (ed->part);
  g_free (ed->stem);
  g_free (ed->sha256);
  g_free (ed->asset_id);
  g_free (ed->final);
  g_free (ed);
}

static const char *
extension_for (const char *content_type)
{
  static const struct { const char *type; const char *ext; } map[] = {
    { "image/png", ".png" }, { "image/jpeg", ".jpg" }, { "image/webp", ".webp" },
    { "video/mp4", ".mp4" }, { "video/webm", ".webm" }, { "video/quicktime", ".mov" },
    { "application/pdf", ".pdf" }, { "application/zip", ".zip" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (content_type != NULL && g_content_type_is_a (content_type, map[i].type))
      return map[i].ext;
  return "";
}

/* Thread: checksum, sniff the type, move into place. */
static void
ensure_check_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  EnsureData *ed = task_data;
  g_autofree char *sum = NULL;
  g_autofree char *content_type = NULL;
  guint8 head[4096];
  gsize head_len = 0;
  GError *error = NULL;
  FILE *fp;

  if (ed->sha256 != NULL && *ed->sha256 != '\0')
    {
      sum = heyai_file_sha256 (ed->part, cancellable, &error);
      if (sum == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (g_ascii_strcasecmp (sum, ed->sha256) != 0)
        {
          g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                   _("The downloaded file does not match the one the other computer made "
                                     "(checksum differs). Sync on that computer and try again."));
          return;
        }
    }

  fp = g_fopen (ed->part, "rb");
  if (fp != NULL)
    {
      head_len = fread (head, 1, sizeof head, fp);
      fclose (fp);
    }
  content_type = g_content_type_guess (NULL, head, head_len, NULL);
  ed->final = g_strconcat (ed->stem, extension_for (content_type), NULL);

  /* Two computers may both have made "take 2" of a scene: never overwrite
   * another take's file. */
  if (g_file_test (ed->final, G_FILE_TEST_EXISTS))
    {
      g_free (ed->final);
      ed->final = g_strdup_printf ("%s-%.8s%s", ed->stem, ed->asset_id, extension_for (content_type));
    }

  if (g_rename (ed->part, ed->final) != 0)
    {
      heyai_set_io_error (&error, errno, _("Could not save the downloaded file"));
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&ed->part, g_free);

  g_task_return_boolean (task, TRUE);
}

static void
on_ensure_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnsureData *ed = g_task_get_task_data (task);
  GError *error = NULL;
  int changes = 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* local_path is local-only: no new stamp, nothing to sync. */
  if (!exec_bound (ed->store, "UPDATE assets SET local_path = ?1 WHERE id = ?2",
                   ed->final, heyai_asset_get_id (ed->asset), NULL, &changes, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  heyai_asset_set_local_path (ed->asset, ed->final);
  g_signal_emit_by_name (ed->store, "asset-changed", ed->asset);

  g_task_return_pointer (task, g_strdup (ed->final), g_free);
}

static void
on_ensure_downloaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GTask) check = NULL;
  GError *error = NULL;

  if (!heyai_sync_remote_download_finish (HEYAI_SYNC_REMOTE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  check = g_task_new (NULL, g_task_get_cancellable (task), on_ensure_checked, g_object_ref (task));
  g_task_set_task_data (check, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (check, ensure_check_thread);
}

void
heyai_sync_ensure_local_asset_async (HeyaiStore          *store,
                                     HeyaiSyncRemote     *remote,
                                     HeyaiAsset          *asset,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  const char *local = heyai_asset_get_local_path (asset);
  const char *file_id = heyai_asset_get_drive_file_id (asset);
  const char *sub;
  EnsureData *ed;
  int position = 0;

  g_return_if_fail (HEYAI_IS_STORE (store));
  g_return_if_fail (HEYAI_IS_SYNC_REMOTE (remote));
  g_return_if_fail (HEYAI_IS_ASSET (asset));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_sync_ensure_local_asset_async);

  if (local != NULL && *local != '\0' && g_file_test (local, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_pointer (task, g_strdup (local), g_free);
      return;
    }

  if (file_id == NULL || *file_id == '\0')
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                               _("This take’s file is not on this computer and was never uploaded "
                                 "to Google Drive. Open the project on the computer that made it and sync."));
      return;
    }

  project = heyai_store_find_project (store, heyai_asset_get_project_id (asset), &error);
  if (project == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (heyai_asset_get_scene_id (asset) != NULL)
    {
      scene = heyai_store_get_scene (store, heyai_asset_get_scene_id (asset), NULL);
      if (scene != NULL)
        position = heyai_scene_get_position (scene);
    }

  switch (heyai_asset_get_kind (asset))
    {
    case HEYAI_ASSET_KIND_IMAGE: sub = "images"; break;
    case HEYAI_ASSET_KIND_CLIP: sub = "clips"; break;
    default: sub = "final"; break;
    }

  data_dir = store_data_dir (store);
  root = heyai_local_root (data_dir);
  dir = heyai_project_dir (root, project, sub);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      GError *io = NULL;

      heyai_set_io_error (&io, errno, _("Could not create the project folder"));
      g_task_return_error (task, io);
      return;
    }

  if (scene != NULL)
    base = heyai_take_basename (position, heyai_asset_get_take (asset));
  else
    base = g_strdup_printf ("%s-%d", heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, heyai_asset_get_kind (asset)),
                            heyai_asset_get_take (asset));

  ed = g_new0 (EnsureData, 1);
  ed->store = g_object_ref (store);
  ed->asset = g_object_ref (asset);
  ed->stem = g_build_filename (dir, base, NULL);
  ed->part = g_strconcat (ed->stem, ".download", NULL);
  ed->sha256 = g_strdup (heyai_asset_get_sha256 (asset));
  ed->asset_id = g_strdup (heyai_asset_get_id (asset));
  g_task_set_task_data (task, ed, ensure_data_free);

  heyai_sync_remote_download_async (remote, file_id, ed->part, cancellable,
                                    on_ensure_downloaded, g_object_ref (task));
}

char *
heyai_sync_ensure_local_asset_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Remotes                                                                  */
/* ------------------------------------------------------------------------ */

HeyaiSyncRemote *
heyai_sync_remote_for_storage (const char  *storage,
                               const char  *data_dir,
                               HeyaiStore  *store,
                               GError     **error)
{
  const char *folder = g_getenv ("HEYAI_SYNC_FOLDER");
  g_autofree char *root = NULL;

  if (g_strcmp0 (storage, "gdrive") == 0)
    {
      g_autoptr(HeyaiOauth) oauth = heyai_oauth_new ();
      g_autoptr(HeyaiDrive) drive = heyai_drive_new (oauth);
      g_auto(HeyaiProviderConfig) config = { 0 };

      heyai_provider_config_init_from_env (&config, data_dir);
      heyai_drive_set_shared_drive_id (drive, config.drive_shared_drive_id);
      return HEYAI_SYNC_REMOTE (heyai_sync_drive_new (drive, store));
    }

  if (folder != NULL && *folder != '\0')
    root = g_strdup (folder);
  else
    root = heyai_local_root (data_dir);

  return HEYAI_SYNC_REMOTE (heyai_sync_folder_new (root));
}
