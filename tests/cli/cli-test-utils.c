/* cli-test-utils.c: one copy of the boilerplate the CLI tests share (see
 * cli-test-utils.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-cli-test"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "heyai-core.h"
#include "cli-test-utils.h"

const char *cli_heyai_path;

/* g_test_init(), then the heyai binary from the first argument left. */
void
cli_test_init (int    *argc,
               char ***argv)
{
  g_test_init (argc, argv, NULL);
  if (*argc < 2)
    {
      g_printerr ("usage: %s [--tap] PATH-TO-heyai\n", (*argv)[0]);
      exit (2);
    }
  cli_heyai_path = (*argv)[1];
}

/* The SHA-256 of the file at @path. */
char *
cli_file_sum (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *sum = heyai_file_sha256 (path, NULL, &error);

  g_assert_no_error (error);
  return sum;
}

void
cli_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        cli_rm_rf (child);
      }
  g_remove (path);
}

/* Starts heyai-fake-server (HEYAI_FAKE_SERVER) with @services
 * ("higgsfield,kling") and @extra arguments ("--option", "K=V", "--fault",
 * "SPEC", ...; NULL-terminated or NULL) and reads its variables up to READY.
 * FALSE (and @fake untouched) when the server was not built. */
gboolean
cli_fake_start (CliFake           *fake,
                const char        *services,
                const char *const *extra)
{
  const char *server = g_getenv ("HEYAI_FAKE_SERVER");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_assert_null (fake->proc);
  if (server == NULL || !g_file_test (server, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;

  g_ptr_array_add (argv, (char *) server);
  g_ptr_array_add (argv, (char *) "--services");
  g_ptr_array_add (argv, (char *) services);
  g_ptr_array_add (argv, (char *) "--exit-on-eof");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);

  fake->proc = g_subprocess_newv ((const char * const *) argv->pdata,
                                  G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  if (fake->env == NULL)
    fake->env = g_ptr_array_new_with_free_func (g_free);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fake->proc));
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    {
      if (g_str_equal (line, "READY"))
        {
          g_free (line);
          break;
        }
      if (g_str_has_prefix (line, "HEYAI_FAKE_URL="))
        fake->url = g_strdup (line + strlen ("HEYAI_FAKE_URL="));
      g_ptr_array_add (fake->env, line);
    }
  g_assert_no_error (error);
  g_assert_nonnull (fake->url);
  return TRUE;
}

/* Stops the server (if started) and frees what @fake holds. */
void
cli_fake_stop (CliFake *fake)
{
  if (fake->proc != NULL)
    {
      g_subprocess_send_signal (fake->proc, SIGTERM);
      g_subprocess_wait (fake->proc, NULL, NULL);
      g_clear_object (&fake->proc);
    }
  g_clear_pointer (&fake->env, g_ptr_array_unref);
  g_clear_pointer (&fake->url, g_free);
}

/* The fake's GET /_fake/stats ("counters", "routes"), kept alive by
 * @parser. */
JsonObject *
cli_fake_stats (const char *url,
                JsonParser *parser)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *stats = g_strconcat (url, "/_fake/stats", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", stats);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* Its "counters" object (NULL when it has none). */
static JsonObject *
fake_counters (const char *url,
               JsonParser *parser)
{
  return json_object_get_object_member (cli_fake_stats (url, parser), "counters");
}

/* A counter of the fake at @url ("kling.accepted": tasks created, i.e.
 * billed); 0 when it never counted. */
gint64
cli_fake_counter (const char *url,
                  const char *name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *counters = fake_counters (url, parser);

  if (counters == NULL || !json_object_has_member (counters, name))
    return 0;
  return json_object_get_int_member (counters, name);
}

/* The fake's counters whose names start with @prefix, summed ("kling.multi."
 * sums kling.multi.X over every request X). */
gint64
cli_fake_sum (const char *url,
              const char *prefix)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *counters = fake_counters (url, parser);
  g_autoptr(GList) names = NULL;
  gint64 sum = 0;

  if (counters == NULL)
    return 0;
  names = json_object_get_members (counters);
  for (GList *l = names; l != NULL; l = l->next)
    if (g_str_has_prefix (l->data, prefix))
      sum += json_object_get_int_member (counters, l->data);
  return sum;
}

