/* test-remote-job.c: the remote-job engine on its own, with a toy provider
 * (a dozen lines of hooks) against a toy service: a submit whose answer is
 * lost is never sent again when the service has no lookup (in doubt), and
 * is found by its external id when it has one; refusals are sent again; a
 * restart looks before it submits, or polls the id the ledger recorded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-http.h"
#include "heyai-llm-schema.h"
#include "heyai-remote-job.h"

/* A 1x1 PNG: the engine probes what it downloads. */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
  0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
  0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
  0x42, 0x60, 0x82,
};

/* The toy service: POST /submit answers each attempt as its script says
 * ("ok", "429", or "502-taken": accepts, then the answer is a 502);
 * GET /find/ext-1 finds an accepted request; GET /status/r1 says done. */
typedef struct
{
  SoupServer         *server;
  char               *base;
  const char * const *script;
  guint               submits;
  guint               finds;
  guint               polls;
  gboolean            taken;
  char               *tmp;
  GMainLoop          *loop;
  HeyaiGenResult     *result;
  GError             *error;
  char               *reported_id;
} Service;

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Service *s = user_data;

  if (g_str_equal (path, "/submit"))
    {
      const char *step = s->script[MIN (s->submits, g_strv_length ((char **) s->script) - 1)];

      s->submits++;
      if (g_str_equal (step, "429"))
        reply (msg, 429, "{\"error\":\"busy\"}");
      else
        {
          s->taken = TRUE;
          if (g_str_equal (step, "502-taken"))
            reply (msg, 502, "{\"error\":\"bad gateway\"}");
          else
            reply (msg, 200, "{\"id\":\"r1\"}");
        }
    }
  else if (g_str_equal (path, "/find/ext-1"))
    {
      s->finds++;
      if (s->taken)
        reply (msg, 200, "{\"id\":\"r1\"}");
      else
        reply (msg, 404, "{\"error\":\"no such request\"}");
    }
  else if (g_str_equal (path, "/status/r1"))
    {
      g_autofree char *json = g_strdup_printf ("{\"status\":\"done\",\"url\":\"%s/file.png\"}", s->base);

      s->polls++;
      reply (msg, s->taken ? 200 : 404, json);
    }
  else if (g_str_equal (path, "/file.png"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_STATIC, (const char *) tiny_png,
                                        sizeof tiny_png);
    }
  else
    reply (msg, 404, "{}");
}

/* -- the toy provider: its hooks ------------------------------------------ */

static HeyaiHttpRequest *
build_submit (GTask *task)
{
  return heyai_http_request_new ("POST", "/submit");
}

static const char *
answer_id (HeyaiHttpResponse *response)
{
  return heyai_json_object_get_string_or_null (heyai_http_response_get_object (response, NULL), "id");
}

static HeyaiRemoteSubmit
read_submit_answer (GTask              *task,
                    HeyaiHttpResponse  *response,
                    char              **remote_id,
                    GError            **error)
{
  guint status = heyai_http_response_get_status (response);

  if (status == 200 && answer_id (response) != NULL)
    {
      *remote_id = g_strdup (answer_id (response));
      return HEYAI_REMOTE_SUBMIT_ACCEPTED;
    }
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE, "HTTP %u", status);
  return status == 429 ? HEYAI_REMOTE_SUBMIT_REFUSED : HEYAI_REMOTE_SUBMIT_AMBIGUOUS;
}

static HeyaiHttpRequest *
find_by_external_id (GTask *task)
{
  return heyai_http_request_new ("GET", "/find/ext-1");
}

static HeyaiRemoteSubmit
read_found (GTask              *task,
            HeyaiHttpResponse  *response,
            char              **remote_id,
            GError            **error)
{
  if (heyai_http_response_get_status (response) == 404)
    return HEYAI_REMOTE_SUBMIT_NOT_FOUND;
  return read_submit_answer (task, response, remote_id, error);
}

static HeyaiHttpRequest *
status_request (GTask      *task,
                const char *remote_id)
{
  g_autofree char *path = g_strdup_printf ("/status/%s", remote_id);

  return heyai_http_request_new ("GET", path);
}

static HeyaiRemoteStatus
read_status (GTask              *task,
             HeyaiHttpResponse  *response,
             char              **url,
             GError            **error)
{
  JsonObject *root = heyai_http_response_get_object (response, NULL);

  if (g_strcmp0 (heyai_json_object_get_string_or_null (root, "status"), "done") != 0)
    return HEYAI_REMOTE_STATUS_UNREADABLE;
  *url = g_strdup (heyai_json_object_get_string_or_null (root, "url"));
  return HEYAI_REMOTE_STATUS_DONE;
}

