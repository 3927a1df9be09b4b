/* ui-test-utils.h: shared helpers for the window tests and benchmark.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "heyai-application.h"
#include "heyai-window.h"

G_BEGIN_DECLS

/* Initialises GTK; FALSE (after printing the TAP skip line) when there is no display. */
gboolean          ui_test_init            (int *argc, char ***argv);
/* A registered HeyaiApplication on a fresh temporary HEYAI_DATA_DIR. */
HeyaiApplication *ui_test_app             (void);
const char       *ui_test_data_dir        (void);
void              ui_test_cleanup         (void);
/* Runs the main context for @ms milliseconds. */
void              ui_test_spin            (guint ms);
/* Runs the main context until *@flag is TRUE or @timeout_ms passes; returns *@flag. */
gboolean          ui_test_wait            (gboolean *flag, guint timeout_ms);
/* Runs until the widget painted a frame (or 5 s). */
void              ui_test_wait_frame      (GtkWidget *widget);
/* Makes a project with @n scenes; every scene gets a still (a PNG on disk and an
 * image asset, take 1) when @with_stills. */
HeyaiProject     *ui_test_make_project    (HeyaiStore *store, const char *title, guint n,
                                           gboolean with_stills);
/* Writes a @width x @height PNG. */
void              ui_test_write_png       (const char *path, int width, int height, guint seed);
/* Writes a 2 s VP8/WebM test clip with GStreamer. */
gboolean          ui_test_write_clip      (const char *path, GError **error);
/* Renders @widget into <build>/screenshots/@name.png; returns the path, or
 * NULL when the widget is not shown (anymore). */
char             *ui_test_screenshot      (GtkWidget *widget, const char *name);
/* Counts descendants of @type. */
guint             ui_test_count_widgets   (GtkWidget *root, GType type);
/* The first descendant of @type whose tooltip is @tooltip, or NULL. */
GtkWidget        *ui_test_find_by_tooltip (GtkWidget *root, GType type, const char *tooltip);

/* A window of @app (NULL: ui_test_app()) at @width x @height, presented and
 * painted once. */
HeyaiWindow      *ui_test_new_window      (HeyaiApplication *app, int width, int height);
/* A HeyaiApplication::run-finished handler that sets *@finished. */
void              ui_test_run_finished_cb (HeyaiApplication *app, HeyaiProject *project, guint n_done,
                                           guint n_failed, double cost, const char *message, gboolean *finished);
/* The first visible message dialog whose heading is @heading (NULL: any),
 * waiting up to @timeout_ms for one; NULL when none came. */
AdwMessageDialog *ui_test_wait_message_dialog (const char *heading, guint timeout_ms);

G_END_DECLS