/* A launcher for heyai with HEYAI_DATA_DIR = @data_dir, the offline
 * providers unless the command line names others, and (when @fake_env is
 * not NULL) the fake remote services with their test keys and fast
 * polling. */
GSubprocessLauncher *
cli_launcher_new (const char       *data_dir,
                  GPtrArray        *fake_env,
                  GSubprocessFlags  flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "HEYAI_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);   /* a test may ask for another */
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_LOCAL_ROOT");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_LLM");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_IMAGER");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_ANIMATOR");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_STORAGE");

  /* The fake remote services, with fast polling and their test keys. */
  if (fake_env != NULL)
    {
      for (guint i = 0; i < fake_env->len; i++)
        {
          g_auto(GStrv) kv = g_strsplit (g_ptr_array_index (fake_env, i), "=", 2);
          g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
        }
      g_subprocess_launcher_setenv (launcher, "HF_CREDENTIALS", "fake-hf-id:fake-hf-secret", TRUE);
      g_subprocess_launcher_setenv (launcher, "KLING_ACCESS_KEY", "fake-kling-access", TRUE);
      g_subprocess_launcher_setenv (launcher, "KLING_SECRET_KEY", "fake-kling-secret", TRUE);
      g_subprocess_launcher_setenv (launcher, "HEYAI_HIGGSFIELD_POLL_MS", "100", TRUE);
      g_subprocess_launcher_setenv (launcher, "HEYAI_KLING_POLL_MS", "100", TRUE);
      g_subprocess_launcher_setenv (launcher, "HEYAI_HTTP_DELAY_SCALE", "0.01", TRUE);
    }

  /* Under LeakSanitizer, heyai also needs GLib's quark-table suppression. */
  if (g_getenv ("LSAN_OPTIONS") != NULL)
    {
      g_autofree char *supp = g_test_build_filename (G_TEST_DIST, "cli", "lsan-heyai.supp", NULL);
      g_autofree char *options = g_strdup_printf ("suppressions=%s:print_suppressions=0", supp);
      g_subprocess_launcher_setenv (launcher, "LSAN_OPTIONS", options, TRUE);
    }
  /* ... and full malloc stacks, or the suppression cannot see the constructor. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strdup_printf ("%s:fast_unwind_on_malloc=0", g_getenv ("ASAN_OPTIONS"));
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  return launcher;
}

/* Starts cli_heyai_path with @args (NULL-terminated, without the
 * program) from @launcher. */
GSubprocess *
cli_spawn (GSubprocessLauncher *launcher,
           const char *const   *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_assert_nonnull (cli_heyai_path);
  g_ptr_array_add (argv, (char *) cli_heyai_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* Runs cli_heyai_path with @args (NULL-terminated, without the program)
 * from @launcher (made with STDOUT_PIPE | STDERR_PIPE), feeding @input on
 * stdin when not NULL (and STDIN_PIPE); returns the exit status (or 128 +
 * signal).  *@out and *@err, when asked for, are replaced (the old string
 * freed: callers reuse them from call to call). */
int
cli_run (GSubprocessLauncher *launcher,
         const char          *input,
         const char *const   *args,
         char               **out,
         char               **err)
{
  g_autoptr(GSubprocess) process = cli_spawn (launcher, args);
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_buf = NULL;
  g_autofree char *stderr_buf = NULL;
  int status;

  g_subprocess_communicate_utf8 (process, input, NULL, &stdout_buf, &stderr_buf, &error);
  g_assert_no_error (error);

  status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                : 128 + g_subprocess_get_term_sig (process);
  g_test_message ("heyai %s -> %d\n%s%s", args[0] != NULL ? args[0] : "", status,
                  stdout_buf != NULL ? stdout_buf : "", stderr_buf != NULL ? stderr_buf : "");

  if (out != NULL)
    {
      g_free (*out);
      *out = g_steal_pointer (&stdout_buf);
    }
  if (err != NULL)
    {
      g_free (*err);
      *err = g_steal_pointer (&stderr_buf);
    }
  return status;
}

/* cli_run() with stdout and stderr in one string, @out (if not NULL). */
int
cli_run_merged (GSubprocessLauncher *launcher,
                const char *const   *args,
                char               **out)
{
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  int status = cli_run (launcher, NULL, args, &o, &e);

  if (out != NULL)
    *out = g_strconcat (o ? o : "", e ? e : "", NULL);
  return status;
}
