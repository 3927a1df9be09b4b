/* heyai-sync.h: the library follows the producer across computers.
 *
 * Each computer uploads a snapshot of its library (SQLite online backup API,
 * without the local-only tables, gzip-compressed) to the sync folder as
 * `library-<device>.sqlite.gz` (Drive: `HeyAI Projects/.heyai/`), downloads the
 * other computers' snapshots that changed since it last merged them, and
 * merges them row by row (heyai-merge.h has the rules and the conflict
 * model).  A sync (heyai_sync_run_async):
 *   1. lists the sync folder (one listing request);
 *   2. downloads the snapshots whose version changed since the last merge
 *      (table sync_peers), in a thread;
 *   3. merges them in ONE transaction on its own connection in a worker
 *      thread (the window keeps editing; SQLite serializes the two writers),
 *      then refreshes the live objects (heyai_store_reload) so the window
 *      redraws;
 *   4. snapshots the library and uploads it (replacing the previous one),
 *      unless nothing changed since the last upload: a fingerprint of every
 *      (table, id, updated_at) is kept in meta and the remote md5 compared;
 *      a second sync with nothing new makes one listing request and nothing
 *      else.
 * Offline (no network, unmounted folder), a sync fails with
 * HEYAI_ERROR_RETRYABLE and a "will sync later" message and changes nothing.
 * Killed at any point, the library stays consistent (one transaction) and the
 * remote keeps a complete snapshot (replaced only when the new one is
 * complete); the next sync completes the work.
 * A damaged copy (or a file that is not a HeyAI library) is skipped and
 * counted in the report, and retried at the next sync.
 * A snapshot from a newer HeyAI Studio (higher schema) is not merged: the
 * others are, ours is uploaded, and the sync then fails with
 * HEYAI_ERROR_SCHEMA_TOO_NEW ("Another computer uses a newer HeyAI Studio;
 * update this one to sync.").
 *
 * Secrets never reach the database, so never a snapshot; `meta`,
 * `sync_base`, `sync_peers` and jobs.upload_session are stripped too.
 *
 * Everything here is called on the main thread (the store's thread);
 * callbacks run on the caller's thread-default main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-core.h"
#include "heyai-sync-remote.h"

G_BEGIN_DECLS

/* Where a sync is: a message for people ("Merging changes from 1 other
 * computer…") and a fraction 0..1. */
typedef void (*HeyaiSyncProgressFunc) (const char *step,
                                       double      fraction,
                                       gpointer    user_data);

typedef struct
{
  guint    peers;             /* other computers' snapshots merged */
  guint    rows_inserted;     /* rows new on this computer */
  guint    rows_updated;      /* rows changed by the merge */
  guint    conflicts;         /* new conflicts (heyai_sync_list_conflicts) */
  gboolean uploaded;          /* our snapshot was uploaded */
  guint64  bytes_uploaded;
  guint64  bytes_downloaded;
  guint    list_calls;        /* listing requests made */
  guint    damaged;           /* other computers' copies skipped as damaged
                               * (retried at the next sync) */
  gint64   longest_lock_usec; /* the merge's longest write transaction */
} HeyaiSyncReport;

void heyai_sync_report_free (HeyaiSyncReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiSyncReport, heyai_sync_report_free)

/* One sync with @remote (see above).  Only one sync per library runs at a
 * time, in this process and across processes (a flock on
 * <data dir>/sync/sync.lock): a second one fails at once with
 * HEYAI_ERROR_FAILED ("A sync is already running ...").
 * @progress (nullable) is called on the main context. */
void             heyai_sync_run_async  (HeyaiStore            *store,
                                        HeyaiSyncRemote       *remote,
                                        GCancellable          *cancellable,
                                        HeyaiSyncProgressFunc  progress,
                                        gpointer               progress_data,
                                        GDestroyNotify         progress_destroy,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data);
HeyaiSyncReport *heyai_sync_run_finish (GAsyncResult          *result,
                                        GError               **error);

