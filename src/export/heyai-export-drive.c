/* heyai-export-drive.c: publishing the handoff package (see heyai-export-drive.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "heyai-export-drive.h"
#include "heyai-export-private.h"
#include "heyai-drive.h"
#include "heyai-storage-gdrive.h"
#include "heyai-storage-local.h"

#define HANDOFF_ROLE "handoff-file"

typedef struct
{
  char   *sub;        /* NULL: the project folder; "clips", "images", ... */
  char   *name;
  char   *path;       /* in the package (or the rewritten temporary copy) */
  char   *tmp_path;   /* a timeline with its URLs rewritten, removed when freed */
  gint64  size;
  char   *md5;
  char   *sha256;
  /* results */
  char   *dest_path;  /* local: where it was put */
  char   *drive_id;
  char   *view_link;
} PubFile;

static void
pub_file_free (PubFile *f)
{
  g_free (f->sub);
  g_free (f->name);
  g_free (f->path);
  if (f->tmp_path != NULL)
    g_unlink (f->tmp_path);
  g_free (f->tmp_path);
  g_free (f->md5);
  g_free (f->sha256);
  g_free (f->dest_path);
  g_free (f->drive_id);
  g_free (f->view_link);
  g_free (f);
}

typedef struct
{
  HeyaiStore          *store;
  HeyaiProject        *project;
  HeyaiStorage        *storage;
  gboolean             drive_mode;
  char                *project_dir;     /* local tree project folder */
  char                *package_dir;
  HeyaiExportProgress  progress;
  gpointer             progress_data;
  GDestroyNotify       progress_destroy;
  GPtrArray           *files;           /* PubFile */
  gint64               total_bytes;
  gint64               done_bytes;
  /* Drive */
  HeyaiDrive          *drive;
  GHashTable          *folder_ids;      /* sub ("" = project) -> id */
  GHashTable          *remote;          /* "sub/name" -> JsonObject */
  GPtrArray           *subs;            /* distinct subs still to resolve/list */
  guint                index;
  HeyaiExportPublishResult *result;
} Publish;

static void
publish_free (Publish *p)
{
  g_clear_object (&p->store);
  g_clear_object (&p->project);
  g_clear_object (&p->storage);
  g_clear_object (&p->drive);
  g_free (p->project_dir);
  g_free (p->package_dir);
  if (p->progress_destroy != NULL)
    p->progress_destroy (p->progress_data);
  g_clear_pointer (&p->files, g_ptr_array_unref);
  g_clear_pointer (&p->folder_ids, g_hash_table_unref);
  g_clear_pointer (&p->remote, g_hash_table_unref);
  g_clear_pointer (&p->subs, g_ptr_array_unref);
  g_clear_pointer (&p->result, heyai_export_publish_result_free);
  g_free (p);
}

void
heyai_export_publish_result_free (HeyaiExportPublishResult *result)
{
  if (result == NULL)
    return;
  g_free (result->link);
  g_free (result->folder);
  g_free (result);
}

static void
report_progress (Publish *p)
{
  if (p->progress != NULL)
    p->progress (p->total_bytes > 0 ? (double) p->done_bytes / (double) p->total_bytes : 1.0,
                 NULL, p->progress_data);
}

/* ---------------------------------------------------------------------- */
/* Worker: list the package, hash it, (local) copy it                      */

typedef struct
{
  char      *package_dir;
  char      *project_dir;   /* NULL: Drive (no copy) */
  GPtrArray *files;         /* filled by the worker */
  guint      n_copied, n_replaced, n_unchanged;
} ScanData;

static void
scan_data_free (ScanData *d)
{
  g_free (d->package_dir);
  g_free (d->project_dir);
  g_clear_pointer (&d->files, g_ptr_array_unref);
  g_free (d);
}

static gboolean
hash_file (const char    *path,
           PubFile       *f,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buf = g_malloc (256 * 1024);
  gint64 size = 0;

  in = g_file_read (file, cancellable, error);
  if (in == NULL)
    return FALSE;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buf, 256 * 1024, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      g_checksum_update (md5, buf, n);
      g_checksum_update (sha, buf, n);
      size += n;
    }
  f->size = size;
  f->md5 = g_strdup (g_checksum_get_string (md5));
  f->sha256 = g_strdup (g_checksum_get_string (sha));
  return TRUE;
}

