/* heyai-llm-schema.c: scene schema, prompts, reply validation and parsing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-enums.h"
#include "heyai-http.h"
#include "heyai-llm-schema.h"
#include "heyai-script.h"

/* Kept as text so the schema sent is byte-for-byte reviewable.  The camera
 * moves are the nicks of HeyaiCameraMove. */
static const char scene_schema_json[] =
  "{"
  "  \"type\": \"object\","
  "  \"properties\": {"
  "    \"scenes\": {"
  "      \"type\": \"array\","
  "      \"description\": \"The trailer's visual scenes, in order.\","
  "      \"items\": {"
  "        \"type\": \"object\","
  "        \"properties\": {"
  "          \"title\": {\"type\": \"string\", \"description\": \"Short scene title (2-6 words), in the script's language.\"},"
  "          \"description\": {\"type\": \"string\", \"description\": \"What happens in the scene, one or two sentences, in the script's language.\"},"
  "          \"image_prompt\": {\"type\": \"string\", \"description\": \"Self-contained English prompt for one still image: subject, setting, lighting, lens, style.\"},"
  "          \"motion_prompt\": {\"type\": \"string\", \"description\": \"English prompt for animating the still: what moves and how, no new elements.\"},"
  "          \"camera_move\": {\"type\": \"string\", \"enum\": [\"static\", \"push-in\", \"pull-out\", \"pan-left\", \"pan-right\", \"tilt-up\", \"tilt-down\"]},"
  "          \"duration\": {\"type\": \"integer\", \"enum\": [5, 10], \"description\": \"Clip length in seconds.\"},"
  "          \"cast\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"description\": \"Names of the recurring characters, locations and props in the frame, as the script names them.\"}"
  "        },"
  "        \"required\": [\"title\", \"description\", \"image_prompt\", \"motion_prompt\", \"camera_move\", \"duration\", \"cast\"],"
  "        \"additionalProperties\": false"
  "      }"
  "    }"
  "  },"
  "  \"required\": [\"scenes\"],"
  "  \"additionalProperties\": false"
  "}";

JsonNode *
heyai_llm_scene_schema (void)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (scene_schema_json, &error);

  g_assert_no_error (error);
  return node;
}

char *
heyai_json_to_string (JsonNode *node,
                      gboolean  pretty)
{
  return json_to_string (node, pretty);
}

const char *
heyai_json_object_get_string_or_null (JsonObject *object,
                                      const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* ---------------------------------------------------------------------- */
/* Prompts                                                                 */

char *
heyai_llm_system_prompt (HeyaiProject *project)
{
  GString *s = g_string_new (NULL);
  const char *style = heyai_project_get_style (project);
  const char *aspect = heyai_enum_to_string (HEYAI_TYPE_ASPECT, heyai_project_get_aspect (project));

  g_string_append (s,
    "You are a film trailer editor and storyboard artist. You split a trailer script "
    "(or a short idea) into the visual scenes of a trailer. Each scene becomes one AI-generated "
    "still image, which is then animated into one video clip by an image-to-video model (Kling).\n\n"
    "Rules:\n"
    "- Follow the script's order. Cover the whole script; merge lines that belong to one shot.\n"
    "- Scene count: about one scene per 5-10 seconds of trailer. A typical trailer script gives "
    "6 to 20 scenes; a one-line idea gives 4 to 8. Never more than 60. If the script states a "
    "running time (\"90 seconds\", \"2 min\"), make the durations add up to about that time.\n"
    "- duration is 5 or 10 (seconds), nothing else: 5 for quick beats, 10 for slow, atmospheric shots.\n"
    "- Exactly one camera move per scene, one of: static, push-in, pull-out, pan-left, pan-right, "
    "tilt-up, tilt-down. Choose the move that serves the moment.\n"
    "- image_prompt: one frame, in English, self-contained (the image model sees no other scene): "
    "repeat each recurring character's look from the style bible every time they appear; describe "
    "subject, setting, time of day, lighting, framing, lens and the visual style. No text, captions "
    "or logos in the image.\n"
    "- motion_prompt: in English, only the motion inside that frame over the clip (people, weather, "
    "light, the camera move); never introduce new characters or cut to another shot.\n"
    "- title and description: in the script's own language.\n"
    "- cast: the names of the recurring characters, locations and props in the frame, spelled as "
    "the script or the style bible names them; an empty list when there are none.\n");
  g_string_append_printf (s, "- Frame every shot for the %s aspect ratio.\n", aspect);
  if (style != NULL && *style != '\0')
    g_string_append_printf (s,
      "\nStyle bible (characters, look, palette; apply it to every image_prompt):\n%s\n", style);
  g_string_append (s,
    "\nAnswer only with the JSON object {\"scenes\": [...]} matching the schema: every field "
    "present, no extra fields, no commentary.");
  return g_string_free (s, FALSE);
}

char *
heyai_llm_user_prompt (HeyaiProject *project)
{
  const char *title = heyai_project_get_title (project);
  const char *script = heyai_project_get_script (project);

  return g_strdup_printf ("Trailer title: %s\n\nScript:\n%s",
                          title != NULL && *title != '\0' ? title : "(untitled)",
                          script != NULL ? script : "");
}

char *
heyai_llm_repair_prompt (const char *problem)
{
  return g_strdup_printf (
    "Your reply is not valid for the schema: %s\n"
    "Send the corrected JSON object {\"scenes\": [...]} again: every field present, "
    "no extra fields, duration 5 or 10, camera_move from the list, at most %d scenes, "
    "and nothing but the JSON.", problem, HEYAI_LLM_MAX_SCENES);
}

/* ---------------------------------------------------------------------- */
/* Validation                                                              */

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "string";
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_INT64:
      return "integer";
    default:
      return "number";
    }
}

