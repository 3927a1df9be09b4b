/* heyai-store-scenes.c: the scenes table: listing, inserting, moving and
 * renumbering.
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
/* Scenes                                                                   */
/* ------------------------------------------------------------------------ */

/* The project's scenes in order; the first @limit of them, or all when
 * @limit is negative. */
static GPtrArray *
list_scenes (HeyaiStore  *self,
             const char  *project_id,
             gint64       limit,
             GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* LIMIT -1 is SQLite's "no limit". */
  sql = _heyai_store_select_sql (TABLE_SCENES,
                                 "WHERE project_id = ?1 AND deleted = 0 ORDER BY position, created_at, id LIMIT ?2");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);
  sqlite3_bind_int64 (stmt, 2, limit);

  return _heyai_store_load_objects (self, TABLE_SCENES, stmt, error);
}

GPtrArray *
heyai_store_list_scenes (HeyaiStore  *self,
                         const char  *project_id,
                         GError     **error)
{
  return list_scenes (self, project_id, -1, error);
}

GPtrArray *
heyai_store_list_scenes_head (HeyaiStore  *self,
                              const char  *project_id,
                              guint        limit,
                              GError     **error)
{
  return list_scenes (self, project_id, MIN (limit, (guint) G_MAXINT), error);
}

char **
_heyai_store_collect_text (HeyaiStore    *self,
                           sqlite3_stmt  *stmt,
                           int            n_columns,
                           GError       **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    for (int i = 0; i < n_columns; i++)
      {
        const char *text = (const char *) sqlite3_column_text (stmt, i);

        g_strv_builder_add (builder, text != NULL ? text : "");
      }
  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (self, error, rc);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

char **
heyai_store_list_scene_versions (HeyaiStore  *self,
                                 const char  *project_id,
                                 GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The same order as heyai_store_list_scenes(). */
  stmt = _heyai_store_prepare (self, "SELECT id, updated_at FROM scenes WHERE project_id = ?1 AND deleted = 0 "
                                     "ORDER BY position, created_at, id", error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);
  return _heyai_store_collect_text (self, stmt, 2, error);
}

HeyaiScene *
heyai_store_get_scene (HeyaiStore  *self,
                       const char  *scene_id,
                       GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HeyaiScene *scene;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (scene_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_SCENES, "WHERE id = ?1 AND deleted = 0");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, scene_id);

  scene = _heyai_store_load_one (self, TABLE_SCENES, stmt, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (scene == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                 _("This scene no longer exists (it may have been deleted)."));

  return scene;
}

HeyaiScene *
heyai_store_get_scene_at (HeyaiStore  *self,
                          const char  *project_id,
                          int          position,
                          GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  HeyaiScene *scene;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_SCENES,
                                 "WHERE project_id = ?1 AND position = ?2 AND deleted = 0 "
                                 "ORDER BY created_at, id LIMIT 1");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);
  sqlite3_bind_int (stmt, 2, position);

  scene = _heyai_store_load_one (self, TABLE_SCENES, stmt, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (scene == NULL)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                 _("This project has no scene %d. Run “heyai show” to see its scenes."), position);

  return scene;
}

static void
prepare_new_scene (HeyaiScene *scene,
                   const char *project_id,
                   const char *now)
{
  if (heyai_scene_get_id (scene) == NULL)
    {
      g_autofree char *id = heyai_uuid_new ();
      heyai_scene_set_id (scene, id);
    }
  if (project_id != NULL)
    heyai_scene_set_project_id (scene, project_id);
  if (heyai_scene_get_created_at (scene) <= 0)
    heyai_scene_set_created_at (scene, g_get_real_time ());
  heyai_scene_set_updated_at (scene, now);
  heyai_scene_set_deleted (scene, FALSE);
}

gboolean
heyai_store_replace_scenes (HeyaiStore  *self,
                            const char  *project_id,
                            GPtrArray   *scenes,
                            GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (project_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    g_return_val_if_fail (HEYAI_IS_SCENE (g_ptr_array_index (scenes, i)), FALSE);

  /* @project_id may be owned by one of the objects we are about to change. */
  pid = g_strdup (project_id);

  if (!heyai_store_begin (self, error))
    return FALSE;

  now = _heyai_store_stamp (self);

  if (!_heyai_store_tombstone_where (self, TABLE_SCENES, "project_id", pid, now, error))
    goto failed;

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);

      prepare_new_scene (scene, pid, now);
      heyai_scene_set_position (scene, (int) i + 1);

      /* An upsert, so a scene kept from the old list keeps its id and takes. */
      if (!_heyai_store_write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_UPSERT, error))
        goto failed;
    }

  _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

