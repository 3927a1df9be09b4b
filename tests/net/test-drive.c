/* test-drive.c: the Drive client and the gdrive storage against the fake:
 * idempotent folder tree, escaping, resumable uploads (dropped connection
 * mid-chunk, saved sessions, expired sessions), errors, update, download,
 * sharing, paging.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-drive.h"
#include "heyai-storage-gdrive.h"
#include "heyai-fake.h"

#define MiB (1024 * 1024)

typedef struct
{
  HeyaiFake    *fake;
  HeyaiOauth   *oauth;
  HeyaiDrive   *drive;
  HeyaiStorage *storage;
  char         *tmpdir;
} Fixture;

typedef struct
{
  int         done;
  gboolean    ok;
  char       *value;
  JsonObject *file;
  GPtrArray  *files;
  HeyaiHttpDownload *download;
  GError     *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->value, g_free);
  g_clear_pointer (&r->file, json_object_unref);
  g_clear_pointer (&r->files, g_ptr_array_unref);
  g_clear_pointer (&r->download, heyai_http_download_free);
  g_clear_error (&r->error);
  r->done = 0;
  r->ok = FALSE;
}

static double
no_delay (HeyaiHttp *http, guint attempt, double seconds, gpointer user_data)
{
  return 0;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fx->fake = heyai_fake_new ();
  g_assert_true (heyai_fake_install (fx->fake, "google", &error));
  heyai_fake_set_option (fx->fake, "drive.max-page-size", "2");
  g_assert_true (heyai_fake_start (fx->fake, 0, &error));
  heyai_fake_setenv (fx->fake);
  g_setenv ("HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "fake-refresh-token", TRUE);
  g_unsetenv ("HEYAI_LOCAL_ROOT");

  fx->tmpdir = g_dir_make_tmp ("heyai-drive-XXXXXX", &error);
  g_assert_no_error (error);
  fx->oauth = heyai_oauth_new ();
  fx->drive = heyai_drive_new (fx->oauth);
  heyai_http_set_delay_func (heyai_drive_get_http (fx->drive), no_delay, NULL, NULL);
  heyai_http_set_delay_func (heyai_drive_get_upload_http (fx->drive), no_delay, NULL, NULL);
  heyai_http_set_delay_func (heyai_oauth_get_http (fx->oauth), no_delay, NULL, NULL);
  fx->storage = heyai_storage_gdrive_new_with_drive (fx->drive, fx->tmpdir);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->storage);
  g_clear_object (&fx->drive);
  g_clear_object (&fx->oauth);
  heyai_fake_stop (fx->fake);
  g_clear_object (&fx->fake);
  rm_rf (fx->tmpdir);
  g_free (fx->tmpdir);
}

static HeyaiProject *
make_project (int         number,
              const char *title)
{
  HeyaiProject *project = heyai_project_new ();
  g_autofree char *id = heyai_uuid_new ();

  heyai_project_set_id (project, id);
  heyai_project_set_number (project, number);
  heyai_project_set_title (project, title);
  return project;
}

static void
ensure_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = heyai_storage_ensure_project_finish (HEYAI_STORAGE (source), result, &r->error);
  r->done = 1;
}

static void
ensure (HeyaiStorage *storage,
        HeyaiProject *project)
{
  Result r = { 0, };

  heyai_storage_ensure_project_async (storage, project, NULL, ensure_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
}

static char *
folder_of (HeyaiProject *project,
           const char   *sub)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, heyai_project_get_drive_folders (project), -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), sub));
}

static void
test_tree_idempotent (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (7, "El Último Faro");
  g_autoptr(HeyaiProject) again = make_project (7, "El Último Faro");
  g_autoptr(HeyaiStorage) other = heyai_storage_gdrive_new_with_drive (fx->drive, fx->tmpdir);
  g_autofree char *images = NULL;
  g_autofree char *images2 = NULL;
  g_autofree char *local = NULL;
  g_autoptr(JsonObject) folder = NULL;
  guint lists;

  ensure (fx->storage, project);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.created"), ==, 5);
  g_assert_nonnull (heyai_project_get_drive_folder_id (project));
  images = folder_of (project, "images");
  g_assert_nonnull (images);
  folder = heyai_fake_google_dup_file (fx->fake, heyai_project_get_drive_folder_id (project));
  g_assert_cmpstr (json_object_get_string_member (folder, "name"), ==, "Project-7-el-ultimo-faro");
  g_assert_cmpuint (heyai_fake_google_count_named (fx->fake, "HeyAI Projects"), ==, 1);
  /* the local tree exists too */
  local = g_build_filename (fx->tmpdir, "HeyAI Projects", "Project-7-el-ultimo-faro", "clips", NULL);
  g_assert_true (g_file_test (local, G_FILE_TEST_IS_DIR));

  /* cached on the project: no request at all */
  lists = heyai_fake_get_count (fx->fake, "drive.files.list");
  ensure (fx->storage, project);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.files.list"), ==, lists);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.created"), ==, 5);

  /* another machine (no cached ids, fresh storage): finds, creates nothing */
  ensure (other, again);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.created"), ==, 5);
  g_assert_cmpstr (heyai_project_get_drive_folder_id (again), ==, heyai_project_get_drive_folder_id (project));
  images2 = folder_of (again, "images");
  g_assert_cmpstr (images2, ==, images);
}

