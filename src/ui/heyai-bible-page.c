/* heyai-bible-page.c: the Bible view (see heyai-bible-page.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-ui"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-bible-page.h"
#include "heyai-providers.h"
#include "heyai-ui-util.h"

#define THUMB_WIDTH 192
#define THUMB_HEIGHT 108

struct _HeyaiBiblePage
{
  GtkWidget     parent_instance;

  GtkStack     *stack;
  GtkFlowBox   *cards;
  GtkBox       *cast_box;

  HeyaiProject *project;
  GHashTable   *cast_counts;   /* entry id -> stills in its Cast row */
  guint         n_cards;
  guint         reload_id;     /* a reload after the store's change signals */
  gboolean      stale;         /* changed while not shown: reload on map */
  gboolean      connected;
};

G_DEFINE_FINAL_TYPE (HeyaiBiblePage, heyai_bible_page, GTK_TYPE_WIDGET)

static HeyaiStore *
get_store (void)
{
  return heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
}

static const char *
get_data_dir (void)
{
  return heyai_application_get_data_dir (HEYAI_APPLICATION_DEFAULT);
}

static char *
project_folder (HeyaiProject *project,
                const char   *data_dir)
{
  g_autofree char *root = heyai_local_root (data_dir);

  return heyai_project_dir (root, project, NULL);
}

/* Creating entries -------------------------------------------------------- */

HeyaiBibleEntry *
heyai_bible_create_entry (HeyaiStore      *store,
                          const char      *data_dir,
                          HeyaiProject    *project,
                          HeyaiScene      *scene,
                          HeyaiAsset      *still,
                          HeyaiBibleKind   kind,
                          const char      *name,
                          const char      *aliases,
                          const char      *description,
                          GError         **error)
{
  g_autoptr(HeyaiBibleEntry) entry = NULL;
  g_auto(GStrv) alias_list = g_strsplit (aliases != NULL ? aliases : "", ",", -1);
  g_autofree char *folder = project_folder (project, data_dir);

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), NULL);

  if (!heyai_store_begin (store, error))
    return NULL;
  entry = heyai_store_bible_add (store, heyai_project_get_id (project), kind, name,
                                 (const char * const *) alias_list, description, error);
  if (entry != NULL && still != NULL &&
      !heyai_store_bible_add_image (store, entry, heyai_asset_get_local_path (still), "still",
                                    heyai_asset_get_id (still), folder, error))
    g_clear_pointer (&entry, heyai_bible_entry_free);
  if (entry != NULL && scene != NULL &&
      !heyai_store_cast_set (store, heyai_project_get_id (project), heyai_scene_get_id (scene), entry->id, TRUE,
                             "producer", error))
    g_clear_pointer (&entry, heyai_bible_entry_free);
  if (entry == NULL)
    {
      heyai_store_rollback (store);
      return NULL;
    }
  if (!heyai_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&entry);
}

/* The fields of the New and Edit dialogs. */
typedef struct
{
  GtkDropDown  *kind;
  GtkEntry     *name;
  GtkEntry     *aliases;
  GtkEntry     *description;
} EntryForm;

static GtkEntry *
labelled_entry (GtkWidget  *box,
                const char *label,
                const char *text,
                const char *placeholder)
{
  GtkWidget *caption = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_add_css_class (caption, "caption-heading");
  gtk_label_set_mnemonic_widget (GTK_LABEL (caption), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_box_append (GTK_BOX (box), entry);
  return GTK_ENTRY (entry);
}

/* A message dialog with the entry's fields (filled from @entry, or empty)
 * and Cancel / @verb (the suggested response @response_id); @cb gets @data,
 * freed with @free_data when the dialog goes. */
static void
present_entry_dialog (GtkWidget             *parent,
                      const char            *heading,
                      const char            *body,
                      const HeyaiBibleEntry *entry,
                      EntryForm             *form,
                      const char            *response_id,
                      const char            *verb,
                      GCallback              cb,
                      gpointer               data,
                      GDestroyNotify         free_data)
{
  const char *kinds[] = { heyai_bible_kind_label (HEYAI_BIBLE_CHARACTER), heyai_bible_kind_label (HEYAI_BIBLE_LOCATION),
                          heyai_bible_kind_label (HEYAI_BIBLE_PROP), NULL };
  GtkWidget *root = parent != NULL ? GTK_WIDGET (gtk_widget_get_root (parent)) : NULL;
  g_autofree char *aliases = entry != NULL ? g_strjoinv (", ", entry->aliases) : NULL;
  GtkWidget *dialog;
  GtkWidget *box;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  form->kind = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (kinds));
  if (entry != NULL)
    gtk_drop_down_set_selected (form->kind, (guint) entry->kind);
  gtk_accessible_update_property (GTK_ACCESSIBLE (form->kind), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Kind"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (form->kind));
  form->name = labelled_entry (box, _("_Name"), entry ? entry->name : NULL, _("Name, as the script writes it"));
  form->aliases = labelled_entry (box, _("_Aliases"), aliases, _("Other names, separated by commas"));
  form->description = labelled_entry (box, _("_Description"), entry ? entry->description : NULL,
                                      _("Short visual description"));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), response_id, verb, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response_id, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), response_id);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", cb, data, (GClosureNotify) (void (*) (void)) free_data, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  HeyaiProject *project;
  HeyaiScene   *scene;
  HeyaiAsset   *still;
  EntryForm     form;
  GtkWidget    *parent;
  GCallback     done;
  gpointer      done_data;
} NewEntry;

