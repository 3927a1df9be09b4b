/* heyai-store-bible.c: the reference bible and the scenes' cast (see
 * heyai-bible.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <sqlite3.h>
#include <string.h>

#include "heyai-bible.h"
#include "heyai-error.h"
#include "heyai-store-private.h"
#include "heyai-util.h"

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

static const char * const kind_names[] = { "character", "location", "prop" };

const char *
heyai_bible_kind_to_string (HeyaiBibleKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), "character");
  return kind_names[kind];
}

gboolean
heyai_bible_kind_from_string (const char     *text,
                              HeyaiBibleKind *kind)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_ascii_strcasecmp (text, kind_names[i]) == 0)
        {
          *kind = (HeyaiBibleKind) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
heyai_bible_kind_label (HeyaiBibleKind kind)
{
  switch (kind)
    {
    case HEYAI_BIBLE_LOCATION:
      return _("Location");
    case HEYAI_BIBLE_PROP:
      return _("Prop");
    case HEYAI_BIBLE_CHARACTER:
    default:
      return _("Character");
    }
}

void
heyai_bible_image_free (HeyaiBibleImage *image)
{
  if (image == NULL)
    return;
  g_free (image->id);
  g_free (image->path);
  g_free (image->source);
  g_free (image->source_asset_id);
  g_free (image->sha256);
  g_free (image);
}

void
heyai_bible_entry_free (HeyaiBibleEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->project_id);
  g_free (entry->name);
  g_strfreev (entry->aliases);
  g_free (entry->description);
  g_free (entry->updated_at);
  g_clear_pointer (&entry->images, g_ptr_array_unref);
  g_free (entry);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_';
}

/* @needle (already casefolded) as whole words in @hay (casefolded). */
static gboolean
contains_word (const char *hay,
               const char *needle)
{
  gsize len = strlen (needle);
  const char *at = hay;

  if (len == 0)
    return FALSE;
  while ((at = strstr (at, needle)) != NULL)
    {
      const char *end = at + len;
      gboolean start_ok = at == hay || !is_word_char (g_utf8_get_char (g_utf8_find_prev_char (hay, at)));
      gboolean end_ok = *end == '\0' || !is_word_char (g_utf8_get_char (end));

      if (start_ok && end_ok)
        return TRUE;
      at = g_utf8_next_char (at);
    }
  return FALSE;
}

static char *
fold (const char *text)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *normal = g_utf8_normalize (trimmed, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return g_utf8_casefold (normal != NULL ? normal : "", -1);
}

gboolean
heyai_bible_entry_named_in (const HeyaiBibleEntry *entry,
                            const char            *text)
{
  g_autofree char *hay = NULL;

  g_return_val_if_fail (entry != NULL, FALSE);

  if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  hay = fold (text);
  {
    g_autofree char *name = fold (entry->name);

    if (contains_word (hay, name))
      return TRUE;
  }
  for (guint i = 0; entry->aliases[i] != NULL; i++)
    {
      g_autofree char *alias = fold (entry->aliases[i]);

      if (contains_word (hay, alias))
        return TRUE;
    }
  return FALSE;
}