static void
test_tree_concurrent (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (3, "Night Shift");
  Result r[4] = { { 0, }, };

  for (int i = 0; i < 4; i++)
    heyai_storage_ensure_project_async (fx->storage, project, NULL, ensure_cb, &r[i]);
  for (int i = 0; i < 4; i++)
    {
      g_assert_true (heyai_fake_spin_until (&r[i].done, 20));
      g_assert_no_error (r[i].error);
    }
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.created"), ==, 5);
  g_assert_cmpuint (heyai_fake_google_count_named (fx->fake, "images"), ==, 1);
}

static void
folder_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_drive_ensure_folder_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static char *
ensure_folder (Fixture    *fx,
               const char *parent,
               const char *name)
{
  Result r = { 0, };

  heyai_drive_ensure_folder_async (fx->drive, parent, name, NULL, folder_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  return r.value;
}

static void
test_escaping (Fixture       *fx,
               gconstpointer  data)
{
  const char *names[] = { "Director's Cut \\ v2", "it''s", "back\\\\slash'", "and = 'x' or name = 'y'" };
  g_autofree char *e = heyai_drive_escape_query ("a'b\\c");

  g_assert_cmpstr (e, ==, "a\\'b\\\\c");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *first = ensure_folder (fx, NULL, names[i]);
      g_autofree char *second = ensure_folder (fx, NULL, names[i]);

      g_assert_cmpstr (first, ==, second);
      g_assert_cmpuint (heyai_fake_google_count_named (fx->fake, names[i]), ==, 1);
    }
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.created"), ==, G_N_ELEMENTS (names));
}

static void
test_ensure_concurrent (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(HeyaiDrive) second = heyai_drive_new (fx->oauth);
  Result r[3] = { { 0, }, };

  heyai_drive_ensure_folder_async (fx->drive, NULL, "HeyAI Projects", NULL, folder_cb, &r[0]);
  heyai_drive_ensure_folder_async (second, NULL, "HeyAI Projects", NULL, folder_cb, &r[1]);
  heyai_drive_ensure_folder_async (fx->drive, NULL, "HeyAI Projects", NULL, folder_cb, &r[2]);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (heyai_fake_spin_until (&r[i].done, 20));
      g_assert_no_error (r[i].error);
      g_assert_cmpstr (r[i].value, ==, r[0].value);
    }
  g_assert_cmpuint (heyai_fake_google_count_named (fx->fake, "HeyAI Projects"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.files.list"), ==, 1);
  for (int i = 0; i < 3; i++)
    result_clear (&r[i]);
}

static void
list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->files = heyai_drive_list_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
test_list_pages_and_rate_limit (Fixture       *fx,
                                gconstpointer  data)
{
  g_autofree char *parent = ensure_folder (fx, NULL, "parent");
  g_autofree char *q = g_strdup_printf ("'%s' in parents and trashed = false", parent);
  Result r = { 0, };
  guint before;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("child-%d", i);
      g_autofree char *id = ensure_folder (fx, parent, name);
    }

  /* two rate-limit answers (403 userRateLimitExceeded) first: retried */
  g_assert_true (heyai_fake_add_fault_from_string (fx->fake, "drive.files.list:rate-limit:2", NULL));
  before = heyai_fake_get_count (fx->fake, "drive.files.list");
  heyai_drive_list_async (fx->drive, q, "id,name", NULL, list_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.files->len, ==, 5);
  /* 2 faulted + 3 pages of at most 2 */
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.files.list") - before, ==, 5);
  result_clear (&r);
}

static char *
write_file (const char *path,
            gsize       size,
            guint32     seed,
            char      **md5)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_MD5);
  FILE *f = fopen (path, "wb");
  guint32 buf[16384];
  gsize left = size;

  g_assert_nonnull (f);
  while (left > 0)
    {
      gsize n = MIN (left, sizeof buf);

      for (guint i = 0; i < G_N_ELEMENTS (buf); i++)
        buf[i] = (seed = seed * 1664525u + 1013904223u);
      g_assert_cmpuint (fwrite (buf, 1, n, f), ==, n);
      g_checksum_update (sum, (const guchar *) buf, n);
      left -= n;
    }
  fclose (f);
  *md5 = g_strdup (g_checksum_get_string (sum));
  return g_strdup (path);
}

static void
publish_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->ok = heyai_storage_publish_finish (HEYAI_STORAGE (source), result, &r->error);
  r->done = 1;
}

