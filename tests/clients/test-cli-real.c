/* test-cli-real.c: the `heyai` CLI with --llm openai --imager higgsfield
 * --animator kling (and --llm anthropic) against the standalone fake server
 * (heyai-fake-server):
 *  - a whole project completes;
 *  - killed (SIGKILL) after Higgsfield and Kling accepted jobs, then run
 *    again: the fake's counters show that nothing was submitted twice.
 *
 * Usage (meson): test-cli-real --tap <path to heyai>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cli-test-utils.h"

typedef struct
{
  char        *dir;        /* HEYAI_DATA_DIR */
  CliFake      fake;       /* heyai-fake-server */
  const char  *llm;        /* "openai" or "anthropic" */
} Fixture;

/* Starts heyai-fake-server with @extra arguments; reads its variables. */
static void
start_server (Fixture            *f,
              const char *const  *extra)
{
  g_assert_true (cli_fake_start (&f->fake, "openai,anthropic,higgsfield,kling", extra));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("heyai-cli-real-XXXXXX", &error);
  g_assert_no_error (error);
  f->llm = data != NULL ? data : "openai";
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cli_fake_stop (&f->fake);
  cli_rm_rf (f->dir);
  g_free (f->dir);
}

static GSubprocessLauncher *
launcher_new (Fixture          *f,
              GSubprocessFlags  flags)
{
  GSubprocessLauncher *launcher = cli_launcher_new (f->dir, f->fake.env, flags);

  g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", "sk-fake-openai", TRUE);
  g_subprocess_launcher_setenv (launcher, "ANTHROPIC_API_KEY", "sk-ant-fake", TRUE);
  g_subprocess_launcher_setenv (launcher, "HF_API_KEY", "fake-hf-id", TRUE);
  g_subprocess_launcher_setenv (launcher, "HF_API_SECRET", "fake-hf-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_HIGGSFIELD_POLL_MS", "20", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_KLING_POLL_MS", "20", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_HTTP_DELAY_SCALE", "0", TRUE);
  return launcher;
}

static int
run_heyai_err (Fixture      *f,
               char        **out,
               char        **err,
               const char   *first,
               ...) G_GNUC_NULL_TERMINATED;

#define run_heyai(f, out, ...) run_heyai_err ((f), (out), NULL, __VA_ARGS__)

static int
run_heyai_err (Fixture      *f,
               char        **out,
               char        **err,
               const char   *first,
               ...)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (char *) (g_str_equal (f->llm, "anthropic") ? "--llm=anthropic" : "--llm=openai"));
  g_ptr_array_add (argv, (char *) "--imager=higgsfield");
  g_ptr_array_add (argv, (char *) "--animator=kling");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return cli_run (launcher, NULL, (const char *const *) argv->pdata, out, err);
}

static char *
new_project (Fixture *f)
{
  g_autofree char *script = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"), "el-ultimo-faro.txt", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (run_heyai (f, &out, "new", "--title", "El último faro", script, NULL), ==, 0);
  g_strstrip (out);
  g_assert_true (g_uuid_string_is_valid (out));
  return g_steal_pointer (&out);
}

/* The fake's counters, over HTTP (GET /_fake/stats). */
static JsonObject *
fake_stats (Fixture    *f,
            JsonParser *parser)
{
  return cli_fake_stats (f->fake.url, parser);
}

static gint64
stat_counter (JsonObject *stats,
              const char *name)
{
  JsonObject *counters = json_object_get_object_member (stats, "counters");

  return json_object_has_member (counters, name) ? json_object_get_int_member (counters, name) : 0;
}

static gint64
stat_route (JsonObject *stats,
            const char *route)
{
  JsonObject *routes = json_object_get_object_member (stats, "routes");

  return json_object_has_member (routes, route)
           ? json_object_get_int_member (json_object_get_object_member (routes, route), "count") : 0;
}

/* Every scene clip_ready with a still and a clip; returns the scene count. */
static guint
assert_all_done (Fixture    *f,
                 const char *id)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *scenes;

  g_assert_cmpint (run_heyai (f, &out, "status", id, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  scenes = json_object_get_array_member (root, "scenes");
  g_assert_cmpuint (json_array_get_length (scenes), >, 0);
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);
      const char *clip = json_object_get_string_member (scene, "clip");

      g_assert_cmpstr (json_object_get_string_member (scene, "status"), ==, "clip_ready");
      g_assert_nonnull (clip);
      g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_str_has_suffix (clip, "-animated.mp4"));
    }
  return json_array_get_length (scenes);
}

static void
test_project_completes (Fixture       *f,
                        gconstpointer  data)
{
  const char *options[] = { "--option=higgsfield.polls=1", "--option=kling.polls=1", NULL };
  g_autofree char *id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *stats;
  guint n;

  start_server (f, options);
  id = new_project (f);
  g_assert_cmpint (run_heyai (f, NULL, "run", id, "--auto-approve", NULL), ==, 0);
  n = assert_all_done (f, id);

  stats = fake_stats (f, parser);
  /* One LLM call, to the provider asked for, none to the other. */
  g_assert_cmpint (stat_route (stats, "openai.chat"), ==, g_str_equal (f->llm, "openai") ? 1 : 0);
  g_assert_cmpint (stat_route (stats, "anthropic.messages"), ==, g_str_equal (f->llm, "anthropic") ? 1 : 0);
  g_assert_cmpint (stat_counter (stats, "higgsfield.accepted"), ==, n);
  g_assert_cmpint (stat_counter (stats, "kling.accepted"), ==, n);
}

