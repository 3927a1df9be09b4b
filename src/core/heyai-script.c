/* heyai-script.c: script parsing (plain prose and Fountain) and timing.
 *
 * The parser works in a few linear passes over the text:
 *
 *   1. checks: size (before anything else, so an oversize paste is refused at
 *      once), NUL bytes, UTF-8 validity, whitespace-only text;
 *   2. line splitting (LF, CRLF and lone CR all end a line; offsets point into
 *      the caller's text, so excerpts are byte-exact copies of the source
 *      lines, joined with "\n");
 *   3. Fountain only: boneyard (/ * ... * /) and notes ([[...]]) are cut out
 *      of a cleaned copy of each line; notes become NOTE elements; a line that
 *      held only a note or a comment disappears instead of becoming blank, so
 *      it does not split a dialogue block;
 *   4. classification into a flat list of elements (title page first);
 *   5. grouping of elements into scenes: at each scene heading when the text
 *      has headings, otherwise one scene per paragraph, with very short
 *      paragraphs (fewer than SHORT_SCENE_WORDS words, such as a closing
 *      "Título: ..." line) merged into their neighbour;
 *   6. timing (see the model below) and verbatim excerpts.
 *
 * Every pass is O(length); nothing searches backwards or rescans.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "heyai-error.h"
#include "heyai-script.h"

/* The timing model: a trailer-style estimate of screen time.
 *
 *  - action (and prose) is read at ACTION_WORDS_PER_SECOND: a trailer holds a
 *    described image about as long as a narrator takes to say it (2.5 words/s,
 *    slightly slower than the 2.8-3 words/s of speech);
 *  - dialogue, and words inside quotation marks in action/prose, are spoken
 *    lines at DIALOGUE_WORDS_PER_SECOND (2.8 words/s, brisk trailer delivery);
 *  - parentheticals, character cues, notes and the heading words add nothing;
 *  - a centered card ("> NIGHT SHIFT <") holds at least MIN_SHOT_SECONDS;
 *  - a transition ("CUT TO:") adds TRANSITION_SECONDS;
 *  - every scene (a heading or a paragraph, i.e. at least one shot) lasts at
 *    least MIN_SHOT_SECONDS.
 *
 * The script's runtime is the sum of its scenes. */
#define ACTION_WORDS_PER_SECOND   2.5
#define DIALOGUE_WORDS_PER_SECOND 2.8
#define MIN_SHOT_SECONDS          2.0
#define TRANSITION_SECONDS        0.5

/* Paragraphs with fewer words than this merge with a neighbour. */
#define SHORT_SCENE_WORDS 8

/* A first line longer than this is never taken as a title. */
#define MAX_TITLE_WORDS 16

/* ------------------------------------------------------------------------ */
/* UTF-8 helpers                                                             */

static inline gunichar
char_at (const char *p)
{
  if ((guchar) *p < 0x80)
    return (guchar) *p;
  return g_utf8_get_char (p);
}

static inline gboolean
is_space_char (gunichar c)
{
  if (c < 0x80)
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  /* U+FEFF (BOM) and U+200B (zero-width space) are invisible too. */
  return g_unichar_isspace (c) || c == 0xFEFF || c == 0x200B;
}

/* Whether [p, p+len) holds only white space. */
static gboolean
is_blank (const char *p,
          gsize       len)
{
  const char *end = p + len;

  while (p < end)
    {
      if ((guchar) *p < 0x80)
        {
          if (!is_space_char ((guchar) *p))
            return FALSE;
          p++;
        }
      else
        {
          if (!is_space_char (g_utf8_get_char (p)))
            return FALSE;
          p = g_utf8_next_char (p);
        }
    }

  return TRUE;
}

/* Trims white space at both ends of [*p, *p + *len). */
static void
trim_span (const char **p,
           gsize       *len)
{
  const char *s = *p;
  const char *e = s + *len;

  while (s < e)
    {
      gunichar c = char_at (s);
      if (!is_space_char (c))
        break;
      s = g_utf8_next_char (s);
    }

  while (e > s)
    {
      const char *prev = g_utf8_find_prev_char (s, e);
      if (prev == NULL)
        prev = s;
      if (!is_space_char (char_at (prev)))
        break;
      e = prev;
    }

  *p = s;
  *len = (gsize) (e - s);
}

static gboolean
has_suffix_len (const char *p,
                gsize       len,
                const char *suffix)
{
  gsize slen = strlen (suffix);
  return len >= slen && memcmp (p + len - slen, suffix, slen) == 0;
}

static char *
trimmed_dup (const char *p,
             gsize       len)
{
  trim_span (&p, &len);
  return g_strndup (p, len);
}

/* No lower-case letter and at least one letter in [p, p+len). */
static gboolean
is_all_caps (const char *p,
             gsize       len)
{
  const char *end = p + len;
  gboolean has_letter = FALSE;

  while (p < end)
    {
      gunichar c = char_at (p);

      if (g_unichar_islower (c))
        return FALSE;
      if (g_unichar_isalpha (c))
        has_letter = TRUE;
      p = g_utf8_next_char (p);
    }

  return has_letter;
}

static inline gboolean
is_word_separator (gunichar c)
{
  /* em dash, en dash and horizontal bar separate words even without spaces */
  return is_space_char (c) || c == 0x2014 || c == 0x2013 || c == 0x2015;
}

static inline gboolean
is_open_quote (gunichar c)
{
  return c == 0x201C || c == 0x00AB || c == 0x2018 /* ‘ only when opening */;
}

static inline gboolean
is_close_quote (gunichar c)
{
  return c == 0x201D || c == 0x00BB;
}

/* Counts words in [p, p+len); words inside quotation marks are also counted
 * into @quoted (straight double quotes toggle, curly and angle quotes open
 * and close). */
static guint
count_words_len (const char *p,
                 gsize       len,
                 guint      *quoted)
{
  const char *end = p + len;
  guint words = 0;
  guint in_quotes_words = 0;
  gboolean in_word = FALSE;
  gboolean word_has_alnum = FALSE;
  gboolean word_in_quotes = FALSE;
  gboolean in_quotes = FALSE;

  while (p < end)
    {
      gunichar c;

      if ((guchar) *p < 0x80)
        c = (guchar) *p++;
      else
        {
          /* count_words may see any bytes: never read past @end */
          c = g_utf8_get_char_validated (p, end - p);
          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              c = 0xFFFD;
              p++;
            }
          else
            p = g_utf8_next_char (p);
        }

      if (is_word_separator (c))
        {
          if (in_word && word_has_alnum)
            {
              words++;
              if (word_in_quotes)
                in_quotes_words++;
            }
          in_word = FALSE;
          continue;
        }

      if (c == '"')
        in_quotes = !in_quotes;
      else if (is_open_quote (c) && c != 0x2018)
        in_quotes = TRUE;
      else if (is_close_quote (c))
        in_quotes = FALSE;

      if (!in_word)
        {
          in_word = TRUE;
          word_has_alnum = FALSE;
          word_in_quotes = in_quotes;
        }
      else if (in_quotes)
        word_in_quotes = TRUE;

      if (c < 0x80 ? g_ascii_isalnum ((char) c) : g_unichar_isalnum (c))
        word_has_alnum = TRUE;
    }

  if (in_word && word_has_alnum)
    {
      words++;
      if (word_in_quotes)
        in_quotes_words++;
    }

  if (quoted != NULL)
    *quoted = in_quotes_words;

  return words;
}