static void
test_publish_small (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (1, "Small");
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *md5 = NULL;
  g_autofree char *images = NULL;
  g_autoptr(JsonObject) file = NULL;
  g_autofree char *expected_link = NULL;
  JsonArray *parents;
  Result r = { 0, };

  ensure (fx->storage, project);
  dir = g_build_filename (fx->tmpdir, "HeyAI Projects", "Project-1-small", "images", NULL);
  path = g_build_filename (dir, "scene-01.png", NULL);
  g_free (write_file (path, 300 * 1024 + 17, 1, &md5));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_local_path (asset, path);

  {
    /* The test owns the job: the reporter writes into it. */
    g_autoptr(HeyaiGenReporter) reporter = heyai_gen_reporter_new_for_job (job);

    heyai_storage_publish_async (fx->storage, project, asset, heyai_job_get_upload_session (job), reporter,
                                 NULL, publish_cb, &r);
  }
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_nonnull (heyai_asset_get_drive_file_id (asset));
  expected_link = g_strdup_printf ("https://drive.google.com/file/d/%s/view?usp=drivesdk",
                                   heyai_asset_get_drive_file_id (asset));
  g_assert_cmpstr (heyai_asset_get_view_link (asset), ==, expected_link);
  g_assert_null (heyai_job_get_upload_session (job));
  g_assert_cmpfloat (heyai_job_get_progress (job), ==, 1.0);
  g_assert_cmpint (heyai_asset_get_size (asset), ==, 300 * 1024 + 17);

  file = heyai_fake_google_dup_file (fx->fake, heyai_asset_get_drive_file_id (asset));
  g_assert_cmpstr (json_object_get_string_member (file, "md5Checksum"), ==, md5);
  g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, "scene-01.png");
  g_assert_cmpstr (json_object_get_string_member (file, "mimeType"), ==, "image/png");
  images = folder_of (project, "images");
  parents = json_object_get_array_member (file, "parents");
  g_assert_cmpstr (json_array_get_string_element (parents, 0), ==, images);
  result_clear (&r);
}

/* The cached project folder was deleted on Drive: publish finds out (404),
 * builds the tree again once, and the file still lands. */
static void
test_publish_after_folder_deleted (Fixture       *fx,
                                   gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (4, "Deleted");
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autofree char *old_folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *md5 = NULL;
  g_autoptr(JsonObject) file = NULL;
  Result r = { 0, };

  ensure (fx->storage, project);
  old_folder = g_strdup (heyai_project_get_drive_folder_id (project));
  {
    g_autofree char *clips = folder_of (project, "clips");

    g_assert_true (heyai_fake_google_delete_file (fx->fake, clips));
  }
  g_assert_true (heyai_fake_google_delete_file (fx->fake, old_folder));

  path = g_build_filename (fx->tmpdir, "HeyAI Projects", "Project-4-deleted", "clips",
                           "scene-01-animated.mp4", NULL);
  g_free (write_file (path, 64 * 1024, 9, &md5));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_CLIP);
  heyai_asset_set_local_path (asset, path);

  heyai_storage_publish_async (fx->storage, project, asset, NULL, NULL, NULL, publish_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpstr (heyai_project_get_drive_folder_id (project), !=, old_folder);
  file = heyai_fake_google_dup_file (fx->fake, heyai_asset_get_drive_file_id (asset));
  g_assert_cmpstr (json_object_get_string_member (file, "md5Checksum"), ==, md5);
  {
    g_autofree char *clips = folder_of (project, "clips");
    JsonArray *parents = json_object_get_array_member (file, "parents");

    g_assert_cmpstr (json_array_get_string_element (parents, 0), ==, clips);
  }
  result_clear (&r);
}

typedef struct
{
  Fixture *fx;
  guint    chunks_at_session;
  guint64  bytes_at_session;
  gboolean session_seen;
  gboolean fault_added;
} Watch;

static void
session_notify (GObject    *job,
                GParamSpec *pspec,
                gpointer    user_data)
{
  Watch *w = user_data;

  if (heyai_job_get_upload_session (HEYAI_JOB (job)) != NULL && !w->session_seen)
    {
      w->session_seen = TRUE;
      w->chunks_at_session = heyai_fake_get_count (w->fx->fake, "drive.upload.chunk");
      w->bytes_at_session = heyai_fake_get_bytes (w->fx->fake, "drive.upload.chunk");
    }
}

/* Once the third chunk is on its way, the fourth gets its connection cut
 * 3 MB into its body. */
static gboolean
arm_fault_cb (gpointer user_data)
{
  Watch *w = user_data;

  if (heyai_fake_get_count (w->fx->fake, "drive.upload.chunk") >= 3)
    {
      g_assert_true (heyai_fake_add_fault_from_string (w->fx->fake, "drive.upload.chunk:drop-body-3000000", NULL));
      w->fault_added = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
test_upload_64m_dropped (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (2, "Big Clip");
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autofree char *path = NULL;
  g_autofree char *md5 = NULL;
  g_autoptr(JsonObject) file = NULL;
  const gsize size = 64 * MiB;
  Watch w = { fx, 0, };
  guint64 received;
  Result r = { 0, };

  ensure (fx->storage, project);
  path = g_build_filename (fx->tmpdir, "HeyAI Projects", "Project-2-big-clip", "clips",
                           "scene-01-animated.mp4", NULL);
  g_free (write_file (path, size, 42, &md5));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_CLIP);
  heyai_asset_set_local_path (asset, path);
  g_signal_connect (job, "notify::upload-session", G_CALLBACK (session_notify), &w);
  g_timeout_add (1, arm_fault_cb, &w);

  {
    /* The test owns the job: the reporter writes into it. */
    g_autoptr(HeyaiGenReporter) reporter = heyai_gen_reporter_new_for_job (job);

    heyai_storage_publish_async (fx->storage, project, asset, heyai_job_get_upload_session (job), reporter,
                                 NULL, publish_cb, &r);
  }
  g_assert_true (heyai_fake_spin_until (&r.done, 50));
  g_assert_no_error (r.error);
  g_assert_true (w.fault_added);

  /* the session URI was on the job before the first chunk */
  g_assert_true (w.session_seen);
  g_assert_cmpuint (w.chunks_at_session, ==, 0);
  g_assert_cmpuint (w.bytes_at_session, ==, 0);
  g_assert_null (heyai_job_get_upload_session (job));

  /* uploaded once, complete and intact */
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.upload.sessions"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.upload.completed"), ==, 1);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.upload.persisted"), ==, size);
  file = heyai_fake_google_dup_file (fx->fake, heyai_asset_get_drive_file_id (asset));
  g_assert_cmpstr (json_object_get_string_member (file, "md5Checksum"), ==, md5);
  g_assert_cmpstr (json_object_get_string_member (file, "size"), ==, "67108864");

  /* resumed from the server's Range: at most one chunk sent twice */
  received = heyai_fake_get_bytes (fx->fake, "drive.upload.chunk");
  g_test_message ("chunk requests %u, bytes received %" G_GUINT64_FORMAT " for a %" G_GSIZE_FORMAT
                  "-byte file", heyai_fake_get_count (fx->fake, "drive.upload.chunk"), received, size);
  g_assert_cmpuint (received, >, size);
  g_assert_cmpuint (received, <=, size + heyai_drive_get_chunk_size (fx->drive));
  /* 8 chunks + the cut one + one status query */
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.upload.chunk"), ==, 10);
  result_clear (&r);
}

