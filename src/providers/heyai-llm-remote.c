/* heyai-llm-remote.c: see the header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-llm"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-llm-remote.h"
#include "heyai-llm-schema.h"
#include "heyai-provider-descriptors.h"
#include "heyai-secrets.h"

typedef struct
{
  HeyaiHttp *http;
  char      *base_url;
  char      *model;
  char      *api_key;  /* NULL: not resolved yet; "": none */
} HeyaiLlmRemotePrivate;

static void llm_iface_init (HeyaiLlmInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (HeyaiLlmRemote, heyai_llm_remote, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (HeyaiLlmRemote)
                                  G_IMPLEMENT_INTERFACE (HEYAI_TYPE_LLM, llm_iface_init))

#define PRIV(self) ((HeyaiLlmRemotePrivate *) heyai_llm_remote_get_instance_private (HEYAI_LLM_REMOTE (self)))
#define CLASS(self) HEYAI_LLM_REMOTE_GET_CLASS (self)

/* Longest wait for one answer: an LLM may think for minutes. */
#define REQUEST_TIMEOUT_S 300

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
  HeyaiLlmRemote *self = user_data;
  guint status = heyai_http_response_get_status (response);
  const char *label = heyai_http_get_label (PRIV (self)->http);
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

  verdict = CLASS (self)->classify (self, status, err, detail, error);
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
  HeyaiLlmRemote *self = g_task_get_source_object (task);
  HeyaiLlmRemotePrivate *priv = PRIV (self);
  HeyaiLlmRemoteNext next = g_object_get_data (G_OBJECT (task), "heyai-llm-next");
  g_autoptr(GError) error = NULL;
  g_autofree char *key = heyai_secrets_get_finish (result, &error);

  if (key == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          CLASS (self)->key_optional == NULL || !CLASS (self)->key_optional (self))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      key = g_strdup ("");   /* a local server: no key needed */
    }

  if (priv->api_key == NULL)
    priv->api_key = g_steal_pointer (&key);
  else
    heyai_llm_clear_secret (&key);
  next (g_steal_pointer (&task));
}

