/* test-cli-references.c: the bible's reference images reach the remote
 * providers through the real CLI (issue 16), against heyai-fake-server:
 * Higgsfield's soul/reference uploads the character's image for the scene
 * that names it; Kling's kling-v1-6 (the default model) sends it in
 * multi-image2video's image_list for that scene only; kling-v2-1 (no
 * references) says so in the run output and in the export's manifest.
 *
 * Usage: test-cli-references --tap PATH-TO-heyai
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "heyai-core.h"

static const char *heyai_path;

typedef struct {
  char        *data;       /* HEYAI_DATA_DIR */
  GSubprocess *fake;       /* heyai-fake-server */
  GPtrArray   *fake_env;   /* "NAME=VALUE" lines it printed */
  char        *fake_url;
  char        *id;         /* the project */
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

/* Runs heyai against the fakes, with @model_env ("NAME=VALUE" or NULL)
 * added; returns the exit status; @out (if not NULL) gets stdout and
 * stderr. */
static int
heyai (Fixture     *f,
       const char  *model_env,
       char       **out,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (char *) heyai_path);
  va_start (args, out);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_DATA_DIR", f->data, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_LOCAL_ROOT");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_LLM");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_IMAGER");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_ANIMATOR");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_STORAGE");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_HIGGSFIELD_MODEL");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_KLING_MODEL");
  for (guint i = 0; i < f->fake_env->len; i++)
    {
      g_auto(GStrv) kv = g_strsplit (g_ptr_array_index (f->fake_env, i), "=", 2);
      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  g_subprocess_launcher_setenv (launcher, "HF_CREDENTIALS", "fake-hf-id:fake-hf-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "KLING_ACCESS_KEY", "fake-kling-access", TRUE);
  g_subprocess_launcher_setenv (launcher, "KLING_SECRET_KEY", "fake-kling-secret", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_HIGGSFIELD_POLL_MS", "100", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_KLING_POLL_MS", "100", TRUE);
  g_subprocess_launcher_setenv (launcher, "HEYAI_HTTP_DELAY_SCALE", "0.01", TRUE);
  if (model_env != NULL)
    {
      g_auto(GStrv) kv = g_strsplit (model_env, "=", 2);
      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc)
                                             : 128 + g_subprocess_get_term_sig (proc);
  g_test_message ("heyai %s %s -> %d\n%s%s", model_env ? model_env : "", (char *) argv->pdata[1],
                  status, o ? o : "", e ? e : "");
  if (out != NULL)
    *out = g_strconcat (o ? o : "", e ? e : "", NULL);
  return status;
}

/* The fake's counters whose names start with @prefix, summed ("kling.multi."
 * sums kling.multi.X over every request X). */
static gint64
fake_sum (Fixture    *f,
          const char *prefix)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (f->fake_url, "/_fake/stats", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) names = NULL;
  JsonObject *counters;
  gint64 sum = 0;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  counters = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "counters");
  if (counters == NULL)
    return 0;
  names = json_object_get_members (counters);
  for (GList *l = names; l != NULL; l = l->next)
    if (g_str_has_prefix (l->data, prefix))
      sum += json_object_get_int_member (counters, l->data);
  return sum;
}

static const char script[] =
  "INT. LIGHTHOUSE STAIRS - NIGHT\n\n"
  "Mara climbs the spiral stairs, lamp in hand.\n\n"
  "EXT. OPEN SEA - DAY\n\n"
  "Waves break against black rocks under a grey sky.\n";

