/* fake-kling.c: Kling's v1 video API (API-CONTRACTS.md §1.12), under /kling
 * (HEYAI_KLING_BASE_URL=/kling).
 *
 * Routes: kling.create  POST /kling/v1/videos/image2video   (and text2video: kling.t2v.create)
 *         kling.query   GET  /kling/v1/videos/image2video/{id}  (task_id or external_task_id)
 *         kling.list    GET  /kling/v1/videos/image2video?pageNum&pageSize
 *         (text2video:  kling.t2v.query / kling.t2v.list)
 *         kling.multi.create POST /kling/v1/videos/multi-image2video (C.4 item 17:
 *                      reference images; kling-v1-6 only, image_list of 1 to 4
 *                      images, aspect_ratio 16:9|9:16|1:1, no image_tail,
 *                      mode or camera_control) and kling.multi.query
 *         image_tail (end frame) is accepted only where the model and mode take
 *         it (pro, and 4k on kling-v3; never kling-v1 or kling-v2-master) and
 *         never with camera_control or masks (C.4 item 16).
 *
 * Options:
 *   kling.access-key / kling.secret-key  the AK/SK the JWT is checked against
 *                      (default fake-kling-access / fake-kling-secret)
 *   kling.api-key      also accept this static bearer (newer scheme)
 *   kling.clock-offset seconds added to the server's clock for nbf/exp checks
 *   kling.polls        non-terminal polls before the outcome (default 2:
 *                      submitted, processing, then the outcome)
 *   kling.outcome      succeed (default) | failed | risk | stuck
 *   kling.max-concurrent  tasks in flight before 429/1303 (default 0: no limit)
 *   kling.drop-after-accept  N: the next N accepted creates get their
 *                      connection dropped instead of an answer (the task
 *                      exists: a lost answer)
 *   kling.unknown-status  HTTP status for an unknown task (default 404, code 1203)
 *   kling.url-expired  1: result URLs answer 404 (files purged after 30 days)
 * Result clips are served from /kling-cdn/<task_id>.mp4 (route kling.cdn; a
 * request carrying Authorization bumps kling.cdn.authorized); option
 * kling.broken-clip=1 serves 12 bytes that do not play instead.
 * A prompt containing "[moderation]" is refused at submit (400/1301); "[fail]"
 * fails the task ("Image pixel is invalid"), "[risk]" fails it by risk
 * control, "[stuck]" never finishes.
 *
 * Auth: missing -> 401/1001, not a JWT -> 1002, bad signature or issuer ->
 * 1000, nbf in the future -> 1003, expired -> 1004.  Validation -> 400/1201:
 * model_name (the C.4 table: kling-v3 takes "3".."15" and mode 4k; no
 * cfg_scale for kling-v2-1*, kling-v3), mode, duration ("5"|"10" strings;
 * the result reports a fractional duration, "5.041"), cfg_scale, prompt length,
 * image (http(s) URL or raw base64 of a PNG/JPEG >= 300 px, ratio 1:2.5..2.5:1,
 * <= 10 MB; a data: prefix is refused), mutually exclusive groups,
 * camera_control rules and capability (kling-v1-5 pro 5 s simple only),
 * duplicate external_task_id.
 * Counters: kling.accepted (tasks created = would be billed), kling.jwt.<reason>;
 * per accepted request with an external_task_id X: kling.images.X (images
 * it carried: image + image_tail, or the image_list length), kling.tail.X (1
 * if it had an end frame), kling.multi.X (1 if it went to multi-image2video);
 * kling.image_list.rejected counts refused image lists.
 *
 * Named faults: quota (429/1102), rate-limit (429/1302), concurrency
 * (429/1303), moderation (400/1301), server-error (500/5000), unavailable
 * (503/5001), backlog (504/5002), expired-token (401/1004).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-fake.h"
#include "heyai-jwt.h"
#include "heyai-llm-schema.h"

#define DEFAULT_AK "fake-kling-access"
#define DEFAULT_SK "fake-kling-secret"

typedef struct
{
  char   *task_id;
  char   *external_id;
  char   *kind;          /* image2video, text2video */
  char   *status;
  char   *outcome;
  char   *duration;
  guint   polls;
  gint64  created_at;
  gint64  updated_at;
} KlingTask;

