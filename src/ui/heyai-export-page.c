/* heyai-export-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-delivery.h"
#include "heyai-export.h"
#include "heyai-export-page.h"
#include "heyai-timeline-import.h"
#include "heyai-ui-util.h"

struct _HeyaiExportPage
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkLabel       *summary_label;
  AdwPreferencesGroup *formats_group;
  AdwEntryRow    *start_tc_row;
  GtkSwitch      *crop_switch;
  GtkButton      *import_button;
  GtkSwitch      *zip_switch;
  AdwActionRow   *folder_row;
  GtkButton      *export_button;
  GtkProgressBar *progress_bar;
  GtkWidget      *done_box;
  GtkLabel       *done_label;
  GtkListBox     *files_list;
  GtkLabel       *files_empty;

  /* Owned references */
  HeyaiProject   *project;
  GCancellable   *cancellable;
  char           *dest_dir;
  char           *package_path;
  GListStore     *files;       /* HeyaiAsset */
  GtkSwitch      *format_switches[HEYAI_EXPORT_N_FORMATS];  /* from the format table */
  HeyaiTimelineDiff *pending_diff;  /* the editor's cut, shown before applying */
};

G_DEFINE_FINAL_TYPE (HeyaiExportPage, heyai_export_page, GTK_TYPE_WIDGET)

static HeyaiStore *
get_store (void)
{
  return heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
}

static void
update_folder_row (HeyaiExportPage *self)
{
  adw_action_row_set_subtitle (self->folder_row, self->dest_dir);
}

/* Files (gallery) -------------------------------------------------------- */

static void
file_open_cb (GtkButton *button,
              gpointer   user_data)
{
  heyai_ui_open_path (GTK_WIDGET (button), g_object_get_data (G_OBJECT (button), "path"));
}

static void
file_folder_cb (GtkButton *button,
                gpointer   user_data)
{
  heyai_ui_show_in_folder (GTK_WIDGET (button), g_object_get_data (G_OBJECT (button), "path"));
}

static int
compare_listed_assets (gconstpointer a,
                       gconstpointer b)
{
  HeyaiAsset *x = *(HeyaiAsset * const *) a;
  HeyaiAsset *y = *(HeyaiAsset * const *) b;
  int px = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (x), "heyai-position"));
  int py = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (y), "heyai-position"));
  guint ox = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (x), "heyai-order"));
  guint oy = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (y), "heyai-order"));

  /* no scene (the animatic, a package): after the scenes */
  px = px > 0 ? px : G_MAXINT;
  py = py > 0 ? py : G_MAXINT;
  if (px != py)
    return px < py ? -1 : 1;
  if (heyai_asset_get_kind (x) != heyai_asset_get_kind (y))
    return heyai_asset_get_kind (x) < heyai_asset_get_kind (y) ? -1 : 1;
  if (heyai_asset_get_take (x) != heyai_asset_get_take (y))
    return heyai_asset_get_take (x) < heyai_asset_get_take (y) ? -1 : 1;
  return ox < oy ? -1 : ox > oy;
}

static void
file_copy_cb (GtkButton *button,
              gpointer   user_data)
{
  const char *link = g_object_get_data (G_OBJECT (button), "link");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), link);
  heyai_ui_toast (GTK_WIDGET (button), _("Link copied"));
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             GCallback   callback,
             const char *key,
             const char *value)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  g_object_set_data_full (G_OBJECT (button), key, g_strdup (value), g_free);
  g_signal_connect (button, "clicked", callback, NULL);
  return button;
}

static GtkWidget *
create_file_row (gpointer item,
                 gpointer user_data)
{
  HeyaiAsset *asset = item;
  GtkWidget *row = adw_action_row_new ();
  const char *path = heyai_asset_get_local_path (asset);
  g_autofree char *title = NULL;
  g_autofree char *uri = NULL;
  const char *link = heyai_asset_get_view_link (asset);
  int position = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (asset), "heyai-position"));

  switch (heyai_asset_get_kind (asset))
    {
    case HEYAI_ASSET_KIND_IMAGE:
      /* Translators: "Scene 3 · still, take 2" */
      title = g_strdup_printf (_("Scene %d · still, take %d"), position, heyai_asset_get_take (asset));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("image-x-generic-symbolic"));
      break;
    case HEYAI_ASSET_KIND_CLIP:
      title = g_strdup_printf (_("Scene %d · clip, take %d"), position, heyai_asset_get_take (asset));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("camera-video-symbolic"));
      break;
    default:
      title = g_path_get_basename (path ? path : "");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("package-x-generic-symbolic"));
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), link && !g_str_has_prefix (link, "file:") ? link : path);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);

  if (link == NULL && path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      uri = g_file_get_uri (file);
      link = uri;
    }
  if (path != NULL)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button ("adw-external-link-symbolic", _("Open"), G_CALLBACK (file_open_cb), "path", path));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 icon_button ("folder-open-symbolic", _("Show in Folder"), G_CALLBACK (file_folder_cb), "path", path));
    }
  if (link != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               icon_button ("edit-copy-symbolic", _("Copy Link"), G_CALLBACK (file_copy_cb), "link", link));
  return row;
}

