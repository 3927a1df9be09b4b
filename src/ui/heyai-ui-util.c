/* heyai-ui-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <adwaita.h>

#include "heyai-ui-util.h"
#include "heyai-script-import.h"
#include "heyai-window.h"

static const char * const chip_classes[] = {
  "chip-pending", "chip-rendering", "chip-ready", "chip-approved", "chip-rejected",
  "chip-animating", "chip-clip-ready", "chip-failed",
  "chip-draft", "chip-processing", "chip-generating", "chip-ready-for-edit", "chip-completed",
};

const char *
heyai_ui_scene_status_css (HeyaiSceneStatus status)
{
  switch (status)
    {
    case HEYAI_SCENE_STATUS_PENDING:    return "chip-pending";
    case HEYAI_SCENE_STATUS_RENDERING:  return "chip-rendering";
    case HEYAI_SCENE_STATUS_READY:      return "chip-ready";
    case HEYAI_SCENE_STATUS_APPROVED:   return "chip-approved";
    case HEYAI_SCENE_STATUS_REJECTED:   return "chip-rejected";
    case HEYAI_SCENE_STATUS_ANIMATING:  return "chip-animating";
    case HEYAI_SCENE_STATUS_CLIP_READY: return "chip-clip-ready";
    case HEYAI_SCENE_STATUS_FAILED:     return "chip-failed";
    default:                            return "chip-pending";
    }
}

const char *
heyai_ui_project_status_css (HeyaiProjectStatus status)
{
  switch (status)
    {
    case HEYAI_PROJECT_STATUS_DRAFT:             return "chip-draft";
    case HEYAI_PROJECT_STATUS_PROCESSING_SCRIPT: return "chip-processing";
    case HEYAI_PROJECT_STATUS_GENERATING_IMAGES: return "chip-generating";
    case HEYAI_PROJECT_STATUS_ANIMATING_SCENES:  return "chip-animating";
    case HEYAI_PROJECT_STATUS_READY_FOR_EDIT:    return "chip-ready-for-edit";
    case HEYAI_PROJECT_STATUS_COMPLETED:         return "chip-completed";
    case HEYAI_PROJECT_STATUS_FAILED:            return "chip-failed";
    case HEYAI_PROJECT_STATUS_AWAITING_REVIEW:   return "chip-generating";
    case HEYAI_PROJECT_STATUS_STILLS_MISSING:    return "chip-draft";
    case HEYAI_PROJECT_STATUS_READY_TO_ANIMATE:  return "chip-generating";
    case HEYAI_PROJECT_STATUS_CLIPS_OUTDATED:    return "chip-generating";
    default:                                     return "chip-draft";
    }
}

void
heyai_ui_set_chip_class (GtkWidget  *widget,
                         const char *css_class)
{
  for (guint i = 0; i < G_N_ELEMENTS (chip_classes); i++)
    if (g_strcmp0 (chip_classes[i], css_class) != 0)
      gtk_widget_remove_css_class (widget, chip_classes[i]);
  gtk_widget_add_css_class (widget, css_class);
}

void
heyai_ui_label_set (GtkLabel   *label,
                    const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text ? text : "") != 0)
    gtk_label_set_label (label, text ? text : "");
}

char *
heyai_ui_format_edited (gint64 unix_us,
                        gint64 now_us)
{
  gint64 secs;

  if (unix_us <= 0)
    return g_strdup (_("never edited"));

  secs = MAX (0, (now_us - unix_us) / G_USEC_PER_SEC);
  if (secs < 60)
    return g_strdup (_("edited just now"));
  if (secs < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "edited %d min ago", "edited %d min ago",
                                         (int) (secs / 60)), (int) (secs / 60));
  if (secs < 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "edited %d h ago", "edited %d h ago",
                                         (int) (secs / 3600)), (int) (secs / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "edited %d day ago", "edited %d days ago",
                                       (int) (secs / 86400)), (int) (secs / 86400));
}

const char *
heyai_ui_job_kind_label (HeyaiJobKind kind)
{
  switch (kind)
    {
    case HEYAI_JOB_KIND_ANALYZE: return _("Script analysis");
    case HEYAI_JOB_KIND_IMAGE:   return _("Still");
    case HEYAI_JOB_KIND_CLIP:    return _("Clip");
    case HEYAI_JOB_KIND_UPLOAD:  return _("Upload");
    default:                     return _("Job");
    }
}

const char *
heyai_ui_job_state_label (HeyaiJobState state)
{
  switch (state)
    {
    case HEYAI_JOB_STATE_QUEUED:      return _("Queued");
    case HEYAI_JOB_STATE_SUBMITTED:   return _("Submitted");
    case HEYAI_JOB_STATE_RUNNING:     return _("Running");
    case HEYAI_JOB_STATE_DOWNLOADING: return _("Downloading");
    case HEYAI_JOB_STATE_UPLOADING:   return _("Uploading");
    case HEYAI_JOB_STATE_DONE:        return _("Done");
    case HEYAI_JOB_STATE_FAILED:      return _("Failed");
    case HEYAI_JOB_STATE_CANCELLED:   return _("Cancelled");
    default:                          return "";
    }
}

char *
heyai_ui_format_cost (double usd)
{
  if (usd <= 0.0)
    return g_strdup (_("free"));
  return g_strdup_printf ("$%.2f", usd);
}

gboolean
heyai_ui_is_script_file (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *lower = name ? g_ascii_strdown (name, -1) : NULL;

  return lower != NULL &&
         (g_str_has_suffix (lower, ".fountain") || g_str_has_suffix (lower, ".txt") ||
          g_str_has_suffix (lower, ".fdx") || g_str_has_suffix (lower, ".pdf") ||
          g_str_has_suffix (lower, ".spmd") || g_str_has_suffix (lower, ".text"));
}

char *
heyai_ui_guess_title (const char *script,
                      GFile      *file)
{
  if (script != NULL && *script != '\0')
    {
      g_autoptr(HeyaiScript) parsed = heyai_script_parse (script, -1, NULL);

      if (parsed != NULL && parsed->title != NULL && *parsed->title != '\0' &&
          parsed->format == HEYAI_SCRIPT_FORMAT_FOUNTAIN)
        return g_strdup (parsed->title);
    }
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);

      if (name != NULL)
        return heyai_script_title_from_filename (name);
    }
  return g_strdup (_("Untitled Trailer"));
}

/* Opening a folder: the file manager's ShowItems, else the default
 * handler of the folder's URI, else a dialog with the path and a Copy
 * button (never a silent failure). */