/* A final business error reaches the producer as a clear sentence and the
 * exit status says the work failed; the stills are kept. */
static void
test_quota_surfaces (Fixture       *f,
                     gconstpointer  data)
{
  const char *options[] = { "--option=higgsfield.polls=1", "--option=kling.polls=1",
                            "--fault=kling.create:quota:1000", NULL };
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) status_parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *stats;
  JsonArray *scenes;

  start_server (f, options);
  id = new_project (f);
  g_assert_cmpint (run_heyai_err (f, NULL, &err, "run", id, "--auto-approve", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Kling says the account has no balance left"));
  g_assert_null (strstr (err, "\"code\""));   /* never raw JSON */

  stats = fake_stats (f, parser);
  g_assert_cmpint (stat_counter (stats, "kling.accepted"), ==, 0);
  g_assert_cmpint (stat_counter (stats, "higgsfield.accepted"), >, 0);

  g_assert_cmpint (run_heyai (f, &out, "status", id, "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (status_parser, out, -1, &error));
  g_assert_no_error (error);
  scenes = json_object_get_array_member (json_node_get_object (json_parser_get_root (status_parser)), "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);

      g_assert_cmpstr (json_object_get_string_member (scene, "status"), ==, "failed");
      g_assert_true (g_file_test (json_object_get_string_member (scene, "image"), G_FILE_TEST_IS_REGULAR));
    }
}

/* The fake LLM makes one scene per paragraph of the script (at most 12). */
static guint
expected_scenes (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"), "el-ultimo-faro.txt", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  parts = g_regex_split_simple ("\\n\\s*\\n", text, 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      n++;
  return CLAMP (n, 1, 12);
}

static void
test_kill_and_resume (Fixture       *f,
                      gconstpointer  data)
{
  /* Slow services: a still takes ~25 polls and a clip ~40, so the kill
   * lands while Higgsfield requests and Kling tasks are accepted but
   * unfinished. */
  const char *options[] = { "--option=higgsfield.polls=25", "--option=kling.polls=40", NULL };
  g_autofree char *id = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  gint64 accepted = 0;
  gint64 stills = 0;
  guint expected = expected_scenes ();
  guint n;

  start_server (f, options);
  id = new_project (f);

  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli_heyai_path, "--llm=openai", "--imager=higgsfield",
                                         "--animator=kling", "run", id, "--auto-approve", NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *stats;

      g_usleep (20 * 1000);
      stats = fake_stats (f, parser);
      accepted = stat_counter (stats, "kling.accepted");
      stills = stat_counter (stats, "higgsfield.accepted");
      /* Every still submitted (Higgsfield has no idempotency key: a still
       * killed between its acceptance and the commit of its request id,
       * a few milliseconds, would be paid twice), some clips too. */
      if (accepted >= 1 && stills >= expected)
        break;
    }
  g_assert_cmpint (accepted, >=, 1);
  g_assert_cmpint (stills, ==, expected);
  g_usleep (150 * 1000);   /* let the last request id reach the database */
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *stats = fake_stats (f, parser);

    /* The kill left clips to submit and accepted ones to pick up. */
    accepted = stat_counter (stats, "kling.accepted");
    g_assert_cmpint (accepted, <, expected);
  }

  /* Restart: everything finishes, nothing is paid for twice. */
  g_assert_cmpint (run_heyai (f, NULL, "run", id, "--auto-approve", NULL), ==, 0);
  n = assert_all_done (f, id);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *stats = fake_stats (f, parser);

    g_assert_cmpuint (n, ==, expected);
    g_test_message ("%u scenes; kling accepted %" G_GINT64_FORMAT " before the kill", n, accepted);
    g_assert_cmpint (stat_counter (stats, "higgsfield.accepted"), ==, n);
    g_assert_cmpint (stat_counter (stats, "kling.accepted"), ==, n);
    /* One LLM call, to the provider asked for, none to the other. */
  g_assert_cmpint (stat_route (stats, "openai.chat"), ==, g_str_equal (f->llm, "openai") ? 1 : 0);
  g_assert_cmpint (stat_route (stats, "anthropic.messages"), ==, g_str_equal (f->llm, "anthropic") ? 1 : 0);
  }
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);

  g_test_add ("/clients/cli/project-completes", Fixture, NULL, fixture_setup, test_project_completes,
              fixture_teardown);
  g_test_add ("/clients/cli/project-completes-anthropic", Fixture, "anthropic", fixture_setup,
              test_project_completes, fixture_teardown);
  g_test_add ("/clients/cli/quota-surfaces", Fixture, NULL, fixture_setup, test_quota_surfaces,
              fixture_teardown);
  g_test_add ("/clients/cli/kill-and-resume", Fixture, NULL, fixture_setup, test_kill_and_resume,
              fixture_teardown);

  return g_test_run ();
}
