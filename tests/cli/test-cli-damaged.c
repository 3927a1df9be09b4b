/* test-cli-damaged.c: `heyai` on a damaged library (fails PRAGMA
 * quick_check): it is opened read-only, list/show/status/export work with a
 * warning, write commands are refused with exit status 1, and the file is
 * byte-identical afterwards.
 *
 * Usage: test-cli-damaged --tap PATH-TO-heyai
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "heyai-core.h"
#include "cli-test-utils.h"

/* Runs heyai with HEYAI_DATA_DIR = @data_dir and the offline providers
 * (the arguments end with NULL); returns the exit status. */
static int
heyai_v (const char         *data_dir,
         char              **out,
         char              **err,
         const char *const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    cli_launcher_new (data_dir, NULL, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  return cli_run (launcher, NULL, args, out, err);
}

#define heyai(data_dir, out, err, ...) heyai_v ((data_dir), (out), (err), (const char *[]) { __VA_ARGS__ })

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
  g_assert_cmpuint ((gsize) trunk * page_size, <=, length);
  memset (contents + (gsize) (trunk - 1) * page_size, 0x7f, page_size);
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, &error));
  g_assert_no_error (error);
}

static void
test_damaged_library (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-cli-damaged-XXXXXX", &error);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *db = g_build_filename (data, "heyai.db", NULL);
  g_autofree char *to = g_build_filename (dir, "out", NULL);
  g_autofree char *script = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"), "night-shift.fountain", NULL);
  g_autofree char *id = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  char *out = NULL, *err = NULL;

  /* A project with approved stills, made while the library was intact. */
  g_assert_cmpint (heyai (data, &id, NULL, "new", "--title", "Before the damage", script, NULL), ==, 0);
  g_strstrip (id);
  g_assert_cmpint (heyai (data, NULL, NULL, "analyze", id, NULL), ==, 0);
  g_assert_cmpint (heyai (data, NULL, NULL, "images", id, NULL), ==, 0);
  g_assert_cmpint (heyai (data, NULL, NULL, "approve", id, "--all", NULL), ==, 0);

  damage_library (db);
  before = cli_file_sum (db);

  /* Reading commands work, with the warning on stderr. */
  g_assert_cmpint (heyai (data, &out, &err, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Before the damage"));
  g_assert_nonnull (strstr (err, "damaged"));
  g_assert_nonnull (strstr (err, "read-only"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (heyai (data, &out, &err, "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Before the damage"));
  g_assert_nonnull (strstr (err, "read-only"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (heyai (data, &out, NULL, "status", id, "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"scenes\""));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (heyai (data, &out, NULL, "export", id, "--to", to, "--formats", "edl,csv", NULL), ==, 0);
  g_assert_true (g_file_test (g_strstrip (out), G_FILE_TEST_IS_DIR));
  g_clear_pointer (&out, g_free);

  /* Writing commands are refused, before anything is written. */
  g_assert_cmpint (heyai (data, &out, &err, "new", "--title", "After the damage", script, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "damaged"));
  g_assert_nonnull (strstr (err, "read-only"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (heyai (data, NULL, &err, "reject", id, "1", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "read-only"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (heyai (data, NULL, &err, "run", id, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "read-only"));
  g_clear_pointer (&err, g_free);

  after = cli_file_sum (db);
  g_assert_cmpstr (before, ==, after);

  cli_rm_rf (dir);
}

/* A scene list that cannot be read is an error, not "0 scenes". */
static void
test_unreadable_scenes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-cli-unreadable-XXXXXX", &error);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  g_autofree char *db_path = g_build_filename (data, "heyai.db", NULL);
  g_autofree char *script = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"), "night-shift.fountain", NULL);
  g_autofree char *id = NULL;
  char *out = NULL, *err = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (heyai (data, &id, NULL, "new", "--title", "Scenes out of reach", script, NULL), ==, 0);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE scenes RENAME COLUMN motion_prompt TO motion_out_of_reach",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (heyai (data, &out, &err, "list", NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Scenes out of reach"));
  g_assert_nonnull (strstr (out, "?"));
  g_assert_nonnull (strstr (err, "motion_prompt"));
  g_free (out);
  g_free (err);

  cli_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv);

  g_test_add_func ("/cli/damaged-library", test_damaged_library);
  g_test_add_func ("/cli/unreadable-scenes", test_unreadable_scenes);

  return g_test_run ();
}
