/* heyai-llm-anthropic.c: the Anthropic Messages API LLM client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-llm-anthropic.h"
#include "heyai-provider-descriptors.h"
#include "heyai-llm-schema.h"
#include "heyai-secrets.h"

#define MAX_OUTPUT_TOKENS 16000
#define REQUEST_TIMEOUT_S 300

struct _HeyaiLlmAnthropic
{
  GObject    parent_instance;

  HeyaiHttp *http;
  char      *base_url;
  char      *model;
  char      *api_key;      /* NULL: not resolved yet */
  gboolean   output_config_refused;   /* set by the classifier on the current answer */
};

/* Base URLs that answered 400 to output_config this session: they get the
 * forced tool from then on (contracts C.3 item 10). */
static GMutex tool_only_lock;
static GHashTable *tool_only_urls;

static gboolean
uses_tool (HeyaiLlmAnthropic *self)
{
  gboolean result;

  if (g_strcmp0 (g_getenv ("HEYAI_ANTHROPIC_OUTPUT"), "tool") == 0)
    return TRUE;
  g_mutex_lock (&tool_only_lock);
  result = tool_only_urls != NULL && g_hash_table_contains (tool_only_urls, self->base_url);
  g_mutex_unlock (&tool_only_lock);
  return result;
}

static void
remember_tool_only (HeyaiLlmAnthropic *self)
{
  g_mutex_lock (&tool_only_lock);
  if (tool_only_urls == NULL)
    tool_only_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (tool_only_urls, g_strdup (self->base_url));
  g_mutex_unlock (&tool_only_lock);
}

void
heyai_llm_anthropic_forget_fallbacks (void)
{
  g_mutex_lock (&tool_only_lock);
  g_clear_pointer (&tool_only_urls, g_hash_table_unref);
  g_mutex_unlock (&tool_only_lock);
}

static void llm_iface_init (HeyaiLlmInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiLlmAnthropic, heyai_llm_anthropic, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_LLM, llm_iface_init))

enum {
  PROP_0,
  PROP_MODEL,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* Error envelope: {"type":"error","error":{"type","message","details"?}}   */

static HeyaiHttpVerdict
classify (HeyaiHttpResponse  *response,
          GError            **error,
          gpointer            user_data)
{
  HeyaiLlmAnthropic *self = user_data;
  guint status = heyai_http_response_get_status (response);
  const char *label = heyai_http_get_label (self->http);
  JsonObject *root;
  JsonObject *err = NULL;
  const char *type = NULL;
  const char *details_code = NULL;
  g_autofree char *detail = NULL;

  if (status >= 200 && status < 300)
    return HEYAI_HTTP_VERDICT_DEFAULT;

  root = heyai_http_response_get_object (response, NULL);
  if (root != NULL && json_object_has_member (root, "error") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error")))
    {
      err = json_object_get_object_member (root, "error");
      type = heyai_json_object_get_string_or_null (err, "type");
      if (json_object_has_member (err, "details") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (err, "details")))
        details_code = heyai_json_object_get_string_or_null (
                         json_object_get_object_member (err, "details"), "error_code");
    }
  detail = heyai_http_response_dup_error_detail (response);

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
   * versions, proxies, compatible servers): the caller falls back to the
   * forced tool once. */
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
                   label, self->model);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 400:
      heyai_llm_set_rejected_error (error, label, detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 429:
      heyai_llm_set_rate_limit_error (error, label);
      return HEYAI_HTTP_VERDICT_RETRY;
    case 529:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                   _("%s is overloaded right now. Try again in a few minutes."), label);
      return HEYAI_HTTP_VERDICT_RETRY;
    default:
      return HEYAI_HTTP_VERDICT_DEFAULT;
    }
}

/* ---------------------------------------------------------------------- */
/* split                                                                   */

typedef struct
{
  HeyaiProject *project;
  char         *system;
  JsonArray    *messages;
  guint         round;
} SplitData;

static void
split_data_free (SplitData *data)
{
  g_clear_object (&data->project);
  g_free (data->system);
  g_clear_pointer (&data->messages, json_array_unref);
  g_free (data);
}