/* Removes [[notes]] and boneyard ("/\* ... *\/") spans (they may cross lines); an
 * unclosed one runs to the end, as in Fountain. */
static char *
strip_spans (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      const char *close = NULL;
      gsize skip = 0;

      if (p[0] == '[' && p[1] == '[')
        {
          close = strstr (p + 2, "]]");
          skip = 2;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          close = strstr (p + 2, "*/");
          skip = 2;
        }
      if (skip == 0)
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (close == NULL)
        break;
      p = close + skip;
      if (out->len > 0 && out->str[out->len - 1] == ' ' && *p == ' ')
        p++;                                        /* "a [[x]] b" -> "a b" */
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c);
}

/* One line's own marks (after the spans are gone). */
static void
strip_line (GString    *out,
            const char *line)
{
  g_autofree char *work = g_strstrip (g_strdup (line));
  char *t = work;
  gsize len;

  if (g_str_equal (t, "===") || (strspn (t, "=") == strlen (t) && strlen (t) >= 3))
    return;                                          /* page break */
  while (*t == '#')                                  /* section */
    t++;
  if (t != work)
    t = g_strchug (t);
  if (*t == '=' )                                    /* synopsis */
    t = g_strchug (t + 1);
  if (*t == '!' || *t == '@' || *t == '~')           /* forced action / cue / lyric */
    t++;
  else if (t[0] == '.' && t[1] != '.' && t[1] != '\0' && !g_ascii_isspace (t[1]))
    t++;                                             /* forced heading */
  len = strlen (t);
  if (len > 0 && t[len - 1] == '^')                  /* dual dialogue */
    t[--len] = '\0';
  if (len > 2 && t[len - 1] == '#')                  /* scene number "#12A#" */
    {
      char *open = strrchr (t, '#');
      char *hash;

      *open = '\0';
      hash = strrchr (t, '#');
      if (hash != NULL && strspn (hash + 1, "0123456789.-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") ==
                            strlen (hash + 1))
        *hash = '\0';
      else
        *open = '#';
      g_strchomp (t);
      len = strlen (t);
    }
  if (t[0] == '>')                                   /* centered or transition */
    {
      t = g_strchug (t + 1);
      len = strlen (t);
      if (len > 0 && t[len - 1] == '<')
        t[--len] = '\0';
      g_strchomp (t);
    }

  /* Emphasis: "*" and "**" go (an escaped "\*" stays a star); "_" goes where
   * it opens or closes a word, not inside one (snake_case stays). */
  for (const char *c = t; *c != '\0'; c = g_utf8_next_char (c))
    {
      if (c[0] == '\\' && (c[1] == '*' || c[1] == '_'))
        {
          g_string_append_c (out, c[1]);
          c++;
          continue;
        }
      if (*c == '*')
        continue;
      if (*c == '_')
        {
          gunichar before = c > t ? g_utf8_get_char (g_utf8_prev_char (c)) : ' ';
          gunichar after = c[1] != '\0' ? g_utf8_get_char (c + 1) : ' ';

          if (!(is_word_char (before) && is_word_char (after)))
            continue;
        }
      g_string_append_len (out, c, g_utf8_next_char (c) - c);
    }
}

char *
heyai_script_strip_markup (const char *text)
{
  g_autofree char *spans = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  spans = strip_spans (text);
  lines = g_strsplit (spans, "\n", -1);
  out = g_string_sized_new (strlen (spans));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      strip_line (out, lines[i]);
    }
  {
    char *result = g_string_free (out, FALSE);

    return g_strstrip (result);
  }
}

guint
heyai_script_count_words (const char *text)
{
  if (text == NULL)
    return 0;

  return count_words_len (text, strlen (text), NULL);
}

/* Removes Fountain emphasis markup: '*' always, '_' at a word edge; "\*" and
 * "\_" stay as literal characters. */
static char *
strip_markup (const char *p,
              gsize       len)
{
  GString *out;
  gsize i;

  trim_span (&p, &len);
  out = g_string_sized_new (len + 1);

  for (i = 0; i < len; i++)
    {
      char c = p[i];

      if (c == '\\' && i + 1 < len && (p[i + 1] == '*' || p[i + 1] == '_'))
        {
          g_string_append_c (out, p[i + 1]);
          i++;
          continue;
        }

      if (c == '*')
        continue;

      if (c == '_')
        {
          /* bytes >= 0x80 belong to (non-ASCII) letters */
          gboolean word_before = i > 0 && (g_ascii_isalnum (p[i - 1]) || (guchar) p[i - 1] >= 0x80);
          gboolean word_after = i + 1 < len && (g_ascii_isalnum (p[i + 1]) || (guchar) p[i + 1] >= 0x80);

          if (!(word_before && word_after))
            continue;
        }

      g_string_append_c (out, c);
    }

  /* markup at the edges may leave white space behind */
  {
    const char *s = out->str;
    gsize n = out->len;
    char *ret;

    trim_span (&s, &n);
    ret = g_strndup (s, n);
    g_string_free (out, TRUE);
    return ret;
  }
}

/* ------------------------------------------------------------------------ */
/* Elements and scenes                                                       */

static HeyaiScriptElement *
element_new (HeyaiElementType  type,
             char             *text,
             int               line)
{
  HeyaiScriptElement *element = g_new0 (HeyaiScriptElement, 1);

  element->type = type;
  element->text = text;
  element->line = line;

  return element;
}

static void
element_free (gpointer data)
{
  HeyaiScriptElement *element = data;

  if (element == NULL)
    return;

  g_free (element->text);
  g_free (element);
}

static void
scene_free (gpointer data)
{
  HeyaiScriptScene *scene = data;

  if (scene == NULL)
    return;

  g_free (scene->heading);
  g_free (scene->excerpt);
  g_clear_pointer (&scene->elements, g_ptr_array_unref);
  g_free (scene);
}

void
heyai_script_free (HeyaiScript *script)
{
  if (script == NULL)
    return;

  g_clear_pointer (&script->title_page, g_hash_table_unref);
  g_free (script->title);
  g_clear_pointer (&script->scenes, g_ptr_array_unref);
  g_free (script);
}

