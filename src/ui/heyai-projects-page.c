/* heyai-projects-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-project-card.h"
#include "heyai-projects-page.h"
#include "heyai-ui-util.h"
#include "heyai-window.h"

struct _HeyaiProjectsPage
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *toolbar;
  GtkStack       *stack;
  GtkFlowBox     *flow_box;

  /* Owned references */
  HeyaiStore     *store;
  GListStore     *projects;
  GHashTable     *pending_deletes;  /* id -> HeyaiProject */
  GHashTable     *changed;          /* id -> HeyaiProject or NULL (scenes changed) */
  gboolean        full_reload;      /* a project appeared or went: rebuild the list */
  guint           reload_id;
};

G_DEFINE_FINAL_TYPE (HeyaiProjectsPage, heyai_projects_page, GTK_TYPE_WIDGET)

static GtkWidget *
create_card (gpointer item,
             gpointer user_data)
{
  HeyaiProjectsPage *self = user_data;
  GtkWidget *card = heyai_project_card_new (item, self->store);
  GtkWidget *child = gtk_flow_box_child_new ();

  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), card);
  gtk_widget_add_css_class (child, "project-child");
  return child;
}

static void
child_activated_cb (HeyaiProjectsPage *self,
                    GtkFlowBoxChild   *child,
                    GtkFlowBox        *box)
{
  HeyaiProjectCard *card = HEYAI_PROJECT_CARD (gtk_flow_box_child_get_child (child));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (HEYAI_IS_WINDOW (root))
    heyai_window_open_project (HEYAI_WINDOW (root), heyai_project_card_get_project (card));
}

void
heyai_projects_page_reload (HeyaiProjectsPage *self)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HEYAI_IS_PROJECTS_PAGE (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_hash_table_remove_all (self->changed);
  self->full_reload = FALSE;
  if (self->store == NULL)
    return;

  list = heyai_store_list_projects (self->store, &error);
  if (list == NULL)
    {
      heyai_ui_error (GTK_WIDGET (self), error->message);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    {
      HeyaiProject *project = g_ptr_array_index (list, i);
      if (!g_hash_table_contains (self->pending_deletes, heyai_project_get_id (project)))
        g_ptr_array_add (shown, project);
    }

  g_list_store_splice (self->projects, 0, g_list_model_get_n_items (G_LIST_MODEL (self->projects)),
                       shown->pdata, shown->len);
  gtk_stack_set_visible_child_name (self->stack, shown->len > 0 ? "grid" : "empty");
}

/* Updates the cards of the projects in self->changed in place: the other
 * cards are not rebuilt, and nothing here reads the database (each card
 * reloads its scene count and still in a worker thread). */
static gboolean
update_changed (HeyaiProjectsPage *self)
{
  GListModel *model = G_LIST_MODEL (self->projects);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->changed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      HeyaiProject *fresh = value;
      guint n = g_list_model_get_n_items (model);
      guint pos;

      for (pos = 0; pos < n; pos++)
        {
          g_autoptr(HeyaiProject) shown = g_list_model_get_item (model, pos);

          if (g_strcmp0 (heyai_project_get_id (shown), key) != 0)
            continue;
          if (fresh != NULL && heyai_project_get_deleted (fresh))
            return FALSE;
          if (fresh != NULL && fresh != shown)
            {
              /* What the card shows; its notify handler redraws it. */
              heyai_project_set_title (shown, heyai_project_get_title (fresh));
              heyai_project_set_status (shown, heyai_project_get_status (fresh));
              heyai_project_set_aspect (shown, heyai_project_get_aspect (fresh));
              heyai_project_set_updated_at (shown, heyai_project_get_updated_at (fresh));
            }
          {
            GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (self->flow_box, (int) pos);

            if (child != NULL && HEYAI_IS_PROJECT_CARD (gtk_flow_box_child_get_child (child)))
              heyai_project_card_reload (HEYAI_PROJECT_CARD (gtk_flow_box_child_get_child (child)));
          }
          break;
        }
      /* A project the grid does not show yet (new, or restored by sync). */
      if (pos == n && fresh != NULL && !heyai_project_get_deleted (fresh) &&
          !g_hash_table_contains (self->pending_deletes, key))
        return FALSE;
    }
  return TRUE;
}

static gboolean
reload_idle_cb (gpointer user_data)
{
  HeyaiProjectsPage *self = user_data;

  self->reload_id = 0;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return G_SOURCE_REMOVE;   /* map_cb reloads everything */
  if (self->full_reload || !update_changed (self))
    heyai_projects_page_reload (self);
  g_hash_table_remove_all (self->changed);
  self->full_reload = FALSE;
  return G_SOURCE_REMOVE;
}

