/* heyai-remote-provider.c: the base of the remote media clients, see the
 * header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-providers"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "heyai-remote-provider.h"
#include "heyai-provider-descriptors.h"
/* ---------------------------------------------------------------------- */
/* HeyaiRemoteProvider                                                     */

typedef struct
{
  HeyaiHttp *http;
  char      *base_url;
  char      *model;
  guint      poll_ms;
  guint      max_wait;
  double     price;
  double     delay_scale;   /* of the client's own backoff; 1: as the policy says */
  guint      concurrency_cap;   /* the smallest cap reported; 0: unknown */
  guint      cap_refusals;      /* refusals by the cap so far */
  guint      in_flight;         /* generations under way through the gate */
  GQueue     waiting;           /* GTask*: generations waiting for a free slot */
  char     **credentials;       /* the row's entries as taken (NULL ones: missing); NULL: none yet */
  guint      n_credentials;
  gboolean   constructed;
} HeyaiRemoteProviderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HeyaiRemoteProvider, heyai_remote_provider, G_TYPE_OBJECT)

enum {
  PROVIDER_PROP_0,
  PROVIDER_PROP_MODEL,
  PROVIDER_PROP_BASE_URL,
  PROVIDER_PROP_POLL_INTERVAL,
  PROVIDER_PROP_MAX_WAIT,
  PROVIDER_PROP_PRICE,
  PROVIDER_N_PROPS
};

static GParamSpec *provider_properties[PROVIDER_N_PROPS];

/* Stores MAX (@value, 1) in *@field and notifies @pspec when that changed it. */
static void
set_limit (GObject    *object,
                            guint      *field,
                            guint       value,
                            GParamSpec *pspec)
{
  value = MAX (value, 1);
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (object, pspec);
}

static const HeyaiProviderDescriptor *
class_descriptor (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_lookup (klass->role, klass->name);

  g_assert (descriptor != NULL);
  return descriptor;
}

static void
set_model (HeyaiRemoteProvider *self,
           const char          *model)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  g_autofree char *normal = NULL;

  /* NULL or "" (the setting's default): keep the current model. */
  if (model == NULL || *model == '\0')
    return;
  if (klass->normalize_model != NULL)
    model = normal = klass->normalize_model (model);
  if (g_strcmp0 (priv->model, model) == 0)
    return;
  g_free (priv->model);
  priv->model = g_strdup (model);
  if (priv->constructed)
    g_object_notify_by_pspec (G_OBJECT (self), provider_properties[PROVIDER_PROP_MODEL]);
}

static HeyaiHttpVerdict
classify_cb (HeyaiHttpResponse  *response,
             GError            **error,
             gpointer            user_data)
{
  return heyai_remote_provider_classify (user_data, response, error);
}

/* The service's requests carry the client's credentials; the others
 * (HEYAI_REMOTE_NO_AUTH_HEADER: results on a CDN, signed uploads) none. */
static void
auth_cb (HeyaiHttp          *http,
         SoupMessageHeaders *headers,
         gpointer            user_data)
{
  HeyaiRemoteProvider *self = user_data;
  g_autofree char *value = NULL;

  if (soup_message_headers_get_one (headers, HEYAI_REMOTE_NO_AUTH_HEADER) != NULL)
    {
      soup_message_headers_remove (headers, HEYAI_REMOTE_NO_AUTH_HEADER);
      return;
    }
  value = HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->authorization (self);
  if (value != NULL)
    {
      soup_message_headers_replace (headers, "Authorization", value);
      memset (value, 0, strlen (value));
    }
}

static void
heyai_remote_provider_constructed (GObject *object)
{
  HeyaiRemoteProvider *self = HEYAI_REMOTE_PROVIDER (object);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  const HeyaiProviderDescriptor *descriptor = class_descriptor (self);

  G_OBJECT_CLASS (heyai_remote_provider_parent_class)->constructed (object);

  /* NULL: the service's own address (a configured one comes as the
   * property, from HeyaiProviderConfig). */
  if (priv->base_url == NULL)
    priv->base_url = g_strdup (descriptor->base_url);
  if (priv->model == NULL)
    set_model (self, klass->default_model);
  priv->poll_ms = MAX (klass->default_poll_ms, 1);
  priv->max_wait = MAX (klass->default_max_wait, 1);
  priv->delay_scale = 1.0;

  priv->http = heyai_http_new (priv->base_url, heyai_provider_descriptor_label (descriptor));
  heyai_http_set_timeout (priv->http, klass->timeout);
  if (klass->classify != NULL)
    heyai_http_set_classifier (priv->http, classify_cb, self, NULL);
  if (klass->authorization != NULL)
    heyai_http_set_auth_func (priv->http, auth_cb, self, NULL);
  priv->constructed = TRUE;
}

