/* test-sync-drive.c: two computers syncing through the fake Google Drive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-drive.h"
#include "heyai-fake.h"
#include "heyai-sync.h"
#include "heyai-sync-drive.h"
#include "sync-test-utils.h"

typedef struct
{
  HeyaiFake      *fake;
  char           *dir;
  char           *a_dir;
  char           *b_dir;
  HeyaiStore     *a;
  HeyaiStore     *b;
  HeyaiOauth     *oauth;
  HeyaiDrive     *drive;
  HeyaiSyncDrive *ra;
  HeyaiSyncDrive *rb;
} Fixture;

static double
no_delay (HeyaiHttp *http, guint attempt, double seconds, gpointer user_data)
{
  return 0;
}

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

  sync_test_install_clock ();

  f->fake = heyai_fake_new ();
  g_assert_true (heyai_fake_install (f->fake, "google", &error));
  g_assert_true (heyai_fake_start (f->fake, 0, &error));
  g_assert_no_error (error);
  heyai_fake_setenv (f->fake);

  f->dir = g_dir_make_tmp ("heyai-sync-drive-XXXXXX", &error);
  g_assert_no_error (error);
  f->a_dir = g_build_filename (f->dir, "A", NULL);
  f->b_dir = g_build_filename (f->dir, "B", NULL);
  f->a = open_store (f->a_dir);
  f->b = open_store (f->b_dir);

  f->oauth = heyai_oauth_new ();
  f->drive = heyai_drive_new (f->oauth);
  heyai_http_set_delay_func (heyai_drive_get_http (f->drive), no_delay, NULL, NULL);
  heyai_http_set_delay_func (heyai_drive_get_upload_http (f->drive), no_delay, NULL, NULL);
  heyai_http_set_delay_func (heyai_oauth_get_http (f->oauth), no_delay, NULL, NULL);
  f->ra = heyai_sync_drive_new (f->drive, f->a);
  f->rb = heyai_sync_drive_new (f->drive, f->b);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->ra);
  g_clear_object (&f->rb);
  g_clear_object (&f->drive);
  g_clear_object (&f->oauth);
  /* Nothing (a sync task, a worker) keeps a library alive. */
  if (f->a != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->a));
  if (f->b != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->b));
  heyai_fake_stop (f->fake);
  g_clear_object (&f->fake);
  sync_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->a_dir);
  g_free (f->b_dir);
  heyai_hlc_set_clock_func (NULL, NULL);
}

static HeyaiSyncReport *
sync_ok (HeyaiStore     *store,
         HeyaiSyncDrive *remote)
{
  g_autoptr(GError) error = NULL;
  HeyaiSyncReport *report = sync_test_run (store, HEYAI_SYNC_REMOTE (remote), &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  sync_test_tick ();
  return report;
}

static void
sync_quiet (HeyaiStore     *store,
            HeyaiSyncDrive *remote)
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

static guint
uploads (HeyaiFake *fake)
{
  return heyai_fake_get_count (fake, "drive.upload.start") + heyai_fake_get_count (fake, "drive.upload.update") +
         heyai_fake_get_count (fake, "drive.upload.chunk");
}

static void
edit_prompt (HeyaiStore *store,
             const char *project_id,
             int         position,
             const char *prompt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (store, project_id, position, &error);

  g_assert_nonnull (scene);
  heyai_scene_set_image_prompt (scene, prompt);
  g_assert_true (heyai_store_update_scene (store, scene, &error));
  g_assert_no_error (error);
  sync_test_tick ();
}

static void
test_two_computers (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 5);
  const char *pid = heyai_project_get_id (project);
  g_autoptr(HeyaiSyncReport) report = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;

  report = sync_ok (f->a, f->ra);
  g_assert_true (report->uploaded);
  g_assert_cmpuint (heyai_fake_get_counter (f->fake, "drive.created"), >=, 3);  /* 2 folders + snapshot */
  g_clear_pointer (&report, heyai_sync_report_free);

  report = sync_ok (f->b, f->rb);
  g_assert_cmpuint (report->peers, ==, 1);
  g_assert_cmpuint (report->rows_inserted, ==, 6);
  g_clear_pointer (&report, heyai_sync_report_free);
  assert_same_library (f);

  /* Nothing changed: one files.list, no upload, no download. */
  heyai_fake_reset_counters (f->fake);
  report = sync_ok (f->b, f->rb);
  g_assert_false (report->uploaded);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.files.list"), ==, 1);
  g_assert_cmpuint (uploads (f->fake), ==, 0);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.files.get"), ==, 0);
  g_clear_pointer (&report, heyai_sync_report_free);

  /* Edits on both, one conflicting: files.update replaces the snapshots. */
  edit_prompt (f->a, pid, 1, "A1");
  edit_prompt (f->a, pid, 2, "A2");
  edit_prompt (f->b, pid, 2, "B2");
  edit_prompt (f->b, pid, 3, "B3");
  heyai_fake_reset_counters (f->fake);
  sync_quiet (f->a, f->ra);
  sync_quiet (f->b, f->rb);
  sync_quiet (f->a, f->ra);
  /* A, B, then A again (its library changed by the merge). */
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.upload.update"), ==, 3);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.upload.start"), ==, 0);
  assert_same_library (f);
  g_assert_cmpint (sync_test_count (f->a, "SELECT COUNT(*) FROM scenes WHERE image_prompt IN ('A1', 'B2', 'B3')"),
                   ==, 3);

  conflicts = heyai_sync_list_conflicts (f->a, pid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpstr (((HeyaiSyncConflict *) g_ptr_array_index (conflicts, 0))->losing_value, ==, "A2");
}