char *
heyai_bible_cast_digest (GPtrArray *cast)
{
  g_autoptr(GChecksum) sum = NULL;

  if (cast == NULL || cast->len == 0)
    return NULL;

  sum = g_checksum_new (G_CHECKSUM_SHA256);
  /* The cast is listed in a stable order (kind, name, id). */
  for (guint i = 0; i < cast->len; i++)
    {
      const HeyaiBibleEntry *entry = g_ptr_array_index (cast, i);

      g_checksum_update (sum, (const guchar *) entry->id, -1);
      g_checksum_update (sum, (const guchar *) "\x1f", 1);
      g_checksum_update (sum, (const guchar *) entry->name, -1);
      g_checksum_update (sum, (const guchar *) "\x1f", 1);
      g_checksum_update (sum, (const guchar *) entry->description, -1);
      for (guint k = 0; k < entry->images->len; k++)
        {
          const HeyaiBibleImage *image = g_ptr_array_index (entry->images, k);

          g_checksum_update (sum, (const guchar *) "\x1f", 1);
          g_checksum_update (sum, (const guchar *) image->sha256, -1);
        }
      g_checksum_update (sum, (const guchar *) "\x1e", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

char **
heyai_bible_cast_notes (GPtrArray *cast)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; cast != NULL && i < cast->len; i++)
    {
      const HeyaiBibleEntry *entry = g_ptr_array_index (cast, i);
      g_autofree char *description = g_strstrip (g_strdup (entry->description));

      if (*description != '\0')
        {
          g_autofree char *note = g_strdup_printf ("%s: %s", entry->name, description);

          g_strv_builder_add (builder, note);
        }
      else
        g_strv_builder_add (builder, entry->name);
    }
  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

#define ENTRY_COLUMNS "id, project_id, kind, name, aliases, description, updated_at"

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

static char **
split_aliases (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0')
        g_strv_builder_add (builder, lines[i]);
    }
  return g_strv_builder_end (builder);
}

static HeyaiBibleEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  HeyaiBibleEntry *entry = g_new0 (HeyaiBibleEntry, 1);

  entry->id = g_strdup (column_text (stmt, 0));
  entry->project_id = g_strdup (column_text (stmt, 1));
  if (!heyai_bible_kind_from_string (column_text (stmt, 2), &entry->kind))
    entry->kind = HEYAI_BIBLE_CHARACTER;
  entry->name = g_strdup (column_text (stmt, 3));
  entry->aliases = split_aliases (column_text (stmt, 4));
  entry->description = g_strdup (column_text (stmt, 5));
  entry->updated_at = g_strdup (column_text (stmt, 6));
  entry->images = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_bible_image_free);
  return entry;
}

static gboolean
load_images (HeyaiStore       *store,
             HeyaiBibleEntry  *entry,
             GError          **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  int rc;

  stmt = _heyai_store_prepare (store,
                               "SELECT id, position, path, source, source_asset_id, sha256, size "
                               "FROM bible_images WHERE entry_id = ?1 AND deleted = 0 "
                               "ORDER BY position, created_at, id", error);
  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, entry->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      HeyaiBibleImage *image = g_new0 (HeyaiBibleImage, 1);

      image->id = g_strdup (column_text (stmt, 0));
      image->position = sqlite3_column_int (stmt, 1);
      image->path = g_strdup (column_text (stmt, 2));
      image->source = g_strdup (column_text (stmt, 3));
      image->source_asset_id = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? NULL
                                                                            : g_strdup (column_text (stmt, 4));
      image->sha256 = g_strdup (column_text (stmt, 5));
      image->size = sqlite3_column_int64 (stmt, 6);
      g_ptr_array_add (entry->images, image);
    }
  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (store, error, rc);
      return FALSE;
    }
  return TRUE;
}

/* Entries from @stmt (bound, not yet stepped), then their images. */
static GPtrArray *
load_entries (HeyaiStore    *store,
              sqlite3_stmt  *stmt,
              GError       **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_bible_entry_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (store, error, rc);
      return NULL;
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < entries->len; i++)
    if (!load_images (store, g_ptr_array_index (entries, i), error))
      return NULL;
  return g_steal_pointer (&entries);
}

GPtrArray *
heyai_store_bible_list (HeyaiStore  *store,
                        const char  *project_id,
                        GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);

  stmt = _heyai_store_prepare (store,
                               "SELECT " ENTRY_COLUMNS " FROM bible_entries "
                               "WHERE project_id = ?1 AND deleted = 0 "
                               "ORDER BY CASE kind WHEN 'character' THEN 0 WHEN 'location' THEN 1 ELSE 2 END, "
                               "name COLLATE NOCASE, id", error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, project_id);
  return load_entries (store, stmt, error);
}

HeyaiBibleEntry *
heyai_store_bible_get (HeyaiStore  *store,
                       const char  *entry_id,
                       GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (entry_id != NULL, NULL);

  stmt = _heyai_store_prepare (store, "SELECT " ENTRY_COLUMNS " FROM bible_entries WHERE id = ?1 AND deleted = 0",
                               error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, entry_id);
  entries = load_entries (store, stmt, error);
  if (entries == NULL)
    return NULL;
  if (entries->len == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND, _("No such bible entry."));
      return NULL;
    }
  return g_ptr_array_steal_index (entries, 0);
}

