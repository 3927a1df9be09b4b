/* heyai-export.c: the orchestrator of the handoff package.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "heyai-core.h"
#include "heyai-export.h"
#include "heyai-export-private.h"

static const HeyaiExportFormatInfo format_table[HEYAI_EXPORT_N_FORMATS];

/* Options ------------------------------------------------------------ */

void
heyai_export_options_init (HeyaiExportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->formats = HEYAI_EXPORT_FORMAT_ALL;
  options->missing = HEYAI_EXPORT_MISSING_HOLD;
  options->paper = HEYAI_EXPORT_PAPER_AUTO;
  options->fit = HEYAI_EXPORT_FIT_LETTERBOX;
  options->conform = TRUE;
}

void
heyai_export_options_clear (HeyaiExportOptions *options)
{
  g_clear_pointer (&options->music, g_free);
}

static void
options_copy (HeyaiExportOptions       *dest,
              const HeyaiExportOptions *src)
{
  *dest = *src;
  dest->music = g_strdup (src->music);
}

gboolean
heyai_export_formats_parse (const char          *text,
                            HeyaiExportFormats  *formats,
                            GError             **error)
{
  g_auto(GStrv) parts = NULL;
  HeyaiExportFormats result = 0;

  if (text == NULL)
    {
      *formats = HEYAI_EXPORT_FORMAT_ALL;
      return TRUE;
    }

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *word = g_ascii_strdown (g_strstrip (parts[i]), -1);
      gboolean found = FALSE;

      if (*word == '\0')
        continue;

      if (g_str_equal (word, "all"))
        {
          result |= HEYAI_EXPORT_FORMAT_ALL;
          continue;
        }
      if (g_str_equal (word, "fcp7"))  /* an alias of "xml" */
        {
          result |= HEYAI_EXPORT_FORMAT_XML;
          continue;
        }

      for (guint n = 0; n < G_N_ELEMENTS (format_table); n++)
        {
          if (g_str_equal (word, format_table[n].id))
            {
              result |= format_table[n].flag;
              found = TRUE;
              break;
            }
        }

      if (!found)
        {
          g_autofree char *ids = heyai_export_format_ids ();

          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                       _("Unknown export format “%s”. Choose from %s, or all."),
                       word, ids);
          return FALSE;
        }
    }

  if (result == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("No export format was chosen."));
      return FALSE;
    }

  *formats = result;
  return TRUE;
}

HeyaiExportPaper
heyai_export_paper_for_locale_name (const char *locale)
{
  /* Countries that use US Letter (glibc's LC_PAPER tables). */
  static const char *letter[] = { "US", "CA", "MX", "CL", "CO", "CR", "GT", "PA", "PH",
                                  "PR", "SV", "VE", "DO", "NI", "BZ", NULL };
  const char *underscore;
  char country[3];

  if (locale == NULL)
    return HEYAI_EXPORT_PAPER_A4;

  underscore = strchr (locale, '_');
  if (underscore == NULL || strlen (underscore) < 3)
    return HEYAI_EXPORT_PAPER_A4;

  country[0] = g_ascii_toupper (underscore[1]);
  country[1] = g_ascii_toupper (underscore[2]);
  country[2] = '\0';

  return g_strv_contains (letter, country) ? HEYAI_EXPORT_PAPER_LETTER : HEYAI_EXPORT_PAPER_A4;
}

HeyaiExportPaper
heyai_export_paper_for_locale (void)
{
  const char *vars[] = { "LC_ALL", "LC_PAPER", "LANG" };

  /* The first one set wins, as in setlocale (LC_PAPER, ""). */
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      const char *value = g_getenv (vars[i]);

      if (value != NULL && *value != '\0')
        return heyai_export_paper_for_locale_name (value);
    }

  return HEYAI_EXPORT_PAPER_A4;
}

void
heyai_export_result_free (HeyaiExportResult *result)
{
  if (result == NULL)
    return;

  g_free (result->package_path);
  g_free (result->zip_path);
  g_free (result->zip_sha256);
  g_strfreev (result->warnings);
  g_free (result);
}

guint
heyai_export_plan_count (const HeyaiExportPlan *plan,
                         HeyaiExportMissing     missing,
                         gint64                *total_frames)
{
  g_autoptr(HeyaiCut) cut = NULL;

  g_return_val_if_fail (plan != NULL, 0);

  cut = heyai_cut_new (plan, missing, NULL);
  if (total_frames != NULL)
    *total_frames = cut->total_frames;

  return cut->entries->len;
}

/* The run ------------------------------------------------------------ */

