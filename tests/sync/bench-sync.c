/* bench-sync.c: sync of a 200-project, 5000-scene library between two
 * computers, through a folder and through the fake Google Drive.
 *
 * Prints, per remote: the first upload (time, bytes), the first merge on the
 * other computer, a sync with nothing changed (target: no upload, one
 * listing), an incremental edit of 10 scenes, and the longest main-loop
 * stall seen while syncing (the window must keep drawing).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "heyai-core.h"
#include "heyai-drive.h"
#include "heyai-fake.h"
#include "heyai-sync.h"
#include "heyai-sync-drive.h"
#include "heyai-sync-folder.h"
#include "sync-test-utils.h"

#define N_PROJECTS 200
#define N_SCENES_PER_PROJECT 25

static gint64 last_tick;
static gint64 max_stall;
static gint64 max_write_wait;
static guint n_writes;
static HeyaiStore *writer;

/* The window (or a batch) writing on the store's connection every 10 ms
 * while the sync merges: how long does one write wait for the lock? */
static gboolean
on_write (gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = g_strdup_printf ("%u", n_writes++);
  gint64 start = g_get_monotonic_time ();

  g_assert_true (heyai_store_set_meta (writer, "bench.write", value, &error));
  g_assert_no_error (error);
  max_write_wait = MAX (max_write_wait, g_get_monotonic_time () - start);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0 && now - last_tick > max_stall)
    max_stall = now - last_tick;
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static HeyaiSyncReport *
timed_sync (const char      *what,
            HeyaiStore      *store,
            HeyaiSyncRemote *remote,
            double          *seconds)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  HeyaiSyncReport *report;
  guint tick, write;

  last_tick = 0;
  max_stall = 0;
  max_write_wait = 0;
  writer = store;
  tick = g_timeout_add (2, on_tick, NULL);
  write = g_timeout_add (10, on_write, NULL);
  report = sync_test_run (store, remote, &error);
  g_source_remove (tick);
  g_source_remove (write);
  g_assert_no_error (error);
  *seconds = (g_get_monotonic_time () - start) / 1e6;
  g_print ("  %-34s %7.3f s  longest main-loop stall %5.1f ms  peers %u  rows +%u ~%u  uploaded %s\n",
           what, *seconds, max_stall / 1000.0, report->peers, report->rows_inserted, report->rows_updated,
           report->uploaded ? "yes" : "no");
  g_print ("  %-34s longest merge write lock %5.1f ms  longest wait of a write on the store %5.1f ms\n",
           "", report->longest_lock_usec / 1000.0, max_write_wait / 1000.0);
  return report;
}

static HeyaiStore *
open_store (const char *dir,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, "library.sqlite", NULL);
  HeyaiStore *store = heyai_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