static void
wipe_credentials (HeyaiRemoteProviderPrivate *priv)
{
  for (guint i = 0; priv->credentials != NULL && i < priv->n_credentials; i++)
    if (priv->credentials[i] != NULL)
      {
        memset (priv->credentials[i], 0, strlen (priv->credentials[i]));
        g_free (priv->credentials[i]);
      }
  g_clear_pointer (&priv->credentials, g_free);
  priv->n_credentials = 0;
}

static void
heyai_remote_provider_finalize (GObject *object)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (HEYAI_REMOTE_PROVIDER (object));

  wipe_credentials (priv);
  g_clear_object (&priv->http);
  g_clear_pointer (&priv->base_url, g_free);
  g_clear_pointer (&priv->model, g_free);

  G_OBJECT_CLASS (heyai_remote_provider_parent_class)->finalize (object);
}

static void
heyai_remote_provider_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (HEYAI_REMOTE_PROVIDER (object));

  switch (prop_id)
    {
    case PROVIDER_PROP_MODEL:
      g_value_set_string (value, priv->model);
      break;
    case PROVIDER_PROP_BASE_URL:
      g_value_set_string (value, priv->base_url);
      break;
    case PROVIDER_PROP_POLL_INTERVAL:
      g_value_set_uint (value, priv->poll_ms);
      break;
    case PROVIDER_PROP_MAX_WAIT:
      g_value_set_uint (value, priv->max_wait);
      break;
    case PROVIDER_PROP_PRICE:
      g_value_set_double (value, priv->price);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_remote_provider_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HeyaiRemoteProvider *self = HEYAI_REMOTE_PROVIDER (object);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROVIDER_PROP_MODEL:
      set_model (self, g_value_get_string (value));
      break;
    case PROVIDER_PROP_BASE_URL:
      g_free (priv->base_url);
      priv->base_url = g_value_dup_string (value);
      break;
    case PROVIDER_PROP_POLL_INTERVAL:
      heyai_remote_provider_set_poll_interval (self, g_value_get_uint (value));
      break;
    case PROVIDER_PROP_MAX_WAIT:
      heyai_remote_provider_set_max_wait (self, g_value_get_uint (value));
      break;
    case PROVIDER_PROP_PRICE:
      priv->price = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_remote_provider_class_init (HeyaiRemoteProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = heyai_remote_provider_constructed;
  object_class->finalize = heyai_remote_provider_finalize;
  object_class->get_property = heyai_remote_provider_get_property;
  object_class->set_property = heyai_remote_provider_set_property;
  klass->default_poll_ms = 2000;
  klass->default_max_wait = 1800;
  klass->timeout = 60;

  provider_properties[PROVIDER_PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  provider_properties[PROVIDER_PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  provider_properties[PROVIDER_PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 1, 600000, 2000,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  provider_properties[PROVIDER_PROP_MAX_WAIT] =
    g_param_spec_uint ("max-wait", NULL, NULL, 1, 86400, 1800,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* USD of the standard unit (a still, a 5 s clip); 0: the built-in price. */
  provider_properties[PROVIDER_PROP_PRICE] =
    g_param_spec_double ("price", NULL, NULL, 0, 1000, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, PROVIDER_N_PROPS, provider_properties);
}

static void
heyai_remote_provider_init (HeyaiRemoteProvider *self)
{
  /* The class's defaults are applied in constructed(): here the class is
   * still this base's, not the client's. */
}

HeyaiHttp *
heyai_remote_provider_get_http (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return priv->http;
}

const char *
heyai_remote_provider_get_base_url (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return priv->base_url;
}

const char *
heyai_remote_provider_get_model (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return priv->model;
}

const char *
heyai_remote_provider_get_label (HeyaiRemoteProvider *self)
{
  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return heyai_provider_descriptor_label (class_descriptor (self));
}

guint
heyai_remote_provider_get_poll_interval (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 1);
  return priv->poll_ms;
}

guint
heyai_remote_provider_get_max_wait (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 1);
  return priv->max_wait;
}

double
heyai_remote_provider_get_price (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 0);
  return priv->price;
}

void
heyai_remote_provider_set_poll_interval (HeyaiRemoteProvider *self,
                                         guint                ms)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  set_limit (G_OBJECT (self), &priv->poll_ms, ms, provider_properties[PROVIDER_PROP_POLL_INTERVAL]);
}

void
heyai_remote_provider_set_max_wait (HeyaiRemoteProvider *self,
                                    guint                seconds)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  set_limit (G_OBJECT (self), &priv->max_wait, seconds, provider_properties[PROVIDER_PROP_MAX_WAIT]);
}

