/* heyai-conflicts-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-conflicts-dialog.h"
#include "heyai-sync.h"

struct _HeyaiConflictsDialog
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwWindowTitle  *window_title;
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  GtkBox          *list_box;

  /* Owned references */
  HeyaiStore      *store;
  char            *project_id;
  guint            n_conflicts;
};

G_DEFINE_FINAL_TYPE (HeyaiConflictsDialog, heyai_conflicts_dialog, ADW_TYPE_WINDOW)

static const char *
field_label (const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "title", N_("Title") },
    { "script", N_("Script") },
    { "style", N_("Style") },
    { "script_excerpt", N_("Script excerpt") },
    { "description", N_("Description") },
    { "image_prompt", N_("Image prompt") },
    { "motion_prompt", N_("Motion prompt") },
    { "camera_move", N_("Camera move") },
    { "duration", N_("Duration") },
    { "position", N_("Order on the storyboard") },
    { "approval", N_("Approval") },
    { "image_take", N_("Chosen still") },
    { "clip_take", N_("Chosen clip") },
    { "aspect", N_("Aspect ratio") },
    { "status", N_("Status") },
    { "deleted", N_("Deleted") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (field, labels[i].field) == 0)
      return _(labels[i].label);
  return field;
}

/* The enum value stored as its nick ("approved", "push_in"), or -1. */
static int
enum_value (GType       type,
            const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *value = nick ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return value ? value->value : -1;
}

static char *
describe_value (const char *table,
                const char *field,
                const char *value)
{
  int v;

  if (g_strcmp0 (field, "deleted") == 0)
    return g_strdup (g_strcmp0 (value, "1") == 0 ? _("Deleted") : _("Kept"));
  if (value == NULL || *value == '\0')
    return g_strdup (_("(empty)"));

  /* Stored nicks shown the way the window says them. */
  if (g_strcmp0 (field, "approval") == 0 && (v = enum_value (HEYAI_TYPE_APPROVAL, value)) >= 0)
    return g_strdup (v == HEYAI_APPROVAL_APPROVED ? _("Approved")
                     : v == HEYAI_APPROVAL_REJECTED ? _("Rejected") : _("Pending"));
  if (g_strcmp0 (field, "camera_move") == 0 && (v = enum_value (HEYAI_TYPE_CAMERA_MOVE, value)) >= 0)
    return g_strdup (heyai_camera_move_label ((HeyaiCameraMove) v));
  if (g_strcmp0 (field, "status") == 0 && g_strcmp0 (table, "scenes") == 0 &&
      (v = enum_value (HEYAI_TYPE_SCENE_STATUS, value)) >= 0)
    return g_strdup (heyai_scene_status_label ((HeyaiSceneStatus) v));
  if (g_strcmp0 (field, "status") == 0 && g_strcmp0 (table, "projects") == 0 &&
      (v = enum_value (HEYAI_TYPE_PROJECT_STATUS, value)) >= 0)
    return g_strdup (heyai_project_status_label ((HeyaiProjectStatus) v));
  return g_strdup (value);
}

static char *
describe_device (HeyaiConflictsDialog *self,
                 const char           *device)
{
  if (device != NULL && g_strcmp0 (device, heyai_store_get_device_id (self->store)) == 0)
    return g_strdup (_("this computer"));
  /* Translators: %s is the start of another computer's id, "3f2a9c1b" */
  return g_strdup_printf (_("computer %.8s"), device ? device : "?");
}

static void toast (HeyaiConflictsDialog *self, const char *message);

static void
resolve (GtkButton           *button,
         HeyaiSyncResolution  how)
{
  HeyaiConflictsDialog *self = HEYAI_CONFLICTS_DIALOG (gtk_widget_get_root (GTK_WIDGET (button)));
  const char *id = g_object_get_data (G_OBJECT (button), "conflict-id");
  g_autoptr(GError) error = NULL;

  if (!heyai_sync_resolve_conflict (self->store, id, how, &error))
    {
      toast (self, error->message);
      return;
    }
  toast (self, how == HEYAI_SYNC_USE_OTHER_VALUE ? _("The other computer’s value is back")
                                                  : _("Kept the value in your library"));
  heyai_conflicts_dialog_reload (self);
}

static void
use_other_clicked_cb (GtkButton *button,
                      gpointer   user_data)
{
  resolve (button, HEYAI_SYNC_USE_OTHER_VALUE);
}

static void
keep_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  resolve (button, HEYAI_SYNC_KEEP_WINNER);
}

static void
toast (HeyaiConflictsDialog *self,
       const char           *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static GtkWidget *
value_row (const char *value,
           const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), value);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 6);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static GtkWidget *
