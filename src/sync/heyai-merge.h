/* heyai-merge.h: snapshots and row-by-row merges of HeyAI libraries.
 *
 * The synchronous half of the sync engine.  Every function works on its own
 * sqlite3 connection (heyai_merge_open), never on the store's, so that the
 * engine can run in a GTask worker while the window keeps editing: SQLite
 * (WAL) serializes the writers, and the window's objects are refreshed with
 * heyai_store_reload() on the main thread afterwards.
 *
 * Synced tables, in merge order: projects, scenes, assets, jobs, conflicts.
 * Never synced: `meta` (device id, sync bookkeeping), `sync_base`,
 * `sync_peers`; secrets are never in the database at all.
 *
 * Per-column rules:
 *  - assets.local_path is per computer: a merged asset keeps this computer's
 *    path when that file exists here, else takes the incoming path only when
 *    that file exists here inside the local project tree (same folder
 *    layout), else NULL (the file is
 *    downloaded lazily, see heyai_sync_ensure_local_asset_async()).
 *  - jobs are execution state of the computer that runs them (remote task id,
 *    idempotency key, resumable upload session): only finished jobs (done,
 *    failed, cancelled) are merged, as history and cost ledger, so no other
 *    computer ever resumes or resubmits a job.  jobs.upload_session (a Drive
 *    session URI grants upload access without a token) is blanked in
 *    snapshots and never merged.
 *  - conflicts merge last-writer-wins (the resolved flag travels).
 *
 * Merge of one row (projects, scenes, assets), with base = the row as it was
 * at this computer's last sync (table sync_base):
 *  - unknown here: inserted;
 *  - incoming equals base (the other computer did not change it): kept;
 *  - only the other computer changed it since base (or no base): the newer
 *    updated_at wins (last writer wins);
 *  - both changed it: field by field, a field changed on one side takes that
 *    side's value; a field changed on both sides to different values takes
 *    the newer edit's value and the losing value goes to `conflicts`; a row
 *    deleted on one side and edited on the other stays deleted and the lost
 *    edit is listed as a conflict on the field "deleted".  A merged row that
 *    differs from both sides gets a new HLC stamp so that it propagates.
 * After merging, the live scenes of every touched project are renumbered
 * 1..n in (position, created_at, id) order when two computers inserted or
 * moved scenes concurrently (duplicate or missing positions).
 * Conflict ids are derived from (table, row, field, the two stamps), so two
 * computers that detect the same conflict record one row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "heyai-hlc.h"

G_BEGIN_DECLS

/* The tables the sync copies, in merge (foreign key) order. */
extern const char * const heyai_merge_tables[];

/* A second read-write connection to the library at @db_path (URI filenames
 * on, foreign keys on, busy timeout).  Returns a sqlite3 *; close with
 * heyai_merge_close(). */
gpointer  heyai_merge_open          (const char   *db_path,
                                     GError      **error);
void      heyai_merge_close         (gpointer      db);

/* A hash of (table, id, updated_at) of every synced row: equal fingerprints
 * mean nothing to upload.  Newly allocated hex. */
char     *heyai_merge_fingerprint   (gpointer      db,
                                     GError      **error);

/* A consistent copy of the library (SQLite online backup API) at
 * @dest_path, without the local-only tables and columns, vacuumed, in
 * rollback-journal mode. Replaces @dest_path. */
gboolean  heyai_merge_snapshot      (gpointer      db,
                                     const char   *dest_path,
                                     GError      **error);

/* Snapshots travel gzip-compressed (a library compresses about 5:1). */
gboolean  heyai_merge_gzip          (const char   *src_path,
                                     const char   *dest_path,
                                     GError      **error);
/* Decompresses @src_path to @dest_path when it is gzip data, else copies
 * nothing and returns FALSE with no error (*@was_gzip = FALSE). */
gboolean  heyai_merge_gunzip        (const char   *src_path,
                                     const char   *dest_path,
                                     gboolean     *was_gzip,
                                     GError      **error);

