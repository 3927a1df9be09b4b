/* heyai-sync-remote.c: the sync transport interface.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-sync-remote.h"

G_DEFINE_INTERFACE (HeyaiSyncRemote, heyai_sync_remote, G_TYPE_OBJECT)

static void
heyai_sync_remote_default_init (HeyaiSyncRemoteInterface *iface)
{
}

HeyaiSyncRemoteFile *
heyai_sync_remote_file_new (const char *id,
                            const char *name,
                            const char *version,
                            const char *md5,
                            gint64      size)
{
  HeyaiSyncRemoteFile *file = g_new0 (HeyaiSyncRemoteFile, 1);

  file->id = g_strdup (id);
  file->name = g_strdup (name);
  file->version = g_strdup (version);
  file->md5 = g_strdup (md5);
  file->size = size;
  return file;
}

HeyaiSyncRemoteFile *
heyai_sync_remote_file_copy (const HeyaiSyncRemoteFile *file)
{
  g_return_val_if_fail (file != NULL, NULL);

  return heyai_sync_remote_file_new (file->id, file->name, file->version, file->md5, file->size);
}

void
heyai_sync_remote_file_free (HeyaiSyncRemoteFile *file)
{
  if (file == NULL)
    return;
  g_free (file->id);
  g_free (file->name);
  g_free (file->version);
  g_free (file->md5);
  g_free (file);
}

char *
heyai_sync_remote_dup_display_name (HeyaiSyncRemote *self)
{
  g_return_val_if_fail (HEYAI_IS_SYNC_REMOTE (self), NULL);

  return HEYAI_SYNC_REMOTE_GET_IFACE (self)->dup_display_name (self);
}

void
heyai_sync_remote_list_async (HeyaiSyncRemote     *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_SYNC_REMOTE (self));

  HEYAI_SYNC_REMOTE_GET_IFACE (self)->list_async (self, cancellable, callback, user_data);
}

GPtrArray *
heyai_sync_remote_list_finish (HeyaiSyncRemote  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (HEYAI_IS_SYNC_REMOTE (self), NULL);

  return HEYAI_SYNC_REMOTE_GET_IFACE (self)->list_finish (self, result, error);
}

void
heyai_sync_remote_download_async (HeyaiSyncRemote     *self,
                                  const char          *file_id,
                                  const char          *dest_path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_SYNC_REMOTE (self));
  g_return_if_fail (file_id != NULL && dest_path != NULL);

  HEYAI_SYNC_REMOTE_GET_IFACE (self)->download_async (self, file_id, dest_path, cancellable,
                                                      callback, user_data);
}

gboolean
heyai_sync_remote_download_finish (HeyaiSyncRemote  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (HEYAI_IS_SYNC_REMOTE (self), FALSE);

  return HEYAI_SYNC_REMOTE_GET_IFACE (self)->download_finish (self, result, error);
}

void
heyai_sync_remote_upload_async (HeyaiSyncRemote     *self,
                                const char          *name,
                                const char          *file_id,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_SYNC_REMOTE (self));
  g_return_if_fail (name != NULL && path != NULL);

  HEYAI_SYNC_REMOTE_GET_IFACE (self)->upload_async (self, name, file_id, path, cancellable,
                                                    callback, user_data);
}

HeyaiSyncRemoteFile *
heyai_sync_remote_upload_finish (HeyaiSyncRemote  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (HEYAI_IS_SYNC_REMOTE (self), NULL);

  return HEYAI_SYNC_REMOTE_GET_IFACE (self)->upload_finish (self, result, error);
}
