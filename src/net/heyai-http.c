/* heyai-http.c: the HTTP layer (see heyai-http.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-net"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>

#include "heyai-error.h"
#include "heyai-util.h"
#include "heyai-http.h"

#define DEFAULT_TIMEOUT        60
#define DEFAULT_MAX_DOWNLOAD   (G_GINT64_CONSTANT (4) * 1024 * 1024 * 1024)
#define DOWNLOAD_CHUNK         (64 * 1024)
#define ERROR_BODY_LIMIT       (64 * 1024)

/* ---------------------------------------------------------------------- */
/* Services                                                                */

static const struct
{
  const char *env;
  const char *url;
  const char *label;
} services[] = {
  [HEYAI_SERVICE_OPENAI]       = { "HEYAI_OPENAI_BASE_URL", "https://api.openai.com/v1", N_("OpenAI") },
  [HEYAI_SERVICE_ANTHROPIC]    = { "HEYAI_ANTHROPIC_BASE_URL", "https://api.anthropic.com", N_("Anthropic") },
  [HEYAI_SERVICE_HIGGSFIELD]   = { "HEYAI_HIGGSFIELD_BASE_URL", "https://platform.higgsfield.ai", N_("Higgsfield") },
  [HEYAI_SERVICE_KLING]        = { "HEYAI_KLING_BASE_URL", "https://api-singapore.klingai.com", N_("Kling") },
  [HEYAI_SERVICE_DRIVE]        = { "HEYAI_DRIVE_BASE_URL", "https://www.googleapis.com/drive/v3", N_("Google Drive") },
  [HEYAI_SERVICE_DRIVE_UPLOAD] = { "HEYAI_DRIVE_UPLOAD_BASE_URL", "https://www.googleapis.com/upload/drive/v3", N_("Google Drive") },
  [HEYAI_SERVICE_GOOGLE_AUTH]  = { "HEYAI_GOOGLE_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth", N_("Google") },
  [HEYAI_SERVICE_GOOGLE_TOKEN] = { "HEYAI_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token", N_("Google") },
};

const char *
heyai_service_env_var (HeyaiService service)
{
  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);
  return services[service].env;
}

const char *
heyai_service_default_url (HeyaiService service)
{
  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);
  return services[service].url;
}

const char *
heyai_service_label (HeyaiService service)
{
  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);
  return _(services[service].label);
}

char *
heyai_service_dup_base_url (HeyaiService service)
{
  const char *env;

  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);

  env = g_getenv (services[service].env);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_strdup (services[service].url);
}

static gboolean
is_absolute_url (const char *path)
{
  return path != NULL &&
         (g_ascii_strncasecmp (path, "http://", 7) == 0 ||
          g_ascii_strncasecmp (path, "https://", 8) == 0);
}

char *
heyai_http_build_url (const char *base_url,
                      const char *path)
{
  gsize blen;

  if (is_absolute_url (path) || base_url == NULL)
    return g_strdup (path != NULL ? path : "");
  if (path == NULL || *path == '\0')
    return g_strdup (base_url);

  blen = strlen (base_url);
  while (blen > 0 && base_url[blen - 1] == '/')
    blen--;
  while (*path == '/')
    path++;

  return g_strdup_printf ("%.*s/%s", (int) blen, base_url, path);
}

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

static gboolean
net_debug_enabled (void)
{
  return !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN);
}

static void
append_headers (GString            *out,
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

/* ---------------------------------------------------------------------- */
/* HeyaiHttpRequest                                                        */

struct _HeyaiHttpRequest
{
  gatomicrefcount        ref_count;
  char                  *method;
  char                  *path;
  GString               *query;
  SoupMessageHeaders    *headers;
  char                  *content_type;
  GBytes                *body;
  GString               *form;
  GInputStream          *stream;
  goffset                stream_length;
  int                    timeout;
  HeyaiHttpRequestFlags  flags;
  guint                  max_attempts;
};

G_DEFINE_BOXED_TYPE (HeyaiHttpRequest, heyai_http_request,
                     heyai_http_request_ref, heyai_http_request_unref)

HeyaiHttpRequest *
heyai_http_request_new (const char *method,
                        const char *path)
{
  HeyaiHttpRequest *self;

  g_return_val_if_fail (method != NULL, NULL);

  self = g_new0 (HeyaiHttpRequest, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->method = g_ascii_strup (method, -1);
  self->path = g_strdup (path != NULL ? path : "");
  self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  self->timeout = -1;
  return self;
}

HeyaiHttpRequest *
heyai_http_request_ref (HeyaiHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
heyai_http_request_unref (HeyaiHttpRequest *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->method);
  g_free (self->path);
  if (self->query != NULL)
    g_string_free (self->query, TRUE);
  if (self->form != NULL)
    g_string_free (self->form, TRUE);
  soup_message_headers_unref (self->headers);
  g_free (self->content_type);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_object (&self->stream);
  g_free (self);
}

const char *
heyai_http_request_get_method (HeyaiHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->method;
}

const char *
heyai_http_request_get_path (HeyaiHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->path;
}

static void
append_encoded_pair (GString    *out,
                     const char *name,
                     const char *value)
{
  g_autofree char *n = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *v = g_uri_escape_string (value != NULL ? value : "", NULL, FALSE);

  if (out->len > 0)
    g_string_append_c (out, '&');
  g_string_append_printf (out, "%s=%s", n, v);
}

void
heyai_http_request_add_query (HeyaiHttpRequest *self,
                              const char       *name,
                              const char       *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  if (self->query == NULL)
    self->query = g_string_new (NULL);
  append_encoded_pair (self->query, name, value);
}

void
heyai_http_request_set_header (HeyaiHttpRequest *self,
                               const char       *name,
                               const char       *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  if (value == NULL)
    soup_message_headers_remove (self->headers, name);
  else
    soup_message_headers_replace (self->headers, name, value);
}

void
heyai_http_request_set_bearer (HeyaiHttpRequest *self,
                               const char       *token)
{
  g_autofree char *value = NULL;

  g_return_if_fail (self != NULL);

  if (token == NULL)
    {
      soup_message_headers_remove (self->headers, "Authorization");
      return;
    }
  value = g_strdup_printf ("Bearer %s", token);
  soup_message_headers_replace (self->headers, "Authorization", value);
}

static void
clear_body (HeyaiHttpRequest *self)
{
  g_clear_pointer (&self->content_type, g_free);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_object (&self->stream);
  if (self->form != NULL)
    {
      g_string_free (self->form, TRUE);
      self->form = NULL;
    }
}

void
heyai_http_request_set_json (HeyaiHttpRequest *self,
                             JsonNode         *body)
{
  g_autoptr(JsonGenerator) gen = NULL;
  char *text;
  gsize len;

  g_return_if_fail (self != NULL);
  g_return_if_fail (body != NULL);

  gen = json_generator_new ();
  json_generator_set_root (gen, body);
  text = json_generator_to_data (gen, &len);

  clear_body (self);
  self->content_type = g_strdup ("application/json");
  self->body = g_bytes_new_take (text, len);
}

void
heyai_http_request_set_json_object (HeyaiHttpRequest *self,
                                    JsonObject       *body)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (body != NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body);
  heyai_http_request_set_json (self, node);
}

void
heyai_http_request_set_body (HeyaiHttpRequest *self,
                             const char       *content_type,
                             GBytes           *body)
{
  g_return_if_fail (self != NULL);

  clear_body (self);
  self->content_type = g_strdup (content_type);
  self->body = body != NULL ? g_bytes_ref (body) : NULL;
}

void
heyai_http_request_add_form (HeyaiHttpRequest *self,
                             const char       *name,
                             const char       *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  if (self->form == NULL)
    {
      clear_body (self);
      self->form = g_string_new (NULL);
    }
  append_encoded_pair (self->form, name, value);
}

void
heyai_http_request_set_body_stream (HeyaiHttpRequest *self,
                                    const char       *content_type,
                                    GInputStream     *stream,
                                    goffset           length)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (length >= 0);

  clear_body (self);
  self->content_type = g_strdup (content_type);
  self->stream = g_object_ref (stream);
  self->stream_length = length;
}

