/* test-export-drive.c: the handoff package published into the project
 * folder (fake Drive in-process, and the local tree), the final/ watch, and
 * `heyai --storage=gdrive export P --to DIR` against the standalone fake.
 *
 * Usage (meson): test-export-drive --tap <path to heyai>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-drive.h"
#include "heyai-storage-gdrive.h"
#include "heyai-storage-local.h"
#include "heyai-export.h"
#include "heyai-export-drive.h"
#include "heyai-final-watch.h"
#include "heyai-fake.h"
#include "export-test-util.h"

static const char *heyai_path;

typedef struct
{
  HeyaiFake    *fake;
  HeyaiOauth   *oauth;
  HeyaiDrive   *drive;
  HeyaiStorage *gdrive;
  HeyaiStorage *local;
  HeyaiStore   *store;
  HeyaiProject *project;
  char         *dir;
  char         *root;     /* local tree */
  char         *clip5;
  char         *clip10;
  char         *still;
  char         *package;  /* after export () */
} Fixture;

typedef struct
{
  int                       done;
  HeyaiExportPublishResult *published;
  GPtrArray                *assets;
  char                     *path;
  JsonObject               *file;
  GError                   *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->published, heyai_export_publish_result_free);
  g_clear_pointer (&r->assets, g_ptr_array_unref);
  g_clear_pointer (&r->path, g_free);
  g_clear_pointer (&r->file, json_object_unref);
  g_clear_error (&r->error);
  r->done = 0;
}

static double
no_delay (HeyaiHttp *http, guint attempt, double seconds, gpointer user_data)
{
  return 0;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = g_dir_make_tmp ("heyai-export-drive-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->dir, "HeyAI Projects", NULL);
  g_unsetenv ("HEYAI_LOCAL_ROOT");

  f->fake = heyai_fake_new ();
  g_assert_true (heyai_fake_install (f->fake, "google", &error));
  g_assert_true (heyai_fake_start (f->fake, 0, &error));
  heyai_fake_setenv (f->fake);
  g_setenv ("HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "fake-refresh-token", TRUE);

  f->oauth = heyai_oauth_new ();
  f->drive = heyai_drive_new (f->oauth);
  heyai_http_set_delay_func (heyai_drive_get_http (f->drive), no_delay, NULL, NULL);
  heyai_http_set_delay_func (heyai_drive_get_upload_http (f->drive), no_delay, NULL, NULL);
  heyai_http_set_delay_func (heyai_oauth_get_http (f->oauth), no_delay, NULL, NULL);
  f->gdrive = heyai_storage_gdrive_new_with_drive (f->drive, f->dir);
  f->local = heyai_storage_local_new (f->dir);
  g_assert_cmpstr (heyai_storage_local_get_root (HEYAI_STORAGE_LOCAL (f->local)), ==, f->root);

  db = g_build_filename (f->dir, "heyai.db", NULL);
  f->store = heyai_store_new (db, &error);
  g_assert_no_error (error);
  f->project = heyai_project_new ();
  heyai_project_set_title (f->project, "El Último Faro");
  heyai_project_set_status (f->project, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
  g_assert_true (heyai_store_insert_project (f->store, f->project, &error));
  g_assert_no_error (error);

  f->clip5 = g_build_filename (f->dir, "clip5.mp4", NULL);
  f->clip10 = g_build_filename (f->dir, "clip10.mp4", NULL);
  f->still = g_build_filename (f->dir, "still.png", NULL);
  g_assert_true (export_test_make_clip (f->clip5, 120, 320, 180, 0, &error));
  g_assert_no_error (error);
  g_assert_true (export_test_make_clip (f->clip10, 240, 320, 180, 1, &error));
  g_assert_no_error (error);
  g_assert_true (export_test_make_still (f->still, 320, 180, 0.3));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->store);
  g_clear_object (&f->gdrive);
  g_clear_object (&f->local);
  g_clear_object (&f->drive);
  g_clear_object (&f->oauth);
  heyai_fake_stop (f->fake);
  g_clear_object (&f->fake);
  export_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->root);
  g_free (f->clip5);
  g_free (f->clip10);
  g_free (f->still);
  g_free (f->package);
}

/* A real package (no animatic: GES is tested elsewhere) of 3 scenes. */
static void
export (Fixture       *f,
        HeyaiExportFps fps)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (3, f->clip5, f->clip10, f->still);
  g_autoptr(HeyaiExportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "out", NULL);
  HeyaiExportOptions options;

  plan->fps = fps;
  heyai_export_options_init (&options);
  options.formats = HEYAI_EXPORT_FORMAT_ALL & ~HEYAI_EXPORT_FORMAT_ANIMATIC & ~HEYAI_EXPORT_FORMAT_PDF;
  options.paper = HEYAI_EXPORT_PAPER_A4;
  g_mkdir_with_parents (dest, 0755);
  result = heyai_export_run (plan, &options, dest, NULL, NULL, NULL, &error);
  heyai_export_options_clear (&options);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_free (f->package);
  f->package = g_strdup (result->package_path);
}

