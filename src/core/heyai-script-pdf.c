/* heyai-script-pdf.c: screenplay PDF to Fountain.
 *
 * Poppler gives the text of each page with a rectangle per character.  The
 * lines are rebuilt (words with their x positions) and typed from the
 * industry layout, measured from the page's action margin (the left edge
 * most lines start at) in inches, so US letter and A4 read alike:
 *
 *   action, scene headings     ~0"     (headings by their INT./EXT. words)
 *   dialogue                   ~1.0"   (0.5" to 1.4")
 *   parentheticals             ~1.5"   (a line opening with "(")
 *   character cues             ~2.0"+  (capitals, 1.4" to 3.4")
 *   transitions                flush right, or far right in capitals ("CUT TO:")
 *   centered cards             a short line centred on the page
 *
 * Removed: page numbers and running headers/footers (short lines in the top
 * and bottom margins), "(MORE)", "(CONTINUED)", "CONTINUED:", "(CONT'D)" in
 * cues, scene numbers in the margins ("12", "12A" left or right of a
 * heading) and revision marks ("*" beyond the text's right edge).
 * Paragraphs are split at vertical gaps larger than a line and a half.
 * Dual dialogue (two columns) is not separated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-script-pdf"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <poppler.h>
#include <string.h>

#include "heyai-error.h"
#include "heyai-script-import-private.h"

#define POINTS_PER_INCH 72.0

typedef struct
{
  char   *text;
  double  x0, x1;
} Word;

typedef struct
{
  GArray *words;     /* Word */
  double  y0, y1;    /* top and bottom, points from the page top */
  double  x0, x1;    /* after margin marks are removed */
  double  page_width;
  double  page_height;
  int     page;
  char   *text;      /* words joined */
} PdfLine;

static void
word_clear (gpointer data)
{
  Word *w = data;
  g_free (w->text);
}

static void
pdf_line_free (gpointer data)
{
  PdfLine *line = data;
  g_array_unref (line->words);
  g_free (line->text);
  g_free (line);
}

static int
compare_line_y (gconstpointer a,
                gconstpointer b)
{
  const PdfLine *la = *(PdfLine *const *) a;
  const PdfLine *lb = *(PdfLine *const *) b;
  double ya = (la->y0 + la->y1) / 2.0, yb = (lb->y0 + lb->y1) / 2.0;

  if (ya != yb)
    return ya < yb ? -1 : 1;
  return la->words->len > 0 && lb->words->len > 0 &&
         g_array_index (la->words, Word, 0).x0 < g_array_index (lb->words, Word, 0).x0 ? -1 : 1;
}

static int
compare_word_x (gconstpointer a,
                gconstpointer b)
{
  const Word *wa = a, *wb = b;
  return wa->x0 < wb->x0 ? -1 : wa->x0 > wb->x0 ? 1 : 0;
}

/* Poppler gives text in reading order, which may put an indented block
 * (a cue, a scene number in the margin) apart from its neighbours: put the
 * page's lines back in top-to-bottom order and join the pieces that share
 * a baseline, left to right. */
static void
order_page_lines (GPtrArray *page,
                  GPtrArray *lines)
{
  PdfLine *current = NULL;

  g_ptr_array_sort (page, compare_line_y);
  for (guint i = 0; i < page->len; i++)
    {
      PdfLine *line = g_ptr_array_index (page, i);
      double height = MAX (line->y1 - line->y0, 4.0);

      if (current != NULL &&
          ABS ((line->y0 + line->y1) / 2.0 - (current->y0 + current->y1) / 2.0) < 0.4 * height)
        {
          for (guint j = 0; j < line->words->len; j++)
            {
              Word *w = &g_array_index (line->words, Word, j);
              Word copy = { g_steal_pointer (&w->text), w->x0, w->x1 };
              g_array_append_val (current->words, copy);
            }
          current->y0 = MIN (current->y0, line->y0);
          current->y1 = MAX (current->y1, line->y1);
          pdf_line_free (line);
          continue;
        }
      if (current != NULL)
        g_array_sort (current->words, compare_word_x);
      current = line;
      g_ptr_array_add (lines, line);
    }
  if (current != NULL)
    g_array_sort (current->words, compare_word_x);
}

