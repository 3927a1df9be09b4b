/* heyai-animator-kling.c: clips from Kling (v1 image2video).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "heyai-animator-kling.h"
#include "heyai-provider-descriptors.h"
#include "heyai-prompt-composer.h"
#include "heyai-media.h"
#include "heyai-jwt.h"
#include "heyai-llm-schema.h"
#include "heyai-remote-provider.h"
#include "heyai-secrets.h"

#define DEFAULT_POLL_MS      10000
#define DEFAULT_MAX_WAIT     3600
#define MAX_PROMPT_CHARS     2500
#define MAX_SUBMIT_ATTEMPTS  6
#define MAX_LOOKUP_ATTEMPTS  4
#define DEFAULT_NEGATIVE     "blurry, distorted faces, warped hands, extra limbs, text, watermark, flicker"

struct _HeyaiAnimatorKling
{
  HeyaiRemoteProvider parent_instance;   /* http, base URL, model, poll interval, max wait, price */

  char          *mode;
  char          *negative_prompt;
  HeyaiJwtCache *jwt;
};

#define BASE(self)     HEYAI_REMOTE_PROVIDER (self)
#define HTTP(self)     heyai_remote_provider_get_http (BASE (self))
#define MODEL(self)    heyai_remote_provider_get_model (BASE (self))

static void animator_iface_init (HeyaiAnimatorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiAnimatorKling, heyai_animator_kling, HEYAI_TYPE_REMOTE_PROVIDER,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_ANIMATOR, animator_iface_init))

enum {
  PROP_0,
  PROP_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---------------------------------------------------------------------- */
/* Prices and capabilities                                                 */

double
heyai_kling_price (const char *mode,
                   int         duration)
{
  double five = g_strcmp0 (mode, "pro") == 0 ? HEYAI_KLING_PRICE_PRO_5 : HEYAI_KLING_PRICE_STD_5;

  /* Billed by length: 5 s is the unit (kling-v3 takes 3 to 15 s). */
  if (duration == 5 || duration == 10)
    return duration == 10 ? 2 * five : five;
  return five * MAX (duration, 1) / 5.0;
}

/* The models the product may offer (API-CONTRACTS.md C.4 item 12, and 1.4
 * for the older ones). */
static const char *const std_pro[] = { "std", "pro", NULL };
static const char *const std_pro_4k[] = { "std", "pro", "4k", NULL };

/* image_tail: "only some model/mode combos (pro mode mostly)" (1.4): pro
 * (and 4k) on the models below; our reading of the capability map. */
static const char *const pro_only[] = { "pro", NULL };
static const char *const pro_4k[] = { "pro", "4k", NULL };

static const HeyaiKlingModel kling_models[] = {
  { "kling-v1",          5, 10, FALSE, std_pro,    30.0, TRUE,  FALSE, NULL },
  { "kling-v1-5",        5, 10, FALSE, std_pro,    30.0, TRUE,  FALSE, pro_only },
  { "kling-v1-6",        5, 10, FALSE, std_pro,    24.0, TRUE,  TRUE,  pro_only },
  { "kling-v2-master",   5, 10, FALSE, std_pro,    24.0, FALSE, FALSE, NULL },
  { "kling-v2-1",        5, 10, FALSE, std_pro,    24.0, FALSE, FALSE, pro_only },
  { "kling-v2-1-master", 5, 10, FALSE, std_pro,    24.0, FALSE, FALSE, pro_only },
  { "kling-v3",          3, 15, TRUE,  std_pro_4k, 30.0, FALSE, FALSE, pro_4k },
};

const HeyaiKlingModel *
heyai_kling_model_lookup (const char *model_name)
{
  for (guint i = 0; model_name != NULL && i < G_N_ELEMENTS (kling_models); i++)
    if (g_str_equal (kling_models[i].name, model_name))
      return &kling_models[i];
  return NULL;
}

int
heyai_kling_model_duration (const char *model_name,
                            int         wanted)
{
  const HeyaiKlingModel *model = heyai_kling_model_lookup (model_name);

  if (model == NULL || !model->any_second)
    return wanted >= 10 ? 10 : 5;   /* "5" or "10" (unknown models too) */
  return CLAMP (wanted, model->min_duration, model->max_duration);
}

gboolean
heyai_kling_model_has_mode (const char *model_name,
                            const char *mode)
{
  const HeyaiKlingModel *model = heyai_kling_model_lookup (model_name);

  if (model == NULL)
    return TRUE;   /* a newer model: let Kling judge */
  return mode != NULL && g_strv_contains (model->modes, mode);
}

gboolean
heyai_kling_supports_end_frame (const char *model_name,
                                const char *mode)
{
  const HeyaiKlingModel *model = heyai_kling_model_lookup (model_name);

  if (model == NULL)
    return TRUE;   /* a newer model: let Kling judge */
  return model->tail_modes != NULL && mode != NULL && g_strv_contains (model->tail_modes, mode);
}

double
heyai_kling_parse_result_duration (JsonNode *node)
{
  double seconds = -1;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      seconds = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0')
        return -1;
    }
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE || json_node_get_value_type (node) == G_TYPE_INT64)
    seconds = json_node_get_double (node);
  return isfinite (seconds) && seconds > 0 ? seconds : -1;
}

