/* heyai-http.c: the HTTP layer (see heyai-http.h): services and URLs, and
 * the HeyaiHttp object (settings, retry policy and delays).  Requests,
 * responses, redaction, sending and downloading are in the sibling
 * heyai-http-*.c files, which share heyai-http-private.h.
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
/* Services                                                                */

static const struct
{
  const char *env;
  const char *url;
  const char *label;
} services[] = {
  [HEYAI_SERVICE_DRIVE]        = { "HEYAI_DRIVE_BASE_URL", "https://www.googleapis.com/drive/v3", N_("Google Drive") },
  [HEYAI_SERVICE_DRIVE_UPLOAD] = { "HEYAI_DRIVE_UPLOAD_BASE_URL", "https://www.googleapis.com/upload/drive/v3", N_("Google Drive") },
  [HEYAI_SERVICE_GOOGLE_AUTH]  = { "HEYAI_GOOGLE_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth", N_("Google") },
  [HEYAI_SERVICE_GOOGLE_TOKEN] = { "HEYAI_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token", N_("Google") },
};

const char *
heyai_service_env_var (HeyaiService service)
{
  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);
  return services[service].env;
}

const char *
heyai_service_default_url (HeyaiService service)
{
  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);
  return services[service].url;
}

const char *
heyai_service_label (HeyaiService service)
{
  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);
  return _(services[service].label);
}

char *
heyai_service_dup_base_url (HeyaiService service)
{
  const char *env;

  g_return_val_if_fail (service <= HEYAI_SERVICE_GOOGLE_TOKEN, NULL);

  env = g_getenv (services[service].env);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_strdup (services[service].url);
}

static gboolean
is_absolute_url (const char *path)
{
  return path != NULL &&
         (g_ascii_strncasecmp (path, "http://", 7) == 0 ||
          g_ascii_strncasecmp (path, "https://", 8) == 0);
}

char *
heyai_http_build_url (const char *base_url,
                      const char *path)
{
  gsize blen;

  if (is_absolute_url (path) || base_url == NULL)
    return g_strdup (path != NULL ? path : "");
  if (path == NULL || *path == '\0')
    return g_strdup (base_url);

  blen = strlen (base_url);
  while (blen > 0 && base_url[blen - 1] == '/')
    blen--;
  while (*path == '/')
    path++;

  return g_strdup_printf ("%.*s/%s", (int) blen, base_url, path);
}

/* ---------------------------------------------------------------------- */
/* HeyaiHttp                                                               */

G_DEFINE_FINAL_TYPE (HeyaiHttp, heyai_http, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_LABEL,
  PROP_TIMEOUT,
  PROP_USER_AGENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
heyai_http_dispose (GObject *object)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (heyai_http_parent_class)->dispose (object);
}

static void
heyai_http_finalize (GObject *object)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  if (self->classify_destroy != NULL)
    self->classify_destroy (self->classify_data);
  if (self->delay_destroy != NULL)
    self->delay_destroy (self->delay_data);
  if (self->auth_destroy != NULL)
    self->auth_destroy (self->auth_data);
  g_free (self->base_url);
  g_free (self->label);

  G_OBJECT_CLASS (heyai_http_parent_class)->finalize (object);
}

