/* bench-clients.c: figures for the real clients against the standalone fake
 * server (a separate process, so the fake's own work does not count):
 *  - Kling: one clip from a ~9 MB still (base64 + JSON body in a worker):
 *    wall time and the longest main-loop stall while it runs;
 *  - Higgsfield: 20 stills at once: wall time and longest stall;
 *  - the scene schema: parse + validate a 60-scene reply.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-http.h"
#include "heyai-llm-schema.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-animator-kling.h"

static gint64 last_tick;
static gint64 max_gap;

static gboolean
tick_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0)
    max_gap = MAX (max_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
reset_stall (void)
{
  last_tick = 0;
  max_gap = 0;
}

static GSubprocess *
start_server (GPtrArray *env)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  GSubprocess *server;

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             g_getenv ("HEYAI_FAKE_SERVER"), "--services=higgsfield,kling", "--exit-on-eof",
                             "--option=kling.polls=1", "--option=higgsfield.polls=1", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  for (;;)
    {
      char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, "READY"))
        {
          g_free (line);
          break;
        }
      g_ptr_array_add (env, line);
    }
  return server;
}

static const char *
env_value (GPtrArray  *env,
           const char *name)
{
  for (guint i = 0; i < env->len; i++)
    {
      const char *line = g_ptr_array_index (env, i);

      if (g_str_has_prefix (line, name) && line[strlen (name)] == '=')
        return line + strlen (name) + 1;
    }
  return NULL;
}

static cairo_status_t
png_write (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* A noisy (incompressible) PNG of about 9 MB. */
static void
write_big_still (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 2000, 1500);
  guint32 *pixels = (guint32 *) cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface) / 4;
  GRand *rand = g_rand_new_with_seed (42);
  FILE *out;

  cairo_surface_flush (surface);
  for (int y = 0; y < 1500; y++)
    for (int x = 0; x < 2000; x++)
      pixels[y * stride + x] = g_rand_int (rand) & 0xffffff;
  cairo_surface_mark_dirty (surface);
  out = fopen (path, "wb");
  g_assert_nonnull (out);
  cairo_surface_write_to_png_stream (surface, png_write, out);
  fclose (out);
  cairo_surface_destroy (surface);
  g_rand_free (rand);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GPtrArray *results = user_data;

  g_ptr_array_add (results, g_object_ref (result));
}

static void
bench_kling (GPtrArray  *env,
             const char *dir)
{
  g_autofree char *still = g_build_filename (dir, "big.png", NULL);
  g_autoptr(HeyaiAnimatorKling) kling = heyai_animator_kling_new (env_value (env, "HEYAI_KLING_BASE_URL"),
                                                                 "fake-kling-access", "fake-kling-secret",
                                                                 NULL, NULL);
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  struct stat st;
  gint64 start;

  write_big_still (still);
  g_assert_cmpint (g_stat (still, &st), ==, 0);
  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (kling), 10);

  for (int i = 1; i <= 3; i++)
    {
      g_autoptr(HeyaiScene) scene = heyai_scene_new ();
      g_autoptr(HeyaiJob) job = heyai_job_new ();
      g_autofree char *id = g_strdup_printf ("bench-kling-%d", i);
      g_autoptr(HeyaiGenResult) gen = NULL;
      g_autoptr(GError) error = NULL;

      heyai_scene_set_position (scene, i);
      heyai_scene_set_duration (scene, 5);
      heyai_scene_set_motion_prompt (scene, "Waves crash on the rocks");
      heyai_job_set_id (job, id);
      heyai_job_set_take (job, 1);

      reset_stall ();
      start = g_get_monotonic_time ();
      g_ptr_array_set_size (results, 0);
      heyai_animator_animate_for_job_async (HEYAI_ANIMATOR (kling), project, scene, job, still, dir, NULL,
                                    store_result, results);
      while (results->len == 0)
        g_main_context_iteration (NULL, TRUE);
      gen = heyai_animator_animate_finish (HEYAI_ANIMATOR (kling), g_ptr_array_index (results, 0), &error);
      g_assert_no_error (error);
      g_print ("kling: clip %d from a %.1f MB still: %.0f ms, longest main-loop stall %.1f ms\n",
               i, st.st_size / 1e6, (g_get_monotonic_time () - start) / 1000.0, max_gap / 1000.0);
    }
}