void
heyai_remote_provider_configure (HeyaiRemoteProvider       *self,
                                 const HeyaiProviderConfig *config)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRemoteProviderClass *klass;

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  g_return_if_fail (config != NULL);

  klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  if (config->http_delay_scale != NULL && *config->http_delay_scale != '\0')
    priv->delay_scale = MAX (g_ascii_strtod (config->http_delay_scale, NULL), 0.0);
  if (klass->configure != NULL)
    klass->configure (self, config);
}

void
heyai_remote_provider_apply_settings (HeyaiRemoteProvider *self,
                                      const char          *model,
                                      const char          *poll_ms)
{
  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));

  set_model (self, model);
  if (poll_ms != NULL && *poll_ms != '\0')
    heyai_remote_provider_set_poll_interval (self, MAX (1, (guint) g_ascii_strtoull (poll_ms, NULL, 10)));
}

gboolean
heyai_remote_provider_is_service_response (HeyaiRemoteProvider *self,
                                           HeyaiHttpResponse   *response)
{
  const char *base_url = heyai_remote_provider_get_base_url (self);
  const char *url = heyai_http_response_get_url (response);
  gsize len;

  g_return_val_if_fail (base_url != NULL, FALSE);

  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  return url != NULL && strncmp (url, base_url, len) == 0 && (url[len] == '/' || url[len] == '\0' || url[len] == '?');
}

guint
heyai_remote_provider_retry_delay_ms (HeyaiRemoteProvider *self,
                                      HeyaiHttpResponse   *response,
                                      guint                attempt)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  HeyaiRetryPolicy policy;
  double seconds = -1;

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 0);

  heyai_http_get_retry_policy (priv->http, &policy);
  if (response != NULL)
    seconds = heyai_http_parse_retry_after (heyai_http_response_get_headers (response),
                                            g_get_real_time () / G_USEC_PER_SEC);
  if (seconds < 0)
    seconds = MAX (heyai_http_backoff_delay (&policy, attempt), MIN (1.0, policy.base_delay));
  seconds = MIN (seconds, MAX (policy.max_delay, 0.0));
  seconds *= priv->delay_scale;
  return (guint) CLAMP (seconds * 1000.0, 0, 600000);
}

/* -- credentials ------------------------------------------------------------ */

const HeyaiSecretSpec *
heyai_remote_provider_get_secret (HeyaiRemoteProvider *self,
                                  guint                index)
{
  const HeyaiSecretSpec *spec;

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  spec = heyai_provider_descriptor_secret (class_descriptor (self), index);
  g_assert (spec != NULL);
  return spec;
}

typedef struct
{
  HeyaiRemoteJobStep  next;
  GPtrArray          *values;   /* char*, NULL: missing */
} Credentials;

static void
credentials_free (Credentials *lookup)
{
  for (guint i = 0; i < lookup->values->len; i++)
    {
      char *value = g_ptr_array_index (lookup->values, i);

      if (value != NULL)
        memset (value, 0, strlen (value));
      g_free (value);
    }
  g_ptr_array_unref (lookup->values);
  g_free (lookup);
}

static gboolean
has_credentials (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  return priv->credentials != NULL;
}

static void look_up_next_secret (GTask *task);

static void
secret_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  Credentials *lookup = g_object_get_data (G_OBJECT (task), "heyai-credentials");

  /* Missing is no error yet: the client says which ones it needs. */
  g_ptr_array_add (lookup->values, heyai_secrets_get_finish (result, NULL));
  look_up_next_secret (task);
}

static void
look_up_next_secret (GTask *task)   /* owned */
{
  HeyaiRemoteProvider *self = g_task_get_source_object (task);
  Credentials *lookup = g_object_get_data (G_OBJECT (task), "heyai-credentials");
  const HeyaiSecretSpec *spec = heyai_provider_descriptor_secret (class_descriptor (self), lookup->values->len);
  HeyaiRemoteJobStep next = lookup->next;
  GError *error = NULL;

  if (spec != NULL)
    {
      heyai_secrets_get_async (spec, g_task_get_cancellable (task), secret_cb, task);
      return;
    }
  /* Another generation may have taken them meanwhile: keep those. */
  g_ptr_array_add (lookup->values, NULL);
  if (!has_credentials (self) &&
      !heyai_remote_provider_take_credentials (self, (const char * const *) lookup->values->pdata,
                                               lookup->values->len - 1, &error))
    {
      g_object_set_data (G_OBJECT (task), "heyai-credentials", NULL);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_object_set_data (G_OBJECT (task), "heyai-credentials", NULL);
  next (task);
}

gboolean
heyai_remote_provider_take_credentials (HeyaiRemoteProvider  *self,
                                        const char * const   *values,
                                        guint                 n_values,
                                        GError              **error)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), FALSE);
  g_return_val_if_fail (HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->take_credentials != NULL, FALSE);

  if (!HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->take_credentials (self, values, error))
    return FALSE;
  wipe_credentials (priv);
  priv->credentials = g_new0 (char *, n_values + 1);
  priv->n_credentials = n_values;
  for (guint i = 0; i < n_values; i++)
    priv->credentials[i] = g_strdup (values[i]);
  return TRUE;
}