void
heyai_export_page_reload (HeyaiExportPage *self)
{
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GHashTable) positions = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autofree char *summary = NULL;
  g_autofree char *runtime = NULL;
  guint n_approved = 0, n_clips = 0;
  double seconds = 0;
  HeyaiStore *store = get_store ();

  g_return_if_fail (HEYAI_IS_EXPORT_PAGE (self));

  g_list_store_remove_all (self->files);
  heyai_delivery_update_final_row (GTK_WIDGET (self), gtk_widget_get_parent (GTK_WIDGET (self->summary_label)),
                                   self->project);
  if (self->project == NULL || store == NULL)
    return;

  positions = g_hash_table_new (g_str_hash, g_str_equal);
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (self->project), NULL);
  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);

      g_hash_table_insert (positions, (gpointer) heyai_scene_get_id (scene),
                           GINT_TO_POINTER (heyai_scene_get_position (scene)));
      if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_APPROVED)
        {
          n_approved++;
          seconds += heyai_scene_get_duration (scene);
          if (heyai_scene_get_clip_take (scene) > 0)
            n_clips++;
        }
    }

  runtime = heyai_format_duration (seconds);
  if (n_approved == 0)
    summary = g_strdup (_("No approved scenes yet. Approve stills on the storyboard first."));
  else
    /* Translators: "12 approved scenes, 1:05 · 10 with clips" */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u approved scene, %s · %u with clips",
                                            "%u approved scenes, %s · %u with clips", n_approved),
                               n_approved, runtime, n_clips);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), n_approved > 0);

  assets = heyai_store_list_project_assets (store, heyai_project_get_id (self->project), NULL);
  for (guint i = 0; assets != NULL && i < assets->len; i++)
    {
      HeyaiAsset *asset = g_ptr_array_index (assets, i);
      HeyaiAssetKind kind = heyai_asset_get_kind (asset);

      if (kind == HEYAI_ASSET_KIND_DATABASE)
        continue;
      if (heyai_asset_get_scene_id (asset) != NULL)
        g_object_set_data (G_OBJECT (asset), "heyai-position",
                           g_hash_table_lookup (positions, heyai_asset_get_scene_id (asset)));
      g_object_set_data (G_OBJECT (asset), "heyai-order", GUINT_TO_POINTER (i));
      g_ptr_array_add (shown, asset);
    }
  /* Scene by scene (still, then clip, by take), then the project's files. */
  g_ptr_array_sort (shown, compare_listed_assets);
  g_list_store_splice (self->files, 0, 0, shown->pdata, shown->len);
  gtk_widget_set_visible (GTK_WIDGET (self->files_empty), shown->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->files_list), shown->len > 0);
}

/* Export ---------------------------------------------------------------- */

static void
export_progress_cb (double      fraction,
                    const char *step,
                    gpointer    user_data)
{
  HeyaiExportPage *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, step);
}

/* Scrolls the page so @target (just shown) is in view, once it has its
 * allocation: after clicking Export the progress, then the result, are
 * visible without scrolling.  A widget just shown gets its allocation, and
 * the adjustment its new upper bound, over the next frames (a value set
 * before the upper bound grew is clamped short): so this looks on every
 * frame until the target has been in view on two frames in a row, for at
 * most half a second. */
typedef struct
{
  guint frames;
  guint in_view;   /* consecutive frames with the target in view */
} ScrollIntoView;

