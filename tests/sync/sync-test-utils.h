/* sync-test-utils.h: two computers A and B, a sync remote, canonical dumps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-core.h"
#include "heyai-sync.h"

G_BEGIN_DECLS

/* Removes a folder tree. */
void             sync_test_remove_tree   (const char      *path);
/* A deterministic wall clock for every HLC: starts at a fixed time and moves
 * 1 s each time sync_test_tick() is called. */
void             sync_test_install_clock (void);
void             sync_test_tick          (void);
/* Runs one sync and spins the main context until it completes. Returns the
 * report, or NULL with @error set. */
HeyaiSyncReport *sync_test_run           (HeyaiStore      *store,
                                          HeyaiSyncRemote *remote,
                                          GError         **error);
/* Every synced row of every synced table, ordered by id, without the
 * local-only columns (assets.local_path, jobs.upload_session) and without
 * unfinished jobs: equal dumps = the same library. */
char            *sync_test_dump          (HeyaiStore      *store);
/* A project "title" with @n_scenes scenes ("Scene k", prompts "prompt k"). */
HeyaiProject    *sync_test_add_project   (HeyaiStore      *store,
                                          const char      *title,
                                          guint            n_scenes);
/* Frees pages and overwrites the first freelist trunk page of the (closed)
 * library at @path: its tables still read, PRAGMA quick_check fails. */
void             sync_test_damage_library (const char     *path);
/* SELECT COUNT(*) ... on the store's handle. */
int              sync_test_count         (HeyaiStore      *store,
                                          const char      *sql);

G_END_DECLS
