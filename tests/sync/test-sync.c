/* test-sync.c: two computers (two data folders) syncing through a folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "heyai-core.h"
#include "heyai-merge.h"
#include "heyai-providers.h"
#include "heyai-sync.h"
#include "heyai-sync-folder.h"
#include "sync-test-utils.h"

typedef struct
{
  char            *dir;
  char            *a_dir;
  char            *b_dir;
  char            *remote_dir;
  HeyaiStore      *a;
  HeyaiStore      *b;
  HeyaiSyncFolder *remote;
} Fixture;

static HeyaiStore *
open_store (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "library.sqlite", NULL);
  HeyaiStore *store = heyai_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *shared = g_getenv ("HEYAI_TEST_SYNC_DIR");

  sync_test_install_clock ();

  /* A trap subprocess works on its parent's folders. */
  if (g_test_subprocess () && shared != NULL && *shared != '\0')
    f->dir = g_strdup (shared);
  else
    f->dir = g_dir_make_tmp ("heyai-sync-XXXXXX", &error);
  g_assert_no_error (error);

  f->a_dir = g_build_filename (f->dir, "A", NULL);
  f->b_dir = g_build_filename (f->dir, "B", NULL);
  f->remote_dir = g_build_filename (f->dir, "remote", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->remote_dir, 0700), ==, 0);

  f->a = open_store (f->a_dir);
  f->b = open_store (f->b_dir);
  f->remote = heyai_sync_folder_new (f->remote_dir);
  g_assert_cmpstr (heyai_store_get_device_id (f->a), !=, heyai_store_get_device_id (f->b));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Nothing (a sync task, a worker) keeps a library alive. */
  if (f->a != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->a));
  if (f->b != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->b));
  g_clear_object (&f->remote);
  if (!g_test_subprocess ())
    sync_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->a_dir);
  g_free (f->b_dir);
  g_free (f->remote_dir);
  heyai_hlc_set_clock_func (NULL, NULL);
}

static HeyaiSyncReport *
sync_ok (HeyaiStore      *store,
         HeyaiSyncFolder *remote)
{
  g_autoptr(GError) error = NULL;
  HeyaiSyncReport *report = sync_test_run (store, HEYAI_SYNC_REMOTE (remote), &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  sync_test_tick ();
  return report;
}

static void
sync_quiet (HeyaiStore      *store,
            HeyaiSyncFolder *remote)
{
  heyai_sync_report_free (sync_ok (store, remote));
}

static void
assert_same_library (Fixture *f)
{
  g_autofree char *a = sync_test_dump (f->a);
  g_autofree char *b = sync_test_dump (f->b);

  g_assert_cmpstr (a, ==, b);
}

static HeyaiScene *
scene_at (HeyaiStore *store,
          const char *project_id,
          int         position)
{
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene = heyai_store_get_scene_at (store, project_id, position, &error);

  g_assert_no_error (error);
  g_assert_nonnull (scene);
  return scene;
}

static void
edit_prompt (HeyaiStore *store,
             const char *project_id,
             int         position,
             const char *prompt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScene) scene = scene_at (store, project_id, position);

  heyai_scene_set_image_prompt (scene, prompt);
  g_assert_true (heyai_store_update_scene (store, scene, &error));
  g_assert_no_error (error);
  sync_test_tick ();
}

/* ------------------------------------------------------------------------ */

static void
on_project_changed (HeyaiStore   *store,
                    HeyaiProject *project,
                    char        **seen)
{
  g_free (*seen);
  *seen = g_strdup (heyai_project_get_id (project));
}

static void
on_scenes_changed (HeyaiStore  *store,
                   const char  *project_id,
                   char       **seen)
{
  g_free (*seen);
  *seen = g_strdup (project_id);
}

static void
test_first_sync (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "El último faro", 4);
  g_autoptr(HeyaiProject) on_b = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(HeyaiSyncReport) r1 = NULL;
  g_autoptr(HeyaiSyncReport) r2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *projects_seen = NULL;
  g_autofree char *scenes_seen = NULL;
  g_autofree char *plain = NULL;
  gboolean was_gzip = FALSE;
  sqlite3 *db = NULL;

  r1 = sync_ok (f->a, f->remote);
  g_assert_true (r1->uploaded);
  g_assert_cmpuint (r1->peers, ==, 0);
  g_assert_cmpuint (r1->bytes_uploaded, >, 0);

  /* The snapshot carries no local-only data. */
  snapshot = g_strdup_printf ("%s/.heyai/library-%s.sqlite.gz", f->remote_dir, heyai_store_get_device_id (f->a));
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_IS_REGULAR));
  plain = g_build_filename (f->dir, "plain.sqlite", NULL);
  g_assert_true (heyai_merge_gunzip (snapshot, plain, &was_gzip, &error));
  g_assert_no_error (error);
  g_assert_true (was_gzip);
  g_assert_cmpint (sqlite3_open_v2 (plain, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT COUNT(*) FROM meta) + (SELECT COUNT(*) FROM sync_base) "
                                         "+ (SELECT COUNT(*) FROM sync_peers), (SELECT COUNT(*) FROM scenes), "
                                         "(SELECT user_version FROM pragma_user_version)",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 4);
    g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, HEYAI_STORE_SCHEMA_VERSION);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);

  g_signal_connect (f->b, "project-changed", G_CALLBACK (on_project_changed), &projects_seen);
  g_signal_connect (f->b, "scenes-changed", G_CALLBACK (on_scenes_changed), &scenes_seen);
  r2 = sync_ok (f->b, f->remote);
  g_assert_cmpuint (r2->peers, ==, 1);
  /* The window hears about the new project and its scenes. */
  g_assert_cmpstr (projects_seen, ==, heyai_project_get_id (project));
  g_assert_cmpstr (scenes_seen, ==, heyai_project_get_id (project));
  g_assert_cmpuint (r2->rows_inserted, ==, 5);
  g_assert_cmpuint (r2->conflicts, ==, 0);

  on_b = heyai_store_find_project (f->b, heyai_project_get_id (project), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_project_get_title (on_b), ==, "El último faro");
  scenes = heyai_store_list_scenes (f->b, heyai_project_get_id (project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 4);
  g_assert_cmpstr (heyai_scene_get_image_prompt (g_ptr_array_index (scenes, 2)), ==, "prompt 3");

  /* B's stamps now come after A's. */
  {
    g_autofree char *stamp = heyai_hlc_now (heyai_store_get_hlc (f->b));

    g_assert_cmpstr (stamp, >, heyai_project_get_updated_at (project));
  }

  assert_same_library (f);
}