static guint
count_files (const char *dir,
             gboolean    recurse)
{
  g_auto(GStrv) names = export_test_list_dir (dir);
  guint n = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      if (names[i][0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        n += recurse ? count_files (path, FALSE) : 0;
      else
        n++;
    }
  return n;
}

static void
published_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->published = heyai_export_publish_finish (result, &r->error);
  r->done = 1;
}

static void
publish (Fixture      *f,
         HeyaiStorage *storage,
         Result       *r)
{
  result_clear (r);
  heyai_export_publish_async (f->store, f->project, storage, f->root, f->package, NULL, NULL, NULL,
                              NULL, published_cb, r);
  g_assert_true (heyai_fake_spin_until (&r->done, 60));
}

static GPtrArray *
package_assets (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = heyai_store_list_project_assets (f->store, heyai_project_get_id (f->project), &error);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (heyai_asset_get_kind (all->pdata[i]) == HEYAI_ASSET_KIND_PACKAGE)
      g_ptr_array_add (out, g_object_ref (all->pdata[i]));
  return out;
}

static char *
folder_id (Fixture    *f,
           const char *sub)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (sub == NULL)
    return g_strdup (heyai_project_get_drive_folder_id (f->project));
  g_assert_true (json_parser_load_from_data (parser, heyai_project_get_drive_folders (f->project), -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), sub));
}

static const char *
first_parent (JsonObject *file)
{
  JsonArray *parents = json_object_get_array_member (file, "parents");

  return json_array_get_string_element (parents, 0);
}

static void
test_drive_publish (Fixture       *f,
                    gconstpointer  data)
{
  Result r = { 0 };
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(JsonObject) folder = NULL;
  g_autofree char *project_id = NULL;
  g_autofree char *clips_id = NULL;
  g_autofree char *package_clips = NULL;
  g_auto(GStrv) clip_names = NULL;
  guint n_files, n_docs;
  gint64 created;

  export (f, HEYAI_EXPORT_FPS_24);
  n_files = count_files (f->package, TRUE);
  n_docs = count_files (f->package, FALSE);
  g_assert_cmpuint (n_docs, >=, 7);
  g_assert_cmpuint (n_files, >, n_docs);

  publish (f, f->gdrive, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.published->n_uploaded, ==, n_files);
  g_assert_cmpuint (r.published->n_updated, ==, 0);
  g_assert_cmpuint (heyai_fake_get_counter (f->fake, "drive.upload.completed"), ==, n_files);

  /* one share: anyone/reader (the fake refuses anything else) */
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "drive.permissions"), ==, 1);
  project_id = folder_id (f, NULL);
  g_assert_nonnull (project_id);
  g_assert_cmpstr (r.published->folder, ==, project_id);
  folder = heyai_fake_google_dup_file (f->fake, project_id);
  g_assert_cmpstr (r.published->link, ==, json_object_get_string_member (folder, "webViewLink"));
  g_assert_cmpstr (heyai_project_get_share_link (f->project), ==, r.published->link);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiProject) again = heyai_store_find_project (f->store, heyai_project_get_id (f->project), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (heyai_project_get_share_link (again), ==, r.published->link);
  }

  /* documents next to images/ and clips/; the numbered copies inside clips/ */
  g_assert_cmpuint (heyai_fake_google_count_named (f->fake, "timeline.otio"), ==, 1);
  g_assert_cmpuint (heyai_fake_google_count_named (f->fake, "README.txt"), ==, 1);
  assets = package_assets (f);
  g_assert_cmpuint (assets->len, ==, n_docs);
  for (guint i = 0; i < assets->len; i++)
    {
      HeyaiAsset *a = assets->pdata[i];
      g_autoptr(JsonObject) remote = heyai_fake_google_dup_file (f->fake, heyai_asset_get_drive_file_id (a));

      g_assert_nonnull (remote);
      g_assert_cmpstr (first_parent (remote), ==, project_id);
      g_assert_cmpstr (heyai_asset_get_view_link (a), ==, json_object_get_string_member (remote, "webViewLink"));
      g_assert_cmpstr (heyai_asset_get_provider (a), ==, "gdrive");
      g_assert_cmpint (heyai_asset_get_size (a), ==,
                       g_ascii_strtoll (json_object_get_string_member (remote, "size"), NULL, 10));
    }
  clips_id = folder_id (f, "clips");
  package_clips = g_build_filename (f->package, "clips", NULL);
  clip_names = export_test_list_dir (package_clips);
  g_assert_nonnull (clip_names[0]);
  g_assert_true (g_str_has_prefix (clip_names[0], "01-"));
  g_assert_cmpuint (heyai_fake_google_count_named (f->fake, clip_names[0]), ==, 1);

  /* the same package again: nothing uploaded, nothing created */
  created = heyai_fake_get_counter (f->fake, "drive.created");
  publish (f, f->gdrive, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.published->n_uploaded, ==, 0);
  g_assert_cmpuint (r.published->n_updated, ==, 0);
  g_assert_cmpuint (r.published->n_unchanged, ==, n_files);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "drive.created"), ==, created);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "drive.upload.completed"), ==, n_files);
  result_clear (&r);
}