/* The price table's override (a 5 s clip; 10 s costs twice), else the
 * built-in price of the mode. */
static double
clip_price (HeyaiAnimatorKling *self,
            int                 duration)
{
  double price = heyai_remote_provider_get_price (BASE (self));

  if (price > 0)
    return duration >= 10 ? 2 * price : price;
  return heyai_kling_price (self->mode, duration);
}

gboolean
heyai_kling_supports_camera_control (const char *model,
                                     const char *mode,
                                     int         duration)
{
  /* Capability map: image2video camera control only on kling-v1-5, pro, 5 s,
   * type "simple" (API-CONTRACTS.md §1.4). */
  return g_strcmp0 (model, "kling-v1-5") == 0 && g_strcmp0 (mode, "pro") == 0 && duration == 5;
}

/* ---------------------------------------------------------------------- */
/* Auth and errors                                                         */

/* HeyaiRemoteProviderClass.authorization: a JWT made from the keys, or
 * the API key (the row's third entry) as is. */
static char *
authorization (HeyaiRemoteProvider *base)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (base);
  const char *api_key = heyai_remote_provider_get_credential (base, 2);

  if (self->jwt != NULL)
    return g_strdup_printf ("Bearer %s", heyai_jwt_cache_get (self->jwt, 0));
  return api_key != NULL ? g_strdup_printf ("Bearer %s", api_key) : NULL;
}

static gint64
business_code (HeyaiHttpResponse *response,
               const char       **message)
{
  JsonObject *root = heyai_http_response_get_object (response, NULL);
  JsonNode *code;

  *message = NULL;
  if (root == NULL || !json_object_has_member (root, "code"))
    return -1;
  code = json_object_get_member (root, "code");
  if (!JSON_NODE_HOLDS_VALUE (code) || json_node_get_value_type (code) == G_TYPE_STRING)
    return -1;
  *message = heyai_json_object_get_string_or_null (root, "message");
  return json_node_get_int (code);
}

/* HeyaiRemoteProviderClass.classify: an answer from Kling itself. */
static HeyaiHttpVerdict
classify (HeyaiRemoteProvider  *base,
          HeyaiHttpResponse    *response,
          GError              **error)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (base);
  guint status = heyai_http_response_get_status (response);
  const char *message = NULL;
  gint64 code = business_code (response, &message);
  const char *detail = message != NULL ? message : _("no detail");

  if (code == 0 || (code < 0 && status < 400))
    return HEYAI_HTTP_VERDICT_DEFAULT;

  switch (code)
    {
    case 1004:
      if (self->jwt != NULL)
        heyai_jwt_cache_invalidate (self->jwt);
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("Kling kept refusing the access token as expired. Check this computer's clock."));
      return self->jwt != NULL ? HEYAI_HTTP_VERDICT_RETRY : HEYAI_HTTP_VERDICT_FINAL;
    case 1003:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("Kling says the access token is not valid yet. Check this computer's clock and time zone."));
      return HEYAI_HTTP_VERDICT_FINAL;
    case 1000:
    case 1001:
    case 1002:
      /* Translators: the second and third %s are variables (KLING_ACCESS_KEY, KLING_SECRET_KEY). */
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("Kling rejected the keys (%s). Check %s and %s or the keys in Preferences → Providers."),
                   detail, heyai_secrets_env_description (heyai_remote_provider_get_secret (base, 0)),
                   heyai_secrets_env_description (heyai_remote_provider_get_secret (base, 1)));
      return HEYAI_HTTP_VERDICT_FINAL;
    case 1103:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("Kling says this account may not use the model “%s” (%s). Choose another model."),
                   MODEL (self), detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 1304:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("Kling refused this computer's address (IP allow-list). Check the account's settings."));
      return HEYAI_HTTP_VERDICT_FINAL;
    case 1100:
    case 1101:
    case 1102:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                   _("Kling says the account has no balance left (%s). Top up the resource pack and try again."),
                   detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 1203:
      if (strstr (heyai_http_response_get_url (response), "/image2video/") != NULL)
        {
          /* A task id Kling does not know (purged, another account). */
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                       _("Kling no longer knows this clip's task (%s)."), detail);
          return HEYAI_HTTP_VERDICT_FINAL;
        }
      G_GNUC_FALLTHROUGH;
    case 1200:
    case 1201:
    case 1202:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
                   _("Kling rejected the request: %s."), detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 1300:
    case 1301:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                   _("Kling refused the still or the motion prompt (content policy: %s). "
                     "Edit the prompt or the still and try again."), detail);
      return HEYAI_HTTP_VERDICT_FINAL;
    case 1302:
    case 1303:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                   _("Kling is busy with this account's other clips (%s). Try again later."), detail);
      return HEYAI_HTTP_VERDICT_RETRY;
    case 5000:
    case 5001:
    case 5002:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                   _("Kling is having trouble (%s). Try again later."), detail);
      return HEYAI_HTTP_VERDICT_RETRY;
    default:
      return HEYAI_HTTP_VERDICT_DEFAULT;
    }
}

/* ---------------------------------------------------------------------- */
/* One clip                                                                */