/* The entry of @entries whose name or alias is @name (folded). */
static HeyaiBibleEntry *
entry_with_name (GPtrArray  *entries,
                 const char *name,
                 const char *except_id)
{
  g_autofree char *wanted = fold (name);

  for (guint i = 0; i < entries->len; i++)
    {
      HeyaiBibleEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *own = fold (entry->name);

      if (g_strcmp0 (entry->id, except_id) == 0)
        continue;
      if (g_str_equal (own, wanted))
        return entry;
      for (guint k = 0; entry->aliases[k] != NULL; k++)
        {
          g_autofree char *alias = fold (entry->aliases[k]);

          if (g_str_equal (alias, wanted))
            return entry;
        }
    }
  return NULL;
}

HeyaiBibleEntry *
heyai_store_bible_find (HeyaiStore  *store,
                        const char  *project_id,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(GPtrArray) entries = heyai_store_bible_list (store, project_id, error);
  HeyaiBibleEntry *found;
  guint index;

  if (entries == NULL)
    return NULL;
  found = entry_with_name (entries, name, NULL);
  if (found == NULL || !g_ptr_array_find (entries, found, &index))
    return NULL;
  return g_ptr_array_steal_index (entries, index);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

static gboolean
check_names (HeyaiStore       *store,
             HeyaiBibleEntry  *entry,
             GError          **error)
{
  g_autoptr(GPtrArray) others = NULL;
  g_autofree char *name = g_strstrip (g_strdup (entry->name));

  if (*name == '\0' || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                           _("A bible entry needs a name."));
      return FALSE;
    }
  others = heyai_store_bible_list (store, entry->project_id, error);
  if (others == NULL)
    return FALSE;
  if (entry_with_name (others, name, entry->id) != NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The bible already has an entry named “%s”."), name);
      return FALSE;
    }
  for (guint i = 0; entry->aliases[i] != NULL; i++)
    {
      if (!g_utf8_validate (entry->aliases[i], -1, NULL) ||
          entry_with_name (others, entry->aliases[i], entry->id) != NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                       _("The bible already has an entry named “%s”."), entry->aliases[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
join_aliases (char **aliases)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; aliases[i] != NULL; i++)
    {
      g_autofree char *alias = g_strstrip (g_strdup (aliases[i]));

      if (*alias == '\0')
        continue;
      g_strdelimit (alias, "\n\r", ' ');
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, alias);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

HeyaiBibleEntry *
heyai_store_bible_add (HeyaiStore          *store,
                       const char          *project_id,
                       HeyaiBibleKind       kind,
                       const char          *name,
                       const char * const  *aliases,
                       const char          *description,
                       GError             **error)
{
  g_autoptr(HeyaiBibleEntry) entry = g_new0 (HeyaiBibleEntry, 1);
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autofree char *joined = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (project_id != NULL, NULL);

  if (!heyai_store_check_writable (store, error))
    return NULL;

  entry->id = heyai_uuid_new ();
  entry->project_id = g_strdup (project_id);
  entry->kind = kind;
  entry->name = g_strstrip (g_strdup (name != NULL ? name : ""));
  entry->aliases = aliases != NULL ? g_strdupv ((char **) aliases) : g_new0 (char *, 1);
  joined = join_aliases (entry->aliases);
  g_strfreev (entry->aliases);
  entry->aliases = split_aliases (joined);
  entry->description = g_strstrip (g_strdup (description != NULL ? description : ""));
  entry->images = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_bible_image_free);

  if (!check_names (store, entry, error))
    return NULL;

  entry->updated_at = _heyai_store_stamp (store);
  stmt = _heyai_store_prepare (store,
                               "INSERT INTO bible_entries (id, project_id, kind, name, aliases, description, "
                               "created_at, updated_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)",
                               error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, entry->id);
  _heyai_store_bind_text (stmt, 2, entry->project_id);
  _heyai_store_bind_text (stmt, 3, heyai_bible_kind_to_string (kind));
  _heyai_store_bind_text (stmt, 4, entry->name);
  _heyai_store_bind_text (stmt, 5, joined);
  _heyai_store_bind_text (stmt, 6, entry->description);
  sqlite3_bind_int64 (stmt, 7, g_get_real_time ());
  _heyai_store_bind_text (stmt, 8, entry->updated_at);
  if (!_heyai_store_step_done (store, stmt, error))
    return NULL;
  _heyai_store_queue_signal (store, BIBLE_CHANGED, NULL, entry->project_id);
  return g_steal_pointer (&entry);
}

gboolean
heyai_store_bible_update (HeyaiStore       *store,
                          HeyaiBibleEntry  *entry,
                          GError          **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!heyai_store_check_writable (store, error) || !check_names (store, entry, error))
    return FALSE;

  joined = join_aliases (entry->aliases);
  stamp = _heyai_store_stamp (store);
  stmt = _heyai_store_prepare (store,
                               "UPDATE bible_entries SET kind = ?2, name = ?3, aliases = ?4, description = ?5, "
                               "updated_at = ?6 WHERE id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, entry->id);
  _heyai_store_bind_text (stmt, 2, heyai_bible_kind_to_string (entry->kind));
  _heyai_store_bind_text (stmt, 3, g_strstrip (entry->name));
  _heyai_store_bind_text (stmt, 4, joined);
  _heyai_store_bind_text (stmt, 5, entry->description != NULL ? entry->description : "");
  _heyai_store_bind_text (stmt, 6, stamp);
  if (!_heyai_store_step_done (store, stmt, error))
    return FALSE;
  g_free (entry->updated_at);
  entry->updated_at = g_steal_pointer (&stamp);
  _heyai_store_queue_signal (store, BIBLE_CHANGED, NULL, entry->project_id);
  return TRUE;
}

static gboolean
run_bound (HeyaiStore  *store,
           const char  *sql,
           const char  *first,
           const char  *second,
           GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, first);
  _heyai_store_bind_text (stmt, 2, second);
  return _heyai_store_step_done (store, stmt, error);
}

gboolean
heyai_store_bible_delete (HeyaiStore  *store,
                          const char  *entry_id,
                          GError     **error)
{
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (entry_id != NULL, FALSE);

  if (!heyai_store_check_writable (store, error) || !heyai_store_begin (store, error))
    return FALSE;
  {
    g_autoptr(HeyaiStmt) owner = _heyai_store_prepare (store, "SELECT project_id FROM bible_entries WHERE id = ?1",
                                                       NULL);

    if (owner != NULL)
      {
        _heyai_store_bind_text (owner, 1, entry_id);
        if (sqlite3_step (owner) == SQLITE_ROW)
          _heyai_store_queue_signal (store, BIBLE_CHANGED, NULL, (const char *) sqlite3_column_text (owner, 0));
      }
  }
  stamp = _heyai_store_stamp (store);
  if (!run_bound (store, "UPDATE bible_entries SET deleted = 1, updated_at = ?2 WHERE id = ?1 AND deleted = 0",
                  entry_id, stamp, error) ||
      !run_bound (store, "UPDATE bible_images SET deleted = 1, updated_at = ?2 WHERE entry_id = ?1 AND deleted = 0",
                  entry_id, stamp, error) ||
      !run_bound (store, "UPDATE scene_cast SET deleted = 1, updated_at = ?2 WHERE entry_id = ?1 AND deleted = 0",
                  entry_id, stamp, error))
    {
      heyai_store_rollback (store);
      return FALSE;
    }
  return heyai_store_commit (store, error);
}

static const char *
image_extension (const guint8 *data,
                 gsize         length)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (length >= sizeof png && memcmp (data, png, sizeof png) == 0)
    return "png";
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "jpg";
  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "webp";
  return NULL;
}

