/* heyai-llm-remote.h: the request/repair skeleton the remote LLM clients
 * (OpenAI, Anthropic) share.
 *
 * One split is: resolve the API key (once per client), send the request,
 * read the answer (the hooks know the service's shape), parse and validate
 * it against the scene schema, and when it does not validate send one repair
 * round-trip (the model's answer back with the problem) before giving up with
 * a clear error.  The HTTP error envelope {"error":{"type","message",...}} is
 * read once here; the service's hook classifies what is its own (quota,
 * unknown model, overload...), then 429 is retried and 400/422 is final.
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

typedef struct
{
  /* For debug messages ("OpenAI"). */
  const char *log_name;
  const char *secret;     /* the keyring entry (HEYAI_SECRET_...) */

  /* TRUE when the client works without a key (a local server). Optional. */
  gboolean (*key_optional) (GObject *owner);
  /* The request for the conversation so far (auth headers included). */
  HeyaiHttpRequest *(*build_request) (GObject                    *owner,
                                      const HeyaiLlmConversation *conversation,
                                      const char                 *api_key);
  /* Reads a 2xx answer. @text and @node are (out) (transfer full). */
  HeyaiLlmAnswer (*read_answer) (GObject     *owner,
                                 JsonObject  *root,
                                 char       **text,
                                 JsonNode   **node,
                                 GError     **error);
  /* Appends the model's answer (@root; @text when it was text) and the
   * repair prompt for @problem to the conversation. */
  void (*add_repair) (GObject              *owner,
                      HeyaiLlmConversation *conversation,
                      JsonObject           *root,
                      const char           *text,
                      const char           *problem);
  /* A send that failed with @error: TRUE to send the conversation again
   * (once; e.g. the forced-tool fallback). Optional. */
  gboolean (*resend_after) (GObject      *owner,
                            const GError *error);
  /* Non-2xx answers: the service's own cases (@error_object: the envelope's
   * "error" member or NULL; @detail: the redacted server message or NULL).
   * HEYAI_HTTP_VERDICT_DEFAULT leaves the answer to the shared rules. */
  HeyaiHttpVerdict (*classify) (GObject     *owner,
                                guint        status,
                                JsonObject  *error_object,
                                const char  *detail,
                                GError     **error);
} HeyaiLlmRemoteHooks;

typedef struct _HeyaiLlmRemote HeyaiLlmRemote;

/* @owner is not referenced (it owns the result); @hooks must outlive it.
 * Installs the classifier on @http (referenced). */
HeyaiLlmRemote *heyai_llm_remote_new          (GObject                   *owner,
                                               const HeyaiLlmRemoteHooks *hooks,
                                               HeyaiHttp                 *http);
void            heyai_llm_remote_free         (HeyaiLlmRemote            *self);

HeyaiHttp      *heyai_llm_remote_get_http     (HeyaiLlmRemote            *self);
/* The key given or resolved: NULL when not resolved yet, "" for none. */
const char     *heyai_llm_remote_get_api_key  (HeyaiLlmRemote            *self);
void            heyai_llm_remote_set_api_key  (HeyaiLlmRemote            *self,
                                               const char                *api_key);

/* Runs @next (@task's source object is the owner) once the key is known;
 * @task's error is the keyring's when it has none and one is needed. */
typedef void (*HeyaiLlmRemoteNext) (GTask *task);
void            heyai_llm_remote_with_key     (HeyaiLlmRemote            *self,
                                               GTask                     *task,
                                               HeyaiLlmRemoteNext         next);

/* The split of HeyaiLlm: the task's source object is the owner. */
void            heyai_llm_remote_split_async  (HeyaiLlmRemote            *self,
                                               HeyaiProject              *project,
                                               GCancellable              *cancellable,
                                               GAsyncReadyCallback        callback,
                                               gpointer                   user_data);
/* Returns: (transfer full) (element-type HeyaiScene) */
GPtrArray      *heyai_llm_remote_split_finish (GObject                   *owner,
                                               GAsyncResult              *result,
                                               GError                   **error);

G_END_DECLS