static void
test_different_scenes (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  const char *pid = heyai_project_get_id (project);
  g_autoptr(HeyaiScene) s1 = NULL;
  g_autoptr(HeyaiScene) s2 = NULL;
  g_autoptr(HeyaiScene) live_s2 = NULL;
  g_autoptr(HeyaiSyncReport) report = NULL;
  guint notified = 0;

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  /* A live object on A, as the window holds. */
  live_s2 = scene_at (f->a, pid, 2);
  g_signal_connect_swapped (live_s2, "notify::image-prompt", G_CALLBACK (g_atomic_int_inc), &notified);

  edit_prompt (f->a, pid, 1, "A: wide shot of the coast");
  edit_prompt (f->b, pid, 2, "B: close-up of the lamp");

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  report = sync_ok (f->a, f->remote);
  g_assert_cmpuint (report->rows_updated, ==, 1);
  g_assert_cmpuint (report->conflicts, ==, 0);

  s1 = scene_at (f->b, pid, 1);
  s2 = scene_at (f->a, pid, 2);
  g_assert_cmpstr (heyai_scene_get_image_prompt (s1), ==, "A: wide shot of the coast");
  g_assert_cmpstr (heyai_scene_get_image_prompt (s2), ==, "B: close-up of the lamp");
  g_assert_true (s2 == live_s2);
  g_assert_cmpuint (notified, ==, 1);

  assert_same_library (f);
  g_assert_cmpint (sync_test_count (f->a, "SELECT COUNT(*) FROM conflicts"), ==, 0);
}