typedef struct
{
  HeyaiRemoteJob remote;         /* first: the engine's part */
  char       *end_frame_path;    /* NULL: none asked, or not sent */
  char      **references;        /* sent as image_list after the still; NULL: image2video */
  char       *references_note;
  char       *endpoint;          /* "/v1/videos/image2video" or "/v1/videos/multi-image2video" */
  char       *still_path;
  char       *prompt;
  char       *aspect;
  int         duration;
  double      result_duration;   /* what Kling says it made, seconds; -1 unknown */
  HeyaiCameraMove camera;
  gboolean    camera_control;    /* the model's own camera control is sent */
  char       *external_id;
  char       *model;             /* as the job began (the worker reads them) */
  char       *mode;
  char       *negative_prompt;
} ClipData;

static void
clip_data_free (ClipData *data)
{
  heyai_remote_job_clear (&data->remote);
  g_free (data->end_frame_path);
  g_strfreev (data->references);
  g_free (data->references_note);
  g_free (data->endpoint);
  g_free (data->still_path);
  g_free (data->prompt);
  g_free (data->aspect);
  g_free (data->external_id);
  g_free (data->model);
  g_free (data->mode);
  g_free (data->negative_prompt);
  g_free (data);
}

/* Every step below takes ownership of the task reference it is given and
 * either passes it on or finishes (return + unref). */

static void
finish_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* -- the engine's hooks ------------------------------------------------- */

static const char *
task_status_of (JsonObject *task_data)
{
  return heyai_json_object_get_string_or_null (task_data, "task_status");
}

static JsonObject *
data_object (HeyaiHttpResponse *response)
{
  JsonObject *root = heyai_http_response_get_object (response, NULL);

  if (root == NULL || !json_object_has_member (root, "data") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "data")))
    return NULL;
  return json_object_get_object_member (root, "data");
}

static gboolean
is_moderation_message (const char *msg)
{
  g_autofree char *lower = msg != NULL ? g_ascii_strdown (msg, -1) : NULL;

  return lower != NULL &&
         (strstr (lower, "risk") != NULL || strstr (lower, "security") != NULL ||
          strstr (lower, "sensitive") != NULL || strstr (lower, "policy") != NULL ||
          strstr (lower, "moderation") != NULL);
}

static HeyaiRemoteStatus
read_status (GTask              *task,
             HeyaiHttpResponse  *response,
             char              **url,
             GError            **error)
{
  ClipData *data = g_task_get_task_data (task);
  JsonObject *task_data = data_object (response);
  const char *status;

  if (task_data == NULL)
    return HEYAI_REMOTE_STATUS_UNREADABLE;
  status = task_status_of (task_data);
  if (g_strcmp0 (status, "submitted") == 0)
    return HEYAI_REMOTE_STATUS_QUEUED;
  if (g_strcmp0 (status, "processing") == 0)
    return HEYAI_REMOTE_STATUS_RUNNING;

  if (g_strcmp0 (status, "succeed") == 0 || g_strcmp0 (status, "succeeded") == 0)
    {
      JsonObject *result = NULL;
      JsonArray *videos = NULL;
      JsonNode *first;
      const char *found = NULL;

      if (json_object_has_member (task_data, "task_result") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (task_data, "task_result")))
        result = json_object_get_object_member (task_data, "task_result");
      if (result != NULL && json_object_has_member (result, "videos") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (result, "videos")))
        videos = json_object_get_array_member (result, "videos");
      if (videos != NULL && json_array_get_length (videos) > 0 &&
          JSON_NODE_HOLDS_OBJECT (first = json_array_get_element (videos, 0)))
        {
          found = heyai_json_object_get_string_or_null (json_node_get_object (first), "url");
          data->result_duration = heyai_kling_parse_result_duration (
                                    json_object_get_member (json_node_get_object (first), "duration"));
        }
      if (found == NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                       _("Scene %d: Kling finished the clip but sent no video address. "
                         "Animate the scene again."), data->remote.position);
          return HEYAI_REMOTE_STATUS_FAILED;
        }
      *url = g_strdup (found);
      return HEYAI_REMOTE_STATUS_DONE;
    }

  if (g_strcmp0 (status, "failed") == 0)
    {
      g_autofree char *msg = heyai_http_redact (heyai_json_object_get_string_or_null (task_data, "task_status_msg"));

      if (is_moderation_message (msg))
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                     _("Scene %d: Kling refused the clip (content policy: %s). "
                       "Edit the motion prompt or the still and try again."),
                     data->remote.position, msg);
      else
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                     _("Scene %d: Kling could not make the clip (%s). Try again."),
                     data->remote.position, msg != NULL ? msg : _("no reason given"));
      return HEYAI_REMOTE_STATUS_FAILED;
    }

  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
               _("Kling sent a task status HeyAI does not understand (“%s”)."),
               status != NULL ? status : "");
  return HEYAI_REMOTE_STATUS_FAILED;
}

static HeyaiHttpRequest *
status_request (GTask      *task,
                const char *remote_id)
{
  ClipData *data = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("%s/%s", data->endpoint, remote_id);

  return heyai_http_request_new ("GET", path);
}

