/* heyai-sync-folder.h: a HeyaiSyncRemote on a folder (local or mounted).
 *
 * The folder is laid out like the Drive tree (<root>/Project-<n>-<slug>/...)
 * and the snapshots live in <root>/.heyai/.  File ids are paths relative to
 * the root (".heyai/library-<device>.sqlite.gz", "Project-1-x/images/scene-01.png");
 * versions are the content's md5.  Work runs in GTask threads.  A missing
 * root (an unmounted disk) fails with HEYAI_ERROR_RETRYABLE: "will sync later".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-sync-remote.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_SYNC_FOLDER (heyai_sync_folder_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiSyncFolder, heyai_sync_folder, HEYAI, SYNC_FOLDER, GObject)

HeyaiSyncFolder *heyai_sync_folder_new       (const char      *root);
const char      *heyai_sync_folder_get_root  (HeyaiSyncFolder *self);

/* Counters (tests and benchmarks). */
typedef struct
{
  guint   lists;
  guint   downloads;
  guint   uploads;
  guint64 bytes_downloaded;
  guint64 bytes_uploaded;
} HeyaiSyncFolderStats;

void heyai_sync_folder_get_stats   (HeyaiSyncFolder      *self,
                                    HeyaiSyncFolderStats *stats);
void heyai_sync_folder_reset_stats (HeyaiSyncFolder      *self);

G_END_DECLS
