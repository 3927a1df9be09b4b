/* heyai-fake.h: fake remote services for tests (never the internet).
 *
 * A HeyaiFake is a SoupServer listening on 127.0.0.1 (port 0 = any free
 * port) on the thread-default main context of its creator.  It runs either
 *  - in-process: a test links libheyai-fake.a, installs the services it
 *    needs, starts the fake and spins the main context while its client
 *    (async, same context) talks to it; or
 *  - out-of-process: `heyai-fake-server [--services openai,anthropic,...]
 *    [--port N] [--fault TARGET:KIND[:COUNT]]... [--option KEY=VALUE]...`
 *    prints, once listening, one "NAME=VALUE" line per environment variable
 *    (HEYAI_FAKE_URL=http://127.0.0.1:PORT, HEYAI_OPENAI_BASE_URL=...,
 *    ...) then a line "READY", flushes stdout, and serves until SIGTERM/SIGINT
 *    (or until stdin closes, with --exit-on-eof).
 *
 * Each service lives under its own path prefix ("/openai", "/kling",
 * "/google", ...) and declares the environment variables that point a
 * client at it (heyai_fake_add_env), so every service can share one port.
 *
 * Routes have a name "<service>.<action>" ("kling.create", "drive.files.list").
 * The fake counts requests per route name and request-body bytes received per
 * route, plus free-form counters a service may bump (heyai_fake_counter_add).
 * In-process: heyai_fake_get_count() / heyai_fake_get_bytes() /
 * heyai_fake_get_counter().  Over HTTP: GET /_fake/stats ->
 *   {"routes":{"kling.create":{"count":1,"bytes":523}, ...},
 *    "counters":{"drive.upload.persisted":67108864, ...}}
 * POST /_fake/reset clears counters and queued faults; POST /_fake/fault?spec=TARGET:KIND[:COUNT]
 * adds a fault at run time (same syntax as --fault).
 *
 * Faults are queued per target (a route name, or a service name meaning any
 * of its routes) and consume one use per matching request, first added first
 * used.  Kinds (in-process HeyaiFakeFault, or the string form):
 *   http-NNN | NNN      answer HTTP NNN (a generic JSON error body, or the
 *                       service's named fault of that name, see below)
 *   delay-MS            hold the request MS milliseconds, then serve it normally
 *   timeout             hold it 120 s (the client must time out)
 *   drop                close the connection without answering (after reading
 *                       the request body)
 *   drop-body-BYTES     close the connection after reading BYTES bytes of the
 *                       request body (a connection lost mid-upload)
 *   truncate            serve normally but cut the body in half while
 *                       announcing the full Content-Length
 *   malformed           answer 200 with a body that is not valid JSON
 *   stall-MS            serve normally, but go silent MS milliseconds after the
 *                       first half of the body (a server that stalls mid-answer)
 *   <name>              a named fault the service registered
 *                       (heyai_fake_add_named_fault: e.g. kling "quota" = 429
 *                       {"code":1102,...}; drive "storage-quota" = 403 ...)
 *
 * Served files: heyai_fake_serve_bytes()/heyai_fake_serve_path() publish
 * content under /_fake/files/<name> (route "files.get", faults target "files"),
 * which is how services hand out result URLs.  Paths are mapped from disk
 * (GMappedFile), not copied into memory.
 *
 * Service state: services keep their state on the HeyaiFake with
 * g_object_set_data_full (G_OBJECT (fake), "kling", state, free) and read
 * knobs with heyai_fake_get_option() (set by tests or --option KEY=VALUE;
 * each service documents its keys, e.g. "kling.secret-key").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define HEYAI_TYPE_FAKE (heyai_fake_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiFake, heyai_fake, HEYAI, FAKE, GObject)

typedef struct _HeyaiFakeRequest HeyaiFakeRequest;

/* ---------------------------------------------------------------------- */
/* Lifecycle                                                               */

HeyaiFake  *heyai_fake_new            (void);
/* Listens on 127.0.0.1:@port (0: a free port). */
gboolean    heyai_fake_start          (HeyaiFake   *self,
                                       guint        port,
                                       GError     **error);
