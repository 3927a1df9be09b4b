/* test-cli-revisions.c: the revision commands of issue 11 with the offline
 * providers: an imported take carries lineage {"source":"imported"} and
 * decides what is current (an imported still outdates the clip, which the
 * export then holds and says so; an imported clip is current for the still
 * selected when it came, until a newer still); scenes a new draft removed
 * are listed by `heyai scenes P --removed` and come back with
 * `heyai restore P N`, takes and all.
 *
 * Usage (meson): test-cli-revisions --tap <path to heyai>
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "heyai-core.h"
#include "cli-test-utils.h"

static char *data_dir;

/* Runs heyai (offline providers, local storage) in @data_dir. */
static int
heyai_v (char              **out,
         char              **err,
         const char *const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    cli_launcher_new (data_dir, NULL, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) "--llm=offline");
  g_ptr_array_add (argv, (char *) "--imager=offline");
  g_ptr_array_add (argv, (char *) "--animator=offline");
  g_ptr_array_add (argv, (char *) "--storage=local");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return cli_run (launcher, NULL, (const char *const *) argv->pdata, out, err);
}

#define heyai(out, err, ...) heyai_v ((out), (err), (const char *[]) { __VA_ARGS__, NULL })

static char *
fake_data (const char *name)
{
  return g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data", name, NULL);
}

static HeyaiStore *
open_store (void)
{
  g_autofree char *db = g_build_filename (data_dir, "heyai.db", NULL);
  g_autoptr(GError) error = NULL;
  HeyaiStore *store = heyai_store_new (db, &error);

  g_assert_no_error (error);
  return store;
}

static HeyaiScene *
scene_at (HeyaiStore *store,
          const char *project_id,
          int         position)
{
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene = heyai_store_get_scene_at (store, project_id, position, &error);

  g_assert_no_error (error);
  g_assert_nonnull (scene);
  return scene;
}

static char *
new_project (const char *title,
             const char *text)
{
  g_autofree char *script = g_build_filename (data_dir, "script.txt", NULL);
  char *id = NULL;

  g_assert_true (g_file_set_contents (script, text, -1, NULL));
  g_assert_cmpint (heyai (&id, NULL, "new", "--title", title, script), ==, 0);
  return g_strstrip (id);
}

