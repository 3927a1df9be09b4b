/* test-model.c: HeyaiProject / Scene / Asset / Job properties.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-core.h"

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* A valid value different from the default of @pspec. */
static void
make_test_value (GParamSpec *pspec,
                 GValue     *value,
                 int         variant)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);

  g_value_init (value, type);

  if (type == G_TYPE_STRING)
    {
      g_autofree char *s = g_strdup_printf ("%s-value-%d", pspec->name, variant);
      g_value_set_string (value, s);
    }
  else if (type == G_TYPE_INT)
    g_value_set_int (value, 3 + variant);
  else if (type == G_TYPE_INT64)
    g_value_set_int64 (value, 1764039600123456 + variant);
  else if (type == G_TYPE_DOUBLE)
    g_value_set_double (value, 0.25 + variant * 0.5);
  else if (type == G_TYPE_BOOLEAN)
    g_value_set_boolean (value, variant == 0);
  else if (G_TYPE_IS_ENUM (type))
    {
      GParamSpecEnum *espec = G_PARAM_SPEC_ENUM (pspec);
      GEnumClass *klass = espec->enum_class;
      /* Two different non-default values. */
      int idx = (int) klass->n_values - 1 - variant;
      g_value_set_enum (value, klass->values[idx].value);
    }
  else
    g_assert_not_reached ();
}

static void
check_notify_only_on_change (GType type)
{
  g_autoptr(GObject) object = g_object_new (type, NULL);
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;
  guint n_checked = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n_pspecs);
  g_assert_cmpuint (n_pspecs, >, 10);

  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];
      g_autofree char *signal = g_strdup_printf ("notify::%s", pspec->name);
      g_auto(GValue) v0 = G_VALUE_INIT;
      g_auto(GValue) v1 = G_VALUE_INIT;
      g_auto(GValue) out = G_VALUE_INIT;
      guint count = 0;
      gulong handler;

      g_assert_true (pspec->flags & G_PARAM_READWRITE);
      g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);

      handler = g_signal_connect (object, signal, G_CALLBACK (count_notify_cb), &count);

      make_test_value (pspec, &v0, 0);
      make_test_value (pspec, &v1, 1);

      g_object_set_property (object, pspec->name, &v0);
      g_assert_cmpuint (count, ==, 1);

      g_value_init (&out, G_PARAM_SPEC_VALUE_TYPE (pspec));
      g_object_get_property (object, pspec->name, &out);
      g_assert_cmpint (g_param_values_cmp (pspec, &v0, &out), ==, 0);

      /* Same value again: no notification. */
      g_object_set_property (object, pspec->name, &v0);
      g_assert_cmpuint (count, ==, 1);

      g_object_set_property (object, pspec->name, &v1);
      g_assert_cmpuint (count, ==, 2);
      g_object_set_property (object, pspec->name, &v1);
      g_assert_cmpuint (count, ==, 2);

      g_signal_handler_disconnect (object, handler);
      n_checked++;
    }

  g_assert_cmpuint (n_checked, ==, n_pspecs);
  g_assert_finalize_object (g_steal_pointer (&object));
}

static void
test_notify_project (void)
{
  check_notify_only_on_change (HEYAI_TYPE_PROJECT);
}

static void
test_notify_scene (void)
{
  check_notify_only_on_change (HEYAI_TYPE_SCENE);
}

static void
test_notify_asset (void)
{
  check_notify_only_on_change (HEYAI_TYPE_ASSET);
}

static void
test_notify_job (void)
{
  check_notify_only_on_change (HEYAI_TYPE_JOB);
}

static void
test_property_names (void)
{
  const char *project_props[] = { "id", "number", "title", "script", "style", "aspect", "status",
                                  "last-error", "drive-folder-id", "drive-folders", "share-link",
                                  "created-at", "updated-at", "deleted" };
  const char *scene_props[] = { "id", "project-id", "position", "title", "excerpt", "description",
                                "image-prompt", "motion-prompt", "camera-move", "duration",
                                "approval", "status", "last-error", "image-take", "clip-take",
                                "progress", "created-at", "updated-at", "deleted" };
  const char *asset_props[] = { "id", "project-id", "scene-id", "kind", "take", "provider", "model",
                                "params", "request-id", "cost", "seed", "local-path", "sha256",
                                "size", "drive-file-id", "view-link", "remote-url", "created-at",
                                "updated-at", "deleted" };
  const char *job_props[] = { "id", "project-id", "scene-id", "kind", "take", "provider", "state",
                              "remote-id", "idempotency-key", "upload-session", "attempts",
                              "next-attempt-at", "last-error", "cost", "progress", "created-at",
                              "updated-at" };
  struct { GType type; const char **names; gsize n; } cases[] = {
    { HEYAI_TYPE_PROJECT, project_props, G_N_ELEMENTS (project_props) },
    { HEYAI_TYPE_SCENE, scene_props, G_N_ELEMENTS (scene_props) },
    { HEYAI_TYPE_ASSET, asset_props, G_N_ELEMENTS (asset_props) },
    { HEYAI_TYPE_JOB, job_props, G_N_ELEMENTS (job_props) },
  };

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      GObjectClass *klass = g_type_class_ref (cases[c].type);

      for (gsize i = 0; i < cases[c].n; i++)
        {
          if (g_object_class_find_property (klass, cases[c].names[i]) == NULL)
            g_error ("%s lacks property %s", g_type_name (cases[c].type), cases[c].names[i]);
        }
      g_type_class_unref (klass);
    }
}