/* Splits the page text into lines of words with positions. */
static void
page_lines (PopplerPage *page,
            int          page_index,
            GPtrArray   *all_lines)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autofree char *text = poppler_page_get_text (page);
  PopplerRectangle *rects = NULL;
  guint n_rects = 0;
  double width, height;
  const char *p;
  guint ci = 0;
  PdfLine *line = NULL;
  GString *word = g_string_new (NULL);
  double wx0 = 0, wx1 = 0, wy0 = 0, wy1 = 0;

  poppler_page_get_size (page, &width, &height);
  if (text == NULL || !poppler_page_get_text_layout (page, &rects, &n_rects))
    {
      g_string_free (word, TRUE);
      return;
    }

#define FLUSH_WORD()                                                        \
  G_STMT_START {                                                            \
    if (word->len > 0)                                                      \
      {                                                                     \
        Word w = { g_strdup (word->str), wx0, wx1 };                        \
        if (line == NULL)                                                   \
          {                                                                 \
            line = g_new0 (PdfLine, 1);                                     \
            line->words = g_array_new (FALSE, FALSE, sizeof (Word));        \
            g_array_set_clear_func (line->words, word_clear);               \
            line->y0 = wy0;                                                 \
            line->y1 = wy1;                                                 \
            line->page_width = width;                                       \
            line->page_height = height;                                     \
            line->page = page_index;                                        \
          }                                                                 \
        line->y0 = MIN (line->y0, wy0);                                     \
        line->y1 = MAX (line->y1, wy1);                                     \
        g_array_append_val (line->words, w);                                \
        g_string_truncate (word, 0);                                        \
      }                                                                     \
  } G_STMT_END

  for (p = text; *p != '\0' && ci < n_rects; p = g_utf8_next_char (p), ci++)
    {
      gunichar c = g_utf8_get_char (p);
      PopplerRectangle *r = &rects[ci];

      if (c == '\n')
        {
          FLUSH_WORD ();
          if (line != NULL)
            g_ptr_array_add (lines, line);
          line = NULL;
          continue;
        }
      if (g_unichar_isspace (c))
        {
          FLUSH_WORD ();
          continue;
        }
      if (word->len == 0)
        {
          wx0 = r->x1 > r->x2 ? r->x2 : r->x1;
          wy0 = MIN (r->y1, r->y2);
          wy1 = MAX (r->y1, r->y2);
        }
      wx1 = MAX (r->x1, r->x2);
      wy0 = MIN (wy0, MIN (r->y1, r->y2));
      wy1 = MAX (wy1, MAX (r->y1, r->y2));
      g_string_append_unichar (word, c);
    }
  FLUSH_WORD ();
  if (line != NULL)
    g_ptr_array_add (lines, line);

#undef FLUSH_WORD

  g_free (rects);
  g_string_free (word, TRUE);
  order_page_lines (lines, all_lines);
}

static gboolean
is_scene_number (const char *w)
{
  gsize i = 0;
  gsize n = strlen (w);

  while (i < n && g_ascii_isdigit (w[i]))
    i++;
  if (i == 0 || i > 4)
    return FALSE;
  while (i < n && g_ascii_isupper (w[i]) && i < 6)
    i++;
  if (i < n && w[i] == '.')
    i++;
  return i == n;
}

static gboolean
is_all_caps (const char *text)
{
  gboolean letter = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_islower (c))
        return FALSE;
      if (g_unichar_isalpha (c))
        letter = TRUE;
    }
  return letter;
}

static gboolean
is_heading_text (const char *text)
{
  static const char *const prefixes[] = { "INT.", "EXT.", "INT ", "EXT ", "INT/", "EXT/",
                                          "I/E", "I./E.", "EST.", "E/I" };
  g_autofree char *upper = g_utf8_strup (text, -1);

  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (upper, prefixes[i]))
      return is_all_caps (text);
  return FALSE;
}

/* Joins the words of @line from @first to @last (inclusive) with spaces. */
static char *
join_words (PdfLine *line,
            guint    first,
            guint    last)
{
  GString *out = g_string_new (NULL);

  for (guint i = first; i <= last && i < line->words->len; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, g_array_index (line->words, Word, i).text);
    }
  return g_string_free (out, FALSE);
}

static char *strip_contd (const char *cue);