static HeyaiGenResult *
make_result (GTask               *task,
             const char          *path,
             const HeyaiClipInfo *clip)
{
  HeyaiGenResult *gen = heyai_gen_result_new ();

  gen->path = g_strdup (path);
  gen->provider = g_strdup ("toy");
  return gen;
}

static guint
no_delay (GTask             *task,
          HeyaiHttpResponse *response,
          guint              attempt)
{
  return 1;
}

/* Without a lookup: a lost answer is in doubt. */
static const HeyaiRemoteJobHooks in_doubt_hooks = {
  .build_submit = build_submit, .read_submit_answer = read_submit_answer,
  .retry_delay_ms = no_delay, .max_submits = 4,
  .status_request = status_request, .read_status = read_status, .make_result = make_result,
};

/* With one (an idempotency key): a lost answer is looked up. */
static const HeyaiRemoteJobHooks lookup_hooks = {
  .build_submit = build_submit, .read_submit_answer = read_submit_answer,
  .find_by_external_id = find_by_external_id, .read_found = read_found,
  .retry_delay_ms = no_delay, .max_submits = 4, .max_lookups = 3,
  .status_request = status_request, .read_status = read_status, .make_result = make_result,
};

/* -- running a job ---------------------------------------------------------- */

static void
reported_remote_id (const char *remote_id,
                    gpointer    user_data)
{
  Service *s = user_data;

  g_free (s->reported_id);
  s->reported_id = g_strdup (remote_id);
}

static const HeyaiGenReporterFuncs reporter_funcs = { .remote_id = reported_remote_id };

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Service *s = user_data;

  s->result = g_task_propagate_pointer (G_TASK (result), &s->error);
  g_main_loop_quit (s->loop);
}

static void
job_data_free (HeyaiRemoteJob *job)
{
  heyai_remote_job_clear (job);
  g_free (job);
}

static void
run_job (Service                   *s,
         const HeyaiRemoteJobHooks *hooks,
         const HeyaiGenInput       *recorded)
{
  g_autoptr(HeyaiHttp) http = heyai_http_new (s->base, "Toy");
  HeyaiGenReporter *reporter = heyai_gen_reporter_new (&reporter_funcs, s, NULL);
  HeyaiGenInput input = { .take = 1, .dest_dir = s->tmp, .attempts = 1, .state = HEYAI_JOB_STATE_RUNNING };
  GTask *task = g_task_new (NULL, NULL, job_done_cb, s);
  HeyaiRemoteJob *job = g_new0 (HeyaiRemoteJob, 1);
  HeyaiRetryPolicy policy;

  heyai_http_get_retry_policy (http, &policy);
  policy.base_delay = 0.001;
  policy.max_delay = 0.005;
  heyai_http_set_retry_policy (http, &policy);
  if (recorded != NULL)
    {
      input.remote_id = recorded->remote_id;
      input.state = recorded->state;
      input.attempts = recorded->attempts;
    }
  heyai_remote_job_init (job, hooks, http, "Toy", HEYAI_REMOTE_MEDIA_STILL, reporter, &input, 3, 1, 30);
  g_task_set_task_data (task, job, (GDestroyNotify) job_data_free);
  heyai_gen_reporter_unref (reporter);

  heyai_remote_job_start (task);
  g_main_loop_run (s->loop);
}