static gboolean
scroll_into_view_tick (GtkWidget     *target,
                       GdkFrameClock *clock,
                       gpointer       user_data)
{
  ScrollIntoView *state = user_data;
  GtkWidget *scrolled = gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content;
  GtkAdjustment *vadj;
  graphene_rect_t bounds;
  double value, page;

  if (scrolled == NULL || !gtk_widget_get_visible (target) || ++state->frames > 30)
    return G_SOURCE_REMOVE;
  /* Bounds in the scrolled content's coordinates (inside the viewport). */
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  if (content == NULL || !gtk_widget_get_mapped (target) || !gtk_widget_compute_bounds (target, content, &bounds))
    return G_SOURCE_CONTINUE;

  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  value = gtk_adjustment_get_value (vadj);
  page = gtk_adjustment_get_page_size (vadj);
  if (bounds.origin.y < value)
    gtk_adjustment_set_value (vadj, MAX (0, bounds.origin.y - 24));
  else if (bounds.origin.y + bounds.size.height > value + page)
    gtk_adjustment_set_value (vadj, MAX (0, MIN (bounds.origin.y - 24, bounds.origin.y + bounds.size.height - page + 24)));
  else if (++state->in_view >= 2)
    return G_SOURCE_REMOVE;
  else
    return G_SOURCE_CONTINUE;
  state->in_view = 0;
  return G_SOURCE_CONTINUE;
}

static void
scroll_into_view (GtkWidget *target)
{
  gtk_widget_add_tick_callback (target, scroll_into_view_tick, g_new0 (ScrollIntoView, 1), g_free);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HeyaiExportPage) self = user_data;
  g_autoptr(HeyaiExportResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  res = heyai_export_finish (result, &error);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);

  if (res == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          msg = g_strdup_printf (_("Export failed: %s"), error->message);
          heyai_ui_toast (GTK_WIDGET (self), msg);
        }
      return;
    }

  if (self->project != NULL && get_store () != NULL)
    heyai_export_record_package (get_store (), self->project, res, NULL);
  /* Into the project folder (Drive or the local tree), with one link for the editor. */
  heyai_delivery_publish (GTK_WIDGET (self), GTK_BOX (self->done_box), self->project, res->package_path,
                          self->cancellable);

  g_free (self->package_path);
  self->package_path = g_strdup (res->zip_path ? res->zip_path : res->package_path);
  msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %u scene to %s", "Exported %u scenes to %s", res->n_scenes),
                         res->n_scenes, res->package_path);
  gtk_label_set_label (self->done_label, msg);
  gtk_widget_set_visible (self->done_box, TRUE);
  scroll_into_view (self->done_box);
  if (res->warnings != NULL && res->warnings[0] != NULL)
    heyai_ui_toast (GTK_WIDGET (self), res->warnings[0]);
  else
    heyai_ui_toast (GTK_WIDGET (self), _("Handoff package ready"));
  heyai_export_page_reload (self);
}

void
heyai_export_page_export (HeyaiExportPage *self)
{
  g_autoptr(HeyaiExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiExportOptions options;
  HeyaiExportFormats formats = 0;

  g_return_if_fail (HEYAI_IS_EXPORT_PAGE (self));

  if (self->project == NULL || get_store () == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (self->export_button)))
    return;

  plan = heyai_export_plan_from_store (get_store (), self->project, &error);
  if (plan == NULL)
    {
      heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }

  heyai_export_options_init (&options);
  {
    guint n;
    const HeyaiExportFormatInfo *table = heyai_export_format_table (&n);

    for (guint i = 0; i < n; i++)
      if (gtk_switch_get_active (self->format_switches[i]))
        formats |= table[i].flag;
  }
  if (formats == 0)
    {
      heyai_ui_toast (GTK_WIDGET (self), _("Choose at least one thing to export."));
      return;
    }
  {
    const char *start_tc = gtk_editable_get_text (GTK_EDITABLE (self->start_tc_row));
    gint64 frames;

    if (*start_tc != '\0' && !heyai_export_timecode_parse (start_tc, plan->fps, &frames))
      {
        heyai_ui_toast (GTK_WIDGET (self), _("The start timecode is not valid: use HH:MM:SS:FF, such as 01:00:00:00."));
        return;
      }
    g_free (plan->start_tc);
    plan->start_tc = *start_tc != '\0' ? g_strdup (start_tc) : NULL;

    /* A project setting: the next export (window or CLI) starts there too. */
    if (g_strcmp0 (heyai_project_get_start_tc (self->project), plan->start_tc) != 0)
      {
        g_autoptr(GError) save_error = NULL;

        heyai_project_set_start_tc (self->project, plan->start_tc);
        if (!heyai_store_update_project (get_store (), self->project, &save_error))
          g_warning ("Could not save the start timecode: %s", save_error->message);
      }
  }
  options.fit = gtk_switch_get_active (self->crop_switch) ? HEYAI_EXPORT_FIT_CROP : HEYAI_EXPORT_FIT_LETTERBOX;
  options.formats = formats;
  options.zip = gtk_switch_get_active (self->zip_switch);

  g_mkdir_with_parents (self->dest_dir, 0700);
  gtk_widget_set_visible (self->done_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Preparing the package…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
  scroll_into_view (GTK_WIDGET (self->progress_bar));

  heyai_export_async (plan, &options, self->dest_dir, export_progress_cb, g_object_ref (self), g_object_unref,
                      self->cancellable, export_done_cb, g_object_ref (self));
  heyai_export_options_clear (&options);
}

static void
export_clicked_cb (HeyaiExportPage *self)
{
  heyai_export_page_export (self);
}

static void
open_package_cb (HeyaiExportPage *self)
{
  if (self->package_path != NULL)
    heyai_ui_show_in_folder (GTK_WIDGET (self), self->package_path);
}

/* A Drive share link is copied as is; with local storage (no link, or the
 * project folder's file:// URI) the package's own path is what the editor
 * needs, and the toast says so. */
static void
copy_link_cb (HeyaiExportPage *self)
{
  const char *share = self->project ? heyai_project_get_share_link (self->project) : NULL;
  gboolean drive = share != NULL && *share != '\0' && !g_str_has_prefix (share, "file:");

  if (drive)
    {
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), share);
      heyai_ui_toast (GTK_WIDGET (self), _("Drive link copied for the editor"));
    }
  else if (self->package_path != NULL)
    {
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->package_path);
      heyai_ui_toast (GTK_WIDGET (self), _("Package folder path copied"));
    }
}