static void
test_import_lineage (void)
{
  g_autofree char *id = new_project ("Imported",
                                     "A stone island in the fog.\n\nMarta climbs the lighthouse stairs.\n");
  g_autofree char *still = fake_data ("still.png");
  g_autofree char *clip = fake_data ("clip-5s.mp4");
  g_autofree char *junk = g_build_filename (data_dir, "notes.txt", NULL);
  g_autofree char *export_dir = g_build_filename (data_dir, "out", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(HeyaiStore) store = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(HeyaiAsset) imported_still = NULL;
  g_autoptr(HeyaiAsset) imported_clip = NULL;
  HeyaiSceneLineage lineage;

  g_assert_cmpint (heyai (NULL, NULL, "run", id, "--auto-approve"), ==, 0);

  /* The producer's still: take 2, lineage "imported", selected; the clip
   * (made from take 1) is outdated. */
  g_assert_cmpint (heyai (&out, NULL, "import", id, "1", still), ==, 0);
  g_assert_nonnull (strstr (out, "take 2"));
  store = open_store ();
  scene = scene_at (store, id, 1);
  imported_still = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, 2, NULL);
  g_assert_nonnull (imported_still);
  g_assert_true (g_str_has_prefix (heyai_asset_get_lineage (imported_still), "{\"source\":\"imported\""));
  g_assert_null (heyai_asset_get_inputs_hash (imported_still));
  heyai_lineage_of_scene (store, NULL, scene, &lineage);
  g_assert_cmpint (lineage.image_take, ==, 2);
  g_assert_cmpint (lineage.clip_take, ==, 1);
  g_assert_false (lineage.image_stale);
  g_assert_true (lineage.clip_stale);
  g_clear_object (&scene);
  g_clear_object (&store);

  /* status --json tells the same truth. */
  g_assert_cmpint (heyai (&out, NULL, "status", id, "--json"), ==, 0);
  g_assert_nonnull (strstr (out, "\"clip_stale\" : true"));

  /* The export holds the imported still in place of the outdated clip and
   * says so: not "no approved clip". */
  g_assert_cmpint (heyai (NULL, &err, "export", id, "--to", export_dir, "--formats", "edl,md"), ==, 0);
  g_assert_nonnull (strstr (err, "Scene 1 ("));
  g_assert_nonnull (strstr (err, "its clip is outdated"));
  g_assert_nonnull (strstr (err, "the current still is held in its place"));
  g_assert_null (strstr (err, "has no approved clip"));
  {
    g_autofree char *readme_path = g_build_filename (export_dir, "imported-handoff", "README.txt", NULL);
    g_autofree char *manifest_path = g_build_filename (export_dir, "imported-handoff", "manifest.json", NULL);
    g_autofree char *readme = NULL;
    g_autofree char *manifest = NULL;

    g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
    g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
    g_assert_nonnull (strstr (readme, "its clip is outdated"));
    g_assert_null (strstr (readme, "no approved clip"));
    g_assert_nonnull (strstr (manifest, "\"clip_held\" : true"));
  }

  /* The producer's clip: current for the still selected now. */
  g_assert_cmpint (heyai (&out, NULL, "import", id, "1", clip), ==, 0);
  g_assert_nonnull (strstr (out, "take 2"));
  store = open_store ();
  scene = scene_at (store, id, 1);
  imported_clip = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP, 2, NULL);
  g_assert_nonnull (imported_clip);
  g_assert_true (g_str_has_prefix (heyai_asset_get_lineage (imported_clip), "{\"source\":\"imported\""));
  g_assert_nonnull (strstr (heyai_asset_get_lineage (imported_clip), heyai_asset_get_id (imported_still)));
  heyai_lineage_of_scene (store, NULL, scene, &lineage);
  g_assert_cmpint (lineage.clip_take, ==, 2);
  g_assert_cmpint (lineage.clip_source_image_take, ==, 2);
  g_assert_false (lineage.clip_stale);
  g_clear_object (&scene);
  g_clear_object (&store);

  /* Prompt edits do not outdate the producer's takes; a newer still does. */
  g_assert_cmpint (heyai (NULL, NULL, "images", id, "--scene", "1"), ==, 0);
  store = open_store ();
  scene = scene_at (store, id, 1);
  heyai_lineage_of_scene (store, NULL, scene, &lineage);
  g_assert_cmpint (lineage.image_take, ==, 3);
  g_assert_cmpint (lineage.clip_take, ==, 2);
  g_assert_true (lineage.clip_stale);
  g_clear_object (&scene);
  g_clear_object (&store);

  /* An unsupported file is refused, clearly, and adds nothing. */
  g_assert_true (g_file_set_contents (junk, "not a picture, not a film", -1, NULL));
  g_assert_cmpint (heyai (NULL, &err, "import", id, "1", junk), ==, 1);
  g_assert_nonnull (strstr (err, "Not a still (PNG, JPEG, WebP) or a clip that plays: notes.txt ("));
  store = open_store ();
  scene = scene_at (store, id, 1);
  g_assert_cmpint (heyai_store_max_take (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE), ==, 3);
  g_assert_cmpint (heyai_store_max_take (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP), ==, 2);
}

