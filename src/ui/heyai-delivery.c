/* heyai-delivery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-delivery.h"
#include "heyai-export-drive.h"
#include "heyai-export-page.h"
#include "heyai-final-watch.h"
#include "heyai-player.h"
#include "heyai-project-view.h"
#include "heyai-ui-util.h"
#include "heyai-window.h"

#define DELIVERY_KEY    "heyai-delivery"
#define PUBLISH_BOX_KEY "heyai-delivery-publish-box"
#define FINAL_ROW_KEY   "heyai-delivery-final-row"

struct _HeyaiDelivery
{
  GObject           parent_instance;

  HeyaiApplication *app;       /* unowned: the application owns us */
  GHashTable       *watches;   /* owner -> HeyaiFinalWatch */
  GCancellable     *cancellable;
};

enum { PUBLISHED, PUBLISH_FAILED, FINAL_ARRIVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HeyaiDelivery, heyai_delivery, G_TYPE_OBJECT)

static HeyaiStore *
get_store (HeyaiDelivery *self)
{
  return self->app ? heyai_application_get_store (self->app) : NULL;
}

static char *
get_storage_name (HeyaiDelivery *self)
{
  g_autofree char *setting = g_settings_get_string (heyai_application_get_settings (self->app),
                                                    "storage-provider");

  return g_strdup (heyai_provider_resolve_name (HEYAI_ROLE_STORAGE, NULL, setting));
}

static HeyaiStorage *
create_storage (HeyaiDelivery  *self,
                GError        **error)
{
  g_autofree char *name = get_storage_name (self);
  GObject *storage = heyai_provider_create (HEYAI_ROLE_STORAGE, name,
                                            heyai_application_get_data_dir (self->app), error);

  return storage ? HEYAI_STORAGE (storage) : NULL;
}

static char *
get_local_root (HeyaiDelivery *self)
{
  return heyai_local_root (heyai_application_get_data_dir (self->app));
}

/* Playing ------------------------------------------------------------------- */

GtkWindow *
heyai_delivery_play (GtkWindow  *parent,
                     const char *path)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *player = heyai_player_new ();
  g_autofree char *name = g_path_get_basename (path);

  gtk_window_set_title (GTK_WINDOW (window), _("Final Trailer"));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("Final Trailer"), name));
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 600);
  if (GTK_IS_APPLICATION (g_application_get_default ()))
    gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (g_application_get_default ()));
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_widget_set_vexpand (player, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), player);
  adw_window_set_content (ADW_WINDOW (window), box);
  heyai_player_set_file (HEYAI_PLAYER (player), path);
  gtk_window_present (GTK_WINDOW (window));
  heyai_player_play (HEYAI_PLAYER (player));
  return GTK_WINDOW (window);
}

static void
play_final_action_cb (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  HeyaiDelivery *self = user_data;

  heyai_delivery_play (gtk_application_get_active_window (GTK_APPLICATION (self->app)),
                       g_variant_get_string (param, NULL));
}

/* The final trailer ---------------------------------------------------------- */

static void
toast (HeyaiDelivery *self,
       AdwToast      *t)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self->app));
  g_autoptr(AdwToast) owned = t;

  if (!HEYAI_IS_WINDOW (window))
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self->app));
      for (GList *l = windows; l != NULL && !HEYAI_IS_WINDOW (window); l = l->next)
        window = l->data;
    }
  if (HEYAI_IS_WINDOW (window))
    heyai_window_add_toast (HEYAI_WINDOW (window), g_steal_pointer (&owned));
}

typedef struct
{
  HeyaiDelivery *self;
  HeyaiProject  *project;
} FinalCall;

