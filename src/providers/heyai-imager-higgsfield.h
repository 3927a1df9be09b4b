/* heyai-imager-higgsfield.h: stills from Higgsfield's current "model
 * endpoint" API (API-CONTRACTS.md §2.2-2.3).
 *
 *   submit  POST {HEYAI_HIGGSFIELD_BASE_URL}/{model path}
 *           Authorization: Key <id>:<secret>
 *           {"prompt","aspect_ratio","resolution","num_images":1}
 *           -> {"status":"queued","request_id",...}: reported (the
 *              HeyaiGenReporter; the pipeline commits it) before the first poll
 *   reference  soul/reference only: the first reference image is uploaded
 *           (POST {base}/files/generate-upload-url, PUT with every signed
 *           header) and sent as image_reference_url; the rest is said not
 *           applied in the result's references_note
 *   The submit's rules (a lost or unreadable answer is never resent: in
 *   doubt; refusals such as the concurrency cap are resent after a
 *   backoff), the upload, the polling, download and verification are the
 *   remote-job engine's (heyai-remote-job.h); this client gives it its
 *   requests and reads their answers.
 *   poll    GET {base}/requests/{id}/status   queued -> in_progress ->
 *           completed (images[0].url) | failed (error) | nsfw | canceled
 *   cancel  POST {base}/requests/{id}/cancel when the caller cancels
 *   fetch   the image URL, streamed to dest_dir/scene-NN[-take-T].<ext>
 *           (ext from the Content-Type, else the URL, else png)
 *
 * An input with a remote id resumes polling without submitting.
 * The status and cancel URLs are always built from the base URL (not the
 * status_url of the answer) so a resumed job polls the same host.
 *
 * Settings (environment): HEYAI_HIGGSFIELD_MODEL (default
 * "higgsfield-ai/soul/standard"), HEYAI_HIGGSFIELD_RESOLUTION (default "2K";
 * the how-to page uses "720p" for the same model), HEYAI_HIGGSFIELD_POLL_MS
 * (default 2000).  Credentials: the descriptor row's keyring entry
 * "higgsfield" (HF_API_KEY + HF_API_SECRET or HF_CREDENTIALS).
 *
 * Price table (estimates in USD, Higgsfield publishes credit prices per plan,
 * not per call): Soul 2K (or 720p/1080p) still 0.06, 4K still 0.12; any
 * other model path 0.06.  Failed and NSFW requests are refunded by
 * Higgsfield, so they cost 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"
#include "heyai-http.h"
#include "heyai-remote-provider.h"

G_BEGIN_DECLS

#define HEYAI_HIGGSFIELD_DEFAULT_MODEL      "higgsfield-ai/soul/standard"
#define HEYAI_HIGGSFIELD_DEFAULT_RESOLUTION "2K"
#define HEYAI_HIGGSFIELD_PRICE_STANDARD     0.06
#define HEYAI_HIGGSFIELD_PRICE_4K           0.12

#define HEYAI_TYPE_IMAGER_HIGGSFIELD (heyai_imager_higgsfield_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiImagerHiggsfield, heyai_imager_higgsfield, HEYAI, IMAGER_HIGGSFIELD, HeyaiRemoteProvider)

/* Properties: model (the model path), resolution, poll-interval (uint ms),
 * max-wait (uint s, polling budget per job, default 1800).
 * @base_url NULL: $HEYAI_HIGGSFIELD_BASE_URL or the default; @credentials
 * "id:secret", NULL: heyai-secrets on first use; @model NULL: see above. */
HeyaiImagerHiggsfield *heyai_imager_higgsfield_new      (const char  *base_url,
                                                         const char  *credentials,
                                                         const char  *model);
/* The registry's constructor: reads HF_* now when set. */
GObject               *heyai_imager_higgsfield_create   (const char  *data_dir,
                                                         GError     **error);
/* get_http, poll interval, max wait: HeyaiRemoteProvider's. */

/* The account's concurrency cap learned from Higgsfield's 400 "Maximum
 * number of concurrent requests (N) has been reached" (0: not seen yet).
 * Such an answer is not a failure: nothing was accepted, the submit is
 * retried after a back-off; the caller keeps at most this many requests
 * in flight for the rest of the session (API-CONTRACTS.md C.1 item 2). */
guint                  heyai_imager_higgsfield_get_concurrency_cap (HeyaiImagerHiggsfield *self);
/* The N of that message, 1 when it has none, 0 for any other text. */
guint                  heyai_higgsfield_parse_concurrency_cap      (const char *detail);


G_END_DECLS
