/* heyai-llm-openai.h: the OpenAI (and OpenAI-compatible server) LLM client.
 *
 * Two APIs (API-CONTRACTS.md C.2): OpenAI's own endpoint gets the Responses
 * API (POST {base}/responses: instructions + input, a strict json_schema
 * text.format, store false, no temperature; the answer's message items'
 * output_text parts hold the JSON, refusal / incomplete / failed are
 * errors); any other base URL gets Chat Completions (POST
 * {base}/chat/completions with a strict json_schema response_format), which
 * OpenAI-compatible servers (Ollama, LM Studio, llama.cpp) speak.
 * HEYAI_OPENAI_API=responses|chat (the config's openai_api) overrides the
 * choice.  The reply is
 * validated client-side, with one repair round-trip on an invalid reply.
 *
 * Token limit: the official host (api.openai.com) gets max_completion_tokens
 * (max_tokens is deprecated there and refused by reasoning models); any other
 * base URL (Ollama, LM Studio, llama.cpp, ...) gets max_tokens, which those
 * servers read.  Never both.  HEYAI_OPENAI_TOKEN_FIELD (max_tokens or
 * max_completion_tokens; heyai_llm_openai_set_token_field()) overrides the choice, e.g. for a proxy in front of
 * OpenAI that only forwards the newer field.
 *
 * The API key is optional for servers other than api.openai.com (local
 * servers ignore it): without a key no Authorization header is sent.
 *
 * Settings arrive as values (heyai_llm_openai_new_for_config(): the
 * environment, read once at start-up, then the preferences); the client
 * never reads the environment.  Model: the constructor argument, else
 * "gpt-4o-mini".  The request/repair skeleton is HeyaiLlmRemote's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-llm-remote.h"

G_BEGIN_DECLS

#define HEYAI_LLM_OPENAI_DEFAULT_MODEL "gpt-4o-mini"

typedef enum
{
  HEYAI_LLM_OPENAI_API_CHAT,
  HEYAI_LLM_OPENAI_API_RESPONSES,
} HeyaiLlmOpenaiApi;

#define HEYAI_TYPE_LLM_OPENAI (heyai_llm_openai_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiLlmOpenai, heyai_llm_openai, HEYAI, LLM_OPENAI, HeyaiLlmRemote)

/* Properties: model (string), base-url (string, construct-only).
 * @base_url NULL: the default (OpenAI's own); @api_key NULL:
 * looked up with heyai-secrets (environment, then keyring) on first use;
 * "" means "no key" (local servers); @model NULL: see above. */
HeyaiLlmOpenai *heyai_llm_openai_new            (const char      *base_url,
                                                 const char      *api_key,
                                                 const char      *model);
/* The settings of @config (openai_*; NULL fields: the defaults). */
HeyaiLlmOpenai *heyai_llm_openai_new_for_config (const HeyaiProviderConfig *config,
                                                 const char      *api_key);
/* The registry's constructor: the environment's settings
 * (heyai_provider_config_init_from_env()); OPENAI_API_KEY when set. */
GObject        *heyai_llm_openai_create         (const char      *data_dir,
                                                 GError         **error);
/* TRUE for the official host (api.openai.com). */
gboolean        heyai_llm_openai_is_official    (HeyaiLlmOpenai  *self);
/* "max_completion_tokens" or "max_tokens": the field the requests carry. */
const char     *heyai_llm_openai_get_token_field (HeyaiLlmOpenai *self);
/* "max_tokens" or "max_completion_tokens"; anything else: by base URL. */
void            heyai_llm_openai_set_token_field (HeyaiLlmOpenai *self,
                                                  const char     *field);
/* @setting: "responses", "chat", or NULL/anything else for the default by
 * base URL (responses for api.openai.com, chat otherwise). */
HeyaiLlmOpenaiApi heyai_llm_openai_default_api  (const char      *base_url,
                                                 const char      *setting);
HeyaiLlmOpenaiApi heyai_llm_openai_get_api      (HeyaiLlmOpenai  *self);
void            heyai_llm_openai_set_api        (HeyaiLlmOpenai  *self,
                                                 HeyaiLlmOpenaiApi api);
/* The HTTP client (tests tune its retry policy and delays). */
HeyaiHttp      *heyai_llm_openai_get_http       (HeyaiLlmOpenai  *self);

/* "Test connection": GET {base}/models.  Returns the model ids
 * (transfer full, NULL-terminated). */
void            heyai_llm_openai_list_models_async  (HeyaiLlmOpenai      *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
char          **heyai_llm_openai_list_models_finish (HeyaiLlmOpenai      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS
