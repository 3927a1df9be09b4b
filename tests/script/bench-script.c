/* bench-script.c: parse time of a ~2 MB Fountain script and of the samples.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-llm-offline.h"

static void
split_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = heyai_llm_split_finish (HEYAI_LLM (source), result, &error);
  g_assert_no_error (error);
}

/* Runs the offline splitter on @script; returns the elapsed µs. */
static gint64
time_split (const char *script,
            guint      *n_scenes)
{
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autoptr(HeyaiLlm) llm = heyai_llm_offline_new ();
  g_autoptr(GPtrArray) scenes = NULL;
  gint64 start;

  heyai_project_set_id (project, "bench");
  heyai_project_set_script (project, script);
  heyai_project_set_style (project, "Moody 35 mm film, teal and amber");
  start = g_get_monotonic_time ();
  heyai_llm_split_async (llm, project, NULL, split_cb, &scenes);
  while (scenes == NULL)
    g_main_context_iteration (NULL, TRUE);
  *n_scenes = scenes->len;
  return g_get_monotonic_time () - start;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GString) s = g_string_new ("Title: Benchmark\nCredit: bench-script\n\n");
  gsize target = HEYAI_SCRIPT_MAX_BYTES - 4096;
  guint n = 0;
  gint64 best = G_MAXINT64;
  gint64 total = 0;
  guint scenes = 0;
  int runs = 5;
  int i;

  while (s->len < target)
    {
      n++;
      g_string_append_printf (s,
                              "%s. LOCATION %u - NIGHT\n\n"
                              "Rain falls on the city. A figure in a long *coat* walks past neon signs; "
                              "the camera follows as trains rumble — somewhere a dog barks.\n\n"
                              "DETECTIVE %u\n(tired)\nWe're not done here. Not by a long shot, señor.\n\n"
                              "[[note %u]] /* cut %u */\n\nCUT TO:\n\n",
                              n % 2 ? "INT" : "EXT", n, n % 7, n, n);
    }

  for (i = 0; i < runs; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiScript) script = NULL;
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;

      script = heyai_script_parse (s->str, (gssize) s->len, &error);
      elapsed = g_get_monotonic_time () - start;
      if (script == NULL)
        {
          fprintf (stderr, "parse failed: %s\n", error->message);
          return 1;
        }
      scenes = script->scenes->len;
      best = MIN (best, elapsed);
      total += elapsed;
    }

  printf ("fountain %.2f MB, %u scenes: best %.1f ms, mean %.1f ms over %d runs (%.1f MB/s)\n",
          s->len / (1024.0 * 1024.0), scenes, best / 1000.0, total / 1000.0 / runs, runs,
          (s->len / (1024.0 * 1024.0)) / (best / 1e6));

  {
    guint out = 0;
    gint64 us = time_split (s->str, &out);

    printf ("offline splitter on %.2f MB (%u script scenes -> %u scenes): %.1f ms\n",
            s->len / (1024.0 * 1024.0), scenes, out, us / 1000.0);
  }

  {
    /* worst case for the 60-scene cap: half a million one-line scenes */
    g_autoptr(GString) tiny = g_string_new (NULL);
    guint out = 0;
    gint64 us;

    while (tiny->len + 4 <= HEYAI_SCRIPT_MAX_BYTES)
      g_string_append (tiny, ".A\n\n");
    us = time_split (tiny->str, &out);
    printf ("offline splitter on %.2f MB of %u tiny scenes -> %u scenes: %.1f ms\n",
            tiny->len / (1024.0 * 1024.0), (guint) (tiny->len / 4), out, us / 1000.0);
  }

  {
    const char *dir = g_getenv ("HEYAI_SAMPLES_DIR");
    const char *names[] = { "el-ultimo-faro.txt", "night-shift.fountain" };
    gsize k;

    for (k = 0; dir != NULL && k < G_N_ELEMENTS (names); k++)
      {
        g_autofree char *path = g_build_filename (dir, names[k], NULL);
        g_autofree char *text = NULL;
        guint out = 0;
        gint64 us;

        if (!g_file_get_contents (path, &text, NULL, NULL))
          continue;
        us = time_split (text, &out);
        printf ("offline splitter on %s: %u scenes in %.2f ms\n", names[k], out, us / 1000.0);
      }
  }

  {
    gsize size = 5 * 1024 * 1024;
    g_autofree char *big = g_malloc (size);
    g_autoptr(GError) error = NULL;
    gint64 start;

    memset (big, 'x', size);
    start = g_get_monotonic_time ();
    g_assert_null (heyai_script_parse (big, (gssize) size, &error));
    printf ("5 MB input rejected in %" G_GINT64_FORMAT " µs\n", g_get_monotonic_time () - start);
  }

  return 0;
}
