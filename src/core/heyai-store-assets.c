/* heyai-store-assets.c: the assets table.
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
/* Assets                                                                   */
/* ------------------------------------------------------------------------ */

/* Fills a missing project id from the scene row. */
gboolean
_heyai_store_project_of_scene (HeyaiStore  *self,
                               const char  *scene_id,
                               char       **project_id,
                               GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  int rc;

  stmt = _heyai_store_prepare (self, "SELECT project_id FROM scenes WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, scene_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *project_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("This scene no longer exists (it may have been deleted)."));
      return FALSE;
    }

  _heyai_store_set_db_error (self, error, rc);
  return FALSE;
}

gboolean
heyai_store_insert_asset (HeyaiStore  *self,
                          HeyaiAsset  *asset,
                          GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_ASSET (asset), FALSE);
  g_return_val_if_fail (heyai_asset_get_project_id (asset) != NULL ||
                        heyai_asset_get_scene_id (asset) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!heyai_store_begin (self, error))
    return FALSE;

  if (heyai_asset_get_project_id (asset) == NULL)
    {
      g_autofree char *pid = NULL;

      if (!_heyai_store_project_of_scene (self, heyai_asset_get_scene_id (asset), &pid, error))
        goto failed;
      heyai_asset_set_project_id (asset, pid);
    }

  if (heyai_asset_get_id (asset) == NULL)
    {
      g_autofree char *id = heyai_uuid_new ();
      heyai_asset_set_id (asset, id);
    }

  if (heyai_asset_get_take (asset) <= 0 && heyai_asset_get_scene_id (asset) != NULL)
    heyai_asset_set_take (asset, heyai_store_max_take (self, heyai_asset_get_scene_id (asset),
                                                       heyai_asset_get_kind (asset)) + 1);

  if (heyai_asset_get_created_at (asset) <= 0)
    heyai_asset_set_created_at (asset, g_get_real_time ());

  now = _heyai_store_stamp (self);
  heyai_asset_set_updated_at (asset, now);
  heyai_asset_set_deleted (asset, FALSE);

  if (!_heyai_store_write_object (self, TABLE_ASSETS, G_OBJECT (asset), WRITE_INSERT, error))
    goto failed;

  _heyai_store_queue_signal (self, ASSET_CHANGED, asset, NULL);

  return heyai_store_commit (self, error);

failed:
  heyai_store_rollback (self);
  return FALSE;
}

gboolean
heyai_store_update_asset (HeyaiStore  *self,
                          HeyaiAsset  *asset,
                          GError     **error)
{
  g_autofree char *now = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), FALSE);
  g_return_val_if_fail (HEYAI_IS_ASSET (asset), FALSE);
  g_return_val_if_fail (heyai_asset_get_id (asset) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  now = _heyai_store_stamp (self);
  heyai_asset_set_updated_at (asset, now);

  if (!_heyai_store_write_object (self, TABLE_ASSETS, G_OBJECT (asset), WRITE_UPDATE, error))
    return FALSE;

  _heyai_store_queue_signal (self, ASSET_CHANGED, asset, NULL);

  return TRUE;
}

GPtrArray *
heyai_store_list_assets (HeyaiStore      *self,
                         const char      *scene_id,
                         HeyaiAssetKind   kind,
                         GError         **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (scene_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_ASSETS,
                                 "WHERE scene_id = ?1 AND kind = ?2 AND deleted = 0 ORDER BY take, created_at");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, scene_id);
  _heyai_store_bind_text (stmt, 2, heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, kind));

  return _heyai_store_load_objects (self, TABLE_ASSETS, stmt, error);
}

GPtrArray *
heyai_store_list_project_assets (HeyaiStore  *self,
                                 const char  *project_id,
                                 GError     **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_ASSETS,
                                 "WHERE project_id = ?1 AND deleted = 0 ORDER BY created_at, take, id");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);

  return _heyai_store_load_objects (self, TABLE_ASSETS, stmt, error);
}

GPtrArray *
heyai_store_list_project_level_assets (HeyaiStore      *self,
                                       const char      *project_id,
                                       HeyaiAssetKind   kind,
                                       GError         **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_ASSETS,
                                 "WHERE project_id = ?1 AND scene_id IS NULL AND kind = ?2 AND deleted = 0 "
                                 "ORDER BY created_at, take, id");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);
  _heyai_store_bind_text (stmt, 2, heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, kind));

  return _heyai_store_load_objects (self, TABLE_ASSETS, stmt, error);
}

char **
heyai_store_list_still_paths (HeyaiStore  *self,
                              const char  *project_id,
                              GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = _heyai_store_prepare (self, "SELECT scene_id, CAST(take AS TEXT), COALESCE(local_path, '') FROM assets "
                                     "WHERE project_id = ?1 AND deleted = 0 AND kind = 'image' "
                                     "AND scene_id IS NOT NULL "
                                     "AND (local_path IS NOT NULL OR drive_file_id IS NOT NULL) "
                                     "ORDER BY created_at, take, id", error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);
  return _heyai_store_collect_text (self, stmt, 3, error);
}

HeyaiAsset *
heyai_store_get_asset (HeyaiStore      *self,
                       const char      *scene_id,
                       HeyaiAssetKind   kind,
                       int              take,
                       GError         **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (self), NULL);
  g_return_val_if_fail (scene_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sql = _heyai_store_select_sql (TABLE_ASSETS,
                                 "WHERE scene_id = ?1 AND kind = ?2 AND take = ?3 AND deleted = 0 "
                                 "ORDER BY updated_at DESC LIMIT 1");
  stmt = _heyai_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, scene_id);
  _heyai_store_bind_text (stmt, 2, heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, kind));
  sqlite3_bind_int (stmt, 3, take);

  return _heyai_store_load_one (self, TABLE_ASSETS, stmt, error);
}

int
heyai_store_max_take (HeyaiStore     *self,
                      const char     *scene_id,
                      HeyaiAssetKind  kind)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  int take = 0;

  g_return_val_if_fail (HEYAI_IS_STORE (self), 0);
  g_return_val_if_fail (scene_id != NULL, 0);

  /* Tombstoned takes count: a take number (and its file name) is never reused. */
  stmt = _heyai_store_prepare (self, "SELECT COALESCE(MAX(take), 0) FROM assets WHERE scene_id = ?1 AND kind = ?2",
                               &error);
  if (stmt == NULL)
    {
      g_warning ("%s", error->message);
      return 0;
    }
  _heyai_store_bind_text (stmt, 1, scene_id);
  _heyai_store_bind_text (stmt, 2, heyai_enum_to_string (HEYAI_TYPE_ASSET_KIND, kind));

  if (sqlite3_step (stmt) == SQLITE_ROW)
    take = sqlite3_column_int (stmt, 0);

  return take;
}