void
heyai_http_request_set_timeout (HeyaiHttpRequest *self,
                                int               seconds)
{
  g_return_if_fail (self != NULL);
  self->timeout = seconds;
}

void
heyai_http_request_set_flags (HeyaiHttpRequest      *self,
                              HeyaiHttpRequestFlags  flags)
{
  g_return_if_fail (self != NULL);
  self->flags = flags;
}

HeyaiHttpRequestFlags
heyai_http_request_get_flags (HeyaiHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->flags;
}

void
heyai_http_request_set_max_attempts (HeyaiHttpRequest *self,
                                     guint             max_attempts)
{
  g_return_if_fail (self != NULL);
  self->max_attempts = max_attempts;
}

/* ---------------------------------------------------------------------- */
/* HeyaiHttpResponse                                                       */

struct _HeyaiHttpResponse
{
  gatomicrefcount     ref_count;
  guint               status;
  char               *url;
  SoupMessageHeaders *headers;
  GBytes             *body;
  guint               attempts;
  JsonNode           *json;
  gboolean            json_tried;
};

G_DEFINE_BOXED_TYPE (HeyaiHttpResponse, heyai_http_response,
                     heyai_http_response_ref, heyai_http_response_unref)

static HeyaiHttpResponse *
response_new (guint               status,
              const char         *url,
              SoupMessageHeaders *headers,
              GBytes             *body)
{
  HeyaiHttpResponse *self = g_new0 (HeyaiHttpResponse, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->status = status;
  self->url = g_strdup (url);
  self->headers = headers != NULL ? soup_message_headers_ref (headers)
                                  : soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  self->body = body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  self->attempts = 1;
  return self;
}

HeyaiHttpResponse *
heyai_http_response_new_for_test (guint               status,
                                  const char *const  *headers,
                                  const char         *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, body != NULL ? strlen (body) : 0);
  SoupMessageHeaders *h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  HeyaiHttpResponse *self;

  for (guint i = 0; headers != NULL && headers[i] != NULL; i++)
    {
      const char *colon = strchr (headers[i], ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (colon == NULL)
        continue;
      name = g_strndup (headers[i], colon - headers[i]);
      value = g_strstrip (g_strdup (colon + 1));
      soup_message_headers_append (h, g_strstrip (name), value);
    }

  self = response_new (status, "http://test.invalid/", h, bytes);
  soup_message_headers_unref (h);
  return self;
}

HeyaiHttpResponse *
heyai_http_response_ref (HeyaiHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
heyai_http_response_unref (HeyaiHttpResponse *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->url);
  soup_message_headers_unref (self->headers);
  g_bytes_unref (self->body);
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self);
}

guint
heyai_http_response_get_status (HeyaiHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

const char *
heyai_http_response_get_url (HeyaiHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->url;
}

SoupMessageHeaders *
heyai_http_response_get_headers (HeyaiHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->headers;
}

const char *
heyai_http_response_get_header (HeyaiHttpResponse *self,
                                const char        *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return soup_message_headers_get_one (self->headers, name);
}

GBytes *
heyai_http_response_get_body (HeyaiHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->body;
}

guint
heyai_http_response_get_attempts (HeyaiHttpResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->attempts;
}

JsonNode *
heyai_http_response_get_json (HeyaiHttpResponse  *self,
                              GError            **error)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (!self->json_tried)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize len;
      const char *data = g_bytes_get_data (self->body, &len);

      self->json_tried = TRUE;
      if (len > 0 && json_parser_load_from_data (parser, data, len, NULL) &&
          json_parser_get_root (parser) != NULL)
        self->json = json_node_copy (json_parser_get_root (parser));
    }

  if (self->json == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                 _("The service sent an answer that is not valid JSON (HTTP %u)."),
                 self->status);
  return self->json;
}

