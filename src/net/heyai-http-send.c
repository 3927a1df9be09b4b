/* heyai-http-send.c: sending: attempts, timeouts, cancellation,
 * classification of answers, retries and the exchange log.
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
/* Sending                                                                 */

/* The attempt's message, with the handler that watches its request leave. */
static void
clear_msg (SendData *data)
{
  if (data->msg != NULL && data->wrote_body_id != 0)
    g_signal_handler_disconnect (data->msg, data->wrote_body_id);
  data->wrote_body_id = 0;
  g_clear_object (&data->msg);
}

static void
send_data_free (SendData *data)
{
  _heyai_http_disarm_timers (data);
  _heyai_http_clear_source (&data->wait_source);
  if (data->cancel_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancel_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->attempt_cancellable);
  clear_msg (data);
  g_clear_object (&data->in);
  g_clear_object (&data->out);
  if (data->tmp_path != NULL)
    g_unlink (data->tmp_path);
  g_free (data->tmp_path);
  g_free (data->dest_path);
  g_free (data->content_type);
  g_clear_pointer (&data->checksum, g_checksum_free);
  g_clear_pointer (&data->pending, g_bytes_unref);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_clear_error (&data->last_error);
  g_clear_pointer (&data->context, g_main_context_unref);
  heyai_http_request_unref (data->request);
  g_object_unref (data->self);
  g_free (data);
}

static void start_attempt (GTask *task);

/* The deadline of one attempt, seconds (0: none).  A download has none
 * unless its request sets one: its stall time-out guards it. */
static int
attempt_deadline (SendData *data)
{
  if (data->request->timeout >= 0)
    return data->request->timeout;
  if (data->mode == MODE_DOWNLOAD)
    return 0;
  return data->self->timeout;
}

static int
attempt_stall (SendData *data)
{
  int stall = data->self->stall_timeout;
  int deadline = attempt_deadline (data);

  /* A stall longer than the whole deadline would never fire first. */
  if (deadline > 0 && (stall == 0 || stall > deadline))
    return deadline;
  return stall;
}

