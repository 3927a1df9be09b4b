/* test-ui-store.c: the window and a library it cannot trust: a damaged
 * file (opened read-only, with a banner) and a failed scene read (an error,
 * never a re-analysis that replaces the storyboard).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "heyai-project-view.h"
#include "heyai-projects-page.h"
#include "ui-test-utils.h"

static char *
scene_ids (HeyaiStore *store,
           const char *project_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, project_id, &error);
  GString *ids = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < scenes->len; i++)
    g_string_append_printf (ids, "%s,", heyai_scene_get_id (g_ptr_array_index (scenes, i)));
  return g_string_free (ids, FALSE);
}

/* The scenes cannot be read (here: their table is out of reach): Run and
 * Analyze say so and start nothing; the storyboard is still there after. */
static void
test_failed_read (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Keep my scenes", 3, TRUE);
  g_autofree char *before = scene_ids (store, heyai_project_get_id (project));
  g_autofree char *after = NULL;
  HeyaiWindow *window = ui_test_new_window (app, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  sqlite3 *db = heyai_store_get_handle (store);
  gboolean finished = FALSE;
  gulong id;

  heyai_window_open_project (window, project);
  id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);

  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE scenes RENAME TO scenes_out_of_reach", NULL, NULL, NULL), ==, SQLITE_OK);
  gtk_widget_activate_action (GTK_WIDGET (view), "project.run", "s", "all");
  g_assert_false (heyai_application_is_running (app, project));
  gtk_widget_activate_action (GTK_WIDGET (view), "project.run", "s", "primary");
  g_assert_false (heyai_application_is_running (app, project));
  gtk_widget_activate_action (GTK_WIDGET (view), "project.analyze", NULL);
  g_assert_false (heyai_application_is_running (app, project));
  ui_test_spin (300);
  g_assert_false (finished);
  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE scenes_out_of_reach RENAME TO scenes", NULL, NULL, NULL), ==, SQLITE_OK);

  g_signal_handler_disconnect (app, id);
  after = scene_ids (store, heyai_project_get_id (project));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (strlen (after), >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Frees pages (a dropped table), then overwrites the first freelist trunk
 * page: the tables still read, PRAGMA quick_check fails. */
static void
damage_library (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  sqlite3 *db = NULL;
  guint32 page_size, trunk;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA journal_mode = DELETE;"
                                 "CREATE TABLE junk (b BLOB);"
                                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64) "
                                 "INSERT INTO junk SELECT zeroblob(3000) FROM n;"
                                 "DROP TABLE junk;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  page_size = ((guint8) contents[16] << 8) | (guint8) contents[17];
  trunk = GUINT32_FROM_BE (*(guint32 *) (contents + 32));
  g_assert_cmpuint (trunk, >, 1);
  memset (contents + (gsize) (trunk - 1) * page_size, 0x7f, page_size);
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, &error));
  g_assert_no_error (error);
}

/* A damaged library: the projects are listed under a warning bar, the
 * actions that write are off, and the file is left as it was. */
static void
test_damaged_subprocess (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-ui-damaged-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "heyai.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(HeyaiApplication) app = NULL;
  HeyaiWindow *window;

  {
    g_autoptr(HeyaiStore) store = heyai_store_new (path, &error);
    g_autoptr(HeyaiProject) project = NULL;

    g_assert_no_error (error);
    project = ui_test_make_project (store, "Damaged but listed", 2, FALSE);
  }
  damage_library (path);
  before = heyai_file_sha256 (path, NULL, &error);
  g_assert_no_error (error);

  g_setenv ("HEYAI_DATA_DIR", dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  app = heyai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_assert_nonnull (heyai_application_get_store (app));
  g_assert_true (heyai_store_get_read_only (heyai_application_get_store (app)));

  window = ui_test_new_window (app, 1280, 820);
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "projects");
  g_assert_cmpuint (ui_test_count_widgets (GTK_WIDGET (window), GTK_TYPE_INFO_BAR), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (heyai_projects_page_get_model (heyai_window_get_projects_page (window))), ==, 1);
  /* New Project is off: no dialog opens. */
  {
    guint n_windows = g_list_model_get_n_items (gtk_window_get_toplevels ());

    gtk_widget_activate_action (GTK_WIDGET (window), "win.new-project", NULL);
    ui_test_spin (200);
    g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_windows);
  }
  g_free (ui_test_screenshot (GTK_WIDGET (window), "damaged-library"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);

  after = heyai_file_sha256 (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before, ==, after);
}

static void
test_damaged (void)
{
  g_test_trap_subprocess ("/ui/store/damaged/subprocess", 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/ui/store/failed-read", test_failed_read);
  g_test_add_func ("/ui/store/damaged", test_damaged);
  g_test_add_func ("/ui/store/damaged/subprocess", test_damaged_subprocess);

  ret = g_test_run ();
  ui_test_cleanup ();
  return ret;
}
