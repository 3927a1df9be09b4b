/* heyai-store-requests.c: the request ledger (table `requests`) and the
 * project lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-store"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include "heyai-store-private.h"
#include "heyai-error.h"
#include "heyai-util.h"

static const char *const state_names[] = {
  [HEYAI_REQUEST_SUBMITTING] = "submitting",
  [HEYAI_REQUEST_SUBMITTED]  = "submitted",
  [HEYAI_REQUEST_RUNNING]    = "running",
  [HEYAI_REQUEST_SUCCEEDED]  = "succeeded",
  [HEYAI_REQUEST_COLLECTED]  = "collected",
  [HEYAI_REQUEST_FAILED]     = "failed",
  [HEYAI_REQUEST_REFUSED]    = "refused",
  [HEYAI_REQUEST_UNKNOWN]    = "unknown",
};

#define COLUMNS "id, project_id, scene_id, job_id, kind, take, provider, model, inputs, " \
                "idempotency_key, remote_id, state, estimated_cost, cost, local_path, "   \
                "last_error, explicit, created_at, updated_at"

HeyaiRequest *
heyai_request_new (void)
{
  return g_new0 (HeyaiRequest, 1);
}

void
heyai_request_free (HeyaiRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->id);
  g_free (request->project_id);
  g_free (request->scene_id);
  g_free (request->job_id);
  g_free (request->kind);
  g_free (request->provider);
  g_free (request->model);
  g_free (request->inputs);
  g_free (request->idempotency_key);
  g_free (request->remote_id);
  g_free (request->local_path);
  g_free (request->last_error);
  g_free (request);
}

const char *
heyai_request_state_to_string (HeyaiRequestState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "unknown");
  return state_names[state];
}

gboolean
heyai_request_state_from_string (const char        *text,
                                 HeyaiRequestState *state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      {
        *state = (HeyaiRequestState) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
heyai_request_state_is_open (HeyaiRequestState state)
{
  return state == HEYAI_REQUEST_SUBMITTING || state == HEYAI_REQUEST_SUBMITTED ||
         state == HEYAI_REQUEST_RUNNING || state == HEYAI_REQUEST_SUCCEEDED;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text != NULL ? g_strdup (text) : NULL;
}

static HeyaiRequest *
request_from_row (sqlite3_stmt *stmt)
{
  HeyaiRequest *r = heyai_request_new ();
  g_autofree char *state = NULL;

  r->id = column_dup (stmt, 0);
  r->project_id = column_dup (stmt, 1);
  r->scene_id = column_dup (stmt, 2);
  r->job_id = column_dup (stmt, 3);
  r->kind = column_dup (stmt, 4);
  r->take = sqlite3_column_int (stmt, 5);
  r->provider = column_dup (stmt, 6);
  r->model = column_dup (stmt, 7);
  r->inputs = column_dup (stmt, 8);
  r->idempotency_key = column_dup (stmt, 9);
  r->remote_id = column_dup (stmt, 10);
  state = column_dup (stmt, 11);
  if (!heyai_request_state_from_string (state, &r->state))
    r->state = HEYAI_REQUEST_UNKNOWN;
  r->estimated_cost = sqlite3_column_double (stmt, 12);
  r->cost = sqlite3_column_double (stmt, 13);
  r->local_path = column_dup (stmt, 14);
  r->last_error = column_dup (stmt, 15);
  r->explicit_ask = sqlite3_column_int (stmt, 16) != 0;
  r->created_at = sqlite3_column_int64 (stmt, 17);
  r->updated_at = sqlite3_column_int64 (stmt, 18);
  return r;
}

static void
bind_request (sqlite3_stmt *stmt,
              HeyaiRequest *r)
{
  _heyai_store_bind_text (stmt, 1, r->id);
  _heyai_store_bind_text (stmt, 2, r->project_id);
  _heyai_store_bind_text (stmt, 3, r->scene_id);
  _heyai_store_bind_text (stmt, 4, r->job_id);
  _heyai_store_bind_text (stmt, 5, r->kind);
  sqlite3_bind_int (stmt, 6, r->take);
  _heyai_store_bind_text (stmt, 7, r->provider);
  _heyai_store_bind_text (stmt, 8, r->model);
  _heyai_store_bind_text (stmt, 9, r->inputs);
  _heyai_store_bind_text (stmt, 10, r->idempotency_key);
  _heyai_store_bind_text (stmt, 11, r->remote_id);
  _heyai_store_bind_text (stmt, 12, heyai_request_state_to_string (r->state));
  sqlite3_bind_double (stmt, 13, r->estimated_cost);
  sqlite3_bind_double (stmt, 14, r->cost);
  _heyai_store_bind_text (stmt, 15, r->local_path);
  _heyai_store_bind_text (stmt, 16, r->last_error);
  sqlite3_bind_int (stmt, 17, r->explicit_ask ? 1 : 0);
  sqlite3_bind_int64 (stmt, 18, r->created_at);
  sqlite3_bind_int64 (stmt, 19, r->updated_at);
}

gboolean
heyai_store_insert_request (HeyaiStore    *self,
                            HeyaiRequest  *request,
                            GError       **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (request->project_id != NULL && request->kind != NULL &&
                        request->provider != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (request->id == NULL)
    request->id = heyai_uuid_new ();
  if (request->created_at <= 0)
    request->created_at = g_get_real_time ();
  request->updated_at = g_get_real_time ();

  stmt = _heyai_store_prepare (self, "INSERT INTO requests (" COLUMNS ") VALUES "
                                     "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                                     "?15, ?16, ?17, ?18, ?19)", error);
  if (stmt == NULL)
    return FALSE;
  bind_request (stmt, request);
  return _heyai_store_step_done (self, stmt, error);
}

gboolean
heyai_store_update_request (HeyaiStore    *self,
                            HeyaiRequest  *request,
                            GError       **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (request != NULL && request->id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  request->updated_at = g_get_real_time ();
  stmt = _heyai_store_prepare (self, "UPDATE requests SET project_id = ?2, scene_id = ?3, job_id = ?4, "
                                     "kind = ?5, take = ?6, provider = ?7, model = ?8, inputs = ?9, "
                                     "idempotency_key = ?10, remote_id = ?11, state = ?12, "
                                     "estimated_cost = ?13, cost = ?14, local_path = ?15, "
                                     "last_error = ?16, explicit = ?17, created_at = ?18, "
                                     "updated_at = ?19 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_request (stmt, request);
  return _heyai_store_step_done (self, stmt, error);
}

static HeyaiRequest *
load_one (sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return request_from_row (stmt);
  return NULL;
}

HeyaiRequest *
heyai_store_get_request (HeyaiStore *self,
                         const char *id)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = _heyai_store_prepare (self, "SELECT " COLUMNS " FROM requests WHERE id = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, id);
  return load_one (stmt);
}

HeyaiRequest *
heyai_store_find_request (HeyaiStore *self,
                          const char *scene_id,
                          const char *kind,
                          const char *inputs)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (scene_id != NULL && kind != NULL, NULL);

  stmt = _heyai_store_prepare (self, "SELECT " COLUMNS " FROM requests WHERE scene_id = ?1 AND kind = ?2 "
                                     "AND inputs IS ?3 ORDER BY created_at DESC, rowid DESC LIMIT 1", NULL);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, scene_id);
  _heyai_store_bind_text (stmt, 2, kind);
  _heyai_store_bind_text (stmt, 3, inputs);
  return load_one (stmt);
}

HeyaiRequest *
heyai_store_find_request_by_key (HeyaiStore *self,
                                 const char *key)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);

  if (key == NULL)
    return NULL;
  stmt = _heyai_store_prepare (self, "SELECT " COLUMNS " FROM requests WHERE idempotency_key = ?1 "
                                     "ORDER BY created_at DESC, rowid DESC LIMIT 1", NULL);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, key);
  return load_one (stmt);
}

GPtrArray *
heyai_store_list_requests (HeyaiStore  *self,
                           const char  *project_id,
                           GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_request_free);
  int rc;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _heyai_store_prepare (self, "SELECT " COLUMNS " FROM requests WHERE ?1 IS NULL OR project_id = ?1 "
                                     "ORDER BY created_at, rowid", error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, request_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ------------------------------------------------------------------------ */