/* The words of @line left of @x and from @x on, each joined with spaces
 * (either may be empty). */
static void
split_at (PdfLine  *line,
          double    x,
          GString  *left,
          GString  *right)
{
  for (guint i = 0; i < line->words->len; i++)
    {
      Word *w = &g_array_index (line->words, Word, i);
      GString *side = w->x0 < x ? left : right;

      if (side->len > 0)
        g_string_append_c (side, ' ');
      g_string_append (side, w->text);
    }
}

/* Two cues side by side (dual dialogue): the widest gap between words is
 * more than an inch and both sides are capitals.  Sets the column split. */
static gboolean
is_dual_cue (PdfLine *line,
             double   margin,
             double  *split)
{
  double widest = 0;
  guint at = 0;

  if (line->words->len < 2)
    return FALSE;
  for (guint i = 1; i < line->words->len; i++)
    {
      double gap = g_array_index (line->words, Word, i).x0 - g_array_index (line->words, Word, i - 1).x1;
      if (gap > widest)
        {
          widest = gap;
          at = i;
        }
    }
  if (widest < 1.0 * POINTS_PER_INCH || (line->x0 - margin) / POINTS_PER_INCH < 0.5)
    return FALSE;

  {
    g_autofree char *left = join_words (line, 0, at - 1);
    g_autofree char *right = join_words (line, at, line->words->len - 1);

    if (!is_all_caps (left) || !is_all_caps (right))
      return FALSE;
  }
  *split = (g_array_index (line->words, Word, at - 1).x1 + g_array_index (line->words, Word, at).x0) / 2.0;
  return TRUE;
}

/* Writes one side of a dual-dialogue block: the cue, then parentheticals
 * and dialogue. */
static void
write_dual_side (FountainWriter *writer,
                 const char     *cue,
                 GPtrArray      *side_lines,
                 gboolean        dual)
{
  g_autoptr(GString) speech = g_string_new (NULL);
  gboolean paren = FALSE;
  g_autofree char *clean_cue = strip_contd (cue);

  heyai_fountain_writer_add (writer, FOUNTAIN_OUT_CHARACTER, clean_cue, dual);
  for (guint i = 0; i < side_lines->len; i++)
    {
      const char *text = g_ptr_array_index (side_lines, i);
      gboolean opens = text[0] == '(';

      if (*text == '\0')
        continue;
      if ((opens && !paren) || (!opens && paren && g_str_has_suffix (speech->str, ")")))
        {
          if (speech->len > 0)
            heyai_fountain_writer_add (writer, paren ? FOUNTAIN_OUT_PARENTHETICAL : FOUNTAIN_OUT_DIALOGUE,
                                       speech->str, FALSE);
          g_string_truncate (speech, 0);
          paren = opens;
        }
      if (speech->len > 0)
        g_string_append_c (speech, ' ');
      g_string_append (speech, text);
    }
  if (speech->len > 0)
    heyai_fountain_writer_add (writer, paren ? FOUNTAIN_OUT_PARENTHETICAL : FOUNTAIN_OUT_DIALOGUE,
                               speech->str, FALSE);
}

/* The most common left edge of the page's lines (the action margin), to
 * the nearest 0.1 inch. */
static double
action_margin (GPtrArray *lines)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_direct_hash, g_direct_equal);
  int best = 0;
  guint best_count = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      PdfLine *line = g_ptr_array_index (lines, i);
      int bucket = (int) (line->x0 / POINTS_PER_INCH * 10.0 + 0.5);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GINT_TO_POINTER (bucket))) + 1;

      g_hash_table_insert (counts, GINT_TO_POINTER (bucket), GUINT_TO_POINTER (count));
      /* prefer the leftmost of equally common edges */
      if (count > best_count || (count == best_count && bucket < best))
        {
          best = bucket;
          best_count = count;
        }
    }
  return best / 10.0 * POINTS_PER_INCH;
}

typedef enum
{
  KIND_SKIP,
  KIND_HEADING,
  KIND_ACTION,
  KIND_CHARACTER,
  KIND_PARENTHETICAL,
  KIND_DIALOGUE,
  KIND_TRANSITION,
  KIND_CENTERED,
} Kind;

