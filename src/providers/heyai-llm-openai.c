/* heyai-llm-openai.c: the OpenAI / OpenAI-compatible LLM client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-llm-openai.h"
#include "heyai-provider-descriptors.h"
#include "heyai-llm-remote.h"
#include "heyai-llm-schema.h"
#include "heyai-secrets.h"

#define MAX_OUTPUT_TOKENS 16000

struct _HeyaiLlmOpenai
{
  HeyaiLlmRemote    parent_instance;

  char             *token_field;  /* NULL: by base URL */
  HeyaiLlmOpenaiApi api;
};

G_DEFINE_FINAL_TYPE (HeyaiLlmOpenai, heyai_llm_openai, HEYAI_TYPE_LLM_REMOTE)

#define HTTP(self)  heyai_llm_remote_get_http (HEYAI_LLM_REMOTE (self))
#define MODEL(self) heyai_llm_remote_get_model (HEYAI_LLM_REMOTE (self))

/* ---------------------------------------------------------------------- */
/* Error envelope {"error":{"type","code","message"}}: OpenAI's own cases   */

static HeyaiHttpVerdict
classify (HeyaiLlmRemote  *owner,
          guint        status,
          JsonObject  *err,
          const char  *detail,
          GError     **error)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (owner);
  const char *code = heyai_json_object_get_string_or_null (err, "code");
  const char *type = heyai_json_object_get_string_or_null (err, "type");
  const char *message = heyai_json_object_get_string_or_null (err, "message");
  const char *label = heyai_http_get_label (HTTP (self));

  if (status == 429 &&
      (g_strcmp0 (code, "insufficient_quota") == 0 || g_strcmp0 (type, "insufficient_quota") == 0))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                   _("%s says the account has no credit left (insufficient quota). "
                     "Add credit to the account or choose another script provider."), label);
      return HEYAI_HTTP_VERDICT_FINAL;
    }

  if (status == 401)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("%s rejected the API key. Check OPENAI_API_KEY or the key in Preferences → Providers."),
                   label);
      return HEYAI_HTTP_VERDICT_FINAL;
    }

  if (status == 404 && (g_strcmp0 (code, "model_not_found") == 0 ||
                        (message != NULL && strstr (message, "model") != NULL)))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
                   _("%s does not offer the model “%s”. Set HEYAI_OPENAI_MODEL to a model the server has."),
                   label, MODEL (self));
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  (void) detail;
  return HEYAI_HTTP_VERDICT_DEFAULT;
}

/* ---------------------------------------------------------------------- */
/* Request body                                                            */

static JsonObject *
message_new (const char *role,
             const char *content)
{
  JsonObject *m = json_object_new ();

  json_object_set_string_member (m, "role", role);
  json_object_set_string_member (m, "content", content != NULL ? content : "");
  return m;
}

static JsonObject *
schema_format_new (void)
{
  JsonObject *js = json_object_new ();

  json_object_set_string_member (js, "name", HEYAI_LLM_SCHEMA_NAME);
  json_object_set_string_member (js, "description", "The trailer's scenes, in order.");
  json_object_set_boolean_member (js, "strict", TRUE);
  json_object_set_member (js, "schema", heyai_llm_scene_schema ());
  return js;
}

/* Chat Completions (section 4.1): OpenAI-compatible servers, or
 * HEYAI_OPENAI_API=chat. */
static JsonNode *
build_chat_body (HeyaiLlmOpenai             *self,
                 const HeyaiLlmConversation *conversation)
{
  JsonObject *body = json_object_new ();
  JsonObject *format = json_object_new ();
  JsonArray *messages = json_array_new ();
  JsonNode *node;

  json_array_add_object_element (messages, message_new ("system", conversation->system));
  for (guint i = 0; i < json_array_get_length (conversation->messages); i++)
    json_array_add_element (messages, json_node_copy (json_array_get_element (conversation->messages, i)));

  json_object_set_string_member (body, "model", MODEL (self));
  json_object_set_array_member (body, "messages", messages);
  /* OpenAI's GPT-5 models answer 400 to any temperature but 1: omit it
   * there; local servers get a steady one. */
  if (!heyai_llm_openai_is_official (self) && !g_str_has_prefix (MODEL (self), "gpt-5") &&
      !g_regex_match_simple ("^o[0-9]", MODEL (self), 0, 0))
    json_object_set_double_member (body, "temperature", 0.4);
  json_object_set_int_member (body, heyai_llm_openai_get_token_field (self), MAX_OUTPUT_TOKENS);

  json_object_set_string_member (format, "type", "json_schema");
  json_object_set_object_member (format, "json_schema", schema_format_new ());
  json_object_set_object_member (body, "response_format", format);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, body);
  return node;
}