static void
test_same_field_conflict (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  const char *pid = heyai_project_get_id (project);
  g_autoptr(GPtrArray) on_a = NULL;
  g_autoptr(GPtrArray) on_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  HeyaiSyncConflict *c;

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  /* Same scene: the prompt on both (B later), plus the title on A only and
   * the description on B only. */
  {
    g_autoptr(HeyaiScene) sa = scene_at (f->a, pid, 1);

    heyai_scene_set_image_prompt (sa, "A's prompt");
    heyai_scene_set_title (sa, "A's title");
    g_assert_true (heyai_store_update_scene (f->a, sa, &error));
    sync_test_tick ();
  }
  {
    g_autoptr(HeyaiScene) sb = scene_at (f->b, pid, 1);

    heyai_scene_set_image_prompt (sb, "B's prompt");
    heyai_scene_set_description (sb, "B's description");
    g_assert_true (heyai_store_update_scene (f->b, sb, &error));
    sync_test_tick ();
  }

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  scene = scene_at (f->a, pid, 1);
  g_assert_cmpstr (heyai_scene_get_image_prompt (scene), ==, "B's prompt");
  g_assert_cmpstr (heyai_scene_get_title (scene), ==, "A's title");
  g_assert_cmpstr (heyai_scene_get_description (scene), ==, "B's description");
  assert_same_library (f);

  on_a = heyai_sync_list_conflicts (f->a, NULL, FALSE, &error);
  g_assert_no_error (error);
  on_b = heyai_sync_list_conflicts (f->b, pid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (on_a->len, ==, 1);
  g_assert_cmpuint (on_b->len, ==, 1);
  c = g_ptr_array_index (on_a, 0);
  g_assert_cmpstr (c->field, ==, "image_prompt");
  g_assert_cmpstr (c->table_name, ==, "scenes");
  g_assert_cmpstr (c->project_id, ==, pid);
  g_assert_cmpstr (c->label, ==, "Scene 1: A's title");
  g_assert_cmpstr (c->winning_value, ==, "B's prompt");
  g_assert_cmpstr (c->losing_value, ==, "A's prompt");
  g_assert_cmpstr (c->winning_device, ==, heyai_store_get_device_id (f->b));
  g_assert_cmpstr (c->losing_device, ==, heyai_store_get_device_id (f->a));
  g_assert_false (c->resolved);

  /* "Use the other value" on A: A's prompt comes back everywhere. */
  g_assert_true (heyai_sync_resolve_conflict (f->a, c->id, HEYAI_SYNC_USE_OTHER_VALUE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_scene_get_image_prompt (scene), ==, "A's prompt");
  sync_test_tick ();
  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  g_clear_object (&scene);
  scene = scene_at (f->b, pid, 1);
  g_assert_cmpstr (heyai_scene_get_image_prompt (scene), ==, "A's prompt");
  g_clear_pointer (&on_b, g_ptr_array_unref);
  on_b = heyai_sync_list_conflicts (f->b, NULL, FALSE, &error);
  g_assert_cmpuint (on_b->len, ==, 0);
  g_clear_pointer (&on_b, g_ptr_array_unref);
  on_b = heyai_sync_list_conflicts (f->b, NULL, TRUE, &error);
  g_assert_cmpuint (on_b->len, ==, 1);
  g_assert_true (((HeyaiSyncConflict *) g_ptr_array_index (on_b, 0))->resolved);
  sync_quiet (f->a, f->remote);
  assert_same_library (f);

  /* An unknown id is refused with a clear error. */
  g_assert_false (heyai_sync_resolve_conflict (f->a, "nope", HEYAI_SYNC_KEEP_WINNER, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  const char *pid = heyai_project_get_id (project);
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  {
    g_autoptr(HeyaiScene) s2 = scene_at (f->a, pid, 2);

    g_assert_true (heyai_store_delete_scene (f->a, s2, &error));
    g_assert_no_error (error);
    sync_test_tick ();
  }

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  scenes = heyai_store_list_scenes (f->b, pid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scenes->len, ==, 2);
  for (guint i = 0; i < scenes->len; i++)
    g_assert_cmpstr (heyai_scene_get_title (g_ptr_array_index (scenes, i)), !=, "Scene 2");
  assert_same_library (f);
}

static void
test_delete_versus_edit (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 2);
  const char *pid = heyai_project_get_id (project);
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *scene_id = NULL;
  HeyaiSyncConflict *c;

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  {
    g_autoptr(HeyaiScene) s = scene_at (f->a, pid, 2);

    scene_id = g_strdup (heyai_scene_get_id (s));
    g_assert_true (heyai_store_delete_scene (f->a, s, &error));
    sync_test_tick ();
  }
  edit_prompt (f->b, pid, 2, "B keeps working on it");

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);

  scenes = heyai_store_list_scenes (f->b, pid, &error);
  g_assert_cmpuint (scenes->len, ==, 1);
  assert_same_library (f);

  conflicts = heyai_sync_list_conflicts (f->a, pid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  c = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (c->field, ==, "deleted");
  g_assert_cmpstr (c->row_id, ==, scene_id);
  g_assert_cmpstr (c->winning_device, ==, heyai_store_get_device_id (f->a));

  /* Bring it back, with B's edit. */
  g_assert_true (heyai_sync_resolve_conflict (f->b, c->id, HEYAI_SYNC_USE_OTHER_VALUE, &error));
  g_assert_no_error (error);
  sync_test_tick ();
  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);
  g_clear_pointer (&scenes, g_ptr_array_unref);
  scenes = heyai_store_list_scenes (f->a, pid, &error);
  g_assert_cmpuint (scenes->len, ==, 2);
  g_assert_cmpstr (heyai_scene_get_image_prompt (g_ptr_array_index (scenes, 1)), ==, "B keeps working on it");
  assert_same_library (f);
}

static void
test_nothing_changed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  g_autoptr(HeyaiSyncReport) report = NULL;
  HeyaiSyncFolderStats stats;

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);

  heyai_sync_folder_reset_stats (f->remote);
  report = sync_ok (f->a, f->remote);
  heyai_sync_folder_get_stats (f->remote, &stats);
  g_assert_false (report->uploaded);
  g_assert_cmpuint (report->peers, ==, 0);
  g_assert_cmpuint (stats.lists, ==, 1);
  g_assert_cmpuint (stats.uploads, ==, 0);
  g_assert_cmpuint (stats.downloads, ==, 0);
  g_assert_cmpuint (stats.bytes_uploaded, ==, 0);

  /* One edit: one upload, still one listing. */
  edit_prompt (f->a, heyai_project_get_id (project), 1, "changed");
  heyai_sync_folder_reset_stats (f->remote);
  g_clear_pointer (&report, heyai_sync_report_free);
  report = sync_ok (f->a, f->remote);
  heyai_sync_folder_get_stats (f->remote, &stats);
  g_assert_true (report->uploaded);
  g_assert_cmpuint (stats.lists, ==, 1);
  g_assert_cmpuint (stats.uploads, ==, 1);

  /* Our snapshot removed from the remote by someone: uploaded again. */
  {
    g_autofree char *path = g_strdup_printf ("%s/.heyai/library-%s.sqlite.gz", f->remote_dir,
                                             heyai_store_get_device_id (f->a));

    g_assert_cmpint (g_unlink (path), ==, 0);
  }
  g_clear_pointer (&report, heyai_sync_report_free);
  report = sync_ok (f->a, f->remote);
  g_assert_true (report->uploaded);
}

typedef struct
{
  HeyaiStore *store;
  const char *project_id;
  gboolean    edited;
  gboolean    done;
  GError     *error;
} EditWhileSync;