static void
upload_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->file = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

typedef struct
{
  char         *saved;
  GCancellable *cancellable;
} StopData;

static void
stop_session_saved (const char *uri,
                    gpointer    user_data)
{
  StopData *d = user_data;

  g_free (d->saved);
  d->saved = g_strdup (uri);
}

static void
stop_on_progress (gint64   done,
                  gint64   total,
                  gpointer user_data)
{
  StopData *d = user_data;

  if (done > 0 && done < total)
    g_cancellable_cancel (d->cancellable);
}

static void
test_resume (Fixture       *fx,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->tmpdir, "db.sqlite", NULL);
  g_autofree char *md5 = NULL;
  HeyaiDriveUpload upload = { .path = path, .name = "heyai-db-test.sqlite",
                              .mime_type = "application/vnd.sqlite3" };
  g_autoptr(JsonObject) stored = NULL;
  const gsize size = 4 * MiB + 1000;
  StopData d = { NULL, g_cancellable_new () };
  guint64 first_run;
  Result r = { 0, };

  g_free (write_file (path, size, 7, &md5));
  heyai_drive_set_chunk_size (fx->drive, MiB);

  /* a first run stops after its first chunk (a crash, a quit) */
  heyai_drive_upload_async (fx->drive, &upload, stop_session_saved, stop_on_progress, &d, d.cancellable,
                            upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (d.saved);
  first_run = heyai_fake_get_bytes (fx->fake, "drive.upload.chunk");
  g_assert_cmpuint (first_run, ==, MiB);
  result_clear (&r);

  /* the next run resumes the saved session */
  upload.session_uri = d.saved;
  heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.upload.sessions"), ==, 1);
  g_assert_cmpuint (heyai_fake_get_bytes (fx->fake, "drive.upload.chunk"), ==, size);
  g_assert_cmpstr (json_object_get_string_member (r.file, "md5Checksum"), ==, md5);
  g_assert_nonnull (json_object_get_string_member (r.file, "webViewLink"));
  result_clear (&r);

  /* an expired session: a new one is started, the file still lands once */
  heyai_fake_google_expire_upload_sessions (fx->fake);
  heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.upload.sessions"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (r.file, "md5Checksum"), ==, md5);
  result_clear (&r);

  /* the file changed size since the session was saved: the server refuses
   * the saved session (400) and a new one is started */
  {
    g_autofree char *md5c = NULL;
    StopData d2 = { NULL, g_cancellable_new () };

    heyai_drive_upload_async (fx->drive, &upload, stop_session_saved, stop_on_progress, &d2, d2.cancellable,
                              upload_cb, &r);
    g_assert_true (heyai_fake_spin_until (&r.done, 20));
    g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    result_clear (&r);

    g_free (write_file (path, 2 * MiB + 77, 8, &md5c));
    upload.session_uri = d2.saved;
    heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
    g_assert_true (heyai_fake_spin_until (&r.done, 20));
    g_assert_no_error (r.error);
    g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.upload.sessions"), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (r.file, "md5Checksum"), ==, md5c);
    result_clear (&r);
    g_free (d2.saved);
    g_object_unref (d2.cancellable);
  }

  g_free (d.saved);
  g_object_unref (d.cancellable);
}

static void
test_server_keeps_less (Fixture       *fx,
                        gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->tmpdir, "clip.mp4", NULL);
  g_autofree char *md5 = NULL;
  HeyaiDriveUpload upload = { .path = path };
  const gsize size = 3 * MiB + 5;
  Result r = { 0, };

  g_free (write_file (path, size, 5, &md5));
  heyai_drive_set_chunk_size (fx->drive, MiB);
  heyai_fake_google_lose_tail (fx->fake, 512 * 1024);

  heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpstr (json_object_get_string_member (r.file, "md5Checksum"), ==, md5);
  /* the client went on from the server's Range, re-sending the lost half chunk */
  g_assert_cmpuint (heyai_fake_get_bytes (fx->fake, "drive.upload.chunk"), ==, size + 512 * 1024);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.upload.chunk"), ==, 4);
  result_clear (&r);
}