/* Writes @data to @path (through a temporary file). */
static gboolean
write_file (const char  *path,
            const void  *data,
            gsize        length,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      heyai_set_io_error (error, errno, _("Could not create the project’s bible folder"));
      return FALSE;
    }
  if (!g_file_set_contents_full (path, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      heyai_set_gio_error (error, local_error, _("Could not save the reference image"));
      return FALSE;
    }
  return TRUE;
}

gboolean
heyai_store_bible_add_image (HeyaiStore       *store,
                             HeyaiBibleEntry  *entry,
                             const char       *file,
                             const char       *source,
                             const char       *source_asset_id,
                             const char       *project_dir,
                             GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autofree char *data = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *rel = NULL;
  g_autofree char *abs = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stamp = NULL;
  const char *ext;
  gsize length = 0;
  int position = 1;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (project_dir != NULL, FALSE);

  if (!heyai_store_check_writable (store, error))
    return FALSE;
  if (entry->images->len >= HEYAI_BIBLE_MAX_IMAGES)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” already has %d reference images, the most an entry can have."),
                   entry->name, HEYAI_BIBLE_MAX_IMAGES);
      return FALSE;
    }
  if (!g_file_get_contents (file, &data, &length, &local_error))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Could not read the reference image: %s"), local_error->message);
      return FALSE;
    }
  if (length > HEYAI_BIBLE_MAX_IMAGE_BYTES)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The reference image is too large (at most %d MB)."),
                   HEYAI_BIBLE_MAX_IMAGE_BYTES / (1024 * 1024));
      return FALSE;
    }
  ext = image_extension ((const guint8 *) data, length);
  if (ext == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” is not a PNG, JPEG or WebP image."), file);
      return FALSE;
    }

  for (guint i = 0; i < entry->images->len; i++)
    {
      const HeyaiBibleImage *other = g_ptr_array_index (entry->images, i);

      position = MAX (position, other->position + 1);
    }
  position = MIN (position, HEYAI_BIBLE_MAX_IMAGES);

  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
  slug = heyai_slugify (entry->name, 40);
  id = heyai_uuid_new ();
  rel = g_strdup_printf ("bible/%s-%d-%.8s.%s", *slug ? slug : "entry", position, sha256, ext);
  abs = g_build_filename (project_dir, rel, NULL);
  if (!write_file (abs, data, length, error))
    return FALSE;

  if (!heyai_store_begin (store, error))
    return FALSE;
  stamp = _heyai_store_stamp (store);
  stmt = _heyai_store_prepare (store,
                               "INSERT INTO bible_files (id, data, size, created_at, updated_at, deleted) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (id) DO NOTHING",
                               error);
  if (stmt == NULL)
    goto fail;
  _heyai_store_bind_text (stmt, 1, sha256);
  sqlite3_bind_blob64 (stmt, 2, data, length, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64) length);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  _heyai_store_bind_text (stmt, 5, stamp);
  if (!_heyai_store_step_done (store, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, _heyai_store_stmt_release);

  stmt = _heyai_store_prepare (store,
                               "INSERT INTO bible_images (id, project_id, entry_id, position, path, source, "
                               "source_asset_id, sha256, size, created_at, updated_at, deleted) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0)",
                               error);
  if (stmt == NULL)
    goto fail;
  _heyai_store_bind_text (stmt, 1, id);
  _heyai_store_bind_text (stmt, 2, entry->project_id);
  _heyai_store_bind_text (stmt, 3, entry->id);
  sqlite3_bind_int (stmt, 4, position);
  _heyai_store_bind_text (stmt, 5, rel);
  _heyai_store_bind_text (stmt, 6, source != NULL ? source : "file");
  _heyai_store_bind_text (stmt, 7, source_asset_id);
  _heyai_store_bind_text (stmt, 8, sha256);
  sqlite3_bind_int64 (stmt, 9, (sqlite3_int64) length);
  sqlite3_bind_int64 (stmt, 10, g_get_real_time ());
  _heyai_store_bind_text (stmt, 11, stamp);
  if (!_heyai_store_step_done (store, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, _heyai_store_stmt_release);
  _heyai_store_queue_signal (store, BIBLE_CHANGED, NULL, entry->project_id);
  if (!heyai_store_commit (store, error))
    return FALSE;

  {
    HeyaiBibleImage *image = g_new0 (HeyaiBibleImage, 1);

    image->id = g_steal_pointer (&id);
    image->position = position;
    image->path = g_steal_pointer (&rel);
    image->source = g_strdup (source != NULL ? source : "file");
    image->source_asset_id = g_strdup (source_asset_id);
    image->sha256 = g_steal_pointer (&sha256);
    image->size = (gint64) length;
    g_ptr_array_add (entry->images, image);
  }
  return TRUE;

fail:
  g_clear_pointer (&stmt, _heyai_store_stmt_release);
  heyai_store_rollback (store);
  return FALSE;
}

char *
heyai_store_bible_image_file (HeyaiStore             *store,
                              const HeyaiBibleImage  *image,
                              const char             *project_dir,
                              GError                **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autofree char *path = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *bible_dir = NULL;
  GStatBuf st;
  const void *data;
  gsize length;
  int rc;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (project_dir != NULL, NULL);

  /* Only a file under the project's bible/ folder, whatever the row says
   * (it may come from another computer). */
  bible_dir = g_build_filename (project_dir, "bible", NULL);
  path = g_build_filename (project_dir, image->path, NULL);
  canonical = g_canonicalize_filename (path, NULL);
  if (!g_str_has_prefix (canonical, bible_dir) || canonical[strlen (bible_dir)] != G_DIR_SEPARATOR)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The reference image path “%s” is outside the project’s bible folder."), image->path);
      return NULL;
    }

  /* Called on the main thread (the pipeline, the Bible page): no hashing
   * here (heyai_file_sha256 refuses the main context).  The file's name
   * carries its sha256's first characters and only this store writes it,
   * from the verified bytes; a file of another size is written again. */
  if (g_stat (canonical, &st) == 0 && S_ISREG (st.st_mode) && (gint64) st.st_size == image->size)
    return g_steal_pointer (&canonical);

  stmt = _heyai_store_prepare (store, "SELECT data FROM bible_files WHERE id = ?1 AND deleted = 0", error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, image->sha256);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        _heyai_store_set_db_error (store, error, rc);
      else
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                     _("The reference image “%s” is not in this library yet. Sync, then try again."), image->path);
      return NULL;
    }
  data = sqlite3_column_blob (stmt, 0);
  length = (gsize) sqlite3_column_bytes (stmt, 0);
  if (!write_file (canonical, data, length, error))
    return NULL;
  return g_steal_pointer (&canonical);
}