static void
test_drive_republish_updates (Fixture       *f,
                              gconstpointer  data)
{
  Result r = { 0 };
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *otio_id = NULL;
  g_autofree char *otio_path = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *md5 = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  gint64 created, updates;
  guint n_files;

  export (f, HEYAI_EXPORT_FPS_24);
  publish (f, f->gdrive, &r);
  g_assert_no_error (r.error);
  before = package_assets (f);
  for (guint i = 0; i < before->len; i++)
    if (strstr (heyai_asset_get_params (before->pdata[i]), "\"timeline.otio\"") != NULL)  /* not .otioz */
      otio_id = g_strdup (heyai_asset_get_drive_file_id (before->pdata[i]));
  g_assert_nonnull (otio_id);

  /* a new export at 25 fps: the timelines change, the clips do not */
  export (f, HEYAI_EXPORT_FPS_25);
  n_files = count_files (f->package, TRUE);
  created = heyai_fake_get_counter (f->fake, "drive.created");
  updates = heyai_fake_get_count (f->fake, "drive.upload.update");
  publish (f, f->gdrive, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.published->n_uploaded, ==, 0);
  g_assert_cmpuint (r.published->n_updated, >=, 4);   /* otio, fcpxml, xml, edl at least */
  g_assert_cmpuint (r.published->n_unchanged, >=, 3); /* the clips and stills */
  g_assert_cmpuint (r.published->n_updated + r.published->n_unchanged, ==, n_files);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "drive.created"), ==, created);
  g_assert_cmpint (heyai_fake_get_count (f->fake, "drive.upload.update") - updates, ==, r.published->n_updated);
  g_assert_cmpuint (heyai_fake_google_count_named (f->fake, "timeline.otio"), ==, 1);
  g_assert_cmpuint (heyai_fake_google_count_named (f->fake, "timeline.edl"), ==, 1);

  /* same file id, new content */
  after = package_assets (f);
  g_assert_cmpuint (after->len, ==, before->len);
  remote = heyai_fake_google_dup_file (f->fake, otio_id);
  otio_path = g_build_filename (f->package, "timeline.otio", NULL);
  g_assert_true (g_file_get_contents (otio_path, &contents, &len, NULL));
  /* The published copy points at its media relative to itself. */
  {
    g_autofree char *published = heyai_export_rewrite_media_urls (contents, f->package, NULL);

    g_assert_nonnull (strstr (contents, "file:///"));
    g_assert_null (strstr (published, "file://"));
    md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) published, strlen (published));
  }
  g_assert_cmpstr (json_object_get_string_member (remote, "md5Checksum"), ==, md5);
  result_clear (&r);
}

static void
test_drive_resume (Fixture       *f,
                   gconstpointer  data)
{
  Result r = { 0 };
  HeyaiFakeFault drop = { .kind = HEYAI_FAKE_FAULT_DROP, .drop_after_bytes = 600 * 1024 };
  g_autofree char *big = NULL;
  g_autofree guint8 *bytes = g_malloc (3 * 1024 * 1024 + 123);
  g_autofree char *md5 = NULL;
  g_autoptr(GPtrArray) found = NULL;
  guint n_files;

  export (f, HEYAI_EXPORT_FPS_24);
  /* a large document: 3 MiB in 1 MiB chunks */
  for (gsize i = 0; i < 3 * 1024 * 1024 + 123; i++)
    bytes[i] = (guint8) g_random_int ();
  big = g_build_filename (f->package, "reference-cut.mov", NULL);
  g_assert_true (g_file_set_contents (big, (const char *) bytes, 3 * 1024 * 1024 + 123, NULL));
  md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, bytes, 3 * 1024 * 1024 + 123);
  heyai_drive_set_chunk_size (f->drive, 1024 * 1024);
  n_files = count_files (f->package, TRUE);

  /* the connection drops mid-chunk (the small files are single chunks under 600 KiB) */
  heyai_fake_add_fault (f->fake, "drive.upload.chunk", &drop, 1);
  publish (f, f->gdrive, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.published->n_uploaded, ==, n_files);
  g_assert_cmpuint (heyai_fake_google_count_named (f->fake, "reference-cut.mov"), ==, 1);
  /* without the drop: one PUT per small file and 4 for the big one; the drop
   * costs the dropped PUT, a status query and the resent chunk */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.upload.chunk"), >=, n_files + 3 + 2);
  /* resumed in its session: one session per file */
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "drive.upload.sessions"), ==, n_files);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "drive.upload.completed"), ==, n_files);
  {
    g_autoptr(GPtrArray) assets = package_assets (f);
    gboolean seen = FALSE;

    for (guint i = 0; i < assets->len; i++)
      if (strstr (heyai_asset_get_params (assets->pdata[i]), "reference-cut.mov") != NULL)
        {
          g_autoptr(JsonObject) remote = heyai_fake_google_dup_file (f->fake,
                                                                     heyai_asset_get_drive_file_id (assets->pdata[i]));

          g_assert_cmpstr (json_object_get_string_member (remote, "md5Checksum"), ==, md5);
          g_assert_cmpstr (json_object_get_string_member (remote, "size"), ==, "3145851");
          seen = TRUE;
        }
    g_assert_true (seen);
  }
  result_clear (&r);
}

