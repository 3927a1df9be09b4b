/* heyai-final-watch.h: watching Project-<n>-<slug>/final/ for the editor's
 * finished trailer.
 *
 * Local storage: a GFileMonitor on <local tree>/Project-<n>-<slug>/final/
 * (created if missing).  Dot files and temporary names (*.part, *.tmp,
 * *.crdownload, *~) are ignored, and a file counts only once its size is the
 * same (and not zero) in two looks @settle_ms apart (default 1000 ms), so a
 * copy in progress is not taken for the trailer.
 * Drive: files.list on the final/ folder (id from the project's
 * drive-folders; ensure_project when missing) right at start and then every
 * poll interval (default 60 s); after an error the interval doubles per
 * consecutive failure, up to 15 minutes, and returns to normal after a
 * success.  Async, never blocking.  Drive shows an uploaded file only once
 * the upload is complete, so no settling is needed there.
 *
 * A video file (mime type video/..., or extension mp4, mov, m4v, mxf, webm, mkv,
 * avi) not seen before is recorded as a project-level asset:
 *   kind HEYAI_ASSET_KIND_CLIP, scene-id NULL, params {"role":"final","name":"<file name>"},
 *   take 1, 2, ... (one per delivered file), provider "local"/"gdrive",
 *   local-path (local; on Drive once heyai_final_ensure_local_async ran),
 *   size, drive-file-id and view-link (Drive).
 * The project's status becomes HEYAI_PROJECT_STATUS_COMPLETED and is saved,
 * then "final-arrived" (HeyaiAsset *) is emitted on the main context.
 * A file already recorded (same drive-file-id, or same local path) is not
 * recorded again, so restarting the watch or another machine's check never
 * duplicates it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "heyai-core.h"
#include "heyai-providers.h"

G_BEGIN_DECLS

#define HEYAI_FINAL_ROLE "final"

#define HEYAI_TYPE_FINAL_WATCH (heyai_final_watch_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiFinalWatch, heyai_final_watch, HEYAI, FINAL_WATCH, GObject)

/* @storage "local" or "gdrive"; @local_root the local tree (NULL: the local
 * storage's root, or heyai_local_root (NULL)). */
HeyaiFinalWatch *heyai_final_watch_new               (HeyaiStore      *store,
                                                      HeyaiProject    *project,
                                                      HeyaiStorage    *storage,
                                                      const char      *local_root);
HeyaiProject    *heyai_final_watch_get_project       (HeyaiFinalWatch *self);
/* Drive poll interval in seconds (>= 1; default 60). */
void             heyai_final_watch_set_poll_interval (HeyaiFinalWatch *self,
                                                      guint            seconds);
/* Local: how long a file's size must stay put (ms; default 1000). */
void             heyai_final_watch_set_settle_ms     (HeyaiFinalWatch *self,
                                                      guint            settle_ms);
/* Starts watching (local: the monitor, plus a first look; Drive: a first
 * poll now).  FALSE if the local final/ folder cannot be created/monitored. */
gboolean         heyai_final_watch_start             (HeyaiFinalWatch *self,
                                                      GError         **error);
void             heyai_final_watch_stop              (HeyaiFinalWatch *self);
gboolean         heyai_final_watch_is_running        (HeyaiFinalWatch *self);

/* One look now (also while not running): completes with the newly recorded
 * assets (element-type HeyaiAsset, possibly empty); "final-arrived" is
 * emitted for each before the callback. */
void             heyai_final_watch_check_async       (HeyaiFinalWatch     *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray       *heyai_final_watch_check_finish      (HeyaiFinalWatch     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* One-shot check without keeping a watch (the CLI). */
void             heyai_final_check_async             (HeyaiStore          *store,
                                                      HeyaiProject        *project,
                                                      HeyaiStorage        *storage,
                                                      const char          *local_root,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray       *heyai_final_check_finish            (GAsyncResult        *result,
                                                      GError             **error);

/* The newest delivered final of @project (highest take), or NULL. */
HeyaiAsset      *heyai_final_find_latest             (HeyaiStore          *store,
                                                      HeyaiProject        *project,
                                                      GError             **error);
/* TRUE for a final asset (CLIP, no scene, params role "final"). */
gboolean         heyai_final_asset_is_final          (HeyaiAsset          *asset);

/* Makes sure the final @asset has a local copy to preview: returns its
 * local-path when the file is there with the recorded size, otherwise (Drive)
 * downloads it into <local tree>/Project-<n>-<slug>/final/<name>, sets
 * local-path and sha256 and saves the asset.  Returns the path. */
void             heyai_final_ensure_local_async      (HeyaiStore          *store,
                                                      HeyaiProject        *project,
                                                      HeyaiStorage        *storage,
                                                      const char          *local_root,
                                                      HeyaiAsset          *asset,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
char            *heyai_final_ensure_local_finish     (GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