/* TRUE while heyai_sync_run_async() runs for @store in this process (for a
 * spinner / a disabled Sync action). */
gboolean         heyai_sync_is_running    (HeyaiStore *store);

/* When the last sync of this library completed (µs since the epoch), 0 if
 * never. */
gint64           heyai_sync_get_last_time (HeyaiStore *store);

/* A one-line summary for people ("Merged 12 changes from 1 other computer;
 * uploaded this computer's library (84 kB)."). */
char            *heyai_sync_report_describe (const HeyaiSyncReport *report);

/* The remote the CLI and the window use: Google Drive when @storage is
 * "gdrive", else the folder $HEYAI_SYNC_FOLDER or the local tree root
 * (heyai_local_root(@data_dir)). */
HeyaiSyncRemote *heyai_sync_remote_for_storage (const char  *storage,
                                                const char  *data_dir,
                                                HeyaiStore  *store,
                                                GError     **error);

/* ------------------------------------------------------------------------ */
/* Conflicts                                                                */

/* The same field of the same row was changed on two computers between
 * syncs: the newer edit won on both, the other value is kept here.  Rows of
 * the synced `conflicts` table, so every computer lists them and resolving
 * on one resolves everywhere. */
typedef struct
{
  char    *id;
  char    *table_name;      /* "projects", "scenes", "assets" */
  char    *row_id;
  char    *project_id;
  char    *label;           /* "Scene 3: The lighthouse", the project title, ... */
  char    *field;           /* column: "image_prompt", "title", ... or "deleted" */
  char    *winning_value;   /* the value now in the library */
  char    *losing_value;    /* the other computer's value (NULL: empty) */
  char    *winning_device;  /* device ids (see heyai_store_get_device_id) */
  char    *losing_device;
  gint64   detected_at;     /* µs since the epoch */
  gboolean resolved;
} HeyaiSyncConflict;

void heyai_sync_conflict_free (HeyaiSyncConflict *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiSyncConflict, heyai_sync_conflict_free)

/* Conflicts, newest first; @project_id NULL for every project.  Element type
 * HeyaiSyncConflict. */
GPtrArray *heyai_sync_list_conflicts   (HeyaiStore  *store,
                                        const char  *project_id,
                                        gboolean     include_resolved,
                                        GError     **error);

typedef enum
{
  HEYAI_SYNC_KEEP_WINNER,      /* dismiss: keep the value in the library */
  HEYAI_SYNC_USE_OTHER_VALUE,  /* write the losing value back as a new edit */
} HeyaiSyncResolution;

/* Marks @conflict_id resolved; with HEYAI_SYNC_USE_OTHER_VALUE first writes
 * the losing value into the row as a new edit (a "deleted" conflict brings
 * the row back).  Live objects are refreshed and notified. */
gboolean   heyai_sync_resolve_conflict (HeyaiStore          *store,
                                        const char          *conflict_id,
                                        HeyaiSyncResolution  how,
                                        GError             **error);

/* ------------------------------------------------------------------------ */
/* Assets follow lazily                                                     */

/* Makes @asset's file available on this computer: when its local-path is
 * missing or the file is not there and it has a drive-file-id, downloads it
 * into the local tree (heyai_project_dir (heyai_local_root (data dir),
 * project, "images"|"clips"|"final")/scene-NN[-take-N].<ext>, the extension
 * sniffed from the content), checks its sha256 when known, and sets
 * local-path (a local-only column: no new HLC stamp, nothing to sync; the
 * object notifies and the store emits "asset-changed").  Returns the local
 * path (newly allocated).  No drive-file-id and no file: HEYAI_ERROR_NOT_FOUND. */
void       heyai_sync_ensure_local_asset_async  (HeyaiStore          *store,
                                                 HeyaiSyncRemote     *remote,
                                                 HeyaiAsset          *asset,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char      *heyai_sync_ensure_local_asset_finish (GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