static HeyaiGenResult *
make_result (GTask               *task,
             const char          *path,
             const HeyaiClipInfo *info)
{
  HeyaiAnimatorKling *self = g_task_get_source_object (task);
  ClipData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  HeyaiGenResult *gen;

  json_object_set_string_member (params, "model_name", MODEL (self));
  json_object_set_string_member (params, "mode", data->mode);
  {
    g_autofree char *duration = g_strdup_printf ("%d", data->duration);

    json_object_set_string_member (params, "duration", duration);
    /* what Kling reports it made (fractional, "5.041"); the probe of the
     * file is the truth */
    if (data->result_duration > 0)
      json_object_set_double_member (params, "result_duration", data->result_duration);
    json_object_set_double_member (params, "probed_duration", info->duration);
    if (info->fps > 0)
      json_object_set_double_member (params, "probed_fps", info->fps);
    json_object_set_int_member (params, "probed_width", info->width);
    json_object_set_int_member (params, "probed_height", info->height);
  }
  json_object_set_string_member (params, "prompt", data->prompt);
  json_object_set_string_member (params, "negative_prompt", data->negative_prompt);
  json_object_set_string_member (params, "camera_move",
                                 heyai_enum_to_string (HEYAI_TYPE_CAMERA_MOVE, data->camera));
  json_object_set_string_member (params, "external_task_id", data->external_id);
  if (data->end_frame_path != NULL)
    json_object_set_boolean_member (params, "image_tail", TRUE);
  if (data->references != NULL)
    json_object_set_int_member (params, "references", g_strv_length (data->references));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, params);

  gen = heyai_gen_result_new ();
  gen->path = g_strdup (path);
  gen->provider = g_strdup ("kling");
  gen->model = g_strdup (MODEL (self));
  gen->params = json_to_string (node, FALSE);
  gen->cost = clip_price (self, data->duration);
  gen->references_note = g_strdup (data->references_note);
  gen->end_frame_sent = data->end_frame_path != NULL;
  return gen;
}

/* -- the submit and the lookup by external_task_id ----------------------- */

static HeyaiHttpRequest *
build_submit (GTask *task)
{
  ClipData *data = g_task_get_task_data (task);
  HeyaiHttpRequest *request = heyai_http_request_new ("POST", data->endpoint);

  /* The body (with the still in base64, up to ~13 MB) was built once in a
   * worker thread; every attempt sends the same bytes, with the same
   * external_task_id (Kling's idempotency key). */
  heyai_http_request_set_body (request, "application/json", data->remote.body);
  return request;
}

static HeyaiHttpRequest *
find_by_external_id (GTask *task)
{
  ClipData *data = g_task_get_task_data (task);
  g_autofree char *escaped = g_uri_escape_string (data->external_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("%s/%s", data->endpoint, escaped);

  return heyai_http_request_new ("GET", path);
}

/* A task in the answer: its id (the engine commits it, then reads the
 * task's status from the same answer). */
static HeyaiRemoteSubmit
take_task (HeyaiHttpResponse  *response,
           char              **remote_id,
           GError            **error)
{
  const char *task_id = heyai_json_object_get_string_or_null (data_object (response), "task_id");

  if (task_id == NULL || *task_id == '\0')
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("Kling accepted the clip but sent no task id. Try again."));
      return HEYAI_REMOTE_SUBMIT_FAILED;
    }
  *remote_id = g_strdup (task_id);
  return HEYAI_REMOTE_SUBMIT_ACCEPTED;
}

static gboolean
carries_task (HeyaiHttpResponse *response,
              gint64             code)
{
  return heyai_http_response_get_status (response) == 200 && code == 0 && data_object (response) != NULL;
}

static HeyaiRemoteSubmit
read_submit_answer (GTask              *task,
                    HeyaiHttpResponse  *response,
                    char              **remote_id,
                    GError            **error)
{
  HeyaiAnimatorKling *self = g_task_get_source_object (task);
  HeyaiRemoteJob *job = heyai_remote_job_get (task);
  guint status = heyai_http_response_get_status (response);
  const char *message = NULL;
  gint64 code = business_code (response, &message);
  g_autoptr(GError) refusal = NULL;

  if (carries_task (response, code))
    return take_task (response, remote_id, error);

  /* A 2xx we cannot read (cut or garbled body): the task may exist. */
  if (status / 100 == 2 && data_object (response) == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("Kling sent answers HeyAI does not understand. Try again later."));
      return HEYAI_REMOTE_SUBMIT_AMBIGUOUS;
    }

  /* Our own earlier request went through after all. */
  if (code == 1201 && message != NULL && strstr (message, "external_task_id") != NULL)
    return HEYAI_REMOTE_SUBMIT_DUPLICATE;

  /* The account's parallel-task limit (1303; 1302, too fast, once its
   * retries ran out): the create was refused, nothing accepted.  The
   * pipeline lowers its limit for Kling and sends it again (same
   * external_task_id) when one of ours ends. */
  if (code == 1303 || (code == 1302 && job->submits >= MAX_SUBMIT_ATTEMPTS))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CAPACITY,
                   _("Kling is busy with this account's other clips (%s); "
                     "the clip waits for one of them to finish."),
                   message != NULL ? message : _("no detail"));
      return HEYAI_REMOTE_SUBMIT_FAILED;
    }

  switch (heyai_remote_provider_classify (BASE (self), response, &refusal))
    {
    case HEYAI_HTTP_VERDICT_RETRY:
      if (refusal != NULL)
        refusal->code = HEYAI_ERROR_RETRYABLE;
      else
        refusal = g_error_new (HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                               _("Kling kept refusing the clip. Try again later."));
      g_propagate_error (error, g_steal_pointer (&refusal));
      return HEYAI_REMOTE_SUBMIT_REFUSED;
    case HEYAI_HTTP_VERDICT_FINAL:
      g_propagate_error (error, g_steal_pointer (&refusal));
      return HEYAI_REMOTE_SUBMIT_FAILED;
    default:
      if (status >= 500 || status == 408 || status == 429)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                       _("Kling kept failing (HTTP %u). Try again later."), status);
          return HEYAI_REMOTE_SUBMIT_REFUSED;
        }
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("Kling answered the clip request with HTTP %u."), status);
      return HEYAI_REMOTE_SUBMIT_FAILED;
    }
}

