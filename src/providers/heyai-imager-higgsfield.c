/* heyai-imager-higgsfield.c: stills from Higgsfield.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "heyai-enums.h"
#include "heyai-provider-descriptors.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-prompt-composer.h"
#include "heyai-media.h"
#include "heyai-llm-schema.h"
#include "heyai-remote-provider.h"
#include "heyai-secrets.h"

#define DEFAULT_POLL_MS   2000
#define DEFAULT_MAX_WAIT  1800
#define MAX_REFUSED_SUBMITS 12   /* answers proving the submit was not taken (busy, cap) */

struct _HeyaiImagerHiggsfield
{
  HeyaiRemoteProvider parent_instance;   /* http, base URL, model, poll interval, max wait, price */

  char      *resolution;
};

#define BASE(self)     HEYAI_REMOTE_PROVIDER (self)
#define HTTP(self)     heyai_remote_provider_get_http (BASE (self))
#define MODEL(self)    heyai_remote_provider_get_model (BASE (self))

static void imager_iface_init (HeyaiImagerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiImagerHiggsfield, heyai_imager_higgsfield, HEYAI_TYPE_REMOTE_PROVIDER,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_IMAGER, imager_iface_init))


/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

/* FastAPI validation: {"detail":[{"loc":[...],"msg":"..."}]} or {"detail":"..."}. */
static char *
dup_detail (HeyaiHttpResponse *response)
{
  JsonObject *root = heyai_http_response_get_object (response, NULL);
  JsonNode *detail;

  if (root != NULL && json_object_has_member (root, "detail") &&
      JSON_NODE_HOLDS_ARRAY (detail = json_object_get_member (root, "detail")))
    {
      JsonArray *items = json_node_get_array (detail);
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (items) && i < 5; i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          JsonObject *o;
          const char *msg;

          if (!JSON_NODE_HOLDS_OBJECT (item))
            continue;
          o = json_node_get_object (item);
          msg = heyai_json_object_get_string_or_null (o, "msg");
          if (msg == NULL)
            continue;
          if (s->len > 0)
            g_string_append (s, "; ");
          if (json_object_has_member (o, "loc") &&
              JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "loc")))
            {
              JsonArray *loc = json_object_get_array_member (o, "loc");
              JsonNode *last = json_array_get_length (loc) > 0
                                 ? json_array_get_element (loc, json_array_get_length (loc) - 1) : NULL;

              if (last != NULL && JSON_NODE_HOLDS_VALUE (last) &&
                  json_node_get_value_type (last) == G_TYPE_STRING)
                g_string_append_printf (s, "%s: ", json_node_get_string (last));
            }
          g_string_append (s, msg);
        }
      if (s->len > 0)
        return g_string_free (s, FALSE);
      g_string_free (s, TRUE);
    }
  return heyai_http_response_dup_error_detail (response);
}

/* "Maximum number of concurrent requests (4) has been reached" -> 4, or 0
 * when @detail is not the concurrency cap (contracts C.1 item 2). */
guint
heyai_higgsfield_parse_concurrency_cap (const char *detail)
{
  static const char prefix[] = "Maximum number of concurrent requests";
  const char *open;
  guint64 n;

  if (detail == NULL || !g_str_has_prefix (detail, prefix))
    return 0;
  open = strchr (detail + sizeof prefix - 1, '(');
  if (open == NULL || !g_ascii_isdigit (open[1]))
    return 1;   /* a cap of unknown size: one at a time is always safe */
  n = g_ascii_strtoull (open + 1, NULL, 10);
  return (guint) CLAMP (n, 1, 64);
}

