/* heyai-store.h: the SQLite database (projects, scenes, assets, jobs).
 *
 * One file, WAL, foreign keys on, synchronous=NORMAL, created 0600.  Numbered
 * migrations through PRAGMA user_version; a database from a newer program is
 * refused with HEYAI_ERROR_SCHEMA_TOO_NEW and left untouched.
 *
 * Every row carries a uuid, an HLC updated_at and a tombstone (deleted = 1);
 * deletes are tombstones, and list/get functions skip tombstoned rows.
 *
 * The store keeps an identity map: while a model object is alive, loading the
 * same row again returns the same instance (refreshed, notifying only changed
 * properties), so the window and the pipeline share one object per row.
 * Use it from one thread (the main thread).  Workers that need the data get
 * copies.  Writes stamp updated_at with the store's HLC.
 *
 * Every object the store reads or writes remembers that row (its base).
 * An update writes only the columns whose value differs from the base,
 * and only while the row's updated_at is still the base's; when another
 * connection (`heyai cancel`, the sync merge, a second window) moved the
 * row in between, the store re-reads it, keeps the other writer's columns,
 * puts this object's changed columns on top (last writer wins per column),
 * logs a conflict (table `conflicts`) for each column both changed to
 * different values, and writes again; a job the other writer finished
 * (done, failed, cancelled) stays finished.  The object then holds the
 * merged row.  An update that changes nothing writes nothing.  Objects
 * never read through the store (made with _new() and an id) are written
 * whole, as before.
 *
 * Schema: tables projects, scenes, assets, jobs; each column is the object's
 * property name with '-' -> '_' (id TEXT uuid primary key, project_id, ...,
 * created_at INTEGER µs, updated_at TEXT HLC, deleted INTEGER 0/1); enums are
 * stored as their nicks ("ready_for_edit", "push-in", ...).  scenes, assets
 * and jobs have project_id REFERENCES projects(id).  `meta` (key, value) is
 * local-only and never synced.  Migrations are the numbered `migrations[]`
 * array in heyai-store.c: adding one is one entry + bumping the version.
 *
 * Writes to the same connection are single statements or transactions;
 * heyai_store_begin() nests (SAVEPOINTs), and the change signals of a
 * transaction are emitted after the outermost commit (dropped on rollback).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"
#include "heyai-hlc.h"

G_BEGIN_DECLS

#define HEYAI_STORE_SCHEMA_VERSION 6

#define HEYAI_TYPE_STORE (heyai_store_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiStore, heyai_store, HEYAI, STORE, GObject)

/* Opens (creating and migrating) the database at @path.  The parent folder is
 * created.  Signals:
 *   "project-changed" (HeyaiProject*), "scenes-changed" (const char *project_id),
 *   "job-changed" (HeyaiJob*), "asset-changed" (HeyaiAsset*),
 *   "bible-changed" (const char *project_id: its bible entries, images or
 *   scene casts changed; NULL after heyai_store_reload(): any project may have)
 * are emitted after each successful write. */
HeyaiStore   *heyai_store_new                (const char    *path,
                                              GError       **error);
const char   *heyai_store_get_path           (HeyaiStore    *self);
const char   *heyai_store_get_device_id      (HeyaiStore    *self);
HeyaiHlc     *heyai_store_get_hlc            (HeyaiStore    *self);
/* The raw handle, for sync and tests (sqlite3 *). */
gpointer      heyai_store_get_handle         (HeyaiStore    *self);

/* A library that fails PRAGMA quick_check on open is opened read-only
 * (property "read-only"): reads work (list, show, export), every write
 * fails with HEYAI_ERROR_PERMISSION and the reason below, and nothing is
 * written into the file, not even a WAL checkpoint on close.  The reason
 * is a translated sentence for a banner or stderr (NULL when writable). */
gboolean      heyai_store_get_read_only      (HeyaiStore    *self);
const char   *heyai_store_get_read_only_reason (HeyaiStore  *self);
/* FALSE with the read-only reason as HEYAI_ERROR_PERMISSION when the
 * library is read-only: for front ends, before they start a write. */
