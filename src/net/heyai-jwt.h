/* heyai-jwt.h: HS256 JSON Web Tokens (Kling AK/SK auth) and base64url.
 *
 * Header {"alg":"HS256","typ":"JWT"}, claims {"iss":<access key>,
 * "exp":now+lifetime,"nbf":now-5}, signed with GHmac (SHA-256) keyed by the
 * secret key, base64url without padding.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HEYAI_JWT_DEFAULT_LIFETIME  1800 /* s, Kling's documented example */
#define HEYAI_JWT_NBF_SKEW             5 /* s, nbf = now - 5 */
#define HEYAI_JWT_REFRESH_MARGIN     300 /* s, the cache re-mints this long before exp */

/* base64url without padding. */
char    *heyai_base64url_encode  (const guchar *data,
                                  gsize         len);
/* Accepts with or without padding; NULL on invalid input. */
guchar  *heyai_base64url_decode  (const char   *text,
                                  gsize        *out_len);

/* Mints a token at time @now (Unix seconds; 0 = now). */
char    *heyai_jwt_mint_hs256    (const char   *issuer,
                                  const char   *secret,
                                  gint64        now,
                                  gint64        lifetime);

/* Verifies the signature (constant-time compare), alg == HS256, and that
 * nbf <= @now < exp (Unix seconds; 0 = now).  On failure returns FALSE and
 * sets @out_reason (not translated, for fakes and logs): "malformed",
 * "bad-signature", "not-yet-valid" (Kling 1003), "expired" (Kling 1004).
 * On success @out_issuer gets the iss claim. */
gboolean heyai_jwt_verify_hs256  (const char   *token,
                                  const char   *secret,
                                  gint64        now,
                                  char        **out_issuer,
                                  const char  **out_reason);

/* A token cache that re-mints HEYAI_JWT_REFRESH_MARGIN before expiry. */
typedef struct _HeyaiJwtCache HeyaiJwtCache;

HeyaiJwtCache *heyai_jwt_cache_new        (const char    *issuer,
                                           const char    *secret,
                                           gint64         lifetime);
void           heyai_jwt_cache_free       (HeyaiJwtCache *cache);
/* The cached token, re-minted when @now (0 = now) is within the margin of
 * its exp.  transfer none: valid until the next call. */
const char    *heyai_jwt_cache_get        (HeyaiJwtCache *cache,
                                           gint64         now);
/* Forget the token (after a 1004 "expired" from the server). */
void           heyai_jwt_cache_invalidate (HeyaiJwtCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiJwtCache, heyai_jwt_cache_free)

G_END_DECLS
