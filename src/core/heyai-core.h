/* heyai-core.h: everything in src/core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"
#include "heyai-enums.h"
#include "heyai-error.h"
#include "heyai-hlc.h"
#include "heyai-project.h"
#include "heyai-scene.h"
#include "heyai-asset.h"
#include "heyai-job.h"
#include "heyai-store.h"
#include "heyai-lineage.h"
#include "heyai-bible.h"
#include "heyai-store-spending.h"
#include "heyai-script.h"
#include "heyai-util.h"