/* Responses API (contracts C.2 item 6): instructions + input items, a
 * strict json_schema text format, store false, no temperature. */
static JsonNode *
build_responses_body (HeyaiLlmOpenai             *self,
                      const HeyaiLlmConversation *conversation)
{
  JsonObject *body = json_object_new ();
  JsonObject *text = json_object_new ();
  JsonObject *format = schema_format_new ();
  JsonArray *input = json_array_new ();
  JsonNode *node;

  for (guint i = 0; i < json_array_get_length (conversation->messages); i++)
    {
      JsonObject *m = json_array_get_object_element (conversation->messages, i);
      const char *role = json_object_get_string_member (m, "role");
      const char *content = json_object_get_string_member (m, "content");
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "role", role);
      if (g_str_equal (role, "user"))
        {
          JsonArray *parts = json_array_new ();
          JsonObject *part = json_object_new ();

          json_object_set_string_member (part, "type", "input_text");
          json_object_set_string_member (part, "text", content);
          json_array_add_object_element (parts, part);
          json_object_set_array_member (item, "content", parts);
        }
      else
        json_object_set_string_member (item, "content", content);   /* an earlier answer */
      json_array_add_object_element (input, item);
    }

  json_object_set_string_member (body, "model", MODEL (self));
  if (conversation->system != NULL && *conversation->system != '\0')
    json_object_set_string_member (body, "instructions", conversation->system);
  json_object_set_array_member (body, "input", input);
  json_object_set_int_member (body, "max_output_tokens", MAX_OUTPUT_TOKENS);
  json_object_set_string_member (format, "type", "json_schema");
  json_object_remove_member (format, "description");
  json_object_set_object_member (text, "format", format);
  json_object_set_object_member (body, "text", text);
  json_object_set_boolean_member (body, "store", FALSE);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, body);
  return node;
}

static HeyaiHttpRequest *
build_request (HeyaiLlmRemote             *owner,
               const HeyaiLlmConversation *conversation,
               const char                 *api_key)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (owner);
  gboolean responses = self->api == HEYAI_LLM_OPENAI_API_RESPONSES;
  HeyaiHttpRequest *request = heyai_http_request_new ("POST", responses ? "/responses"
                                                                        : "/chat/completions");
  g_autoptr(JsonNode) body = responses ? build_responses_body (self, conversation)
                                       : build_chat_body (self, conversation);

  if (api_key != NULL && *api_key != '\0')
    heyai_http_request_set_bearer (request, api_key);
  heyai_http_request_set_json (request, body);
  return request;
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                 */

/* Chat Completions answer (section 4.2) -> the JSON text, or an error. */
static HeyaiLlmAnswer
read_chat_answer (HeyaiLlmOpenai  *self,
                  JsonObject      *root,
                  char           **text,
                  GError         **error)
{
  const char *label = heyai_http_get_label (HTTP (self));
  JsonArray *choices;
  JsonObject *choice;
  JsonObject *message = NULL;
  const char *finish_reason;
  const char *refusal;

  if (!json_object_has_member (root, "choices") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "choices")) ||
      json_array_get_length (choices = json_object_get_array_member (root, "choices")) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("%s sent an answer HeyAI does not understand (no choices). Try again."), label);
      return HEYAI_LLM_ANSWER_FAILED;
    }

  choice = json_array_get_object_element (choices, 0);
  if (json_object_has_member (choice, "message") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (choice, "message")))
    message = json_object_get_object_member (choice, "message");
  finish_reason = heyai_json_object_get_string_or_null (choice, "finish_reason");
  refusal = heyai_json_object_get_string_or_null (message, "refusal");

  if (refusal != NULL && *refusal != '\0')
    {
      g_autofree char *shown = heyai_http_redact (refusal);

      heyai_llm_set_refusal_error (error, label, shown);
      return HEYAI_LLM_ANSWER_FAILED;
    }
  if (g_strcmp0 (finish_reason, "content_filter") == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                   _("%s stopped the answer for its content policy. Edit the script and try again."),
                   label);
      return HEYAI_LLM_ANSWER_FAILED;
    }
  if (g_strcmp0 (finish_reason, "length") == 0)
    {
      heyai_llm_set_cut_off_error (error, label);
      return HEYAI_LLM_ANSWER_FAILED;
    }
  *text = g_strdup (heyai_json_object_get_string_or_null (message, "content"));
  return HEYAI_LLM_ANSWER_TEXT;
}