static void
final_local_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FinalCall *call = user_data;
  g_autoptr(HeyaiDelivery) self = call->self;
  g_autoptr(HeyaiProject) project = call->project;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *t;

  g_free (call);
  path = heyai_final_ensure_local_finish (result, &error);
  if (self->app == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (path == NULL)
    {
      text = g_strdup_printf (_("The editor delivered the final trailer of “%s”, but it could not be downloaded: %s"),
                              heyai_project_get_title (project), error->message);
      t = adw_toast_new (text);
      adw_toast_set_timeout (t, 10);
      toast (self, t);
      return;
    }

  /* Export pages showing this project get the "Final Trailer" row. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->app)); l != NULL; l = l->next)
    if (HEYAI_IS_WINDOW (l->data))
      {
        HeyaiProjectView *view = heyai_window_get_project_view (l->data);
        HeyaiProject *shown = view ? heyai_project_view_get_project (view) : NULL;

        if (shown != NULL && g_strcmp0 (heyai_project_get_id (shown), heyai_project_get_id (project)) == 0)
          heyai_export_page_reload (heyai_project_view_get_export_page (view));
      }

  t = adw_toast_new (_("The editor delivered the final trailer"));
  adw_toast_set_button_label (t, _("_Play"));
  adw_toast_set_detailed_action_name (t, "app.play-final");
  adw_toast_set_action_target_value (t, g_variant_new_string (path));
  adw_toast_set_timeout (t, 0);
  adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
  toast (self, t);
  g_signal_emit (self, signals[FINAL_ARRIVED], 0, project, path);
}

static void
final_arrived_cb (HeyaiFinalWatch *watch,
                  HeyaiAsset      *asset,
                  HeyaiDelivery   *self)
{
  g_autoptr(HeyaiStorage) storage = NULL;
  g_autofree char *local_root = NULL;
  FinalCall *call;

  if (self->app == NULL || get_store (self) == NULL)
    return;
  storage = create_storage (self, NULL);
  if (storage == NULL)
    return;
  local_root = get_local_root (self);

  call = g_new0 (FinalCall, 1);
  call->self = g_object_ref (self);
  call->project = g_object_ref (heyai_final_watch_get_project (watch));
  heyai_final_ensure_local_async (get_store (self), call->project, storage, local_root, asset,
                                  self->cancellable, final_local_cb, call);
}

static void
stop_watch (gpointer data)
{
  HeyaiFinalWatch *watch = data;

  g_signal_handlers_disconnect_matched (watch, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, final_arrived_cb, NULL);
  heyai_final_watch_stop (watch);
  g_object_unref (watch);
}

static void
owner_gone_cb (gpointer  data,
               GObject  *where_the_object_was)
{
  HeyaiDelivery *self = data;

  g_hash_table_remove (self->watches, where_the_object_was);
}

void
heyai_delivery_watch (HeyaiDelivery *self,
                      gpointer       owner,
                      HeyaiProject  *project)
{
  g_autoptr(HeyaiStorage) storage = NULL;
  g_autoptr(HeyaiFinalWatch) watch = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *local_root = NULL;
  gboolean had;

  g_return_if_fail (HEYAI_IS_DELIVERY (self));
  g_return_if_fail (G_IS_OBJECT (owner));

  had = g_hash_table_remove (self->watches, owner);
  if (project == NULL || get_store (self) == NULL)
    {
      if (had)
        g_object_weak_unref (owner, owner_gone_cb, self);
      return;
    }

  storage = create_storage (self, &error);
  if (storage == NULL)
    {
      g_debug ("No final watch: %s", error->message);
      if (had)
        g_object_weak_unref (owner, owner_gone_cb, self);
      return;
    }
  local_root = get_local_root (self);
  watch = heyai_final_watch_new (get_store (self), project, storage, local_root);
  g_signal_connect_object (watch, "final-arrived", G_CALLBACK (final_arrived_cb), self, 0);
  if (!heyai_final_watch_start (watch, &error))
    {
      g_debug ("No final watch for %s: %s", heyai_project_get_title (project), error->message);
      if (had)
        g_object_weak_unref (owner, owner_gone_cb, self);
      return;
    }
  if (!had)
    g_object_weak_ref (owner, owner_gone_cb, self);
  g_hash_table_insert (self->watches, owner, g_steal_pointer (&watch));
}

gboolean
heyai_delivery_is_watching (HeyaiDelivery *self,
                            HeyaiProject  *project)
{
  GHashTableIter iter;
  HeyaiFinalWatch *watch;

  g_return_val_if_fail (HEYAI_IS_DELIVERY (self), FALSE);

  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &watch))
    if (g_strcmp0 (heyai_project_get_id (heyai_final_watch_get_project (watch)),
                   heyai_project_get_id (project)) == 0 && heyai_final_watch_is_running (watch))
      return TRUE;
  return FALSE;
}

static void
final_play_clicked_cb (GtkButton *button,
                       gpointer   user_data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  heyai_delivery_play (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                       g_object_get_data (G_OBJECT (button), "path"));
}

void
heyai_delivery_update_final_row (GtkWidget    *page,
                                 GtkWidget    *sibling,
                                 HeyaiProject *project)
{
  HeyaiDelivery *self = heyai_delivery_get_default ();
  GtkWidget *group = g_object_get_data (G_OBJECT (page), FINAL_ROW_KEY);
  g_autoptr(HeyaiAsset) final = NULL;
  GtkWidget *row, *button;
  const char *path;
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (GTK_IS_BOX (gtk_widget_get_parent (sibling)));

  if (group != NULL)
    {
      gtk_box_remove (GTK_BOX (gtk_widget_get_parent (group)), group);
      g_object_set_data (G_OBJECT (page), FINAL_ROW_KEY, NULL);
    }
  if (self == NULL || project == NULL || get_store (self) == NULL)
    return;

  final = heyai_final_find_latest (get_store (self), project, NULL);
  if (final == NULL)
    return;
  path = heyai_asset_get_local_path (final);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Final Trailer"));
  row = adw_action_row_new ();
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("emblem-ok-symbolic"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The editor delivered the final trailer"));
  name = path ? g_path_get_basename (path) : g_strdup (heyai_asset_get_view_link (final));
  /* Translators: "trailer-v2.mp4 · delivery 2" */
  subtitle = g_strdup_printf (_("%s · delivery %d"), name ? name : "", heyai_asset_get_take (final));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (path != NULL)
    {
      button = gtk_button_new_with_mnemonic (_("_Play"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data_full (G_OBJECT (button), "path", g_strdup (path), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (final_play_clicked_cb), NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (sibling)), group, sibling);
  g_object_set_data (G_OBJECT (page), FINAL_ROW_KEY, group);
}

/* Publishing ----------------------------------------------------------------- */

typedef struct
{
  HeyaiDelivery  *self;
  GtkWidget      *page;     /* weak */
  GtkWidget      *publish;  /* the publish box; weak via page */
  GtkProgressBar *progress;
  HeyaiProject   *project;
} PublishCall;

static void
publish_call_free (PublishCall *call)
{
  g_clear_weak_pointer (&call->page);
  g_clear_object (&call->project);
  g_clear_object (&call->self);
  g_free (call);
}

static void
publish_progress_cb (double      fraction,
                     const char *step,
                     gpointer    user_data)
{
  PublishCall *call = user_data;

  if (call->page == NULL || g_object_get_data (G_OBJECT (call->page), PUBLISH_BOX_KEY) != call->publish)
    return;
  gtk_progress_bar_set_fraction (call->progress, CLAMP (fraction, 0.0, 1.0));
}

static void
open_folder_clicked_cb (GtkButton *button,
                        gpointer   user_data)
{
  const char *link = g_object_get_data (G_OBJECT (button), "link");
  const char *folder = g_object_get_data (G_OBJECT (button), "folder");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  if (g_str_has_prefix (link, "file:") && folder != NULL)
    heyai_ui_open_path (GTK_WIDGET (button), folder);
  else
    gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, link, GDK_CURRENT_TIME);
}

static GtkWidget *
pill_button (const char *label,
             GCallback   callback,
             const char *link,
             const char *folder)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "link", g_strdup (link), g_free);
  g_object_set_data_full (G_OBJECT (button), "folder", g_strdup (folder), g_free);
  g_signal_connect (button, "clicked", callback, NULL);
  return button;
}