/* ------------------------------------------------------------------------ */
/* Cast                                                                     */
/* ------------------------------------------------------------------------ */

GPtrArray *
heyai_store_cast_list (HeyaiStore  *store,
                       const char  *scene_id,
                       GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);

  /* A scene not stored yet has no cast. */
  if (scene_id == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_bible_entry_free);
  stmt = _heyai_store_prepare (store,
                               "SELECT e.id, e.project_id, e.kind, e.name, e.aliases, e.description, e.updated_at "
                               "FROM scene_cast AS c JOIN bible_entries AS e ON e.id = c.entry_id "
                               "WHERE c.scene_id = ?1 AND c.deleted = 0 AND e.deleted = 0 "
                               "ORDER BY CASE e.kind WHEN 'character' THEN 0 WHEN 'location' THEN 1 ELSE 2 END, "
                               "e.name COLLATE NOCASE, e.id", error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, scene_id);
  return load_entries (store, stmt, error);
}

gboolean
heyai_store_cast_set (HeyaiStore  *store,
                      const char  *project_id,
                      const char  *scene_id,
                      const char  *entry_id,
                      gboolean     present,
                      const char  *source,
                      GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (project_id != NULL && scene_id != NULL && entry_id != NULL, FALSE);

  if (!heyai_store_check_writable (store, error))
    return FALSE;
  id = g_strdup_printf ("%s:%s", scene_id, entry_id);
  stamp = _heyai_store_stamp (store);
  stmt = _heyai_store_prepare (store,
                               "INSERT INTO scene_cast (id, project_id, scene_id, entry_id, source, created_at, "
                               "updated_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                               "ON CONFLICT (id) DO UPDATE SET source = excluded.source, "
                               "updated_at = excluded.updated_at, deleted = excluded.deleted "
                               "WHERE scene_cast.deleted <> excluded.deleted OR scene_cast.source <> excluded.source",
                               error);
  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, id);
  _heyai_store_bind_text (stmt, 2, project_id);
  _heyai_store_bind_text (stmt, 3, scene_id);
  _heyai_store_bind_text (stmt, 4, entry_id);
  _heyai_store_bind_text (stmt, 5, source != NULL ? source : "producer");
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  _heyai_store_bind_text (stmt, 7, stamp);
  sqlite3_bind_int (stmt, 8, present ? 0 : 1);
  if (!_heyai_store_step_done (store, stmt, error))
    return FALSE;
  if (sqlite3_changes (sqlite3_db_handle (stmt)) > 0)
    _heyai_store_queue_signal (store, BIBLE_CHANGED, NULL, project_id);
  return TRUE;
}

