/* heyai-delivery.h: the handoff package published for the editor, and the
 * editor's finished trailer coming back (not a widget; owned by the
 * application, created on first use).
 *
 *  - heyai_delivery_publish(): after an export, publishes the package into
 *    the project folder (heyai_export_publish_async: Drive, or the local
 *    tree with a file:// link) and shows the link with "Copy Link for the
 *    Editor" and "Open Folder" in a box of the Export page;
 *  - heyai_delivery_watch(): one HeyaiFinalWatch per open project (per
 *    owner: a project view); on "final-arrived" the file is made local and
 *    a toast "The editor delivered the final trailer" offers "Play"
 *    (app.play-final opens the clip player);
 *  - heyai_delivery_update_final_row(): the already delivered trailer, as a
 *    row on the Export page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-application.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_DELIVERY (heyai_delivery_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiDelivery, heyai_delivery, HEYAI, DELIVERY, GObject)

/* Signals:
 *   "published"     (HeyaiProject *project, const char *link)
 *   "publish-failed"(HeyaiProject *project, const char *error_message)
 *   "final-arrived" (HeyaiProject *project, const char *local_path)
 */

/* The default application's delivery (created on first use), or NULL
 * without a HeyaiApplication. */
HeyaiDelivery *heyai_delivery_get_default      (void);
/* Watches final/ of @project for @owner (stops @owner's previous watch);
 * @project NULL: stops it.  The watch stops when @owner is finalized. */
void           heyai_delivery_watch            (HeyaiDelivery *self,
                                                gpointer       owner,
                                                HeyaiProject  *project);
gboolean       heyai_delivery_is_watching      (HeyaiDelivery *self,
                                                HeyaiProject  *project);
/* Publishes @package_dir for @project; progress and result go into @box
 * (a vertical GtkBox of @page, e.g. the Export page's done box). */
void           heyai_delivery_publish          (GtkWidget     *page,
                                                GtkBox        *box,
                                                HeyaiProject  *project,
                                                const char    *package_dir,
                                                GCancellable  *cancellable);
/* Shows (or hides) a "Final Trailer" row with Play for @project's newest
 * delivered final, right after @sibling (a child of a GtkBox of @page). */
void           heyai_delivery_update_final_row (GtkWidget     *page,
                                                GtkWidget     *sibling,
                                                HeyaiProject  *project);
/* Plays @path in a clip player window over @parent. */
GtkWindow     *heyai_delivery_play             (GtkWindow     *parent,
                                                const char    *path);

G_END_DECLS