gboolean      heyai_store_check_writable     (HeyaiStore    *self,
                                              GError       **error);

gboolean      heyai_store_begin              (HeyaiStore    *self,
                                              GError       **error);
/* On failure, commit rolls its level back itself: do not call rollback
 * after a failed commit. */
gboolean      heyai_store_commit             (HeyaiStore    *self,
                                              GError       **error);
void          heyai_store_rollback           (HeyaiStore    *self);

/* Projects.  insert assigns id (if NULL), number (next free n if 0),
 * created-at and updated-at. */
gboolean      heyai_store_insert_project     (HeyaiStore    *self,
                                              HeyaiProject  *project,
                                              GError       **error);
gboolean      heyai_store_update_project     (HeyaiStore    *self,
                                              HeyaiProject  *project,
                                              GError       **error);
gboolean      heyai_store_delete_project     (HeyaiStore    *self,
                                              HeyaiProject  *project,
                                              GError       **error);
/* @ref is a full uuid, a unique uuid prefix (>= 4 chars), or the project number.
 * Unknown: HEYAI_ERROR_NOT_FOUND; a prefix of several: HEYAI_ERROR_INVALID_INPUT. */
HeyaiProject *heyai_store_find_project       (HeyaiStore    *self,
                                              const char    *ref,
                                              GError       **error);
/* Element type HeyaiProject, newest change first. */
GPtrArray    *heyai_store_list_projects      (HeyaiStore    *self,
                                              GError       **error);

/* Scenes, ordered by position. */
GPtrArray    *heyai_store_list_scenes        (HeyaiStore    *self,
                                              const char    *project_id,
                                              GError       **error);
/* The first @limit scenes of heyai_store_list_scenes(), the same objects
 * (a window shows its first screenful before the rest is loaded). */
GPtrArray    *heyai_store_list_scenes_head   (HeyaiStore    *self,
                                              const char    *project_id,
                                              guint          limit,
                                              GError       **error);
/* The project's scenes as they are stored, without materializing them: ids
 * and updated_at stamps in list order, two strings per scene
 * (NULL-terminated).  Cheap enough to tell whether a list of live scene
 * objects is still the project's whole, current list. */
char        **heyai_store_list_scene_versions (HeyaiStore   *self,
                                               const char   *project_id,
                                               GError      **error);
HeyaiScene   *heyai_store_get_scene          (HeyaiStore    *self,
                                              const char    *scene_id,
                                              GError       **error);
HeyaiScene   *heyai_store_get_scene_at       (HeyaiStore    *self,
                                              const char    *project_id,
                                              int            position,
                                              GError       **error);
/* Tombstones the project's current scenes and inserts @scenes (positions
 * 1..n are assigned) in one transaction.  A scene object that already has an
 * id (kept from the old list) is revived with its id and takes. */
gboolean      heyai_store_replace_scenes     (HeyaiStore    *self,
                                              const char    *project_id,
                                              GPtrArray     *scenes,
                                              GError       **error);
/* Inserts at the scene's position (shifting the later ones down), or appends
 * when the position is 0 or past the end. */
gboolean      heyai_store_insert_scene       (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              GError       **error);
gboolean      heyai_store_update_scene       (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              GError       **error);
gboolean      heyai_store_delete_scene       (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              GError       **error);
/* Scenes removed from @project_id (tombstones: a script revision, "Replace
 * Scenes", a delete), the most recently removed first, with their takes. */
GPtrArray    *heyai_store_list_removed_scenes (HeyaiStore   *self,
                                               const char   *project_id,
                                               GError      **error);
/* Brings a removed scene back (its id, takes and approval) at its old
 * position, or at the end; the later scenes shift down. */
gboolean      heyai_store_restore_scene      (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              GError       **error);
/* Moves @scene to @position (1-based), renumbering the others. */
gboolean      heyai_store_move_scene         (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              int            position,
                                              GError       **error);

/* Assets.  insert fills a missing project-id from the scene and a take of 0
 * with max_take + 1. */
gboolean      heyai_store_insert_asset       (HeyaiStore    *self,
                                              HeyaiAsset    *asset,
                                              GError       **error);