/* TRUE when the producer removed @entry_id from @scene_id. */
static gboolean
removed_by_producer (HeyaiStore *store,
                     const char *scene_id,
                     const char *entry_id)
{
  g_autofree char *id = g_strdup_printf ("%s:%s", scene_id, entry_id);
  g_autoptr(HeyaiStmt) stmt = _heyai_store_prepare (store,
                                                    "SELECT 1 FROM scene_cast WHERE id = ?1 AND deleted = 1 "
                                                    "AND source = 'producer'", NULL);

  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

guint
heyai_store_cast_tag (HeyaiStore          *store,
                      const char          *project_id,
                      const char          *scene_id,
                      GPtrArray           *entries,
                      const char          *text,
                      const char * const  *names,
                      GError             **error)
{
  guint tagged = 0;

  g_return_val_if_fail (HEYAI_IS_STORE (store), 0);
  g_return_val_if_fail (entries != NULL, 0);

  for (guint i = 0; i < entries->len; i++)
    {
      HeyaiBibleEntry *entry = g_ptr_array_index (entries, i);
      gboolean named = heyai_bible_entry_named_in (entry, text);

      for (guint k = 0; !named && names != NULL && names[k] != NULL; k++)
        {
          g_autoptr(GPtrArray) one = g_ptr_array_new ();

          g_ptr_array_add (one, entry);
          named = entry_with_name (one, names[k], NULL) != NULL;
        }
      if (!named || removed_by_producer (store, scene_id, entry->id))
        continue;
      if (!heyai_store_cast_set (store, project_id, scene_id, entry->id, TRUE, "analysis", error))
        return tagged;
      tagged++;
    }
  return tagged;
}

GPtrArray *
heyai_store_cast_scenes (HeyaiStore  *store,
                         const char  *entry_id,
                         GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);

  stmt = _heyai_store_prepare (store,
                               "SELECT c.scene_id FROM scene_cast AS c JOIN scenes AS s ON s.id = c.scene_id "
                               "WHERE c.entry_id = ?1 AND c.deleted = 0 AND s.deleted = 0 ORDER BY s.position",
                               error);
  if (stmt == NULL)
    return NULL;
  _heyai_store_bind_text (stmt, 1, entry_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _heyai_store_set_db_error (store, error, rc);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* ------------------------------------------------------------------------ */
/* Continuity                                                               */
/* ------------------------------------------------------------------------ */

static gboolean
continuity_flag (HeyaiStore *store,
                 const char *scene_id,
                 const char *sql)
{
  g_autoptr(HeyaiStmt) stmt = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);

  /* A scene not stored yet (the analysis's plan) continues nothing. */
  if (scene_id == NULL)
    return FALSE;
  stmt = _heyai_store_prepare (store, sql, NULL);
  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, scene_id);
  return sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
}