void
heyai_llm_remote_with_key (HeyaiLlmRemote     *self,
                           GTask              *task,
                           HeyaiLlmRemoteNext  next)
{
  HeyaiLlmRemotePrivate *priv;

  g_return_if_fail (HEYAI_IS_LLM_REMOTE (self));
  g_return_if_fail (G_IS_TASK (task));
  g_assert (g_task_get_source_object (task) == (gpointer) self);

  priv = PRIV (self);
  if (priv->api_key != NULL && (*priv->api_key != '\0' || CLASS (self)->key_optional != NULL))
    {
      next (task);
      return;
    }
  g_object_set_data (G_OBJECT (task), "heyai-llm-next", next);
  heyai_secrets_get_async (CLASS (self)->secret, g_task_get_cancellable (task), key_cb, task);
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

/* The validated reply in the 2xx answer @root, or NULL with @error;
 * *@repairable: whether the repair round-trip may help, *@text: the model's
 * text when the answer was text. */
static JsonNode *
read_reply (HeyaiLlmRemote  *self,
            JsonObject      *root,
            char           **text,
            gboolean        *repairable,
            GError         **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonNode *reply = NULL;
  HeyaiLlmAnswer answer;

  *repairable = FALSE;
  answer = CLASS (self)->read_answer (self, root, text, &node, error);
  g_assert (error == NULL ||
            (answer == HEYAI_LLM_ANSWER_FAILED || answer == HEYAI_LLM_ANSWER_INVALID) == (*error != NULL));
  if (answer == HEYAI_LLM_ANSWER_FAILED)
    return NULL;
  *repairable = TRUE;
  if (answer != HEYAI_LLM_ANSWER_INVALID)
    reply = answer_reply (answer, *text, node, error);
  if (reply == NULL && error != NULL)
    {
      /* The problem quotes the model's text (a bad value...): it is logged
       * and may be shown, so it is redacted like any server text. */
      char *clean = heyai_http_redact ((*error)->message);

      g_free ((*error)->message);
      (*error)->message = clean;
    }
  return reply;
}

JsonNode *
heyai_llm_remote_read_reply (HeyaiLlmRemote  *self,
                             JsonObject      *root,
                             GError         **error)
{
  g_autofree char *text = NULL;
  gboolean repairable;

  g_return_val_if_fail (HEYAI_IS_LLM_REMOTE (self), NULL);
  g_return_val_if_fail (root != NULL, NULL);

  return read_reply (self, root, &text, &repairable, error);
}

static void
split_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiLlmRemote *self = g_task_get_source_object (task);
  HeyaiLlmRemoteClass *klass = CLASS (self);
  HeyaiLlmConversation *conversation = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *text = NULL;
  const char *label = heyai_http_get_label (PRIV (self)->http);
  gboolean repairable;
  JsonObject *root;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      if (klass->resend_after != NULL && klass->resend_after (self, error))
        {
          g_debug ("%s: sending again (%s)", klass->log_name, error->message);
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

  reply = read_reply (self, root, &text, &repairable, &error);
  if (reply != NULL)
    {
      g_task_return_pointer (task, heyai_llm_scenes_from_reply (reply, conversation->project),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  g_assert (error != NULL);
  if (!repairable)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (conversation->round > 0)
    {
      g_autoptr(GError) unusable = NULL;

      heyai_llm_set_unusable_error (&unusable, label, error->message);
      g_task_return_error (task, g_steal_pointer (&unusable));
      return;
    }

  /* Repair: give the model its own answer back with the problem. */
  g_debug ("%s reply invalid (%s), asking for a correction", klass->log_name, error->message);
  klass->add_repair (self, conversation, root, text, error->message);
  conversation->round++;
  send_split (g_steal_pointer (&task));
}

static void
send_split (GTask *task)
{
  HeyaiLlmRemote *self = g_task_get_source_object (task);
  HeyaiLlmConversation *conversation = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpRequest) request = CLASS (self)->build_request (self, conversation, PRIV (self)->api_key);

  heyai_http_send_async (PRIV (self)->http, request, g_task_get_cancellable (task), split_sent_cb, task);
}

static void
heyai_llm_remote_split_async (HeyaiLlm            *llm,
                              HeyaiProject        *project,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  HeyaiLlmRemote *self = HEYAI_LLM_REMOTE (llm);
  g_autoptr(GTask) task = NULL;
  g_autofree char *user_text = NULL;
  HeyaiLlmConversation *conversation;
  JsonObject *user;

  g_return_if_fail (HEYAI_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_llm_remote_split_async);

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

static GPtrArray *
heyai_llm_remote_split_finish (HeyaiLlm      *llm,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, llm), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == heyai_llm_remote_split_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char *
heyai_llm_remote_get_name (HeyaiLlm *llm)
{
  return CLASS (llm)->name;
}

static const char *
heyai_llm_remote_iface_get_model (HeyaiLlm *llm)
{
  return PRIV (llm)->model;
}

static void
llm_iface_init (HeyaiLlmInterface *iface)
{
  iface->get_name = heyai_llm_remote_get_name;
  iface->get_model = heyai_llm_remote_iface_get_model;
  iface->split_async = heyai_llm_remote_split_async;
  iface->split_finish = heyai_llm_remote_split_finish;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
heyai_llm_remote_constructed (GObject *object)
{
  HeyaiLlmRemote *self = HEYAI_LLM_REMOTE (object);
  HeyaiLlmRemoteClass *klass = CLASS (self);
  HeyaiLlmRemotePrivate *priv = PRIV (self);
  const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, klass->name);
  const char *label = NULL;

  G_OBJECT_CLASS (heyai_llm_remote_parent_class)->constructed (object);

  g_assert (descriptor != NULL);
  g_assert (klass->build_request != NULL && klass->read_answer != NULL &&
            klass->add_repair != NULL && klass->classify != NULL);

  /* The defaults; the configured values come with the constructor. */
  if (priv->base_url == NULL)
    priv->base_url = g_strdup (descriptor->base_url);
  if (priv->model == NULL)
    priv->model = g_strdup (klass->default_model);

  if (klass->get_label != NULL)
    label = klass->get_label (self);
  priv->http = heyai_http_new (priv->base_url, label != NULL ? label : heyai_provider_descriptor_label (descriptor));
  heyai_http_set_timeout (priv->http, REQUEST_TIMEOUT_S);
  heyai_http_set_classifier (priv->http, classify, self, NULL);
}

static void
heyai_llm_remote_finalize (GObject *object)
{
  HeyaiLlmRemotePrivate *priv = PRIV (object);

  g_clear_object (&priv->http);
  g_clear_pointer (&priv->base_url, g_free);
  g_clear_pointer (&priv->model, g_free);
  heyai_llm_clear_secret (&priv->api_key);

  G_OBJECT_CLASS (heyai_llm_remote_parent_class)->finalize (object);
}

static void
heyai_llm_remote_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HeyaiLlmRemotePrivate *priv = PRIV (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_string (value, priv->model);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, priv->base_url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_llm_remote_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HeyaiLlmRemotePrivate *priv = PRIV (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      if (heyai_llm_set_model_field (&priv->model, g_value_get_string (value)) && priv->http != NULL)
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_BASE_URL:
      g_free (priv->base_url);
      priv->base_url = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_llm_remote_class_init (HeyaiLlmRemoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = heyai_llm_remote_constructed;
  object_class->finalize = heyai_llm_remote_finalize;
  object_class->get_property = heyai_llm_remote_get_property;
  object_class->set_property = heyai_llm_remote_set_property;

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
heyai_llm_remote_init (HeyaiLlmRemote *self)
{
}

HeyaiHttp *
heyai_llm_remote_get_http (HeyaiLlmRemote *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_REMOTE (self), NULL);
  return PRIV (self)->http;
}

const char *
heyai_llm_remote_get_base_url (HeyaiLlmRemote *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_REMOTE (self), NULL);
  return PRIV (self)->base_url;
}

const char *
heyai_llm_remote_get_model (HeyaiLlmRemote *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_REMOTE (self), NULL);
  return PRIV (self)->model;
}

const char *
heyai_llm_remote_get_api_key (HeyaiLlmRemote *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM_REMOTE (self), NULL);
  return PRIV (self)->api_key;
}

void
heyai_llm_remote_set_api_key (HeyaiLlmRemote *self,
                              const char     *api_key)
{
  HeyaiLlmRemotePrivate *priv;

  g_return_if_fail (HEYAI_IS_LLM_REMOTE (self));

  priv = PRIV (self);
  heyai_llm_clear_secret (&priv->api_key);
  priv->api_key = g_strdup (api_key);
}

gpointer
heyai_llm_remote_new (GType       type,
                      const char *base_url,
                      const char *api_key,
                      const char *model)
{
  HeyaiLlmRemote *self;

  g_return_val_if_fail (g_type_is_a (type, HEYAI_TYPE_LLM_REMOTE), NULL);

  self = g_object_new (type, "base-url", base_url, "model", model, NULL);
  heyai_llm_remote_set_api_key (self, api_key);
  return self;
}