fill (HeyaiStore *store,
      GPtrArray  *project_ids)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < N_PROJECTS; i++)
    {
      g_autofree char *title = g_strdup_printf ("Trailer %u", i + 1);
      g_autoptr(HeyaiProject) project = sync_test_add_project (store, title, N_SCENES_PER_PROJECT);

      g_ptr_array_add (project_ids, g_strdup (heyai_project_get_id (project)));
    }

  g_print ("  library: %d projects, %d scenes (filled in %.2f s)\n", N_PROJECTS,
           N_PROJECTS * N_SCENES_PER_PROJECT, (g_get_monotonic_time () - start) / 1e6);

  /* What the integrity check on open costs on this library. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiStore) again = NULL;
    sqlite3_stmt *stmt = NULL;
    gint64 t0;
    double check_ms, open_ms;

    t0 = g_get_monotonic_time ();
    g_assert_cmpint (sqlite3_prepare_v2 (heyai_store_get_handle (store), "PRAGMA quick_check", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
    check_ms = (g_get_monotonic_time () - t0) / 1000.0;

    t0 = g_get_monotonic_time ();
    again = heyai_store_new (heyai_store_get_path (store), &error);
    g_assert_no_error (error);
    open_ms = (g_get_monotonic_time () - t0) / 1000.0;
    g_print ("  PRAGMA quick_check %.1f ms; heyai_store_new (quick_check included) %.1f ms\n", check_ms, open_ms);
  }
}

static void
edit_some (HeyaiStore *store,
           GPtrArray  *project_ids,
           guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (store, g_ptr_array_index (project_ids, i * 7 % N_PROJECTS),
                                                              1 + (int) (i % N_SCENES_PER_PROJECT), &error);
      g_autofree char *prompt = g_strdup_printf ("edited prompt %u", i);

      heyai_scene_set_image_prompt (scene, prompt);
      g_assert_true (heyai_store_update_scene (store, scene, &error));
    }
  sync_test_tick ();
}

typedef struct
{
  const char *name;
  guint     (*lists) (gpointer ctx);
  guint     (*uploads) (gpointer ctx);
  guint64   (*bytes_up) (gpointer ctx);
  void      (*reset) (gpointer ctx);
  gpointer    ctx;
} Counters;

static void
run (const char      *label,
     const char      *dir,
     HeyaiSyncRemote *ra,
     HeyaiSyncRemote *rb,
     HeyaiStore      *a,
     HeyaiStore      *b,
     Counters        *counters)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  double t;
  HeyaiSyncReport *r;

  g_print ("%s\n", label);
  fill (a, ids);

  counters->reset (counters->ctx);
  r = timed_sync ("A: first sync (snapshot + upload)", a, ra, &t);
  g_print ("    sent %" G_GUINT64_FORMAT " bytes (%.1f MB/s)\n", counters->bytes_up (counters->ctx),
           counters->bytes_up (counters->ctx) / 1e6 / MAX (t, 1e-6));
  heyai_sync_report_free (r);
  sync_test_tick ();

  counters->reset (counters->ctx);
  r = timed_sync ("B: first sync (download + merge)", b, rb, &t);
  g_print ("    received %" G_GUINT64_FORMAT " bytes, sent %" G_GUINT64_FORMAT " bytes\n",
           r->bytes_downloaded, counters->bytes_up (counters->ctx));
  g_assert_cmpuint (r->rows_inserted, ==, N_PROJECTS * (N_SCENES_PER_PROJECT + 1));
  heyai_sync_report_free (r);
  sync_test_tick ();

  heyai_sync_report_free (timed_sync ("A: merge B's copy (same rows)", a, ra, &t));
  sync_test_tick ();

  counters->reset (counters->ctx);
  r = timed_sync ("A: nothing changed", a, ra, &t);
  g_print ("    list calls %u, uploads %u, bytes sent %" G_GUINT64_FORMAT "  (target: 1, 0, 0)\n",
           counters->lists (counters->ctx), counters->uploads (counters->ctx), counters->bytes_up (counters->ctx));
  g_assert_false (r->uploaded);
  g_assert_cmpuint (counters->uploads (counters->ctx), ==, 0);
  heyai_sync_report_free (r);

  edit_some (a, ids, 10);
  counters->reset (counters->ctx);
  heyai_sync_report_free (timed_sync ("A: 10 scenes edited", a, ra, &t));
  g_print ("    sent %" G_GUINT64_FORMAT " bytes\n", counters->bytes_up (counters->ctx));
  sync_test_tick ();
  r = timed_sync ("B: merge 10 edited scenes", b, rb, &t);
  g_assert_cmpuint (r->rows_updated, ==, 10);
  heyai_sync_report_free (r);

  {
    g_autofree char *da = sync_test_dump (a);
    g_autofree char *db = sync_test_dump (b);

    g_assert_cmpstr (da, ==, db);
    g_print ("  both libraries identical: yes\n");
  }
}

/* Folder counters. */
static guint f_lists (gpointer c) { HeyaiSyncFolderStats s; heyai_sync_folder_get_stats (c, &s); return s.lists; }
static guint f_uploads (gpointer c) { HeyaiSyncFolderStats s; heyai_sync_folder_get_stats (c, &s); return s.uploads; }
static guint64 f_bytes (gpointer c) { HeyaiSyncFolderStats s; heyai_sync_folder_get_stats (c, &s); return s.bytes_uploaded; }
static void f_reset (gpointer c) { heyai_sync_folder_reset_stats (c); }

