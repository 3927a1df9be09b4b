/* test-cli-endframe.c: "end on the next scene's still" through the real CLI
 * against heyai-fake-server's Kling (API-CONTRACTS.md C.4 item 16):
 * `heyai continue P 1 --end-on-next on`, then scene 1's clip request
 * carries scene 2's still as image_tail on a model and mode that take an
 * end frame (kling-v1-6 pro); on one that does not (kling-v1-6 std) heyai
 * sends none and says so, and the fake refuses an image_tail there as Kling
 * does (400, code 1201).
 *
 * Usage: test-cli-endframe --tap PATH-TO-heyai
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-test-cli-endframe"

#include "config.h"

#include <string.h>
#include <cairo.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "heyai-core.h"
#include "cli-test-utils.h"

#define KLING_API_KEY "fake-kling-static-key"

typedef struct {
  char    *data;       /* HEYAI_DATA_DIR */
  CliFake  fake;       /* heyai-fake-server (Kling) */
  char    *id;         /* the project */
  char    *still[2];   /* scenes 1 and 2's stills, as imported */
} Fixture;

/* Runs heyai against the fake with Kling @model in @mode (NULL: neither
 * set); the arguments end with NULL; @out (if not NULL) gets stdout and
 * stderr. */
static int
heyai_v (Fixture            *f,
         const char         *model,
         const char         *mode,
         char              **out,
         const char *const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    cli_launcher_new (f->data, f->fake.env, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_unsetenv (launcher, "HEYAI_KLING_MODEL");
  g_subprocess_launcher_unsetenv (launcher, "HEYAI_KLING_MODE");
  if (model != NULL)
    g_subprocess_launcher_setenv (launcher, "HEYAI_KLING_MODEL", model, TRUE);
  if (mode != NULL)
    g_subprocess_launcher_setenv (launcher, "HEYAI_KLING_MODE", mode, TRUE);
  return cli_run_merged (launcher, args, out);
}

#define heyai(f, model, mode, out, ...) heyai_v ((f), (model), (mode), (out), (const char *[]) { __VA_ARGS__ })

/* A 640×360 PNG of one colour (Kling takes ≥ 300 px, ratio up to 2.5:1). */
static void
write_png (const char *path,
           double      r,
           double      g,
           double      b)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 640, 360);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, r, g, b);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* The value of @name in the fake's "NAME=VALUE" lines. */
static const char *
fake_env (Fixture    *f,
          const char *name)
{
  gsize len = strlen (name);

  for (guint i = 0; i < f->fake.env->len; i++)
    {
      const char *line = g_ptr_array_index (f->fake.env, i);

      if (strncmp (line, name, len) == 0 && line[len] == '=')
        return line + len + 1;
    }
  g_assert_not_reached ();
}

/* GET @url; returns the body, *@status the HTTP status. */
static GBytes *
http_get (const char *url,
          guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  GBytes *body = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return body;
}