/* The XML timelines and the OTIO point at the media with absolute file://
 * URLs of the package folder.  The published copy points at the published
 * media: the local project folder, or (Drive, where the editor's download
 * folder is unknown) paths relative to the timeline, which the editors
 * resolve next to it. */
static gboolean
is_timeline (const char *name)
{
  return g_str_equal (name, "timeline.otio") || g_str_equal (name, "timeline.fcpxml") ||
         g_str_equal (name, "timeline.xml");
}

static char *
replace_all (const char *text,
             const char *from,
             const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

char *
heyai_export_rewrite_media_urls (const char *text,
                                 const char *package_dir,
                                 const char *dest_dir)
{
  g_autofree char *from_enc = heyai_export_uri_encode_path (package_dir);
  g_autofree char *to_enc = dest_dir != NULL ? heyai_export_uri_encode_path (dest_dir) : NULL;
  const char *sep_from = from_enc[0] == '/' ? "" : "/";
  const char *sep_to = to_enc != NULL && to_enc[0] == '/' ? "" : "/";
  g_autofree char *from_localhost = g_strconcat ("file://localhost", sep_from, from_enc, "/", NULL);
  g_autofree char *from_plain = g_strconcat ("file://", sep_from, from_enc, "/", NULL);
  g_autofree char *to_localhost = to_enc != NULL ? g_strconcat ("file://localhost", sep_to, to_enc, "/", NULL)
                                                 : g_strdup ("");
  g_autofree char *to_plain = to_enc != NULL ? g_strconcat ("file://", sep_to, to_enc, "/", NULL) : g_strdup ("");
  g_autofree char *step = replace_all (text, from_localhost, to_localhost);

  return replace_all (step, from_plain, to_plain);
}

static gboolean
rewrite_timeline (ScanData  *d,
                  PubFile   *f,
                  GError   **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *rewritten = NULL;
  g_autofree char *tmp = NULL;
  int fd;

  if (!g_file_get_contents (f->path, &contents, NULL, error))
    return FALSE;
  rewritten = heyai_export_rewrite_media_urls (contents, d->package_dir, d->project_dir);

  fd = g_file_open_tmp ("heyai-publish-XXXXXX", &tmp, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  if (!g_file_set_contents (tmp, rewritten, -1, error))
    {
      g_unlink (tmp);
      return FALSE;
    }

  g_free (f->path);
  f->path = g_strdup (tmp);
  f->tmp_path = g_steal_pointer (&tmp);
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static gboolean
scan_dir (ScanData      *d,
          const char    *sub,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autofree char *dir_path = sub != NULL ? g_build_filename (d->package_dir, sub, NULL)
                                          : g_strdup (d->package_dir);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *path = g_build_filename (dir_path, n, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (sub == NULL && !scan_dir (d, n, cancellable, error))
            return FALSE;
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      {
        PubFile *f = g_new0 (PubFile, 1);

        f->sub = g_strdup (sub);
        f->name = g_strdup (n);
        f->path = g_steal_pointer (&path);
        g_ptr_array_add (d->files, f);
        if (sub == NULL && is_timeline (n) && !rewrite_timeline (d, f, error))
          return FALSE;
        if (!hash_file (f->path, f, cancellable, error))
          return FALSE;
      }
    }
  return TRUE;
}

static gboolean
same_file (const char *a,
           const char *b,
           const char *sha_a)
{
  GStatBuf sa, sb;
  g_autofree char *sha_b = NULL;

  if (g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;
  if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
    return TRUE;
  if (sa.st_size != sb.st_size)
    return FALSE;
  sha_b = heyai_file_sha256 (b, NULL, NULL);
  return sha_b != NULL && g_strcmp0 (sha_a, sha_b) == 0;
}

static gboolean
local_copy (ScanData      *d,
            PubFile       *f,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *dir = f->sub != NULL ? g_build_filename (d->project_dir, f->sub, NULL)
                                        : g_strdup (d->project_dir);
  g_autofree char *dest = g_build_filename (dir, f->name, NULL);
  g_autofree char *tmp_name = g_strdup_printf (".%s.heyai-tmp", f->name);
  g_autofree char *tmp = g_build_filename (dir, tmp_name, NULL);
  gboolean existed;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, HEYAI_ERROR, saved == ENOSPC ? HEYAI_ERROR_NO_SPACE : HEYAI_ERROR_PERMISSION,
                   _("Could not create the folder “%s”: %s."), dir, g_strerror (saved));
      return FALSE;
    }

  existed = g_file_test (dest, G_FILE_TEST_EXISTS);
  if (existed && same_file (f->path, dest, f->sha256))
    {
      d->n_unchanged++;
      f->dest_path = g_steal_pointer (&dest);
      return TRUE;
    }

  g_unlink (tmp);
  if (link (f->path, tmp) != 0)
    {
      g_autoptr(GFile) src = g_file_new_for_path (f->path);
      g_autoptr(GFile) dst = g_file_new_for_path (tmp);
      g_autoptr(GError) local_error = NULL;

      if (!g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, &local_error))
        {
          g_unlink (tmp);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          g_set_error (error, HEYAI_ERROR,
                       g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
                         ? HEYAI_ERROR_NO_SPACE : HEYAI_ERROR_PERMISSION,
                       _("Could not copy “%s” into the project folder: %s."), f->name, local_error->message);
          return FALSE;
        }
    }
  if (g_rename (tmp, dest) != 0)
    {
      int saved = errno;

      g_unlink (tmp);
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                   _("Could not copy “%s” into the project folder: %s."), f->name, g_strerror (saved));
      return FALSE;
    }
  if (existed)
    d->n_replaced++;
  else
    d->n_copied++;
  f->dest_path = g_steal_pointer (&dest);
  return TRUE;
}