JsonObject *
heyai_http_response_get_object (HeyaiHttpResponse  *self,
                                GError            **error)
{
  JsonNode *node = heyai_http_response_get_json (self, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("The service sent an unexpected answer (HTTP %u)."), self->status);
      return NULL;
    }
  return json_node_get_object (node);
}

static char *
clean_detail (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (p = text; *p != '\0' && out->len < 300; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (out, c);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
heyai_http_response_dup_error_detail (HeyaiHttpResponse *self)
{
  JsonNode *root;
  const char *ctype;

  g_return_val_if_fail (self != NULL, NULL);

  root = heyai_http_response_get_json (self, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      JsonNode *err = json_object_get_member (obj, "error");

      if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
        {
          JsonObject *eobj = json_node_get_object (err);
          const char *msg = json_object_get_string_member_with_default (eobj, "message", NULL);

          if (msg != NULL)
            return clean_detail (msg);
        }
      if (json_object_has_member (obj, "error_description"))
        return clean_detail (json_object_get_string_member_with_default (obj, "error_description", NULL));
      if (json_object_has_member (obj, "message") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "message")))
        return clean_detail (json_object_get_string_member_with_default (obj, "message", NULL));
      if (json_object_has_member (obj, "detail") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (obj, "detail")))
        return clean_detail (json_object_get_string_member_with_default (obj, "detail", NULL));
      if (err != NULL && JSON_NODE_HOLDS_VALUE (err) &&
          json_node_get_value_type (err) == G_TYPE_STRING)
        return clean_detail (json_node_get_string (err));
      return NULL;
    }

  ctype = soup_message_headers_get_content_type (self->headers, NULL);
  if (ctype != NULL && g_str_has_prefix (ctype, "text/plain"))
    {
      gsize len;
      const char *data = g_bytes_get_data (self->body, &len);
      g_autofree char *text = g_strndup (data, MIN (len, 600));

      return clean_detail (text);
    }

  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Download result                                                         */

void
heyai_http_download_free (HeyaiHttpDownload *download)
{
  if (download == NULL)
    return;
  g_free (download->path);
  g_free (download->sha256);
  g_free (download->content_type);
  g_free (download);
}

/* ---------------------------------------------------------------------- */
/* HeyaiHttp                                                               */

struct _HeyaiHttp
{
  GObject                parent_instance;

  char                  *base_url;
  char                  *label;
  int                    timeout;
  SoupSession           *session;
  HeyaiRetryPolicy       policy;

  HeyaiHttpClassifyFunc  classify;
  gpointer               classify_data;
  GDestroyNotify         classify_destroy;
  HeyaiHttpDelayFunc     delay;
  gpointer               delay_data;
  GDestroyNotify         delay_destroy;
  HeyaiHttpAuthFunc      auth;
  gpointer               auth_data;
  GDestroyNotify         auth_destroy;
};

G_DEFINE_FINAL_TYPE (HeyaiHttp, heyai_http, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_LABEL,
  PROP_TIMEOUT,
  PROP_USER_AGENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
heyai_http_dispose (GObject *object)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (heyai_http_parent_class)->dispose (object);
}

static void
heyai_http_finalize (GObject *object)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  if (self->classify_destroy != NULL)
    self->classify_destroy (self->classify_data);
  if (self->delay_destroy != NULL)
    self->delay_destroy (self->delay_data);
  if (self->auth_destroy != NULL)
    self->auth_destroy (self->auth_data);
  g_free (self->base_url);
  g_free (self->label);

  G_OBJECT_CLASS (heyai_http_parent_class)->finalize (object);
}

static void
heyai_http_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_TIMEOUT:
      g_value_set_int (value, self->timeout);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, soup_session_get_user_agent (self->session));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_http_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      heyai_http_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_LABEL:
      heyai_http_set_label (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      heyai_http_set_timeout (self, g_value_get_int (value));
      break;
    case PROP_USER_AGENT:
      if (g_strcmp0 (g_value_get_string (value), soup_session_get_user_agent (self->session)) != 0)
        {
          soup_session_set_user_agent (self->session, g_value_get_string (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_http_class_init (HeyaiHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_http_dispose;
  object_class->finalize = heyai_http_finalize;
  object_class->get_property = heyai_http_get_property;
  object_class->set_property = heyai_http_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TIMEOUT] =
    g_param_spec_int ("timeout", NULL, NULL, 0, G_MAXINT, DEFAULT_TIMEOUT,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
heyai_http_init (HeyaiHttp *self)
{
  self->timeout = DEFAULT_TIMEOUT;
  self->label = g_strdup (_("The service"));
  /* No session-wide I/O time-out: each attempt has its own (total for API
   * calls, inactivity for downloads). */
  self->session = soup_session_new_with_options ("user-agent", "HeyAI-Studio/" PACKAGE_VERSION " ",
                                                 "idle-timeout", 60,
                                                 NULL);
  self->policy.max_attempts = 4;
  self->policy.base_delay = 1.0;
  self->policy.max_delay = 30.0;
  self->policy.max_retry_after = 120.0;
}

HeyaiHttp *
heyai_http_new (const char *base_url,
                const char *label)
{
  return g_object_new (HEYAI_TYPE_HTTP,
                       "base-url", base_url,
                       "label", label != NULL ? label : _("The service"),
                       NULL);
}

HeyaiHttp *
heyai_http_new_for_service (HeyaiService service)
{
  g_autofree char *base = heyai_service_dup_base_url (service);

  return heyai_http_new (base, heyai_service_label (service));
}

const char *
heyai_http_get_base_url (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return self->base_url;
}

void
heyai_http_set_base_url (HeyaiHttp  *self,
                         const char *base_url)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;
  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

const char *
heyai_http_get_label (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return self->label;
}

void
heyai_http_set_label (HeyaiHttp  *self,
                      const char *label)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (label == NULL || g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

int
heyai_http_get_timeout (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), 0);
  return self->timeout;
}

void
heyai_http_set_timeout (HeyaiHttp *self,
                        int        seconds)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  seconds = MAX (seconds, 0);
  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

SoupSession *
heyai_http_get_session (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return self->session;
}

char *
heyai_http_dup_url (HeyaiHttp  *self,
                    const char *path)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return heyai_http_build_url (self->base_url, path);
}

void
heyai_http_get_retry_policy (HeyaiHttp        *self,
                             HeyaiRetryPolicy *policy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));
  g_return_if_fail (policy != NULL);
  *policy = self->policy;
}

void
heyai_http_set_retry_policy (HeyaiHttp              *self,
                             const HeyaiRetryPolicy *policy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));
  g_return_if_fail (policy != NULL);

  self->policy = *policy;
  if (self->policy.max_attempts == 0)
    self->policy.max_attempts = 1;
}