static double
element_seconds (const HeyaiScriptElement *element,
                 guint                    *words_out)
{
  guint quoted = 0;
  guint words = count_words_len (element->text, strlen (element->text), &quoted);

  *words_out = element->type == HEYAI_ELEMENT_NOTE ? 0 : words;

  switch (element->type)
    {
    case HEYAI_ELEMENT_ACTION:
      return (words - quoted) / ACTION_WORDS_PER_SECOND + quoted / DIALOGUE_WORDS_PER_SECOND;

    case HEYAI_ELEMENT_DIALOGUE:
      return words / DIALOGUE_WORDS_PER_SECOND;

    case HEYAI_ELEMENT_CENTERED:
      return MAX (MIN_SHOT_SECONDS, words / ACTION_WORDS_PER_SECOND);

    case HEYAI_ELEMENT_TRANSITION:
      return TRANSITION_SECONDS;

    case HEYAI_ELEMENT_SCENE_HEADING:
    case HEYAI_ELEMENT_CHARACTER:
    case HEYAI_ELEMENT_PARENTHETICAL:
    case HEYAI_ELEMENT_NOTE:
    default:
      return 0.0;
    }
}

/* ------------------------------------------------------------------------ */
/* Source lines                                                              */

typedef struct
{
  gsize start;
  gsize len;   /* without the line ending */
} Line;

typedef struct
{
  const char *text;    /* the body (a BOM skipped) */
  gsize       length;
  GArray     *lines;   /* Line */
} Source;

static void
split_lines (Source *src)
{
  const char *t = src->text;
  const char *end = t + src->length;
  const char *next_nl = NULL;   /* cached: the next '\n' at or after p, or end */
  const char *next_cr = NULL;   /* cached: the next '\r' at or after p, or end */
  const char *p = t;

  src->lines = g_array_sized_new (FALSE, FALSE, sizeof (Line), src->length / 40 + 16);

  while (p < end)
    {
      const char *eol;
      Line line;

      /* each cache moves forward only, so the whole split is linear even
       * for files that use only one kind of line ending */
      if (next_nl == NULL || next_nl < p)
        {
          next_nl = memchr (p, '\n', (gsize) (end - p));
          if (next_nl == NULL)
            next_nl = end;
        }
      if (next_cr == NULL || next_cr < p)
        {
          next_cr = memchr (p, '\r', (gsize) (end - p));
          if (next_cr == NULL)
            next_cr = end;
        }

      eol = MIN (next_nl, next_cr);
      line.start = (gsize) (p - t);
      line.len = (gsize) (eol - p);
      if (eol == end)
        {
          g_array_append_val (src->lines, line);
          break;
        }
      g_array_append_val (src->lines, line);

      p = eol + 1;
      if (*eol == '\r' && p < end && *p == '\n')
        p++;
    }
}

static inline const Line *
line_at (const Source *src,
         guint         index)
{
  return &g_array_index (src->lines, Line, index);
}

static inline gboolean
line_is_blank (const Source *src,
               guint         index)
{
  const Line *l = line_at (src, index);
  return is_blank (src->text + l->start, l->len);
}

/* The source lines [first, last] verbatim, joined with "\n" (whatever line
 * endings the file used), surrounding white space trimmed. */
static char *
excerpt_dup (const Source *src,
             guint         first,
             guint         last)
{
  GString *out;
  guint i;

  while (first < last && line_is_blank (src, first))
    first++;
  while (last > first && line_is_blank (src, last))
    last--;

  out = g_string_new (NULL);
  for (i = first; i <= last; i++)
    {
      const Line *l = line_at (src, i);

      if (i > first)
        g_string_append_c (out, '\n');
      g_string_append_len (out, src->text + l->start, l->len);
    }

  {
    char *ret = trimmed_dup (out->str, out->len);
    g_string_free (out, TRUE);
    return ret;
  }
}

/* ------------------------------------------------------------------------ */
/* Grouping elements into scenes                                             */

typedef struct
{
  guint    first_el;    /* index into the flat element list */
  guint    n_el;
  guint    first_line;  /* 0-based source line where the scene starts */
  gboolean heading;
  gboolean card;        /* a Fountain title card (or a run of them) starts it */
  guint    words;
} Group;

static guint
group_words (GPtrArray *elements,
             guint      first,
             guint      n)
{
  guint words = 0;
  guint i;

  for (i = first; i < first + n; i++)
    {
      const HeyaiScriptElement *element = g_ptr_array_index (elements, i);

      if (element->type != HEYAI_ELEMENT_NOTE)
        words += count_words_len (element->text, strlen (element->text), NULL);
    }

  return words;
}

/* Turns @elements (transfer full, freed here) into scenes on @script.
 * @para_start[i] is TRUE when element i is an action paragraph that follows
 * a blank line (the start of a scene when the text has no headings). */