/* HeyaiRemoteProviderClass.classify: an answer from Higgsfield itself. */
static HeyaiHttpVerdict
classify (HeyaiRemoteProvider  *base,
          HeyaiHttpResponse    *response,
          GError              **error)
{
  HeyaiImagerHiggsfield *self = HEYAI_IMAGER_HIGGSFIELD (base);
  guint status = heyai_http_response_get_status (response);
  const char *url = heyai_http_response_get_url (response);
  gboolean is_request_url = url != NULL && strstr (url, "/requests/") != NULL;
  const char *correlation = heyai_http_response_get_header (response, "X-Correlation-ID");
  g_autofree char *detail = NULL;
  g_autoptr(GError) local_error = NULL;
  HeyaiHttpVerdict verdict = HEYAI_HTTP_VERDICT_FINAL;
  guint cap;

  if (status < 400)
    return HEYAI_HTTP_VERDICT_DEFAULT;

  detail = dup_detail (response);
  switch (status)
    {
    case 401:
      /* Translators: %s names the variables ("HF_API_KEY and HF_API_SECRET (or …)"). */
      g_set_error (&local_error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("Higgsfield rejected the API key. Check %s or the key in Preferences → Providers."),
                   heyai_secrets_env_description (heyai_remote_provider_get_secret (base, 0)));
      break;
    case 403:
      /* Final for the whole batch: every other still would get the same. */
      g_set_error (&local_error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                   _("Higgsfield says there are not enough credits (%s). Add credits at "
                     "cloud.higgsfield.ai and try again."),
                   detail != NULL ? detail : _("no detail"));
      break;
    case 423:
      /* The model is blocked for a while; nothing was accepted. */
      g_set_error (&local_error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                   _("Higgsfield has blocked the model “%s” for a while (HTTP 423); nothing was charged. "
                     "Try again in a few minutes, or choose another model."),
                   MODEL (self));
      verdict = HEYAI_HTTP_VERDICT_RETRY;
      break;
    case 400:
    case 422:
      if (is_request_url && strstr (url, "/cancel") != NULL)
        return HEYAI_HTTP_VERDICT_DEFAULT;
      cap = status == 400 ? heyai_higgsfield_parse_concurrency_cap (detail) : 0;
      if (cap > 0)
        {
          /* The account's cap, not a failure of the scene: nothing was
           * accepted; wait and send it again, and keep at most @cap in
           * flight from now on. */
          heyai_remote_provider_report_cap (base, cap);
          g_set_error (&local_error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                       _("Higgsfield is already making %u stills for this account, its limit; "
                         "the still waits for one of them to finish."), cap);
          verdict = HEYAI_HTTP_VERDICT_RETRY;
          break;
        }
      g_set_error (&local_error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
                   _("Higgsfield rejected the request: %s. Edit the image prompt or the settings and try again."),
                   detail != NULL ? detail : _("no reason given"));
      break;
    case 404:
      if (is_request_url)
        g_set_error (&local_error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                     _("Higgsfield no longer knows this request."));
      else
        g_set_error (&local_error, HEYAI_ERROR, HEYAI_ERROR_VALIDATION,
                     _("Higgsfield does not offer the model “%s”. Set HEYAI_HIGGSFIELD_MODEL to an available model."),
                     MODEL (self));
      break;
    default:
      return HEYAI_HTTP_VERDICT_DEFAULT;
    }

  if (correlation != NULL && *correlation != '\0')
    {
      /* Support asks for it (C.1 item 5): it stays with the job's error. */
      char *with_id = g_strdup_printf (_("%s (Higgsfield correlation id %s)"), local_error->message, correlation);

      g_debug ("Higgsfield: HTTP %u, X-Correlation-ID %s", status, correlation);
      g_free (local_error->message);
      local_error->message = with_id;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return verdict;
}

guint
heyai_imager_higgsfield_get_concurrency_cap (HeyaiImagerHiggsfield *self)
{
  g_return_val_if_fail (HEYAI_IS_IMAGER_HIGGSFIELD (self), 0);
  return heyai_remote_provider_get_concurrency_cap (BASE (self));
}

/* ---------------------------------------------------------------------- */
/* One generation                                                          */

typedef struct
{
  HeyaiRemoteJob  remote;      /* first: the engine's part */
  char         *references_note;
  char         *reference_path;   /* soul/reference: the image to upload first */
  char         *prompt;
  char         *aspect;
} GenData;

static void
gen_data_free (GenData *data)
{
  heyai_remote_job_clear (&data->remote);
  g_free (data->references_note);
  g_free (data->reference_path);
  g_free (data->prompt);
  g_free (data->aspect);
  g_free (data);
}

/* HeyaiRemoteProviderClass.authorization: "Key id:secret" (the row's one
 * entry, "id:secret"). */
static char *
authorization (HeyaiRemoteProvider *base)
{
  const char *pair = heyai_remote_provider_get_credential (base, 0);

  return pair != NULL ? g_strdup_printf ("Key %s", pair) : NULL;
}

static void
cancel_sent_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HeyaiHttpResponse) response = heyai_http_send_finish (HEYAI_HTTP (source), result, NULL);

  if (response != NULL)
    g_debug ("Higgsfield cancel answered %u", heyai_http_response_get_status (response));
}