typedef struct
{
  char *id;
  int   position;
} SceneSlot;

static void
scene_slot_free (gpointer data)
{
  SceneSlot *slot = data;

  if (slot == NULL)
    return;

  g_free (slot->id);
  g_free (slot);
}

/* The live scenes of @project_id in order, read without touching the model
 * objects (their unsaved edits survive a renumbering). */
static GPtrArray *
scene_slots (HeyaiStore  *self,
             const char  *project_id,
             GError     **error)
{
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func (scene_slot_free);
  g_autoptr(HeyaiStmt) stmt = NULL;
  int rc;

  stmt = _heyai_store_prepare (self,
                               "SELECT id, position FROM scenes WHERE project_id = ?1 AND deleted = 0 "
                               "ORDER BY position, created_at, id", error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SceneSlot *slot = g_new0 (SceneSlot, 1);

      slot->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      slot->position = sqlite3_column_int (stmt, 1);
      g_ptr_array_add (slots, slot);
    }

  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (self, error, rc);
      return NULL;
    }

  return g_steal_pointer (&slots);
}

/* Gives the slots positions 1..n in array order (a NULL slot keeps its
 * number free), writing only the scenes that moved. */
static gboolean
renumber_scenes (HeyaiStore  *self,
                 GPtrArray   *slots,
                 const char  *now,
                 GError     **error)
{
  for (guint i = 0; i < slots->len; i++)
    {
      SceneSlot *slot = g_ptr_array_index (slots, i);
      g_autoptr(HeyaiStmt) stmt = NULL;
      g_autoptr(GObject) live = NULL;
      int position = (int) i + 1;

      if (slot == NULL || slot->position == position)
        continue;

      stmt = _heyai_store_prepare (self, "UPDATE scenes SET position = ?2, updated_at = ?3 WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      _heyai_store_bind_text (stmt, 1, slot->id);
      sqlite3_bind_int (stmt, 2, position);
      _heyai_store_bind_text (stmt, 3, now);
      if (!_heyai_store_step_done (self, stmt, error))
        return FALSE;

      slot->position = position;

      live = _heyai_store_live_lookup (self, TABLE_SCENES, slot->id);
      if (live != NULL)
        {
          static const char * const props[] = { "position", "updated-at", NULL };

          heyai_scene_set_position (HEYAI_SCENE (live), position);
          heyai_scene_set_updated_at (HEYAI_SCENE (live), now);
          _heyai_store_base_update (TABLE_SCENES, live, props);
        }
    }

  return TRUE;
}

gboolean
heyai_store_insert_scene (HeyaiStore  *self,
                          HeyaiScene  *scene,
                          GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  int position;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_project_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pid = g_strdup (heyai_scene_get_project_id (scene));

  if (!heyai_store_begin (self, error))
    return FALSE;

  slots = scene_slots (self, pid, error);
  if (slots == NULL)
    goto failed;

  /* Position 0 (or past the end) appends; otherwise the scenes from that
   * position on move down one. */
  position = heyai_scene_get_position (scene);
  if (position <= 0 || position > (int) slots->len + 1)
    position = (int) slots->len + 1;

  now = _heyai_store_stamp (self);

  g_ptr_array_insert (slots, position - 1, NULL);
  if (!renumber_scenes (self, slots, now, error))
    goto failed;

  prepare_new_scene (scene, NULL, now);
  heyai_scene_set_position (scene, position);

  if (!_heyai_store_write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_INSERT, error))
    goto failed;

  _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

gboolean
heyai_store_update_scene (HeyaiStore  *self,
                          HeyaiScene  *scene,
                          GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = _heyai_store_stamp (self);
  heyai_scene_set_updated_at (scene, now);

  if (!_heyai_store_write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_UPDATE, error))
    return FALSE;

  _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, heyai_scene_get_project_id (scene));

  return TRUE;
}

