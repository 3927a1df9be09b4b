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
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"
#include "heyai-hlc.h"

G_BEGIN_DECLS

#define HEYAI_STORE_SCHEMA_VERSION 1

#define HEYAI_TYPE_STORE (heyai_store_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiStore, heyai_store, HEYAI, STORE, GObject)

/* Opens (creating and migrating) the database at @path.  The parent folder is
 * created.  Signals:
 *   "project-changed" (HeyaiProject*), "scenes-changed" (const char *project_id),
 *   "job-changed" (HeyaiJob*), "asset-changed" (HeyaiAsset*)
 * are emitted after each successful write. */
HeyaiStore   *heyai_store_new                (const char    *path,
                                              GError       **error);
const char   *heyai_store_get_path           (HeyaiStore    *self);
const char   *heyai_store_get_device_id      (HeyaiStore    *self);
HeyaiHlc     *heyai_store_get_hlc            (HeyaiStore    *self);
/* The raw handle, for sync and tests (sqlite3 *). */
gpointer      heyai_store_get_handle         (HeyaiStore    *self);

gboolean      heyai_store_begin              (HeyaiStore    *self,
                                              GError       **error);
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
/* @ref is a full uuid, a unique uuid prefix (>= 4 chars), or the project number. */
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
HeyaiScene   *heyai_store_get_scene          (HeyaiStore    *self,
                                              const char    *scene_id,
                                              GError       **error);
HeyaiScene   *heyai_store_get_scene_at       (HeyaiStore    *self,
                                              const char    *project_id,
                                              int            position,
                                              GError       **error);
/* Tombstones the project's current scenes and inserts @scenes (positions
 * 1..n are assigned) in one transaction. */
gboolean      heyai_store_replace_scenes     (HeyaiStore    *self,
                                              const char    *project_id,
                                              GPtrArray     *scenes,
                                              GError       **error);
gboolean      heyai_store_insert_scene       (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              GError       **error);
gboolean      heyai_store_update_scene       (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              GError       **error);
gboolean      heyai_store_delete_scene       (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              GError       **error);
/* Moves @scene to @position (1-based), renumbering the others. */
gboolean      heyai_store_move_scene         (HeyaiStore    *self,
                                              HeyaiScene    *scene,
                                              int            position,
                                              GError       **error);

/* Assets. */
gboolean      heyai_store_insert_asset       (HeyaiStore    *self,
                                              HeyaiAsset    *asset,
                                              GError       **error);
gboolean      heyai_store_update_asset       (HeyaiStore    *self,
                                              HeyaiAsset    *asset,
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
/* The asset of @kind with @take (NULL and no error if none). */
HeyaiAsset   *heyai_store_get_asset          (HeyaiStore    *self,
                                              const char    *scene_id,
                                              HeyaiAssetKind kind,
                                              int            take,
                                              GError       **error);
/* Highest take number of @kind for the scene (0 if none). */
int           heyai_store_max_take           (HeyaiStore    *self,
                                              const char    *scene_id,
                                              HeyaiAssetKind kind);

/* Jobs. */
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

/* PRAGMA integrity_check == "ok". */
gboolean      heyai_store_check_integrity    (HeyaiStore    *self,
                                              GError       **error);

G_END_DECLS
