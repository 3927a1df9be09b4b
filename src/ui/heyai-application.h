/* heyai-application.h: the HeyAI Studio application (io.github.heyai.Studio).
 *
 * Owns the store, the pipeline (providers chosen in Preferences) and the runs,
 * so a batch keeps going when its window is closed (the application holds
 * itself until the run ends).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-pipeline.h"
#include "heyai-script-import.h"
#include "heyai-thumbnailer.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_APPLICATION (heyai_application_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiApplication, heyai_application, HEYAI, APPLICATION, AdwApplication)

#define HEYAI_APPLICATION_DEFAULT (HEYAI_APPLICATION (g_application_get_default ()))

/* Signals:
 *   "run-started"  (HeyaiProject *project)
 *   "run-finished" (HeyaiProject *project, guint n_done, guint n_failed, double cost,
 *                   const char *error_message (NULL on success, translated))
 */

HeyaiApplication *heyai_application_new               (void);
HeyaiStore       *heyai_application_get_store         (HeyaiApplication *self);
const GError     *heyai_application_get_store_error   (HeyaiApplication *self);
const char       *heyai_application_get_data_dir      (HeyaiApplication *self);
GSettings        *heyai_application_get_settings      (HeyaiApplication *self);
HeyaiThumbnailer *heyai_application_get_thumbnailer   (HeyaiApplication *self);
/* The pipeline, created on first use with the providers from the settings. */
HeyaiPipeline    *heyai_application_get_pipeline      (HeyaiApplication *self,
                                                       GError          **error);
/* The workspace (budget, price table, provider names), or NULL when the
 * library could not be opened. */
struct _HeyaiWorkspace *heyai_application_get_workspace (HeyaiApplication *self);
/* Drops the pipeline so the next run uses new provider settings (no-op while running). */
void              heyai_application_reload_providers  (HeyaiApplication *self);

void              heyai_application_start_run         (HeyaiApplication *self,
                                                       HeyaiProject     *project,
                                                       HeyaiRunFlags     flags,
                                                       int               scene_position);
guint             heyai_application_resume_interrupted (HeyaiApplication *self);
/* Paid requests of the running batches that a service accepted (open in
 * the ledger with a remote id, or a result not stored yet): what a quit
 * leaves to be collected at the next launch.  @n_sending (may be NULL):
 * paid requests sent without an answer yet. */
guint             heyai_application_count_paid_in_flight (HeyaiApplication *self,
                                                          guint            *n_sending);
gboolean          heyai_application_has_paid_work     (HeyaiApplication *self);
gboolean          heyai_application_is_running        (HeyaiApplication *self,
                                                       HeyaiProject     *project);
guint             heyai_application_get_n_runs        (HeyaiApplication *self);
void              heyai_application_cancel_runs       (HeyaiApplication *self,
                                                       HeyaiProject     *project);
/* Creates a project in the store from a script (title guessed when NULL). */
HeyaiProject     *heyai_application_create_project    (HeyaiApplication *self,
                                                       const char       *title,
                                                       const char       *script,
                                                       const char       *style,
                                                       HeyaiAspect       aspect,
                                                       GError          **error);
/* Keeps an imported script's original file (.fdx, PDF) and its import notes
 * beside @project's folder (failures are logged, nothing else changes). */
void              heyai_application_keep_import       (HeyaiApplication        *self,
                                                       HeyaiProject            *project,
                                                       const HeyaiScriptImport *import);
/* The producer's own still or clip (@file) becomes a new, selected take of
 * @scene through heyai_pipeline_import_take_async() (what `heyai import`
 * calls): "Replace With File…" and a file dropped on a card.  The outcome,
 * or why the file was refused, is a toast on @widget. */
void              heyai_application_import_take       (HeyaiApplication        *self,
                                                       HeyaiScene              *scene,
                                                       GFile                   *file,
                                                       GtkWidget               *widget);
/* The file chooser filter of "Replace With File…": stills and clips. */
GtkFileFilter    *heyai_application_take_filter       (void);

G_END_DECLS
