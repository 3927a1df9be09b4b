/* heyai-storage-gdrive.h: Google Drive storage ("gdrive").
 *
 * The local tree is kept exactly as the "local" storage keeps it (every file
 * also lives under heyai_local_root()), and mirrored on Drive as
 * HeyAI Projects/Project-<n>-<slug>/{images,clips,final}:
 *
 *  - ensure_project finds or creates the folders (idempotent: files.list with
 *    an escaped `q` first) and records their ids on the project
 *    (drive-folder-id, drive-folders = {"images":id,"clips":id,"final":id});
 *    when both are already set it makes no request at all.  Concurrent
 *    ensures of one project share one walk.  The pipeline saves the project.
 *  - publish puts the file in the local tree (as "local" does), then uploads
 *    it (resumable; the session URI is set on the job's upload-session before
 *    the first byte, and a session left there by an earlier run is resumed);
 *    an asset that already has a drive-file-id gets its content replaced
 *    (files.update).  Sets drive-file-id and view-link (webViewLink), clears
 *    the job's upload-session; the job's progress follows the bytes sent.  Database snapshots (HEYAI_ASSET_KIND_DATABASE)
 *    go to "HeyAI Projects/.heyai".
 *
 * Credentials (HEYAI_GOOGLE_CLIENT_ID/SECRET, HEYAI_DRIVE_REFRESH_TOKEN or
 * the keyring) are looked up at the first request; a missing one fails that
 * request with a HEYAI_ERROR_CREDENTIALS naming what to set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"
#include "heyai-drive.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_STORAGE_GDRIVE (heyai_storage_gdrive_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiStorageGdrive, heyai_storage_gdrive, HEYAI, STORAGE_GDRIVE, GObject)

/* @data_dir NULL: heyai_default_data_dir().  A new HeyaiOauth/HeyaiDrive
 * from the environment. */
HeyaiStorage *heyai_storage_gdrive_new            (const char          *data_dir);
HeyaiStorage *heyai_storage_gdrive_new_with_drive (HeyaiDrive          *drive,
                                                   const char          *data_dir);
/* The registry constructor. */
GObject      *heyai_storage_gdrive_create         (const char          *data_dir,
                                                   GError             **error);
HeyaiDrive   *heyai_storage_gdrive_get_drive      (HeyaiStorageGdrive  *self);

/* Makes the project folder readable by anyone with the link; sets the
 * project's share-link and returns it. */
void          heyai_storage_gdrive_share_project_async  (HeyaiStorageGdrive  *self,
                                                         HeyaiProject        *project,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
char         *heyai_storage_gdrive_share_project_finish (HeyaiStorageGdrive  *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