typedef struct
{
  GPtrArray *tasks;      /* KlingTask, creation order */
  guint64    next_id;
} KlingState;

static void
kling_task_free (KlingTask *t)
{
  g_free (t->task_id);
  g_free (t->external_id);
  g_free (t->kind);
  g_free (t->status);
  g_free (t->outcome);
  g_free (t->duration);
  g_free (t);
}

static void
kling_state_free (KlingState *state)
{
  g_ptr_array_unref (state->tasks);
  g_free (state);
}

static KlingState *
get_state (HeyaiFake *fake)
{
  return g_object_get_data (G_OBJECT (fake), "kling");
}

static void
respond_code (HeyaiFakeRequest *request,
              guint             status,
              int               code,
              const char       *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, "fake-req-0001");
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  heyai_fake_respond_json_node (request, status, node);
}

static gboolean
check_auth (HeyaiFake        *fake,
            HeyaiFakeRequest *request)
{
  const char *bearer = heyai_fake_request_get_bearer (request);
  const char *auth = heyai_fake_request_get_header (request, "Authorization");
  const char *ak = heyai_fake_get_option (fake, "kling.access-key");
  const char *sk = heyai_fake_get_option (fake, "kling.secret-key");
  const char *api_key = heyai_fake_get_option (fake, "kling.api-key");
  gint64 offset = heyai_fake_get_option_int (fake, "kling.clock-offset", 0);
  g_autofree char *issuer = NULL;
  g_autofree char *counter = NULL;
  const char *reason = NULL;

  if (auth == NULL || *auth == '\0')
    {
      respond_code (request, 401, 1001, "Authorization is empty");
      return FALSE;
    }
  if (bearer == NULL)
    {
      respond_code (request, 401, 1002, "Authorization is invalid");
      return FALSE;
    }
  if (api_key != NULL && g_str_equal (bearer, api_key))
    return TRUE;

  if (heyai_jwt_verify_hs256 (bearer, sk != NULL ? sk : DEFAULT_SK,
                              g_get_real_time () / G_USEC_PER_SEC + offset, &issuer, &reason))
    {
      if (g_strcmp0 (issuer, ak != NULL ? ak : DEFAULT_AK) == 0)
        return TRUE;
      reason = "bad-issuer";
    }

  counter = g_strdup_printf ("kling.jwt.%s", reason != NULL ? reason : "unknown");
  heyai_fake_counter_add (fake, counter, 1);
  if (g_strcmp0 (reason, "malformed") == 0)
    respond_code (request, 401, 1002, "Authorization is invalid");
  else if (g_strcmp0 (reason, "not-yet-valid") == 0)
    respond_code (request, 401, 1003, "Authorization is not yet valid");
  else if (g_strcmp0 (reason, "expired") == 0)
    respond_code (request, 401, 1004, "Authorization has expired");
  else
    respond_code (request, 401, 1000, "Authorization failed");
  return FALSE;
}

/* -- image checks ------------------------------------------------------- */

static gboolean
strict_base64 (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (g_ascii_isalnum (c) || c == '+' || c == '/')
        continue;
      if (c == '=' && i >= len - 2)
        continue;
      return FALSE;
    }
  return TRUE;
}

static gboolean
image_size (const guint8 *b,
            gsize         len,
            guint        *width,
            guint        *height)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (len >= 24 && memcmp (b, png, 8) == 0)
    {
      *width = (guint) b[16] << 24 | (guint) b[17] << 16 | (guint) b[18] << 8 | b[19];
      *height = (guint) b[20] << 24 | (guint) b[21] << 16 | (guint) b[22] << 8 | b[23];
      return TRUE;
    }
  if (len >= 4 && b[0] == 0xff && b[1] == 0xd8)
    {
      gsize i = 2;

      while (i + 9 < len)
        {
          guint8 marker;
          guint seg;

          if (b[i] != 0xff)
            return FALSE;
          marker = b[i + 1];
          seg = (guint) b[i + 2] << 8 | b[i + 3];
          if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
            {
              *height = (guint) b[i + 5] << 8 | b[i + 6];
              *width = (guint) b[i + 7] << 8 | b[i + 8];
              return TRUE;
            }
          i += 2 + seg;
        }
    }
  return FALSE;
}