static gboolean
node_has_type (JsonNode   *node,
               const char *type)
{
  const char *actual = node_type_name (node);

  if (g_str_equal (type, actual))
    return TRUE;
  if (g_str_equal (type, "number") && g_str_equal (actual, "integer"))
    return TRUE;
  /* 5.0 is an integer for JSON Schema. */
  if (g_str_equal (type, "integer") && g_str_equal (actual, "number"))
    {
      double d = json_node_get_double (node);
      return d == (double) (gint64) d;
    }
  return FALSE;
}

static gboolean
nodes_equal (JsonNode *a,
             JsonNode *b)
{
  const char *ta = node_type_name (a);
  const char *tb = node_type_name (b);
  gboolean numeric_a = g_str_equal (ta, "integer") || g_str_equal (ta, "number");
  gboolean numeric_b = g_str_equal (tb, "integer") || g_str_equal (tb, "number");

  if (numeric_a && numeric_b)
    return json_node_get_double (a) == json_node_get_double (b);
  return json_node_equal (a, b);
}

static void
set_invalid (GError    **error,
             GString    *path,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
set_invalid (GError    **error,
             GString    *path,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *detail = NULL;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s: %s",
               path->len > 0 ? path->str : "(root)", detail);
}

static gboolean validate_node (JsonObject *schema, JsonNode *node, GString *path, GError **error);