static void
heyai_http_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_TIMEOUT:
      g_value_set_int (value, self->timeout);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, soup_session_get_user_agent (self->session));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_http_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  HeyaiHttp *self = HEYAI_HTTP (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      heyai_http_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_LABEL:
      heyai_http_set_label (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      heyai_http_set_timeout (self, g_value_get_int (value));
      break;
    case PROP_USER_AGENT:
      if (g_strcmp0 (g_value_get_string (value), soup_session_get_user_agent (self->session)) != 0)
        {
          soup_session_set_user_agent (self->session, g_value_get_string (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_http_class_init (HeyaiHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_http_dispose;
  object_class->finalize = heyai_http_finalize;
  object_class->get_property = heyai_http_get_property;
  object_class->set_property = heyai_http_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TIMEOUT] =
    g_param_spec_int ("timeout", NULL, NULL, 0, G_MAXINT, DEFAULT_TIMEOUT,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
heyai_http_init (HeyaiHttp *self)
{
  self->timeout = DEFAULT_TIMEOUT;
  self->stall_timeout = DEFAULT_STALL_TIMEOUT;
  self->max_body = HEYAI_HTTP_MAX_JSON_BODY;
  self->label = g_strdup (_("The service"));
  /* No session-wide I/O time-out ("timeout" is 60 s in libsoup unless set):
   * each attempt has its own deadline and stall time-out, armed by us.
   * "idle-timeout" only closes unused keep-alive connections. */
  self->session = soup_session_new_with_options ("user-agent", "HeyAI-Studio/" PACKAGE_VERSION " ",
                                                 "timeout", 0,
                                                 "idle-timeout", 60,
                                                 NULL);
  g_assert (soup_session_get_timeout (self->session) == 0);
  self->policy.max_attempts = 4;
  self->policy.base_delay = 1.0;
  self->policy.max_delay = 30.0;
  self->policy.max_retry_after = 120.0;
}

HeyaiHttp *
heyai_http_new (const char *base_url,
                const char *label)
{
  return g_object_new (HEYAI_TYPE_HTTP,
                       "base-url", base_url,
                       "label", label != NULL ? label : _("The service"),
                       NULL);
}

HeyaiHttp *
heyai_http_new_for_service (HeyaiService service)
{
  g_autofree char *base = heyai_service_dup_base_url (service);

  return heyai_http_new (base, heyai_service_label (service));
}

const char *
heyai_http_get_base_url (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return self->base_url;
}

void
heyai_http_set_base_url (HeyaiHttp  *self,
                         const char *base_url)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;
  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

const char *
heyai_http_get_label (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return self->label;
}

void
heyai_http_set_label (HeyaiHttp  *self,
                      const char *label)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (label == NULL || g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

int
heyai_http_get_timeout (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), 0);
  return self->timeout;
}

void
heyai_http_set_timeout (HeyaiHttp *self,
                        int        seconds)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  seconds = MAX (seconds, 0);
  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

int
heyai_http_get_stall_timeout (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), 0);
  return self->stall_timeout;
}

void
heyai_http_set_stall_timeout (HeyaiHttp *self,
                              int        seconds)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));
  self->stall_timeout = MAX (seconds, 0);
}

gint64
heyai_http_get_max_body (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), 0);
  return self->max_body;
}

void
heyai_http_set_max_body (HeyaiHttp *self,
                         gint64     max_bytes)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));
  self->max_body = max_bytes > 0 ? max_bytes : HEYAI_HTTP_MAX_JSON_BODY;
}

char *
heyai_http_format_duration (int seconds)
{
  seconds = MAX (seconds, 0);
  if (seconds >= 120 && seconds % 60 == 0)
    return g_strdup_printf (ngettext ("%d minute", "%d minutes", seconds / 60), seconds / 60);
  if (seconds >= 3600)
    return g_strdup_printf (ngettext ("%d minute", "%d minutes", seconds / 60), seconds / 60);
  return g_strdup_printf (ngettext ("%d second", "%d seconds", seconds), seconds);
}

GSource *
_heyai_http_timeout_source (GMainContext   *context,
                            guint           ms,
                            GSourceFunc     func,
                            gpointer        user_data,
                            GDestroyNotify  notify)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, user_data, notify);
  g_source_attach (source, context != NULL ? context : g_main_context_get_thread_default ());
  return source;
}

void
_heyai_http_clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

GSource *
heyai_timeout_source_attach (guint           ms,
                             GSourceFunc     func,
                             gpointer        user_data,
                             GDestroyNotify  notify)
{
  return _heyai_http_timeout_source (NULL, ms, func, user_data, notify);
}

void
heyai_source_clear (GSource **source)
{
  g_return_if_fail (source != NULL);
  _heyai_http_clear_source (source);
}

SoupSession *
heyai_http_get_session (HeyaiHttp *self)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return self->session;
}

char *
heyai_http_dup_url (HeyaiHttp  *self,
                    const char *path)
{
  g_return_val_if_fail (HEYAI_IS_HTTP (self), NULL);
  return heyai_http_build_url (self->base_url, path);
}

