/* heyai-project-view.h: one project: Script, Storyboard, Clips, Export, and the run button.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"
#include "heyai-window.h"
#include "heyai-script-page.h"
#include "heyai-storyboard-page.h"
#include "heyai-clips-page.h"
#include "heyai-export-page.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_PROJECT_VIEW (heyai_project_view_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiProjectView, heyai_project_view, HEYAI, PROJECT_VIEW, GtkWidget)

void                 heyai_project_view_set_project     (HeyaiProjectView *self,
                                                         HeyaiProject     *project);
HeyaiProject        *heyai_project_view_get_project     (HeyaiProjectView *self);
void                 heyai_project_view_flush           (HeyaiProjectView *self);
/* "script", "storyboard", "clips", "export" */
void                 heyai_project_view_set_visible_page (HeyaiProjectView *self,
                                                          const char       *name);
const char          *heyai_project_view_get_visible_page (HeyaiProjectView *self);
HeyaiScriptPage     *heyai_project_view_get_script_page     (HeyaiProjectView *self);
HeyaiStoryboardPage *heyai_project_view_get_storyboard_page (HeyaiProjectView *self);
HeyaiClipsPage      *heyai_project_view_get_clips_page      (HeyaiProjectView *self);
HeyaiExportPage     *heyai_project_view_get_export_page     (HeyaiProjectView *self);
/* Starts a batch, asking first when it costs money (the same as the run button). */
void                 heyai_project_view_run_scene       (HeyaiProjectView *self,
                                                         HeyaiRunFlags     flags,
                                                         int               scene_position);
void                 heyai_project_view_run             (HeyaiProjectView *self,
                                                         HeyaiRunFlags     flags);
/* Jobs of the current run shown in the run popover (element type HeyaiJob). */
GListModel          *heyai_project_view_get_jobs        (HeyaiProjectView *self);

/* The run button's label (the next step) and whether it can be clicked. */
const char       *heyai_project_view_get_run_label   (HeyaiProjectView *self);
gboolean          heyai_project_view_get_run_enabled (HeyaiProjectView *self);

G_END_DECLS
