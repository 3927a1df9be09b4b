/* heyai-scene-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-media-frame.h"
#include "heyai-scene-card.h"
#include "heyai-ui-util.h"

struct _HeyaiSceneCard
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkWidget         *box;
  GtkWidget         *frame;
  GtkPicture        *still;
  GtkLabel          *placeholder;
  GtkLabel          *number_badge;
  GtkLabel          *status_chip;
  GtkProgressBar    *progress;
  GtkLabel          *title_label;
  GtkLabel          *meta_label;
  GtkButton         *approve_button;
  GtkButton         *reject_button;
  GtkButton         *regenerate_button;

  /* Owned references */
  HeyaiScene        *scene;
  HeyaiThumbnailer  *thumbnailer;
  GCancellable      *cancellable;
  char              *still_path;

  HeyaiStillPathFunc path_func;
  gpointer           path_data;
  int                thumb_width;
  int                thumb_height;
};

G_DEFINE_FINAL_TYPE (HeyaiSceneCard, heyai_scene_card, GTK_TYPE_WIDGET)

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HeyaiSceneCard) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, &error);
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("thumbnail: %s", error->message);
      return;
    }
  if (self->scene == NULL || self->still_path == NULL)
    return;
  gtk_picture_set_paintable (self->still, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), FALSE);
}

void
heyai_scene_card_refresh_still (HeyaiSceneCard *self)
{
  const char *path = NULL;
  g_autoptr(GdkTexture) cached = NULL;

  g_return_if_fail (HEYAI_IS_SCENE_CARD (self));

  if (self->scene != NULL && self->path_func != NULL)
    path = self->path_func (self->scene, self->path_data);

  if (g_strcmp0 (path, self->still_path) == 0 && (path == NULL || gtk_picture_get_paintable (self->still) != NULL))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->still_path);
  self->still_path = g_strdup (path);

  if (path == NULL)
    {
      gtk_picture_set_paintable (self->still, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->placeholder), TRUE);
      return;
    }

  /* Show the last decoded texture at once (no flicker while scrolling), then
   * validate it against the file's mtime in a worker. */
  cached = heyai_thumbnailer_peek (self->thumbnailer, path, self->thumb_width);
  gtk_picture_set_paintable (self->still, cached ? GDK_PAINTABLE (cached) : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), cached == NULL);

  self->cancellable = g_cancellable_new ();
  heyai_thumbnailer_load_async (self->thumbnailer, path, self->thumb_width, self->thumb_height,
                                self->cancellable, thumbnail_cb, g_object_ref (self));
}

static void
update (HeyaiSceneCard *self)
{
  HeyaiSceneStatus status;
  g_autofree char *number = NULL;
  g_autofree char *meta = NULL;
  const char *excerpt;
  double progress;
  gboolean busy;

  if (self->scene == NULL)
    return;

  status = heyai_scene_get_status (self->scene);
  number = g_strdup_printf ("%d", heyai_scene_get_position (self->scene));
  gtk_label_set_label (self->number_badge, number);
  gtk_label_set_label (self->title_label, heyai_scene_get_title (self->scene));
  /* Translators: "5 s · Push in" */
  meta = g_strdup_printf (_("%d s · %s"), heyai_scene_get_duration (self->scene),
                          heyai_camera_move_label (heyai_scene_get_camera_move (self->scene)));
  gtk_label_set_label (self->meta_label, meta);
  gtk_label_set_label (self->status_chip, heyai_scene_status_label (status));
  heyai_ui_set_chip_class (GTK_WIDGET (self->status_chip), heyai_ui_scene_status_css (status));

  excerpt = heyai_scene_get_description (self->scene);
  if (excerpt == NULL || *excerpt == '\0')
    excerpt = heyai_scene_get_excerpt (self->scene);
  gtk_label_set_label (self->placeholder, excerpt ? excerpt : "");

  busy = status == HEYAI_SCENE_STATUS_RENDERING || status == HEYAI_SCENE_STATUS_ANIMATING;
  progress = heyai_scene_get_progress (self->scene);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), busy);
  if (busy)
    {
      if (progress > 0.0)
        gtk_progress_bar_set_fraction (self->progress, progress);
      else
        gtk_progress_bar_pulse (self->progress);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->approve_button),
                            heyai_scene_get_image_take (self->scene) > 0 &&
                            heyai_scene_get_approval (self->scene) != HEYAI_APPROVAL_APPROVED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reject_button),
                            heyai_scene_get_approval (self->scene) != HEYAI_APPROVAL_REJECTED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->regenerate_button), !busy);

  if (status == HEYAI_SCENE_STATUS_FAILED && heyai_scene_get_last_error (self->scene) != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), heyai_scene_get_last_error (self->scene));
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
}