static void
on_sync_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  EditWhileSync *e = user_data;
  g_autoptr(HeyaiSyncReport) report = heyai_sync_run_finish (result, &e->error);

  e->done = TRUE;
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 2);
  g_autofree char *missing = g_build_filename (f->dir, "unmounted", NULL);
  g_autoptr(HeyaiSyncFolder) gone = heyai_sync_folder_new (missing);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = sync_test_dump (f->a);
  g_autofree char *after = NULL;
  HeyaiSyncReport *report;

  report = sync_test_run (f->a, HEYAI_SYNC_REMOTE (gone), &error);
  g_assert_null (report);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "sync later"));
  after = sync_test_dump (f->a);
  g_assert_cmpstr (before, ==, after);
  g_assert_null (heyai_store_get_meta (f->a, "sync.fingerprint"));
  g_assert_cmpint (sync_test_count (f->a, "SELECT COUNT(*) FROM sync_base"), ==, 0);

  /* A second sync at the same time is refused, the first completes. */
  g_clear_error (&error);
  {
    EditWhileSync first = { 0 };
    EditWhileSync second = { 0 };
    g_autofree char *lock = g_build_filename (f->a_dir, "sync", "sync.lock", NULL);
    int fd;

    g_assert_false (heyai_sync_is_running (f->a));
    heyai_sync_run_async (f->a, HEYAI_SYNC_REMOTE (f->remote), NULL, NULL, NULL, NULL, on_sync_done, &first);
    g_assert_true (heyai_sync_is_running (f->a));
    heyai_sync_run_async (f->a, HEYAI_SYNC_REMOTE (f->remote), NULL, NULL, NULL, NULL, on_sync_done, &second);
    while (!first.done || !second.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (heyai_sync_is_running (f->a));
    g_assert_no_error (first.error);
    g_assert_error (second.error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
    g_assert_nonnull (strstr (second.error->message, "already running"));
    g_clear_error (&second.error);

    /* Another process (`heyai sync`) holds the lock. */
    fd = g_open (lock, O_RDWR, 0);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);
    report = sync_test_run (f->a, HEYAI_SYNC_REMOTE (f->remote), &error);
    g_assert_null (report);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
    g_clear_error (&error);
    close (fd);
    sync_quiet (f->a, f->remote);
  }
}

/* A newer HeyAI Studio on A: B refuses A's snapshot, changes nothing. */
static void
test_newer_schema_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "plain.sqlite", NULL);
  gboolean was_gzip = FALSE;
  sqlite3 *db = NULL;
  HeyaiSyncReport *report;

  sync_quiet (f->a, f->remote);
  snapshot = g_strdup_printf ("%s/.heyai/library-%s.sqlite.gz", f->remote_dir, heyai_store_get_device_id (f->a));
  g_assert_true (heyai_merge_gunzip (snapshot, plain, &was_gzip, &error));
  g_assert_cmpint (sqlite3_open (plain, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (heyai_merge_gzip (plain, snapshot, &error));
  g_assert_no_error (error);

  before = sync_test_dump (f->b);
  report = sync_test_run (f->b, HEYAI_SYNC_REMOTE (f->remote), &error);
  g_assert_null (report);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW);
  g_assert_cmpstr (error->message, ==, "Another computer uses a newer HeyAI Studio; update this one to sync.");
  after = sync_test_dump (f->b);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM projects"), ==, 0);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM sync_peers"), ==, 0);
}

typedef struct
{
  gboolean  done;
  char     *path;
  GError   *error;
} Ensured;

static void
on_ensured (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Ensured *e = user_data;

  e->path = heyai_sync_ensure_local_asset_finish (result, &e->error);
  e->done = TRUE;
}

static gboolean
spin_until (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return *flag;
}

/* A copy from an older HeyAI Studio (schema 1: no conflicts table, a
 * column fewer) merges on what both know. */
static void
test_older_schema_merged (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "plain.sqlite", NULL);
  gboolean was_gzip = FALSE;
  sqlite3 *db = NULL;

  sync_quiet (f->a, f->remote);
  snapshot = g_strdup_printf ("%s/.heyai/library-%s.sqlite.gz", f->remote_dir, heyai_store_get_device_id (f->a));
  g_assert_true (heyai_merge_gunzip (snapshot, plain, &was_gzip, &error));
  g_assert_cmpint (sqlite3_open (plain, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE conflicts; DROP TABLE sync_base; DROP TABLE sync_peers; "
                                 "ALTER TABLE scenes DROP COLUMN camera_move; PRAGMA user_version = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (heyai_merge_gzip (plain, snapshot, &error));

  sync_quiet (f->b, f->remote);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM scenes WHERE camera_move = 'static'"), ==, 2);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM projects WHERE title = 'Night shift'"), ==, 1);
}

