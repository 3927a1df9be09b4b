/* test-llm-schema.c: the shared scene schema, prompts and reply validation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-core.h"
#include "heyai-llm-schema.h"

static const char good_reply[] =
  "{\"scenes\":["
  "{\"title\":\"La isla\",\"description\":\"Una isla en la niebla.\","
  "\"image_prompt\":\"A stone island in fog\",\"motion_prompt\":\"Fog drifts\","
  "\"camera_move\":\"push-in\",\"duration\":10},"
  "{\"title\":\"Marta\",\"description\":\"Marta sube.\","
  "\"image_prompt\":\"Old woman climbing stairs\",\"motion_prompt\":\"She climbs\","
  "\"camera_move\":\"tilt-up\",\"duration\":5}]}";

static void
test_schema_is_strict (void)
{
  g_autoptr(JsonNode) schema = heyai_llm_scene_schema ();
  g_autofree char *problem = heyai_json_schema_strict_problem (schema);
  JsonObject *items;

  g_assert_null (problem);

  /* Every camera move of the enum is a HeyaiCameraMove nick and vice versa. */
  items = json_object_get_object_member (
            json_object_get_object_member (
              json_object_get_object_member (json_node_get_object (schema), "properties"),
              "scenes"),
            "items");
  {
    JsonArray *moves = json_object_get_array_member (
                         json_object_get_object_member (
                           json_object_get_object_member (items, "properties"), "camera_move"),
                         "enum");
    GEnumClass *klass = g_type_class_ref (HEYAI_TYPE_CAMERA_MOVE);

    g_assert_cmpuint (json_array_get_length (moves), ==, klass->n_values);
    for (guint i = 0; i < json_array_get_length (moves); i++)
      {
        int v;
        g_assert_true (heyai_enum_from_string (HEYAI_TYPE_CAMERA_MOVE,
                                               json_array_get_string_element (moves, i), &v));
      }
    g_type_class_unref (klass);
  }
}

static void
test_strict_checker_rejects (void)
{
  const char *bad[] = {
    "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}",
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"integer\"}},"
    "\"required\":[\"a\"],\"additionalProperties\":false}",
    "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]}}},"
    "\"required\":[\"a\"],\"additionalProperties\":false}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) schema = json_from_string (bad[i], NULL);
      g_autofree char *problem = heyai_json_schema_strict_problem (schema);

      g_assert_nonnull (problem);
    }
}

static void
test_parse_good (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = heyai_llm_parse_reply_text (good_reply, &error);
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autoptr(GPtrArray) scenes = NULL;
  HeyaiScene *scene;

  g_assert_no_error (error);
  g_assert_nonnull (root);
  heyai_project_set_id (project, "p-1");

  scenes = heyai_llm_scenes_from_reply (root, project);
  g_assert_cmpuint (scenes->len, ==, 2);
  scene = g_ptr_array_index (scenes, 0);
  g_assert_cmpint (heyai_scene_get_position (scene), ==, 1);
  g_assert_cmpstr (heyai_scene_get_title (scene), ==, "La isla");
  g_assert_cmpstr (heyai_scene_get_project_id (scene), ==, "p-1");
  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 10);
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_PUSH_IN);
  scene = g_ptr_array_index (scenes, 1);
  g_assert_cmpint (heyai_scene_get_position (scene), ==, 2);
  g_assert_cmpint (heyai_scene_get_duration (scene), ==, 5);
  g_assert_cmpint (heyai_scene_get_camera_move (scene), ==, HEYAI_CAMERA_TILT_UP);
  g_assert_cmpstr (heyai_scene_get_motion_prompt (scene), ==, "She climbs");
}

/* A model that echoes the script's Fountain marks: none reaches the scene. */
static void
test_parse_strips_markup (void)
{
  static const char reply[] =
    "{\"scenes\":[{\"title\":\"> BLACK SCREEN <\",\"description\":\"**Amara** runs. [[cut?]]\","
    "\"image_prompt\":\"_Night_ corridor, INT. HOSPITAL - NIGHT #12#\",\"motion_prompt\":\"!Slow push\","
    "\"camera_move\":\"push-in\",\"duration\":5}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = heyai_llm_parse_reply_text (reply, &error);
  g_autoptr(GPtrArray) scenes = NULL;
  HeyaiScene *scene;

  g_assert_no_error (error);
  scenes = heyai_llm_scenes_from_reply (root, NULL);
  g_assert_cmpuint (scenes->len, ==, 1);
  scene = g_ptr_array_index (scenes, 0);
  g_assert_cmpstr (heyai_scene_get_title (scene), ==, "BLACK SCREEN");
  g_assert_cmpstr (heyai_scene_get_description (scene), ==, "Amara runs.");
  g_assert_cmpstr (heyai_scene_get_image_prompt (scene), ==, "Night corridor, INT. HOSPITAL - NIGHT");
  g_assert_cmpstr (heyai_scene_get_motion_prompt (scene), ==, "Slow push");
}