static HeyaiRemoteSubmit
read_found (GTask              *task,
            HeyaiHttpResponse  *response,
            char              **remote_id,
            GError            **error)
{
  HeyaiAnimatorKling *self = g_task_get_source_object (task);
  ClipData *data = g_task_get_task_data (task);
  guint status = heyai_http_response_get_status (response);
  const char *message = NULL;
  gint64 code = business_code (response, &message);
  g_autoptr(GError) refusal = NULL;
  HeyaiHttpVerdict verdict;

  if (carries_task (response, code))
    return take_task (response, remote_id, error);
  if (status == 404 || code == 1203)
    return HEYAI_REMOTE_SUBMIT_NOT_FOUND;

  verdict = heyai_remote_provider_classify (BASE (self), response, &refusal);
  if (refusal == NULL || verdict == HEYAI_HTTP_VERDICT_DEFAULT)
    {
      g_clear_error (&refusal);
      refusal = g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER, _("Kling answered %u when asked about clip %s."),
                             status, data->external_id);
    }
  g_propagate_error (error, g_steal_pointer (&refusal));
  /* An unreadable 2xx or a busy Kling: ask again rather than guess. */
  if (status / 100 == 2 || verdict == HEYAI_HTTP_VERDICT_RETRY)
    return HEYAI_REMOTE_SUBMIT_AMBIGUOUS;
  return HEYAI_REMOTE_SUBMIT_FAILED;
}

static guint
retry_delay_ms (GTask             *task,
                HeyaiHttpResponse *response,
                guint              attempt)
{
  return heyai_remote_provider_retry_delay_ms (g_task_get_source_object (task), response, attempt);
}

static void build_body (GTask *task);

static const HeyaiRemoteJobHooks remote_hooks = {
  .prepare_submit = build_body,
  .build_submit = build_submit,
  .read_submit_answer = read_submit_answer,
  .find_by_external_id = find_by_external_id,
  .read_found = read_found,
  .retry_delay_ms = retry_delay_ms,
  .max_submits = MAX_SUBMIT_ATTEMPTS,
  .max_lookups = MAX_LOOKUP_ATTEMPTS,
  .answer_has_status = TRUE,
  .status_request = status_request,
  .read_status = read_status,
  .make_result = make_result,
};

/* -- the create body, built in the engine's worker ------------------------ */

static JsonObject *
camera_control_new (HeyaiCameraMove camera)
{
  JsonObject *control = json_object_new ();
  JsonObject *config = json_object_new ();
  const char *axes[] = { "horizontal", "vertical", "pan", "tilt", "roll", "zoom" };
  const char *axis = "zoom";
  double value = 0;

  /* Exactly one non-zero value (Kling's rule).  A negative zoom narrows the
   * field of view (push in). */
  switch (camera)
    {
    case HEYAI_CAMERA_PUSH_IN:   axis = "zoom";       value = -5; break;
    case HEYAI_CAMERA_PULL_OUT:  axis = "zoom";       value = 5;  break;
    case HEYAI_CAMERA_PAN_LEFT:  axis = "horizontal"; value = -5; break;
    case HEYAI_CAMERA_PAN_RIGHT: axis = "horizontal"; value = 5;  break;
    case HEYAI_CAMERA_TILT_UP:   axis = "vertical";   value = 5;  break;
    case HEYAI_CAMERA_TILT_DOWN: axis = "vertical";   value = -5; break;
    case HEYAI_CAMERA_STATIC:
    default:
      break;
    }
  for (guint i = 0; i < G_N_ELEMENTS (axes); i++)
    json_object_set_double_member (config, axes[i], g_str_equal (axes[i], axis) ? value : 0);
  json_object_set_string_member (control, "type", "simple");
  json_object_set_object_member (control, "config", config);
  return control;
}

/* HeyaiRemoteBodyFunc, in a worker thread (it reads only @task_data, the
 * worker's alone meanwhile): @images are the still, then the end frame
 * (image2video) or the references (multi-image2video; NULL: left out). */
