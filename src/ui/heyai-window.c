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
  GWeakRef              info_toast;   /* the last info toast, dismissed by an error */
  AdwToast             *last_error;   /* weak: the error toast on screen, for tests */
  char                 *last_error_text;

  gboolean              read_only;  /* a damaged library, opened read-only */
  GtkWidget            *notice_bar; /* weak: what the last import converted */
  char                 *notice_text;
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

/* The bars above every page: a damaged library, what an import converted.
 * The first one wraps the toast overlay's child in a vertical box. */
static GtkBox *
bar_box (HeyaiWindow *self)
{
  GtkWidget *content = adw_toast_overlay_get_child (self->toast_overlay);
  GtkWidget *box;

  if (GTK_IS_BOX (content) && g_object_get_data (G_OBJECT (content), "heyai-bar-box") != NULL)
    return GTK_BOX (content);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_object_set_data (G_OBJECT (box), "heyai-bar-box", GINT_TO_POINTER (1));
  g_object_ref (content);
  adw_toast_overlay_set_child (self->toast_overlay, box);
  gtk_widget_set_vexpand (content, TRUE);
  gtk_box_append (GTK_BOX (box), content);
  g_object_unref (content);
  return GTK_BOX (box);
}

static GtkWidget *
add_bar (HeyaiWindow    *self,
         GtkMessageType  type,
         const char     *text,
         const char     *name)
{
  GtkBox *box = bar_box (self);
  GtkWidget *bar = gtk_info_bar_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_info_bar_set_message_type (GTK_INFO_BAR (bar), type);
  gtk_info_bar_add_child (GTK_INFO_BAR (bar), label);
  gtk_widget_set_name (bar, name);
  gtk_box_prepend (box, bar);
  return bar;
}

static void
notice_response_cb (GtkInfoBar  *bar,
                    int          response,
                    HeyaiWindow *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (bar));

  if (self->notice_bar == GTK_WIDGET (bar))
    {
      self->notice_bar = NULL;
      g_clear_pointer (&self->notice_text, g_free);
    }
  if (GTK_IS_BOX (parent))
    gtk_box_remove (GTK_BOX (parent), GTK_WIDGET (bar));
}

/* Shows what the import converted or decoded ("read as Windows-1252",
 * "converted from Final Draft") in an info bar that stays until closed. */
static void
show_import_notes (HeyaiWindow             *self,
                   const char              *name,
                   const HeyaiScriptImport *import)
{
  g_autofree char *notes = heyai_script_import_notes_text (import);
  g_autofree char *msg = NULL;

  if (notes == NULL)
    {
      msg = g_strdup_printf (_("New project from “%s”"), name);
      heyai_window_toast (self, msg);
      return;
    }

  if (self->notice_bar != NULL)
    notice_response_cb (GTK_INFO_BAR (self->notice_bar), GTK_RESPONSE_CLOSE, self);
  /* Translators: "“x.fdx”: Converted from Final Draft to Fountain: 12 scenes." */
  msg = g_strdup_printf (_("“%s”: %s"), name, notes);
  self->notice_bar = add_bar (self, GTK_MESSAGE_INFO, msg, "import-notice");
  self->notice_text = g_steal_pointer (&msg);
  gtk_info_bar_set_show_close_button (GTK_INFO_BAR (self->notice_bar), TRUE);
  g_signal_connect (self->notice_bar, "response", G_CALLBACK (notice_response_cb), self);
}