static void
new_entry_free (gpointer data)
{
  NewEntry *ne = data;

  g_clear_object (&ne->project);
  g_clear_object (&ne->scene);
  g_clear_object (&ne->still);
  g_clear_object (&ne->parent);
  g_free (ne);
}

static void
new_entry_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       NewEntry         *ne)
{
  g_autoptr(HeyaiBibleEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "create") != 0 || get_store () == NULL)
    return;
  entry = heyai_bible_create_entry (get_store (), get_data_dir (), ne->project, ne->scene, ne->still,
                                    (HeyaiBibleKind) gtk_drop_down_get_selected (ne->form.kind),
                                    gtk_editable_get_text (GTK_EDITABLE (ne->form.name)),
                                    gtk_editable_get_text (GTK_EDITABLE (ne->form.aliases)),
                                    gtk_editable_get_text (GTK_EDITABLE (ne->form.description)), &error);
  if (entry == NULL)
    {
      heyai_ui_error (ne->parent, error->message);
      return;
    }
  heyai_ui_toast (ne->parent, _("Bible entry added"));
  if (ne->done != NULL)
    ((void (*) (gpointer)) ne->done) (ne->done_data);
}

void
heyai_bible_new_entry_dialog (GtkWidget    *parent,
                              HeyaiProject *project,
                              HeyaiScene   *scene,
                              HeyaiAsset   *still,
                              GCallback     done,
                              gpointer      done_data)
{
  NewEntry *ne;

  g_return_if_fail (HEYAI_IS_PROJECT (project));

  ne = g_new0 (NewEntry, 1);
  ne->project = g_object_ref (project);
  ne->scene = scene != NULL ? g_object_ref (scene) : NULL;
  ne->still = still != NULL ? g_object_ref (still) : NULL;
  ne->parent = parent != NULL ? g_object_ref (parent) : NULL;
  ne->done = done;
  ne->done_data = done_data;
  present_entry_dialog (parent, _("New Bible Entry"),
                        still != NULL ? _("The selected still becomes its first reference image.")
                                      : _("Scenes that name it (or an alias) get its description "
                                          "and reference images."),
                        NULL, &ne->form, "create", _("C_reate"), G_CALLBACK (new_entry_response_cb), ne,
                        new_entry_free);
}

/* Editing entries -------------------------------------------------------- */

typedef struct
{
  char        *entry_id;
  EntryForm    form;
  GtkWidget   *parent;
} EditEntry;

static void
edit_entry_free (gpointer data)
{
  EditEntry *ee = data;

  g_free (ee->entry_id);
  g_clear_object (&ee->parent);
  g_free (ee);
}

gboolean
heyai_bible_edit_entry (HeyaiStore      *store,
                        const char      *entry_id,
                        HeyaiBibleKind   kind,
                        const char      *name,
                        const char      *aliases,
                        const char      *description,
                        GError         **error)
{
  g_autoptr(HeyaiBibleEntry) entry = NULL;
  g_auto(GStrv) alias_list = NULL;
  g_autofree char *clean_name = g_strstrip (g_strdup (name != NULL ? name : ""));
  guint n = 0;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (entry_id != NULL, FALSE);

  entry = heyai_store_bible_get (store, entry_id, error);
  if (entry == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                             _("This bible entry was deleted meanwhile."));
      return FALSE;
    }
  if (*clean_name == '\0')
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, _("A bible entry needs a name."));
      return FALSE;
    }
  /* "a, b, " -> { "a", "b" } */
  alias_list = g_strsplit (aliases != NULL ? aliases : "", ",", -1);
  for (guint i = 0; alias_list[i] != NULL; i++)
    {
      char *alias = g_strstrip (alias_list[i]);

      if (*alias != '\0')
        alias_list[n++] = alias;
      else
        g_free (alias);
    }
  alias_list[n] = NULL;

  entry->kind = kind;
  g_free (entry->name);
  entry->name = g_steal_pointer (&clean_name);
  g_strfreev (entry->aliases);
  entry->aliases = g_steal_pointer (&alias_list);
  g_free (entry->description);
  entry->description = g_strstrip (g_strdup (description != NULL ? description : ""));
  return heyai_store_bible_update (store, entry, error);
}

