/* test-cli.c: runs the built `heyai` binary with the offline providers in a
 * temporary HEYAI_DATA_DIR.  The binary's path is the first argument that is
 * not a GTest option (meson passes it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "heyai-core.h"
#include "heyai-pipeline.h"
#include "cli-test-utils.h"

typedef struct
{
  char        *dir;        /* HEYAI_DATA_DIR */
  char        *work;       /* scratch files */
  CliFake      fake;       /* heyai-fake-server, for the remote tests */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("heyai-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->work = g_dir_make_tmp ("heyai-cli-work-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cli_fake_stop (&f->fake);
  cli_rm_rf (f->dir);
  cli_rm_rf (f->work);
  g_free (f->dir);
  g_free (f->work);
}

static GSubprocessLauncher *
launcher_new (Fixture        *f,
              GSubprocessFlags flags)
{
  return cli_launcher_new (f->dir, f->fake.env, flags);
}

/* Runs heyai with @argv (NULL-terminated, without the program), feeding
 * @input on stdin; returns the exit status (or 128 + signal). */
static int
run_heyai_v (Fixture      *f,
             const char   *input,
             char        **out,
             char        **err,
             const char  **args)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;

  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  launcher = launcher_new (f, flags);
  return cli_run (launcher, input, args, out, err);
}

#define run_heyai(f, out, err, ...) \
  run_heyai_v ((f), NULL, (out), (err), (const char *[]) { __VA_ARGS__, NULL })
#define run_heyai_input(f, input, out, err, ...) \
  run_heyai_v ((f), (input), (out), (err), (const char *[]) { __VA_ARGS__, NULL })

