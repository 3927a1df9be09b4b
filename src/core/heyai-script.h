/* heyai-script.h: script parsing (plain prose and Fountain) and timing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HEYAI_SCRIPT_MAX_BYTES (2 * 1024 * 1024)

typedef enum
{
  HEYAI_SCRIPT_FORMAT_PROSE,
  HEYAI_SCRIPT_FORMAT_FOUNTAIN,
} HeyaiScriptFormat;

typedef enum
{
  HEYAI_ELEMENT_ACTION,
  HEYAI_ELEMENT_SCENE_HEADING,
  HEYAI_ELEMENT_CHARACTER,
  HEYAI_ELEMENT_DIALOGUE,
  HEYAI_ELEMENT_PARENTHETICAL,
  HEYAI_ELEMENT_TRANSITION,
  HEYAI_ELEMENT_CENTERED,
  HEYAI_ELEMENT_NOTE,
} HeyaiElementType;

typedef struct
{
  HeyaiElementType type;
  char            *text;      /* UTF-8, trimmed, emphasis markup removed; a heading
                               * without its scene number or forcing '.', a cue
                               * without '@'/'^' but with its extension
                               * ("AMARA (V.O.)"), a centered text without '>' '<';
                               * consecutive dialogue/action lines joined by "\n" */
  int              line;      /* 1-based source line where the element starts */
  gboolean         dual;      /* character cue marked "^" (dual dialogue) */
} HeyaiScriptElement;

/* One scene of the source: a Fountain scene (heading + what follows it) or,
 * for prose (and Fountain text without headings), one paragraph; paragraphs
 * of fewer than 8 words merge into the previous scene (the first into the
 * next).  Centered cards stay in the scene they are written in.  Text before
 * the first heading is a scene only when it has action, dialogue or a card. */
typedef struct
{
  char      *heading;    /* "INT. HOSPITAL CORRIDOR - NIGHT", or NULL for prose */
  char      *excerpt;    /* the source text of the scene, verbatim (trimmed; notes and
                          * boneyard included; line endings become "\n") */
  GPtrArray *elements;   /* HeyaiScriptElement*, in source order (notes included) */
  int        first_line; /* 1-based */
  double     seconds;    /* estimated screen time (model in heyai-script.c), >= 2 s */
  guint      n_words;    /* words of the scene's elements (notes excluded) */
} HeyaiScriptScene;

typedef struct
{
  HeyaiScriptFormat format;
  GHashTable       *title_page;   /* lower-case key -> value ("title", "credit", ...) */
  char             *title;        /* from the title page, or for prose a first line in
                                   * capitals / "TITLE — subtitle" / "Título: X"; may be NULL */
  GPtrArray        *scenes;       /* HeyaiScriptScene*, never empty */
  guint             n_words;      /* sum of the scenes' n_words */
  double            seconds;      /* estimated runtime of the whole script */
} HeyaiScript;

/* Parses @text (@length bytes, -1 = NUL-terminated).  Fails with
 * HEYAI_ERROR_INVALID_INPUT on invalid UTF-8 (naming the byte offset), on an
 * empty/whitespace-only script, on NUL bytes (binary files), UTF-16 files,
 * scripts larger than HEYAI_SCRIPT_MAX_BYTES (checked first, in O(1)) and
 * scripts with no scenes (only a title page or notes).  Format is detected:
 * Fountain when it has scene headings, a title page, or clear Fountain
 * markers without headings (a centered "> CARD <", a note or boneyard, a
 * page break, a forced "@" cue, or two or more cues with dialogue: a
 * trailer); then a centered card starts a scene of its own and the title is
 * the title page's, else the first card that names something.  A UTF-8 BOM
 * is skipped.  Files should come through heyai_script_import_* (encodings,
 * Final Draft, PDF).  Linear time; safe to call from any thread. */
HeyaiScript *heyai_script_parse       (const char  *text,
                                       gssize       length,
                                       GError     **error);
void         heyai_script_free        (HeyaiScript *script);
/* The scene as a reader sees it, without any Fountain markup: the heading,
 * action paragraphs, title cards, "NAME (V.O.): line" for dialogue (with
 * parentheticals), transitions; notes and boneyard left out.  Paragraphs
 * are separated by a blank line.  For excerpts shown in documents,
 * descriptions and prompts. */
char        *heyai_script_scene_plain_text (const HeyaiScriptScene *scene);
/* Words and seconds of arbitrary text (the window's word count).  Words are
 * runs of non-space characters holding at least one letter or digit; em and
 * en dashes separate words.  estimate_seconds parses @text when it can (the
 * same model as heyai_script_parse) and falls back to words / 2.5 s. */
guint        heyai_script_count_words (const char  *text);
/* @text with every Fountain mark taken out, for text that did not come
 * through the parser (an LLM's titles, descriptions and prompts): notes
 * [[...]] and boneyard removed; emphasis (* ** *** _) dropped, "\*" kept as
 * "*"; centered "> x <", transitions "> X", forced "! @ ~ . =" and section
 * "#" marks, the dual-dialogue "^", scene numbers "#12#" and page breaks
 * "===" removed.  Never NULL for a non-NULL @text. */
char        *heyai_script_strip_markup (const char *text);
double       heyai_script_estimate_seconds (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiScript, heyai_script_free)

G_END_DECLS
