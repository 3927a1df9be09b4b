/* test-export-store.c: the plan built from the store, and `heyai export`
 * end to end (a store filled in code, the real binary as a subprocess).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sys/wait.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "heyai-core.h"
#include "heyai-export.h"
#include "export-test-util.h"

typedef struct
{
  char         *dir;
  char         *db;
  HeyaiStore   *store;
  HeyaiProject *project;
  char         *clip;
  char         *still;
} Fixture;

static HeyaiAsset *
add_asset (Fixture        *f,
           HeyaiScene     *scene,
           HeyaiAssetKind  kind,
           int             take,
           const char     *path,
           const char     *request_id)
{
  g_autoptr(GError) error = NULL;
  HeyaiAsset *asset = heyai_asset_new ();

  heyai_asset_set_project_id (asset, heyai_project_get_id (f->project));
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (scene));
  heyai_asset_set_kind (asset, kind);
  heyai_asset_set_take (asset, take);
  heyai_asset_set_provider (asset, kind == HEYAI_ASSET_KIND_CLIP ? "kling" : "higgsfield");
  heyai_asset_set_model (asset, kind == HEYAI_ASSET_KIND_CLIP ? "kling-v2-1" : "soul");
  heyai_asset_set_request_id (asset, request_id);
  heyai_asset_set_seed (asset, 42 + take);
  heyai_asset_set_cost (asset, kind == HEYAI_ASSET_KIND_CLIP ? 0.35 : 0.06);
  heyai_asset_set_local_path (asset, path);
  g_assert_true (heyai_store_insert_asset (f->store, asset, &error));
  g_assert_no_error (error);

  return asset;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *clip2 = NULL;
  const char *titles[] = { "Opening — the lighthouse", "Rejected scene", "Storm \"at\" sea & <night>", "Dawn" };

  f->dir = g_dir_make_tmp ("heyai-export-store-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "data", "heyai.db", NULL);
  f->clip = g_build_filename (f->dir, "clip.mp4", NULL);
  clip2 = g_build_filename (f->dir, "clip-take2.mp4", NULL);
  f->still = g_build_filename (f->dir, "still.png", NULL);
  g_assert_true (export_test_make_clip (f->clip, 120, 320, 180, 0, &error));
  g_assert_true (export_test_make_clip (clip2, 240, 320, 180, 1, &error));
  g_assert_true (export_test_make_still (f->still, 320, 180, 0.5));

  f->store = heyai_store_new (f->db, &error);
  g_assert_no_error (error);

  f->project = heyai_project_new ();
  heyai_project_set_title (f->project, "El Último Faro");
  heyai_project_set_status (f->project, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
  g_assert_true (heyai_store_insert_project (f->store, f->project, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      HeyaiScene *scene = heyai_scene_new ();

      heyai_scene_set_project_id (scene, heyai_project_get_id (f->project));
      heyai_scene_set_title (scene, titles[i]);
      heyai_scene_set_description (scene, "Waves, wind, a light.");
      heyai_scene_set_image_prompt (scene, "lighthouse, storm, 35mm");
      heyai_scene_set_motion_prompt (scene, "slow push in");
      heyai_scene_set_camera_move (scene, HEYAI_CAMERA_PUSH_IN);
      heyai_scene_set_duration (scene, 5);
      heyai_scene_set_approval (scene, i == 1 ? HEYAI_APPROVAL_REJECTED : HEYAI_APPROVAL_APPROVED);
      g_ptr_array_add (scenes, scene);
    }
  g_assert_true (heyai_store_replace_scenes (f->store, heyai_project_get_id (f->project), scenes, &error));
  g_assert_no_error (error);

  stored = heyai_store_list_scenes (f->store, heyai_project_get_id (f->project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 4);

  for (guint i = 0; i < stored->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (stored, i);
      g_autoptr(HeyaiAsset) image = add_asset (f, scene, HEYAI_ASSET_KIND_IMAGE, 1, f->still, "hf-req");

      heyai_scene_set_image_take (scene, 1);
      if (i == 0)
        {
          /* Two clip takes; take 2 (10 s) is the selected one. */
          g_autoptr(HeyaiAsset) c1 = add_asset (f, scene, HEYAI_ASSET_KIND_CLIP, 1, f->clip, "kl-1");
          g_autoptr(HeyaiAsset) c2 = add_asset (f, scene, HEYAI_ASSET_KIND_CLIP, 2, clip2, "kl-2");

          heyai_scene_set_clip_take (scene, 2);
          heyai_scene_set_duration (scene, 10);
        }
      else if (i != 3)
        {
          g_autoptr(HeyaiAsset) c = add_asset (f, scene, HEYAI_ASSET_KIND_CLIP, 1, f->clip, "kl-x");
          heyai_scene_set_clip_take (scene, 1);
        }
      /* Scene 4 is approved but has no clip yet. */
      g_assert_true (heyai_store_update_scene (f->store, scene, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->project);
  g_clear_object (&f->store);
  export_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->clip);
  g_free (f->still);
}