static char *
sample (const char *name)
{
  const char *dir = g_getenv ("HEYAI_SAMPLES_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static char *
db_path (Fixture *f)
{
  return g_build_filename (f->dir, "heyai.db", NULL);
}

static sqlite3 *
open_db (Fixture *f)
{
  g_autofree char *path = db_path (f);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
db_count (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static gint64
count_projects (Fixture *f)
{
  g_autofree char *path = db_path (f);
  sqlite3 *db;
  gint64 n;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return 0;
  db = open_db (f);
  n = db_count (db, "SELECT COUNT(*) FROM projects WHERE deleted = 0");
  sqlite3_close (db);
  return n;
}

static char *
new_project (Fixture    *f,
             const char *script_path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  status = run_heyai (f, &out, &err, "new", script_path);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  g_strstrip (out);
  g_assert_true (g_uuid_string_is_valid (out));
  return g_steal_pointer (&out);
}

static JsonObject *
status_json (Fixture    *f,
             const char *project,
             JsonParser *parser)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_cmpint (run_heyai (f, &out, &err, "status", project, "--json"), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_nonnull (root);
  return root;
}

/* Every scene has a still and a clip that exist on disk. */
static guint
assert_all_done (Fixture    *f,
                 const char *project)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = status_json (f, project, parser);
  JsonObject *proj = json_object_get_object_member (root, "project");
  JsonArray *scenes = json_object_get_array_member (root, "scenes");

  g_assert_cmpstr (json_object_get_string_member (proj, "id"), ==, project);
  g_assert_nonnull (json_object_get_string_member (proj, "title"));
  g_assert_cmpstr (json_object_get_string_member (proj, "status"), ==, "ready_for_edit");
  g_assert_cmpuint (json_array_get_length (scenes), >, 0);

  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);
      const char *image = json_object_get_string_member (scene, "image");
      const char *clip = json_object_get_string_member (scene, "clip");

      g_assert_cmpint (json_object_get_int_member (scene, "position"), ==, i + 1);
      g_assert_true (json_object_has_member (scene, "title"));
      g_assert_cmpstr (json_object_get_string_member (scene, "status"), ==, "clip_ready");
      g_assert_nonnull (image);
      g_assert_nonnull (clip);
      g_assert_true (g_path_is_absolute (image));
      g_assert_true (g_path_is_absolute (clip));
      g_assert_true (g_file_test (image, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_file_test (clip, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_str_has_prefix (image, f->dir));
      g_assert_true (g_str_has_suffix (clip, "-animated.mp4"));
    }

  return json_array_get_length (scenes);
}

/* ---------------------------------------------------------------------- */

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  const char *commands[] = { "new", "list", "show", "analyze", "images", "approve", "reject",
                             "animate", "run", "status", "cancel", "export", "sync" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_heyai (f, &out, &err, "--help"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %s ", commands[i]);
      g_assert_nonnull (strstr (out, line));
    }
  g_assert_nonnull (strstr (out, "--data-dir"));
  g_assert_nonnull (strstr (out, "--image-jobs"));

  for (guint i = 0; i < G_N_ELEMENTS (commands) - 2; i++)
    {
      g_autofree char *cmd_out = NULL;
      g_autofree char *usage = g_strdup_printf ("heyai %s", commands[i]);

      g_assert_cmpint (run_heyai (f, &cmd_out, NULL, commands[i], "--help"), ==, 0);
      g_assert_nonnull (strstr (cmd_out, usage));
    }

  /* --help wrote nothing to the data dir. */
  g_assert_cmpint (count_projects (f), ==, 0);
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  struct { const char *args[5]; } cases[] = {
    { { NULL } },
    { { "frobnicate", NULL } },
    { { "--bogus", "list", NULL } },
    { { "list", "--bogus", NULL } },
    { { "list", "extra", NULL } },
    { { "status", NULL } },
    { { "status", "no-such-project", NULL } },
    { { "status", "999", NULL } },
    { { "show", "deadbeef", NULL } },
    { { "run", "no-such-project", NULL } },
    { { "new", NULL } },
    { { "new", "--aspect", "4:3", "x.txt", NULL } },
    { { "new", "/nonexistent/script.txt", NULL } },
    { { "--image-jobs", "-3", "list", NULL } },
    { { "--imager", "nonsense", "images", "1", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      const char **args = cases[i].args;
      int status = run_heyai_v (f, NULL, NULL, &err, args);

      g_test_message ("case %u: %s", i, args[0] ? args[0] : "(none)");
      g_assert_cmpint (status, ==, 2);
      g_assert_true (g_str_has_prefix (err, "heyai: "));
    }

  /* With a project: bad scene numbers. */
  id = new_project (f, script);
  {
    g_autofree char *err = NULL;
    g_assert_cmpint (run_heyai (f, NULL, &err, "approve", id), ==, 2);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_heyai (f, NULL, &err, "approve", id, "--all", "2"), ==, 2);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_heyai (f, NULL, &err, "images", id, "--scene", "x"), ==, 2);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_heyai (f, NULL, &err, "analyze", id, "extra"), ==, 2);
    g_assert_true (g_str_has_prefix (err, "heyai: "));
  }
  g_assert_cmpint (count_projects (f), ==, 1);
}

/* A global option given after the command: the error says where it goes,
 * with the command line fixed (the command's --help does not list it), in
 * the user's language; nothing runs. */
static void
test_global_option_after_command (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = new_project (f, script);
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpint (run_heyai (f, NULL, &err, "run", id, "--image-jobs", "1"), ==, 2);
  expected = g_strdup_printf ("heyai: --image-jobs is a global option: put it before the command, as in "
                              "“heyai --image-jobs 1 run %s”\n", id);
  g_assert_cmpstr (err, ==, expected);
  g_clear_pointer (&expected, g_free);

  g_assert_cmpint (run_heyai (f, NULL, &err, "animate", id, "--clip-jobs", "2", "--scene", "1"), ==, 2);
  expected = g_strdup_printf ("heyai: --clip-jobs is a global option: put it before the command, as in "
                              "“heyai --clip-jobs 2 animate %s --scene 1”\n", id);
  g_assert_cmpstr (err, ==, expected);
  g_clear_pointer (&expected, g_free);

  g_assert_cmpint (run_heyai (f, NULL, &err, "images", id, "--budget=2.50"), ==, 2);
  expected = g_strdup_printf ("heyai: --budget is a global option: put it before the command, as in "
                              "“heyai --budget=2.50 images %s”\n", id);
  g_assert_cmpstr (err, ==, expected);
  g_clear_pointer (&expected, g_free);

  g_assert_cmpint (run_heyai (f, NULL, &err, "run", id, "--monthly-budget", "40"), ==, 2);
  g_assert_nonnull (strstr (err, "--monthly-budget is a global option"));
  g_assert_nonnull (strstr (err, "“heyai --monthly-budget 40 run "));

  /* An option no one knows still points to the command's --help. */
  g_assert_cmpint (run_heyai (f, NULL, &err, "run", id, "--image-jobz", "1"), ==, 2);
  g_assert_nonnull (strstr (err, "--image-jobz"));
  g_assert_nonnull (strstr (err, "“heyai run --help”"));
  g_assert_null (strstr (err, "global option"));

  /* In Spanish. */
  {
    g_autoptr(GSubprocessLauncher) launcher =
      launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    const char *args[] = { "run", id, "--image-jobs", "1", NULL };

    g_subprocess_launcher_setenv (launcher, "LANGUAGE", "es", TRUE);
    g_assert_cmpint (cli_run (launcher, NULL, args, NULL, &err), ==, 2);
    expected = g_strdup_printf ("heyai: --image-jobs es una opción global: ponla antes del comando, como en "
                                "«heyai --image-jobs 1 run %s»\n", id);
    g_assert_cmpstr (err, ==, expected);
  }

  /* Nothing ran: the script was not even split into scenes. */
  {
    sqlite3 *db = open_db (f);

    g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM scenes"), ==, 0);
    sqlite3_close (db);
  }
}

static void
test_bad_scripts (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *empty = g_build_filename (f->work, "empty.txt", NULL);
  g_autofree char *blank = g_build_filename (f->work, "blank.txt", NULL);
  g_autofree char *binary = g_build_filename (f->work, "binary.bin", NULL);
  g_autofree char *huge = g_build_filename (f->work, "huge.txt", NULL);
  g_autofree char *latin1 = g_build_filename (f->work, "latin1.txt", NULL);
  g_autofree char *notes = g_build_filename (f->work, "notes.fountain", NULL);
  g_autofree char *png = g_build_filename (f->work, "picture.txt", NULL);
  g_autofree char *huge_text = NULL;
  const char bin[] = { 'P', 'K', 3, 4, 0, 0, 0, 1, 2, 3 };
  const char png_bytes[] = { '\x89', 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  const char *files[] = { empty, blank, binary, huge, notes, png };
  gsize huge_len = 5 * 1024 * 1024;

  g_file_set_contents (empty, "", 0, NULL);
  g_file_set_contents (blank, "  \n\n\t \n", -1, NULL);
  g_file_set_contents (binary, bin, sizeof bin, NULL);
  huge_text = g_malloc (huge_len);
  for (gsize i = 0; i < huge_len; i++)
    huge_text[i] = (i % 80 == 79) ? '\n' : "lighthouse "[i % 11];
  g_file_set_contents (huge, huge_text, huge_len, NULL);
  g_file_set_contents (latin1, "El \xfaltimo faro\n\nUna isla.\n", -1, NULL);
  g_file_set_contents (notes, "[[just a note]]\n/* boneyard */\n", -1, NULL);
  g_file_set_contents (png, png_bytes, sizeof png_bytes, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("script %s", files[i]);
      g_assert_cmpint (run_heyai (f, &out, &err, "new", files[i]), ==, 1);
      g_assert_cmpstr (out, ==, "");
      g_assert_true (g_str_has_prefix (err, "heyai: "));
      g_assert_cmpuint (strlen (err), >, strlen ("heyai: \n") + 10);
      g_assert_null (strchr (err + strlen ("heyai: "), '{'));
      /* sizes stated truly; a binary file is not told to rename itself */
      if (files[i] == huge)
        g_assert_nonnull (strstr (err, "5.2\xc2\xa0MB"));
      if (files[i] == png)
        g_assert_nonnull (strstr (err, "PNG image"));
    }

  /* The same through standard input. */
  {
    g_autofree char *err = NULL;
    g_assert_cmpint (run_heyai_input (f, "", NULL, &err, "new", "-"), ==, 1);
    g_assert_true (g_str_has_prefix (err, "heyai: "));
  }

  /* Nothing was created. */
  g_assert_cmpint (count_projects (f), ==, 0);

  /* Legacy 8-bit text is read, never silently: the notice is on stderr. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_heyai (f, &out, &err, "new", latin1), ==, 0);
    g_assert_nonnull (strstr (err, "read as Latin-1"));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_heyai_input (f, "caf\xe9 con leche y un faro apagado\n", NULL, &err, "new", "-"), ==, 0);
    g_assert_nonnull (strstr (err, "read as Latin-1"));
    g_assert_cmpint (count_projects (f), ==, 2);
  }
}

/* A Final Draft file: converted to Fountain, the notes on stderr, the
 * original kept beside the project, `show --script` prints the Fountain. */
static void
test_import_fdx (Fixture       *f,
                 gconstpointer  data)
{
  static const char xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n"
    "<FinalDraft DocumentType=\"Script\" Template=\"No\" Version=\"5\">\n"
    "  <Content>\n"
    "    <Paragraph Type=\"Scene Heading\"><Text>INT. FARO - NOCHE</Text></Paragraph>\n"
    "    <Paragraph Type=\"Action\"><Text>Marta sube la escalera con una linterna.</Text></Paragraph>\n"
    "    <Paragraph Type=\"Character\"><Text>MARTA</Text></Paragraph>\n"
    "    <Paragraph Type=\"Dialogue\"><Text>¿Leo?</Text></Paragraph>\n"
    "    <Paragraph Type=\"Scene Heading\"><Text>EXT. MAR - NOCHE</Text></Paragraph>\n"
    "    <Paragraph Type=\"Action\"><Text>Olas de diez metros.</Text></Paragraph>\n"
    "  </Content>\n"
    "  <ElementSettings Type=\"Action\"><FontSpec Font=\"Courier Final Draft\"/></ElementSettings>\n"
    "</FinalDraft>\n";
  g_autofree char *path = g_build_filename (f->work, "El último faro.fdx", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *kept_path = NULL;

  g_assert_true (g_file_set_contents (path, xml, -1, NULL));
  g_assert_cmpint (run_heyai (f, &out, &err, "new", path), ==, 0);
  g_assert_nonnull (strstr (err, "Converted from Final Draft to Fountain: 2 scenes."));
  id = g_strstrip (g_strdup (out));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the title from the file name keeps its accents */
  g_assert_cmpint (run_heyai (f, &out, &err, "show", id), ==, 0);
  g_assert_true (g_str_has_prefix (out, "El último faro\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_heyai (f, &out, &err, "show", id, "--script"), ==, 0);
  g_assert_true (g_str_has_prefix (out, "INT. FARO - NOCHE\n\nMarta sube la escalera con una linterna.\n\nMARTA\n¿Leo?\n"));
  g_assert_null (strstr (out, "<"));
  g_assert_nonnull (strstr (err, "Converted from Final Draft"));

  kept_path = g_build_filename (f->dir, "HeyAI Projects", "Project-1-el-ultimo-faro", "script", "El último faro.fdx", NULL);
  g_assert_true (g_file_get_contents (kept_path, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, xml);
}

static void
test_new_and_list (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *script = sample ("el-ultimo-faro.txt");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *id = NULL;
  g_autofree char *short_id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_assert_cmpint (run_heyai_input (f, "A lighthouse at night.\n\nThe keeper climbs.\n", &out, &err,
                                    "new", "--title", "Faro", "--aspect", "9:16", "--style", "grainy 16 mm", "-"), ==, 0);
  id = g_strstrip (g_steal_pointer (&out));
  g_assert_true (g_uuid_string_is_valid (id));

  root = status_json (f, id, parser);
  root = json_object_get_object_member (root, "project");
  g_assert_cmpstr (json_object_get_string_member (root, "title"), ==, "Faro");
  g_assert_cmpstr (json_object_get_string_member (root, "status"), ==, "draft");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "show", id), ==, 0);
  g_assert_nonnull (strstr (out, "9:16"));
  g_assert_nonnull (strstr (out, "grainy 16 mm"));

  /* The title defaults to the script's title (or the file name). */
  g_clear_pointer (&id, g_free);
  id = new_project (f, script);
  short_id = g_strndup (id, 8);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "list"), ==, 0);
  g_assert_nonnull (strstr (out, "Faro"));
  g_assert_nonnull (strstr (out, short_id));
  g_assert_nonnull (strstr (out, "Draft"));

  /* Projects are found by number and id prefix too. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "status", "2"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "status", short_id), ==, 0);

  /* Nothing running: cancel says so. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "cancel", id), ==, 0);

  g_assert_cmpint (count_projects (f), ==, 2);
}

static void
test_run_auto (Fixture       *f,
               gconstpointer  data)
{
  const char *name = data;
  g_autofree char *script = sample (name);
  g_autofree char *id = new_project (f, script);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint n;

  g_assert_cmpint (run_heyai (f, &out, &err, "run", id, "--auto-approve"), ==, 0);
  /* Piped: quiet but one line per finished scene. */
  g_assert_null (strstr (err, "\r"));
  g_assert_nonnull (strstr (err, "clip ready"));

  n = assert_all_done (f, id);
  g_assert_cmpuint (n, >=, 3);

  /* A second run finds nothing to do. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, &out, &err, "run", id, "--auto-approve"), ==, 0);
  g_assert_null (strstr (err, "ready"));
}


static JsonObject *
scene_json (JsonObject *root,
            guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (root, "scenes"), index);
}

/* A producer's revision round with the CLI: regenerate two stills after the
 * clips, approve, animate; select an older take; export (an outdated clip is
 * held, never shipped silently); a new draft with one line changed and one
 * scene added (dry run first); retry with nothing failed is refused. */
static void
test_revision_round (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = new_project (f, script);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autofree char *draft = NULL;
  g_autofree char *export_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *readme = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_auto(GStrv) parts = NULL;
  JsonObject *root;

  g_assert_cmpint (run_heyai (f, NULL, NULL, "run", id, "--auto-approve"), ==, 0);

  /* Two new stills after the clips: the clips are outdated, stills await review. */
  g_assert_cmpint (run_heyai (f, NULL, NULL, "images", id, "--scene", "2"), ==, 0);
  g_assert_cmpint (run_heyai (f, NULL, NULL, "images", id, "--scene", "4"), ==, 0);
  parser = json_parser_new ();
  root = status_json (f, id, parser);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "project"), "status"), ==,
                   "awaiting_review");
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 1), "image_take"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 1), "clip_take"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 1), "clip_source_image_take"), ==, 1);
  g_assert_true (json_object_get_boolean_member (scene_json (root, 1), "clip_stale"));
  g_assert_false (json_object_get_boolean_member (scene_json (root, 0), "clip_stale"));
  g_assert_nonnull (json_object_get_string_member (scene_json (root, 0), "id"));

  /* Approved and animated: only the two outdated clips are made again. */
  g_assert_cmpint (run_heyai (f, NULL, NULL, "approve", id, "2", "4"), ==, 0);
  g_assert_cmpint (run_heyai (f, NULL, &err, "animate", id), ==, 0);
  g_clear_object (&parser);
  parser = json_parser_new ();
  root = status_json (f, id, parser);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "project"), "status"), ==,
                   "ready_for_edit");
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 1), "clip_take"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 1), "clip_source_image_take"), ==, 2);
  g_assert_false (json_object_get_boolean_member (scene_json (root, 1), "clip_stale"));
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 0), "clip_take"), ==, 1);

  /* The older still of scene 2 selected again: its new clip is outdated. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "select", id, "2", "--image-take", "1"), ==, 0);
  g_assert_nonnull (strstr (out, "clip outdated"));
  g_assert_cmpint (run_heyai (f, NULL, NULL, "select", id, "2", "--image-take", "9"), ==, 2);

  /* Export: held by default, stated in README.txt and manifest.json. */
  g_assert_cmpint (run_heyai (f, NULL, NULL, "export", id, "--to", export_dir, "--formats", "edl"), ==, 0);
  {
    g_autofree char *manifest_path = g_build_filename (export_dir, "night-shift-handoff", "manifest.json", NULL);
    g_autofree char *readme_path = g_build_filename (export_dir, "night-shift-handoff", "README.txt", NULL);
    g_autofree char *clip2 = g_build_filename (export_dir, "night-shift-handoff", "clips",
                                               "02-hospital-rooftop-continuous.mp4", NULL);

    g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
    g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
    g_assert_false (g_file_test (clip2, G_FILE_TEST_EXISTS));
  }
  g_assert_nonnull (strstr (manifest, "\"stale\" : \"hold\""));
  g_assert_nonnull (strstr (manifest, "\"clip_held\" : true"));
  g_assert_nonnull (strstr (readme, "Scene 2 ("));
  g_assert_nonnull (strstr (readme, "--stale hold"));
  g_assert_cmpint (run_heyai (f, NULL, NULL, "export", id, "--to", export_dir, "--stale", "maybe"), ==, 2);
  g_assert_cmpint (run_heyai (f, NULL, NULL, "select", id, "2", "--image-take", "2"), ==, 0);

  /* Nothing failed: retry says so. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "retry", id, "1"), ==, 1);
  g_assert_nonnull (strstr (err, "Nothing failed"));

  /* A new draft: one line changed, one scene added; the dry run changes nothing. */
  g_assert_true (g_file_get_contents (script, &text, NULL, NULL));
  parts = g_strsplit (text, "The floor counter skips from 3 to 13.", 2);
  g_assert_nonnull (parts[1]);
  draft = g_strconcat (parts[0], "The floor counter skips from 3 to 13, then goes dark.", parts[1],
                       "\nINT. NURSES STATION - NIGHT\n\nA phone rings and rings. Nobody answers.\n", NULL);
  {
    g_autofree char *draft_path = g_build_filename (f->dir, "draft2.fountain", NULL);

    g_assert_true (g_file_set_contents (draft_path, draft, -1, NULL));
    g_assert_cmpint (run_heyai (f, NULL, NULL, "script", id, draft_path), ==, 0);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "analyze", id, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (out, "1 changed, 1 new, 0 removed"));
  g_clear_object (&parser);
  parser = json_parser_new ();
  root = status_json (f, id, parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "scenes")), ==, 5);

  g_assert_cmpint (run_heyai (f, NULL, NULL, "analyze", id), ==, 0);
  g_clear_object (&parser);
  parser = json_parser_new ();
  root = status_json (f, id, parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "scenes")), ==, 6);
  /* Unchanged scene 2 kept its takes; the changed scene 3 kept its older
   * takes, now outdated; the new one has none. */
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 1), "image_take"), ==, 2);
  g_assert_false (json_object_get_boolean_member (scene_json (root, 1), "clip_stale"));
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 2), "image_take"), ==, 1);
  g_assert_true (json_object_get_boolean_member (scene_json (root, 2), "clip_stale"));
  g_assert_true (json_object_get_boolean_member (scene_json (root, 2), "image_stale"));
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 5), "image_take"), ==, 0);

  /* Auto mode makes exactly what is outdated or missing. */
  g_assert_cmpint (run_heyai (f, NULL, NULL, "run", id, "--auto-approve"), ==, 0);
  g_clear_object (&parser);
  parser = json_parser_new ();
  root = status_json (f, id, parser);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "project"), "status"), ==,
                   "ready_for_edit");
  for (guint i = 0; i < 6; i++)
    g_assert_false (json_object_get_boolean_member (scene_json (root, i), "clip_stale"));
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 2), "image_take"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (scene_json (root, 0), "image_take"), ==, 1);
}

