/* heyai-export.h: the editor handoff package.
 *
 * heyai_export_async() builds <dest>/<slug>-handoff/ from a HeyaiExportPlan in a
 * GTask worker thread:
 *
 *   clips/01-<scene>.mp4 ...        the selected clip takes (copied)
 *   images/01-<scene>.png ...       the selected stills
 *   timeline.otio / .fcpxml / .xml / .edl
 *   shotlist.csv, script-with-timing.md/.pdf, storyboard.pdf
 *   animatic.mp4 (GES), manifest.json, README.txt
 *
 * The package is built in a hidden sibling folder and renamed into place at the
 * end, so an existing package is replaced atomically and a failure (full disk,
 * unwritable folder, cancel) leaves nothing half written behind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "heyai-export-plan.h"

G_BEGIN_DECLS

/* The formats of the package.  Every format is one row of the table returned
 * by heyai_export_format_table() (id, file name, label, writer): option
 * parsing, dispatch, the manifest, README.txt, the CLI help and the Export
 * page's switches all read that table, so a new format is one flag here, one
 * row and one writer. */
typedef enum
{
  HEYAI_EXPORT_FORMAT_OTIO          = 1 << 0,
  HEYAI_EXPORT_FORMAT_FCPXML        = 1 << 1,
  HEYAI_EXPORT_FORMAT_XML           = 1 << 2,  /* FCP7 XMEML (Premiere) */
  HEYAI_EXPORT_FORMAT_EDL           = 1 << 3,
  HEYAI_EXPORT_FORMAT_CSV           = 1 << 4,
  HEYAI_EXPORT_FORMAT_PDF           = 1 << 5,  /* storyboard.pdf + script-with-timing.pdf */
  HEYAI_EXPORT_FORMAT_MD            = 1 << 6,  /* script-with-timing.md */
  HEYAI_EXPORT_FORMAT_ANIMATIC      = 1 << 7,
  HEYAI_EXPORT_FORMAT_EDL_CLIPNAMES = 1 << 8,  /* EDL whose reel names are the clip names */
  HEYAI_EXPORT_FORMAT_OTIOZ         = 1 << 9,  /* content.otio + media, for Resolve */
  HEYAI_EXPORT_N_FORMATS            = 10,
  HEYAI_EXPORT_FORMAT_ALL           = (1 << HEYAI_EXPORT_N_FORMATS) - 1,
} HeyaiExportFormats;

typedef struct _HeyaiExportWriteContext HeyaiExportWriteContext;

typedef struct
{
  HeyaiExportFormats flag;
  const char        *id;          /* "fcpxml": --formats, the manifest */
  const char        *file_name;   /* "timeline.fcpxml" (the main file) */
  const char        *label;       /* N_() "FCPXML 1.9" for the Export page */
  const char        *description; /* N_() one line for README.txt and the help */
  gboolean         (*write)       (HeyaiExportWriteContext *context,
                                   GError                 **error);
} HeyaiExportFormatInfo;

/* The table, in package order; @n_formats gets HEYAI_EXPORT_N_FORMATS. */
const HeyaiExportFormatInfo *heyai_export_format_table (guint *n_formats);
/* "otio, fcpxml, ..." (for help texts and errors); free with g_free(). */
char                        *heyai_export_format_ids   (void);

typedef enum
{
  HEYAI_EXPORT_MISSING_HOLD,  /* hold the still for the scene's duration (default) */
  HEYAI_EXPORT_MISSING_SKIP,  /* leave the scene out, with a warning */
} HeyaiExportMissing;

typedef enum
{
  HEYAI_EXPORT_FIT_LETTERBOX, /* scale to fit, black bars (letterbox/pillarbox) */
  HEYAI_EXPORT_FIT_CROP,      /* scale to fill, crop the overflow */
} HeyaiExportFit;

