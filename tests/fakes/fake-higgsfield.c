/* fake-higgsfield.c: Higgsfield's current "model endpoint" API
 * (API-CONTRACTS.md §2.8), under /higgsfield (HEYAI_HIGGSFIELD_BASE_URL).
 *
 * Routes: higgsfield.cancel  POST /higgsfield/requests/{id}/cancel
 *         higgsfield.status  GET  /higgsfield/requests/{id}/status
 *         higgsfield.upload-url POST /higgsfield/files/generate-upload-url (§2.6:
 *                      {"content_type"} -> {upload_url, public_url, upload_headers})
 *         higgsfield.put     PUT  /higgsfield-upload/{name}: the presigned target;
 *                      refused (403 SignatureDoesNotMatch) without every
 *                      upload_headers header and the Content-Type asked for
 *         higgsfield.submit  POST /higgsfield/{model path}
 * higgsfield-ai/soul/reference requires image_reference_url, the public_url
 * (/higgsfield-files/{name}) of a file uploaded here (422 otherwise).  Counters: higgsfield.uploads (files PUT),
 * higgsfield.references (accepted requests that carried a reference image).
 *
 * Options:
 *   higgsfield.key     accepted "id:secret" (default "fake-hf-id:fake-hf-secret");
 *                      legacy hf-api-key + hf-secret headers are accepted too
 *   higgsfield.models  comma-separated known model paths (default
 *                      higgsfield-ai/soul/standard, higgsfield-ai/soul/character,
 *                      bytedance/seedream/v4/text-to-image)
 *   higgsfield.polls   non-terminal polls before the outcome (default 2:
 *                      queued, in_progress, then the outcome)
 *   higgsfield.outcome completed (default) | failed | nsfw | stuck
 *   higgsfield.format  png (default) | jpeg | junk (16 bytes that are no
 *                      image, served as image/png): the served image
 *   higgsfield.lose-answers  N (default 0): the next N accepted submits lose
 *                      their answer (the request IS accepted and billed)
 *   higgsfield.lose-as 502 (default) | drop | html: how the answer is lost
 * A prompt containing "[nsfw]", "[fail]" or "[stuck]" picks that outcome for
 * that request only (so one scene of a batch can be refused).
 *
 * Validation (FastAPI style): malformed JSON -> 400 {"detail"}; missing
 * prompt or a bad aspect_ratio / resolution / num_images -> 422
 * {"detail":[{"loc","msg","type"}]}; unknown model path -> 404; bad or missing
 * Key -> 401 {"detail"}.  Cancel: 202 while queued, else 400.
 * Counter: higgsfield.accepted (requests accepted = would be billed).
 *
 *   higgsfield.max-concurrent  N (default 4): requests of this account in
 *                      flight (queued or in progress) at most; one more is
 *                      refused with 400 {"detail":"Maximum number of concurrent
 *                      requests (N) has been reached"} and not accepted (C.1);
 *                      0: no cap
 * Every answer carries X-Correlation-ID.
 * Counter: higgsfield.capped (submits refused by the cap),
 * higgsfield.max-in-flight (the most requests in flight at once).
 *
 * Named faults: credits (403 Not enough credits), rate-limit (429 + Retry-After 1),
 * blocked (423, the model temporarily blocked), concurrency (400, the cap).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>

#include "heyai-fake.h"
#include "heyai-llm-schema.h"

#define DEFAULT_KEY    "fake-hf-id:fake-hf-secret"
#define DEFAULT_MODELS "higgsfield-ai/soul/standard,higgsfield-ai/soul/character,higgsfield-ai/soul/reference," \
                       "bytedance/seedream/v4/text-to-image"
#define UPLOAD_TAGGING "heyai-fake=1"

typedef struct
{
  char  *id;
  char  *prompt;
  char  *outcome;      /* completed, failed, nsfw, stuck */
  char  *reported;     /* the last status reported */
  guint  polls;
  gint64 num_images;
} HfRequest;