/* Responses API answer (contracts C.2 item 7): the output_text parts of the
 * message items, in order; reasoning and other items skipped. */
static HeyaiLlmAnswer
read_responses_answer (HeyaiLlmOpenai  *self,
                       JsonObject      *root,
                       char           **out_text,
                       GError         **error)
{
  const char *label = heyai_http_get_label (HTTP (self));
  const char *status = heyai_json_object_get_string_or_null (root, "status");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) refusal = g_string_new (NULL);
  gboolean saw_message = FALSE;
  JsonArray *output = NULL;

  if (g_strcmp0 (status, "failed") == 0)
    {
      JsonObject *err = json_object_has_member (root, "error") &&
                        JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error"))
                          ? json_object_get_object_member (root, "error") : NULL;
      g_autofree char *message = heyai_http_redact (heyai_json_object_get_string_or_null (err, "message"));

      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                   _("%s could not finish the answer (%s). Try again."),
                   label, message != NULL ? message : _("no reason given"));
      return HEYAI_LLM_ANSWER_FAILED;
    }

  if (json_object_has_member (root, "output") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "output")))
    output = json_object_get_array_member (root, "output");
  for (guint i = 0; output != NULL && i < json_array_get_length (output); i++)
    {
      JsonNode *node = json_array_get_element (output, i);
      JsonObject *item;
      JsonArray *content;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      item = json_node_get_object (node);
      if (g_strcmp0 (heyai_json_object_get_string_or_null (item, "type"), "message") != 0 ||
          !json_object_has_member (item, "content") ||
          !JSON_NODE_HOLDS_ARRAY (json_object_get_member (item, "content")))
        continue;
      saw_message = TRUE;
      content = json_object_get_array_member (item, "content");
      for (guint j = 0; j < json_array_get_length (content); j++)
        {
          JsonNode *pnode = json_array_get_element (content, j);
          JsonObject *part;
          const char *type;

          if (!JSON_NODE_HOLDS_OBJECT (pnode))
            continue;
          part = json_node_get_object (pnode);
          type = heyai_json_object_get_string_or_null (part, "type");
          if (g_strcmp0 (type, "output_text") == 0)
            g_string_append (text, heyai_json_object_get_string_or_null (part, "text") ?: "");
          else if (g_strcmp0 (type, "refusal") == 0)
            g_string_append (refusal, heyai_json_object_get_string_or_null (part, "refusal") ?: "");
        }
    }

  if (refusal->len > 0)
    {
      g_autofree char *shown = heyai_http_redact (refusal->str);

      heyai_llm_set_refusal_error (error, label, shown);
      return HEYAI_LLM_ANSWER_FAILED;
    }
  if (g_strcmp0 (status, "incomplete") == 0)
    {
      JsonObject *details = json_object_has_member (root, "incomplete_details") &&
                            JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "incomplete_details"))
                              ? json_object_get_object_member (root, "incomplete_details") : NULL;

      /* The JSON is cut: never used. */
      if (g_strcmp0 (heyai_json_object_get_string_or_null (details, "reason"), "content_filter") == 0)
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                     _("%s stopped the answer for its content policy. Edit the script and try again."),
                     label);
      else
        heyai_llm_set_cut_off_error (error, label);
      return HEYAI_LLM_ANSWER_FAILED;
    }
  if ((status != NULL && g_strcmp0 (status, "completed") != 0) || !saw_message)
    {
      /* The status is the server's text: redacted like any other. */
      g_autofree char *shown = heyai_http_redact (status != NULL ? status : "");

      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("%s sent an answer HeyAI does not understand (status “%s”, no message). Try again."),
                   label, shown);
      return HEYAI_LLM_ANSWER_FAILED;
    }
  *out_text = g_string_free (g_steal_pointer (&text), FALSE);
  return HEYAI_LLM_ANSWER_TEXT;
}

