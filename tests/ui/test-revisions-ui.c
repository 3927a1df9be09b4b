/* test-revisions-ui.c: the revision round in the window (issue 11): the
 * diff of a new draft scene by scene before anything changes, removed
 * scenes restored from the project menu, the producer's own still or clip
 * added through the same import as `heyai import` (a file dropped on a
 * card), a project deleted through the pipeline, and the quit question
 * while paid work is in flight.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "heyai-core.h"
#include "heyai-pipeline.h"
#include "heyai-project-view.h"
#include "heyai-projects-page.h"
#include "heyai-scene-card.h"
#include "heyai-storyboard-page.h"
#include "ui-test-utils.h"

static void
run_and_wait (HeyaiApplication *app,
              HeyaiProject     *project,
              HeyaiRunFlags     flags)
{
  gboolean finished = FALSE;
  gulong id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);

  heyai_application_start_run (app, project, flags, 0);
  g_assert_true (ui_test_wait (&finished, 60000));
  g_signal_handler_disconnect (app, id);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GPtrArray *
list_rows (GtkWidget *list)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child))
      g_ptr_array_add (rows, child);
  return rows;
}

static GtkWidget *
find_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
destroy_dialog (AdwMessageDialog *dialog,
                const char       *response)
{
  adw_message_dialog_response (dialog, response);
  if (GTK_IS_WINDOW (dialog))
    gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_spin (50);
}

typedef struct
{
  HeyaiRevision *revision;
  gboolean       done;
} Preview;

static void
preview_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Preview *preview = user_data;

  preview->revision = heyai_pipeline_preview_revision_finish (HEYAI_PIPELINE (source), result, NULL);
  preview->done = TRUE;
}

#define DRAFT_1 "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns over the black water.\n\n" \
                "EXT. CLIFF - DAWN\n\nA ship breaks on the rocks below the cliff.\n\n" \
                "INT. KEEPER'S ROOM - DAY\n\nShe reads the logbook by the window.\n"
#define DRAFT_2 "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns over the black water.\n\n" \
                "EXT. CLIFF - DAWN\n\nA ship breaks on the rocks below the cliff, then sinks.\n\n" \
                "EXT. HARBOUR - MORNING\n\nFishermen pull a lifeboat onto the shingle.\n"

/* "Analyse again" on a new draft: the dialog lists every scene (unchanged,
 * changed, new, removed, with its heading) under the totals and the cost of
 * heyai_pipeline_revision_summary() (what `heyai analyze P --dry-run`
 * prints); applied, the removed scene is listed under Removed Scenes… and
 * Restore brings it back with its still. */