static void
build_scenes (HeyaiScript  *script,
              const Source *src,
              GPtrArray    *elements,
              GArray       *para_start)
{
  g_autoptr(GArray) groups = g_array_new (FALSE, FALSE, sizeof (Group));
  gboolean has_headings = FALSE;
  guint i;

  for (i = 0; i < elements->len; i++)
    {
      const HeyaiScriptElement *element = g_ptr_array_index (elements, i);
      if (element->type == HEYAI_ELEMENT_SCENE_HEADING)
        {
          has_headings = TRUE;
          break;
        }
    }

  /* Split. */
  for (i = 0; i < elements->len; i++)
    {
      const HeyaiScriptElement *element = g_ptr_array_index (elements, i);
      gboolean starts;

      gboolean card = FALSE;

      /* Fountain without headings (a trailer): a title card, or a run of
       * them, is a shot of its own. */
      if (!has_headings && script->format == HEYAI_SCRIPT_FORMAT_FOUNTAIN &&
          element->type == HEYAI_ELEMENT_CENTERED)
        {
          const HeyaiScriptElement *prev = i > 0 ? g_ptr_array_index (elements, i - 1) : NULL;
          card = prev == NULL || prev->type != HEYAI_ELEMENT_CENTERED;
        }

      if (has_headings)
        starts = element->type == HEYAI_ELEMENT_SCENE_HEADING || groups->len == 0;
      else
        starts = groups->len == 0 || card ||
                 (element->type == HEYAI_ELEMENT_ACTION && g_array_index (para_start, gboolean, i));

      if (starts)
        {
          Group group = { i, 1, (guint) element->line - 1,
                          element->type == HEYAI_ELEMENT_SCENE_HEADING, card, 0 };
          g_array_append_val (groups, group);
        }
      else
        g_array_index (groups, Group, groups->len - 1).n_el++;
    }

  for (i = 0; i < groups->len; i++)
    {
      Group *group = &g_array_index (groups, Group, i);
      group->words = group_words (elements, group->first_el, group->n_el);
    }

  /* Text before the first scene ("FADE IN:", a note) is dropped unless it
   * holds something to see or hear; a script of only notes has no scenes. */
  if (groups->len > 0 && !g_array_index (groups, Group, 0).heading)
    {
      Group *pre = &g_array_index (groups, Group, 0);
      gboolean substantive = FALSE;

      for (i = pre->first_el; i < pre->first_el + pre->n_el; i++)
        {
          const HeyaiScriptElement *element = g_ptr_array_index (elements, i);
          if (element->type == HEYAI_ELEMENT_ACTION ||
              element->type == HEYAI_ELEMENT_DIALOGUE ||
              element->type == HEYAI_ELEMENT_CENTERED)
            substantive = TRUE;
        }

      if (!substantive)
        g_array_remove_index (groups, 0);
    }

  if (!has_headings)
    {
      /* Merge very short paragraphs into the previous scene (the first one
       * into the next). Linear: each group is looked at once. */
      g_autoptr(GArray) merged = g_array_sized_new (FALSE, FALSE, sizeof (Group), groups->len);

      for (i = 0; i < groups->len; i++)
        {
          Group group = g_array_index (groups, Group, i);

          if (group.words < SHORT_SCENE_WORDS && merged->len > 0 && !group.card)
            {
              Group *last = &g_array_index (merged, Group, merged->len - 1);
              last->n_el += group.n_el;
              last->words += group.words;
            }
          else
            g_array_append_val (merged, group);
        }

      if (merged->len >= 2 && g_array_index (merged, Group, 0).words < SHORT_SCENE_WORDS &&
          !g_array_index (merged, Group, 0).card && !g_array_index (merged, Group, 1).card)
        {
          Group *first = &g_array_index (merged, Group, 0);
          Group *second = &g_array_index (merged, Group, 1);

          first->n_el += second->n_el;
          first->words += second->words;
          g_array_remove_index (merged, 1);
        }

      g_array_set_size (groups, 0);
      g_array_append_vals (groups, merged->data, merged->len);
    }

  /* Materialise. */
  script->scenes = g_ptr_array_new_with_free_func (scene_free);
  script->n_words = 0;
  script->seconds = 0.0;

  for (i = 0; i < groups->len; i++)
    {
      const Group *group = &g_array_index (groups, Group, i);
      HeyaiScriptScene *scene = g_new0 (HeyaiScriptScene, 1);
      guint last_line;
      guint j;

      if (i + 1 < groups->len)
        {
          const Group *next = &g_array_index (groups, Group, i + 1);
          last_line = next->first_line > group->first_line ? next->first_line - 1 : group->first_line;
        }
      else
        last_line = src->lines->len - 1;

      scene->elements = g_ptr_array_new_full (group->n_el, element_free);
      scene->first_line = (int) group->first_line + 1;
      scene->excerpt = excerpt_dup (src, group->first_line, last_line);

      for (j = group->first_el; j < group->first_el + group->n_el; j++)
        {
          HeyaiScriptElement *element = g_ptr_array_index (elements, j);
          guint words = 0;

          g_ptr_array_index (elements, j) = NULL;
          if (element->type == HEYAI_ELEMENT_SCENE_HEADING && scene->heading == NULL)
            scene->heading = g_strdup (element->text);
          scene->seconds += element_seconds (element, &words);
          scene->n_words += words;
          g_ptr_array_add (scene->elements, element);
        }

      scene->seconds = MAX (scene->seconds, MIN_SHOT_SECONDS);
      script->seconds += scene->seconds;
      script->n_words += scene->n_words;
      g_ptr_array_add (script->scenes, scene);
    }

  /* Elements of dropped groups are still in the list. */
  g_ptr_array_set_free_func (elements, element_free);
  g_ptr_array_unref (elements);
}

/* ------------------------------------------------------------------------ */
/* Plain prose                                                               */

/* "Título: X", "Title: X", "Titulo: X" -> X (NULL if not such a line). */
static char *
title_line_value (const char *p,
                  gsize       len)
{
  static const char *const keys[] = { "title", "título", "titulo", "titre", "titolo" };
  g_autofree char *key = NULL;
  const char *colon;
  gsize i;

  trim_span (&p, &len);
  colon = memchr (p, ':', MIN (len, (gsize) 12));
  if (colon == NULL)
    return NULL;

  key = g_utf8_strdown (p, colon - p);
  for (i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (key, keys[i]) == 0)
      return strip_markup (colon + 1, len - (gsize) (colon + 1 - p));

  return NULL;
}

/* Whether the first line of a prose script is its title; sets @title. */
static gboolean
prose_title_line (const char  *p,
                  gsize        len,
                  char       **title)
{
  const char *dash;
  char *value;

  trim_span (&p, &len);
  if (len == 0 || count_words_len (p, len, NULL) > MAX_TITLE_WORDS)
    return FALSE;

  if ((value = title_line_value (p, len)) != NULL)
    {
      *title = value;
      return TRUE;
    }

  dash = g_strstr_len (p, (gssize) len, " \xe2\x80\x94 ");  /* " — " */
  if (dash != NULL)
    {
      *title = trimmed_dup (p, (gsize) (dash - p));
      return TRUE;
    }

  if (is_all_caps (p, len))
    {
      *title = trimmed_dup (p, len);
      return TRUE;
    }

  return FALSE;
}

static void
parse_prose (HeyaiScript *script,
             const Source *src)
{
  GPtrArray *elements = g_ptr_array_new ();
  g_autoptr(GArray) para_start = g_array_new (FALSE, FALSE, sizeof (gboolean));
  guint n = src->lines->len;
  guint i = 0;
  gboolean first_paragraph = TRUE;

  while (i < n)
    {
      GString *text;
      guint first;

      if (line_is_blank (src, i))
        {
          i++;
          continue;
        }

      first = i;
      if (first_paragraph)
        {
          const Line *l = line_at (src, i);
          char *title = NULL;

          first_paragraph = FALSE;
          if (prose_title_line (src->text + l->start, l->len, &title))
            {
              script->title = title;
              i++;
              continue;   /* the rest of the paragraph, if any, is text */
            }
        }

      text = g_string_new (NULL);
      for (; i < n && !line_is_blank (src, i); i++)
        {
          const Line *l = line_at (src, i);
          const char *p = src->text + l->start;
          gsize len = l->len;

          trim_span (&p, &len);
          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append_len (text, p, len);
        }

      if (script->title == NULL)
        script->title = title_line_value (text->str, text->len);

      {
        gboolean yes = TRUE;
        g_ptr_array_add (elements, element_new (HEYAI_ELEMENT_ACTION,
                                                g_string_free (text, FALSE),
                                                (int) first + 1));
        g_array_append_val (para_start, yes);
      }
    }

  build_scenes (script, src, elements, para_start);
}

/* ------------------------------------------------------------------------ */
/* Fountain                                                                  */

typedef struct
{
  gsize    off;       /* into the cleaned text */
  gsize    len;
  guint    orig;      /* 0-based source line */
  gboolean blank;
} VLine;

typedef struct
{
  guint  orig;
  char  *text;
} Note;

typedef struct
{
  const Source *src;
  GString      *clean;   /* source lines without boneyard and notes */
  GArray       *vlines;  /* VLine: the lines left after cleaning */
  GArray       *notes;   /* Note, in source order */
} Fountain;

static void
note_clear (gpointer data)
{
  Note *note = data;
  g_free (note->text);
}

