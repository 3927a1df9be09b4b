/* heyai-export-io.c: the resolved cut, file helpers and escaping.
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

#define COPY_CHUNK (256 * 1024)

/* The cut -------------------------------------------------------------- */

static void
heyai_cut_entry_free (HeyaiCutEntry *entry)
{
  g_free (entry->name);
  g_free (entry->media_rel);
  g_free (entry->still_rel);
  g_free (entry->clip_src);
  g_free (entry->still_src);
  g_free (entry->uid);
  g_free (entry->original_rel);
  g_free (entry->conform_reason);
  heyai_media_info_clear (&entry->media);
  heyai_media_info_clear (&entry->original);
  g_free (entry);
}

static char *
extension_of (const char *path,
              const char *fallback)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  g_autofree char *ext = NULL;

  if (dot == NULL || dot[1] == '\0' || strlen (dot) > 6)
    return g_strdup (fallback);

  ext = g_ascii_strdown (dot + 1, -1);
  for (char *p = ext; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return g_strdup (fallback);

  return g_steal_pointer (&ext);
}

HeyaiCut *
heyai_cut_new (const HeyaiExportPlan *plan,
               HeyaiExportMissing     missing,
               const char            *package_dir)
{
  HeyaiCut *cut = g_new0 (HeyaiCut, 1);
  int max_number = 0;
  int width = 2;

  cut->plan = plan;
  cut->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_cut_entry_free);
  cut->skipped = g_ptr_array_new ();
  cut->package_dir = g_strdup (package_dir);
  cut->start_frame = heyai_export_plan_start_frame (plan);

  for (guint i = 0; i < plan->scenes->len; i++)
    max_number = MAX (max_number, ((HeyaiExportScene *) g_ptr_array_index (plan->scenes, i))->number);
  if (max_number >= 100)
    width = max_number >= 1000 ? 4 : 3;

  for (guint i = 0; i < plan->scenes->len; i++)
    {
      const HeyaiExportScene *scene = g_ptr_array_index (plan->scenes, i);
      HeyaiCutEntry *entry;
      const char *slug = scene->scene_slug != NULL && *scene->scene_slug != '\0' ? scene->scene_slug : "scene";

      if (scene->clip_path == NULL &&
          (missing == HEYAI_EXPORT_MISSING_SKIP || scene->still_path == NULL))
        {
          g_ptr_array_add (cut->skipped, (gpointer) scene);
          continue;
        }

      entry = g_new0 (HeyaiCutEntry, 1);
      entry->scene = scene;
      entry->name = g_strdup_printf ("%0*d-%s", width, scene->number, slug);
      entry->clip_src = g_strdup (scene->clip_path);
      entry->still_src = g_strdup (scene->still_path);

      if (scene->still_path != NULL)
        {
          g_autofree char *ext = extension_of (scene->still_path, "png");
          entry->still_rel = g_strdup_printf ("images/%s.%s", entry->name, ext);
        }

      if (scene->clip_path != NULL)
        {
          g_autofree char *ext = extension_of (scene->clip_path, "mp4");
          entry->media_rel = g_strdup_printf ("clips/%s.%s", entry->name, ext);
        }
      else
        {
          entry->is_still = TRUE;
          entry->media_rel = g_strdup (entry->still_rel);
        }

      entry->record_in = cut->total_frames;
      entry->frames = heyai_export_scene_frames (scene, plan->fps);
      entry->uid = scene->scene_id != NULL ? g_strdup_printf ("heyai:%s", scene->scene_id)
                                           : g_strdup_printf ("heyai:scene-%d", scene->number);
      /* Until probed: what the timelines promise (the delivery format). */
      entry->media.width = plan->width;
      entry->media.height = plan->height;
      entry->media.is_image = entry->is_still;
      heyai_export_fps_get_rational (plan->fps, &entry->media.fps_n, &entry->media.fps_d);
      entry->media.frames = entry->frames;
      cut->total_frames += entry->frames;
      g_ptr_array_add (cut->entries, entry);
    }

  return cut;
}

void
heyai_cut_free (HeyaiCut *cut)
{
  if (cut == NULL)
    return;

  g_clear_pointer (&cut->entries, g_ptr_array_unref);
  g_clear_pointer (&cut->skipped, g_ptr_array_unref);
  g_free (cut->package_dir);
  g_free (cut);
}

char *
heyai_export_record_timecode (const HeyaiCut *cut,
                              gint64          frames)
{
  return heyai_export_timecode (cut->start_frame + frames, cut->plan->fps);
}

char *
heyai_export_media_url (const HeyaiCut *cut,
                        const char     *rel,
                        gboolean        localhost)
{
  g_autofree char *full = NULL;
  g_autofree char *encoded = NULL;

  if (cut->package_dir == NULL)
    return heyai_export_uri_encode_path (rel);

  full = g_build_filename (cut->package_dir, rel, NULL);
  encoded = heyai_export_uri_encode_path (full);

  return g_strconcat (localhost ? "file://localhost" : "file://", encoded[0] == '/' ? "" : "/", encoded, NULL);
}

char *
heyai_export_clip_name (const HeyaiCutEntry *entry)
{
  return g_strdup_printf ("%d. %s", entry->scene->number,
                          entry->scene->title != NULL ? entry->scene->title : "");
}

char *
heyai_export_marker_note (const HeyaiCutEntry *entry)
{
  const HeyaiExportScene *s = entry->scene;
  GString *out = g_string_new (NULL);

  if (s->editor_note != NULL && *s->editor_note != '\0')
    g_string_append (out, s->editor_note);
  else
    g_string_append (out, s->image_prompt != NULL ? s->image_prompt : "");

  return g_string_free (out, FALSE);
}