static GBytes *
build_body_in_worker (gpointer      task_data,
                      char * const *images,
                      guint         n_images,
                      GError      **error)
{
  ClipData *data = task_data;
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *duration = g_strdup_printf ("%d", data->duration);
  char *text;
  gsize len = 0;

  json_object_set_string_member (body, "model_name", data->model);
  json_object_set_string_member (body, "duration", duration);
  if (data->references != NULL)
    {
      /* multi-image2video (C.4 item 17): the still first, so the clip
       * keeps the approved look, then the references; 1 to 4 images. */
      JsonArray *list = json_array_new ();

      for (guint i = 0; i < n_images; i++)
        if (images[i] != NULL)
          {
            JsonObject *item = json_object_new ();

            json_object_set_string_member (item, "image", images[i]);
            json_array_add_object_element (list, item);
          }
      json_object_set_array_member (body, "image_list", list);
      json_object_set_string_member (body, "aspect_ratio", data->aspect);
    }
  else
    {
      json_object_set_string_member (body, "mode", data->mode);
      json_object_set_string_member (body, "image", images[0]);
      if (n_images > 1)
        json_object_set_string_member (body, "image_tail", images[1]);
    }
  json_object_set_string_member (body, "prompt", data->prompt);
  if (data->references == NULL)
    json_object_set_string_member (body, "negative_prompt", data->negative_prompt);
  json_object_set_string_member (body, "external_task_id", data->external_id);
  /* image_tail and camera_control exclude each other (C.4 item 16). */
  if (data->references == NULL && data->camera_control && data->end_frame_path == NULL)
    json_object_set_object_member (body, "camera_control", camera_control_new (data->camera));

  json_node_set_object (root, body);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return g_bytes_new_take (text, len);
}

/* References that could not all go (too many, a bad image) are said. */
static void
body_built (GTask *task)
{
  ClipData *data = g_task_get_task_data (task);

  if (data->references != NULL && data->remote.images_skipped > 0)
    {
      HeyaiGenInput asked = { 0 };
      g_autofree char *note = NULL;

      asked.reference_paths = (const char * const *) data->references;
      note = heyai_gen_references_note (&asked, g_strv_length (data->references) - data->remote.images_skipped,
                                        FALSE, data->remote.images_reason, NULL);
      if (data->references_note != NULL)
        {
          char *both = g_strdup_printf ("%s; %s", note, data->references_note);

          g_free (data->references_note);
          data->references_note = both;
        }
      else
        data->references_note = g_steal_pointer (&note);
    }
  heyai_remote_job_submit (task);
}

/* The engine's prepare_submit: the still (and the end frame or the
 * references) fitted to the descriptor's limits, in base64, in the body. */
static void
build_body (GTask *task)
{
  ClipData *data = g_task_get_task_data (task);
  const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_of (g_task_get_source_object (task));
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();

  g_ptr_array_add (paths, data->still_path);
  for (guint i = 0; data->references != NULL && data->references[i] != NULL; i++)
    g_ptr_array_add (paths, data->references[i]);
  if (data->end_frame_path != NULL)
    g_ptr_array_add (paths, data->end_frame_path);
  g_ptr_array_add (paths, NULL);
  heyai_remote_job_build_body (task, (const char * const *) paths->pdata,
                               data->references != NULL ? 1 : paths->len - 1, HEYAI_KLING_MAX_IMAGES,
                               descriptor->still_limits, build_body_in_worker, body_built);
}

/* Which of the asked references and end frame this model can take; the
 * rest is said in the result (never silently dropped). */
static void
choose_extras (HeyaiAnimatorKling  *self,
               const HeyaiGenInput *input,
               ClipData            *data)
{
  guint asked = heyai_gen_input_n_references (input);
  gboolean end_asked = input->end_frame_path != NULL && *input->end_frame_path != '\0';
  g_autofree char *refs_reason = NULL;
  g_autofree char *end_reason = NULL;
  gboolean end_sent = FALSE;
  const HeyaiKlingModel *model = heyai_kling_model_lookup (MODEL (self));

  if (asked > 0)
    {
      if (model != NULL && model->multi_image)
        data->references = g_strdupv ((char **) input->reference_paths);
      else
        refs_reason = g_strdup_printf (_("Kling’s model “%s” takes no reference images; only %s does"),
                                       MODEL (self), HEYAI_KLING_MULTI_IMAGE_MODEL);
    }
  if (end_asked)
    {
      if (data->references != NULL)
        end_reason = g_strdup (_("Kling’s reference-image endpoint takes no end frame"));
      else if (!heyai_kling_supports_end_frame (MODEL (self), self->mode))
        end_reason = g_strdup_printf (_("Kling’s model “%s” in mode “%s” takes no end frame"),
                                      MODEL (self), self->mode);
      else
        {
          data->end_frame_path = g_strdup (input->end_frame_path);
          end_sent = TRUE;
        }
    }
  data->endpoint = g_strdup (data->references != NULL ? "/v1/videos/multi-image2video"
                                                      : "/v1/videos/image2video");
  /* References that cannot all go (too many, a bad image) are counted by
   * the worker that encodes them; here: none at all, or the end frame. */
  data->references_note = heyai_gen_references_note (input, data->references != NULL ? asked : 0,
                                                     end_sent, refs_reason, end_reason);
}

