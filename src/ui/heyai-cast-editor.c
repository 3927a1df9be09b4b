/* heyai-cast-editor.c: a scene's cast in the scene pane (see
 * heyai-cast-editor.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-bible-page.h"
#include "heyai-cast-editor.h"
#include "heyai-ui-util.h"

struct _HeyaiCastEditor
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *group;
  GtkWidget           *chip;
  GtkWidget           *add_button;
  GtkWidget           *add_list;
  GtkWidget           *from_still_button;
  GtkWidget           *continue_row;
  GtkWidget           *continue_switch;
  GtkWidget           *end_row;
  GtkWidget           *end_switch;
  gboolean             loading;
  GPtrArray           *rows;       /* the rows added to the group */

  HeyaiScene          *scene;
  GPtrArray           *cast;       /* HeyaiBibleEntry* */
  char                *chip_text;
};

G_DEFINE_FINAL_TYPE (HeyaiCastEditor, heyai_cast_editor, ADW_TYPE_BIN)

static HeyaiStore *
get_store (void)
{
  return heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
}

static HeyaiAsset *
current_still (HeyaiCastEditor *self)
{
  if (self->scene == NULL || heyai_scene_get_image_take (self->scene) <= 0 || get_store () == NULL)
    return NULL;
  return heyai_store_get_asset (get_store (), heyai_scene_get_id (self->scene), HEYAI_ASSET_KIND_IMAGE,
                                heyai_scene_get_image_take (self->scene), NULL);
}

gboolean
heyai_cast_editor_toggle (HeyaiCastEditor *self,
                          const char      *name,
                          gboolean         present)
{
  g_autoptr(HeyaiBibleEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (HEYAI_IS_CAST_EDITOR (self), FALSE);

  if (self->scene == NULL || get_store () == NULL)
    return FALSE;
  entry = heyai_store_bible_find (get_store (), heyai_scene_get_project_id (self->scene), name, &error);
  if (entry == NULL ||
      !heyai_store_cast_set (get_store (), heyai_scene_get_project_id (self->scene), heyai_scene_get_id (self->scene),
                             entry->id, present, "producer", &error))
    {
      if (error != NULL)
        heyai_ui_error (GTK_WIDGET (self), error->message);
      return FALSE;
    }
  heyai_cast_editor_refresh (self);
  return TRUE;
}

static void
remove_clicked_cb (GtkButton       *button,
                   HeyaiCastEditor *self)
{
  heyai_cast_editor_toggle (self, g_object_get_data (G_OBJECT (button), "entry-name"), FALSE);
}

static void
add_activated_cb (GtkListBox      *list,
                  GtkListBoxRow   *row,
                  HeyaiCastEditor *self)
{
  g_autofree char *name = g_strdup (g_object_get_data (G_OBJECT (row), "entry-name"));

  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->add_button));
  heyai_cast_editor_toggle (self, name, TRUE);
}

static void
created_cb (gpointer user_data)
{
  heyai_cast_editor_refresh (HEYAI_CAST_EDITOR (user_data));
}

static void
from_still_clicked_cb (HeyaiCastEditor *self)
{
  g_autoptr(HeyaiAsset) still = current_still (self);
  g_autoptr(HeyaiProject) project = NULL;

  if (self->scene == NULL || get_store () == NULL)
    return;
  project = heyai_store_find_project (get_store (), heyai_scene_get_project_id (self->scene), NULL);
  if (project == NULL)
    return;
  heyai_bible_new_entry_dialog (GTK_WIDGET (self), project, self->scene, still, G_CALLBACK (created_cb), self);
}

static void
continue_toggled_cb (HeyaiCastEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loading || self->scene == NULL || get_store () == NULL)
    return;
  if (!heyai_store_set_scene_continues (get_store (), heyai_scene_get_project_id (self->scene),
                                        heyai_scene_get_id (self->scene),
                                        gtk_switch_get_active (GTK_SWITCH (self->continue_switch)), &error))
    heyai_ui_error (GTK_WIDGET (self), error->message);
}

static void
end_toggled_cb (HeyaiCastEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loading || self->scene == NULL || get_store () == NULL)
    return;
  if (!heyai_store_set_scene_ends_on_next (get_store (), heyai_scene_get_project_id (self->scene),
                                           heyai_scene_get_id (self->scene),
                                           gtk_switch_get_active (GTK_SWITCH (self->end_switch)), &error))
    heyai_ui_error (GTK_WIDGET (self), error->message);
}

