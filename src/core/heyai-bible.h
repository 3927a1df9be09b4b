/* heyai-bible.h: the reference bible of a project — its characters,
 * locations and props, their reference images, and each scene's cast.
 *
 * Tables (all synced, see heyai-store-schema.c):
 *   bible_entries  id, project_id, kind, name, aliases (one per line),
 *                  description
 *   bible_images   one to four per entry (position 1..4): path relative to
 *                  the project folder ("bible/mara-1.png"), source ("file":
 *                  imported, "still": a still take, source_asset_id), sha256
 *   bible_files    the bytes of every reference image, id = sha256: a sync
 *                  carries them, and the file under the project's bible/
 *                  folder is written from them where it is missing
 *                  (heyai_store_bible_image_file)
 *   scene_cast     (scene, entry), id "<scene id>:<entry id>" so two
 *                  computers tagging the same pair make one row; source
 *                  "analysis" (the script analysis) or "producer"
 *
 * Names and aliases are unique per project, case-insensitively.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-store.h"
#include "heyai-scene.h"
#include "heyai-asset.h"

G_BEGIN_DECLS

#define HEYAI_BIBLE_MAX_IMAGES 4
/* An imported reference image is refused above this size. */
#define HEYAI_BIBLE_MAX_IMAGE_BYTES (20 * 1024 * 1024)

typedef enum
{
  HEYAI_BIBLE_CHARACTER,
  HEYAI_BIBLE_LOCATION,
  HEYAI_BIBLE_PROP,
} HeyaiBibleKind;

typedef struct
{
  char   *id;
  int     position;         /* 1..4 */
  char   *path;             /* relative to the project folder: "bible/..." */
  char   *source;           /* "file" or "still" */
  char   *source_asset_id;  /* the still's asset id, or NULL */
  char   *sha256;
  gint64  size;
} HeyaiBibleImage;

typedef struct
{
  char           *id;
  char           *project_id;
  HeyaiBibleKind  kind;
  char           *name;
  char          **aliases;      /* never NULL */
  char           *description;  /* never NULL */
  char           *updated_at;
  GPtrArray      *images;       /* HeyaiBibleImage*, by position */
} HeyaiBibleEntry;

const char      *heyai_bible_kind_to_string   (HeyaiBibleKind  kind);
gboolean         heyai_bible_kind_from_string (const char     *text,
                                               HeyaiBibleKind *kind);
/* "Character", "Location", "Prop" (translated). */
const char      *heyai_bible_kind_label       (HeyaiBibleKind  kind);

void             heyai_bible_image_free       (HeyaiBibleImage *image);
void             heyai_bible_entry_free       (HeyaiBibleEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiBibleEntry, heyai_bible_entry_free)

/* TRUE when @text names @entry: its name or an alias, as whole words,
 * case-insensitively ("Mara" in "Mara's boat", not in "Samaras"). */
gboolean         heyai_bible_entry_named_in   (const HeyaiBibleEntry *entry,
                                               const char            *text);
/* The digest of what the entries of @cast (HeyaiBibleEntry*) put into a
 * still: names, descriptions, reference image hashes; NULL for an empty
 * cast (so a scene without cast keeps the digest it had before the bible). */
char            *heyai_bible_cast_digest      (GPtrArray             *cast);
/* "Name: description" for each entry of @cast with a description (or just
 * the name), NULL-terminated; for the prompt composer. */
char           **heyai_bible_cast_notes       (GPtrArray             *cast);

/* Entries of the project (with their images), by kind then name. */
GPtrArray       *heyai_store_bible_list       (HeyaiStore      *store,
                                               const char      *project_id,
                                               GError         **error);
/* The entry named @name (or with that alias), or NULL without error. */
HeyaiBibleEntry *heyai_store_bible_find       (HeyaiStore      *store,
                                               const char      *project_id,
                                               const char      *name,
                                               GError         **error);
HeyaiBibleEntry *heyai_store_bible_get        (HeyaiStore      *store,
                                               const char      *entry_id,
                                               GError         **error);
/* A new entry; HEYAI_ERROR_INVALID_INPUT for an empty name or a name or
 * alias another entry already has.  Returns the new entry. */