static void
scene_notify_cb (HeyaiSceneCard *self,
                 GParamSpec     *pspec,
                 HeyaiScene     *scene)
{
  update (self);
  if (g_str_equal (pspec->name, "image-take"))
    heyai_scene_card_refresh_still (self);
}

static void
heyai_scene_card_dispose (GObject *object)
{
  HeyaiSceneCard *self = HEYAI_SCENE_CARD (object);

  heyai_scene_card_set_scene (self, NULL);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_SCENE_CARD);
  g_clear_object (&self->thumbnailer);
  g_clear_pointer (&self->still_path, g_free);

  G_OBJECT_CLASS (heyai_scene_card_parent_class)->dispose (object);
}

static void
heyai_scene_card_class_init (HeyaiSceneCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_scene_card_dispose;

  g_type_ensure (HEYAI_TYPE_MEDIA_FRAME);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-scene-card.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, box);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, frame);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, still);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, placeholder);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, number_badge);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, status_chip);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, progress);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, meta_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, approve_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, reject_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiSceneCard, regenerate_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scenecard");
}

static void
heyai_scene_card_init (HeyaiSceneCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  heyai_scene_card_set_aspect (self, HEYAI_ASPECT_16_9);
}

GtkWidget *
heyai_scene_card_new (HeyaiThumbnailer  *thumbnailer,
                      HeyaiStillPathFunc path_func,
                      gpointer           path_data)
{
  HeyaiSceneCard *self = g_object_new (HEYAI_TYPE_SCENE_CARD, NULL);

  self->thumbnailer = g_object_ref (thumbnailer);
  self->path_func = path_func;
  self->path_data = path_data;
  return GTK_WIDGET (self);
}

void
heyai_scene_card_set_aspect (HeyaiSceneCard *self,
                             HeyaiAspect     aspect)
{
  int w, h;

  g_return_if_fail (HEYAI_IS_SCENE_CARD (self));

  switch (aspect)
    {
    case HEYAI_ASPECT_9_16: w = 144; h = 256; break;
    case HEYAI_ASPECT_1_1:  w = 200; h = 200; break;
    case HEYAI_ASPECT_16_9:
    default:                w = 240; h = 135; break;
    }
  if (w == self->thumb_width && h == self->thumb_height)
    return;
  self->thumb_width = w;
  self->thumb_height = h;
  gtk_widget_set_size_request (self->frame, w, h);
  gtk_widget_set_size_request (GTK_WIDGET (self->box), MAX (w, 200), -1);
  g_clear_pointer (&self->still_path, g_free);
}

void
heyai_scene_card_set_scene (HeyaiSceneCard *self,
                            HeyaiScene     *scene)
{
  g_autoptr(GVariant) target = NULL;

  g_return_if_fail (HEYAI_IS_SCENE_CARD (self));

  if (self->scene == scene)
    return;

  if (self->scene != NULL)
    g_signal_handlers_disconnect_by_data (self->scene, self);
  g_set_object (&self->scene, scene);

  if (scene == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }

  target = g_variant_ref_sink (g_variant_new_string (heyai_scene_get_id (scene)));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->approve_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reject_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->regenerate_button), target);

  g_signal_connect_object (scene, "notify", G_CALLBACK (scene_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
  heyai_scene_card_refresh_still (self);
}

HeyaiScene *
heyai_scene_card_get_scene (HeyaiSceneCard *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE_CARD (self), NULL);
  return self->scene;
}

gboolean
heyai_scene_card_has_still (HeyaiSceneCard *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE_CARD (self), FALSE);
  return gtk_picture_get_paintable (self->still) != NULL;
}