gboolean
heyai_store_scene_continues (HeyaiStore *store,
                             const char *scene_id)
{
  return continuity_flag (store, scene_id,
                          "SELECT continue_previous FROM scene_continuity WHERE id = ?1 AND deleted = 0");
}

gboolean
heyai_store_scene_ends_on_next (HeyaiStore *store,
                                const char *scene_id)
{
  return continuity_flag (store, scene_id,
                          "SELECT end_on_next FROM scene_continuity WHERE id = ?1 AND deleted = 0");
}

static gboolean
set_continuity_flag (HeyaiStore  *store,
                     const char  *project_id,
                     const char  *scene_id,
                     gboolean     end_on_next,
                     gboolean     on,
                     GError     **error)
{
  g_autoptr(HeyaiStmt) stmt = NULL;
  g_autofree char *stamp = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (project_id != NULL && scene_id != NULL, FALSE);

  if (!heyai_store_check_writable (store, error))
    return FALSE;
  stamp = _heyai_store_stamp (store);
  stmt = _heyai_store_prepare (store,
                               end_on_next
                               ? "INSERT INTO scene_continuity (id, project_id, end_on_next, created_at, "
                                 "updated_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, 0) "
                                 "ON CONFLICT (id) DO UPDATE SET end_on_next = excluded.end_on_next, "
                                 "updated_at = excluded.updated_at, deleted = 0 "
                                 "WHERE scene_continuity.end_on_next <> excluded.end_on_next "
                                 "OR scene_continuity.deleted <> 0"
                               : "INSERT INTO scene_continuity (id, project_id, continue_previous, created_at, "
                                 "updated_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, 0) "
                                 "ON CONFLICT (id) DO UPDATE SET continue_previous = excluded.continue_previous, "
                                 "updated_at = excluded.updated_at, deleted = 0 "
                                 "WHERE scene_continuity.continue_previous <> excluded.continue_previous "
                                 "OR scene_continuity.deleted <> 0",
                               error);
  if (stmt == NULL)
    return FALSE;
  _heyai_store_bind_text (stmt, 1, scene_id);
  _heyai_store_bind_text (stmt, 2, project_id);
  sqlite3_bind_int (stmt, 3, on ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time ());
  _heyai_store_bind_text (stmt, 5, stamp);
  return _heyai_store_step_done (store, stmt, error);
}