const char *
heyai_remote_provider_get_credential (HeyaiRemoteProvider *self,
                                      guint                index)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), NULL);
  return priv->credentials != NULL && index < priv->n_credentials ? priv->credentials[index] : NULL;
}

void
heyai_remote_provider_with_credentials (GTask              *task,
                                        HeyaiRemoteJobStep  next)
{
  HeyaiRemoteProvider *self = g_task_get_source_object (task);
  HeyaiRemoteProviderClass *klass;
  Credentials *lookup;

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  g_return_if_fail (klass->take_credentials != NULL);

  if (has_credentials (self))
    {
      next (task);
      return;
    }
  lookup = g_new0 (Credentials, 1);
  lookup->next = next;
  lookup->values = g_ptr_array_new ();
  g_object_set_data_full (G_OBJECT (task), "heyai-credentials", lookup, (GDestroyNotify) credentials_free);
  look_up_next_secret (task);
}

void
heyai_remote_provider_job_init (HeyaiRemoteProvider       *self,
                                HeyaiRemoteJob            *job,
                                const HeyaiRemoteJobHooks *hooks,
                                HeyaiRemoteMedia           media,
                                HeyaiGenReporter          *reporter,
                                const HeyaiGenInput       *input,
                                int                        position)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  heyai_remote_job_init (job, hooks, priv->http, heyai_remote_provider_get_label (self), media, reporter,
                         input, position, priv->poll_ms, priv->max_wait);
}

/* -- Test connection ------------------------------------------------------ */

static void
test_answer_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  HeyaiRemoteProvider *self = g_task_get_source_object (task);
  HeyaiRemoteProviderClass *klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  g_autoptr(HeyaiHttpResponse) response = NULL;
  GError *error = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response != NULL && klass->read_test_answer != NULL &&
      !klass->read_test_answer (self, response, &error))
    g_assert (error != NULL);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
test_send (GTask *task)   /* owned */
{
  HeyaiRemoteProvider *self = g_task_get_source_object (task);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  g_autoptr(HeyaiHttpRequest) request = HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->test_request (self);

  heyai_http_request_set_max_attempts (request, 2);
  heyai_http_send_async (priv->http, request, g_task_get_cancellable (task), test_answer_cb, task);
}

void
heyai_remote_provider_test_async (HeyaiRemoteProvider *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  HeyaiRemoteProviderClass *klass;
  GTask *task;

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));

  klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  g_return_if_fail (klass->take_credentials != NULL && klass->test_request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_remote_provider_test_async);
  heyai_remote_provider_with_credentials (task, test_send);
}

gboolean
heyai_remote_provider_test_finish (HeyaiRemoteProvider  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}


/* -- The concurrency gate --------------------------------------------------- */

#define MAX_CAP_REQUEUES 50

typedef struct
{
  HeyaiProject     *project;
  HeyaiScene       *scene;
  HeyaiGenInput    *input;
  HeyaiGenReporter *reporter;
  gboolean          accepted;   /* the service took the request (it has an id) */
  guint             cap_refusals_at_start;
  guint             requeues;
} GatedData;

static void
gated_data_free (GatedData *data)
{
  g_clear_object (&data->project);
  g_clear_object (&data->scene);
  g_clear_pointer (&data->input, heyai_gen_input_free);
  g_clear_pointer (&data->reporter, heyai_gen_reporter_unref);
  g_free (data);
}

static void gate_pump (HeyaiRemoteProvider *self);

static gboolean
refused_by_cap_answer (HeyaiRemoteProviderPrivate *priv,
                       GatedData                  *data,
                       const GError               *error)
{
  const char *remote_id = data->input->remote_id;

  return g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE) &&
         priv->concurrency_cap > 0 && priv->cap_refusals != data->cap_refusals_at_start &&
         !data->accepted && (remote_id == NULL || *remote_id == '\0');
}