/* Assets: local_path is per computer; the file follows lazily. */
static void
test_assets_lazy (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 2);
  g_autoptr(HeyaiScene) scene = scene_at (f->a, heyai_project_get_id (project), 2);
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiAsset) on_b = NULL;
  g_autoptr(HeyaiJob) running = heyai_job_new ();
  g_autoptr(HeyaiJob) done = heyai_job_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *a_file = g_build_filename (f->a_dir, "scene-02.png", NULL);
  g_autofree char *remote_rel = g_strdup ("Project-1-night-shift/images/scene-02.png");
  g_autofree char *remote_file = g_build_filename (f->remote_dir, remote_rel, NULL);
  g_autofree char *remote_dir = g_path_get_dirname (remote_file);
  g_autofree char *sum = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(HeyaiSyncReport) report = NULL;
  /* A tiny PNG signature + padding: enough to sniff. */
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89 };
  gchar *contents = NULL;
  gsize length = 0;
  guint asset_changed = 0;
  Ensured ensured = { 0 };

  g_assert_true (g_file_set_contents (a_file, (const char *) png, sizeof png, NULL));
  g_assert_cmpint (g_mkdir_with_parents (remote_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (remote_file, (const char *) png, sizeof png, NULL));
  sum = heyai_file_sha256 (a_file, NULL, &error);

  heyai_asset_set_scene_id (asset, heyai_scene_get_id (scene));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_local_path (asset, a_file);
  heyai_asset_set_sha256 (asset, sum);
  heyai_asset_set_drive_file_id (asset, remote_rel);
  g_assert_true (heyai_store_insert_asset (f->a, asset, &error));
  g_assert_no_error (error);

  heyai_job_set_scene_id (running, heyai_scene_get_id (scene));
  heyai_job_set_kind (running, HEYAI_JOB_KIND_CLIP);
  heyai_job_set_state (running, HEYAI_JOB_STATE_RUNNING);
  heyai_job_set_upload_session (running, "http://upload/session?upload_id=secret");
  g_assert_true (heyai_store_insert_job (f->a, running, &error));
  heyai_job_set_scene_id (done, heyai_scene_get_id (scene));
  heyai_job_set_kind (done, HEYAI_JOB_KIND_IMAGE);
  heyai_job_set_state (done, HEYAI_JOB_STATE_DONE);
  heyai_job_set_upload_session (done, "http://upload/session?upload_id=secret2");
  g_assert_true (heyai_store_insert_job (f->a, done, &error));
  g_assert_no_error (error);
  sync_test_tick ();

  sync_quiet (f->a, f->remote);
  /* B is another computer: A's file is not there. */
  g_assert_cmpint (g_unlink (a_file), ==, 0);
  sync_quiet (f->b, f->remote);

  /* local_path from another computer: kept only for a file inside this
   * computer's project tree, never an arbitrary file here. */
  {
    g_autofree char *tree = g_build_filename (f->b_dir, "HeyAI Projects", "Project-1-night-shift", "images", NULL);
    g_autofree char *inside = g_build_filename (tree, "shared.png", NULL);
    g_autofree char *escape = g_build_filename (f->b_dir, "HeyAI Projects", "..", "library.sqlite", NULL);
    g_autofree char *outside = g_strdup (remote_file);
    const char *paths[] = { inside, escape, outside };

    g_assert_cmpint (g_mkdir_with_parents (tree, 0700), ==, 0);
    g_assert_true (g_file_set_contents (inside, (const char *) png, sizeof png, NULL));
    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr(HeyaiAsset) extra = heyai_asset_new ();

        heyai_asset_set_scene_id (extra, heyai_scene_get_id (scene));
        heyai_asset_set_kind (extra, HEYAI_ASSET_KIND_PACKAGE);
        heyai_asset_set_local_path (extra, paths[i]);
        g_assert_true (heyai_store_insert_asset (f->a, extra, &error));
      }
    sync_test_tick ();
    sync_quiet (f->a, f->remote);
    sync_quiet (f->b, f->remote);
    g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM assets WHERE kind = 'package'"), ==, 3);
    g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM assets WHERE kind = 'package' "
                                      "AND local_path IS NOT NULL"), ==, 1);
    g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM assets WHERE local_path LIKE '%shared.png'"), ==, 1);
  }

  /* Only the finished job travels, without its upload session. */
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM jobs"), ==, 1);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM jobs WHERE state = 'done' "
                                    "AND upload_session IS NULL"), ==, 1);

  on_b = heyai_store_get_asset (f->b, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (on_b);
  g_assert_null (heyai_asset_get_local_path (on_b));
  g_assert_cmpstr (heyai_asset_get_drive_file_id (on_b), ==, remote_rel);
  stamp = g_strdup (heyai_asset_get_updated_at (on_b));

  g_signal_connect_swapped (f->b, "asset-changed", G_CALLBACK (g_atomic_int_inc), &asset_changed);
  heyai_sync_ensure_local_asset_async (f->b, HEYAI_SYNC_REMOTE (f->remote), on_b, NULL, on_ensured, &ensured);
  g_assert_true (spin_until (&ensured.done));
  g_assert_no_error (ensured.error);
  g_assert_cmpstr (ensured.path, ==, heyai_asset_get_local_path (on_b));
  g_free (ensured.path);
  path = g_strdup (heyai_asset_get_local_path (on_b));
  g_assert_nonnull (path);
  g_assert_true (g_str_has_prefix (path, f->b_dir));
  g_assert_true (g_str_has_suffix (path, "/images/scene-02.png"));

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, png, sizeof png);
  g_free (contents);
  g_assert_cmpuint (asset_changed, ==, 1);
  g_assert_cmpstr (heyai_asset_get_updated_at (on_b), ==, stamp);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM assets WHERE kind = 'image' AND local_path IS NOT NULL"),
                   ==, 1);

  /* Another take already holds that file name on B (both computers made a
   * "take 1"): the download gets its own name, the other file is kept. */
  g_assert_true (g_file_set_contents (path, "B's own take", -1, NULL));
  g_assert_cmpint (sqlite3_exec (heyai_store_get_handle (f->b), "UPDATE assets SET local_path = NULL", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  heyai_asset_set_local_path (on_b, NULL);
  memset (&ensured, 0, sizeof ensured);
  heyai_sync_ensure_local_asset_async (f->b, HEYAI_SYNC_REMOTE (f->remote), on_b, NULL, on_ensured, &ensured);
  g_assert_true (spin_until (&ensured.done));
  g_assert_no_error (ensured.error);
  g_assert_cmpstr (ensured.path, !=, path);
  g_assert_true (g_str_has_suffix (ensured.path, ".png"));
  g_assert_cmpstr (heyai_asset_get_local_path (on_b), ==, ensured.path);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpstr (contents, ==, "B's own take");
  g_free (contents);
  g_assert_true (g_file_get_contents (ensured.path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, png, sizeof png);
  g_free (contents);
  g_free (ensured.path);

  /* A local-only change: nothing to upload, A's path untouched. */
  report = sync_ok (f->b, f->remote);
  g_assert_false (report->uploaded);
  sync_quiet (f->a, f->remote);
  g_assert_cmpstr (heyai_asset_get_local_path (asset), ==, a_file);
  g_assert_cmpint (sync_test_count (f->a, "SELECT COUNT(*) FROM jobs WHERE upload_session IS NOT NULL"), ==, 2);
  assert_same_library (f);
}

/* B is killed in the middle of a merge chunk (its second row write). */
static void
test_killed_mid_merge (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (g_test_subprocess ())
    {
      g_setenv ("HEYAI_SYNC_FAILPOINT", "merge", TRUE);
      sync_test_run (f->b, HEYAI_SYNC_REMOTE (f->remote), NULL);
      g_assert_not_reached ();
    }

  project = sync_test_add_project (f->a, "Night shift", 6);
  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  edit_prompt (f->a, heyai_project_get_id (project), 3, "after the kill");
  g_clear_object (&project);
  project = sync_test_add_project (f->a, "Second", 3);
  sync_quiet (f->a, f->remote);
  before = sync_test_dump (f->b);

  g_clear_object (&f->b);
  g_setenv ("HEYAI_TEST_SYNC_DIR", f->dir, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_setenv ("HEYAI_TEST_SYNC_DIR", "", TRUE);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr_unmatched ("*ERROR*");
  g_test_trap_assert_stdout_unmatched ("*Bail out*");

  f->b = open_store (f->b_dir);
  g_assert_true (heyai_store_check_integrity (f->b, &error));
  g_assert_no_error (error);
  after = sync_test_dump (f->b);
  /* The merge commits in short chunks of whole rows: the projects chunk
   * stayed, the scenes chunk it was killed in left nothing. */
  g_assert_cmpstr (strstr (before, "[scenes]"), ==, strstr (after, "[scenes]"));
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM projects"), ==, 2);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM scenes"), ==, 6);

  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM projects"), ==, 2);
  assert_same_library (f);
}

/* A is killed halfway through writing its snapshot to the remote. */
static void
test_killed_mid_upload (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *snapshot = NULL;
  g_autofree char *old_sum = NULL;
  g_autofree char *new_sum = NULL;

  if (g_test_subprocess ())
    {
      g_setenv ("HEYAI_SYNC_FAILPOINT", "upload", TRUE);
      sync_test_run (f->a, HEYAI_SYNC_REMOTE (f->remote), NULL);
      g_assert_not_reached ();
    }

  project = sync_test_add_project (f->a, "Night shift", 3);
  sync_quiet (f->a, f->remote);
  snapshot = g_strdup_printf ("%s/.heyai/library-%s.sqlite.gz", f->remote_dir, heyai_store_get_device_id (f->a));
  old_sum = heyai_file_sha256 (snapshot, NULL, &error);
  g_clear_object (&project);
  project = sync_test_add_project (f->a, "Second", 40);

  g_clear_object (&f->a);
  g_setenv ("HEYAI_TEST_SYNC_DIR", f->dir, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_setenv ("HEYAI_TEST_SYNC_DIR", "", TRUE);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr_unmatched ("*ERROR*");
  g_test_trap_assert_stdout_unmatched ("*Bail out*");

  /* The old snapshot is still complete in place. */
  new_sum = heyai_file_sha256 (snapshot, NULL, &error);
  g_assert_cmpstr (old_sum, ==, new_sum);

  sync_quiet (f->b, f->remote);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM projects"), ==, 1);

  f->a = open_store (f->a_dir);
  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM projects"), ==, 2);
  assert_same_library (f);
}

/* Both computers insert a scene at position 2: every scene keeps a unique
 * position, in the same order on both. */
static void
test_concurrent_inserts (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  const char *pid = heyai_project_get_id (project);
  HeyaiStore *both[2] = { f->a, f->b };
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(HeyaiScene) scene = heyai_scene_new ();

      heyai_scene_set_project_id (scene, pid);
      heyai_scene_set_title (scene, i == 0 ? "Inserted on A" : "Inserted on B");
      heyai_scene_set_position (scene, 2);
      g_assert_true (heyai_store_insert_scene (both[i], scene, &error));
      g_assert_no_error (error);
      sync_test_tick ();
    }

  for (guint round = 0; round < 3; round++)
    {
      sync_quiet (f->a, f->remote);
      sync_quiet (f->b, f->remote);
    }

  assert_same_library (f);
  scenes = heyai_store_list_scenes (f->b, pid, &error);
  g_assert_cmpuint (scenes->len, ==, 5);
  for (guint i = 0; i < scenes->len; i++)
    g_assert_cmpint (heyai_scene_get_position (g_ptr_array_index (scenes, i)), ==, (int) i + 1);
  g_assert_cmpstr (heyai_scene_get_title (g_ptr_array_index (scenes, 0)), ==, "Scene 1");
  g_assert_cmpstr (heyai_scene_get_title (g_ptr_array_index (scenes, 4)), ==, "Scene 3");
  g_assert_cmpint (sync_test_count (f->a, "SELECT COUNT(DISTINCT position) FROM scenes WHERE deleted = 0"), ==, 5);
}

static gboolean
edit_now (gpointer user_data)
{
  EditWhileSync *e = user_data;
  g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (e->store, e->project_id, 1, NULL);

  heyai_scene_set_image_prompt (scene, "edited while syncing");
  g_assert_true (heyai_store_update_scene (e->store, scene, &e->error));
  e->edited = TRUE;
  return G_SOURCE_REMOVE;
}

static void
on_step (const char *step,
         double      fraction,
         gpointer    user_data)
{
  /* The worker thread starts right after this step: edit meanwhile. */
  if (g_str_has_prefix (step, "Merging"))
    g_idle_add (edit_now, user_data);
}

/* The window keeps editing while a sync merges. */
static void
test_edit_while_syncing (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 200);
  g_autoptr(HeyaiProject) mine = sync_test_add_project (f->b, "B's own", 2);
  EditWhileSync e = { f->b, heyai_project_get_id (mine), FALSE, FALSE, NULL };
  g_autoptr(GError) error = NULL;

  sync_quiet (f->a, f->remote);

  heyai_sync_run_async (f->b, HEYAI_SYNC_REMOTE (f->remote), NULL, on_step, &e, NULL, on_sync_done, &e);
  while (!e.done || !e.edited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (e.error);
  sync_test_tick ();

  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);
  g_assert_cmpint (sync_test_count (f->a, "SELECT COUNT(*) FROM scenes WHERE image_prompt = 'edited while syncing'"),
                   ==, 1);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM scenes"), ==, 202);
  assert_same_library (f);
  g_assert_true (heyai_sync_get_last_time (f->b) > 0);
}