gboolean      heyai_store_update_asset       (HeyaiStore    *self,
                                              HeyaiAsset    *asset,
                                              GError       **error);
/* The project's stills without materializing them: three strings per image
 * asset (scene id, take in decimal, local path), NULL-terminated, in the
 * order of heyai_store_list_project_assets().  A still kept only on Drive
 * (no local path yet) comes with an empty path. */
char        **heyai_store_list_still_paths   (HeyaiStore    *self,
                                              const char    *project_id,
                                              GError       **error);
/* Takes of @kind for @scene_id, ordered by take. */
GPtrArray    *heyai_store_list_assets        (HeyaiStore    *self,
                                              const char    *scene_id,
                                              HeyaiAssetKind kind,
                                              GError       **error);
/* Project-level listing (every kind, every scene). */
GPtrArray    *heyai_store_list_project_assets (HeyaiStore   *self,
                                              const char    *project_id,
                                              GError       **error);
/* The project's own assets of @kind, those of no scene (finals: the
 * editor's cut brought back), in the order of
 * heyai_store_list_project_assets(); only these rows are materialized. */
GPtrArray    *heyai_store_list_project_level_assets (HeyaiStore     *self,
                                                     const char     *project_id,
                                                     HeyaiAssetKind  kind,
                                                     GError        **error);
/* The asset of @kind with @take (NULL and no error if none). */
HeyaiAsset   *heyai_store_get_asset          (HeyaiStore    *self,
                                              const char    *scene_id,
                                              HeyaiAssetKind kind,
                                              int            take,
                                              GError       **error);
/* Highest take number of @kind for the scene (0 if none).  Tombstoned takes
 * count, so a take number (and its file name) is never reused. */
int           heyai_store_max_take           (HeyaiStore    *self,
                                              const char    *scene_id,
                                              HeyaiAssetKind kind);

/* Jobs.  insert fills a missing project-id from the scene and a missing
 * idempotency-key with the job id. */
gboolean      heyai_store_insert_job         (HeyaiStore    *self,
                                              HeyaiJob      *job,
                                              GError       **error);
gboolean      heyai_store_update_job         (HeyaiStore    *self,
                                              HeyaiJob      *job,
                                              GError       **error);
HeyaiJob     *heyai_store_get_job            (HeyaiStore    *self,
                                              const char    *job_id,
                                              GError       **error);
/* Jobs of a project, oldest first; @unfinished_only skips done/failed/cancelled. */
GPtrArray    *heyai_store_list_jobs          (HeyaiStore    *self,
                                              const char    *project_id,
                                              gboolean       unfinished_only,
                                              GError       **error);

/* Local-only key/value settings table (never synced): device id, ... */
char         *heyai_store_get_meta           (HeyaiStore    *self,
                                              const char    *key);
gboolean      heyai_store_set_meta           (HeyaiStore    *self,
                                              const char    *key,
                                              const char    *value,
                                              GError       **error);

/* Re-reads the row of every live model object (after another process, e.g.
 * `heyai cancel`, or a sync merge wrote to the file), updates the objects
 * whose updated_at moved (notifying only changed properties) and emits
 * project-changed / scenes-changed / job-changed / asset-changed for them.
 * reload() keeps unsaved in-memory edits of the live objects (they stay to
 * be written); a list/get/find still overwrites them: write before you
 * load again. */
gboolean      heyai_store_reload             (HeyaiStore    *self,
                                              guint         *n_changed,
                                              GError       **error);
/* Whether another connection (a `heyai` command, a sync merge in another
 * process) committed to the file since the last call (PRAGMA
 * data_version): cheap, for a window that polls and then reloads. */
gboolean      heyai_store_changed_elsewhere  (HeyaiStore    *self);

/* PRAGMA integrity_check == "ok". */
gboolean      heyai_store_check_integrity    (HeyaiStore    *self,
                                              GError       **error);

/* ------------------------------------------------------------------------ */
/* Request ledger                                                           */
/* ------------------------------------------------------------------------ */