static void
fountain_close_note (Fountain *f,
                     GString  *note,
                     guint     orig)
{
  const char *p = note->str;
  gsize len = note->len;

  trim_span (&p, &len);
  if (len > 0)
    {
      Note n = { orig, g_strndup (p, len) };
      g_array_append_val (f->notes, n);
    }
  g_string_truncate (note, 0);
}

static void
fountain_clean (Fountain *f)
{
  const Source *src = f->src;
  g_autoptr(GString) note = g_string_new (NULL);
  gboolean in_bone = FALSE;
  gboolean in_note = FALSE;
  guint note_line = 0;
  guint k;

  f->clean = g_string_sized_new (src->length + 1);
  f->vlines = g_array_sized_new (FALSE, FALSE, sizeof (VLine), src->lines->len);
  f->notes = g_array_new (FALSE, FALSE, sizeof (Note));
  g_array_set_clear_func (f->notes, note_clear);

  for (k = 0; k < src->lines->len; k++)
    {
      const Line *l = line_at (src, k);
      const char *p = src->text + l->start;
      gsize m = l->len;
      gboolean started_in_bone = in_bone;
      gboolean orig_blank = is_blank (p, m);
      gsize off = f->clean->len;
      gboolean clean_blank;
      gsize j = 0;

      /* A note never spans a blank line (Fountain): an unclosed "[[" ends
       * at the end of its paragraph. */
      if (in_note && orig_blank)
        {
          fountain_close_note (f, note, note_line);
          in_note = FALSE;
        }

      while (j < m)
        {
          char c = p[j];

          if (in_bone)
            {
              if (c == '*' && j + 1 < m && p[j + 1] == '/')
                {
                  in_bone = FALSE;
                  j += 2;
                }
              else
                j++;
            }
          else if (in_note)
            {
              if (c == ']' && j + 1 < m && p[j + 1] == ']')
                {
                  fountain_close_note (f, note, note_line);
                  in_note = FALSE;
                  j += 2;
                }
              else
                {
                  g_string_append_c (note, c);
                  j++;
                }
            }
          else if (c == '/' && j + 1 < m && p[j + 1] == '*')
            {
              in_bone = TRUE;
              j += 2;
            }
          else if (c == '[' && j + 1 < m && p[j + 1] == '[')
            {
              in_note = TRUE;
              note_line = k;
              g_string_truncate (note, 0);
              j += 2;
            }
          else
            {
              g_string_append_c (f->clean, c);
              j++;
            }
        }

      if (in_note)
        g_string_append_c (note, ' ');

      clean_blank = is_blank (f->clean->str + off, f->clean->len - off);
      if (clean_blank && (!orig_blank || started_in_bone))
        {
          /* the line held only a note or a comment: it disappears */
          g_string_truncate (f->clean, off);
        }
      else
        {
          VLine v = { off, f->clean->len - off, k, clean_blank };
          g_array_append_val (f->vlines, v);
        }
    }

  if (in_note)
    fountain_close_note (f, note, note_line);
}

static inline const VLine *
vline_at (const Fountain *f,
          guint           i)
{
  return &g_array_index (f->vlines, VLine, i);
}

static inline const char *
vline_text (const Fountain *f,
            const VLine    *v)
{
  return f->clean->str + v->off;
}

static const char *const title_page_keys[] = {
  "title", "credit", "author", "authors", "source", "draft date", "date",
  "contact", "copyright", "notes", "revision", "format", "watermark",
  "título", "titulo", "autor", "autora", "autores", "crédito", "credito",
  "fecha", "contacto", "notas", "versión", "version",
};

/* "Key: value" at the start of a line: sets @key (lower-case) and the value
 * span. */
static gboolean
parse_key_line (const char  *p,
                gsize        len,
                char       **key,
                const char **value,
                gsize       *value_len)
{
  const char *end = p + len;
  const char *q = p;

  if (len == 0 || !g_unichar_isalpha (char_at (p)))
    return FALSE;

  while (q < end && (gsize) (q - p) <= 40)
    {
      gunichar c = char_at (q);

      if (c == ':')
        {
          *key = g_utf8_strdown (p, q - p);
          *value = q + 1;
          *value_len = (gsize) (end - (q + 1));
          return TRUE;
        }
      if (!(g_unichar_isalnum (c) || c == ' ' || c == '-' || c == '_' || c == '.'))
        return FALSE;
      q = g_utf8_next_char (q);
    }

  return FALSE;
}