/* Stops listening, disconnects clients, drains pending delayed answers. */
void        heyai_fake_stop           (HeyaiFake   *self);
/* "http://127.0.0.1:PORT" (no trailing slash); NULL before start. */
const char *heyai_fake_get_base_url   (HeyaiFake   *self);
/* Base URL + @path. Newly allocated. */
char       *heyai_fake_dup_url        (HeyaiFake   *self,
                                       const char  *path);
SoupServer *heyai_fake_get_server     (HeyaiFake   *self);

/* Installs services by name: "openai", "anthropic", "higgsfield", "kling",
 * "google" (OAuth token + auth endpoint + Drive), or "all".  Unknown names
 * fail. Call before or after start. */
gboolean    heyai_fake_install        (HeyaiFake   *self,
                                       const char  *service,
                                       GError     **error);

/* Service installers (each file under tests/fakes provides one). */
void heyai_fake_openai_install     (HeyaiFake *fake);
void heyai_fake_anthropic_install  (HeyaiFake *fake);
void heyai_fake_higgsfield_install (HeyaiFake *fake);
void heyai_fake_kling_install      (HeyaiFake *fake);
void heyai_fake_google_install     (HeyaiFake *fake);

/* Google (fake-google.c): routes "google.auth" (GET /google/o/oauth2/v2/auth,
 * 302 to the redirect_uri with code+state), "google.token" (POST
 * /google/token: authorization_code with PKCE S256 verification and
 * redirect_uri check, refresh_token, invalid_grant, invalid_client),
 * "google.revoke"; Drive under /google/drive/v3 and /google/upload/drive/v3:
 * "drive.files.list" (q: name/mimeType =/!=, '<id>' in parents, trashed,
 * appProperties has {key= and value=}, `and`, parentheses; fields,
 * pageSize/pageToken), "drive.files.create", "drive.files.get" (+alt=media),
 * "drive.files.update", "drive.files.delete", "drive.permissions.create",
 * "drive.upload.start" (POST, resumable/multipart/media), "drive.upload.update"
 * (PATCH, resumable), "drive.upload.chunk" (PUT on the session URI; streaming,
 * 256 KiB-multiple check, 308 + Range, `bytes * /N` status queries).
 * A request body cut mid-way (drop-body-N) persists only whole 256 KiB
 * units of it, like a server that acknowledges less than was sent.
 * Besides the URLs it declares HEYAI_GOOGLE_CLIENT_ID, HEYAI_GOOGLE_CLIENT_SECRET
 * and HEYAI_DRIVE_REFRESH_TOKEN with the values it accepts, so exporting
 * what heyai-fake-server prints is enough for `heyai --storage=gdrive`.
 * Options: google.client-id (default "fake-client-id"), google.client-secret
 * ("fake-client-secret"), google.refresh-token (a refresh token valid from
 * the start, "fake-refresh-token"), google.expires-in (3599),
 * drive.keep-limit (uploads up to this many bytes keep their content for
 * alt=media; default 33554432), drive.max-page-size (caps pageSize, to test
 * paging; default 1000), drive.shared-drive-id (the id of the one shared
 * drive, default "0AFakeSharedDrive01"), google.granted-scope (the "scope"
 * of token answers: consent is granular, a user may untick Drive; default
 * https://www.googleapis.com/auth/drive.file).
 * Shared drives (API-CONTRACTS.md C.5): an item of the shared drive (or the
 * drive as a parent) does not exist for a request without
 * supportsAllDrives=true (404 notFound, like Drive); files.list returns
 * shared-drive items only with includeItemsFromAllDrives=true, only them
 * with corpora=drive (which needs driveId, includeItemsFromAllDrives and
 * supportsAllDrives, else 403).  Counters drive.all-drives /
 * drive.my-drive-only count authorized Drive calls with and without
 * supportsAllDrives=true.
 * Counters: google.tokens.issued, drive.created (files and folders),
 * drive.upload.sessions, drive.upload.persisted (bytes), drive.upload.completed.
 * Named faults: google "invalid-grant"; drive "rate-limit" (403
 * userRateLimitExceeded), "rate-limit-429", "storage-quota" (403
 * storageQuotaExceeded), "not-found", "backend" (500 backendError),
 * "auth" (401 authError). */