/* PRAGMA user_version of a snapshot file (without writing to it), after
 * checking that it is an intact HeyAI library (quick_check, a projects
 * table): else HEYAI_ERROR_DATABASE. */
gboolean  heyai_merge_peek_version  (const char   *path,
                                     int          *version,
                                     GError      **error);

/* One downloaded snapshot of another computer. */
typedef struct
{
  char *device;    /* from its name library-<device>.sqlite */
  char *path;      /* the downloaded file */
  char *file_id;   /* remote bookkeeping, stored in sync_peers */
  char *version;
  char *md5;
} HeyaiMergePeer;

HeyaiMergePeer *heyai_merge_peer_new  (const char *device,
                                       const char *path,
                                       const char *file_id,
                                       const char *version,
                                       const char *md5);
void            heyai_merge_peer_free (HeyaiMergePeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiMergePeer, heyai_merge_peer_free)

typedef struct
{
  guint  rows_inserted;    /* rows new here */
  guint  rows_updated;     /* rows replaced or field-merged */
  guint  conflicts;        /* conflicts recorded (new ones) */
  guint  peers;            /* snapshots merged */
  char  *max_stamp;        /* newest incoming updated_at (observed into the HLC) */
  /* Project id -> GINT_TO_POINTER (1 if the project row is new here, else 2)
   * for every project whose row or rows (scenes, assets...) the merge wrote;
   * NULL until the first write. */
  GHashTable *projects;
  guint  chunks;             /* write transactions taken */
  gint64 longest_lock_usec;  /* the longest of them (BEGIN IMMEDIATE to COMMIT) */
} HeyaiMergeStats;

void heyai_merge_stats_clear (HeyaiMergeStats *stats);

/* Merges every snapshot of @peers (HeyaiMergePeer*) into the library, then
 * records the peers' versions and the base of every row changed since the
 * last sync.  The writes go in short transactions (at most 200 rows or
 * about 20 ms each; see longest_lock_usec) so that the window and a
 * running batch never wait long for the library; each row is decided on
 * its local value read again inside the transaction that writes it, so a
 * local edit made while the merge runs is merged like any other (kept, or
 * field-merged with a conflict), never reverted.  On an error (or a kill)
 * the chunks already committed stay: each holds whole rows, and a peer is
 * recorded as merged only after all of its rows, so the next sync
 * finishes the work.  A snapshot whose schema is newer than ours fails with
 * HEYAI_ERROR_SCHEMA_TOO_NEW before anything is written; an older one is
 * merged on the columns both know.  @hlc observes every incoming stamp and
 * stamps field-merged rows.  An incoming assets.local_path is only kept
 * when it names an existing file inside @local_root (the local project
 * tree; NULL: never), so another computer's copy cannot point an asset at
 * an arbitrary file here.
 * At most 8 peers per call (SQLite's ATTACH limit): pass the rest later. */
gboolean heyai_merge_apply   (gpointer          db,
                              HeyaiHlc         *hlc,
                              const char       *local_root,
                              GPtrArray        *peers,
                              HeyaiMergeStats  *stats,
                              GError          **error);

#define HEYAI_MERGE_MAX_PEERS 8

/* Test hook: called (in the merging thread) before each write chunk, with
 * the table and the index of the chunk's first candidate row, while the
 * merge holds no transaction.  NULL removes it. */
typedef void (*HeyaiMergeChunkFunc) (const char *table,
                                     guint       first,
                                     gpointer    user_data);
void heyai_merge_set_chunk_hook (HeyaiMergeChunkFunc func,
                                 gpointer            user_data);

/* Test hook: when $HEYAI_SYNC_FAILPOINT equals @name the process _exit()s
 * with status 77 (a kill at that point). Points: "merge" (mid-transaction),
 * "upload" (half of a snapshot written to the remote). */
void heyai_merge_failpoint (const char *name);

G_END_DECLS