static void
service_setup (Service       *s,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  s->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (s->server, NULL, handler, s, NULL);
  g_assert_true (soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (s->server);
  s->base = g_uri_to_string (uris->data);
  if (g_str_has_suffix (s->base, "/"))
    s->base[strlen (s->base) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  s->tmp = g_dir_make_tmp ("heyai-remote-job-XXXXXX", &error);
  g_assert_no_error (error);
  s->loop = g_main_loop_new (NULL, FALSE);
}

static void
service_teardown (Service       *s,
                  gconstpointer  data)
{
  g_autofree char *still = g_build_filename (s->tmp, "scene-03.png", NULL);

  g_unlink (still);
  g_rmdir (s->tmp);
  g_free (s->tmp);
  g_clear_pointer (&s->result, heyai_gen_result_free);
  g_clear_error (&s->error);
  g_free (s->reported_id);
  g_main_loop_unref (s->loop);
  soup_server_disconnect (s->server);
  g_object_unref (s->server);
  g_free (s->base);
}

/* -- the tests ---------------------------------------------------------------- */

/* No lookup: the service took the request but its answer was a 502; the
 * engine never sends it again (it may be billed): in doubt. */
static void
test_lost_answer_in_doubt (Service       *s,
                           gconstpointer  data)
{
  static const char * const script[] = { "502-taken", "ok", NULL };

  s->script = script;
  run_job (s, &in_doubt_hooks, NULL);
  g_assert_error (s->error, HEYAI_ERROR, HEYAI_ERROR_IN_DOUBT);
  g_assert_nonnull (strstr (s->error->message, "Scene 3: Toy may have accepted this still"));
  g_assert_nonnull (strstr (s->error->message, "HTTP 502"));
  g_assert_cmpuint (s->submits, ==, 1);
  g_assert_cmpuint (s->finds, ==, 0);
  g_assert_null (s->reported_id);
}

/* With a lookup: the same lost answer is found by its external id, the id
 * reported, and the still collected; nothing sent twice. */
static void
test_lost_answer_found (Service       *s,
                        gconstpointer  data)
{
  static const char * const script[] = { "502-taken", "ok", NULL };

  s->script = script;
  run_job (s, &lookup_hooks, NULL);
  g_assert_no_error (s->error);
  g_assert_nonnull (s->result);
  g_assert_true (g_str_has_suffix (s->result->path, "scene-03.png"));
  g_assert_cmpstr (s->result->request_id, ==, "r1");
  g_assert_cmpstr (s->reported_id, ==, "r1");
  g_assert_cmpuint (s->submits, ==, 1);
  g_assert_cmpuint (s->finds, ==, 1);
}

/* A refusal proves nothing was taken: sent again, then accepted. */
static void
test_refused_then_accepted (Service       *s,
                            gconstpointer  data)
{
  static const char * const script[] = { "429", "429", "ok", NULL };

  s->script = script;
  run_job (s, &in_doubt_hooks, NULL);
  g_assert_no_error (s->error);
  g_assert_nonnull (s->result);
  g_assert_cmpuint (s->submits, ==, 3);
}

/* Refused every time: given up after max_submits, with the refusal. */
static void
test_refused_gives_up (Service       *s,
                       gconstpointer  data)
{
  static const char * const script[] = { "429", NULL };

  s->script = script;
  run_job (s, &in_doubt_hooks, NULL);
  g_assert_error (s->error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE);
  g_assert_cmpuint (s->submits, ==, in_doubt_hooks.max_submits);
}

/* A restart of a job that may have been submitted (state SUBMITTED, no id
 * recorded): looked up first; found, so never submitted again. */
static void
test_restart_looks_first (Service       *s,
                          gconstpointer  data)
{
  static const char * const script[] = { "ok", NULL };
  HeyaiGenInput recorded = { .state = HEYAI_JOB_STATE_SUBMITTED, .attempts = 2 };

  s->script = script;
  s->taken = TRUE;
  run_job (s, &lookup_hooks, &recorded);
  g_assert_no_error (s->error);
  g_assert_cmpuint (s->submits, ==, 0);
  g_assert_cmpuint (s->finds, ==, 1);

  /* Not found: submitted once. */
  g_clear_pointer (&s->result, heyai_gen_result_free);
  s->taken = FALSE;
  s->finds = 0;
  run_job (s, &lookup_hooks, &recorded);
  g_assert_no_error (s->error);
  g_assert_cmpuint (s->submits, ==, 1);
  g_assert_cmpuint (s->finds, ==, 1);
}

/* The ledger recorded the id: polled, neither looked up nor submitted. */
static void
test_restart_with_id (Service       *s,
                      gconstpointer  data)
{
  static const char * const script[] = { "ok", NULL };
  HeyaiGenInput recorded = { .remote_id = "r1", .state = HEYAI_JOB_STATE_SUBMITTED, .attempts = 2 };

  s->script = script;
  s->taken = TRUE;
  run_job (s, &lookup_hooks, &recorded);
  g_assert_no_error (s->error);
  g_assert_cmpuint (s->submits, ==, 0);
  g_assert_cmpuint (s->finds, ==, 0);
  g_assert_cmpuint (s->polls, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add ("/remote-job/" path, Service, NULL, service_setup, fn, service_teardown)
  ADD ("lost-answer-in-doubt", test_lost_answer_in_doubt);
  ADD ("lost-answer-found", test_lost_answer_found);
  ADD ("refused-then-accepted", test_refused_then_accepted);
  ADD ("refused-gives-up", test_refused_gives_up);
  ADD ("restart-looks-first", test_restart_looks_first);
  ADD ("restart-with-id", test_restart_with_id);
#undef ADD

  return g_test_run ();
}