static void
scan_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *d = task_data;
  GError *error = NULL;

  d->files = g_ptr_array_new_with_free_func ((GDestroyNotify) pub_file_free);
  if (!g_file_test (d->package_dir, G_FILE_TEST_IS_DIR))
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                               _("The package folder “%s” does not exist. Export the project first."),
                               d->package_dir);
      return;
    }
  if (!scan_dir (d, NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (d->project_dir != NULL)
    for (guint i = 0; i < d->files->len; i++)
      if (!local_copy (d, d->files->pdata[i], cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
  g_task_return_boolean (task, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Main thread: assets and project                                         */

static char *
params_name (const char *params)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  if (params == NULL || !json_parser_load_from_data (parser, params, -1, NULL))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "role", NULL), HANDOFF_ROLE) != 0)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (o, "name", NULL));
}

static gboolean
record_assets (Publish  *p,
               GError  **error)
{
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GHashTable) by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  assets = heyai_store_list_project_assets (p->store, heyai_project_get_id (p->project), error);
  if (assets == NULL)
    return FALSE;
  for (guint i = 0; i < assets->len; i++)
    {
      HeyaiAsset *a = assets->pdata[i];
      char *name;

      if (heyai_asset_get_kind (a) != HEYAI_ASSET_KIND_PACKAGE || heyai_asset_get_scene_id (a) != NULL)
        continue;
      name = params_name (heyai_asset_get_params (a));
      if (name != NULL)
        g_hash_table_replace (by_name, name, g_object_ref (a));
    }

  if (!heyai_store_begin (p->store, error))
    return FALSE;
  for (guint i = 0; i < p->files->len; i++)
    {
      PubFile *f = p->files->pdata[i];
      g_autoptr(HeyaiAsset) asset = NULL;
      HeyaiAsset *existing;
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *params = NULL;
      gboolean ok;

      if (f->sub != NULL)
        continue;   /* numbered copies of clips/stills: already assets of their own */

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, HANDOFF_ROLE);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, f->name);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      params = json_to_string (node, FALSE);

      existing = g_hash_table_lookup (by_name, f->name);
      asset = existing != NULL ? g_object_ref (existing) : heyai_asset_new ();
      if (existing == NULL)
        {
          heyai_asset_set_project_id (asset, heyai_project_get_id (p->project));
          heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_PACKAGE);
          heyai_asset_set_take (asset, 1);
          heyai_asset_set_params (asset, params);
        }
      heyai_asset_set_provider (asset, heyai_storage_get_name (p->storage));
      heyai_asset_set_local_path (asset, f->dest_path != NULL ? f->dest_path : f->path);
      heyai_asset_set_size (asset, f->size);
      heyai_asset_set_sha256 (asset, f->sha256);
      if (p->drive_mode)
        {
          heyai_asset_set_drive_file_id (asset, f->drive_id);
          heyai_asset_set_view_link (asset, f->view_link);
        }
      else
        {
          g_autofree char *uri = g_filename_to_uri (f->dest_path, NULL, NULL);

          heyai_asset_set_view_link (asset, uri);
        }
      ok = existing != NULL ? heyai_store_update_asset (p->store, asset, error)
                            : heyai_store_insert_asset (p->store, asset, error);
      if (!ok)
        {
          heyai_store_rollback (p->store);
          return FALSE;
        }
    }
  if (!heyai_store_update_project (p->store, p->project, error))
    {
      heyai_store_rollback (p->store);
      return FALSE;
    }
  return heyai_store_commit (p->store, error);
}