static void
project_changed_cb (HeyaiProjectsPage *self,
                    HeyaiProject      *project,
                    HeyaiStore        *store)
{
  if (project == NULL || heyai_project_get_id (project) == NULL)
    self->full_reload = TRUE;
  else
    g_hash_table_insert (self->changed, g_strdup (heyai_project_get_id (project)), g_object_ref (project));
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (250, reload_idle_cb, self);
}

static void
scenes_changed_cb (HeyaiProjectsPage *self,
                   const char        *project_id,
                   HeyaiStore        *store)
{
  if (project_id == NULL)
    return;
  if (!g_hash_table_contains (self->changed, project_id))
    g_hash_table_insert (self->changed, g_strdup (project_id), NULL);
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (250, reload_idle_cb, self);
}

static void
map_cb (HeyaiProjectsPage *self)
{
  heyai_projects_page_reload (self);
}

/* Actions ---------------------------------------------------------------- */

static HeyaiProject *
lookup (HeyaiProjectsPage *self,
        GVariant          *param)
{
  return self->store ? heyai_store_find_project (self->store, g_variant_get_string (param, NULL), NULL) : NULL;
}

static void
rename_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  g_autoptr(HeyaiProject) project = user_data;
  HeyaiProjectsPage *self = g_object_get_data (G_OBJECT (dialog), "page");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (g_strcmp0 (response, "rename") != 0)
    return;
  title = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  if (*title == '\0')
    return;
  heyai_project_set_title (project, title);
  if (!heyai_store_update_project (self->store, project, &error))
    heyai_ui_error (GTK_WIDGET (self), error->message);
}

void heyai_projects_page_ask_rename (GtkWidget *parent, HeyaiStore *store, HeyaiProject *project);

void
heyai_projects_page_ask_rename (GtkWidget    *parent,
                                HeyaiStore   *store,
                                HeyaiProject *project)
{
  GtkWidget *dialog;
  GtkWidget *entry;
  GtkRoot *root = gtk_widget_get_root (parent);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Rename Project"), NULL);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), heyai_project_get_title (project));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "page", parent);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data (G_OBJECT (dialog), "store", store);
  g_signal_connect (dialog, "response", G_CALLBACK (rename_response_cb), g_object_ref (project));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  HeyaiProjectsPage *self = HEYAI_PROJECTS_PAGE (widget);
  g_autoptr(HeyaiProject) project = lookup (self, param);

  if (project != NULL)
    heyai_projects_page_ask_rename (widget, self->store, project);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HeyaiProjectsPage *self = HEYAI_PROJECTS_PAGE (widget);
  g_autoptr(HeyaiProject) project = lookup (self, param);
  g_autoptr(HeyaiProject) copy = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (project == NULL)
    return;

  /* Translators: the title of a duplicated project */
  title = g_strdup_printf (_("%s (copy)"), heyai_project_get_title (project));
  copy = heyai_project_new ();
  heyai_project_set_title (copy, title);
  heyai_project_set_script (copy, heyai_project_get_script (project));
  heyai_project_set_style (copy, heyai_project_get_style (project));
  heyai_project_set_aspect (copy, heyai_project_get_aspect (project));
  heyai_project_set_status (copy, HEYAI_PROJECT_STATUS_DRAFT);
  if (!heyai_store_insert_project (self->store, copy, &error))
    goto fail;

  /* The scenes' text comes along; stills and clips stay with the original. */
  scenes = heyai_store_list_scenes (self->store, heyai_project_get_id (project), NULL);
  copies = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      HeyaiScene *scene = heyai_scene_new ();

      heyai_scene_copy_content (scene, g_ptr_array_index (scenes, i));
      heyai_scene_set_project_id (scene, heyai_project_get_id (copy));
      heyai_scene_set_image_take (scene, 0);
      heyai_scene_set_clip_take (scene, 0);
      heyai_scene_set_approval (scene, HEYAI_APPROVAL_PENDING);
      heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_PENDING);
      heyai_scene_set_last_error (scene, NULL);
      g_ptr_array_add (copies, scene);
    }
  if (copies->len > 0 &&
      !heyai_store_replace_scenes (self->store, heyai_project_get_id (copy), copies, &error))
    goto fail;

  heyai_projects_page_reload (self);
  {
    g_autofree char *msg = g_strdup_printf (_("Duplicated as “%s”"), title);
    heyai_ui_toast (widget, msg);
  }
  return;

fail:
  heyai_ui_error (widget, error->message);
}