typedef enum
{
  HEYAI_EXPORT_PAPER_AUTO,    /* from LC_PAPER / the locale's country */
  HEYAI_EXPORT_PAPER_A4,
  HEYAI_EXPORT_PAPER_LETTER,
} HeyaiExportPaper;

typedef struct
{
  HeyaiExportFormats formats;
  HeyaiExportMissing missing;
  HeyaiExportPaper   paper;
  double             crossfade;        /* seconds, animatic only; 0 = cuts */
  char              *music;            /* audio file for the animatic, or NULL */
  gboolean           burn_in;          /* scene number + timecode on the animatic */
  gboolean           zip;              /* also <dest>/<slug>-handoff.zip */
  int                animatic_width;   /* 0 = the plan's frame size */
  int                animatic_height;
  HeyaiExportFit     fit;              /* how clips of another shape are conformed */
  gboolean           conform;          /* conform clips to the delivery format (default TRUE) */
} HeyaiExportOptions;

typedef struct
{
  char      *package_path;   /* <dest>/<slug>-handoff */
  char      *zip_path;       /* or NULL */
  GStrv      warnings;       /* translated sentences (skipped scenes ...) */
  guint      n_scenes;       /* scenes in the cut */
  gint64     total_frames;   /* cut length at the plan's fps */
  char      *zip_sha256;     /* the zip's SHA-256, computed where the export ran (never the main loop) */
  gint64     zip_size;
} HeyaiExportResult;

/* Progress: @fraction 0..1 and a short translated description of the step. */
typedef void (*HeyaiExportProgress) (double      fraction,
                                     const char *step,
                                     gpointer    user_data);

void                heyai_export_options_init   (HeyaiExportOptions *options);
void                heyai_export_options_clear  (HeyaiExportOptions *options);
/* Comma-separated ids of the format table, or "all". */
gboolean            heyai_export_formats_parse  (const char         *text,
                                                 HeyaiExportFormats *formats,
                                                 GError            **error);
HeyaiExportPaper    heyai_export_paper_for_locale (void);

void                heyai_export_result_free    (HeyaiExportResult  *result);

/* What an export of @plan would contain, for the Export page's summary
 * ("12 approved scenes, 1:05"): the number of scenes in the cut, and its
 * length in frames at plan->fps in @total_frames (may be NULL). */
guint               heyai_export_plan_count     (const HeyaiExportPlan *plan,
                                                 HeyaiExportMissing     missing,
                                                 gint64                *total_frames);

/* Blocking export (call it from a worker thread, a test or the benchmark).
 * @progress is called from the calling thread. */
HeyaiExportResult  *heyai_export_run            (const HeyaiExportPlan    *plan,
                                                 const HeyaiExportOptions *options,
                                                 const char               *dest_dir,
                                                 HeyaiExportProgress       progress,
                                                 gpointer                  progress_data,
                                                 GCancellable             *cancellable,
                                                 GError                  **error);

/* The same in a GTask thread.  The plan and options are copied.  @progress is
 * invoked on the caller's thread-default main context. */
void                heyai_export_async          (const HeyaiExportPlan    *plan,
                                                 const HeyaiExportOptions *options,
                                                 const char               *dest_dir,
                                                 HeyaiExportProgress       progress,
                                                 gpointer                  progress_data,
                                                 GDestroyNotify            progress_destroy,
                                                 GCancellable             *cancellable,
                                                 GAsyncReadyCallback       callback,
                                                 gpointer                  user_data);
HeyaiExportResult  *heyai_export_finish         (GAsyncResult             *result,
                                                 GError                  **error);

/* Records the package as a project-level asset of kind PACKAGE (the project
 * status is left alone: "completed" means the editor delivered).  Main thread. */
gboolean            heyai_export_record_package (HeyaiStore               *store,
                                                 HeyaiProject             *project,
                                                 const HeyaiExportResult  *result,
                                                 GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiExportResult, heyai_export_result_free)

G_END_DECLS