static void
test_review_flow (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = new_project (f, script);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *scenes;

  /* Review mode: stops after the stills and says what to do. */
  g_assert_cmpint (run_heyai (f, &out, &err, "run", id), ==, 0);
  g_assert_nonnull (strstr (out, "ready for review"));
  g_assert_nonnull (strstr (out, "heyai approve"));

  root = status_json (f, id, parser);
  scenes = json_object_get_array_member (root, "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);
      g_assert_cmpstr (json_object_get_string_member (scene, "status"), ==, "ready");
      g_assert_false (json_object_get_null_member (scene, "image"));
      g_assert_true (json_object_get_null_member (scene, "clip"));
    }

  /* Animate with nothing approved: a clear message. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "animate", id), ==, 1);
  g_assert_nonnull (strstr (err, "approve"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, NULL, "approve", id, "1", "2"), ==, 0);
  g_assert_cmpint (run_heyai (f, NULL, NULL, "reject", id, "3"), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "approve", id, "99"), ==, 2);

  /* A new take of scene 4's still. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "images", id, "--scene", "4"), ==, 0);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "animate", id), ==, 0);

  g_clear_object (&parser);
  parser = json_parser_new ();
  root = status_json (f, id, parser);
  scenes = json_object_get_array_member (root, "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);
      const char *status = json_object_get_string_member (scene, "status");

      if (i < 2)
        {
          g_assert_cmpstr (status, ==, "clip_ready");
          g_assert_true (g_file_test (json_object_get_string_member (scene, "clip"), G_FILE_TEST_IS_REGULAR));
        }
      else if (i == 2)
        g_assert_cmpstr (status, ==, "rejected");
      else
        {
          g_assert_cmpstr (status, ==, "ready");
          g_assert_true (json_object_get_null_member (scene, "clip"));
        }
      if (i == 3)
        g_assert_true (g_str_has_suffix (json_object_get_string_member (scene, "image"), "scene-04-take-2.png"));
    }
}

/* Start a run, SIGKILL it when a few clips are done, run again: every scene
 * ends with exactly one still and one clip, and the database is intact. */
static void
test_kill_resume (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *script = g_build_filename (f->work, "ten.fountain", NULL);
  g_autoptr(GString) text = g_string_new ("Title: Ten Rooms\n\n");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 deadline, clips = 0, n_scenes;
  sqlite3 *db;

  for (int i = 1; i <= 10; i++)
    g_string_append_printf (text, "INT. ROOM %d - NIGHT\n\nA door opens onto room %d.\n\n", i, i);
  g_file_set_contents (script, text->str, -1, &error);
  g_assert_no_error (error);
  id = new_project (f, script);

  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli_heyai_path, "run", id, "--auto-approve", NULL);
  g_assert_no_error (error);

  /* Poll the database (as `heyai status` would) until a few clips exist. */
  deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *path = db_path (f);

      g_usleep (50 * 1000);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      db = open_db (f);
      clips = db_count (db, "SELECT COUNT(*) FROM assets WHERE kind = 'clip' AND deleted = 0");
      sqlite3_close (db);
      if (clips >= 3)
        break;
    }
  g_assert_cmpint (clips, >=, 3);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);

  db = open_db (f);
  n_scenes = db_count (db, "SELECT COUNT(*) FROM scenes WHERE deleted = 0");
  g_assert_cmpint (n_scenes, ==, 10);
  /* The kill left work unfinished. */
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM assets WHERE kind = 'clip' AND deleted = 0"), <, 10);
  sqlite3_close (db);

  /* Run again: it finishes what was left. */
  g_assert_cmpint (run_heyai (f, &out, &err, "run", id, "--auto-approve"), ==, 0);
  g_assert_cmpuint (assert_all_done (f, id), ==, 10);

  db = open_db (f);
  /* Exactly one still and one clip per scene: nothing was done twice. */
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM scenes s WHERE s.deleted = 0 AND "
                                 "(SELECT COUNT(*) FROM assets a WHERE a.scene_id = s.id AND a.kind = 'image' AND a.deleted = 0) = 1 AND "
                                 "(SELECT COUNT(*) FROM assets a WHERE a.scene_id = s.id AND a.kind = 'clip' AND a.deleted = 0) = 1"),
                   ==, 10);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM assets WHERE deleted = 0 AND kind IN ('image', 'clip')"), ==, 20);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE kind = 'image' AND state = 'done'"), ==, 10);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE kind = 'clip' AND state = 'done'"), ==, 10);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE kind = 'analyze' AND state = 'done'"), ==, 1);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE state NOT IN ('done', 'failed', 'cancelled')"), ==, 0);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM scenes WHERE deleted = 0 AND status = 'clip_ready' "
                                 "AND image_take = 1 AND clip_take = 1"), ==, 10);
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
}

static void
test_sigterm_cancels (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = new_project (f, script);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gint64 deadline, stills = 0;
  sqlite3 *db;

  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli_heyai_path, "run", id, "--auto-approve", NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && stills < 1)
    {
      g_usleep (20 * 1000);
      db = open_db (f);
      stills = db_count (db, "SELECT COUNT(*) FROM assets WHERE kind = 'image'");
      sqlite3_close (db);
    }
  g_assert_cmpint (stills, >=, 1);

  g_subprocess_send_signal (process, SIGTERM);
  {
    /* GLib 2.74 leaks its buffer when stdout is piped but not collected. */
    g_autofree char *out_ignored = NULL;

    g_subprocess_communicate_utf8 (process, NULL, NULL, &out_ignored, &err, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (err, "heyai: Cancelled"));

  /* Cancelled cleanly: nothing left running in the database. */
  db = open_db (f);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE state NOT IN ('done', 'failed', 'cancelled')"), ==, 0);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM scenes WHERE status IN ('rendering', 'animating')"), ==, 0);
  sqlite3_close (db);
}

