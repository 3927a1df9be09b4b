/* heyai-llm-remote.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-llm"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-llm-remote.h"
#include "heyai-llm-schema.h"

struct _HeyaiLlmRemote
{
  GObject                   *owner;    /* not referenced: it owns us */
  const HeyaiLlmRemoteHooks *hooks;
  HeyaiHttp                 *http;
  char                      *api_key;  /* NULL: not resolved yet; "": none */
};

/* ---------------------------------------------------------------------- */
/* Error envelope                                                          */

static HeyaiHttpVerdict
classify (HeyaiHttpResponse  *response,
          GError            **error,
          gpointer            user_data)
{
  HeyaiLlmRemote *self = user_data;
  guint status = heyai_http_response_get_status (response);
  const char *label = heyai_http_get_label (self->http);
  JsonObject *root;
  JsonObject *err = NULL;
  g_autofree char *detail = NULL;
  HeyaiHttpVerdict verdict;

  if (status >= 200 && status < 300)
    return HEYAI_HTTP_VERDICT_DEFAULT;

  root = heyai_http_response_get_object (response, NULL);
  if (root != NULL && json_object_has_member (root, "error") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error")))
    err = json_object_get_object_member (root, "error");
  detail = heyai_http_response_dup_error_detail (response);

  verdict = self->hooks->classify (self->owner, status, err, detail, error);
  if (verdict != HEYAI_HTTP_VERDICT_DEFAULT)
    return verdict;

  switch (status)
    {
    case 429:
      heyai_llm_set_rate_limit_error (error, label);
      return HEYAI_HTTP_VERDICT_RETRY;
    case 400:
    case 422:
      heyai_llm_set_rejected_error (error, label, detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    default:
      return HEYAI_HTTP_VERDICT_DEFAULT;
    }
}

/* ---------------------------------------------------------------------- */
/* Key                                                                     */

static void
key_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmRemote *self = g_object_get_data (G_OBJECT (task), "heyai-llm-remote");
  HeyaiLlmRemoteNext next = g_object_get_data (G_OBJECT (task), "heyai-llm-next");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = heyai_secrets_get_finish (result, &error);

  if (key == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          self->hooks->key_optional == NULL || !self->hooks->key_optional (self->owner))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      key = g_strdup ("");   /* a local server: no key needed */
    }

  if (self->api_key == NULL)
    self->api_key = g_steal_pointer (&key);
  else
    heyai_llm_clear_secret (&key);
  next (g_steal_pointer (&task));
}

void
heyai_llm_remote_with_key (HeyaiLlmRemote     *self,
                           GTask              *task,
                           HeyaiLlmRemoteNext  next)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_TASK (task));
  g_assert (g_task_get_source_object (task) == (gpointer) self->owner);

  if (self->api_key != NULL && (*self->api_key != '\0' || self->hooks->key_optional != NULL))
    {
      next (task);
      return;
    }
  g_object_set_data (G_OBJECT (task), "heyai-llm-remote", self);
  g_object_set_data (G_OBJECT (task), "heyai-llm-next", next);
  heyai_secrets_get_async (self->hooks->secret, g_task_get_cancellable (task), key_cb, task);
}

/* ---------------------------------------------------------------------- */
/* Split                                                                   */

static void
conversation_free (HeyaiLlmConversation *conversation)
{
  g_clear_object (&conversation->project);
  g_free (conversation->system);
  g_clear_pointer (&conversation->messages, json_array_unref);
  g_free (conversation);
}

static void send_split (GTask *task);

static HeyaiLlmRemote *
task_remote (GTask *task)
{
  return g_object_get_data (G_OBJECT (task), "heyai-llm-remote");
}

