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
      /* "Bearer xyz" / "Key id:secret" anywhere */
      regexes[3] = g_regex_new ("(?i)\\b(Bearer|Basic|Key)[ \\t]+[^\\s\"',;]+",
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

char *
heyai_http_redact (const char *text)
{
  g_autofree char *step1 = NULL;
  g_autofree char *step2 = NULL;
  g_autofree char *step3 = NULL;

  if (text == NULL)
    return NULL;

  step1 = g_regex_replace_eval (redact_regex (0), text, -1, 0, 0, redact_header_cb, NULL, NULL);
  if (step1 == NULL)
    return g_strdup ("[REDACTED]");
  step2 = g_regex_replace (redact_regex (1), step1, -1, 0, "\\1\\2=[REDACTED]", 0, NULL);
  if (step2 == NULL)
    return g_strdup ("[REDACTED]");
  step3 = g_regex_replace_literal (redact_regex (2), step2, -1, 0, "[REDACTED-JWT]", 0, NULL);
  if (step3 == NULL)
    return g_strdup ("[REDACTED]");
  return g_regex_replace (redact_regex (3), step3, -1, 0, "\\1 [REDACTED]", 0, NULL);
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
