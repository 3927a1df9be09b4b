/* heyai-util.c: small shared helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "heyai-util.h"
#include "heyai-error.h"

#define SLUG_DEFAULT_MAX 48
#define SHA256_CHUNK     (64 * 1024)

char *
heyai_slugify (const char *text,
               gsize       max_len)
{
  g_autofree char *ascii = NULL;
  GString *slug;
  gboolean pending_dash = FALSE;

  if (max_len == 0)
    max_len = SLUG_DEFAULT_MAX;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("untitled");

  /* "C" keeps the transliteration independent of the user's locale. */
  ascii = g_str_to_ascii (text, "C");
  slug = g_string_sized_new (MIN (strlen (ascii), max_len) + 1);

  for (const char *p = ascii; *p != '\0'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c))
        {
          if (pending_dash && slug->len > 0)
            {
              if (slug->len + 2 > max_len)
                break;
              g_string_append_c (slug, '-');
            }
          pending_dash = FALSE;

          if (slug->len + 1 > max_len)
            break;
          g_string_append_c (slug, c);
        }
      else
        {
          /* Apostrophes join words ("don't" -> "dont"); everything else separates. */
          if (c != '\'')
            pending_dash = TRUE;
        }
    }

  if (slug->len == 0)
    {
      g_string_free (slug, TRUE);
      return g_strdup ("untitled");
    }

  return g_string_free (slug, FALSE);
}

char *
heyai_uuid_new (void)
{
  return g_uuid_string_random ();
}

char *
heyai_file_sha256 (const char    *path,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree guchar *buffer = NULL;
  g_autofree char *display = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  /* Hashing is bulk I/O: never on the thread running the default main
   * context (the window's main loop); use a GTask thread or the background
   * pool (issue 15). */
  g_assert (!g_main_context_is_owner (g_main_context_default ()));

  display = g_filename_display_basename (path);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not read “%s”"), display);

      heyai_set_io_error (error, saved_errno, what);
      return NULL;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  buffer = g_malloc (SHA256_CHUNK);

  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return NULL;
        }

      n = read (fd, buffer, SHA256_CHUNK);
      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *what = NULL;

          if (saved_errno == EINTR)
            continue;

          close (fd);
          what = g_strdup_printf (_("Could not read “%s”"), display);
          heyai_set_io_error (error, saved_errno, what);
          return NULL;
        }
      if (n == 0)
        break;

      g_checksum_update (checksum, buffer, (gsize) n);
    }

  close (fd);

  return g_strdup (g_checksum_get_string (checksum));
}

char *
heyai_default_data_dir (void)
{
  const char *env = g_getenv ("HEYAI_DATA_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "heyai-studio", NULL);
}

void
heyai_set_io_error (GError    **error,
                    int         saved_errno,
                    const char *what)
{
  if (what == NULL || *what == '\0')
    what = _("The file operation failed");

  switch (saved_errno)
    {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE,
                   _("%s: the disk is full. Free some space and try again."), what);
      break;

    case EROFS:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                   _("%s: the disk is read-only. Choose a folder you can write to."), what);
      break;

    case EACCES:
    case EPERM:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                   _("%s: permission denied. Check the permissions of the file and its folder."), what);
      break;

    default:
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   "%s: %s", what, g_strerror (saved_errno));
      break;
    }
}

void
heyai_set_gio_error (GError       **error,
                     const GError  *io_error,
                     const char    *what)
{
  g_return_if_fail (io_error != NULL);

  if (io_error->domain == HEYAI_ERROR)
    {
      g_set_error (error, HEYAI_ERROR, io_error->code, "%s: %s",
                   what != NULL ? what : "", io_error->message);
      return;
    }

  if (io_error->domain == G_IO_ERROR)
    {
      switch (io_error->code)
        {
        case G_IO_ERROR_NO_SPACE:
          heyai_set_io_error (error, ENOSPC, what);
          return;
        case G_IO_ERROR_READ_ONLY:
          heyai_set_io_error (error, EROFS, what);
          return;
        case G_IO_ERROR_PERMISSION_DENIED:
          heyai_set_io_error (error, EACCES, what);
          return;
        case G_IO_ERROR_CANCELLED:
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, io_error->message);
          return;
        default:
          break;
        }
    }
  else if (io_error->domain == G_FILE_ERROR)
    {
      switch (io_error->code)
        {
        case G_FILE_ERROR_NOSPC:
          heyai_set_io_error (error, ENOSPC, what);
          return;
        case G_FILE_ERROR_ROFS:
          heyai_set_io_error (error, EROFS, what);
          return;
        case G_FILE_ERROR_ACCES:
        case G_FILE_ERROR_PERM:
          heyai_set_io_error (error, EACCES, what);
          return;
        default:
          break;
        }
    }

  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, "%s: %s",
               what != NULL ? what : _("The file operation failed"), io_error->message);
}

