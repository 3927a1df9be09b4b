/* heyai-llm-anthropic.c: the Anthropic Messages API LLM client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-llm-anthropic.h"
#include "heyai-provider-descriptors.h"
#include "heyai-llm-remote.h"
#include "heyai-llm-schema.h"
#include "heyai-secrets.h"

#define MAX_OUTPUT_TOKENS 16000

struct _HeyaiLlmAnthropic
{
  HeyaiLlmRemote  parent_instance;

  gboolean        tool_always;             /* configured: the forced tool only */
  gboolean        output_config_refused;   /* set by the classifier on the current answer */
};

#define HTTP(self)     heyai_llm_remote_get_http (HEYAI_LLM_REMOTE (self))
#define MODEL(self)    heyai_llm_remote_get_model (HEYAI_LLM_REMOTE (self))
#define BASE_URL(self) heyai_llm_remote_get_base_url (HEYAI_LLM_REMOTE (self))

/* Base URLs that answered 400 to output_config this session: they get the
 * forced tool from then on (contracts C.3 item 10). */
static GMutex tool_only_lock;
static GHashTable *tool_only_urls;

static gboolean
uses_tool (HeyaiLlmAnthropic *self)
{
  gboolean result;

  if (self->tool_always)
    return TRUE;
  g_mutex_lock (&tool_only_lock);
  result = tool_only_urls != NULL && g_hash_table_contains (tool_only_urls, BASE_URL (self));
  g_mutex_unlock (&tool_only_lock);
  return result;
}

static void
remember_tool_only (HeyaiLlmAnthropic *self)
{
  g_mutex_lock (&tool_only_lock);
  if (tool_only_urls == NULL)
    tool_only_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (tool_only_urls, g_strdup (BASE_URL (self)));
  g_mutex_unlock (&tool_only_lock);
}

void
heyai_llm_anthropic_forget_fallbacks (void)
{
  g_mutex_lock (&tool_only_lock);
  g_clear_pointer (&tool_only_urls, g_hash_table_unref);
  g_mutex_unlock (&tool_only_lock);
}

G_DEFINE_FINAL_TYPE (HeyaiLlmAnthropic, heyai_llm_anthropic, HEYAI_TYPE_LLM_REMOTE)

/* ---------------------------------------------------------------------- */
/* Error envelope {"type":"error","error":{"type","message","details"?}}:  */
/* Anthropic's own cases                                                   */

static HeyaiHttpVerdict
classify (HeyaiLlmRemote  *owner,
          guint        status,
          JsonObject  *err,
          const char  *detail,
          GError     **error)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (owner);
  const char *label = heyai_http_get_label (HTTP (self));
  const char *type = heyai_json_object_get_string_or_null (err, "type");
  const char *details_code = NULL;

  if (err != NULL && json_object_has_member (err, "details") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (err, "details")))
    details_code = heyai_json_object_get_string_or_null (json_object_get_object_member (err, "details"),
                                                         "error_code");

  /* "Your credit balance is too low ..." comes as a plain 400: final, no
   * retry and no fallback call (C.3 item 11). */
  if (status == 400 && detail != NULL && strstr (detail, "credit balance") != NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                   _("%s says the account's credit balance is too low (%s). "
                     "Top up the credit in the Anthropic console, or choose another script provider."),
                   label, detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  if (g_strcmp0 (details_code, "enforced_spend_limit_reached") == 0 ||
      status == 402 || g_strcmp0 (type, "billing_error") == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                   _("%s says the account's spend limit or credit is used up (%s). "
                     "Raise the limit in the Anthropic console or choose another script provider."),
                   label, detail != NULL ? detail : type);
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  /* A server that does not know native structured output (older API
   * versions, proxies, compatible servers): the split falls back to the
   * forced tool once (resend_after). */
  if (status == 400 && g_strcmp0 (type, "invalid_request_error") == 0 && detail != NULL &&
      strstr (detail, "output_config") != NULL)
    self->output_config_refused = TRUE;

  switch (status)
    {
    case 401:
    case 403:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("%s rejected the API key. Check ANTHROPIC_API_KEY or the key in Preferences → Providers."),
                   label);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 413:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
                   _("The script is too large for %s. Shorten it and try again."), label);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 404:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
                   _("%s does not offer the model “%s”. Set HEYAI_ANTHROPIC_MODEL to an available model."),
                   label, MODEL (self));
      return HEYAI_HTTP_VERDICT_FINAL;
    case 529:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                   _("%s is overloaded right now. Try again in a few minutes."), label);
      return HEYAI_HTTP_VERDICT_RETRY;
    default:
      return HEYAI_HTTP_VERDICT_DEFAULT;
    }
}

