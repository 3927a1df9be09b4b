/* test-store.c: HeyaiStore (SQLite).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "heyai-core.h"
#include "heyai-store-private.h"

typedef struct
{
  char       *dir;
  char       *path;
  HeyaiStore *store;
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("heyai-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "library", "heyai.db", NULL);
  f->store = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_finalize_object (f->store);
  f->store = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
}

static int
pragma_int (HeyaiStore *store,
            const char *sql)
{
  sqlite3 *db = heyai_store_get_handle (store);
  sqlite3_stmt *stmt = NULL;
  int value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static void
exec_raw (HeyaiStore *store,
          const char *sql)
{
  char *errmsg = NULL;

  if (sqlite3_exec (heyai_store_get_handle (store), sql, NULL, NULL, &errmsg) != SQLITE_OK)
    g_error ("%s: %s", sql, errmsg);
}

static void
count_cb (gpointer instance,
          gpointer arg,
          gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static HeyaiProject *
add_project (HeyaiStore *store,
             const char *title)
{
  g_autoptr(GError) error = NULL;
  HeyaiProject *project = heyai_project_new ();

  heyai_project_set_title (project, title);
  g_assert_true (heyai_store_insert_project (store, project, &error));
  g_assert_no_error (error);

  return project;
}

static GPtrArray *
make_scenes (guint n)
{
  GPtrArray *scenes = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      HeyaiScene *scene = heyai_scene_new ();
      g_autofree char *title = g_strdup_printf ("Scene %c", 'A' + i);

      heyai_scene_set_title (scene, title);
      heyai_scene_set_duration (scene, i % 2 ? 10 : 5);
      g_ptr_array_add (scenes, scene);
    }

  return scenes;
}

static char *
scene_titles (GPtrArray *scenes)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);

      g_assert_cmpint (heyai_scene_get_position (scene), ==, (int) i + 1);
      g_string_append_printf (s, "%s%s", i ? "," : "", heyai_scene_get_title (scene));
    }

  return g_string_free (s, FALSE);
}

static char *
listed_titles (HeyaiStore *store,
               const char *project_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, project_id, &error);

  g_assert_no_error (error);
  return scene_titles (scenes);
}

/* ------------------------------------------------------------------------ */

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *parent = g_path_get_dirname (f->path);
  g_autofree char *device_id = NULL;
  struct stat st;

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (parent, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  g_assert_cmpint (pragma_int (f->store, "PRAGMA user_version"), ==, HEYAI_STORE_SCHEMA_VERSION);
  g_assert_cmpint (pragma_int (f->store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (pragma_int (f->store, "PRAGMA synchronous"), ==, 1); /* NORMAL */
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), ==, 1);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                                         "AND name IN ('meta', 'projects', 'scenes', 'assets', 'jobs')"), ==, 5);
  /* Every stored column carries the sync fields. */
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM pragma_table_info('jobs') "
                                         "WHERE name IN ('id', 'updated_at', 'deleted', 'created_at', "
                                         "'remote_id', 'idempotency_key', 'upload_session')"), ==, 7);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM pragma_foreign_key_list('scenes')"), ==, 1);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM pragma_foreign_key_list('assets')"), ==, 1);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM pragma_foreign_key_list('jobs')"), ==, 1);

  /* SQLite gives the -wal file the database's mode. */
  {
    g_autoptr(HeyaiProject) project = add_project (f->store, "Private");
    g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);

    g_assert_cmpint (g_stat (wal, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  device_id = g_strdup (heyai_store_get_device_id (f->store));
  g_assert_cmpuint (strlen (device_id), ==, 16);
  g_assert_cmpstr (heyai_store_get_path (f->store), ==, f->path);
  g_assert_nonnull (heyai_store_get_hlc (f->store));

  /* The device id is created once and kept. */
  reopen (f);
  g_assert_cmpstr (heyai_store_get_device_id (f->store), ==, device_id);
  g_assert_cmpint (pragma_int (f->store, "PRAGMA user_version"), ==, HEYAI_STORE_SCHEMA_VERSION);
}

static void
test_migrate_empty_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "empty.db", NULL);
  g_autoptr(HeyaiStore) store = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, &error));
  store = heyai_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (store, "PRAGMA user_version"), ==, HEYAI_STORE_SCHEMA_VERSION);
  g_assert_true (heyai_store_check_integrity (store, &error));
  g_assert_no_error (error);

  g_assert_finalize_object (g_steal_pointer (&store));
  remove_tree (dir);
}

static char *
file_sha256 (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *sum = heyai_file_sha256 (path, NULL, &error);

  g_assert_no_error (error);
  return sum;
}

static void
check_refused (const char *path,
               int         version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = file_sha256 (path);
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *expected = g_strdup_printf ("schema %d, this version knows %d", version,
                                               HEYAI_STORE_SCHEMA_VERSION);
  HeyaiStore *store;

  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  store = heyai_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_nonnull (strstr (error->message, "Update HeyAI Studio"));

  after = file_sha256 (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
}

static void
test_schema_too_new (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *plain = g_build_filename (f->dir, "plain.db", NULL);
  g_autoptr(HeyaiProject) project = add_project (f->store, "Keep me");
  sqlite3 *db = NULL;

  g_clear_object (&project);

  /* A WAL database of ours, bumped to schema 99 by a "newer version". */
  g_assert_finalize_object (g_steal_pointer (&f->store));
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  check_refused (f->path, 99);

  /* A rollback-journal database at schema 7. */
  g_assert_cmpint (sqlite3_open (plain, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE x (y); PRAGMA user_version = 7", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  check_refused (plain, 7);
}

/* Another process has the library open (a -wal file exists) and a newer
 * HeyAI Studio bumps the schema in it: the bump is read through the WAL. */
static void
test_schema_too_new_while_open (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autoptr(HeyaiProject) project = add_project (f->store, "Open elsewhere");
  g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", HEYAI_STORE_SCHEMA_VERSION + 1);
  g_autofree char *expected = g_strdup_printf ("schema %d,", HEYAI_STORE_SCHEMA_VERSION + 1);
  sqlite3 *db = NULL;
  HeyaiStore *second;

  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, pragma, NULL, NULL, NULL), ==, SQLITE_OK);

  second = heyai_store_new (f->path, &error);
  g_assert_null (second);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW);
  g_assert_nonnull (strstr (error->message, expected));

  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static void
test_not_a_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-test-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "junk.db", NULL);
  g_autofree char *junk = g_strnfill (8192, 'x');
  HeyaiStore *store;

  g_assert_true (g_file_set_contents (path, junk, -1, &error));
  store = heyai_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "junk.db"));

  remove_tree (dir);
}

