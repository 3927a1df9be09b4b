/* heyai-storyboard-page.h: the Storyboard view of a project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_STORYBOARD_PAGE (heyai_storyboard_page_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiStoryboardPage, heyai_storyboard_page, HEYAI, STORYBOARD_PAGE, GtkWidget)

void          heyai_storyboard_page_set_project (HeyaiStoryboardPage *self,
                                             HeyaiProject *project);
HeyaiProject *heyai_storyboard_page_get_project (HeyaiStoryboardPage *self);
/* Saves pending edits now. */
void          heyai_storyboard_page_flush       (HeyaiStoryboardPage *self);
/* The scenes shown (element type HeyaiScene) and their selection. */
GListModel         *heyai_storyboard_page_get_model     (HeyaiStoryboardPage *self);
GtkSelectionModel  *heyai_storyboard_page_get_selection (HeyaiStoryboardPage *self);
/* Re-reads the scenes from the store now (normally debounced on "scenes-changed"). */
void                heyai_storyboard_page_reload        (HeyaiStoryboardPage *self);
/* Actions on the selection, as A / R do. */
void                heyai_storyboard_page_approve_selected (HeyaiStoryboardPage *self,
                                                            HeyaiApproval        approval);

/* Shows (n > 0) or hides the "N stills to review" banner; update_review
 * only changes a banner already shown. */
void        heyai_storyboard_page_show_review     (HeyaiStoryboardPage *self,
                                                   guint                n_to_review);
void        heyai_storyboard_page_update_review   (HeyaiStoryboardPage *self,
                                                   guint                n_to_review);
/* The banner's text while it is shown, else NULL (tests). */
const char *heyai_storyboard_page_get_review_text (HeyaiStoryboardPage *self);

G_END_DECLS