static void
test_local_publish (Fixture       *f,
                    gconstpointer  data)
{
  Result r = { 0 };
  g_autofree char *project_dir = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *otio = NULL;
  g_autofree char *package_clips = NULL;
  g_autofree char *tree_clips = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  guint n_files, n_docs;

  export (f, HEYAI_EXPORT_FPS_24);
  n_files = count_files (f->package, TRUE);
  n_docs = count_files (f->package, FALSE);
  publish (f, f->local, &r);
  g_assert_no_error (r.error);
  project_dir = heyai_project_dir (f->root, f->project, NULL);
  uri = g_filename_to_uri (project_dir, NULL, NULL);
  g_assert_cmpstr (r.published->link, ==, uri);
  g_assert_cmpstr (r.published->folder, ==, project_dir);
  g_assert_cmpstr (heyai_project_get_share_link (f->project), ==, uri);
  g_assert_cmpuint (r.published->n_uploaded, ==, n_files);
  g_assert_cmpuint (count_files (project_dir, TRUE), ==, n_files);

  /* the timeline opens from the project folder: its clips are there */
  otio = export_test_read_file (project_dir, "timeline.otio");
  package_clips = g_build_filename (f->package, "clips", NULL);
  tree_clips = g_build_filename (project_dir, "clips", NULL);
  {
    g_auto(GStrv) names = export_test_list_dir (package_clips);

    for (guint i = 0; names[i] != NULL; i++)
      {
        g_autofree char *rel = g_strconcat ("clips/", names[i], NULL);
        g_autofree char *copy = g_build_filename (tree_clips, names[i], NULL);

        g_assert_nonnull (strstr (otio, rel));
        g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
      }
  }

  assets = package_assets (f);
  g_assert_cmpuint (assets->len, ==, n_docs);
  for (guint i = 0; i < assets->len; i++)
    {
      const char *path = heyai_asset_get_local_path (assets->pdata[i]);

      g_assert_true (g_str_has_prefix (path, project_dir));
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpstr (heyai_asset_get_provider (assets->pdata[i]), ==, "local");
    }

  /* again: everything unchanged, no new assets */
  publish (f, f->local, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.published->n_unchanged, ==, n_files);
  g_clear_pointer (&assets, g_ptr_array_unref);
  assets = package_assets (f);
  g_assert_cmpuint (assets->len, ==, n_docs);
  result_clear (&r);
}

/* ---------------------------------------------------------------------- */
/* final/                                                                  */

static void
on_final_arrived (HeyaiFinalWatch *watch,
                  HeyaiAsset      *asset,
                  gpointer         user_data)
{
  GPtrArray *arrived = user_data;

  g_ptr_array_add (arrived, g_object_ref (asset));
}

static HeyaiProject *
reload_project (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiStore) other = heyai_store_new (heyai_store_get_path (f->store), &error);
  HeyaiProject *p;

  g_assert_no_error (error);
  p = heyai_store_find_project (other, heyai_project_get_id (f->project), &error);
  g_assert_no_error (error);
  return p;
}