char *
heyai_timecode (gint64 frames,
                int    fps)
{
  gint64 ff, total_seconds, ss, mm, hh;

  g_return_val_if_fail (fps > 0, NULL);

  if (frames < 0)
    frames = 0;

  ff = frames % fps;
  total_seconds = frames / fps;
  ss = total_seconds % 60;
  mm = (total_seconds / 60) % 60;
  hh = total_seconds / 3600;

  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT
                          ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                          hh, mm, ss, ff);
}

char *
heyai_format_duration (double seconds)
{
  gint64 total, h, m, s;

  if (!isfinite (seconds) || seconds < 0)
    seconds = 0;

  total = (gint64) floor (seconds + 0.5);
  h = total / 3600;
  m = (total / 60) % 60;
  s = total % 60;

  if (h > 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                            h, m, s);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, m, s);
}

const char *
heyai_locale_dir (void)
{
  static gsize dir = 0;

  if (g_once_init_enter (&dir))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      const char *found = LOCALEDIR;

      if (exe != NULL && g_str_has_prefix (exe, BUILD_ROOT "/") &&
          g_file_test (BUILD_LOCALEDIR, G_FILE_TEST_IS_DIR))
        found = BUILD_LOCALEDIR;
      g_once_init_leave (&dir, (gsize) found);
    }

  return (const char *) dir;
}

/* ------------------------------------------------------------------------ */
/* Translations in a given language                                          */

/* A compiled message catalog (.mo) read into a table msgid -> msgstr; the
 * strings point into @data. */
typedef struct
{
  char       *data;
  GHashTable *table;
} Catalog;

static guint32
mo_word (const guint8 *p,
         gboolean      swap)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

static Catalog *
catalog_load (const char *language)
{
  g_autofree char *file = g_strconcat (GETTEXT_PACKAGE, ".mo", NULL);
  g_autofree char *path = g_build_filename (heyai_locale_dir (), language, "LC_MESSAGES", file, NULL);
  Catalog *catalog = g_new0 (Catalog, 1);
  gsize len = 0;
  guint32 magic, n, orig, trans;
  gboolean swap;

  catalog->table = g_hash_table_new (g_str_hash, g_str_equal);
  if (!g_file_get_contents (path, &catalog->data, &len, NULL) || len < 28)
    return catalog;

  magic = mo_word ((const guint8 *) catalog->data, FALSE);
  if (magic != 0x950412de && magic != 0xde120495)
    return catalog;
  swap = magic == 0xde120495;
  n = mo_word ((const guint8 *) catalog->data + 8, swap);
  orig = mo_word ((const guint8 *) catalog->data + 12, swap);
  trans = mo_word ((const guint8 *) catalog->data + 16, swap);
  if (orig > len || trans > len || n > (len - MAX (orig, trans)) / 8)
    return catalog;

  for (guint32 i = 0; i < n; i++)
    {
      guint32 id_len = mo_word ((const guint8 *) catalog->data + orig + 8 * i, swap);
      guint32 id_off = mo_word ((const guint8 *) catalog->data + orig + 8 * i + 4, swap);
      guint32 str_len = mo_word ((const guint8 *) catalog->data + trans + 8 * i, swap);
      guint32 str_off = mo_word ((const guint8 *) catalog->data + trans + 8 * i + 4, swap);

      /* each string is NUL-terminated inside the file */
      if (id_off >= len || id_len >= len - id_off || str_off >= len || str_len >= len - str_off ||
          catalog->data[id_off + id_len] != '\0' || catalog->data[str_off + str_len] != '\0')
        continue;
      if (id_len == 0 || str_len == 0)
        continue;   /* the header, or an untranslated entry */
      g_hash_table_insert (catalog->table, catalog->data + id_off, catalog->data + str_off);
    }

  return catalog;
}

const char *
heyai_translate_in (const char *language,
                    const char *msgid)
{
  static GHashTable *catalogs;   /* language -> Catalog, kept for the process */
  G_LOCK_DEFINE_STATIC (catalogs);
  const char *found;
  Catalog *catalog;

  g_return_val_if_fail (msgid != NULL, NULL);

  if (language == NULL)
    return g_dgettext (GETTEXT_PACKAGE, msgid);
  if (g_str_equal (language, "en") || g_str_has_prefix (language, "en_") || g_str_equal (language, "C"))
    return msgid;

  G_LOCK (catalogs);
  if (catalogs == NULL)
    catalogs = g_hash_table_new (g_str_hash, g_str_equal);
  catalog = g_hash_table_lookup (catalogs, language);
  if (catalog == NULL)
    {
      catalog = catalog_load (language);
      g_hash_table_insert (catalogs, g_strdup (language), catalog);
    }
  found = g_hash_table_lookup (catalog->table, msgid);
  G_UNLOCK (catalogs);

  return found != NULL ? found : msgid;
}