static void
test_diff_and_restore (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Revision Round", 0, FALSE);
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *keeper_id = NULL;
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  AdwMessageDialog *dialog;
  GtkWidget *list;
  Preview preview = { NULL, FALSE };
  const char *body;

  heyai_project_set_script (project, DRAFT_1);
  g_assert_true (heyai_store_update_project (store, project, NULL));
  heyai_window_open_project (window, project);
  run_and_wait (app, project, HEYAI_RUN_ANALYZE | HEYAI_RUN_IMAGES);
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  g_assert_cmpuint (scenes->len, ==, 3);
  for (guint i = 0; i < scenes->len; i++)
    g_assert_cmpint (heyai_scene_get_image_take (g_ptr_array_index (scenes, i)), ==, 1);
  keeper_id = g_strdup (heyai_scene_get_id (g_ptr_array_index (scenes, 2)));
  g_clear_pointer (&scenes, g_ptr_array_unref);

  /* The new draft: one line changed, one scene replaced by another. */
  heyai_project_set_script (project, DRAFT_2);
  g_assert_true (heyai_store_update_project (store, project, NULL));
  heyai_pipeline_preview_revision_async (heyai_application_get_pipeline (app, NULL), project, NULL,
                                         preview_cb, &preview);
  g_assert_true (ui_test_wait (&preview.done, 30000));
  g_assert_nonnull (preview.revision);
  preview.revision->fresh = preview.revision->fresh_owned;
  summary = heyai_pipeline_revision_summary (heyai_application_get_pipeline (app, NULL), preview.revision);
  heyai_revision_free (preview.revision);
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "1 unchanged, 1 changed, 1 new, 1 removed"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.analyze", NULL));
  dialog = ui_test_wait_message_dialog ("Apply the New Draft?", 30000);
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, summary));
  list = find_named (adw_message_dialog_get_extra_child (dialog), "revision-diff");
  g_assert_nonnull (list);
  rows = list_rows (list);
  g_assert_cmpuint (rows->len, ==, 4);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), "1. "));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), "Lighthouse"));
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), ==, "unchanged (was scene 1)");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 1)), "Cliff"));
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 1)), ==, "changed (was scene 2)");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 2)), "Harbour"));
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 2)), ==, "new");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 3)), "Keeper"));
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 3)), ==, "removed (was scene 3)");
  ui_test_wait_frame (GTK_WIDGET (dialog));
  shot = ui_test_screenshot (GTK_WIDGET (dialog), "revision-diff");
  g_test_message ("screenshot: %s", shot);
  /* Nothing changed yet. */
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_clear_pointer (&scenes, g_ptr_array_unref);

  {
    gboolean finished = FALSE;
    gulong id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);

    destroy_dialog (dialog, "replace");
    g_assert_true (ui_test_wait (&finished, 60000));
    g_signal_handler_disconnect (app, id);
  }
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpint (heyai_scene_get_image_take (g_ptr_array_index (scenes, 0)), ==, 1);
  g_clear_pointer (&scenes, g_ptr_array_unref);
  removed = heyai_store_list_removed_scenes (store, heyai_project_get_id (project), NULL);
  g_assert_cmpuint (removed->len, ==, 1);
  g_assert_cmpstr (heyai_scene_get_id (g_ptr_array_index (removed, 0)), ==, keeper_id);
  g_clear_pointer (&removed, g_ptr_array_unref);

  /* Project menu → Removed Scenes…: one row, Restore brings it back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.removed-scenes", NULL));
  dialog = ui_test_wait_message_dialog ("Removed Scenes", 3000);
  g_assert_nonnull (dialog);
  list = find_named (adw_message_dialog_get_extra_child (dialog), "removed-scenes");
  g_assert_nonnull (list);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = list_rows (list);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), "Keeper"));
  g_assert_cmpstr (adw_action_row_get_subtitle (g_ptr_array_index (rows, 0)), ==,
                   "Was scene 3 · still take 1, clip take 0");
  ui_test_wait_frame (GTK_WIDGET (dialog));
  g_clear_pointer (&shot, g_free);
  shot = ui_test_screenshot (GTK_WIDGET (dialog), "removed-scenes");
  g_test_message ("screenshot: %s", shot);
  {
    GtkWidget *button = find_button (GTK_WIDGET (g_ptr_array_index (rows, 0)));

    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
  }
  ui_test_spin (100);
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  g_assert_cmpuint (scenes->len, ==, 4);
  g_assert_cmpstr (heyai_scene_get_id (g_ptr_array_index (scenes, 2)), ==, keeper_id);
  g_assert_cmpint (heyai_scene_get_image_take (g_ptr_array_index (scenes, 2)), ==, 1);
  g_assert_cmpint (heyai_scene_get_position (g_ptr_array_index (scenes, 3)), ==, 4);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = list_rows (list);
  g_assert_cmpuint (rows->len, ==, 0);
  destroy_dialog (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (window));
}

static HeyaiSceneCard *
find_card (GtkWidget *root,
           int        position)
{
  if (HEYAI_IS_SCENE_CARD (root))
    {
      HeyaiScene *scene = heyai_scene_card_get_scene (HEYAI_SCENE_CARD (root));

      if (scene != NULL && heyai_scene_get_position (scene) == position)
        return HEYAI_SCENE_CARD (root);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      HeyaiSceneCard *found = find_card (child, position);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Drops @path on @card as the file manager would (a GdkFileList). */
