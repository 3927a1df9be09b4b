/* heyai-jwt.c: HS256 JWTs and base64url (see heyai-jwt.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-net"

#include <json-glib/json-glib.h>
#include <string.h>

#include "heyai-jwt.h"

char *
heyai_base64url_encode (const guchar *data,
                        gsize         len)
{
  char *text = g_base64_encode (data, len);
  char *p;
  gsize n;

  for (p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  n = strlen (text);
  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  return text;
}

guchar *
heyai_base64url_decode (const char *text,
                        gsize      *out_len)
{
  g_autoptr(GString) std = NULL;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  std = g_string_new (NULL);
  for (p = text; *p != '\0'; p++)
    {
      char c = *p;

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (c == '=')
        break;
      else if (!g_ascii_isalnum (c))
        return NULL;
      g_string_append_c (std, c);
    }
  if (std->len % 4 == 1)
    return NULL;
  while (std->len % 4 != 0)
    g_string_append_c (std, '=');

  return g_base64_decode (std->str, out_len);
}

static char *
sign (const char *secret,
      const char *signing_input)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
  guint8 digest[32];
  gsize len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) signing_input, strlen (signing_input));
  g_hmac_get_digest (hmac, digest, &len);
  return heyai_base64url_encode (digest, len);
}

char *
heyai_jwt_mint_hs256 (const char *issuer,
                      const char *secret,
                      gint64      now,
                      gint64      lifetime)
{
  static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *claims = NULL;
  g_autofree char *h64 = NULL;
  g_autofree char *c64 = NULL;
  g_autofree char *input = NULL;
  g_autofree char *sig = NULL;

  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  if (lifetime <= 0)
    lifetime = HEYAI_JWT_DEFAULT_LIFETIME;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "iss");
  json_builder_add_string_value (builder, issuer);
  json_builder_set_member_name (builder, "exp");
  json_builder_add_int_value (builder, now + lifetime);
  json_builder_set_member_name (builder, "nbf");
  json_builder_add_int_value (builder, now - HEYAI_JWT_NBF_SKEW);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  claims = json_generator_to_data (gen, NULL);

  h64 = heyai_base64url_encode ((const guchar *) header, strlen (header));
  c64 = heyai_base64url_encode ((const guchar *) claims, strlen (claims));
  input = g_strconcat (h64, ".", c64, NULL);
  sig = sign (secret, input);

  return g_strconcat (input, ".", sig, NULL);
}

static gboolean
constant_time_equal (const char *a,
                     const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = la != lb;

  for (gsize i = 0; i < la && i < lb; i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}

static JsonObject *
decode_object (const char *part,
               JsonParser *parser)
{
  gsize len = 0;
  g_autofree guchar *raw = heyai_base64url_decode (part, &len);
  JsonNode *root;

  if (raw == NULL || !json_parser_load_from_data (parser, (const char *) raw, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_node_get_object (root);
}

gboolean
heyai_jwt_verify_hs256 (const char  *token,
                        const char  *secret,
                        gint64       now,
                        char       **out_issuer,
                        const char **out_reason)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(JsonParser) hparser = json_parser_new ();
  g_autoptr(JsonParser) cparser = json_parser_new ();
  g_autofree char *input = NULL;
  g_autofree char *expected = NULL;
  JsonObject *header, *claims;
  const char *reason = NULL;

  g_return_val_if_fail (secret != NULL, FALSE);

  if (out_issuer != NULL)
    *out_issuer = NULL;
  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;

  if (token == NULL || (parts = g_strsplit (token, ".", -1)) == NULL ||
      g_strv_length (parts) != 3)
    {
      reason = "malformed";
      goto fail;
    }

  header = decode_object (parts[0], hparser);
  claims = decode_object (parts[1], cparser);
  if (header == NULL || claims == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (header, "alg", NULL), "HS256") != 0)
    {
      reason = "malformed";
      goto fail;
    }

  input = g_strconcat (parts[0], ".", parts[1], NULL);
  expected = sign (secret, input);
  if (!constant_time_equal (expected, parts[2]))
    {
      reason = "bad-signature";
      goto fail;
    }

  if (json_object_has_member (claims, "nbf") &&
      json_object_get_int_member_with_default (claims, "nbf", 0) > now)
    {
      reason = "not-yet-valid";
      goto fail;
    }
  if (!json_object_has_member (claims, "exp") ||
      json_object_get_int_member_with_default (claims, "exp", 0) <= now)
    {
      reason = "expired";
      goto fail;
    }

  if (out_issuer != NULL)
    *out_issuer = g_strdup (json_object_get_string_member_with_default (claims, "iss", NULL));
  if (out_reason != NULL)
    *out_reason = NULL;
  return TRUE;

fail:
  if (out_reason != NULL)
    *out_reason = reason;
  return FALSE;
}

struct _HeyaiJwtCache
{
  char   *issuer;
  char   *secret;
  gint64  lifetime;
  char   *token;
  gint64  exp;
};

HeyaiJwtCache *
heyai_jwt_cache_new (const char *issuer,
                     const char *secret,
                     gint64      lifetime)
{
  HeyaiJwtCache *cache;

  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  cache = g_new0 (HeyaiJwtCache, 1);
  cache->issuer = g_strdup (issuer);
  cache->secret = g_strdup (secret);
  cache->lifetime = lifetime > 0 ? lifetime : HEYAI_JWT_DEFAULT_LIFETIME;
  return cache;
}

void
heyai_jwt_cache_free (HeyaiJwtCache *cache)
{
  if (cache == NULL)
    return;
  g_free (cache->issuer);
  if (cache->secret != NULL)
    memset (cache->secret, 0, strlen (cache->secret));
  g_free (cache->secret);
  g_free (cache->token);
  g_free (cache);
}

const char *
heyai_jwt_cache_get (HeyaiJwtCache *cache,
                     gint64         now)
{
  gint64 margin;

  g_return_val_if_fail (cache != NULL, NULL);

  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  margin = MIN (HEYAI_JWT_REFRESH_MARGIN, cache->lifetime / 2);

  if (cache->token == NULL || now >= cache->exp - margin)
    {
      g_free (cache->token);
      cache->token = heyai_jwt_mint_hs256 (cache->issuer, cache->secret, now, cache->lifetime);
      cache->exp = now + cache->lifetime;
    }
  return cache->token;
}

void
heyai_jwt_cache_invalidate (HeyaiJwtCache *cache)
{
  g_return_if_fail (cache != NULL);
  g_clear_pointer (&cache->token, g_free);
}
