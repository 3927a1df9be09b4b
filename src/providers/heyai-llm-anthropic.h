/* heyai-llm-anthropic.h: the Anthropic Messages API LLM client.
 *
 * POST {HEYAI_ANTHROPIC_BASE_URL}/v1/messages with x-api-key and
 * anthropic-version 2023-06-01; the system prompt is top-level.  Native
 * structured output first (API-CONTRACTS.md C.3): output_config.format is
 * the strict scene schema and the JSON comes back as text blocks.  A server
 * that answers 400 invalid_request_error naming output_config gets the call
 * again, once, with the forced tool "submit_scenes" (tool_choice
 * {"type":"tool"}), and the tool from then on for that base URL and session
 * (HEYAI_ANTHROPIC_OUTPUT=tool, the config's anthropic_output, forces the tool).  "Your credit balance is
 * too low" (a 400) is final: no retry, no fallback.  The reply is validated
 * client-side, with one repair round-trip.
 *
 * Settings arrive as values (heyai_llm_anthropic_new_for_config()); the
 * client never reads the environment.  Model: the constructor argument,
 * else HEYAI_LLM_ANTHROPIC_DEFAULT_MODEL.  The request/repair skeleton is
 * HeyaiLlmRemote's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-llm-remote.h"

G_BEGIN_DECLS

#define HEYAI_LLM_ANTHROPIC_DEFAULT_MODEL "claude-sonnet-4-5"
#define HEYAI_ANTHROPIC_VERSION           "2023-06-01"

#define HEYAI_TYPE_LLM_ANTHROPIC (heyai_llm_anthropic_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiLlmAnthropic, heyai_llm_anthropic, HEYAI, LLM_ANTHROPIC, HeyaiLlmRemote)

/* Properties: model (string), base-url (string, construct-only).
 * @base_url NULL: the default; @api_key NULL: looked up with heyai-secrets
 * on first use; @model NULL: see above. */
HeyaiLlmAnthropic *heyai_llm_anthropic_new      (const char         *base_url,
                                                 const char         *api_key,
                                                 const char         *model);
/* The settings of @config (anthropic_*; NULL fields: the defaults). */
HeyaiLlmAnthropic *heyai_llm_anthropic_new_for_config (const HeyaiProviderConfig *config,
                                                       const char                *api_key);
/* The registry's constructor: the environment's settings
 * (heyai_provider_config_init_from_env()); ANTHROPIC_API_KEY when set. */
GObject           *heyai_llm_anthropic_create   (const char         *data_dir,
                                                 GError            **error);
HeyaiHttp         *heyai_llm_anthropic_get_http (HeyaiLlmAnthropic  *self);

/* "Test connection": an authenticated, free call (GET /v1/models); TRUE
 * when the key was accepted, else the error says what is wrong. */
void               heyai_llm_anthropic_test_async  (HeyaiLlmAnthropic   *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           heyai_llm_anthropic_test_finish (HeyaiLlmAnthropic   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Forgets which base URLs refused output_config (tests). */
void               heyai_llm_anthropic_forget_fallbacks (void);

G_END_DECLS
