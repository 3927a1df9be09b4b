/* heyai-sync-folder.c: a HeyaiSyncRemote on a folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "heyai-error.h"
#include "heyai-merge.h"
#include "heyai-sync-folder.h"
#include "heyai-util.h"

#define COPY_CHUNK (256 * 1024)

struct _HeyaiSyncFolder
{
  GObject  parent_instance;

  char    *root;
  GMutex   lock;
  HeyaiSyncFolderStats stats;
};

static void remote_iface_init (HeyaiSyncRemoteInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiSyncFolder, heyai_sync_folder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_SYNC_REMOTE, remote_iface_init))

static void
heyai_sync_folder_finalize (GObject *object)
{
  HeyaiSyncFolder *self = HEYAI_SYNC_FOLDER (object);

  g_free (self->root);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (heyai_sync_folder_parent_class)->finalize (object);
}

static void
heyai_sync_folder_class_init (HeyaiSyncFolderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heyai_sync_folder_finalize;
}

static void
heyai_sync_folder_init (HeyaiSyncFolder *self)
{
  g_mutex_init (&self->lock);
}

HeyaiSyncFolder *
heyai_sync_folder_new (const char *root)
{
  HeyaiSyncFolder *self;

  g_return_val_if_fail (root != NULL, NULL);

  self = g_object_new (HEYAI_TYPE_SYNC_FOLDER, NULL);
  self->root = g_strdup (root);
  return self;
}

const char *
heyai_sync_folder_get_root (HeyaiSyncFolder *self)
{
  g_return_val_if_fail (HEYAI_IS_SYNC_FOLDER (self), NULL);
  return self->root;
}

void
heyai_sync_folder_get_stats (HeyaiSyncFolder      *self,
                             HeyaiSyncFolderStats *stats)
{
  g_return_if_fail (HEYAI_IS_SYNC_FOLDER (self));

  g_mutex_lock (&self->lock);
  *stats = self->stats;
  g_mutex_unlock (&self->lock);
}

void
heyai_sync_folder_reset_stats (HeyaiSyncFolder *self)
{
  g_return_if_fail (HEYAI_IS_SYNC_FOLDER (self));

  g_mutex_lock (&self->lock);
  memset (&self->stats, 0, sizeof self->stats);
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------------------------------ */

static gboolean
check_root (HeyaiSyncFolder  *self,
            GError          **error)
{
  if (g_file_test (self->root, G_FILE_TEST_IS_DIR))
    return TRUE;

  {
    g_autofree char *display = g_filename_display_name (self->root);

    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                 _("The sync folder “%s” is not available (is its disk connected?)."), display);
  }
  return FALSE;
}

/* @id relative to the root, without "..": else NULL. */
static char *
resolve_id (HeyaiSyncFolder  *self,
            const char       *id,
            GError          **error)
{
  g_auto(GStrv) parts = NULL;

  if (id == NULL || *id == '\0' || g_path_is_absolute (id))
    goto bad;

  parts = g_strsplit (id, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], "..") || g_str_equal (parts[i], ""))
      goto bad;

  return g_build_filename (self->root, id, NULL);

bad:
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
               _("The file “%s” is not in the sync folder."), id != NULL ? id : "");
  return NULL;
}

/* Copies @src to @dest (created 0600, fsync'ed), returning its md5 and size.
 * With @failpoint, _exit()s halfway when $HEYAI_SYNC_FAILPOINT names it. */
