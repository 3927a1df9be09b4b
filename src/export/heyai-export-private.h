/* heyai-export-private.h: the resolved cut and the writers of each format.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <cairo.h>

#include "heyai-export.h"

G_BEGIN_DECLS

/* What a media file really is (GstDiscoverer), or for a cut that was not
 * probed (text-only tests), the plan's format. */
typedef struct
{
  gboolean probed;
  gboolean is_image;
  int      width;
  int      height;
  int      fps_n;        /* 0/1 for stills */
  int      fps_d;
  gint64   frames;       /* length in frames at fps_n/fps_d (stills: the hold, at the plan rate) */
  gint64   duration_ns;
  char    *codec;        /* "H.264 (High Profile)", "PNG image" ... */
  char    *container;    /* "ISO MP4/M4A", or NULL */
  gboolean has_audio;
} HeyaiMediaInfo;

void      heyai_media_info_clear   (HeyaiMediaInfo *info);
/* Probes @path with GstDiscoverer (synchronous; any thread). */
gboolean  heyai_media_probe        (const char     *path,
                                    HeyaiMediaInfo *info,
                                    GError        **error);

/* Why a clip is not the delivery format ("30 fps, VP9"), or NULL when it is. */
char     *heyai_export_conform_reason   (const HeyaiMediaInfo  *m,
                                         const char            *path,
                                         const HeyaiExportPlan *plan);
/* Re-encodes @src to H.264/MP4 at the plan's size and rate (blocking). */
gboolean  heyai_export_conform_clip     (const char            *src,
                                         const HeyaiMediaInfo  *src_info,
                                         const char            *dest,
                                         const HeyaiExportPlan *plan,
                                         HeyaiExportFit         fit,
                                         GCancellable          *cancellable,
                                         GError               **error);
/* Redraws a still at the plan's frame size as PNG. */
gboolean  heyai_export_conform_still    (const char            *src,
                                         const char            *dest,
                                         const HeyaiExportPlan *plan,
                                         HeyaiExportFit         fit,
                                         GError               **error);
/* A picture (PNG with cairo, anything else decoded by GStreamer), or NULL. */
cairo_surface_t *heyai_export_load_picture (const char *path);

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
  char     *uid;          /* stable id written in every timeline: "heyai:<scene id>" or "heyai:scene-N" */
  HeyaiMediaInfo media;   /* what media_rel really is (after conforming) */
  char     *original_rel; /* the provider's file kept beside a conformed clip, or NULL */
  HeyaiMediaInfo original;
  char     *conform_reason; /* why it was conformed ("30 fps, VP9"), or NULL */
} HeyaiCutEntry;

typedef struct
{
  const HeyaiExportPlan *plan;
  GPtrArray *entries;      /* HeyaiCutEntry* */
  GPtrArray *skipped;      /* const HeyaiExportScene*, left out of the cut */
  gint64     total_frames;
  gint64     start_frame;  /* record start (plan->start_tc) in frames */
  char      *package_dir;  /* final absolute path of the package (for absolute URLs) */
} HeyaiCut;

/* Record timecode of @frames from the start of the cut (start_tc added). */
char     *heyai_export_record_timecode   (const HeyaiCut *cut,
                                          gint64          frames);
/* Absolute, percent-encoded file:// URL of @rel in the package
 * ("file:///home/a%20b/x-handoff/clips/01-x.mp4"); with @localhost
 * "file://localhost/..." (FCP7).  A cut without package_dir gives the
 * encoded relative path. */
char     *heyai_export_media_url         (const HeyaiCut *cut,
                                          const char     *rel,
                                          gboolean        localhost);
/* Clip name shown in the editors: "3. The lighthouse". */
char     *heyai_export_clip_name         (const HeyaiCutEntry *entry);
/* The marker text of a scene: its editor note and approval ("Approved by ... at ..."). */
char     *heyai_export_marker_note       (const HeyaiCutEntry *entry);

HeyaiCut *heyai_cut_new   (const HeyaiExportPlan *plan,
                           HeyaiExportMissing     missing,
                           const char            *package_dir);
void      heyai_cut_free  (HeyaiCut *cut);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiCut, heyai_cut_free)

/* Text formats: each returns the whole file (UTF-8). */
char     *heyai_export_otio_to_string    (const HeyaiCut *cut);
char     *heyai_export_fcpxml_to_string  (const HeyaiCut *cut);
char     *heyai_export_fcp7_to_string    (const HeyaiCut *cut);
/* @clip_names: reel names are the clip names (Premiere / delivery specs). */
char     *heyai_export_edl_to_string     (const HeyaiCut *cut,
                                          gboolean        clip_names);
/* content.otio of timeline.otioz: target_urls "media/<file>". */
char     *heyai_export_otio_to_string_for_bundle (const HeyaiCut *cut);
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
