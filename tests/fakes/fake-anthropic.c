/* fake-anthropic.c: the Anthropic Messages API (API-CONTRACTS.md §5.4),
 * under /anthropic (HEYAI_ANTHROPIC_BASE_URL=/anthropic).
 *
 * Route: anthropic.messages  POST /anthropic/v1/messages
 *        anthropic.models    GET  /anthropic/v1/models (x-api-key checked;
 *                            what "Test connection" calls)
 *
 * Options:
 *   anthropic.api-key   the accepted x-api-key (default "sk-ant-fake")
 *   anthropic.scenes    answer with exactly N scenes
 *   anthropic.max-body  bytes above which the body is refused with 413
 *                       (default 32 MiB, like the real API)
 *   anthropic.output-config  "refuse": answer 400 invalid_request_error
 *                       "output_config: Extra inputs are not permitted" (an
 *                       older API version or a proxy), else supported
 *
 * Checks: x-api-key (401 authentication_error), anthropic-version (400),
 * model / max_tokens / messages (400 invalid_request_error), a forced
 * tool_choice must name a tool in tools (400).  With a forced tool the reply
 * is one tool_use block whose input conforms to the scene schema
 * (stop_reason "tool_use"); without tools one text block ("end_turn").
 * Headers: request-id, anthropic-ratelimit-*.
 * With output_config.format json_schema (native structured output, C.3) the
 * schema must be strict (every object additionalProperties false, else
 * 400) and the reply is one text block holding conforming JSON
 * ("end_turn").
 * Counters: anthropic.repair (requests carrying an assistant turn),
 * anthropic.output-config (requests using native structured output),
 * anthropic.tool (requests forcing the tool).
 *
 * Named faults: rate-limit (429 + retry-after 1), overloaded (529),
 * spend-limit (429 with error.details.error_code enforced_spend_limit_reached),
 * refusal, max-tokens, too-large (413), bad-key (401), invalid-input (a
 * tool_use whose input breaks the schema), invalid-text (a text answer that
 * is not JSON), low-credit (400 "Your credit balance is too low ...").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-fake.h"
#include "heyai-llm-schema.h"

#define DEFAULT_KEY "sk-ant-fake"

/* In fake-openai.c. */
JsonNode *heyai_fake_llm_scenes (const char *text, gint64 forced_count);

static void
respond_error (HeyaiFakeRequest *request,
               guint             status,
               const char       *type,
               const char       *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "error");
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, "req_fake_error");
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  heyai_fake_respond_add_header (request, "request-id", "req_fake_error");
  heyai_fake_respond_json_node (request, status, node);
}

/* The text of the first user message (string or text blocks). */
static char *
first_user_text (JsonArray *messages)
{
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *m = json_array_get_element (messages, i);
      JsonObject *mo;
      JsonNode *content;

      if (!JSON_NODE_HOLDS_OBJECT (m))
        continue;
      mo = json_node_get_object (m);
      if (g_strcmp0 (heyai_json_object_get_string_or_null (mo, "role"), "user") != 0 ||
          !json_object_has_member (mo, "content"))
        continue;
      content = json_object_get_member (mo, "content");
      if (JSON_NODE_HOLDS_VALUE (content))
        return g_strdup (json_node_get_string (content));
      if (JSON_NODE_HOLDS_ARRAY (content))
        {
          JsonArray *blocks = json_node_get_array (content);

          for (guint j = 0; j < json_array_get_length (blocks); j++)
            {
              JsonNode *bn = json_array_get_element (blocks, j);
              const char *text;

              if (JSON_NODE_HOLDS_OBJECT (bn) &&
                  (text = heyai_json_object_get_string_or_null (json_node_get_object (bn), "text")) != NULL)
                return g_strdup (text);
            }
        }
    }
  return g_strdup ("");
}