static void
edit_entry_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        EditEntry        *ee)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "save") != 0 || get_store () == NULL)
    return;
  if (!heyai_bible_edit_entry (get_store (), ee->entry_id, (HeyaiBibleKind) gtk_drop_down_get_selected (ee->form.kind),
                               gtk_editable_get_text (GTK_EDITABLE (ee->form.name)),
                               gtk_editable_get_text (GTK_EDITABLE (ee->form.aliases)),
                               gtk_editable_get_text (GTK_EDITABLE (ee->form.description)), &error))
    heyai_ui_error (ee->parent, error->message);
  /* The page follows the store's "bible-changed". */
}

void
heyai_bible_edit_entry_dialog (GtkWidget  *parent,
                               const char *entry_id)
{
  g_autoptr(HeyaiBibleEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  EditEntry *ee;

  g_return_if_fail (entry_id != NULL);

  if (get_store () == NULL)
    return;
  entry = heyai_store_bible_get (get_store (), entry_id, &error);
  if (entry == NULL)
    {
      heyai_ui_error (parent, error != NULL ? error->message : _("This bible entry was deleted meanwhile."));
      return;
    }

  ee = g_new0 (EditEntry, 1);
  ee->entry_id = g_strdup (entry_id);
  ee->parent = parent != NULL ? g_object_ref (parent) : NULL;

  /* Translators: the title of the dialog that renames or edits a bible entry, %s is its name */
  heading = g_strdup_printf (_("Edit “%s”"), entry->name);
  present_entry_dialog (parent, heading,
                        _("Stills of the scenes it appears in become outdated when its name or "
                          "description changes."),
                        entry, &ee->form, "save", _("_Save"), G_CALLBACK (edit_entry_response_cb), ee,
                        edit_entry_free);
}

/* Cards ------------------------------------------------------------------- */

static GtkWidget *
thumbnail (const char *path,
           int         width,
           int         height)
{
  GtkWidget *picture;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      GtkWidget *missing = gtk_label_new (_("No still"));

      gtk_widget_set_size_request (missing, width, height);
      gtk_widget_add_css_class (missing, "dim-label");
      gtk_widget_add_css_class (missing, "card");
      return missing;
    }
  picture = gtk_picture_new_for_filename (path);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, width, height);
  gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (picture, "card");
  return picture;
}

