/* test-sync-cli.c: `heyai sync` between two data folders (two computers).
 *
 * Usage: test-sync-cli --tap PATH-TO-heyai
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "heyai-core.h"
#include "sync-test-utils.h"

static const char *heyai_path;

typedef struct
{
  char *dir;
  char *remote;
  char *a;
  char *b;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("heyai-sync-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->remote = g_build_filename (f->dir, "shared", NULL);
  f->a = g_build_filename (f->dir, "A", NULL);
  f->b = g_build_filename (f->dir, "B", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->remote, 0700), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sync_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->remote);
  g_free (f->a);
  g_free (f->b);
}

/* Runs heyai with @args (NULL-terminated) and $HEYAI_SYNC_FOLDER = @folder.
 * Returns the exit status. */
static int
heyai (const char  *folder,
       char       **out,
       char       **err,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  const char *arg;
  int status = -1;
  va_list ap;

  g_ptr_array_add (argv, (char *) heyai_path);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "HEYAI_SYNC_FOLDER", folder, TRUE);
  envp = g_environ_setenv (envp, "HEYAI_STORAGE", "local", TRUE);
  envp = g_environ_setenv (envp, "HEYAI_LLM", "offline", TRUE);
  envp = g_environ_unsetenv (envp, "HEYAI_LOCAL_ROOT");

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                               &status, &error));
  g_assert_no_error (error);
  g_test_message ("heyai %s -> %d\n%s%s", (char *) g_ptr_array_index (argv, 3), status,
                  out != NULL && *out != NULL ? *out : "", err != NULL && *err != NULL ? *err : "");

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_two_computers (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *sample = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"), "night-shift.fountain", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "unmounted", NULL);

  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->a, "new", "--title", "Night shift",
                          sample, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->a, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Uploaded this computer’s library"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->b, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "from 1 other computer"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->b, "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Night shift"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A again (merges B's copy), then nothing is left to do anywhere. */
  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->a, "sync", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->a, "sync", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No new changes from other computers. Nothing new to upload."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->a, "sync", "--conflicts", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No open sync conflicts."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Offline: exit 1, a clear message. */
  g_assert_cmpint (heyai (missing, &out, &err, "--data-dir", f->a, "sync", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "will sync later"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors: exit 2. */
  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->a, "sync", "extra", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (heyai (f->remote, &out, &err, "--data-dir", f->a, "sync", "--use-other", "abcdef", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "No sync conflict"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    {
      g_printerr ("usage: test-sync-cli [--tap] PATH-TO-heyai\n");
      return 2;
    }
  heyai_path = argv[1];

  g_test_add ("/sync-cli/two-computers", Fixture, NULL, fixture_setup, test_two_computers, fixture_teardown);

  return g_test_run ();
}
