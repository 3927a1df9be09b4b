/* test-storage-local.c: local tree helpers and the "local" storage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "heyai-storage-local.h"
#include "provider-test-utils.h"

typedef struct
{
  char         *dir;
  char         *root;
  HeyaiStorage *storage;
  HeyaiProject *project;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("heyai-storage-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->root = g_build_filename (f->dir, "HeyAI Projects", NULL);
  f->storage = heyai_storage_local_new (f->dir);
  f->project = make_project (7, "El Último Faro", HEYAI_ASPECT_16_9);
}

/* A GTask's worker thread may drop its reference on the source object a
 * moment after the callback ran. */
static void
settle (gpointer object)
{
  for (int i = 0; i < 2000 && g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  settle (f->storage);
  settle (f->project);
  g_assert_finalize_object (f->storage);
  g_assert_finalize_object (f->project);
  rm_rf (f->dir);
  g_free (f->root);
  g_free (f->dir);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} AsyncResult;

static void
ensure_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->ok = heyai_storage_ensure_project_finish (HEYAI_STORAGE (source), res, &r->error);
  r->done = TRUE;
}

static void
publish_cb (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->ok = heyai_storage_publish_finish (HEYAI_STORAGE (source), res, &r->error);
  r->done = TRUE;
}

static gboolean
ensure (Fixture  *f,
        GError  **error)
{
  AsyncResult r = { 0 };

  heyai_storage_ensure_project_async (f->storage, f->project, NULL, ensure_cb, &r);
  wait_for (&r.done, 10);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

static gboolean
publish (Fixture     *f,
         HeyaiAsset  *asset,
         HeyaiJob    *job,
         GError     **error)
{
  AsyncResult r = { 0 };
  g_autoptr(HeyaiGenReporter) reporter = job != NULL ? heyai_gen_reporter_new_for_job (job) : NULL;

  heyai_storage_publish_async (f->storage, f->project, asset, job != NULL ? heyai_job_get_upload_session (job) : NULL,
                               reporter, NULL, publish_cb, &r);
  wait_for (&r.done, 10);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

static void
test_tree_helpers (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *root = NULL;
  g_autofree char *images = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *b1 = heyai_take_basename (1, 1);
  g_autofree char *b2 = heyai_take_basename (1, 2);
  g_autofree char *b3 = heyai_take_basename (12, 0);
  g_autofree char *b4 = heyai_take_basename (3, 10);

  g_assert_cmpstr (b1, ==, "scene-01");
  g_assert_cmpstr (b2, ==, "scene-01-take-2");
  g_assert_cmpstr (b3, ==, "scene-12");
  g_assert_cmpstr (b4, ==, "scene-03-take-10");

  root = heyai_local_root (f->dir);
  g_assert_cmpstr (root, ==, f->root);
  g_assert_cmpstr (heyai_storage_local_get_root (HEYAI_STORAGE_LOCAL (f->storage)), ==, f->root);

  images = heyai_project_dir (root, f->project, "images");
  expected = g_build_filename (f->root, "Project-7-el-ultimo-faro", "images", NULL);
  g_assert_cmpstr (images, ==, expected);
  folder = heyai_project_dir (root, f->project, NULL);
  g_clear_pointer (&expected, g_free);
  expected = g_build_filename (f->root, "Project-7-el-ultimo-faro", NULL);
  g_assert_cmpstr (folder, ==, expected);

  /* $HEYAI_LOCAL_ROOT wins over the data dir. */
  g_setenv ("HEYAI_LOCAL_ROOT", "/srv/heyai tree", TRUE);
  g_clear_pointer (&root, g_free);
  root = heyai_local_root (f->dir);
  g_assert_cmpstr (root, ==, "/srv/heyai tree");
  g_unsetenv ("HEYAI_LOCAL_ROOT");

  g_assert_cmpstr (heyai_storage_local_sub_for_kind (HEYAI_ASSET_KIND_IMAGE), ==, "images");
  g_assert_cmpstr (heyai_storage_local_sub_for_kind (HEYAI_ASSET_KIND_CLIP), ==, "clips");
  g_assert_cmpstr (heyai_storage_local_sub_for_kind (HEYAI_ASSET_KIND_PACKAGE), ==, "final");
  g_assert_cmpstr (heyai_storage_local_sub_for_kind (HEYAI_ASSET_KIND_ANIMATIC), ==, "final");
}

static void
test_gen_result (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HeyaiGenResult) result = heyai_gen_result_new ();

  g_assert_cmpint (result->seed, ==, -1);
  g_assert_null (result->path);
  result->path = g_strdup ("/tmp/x.png");
  result->params = g_strdup ("{}");
  heyai_gen_result_free (NULL);
}

static void
test_ensure_project (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *subs[] = { "images", "clips", "final" };
  g_autofree char *project_dir = heyai_project_dir (f->root, f->project, NULL);
  g_autofree char *marker = NULL;

  g_assert_cmpstr (heyai_storage_get_name (f->storage), ==, "local");
  g_assert_true (ensure (f, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autofree char *path = g_build_filename (project_dir, subs[i], NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
    }
  g_assert_cmpuint (count_entries (project_dir), ==, 3);

  /* Idempotent: existing folders and their files are kept. */
  marker = g_build_filename (project_dir, "images", "scene-01.png", NULL);
  g_assert_true (g_file_set_contents (marker, "png", -1, NULL));
  g_assert_true (ensure (f, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (marker, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_entries (project_dir), ==, 3);

  /* Local storage records no Drive ids. */
  g_assert_true (heyai_project_get_drive_folder_id (f->project) == NULL ||
                 *heyai_project_get_drive_folder_id (f->project) == '\0');
}

static void
test_ensure_project_fails (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The root is a file: nothing can be created below it. */
  g_assert_true (g_file_set_contents (f->root, "not a folder", -1, NULL));
  g_assert_false (ensure (f, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Project-7-el-ultimo-faro"));
}

static void
check_published (HeyaiAsset *asset,
                 const char *path,
                 const char *contents)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, contents, -1);

  g_assert_cmpstr (heyai_asset_get_local_path (asset), ==, path);
  g_assert_cmpstr (heyai_asset_get_view_link (asset), ==, uri);
  g_assert_true (g_str_has_prefix (heyai_asset_get_view_link (asset), "file:///"));
  g_assert_cmpint (heyai_asset_get_size (asset), ==, (gint64) strlen (contents));
  g_assert_cmpstr (heyai_asset_get_sha256 (asset), ==, sha);
}

static void
test_publish_in_tree (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_UPLOAD, 1);
  g_autofree char *images = heyai_project_dir (f->root, f->project, "images");
  g_autofree char *path = g_build_filename (images, "scene-01.png", NULL);
  const char *contents = "a still, in the tree already";

  g_assert_true (ensure (f, &error));
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_local_path (asset, path);

  g_assert_true (publish (f, asset, job, &error));
  g_assert_no_error (error);
  check_published (asset, path, contents);
  g_assert_cmpfloat (heyai_job_get_progress (job), ==, 1.0);
  g_assert_cmpuint (count_entries (images), ==, 1);
  /* No Drive id for a local file. */
  g_assert_true (heyai_asset_get_drive_file_id (asset) == NULL ||
                 *heyai_asset_get_drive_file_id (asset) == '\0');
}

static void
test_publish_copies (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autofree char *outside = g_build_filename (f->dir, "scene-02-take-3-animated.mp4", NULL);
  g_autofree char *clips = heyai_project_dir (f->root, f->project, "clips");
  g_autofree char *expected = g_build_filename (clips, "scene-02-take-3-animated.mp4", NULL);
  const char *contents = "a clip that was downloaded somewhere else";

  /* No ensure_project first: publish creates what it needs. */
  g_assert_true (g_file_set_contents (outside, contents, -1, NULL));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_CLIP);
  heyai_asset_set_local_path (asset, outside);

  g_assert_true (publish (f, asset, NULL, &error));
  g_assert_no_error (error);
  check_published (asset, expected, contents);
  /* The original stays; the copy is alone in clips/ (no temporary file). */
  g_assert_true (g_file_test (outside, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_entries (clips), ==, 1);
}

/* Database snapshots go to <root>/.heyai, packages to final/. */
static void
test_publish_kinds (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) db = heyai_asset_new ();
  g_autoptr(HeyaiAsset) package = heyai_asset_new ();
  g_autofree char *db_src = g_build_filename (f->dir, "laptop.sqlite", NULL);
  g_autofree char *pkg_src = g_build_filename (f->dir, "handoff.zip", NULL);
  g_autofree char *db_dst = g_build_filename (f->root, ".heyai", "laptop.sqlite", NULL);
  g_autofree char *final_dir = heyai_project_dir (f->root, f->project, "final");
  g_autofree char *pkg_dst = g_build_filename (final_dir, "handoff.zip", NULL);

  g_assert_true (g_file_set_contents (db_src, "SQLite format 3", -1, NULL));
  g_assert_true (g_file_set_contents (pkg_src, "PK", -1, NULL));
  heyai_asset_set_kind (db, HEYAI_ASSET_KIND_DATABASE);
  heyai_asset_set_local_path (db, db_src);
  heyai_asset_set_kind (package, HEYAI_ASSET_KIND_PACKAGE);
  heyai_asset_set_local_path (package, pkg_src);

  g_assert_true (publish (f, db, NULL, &error));
  g_assert_no_error (error);
  check_published (db, db_dst, "SQLite format 3");
  g_assert_true (publish (f, package, NULL, &error));
  g_assert_no_error (error);
  check_published (package, pkg_dst, "PK");
}

static void
test_publish_missing (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiAsset) empty = heyai_asset_new ();
  g_autofree char *missing = g_build_filename (f->dir, "scene-09.png", NULL);

  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_local_path (asset, missing);
  g_assert_false (publish (f, asset, NULL, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "scene-09.png"));
  g_assert_null (heyai_asset_get_view_link (asset));
  g_clear_error (&error);

  heyai_asset_set_kind (empty, HEYAI_ASSET_KIND_IMAGE);
  g_assert_false (publish (f, empty, NULL, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
}

int
main (int   argc,
      char *argv[])
{
  /* Before any thread exists: setenv/unsetenv are not thread-safe. */
  g_unsetenv ("HEYAI_LOCAL_ROOT");
  g_test_init (&argc, &argv, NULL);
  /* Idle pool threads (GTask, GStreamer tasks) must not exit on their own
   * while LeakSanitizer stops the world at exit: no idle time-out. */
  g_thread_pool_set_max_idle_time (0);

  g_test_add ("/Providers/StorageLocal/tree-helpers", Fixture, NULL,
              fixture_setup, test_tree_helpers, fixture_teardown);
  g_test_add ("/Providers/StorageLocal/gen-result", Fixture, NULL,
              fixture_setup, test_gen_result, fixture_teardown);
  g_test_add ("/Providers/StorageLocal/ensure-project", Fixture, NULL,
              fixture_setup, test_ensure_project, fixture_teardown);
  g_test_add ("/Providers/StorageLocal/ensure-project-fails", Fixture, NULL,
              fixture_setup, test_ensure_project_fails, fixture_teardown);
  g_test_add ("/Providers/StorageLocal/publish-in-tree", Fixture, NULL,
              fixture_setup, test_publish_in_tree, fixture_teardown);
  g_test_add ("/Providers/StorageLocal/publish-copies", Fixture, NULL,
              fixture_setup, test_publish_copies, fixture_teardown);
  g_test_add ("/Providers/StorageLocal/publish-kinds", Fixture, NULL,
              fixture_setup, test_publish_kinds, fixture_teardown);
  g_test_add ("/Providers/StorageLocal/publish-missing", Fixture, NULL,
              fixture_setup, test_publish_missing, fixture_teardown);

  return g_test_run ();
}
