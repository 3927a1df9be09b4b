/* clients-fixture.h: shared fixture for the client tests: one in-process fake
 * on 127.0.0.1, a temp dir, instant backoff (the delays asked for are
 * recorded), and a log capture for the redaction checks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-http.h"
#include "heyai-fake.h"

typedef struct
{
  HeyaiFake *fake;
  char      *tmp;
  GArray    *delays;   /* double: backoff delays the HTTP layer asked for */
} Fixture;

static GString *captured_log = NULL;

G_GNUC_UNUSED static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (captured_log != NULL)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE"))
        {
          if (fields[i].length < 0)
            g_string_append (captured_log, fields[i].value);
          else
            g_string_append_len (captured_log, fields[i].value, fields[i].length);
          g_string_append_c (captured_log, '\n');
        }
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* Call first in main(): debug logging of the net layer on, captured. */
static inline void
clients_test_init (int    *argc,
                   char ***argv)
{
  g_log_set_writer_func (capture_writer, NULL, NULL);
  g_test_init (argc, argv, NULL);
}

static inline void
capture_start (void)
{
  if (captured_log == NULL)
    captured_log = g_string_new (NULL);
  g_string_truncate (captured_log, 0);
  g_setenv ("G_MESSAGES_DEBUG", "heyai-net", TRUE);
}

static inline char *
capture_stop (void)
{
  char *text = g_strdup (captured_log != NULL ? captured_log->str : "");

  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);

  if (captured_log != NULL)
    g_string_free (g_steal_pointer (&captured_log), TRUE);
  return text;
}

G_GNUC_UNUSED static double
record_delay (HeyaiHttp *http,
              guint      attempt,
              double     seconds,
              gpointer   user_data)
{
  Fixture *f = user_data;

  g_array_append_val (f->delays, seconds);
  return 0;
}

/* Fast retries for a client's HeyaiHttp (the delays are still recorded). */
static inline void
fixture_tune_http (Fixture   *f,
                   HeyaiHttp *http)
{
  HeyaiRetryPolicy policy;

  heyai_http_get_retry_policy (http, &policy);
  policy.base_delay = 0.001;
  policy.max_delay = 0.005;
  heyai_http_set_retry_policy (http, &policy);
  heyai_http_set_delay_func (http, record_delay, f, NULL);
  heyai_http_set_timeout (http, 5);
}

G_GNUC_UNUSED static void
fixture_setup (Fixture       *f,
               gconstpointer  service)
{
  g_autoptr(GError) error = NULL;

  f->tmp = g_dir_make_tmp ("heyai-clients-XXXXXX", &error);
  g_assert_no_error (error);
  f->delays = g_array_new (FALSE, FALSE, sizeof (double));
  f->fake = heyai_fake_new ();
  g_assert_true (heyai_fake_install (f->fake, service, &error));
  g_assert_no_error (error);
  g_assert_true (heyai_fake_start (f->fake, 0, &error));
  g_assert_no_error (error);
}

G_GNUC_UNUSED static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

G_GNUC_UNUSED static void
fixture_teardown (Fixture       *f,
                  gconstpointer  service)
{
  heyai_fake_stop (f->fake);
  /* Let pending sources (closed connections) run before the fake goes. */
  for (int i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_clear_object (&f->fake);
  remove_tree (f->tmp);
  g_free (f->tmp);
  g_array_unref (f->delays);
}

G_GNUC_UNUSED static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Spins until the async call completes (at most @timeout_s; four times
 * that under AddressSanitizer, which slows GStreamer's clip probe most). */
static inline GAsyncResult *
wait_result (GAsyncResult **slot,
             guint          timeout_s)
{
#if defined(__SANITIZE_ADDRESS__)
  timeout_s *= 4;
#endif
  g_assert_true (heyai_fake_spin_until_ptr ((gpointer *) slot, timeout_s));
  return *slot;
}

static inline char *
fixture_url (Fixture    *f,
             const char *env_var)
{
  char *url = heyai_fake_dup_env_url (f->fake, env_var);

  g_assert_nonnull (url);
  return url;
}

static inline HeyaiProject *
make_project (const char *script)
{
  HeyaiProject *project = heyai_project_new ();

  heyai_project_set_id (project, "11111111-2222-3333-4444-555555555555");
  heyai_project_set_number (project, 1);
  heyai_project_set_title (project, "El último faro");
  heyai_project_set_script (project, script);
  heyai_project_set_style (project, "Marta: seventy, grey braid, yellow oilskin. Palette: teal and amber.");
  heyai_project_set_aspect (project, HEYAI_ASPECT_16_9);
  return project;
}

static inline HeyaiScene *
make_scene (int         position,
            const char *image_prompt,
            const char *motion_prompt,
            int         duration,
            HeyaiCameraMove move)
{
  HeyaiScene *scene = heyai_scene_new ();
  g_autofree char *id = g_strdup_printf ("scene-%d", position);

  heyai_scene_set_id (scene, id);
  heyai_scene_set_project_id (scene, "11111111-2222-3333-4444-555555555555");
  heyai_scene_set_position (scene, position);
  heyai_scene_set_title (scene, "A scene");
  heyai_scene_set_image_prompt (scene, image_prompt);
  heyai_scene_set_motion_prompt (scene, motion_prompt);
  heyai_scene_set_duration (scene, duration);
  heyai_scene_set_camera_move (scene, move);
  return scene;
}

static inline HeyaiJob *
make_job (HeyaiJobKind kind,
          int          position,
          int          take)
{
  HeyaiJob *job = heyai_job_new ();
  g_autofree char *id = g_strdup_printf ("job-%d-%d-%d", kind, position, take);

  heyai_job_set_id (job, id);
  heyai_job_set_kind (job, kind);
  heyai_job_set_take (job, take);
  heyai_job_set_state (job, HEYAI_JOB_STATE_QUEUED);
  return job;
}

static inline gboolean
file_starts_with (const char   *path,
                  const guint8 *magic,
                  gsize         len)
{
  g_autofree char *contents = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, NULL))
    return FALSE;
  return size >= len && memcmp (contents, magic, len) == 0;
}