static gboolean
is_known_title_key (const char *key)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (title_page_keys); i++)
    if (g_strcmp0 (key, title_page_keys[i]) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
is_indented (const char *p,
             gsize       len)
{
  if (len >= 1 && p[0] == '\t')
    return TRUE;
  return len >= 3 && p[0] == ' ' && p[1] == ' ' && p[2] == ' ';
}

/* Whether the script opens with a title page (first non-blank line is a
 * known "Key:"). */
static gboolean
fountain_has_title_page (const Fountain *f,
                         guint          *first)
{
  guint i = 0;
  g_autofree char *key = NULL;
  const char *value;
  gsize value_len;

  while (i < f->vlines->len && vline_at (f, i)->blank)
    i++;
  if (i >= f->vlines->len)
    return FALSE;

  *first = i;
  return parse_key_line (vline_text (f, vline_at (f, i)), vline_at (f, i)->len,
                         &key, &value, &value_len) &&
         is_known_title_key (key);
}

/* Parses the title page starting at vline @i; returns the first body vline. */
static guint
fountain_title_page (Fountain    *f,
                     HeyaiScript *script,
                     guint        i)
{
  g_autofree char *current = NULL;
  GString *value = NULL;

  for (; i < f->vlines->len; i++)
    {
      const VLine *v = vline_at (f, i);
      const char *p = vline_text (f, v);
      g_autofree char *key = NULL;
      const char *val;
      gsize val_len;

      if (v->blank)
        break;

      if (current != NULL && is_indented (p, v->len))
        {
          g_autofree char *piece = strip_markup (p, v->len);

          if (value->len > 0)
            g_string_append_c (value, '\n');
          g_string_append (value, piece);
          continue;
        }

      if (!parse_key_line (p, v->len, &key, &val, &val_len))
        break;

      if (current != NULL)
        g_hash_table_replace (script->title_page, g_steal_pointer (&current),
                              g_string_free (value, FALSE));
      current = g_steal_pointer (&key);
      value = g_string_new (NULL);
      {
        g_autofree char *piece = strip_markup (val, val_len);
        g_string_append (value, piece);
      }
    }

  if (current != NULL)
    g_hash_table_replace (script->title_page, g_steal_pointer (&current),
                          g_string_free (value, FALSE));

  {
    const char *title = g_hash_table_lookup (script->title_page, "title");

    if (title == NULL)
      title = g_hash_table_lookup (script->title_page, "título");
    if (title == NULL)
      title = g_hash_table_lookup (script->title_page, "titulo");
    if (title != NULL && *title != '\0')
      {
        char **parts = g_strsplit (title, "\n", -1);
        script->title = g_strjoinv (" ", parts);
        g_strfreev (parts);
      }
  }

  return i;
}

/* Scene heading: INT EXT EST INT./EXT INT/EXT I/E I./E. (any case) followed
 * by a dot or a space, or forced with a single leading '.'.  "EXT/INT." is
 * not a Fountain heading (the reference parsers agree: Big Fish has 190). */
static char *
fountain_heading (const char *p,
                  gsize       len)
{
  static const char *const prefixes[] = { "int./ext", "int/ext", "i./e", "i/e", "int", "ext", "est" };
  gsize i;

  trim_span (&p, &len);
  if (len == 0)
    return NULL;

  if (p[0] == '.')
    {
      if (len < 2 || p[1] == '.' || !g_unichar_isalnum (char_at (p + 1)))
        return NULL;
      p++;
      len--;
    }
  else
    {
      gboolean matched = FALSE;

      for (i = 0; i < G_N_ELEMENTS (prefixes) && !matched; i++)
        {
          gsize plen = strlen (prefixes[i]);

          if (len > plen && g_ascii_strncasecmp (p, prefixes[i], plen) == 0 &&
              (p[plen] == '.' || p[plen] == ' '))
            matched = TRUE;
        }

      if (!matched)
        return NULL;
    }

  /* optional scene number: "INT. HOUSE - DAY #1A#" */
  if (len > 2 && p[len - 1] == '#')
    {
      const char *hash = NULL;
      gsize k;

      for (k = len - 1; k > 0; k--)
        if (p[k - 1] == '#')
          {
            hash = p + k - 1;
            break;
          }
      if (hash != NULL && hash > p && (hash[-1] == ' ' || hash[-1] == '\t'))
        len = (gsize) (hash - p);
    }

  return strip_markup (p, len);
}

static gboolean
fountain_is_transition (const char *p,
                        gsize       len)
{
  trim_span (&p, &len);
  return len > 3 && has_suffix_len (p, len, "TO:") && is_all_caps (p, len);
}

/* A character cue: all capitals before any "(" extension, or forced with
 * '@'.  Sets @name (cue text without markers) and @dual. */
static gboolean
fountain_character (const char  *p,
                    gsize        len,
                    char       **name,
                    gboolean    *dual)
{
  gboolean forced = FALSE;
  const char *paren;
  gsize name_len;

  trim_span (&p, &len);
  if (len == 0 || p[0] == '!')
    return FALSE;

  if (p[0] == '@')
    {
      forced = TRUE;
      p++;
      len--;
    }

  *dual = FALSE;
  if (len > 0 && p[len - 1] == '^')
    {
      *dual = TRUE;
      len--;
      trim_span (&p, &len);
    }

  if (len == 0)
    return FALSE;

  paren = memchr (p, '(', len);
  name_len = paren != NULL ? (gsize) (paren - p) : len;

  if (!forced && !is_all_caps (p, name_len))
    return FALSE;

  *name = strip_markup (p, len);
  if (**name == '\0')
    {
      g_clear_pointer (name, g_free);
      return FALSE;
    }
  return TRUE;
}

static void
fountain_emit (GPtrArray        *elements,
               GArray           *para_start,
               HeyaiElementType  type,
               char             *text,
               guint             orig,
               gboolean          starts_paragraph)
{
  g_ptr_array_add (elements, element_new (type, text, (int) orig + 1));
  g_array_append_val (para_start, starts_paragraph);
}

/* Whether a centered card is a screen direction rather than a name:
 * "BLACK SCREEN", "FADE IN", "THE END", "COMING SOON", "NEGRO"... */
static gboolean
is_card_direction (const char *text)
{
  static const char *const words[] = {
    "black", "screen", "fade", "cut", "the end", "coming soon", "soon", "title card",
    "intertitle", "negro", "fundo", "fin", "próximamente", "proximamente", "white",
    "blanco", "smash", "dissolve", "beat", "silence", "silencio", "card",
  };
  g_autofree char *lower = g_utf8_strdown (text, -1);
  gsize i;

  if (count_words_len (lower, strlen (lower), NULL) == 0)
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (words); i++)
    {
      const char *hit = strstr (lower, words[i]);
      gsize n = strlen (words[i]);

      /* whole words only ("FINAL" is a name, "FIN" a direction) */
      if (hit != NULL && (hit == lower || !g_ascii_isalpha (hit[-1])) &&
          !g_ascii_isalpha (hit[n]))
        return TRUE;
    }
  return FALSE;
}