static HeyaiLlmAnswer
read_answer (HeyaiLlmRemote  *owner,
             JsonObject  *root,
             char       **text,
             JsonNode   **node,
             GError     **error)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (owner);

  return self->api == HEYAI_LLM_OPENAI_API_RESPONSES
           ? read_responses_answer (self, root, text, error)
           : read_chat_answer (self, root, text, error);
}

static void
add_repair (HeyaiLlmRemote       *owner,
            HeyaiLlmConversation *conversation,
            JsonObject           *root,
            const char           *text,
            const char           *problem)
{
  g_autofree char *repair = heyai_llm_repair_prompt (problem);

  json_array_add_object_element (conversation->messages, message_new ("assistant", text));
  json_array_add_object_element (conversation->messages, message_new ("user", repair));
}

static gboolean
key_optional (HeyaiLlmRemote *owner)
{
  /* A local server needs no key; OpenAI's own does. */
  return !heyai_llm_openai_is_official (HEYAI_LLM_OPENAI (owner));
}

/* ---------------------------------------------------------------------- */
/* list models                                                             */

static void
models_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  JsonObject *root;
  JsonArray *array;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = heyai_http_response_get_object (response, NULL);
  if (root == NULL || !json_object_has_member (root, "data") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "data")))
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                               _("%s answered, but not with a model list. Is the base URL right?"),
                               heyai_http_get_label (HEYAI_HTTP (source)));
      return;
    }

  ids = g_ptr_array_new_with_free_func (g_free);
  array = json_object_get_array_member (root, "data");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      id = heyai_json_object_get_string_or_null (json_node_get_object (element), "id");
      if (id != NULL)
        g_ptr_array_add (ids, g_strdup (id));
    }
  g_ptr_array_add (ids, NULL);
  g_task_return_pointer (task, g_ptr_array_free (g_steal_pointer (&ids), FALSE),
                         (GDestroyNotify) g_strfreev);
}

static void
send_models (GTask *task)
{
  HeyaiLlmOpenai *self = g_task_get_source_object (task);
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("GET", "/models");
  const char *api_key = heyai_llm_remote_get_api_key (HEYAI_LLM_REMOTE (self));

  if (api_key != NULL && *api_key != '\0')
    heyai_http_request_set_bearer (request, api_key);
  heyai_http_send_async (HTTP (self), request, g_task_get_cancellable (task), models_cb, task);
}

void
heyai_llm_openai_list_models_async (HeyaiLlmOpenai      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HEYAI_IS_LLM_OPENAI (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_llm_openai_list_models_async);
  heyai_llm_remote_with_key (HEYAI_LLM_REMOTE (self), g_steal_pointer (&task), send_models);
}

char **
heyai_llm_openai_list_models_finish (HeyaiLlmOpenai  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static const char *
get_label (HeyaiLlmRemote *remote)
{
  return heyai_llm_openai_is_official (HEYAI_LLM_OPENAI (remote)) ? NULL : _("The OpenAI-compatible server");
}

static void
heyai_llm_openai_constructed (GObject *object)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (object);

  G_OBJECT_CLASS (heyai_llm_openai_parent_class)->constructed (object);

  self->api = heyai_llm_openai_default_api (heyai_llm_remote_get_base_url (HEYAI_LLM_REMOTE (self)), NULL);
}

static void
heyai_llm_openai_finalize (GObject *object)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (object);

  g_clear_pointer (&self->token_field, g_free);

  G_OBJECT_CLASS (heyai_llm_openai_parent_class)->finalize (object);
}

static void
heyai_llm_openai_class_init (HeyaiLlmOpenaiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HeyaiLlmRemoteClass *remote_class = HEYAI_LLM_REMOTE_CLASS (klass);

  object_class->constructed = heyai_llm_openai_constructed;
  object_class->finalize = heyai_llm_openai_finalize;

  remote_class->name = "openai";
  remote_class->default_model = HEYAI_LLM_OPENAI_DEFAULT_MODEL;
  remote_class->log_name = "OpenAI";
  remote_class->secret = HEYAI_SECRET_OPENAI;
  remote_class->get_label = get_label;
  remote_class->key_optional = key_optional;
  remote_class->build_request = build_request;
  remote_class->read_answer = read_answer;
  remote_class->add_repair = add_repair;
  remote_class->classify = classify;
}

