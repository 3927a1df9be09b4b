/* heyai-http-private.h: what the heyai-http*.c files share: the structs of
 * HeyaiHttp, HeyaiHttpRequest and HeyaiHttpResponse, the state of one send or
 * download, and the _heyai_http_* helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-http.h"

G_BEGIN_DECLS

#define DEFAULT_TIMEOUT        300   /* deadline of one API attempt, seconds */
#define DEFAULT_STALL_TIMEOUT  60    /* longest silence while a body streams in, seconds */
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
  gint64                 max_body;
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
  char               *label;
};

struct _HeyaiHttp
{
  GObject                parent_instance;

  char                  *base_url;
  char                  *label;
  int                    timeout;
  int                    stall_timeout;
  gint64                 max_body;
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

typedef enum
{
  TIMED_OUT_NONE,
  TIMED_OUT_DEADLINE,
  TIMED_OUT_STALL,
} TimedOut;

typedef struct
{
  HeyaiHttp             *self;
  GMainContext          *context;          /* the caller's thread-default context */
  HeyaiHttpRequest      *request;
  Mode                   mode;
  GCancellable          *cancellable;      /* the caller's */
  gulong                 cancel_id;
  GCancellable          *attempt_cancellable;
  SoupMessage           *msg;
  guint                  attempt;
  guint                  max_attempts;
  GSource               *deadline_source;
  GSource               *stall_source;
  GSource               *wait_source;
  TimedOut               timed_out;
  gint64                 started;
  GError                *last_error;       /* what to report if retries run out */
  gulong                 wrote_body_id;    /* on msg */
  gboolean               maybe_sent;       /* some attempt wrote the whole request (or got an answer) */

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

  /* send: the body read so far */
  GByteArray            *body;
} SendData;

/* heyai-http.c */
double _heyai_http_delay_scale (void);
/* A timeout on @context (NULL: the thread-default one); the caller owns the
 * returned source (clear it with _heyai_http_clear_source). */
GSource *_heyai_http_timeout_source (GMainContext   *context,
                                     guint           ms,
                                     GSourceFunc     func,
                                     gpointer        user_data,
                                     GDestroyNotify  notify);
void _heyai_http_clear_source (GSource **source);

/* heyai-http-redact.c */
gboolean _heyai_http_net_debug_enabled (void);
void _heyai_http_append_headers (GString            *out,
                                 const char         *prefix,
                                 SoupMessageHeaders *headers);

/* heyai-http-response.c */
HeyaiHttpResponse *_heyai_http_response_new (const char         *label,
                                             guint               status,
                                             const char         *url,
                                             SoupMessageHeaders *headers,
                                             GBytes             *body);

/* heyai-http-download.c */
void _heyai_http_download_send_cb (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);

/* heyai-http-send.c */
void _heyai_http_arm_deadline (SendData *data);
void _heyai_http_arm_stall (SendData *data);
void _heyai_http_disarm_stall (SendData *data);
void _heyai_http_disarm_timers (SendData *data);
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
