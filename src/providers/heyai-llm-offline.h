/* heyai-llm-offline.h: the offline script splitter ("offline", model
 * "heyai-splitter-1").  No network, no model weights: it parses the script
 * with heyai_script_parse() and turns every script scene into a HeyaiScene
 * with rule-based title, description, prompts, camera move and duration.
 * The same project always yields the same scenes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"

G_BEGIN_DECLS

/* At most this many scenes; beyond it the shortest neighbours are merged. */
#define HEYAI_LLM_OFFLINE_MAX_SCENES 60

#define HEYAI_TYPE_LLM_OFFLINE (heyai_llm_offline_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiLlmOffline, heyai_llm_offline, HEYAI, LLM_OFFLINE, GObject)

HeyaiLlm *heyai_llm_offline_new (void);

/* The language of @text by its function words (and Spanish letters and
 * marks): "es", "en", or NULL when it cannot tell.  Thread-safe. */
const char *heyai_llm_offline_detect_language (const char *text);

G_END_DECLS
