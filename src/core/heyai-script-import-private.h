/* heyai-script-import-private.h: the converters behind heyai-script-import.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Final Draft XML (@length bytes, UTF-8) -> Fountain.  Adds translated notes
 * to @notes.  Fails with HEYAI_ERROR_INVALID_INPUT. */
char *heyai_script_fdx_to_fountain (const char  *xml,
                                    gsize        length,
                                    const char  *name,
                                    GPtrArray   *notes,
                                    GError     **error);

/* A screenplay PDF -> Fountain, from the positions of its text.  Fails with
 * HEYAI_ERROR_INVALID_INPUT for a damaged PDF or one without text. */
char *heyai_script_pdf_to_fountain (GBytes      *bytes,
                                    const char  *name,
                                    GPtrArray   *notes,
                                    GError     **error);

/* Fountain writing helpers shared by the converters. */
typedef enum
{
  FOUNTAIN_OUT_HEADING,
  FOUNTAIN_OUT_ACTION,
  FOUNTAIN_OUT_CHARACTER,
  FOUNTAIN_OUT_PARENTHETICAL,
  FOUNTAIN_OUT_DIALOGUE,
  FOUNTAIN_OUT_TRANSITION,
  FOUNTAIN_OUT_CENTERED,
} FountainOut;

typedef struct
{
  GString     *title_page;
  GString     *out;
  FountainOut  last;
  gboolean     started;
  guint        n_headings;
} FountainWriter;

void  heyai_fountain_writer_init     (FountainWriter *w);
/* Appends one element; @text may hold "\n" (several lines of action or
 * dialogue).  @dual marks the second cue of dual dialogue. */
void  heyai_fountain_writer_add      (FountainWriter *w,
                                      FountainOut     type,
                                      const char     *text,
                                      gboolean        dual);
void  heyai_fountain_writer_title    (FountainWriter *w,
                                      const char     *key,
                                      const char     *value);
/* Title page paragraphs in order: the first is the title, "Written by" and
 * the next line credit and author, the rest the contact. */
void  heyai_fountain_writer_title_lines (FountainWriter *w,
                                         GPtrArray      *lines);
char *heyai_fountain_writer_finish   (FountainWriter *w);

G_END_DECLS