static void
test_upload_errors (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->tmpdir, "clip.mp4", NULL);
  g_autofree char *md5 = NULL;
  HeyaiDriveUpload upload = { .path = path };
  Result r = { 0, };

  g_free (write_file (path, 700 * 1024, 3, &md5));
  heyai_drive_set_chunk_size (fx->drive, 256 * 1024);

  /* Drive full: final, not retried */
  g_assert_true (heyai_fake_add_fault_from_string (fx->fake, "drive.upload.start:storage-quota", NULL));
  heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_QUOTA);
  g_assert_nonnull (strstr (r.error->message, "Google Drive is full"));
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.upload.start"), ==, 1);
  result_clear (&r);

  /* a 503 on a chunk and a 403 rate limit on the status query: resumed */
  g_assert_true (heyai_fake_add_fault_from_string (fx->fake, "drive.upload.chunk:http-503", NULL));
  g_assert_true (heyai_fake_add_fault_from_string (fx->fake, "drive.upload.chunk:rate-limit", NULL));
  heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpstr (json_object_get_string_member (r.file, "md5Checksum"), ==, md5);
  result_clear (&r);

  /* a missing file is a clear local error */
  upload.path = "/nonexistent/clip.mp4";
  heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_nonnull (r.error);
  g_assert_nonnull (strstr (r.error->message, "clip.mp4"));
  result_clear (&r);
}

static void
update_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->file = heyai_drive_update_file_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
download_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->download = heyai_drive_download_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
test_update_download (Fixture       *fx,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->tmpdir, "heyai.db", NULL);
  g_autofree char *back = g_build_filename (fx->tmpdir, "heyai-back.db", NULL);
  g_autofree char *md5a = NULL;
  g_autofree char *md5b = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *id = NULL;
  HeyaiDriveUpload upload = { .path = path };
  Result r = { 0, };

  g_free (write_file (path, 100 * 1024, 11, &md5a));
  heyai_drive_upload_async (fx->drive, &upload, NULL, NULL, NULL, NULL, upload_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  id = g_strdup (json_object_get_string_member (r.file, "id"));
  g_assert_cmpstr (json_object_get_string_member (r.file, "version"), ==, "1");
  result_clear (&r);

  g_free (write_file (path, 120 * 1024, 12, &md5b));
  heyai_drive_update_file_async (fx->drive, id, path, NULL, NULL, update_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpstr (json_object_get_string_member (r.file, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (r.file, "version"), ==, "2");
  g_assert_cmpstr (json_object_get_string_member (r.file, "md5Checksum"), ==, md5b);
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.upload.update"), ==, 1);
  result_clear (&r);

  heyai_drive_download_async (fx->drive, id, back, NULL, NULL, NULL, download_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  sha = heyai_file_sha256 (path, NULL, NULL);
  g_assert_cmpstr (r.download->sha256, ==, sha);
  g_assert_cmpint (r.download->size, ==, 120 * 1024);
  result_clear (&r);

  /* the access token expired: one refresh, then the download goes through */
  {
    gint64 issued = heyai_fake_get_counter (fx->fake, "google.tokens.issued");

    heyai_fake_google_expire_access_tokens (fx->fake);
    heyai_drive_download_async (fx->drive, id, back, NULL, NULL, NULL, download_cb, &r);
    g_assert_true (heyai_fake_spin_until (&r.done, 20));
    g_assert_no_error (r.error);
    g_assert_cmpstr (r.download->sha256, ==, sha);
    g_assert_cmpint (heyai_fake_get_counter (fx->fake, "google.tokens.issued"), ==, issued + 1);
    result_clear (&r);
  }

  /* a deleted file: not found */
  heyai_drive_download_async (fx->drive, "no-such-id", back, NULL, NULL, NULL, download_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_error (r.error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND);
  result_clear (&r);
}

static void
share_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_storage_gdrive_share_project_finish (HEYAI_STORAGE_GDRIVE (source), result, &r->error);
  r->done = 1;
}

static void
test_share (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (9, "Shared");
  g_autofree char *expected = NULL;
  Result r = { 0, };

  heyai_storage_gdrive_share_project_async (HEYAI_STORAGE_GDRIVE (fx->storage), project, NULL, share_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  expected = g_strdup_printf ("https://drive.google.com/drive/folders/%s",
                              heyai_project_get_drive_folder_id (project));
  g_assert_cmpstr (r.value, ==, expected);
  g_assert_cmpstr (heyai_project_get_share_link (project), ==, expected);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.permissions"), ==, 1);
  result_clear (&r);
}

static void
token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_oauth_get_token_finish (HEYAI_OAUTH (source), result, &r->error);
  r->done = 1;
}

static void
raw_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);

  if (body != NULL)
    r->value = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  r->done = 1;
}

/* The fake also takes the one-request upload types (multipart, media). */
static void
test_fake_simple_uploads (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/related");
  g_autoptr(SoupMessageHeaders) part_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
  g_autoptr(GBytes) meta = g_bytes_new_static ("{\"name\":\"notes.txt\"}", 20);
  g_autoptr(GBytes) media = g_bytes_new_static ("hello drive", 11);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) msg2 = NULL;
  g_autofree char *base = heyai_fake_dup_env_url (fx->fake, "HEYAI_DRIVE_UPLOAD_BASE_URL");
  g_autofree char *url = g_strdup_printf ("%s/files?uploadType=multipart&fields=id,name,md5Checksum,size", base);
  g_autofree char *url2 = g_strdup_printf ("%s/files?uploadType=media&fields=name,size", base);
  g_autofree char *bearer = NULL;
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, "hello drive", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *file;
  Result r = { 0, };

  heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  bearer = g_strdup_printf ("Bearer %s", r.value);
  result_clear (&r);

  soup_message_headers_replace (part_headers, "Content-Type", "application/json; charset=UTF-8");
  soup_multipart_append_part (multipart, part_headers, meta);
  soup_message_headers_replace (part_headers, "Content-Type", "text/plain");
  soup_multipart_append_part (multipart, part_headers, media);
  msg = soup_message_new_from_multipart (url, multipart);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, raw_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_true (json_parser_load_from_data (parser, r.value, -1, NULL));
  file = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, "notes.txt");
  g_assert_cmpstr (json_object_get_string_member (file, "md5Checksum"), ==, md5);
  g_assert_cmpstr (json_object_get_string_member (file, "size"), ==, "11");
  result_clear (&r);

  msg2 = soup_message_new ("POST", url2);
  soup_message_set_request_body_from_bytes (msg2, "text/plain", media);
  soup_message_headers_replace (soup_message_get_request_headers (msg2), "Authorization", bearer);
  soup_session_send_and_read_async (session, msg2, G_PRIORITY_DEFAULT, NULL, raw_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_cmpuint (soup_message_get_status (msg2), ==, 200);
  g_assert_nonnull (strstr (r.value, "\"Untitled\""));
  result_clear (&r);
}