static void
parse_fountain (HeyaiScript *script,
                const Source *src)
{
  Fountain f = { src, NULL, NULL, NULL };
  GPtrArray *elements = g_ptr_array_new ();
  g_autoptr(GArray) para_start = g_array_new (FALSE, FALSE, sizeof (gboolean));
  GString *action = NULL;        /* the open action paragraph */
  guint action_line = 0;
  gboolean action_starts = FALSE;
  gboolean prev_blank = TRUE;
  guint note_due = 0;    /* notes [0, note_due) start before the current line */
  guint note_done = 0;   /* notes [0, note_done) are emitted */
  guint first = 0;
  guint n;
  guint i = 0;

  fountain_clean (&f);
  n = f.vlines->len;

  if (fountain_has_title_page (&f, &first))
    {
      i = fountain_title_page (&f, script, first);

      /* Notes inside the title page are not part of the story. */
      while (note_done < f.notes->len &&
             (i >= n || g_array_index (f.notes, Note, note_done).orig < vline_at (&f, i)->orig))
        note_done++;
      note_due = note_done;
    }

  /* Notes are emitted in source order; one that falls inside an open action
   * paragraph waits until the paragraph is emitted. */
#define EMIT_NOTES()                                                          \
  G_STMT_START {                                                              \
    for (; note_done < note_due; note_done++)                                 \
      {                                                                       \
        Note *note_ = &g_array_index (f.notes, Note, note_done);              \
        fountain_emit (elements, para_start, HEYAI_ELEMENT_NOTE,              \
                       g_steal_pointer (&note_->text), note_->orig, FALSE);   \
      }                                                                       \
  } G_STMT_END

#define DUE_NOTES(orig_)                                                      \
  G_STMT_START {                                                              \
    while (note_due < f.notes->len &&                                         \
           g_array_index (f.notes, Note, note_due).orig <= (orig_))           \
      note_due++;                                                             \
    if (action == NULL)                                                       \
      EMIT_NOTES ();                                                          \
  } G_STMT_END

#define FLUSH_ACTION()                                                        \
  G_STMT_START {                                                              \
    if (action != NULL)                                                       \
      {                                                                       \
        char *text_ = strip_markup (action->str, action->len);                \
        g_string_free (action, TRUE);                                         \
        action = NULL;                                                        \
        if (*text_ != '\0')                                                   \
          fountain_emit (elements, para_start, HEYAI_ELEMENT_ACTION, text_,   \
                         action_line, action_starts);                         \
        else                                                                  \
          g_free (text_);                                                     \
      }                                                                       \
    EMIT_NOTES ();                                                            \
  } G_STMT_END

  while (i < n)
    {
      const VLine *v = vline_at (&f, i);
      const char *p = vline_text (&f, v);
      const char *t = p;
      gsize tlen = v->len;
      gboolean next_blank = (i + 1 >= n) || vline_at (&f, i + 1)->blank;
      char *text = NULL;
      gboolean dual = FALSE;

      DUE_NOTES (v->orig);

      if (v->blank)
        {
          FLUSH_ACTION ();
          prev_blank = TRUE;
          i++;
          continue;
        }

      trim_span (&t, &tlen);

      if (tlen >= 3 && strspn (t, "=") >= 3 && strspn (t, "=") == tlen)
        {
          /* page break */
          FLUSH_ACTION ();
        }
      else if (t[0] == '#' || t[0] == '=')
        {
          /* section or synopsis: outline only */
          FLUSH_ACTION ();
        }
      else if (prev_blank && (text = fountain_heading (t, tlen)) != NULL)
        {
          FLUSH_ACTION ();
          fountain_emit (elements, para_start, HEYAI_ELEMENT_SCENE_HEADING, text, v->orig, FALSE);
        }
      else if (t[0] == '>' && tlen >= 2 && t[tlen - 1] == '<')
        {
          FLUSH_ACTION ();
          text = strip_markup (t + 1, tlen - 2);
          fountain_emit (elements, para_start, HEYAI_ELEMENT_CENTERED, text, v->orig, FALSE);
        }
      else if (t[0] == '>')
        {
          FLUSH_ACTION ();
          text = strip_markup (t + 1, tlen - 1);
          fountain_emit (elements, para_start, HEYAI_ELEMENT_TRANSITION, text, v->orig, FALSE);
        }
      else if (prev_blank && next_blank && fountain_is_transition (t, tlen))
        {
          FLUSH_ACTION ();
          text = strip_markup (t, tlen);
          fountain_emit (elements, para_start, HEYAI_ELEMENT_TRANSITION, text, v->orig, FALSE);
        }
      else if (prev_blank && !next_blank && fountain_character (t, tlen, &text, &dual))
        {
          GString *dialogue = NULL;
          guint dialogue_line = 0;

          FLUSH_ACTION ();
          fountain_emit (elements, para_start, HEYAI_ELEMENT_CHARACTER, text, v->orig, FALSE);
          ((HeyaiScriptElement *) g_ptr_array_index (elements, elements->len - 1))->dual = dual;

          for (i = i + 1; i < n; i++)
            {
              const VLine *d = vline_at (&f, i);
              const char *dp = vline_text (&f, d);
              gsize dlen = d->len;

              /* exactly two spaces: an intentional empty line in dialogue */
              if (d->blank && !(d->len == 2 && dp[0] == ' ' && dp[1] == ' '))
                break;

              DUE_NOTES (d->orig);

              trim_span (&dp, &dlen);
              if (dlen >= 2 && dp[0] == '(' && dp[dlen - 1] == ')')
                {
                  if (dialogue != NULL)
                    {
                      fountain_emit (elements, para_start, HEYAI_ELEMENT_DIALOGUE,
                                     strip_markup (dialogue->str, dialogue->len),
                                     dialogue_line, FALSE);
                      g_string_free (dialogue, TRUE);
                      dialogue = NULL;
                    }
                  fountain_emit (elements, para_start, HEYAI_ELEMENT_PARENTHETICAL,
                                 strip_markup (dp, dlen), d->orig, FALSE);
                }
              else
                {
                  if (dialogue == NULL)
                    {
                      dialogue = g_string_new (NULL);
                      dialogue_line = d->orig;
                    }
                  else
                    g_string_append_c (dialogue, '\n');
                  g_string_append_len (dialogue, dp, dlen);
                }
            }

          if (dialogue != NULL)
            {
              fountain_emit (elements, para_start, HEYAI_ELEMENT_DIALOGUE,
                             strip_markup (dialogue->str, dialogue->len),
                             dialogue_line, FALSE);
              g_string_free (dialogue, TRUE);
            }

          prev_blank = FALSE;
          continue;   /* i already points after the dialogue */
        }
      else
        {
          /* action: forced with '!', lyrics with '~' */
          if (t[0] == '!' || t[0] == '~')
            {
              t++;
              tlen--;
            }

          if (action == NULL)
            {
              action = g_string_new (NULL);
              action_line = v->orig;
              action_starts = prev_blank;
            }
          else
            g_string_append_c (action, '\n');
          g_string_append_len (action, t, tlen);
        }

      prev_blank = FALSE;
      i++;
    }

  FLUSH_ACTION ();
  note_due = f.notes->len;
  EMIT_NOTES ();

#undef FLUSH_ACTION
#undef DUE_NOTES
#undef EMIT_NOTES

  g_string_free (f.clean, TRUE);
  g_array_unref (f.vlines);
  g_array_unref (f.notes);

  /* No title page: the first title card that names something. */
  if (script->title == NULL)
    for (guint k = 0; k < elements->len; k++)
      {
        const HeyaiScriptElement *element = g_ptr_array_index (elements, k);

        if (element->type == HEYAI_ELEMENT_CENTERED && !is_card_direction (element->text))
          {
            script->title = g_strdup (element->text);
            break;
          }
      }

  build_scenes (script, src, elements, para_start);
}

/* A character cue line as a trailer writes one: a short all-capitals line
 * ("AMARA", "NARRATOR (V.O.)", "MAN #2") that is not a transition. */
static gboolean
looks_like_cue (const char *p,
                gsize       len)
{
  const char *paren;
  gsize name_len;

  trim_span (&p, &len);
  if (len == 0 || len > 48 || p[len - 1] == ':' || p[len - 1] == '.' || p[len - 1] == '!' ||
      p[len - 1] == '?')
    return FALSE;
  if (p[0] == '@' && len > 1)
    return TRUE;
  paren = memchr (p, '(', len);
  name_len = paren != NULL ? (gsize) (paren - p) : len;
  return name_len > 0 && is_all_caps (p, name_len) && count_words_len (p, name_len, NULL) <= 4;
}

/* Clear Fountain markers in a text without headings or title page: a
 * centered card ("> BLACK SCREEN <"), a note ([[...]]), a boneyard comment,
 * a page break ("==="), a forced cue ("@Amara"), or at least two character
 * cues followed by dialogue (an all-capitals line after a blank line, then
 * a line with lower-case text or a parenthetical). */
