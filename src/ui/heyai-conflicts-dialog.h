/* heyai-conflicts-dialog.h: the edits that clashed between two computers.
 *
 * Each conflict shows the scene or project, the field, both values, both
 * computers and when it was found, with "Use the Other Value"
 * (HEYAI_SYNC_USE_OTHER_VALUE) and "Keep" (HEYAI_SYNC_KEEP_WINNER).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_CONFLICTS_DIALOG (heyai_conflicts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiConflictsDialog, heyai_conflicts_dialog, HEYAI, CONFLICTS_DIALOG, AdwWindow)

/* @project_id NULL: every project. */
GtkWidget *heyai_conflicts_dialog_new             (HeyaiStore           *store,
                                                   const char           *project_id);
/* Lists the unresolved conflicts again. */
void       heyai_conflicts_dialog_reload          (HeyaiConflictsDialog *self);
guint      heyai_conflicts_dialog_get_n_conflicts (HeyaiConflictsDialog *self);

G_END_DECLS