/* `heyai cancel P` from another terminal stops a running `heyai run P`. */
static void
test_cancel_other_process (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *script = sample ("el-ultimo-faro.txt");
  g_autofree char *id = new_project (f, script);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 deadline, stills = 0, start;
  sqlite3 *db;

  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli_heyai_path, "run", id, "--auto-approve", NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && stills < 1)
    {
      g_autofree char *path = db_path (f);

      g_usleep (20 * 1000);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      db = open_db (f);
      stills = db_count (db, "SELECT COUNT(*) FROM assets WHERE kind = 'image'");
      sqlite3_close (db);
    }
  g_assert_cmpint (stills, >=, 1);

  /* A second run on the same project is refused while the first works. */
  g_assert_cmpint (run_heyai (f, NULL, &err, "run", id, "--auto-approve"), ==, 1);
  g_assert_nonnull (strstr (err, "already"));

  start = g_get_monotonic_time ();
  g_assert_cmpint (run_heyai (f, &out, NULL, "cancel", id), ==, 0);
  g_assert_nonnull (strstr (out, "cancelled"));

  g_clear_pointer (&err, g_free);
  {
    /* GLib 2.74 leaks its buffer when stdout is piped but not collected. */
    g_autofree char *out_ignored = NULL;

    g_subprocess_communicate_utf8 (process, NULL, NULL, &out_ignored, &err, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (err, "heyai: Cancelled"));
  g_test_message ("stopped %.1f s after heyai cancel", (g_get_monotonic_time () - start) / 1e6);

  db = open_db (f);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE state NOT IN ('done', 'failed', 'cancelled')"), ==, 0);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE state = 'cancelled'"), >, 0);
  sqlite3_close (db);

  /* And a new run afterwards finishes the project. */
  g_assert_cmpint (run_heyai (f, NULL, NULL, "run", id, "--auto-approve"), ==, 0);
  assert_all_done (f, id);
}

/* Read-only: chmod for normal users; root ignores modes, so the immutable
 * attribute (chattr) is used instead, when the file system allows it. */
static gboolean
set_read_only (const char *path,
               gboolean    read_only)
{
  if (geteuid () != 0)
    return g_chmod (path, read_only ? 0500 : 0700) == 0;

  {
    const char *argv[] = { "chattr", read_only ? "+i" : "-i", path, NULL };
    int status = -1;

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                       G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
      return FALSE;
    return g_spawn_check_wait_status (status, NULL);
  }
}

static void
assert_db_intact (Fixture *f)
{
  sqlite3 *db = open_db (f);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM projects WHERE deleted = 0"), ==, 1);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autofree char *images = g_build_filename (f->dir, "HeyAI Projects", "Project-1-night-shift", "images", NULL);

  id = new_project (f, script);
  g_assert_cmpint (run_heyai (f, NULL, NULL, "analyze", id), ==, 0);

  /* The whole data dir read-only: a clear message, exit 1, nothing broken. */
  if (!set_read_only (f->dir, TRUE))
    {
      g_test_skip ("cannot make a folder read-only here");
      return;
    }
  g_assert_cmpint (run_heyai (f, NULL, &err, "run", id, "--auto-approve"), ==, 1);
  g_assert_true (set_read_only (f->dir, FALSE));
  g_assert_true (g_str_has_prefix (err, "heyai: "));
  g_assert_null (strchr (err, '{'));
  assert_db_intact (f);

  /* Only the images folder read-only: each scene fails with its reason. */
  g_assert_cmpint (g_mkdir_with_parents (images, 0755), ==, 0);
  g_assert_true (set_read_only (images, TRUE));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "images", id), ==, 1);
  g_assert_true (set_read_only (images, FALSE));
  g_test_message ("stderr: %s", err);
  g_assert_nonnull (strstr (err, "heyai: Scene "));
  assert_db_intact (f);

  /* Once writable again, the same command recovers. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "images", id), ==, 0);
}

/* A full disk (a 1.2 MB tmpfs in a private mount namespace): a clear
 * message, exit 1, and a database that is still whole and readable. */
static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *mnt = g_build_filename (f->work, "mnt", NULL);
  g_autofree char *out = g_build_filename (f->work, "out", NULL);
  g_autofree char *rc_path = g_build_filename (out, "rc", NULL);
  g_autofree char *err_path = g_build_filename (out, "err", NULL);
  g_autofree char *status_rc_path = g_build_filename (out, "status_rc", NULL);
  g_autofree char *db_copy = g_build_filename (out, "heyai.db", NULL);
  g_autofree char *rc = NULL, *err = NULL, *status_rc = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *sh =
    "mount -t tmpfs -o size=1200k tmpfs \"$1\" || exit 77\n"
    "export HEYAI_DATA_DIR=\"$1\"\n"
    "id=$(\"$2\" new \"$3\") || exit 78\n"
    "\"$2\" run \"$id\" --auto-approve 2> \"$4/err\"; echo $? > \"$4/rc\"\n"
    "\"$2\" status \"$id\" --json > /dev/null 2>&1; echo $? > \"$4/status_rc\"\n"
    "cp \"$1\"/heyai.db* \"$4\"/\n";
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);

  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  process = g_subprocess_launcher_spawn (launcher, &error, "unshare", "-rm", "sh", "-c", sh, "sh",
                                         mnt, cli_heyai_path, script, out, NULL);
  if (process == NULL || !g_subprocess_wait (process, NULL, NULL) ||
      !g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) == 77 ||
      g_subprocess_get_exit_status (process) == 1)
    {
      g_test_skip ("no private mount namespaces here (unshare -rm)");
      return;
    }
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  g_file_get_contents (rc_path, &rc, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (err_path, &err, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (status_rc_path, &status_rc, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);

  g_assert_cmpstr (g_strstrip (rc), ==, "1");
  g_assert_true (g_str_has_prefix (err, "heyai: ") || strstr (err, "\nheyai: ") != NULL);
  g_assert_nonnull (strstr (err, "disk is full"));
  g_assert_null (strchr (err, '{'));
  g_assert_cmpstr (g_strstrip (status_rc), ==, "0");

  g_assert_cmpint (sqlite3_open (db_copy, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM projects WHERE deleted = 0"), ==, 1);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM scenes WHERE deleted = 0"), >, 0);
  sqlite3_close (db);
}

/* ---------------------------------------------------------------------- */
/* Remote providers (Higgsfield + Kling fakes on 127.0.0.1)               */

/* Starts heyai-fake-server with Higgsfield, Kling and Google and @extra
 * arguments ("--option", "K=V", "--fault", "SPEC", ...; NULL-terminated). */
static gboolean
start_fake_argv (Fixture           *f,
                 const char *const *extra)
{
  return cli_fake_start (&f->fake, "higgsfield,kling,google", extra);
}

static gboolean
start_fake_with (Fixture    *f,
                 const char *kling_polls,
                 const char *fault)
{
  g_autofree char *polls = g_strdup_printf ("kling.polls=%s", kling_polls);
  const char *argv[] = { "--option", polls, "--option", "higgsfield.polls=2",
                         fault ? "--fault" : NULL, fault, NULL };

  return start_fake_argv (f, argv);
}

static gboolean
start_fake (Fixture    *f,
            const char *kling_polls)
{
  return start_fake_with (f, kling_polls, NULL);
}

/* A counter of the fake ("kling.accepted": tasks created, i.e. billed). */
static gint64
fake_counter (Fixture    *f,
              const char *name)
{
  return cli_fake_counter (f->fake.url, name);
}

static void
test_remote_run (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  guint n;

  if (!start_fake (f, "2"))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_heyai (f, NULL, &err, "--imager", "higgsfield", "--animator", "kling",
                              "run", id, "--auto-approve"), ==, 0);
  g_test_message ("%s", err);
  n = assert_all_done (f, id);

  /* Each still and clip was requested exactly once. */
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);

  {
    sqlite3 *db = open_db (f);
    g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM assets WHERE deleted = 0 AND request_id IS NOT NULL "
                                   "AND provider IN ('higgsfield', 'kling')"), ==, 2 * n);
    g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE kind IN ('image', 'clip') AND state = 'done' "
                                   "AND remote_id IS NOT NULL AND idempotency_key IS NOT NULL"), ==, 2 * n);
    sqlite3_close (db);
  }
}

/* Kling refuses one clip (content policy): that scene fails with a clear
 * message, the others finish, exit 1. */
static void
test_remote_failure (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *scenes;
  guint n_clips = 0, n_failed = 0;
  gint64 failed_position = 0, kling_before;
  g_autofree char *position = NULL;

  if (!start_fake_with (f, "2", "kling.create:moderation:1"))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_heyai (f, NULL, &err, "--imager", "higgsfield", "--animator", "kling",
                              "run", id, "--auto-approve"), ==, 1);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "heyai: Scene "));
  g_assert_null (strchr (err, '{'));

  scenes = json_object_get_array_member (status_json (f, id, parser), "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);
      const char *status = json_object_get_string_member (scene, "status");

      g_assert_false (json_object_get_null_member (scene, "image"));
      if (g_str_equal (status, "clip_ready"))
        n_clips++;
      else if (g_str_equal (status, "failed"))
        {
          n_failed++;
          failed_position = json_object_get_int_member (scene, "position");
          g_assert_nonnull (strstr (json_object_get_string_member (scene, "last_error"), "Kling"));
        }
    }
  g_assert_cmpuint (n_failed, ==, 1);
  g_assert_cmpuint (n_clips, ==, json_array_get_length (scenes) - 1);

  /* A refusal is final: running again does not send it again ... */
  kling_before = fake_counter (f, "kling.accepted");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "--imager", "higgsfield", "--animator", "kling",
                              "run", id, "--auto-approve"), ==, 1);
  g_assert_nonnull (strstr (err, "Kling refused"));
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, kling_before);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, json_array_get_length (scenes));

  /* ... until the producer asks for that scene. */
  position = g_strdup_printf ("%" G_GINT64_FORMAT, failed_position);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_heyai (f, NULL, &err, "--imager", "higgsfield", "--animator", "kling",
                              "animate", id, "--scene", position), ==, 0);
  assert_all_done (f, id);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, json_array_get_length (scenes));
}