static void
publish_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PublishCall *call = user_data;
  g_autoptr(HeyaiExportPublishResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *publish;
  GtkWidget *child;

  res = heyai_export_publish_finish (result, &error);
  if (res == NULL)
    g_signal_emit (call->self, signals[PUBLISH_FAILED], 0, call->project, error->message);
  else
    g_signal_emit (call->self, signals[PUBLISHED], 0, call->project, res->link);

  if (call->page == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (publish = g_object_get_data (G_OBJECT (call->page), PUBLISH_BOX_KEY)) != call->publish)
    {
      publish_call_free (call);
      return;
    }

  while ((child = gtk_widget_get_first_child (publish)) != NULL)
    gtk_box_remove (GTK_BOX (publish), child);

  if (res == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The package could not be published for the editor: %s"),
                                               error->message);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "error");
      gtk_box_append (GTK_BOX (publish), label);
    }
  else
    {
      gboolean local = g_str_has_prefix (res->link, "file:");
      GtkWidget *heading = gtk_label_new (local ? _("Published in the project folder")
                                                : _("Published on Google Drive"));
      /* A readable path, not a file:// URI with %20 in it. */
      g_autofree char *path = local ? g_filename_from_uri (res->link, NULL, NULL) : NULL;
      g_autofree char *shown = path != NULL ? g_filename_display_name (path) : g_strdup (res->link);
      GtkWidget *link = gtk_label_new (shown);
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

      gtk_widget_add_css_class (heading, "heading");
      gtk_widget_set_name (link, "publish-link");
      gtk_label_set_selectable (GTK_LABEL (link), TRUE);
      gtk_label_set_wrap (GTK_LABEL (link), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (link), PANGO_WRAP_CHAR);
      gtk_label_set_justify (GTK_LABEL (link), GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (link, "dim-label");
      gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
      /* The page's own "Copy Link for the Editor" copies the project's
       * share-link, which is this link now; the package folder is not the
       * project folder, so that one gets its own button. */
      /* Local storage: the page's own "Open Folder" is the one button (the
       * path is shown above); Drive: open the folder on the web. */
      if (!local)
        gtk_box_append (GTK_BOX (buttons), pill_button (_("Open _Project Folder"),
                                                        G_CALLBACK (open_folder_clicked_cb), res->link, res->folder));
      gtk_box_append (GTK_BOX (publish), heading);
      gtk_box_append (GTK_BOX (publish), link);
      gtk_box_append (GTK_BOX (publish), buttons);
      heyai_ui_toast (call->page, _("Published for the editor"));
    }
  publish_call_free (call);
}