static FountainOut
kind_out (Kind kind)
{
  switch (kind)
    {
    case KIND_HEADING:       return FOUNTAIN_OUT_HEADING;
    case KIND_CHARACTER:     return FOUNTAIN_OUT_CHARACTER;
    case KIND_PARENTHETICAL: return FOUNTAIN_OUT_PARENTHETICAL;
    case KIND_DIALOGUE:      return FOUNTAIN_OUT_DIALOGUE;
    case KIND_TRANSITION:    return FOUNTAIN_OUT_TRANSITION;
    case KIND_CENTERED:      return FOUNTAIN_OUT_CENTERED;
    case KIND_ACTION:
    case KIND_SKIP:
    default:                 return FOUNTAIN_OUT_ACTION;
    }
}

/* Removes "(CONT'D)" / "(CONT’D)" / "(CONTINUING)" from a cue. */
static char *
strip_contd (const char *cue)
{
  static const char *const marks[] = { "(CONT'D)", "(CONT\xe2\x80\x99" "D)", "(CONT.)", "(CONTINUING)", "(CONTD)" };
  g_autofree char *upper = g_utf8_strup (cue, -1);
  GString *out = g_string_new (cue);

  for (gsize i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      const char *hit = strstr (upper, marks[i]);
      if (hit != NULL && strlen (upper) == strlen (cue))
        {
          gsize at = (gsize) (hit - upper);
          g_string_erase (out, (gssize) at, (gssize) strlen (marks[i]));
          break;
        }
    }
  {
    char *s = g_string_free (out, FALSE);
    char *collapsed;
    g_auto(GStrv) parts = g_strsplit (g_strstrip (s), " ", -1);
    g_autoptr(GString) joined = g_string_new (NULL);

    for (guint i = 0; parts[i] != NULL; i++)
      if (*parts[i] != '\0')
        {
          if (joined->len > 0)
            g_string_append_c (joined, ' ');
          g_string_append (joined, parts[i]);
        }
    collapsed = g_strdup (joined->str);
    g_free (s);
    return collapsed;
  }
}

static char *pdf_to_fountain (PopplerDocument *doc,
                              const char      *name,
                              GPtrArray       *notes,
                              GError         **error);

char *
heyai_script_pdf_to_fountain (GBytes      *bytes,
                              const char  *name,
                              GPtrArray   *notes,
                              GError     **error)
{
  g_autoptr(GError) pdf_error = NULL;
  PopplerDocument *doc;
  char *fountain;

  doc = poppler_document_new_from_bytes (bytes, NULL, &pdf_error);
  if (doc == NULL)
    {
      if (g_error_matches (pdf_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                     _("“%s” is a password-protected PDF. Save an unprotected copy and try again."), name);
      else
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                     _("“%s” is a damaged PDF: %s"), name, pdf_error->message);
      return NULL;
    }

  fountain = pdf_to_fountain (doc, name, notes, error);
  g_object_unref (doc);
  return fountain;
}