void
heyai_http_set_classifier (HeyaiHttp             *self,
                           HeyaiHttpClassifyFunc  func,
                           gpointer               user_data,
                           GDestroyNotify         destroy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (self->classify_destroy != NULL)
    self->classify_destroy (self->classify_data);
  self->classify = func;
  self->classify_data = user_data;
  self->classify_destroy = destroy;
}

void
heyai_http_set_delay_func (HeyaiHttp          *self,
                           HeyaiHttpDelayFunc  func,
                           gpointer            user_data,
                           GDestroyNotify      destroy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (self->delay_destroy != NULL)
    self->delay_destroy (self->delay_data);
  self->delay = func;
  self->delay_data = user_data;
  self->delay_destroy = destroy;
}

void
heyai_http_set_auth_func (HeyaiHttp         *self,
                          HeyaiHttpAuthFunc  func,
                          gpointer           user_data,
                          GDestroyNotify     destroy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (self->auth_destroy != NULL)
    self->auth_destroy (self->auth_data);
  self->auth = func;
  self->auth_data = user_data;
  self->auth_destroy = destroy;
}

double
heyai_http_backoff_delay (const HeyaiRetryPolicy *policy,
                          guint                   attempt)
{
  double ceiling;

  g_return_val_if_fail (policy != NULL, 0.0);

  attempt = CLAMP (attempt, 1, 40);
  ceiling = MIN (policy->max_delay, policy->base_delay * ldexp (1.0, (int) attempt - 1));
  if (ceiling <= 0.0)
    return 0.0;
  return g_random_double_range (0.0, ceiling);
}

double
heyai_http_parse_retry_after (SoupMessageHeaders *headers,
                              gint64              now_unix)
{
  const char *value;
  char *end = NULL;
  double seconds;

  if (headers == NULL)
    return -1;

  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL)
    {
      seconds = g_ascii_strtod (value, &end);
      if (end != value && isfinite (seconds) && seconds >= 0)
        return seconds / 1000.0;
    }

  value = soup_message_headers_get_one (headers, "Retry-After");
  if (value == NULL)
    return -1;

  while (g_ascii_isspace (*value))
    value++;
  seconds = g_ascii_strtod (value, &end);
  if (end != value && (*end == '\0' || g_ascii_isspace (*end)) && isfinite (seconds))
    return MAX (seconds, 0.0);

  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);

    if (when == NULL)
      return -1;
    if (now_unix == 0)
      now_unix = g_get_real_time () / G_USEC_PER_SEC;
    return MAX ((double) (g_date_time_to_unix (when) - now_unix), 0.0);
  }
}

static double
delay_scale (void)
{
  const char *env = g_getenv ("HEYAI_HTTP_DELAY_SCALE");
  double scale;
  char *end = NULL;

  if (env == NULL || *env == '\0')
    return 1.0;
  scale = g_ascii_strtod (env, &end);
  if (end == env || !isfinite (scale) || scale < 0)
    return 1.0;
  return scale;
}

double
heyai_http_next_delay (HeyaiHttp *self,
                       guint      attempt,
                       double     server_delay)
{
  double delay;

  g_return_val_if_fail (HEYAI_IS_HTTP (self), 0.0);

  delay = server_delay >= 0 ? server_delay : heyai_http_backoff_delay (&self->policy, attempt);
  delay *= delay_scale ();
  if (self->delay != NULL)
    delay = self->delay (self, attempt, delay, self->delay_data);
  return MAX (delay, 0.0);
}

/* ---------------------------------------------------------------------- */
/* Sending                                                                 */

typedef enum
{
  MODE_SEND,
  MODE_DOWNLOAD,
} Mode;

typedef struct
{
  HeyaiHttp             *self;
  HeyaiHttpRequest      *request;
  Mode                   mode;
  GCancellable          *cancellable;      /* the caller's */
  gulong                 cancel_id;
  GCancellable          *attempt_cancellable;
  SoupMessage           *msg;
  guint                  attempt;
  guint                  max_attempts;
  guint                  timeout_id;
  guint                  wait_id;
  gboolean               timed_out;
  gint64                 started;
  GError                *last_error;       /* what to report if retries run out */

  /* download */
  char                  *dest_path;
  char                  *tmp_path;
  gint64                 max_size;
  HeyaiHttpProgressFunc  progress;
  gpointer               progress_data;
  GInputStream          *in;
  GOutputStream         *out;
  GChecksum             *checksum;
  gint64                 received;
  gint64                 expected;
  char                  *content_type;
  GBytes                *pending;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_clear_handle_id (&data->wait_id, g_source_remove);
  if (data->cancel_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancel_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->attempt_cancellable);
  g_clear_object (&data->msg);
  g_clear_object (&data->in);
  g_clear_object (&data->out);
  if (data->tmp_path != NULL)
    g_unlink (data->tmp_path);
  g_free (data->tmp_path);
  g_free (data->dest_path);
  g_free (data->content_type);
  g_clear_pointer (&data->checksum, g_checksum_free);
  g_clear_pointer (&data->pending, g_bytes_unref);
  g_clear_error (&data->last_error);
  heyai_http_request_unref (data->request);
  g_object_unref (data->self);
  g_free (data);
}