static char *
bytes_sum (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* Starts the fake (Kling only, taking a static key too) and makes a project
 * of two scenes with imported, approved stills of different colours; scene 1
 * ends on scene 2's still. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const char script[] =
    "INT. LIGHTHOUSE STAIRS - NIGHT\n\n"
    "Mara climbs the spiral stairs, lamp in hand.\n\n"
    "EXT. OPEN SEA - DAY\n\n"
    "Waves break against black rocks under a grey sky.\n";
  const char *extra[] = { "--option", "kling.polls=2", "--option", "kling.api-key=" KLING_API_KEY, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *script_path = NULL;
  char *out = NULL;

  f->data = g_dir_make_tmp ("heyai-cli-endframe-XXXXXX", &error);
  g_assert_no_error (error);
  if (!cli_fake_start (&f->fake, "kling", extra))
    return;

  script_path = g_build_filename (f->data, "lighthouse.fountain", NULL);
  g_assert_true (g_file_set_contents (script_path, script, -1, NULL));
  f->still[0] = g_build_filename (f->data, "red.png", NULL);
  f->still[1] = g_build_filename (f->data, "blue.png", NULL);
  write_png (f->still[0], 0.8, 0.1, 0.1);
  write_png (f->still[1], 0.1, 0.2, 0.8);

  g_assert_cmpint (heyai (f, NULL, NULL, &f->id, "new", "--title", "End frames", script_path, NULL), ==, 0);
  *strchr (f->id, '\n') = '\0';
  g_assert_cmpint (heyai (f, NULL, NULL, NULL, "--llm", "offline", "analyze", f->id, NULL), ==, 0);
  g_assert_cmpint (heyai (f, NULL, NULL, NULL, "import", f->id, "1", f->still[0], NULL), ==, 0);
  g_assert_cmpint (heyai (f, NULL, NULL, NULL, "import", f->id, "2", f->still[1], NULL), ==, 0);
  g_assert_cmpint (heyai (f, NULL, NULL, NULL, "approve", f->id, "--all", NULL), ==, 0);

  g_assert_cmpint (heyai (f, NULL, NULL, &out, "continue", f->id, "1", "--end-on-next", "on", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1’s next clip ends on scene 2’s still"));
  g_free (out);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cli_fake_stop (&f->fake);
  g_clear_pointer (&f->id, g_free);
  g_clear_pointer (&f->still[0], g_free);
  g_clear_pointer (&f->still[1], g_free);
  cli_rm_rf (f->data);
  g_clear_pointer (&f->data, g_free);
}

/* The external_task_id of the one accepted request that carried an end
 * frame (the fake counts kling.tail.X), or NULL when none did. */
static char *
tail_request (Fixture *f)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *counters = json_object_get_object_member (cli_fake_stats (f->fake.url, parser), "counters");
  g_autoptr(GList) names = counters != NULL ? json_object_get_members (counters) : NULL;
  char *id = NULL;

  for (GList *l = names; l != NULL; l = l->next)
    if (g_str_has_prefix (l->data, "kling.tail."))
      {
        g_assert_null (id);
        id = g_strdup ((const char *) l->data + strlen ("kling.tail."));
      }
  return id;
}

/* kling-v1-6 pro takes an end frame: scene 1's request carries scene 2's
 * still (the same bytes), not its own. */
static void
test_end_on_next (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *task = NULL;
  g_autofree char *url = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *next = NULL;
  g_autofree char *own = NULL;
  g_autoptr(GBytes) tail = NULL;
  char *out = NULL;
  guint status = 0;

  if (f->fake.proc == NULL)
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  g_assert_cmpint (heyai (f, "kling-v1-6", "pro", &out, "--animator", "kling", "animate", f->id, "--scene", "1", NULL),
                   ==, 0);
  g_assert_null (strstr (out, "End frame not applied"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_fake_counter (f->fake.url, "kling.accepted"), ==, 1);
  g_assert_cmpint (cli_fake_sum (f->fake.url, "kling.tail."), ==, 1);
  g_assert_cmpint (cli_fake_sum (f->fake.url, "kling.images."), ==, 2);

  task = tail_request (f);
  g_assert_nonnull (task);
  url = g_strdup_printf ("%s/_fake/files/kling-tail-%s", f->fake.url, task);
  tail = http_get (url, &status);
  g_assert_cmpuint (status, ==, 200);
  sent = bytes_sum (tail);
  next = cli_file_sum (f->still[1]);
  own = cli_file_sum (f->still[0]);
  g_test_message ("image_tail of %s: %" G_GSIZE_FORMAT " bytes, sha256 %s (scene 2's still: %s)", task,
                  g_bytes_get_size (tail), sent, next);
  g_assert_cmpstr (sent, ==, next);
  g_assert_cmpstr (sent, !=, own);

  /* Scene 2 is the last: nothing to end on, no end frame sent. */
  g_assert_cmpint (heyai (f, "kling-v1-6", "pro", &out, "--animator", "kling", "animate", f->id, "--scene", "2", NULL),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_fake_counter (f->fake.url, "kling.accepted"), ==, 2);
  g_assert_cmpint (cli_fake_sum (f->fake.url, "kling.tail."), ==, 1);
}

/* POSTs an image2video request with image and image_tail straight to the
 * fake; returns the HTTP status, *@code Kling's code. */
static guint
post_with_tail (Fixture    *f,
                const char *model,
                const char *mode,
                const char *external_id,
                gint64     *code)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (fake_env (f, "HEYAI_KLING_BASE_URL"), "/v1/videos/image2video", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *text = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->still[0], &contents, &len, NULL));
  image = g_base64_encode ((const guchar *) contents, len);
  g_free (contents);
  g_assert_true (g_file_get_contents (f->still[1], &contents, &len, NULL));
  tail = g_base64_encode ((const guchar *) contents, len);
  g_free (contents);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model_name");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, mode);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_string_value (builder, "5");
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, "Waves break against black rocks");
  json_builder_set_member_name (builder, "image");
  json_builder_add_string_value (builder, image);
  json_builder_set_member_name (builder, "image_tail");
  json_builder_add_string_value (builder, tail);
  json_builder_set_member_name (builder, "external_task_id");
  json_builder_add_string_value (builder, external_id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  request = g_bytes_new (text, strlen (text));

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer " KLING_API_KEY);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error));
  g_assert_no_error (error);
  *code = json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "code");
  g_test_message ("%s %s with image_tail: %u %s", model, mode, soup_message_get_status (msg),
                  (const char *) g_bytes_get_data (reply, NULL));
  return soup_message_get_status (msg);
}

