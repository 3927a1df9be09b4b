/* heyai-http.h: the HTTP layer of libheyai (libsoup 3, async on the main context).
 *
 * One HeyaiHttp per remote service (or shared).  It owns a SoupSession, knows
 * the service's base URL and a human label ("OpenAI") used in error messages,
 * and sends HeyaiHttpRequests with:
 *
 *  - time-outs that mean what they say: a deadline for a whole API answer
 *    (the "timeout" property, default 300 s, or the request's own) and a
 *    stall time-out (default 60 s) for the time between two pieces of a
 *    body; a download has only the stall time-out unless its request sets a
 *    deadline.  libsoup's own session time-out (60 s by default) is off.
 *    The message names the service and the span ("Higgsfield did not answer
 *    within 3 minutes.");
 *  - body size limits: an API answer larger than heyai_http_set_max_body()
 *    (default HEYAI_HTTP_MAX_JSON_BODY) is refused without being read; a
 *    download takes its own limit (HEYAI_HTTP_MAX_IMAGE_BODY, _CLIP_BODY);
 *  - JSON answers deeper than HEYAI_JSON_MAX_DEPTH are refused before
 *    parsing (json-glib recurses: a 100 000-deep reply would overflow the
 *    stack);
 *  - every text that came from a server (error details) is redacted of the
 *    secrets in use (heyai_http_redact_add_secret()) before it reaches a
 *    message, a log or the database;
 *  - cancellation through the GCancellable given to the _async call;
 *  - retries of 408/409/429/5xx and network errors (connection refused or
 *    reset, time-out, truncated body) with exponential backoff + full jitter
 *    (delay = random (0, min (cap, base * 2^(attempt-1)))), honouring
 *    `retry-after-ms`, `Retry-After` (seconds or HTTP date) and
 *    `x-should-retry: true|false`;
 *  - a per-client classifier hook that looks at every answer first and can
 *    declare it OK, RETRY or FINAL (with its own error), so business errors
 *    (Kling 1102 behind HTTP 429, OpenAI insufficient_quota, Drive
 *    storageQuotaExceeded vs userRateLimitExceeded) are never retried;
 *  - default final-error mapping: 401/403 -> HEYAI_ERROR_CREDENTIALS,
 *    402 -> HEYAI_ERROR_QUOTA, 400/404/405/410/413/415/422 -> HEYAI_ERROR_VALIDATION,
 *    other 4xx -> HEYAI_ERROR_PROVIDER, retries exhausted -> HEYAI_ERROR_RETRYABLE;
 *    messages are translated sentences naming the service, with the server's
 *    detail (error.message, message, error_description, detail) appended;
 *  - debug logging in the "heyai-net" domain (G_MESSAGES_DEBUG=heyai-net):
 *    method, URL, status, timing and headers, with Authorization, api keys,
 *    tokens, secrets, `key=`/`access_token=`/... query parameters and JWTs
 *    redacted (heyai_http_redact()).  Bodies are never logged.
 *
 * Everything completes on the thread-default main context of the caller of
 * the _async function.  Nothing here blocks.
 *
 * Tests: heyai_http_set_delay_func() lets a test record the backoff delays and
 * make them instant.  Out-of-process tests (the CLI) can set
 * HEYAI_HTTP_DELAY_SCALE=0 in the environment to make every backoff instant
 * (the factor multiplies every computed delay; default 1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define HEYAI_NET_LOG_DOMAIN "heyai-net"

/* Body size limits per kind. */
#define HEYAI_HTTP_MAX_JSON_BODY  (G_GINT64_CONSTANT (16) * 1024 * 1024)
#define HEYAI_HTTP_MAX_IMAGE_BODY (G_GINT64_CONSTANT (50) * 1024 * 1024)
#define HEYAI_HTTP_MAX_CLIP_BODY  (G_GINT64_CONSTANT (1024) * 1024 * 1024)
/* Deepest JSON nesting accepted from a server (objects + arrays). */
#define HEYAI_JSON_MAX_DEPTH      128

