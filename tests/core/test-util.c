/* test-util.c: heyai-util and heyai-types helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "heyai-core.h"

static void
test_slugify (void)
{
  struct { const char *in; gsize max; const char *out; } cases[] = {
    { "EL ÚLTIMO FARO — guion", 0, "el-ultimo-faro-guion" },
    { "El Último Faro", 0, "el-ultimo-faro" },
    { "  Night   Shift!!  ", 0, "night-shift" },
    { "Crème brûlée: a tale", 0, "creme-brulee-a-tale" },
    { "don't stop", 0, "dont-stop" },
    { "---", 0, "untitled" },
    { "", 0, "untitled" },
    { NULL, 0, "untitled" },
    { "日本語", 0, "untitled" },
    { "abc def ghi", 7, "abc-def" },
    { "abcdefghij", 4, "abcd" },
    { "ab cd", 3, "ab" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *slug = heyai_slugify (cases[i].in, cases[i].max);
      g_assert_cmpstr (slug, ==, cases[i].out);
    }

  {
    g_autofree char *long_text = g_strnfill (200, 'x');
    g_autofree char *slug = heyai_slugify (long_text, 0);
    g_assert_cmpuint (strlen (slug), ==, 48);
  }
}

static void
test_uuid (void)
{
  g_autofree char *a = heyai_uuid_new ();
  g_autofree char *b = heyai_uuid_new ();

  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_cmpuint (strlen (a), ==, 36);
  g_assert_cmpstr (a, !=, b);
}

static void
test_sha256 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-test-XXXXXX", &error);
  g_autofree char *small = NULL;
  g_autofree char *big = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *sum = NULL;
  g_autofree char *big_sum = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *big_data = NULL;
  gsize big_len = 3 * 64 * 1024 + 17;

  g_assert_no_error (error);

  small = g_build_filename (dir, "abc.txt", NULL);
  g_assert_true (g_file_set_contents (small, "abc", 3, &error));
  sum = heyai_file_sha256 (small, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sum, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  /* Several 64 KiB chunks plus a tail. */
  big = g_build_filename (dir, "big.bin", NULL);
  big_data = g_malloc (big_len);
  for (gsize i = 0; i < big_len; i++)
    big_data[i] = (char) (i * 31 + 7);
  g_assert_true (g_file_set_contents (big, big_data, (gssize) big_len, &error));
  big_sum = heyai_file_sha256 (big, NULL, &error);
  g_assert_no_error (error);
  expected = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) big_data, big_len);
  g_assert_cmpstr (big_sum, ==, expected);

  missing = g_build_filename (dir, "missing.png", NULL);
  g_assert_null (heyai_file_sha256 (missing, NULL, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "missing.png"));
  g_clear_error (&error);

  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_cancellable_cancel (cancellable);
    g_assert_null (heyai_file_sha256 (big, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  g_assert_cmpint (g_remove (small), ==, 0);
  g_assert_cmpint (g_remove (big), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_io_error (void)
{
  g_autoptr(GError) error = NULL;

  heyai_set_io_error (&error, ENOSPC, "Could not write scene-01.png");
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE);
  g_assert_true (g_str_has_prefix (error->message, "Could not write scene-01.png"));
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);

  heyai_set_io_error (&error, EACCES, "Could not write x");
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);

  heyai_set_io_error (&error, EROFS, "Could not write x");
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);

  heyai_set_io_error (&error, EPERM, "Could not write x");
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
  g_clear_error (&error);

  heyai_set_io_error (&error, ENOENT, "Could not open x");
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);

  {
    g_autoptr(GError) io = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left");
    heyai_set_gio_error (&error, io, "Could not upload");
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE);
    g_clear_error (&error);
  }
}