/* Killed while Kling renders: the rerun resumes polling the committed task
 * ids; nothing is submitted (paid for) twice. */
static void
test_remote_kill_resume (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *script = sample ("night-shift.fountain");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  gint64 deadline, pending = 0, n_scenes;
  sqlite3 *db;

  /* Kling answers "processing" for 30 polls (3 s at 100 ms). */
  if (!start_fake (f, "30"))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli_heyai_path, "--imager", "higgsfield",
                                         "--animator", "kling", "run", id, "--auto-approve", NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && pending < 2)
    {
      g_autofree char *path = db_path (f);

      g_usleep (30 * 1000);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      db = open_db (f);
      pending = db_count (db, "SELECT COUNT(*) FROM jobs WHERE kind = 'clip' AND remote_id IS NOT NULL "
                              "AND state NOT IN ('done', 'failed', 'cancelled')");
      sqlite3_close (db);
    }
  g_assert_cmpint (pending, >=, 2);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  db = open_db (f);
  n_scenes = db_count (db, "SELECT COUNT(*) FROM scenes WHERE deleted = 0");
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM assets WHERE kind = 'clip'"), <, n_scenes);
  sqlite3_close (db);

  g_assert_cmpint (run_heyai (f, NULL, &err, "--imager", "higgsfield", "--animator", "kling",
                              "run", id, "--auto-approve"), ==, 0);
  g_assert_cmpuint (assert_all_done (f, id), ==, n_scenes);

  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n_scenes);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n_scenes);

  db = open_db (f);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM jobs WHERE kind = 'clip' AND state = 'done'"), ==, n_scenes);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM assets WHERE kind = 'clip' AND deleted = 0"), ==, n_scenes);
  sqlite3_close (db);
}

/* ---------------------------------------------------------------------- */
/* Runs heyai and logs what it said on stderr (into *@err). */
static int
run_logged_v (Fixture     *f,
              char       **err,
              const char **args)
{
  int status;

  g_clear_pointer (err, g_free);
  status = run_heyai_v (f, NULL, NULL, err, args);
  g_test_message ("heyai %s %s … -> %d: %s", args[0], args[1] ? args[1] : "", status, *err);
  return status;
}

#define run_logged(f, err, ...) run_logged_v ((f), (err), (const char *[]) { __VA_ARGS__, NULL })

/* The request ledger: never pay twice (issue 10's table of faults)       */

/* Paid requests and delivered assets over the ledger tests of this
 * process: the figure "paid requests per delivered asset". */
static guint ledger_paid, ledger_delivered, ledger_explicit, ledger_refused;

static void
ledger_account (const char *row,
                gint64      paid,
                gint64      delivered,
                gint64      explicit_remakes,
                gint64      refused)
{
  ledger_paid += paid - explicit_remakes - refused;
  ledger_delivered += delivered;
  ledger_explicit += explicit_remakes;
  ledger_refused += refused;
  g_test_message ("ledger: %-45s paid %" G_GINT64_FORMAT " for %" G_GINT64_FORMAT " delivered "
                  "(re-makes asked for %" G_GINT64_FORMAT ", refusals %" G_GINT64_FORMAT ")",
                  row, paid, delivered, explicit_remakes, refused);
  g_test_message ("ledger: so far %.3f paid requests per delivered asset (%u / %u; %u re-makes, %u refusals "
                  "counted apart)", ledger_delivered ? (double) ledger_paid / ledger_delivered : 0.0,
                  ledger_paid, ledger_delivered, ledger_explicit, ledger_refused);
}

/* Billed stills: accepted minus those cancelled while queued (not billed). */
static gint64
hf_billed (Fixture *f)
{
  return fake_counter (f, "higgsfield.accepted") - fake_counter (f, "higgsfield.canceled");
}

static gint64
count_assets (Fixture    *f,
              const char *kind)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM assets WHERE deleted = 0 AND kind = '%s'", kind);
  sqlite3 *db = open_db (f);
  gint64 n = db_count (db, sql);

  sqlite3_close (db);
  return n;
}

static GSubprocess *
spawn_heyai (Fixture           *f,
             const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                G_SUBPROCESS_FLAGS_STDERR_PIPE);

  return cli_spawn (launcher, args);
}

/* Waits until @sql counts at least @n (60 s at most). */
/* Waits (up to a minute) until the fake's counter @name reaches @n. */
static void
wait_for_fake_counter (Fixture    *f,
                       const char *name,
                       gint64      n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (fake_counter (f, name) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
}

static void
wait_for_count (Fixture    *f,
                const char *sql,
                gint64      n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gint64 have = 0;

  while (g_get_monotonic_time () < deadline && have < n)
    {
      g_autofree char *path = db_path (f);
      sqlite3 *db;

      g_usleep (20 * 1000);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      db = open_db (f);
      have = db_count (db, sql);
      sqlite3_close (db);
    }
  g_assert_cmpint (have, >=, n);
}

static gint64
n_scenes_of (Fixture *f)
{
  sqlite3 *db = open_db (f);
  gint64 n = db_count (db, "SELECT COUNT(*) FROM scenes WHERE deleted = 0");

  sqlite3_close (db);
  return n;
}

#define REMOTE "--imager", "higgsfield", "--animator", "kling"

/* The first folder named @name under @root (depth first), or NULL. */
static char *
find_dir (const char *root,
          const char *name)
{
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *child;

  while (dir != NULL && (child = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, child, NULL);
      char *found;

      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        continue;
      if (g_str_equal (child, name))
        return g_steal_pointer (&path);
      if ((found = find_dir (path, name)) != NULL)
        return found;
    }
  return NULL;
}

/* Ctrl+C during stills (data "stills") or clips ("clips"), then run again:
 * accepted requests are collected, never submitted again. */
static void
test_ledger_cancel (Fixture       *f,
                    gconstpointer  data)
{
  gboolean clips = g_str_equal (data, "clips");
  const char *argv[] = { "--option", clips ? "kling.polls=40" : "kling.polls=2",
                         "--option", clips ? "higgsfield.polls=2" : "higgsfield.polls=40", NULL };
  const char *run[] = { REMOTE, "run", NULL, "--auto-approve", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *images = NULL;
  g_autofree char *part = NULL;
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  run[5] = id;
  process = spawn_heyai (f, run);
  wait_for_count (f, clips ? "SELECT COUNT(*) FROM jobs WHERE kind = 'clip' AND remote_id IS NOT NULL"
                           : "SELECT COUNT(*) FROM jobs WHERE kind = 'image' AND remote_id IS NOT NULL", 2);
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_wait (process, NULL, NULL);
  g_assert_false (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0);

  /* A partial download an interrupted run left behind. */
  images = find_dir (f->dir, "images");
  g_assert_nonnull (images);
  part = g_build_filename (images, ".scene-01.png.Q1W2E3.part", NULL);
  g_assert_true (g_file_set_contents (part, "half a still", -1, NULL));

  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  n = assert_all_done (f, id);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_cmpint (hf_billed (f), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account (clips ? "Ctrl+C during clips, run again" : "Ctrl+C during stills, run again",
                  hf_billed (f) + fake_counter (f, "kling.accepted"), 2 * n, 0, 0);
}

/* `heyai cancel P` from another process during stills, then run again. */
static void
test_ledger_cancel_command (Fixture       *f,
                            gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=40", NULL };
  const char *run[] = { REMOTE, "run", NULL, "--auto-approve", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  run[5] = id;
  process = spawn_heyai (f, run);
  wait_for_count (f, "SELECT COUNT(*) FROM jobs WHERE kind = 'image' AND remote_id IS NOT NULL", 2);
  g_assert_cmpint (run_heyai (f, NULL, NULL, "cancel", id), ==, 0);
  g_subprocess_wait (process, NULL, NULL);

  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  n = assert_all_done (f, id);
  g_assert_cmpint (hf_billed (f), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("heyai cancel during stills, run again", hf_billed (f) + fake_counter (f, "kling.accepted"),
                  2 * n, 0, 0);
}

/* Status polls down (Higgsfield and Kling answer 503 for a while): the
 * requests wait, nothing is billed twice, the run succeeds. */
static void
test_ledger_poll_down (Fixture       *f,
                       gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2",
                         "--fault", "higgsfield.status:503:25", "--fault", "kling.query:503:25", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  n = assert_all_done (f, id);
  g_assert_cmpint (hf_billed (f), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("status polls down (503), one run", hf_billed (f) + fake_counter (f, "kling.accepted"),
                  2 * n, 0, 0);
}

/* Result downloads cut off: the next run downloads again, pays nothing. */
static void
test_ledger_download_cut (Fixture       *f,
                          gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2",
                         "--fault", "files:truncate:12", "--fault", "kling.cdn:truncate:12", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  gint64 n;
  int status;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  status = run_heyai (f, NULL, &err, REMOTE, "run", id, "--auto-approve");
  g_test_message ("first run: %d %s", status, err);
  for (int i = 0; i < 4 && status != 0; i++)
    {
      g_clear_pointer (&err, g_free);
      status = run_heyai (f, NULL, &err, REMOTE, "run", id, "--auto-approve");
    }
  g_assert_cmpint (status, ==, 0);
  n = assert_all_done (f, id);
  g_assert_cmpint (hf_billed (f), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("downloads cut off, run again", hf_billed (f) + fake_counter (f, "kling.accepted"), 2 * n, 0, 0);
}

/* Higgsfield accepted a submit but its answer was lost (data: 502, drop,
 * html): never resubmitted automatically; the scene says so; the producer's
 * `heyai images P --scene N` makes it again. */
static void
test_ledger_lost_answer (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *how = g_strdup_printf ("higgsfield.lose-as=%s", (const char *) data);
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2",
                         "--option", "higgsfield.lose-answers=1", "--option", how, NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) ledger = json_parser_new ();
  g_autofree char *position = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *scenes, *requests;
  gint64 n, doubtful = 0;
  guint n_unknown = 0;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 1);
  g_assert_nonnull (strstr (err, "Higgsfield may have accepted this still"));
  n = n_scenes_of (f);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n);

  scenes = json_object_get_array_member (status_json (f, id, parser), "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);

      if (g_str_equal (json_object_get_string_member (scene, "status"), "failed"))
        {
          g_assert_nonnull (strstr (json_object_get_string_member (scene, "last_error"),
                                    "check its dashboard, or make the still again"));
          doubtful = json_object_get_int_member (scene, "position");
        }
    }
  g_assert_cmpint (doubtful, >, 0);

  /* The ledger shows it in doubt. */
  g_assert_cmpint (run_heyai (f, &out, NULL, "ledger", id, "--json"), ==, 0);
  json_parser_load_from_data (ledger, out, -1, &error);
  g_assert_no_error (error);
  requests = json_node_get_array (json_parser_get_root (ledger));
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);

      g_assert_true (json_object_has_member (r, "provider") && json_object_has_member (r, "remote_id") &&
                     json_object_has_member (r, "scene") && json_object_has_member (r, "kind") &&
                     json_object_has_member (r, "state") && json_object_has_member (r, "cost"));
      if (g_str_equal (json_object_get_string_member (r, "state"), "unknown"))
        {
          n_unknown++;
          g_assert_cmpint (json_object_get_int_member (r, "scene"), ==, doubtful);
        }
    }
  g_assert_cmpuint (n_unknown, ==, 1);

  /* A later run does not send it again. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 1);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n);

  /* The producer asks for that scene. */
  position = g_strdup_printf ("%" G_GINT64_FORMAT, doubtful);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "images", id, "--scene", position), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  assert_all_done (f, id);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n + 1);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("Higgsfield answer lost after accepting", hf_billed (f) + fake_counter (f, "kling.accepted"),
                  2 * n, 1, 0);
}

