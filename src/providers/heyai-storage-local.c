/* heyai-storage-local.c: the project tree on the local disk.
 *
 * ensure_project creates <root>/Project-<n>-<slug>/{images,clips,final}
 * (idempotent; Drive folder ids stay empty).  publish leaves a file that is
 * already in its place, copies one that is elsewhere into the tree
 * (temporary name, then rename), and records its file:// view link, size
 * and sha256.  All disk work happens in GTask threads; the asset is only
 * updated on the caller's main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "heyai-storage-local.h"
#include "heyai-background.h"

static const char * const project_subs[] = { "images", "clips", "final" };

struct _HeyaiStorageLocal
{
  GObject  parent_instance;

  char    *root;
};

enum {
  PROP_0,
  PROP_ROOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void heyai_storage_local_iface_init (HeyaiStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiStorageLocal, heyai_storage_local, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_STORAGE,
                                                      heyai_storage_local_iface_init))

const char *
heyai_storage_local_sub_for_kind (HeyaiAssetKind kind)
{
  switch (kind)
    {
    case HEYAI_ASSET_KIND_IMAGE:
      return "images";
    case HEYAI_ASSET_KIND_CLIP:
      return "clips";
    case HEYAI_ASSET_KIND_DATABASE:
      return ".heyai";
    case HEYAI_ASSET_KIND_ANIMATIC:
    case HEYAI_ASSET_KIND_PACKAGE:
    default:
      return "final";
    }
}

/* ---------------------------------------------------------------------- */
/* ensure_project                                                          */

static void
ensure_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *project_dir = task_data;

  for (guint i = 0; i < G_N_ELEMENTS (project_subs); i++)
    {
      g_autofree char *path = g_build_filename (project_dir, project_subs[i], NULL);

      if (g_task_return_error_if_cancelled (task))
        return;

      if (g_mkdir_with_parents (path, 0755) != 0)
        {
          int saved_errno = errno;
          g_autoptr(GError) error = NULL;
          g_autofree char *what = g_strdup_printf (_("Could not create the project folder “%s”"), path);

          heyai_set_io_error (&error, saved_errno, what);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void
heyai_storage_local_ensure_project_async (HeyaiStorage        *storage,
                                          HeyaiProject        *project,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  HeyaiStorageLocal *self = HEYAI_STORAGE_LOCAL (storage);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, heyai_storage_local_ensure_project_async);
  g_task_set_task_data (task, heyai_project_dir (self->root, project, NULL), g_free);
  g_task_run_in_thread (task, ensure_thread);
}

static gboolean
heyai_storage_local_ensure_project_finish (HeyaiStorage  *storage,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, storage), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* publish                                                                 */

typedef struct
{
  /* In (copied on the main context). */
  char         *source;       /* the asset's local-path */
  char         *target_dir;   /* where it belongs in the tree */
  /* Out (read back on the main context). */
  char         *final_path;
  char         *sha256;
  gint64        size;
  /* The asset and the caller's task, only touched on the main context. */
  HeyaiAsset       *asset;
  HeyaiGenReporter *reporter;
  GTask            *outer;
} PublishData;

static void
publish_data_free (PublishData *data)
{
  g_free (data->source);
  g_free (data->target_dir);
  g_free (data->final_path);
  g_free (data->sha256);
  g_clear_object (&data->asset);
  g_clear_pointer (&data->reporter, heyai_gen_reporter_unref);
  g_clear_object (&data->outer);
  g_free (data);
}

static gboolean
is_inside (const char *path,
           const char *dir)
{
  g_autofree char *parent = g_path_get_dirname (path);

  return g_strcmp0 (parent, dir) == 0;
}

/* Copies @source into @target_dir under its own name: a temporary name in
 * the same folder first, then an atomic rename. */
static char *
copy_into (const char    *source,
           const char    *target_dir,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *name = g_path_get_basename (source);
  g_autofree char *final_path = g_build_filename (target_dir, name, NULL);
  g_autofree char *tmp_name = g_strdup_printf (".%s.part-%08x", name, g_random_int ());
  g_autofree char *tmp_path = g_build_filename (target_dir, tmp_name, NULL);
  g_autoptr(GFile) src = g_file_new_for_path (source);
  g_autoptr(GFile) tmp = g_file_new_for_path (tmp_path);
  g_autoptr(GFile) dst = g_file_new_for_path (final_path);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (target_dir, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not create the folder “%s”"), target_dir);

      heyai_set_io_error (error, saved_errno, what);
      return NULL;
    }

  if (!g_file_copy (src, tmp, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NOFOLLOW_SYMLINKS,
                    cancellable, NULL, NULL, &local_error) ||
      !g_file_move (tmp, dst, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    cancellable, NULL, NULL, &local_error))
    {
      g_file_delete (tmp, NULL, NULL);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE,
                     _("Could not copy %s into the project folder: the disk is full. "
                       "Free some space and try again."), name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
               g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_READ_ONLY))
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                     _("Could not copy %s into the project folder: %s"), name, local_error->message);
      else
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                     _("Could not copy %s into the project folder: %s"), name, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&final_path);
}