static void
test_registry (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) storage = heyai_provider_create (HEYAI_ROLE_STORAGE, "gdrive", fx->tmpdir, &error);

  g_assert_no_error (error);
  g_assert_true (HEYAI_IS_STORAGE_GDRIVE (storage));
  g_assert_cmpstr (heyai_storage_get_name (HEYAI_STORAGE (storage)), ==, "gdrive");
}

/* A shared drive (contracts C.5 item 18): the tree is created in the drive,
 * a file is published, updated, downloaded and shared there; every Drive
 * call carried supportsAllDrives=true (the fake answers 404 to a shared
 * drive's item without it, like Drive) and lists are scoped to the drive. */
static void
test_shared_drive (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project (3, "Shared");
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(JsonObject) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *back = g_build_filename (fx->tmpdir, "back.png", NULL);
  g_autofree char *md5 = NULL;
  Result r = { 0, };

  heyai_drive_set_shared_drive_id (fx->drive, "0AFakeSharedDrive01");
  g_assert_cmpstr (heyai_drive_get_shared_drive_id (fx->drive), ==, "0AFakeSharedDrive01");

  ensure (fx->storage, project);
  /* "HeyAI Projects" sits at the top of the shared drive */
  {
    g_autoptr(JsonObject) project_folder = heyai_fake_google_dup_file (fx->fake,
                                                                        heyai_project_get_drive_folder_id (project));
    const char *top = json_array_get_string_element (json_object_get_array_member (project_folder, "parents"), 0);

    root = heyai_fake_google_dup_file (fx->fake, top);
    g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "HeyAI Projects");
    g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "parents"), 0), ==,
                     "0AFakeSharedDrive01");
  }

  dir = g_build_filename (fx->tmpdir, "HeyAI Projects", "Project-3-shared", "images", NULL);
  path = g_build_filename (dir, "scene-01.png", NULL);
  g_free (write_file (path, 300 * 1024 + 5, 3, &md5));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_local_path (asset, path);
  {
    /* The test owns the job: the reporter writes into it. */
    g_autoptr(HeyaiGenReporter) reporter = heyai_gen_reporter_new_for_job (job);

    heyai_storage_publish_async (fx->storage, project, asset, heyai_job_get_upload_session (job), reporter,
                                 NULL, publish_cb, &r);
  }
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  result_clear (&r);
  file = heyai_fake_google_dup_file (fx->fake, heyai_asset_get_drive_file_id (asset));
  g_assert_cmpstr (json_object_get_string_member (file, "md5Checksum"), ==, md5);

  heyai_drive_download_async (fx->drive, heyai_asset_get_drive_file_id (asset), back, NULL, NULL, NULL,
                              download_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  result_clear (&r);

  heyai_storage_gdrive_share_project_async (HEYAI_STORAGE_GDRIVE (fx->storage), project, NULL, share_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  result_clear (&r);

  /* another machine finds the same tree in the drive: nothing created */
  {
    g_autoptr(HeyaiProject) again = make_project (3, "Shared");
    g_autoptr(HeyaiStorage) other = heyai_storage_gdrive_new_with_drive (fx->drive, fx->tmpdir);
    gint64 created = heyai_fake_get_counter (fx->fake, "drive.created");

    ensure (other, again);
    g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.created"), ==, created);
    g_assert_cmpstr (heyai_project_get_drive_folder_id (again), ==, heyai_project_get_drive_folder_id (project));
  }

  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.all-drives"), >, 5);
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.my-drive-only"), ==, 0);
}

static void
account_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_drive_get_account_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

/* A raw GET of @url with @token (NULL: none); returns the status. */
static guint
raw_get (const char *url,
         const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Result r = { 0, };

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", value);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, raw_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_free (r.value);
  return soup_message_get_status (msg);
}

/* about.get names the signed-in account (Preferences' "Connected as …");
 * like Drive, the fake refuses it without a valid token or `fields`. */
static void
test_account (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("%s/about", g_getenv ("HEYAI_DRIVE_BASE_URL"));
  g_autofree char *with_fields = g_strdup_printf ("%s?fields=user", url);
  g_autofree char *token = NULL;
  Result r = { 0, }, t = { 0, };

  heyai_fake_set_option (fx->fake, "google.account", "editor@example.org");
  heyai_drive_get_account_async (fx->drive, NULL, account_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.value, ==, "editor@example.org");
  g_free (r.value);

  heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &t);
  g_assert_true (heyai_fake_spin_until (&t.done, 20));
  g_assert_no_error (t.error);
  token = t.value;
  g_assert_cmpuint (raw_get (with_fields, token), ==, 200);
  g_assert_cmpuint (raw_get (with_fields, NULL), ==, 401);
  g_assert_cmpuint (raw_get (with_fields, "not-a-token"), ==, 401);
  g_assert_cmpuint (raw_get (url, token), ==, 400);
}