/* ---------------------------------------------------------------------- */
/* Google's services and their base URLs (ARCHITECTURE.md, "Configuration
 * names"; the Drive client lives in this layer).  The providers' services
 * (OpenAI, Anthropic, Higgsfield, Kling) are described in src/providers
 * (heyai-provider-descriptors.h) and reach HeyaiHttp as a base URL and a
 * label: the net layer knows no provider. */

typedef enum
{
  HEYAI_SERVICE_DRIVE,         /* HEYAI_DRIVE_BASE_URL        https://www.googleapis.com/drive/v3 */
  HEYAI_SERVICE_DRIVE_UPLOAD,  /* HEYAI_DRIVE_UPLOAD_BASE_URL https://www.googleapis.com/upload/drive/v3 */
  HEYAI_SERVICE_GOOGLE_AUTH,   /* HEYAI_GOOGLE_AUTH_URL       https://accounts.google.com/o/oauth2/v2/auth */
  HEYAI_SERVICE_GOOGLE_TOKEN,  /* HEYAI_GOOGLE_TOKEN_URL      https://oauth2.googleapis.com/token */
} HeyaiService;

/* "HEYAI_DRIVE_BASE_URL", ... */
const char *heyai_service_env_var     (HeyaiService service);
/* The built-in default ("https://www.googleapis.com/drive/v3", ...). */
const char *heyai_service_default_url (HeyaiService service);
/* Human label for messages: "Google Drive", "Google" (auth and token). */
const char *heyai_service_label       (HeyaiService service);
/* The base URL to use: the environment variable when set and not empty
 * (exact replacement), else the default.  Newly allocated. */
char       *heyai_service_dup_base_url (HeyaiService service);

/* Joins a base URL and a path with exactly one '/' between them
 * ("http://h/v1/" + "/chat/completions" -> "http://h/v1/chat/completions").
 * An absolute @path ("http://...", "https://...") is returned unchanged. */
char       *heyai_http_build_url       (const char *base_url,
                                        const char *path);

/* Copy of @text with secrets replaced by "[REDACTED]": values of
 * `Authorization`, `x-api-key`, ... headers ("Name: value" lines), bearer/key
 * tokens, JWTs (eyJ....eyJ....sig), and the query parameters key, api_key,
 * access_token, refresh_token, id_token, client_secret, code, code_verifier,
 * token, upload_id, sig, signature.  Used by the debug log; public so tests
 * and other layers can redact too. */
char       *heyai_http_redact          (const char *text);
/* Registers a secret in use (an API key, a token, a key pair's halves): from
 * now on heyai_http_redact() replaces every occurrence of it, wherever it
 * appears (a server that echoes the key in its error text).  Values shorter
 * than 6 bytes are ignored.  Thread-safe; heyai-secrets registers every
 * secret it hands out. */
void        heyai_http_redact_add_secret (const char *secret);
/* Forgets every registered secret (tests). */
void        heyai_http_redact_clear_secrets (void);
/* Redaction for any bytes: invalid UTF-8 is replaced first (U+FFFD), NUL
 * bytes end nothing.  Newly allocated, valid UTF-8. */
char       *heyai_http_redact_bytes    (const char *data,
                                        gssize      len);

/* TRUE if @data (@len bytes, or NUL-terminated with -1) nests objects and
 * arrays no deeper than @max_depth, scanning bytes only (strings and
 * escapes skipped): a guard to call before json-glib, which recurses.
 * Sets a HEYAI_ERROR_PROVIDER error naming @label otherwise. */
gboolean    heyai_json_check_depth     (const char  *data,
                                        gssize       len,
                                        guint        max_depth,
                                        const char  *label,
                                        GError     **error);
/* json_parser_load_from_data() behind heyai_json_check_depth() with
 * HEYAI_JSON_MAX_DEPTH; the root node copied, or NULL with an error
 * naming @label. */
JsonNode   *heyai_json_parse_guarded   (const char  *data,
                                        gssize       len,
                                        const char  *label,
                                        GError     **error);