typedef struct
{
  GHashTable *requests;  /* id -> HfRequest */
  guint       next_id;
  guint       lost_answers;
  GBytes     *png;       /* generated when no data file exists */
  GHashTable *uploads;   /* name -> content type asked (char*); uploaded: "done:" prefixed */
  guint       next_upload;
} HfState;

static void
hf_request_free (HfRequest *r)
{
  g_free (r->id);
  g_free (r->prompt);
  g_free (r->outcome);
  g_free (r->reported);
  g_free (r);
}

static void
hf_state_free (HfState *state)
{
  g_hash_table_unref (state->requests);
  g_hash_table_unref (state->uploads);
  g_clear_pointer (&state->png, g_bytes_unref);
  g_free (state);
}

static HfState *
get_state (HeyaiFake *fake)
{
  return g_object_get_data (G_OBJECT (fake), "higgsfield");
}

static void
respond_detail (HeyaiFakeRequest *request,
                guint             status,
                const char       *detail)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "detail");
  json_builder_add_string_value (b, detail);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  heyai_fake_respond_json_node (request, status, node);
}

static void
respond_422 (HeyaiFakeRequest *request,
             const char       *field,
             const char       *msg,
             const char       *type)
{
  g_autofree char *body = g_strdup_printf (
    "{\"detail\":[{\"loc\":[\"body\",\"%s\"],\"msg\":\"%s\",\"type\":\"%s\"}]}", field, msg, type);

  heyai_fake_respond_json (request, 422, body);
}

static gboolean
check_auth (HeyaiFake        *fake,
            HeyaiFakeRequest *request)
{
  const char *expected = heyai_fake_get_option (fake, "higgsfield.key");
  const char *auth = heyai_fake_request_get_header (request, "Authorization");
  const char *legacy_key = heyai_fake_request_get_header (request, "hf-api-key");
  const char *legacy_secret = heyai_fake_request_get_header (request, "hf-secret");

  if (expected == NULL)
    expected = DEFAULT_KEY;
  if (auth != NULL && g_str_has_prefix (auth, "Key ") && g_str_equal (auth + 4, expected))
    return TRUE;
  if (legacy_key != NULL && legacy_secret != NULL)
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", legacy_key, legacy_secret);

      if (g_str_equal (pair, expected))
        return TRUE;
    }
  respond_detail (request, 401, auth == NULL && legacy_key == NULL
                                  ? "Not authenticated"
                                  : "Invalid credentials");
  return FALSE;
}

static cairo_status_t
png_write (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
generated_png (HfState *state)
{
  if (state->png == NULL)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 360);
      cairo_t *cr = cairo_create (surface);
      cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, 640, 360);
      GByteArray *out = g_byte_array_new ();

      cairo_pattern_add_color_stop_rgb (gradient, 0, 0.05, 0.1, 0.2);
      cairo_pattern_add_color_stop_rgb (gradient, 1, 0.9, 0.6, 0.2);
      cairo_set_source (cr, gradient);
      cairo_paint (cr);
      cairo_pattern_destroy (gradient);
      cairo_destroy (cr);
      cairo_surface_write_to_png_stream (surface, png_write, out);
      cairo_surface_destroy (surface);
      state->png = g_byte_array_free_to_bytes (out);
    }
  return g_bytes_ref (state->png);
}

static char *
serve_image (HeyaiFake  *fake,
             HfRequest  *r,
             guint       index)
{
  const char *format = heyai_fake_get_option (fake, "higgsfield.format");
  gboolean jpeg = g_strcmp0 (format, "jpeg") == 0;
  const char *root = g_getenv ("HEYAI_SOURCE_ROOT");
  g_autofree char *name = g_strdup_printf ("hf-%s-%u.%s", r->id, index, jpeg ? "jpg" : "png");
  g_autofree char *path = NULL;

  if (g_strcmp0 (format, "junk") == 0)
    {
      g_autoptr(GBytes) junk = g_bytes_new_static ("<html>oops</html>", 16);

      return heyai_fake_serve_bytes (fake, name, "image/png", junk);
    }
  if (root != NULL)
    path = g_build_filename (root, "tests", "fakes", "data", jpeg ? "still.jpg" : "still.png", NULL);
  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return heyai_fake_serve_path (fake, name, jpeg ? "image/jpeg" : "image/png", path);
  else
    {
      g_autoptr(GBytes) png = generated_png (get_state (fake));
      return heyai_fake_serve_bytes (fake, name, "image/png", png);
    }
}

