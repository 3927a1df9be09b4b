/* heyai-sync-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-conflicts-dialog.h"
#include "heyai-sync.h"
#include "heyai-sync-controller.h"
#include "heyai-sync-drive.h"
#include "heyai-workspace.h"
#include "heyai-window.h"

#define CONTROLLER_KEY "heyai-sync-controller"
#define START_DELAY_MS 3000
#define MAX_FETCHES    3

struct _HeyaiSyncController
{
  GObject           parent_instance;

  HeyaiApplication *app;          /* unowned: the application owns us */
  GCancellable     *cancellable;
  GSimpleAction    *sync_action;
  GHashTable       *fetching;     /* asset id -> TRUE (queued or downloading) */
  GQueue            fetch_queue;  /* HeyaiAsset, waiting */
  guint             n_fetching;   /* downloads in flight */
  HeyaiSyncRemote  *asset_remote; /* for lazy downloads */
  guint             start_id;
  gboolean          running;
  gboolean          pending;      /* another sync after this one */
  gboolean          pending_interactive;
  gboolean          waiting_network;
};

enum { SYNC_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HeyaiSyncController, heyai_sync_controller, G_TYPE_OBJECT)

static HeyaiStore *
get_store (HeyaiSyncController *self)
{
  return self->app ? heyai_application_get_store (self->app) : NULL;
}

static char *
get_storage_name (HeyaiSyncController *self)
{
  g_autofree char *setting = g_settings_get_string (heyai_application_get_settings (self->app),
                                                    "storage-provider");

  return g_strdup (heyai_provider_resolve_name (HEYAI_ROLE_STORAGE, NULL, setting));
}

/* The sync remote; on Google Drive, in the shared drive the storage uses. */
static HeyaiSyncRemote *
remote_for_storage (HeyaiSyncController  *self,
                    const char           *storage,
                    HeyaiStore           *store,
                    GError              **error)
{
  HeyaiSyncRemote *remote = heyai_sync_remote_for_storage (storage, heyai_application_get_data_dir (self->app),
                                                           store, error);

  HeyaiWorkspace *workspace = heyai_application_get_workspace (self->app);

  if (remote != NULL && HEYAI_IS_SYNC_DRIVE (remote) && workspace != NULL)
    heyai_workspace_configure_drive (workspace, heyai_sync_drive_get_drive (HEYAI_SYNC_DRIVE (remote)));
  return remote;
}

static void
toast (HeyaiSyncController *self,
       AdwToast            *toast)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self->app));
  g_autoptr(AdwToast) owned = toast;

  if (!HEYAI_IS_WINDOW (window))
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self->app));
      for (GList *l = windows; l != NULL && !HEYAI_IS_WINDOW (window); l = l->next)
        window = l->data;
    }
  if (HEYAI_IS_WINDOW (window))
    heyai_window_add_toast (HEYAI_WINDOW (window), g_steal_pointer (&owned));
}

static void
toast_text (HeyaiSyncController *self,
            const char          *message,
            guint                timeout)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, timeout);
  toast (self, t);
}

static void
toast_error (HeyaiSyncController *self,
             const char          *message)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self->app));

  if (!HEYAI_IS_WINDOW (window))
    for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->app)); l != NULL; l = l->next)
      if (HEYAI_IS_WINDOW (l->data))
        {
          window = l->data;
          break;
        }
  if (HEYAI_IS_WINDOW (window))
    heyai_window_error (HEYAI_WINDOW (window), message);
  else
    g_warning ("Sync: %s", message);
}

/* Only Drive needs the network: a sync folder ($HEYAI_SYNC_FOLDER, a mounted
 * share, the local tree) is tried anyway and fails as "offline" by itself. */
static gboolean
network_missing (HeyaiSyncController *self)
{
  g_autofree char *storage = get_storage_name (self);

  return g_strcmp0 (storage, "gdrive") == 0 &&
         !g_network_monitor_get_network_available (g_network_monitor_get_default ());
}

gboolean
heyai_sync_controller_is_configured (HeyaiSyncController *self)
{
  const char *folder = g_getenv ("HEYAI_SYNC_FOLDER");
  g_autofree char *storage = NULL;
  g_autofree char *account = NULL;

  g_return_val_if_fail (HEYAI_IS_SYNC_CONTROLLER (self), FALSE);

  if (folder != NULL && *folder != '\0')
    return TRUE;
  storage = get_storage_name (self);
  account = g_settings_get_string (heyai_application_get_settings (self->app), "drive-account");
  return g_strcmp0 (storage, "gdrive") == 0 && account != NULL && *account != '\0';
}