/* "90 seconds", "3 minutes" (translated). */
char       *heyai_http_format_duration (int seconds);

/* A timeout source attached to the thread-default main context of the
 * caller (g_timeout_add would use the global default one).  The caller owns
 * the returned source; heyai_source_clear() destroys and unrefs it (safe on
 * NULL, and from inside its own callback). */
GSource    *heyai_timeout_source_attach (guint           ms,
                                         GSourceFunc     func,
                                         gpointer        user_data,
                                         GDestroyNotify  notify);
void        heyai_source_clear          (GSource       **source);
/* TRUE if a header of that name carries a secret (case-insensitive). */
gboolean    heyai_http_header_is_secret (const char *name);

/* ---------------------------------------------------------------------- */
/* Requests                                                                */

typedef enum
{
  HEYAI_HTTP_REQUEST_DEFAULT     = 0,
  HEYAI_HTTP_REQUEST_NO_RETRY    = 1 << 0, /* one attempt only (errors still classified) */
  HEYAI_HTTP_REQUEST_NO_REDIRECT = 1 << 1, /* don't follow 3xx (Drive's 308 Resume Incomplete) */
  HEYAI_HTTP_REQUEST_ANY_STATUS  = 1 << 2, /* hand back every HTTP answer as a response, whatever
                                            * its status; no classifier, no status retries
                                            * (network errors are still retried unless NO_RETRY) */
} HeyaiHttpRequestFlags;

typedef struct _HeyaiHttpRequest HeyaiHttpRequest;

GType              heyai_http_request_get_type      (void) G_GNUC_CONST;
/* @method: "GET", "POST", ...; @path: relative to the HeyaiHttp's base URL
 * ("/chat/completions"), or an absolute http(s) URL used as is. */
HeyaiHttpRequest  *heyai_http_request_new           (const char        *method,
                                                     const char        *path);
HeyaiHttpRequest  *heyai_http_request_ref           (HeyaiHttpRequest  *self);
void               heyai_http_request_unref         (HeyaiHttpRequest  *self);
const char        *heyai_http_request_get_method    (HeyaiHttpRequest  *self);
const char        *heyai_http_request_get_path      (HeyaiHttpRequest  *self);
/* Appends "name=value" (both percent-encoded) to the query string. */
void               heyai_http_request_add_query     (HeyaiHttpRequest  *self,
                                                     const char        *name,
                                                     const char        *value);
/* Replaces a request header. */
void               heyai_http_request_set_header    (HeyaiHttpRequest  *self,
                                                     const char        *name,
                                                     const char        *value);
/* "Authorization: Bearer <token>". */
void               heyai_http_request_set_bearer    (HeyaiHttpRequest  *self,
                                                     const char        *token);
/* JSON body (serialized now; "application/json").  The node is not kept. */
void               heyai_http_request_set_json      (HeyaiHttpRequest  *self,
                                                     JsonNode          *body);
void               heyai_http_request_set_json_object (HeyaiHttpRequest *self,
                                                       JsonObject       *body);
/* Raw body.  @content_type may be NULL (no Content-Type). */
void               heyai_http_request_set_body      (HeyaiHttpRequest  *self,
                                                     const char        *content_type,
                                                     GBytes            *body);
/* Adds one application/x-www-form-urlencoded field (body built at send time). */
void               heyai_http_request_add_form      (HeyaiHttpRequest  *self,
                                                     const char        *name,
                                                     const char        *value);
/* Streamed body of exactly @length bytes read from @stream (for uploads).
 * A stream can be read once: such a request is sent once (implies NO_RETRY)
 * on a new connection (so libsoup never re-sends it by itself). */
void               heyai_http_request_set_body_stream (HeyaiHttpRequest *self,
                                                       const char       *content_type,
                                                       GInputStream     *stream,
                                                       goffset           length);
/* Deadline of one attempt in seconds (0: none, -1: the HeyaiHttp's
 * default; downloads: none).  A time-out is a retryable network error. */