static void start_attempt (GTask *task);

static int
attempt_timeout (SendData *data)
{
  if (data->request->timeout >= 0)
    return data->request->timeout;
  return data->self->timeout;
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  SendData *data = user_data;

  data->timeout_id = 0;
  data->timed_out = TRUE;
  g_debug ("%s: time-out after %d s, cancelling the attempt", data->self->label,
           attempt_timeout (data));
  g_cancellable_cancel (data->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
arm_timeout (SendData *data)
{
  int seconds = attempt_timeout (data);

  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (seconds > 0)
    data->timeout_id = g_timeout_add_seconds (seconds, attempt_timeout_cb, data);
}

static gboolean
cancelled_idle_cb (gpointer user_data)
{
  GTask *task = user_data;

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);

  if (data->wait_id != 0)
    {
      /* Waiting between attempts: nothing in flight, finish now (from an idle,
       * never from inside the cancellable's signal emission). */
      g_idle_add_full (G_PRIORITY_DEFAULT, cancelled_idle_cb, g_object_ref (task), g_object_unref);
      g_clear_handle_id (&data->wait_id, g_source_remove);
    }
  else if (data->attempt_cancellable != NULL)
    g_cancellable_cancel (data->attempt_cancellable);
}

static char *
compose_message (const char *sentence,
                 const char *detail)
{
  if (detail == NULL || *detail == '\0')
    return g_strdup (sentence);
  /* TRANSLATORS: a sentence, then what the server said */
  return g_strdup_printf (_("%s The service said: “%s”"), sentence, detail);
}

static GError *
default_final_error (HeyaiHttp         *self,
                     HeyaiHttpResponse *response)
{
  g_autofree char *detail = heyai_http_response_dup_error_detail (response);
  g_autofree char *sentence = NULL;
  g_autofree char *message = NULL;
  guint status = response->status;
  int code;

  switch (status)
    {
    case 401:
    case 403:
      code = HEYAI_ERROR_CREDENTIALS;
      sentence = g_strdup_printf (_("%s refused the credentials (HTTP %u). Check the key in Preferences."),
                                  self->label, status);
      break;
    case 402:
      code = HEYAI_ERROR_QUOTA;
      sentence = g_strdup_printf (_("%s reports that the account has no credits left (HTTP %u)."),
                                  self->label, status);
      break;
    case 400:
    case 404:
    case 405:
    case 410:
    case 413:
    case 415:
    case 422:
      code = HEYAI_ERROR_VALIDATION;
      sentence = g_strdup_printf (_("%s rejected the request (HTTP %u)."), self->label, status);
      break;
    default:
      code = HEYAI_ERROR_PROVIDER;
      sentence = g_strdup_printf (_("%s sent an unexpected answer (HTTP %u)."), self->label, status);
      break;
    }

  message = compose_message (sentence, detail);
  return g_error_new_literal (HEYAI_ERROR, code, message);
}

static GError *
default_retry_error (HeyaiHttp         *self,
                     HeyaiHttpResponse *response)
{
  g_autofree char *detail = heyai_http_response_dup_error_detail (response);
  g_autofree char *sentence = NULL;
  g_autofree char *message = NULL;

  if (response->status == 429)
    sentence = g_strdup_printf (_("%s is limiting requests right now (HTTP 429). Try again in a few minutes."),
                                self->label);
  else
    sentence = g_strdup_printf (_("%s is unavailable or busy right now (HTTP %u). Try again later."),
                                self->label, response->status);
  message = compose_message (sentence, detail);
  return g_error_new_literal (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE, message);
}

static void
log_exchange (SendData          *data,
              HeyaiHttpResponse *response,
              const GError      *error)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *redacted = NULL;
  g_autofree char *url = NULL;
  const char *phrase;
  gint64 ms;

  if (!net_debug_enabled ())
    return;

  ms = (g_get_monotonic_time () - data->started) / 1000;
  text = g_string_new (NULL);
  if (data->msg != NULL)
    url = g_uri_to_string (soup_message_get_uri (data->msg));
  g_string_append_printf (text, "%s %s -> ", data->request->method, url != NULL ? url : "?");
  if (response != NULL)
    {
      phrase = soup_status_get_phrase (response->status);
      g_string_append_printf (text, "%u %s", response->status, phrase != NULL ? phrase : "");
    }
  else
    g_string_append_printf (text, "error: %s", error != NULL ? error->message : "?");
  g_string_append_printf (text, " (%" G_GINT64_FORMAT " ms, attempt %u/%u)", ms, data->attempt,
                          data->max_attempts);
  if (data->msg != NULL)
    append_headers (text, "> ", soup_message_get_request_headers (data->msg));
  if (response != NULL)
    append_headers (text, "< ", response->headers);

  redacted = heyai_http_redact (text->str);
  g_debug ("%s", redacted);
}

