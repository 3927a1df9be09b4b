/* heyai-ui-util.h: small helpers shared by the window's pages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "heyai-core.h"

G_BEGIN_DECLS

/* CSS class of a status chip ("chip-pending", "chip-approved", ...). */
const char *heyai_ui_scene_status_css    (HeyaiSceneStatus   status);
const char *heyai_ui_project_status_css  (HeyaiProjectStatus status);
/* Replaces the chip-* class of @widget with @css_class. */
void        heyai_ui_set_chip_class      (GtkWidget         *widget,
                                          const char        *css_class);
/* gtk_label_set_label() only when the text differs: setting the same text
 * still re-lays the label out (and, in a grid, the whole grid). */
void        heyai_ui_label_set           (GtkLabel          *label,
                                          const char        *text);
/* "edited just now", "edited 5 min ago", "edited 2 h ago", "edited 3 days ago". */
char       *heyai_ui_format_edited       (gint64             unix_us,
                                          gint64             now_us);
/* "Still", "Clip", "Script analysis", "Upload". */
const char *heyai_ui_job_kind_label      (HeyaiJobKind       kind);
/* "Queued", "Running", ... */
const char *heyai_ui_job_state_label     (HeyaiJobState      state);
/* "$1.25" or "free" */
char       *heyai_ui_format_cost         (double             usd);
/* TRUE for the file names a project usually starts from (.fountain, .txt,
 * .spmd, .fdx, .pdf); the import itself goes by the content
 * (heyai_script_import_file). */
gboolean    heyai_ui_is_script_file      (GFile             *file);
/* Title for a script: its Fountain title page, or the file name without extension. */
char       *heyai_ui_guess_title         (const char        *script,
                                          GFile             *file);
/* Opens @path's folder in the file manager (FileManager1.ShowItems, falling back to the folder URI). */
/* A dialog saying @reason, with @path readable and a "Copy Path" button
 * (when no file manager could show it). */
GtkWidget  *heyai_ui_show_path_dialog    (GtkWidget         *parent,
                                          const char        *path,
                                          const char        *reason);
void        heyai_ui_show_in_folder      (GtkWidget         *parent,
                                          const char        *path);
void        heyai_ui_open_path           (GtkWidget         *parent,
                                          const char        *path);
/* Adds a toast to the HeyaiWindow that contains @widget (or prints it when none). */
void        heyai_ui_toast               (GtkWidget         *widget,
                                          const char        *message);
/* An error for the HeyaiWindow that contains @widget: shown before any info
 * toast, never cut (heyai_window_error()). */
void        heyai_ui_error               (GtkWidget         *widget,
                                          const char        *message);
/* @child (a child of an AdwSqueezer, the icon-only form of a labelled
 * button) may be chosen only while the window is narrower than @width
 * px.  Without it the header bar gives its centred view switcher its
 * natural width first, and the squeezer takes the icon even at 1200 px;
 * with it the labelled form's width is the squeezer's minimum on wide
 * windows, and the switcher narrows instead. */
void        heyai_ui_squeeze_below_width (GtkWidget         *child,
                                          int                width);
/* User data for an async callback that must not keep @object alive (a card
 * whose thumbnail arrives after the card went): the callback takes it back
 * with heyai_ui_weak_ref_steal(), which frees it and returns a new reference
 * to the object, or NULL when it is gone. */
GWeakRef   *heyai_ui_weak_ref_new        (gpointer           object);
gpointer    heyai_ui_weak_ref_steal      (GWeakRef          *ref);

G_END_DECLS