void               heyai_http_request_set_timeout   (HeyaiHttpRequest  *self,
                                                     int                seconds);
/* Largest answer body accepted for this request (0: the HeyaiHttp's). */
void               heyai_http_request_set_max_body  (HeyaiHttpRequest  *self,
                                                     gint64             max_bytes);
void               heyai_http_request_set_flags     (HeyaiHttpRequest  *self,
                                                     HeyaiHttpRequestFlags flags);
HeyaiHttpRequestFlags heyai_http_request_get_flags  (HeyaiHttpRequest  *self);
/* Overrides the policy's max attempts for this request (0: policy default). */
void               heyai_http_request_set_max_attempts (HeyaiHttpRequest *self,
                                                        guint             max_attempts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiHttpRequest, heyai_http_request_unref)

/* ---------------------------------------------------------------------- */
/* Responses                                                               */

typedef struct _HeyaiHttpResponse HeyaiHttpResponse;

GType               heyai_http_response_get_type     (void) G_GNUC_CONST;
HeyaiHttpResponse  *heyai_http_response_ref          (HeyaiHttpResponse *self);
void                heyai_http_response_unref        (HeyaiHttpResponse *self);
guint               heyai_http_response_get_status   (HeyaiHttpResponse *self);
/* The final URL of the request (redactable: may hold query secrets). */
const char         *heyai_http_response_get_url      (HeyaiHttpResponse *self);
SoupMessageHeaders *heyai_http_response_get_headers  (HeyaiHttpResponse *self);
/* Case-insensitive header lookup, NULL if absent. */
const char         *heyai_http_response_get_header   (HeyaiHttpResponse *self,
                                                      const char        *name);
/* Never NULL (empty bytes for an empty body). */
GBytes             *heyai_http_response_get_body     (HeyaiHttpResponse *self);
/* Attempts used (1 when the first try answered). */
guint               heyai_http_response_get_attempts (HeyaiHttpResponse *self);
/* The body parsed as JSON (cached; transfer none).  NULL with a
 * HEYAI_ERROR_PROVIDER error when the body is not JSON. */
JsonNode           *heyai_http_response_get_json     (HeyaiHttpResponse *self,
                                                      GError           **error);
/* The same, requiring an object at the root (transfer none). */
JsonObject         *heyai_http_response_get_object   (HeyaiHttpResponse *self,
                                                      GError           **error);
/* The server's human message from common error shapes, or NULL:
 * {"error":{"message"}}, {"error":"x","error_description"}, {"message"},
 * {"detail"}, {"error":"text"}; else a short text/plain body.  Newly
 * allocated, at most ~300 characters, control characters removed. */
char               *heyai_http_response_dup_error_detail (HeyaiHttpResponse *self);
/* For tests and fakes-free unit tests of classifiers. */
HeyaiHttpResponse  *heyai_http_response_new_for_test (guint        status,
                                                      const char *const *headers, /* "Name: value", NULL-terminated, nullable */
                                                      const char  *body);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiHttpResponse, heyai_http_response_unref)

/* ---------------------------------------------------------------------- */
/* Retry policy and hooks                                                  */

typedef struct
{
  guint  max_attempts;     /* total attempts including the first (default 4) */
  double base_delay;       /* seconds (default 1.0) */
  double max_delay;        /* cap of one computed delay, seconds (default 30) */
  double max_retry_after;  /* a server-asked delay above this is not waited for:
                            * the request fails with HEYAI_ERROR_RETRYABLE (default 120) */
} HeyaiRetryPolicy;

typedef struct _HeyaiHttp HeyaiHttp;

typedef enum
{
  HEYAI_HTTP_VERDICT_DEFAULT, /* let the default rules decide */
  HEYAI_HTTP_VERDICT_OK,      /* hand the response to the caller as a success */
  HEYAI_HTTP_VERDICT_RETRY,   /* transient: retry with backoff (Retry-After honoured) */
  HEYAI_HTTP_VERDICT_FINAL,   /* final: the classifier set @error; never retried */
} HeyaiHttpVerdict;

