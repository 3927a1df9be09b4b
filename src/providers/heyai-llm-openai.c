/* heyai-llm-openai.c: the OpenAI / OpenAI-compatible LLM client.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-llm-openai.h"
#include "heyai-provider-descriptors.h"
#include "heyai-llm-schema.h"
#include "heyai-secrets.h"

#define MAX_OUTPUT_TOKENS 16000
#define REQUEST_TIMEOUT_S 300

struct _HeyaiLlmOpenai
{
  GObject    parent_instance;

  HeyaiHttp *http;
  char      *base_url;
  char      *model;
  char      *api_key;      /* NULL: not resolved yet; "": none */
  HeyaiLlmOpenaiApi api;
};

static void llm_iface_init (HeyaiLlmInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiLlmOpenai, heyai_llm_openai, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_LLM, llm_iface_init))

enum {
  PROP_0,
  PROP_MODEL,
  PROP_BASE_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* Error envelope                                                          */

static HeyaiHttpVerdict
classify (HeyaiHttpResponse  *response,
          GError            **error,
          gpointer            user_data)
{
  HeyaiLlmOpenai *self = user_data;
  guint status = heyai_http_response_get_status (response);
  JsonObject *root;
  JsonObject *err = NULL;
  const char *code = NULL;
  const char *type = NULL;
  const char *message = NULL;
  const char *label = heyai_http_get_label (self->http);

  if (status >= 200 && status < 300)
    return HEYAI_HTTP_VERDICT_DEFAULT;

  root = heyai_http_response_get_object (response, NULL);
  if (root != NULL && json_object_has_member (root, "error") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error")))
    {
      err = json_object_get_object_member (root, "error");
      code = heyai_json_object_get_string_or_null (err, "code");
      type = heyai_json_object_get_string_or_null (err, "type");
      message = heyai_json_object_get_string_or_null (err, "message");
    }

  if (status == 429)
    {
      if (g_strcmp0 (code, "insufficient_quota") == 0 || g_strcmp0 (type, "insufficient_quota") == 0)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                       _("%s says the account has no credit left (insufficient quota). "
                         "Add credit to the account or choose another script provider."), label);
          return HEYAI_HTTP_VERDICT_FINAL;
        }
      heyai_llm_set_rate_limit_error (error, label);
      return HEYAI_HTTP_VERDICT_RETRY;
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
                   label, self->model);
      return HEYAI_HTTP_VERDICT_FINAL;
    }

  if (status == 400 || status == 422)
    {
      g_autofree char *detail = heyai_http_response_dup_error_detail (response);

      heyai_llm_set_rejected_error (error, label, detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    }

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
build_chat_body (HeyaiLlmOpenai *self,
                 JsonArray      *messages)
{
  JsonObject *body = json_object_new ();
  JsonObject *format = json_object_new ();
  JsonNode *node;

  json_object_set_string_member (body, "model", self->model);
  json_object_set_array_member (body, "messages", json_array_ref (messages));
  /* OpenAI's GPT-5 models answer 400 to any temperature but 1: omit it
   * there; local servers get a steady one. */
  if (!heyai_llm_openai_is_official (self) && !g_str_has_prefix (self->model, "gpt-5") &&
      !g_regex_match_simple ("^o[0-9]", self->model, 0, 0))
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
build_responses_body (HeyaiLlmOpenai *self,
                      JsonArray      *messages)
{
  JsonObject *body = json_object_new ();
  JsonObject *text = json_object_new ();
  JsonObject *format = schema_format_new ();
  JsonArray *input = json_array_new ();
  g_autoptr(GString) instructions = g_string_new (NULL);
  JsonNode *node;

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);
      const char *role = json_object_get_string_member (m, "role");
      const char *content = json_object_get_string_member (m, "content");
      JsonObject *item;

      if (g_str_equal (role, "system"))
        {
          if (instructions->len > 0)
            g_string_append (instructions, "\n\n");
          g_string_append (instructions, content);
          continue;
        }
      item = json_object_new ();
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

  json_object_set_string_member (body, "model", self->model);
  if (instructions->len > 0)
    json_object_set_string_member (body, "instructions", instructions->str);
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

/* ---------------------------------------------------------------------- */
/* split                                                                   */

typedef struct
{
  HeyaiProject *project;
  JsonArray    *messages;
  guint         round;     /* 0: first answer, 1: after the repair prompt */
} SplitData;

static void
split_data_free (SplitData *data)
{
  g_clear_object (&data->project);
  g_clear_pointer (&data->messages, json_array_unref);
  g_free (data);
}

static void send_split (GTask *task);

/* Chat Completions answer (section 4.2) -> the JSON text, or an error. */
static char *
read_chat_answer (HeyaiLlmOpenai  *self,
                  JsonObject      *root,
                  GError         **error)
{
  const char *label = heyai_http_get_label (self->http);
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
      return NULL;
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
      return NULL;
    }
  if (g_strcmp0 (finish_reason, "content_filter") == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                   _("%s stopped the answer for its content policy. Edit the script and try again."),
                   label);
      return NULL;
    }
  if (g_strcmp0 (finish_reason, "length") == 0)
    {
      heyai_llm_set_cut_off_error (error, label);
      return NULL;
    }
  return g_strdup (heyai_json_object_get_string_or_null (message, "content"));
}