void
heyai_delivery_publish (GtkWidget    *page,
                        GtkBox       *box,
                        HeyaiProject *project,
                        const char   *package_dir,
                        GCancellable *cancellable)
{
  HeyaiDelivery *self = heyai_delivery_get_default ();
  g_autoptr(HeyaiStorage) storage = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *local_root = NULL;
  GtkWidget *publish, *label, *progress;
  PublishCall *call;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (GTK_IS_BOX (box));

  if (self == NULL || project == NULL || package_dir == NULL || get_store (self) == NULL)
    return;

  publish = g_object_get_data (G_OBJECT (page), PUBLISH_BOX_KEY);
  if (publish != NULL)
    gtk_box_remove (GTK_BOX (gtk_widget_get_parent (publish)), publish);
  publish = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_name (publish, "publish-box");
  gtk_widget_set_margin_bottom (publish, 6);
  /* Under the page's "Exported ..." line, above its buttons. */
  gtk_box_insert_child_after (box, publish, gtk_widget_get_first_child (GTK_WIDGET (box)));
  g_object_set_data (G_OBJECT (page), PUBLISH_BOX_KEY, publish);

  storage = create_storage (self, &error);
  if (storage == NULL)
    {
      label = gtk_label_new (error->message);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (publish), label);
      return;
    }

  label = gtk_label_new (_("Publishing for the editor…"));
  gtk_widget_add_css_class (label, "dim-label");
  progress = gtk_progress_bar_new ();
  gtk_box_append (GTK_BOX (publish), label);
  gtk_box_append (GTK_BOX (publish), progress);

  call = g_new0 (PublishCall, 1);
  call->self = g_object_ref (self);
  g_set_weak_pointer (&call->page, page);
  call->publish = publish;
  call->progress = GTK_PROGRESS_BAR (progress);
  call->project = g_object_ref (project);
  local_root = get_local_root (self);
  heyai_export_publish_async (get_store (self), project, storage, local_root, package_dir,
                              publish_progress_cb, call, NULL, cancellable, publish_done_cb, call);
}