/* Called for every HTTP answer (not for network errors), before the default
 * rules.  For FINAL it must set @error (HEYAI_ERROR_QUOTA, _MODERATION,
 * _CREDENTIALS, _VALIDATION... with a clear translated sentence); for RETRY it
 * may set @error to describe the failure if retries run out (the error is then
 * re-coded HEYAI_ERROR_RETRYABLE, message kept).  2xx answers also reach the
 * classifier (Kling can report an error with HTTP 200). */
typedef HeyaiHttpVerdict (*HeyaiHttpClassifyFunc) (HeyaiHttpResponse  *response,
                                                  GError            **error,
                                                  gpointer            user_data);

/* Gets the delay about to be waited before attempt @attempt + 1 (@attempt is
 * the 1-based attempt that just failed), returns the delay to really wait
 * (tests: record @seconds and return 0). */
typedef double (*HeyaiHttpDelayFunc) (HeyaiHttp *http,
                                      guint      attempt,
                                      double     seconds,
                                      gpointer   user_data);

/* Called before each attempt (including retries) to (re)authorize the
 * message, e.g. mint a fresh Kling JWT.  Must not block. */
typedef void (*HeyaiHttpAuthFunc) (HeyaiHttp          *http,
                                   SoupMessageHeaders *request_headers,
                                   gpointer            user_data);

/* ---------------------------------------------------------------------- */
/* HeyaiHttp                                                               */

#define HEYAI_TYPE_HTTP (heyai_http_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiHttp, heyai_http, HEYAI, HTTP, GObject)

/* Properties: base-url (string), label (string, for messages), timeout (int
 * seconds: the deadline of one API attempt, default 300, 0 = none),
 * user-agent (string). */

/* @base_url may be NULL (then every request must use an absolute URL). */
HeyaiHttp   *heyai_http_new                 (const char *base_url,
                                             const char *label);
/* Base URL from heyai_service_dup_base_url(), label from heyai_service_label(). */
HeyaiHttp   *heyai_http_new_for_service     (HeyaiService service);
const char  *heyai_http_get_base_url        (HeyaiHttp  *self);
void         heyai_http_set_base_url        (HeyaiHttp  *self,
                                             const char *base_url);
const char  *heyai_http_get_label           (HeyaiHttp  *self);
void         heyai_http_set_label           (HeyaiHttp  *self,
                                             const char *label);
int          heyai_http_get_timeout         (HeyaiHttp  *self);
void         heyai_http_set_timeout         (HeyaiHttp  *self,
                                             int         seconds);
/* Longest silence while an answer streams in (and, for a download, before
 * its headers), seconds; default 60, 0 = none. */
int          heyai_http_get_stall_timeout   (HeyaiHttp  *self);
void         heyai_http_set_stall_timeout   (HeyaiHttp  *self,
                                             int         seconds);
/* Largest API answer accepted (default HEYAI_HTTP_MAX_JSON_BODY). */
gint64       heyai_http_get_max_body        (HeyaiHttp  *self);
void         heyai_http_set_max_body        (HeyaiHttp  *self,
                                             gint64      max_bytes);
SoupSession *heyai_http_get_session         (HeyaiHttp  *self);
/* Full URL for @path (heyai_http_build_url with the base URL). */
char        *heyai_http_dup_url             (HeyaiHttp  *self,
                                             const char *path);

void         heyai_http_get_retry_policy    (HeyaiHttp              *self,
                                             HeyaiRetryPolicy       *policy);
void         heyai_http_set_retry_policy    (HeyaiHttp              *self,
                                             const HeyaiRetryPolicy *policy);
void         heyai_http_set_classifier      (HeyaiHttp              *self,
                                             HeyaiHttpClassifyFunc   func,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy);
void         heyai_http_set_delay_func      (HeyaiHttp              *self,
                                             HeyaiHttpDelayFunc      func,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy);