gboolean
heyai_store_set_scene_continues (HeyaiStore  *store,
                                 const char  *project_id,
                                 const char  *scene_id,
                                 gboolean     continues,
                                 GError     **error)
{
  return set_continuity_flag (store, project_id, scene_id, FALSE, continues, error);
}

gboolean
heyai_store_set_scene_ends_on_next (HeyaiStore  *store,
                                    const char  *project_id,
                                    const char  *scene_id,
                                    gboolean     ends_on_next,
                                    GError     **error)
{
  return set_continuity_flag (store, project_id, scene_id, TRUE, ends_on_next, error);
}

HeyaiAsset *
heyai_store_next_still (HeyaiStore *store,
                        HeyaiScene *scene)
{
  g_autoptr(HeyaiScene) next = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), NULL);

  next = heyai_store_get_scene_at (store, heyai_scene_get_project_id (scene), heyai_scene_get_position (scene) + 1,
                                   NULL);
  if (next == NULL || heyai_scene_get_image_take (next) <= 0)
    return NULL;
  return heyai_store_get_asset (store, heyai_scene_get_id (next), HEYAI_ASSET_KIND_IMAGE,
                                heyai_scene_get_image_take (next), NULL);
}

HeyaiAsset *
heyai_store_previous_clip (HeyaiStore *store,
                           HeyaiScene *scene)
{
  g_autoptr(HeyaiScene) previous = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), NULL);

  if (heyai_scene_get_position (scene) <= 1)
    return NULL;
  previous = heyai_store_get_scene_at (store, heyai_scene_get_project_id (scene), heyai_scene_get_position (scene) - 1,
                                       NULL);
  if (previous == NULL || heyai_scene_get_clip_take (previous) <= 0)
    return NULL;
  return heyai_store_get_asset (store, heyai_scene_get_id (previous), HEYAI_ASSET_KIND_CLIP,
                                heyai_scene_get_clip_take (previous), NULL);
}
