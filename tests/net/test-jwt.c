/* test-jwt.c: HS256 JWT mint/verify/expiry, base64url, the token cache.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "heyai-jwt.h"

#define NOW G_GINT64_CONSTANT (1760000000)

static JsonObject *
decode_part (const char *token,
             guint       index)
{
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree guchar *raw = NULL;
  gsize len = 0;

  g_assert_cmpuint (g_strv_length (parts), ==, 3);
  raw = heyai_base64url_decode (parts[index], &len);
  g_assert_nonnull (raw);
  g_assert_true (json_parser_load_from_data (parser, (const char *) raw, len, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_base64url (void)
{
  const guchar data[] = { 0xfb, 0xff, 0xfe, 0x3e, 0x3f, 0x00, 'a', 'b', 'c', 'd' };

  for (gsize n = 0; n <= sizeof data; n++)
    {
      g_autofree char *text = heyai_base64url_encode (data, n);
      g_autofree guchar *back = NULL;
      gsize len = 0;

      g_assert_null (strchr (text, '='));
      g_assert_null (strchr (text, '+'));
      g_assert_null (strchr (text, '/'));
      back = heyai_base64url_decode (text, &len);
      g_assert_nonnull (back);
      g_assert_cmpmem (back, len, data, n);
    }
  {
    g_autofree char *text = heyai_base64url_encode ((const guchar *) "\xfb\xff", 2);
    g_assert_cmpstr (text, ==, "-_8");
  }
  g_assert_null (heyai_base64url_decode ("ab$d", NULL));
}

static void
test_mint (void)
{
  g_autofree char *token = heyai_jwt_mint_hs256 ("AK-test", "SK-secret", NOW, 1800);
  g_autoptr(JsonObject) header = decode_part (token, 0);
  g_autoptr(JsonObject) claims = decode_part (token, 1);
  g_autofree char *issuer = NULL;
  const char *reason = NULL;

  g_assert_null (strchr (token, '='));
  g_assert_cmpstr (json_object_get_string_member (header, "alg"), ==, "HS256");
  g_assert_cmpstr (json_object_get_string_member (header, "typ"), ==, "JWT");
  g_assert_cmpuint (json_object_get_size (header), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==, "AK-test");
  g_assert_cmpint (json_object_get_int_member (claims, "exp"), ==, NOW + 1800);
  g_assert_cmpint (json_object_get_int_member (claims, "nbf"), ==, NOW - 5);
  g_assert_cmpuint (json_object_get_size (claims), ==, 3);

  g_assert_true (heyai_jwt_verify_hs256 (token, "SK-secret", NOW, &issuer, &reason));
  g_assert_cmpstr (issuer, ==, "AK-test");
  g_assert_null (reason);
}

static void
test_known_vector (void)
{
  /* the jwt.io example, signed with "your-256-bit-secret" (it has no exp) */
  const char *token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                      "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
                      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  const char *reason = NULL;

  g_assert_false (heyai_jwt_verify_hs256 (token, "your-256-bit-secret", NOW, NULL, &reason));
  g_assert_cmpstr (reason, ==, "expired");   /* the signature itself checked out */
  g_assert_false (heyai_jwt_verify_hs256 (token, "another-secret", NOW, NULL, &reason));
  g_assert_cmpstr (reason, ==, "bad-signature");
}

static void
test_verify_failures (void)
{
  g_autofree char *token = heyai_jwt_mint_hs256 ("AK", "SK", NOW, 1800);
  g_autofree char *tampered = NULL;
  g_auto(GStrv) parts = g_strsplit (token, ".", -1);
  g_autofree char *claims = NULL;
  const char *reason = NULL;

  g_assert_true (heyai_jwt_verify_hs256 (token, "SK", NOW + 1799, NULL, &reason));
  g_assert_false (heyai_jwt_verify_hs256 (token, "SK", NOW + 1800, NULL, &reason));
  g_assert_cmpstr (reason, ==, "expired");
  g_assert_true (heyai_jwt_verify_hs256 (token, "SK", NOW - 5, NULL, &reason));
  g_assert_false (heyai_jwt_verify_hs256 (token, "SK", NOW - 6, NULL, &reason));
  g_assert_cmpstr (reason, ==, "not-yet-valid");
  g_assert_false (heyai_jwt_verify_hs256 (token, "sk", NOW, NULL, &reason));
  g_assert_cmpstr (reason, ==, "bad-signature");

  {
    const char *forged = "{\"iss\":\"AK\",\"exp\":9999999999,\"nbf\":0}";

    claims = heyai_base64url_encode ((const guchar *) forged, strlen (forged));
  }
  tampered = g_strjoin (".", parts[0], claims, parts[2], NULL);
  g_assert_false (heyai_jwt_verify_hs256 (tampered, "SK", NOW, NULL, &reason));
  g_assert_cmpstr (reason, ==, "bad-signature");

  g_assert_false (heyai_jwt_verify_hs256 ("not.a", "SK", NOW, NULL, &reason));
  g_assert_cmpstr (reason, ==, "malformed");
  g_assert_false (heyai_jwt_verify_hs256 ("a.b.c", "SK", NOW, NULL, &reason));
  g_assert_cmpstr (reason, ==, "malformed");
}

static void
test_cache (void)
{
  g_autoptr(HeyaiJwtCache) cache = heyai_jwt_cache_new ("AK", "SK", 1800);
  g_autofree char *first = g_strdup (heyai_jwt_cache_get (cache, NOW));
  g_autofree char *renewed = NULL;

  g_assert_cmpstr (heyai_jwt_cache_get (cache, NOW + 100), ==, first);
  g_assert_cmpstr (heyai_jwt_cache_get (cache, NOW + 1800 - HEYAI_JWT_REFRESH_MARGIN - 1), ==, first);
  renewed = g_strdup (heyai_jwt_cache_get (cache, NOW + 1800 - HEYAI_JWT_REFRESH_MARGIN));
  g_assert_cmpstr (renewed, !=, first);
  g_assert_true (heyai_jwt_verify_hs256 (renewed, "SK", NOW + 1800 + 100, NULL, NULL));

  heyai_jwt_cache_invalidate (cache);
  g_assert_cmpstr (heyai_jwt_cache_get (cache, NOW + 1800 - HEYAI_JWT_REFRESH_MARGIN + 10), !=, renewed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net/jwt/base64url", test_base64url);
  g_test_add_func ("/net/jwt/mint", test_mint);
  g_test_add_func ("/net/jwt/known-vector", test_known_vector);
  g_test_add_func ("/net/jwt/verify-failures", test_verify_failures);
  g_test_add_func ("/net/jwt/cache", test_cache);
  return g_test_run ();
}