static void
heyai_animator_kling_animate_async (HeyaiAnimator       *animator,
                                    HeyaiProject        *project,
                                    HeyaiScene          *scene,
                                    const HeyaiGenInput *input,
                                    HeyaiGenReporter    *reporter,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (animator);
  GTask *task;
  ClipData *data;
  HeyaiPromptParts parts;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_animator_kling_animate_async);

  data = g_new0 (ClipData, 1);
  heyai_remote_provider_job_init (BASE (self), &data->remote, &remote_hooks, HEYAI_REMOTE_MEDIA_CLIP, reporter, input,
                                  heyai_scene_get_position (scene));
  data->still_path = g_strdup (input->still_path);
  data->duration = heyai_kling_model_duration (MODEL (self), heyai_scene_get_duration (scene));
  data->camera = heyai_scene_get_camera_move (scene);
  data->aspect = g_strdup (heyai_enum_to_string (HEYAI_TYPE_ASPECT, heyai_project_get_aspect (project)));
  /* The motion prompt and the camera move as a sentence (the model's own
   * camera control is sent separately where the model has it). */
  heyai_prompt_parts_init (&parts, project, scene);
  parts.camera_in_motion = TRUE;
  parts.max_chars = MAX_PROMPT_CHARS;
  data->prompt = heyai_prompt_compose_motion (&parts);
  data->remote.expected_seconds = data->duration;
  data->model = g_strdup (MODEL (self));
  data->mode = g_strdup (self->mode);
  data->negative_prompt = g_strdup (self->negative_prompt);
  data->camera_control = data->camera != HEYAI_CAMERA_STATIC &&
                         heyai_kling_supports_camera_control (data->model, data->mode, data->duration);
  choose_extras (self, input, data);

  /* external_task_id: the job's idempotency key, made once and reported
   * (the pipeline stores it with the job). */
  if (input->idempotency_key == NULL || *input->idempotency_key == '\0')
    {
      if (input->job_id != NULL && *input->job_id != '\0')
        data->external_id = g_strdup_printf ("heyai-%s", input->job_id);
      else
        {
          g_autofree char *uuid = heyai_uuid_new ();
          data->external_id = g_strdup_printf ("heyai-%s", uuid);
        }
      heyai_gen_reporter_idempotency_key (reporter, data->external_id);
    }
  else
    data->external_id = g_strdup (input->idempotency_key);
  g_task_set_task_data (task, data, (GDestroyNotify) clip_data_free);

  if (input->still_path == NULL)
    {
      finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                                       _("Scene %d has no still to animate."), data->remote.position));
      return;
    }
  if (!heyai_kling_model_has_mode (MODEL (self), self->mode))
    {
      /* Said before a round trip that would cost a 400. */
      finish_error (task, g_error_new (HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
                                       _("Kling’s model “%s” has no mode “%s”. Set HEYAI_KLING_MODE to one it offers."),
                                       MODEL (self), self->mode));
      return;
    }

  heyai_remote_provider_with_credentials (task, heyai_remote_job_start);
}

static HeyaiGenResult *
heyai_animator_kling_animate_finish (HeyaiAnimator  *animator,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, animator), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- credentials -------------------------------------------------------- */

/* HeyaiRemoteProviderClass.take_credentials: the row's entries are the
 * access key and the secret key (a JWT is made from both), or else an API
 * key used as is. */
static gboolean
take_credentials (HeyaiRemoteProvider  *base,
                  const char * const   *values,
                  GError              **error)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (base);
  const char *access = values[0];

  if (access != NULL && values[1] != NULL)
    {
      g_clear_pointer (&self->jwt, heyai_jwt_cache_free);
      self->jwt = heyai_jwt_cache_new (access, values[1], HEYAI_JWT_DEFAULT_LIFETIME);
      return TRUE;
    }
  if (access == NULL && values[2] != NULL)
    return TRUE;
  /* the secret key when only it is missing, else the access key */
  heyai_secrets_set_missing_error (error, heyai_remote_provider_get_secret (base, access != NULL ? 1 : 0));
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static const char *
heyai_animator_kling_get_name (HeyaiAnimator *animator)
{
  return "kling";
}

static const char *
heyai_animator_kling_get_model (HeyaiAnimator *animator)
{
  return MODEL (animator);
}

static double
heyai_animator_kling_estimate_cost (HeyaiAnimator *animator,
                                    HeyaiScene    *scene)
{
  return clip_price (HEYAI_ANIMATOR_KLING (animator), heyai_scene_get_duration (scene));
}

static void
animator_iface_init (HeyaiAnimatorInterface *iface)
{
  iface->get_name = heyai_animator_kling_get_name;
  iface->get_model = heyai_animator_kling_get_model;
  iface->estimate_cost = heyai_animator_kling_estimate_cost;
  iface->animate_async = heyai_animator_kling_animate_async;
  iface->animate_finish = heyai_animator_kling_animate_finish;
}

/* The configured model, mode (HEYAI_KLING_MODE), negative prompt and poll
 * interval replace the defaults. */
static void
heyai_animator_kling_configure (HeyaiRemoteProvider       *base,
                                const HeyaiProviderConfig *config)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (base);

  heyai_remote_provider_apply_settings (base, config->kling_model, config->kling_poll_ms);
  if (config->kling_mode != NULL)
    g_object_set (self, "mode", config->kling_mode, NULL);
  if (config->kling_negative_prompt != NULL)
    {
      g_free (self->negative_prompt);
      self->negative_prompt = g_strdup (config->kling_negative_prompt);
    }
}