static void
test_plan_from_store (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiExportPlan) plan = heyai_export_plan_from_store (f->store, f->project, &error);
  HeyaiExportScene *s;

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  g_assert_cmpstr (plan->title, ==, "El Último Faro");
  g_assert_cmpstr (plan->slug, ==, "el-ultimo-faro");
  g_assert_cmpint (plan->width, ==, 1920);
  g_assert_cmpint (plan->height, ==, 1080);

  /* The rejected scene is left out; storyboard order is kept. */
  g_assert_cmpuint (plan->scenes->len, ==, 3);
  s = g_ptr_array_index (plan->scenes, 0);
  g_assert_cmpint (s->number, ==, 1);
  g_assert_cmpfloat (s->duration_seconds, ==, 10);
  g_assert_true (g_str_has_suffix (s->clip_path, "clip-take2.mp4"));
  g_assert_cmpstr (s->request_id, ==, "kl-2");
  g_assert_cmpint (s->take, ==, 2);
  g_assert_cmpint (s->seed, ==, 44);
  g_assert_cmpstr (s->provider, ==, "kling");
  g_assert_cmpstr (s->image_provider, ==, "higgsfield");
  g_assert_cmpstr (s->camera_move, ==, "push-in");
  g_assert_cmpfloat_with_epsilon (s->cost, 0.41, 1e-9);

  s = g_ptr_array_index (plan->scenes, 1);
  g_assert_cmpint (s->number, ==, 3);
  g_assert_cmpstr (s->title, ==, "Storm \"at\" sea & <night>");

  s = g_ptr_array_index (plan->scenes, 2);
  g_assert_cmpint (s->number, ==, 4);
  g_assert_null (s->clip_path);
  g_assert_nonnull (s->still_path);
}


/* A clip made from an older still than the selected one is outdated: held by
 * default (the current still in its place), shipped only with --stale include. */
