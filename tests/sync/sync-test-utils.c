/* sync-test-utils.c: helpers shared by the sync tests and the benchmark.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sync-test-utils.h"

void
sync_test_remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          sync_test_remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static gint64 fake_ms = 1764039600000;

static gint64
fake_clock (gpointer user_data)
{
  return fake_ms;
}

void
sync_test_install_clock (void)
{
  heyai_hlc_set_clock_func (fake_clock, NULL);
}

void
sync_test_tick (void)
{
  fake_ms += 1000;
}

typedef struct
{
  HeyaiSyncReport *report;
  GError          *error;
  gboolean         done;
} RunResult;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  RunResult *rr = user_data;

  rr->report = heyai_sync_run_finish (result, &rr->error);
  rr->done = TRUE;
}

HeyaiSyncReport *
sync_test_run (HeyaiStore       *store,
               HeyaiSyncRemote  *remote,
               GError          **error)
{
  RunResult rr = { 0 };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  heyai_sync_run_async (store, remote, NULL, NULL, NULL, NULL, on_done, &rr);
  while (!rr.done)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  if (rr.error != NULL)
    {
      g_propagate_error (error, rr.error);
      return NULL;
    }
  return rr.report;
}

static void
dump_table (sqlite3    *db,
            const char *table,
            GString    *out)
{
  g_autofree char *info_sql = g_strdup_printf ("PRAGMA table_info(%s)", table);
  g_autoptr(GString) expr = g_string_new (NULL);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, info_sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *column = (const char *) sqlite3_column_text (stmt, 1);

      if (g_str_equal (column, "local_path") || g_str_equal (column, "upload_session"))
        continue;
      g_string_append_printf (expr, "%s'%s=' || quote(%s)", expr->len ? " || ' ' || " : "", column, column);
    }
  sqlite3_finalize (stmt);

  sql = g_strdup_printf ("SELECT %s FROM %s %s ORDER BY id", expr->str, table,
                         g_str_equal (table, "jobs") ? "WHERE state IN ('done', 'failed', 'cancelled')" : "");
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_string_append_printf (out, "[%s]\n", table);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
}

char *
sync_test_dump (HeyaiStore *store)
{
  static const char * const tables[] = { "projects", "scenes", "assets", "jobs", "conflicts" };
  GString *out = g_string_new (NULL);
  sqlite3 *db = heyai_store_get_handle (store);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    dump_table (db, tables[i], out);

  return g_string_free (out, FALSE);
}

HeyaiProject *
sync_test_add_project (HeyaiStore *store,
                       const char *title,
                       guint       n_scenes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);
  HeyaiProject *project = heyai_project_new ();

  heyai_project_set_title (project, title);
  heyai_project_set_script (project, "INT. LIGHTHOUSE - NIGHT\nThe lamp turns.");
  g_assert_true (heyai_store_insert_project (store, project, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n_scenes; i++)
    {
      HeyaiScene *scene = heyai_scene_new ();
      g_autofree char *scene_title = g_strdup_printf ("Scene %u", i + 1);
      g_autofree char *prompt = g_strdup_printf ("prompt %u", i + 1);

      heyai_scene_set_title (scene, scene_title);
      heyai_scene_set_image_prompt (scene, prompt);
      heyai_scene_set_description (scene, "A lighthouse keeper climbs the stairs.");
      g_ptr_array_add (scenes, scene);
    }

  if (n_scenes > 0)
    {
      g_assert_true (heyai_store_replace_scenes (store, heyai_project_get_id (project), scenes, &error));
      g_assert_no_error (error);
    }

  return project;
}

int
sync_test_count (HeyaiStore *store,
                 const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  int n;

  g_assert_cmpint (sqlite3_prepare_v2 (heyai_store_get_handle (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

void
sync_test_damage_library (const char *path)
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
  g_assert_cmpuint ((gsize) trunk * page_size, <=, length);
  memset (contents + (gsize) (trunk - 1) * page_size, 0x7f, page_size);
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, &error));
  g_assert_no_error (error);
}