static char *
pdf_to_fountain (PopplerDocument *doc,
                 const char      *name,
                 GPtrArray       *notes,
                 GError         **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (pdf_line_free);
  FountainWriter writer;
  double margin, right_edge = 0;
  int n_pages;
  guint n_removed = 0;
  guint n_numbers = 0;
  Kind prev_kind = KIND_SKIP;
  GString *para = NULL;
  Kind para_kind = KIND_SKIP;
  double prev_y1 = 0;
  int prev_page = -1;
  guint title_page_lines = 0;
  guint n_dual = 0;
  g_autofree char *last_cue = NULL;
  g_autoptr(GPtrArray) title_lines = g_ptr_array_new_with_free_func (g_free);

  n_pages = poppler_document_get_n_pages (doc);
  for (int i = 0; i < n_pages; i++)
    {
      PopplerPage *page = poppler_document_get_page (doc, i);
      if (page != NULL)
        {
          page_lines (page, i, lines);
          g_object_unref (page);
        }
    }

  if (lines->len == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” has no text to read: it looks like a scanned PDF (pictures of pages). Export the script as PDF from your screenwriting program, or as Final Draft or Fountain, and try again."),
                   name);
      return NULL;
    }

  /* First pass: drop running headers, footers and page numbers; compute
   * each line's left edge without margin marks. */
  for (guint i = 0; i < lines->len; i++)
    {
      PdfLine *line = g_ptr_array_index (lines, i);
      guint first = 0, last = line->words->len - 1;
      g_autofree char *all = join_words (line, 0, last);
      gboolean top = line->y1 < 0.85 * POINTS_PER_INCH;
      gboolean bottom = line->y0 > line->page_height - 0.7 * POINTS_PER_INCH;
      g_autofree char *upper = g_utf8_strup (all, -1);

      if (((top || bottom) && line->words->len <= 8) ||
          strcmp (upper, "(MORE)") == 0 || strcmp (upper, "(CONTINUED)") == 0 ||
          strcmp (upper, "CONTINUED:") == 0 || strcmp (upper, "CONTINUED") == 0 ||
          (g_str_has_prefix (upper, "CONTINUED:") && strstr (upper, "(") != NULL && line->words->len <= 3))
        {
          line->text = NULL;
          n_removed++;
          continue;
        }

      /* revision marks at the far right */
      while (last > first && strspn (g_array_index (line->words, Word, last).text, "*") ==
                             strlen (g_array_index (line->words, Word, last).text))
        last--;

      line->x0 = g_array_index (line->words, Word, first).x0;
      line->x1 = g_array_index (line->words, Word, last).x1;
      line->text = join_words (line, first, last);
      /* keep the word range in the array: drop the rest */
      if (last + 1 < line->words->len)
        g_array_remove_range (line->words, last + 1, line->words->len - last - 1);
    }

  /* the page's text area, from the lines that are left */
  {
    g_autoptr(GPtrArray) kept = g_ptr_array_new ();
    for (guint i = 0; i < lines->len; i++)
      {
        PdfLine *line = g_ptr_array_index (lines, i);
        if (line->text != NULL)
          g_ptr_array_add (kept, line);
      }
    if (kept->len == 0)
      {
        g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                     _("“%s” has no screenplay text: only page numbers or headers."), name);
        return NULL;
      }
    margin = action_margin (kept);
  }

  /* scene numbers: a number left of the action margin, or right of the
   * text, on a heading line */
  for (guint i = 0; i < lines->len; i++)
    {
      PdfLine *line = g_ptr_array_index (lines, i);
      guint n = line->words->len;

      if (line->text == NULL)
        continue;
      if (n >= 2 && is_scene_number (g_array_index (line->words, Word, 0).text) &&
          g_array_index (line->words, Word, 0).x1 < margin + 0.05 * POINTS_PER_INCH)
        {
          g_array_remove_index (line->words, 0);
          n--;
          n_numbers++;
        }
      if (n >= 2 && is_scene_number (g_array_index (line->words, Word, n - 1).text))
        {
          g_autofree char *rest = join_words (line, 0, n - 2);
          if (is_heading_text (rest))
            {
              g_array_remove_index (line->words, n - 1);
              n--;
            }
        }
      g_free (line->text);
      line->text = join_words (line, 0, n - 1);
      line->x0 = g_array_index (line->words, Word, 0).x0;
      line->x1 = g_array_index (line->words, Word, n - 1).x1;
      if (line->x0 >= margin - 0.2 * POINTS_PER_INCH)
        right_edge = MAX (right_edge, line->x1);
    }

  /* the title page: a first page (of several) without a heading, whose
   * first line is centred well below the top (the title), however its
   * contact lines at the bottom are set */
  if (n_pages > 1)
    {
      guint on_first = 0;
      gboolean heading = FALSE;
      PdfLine *first = NULL;

      for (guint i = 0; i < lines->len; i++)
        {
          PdfLine *line = g_ptr_array_index (lines, i);
          if (line->page != 0 || line->text == NULL)
            continue;
          if (first == NULL)
            first = line;
          on_first++;
          if (is_heading_text (line->text))
            heading = TRUE;
        }
      if (!heading && first != NULL && on_first <= 20 && first->y0 >= 2.0 * POINTS_PER_INCH &&
          ABS ((first->x0 + first->x1) / 2.0 - first->page_width / 2.0) <= 0.6 * POINTS_PER_INCH)
        title_page_lines = on_first;
    }

  heyai_fountain_writer_init (&writer);

  for (guint i = 0; i < lines->len; i++)
    {
      PdfLine *line = g_ptr_array_index (lines, i);
      double indent, centre, line_height;
      gboolean centred, next_dialogue;
      Kind kind;
      gboolean new_para;

      if (line->text == NULL || *line->text == '\0')
        continue;

      indent = (line->x0 - margin) / POINTS_PER_INCH;
      centre = (line->x0 + line->x1) / 2.0;
      line_height = MAX (line->y1 - line->y0, 8.0);
      centred = ABS (centre - line->page_width / 2.0) <= 0.25 * POINTS_PER_INCH;

      /* the next line, when it follows closely and is indented as dialogue */
      next_dialogue = FALSE;
      for (guint j = i + 1; j < lines->len; j++)
        {
          PdfLine *next = g_ptr_array_index (lines, j);
          double next_indent;

          if (next->text == NULL || *next->text == '\0')
            continue;
          next_indent = (next->x0 - margin) / POINTS_PER_INCH;
          /* on the same page just below, or at the top of the next one */
          next_dialogue = ((next->page == line->page && next->y0 - line->y1 < 0.9 * line_height) ||
                           next->page == line->page + 1) &&
                          next_indent >= 0.5 &&
                          (next_indent < 1.4 || (next->text[0] == '(' && next_indent < 2.3));
          break;
        }

      if (title_page_lines > 0 && line->page == 0)
        {
          g_ptr_array_add (title_lines, g_strdup (line->text));
          continue;
        }

      /* dual dialogue: two columns under two cues, to the next gap */
      {
        double split;

        if (is_dual_cue (line, margin, &split))
          {
            g_autoptr(GString) left_cue = g_string_new (NULL);
            g_autoptr(GString) right_cue = g_string_new (NULL);
            g_autoptr(GPtrArray) left = g_ptr_array_new_with_free_func (g_free);
            g_autoptr(GPtrArray) right = g_ptr_array_new_with_free_func (g_free);
            PdfLine *prev = line;
            guint j;

            split_at (line, split, left_cue, right_cue);
            for (j = i + 1; j < lines->len; j++)
              {
                PdfLine *next = g_ptr_array_index (lines, j);
                GString *l, *r;

                if (next->text == NULL || *next->text == '\0')
                  continue;
                if (next->page != prev->page || next->y0 - prev->y1 > 0.9 * line_height)
                  break;
                l = g_string_new (NULL);
                r = g_string_new (NULL);
                split_at (next, split, l, r);
                g_ptr_array_add (left, g_string_free (l, FALSE));
                g_ptr_array_add (right, g_string_free (r, FALSE));
                prev = next;
              }

            if (para != NULL)
              {
                heyai_fountain_writer_add (&writer, kind_out (para_kind), para->str, FALSE);
                g_string_free (para, TRUE);
                para = NULL;
              }
            write_dual_side (&writer, left_cue->str, left, FALSE);
            write_dual_side (&writer, right_cue->str, right, TRUE);
            n_dual++;
            para_kind = KIND_SKIP;
            prev_kind = KIND_DIALOGUE;
            prev_y1 = prev->y1;
            prev_page = prev->page;
            i = j - 1;
            continue;
          }
      }

      if (indent < 0.35 && is_heading_text (line->text))
        kind = KIND_HEADING;
      else if (indent < 0.35 && is_all_caps (line->text) && g_str_has_suffix (line->text, ":") &&
               (g_str_has_prefix (line->text, "FADE") || g_str_has_suffix (line->text, " TO:")))
        kind = KIND_TRANSITION;   /* "FADE IN:" at the left margin */
      else if (indent < 0.35)
        kind = KIND_ACTION;
      else if (line->text[0] == '(' && indent >= 0.5 && indent < 2.3 &&
               (prev_kind == KIND_CHARACTER || prev_kind == KIND_DIALOGUE || prev_kind == KIND_PARENTHETICAL))
        kind = KIND_PARENTHETICAL;
      else if (para_kind == KIND_PARENTHETICAL && !g_str_has_suffix (para->str, ")") &&
               indent >= 0.5 && indent < 2.3)
        kind = KIND_PARENTHETICAL;
      else if (is_all_caps (line->text) && indent >= 1.4 && indent < 3.6 && next_dialogue)
        kind = KIND_CHARACTER;
      else if (is_all_caps (line->text) && indent >= 3.0 && right_edge - line->x1 < 0.3 * POINTS_PER_INCH)
        kind = KIND_TRANSITION;
      else if (centred && indent >= 1.5)
        kind = KIND_CENTERED;
      else if (is_all_caps (line->text) && indent >= 1.4 && indent < 3.6)
        kind = KIND_CHARACTER;
      else if (indent >= 0.5 && indent < 2.3)
        kind = KIND_DIALOGUE;
      else if (indent >= 3.0)
        kind = KIND_TRANSITION;
      else
        kind = KIND_ACTION;

      /* "AMARA (CONT'D)" at the top of a page, after "(MORE)": the same
       * speech goes on */
      if (kind == KIND_CHARACTER && para != NULL && para_kind == KIND_DIALOGUE &&
          line->page != prev_page && last_cue != NULL)
        {
          g_autofree char *cue = strip_contd (line->text);
          if (strcmp (cue, line->text) != 0 && strcmp (cue, last_cue) == 0)
            {
              prev_page = line->page;
              prev_kind = KIND_DIALOGUE;
              continue;
            }
        }
      if (kind == KIND_CHARACTER)
        {
          g_free (last_cue);
          last_cue = strip_contd (line->text);
        }

      /* a paragraph continues while the kind is the same and the lines are
       * close (a page break continues dialogue and action) */
      new_para = para == NULL || kind != para_kind || kind == KIND_HEADING || kind == KIND_CHARACTER ||
                 kind == KIND_TRANSITION ||
                 (line->page == prev_page && line->y0 - prev_y1 > 0.9 * line_height);
      if (kind == KIND_PARENTHETICAL && para_kind == KIND_PARENTHETICAL &&
          !g_str_has_suffix (para->str, ")"))
        new_para = FALSE;
      /* a centered card line by line: "BLACK SCREEN" / "THIS WINTER" are two cards */
      if (kind == KIND_CENTERED)
        new_para = TRUE;

      if (new_para)
        {
          if (para != NULL)
            {
              heyai_fountain_writer_add (&writer, kind_out (para_kind), para->str, FALSE);
              g_string_free (para, TRUE);
            }
          para = g_string_new (NULL);
          para_kind = kind;
          if (kind == KIND_CHARACTER)
            {
              g_autofree char *cue = strip_contd (line->text);
              g_string_append (para, cue);
            }
          else
            g_string_append (para, line->text);
        }
      else
        {
          g_string_append_c (para, ' ');
          g_string_append (para, line->text);
        }

      prev_kind = kind;
      prev_y1 = line->y1;
      prev_page = line->page;
    }

  if (para != NULL)
    {
      heyai_fountain_writer_add (&writer, kind_out (para_kind), para->str, FALSE);
      g_string_free (para, TRUE);
    }

  if (title_lines->len > 0)
    heyai_fountain_writer_title_lines (&writer, title_lines);
  else
    {
      /* the document's own title, unless it is a program's placeholder
       * ("Microsoft Word - draft3.docx", "Untitled") */
      g_autofree char *title = poppler_document_get_title (doc);
      g_autofree char *lower = title != NULL ? g_utf8_strdown (g_strstrip (title), -1) : NULL;

      if (lower != NULL && *lower != '\0' && strstr (lower, "microsoft") == NULL &&
          strstr (lower, "untitled") == NULL && strstr (lower, ".doc") == NULL &&
          strstr (lower, ".pdf") == NULL && strstr (lower, ".fdx") == NULL &&
          strstr (lower, ".fountain") == NULL && strstr (lower, ".txt") == NULL)
        heyai_fountain_writer_title (&writer, "Title", title);
    }

  g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Read the text of %d PDF page by its layout.",
                                                        "Read the text of %d PDF pages by their layout.",
                                                        n_pages), n_pages));
  if (n_dual > 0)
    g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u dual-dialogue exchange kept as Fountain dual dialogue.",
                                                          "%u dual-dialogue exchanges kept as Fountain dual dialogue.",
                                                          n_dual), n_dual));
  if (n_removed > 0 || n_numbers > 0)
    g_ptr_array_add (notes, g_strdup (_("Page numbers, headers, (MORE)/(CONT’D) marks and scene numbers were left out.")));

  return heyai_fountain_writer_finish (&writer);
}
