/* heyai-http-redact.c: redaction of secrets (headers, tokens, keys) and the
 * HEYAI_DEBUG=net header dump helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-net"

#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "heyai-error.h"
#include "heyai-util.h"
#include "heyai-http-private.h"

/* ---------------------------------------------------------------------- */
/* Redaction                                                               */

gboolean
heyai_http_header_is_secret (const char *name)
{
  static const char * const exact[] = {
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    "api-key", "x-goog-api-key", "hf-api-key", "hf-secret", "x-auth-token",
    "webhook-signature",
  };
  g_autofree char *lower = NULL;

  if (name == NULL)
    return FALSE;

  lower = g_ascii_strdown (name, -1);
  for (guint i = 0; i < G_N_ELEMENTS (exact); i++)
    if (strcmp (lower, exact[i]) == 0)
      return TRUE;

  return strstr (lower, "token") != NULL || strstr (lower, "secret") != NULL ||
         strstr (lower, "api-key") != NULL || strstr (lower, "apikey") != NULL ||
         strstr (lower, "password") != NULL;
}

static GRegex *
redact_regex (int which)
{
  static GRegex *regexes[4];
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      /* header lines "Name: value" (optionally prefixed by "> " / "< ") */
      regexes[0] = g_regex_new ("^([ \\t]*[<>]?[ \\t]*)([A-Za-z0-9_-]+)([ \\t]*:[ \\t]*)(.*)$",
                                G_REGEX_MULTILINE | G_REGEX_OPTIMIZE, 0, NULL);
      /* secret query / form parameters */
      regexes[1] = g_regex_new ("(?i)(^|[?&;\\s\"'])(key|api_key|apikey|access_token|refresh_token|id_token|"
                                "client_secret|code|code_verifier|token|upload_id|sig|signature|secret|password)"
                                "=[^&#\\s\"']*",
                                G_REGEX_OPTIMIZE, 0, NULL);
      /* JWTs */
      regexes[2] = g_regex_new ("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*",
                                G_REGEX_OPTIMIZE, 0, NULL);
      /* "Bearer xyz" / "Key id:secret" anywhere (token-like: 12+ characters
       * with a digit, so "API key provided" stays readable) */
      regexes[3] = g_regex_new ("(?i)\\b(Bearer|Basic|Key)[ \\t]+(?=[^\\s\"',;]*[0-9])[^\\s\"',;]{12,}",
                                G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&once, 1);
    }

  return regexes[which];
}

static gboolean
redact_header_cb (const GMatchInfo *info,
                  GString          *result,
                  gpointer          user_data)
{
  g_autofree char *prefix = g_match_info_fetch (info, 1);
  g_autofree char *name = g_match_info_fetch (info, 2);
  g_autofree char *sep = g_match_info_fetch (info, 3);
  g_autofree char *value = g_match_info_fetch (info, 4);

  g_string_append (result, prefix);
  g_string_append (result, name);
  g_string_append (result, sep);
  if (heyai_http_header_is_secret (name))
    g_string_append (result, "[REDACTED]");
  else
    g_string_append (result, value);

  return FALSE;
}

/* Secrets in use, longest first (so a key is replaced before a part of it). */
static GMutex secrets_lock;
static GPtrArray *secrets;

static gint
longest_first (gconstpointer a,
               gconstpointer b)
{
  gsize la = strlen (*(const char * const *) a);
  gsize lb = strlen (*(const char * const *) b);

  return la < lb ? 1 : la > lb ? -1 : 0;
}

static void
secure_free (gpointer secret)
{
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
heyai_http_redact_add_secret (const char *secret)
{
  if (secret == NULL || strlen (secret) < 6)
    return;

  g_mutex_lock (&secrets_lock);
  if (secrets == NULL)
    secrets = g_ptr_array_new_with_free_func (secure_free);
  if (!g_ptr_array_find_with_equal_func (secrets, secret, g_str_equal, NULL))
    {
      g_ptr_array_add (secrets, g_strdup (secret));
      g_ptr_array_sort (secrets, longest_first);
    }
  g_mutex_unlock (&secrets_lock);
}

void
heyai_http_redact_clear_secrets (void)
{
  g_mutex_lock (&secrets_lock);
  g_clear_pointer (&secrets, g_ptr_array_unref);
  g_mutex_unlock (&secrets_lock);
}

/* Replaces every registered secret in @text (valid UTF-8; a secret is
 * replaced whole or not at all, so the result stays valid). */
static char *
replace_known_secrets (char *text)
{
  g_mutex_lock (&secrets_lock);
  for (guint i = 0; secrets != NULL && i < secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets, i);
      GString *out;
      const char *p, *hit;
      gsize slen;

      if (strstr (text, secret) == NULL)
        continue;
      slen = strlen (secret);
      out = g_string_new (NULL);
      for (p = text; (hit = strstr (p, secret)) != NULL; p = hit + slen)
        {
          g_string_append_len (out, p, hit - p);
          g_string_append (out, "[REDACTED]");
        }
      g_string_append (out, p);
      g_free (text);
      text = g_string_free (out, FALSE);
    }
  g_mutex_unlock (&secrets_lock);
  return text;
}

static char *
redact_valid (char *text)
{
  g_autofree char *step0 = replace_known_secrets (text);
  g_autofree char *step1 = NULL;
  g_autofree char *step2 = NULL;
  g_autofree char *step3 = NULL;
  char *step4;

  step1 = g_regex_replace_eval (redact_regex (0), step0, -1, 0, 0, redact_header_cb, NULL, NULL);
  if (step1 == NULL)
    return g_strdup ("[REDACTED]");
  step2 = g_regex_replace (redact_regex (1), step1, -1, 0, "\\1\\2=[REDACTED]", 0, NULL);
  if (step2 == NULL)
    return g_strdup ("[REDACTED]");
  step3 = g_regex_replace_literal (redact_regex (2), step2, -1, 0, "[REDACTED-JWT]", 0, NULL);
  if (step3 == NULL)
    return g_strdup ("[REDACTED]");
  step4 = g_regex_replace (redact_regex (3), step3, -1, 0, "\\1 [REDACTED]", 0, NULL);
  return step4 != NULL ? step4 : g_strdup ("[REDACTED]");
}

char *
heyai_http_redact_bytes (const char *data,
                         gssize      len)
{
  if (data == NULL)
    return g_strdup ("");
  /* GRegex (PCRE2 in UTF mode) must never see invalid UTF-8. */
  return redact_valid (g_utf8_make_valid (data, len));
}

char *
heyai_http_redact (const char *text)
{
  if (text == NULL)
    return NULL;
  return heyai_http_redact_bytes (text, -1);
}

gboolean
_heyai_http_net_debug_enabled (void)
{
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

void
_heyai_http_append_headers (GString            *out,
                            const char         *prefix,
                            SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  if (headers == NULL)
    return;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "\n%s%s: %s", prefix, name, value);
}