/* GObject -------------------------------------------------------------------- */

static void
clear_watches (HeyaiDelivery *self)
{
  GHashTableIter iter;
  gpointer owner;

  if (self->watches == NULL)
    return;
  g_hash_table_iter_init (&iter, self->watches);
  while (g_hash_table_iter_next (&iter, &owner, NULL))
    g_object_weak_unref (owner, owner_gone_cb, self);
  g_hash_table_remove_all (self->watches);
}

static void
app_shutdown_cb (HeyaiDelivery *self)
{
  g_cancellable_cancel (self->cancellable);
  clear_watches (self);
}

HeyaiDelivery *
heyai_delivery_get_default (void)
{
  GApplication *app = g_application_get_default ();
  HeyaiDelivery *self;
  GSimpleAction *play;

  if (!HEYAI_IS_APPLICATION (app))
    return NULL;
  self = g_object_get_data (G_OBJECT (app), DELIVERY_KEY);
  if (self != NULL)
    return self;

  self = g_object_new (HEYAI_TYPE_DELIVERY, NULL);
  self->app = HEYAI_APPLICATION (app);
  g_object_set_data_full (G_OBJECT (app), DELIVERY_KEY, self, g_object_unref);

  play = g_simple_action_new ("play-final", G_VARIANT_TYPE_STRING);
  g_signal_connect_object (play, "activate", G_CALLBACK (play_final_action_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (play));
  g_object_unref (play);
  g_signal_connect_object (app, "shutdown", G_CALLBACK (app_shutdown_cb), self, G_CONNECT_SWAPPED);
  return self;
}

static void
heyai_delivery_dispose (GObject *object)
{
  HeyaiDelivery *self = HEYAI_DELIVERY (object);

  g_cancellable_cancel (self->cancellable);
  clear_watches (self);
  self->app = NULL;

  G_OBJECT_CLASS (heyai_delivery_parent_class)->dispose (object);
}

static void
heyai_delivery_finalize (GObject *object)
{
  HeyaiDelivery *self = HEYAI_DELIVERY (object);

  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (heyai_delivery_parent_class)->finalize (object);
}

static void
heyai_delivery_class_init (HeyaiDeliveryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_delivery_dispose;
  object_class->finalize = heyai_delivery_finalize;

  signals[PUBLISHED] =
    g_signal_new ("published", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HEYAI_TYPE_PROJECT, G_TYPE_STRING);
  signals[PUBLISH_FAILED] =
    g_signal_new ("publish-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HEYAI_TYPE_PROJECT, G_TYPE_STRING);
  signals[FINAL_ARRIVED] =
    g_signal_new ("final-arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, HEYAI_TYPE_PROJECT, G_TYPE_STRING);
}

static void
heyai_delivery_init (HeyaiDelivery *self)
{
  self->cancellable = g_cancellable_new ();
  self->watches = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, stop_watch);
}