/* ---------------------------------------------------------------------- */
/* Watching: changes.getStartPageToken + changes.list (contracts C.5 19)   */

static void
start_token_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->value = heyai_drive_get_start_page_token_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
changes_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->files = heyai_drive_list_changes_finish (HEYAI_DRIVE (source), result, &r->value, &r->error);
  r->done = 1;
}

static char *
start_token (Fixture *fx)
{
  Result r = { 0, };

  heyai_drive_get_start_page_token_async (fx->drive, NULL, start_token_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_nonnull (r.value);
  return r.value;
}

/* The changes since @token (the new token in *@next); each change is
 * reduced to "name" or "-<fileId>" for a removed one. */
static GPtrArray *
changes_since (Fixture     *fx,
               const char  *token,
               char       **next)
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  Result r = { 0, };

  heyai_drive_list_changes_async (fx->drive, token, "id,name,parents,trashed", NULL, changes_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_nonnull (r.files);
  for (guint i = 0; i < r.files->len; i++)
    {
      JsonObject *change = r.files->pdata[i];

      if (json_object_get_boolean_member_with_default (change, "removed", FALSE))
        {
          g_assert_false (json_object_has_member (change, "file"));
          g_ptr_array_add (seen, g_strdup_printf ("-%s", json_object_get_string_member (change, "fileId")));
        }
      else
        g_ptr_array_add (seen, g_strdup (json_object_get_string_member (json_object_get_object_member (change, "file"),
                                                                        "name")));
    }
  *next = g_steal_pointer (&r.value);
  result_clear (&r);
  return seen;
}

static gboolean
seen_has (GPtrArray  *seen,
          const char *what)
{
  for (guint i = 0; i < seen->len; i++)
    if (g_strcmp0 (seen->pdata[i], what) == 0)
      return TRUE;
  return FALSE;
}

static void
test_changes (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *token0 = start_token (fx);
  g_autofree char *token1 = NULL;
  g_autofree char *token2 = NULL;
  g_autofree char *token3 = NULL;
  g_autofree char *token4 = NULL;
  g_autofree char *parent = ensure_folder (fx, NULL, "watched");
  g_autofree char *gone = NULL;
  g_autofree char *removed = NULL;
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) shared = NULL;
  guint before;
  Result r = { 0, };

  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("child-%d", i);
      g_autofree char *id = ensure_folder (fx, parent, name);

      if (i == 1)
        gone = g_steal_pointer (&id);
    }
  g_assert_true (heyai_fake_google_delete_file (fx->fake, gone));
  removed = g_strdup_printf ("-%s", gone);

  /* 4 files, one removed, over pages of at most 2 (drive.max-page-size) */
  before = heyai_fake_get_count (fx->fake, "drive.changes.list");
  seen = changes_since (fx, token0, &token1);
  g_assert_cmpuint (seen->len, ==, 4);
  g_assert_true (seen_has (seen, "watched"));
  g_assert_true (seen_has (seen, "child-0"));
  g_assert_true (seen_has (seen, removed));
  g_assert_false (seen_has (seen, "child-1"));   /* only its latest change: the removal */
  g_assert_true (seen_has (seen, "child-2"));
  g_assert_cmpuint (heyai_fake_get_count (fx->fake, "drive.changes.list") - before, >=, 2);
  g_assert_cmpstr (token1, !=, token0);

  /* nothing new: no changes, the same token */
  none = changes_since (fx, token1, &token2);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpstr (token2, ==, token1);

  /* a shared drive: the token and the changes are the drive's; a My Drive
   * change made meanwhile is not among them */
  heyai_drive_set_shared_drive_id (fx->drive, "0AFakeSharedDrive01");
  token3 = start_token (fx);
  g_free (ensure_folder (fx, NULL, "in the shared drive"));
  heyai_drive_set_shared_drive_id (fx->drive, NULL);
  g_free (ensure_folder (fx, NULL, "in My Drive"));
  heyai_drive_set_shared_drive_id (fx->drive, "0AFakeSharedDrive01");
  shared = changes_since (fx, token3, &token4);
  g_assert_cmpuint (shared->len, ==, 1);
  g_assert_true (seen_has (shared, "in the shared drive"));
  g_assert_cmpint (heyai_fake_get_counter (fx->fake, "drive.my-drive-only"), ==, 0);

  /* a token Drive never gave: a clear error naming the service */
  heyai_drive_list_changes_async (fx->drive, "999999", NULL, NULL, changes_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_null (r.files);
  g_assert_nonnull (r.error);
  g_assert_nonnull (strstr (r.error->message, "Google Drive"));
  result_clear (&r);
}