gboolean
heyai_cast_editor_get_ends_on_next (HeyaiCastEditor *self)
{
  g_return_val_if_fail (HEYAI_IS_CAST_EDITOR (self), FALSE);
  return gtk_switch_get_active (GTK_SWITCH (self->end_switch));
}

void
heyai_cast_editor_set_ends_on_next (HeyaiCastEditor *self,
                                    gboolean         ends_on_next)
{
  g_return_if_fail (HEYAI_IS_CAST_EDITOR (self));
  gtk_switch_set_active (GTK_SWITCH (self->end_switch), ends_on_next);
}

gboolean
heyai_cast_editor_get_continues (HeyaiCastEditor *self)
{
  g_return_val_if_fail (HEYAI_IS_CAST_EDITOR (self), FALSE);
  return gtk_switch_get_active (GTK_SWITCH (self->continue_switch));
}

void
heyai_cast_editor_set_continues (HeyaiCastEditor *self,
                                 gboolean         continues)
{
  g_return_if_fail (HEYAI_IS_CAST_EDITOR (self));
  gtk_switch_set_active (GTK_SWITCH (self->continue_switch), continues);
}

char *
heyai_cast_editor_dup_names (HeyaiCastEditor *self)
{
  g_autoptr(GString) names = g_string_new (NULL);

  g_return_val_if_fail (HEYAI_IS_CAST_EDITOR (self), NULL);

  for (guint i = 0; self->cast != NULL && i < self->cast->len; i++)
    g_string_append_printf (names, "%s%s", i ? ", " : "", ((HeyaiBibleEntry *) g_ptr_array_index (self->cast, i))->name);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

const char *
heyai_cast_editor_get_chip (HeyaiCastEditor *self)
{
  g_return_val_if_fail (HEYAI_IS_CAST_EDITOR (self), NULL);
  return self->chip_text;
}

void
heyai_cast_editor_refresh (HeyaiCastEditor *self)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(HeyaiAsset) still = NULL;
  GtkWidget *child;
  guint n_addable = 0;

  g_return_if_fail (HEYAI_IS_CAST_EDITOR (self));

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (self->add_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->add_list), child);
  g_clear_pointer (&self->cast, g_ptr_array_unref);
  g_clear_pointer (&self->chip_text, g_free);

  gtk_widget_set_visible (GTK_WIDGET (self), self->scene != NULL && get_store () != NULL);
  if (self->scene == NULL || get_store () == NULL)
    return;

  self->cast = heyai_store_cast_list (get_store (), heyai_scene_get_id (self->scene), NULL);
  all = heyai_store_bible_list (get_store (), heyai_scene_get_project_id (self->scene), NULL);
  if (self->cast == NULL)
    self->cast = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_bible_entry_free);

  for (guint i = 0; i < self->cast->len; i++)
    {
      HeyaiBibleEntry *entry = g_ptr_array_index (self->cast, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), *entry->description ? entry->description
                                                                             : heyai_bible_kind_label (entry->kind));
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove from this scene"));
      g_object_set_data_full (G_OBJECT (remove), "entry-name", g_strdup (entry->name), g_free);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      HeyaiBibleEntry *entry = g_ptr_array_index (all, i);
      gboolean in_cast = FALSE;
      GtkWidget *row, *label;

      for (guint k = 0; k < self->cast->len; k++)
        if (g_str_equal (((HeyaiBibleEntry *) g_ptr_array_index (self->cast, k))->id, entry->id))
          in_cast = TRUE;
      if (in_cast)
        continue;
      label = gtk_label_new (entry->name);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "entry-name", g_strdup (entry->name), g_free);
      gtk_list_box_append (GTK_LIST_BOX (self->add_list), row);
      n_addable++;
    }
  gtk_widget_set_sensitive (self->add_button, n_addable > 0);

  /* Continue from previous shot (not for the first scene). */
  self->loading = TRUE;
  gtk_switch_set_active (GTK_SWITCH (self->continue_switch),
                         heyai_store_scene_continues (get_store (), heyai_scene_get_id (self->scene)));
  gtk_widget_set_visible (self->continue_row, heyai_scene_get_position (self->scene) > 1);
  gtk_switch_set_active (GTK_SWITCH (self->end_switch),
                         heyai_store_scene_ends_on_next (get_store (), heyai_scene_get_id (self->scene)));
  self->loading = FALSE;

  still = current_still (self);
  gtk_widget_set_sensitive (self->from_still_button,
                            still != NULL && heyai_asset_get_local_path (still) != NULL);
  self->chip_text = heyai_lineage_references_note (still);
  gtk_label_set_label (GTK_LABEL (self->chip), self->chip_text != NULL ? self->chip_text : "");
  gtk_widget_set_visible (self->chip, self->chip_text != NULL);
}

