/* heyai-script-import.h: script intake.  Every way a script enters the
 * program (the window's Open, drag and drop, the new-project dialog,
 * `heyai new`, a new draft of a project) goes through here: the format is
 * sniffed (content first, file name second), the text decoded, Final Draft
 * and PDF screenplays converted, and the caller gets the project's script
 * text (Fountain, or plain prose as written) plus notes that say what was
 * converted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Largest file read at all (a PDF or .fdx is much larger than its text);
 * the resulting script text is held to HEYAI_SCRIPT_MAX_BYTES. */
#define HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES (64 * 1024 * 1024)

typedef enum
{
  HEYAI_SCRIPT_SOURCE_TEXT,       /* plain prose */
  HEYAI_SCRIPT_SOURCE_FOUNTAIN,
  HEYAI_SCRIPT_SOURCE_FDX,        /* Final Draft */
  HEYAI_SCRIPT_SOURCE_PDF,
} HeyaiScriptSource;

typedef struct
{
  HeyaiScriptSource  format;     /* what the file was */
  char              *text;       /* UTF-8 script to store: Fountain, or prose as written */
  char              *title;      /* the script's own title, else one from the file name; never NULL */
  char              *encoding;   /* the text encoding read ("UTF-8", "UTF-16LE",
                                  * "Windows-1252", ...); NULL for .fdx and PDF */
  GPtrArray         *notes;      /* char*: translated sentences about what was
                                  * converted ("Read as Windows-1252 text.") */
  guint              n_scenes;   /* scenes the parser finds in @text (>= 1) */
  GBytes            *original;   /* the file as read */
  char              *source_name; /* its base name (may be NULL: standard input) */
} HeyaiScriptImport;

/* Imports the file's @bytes; @name (a file name, may be NULL) is used for
 * messages, the title fallback and, second to the content, the format.
 * Fails with HEYAI_ERROR_INVALID_INPUT and a translated message for a
 * binary file, a scanned PDF without text, a malformed .fdx, a script too
 * large, or one with nothing to make scenes from.  Thread-safe; CPU work
 * (call it from a worker thread in the UI). */
HeyaiScriptImport *heyai_script_import_bytes (GBytes        *bytes,
                                              const char    *name,
                                              GError       **error);
/* Reads @file (at most HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES; a larger file is
 * refused naming its true size) and imports it.  Blocking. */
HeyaiScriptImport *heyai_script_import_file  (GFile         *file,
                                              GCancellable  *cancellable,
                                              GError       **error);
/* The same in a worker thread. */
void               heyai_script_import_file_async  (GFile               *file,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
HeyaiScriptImport *heyai_script_import_file_finish (GFile         *file,
                                                    GAsyncResult  *result,
                                                    GError       **error);
void               heyai_script_import_free  (HeyaiScriptImport *import);

/* Keeps the original file and the notes beside a project: writes
 * <@folder>/script/<source name> (a converted .fdx or PDF only) and
 * <@folder>/script/import-notes.txt (when there are notes). */
gboolean           heyai_script_import_save_beside (const HeyaiScriptImport *import,
                                                    const char              *folder,
                                                    GError                 **error);
/* The notes saved beside a project (NULL when there are none). */
char              *heyai_script_import_load_notes  (const char              *folder);

/* The notes joined into one paragraph (NULL when there are none). */
char              *heyai_script_import_notes_text (const HeyaiScriptImport *import);
/* A translated name: "Fountain", "Final Draft", "PDF", "plain text". */
const char        *heyai_script_source_to_label (HeyaiScriptSource format);
/* A title from a file name: extension dropped, "-" and "_" as spaces, the
 * first letter capitalised, every other character kept ("el-último-faro.txt"
 * -> "El último faro"). */
char              *heyai_script_title_from_filename (const char *name);
/* Title case that keeps initials, abbreviations and possessives:
 * "A.P. NEWSROOM" -> "A.P. Newsroom", "JENNY HILL'S KITCHEN" -> "Jenny Hill's
 * Kitchen"; short function words after the first stay lower-case. */
char              *heyai_script_title_case (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiScriptImport, heyai_script_import_free)

G_END_DECLS
