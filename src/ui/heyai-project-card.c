/* heyai-project-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-media-frame.h"
#include "heyai-project-card.h"
#include "heyai-ui-util.h"

struct _HeyaiProjectCard
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *box;
  GtkPicture     *thumbnail;
  GtkWidget      *placeholder;
  GtkLabel       *title_label;
  GtkLabel       *status_chip;
  GtkLabel       *meta_label;
  GtkMenuButton  *menu_button;

  /* Owned references */
  HeyaiProject   *project;
  GCancellable   *cancellable;
  guint           n_scenes;
};

G_DEFINE_FINAL_TYPE (HeyaiProjectCard, heyai_project_card, GTK_TYPE_WIDGET)

static void
update (HeyaiProjectCard *self)
{
  g_autofree char *edited = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *scenes = NULL;
  HeyaiProjectStatus status = heyai_project_get_status (self->project);
  gint64 when = heyai_hlc_stamp_to_unix_us (heyai_project_get_updated_at (self->project));

  if (when == 0)
    when = heyai_project_get_created_at (self->project);

  heyai_ui_label_set (self->title_label, heyai_project_get_title (self->project));
  heyai_ui_label_set (self->status_chip, heyai_project_status_label (status));
  heyai_ui_set_chip_class (GTK_WIDGET (self->status_chip), heyai_ui_project_status_css (status));

  edited = heyai_ui_format_edited (when, g_get_real_time ());
  scenes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene", "%u scenes", self->n_scenes),
                            self->n_scenes);
  /* Translators: "12 scenes · edited 2 h ago" */
  meta = g_strdup_printf (_("%s · %s"), scenes, edited);
  heyai_ui_label_set (self->meta_label, meta);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), heyai_project_get_title (self->project));
}

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HeyaiProjectCard) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;

  texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, NULL);
  if (texture == NULL || self->project == NULL)
    return;
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (self->placeholder, FALSE);
}

static void
load_details (HeyaiProjectCard *self,
              HeyaiStore       *store)
{
  g_autoptr(GPtrArray) scenes = NULL;
  HeyaiApplication *app = HEYAI_IS_APPLICATION (g_application_get_default ()) ? HEYAI_APPLICATION_DEFAULT : NULL;

  scenes = heyai_store_list_scenes (store, heyai_project_get_id (self->project), NULL);
  self->n_scenes = scenes ? scenes->len : 0;

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      g_autoptr(HeyaiAsset) asset = NULL;
      int take = heyai_scene_get_image_take (scene);

      if (take <= 0)
        continue;
      asset = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, take, NULL);
      if (asset != NULL && heyai_asset_get_local_path (asset) != NULL && app != NULL)
        heyai_thumbnailer_load_async (heyai_application_get_thumbnailer (app),
                                      heyai_asset_get_local_path (asset), 520, 292,
                                      self->cancellable, thumbnail_cb, g_object_ref (self));
      break;
    }
}

static void
heyai_project_card_dispose (GObject *object)
{
  HeyaiProjectCard *self = HEYAI_PROJECT_CARD (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_PROJECT_CARD);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (heyai_project_card_parent_class)->dispose (object);
}

static void
heyai_project_card_class_init (HeyaiProjectCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_project_card_dispose;

  g_type_ensure (HEYAI_TYPE_MEDIA_FRAME);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-project-card.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectCard, box);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectCard, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectCard, placeholder);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectCard, status_chip);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectCard, meta_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectCard, menu_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "projectcard");
}

static void
heyai_project_card_init (HeyaiProjectCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
heyai_project_card_new (HeyaiProject *project,
                        HeyaiStore   *store)
{
  HeyaiProjectCard *self = g_object_new (HEYAI_TYPE_PROJECT_CARD, NULL);
  g_autoptr(GMenu) menu = g_menu_new ();
  const char *id = heyai_project_get_id (project);
  g_autoptr(GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
  g_autoptr(GMenuItem) duplicate = g_menu_item_new (_("_Duplicate"), NULL);
  g_autoptr(GMenuItem) delete = g_menu_item_new (_("_Delete"), NULL);
  g_autoptr(GMenu) section = g_menu_new ();

  self->project = g_object_ref (project);

  g_menu_item_set_action_and_target_value (rename, "projects.rename", g_variant_new_string (id));
  g_menu_item_set_action_and_target_value (duplicate, "projects.duplicate", g_variant_new_string (id));
  g_menu_item_set_action_and_target_value (delete, "projects.delete", g_variant_new_string (id));
  g_menu_append_item (menu, rename);
  g_menu_append_item (menu, duplicate);
  g_menu_append_item (section, delete);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));

  if (store != NULL)
    load_details (self, store);
  update (self);
  g_signal_connect_object (project, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

HeyaiProject *
heyai_project_card_get_project (HeyaiProjectCard *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT_CARD (self), NULL);
  return self->project;
}