HeyaiBibleEntry *heyai_store_bible_add        (HeyaiStore          *store,
                                               const char          *project_id,
                                               HeyaiBibleKind       kind,
                                               const char          *name,
                                               const char * const  *aliases,
                                               const char          *description,
                                               GError             **error);
/* Writes @entry's name, aliases and description. */
gboolean         heyai_store_bible_update     (HeyaiStore      *store,
                                               HeyaiBibleEntry *entry,
                                               GError         **error);
/* Tombstones the entry, its images and its cast rows. */
gboolean         heyai_store_bible_delete     (HeyaiStore      *store,
                                               const char      *entry_id,
                                               GError         **error);
/* Adds @file (an image: PNG, JPEG or WebP, at most
 * HEYAI_BIBLE_MAX_IMAGE_BYTES) as the entry's next reference image: copied
 * to <@project_dir>/bible/<name>-<position>.<ext> and its bytes kept in the
 * library.  @source "file" or "still" (then @source_asset_id).
 * HEYAI_ERROR_INVALID_INPUT when the entry has four already, or the file is
 * not an image or too large. */
gboolean         heyai_store_bible_add_image  (HeyaiStore      *store,
                                               HeyaiBibleEntry *entry,
                                               const char      *file,
                                               const char      *source,
                                               const char      *source_asset_id,
                                               const char      *project_dir,
                                               GError         **error);
/* The absolute path of @image under @project_dir, written from the library
 * when missing or of another size (another computer's entry); no hashing,
 * so callable on the main thread. */
char            *heyai_store_bible_image_file (HeyaiStore            *store,
                                               const HeyaiBibleImage *image,
                                               const char            *project_dir,
                                               GError               **error);

/* The cast of a scene: its entries, by kind then name. */
GPtrArray       *heyai_store_cast_list        (HeyaiStore      *store,
                                               const char      *scene_id,
                                               GError         **error);
/* Adds (@present) or removes @entry_id on @scene_id; @source "analysis" or
 * "producer".  A producer's removal is kept (a tombstone the analysis does
 * not undo: heyai_store_cast_tag skips it). */
gboolean         heyai_store_cast_set         (HeyaiStore      *store,
                                               const char      *project_id,
                                               const char      *scene_id,
                                               const char      *entry_id,
                                               gboolean         present,
                                               const char      *source,
                                               GError         **error);
/* The analysis tags @scene_id with every entry of @entries named in @text
 * or listed in @names (the LLM's cast), except entries the producer
 * removed from this scene. Returns the number of entries tagged. */
guint            heyai_store_cast_tag         (HeyaiStore          *store,
                                               const char          *project_id,
                                               const char          *scene_id,
                                               GPtrArray           *entries,
                                               const char          *text,
                                               const char * const  *names,
                                               GError             **error);
/* Scene ids where @entry_id is in the cast. */
GPtrArray       *heyai_store_cast_scenes      (HeyaiStore      *store,
                                               const char      *entry_id,
                                               GError         **error);

/* Continuity: the scene's still is the last frame of the previous scene's
 * current clip ("Continue from previous shot").  FALSE for a NULL id (a
 * scene not stored yet). */
gboolean         heyai_store_scene_continues  (HeyaiStore      *store,
                                               const char      *scene_id);
gboolean         heyai_store_set_scene_continues (HeyaiStore   *store,
                                                  const char   *project_id,
                                                  const char   *scene_id,
                                                  gboolean      continues,
                                                  GError      **error);
/* "End on next shot's still": the scene's clip animates toward the next
 * scene's still, where the animator takes an end frame. */
gboolean         heyai_store_scene_ends_on_next (HeyaiStore    *store,
                                                 const char    *scene_id);
gboolean         heyai_store_set_scene_ends_on_next (HeyaiStore  *store,
                                                     const char  *project_id,
                                                     const char  *scene_id,
                                                     gboolean     ends_on_next,
                                                     GError     **error);
/* The current still of the scene after @scene, or NULL. */
HeyaiAsset      *heyai_store_next_still       (HeyaiStore      *store,
                                               HeyaiScene      *scene);
/* The clip (current take, with a local file or not) of the scene before
 * @scene, or NULL (first scene, no clip). */
HeyaiAsset      *heyai_store_previous_clip    (HeyaiStore      *store,
                                               HeyaiScene      *scene);

G_END_DECLS