typedef struct
{
  HeyaiExportProgress  progress;
  gpointer             progress_data;
  double               base;
  double               span;
  double               last;
} Progress;

static void
report (Progress   *p,
        double      fraction,
        const char *step)
{
  double value = p->base + p->span * CLAMP (fraction, 0.0, 1.0);

  if (p->progress == NULL)
    return;
  if (step == NULL && value - p->last < 0.01)
    return;

  p->last = value;
  p->progress (value, step, p->progress_data);
}

static void
animatic_progress (double      fraction,
                   const char *step,
                   gpointer    user_data)
{
  report (user_data, fraction, step);
}

static void
add_file (GPtrArray  *files,
          const char *rel,
          gint64      size,
          char       *sha256)
{
  HeyaiManifestFile *f = g_new0 (HeyaiManifestFile, 1);

  f->path = g_strdup (rel);
  f->size = size;
  f->sha256 = sha256;
  g_ptr_array_add (files, f);
}

static gboolean
write_text (const char  *root,
            const char  *rel,
            char        *contents,   /* owned */
            GPtrArray   *files,
            GError     **error)
{
  g_autofree char *text = contents;
  g_autofree char *path = g_build_filename (root, rel, NULL);
  gsize len = strlen (text);

  if (!heyai_export_write_file (path, text, (gssize) len, error))
    return FALSE;

  add_file (files, rel, (gint64) len,
            g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, (gssize) len));
  return TRUE;
}

static gboolean
hash_written (const char    *root,
              const char    *rel,
              GPtrArray     *files,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  char *sha = heyai_file_sha256 (path, cancellable, error);
  GStatBuf st;

  if (sha == NULL)
    return FALSE;
  if (g_stat (path, &st) != 0)
    {
      g_free (sha);
      heyai_set_io_error (error, errno, rel);
      return FALSE;
    }

  add_file (files, rel, (gint64) st.st_size, sha);
  return TRUE;
}

static gboolean
make_dir (const char  *path,
          GError     **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);
      g_autofree char *what = g_strdup_printf (_("Could not create the folder “%s”"), display);

      heyai_set_io_error (error, saved_errno, what);
      return FALSE;
    }

  return TRUE;
}

/* Media --------------------------------------------------------------- */

/* clips/originals/01-x.webm: where the provider's file is kept when the
 * clip is conformed. */
static char *
original_rel_for (const char *folder,
                  const char *name,
                  const char *src)
{
  g_autofree char *base = g_path_get_basename (src);
  const char *dot = strrchr (base, '.');

  return g_strdup_printf ("%s/originals/%s%s", folder, name, dot != NULL ? dot : "");
}

static gboolean
place_clip (HeyaiCut                 *cut,
            HeyaiCutEntry            *entry,
            const HeyaiExportOptions *options,
            const char               *root,
            GPtrArray                *files,
            GCancellable             *cancellable,
            GError                  **error)
{
  const HeyaiExportPlan *plan = cut->plan;
  g_autofree char *reason = NULL;
  g_autofree char *target = NULL;
  char *sha = NULL;
  gint64 size = 0;

  if (!heyai_media_probe (entry->clip_src, &entry->original, error))
    return FALSE;

  reason = options->conform ? heyai_export_conform_reason (&entry->original, entry->clip_src, plan) : NULL;
  if (reason == NULL)
    {
      target = g_build_filename (root, entry->media_rel, NULL);
      if (!heyai_export_copy_file (entry->clip_src, target, &sha, &size, cancellable, error))
        return FALSE;
      add_file (files, entry->media_rel, size, sha);
      heyai_media_info_clear (&entry->media);
      entry->media = entry->original;
      memset (&entry->original, 0, sizeof entry->original);
      return TRUE;
    }

  /* Keep the provider's file beside the mezzanine. */
  entry->original_rel = original_rel_for ("clips", entry->name, entry->clip_src);
  {
    g_autofree char *original = g_build_filename (root, entry->original_rel, NULL);
    g_autofree char *dir = g_path_get_dirname (original);

    if (!make_dir (dir, error) ||
        !heyai_export_copy_file (entry->clip_src, original, &sha, &size, cancellable, error))
      return FALSE;
    add_file (files, entry->original_rel, size, sha);
  }

  g_free (entry->media_rel);
  entry->media_rel = g_strdup_printf ("clips/%s.mp4", entry->name);
  entry->conform_reason = g_steal_pointer (&reason);
  target = g_build_filename (root, entry->media_rel, NULL);

  return heyai_export_conform_clip (entry->clip_src, &entry->original, target, plan, options->fit,
                                    cancellable, error) &&
         heyai_media_probe (target, &entry->media, error) &&
         hash_written (root, entry->media_rel, files, cancellable, error);
}

