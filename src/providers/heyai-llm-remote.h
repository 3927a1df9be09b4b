/* heyai-llm-remote.h: the base class of the remote LLM clients (OpenAI,
 * Anthropic): their request/repair skeleton, properties and key handling.
 *
 * One split is: resolve the API key (once per client), send the request,
 * read the answer (the subclass knows the service's shape), parse and
 * validate it against the scene schema, and when it does not validate send
 * one repair round-trip (the model's answer back with the problem) before
 * giving up with a clear error.  The HTTP error envelope
 * {"error":{"type","message",...}} is read once here; the subclass
 * classifies what is its own (quota, unknown model, overload...), then 429
 * is retried and 400/422 is final.
 *
 * Properties: model (string; NULL or "" keeps the current one), base-url
 * (string, construct-only; NULL: the descriptor's default).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "heyai-http.h"
#include "heyai-providers.h"
#include "heyai-secrets.h"

G_BEGIN_DECLS

/* The conversation of one split: @messages are the user/assistant turns in
 * the service's own shapes (the system text is kept apart). */
typedef struct
{
  HeyaiProject *project;
  char         *system;
  JsonArray    *messages;
  guint         round;      /* 0: first answer, 1: after the repair prompt */
} HeyaiLlmConversation;

typedef enum
{
  HEYAI_LLM_ANSWER_FAILED,    /* error set: final (refusal, cut off, failed) */
  HEYAI_LLM_ANSWER_TEXT,      /* *text: the model's JSON text (may be NULL: empty) */
  HEYAI_LLM_ANSWER_NODE,      /* *node: the reply object, or a string holding JSON text */
  HEYAI_LLM_ANSWER_INVALID,   /* error set: no usable reply; it gets the repair round */
} HeyaiLlmAnswer;

#define HEYAI_TYPE_LLM_REMOTE (heyai_llm_remote_get_type ())
G_DECLARE_DERIVABLE_TYPE (HeyaiLlmRemote, heyai_llm_remote, HEYAI, LLM_REMOTE, GObject)

struct _HeyaiLlmRemoteClass
{
  GObjectClass parent_class;

  /* The registry name ("openai"): the descriptor's base URL and label. */
  const char *name;
  const char *default_model;
  /* For debug messages ("OpenAI"). */
  const char *log_name;
  /* The keyring entry (HEYAI_SECRET_...). */
  const HeyaiSecretSpec *secret;

  /* The label of messages (NULL: the descriptor's). Optional. */
  const char *(*get_label) (HeyaiLlmRemote *self);
  /* TRUE when the client works without a key (a local server). Optional. */
  gboolean (*key_optional) (HeyaiLlmRemote *self);
  /* The request for the conversation so far (auth headers included). */
  HeyaiHttpRequest *(*build_request) (HeyaiLlmRemote             *self,
                                      const HeyaiLlmConversation *conversation,
                                      const char                 *api_key);
  /* Reads a 2xx answer. @text and @node are (out) (transfer full). */
  HeyaiLlmAnswer (*read_answer) (HeyaiLlmRemote  *self,
                                 JsonObject      *root,
                                 char           **text,
                                 JsonNode       **node,
                                 GError         **error);
  /* Appends the model's answer (@root; @text when it was text) and the
   * repair prompt for @problem to the conversation. */
  void (*add_repair) (HeyaiLlmRemote       *self,
                      HeyaiLlmConversation *conversation,
                      JsonObject           *root,
                      const char           *text,
                      const char           *problem);
  /* A send that failed with @error: TRUE to send the conversation again
   * (e.g. the forced-tool fallback, once). Optional. */
  gboolean (*resend_after) (HeyaiLlmRemote *self,
                            const GError   *error);
  /* Non-2xx answers: the service's own cases (@error_object: the envelope's
   * "error" member or NULL; @detail: the redacted server message or NULL).
   * HEYAI_HTTP_VERDICT_DEFAULT leaves the answer to the shared rules. */
  HeyaiHttpVerdict (*classify) (HeyaiLlmRemote  *self,
                                guint            status,
                                JsonObject      *error_object,
                                const char      *detail,
                                GError         **error);
};

/* A new client of @type (a subclass): @base_url NULL, the default;
 * @api_key NULL, looked up on first use; @model NULL, the default. */
gpointer    heyai_llm_remote_new          (GType           type,
                                           const char     *base_url,
                                           const char     *api_key,
                                           const char     *model);
HeyaiHttp  *heyai_llm_remote_get_http     (HeyaiLlmRemote *self);
const char *heyai_llm_remote_get_base_url (HeyaiLlmRemote *self);
const char *heyai_llm_remote_get_model    (HeyaiLlmRemote *self);
/* The key given or resolved: NULL when not resolved yet, "" for none. */
const char *heyai_llm_remote_get_api_key  (HeyaiLlmRemote *self);
void        heyai_llm_remote_set_api_key  (HeyaiLlmRemote *self,
                                           const char     *api_key);

/* The validated reply (the scenes object) in a 2xx answer @root of the
 * service, or NULL with the error the split would report (before any
 * repair).  The split's own reading; public for tests and the fuzzer. */
JsonNode   *heyai_llm_remote_read_reply   (HeyaiLlmRemote *self,
                                           JsonObject     *root,
                                           GError        **error);

/* Runs @next once the key is known (@task's source object is @self);
 * @task gets the keyring's error when there is none and one is needed. */
typedef void (*HeyaiLlmRemoteNext) (GTask *task);
void        heyai_llm_remote_with_key     (HeyaiLlmRemote     *self,
                                           GTask              *task,
                                           HeyaiLlmRemoteNext  next);

G_END_DECLS