/* The project lock                                                         */
/* ------------------------------------------------------------------------ */

static gboolean
owner_is_live (const char *value,
               gint64      stale_usec,
               int        *pid_out)
{
  char *end = NULL;
  gint64 pid, stamp;

  if (value == NULL || *value == '\0')
    return FALSE;

  pid = g_ascii_strtoll (value, &end, 10);
  if (end == NULL || *end != ':' || pid <= 0)
    return FALSE;
  stamp = g_ascii_strtoll (end + 1, NULL, 10);

  if (pid == getpid ())
    return FALSE;
  if (g_get_real_time () - stamp > stale_usec)
    return FALSE;
  if (kill ((pid_t) pid, 0) != 0 && errno == ESRCH)
    return FALSE;

  *pid_out = (int) pid;
  return TRUE;
}

gboolean
heyai_store_take_project_lock (HeyaiStore  *self,
                               const char  *project_id,
                               gint64       stale_usec,
                               int         *other_pid,
                               GError     **error)
{
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;
  g_autofree char *mine = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (project_id != NULL && other_pid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *other_pid = 0;
  key = g_strdup_printf ("pipeline.owner.%s", project_id);

  /* BEGIN IMMEDIATE: the write lock is taken before the read, so two
   * processes cannot both see the lock free. */
  if (!heyai_store_begin (self, error))
    return FALSE;

  value = heyai_store_get_meta (self, key);
  if (owner_is_live (value, stale_usec, other_pid))
    {
      heyai_store_rollback (self);
      return FALSE;
    }

  mine = g_strdup_printf ("%d:%" G_GINT64_FORMAT, (int) getpid (), g_get_real_time ());
  if (!heyai_store_set_meta (self, key, mine, error))
    {
      heyai_store_rollback (self);
      return FALSE;
    }
  return heyai_store_commit (self, error);
}
