/* fake-openai.c: an OpenAI-compatible Chat Completions server and OpenAI's
 * Responses API (API-CONTRACTS.md §4.6, C.2), under /openai
 * (HEYAI_OPENAI_BASE_URL=/openai/v1).
 *
 * Routes: openai.chat  POST /openai/v1/chat/completions
 *         openai.responses POST /openai/v1/responses
 *         openai.models GET /openai/v1/models
 *
 * Responses: requires model and input; answers 400 to the Chat Completions
 * names (messages, response_format, max_tokens, max_completion_tokens), to
 * a temperature other than 1 for a gpt-5* model (unsupported_value), and
 * to a text.format json_schema without a valid name/schema or breaking the
 * strict rules.  The answer's output[] holds a reasoning item, then a
 * message whose JSON text is split over two output_text parts.  Counters:
 * openai.responses.store-false (requests with "store": false),
 * openai.responses.repair (requests carrying an assistant turn).  Named
 * faults (target "openai.responses"): responses-refusal,
 * responses-incomplete (max_output_tokens), responses-failed,
 * responses-invalid-json (a completed answer whose text is not JSON).
 * Chat Completions also refuses a temperature other than 1 for gpt-5*.
 *
 * Options:
 *   openai.api-key     the accepted bearer (default "sk-fake-openai");
 *                      "*" accepts any or none (like Ollama)
 *   openai.scenes      answer with exactly N scenes (default: one per
 *                      paragraph of the script, at most 12)
 *   openai.echo-key    1: a wrong key gets a 403 whose message quotes it whole
 *                      (like some proxies), default 0 (401, masked, like OpenAI)
 *
 * Checks: Bearer auth (401 invalid_api_key); model and messages present
 * (400 invalid_request_error, param); a strict json_schema response_format
 * must follow OpenAI's strict-mode rules (400, param "response_format").
 * Counters: openai.max_tokens / openai.max_completion_tokens (which limit
 * field the request used), openai.repair (requests carrying an assistant turn).
 *
 * Named faults (target "openai" or "openai.chat"): refusal, length,
 * invalid-json, bad-scenes, bad-key, rate-limit (retry-after-ms 20 +
 * retry-after 1 + x-ratelimit-*), quota (429 insufficient_quota),
 * content-filter.  Generic faults (http-500, http-503, timeout, ...) come
 * from the framework.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-fake.h"
#include "heyai-llm-schema.h"

#define DEFAULT_KEY "sk-fake-openai"

/* Shared with fake-anthropic.c. */
JsonNode *heyai_fake_llm_scenes (const char *text, gint64 forced_count);

static const char *camera_moves[] = {
  "push-in", "static", "pan-left", "tilt-up", "pull-out", "pan-right", "tilt-down",
};

/* Canned scenes that conform to the scene schema: one per paragraph of the
 * script found in @text (after "Script:"), at most 12, or @forced_count. */
JsonNode *
heyai_fake_llm_scenes (const char *text,
                       gint64      forced_count)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) paragraphs = g_ptr_array_new_with_free_func (g_free);
  const char *script = text != NULL ? strstr (text, "Script:") : NULL;
  g_auto(GStrv) parts = NULL;
  gint64 n;

  script = script != NULL ? script + strlen ("Script:") : (text != NULL ? text : "");
  parts = g_regex_split_simple ("\\n\\s*\\n", script, 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *p = g_strstrip (g_strdup (parts[i]));

      if (*p != '\0')
        g_ptr_array_add (paragraphs, g_steal_pointer (&p));
    }

  n = forced_count > 0 ? forced_count : CLAMP ((gint64) paragraphs->len, 1, 12);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "scenes");
  json_builder_begin_array (builder);
  for (gint64 i = 0; i < n; i++)
    {
      const char *para = paragraphs->len > 0 ? g_ptr_array_index (paragraphs, i % paragraphs->len)
                                             : "An empty stage.";
      g_autofree char *excerpt = g_utf8_substring (para, 0, MIN (g_utf8_strlen (para, -1), 160));
      g_autofree char *title = g_strdup_printf ("Scene %" G_GINT64_FORMAT, i + 1);
      g_autofree char *image = g_strdup_printf ("Cinematic film still, %s", excerpt);
      g_autofree char *motion = g_strdup_printf ("Subtle motion: %s", excerpt);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, title);
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, excerpt);
      json_builder_set_member_name (builder, "image_prompt");
      json_builder_add_string_value (builder, image);
      json_builder_set_member_name (builder, "motion_prompt");
      json_builder_add_string_value (builder, motion);
      json_builder_set_member_name (builder, "camera_move");
      json_builder_add_string_value (builder, camera_moves[i % G_N_ELEMENTS (camera_moves)]);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_int_value (builder, i % 3 == 2 ? 10 : 5);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