/* The still of a scene, at the delivery frame size (the provider's file kept
 * in images/originals/ when its size differs). */
static gboolean
place_still (HeyaiCut                 *cut,
             HeyaiCutEntry            *entry,
             const HeyaiExportOptions *options,
             const char               *root,
             GPtrArray                *files,
             GCancellable             *cancellable,
             GError                  **error)
{
  const HeyaiExportPlan *plan = cut->plan;
  HeyaiMediaInfo probe = { 0 };
  g_autofree char *target = NULL;
  char *sha = NULL;
  gint64 size = 0;
  gboolean same;

  if (!heyai_media_probe (entry->still_src, &probe, error))
    return FALSE;

  same = !options->conform ||
         (probe.width == plan->width && probe.height == plan->height && g_str_has_suffix (entry->still_rel, ".png"));
  if (same)
    {
      target = g_build_filename (root, entry->still_rel, NULL);
      if (!heyai_export_copy_file (entry->still_src, target, &sha, &size, cancellable, error))
        {
          heyai_media_info_clear (&probe);
          return FALSE;
        }
      add_file (files, entry->still_rel, size, sha);
    }
  else
    {
      g_autofree char *original_rel = original_rel_for ("images", entry->name, entry->still_src);
      g_autofree char *original = g_build_filename (root, original_rel, NULL);
      g_autofree char *dir = g_path_get_dirname (original);
      gboolean was_media = g_strcmp0 (entry->media_rel, entry->still_rel) == 0;

      if (!make_dir (dir, error) ||
          !heyai_export_copy_file (entry->still_src, original, &sha, &size, cancellable, error))
        {
          heyai_media_info_clear (&probe);
          return FALSE;
        }
      add_file (files, original_rel, size, sha);

      g_free (entry->still_rel);
      entry->still_rel = g_strdup_printf ("images/%s.png", entry->name);
      if (was_media)
        {
          g_free (entry->media_rel);
          entry->media_rel = g_strdup (entry->still_rel);
          g_free (entry->original_rel);
          entry->original_rel = g_steal_pointer (&original_rel);
          heyai_media_info_clear (&entry->original);
          entry->original = probe;
          memset (&probe, 0, sizeof probe);
          g_free (entry->conform_reason);
          entry->conform_reason = g_strdup_printf ("%d×%d", entry->original.width, entry->original.height);
        }

      target = g_build_filename (root, entry->still_rel, NULL);
      if (!heyai_export_conform_still (entry->still_src, target, plan, options->fit, error) ||
          !hash_written (root, entry->still_rel, files, cancellable, error))
        {
          heyai_media_info_clear (&probe);
          return FALSE;
        }
    }

  heyai_media_info_clear (&probe);

  if (entry->is_still)
    {
      /* What the timelines point at: a picture at the delivery size, held. */
      heyai_media_info_clear (&entry->media);
      memset (&entry->media, 0, sizeof entry->media);
      target = target != NULL ? target : g_build_filename (root, entry->still_rel, NULL);
      if (!heyai_media_probe (target, &entry->media, error))
        return FALSE;
      entry->media.frames = entry->frames;
    }

  return TRUE;
}

/* The format table ----------------------------------------------------- */

struct _HeyaiExportWriteContext
{
  const HeyaiCut           *cut;
  const HeyaiExportOptions *options;
  const char               *root;       /* the temporary package folder */
  GPtrArray                *files;      /* HeyaiManifestFile* */
  HeyaiExportPaper          paper;
  GCancellable             *cancellable;
  Progress                 *progress;
};

static gboolean
write_otio (HeyaiExportWriteContext  *c,
            GError                  **error)
{
  return write_text (c->root, "timeline.otio", heyai_export_otio_to_string (c->cut), c->files, error);
}

static gboolean
write_fcpxml (HeyaiExportWriteContext  *c,
              GError                  **error)
{
  return write_text (c->root, "timeline.fcpxml", heyai_export_fcpxml_to_string (c->cut), c->files, error);
}

static gboolean
write_fcp7 (HeyaiExportWriteContext  *c,
            GError                  **error)
{
  return write_text (c->root, "timeline.xml", heyai_export_fcp7_to_string (c->cut), c->files, error);
}

static gboolean
write_edl (HeyaiExportWriteContext  *c,
           GError                  **error)
{
  return write_text (c->root, "timeline.edl", heyai_export_edl_to_string (c->cut, FALSE), c->files, error);
}

