/* heyai-animator-kling.h: clips from Kling's v1 image-to-video API
 * (API-CONTRACTS.md §1).
 *
 *   auth    Authorization: Bearer <JWT HS256 {iss: access key, exp, nbf}>,
 *           re-minted before expiry and after a 1004 "expired" answer; or a
 *           static KLING_API_KEY (newer single-key scheme) sent as is.
 *   submit  POST {HEYAI_KLING_BASE_URL}/v1/videos/image2video
 *           {model_name, mode, duration "5"|"10", image (raw base64, no data:
 *           prefix), prompt (motion prompt + camera move), negative_prompt,
 *           external_task_id (= the job's idempotency key),
 *           camera_control (only kling-v1-5 + pro + 5 s, type simple),
 *           image_tail (the input's end frame, where the model and mode
 *           take it; never with camera_control)}
 *           task_id is reported (the pipeline commits it) before polling.
 *   references  POST {base}/v1/videos/multi-image2video (kling-v1-6 only):
 *           image_list = the still then up to 3 references, aspect_ratio;
 *           what could not be sent is said in the result's references_note.
 *   The submit's rules (resend, lookup, the body built and the stills
 *   fitted in a worker), the polling, download and probe are the
 *   remote-job engine's (heyai-remote-job.h); this client gives it its
 *   requests and reads their answers.
 *   poll    GET {base}/v1/videos/image2video/{task_id}   submitted ->
 *           processing -> succeed (task_result.videos[0].url) | failed
 *           (task_status_msg, inside code 0)
 *   fetch   the clip, streamed to dest_dir/scene-NN[-take-T]-animated.mp4
 *
 * Never paying twice (the engine, with this client's find_by_external_id
 * hook): SUBMITTED is reported before the create request.  An input with a
 * remote id resumes polling.  An input SUBMITTED (or later) without a
 * remote-id (the answer to the create request was lost: crash, dropped
 * connection) is first looked up with GET .../image2video/{external_task_id};
 * only a "not found" answer leads to a new submission.  The create request is
 * never resent blindly: HTTP answers that reject it (429 1302/1303, 5xx) are
 * retried with backoff (the same external_task_id), a dropped connection or
 * an unreadable answer triggers the lookup first.
 *
 * Business codes: 1000-1003, 1103, 1304 -> HEYAI_ERROR_CREDENTIALS;
 * 1004 -> re-mint the JWT and retry; 1100-1102 -> HEYAI_ERROR_QUOTA;
 * 1200-1203 -> HEYAI_ERROR_VALIDATION; 1300/1301 -> HEYAI_ERROR_MODERATION;
 * 1302/1303, 5000-5002 -> retried with backoff.
 *
 * Settings (environment): HEYAI_KLING_MODEL (default "kling-v1-6"),
 * HEYAI_KLING_MODE ("std" | "pro", default "std"), HEYAI_KLING_NEGATIVE_PROMPT,
 * HEYAI_KLING_POLL_MS (default 10000).  Credentials: the descriptor row's
 * keyring entries, in order: access key + secret key, or an API key
 * (KLING_ACCESS_KEY + KLING_SECRET_KEY, or KLING_API_KEY).
 *
 * Price table (USD, Kling API resource packs at about 0.14 USD per unit;
 * std 5 s = 1 unit, pro 5 s = 3.5 units; 10 s doubles): std 5 s 0.14,
 * std 10 s 0.28, pro 5 s 0.49, pro 10 s 0.98.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"
#include "heyai-http.h"
#include "heyai-remote-provider.h"

G_BEGIN_DECLS

/* A model Kling offers (API-CONTRACTS.md C.4 item 12). */
typedef struct
{
  const char        *name;           /* model_name */
  int                min_duration;   /* seconds */
  int                max_duration;
  gboolean           any_second;     /* FALSE: only "5" and "10" */
  const char *const *modes;          /* NULL-terminated: std, pro (, 4k) */
  double             fps;            /* the output frame rate listed; probe the file */
  gboolean           cfg_scale;      /* takes cfg_scale */
  gboolean           multi_image;    /* multi-image2video (reference images) */
  const char *const *tail_modes;     /* modes that take image_tail (end frame); NULL: none */
} HeyaiKlingModel;

/* multi-image2video takes 1 to 4 images (C.4 item 17); HeyAI sends the
 * still first, so a clip carries up to 3 reference images. */
#define HEYAI_KLING_MAX_IMAGES        4
#define HEYAI_KLING_MAX_REFERENCES    (HEYAI_KLING_MAX_IMAGES - 1)
#define HEYAI_KLING_MULTI_IMAGE_MODEL "kling-v1-6"

/* TRUE if @model_name in @mode takes image_tail (an unknown model: TRUE). */
gboolean heyai_kling_supports_end_frame (const char *model_name,
                                         const char *mode);

/* The row for @model_name, or NULL for a model not in the table. */
const HeyaiKlingModel *heyai_kling_model_lookup      (const char *model_name);
/* The duration to ask of @model_name for a scene of @wanted seconds:
 * 5 or 10 for most models (and unknown ones), 3..15 for kling-v3. */
int                    heyai_kling_model_duration    (const char *model_name,
                                                      int         wanted);
/* TRUE if @model_name offers @mode (an unknown model: TRUE, Kling judges). */
gboolean               heyai_kling_model_has_mode    (const char *model_name,
                                                      const char *mode);
/* task_result.videos[].duration, a string ("5.041") or a number, in
 * seconds; -1 when absent or not a positive number (C.4 item 14). */
double                 heyai_kling_parse_result_duration (JsonNode *node);

#define HEYAI_KLING_DEFAULT_MODEL "kling-v1-6"
#define HEYAI_KLING_DEFAULT_MODE  "std"
#define HEYAI_KLING_PRICE_STD_5   0.14
#define HEYAI_KLING_PRICE_PRO_5   0.49

#define HEYAI_TYPE_ANIMATOR_KLING (heyai_animator_kling_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiAnimatorKling, heyai_animator_kling, HEYAI, ANIMATOR_KLING, HeyaiRemoteProvider)

/* Properties: model, mode, poll-interval (uint ms), max-wait (uint s,
 * default 3600).
 * @base_url NULL: $HEYAI_KLING_BASE_URL or the default; @access_key and
 * @secret_key NULL: heyai-secrets on first use (KLING_API_KEY is used when no
 * access key exists); @model / @mode NULL: see above. */
HeyaiAnimatorKling *heyai_animator_kling_new      (const char         *base_url,
                                                   const char         *access_key,
                                                   const char         *secret_key,
                                                   const char         *model,
                                                   const char         *mode);
/* A client that sends @api_key as a static bearer (no JWT). */
HeyaiAnimatorKling *heyai_animator_kling_new_with_api_key (const char *base_url,
                                                           const char *api_key,
                                                           const char *model,
                                                           const char *mode);
/* The registry's constructor: reads KLING_* now when set. */
GObject            *heyai_animator_kling_create   (const char         *data_dir,
                                                   GError            **error);
/* get_http, poll interval, max wait: HeyaiRemoteProvider's. */

/* The estimate for one clip of @duration seconds in @mode ("std"/"pro"). */
double              heyai_kling_price              (const char         *mode,
                                                    int                 duration);
/* TRUE if @model in @mode for @duration takes camera_control (simple). */
gboolean            heyai_kling_supports_camera_control (const char *model,
                                                         const char *mode,
                                                         int         duration);


G_END_DECLS
