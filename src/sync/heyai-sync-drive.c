/* heyai-sync-drive.c: the sync remote on Google Drive (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-sync-drive.h"

#define META_FOLDER "sync.drive_folder_id"
#define SNAPSHOT_MIME "application/x-sqlite3"
#define LIST_FIELDS "id,name,mimeType,md5Checksum,version,size"

struct _HeyaiSyncDrive
{
  GObject     parent_instance;

  HeyaiDrive *drive;
  HeyaiStore *store;
  char       *folder_id;
};

static void remote_iface_init (HeyaiSyncRemoteInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiSyncDrive, heyai_sync_drive, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_SYNC_REMOTE, remote_iface_init))

static void
heyai_sync_drive_finalize (GObject *object)
{
  HeyaiSyncDrive *self = HEYAI_SYNC_DRIVE (object);

  g_clear_object (&self->drive);
  g_clear_object (&self->store);
  g_free (self->folder_id);

  G_OBJECT_CLASS (heyai_sync_drive_parent_class)->finalize (object);
}

static void
heyai_sync_drive_class_init (HeyaiSyncDriveClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heyai_sync_drive_finalize;
}

static void
heyai_sync_drive_init (HeyaiSyncDrive *self)
{
}

HeyaiSyncDrive *
heyai_sync_drive_new (HeyaiDrive *drive,
                      HeyaiStore *store)
{
  HeyaiSyncDrive *self;

  g_return_val_if_fail (HEYAI_IS_DRIVE (drive), NULL);
  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);

  self = g_object_new (HEYAI_TYPE_SYNC_DRIVE, NULL);
  self->drive = g_object_ref (drive);
  self->store = g_object_ref (store);
  self->folder_id = heyai_store_get_meta (store, META_FOLDER);
  if (self->folder_id != NULL && *self->folder_id == '\0')
    g_clear_pointer (&self->folder_id, g_free);
  return self;
}

static void
forget_folder (HeyaiSyncDrive *self)
{
  g_clear_pointer (&self->folder_id, g_free);
  heyai_store_set_meta (self->store, META_FOLDER, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* The sync folder                                                          */
/* ------------------------------------------------------------------------ */

typedef void (*FolderReady) (GTask *task);