static void
test_defaults (void)
{
  g_autoptr(HeyaiScene) scene = heyai_scene_new ();
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(HeyaiProject) project = heyai_project_new ();

  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 5);
  g_assert_cmpint (heyai_scene_get_approval (scene), ==, HEYAI_APPROVAL_PENDING);
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_STATIC);
  g_assert_cmpint (heyai_asset_get_seed (asset), ==, -1);
  g_assert_cmpint (heyai_job_get_state (job), ==, HEYAI_JOB_STATE_QUEUED);
  g_assert_cmpint (heyai_project_get_status (project), ==, HEYAI_PROJECT_STATUS_DRAFT);
  g_assert_cmpint (heyai_project_get_aspect (project), ==, HEYAI_ASPECT_16_9);
  g_assert_null (heyai_project_get_id (project));
}

static void
test_progress_clamped (void)
{
  g_autoptr(HeyaiScene) scene = heyai_scene_new ();
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  guint count = 0;

  g_signal_connect (scene, "notify::progress", G_CALLBACK (count_notify_cb), &count);
  heyai_scene_set_progress (scene, 1.7);
  g_assert_cmpfloat (heyai_scene_get_progress (scene), ==, 1.0);
  g_assert_cmpuint (count, ==, 1);
  heyai_scene_set_progress (scene, 3.0);   /* clamps to the same value: no notify */
  g_assert_cmpuint (count, ==, 1);

  heyai_job_set_progress (job, -2.0);
  g_assert_cmpfloat (heyai_job_get_progress (job), ==, 0.0);
}

static void
test_folder_name (void)
{
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autofree char *name = NULL;
  g_autofree char *untitled = NULL;

  heyai_project_set_number (project, 12);
  heyai_project_set_title (project, "El Último Faro");
  name = heyai_project_dup_folder_name (project);
  g_assert_cmpstr (name, ==, "Project-12-el-ultimo-faro");

  heyai_project_set_title (project, NULL);
  untitled = heyai_project_dup_folder_name (project);
  g_assert_cmpstr (untitled, ==, "Project-12-untitled");
}

static void
test_scene_copy_content (void)
{
  g_autoptr(HeyaiScene) a = heyai_scene_new ();
  g_autoptr(HeyaiScene) b = heyai_scene_new ();
  guint title_count = 0, any_count = 0;

  heyai_scene_set_id (a, "a");
  heyai_scene_set_project_id (a, "pa");
  heyai_scene_set_position (a, 1);
  heyai_scene_set_title (a, "Same");

  heyai_scene_set_id (b, "b");
  heyai_scene_set_project_id (b, "pb");
  heyai_scene_set_position (b, 4);
  heyai_scene_set_title (b, "Same");
  heyai_scene_set_description (b, "The lighthouse at night");
  heyai_scene_set_image_prompt (b, "wide shot, lighthouse");
  heyai_scene_set_motion_prompt (b, "slow push in");
  heyai_scene_set_camera_move (b, HEYAI_CAMERA_PUSH_IN);
  heyai_scene_set_duration (b, 10);
  heyai_scene_set_approval (b, HEYAI_APPROVAL_APPROVED);
  heyai_scene_set_image_take (b, 2);

  g_signal_connect (a, "notify::title", G_CALLBACK (count_notify_cb), &title_count);
  g_signal_connect (a, "notify", G_CALLBACK (count_notify_cb), &any_count);
  heyai_scene_copy_content (a, b);

  g_assert_cmpstr (heyai_scene_get_id (a), ==, "a");
  g_assert_cmpstr (heyai_scene_get_project_id (a), ==, "pa");
  g_assert_cmpint (heyai_scene_get_position (a), ==, 1);
  g_assert_cmpstr (heyai_scene_get_description (a), ==, "The lighthouse at night");
  g_assert_cmpstr (heyai_scene_get_image_prompt (a), ==, "wide shot, lighthouse");
  g_assert_cmpstr (heyai_scene_get_motion_prompt (a), ==, "slow push in");
  g_assert_cmpint (heyai_scene_get_camera_move (a), ==, HEYAI_CAMERA_PUSH_IN);
  g_assert_cmpint (heyai_scene_get_duration (a), ==, 10);
  g_assert_cmpint (heyai_scene_get_approval (a), ==, HEYAI_APPROVAL_APPROVED);
  g_assert_cmpint (heyai_scene_get_image_take (a), ==, 2);
  g_assert_cmpuint (title_count, ==, 0);
  /* description, image/motion prompt, camera, duration, approval, image take */
  g_assert_cmpuint (any_count, ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/model/property-names", test_property_names);
  g_test_add_func ("/core/model/notify/project", test_notify_project);
  g_test_add_func ("/core/model/notify/scene", test_notify_scene);
  g_test_add_func ("/core/model/notify/asset", test_notify_asset);
  g_test_add_func ("/core/model/notify/job", test_notify_job);
  g_test_add_func ("/core/model/defaults", test_defaults);
  g_test_add_func ("/core/model/progress-clamped", test_progress_clamped);
  g_test_add_func ("/core/model/folder-name", test_folder_name);
  g_test_add_func ("/core/model/scene-copy-content", test_scene_copy_content);

  return g_test_run ();
}
