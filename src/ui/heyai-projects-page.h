/* heyai-projects-page.h: the first screen, a grid of project cards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_PROJECTS_PAGE (heyai_projects_page_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiProjectsPage, heyai_projects_page, HEYAI, PROJECTS_PAGE, GtkWidget)

void        heyai_projects_page_set_store  (HeyaiProjectsPage *self,
                                            HeyaiStore        *store);
void        heyai_projects_page_reload     (HeyaiProjectsPage *self);
/* Commits deletes still waiting for their undo toast. */
void        heyai_projects_page_flush      (HeyaiProjectsPage *self);
/* The projects shown (element type HeyaiProject). */
GListModel *heyai_projects_page_get_model  (HeyaiProjectsPage *self);

G_END_DECLS