typedef struct
{
  const char *path;        /* B's library */
  const char *project_id;
  guint       calls;
} DuringMerge;

/* Another connection (the window, a batch) writes while the merge is
 * between two chunks, after it has read its candidate rows. */
static void
edit_during_merge (const char *table,
                   guint       first,
                   gpointer    user_data)
{
  DuringMerge *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiStore) store = NULL;
  g_autoptr(HeyaiScene) one = NULL;
  g_autoptr(HeyaiScene) two = NULL;

  if (!g_str_equal (table, "scenes") || d->calls++ > 0)
    return;

  store = heyai_store_new (d->path, &error);
  g_assert_no_error (error);
  one = heyai_store_get_scene_at (store, d->project_id, 1, &error);
  g_assert_no_error (error);
  two = heyai_store_get_scene_at (store, d->project_id, 2, &error);
  g_assert_no_error (error);

  heyai_scene_set_image_prompt (one, "B's prompt, typed during the merge");
  g_assert_true (heyai_store_update_scene (store, one, &error));
  g_assert_no_error (error);
  heyai_scene_set_description (two, "B's description, typed during the merge");
  g_assert_true (heyai_store_update_scene (store, two, &error));
  g_assert_no_error (error);
}

/* An edit that lands between the merge's read and its write is kept (a
 * field the other computer did not touch) or wins as the newer edit (the
 * same field, with a conflict logged): never reverted.  The merge holds
 * the write lock only in short chunks. */