static void
image_chosen_cb (GtkNativeDialog *chooser,
                 int              response,
                 HeyaiBiblePage  *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(HeyaiBibleEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  const char *entry_id = g_object_get_data (G_OBJECT (chooser), "entry-id");

  if (response == GTK_RESPONSE_ACCEPT && self->project != NULL && get_store () != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = file != NULL ? g_file_get_path (file) : NULL;
      entry = heyai_store_bible_get (get_store (), entry_id, &error);
      folder = project_folder (self->project, get_data_dir ());
      if (entry == NULL || path == NULL ||
          !heyai_store_bible_add_image (get_store (), entry, path, "file", NULL, folder, &error))
        heyai_ui_error (GTK_WIDGET (self), error != NULL ? error->message : _("Choose a local image file."));
      heyai_bible_page_reload (self);
    }
  g_object_unref (chooser);
}

static void
add_image_clicked_cb (GtkButton      *button,
                      HeyaiBiblePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Add a Reference Image"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_set_data_full (G_OBJECT (chooser), "entry-id",
                          g_strdup (g_object_get_data (G_OBJECT (button), "entry-id")), g_free);
  g_signal_connect (chooser, "response", G_CALLBACK (image_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
edit_clicked_cb (GtkButton      *button,
                 HeyaiBiblePage *self)
{
  heyai_bible_edit_entry_dialog (GTK_WIDGET (self), g_object_get_data (G_OBJECT (button), "entry-id"));
}

static void
delete_clicked_cb (GtkButton      *button,
                   HeyaiBiblePage *self)
{
  g_autoptr(GError) error = NULL;

  if (get_store () == NULL)
    return;
  if (!heyai_store_bible_delete (get_store (), g_object_get_data (G_OBJECT (button), "entry-id"), &error))
    heyai_ui_error (GTK_WIDGET (self), error->message);
  heyai_bible_page_reload (self);
}

static GtkWidget *
entry_card (HeyaiBiblePage  *self,
            HeyaiBibleEntry *entry,
            const char      *folder)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *name = gtk_label_new (entry->name);
  GtkWidget *thumbs = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *add = gtk_button_new_with_mnemonic (_("Add _Image…"));
  GtkWidget *edit = gtk_button_new_with_mnemonic (_("_Edit…"));
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr(GString) meta = g_string_new (heyai_bible_kind_label (entry->kind));

  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_top (card, 0);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_set_margin_start (name, 12);
  gtk_widget_set_margin_top (name, 12);
  gtk_box_append (GTK_BOX (card), name);

  if (entry->aliases[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", entry->aliases);

      g_string_append_printf (meta, " · %s", joined);
    }
  {
    GtkWidget *label = gtk_label_new (meta->str);

    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_widget_add_css_class (label, "dim-label");
    gtk_widget_set_margin_start (label, 12);
    gtk_box_append (GTK_BOX (card), label);
  }
  if (*entry->description != '\0')
    {
      GtkWidget *label = gtk_label_new (entry->description);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_box_append (GTK_BOX (card), label);
    }

  gtk_widget_set_margin_start (thumbs, 12);
  for (guint i = 0; i < entry->images->len; i++)
    {
      HeyaiBibleImage *image = g_ptr_array_index (entry->images, i);
      g_autofree char *path = heyai_store_bible_image_file (get_store (), image, folder, NULL);

      gtk_box_append (GTK_BOX (thumbs), thumbnail (path, 64, 64));
    }
  gtk_box_append (GTK_BOX (card), thumbs);

  g_object_set_data_full (G_OBJECT (add), "entry-id", g_strdup (entry->id), g_free);
  g_object_set_data_full (G_OBJECT (remove), "entry-id", g_strdup (entry->id), g_free);
  g_object_set_data_full (G_OBJECT (edit), "entry-id", g_strdup (entry->id), g_free);
  gtk_widget_set_sensitive (add, entry->images->len < HEYAI_BIBLE_MAX_IMAGES);
  gtk_widget_set_tooltip_text (remove, _("Delete this entry"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Delete this entry"), -1);
  gtk_widget_set_tooltip_text (edit, _("Rename it or edit its aliases and description"));
  g_signal_connect (add, "clicked", G_CALLBACK (add_image_clicked_cb), self);
  g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked_cb), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (delete_clicked_cb), self);
  gtk_widget_set_margin_start (buttons, 12);
  gtk_widget_set_margin_bottom (buttons, 12);
  gtk_box_append (GTK_BOX (buttons), add);
  gtk_box_append (GTK_BOX (buttons), edit);
  gtk_box_append (GTK_BOX (buttons), remove);
  gtk_box_append (GTK_BOX (card), buttons);
  return card;
}

/* One row of the Cast view: the entry's name, then each scene's still. */
static GtkWidget *
cast_row (HeyaiBiblePage  *self,
          HeyaiBibleEntry *entry)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *name = gtk_label_new (entry->name);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *strip = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autoptr(GPtrArray) ids = heyai_store_cast_scenes (get_store (), entry->id, NULL);
  guint n = 0;

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (row), name);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(HeyaiScene) scene = heyai_store_get_scene (get_store (), g_ptr_array_index (ids, i), NULL);
      g_autoptr(HeyaiAsset) still = NULL;
      g_autofree char *caption = NULL;
      GtkWidget *cell, *label;

      if (scene == NULL)
        continue;
      if (heyai_scene_get_image_take (scene) > 0)
        still = heyai_store_get_asset (get_store (), heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE,
                                       heyai_scene_get_image_take (scene), NULL);
      cell = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      gtk_box_append (GTK_BOX (cell), thumbnail (still != NULL ? heyai_asset_get_local_path (still) : NULL,
                                                 THUMB_WIDTH, THUMB_HEIGHT));
      caption = g_strdup_printf (_("Scene %d"), heyai_scene_get_position (scene));
      label = gtk_label_new (caption);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (cell), label);
      gtk_box_append (GTK_BOX (strip), cell);
      if (still != NULL)
        n++;
    }
  if (ids == NULL || ids->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("In no scene yet"));

      gtk_widget_add_css_class (none, "dim-label");
      gtk_box_append (GTK_BOX (strip), none);
    }
  g_hash_table_insert (self->cast_counts, g_strdup (entry->id), GUINT_TO_POINTER (n));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), strip);
  gtk_box_append (GTK_BOX (row), scroller);
  return row;
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_FLOW_BOX (box))
        gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