static void
test_timecode (void)
{
  struct { gint64 frames; int fps; const char *out; } cases[] = {
    { 0, 24, "00:00:00:00" },
    { 23, 24, "00:00:00:23" },
    { 24, 24, "00:00:01:00" },
    { 24 * 60 + 12, 24, "00:01:00:12" },
    { 24 * 3661 + 5, 24, "01:01:01:05" },
    { 30 * 10, 30, "00:00:10:00" },
    { -5, 24, "00:00:00:00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tc = heyai_timecode (cases[i].frames, cases[i].fps);
      g_assert_cmpstr (tc, ==, cases[i].out);
    }
}

static void
test_format_duration (void)
{
  struct { double s; const char *out; } cases[] = {
    { 0, "0:00" }, { 5, "0:05" }, { 65, "1:05" }, { 64.6, "1:05" },
    { 600, "10:00" }, { 3725, "1:02:05" }, { -3, "0:00" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *d = heyai_format_duration (cases[i].s);
      g_assert_cmpstr (d, ==, cases[i].out);
    }
}

static void
test_default_data_dir (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("HEYAI_DATA_DIR"));
  g_autofree char *with_env = NULL;
  g_autofree char *without = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "heyai-studio", NULL);

  g_setenv ("HEYAI_DATA_DIR", "/tmp/heyai-somewhere", TRUE);
  with_env = heyai_default_data_dir ();
  g_assert_cmpstr (with_env, ==, "/tmp/heyai-somewhere");

  g_unsetenv ("HEYAI_DATA_DIR");
  without = heyai_default_data_dir ();
  g_assert_cmpstr (without, ==, expected);

  if (saved != NULL)
    g_setenv ("HEYAI_DATA_DIR", saved, TRUE);
}

static void
test_enums (void)
{
  int value = -1;

  g_assert_cmpstr (heyai_enum_to_string (HEYAI_TYPE_PROJECT_STATUS,
                                         HEYAI_PROJECT_STATUS_READY_FOR_EDIT), ==, "ready_for_edit");
  g_assert_cmpstr (heyai_enum_to_string (HEYAI_TYPE_ASPECT, HEYAI_ASPECT_9_16), ==, "9:16");
  g_assert_cmpstr (heyai_enum_to_string (HEYAI_TYPE_CAMERA_MOVE, HEYAI_CAMERA_PUSH_IN), ==, "push-in");
  g_assert_cmpstr (heyai_enum_to_string (HEYAI_TYPE_JOB_STATE, HEYAI_JOB_STATE_CANCELLED), ==, "cancelled");
  g_assert_null (heyai_enum_to_string (HEYAI_TYPE_JOB_STATE, 99));

  g_assert_true (heyai_enum_from_string (HEYAI_TYPE_SCENE_STATUS, "clip_ready", &value));
  g_assert_cmpint (value, ==, HEYAI_SCENE_STATUS_CLIP_READY);
  g_assert_true (heyai_enum_from_string (HEYAI_TYPE_ASPECT, "1:1", &value));
  g_assert_cmpint (value, ==, HEYAI_ASPECT_1_1);
  g_assert_true (heyai_enum_from_string (HEYAI_TYPE_ROLE, "animator", &value));
  g_assert_cmpint (value, ==, HEYAI_ROLE_ANIMATOR);
  value = 42;
  g_assert_false (heyai_enum_from_string (HEYAI_TYPE_ASPECT, "4:3", &value));
  g_assert_false (heyai_enum_from_string (HEYAI_TYPE_ASPECT, NULL, &value));
  g_assert_cmpint (value, ==, 42);

  /* Round trip of every value of every enum. */
  {
    GType types[] = { HEYAI_TYPE_PROJECT_STATUS, HEYAI_TYPE_ASPECT, HEYAI_TYPE_APPROVAL,
                      HEYAI_TYPE_SCENE_STATUS, HEYAI_TYPE_CAMERA_MOVE, HEYAI_TYPE_ASSET_KIND,
                      HEYAI_TYPE_JOB_KIND, HEYAI_TYPE_JOB_STATE, HEYAI_TYPE_ROLE };

    for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
      {
        GEnumClass *klass = g_type_class_ref (types[t]);

        for (guint i = 0; i < klass->n_values; i++)
          {
            const char *s = heyai_enum_to_string (types[t], klass->values[i].value);
            g_assert_nonnull (s);
            g_assert_true (heyai_enum_from_string (types[t], s, &value));
            g_assert_cmpint (value, ==, klass->values[i].value);
          }
        g_type_class_unref (klass);
      }
  }
}

static void
test_labels (void)
{
  g_assert_cmpstr (heyai_project_status_label (HEYAI_PROJECT_STATUS_GENERATING_IMAGES), ==, "Generating images");
  g_assert_cmpstr (heyai_scene_status_label (HEYAI_SCENE_STATUS_CLIP_READY), ==, "Clip ready");
  g_assert_cmpstr (heyai_camera_move_label (HEYAI_CAMERA_TILT_UP), ==, "Tilt up");
}