gboolean
heyai_store_delete_scene (HeyaiStore  *self,
                          HeyaiScene  *scene,
                          GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;
  g_autoptr(GPtrArray) rest = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_id (scene) != NULL, FALSE);
  g_return_val_if_fail (heyai_scene_get_project_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pid = g_strdup (heyai_scene_get_project_id (scene));

  if (!heyai_store_begin (self, error))
    return FALSE;

  now = _heyai_store_stamp (self);
  heyai_scene_set_deleted (scene, TRUE);
  heyai_scene_set_updated_at (scene, now);

  if (!_heyai_store_write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_UPDATE, error))
    goto failed;

  /* Close the gap. */
  rest = scene_slots (self, pid, error);
  if (rest == NULL || !renumber_scenes (self, rest, now, error))
    goto failed;

  _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

/* Puts scene @scene_id at @position (clamped to 1..n) among the live scenes
 * of @pid, the others renumbered; *@placed: where it went. */
static gboolean
place_scene (HeyaiStore  *self,
             const char  *pid,
             const char  *scene_id,
             int          position,
             const char  *now,
             int         *placed,
             GError     **error)
{
  g_autoptr(GPtrArray) slots = scene_slots (self, pid, error);
  SceneSlot *moving;
  guint index;

  if (slots == NULL)
    return FALSE;
  for (index = 0; index < slots->len; index++)
    if (g_strcmp0 (((SceneSlot *) g_ptr_array_index (slots, index))->id, scene_id) == 0)
      break;
  if (index == slots->len)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("This scene no longer exists (it may have been deleted)."));
      return FALSE;
    }

  moving = g_ptr_array_steal_index (slots, index);
  position = CLAMP (position, 1, (int) slots->len + 1);
  g_ptr_array_insert (slots, position - 1, moving);
  *placed = position;
  return renumber_scenes (self, slots, now, error);
}

/* Scenes of @project_id removed by a script revision, a "Replace Scenes" or
 * a delete (tombstones), the most recently removed first. */
GPtrArray *
heyai_store_list_removed_scenes (HeyaiStore  *self,
                                 const char  *project_id,
                                 GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_SCENES,
                                 "WHERE project_id = ?1 AND deleted = 1 "
                                 "AND project_id IN (SELECT id FROM projects WHERE deleted = 0) "
                                 "ORDER BY updated_at DESC, position, id");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);

  return _heyai_store_load_objects (self, TABLE_SCENES, stmt, error);
}

gboolean
heyai_store_restore_scene (HeyaiStore  *self,
                           HeyaiScene  *scene,
                           GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;
  int position;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_id (scene) != NULL, FALSE);
  g_return_val_if_fail (heyai_scene_get_project_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pid = g_strdup (heyai_scene_get_project_id (scene));
  position = heyai_scene_get_position (scene);

  if (!heyai_store_begin (self, error))
    return FALSE;

  now = _heyai_store_stamp (self);
  heyai_scene_set_deleted (scene, FALSE);
  heyai_scene_set_updated_at (scene, now);
  if (!_heyai_store_write_object (self, TABLE_SCENES, G_OBJECT (scene), WRITE_UPDATE, error))
    goto failed;

  /* Back where it was (or at the end), the later scenes shifted down. */
  if (!place_scene (self, pid, heyai_scene_get_id (scene), position, now, &position, error))
    goto failed;
  heyai_scene_set_position (scene, position);

  _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_scene_set_deleted (scene, TRUE);
  heyai_store_rollback (self);
  return FALSE;
}

gboolean
heyai_store_move_scene (HeyaiStore  *self,
                        HeyaiScene  *scene,
                        int          position,
                        GError     **error)
{
  g_autofree char *now = NULL;
  g_autofree char *pid = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), FALSE);
  g_return_val_if_fail (heyai_scene_get_id (scene) != NULL, FALSE);
  g_return_val_if_fail (heyai_scene_get_project_id (scene) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pid = g_strdup (heyai_scene_get_project_id (scene));

  if (!heyai_store_begin (self, error))
    return FALSE;

  now = _heyai_store_stamp (self);
  if (!place_scene (self, pid, heyai_scene_get_id (scene), position, now, &position, error))
    goto failed;

  /* @scene may be a detached copy of the live object. */
  if (heyai_scene_get_position (scene) != position)
    {
      heyai_scene_set_position (scene, position);
      heyai_scene_set_updated_at (scene, now);
    }

  _heyai_store_queue_signal (self, SCENES_CHANGED, NULL, pid);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}