static gboolean
write_edl_clipnames (HeyaiExportWriteContext  *c,
                     GError                  **error)
{
  return write_text (c->root, "timeline-clipnames.edl", heyai_export_edl_to_string (c->cut, TRUE),
                     c->files, error);
}

static gboolean
write_csv (HeyaiExportWriteContext  *c,
           GError                  **error)
{
  return write_text (c->root, "shotlist.csv", heyai_export_csv_to_string (c->cut), c->files, error);
}

static gboolean
write_md (HeyaiExportWriteContext  *c,
          GError                  **error)
{
  return write_text (c->root, "script-with-timing.md", heyai_export_script_md_to_string (c->cut),
                     c->files, error);
}

static gboolean
write_pdf (HeyaiExportWriteContext  *c,
           GError                  **error)
{
  g_autofree char *storyboard = g_build_filename (c->root, "storyboard.pdf", NULL);
  g_autofree char *script = g_build_filename (c->root, "script-with-timing.pdf", NULL);

  if (!heyai_export_storyboard_pdf (c->cut, c->root, storyboard, c->paper, c->cancellable, error) ||
      !hash_written (c->root, "storyboard.pdf", c->files, c->cancellable, error))
    return FALSE;
  report (c->progress, 0.8, NULL);

  return heyai_export_script_pdf (c->cut, script, c->paper, c->cancellable, error) &&
         hash_written (c->root, "script-with-timing.pdf", c->files, c->cancellable, error);
}

static gboolean
write_animatic (HeyaiExportWriteContext  *c,
                GError                  **error)
{
  g_autofree char *animatic = g_build_filename (c->root, "animatic.mp4", NULL);

  return heyai_export_animatic (c->cut, c->root, animatic, c->options, animatic_progress, c->progress,
                                c->cancellable, error) &&
         hash_written (c->root, "animatic.mp4", c->files, c->cancellable, error);
}

static gboolean
write_otioz (HeyaiExportWriteContext  *c,
             GError                  **error)
{
  g_autofree char *staging = g_build_filename (c->root, ".otioz", NULL);
  g_autofree char *media = g_build_filename (staging, "media", NULL);
  g_autofree char *zip = g_build_filename (c->root, "timeline.otioz", NULL);
  g_autofree char *content = NULL;
  gboolean ok = FALSE;

  if (!make_dir (media, error))
    goto out;

  /* The media the timeline points at, flat in media/ (names are unique). */
  for (guint i = 0; i < c->cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (c->cut->entries, i);
      g_autofree char *base = g_path_get_basename (entry->media_rel);
      g_autofree char *src = g_build_filename (c->root, entry->media_rel, NULL);
      g_autofree char *dest = g_build_filename (media, base, NULL);

      if (link (src, dest) != 0 &&
          !heyai_export_copy_file (src, dest, NULL, NULL, c->cancellable, error))
        goto out;
    }

  content = heyai_export_otio_to_string_for_bundle (c->cut);
  {
    g_autofree char *path = g_build_filename (staging, "content.otio", NULL);
    g_autofree char *version = g_build_filename (staging, "version.txt", NULL);

    if (!heyai_export_write_file (path, content, -1, error) ||
        !heyai_export_write_file (version, "1.0.0", -1, error))
      goto out;
  }

  ok = heyai_export_zip_dir (staging, NULL, zip, c->cancellable, error) &&
       hash_written (c->root, "timeline.otioz", c->files, c->cancellable, error);

out:
  heyai_export_rm_rf (staging);
  return ok;
}