typedef struct
{
  GWeakRef  parent;
  char     *path;        /* the item shown */
  char     *folder;      /* its folder */
} ShowCall;

static void
show_call_free (ShowCall *call)
{
  g_weak_ref_clear (&call->parent);
  g_free (call->path);
  g_free (call->folder);
  g_free (call);
}

static void
folder_dialog_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           gpointer          user_data)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");

  if (g_strcmp0 (response, "copy") == 0 && path != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), path);
}

GtkWidget *
heyai_ui_show_path_dialog (GtkWidget  *parent,
                           const char *path,
                           const char *reason)
{
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *body = g_strdup_printf (_("%s\n\nIt is here:\n%s"), reason, display);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Could Not Open the Folder"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "copy", _("_Copy Path"),
                                    "close", _("_Close"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "copy");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (folder_dialog_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
launch_folder_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ShowCall *call = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autoptr(GtkWidget) parent = g_weak_ref_get (&call->parent);

      g_debug ("Opening %s failed: %s", call->folder, error->message);
      heyai_ui_show_path_dialog (parent, call->path, _("No file manager answered."));
    }
  show_call_free (call);
}

static void
launch_folder (ShowCall *call)
{
  g_autoptr(GFile) folder = g_file_new_for_path (call->folder);
  g_autofree char *folder_uri = g_file_get_uri (folder);

  g_app_info_launch_default_for_uri_async (folder_uri, NULL, NULL, launch_folder_cb, call);
}

static void
show_items_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ShowCall *call = user_data;
  g_autoptr(GVariant) ret = NULL;
  g_autoptr(GError) error = NULL;

  ret = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (ret == NULL)
    {
      g_debug ("FileManager1.ShowItems failed (%s); opening the folder", error->message);
      launch_folder (call);
      return;
    }
  show_call_free (call);
}