static JsonNode *
build_body (HeyaiLlmAnthropic *self,
            SplitData         *data,
            gboolean           with_tool)
{
  JsonObject *body = json_object_new ();
  JsonNode *node;

  json_object_set_string_member (body, "model", self->model);
  json_object_set_int_member (body, "max_tokens", MAX_OUTPUT_TOKENS);
  json_object_set_string_member (body, "system", data->system);
  json_object_set_array_member (body, "messages", json_array_ref (data->messages));
  json_object_set_double_member (body, "temperature", 0.4);

  if (!with_tool)
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

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, body);
  return node;
}

static void send_split (GTask *task);

/* The first text block, for refusals. */
static const char *
first_text (JsonArray *content)
{
  for (guint i = 0; content != NULL && i < json_array_get_length (content); i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      JsonObject *block;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      block = json_node_get_object (node);
      if (g_strcmp0 (heyai_json_object_get_string_or_null (block, "type"), "text") == 0)
        return heyai_json_object_get_string_or_null (block, "text");
    }
  return NULL;
}

/* Every text block, in order (native structured output). */
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

static JsonObject *
find_tool_use (JsonArray *content)
{
  for (guint i = 0; content != NULL && i < json_array_get_length (content); i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      JsonObject *block;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      block = json_node_get_object (node);
      if (g_strcmp0 (heyai_json_object_get_string_or_null (block, "type"), "tool_use") == 0 &&
          g_strcmp0 (heyai_json_object_get_string_or_null (block, "name"), HEYAI_LLM_SCHEMA_NAME) == 0)
        return block;
    }
  return NULL;
}