void
heyai_bible_page_reload (HeyaiBiblePage *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;

  g_return_if_fail (HEYAI_IS_BIBLE_PAGE (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->stale = FALSE;
  clear_box (GTK_WIDGET (self->cards));
  clear_box (GTK_WIDGET (self->cast_box));
  g_hash_table_remove_all (self->cast_counts);
  self->n_cards = 0;

  if (self->project == NULL || get_store () == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  entries = heyai_store_bible_list (get_store (), heyai_project_get_id (self->project), &error);
  if (entries == NULL)
    {
      g_warning ("Could not read the bible: %s", error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  folder = project_folder (self->project, get_data_dir ());
  for (guint i = 0; i < entries->len; i++)
    {
      HeyaiBibleEntry *entry = g_ptr_array_index (entries, i);

      gtk_flow_box_append (self->cards, entry_card (self, entry, folder));
      gtk_box_append (self->cast_box, cast_row (self, entry));
      self->n_cards++;
    }
  gtk_stack_set_visible_child_name (self->stack, entries->len > 0 ? "entries" : "empty");
}

static void
created_cb (gpointer user_data)
{
  heyai_bible_page_reload (HEYAI_BIBLE_PAGE (user_data));
}

static void
new_clicked_cb (HeyaiBiblePage *self)
{
  if (self->project == NULL)
    return;
  heyai_bible_new_entry_dialog (GTK_WIDGET (self), self->project, NULL, NULL, G_CALLBACK (created_cb), self);
}

static void
map_cb (HeyaiBiblePage *self)
{
  heyai_bible_page_reload (self);
}

/* Follow the store like the storyboard does: a change of this project's
 * bible (the window, `heyai bible` in a terminal, a sync) or of its scenes
 * (a new still in a Cast row) reloads the page, at most every 250 ms; a
 * page not shown reloads when it is mapped. */
static gboolean
reload_timeout_cb (gpointer user_data)
{
  HeyaiBiblePage *self = user_data;

  self->reload_id = 0;
  heyai_bible_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (HeyaiBiblePage *self,
                  const char     *project_id)
{
  if (self->project == NULL ||
      (project_id != NULL && g_strcmp0 (project_id, heyai_project_get_id (self->project)) != 0))
    return;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (250, reload_timeout_cb, self);
}

void
heyai_bible_page_set_project (HeyaiBiblePage *self,
                              HeyaiProject   *project)
{
  g_return_if_fail (HEYAI_IS_BIBLE_PAGE (self));

  if (!self->connected && get_store () != NULL)
    {
      g_signal_connect_object (get_store (), "bible-changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (get_store (), "scenes-changed", G_CALLBACK (store_changed_cb), self,
                               G_CONNECT_SWAPPED);
      self->connected = TRUE;
    }
  g_set_object (&self->project, project);
  heyai_bible_page_reload (self);
}

gboolean
heyai_bible_page_get_reload_pending (HeyaiBiblePage *self)
{
  g_return_val_if_fail (HEYAI_IS_BIBLE_PAGE (self), FALSE);
  return self->reload_id != 0 || self->stale;
}

guint
heyai_bible_page_get_n_cards (HeyaiBiblePage *self)
{
  g_return_val_if_fail (HEYAI_IS_BIBLE_PAGE (self), 0);
  return self->n_cards;
}

guint
heyai_bible_page_get_n_cast_stills (HeyaiBiblePage *self,
                                    const char     *entry_id)
{
  g_return_val_if_fail (HEYAI_IS_BIBLE_PAGE (self), 0);
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->cast_counts, entry_id));
}

static void
heyai_bible_page_dispose (GObject *object)
{
  HeyaiBiblePage *self = HEYAI_BIBLE_PAGE (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_BIBLE_PAGE);
  g_clear_object (&self->project);
  g_clear_pointer (&self->cast_counts, g_hash_table_unref);

  G_OBJECT_CLASS (heyai_bible_page_parent_class)->dispose (object);
}

static void
heyai_bible_page_class_init (HeyaiBiblePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_bible_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-bible-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiBiblePage, stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiBiblePage, cards);
  gtk_widget_class_bind_template_child (widget_class, HeyaiBiblePage, cast_box);
  gtk_widget_class_bind_template_callback (widget_class, new_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
heyai_bible_page_init (HeyaiBiblePage *self)
{
  self->cast_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