static JsonNode *
status_json (HeyaiFake *fake,
             HfRequest *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *status_path = g_strdup_printf ("/higgsfield/requests/%s/status", r->id);
  g_autofree char *cancel_path = g_strdup_printf ("/higgsfield/requests/%s/cancel", r->id);
  g_autofree char *status_url = heyai_fake_dup_url (fake, status_path);
  g_autofree char *cancel_url = heyai_fake_dup_url (fake, cancel_path);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, r->reported);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, r->id);
  json_builder_set_member_name (b, "status_url");
  json_builder_add_string_value (b, status_url);
  json_builder_set_member_name (b, "cancel_url");
  json_builder_add_string_value (b, cancel_url);
  if (g_str_equal (r->reported, "completed"))
    {
      json_builder_set_member_name (b, "images");
      json_builder_begin_array (b);
      for (gint64 i = 0; i < r->num_images; i++)
        {
          g_autofree char *url = serve_image (fake, r, (guint) i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "url");
          json_builder_add_string_value (b, url);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "video");
      json_builder_add_null_value (b);
    }
  else if (g_str_equal (r->reported, "failed"))
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, "Generation failed: the model could not render the prompt");
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
in_list (const char *value,
         const char *const *list)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_strcmp0 (value, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
add_correlation_id (HeyaiFakeRequest *request)
{
  static guint serial;
  g_autofree char *id = g_strdup_printf ("corr-fake-%06u", ++serial);

  heyai_fake_respond_add_header (request, "X-Correlation-ID", id);
}

static guint
in_flight (HfState *state)
{
  GHashTableIter iter;
  HfRequest *r;
  guint n = 0;

  g_hash_table_iter_init (&iter, state->requests);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &r))
    if (g_str_equal (r->reported, "queued") || g_str_equal (r->reported, "in_progress"))
      n++;
  return n;
}

/* The account's cap (C.1 item 2): TRUE if the submit was refused. */
static gboolean
refuse_over_cap (HeyaiFake        *fake,
                 HeyaiFakeRequest *request)
{
  HfState *state = get_state (fake);
  gint64 cap = heyai_fake_get_option_int (fake, "higgsfield.max-concurrent", 4);
  g_autofree char *detail = NULL;

  if (cap <= 0 || in_flight (state) < (guint) cap)
    return FALSE;
  heyai_fake_counter_add (fake, "higgsfield.capped", 1);
  detail = g_strdup_printf ("Maximum number of concurrent requests (%d) has been reached", (int) cap);
  respond_detail (request, 400, detail);
  return TRUE;
}

static void
note_in_flight (HeyaiFake *fake)
{
  guint n = in_flight (get_state (fake));

  if (n > (guint) heyai_fake_get_counter (fake, "higgsfield.max-in-flight"))
    heyai_fake_counter_add (fake, "higgsfield.max-in-flight",
                            n - heyai_fake_get_counter (fake, "higgsfield.max-in-flight"));
}