static gboolean
wait_done_cb (gpointer user_data)
{
  SendData *data = g_task_get_task_data (G_TASK (user_data));

  data->wait_id = 0;
  start_attempt (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

/* Waits, then starts the next attempt; or fails when attempts ran out.
 * Takes ownership of @error (the failure to report if we stop here). */
static void
retry_or_fail (GTask  *task,
               GError *error,
               double  server_delay)
{
  SendData *data = g_task_get_task_data (task);
  HeyaiHttp *self = data->self;
  double delay;

  g_clear_error (&data->last_error);
  data->last_error = error;

  if (data->attempt >= data->max_attempts ||
      (data->request->flags & HEYAI_HTTP_REQUEST_NO_RETRY) != 0 ||
      data->request->stream != NULL)
    {
      GError *final = g_steal_pointer (&data->last_error);

      if (final->domain == HEYAI_ERROR && final->code != HEYAI_ERROR_RETRYABLE &&
          final->code != HEYAI_ERROR_NO_SPACE && final->code != HEYAI_ERROR_PERMISSION)
        final->code = HEYAI_ERROR_RETRYABLE;
      g_task_return_error (task, final);
      return;
    }

  if (server_delay >= 0)
    {
      if (server_delay > self->policy.max_retry_after)
        {
          GError *final = g_steal_pointer (&data->last_error);
          g_autofree char *msg = g_strdup_printf (_("%s Please wait about %d minutes before trying again."),
                                                  final->message, (int) ceil (server_delay / 60.0));

          g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE, "%s", msg);
          g_error_free (final);
          return;
        }
      delay = server_delay;
    }
  else
    delay = heyai_http_backoff_delay (&self->policy, data->attempt);

  delay *= delay_scale ();
  if (self->delay != NULL)
    delay = self->delay (self, data->attempt, delay, self->delay_data);
  delay = MAX (delay, 0.0);

  g_debug ("%s: retrying in %.3f s (attempt %u/%u failed: %s)", self->label, delay,
           data->attempt, data->max_attempts, data->last_error->message);

  data->wait_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) (delay * 1000.0),
                                      wait_done_cb, g_object_ref (task), g_object_unref);
}

static GError *
network_error (SendData     *data,
               const GError *error)
{
  if (data->timed_out)
    return g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                        _("%s did not answer within %d seconds. Try again later."),
                        data->self->label, attempt_timeout (data));

  return g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                      _("Could not reach %s (%s). Check the network connection and try again."),
                      data->self->label, error->message);
}

/* Returns TRUE if the task completed (cancelled by the caller). */
static gboolean
handle_cancelled (GTask        *task,
                  const GError *error)
{
  SendData *data = g_task_get_task_data (task);

  if (g_cancellable_is_cancelled (data->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
      return TRUE;
    }
  return FALSE;
}

/* Classifies an answer.  Returns the verdict; sets *error for FINAL/RETRY. */
static HeyaiHttpVerdict
classify (SendData          *data,
          HeyaiHttpResponse *response,
          GError           **error)
{
  HeyaiHttp *self = data->self;
  HeyaiHttpVerdict verdict = HEYAI_HTTP_VERDICT_DEFAULT;
  const char *should_retry;
  guint status = response->status;

  if (self->classify != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      verdict = self->classify (response, &local_error, self->classify_data);
      if (verdict == HEYAI_HTTP_VERDICT_FINAL && local_error == NULL)
        local_error = default_final_error (self, response);
      if (verdict == HEYAI_HTTP_VERDICT_RETRY && local_error == NULL)
        local_error = default_retry_error (self, response);
      if (verdict != HEYAI_HTTP_VERDICT_DEFAULT)
        {
          if (verdict != HEYAI_HTTP_VERDICT_OK)
            g_propagate_error (error, g_steal_pointer (&local_error));
          return verdict;
        }
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return HEYAI_HTTP_VERDICT_OK;
  if (SOUP_STATUS_IS_REDIRECTION (status) &&
      (data->request->flags & HEYAI_HTTP_REQUEST_NO_REDIRECT) != 0)
    return HEYAI_HTTP_VERDICT_OK;

  should_retry = soup_message_headers_get_one (response->headers, "x-should-retry");
  if (g_strcmp0 (should_retry, "true") == 0)
    {
      *error = default_retry_error (self, response);
      return HEYAI_HTTP_VERDICT_RETRY;
    }
  if (g_strcmp0 (should_retry, "false") != 0 &&
      (status == 408 || status == 409 || status == 429 || status >= 500))
    {
      *error = default_retry_error (self, response);
      return HEYAI_HTTP_VERDICT_RETRY;
    }

  *error = default_final_error (self, response);
  return HEYAI_HTTP_VERDICT_FINAL;
}

/* Common handling of a complete answer (send mode, or a download's non-2xx). */
static void
handle_response (GTask             *task,
                 HeyaiHttpResponse *response)
{
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HeyaiHttpVerdict verdict;

  response->attempts = data->attempt;

  if ((data->request->flags & HEYAI_HTTP_REQUEST_ANY_STATUS) != 0)
    {
      g_task_return_pointer (task, heyai_http_response_ref (response),
                             (GDestroyNotify) heyai_http_response_unref);
      return;
    }

  verdict = classify (data, response, &error);
  switch (verdict)
    {
    case HEYAI_HTTP_VERDICT_OK:
    case HEYAI_HTTP_VERDICT_DEFAULT:
      g_task_return_pointer (task, heyai_http_response_ref (response),
                             (GDestroyNotify) heyai_http_response_unref);
      break;
    case HEYAI_HTTP_VERDICT_RETRY:
      retry_or_fail (task, g_steal_pointer (&error),
                     heyai_http_parse_retry_after (response->headers, 0));
      break;
    case HEYAI_HTTP_VERDICT_FINAL:
    default:
      g_task_return_error (task, g_steal_pointer (&error));
      break;
    }
}

static void
send_and_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autofree char *url = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_clear_handle_id (&data->timeout_id, g_source_remove);

  if (body == NULL)
    {
      log_exchange (data, NULL, error);
      if (handle_cancelled (task, error))
        return;
      retry_or_fail (task, network_error (data, error), -1);
      return;
    }

  url = g_uri_to_string (soup_message_get_uri (data->msg));
  response = response_new (soup_message_get_status (data->msg), url,
                           soup_message_get_response_headers (data->msg), body);
  log_exchange (data, response, NULL);
  handle_response (task, response);
}

static void download_send_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
start_attempt (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  HeyaiHttp *self = data->self;
  HeyaiHttpRequest *req = data->request;
  g_autofree char *url = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  data->wait_id = 0;
  if (g_cancellable_is_cancelled (data->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
      return;
    }

  data->attempt++;
  data->timed_out = FALSE;
  data->started = g_get_monotonic_time ();

  url = heyai_http_build_url (self->base_url, req->path);
  if (req->query != NULL && req->query->len > 0)
    {
      char *with_query = g_strconcat (url, strchr (url, '?') != NULL ? "&" : "?", req->query->str, NULL);

      g_free (url);
      url = with_query;
    }

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                               _("The address for %s is not valid. Check the base URL setting."),
                               self->label);
      return;
    }

  g_clear_object (&data->msg);
  data->msg = soup_message_new_from_uri (req->method, uri);

  soup_message_headers_iter_init (&iter, req->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_replace (soup_message_get_request_headers (data->msg), name, value);
  if (self->auth != NULL)
    self->auth (self, soup_message_get_request_headers (data->msg), self->auth_data);

  if (req->stream != NULL)
    {
      soup_message_set_request_body (data->msg, req->content_type, req->stream, req->stream_length);
      /* On a reused keep-alive connection that the server closes, libsoup
       * silently re-sends idempotent requests; a stream cannot be read
       * twice, so such a request gets a connection of its own. */
      soup_message_add_flags (data->msg, SOUP_MESSAGE_NEW_CONNECTION);
    }
  else if (req->form != NULL)
    {
      g_autoptr(GBytes) form = g_bytes_new (req->form->str, req->form->len);

      soup_message_set_request_body_from_bytes (data->msg, "application/x-www-form-urlencoded", form);
    }
  else if (req->body != NULL)
    soup_message_set_request_body_from_bytes (data->msg, req->content_type, req->body);
  else if (strcmp (req->method, "POST") == 0 || strcmp (req->method, "PUT") == 0 ||
           strcmp (req->method, "PATCH") == 0)
    soup_message_headers_set_content_length (soup_message_get_request_headers (data->msg), 0);

  if ((req->flags & HEYAI_HTTP_REQUEST_NO_REDIRECT) != 0)
    soup_message_add_flags (data->msg, SOUP_MESSAGE_NO_REDIRECT);

  g_clear_object (&data->attempt_cancellable);
  data->attempt_cancellable = g_cancellable_new ();
  arm_timeout (data);

  if (data->mode == MODE_SEND)
    soup_session_send_and_read_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                                      data->attempt_cancellable, send_and_read_cb,
                                      g_object_ref (task));
  else
    soup_session_send_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                             data->attempt_cancellable, download_send_cb,
                             g_object_ref (task));
}