void
heyai_ui_show_in_folder (GtkWidget  *parent,
                         const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };
  ShowCall *call;

  if (path == NULL)
    return;

  file = g_file_new_for_path (path);
  folder = g_file_get_parent (file);
  uri = g_file_get_uri (file);
  uris[0] = uri;

  call = g_new0 (ShowCall, 1);
  g_weak_ref_init (&call->parent, parent);
  call->path = g_strdup (path);
  call->folder = folder != NULL ? g_file_get_path (folder) : g_strdup (path);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    {
      launch_folder (call);
      return;
    }
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL,
                          G_DBUS_CALL_FLAGS_NONE, 5000, NULL, show_items_cb, call);
}

void
heyai_ui_open_path (GtkWidget  *parent,
                    const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  GtkRoot *root;

  if (path == NULL)
    return;
  file = g_file_new_for_path (path);
  uri = g_file_get_uri (file);
  root = parent ? gtk_widget_get_root (parent) : NULL;
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

void
heyai_ui_toast (GtkWidget  *widget,
                const char *message)
{
  GtkRoot *root = widget ? gtk_widget_get_root (widget) : NULL;

  if (HEYAI_IS_WINDOW (root))
    heyai_window_toast (HEYAI_WINDOW (root), message);
  else
    g_message ("%s", message);
}

void
heyai_ui_error (GtkWidget  *widget,
                const char *message)
{
  GtkRoot *root = widget ? gtk_widget_get_root (widget) : NULL;

  if (HEYAI_IS_WINDOW (root))
    heyai_window_error (HEYAI_WINDOW (root), message);
  else
    g_warning ("%s", message);
}

GWeakRef *
heyai_ui_weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  g_weak_ref_init (ref, object);
  return ref;
}

gpointer
heyai_ui_weak_ref_steal (GWeakRef *ref)
{
  gpointer object;

  g_return_val_if_fail (ref != NULL, NULL);
  object = g_weak_ref_get (ref);
  g_weak_ref_clear (ref);
  g_free (ref);
  return object;
}

static void
squeeze_update (GtkWidget *squeezer)
{
  GtkWidget *child = g_object_get_data (G_OBJECT (squeezer), "heyai-squeeze-child");
  int threshold = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (squeezer), "heyai-squeeze-width"));
  GtkNative *native = gtk_widget_get_native (squeezer);
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;
  gboolean narrow = surface != NULL && gdk_surface_get_width (surface) < threshold;

  /* Hidden, not just disabled: libadwaita 1.2's squeezer still counts a
   * disabled page in its minimum width. */
  if (gtk_widget_get_visible (child) != narrow)
    gtk_widget_set_visible (child, narrow);
}

static void
squeeze_surface_width_cb (GdkSurface *surface,
                          GParamSpec *pspec,
                          GtkWidget  *squeezer)
{
  squeeze_update (squeezer);
}

static void
squeeze_realize_cb (GtkWidget *squeezer)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (squeezer));

  g_signal_connect_object (surface, "notify::width", G_CALLBACK (squeeze_surface_width_cb), squeezer, 0);
  squeeze_update (squeezer);
}

static void
squeeze_unrealize_cb (GtkWidget *squeezer)
{
  GtkNative *native = gtk_widget_get_native (squeezer);

  if (native != NULL && gtk_native_get_surface (native) != NULL)
    g_signal_handlers_disconnect_by_func (gtk_native_get_surface (native), squeeze_surface_width_cb, squeezer);
}

void
heyai_ui_squeeze_below_width (GtkWidget *child,
                              int        width)
{
  GtkWidget *squeezer = gtk_widget_get_parent (child);

  g_return_if_fail (ADW_IS_SQUEEZER (squeezer));
  g_return_if_fail (width > 0);

  g_object_set_data (G_OBJECT (squeezer), "heyai-squeeze-child", child);
  g_object_set_data (G_OBJECT (squeezer), "heyai-squeeze-width", GINT_TO_POINTER (width));
  /* Wide until the window says otherwise. */
  gtk_widget_set_visible (child, FALSE);
  g_signal_connect (squeezer, "realize", G_CALLBACK (squeeze_realize_cb), NULL);
  g_signal_connect (squeezer, "unrealize", G_CALLBACK (squeeze_unrealize_cb), NULL);
  if (gtk_widget_get_realized (squeezer))
    squeeze_realize_cb (squeezer);
}
