/* test-cli-import.c: `heyai import P SCENE FILE` (offline providers): a
 * WebP still and an MP4 clip become new, selected takes with lineage
 * "imported"; the originals are untouched; a file that is neither a still
 * nor a playable clip is refused and nothing is added.
 *
 * Usage (meson): test-cli-import --tap <path to heyai>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "heyai-core.h"
#include "cli-test-utils.h"

static char *data_dir;

static int
heyai (char       **out,
       const char  *first,
       ...) G_GNUC_NULL_TERMINATED;

static int
heyai (char       **out,
       const char  *first,
       ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    cli_launcher_new (data_dir, NULL, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (args, (char *) "--llm=offline");
  g_ptr_array_add (args, (char *) "--storage=local");
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cli_run (launcher, NULL, (const char *const *) args->pdata, out, NULL);
}

static void
test_import (void)
{
  g_autofree char *script = g_build_filename (data_dir, "script.txt", NULL);
  g_autofree char *junk = g_build_filename (data_dir, "notes.txt", NULL);
  g_autofree char *still = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data",
                                             "still.png", NULL);
  g_autofree char *clip = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data",
                                            "clip-5s.mp4", NULL);
  g_autofree char *still_sum = heyai_file_sha256 (still, NULL, NULL);
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autoptr(HeyaiStore) store = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) stills = NULL;
  g_autoptr(GPtrArray) clips = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene;
  HeyaiAsset *asset;

  g_assert_true (g_file_set_contents (script, "A stone island in the fog.\n\nMarta climbs the stairs.\n", -1, NULL));
  g_assert_true (g_file_set_contents (junk, "not a picture, not a film", -1, NULL));
  g_assert_cmpint (heyai (&id, "new", "--title", "Import", script, NULL), ==, 0);
  g_strstrip (id);
  g_assert_cmpint (heyai (NULL, "analyze", id, NULL), ==, 0);

  g_assert_cmpint (heyai (&out, "import", id, "1", still, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "take 1"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (&out, "import", id, "1", clip, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (&out, "import", id, "1", junk, NULL), ==, 1);
  g_assert_cmpint (heyai (&out, "import", id, "9", still, NULL), ==, 2);

  db = g_build_filename (data_dir, "heyai.db", NULL);
  store = heyai_store_new (db, &error);
  g_assert_no_error (error);
  scenes = heyai_store_list_scenes (store, id, &error);
  g_assert_no_error (error);
  scene = g_ptr_array_index (scenes, 0);
  g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 1);
  g_assert_cmpint (heyai_scene_get_clip_take (scene), ==, 1);

  stills = heyai_store_list_assets (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, &error);
  g_assert_cmpuint (stills->len, ==, 1);
  asset = g_ptr_array_index (stills, 0);
  g_assert_cmpstr (heyai_asset_get_provider (asset), ==, "imported");
  g_assert_cmpstr (heyai_asset_get_sha256 (asset), ==, still_sum);
  g_assert_true (g_file_test (heyai_asset_get_local_path (asset), G_FILE_TEST_IS_REGULAR));

  clips = heyai_store_list_assets (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP, &error);
  g_assert_cmpuint (clips->len, ==, 1);
  asset = g_ptr_array_index (clips, 0);
  g_assert_cmpstr (heyai_asset_get_provider (asset), ==, "imported");
  g_assert_nonnull (strstr (heyai_asset_get_params (asset), "probed_duration"));

  /* the original is untouched */
  {
    g_autofree char *again = heyai_file_sha256 (still, NULL, NULL);

    g_assert_cmpstr (again, ==, still_sum);
  }
}

int
main (int argc, char **argv)
{
  int ret;

  cli_test_init (&argc, &argv);
  data_dir = g_dir_make_tmp ("heyai-cli-import-XXXXXX", NULL);
  g_test_add_func ("/clients/cli/import", test_import);
  ret = g_test_run ();
  cli_rm_rf (data_dir);
  g_free (data_dir);
  return ret;
}