void        heyai_fake_google_expire_access_tokens  (HeyaiFake  *fake);
void        heyai_fake_google_revoke_refresh_tokens (HeyaiFake  *fake);
void        heyai_fake_google_expire_upload_sessions (HeyaiFake *fake);
/* The next non-final chunk: the fake acknowledges @bytes fewer than it was
 * sent (its 308 Range ends earlier), like a server that kept less. */
void        heyai_fake_google_lose_tail             (HeyaiFake  *fake,
                                                     gint64      bytes);
/* Deletes a file or folder behind the client's back (its children stay,
 * orphaned, as on Drive). FALSE if there is no such file. */
gboolean    heyai_fake_google_delete_file           (HeyaiFake  *fake,
                                                     const char *id);
/* The fake Drive's file @id as a full resource (all fields), or NULL. */
JsonObject *heyai_fake_google_dup_file              (HeyaiFake  *fake,
                                                     const char *id);
/* How many non-trashed files named @name exist (any folder). */
guint       heyai_fake_google_count_named           (HeyaiFake  *fake,
                                                     const char *name);

/* Declares that @env_var should point at base URL + @path (e.g.
 * "HEYAI_KLING_BASE_URL", "/kling").  Listed by heyai-fake-server and set
 * by heyai_fake_setenv(). */
void        heyai_fake_add_env        (HeyaiFake   *self,
                                       const char  *env_var,
                                       const char  *path);
/* Declares a literal value for @env_var (e.g. the fake's default
 * credentials, so a CLI test can export every line the server prints). */
void        heyai_fake_add_env_value  (HeyaiFake   *self,
                                       const char  *env_var,
                                       const char  *value);
/* The value for @env_var (a URL, or a literal), or NULL if no service
 * declared it. Newly allocated. */
char       *heyai_fake_dup_env_url    (HeyaiFake   *self,
                                       const char  *env_var);
/* "NAME=VALUE" for HEYAI_FAKE_URL and every declared variable, in the
 * order declared (what heyai-fake-server prints). Call after start. */
char      **heyai_fake_dup_env        (HeyaiFake   *self);
/* g_setenv() every declared variable (in-process tests; call after start). */
void        heyai_fake_setenv         (HeyaiFake   *self);

/* Free-form knobs: heyai_fake_set_option (fake, "kling.secret-key", "sk"). */
void        heyai_fake_set_option     (HeyaiFake   *self,
                                       const char  *key,
                                       const char  *value);
const char *heyai_fake_get_option     (HeyaiFake   *self,
                                       const char  *key);
/* The option parsed as an integer, or @fallback when unset/invalid. */
gint64      heyai_fake_get_option_int (HeyaiFake   *self,
                                       const char  *key,
                                       gint64       fallback);

/* ---------------------------------------------------------------------- */
/* Routes                                                                  */

/* Handles one request.  Must answer it with one of the heyai_fake_respond*
 * calls, or call heyai_fake_request_pause() and answer later (then
 * heyai_fake_request_unpause()). */
typedef void (*HeyaiFakeHandler) (HeyaiFake        *fake,
                                  HeyaiFakeRequest *request,
                                  gpointer          user_data);

/* Receives request body data as it arrives on a streaming route (the fake
 * does not keep it: the request's body will be empty in the handler).
 * Called on the main context, in order; the handler runs after the last one. */
typedef void (*HeyaiFakeChunkFunc) (HeyaiFake        *fake,
                                    HeyaiFakeRequest *request,
                                    const guint8     *data,
                                    gsize             len,
                                    gpointer          user_data);

