/* heyai-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-window.h"
#include "heyai-new-project-dialog.h"
#include "heyai-project-view.h"
#include "heyai-projects-page.h"
#include "heyai-ui-util.h"
#include "heyai-script-import.h"

struct _HeyaiWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  HeyaiProjectsPage    *projects_page;
  HeyaiProjectView     *project_view;
  AdwStatusPage        *error_page;

  /* Owned references */
  GSettings            *settings;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (HeyaiWindow, heyai_window, ADW_TYPE_APPLICATION_WINDOW)

static HeyaiApplication *
get_app (HeyaiWindow *self)
{
  return HEYAI_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* New project from a file ------------------------------------------------- */

typedef struct
{
  HeyaiWindow *self;
  GFile       *file;
} LoadCall;

/* Shows what the import converted or decoded, until dismissed. */
static void
toast_import_notes (HeyaiWindow             *self,
                    const char              *name,
                    const HeyaiScriptImport *import)
{
  g_autofree char *notes = heyai_script_import_notes_text (import);
  g_autofree char *msg = NULL;
  AdwToast *toast;

  if (notes == NULL)
    {
      msg = g_strdup_printf (_("New project from “%s”"), name);
      heyai_window_toast (self, msg);
      return;
    }

  /* Translators: "“x.fdx”: Converted from Final Draft to Fountain: 12 scenes." */
  msg = g_strdup_printf (_("“%s”: %s"), name, notes);
  toast = adw_toast_new (msg);
  adw_toast_set_timeout (toast, 0);
  heyai_window_add_toast (self, toast);
}

static void
import_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadCall *call = user_data;
  g_autoptr(HeyaiWindow) self = call->self;
  g_autoptr(GFile) file = call->file;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autofree char *style = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiApplication *app;

  g_free (call);

  import = heyai_script_import_file_finish (G_FILE (source), result, &error);
  if (import == NULL)
    {
      g_autofree char *msg = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (error->domain == HEYAI_ERROR)
        msg = g_strdup (error->message);
      else
        msg = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
      heyai_window_toast (self, msg);
      return;
    }

  app = get_app (self);
  style = g_settings_get_string (self->settings, "default-style");
  project = heyai_application_create_project (app, import->title, import->text, style,
                                              (HeyaiAspect) g_settings_get_enum (self->settings, "default-aspect"),
                                              &error);
  if (project == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not create a project from “%s”: %s"), name, error->message);
      heyai_window_toast (self, msg);
      return;
    }

  heyai_application_keep_import (app, project, import);
  heyai_window_open_project (self, project);
  toast_import_notes (self, name, import);
}

void
heyai_window_new_project_from_file (HeyaiWindow *self,
                                    GFile       *file)
{
  LoadCall *call;

  g_return_if_fail (HEYAI_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  call = g_new0 (LoadCall, 1);
  call->self = g_object_ref (self);
  call->file = g_object_ref (file);
  heyai_script_import_file_async (file, self->cancellable, import_cb, call);
}

/* Actions ---------------------------------------------------------------- */

static void
new_project_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  HeyaiWindow *self = HEYAI_WINDOW (widget);
  HeyaiNewProjectDialog *dialog;

  if (heyai_application_get_store (get_app (self)) == NULL)
    return;
  dialog = heyai_new_project_dialog_new (self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_response_cb (HeyaiWindow          *self,
                  int                   response,
                  GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          heyai_window_new_project_from_file (self, file);
        }
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

GtkFileFilter *heyai_window_script_filter (void);

GtkFileFilter *
heyai_window_script_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Scripts (Fountain, Final Draft, PDF, text)"));
  gtk_file_filter_add_pattern (filter, "*.fountain");
  gtk_file_filter_add_pattern (filter, "*.fdx");
  gtk_file_filter_add_pattern (filter, "*.pdf");
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_pattern (filter, "*.spmd");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_filter_add_mime_type (filter, "text/plain");
  return filter;
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  HeyaiWindow *self = HEYAI_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = heyai_window_script_filter ();

  if (heyai_application_get_store (get_app (self)) == NULL)
    return;

  native = gtk_file_chooser_native_new (_("Open Script"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_swapped (native, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  heyai_window_show_projects (HEYAI_WINDOW (widget));
}

static void
forward_to_view_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  HeyaiWindow *self = HEYAI_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "project") != 0)
    return;
  if (g_str_equal (action_name, "win.analyze"))
    gtk_widget_activate_action (GTK_WIDGET (self->project_view), "project.analyze", NULL);
  else if (g_str_equal (action_name, "win.export"))
    gtk_widget_activate_action (GTK_WIDGET (self->project_view), "project.export", NULL);
}

/* Drag and drop ----------------------------------------------------------- */

static gboolean
drop_cb (HeyaiWindow   *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GSList *files;
  gboolean any = FALSE;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  if (heyai_application_get_store (get_app (self)) == NULL)
    return FALSE;

  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    {
      /* the import looks at the content and says what is not a script */
      heyai_window_new_project_from_file (self, l->data);
      any = TRUE;
    }
  return any;
}

/* Benchmarks: HEYAI_BENCH_FIRST_FRAME=1 prints the wall time of the first
 * painted frame ("first-frame-us N") and quits. */

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      HeyaiWindow   *self)
{
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  g_print ("first-frame-us %" G_GINT64_FORMAT "\n", g_get_real_time ());
  g_application_quit (g_application_get_default ());
}