static void
commit_delete (HeyaiProjectsPage *self,
               const char        *id)
{
  HeyaiProject *project = g_hash_table_lookup (self->pending_deletes, id);
  g_autoptr(GError) error = NULL;

  if (project == NULL)
    return;
  /* Its work stops first (queued work at once; accepted requests stay in
   * the ledger), in this window and in any other process: the pipeline
   * stops it and deletes the project. */
  if (self->store != NULL)
    {
      heyai_application_cancel_runs (HEYAI_APPLICATION (g_application_get_default ()), project);
      if (!heyai_pipeline_delete_project (self->store, project, &error))
        g_warning ("Could not delete project %s: %s", id, error->message);
    }
  g_hash_table_remove (self->pending_deletes, id);
}

static void
toast_dismissed_cb (AdwToast *toast,
                    gpointer  user_data)
{
  HeyaiProjectsPage *self = HEYAI_PROJECTS_PAGE (user_data);
  const char *id = g_object_get_data (G_OBJECT (toast), "project-id");

  commit_delete (self, id);
  g_object_unref (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  HeyaiProjectsPage *self = HEYAI_PROJECTS_PAGE (widget);
  g_autoptr(HeyaiProject) project = lookup (self, param);
  g_autofree char *title = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwToast *toast;

  if (project == NULL)
    return;

  g_hash_table_insert (self->pending_deletes, g_strdup (heyai_project_get_id (project)), g_object_ref (project));
  heyai_projects_page_reload (self);

  title = g_strdup_printf (_("“%s” deleted"), heyai_project_get_title (project));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "projects.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (heyai_project_get_id (project)));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "project-id", g_strdup (heyai_project_get_id (project)), g_free);
  g_signal_connect (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), g_object_ref (self));
  if (HEYAI_IS_WINDOW (root))
    heyai_window_add_toast (HEYAI_WINDOW (root), toast);
  else
    {
      commit_delete (self, heyai_project_get_id (project));
      g_object_unref (toast);
    }
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  HeyaiProjectsPage *self = HEYAI_PROJECTS_PAGE (widget);

  g_hash_table_remove (self->pending_deletes, g_variant_get_string (param, NULL));
  heyai_projects_page_reload (self);
}

/* GObject ---------------------------------------------------------------- */

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
heyai_projects_page_dispose (GObject *object)
{
  HeyaiProjectsPage *self = HEYAI_PROJECTS_PAGE (object);

  heyai_projects_page_flush (self);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_PROJECTS_PAGE);
  g_clear_object (&self->projects);
  g_clear_object (&self->store);
  g_clear_pointer (&self->pending_deletes, g_hash_table_unref);
  g_clear_pointer (&self->changed, g_hash_table_unref);

  G_OBJECT_CLASS (heyai_projects_page_parent_class)->dispose (object);
}

static void
heyai_projects_page_class_init (HeyaiProjectsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_projects_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-projects-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectsPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectsPage, flow_box);
  gtk_widget_class_bind_template_callback (widget_class, child_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_cb);

  gtk_widget_class_install_action (widget_class, "projects.rename", "s", rename_action);
  gtk_widget_class_install_action (widget_class, "projects.duplicate", "s", duplicate_action);
  gtk_widget_class_install_action (widget_class, "projects.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "projects.undo-delete", "s", undo_delete_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
heyai_projects_page_init (HeyaiProjectsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->projects = g_list_store_new (HEYAI_TYPE_PROJECT);
  self->pending_deletes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) unref_if_set);
  gtk_flow_box_bind_model (self->flow_box, G_LIST_MODEL (self->projects), create_card, self, NULL);
}

void
heyai_projects_page_set_store (HeyaiProjectsPage *self,
                               HeyaiStore        *store)
{
  g_return_if_fail (HEYAI_IS_PROJECTS_PAGE (self));

  if (g_set_object (&self->store, store) && store != NULL)
    {
      g_signal_connect_object (store, "project-changed", G_CALLBACK (project_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "scenes-changed", G_CALLBACK (scenes_changed_cb), self,
                               G_CONNECT_SWAPPED);
      heyai_projects_page_reload (self);
    }
}

void
heyai_projects_page_flush (HeyaiProjectsPage *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (HEYAI_IS_PROJECTS_PAGE (self));

  if (self->pending_deletes == NULL)
    return;
  g_hash_table_iter_init (&iter, self->pending_deletes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, g_strdup (key));
  for (guint i = 0; i < ids->len; i++)
    commit_delete (self, g_ptr_array_index (ids, i));
}

GListModel *
heyai_projects_page_get_model (HeyaiProjectsPage *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECTS_PAGE (self), NULL);
  return G_LIST_MODEL (self->projects);
}
