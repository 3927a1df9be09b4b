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
#include "cli-test-utils.h"

typedef struct {
  char        *data;       /* HEYAI_DATA_DIR */
  CliFake      fake;       /* heyai-fake-server */
  char        *id;         /* the project */
} Fixture;

/* Runs heyai against the fakes, with @model_env ("NAME=VALUE" or NULL)
 * added (the arguments end with NULL); returns the exit status; @out (if
 * not NULL) gets stdout and stderr. */
static int
heyai_v (Fixture            *f,
         const char         *model_env,
         char              **out,
         const char *const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    cli_launcher_new (f->data, f->fake.env, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_unsetenv (launcher, "HEYAI_HIGGSFIELD_MODEL");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_KLING_MODEL");
  if (model_env != NULL)
    {
      g_auto(GStrv) kv = g_strsplit (model_env, "=", 2);
      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  g_test_message ("with %s:", model_env ? model_env : "no model");
  return cli_run_merged (launcher, args, out);
}

#define heyai(f, model_env, out, ...) heyai_v ((f), (model_env), (out), (const char *[]) { __VA_ARGS__ })

/* The fake's counters whose names start with @prefix, summed. */
static gint64
fake_sum (Fixture    *f,
          const char *prefix)
{
  return cli_fake_sum (f->fake.url, prefix);
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
  g_autoptr(GError) error = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *image = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data",
                                             "still.png", NULL);
  const char *extra[] = { "--option", "kling.polls=2", "--option", "higgsfield.polls=2", NULL };
  char *out = NULL;

  f->data = g_dir_make_tmp ("heyai-cli-refs-XXXXXX", &error);
  g_assert_no_error (error);
  if (!cli_fake_start (&f->fake, "higgsfield,kling", extra))
    return;

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
  cli_fake_stop (&f->fake);
  g_clear_pointer (&f->id, g_free);
  cli_rm_rf (f->data);
  g_clear_pointer (&f->data, g_free);
}

/* kling-v1-6: scene 1's clip goes to multi-image2video with the still and
 * Mara's image; scene 2's to image2video with the still alone. */
static void
test_kling_references (Fixture       *f,
                       gconstpointer  data)
{
  char *out = NULL;

  if (f->fake.proc == NULL)
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

  if (f->fake.proc == NULL)
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
  cli_test_init (&argc, &argv);

  g_test_add ("/cli/references/kling", Fixture, NULL, fixture_set_up, test_kling_references, fixture_tear_down);
  g_test_add ("/cli/references/kling-none", Fixture, NULL, fixture_set_up, test_kling_no_references,
              fixture_tear_down);

  return g_test_run ();
}