static gboolean
deadline_cb (gpointer user_data)
{
  SendData *data = user_data;

  _heyai_http_clear_source (&data->deadline_source);
  data->timed_out = TIMED_OUT_DEADLINE;
  g_debug ("%s: no complete answer within %d s, cancelling the attempt", data->self->label,
           attempt_deadline (data));
  g_cancellable_cancel (data->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
stall_cb (gpointer user_data)
{
  SendData *data = user_data;

  _heyai_http_clear_source (&data->stall_source);
  data->timed_out = TIMED_OUT_STALL;
  g_debug ("%s: nothing received for %d s, cancelling the attempt", data->self->label,
           attempt_stall (data));
  g_cancellable_cancel (data->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

void
_heyai_http_arm_deadline (SendData *data)
{
  int seconds = attempt_deadline (data);

  _heyai_http_clear_source (&data->deadline_source);
  if (seconds > 0)
    data->deadline_source = _heyai_http_timeout_source (data->context, (guint) seconds * 1000,
                                                        deadline_cb, data, NULL);
}

void
_heyai_http_arm_stall (SendData *data)
{
  int seconds = attempt_stall (data);

  _heyai_http_clear_source (&data->stall_source);
  if (seconds > 0)
    data->stall_source = _heyai_http_timeout_source (data->context, (guint) seconds * 1000,
                                                     stall_cb, data, NULL);
}

void
_heyai_http_disarm_stall (SendData *data)
{
  _heyai_http_clear_source (&data->stall_source);
}

void
_heyai_http_disarm_timers (SendData *data)
{
  _heyai_http_clear_source (&data->deadline_source);
  _heyai_http_clear_source (&data->stall_source);
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

  if (data->wait_source != NULL)
    {
      /* Waiting between attempts: nothing in flight, finish now (from an idle
       * on the caller's context, never from inside the cancellable's signal
       * emission). */
      g_autoptr(GSource) idle = g_idle_source_new ();

      g_source_set_callback (idle, cancelled_idle_cb, g_object_ref (task), g_object_unref);
      g_source_attach (idle, data->context);
      _heyai_http_clear_source (&data->wait_source);
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

GError *
_heyai_http_default_final_error (HeyaiHttp         *self,
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

void
_heyai_http_log_exchange (SendData          *data,
                          HeyaiHttpResponse *response,
                          const GError      *error)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *redacted = NULL;
  g_autofree char *url = NULL;
  const char *phrase;
  gint64 ms;

  if (!_heyai_http_net_debug_enabled ())
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
    _heyai_http_append_headers (text, "> ", soup_message_get_request_headers (data->msg));
  if (response != NULL)
    _heyai_http_append_headers (text, "< ", response->headers);

  redacted = heyai_http_redact (text->str);
  g_debug ("%s", redacted);
}

static gboolean
wait_done_cb (gpointer user_data)
{
  SendData *data = g_task_get_task_data (G_TASK (user_data));

  _heyai_http_clear_source (&data->wait_source);
  start_attempt (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

/* Waits, then starts the next attempt; or fails when attempts ran out.
 * Takes ownership of @error (the failure to report if we stop here). */
void
_heyai_http_retry_or_fail (GTask  *task,
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

  delay *= _heyai_http_delay_scale ();
  if (self->delay != NULL)
    delay = self->delay (self, data->attempt, delay, self->delay_data);
  delay = MAX (delay, 0.0);

  g_debug ("%s: retrying in %.3f s (attempt %u/%u failed: %s)", self->label, delay,
           data->attempt, data->max_attempts, data->last_error->message);

  data->wait_source = _heyai_http_timeout_source (data->context, (guint) (delay * 1000.0),
                                                  wait_done_cb, g_object_ref (task), g_object_unref);
}

GError *
_heyai_http_network_error (SendData     *data,
                           const GError *error)
{
  const char *label = data->self->label;

  if (data->timed_out == TIMED_OUT_DEADLINE)
    {
      g_autofree char *span = heyai_http_format_duration (attempt_deadline (data));

      /* TRANSLATORS: "Higgsfield did not answer within 3 minutes." */
      return g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                          _("%s did not answer within %s. Try again later."), label, span);
    }
  if (data->timed_out == TIMED_OUT_STALL)
    {
      g_autofree char *span = heyai_http_format_duration (attempt_stall (data));

      return g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                          _("%s stopped sending data for %s. Try again later."), label, span);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
      (data->mode == MODE_DOWNLOAD && data->received > 0) ||
      (data->body != NULL && data->body->len > 0))
    {
      if (data->mode == MODE_DOWNLOAD && data->expected > 0)
        return g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                            _("The download from %s was cut off after %lld of %lld bytes."),
                            label, (long long) data->received, (long long) data->expected);
      return g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                          _("The answer from %s was cut off before it was complete."), label);
    }

  return g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                      _("Could not reach %s (%s). Check the network connection and try again."),
                      label, error->message);
}

/* Returns TRUE if the task completed (cancelled by the caller). */
gboolean
_heyai_http_handle_cancelled (GTask        *task,
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
HeyaiHttpVerdict
_heyai_http_classify (SendData          *data,
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
        local_error = _heyai_http_default_final_error (self, response);
      if (verdict == HEYAI_HTTP_VERDICT_RETRY && local_error == NULL)
        local_error = default_retry_error (self, response);
      if (verdict != HEYAI_HTTP_VERDICT_DEFAULT)
        {
          if (local_error != NULL)
            {
              /* A classifier quotes the server: redact what it quoted. */
              char *redacted = heyai_http_redact (local_error->message);

              g_free (local_error->message);
              local_error->message = redacted;
            }
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

  *error = _heyai_http_default_final_error (self, response);
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

  verdict = _heyai_http_classify (data, response, &error);
  switch (verdict)
    {
    case HEYAI_HTTP_VERDICT_OK:
    case HEYAI_HTTP_VERDICT_DEFAULT:
      g_task_return_pointer (task, heyai_http_response_ref (response),
                             (GDestroyNotify) heyai_http_response_unref);
      break;
    case HEYAI_HTTP_VERDICT_RETRY:
      _heyai_http_retry_or_fail (task, g_steal_pointer (&error),
                                 heyai_http_parse_retry_after (response->headers, 0));
      break;
    case HEYAI_HTTP_VERDICT_FINAL:
    default:
      g_task_return_error (task, g_steal_pointer (&error));
      break;
    }
}

static gint64
attempt_max_body (SendData *data)
{
  if (data->request->max_body > 0)
    return data->request->max_body;
  return data->self->max_body;
}

static void send_read_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
send_read_next (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  _heyai_http_arm_stall (data);
  g_input_stream_read_bytes_async (data->in, DOWNLOAD_CHUNK, G_PRIORITY_DEFAULT,
                                   data->attempt_cancellable, send_read_cb, g_object_ref (task));
}

static void
send_read_failed (GTask        *task,
                  const GError *error)
{
  SendData *data = g_task_get_task_data (task);

  _heyai_http_disarm_timers (data);
  _heyai_http_log_exchange (data, NULL, error);
  g_clear_object (&data->in);
  if (_heyai_http_handle_cancelled (task, error))
    return;
  _heyai_http_retry_or_fail (task, _heyai_http_network_error (data, error), -1);
}

static void
send_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  g_autofree char *url = NULL;
  gint64 limit = attempt_max_body (data);
  gsize len;
  const guint8 *buf;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  _heyai_http_disarm_stall (data);
  if (chunk == NULL)
    {
      send_read_failed (task, error);
      return;
    }

  buf = g_bytes_get_data (chunk, &len);
  if (len > 0)
    {
      if ((gint64) data->body->len + (gint64) len > limit)
        {
          /* Not retried: the same request would get the same answer. */
          _heyai_http_disarm_timers (data);
          g_cancellable_cancel (data->attempt_cancellable);
          g_clear_object (&data->in);
          g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                   _("%s sent an answer larger than the %lld MB allowed; it was not read."),
                                   data->self->label,
                                   (long long) MAX (limit / (1024 * 1024), 1));
          return;
        }
      g_byte_array_append (data->body, buf, len);
      send_read_next (task);
      return;
    }

  /* EOF: the whole answer is in. */
  _heyai_http_disarm_timers (data);
  g_clear_object (&data->in);
  body = g_byte_array_free_to_bytes (g_steal_pointer (&data->body));
  url = g_uri_to_string (soup_message_get_uri (data->msg));
  response = _heyai_http_response_new (data->self->label, soup_message_get_status (data->msg), url,
                                       soup_message_get_response_headers (data->msg), body);
  _heyai_http_log_exchange (data, response, NULL);
  handle_response (task, response);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) in = NULL;
  SoupMessageHeaders *headers;
  goffset length;

  in = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (in == NULL)
    {
      send_read_failed (task, error);
      return;
    }
  data->maybe_sent = TRUE;   /* an answer came */

  headers = soup_message_get_response_headers (data->msg);
  length = soup_message_headers_get_content_length (headers);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > attempt_max_body (data))
    {
      _heyai_http_disarm_timers (data);
      g_cancellable_cancel (data->attempt_cancellable);
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                               _("%s sent an answer larger than the %lld MB allowed; it was not read."),
                               data->self->label,
                               (long long) MAX (attempt_max_body (data) / (1024 * 1024), 1));
      return;
    }

  data->in = g_steal_pointer (&in);
  g_clear_pointer (&data->body, g_byte_array_unref);
  data->body = g_byte_array_new ();
  send_read_next (task);
}