/* ---------------------------------------------------------------------- */
/* Request                                                                 */

static HeyaiHttpRequest *
build_request (HeyaiLlmRemote             *owner,
               const HeyaiLlmConversation *conversation,
               const char                 *api_key)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (owner);
  HeyaiHttpRequest *request = heyai_http_request_new ("POST", "/v1/messages");
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "model", MODEL (self));
  json_object_set_int_member (body, "max_tokens", MAX_OUTPUT_TOKENS);
  json_object_set_string_member (body, "system", conversation->system);
  json_object_set_array_member (body, "messages", json_array_ref (conversation->messages));
  json_object_set_double_member (body, "temperature", 0.4);

  if (!uses_tool (self))
    {
      /* Native structured output (C.3 item 9): the JSON comes back as text. */
      JsonObject *config = json_object_new ();
      JsonObject *format = json_object_new ();

      json_object_set_string_member (format, "type", "json_schema");
      json_object_set_member (format, "schema", heyai_llm_scene_schema ());
      json_object_set_object_member (config, "format", format);
      json_object_set_object_member (body, "output_config", config);
    }
  else
    {
      JsonArray *tools = json_array_new ();
      JsonObject *tool = json_object_new ();
      JsonObject *choice = json_object_new ();

      json_object_set_string_member (tool, "name", HEYAI_LLM_SCHEMA_NAME);
      json_object_set_string_member (tool, "description",
                                     "Submit the trailer's scenes, in order, as the final answer.");
      json_object_set_member (tool, "input_schema", heyai_llm_scene_schema ());
      json_array_add_object_element (tools, tool);
      json_object_set_array_member (body, "tools", tools);

      json_object_set_string_member (choice, "type", "tool");
      json_object_set_string_member (choice, "name", HEYAI_LLM_SCHEMA_NAME);
      json_object_set_boolean_member (choice, "disable_parallel_tool_use", TRUE);
      json_object_set_object_member (body, "tool_choice", choice);
    }
  json_node_take_object (node, body);

  self->output_config_refused = FALSE;
  heyai_http_request_set_header (request, "x-api-key", api_key);
  heyai_http_request_set_header (request, "anthropic-version", HEYAI_ANTHROPIC_VERSION);
  heyai_http_request_set_json (request, node);
  return request;
}

/* A failed send that refused output_config: once per base URL and session,
 * the forced tool instead. */
static gboolean
resend_after (HeyaiLlmRemote *owner,
              const GError *error)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (owner);
  gboolean refused = self->output_config_refused;

  self->output_config_refused = FALSE;
  if (!refused || uses_tool (self))
    return FALSE;
  g_debug ("%s refused output_config (%s); using the forced tool",
           heyai_http_get_label (HTTP (self)), error->message);
  remember_tool_only (self);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                 */

static JsonArray *
answer_content (JsonObject *root)
{
  if (json_object_has_member (root, "content") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "content")))
    return json_object_get_array_member (root, "content");
  return NULL;
}