respond_error (HeyaiFakeRequest *request,
               guint             status,
               const char       *message,
               const char       *type,
               const char       *param,
               const char       *code)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "param");
  if (param != NULL)
    json_builder_add_string_value (b, param);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "code");
  if (code != NULL)
    json_builder_add_string_value (b, code);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  heyai_fake_respond_json_node (request, status, node);
}

static gboolean
check_auth (HeyaiFake        *fake,
            HeyaiFakeRequest *request)
{
  const char *expected = heyai_fake_get_option (fake, "openai.api-key");
  const char *bearer = heyai_fake_request_get_bearer (request);

  if (expected == NULL)
    expected = DEFAULT_KEY;
  if (g_str_equal (expected, "*"))
    return TRUE;
  if (bearer == NULL)
    {
      respond_error (request, 401,
                     "You didn't provide an API key. You need to provide your API key in an "
                     "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                     "invalid_request_error", NULL, NULL);
      return FALSE;
    }
  if (!g_str_equal (bearer, expected))
    {
      /* OpenAI masks the key; some compatible servers and proxies echo it
       * whole (openai.echo-key=1: a 403 that quotes it), which a client
       * must never pass on. */
      if (heyai_fake_get_option_int (fake, "openai.echo-key", 0))
        {
          g_autofree char *message = g_strdup_printf ("Access denied for %s on this project.", bearer);

          respond_error (request, 403, message, "invalid_request_error", NULL, "no_access");
          return FALSE;
        }
      respond_error (request, 401, "Incorrect API key provided: sk-****. You can find your API key "
                     "at https://platform.openai.com/account/api-keys.",
                     "invalid_request_error", NULL, "invalid_api_key");
      return FALSE;
    }
  return TRUE;
}

static void
add_rate_headers (HeyaiFakeRequest *request)
{
  heyai_fake_respond_add_header (request, "x-request-id", "req_fake0123456789");
  heyai_fake_respond_add_header (request, "openai-processing-ms", "42");
  heyai_fake_respond_add_header (request, "x-ratelimit-limit-requests", "500");
  heyai_fake_respond_add_header (request, "x-ratelimit-remaining-requests", "499");
  heyai_fake_respond_add_header (request, "x-ratelimit-reset-requests", "120ms");
  heyai_fake_respond_add_header (request, "x-ratelimit-limit-tokens", "200000");
  heyai_fake_respond_add_header (request, "x-ratelimit-remaining-tokens", "195000");
  heyai_fake_respond_add_header (request, "x-ratelimit-reset-tokens", "1.5s");
}

/* GPT-5 models take no temperature but 1 (C.2 item 6). */
static gboolean
check_temperature (HeyaiFakeRequest *request,
                   JsonObject       *body,
                   const char       *model)
{
  JsonNode *t;

  if (!g_str_has_prefix (model, "gpt-5") || !json_object_has_member (body, "temperature"))
    return TRUE;
  t = json_object_get_member (body, "temperature");
  if (JSON_NODE_HOLDS_VALUE (t) && json_node_get_value_type (t) != G_TYPE_STRING &&
      json_node_get_double (t) == 1.0)
    return TRUE;
  respond_error (request, 400, "Unsupported value: 'temperature' does not support this value with "
                 "this model. Only the default (1) value is supported.",
                 "invalid_request_error", "temperature", "unsupported_value");
  return FALSE;
}

static gboolean
check_strict_schema (HeyaiFakeRequest *request,
                     JsonObject       *js,
                     const char       *param)
{
  const char *name = heyai_json_object_get_string_or_null (js, "name");

  if (js == NULL || name == NULL || !json_object_has_member (js, "schema") ||
      !g_regex_match_simple ("^[A-Za-z0-9_-]{1,64}$", name, 0, 0))
    {
      g_autofree char *message = g_strdup_printf ("Missing or invalid required parameter: '%s'.", param);

      respond_error (request, 400, message, "invalid_request_error", param, NULL);
      return FALSE;
    }
  if (json_object_has_member (js, "strict") && json_object_get_boolean_member (js, "strict"))
    {
      g_autofree char *problem = heyai_json_schema_strict_problem (json_object_get_member (js, "schema"));

      if (problem != NULL)
        {
          g_autofree char *message = g_strdup_printf ("Invalid schema for response_format '%s': %s",
                                                      name, problem);
          respond_error (request, 400, message, "invalid_request_error", param, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

static void
responses_handler (HeyaiFake        *fake,
                   HeyaiFakeRequest *request,
                   gpointer          user_data)
{
  static const char *const chat_names[] = { "messages", "response_format", "max_tokens",
                                            "max_completion_tokens" };
  JsonObject *body;
  JsonNode *input;
  const char *model;
  g_autoptr(GString) prompt_text = g_string_new (NULL);
  g_autoptr(JsonNode) scenes = NULL;
  g_autofree char *content = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  JsonObject *text_param;
  gsize half;

  if (!check_auth (fake, request))
    return;
  body = heyai_fake_request_get_object (request);
  if (body == NULL)
    {
      respond_error (request, 400, "We could not parse the JSON body of your request.",
                     "invalid_request_error", NULL, NULL);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (chat_names); i++)
    if (json_object_has_member (body, chat_names[i]))
      {
        g_autofree char *message = g_strdup_printf ("Unsupported parameter: '%s'. In the Responses API, "
                                                    "this parameter has moved or is not supported.",
                                                    chat_names[i]);
        respond_error (request, 400, message, "invalid_request_error", chat_names[i], "unsupported_parameter");
        return;
      }
  model = heyai_json_object_get_string_or_null (body, "model");
  if (model == NULL || *model == '\0')
    {
      respond_error (request, 400, "Missing required parameter: 'model'.", "invalid_request_error",
                     "model", "missing_required_parameter");
      return;
    }
  if (!check_temperature (request, body, model))
    return;
  input = json_object_get_member (body, "input");
  if (input == NULL)
    {
      respond_error (request, 400, "Missing required parameter: 'input'.", "invalid_request_error",
                     "input", "missing_required_parameter");
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (input) && json_node_get_value_type (input) == G_TYPE_STRING)
    g_string_append (prompt_text, json_node_get_string (input));
  else if (JSON_NODE_HOLDS_ARRAY (input))
    {
      JsonArray *items = json_node_get_array (input);

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *n = json_array_get_element (items, i);
          JsonObject *item;
          const char *role;
          JsonNode *c;

          if (!JSON_NODE_HOLDS_OBJECT (n) ||
              (role = heyai_json_object_get_string_or_null (item = json_node_get_object (n), "role")) == NULL ||
              (c = json_object_get_member (item, "content")) == NULL)
            {
              respond_error (request, 400, "Invalid 'input': each item needs a role and content.",
                             "invalid_request_error", "input", "invalid_value");
              return;
            }
          if (g_str_equal (role, "assistant"))
            heyai_fake_counter_add (fake, "openai.responses.repair", 1);
          if (!g_str_equal (role, "user") || prompt_text->len > 0)
            continue;
          if (JSON_NODE_HOLDS_VALUE (c))
            g_string_append (prompt_text, json_node_get_string (c));
          else if (JSON_NODE_HOLDS_ARRAY (c))
            {
              JsonArray *parts = json_node_get_array (c);

              for (guint j = 0; j < json_array_get_length (parts); j++)
                {
                  JsonObject *part = json_array_get_object_element (parts, j);

                  if (g_strcmp0 (heyai_json_object_get_string_or_null (part, "type"), "input_text") != 0)
                    {
                      respond_error (request, 400, "Invalid value in 'input[].content[].type': "
                                     "a user message takes 'input_text'.",
                                     "invalid_request_error", "input", "invalid_value");
                      return;
                    }
                  g_string_append (prompt_text, heyai_json_object_get_string_or_null (part, "text"));
                }
            }
        }
    }
  else
    {
      respond_error (request, 400, "Invalid type for 'input'.", "invalid_request_error", "input",
                     "invalid_type");
      return;
    }

  text_param = json_object_has_member (body, "text") &&
               JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "text"))
                 ? json_object_get_object_member (body, "text") : NULL;
  if (text_param != NULL && json_object_has_member (text_param, "format"))
    {
      JsonObject *format = json_object_get_object_member (text_param, "format");

      if (g_strcmp0 (heyai_json_object_get_string_or_null (format, "type"), "json_schema") == 0 &&
          !check_strict_schema (request, format, "text.format"))
        return;
    }
  if (json_object_has_member (body, "store") && !json_object_get_boolean_member (body, "store"))
    heyai_fake_counter_add (fake, "openai.responses.store-false", 1);

  scenes = heyai_fake_llm_scenes (prompt_text->str, heyai_fake_get_option_int (fake, "openai.scenes", 0));
  content = json_to_string (scenes, FALSE);
  half = strlen (content) / 2;
  {
    JsonNode *a = json_node_new (JSON_NODE_VALUE);
    JsonNode *b = json_node_new (JSON_NODE_VALUE);
    g_autofree char *part1 = g_strndup (content, half);

    json_node_set_string (a, part1);
    json_node_set_string (b, content + half);
    first = json_to_string (a, FALSE);
    second = json_to_string (b, FALSE);
    json_node_unref (a);
    json_node_unref (b);
  }
  reply = g_strdup_printf (
    "{\"id\":\"resp_fake0001\",\"object\":\"response\",\"created_at\":%" G_GINT64_FORMAT ","
    "\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,\"model\":\"%s\","
    "\"output\":[{\"type\":\"reasoning\",\"id\":\"rs_fake\",\"summary\":[]},"
    "{\"type\":\"message\",\"id\":\"msg_fake\",\"status\":\"completed\",\"role\":\"assistant\","
    "\"content\":[{\"type\":\"output_text\",\"text\":%s,\"annotations\":[]},"
    "{\"type\":\"output_text\",\"text\":%s,\"annotations\":[]}]}],"
    "\"usage\":{\"input_tokens\":%u,\"output_tokens\":%u,\"total_tokens\":%u}}",
    g_get_real_time () / G_USEC_PER_SEC, model, first, second,
    (guint) (prompt_text->len / 4 + 120), (guint) (strlen (content) / 4),
    (guint) (prompt_text->len / 4 + 120 + strlen (content) / 4));
  add_rate_headers (request);
  heyai_fake_respond_json (request, 200, reply);
}

static void
chat_handler (HeyaiFake        *fake,
              HeyaiFakeRequest *request,
              gpointer          user_data)
{
  JsonObject *body;
  JsonArray *messages;
  const char *model;
  g_autoptr(GString) prompt_text = g_string_new (NULL);
  g_autoptr(JsonNode) scenes = NULL;
  g_autofree char *content = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint prompt_tokens;
  guint completion_tokens;

  if (!check_auth (fake, request))
    return;

  body = heyai_fake_request_get_object (request);
  if (body == NULL)
    {
      respond_error (request, 400, "We could not parse the JSON body of your request.",
                     "invalid_request_error", NULL, NULL);
      return;
    }

  model = json_object_has_member (body, "model") ? json_object_get_string_member (body, "model") : NULL;
  if (model == NULL || *model == '\0')
    {
      respond_error (request, 400, "you must provide a model parameter", "invalid_request_error",
                     "model", NULL);
      return;
    }
  if (!json_object_has_member (body, "messages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "messages")) ||
      json_array_get_length (json_object_get_array_member (body, "messages")) == 0)
    {
      respond_error (request, 400, "[] is too short - 'messages'", "invalid_request_error",
                     "messages", NULL);
      return;
    }

  if (!check_temperature (request, body, model))
    return;
  if (json_object_has_member (body, "max_tokens"))
    heyai_fake_counter_add (fake, "openai.max_tokens", 1);
  if (json_object_has_member (body, "max_completion_tokens"))
    heyai_fake_counter_add (fake, "openai.max_completion_tokens", 1);

  messages = json_object_get_array_member (body, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *m = json_array_get_element (messages, i);
      JsonObject *mo;
      const char *role, *text;

      if (!JSON_NODE_HOLDS_OBJECT (m) ||
          (role = heyai_json_object_get_string_or_null (mo = json_node_get_object (m), "role")) == NULL)
        {
          respond_error (request, 400, "Invalid message: each message needs a role",
                         "invalid_request_error", "messages", NULL);
          return;
        }
      if (g_str_equal (role, "assistant"))
        heyai_fake_counter_add (fake, "openai.repair", 1);
      text = heyai_json_object_get_string_or_null (mo, "content");
      if (text != NULL && g_str_equal (role, "user") && prompt_text->len == 0)
        g_string_append (prompt_text, text);
    }

  if (json_object_has_member (body, "response_format") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "response_format")))
    {
      JsonObject *format = json_object_get_object_member (body, "response_format");
      const char *type = heyai_json_object_get_string_or_null (format, "type");

      if (g_strcmp0 (type, "json_schema") == 0)
        {
          JsonObject *js = json_object_has_member (format, "json_schema")
                             ? json_object_get_object_member (format, "json_schema") : NULL;

          if (!check_strict_schema (request, js, "response_format"))
            return;
        }
    }

  scenes = heyai_fake_llm_scenes (prompt_text->str, heyai_fake_get_option_int (fake, "openai.scenes", 0));
  content = json_to_string (scenes, FALSE);
  prompt_tokens = prompt_text->len / 4 + 120;
  completion_tokens = strlen (content) / 4;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "chatcmpl-fake0001");
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model);
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, content);
  json_builder_set_member_name (b, "refusal");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, "stop");
  json_builder_set_member_name (b, "logprobs");
  json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, prompt_tokens);
  json_builder_set_member_name (b, "completion_tokens");
  json_builder_add_int_value (b, completion_tokens);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, prompt_tokens + completion_tokens);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "system_fingerprint");
  json_builder_add_string_value (b, "fp_fake");
  json_builder_set_member_name (b, "service_tier");
  json_builder_add_string_value (b, "default");
  json_builder_end_object (b);
  reply = json_builder_get_root (b);

  add_rate_headers (request);
  heyai_fake_respond_json_node (request, 200, reply);
}