static void
split_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmAnthropic *self = g_task_get_source_object (task);
  SplitData *data = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  const char *label = heyai_http_get_label (self->http);
  JsonObject *root;
  JsonArray *content = NULL;
  JsonObject *tool_use;
  JsonNode *input = NULL;
  const char *stop_reason;
  g_autofree char *answer_text = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      if (self->output_config_refused && !uses_tool (self))
        {
          /* Once per base URL and session: the forced tool instead. */
          g_debug ("%s refused output_config (%s); using the forced tool", label, error->message);
          self->output_config_refused = FALSE;
          remember_tool_only (self);
          send_split (g_steal_pointer (&task));
          return;
        }
      self->output_config_refused = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = heyai_http_response_get_object (response, &error);
  if (root == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                               _("%s sent an answer HeyAI does not understand. Try again."), label);
      return;
    }
  if (json_object_has_member (root, "content") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "content")))
    content = json_object_get_array_member (root, "content");
  stop_reason = heyai_json_object_get_string_or_null (root, "stop_reason");

  if (g_strcmp0 (stop_reason, "refusal") == 0)
    {
      g_autofree char *shown = heyai_http_redact (first_text (content));

      heyai_llm_set_refusal_error (&error, label, shown);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_strcmp0 (stop_reason, "max_tokens") == 0 ||
      g_strcmp0 (stop_reason, "model_context_window_exceeded") == 0)
    {
      heyai_llm_set_cut_off_error (&error, label);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A tool call when we forced one (or a server chose it anyway), else the
   * text blocks of native structured output. */
  tool_use = find_tool_use (content);
  if (tool_use != NULL)
    input = json_object_get_member (tool_use, "input");
  else
    answer_text = all_text (content);

  if (input == NULL && answer_text != NULL)
    {
      g_autoptr(JsonNode) parsed = heyai_llm_parse_reply_text (answer_text, &error);

      if (parsed != NULL)
        {
          g_task_return_pointer (task, heyai_llm_scenes_from_reply (parsed, data->project),
                                 (GDestroyNotify) g_ptr_array_unref);
          return;
        }
    }
  else if (input == NULL)
    g_set_error (&error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                 "no %s tool call in the answer", HEYAI_LLM_SCHEMA_NAME);
  else if (!JSON_NODE_HOLDS_OBJECT (input) && JSON_NODE_HOLDS_VALUE (input) &&
           json_node_get_value_type (input) == G_TYPE_STRING)
    {
      /* Some proxies hand the input back as JSON text. */
      g_autoptr(JsonNode) parsed = heyai_llm_parse_reply_text (json_node_get_string (input), &error);

      if (parsed != NULL)
        {
          g_task_return_pointer (task, heyai_llm_scenes_from_reply (parsed, data->project),
                                 (GDestroyNotify) g_ptr_array_unref);
          return;
        }
    }
  else if (heyai_llm_validate_reply (input, &error))
    {
      g_task_return_pointer (task, heyai_llm_scenes_from_reply (input, data->project),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (data->round > 0)
    {
      g_autoptr(GError) unusable = NULL;

      heyai_llm_set_unusable_error (&unusable, label, error->message);
      g_task_return_error (task, g_steal_pointer (&unusable));
      return;
    }

  /* Repair: give the model its own answer back with the problem. */
  {
    g_autofree char *repair = heyai_llm_repair_prompt (error->message);
    JsonObject *assistant = json_object_new ();
    JsonObject *user = json_object_new ();
    JsonArray *blocks = json_array_new ();
    JsonObject *text = json_object_new ();

    g_debug ("Anthropic reply invalid (%s), asking for a correction", error->message);

    json_object_set_string_member (assistant, "role", "assistant");
    if (content != NULL && json_array_get_length (content) > 0)
      json_object_set_array_member (assistant, "content", json_array_ref (content));
    else
      json_object_set_string_member (assistant, "content", "(no answer)");
    json_array_add_object_element (data->messages, assistant);

    if (tool_use != NULL && heyai_json_object_get_string_or_null (tool_use, "id") != NULL)
      {
        JsonObject *tool_result = json_object_new ();

        json_object_set_string_member (tool_result, "type", "tool_result");
        json_object_set_string_member (tool_result, "tool_use_id",
                                       heyai_json_object_get_string_or_null (tool_use, "id"));
        json_object_set_boolean_member (tool_result, "is_error", TRUE);
        json_object_set_string_member (tool_result, "content", error->message);
        json_array_add_object_element (blocks, tool_result);
      }
    json_object_set_string_member (text, "type", "text");
    json_object_set_string_member (text, "text", repair);
    json_array_add_object_element (blocks, text);

    json_object_set_string_member (user, "role", "user");
    json_object_set_array_member (user, "content", blocks);
    json_array_add_object_element (data->messages, user);

    data->round++;
    send_split (g_steal_pointer (&task));
  }
}

static void
send_split (GTask *task)
{
  HeyaiLlmAnthropic *self = g_task_get_source_object (task);
  SplitData *data = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("POST", "/v1/messages");
  g_autoptr(JsonNode) body = build_body (self, data, uses_tool (self));

  self->output_config_refused = FALSE;
  heyai_http_request_set_header (request, "x-api-key", self->api_key);
  heyai_http_request_set_header (request, "anthropic-version", HEYAI_ANTHROPIC_VERSION);
  heyai_http_request_set_json (request, body);

  heyai_http_send_async (self->http, request, g_task_get_cancellable (task), split_sent_cb, task);
}

static void
key_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmAnthropic *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = heyai_secrets_get_finish (result, &error);

  if (key == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->api_key == NULL)
    self->api_key = g_steal_pointer (&key);
  send_split (g_steal_pointer (&task));
}

static void
heyai_llm_anthropic_split_async (HeyaiLlm            *llm,
                                 HeyaiProject        *project,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (llm);
  g_autoptr(GTask) task = NULL;
  g_autofree char *user_text = NULL;
  JsonObject *user;
  SplitData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_llm_anthropic_split_async);

  data = g_new0 (SplitData, 1);
  data->project = g_object_ref (project);
  data->system = heyai_llm_system_prompt (project);
  data->messages = json_array_new ();
  user_text = heyai_llm_user_prompt (project);
  user = json_object_new ();
  json_object_set_string_member (user, "role", "user");
  json_object_set_string_member (user, "content", user_text);
  json_array_add_object_element (data->messages, user);
  g_task_set_task_data (task, data, (GDestroyNotify) split_data_free);

  if (self->api_key != NULL && *self->api_key != '\0')
    send_split (g_steal_pointer (&task));
  else
    heyai_secrets_get_async (HEYAI_SECRET_ANTHROPIC, cancellable, key_cb, g_steal_pointer (&task));
}