static void
test_read_only_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *locked = NULL;
  g_autofree char *path = NULL;
  g_autofree char *existing = NULL;
  HeyaiStore *store;

  if (geteuid () == 0)
    {
      g_test_skip ("root ignores file permissions");
      return;
    }

  dir = g_dir_make_tmp ("heyai-test-XXXXXX", &error);
  g_assert_no_error (error);
  locked = g_build_filename (dir, "locked", NULL);
  g_assert_cmpint (g_mkdir (locked, 0700), ==, 0);

  /* An existing library in a folder that later turns read-only. */
  existing = g_build_filename (locked, "old.db", NULL);
  store = heyai_store_new (existing, &error);
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  g_assert_cmpint (g_chmod (locked, 0500), ==, 0);

  path = g_build_filename (locked, "heyai.db", NULL);
  store = heyai_store_new (path, &error);
  g_assert_null (store);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_test_message ("new library in a read-only folder: %s", error->message);
  g_assert_nonnull (strstr (error->message, "heyai.db"));
  g_clear_error (&error);

  store = heyai_store_new (existing, &error);
  g_assert_null (store);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_test_message ("existing library in a read-only folder: %s", error->message);
  g_assert_nonnull (strstr (error->message, "old.db"));
  g_clear_error (&error);

  /* A read-only library file in a writable folder. */
  g_assert_cmpint (g_chmod (locked, 0700), ==, 0);
  g_assert_cmpint (g_chmod (existing, 0400), ==, 0);
  store = heyai_store_new (existing, &error);
  g_assert_null (store);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_test_message ("read-only library file: %s", error->message);
  g_clear_error (&error);

  remove_tree (dir);
}