/* NULL if @value is an acceptable image, else the error message. */
static const char *
check_image (const char *field,
             const char *value)
{
  g_autofree guchar *bytes = NULL;
  gsize len = 0;
  guint w = 0, h = 0;

  if (g_str_has_prefix (value, "data:"))
    return "image: base64 must not include a data: URI prefix";
  if (g_str_has_prefix (value, "http://") || g_str_has_prefix (value, "https://"))
    return NULL;
  if (!strict_base64 (value))
    return "image: invalid base64";
  bytes = g_base64_decode (value, &len);
  if (len > 10 * 1024 * 1024)
    return "image: file size exceeds 10MB";
  if (!image_size (bytes, len, &w, &h))
    return "image: only jpg/jpeg/png are supported";
  if (w < 300 || h < 300)
    return "Image pixel is invalid: width and height must be at least 300px";
  if ((double) w / h > 2.5 || (double) h / w > 2.5)
    return "Image aspect ratio is invalid: must be between 1:2.5 and 2.5:1";
  return NULL;
}

static const char *
check_camera_control (JsonObject *body,
                      const char *model,
                      const char *mode,
                      const char *duration)
{
  static const char *const types[] = { "simple", "down_back", "forward_up", "right_turn_forward", "left_turn_forward" };
  static const char *const axes[] = { "horizontal", "vertical", "pan", "tilt", "roll", "zoom" };
  JsonObject *cc;
  const char *type;
  gboolean known = FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, "camera_control")))
    return "camera_control: must be an object";
  cc = json_object_get_object_member (body, "camera_control");
  type = heyai_json_object_get_string_or_null (cc, "type");
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_strcmp0 (type, types[i]) == 0)
      known = TRUE;
  if (!known)
    return "camera_control.type: invalid value";

  if (g_str_equal (type, "simple"))
    {
      JsonObject *config;
      guint nonzero = 0;

      if (!json_object_has_member (cc, "config") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (cc, "config")))
        return "camera_control.config: required when type is simple";
      config = json_object_get_object_member (cc, "config");
      for (guint i = 0; i < G_N_ELEMENTS (axes); i++)
        {
          double v = json_object_has_member (config, axes[i]) ? json_object_get_double_member (config, axes[i]) : 0;

          if (v < -10 || v > 10)
            return "camera_control.config: values must be within [-10, 10]";
          if (v != 0)
            nonzero++;
        }
      if (nonzero != 1)
        return "camera_control.config: exactly one parameter must be non-zero";
    }
  else if (json_object_has_member (cc, "config") &&
           JSON_NODE_HOLDS_OBJECT (json_object_get_member (cc, "config")) &&
           json_object_get_size (json_object_get_object_member (cc, "config")) > 0)
    return "camera_control.config: must be empty unless type is simple";

  if (!(g_strcmp0 (model, "kling-v1-5") == 0 && g_strcmp0 (mode, "pro") == 0 &&
        g_strcmp0 (duration, "5") == 0 && g_str_equal (type, "simple")))
    return "camera_control is not supported by this model_name/mode/duration";
  return NULL;
}

/* -- tasks -------------------------------------------------------------- */

static gboolean
task_in_flight (KlingTask *t)
{
  return g_str_equal (t->status, "submitted") || g_str_equal (t->status, "processing");
}

static KlingTask *
find_task (KlingState *state,
           const char *kind,
           const char *id)
{
  for (guint i = 0; i < state->tasks->len; i++)
    {
      KlingTask *t = g_ptr_array_index (state->tasks, i);

      if (g_str_equal (t->kind, kind) &&
          (g_strcmp0 (t->task_id, id) == 0 || g_strcmp0 (t->external_id, id) == 0))
        return t;
    }
  return NULL;
}

