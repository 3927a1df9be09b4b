/* test-fake-server.c: the standalone heyai-fake-server as CLI tests use it:
 * start it, read its NAME=VALUE lines up to READY, talk to it, read
 * /_fake/stats, add a fault over HTTP, stop it with SIGTERM.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-drive.h"
#include "heyai-fake.h"

typedef struct
{
  int         done;
  GPtrArray  *files;
  HeyaiHttpResponse *response;
  GError     *error;
} Result;

static void
list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->files = heyai_drive_list_finish (HEYAI_DRIVE (source), result, &r->error);
  r->done = 1;
}

static void
send_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  r->response = heyai_http_send_finish (HEYAI_HTTP (source), result, &r->error);
  r->done = 1;
}

static double
no_delay (HeyaiHttp *http, guint attempt, double seconds, gpointer user_data)
{
  return 0;
}

static HeyaiHttpResponse *
call (HeyaiHttp  *http,
      const char *method,
      const char *path)
{
  g_autoptr(HeyaiHttpRequest) req = heyai_http_request_new (method, path);
  Result r = { 0, };

  heyai_http_request_set_flags (req, HEYAI_HTTP_REQUEST_ANY_STATUS);
  heyai_http_send_async (http, req, NULL, send_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  return r.response;
}

static void
test_program (void)
{
  const char *program = g_getenv ("HEYAI_FAKE_SERVER");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(HeyaiOauth) oauth = NULL;
  g_autoptr(HeyaiDrive) drive = NULL;
  g_autoptr(HeyaiHttp) control = NULL;
  g_autoptr(HeyaiHttpResponse) stats = NULL;
  g_autoptr(HeyaiHttpResponse) fault = NULL;
  g_autoptr(HeyaiHttpResponse) bad = NULL;
  JsonObject *routes;
  Result r = { 0, };
  char *line;

  if (program == NULL)
    {
      g_test_skip ("HEYAI_FAKE_SERVER is not set");
      return;
    }

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, program,
                           "--services", "google",
                           "--fault", "drive.files.list:http-503:1",
                           "--option", "google.refresh-token=tok-from-cli",
                           NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      char *eq = strchr (line, '=');

      if (strcmp (line, "READY") == 0)
        {
          g_free (line);
          break;
        }
      g_assert_nonnull (eq);
      *eq = '\0';
      g_hash_table_insert (vars, g_strdup (line), g_strdup (eq + 1));
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (vars, "HEYAI_FAKE_URL"));
  g_assert_true (g_hash_table_contains (vars, "HEYAI_DRIVE_BASE_URL"));
  g_assert_true (g_hash_table_contains (vars, "HEYAI_GOOGLE_TOKEN_URL"));
  g_assert_false (g_hash_table_contains (vars, "HEYAI_OPENAI_BASE_URL"));

  g_setenv ("HEYAI_DRIVE_BASE_URL", g_hash_table_lookup (vars, "HEYAI_DRIVE_BASE_URL"), TRUE);
  g_setenv ("HEYAI_GOOGLE_TOKEN_URL", g_hash_table_lookup (vars, "HEYAI_GOOGLE_TOKEN_URL"), TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_ID", "fake-client-id", TRUE);
  g_setenv ("HEYAI_GOOGLE_CLIENT_SECRET", "fake-client-secret", TRUE);
  g_setenv ("HEYAI_DRIVE_REFRESH_TOKEN", "tok-from-cli", TRUE);

  oauth = heyai_oauth_new ();
  drive = heyai_drive_new (oauth);
  heyai_http_set_delay_func (heyai_drive_get_http (drive), no_delay, NULL, NULL);
  heyai_drive_list_async (drive, NULL, NULL, NULL, list_cb, &r);
  g_assert_true (heyai_fake_spin_until (&r.done, 20));
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.files->len, ==, 0);
  g_ptr_array_unref (r.files);

  control = heyai_http_new (g_hash_table_lookup (vars, "HEYAI_FAKE_URL"), "fake");
  stats = call (control, "GET", "/_fake/stats");
  routes = json_object_get_object_member (heyai_http_response_get_object (stats, NULL), "routes");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (routes, "drive.files.list"),
                                               "count"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (routes, "google.token"),
                                               "count"), ==, 1);

  fault = call (control, "POST", "/_fake/fault?spec=drive:http-500:2");
  g_assert_cmpuint (heyai_http_response_get_status (fault), ==, 200);
  bad = call (control, "POST", "/_fake/fault?spec=nonsense");
  g_assert_cmpuint (heyai_http_response_get_status (bad), ==, 400);

  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_bad_arguments (void)
{
  const char *program = g_getenv ("HEYAI_FAKE_SERVER");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) proc = NULL;

  if (program == NULL)
    {
      g_test_skip ("HEYAI_FAKE_SERVER is not set");
      return;
    }
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                           program, "--fault", "kling:nonsense-kind", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net/fake-server/program", test_program);
  g_test_add_func ("/net/fake-server/bad-arguments", test_bad_arguments);
  return g_test_run ();
}