static void
test_plan_stale_clip (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (f->store, heyai_project_get_id (f->project), 3, &error);
  g_autoptr(HeyaiAsset) still1 = NULL;
  g_autoptr(HeyaiAsset) still2 = NULL;
  g_autoptr(HeyaiAsset) clip = NULL;
  g_autoptr(HeyaiExportPlan) plan = NULL;
  HeyaiExportScene *s;

  g_assert_no_error (error);
  still1 = heyai_store_get_asset (f->store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, 1, NULL);
  clip = heyai_store_get_asset (f->store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP, 1, NULL);
  heyai_lineage_fill (f->project, scene, still1, NULL, NULL);
  heyai_lineage_fill (f->project, scene, clip, still1, NULL);
  g_assert_true (heyai_store_update_asset (f->store, still1, &error));
  g_assert_true (heyai_store_update_asset (f->store, clip, &error));

  /* Current: shipped as it is. */
  plan = heyai_export_plan_from_store (f->store, f->project, &error);
  g_assert_no_error (error);
  s = g_ptr_array_index (plan->scenes, 1);
  g_assert_cmpint (s->number, ==, 3);
  g_assert_false (s->clip_stale);
  g_assert_nonnull (s->clip_path);
  g_clear_pointer (&plan, heyai_export_plan_free);

  /* A new still take is selected: the clip is outdated and held. */
  still2 = add_asset (f, scene, HEYAI_ASSET_KIND_IMAGE, 2, f->still, "hf-req-2");
  heyai_lineage_fill (f->project, scene, still2, NULL, NULL);
  g_assert_true (heyai_store_update_asset (f->store, still2, &error));
  heyai_scene_set_image_take (scene, 2);
  g_assert_true (heyai_store_update_scene (f->store, scene, &error));

  plan = heyai_export_plan_from_store (f->store, f->project, &error);
  g_assert_no_error (error);
  g_assert_false (plan->include_stale);
  s = g_ptr_array_index (plan->scenes, 1);
  g_assert_true (s->clip_stale);
  g_assert_true (s->clip_held);
  g_assert_cmpint (s->clip_source_image_take, ==, 1);
  g_assert_null (s->clip_path);
  g_assert_nonnull (s->still_path);
  /* The other scenes are untouched. */
  g_assert_nonnull (((HeyaiExportScene *) g_ptr_array_index (plan->scenes, 0))->clip_path);

  heyai_export_plan_set_include_stale (plan, TRUE);
  g_assert_true (plan->include_stale);
  g_assert_false (s->clip_held);
  g_assert_cmpstr (s->clip_path, ==, f->clip);
  heyai_export_plan_set_include_stale (plan, FALSE);
  g_assert_null (s->clip_path);
}