static const HeyaiExportFormatInfo format_table[HEYAI_EXPORT_N_FORMATS] = {
  { HEYAI_EXPORT_FORMAT_OTIO, "otio", "timeline.otio", N_("OpenTimelineIO"),
    N_("OpenTimelineIO timeline (DaVinci Resolve 18+)"), write_otio },
  { HEYAI_EXPORT_FORMAT_FCPXML, "fcpxml", "timeline.fcpxml", N_("FCPXML 1.9"),
    N_("FCPXML 1.9 (Final Cut Pro, DaVinci Resolve)"), write_fcpxml },
  { HEYAI_EXPORT_FORMAT_XML, "xml", "timeline.xml", N_("Final Cut Pro 7 XML"),
    N_("Final Cut Pro 7 XML (Adobe Premiere Pro, Resolve)"), write_fcp7 },
  { HEYAI_EXPORT_FORMAT_EDL, "edl", "timeline.edl", N_("CMX 3600 EDL"),
    N_("CMX 3600 EDL (any editor; reel SCnnn = clip nn, STnnn = still nn)"), write_edl },
  { HEYAI_EXPORT_FORMAT_EDL_CLIPNAMES, "edl-clipnames", "timeline-clipnames.edl", N_("EDL with clip names as reels"),
    N_("CMX 3600 EDL whose reel names are the clip names (Premiere, delivery specs)"), write_edl_clipnames },
  { HEYAI_EXPORT_FORMAT_CSV, "csv", "shotlist.csv", N_("Shot list (CSV)"),
    N_("one row per scene: timecodes, prompts, provider, seed, cost"), write_csv },
  { HEYAI_EXPORT_FORMAT_MD, "md", "script-with-timing.md", N_("Script with timing (Markdown)"),
    N_("the script scene by scene with suggested record timecodes"), write_md },
  { HEYAI_EXPORT_FORMAT_PDF, "pdf", "storyboard.pdf", N_("Storyboard and script (PDF)"),
    N_("the storyboard, six frames a page, and the script with timing"), write_pdf },
  { HEYAI_EXPORT_FORMAT_ANIMATIC, "animatic", "animatic.mp4", N_("Animatic (MP4)"),
    N_("every clip in order, for reference"), write_animatic },
  { HEYAI_EXPORT_FORMAT_OTIOZ, "otioz", "timeline.otioz", N_("OpenTimelineIO bundle (.otioz)"),
    N_("content.otio and its media in one file (DaVinci Resolve)"), write_otioz },
};

G_STATIC_ASSERT (G_N_ELEMENTS (format_table) == HEYAI_EXPORT_N_FORMATS);
G_STATIC_ASSERT ((guint) HEYAI_EXPORT_FORMAT_ALL == (1u << HEYAI_EXPORT_N_FORMATS) - 1);

const HeyaiExportFormatInfo *
heyai_export_format_table (guint *n_formats)
{
  if (n_formats != NULL)
    *n_formats = G_N_ELEMENTS (format_table);

  return format_table;
}

char *
heyai_export_format_ids (void)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", format_table[i].id);

  return g_string_free (out, FALSE);
}

static double
format_weight (const HeyaiExportFormatInfo *f)
{
  switch (f->flag)
    {
    case HEYAI_EXPORT_FORMAT_ANIMATIC: return 0.55;
    case HEYAI_EXPORT_FORMAT_PDF:      return 0.15;
    case HEYAI_EXPORT_FORMAT_OTIOZ:    return 0.05;
    default:                           return 0.01;
    }
}

static gboolean
swap_into_place (const char  *tmp,
                 const char  *final,
                 GError     **error)
{
  g_autofree char *display = g_filename_display_name (final);
  g_autofree char *what = g_strdup_printf (_("Could not replace “%s”"), display);

  if (g_file_test (final, G_FILE_TEST_EXISTS))
    {
      g_autofree char *dir = g_path_get_dirname (final);
      g_autofree char *base = g_path_get_basename (final);
      g_autofree char *old = NULL;

#ifdef RENAME_EXCHANGE
      /* One atomic step: the old package takes the temporary name. */
      if (renameat2 (AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
        {
          heyai_export_rm_rf (tmp);
          return TRUE;
        }
#endif
      /* Fallback: move the old one aside, put the new one in place, delete the old. */
      for (guint i = 0; i < 100 && old == NULL; i++)
        {
          g_autofree char *candidate = g_strdup_printf ("%s/.%s.old-%06x", dir, base, g_random_int () & 0xffffff);
          if (!g_file_test (candidate, G_FILE_TEST_EXISTS))
            old = g_steal_pointer (&candidate);
        }

      if (old == NULL || g_rename (final, old) != 0)
        {
          heyai_set_io_error (error, old == NULL ? EEXIST : errno, what);
          return FALSE;
        }

      if (g_rename (tmp, final) != 0)
        {
          int saved_errno = errno;

          g_rename (old, final);
          heyai_set_io_error (error, saved_errno, what);
          return FALSE;
        }

      heyai_export_rm_rf (old);
      return TRUE;
    }

  if (g_rename (tmp, final) != 0)
    {
      heyai_set_io_error (error, errno, what);
      return FALSE;
    }

  return TRUE;
}

/* Leftovers of an export that crashed or was killed (the temporary folder,
 * zip or moved-aside old package), older than an hour. */
static void
remove_stale_temporaries (const char *dest,
                          const char *package_name)
{
  g_autofree char *tmp_prefix = g_strdup_printf (".%s.tmp-", package_name);
  g_autofree char *old_prefix = g_strdup_printf (".%s.old-", package_name);
  g_autofree char *zip_prefix = g_strdup_printf (".%s.zip.tmp-", package_name);
  gint64 cutoff = g_get_real_time () / G_USEC_PER_SEC - 3600;
  GDir *dir = g_dir_open (dest, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, tmp_prefix) && !g_str_has_prefix (name, old_prefix) &&
          !g_str_has_prefix (name, zip_prefix))
        continue;

      path = g_build_filename (dest, name, NULL);
      if (g_lstat (path, &st) == 0 && st.st_mtime < cutoff)
        heyai_export_rm_rf (path);
    }

  g_dir_close (dir);
}

