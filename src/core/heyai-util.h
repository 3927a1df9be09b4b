/* heyai-util.h: small shared helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* ASCII slug: lower-case, accents folded ("El Último Faro" -> "el-ultimo-faro"),
 * at most @max_len bytes (0 = 48), never empty ("untitled"). */
char     *heyai_slugify            (const char *text,
                                    gsize       max_len);
/* Random v4 uuid. */
char     *heyai_uuid_new           (void);
/* Lower-case hex sha256 of a file, streamed.  Never on the thread that owns
 * the default main context (asserted): run it in a thread. */
char     *heyai_file_sha256        (const char   *path,
                                    GCancellable *cancellable,
                                    GError      **error);
/* Default data dir: $HEYAI_DATA_DIR, else $XDG_DATA_HOME/heyai-studio. */
char     *heyai_default_data_dir   (void);
/* Maps an errno / GIOError to a clear, translated HEYAI_ERROR (full disk,
 * permission, ...) prefixed with @what ("Could not write scene-01.png"). */
void      heyai_set_io_error       (GError    **error,
                                    int         saved_errno,
                                    const char *what);
/* The same for a GIOError / GFileError (G_IO_ERROR_NO_SPACE, PERMISSION_DENIED,
 * READ_ONLY, ...); G_IO_ERROR_CANCELLED is passed through unchanged. */
void      heyai_set_gio_error      (GError       **error,
                                    const GError  *io_error,
                                    const char    *what);
/* Timecode "HH:MM:SS:FF" for @frames at integer @fps. */
char     *heyai_timecode           (gint64      frames,
                                    int         fps);
/* "1:05" style duration for seconds. */
char     *heyai_format_duration    (double      seconds);

/* Where the translations are: the build tree's po/ when this program runs
 * from the build tree (so ./build-aux/run.sh speaks Spanish too), else the
 * installed LOCALEDIR. */
const char *heyai_locale_dir       (void);
/* @msgid translated into @language ("es", "pt_BR"...) from this program's
 * catalog, whatever the process's locale; @msgid itself for English or when
 * the catalog has no translation; g_dgettext() (the locale's language) when
 * @language is NULL.  Thread-safe; the result lives as long as the process. */
const char *heyai_translate_in     (const char *language,
                                    const char *msgid) G_GNUC_FORMAT (2);

G_END_DECLS