static gboolean
drop_file (HeyaiSceneCard *card,
           const char     *path)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (card));
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_auto(GValue) value = G_VALUE_INIT;
  GSList *files = g_slist_prepend (NULL, file);
  gboolean accepted = FALSE;
  gboolean found = FALSE;

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_slist_free (files);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_DROP_TARGET (controller))
        continue;
      found = TRUE;
      {
        gsize n = 0;
        const GType *types = gtk_drop_target_get_gtypes (GTK_DROP_TARGET (controller), &n);
        gboolean takes_files = FALSE;

        for (gsize t = 0; t < n; t++)
          takes_files |= types[t] == GDK_TYPE_FILE_LIST;
        g_assert_true (takes_files);
      }
      g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &accepted);
    }
  g_assert_true (found);
  return accepted;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

/* A still and a clip dropped on a card become new, selected takes with
 * lineage "imported" (the import of `heyai import`); the still outdates
 * the clip made before; a text file is refused with a clear toast and adds
 * nothing.  The scene pane offers "Replace With File…" (stills and clips
 * only in its chooser). */
static void
test_import_takes (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Own Takes", 2, TRUE);
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(HeyaiAsset) asset = NULL;
  g_autoptr(GtkFileFilter) filter = heyai_application_take_filter ();
  g_autofree char *png = g_build_filename (ui_test_data_dir (), "own-still.png", NULL);
  g_autofree char *clip = g_build_filename (ui_test_data_dir (), "own-clip.webm", NULL);
  g_autofree char *junk = g_build_filename (ui_test_data_dir (), "own-notes.txt", NULL);
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiSceneCard *card;
  HeyaiSceneLineage lineage;

  ui_test_write_png (png, 320, 180, 7);
  g_assert_true (ui_test_write_clip (clip, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (junk, "not a picture", -1, NULL));

  /* The chooser's filter: stills and clips, not text. */
  {
    g_autoptr(GFileInfo) info = g_file_info_new ();

    g_file_info_set_display_name (info, "a.png");
    g_file_info_set_content_type (info, "image/png");
    g_assert_true (gtk_filter_match (GTK_FILTER (filter), info));
    g_file_info_set_display_name (info, "a.webm");
    g_file_info_set_content_type (info, "video/webm");
    g_assert_true (gtk_filter_match (GTK_FILTER (filter), info));
    g_file_info_set_display_name (info, "a.txt");
    g_file_info_set_content_type (info, "text/plain");
    g_assert_false (gtk_filter_match (GTK_FILTER (filter), info));
  }

  heyai_window_open_project (window, project);
  ui_test_spin (300);
  ui_test_wait_frame (GTK_WIDGET (window));
  card = find_card (GTK_WIDGET (window), 1);
  g_assert_nonnull (card);

  /* A clip first (current for still 1), then a still (the clip outdated). */
  g_assert_true (drop_file (card, clip));
  for (guint i = 0; i < 400; i++)
    {
      g_clear_object (&scene);
      scene = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, NULL);
      if (heyai_scene_get_clip_take (scene) == 1)
        break;
      ui_test_spin (25);
    }
  heyai_lineage_of_scene (store, project, scene, &lineage);
  g_assert_cmpint (lineage.clip_take, ==, 1);
  g_assert_cmpint (lineage.clip_source_image_take, ==, 1);
  g_assert_false (lineage.clip_stale);

  card = find_card (GTK_WIDGET (window), 1);
  g_assert_true (drop_file (card, png));
  for (guint i = 0; i < 400; i++)
    {
      g_clear_object (&scene);
      scene = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, NULL);
      if (heyai_scene_get_image_take (scene) == 2)
        break;
      ui_test_spin (25);
    }
  asset = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, 2, NULL);
  g_assert_nonnull (asset);
  g_assert_true (g_str_has_prefix (heyai_asset_get_lineage (asset), "{\"source\":\"imported\""));
  heyai_lineage_of_scene (store, project, scene, &lineage);
  g_assert_cmpint (lineage.image_take, ==, 2);
  g_assert_true (lineage.clip_stale);

  /* Refused, clearly; nothing added. */
  card = find_card (GTK_WIDGET (window), 1);
  g_assert_true (drop_file (card, junk));
  for (guint i = 0; i < 400 && heyai_window_get_last_error (window) == NULL; i++)
    ui_test_spin (25);
  g_assert_nonnull (heyai_window_get_last_error (window));
  g_assert_true (g_str_has_prefix (heyai_window_get_last_error (window),
                                   "Not a still (PNG, JPEG, WebP) or a clip that plays: own-notes.txt ("));
  g_assert_cmpint (heyai_store_max_take (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE), ==, 2);
  g_assert_cmpint (heyai_store_max_take (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP), ==, 1);

  /* Approved, the scene says its clip is outdated and which still it came
   * from (card and pane), and offers to animate it. */
  g_assert_true (heyai_pipeline_set_approval (store, scene, HEYAI_APPROVAL_APPROVED, &error));
  g_assert_no_error (error);

  /* The scene pane: "Replace With File…" beside the takes. */
  gtk_selection_model_select_item (heyai_storyboard_page_get_selection (
                                     heyai_project_view_get_storyboard_page (heyai_window_get_project_view (window))),
                                   0, TRUE);
  ui_test_spin (300);
  ui_test_wait_frame (GTK_WIDGET (window));
  g_assert_nonnull (ui_test_find_by_tooltip (GTK_WIDGET (window), GTK_TYPE_BUTTON,
                                             "Add your own still or clip as a new take and use it"));
  g_assert_true (has_label (GTK_WIDGET (window), "Clip outdated"));
  g_assert_true (has_label (GTK_WIDGET (window), "Clip outdated: made from still take 1, the selected still is take 2"));
  shot = ui_test_screenshot (GTK_WIDGET (window), "scene-pane-imported");
  g_test_message ("screenshot: %s", shot);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Deleting a project from the projects page asks the pipeline: its queued
 * work is cancelled, then it is gone. */
