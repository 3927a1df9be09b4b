/* heyai-sync-drive.h: the sync remote on Google Drive.
 *
 * Snapshots live in `HeyAI Projects/.heyai/` (both folders found or created
 * idempotently on first use; the .heyai folder id is cached in the store's
 * meta table "sync.drive_folder_id", so a sync with nothing new costs one
 * files.list).  File ids are Drive file ids; versions are Drive's `version`
 * (bumped by every content change) and md5 its `md5Checksum`.  Uploads are
 * resumable (files.create, or files.update of our own snapshot: Drive
 * switches content only when the last chunk arrived).  Network failures come
 * back as HEYAI_ERROR_RETRYABLE from HeyaiDrive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-core.h"
#include "heyai-drive.h"
#include "heyai-sync-remote.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_SYNC_DRIVE (heyai_sync_drive_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiSyncDrive, heyai_sync_drive, HEYAI, SYNC_DRIVE, GObject)

#define HEYAI_SYNC_DRIVE_ROOT_FOLDER "HeyAI Projects"
#define HEYAI_SYNC_DRIVE_SYNC_FOLDER ".heyai"

/* @store keeps the folder id (meta); @drive does the requests. */
HeyaiSyncDrive *heyai_sync_drive_new (HeyaiDrive *drive,
                                      HeyaiStore *store);
/* The Drive client (e.g. to point it at a shared drive). */
HeyaiDrive     *heyai_sync_drive_get_drive (HeyaiSyncDrive *self);

G_END_DECLS
