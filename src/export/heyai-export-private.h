/* heyai-export-private.h: the resolved cut and the writers of each format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "heyai-export.h"

G_BEGIN_DECLS

/* One event of the cut. */
typedef struct
{
  const HeyaiExportScene *scene;
  gboolean  is_still;     /* the still is held for the scene's duration */
  char     *name;         /* "01-scene-slug" */
  char     *media_rel;    /* what the timeline points at: "clips/01-x.mp4" or "images/01-x.png" */
  char     *still_rel;    /* "images/01-x.png" or NULL */
  char     *clip_src;     /* source files (outside the package), may be NULL */
  char     *still_src;
  gint64    record_in;    /* frames from the start of the cut */
  gint64    frames;
} HeyaiCutEntry;

typedef struct
{
  const HeyaiExportPlan *plan;
  GPtrArray *entries;      /* HeyaiCutEntry* */
  GPtrArray *skipped;      /* const HeyaiExportScene*, left out of the cut */
  gint64     total_frames;
  char      *package_dir;  /* final absolute path of the package (for absolute URLs) */
} HeyaiCut;

HeyaiCut *heyai_cut_new   (const HeyaiExportPlan *plan,
                           HeyaiExportMissing     missing,
                           const char            *package_dir);
void      heyai_cut_free  (HeyaiCut *cut);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiCut, heyai_cut_free)

/* Text formats: each returns the whole file (UTF-8). */
char     *heyai_export_otio_to_string    (const HeyaiCut *cut);
char     *heyai_export_fcpxml_to_string  (const HeyaiCut *cut);
char     *heyai_export_fcp7_to_string    (const HeyaiCut *cut);
char     *heyai_export_edl_to_string     (const HeyaiCut *cut);
char     *heyai_export_csv_to_string     (const HeyaiCut *cut);
char     *heyai_export_script_md_to_string (const HeyaiCut *cut);
char     *heyai_export_readme_to_string  (const HeyaiCut *cut,
                                          HeyaiExportFormats formats);

/* Reel name for the EDL: <= 8 characters, [A-Z0-9_]. */
char     *heyai_export_edl_reel_name     (const HeyaiCutEntry *entry);

/* PDF (cairo + pango).  Media paths are resolved below @media_root. */
gboolean  heyai_export_storyboard_pdf    (const HeyaiCut  *cut,
                                          const char      *media_root,
                                          const char      *path,
                                          HeyaiExportPaper paper,
                                          GCancellable    *cancellable,
                                          GError         **error);
gboolean  heyai_export_script_pdf        (const HeyaiCut  *cut,
                                          const char      *path,
                                          HeyaiExportPaper paper,
                                          GCancellable    *cancellable,
                                          GError         **error);

/* Animatic (GES).  @progress gets 0..1 of the render. */
gboolean  heyai_export_animatic          (const HeyaiCut           *cut,
                                          const char               *media_root,
                                          const char               *path,
                                          const HeyaiExportOptions *options,
                                          HeyaiExportProgress       progress,
                                          gpointer                  progress_data,
                                          GCancellable             *cancellable,
                                          GError                  **error);

/* manifest.json: @files is an array of HeyaiManifestFile*. */
typedef struct
{
  char   *path;    /* relative, '/' separated */
  gint64  size;
  char   *sha256;
} HeyaiManifestFile;

void      heyai_manifest_file_free       (HeyaiManifestFile *file);
char     *heyai_export_manifest_to_string (const HeyaiCut           *cut,
                                           const HeyaiExportOptions *options,
                                           GPtrArray                *files);

/* Stored (uncompressed) zip of every file below @dir, entries named
 * "@prefix/<relative path>".  Written to @zip_path. */
gboolean  heyai_export_zip_dir           (const char    *dir,
                                          const char    *prefix,
                                          const char    *zip_path,
                                          GCancellable  *cancellable,
                                          GError       **error);

/* I/O helpers that map errno to a clear HEYAI_ERROR (full disk, permission). */
gboolean  heyai_export_write_file        (const char    *path,
                                          const char    *contents,
                                          gssize         length,
                                          GError       **error);
/* Copies @src to @dest, hashing (sha256) what it writes; @sha256 may be NULL. */
gboolean  heyai_export_copy_file         (const char    *src,
                                          const char    *dest,
                                          char         **sha256,
                                          gint64        *size,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* write(2) loop honouring the test write limit; FALSE with *saved_errno set. */
gboolean  heyai_export_write_all         (int            fd,
                                          const char    *data,
                                          gsize          length,
                                          int           *saved_errno);
/* Removes @path and everything below it; errors are ignored. */
void      heyai_export_rm_rf             (const char    *path);

/* Escaping. */
char     *heyai_export_xml_escape        (const char *text);
char     *heyai_export_csv_field         (const char *text);
/* RFC 3986 percent-encoding of a relative path ('/' kept). */
char     *heyai_export_uri_encode_path   (const char *path);

/* Paper for a locale name ("en_US.UTF-8" -> Letter, "es_ES" -> A4). */
HeyaiExportPaper heyai_export_paper_for_locale_name (const char *locale);

/* Test hook: after @bytes more bytes are written through the helpers above,
 * writes fail with ENOSPC (-1 = off). */
void      heyai_export_set_write_limit   (gint64 bytes);

G_END_DECLS