static void
folder_response_cb (HeyaiExportPage      *self,
                    int                   response,
                    GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_free (self->dest_dir);
      self->dest_dir = g_file_get_path (file);
      update_folder_row (self);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
choose_folder_cb (HeyaiExportPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Export To"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_swapped (native, "response", G_CALLBACK (folder_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
map_cb (HeyaiExportPage *self)
{
  heyai_export_page_reload (self);
}

/* The Contents switches: one row per format of the table. */
static void
add_format_rows (HeyaiExportPage *self)
{
  guint n;
  const HeyaiExportFormatInfo *table = heyai_export_format_table (&n);

  g_assert (n == G_N_ELEMENTS (self->format_switches));
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *sw = gtk_switch_new ();
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", table[i].file_name, _(table[i].description));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(table[i].label));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, _(table[i].label), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      gtk_widget_set_name (sw, table[i].id);
      adw_preferences_group_add (self->formats_group, row);
      self->format_switches[i] = GTK_SWITCH (sw);
    }
}

/* Update From Editor's Timeline ------------------------------------------ */

static void
read_timeline_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  HeyaiTimeline *timeline = heyai_timeline_read (task_data, 0, &error);

  if (timeline == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, timeline, (GDestroyNotify) heyai_timeline_free);
}

static void
import_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    HeyaiExportPage  *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiTimelineDiff) diff = g_steal_pointer (&self->pending_diff);

  if (!g_str_equal (response, "apply") || diff == NULL || self->project == NULL || get_store () == NULL)
    return;

  if (!heyai_timeline_apply (get_store (), self->project, diff, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Could not update the storyboard: %s"), error->message);
      heyai_ui_toast (GTK_WIDGET (self), msg);
      return;
    }

  {
    g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change from the editor’s cut applied",
                                                         "%u changes from the editor’s cut applied",
                                                         diff->changes->len),
                                            diff->changes->len);
    heyai_ui_toast (GTK_WIDGET (self), msg);
  }
  heyai_export_page_reload (self);
}

