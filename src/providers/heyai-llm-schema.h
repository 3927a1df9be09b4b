/* heyai-llm-schema.h: what the OpenAI and Anthropic clients share: the scene
 * JSON schema (OpenAI strict-mode compliant), the prompts, client-side
 * validation of replies (local OpenAI-compatible servers do not always honour
 * the schema) and conversion of a valid reply into HeyaiScene objects.
 *
 * The schema:
 *   {"scenes": [{"title", "description", "image_prompt", "motion_prompt",
 *                "camera_move": static|push-in|pull-out|pan-left|pan-right|tilt-up|tilt-down,
 *                "duration": 5|10}]}
 * every object closed (additionalProperties:false), every property required.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include "heyai-core.h"

G_BEGIN_DECLS

/* More scenes than this in one reply is treated as an invalid reply (it gets
 * the one repair round-trip, then a clear error): a trailer never needs it and
 * a runaway split would cost a still and a clip per scene. */
#define HEYAI_LLM_MAX_SCENES 60

/* Name of the schema / Anthropic tool. */
#define HEYAI_LLM_SCHEMA_NAME "submit_scenes"

/* Returns: (transfer full) a new JSON object node holding the schema. */
JsonNode  *heyai_llm_scene_schema          (void);

/* The system prompt: role, style bible, aspect ratio, Kling-ready durations,
 * one camera move per scene, scene-count guidance. */
char      *heyai_llm_system_prompt         (HeyaiProject *project);
/* The user message: title and script. */
char      *heyai_llm_user_prompt           (HeyaiProject *project);
/* The follow-up user message of the repair round-trip. */
char      *heyai_llm_repair_prompt         (const char   *problem);

/* A small JSON Schema validator for the subset the schema uses (type incl.
 * type lists, enum, properties, required, additionalProperties:false, items,
 * minItems/maxItems, minLength).  On failure sets HEYAI_ERROR_PROVIDER with a
 * message naming the JSON path ("scenes[2].duration: 7 is not one of 5, 10"). */
gboolean   heyai_json_schema_validate      (JsonNode     *schema,
                                            JsonNode     *instance,
                                            GError      **error);

/* Checks @schema against OpenAI's strict-mode rules (root object, every
 * object has additionalProperties:false and lists all its properties in
 * required).  Returns NULL when compliant, else a newly allocated
 * description of the first problem.  Used by tests and the fake server. */
char      *heyai_json_schema_strict_problem (JsonNode    *schema);

/* Validates @root (the parsed reply object) against the scene schema and
 * the scene limit; error as heyai_json_schema_validate(). */
gboolean   heyai_llm_validate_reply        (JsonNode     *root,
                                            GError      **error);
/* Parses @text (the model's JSON text) and validates it. */
JsonNode  *heyai_llm_parse_reply_text      (const char   *text,
                                            GError      **error);
/* Builds new, unsaved scenes (positions 1..n) from a validated reply.
 * Returns: (transfer full) (element-type HeyaiScene) */
GPtrArray *heyai_llm_scenes_from_reply     (JsonNode     *root,
                                            HeyaiProject *project);

/* Reply errors shared by the clients (@label: the service label). */
/* The model refused: quotes @text when given. HEYAI_ERROR_MODERATION. */
void       heyai_llm_set_refusal_error     (GError      **error,
                                            const char   *label,
                                            const char   *text);
/* The reply was cut off at the output limit. HEYAI_ERROR_PROVIDER. */
void       heyai_llm_set_cut_off_error     (GError      **error,
                                            const char   *label);
/* Still no valid scene list after the repair round-trip. HEYAI_ERROR_PROVIDER. */
void       heyai_llm_set_unusable_error    (GError      **error,
                                            const char   *label,
                                            const char   *problem);
/* HTTP 400/422 with the server's @detail (may be NULL). HEYAI_ERROR_VALIDATION. */
void       heyai_llm_set_rejected_error    (GError      **error,
                                            const char   *label,
                                            const char   *detail);
/* HTTP 429 after the retries. HEYAI_ERROR_RETRYABLE. */
void       heyai_llm_set_rate_limit_error  (GError      **error,
                                            const char   *label);

/* The "model" property setter shared by the clients: NULL or "" (the
 * setting's default) keeps *@field; returns TRUE when *@field changed. */
gboolean   heyai_llm_set_model_field       (char        **field,
                                            const char   *model);

/* Zeroes and frees *@secret, sets it to NULL. */
void       heyai_llm_clear_secret          (char        **secret);

/* Helpers shared by the clients: serialise a node, dup a string member. */
char      *heyai_json_to_string            (JsonNode     *node,
                                            gboolean      pretty);
const char *heyai_json_object_get_string_or_null (JsonObject *object,
                                                  const char *member);

G_END_DECLS