/* The user cancelled while the request was polled: ask Higgsfield to drop
 * it (only works while it is queued). */
static void
cancel_remote (GTask      *task,
               const char *remote_id)
{
  HeyaiImagerHiggsfield *self = g_task_get_source_object (task);
  g_autofree char *path = g_strdup_printf ("/requests/%s/cancel", remote_id);
  g_autoptr(HeyaiHttpRequest) request = heyai_http_request_new ("POST", path);

  heyai_http_request_set_flags (request, HEYAI_HTTP_REQUEST_NO_RETRY | HEYAI_HTTP_REQUEST_ANY_STATUS);
  heyai_http_request_set_timeout (request, 10);
  heyai_http_send_async (HTTP (self), request, NULL, cancel_sent_cb, NULL);
}

static double
price_for (HeyaiImagerHiggsfield *self)
{
  double price = heyai_remote_provider_get_price (BASE (self));
  double standard = price > 0 ? price : HEYAI_HIGGSFIELD_PRICE_STANDARD;

  /* A 4K still costs twice a standard one. */
  if (g_ascii_strcasecmp (self->resolution, "4K") == 0)
    return standard * (HEYAI_HIGGSFIELD_PRICE_4K / HEYAI_HIGGSFIELD_PRICE_STANDARD);
  return standard;
}

/* -- the engine's hooks ------------------------------------------------- */

static HeyaiGenResult *
make_result (GTask               *task,
             const char          *path,
             const HeyaiClipInfo *clip)
{
  HeyaiImagerHiggsfield *self = g_task_get_source_object (task);
  GenData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) params = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  HeyaiGenResult *gen;

  json_object_set_string_member (params, "prompt", data->prompt);
  json_object_set_string_member (params, "aspect_ratio", data->aspect);
  json_object_set_string_member (params, "resolution", self->resolution);
  json_object_set_string_member (params, "model", MODEL (self));
  json_node_set_object (node, params);

  gen = heyai_gen_result_new ();
  gen->path = g_strdup (path);
  gen->provider = g_strdup ("higgsfield");
  gen->model = g_strdup (MODEL (self));
  gen->params = json_to_string (node, FALSE);
  gen->cost = price_for (self);
  gen->references_note = g_strdup (data->references_note);
  return gen;
}

static HeyaiHttpRequest *
status_request (GTask      *task,
                const char *remote_id)
{
  g_autofree char *path = g_strdup_printf ("/requests/%s/status", remote_id);

  return heyai_http_request_new ("GET", path);
}

static HeyaiRemoteStatus
read_status (GTask              *task,
             HeyaiHttpResponse  *response,
             char              **url,
             GError            **error)
{
  GenData *data = g_task_get_task_data (task);
  JsonObject *root = heyai_http_response_get_object (response, NULL);
  const char *status = heyai_json_object_get_string_or_null (root, "status");
  int position = data->remote.position;

  if (status == NULL)
    return HEYAI_REMOTE_STATUS_UNREADABLE;
  if (g_str_equal (status, "queued"))
    return HEYAI_REMOTE_STATUS_QUEUED;
  if (g_str_equal (status, "in_progress"))
    return HEYAI_REMOTE_STATUS_RUNNING;
  if (g_str_equal (status, "completed"))
    {
      JsonArray *images = NULL;
      JsonNode *first;
      const char *found = NULL;

      if (json_object_has_member (root, "images") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "images")))
        images = json_object_get_array_member (root, "images");
      if (images != NULL && json_array_get_length (images) > 0 &&
          JSON_NODE_HOLDS_OBJECT (first = json_array_get_element (images, 0)))
        found = heyai_json_object_get_string_or_null (json_node_get_object (first), "url");
      if (found == NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                       _("Higgsfield finished the still but sent no image address. Generate it again."));
          return HEYAI_REMOTE_STATUS_FAILED;
        }
      *url = g_strdup (found);
      return HEYAI_REMOTE_STATUS_DONE;
    }

  if (g_str_equal (status, "nsfw"))
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_MODERATION,
                 _("Scene %d: Higgsfield refused the prompt (content policy). "
                   "Edit the image prompt and try again."), position);
  else if (g_str_equal (status, "failed"))
    {
      g_autofree char *reason = heyai_http_redact (heyai_json_object_get_string_or_null (root, "error"));

      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                   _("Scene %d: Higgsfield could not make the still (%s). Try again."),
                   position, reason != NULL ? reason : _("no reason given"));
    }
  else if (g_str_equal (status, "canceled") || g_str_equal (status, "cancelled"))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                 _("Scene %d: the Higgsfield request was cancelled."), position);
  else
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                 _("Higgsfield sent a status HeyAI does not understand (“%s”)."), status);
  return HEYAI_REMOTE_STATUS_FAILED;
}