conflict_group (HeyaiConflictsDialog    *self,
                const HeyaiSyncConflict *c)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *keep, *other;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (c->detected_at / G_USEC_PER_SEC);
  g_autofree char *when_text = when ? g_date_time_format (when, "%e %b %Y, %H:%M") : g_strdup ("");
  g_autofree char *description = NULL;
  g_autofree char *winner = describe_value (c->table_name, c->field, c->winning_value);
  g_autofree char *loser = describe_value (c->table_name, c->field, c->losing_value);
  g_autofree char *winner_device = describe_device (self, c->winning_device);
  g_autofree char *loser_device = describe_device (self, c->losing_device);
  g_autofree char *winner_sub = NULL;
  g_autofree char *loser_sub = NULL;

  g_strstrip (when_text);
  /* Translators: "Image prompt · found 25 Nov 2026, 04:40" */
  description = g_strdup_printf (_("%s · found %s"), field_label (c->field), when_text);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), c->label ? c->label : c->row_id);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  /* Translators: %s is "this computer" or "computer 3f2a9c1b" */
  winner_sub = g_strdup_printf (_("In your library now · edited on %s"), winner_device);
  loser_sub = g_strdup_printf (_("The other value · edited on %s"), loser_device);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), value_row (winner, winner_sub));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), value_row (loser, loser_sub));

  keep = gtk_button_new_with_mnemonic (_("_Keep"));
  gtk_widget_set_tooltip_text (keep, _("Keep the value in your library"));
  other = gtk_button_new_with_mnemonic (_("_Use the Other Value"));
  gtk_widget_add_css_class (other, "suggested-action");
  g_object_set_data_full (G_OBJECT (keep), "conflict-id", g_strdup (c->id), g_free);
  g_object_set_data_full (G_OBJECT (other), "conflict-id", g_strdup (c->id), g_free);
  g_signal_connect (keep, "clicked", G_CALLBACK (keep_clicked_cb), NULL);
  g_signal_connect (other, "clicked", G_CALLBACK (use_other_clicked_cb), NULL);
  gtk_widget_set_valign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (buttons), keep);
  gtk_box_append (GTK_BOX (buttons), other);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), buttons);
  return group;
}

void
heyai_conflicts_dialog_reload (HeyaiConflictsDialog *self)
{
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *child;

  g_return_if_fail (HEYAI_IS_CONFLICTS_DIALOG (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_box_remove (self->list_box, child);

  conflicts = heyai_sync_list_conflicts (self->store, self->project_id, FALSE, &error);
  if (conflicts == NULL)
    {
      toast (self, error->message);
      self->n_conflicts = 0;
    }
  else
    {
      self->n_conflicts = conflicts->len;
      for (guint i = 0; i < conflicts->len; i++)
        gtk_box_append (self->list_box, conflict_group (self, g_ptr_array_index (conflicts, i)));
    }

  if (self->n_conflicts > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u to review", "%u to review", self->n_conflicts),
                                self->n_conflicts);
  adw_window_title_set_subtitle (self->window_title, subtitle ? subtitle : "");
  gtk_stack_set_visible_child_name (self->stack, self->n_conflicts > 0 ? "list" : "empty");
}

guint
heyai_conflicts_dialog_get_n_conflicts (HeyaiConflictsDialog *self)
{
  g_return_val_if_fail (HEYAI_IS_CONFLICTS_DIALOG (self), 0);
  return self->n_conflicts;
}

static void
heyai_conflicts_dialog_dispose (GObject *object)
{
  HeyaiConflictsDialog *self = HEYAI_CONFLICTS_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_CONFLICTS_DIALOG);
  g_clear_object (&self->store);
  g_clear_pointer (&self->project_id, g_free);

  G_OBJECT_CLASS (heyai_conflicts_dialog_parent_class)->dispose (object);
}

static void
heyai_conflicts_dialog_class_init (HeyaiConflictsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_conflicts_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-conflicts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiConflictsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HeyaiConflictsDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HeyaiConflictsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiConflictsDialog, list_box);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
heyai_conflicts_dialog_init (HeyaiConflictsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
heyai_conflicts_dialog_new (HeyaiStore *store,
                            const char *project_id)
{
  HeyaiConflictsDialog *self;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);

  self = g_object_new (HEYAI_TYPE_CONFLICTS_DIALOG, NULL);
  self->store = g_object_ref (store);
  self->project_id = g_strdup (project_id);
  heyai_conflicts_dialog_reload (self);
  return GTK_WIDGET (self);
}