void
heyai_media_info_clear (HeyaiMediaInfo *info)
{
  g_clear_pointer (&info->codec, g_free);
  g_clear_pointer (&info->container, g_free);
}

/* Fault injection for tests ----------------------------------------- */

static GMutex write_limit_lock;
static gint64 write_limit = -1;

void
heyai_export_set_write_limit (gint64 bytes)
{
  g_mutex_lock (&write_limit_lock);
  write_limit = bytes;
  g_mutex_unlock (&write_limit_lock);
}

/* Returns how many of @n bytes may be written (the rest fail with ENOSPC). */
static gsize
write_allowance (gsize n)
{
  gsize allowed = n;

  g_mutex_lock (&write_limit_lock);
  if (write_limit >= 0)
    {
      allowed = (gsize) MIN ((gint64) n, write_limit);
      write_limit -= (gint64) allowed;
    }
  g_mutex_unlock (&write_limit_lock);

  return allowed;
}

/* Files --------------------------------------------------------------- */

static void
set_error_for_path (GError    **error,
                    int         saved_errno,
                    gboolean    reading,
                    const char *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *what = NULL;

  if (reading)
    what = g_strdup_printf (_("Could not read “%s”"), display);
  else
    what = g_strdup_printf (_("Could not write “%s”"), display);

  heyai_set_io_error (error, saved_errno, what);
}

gboolean
heyai_export_write_all (int          fd,
           const char  *data,
           gsize        length,
           int         *saved_errno)
{
  while (length > 0)
    {
      gsize allowed = write_allowance (length);
      gssize n;

      if (allowed == 0)
        {
          *saved_errno = ENOSPC;
          return FALSE;
        }

      n = write (fd, data, allowed);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          *saved_errno = errno;
          return FALSE;
        }

      data += n;
      length -= (gsize) n;
    }

  return TRUE;
}

gboolean
heyai_export_write_file (const char  *path,
                         const char  *contents,
                         gssize       length,
                         GError     **error)
{
  int saved_errno = 0;
  int fd;

  if (length < 0)
    length = (gssize) strlen (contents);

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_error_for_path (error, errno, FALSE, path);
      return FALSE;
    }

  if (!heyai_export_write_all (fd, contents, (gsize) length, &saved_errno))
    {
      close (fd);
      set_error_for_path (error, saved_errno, FALSE, path);
      return FALSE;
    }

  if (close (fd) != 0)
    {
      set_error_for_path (error, errno, FALSE, path);
      return FALSE;
    }

  return TRUE;
}

gboolean
heyai_export_copy_file (const char    *src,
                        const char    *dest,
                        char         **sha256,
                        gint64        *size,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *buffer = g_malloc (COPY_CHUNK);
  gint64 total = 0;
  int in_fd, out_fd;
  int saved_errno = 0;

  in_fd = g_open (src, O_RDONLY | O_CLOEXEC, 0);
  if (in_fd < 0)
    {
      set_error_for_path (error, errno, TRUE, src);
      return FALSE;
    }

  out_fd = g_open (dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0)
    {
      saved_errno = errno;
      close (in_fd);
      set_error_for_path (error, saved_errno, FALSE, dest);
      return FALSE;
    }

  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail_quiet;

      n = read (in_fd, buffer, COPY_CHUNK);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          saved_errno = errno;
          close (in_fd);
          close (out_fd);
          set_error_for_path (error, saved_errno, TRUE, src);
          return FALSE;
        }
      if (n == 0)
        break;

      if (!heyai_export_write_all (out_fd, buffer, (gsize) n, &saved_errno))
        {
          close (in_fd);
          close (out_fd);
          set_error_for_path (error, saved_errno, FALSE, dest);
          return FALSE;
        }

      g_checksum_update (checksum, (const guchar *) buffer, (gsize) n);
      total += n;
    }

  close (in_fd);
  if (close (out_fd) != 0)
    {
      set_error_for_path (error, errno, FALSE, dest);
      return FALSE;
    }

  if (sha256 != NULL)
    *sha256 = g_strdup (g_checksum_get_string (checksum));
  if (size != NULL)
    *size = total;

  return TRUE;

fail_quiet:
  close (in_fd);
  close (out_fd);
  return FALSE;
}

void
heyai_export_rm_rf (const char *path)
{
  GDir *dir;
  const char *name;

  if (path == NULL)
    return;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          heyai_export_rm_rf (child);
        }
      g_dir_close (dir);
    }

  g_rmdir (path);
}

/* Escaping ------------------------------------------------------------ */

char *
heyai_export_xml_escape (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '<':  g_string_append (out, "&lt;"); break;
        case '>':  g_string_append (out, "&gt;"); break;
        case '&':  g_string_append (out, "&amp;"); break;
        case '"':  g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&apos;"); break;
        case '\n': g_string_append (out, "&#10;"); break;
        case '\r': g_string_append (out, "&#13;"); break;
        case '\t': g_string_append (out, "&#9;"); break;
        default:
          /* XML 1.0 forbids other control characters even as references. */
          if (c < 0x20 || c == 0xFFFE || c == 0xFFFF)
            g_string_append_c (out, ' ');
          else
            g_string_append_unichar (out, c);
          break;
        }
    }

  return g_string_free (out, FALSE);
}

char *
heyai_export_csv_field (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  if (strpbrk (text, ",\"\r\n") == NULL)
    return g_strdup (text);

  out = g_string_sized_new (strlen (text) + 8);
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

char *
heyai_export_uri_encode_path (const char *path)
{
  return g_uri_escape_string (path, "/", FALSE);
}
