/* heyai-project-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-media-frame.h"
#include "heyai-project-card.h"
#include "heyai-store-summary.h"
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
  HeyaiStore     *store;
  GCancellable   *cancellable;
  guint           n_scenes;
  gboolean        details_loaded;
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
  meta = self->details_loaded ? g_strdup_printf (_("%s · %s"), scenes, edited) : g_strdup (edited);
  heyai_ui_label_set (self->meta_label, meta);
  /* Only when it changed: setting a tooltip on a shown widget queries the
   * pointer from the X server (two round trips, GTK 4.8). */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (self)), heyai_project_get_title (self->project)) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), heyai_project_get_title (self->project));
}

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  /* Weak: a late thumbnail never keeps a card alive (see the scene card). */
  g_autoptr(HeyaiProjectCard) self = heyai_ui_weak_ref_steal (user_data);
  g_autoptr(GdkTexture) texture = NULL;

  texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, NULL);
  if (self == NULL || texture == NULL || self->project == NULL)
    return;
  gtk_picture_set_paintable (self->thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (self->placeholder, FALSE);
}

static void
summary_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  char **args = task_data;   /* { db path, project id } */
  GError *error = NULL;
  HeyaiProjectSummary *summary = heyai_store_read_project_summary (args[0], args[1], &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) heyai_project_summary_free);
}

static void
summary_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HeyaiProjectCard *self = HEYAI_PROJECT_CARD (source);
  g_autoptr(HeyaiProjectSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiApplication *app = HEYAI_IS_APPLICATION (g_application_get_default ()) ? HEYAI_APPLICATION_DEFAULT : NULL;

  summary = g_task_propagate_pointer (G_TASK (result), &error);
  if (summary == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s", error->message);
      return;
    }
  self->n_scenes = summary->n_scenes;
  self->details_loaded = TRUE;
  update (self);
  if (summary->still_path != NULL && app != NULL)
    heyai_thumbnailer_load_async (heyai_application_get_thumbnailer (app),
                                  summary->still_path, 520, 292,
                                  self->cancellable, thumbnail_cb, heyai_ui_weak_ref_new (self));
}

/* The scene count and the first still come from a worker thread with its
 * own read-only connection: building a card never reads the database on
 * the main thread. */
void
heyai_project_card_reload (HeyaiProjectCard *self)
{
  g_autoptr(GTask) task = NULL;
  char **args;

  g_return_if_fail (HEYAI_IS_PROJECT_CARD (self));

  if (self->store == NULL || heyai_store_get_path (self->store) == NULL)
    return;
  task = g_task_new (self, self->cancellable, summary_cb, NULL);
  g_task_set_source_tag (task, heyai_project_card_reload);
  g_task_set_check_cancellable (task, TRUE);
  args = g_new0 (char *, 3);
  args[0] = g_strdup (heyai_store_get_path (self->store));
  args[1] = g_strdup (heyai_project_get_id (self->project));
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, summary_thread);
}

gboolean
heyai_project_card_is_loaded (HeyaiProjectCard *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT_CARD (self), FALSE);
  return self->details_loaded;
}

void
heyai_project_card_set_project (HeyaiProjectCard *self,
                                HeyaiProject     *project)
{
  g_return_if_fail (HEYAI_IS_PROJECT_CARD (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));

  if (self->project == project)
    return;
  g_signal_handlers_disconnect_by_func (self->project, update, self);
  g_set_object (&self->project, project);
  g_signal_connect_object (project, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
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
  g_clear_object (&self->store);

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

  self->store = store != NULL ? g_object_ref (store) : NULL;
  update (self);
  heyai_project_card_reload (self);
  g_signal_connect_object (project, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);

  return GTK_WIDGET (self);
}

HeyaiProject *
heyai_project_card_get_project (HeyaiProjectCard *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT_CARD (self), NULL);
  return self->project;
}