/* Responses API answer (contracts C.2 item 7): the output_text parts of the
 * message items, in order; reasoning and other items skipped. */
static char *
read_responses_answer (HeyaiLlmOpenai  *self,
                       JsonObject      *root,
                       GError         **error)
{
  const char *label = heyai_http_get_label (self->http);
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
      return NULL;
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
      return NULL;
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
      return NULL;
    }
  if ((status != NULL && g_strcmp0 (status, "completed") != 0) || !saw_message)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("%s sent an answer HeyAI does not understand (status “%s”, no message). Try again."),
                   label, status != NULL ? status : "");
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
split_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmOpenai *self = g_task_get_source_object (task);
  SplitData *data = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *content = NULL;
  const char *label = heyai_http_get_label (self->http);
  JsonObject *root;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = heyai_http_response_get_object (response, &error);
  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  content = self->api == HEYAI_LLM_OPENAI_API_RESPONSES
              ? read_responses_answer (self, root, &error)
              : read_chat_answer (self, root, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  reply = heyai_llm_parse_reply_text (content, &error);
  if (reply == NULL)
    {
      g_autofree char *repair = NULL;

      if (data->round > 0)
        {
          g_autoptr(GError) unusable = NULL;

          heyai_llm_set_unusable_error (&unusable, label, error->message);
          g_task_return_error (task, g_steal_pointer (&unusable));
          return;
        }

      g_debug ("OpenAI reply invalid (%s), asking for a correction", error->message);
      repair = heyai_llm_repair_prompt (error->message);
      json_array_add_object_element (data->messages,
                                     message_new ("assistant", content != NULL ? content : ""));
      json_array_add_object_element (data->messages, message_new ("user", repair));
      data->round++;
      send_split (g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, heyai_llm_scenes_from_reply (reply, data->project),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
send_split (GTask *task)
{
  HeyaiLlmOpenai *self = g_task_get_source_object (task);
  SplitData *data = g_task_get_task_data (task);
  gboolean responses = self->api == HEYAI_LLM_OPENAI_API_RESPONSES;
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("POST", responses ? "/responses"
                                                                                  : "/chat/completions");
  g_autoptr(JsonNode) body = responses ? build_responses_body (self, data->messages)
                                       : build_chat_body (self, data->messages);

  if (self->api_key != NULL && *self->api_key != '\0')
    heyai_http_request_set_bearer (request, self->api_key);
  heyai_http_request_set_json (request, body);

  heyai_http_send_async (self->http, request, g_task_get_cancellable (task),
                         split_sent_cb, task);
}

/* Runs @task's next step once the key is known. */
typedef void (*KeyReadyFunc) (GTask *task);

static void
key_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmOpenai *self = g_task_get_source_object (task);
  KeyReadyFunc next = g_object_get_data (G_OBJECT (task), "heyai-next");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = heyai_secrets_get_finish (result, &error);

  if (key == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          heyai_llm_openai_is_official (self))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      key = g_strdup ("");   /* a local server: no key needed */
    }

  if (self->api_key == NULL)
    self->api_key = g_steal_pointer (&key);
  next (g_steal_pointer (&task));
}

static void
with_key (GTask        *task,
          KeyReadyFunc  next)
{
  HeyaiLlmOpenai *self = g_task_get_source_object (task);

  if (self->api_key != NULL)
    {
      next (task);
      return;
    }
  g_object_set_data (G_OBJECT (task), "heyai-next", next);
  heyai_secrets_get_async (HEYAI_SECRET_OPENAI, g_task_get_cancellable (task), key_cb, task);
}

static void
heyai_llm_openai_split_async (HeyaiLlm            *llm,
                              HeyaiProject        *project,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (llm);
  g_autoptr(GTask) task = NULL;
  g_autofree char *system = NULL;
  g_autofree char *user = NULL;
  SplitData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_llm_openai_split_async);

  data = g_new0 (SplitData, 1);
  data->project = g_object_ref (project);
  data->messages = json_array_new ();
  system = heyai_llm_system_prompt (project);
  user = heyai_llm_user_prompt (project);
  json_array_add_object_element (data->messages, message_new ("system", system));
  json_array_add_object_element (data->messages, message_new ("user", user));
  g_task_set_task_data (task, data, (GDestroyNotify) split_data_free);

  with_key (g_steal_pointer (&task), send_split);
}