static void
build_task (HeyaiFake   *fake,
            JsonBuilder *b,
            KlingTask   *t)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task_id");
  json_builder_add_string_value (b, t->task_id);
  json_builder_set_member_name (b, "task_status");
  json_builder_add_string_value (b, t->status);
  if (g_str_equal (t->status, "failed"))
    {
      json_builder_set_member_name (b, "task_status_msg");
      json_builder_add_string_value (b, g_str_equal (t->outcome, "risk")
                                          ? "Failure to pass the risk control system"
                                          : "Image pixel is invalid");
    }
  json_builder_set_member_name (b, "task_info");
  json_builder_begin_object (b);
  if (t->external_id != NULL)
    {
      json_builder_set_member_name (b, "external_task_id");
      json_builder_add_string_value (b, t->external_id);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, t->created_at);
  json_builder_set_member_name (b, "updated_at");
  json_builder_add_int_value (b, t->updated_at);
  if (g_str_equal (t->status, "succeed"))
    {
      g_autofree char *cdn_path = g_strdup_printf ("/kling-cdn/%s.mp4", t->task_id);
      g_autofree char *url = heyai_fake_dup_url (fake, cdn_path);

      json_builder_set_member_name (b, "task_result");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "videos");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, t->task_id);
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, url);
      json_builder_set_member_name (b, "duration");
      {
        /* Like Kling: the length made, fractional ("5.041"; C.4 item 14). */
        g_autofree char *made = g_strdup_printf ("%s.041", t->duration);

        json_builder_add_string_value (b, made);
      }
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "final_unit_deduction");
      {
        g_autofree char *units = g_strdup_printf ("%g", g_ascii_strtod (t->duration, NULL) / 5.0);

        json_builder_add_string_value (b, units);
      }
    }
  json_builder_end_object (b);
}

static void
respond_task (HeyaiFake        *fake,
              HeyaiFakeRequest *request,
              KlingTask        *t)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "SUCCEED");
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, "fake-req-0002");
  json_builder_set_member_name (b, "data");
  build_task (fake, b, t);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  heyai_fake_respond_json_node (request, 200, node);
}