static void
bench_higgsfield (GPtrArray  *env,
                  const char *dir)
{
  g_autoptr(HeyaiImagerHiggsfield) imager = heyai_imager_higgsfield_new (env_value (env, "HEYAI_HIGGSFIELD_BASE_URL"),
                                                                        "fake-hf-id:fake-hf-secret", NULL);
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  const int n = 20;
  gint64 start;

  heyai_remote_provider_set_poll_interval (HEYAI_REMOTE_PROVIDER (imager), 10);
  reset_stall ();
  start = g_get_monotonic_time ();
  for (int i = 1; i <= n; i++)
    {
      HeyaiScene *scene = heyai_scene_new ();
      HeyaiJob *job = heyai_job_new ();

      heyai_scene_set_position (scene, i);
      heyai_scene_set_image_prompt (scene, "A lighthouse in the fog");
      heyai_job_set_take (job, 1);
      g_ptr_array_add (scenes, scene);
      g_ptr_array_add (jobs, job);
      heyai_imager_generate_for_job_async (HEYAI_IMAGER (imager), project, scene, job, dir, NULL,
                                   store_result, results);
    }
  while (results->len < (guint) n)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < results->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiGenResult) gen = heyai_imager_generate_finish (HEYAI_IMAGER (imager),
                                                                    g_ptr_array_index (results, i), &error);
      g_assert_no_error (error);
    }
  g_print ("higgsfield: %d stills at once: %.0f ms, longest main-loop stall %.1f ms\n",
           n, (g_get_monotonic_time () - start) / 1000.0, max_gap / 1000.0);
}

static void
bench_schema (void)
{
  g_autoptr(GString) json = g_string_new ("{\"scenes\":[");
  const int rounds = 200;
  gint64 start;

  for (int i = 0; i < HEYAI_LLM_MAX_SCENES; i++)
    g_string_append_printf (json, "%s{\"title\":\"Scene %d\",\"description\":\"Marta climbs the stairs "
                            "with an oil lamp, every step creaks.\",\"image_prompt\":\"Cinematic still of an "
                            "old woman with a grey braid and a yellow oilskin climbing a spiral staircase, "
                            "teal and amber palette, 35 mm\",\"motion_prompt\":\"She climbs slowly, the lamp "
                            "swings\",\"camera_move\":\"tilt-up\",\"duration\":%d}",
                            i > 0 ? "," : "", i + 1, i % 2 ? 10 : 5);
  g_string_append (json, "]}");

  start = g_get_monotonic_time ();
  for (int i = 0; i < rounds; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = heyai_llm_parse_reply_text (json->str, &error);

      g_assert_no_error (error);
    }
  g_print ("schema: parse + validate a %d-scene reply (%zu bytes): %.2f ms\n",
           HEYAI_LLM_MAX_SCENES, json->len, (g_get_monotonic_time () - start) / 1000.0 / rounds);
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-bench-clients-XXXXXX", NULL);
  g_autoptr(GDir) listing = NULL;
  const char *name;

  g_assert_nonnull (dir);
  server = start_server (env);
  g_timeout_add (2, tick_cb, NULL);

  /* Baseline: the same measure with nothing to do (scheduling noise on a
   * loaded machine). */
  {
    gint64 until = g_get_monotonic_time () + 500 * 1000;

    reset_stall ();
    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_print ("idle baseline: longest main-loop gap over 500 ms: %.1f ms\n", max_gap / 1000.0);
  }

  bench_schema ();
  bench_higgsfield (env, dir);
  bench_kling (env, dir);

  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
  return 0;
}