/* A prompt refused for content (nsfw): not resubmitted by later runs. */
static void
test_ledger_refusal (Fixture       *f,
                     gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2",
                         "--option", "higgsfield.outcome=nsfw", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 1);
  n = n_scenes_of (f);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n);
  for (int i = 0; i < 2; i++)
    {
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 1);
      g_assert_nonnull (strstr (err, "refused"));
    }
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, 0);
  ledger_account ("nsfw refusal, run twice more", n, 0, 0, n);
}

/* Spawns `heyai @args` behind a barrier: the child creates @ready, waits
 * until @go exists, then execs heyai. */
static GSubprocess *
spawn_heyai_at (Fixture           *f,
                const char        *ready,
                const char        *go,
                const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (char *) "/bin/sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) ": > \"$1\"; while [ ! -e \"$2\" ]; do sleep 0.005; done; shift 2; exec \"$@\"");
  g_ptr_array_add (argv, (char *) "sh");
  g_ptr_array_add (argv, (char *) ready);
  g_ptr_array_add (argv, (char *) go);
  g_ptr_array_add (argv, (char *) cli_heyai_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static gint64
n_scenes_of_project (Fixture    *f,
                     const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM scenes WHERE deleted = 0 AND project_id = '%s'", id);
  sqlite3 *db = open_db (f);
  gint64 n = db_count (db, sql);

  sqlite3_close (db);
  return n;
}

#define TWO_RUNS_TRIALS 10

/* Two `heyai run P` released at the same instant by a barrier (both wait
 * for a file the test creates once both are up), on a project with work
 * left, ten times over: every time exactly one works and the other says
 * the project is taken, and the services are paid for one run. */
static void
test_ledger_two_runs (Fixture       *f,
                      gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL };
  const char *run[] = { REMOTE, "run", NULL, "--auto-approve", NULL };
  g_autofree char *script = g_build_filename (f->dir, "two-scenes.fountain", NULL);
  gint64 paid = 0, delivered = 0;
  int overlapped = 0;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  g_assert_true (g_file_set_contents (script,
                                      "Title: Two Runs\n\n"
                                      "INT. KITCHEN - NIGHT\n\nA kettle boils over while MARA reads a letter.\n\n"
                                      "EXT. ROOF - DAWN\n\nMARA watches the sun come up over the city.\n",
                                      -1, NULL));

  for (int trial = 0; trial < TWO_RUNS_TRIALS; trial++)
    {
      g_autofree char *id = new_project (f, script);
      g_autofree char *ready_a = g_strdup_printf ("%s/ready-a-%d", f->dir, trial);
      g_autofree char *ready_b = g_strdup_printf ("%s/ready-b-%d", f->dir, trial);
      g_autofree char *go = g_strdup_printf ("%s/go-%d", f->dir, trial);
      g_autoptr(GSubprocess) a = NULL;
      g_autoptr(GSubprocess) b = NULL;
      gint64 hf_before = hf_billed (f), kling_before = fake_counter (f, "kling.accepted");
      gint64 deadline, n;
      int ok = 0, refused = 0;

      /* The scenes first, so that both runs race for the stills and clips. */
      g_assert_cmpint (run_heyai (f, NULL, NULL, "analyze", id), ==, 0);
      n = n_scenes_of_project (f, id);
      g_assert_cmpint (n, >, 0);
      run[5] = id;
      a = spawn_heyai_at (f, ready_a, go, run);
      b = spawn_heyai_at (f, ready_b, go, run);

      /* The barrier: both are up and waiting, then both go. */
      deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
      while (!(g_file_test (ready_a, G_FILE_TEST_EXISTS) && g_file_test (ready_b, G_FILE_TEST_EXISTS)))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (2 * 1000);
        }
      g_assert_true (g_file_set_contents (go, "", 0, NULL));

      for (guint i = 0; i < 2; i++)
        {
          GSubprocess *p = i == 0 ? a : b;
          g_autofree char *said = NULL;

          {
            g_autofree char *out_ignored = NULL;

            g_subprocess_communicate_utf8 (p, NULL, NULL, &out_ignored, &said, NULL);
          }
          if (g_subprocess_get_exit_status (p) == 0)
            ok++;
          else if (strstr (said, "is already working on this project") != NULL)
            refused++;
          else
            g_printerr ("trial %d: exit %d: %s\n", trial, g_subprocess_get_exit_status (p), said);
        }
      g_test_message ("two runs at once, trial %d: %d worked, %d refused", trial, ok, refused);
      /* Either the lock refused one, or (a slow start under a sanitizer)
       * the second began after the first had finished and found nothing to
       * do: never both working, which the paid counts below prove. */
      g_assert_cmpint (ok + refused, ==, 2);
      g_assert_cmpint (ok, >=, 1);
      overlapped += refused;

      /* Paid for one run: one still and one clip per scene. */
      g_assert_cmpint (hf_billed (f) - hf_before, ==, n);
      g_assert_cmpint (fake_counter (f, "kling.accepted") - kling_before, ==, n);
      g_assert_cmpint (assert_all_done (f, id), ==, n);
      paid += hf_billed (f) - hf_before + fake_counter (f, "kling.accepted") - kling_before;
      delivered += 2 * n;
    }
#if !defined(__SANITIZE_ADDRESS__)
  /* Unhindered, the barrier makes them overlap: the lock must have refused. */
  g_assert_cmpint (overlapped, >=, TWO_RUNS_TRIALS / 2);
#endif
  g_test_message ("two runs at once: %d of %d trials overlapped (one refused)", overlapped, TWO_RUNS_TRIALS);
  ledger_account ("two runs started at once (10 trials)", paid, delivered, 0, 0);
}

/* A Higgsfield that cannot be reached (connection refused): the submits
 * never left, so they are retried, then each still fails plainly ("could
 * not reach Higgsfield"), nothing is in doubt, and once Higgsfield is back
 * the next run makes every still, paying once each. */
static void
test_ledger_not_reached (Fixture       *f,
                         gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *real_url = NULL;
  g_autoptr(JsonParser) ledger = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *requests;
  guint n_failed = 0;
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  /* Higgsfield's address: a closed port. */
  for (guint i = 0; i < f->fake.env->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->fake.env, i), "HEYAI_HIGGSFIELD_BASE_URL="))
      {
        real_url = g_ptr_array_index (f->fake.env, i);
        f->fake.env->pdata[i] = g_strdup ("HEYAI_HIGGSFIELD_BASE_URL=http://127.0.0.1:9/");
      }
  g_assert_nonnull (real_url);

  id = new_project (f, script);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 1);
  g_assert_nonnull (strstr (err, "Could not reach Higgsfield"));
  g_assert_null (strstr (err, "may have accepted"));
  n = n_scenes_of (f);

  g_assert_cmpint (run_heyai (f, &out, NULL, "ledger", id, "--json"), ==, 0);
  json_parser_load_from_data (ledger, out, -1, &error);
  g_assert_no_error (error);
  requests = json_node_get_array (json_parser_get_root (ledger));
  for (guint i = 0; i < json_array_get_length (requests); i++)
    {
      JsonObject *r = json_array_get_object_element (requests, i);
      const char *state = json_object_get_string_member (r, "state");

      g_assert_cmpstr (state, !=, "unknown");
      g_assert_cmpstr (state, !=, "submitting");
      if (g_str_equal (json_object_get_string_member (r, "kind"), "image") && g_str_equal (state, "failed"))
        n_failed++;
    }
  g_assert_cmpuint (n_failed, >, 0);

  /* Higgsfield is back: every still is made, each paid once. */
  for (guint i = 0; i < f->fake.env->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->fake.env, i), "HEYAI_HIGGSFIELD_BASE_URL="))
      {
        g_free (f->fake.env->pdata[i]);
        f->fake.env->pdata[i] = g_steal_pointer (&real_url);
      }
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  g_assert_cmpint (assert_all_done (f, id), ==, n);
  g_assert_cmpint (hf_billed (f), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("Higgsfield unreachable, then back, run again", hf_billed (f) + fake_counter (f, "kling.accepted"),
                  2 * n, 0, 0);
}

