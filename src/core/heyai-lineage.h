/* heyai-lineage.h: what every still and clip was made from, and whether a
 * scene's selected takes are current (see heyai-lineage.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"
#include "heyai-project.h"
#include "heyai-scene.h"
#include "heyai-asset.h"

G_BEGIN_DECLS

/* A clip is current only when it was made from the scene's selected still
 * with today's motion prompt, camera move, duration and aspect, and that
 * still is current (today's prompt, style bible and aspect). */
typedef struct
{
  int      image_take;
  int      clip_take;
  int      clip_source_image_take;  /* the still take the selected clip was made from (0: unknown) */
  gboolean image_stale;
  gboolean clip_stale;
} HeyaiSceneLineage;

/* @project may be NULL (read from the store). */
void      heyai_lineage_of_scene        (HeyaiStore        *store,
                                         HeyaiProject      *project,
                                         HeyaiScene        *scene,
                                         HeyaiSceneLineage *out);
gboolean  heyai_lineage_clip_is_current (HeyaiStore        *store,
                                         HeyaiProject      *project,
                                         HeyaiScene        *scene);
/* The digest of the inputs that decide what a take of @kind shows (a clip:
 * made from @still). */
char     *heyai_lineage_hash            (HeyaiProject      *project,
                                         HeyaiScene        *scene,
                                         HeyaiAssetKind     kind,
                                         HeyaiAsset        *still);
/* The digest of the scene's cast (heyai_bible_cast_digest), NULL without
 * cast. */
char     *heyai_lineage_cast_digest     (HeyaiStore        *store,
                                         HeyaiScene        *scene);
/* heyai_lineage_fill with the bible entries (HeyaiBibleEntry*) the still
 * used (recorded under "references" and hashed) and, when its reference
 * images could not be sent, the note saying so ("references_note"). */
void      heyai_lineage_fill_with_cast  (HeyaiProject      *project,
                                         HeyaiScene        *scene,
                                         HeyaiAsset        *asset,
                                         HeyaiAsset        *still,
                                         const char        *params,
                                         GPtrArray         *cast,
                                         const char        *references_note);
/* A still made from the last frame of @previous_clip (the scene before's
 * current clip): current while that clip is. */
void      heyai_lineage_fill_continued  (HeyaiProject      *project,
                                         HeyaiScene        *scene,
                                         HeyaiAsset        *asset,
                                         HeyaiAsset        *previous_clip);
/* A clip made for a scene that ends on the next shot's still: records that
 * (and @end_still, the next scene's still the animator took, or NULL when
 * it could not) in @asset's lineage and its inputs hash (@still: the still
 * it animates).  Call after heyai_lineage_fill_with_cast. */
void      heyai_lineage_set_end_frame   (HeyaiProject      *project,
                                         HeyaiScene        *scene,
                                         HeyaiAsset        *asset,
                                         HeyaiAsset        *still,
                                         HeyaiAsset        *end_still);
/* "References not applied: text only (@reason)". */
char     *heyai_lineage_references_note_for (const char    *reason);
/* The note a take recorded when its references could not be sent (see
 * heyai-pipeline-bible.c), or NULL. */
char     *heyai_lineage_references_note (HeyaiAsset        *asset);
/* Sets @asset's lineage (JSON) and inputs hash; @params: the provider's
 * generation parameters (JSON text, may be NULL). */
void      heyai_lineage_fill            (HeyaiProject      *project,
                                         HeyaiScene        *scene,
                                         HeyaiAsset        *asset,
                                         HeyaiAsset        *still,
                                         const char        *params);

/* Sets the lineage of a take the producer imported ({"source":"imported"});
 * a clip records @still, the still selected when it arrived (may be NULL). */
void      heyai_lineage_fill_imported   (HeyaiAsset        *asset,
                                         HeyaiAsset        *still,
                                         const char        *file_name);

G_END_DECLS