static void
publish_complete (GTask *task)
{
  Publish *p = g_task_get_task_data (task);
  GError *error = NULL;

  heyai_project_set_share_link (p->project, p->result->link);
  if (!record_assets (p, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&p->result), (GDestroyNotify) heyai_export_publish_result_free);
  g_object_unref (task);
}

static void
fail (GTask  *task,
      GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* ---------------------------------------------------------------------- */
/* Drive                                                                   */

static void upload_next (GTask *task);

static void
shared_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Publish *p = g_task_get_task_data (task);
  GError *error = NULL;
  char *link;

  link = heyai_storage_gdrive_share_project_finish (HEYAI_STORAGE_GDRIVE (source), result, &error);
  if (link == NULL)
    {
      fail (task, error);
      return;
    }
  p->result->link = link;
  publish_complete (task);
}

static void
upload_progress (gint64   done,
                 gint64   total,
                 gpointer user_data)
{
  GTask *task = user_data;
  Publish *p = g_task_get_task_data (task);
  PubFile *f = p->files->pdata[p->index];
  gint64 before = p->done_bytes;

  if (p->progress == NULL)
    return;
  p->done_bytes += CLAMP (done, 0, f->size);
  report_progress (p);
  p->done_bytes = before;
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Publish *p = g_task_get_task_data (task);
  PubFile *f = p->files->pdata[p->index];
  GError *error = NULL;
  g_autoptr(JsonObject) file = NULL;

  file = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &error);
  if (file == NULL)
    {
      g_prefix_error (&error, _("Could not upload “%s” to Google Drive: "), f->name);
      fail (task, error);
      return;
    }
  g_free (f->drive_id);
  f->drive_id = g_strdup (json_object_get_string_member_with_default (file, "id", NULL));
  f->view_link = g_strdup (json_object_get_string_member_with_default (file, "webViewLink", NULL));
  p->done_bytes += f->size;
  report_progress (p);
  p->index++;
  upload_next (task);
}

static char *
remote_key (const char *sub,
            const char *name)
{
  return g_strconcat (sub != NULL ? sub : "", "/", name, NULL);
}