static void
publish_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PublishData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_canonicalize_filename (data->source, NULL);
  g_autofree char *target_dir = g_canonicalize_filename (data->target_dir, NULL);
  GStatBuf st;

  if (g_stat (source, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_autofree char *name = g_path_get_basename (source);

      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                               _("The file %s is missing, so it cannot be published. "
                                 "Generate it again."), name);
      return;
    }

  if (is_inside (source, target_dir))
    data->final_path = g_steal_pointer (&source);
  else
    {
      data->final_path = copy_into (source, target_dir, cancellable, &error);
      if (data->final_path == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  if (g_stat (data->final_path, &st) != 0)
    {
      g_autofree char *what = g_strdup_printf (_("Could not read “%s”"), data->final_path);

      heyai_set_io_error (&error, errno, what);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->size = (gint64) st.st_size;

  data->sha256 = heyai_file_sha256 (data->final_path, cancellable, &error);
  if (data->sha256 == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* Back on the caller's context: update the asset, then complete. */
static void
publish_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PublishData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) outer = g_steal_pointer (&data->outer);
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  uri = g_filename_to_uri (data->final_path, NULL, &error);
  if (uri == NULL)
    {
      g_task_return_new_error (outer, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("The file %s has a name that cannot be linked to (%s)."),
                               data->final_path, error->message);
      return;
    }

  if (g_strcmp0 (heyai_asset_get_local_path (data->asset), data->final_path) != 0)
    heyai_asset_set_local_path (data->asset, data->final_path);
  heyai_asset_set_view_link (data->asset, uri);
  heyai_asset_set_size (data->asset, data->size);
  heyai_asset_set_sha256 (data->asset, data->sha256);
  heyai_gen_reporter_progress (data->reporter, 1.0);

  g_task_return_boolean (outer, TRUE);
}

static void
heyai_storage_local_publish_async (HeyaiStorage        *storage,
                                   HeyaiProject        *project,
                                   HeyaiAsset          *asset,
                                   const char          *upload_session,
                                   HeyaiGenReporter    *reporter,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  HeyaiStorageLocal *self = HEYAI_STORAGE_LOCAL (storage);
  g_autoptr(GTask) outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;
  const char *local_path = heyai_asset_get_local_path (asset);
  const char *sub = heyai_storage_local_sub_for_kind (heyai_asset_get_kind (asset));
  PublishData *data;

  g_task_set_source_tag (outer, heyai_storage_local_publish_async);

  if (local_path == NULL || *local_path == '\0')
    {
      g_task_return_new_error (outer, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                               _("This asset has no file yet, so there is nothing to publish."));
      return;
    }

  data = g_new0 (PublishData, 1);
  data->source = g_strdup (local_path);
  if (g_str_equal (sub, ".heyai"))
    data->target_dir = g_build_filename (self->root, sub, NULL);
  else
    data->target_dir = heyai_project_dir (self->root, project, sub);
  data->asset = g_object_ref (asset);
  data->reporter = reporter != NULL ? heyai_gen_reporter_ref (reporter) : NULL;
  data->outer = g_steal_pointer (&outer);

  inner = g_task_new (self, cancellable, publish_done_cb, NULL);
  g_task_set_source_tag (inner, publish_thread);
  g_task_set_task_data (inner, data, (GDestroyNotify) publish_data_free);
  /* The copy at the background pool's low priority, like the rest of the
   * offline work, so it never takes a core from the window. */
  heyai_background_run_quick (inner, publish_thread, NULL);
}

static gboolean
heyai_storage_local_publish_finish (HeyaiStorage  *storage,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, storage), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        heyai_storage_local_publish_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */

static const char *
heyai_storage_local_get_name (HeyaiStorage *storage)
{
  return "local";
}

static void
heyai_storage_local_iface_init (HeyaiStorageInterface *iface)
{
  iface->get_name = heyai_storage_local_get_name;
  iface->ensure_project_async = heyai_storage_local_ensure_project_async;
  iface->ensure_project_finish = heyai_storage_local_ensure_project_finish;
  iface->publish_async = heyai_storage_local_publish_async;
  iface->publish_finish = heyai_storage_local_publish_finish;
}

static void
heyai_storage_local_finalize (GObject *object)
{
  HeyaiStorageLocal *self = HEYAI_STORAGE_LOCAL (object);

  g_clear_pointer (&self->root, g_free);

  G_OBJECT_CLASS (heyai_storage_local_parent_class)->finalize (object);
}

static void
heyai_storage_local_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HeyaiStorageLocal *self = HEYAI_STORAGE_LOCAL (object);

  switch (prop_id)
    {
    case PROP_ROOT:
      g_value_set_string (value, self->root);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_storage_local_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HeyaiStorageLocal *self = HEYAI_STORAGE_LOCAL (object);

  switch (prop_id)
    {
    case PROP_ROOT:
      g_free (self->root);
      self->root = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_storage_local_constructed (GObject *object)
{
  HeyaiStorageLocal *self = HEYAI_STORAGE_LOCAL (object);

  G_OBJECT_CLASS (heyai_storage_local_parent_class)->constructed (object);

  if (self->root == NULL || *self->root == '\0')
    {
      g_free (self->root);
      self->root = heyai_local_root (NULL);
    }
}

static void
heyai_storage_local_class_init (HeyaiStorageLocalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heyai_storage_local_finalize;
  object_class->get_property = heyai_storage_local_get_property;
  object_class->set_property = heyai_storage_local_set_property;
  object_class->constructed = heyai_storage_local_constructed;

  properties[PROP_ROOT] =
    g_param_spec_string ("root", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
heyai_storage_local_init (HeyaiStorageLocal *self)
{
}

HeyaiStorage *
heyai_storage_local_new (const char *data_dir)
{
  g_autofree char *root = heyai_local_root (data_dir);

  return g_object_new (HEYAI_TYPE_STORAGE_LOCAL, "root", root, NULL);
}

const char *
heyai_storage_local_get_root (HeyaiStorageLocal *self)
{
  g_return_val_if_fail (HEYAI_IS_STORAGE_LOCAL (self), NULL);

  return self->root;
}