void         heyai_http_set_auth_func       (HeyaiHttp              *self,
                                             HeyaiHttpAuthFunc       func,
                                             gpointer                user_data,
                                             GDestroyNotify          destroy);

/* The backoff delay before the next attempt after @attempt failures,
 * without any Retry-After: random in [0, min (max_delay, base * 2^(attempt-1))]. */
double       heyai_http_backoff_delay       (const HeyaiRetryPolicy *policy,
                                             guint                   attempt);
/* The delay a caller with its own retry loop (Drive's resumable upload)
 * should wait before its attempt @attempt + 1: @server_delay when >= 0, else
 * heyai_http_backoff_delay() with this HeyaiHttp's policy; then
 * HEYAI_HTTP_DELAY_SCALE and the delay func apply, as for send_async. */
double       heyai_http_next_delay          (HeyaiHttp              *self,
                                             guint                   attempt,
                                             double                  server_delay);
/* Server-asked delay in seconds from retry-after-ms / Retry-After (seconds or
 * HTTP date, relative to @now_unix), or -1 when absent or unparsable. */
double       heyai_http_parse_retry_after   (SoupMessageHeaders     *headers,
                                             gint64                  now_unix);

/* Sends @request (retrying per policy) and completes with the response.
 * Unless the request has ANY_STATUS, a non-OK verdict completes with an error
 * (see the header comment for the mapping); G_IO_ERROR_CANCELLED when
 * @cancellable fires. */
void               heyai_http_send_async    (HeyaiHttp           *self,
                                             HeyaiHttpRequest    *request,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
HeyaiHttpResponse *heyai_http_send_finish   (HeyaiHttp           *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* Whether the request of @result (of heyai_http_send_async() or
 * heyai_http_download_async(), asked from its callback) may have reached
 * the server: TRUE once some attempt wrote the whole request (or got an
 * answer).  FALSE when every attempt failed before that — connection
 * refused, a DNS or TLS handshake failure, a time-out or a cut while
 * connecting or writing — so sending the request again cannot make the
 * server act on it twice.  A caller whose request has no idempotency key
 * (Higgsfield's submit) retries only then. */
gboolean           heyai_http_result_maybe_sent (HeyaiHttp       *self,
                                                 GAsyncResult    *result);

/* ---------------------------------------------------------------------- */
/* Streaming download                                                      */

typedef struct
{
  char   *path;          /* == dest_path */
  gint64  size;          /* bytes written */
  char   *sha256;        /* lower-case hex, computed while streaming */
  char   *content_type;  /* from the response, or NULL */
} HeyaiHttpDownload;

void heyai_http_download_free (HeyaiHttpDownload *download);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiHttpDownload, heyai_http_download_free)

/* Progress of a download: @total is -1 when unknown.  Main context. */
typedef void (*HeyaiHttpProgressFunc) (gint64   done,
                                       gint64   total,
                                       gpointer user_data);

/* Streams the body of @request (usually GET of an absolute URL) into a
 * temporary file next to @dest_path (".<name>.XXXXXX.part"), then renames it
 * over @dest_path atomically.  The body never sits in memory whole.
 * A body larger than @max_size (0: 4 GiB) fails with HEYAI_ERROR_PROVIDER
 * and is not retried; a body shorter than its Content-Length (a dropped
 * connection) is a retryable network error: the whole download restarts,
 * per the retry policy.  Non-2xx answers are classified like send_async.
 * The temporary file is removed on every failure.  Disk errors map through
 * heyai_set_gio_error (full disk -> HEYAI_ERROR_NO_SPACE). */
void               heyai_http_download_async  (HeyaiHttp             *self,
                                               HeyaiHttpRequest      *request,
                                               const char            *dest_path,
                                               gint64                 max_size,
                                               HeyaiHttpProgressFunc  progress,
                                               gpointer               progress_data,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
HeyaiHttpDownload *heyai_http_download_finish (HeyaiHttp             *self,
                                               GAsyncResult          *result,
                                               GError               **error);

G_END_DECLS