static void
upload_next (GTask *task)
{
  Publish *p = g_task_get_task_data (task);
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  while (p->index < p->files->len)
    {
      PubFile *f = p->files->pdata[p->index];
      g_autofree char *key = remote_key (f->sub, f->name);
      JsonObject *remote = g_hash_table_lookup (p->remote, key);
      g_autoptr(JsonObject) props = NULL;
      HeyaiDriveUpload up = { 0 };

      if (remote != NULL
          && g_strcmp0 (json_object_get_string_member_with_default (remote, "md5Checksum", NULL), f->md5) == 0)
        {
          f->drive_id = g_strdup (json_object_get_string_member_with_default (remote, "id", NULL));
          f->view_link = g_strdup (json_object_get_string_member_with_default (remote, "webViewLink", NULL));
          p->result->n_unchanged++;
          p->done_bytes += f->size;
          report_progress (p);
          p->index++;
          continue;
        }

      props = json_object_new ();
      json_object_set_string_member (props, "heyai", "handoff");
      up.path = f->path;
      up.name = f->name;
      up.app_properties = props;
      if (remote != NULL)
        {
          f->drive_id = g_strdup (json_object_get_string_member_with_default (remote, "id", NULL));
          up.file_id = f->drive_id;
          p->result->n_updated++;
        }
      else
        {
          up.parent_id = g_hash_table_lookup (p->folder_ids, f->sub != NULL ? f->sub : "");
          p->result->n_uploaded++;
        }
      heyai_drive_upload_async (p->drive, &up, NULL, upload_progress, task,
                                g_task_get_cancellable (task), uploaded_cb, task);
      return;
    }

  (void) error;
  heyai_storage_gdrive_share_project_async (HEYAI_STORAGE_GDRIVE (p->storage), p->project,
                                            g_task_get_cancellable (task), shared_cb, task);
}

static void list_next (GTask *task);

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Publish *p = g_task_get_task_data (task);
  const char *sub = p->subs->pdata[p->index];
  GError *error = NULL;
  g_autoptr(GPtrArray) files = NULL;

  files = heyai_drive_list_finish (HEYAI_DRIVE (source), result, &error);
  if (files == NULL)
    {
      fail (task, error);
      return;
    }
  for (guint i = 0; i < files->len; i++)
    {
      JsonObject *o = files->pdata[i];
      const char *name = json_object_get_string_member_with_default (o, "name", NULL);
      const char *mime = json_object_get_string_member_with_default (o, "mimeType", NULL);
      char *key;

      if (name == NULL || g_strcmp0 (mime, HEYAI_DRIVE_FOLDER_MIME) == 0)
        continue;
      key = remote_key (*sub != '\0' ? sub : NULL, name);
      if (g_hash_table_contains (p->remote, key))
        g_free (key);
      else
        g_hash_table_insert (p->remote, key, json_object_ref (o));
    }
  p->index++;
  list_next (task);
}

static void
folder_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Publish *p = g_task_get_task_data (task);
  const char *sub = p->subs->pdata[p->index];
  GError *error = NULL;
  char *id;

  id = heyai_drive_ensure_folder_finish (HEYAI_DRIVE (source), result, &error);
  if (id == NULL)
    {
      fail (task, error);
      return;
    }
  g_hash_table_insert (p->folder_ids, g_strdup (sub), id);
  list_next (task);
}

static void
list_next (GTask *task)
{
  Publish *p = g_task_get_task_data (task);
  const char *sub, *id;
  g_autofree char *q = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (p->index >= p->subs->len)
    {
      p->index = 0;
      upload_next (task);
      return;
    }

  sub = p->subs->pdata[p->index];
  id = g_hash_table_lookup (p->folder_ids, sub);
  if (id == NULL)
    {
      heyai_drive_ensure_folder_async (p->drive, g_hash_table_lookup (p->folder_ids, ""), sub,
                                       g_task_get_cancellable (task), folder_cb, task);
      return;
    }
  {
    g_autofree char *escaped = heyai_drive_escape_query (id);

    q = g_strdup_printf ("'%s' in parents and trashed = false", escaped);
  }
  heyai_drive_list_async (p->drive, q, "id,name,mimeType,md5Checksum,size,webViewLink",
                          g_task_get_cancellable (task), listed_cb, task);
}