static void
test_delete_through_pipeline (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Doomed", 1, FALSE);
  g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, NULL);
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *job_id = heyai_uuid_new ();
  g_autofree char *id = g_strdup (heyai_project_get_id (project));
  g_autofree char *state = NULL;
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectsPage *page = heyai_window_get_projects_page (window);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *db_path = g_build_filename (ui_test_data_dir (), "heyai.db", NULL);

  heyai_job_set_id (job, job_id);
  heyai_job_set_project_id (job, id);
  heyai_job_set_scene_id (job, heyai_scene_get_id (scene));
  heyai_job_set_kind (job, HEYAI_JOB_KIND_IMAGE);
  heyai_job_set_take (job, 1);
  heyai_job_set_provider (job, "offline");
  heyai_job_set_state (job, HEYAI_JOB_STATE_QUEUED);
  g_assert_true (heyai_store_insert_job (store, job, &error));
  g_assert_no_error (error);

  heyai_projects_page_reload (page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.delete", "s", id));
  heyai_projects_page_flush (page);
  g_assert_null (heyai_store_find_project (store, id, NULL));

  /* The tombstoned job was cancelled first (read past the tombstone). */
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT state FROM jobs WHERE id = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, job_id, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpstr (state, ==, "cancelled");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The hung server: it accepts connections and never answers, so a paid
 * request to it stays in flight. */
static GPtrArray *held_connections;

static gboolean
hold_connection_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    GPtrArray         *held)
{
  g_ptr_array_add (held, g_object_ref (connection));
  return TRUE;
}

/* Quitting while paid work is in flight asks "Quit and Finish Later" /
 * "Keep Working"; Keep Working keeps the run; Quit and Finish Later stops
 * it (what the service accepted is collected next time).  Last: the
 * application does not come back from quitting. */
