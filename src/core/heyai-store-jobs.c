/* heyai-store-jobs.c: the jobs table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "heyai-store-private.h"
#include "heyai-enums.h"
#include "heyai-error.h"
#include "heyai-project.h"
#include "heyai-scene.h"
#include "heyai-asset.h"
#include "heyai-job.h"
#include "heyai-util.h"

/* ------------------------------------------------------------------------ */
/* Jobs                                                                     */
/* ------------------------------------------------------------------------ */

gboolean
heyai_store_insert_job (HeyaiStore  *self,
                        HeyaiJob    *job,
                        GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_JOB (job), FALSE);
  g_return_val_if_fail (heyai_job_get_project_id (job) != NULL ||
                        heyai_job_get_scene_id (job) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (heyai_job_get_project_id (job) == NULL)
    {
      g_autofree char *pid = NULL;

      if (!_heyai_store_project_of_scene (self, heyai_job_get_scene_id (job), &pid, error))
        return FALSE;
      heyai_job_set_project_id (job, pid);
    }

  if (heyai_job_get_id (job) == NULL)
    {
      g_autofree char *id = heyai_uuid_new ();
      heyai_job_set_id (job, id);
    }

  /* Stable across retries and restarts: derived from the job row. */
  if (heyai_job_get_idempotency_key (job) == NULL)
    heyai_job_set_idempotency_key (job, heyai_job_get_id (job));

  if (heyai_job_get_created_at (job) <= 0)
    heyai_job_set_created_at (job, g_get_real_time ());

  now = _heyai_store_stamp (self);
  heyai_job_set_updated_at (job, now);
  heyai_job_set_deleted (job, FALSE);

  if (!_heyai_store_write_object (self, TABLE_JOBS, G_OBJECT (job), WRITE_INSERT, error))
    return FALSE;

  _heyai_store_queue_signal (self, JOB_CHANGED, job, NULL);

  return TRUE;
}

gboolean
heyai_store_update_job (HeyaiStore  *self,
                        HeyaiJob    *job,
                        GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_JOB (job), FALSE);
  g_return_val_if_fail (heyai_job_get_id (job) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = _heyai_store_stamp (self);
  heyai_job_set_updated_at (job, now);

  if (!_heyai_store_write_object (self, TABLE_JOBS, G_OBJECT (job), WRITE_UPDATE, error))
    return FALSE;

  _heyai_store_queue_signal (self, JOB_CHANGED, job, NULL);

  return TRUE;
}

HeyaiJob *
heyai_store_get_job (HeyaiStore  *self,
                     const char  *job_id,
                     GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HeyaiJob *job;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_JOBS, "WHERE id = ?1 AND deleted = 0");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, job_id);

  job = _heyai_store_load_one (self, TABLE_JOBS, stmt, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (job == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                 _("This job no longer exists (it may have been deleted)."));

  return job;
}

GPtrArray *
heyai_store_list_jobs (HeyaiStore  *self,
                       const char  *project_id,
                       gboolean     unfinished_only,
                       GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (unfinished_only)
    sql = _heyai_store_select_sql (TABLE_JOBS,
                                   "WHERE project_id = ?1 AND deleted = 0 "
                                   "AND state NOT IN ('done', 'failed', 'cancelled') "
                                   "ORDER BY created_at, rowid");
  else
    sql = _heyai_store_select_sql (TABLE_JOBS,
                                   "WHERE project_id = ?1 AND deleted = 0 ORDER BY created_at, rowid");

  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);

  return _heyai_store_load_objects (self, TABLE_JOBS, stmt, error);
}