gboolean
heyai_sync_controller_is_running (HeyaiSyncController *self)
{
  g_return_val_if_fail (HEYAI_IS_SYNC_CONTROLLER (self), FALSE);
  return self->running;
}

/* Syncing ------------------------------------------------------------------ */

typedef struct
{
  HeyaiSyncController *self;
  gboolean             interactive;
} SyncCall;

static void
network_changed_cb (HeyaiSyncController *self,
                    gboolean             available,
                    GNetworkMonitor     *monitor)
{
  if (!available || !self->waiting_network)
    return;
  self->waiting_network = FALSE;
  heyai_sync_controller_sync (self, FALSE);
}

static void
wait_for_network (HeyaiSyncController *self,
                  gboolean             interactive)
{
  self->waiting_network = TRUE;
  if (interactive)
    toast_text (self, _("Offline: will sync later"), 3);
}

static void
update_action (HeyaiSyncController *self)
{
  if (self->sync_action != NULL)
    g_simple_action_set_enabled (self->sync_action, !self->running);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncCall *call = user_data;
  g_autoptr(HeyaiSyncController) self = call->self;
  gboolean interactive = call->interactive;
  g_autoptr(HeyaiSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  g_free (call);
  report = heyai_sync_run_finish (result, &error);
  self->running = FALSE;
  update_action (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->app == NULL)
    return;

  if (report == NULL)
    {
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE))
        wait_for_network (self, TRUE);
      else if (interactive)
        toast_error (self, error->message);
      else
        g_message ("Sync: %s", error->message);
      g_signal_emit (self, signals[SYNC_FINISHED], 0, NULL, 0u, error->message);
    }
  else
    {
      summary = heyai_sync_report_describe (report);
      /* An open conflicts dialog lists what this sync found (or resolved). */
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->app)); l != NULL; l = l->next)
        if (HEYAI_IS_CONFLICTS_DIALOG (l->data))
          heyai_conflicts_dialog_reload (l->data);
      if (report->conflicts > 0)
        {
          g_autofree char *text = NULL;
          AdwToast *t;

          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u edit clashed with another computer’s",
                                               "%u edits clashed with another computer’s",
                                               report->conflicts),
                                  report->conflicts);
          t = adw_toast_new (text);
          adw_toast_set_button_label (t, _("_Review"));
          adw_toast_set_action_name (t, "app.sync-conflicts");
          adw_toast_set_timeout (t, 10);
          adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
          toast (self, t);
        }
      else if (interactive)
        toast_text (self, summary, 4);
      g_signal_emit (self, signals[SYNC_FINISHED], 0, summary, report->conflicts, NULL);
    }

  if (self->pending)
    {
      gboolean again_interactive = self->pending_interactive;

      self->pending = FALSE;
      self->pending_interactive = FALSE;
      heyai_sync_controller_sync (self, again_interactive);
    }
}

void
heyai_sync_controller_sync (HeyaiSyncController *self,
                            gboolean             interactive)
{
  g_autoptr(HeyaiSyncRemote) remote = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *storage = NULL;
  HeyaiStore *store;
  SyncCall *call;

  g_return_if_fail (HEYAI_IS_SYNC_CONTROLLER (self));

  store = get_store (self);
  if (store == NULL)
    return;
  if (!heyai_sync_controller_is_configured (self))
    {
      /* Without Drive (or a shared sync folder) there is nothing to sync
       * with: say so, instead of "uploading" the library to a folder on
       * this same computer. */
      if (interactive)
        {
          AdwToast *t = adw_toast_new (_("Nothing to sync with: your projects are only on this computer. "
                                         "Connect Google Drive in Preferences to sync them."));
          adw_toast_set_button_label (t, _("_Preferences"));
          adw_toast_set_action_name (t, "app.preferences");
          adw_toast_set_timeout (t, 10);
          adw_toast_set_priority (t, ADW_TOAST_PRIORITY_HIGH);
          toast (self, t);
        }
      g_signal_emit (self, signals[SYNC_FINISHED], 0, NULL, 0u,
                     _("Sync is not set up: connect Google Drive in Preferences."));
      return;
    }

  if (self->running || heyai_sync_is_running (store))
    {
      self->pending = TRUE;
      self->pending_interactive |= interactive;
      return;
    }

  if (network_missing (self))
    {
      wait_for_network (self, TRUE);
      return;
    }

  storage = get_storage_name (self);
  remote = remote_for_storage (self, storage, store, &error);
  if (remote == NULL)
    {
      if (interactive)
        toast_error (self, error->message);
      g_signal_emit (self, signals[SYNC_FINISHED], 0, NULL, 0u, error->message);
      return;
    }

  self->running = TRUE;
  update_action (self);
  if (interactive)
    toast_text (self, _("Syncing your projects…"), 2);

  call = g_new0 (SyncCall, 1);
  call->self = g_object_ref (self);
  call->interactive = interactive;
  heyai_sync_run_async (store, remote, self->cancellable, NULL, NULL, NULL, sync_done_cb, call);
}