static void
test_job_state_final (void)
{
  g_assert_false (heyai_job_state_is_final (HEYAI_JOB_STATE_QUEUED));
  g_assert_false (heyai_job_state_is_final (HEYAI_JOB_STATE_SUBMITTED));
  g_assert_false (heyai_job_state_is_final (HEYAI_JOB_STATE_RUNNING));
  g_assert_false (heyai_job_state_is_final (HEYAI_JOB_STATE_DOWNLOADING));
  g_assert_false (heyai_job_state_is_final (HEYAI_JOB_STATE_UPLOADING));
  g_assert_true (heyai_job_state_is_final (HEYAI_JOB_STATE_DONE));
  g_assert_true (heyai_job_state_is_final (HEYAI_JOB_STATE_FAILED));
  g_assert_true (heyai_job_state_is_final (HEYAI_JOB_STATE_CANCELLED));
}

static void
test_aspect_size (void)
{
  int w = 0, h = 0;

  heyai_aspect_get_size (HEYAI_ASPECT_16_9, 1280, &w, &h);
  g_assert_cmpint (w, ==, 1280);
  g_assert_cmpint (h, ==, 720);
  heyai_aspect_get_size (HEYAI_ASPECT_9_16, 1280, &w, &h);
  g_assert_cmpint (w, ==, 720);
  g_assert_cmpint (h, ==, 1280);
  heyai_aspect_get_size (HEYAI_ASPECT_1_1, 1280, &w, &h);
  g_assert_cmpint (w, ==, 1280);
  g_assert_cmpint (h, ==, 1280);
  heyai_aspect_get_size (HEYAI_ASPECT_16_9, 1920, &w, &h);
  g_assert_cmpint (w, ==, 1920);
  g_assert_cmpint (h, ==, 1080);
  /* Odd results are rounded to even sizes for video encoders. */
  heyai_aspect_get_size (HEYAI_ASPECT_16_9, 1000, &w, &h);
  g_assert_cmpint (h % 2, ==, 0);
}

/* Hashing never runs on the main loop's thread: called from a callback of
 * the running default main context it aborts (the invariant of issue 15);
 * outside the loop and in a thread it hashes. */
static gboolean
hash_in_loop_cb (gpointer user_data)
{
  g_free (heyai_file_sha256 (user_data, NULL, NULL));
  return G_SOURCE_REMOVE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
hash_thread (gpointer user_data)
{
  return heyai_file_sha256 (user_data, NULL, NULL);
}

static void
test_sha256_off_main_loop (void)
{
  const char *path = g_getenv ("HEYAI_TEST_HASH_PATH");

  if (g_test_subprocess ())
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

      g_idle_add (hash_in_loop_cb, (gpointer) path);
      g_idle_add (quit_cb, loop);
      g_main_loop_run (loop);
      return;
    }

  {
    g_autofree char *file = NULL;
    g_autofree char *direct = NULL;
    g_autofree char *threaded = NULL;
    g_autoptr(GError) error = NULL;
    int fd = g_file_open_tmp ("heyai-hash-XXXXXX", &file, &error);

    g_assert_no_error (error);
    close (fd);
    g_assert_true (g_file_set_contents (file, "abc", 3, NULL));
    direct = heyai_file_sha256 (file, NULL, NULL);
    threaded = g_thread_join (g_thread_new ("hash", hash_thread, file));
    g_assert_cmpstr (direct, ==, threaded);

    g_setenv ("HEYAI_TEST_HASH_PATH", file, TRUE);
    g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed ();
    g_test_trap_assert_stderr ("*g_main_context_is_owner*");
    g_unlink (file);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/util/slugify", test_slugify);
  g_test_add_func ("/core/util/uuid", test_uuid);
  g_test_add_func ("/core/util/sha256", test_sha256);
  g_test_add_func ("/core/util/sha256-off-main-loop", test_sha256_off_main_loop);
  g_test_add_func ("/core/util/io-error", test_io_error);
  g_test_add_func ("/core/util/timecode", test_timecode);
  g_test_add_func ("/core/util/format-duration", test_format_duration);
  g_test_add_func ("/core/util/default-data-dir", test_default_data_dir);
  g_test_add_func ("/core/types/enums", test_enums);
  g_test_add_func ("/core/types/labels", test_labels);
  g_test_add_func ("/core/types/job-state-final", test_job_state_final);
  g_test_add_func ("/core/types/aspect-size", test_aspect_size);

  return g_test_run ();
}