static void
bench_map_cb (HeyaiWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (bench_after_paint_cb), self);
}

/* Window ------------------------------------------------------------------ */

static gboolean
heyai_window_close_request (GtkWindow *window)
{
  HeyaiWindow *self = HEYAI_WINDOW (window);
  int width, height;

  heyai_window_flush (self);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  if (heyai_application_is_running (get_app (self), NULL))
    g_debug ("window closed while jobs run: the application stays until they end");

  return GTK_WINDOW_CLASS (heyai_window_parent_class)->close_request (window);
}

static void
setup_for_app (HeyaiWindow *self)
{
  HeyaiApplication *app = get_app (self);
  const GError *store_error;

  store_error = app ? heyai_application_get_store_error (app) : NULL;
  if (app == NULL || heyai_application_get_store (app) == NULL)
    {
      g_autofree char *description = NULL;

      if (store_error != NULL && g_error_matches (store_error, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW))
        description = g_strdup_printf (_("%s\n\nYour projects were not changed."), store_error->message);
      else
        description = g_strdup_printf (_("%s\n\nCheck that the folder %s exists and is writable, then start HeyAI Studio again."),
                                       store_error ? store_error->message : _("Unknown error."),
                                       app ? heyai_application_get_data_dir (app) : "");
      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->stack, "error");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-project", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open", FALSE);
      return;
    }

  heyai_projects_page_set_store (self->projects_page, heyai_application_get_store (app));
}

static void
heyai_window_dispose (GObject *object)
{
  HeyaiWindow *self = HEYAI_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (heyai_window_parent_class)->dispose (object);
}

static void
heyai_window_class_init (HeyaiWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = heyai_window_dispose;
  window_class->close_request = heyai_window_close_request;

  g_type_ensure (HEYAI_TYPE_PROJECTS_PAGE);
  g_type_ensure (HEYAI_TYPE_PROJECT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HeyaiWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiWindow, projects_page);
  gtk_widget_class_bind_template_child (widget_class, HeyaiWindow, project_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiWindow, error_page);

  gtk_widget_class_install_action (widget_class, "win.new-project", NULL, new_project_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.analyze", NULL, forward_to_view_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, forward_to_view_action);
}

static void
heyai_window_init (HeyaiWindow *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_swapped (target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", FALSE);

  if (g_getenv ("HEYAI_BENCH_FIRST_FRAME") != NULL)
    g_signal_connect (self, "map", G_CALLBACK (bench_map_cb), NULL);
}

HeyaiWindow *
heyai_window_new (HeyaiApplication *app)
{
  HeyaiWindow *self = g_object_new (HEYAI_TYPE_WINDOW, "application", app, NULL);

  setup_for_app (self);
  /* Interrupted paid work resumes polling without a click. */
  heyai_application_resume_interrupted (app);
  return self;
}

void
heyai_window_open_project (HeyaiWindow  *self,
                           HeyaiProject *project)
{
  g_return_if_fail (HEYAI_IS_WINDOW (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));

  heyai_project_view_set_project (self->project_view, project);
  gtk_stack_set_visible_child_name (self->stack, "project");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", TRUE);
}

void
heyai_window_show_projects (HeyaiWindow *self)
{
  g_return_if_fail (HEYAI_IS_WINDOW (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0)
    return;
  heyai_project_view_flush (self->project_view);
  gtk_stack_set_visible_child_name (self->stack, "projects");
  heyai_project_view_set_project (self->project_view, NULL);
  heyai_projects_page_reload (self->projects_page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", FALSE);
}

void
heyai_window_add_toast (HeyaiWindow *self,
                        AdwToast    *toast)
{
  g_return_if_fail (HEYAI_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
heyai_window_toast (HeyaiWindow *self,
                    const char  *message)
{
  AdwToast *toast;

  g_return_if_fail (HEYAI_IS_WINDOW (self));

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
heyai_window_flush (HeyaiWindow *self)
{
  g_return_if_fail (HEYAI_IS_WINDOW (self));
  heyai_project_view_flush (self->project_view);
  heyai_projects_page_flush (self->projects_page);
}

HeyaiProjectView *
heyai_window_get_project_view (HeyaiWindow *self)
{
  return self->project_view;
}

HeyaiProjectsPage *
heyai_window_get_projects_page (HeyaiWindow *self)
{
  return self->projects_page;
}

const char *
heyai_window_get_visible_page (HeyaiWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