/* The first block of @type (and tool @name when given) in @content. */
static JsonObject *
find_block (JsonArray  *content,
            const char *type,
            const char *name)
{
  for (guint i = 0; content != NULL && i < json_array_get_length (content); i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      JsonObject *block;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      block = json_node_get_object (node);
      if (g_strcmp0 (heyai_json_object_get_string_or_null (block, "type"), type) == 0 &&
          (name == NULL || g_strcmp0 (heyai_json_object_get_string_or_null (block, "name"), name) == 0))
        return block;
    }
  return NULL;
}

/* Every text block, in order (native structured output); NULL when none. */
static char *
all_text (JsonArray *content)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; content != NULL && i < json_array_get_length (content); i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      JsonObject *block;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      block = json_node_get_object (node);
      if (g_strcmp0 (heyai_json_object_get_string_or_null (block, "type"), "text") == 0)
        g_string_append (text, heyai_json_object_get_string_or_null (block, "text") ?: "");
    }
  return g_string_free (text, text->len == 0);
}

static HeyaiLlmAnswer
read_answer (HeyaiLlmRemote  *owner,
             JsonObject  *root,
             char       **text,
             JsonNode   **node,
             GError     **error)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (owner);
  const char *label = heyai_http_get_label (HTTP (self));
  JsonArray *content = answer_content (root);
  const char *stop_reason = heyai_json_object_get_string_or_null (root, "stop_reason");
  JsonObject *tool_use;

  if (g_strcmp0 (stop_reason, "refusal") == 0)
    {
      JsonObject *first = find_block (content, "text", NULL);
      g_autofree char *shown = heyai_http_redact (heyai_json_object_get_string_or_null (first, "text"));

      heyai_llm_set_refusal_error (error, label, shown);
      return HEYAI_LLM_ANSWER_FAILED;
    }
  if (g_strcmp0 (stop_reason, "max_tokens") == 0 ||
      g_strcmp0 (stop_reason, "model_context_window_exceeded") == 0)
    {
      heyai_llm_set_cut_off_error (error, label);
      return HEYAI_LLM_ANSWER_FAILED;
    }

  /* A tool call when we forced one (or a server chose it anyway), else the
   * text blocks of native structured output. */
  tool_use = find_block (content, "tool_use", HEYAI_LLM_SCHEMA_NAME);
  if (tool_use != NULL && json_object_has_member (tool_use, "input"))
    {
      *node = json_node_copy (json_object_get_member (tool_use, "input"));
      return HEYAI_LLM_ANSWER_NODE;
    }
  if (tool_use == NULL && (*text = all_text (content)) != NULL)
    return HEYAI_LLM_ANSWER_TEXT;
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
               "no %s tool call in the answer", HEYAI_LLM_SCHEMA_NAME);
  return HEYAI_LLM_ANSWER_INVALID;
}

/* Repair: the model's own answer back (its content blocks, and an error
 * result for its tool call), then the problem. */