/* Every paid provider request (an LLM call, a still, a clip) is a row
 * written *before* the request is sent, and it outlives the job that asked
 * for it: the ledger owns the money.  States:
 *   submitting  written, the request may be on its way (no answer yet)
 *   submitted   the provider accepted it (remote_id known)
 *   running     the provider reported progress
 *   succeeded   the result file is on disk (local_path), not yet an asset
 *   collected   the result became an asset of the project (final)
 *   failed      the provider failed or cancelled it, nothing to collect (final)
 *   refused     content refusal or validation error (final for these inputs)
 *   unknown     the submit's answer was lost where the provider has no
 *               idempotency: it may have been accepted and billed */
typedef enum
{
  HEYAI_REQUEST_SUBMITTING,
  HEYAI_REQUEST_SUBMITTED,
  HEYAI_REQUEST_RUNNING,
  HEYAI_REQUEST_SUCCEEDED,
  HEYAI_REQUEST_COLLECTED,
  HEYAI_REQUEST_FAILED,
  HEYAI_REQUEST_REFUSED,
  HEYAI_REQUEST_UNKNOWN,
} HeyaiRequestState;

typedef struct
{
  char              *id;
  char              *project_id;
  char              *scene_id;        /* NULL for the script analysis */
  char              *job_id;          /* the job that asked for it last */
  char              *kind;            /* "analyze", "image", "clip" (job kind nicks) */
  int                take;
  char              *provider;
  char              *model;
  char              *inputs;          /* digest of what was asked for */
  char              *idempotency_key;
  char              *remote_id;
  HeyaiRequestState  state;
  double             estimated_cost;
  double             cost;            /* actual USD, once known */
  char              *local_path;      /* the downloaded result, once on disk */
  char              *last_error;
  gboolean           explicit_ask;    /* the producer asked for this one (a re-make) */
  gint64             created_at;      /* µs */
  gint64             updated_at;      /* µs */
} HeyaiRequest;

HeyaiRequest *heyai_request_new              (void);
void          heyai_request_free             (HeyaiRequest  *request);
const char   *heyai_request_state_to_string  (HeyaiRequestState state);
gboolean      heyai_request_state_from_string (const char       *text,
                                               HeyaiRequestState *state);
/* Whether a request in @state may still deliver its result. */
gboolean      heyai_request_state_is_open    (HeyaiRequestState state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiRequest, heyai_request_free)

/* Inserts @request (assigns id and timestamps when unset). */
gboolean      heyai_store_insert_request     (HeyaiStore    *self,
                                              HeyaiRequest  *request,
                                              GError       **error);
/* Writes every column of @request (by id) and stamps updated_at. */
gboolean      heyai_store_update_request     (HeyaiStore    *self,
                                              HeyaiRequest  *request,
                                              GError       **error);
HeyaiRequest *heyai_store_get_request        (HeyaiStore    *self,
                                              const char    *id);
/* The newest request of @scene_id and @kind made from @inputs (any state),
 * or NULL. */
HeyaiRequest *heyai_store_find_request       (HeyaiStore    *self,
                                              const char    *scene_id,
                                              const char    *kind,
                                              const char    *inputs);
/* The newest request carrying @key, or NULL. */
HeyaiRequest *heyai_store_find_request_by_key (HeyaiStore   *self,
                                               const char   *key);
/* Element type HeyaiRequest, oldest first; @project_id NULL for all. */
GPtrArray    *heyai_store_list_requests      (HeyaiStore    *self,
                                              const char    *project_id,
                                              GError       **error);

/* The project lock: exactly one process works on a project at a time.  In
 * one IMMEDIATE transaction, reads the lock row "pipeline.owner.<project>"
 * ("<pid>:<µs>"): when another live process (kill (pid, 0)) refreshed it
 * less than @stale_usec ago, sets *@other_pid and returns FALSE; otherwise
 * writes this process's marker and returns TRUE.  On a store failure
 * returns FALSE with @error set (and *@other_pid 0). */
gboolean      heyai_store_take_project_lock  (HeyaiStore    *self,
                                              const char    *project_id,
                                              gint64         stale_usec,
                                              int           *other_pid,
                                              GError       **error);

G_END_DECLS