static void
test_final_local (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiFinalWatch) watch = heyai_final_watch_new (f->store, f->project, f->local, f->root);
  g_autoptr(GPtrArray) arrived = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) saved = NULL;
  g_autoptr(HeyaiAsset) latest = NULL;
  g_autofree char *final = heyai_project_dir (f->root, f->project, "final");
  g_autofree char *partial = g_build_filename (final, "trailer-v1.mp4.part", NULL);
  g_autofree char *hidden = g_build_filename (final, ".trailer-v1.mp4", NULL);
  g_autofree char *dest = g_build_filename (final, "trailer-v1.mp4", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  gint64 deadline;

  heyai_final_watch_set_settle_ms (watch, 200);
  g_signal_connect (watch, "final-arrived", G_CALLBACK (on_final_arrived), arrived);
  g_assert_true (heyai_final_watch_start (watch, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (final, G_FILE_TEST_IS_DIR));

  /* the editor's copy in progress: a temporary name, then a hidden one */
  g_assert_true (g_file_get_contents (f->clip10, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (partial, contents, len / 2, NULL));
  g_assert_true (g_file_set_contents (hidden, contents, len, NULL));
  deadline = g_get_monotonic_time () + 800 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (arrived->len, ==, 0);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);

  /* the copy finishes: renamed into place */
  g_assert_cmpint (g_rename (hidden, dest), ==, 0);
  g_unlink (partial);
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (arrived->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (arrived->len, ==, 1);

  g_assert_cmpint (heyai_asset_get_kind (arrived->pdata[0]), ==, HEYAI_ASSET_KIND_CLIP);
  g_assert_null (heyai_asset_get_scene_id (arrived->pdata[0]));
  g_assert_true (heyai_final_asset_is_final (arrived->pdata[0]));
  g_assert_cmpstr (heyai_asset_get_local_path (arrived->pdata[0]), ==, dest);
  g_assert_cmpint (heyai_asset_get_size (arrived->pdata[0]), ==, (gint64) len);
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_COMPLETED);
  saved = reload_project (f);
  g_assert_cmpint (heyai_project_get_status (saved), ==, HEYAI_PROJECT_STATUS_COMPLETED);
  latest = heyai_final_find_latest (f->store, f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (heyai_asset_get_id (latest), ==, heyai_asset_get_id (arrived->pdata[0]));

  /* a restart does not record it twice */
  heyai_final_watch_stop (watch);
  g_assert_true (heyai_final_watch_start (watch, &error));
  deadline = g_get_monotonic_time () + 600 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (arrived->len, ==, 1);
  heyai_final_watch_stop (watch);
}

static void
uploaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->file = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->assets = heyai_final_check_finish (result, &r->error);
  r->done = 1;
}

static void
local_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->path = heyai_final_ensure_local_finish (result, &r->error);
  r->done = 1;
}