static gboolean
has_fountain_markers (const Source *src)
{
  gboolean prev_blank = TRUE;
  gboolean first_text = TRUE;
  guint cues = 0;
  guint i;

  for (i = 0; i < src->lines->len; i++)
    {
      const Line *l = line_at (src, i);
      const char *t = src->text + l->start;
      gsize tlen = l->len;

      trim_span (&t, &tlen);
      if (tlen == 0)
        {
          prev_blank = TRUE;
          continue;
        }

      if (t[0] == '>' && tlen >= 3 && t[tlen - 1] == '<')
        return TRUE;
      if (g_strstr_len (t, (gssize) tlen, "[[") != NULL && g_strstr_len (t, (gssize) tlen, "]]") != NULL)
        return TRUE;
      if (tlen >= 2 && t[0] == '/' && t[1] == '*')
        return TRUE;
      if (tlen >= 3 && strspn (t, "=") == tlen)
        return TRUE;
      if (prev_blank && t[0] == '@' && tlen > 1 && g_unichar_isalpha (char_at (t + 1)))
        return TRUE;

      if (prev_blank && !first_text && i + 1 < src->lines->len && looks_like_cue (t, tlen))
        {
          const Line *n = line_at (src, i + 1);
          const char *d = src->text + n->start;
          gsize dlen = n->len;

          trim_span (&d, &dlen);
          if (dlen > 0 && (d[0] == '(' || !is_all_caps (d, dlen)) && ++cues >= 2)
            return TRUE;
        }

      first_text = FALSE;
      prev_blank = FALSE;
    }

  return FALSE;
}

/* Fountain when the text has a title page or a scene heading after a blank
 * line (or at the top). */
static gboolean
looks_like_fountain (const Source *src)
{
  gboolean prev_blank = TRUE;
  guint i;

  for (i = 0; i < src->lines->len; i++)
    {
      const Line *l = line_at (src, i);
      const char *p = src->text + l->start;
      gsize len = l->len;

      if (is_blank (p, len))
        {
          prev_blank = TRUE;
          continue;
        }

      if (prev_blank)
        {
          g_autofree char *heading = NULL;
          const char *t = p;
          gsize tlen = len;

          trim_span (&t, &tlen);
          /* a forced heading counts only in capitals (".FLASHBACK"), so a
           * prose line such as ".5 seconds later" does not */
          if ((heading = fountain_heading (t, tlen)) != NULL &&
              (t[0] != '.' || is_all_caps (t, tlen)))
            return TRUE;
        }

      prev_blank = FALSE;
    }

  /* a title page at the top */
  for (i = 0; i < src->lines->len; i++)
    {
      const Line *l = line_at (src, i);
      g_autofree char *key = NULL;
      const char *value;
      gsize value_len;

      if (is_blank (src->text + l->start, l->len))
        continue;

      if (parse_key_line (src->text + l->start, l->len, &key, &value, &value_len) &&
          is_known_title_key (key))
        return TRUE;
      break;
    }

  return has_fountain_markers (src);
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */

HeyaiScript *
heyai_script_parse (const char  *text,
                    gssize       length,
                    GError     **error)
{
  g_autoptr(HeyaiScript) script = NULL;
  const char *bad = NULL;
  const char *nul;
  Source src = { NULL, 0, NULL };
  gsize len;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    len = strnlen (text, (gsize) HEYAI_SCRIPT_MAX_BYTES + 1);
  else
    len = (gsize) length;

  if (len > HEYAI_SCRIPT_MAX_BYTES)
    {
      /* sizes in binary megabytes, which is what file managers show as MB */
      double limit = HEYAI_SCRIPT_MAX_BYTES / (1024.0 * 1024.0);

      if (length < 0)
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                     _("The script is larger than the limit of %.1f MB. Split it into shorter scripts and try again."),
                     limit);
      else
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                     _("The script is too large (%.1f MB; the limit is %.1f MB). Split it into shorter scripts and try again."),
                     len / (1024.0 * 1024.0), limit);
      return NULL;
    }

  /* UTF-16 (Notepad's "Unicode") is full of NUL bytes: say what it is */
  if (len >= 2 && (((guchar) text[0] == 0xFF && (guchar) text[1] == 0xFE) ||
                   ((guchar) text[0] == 0xFE && (guchar) text[1] == 0xFF)))
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                           _("The script is saved as UTF-16 text. Save it as UTF-8 and try again."));
      return NULL;
    }

  if (len > 0 && (nul = memchr (text, '\0', len)) != NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The file looks like a binary file, not a script (it contains a NUL byte at offset %lu). Open a plain text or Fountain file."),
                   (gulong) (nul - text));
      return NULL;
    }

  if (len > 0 && !g_utf8_validate_len (text, len, &bad))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The script is not valid UTF-8 text (first bad byte at offset %lu). Save it as UTF-8 and try again."),
                   (gulong) (bad - text));
      return NULL;
    }

  if (len == 0 || is_blank (text, len))
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                           _("The script is empty. Type or paste a script, or open a text or Fountain file."));
      return NULL;
    }

  src.text = text;
  src.length = len;
  if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    {
      src.text += 3;
      src.length -= 3;
    }
  split_lines (&src);

  script = g_new0 (HeyaiScript, 1);
  script->title_page = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (looks_like_fountain (&src))
    {
      script->format = HEYAI_SCRIPT_FORMAT_FOUNTAIN;
      parse_fountain (script, &src);
    }
  else
    {
      script->format = HEYAI_SCRIPT_FORMAT_PROSE;
      parse_prose (script, &src);
    }

  g_array_unref (src.lines);

  if (script->scenes->len == 0)
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                           _("The script has no scenes: it holds only a title, notes or comments. Add the story text and try again."));
      return NULL;
    }

  return g_steal_pointer (&script);
}

char *
heyai_script_scene_plain_text (const HeyaiScriptScene *scene)
{
  GString *out = g_string_new (NULL);
  const char *speaker = NULL;
  guint i;

  g_return_val_if_fail (scene != NULL, NULL);

#define NEW_PARAGRAPH() G_STMT_START { if (out->len > 0) g_string_append (out, "\n\n"); } G_STMT_END

  for (i = 0; i < scene->elements->len; i++)
    {
      const HeyaiScriptElement *element = g_ptr_array_index (scene->elements, i);

      switch (element->type)
        {
        case HEYAI_ELEMENT_NOTE:
          break;

        case HEYAI_ELEMENT_CHARACTER:
          speaker = element->text;
          break;

        case HEYAI_ELEMENT_PARENTHETICAL:
        case HEYAI_ELEMENT_DIALOGUE:
          if (speaker != NULL)
            {
              NEW_PARAGRAPH ();
              g_string_append_printf (out, "%s: ", speaker);
              speaker = NULL;
            }
          else
            g_string_append_c (out, ' ');
          g_string_append (out, element->text);
          break;

        case HEYAI_ELEMENT_ACTION:
        case HEYAI_ELEMENT_SCENE_HEADING:
        case HEYAI_ELEMENT_TRANSITION:
        case HEYAI_ELEMENT_CENTERED:
        default:
          speaker = NULL;
          NEW_PARAGRAPH ();
          g_string_append (out, element->text);
          break;
        }
    }

#undef NEW_PARAGRAPH

  return g_string_free (out, FALSE);
}

double
heyai_script_estimate_seconds (const char *text)
{
  g_autoptr(HeyaiScript) script = NULL;

  if (text == NULL || *text == '\0')
    return 0.0;

  script = heyai_script_parse (text, -1, NULL);
  if (script != NULL)
    return script->seconds;

  return heyai_script_count_words (text) / ACTION_WORDS_PER_SECOND;
}