static gboolean
copy_with_md5 (const char    *src,
               const char    *dest,
               const char    *failpoint,
               char         **md5_out,
               gint64        *size_out,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buffer = g_malloc (COPY_CHUNK);
  GStatBuf st;
  gint64 total = 0;
  gboolean halfway = FALSE;
  int in = -1, out = -1;
  gboolean ok = FALSE;

  in = g_open (src, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0 || g_stat (src, &st) != 0)
    {
      g_autofree char *display = g_filename_display_name (src);
      g_autofree char *what = g_strdup_printf (_("Could not read “%s”"), display);

      heyai_set_io_error (error, errno, what);
      goto out;
    }

  out = g_open (dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0)
    {
      g_autofree char *display = g_filename_display_name (dest);
      g_autofree char *what = g_strdup_printf (_("Could not write “%s”"), display);

      heyai_set_io_error (error, errno, what);
      goto out;
    }

  for (;;)
    {
      gssize n = read (in, buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_autofree char *display = g_filename_display_name (src);
          g_autofree char *what = g_strdup_printf (_("Could not read “%s”"), display);

          heyai_set_io_error (error, errno, what);
          goto out;
        }
      if (n == 0)
        break;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      for (gssize done = 0; done < n; )
        {
          gssize w = write (out, buffer + done, (size_t) (n - done));

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            {
              g_autofree char *display = g_filename_display_name (dest);
              g_autofree char *what = g_strdup_printf (_("Could not write “%s”"), display);

              heyai_set_io_error (error, errno, what);
              goto out;
            }
          done += w;
        }

      g_checksum_update (md5, buffer, (gsize) n);
      total += n;

      if (failpoint != NULL && !halfway && total >= st.st_size / 2)
        {
          halfway = TRUE;
          heyai_merge_failpoint (failpoint);
        }
    }

  if (fsync (out) != 0)
    {
      heyai_set_io_error (error, errno, _("Could not save the sync copy"));
      goto out;
    }

  ok = TRUE;
  *md5_out = g_strdup (g_checksum_get_string (md5));
  *size_out = total;

out:
  if (in >= 0)
    close (in);
  if (out >= 0 && close (out) != 0 && ok)
    {
      heyai_set_io_error (error, errno, _("Could not save the sync copy"));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (dest);
  return ok;
}

static char *
file_md5 (const char  *path,
          gint64      *size,
          GError     **error)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buffer = g_malloc (COPY_CHUNK);
  gint64 total = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      heyai_set_io_error (error, errno, _("Could not read the sync folder"));
      return NULL;
    }

  for (;;)
    {
      gssize n = read (fd, buffer, COPY_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          heyai_set_io_error (error, errno, _("Could not read the sync folder"));
          close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (md5, buffer, (gsize) n);
      total += n;
    }

  close (fd);
  *size = total;
  return g_strdup (g_checksum_get_string (md5));
}

/* ------------------------------------------------------------------------ */
/* HeyaiSyncRemote                                                          */
/* ------------------------------------------------------------------------ */