static gboolean
validate_type (JsonObject *schema,
               JsonNode   *node,
               GString    *path,
               GError    **error)
{
  JsonNode *type;

  if (!json_object_has_member (schema, "type"))
    return TRUE;

  type = json_object_get_member (schema, "type");
  if (JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *types = json_node_get_array (type);

      for (guint i = 0; i < json_array_get_length (types); i++)
        if (node_has_type (node, json_array_get_string_element (types, i)))
          return TRUE;
      set_invalid (error, path, "expected one of the schema's types, got %s", node_type_name (node));
      return FALSE;
    }

  if (!node_has_type (node, json_node_get_string (type)))
    {
      set_invalid (error, path, "expected %s, got %s", json_node_get_string (type), node_type_name (node));
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_enum (JsonObject *schema,
               JsonNode   *node,
               GString    *path,
               GError    **error)
{
  JsonArray *values;
  g_autoptr(GString) allowed = NULL;
  g_autofree char *got = NULL;

  if (!json_object_has_member (schema, "enum"))
    return TRUE;

  values = json_object_get_array_member (schema, "enum");
  for (guint i = 0; i < json_array_get_length (values); i++)
    if (nodes_equal (json_array_get_element (values, i), node))
      return TRUE;

  allowed = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (values); i++)
    {
      g_autofree char *v = json_to_string (json_array_get_element (values, i), FALSE);
      g_string_append_printf (allowed, "%s%s", i > 0 ? ", " : "", v);
    }
  got = json_to_string (node, FALSE);
  set_invalid (error, path, "%s is not one of %s", got, allowed->str);
  return FALSE;
}

static gboolean
validate_object (JsonObject *schema,
                 JsonNode   *node,
                 GString    *path,
                 GError    **error)
{
  JsonObject *object = json_node_get_object (node);
  JsonObject *properties = NULL;
  gsize path_len = path->len;

  if (json_object_has_member (schema, "properties"))
    properties = json_object_get_object_member (schema, "properties");

  if (json_object_has_member (schema, "required"))
    {
      JsonArray *required = json_object_get_array_member (schema, "required");

      for (guint i = 0; i < json_array_get_length (required); i++)
        {
          const char *name = json_array_get_string_element (required, i);

          if (!json_object_has_member (object, name))
            {
              set_invalid (error, path, "the required field \"%s\" is missing", name);
              return FALSE;
            }
        }
    }

  if (json_object_has_member (schema, "additionalProperties"))
    {
      JsonNode *additional = json_object_get_member (schema, "additionalProperties");

      if (JSON_NODE_HOLDS_VALUE (additional) && !json_node_get_boolean (additional))
        {
          g_autoptr(GList) members = json_object_get_members (object);

          for (GList *l = members; l != NULL; l = l->next)
            if (properties == NULL || !json_object_has_member (properties, l->data))
              {
                set_invalid (error, path, "unexpected field \"%s\"", (const char *) l->data);
                return FALSE;
              }
        }
    }

  if (properties != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (properties);

      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *name = l->data;
          gboolean ok;

          if (!json_object_has_member (object, name))
            continue;
          g_string_append_printf (path, "%s%s", path_len > 0 ? "." : "", name);
          ok = validate_node (json_object_get_object_member (properties, name),
                              json_object_get_member (object, name), path, error);
          g_string_truncate (path, path_len);
          if (!ok)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate_array (JsonObject *schema,
                JsonNode   *node,
                GString    *path,
                GError    **error)
{
  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);
  gsize path_len = path->len;

  if (json_object_has_member (schema, "minItems") &&
      n < (guint) json_object_get_int_member (schema, "minItems"))
    {
      set_invalid (error, path, "%u items, at least %" G_GINT64_FORMAT " expected", n,
                   json_object_get_int_member (schema, "minItems"));
      return FALSE;
    }
  if (json_object_has_member (schema, "maxItems") &&
      n > (guint) json_object_get_int_member (schema, "maxItems"))
    {
      set_invalid (error, path, "%u items, at most %" G_GINT64_FORMAT " allowed", n,
                   json_object_get_int_member (schema, "maxItems"));
      return FALSE;
    }

  if (json_object_has_member (schema, "items"))
    {
      JsonObject *items = json_object_get_object_member (schema, "items");

      for (guint i = 0; i < n; i++)
        {
          gboolean ok;

          g_string_append_printf (path, "[%u]", i);
          ok = validate_node (items, json_array_get_element (array, i), path, error);
          g_string_truncate (path, path_len);
          if (!ok)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate_node (JsonObject *schema,
               JsonNode   *node,
               GString    *path,
               GError    **error)
{
  if (!validate_type (schema, node, path, error))
    return FALSE;
  if (!validate_enum (schema, node, path, error))
    return FALSE;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return validate_object (schema, node, path, error);
  if (JSON_NODE_HOLDS_ARRAY (node))
    return validate_array (schema, node, path, error);

  if (g_str_equal (node_type_name (node), "string") &&
      json_object_has_member (schema, "minLength") &&
      g_utf8_strlen (json_node_get_string (node), -1) < json_object_get_int_member (schema, "minLength"))
    {
      set_invalid (error, path, "the text is too short");
      return FALSE;
    }
  return TRUE;
}

gboolean
heyai_json_schema_validate (JsonNode  *schema,
                            JsonNode  *instance,
                            GError   **error)
{
  g_autoptr(GString) path = g_string_new (NULL);

  g_return_val_if_fail (schema != NULL && JSON_NODE_HOLDS_OBJECT (schema), FALSE);

  return validate_node (json_node_get_object (schema), instance, path, error);
}

static char *
strict_problem (JsonObject *schema,
                const char *path)
{
  JsonNode *type = json_object_get_member (schema, "type");
  gboolean is_object = FALSE;

  if (type != NULL && JSON_NODE_HOLDS_VALUE (type) &&
      json_node_get_value_type (type) == G_TYPE_STRING)
    is_object = g_str_equal (json_node_get_string (type), "object");
  else if (type != NULL && JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *types = json_node_get_array (type);
      for (guint i = 0; i < json_array_get_length (types); i++)
        if (g_strcmp0 (json_array_get_string_element (types, i), "object") == 0)
          is_object = TRUE;
    }

  if (is_object || json_object_has_member (schema, "properties"))
    {
      JsonObject *properties = NULL;
      JsonNode *additional = json_object_get_member (schema, "additionalProperties");

      if (additional == NULL || !JSON_NODE_HOLDS_VALUE (additional) ||
          json_node_get_value_type (additional) != G_TYPE_BOOLEAN ||
          json_node_get_boolean (additional))
        return g_strdup_printf ("'additionalProperties' is required to be supplied and to be false (at %s)", path);

      if (json_object_has_member (schema, "properties"))
        properties = json_object_get_object_member (schema, "properties");

      if (properties != NULL)
        {
          g_autoptr(GList) names = json_object_get_members (properties);
          JsonArray *required = NULL;

          if (json_object_has_member (schema, "required"))
            required = json_object_get_array_member (schema, "required");

          for (GList *l = names; l != NULL; l = l->next)
            {
              gboolean listed = FALSE;
              g_autofree char *sub = NULL;
              char *problem;

              for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
                if (g_strcmp0 (json_array_get_string_element (required, i), l->data) == 0)
                  listed = TRUE;
              if (!listed)
                return g_strdup_printf ("'required' is required to be supplied and to be an array "
                                        "including every key in properties. Missing '%s' (at %s)",
                                        (const char *) l->data, path);

              sub = g_strdup_printf ("%s.%s", path, (const char *) l->data);
              problem = strict_problem (json_object_get_object_member (properties, l->data), sub);
              if (problem != NULL)
                return problem;
            }
        }
    }

  if (json_object_has_member (schema, "items"))
    {
      g_autofree char *sub = g_strdup_printf ("%s[]", path);
      JsonNode *items = json_object_get_member (schema, "items");

      if (JSON_NODE_HOLDS_OBJECT (items))
        return strict_problem (json_node_get_object (items), sub);
    }
  return NULL;
}

char *
heyai_json_schema_strict_problem (JsonNode *schema)
{
  JsonObject *object;

  if (schema == NULL || !JSON_NODE_HOLDS_OBJECT (schema))
    return g_strdup ("the schema must be a JSON object");

  object = json_node_get_object (schema);
  if (g_strcmp0 (heyai_json_object_get_string_or_null (object, "type"), "object") != 0)
    return g_strdup ("the root of the schema must be of type 'object'");

  return strict_problem (object, "root");
}

gboolean
heyai_llm_validate_reply (JsonNode  *root,
                          GError   **error)
{
  g_autoptr(JsonNode) schema = heyai_llm_scene_schema ();
  JsonArray *scenes;
  JsonArray *required;
  guint n;

  /* "cast" is asked for (strict schemas list every property) but a reply
   * without it, from an older prompt or a weaker model, stays valid. */
  required = json_object_get_array_member (
    json_object_get_object_member (
      json_object_get_object_member (
        json_object_get_object_member (json_node_get_object (schema), "properties"), "scenes"), "items"),
    "required");
  for (guint i = json_array_get_length (required); i > 0; i--)
    if (g_strcmp0 (json_array_get_string_element (required, i - 1), "cast") == 0)
      json_array_remove_element (required, i - 1);

  if (!heyai_json_schema_validate (schema, root, error))
    return FALSE;

  scenes = json_object_get_array_member (json_node_get_object (root), "scenes");
  n = json_array_get_length (scenes);
  if (n == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "scenes: the list is empty");
      return FALSE;
    }
  if (n > HEYAI_LLM_MAX_SCENES)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   "scenes: %u scenes, at most %d allowed (merge neighbouring shots)",
                   n, HEYAI_LLM_MAX_SCENES);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonObject *scene = json_array_get_object_element (scenes, i);
      const char *fields[] = { "title", "image_prompt", "motion_prompt" };

      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          g_autofree char *text = g_strdup (json_object_get_string_member (scene, fields[f]));

          if (*g_strstrip (text) == '\0')
            {
              g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                           "scenes[%u].%s: the text is empty", i, fields[f]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

JsonNode *
heyai_llm_parse_reply_text (const char  *text,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = NULL;
  char *start;
  gsize len;
  JsonNode *root;

  if (text == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "the reply is empty");
      return NULL;
    }

  /* Weak local models like to wrap the JSON in a ```json fence. */
  trimmed = g_strstrip (g_strdup (text));
  start = trimmed;
  if (g_str_has_prefix (start, "```"))
    {
      char *nl = strchr (start, '\n');
      start = nl != NULL ? nl + 1 : start + 3;
      len = strlen (start);
      while (len > 0 && g_ascii_isspace (start[len - 1]))
        start[--len] = '\0';
      if (len >= 3 && g_str_has_suffix (start, "```"))
        start[len - 3] = '\0';
    }

  /* json-glib recurses: refuse a reply nested deeper than any scene list
   * before it can overflow the stack. */
  if (!heyai_json_check_depth (start, -1, HEYAI_JSON_MAX_DEPTH, NULL, &local_error) ||
      !json_parser_load_from_data (parser, start, -1, &local_error))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "the reply is not valid JSON (%s)",
                   local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "the reply is empty");
      return NULL;
    }
  root = json_node_copy (root);
  if (!heyai_llm_validate_reply (root, error))
    {
      json_node_unref (root);
      return NULL;
    }
  return root;
}

GPtrArray *
heyai_llm_scenes_from_reply (JsonNode     *root,
                             HeyaiProject *project)
{
  GPtrArray *scenes = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *array = json_object_get_array_member (json_node_get_object (root), "scenes");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      HeyaiScene *scene = heyai_scene_new ();
      /* The model saw Fountain: none of its marks may reach a still, a
       * prompt or a document. */
      g_autofree char *title = heyai_script_strip_markup (json_object_get_string_member (o, "title"));
      g_autofree char *description = heyai_script_strip_markup (json_object_get_string_member (o, "description"));
      g_autofree char *image_prompt = heyai_script_strip_markup (json_object_get_string_member (o, "image_prompt"));
      g_autofree char *motion_prompt = heyai_script_strip_markup (json_object_get_string_member (o, "motion_prompt"));
      int move = HEYAI_CAMERA_STATIC;

      heyai_enum_from_string (HEYAI_TYPE_CAMERA_MOVE, json_object_get_string_member (o, "camera_move"), &move);
      if (project != NULL)
        heyai_scene_set_project_id (scene, heyai_project_get_id (project));
      heyai_scene_set_position (scene, (int) i + 1);
      heyai_scene_set_title (scene, title);
      heyai_scene_set_description (scene, description);
      heyai_scene_set_image_prompt (scene, image_prompt);
      heyai_scene_set_motion_prompt (scene, motion_prompt);
      heyai_scene_set_camera_move (scene, (HeyaiCameraMove) move);
      heyai_scene_set_duration (scene, json_object_get_int_member (o, "duration") == 10 ? 10 : 5);
      if (json_object_has_member (o, "cast"))
        {
          JsonArray *cast = json_object_get_array_member (o, "cast");
          g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
          g_auto(GStrv) list = NULL;

          for (guint k = 0; k < json_array_get_length (cast); k++)
            {
              g_autofree char *name = heyai_script_strip_markup (json_array_get_string_element (cast, k));

              if (*g_strstrip (name) != '\0')
                g_strv_builder_add (names, name);
            }
          list = g_strv_builder_end (names);
          heyai_scene_set_cast_names (scene, (const char * const *) list);
        }
      g_ptr_array_add (scenes, scene);
    }
  return scenes;
}

/* ---------------------------------------------------------------------- */
/* Reply errors shared by the clients                                      */

void
heyai_llm_set_refusal_error (GError     **error,
                             const char  *label,
                             const char  *text)
{
  if (text != NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                 _("%s refused to split the script: “%s” Edit the script and try again."),
                 label, text);
  else
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                 _("%s refused to split the script (content policy). Edit the script and try again."),
                 label);
}

void
heyai_llm_set_cut_off_error (GError     **error,
                             const char  *label)
{
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
               _("The script is too long for one reply from %s: the scene list was cut off. "
                 "Shorten the script or choose a model with a longer output."),
               label);
}

void
heyai_llm_set_unusable_error (GError     **error,
                              const char  *label,
                              const char  *problem)
{
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
               _("%s did not send a usable scene list, even after a second request (%s). "
                 "Try again or choose another model."),
               label, problem);
}

void
heyai_llm_set_rejected_error (GError     **error,
                              const char  *label,
                              const char  *detail)
{
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
               _("%s rejected the request: %s"), label,
               detail != NULL ? detail : _("no reason given"));
}

void
heyai_llm_set_rate_limit_error (GError     **error,
                                const char  *label)
{
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
               _("%s kept rate-limiting the request. Wait a minute and try again."), label);
}

gboolean
heyai_llm_set_model_field (char       **field,
                           const char  *model)
{
  /* NULL or "" (the setting's default): keep the current model. */
  if (model == NULL || *model == '\0' || g_strcmp0 (*field, model) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (model);
  return TRUE;
}

void
heyai_llm_clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}