/* Adds a route: @method ("GET", "POST", ... or "*"), @pattern an absolute
 * path where a "{name}" segment matches any one segment and a trailing
 * "{name*}" matches the rest (read with heyai_fake_request_get_param).
 * Routes are tried in the order added; first match wins.  @name is the
 * route name used by counters and faults ("kling.create"); the part before
 * the first '.' is the service. */
void        heyai_fake_add_route      (HeyaiFake        *self,
                                       const char       *name,
                                       const char       *method,
                                       const char       *pattern,
                                       HeyaiFakeHandler  handler,
                                       gpointer          user_data);
/* Marks the route @name as streaming: its request bodies are passed to
 * @chunk_func as they arrive and never accumulated (large uploads). */
void        heyai_fake_set_route_streaming (HeyaiFake          *self,
                                            const char         *name,
                                            HeyaiFakeChunkFunc  chunk_func,
                                            gpointer            user_data);

/* ---------------------------------------------------------------------- */
/* Requests seen by handlers                                               */

const char        *heyai_fake_request_get_method  (HeyaiFakeRequest *request);
const char        *heyai_fake_request_get_path    (HeyaiFakeRequest *request);
const char        *heyai_fake_request_get_route   (HeyaiFakeRequest *request);
/* A {name} segment of the matched pattern. */
const char        *heyai_fake_request_get_param   (HeyaiFakeRequest *request,
                                                   const char       *name);
/* A decoded query parameter, NULL if absent. */
const char        *heyai_fake_request_get_query   (HeyaiFakeRequest *request,
                                                   const char       *name);
/* A request header (case-insensitive), NULL if absent. */
const char        *heyai_fake_request_get_header  (HeyaiFakeRequest *request,
                                                   const char       *name);
/* The "Bearer <token>" token, or NULL. */
const char        *heyai_fake_request_get_bearer  (HeyaiFakeRequest *request);
/* The whole request body (empty for streaming routes). Never NULL.
 * (transfer full): unref it. */
GBytes            *heyai_fake_request_get_body    (HeyaiFakeRequest *request);
/* Bytes of request body received (also for streaming routes). */
goffset            heyai_fake_request_get_body_length (HeyaiFakeRequest *request);
/* The body parsed as JSON, NULL if it is not JSON (transfer none). */
JsonNode          *heyai_fake_request_get_json    (HeyaiFakeRequest *request);
/* The body's root object, or NULL (transfer none). */
JsonObject        *heyai_fake_request_get_object  (HeyaiFakeRequest *request);
/* application/x-www-form-urlencoded fields (transfer none; empty if none). */
GHashTable        *heyai_fake_request_get_form    (HeyaiFakeRequest *request);
SoupServerMessage *heyai_fake_request_get_message (HeyaiFakeRequest *request);
/* Per-request user data (e.g. state built by a chunk func). */
void               heyai_fake_request_set_data    (HeyaiFakeRequest *request,
                                                   gpointer          data,
                                                   GDestroyNotify    destroy);
gpointer           heyai_fake_request_get_data    (HeyaiFakeRequest *request);

void               heyai_fake_request_pause       (HeyaiFakeRequest *request);
void               heyai_fake_request_unpause     (HeyaiFakeRequest *request);

/* Answers.  Headers added before a respond call are kept. */
void heyai_fake_respond_add_header (HeyaiFakeRequest *request,
                                    const char       *name,
                                    const char       *value);
void heyai_fake_respond            (HeyaiFakeRequest *request,
                                    guint             status,
                                    const char       *content_type,
                                    GBytes           *body);
void heyai_fake_respond_json       (HeyaiFakeRequest *request,
                                    guint             status,
                                    const char       *json_text);
void heyai_fake_respond_json_node  (HeyaiFakeRequest *request,
                                    guint             status,
                                    JsonNode         *node);
void heyai_fake_respond_json_printf (HeyaiFakeRequest *request,
                                     guint             status,
                                     const char       *format,
                                     ...) G_GNUC_PRINTF (3, 4);
/* Status only, empty body. */
void heyai_fake_respond_empty      (HeyaiFakeRequest *request,
                                    guint             status);
