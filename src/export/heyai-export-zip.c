/* heyai-export-zip.c: a minimal zip writer (stored entries, CRC-32, UTF-8
 * names).  Clips and stills are already compressed, so "stored" loses little
 * and any unzip (Finder, Explorer, unzip, 7-Zip) opens it.  No zip64: a
 * package over 4 GiB is refused with a clear message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "heyai-core.h"
#include "heyai-export-private.h"

#define ZIP_CHUNK (256 * 1024)

typedef struct
{
  char    *name;
  guint32  crc;
  guint32  size;
  guint32  offset;
  guint32  mode;
} ZipEntry;

static void
zip_entry_free (ZipEntry *e)
{
  g_free (e->name);
  g_free (e);
}

static guint32 crc_table[256];

static gpointer
init_crc_table (gpointer data)
{
  for (guint32 n = 0; n < 256; n++)
    {
      guint32 c = n;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[n] = c;
    }

  return NULL;
}

static guint32
crc32_update (guint32       crc,
              const guchar *data,
              gsize         len)
{
  crc = ~crc;
  while (len--)
    crc = crc_table[(crc ^ *data++) & 0xff] ^ (crc >> 8);

  return ~crc;
}

static void
put16 (GByteArray *b,
       guint16     v)
{
  guint8 x[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (b, x, 2);
}

static void
put32 (GByteArray *b,
       guint32     v)
{
  guint8 x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (b, x, 4);
}

static void
dos_time (guint16 *time_out,
          guint16 *date_out)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  *time_out = (guint16) ((g_date_time_get_hour (now) << 11) |
                         (g_date_time_get_minute (now) << 5) |
                         (g_date_time_get_second (now) / 2));
  *date_out = (guint16) (((MAX (g_date_time_get_year (now), 1980) - 1980) << 9) |
                         (g_date_time_get_month (now) << 5) |
                         g_date_time_get_day_of_month (now));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
collect_files (const char *root,
               const char *rel,
               GPtrArray  *out)
{
  g_autofree char *path = rel != NULL ? g_build_filename (root, rel, NULL) : g_strdup (root);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);
      g_autofree char *child_rel = rel != NULL ? g_strconcat (rel, "/", n, NULL) : g_strdup (n);
      g_autofree char *child = g_build_filename (root, child_rel, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        collect_files (root, child_rel, out);
      else if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (out, g_steal_pointer (&child_rel));
    }
}

gboolean
heyai_export_zip_dir (const char    *dir,
                      const char    *prefix,
                      const char    *zip_path,
                      GCancellable  *cancellable,
                      GError       **error)
{
  static GOnce crc_once = G_ONCE_INIT;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) zip_entry_free);
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  g_autofree char *chunk = g_malloc (ZIP_CHUNK);
  g_autofree char *display = g_filename_display_basename (zip_path);
  g_autofree char *what = g_strdup_printf (_("Could not write “%s”"), display);
  guint16 mtime, mdate;
  guint64 offset = 0;
  guint64 cd_start;
  int saved_errno = 0;
  int fd;

  g_once (&crc_once, init_crc_table, NULL);
  dos_time (&mtime, &mdate);
  collect_files (dir, NULL, files);
  g_ptr_array_sort (files, compare_strings);

  fd = g_open (zip_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      heyai_set_io_error (error, errno, what);
      return FALSE;
    }

  for (guint i = 0; i < files->len; i++)
    {
      const char *rel = g_ptr_array_index (files, i);
      g_autofree char *src = g_build_filename (dir, rel, NULL);
      ZipEntry *e = g_new0 (ZipEntry, 1);
      guint32 crc = 0;
      guint64 size = 0;
      GStatBuf st;
      int in_fd;

      g_ptr_array_add (entries, e);
      e->name = prefix != NULL && *prefix != '\0' ? g_strconcat (prefix, "/", rel, NULL) : g_strdup (rel);
      e->offset = (guint32) offset;
      e->mode = 0100644;

      if (g_stat (src, &st) != 0 || (guint64) st.st_size > G_MAXUINT32 ||
          offset + (guint64) st.st_size + 1024 > G_MAXUINT32)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                       _("The package is too large for a zip file (over 4 GB). Share the folder instead."));
          goto fail;
        }

      /* Local header with size and CRC known up front (the file is on disk). */
      in_fd = g_open (src, O_RDONLY | O_CLOEXEC, 0);
      if (in_fd < 0)
        {
          heyai_set_io_error (error, errno, what);
          goto fail;
        }
      for (;;)
        {
          gssize n = read (in_fd, chunk, ZIP_CHUNK);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          crc = crc32_update (crc, (const guchar *) chunk, (gsize) n);
          size += (guint64) n;
        }
      e->crc = crc;
      e->size = (guint32) size;

      g_byte_array_set_size (buf, 0);
      put32 (buf, 0x04034b50);
      put16 (buf, 20);
      put16 (buf, 0x0800);  /* UTF-8 names */
      put16 (buf, 0);       /* stored */
      put16 (buf, mtime);
      put16 (buf, mdate);
      put32 (buf, e->crc);
      put32 (buf, e->size);
      put32 (buf, e->size);
      put16 (buf, (guint16) strlen (e->name));
      put16 (buf, 0);
      g_byte_array_append (buf, (const guint8 *) e->name, (guint) strlen (e->name));
      if (!heyai_export_write_all (fd, (const char *) buf->data, buf->len, &saved_errno))
        {
          close (in_fd);
          heyai_set_io_error (error, saved_errno, what);
          goto fail;
        }
      offset += buf->len;

      lseek (in_fd, 0, SEEK_SET);
      for (;;)
        {
          gssize n;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              close (in_fd);
              goto fail;
            }
          n = read (in_fd, chunk, ZIP_CHUNK);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          if (!heyai_export_write_all (fd, chunk, (gsize) n, &saved_errno))
            {
              close (in_fd);
              heyai_set_io_error (error, saved_errno, what);
              goto fail;
            }
          offset += (guint64) n;
        }
      close (in_fd);
    }

  cd_start = offset;
  g_byte_array_set_size (buf, 0);
  for (guint i = 0; i < entries->len; i++)
    {
      ZipEntry *e = g_ptr_array_index (entries, i);

      put32 (buf, 0x02014b50);
      put16 (buf, 0x031e);  /* made by: unix, 3.0 */
      put16 (buf, 20);
      put16 (buf, 0x0800);
      put16 (buf, 0);
      put16 (buf, mtime);
      put16 (buf, mdate);
      put32 (buf, e->crc);
      put32 (buf, e->size);
      put32 (buf, e->size);
      put16 (buf, (guint16) strlen (e->name));
      put16 (buf, 0);
      put16 (buf, 0);
      put16 (buf, 0);
      put16 (buf, 0);
      put32 (buf, e->mode << 16);
      put32 (buf, e->offset);
      g_byte_array_append (buf, (const guint8 *) e->name, (guint) strlen (e->name));
    }
  put32 (buf, 0x06054b50);
  put16 (buf, 0);
  put16 (buf, 0);
  put16 (buf, (guint16) entries->len);
  put16 (buf, (guint16) entries->len);
  put32 (buf, (guint32) (buf->len - 4));  /* central directory size (fixed below) */
  put32 (buf, (guint32) cd_start);
  put16 (buf, 0);
  {
    /* The size field counts the central directory only (without the 22-byte end record). */
    guint32 cd_size = buf->len - 22;
    guint8 *p = buf->data + buf->len - 10;

    p[0] = cd_size & 0xff;
    p[1] = (cd_size >> 8) & 0xff;
    p[2] = (cd_size >> 16) & 0xff;
    p[3] = cd_size >> 24;
  }

  if (!heyai_export_write_all (fd, (const char *) buf->data, buf->len, &saved_errno))
    {
      heyai_set_io_error (error, saved_errno, what);
      goto fail;
    }

  if (close (fd) != 0)
    {
      heyai_set_io_error (error, errno, what);
      g_unlink (zip_path);
      return FALSE;
    }

  return TRUE;

fail:
  close (fd);
  g_unlink (zip_path);
  return FALSE;
}