static void
heyai_llm_openai_init (HeyaiLlmOpenai *self)
{
}

HeyaiLlmOpenai *
heyai_llm_openai_new (const char *base_url,
                      const char *api_key,
                      const char *model)
{
  return heyai_llm_remote_new (HEYAI_TYPE_LLM_OPENAI, base_url, api_key, model);
}

HeyaiLlmOpenai *
heyai_llm_openai_new_for_config (const HeyaiProviderConfig *config,
                                 const char                *api_key)
{
  HeyaiLlmOpenai *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = heyai_llm_openai_new (config->openai_base_url, api_key, config->openai_model);
  self->api = heyai_llm_openai_default_api (heyai_llm_remote_get_base_url (HEYAI_LLM_REMOTE (self)),
                                            config->openai_api);
  heyai_llm_openai_set_token_field (self, config->openai_token_field);
  return self;
}

GObject *
heyai_llm_openai_create (const char  *data_dir,
                         GError     **error)
{
  g_auto(HeyaiProviderConfig) config = { 0 };
  g_autofree char *key = heyai_secrets_dup_from_env (HEYAI_SECRET_OPENAI);

  /* Without OPENAI_API_KEY the key is looked up in the keyring on first
   * use; a missing key then fails the request with the variable's name. */
  heyai_provider_config_init_from_env (&config, data_dir);
  return G_OBJECT (heyai_llm_openai_new_for_config (&config, key));
}

gboolean
heyai_llm_openai_is_official (HeyaiLlmOpenai *self)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  g_return_val_if_fail (HEYAI_IS_LLM_OPENAI (self), FALSE);

  uri = g_uri_parse (heyai_llm_remote_get_base_url (HEYAI_LLM_REMOTE (self)), G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  return g_ascii_strcasecmp (host, "api.openai.com") == 0;
}

const char *
heyai_llm_openai_get_token_field (HeyaiLlmOpenai *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_OPENAI (self), NULL);

  if (self->token_field != NULL)
    return self->token_field;
  return heyai_llm_openai_is_official (self) ? "max_completion_tokens" : "max_tokens";
}

void
heyai_llm_openai_set_token_field (HeyaiLlmOpenai *self,
                                  const char     *field)
{
  g_return_if_fail (HEYAI_IS_LLM_OPENAI (self));

  g_clear_pointer (&self->token_field, g_free);
  if (g_strcmp0 (field, "max_tokens") == 0 || g_strcmp0 (field, "max_completion_tokens") == 0)
    self->token_field = g_strdup (field);
}

HeyaiHttp *
heyai_llm_openai_get_http (HeyaiLlmOpenai *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_OPENAI (self), NULL);

  return HTTP (self);
}

HeyaiLlmOpenaiApi
heyai_llm_openai_default_api (const char *base_url,
                              const char *setting)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (g_strcmp0 (setting, "responses") == 0)
    return HEYAI_LLM_OPENAI_API_RESPONSES;
  if (g_strcmp0 (setting, "chat") == 0)
    return HEYAI_LLM_OPENAI_API_CHAT;
  if (base_url == NULL)
    return HEYAI_LLM_OPENAI_API_RESPONSES;   /* the default base URL is OpenAI's */
  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && (host = g_uri_get_host (uri)) != NULL &&
      g_ascii_strcasecmp (host, "api.openai.com") == 0)
    return HEYAI_LLM_OPENAI_API_RESPONSES;
  return HEYAI_LLM_OPENAI_API_CHAT;
}

HeyaiLlmOpenaiApi
heyai_llm_openai_get_api (HeyaiLlmOpenai *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_OPENAI (self), HEYAI_LLM_OPENAI_API_CHAT);
  return self->api;
}

void
heyai_llm_openai_set_api (HeyaiLlmOpenai    *self,
                          HeyaiLlmOpenaiApi  api)
{
  g_return_if_fail (HEYAI_IS_LLM_OPENAI (self));
  self->api = api;
}
