/* test-cli-gdrive.c: `heyai run --storage=gdrive` against the standalone
 * fake server (fake OpenAI, Higgsfield, Kling and Google): every still and
 * clip lands once in HeyAI Projects/Project-<n>-<slug>/{images,clips}, the
 * folder ids are kept in the database (a second run makes no folder
 * request), and a revoked Drive authorization gives a clear message.
 *
 * Usage (meson): test-cli-gdrive --tap <path to heyai>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

static const char *heyai_path;

typedef struct
{
  char        *dir;
  GSubprocess *server;
  GPtrArray   *env;
  char        *fake_url;
} Fixture;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        rm_rf (child);
      }
  g_remove (path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *server_path = g_getenv ("HEYAI_FAKE_SERVER");
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;

  f->dir = g_dir_make_tmp ("heyai-cli-gdrive-XXXXXX", &error);
  g_assert_no_error (error);
  f->env = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (server_path);
  f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                server_path, "--services=openai,higgsfield,kling,google", "--exit-on-eof",
                                "--option=higgsfield.polls=1", "--option=kling.polls=1", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, "READY"))
        break;
      if (g_str_has_prefix (line, "HEYAI_FAKE_URL="))
        f->fake_url = g_strdup (line + strlen ("HEYAI_FAKE_URL="));
      g_ptr_array_add (f->env, g_strdup (line));
    }
  g_assert_nonnull (f->fake_url);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (f->server), NULL, NULL);
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
  g_ptr_array_unref (f->env);
  g_free (f->fake_url);
  rm_rf (f->dir);
  g_free (f->dir);
}

static int
run_heyai (Fixture     *f,
           const char  *refresh_token,
           char       **out,
           char       **err,
           ...) G_GNUC_NULL_TERMINATED;

static int
run_heyai (Fixture     *f,
           const char  *refresh_token,
           char       **out,
           char       **err,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_buf = NULL;
  g_autofree char *stderr_buf = NULL;
  va_list args;
  const char *arg;

  for (guint i = 0; i < f->env->len; i++)
    {
      g_auto(GStrv) kv = g_strsplit (g_ptr_array_index (f->env, i), "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "HEYAI_DATA_DIR", f->dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_LOCAL_ROOT");
  g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", "sk-fake-openai", TRUE);
  g_subprocess_launcher_setenv (launcher, "HF_API_KEY", "fake-hf-id", TRUE);
  g_subprocess_launcher_setenv (launcher, "HF_API_SECRET", "fake-hf-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "KLING_ACCESS_KEY", "fake-kling-access", TRUE);
  g_subprocess_launcher_setenv (launcher, "KLING_SECRET_KEY", "fake-kling-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_HIGGSFIELD_POLL_MS", "20", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_KLING_POLL_MS", "20", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_HTTP_DELAY_SCALE", "0", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_DRIVE_REFRESH_TOKEN", refresh_token, TRUE);
  /* never the developer's keyring: a throw-away file keyring and schema */
  {
    g_autofree char *keyring = g_build_filename (f->dir, "test.keyring", NULL);

    g_subprocess_launcher_setenv (launcher, "SECRET_BACKEND", "file", TRUE);
    g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PATH", keyring, TRUE);
    g_subprocess_launcher_setenv (launcher, "SECRET_FILE_TEST_PASSWORD", "test", TRUE);
    g_subprocess_launcher_setenv (launcher, "HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.Secret", TRUE);
  }

  g_ptr_array_add (argv, (char *) heyai_path);
  g_ptr_array_add (argv, (char *) "--llm=openai");
  g_ptr_array_add (argv, (char *) "--imager=higgsfield");
  g_ptr_array_add (argv, (char *) "--animator=kling");
  g_ptr_array_add (argv, (char *) "--storage=gdrive");
  va_start (args, err);
  for (arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &stdout_buf, &stderr_buf, &error);
  g_assert_no_error (error);
  if (stderr_buf != NULL && *stderr_buf != '\0')
    g_test_message ("heyai stderr: %s", stderr_buf);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_buf);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_buf);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                              : 128 + g_subprocess_get_term_sig (process);
}

static JsonObject *
fake_stats (Fixture    *f,
            JsonParser *parser)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/_fake/stats", f->fake_url);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), &error));
  return json_node_get_object (json_parser_get_root (parser));
}

static gint64
counter (JsonObject *stats,
         const char *name)
{
  JsonObject *counters = json_object_get_object_member (stats, "counters");

  return json_object_has_member (counters, name) ? json_object_get_int_member (counters, name) : 0;
}

static gint64
route (JsonObject *stats,
       const char *name)
{
  JsonObject *routes = json_object_get_object_member (stats, "routes");

  return json_object_has_member (routes, name)
           ? json_object_get_int_member (json_object_get_object_member (routes, name), "count") : 0;
}

static char *
new_project (Fixture *f)
{
  g_autofree char *script = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"), "el-ultimo-faro.txt", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (run_heyai (f, "fake-refresh-token", &out, NULL, "new", "--title", "El último faro",
                              script, NULL), ==, 0);
  g_strstrip (out);
  g_assert_true (g_uuid_string_is_valid (out));
  return g_steal_pointer (&out);
}

static guint
scene_count (Fixture    *f,
             const char *id)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *scenes;

  g_assert_cmpint (run_heyai (f, "fake-refresh-token", &out, NULL, "status", id, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  scenes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (scenes, i), "status"),
                     ==, "clip_ready");
  return json_array_get_length (scenes);
}

static void
test_run_to_drive (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *id = new_project (f);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) parser2 = json_parser_new ();
  JsonObject *stats;
  gint64 lists, created;
  guint n;

  g_assert_cmpint (run_heyai (f, "fake-refresh-token", NULL, NULL, "run", id, "--auto-approve", NULL), ==, 0);
  n = scene_count (f, id);
  g_assert_cmpuint (n, >, 0);

  stats = fake_stats (f, parser);
  /* HeyAI Projects, Project-<n>-el-ultimo-faro, images, clips, final */
  g_assert_cmpint (counter (stats, "drive.created") - counter (stats, "drive.upload.completed"), ==, 5);
  g_assert_cmpint (counter (stats, "drive.upload.completed"), ==, 2 * n);
  g_assert_cmpint (counter (stats, "drive.upload.sessions"), ==, 2 * n);
  lists = route (stats, "drive.files.list");
  created = counter (stats, "drive.created");

  /* a second run has nothing to upload and knows the folders */
  g_assert_cmpint (run_heyai (f, "fake-refresh-token", NULL, NULL, "run", id, "--auto-approve", NULL), ==, 0);
  stats = fake_stats (f, parser2);
  g_assert_cmpint (counter (stats, "drive.created"), ==, created);
  g_assert_cmpint (route (stats, "drive.files.list"), ==, lists);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = new_project (f);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_heyai (f, "1//revoked", NULL, &err, "run", id, "--auto-approve", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Google Drive access was revoked or expired. Connect Google Drive again"));
  g_assert_null (strstr (err, "invalid_grant"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s --tap <path to heyai>\n", argv[0]);
      return 2;
    }
  heyai_path = argv[1];

  g_test_add ("/net/cli-gdrive/run-to-drive", Fixture, NULL, fixture_setup, test_run_to_drive, fixture_teardown);
  g_test_add ("/net/cli-gdrive/revoked", Fixture, NULL, fixture_setup, test_revoked, fixture_teardown);
  return g_test_run ();
}