static gboolean
has_tool_result (JsonArray *messages)
{
  guint n = json_array_get_length (messages);
  JsonNode *last;
  JsonNode *content;

  if (n == 0 || !JSON_NODE_HOLDS_OBJECT (last = json_array_get_element (messages, n - 1)))
    return FALSE;
  content = json_object_get_member (json_node_get_object (last), "content");
  if (content == NULL || !JSON_NODE_HOLDS_ARRAY (content))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (content)); i++)
    {
      JsonNode *bn = json_array_get_element (json_node_get_array (content), i);

      if (JSON_NODE_HOLDS_OBJECT (bn) &&
          g_strcmp0 (heyai_json_object_get_string_or_null (json_node_get_object (bn), "type"),
                     "tool_result") == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_assistant_turn (JsonArray *messages)
{
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *m = json_array_get_element (messages, i);

      if (JSON_NODE_HOLDS_OBJECT (m) &&
          g_strcmp0 (heyai_json_object_get_string_or_null (json_node_get_object (m), "role"), "assistant") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
messages_handler (HeyaiFake        *fake,
                  HeyaiFakeRequest *request,
                  gpointer          user_data)
{
  const char *expected = heyai_fake_get_option (fake, "anthropic.api-key");
  const char *key = heyai_fake_request_get_header (request, "x-api-key");
  gint64 max_body = heyai_fake_get_option_int (fake, "anthropic.max-body", 32 * 1024 * 1024);
  JsonObject *body;
  JsonArray *messages;
  const char *model;
  const char *tool_name = NULL;
  gboolean structured = FALSE;
  g_autofree char *text = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) reply = NULL;

  if (expected == NULL)
    expected = DEFAULT_KEY;
  if (key == NULL || !g_str_equal (key, expected))
    {
      respond_error (request, 401, "authentication_error", "invalid x-api-key");
      return;
    }
  if (heyai_fake_request_get_header (request, "anthropic-version") == NULL)
    {
      respond_error (request, 400, "invalid_request_error", "anthropic-version: header is required");
      return;
    }
  if (heyai_fake_request_get_body_length (request) > max_body)
    {
      respond_error (request, 413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
      return;
    }

  body = heyai_fake_request_get_object (request);
  if (body == NULL)
    {
      respond_error (request, 400, "invalid_request_error", "The request body is not valid JSON.");
      return;
    }
  model = heyai_json_object_get_string_or_null (body, "model");
  if (model == NULL || *model == '\0')
    {
      respond_error (request, 400, "invalid_request_error", "model: Field required");
      return;
    }
  if (!json_object_has_member (body, "max_tokens") ||
      json_object_get_int_member (body, "max_tokens") <= 0)
    {
      respond_error (request, 400, "invalid_request_error", "max_tokens: Field required");
      return;
    }
  if (!json_object_has_member (body, "messages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "messages")) ||
      json_array_get_length (json_object_get_array_member (body, "messages")) == 0)
    {
      respond_error (request, 400, "invalid_request_error", "messages: Field required");
      return;
    }
  messages = json_object_get_array_member (body, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *m = json_array_get_element (messages, i);
      const char *role;

      if (!JSON_NODE_HOLDS_OBJECT (m) ||
          ((role = heyai_json_object_get_string_or_null (json_node_get_object (m), "role")) == NULL) ||
          (!g_str_equal (role, "user") && !g_str_equal (role, "assistant")))
        {
          respond_error (request, 400, "invalid_request_error",
                         "messages: roles must be \"user\" or \"assistant\" (system is a top-level field)");
          return;
        }
    }

  if (json_object_has_member (body, "tool_choice") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "tool_choice")))
    {
      JsonObject *choice = json_object_get_object_member (body, "tool_choice");

      if (g_strcmp0 (heyai_json_object_get_string_or_null (choice, "type"), "tool") == 0)
        {
          JsonArray *tools = json_object_has_member (body, "tools")
                               ? json_object_get_array_member (body, "tools") : NULL;
          const char *wanted = heyai_json_object_get_string_or_null (choice, "name");

          for (guint i = 0; tools != NULL && i < json_array_get_length (tools); i++)
            {
              JsonObject *tool = json_array_get_object_element (tools, i);

              if (g_strcmp0 (heyai_json_object_get_string_or_null (tool, "name"), wanted) == 0 &&
                  json_object_has_member (tool, "input_schema"))
                tool_name = wanted;
            }
          if (tool_name == NULL)
            {
              g_autofree char *message = g_strdup_printf ("tool_choice: tool '%s' not found in tools",
                                                          wanted != NULL ? wanted : "");
              respond_error (request, 400, "invalid_request_error", message);
              return;
            }
        }
    }

  if (json_object_has_member (body, "output_config"))
    {
      JsonNode *config = json_object_get_member (body, "output_config");
      JsonObject *format = JSON_NODE_HOLDS_OBJECT (config) &&
                           json_object_has_member (json_node_get_object (config), "format")
                             ? json_object_get_object_member (json_node_get_object (config), "format") : NULL;
      g_autofree char *problem = NULL;

      if (g_strcmp0 (heyai_fake_get_option (fake, "anthropic.output-config"), "refuse") == 0)
        {
          respond_error (request, 400, "invalid_request_error", "output_config: Extra inputs are not permitted");
          return;
        }
      if (format == NULL || g_strcmp0 (heyai_json_object_get_string_or_null (format, "type"), "json_schema") != 0 ||
          !json_object_has_member (format, "schema"))
        {
          respond_error (request, 400, "invalid_request_error",
                         "output_config.format: a json_schema format with a schema is required");
          return;
        }
      problem = heyai_json_schema_strict_problem (json_object_get_member (format, "schema"));
      if (problem != NULL)
        {
          g_autofree char *message = g_strdup_printf ("output_config.format.schema: %s", problem);

          respond_error (request, 400, "invalid_request_error", message);
          return;
        }
      if (tool_name != NULL)
        {
          respond_error (request, 400, "invalid_request_error",
                         "output_config.format cannot be combined with a forced tool_choice");
          return;
        }
      structured = TRUE;
      heyai_fake_counter_add (fake, "anthropic.output-config", 1);
    }
  if (tool_name != NULL)
    heyai_fake_counter_add (fake, "anthropic.tool", 1);

  if (has_tool_result (messages) || has_assistant_turn (messages))
    heyai_fake_counter_add (fake, "anthropic.repair", 1);

  text = first_user_text (messages);
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "msg_fake01");
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "message");
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, model);
  json_builder_set_member_name (b, "content");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  if (tool_name != NULL)
    {
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "tool_use");
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, "toolu_fake01");
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, tool_name);
      json_builder_set_member_name (b, "input");
      json_builder_add_value (b, heyai_fake_llm_scenes (text,
                                                        heyai_fake_get_option_int (fake, "anthropic.scenes", 0)));
    }
  else if (structured)
    {
      g_autoptr(JsonNode) scenes = heyai_fake_llm_scenes (text, heyai_fake_get_option_int (fake, "anthropic.scenes", 0));
      g_autofree char *json = json_to_string (scenes, FALSE);

      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "text");
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, json);
    }
  else
    {
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "text");
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, "Hello from the fake Anthropic server.");
    }
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "stop_reason");
  json_builder_add_string_value (b, tool_name != NULL ? "tool_use" : "end_turn");
  json_builder_set_member_name (b, "stop_sequence");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "input_tokens");
  json_builder_add_int_value (b, strlen (text) / 4 + 300);
  json_builder_set_member_name (b, "output_tokens");
  json_builder_add_int_value (b, 900);
  json_builder_set_member_name (b, "cache_creation_input_tokens");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "cache_read_input_tokens");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "service_tier");
  json_builder_add_string_value (b, "standard");
  json_builder_end_object (b);
  json_builder_end_object (b);
  reply = json_builder_get_root (b);

  heyai_fake_respond_add_header (request, "request-id", "req_fake01");
  heyai_fake_respond_add_header (request, "anthropic-ratelimit-requests-limit", "50");
  heyai_fake_respond_add_header (request, "anthropic-ratelimit-requests-remaining", "49");
  heyai_fake_respond_add_header (request, "anthropic-ratelimit-requests-reset", "2026-11-25T00:00:01Z");
  heyai_fake_respond_add_header (request, "anthropic-ratelimit-tokens-limit", "40000");
  heyai_fake_respond_add_header (request, "anthropic-ratelimit-tokens-remaining", "38000");
  heyai_fake_respond_add_header (request, "anthropic-ratelimit-tokens-reset", "2026-11-25T00:00:01Z");
  heyai_fake_respond_json_node (request, 200, reply);
}