static void
submit_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *request,
                gpointer          user_data)
{
  static const char *const aspects[] = { "1:1", "4:3", "3:4", "3:2", "2:3", "5:4", "4:5", "16:9", "9:16", "21:9", NULL };
  static const char *const resolutions[] = { "2K", "4K", "720p", "1080p", NULL };
  HfState *state = get_state (fake);
  const char *model = heyai_fake_request_get_param (request, "model");
  const char *models_option = heyai_fake_get_option (fake, "higgsfield.models");
  const char *default_outcome = heyai_fake_get_option (fake, "higgsfield.outcome");
  g_auto(GStrv) models = g_strsplit (models_option != NULL ? models_option : DEFAULT_MODELS, ",", -1);
  g_autoptr(GBytes) raw = NULL;
  JsonObject *body;
  const char *prompt;
  HfRequest *r;
  g_autoptr(JsonNode) reply = NULL;

  add_correlation_id (request);
  if (!check_auth (fake, request))
    return;
  if (model == NULL || !in_list (model, (const char *const *) models))
    {
      respond_detail (request, 404, "Not Found");
      return;
    }

  raw = heyai_fake_request_get_body (request);
  body = heyai_fake_request_get_object (request);
  if (body == NULL)
    {
      respond_detail (request, g_bytes_get_size (raw) == 0 ? 422 : 400,
                      "There was an error parsing the body");
      return;
    }

  prompt = heyai_json_object_get_string_or_null (body, "prompt");
  if (prompt == NULL)
    {
      respond_422 (request, "prompt", "Field required", "missing");
      return;
    }
  if (*prompt == '\0')
    {
      respond_422 (request, "prompt", "String should have at least 1 character", "string_too_short");
      return;
    }
  if (g_str_equal (model, "higgsfield-ai/soul/reference"))
    {
      const char *ref = heyai_json_object_get_string_or_null (body, "image_reference_url");
      g_autofree char *prefix = heyai_fake_dup_url (fake, "/higgsfield-files/");
      const char *kept = ref != NULL && g_str_has_prefix (ref, prefix)
                           ? g_hash_table_lookup (state->uploads, ref + strlen (prefix)) : NULL;

      if (ref == NULL)
        {
          respond_422 (request, "image_reference_url", "Field required", "missing");
          return;
        }
      if (kept == NULL || !g_str_has_prefix (kept, "done:"))
        {
          respond_422 (request, "image_reference_url", "Input should be a valid, reachable image URL", "url");
          return;
        }
    }
  if (g_str_equal (model, "higgsfield-ai/soul/standard"))
    {
      const char *aspect = heyai_json_object_get_string_or_null (body, "aspect_ratio");
      const char *resolution = heyai_json_object_get_string_or_null (body, "resolution");

      if (json_object_has_member (body, "aspect_ratio") && !in_list (aspect, aspects))
        {
          respond_422 (request, "aspect_ratio", "Input should be '1:1', '4:3', '3:4', '3:2', '2:3', "
                       "'5:4', '4:5', '16:9', '9:16' or '21:9'", "enum");
          return;
        }
      if (json_object_has_member (body, "resolution") && !in_list (resolution, resolutions))
        {
          respond_422 (request, "resolution", "Input should be '2K' or '4K'", "enum");
          return;
        }
    }
  if (json_object_has_member (body, "num_images"))
    {
      JsonNode *n = json_object_get_member (body, "num_images");

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
          json_node_get_int (n) < 1 || json_node_get_int (n) > 4)
        {
          respond_422 (request, "num_images", "Input should be between 1 and 4", "less_than_equal");
          return;
        }
    }

  if (refuse_over_cap (fake, request))
    return;

  r = g_new0 (HfRequest, 1);
  r->id = g_strdup_printf ("3f6c%04x-7b1e-4c2a-9d5e-%012x", state->next_id, state->next_id);
  state->next_id++;
  r->prompt = g_strdup (prompt);
  r->num_images = json_object_has_member (body, "num_images") ? json_object_get_int_member (body, "num_images") : 1;
  if (strstr (prompt, "[nsfw]") != NULL)
    r->outcome = g_strdup ("nsfw");
  else if (strstr (prompt, "[fail]") != NULL)
    r->outcome = g_strdup ("failed");
  else if (strstr (prompt, "[stuck]") != NULL)
    r->outcome = g_strdup ("stuck");
  else
    r->outcome = g_strdup (default_outcome != NULL ? default_outcome : "completed");
  r->reported = g_strdup ("queued");
  g_hash_table_insert (state->requests, r->id, r);
  heyai_fake_counter_add (fake, "higgsfield.accepted", 1);
  if (json_object_has_member (body, "image_reference_url"))
    heyai_fake_counter_add (fake, "higgsfield.references", 1);
  note_in_flight (fake);

  /* Accepted (and billed), but the client never hears it. */
  if (state->lost_answers < (guint) heyai_fake_get_option_int (fake, "higgsfield.lose-answers", 0))
    {
      const char *how = heyai_fake_get_option (fake, "higgsfield.lose-as");

      state->lost_answers++;
      heyai_fake_counter_add (fake, "higgsfield.answers-lost", 1);
      if (g_strcmp0 (how, "drop") == 0)
        heyai_fake_respond_drop (request);
      else if (g_strcmp0 (how, "html") == 0)
        {
          g_autoptr(GBytes) html = g_bytes_new_static ("<html>Bad gateway</html>", 24);
          heyai_fake_respond (request, 200, "text/html", html);
        }
      else
        {
          g_autoptr(GBytes) html = g_bytes_new_static ("<html>502 Bad Gateway</html>", 28);
          heyai_fake_respond (request, 502, "text/html", html);
        }
      return;
    }

  reply = status_json (fake, r);
  heyai_fake_respond_json_node (request, 200, reply);
}