static void
add_repair (HeyaiLlmRemote       *owner,
            HeyaiLlmConversation *conversation,
            JsonObject           *root,
            const char           *text,
            const char           *problem)
{
  g_autofree char *repair = heyai_llm_repair_prompt (problem);
  JsonArray *content = answer_content (root);
  JsonObject *tool_use = find_block (content, "tool_use", HEYAI_LLM_SCHEMA_NAME);
  JsonObject *assistant = json_object_new ();
  JsonObject *user = json_object_new ();
  JsonArray *blocks = json_array_new ();
  JsonObject *text_block = json_object_new ();

  json_object_set_string_member (assistant, "role", "assistant");
  if (content != NULL && json_array_get_length (content) > 0)
    json_object_set_array_member (assistant, "content", json_array_ref (content));
  else
    json_object_set_string_member (assistant, "content", "(no answer)");
  json_array_add_object_element (conversation->messages, assistant);

  if (tool_use != NULL && heyai_json_object_get_string_or_null (tool_use, "id") != NULL)
    {
      JsonObject *tool_result = json_object_new ();

      json_object_set_string_member (tool_result, "type", "tool_result");
      json_object_set_string_member (tool_result, "tool_use_id",
                                     heyai_json_object_get_string_or_null (tool_use, "id"));
      json_object_set_boolean_member (tool_result, "is_error", TRUE);
      json_object_set_string_member (tool_result, "content", problem);
      json_array_add_object_element (blocks, tool_result);
    }
  json_object_set_string_member (text_block, "type", "text");
  json_object_set_string_member (text_block, "text", repair);
  json_array_add_object_element (blocks, text_block);

  json_object_set_string_member (user, "role", "user");
  json_object_set_array_member (user, "content", blocks);
  json_array_add_object_element (conversation->messages, user);
  (void) text;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
heyai_llm_anthropic_class_init (HeyaiLlmAnthropicClass *klass)
{
  HeyaiLlmRemoteClass *remote_class = HEYAI_LLM_REMOTE_CLASS (klass);

  remote_class->name = "anthropic";
  remote_class->default_model = HEYAI_LLM_ANTHROPIC_DEFAULT_MODEL;
  remote_class->log_name = "Anthropic";
  remote_class->secret = HEYAI_SECRET_ANTHROPIC;
  remote_class->build_request = build_request;
  remote_class->read_answer = read_answer;
  remote_class->add_repair = add_repair;
  remote_class->resend_after = resend_after;
  remote_class->classify = classify;
}

static void
heyai_llm_anthropic_init (HeyaiLlmAnthropic *self)
{
}

HeyaiLlmAnthropic *
heyai_llm_anthropic_new (const char *base_url,
                         const char *api_key,
                         const char *model)
{
  return heyai_llm_remote_new (HEYAI_TYPE_LLM_ANTHROPIC, base_url, api_key, model);
}

HeyaiLlmAnthropic *
heyai_llm_anthropic_new_for_config (const HeyaiProviderConfig *config,
                                    const char                *api_key)
{
  HeyaiLlmAnthropic *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = heyai_llm_anthropic_new (config->anthropic_base_url, api_key, config->anthropic_model);
  self->tool_always = g_strcmp0 (config->anthropic_output, "tool") == 0;
  return self;
}

GObject *
heyai_llm_anthropic_create (const char  *data_dir,
                            GError     **error)
{
  g_auto(HeyaiProviderConfig) config = { 0 };
  g_autofree char *key = heyai_secrets_dup_from_env (HEYAI_SECRET_ANTHROPIC);

  heyai_provider_config_init_from_env (&config, data_dir);
  return G_OBJECT (heyai_llm_anthropic_new_for_config (&config, key));
}

HeyaiHttp *
heyai_llm_anthropic_get_http (HeyaiLlmAnthropic *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_ANTHROPIC (self), NULL);

  return HTTP (self);
}

/* ---------------------------------------------------------------------- */
/* Test connection: GET /v1/models (authenticated, free)                   */

static void
test_models_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
test_send (GTask *task)
{
  HeyaiLlmAnthropic *self = g_task_get_source_object (task);
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("GET", "/v1/models");

  heyai_http_request_add_query (request, "limit", "1");
  heyai_http_request_set_header (request, "x-api-key", heyai_llm_remote_get_api_key (HEYAI_LLM_REMOTE (self)));
  heyai_http_request_set_header (request, "anthropic-version", HEYAI_ANTHROPIC_VERSION);
  heyai_http_request_set_max_attempts (request, 2);
  heyai_http_send_async (HTTP (self), request, g_task_get_cancellable (task), test_models_cb, task);
}

void
heyai_llm_anthropic_test_async (HeyaiLlmAnthropic   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HEYAI_IS_LLM_ANTHROPIC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_llm_anthropic_test_async);
  heyai_llm_remote_with_key (HEYAI_LLM_REMOTE (self), g_steal_pointer (&task), test_send);
}

gboolean
heyai_llm_anthropic_test_finish (HeyaiLlmAnthropic  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