static GPtrArray *
heyai_llm_anthropic_split_finish (HeyaiLlm      *llm,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, llm), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static const char *
heyai_llm_anthropic_get_name (HeyaiLlm *llm)
{
  return "anthropic";
}

static const char *
heyai_llm_anthropic_get_model (HeyaiLlm *llm)
{
  return HEYAI_LLM_ANTHROPIC (llm)->model;
}

static void
llm_iface_init (HeyaiLlmInterface *iface)
{
  iface->get_name = heyai_llm_anthropic_get_name;
  iface->get_model = heyai_llm_anthropic_get_model;
  iface->split_async = heyai_llm_anthropic_split_async;
  iface->split_finish = heyai_llm_anthropic_split_finish;
}

static void
heyai_llm_anthropic_constructed (GObject *object)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (object);

  G_OBJECT_CLASS (heyai_llm_anthropic_parent_class)->constructed (object);

  if (self->base_url == NULL)
    self->base_url = heyai_provider_descriptor_dup_base_url (heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, "anthropic"));
  if (self->model == NULL)
    self->model = heyai_llm_dup_default_model ("HEYAI_ANTHROPIC_MODEL", HEYAI_LLM_ANTHROPIC_DEFAULT_MODEL);

  self->http = heyai_http_new (self->base_url, heyai_provider_descriptor_label (heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, "anthropic")));
  heyai_http_set_classifier (self->http, classify, self, NULL);
  heyai_http_set_timeout (self->http, REQUEST_TIMEOUT_S);
}

static void
heyai_llm_anthropic_finalize (GObject *object)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->model, g_free);
  heyai_llm_clear_secret (&self->api_key);

  G_OBJECT_CLASS (heyai_llm_anthropic_parent_class)->finalize (object);
}

static void
heyai_llm_anthropic_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_llm_anthropic_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HeyaiLlmAnthropic *self = HEYAI_LLM_ANTHROPIC (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      if (heyai_llm_set_model_field (&self->model, g_value_get_string (value)) &&
          self->http != NULL)
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_BASE_URL:
      g_free (self->base_url);
      self->base_url = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_llm_anthropic_class_init (HeyaiLlmAnthropicClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = heyai_llm_anthropic_constructed;
  object_class->finalize = heyai_llm_anthropic_finalize;
  object_class->get_property = heyai_llm_anthropic_get_property;
  object_class->set_property = heyai_llm_anthropic_set_property;

  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
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
  HeyaiLlmAnthropic *self = g_object_new (HEYAI_TYPE_LLM_ANTHROPIC,
                                          "base-url", base_url,
                                          "model", model,
                                          NULL);

  self->api_key = g_strdup (api_key);
  return self;
}

GObject *
heyai_llm_anthropic_create (const char  *data_dir,
                            GError     **error)
{
  g_autofree char *key = heyai_secrets_dup_from_env (HEYAI_SECRET_ANTHROPIC);

  return G_OBJECT (heyai_llm_anthropic_new (NULL, key, NULL));
}

HeyaiHttp *
heyai_llm_anthropic_get_http (HeyaiLlmAnthropic *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_ANTHROPIC (self), NULL);

  return self->http;
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
  heyai_http_request_set_header (request, "x-api-key", self->api_key);
  heyai_http_request_set_header (request, "anthropic-version", HEYAI_ANTHROPIC_VERSION);
  heyai_http_request_set_max_attempts (request, 2);
  heyai_http_send_async (self->http, request, g_task_get_cancellable (task), test_models_cb, task);
}

static void
test_key_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmAnthropic *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = heyai_secrets_get_finish (result, &error);

  if (key == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->api_key == NULL)
    self->api_key = g_steal_pointer (&key);
  test_send (g_steal_pointer (&task));
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
  if (self->api_key != NULL && *self->api_key != '\0')
    test_send (g_steal_pointer (&task));
  else
    heyai_secrets_get_async (HEYAI_SECRET_ANTHROPIC, cancellable, test_key_cb, g_steal_pointer (&task));
}

gboolean
heyai_llm_anthropic_test_finish (HeyaiLlmAnthropic  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
