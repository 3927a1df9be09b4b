/* heyai-thumbnailer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "heyai-background.h"
#include "heyai-thumbnailer.h"

struct _HeyaiThumbnailer
{
  GObject     parent_instance;

  GMutex      lock;
  GHashTable *cache;     /* "path|w|mtime|size" -> GdkTexture */
  GHashTable *latest;    /* "path|w" -> GdkTexture */
  GQueue     *order;     /* keys of cache, oldest first (owned by cache) */
  guint       max_entries;
  guint       n_decoded;
};

G_DEFINE_FINAL_TYPE (HeyaiThumbnailer, heyai_thumbnailer, G_TYPE_OBJECT)

typedef struct
{
  char *path;
  int   width;
  int   height;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
heyai_thumbnailer_finalize (GObject *object)
{
  HeyaiThumbnailer *self = HEYAI_THUMBNAILER (object);

  g_queue_free (self->order);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->latest, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (heyai_thumbnailer_parent_class)->finalize (object);
}

static void
heyai_thumbnailer_class_init (HeyaiThumbnailerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = heyai_thumbnailer_finalize;
}

static void
heyai_thumbnailer_init (HeyaiThumbnailer *self)
{
  g_mutex_init (&self->lock);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->order = g_queue_new ();
  self->max_entries = 512;
}

HeyaiThumbnailer *
heyai_thumbnailer_new (guint max_entries)
{
  HeyaiThumbnailer *self = g_object_new (HEYAI_TYPE_THUMBNAILER, NULL);

  if (max_entries > 0)
    self->max_entries = max_entries;
  return self;
}

GdkTexture *
heyai_thumbnailer_peek (HeyaiThumbnailer *self,
                        const char       *path,
                        int               width)
{
  g_autofree char *key = NULL;
  GdkTexture *texture;

  g_return_val_if_fail (HEYAI_IS_THUMBNAILER (self), NULL);

  if (path == NULL)
    return NULL;
  key = g_strdup_printf ("%s|%d", path, width);
  g_mutex_lock (&self->lock);
  texture = g_hash_table_lookup (self->latest, key);
  if (texture != NULL)
    g_object_ref (texture);
  g_mutex_unlock (&self->lock);
  return texture;
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HeyaiThumbnailer *self = source_object;
  LoadData *data = task_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  GStatBuf st;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (g_stat (data->path, &st) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The still %s is missing."), data->path);
      return;
    }

  key = g_strdup_printf ("%s|%d|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT,
                         data->path, data->width, (gint64) st.st_mtime, (gint64) st.st_size);

  g_mutex_lock (&self->lock);
  texture = g_hash_table_lookup (self->cache, key);
  if (texture != NULL)
    g_object_ref (texture);
  g_mutex_unlock (&self->lock);

  if (texture != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
      return;
    }

  /* Scale so the image covers width x height (cards crop with content-fit
   * cover), never up. */
  {
    int w = 0, h = 0;

    if (gdk_pixbuf_get_file_info (data->path, &w, &h) != NULL && w > 0 && h > 0)
      {
        double scale = MIN (1.0, MAX ((double) data->width / w, (double) data->height / h));
        pixbuf = gdk_pixbuf_new_from_file_at_scale (data->path, MAX (1, (int) (w * scale + 0.5)),
                                                    MAX (1, (int) (h * scale + 0.5)), TRUE, &error);
      }
    else
      pixbuf = gdk_pixbuf_new_from_file_at_scale (data->path, data->width, data->height, TRUE, &error);
  }
  if (pixbuf == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  texture = gdk_texture_new_for_pixbuf (pixbuf);
G_GNUC_END_IGNORE_DEPRECATIONS

  g_mutex_lock (&self->lock);
  self->n_decoded++;
  if (!g_hash_table_contains (self->cache, key))
    {
      char *owned = g_strdup (key);

      g_hash_table_insert (self->cache, owned, g_object_ref (texture));
      g_queue_push_tail (self->order, owned);
      while (g_queue_get_length (self->order) > self->max_entries)
        {
          char *old = g_queue_pop_head (self->order);
          g_hash_table_remove (self->cache, old);
        }
    }
  g_hash_table_insert (self->latest, g_strdup_printf ("%s|%d", data->path, data->width),
                       g_object_ref (texture));
  if (g_hash_table_size (self->latest) > self->max_entries * 2)
    g_hash_table_remove_all (self->latest);
  g_mutex_unlock (&self->lock);

  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
}

void
heyai_thumbnailer_load_async (HeyaiThumbnailer    *self,
                              const char          *path,
                              int                  width,
                              int                  height,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (HEYAI_IS_THUMBNAILER (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_thumbnailer_load_async);
  data = g_new0 (LoadData, 1);
  data->path = g_strdup (path);
  data->width = MAX (width, 16);
  data->height = MAX (height, 16);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  /* Decoding is CPU work: low priority, leaving a core for the window. */
  heyai_background_run_quick (task, load_worker, g_object_unref);
}

GdkTexture *
heyai_thumbnailer_load_finish (HeyaiThumbnailer  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
heyai_thumbnailer_get_n_decoded (HeyaiThumbnailer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_decoded;
  g_mutex_unlock (&self->lock);
  return n;
}