/* Starts the fakes and makes a project of two scenes, only the first
 * naming Mara (who has a reference image), with approved stills: scene 1
 * on Higgsfield's soul/reference (the image uploaded and sent), scene 2 on
 * the default model (nothing to send). */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *server = g_getenv ("HEYAI_FAKE_SERVER");
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *image = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data",
                                             "still.png", NULL);
  char *out = NULL;
  char *line;

  f->data = g_dir_make_tmp ("heyai-cli-refs-XXXXXX", &error);
  g_assert_no_error (error);
  f->fake_env = g_ptr_array_new_with_free_func (g_free);
  if (server == NULL || !g_file_test (server, G_FILE_TEST_IS_EXECUTABLE))
    return;

  f->fake = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              server, "--services", "higgsfield,kling", "--exit-on-eof",
                              "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->fake));
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL)
    {
      if (g_str_equal (line, "READY"))
        {
          g_free (line);
          break;
        }
      if (g_str_has_prefix (line, "HEYAI_FAKE_URL="))
        f->fake_url = g_strdup (line + strlen ("HEYAI_FAKE_URL="));
      g_ptr_array_add (f->fake_env, line);
    }
  g_assert_no_error (error);
  g_assert_nonnull (f->fake_url);

  script_path = g_build_filename (f->data, "lighthouse.fountain", NULL);
  g_assert_true (g_file_set_contents (script_path, script, -1, NULL));
  g_assert_cmpint (heyai (f, NULL, &f->id, "new", "--title", "References", script_path, NULL), ==, 0);
  *strchr (f->id, '\n') = '\0';
  g_assert_cmpint (heyai (f, NULL, NULL, "bible", f->id, "add", "character", "Mara", "--image", image, NULL), ==, 0);
  g_assert_cmpint (heyai (f, NULL, NULL, "analyze", f->id, NULL), ==, 0);
  g_assert_cmpint (heyai (f, NULL, &out, "cast", f->id, "2", NULL), ==, 0);
  g_assert_null (strstr (out, "Mara"));
  g_clear_pointer (&out, g_free);

  /* soul/reference refuses a request without a reference image (422), so
   * only scene 1's still is made on it. */
  g_assert_cmpint (heyai (f, "HEYAI_HIGGSFIELD_MODEL=higgsfield-ai/soul/reference", &out,
                          "--imager", "higgsfield", "images", f->id, "--scene", "1", NULL), ==, 0);
  g_assert_null (strstr (out, "References not applied"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (fake_sum (f, "higgsfield.uploads"), ==, 1);
  g_assert_cmpint (fake_sum (f, "higgsfield.references"), ==, 1);
  g_assert_cmpint (heyai (f, NULL, NULL, "--imager", "higgsfield", "images", f->id, "--scene", "2", NULL), ==, 0);
  g_assert_cmpint (fake_sum (f, "higgsfield.accepted"), ==, 2);
  g_assert_cmpint (fake_sum (f, "higgsfield.uploads"), ==, 1);
  g_assert_cmpint (fake_sum (f, "higgsfield.references"), ==, 1);
  g_test_message ("higgsfield: accepted %" G_GINT64_FORMAT ", uploads %" G_GINT64_FORMAT
                  ", references %" G_GINT64_FORMAT, fake_sum (f, "higgsfield.accepted"),
                  fake_sum (f, "higgsfield.uploads"), fake_sum (f, "higgsfield.references"));
  g_assert_cmpint (heyai (f, NULL, NULL, "approve", f->id, "--all", NULL), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->fake != NULL)
    {
      g_subprocess_send_signal (f->fake, SIGTERM);
      g_subprocess_wait (f->fake, NULL, NULL);
      g_clear_object (&f->fake);
    }
  g_clear_pointer (&f->fake_env, g_ptr_array_unref);
  g_clear_pointer (&f->fake_url, g_free);
  g_clear_pointer (&f->id, g_free);
  rm_rf (f->data);
  g_clear_pointer (&f->data, g_free);
}

/* kling-v1-6: scene 1's clip goes to multi-image2video with the still and
 * Mara's image; scene 2's to image2video with the still alone. */
static void
test_kling_references (Fixture       *f,
                       gconstpointer  data)
{
  char *out = NULL;

  if (f->fake == NULL)
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  g_assert_cmpint (heyai (f, "HEYAI_KLING_MODEL=kling-v1-6", &out, "--animator", "kling",
                          "animate", f->id, "--scene", "1", NULL), ==, 0);
  g_assert_null (strstr (out, "References not applied"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (fake_sum (f, "kling.accepted"), ==, 1);
  g_assert_cmpint (fake_sum (f, "kling.multi."), ==, 1);
  g_assert_cmpint (fake_sum (f, "kling.images."), ==, 2);

  g_assert_cmpint (heyai (f, "HEYAI_KLING_MODEL=kling-v1-6", &out, "--animator", "kling",
                          "animate", f->id, "--scene", "2", NULL), ==, 0);
  g_assert_null (strstr (out, "References not applied"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (fake_sum (f, "kling.accepted"), ==, 2);
  g_assert_cmpint (fake_sum (f, "kling.multi."), ==, 1);
  g_assert_cmpint (fake_sum (f, "kling.images."), ==, 3);
  g_assert_cmpint (fake_sum (f, "kling.image_list.rejected"), ==, 0);
  g_test_message ("kling-v1-6: accepted %" G_GINT64_FORMAT ", multi-image2video %" G_GINT64_FORMAT
                  ", images sent %" G_GINT64_FORMAT, fake_sum (f, "kling.accepted"),
                  fake_sum (f, "kling.multi."), fake_sum (f, "kling.images."));
}

/* kling-v2-1 takes no references: the run says so for scene 1
 * only, and the export's manifest records it (scene 1's still carried its
 * reference, so the note is the clip's). */
static void
test_kling_no_references (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *export_dir = NULL;
  g_autofree char *manifest = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  char *out = NULL;

  if (f->fake == NULL)
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  g_assert_cmpint (heyai (f, "HEYAI_KLING_MODEL=kling-v2-1", &out, "--animator", "kling", "animate", f->id, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1: References not applied"));
  g_assert_null (strstr (out, "Scene 2: References not applied"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (fake_sum (f, "kling.accepted"), ==, 2);
  g_assert_cmpint (fake_sum (f, "kling.multi."), ==, 0);
  g_assert_cmpint (fake_sum (f, "kling.images."), ==, 2);

  export_dir = g_build_filename (f->data, "export", NULL);
  g_assert_cmpint (heyai (f, NULL, NULL, "approve", f->id, "--all", NULL), ==, 0);
  g_assert_cmpint (heyai (f, NULL, NULL, "export", f->id, "--to", export_dir, "--formats", "edl", NULL), ==, 0);
  dir = g_dir_open (export_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (export_dir, name, "manifest.json", NULL);

      if (g_file_get_contents (path, &manifest, NULL, NULL))
        break;
    }
  g_assert_nonnull (manifest);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonArray *scenes;
    const char *note;

    g_assert_true (json_parser_load_from_data (parser, manifest, -1, &error));
    g_assert_no_error (error);
    scenes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "scenes");
    g_assert_nonnull (scenes);
    g_assert_cmpuint (json_array_get_length (scenes), ==, 2);
    note = json_object_get_string_member (json_array_get_object_element (scenes, 0), "references_note");
    g_test_message ("scene 1 references_note: %s", note);
    g_assert_nonnull (note);
    g_assert_true (g_str_has_prefix (note, "References not applied"));
    g_assert_nonnull (strstr (note, "Kling"));
    g_assert_true (json_object_get_null_member (json_array_get_object_element (scenes, 1), "references_note"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s PATH-TO-heyai\n", argv[0]);
      return 77;
    }
  heyai_path = argv[1];

  g_test_add ("/cli/references/kling", Fixture, NULL, fixture_set_up, test_kling_references, fixture_tear_down);
  g_test_add ("/cli/references/kling-none", Fixture, NULL, fixture_set_up, test_kling_no_references,
              fixture_tear_down);

  return g_test_run ();
}
