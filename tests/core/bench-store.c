/* bench-store.c: HeyaiStore throughput (prints figures, asserts nothing timed).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "heyai-core.h"

#define N_PROJECTS 50
#define N_SCENES   24
#define N_JOBS     2000

static void
report (const char *what,
        guint       n,
        gint64      start)
{
  double ms = (g_get_monotonic_time () - start) / 1000.0;

  g_print ("%-40s %6u in %8.1f ms  (%.3f ms each)\n", what, n, ms, ms / n);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-bench-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "heyai.db", NULL);
  g_autoptr(HeyaiStore) store = NULL;
  g_autoptr(GPtrArray) projects = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 start;

  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  store = heyai_store_new (path, &error);
  g_assert_no_error (error);
  report ("open + migrate a new library", 1, start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PROJECTS; i++)
    {
      HeyaiProject *project = heyai_project_new ();
      g_autofree char *title = g_strdup_printf ("Trailer %u", i);

      heyai_project_set_title (project, title);
      g_assert_true (heyai_store_insert_project (store, project, &error));
      g_ptr_array_add (projects, project);
    }
  report ("insert_project", N_PROJECTS, start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PROJECTS; i++)
    {
      g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint s = 0; s < N_SCENES; s++)
        {
          HeyaiScene *scene = heyai_scene_new ();

          heyai_scene_set_title (scene, "A lighthouse keeper watches the storm");
          heyai_scene_set_image_prompt (scene, "wide shot, lighthouse at night, rain, cinematic light");
          g_ptr_array_add (scenes, scene);
        }
      g_assert_true (heyai_store_replace_scenes (store, heyai_project_get_id (g_ptr_array_index (projects, i)),
                                                 scenes, &error));
    }
  report ("replace_scenes (24 scenes)", N_PROJECTS, start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_JOBS; i++)
    {
      HeyaiJob *job = heyai_job_new ();

      heyai_job_set_project_id (job, heyai_project_get_id (g_ptr_array_index (projects, i % N_PROJECTS)));
      heyai_job_set_kind (job, HEYAI_JOB_KIND_IMAGE);
      g_assert_true (heyai_store_insert_job (store, job, &error));
      g_ptr_array_add (jobs, job);
    }
  report ("insert_job (autocommit)", N_JOBS, start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_JOBS; i++)
    {
      HeyaiJob *job = g_ptr_array_index (jobs, i);

      heyai_job_set_state (job, HEYAI_JOB_STATE_RUNNING);
      heyai_job_set_remote_id (job, "remote-task");
      g_assert_true (heyai_store_update_job (store, job, &error));
    }
  report ("update_job (autocommit)", N_JOBS, start);

  start = g_get_monotonic_time ();
  g_assert_true (heyai_store_begin (store, &error));
  for (guint i = 0; i < N_JOBS; i++)
    {
      HeyaiJob *job = g_ptr_array_index (jobs, i);

      heyai_job_set_state (job, HEYAI_JOB_STATE_DONE);
      g_assert_true (heyai_store_update_job (store, job, &error));
    }
  g_assert_true (heyai_store_commit (store, &error));
  report ("update_job (one transaction)", N_JOBS, start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PROJECTS; i++)
    {
      g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (g_ptr_array_index (projects, i)), &error);
      g_assert_cmpuint (scenes->len, ==, N_SCENES);
    }
  report ("list_scenes (24 scenes, new objects)", N_PROJECTS, start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PROJECTS; i++)
    {
      g_autoptr(GPtrArray) list = heyai_store_list_jobs (store, heyai_project_get_id (g_ptr_array_index (projects, i)), FALSE, &error);
      g_assert_cmpuint (list->len, ==, N_JOBS / N_PROJECTS);
    }
  report ("list_jobs (40 live jobs, identity map)", N_PROJECTS, start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *ref = g_strdup_printf ("%u", i % N_PROJECTS + 1);
      g_autoptr(HeyaiProject) found = heyai_store_find_project (store, ref, &error);
      g_assert_nonnull (found);
    }
  report ("find_project by number", 1000, start);

  g_clear_pointer (&jobs, g_ptr_array_unref);
  g_clear_pointer (&projects, g_ptr_array_unref);
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
  }
  g_remove (path);
  g_rmdir (dir);

  return 0;
}