static int
run_cli (Fixture     *f,
         const char  *const *args,
         char       **out,
         char       **err)
{
  g_autofree char *heyai = g_build_filename (g_getenv ("HEYAI_BUILD_ROOT"), "src", "cli", "heyai", NULL);
  g_autofree char *data_dir = g_path_get_dirname (f->db);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, heyai);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "HEYAI_DATA_DIR", data_dir, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, 0, NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  return WEXITSTATUS (status);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *heyai = g_build_filename (g_getenv ("HEYAI_BUILD_ROOT"), "src", "cli", "heyai", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "out", NULL);
  g_autofree char *number = g_strdup_printf ("%d", heyai_project_get_number (f->project));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  gboolean package_recorded = FALSE;
  int code;

  if (!g_file_test (heyai, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the heyai binary is not built");
      return;
    }

  /* Usage errors: exit status 2. */
  {
    const char *const no_to[] = { "export", number, NULL };
    const char *const bad_fps[] = { "export", number, "--to", dest, "--fps", "60", NULL };
    const char *const bad_format[] = { "export", number, "--to", dest, "--formats", "otio,mov", NULL };

    g_assert_cmpint (run_cli (f, no_to, NULL, NULL), ==, 2);
    g_assert_cmpint (run_cli (f, bad_fps, NULL, NULL), ==, 2);
    g_assert_cmpint (run_cli (f, bad_format, NULL, NULL), ==, 2);
    g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  }

  {
    /* --no-conform keeps the provider files (conforming is test-export-handoff's). */
    const char *const args[] = { "export", number, "--to", dest, "--formats", "otio,edl,csv,md",
                                 "--fps", "25", "--missing", "skip", "--zip", "--no-conform", NULL };

    code = run_cli (f, args, &out, &err);
  }
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (code, ==, 0);

  /* stdout: the package path, then the zip. */
  expected = g_strdup_printf ("%s/el-ultimo-faro-handoff\n%s/el-ultimo-faro-handoff.zip\n", dest, dest);
  g_assert_cmpstr (out, ==, expected);
  /* The skipped scene is named on stderr. */
  g_assert_nonnull (strstr (err, "Scene 4"));

  {
    g_autofree char *pkg = g_build_filename (dest, "el-ultimo-faro-handoff", NULL);
    g_autofree char *edl = export_test_read_file (pkg, "timeline.edl");
    g_autoptr(GArray) events = export_test_read_edl (edl, 25, FALSE);

    g_assert_cmpuint (events->len, ==, 2);
    /* From 01:00:00:00 (90000 frames at 25). */
    g_assert_cmpint (g_array_index (events, EdlEvent, 0).rec_out, ==, 90000 + 250);  /* 10 s at 25 */
    g_assert_cmpint (g_array_index (events, EdlEvent, 1).rec_out, ==, 90000 + 375);
  }

  /* Again into the same folder: replaced in place, same output. */
  {
    const char *const args[] = { "export", number, "--to", dest, "--formats", "edl", "--missing", "skip",
                                 "--no-conform", NULL };
    g_autofree char *out2 = NULL;
    g_autofree char *pkg = g_build_filename (dest, "el-ultimo-faro-handoff", NULL);
    g_autofree char *csv = g_build_filename (pkg, "shotlist.csv", NULL);

    g_assert_cmpint (run_cli (f, args, &out2, NULL), ==, 0);
    g_assert_true (g_str_has_suffix (out2, "/el-ultimo-faro-handoff\n"));
    g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));  /* the old package is gone */
  }

  /* A PACKAGE asset was recorded (the project status is left alone). */
  g_clear_object (&f->store);
  f->store = heyai_store_new (f->db, &error);
  g_assert_no_error (error);
  assets = heyai_store_list_project_assets (f->store, heyai_project_get_id (f->project), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < assets->len; i++)
    {
      HeyaiAsset *asset = g_ptr_array_index (assets, i);

      /* One per export: the zip (with its checksum), then the folder. */
      if (heyai_asset_get_kind (asset) == HEYAI_ASSET_KIND_PACKAGE &&
          g_str_has_suffix (heyai_asset_get_local_path (asset), ".zip"))
        {
          package_recorded = TRUE;
          g_assert_cmpuint (strlen (heyai_asset_get_sha256 (asset)), ==, 64);
        }
    }
  g_assert_true (package_recorded);
  {
    g_autoptr(HeyaiProject) p = heyai_store_find_project (f->store, heyai_project_get_id (f->project), &error);
    g_assert_cmpint (heyai_project_get_status (p), ==, HEYAI_PROJECT_STATUS_READY_FOR_EDIT);
  }
}