/* -- the submit ---------------------------------------------------------- */

static HeyaiHttpRequest *
build_submit (GTask *task)
{
  HeyaiImagerHiggsfield *self = g_task_get_source_object (task);
  GenData *data = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("/%s", MODEL (self));
  HeyaiHttpRequest *request = heyai_http_request_new ("POST", path);
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "prompt", data->prompt);
  json_object_set_string_member (body, "aspect_ratio", data->aspect);
  if (data->remote.uploaded_url != NULL)
    {
      /* soul/reference (contracts 2.2): resolution 720p or 1080p, one
       * image by URL, batch_size instead of num_images. */
      json_object_set_string_member (body, "image_reference_url", data->remote.uploaded_url);
      if (g_str_equal (self->resolution, "720p") || g_str_equal (self->resolution, "1080p"))
        json_object_set_string_member (body, "resolution", self->resolution);
    }
  else
    {
      json_object_set_string_member (body, "resolution", self->resolution);
      json_object_set_int_member (body, "num_images", 1);
    }
  /* No idempotency key: the engine never resends a submit that may have
   * been accepted (no lookup hook: in doubt). */
  heyai_http_request_set_json_object (request, body);
  return request;
}

/* An answer that may hide an acceptance: what it was, with the
 * correlation id support asks for. */
static HeyaiRemoteSubmit
in_doubt (HeyaiHttpResponse  *response,
          const char         *what,
          GError            **error)
{
  const char *correlation = heyai_http_response_get_header (response, "X-Correlation-ID");
  g_autofree char *reference = NULL;

  if (correlation != NULL && *correlation != '\0')
    /* Translators: %s is Higgsfield's correlation id of the request. */
    reference = g_strdup_printf (_(" (correlation id %s)"), correlation);
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s%s", what, reference != NULL ? reference : "");
  return HEYAI_REMOTE_SUBMIT_AMBIGUOUS;
}

static HeyaiRemoteSubmit
read_submit_answer (GTask              *task,
                    HeyaiHttpResponse  *response,
                    char              **remote_id,
                    GError            **error)
{
  HeyaiImagerHiggsfield *self = g_task_get_source_object (task);
  guint status = heyai_http_response_get_status (response);
  JsonObject *root = heyai_http_response_get_object (response, NULL);
  const char *request_id;

  if (status >= 300)
    {
      gboolean has_detail = heyai_json_object_get_string_or_null (root, "detail") != NULL;
      g_autoptr(GError) refusal = NULL;
      g_autofree char *what = NULL;
      /* classify() answers RETRY for the concurrency cap (400, C.1 item 2:
       * nothing was accepted) and learns the cap from it. */
      HeyaiHttpVerdict verdict = heyai_remote_provider_classify (BASE (self), response, &refusal);

      /* An answer that proves the request was refused: final, or safe to send again. */
      if (verdict == HEYAI_HTTP_VERDICT_FINAL)
        {
          if (refusal == NULL)
            g_set_error (&refusal, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                         _("Higgsfield refused the still (HTTP %u)."), status);
          g_propagate_error (error, g_steal_pointer (&refusal));
          return HEYAI_REMOTE_SUBMIT_FAILED;
        }
      if (verdict == HEYAI_HTTP_VERDICT_RETRY || status == 429 || status == 423 ||
          (status >= 400 && status < 500) || (status == 503 && has_detail))
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                       _("Higgsfield is busy and did not take the still (HTTP %u). Try again later."), status);
          return HEYAI_REMOTE_SUBMIT_REFUSED;
        }
      what = g_strdup_printf (_("HTTP %u"), status);
      return in_doubt (response, what, error);
    }

  request_id = heyai_json_object_get_string_or_null (root, "request_id");
  if (request_id == NULL || *request_id == '\0')
    return in_doubt (response, _("the answer carried no request id"), error);
  *remote_id = g_strdup (request_id);
  return HEYAI_REMOTE_SUBMIT_ACCEPTED;
}