static void
test_final_drive (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiFinalWatch) watch = heyai_final_watch_new (f->store, f->project, f->gdrive, f->root);
  g_autoptr(GPtrArray) arrived = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) saved = NULL;
  g_autofree char *final_id = NULL;
  g_autofree char *sha = NULL;
  Result r = { 0 };
  HeyaiDriveUpload up = { 0 };
  HeyaiAsset *asset;
  GStatBuf st;
  guint lists, changes;
  gint64 deadline;
  GstClockTime duration;

  heyai_final_watch_set_poll_interval (watch, 1);
  g_signal_connect (watch, "final-arrived", G_CALLBACK (on_final_arrived), arrived);
  g_assert_true (heyai_final_watch_start (watch, &error));
  /* the first poll creates/finds the folders and finds nothing */
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (heyai_project_get_drive_folders (f->project) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  final_id = folder_id (f, "final");
  g_assert_nonnull (final_id);
  /* the first look is done once the watch asks for changes */
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (heyai_fake_get_count (f->fake, "drive.changes.list") == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  lists = heyai_fake_get_count (f->fake, "drive.files.list");

  /* the editor uploads the finished trailer into final/ */
  up.path = f->clip10;
  up.name = "El ultimo faro - final.mp4";
  up.parent_id = final_id;
  heyai_drive_upload_async (f->drive, &up, NULL, NULL, NULL, NULL, uploaded_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 30));
  g_assert_no_error (r.error);

  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (arrived->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (arrived->len, ==, 1);
  /* found by changes.list; files.list only on the first look (C.5 item 19) */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.files.list"), ==, lists);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.changes.startPageToken"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.changes.list"), >=, 1);
  asset = arrived->pdata[0];
  g_assert_cmpstr (heyai_asset_get_drive_file_id (asset), ==, json_object_get_string_member (r.file, "id"));
  g_assert_cmpstr (heyai_asset_get_view_link (asset), ==, json_object_get_string_member (r.file, "webViewLink"));
  g_assert_cmpstr (heyai_asset_get_provider (asset), ==, "gdrive");
  g_assert_null (heyai_asset_get_local_path (asset));
  g_assert_cmpint (heyai_project_get_status (f->project), ==, HEYAI_PROJECT_STATUS_COMPLETED);
  saved = reload_project (f);
  g_assert_cmpint (heyai_project_get_status (saved), ==, HEYAI_PROJECT_STATUS_COMPLETED);

  /* more polls: recorded once */
  changes = heyai_fake_get_count (f->fake, "drive.changes.list");
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (heyai_fake_get_count (f->fake, "drive.changes.list") < changes + 1 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.changes.list"), >, changes);
  g_assert_cmpuint (arrived->len, ==, 1);

  /* a file that arrives elsewhere (images/) is no final */
  {
    HeyaiDriveUpload other = { 0 };
    g_autofree char *images_id = folder_id (f, "images");

    other.path = f->clip10;
    other.name = "not-final.mp4";
    other.parent_id = images_id;
    result_clear (&r);
    heyai_drive_upload_async (f->drive, &other, NULL, NULL, NULL, NULL, uploaded_cb, &r);
    g_assert_true (heyai_fake_spin_until (&r.done, 30));
    g_assert_no_error (r.error);
    changes = heyai_fake_get_count (f->fake, "drive.changes.list");
    deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
    while (heyai_fake_get_count (f->fake, "drive.changes.list") < changes + 2 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (arrived->len, ==, 1);
    result_clear (&r);
  }
  heyai_final_watch_stop (watch);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.files.list"), ==, lists);

  /* the one-shot check (the CLI's) finds nothing new either */
  result_clear (&r);
  heyai_final_check_async (f->store, f->project, f->gdrive, f->root, NULL, checked_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 30));
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.assets->len, ==, 0);

  /* the local copy to preview */
  result_clear (&r);
  heyai_final_ensure_local_async (f->store, f->project, f->gdrive, f->root, asset, NULL, local_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 30));
  g_assert_no_error (r.error);
  g_assert_true (g_str_has_prefix (r.path, f->root));
  g_assert_true (g_str_has_suffix (r.path, "/final/El ultimo faro - final.mp4"));
  g_assert_cmpstr (heyai_asset_get_local_path (asset), ==, r.path);
  g_assert_cmpint (g_stat (r.path, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, heyai_asset_get_size (asset));
  sha = heyai_file_sha256 (f->clip10, NULL, NULL);
  g_assert_cmpstr (heyai_asset_get_sha256 (asset), ==, sha);
  duration = export_test_media_duration (r.path, NULL, NULL, NULL);
  g_assert_cmpuint (duration, >, 9 * GST_SECOND);
  g_assert_cmpuint (duration, <, 11 * GST_SECOND);
  result_clear (&r);
}

static void
test_final_drive_backoff (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiFinalWatch) watch = heyai_final_watch_new (f->store, f->project, f->gdrive, f->root);
  HeyaiFakeFault fault = { .kind = HEYAI_FAKE_FAULT_STATUS, .status = 400 };
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  guint lists;

  /* folders and the first look first, then changes.list fails (a final
   * 400, no retries inside the client) */
  heyai_final_watch_set_poll_interval (watch, 1);
  g_assert_true (heyai_final_watch_start (watch, &error));
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while (heyai_project_get_drive_folders (f->project) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  deadline = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  heyai_fake_add_fault (f->fake, "drive.changes.list", &fault, 100);
  lists = heyai_fake_get_count (f->fake, "drive.changes.list");
  /* in 3.5 s with no backoff there would be 3 more polls; with 1 s, 2 s, 4 s: 2 at most */
  deadline = g_get_monotonic_time () + 3500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.changes.list") - lists, >=, 1);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.changes.list") - lists, <=, 2);
  g_assert_true (heyai_final_watch_is_running (watch));
  heyai_final_watch_stop (watch);
}

/* ---------------------------------------------------------------------- */
/* CLI against heyai-fake-server                                           */

