/* heyai-http-response.c: HeyaiHttpResponse, the boxed answer, and the error
 * detail read from a failed answer's body.
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
#include "heyai-http-private.h"

/* ---------------------------------------------------------------------- */
/* HeyaiHttpResponse                                                       */

G_DEFINE_BOXED_TYPE (HeyaiHttpResponse, heyai_http_response,
                     heyai_http_response_ref, heyai_http_response_unref)

HeyaiHttpResponse *
_heyai_http_response_new (const char         *label,
                          guint               status,
                          const char         *url,
                          SoupMessageHeaders *headers,
                          GBytes             *body)
{
  HeyaiHttpResponse *self = g_new0 (HeyaiHttpResponse, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->label = g_strdup (label != NULL ? label : _("The service"));
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

  self = _heyai_http_response_new (NULL, status, "http://test.invalid/", h, bytes);
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
  g_free (self->label);
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

gboolean
heyai_json_check_depth (const char  *data,
                        gssize       len,
                        guint        max_depth,
                        const char  *label,
                        GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  if (data == NULL)
    return TRUE;
  if (len < 0)
    len = strlen (data);

  for (gssize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            {
              g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                           _("%s sent an answer nested more than %u levels deep; it was not read."),
                           label != NULL ? label : _("The service"), max_depth);
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}

JsonNode *
heyai_json_parse_guarded (const char  *data,
                          gssize       len,
                          const char  *label,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  if (label == NULL)
    label = _("The service");
  if (data == NULL)
    data = "";
  if (len < 0)
    len = strlen (data);
  if (!heyai_json_check_depth (data, len, HEYAI_JSON_MAX_DEPTH, label, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (len == 0 || !json_parser_load_from_data (parser, data, len, &local_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("%s sent an answer that is not valid JSON."), label);
      return NULL;
    }
  return json_parser_steal_root (parser);
}

JsonNode *
heyai_http_response_get_json (HeyaiHttpResponse  *self,
                              GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (!self->json_tried)
    {
      gsize len;
      const char *data = g_bytes_get_data (self->body, &len);

      self->json_tried = TRUE;
      self->json = heyai_json_parse_guarded (data, len, self->label, &local_error);
      if (self->json == NULL)
        g_debug ("%s: %s", self->label, local_error->message);
    }

  if (self->json == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                 _("%s sent an answer that could not be read (HTTP %u): not valid JSON, or nested too deeply."),
                 self->label, self->status);
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
                   _("%s sent an unexpected answer (HTTP %u)."), self->label, self->status);
      return NULL;
    }
  return json_node_get_object (node);
}

/* Server text -> a short, printable, redacted detail (any bytes in). */
static char *
clean_detail (const char *raw)
{
  g_autofree char *text = NULL;
  GString *out;
  const char *p;

  if (raw == NULL)
    return NULL;

  text = heyai_http_redact (raw);
  out = g_string_new (NULL);
  for (p = text; *p != '\0' && out->len < 300; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

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
      /* Redacted whole before it is cut, so no secret is cut in half. */
      g_autofree char *text = heyai_http_redact_bytes (data, MIN (len, ERROR_BODY_LIMIT));

      return clean_detail (text);
    }

  return NULL;
}