/* -- a reference image, uploaded first (contracts 2.6) -------------------- */

static HeyaiHttpRequest *
upload_ticket (GTask      *task,
               const char *content_type)
{
  HeyaiHttpRequest *request = heyai_http_request_new ("POST", "/files/generate-upload-url");
  g_autoptr(JsonObject) body = json_object_new ();

  json_object_set_string_member (body, "content_type", content_type);
  heyai_http_request_set_json_object (request, body);
  return request;
}

/* A PUT with every header Higgsfield signed (upload_headers). */
static HeyaiHttpRequest *
read_upload_ticket (GTask              *task,
                    HeyaiHttpResponse  *response,
                    char              **public_url,
                    GError            **error)
{
  JsonObject *root = heyai_http_response_get_object (response, NULL);
  const char *upload_url = heyai_json_object_get_string_or_null (root, "upload_url");
  const char *url = heyai_json_object_get_string_or_null (root, "public_url");
  HeyaiHttpRequest *put;

  if (upload_url == NULL || url == NULL)
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, _("no upload address in the answer"));
      return NULL;
    }
  put = heyai_http_request_new ("PUT", upload_url);
  if (json_object_has_member (root, "upload_headers") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "upload_headers")))
    {
      JsonObject *headers = json_object_get_object_member (root, "upload_headers");
      g_autoptr(GList) names = json_object_get_members (headers);

      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *value = heyai_json_object_get_string_or_null (headers, l->data);

          if (value != NULL)
            heyai_http_request_set_header (put, l->data, value);
        }
    }
  *public_url = g_strdup (url);
  return put;
}

static void prepare_submit (GTask *task);

static const HeyaiRemoteJobHooks remote_hooks = {
  .prepare_submit = prepare_submit,
  .upload_ticket = upload_ticket,
  .read_upload_ticket = read_upload_ticket,
  .build_submit = build_submit,
  .read_submit_answer = read_submit_answer,
  .max_submits = 1 + MAX_REFUSED_SUBMITS,
  .status_request = status_request,
  .read_status = read_status,
  .cancel_remote = cancel_remote,
  .make_result = make_result,
};

/* The engine's prepare_submit: soul/reference's image is uploaded first. */
static void
prepare_submit (GTask *task)   /* owned */
{
  GenData *data = g_task_get_task_data (task);

  if (data->reference_path != NULL && data->remote.uploaded_url == NULL)
    heyai_remote_job_upload (task, data->reference_path, heyai_remote_job_submit);
  else
    heyai_remote_job_submit (task);
}

/* HeyaiRemoteProviderClass.take_credentials: the row's one entry, a
 * "key:secret" pair. */
static gboolean
take_credentials (HeyaiRemoteProvider  *base,
                  const char * const   *values,
                  GError              **error)
{
  if (!heyai_secrets_split_pair (values[0], NULL, NULL))
    {
      heyai_secrets_set_missing_error (error, heyai_remote_provider_get_secret (base, 0));
      return FALSE;
    }
  return TRUE;
}

/* One generation, behind the engine's concurrency gate
 * (HeyaiRemoteProviderClass.gated_generate_async). */