/* The network goes away: a clear error, nothing changes; then it comes back. */
static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  HeyaiSyncReport *report;

  sync_quiet (f->a, f->ra);
  edit_prompt (f->a, heyai_project_get_id (project), 1, "offline edit");
  before = sync_test_dump (f->a);

  /* Every Drive request dropped (the retries included). */
  {
    HeyaiFakeFault drop = { .kind = HEYAI_FAKE_FAULT_DROP, .drop_after_bytes = -1 };

    heyai_fake_add_fault (f->fake, "drive", &drop, 100);
  }
  report = sync_test_run (f->a, HEYAI_SYNC_REMOTE (f->ra), &error);
  g_assert_null (report);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "sync later"));
  after = sync_test_dump (f->a);
  g_assert_cmpstr (before, ==, after);
  heyai_fake_clear_faults (f->fake);
  g_clear_error (&error);

  /* The upload is cut on every attempt: the old snapshot stays whole. */
  {
    HeyaiFakeFault cut = { .kind = HEYAI_FAKE_FAULT_STATUS, .status = 503 };

    heyai_fake_add_fault (f->fake, "drive.upload.update", &cut, 100);
  }
  sync_test_tick ();
  report = sync_test_run (f->b, HEYAI_SYNC_REMOTE (f->rb), &error);
  g_assert_no_error (error);
  heyai_sync_report_free (report);
  report = sync_test_run (f->a, HEYAI_SYNC_REMOTE (f->ra), &error);
  g_assert_null (report);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_clear_error (&error);
  heyai_fake_clear_faults (f->fake);

  /* B still reads A's previous, complete snapshot. */
  sync_quiet (f->b, f->rb);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM scenes WHERE image_prompt = 'offline edit'"), ==, 0);

  /* Back online: everything arrives. */
  sync_quiet (f->a, f->ra);
  sync_quiet (f->b, f->rb);
  g_assert_cmpint (sync_test_count (f->b, "SELECT COUNT(*) FROM scenes WHERE image_prompt = 'offline edit'"), ==, 1);
  sync_quiet (f->a, f->ra);
  assert_same_library (f);
}

/* The connection drops in the middle of a snapshot upload: the resumable
 * upload continues where the server stopped; a stale cached folder id is
 * found again. */
