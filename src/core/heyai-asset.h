/* heyai-asset.h: one generated or exported file (a take of a still or clip, ...).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_ASSET (heyai_asset_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiAsset, heyai_asset, HEYAI, ASSET, GObject)

/* Properties: id, project-id, scene-id (NULL for project-level assets), kind
 * (HeyaiAssetKind), take (int, 1-based), provider, model, params (JSON text:
 * prompt, seed, camera move, ...), request-id (remote task/request id), cost
 * (double, USD), seed (gint64, -1 if none), local-path, sha256, size (gint64),
 * drive-file-id, view-link, remote-url, lineage (JSON: what the take was made
 * from, or {"source":"imported"}; NULL for takes made before lineage was
 * recorded), inputs-hash (digest of the inputs that decide whether the take
 * is current), created-at (gint64 µs), updated-at
 * (HLC string), deleted. */

HeyaiAsset     *heyai_asset_new               (void);
const char     *heyai_asset_get_id            (HeyaiAsset *self);
void            heyai_asset_set_id            (HeyaiAsset *self, const char *id);
const char     *heyai_asset_get_project_id    (HeyaiAsset *self);
void            heyai_asset_set_project_id    (HeyaiAsset *self, const char *id);
const char     *heyai_asset_get_scene_id      (HeyaiAsset *self);
void            heyai_asset_set_scene_id      (HeyaiAsset *self, const char *id);
HeyaiAssetKind  heyai_asset_get_kind          (HeyaiAsset *self);
void            heyai_asset_set_kind          (HeyaiAsset *self, HeyaiAssetKind kind);
int             heyai_asset_get_take          (HeyaiAsset *self);
void            heyai_asset_set_take          (HeyaiAsset *self, int take);
const char     *heyai_asset_get_provider      (HeyaiAsset *self);
void            heyai_asset_set_provider      (HeyaiAsset *self, const char *provider);
const char     *heyai_asset_get_model         (HeyaiAsset *self);
void            heyai_asset_set_model         (HeyaiAsset *self, const char *model);
const char     *heyai_asset_get_params        (HeyaiAsset *self);
void            heyai_asset_set_params        (HeyaiAsset *self, const char *json);
const char     *heyai_asset_get_request_id    (HeyaiAsset *self);
void            heyai_asset_set_request_id    (HeyaiAsset *self, const char *id);
double          heyai_asset_get_cost          (HeyaiAsset *self);
void            heyai_asset_set_cost          (HeyaiAsset *self, double cost);
gint64          heyai_asset_get_seed          (HeyaiAsset *self);
void            heyai_asset_set_seed          (HeyaiAsset *self, gint64 seed);
const char     *heyai_asset_get_local_path    (HeyaiAsset *self);
void            heyai_asset_set_local_path    (HeyaiAsset *self, const char *path);
const char     *heyai_asset_get_sha256        (HeyaiAsset *self);
void            heyai_asset_set_sha256        (HeyaiAsset *self, const char *sha256);
gint64          heyai_asset_get_size          (HeyaiAsset *self);
void            heyai_asset_set_size          (HeyaiAsset *self, gint64 size);
const char     *heyai_asset_get_drive_file_id (HeyaiAsset *self);
void            heyai_asset_set_drive_file_id (HeyaiAsset *self, const char *id);
const char     *heyai_asset_get_view_link     (HeyaiAsset *self);
void            heyai_asset_set_view_link     (HeyaiAsset *self, const char *link);
const char     *heyai_asset_get_remote_url    (HeyaiAsset *self);
void            heyai_asset_set_remote_url    (HeyaiAsset *self, const char *url);
const char     *heyai_asset_get_lineage       (HeyaiAsset *self);
void            heyai_asset_set_lineage       (HeyaiAsset *self, const char *json);
const char     *heyai_asset_get_inputs_hash   (HeyaiAsset *self);
void            heyai_asset_set_inputs_hash   (HeyaiAsset *self, const char *hash);
gint64          heyai_asset_get_created_at    (HeyaiAsset *self);
void            heyai_asset_set_created_at    (HeyaiAsset *self, gint64 created_at);
const char     *heyai_asset_get_updated_at    (HeyaiAsset *self);
void            heyai_asset_set_updated_at    (HeyaiAsset *self, const char *stamp);
gboolean        heyai_asset_get_deleted       (HeyaiAsset *self);
void            heyai_asset_set_deleted       (HeyaiAsset *self, gboolean deleted);

G_END_DECLS