static void
status_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  HeyaiHttpResponse *response = heyai_http_send_finish (HEYAI_HTTP (source), result, &r->error);

  r->ok = response != NULL ? (gboolean) heyai_http_response_get_status (response) : 0;
  g_clear_pointer (&response, heyai_http_response_unref);
  r->done = 1;
}

/* The HTTP status of GET changes (or changes/startPageToken with
 * @start) with the query pairs given, NULL-terminated. */
static guint
raw_changes_status (Fixture    *fx,
                    gboolean    start,
                    ...)
{
  g_autoptr(HeyaiHttpRequest) req = heyai_http_request_new ("GET", start ? "changes/startPageToken" : "changes");
  Result r = { 0, };
  const char *name;
  va_list args;
  guint status;

  heyai_oauth_get_token_async (fx->oauth, NULL, token_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  heyai_http_request_set_bearer (req, r.value);
  result_clear (&r);
  va_start (args, start);
  while ((name = va_arg (args, const char *)) != NULL)
    heyai_http_request_add_query (req, name, va_arg (args, const char *));
  va_end (args);
  heyai_http_request_set_flags (req, HEYAI_HTTP_REQUEST_NO_RETRY | HEYAI_HTTP_REQUEST_ANY_STATUS);
  heyai_http_send_async (heyai_drive_get_http (fx->drive), req, NULL, status_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  status = (guint) r.ok;
  result_clear (&r);
  return status;
}

/* The fake refuses what Drive refuses: no pageToken, a token it never
 * gave, a shared drive's changes without supportsAllDrives and
 * includeItemsFromAllDrives, an unknown shared drive. */
static void
test_changes_refused (Fixture       *fx,
                      gconstpointer  data)
{
  g_assert_cmpuint (raw_changes_status (fx, TRUE, NULL), ==, 200);
  g_assert_cmpuint (raw_changes_status (fx, FALSE, "pageToken", "1", NULL), ==, 200);
  g_assert_cmpuint (raw_changes_status (fx, FALSE, NULL), ==, 400);
  g_assert_cmpuint (raw_changes_status (fx, FALSE, "pageToken", "abc", NULL), ==, 400);
  g_assert_cmpuint (raw_changes_status (fx, FALSE, "pageToken", "1", "driveId", "0AFakeSharedDrive01",
                                        "supportsAllDrives", "true", NULL), ==, 403);
  g_assert_cmpuint (raw_changes_status (fx, FALSE, "pageToken", "1", "driveId", "0AFakeSharedDrive01",
                                        "includeItemsFromAllDrives", "true", NULL), ==, 403);
  g_assert_cmpuint (raw_changes_status (fx, FALSE, "pageToken", "1", "driveId", "0AFakeSharedDrive01",
                                        "includeItemsFromAllDrives", "true", "supportsAllDrives", "true", NULL),
                    ==, 200);
  g_assert_cmpuint (raw_changes_status (fx, FALSE, "pageToken", "1", "driveId", "0ANoSuchDrive",
                                        "includeItemsFromAllDrives", "true", "supportsAllDrives", "true", NULL),
                    ==, 404);
  g_assert_cmpuint (raw_changes_status (fx, TRUE, "driveId", "0AFakeSharedDrive01", NULL), ==, 403);
  g_assert_cmpuint (raw_changes_status (fx, TRUE, "driveId", "0AFakeSharedDrive01",
                                        "supportsAllDrives", "true", NULL), ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/net/drive/tree-idempotent", test_tree_idempotent);
  ADD ("/net/drive/tree-concurrent", test_tree_concurrent);
  ADD ("/net/drive/escaping", test_escaping);
  ADD ("/net/drive/ensure-concurrent", test_ensure_concurrent);
  ADD ("/net/drive/list-pages-rate-limit", test_list_pages_and_rate_limit);
  ADD ("/net/drive/publish-small", test_publish_small);
  ADD ("/net/drive/publish-after-folder-deleted", test_publish_after_folder_deleted);
  ADD ("/net/drive/upload-64m-dropped", test_upload_64m_dropped);
  ADD ("/net/drive/resume", test_resume);
  ADD ("/net/drive/server-keeps-less", test_server_keeps_less);
  ADD ("/net/drive/upload-errors", test_upload_errors);
  ADD ("/net/drive/update-download", test_update_download);
  ADD ("/net/drive/share", test_share);
  ADD ("/net/drive/fake-simple-uploads", test_fake_simple_uploads);
  ADD ("/net/drive/shared-drive", test_shared_drive);
  ADD ("/net/drive/registry", test_registry);
  ADD ("/net/drive/account", test_account);
  ADD ("/net/drive/changes", test_changes);
  ADD ("/net/drive/changes-refused", test_changes_refused);
#undef ADD

  return g_test_run ();
}