static void
status_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *request,
                gpointer          user_data)
{
  HfState *state = get_state (fake);
  HfRequest *r;
  gint64 polls = heyai_fake_get_option_int (fake, "higgsfield.polls", 2);
  g_autoptr(JsonNode) reply = NULL;

  add_correlation_id (request);
  if (!check_auth (fake, request))
    return;
  r = g_hash_table_lookup (state->requests, heyai_fake_request_get_param (request, "id"));
  if (r == NULL)
    {
      respond_detail (request, 404, "Request not found");
      return;
    }

  if (!g_str_equal (r->reported, "canceled"))
    {
      const char *next;

      r->polls++;
      if (g_str_equal (r->outcome, "stuck"))
        next = "queued";
      else if ((gint64) r->polls <= polls)
        next = r->polls == 1 ? "queued" : "in_progress";
      else
        next = r->outcome;
      g_free (r->reported);
      r->reported = g_strdup (next);
    }

  reply = status_json (fake, r);
  heyai_fake_respond_json_node (request, 200, reply);
}

/* POST /files/generate-upload-url (§2.6). */
static void
upload_url_handler (HeyaiFake        *fake,
                    HeyaiFakeRequest *request,
                    gpointer          user_data)
{
  static const char *const types[] = { "image/png", "image/jpeg", "image/webp", NULL };
  HfState *state = get_state (fake);
  JsonObject *body;
  const char *type;
  g_autofree char *name = NULL;
  g_autofree char *put_path = NULL;
  g_autofree char *public_path = NULL;
  g_autofree char *upload_url = NULL;
  g_autofree char *public_url = NULL;

  add_correlation_id (request);
  if (!check_auth (fake, request))
    return;
  body = heyai_fake_request_get_object (request);
  type = body != NULL ? heyai_json_object_get_string_or_null (body, "content_type") : NULL;
  if (type == NULL)
    {
      respond_422 (request, "content_type", "Field required", "missing");
      return;
    }
  if (!in_list (type, types))
    {
      respond_422 (request, "content_type", "Input should be 'image/png', 'image/jpeg' or 'image/webp'", "enum");
      return;
    }
  name = g_strdup_printf ("upload-%u", ++state->next_upload);
  g_hash_table_insert (state->uploads, g_strdup (name), g_strdup (type));
  put_path = g_strdup_printf ("/higgsfield-upload/%s", name);
  public_path = g_strdup_printf ("/higgsfield-files/%s", name);
  upload_url = heyai_fake_dup_url (fake, put_path);
  public_url = heyai_fake_dup_url (fake, public_path);
  heyai_fake_respond_json_printf (request, 200,
                                  "{\"upload_url\":\"%s\",\"public_url\":\"%s\","
                                  "\"upload_headers\":{\"x-amz-tagging\":\"" UPLOAD_TAGGING "\"}}",
                                  upload_url, public_url);
}