static void
models_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *request,
                gpointer          user_data)
{
  const char *expected = heyai_fake_get_option (fake, "anthropic.api-key");
  const char *key = heyai_fake_request_get_header (request, "x-api-key");

  if (expected == NULL)
    expected = DEFAULT_KEY;
  if (key == NULL || !g_str_equal (key, expected))
    {
      respond_error (request, 401, "authentication_error", "invalid x-api-key");
      return;
    }
  if (heyai_fake_request_get_header (request, "anthropic-version") == NULL)
    {
      respond_error (request, 400, "invalid_request_error", "anthropic-version: header is required");
      return;
    }
  heyai_fake_respond_add_header (request, "request-id", "req_fake_models");
  heyai_fake_respond_json (request, 200,
    "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\",\"display_name\":\"Claude Sonnet 4.5\","
    "\"created_at\":\"2025-09-29T00:00:00Z\"}],\"has_more\":true,\"first_id\":\"claude-sonnet-4-5\","
    "\"last_id\":\"claude-sonnet-4-5\"}");
}

void
heyai_fake_anthropic_install (HeyaiFake *fake)
{
  static const char *const retry_headers[] = { "retry-after: 1", "request-id: req_fake_429", NULL };
  HeyaiFakeFault fault = { .kind = HEYAI_FAKE_FAULT_STATUS, .drop_after_bytes = -1 };

  heyai_fake_add_env (fake, "HEYAI_ANTHROPIC_BASE_URL", "/anthropic");
  heyai_fake_add_route (fake, "anthropic.messages", "POST", "/anthropic/v1/messages", messages_handler, NULL);
  heyai_fake_add_route (fake, "anthropic.models", "GET", "/anthropic/v1/models", models_handler, NULL);

  fault.status = 429;
  fault.headers = retry_headers;
  fault.body = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request "
               "tokens has exceeded your per-minute rate limit\"},\"request_id\":\"req_fake_429\"}";
  heyai_fake_add_named_fault (fake, "anthropic", "rate-limit", &fault);

  fault.headers = NULL;
  fault.body = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"You have reached "
               "your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.\","
               "\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}},\"request_id\":\"req_fake_spend\"}";
  heyai_fake_add_named_fault (fake, "anthropic", "spend-limit", &fault);

  fault.status = 529;
  fault.body = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
               "\"request_id\":\"req_fake_529\"}";
  heyai_fake_add_named_fault (fake, "anthropic", "overloaded", &fault);

  fault.status = 413;
  fault.body = "{\"type\":\"error\",\"error\":{\"type\":\"request_too_large\",\"message\":\"Request exceeds "
               "the maximum allowed number of bytes.\"},\"request_id\":\"req_fake_413\"}";
  heyai_fake_add_named_fault (fake, "anthropic", "too-large", &fault);

  fault.status = 400;
  fault.body = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit "
               "balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or "
               "purchase credits.\"},\"request_id\":\"req_fake_credit\"}";
  heyai_fake_add_named_fault (fake, "anthropic", "low-credit", &fault);

  fault.status = 401;
  fault.body = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"},"
               "\"request_id\":\"req_fake_401\"}";
  heyai_fake_add_named_fault (fake, "anthropic", "bad-key", &fault);

  fault.status = 200;
  fault.body = "{\"id\":\"msg_refusal\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
               "\"content\":[{\"type\":\"text\",\"text\":\"I can't help with this script.\"}],"
               "\"stop_reason\":\"refusal\",\"stop_sequence\":null,"
               "\"usage\":{\"input_tokens\":300,\"output_tokens\":10}}";
  heyai_fake_add_named_fault (fake, "anthropic", "refusal", &fault);

  fault.body = "{\"id\":\"msg_max\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
               "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_max\",\"name\":\"submit_scenes\",\"input\":{}}],"
               "\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,"
               "\"usage\":{\"input_tokens\":300,\"output_tokens\":16000}}";
  heyai_fake_add_named_fault (fake, "anthropic", "max-tokens", &fault);

  fault.body = "{\"id\":\"msg_text\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
               "\"content\":[{\"type\":\"text\",\"text\":\"Here are the scenes: a lighthouse, a storm.\"}],"
               "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
               "\"usage\":{\"input_tokens\":300,\"output_tokens\":20}}";
  heyai_fake_add_named_fault (fake, "anthropic", "invalid-text", &fault);

  fault.body = "{\"id\":\"msg_bad\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
               "\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_bad\",\"name\":\"submit_scenes\","
               "\"input\":{\"scenes\":[{\"title\":\"Scene 1\",\"description\":\"d\",\"image_prompt\":\"i\","
               "\"motion_prompt\":\"m\",\"camera_move\":\"static\",\"duration\":\"5\"}]}}],"
               "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
               "\"usage\":{\"input_tokens\":300,\"output_tokens\":100}}";
  heyai_fake_add_named_fault (fake, "anthropic", "invalid-input", &fault);
}