static void
on_sync_folder (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiSyncDrive *self = g_task_get_source_object (task);
  FolderReady next = g_object_get_data (G_OBJECT (task), "folder-ready");
  GError *error = NULL;
  char *id;

  id = heyai_drive_ensure_folder_finish (HEYAI_DRIVE (source), result, &error);
  if (id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_free (self->folder_id);
  self->folder_id = id;
  heyai_store_set_meta (self->store, META_FOLDER, id, NULL);
  g_object_set_data (G_OBJECT (task), "fresh-folder", GINT_TO_POINTER (1));
  next (task);
}

static void
on_root_folder (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *id = NULL;

  id = heyai_drive_ensure_folder_finish (HEYAI_DRIVE (source), result, &error);
  if (id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  heyai_drive_ensure_folder_async (HEYAI_DRIVE (source), id, HEYAI_SYNC_DRIVE_SYNC_FOLDER,
                                   g_task_get_cancellable (task), on_sync_folder, g_object_ref (task));
}

/* Runs @next once self->folder_id is known. */
static void
with_folder (GTask       *task,
             FolderReady  next)
{
  HeyaiSyncDrive *self = g_task_get_source_object (task);

  if (self->folder_id != NULL)
    {
      next (task);
      return;
    }

  g_object_set_data (G_OBJECT (task), "folder-ready", next);
  heyai_drive_ensure_folder_async (self->drive, NULL, HEYAI_SYNC_DRIVE_ROOT_FOLDER,
                                   g_task_get_cancellable (task), on_root_folder, g_object_ref (task));
}

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int64 (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  return json_node_get_int (node);
}

static HeyaiSyncRemoteFile *
file_from_json (JsonObject *object)
{
  g_autofree char *version = NULL;
  const char *v = member_string (object, "version");

  if (v == NULL && json_object_has_member (object, "version"))
    version = g_strdup_printf ("%" G_GINT64_FORMAT, member_int64 (object, "version"));

  return heyai_sync_remote_file_new (member_string (object, "id"), member_string (object, "name"),
                                     v != NULL ? v : version, member_string (object, "md5Checksum"),
                                     member_int64 (object, "size"));
}

static char *
drive_dup_display_name (HeyaiSyncRemote *remote)
{
  return g_strdup (_("Google Drive"));
}

static void list_in_folder (GTask *task);

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) found = NULL;
  GPtrArray *files;
  GError *error = NULL;

  found = heyai_drive_list_finish (HEYAI_DRIVE (source), result, &error);
  if (found == NULL)
    {
      HeyaiSyncDrive *self = g_task_get_source_object (task);

      /* A cached folder id that no longer exists (another account, deleted):
       * find or create the folder again, once. */
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND) &&
          g_object_get_data (G_OBJECT (task), "retried") == NULL)
        {
          g_clear_error (&error);
          g_object_set_data (G_OBJECT (task), "retried", GINT_TO_POINTER (1));
          forget_folder (self);
          with_folder (task, list_in_folder);
          return;
        }
      g_task_return_error (task, error);
      return;
    }

  /* Nothing at all in a folder known from an earlier sync: the cached id
   * may point to a folder of another account or a deleted one (Drive lists
   * nothing rather than failing).  Find the folder again, once. */
  if (found->len == 0 && g_object_get_data (G_OBJECT (task), "fresh-folder") == NULL &&
      g_object_get_data (G_OBJECT (task), "retried") == NULL)
    {
      HeyaiSyncDrive *self = g_task_get_source_object (task);

      g_object_set_data (G_OBJECT (task), "retried", GINT_TO_POINTER (1));
      forget_folder (self);
      with_folder (task, list_in_folder);
      return;
    }

  files = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_sync_remote_file_free);
  for (guint i = 0; i < found->len; i++)
    {
      JsonObject *object = g_ptr_array_index (found, i);

      if (g_strcmp0 (member_string (object, "mimeType"), HEYAI_DRIVE_FOLDER_MIME) == 0 ||
          member_string (object, "id") == NULL || member_string (object, "name") == NULL)
        continue;
      g_ptr_array_add (files, file_from_json (object));
    }

  g_task_return_pointer (task, files, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_in_folder (GTask *task)
{
  HeyaiSyncDrive *self = g_task_get_source_object (task);
  g_autofree char *escaped = heyai_drive_escape_query (self->folder_id);
  g_autofree char *q = g_strdup_printf ("'%s' in parents and trashed = false", escaped);

  heyai_drive_list_async (self->drive, q, LIST_FIELDS, g_task_get_cancellable (task), on_listed,
                          g_object_ref (task));
}

static void
drive_list_async (HeyaiSyncRemote     *remote,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (remote, cancellable, callback, user_data);

  g_task_set_source_tag (task, drive_list_async);
  with_folder (task, list_in_folder);
}

static GPtrArray *
drive_list_finish (HeyaiSyncRemote  *remote,
                   GAsyncResult     *result,
                   GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(HeyaiHttpDownload) download = NULL;
  GError *error = NULL;

  download = heyai_drive_download_finish (HEYAI_DRIVE (source), result, &error);
  if (download == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
drive_download_async (HeyaiSyncRemote     *remote,
                      const char          *file_id,
                      const char          *dest_path,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  HeyaiSyncDrive *self = HEYAI_SYNC_DRIVE (remote);
  g_autoptr(GTask) task = g_task_new (remote, cancellable, callback, user_data);

  g_task_set_source_tag (task, drive_download_async);
  heyai_drive_download_async (self->drive, file_id, dest_path, NULL, NULL, cancellable,
                              on_downloaded, g_object_ref (task));
}

static gboolean
drive_download_finish (HeyaiSyncRemote  *remote,
                       GAsyncResult     *result,
                       GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char     *name;
  char     *file_id;
  char     *path;
  gboolean  retried;
} UploadData;

static void
upload_data_free (gpointer data)
{
  UploadData *ud = data;

  g_free (ud->name);
  g_free (ud->file_id);
  g_free (ud->path);
  g_free (ud);
}

static void upload_in_folder (GTask *task);

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiSyncDrive *self = g_task_get_source_object (task);
  UploadData *ud = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = NULL;
  GError *error = NULL;

  object = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &error);
  if (object == NULL)
    {
      /* Our old snapshot, or the folder, was deleted meanwhile: once more
       * as a new file in a folder found again. */
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND) && !ud->retried)
        {
          g_clear_error (&error);
          ud->retried = TRUE;
          g_clear_pointer (&ud->file_id, g_free);
          forget_folder (self);
          with_folder (task, upload_in_folder);
          return;
        }
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, file_from_json (object), (GDestroyNotify) heyai_sync_remote_file_free);
}

static void
upload_in_folder (GTask *task)
{
  HeyaiSyncDrive *self = g_task_get_source_object (task);
  UploadData *ud = g_task_get_task_data (task);
  HeyaiDriveUpload up = { 0 };

  up.path = ud->path;
  up.name = ud->name;
  up.mime_type = SNAPSHOT_MIME;
  up.parent_id = ud->file_id == NULL ? self->folder_id : NULL;
  up.file_id = ud->file_id;
  up.fields = "id,name,md5Checksum,version,size";

  heyai_drive_upload_async (self->drive, &up, NULL, NULL, NULL, g_task_get_cancellable (task),
                            on_uploaded, g_object_ref (task));
}

static void
drive_upload_async (HeyaiSyncRemote     *remote,
                    const char          *name,
                    const char          *file_id,
                    const char          *path,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (remote, cancellable, callback, user_data);
  UploadData *ud = g_new0 (UploadData, 1);

  ud->name = g_strdup (name);
  ud->file_id = g_strdup (file_id);
  ud->path = g_strdup (path);
  g_task_set_source_tag (task, drive_upload_async);
  g_task_set_task_data (task, ud, upload_data_free);

  if (file_id != NULL)
    upload_in_folder (task);
  else
    with_folder (task, upload_in_folder);
}

static HeyaiSyncRemoteFile *
drive_upload_finish (HeyaiSyncRemote  *remote,
                     GAsyncResult     *result,
                     GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
remote_iface_init (HeyaiSyncRemoteInterface *iface)
{
  iface->dup_display_name = drive_dup_display_name;
  iface->list_async = drive_list_async;
  iface->list_finish = drive_list_finish;
  iface->download_async = drive_download_async;
  iface->download_finish = drive_download_finish;
  iface->upload_async = drive_upload_async;
  iface->upload_finish = drive_upload_finish;
}

HeyaiDrive *
heyai_sync_drive_get_drive (HeyaiSyncDrive *self)
{
  g_return_val_if_fail (HEYAI_IS_SYNC_DRIVE (self), NULL);
  return self->drive;
}