static GTask *
make_task (HeyaiHttp           *self,
           HeyaiHttpRequest    *request,
           Mode                 mode,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data,
           gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SendData *data = g_new0 (SendData, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  data->self = g_object_ref (self);
  data->request = heyai_http_request_ref (request);
  data->mode = mode;
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  data->max_attempts = request->max_attempts > 0 ? request->max_attempts : self->policy.max_attempts;
  if ((request->flags & HEYAI_HTTP_REQUEST_NO_RETRY) != 0 || request->stream != NULL)
    data->max_attempts = 1;
  data->max_attempts = MAX (data->max_attempts, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  return task;
}

static void
begin (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  if (data->cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (data->cancellable))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
          return;
        }
      /* The handler does not own a ref: send_data_free disconnects it
       * before the task dies. */
      data->cancel_id = g_cancellable_connect (data->cancellable, G_CALLBACK (caller_cancelled_cb),
                                               task, NULL);
    }
  start_attempt (task);
}

void
heyai_http_send_async (HeyaiHttp           *self,
                       HeyaiHttpRequest    *request,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HEYAI_IS_HTTP (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = make_task (self, request, MODE_SEND, cancellable, callback, user_data,
                    heyai_http_send_async);
  begin (task);
}

HeyaiHttpResponse *
heyai_http_send_finish (HeyaiHttp     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Downloading                                                             */

static void download_read_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
download_reset (SendData *data)
{
  g_clear_object (&data->in);
  if (data->out != NULL)
    {
      g_output_stream_close (data->out, NULL, NULL);
      g_clear_object (&data->out);
    }
  if (data->tmp_path != NULL)
    {
      g_unlink (data->tmp_path);
      g_clear_pointer (&data->tmp_path, g_free);
    }
  g_clear_pointer (&data->checksum, g_checksum_free);
  g_clear_pointer (&data->pending, g_bytes_unref);
  data->received = 0;
  data->expected = -1;
}

static void
download_fail_io (GTask        *task,
                  const GError *io_error)
{
  SendData *data = g_task_get_task_data (task);
  g_autofree char *base = g_path_get_basename (data->dest_path);
  g_autofree char *what = g_strdup_printf (_("Could not save %s"), base);
  GError *error = NULL;

  download_reset (data);
  heyai_set_gio_error (&error, io_error, what);
  g_task_return_error (task, error);
}

static void
download_read_error (GTask        *task,
                     const GError *error)
{
  SendData *data = g_task_get_task_data (task);

  download_reset (data);
  if (handle_cancelled (task, error))
    return;
  retry_or_fail (task, network_error (data, error), -1);
}

static void
download_read_next (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  arm_timeout (data);   /* an inactivity time-out, re-armed for every read */
  g_input_stream_read_bytes_async (data->in, DOWNLOAD_CHUNK, G_PRIORITY_DEFAULT,
                                   data->attempt_cancellable, download_read_cb,
                                   g_object_ref (task));
}

static void
download_close_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HeyaiHttpDownload *download;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      g_clear_object (&data->out);
      download_fail_io (task, error);
      return;
    }
  g_clear_object (&data->out);

  if (g_rename (data->tmp_path, data->dest_path) != 0)
    {
      int saved = errno;
      g_autofree char *base = g_path_get_basename (data->dest_path);
      g_autofree char *what = g_strdup_printf (_("Could not save %s"), base);
      GError *local = NULL;

      download_reset (data);
      heyai_set_io_error (&local, saved, what);
      g_task_return_error (task, local);
      return;
    }
  g_clear_pointer (&data->tmp_path, g_free);

  download = g_new0 (HeyaiHttpDownload, 1);
  download->path = g_strdup (data->dest_path);
  download->size = data->received;
  download->sha256 = g_strdup (g_checksum_get_string (data->checksum));
  download->content_type = g_strdup (data->content_type);
  g_task_return_pointer (task, download, (GDestroyNotify) heyai_http_download_free);
}

