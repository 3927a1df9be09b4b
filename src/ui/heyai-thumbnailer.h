/* heyai-thumbnailer.h: stills decoded at card size in worker threads, cached
 * by path + mtime + size (an LRU of textures).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEYAI_TYPE_THUMBNAILER (heyai_thumbnailer_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiThumbnailer, heyai_thumbnailer, HEYAI, THUMBNAILER, GObject)

HeyaiThumbnailer *heyai_thumbnailer_new         (guint              max_entries);
/* The last texture decoded for @path at @width (any mtime), or NULL: lets a
 * recycled card show something at once while the real load runs. */
GdkTexture       *heyai_thumbnailer_peek        (HeyaiThumbnailer  *self,
                                                 const char        *path,
                                                 int                width);
/* Decodes @path in a thread, scaled (aspect kept, never up) so it covers
 * @width x @height. */
void              heyai_thumbnailer_load_async  (HeyaiThumbnailer  *self,
                                                 const char        *path,
                                                 int                width,
                                                 int                height,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
GdkTexture       *heyai_thumbnailer_load_finish (HeyaiThumbnailer  *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
guint             heyai_thumbnailer_get_n_decoded (HeyaiThumbnailer *self);

G_END_DECLS