/* The model's answer as a validated reply, or NULL with @error. */
static JsonNode *
answer_reply (HeyaiLlmAnswer   answer,
              const char      *text,
              JsonNode        *node,
              GError         **error)
{
  switch (answer)
    {
    case HEYAI_LLM_ANSWER_TEXT:
      return heyai_llm_parse_reply_text (text, error);
    case HEYAI_LLM_ANSWER_NODE:
      g_assert (node != NULL);
      /* Some proxies hand a tool's input back as JSON text. */
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return heyai_llm_parse_reply_text (json_node_get_string (node), error);
      if (!heyai_llm_validate_reply (node, error))
        return NULL;
      return json_node_ref (node);
    case HEYAI_LLM_ANSWER_INVALID:
    case HEYAI_LLM_ANSWER_FAILED:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

static void
split_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmRemote *self = task_remote (task);
  HeyaiLlmConversation *conversation = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *text = NULL;
  const char *label = heyai_http_get_label (self->http);
  HeyaiLlmAnswer answer;
  JsonObject *root;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      if (self->hooks->resend_after != NULL && self->hooks->resend_after (self->owner, error))
        {
          g_debug ("%s: sending again (%s)", self->hooks->log_name, error->message);
          send_split (g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  root = heyai_http_response_get_object (response, &error);
  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  answer = self->hooks->read_answer (self->owner, root, &text, &node, &error);
  if (answer == HEYAI_LLM_ANSWER_FAILED)
    {
      g_assert (error != NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (answer != HEYAI_LLM_ANSWER_INVALID)
    reply = answer_reply (answer, text, node, &error);
  if (reply != NULL)
    {
      g_task_return_pointer (task, heyai_llm_scenes_from_reply (reply, conversation->project),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  g_assert (error != NULL);

  if (conversation->round > 0)
    {
      g_autoptr(GError) unusable = NULL;

      heyai_llm_set_unusable_error (&unusable, label, error->message);
      g_task_return_error (task, g_steal_pointer (&unusable));
      return;
    }

  /* Repair: give the model its own answer back with the problem. */
  g_debug ("%s reply invalid (%s), asking for a correction", self->hooks->log_name, error->message);
  self->hooks->add_repair (self->owner, conversation, root, text, error->message);
  conversation->round++;
  send_split (g_steal_pointer (&task));
}

static void
send_split (GTask *task)
{
  HeyaiLlmRemote *self = task_remote (task);
  HeyaiLlmConversation *conversation = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpRequest) request = self->hooks->build_request (self->owner, conversation,
                                                                      self->api_key);

  heyai_http_send_async (self->http, request, g_task_get_cancellable (task), split_sent_cb, task);
}

void
heyai_llm_remote_split_async (HeyaiLlmRemote      *self,
                              HeyaiProject        *project,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *user_text = NULL;
  HeyaiLlmConversation *conversation;
  JsonObject *user;

  g_return_if_fail (self != NULL);
  g_return_if_fail (HEYAI_IS_PROJECT (project));

  task = g_task_new (self->owner, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_llm_remote_split_async);
  g_object_set_data (G_OBJECT (task), "heyai-llm-remote", self);

  conversation = g_new0 (HeyaiLlmConversation, 1);
  conversation->project = g_object_ref (project);
  conversation->system = heyai_llm_system_prompt (project);
  conversation->messages = json_array_new ();
  user_text = heyai_llm_user_prompt (project);
  user = json_object_new ();
  json_object_set_string_member (user, "role", "user");
  json_object_set_string_member (user, "content", user_text);
  json_array_add_object_element (conversation->messages, user);
  g_task_set_task_data (task, conversation, (GDestroyNotify) conversation_free);

  heyai_llm_remote_with_key (self, g_steal_pointer (&task), send_split);
}

GPtrArray *
heyai_llm_remote_split_finish (GObject       *owner,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, owner), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == heyai_llm_remote_split_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Life cycle                                                              */

HeyaiLlmRemote *
heyai_llm_remote_new (GObject                   *owner,
                      const HeyaiLlmRemoteHooks *hooks,
                      HeyaiHttp                 *http)
{
  HeyaiLlmRemote *self;

  g_return_val_if_fail (G_IS_OBJECT (owner), NULL);
  g_return_val_if_fail (hooks != NULL, NULL);
  g_return_val_if_fail (HEYAI_IS_HTTP (http), NULL);
  g_assert (hooks->build_request != NULL && hooks->read_answer != NULL &&
            hooks->add_repair != NULL && hooks->classify != NULL);

  self = g_new0 (HeyaiLlmRemote, 1);
  self->owner = owner;
  self->hooks = hooks;
  self->http = g_object_ref (http);
  heyai_http_set_classifier (self->http, classify, self, NULL);
  return self;
}

void
heyai_llm_remote_free (HeyaiLlmRemote *self)
{
  if (self == NULL)
    return;
  heyai_http_set_classifier (self->http, NULL, NULL, NULL);
  g_clear_object (&self->http);
  heyai_llm_clear_secret (&self->api_key);
  g_free (self);
}

HeyaiHttp *
heyai_llm_remote_get_http (HeyaiLlmRemote *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->http;
}

const char *
heyai_llm_remote_get_api_key (HeyaiLlmRemote *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->api_key;
}

void
heyai_llm_remote_set_api_key (HeyaiLlmRemote *self,
                              const char     *api_key)
{
  g_return_if_fail (self != NULL);
  heyai_llm_clear_secret (&self->api_key);
  self->api_key = g_strdup (api_key);
}