static void
timeline_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HeyaiExportPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiTimeline) timeline = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) scenes = NULL;
  g_autofree char *body = NULL;
  GtkRoot *root;
  AdwMessageDialog *dialog;

  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), TRUE);
  if (timeline == NULL || self->project == NULL || get_store () == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }

  scenes = heyai_store_list_scenes (get_store (), heyai_project_get_id (self->project), &error);
  g_clear_pointer (&self->pending_diff, heyai_timeline_diff_free);
  if (scenes != NULL)
    self->pending_diff = heyai_timeline_diff (timeline, scenes, &error);
  if (self->pending_diff == NULL)
    {
      heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }

  body = heyai_timeline_diff_to_string (self->pending_diff);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Update From the Editor’s Cut?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), NULL);
  if (self->pending_diff->changes->len > 0)
    {
      adw_message_dialog_add_responses (dialog, "apply", _("_Update Storyboard"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "apply");
    }
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (import_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
heyai_export_page_update_from_timeline (HeyaiExportPage *self,
                                        const char      *path)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HEYAI_IS_EXPORT_PAGE (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, self->cancellable, timeline_read_cb, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (path), g_free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  g_task_run_in_thread (task, read_timeline_thread);
}

static void
import_file_response_cb (HeyaiExportPage      *self,
                         int                   response,
                         GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        heyai_export_page_update_from_timeline (self, path);
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
}

static void
import_clicked_cb (HeyaiExportPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->project == NULL)
    return;

  gtk_file_filter_set_name (filter, _("Timelines (OTIO, FCPXML, XML, EDL)"));
  gtk_file_filter_add_suffix (filter, "otio");
  gtk_file_filter_add_suffix (filter, "fcpxml");
  gtk_file_filter_add_suffix (filter, "xml");
  gtk_file_filter_add_suffix (filter, "edl");

  native = gtk_file_chooser_native_new (_("Editor’s Timeline"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_swapped (native, "response", G_CALLBACK (import_file_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
heyai_export_page_dispose (GObject *object)
{
  HeyaiExportPage *self = HEYAI_EXPORT_PAGE (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_EXPORT_PAGE);
  {
    GtkWidget *child;
    /* The template root has no id, so dispose_template leaves it. */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->project);
  g_clear_object (&self->files);
  g_clear_pointer (&self->pending_diff, heyai_timeline_diff_free);
  g_clear_pointer (&self->dest_dir, g_free);
  g_clear_pointer (&self->package_path, g_free);

  G_OBJECT_CLASS (heyai_export_page_parent_class)->dispose (object);
}

static void
heyai_export_page_class_init (HeyaiExportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_export_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-export-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, formats_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, start_tc_row);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, crop_switch);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, import_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, zip_switch);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, folder_row);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, done_box);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, done_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, files_list);
  gtk_widget_class_bind_template_child (widget_class, HeyaiExportPage, files_empty);
  gtk_widget_class_bind_template_callback (widget_class, export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_package_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_link_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
heyai_export_page_init (HeyaiExportPage *self)
{
  const char *videos = g_get_user_special_dir (G_USER_DIRECTORY_VIDEOS);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  add_format_rows (self);
  self->files = g_list_store_new (HEYAI_TYPE_ASSET);
  gtk_list_box_bind_model (self->files_list, G_LIST_MODEL (self->files), create_file_row, self, NULL);

  if (g_getenv ("HEYAI_DATA_DIR") != NULL || videos == NULL)
    {
      g_autofree char *data_dir = heyai_default_data_dir ();
      self->dest_dir = g_build_filename (data_dir, "handoff", NULL);
    }
  else
    self->dest_dir = g_build_filename (videos, "HeyAI Handoff", NULL);
  update_folder_row (self);
}

void
heyai_export_page_set_project (HeyaiExportPage *self,
                               HeyaiProject    *project)
{
  g_return_if_fail (HEYAI_IS_EXPORT_PAGE (self));

  if (!g_set_object (&self->project, project))
    return;
  gtk_editable_set_text (GTK_EDITABLE (self->start_tc_row),
                         project != NULL && heyai_project_get_start_tc (project) != NULL
                         ? heyai_project_get_start_tc (project) : "01:00:00:00");
  gtk_widget_set_visible (self->done_box, FALSE);
  g_clear_pointer (&self->package_path, g_free);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    heyai_export_page_reload (self);
}

HeyaiProject *
heyai_export_page_get_project (HeyaiExportPage *self)
{
  return self->project;
}

void
heyai_export_page_flush (HeyaiExportPage *self)
{
}

void
heyai_export_page_set_formats (HeyaiExportPage *self,
                               guint            formats)
{
  g_return_if_fail (HEYAI_IS_EXPORT_PAGE (self));

  {
    guint n;
    const HeyaiExportFormatInfo *table = heyai_export_format_table (&n);

    for (guint i = 0; i < n; i++)
      gtk_switch_set_active (self->format_switches[i], (formats & table[i].flag) != 0);
  }
}

const char *
heyai_export_page_get_package_path (HeyaiExportPage *self)
{
  g_return_val_if_fail (HEYAI_IS_EXPORT_PAGE (self), NULL);
  return self->package_path;
}