static void
create_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *request,
                gpointer          user_data)
{
  static const char *const models[] = {
    "kling-v1", "kling-v1-5", "kling-v1-6", "kling-v2-master", "kling-v2-1", "kling-v2-1-master",
    "kling-v2-5-turbo", "kling-v2-6", "kling-v3",
  };
  const char *kind = user_data;
  gboolean i2v = g_str_equal (kind, "image2video");
  gboolean multi = g_str_equal (kind, "multi-image2video");
  guint n_images = 0;
  gboolean has_tail = FALSE;
  KlingState *state = get_state (fake);
  gint64 max_concurrent = heyai_fake_get_option_int (fake, "kling.max-concurrent", 0);
  gint64 drops = heyai_fake_get_option_int (fake, "kling.drop-after-accept", 0);
  const char *default_outcome = heyai_fake_get_option (fake, "kling.outcome");
  JsonObject *body;
  const char *model, *mode = "std", *duration = "5", *prompt, *negative, *external_id, *problem;
  gboolean known = FALSE;
  guint in_flight = 0;
  KlingTask *t;

  if (!check_auth (fake, request))
    return;
  body = heyai_fake_request_get_object (request);
  if (body == NULL)
    {
      respond_code (request, 400, 1200, "Invalid request parameters: body is not JSON");
      return;
    }

  model = json_object_has_member (body, "model_name") ? heyai_json_object_get_string_or_null (body, "model_name")
                                                      : "kling-v1";
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    if (g_strcmp0 (model, models[i]) == 0)
      known = TRUE;
  if (!known)
    {
      respond_code (request, 400, 1201, "model_name: invalid value");
      return;
    }
  if (multi && !g_str_equal (model, "kling-v1-6"))
    {
      /* C.4 items 12 and 17: the only model of multi-image2video. */
      respond_code (request, 400, 1201, "model_name: multi-image2video only supports kling-v1-6");
      return;
    }
  if (json_object_has_member (body, "mode"))
    {
      mode = heyai_json_object_get_string_or_null (body, "mode");
      if (g_strcmp0 (mode, "std") != 0 && g_strcmp0 (mode, "pro") != 0 &&
          !(g_strcmp0 (mode, "4k") == 0 && g_str_equal (model, "kling-v3")))
        {
          respond_code (request, 400, 1201, "mode: must be std or pro (or 4k for kling-v3)");
          return;
        }
    }
  if (json_object_has_member (body, "duration"))
    {
      duration = heyai_json_object_get_string_or_null (body, "duration");
      if (g_str_equal (model, "kling-v3"))
        {
          guint64 seconds = 0;

          /* kling-v3: "3" to "15" (C.4 item 12) */
          if (duration == NULL || !g_ascii_string_to_unsigned (duration, 10, 3, 15, &seconds, NULL))
            {
              respond_code (request, 400, 1201, "duration: must be \"3\" to \"15\" for kling-v3");
              return;
            }
        }
      else if (g_strcmp0 (duration, "5") != 0 && g_strcmp0 (duration, "10") != 0)
        {
          respond_code (request, 400, 1201, "duration: must be \"5\" or \"10\"");
          return;
        }
    }
  if (json_object_has_member (body, "cfg_scale") &&
      (g_str_equal (model, "kling-v2-1") || g_str_equal (model, "kling-v2-1-master") ||
       g_str_equal (model, "kling-v3")))
    {
      respond_code (request, 400, 1201, "cfg_scale: not supported by this model_name");
      return;
    }
  if (json_object_has_member (body, "cfg_scale"))
    {
      JsonNode *cfg = json_object_get_member (body, "cfg_scale");
      double v;

      if (!JSON_NODE_HOLDS_VALUE (cfg) || json_node_get_value_type (cfg) == G_TYPE_STRING ||
          (v = json_node_get_double (cfg)) < 0 || v > 1)
        {
          respond_code (request, 400, 1201, "cfg_scale: must be within [0, 1]");
          return;
        }
    }
  prompt = heyai_json_object_get_string_or_null (body, "prompt");
  negative = heyai_json_object_get_string_or_null (body, "negative_prompt");
  if ((prompt != NULL && g_utf8_strlen (prompt, -1) > 2500) ||
      (negative != NULL && g_utf8_strlen (negative, -1) > 2500))
    {
      respond_code (request, 400, 1201, "prompt: must not exceed 2500 characters");
      return;
    }

  if (i2v)
    {
      const char *image = heyai_json_object_get_string_or_null (body, "image");
      const char *tail = heyai_json_object_get_string_or_null (body, "image_tail");
      guint groups = 0;

      if (image == NULL && tail == NULL)
        {
          respond_code (request, 400, 1201, "image: at least one of image and image_tail is required");
          return;
        }
      if ((image != NULL && (problem = check_image ("image", image)) != NULL) ||
          (tail != NULL && (problem = check_image ("image_tail", tail)) != NULL))
        {
          respond_code (request, 400, 1201, problem);
          return;
        }
      groups += tail != NULL;
      groups += json_object_has_member (body, "static_mask") || json_object_has_member (body, "dynamic_masks");
      groups += json_object_has_member (body, "camera_control");
      if (groups > 1)
        {
          respond_code (request, 400, 1201,
                        "image_tail, static_mask/dynamic_masks and camera_control cannot be used together");
          return;
        }
      if (tail != NULL &&
          (g_str_equal (model, "kling-v1") || g_str_equal (model, "kling-v2-master") ||
           !(g_str_equal (mode, "pro") || g_str_equal (mode, "4k"))))
        {
          respond_code (request, 400, 1201, "image_tail is not supported by this model_name/mode");
          return;
        }
      n_images = (image != NULL) + (tail != NULL);
      has_tail = tail != NULL;
    }
  else if (multi)
    {
      static const char *const ratios[] = { "16:9", "9:16", "1:1" };
      const char *ratio = heyai_json_object_get_string_or_null (body, "aspect_ratio");
      JsonArray *list = NULL;
      gboolean ratio_ok = ratio == NULL;

      if (json_object_has_member (body, "image") || json_object_has_member (body, "image_tail") ||
          json_object_has_member (body, "camera_control") || json_object_has_member (body, "static_mask") ||
          json_object_has_member (body, "dynamic_masks"))
        {
          respond_code (request, 400, 1201,
                        "multi-image2video takes image_list only (no image, image_tail, masks or camera_control)");
          return;
        }
      if (json_object_has_member (body, "image_list") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (body, "image_list")))
        list = json_object_get_array_member (body, "image_list");
      if (list == NULL || json_array_get_length (list) < 1 || json_array_get_length (list) > 4)
        {
          heyai_fake_counter_add (fake, "kling.image_list.rejected", 1);
          respond_code (request, 400, 1201, "image_list: must hold 1 to 4 images");
          return;
        }
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *item = json_array_get_element (list, i);
          const char *image = JSON_NODE_HOLDS_OBJECT (item)
                                ? heyai_json_object_get_string_or_null (json_node_get_object (item), "image") : NULL;

          if (image == NULL)
            {
              heyai_fake_counter_add (fake, "kling.image_list.rejected", 1);
              respond_code (request, 400, 1201, "image_list[].image: required");
              return;
            }
          if ((problem = check_image ("image_list[].image", image)) != NULL)
            {
              heyai_fake_counter_add (fake, "kling.image_list.rejected", 1);
              respond_code (request, 400, 1201, problem);
              return;
            }
        }
      for (guint i = 0; ratio != NULL && i < G_N_ELEMENTS (ratios); i++)
        ratio_ok |= g_str_equal (ratio, ratios[i]);
      if (!ratio_ok)
        {
          respond_code (request, 400, 1201, "aspect_ratio: must be 16:9, 9:16 or 1:1");
          return;
        }
      n_images = json_array_get_length (list);
    }
  else if (prompt == NULL || *prompt == '\0')
    {
      respond_code (request, 400, 1201, "prompt: required");
      return;
    }

  if (json_object_has_member (body, "camera_control") &&
      (problem = check_camera_control (body, model, mode, duration)) != NULL)
    {
      respond_code (request, 400, 1201, problem);
      return;
    }

  external_id = heyai_json_object_get_string_or_null (body, "external_task_id");
  if (external_id != NULL)
    for (guint i = 0; i < state->tasks->len; i++)
      if (g_strcmp0 (((KlingTask *) g_ptr_array_index (state->tasks, i))->external_id, external_id) == 0)
        {
          respond_code (request, 400, 1201, "external_task_id: duplicate, already used by another task");
          return;
        }

  if (prompt != NULL && strstr (prompt, "[moderation]") != NULL)
    {
      respond_code (request, 400, 1301, "Content security policy triggered");
      return;
    }

  for (guint i = 0; i < state->tasks->len; i++)
    in_flight += task_in_flight (g_ptr_array_index (state->tasks, i));
  if (max_concurrent > 0 && in_flight >= max_concurrent)
    {
      respond_code (request, 429, 1303, "parallel task over resource pack limit");
      return;
    }

  t = g_new0 (KlingTask, 1);
  t->task_id = g_strdup_printf ("77%017" G_GUINT64_FORMAT, state->next_id++);
  t->external_id = g_strdup (external_id);
  t->kind = g_strdup (kind);
  t->status = g_strdup ("submitted");
  t->duration = g_strdup (duration);
  if (prompt != NULL && strstr (prompt, "[fail]") != NULL)
    t->outcome = g_strdup ("failed");
  else if (prompt != NULL && strstr (prompt, "[risk]") != NULL)
    t->outcome = g_strdup ("risk");
  else if (prompt != NULL && strstr (prompt, "[stuck]") != NULL)
    t->outcome = g_strdup ("stuck");
  else
    t->outcome = g_strdup (default_outcome != NULL ? default_outcome : "succeed");
  t->created_at = t->updated_at = g_get_real_time () / 1000;
  g_ptr_array_add (state->tasks, t);
  heyai_fake_counter_add (fake, "kling.accepted", 1);
  if (external_id != NULL)
    {
      /* What this request carried, for the tests (issue 16). */
      g_autofree char *images = g_strdup_printf ("kling.images.%s", external_id);
      g_autofree char *tail_key = g_strdup_printf ("kling.tail.%s", external_id);
      g_autofree char *multi_key = g_strdup_printf ("kling.multi.%s", external_id);

      heyai_fake_counter_add (fake, images, n_images);
      if (has_tail)
        heyai_fake_counter_add (fake, tail_key, 1);
      if (multi)
        heyai_fake_counter_add (fake, multi_key, 1);
      /* ... and the end frame it carried (raw base64, decoded), served as
       * /_fake/files/kling-tail-X so a test can tell which still it was. */
      if (has_tail && !g_str_has_prefix (heyai_json_object_get_string_or_null (body, "image_tail"), "http"))
        {
          gsize len = 0;
          guchar *bytes = g_base64_decode (heyai_json_object_get_string_or_null (body, "image_tail"), &len);
          g_autoptr(GBytes) content = g_bytes_new_take (bytes, len);
          g_autofree char *name = g_strdup_printf ("kling-tail-%s", external_id);

          g_free (heyai_fake_serve_bytes (fake, name, "application/octet-stream", content));
        }
    }

  if (drops > 0)
    {
      g_autofree char *left = g_strdup_printf ("%" G_GINT64_FORMAT, drops - 1);

      heyai_fake_set_option (fake, "kling.drop-after-accept", left);
      heyai_fake_respond_drop (request);
      return;
    }
  respond_task (fake, request, t);
}

