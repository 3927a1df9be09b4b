/* heyai-http-request.c: HeyaiHttpRequest, the boxed description of a request.
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
/* HeyaiHttpRequest                                                        */

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
heyai_http_request_set_max_body (HeyaiHttpRequest *self,
                                 gint64            max_bytes)
{
  g_return_if_fail (self != NULL);
  self->max_body = MAX (max_bytes, 0);
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