static void
test_projects (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) a = NULL;
  g_autoptr(HeyaiProject) b = NULL;
  g_autoptr(HeyaiProject) c = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *prefix = NULL;
  HeyaiProject *found;
  guint changed = 0;

  g_signal_connect (f->store, "project-changed", G_CALLBACK (count_cb), &changed);

  a = add_project (f->store, "El Último Faro");
  b = add_project (f->store, "Night Shift");
  g_assert_cmpuint (changed, ==, 2);

  g_assert_true (g_uuid_string_is_valid (heyai_project_get_id (a)));
  g_assert_cmpint (heyai_project_get_number (a), ==, 1);
  g_assert_cmpint (heyai_project_get_number (b), ==, 2);
  g_assert_cmpint (heyai_project_get_created_at (a), >, 0);
  g_assert_nonnull (heyai_project_get_updated_at (a));
  g_assert_true (g_str_has_suffix (heyai_project_get_updated_at (a), heyai_store_get_device_id (f->store)));

  /* Update: new stamp, newest change listed first. */
  stamp = g_strdup (heyai_project_get_updated_at (a));
  heyai_project_set_status (a, HEYAI_PROJECT_STATUS_GENERATING_IMAGES);
  heyai_project_set_drive_folders (a, "{\"images\":\"i1\",\"clips\":\"c1\",\"final\":\"f1\"}");
  g_assert_true (heyai_store_update_project (f->store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpint (strcmp (stamp, heyai_project_get_updated_at (a)), <, 0);

  list = heyai_store_list_projects (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (g_ptr_array_index (list, 0) == a);
  g_assert_true (g_ptr_array_index (list, 1) == b);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Find by uuid, prefix and number. */
  found = heyai_store_find_project (f->store, heyai_project_get_id (b), &error);
  g_assert_no_error (error);
  g_assert_true (found == b);
  g_object_unref (found);

  prefix = g_strndup (heyai_project_get_id (a), 8);
  found = heyai_store_find_project (f->store, prefix, &error);
  g_assert_no_error (error);
  g_assert_true (found == a);
  g_object_unref (found);

  found = heyai_store_find_project (f->store, "2", &error);
  g_assert_no_error (error);
  g_assert_true (found == b);
  g_object_unref (found);

  found = heyai_store_find_project (f->store, "xyz", &error);
  g_assert_null (found);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No project matches “xyz”. Run “heyai list” to see your projects.");
  g_clear_error (&error);

  /* Prefixes shorter than 4 characters are not accepted. */
  prefix[3] = '\0';
  found = heyai_store_find_project (f->store, prefix, &error);
  g_assert_null (found);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Delete: a tombstone, hidden from lists and lookups, number not reused. */
  g_assert_true (heyai_store_delete_project (f->store, b, &error));
  g_assert_no_error (error);
  g_assert_true (heyai_project_get_deleted (b));
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM projects WHERE deleted = 1"), ==, 1);

  list = heyai_store_list_projects (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (g_ptr_array_index (list, 0) == a);

  found = heyai_store_find_project (f->store, "2", &error);
  g_assert_null (found);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  c = add_project (f->store, "Third");
  g_assert_cmpint (heyai_project_get_number (c), ==, 3);

  /* Everything round-trips through the file. */
  {
    g_autofree char *a_id = g_strdup (heyai_project_get_id (a));
    g_autoptr(HeyaiProject) again = NULL;

    g_clear_object (&a);
    g_clear_object (&b);
    g_clear_object (&c);
    g_clear_pointer (&list, g_ptr_array_unref);
    reopen (f);

    again = heyai_store_find_project (f->store, a_id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (heyai_project_get_title (again), ==, "El Último Faro");
    g_assert_cmpint (heyai_project_get_status (again), ==, HEYAI_PROJECT_STATUS_GENERATING_IMAGES);
    g_assert_cmpstr (heyai_project_get_drive_folders (again), ==,
                     "{\"images\":\"i1\",\"clips\":\"c1\",\"final\":\"f1\"}");
    g_assert_cmpint (heyai_project_get_number (again), ==, 1);
    g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM projects WHERE status = 'generating_images'"), ==, 1);
  }
}

static void
test_find_ambiguous (Fixture       *f,
                     gconstpointer  data)
{
  const char *ids[] = { "abcd1111-0000-4000-8000-000000000001",
                        "abcd2222-0000-4000-8000-000000000002",
                        "12345678-0000-4000-8000-000000000003" };
  g_autoptr(GPtrArray) projects = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  HeyaiProject *found;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      HeyaiProject *project = heyai_project_new ();

      heyai_project_set_id (project, ids[i]);
      heyai_project_set_title (project, ids[i]);
      g_assert_true (heyai_store_insert_project (f->store, project, &error));
      g_assert_no_error (error);
      g_ptr_array_add (projects, project);
    }

  /* Two ids share the prefix. */
  found = heyai_store_find_project (f->store, "abcd", &error);
  g_assert_null (found);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Upper case and spaces are forgiven. */
  found = heyai_store_find_project (f->store, "  ABCD2 ", &error);
  g_assert_no_error (error);
  g_assert_true (found == g_ptr_array_index (projects, 1));
  g_object_unref (found);

  /* A number that is no project number falls back to the id prefix. */
  found = heyai_store_find_project (f->store, "1234", &error);
  g_assert_no_error (error);
  g_assert_true (found == g_ptr_array_index (projects, 2));
  g_object_unref (found);

  found = heyai_store_find_project (f->store, "3", &error);
  g_assert_no_error (error);
  g_assert_true (found == g_ptr_array_index (projects, 2));
  g_object_unref (found);

  /* The same id twice is refused. */
  {
    g_autoptr(HeyaiProject) dup = heyai_project_new ();

    heyai_project_set_id (dup, ids[0]);
    g_assert_false (heyai_store_insert_project (f->store, dup, &error));
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE);
    g_clear_error (&error);
  }

  g_assert_null (heyai_store_find_project (f->store, "", &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
}

static void
test_identity_map (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Original");
  g_autofree char *id = g_strdup (heyai_project_get_id (project));
  g_autofree char *sql = NULL;
  HeyaiProject *found;
  guint title_notes = 0, script_notes = 0;
  GWeakRef weak;

  found = heyai_store_find_project (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (found == project);
  g_object_unref (found);

  /* Another writer changes the row: the next load refreshes the same
   * instance and notifies only what changed. */
  g_signal_connect (project, "notify::title", G_CALLBACK (count_notify_cb), &title_notes);
  g_signal_connect (project, "notify::script", G_CALLBACK (count_notify_cb), &script_notes);
  sql = g_strdup_printf ("UPDATE projects SET title = 'Changed elsewhere' WHERE id = '%s'", id);
  exec_raw (f->store, sql);

  found = heyai_store_find_project (f->store, "1", &error);
  g_assert_no_error (error);
  g_assert_true (found == project);
  g_assert_cmpstr (heyai_project_get_title (project), ==, "Changed elsewhere");
  g_assert_cmpuint (title_notes, ==, 1);
  g_assert_cmpuint (script_notes, ==, 0);
  g_object_unref (found);

  /* Loading again without changes notifies nothing. */
  found = heyai_store_find_project (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (title_notes, ==, 1);
  g_object_unref (found);

  /* Writing through a detached copy updates the live instance. */
  {
    g_autoptr(HeyaiProject) copy = heyai_project_new ();

    heyai_project_set_id (copy, id);
    heyai_project_set_number (copy, 1);
    heyai_project_set_title (copy, "Through a copy");
    heyai_project_set_created_at (copy, heyai_project_get_created_at (project));
    g_assert_true (heyai_store_update_project (f->store, copy, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (heyai_project_get_title (project), ==, "Through a copy");
    g_assert_cmpuint (title_notes, ==, 2);
    g_assert_cmpstr (heyai_project_get_updated_at (project), ==, heyai_project_get_updated_at (copy));
  }

  /* The map holds weak references only. */
  g_weak_ref_init (&weak, project);
  g_clear_object (&project);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);

  found = heyai_store_find_project (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_project_get_title (found), ==, "Through a copy");
  g_assert_finalize_object (found);
}

static void
test_two_connections (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Shared");
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(HeyaiJob) other_job = NULL;
  g_autoptr(HeyaiJob) again = NULL;
  guint state_notes = 0;

  heyai_job_set_project_id (job, heyai_project_get_id (project));
  heyai_job_set_kind (job, HEYAI_JOB_KIND_IMAGE);
  heyai_job_set_state (job, HEYAI_JOB_STATE_RUNNING);
  g_assert_true (heyai_store_insert_job (f->store, job, &error));
  g_assert_no_error (error);

  /* `heyai cancel` in another process while `heyai run` holds the library. */
  other = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_store_get_device_id (other), ==, heyai_store_get_device_id (f->store));

  g_assert_true (heyai_store_begin (f->store, &error));   /* the writer holds the lock... */
  other_job = heyai_store_get_job (other, heyai_job_get_id (job), &error);
  g_assert_no_error (error);
  g_assert_true (other_job != job);
  heyai_store_rollback (f->store);                        /* ...and lets go */

  heyai_job_set_state (other_job, HEYAI_JOB_STATE_CANCELLED);
  g_assert_true (heyai_store_update_job (other, other_job, &error));
  g_assert_no_error (error);

  g_signal_connect (job, "notify::state", G_CALLBACK (count_notify_cb), &state_notes);
  again = heyai_store_get_job (f->store, heyai_job_get_id (job), &error);
  g_assert_no_error (error);
  g_assert_true (again == job);
  g_assert_cmpint (heyai_job_get_state (job), ==, HEYAI_JOB_STATE_CANCELLED);
  g_assert_cmpuint (state_notes, ==, 1);

  /* reload() refreshes every live object and signals what changed. */
  {
    g_autoptr(HeyaiProject) other_project = heyai_store_find_project (other, "1", &error);
    guint job_signals = 0, project_signals = 0, n_changed = 99;

    g_assert_no_error (error);
    g_signal_connect (f->store, "job-changed", G_CALLBACK (count_cb), &job_signals);
    g_signal_connect (f->store, "project-changed", G_CALLBACK (count_cb), &project_signals);

    g_assert_true (heyai_store_reload (f->store, &n_changed, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_changed, ==, 0);
    g_assert_cmpuint (job_signals, ==, 0);

    heyai_project_set_title (other_project, "Renamed in the other process");
    g_assert_true (heyai_store_update_project (other, other_project, &error));
    heyai_job_set_state (other_job, HEYAI_JOB_STATE_FAILED);
    g_assert_true (heyai_store_update_job (other, other_job, &error));
    g_assert_no_error (error);

    g_assert_true (heyai_store_reload (f->store, &n_changed, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n_changed, ==, 2);
    g_assert_cmpuint (job_signals, ==, 1);
    g_assert_cmpuint (project_signals, ==, 1);
    g_assert_cmpuint (state_notes, ==, 2);
    g_assert_cmpint (heyai_job_get_state (job), ==, HEYAI_JOB_STATE_FAILED);
    g_assert_cmpstr (heyai_project_get_title (project), ==, "Renamed in the other process");
  }
}

static void
test_scenes (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Scenes");
  const char *pid = heyai_project_get_id (project);
  g_autoptr(GPtrArray) first = make_scenes (4);
  g_autoptr(GPtrArray) second = make_scenes (3);
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *titles = NULL;
  g_autoptr(HeyaiScene) at = NULL;
  g_autoptr(HeyaiScene) extra = NULL;
  guint scenes_changed = 0;

  g_signal_connect (f->store, "scenes-changed", G_CALLBACK (count_cb), &scenes_changed);

  g_assert_true (heyai_store_replace_scenes (f->store, pid, first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scenes_changed, ==, 1);
  for (guint i = 0; i < first->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (first, i);

      g_assert_cmpint (heyai_scene_get_position (scene), ==, (int) i + 1);
      g_assert_cmpstr (heyai_scene_get_project_id (scene), ==, pid);
      g_assert_true (g_uuid_string_is_valid (heyai_scene_get_id (scene)));
    }

  list = heyai_store_list_scenes (f->store, pid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_true (g_ptr_array_index (list, 2) == g_ptr_array_index (first, 2));
  g_assert_cmpint (heyai_scene_get_duration (g_ptr_array_index (list, 1)), ==, 10);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Replacing tombstones the old scenes (in memory too). */
  heyai_scene_set_title (g_ptr_array_index (second, 0), "New A");
  g_assert_true (heyai_store_replace_scenes (f->store, pid, second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scenes_changed, ==, 2);
  g_assert_true (heyai_scene_get_deleted (g_ptr_array_index (first, 0)));
  titles = listed_titles (f->store, pid);
  g_assert_cmpstr (titles, ==, "New A,Scene B,Scene C");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM scenes WHERE deleted = 1"), ==, 4);

  /* A tombstoned scene is not found. */
  g_assert_null (heyai_store_get_scene (f->store, heyai_scene_get_id (g_ptr_array_index (first, 0)), &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* move_scene renumbers. */
  g_assert_true (heyai_store_move_scene (f->store, g_ptr_array_index (second, 2), 1, &error));
  g_assert_no_error (error);
  titles = listed_titles (f->store, pid);
  g_assert_cmpstr (titles, ==, "Scene C,New A,Scene B");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpint (heyai_scene_get_position (g_ptr_array_index (second, 0)), ==, 2);

  g_assert_true (heyai_store_move_scene (f->store, g_ptr_array_index (second, 2), 99, &error));
  g_assert_no_error (error);
  titles = listed_titles (f->store, pid);
  g_assert_cmpstr (titles, ==, "New A,Scene B,Scene C");
  g_clear_pointer (&titles, g_free);

  /* insert_scene at a position shifts the rest. */
  extra = heyai_scene_new ();
  heyai_scene_set_project_id (extra, pid);
  heyai_scene_set_title (extra, "Inserted");
  heyai_scene_set_position (extra, 2);
  g_assert_true (heyai_store_insert_scene (f->store, extra, &error));
  g_assert_no_error (error);
  titles = listed_titles (f->store, pid);
  g_assert_cmpstr (titles, ==, "New A,Inserted,Scene B,Scene C");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpint (heyai_scene_get_position (g_ptr_array_index (second, 2)), ==, 4);

  at = heyai_store_get_scene_at (f->store, pid, 3, &error);
  g_assert_no_error (error);
  g_assert_true (at == g_ptr_array_index (second, 1));
  g_assert_null (heyai_store_get_scene_at (f->store, pid, 9, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* delete_scene closes the gap. */
  g_assert_true (heyai_store_delete_scene (f->store, extra, &error));
  g_assert_no_error (error);
  titles = listed_titles (f->store, pid);
  g_assert_cmpstr (titles, ==, "New A,Scene B,Scene C");
  g_clear_pointer (&titles, g_free);

  /* update_scene persists. */
  heyai_scene_set_approval (at, HEYAI_APPROVAL_APPROVED);
  heyai_scene_set_camera_move (at, HEYAI_CAMERA_TILT_DOWN);
  g_assert_true (heyai_store_update_scene (f->store, at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM scenes WHERE approval = 'approved' "
                                         "AND camera_move = 'tilt-down' AND deleted = 0"), ==, 1);

  /* A scene of a project that does not exist is refused. */
  {
    g_autoptr(HeyaiScene) orphan = heyai_scene_new ();

    heyai_scene_set_project_id (orphan, "00000000-0000-4000-8000-000000000000");
    g_assert_false (heyai_store_insert_scene (f->store, orphan, &error));
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

static void
test_assets (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Assets");
  g_autoptr(GPtrArray) scenes = make_scenes (2);
  g_autoptr(GPtrArray) list = NULL;
  HeyaiScene *s1;
  const char *sid;
  guint asset_changed = 0;

  g_assert_true (heyai_store_replace_scenes (f->store, heyai_project_get_id (project), scenes, &error));
  g_assert_no_error (error);
  s1 = g_ptr_array_index (scenes, 0);
  sid = heyai_scene_get_id (s1);

  g_signal_connect (f->store, "asset-changed", G_CALLBACK (count_cb), &asset_changed);

  g_assert_cmpint (heyai_store_max_take (f->store, sid, HEYAI_ASSET_KIND_IMAGE), ==, 0);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(HeyaiAsset) asset = heyai_asset_new ();

      heyai_asset_set_scene_id (asset, sid);   /* project id is filled in */
      heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
      heyai_asset_set_provider (asset, "offline");
      heyai_asset_set_seed (asset, 1000 + i);
      heyai_asset_set_cost (asset, 0.02);
      g_assert_true (heyai_store_insert_asset (f->store, asset, &error));
      g_assert_no_error (error);
      g_assert_cmpint (heyai_asset_get_take (asset), ==, i + 1);
      g_assert_cmpstr (heyai_asset_get_project_id (asset), ==, heyai_project_get_id (project));
    }
  g_assert_cmpuint (asset_changed, ==, 3);

  {
    g_autoptr(HeyaiAsset) clip = heyai_asset_new ();

    heyai_asset_set_scene_id (clip, sid);
    heyai_asset_set_project_id (clip, heyai_project_get_id (project));
    heyai_asset_set_kind (clip, HEYAI_ASSET_KIND_CLIP);
    heyai_asset_set_take (clip, 5);
    g_assert_true (heyai_store_insert_asset (f->store, clip, &error));
    g_assert_no_error (error);
  }

  g_assert_cmpint (heyai_store_max_take (f->store, sid, HEYAI_ASSET_KIND_IMAGE), ==, 3);
  g_assert_cmpint (heyai_store_max_take (f->store, sid, HEYAI_ASSET_KIND_CLIP), ==, 5);
  g_assert_cmpint (heyai_store_max_take (f->store, heyai_scene_get_id (g_ptr_array_index (scenes, 1)),
                                         HEYAI_ASSET_KIND_IMAGE), ==, 0);

  list = heyai_store_list_assets (f->store, sid, HEYAI_ASSET_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  for (guint i = 0; i < list->len; i++)
    {
      g_assert_cmpint (heyai_asset_get_take (g_ptr_array_index (list, i)), ==, (int) i + 1);
      g_assert_cmpint (heyai_asset_get_seed (g_ptr_array_index (list, i)), ==, 1000 + (int) i);
    }

  /* Tombstone take 2: hidden, but its number is not reused. */
  {
    HeyaiAsset *take2 = g_ptr_array_index (list, 1);
    g_autoptr(HeyaiAsset) missing = NULL;
    g_autoptr(HeyaiAsset) take3 = NULL;

    heyai_asset_set_deleted (take2, TRUE);
    g_assert_true (heyai_store_update_asset (f->store, take2, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (asset_changed, ==, 5);

    missing = heyai_store_get_asset (f->store, sid, HEYAI_ASSET_KIND_IMAGE, 2, &error);
    g_assert_no_error (error);
    g_assert_null (missing);

    take3 = heyai_store_get_asset (f->store, sid, HEYAI_ASSET_KIND_IMAGE, 3, &error);
    g_assert_no_error (error);
    g_assert_true (take3 == g_ptr_array_index (list, 2));
    g_assert_cmpfloat (heyai_asset_get_cost (take3), ==, 0.02);

    g_assert_cmpint (heyai_store_max_take (f->store, sid, HEYAI_ASSET_KIND_IMAGE), ==, 3);
  }
  g_clear_pointer (&list, g_ptr_array_unref);

  list = heyai_store_list_assets (f->store, sid, HEYAI_ASSET_KIND_IMAGE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = heyai_store_list_project_assets (f->store, heyai_project_get_id (project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The project's own assets (no scene): a final clip and a project-level
   * image; scene clips and deleted ones are not listed. */
  {
    g_autoptr(HeyaiAsset) final = heyai_asset_new ();
    g_autoptr(HeyaiAsset) poster = heyai_asset_new ();
    g_autoptr(HeyaiAsset) gone = heyai_asset_new ();
    g_autofree char *id1 = heyai_uuid_new ();
    g_autofree char *id2 = heyai_uuid_new ();
    g_autofree char *id3 = heyai_uuid_new ();
    HeyaiAsset *mine[] = { final, poster, gone };
    const char *ids[] = { id1, id2, id3 };

    for (guint i = 0; i < G_N_ELEMENTS (mine); i++)
      {
        heyai_asset_set_id (mine[i], ids[i]);
        heyai_asset_set_project_id (mine[i], heyai_project_get_id (project));
        heyai_asset_set_kind (mine[i], i == 1 ? HEYAI_ASSET_KIND_IMAGE : HEYAI_ASSET_KIND_CLIP);
        heyai_asset_set_take (mine[i], (int) i + 1);
        g_assert_true (heyai_store_insert_asset (f->store, mine[i], &error));
        g_assert_no_error (error);
      }
    heyai_asset_set_deleted (gone, TRUE);
    g_assert_true (heyai_store_update_asset (f->store, gone, &error));
    g_assert_no_error (error);
    list = heyai_store_list_project_level_assets (f->store, heyai_project_get_id (project), HEYAI_ASSET_KIND_CLIP,
                                                  &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (heyai_asset_get_id (g_ptr_array_index (list, 0)), ==, id1);
    g_assert_null (heyai_asset_get_scene_id (g_ptr_array_index (list, 0)));
    g_clear_pointer (&list, g_ptr_array_unref);
    list = heyai_store_list_project_level_assets (f->store, heyai_project_get_id (project), HEYAI_ASSET_KIND_IMAGE,
                                                  &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (heyai_asset_get_id (g_ptr_array_index (list, 0)), ==, id2);
  }
}

static void
test_jobs (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Jobs");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) unfinished = NULL;
  g_autofree char *first_id = NULL;
  HeyaiJobState states[] = { HEYAI_JOB_STATE_QUEUED, HEYAI_JOB_STATE_DONE, HEYAI_JOB_STATE_SUBMITTED,
                             HEYAI_JOB_STATE_FAILED, HEYAI_JOB_STATE_CANCELLED, HEYAI_JOB_STATE_UPLOADING };
  guint job_changed = 0;

  g_signal_connect (f->store, "job-changed", G_CALLBACK (count_cb), &job_changed);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(HeyaiJob) job = heyai_job_new ();

      heyai_job_set_project_id (job, heyai_project_get_id (project));
      heyai_job_set_kind (job, HEYAI_JOB_KIND_CLIP);
      heyai_job_set_state (job, states[i]);
      heyai_job_set_cost (job, 0.35);
      g_assert_true (heyai_store_insert_job (f->store, job, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (heyai_job_get_idempotency_key (job), ==, heyai_job_get_id (job));
      if (i == 0)
        first_id = g_strdup (heyai_job_get_id (job));
    }
  g_assert_cmpuint (job_changed, ==, G_N_ELEMENTS (states));

  all = heyai_store_list_jobs (f->store, heyai_project_get_id (project), FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 6);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpint (heyai_job_get_state (g_ptr_array_index (all, i)), ==, states[i]);

  unfinished = heyai_store_list_jobs (f->store, heyai_project_get_id (project), TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unfinished->len, ==, 3);
  for (guint i = 0; i < unfinished->len; i++)
    g_assert_false (heyai_job_state_is_final (heyai_job_get_state (g_ptr_array_index (unfinished, i))));
  g_assert_true (g_ptr_array_index (unfinished, 0) == g_ptr_array_index (all, 0));

  /* The remote id survives a restart. */
  {
    HeyaiJob *job = g_ptr_array_index (all, 0);
    g_autoptr(HeyaiJob) again = NULL;

    heyai_job_set_remote_id (job, "kling-task-123");
    heyai_job_set_state (job, HEYAI_JOB_STATE_SUBMITTED);
    heyai_job_set_attempts (job, 2);
    heyai_job_set_next_attempt_at (job, 1764039600000000);
    heyai_job_set_progress (job, 0.5);
    g_assert_true (heyai_store_update_job (f->store, job, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (job_changed, ==, G_N_ELEMENTS (states) + 1);

    g_clear_pointer (&all, g_ptr_array_unref);
    g_clear_pointer (&unfinished, g_ptr_array_unref);
    g_clear_object (&project);
    reopen (f);

    again = heyai_store_get_job (f->store, first_id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (heyai_job_get_remote_id (again), ==, "kling-task-123");
    g_assert_cmpint (heyai_job_get_state (again), ==, HEYAI_JOB_STATE_SUBMITTED);
    g_assert_cmpint (heyai_job_get_attempts (again), ==, 2);
    g_assert_cmpint (heyai_job_get_next_attempt_at (again), ==, 1764039600000000);
    g_assert_cmpfloat (heyai_job_get_cost (again), ==, 0.35);
    g_assert_cmpfloat (heyai_job_get_progress (again), ==, 0.0);   /* not stored */
  }

  g_assert_null (heyai_store_get_job (f->store, "nope", &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
}

static void
test_transactions (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(HeyaiProject) kept = NULL;
  g_autoptr(HeyaiProject) dropped = NULL;
  guint changed = 0;

  g_signal_connect (f->store, "project-changed", G_CALLBACK (count_cb), &changed);

  g_assert_true (heyai_store_begin (f->store, &error));
  kept = add_project (f->store, "Kept");
  g_assert_cmpuint (changed, ==, 0);   /* signals wait for the commit */

  g_assert_true (heyai_store_begin (f->store, &error));
  dropped = add_project (f->store, "Dropped");
  heyai_store_rollback (f->store);

  g_assert_true (heyai_store_commit (f->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);

  list = heyai_store_list_projects (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (g_ptr_array_index (list, 0) == kept);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* An outer rollback discards everything, including queued signals. */
  g_assert_true (heyai_store_begin (f->store, &error));
  g_clear_object (&dropped);
  dropped = add_project (f->store, "Also dropped");
  heyai_store_rollback (f->store);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM projects"), ==, 1);
  g_assert_true (sqlite3_get_autocommit (heyai_store_get_handle (f->store)));
}

static void
test_meta (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  g_autofree char *gone = NULL;

  g_assert_null (heyai_store_get_meta (f->store, "last_sync"));
  g_assert_true (heyai_store_set_meta (f->store, "last_sync", "a", &error));
  g_assert_true (heyai_store_set_meta (f->store, "last_sync", "b", &error));
  g_assert_no_error (error);
  value = heyai_store_get_meta (f->store, "last_sync");
  g_assert_cmpstr (value, ==, "b");
  g_assert_true (heyai_store_set_meta (f->store, "last_sync", NULL, &error));
  gone = heyai_store_get_meta (f->store, "last_sync");
  g_assert_null (gone);
}

static void
test_integrity (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Integrity");

  g_assert_true (heyai_store_check_integrity (f->store, &error));
  g_assert_no_error (error);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) big = heyai_project_new ();
  g_autoptr(HeyaiProject) small = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *script = g_strnfill (512 * 1024, 'x');
  g_autofree char *sql = NULL;
  guint changed = 0;

  g_signal_connect (f->store, "project-changed", G_CALLBACK (count_cb), &changed);

  /* No more pages may be added: SQLite reports SQLITE_FULL. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %d", pragma_int (f->store, "PRAGMA page_count") + 2);
  exec_raw (f->store, sql);

  heyai_project_set_title (big, "Too big");
  heyai_project_set_script (big, script);
  g_assert_false (heyai_store_insert_project (f->store, big, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "heyai.db"));
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 0);

  /* The store is still usable once there is room again. */
  g_assert_true (sqlite3_get_autocommit (heyai_store_get_handle (f->store)));
  exec_raw (f->store, "PRAGMA max_page_count = 1073741823");
  small = add_project (f->store, "Fits");
  g_assert_cmpuint (changed, ==, 1);
  list = heyai_store_list_projects (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
}

static gpointer
release_lock_later (gpointer data)
{
  sqlite3 *db = data;

  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);

  return NULL;
}

static void
test_busy_wait (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = NULL;
  sqlite3 *other = NULL;
  GThread *thread;

  gint64 t0, waited;

  /* Another process holds the write lock for a moment (200 ms): the write
   * waits for it instead of failing with "database is locked", and goes on
   * soon after the lock is released (the store polls every millisecond or
   * less; SQLite's own busy timeout could oversleep by up to 100 ms). */
  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  t0 = g_get_monotonic_time ();
  thread = g_thread_new ("release", release_lock_later, other);

  project = add_project (f->store, "Waited for the lock");
  waited = g_get_monotonic_time () - t0;
  g_test_message ("waited %.1f ms for a lock held 200 ms", waited / 1000.0);
  g_assert_cmpint (heyai_project_get_number (project), ==, 1);
  g_assert_cmpint (waited, >=, 190 * G_TIME_SPAN_MILLISECOND);

  g_thread_join (thread);
  g_assert_cmpint (sqlite3_close (other), ==, SQLITE_OK);
}

static gpointer
close_later (gpointer data)
{
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (sqlite3_close (data), ==, SQLITE_OK);

  return NULL;
}

/* Another process closing the library checkpoints it and holds the lock
 * for a moment (an exclusive lock is the same to a reader): opening the
 * library meanwhile waits for it, every connection included (the schema
 * peek too), instead of failing at once with "the library is busy" — or,
 * worse, calling a busy library damaged and opening it read-only. */
static void
test_open_while_locked (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Locked by a closing process");
  HeyaiStore *second;
  sqlite3 *other = NULL;
  GThread *thread;

  /* The other process is the only one with the library open. */
  g_clear_object (&project);
  g_assert_finalize_object (g_steal_pointer (&f->store));
  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                                 "UPDATE meta SET value = value WHERE key = 'device_id'; COMMIT",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  thread = g_thread_new ("close", close_later, other);

  second = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_false (heyai_store_get_read_only (second));
  f->store = second;

  g_thread_join (thread);
}

static gint64 fake_now_ms;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now_ms;
}

static void
test_stamps_after_clock_change (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Clock");
  g_autofree char *first = g_strdup (heyai_project_get_updated_at (project));
  g_autofree char *id = g_strdup (heyai_project_get_id (project));
  g_autoptr(HeyaiProject) again = NULL;

  g_clear_object (&project);

  /* The machine's clock is set back a day between two runs. */
  fake_now_ms = g_get_real_time () / 1000 - 24 * 3600 * 1000;
  heyai_hlc_set_clock_func (fake_clock, NULL);
  reopen (f);

  again = heyai_store_find_project (f->store, id, &error);
  g_assert_no_error (error);
  heyai_project_set_title (again, "Edited after the clock went back");
  g_assert_true (heyai_store_update_project (f->store, again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (strcmp (first, heyai_project_get_updated_at (again)), <, 0);

  heyai_hlc_set_clock_func (NULL, NULL);
}

/* Two connections (the window and `heyai run`, or the sync) edit one row:
 * each writes only the columns it changed, and a write over a row that moved
 * re-applies its own columns on top of the other writer's. */
static void
test_column_writes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Shared");
  g_autoptr(GPtrArray) scenes = make_scenes (2);
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(HeyaiScene) mine = NULL;
  g_autoptr(HeyaiScene) theirs = NULL;
  g_autoptr(HeyaiStore) third = NULL;
  g_autoptr(HeyaiScene) check = NULL;
  g_autofree char *stamp = NULL;

  g_assert_true (heyai_store_replace_scenes (f->store, heyai_project_get_id (project), scenes, &error));
  g_assert_no_error (error);

  other = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  mine = heyai_store_get_scene_at (f->store, heyai_project_get_id (project), 1, &error);
  g_assert_no_error (error);
  theirs = heyai_store_get_scene_at (other, heyai_project_get_id (project), 1, &error);
  g_assert_no_error (error);

  /* An update that changes nothing writes nothing. */
  stamp = g_strdup (heyai_scene_get_updated_at (mine));
  g_assert_true (heyai_store_update_scene (f->store, mine, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_updated_at (mine), ==, stamp);

  /* Different columns: both edits survive, no conflict. */
  heyai_scene_set_title (mine, "Title from the window");
  g_assert_true (heyai_store_update_scene (f->store, mine, &error));
  g_assert_no_error (error);
  heyai_scene_set_image_prompt (theirs, "Prompt from the other process");
  g_assert_true (heyai_store_update_scene (other, theirs, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_title (theirs), ==, "Title from the window");

  third = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  check = heyai_store_get_scene (third, heyai_scene_get_id (mine), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_title (check), ==, "Title from the window");
  g_assert_cmpstr (heyai_scene_get_image_prompt (check), ==, "Prompt from the other process");
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM conflicts"), ==, 0);

  /* The same column: the later write wins and the clash is logged. */
  heyai_scene_set_description (mine, "Description from the window");
  g_assert_true (heyai_store_update_scene (f->store, mine, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_title (mine), ==, "Title from the window");
  heyai_scene_set_description (theirs, "Description from the other process");
  g_assert_true (heyai_store_update_scene (other, theirs, &error));
  g_assert_no_error (error);

  g_clear_object (&check);
  check = heyai_store_get_scene (third, heyai_scene_get_id (mine), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_description (check), ==, "Description from the other process");
  g_assert_cmpstr (heyai_scene_get_title (check), ==, "Title from the window");
  g_assert_cmpstr (heyai_scene_get_image_prompt (check), ==, "Prompt from the other process");
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM conflicts"), ==, 1);
  g_assert_cmpint (pragma_int (f->store,
                               "SELECT COUNT(*) FROM conflicts WHERE table_name = 'scenes' AND field = 'description' "
                               "AND winning_value = 'Description from the other process' "
                               "AND losing_value = 'Description from the window' AND label = 'Scene 1: Title from the window'"),
                   ==, 1);

  /* The window's object, refreshed, has the winner; a later edit there is
   * written over the current row without a new conflict. */
  g_assert_true (heyai_store_reload (f->store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_description (mine), ==, "Description from the other process");
  heyai_scene_set_motion_prompt (mine, "Slow push in");
  g_assert_true (heyai_store_update_scene (f->store, mine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM conflicts"), ==, 1);

  /* reload() keeps an unsaved edit of a live object (and it stays unsaved). */
  heyai_scene_set_title (theirs, "Unsaved title");
  g_assert_true (heyai_store_reload (other, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_motion_prompt (theirs), ==, "Slow push in");
  g_assert_cmpstr (heyai_scene_get_title (theirs), ==, "Unsaved title");
  g_assert_true (heyai_store_update_scene (other, theirs, &error));
  g_assert_no_error (error);
  g_clear_object (&check);
  check = heyai_store_get_scene (third, heyai_scene_get_id (mine), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_title (check), ==, "Unsaved title");
  g_assert_cmpstr (heyai_scene_get_motion_prompt (check), ==, "Slow push in");
  g_assert_cmpint (pragma_int (f->store, "SELECT COUNT(*) FROM conflicts"), ==, 1);
}

/* The window cancels a job while the pipeline, holding an older copy of the
 * row, saves a progress update: the cancel stays. */
static void
test_cancel_not_overwritten (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Shared");
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(HeyaiJob) pipeline_job = NULL;
  g_autoptr(HeyaiStore) third = NULL;
  g_autoptr(HeyaiJob) check = NULL;

  heyai_job_set_project_id (job, heyai_project_get_id (project));
  heyai_job_set_kind (job, HEYAI_JOB_KIND_CLIP);
  heyai_job_set_state (job, HEYAI_JOB_STATE_SUBMITTED);
  g_assert_true (heyai_store_insert_job (f->store, job, &error));
  g_assert_no_error (error);

  other = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  pipeline_job = heyai_store_get_job (other, heyai_job_get_id (job), &error);
  g_assert_no_error (error);

  heyai_job_set_state (job, HEYAI_JOB_STATE_CANCELLED);
  g_assert_true (heyai_store_update_job (f->store, job, &error));
  g_assert_no_error (error);

  heyai_job_set_state (pipeline_job, HEYAI_JOB_STATE_RUNNING);
  heyai_job_set_remote_id (pipeline_job, "task-42");
  heyai_job_set_attempts (pipeline_job, 2);
  g_assert_true (heyai_store_update_job (other, pipeline_job, &error));
  g_assert_no_error (error);
  g_assert_cmpint (heyai_job_get_state (pipeline_job), ==, HEYAI_JOB_STATE_CANCELLED);

  third = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  check = heyai_store_get_job (third, heyai_job_get_id (job), &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_job_get_state (check), ==, HEYAI_JOB_STATE_CANCELLED);
  g_assert_cmpstr (heyai_job_get_remote_id (check), ==, "task-42");
  g_assert_cmpint (heyai_job_get_attempts (check), ==, 2);
  g_assert_cmpint (pragma_int (f->store,
                               "SELECT COUNT(*) FROM conflicts WHERE table_name = 'jobs' AND field = 'state' "
                               "AND winning_value = 'cancelled' AND losing_value = 'running' AND resolved = 1"), ==, 1);
}

/* Frees pages (a dropped table), then overwrites the first freelist trunk
 * page with garbage: the tables still read, PRAGMA quick_check fails. */
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
  g_assert_cmpuint ((gsize) trunk * page_size, <=, length);
  memset (contents + (gsize) (trunk - 1) * page_size, 0x7f, page_size);
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, &error));
  g_assert_no_error (error);
}

static void
test_damaged_read_only (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Before the damage");
  g_autoptr(GPtrArray) scenes = make_scenes (3);
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(HeyaiProject) other = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *id = NULL;
  gsize before_len = 0, after_len = 0;
  gboolean read_only = FALSE;

  g_assert_true (heyai_store_replace_scenes (f->store, heyai_project_get_id (project), scenes, &error));
  g_assert_no_error (error);
  id = g_strdup (heyai_project_get_id (project));
  g_clear_object (&project);
  g_assert_false (heyai_store_get_read_only (f->store));
  g_assert_null (heyai_store_get_read_only_reason (f->store));
  g_assert_finalize_object (f->store);
  f->store = NULL;

  damage_library (f->path);
  g_assert_true (g_file_get_contents (f->path, &before, &before_len, &error));

  f->store = heyai_store_new (f->path, &error);
  g_assert_no_error (error);
  g_object_get (f->store, "read-only", &read_only, NULL);
  g_assert_true (read_only);
  g_assert_true (heyai_store_get_read_only (f->store));
  g_test_message ("%s", heyai_store_get_read_only_reason (f->store));
  g_assert_nonnull (strstr (heyai_store_get_read_only_reason (f->store), "heyai.db"));
  g_assert_nonnull (strstr (heyai_store_get_read_only_reason (f->store), "read-only"));

  /* Reading works. */
  projects = heyai_store_list_projects (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (projects->len, ==, 1);
  project = g_object_ref (g_ptr_array_index (projects, 0));
  g_assert_cmpstr (heyai_project_get_title (project), ==, "Before the damage");
  listed = heyai_store_list_scenes (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 3);

  /* Every write is refused with the reason. */
  g_assert_false (heyai_store_check_writable (f->store, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);
  heyai_project_set_title (project, "Written into a damaged file");
  g_assert_false (heyai_store_update_project (f->store, project, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_assert_cmpstr (error->message, ==, heyai_store_get_read_only_reason (f->store));
  g_clear_error (&error);
  other = heyai_project_new ();
  heyai_project_set_title (other, "New");
  g_assert_false (heyai_store_insert_project (f->store, other, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (heyai_store_begin (f->store, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (heyai_store_set_meta (f->store, "x", "y", &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);

  g_clear_object (&project);
  g_clear_object (&other);
  g_clear_pointer (&projects, g_ptr_array_unref);
  g_clear_pointer (&listed, g_ptr_array_unref);
  g_assert_finalize_object (f->store);
  f->store = NULL;

  g_assert_true (g_file_get_contents (f->path, &after, &after_len, &error));
  g_assert_cmpuint (after_len, ==, before_len);
  g_assert_true (memcmp (before, after, before_len) == 0);
}

/* The storyboard's light reads: scene ids and stamps in list order, and
 * still paths, agree with the full listings. */
static void
test_light_listings (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) project = add_project (f->store, "Light");
  g_autoptr(GPtrArray) scenes = make_scenes (3);
  g_autoptr(GPtrArray) listed = NULL;
  g_auto(GStrv) versions = NULL;
  g_auto(GStrv) stills = NULL;
  const char *pid = heyai_project_get_id (project);

  g_assert_true (heyai_store_replace_scenes (f->store, pid, scenes, &error));
  g_assert_no_error (error);
  g_assert_true (heyai_store_move_scene (f->store, g_ptr_array_index (scenes, 2), 1, &error));
  listed = heyai_store_list_scenes (f->store, pid, &error);
  versions = heyai_store_list_scene_versions (f->store, pid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (versions), ==, 2 * listed->len);
  for (guint i = 0; i < listed->len; i++)
    {
      g_assert_cmpstr (versions[2 * i], ==, heyai_scene_get_id (g_ptr_array_index (listed, i)));
      g_assert_cmpstr (versions[2 * i + 1], ==, heyai_scene_get_updated_at (g_ptr_array_index (listed, i)));
    }
  g_assert_true (heyai_store_delete_scene (f->store, g_ptr_array_index (listed, 0), &error));
  g_clear_pointer (&versions, g_strfreev);
  versions = heyai_store_list_scene_versions (f->store, pid, &error);
  g_assert_cmpuint (g_strv_length (versions), ==, 4);

  /* Two local stills, one on Drive only (empty path), a clip (not a still). */
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(HeyaiAsset) asset = heyai_asset_new ();

      heyai_asset_set_scene_id (asset, heyai_scene_get_id (g_ptr_array_index (listed, 1)));
      heyai_asset_set_kind (asset, i == 3 ? HEYAI_ASSET_KIND_CLIP : HEYAI_ASSET_KIND_IMAGE);
      if (i == 2)
        heyai_asset_set_drive_file_id (asset, "drive-1");
      else
        {
          g_autofree char *path = g_strdup_printf ("/tmp/still-%u.png", i);
          heyai_asset_set_local_path (asset, path);
        }
      g_assert_true (heyai_store_insert_asset (f->store, asset, &error));
      g_assert_no_error (error);
    }
  stills = heyai_store_list_still_paths (f->store, pid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (stills), ==, 9);
  g_assert_cmpstr (stills[0], ==, heyai_scene_get_id (g_ptr_array_index (listed, 1)));
  g_assert_cmpstr (stills[1], ==, "1");
  g_assert_cmpstr (stills[2], ==, "/tmp/still-0.png");
  g_assert_cmpstr (stills[4], ==, "2");
  g_assert_cmpstr (stills[5], ==, "/tmp/still-1.png");
  g_assert_cmpstr (stills[7], ==, "3");
  g_assert_cmpstr (stills[8], ==, "");
}

/* A commit that takes the WAL past the checkpoint threshold does not
 * checkpoint on the committing thread (the window's main thread): a thread of
 * the store's does, while the store stays open. */
static void
test_checkpoint_off_thread (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (6 * 1024 * 1024, 'x');   /* ~1500 pages */
  guint before = _heyai_store_checkpoints_done ();
  GStatBuf st;
  g_autoptr(HeyaiStmt) stmt = NULL;

  /* The store's own connection never checkpoints by itself. */
  stmt = _heyai_store_prepare (f->store, "PRAGMA wal_autocheckpoint", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  g_clear_pointer (&stmt, _heyai_store_stmt_release);

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 1024 * 1024);
  g_assert_true (heyai_store_set_meta (f->store, "bench_blob", big, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 500 && _heyai_store_checkpoints_done () == before; i++)
    g_usleep (10 * 1000);
  g_assert_cmpuint (_heyai_store_checkpoints_done (), >, before);
  /* The data is in the main file with the store still open. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_test_message ("database file after the checkpoint: %" G_GINT64_FORMAT " bytes", (gint64) st.st_size);
  g_assert_cmpint (st.st_size, >=, 6 * 1024 * 1024);
  {
    g_autofree char *back = heyai_store_get_meta (f->store, "bench_blob");
    g_assert_cmpuint (strlen (back), ==, strlen (big));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/core/store/create", test_create);
  g_test_add_func ("/core/store/migrate-empty-file", test_migrate_empty_file);
  ADD ("/core/store/schema-too-new", test_schema_too_new);
  ADD ("/core/store/schema-too-new-while-open", test_schema_too_new_while_open);
  g_test_add_func ("/core/store/not-a-database", test_not_a_database);
  g_test_add_func ("/core/store/read-only-dir", test_read_only_dir);
  ADD ("/core/store/projects", test_projects);
  ADD ("/core/store/find-ambiguous", test_find_ambiguous);
  ADD ("/core/store/identity-map", test_identity_map);
  ADD ("/core/store/two-connections", test_two_connections);
  ADD ("/core/store/column-writes", test_column_writes);
  ADD ("/core/store/cancel-not-overwritten", test_cancel_not_overwritten);
  ADD ("/core/store/scenes", test_scenes);
  ADD ("/core/store/assets", test_assets);
  ADD ("/core/store/jobs", test_jobs);
  ADD ("/core/store/transactions", test_transactions);
  ADD ("/core/store/meta", test_meta);
  ADD ("/core/store/integrity", test_integrity);
  ADD ("/core/store/damaged-read-only", test_damaged_read_only);
  ADD ("/core/store/disk-full", test_disk_full);
  ADD ("/core/store/busy-wait", test_busy_wait);
  ADD ("/core/store/open-while-locked", test_open_while_locked);
  ADD ("/core/store/stamps-after-clock-change", test_stamps_after_clock_change);
  ADD ("/core/store/light-listings", test_light_listings);
  ADD ("/core/store/checkpoint-off-thread", test_checkpoint_off_thread);
#undef ADD

  return g_test_run ();
}