static char *
make_temp_name (const char *dir,
                const char *base,
                gboolean    directory,
                GError    **error)
{
  g_autofree char *templ = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);

  if (directory)
    {
      if (g_mkdtemp_full (templ, 0755) == NULL)
        {
          g_autofree char *display = g_filename_display_name (dir);
          g_autofree char *what = g_strdup_printf (_("Could not write to the folder “%s”"), display);

          heyai_set_io_error (error, errno, what);
          return NULL;
        }
    }
  else
    {
      int fd = g_mkstemp_full (templ, O_RDWR | O_CLOEXEC, 0644);

      if (fd < 0)
        {
          g_autofree char *display = g_filename_display_name (dir);
          g_autofree char *what = g_strdup_printf (_("Could not write to the folder “%s”"), display);

          heyai_set_io_error (error, errno, what);
          return NULL;
        }
      close (fd);
    }

  return g_steal_pointer (&templ);
}

HeyaiExportResult *
heyai_export_run (const HeyaiExportPlan    *plan,
                  const HeyaiExportOptions *options,
                  const char               *dest_dir,
                  HeyaiExportProgress       progress,
                  gpointer                  progress_data,
                  GCancellable             *cancellable,
                  GError                  **error)
{
  g_autoptr(HeyaiCut) cut = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(HeyaiExportResult) result = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *package_name = NULL;
  g_autofree char *final = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *zip_tmp = NULL;
  g_autofree char *zip_final = NULL;
  HeyaiExportPaper paper;
  HeyaiExportFormats formats;
  Progress prog = { progress, progress_data, 0, 0, -1 };
  double copy_span;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (dest_dir != NULL, NULL);

  formats = options->formats != 0 ? options->formats : HEYAI_EXPORT_FORMAT_ALL;
  paper = options->paper != HEYAI_EXPORT_PAPER_AUTO ? options->paper : heyai_export_paper_for_locale ();

  if (g_path_is_absolute (dest_dir))
    dest = g_canonicalize_filename (dest_dir, NULL);
  else
    {
      g_autofree char *cwd = g_get_current_dir ();
      dest = g_canonicalize_filename (dest_dir, cwd);
    }

  package_name = g_strdup_printf ("%s-handoff", plan->slug != NULL && *plan->slug != '\0' ? plan->slug : "untitled");
  final = g_build_filename (dest, package_name, NULL);
  cut = heyai_cut_new (plan, options->missing, final);

  warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < cut->skipped->len; i++)
    {
      const HeyaiExportScene *s = g_ptr_array_index (cut->skipped, i);

      if (s->clip_path == NULL && s->still_path == NULL)
        g_ptr_array_add (warnings, g_strdup_printf (_("Scene %d (“%s”) has no approved clip or still and was left out."),
                                                    s->number, s->title));
      else
        g_ptr_array_add (warnings, g_strdup_printf (_("Scene %d (“%s”) has no approved clip and was left out."),
                                                    s->number, s->title));
    }
  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);

      if (entry->is_still && entry->scene->clip_held)
        g_ptr_array_add (warnings, g_strdup_printf (_("Scene %d (“%s”): its clip is outdated (made from an earlier "
                                                      "still or earlier directions); the current still is held in "
                                                      "its place for %g s (--stale include ships the outdated clip)."),
                                                    entry->scene->number, entry->scene->title,
                                                    entry->scene->duration_seconds));
      else if (entry->is_still)
        g_ptr_array_add (warnings, g_strdup_printf (_("Scene %d (“%s”) has no approved clip: its still is held for %g s."),
                                                    entry->scene->number, entry->scene->title,
                                                    entry->scene->duration_seconds));
    }

  if ((formats & HEYAI_EXPORT_FORMAT_EDL) && cut->entries->len > 999)
    g_ptr_array_add (warnings, g_strdup_printf (_("The EDL holds the first 999 scenes only (a CMX 3600 limit); "
                                                  "use timeline.otio, .fcpxml or .xml for all %u."),
                                                cut->entries->len));

  if (cut->entries->len == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("There is nothing to export yet: approve at least one scene with a still or a clip."));
      return NULL;
    }

  if (!make_dir (dest, error))
    return NULL;

  remove_stale_temporaries (dest, package_name);

  tmp = make_temp_name (dest, package_name, TRUE, error);
  if (tmp == NULL)
    return NULL;

  files = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_manifest_file_free);

  copy_span = (formats & HEYAI_EXPORT_FORMAT_ANIMATIC) ? 0.2 : 0.6;

  /* 1. Media. */
  {
    g_autofree char *clips = g_build_filename (tmp, "clips", NULL);
    g_autofree char *images = g_build_filename (tmp, "images", NULL);

    if (!make_dir (clips, error) || !make_dir (images, error))
      goto fail;
  }

  prog.base = 0;
  prog.span = copy_span;
  report (&prog, 0, _("Copying and conforming clips and stills"));
  for (guint i = 0; i < cut->entries->len; i++)
    {
      HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      if ((!entry->is_still && !place_clip (cut, entry, options, tmp, files, cancellable, error)) ||
          (entry->still_src != NULL && !place_still (cut, entry, options, tmp, files, cancellable, error)))
        {
          /* Which scene (and which file in the package) the media belongs to. */
          if (error != NULL && *error != NULL && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (error, _("Scene %d (%s): "), entry->scene->number, entry->name);
          goto fail;
        }

      report (&prog, (double) (i + 1) / cut->entries->len, NULL);
    }

  /* 2. Every chosen format, in table order (texts, PDFs, animatic, bundle). */
  {
    HeyaiExportWriteContext context = { cut, options, tmp, files, paper, cancellable, &prog };
    double weights = 0;

    for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
      if (formats & format_table[i].flag)
        weights += format_weight (&format_table[i]);

    for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
      {
        const HeyaiExportFormatInfo *f = &format_table[i];

        if (!(formats & f->flag))
          continue;
        if (g_cancellable_set_error_if_cancelled (cancellable, error))
          goto fail;

        prog.base += prog.span;
        prog.span = (1.0 - copy_span - 0.02) * format_weight (f) / MAX (weights, 0.01);
        report (&prog, 0, _(f->label));
        if (!f->write (&context, error))
          goto fail;
      }
  }

  /* 5. README and manifest (the manifest lists every other file). */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;
  prog.base += prog.span;
  prog.span = MAX (1.0 - prog.base, 0);
  report (&prog, 0, _("Writing the manifest"));

  if (!write_text (tmp, "README.txt", heyai_export_readme_to_string (cut, formats), files, error))
    goto fail;
  {
    g_autofree char *manifest = heyai_export_manifest_to_string (cut, options, files);
    g_autofree char *path = g_build_filename (tmp, "manifest.json", NULL);

    if (!heyai_export_write_file (path, manifest, -1, error))
      goto fail;
  }

  /* 6. The zip is made from the finished temporary folder, under the final name. */
  if (options->zip)
    {
      g_autofree char *zip_name = g_strdup_printf ("%s.zip", package_name);

      report (&prog, 0.5, _("Making the zip file"));
      zip_final = g_build_filename (dest, zip_name, NULL);
      zip_tmp = make_temp_name (dest, zip_name, FALSE, error);
      if (zip_tmp == NULL)
        goto fail;
      if (!heyai_export_zip_dir (tmp, package_name, zip_tmp, cancellable, error))
        goto fail;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  /* 7. Into place. */
  if (!swap_into_place (tmp, final, error))
    goto fail;
  g_clear_pointer (&tmp, g_free);

  if (zip_tmp != NULL && g_rename (zip_tmp, zip_final) != 0)
    {
      g_autofree char *display = g_filename_display_name (zip_final);
      g_autofree char *what = g_strdup_printf (_("Could not write “%s”"), display);

      heyai_set_io_error (error, errno, what);
      goto fail;
    }
  g_clear_pointer (&zip_tmp, g_free);

  result = g_new0 (HeyaiExportResult, 1);
  /* The zip's checksum for the store, here in the export's thread: the
   * window records the package from its main loop and must not hash. */
  if (zip_final != NULL)
    {
      GStatBuf st;

      result->zip_sha256 = heyai_file_sha256 (zip_final, cancellable, NULL);
      if (g_stat (zip_final, &st) == 0)
        result->zip_size = (gint64) st.st_size;
    }

  report (&prog, 1.0, _("Done"));

  result->package_path = g_steal_pointer (&final);
  result->zip_path = g_steal_pointer (&zip_final);
  result->n_scenes = cut->entries->len;
  result->total_frames = cut->total_frames;
  g_ptr_array_add (warnings, NULL);
  result->warnings = (GStrv) g_ptr_array_free (g_steal_pointer (&warnings), FALSE);

  return g_steal_pointer (&result);

fail:
  if (tmp != NULL)
    heyai_export_rm_rf (tmp);
  if (zip_tmp != NULL)
    g_unlink (zip_tmp);
  return NULL;
}

/* Async -------------------------------------------------------------- */

typedef struct
{
  HeyaiExportPlan     *plan;
  HeyaiExportOptions   options;
  char                *dest_dir;
  HeyaiExportProgress  progress;
  gpointer             progress_data;
  GDestroyNotify       progress_destroy;
  GMainContext        *context;
} ExportData;

static void
export_data_free (ExportData *data)
{
  heyai_export_plan_free (data->plan);
  heyai_export_options_clear (&data->options);
  g_free (data->dest_dir);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct
{
  ExportData *data;   /* kept alive by the task ref below */
  GTask      *task;
  double      fraction;
  char       *step;
} ProgressEvent;

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressEvent *ev = user_data;

  ev->data->progress (ev->fraction, ev->step, ev->data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_event_free (gpointer user_data)
{
  ProgressEvent *ev = user_data;

  g_object_unref (ev->task);
  g_free (ev->step);
  g_free (ev);
}

typedef struct
{
  GTask      *task;
  ExportData *data;
} WorkerProgress;

static void
worker_progress (double      fraction,
                 const char *step,
                 gpointer    user_data)
{
  WorkerProgress *wp = user_data;
  ProgressEvent *ev = g_new0 (ProgressEvent, 1);
  GSource *source;

  ev->data = wp->data;
  ev->task = g_object_ref (wp->task);
  ev->fraction = fraction;
  ev->step = g_strdup (step);

  /* Not g_main_context_invoke(): from a worker whose thread-default is the
   * global default context, it would run the callback right here. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_progress, ev, progress_event_free);
  g_source_attach (source, wp->data->context);
  g_source_unref (source);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  WorkerProgress wp = { task, data };
  GError *error = NULL;
  HeyaiExportResult *result;

  result = heyai_export_run (data->plan, &data->options, data->dest_dir,
                             data->progress != NULL ? worker_progress : NULL, &wp,
                             cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) heyai_export_result_free);
}

void
heyai_export_async (const HeyaiExportPlan    *plan,
                    const HeyaiExportOptions *options,
                    const char               *dest_dir,
                    HeyaiExportProgress       progress,
                    gpointer                  progress_data,
                    GDestroyNotify            progress_destroy,
                    GCancellable             *cancellable,
                    GAsyncReadyCallback       callback,
                    gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (plan != NULL);
  g_return_if_fail (options != NULL);
  g_return_if_fail (dest_dir != NULL);

  data = g_new0 (ExportData, 1);
  data->plan = heyai_export_plan_copy (plan);
  options_copy (&data->options, options);
  data->dest_dir = g_strdup (dest_dir);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_export_async);
  g_task_set_name (task, "heyai-export");
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

HeyaiExportResult *
heyai_export_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == heyai_export_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Store -------------------------------------------------------------- */

gboolean
heyai_export_record_package (HeyaiStore               *store,
                             HeyaiProject             *project,
                             const HeyaiExportResult  *result,
                             GError                  **error)
{
  g_autoptr(HeyaiAsset) asset = NULL;
  g_autofree char *params = NULL;
  const char *path;

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  path = result->zip_path != NULL ? result->zip_path : result->package_path;
  params = g_strdup_printf ("{\"package\":\"%s\",\"scenes\":%u,\"frames\":%" G_GINT64_FORMAT "}",
                            "handoff", result->n_scenes, result->total_frames);

  asset = heyai_asset_new ();
  heyai_asset_set_project_id (asset, heyai_project_get_id (project));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_PACKAGE);
  heyai_asset_set_take (asset, 1);
  heyai_asset_set_provider (asset, "local");
  heyai_asset_set_params (asset, params);
  heyai_asset_set_local_path (asset, path);

  /* Hashed by the export itself (off the main loop); nothing read here. */
  if (result->zip_path != NULL && result->zip_sha256 != NULL)
    {
      heyai_asset_set_sha256 (asset, result->zip_sha256);
      heyai_asset_set_size (asset, result->zip_size);
    }

  /* TODO(drive): once the Drive storage client lands, upload the package (or
   * the zip) into Project-<n>-<slug>/final/ here and store drive-file-id and
   * view-link on the asset, so "Copy link for the editor" works. */

  return heyai_store_insert_asset (store, asset, error);
}
