/* heyai-sync-remote.h: where the library snapshots travel.
 *
 * A HeyaiSyncRemote is the small transport the sync engine needs: list the
 * snapshots in the sync folder, download a file by id, and upload a snapshot
 * (create, or replace the content of an existing file).  Two implementations:
 *  - HeyaiSyncFolder: a local (or network-mounted) folder laid out like the
 *    Drive tree, snapshots in <root>/.heyai/ (the offline default, tests);
 *  - heyai_sync_drive_new(): Google Drive, `HeyAI Projects/.heyai/`.
 *
 * An upload replaces the remote file only once it is complete (a new file is
 * renamed into place; Drive switches content at the last resumable chunk),
 * so an interrupted sync never leaves a half snapshot behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One file in the sync folder. */
typedef struct
{
  char   *id;       /* remote id (Drive file id; folder: path relative to the root) */
  char   *name;     /* "library-<device>.sqlite.gz" */
  char   *version;  /* changes with every content change */
  char   *md5;      /* lower-case hex md5 of the content, or NULL */
  gint64  size;
} HeyaiSyncRemoteFile;

HeyaiSyncRemoteFile *heyai_sync_remote_file_new  (const char *id,
                                                  const char *name,
                                                  const char *version,
                                                  const char *md5,
                                                  gint64      size);
HeyaiSyncRemoteFile *heyai_sync_remote_file_copy (const HeyaiSyncRemoteFile *file);
void                 heyai_sync_remote_file_free (HeyaiSyncRemoteFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiSyncRemoteFile, heyai_sync_remote_file_free)

#define HEYAI_TYPE_SYNC_REMOTE (heyai_sync_remote_get_type ())
G_DECLARE_INTERFACE (HeyaiSyncRemote, heyai_sync_remote, HEYAI, SYNC_REMOTE, GObject)

struct _HeyaiSyncRemoteInterface
{
  GTypeInterface parent_iface;

  /* A short name for messages ("Google Drive", "the sync folder “...”"). */
  char                *(*dup_display_name) (HeyaiSyncRemote     *self);

  void                 (*list_async)       (HeyaiSyncRemote     *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
  GPtrArray           *(*list_finish)      (HeyaiSyncRemote     *self,
                                            GAsyncResult        *result,
                                            GError             **error);

  void                 (*download_async)   (HeyaiSyncRemote     *self,
                                            const char          *file_id,
                                            const char          *dest_path,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
  gboolean             (*download_finish)  (HeyaiSyncRemote     *self,
                                            GAsyncResult        *result,
                                            GError             **error);

  void                 (*upload_async)     (HeyaiSyncRemote     *self,
                                            const char          *name,
                                            const char          *file_id,
                                            const char          *path,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
  HeyaiSyncRemoteFile *(*upload_finish)    (HeyaiSyncRemote     *self,
                                            GAsyncResult        *result,
                                            GError             **error);
};

char                *heyai_sync_remote_dup_display_name (HeyaiSyncRemote *self);

/* The files of the sync folder (element type HeyaiSyncRemoteFile).  One
 * listing request on Drive once the folder id is known. */
void                 heyai_sync_remote_list_async      (HeyaiSyncRemote     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray           *heyai_sync_remote_list_finish     (HeyaiSyncRemote     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Downloads @file_id to @dest_path (written aside and renamed: atomic). */
void                 heyai_sync_remote_download_async  (HeyaiSyncRemote     *self,
                                                        const char          *file_id,
                                                        const char          *dest_path,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean             heyai_sync_remote_download_finish (HeyaiSyncRemote     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Uploads @path as @name into the sync folder; with @file_id, replaces that
 * file's content.  Returns the file as it is now (new version and md5). */
void                 heyai_sync_remote_upload_async    (HeyaiSyncRemote     *self,
                                                        const char          *name,
                                                        const char          *file_id,
                                                        const char          *path,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
HeyaiSyncRemoteFile *heyai_sync_remote_upload_finish   (HeyaiSyncRemote     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
