/* heyai-http-private.h: what the heyai-http*.c files share: the structs of
 * HeyaiHttp, HeyaiHttpRequest and HeyaiHttpResponse, the state of one send or
 * download, and the _heyai_http_* helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-http.h"

G_BEGIN_DECLS

#define DEFAULT_TIMEOUT        60
#define DEFAULT_MAX_DOWNLOAD   (G_GINT64_CONSTANT (4) * 1024 * 1024 * 1024)
#define DOWNLOAD_CHUNK         (64 * 1024)
#define ERROR_BODY_LIMIT       (64 * 1024)

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

/* heyai-http.c */
double _heyai_http_delay_scale (void);

/* heyai-http-redact.c */
gboolean _heyai_http_net_debug_enabled (void);
void _heyai_http_append_headers (GString            *out,
                                 const char         *prefix,
                                 SoupMessageHeaders *headers);

/* heyai-http-response.c */
HeyaiHttpResponse *_heyai_http_response_new (guint               status,
                                             const char         *url,
                                             SoupMessageHeaders *headers,
                                             GBytes             *body);

/* heyai-http-download.c */
void _heyai_http_download_send_cb (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);

/* heyai-http-send.c */
void _heyai_http_arm_timeout (SendData *data);
GError *_heyai_http_default_final_error (HeyaiHttp         *self,
                                         HeyaiHttpResponse *response);
void _heyai_http_log_exchange (SendData          *data,
                               HeyaiHttpResponse *response,
                               const GError      *error);
void _heyai_http_retry_or_fail (GTask  *task,
                                GError *error,
                                double  server_delay);
GError *_heyai_http_network_error (SendData     *data,
                                   const GError *error);
gboolean _heyai_http_handle_cancelled (GTask        *task,
                                       const GError *error);
HeyaiHttpVerdict _heyai_http_classify (SendData          *data,
                                       HeyaiHttpResponse *response,
                                       GError           **error);
GTask *_heyai_http_make_task (HeyaiHttp           *self,
                              HeyaiHttpRequest    *request,
                              Mode                 mode,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data,
                              gpointer             source_tag);
void _heyai_http_begin (GTask *task);

G_END_DECLS