/* LLM calls a killed process left open (submitting / submitted): nothing
 * can collect them, so the next run marks them in doubt ("interrupted,
 * may have been billed"), and the window's "something to collect" check
 * never counts them. */
static void
test_ledger_interrupted_analysis (Fixture       *f,
                                  gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  gint64 now = g_get_real_time ();

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  /* What the window asks of a row. */
  {
    HeyaiRequest r = { 0, };

    r.kind = (char *) "analyze";
    r.provider = (char *) "openai";
    r.state = HEYAI_REQUEST_SUBMITTING;
    g_assert_false (heyai_pipeline_request_is_collectable (&r));
    r.state = HEYAI_REQUEST_SUBMITTED;
    r.remote_id = (char *) "resp_1";
    g_assert_false (heyai_pipeline_request_is_collectable (&r));
    r.kind = (char *) "image";
    r.provider = (char *) "higgsfield";
    g_assert_true (heyai_pipeline_request_is_collectable (&r));
    r.remote_id = NULL;
    r.state = HEYAI_REQUEST_SUBMITTING;
    g_assert_false (heyai_pipeline_request_is_collectable (&r));
    r.state = HEYAI_REQUEST_UNKNOWN;
    g_assert_false (heyai_pipeline_request_is_collectable (&r));
    r.kind = (char *) "clip";
    r.provider = (char *) "kling";
    r.state = HEYAI_REQUEST_SUBMITTING;
    g_assert_true (heyai_pipeline_request_is_collectable (&r));
    r.state = HEYAI_REQUEST_COLLECTED;
    g_assert_false (heyai_pipeline_request_is_collectable (&r));
  }

  id = new_project (f, script);
  /* A killed process's LLM calls, as it left them. */
  path = db_path (f);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sql = g_strdup_printf ("INSERT INTO requests (id, project_id, job_id, kind, provider, model, state, "
                         "estimated_cost, created_at, updated_at) VALUES "
                         "('dead-llm-1', '%s', 'dead-job-1', 'analyze', 'openai', 'gpt-5', 'submitting', 0.02, "
                         "%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "), "
                         "('dead-llm-2', '%s', 'dead-job-2', 'analyze', 'anthropic', 'claude', 'submitted', 0.02, "
                         "%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                         id, now, now, id, now + 1, now + 1);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  assert_all_done (f, id);

  db = open_db (f);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM requests WHERE kind = 'analyze' AND id LIKE 'dead-llm-%' "
                                 "AND state = 'unknown' AND last_error LIKE '%interrupted%billed%'"), ==, 2);
  g_assert_cmpint (db_count (db, "SELECT COUNT(*) FROM requests WHERE kind = 'analyze' "
                                 "AND state IN ('submitting', 'submitted', 'running')"), ==, 0);
  sqlite3_close (db);
}

/* A budget cap: the plan (estimated again after the analysis) is over it:
 * nothing paid starts, exit 1, the message names the budget. */
static void
test_ledger_budget (Fixture       *f,
                    gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_logged (f, &err, "--budget", "0.30", REMOTE, "run", id, "--auto-approve"), ==, 1);
  g_assert_nonnull (strstr (err, "budget of $0.30"));
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, 0);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, 0);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_logged (f, &err, "--budget", "lots", "list"), ==, 2);
}

/* The monthly budget: paid stills are in the ledger this month; `heyai
 * spending --json` shows them per provider and project; a run whose clips
 * cost more than what is left of the monthly budget starts nothing paid,
 * exits 1 and names the monthly budget. */
static void
test_money_monthly (Fixture       *f,
                    gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cap = NULL;
  g_autofree char *named = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *row;
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_heyai (f, NULL, NULL, "analyze", id), ==, 0);
  g_assert_cmpint (run_logged (f, &err, "--monthly-budget", "100", REMOTE, "images", id), ==, 0);
  n = fake_counter (f, "higgsfield.accepted");
  g_assert_cmpint (n, >, 1);

  g_assert_cmpint (run_heyai (f, &out, &err, "spending", "--json"), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (root, "total"), n * 0.06, 1e-6);
  g_assert_cmpint (json_object_get_int_member (root, "requests"), ==, n);
  row = json_array_get_object_element (json_object_get_array_member (root, "providers"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "provider"), ==, "higgsfield");
  g_assert_cmpstr (json_object_get_string_member (row, "name"), ==, "Higgsfield");
  row = json_array_get_object_element (json_object_get_array_member (root, "projects"), 0);
  g_assert_cmpstr (json_object_get_string_member (row, "project"), ==, id);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "spent"), n * 0.06, 1e-6);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_heyai (f, &out, &err, "spending", "--month", "1999-01", "--json"), ==, 0);
  g_assert_nonnull (strstr (out, "\"total\" : 0"));
  g_assert_cmpint (run_heyai (f, NULL, &err, "spending", "--month", "March"), ==, 2);

  /* $0.10 left: the clips (0.14 each at least) do not fit. */
  cap = g_strdup_printf ("%.2f", n * 0.06 + 0.10);
  g_assert_cmpint (run_logged (f, &err, "--monthly-budget", cap, REMOTE, "run", id, "--auto-approve"), ==, 1);
  named = g_strdup_printf ("month’s budget of $%s", cap);
  g_assert_nonnull (strstr (err, named));
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, 0);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n);

  /* With no monthly budget the same run goes through. */
  g_assert_cmpint (run_logged (f, &err, "--monthly-budget", "0", REMOTE, "run", id, "--auto-approve"), ==, 0);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
}

static void
fake_post (Fixture    *f,
           const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (f->fake.url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), <, 300);
}

/* Drive answers 503 after the stills were made (every upload fails), then
 * run again once it is back: the stills on disk are stored, not made again. */
static void
test_ledger_drive_down (Fixture       *f,
                        gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2",
                         "--fault", "drive.upload.start:503:400", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  gint64 n, hf_first, kling_first;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_logged (f, &err, "--storage", "gdrive", REMOTE, "run", id, "--auto-approve"), ==, 1);
  n = n_scenes_of (f);
  hf_first = hf_billed (f);
  kling_first = fake_counter (f, "kling.accepted");
  g_assert_cmpint (hf_first, ==, n);
  g_assert_cmpint (fake_counter (f, "drive.upload.completed"), ==, 0);

  /* Drive is back (the reset also clears the counters: add them up). */
  fake_post (f, "/_fake/reset");
  g_assert_cmpint (run_logged (f, &err, "--storage", "gdrive", REMOTE, "run", id, "--auto-approve"), ==, 0);
  g_assert_cmpint (hf_first + hf_billed (f), ==, n);
  g_assert_cmpint (kling_first + fake_counter (f, "kling.accepted"), ==, n);
  g_assert_cmpint (count_assets (f, "image"), ==, n);
  ledger_account ("Drive 503 after the stills, run again",
                  hf_first + hf_billed (f) + kling_first + fake_counter (f, "kling.accepted"), 2 * n, 0, 0);
}

/* The disk fills up during a batch, then space is freed and the batch runs
 * again: what was paid for is collected, not bought again. */
static void
test_ledger_disk_full (Fixture       *f,
                       gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *mnt = g_build_filename (f->work, "mnt", NULL);
  g_autofree char *out = g_build_filename (f->work, "out", NULL);
  g_autofree char *rc1_path = g_build_filename (out, "rc1", NULL);
  g_autofree char *rc2_path = g_build_filename (out, "rc2", NULL);
  g_autofree char *err1_path = g_build_filename (out, "err1", NULL);
  g_autofree char *err2_path = g_build_filename (out, "err2", NULL);
  g_autofree char *rc1 = NULL, *rc2 = NULL, *err1 = NULL, *err2 = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *sh =
    /* The stills and clips fill the disk; the database (elsewhere) does not. */
    "mount -t tmpfs -o size=16m tmpfs \"$1\" || exit 77\n"
    "export HEYAI_DATA_DIR=\"$4/data\" HEYAI_LOCAL_ROOT=\"$1\"\n"
    "id=$(\"$2\" new \"$3\") || exit 78\n"
    "\"$2\" analyze \"$id\" > /dev/null 2>&1 || exit 79\n"
    "avail=$(df -k --output=avail \"$1\" | tail -1)\n"
    "dd if=/dev/zero of=\"$1/filler\" bs=1k count=$((avail - 40)) 2> /dev/null\n"
    "\"$2\" --imager higgsfield --animator kling run \"$id\" --auto-approve 2> \"$4/err1\"; echo $? > \"$4/rc1\"\n"
    "rm -f \"$1/filler\"\n"
    "\"$2\" --imager higgsfield --animator kling run \"$id\" --auto-approve 2> \"$4/err2\"; echo $? > \"$4/rc2\"\n";
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }
  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);

  launcher = launcher_new (f, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  process = g_subprocess_launcher_spawn (launcher, &error, "unshare", "-rm", "sh", "-c", sh, "sh",
                                         mnt, cli_heyai_path, script, out, NULL);
  if (process == NULL || !g_subprocess_wait (process, NULL, NULL) ||
      !g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) == 77 ||
      g_subprocess_get_exit_status (process) == 1)
    {
      g_test_skip ("no private mount namespaces here (unshare -rm)");
      return;
    }
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_file_get_contents (rc1_path, &rc1, NULL, NULL);
  g_file_get_contents (rc2_path, &rc2, NULL, NULL);
  g_file_get_contents (err1_path, &err1, NULL, NULL);
  g_file_get_contents (err2_path, &err2, NULL, NULL);
  g_test_message ("first run (disk full): %s%s", rc1, err1);
  g_test_message ("second run (space freed): %s%s", rc2, err2);
  g_assert_cmpstr (g_strstrip (rc1), ==, "1");
  g_assert_nonnull (strstr (err1, "disk is full"));
  g_assert_cmpstr (g_strstrip (rc2), ==, "0");

  n = fake_counter (f, "kling.accepted");
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (hf_billed (f), ==, n);
  ledger_account ("disk full during a batch, space freed, run again", hf_billed (f) + n, 2 * n, 0, 0);
}