/* A project with two approved scenes with clips, in the database under @data_dir. */
static char *
cli_project (Fixture    *f,
             const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(HeyaiStore) store = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autofree char *db = g_build_filename (data_dir, "heyai.db", NULL);

  g_mkdir_with_parents (data_dir, 0755);
  store = heyai_store_new (db, &error);
  g_assert_no_error (error);
  project = heyai_project_new ();
  heyai_project_set_title (project, "Night Shift");
  heyai_project_set_status (project, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
  g_assert_true (heyai_store_insert_project (store, project, &error));
  for (guint i = 0; i < 2; i++)
    {
      HeyaiScene *scene = heyai_scene_new ();

      heyai_scene_set_project_id (scene, heyai_project_get_id (project));
      heyai_scene_set_title (scene, i == 0 ? "Lobby" : "Elevator");
      heyai_scene_set_duration (scene, 5);
      heyai_scene_set_approval (scene, HEYAI_APPROVAL_APPROVED);
      g_ptr_array_add (scenes, scene);
    }
  g_assert_true (heyai_store_replace_scenes (store, heyai_project_get_id (project), scenes, &error));
  stored = heyai_store_list_scenes (store, heyai_project_get_id (project), &error);
  for (guint i = 0; i < stored->len; i++)
    {
      HeyaiScene *scene = stored->pdata[i];
      g_autoptr(HeyaiAsset) image = heyai_asset_new ();
      g_autoptr(HeyaiAsset) clip = heyai_asset_new ();

      heyai_asset_set_scene_id (image, heyai_scene_get_id (scene));
      heyai_asset_set_kind (image, HEYAI_ASSET_KIND_IMAGE);
      heyai_asset_set_take (image, 1);
      heyai_asset_set_provider (image, "offline");
      heyai_asset_set_local_path (image, f->still);
      g_assert_true (heyai_store_insert_asset (store, image, &error));
      heyai_asset_set_scene_id (clip, heyai_scene_get_id (scene));
      heyai_asset_set_kind (clip, HEYAI_ASSET_KIND_CLIP);
      heyai_asset_set_take (clip, 1);
      heyai_asset_set_provider (clip, "offline");
      heyai_asset_set_local_path (clip, f->clip5);
      g_assert_true (heyai_store_insert_asset (store, clip, &error));
      heyai_scene_set_image_take (scene, 1);
      heyai_scene_set_clip_take (scene, 1);
      g_assert_true (heyai_store_update_scene (store, scene, &error));
    }
  g_assert_no_error (error);
  return g_strdup (heyai_project_get_id (project));
}

static GSubprocessLauncher *
cli_launcher (Fixture    *f,
              const char *data_dir)
{
  GSubprocessLauncher *launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *keyring = g_build_filename (f->dir, "test.keyring", NULL);

  g_subprocess_launcher_setenv (launcher, "HEYAI_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_LOCAL_ROOT");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_STORAGE");
  g_subprocess_launcher_setenv (launcher, "HEYAI_HTTP_DELAY_SCALE", "0", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_BACKEND", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.Secret", TRUE);
  return launcher;
}

/* Runs heyai; returns the exit status and its stdout. */
static int
cli_run (GSubprocessLauncher  *launcher,
         char                **out,
         ...) G_GNUC_NULL_TERMINATED;

static int
cli_run (GSubprocessLauncher  *launcher,
         char                **out,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) heyai_path);
  va_start (args, out);
  for (arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, &err, &error));
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_test_message ("heyai stderr: %s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static HeyaiProject *
cli_load (const char *data_dir,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (data_dir, "heyai.db", NULL);
  g_autoptr(HeyaiStore) store = heyai_store_new (db, &error);
  HeyaiProject *project;

  g_assert_no_error (error);
  project = heyai_store_find_project (store, id, &error);
  g_assert_no_error (error);
  return project;
}

static void
test_cli_gdrive (Fixture       *f,
                 gconstpointer  data)
{
  const char *server_path = g_getenv ("HEYAI_FAKE_SERVER");
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiProject) saved = NULL;
  g_autofree char *data_dir = g_build_filename (f->dir, "cli-data", NULL);
  g_autofree char *to = g_build_filename (f->dir, "cli-out", NULL);
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cout = NULL;
  g_auto(GStrv) lines = NULL;

  if (heyai_path == NULL || server_path == NULL)
    {
      g_test_skip ("needs the heyai binary and heyai-fake-server");
      return;
    }
  id = cli_project (f, data_dir);

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             server_path, "--services=google", "--exit-on-eof", NULL);
  g_assert_no_error (error);
  launcher = cli_launcher (f, data_dir);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
      g_auto(GStrv) kv = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, "READY"))
        break;
      kv = g_strsplit (line, "=", 2);
      if (kv[1] != NULL)
        g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  g_mkdir_with_parents (to, 0755);
  g_assert_cmpint (cli_run (launcher, &out, "--storage=gdrive", "export", id, "--to", to,
                            "--formats", "otio,edl,csv,md", NULL), ==, 0);

  /* stdout: the package, then the one link for the editor */
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_suffix (lines[0], "-handoff"));
  g_assert_true (g_str_has_prefix (lines[1], "https://drive.google.com/drive/folders/"));

  /* the database knows it */
  saved = cli_load (data_dir, id);
  g_assert_cmpstr (heyai_project_get_share_link (saved), ==, lines[1]);
  g_assert_true (g_str_has_suffix (lines[1], heyai_project_get_drive_folder_id (saved)));

  /* --check-final with nothing delivered: exit 0, nothing printed, still ready for edit */
  g_clear_object (&saved);
  g_assert_cmpint (cli_run (launcher, &cout, "--storage=gdrive", "export", id, "--check-final", NULL), ==, 0);
  g_assert_cmpstr (cout, ==, "");
  saved = cli_load (data_dir, id);
  g_assert_cmpint (heyai_project_get_status (saved), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
}