void
heyai_http_get_retry_policy (HeyaiHttp        *self,
                             HeyaiRetryPolicy *policy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));
  g_return_if_fail (policy != NULL);
  *policy = self->policy;
}

void
heyai_http_set_retry_policy (HeyaiHttp              *self,
                             const HeyaiRetryPolicy *policy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));
  g_return_if_fail (policy != NULL);

  self->policy = *policy;
  if (self->policy.max_attempts == 0)
    self->policy.max_attempts = 1;
}

void
heyai_http_set_classifier (HeyaiHttp             *self,
                           HeyaiHttpClassifyFunc  func,
                           gpointer               user_data,
                           GDestroyNotify         destroy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (self->classify_destroy != NULL)
    self->classify_destroy (self->classify_data);
  self->classify = func;
  self->classify_data = user_data;
  self->classify_destroy = destroy;
}

void
heyai_http_set_delay_func (HeyaiHttp          *self,
                           HeyaiHttpDelayFunc  func,
                           gpointer            user_data,
                           GDestroyNotify      destroy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (self->delay_destroy != NULL)
    self->delay_destroy (self->delay_data);
  self->delay = func;
  self->delay_data = user_data;
  self->delay_destroy = destroy;
}

void
heyai_http_set_auth_func (HeyaiHttp         *self,
                          HeyaiHttpAuthFunc  func,
                          gpointer           user_data,
                          GDestroyNotify     destroy)
{
  g_return_if_fail (HEYAI_IS_HTTP (self));

  if (self->auth_destroy != NULL)
    self->auth_destroy (self->auth_data);
  self->auth = func;
  self->auth_data = user_data;
  self->auth_destroy = destroy;
}

double
heyai_http_backoff_delay (const HeyaiRetryPolicy *policy,
                          guint                   attempt)
{
  double ceiling;

  g_return_val_if_fail (policy != NULL, 0.0);

  attempt = CLAMP (attempt, 1, 40);
  ceiling = MIN (policy->max_delay, policy->base_delay * ldexp (1.0, (int) attempt - 1));
  if (ceiling <= 0.0)
    return 0.0;
  return g_random_double_range (0.0, ceiling);
}

double
heyai_http_parse_retry_after (SoupMessageHeaders *headers,
                              gint64              now_unix)
{
  const char *value;
  char *end = NULL;
  double seconds;

  if (headers == NULL)
    return -1;

  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL)
    {
      seconds = g_ascii_strtod (value, &end);
      if (end != value && isfinite (seconds) && seconds >= 0)
        return seconds / 1000.0;
    }

  value = soup_message_headers_get_one (headers, "Retry-After");
  if (value == NULL)
    return -1;

  while (g_ascii_isspace (*value))
    value++;
  seconds = g_ascii_strtod (value, &end);
  if (end != value && (*end == '\0' || g_ascii_isspace (*end)) && isfinite (seconds))
    return MAX (seconds, 0.0);

  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);

    if (when == NULL)
      return -1;
    if (now_unix == 0)
      now_unix = g_get_real_time () / G_USEC_PER_SEC;
    return MAX ((double) (g_date_time_to_unix (when) - now_unix), 0.0);
  }
}

/* HEYAI_HTTP_DELAY_SCALE, read once (the first request, at start-up):
 * never the environment again from a worker thread. */
double
_heyai_http_delay_scale (void)
{
  static double scale = 1.0;
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("HEYAI_HTTP_DELAY_SCALE");
      char *end = NULL;
      double value;

      if (env != NULL && *env != '\0')
        {
          value = g_ascii_strtod (env, &end);
          if (end != env && isfinite (value) && value >= 0)
            scale = value;
        }
      g_once_init_leave (&once, 1);
    }
  return scale;
}

double
heyai_http_next_delay (HeyaiHttp *self,
                       guint      attempt,
                       double     server_delay)
{
  double delay;

  g_return_val_if_fail (HEYAI_IS_HTTP (self), 0.0);

  delay = server_delay >= 0 ? server_delay : heyai_http_backoff_delay (&self->policy, attempt);
  delay *= _heyai_http_delay_scale ();
  if (self->delay != NULL)
    delay = self->delay (self, attempt, delay, self->delay_data);
  return MAX (delay, 0.0);
}