static void
test_restore_removed (void)
{
  g_autofree char *id = new_project ("Removed",
                                     "INT. KITCHEN - NIGHT\n\nAnna boils water in the dark.\n\n"
                                     "EXT. GARDEN - NIGHT\n\nA fox crosses the wet lawn.\n\n"
                                     "INT. ATTIC - NIGHT\n\nA trunk opens by itself.\n");
  g_autofree char *draft = g_build_filename (data_dir, "draft.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *garden_id = NULL;
  g_autoptr(HeyaiStore) store = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(HeyaiScene) back = NULL;

  /* Stills for every scene (review mode stops there). */
  g_assert_cmpint (heyai (NULL, NULL, "run", id), ==, 0);
  store = open_store ();
  scenes = heyai_store_list_scenes (store, id, NULL);
  g_assert_cmpuint (scenes->len, ==, 3);
  g_assert_cmpint (heyai_scene_get_image_take (g_ptr_array_index (scenes, 1)), ==, 1);
  garden_id = g_strdup (heyai_scene_get_id (g_ptr_array_index (scenes, 1)));
  g_clear_pointer (&scenes, g_ptr_array_unref);
  g_clear_object (&store);

  g_assert_cmpint (heyai (&out, NULL, "scenes", id, "--removed"), ==, 0);
  g_assert_nonnull (strstr (out, "No removed scenes"));

  /* A new draft without the garden. */
  g_assert_true (g_file_set_contents (draft,
                                      "INT. KITCHEN - NIGHT\n\nAnna boils water in the dark.\n\n"
                                      "INT. ATTIC - NIGHT\n\nA trunk opens by itself.\n", -1, NULL));
  g_assert_cmpint (heyai (NULL, NULL, "script", id, draft), ==, 0);
  g_assert_cmpint (heyai (&out, NULL, "analyze", id, "--dry-run"), ==, 0);
  g_assert_nonnull (strstr (out, "2 unchanged, 0 changed, 0 new, 1 removed"));
  g_assert_cmpint (heyai (NULL, NULL, "analyze", id), ==, 0);

  g_assert_cmpint (heyai (&out, NULL, "scenes", id), ==, 0);
  g_assert_null (strstr (out, "Garden"));
  g_assert_cmpint (heyai (&out, NULL, "scenes", id, "--removed"), ==, 0);
  g_assert_nonnull (strstr (out, "  1  "));
  g_assert_nonnull (strstr (out, "Garden"));
  g_assert_nonnull (strstr (out, "still take 1"));
  g_assert_nonnull (strstr (out, garden_id));

  g_assert_cmpint (heyai (NULL, &err, "restore", id, "4"), ==, 2);
  g_assert_nonnull (strstr (err, "no removed scene 4"));
  g_assert_cmpint (heyai (&out, NULL, "restore", id, "1"), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 2"));

  /* Back at its place with its id and its still. */
  store = open_store ();
  scenes = heyai_store_list_scenes (store, id, NULL);
  g_assert_cmpuint (scenes->len, ==, 3);
  back = g_object_ref (g_ptr_array_index (scenes, 1));
  g_assert_cmpstr (heyai_scene_get_id (back), ==, garden_id);
  g_assert_cmpint (heyai_scene_get_position (back), ==, 2);
  g_assert_cmpint (heyai_scene_get_image_take (back), ==, 1);
  g_assert_cmpint (heyai_scene_get_position (g_ptr_array_index (scenes, 2)), ==, 3);
  g_assert_cmpint (heyai (&out, NULL, "scenes", id, "--removed"), ==, 0);
  g_assert_nonnull (strstr (out, "No removed scenes"));
}

/* `heyai delete P` asks the pipeline: the project's queued work is
 * cancelled, then the project is gone. */
static void
test_delete (void)
{
  g_autofree char *id = new_project ("Doomed", "A stone island in the fog.\n");
  g_autofree char *out = NULL;
  g_autofree char *job_id = heyai_uuid_new ();
  g_autoptr(HeyaiStore) store = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(HeyaiJob) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (heyai (NULL, NULL, "analyze", id), ==, 0);
  store = open_store ();
  scene = scene_at (store, id, 1);
  heyai_job_set_id (job, job_id);
  heyai_job_set_project_id (job, id);
  heyai_job_set_scene_id (job, heyai_scene_get_id (scene));
  heyai_job_set_kind (job, HEYAI_JOB_KIND_IMAGE);
  heyai_job_set_take (job, 1);
  heyai_job_set_provider (job, "offline");
  heyai_job_set_state (job, HEYAI_JOB_STATE_QUEUED);
  g_assert_true (heyai_store_insert_job (store, job, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_cmpint (heyai (&out, NULL, "delete", id), ==, 0);
  g_assert_nonnull (strstr (out, "Deleted “Doomed”"));
  g_assert_cmpint (heyai (NULL, NULL, "show", id), ==, 2);
  {
    g_autofree char *db_path = g_build_filename (data_dir, "heyai.db", NULL);
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    /* Read past the tombstone. */
    g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT state FROM jobs WHERE id = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
    sqlite3_bind_text (stmt, 1, job_id, -1, SQLITE_TRANSIENT);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "cancelled");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
}

int
main (int argc, char **argv)
{
  int ret;

  cli_test_init (&argc, &argv);
  data_dir = g_dir_make_tmp ("heyai-cli-revisions-XXXXXX", NULL);
  g_test_add_func ("/cli/revisions/import-lineage", test_import_lineage);
  g_test_add_func ("/cli/revisions/restore-removed", test_restore_removed);
  g_test_add_func ("/cli/revisions/delete", test_delete);
  ret = g_test_run ();
  cli_rm_rf (data_dir);
  g_free (data_dir);
  return ret;
}