static void
test_parse_fenced (void)
{
  g_autofree char *fenced = g_strdup_printf ("```json\n%s\n```\n", good_reply);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = heyai_llm_parse_reply_text (fenced, &error);

  g_assert_no_error (error);
  g_assert_nonnull (root);
}

typedef struct
{
  const char *json;
  const char *expected_fragment;
} BadCase;

static void
test_parse_bad (void)
{
  const BadCase cases[] = {
    { "{\"scenes\":[", "not valid JSON" },
    { "[]", "expected object" },
    { "{\"scenes\":[]}", "empty" },
    { "{\"scenes\":[],\"extra\":1}", "unexpected field \"extra\"" },
    { "{\"scenes\":[{\"title\":\"a\",\"description\":\"b\",\"image_prompt\":\"c\",\"motion_prompt\":\"d\","
      "\"camera_move\":\"static\",\"duration\":7}]}", "scenes[0].duration: 7 is not one of 5, 10" },
    { "{\"scenes\":[{\"title\":\"a\",\"description\":\"b\",\"image_prompt\":\"c\",\"motion_prompt\":\"d\","
      "\"camera_move\":\"zoom\",\"duration\":5}]}", "scenes[0].camera_move" },
    { "{\"scenes\":[{\"title\":\"a\",\"description\":\"b\",\"image_prompt\":\"c\","
      "\"camera_move\":\"static\",\"duration\":5}]}", "\"motion_prompt\" is missing" },
    { "{\"scenes\":[{\"title\":\"a\",\"description\":\"b\",\"image_prompt\":\"c\",\"motion_prompt\":\"d\","
      "\"camera_move\":\"static\",\"duration\":\"5\"}]}", "expected integer, got string" },
    { "{\"scenes\":[{\"title\":\" \",\"description\":\"b\",\"image_prompt\":\"c\",\"motion_prompt\":\"d\","
      "\"camera_move\":\"static\",\"duration\":5}]}", "scenes[0].title: the text is empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = heyai_llm_parse_reply_text (cases[i].json, &error);

      g_assert_null (root);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
      if (strstr (error->message, cases[i].expected_fragment) == NULL)
        g_error ("case %u: \"%s\" lacks \"%s\"", i, error->message, cases[i].expected_fragment);
    }
}

static void
test_too_many_scenes (void)
{
  g_autoptr(GString) json = g_string_new ("{\"scenes\":[");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  for (int i = 0; i < HEYAI_LLM_MAX_SCENES + 1; i++)
    g_string_append_printf (json, "%s{\"title\":\"t%d\",\"description\":\"d\",\"image_prompt\":\"i\","
                            "\"motion_prompt\":\"m\",\"camera_move\":\"static\",\"duration\":5}",
                            i > 0 ? "," : "", i);
  g_string_append (json, "]}");

  root = heyai_llm_parse_reply_text (json->str, &error);
  g_assert_null (root);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER);
  g_assert_nonnull (strstr (error->message, "at most 60"));
}

static void
test_prompts (void)
{
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autofree char *system = NULL;
  g_autofree char *user = NULL;
  g_autofree char *repair = NULL;

  heyai_project_set_title (project, "El último faro");
  heyai_project_set_script (project, "Una isla de piedra.");
  heyai_project_set_style (project, "Marta: 70, grey braid, yellow oilskin.");
  heyai_project_set_aspect (project, HEYAI_ASPECT_9_16);

  system = heyai_llm_system_prompt (project);
  g_assert_nonnull (strstr (system, "Marta: 70, grey braid, yellow oilskin."));
  g_assert_nonnull (strstr (system, "9:16"));
  g_assert_nonnull (strstr (system, "5 or 10"));
  g_assert_nonnull (strstr (system, "one camera move"));
  g_assert_nonnull (strstr (system, "running time"));
  g_assert_nonnull (strstr (system, "Never more than 60"));
  user = heyai_llm_user_prompt (project);
  g_assert_nonnull (strstr (user, "El último faro"));
  g_assert_nonnull (strstr (user, "Una isla de piedra."));
  repair = heyai_llm_repair_prompt ("scenes[0].duration: 7 is not one of 5, 10");
  g_assert_nonnull (strstr (repair, "scenes[0].duration"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clients/schema/strict", test_schema_is_strict);
  g_test_add_func ("/clients/schema/strict-checker-rejects", test_strict_checker_rejects);
  g_test_add_func ("/clients/schema/parse-good", test_parse_good);
  g_test_add_func ("/clients/schema/parse-fenced", test_parse_fenced);
  g_test_add_func ("/clients/schema/parse-strips-markup", test_parse_strips_markup);
  g_test_add_func ("/clients/schema/parse-bad", test_parse_bad);
  g_test_add_func ("/clients/schema/too-many-scenes", test_too_many_scenes);
  g_test_add_func ("/clients/schema/prompts", test_prompts);

  return g_test_run ();
}