/* Lazy assets -------------------------------------------------------------- */

typedef struct
{
  HeyaiSyncController *self;
  char                *asset_id;
} FetchCall;

static void start_fetches (HeyaiSyncController *self);

static void
fetch_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FetchCall *call = user_data;
  g_autoptr(HeyaiSyncController) self = call->self;
  g_autofree char *asset_id = call->asset_id;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  g_free (call);
  path = heyai_sync_ensure_local_asset_finish (result, &error);
  self->n_fetching--;
  if (self->fetching != NULL)
    g_hash_table_remove (self->fetching, asset_id);
  if (path == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Asset %s: %s", asset_id, error->message);
  if (!g_cancellable_is_cancelled (self->cancellable))
    start_fetches (self);
}

static void
start_fetches (HeyaiSyncController *self)
{
  HeyaiStore *store = get_store (self);

  while (store != NULL && self->asset_remote != NULL && self->n_fetching < MAX_FETCHES &&
         !g_queue_is_empty (&self->fetch_queue))
    {
      g_autoptr(HeyaiAsset) asset = g_queue_pop_head (&self->fetch_queue);
      FetchCall *call = g_new0 (FetchCall, 1);

      call->self = g_object_ref (self);
      call->asset_id = g_strdup (heyai_asset_get_id (asset));
      self->n_fetching++;
      heyai_sync_ensure_local_asset_async (store, self->asset_remote, asset, self->cancellable,
                                           fetch_done_cb, call);
    }
}

void
heyai_sync_controller_ensure_local_asset (HeyaiSyncController *self,
                                          HeyaiAsset          *asset)
{
  HeyaiStore *store;
  const char *path;

  g_return_if_fail (HEYAI_IS_SYNC_CONTROLLER (self));
  g_return_if_fail (HEYAI_IS_ASSET (asset));

  store = get_store (self);
  path = heyai_asset_get_local_path (asset);
  if (store == NULL || heyai_asset_get_drive_file_id (asset) == NULL ||
      heyai_asset_get_deleted (asset) || g_hash_table_contains (self->fetching, heyai_asset_get_id (asset)))
    return;
  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  if (self->asset_remote == NULL)
    {
      g_autofree char *storage = get_storage_name (self);
      g_autoptr(GError) error = NULL;

      self->asset_remote = remote_for_storage (self, storage, store, &error);
      if (self->asset_remote == NULL)
        {
          g_debug ("Assets cannot be fetched: %s", error->message);
          return;
        }
    }

  g_hash_table_add (self->fetching, g_strdup (heyai_asset_get_id (asset)));
  g_queue_push_tail (&self->fetch_queue, g_object_ref (asset));
  start_fetches (self);
}

/* Conflicts ----------------------------------------------------------------- */

GtkWindow *
heyai_sync_controller_show_conflicts (HeyaiSyncController *self,
                                      GtkWindow           *parent)
{
  GtkWindow *dialog;

  g_return_val_if_fail (HEYAI_IS_SYNC_CONTROLLER (self), NULL);

  if (get_store (self) == NULL)
    return NULL;
  dialog = GTK_WINDOW (heyai_conflicts_dialog_new (get_store (self), NULL));
  gtk_window_set_application (dialog, GTK_APPLICATION (self->app));
  if (parent != NULL)
    {
      gtk_window_set_transient_for (dialog, parent);
      gtk_window_set_modal (dialog, TRUE);
    }
  gtk_window_present (dialog);
  return dialog;
}