static void
models_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *request,
                gpointer          user_data)
{
  if (!check_auth (fake, request))
    return;
  heyai_fake_respond_json (request, 200,
    "{\"object\":\"list\",\"data\":["
    "{\"id\":\"gpt-4o-mini\",\"object\":\"model\",\"created\":1721172741,\"owned_by\":\"system\"},"
    "{\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"system\"}]}");
}

static char *
completion_body (const char *content_json,
                 const char *refusal_json,
                 const char *finish_reason)
{
  return g_strdup_printf (
    "{\"id\":\"chatcmpl-fault\",\"object\":\"chat.completion\",\"created\":1760000000,"
    "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":%s,\"refusal\":%s},\"finish_reason\":\"%s\",\"logprobs\":null}],"
    "\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":16000,\"total_tokens\":16300}}",
    content_json, refusal_json, finish_reason);
}

void
heyai_fake_openai_install (HeyaiFake *fake)
{
  static const char *const rate_headers[] = {
    "retry-after-ms: 20", "retry-after: 1",
    "x-ratelimit-limit-requests: 500", "x-ratelimit-remaining-requests: 0",
    "x-ratelimit-reset-requests: 20ms", "x-ratelimit-limit-tokens: 200000",
    "x-ratelimit-remaining-tokens: 0", "x-ratelimit-reset-tokens: 20ms", NULL
  };
  g_autofree char *refusal = completion_body ("null",
    "\"I'm sorry, I can't help with that request.\"", "stop");
  g_autofree char *length = completion_body (
    "\"{\\\"scenes\\\":[{\\\"title\\\":\\\"Scene 1\\\",\\\"description\\\":\\\"A lighthou\"", "null", "length");
  g_autofree char *invalid = completion_body (
    "\"Sure! Here are your scenes: scenes = [Scene 1: a lighthouse]\"", "null", "stop");
  g_autofree char *bad_scenes = completion_body (
    "\"{\\\"scenes\\\":[{\\\"title\\\":\\\"Scene 1\\\",\\\"description\\\":\\\"d\\\","
    "\\\"image_prompt\\\":\\\"i\\\",\\\"motion_prompt\\\":\\\"m\\\",\\\"camera_move\\\":\\\"zoom\\\","
    "\\\"duration\\\":7}]}\"", "null", "stop");
  g_autofree char *filtered = completion_body ("null", "null", "content_filter");
  HeyaiFakeFault fault = { .kind = HEYAI_FAKE_FAULT_STATUS, .status = 200, .drop_after_bytes = -1 };

  heyai_fake_add_env (fake, "HEYAI_OPENAI_BASE_URL", "/openai/v1");
  heyai_fake_add_route (fake, "openai.chat", "POST", "/openai/v1/chat/completions", chat_handler, NULL);
  heyai_fake_add_route (fake, "openai.models", "GET", "/openai/v1/models", models_handler, NULL);
  heyai_fake_add_route (fake, "openai.responses", "POST", "/openai/v1/responses", responses_handler, NULL);

  fault.body = refusal;
  heyai_fake_add_named_fault (fake, "openai", "refusal", &fault);
  fault.body = length;
  heyai_fake_add_named_fault (fake, "openai", "length", &fault);
  fault.body = invalid;
  heyai_fake_add_named_fault (fake, "openai", "invalid-json", &fault);
  fault.body = bad_scenes;
  heyai_fake_add_named_fault (fake, "openai", "bad-scenes", &fault);
  fault.body = filtered;
  heyai_fake_add_named_fault (fake, "openai", "content-filter", &fault);

  fault.body = "{\"id\":\"resp_fault\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5\","
               "\"output\":[{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},{\"type\":\"message\",\"id\":\"msg_1\","
               "\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}]}]}";
  heyai_fake_add_named_fault (fake, "openai", "responses-refusal", &fault);
  fault.body = "{\"id\":\"resp_fault\",\"object\":\"response\",\"status\":\"incomplete\",\"model\":\"gpt-5\","
               "\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
               "\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\","
               "\"content\":[{\"type\":\"output_text\",\"text\":\"{\\\"scenes\\\":[{\\\"title\\\":\\\"Sce\"}]}]}";
  heyai_fake_add_named_fault (fake, "openai", "responses-incomplete", &fault);
  fault.body = "{\"id\":\"resp_fault\",\"object\":\"response\",\"status\":\"failed\",\"model\":\"gpt-5\","
               "\"error\":{\"code\":\"server_error\",\"message\":\"The model failed to generate a response.\"},"
               "\"output\":[]}";
  heyai_fake_add_named_fault (fake, "openai", "responses-failed", &fault);
  fault.body = "{\"id\":\"resp_fault\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5\","
               "\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\","
               "\"content\":[{\"type\":\"output_text\",\"text\":\"Sure! Here are your scenes.\"}]}]}";
  heyai_fake_add_named_fault (fake, "openai", "responses-invalid-json", &fault);

  fault.status = 401;
  fault.body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-****.\",\"type\":\"invalid_request_error\","
               "\"param\":null,\"code\":\"invalid_api_key\"}}";
  heyai_fake_add_named_fault (fake, "openai", "bad-key", &fault);

  fault.status = 429;
  fault.headers = rate_headers;
  fault.body = "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini in organization org-fake on "
               "tokens per min (TPM): Limit 200000, Used 199000, Requested 3000. Please try again in 18ms.\","
               "\"type\":\"tokens\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
  heyai_fake_add_named_fault (fake, "openai", "rate-limit", &fault);

  fault.headers = NULL;
  fault.body = "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and "
               "billing details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}";
  heyai_fake_add_named_fault (fake, "openai", "quota", &fault);
}
