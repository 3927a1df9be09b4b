/* heyai-sync-controller.h: runs library syncs for the window (not a widget;
 * owned by the application).
 *
 * A sync runs when the producer asks (app.sync, Ctrl+Shift+S, "Sync Now" in the
 * primary menus), after a batch ends, and at start when the network is up —
 * the automatic ones only when syncing is set up (storage "gdrive" with Drive
 * connected, or $HEYAI_SYNC_FOLDER), else they are skipped silently.  A sync
 * never blocks editing.  Offline: a quiet toast ("Offline: will sync later")
 * and a new try when the network comes back.  New conflicts: a toast with a
 * "Review" button (app.sync-conflicts opens HeyaiConflictsDialog).
 *
 * Also fetches the files of assets made on another computer
 * (heyai_sync_ensure_local_asset_async) when a page needs them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-application.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_SYNC_CONTROLLER (heyai_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiSyncController, heyai_sync_controller, HEYAI, SYNC_CONTROLLER, GObject)

/* Signals:
 *   "sync-finished" (const char *summary (NULL on error), guint n_conflicts,
 *                    const char *error_message (NULL on success, translated))
 */

/* Creates the application's controller (once, from startup): adds the
 * app.sync and app.sync-conflicts actions and the accelerator, follows
 * "run-finished" and the network, and schedules the start-up sync. */
HeyaiSyncController *heyai_sync_controller_install        (HeyaiApplication    *app);
/* The controller of the default application, or NULL. */
HeyaiSyncController *heyai_sync_controller_get_default    (void);
/* TRUE when automatic syncs run: storage "gdrive" with Drive connected, or
 * $HEYAI_SYNC_FOLDER set. */
gboolean             heyai_sync_controller_is_configured  (HeyaiSyncController *self);
/* Starts a sync unless one runs (then one more follows it).  @interactive: the
 * producer asked (always runs, reports the outcome in a toast); otherwise
 * skipped when not configured, and quiet on success. */
void                 heyai_sync_controller_sync           (HeyaiSyncController *self,
                                                           gboolean             interactive);
gboolean             heyai_sync_controller_is_running     (HeyaiSyncController *self);
/* Downloads @asset's file in the background when its local copy is missing
 * and it has a Drive file id (once per asset at a time); the store's
 * "asset-changed" tells the pages when it is there. */
void                 heyai_sync_controller_ensure_local_asset (HeyaiSyncController *self,
                                                               HeyaiAsset          *asset);
/* Opens the conflicts dialog (every project) over @parent. */
GtkWindow           *heyai_sync_controller_show_conflicts (HeyaiSyncController *self,
                                                           GtkWindow           *parent);

G_END_DECLS