static void
query_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *request,
               gpointer          user_data)
{
  KlingState *state = get_state (fake);
  gint64 polls = heyai_fake_get_option_int (fake, "kling.polls", 2);
  KlingTask *t;

  if (!check_auth (fake, request))
    return;
  t = find_task (state, user_data, heyai_fake_request_get_param (request, "id"));
  if (t == NULL)
    {
      respond_code (request, (guint) heyai_fake_get_option_int (fake, "kling.unknown-status", 404),
                    1203, "Task not found");
      return;
    }

  if (task_in_flight (t))
    {
      const char *next;

      t->polls++;
      if (g_str_equal (t->outcome, "stuck"))
        next = "processing";
      else if ((gint64) t->polls <= polls)
        next = t->polls == 1 ? "submitted" : "processing";
      else if (g_str_equal (t->outcome, "succeed"))
        next = "succeed";
      else
        next = "failed";
      g_free (t->status);
      t->status = g_strdup (next);
      t->updated_at = g_get_real_time () / 1000;
    }
  respond_task (fake, request, t);
}

/* The "CDN" serving result clips: never needs (nor should get) a token. */
static void
cdn_handler (HeyaiFake        *fake,
             HeyaiFakeRequest *request,
             gpointer          user_data)
{
  KlingState *state = get_state (fake);
  const char *file = heyai_fake_request_get_param (request, "file");
  g_autofree char *task_id = g_strndup (file, strlen (file) - (g_str_has_suffix (file, ".mp4") ? 4 : 0));
  KlingTask *t = find_task (state, "image2video", task_id);

  if (t == NULL)
    t = find_task (state, "multi-image2video", task_id);
  const char *root = g_getenv ("HEYAI_SOURCE_ROOT");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) clip = NULL;
  gsize len = 0;

  if (heyai_fake_request_get_header (request, "Authorization") != NULL)
    heyai_fake_counter_add (fake, "kling.cdn.authorized", 1);
  if (t == NULL || !g_str_equal (t->status, "succeed") ||
      heyai_fake_get_option_int (fake, "kling.url-expired", 0) != 0)
    {
      g_autoptr(GBytes) not_found = g_bytes_new_static ("Not Found", 9);

      heyai_fake_respond (request, 404, "text/plain", not_found);
      return;
    }

  name = g_strdup_printf ("clip-%ss.mp4", g_str_equal (t->duration, "10") ? "10" : "5");
  path = root != NULL ? g_build_filename (root, "tests", "fakes", "data", name, NULL) : NULL;
  if (heyai_fake_get_option_int (fake, "kling.broken-clip", 0) == 0 &&
      path != NULL && g_file_get_contents (path, &contents, &len, NULL))
    clip = g_bytes_new_take (g_steal_pointer (&contents), len);
  else
    clip = g_bytes_new_static ("\0\0\0\x18" "ftypmp42", 12);   /* 12 bytes: does not play */
  heyai_fake_respond (request, 200, "video/mp4", clip);
}

