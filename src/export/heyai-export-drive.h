/* heyai-export-drive.h: publishing the editor handoff package into the
 * project's storage tree, with one link for the editor.
 *
 * Layout (Drive and the local tree alike):
 *
 *   HeyAI Projects/Project-<n>-<slug>/
 *     timeline.otio .fcpxml .xml .edl, shotlist.csv, script-with-timing.md/.pdf,
 *     storyboard.pdf, animatic.mp4, manifest.json, README.txt   <- the documents
 *     clips/   scene-01.mp4 ... (the takes)  + 01-<scene>.mp4 ... (numbered copies)
 *     images/  scene-01.png ... (the takes)  + 01-<scene>.png ...
 *     final/   where the editor puts the finished trailer (heyai-final-watch.h)
 *
 * The documents go directly into the project folder, next to images/ and
 * clips/.  The timelines of the package point at their media with absolute
 * file:// URLs; the published copies are rewritten to point at the local
 * project folder (local storage) or relative to the timeline (Drive, where
 * the download folder is unknown).  The numbered copies the timelines
 * reference (clips/01-<scene>.mp4) are uploaded into the project's clips/ and images/ folders
 * too, so an editor who downloads the project folder opens timeline.otio (or
 * .fcpxml/.edl) without relinking anything.
 *
 * Drive: every file is uploaded resumably; a file of the same name already in
 * the target folder is replaced with files.update (never a duplicate), and
 * skipped when its md5Checksum already matches.  Files from an earlier export
 * whose names are no longer produced (a scene renamed) are left in place.
 * The project folder is then shared "anyone with the link can view", and its
 * webViewLink stored as the project's share-link.
 * Local storage: the files are copied (hard-linked when possible) into the
 * local tree's project folder; the link is that folder's file:// URI (also
 * stored as share-link).
 *
 * Each document is recorded as a project-level asset of kind PACKAGE with
 * params {"role":"handoff-file","name":"<file name>"} (one asset per name,
 * updated on a later publish) carrying local-path, size, sha256 and, on
 * Drive, drive-file-id and view-link.  The project is saved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-export.h"

G_BEGIN_DECLS

typedef struct
{
  char  *link;          /* the one link for the editor (also the project's share-link) */
  char  *folder;        /* local project folder (local) or its Drive folder id (gdrive) */
  guint  n_uploaded;    /* files created (Drive) or copied (local) */
  guint  n_updated;     /* files replaced in place (files.update / overwrite) */
  guint  n_unchanged;   /* identical files left alone (same md5 / same inode) */
} HeyaiExportPublishResult;

void heyai_export_publish_result_free (HeyaiExportPublishResult *result);

/* The text of a timeline with its absolute file:// URLs below @package_dir
 * pointing below @dest_dir instead, or made relative when @dest_dir is NULL
 * (Drive).  Both the "file://localhost/" (FCP7) and "file:///" spellings. */
char *heyai_export_rewrite_media_urls (const char *text,
                                       const char *package_dir,
                                       const char *dest_dir);

/* Publishes @package_dir (a HeyaiExportResult's package_path) for @project
 * through @storage (a "gdrive" or "local" storage).  @local_root is the local
 * tree (heyai_local_root (data_dir)); NULL: the local storage's root, or
 * heyai_local_root (NULL).  @progress (may be NULL) reports the bytes sent as
 * a fraction, on the caller's main context.  Main thread: @store and
 * @project are updated when the task completes. */
void                      heyai_export_publish_async  (HeyaiStore          *store,
                                                       HeyaiProject        *project,
                                                       HeyaiStorage        *storage,
                                                       const char          *local_root,
                                                       const char          *package_dir,
                                                       HeyaiExportProgress  progress,
                                                       gpointer             progress_data,
                                                       GDestroyNotify       progress_destroy,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
HeyaiExportPublishResult *heyai_export_publish_finish (GAsyncResult        *result,
                                                       GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiExportPublishResult, heyai_export_publish_result_free)

G_END_DECLS
