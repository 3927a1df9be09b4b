/* heyai-store-summary.h: what a project card shows, read from any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  guint  n_scenes;
  char  *still_path;   /* the first scene's chosen still, or NULL */
} HeyaiProjectSummary;

void                 heyai_project_summary_free  (HeyaiProjectSummary *summary);

/* Reads @project_id's scene count and first still through a read-only
 * connection of its own to the database at @db_path, so it may run in a
 * worker thread while the window's store keeps the main thread's.  Slow
 * (disk): call it off the main thread. */
HeyaiProjectSummary *heyai_store_read_project_summary (const char  *db_path,
                                                       const char  *project_id,
                                                       GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiProjectSummary, heyai_project_summary_free)

G_END_DECLS