static void
test_edit_during_merge (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  g_autofree char *b_path = g_build_filename (f->b_dir, "library.sqlite", NULL);
  DuringMerge d = { b_path, heyai_project_get_id (project), 0 };
  g_autoptr(HeyaiSyncReport) report = NULL;

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);

  edit_prompt (f->a, d.project_id, 1, "A's prompt");
  edit_prompt (f->a, d.project_id, 2, "A's second prompt");
  sync_quiet (f->a, f->remote);

  heyai_merge_set_chunk_hook (edit_during_merge, &d);
  report = sync_ok (f->b, f->remote);
  heyai_merge_set_chunk_hook (NULL, NULL);
  g_assert_cmpuint (d.calls, >, 0);
  g_test_message ("longest write lock held by the merge: %.1f ms", report->longest_lock_usec / 1000.0);
  g_assert_cmpint (report->longest_lock_usec, >, 0);
  g_assert_cmpint (report->longest_lock_usec, <, 2 * G_USEC_PER_SEC);

  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM scenes WHERE position = 1 "
                                    "AND image_prompt = 'B''s prompt, typed during the merge'"), ==, 1);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM scenes WHERE position = 2 "
                                    "AND image_prompt = 'A''s second prompt' "
                                    "AND description = 'B''s description, typed during the merge'"), ==, 1);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM conflicts WHERE field = 'image_prompt' "
                                    "AND losing_value = 'A''s prompt'"), ==, 1);

  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);
  assert_same_library (f);
}