static void
test_upload_resumes (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 800);
  g_autoptr(HeyaiSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* Incompressible descriptions: a snapshot of several chunks. */
  g_assert_cmpint (sqlite3_exec (heyai_store_get_handle (f->a), "UPDATE scenes SET description = hex(randomblob(600))",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  heyai_drive_set_chunk_size (f->drive, HEYAI_DRIVE_CHUNK_QUANTUM);
  g_assert_true (heyai_fake_add_fault_from_string (f->fake, "drive.upload.chunk:drop-body-100000:1", &error));
  g_assert_no_error (error);

  report = sync_ok (f->a, f->ra);
  g_assert_true (report->uploaded);
  g_assert_cmpuint (report->bytes_uploaded, >, HEYAI_DRIVE_CHUNK_QUANTUM);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.upload.chunk"), >=, 3);
  g_clear_pointer (&report, heyai_sync_report_free);

  /* B's cached folder id points nowhere. */
  g_assert_true (heyai_store_set_meta (f->b, "sync.drive_folder_id", "no-such-folder", NULL));
  g_clear_object (&f->rb);
  f->rb = heyai_sync_drive_new (f->drive, f->b);
  report = sync_ok (f->b, f->rb);
  g_assert_cmpuint (report->rows_inserted, ==, 801);
  assert_same_library (f);
}

typedef struct
{
  gboolean    done;
  char       *path;
  JsonObject *file;
  GError     *error;
} Wait;

static void
on_ensured (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *w = user_data;

  w->path = heyai_sync_ensure_local_asset_finish (result, &w->error);
  w->done = TRUE;
}

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Wait *w = user_data;

  w->file = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &w->error);
  w->done = TRUE;
}

static void
spin (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

/* A clip made on A follows B lazily from Drive. */
static void
test_asset_follows (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Night shift", 1);
  g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (f->a, heyai_project_get_id (project), 1, NULL);
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiAsset) on_b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *clip = g_build_filename (f->dir, "made-on-a.mp4", NULL);
  g_autofree char *sum = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GByteArray) data_bytes = g_byte_array_new ();
  static const guint8 ftyp[] = { 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0,
                                 'i', 's', 'o', 'm', 'm', 'p', '4', '1' };
  HeyaiDriveUpload up = { 0 };
  Wait w = { 0 };
  gsize length;

  g_byte_array_append (data_bytes, ftyp, sizeof ftyp);
  for (guint i = 0; i < 300 * 1024; i++)
    {
      guint8 byte = (guint8) (i * 7);

      g_byte_array_append (data_bytes, &byte, 1);
    }
  g_assert_true (g_file_set_contents (clip, (const char *) data_bytes->data, data_bytes->len, NULL));
  sum = heyai_file_sha256 (clip, NULL, &error);

  up.path = clip;
  up.name = "scene-01-animated.mp4";
  heyai_drive_upload_async (f->drive, &up, NULL, NULL, NULL, NULL, on_uploaded, &w);
  spin (&w.done);
  g_assert_no_error (w.error);

  heyai_asset_set_scene_id (asset, heyai_scene_get_id (scene));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_CLIP);
  heyai_asset_set_sha256 (asset, sum);
  heyai_asset_set_drive_file_id (asset, json_object_get_string_member (w.file, "id"));
  g_clear_pointer (&w.file, json_object_unref);
  g_assert_true (heyai_store_insert_asset (f->a, asset, &error));
  sync_test_tick ();

  sync_quiet (f->a, f->ra);
  sync_quiet (f->b, f->rb);

  on_b = heyai_store_get_asset (f->b, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP, 1, &error);
  g_assert_nonnull (on_b);
  g_assert_null (heyai_asset_get_local_path (on_b));

  memset (&w, 0, sizeof w);
  heyai_sync_ensure_local_asset_async (f->b, HEYAI_SYNC_REMOTE (f->rb), on_b, NULL, on_ensured, &w);
  spin (&w.done);
  g_assert_no_error (w.error);
  g_assert_true (g_str_has_prefix (w.path, f->b_dir));
  g_assert_true (g_str_has_suffix (w.path, "clips/scene-01.mp4"));
  g_assert_cmpstr (heyai_asset_get_local_path (on_b), ==, w.path);
  g_assert_true (g_file_get_contents (w.path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, data_bytes->data, data_bytes->len);
  g_free (w.path);

  /* Present: no second download. */
  heyai_fake_reset_counters (f->fake);
  memset (&w, 0, sizeof w);
  heyai_sync_ensure_local_asset_async (f->b, HEYAI_SYNC_REMOTE (f->rb), on_b, NULL, on_ensured, &w);
  spin (&w.done);
  g_assert_no_error (w.error);
  g_free (w.path);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "drive.files.get"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_unsetenv ("HEYAI_LOCAL_ROOT");
  g_setenv ("HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "fake-refresh-token", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync-drive/two-computers", test_two_computers);
  ADD ("/sync-drive/offline", test_offline);
  ADD ("/sync-drive/asset-follows", test_asset_follows);
  ADD ("/sync-drive/upload-resumes", test_upload_resumes);
#undef ADD

  return g_test_run ();
}