static void
heyai_imager_higgsfield_generate_async (HeyaiRemoteProvider *base,
                                        HeyaiProject        *project,
                                        HeyaiScene          *scene,
                                        const HeyaiGenInput *input,
                                        HeyaiGenReporter    *reporter,
                                        gboolean            *accepted,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  HeyaiImagerHiggsfield *self = HEYAI_IMAGER_HIGGSFIELD (base);
  GTask *task;
  GenData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_imager_higgsfield_generate_async);

  data = g_new0 (GenData, 1);
  heyai_remote_provider_job_init (base, &data->remote, &remote_hooks, HEYAI_REMOTE_MEDIA_STILL, reporter, input,
                                  heyai_scene_get_position (scene));
  data->remote.accepted = accepted;
  {
    HeyaiPromptParts parts;

    heyai_prompt_parts_init (&parts, project, scene);
    data->prompt = heyai_prompt_compose_image (&parts);
  }
  data->aspect = g_strdup (heyai_enum_to_string (HEYAI_TYPE_ASPECT, heyai_project_get_aspect (project)));
  {
    /* Only soul/reference takes an input image (one, by URL after an
     * upload; contracts 2.2 and 2.6); the text-to-image models take none.
     * What is not sent is said, never silently dropped. */
    gboolean takes_one = g_str_has_suffix (MODEL (self), "/soul/reference");
    g_autofree char *reason = takes_one
      ? g_strdup_printf (_("Higgsfield’s model “%s” takes one reference image"), MODEL (self))
      : g_strdup_printf (_("Higgsfield’s model “%s” takes no reference images"), MODEL (self));

    if (takes_one && heyai_gen_input_n_references (input) > 0)
      data->reference_path = g_strdup (input->reference_paths[0]);
    data->references_note = heyai_gen_references_note (input, takes_one ? 1 : 0, FALSE, reason, NULL);
    if (takes_one && data->reference_path == NULL && (input->remote_id == NULL || *input->remote_id == '\0'))
      {
        g_task_set_task_data (task, data, (GDestroyNotify) gen_data_free);
        g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                                 _("Scene %d: Higgsfield’s model “%s” needs a reference image. "
                                   "Choose a text-to-image model or give the scene a reference."),
                                 data->remote.position, MODEL (self));
        g_object_unref (task);
        return;
      }
  }
  g_task_set_task_data (task, data, (GDestroyNotify) gen_data_free);

  if (data->prompt == NULL || *data->prompt == '\0')
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                               _("Scene %d has no image prompt. Write one and try again."), data->remote.position);
      g_object_unref (task);
      return;
    }

  heyai_remote_provider_with_credentials (task, heyai_remote_job_start);
}

static HeyaiGenResult *
heyai_imager_higgsfield_generate_finish (HeyaiImager   *imager,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, imager), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char *
heyai_imager_higgsfield_get_name (HeyaiImager *imager)
{
  return "higgsfield";
}

static const char *
heyai_imager_higgsfield_get_model (HeyaiImager *imager)
{
  return MODEL (imager);
}

static double
heyai_imager_higgsfield_estimate_cost (HeyaiImager *imager,
                                       HeyaiScene  *scene)
{
  return price_for (HEYAI_IMAGER_HIGGSFIELD (imager));
}

/* ---------------------------------------------------------------------- */
/* The account's concurrency cap (contracts C.1 item 2)                    */

/* classify() reports a 400 "Maximum number of concurrent requests (N)" to
 * the engine's gate (heyai_remote_provider_report_cap()): from then on at
 * most N generations run at a time, and one refused by the cap (nothing
 * accepted, no request id) runs again when one of ours finishes. */

static void
heyai_imager_higgsfield_capped_generate_async (HeyaiImager         *imager,
                                               HeyaiProject        *project,
                                               HeyaiScene          *scene,
                                               const HeyaiGenInput *input,
                                               HeyaiGenReporter    *reporter,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  heyai_remote_provider_gated_generate_async (BASE (imager), project, scene, input, reporter,
                                              cancellable, callback, user_data);
}