/* A damaged library (opened read-only) is never merged into. */
static void
test_damaged_library_not_merged (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  g_autofree char *b_path = g_build_filename (f->b_dir, "library.sqlite", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiSyncReport *report;

  sync_quiet (f->a, f->remote);
  g_clear_object (&f->b);
  sync_test_damage_library (b_path);
  before = heyai_file_sha256 (b_path, NULL, &error);
  g_assert_no_error (error);

  f->b = open_store (f->b_dir);
  g_assert_true (heyai_store_get_read_only (f->b));
  report = sync_test_run (f->b, HEYAI_SYNC_REMOTE (f->remote), &error);
  g_assert_null (report);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM projects"), ==, 0);
  g_clear_object (&f->b);

  after = heyai_file_sha256 (b_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (before, ==, after);
  f->b = open_store (f->b_dir);
}

/* The library folder was copied to a second computer (same device id):
 * both still converge. */
static void
test_cloned_library (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 3);
  const char *pid = heyai_project_get_id (project);
  g_autofree char *src = g_build_filename (f->a_dir, "library.sqlite", NULL);
  g_autofree char *dest = g_build_filename (f->b_dir, "library.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3 *out = NULL;
  sqlite3_backup *backup;

  sync_quiet (f->a, f->remote);

  /* B becomes a copy of A's folder (library included, device id too). */
  g_clear_object (&f->b);
  g_assert_cmpint (g_unlink (dest), ==, 0);
  g_assert_cmpint (sqlite3_open (src, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_open (dest, &out), ==, SQLITE_OK);
  backup = sqlite3_backup_init (out, "main", db, "main");
  g_assert_cmpint (sqlite3_backup_step (backup, -1), ==, SQLITE_DONE);
  sqlite3_backup_finish (backup);
  sqlite3_close (out);
  sqlite3_close (db);
  f->b = open_store (f->b_dir);
  g_assert_cmpstr (heyai_store_get_device_id (f->a), ==, heyai_store_get_device_id (f->b));

  edit_prompt (f->a, pid, 1, "edited on A");
  edit_prompt (f->b, pid, 2, "edited on the copy");

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);

  g_assert_cmpint (sync_test_count (f->a, "SELECT COUNT(*) FROM scenes WHERE image_prompt IN "
                                    "('edited on A', 'edited on the copy')"), ==, 2);
  assert_same_library (f);
  g_assert_no_error (error);
}

/* Damaged copies of other computers are skipped, the rest syncs. */
static void
test_damaged_copy (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 2);
  g_autofree char *heyai_dir = g_build_filename (f->remote_dir, ".heyai", NULL);
  g_autofree char *bad_gz = g_build_filename (heyai_dir, "library-0badc0de.sqlite.gz", NULL);
  g_autofree char *bad_raw = g_build_filename (heyai_dir, "library-0badf00d.sqlite", NULL);
  g_autofree char *not_ours = g_build_filename (heyai_dir, "library-0ther.sqlite", NULL);
  sqlite3 *db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(HeyaiSyncReport) report = NULL;
  static const char gz_garbage[] = "\x1f\x8b\x08\x00 not really gzip";

  sync_quiet (f->a, f->remote);
  g_assert_true (g_file_set_contents (bad_gz, gz_garbage, sizeof gz_garbage, NULL));
  g_assert_true (g_file_set_contents (bad_raw, "SQLite format 3 but no", -1, NULL));
  /* A valid SQLite file that is not a HeyAI library. */
  g_assert_cmpint (sqlite3_open (not_ours, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE x (y)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  before = sync_test_dump (f->b);
  report = sync_ok (f->b, f->remote);
  g_assert_cmpuint (report->damaged, ==, 3);
  g_assert_cmpuint (report->peers, ==, 1);
  summary = heyai_sync_report_describe (report);
  g_assert_nonnull (strstr (summary, "damaged"));
  after = sync_test_dump (f->b);
  g_assert_cmpstr (before, !=, after);
  assert_same_library (f);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM sync_peers"), ==, 1);
}

/* Three computers, edits everywhere, every order: all converge. */
static void
test_three_computers (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *c_dir = g_build_filename (f->dir, "C", NULL);
  g_autoptr(HeyaiStore) c = open_store (c_dir);
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 5);
  const char *pid = heyai_project_get_id (project);
  HeyaiStore *all[3] = { f->a, f->b, c };
  g_autofree char *da = NULL;
  g_autofree char *dc = NULL;

  for (guint i = 0; i < 3; i++)
    sync_quiet (all[i], f->remote);

  edit_prompt (f->a, pid, 1, "A1");
  edit_prompt (f->b, pid, 1, "B1");
  edit_prompt (c, pid, 2, "C2");
  edit_prompt (f->b, pid, 3, "B3");
  {
    g_autoptr(HeyaiProject) pc = heyai_store_find_project (c, pid, NULL);

    heyai_project_set_title (pc, "Night shift (C)");
    g_assert_true (heyai_store_update_project (c, pc, NULL));
    sync_test_tick ();
  }

  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < 3; i++)
      sync_quiet (all[(i + round) % 3], f->remote);

  assert_same_library (f);
  da = sync_test_dump (f->a);
  dc = sync_test_dump (c);
  g_assert_cmpstr (da, ==, dc);
  g_assert_cmpint (sync_test_count (c, "SELECT COUNT(*) FROM scenes WHERE image_prompt IN ('B1', 'C2', 'B3')"), ==, 3);
  g_assert_cmpint (sync_test_count (c, "SELECT COUNT(*) FROM projects WHERE title = 'Night shift (C)'"), ==, 1);
  g_assert_cmpint (sync_test_count (c, "SELECT COUNT(*) FROM conflicts"), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_unsetenv ("HEYAI_LOCAL_ROOT");
  g_unsetenv ("HEYAI_SYNC_FAILPOINT");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync/first-sync", test_first_sync);
  ADD ("/sync/different-scenes", test_different_scenes);
  ADD ("/sync/same-field-conflict", test_same_field_conflict);
  ADD ("/sync/delete", test_delete);
  ADD ("/sync/delete-versus-edit", test_delete_versus_edit);
  ADD ("/sync/nothing-changed", test_nothing_changed);
  ADD ("/sync/offline", test_offline);
  ADD ("/sync/newer-schema-refused", test_newer_schema_refused);
  ADD ("/sync/older-schema-merged", test_older_schema_merged);
  ADD ("/sync/assets-lazy", test_assets_lazy);
  ADD ("/sync/killed-mid-merge", test_killed_mid_merge);
  ADD ("/sync/killed-mid-upload", test_killed_mid_upload);
  ADD ("/sync/three-computers", test_three_computers);
  ADD ("/sync/damaged-copy", test_damaged_copy);
  ADD ("/sync/concurrent-inserts", test_concurrent_inserts);
  ADD ("/sync/edit-while-syncing", test_edit_while_syncing);
  ADD ("/sync/edit-during-merge", test_edit_during_merge);
  ADD ("/sync/damaged-library-not-merged", test_damaged_library_not_merged);
  ADD ("/sync/cloned-library", test_cloned_library);
#undef ADD

  return g_test_run ();
}
