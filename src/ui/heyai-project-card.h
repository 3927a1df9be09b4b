/* heyai-project-card.h: one card on the projects grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_PROJECT_CARD (heyai_project_card_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiProjectCard, heyai_project_card, HEYAI, PROJECT_CARD, GtkWidget)

GtkWidget    *heyai_project_card_new         (HeyaiProject *project,
                                              HeyaiStore   *store);
HeyaiProject *heyai_project_card_get_project (HeyaiProjectCard *self);
/* Shows @project (the same project, a fresher object from the store). */
void          heyai_project_card_set_project (HeyaiProjectCard *self,
                                              HeyaiProject     *project);
/* Reloads the scene count and first still in a worker thread. */
void          heyai_project_card_reload      (HeyaiProjectCard *self);
/* TRUE once the scene count and first still have been read (tests). */
gboolean      heyai_project_card_is_loaded   (HeyaiProjectCard *self);

G_END_DECLS