static char *
folder_dup_display_name (HeyaiSyncRemote *remote)
{
  HeyaiSyncFolder *self = HEYAI_SYNC_FOLDER (remote);
  g_autofree char *display = g_filename_display_name (self->root);

  return g_strdup_printf (_("the sync folder “%s”"), display);
}

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HeyaiSyncFolder *self = source;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_sync_remote_file_free);
  g_autofree char *dir_path = g_build_filename (self->root, ".heyai", NULL);
  g_autoptr(GDir) dir = NULL;
  GError *error = NULL;
  const char *name;

  g_mutex_lock (&self->lock);
  self->stats.lists++;
  g_mutex_unlock (&self->lock);

  if (!check_root (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  dir = g_dir_open (dir_path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *id = g_strconcat (".heyai/", name, NULL);
      g_autofree char *md5 = NULL;
      gint64 size = 0;

      if (name[0] == '.' || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      md5 = file_md5 (path, &size, NULL);
      if (md5 == NULL)
        continue;  /* vanished meanwhile */

      g_ptr_array_add (files, heyai_sync_remote_file_new (id, name, md5, md5, size));
    }

  g_task_return_pointer (task, g_steal_pointer (&files), (GDestroyNotify) g_ptr_array_unref);
}

static void
folder_list_async (HeyaiSyncRemote     *remote,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (remote, cancellable, callback, user_data);

  g_task_set_source_tag (task, folder_list_async);
  g_task_run_in_thread (task, list_thread);
}

static GPtrArray *
folder_list_finish (HeyaiSyncRemote  *remote,
                    GAsyncResult     *result,
                    GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *id;
  char *name;
  char *path;
} TransferData;

static void
transfer_data_free (gpointer data)
{
  TransferData *td = data;

  g_free (td->id);
  g_free (td->name);
  g_free (td->path);
  g_free (td);
}

static void
download_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  HeyaiSyncFolder *self = source;
  TransferData *td = task_data;
  g_autofree char *src = NULL;
  g_autofree char *dir = g_path_get_dirname (td->path);
  g_autofree char *tmp = g_strconcat (td->path, ".part", NULL);
  g_autofree char *md5 = NULL;
  GError *error = NULL;
  gint64 size = 0;

  g_mutex_lock (&self->lock);
  self->stats.downloads++;
  g_mutex_unlock (&self->lock);

  if (!check_root (self, &error) || (src = resolve_id (self, td->id, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!g_file_test (src, G_FILE_TEST_IS_REGULAR))
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                               _("The file “%s” is no longer in the sync folder."), td->id);
      return;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      heyai_set_io_error (&error, errno, _("Could not create the download folder"));
      g_task_return_error (task, error);
      return;
    }

  if (!copy_with_md5 (src, tmp, NULL, &md5, &size, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_rename (tmp, td->path) != 0)
    {
      heyai_set_io_error (&error, errno, _("Could not save the downloaded file"));
      g_unlink (tmp);
      g_task_return_error (task, error);
      return;
    }

  g_mutex_lock (&self->lock);
  self->stats.bytes_downloaded += (guint64) size;
  g_mutex_unlock (&self->lock);

  g_task_return_boolean (task, TRUE);
}

static void
folder_download_async (HeyaiSyncRemote     *remote,
                       const char          *file_id,
                       const char          *dest_path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (remote, cancellable, callback, user_data);
  TransferData *td = g_new0 (TransferData, 1);

  td->id = g_strdup (file_id);
  td->path = g_strdup (dest_path);
  g_task_set_source_tag (task, folder_download_async);
  g_task_set_task_data (task, td, transfer_data_free);
  g_task_run_in_thread (task, download_thread);
}

static gboolean
folder_download_finish (HeyaiSyncRemote  *remote,
                        GAsyncResult     *result,
                        GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
upload_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  HeyaiSyncFolder *self = source;
  TransferData *td = task_data;
  g_autofree char *dir = g_build_filename (self->root, ".heyai", NULL);
  g_autofree char *dest = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *id = NULL;
  g_autofree char *md5 = NULL;
  g_autofree char *base = NULL;
  GError *error = NULL;
  gint64 size = 0;

  g_mutex_lock (&self->lock);
  self->stats.uploads++;
  g_mutex_unlock (&self->lock);

  if (!check_root (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (td->id != NULL)
    {
      dest = resolve_id (self, td->id, &error);
      if (dest == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      id = g_strdup (td->id);
    }
  else
    {
      dest = g_build_filename (dir, td->name, NULL);
      id = g_strconcat (".heyai/", td->name, NULL);
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      heyai_set_io_error (&error, errno, _("Could not create the sync folder"));
      g_task_return_error (task, error);
      return;
    }

  /* Written aside, renamed into place when complete. */
  base = g_path_get_basename (dest);
  {
    g_autofree char *random = g_uuid_string_random ();
    g_autofree char *tmp_name = g_strdup_printf (".%s.%.8s.part", base, random);
    g_autofree char *dest_dir = g_path_get_dirname (dest);

    tmp = g_build_filename (dest_dir, tmp_name, NULL);
  }

  if (!copy_with_md5 (td->path, tmp, "upload", &md5, &size, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_rename (tmp, dest) != 0)
    {
      heyai_set_io_error (&error, errno, _("Could not replace the copy in the sync folder"));
      g_unlink (tmp);
      g_task_return_error (task, error);
      return;
    }

  g_mutex_lock (&self->lock);
  self->stats.bytes_uploaded += (guint64) size;
  g_mutex_unlock (&self->lock);

  g_task_return_pointer (task, heyai_sync_remote_file_new (id, base, md5, md5, size),
                         (GDestroyNotify) heyai_sync_remote_file_free);
}

static void
folder_upload_async (HeyaiSyncRemote     *remote,
                     const char          *name,
                     const char          *file_id,
                     const char          *path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (remote, cancellable, callback, user_data);
  TransferData *td = g_new0 (TransferData, 1);

  td->id = g_strdup (file_id);
  td->name = g_strdup (name);
  td->path = g_strdup (path);
  g_task_set_source_tag (task, folder_upload_async);
  g_task_set_task_data (task, td, transfer_data_free);
  g_task_run_in_thread (task, upload_thread);
}

static HeyaiSyncRemoteFile *
folder_upload_finish (HeyaiSyncRemote  *remote,
                      GAsyncResult     *result,
                      GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
remote_iface_init (HeyaiSyncRemoteInterface *iface)
{
  iface->dup_display_name = folder_dup_display_name;
  iface->list_async = folder_list_async;
  iface->list_finish = folder_list_finish;
  iface->download_async = folder_download_async;
  iface->download_finish = folder_download_finish;
  iface->upload_async = folder_upload_async;
  iface->upload_finish = folder_upload_finish;
}