/* Closes the connection without an answer. */
void heyai_fake_respond_drop       (HeyaiFakeRequest *request);

/* ---------------------------------------------------------------------- */
/* Faults                                                                  */

typedef enum
{
  HEYAI_FAKE_FAULT_STATUS,     /* answer @status with @body/@headers (body NULL: generic JSON) */
  HEYAI_FAKE_FAULT_DELAY,      /* wait @delay_ms, then serve normally */
  HEYAI_FAKE_FAULT_DROP,       /* close the connection; with @drop_after_bytes >= 0 after
                                * reading that many request-body bytes, else after the body */
  HEYAI_FAKE_FAULT_TRUNCATE,   /* serve normally, send only half of the body (full Content-Length) */
  HEYAI_FAKE_FAULT_MALFORMED,  /* 200 with an invalid JSON body */
  HEYAI_FAKE_FAULT_STALL,      /* serve normally, but send the first half of the body, go
                                * silent @delay_ms, then send the rest */
} HeyaiFakeFaultKind;

typedef struct
{
  HeyaiFakeFaultKind  kind;
  guint               status;           /* STATUS */
  const char         *content_type;     /* STATUS; NULL: application/json */
  const char         *body;             /* STATUS; NULL: {"error":{"message":"fake fault"}} */
  const char *const  *headers;          /* STATUS; "Name: value", NULL-terminated, nullable */
  guint               delay_ms;         /* DELAY */
  gint64              drop_after_bytes; /* DROP; -1: after the whole body */
} HeyaiFakeFault;

/* Queues @fault for the next @count (>= 1) requests matching @target (a
 * route name or a service name).  The fault is copied. */
void     heyai_fake_add_fault          (HeyaiFake            *self,
                                        const char           *target,
                                        const HeyaiFakeFault *fault,
                                        guint                 count);
/* "TARGET:KIND[:COUNT]" (see the header comment). */
gboolean heyai_fake_add_fault_from_string (HeyaiFake   *self,
                                           const char  *spec,
                                           GError     **error);
/* Registers a named fault kind for @service ("quota", "moderation", ...). */
void     heyai_fake_add_named_fault    (HeyaiFake            *self,
                                        const char           *service,
                                        const char           *name,
                                        const HeyaiFakeFault *fault);
void     heyai_fake_clear_faults       (HeyaiFake            *self);

/* ---------------------------------------------------------------------- */
/* Counters and served files                                               */

/* Requests seen by route @name (faulted ones included). */
guint    heyai_fake_get_count          (HeyaiFake   *self,
                                        const char  *route);
/* Request-body bytes received by route @name (all requests, including
 * partial bodies of dropped connections). */
guint64  heyai_fake_get_bytes          (HeyaiFake   *self,
                                        const char  *route);
void     heyai_fake_counter_add        (HeyaiFake   *self,
                                        const char  *name,
                                        gint64       delta);
gint64   heyai_fake_get_counter        (HeyaiFake   *self,
                                        const char  *name);
void     heyai_fake_reset_counters     (HeyaiFake   *self);
/* The /_fake/stats JSON text. */
char    *heyai_fake_dup_stats_json     (HeyaiFake   *self);

/* Serves @content at /_fake/files/@name; returns the absolute URL. */
char    *heyai_fake_serve_bytes        (HeyaiFake   *self,
                                        const char  *name,
                                        const char  *content_type,
                                        GBytes      *content);
/* Serves the file at @path (mapped, not copied) at /_fake/files/@name. */
char    *heyai_fake_serve_path         (HeyaiFake   *self,
                                        const char  *name,
                                        const char  *content_type,
                                        const char  *path);

/* Test helper: spins the thread-default main context until *@flag becomes
 * non-zero (or @timeout_s elapses: then FALSE). */
gboolean heyai_fake_spin_until         (volatile int *flag,
                                        guint         timeout_s);
/* The same for a pointer that becomes non-NULL. */
gboolean heyai_fake_spin_until_ptr     (gpointer    *ptr,
                                        guint        timeout_s);

G_END_DECLS