static void
ensured_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Publish *p = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *folders;

  if (!heyai_storage_ensure_project_finish (HEYAI_STORAGE (source), result, &error))
    {
      fail (task, error);
      return;
    }

  g_hash_table_insert (p->folder_ids, g_strdup (""), g_strdup (heyai_project_get_drive_folder_id (p->project)));
  folders = heyai_project_get_drive_folders (p->project);
  if (folders != NULL && json_parser_load_from_data (parser, folders, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      g_autoptr(GList) members = json_object_get_members (o);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *v = json_object_get_string_member_with_default (o, l->data, NULL);

          if (v != NULL)
            g_hash_table_insert (p->folder_ids, g_strdup (l->data), g_strdup (v));
        }
    }
  p->result->folder = g_strdup (heyai_project_get_drive_folder_id (p->project));

  p->subs = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (p->subs, g_strdup (""));
  for (guint i = 0; i < p->files->len; i++)
    {
      PubFile *f = p->files->pdata[i];
      gboolean seen = FALSE;

      if (f->sub == NULL)
        continue;
      for (guint j = 0; j < p->subs->len && !seen; j++)
        seen = g_str_equal (p->subs->pdata[j], f->sub);
      if (!seen)
        g_ptr_array_add (p->subs, g_strdup (f->sub));
    }
  p->index = 0;
  list_next (task);
}

/* ---------------------------------------------------------------------- */

static void
scanned_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Publish *p = g_task_get_task_data (task);
  ScanData *d = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fail (task, error);
      return;
    }
  p->files = g_steal_pointer (&d->files);
  for (guint i = 0; i < p->files->len; i++)
    p->total_bytes += ((PubFile *) p->files->pdata[i])->size;

  if (!p->drive_mode)
    {
      p->result->n_uploaded = d->n_copied;
      p->result->n_updated = d->n_replaced;
      p->result->n_unchanged = d->n_unchanged;
      p->result->folder = g_strdup (p->project_dir);
      p->result->link = g_filename_to_uri (p->project_dir, NULL, NULL);
      p->done_bytes = p->total_bytes;
      report_progress (p);
      publish_complete (task);
      return;
    }

  heyai_storage_ensure_project_async (p->storage, p->project, g_task_get_cancellable (task), ensured_cb, task);
}

void
heyai_export_publish_async (HeyaiStore          *store,
                            HeyaiProject        *project,
                            HeyaiStorage        *storage,
                            const char          *local_root,
                            const char          *package_dir,
                            HeyaiExportProgress  progress,
                            gpointer             progress_data,
                            GDestroyNotify       progress_destroy,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task, *scan;
  Publish *p;
  ScanData *d;
  g_autofree char *root = NULL;

  g_return_if_fail (HEYAI_IS_STORE (store));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_STORAGE (storage));
  g_return_if_fail (package_dir != NULL);

  if (local_root != NULL)
    root = g_strdup (local_root);
  else if (HEYAI_IS_STORAGE_LOCAL (storage))
    root = g_strdup (heyai_storage_local_get_root (HEYAI_STORAGE_LOCAL (storage)));
  else
    root = heyai_local_root (NULL);

  p = g_new0 (Publish, 1);
  p->store = g_object_ref (store);
  p->project = g_object_ref (project);
  p->storage = g_object_ref (storage);
  p->drive_mode = HEYAI_IS_STORAGE_GDRIVE (storage);
  p->project_dir = heyai_project_dir (root, project, NULL);
  p->package_dir = g_strdup (package_dir);
  p->progress = progress;
  p->progress_data = progress_data;
  p->progress_destroy = progress_destroy;
  p->folder_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  p->remote = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  p->result = g_new0 (HeyaiExportPublishResult, 1);
  if (p->drive_mode)
    p->drive = g_object_ref (heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (storage)));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_export_publish_async);
  g_task_set_task_data (task, p, (GDestroyNotify) publish_free);

  d = g_new0 (ScanData, 1);
  d->package_dir = g_strdup (package_dir);
  d->project_dir = p->drive_mode ? NULL : g_strdup (p->project_dir);
  scan = g_task_new (NULL, cancellable, scanned_cb, task);
  g_task_set_task_data (scan, d, (GDestroyNotify) scan_data_free);
  g_task_run_in_thread (scan, scan_thread);
  g_object_unref (scan);
}

HeyaiExportPublishResult *
heyai_export_publish_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