static void
list_handler (HeyaiFake        *fake,
              HeyaiFakeRequest *request,
              gpointer          user_data)
{
  KlingState *state = get_state (fake);
  const char *page_num = heyai_fake_request_get_query (request, "pageNum");
  const char *page_size = heyai_fake_request_get_query (request, "pageSize");
  gint64 num = page_num != NULL ? g_ascii_strtoll (page_num, NULL, 10) : 1;
  gint64 size = page_size != NULL ? g_ascii_strtoll (page_size, NULL, 10) : 30;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  guint skipped = 0;
  gint64 listed = 0;

  if (!check_auth (fake, request))
    return;
  if (num < 1 || num > 1000 || size < 1 || size > 500)
    {
      respond_code (request, 400, 1201, "pageNum must be 1-1000 and pageSize 1-500");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "SUCCEED");
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, "fake-req-0003");
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (guint i = 0; i < state->tasks->len && listed < size; i++)
    {
      KlingTask *t = g_ptr_array_index (state->tasks, i);

      if (!g_str_equal (t->kind, user_data))
        continue;
      if (skipped++ < (guint) ((num - 1) * size))
        continue;
      build_task (fake, b, t);
      listed++;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  heyai_fake_respond_json_node (request, 200, node);
}

static void
add_code_fault (HeyaiFake  *fake,
                const char *name,
                guint       status,
                int         code,
                const char *message)
{
  g_autofree char *body = g_strdup_printf ("{\"code\":%d,\"message\":\"%s\",\"request_id\":\"fake-fault\"}",
                                           code, message);
  HeyaiFakeFault fault = { .kind = HEYAI_FAKE_FAULT_STATUS, .status = status, .body = body,
                           .drop_after_bytes = -1 };

  heyai_fake_add_named_fault (fake, "kling", name, &fault);
}