static void
imager_iface_init (HeyaiImagerInterface *iface)
{
  iface->get_name = heyai_imager_higgsfield_get_name;
  iface->get_model = heyai_imager_higgsfield_get_model;
  iface->estimate_cost = heyai_imager_higgsfield_estimate_cost;
  iface->generate_async = heyai_imager_higgsfield_capped_generate_async;
  iface->generate_finish = heyai_imager_higgsfield_generate_finish;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

/* The path is appended to the base URL: no leading slash. */
static char *
normalize_model (const char *model)
{
  while (*model == '/')
    model++;
  return g_strdup (model);
}

/* The configured model, resolution and poll interval replace the defaults. */
static void
heyai_imager_higgsfield_configure (HeyaiRemoteProvider       *base,
                                   const HeyaiProviderConfig *config)
{
  HeyaiImagerHiggsfield *self = HEYAI_IMAGER_HIGGSFIELD (base);

  heyai_remote_provider_apply_settings (base, config->higgsfield_model, config->higgsfield_poll_ms);
  if (config->higgsfield_resolution != NULL && *config->higgsfield_resolution != '\0')
    {
      g_free (self->resolution);
      self->resolution = g_strdup (config->higgsfield_resolution);
    }
}

static void
heyai_imager_higgsfield_constructed (GObject *object)
{
  HeyaiImagerHiggsfield *self = HEYAI_IMAGER_HIGGSFIELD (object);

  G_OBJECT_CLASS (heyai_imager_higgsfield_parent_class)->constructed (object);

  self->resolution = g_strdup (HEYAI_HIGGSFIELD_DEFAULT_RESOLUTION);
}

static void
heyai_imager_higgsfield_finalize (GObject *object)
{
  HeyaiImagerHiggsfield *self = HEYAI_IMAGER_HIGGSFIELD (object);

  g_clear_pointer (&self->resolution, g_free);

  G_OBJECT_CLASS (heyai_imager_higgsfield_parent_class)->finalize (object);
}

static HeyaiHttpRequest *test_request     (HeyaiRemoteProvider  *base);
static gboolean          read_test_answer (HeyaiRemoteProvider  *base,
                                           HeyaiHttpResponse    *response,
                                           GError              **error);

static void
heyai_imager_higgsfield_class_init (HeyaiImagerHiggsfieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HeyaiRemoteProviderClass *remote_class = HEYAI_REMOTE_PROVIDER_CLASS (klass);

  object_class->constructed = heyai_imager_higgsfield_constructed;
  object_class->finalize = heyai_imager_higgsfield_finalize;

  remote_class->role = HEYAI_ROLE_IMAGER;
  remote_class->name = "higgsfield";
  remote_class->default_model = HEYAI_HIGGSFIELD_DEFAULT_MODEL;
  remote_class->configure = heyai_imager_higgsfield_configure;
  remote_class->classify = classify;
  remote_class->authorization = authorization;
  remote_class->gated_generate_async = heyai_imager_higgsfield_generate_async;
  remote_class->take_credentials = take_credentials;
  remote_class->test_request = test_request;
  remote_class->read_test_answer = read_test_answer;
  remote_class->default_poll_ms = DEFAULT_POLL_MS;
  remote_class->default_max_wait = DEFAULT_MAX_WAIT;
  remote_class->timeout = 60;
  remote_class->normalize_model = normalize_model;
}

static void
heyai_imager_higgsfield_init (HeyaiImagerHiggsfield *self)
{
}

HeyaiImagerHiggsfield *
heyai_imager_higgsfield_new (const char *base_url,
                             const char *credentials,
                             const char *model)
{
  HeyaiImagerHiggsfield *self = g_object_new (HEYAI_TYPE_IMAGER_HIGGSFIELD,
                                              "base-url", base_url,
                                              "model", model,
                                              NULL);

  if (credentials != NULL)
    heyai_remote_provider_take_credentials (BASE (self), &credentials, 1, NULL);   /* malformed: looked up later */
  return self;
}

GObject *
heyai_imager_higgsfield_create (const char  *data_dir,
                                GError     **error)
{
  const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_lookup (HEYAI_ROLE_IMAGER, "higgsfield");
  g_autofree char *pair = heyai_secrets_dup_from_env (heyai_provider_descriptor_secret (descriptor, 0));

  g_auto(HeyaiProviderConfig) config = { 0 };
  HeyaiImagerHiggsfield *self;

  heyai_provider_config_init_from_env (&config, data_dir);
  self = heyai_imager_higgsfield_new (config.higgsfield_base_url, pair, NULL);
  heyai_remote_provider_configure (BASE (self), &config);
  return G_OBJECT (self);
}

/* ---------------------------------------------------------------------- */
/* Test connection: the status of a request that does not exist            */

/* Authenticated and free: Higgsfield checks the key first, then answers 404
 * for an unknown request id. */
#define TEST_REQUEST_ID "00000000-0000-4000-8000-000000000000"

/* 2xx or 404 (an unknown request): the key was taken. */
static gboolean
read_test_answer (HeyaiRemoteProvider  *base,
                  HeyaiHttpResponse    *response,
                  GError              **error)
{
  guint status = heyai_http_response_get_status (response);
  g_autoptr(GError) local_error = NULL;

  if ((status >= 200 && status < 300) || status == 404)
    return TRUE;
  if (heyai_remote_provider_classify (base, response, &local_error) == HEYAI_HTTP_VERDICT_DEFAULT || local_error == NULL)
    {
      g_clear_error (&local_error);
      local_error = g_error_new (HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                 _("Higgsfield answered HTTP %u. Check the server address."), status);
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static HeyaiHttpRequest *
test_request (HeyaiRemoteProvider *base)
{
  HeyaiHttpRequest *request = heyai_http_request_new ("GET", "/requests/" TEST_REQUEST_ID "/status");

  heyai_http_request_set_flags (request, HEYAI_HTTP_REQUEST_ANY_STATUS);
  return request;
}