static GPtrArray *
heyai_llm_openai_split_finish (HeyaiLlm      *llm,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, llm), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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

  if (self->api_key != NULL && *self->api_key != '\0')
    heyai_http_request_set_bearer (request, self->api_key);
  heyai_http_send_async (self->http, request, g_task_get_cancellable (task), models_cb, task);
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
  with_key (g_steal_pointer (&task), send_models);
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
heyai_llm_openai_get_name (HeyaiLlm *llm)
{
  return "openai";
}

static const char *
heyai_llm_openai_get_model (HeyaiLlm *llm)
{
  return HEYAI_LLM_OPENAI (llm)->model;
}

static void
llm_iface_init (HeyaiLlmInterface *iface)
{
  iface->get_name = heyai_llm_openai_get_name;
  iface->get_model = heyai_llm_openai_get_model;
  iface->split_async = heyai_llm_openai_split_async;
  iface->split_finish = heyai_llm_openai_split_finish;
}

static void
heyai_llm_openai_constructed (GObject *object)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (object);

  G_OBJECT_CLASS (heyai_llm_openai_parent_class)->constructed (object);

  if (self->base_url == NULL)
    self->base_url = heyai_provider_descriptor_dup_base_url (heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, "openai"));
  if (self->model == NULL)
    self->model = heyai_llm_dup_default_model ("HEYAI_OPENAI_MODEL", HEYAI_LLM_OPENAI_DEFAULT_MODEL);
  self->api = heyai_llm_openai_default_api (self->base_url, g_getenv ("HEYAI_OPENAI_API"));

  self->http = heyai_http_new (self->base_url,
                               heyai_llm_openai_is_official (self)
                                 ? heyai_provider_descriptor_label (heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, "openai"))
                                 : _("The OpenAI-compatible server"));
  heyai_http_set_classifier (self->http, classify, self, NULL);
  heyai_http_set_timeout (self->http, REQUEST_TIMEOUT_S);
}

static void
heyai_llm_openai_finalize (GObject *object)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (object);

  g_clear_object (&self->http);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->model, g_free);
  heyai_llm_clear_secret (&self->api_key);

  G_OBJECT_CLASS (heyai_llm_openai_parent_class)->finalize (object);
}

static void
heyai_llm_openai_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (object);

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
heyai_llm_openai_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HeyaiLlmOpenai *self = HEYAI_LLM_OPENAI (object);

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
heyai_llm_openai_class_init (HeyaiLlmOpenaiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = heyai_llm_openai_constructed;
  object_class->finalize = heyai_llm_openai_finalize;
  object_class->get_property = heyai_llm_openai_get_property;
  object_class->set_property = heyai_llm_openai_set_property;

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
heyai_llm_openai_init (HeyaiLlmOpenai *self)
{
}

HeyaiLlmOpenai *
heyai_llm_openai_new (const char *base_url,
                      const char *api_key,
                      const char *model)
{
  HeyaiLlmOpenai *self = g_object_new (HEYAI_TYPE_LLM_OPENAI,
                                       "base-url", base_url,
                                       "model", model,
                                       NULL);

  self->api_key = g_strdup (api_key);
  return self;
}

GObject *
heyai_llm_openai_create (const char  *data_dir,
                         GError     **error)
{
  g_autofree char *key = heyai_secrets_dup_from_env (HEYAI_SECRET_OPENAI);

  /* Without OPENAI_API_KEY the key is looked up in the keyring on first
   * use; a missing key then fails the request with the variable's name. */
  return G_OBJECT (heyai_llm_openai_new (NULL, key, NULL));
}

gboolean
heyai_llm_openai_is_official (HeyaiLlmOpenai *self)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  g_return_val_if_fail (HEYAI_IS_LLM_OPENAI (self), FALSE);

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  return g_ascii_strcasecmp (host, "api.openai.com") == 0;
}

const char *
heyai_llm_openai_get_token_field (HeyaiLlmOpenai *self)
{
  const char *env = g_getenv ("HEYAI_OPENAI_TOKEN_FIELD");

  g_return_val_if_fail (HEYAI_IS_LLM_OPENAI (self), NULL);

  if (g_strcmp0 (env, "max_tokens") == 0)
    return "max_tokens";
  if (g_strcmp0 (env, "max_completion_tokens") == 0)
    return "max_completion_tokens";
  return heyai_llm_openai_is_official (self) ? "max_completion_tokens" : "max_tokens";
}

HeyaiHttp *
heyai_llm_openai_get_http (HeyaiLlmOpenai *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_OPENAI (self), NULL);

  return self->http;
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