/* Application hooks --------------------------------------------------------- */

static void
sync_action_cb (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  heyai_sync_controller_sync (HEYAI_SYNC_CONTROLLER (user_data), TRUE);
}

static void
conflicts_action_cb (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       user_data)
{
  HeyaiSyncController *self = user_data;

  heyai_sync_controller_show_conflicts (self, gtk_application_get_active_window (GTK_APPLICATION (self->app)));
}

static void
run_finished_cb (HeyaiSyncController *self,
                 HeyaiProject        *project,
                 guint                n_done,
                 guint                n_failed,
                 double               cost,
                 const char          *error_message)
{
  if (n_done > 0 || n_failed > 0)
    heyai_sync_controller_sync (self, FALSE);
}

static void
storage_changed_cb (HeyaiSyncController *self)
{
  /* Lazy downloads go to the new storage from now on. */
  g_clear_object (&self->asset_remote);
}

static gboolean
start_sync_cb (gpointer user_data)
{
  HeyaiSyncController *self = user_data;

  self->start_id = 0;
  /* Offline at start: skip silently, try when the network comes up. */
  if (heyai_sync_controller_is_configured (self) && network_missing (self))
    self->waiting_network = TRUE;
  else
    heyai_sync_controller_sync (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
app_shutdown_cb (HeyaiSyncController *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->start_id, g_source_remove);
}

HeyaiSyncController *
heyai_sync_controller_install (HeyaiApplication *app)
{
  static const char *accels[] = { "<Control><Shift>s", NULL };
  HeyaiSyncController *self;
  GSimpleAction *conflicts;

  g_return_val_if_fail (HEYAI_IS_APPLICATION (app), NULL);

  self = g_object_get_data (G_OBJECT (app), CONTROLLER_KEY);
  if (self != NULL)
    return self;

  self = g_object_new (HEYAI_TYPE_SYNC_CONTROLLER, NULL);
  self->app = app;
  g_object_set_data_full (G_OBJECT (app), CONTROLLER_KEY, self, g_object_unref);

  self->sync_action = g_simple_action_new ("sync", NULL);
  g_signal_connect_object (self->sync_action, "activate", G_CALLBACK (sync_action_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (self->sync_action));
  conflicts = g_simple_action_new ("sync-conflicts", NULL);
  g_signal_connect_object (conflicts, "activate", G_CALLBACK (conflicts_action_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (conflicts));
  g_object_unref (conflicts);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.sync", accels);

  g_signal_connect_object (app, "run-finished", G_CALLBACK (run_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "shutdown", G_CALLBACK (app_shutdown_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (heyai_application_get_settings (app), "changed::storage-provider",
                           G_CALLBACK (storage_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);

  self->start_id = g_timeout_add (START_DELAY_MS, start_sync_cb, self);
  return self;
}

HeyaiSyncController *
heyai_sync_controller_get_default (void)
{
  GApplication *app = g_application_get_default ();

  if (!HEYAI_IS_APPLICATION (app))
    return NULL;
  return g_object_get_data (G_OBJECT (app), CONTROLLER_KEY);
}

/* GObject -------------------------------------------------------------------- */

static void
heyai_sync_controller_dispose (GObject *object)
{
  HeyaiSyncController *self = HEYAI_SYNC_CONTROLLER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->start_id, g_source_remove);
  g_clear_object (&self->sync_action);
  g_queue_clear_full (&self->fetch_queue, g_object_unref);
  g_clear_object (&self->asset_remote);
  self->app = NULL;

  G_OBJECT_CLASS (heyai_sync_controller_parent_class)->dispose (object);
}

static void
heyai_sync_controller_finalize (GObject *object)
{
  HeyaiSyncController *self = HEYAI_SYNC_CONTROLLER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->fetching, g_hash_table_unref);

  G_OBJECT_CLASS (heyai_sync_controller_parent_class)->finalize (object);
}

static void
heyai_sync_controller_class_init (HeyaiSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_sync_controller_dispose;
  object_class->finalize = heyai_sync_controller_finalize;

  signals[SYNC_FINISHED] =
    g_signal_new ("sync-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
}

static void
heyai_sync_controller_init (HeyaiSyncController *self)
{
  self->cancellable = g_cancellable_new ();
  self->fetching = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