/* kling-v1-6 std takes no end frame: heyai sends none and says so; the
 * fake, like Kling, refuses an image_tail there (and on kling-v2-master,
 * which has none in any mode) and takes it on kling-v1-6 pro. */
static void
test_no_end_frame (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *task = NULL;
  char *out = NULL;
  gint64 code = -1;

  if (f->fake.proc == NULL)
    {
      g_test_skip ("heyai-fake-server not built");
      return;
    }

  g_assert_cmpint (heyai (f, "kling-v1-6", "std", &out, "--animator", "kling", "animate", f->id, "--scene", "1", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1: End frame not applied"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (cli_fake_counter (f->fake.url, "kling.accepted"), ==, 1);
  g_assert_cmpint (cli_fake_sum (f->fake.url, "kling.tail."), ==, 0);
  g_assert_cmpint (cli_fake_sum (f->fake.url, "kling.images."), ==, 1);
  task = tail_request (f);
  g_assert_null (task);

  g_assert_cmpuint (post_with_tail (f, "kling-v1-6", "std", "direct-std", &code), ==, 400);
  g_assert_cmpint (code, ==, 1201);
  g_assert_cmpuint (post_with_tail (f, "kling-v2-master", "pro", "direct-v2-master", &code), ==, 400);
  g_assert_cmpint (code, ==, 1201);
  g_assert_cmpint (cli_fake_counter (f->fake.url, "kling.accepted"), ==, 1);
  g_assert_cmpuint (post_with_tail (f, "kling-v1-6", "pro", "direct-pro", &code), ==, 200);
  g_assert_cmpint (code, ==, 0);
  g_assert_cmpint (cli_fake_counter (f->fake.url, "kling.accepted"), ==, 2);
  g_assert_cmpint (cli_fake_counter (f->fake.url, "kling.tail.direct-pro"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

  g_test_add ("/cli/endframe/kling", Fixture, NULL, fixture_set_up, test_end_on_next, fixture_tear_down);
  g_test_add ("/cli/endframe/kling-none", Fixture, NULL, fixture_set_up, test_no_end_frame, fixture_tear_down);

  return g_test_run ();
}
