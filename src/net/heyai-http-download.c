/* heyai-http-download.c: streaming a download to a file (hashed, size-limited,
 * written to a temporary file first).
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
  GError *network_error = _heyai_http_network_error (data, error);   /* before the counts reset */

  _heyai_http_disarm_timers (data);
  download_reset (data);
  if (_heyai_http_handle_cancelled (task, error))
    {
      g_error_free (network_error);
      return;
    }
  _heyai_http_retry_or_fail (task, network_error, -1);
}

static void
download_read_next (GTask *task)
{
  SendData *data = g_task_get_task_data (task);

  _heyai_http_arm_stall (data);   /* re-armed for every read */
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
      if (_heyai_http_handle_cancelled (task, error))
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
  _heyai_http_disarm_stall (data);
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
                         _("the download stopped after %lld of %lld bytes"),
                         (long long) data->received, (long long) data->expected);

          _heyai_http_log_exchange (data, NULL, truncated);
          download_read_error (task, truncated);
          return;
        }
      _heyai_http_disarm_timers (data);
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
                               _("The file sent by %s is larger than the %lld MB limit."),
                               data->self->label, (long long) (data->max_size / (1024 * 1024)));
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
  _heyai_http_disarm_timers (data);
  g_clear_object (&data->in);
  if (_heyai_http_handle_cancelled (task, NULL))
    return;

  url = g_uri_to_string (soup_message_get_uri (data->msg));
  response = _heyai_http_response_new (data->self->label, soup_message_get_status (data->msg), url,
                                       soup_message_get_response_headers (data->msg), body);
  _heyai_http_log_exchange (data, response, NULL);

  /* Only non-2xx answers get here: a classifier's OK (e.g. a 401 handed
   * back to a client that refreshes tokens) is still a failed download. */
  {
    g_autoptr(GError) error = NULL;
    HeyaiHttpVerdict verdict = _heyai_http_classify (data, response, &error);

    if (verdict == HEYAI_HTTP_VERDICT_RETRY)
      _heyai_http_retry_or_fail (task, g_steal_pointer (&error),
                                 heyai_http_parse_retry_after (response->headers, 0));
    else if (error != NULL)
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_task_return_error (task, _heyai_http_default_final_error (data->self, response));
  }
}

void
_heyai_http_download_send_cb (GObject      *source,
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
  _heyai_http_disarm_stall (data);
  if (in == NULL)
    {
      _heyai_http_log_exchange (data, NULL, error);
      if (_heyai_http_handle_cancelled (task, error))
        return;
      _heyai_http_retry_or_fail (task, _heyai_http_network_error (data, error), -1);
      return;
    }

  data->in = g_steal_pointer (&in);
  data->maybe_sent = TRUE;   /* an answer came */
  status = soup_message_get_status (data->msg);
  headers = soup_message_get_response_headers (data->msg);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      _heyai_http_arm_stall (data);
      g_input_stream_read_bytes_async (data->in, ERROR_BODY_LIMIT, G_PRIORITY_DEFAULT,
                                       data->attempt_cancellable, download_error_body_cb,
                                       g_object_ref (task));
      return;
    }

  if (_heyai_http_net_debug_enabled ())
    {
      g_autoptr(HeyaiHttpResponse) logged = _heyai_http_response_new (data->self->label, status, NULL,
                                                                                headers, NULL);
      _heyai_http_log_exchange (data, logged, NULL);
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
                               _("The file sent by %s is larger than the %lld MB limit."),
                               data->self->label, (long long) (data->max_size / (1024 * 1024)));
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

  task = _heyai_http_make_task (self, request, MODE_DOWNLOAD, cancellable, callback, user_data,
                                heyai_http_download_async);
  data = g_task_get_task_data (task);
  data->dest_path = g_strdup (dest_path);
  data->max_size = max_size > 0 ? max_size : DEFAULT_MAX_DOWNLOAD;
  data->progress = progress;
  data->progress_data = progress_data;
  data->expected = -1;
  _heyai_http_begin (task);
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