static void
heyai_animator_kling_constructed (GObject *object)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (object);

  G_OBJECT_CLASS (heyai_animator_kling_parent_class)->constructed (object);

  if (self->mode == NULL)
    self->mode = g_strdup (HEYAI_KLING_DEFAULT_MODE);
  self->negative_prompt = g_strdup (DEFAULT_NEGATIVE);

}

static void
heyai_animator_kling_finalize (GObject *object)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (object);

  g_clear_pointer (&self->mode, g_free);
  g_clear_pointer (&self->negative_prompt, g_free);
  g_clear_pointer (&self->jwt, heyai_jwt_cache_free);

  G_OBJECT_CLASS (heyai_animator_kling_parent_class)->finalize (object);
}

static void
heyai_animator_kling_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_string (value, self->mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_animator_kling_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HeyaiAnimatorKling *self = HEYAI_ANIMATOR_KLING (object);

  switch (prop_id)
    {
    case PROP_MODE:
      {
        const char *text = g_value_get_string (value);

        /* NULL or "" (the setting's default): keep the current value. */
        if (text == NULL || *text == '\0' || g_strcmp0 (self->mode, text) == 0)
          break;
        g_free (self->mode);
        self->mode = g_strdup (text);
        if (self->negative_prompt != NULL)   /* constructed */
          g_object_notify_by_pspec (object, pspec);
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static HeyaiHttpRequest *test_request     (HeyaiRemoteProvider *base);

static void
heyai_animator_kling_class_init (HeyaiAnimatorKlingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HeyaiRemoteProviderClass *remote_class = HEYAI_REMOTE_PROVIDER_CLASS (klass);

  object_class->constructed = heyai_animator_kling_constructed;
  object_class->finalize = heyai_animator_kling_finalize;
  object_class->get_property = heyai_animator_kling_get_property;
  object_class->set_property = heyai_animator_kling_set_property;

  remote_class->role = HEYAI_ROLE_ANIMATOR;
  remote_class->name = "kling";
  remote_class->default_model = HEYAI_KLING_DEFAULT_MODEL;
  remote_class->configure = heyai_animator_kling_configure;
  remote_class->classify = classify;
  remote_class->authorization = authorization;
  remote_class->take_credentials = take_credentials;
  remote_class->test_request = test_request;
  remote_class->default_poll_ms = DEFAULT_POLL_MS;
  remote_class->default_max_wait = DEFAULT_MAX_WAIT;
  remote_class->timeout = 120;

  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
heyai_animator_kling_init (HeyaiAnimatorKling *self)
{
}

HeyaiAnimatorKling *
heyai_animator_kling_new (const char *base_url,
                          const char *access_key,
                          const char *secret_key,
                          const char *model,
                          const char *mode)
{
  HeyaiAnimatorKling *self = g_object_new (HEYAI_TYPE_ANIMATOR_KLING,
                                           "base-url", base_url,
                                           "model", model,
                                           "mode", mode,
                                           NULL);

  if (access_key != NULL && *access_key != '\0' && secret_key != NULL && *secret_key != '\0')
    heyai_remote_provider_take_credentials (BASE (self), (const char *[]) { access_key, secret_key, NULL }, 3, NULL);
  return self;
}

HeyaiAnimatorKling *
heyai_animator_kling_new_with_api_key (const char *base_url,
                                       const char *api_key,
                                       const char *model,
                                       const char *mode)
{
  HeyaiAnimatorKling *self = heyai_animator_kling_new (base_url, NULL, NULL, model, mode);

  heyai_remote_provider_take_credentials (BASE (self), (const char *[]) { NULL, NULL, api_key }, 3, NULL);
  return self;
}

GObject *
heyai_animator_kling_create (const char  *data_dir,
                             GError     **error)
{
  const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_lookup (HEYAI_ROLE_ANIMATOR, "kling");
  g_autofree char *access = heyai_secrets_dup_from_env (heyai_provider_descriptor_secret (descriptor, 0));
  g_autofree char *secret = heyai_secrets_dup_from_env (heyai_provider_descriptor_secret (descriptor, 1));
  g_autofree char *api_key = NULL;
  g_auto(HeyaiProviderConfig) config = { 0 };
  HeyaiAnimatorKling *self;

  if (access != NULL && secret == NULL)
    {
      heyai_secrets_set_missing_error (error, heyai_provider_descriptor_secret (descriptor, 1));
      return NULL;
    }
  heyai_provider_config_init_from_env (&config, data_dir);
  if (access == NULL && (api_key = heyai_secrets_dup_from_env (heyai_provider_descriptor_secret (descriptor, 2))) != NULL)
    self = heyai_animator_kling_new_with_api_key (config.kling_base_url, api_key, NULL, NULL);
  else
    self = heyai_animator_kling_new (config.kling_base_url, access, secret, NULL, NULL);
  heyai_remote_provider_configure (BASE (self), &config);
  return G_OBJECT (self);
}

/* ---------------------------------------------------------------------- */
/* Test connection: list one task (authenticated, free)                    */

static HeyaiHttpRequest *
test_request (HeyaiRemoteProvider *base)
{
  HeyaiHttpRequest *request = heyai_http_request_new ("GET", "/v1/videos/image2video");

  heyai_http_request_add_query (request, "pageNum", "1");
  heyai_http_request_add_query (request, "pageSize", "1");
  return request;
}
