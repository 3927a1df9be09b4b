/* heyai-new-project-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-new-project-dialog.h"
#include "heyai-ui-util.h"
#include "heyai-script-import.h"

struct _HeyaiNewProjectDialog
{
  AdwWindow        parent_instance;

  /* Template widgets */
  AdwEntryRow     *title_row;
  GtkToggleButton *aspect_16_9;
  GtkToggleButton *aspect_9_16;
  GtkToggleButton *aspect_1_1;
  GtkTextView     *style_view;
  GtkTextView     *script_view;
  GtkButton       *create_button;
  GtkLabel        *script_stats;

  /* Borrowed references */
  HeyaiWindow     *window;

  /* Owned references */
  GFile           *script_file;
  HeyaiScriptImport *import;     /* the last file opened, kept beside the project */
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (HeyaiNewProjectDialog, heyai_new_project_dialog, ADW_TYPE_WINDOW)

static char *
buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
update_state (HeyaiNewProjectDialog *self)
{
  g_autofree char *script = buffer_text (self->script_view);
  g_autofree char *stats = NULL;
  g_autofree char *runtime = NULL;
  guint words = heyai_script_count_words (script);

  runtime = heyai_format_duration (heyai_script_estimate_seconds (script));
  /* Translators: "120 words · about 0:45" */
  stats = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u word · about %s", "%u words · about %s", words),
                           words, runtime);
  /* what the import of the opened file converted or decoded, under the stats */
  if (self->import != NULL && self->import->notes->len > 0)
    {
      g_autofree char *notes = heyai_script_import_notes_text (self->import);
      g_autofree char *both = g_strconcat (stats, "\n", notes, NULL);

      gtk_label_set_label (self->script_stats, both);
    }
  else
    gtk_label_set_label (self->script_stats, stats);
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), words > 0);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(HeyaiNewProjectDialog) self = user_data;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autoptr(GError) error = NULL;

  import = heyai_script_import_file_finish (G_FILE (source), result, &error);
  if (import == NULL)
    {
      /* in the dialog, not in a toast behind it */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_label_set_wrap (self->script_stats, TRUE);
          gtk_label_set_label (self->script_stats, error->message);
        }
      return;
    }

  g_clear_pointer (&self->import, heyai_script_import_free);
  self->import = g_steal_pointer (&import);

  /* the notes (a converted .fdx or PDF, a legacy encoding) show under the
   * script, beside the word count, while the dialog is open */
  gtk_label_set_wrap (self->script_stats, TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->script_view), self->import->text, -1);
  if (*gtk_editable_get_text (GTK_EDITABLE (self->title_row)) == '\0' &&
      heyai_script_count_words (self->import->text) > 0)
    gtk_editable_set_text (GTK_EDITABLE (self->title_row), self->import->title);
  update_state (self);
}

static void
open_response_cb (HeyaiNewProjectDialog *self,
                  int                    response,
                  GtkFileChooserNative  *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      heyai_new_project_dialog_load_file (self, file);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

GtkFileFilter *heyai_window_script_filter (void);

static void
open_file_cb (HeyaiNewProjectDialog *self)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = heyai_window_script_filter ();

  native = gtk_file_chooser_native_new (_("Open Script"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_swapped (native, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
paste_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HeyaiNewProjectDialog) self = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);

  if (text != NULL)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->script_view), text, -1);
}

static void
paste_clicked_cb (HeyaiNewProjectDialog *self)
{
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL, paste_cb,
                                 g_object_ref (self));
}

static void
cancel_cb (HeyaiNewProjectDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
create_cb (HeyaiNewProjectDialog *self)
{
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;

  project = heyai_new_project_dialog_create (self, &error);
  if (project == NULL)
    {
      heyai_window_toast (self->window, error->message);
      return;
    }
  heyai_window_open_project (self->window, project);
  gtk_window_close (GTK_WINDOW (self));
}

static void
heyai_new_project_dialog_dispose (GObject *object)
{
  HeyaiNewProjectDialog *self = HEYAI_NEW_PROJECT_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->script_file);
  g_clear_pointer (&self->import, heyai_script_import_free);

  G_OBJECT_CLASS (heyai_new_project_dialog_parent_class)->dispose (object);
}

static void
heyai_new_project_dialog_class_init (HeyaiNewProjectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_new_project_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-new-project-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, aspect_16_9);
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, aspect_9_16);
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, aspect_1_1);
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, style_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, script_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, create_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiNewProjectDialog, script_stats);
  gtk_widget_class_bind_template_callback (widget_class, open_file_cb);
  gtk_widget_class_bind_template_callback (widget_class, paste_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
heyai_new_project_dialog_init (HeyaiNewProjectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (gtk_text_view_get_buffer (self->script_view), "changed",
                           G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);
}

HeyaiNewProjectDialog *
heyai_new_project_dialog_new (HeyaiWindow *window)
{
  HeyaiNewProjectDialog *self;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *style = g_settings_get_string (settings, "default-style");
  HeyaiAspect aspect = (HeyaiAspect) g_settings_get_enum (settings, "default-aspect");

  self = g_object_new (HEYAI_TYPE_NEW_PROJECT_DIALOG,
                       "transient-for", window,
                       "modal", TRUE,
                       NULL);
  self->window = window;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->style_view), style, -1);
  gtk_toggle_button_set_active (aspect == HEYAI_ASPECT_9_16 ? self->aspect_9_16 :
                                aspect == HEYAI_ASPECT_1_1 ? self->aspect_1_1 : self->aspect_16_9, TRUE);
  return self;
}

void
heyai_new_project_dialog_load_file (HeyaiNewProjectDialog *self,
                                    GFile                 *file)
{
  g_return_if_fail (HEYAI_IS_NEW_PROJECT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->script_file, file);
  heyai_script_import_file_async (file, self->cancellable, load_cb, g_object_ref (self));
}

void
heyai_new_project_dialog_set_script (HeyaiNewProjectDialog *self,
                                     const char            *script)
{
  g_return_if_fail (HEYAI_IS_NEW_PROJECT_DIALOG (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->script_view), script ? script : "", -1);
}

HeyaiProject *
heyai_new_project_dialog_create (HeyaiNewProjectDialog  *self,
                                 GError                **error)
{
  g_autofree char *script = buffer_text (self->script_view);
  g_autofree char *style = buffer_text (self->style_view);
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  HeyaiAspect aspect = HEYAI_ASPECT_16_9;

  if (gtk_toggle_button_get_active (self->aspect_9_16))
    aspect = HEYAI_ASPECT_9_16;
  else if (gtk_toggle_button_get_active (self->aspect_1_1))
    aspect = HEYAI_ASPECT_1_1;

  if (*title == '\0')
    {
      g_free (title);
      title = heyai_ui_guess_title (script, self->script_file);
    }

  {
    HeyaiApplication *app = HEYAI_APPLICATION (gtk_window_get_application (GTK_WINDOW (self->window)));
    HeyaiProject *project = heyai_application_create_project (app, title, script, style, aspect, error);

    if (project != NULL && self->import != NULL)
      heyai_application_keep_import (app, project, self->import);
    return project;
  }
}