/* Drive counters. */
static guint d_lists (gpointer c) { return heyai_fake_get_count (c, "drive.files.list"); }
static guint d_uploads (gpointer c)
{
  return heyai_fake_get_count (c, "drive.upload.start") + heyai_fake_get_count (c, "drive.upload.update");
}
static guint64 d_bytes (gpointer c)
{
  return heyai_fake_get_bytes (c, "drive.upload.chunk") + heyai_fake_get_bytes (c, "drive.upload.start") +
         heyai_fake_get_bytes (c, "drive.upload.update");
}
static void d_reset (gpointer c) { heyai_fake_reset_counters (c); }

static double
no_delay (HeyaiHttp *http, guint attempt, double seconds, gpointer user_data)
{
  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  g_unsetenv ("HEYAI_LOCAL_ROOT");
  g_setenv ("HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "fake-refresh-token", TRUE);
  sync_test_install_clock ();

  dir = g_dir_make_tmp ("heyai-bench-sync-XXXXXX", &error);
  g_assert_no_error (error);

  {
    g_autofree char *remote_dir = g_build_filename (dir, "folder-remote", NULL);
    g_autoptr(HeyaiStore) a = open_store (dir, "folder-A");
    g_autoptr(HeyaiStore) b = open_store (dir, "folder-B");
    g_autoptr(HeyaiSyncFolder) remote = NULL;
    Counters c = { "folder", f_lists, f_uploads, f_bytes, f_reset, NULL };

    g_mkdir_with_parents (remote_dir, 0700);
    remote = heyai_sync_folder_new (remote_dir);
    c.ctx = remote;
    run ("Sync through a folder", dir, HEYAI_SYNC_REMOTE (remote), HEYAI_SYNC_REMOTE (remote), a, b, &c);
  }

  {
    g_autoptr(HeyaiFake) fake = heyai_fake_new ();
    g_autoptr(HeyaiStore) a = open_store (dir, "drive-A");
    g_autoptr(HeyaiStore) b = open_store (dir, "drive-B");
    g_autoptr(HeyaiOauth) oauth = NULL;
    g_autoptr(HeyaiDrive) drive = NULL;
    g_autoptr(HeyaiSyncDrive) ra = NULL;
    g_autoptr(HeyaiSyncDrive) rb = NULL;
    Counters c = { "drive", d_lists, d_uploads, d_bytes, d_reset, NULL };

    g_assert_true (heyai_fake_install (fake, "google", &error));
    g_assert_true (heyai_fake_start (fake, 0, &error));
    heyai_fake_setenv (fake);
    oauth = heyai_oauth_new ();
    drive = heyai_drive_new (oauth);
    heyai_http_set_delay_func (heyai_drive_get_http (drive), no_delay, NULL, NULL);
    heyai_http_set_delay_func (heyai_drive_get_upload_http (drive), no_delay, NULL, NULL);
    ra = heyai_sync_drive_new (drive, a);
    rb = heyai_sync_drive_new (drive, b);
    c.ctx = fake;
    run ("Sync through Google Drive (fake, 127.0.0.1)", dir, HEYAI_SYNC_REMOTE (ra), HEYAI_SYNC_REMOTE (rb),
         a, b, &c);
    heyai_fake_stop (fake);
  }

  sync_test_remove_tree (dir);
  heyai_hlc_set_clock_func (NULL, NULL);
  return 0;
}
