/* heyai-storage-local.h: the offline storage ("local"): the Drive layout
 * HeyAI Projects/Project-<n>-<slug>/{images,clips,final} on the local disk,
 * under heyai_local_root() ($HEYAI_LOCAL_ROOT or <data dir>/HeyAI Projects).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-providers.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_STORAGE_LOCAL (heyai_storage_local_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiStorageLocal, heyai_storage_local, HEYAI, STORAGE_LOCAL, GObject)

/* Property: root (string, construct-only): the "HeyAI Projects" folder.
 * @data_dir NULL: heyai_default_data_dir(). */
HeyaiStorage *heyai_storage_local_new      (const char        *data_dir);
const char   *heyai_storage_local_get_root (HeyaiStorageLocal *self);
/* The tree folder an asset of @kind belongs in: "images", "clips", "final",
 * or ".heyai" (database snapshots, at the root). */
const char   *heyai_storage_local_sub_for_kind (HeyaiAssetKind kind);

G_END_DECLS
