/* heyai-remote-provider.h: HeyaiRemoteProvider, the base class of the
 * remote media clients (Higgsfield, Kling): its service's HeyaiHttp, the
 * settings every client has, the account's concurrency gate, the backoff
 * of a refused submit and Test Connection.  The job itself runs in the
 * remote-job engine (heyai-remote-job.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "heyai-core.h"
#include "heyai-http.h"
#include "heyai-providers.h"
#include "heyai-remote-job.h"
#include "heyai-secrets.h"

G_BEGIN_DECLS


/* The base of the remote media clients: its service's HeyaiHttp (made at
 * construction from the descriptor row's base URL and label, with the
 * class's timeout), and the properties every client has: "base-url"
 * (construct only; NULL: the descriptor's default address),
 * "model" (NULL or "" keeps the current one; the class's default until
 * heyai_remote_provider_configure() gives the configured one), "poll-interval" (ms), "max-wait" (s) and "price" (the
 * price table's override, 0: built in). */
#define HEYAI_TYPE_REMOTE_PROVIDER (heyai_remote_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (HeyaiRemoteProvider, heyai_remote_provider, HEYAI, REMOTE_PROVIDER, GObject)

struct _HeyaiRemoteProviderClass
{
  GObjectClass  parent_class;

  HeyaiRole     role;              /* with name: the descriptor row */
  const char   *name;
  const char   *default_model;
  guint         default_poll_ms;
  guint         default_max_wait;  /* seconds */
  guint         timeout;           /* seconds, of each HTTP request */
  /* The model to keep for @model as set (e.g. without a leading '/'),
   * newly allocated; NULL: @model as given. */
  char       *(*normalize_model)   (const char *model);
  /* Takes the client's own settings from @config (model, mode, poll
   * interval...), after the base took the shared ones. */
  void         (*configure)        (HeyaiRemoteProvider       *self,
                                    const HeyaiProviderConfig *config);
  /* The credentials: the descriptor row's keyring entries (each distinct
   * entry once, in the row's order; the environment first, then the
   * keyring; @values[i] NULL when missing) are offered once; the client
   * checks them (and derives what it needs, a JWT signer...): FALSE with
   * @error (the missing key's sentence) when they do not do.  The base
   * keeps them (heyai_remote_provider_get_credential()) and wipes them. */
  gboolean     (*take_credentials) (HeyaiRemoteProvider       *self,
                                    const char * const        *values,
                                    GError                   **error);
  /* The Authorization header's value for a request to the service
   * (newly allocated; NULL: none yet); the base adds it to every request
   * but those marked HEYAI_REMOTE_NO_AUTH_HEADER. */
  char        *(*authorization)    (HeyaiRemoteProvider       *self);
  /* Test connection: ... */
  /* ... the one cheap authenticated request ... */
  HeyaiHttpRequest *(*test_request) (HeyaiRemoteProvider      *self);
  /* ... and, optional, what its answer says (FALSE: @error); without it
   * any answer the HTTP layer lets through is a success. */
  gboolean     (*read_test_answer) (HeyaiRemoteProvider       *self,
                                    HeyaiHttpResponse         *response,
                                    GError                   **error);

  /* Optional: the generation behind the concurrency gate
   * (heyai_remote_provider_gated_generate_async()): as an imager's
   * generate_async, completing a GTask with a HeyaiGenResult, and setting
   * *@accepted once the service took the request (it has an id). */
  void         (*gated_generate_async) (HeyaiRemoteProvider  *self,
                                        HeyaiProject         *project,
                                        HeyaiScene           *scene,
                                        const HeyaiGenInput  *input,
                                        HeyaiGenReporter     *reporter,
                                        gboolean             *accepted,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);

  /* The error envelope of an answer from the service itself (the engine
   * leaves result downloads from other hosts to the HTTP layer): FINAL or
   * RETRY with @error for the service's own codes, DEFAULT for the HTTP
   * layer's rules.  Installed as the HTTP client's classifier. */
  HeyaiHttpVerdict (*classify)     (HeyaiRemoteProvider       *self,
                                    HeyaiHttpResponse         *response,
                                    GError                   **error);

  gpointer      padding[2];
};

/* The class's classify() for an answer from the service, DEFAULT for any
 * other (a result file on a CDN: its 403/404 say nothing of the account). */
HeyaiHttpVerdict heyai_remote_provider_classify     (HeyaiRemoteProvider  *self,
                                                     HeyaiHttpResponse    *response,
                                                     GError              **error);

/* The account's concurrency cap, an engine capability any client can
 * use: the client reports each refusal "too many requests at a time, at
 * most @cap" (nothing accepted) and fails that attempt with
 * HEYAI_ERROR_RETRYABLE; the gate below then keeps at most the smallest
 * cap reported in flight, and sends a generation so refused again (at the
 * head of its queue) when one of ours finishes; after MAX requeues the
 * error becomes HEYAI_ERROR_CAPACITY (the pipeline lowers its limit). */