void
heyai_fake_kling_install (HeyaiFake *fake)
{
  KlingState *state = g_new0 (KlingState, 1);

  state->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) kling_task_free);
  state->next_id = 1;
  g_object_set_data_full (G_OBJECT (fake), "kling", state, (GDestroyNotify) kling_state_free);

  heyai_fake_add_env (fake, "HEYAI_KLING_BASE_URL", "/kling");
  heyai_fake_add_route (fake, "kling.create", "POST", "/kling/v1/videos/image2video", create_handler, "image2video");
  heyai_fake_add_route (fake, "kling.query", "GET", "/kling/v1/videos/image2video/{id}", query_handler, "image2video");
  heyai_fake_add_route (fake, "kling.list", "GET", "/kling/v1/videos/image2video", list_handler, "image2video");
  heyai_fake_add_route (fake, "kling.cdn", "GET", "/kling-cdn/{file}", cdn_handler, NULL);
  heyai_fake_add_route (fake, "kling.multi.create", "POST", "/kling/v1/videos/multi-image2video", create_handler,
                        "multi-image2video");
  heyai_fake_add_route (fake, "kling.multi.query", "GET", "/kling/v1/videos/multi-image2video/{id}", query_handler,
                        "multi-image2video");
  heyai_fake_add_route (fake, "kling.t2v.create", "POST", "/kling/v1/videos/text2video", create_handler, "text2video");
  heyai_fake_add_route (fake, "kling.t2v.query", "GET", "/kling/v1/videos/text2video/{id}", query_handler, "text2video");
  heyai_fake_add_route (fake, "kling.t2v.list", "GET", "/kling/v1/videos/text2video", list_handler, "text2video");

  add_code_fault (fake, "quota", 429, 1102, "Account balance not enough");
  add_code_fault (fake, "rate-limit", 429, 1302, "The API request is too fast, please slow down");
  add_code_fault (fake, "concurrency", 429, 1303, "parallel task over resource pack limit");
  add_code_fault (fake, "moderation", 400, 1301, "Content security policy triggered");
  add_code_fault (fake, "server-error", 500, 5000, "Internal server error");
  add_code_fault (fake, "unavailable", 503, 5001, "Service temporarily unavailable");
  add_code_fault (fake, "backlog", 504, 5002, "Server internal timeout");
  add_code_fault (fake, "expired-token", 401, 1004, "Authorization has expired");
}