static void
wrote_body_cb (SoupMessage *msg,
               gpointer     user_data)
{
  SendData *data = user_data;

  data->maybe_sent = TRUE;
}

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

  if (g_cancellable_is_cancelled (data->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
      return;
    }

  data->attempt++;
  data->timed_out = TIMED_OUT_NONE;
  g_clear_pointer (&data->body, g_byte_array_unref);
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

  clear_msg (data);
  data->msg = soup_message_new_from_uri (req->method, uri);
  /* Until the whole request has been written the server cannot act on it
   * (connection refused, DNS or TLS failure, cut while writing). */
  data->wrote_body_id = g_signal_connect (data->msg, "wrote-body", G_CALLBACK (wrote_body_cb), data);

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
  /* An API call has a deadline for its whole answer; a download a stall
   * time-out (waiting for the headers counts), and a deadline if asked. */
  _heyai_http_arm_deadline (data);
  if (data->mode == MODE_DOWNLOAD)
    _heyai_http_arm_stall (data);

  if (data->mode == MODE_SEND)
    soup_session_send_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                             data->attempt_cancellable, send_cb, g_object_ref (task));
  else
    soup_session_send_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                             data->attempt_cancellable, _heyai_http_download_send_cb,
                             g_object_ref (task));
}

GTask *
_heyai_http_make_task (HeyaiHttp           *self,
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
  data->context = g_main_context_ref_thread_default ();
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

void
_heyai_http_begin (GTask *task)
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

  task = _heyai_http_make_task (self, request, MODE_SEND, cancellable, callback, user_data,
                                heyai_http_send_async);
  _heyai_http_begin (task);
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

gboolean
heyai_http_result_maybe_sent (HeyaiHttp    *self,
                              GAsyncResult *result)
{
  SendData *data;

  g_return_val_if_fail (HEYAI_IS_HTTP (self), TRUE);
  g_return_val_if_fail (g_task_is_valid (result, self), TRUE);

  data = g_task_get_task_data (G_TASK (result));
  return data == NULL || data->maybe_sent;
}
