/* heyai-new-project-dialog.h: title, aspect ratio, style bible and script.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-window.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_NEW_PROJECT_DIALOG (heyai_new_project_dialog_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiNewProjectDialog, heyai_new_project_dialog, HEYAI, NEW_PROJECT_DIALOG, AdwWindow)

HeyaiNewProjectDialog *heyai_new_project_dialog_new        (HeyaiWindow *window);
/* Loads @file as the script (the import says what it converted, or why it
 * is not a script, under the script; an empty file says so). */
void                   heyai_new_project_dialog_load_file  (HeyaiNewProjectDialog *self,
                                                            GFile                 *file);
void                   heyai_new_project_dialog_set_script (HeyaiNewProjectDialog *self,
                                                            const char            *script);
/* Ctrl+O and a file dropped on the window: the dialog with @file loaded, so
 * aspect ratio and style are chosen before the project is made (heyai-window.c). */
HeyaiNewProjectDialog *heyai_window_new_project_dialog_for_file (HeyaiWindow *self,
                                                                 GFile       *file);
/* Creates the project as if "Create" was clicked; returns it (transfer full) or NULL. */
HeyaiProject          *heyai_new_project_dialog_create     (HeyaiNewProjectDialog *self,
                                                            GError               **error);

G_END_DECLS
