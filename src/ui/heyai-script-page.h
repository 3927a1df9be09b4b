/* heyai-script-page.h: the Script view of a project.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_SCRIPT_PAGE (heyai_script_page_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiScriptPage, heyai_script_page, HEYAI, SCRIPT_PAGE, GtkWidget)

void          heyai_script_page_set_project (HeyaiScriptPage *self,
                                             HeyaiProject *project);
HeyaiProject *heyai_script_page_get_project (HeyaiScriptPage *self);
/* Saves pending edits now. */
void          heyai_script_page_flush       (HeyaiScriptPage *self);
GtkTextBuffer *heyai_script_page_get_buffer (HeyaiScriptPage *self);

G_END_DECLS
