/* export-test-util.h: media, plans and strict readers for the export tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "heyai-export.h"

G_BEGIN_DECLS

/* The special-character title every format must carry through. */
#define EXPORT_TEST_NASTY_TITLE "Él dijo \"¡Corre!\" <now> & 'then', fin 🎬"
#define EXPORT_TEST_NASTY_PROMPT "A \"lighthouse\" <beam> & fog, 'cold',\nsecond line: café ☕, end"

/* H.264/MP4 test clip (videotestsrc, @frames at 24 fps, @width x @height). */
gboolean   export_test_make_clip     (const char *path,
                                      int         frames,
                                      int         width,
                                      int         height,
                                      int         pattern,
                                      GError    **error);
/* A PNG still drawn with cairo. */
gboolean   export_test_make_still    (const char *path,
                                      int         width,
                                      int         height,
                                      double      hue);
/* A short AAC/MP4 (or WAV) audio file. */
gboolean   export_test_make_audio    (const char *path,
                                      double      seconds,
                                      GError    **error);

/* A plan of @n scenes; scene i uses @clip5 (5 s) or @clip10 (10 s, every
 * third scene) and @still; scene 2 has the nasty title and prompt. */
HeyaiExportPlan *export_test_plan    (guint       n,
                                      const char *clip5,
                                      const char *clip10,
                                      const char *still);

/* Readers: each asserts the strict rules of its format. */
typedef struct
{
  int   number;
  char  reel[16];
  gint64 src_in, src_out, rec_in, rec_out;  /* frames */
} EdlEvent;

/* Strict CMX 3600: TITLE:, FCM:, events 001.., reel <= 8, contiguous record
 * from 01:00:00:00, valid timecodes at @timebase, ASCII comment lines of the
 * known keys after events only.  Returns EdlEvent* array. */
GArray    *export_test_read_edl      (const char *text,
                                      int         timebase,
                                      gboolean    drop_frame);
/* RFC 4180: CRLF, quoted fields.  Returns rows (GPtrArray of GStrv). */
GPtrArray *export_test_read_csv      (const char *text);

/* Runs `xmllint --noout FILE`; FALSE when xmllint is missing (skip). */
gboolean   export_test_xmllint       (const char *path,
                                      gboolean   *valid);
/* Renders with `pdftoppm -r 30 -png`; returns the number of pages and the
 * smallest per-page pixel variance (and the last page's pixel size); FALSE when pdftoppm is missing. */
gboolean   export_test_pdf_pages     (const char *pdf,
                                      const char *workdir,
                                      guint      *pages,
                                      double     *min_variance,
                                      int        *width,
                                      int        *height);
/* Duration of a media file (GstDiscoverer), and whether it has audio. */
GstClockTime export_test_media_duration (const char *path,
                                         gboolean   *has_audio,
                                         int        *width,
                                         int        *height);

char      *export_test_read_file     (const char *dir,
                                      const char *name);
void       export_test_rm_rf         (const char *path);
/* Names in @dir (sorted, NULL-terminated). */
GStrv      export_test_list_dir      (const char *dir);

G_END_DECLS
