/* bench-upload.c: peak memory while uploading a 1 GiB file (sparse, in a
 * temporary folder) to the in-process fake Drive with the resumable upload.
 * Both sides stream: the client reads the file chunk by chunk, the fake
 * counts the bytes and keeps none of them.  Prints the figures and PASS/MISS
 * against a 64 MiB peak RSS budget.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "heyai-core.h"
#include "heyai-drive.h"
#include "heyai-fake.h"

#define MiB (1024 * 1024)
#define BUDGET_MIB 64

static gint64
status_kib (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  line = strstr (text, field);
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

typedef struct
{
  int         done;
  JsonObject *file;
  GError     *error;
  gint64      max_rss;
} Result;

static void
upload_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->file = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
progress_cb (gint64 done, gint64 total, gpointer user_data)
{
  Result *r = user_data;

  r->max_rss = MAX (r->max_rss, status_kib ("VmRSS:"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiFake) fake = heyai_fake_new ();
  g_autoptr(HeyaiOauth) oauth = NULL;
  g_autoptr(HeyaiDrive) drive = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-bench-upload-XXXXXX", &error);
  g_autofree char *path = NULL;
  const goffset size = G_GINT64_CONSTANT (1024) * MiB;
  HeyaiDriveUpload upload = { 0, };
  Result r = { 0, };
  gint64 before, peak, start, elapsed;
  double seconds;
  int fd;

  g_assert_no_error (error);
  path = g_build_filename (dir, "big-clip.mp4", NULL);
  fd = open (path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);   /* sparse: no disk used */
  close (fd);

  g_assert_true (heyai_fake_install (fake, "google", &error));
  g_assert_true (heyai_fake_start (fake, 0, &error));
  heyai_fake_setenv (fake);
  g_setenv ("HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "fake-refresh-token", TRUE);

  oauth = heyai_oauth_new ();
  drive = heyai_drive_new (oauth);
  upload.path = path;

  before = status_kib ("VmHWM:");
  start = g_get_monotonic_time ();
  heyai_drive_upload_async (drive, &upload, NULL, progress_cb, &r, NULL, upload_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;
  peak = status_kib ("VmHWM:");

  g_assert_no_error (r.error);
  g_assert_cmpstr (json_object_get_string_member (r.file, "size"), ==, "1073741824");
  g_assert_cmpint (heyai_fake_get_counter (fake, "drive.upload.persisted"), ==, size);

  seconds = elapsed / (double) G_USEC_PER_SEC;
  printf ("bench-upload: %" G_GOFFSET_FORMAT " MiB in %u chunks of %" G_GSIZE_FORMAT " MiB, %.2f s (%.0f MiB/s)\n",
          size / MiB, heyai_fake_get_count (fake, "drive.upload.chunk"),
          heyai_drive_get_chunk_size (drive) / MiB, seconds, (size / (double) MiB) / seconds);
  printf ("bench-upload: peak RSS (VmHWM) %.1f MiB (%.1f MiB before the upload, max VmRSS seen %.1f MiB)\n",
          peak / 1024.0, before / 1024.0, r.max_rss / 1024.0);
  printf ("bench-upload: %s: peak RSS %.1f MiB against a %d MiB budget (client and in-process fake together)\n",
          peak < BUDGET_MIB * 1024 ? "PASS" : "MISS", peak / 1024.0, BUDGET_MIB);

  json_object_unref (r.file);
  heyai_fake_stop (fake);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