static void
test_quit_question (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  GSettings *settings = heyai_application_get_settings (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Paid Batch", 2, FALSE);
  GPtrArray *held = held_connections;
  g_autofree char *shot = NULL;
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  AdwMessageDialog *dialog;
  gboolean finished = FALSE;
  gulong id;

  /* Nothing paid runs: no question (not tried: it would quit). */
  g_assert_false (heyai_application_has_paid_work (app));

  /* Higgsfield is the server that never answers, started in main(). */
  g_setenv ("HF_CREDENTIALS", "test-key:test-secret", TRUE);
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_settings_set_double (settings, "budget-monthly", 1000.0);
  g_settings_set_double (settings, "budget-cap", 50.0);
  heyai_application_reload_providers (app);

  heyai_window_open_project (window, project);
  id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  heyai_application_start_run (app, project, HEYAI_RUN_IMAGES, 0);
  for (guint i = 0; i < 400 && !heyai_application_has_paid_work (app); i++)
    ui_test_spin (25);
  g_assert_true (heyai_application_has_paid_work (app));

  /* Keep Working: nothing stops. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  dialog = ui_test_wait_message_dialog ("Quit While Paid Work Runs?", 3000);
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "keep"));
  g_assert_true (adw_message_dialog_has_response (dialog, "quit"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "keep"), ==, "_Keep Working");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "quit"), ==, "_Quit and Finish Later");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "keep");
  ui_test_wait_frame (GTK_WIDGET (dialog));
  shot = ui_test_screenshot (GTK_WIDGET (dialog), "quit-question");
  g_test_message ("screenshot: %s", shot);
  destroy_dialog (dialog, "keep");
  ui_test_spin (300);
  g_assert_false (finished);
  g_assert_true (heyai_application_is_running (app, project));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Quit and Finish Later: the run stops; a request already sent is left
   * to finish (its answer names what was paid for), nothing new is sent.
   * The hung server then hangs up, and the run ends without asking again. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  dialog = ui_test_wait_message_dialog ("Quit While Paid Work Runs?", 3000);
  g_assert_nonnull (dialog);
  destroy_dialog (dialog, "quit");
  ui_test_spin (200);
  {
    guint sent = held->len;

    g_assert_cmpuint (sent, >, 0);
    for (guint i = 0; i < held->len; i++)
      g_io_stream_close (g_ptr_array_index (held, i), NULL, NULL);
    g_ptr_array_set_size (held, 0);
    g_assert_true (ui_test_wait (&finished, 30000));
    ui_test_spin (300);
    g_assert_cmpuint (held->len, ==, 0);
  }
  g_signal_handler_disconnect (app, id);
  g_assert_false (heyai_application_is_running (app, project));

  g_settings_reset (settings, "imager-provider");
  g_settings_reset (settings, "budget-monthly");
  g_settings_reset (settings, "budget-cap");
  g_unsetenv ("HF_CREDENTIALS");
  if (GTK_IS_WINDOW (window))
    gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GSocketService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  guint16 port;
  int status;

  if (!ui_test_init (&argc, &argv))
    return 0;
  /* A Higgsfield that accepts connections and never answers (for the quit
   * question), up before the application reads the services' addresses
   * once at start-up. */
  service = g_socket_service_new ();
  held_connections = g_ptr_array_new_with_free_func (g_object_unref);
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (service), NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (hold_connection_cb), held_connections);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_setenv ("HEYAI_HIGGSFIELD_BASE_URL", url, TRUE);
  g_test_add_func ("/ui/revisions/diff-and-restore", test_diff_and_restore);
  g_test_add_func ("/ui/revisions/import-takes", test_import_takes);
  g_test_add_func ("/ui/revisions/delete-through-pipeline", test_delete_through_pipeline);
  /* Last: quitting is one-way. */
  g_test_add_func ("/ui/revisions/quit-question", test_quit_question);
  status = g_test_run ();
  ui_test_cleanup ();
  g_socket_service_stop (service);
  g_clear_pointer (&held_connections, g_ptr_array_unref);
  return status;
}