/* Killed between Higgsfield's (slow) answer and saving its request id: the
 * request was written "submitting" before it was sent, so the next run
 * knows it may have been billed and does not send it again. */
static void
test_ledger_kill_submit (Fixture       *f,
                         gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2",
                         "--fault", "higgsfield.submit:delay-1500:1", NULL };
  /* One still at a time: the delayed submit is the only request in flight
   * when the kill comes, so exactly one scene is in doubt afterwards. */
  const char *run[] = { REMOTE, "--image-jobs", "1", "run", NULL, "--auto-approve", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *position = NULL;
  JsonArray *scenes;
  gint64 n, doubtful = 0;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  g_assert_cmpint (run_heyai (f, NULL, NULL, "analyze", id), ==, 0);
  n = n_scenes_of (f);
  run[7] = id;
  process = spawn_heyai (f, run);
  wait_for_count (f, "SELECT COUNT(*) FROM requests WHERE kind = 'image' AND state = 'submitting'", 1);
  /* Killed once the submit has reached Higgsfield (which holds it 1.5 s),
   * not at a guessed moment: on a loaded machine 300 ms was sometimes before
   * the request left, and then nothing was billed. */
  wait_for_fake_counter (f, "fake.faults-taken", 1);
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, NULL);
  /* The delayed submit is accepted (billed) after the kill. */
  wait_for_fake_counter (f, "higgsfield.accepted", 1);

  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 1);
  g_test_message ("the run after the kill: %s", err);
  g_assert_nonnull (strstr (err, "may have accepted"));
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n);

  scenes = json_object_get_array_member (status_json (f, id, parser), "scenes");
  for (guint i = 0; i < json_array_get_length (scenes); i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);

      if (g_str_equal (json_object_get_string_member (scene, "status"), "failed"))
        doubtful = json_object_get_int_member (scene, "position");
    }
  g_assert_cmpint (doubtful, >, 0);

  /* The producer decides to make it again. */
  position = g_strdup_printf ("%" G_GINT64_FORMAT, doubtful);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "images", id, "--scene", position), ==, 0);
  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  assert_all_done (f, id);
  g_assert_cmpint (fake_counter (f, "higgsfield.accepted"), ==, n + 1);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("kill between the submit's answer and its id", hf_billed (f) + fake_counter (f, "kling.accepted"),
                  2 * n, 1, 0);
}

/* A Drive upload whose answer was lost (the file exists on Drive, the
 * client never heard it): the next run finds it by the asset id it carries
 * instead of uploading it again. */
static void
test_ledger_drive_lost_answer (Fixture       *f,
                               gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2",
                         "--option", "drive.lose-upload-answers=1", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  int status;
  gint64 n;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  status = run_logged (f, &err, "--storage", "gdrive", REMOTE, "run", id, "--auto-approve");
  if (status != 0)
    status = run_logged (f, &err, "--storage", "gdrive", REMOTE, "run", id, "--auto-approve");
  g_assert_cmpint (status, ==, 0);
  n = assert_all_done (f, id);
  g_assert_cmpint (fake_counter (f, "drive.upload.answers-lost"), ==, 1);
  /* One file per still and clip on Drive: none uploaded twice. */
  g_assert_cmpint (fake_counter (f, "drive.upload.completed"), ==, 2 * n);
  g_assert_cmpint (hf_billed (f), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("Drive upload answer lost, run again", hf_billed (f) + fake_counter (f, "kling.accepted"),
                  2 * n, 0, 0);
}

/* Ctrl+C during clips, then `heyai collect P`: the clips Kling accepted are
 * waited for and stored, nothing new is sent; `run` then does the rest. */
static void
test_ledger_collect (Fixture       *f,
                     gconstpointer  data)
{
  const char *argv[] = { "--option", "kling.polls=30", "--option", "higgsfield.polls=2", NULL };
  const char *run[] = { REMOTE, "run", NULL, "--auto-approve", NULL };
  g_autofree char *script = sample ("night-shift.fountain");
  g_autofree char *id = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gint64 n, accepted;

  if (!start_fake_argv (f, argv))
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  id = new_project (f, script);
  run[5] = id;
  process = spawn_heyai (f, run);
  wait_for_count (f, "SELECT COUNT(*) FROM jobs WHERE kind = 'clip' AND remote_id IS NOT NULL", 2);
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_wait (process, NULL, NULL);

  accepted = fake_counter (f, "kling.accepted");
  g_assert_cmpint (accepted, >=, 2);
  g_assert_cmpint (count_assets (f, "clip"), <, accepted);

  g_assert_cmpint (run_logged (f, &err, REMOTE, "collect", id), ==, 0);
  g_assert_null (strstr (err, "Estimated cost"));
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, accepted);
  g_assert_cmpint (count_assets (f, "clip"), ==, accepted);

  g_assert_cmpint (run_logged (f, &err, REMOTE, "run", id, "--auto-approve"), ==, 0);
  n = assert_all_done (f, id);
  g_assert_cmpint (hf_billed (f), ==, n);
  g_assert_cmpint (fake_counter (f, "kling.accepted"), ==, n);
  ledger_account ("Ctrl+C during clips, collect, run", hf_billed (f) + fake_counter (f, "kling.accepted"),
                  2 * n, 0, 0);
}

typedef struct
{
  const char    *group;
  const char    *path;
  void         (*func) (Fixture *, gconstpointer);
  const char    *data;
} Case;

static const Case cases[] = {
  { "basic",  "/cli/help", test_help, NULL },
  { "basic",  "/cli/usage-errors", test_usage_errors, NULL },
  { "basic",  "/cli/bad-scripts", test_bad_scripts, NULL },
  { "basic",  "/cli/new-and-list", test_new_and_list, NULL },
  { "basic",  "/cli/import-fdx", test_import_fdx, NULL },
  { "basic",  "/cli/read-only", test_read_only, NULL },
  { "basic",  "/cli/disk-full", test_disk_full, NULL },
  { "run-fountain", "/cli/run-auto/fountain", test_run_auto, "night-shift.fountain" },
  { "run-prose", "/cli/run-auto/prose", test_run_auto, "el-ultimo-faro.txt" },
  { "review", "/cli/review-flow", test_review_flow, NULL },
  { "review", "/cli/sigterm", test_sigterm_cancels, NULL },
  { "cancel", "/cli/cancel-other-process", test_cancel_other_process, NULL },
  { "kill",   "/cli/kill-resume", test_kill_resume, NULL },
  { "remote", "/cli/remote/run", test_remote_run, NULL },
  { "remote", "/cli/remote/failure", test_remote_failure, NULL },
  { "remote", "/cli/remote/kill-resume", test_remote_kill_resume, NULL },
  { "ledger", "/cli/ledger/cancel-stills", test_ledger_cancel, "stills" },
  { "ledger", "/cli/ledger/cancel-clips", test_ledger_cancel, "clips" },
  { "ledger", "/cli/ledger/cancel-command", test_ledger_cancel_command, NULL },
  { "ledger", "/cli/ledger/poll-down", test_ledger_poll_down, NULL },
  { "ledger", "/cli/ledger/download-cut", test_ledger_download_cut, NULL },
  { "ledger2", "/cli/ledger/lost-answer-502", test_ledger_lost_answer, "502" },
  { "ledger2", "/cli/ledger/lost-answer-drop", test_ledger_lost_answer, "drop" },
  { "ledger2", "/cli/ledger/lost-answer-html", test_ledger_lost_answer, "html" },
  { "ledger2", "/cli/ledger/refusal", test_ledger_refusal, NULL },
  { "ledger2", "/cli/ledger/two-runs", test_ledger_two_runs, NULL },
  { "ledger2", "/cli/ledger/not-reached", test_ledger_not_reached, NULL },
  { "ledger", "/cli/ledger/interrupted-analysis", test_ledger_interrupted_analysis, NULL },
  { "ledger2", "/cli/ledger/budget", test_ledger_budget, NULL },
  { "money", "/cli/money/monthly", test_money_monthly, NULL },
  { "ledger3", "/cli/ledger/drive-down", test_ledger_drive_down, NULL },
  { "ledger3", "/cli/ledger/disk-full", test_ledger_disk_full, NULL },
  { "ledger3", "/cli/ledger/kill-submit", test_ledger_kill_submit, NULL },
  { "ledger3", "/cli/ledger/drive-lost-answer", test_ledger_drive_lost_answer, NULL },
  { "ledger3", "/cli/ledger/collect", test_ledger_collect, NULL },
  { "revise", "/cli/revise/round", test_revision_round, NULL },
  { "basic",  "/cli/global-option-after-command", test_global_option_after_command, NULL },
};

/* Arguments after the GTest options: the heyai binary, and optionally
 * "group=NAME" to register one group only (meson runs each group as its own
 * test so that each stays well under a minute). */
int
main (int    argc,
      char **argv)
{
  const char *group = NULL;

  g_test_init (&argc, &argv, NULL);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "group="))
        group = argv[i] + strlen ("group=");
      else if (argv[i][0] != '-')
        cli_heyai_path = argv[i];
    }
  if (cli_heyai_path == NULL)
    cli_heyai_path = g_getenv ("HEYAI_CLI");
  if (cli_heyai_path == NULL)
    g_error ("pass the heyai binary as an argument");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (group == NULL || g_str_equal (group, cases[i].group))
      g_test_add (cases[i].path, Fixture, cases[i].data, fixture_setup, cases[i].func, fixture_teardown);

  return g_test_run ();
}