static void
download_write_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (handle_cancelled (task, error))
        {
          download_reset (data);
          return;
        }
      download_fail_io (task, error);
      return;
    }

  g_clear_pointer (&data->pending, g_bytes_unref);
  if (data->progress != NULL)
    data->progress (data->received, data->expected, data->progress_data);
  download_read_next (task);
}

static void
download_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  const guint8 *buf;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (bytes == NULL)
    {
      download_read_error (task, error);
      return;
    }

  buf = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      /* EOF */
      if (data->expected >= 0 && data->received != data->expected)
        {
          g_autoptr(GError) truncated =
            g_error_new (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                         _("the download stopped after %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes"),
                         data->received, data->expected);

          log_exchange (data, NULL, truncated);
          download_read_error (task, truncated);
          return;
        }
      g_clear_object (&data->in);
      g_output_stream_close_async (data->out, G_PRIORITY_DEFAULT, NULL, download_close_cb,
                                   g_object_ref (task));
      return;
    }

  data->received += len;
  if (data->received > data->max_size)
    {
      download_reset (data);
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                               _("The file sent by %s is larger than the %" G_GINT64_FORMAT " MB limit."),
                               data->self->label, data->max_size / (1024 * 1024));
      return;
    }

  g_checksum_update (data->checksum, buf, len);
  data->pending = g_bytes_ref (bytes);
  g_output_stream_write_all_async (data->out, buf, len, G_PRIORITY_DEFAULT,
                                   data->attempt_cancellable, download_write_cb,
                                   g_object_ref (task));
}

static void
download_error_body_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autofree char *url = NULL;

  body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_clear_object (&data->in);
  if (handle_cancelled (task, NULL))
    return;

  url = g_uri_to_string (soup_message_get_uri (data->msg));
  response = response_new (soup_message_get_status (data->msg), url,
                           soup_message_get_response_headers (data->msg), body);
  log_exchange (data, response, NULL);

  /* Only non-2xx answers get here: a classifier's OK (e.g. a 401 handed
   * back to a client that refreshes tokens) is still a failed download. */
  {
    g_autoptr(GError) error = NULL;
    HeyaiHttpVerdict verdict = classify (data, response, &error);

    if (verdict == HEYAI_HTTP_VERDICT_RETRY)
      retry_or_fail (task, g_steal_pointer (&error),
                     heyai_http_parse_retry_after (response->headers, 0));
    else if (error != NULL)
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_task_return_error (task, default_final_error (data->self, response));
  }
}

static void
download_send_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = NULL;
  SoupMessageHeaders *headers;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmpl = NULL;
  guint status;
  int fd;

  in = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  if (in == NULL)
    {
      log_exchange (data, NULL, error);
      if (handle_cancelled (task, error))
        return;
      retry_or_fail (task, network_error (data, error), -1);
      return;
    }

  data->in = g_steal_pointer (&in);
  status = soup_message_get_status (data->msg);
  headers = soup_message_get_response_headers (data->msg);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      arm_timeout (data);
      g_input_stream_read_bytes_async (data->in, ERROR_BODY_LIMIT, G_PRIORITY_DEFAULT,
                                       data->attempt_cancellable, download_error_body_cb,
                                       g_object_ref (task));
      return;
    }

  if (net_debug_enabled ())
    {
      g_autoptr(HeyaiHttpResponse) logged = response_new (status, NULL, headers, NULL);
      log_exchange (data, logged, NULL);
    }

  data->expected = -1;
  /* With a Content-Encoding, libsoup hands us decoded bytes: their count
   * cannot be checked against the (encoded) Content-Length. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      const char *coding = soup_message_headers_get_one (headers, "Content-Encoding");

      if (coding == NULL || g_ascii_strcasecmp (coding, "identity") == 0)
        data->expected = soup_message_headers_get_content_length (headers);
    }
  if (data->expected > data->max_size)
    {
      g_clear_object (&data->in);
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                               _("The file sent by %s is larger than the %" G_GINT64_FORMAT " MB limit."),
                               data->self->label, data->max_size / (1024 * 1024));
      return;
    }
  g_free (data->content_type);
  data->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));

  dir = g_path_get_dirname (data->dest_path);
  base = g_path_get_basename (data->dest_path);
  tmpl = g_strdup_printf ("%s/.%s.XXXXXX.part", dir, base);
  fd = g_mkstemp_full (tmpl, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_autofree char *what = g_strdup_printf (_("Could not save %s"), base);
      GError *local = NULL;

      g_clear_object (&data->in);
      heyai_set_io_error (&local, saved, what);
      g_task_return_error (task, local);
      return;
    }

  data->tmp_path = g_steal_pointer (&tmpl);
  data->out = g_unix_output_stream_new (fd, TRUE);
  data->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  data->received = 0;
  download_read_next (task);
}

void
heyai_http_download_async (HeyaiHttp             *self,
                           HeyaiHttpRequest      *request,
                           const char            *dest_path,
                           gint64                 max_size,
                           HeyaiHttpProgressFunc  progress,
                           gpointer               progress_data,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (HEYAI_IS_HTTP (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (dest_path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = make_task (self, request, MODE_DOWNLOAD, cancellable, callback, user_data,
                    heyai_http_download_async);
  data = g_task_get_task_data (task);
  data->dest_path = g_strdup (dest_path);
  data->max_size = max_size > 0 ? max_size : DEFAULT_MAX_DOWNLOAD;
  data->progress = progress;
  data->progress_data = progress_data;
  data->expected = -1;
  begin (task);
}

HeyaiHttpDownload *
heyai_http_download_finish (HeyaiHttp     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
