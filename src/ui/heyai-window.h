/* heyai-window.h: the main window (projects grid, then one project).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-application.h"

G_BEGIN_DECLS

typedef struct _HeyaiProjectView  HeyaiProjectView;
typedef struct _HeyaiProjectsPage HeyaiProjectsPage;

#define HEYAI_TYPE_WINDOW (heyai_window_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiWindow, heyai_window, HEYAI, WINDOW, AdwApplicationWindow)

HeyaiWindow       *heyai_window_new                   (HeyaiApplication *app);
void               heyai_window_open_project          (HeyaiWindow      *self,
                                                       HeyaiProject     *project);
void               heyai_window_show_projects         (HeyaiWindow      *self);
/* Reads @file (async) and starts a new project from it. */
void               heyai_window_new_project_from_file (HeyaiWindow      *self,
                                                       GFile            *file);
void               heyai_window_toast                 (HeyaiWindow      *self,
                                                       const char       *message);
/* An error: never behind an info toast (that one is dismissed), and never
 * cut: when it is longer than HEYAI_WINDOW_TOAST_CHARS the toast shows its
 * first clause and a "Details" button opening the full text. */
#define HEYAI_WINDOW_TOAST_CHARS 64
void               heyai_window_error                 (HeyaiWindow      *self,
                                                       const char       *message);
/* The last error's full text and the info toast on screen (tests). */
const char        *heyai_window_get_last_error        (HeyaiWindow      *self);
const char        *heyai_window_get_last_toast        (HeyaiWindow      *self);
/* The info bar of the last import's notes ("read as Windows-1252"), or NULL. */
const char        *heyai_window_get_notice            (HeyaiWindow      *self);
void               heyai_window_add_toast             (HeyaiWindow      *self,
                                                       AdwToast         *toast);
/* Saves pending edits (script, scene fields) now. */
void               heyai_window_flush                 (HeyaiWindow      *self);
HeyaiProjectView  *heyai_window_get_project_view      (HeyaiWindow      *self);
HeyaiProjectsPage *heyai_window_get_projects_page     (HeyaiWindow      *self);
/* "projects", "project" or "error". */
const char        *heyai_window_get_visible_page      (HeyaiWindow      *self);

G_END_DECLS