static void
test_cli_local (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(HeyaiProject) saved = NULL;
  g_autofree char *data_dir = g_build_filename (f->dir, "cli-data", NULL);
  g_autofree char *to = g_build_filename (f->dir, "cli-out", NULL);
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *root = g_build_filename (data_dir, "HeyAI Projects", NULL);
  g_autofree char *project_dir = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *final = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len;

  if (heyai_path == NULL)
    {
      g_test_skip ("needs the heyai binary");
      return;
    }
  id = cli_project (f, data_dir);
  launcher = cli_launcher (f, data_dir);
  g_mkdir_with_parents (to, 0755);

  /* local storage: no publishing unless asked */
  g_assert_cmpint (cli_run (launcher, &out, "--storage=local", "export", id, "--to", to,
                            "--formats", "otio,edl", NULL), ==, 0);
  g_assert_cmpuint (g_strv_length (lines = g_strsplit (g_strstrip (out), "\n", -1)), ==, 1);
  g_strfreev (g_steal_pointer (&lines));

  g_assert_cmpint (cli_run (launcher, &out2, "--storage=local", "export", id, "--to", to,
                            "--formats", "otio,edl", "--publish", NULL), ==, 0);
  lines = g_strsplit (g_strstrip (out2), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  saved = cli_load (data_dir, id);
  project_dir = heyai_project_dir (root, saved, NULL);
  uri = g_filename_to_uri (project_dir, NULL, NULL);
  g_assert_cmpstr (lines[1], ==, uri);
  g_assert_cmpstr (heyai_project_get_share_link (saved), ==, uri);
  {
    g_autofree char *otio = g_build_filename (project_dir, "timeline.otio", NULL);

    g_assert_true (g_file_test (otio, G_FILE_TEST_IS_REGULAR));
  }

  /* the editor drops the trailer into final/: --check-final completes the project */
  final = heyai_project_dir (root, saved, "final");
  g_mkdir_with_parents (final, 0755);
  {
    g_autofree char *dest = g_build_filename (final, "night-shift-final.mov", NULL);

    g_assert_true (g_file_get_contents (f->clip5, &contents, &len, NULL));
    g_assert_true (g_file_set_contents (dest, contents, len, NULL));
    g_assert_cmpint (cli_run (launcher, &out3, "--storage=local", "export", id, "--check-final", NULL), ==, 0);
    g_strfreev (lines);
    lines = g_strsplit (g_strstrip (out3), "\n", -1);
    g_assert_cmpstr (lines[0], ==, dest);
  }
  g_clear_object (&saved);
  saved = cli_load (data_dir, id);
  g_assert_cmpint (heyai_project_get_status (saved), ==, HEYAI_PROJECT_STATUS_COMPLETED);
}

static void
test_publish_cancel (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) assets = NULL;
  Result r = { 0 };

  export (f, HEYAI_EXPORT_FPS_24);
  heyai_export_publish_async (f->store, f->project, f->gdrive, f->root, f->package, NULL, NULL, NULL,
                              cancellable, published_cb, &r);
  g_cancellable_cancel (cancellable);
  g_assert_true (heyai_fake_spin_until (&r.done, 30));
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (r.published);
  g_assert_null (heyai_project_get_share_link (f->project));
  assets = package_assets (f);
  g_assert_cmpuint (assets->len, ==, 0);
  g_assert_cmpint (heyai_fake_get_counter (f->fake, "drive.upload.completed"), ==, 0);
  result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  if (argc > 1)
    heyai_path = argv[1];

  g_test_add ("/export/drive/publish", Fixture, NULL, fixture_setup, test_drive_publish, fixture_teardown);
  g_test_add ("/export/drive/republish-updates", Fixture, NULL, fixture_setup, test_drive_republish_updates,
              fixture_teardown);
  g_test_add ("/export/drive/resume", Fixture, NULL, fixture_setup, test_drive_resume, fixture_teardown);
  g_test_add ("/export/local/publish", Fixture, NULL, fixture_setup, test_local_publish, fixture_teardown);
  g_test_add ("/export/final/local", Fixture, NULL, fixture_setup, test_final_local, fixture_teardown);
  g_test_add ("/export/final/drive", Fixture, NULL, fixture_setup, test_final_drive, fixture_teardown);
  g_test_add ("/export/final/drive-backoff", Fixture, NULL, fixture_setup, test_final_drive_backoff,
              fixture_teardown);
  g_test_add ("/export/drive/cancel", Fixture, NULL, fixture_setup, test_publish_cancel, fixture_teardown);
  g_test_add ("/export/cli/gdrive", Fixture, NULL, fixture_setup, test_cli_gdrive, fixture_teardown);
  g_test_add ("/export/cli/local", Fixture, NULL, fixture_setup, test_cli_local, fixture_teardown);

  return g_test_run ();
}