void
heyai_cast_editor_set_scene (HeyaiCastEditor *self,
                             HeyaiScene      *scene)
{
  g_return_if_fail (HEYAI_IS_CAST_EDITOR (self));

  g_set_object (&self->scene, scene);
  heyai_cast_editor_refresh (self);
}

GtkWidget *
heyai_cast_editor_new (void)
{
  return g_object_new (HEYAI_TYPE_CAST_EDITOR, NULL);
}

static void
heyai_cast_editor_dispose (GObject *object)
{
  HeyaiCastEditor *self = HEYAI_CAST_EDITOR (object);

  g_clear_object (&self->scene);
  g_clear_pointer (&self->cast, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->chip_text, g_free);

  G_OBJECT_CLASS (heyai_cast_editor_parent_class)->dispose (object);
}

static void
heyai_cast_editor_class_init (HeyaiCastEditorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = heyai_cast_editor_dispose;
}

static void
heyai_cast_editor_init (HeyaiCastEditor *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->rows = g_ptr_array_new ();
  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Cast"));
  adw_preferences_group_set_description (self->group, _("Bible entries in this scene: their descriptions and "
                                                        "reference images go with its prompts."));
  gtk_widget_set_margin_top (GTK_WIDGET (self->group), 12);

  self->add_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->add_list), GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->add_list), TRUE);
  g_signal_connect (self->add_list, "row-activated", G_CALLBACK (add_activated_cb), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 300);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), self->add_list);
  gtk_popover_set_child (GTK_POPOVER (popover), scroller);

  self->add_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->add_button), "list-add-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->add_button), popover);
  gtk_widget_set_tooltip_text (self->add_button, _("Add a bible entry to this scene"));
  gtk_widget_add_css_class (self->add_button, "flat");

  /* A row of its own: in the header it would squeeze the description. */
  self->from_still_button = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->from_still_button), _("New Entry From This Still…"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->from_still_button),
                               _("Make a bible entry with this scene’s still as its reference image"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->from_still_button),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->from_still_button), TRUE);
  g_signal_connect_swapped (self->from_still_button, "activated", G_CALLBACK (from_still_clicked_cb), self);

  gtk_box_append (GTK_BOX (suffix), self->add_button);
  adw_preferences_group_set_header_suffix (self->group, suffix);

  self->chip = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->chip), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->chip), 0);
  gtk_widget_add_css_class (self->chip, "warning");
  gtk_widget_set_visible (self->chip, FALSE);

  self->continue_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->continue_switch, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->continue_switch, "notify::active", G_CALLBACK (continue_toggled_cb), self);
  self->continue_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->continue_row), _("Continue From Previous Shot"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->continue_row),
                               _("The next still is the last frame of the previous scene’s clip"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->continue_row), self->continue_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->continue_row), self->continue_switch);

  self->end_switch = gtk_switch_new ();
  gtk_widget_set_valign (self->end_switch, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->end_switch, "notify::active", G_CALLBACK (end_toggled_cb), self);
  self->end_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->end_row), _("End on Next Shot’s Still"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->end_row),
                               _("The clip animates toward the next scene’s still, where the animator can"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->end_row), self->end_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self->end_row), self->end_switch);

  /* Below the cast rows (a group cannot insert before its last row). */
  {
    GtkWidget *shot = adw_preferences_group_new ();

    adw_preferences_group_add (ADW_PREFERENCES_GROUP (shot), self->from_still_button);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (shot), self->continue_row);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (shot), self->end_row);
    gtk_widget_set_margin_top (shot, 12);
    gtk_box_append (GTK_BOX (box), self->chip);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->group));
    gtk_box_append (GTK_BOX (box), shot);
  }

  adw_bin_set_child (ADW_BIN (self), box);
}