static void
gated_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  HeyaiRemoteProvider *self = HEYAI_REMOTE_PROVIDER (source);
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  GTask *outer = user_data;   /* owned */
  GatedData *data = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;
  HeyaiGenResult *gen;

  gen = g_task_propagate_pointer (G_TASK (result), &error);
  g_assert (priv->in_flight > 0);
  priv->in_flight--;

  if (gen == NULL && !g_cancellable_is_cancelled (g_task_get_cancellable (outer)) &&
      refused_by_cap_answer (priv, data, error) && data->requeues < MAX_CAP_REQUEUES)
    {
      g_debug ("%s: scene %d waits for a free slot (the account allows %u at a time)",
               heyai_remote_provider_get_label (self), heyai_scene_get_position (data->scene),
               priv->concurrency_cap);
      data->requeues++;
      g_queue_push_head (&priv->waiting, outer);
      gate_pump (self);
      return;
    }

  /* Still refused by the cap after its requeues here: nothing was
   * accepted; the pipeline lowers its own limit and sends it again. */
  if (gen == NULL && data->requeues >= MAX_CAP_REQUEUES && refused_by_cap_answer (priv, data, error))
    error->code = HEYAI_ERROR_CAPACITY;

  if (gen != NULL)
    g_task_return_pointer (outer, gen, (GDestroyNotify) heyai_gen_result_free);
  else
    g_task_return_error (outer, g_steal_pointer (&error));
  g_object_unref (outer);
  gate_pump (self);
}

static void
gate_start (HeyaiRemoteProvider *self,
            GTask               *outer)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  GatedData *data = g_task_get_task_data (outer);

  if (g_task_return_error_if_cancelled (outer))
    {
      g_object_unref (outer);
      return;
    }
  priv->in_flight++;
  data->cap_refusals_at_start = priv->cap_refusals;
  HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->gated_generate_async (self, data->project, data->scene, data->input,
                                                                data->reporter, &data->accepted,
                                                                g_task_get_cancellable (outer),
                                                                gated_done_cb, outer);
}

static void
gate_pump (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  while (!g_queue_is_empty (&priv->waiting) &&
         (priv->concurrency_cap == 0 || priv->in_flight < priv->concurrency_cap))
    gate_start (self, g_queue_pop_head (&priv->waiting));
}

void
heyai_remote_provider_gated_generate_async (HeyaiRemoteProvider *self,
                                            HeyaiProject        *project,
                                            HeyaiScene          *scene,
                                            const HeyaiGenInput *input,
                                            HeyaiGenReporter    *reporter,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);
  GTask *outer;
  GatedData *data;

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  g_return_if_fail (HEYAI_REMOTE_PROVIDER_GET_CLASS (self)->gated_generate_async != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  data = g_new0 (GatedData, 1);
  g_task_set_source_tag (outer, heyai_remote_provider_gated_generate_async);
  data->project = g_object_ref (project);
  data->scene = g_object_ref (scene);
  data->input = heyai_gen_input_copy (input);
  data->reporter = reporter != NULL ? heyai_gen_reporter_ref (reporter) : NULL;
  g_task_set_task_data (outer, data, (GDestroyNotify) gated_data_free);

  g_queue_push_tail (&priv->waiting, outer);
  gate_pump (self);
}

void
heyai_remote_provider_report_cap (HeyaiRemoteProvider *self,
                                  guint                cap)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_if_fail (HEYAI_IS_REMOTE_PROVIDER (self));
  g_return_if_fail (cap > 0);

  priv->cap_refusals++;
  if (priv->concurrency_cap == 0 || cap < priv->concurrency_cap)
    {
      priv->concurrency_cap = cap;
      g_debug ("%s: the account allows %u requests at a time", heyai_remote_provider_get_label (self), cap);
    }
}

guint
heyai_remote_provider_get_concurrency_cap (HeyaiRemoteProvider *self)
{
  HeyaiRemoteProviderPrivate *priv = heyai_remote_provider_get_instance_private (self);

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), 0);
  return priv->concurrency_cap;
}

HeyaiHttpVerdict
heyai_remote_provider_classify (HeyaiRemoteProvider  *self,
                                HeyaiHttpResponse    *response,
                                GError              **error)
{
  HeyaiRemoteProviderClass *klass;

  g_return_val_if_fail (HEYAI_IS_REMOTE_PROVIDER (self), HEYAI_HTTP_VERDICT_DEFAULT);

  klass = HEYAI_REMOTE_PROVIDER_GET_CLASS (self);
  if (klass->classify == NULL || !heyai_remote_provider_is_service_response (self, response))
    return HEYAI_HTTP_VERDICT_DEFAULT;
  return klass->classify (self, response, error);
}