/* heyai note, export, the editor swaps two clips, heyai import-timeline. */
static void
test_cli_round_trip (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *heyai = g_build_filename (g_getenv ("HEYAI_BUILD_ROOT"), "src", "cli", "heyai", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "rt", NULL);
  g_autofree char *number = g_strdup_printf ("%d", heyai_project_get_number (f->project));
  g_autofree char *pkg = NULL;
  g_autofree char *edl = NULL;
  g_autofree char *otio = NULL;
  g_autofree char *edited = g_build_filename (f->dir, "editors-cut.otio", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *order[] = { "Storm \"at\" sea & <night>", "Rejected scene", "Opening — the lighthouse", "Dawn" };

  if (!g_file_test (heyai, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the heyai binary is not built");
      return;
    }

  {
    const char *const note[] = { "note", number, "3", "Hold", "on", "the", "wave", NULL };
    const char *const bad[] = { "note", number, "9", "x", NULL };
    /* --no-conform: the round trip is about the timelines (and it keeps the test quick). */
    const char *const args[] = { "export", number, "--to", dest, "--formats", "otio,edl", "--no-conform", NULL };
    g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL, *e1 = NULL, *e2 = NULL, *e3 = NULL;

    /* (stdout captured: the TAP stream is ours) */
    g_assert_cmpint (run_cli (f, note, &o1, &e1), ==, 0);
    g_assert_nonnull (strstr (o1, "Scene 3"));
    g_assert_cmpint (run_cli (f, bad, &o2, &e2), ==, 2);
    g_assert_cmpint (run_cli (f, args, &o3, &e3), ==, 0);
  }
  pkg = g_build_filename (dest, "el-ultimo-faro-handoff", NULL);
  edl = export_test_read_file (pkg, "timeline.edl");
  g_assert_nonnull (strstr (edl, " RED     APPROVED - Hold on the wave\n"));

  /* The editor swaps the first two clips. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    JsonArray *clips;
    JsonNode *first;

    otio = export_test_read_file (pkg, "timeline.otio");
    g_assert_true (json_parser_load_from_data (parser, otio, -1, &error));
    clips = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (
              json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "tracks"),
              "children"), 0), "children");
    g_assert_cmpuint (json_array_get_length (clips), ==, 3);
    first = json_node_copy (json_array_get_element (clips, 0));
    json_array_remove_element (clips, 0);
    {
      /* [b, c] -> [b, a, c] */
      JsonNode *c = json_node_copy (json_array_get_element (clips, 1));

      json_array_remove_element (clips, 1);
      json_array_add_element (clips, first);
      json_array_add_element (clips, c);
    }
    json_generator_set_root (gen, json_parser_get_root (parser));
    g_assert_true (json_generator_to_file (gen, edited, &error));
  }

  {
    const char *const dry[] = { "import-timeline", number, edited, "--dry-run", NULL };
    const char *const apply[] = { "import-timeline", number, edited, NULL };
    const char *const missing[] = { "import-timeline", number, "/nonexistent/cut.otio", NULL };
    const char *const wrong[] = { "import-timeline", number, f->still, NULL };
    g_autoptr(HeyaiStore) store = NULL;
    g_autoptr(GPtrArray) scenes = NULL;
    g_autofree char *out2 = NULL, *out3 = NULL, *out4 = NULL;

    g_assert_cmpint (run_cli (f, dry, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "moves to position 1"));
    g_assert_cmpint (run_cli (f, missing, &out2, NULL), ==, 1);
    g_assert_cmpint (run_cli (f, wrong, &out3, &err), ==, 1);
    g_assert_nonnull (strstr (err, "timeline"));

    /* Nothing changed by the dry run. */
    store = heyai_store_new (f->db, &error);
    g_assert_no_error (error);
    scenes = heyai_store_list_scenes (store, heyai_project_get_id (f->project), &error);
    g_assert_cmpstr (heyai_scene_get_title (g_ptr_array_index (scenes, 0)), ==, "Opening — the lighthouse");
    g_clear_pointer (&scenes, g_ptr_array_unref);
    g_clear_object (&store);

    g_assert_cmpint (run_cli (f, apply, &out4, NULL), ==, 0);
    g_assert_nonnull (strstr (out4, "2 changes applied"));
    store = heyai_store_new (f->db, &error);
    g_assert_no_error (error);
    scenes = heyai_store_list_scenes (store, heyai_project_get_id (f->project), &error);
    g_assert_cmpuint (scenes->len, ==, 4);
    for (guint i = 0; i < scenes->len; i++)
      {
        HeyaiScene *scene = g_ptr_array_index (scenes, i);

        g_assert_cmpstr (heyai_scene_get_title (scene), ==, order[i]);
        g_assert_cmpint (heyai_scene_get_position (scene), ==, (int) i + 1);
      }
    g_assert_cmpstr (heyai_scene_get_editor_note (g_ptr_array_index (scenes, 0)), ==, "Hold on the wave");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add ("/export/store/plan", Fixture, NULL, fixture_setup, test_plan_from_store, fixture_teardown);
  g_test_add ("/export/store/plan-stale-clip", Fixture, NULL, fixture_setup, test_plan_stale_clip, fixture_teardown);
  g_test_add ("/export/store/cli", Fixture, NULL, fixture_setup, test_cli, fixture_teardown);
  g_test_add ("/export/store/cli-round-trip", Fixture, NULL, fixture_setup, test_cli_round_trip, fixture_teardown);

  return g_test_run ();
}