void        heyai_remote_provider_report_cap        (HeyaiRemoteProvider  *self,
                                                     guint                 cap);
/* The cap learned so far; 0: none. */
guint       heyai_remote_provider_get_concurrency_cap (HeyaiRemoteProvider *self);
/* The class's gated_generate_async() behind the gate; the task's source
 * object is @self, it returns a HeyaiGenResult (g_task_propagate_pointer). */
void        heyai_remote_provider_gated_generate_async (HeyaiRemoteProvider *self,
                                                        HeyaiProject        *project,
                                                        HeyaiScene          *scene,
                                                        const HeyaiGenInput *input,
                                                        HeyaiGenReporter    *reporter,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);

/* Resolves the credentials (those taken, else the row's entries offered
 * to take_credentials()), then calls @next (@task), or completes @task (whose
 * source object is @self) with the error; takes the reference to @task. */
void        heyai_remote_provider_with_credentials  (GTask                *task,
                                                     HeyaiRemoteJobStep    next);
/* Offers @values (@n_values, the row's entries in order, NULL: missing)
 * to the class's take_credentials(); kept when it takes them. */
gboolean    heyai_remote_provider_take_credentials  (HeyaiRemoteProvider  *self,
                                                     const char * const   *values,
                                                     guint                 n_values,
                                                     GError              **error);
/* The value of the row's @index-th entry as taken; NULL: missing, or none
 * taken yet. */
const char *heyai_remote_provider_get_credential    (HeyaiRemoteProvider  *self,
                                                     guint                 index);
/* The @index-th distinct keyring entry of the class's descriptor row. */
const HeyaiSecretSpec *heyai_remote_provider_get_secret (HeyaiRemoteProvider *self,
                                                         guint                index);
/* Fills @job (heyai_remote_job_init()) with this provider's HTTP client,
 * label, poll interval and maximum wait. */
void        heyai_remote_provider_job_init          (HeyaiRemoteProvider        *self,
                                                     HeyaiRemoteJob             *job,
                                                     const HeyaiRemoteJobHooks  *hooks,
                                                     HeyaiRemoteMedia            media,
                                                     HeyaiGenReporter           *reporter,
                                                     const HeyaiGenInput        *input,
                                                     int                         position);

/* "Test connection": credentials, then the class's test request (two
 * attempts at most); finish returns TRUE when the service took the key. */
void        heyai_remote_provider_test_async        (HeyaiRemoteProvider  *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean    heyai_remote_provider_test_finish       (HeyaiRemoteProvider  *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* The configuration as values (read once at start-up by
 * heyai_provider_config_init_from_env() or the workspace): the backoff
 * scale, then the class's configure().  The clients never read the
 * environment. */
void        heyai_remote_provider_configure         (HeyaiRemoteProvider       *self,
                                                     const HeyaiProviderConfig *config);
/* For configure(): @model when set (replaces the current one), @poll_ms
 * ("250") when set. */
void        heyai_remote_provider_apply_settings    (HeyaiRemoteProvider       *self,
                                                     const char                *model,
                                                     const char                *poll_ms);
/* TRUE if @response answers a request to the service itself (not a result
 * file on some CDN, whose 403/404 mean nothing about the account). */
gboolean    heyai_remote_provider_is_service_response (HeyaiRemoteProvider *self,
                                                       HeyaiHttpResponse   *response);
/* Backoff before the client sends a refused submit (or a lookup) again:
 * Retry-After when @response had one, else the HTTP layer's policy for
 * @attempt, times the configured delay scale; milliseconds. */
guint       heyai_remote_provider_retry_delay_ms    (HeyaiRemoteProvider *self,
                                                     HeyaiHttpResponse   *response,
                                                     guint                attempt);

HeyaiHttp  *heyai_remote_provider_get_http          (HeyaiRemoteProvider *self);
const char *heyai_remote_provider_get_base_url      (HeyaiRemoteProvider *self);
const char *heyai_remote_provider_get_model         (HeyaiRemoteProvider *self);
/* The service's name for messages ("Kling"), from the descriptor. */
const char *heyai_remote_provider_get_label         (HeyaiRemoteProvider *self);
guint       heyai_remote_provider_get_poll_interval (HeyaiRemoteProvider *self);
guint       heyai_remote_provider_get_max_wait      (HeyaiRemoteProvider *self);
double      heyai_remote_provider_get_price         (HeyaiRemoteProvider *self);
void        heyai_remote_provider_set_poll_interval (HeyaiRemoteProvider *self,
                                                     guint                ms);
void        heyai_remote_provider_set_max_wait      (HeyaiRemoteProvider *self,
                                                     guint                seconds);

G_END_DECLS
