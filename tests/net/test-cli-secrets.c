/* test-cli-secrets.c: what the `heyai` program lets out, against the
 * standalone fake server:
 *  - with every debug log on (G_MESSAGES_DEBUG=all), stdout of `heyai new`
 *    is the project id alone (logs go to stderr), so `id=$(heyai new …)`
 *    works;
 *  - a server that echoes the API key in its error text: the key reaches
 *    neither stdout, stderr, `status --json` (last_error) nor the database
 *    file (which is what sync puts on Drive).
 *
 * Usage (meson): test-cli-secrets --tap <path to heyai>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define ECHOED_KEY "sk-wrong-ECHOED0123456789abcdef"

static const char *heyai_path;

typedef struct
{
  char        *dir;
  GSubprocess *server;
  GPtrArray   *env;      /* NAME=VALUE lines printed by the fake server */
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_remove (path);
}

static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;

  f->dir = g_dir_make_tmp ("heyai-cli-secrets-XXXXXX", &error);
  g_assert_no_error (error);
  f->env = g_ptr_array_new_with_free_func (g_free);
  f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                g_getenv ("HEYAI_FAKE_SERVER"), "--services=openai", "--exit-on-eof",
                                "--option=openai.echo-key=1", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, "READY"))
        break;
      g_ptr_array_add (f->env, g_steal_pointer (&line));
    }
}

static void
stop_server (Fixture *f)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (f->server), NULL, NULL);
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
  g_ptr_array_unref (f->env);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* Runs heyai with @argv (NULL-terminated, after the program name). */
static int
heyai (Fixture            *f,
       const char *const  *argv,
       char              **out,
       char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *keyring = g_build_filename (f->dir, "test.keyring", NULL);

  for (guint i = 0; i < f->env->len; i++)
    {
      g_auto(GStrv) kv = g_strsplit (g_ptr_array_index (f->env, i), "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "HEYAI_DATA_DIR", f->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", ECHOED_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_HTTP_DELAY_SCALE", "0", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_BACKEND", "file", TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.Secret", TRUE);

  g_ptr_array_add (args, (char *) heyai_path);
  g_ptr_array_add (args, (char *) "--llm=openai");
  g_ptr_array_add (args, (char *) "--imager=offline");
  g_ptr_array_add (args, (char *) "--animator=offline");
  g_ptr_array_add (args, (char *) "--storage=local");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  g_assert_no_error (error);
  {
    /* Always collect both: GLib 2.74 leaks a piped stream's buffer that is
     * not collected. */
    g_autofree char *out_ignored = NULL;
    g_autofree char *err_ignored = NULL;

    g_subprocess_communicate_utf8 (process, NULL, NULL, out != NULL ? out : &out_ignored,
                                   err != NULL ? err : &err_ignored, &error);
  }
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : 128;
}

static char *
new_project (Fixture *f)
{
  g_autofree char *script = g_build_filename (f->dir, "script.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "new", "--title", "Echo", script, NULL };

  g_assert_true (g_file_set_contents (script, "A stone island in the fog.\n\nMarta climbs the stairs.\n", -1, NULL));
  g_assert_cmpint (heyai (f, argv, &out, &err), ==, 0);
  /* the debug logs went to stderr; stdout is the id alone */
  g_assert_nonnull (err);
  g_assert_true (g_regex_match_simple ("^[0-9a-f-]{36}\n$", out, 0, 0));
  return g_strndup (out, 36);
}

static void
test_stdout_is_the_id (void)
{
  Fixture f = { 0 };
  g_autofree char *id = NULL;

  start_server (&f);
  id = new_project (&f);
  g_assert_cmpuint (strlen (id), ==, 36);
  stop_server (&f);
}

static void
assert_file_lacks (const char *path,
                   const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return;
  g_assert_null (g_strstr_len (contents, len, needle));
}

static void
test_echoed_key (void)
{
  Fixture f = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *status_out = NULL;
  g_autofree char *status_err = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  start_server (&f);
  id = new_project (&f);
  {
    const char *argv[] = { "analyze", id, NULL };

    g_assert_cmpint (heyai (&f, argv, &out, &err), !=, 0);
  }
  {
    const char *argv[] = { "status", id, "--json", NULL };

    heyai (&f, argv, &status_out, &status_err);
  }
  g_test_message ("stderr: %s", err);
  /* the failure was reported, with the key redacted */
  g_assert_nonnull (strstr (err, "Access denied for [REDACTED] on this project"));
  g_assert_null (strstr (out, "ECHOED0123456789"));
  g_assert_null (strstr (err, "ECHOED0123456789"));
  g_assert_null (strstr (status_out, "ECHOED0123456789"));
  g_assert_null (strstr (status_err, "ECHOED0123456789"));

  /* nor any file of the data directory: the database (and its WAL) is
   * what sync puts on Drive */
  dir = g_dir_open (f.dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f.dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        assert_file_lacks (path, "ECHOED0123456789");
    }
  stop_server (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  heyai_path = argv[1];

  g_test_add_func ("/net/cli/stdout-is-the-id", test_stdout_is_the_id);
  g_test_add_func ("/net/cli/echoed-key", test_echoed_key);
  return g_test_run ();
}