/* PUT to the presigned URL: every signed header must be there. */
static void
put_handler (HeyaiFake        *fake,
             HeyaiFakeRequest *request,
             gpointer          user_data)
{
  HfState *state = get_state (fake);
  const char *name = heyai_fake_request_get_param (request, "name");
  const char *asked = g_hash_table_lookup (state->uploads, name);
  const char *type = heyai_fake_request_get_header (request, "Content-Type");
  const char *tagging = heyai_fake_request_get_header (request, "x-amz-tagging");
  g_autoptr(GBytes) body = heyai_fake_request_get_body (request);
  g_autoptr(GBytes) refused = g_bytes_new_static ("<Error><Code>SignatureDoesNotMatch</Code></Error>", 49);

  if (asked == NULL || g_str_has_prefix (asked, "done:") || g_strcmp0 (tagging, UPLOAD_TAGGING) != 0 ||
      type == NULL || !g_str_has_prefix (type, asked) || g_bytes_get_size (body) == 0)
    {
      heyai_fake_respond (request, 403, "application/xml", refused);
      return;
    }
  g_hash_table_insert (state->uploads, g_strdup (name), g_strconcat ("done:", asked, NULL));
  heyai_fake_counter_add (fake, "higgsfield.uploads", 1);
  heyai_fake_respond_empty (request, 200);
}

static void
cancel_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *request,
                gpointer          user_data)
{
  HfState *state = get_state (fake);
  HfRequest *r;

  if (!check_auth (fake, request))
    return;
  r = g_hash_table_lookup (state->requests, heyai_fake_request_get_param (request, "id"));
  if (r == NULL)
    {
      respond_detail (request, 404, "Request not found");
      return;
    }
  if (!g_str_equal (r->reported, "queued"))
    {
      respond_detail (request, 400, "Request can only be canceled while queued");
      return;
    }
  g_free (r->reported);
  r->reported = g_strdup ("canceled");
  heyai_fake_counter_add (fake, "higgsfield.canceled", 1);
  heyai_fake_respond_json (request, 202, "{\"status\":\"canceled\"}");
}

void
heyai_fake_higgsfield_install (HeyaiFake *fake)
{
  static const char *const retry_headers[] = { "Retry-After: 1", "X-Correlation-ID: corr-fake-fault", NULL };
  static const char *const correlation_headers[] = { "X-Correlation-ID: corr-fake-fault", NULL };
  HfState *state = g_new0 (HfState, 1);
  HeyaiFakeFault fault = { .kind = HEYAI_FAKE_FAULT_STATUS, .drop_after_bytes = -1 };

  state->requests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) hf_request_free);
  state->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->next_id = 1;
  g_object_set_data_full (G_OBJECT (fake), "higgsfield", state, (GDestroyNotify) hf_state_free);

  heyai_fake_add_env (fake, "HEYAI_HIGGSFIELD_BASE_URL", "/higgsfield");
  heyai_fake_add_route (fake, "higgsfield.cancel", "POST", "/higgsfield/requests/{id}/cancel",
                        cancel_handler, NULL);
  heyai_fake_add_route (fake, "higgsfield.status", "GET", "/higgsfield/requests/{id}/status",
                        status_handler, NULL);
  heyai_fake_add_route (fake, "higgsfield.upload-url", "POST", "/higgsfield/files/generate-upload-url",
                        upload_url_handler, NULL);
  heyai_fake_add_route (fake, "higgsfield.put", "PUT", "/higgsfield-upload/{name}", put_handler, NULL);
  heyai_fake_add_route (fake, "higgsfield.submit", "POST", "/higgsfield/{model*}", submit_handler, NULL);

  fault.status = 403;
  fault.headers = correlation_headers;
  fault.body = "{\"detail\":\"Not enough credits\"}";
  heyai_fake_add_named_fault (fake, "higgsfield", "credits", &fault);

  fault.status = 429;
  fault.headers = retry_headers;
  fault.body = "{\"detail\":\"Too many requests\"}";
  heyai_fake_add_named_fault (fake, "higgsfield", "rate-limit", &fault);

  fault.headers = correlation_headers;
  fault.status = 423;
  fault.body = "{\"detail\":\"Model is temporarily blocked\"}";
  heyai_fake_add_named_fault (fake, "higgsfield", "blocked", &fault);
  fault.status = 400;
  fault.body = "{\"detail\":\"Maximum number of concurrent requests (4) has been reached\"}";
  heyai_fake_add_named_fault (fake, "higgsfield", "concurrency", &fault);
}
