/* heyai-export-page.h: the Export view of a project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_EXPORT_PAGE (heyai_export_page_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiExportPage, heyai_export_page, HEYAI, EXPORT_PAGE, GtkWidget)

void          heyai_export_page_set_project (HeyaiExportPage *self,
                                             HeyaiProject *project);
HeyaiProject *heyai_export_page_get_project (HeyaiExportPage *self);
/* Saves pending edits now. */
void          heyai_export_page_flush       (HeyaiExportPage *self);
/* Starts the export with the page's choices (Ctrl+E). */
void          heyai_export_page_export    (HeyaiExportPage *self);
void          heyai_export_page_reload    (HeyaiExportPage *self);
/* Sets the format toggles (HeyaiExportFormats bits). */
void          heyai_export_page_set_formats (HeyaiExportPage *self,
                                             guint            formats);
/* The last package written (NULL before the first export). */
const char   *heyai_export_page_get_package_path (HeyaiExportPage *self);
/* "Update From Editor's Timeline…" with @path: reads it in a thread, then
 * shows the changes in a dialog that applies them on "Update Storyboard". */
void          heyai_export_page_update_from_timeline (HeyaiExportPage *self,
                                                      const char      *path);

G_END_DECLS