const char *
heyai_window_get_notice (HeyaiWindow *self)
{
  g_return_val_if_fail (HEYAI_IS_WINDOW (self), NULL);

  return self->notice_text;
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
  show_import_notes (self, name, import);
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

HeyaiNewProjectDialog *
heyai_window_new_project_dialog_for_file (HeyaiWindow *self,
                                          GFile       *file)
{
  HeyaiNewProjectDialog *dialog;

  g_return_val_if_fail (HEYAI_IS_WINDOW (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  dialog = heyai_new_project_dialog_new (self);
  heyai_new_project_dialog_load_file (dialog, file);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
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
          heyai_window_new_project_dialog_for_file (self, file);
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
  if (heyai_application_get_store (get_app (self)) == NULL || self->read_only)
    return FALSE;

  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    {
      /* the import looks at the content and says what is not a script */
      heyai_window_new_project_dialog_for_file (self, l->data);
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

/* A damaged library is open read-only: a banner that stays above every
 * page, and the actions that would write are off (any other write fails
 * with the same explanation). */
static void
show_read_only (HeyaiWindow *self,
                const char  *reason)
{
  static const char * const window_actions[] = { "win.new-project", "win.open", "win.analyze", NULL };
  static const char * const view_actions[] = {
    "project.run", "project.analyze", "project.cancel-all", "project.rename", NULL
  };
  static const char * const page_actions[] = {
    "projects.rename", "projects.duplicate", "projects.delete", "projects.undo-delete", NULL
  };

  self->read_only = TRUE;
  add_bar (self, GTK_MESSAGE_WARNING, reason, "read-only-banner");

  for (guint i = 0; window_actions[i] != NULL; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), window_actions[i], FALSE);
  for (guint i = 0; view_actions[i] != NULL; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self->project_view), view_actions[i], FALSE);
  for (guint i = 0; page_actions[i] != NULL; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self->projects_page), page_actions[i], FALSE);
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

  if (heyai_store_get_read_only (heyai_application_get_store (app)))
    show_read_only (self, heyai_store_get_read_only_reason (heyai_application_get_store (app)));
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
  g_weak_ref_set (&self->info_toast, NULL);
  self->last_error = NULL;
  g_clear_pointer (&self->last_error_text, g_free);
  self->notice_bar = NULL;
  g_clear_pointer (&self->notice_text, g_free);

  G_OBJECT_CLASS (heyai_window_parent_class)->dispose (object);
}

static void show_error_action (GtkWidget *widget, const char *action_name, GVariant *param);

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
  gtk_widget_class_install_action (widget_class, "win.show-error", "s", show_error_action);
}

static void
heyai_window_init (HeyaiWindow *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_weak_ref_init (&self->info_toast, NULL);
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
  gtk_widget_set_visible (GTK_WIDGET (self->project_view), TRUE);
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
  g_weak_ref_set (&self->info_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The part of an error that fits a toast: up to its first ": " or ". " when
 * that is short, else NULL (the whole text fits, or no clean cut exists). */
static char *
error_summary (const char *message)
{
  const char *cuts[] = { ": ", ". ", "\n" };
  const char *best = NULL;

  if (g_utf8_strlen (message, -1) <= HEYAI_WINDOW_TOAST_CHARS && strchr (message, '\n') == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      const char *at = strstr (message, cuts[i]);

      if (at != NULL && (best == NULL || at < best))
        best = at;
    }
  if (best != NULL && g_utf8_strlen (message, best - message) <= HEYAI_WINDOW_TOAST_CHARS)
    return g_strndup (message, best - message + (best[0] == '.' ? 1 : 0));
  return g_strdup (_("Something went wrong"));
}

static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HeyaiWindow *self = HEYAI_WINDOW (widget);
  const char *message = g_variant_get_string (param, NULL);
  g_autofree char *summary = error_summary (message);
  GtkWidget *dialog, *expander, *label, *scroller;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), summary ? summary : message, NULL);
  label = gtk_label_new (message);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 240);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  expander = gtk_expander_new_with_mnemonic (_("_Details"));
  gtk_expander_set_expanded (GTK_EXPANDER (expander), TRUE);
  gtk_expander_set_child (GTK_EXPANDER (expander), scroller);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), expander);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
error_toast_dismissed_cb (AdwToast    *toast,
                          HeyaiWindow *self)
{
  if (self->last_error == toast)
    self->last_error = NULL;
}

void
heyai_window_error (HeyaiWindow *self,
                    const char  *message)
{
  g_autoptr(AdwToast) info = NULL;
  g_autofree char *summary = NULL;
  AdwToast *toast;

  g_return_if_fail (HEYAI_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* An error never waits behind an info toast. */
  info = g_weak_ref_get (&self->info_toast);
  if (info != NULL)
    adw_toast_dismiss (info);
  g_weak_ref_set (&self->info_toast, NULL);

  summary = error_summary (message);
  toast = adw_toast_new (summary ? summary : message);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 10);
  if (summary != NULL)
    {
      /* The full text, never cut: one click away. */
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-error");
      adw_toast_set_action_target_value (toast, g_variant_new_string (message));
    }
  g_free (self->last_error_text);
  self->last_error_text = g_strdup (message);
  self->last_error = toast;
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (error_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
heyai_window_get_last_error (HeyaiWindow *self)
{
  g_return_val_if_fail (HEYAI_IS_WINDOW (self), NULL);
  return self->last_error_text;
}

const char *
heyai_window_get_last_toast (HeyaiWindow *self)
{
  g_autoptr(AdwToast) info = NULL;

  g_return_val_if_fail (HEYAI_IS_WINDOW (self), NULL);
  info = g_weak_ref_get (&self->info_toast);
  return info != NULL ? adw_toast_get_title (info) : NULL;
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
