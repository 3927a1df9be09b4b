/* heyai-script-import.c: script intake (format sniffing, text decoding,
 * conversion to Fountain, import notes).
 *
 * Order of the checks, content first and the file name second:
 *
 *   1. "%PDF-" in the first kilobyte: a PDF (heyai-script-pdf.c);
 *   2. a known binary signature (PNG, JPEG, ZIP/DOCX, ...) or NUL bytes that
 *      are not UTF-16: refused as "not a script", naming what it is;
 *   3. the text is decoded: UTF-8 (a BOM skipped), UTF-16 LE/BE (with a BOM,
 *      or without one when every other byte is NUL), else a legacy 8-bit
 *      encoding (Windows-1252 when it uses the 0x80-0x9F range, else
 *      Latin-1), which is said in a note; control characters that text
 *      never holds make it binary after all;
 *   4. "<FinalDraft" at the start of the XML: Final Draft (heyai-script-fdx.c);
 *      a file named .fdx or .pdf that is neither is refused;
 *   5. the text is parsed (heyai_script_parse) to make sure it has scenes, so
 *      a file of notes only is refused before anything is created.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-script-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>

#include "heyai-error.h"
#include "heyai-script.h"
#include "heyai-script-import.h"
#include "heyai-script-import-private.h"

void
heyai_script_import_free (HeyaiScriptImport *import)
{
  if (import == NULL)
    return;
  g_free (import->text);
  g_free (import->title);
  g_free (import->encoding);
  g_free (import->source_name);
  g_clear_pointer (&import->original, g_bytes_unref);
  g_clear_pointer (&import->notes, g_ptr_array_unref);
  g_free (import);
}

const char *
heyai_script_source_to_label (HeyaiScriptSource format)
{
  switch (format)
    {
    case HEYAI_SCRIPT_SOURCE_FOUNTAIN: return _("Fountain");
    case HEYAI_SCRIPT_SOURCE_FDX:      return _("Final Draft");
    case HEYAI_SCRIPT_SOURCE_PDF:      return _("PDF");
    case HEYAI_SCRIPT_SOURCE_TEXT:
    default:                           return _("plain text");
    }
}

char *
heyai_script_import_notes_text (const HeyaiScriptImport *import)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (import != NULL, NULL);

  for (guint i = 0; i < import->notes->len; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, g_ptr_array_index (import->notes, i));
    }
  return out->len > 0 ? g_strdup (out->str) : NULL;
}

#define NOTES_FILE "import-notes.txt"

gboolean
heyai_script_import_save_beside (const HeyaiScriptImport *import,
                                 const char              *folder,
                                 GError                 **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *notes = NULL;

  g_return_val_if_fail (import != NULL, FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  notes = heyai_script_import_notes_text (import);
  if (notes == NULL && import->format != HEYAI_SCRIPT_SOURCE_FDX &&
      import->format != HEYAI_SCRIPT_SOURCE_PDF)
    return TRUE;

  dir = g_build_filename (folder, "script", NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  if ((import->format == HEYAI_SCRIPT_SOURCE_FDX || import->format == HEYAI_SCRIPT_SOURCE_PDF) &&
      import->original != NULL)
    {
      g_autofree char *base = g_strdup (import->source_name != NULL ? import->source_name
                                        : import->format == HEYAI_SCRIPT_SOURCE_FDX ? "script.fdx" : "script.pdf");
      g_autofree char *path = NULL;
      gsize len = 0;
      const char *data = g_bytes_get_data (import->original, &len);

      g_strdelimit (base, "/\\", '_');
      path = g_build_filename (dir, base, NULL);
      if (!g_file_set_contents (path, data ? data : "", (gssize) len, error))
        return FALSE;
    }

  if (notes != NULL)
    {
      g_autofree char *path = g_build_filename (dir, NOTES_FILE, NULL);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < import->notes->len; i++)
        g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (import->notes, i));
      if (!g_file_set_contents (path, text->str, (gssize) text->len, error))
        return FALSE;
    }

  return TRUE;
}

char *
heyai_script_import_load_notes (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, "script", NOTES_FILE, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  g_strchomp (text);
  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

/* ------------------------------------------------------------------------ */
/* Titles                                                                    */

char *
heyai_script_title_from_filename (const char *name)
{
  g_autofree char *base = NULL;
  g_autofree char *display = NULL;
  g_autofree char *nfc = NULL;
  GString *out;
  char *dot;

  if (name == NULL || *name == '\0' || g_str_equal (name, "-"))
    return g_strdup (_("Untitled"));

  base = g_path_get_basename (name);
  dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  /* file names are bytes: show them as UTF-8 whatever they are, and
   * compose accents (macOS writes "u" + U+0301) */
  display = g_filename_display_name (base);
  nfc = g_utf8_normalize (display, -1, G_NORMALIZE_NFC);
  if (nfc == NULL)
    nfc = g_strdup (display);
  g_strdelimit (nfc, "-_", ' ');
  g_strstrip (nfc);
  if (*nfc == '\0')
    return g_strdup (_("Untitled"));

  out = g_string_new (NULL);
  g_string_append_unichar (out, g_unichar_totitle (g_utf8_get_char (nfc)));
  g_string_append (out, g_utf8_next_char (nfc));
  return g_string_free (out, FALSE);
}

static gboolean
is_small_word (const char *lower)
{
  static const char *const words[] = {
    "a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to",
    "vs", "via", "de", "del", "la", "las", "el", "los", "y", "e", "en", "con", "por", "al",
    "da", "do", "du", "des", "le", "les", "et", "un", "una",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (lower, words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Acronyms a heading writes without dots ("SNIPER SCOPE POV", "FBI
 * FIELD OFFICE") and Roman numerals; words that are also ordinary words
 * ("US", "OR", "IT") are left out. */
static gboolean
is_acronym (const char *lower)
{
  static const char *const words[] = {
    "pov", "tv", "fbi", "cia", "nsa", "nypd", "lapd", "er", "icu", "hq", "cctv", "dj", "vip",
    "usa", "uk", "nasa", "ufo", "atm", "suv", "bbc", "cnn", "dmv", "ops", "swat", "dea", "mri",
    "ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii",
  };
  g_autofree char *bare = g_strdup (lower);
  gsize n = strlen (bare);

  /* "POV:" "HQ," */
  while (n > 0 && strchr (",:;)", bare[n - 1]) != NULL)
    bare[--n] = '\0';
  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (bare, words[i]) == 0)
      return TRUE;
  return FALSE;
}

char *
heyai_script_title_case (const char *text)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  gboolean first = TRUE;

  g_return_val_if_fail (text != NULL, NULL);

  while (*p != '\0')
    {
      const char *start = p;
      g_autofree char *word = NULL;
      g_autofree char *lower = NULL;
      gboolean initials = FALSE;
      guint letters = 0;
      guint dots = 0;

      if (g_unichar_isspace (g_utf8_get_char (p)))
        {
          g_string_append_unichar (out, g_utf8_get_char (p));
          p = g_utf8_next_char (p);
          continue;
        }

      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      word = g_strndup (start, p - start);
      lower = g_utf8_strdown (word, -1);

      /* initials and abbreviations: "A.P.", "U.S.", "J.R.R." */
      for (const char *q = word; *q != '\0'; q = g_utf8_next_char (q))
        {
          gunichar c = g_utf8_get_char (q);
          if (g_unichar_isalpha (c))
            letters++;
          else if (c == '.')
            dots++;
        }
      initials = dots >= 2 && letters <= dots + 1;

      if (initials || is_acronym (lower))
        {
          g_autofree char *upper = g_utf8_strup (word, -1);
          g_string_append (out, upper);
        }
      else if (!first && is_small_word (lower))
        g_string_append (out, lower);
      else
        {
          /* capitalise the first letter; the rest (a possessive "'s", "O'Brien"
           * keeps only what follows an apostrophe at a word start) lower */
          const char *q = lower;
          gboolean done = FALSE;
          guint seen = 0;

          while (*q != '\0')
            {
              gunichar c = g_utf8_get_char (q);

              if (g_unichar_isalpha (c))
                seen++;
              if (!done && g_unichar_isalpha (c))
                {
                  g_string_append_unichar (out, g_unichar_totitle (c));
                  done = TRUE;
                }
              else if (done && seen == 1 && (c == '\'' || c == 0x2019) && q[1] != '\0')
                {
                  /* "O'Brien", "D'Artagnan" (but "Hill's") */
                  g_string_append_unichar (out, c);
                  done = FALSE;
                }
              else if (done && (c == '-' || c == '/') && q[1] != '\0')
                {
                  /* "TWENTY-ONE" -> "Twenty-One" */
                  g_string_append_unichar (out, c);
                  done = FALSE;
                }
              else
                g_string_append_unichar (out, c);
              q = g_utf8_next_char (q);
            }
        }
      first = FALSE;
    }

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Fountain writer                                                           */

void
heyai_fountain_writer_init (FountainWriter *w)
{
  w->title_page = g_string_new (NULL);
  w->out = g_string_new (NULL);
  w->last = FOUNTAIN_OUT_ACTION;
  w->started = FALSE;
  w->n_headings = 0;
}

void
heyai_fountain_writer_title (FountainWriter *w,
                             const char     *key,
                             const char     *value)
{
  g_auto(GStrv) lines = NULL;

  if (value == NULL || *value == '\0')
    return;
  lines = g_strsplit (value, "\n", -1);
  if (g_strv_length (lines) == 1)
    g_string_append_printf (w->title_page, "%s: %s\n", key, lines[0]);
  else
    {
      g_string_append_printf (w->title_page, "%s:\n", key);
      for (guint i = 0; lines[i] != NULL; i++)
        if (*g_strstrip (lines[i]) != '\0')
          g_string_append_printf (w->title_page, "    %s\n", lines[i]);
    }
}

void
heyai_fountain_writer_title_lines (FountainWriter *w,
                                   GPtrArray      *lines)
{
  g_autoptr(GString) contact = g_string_new (NULL);

  if (lines->len == 0)
    return;

  heyai_fountain_writer_title (w, "Title", g_ptr_array_index (lines, 0));
  for (guint i = 1; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_autofree char *lower = g_utf8_strdown (line, -1);

      /* "Written by" / "by" / "Screenplay by", then the name */
      if (g_str_has_suffix (lower, "by") && strlen (lower) <= 24 && i + 1 < lines->len)
        {
          heyai_fountain_writer_title (w, "Credit", line);
          heyai_fountain_writer_title (w, "Author", g_ptr_array_index (lines, i + 1));
          i++;
        }
      else
        {
          if (contact->len > 0)
            g_string_append_c (contact, '\n');
          g_string_append (contact, line);
        }
    }
  if (contact->len > 0)
    heyai_fountain_writer_title (w, "Contact", contact->str);
}

/* Whether Fountain would read @line as something other than action. */
static gboolean
needs_forced_action (const char *line)
{
  gboolean has_letter = FALSE;

  if (*line == '\0')
    return FALSE;
  if (strchr (".!@#~=>[", line[0]) != NULL || g_str_has_prefix (line, "/*"))
    return TRUE;
  for (const char *p = line; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_islower (c))
        return FALSE;
      if (g_unichar_isalpha (c))
        has_letter = TRUE;
    }
  return has_letter;   /* all capitals: a cue, a transition or a heading */
}

static void
append_lines (GString    *out,
              const char *text,
              gboolean    force_action)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean first = TRUE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] == '\0')
        continue;
      if (!first)
        g_string_append_c (out, '\n');
      if (force_action && needs_forced_action (lines[i]))
        g_string_append_c (out, '!');
      g_string_append (out, lines[i]);
      first = FALSE;
    }
}

void
heyai_fountain_writer_add (FountainWriter *w,
                           FountainOut     type,
                           const char     *text,
                           gboolean        dual)
{
  g_autofree char *clean = g_strstrip (g_strdup (text != NULL ? text : ""));
  gboolean in_dialogue = w->started && (w->last == FOUNTAIN_OUT_CHARACTER ||
                                        w->last == FOUNTAIN_OUT_PARENTHETICAL ||
                                        w->last == FOUNTAIN_OUT_DIALOGUE);

  if (*clean == '\0')
    return;

  /* dialogue and parentheticals follow their cue without a blank line;
   * everything else is a paragraph of its own */
  if ((type == FOUNTAIN_OUT_DIALOGUE || type == FOUNTAIN_OUT_PARENTHETICAL) && in_dialogue)
    g_string_append_c (w->out, '\n');
  else if (type == FOUNTAIN_OUT_DIALOGUE || type == FOUNTAIN_OUT_PARENTHETICAL)
    {
      /* dialogue without a cue: keep it as action */
      if (w->started)
        g_string_append (w->out, "\n\n");
      append_lines (w->out, clean, TRUE);
      w->started = TRUE;
      w->last = FOUNTAIN_OUT_ACTION;
      return;
    }
  else if (w->started)
    g_string_append (w->out, "\n\n");

  switch (type)
    {
    case FOUNTAIN_OUT_HEADING:
      {
        g_autofree char *upper = g_utf8_strup (clean, -1);
        static const char *const prefixes[] = { "INT", "EXT", "EST", "I/E", "I./E", "E/I" };
        gboolean standard = FALSE;

        for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
          {
            gsize n = strlen (prefixes[i]);
            if (g_str_has_prefix (upper, prefixes[i]) && (upper[n] == '.' || upper[n] == ' ' || upper[n] == '/'))
              standard = TRUE;
          }
        if (!standard)
          g_string_append_c (w->out, '.');
        g_string_append (w->out, upper);
        w->n_headings++;
      }
      break;

    case FOUNTAIN_OUT_CHARACTER:
      {
        const char *paren = strchr (clean, '(');
        g_autofree char *name = g_strndup (clean, paren != NULL ? (gsize) (paren - clean) : strlen (clean));
        g_autofree char *upper = g_utf8_strup (name, -1);

        if (strcmp (upper, name) != 0)
          g_string_append_c (w->out, '@');
        g_string_append (w->out, clean);
        if (dual)
          g_string_append (w->out, " ^");
      }
      break;

    case FOUNTAIN_OUT_PARENTHETICAL:
      if (clean[0] != '(')
        g_string_append_c (w->out, '(');
      g_string_append (w->out, clean);
      if (!g_str_has_suffix (clean, ")"))
        g_string_append_c (w->out, ')');
      break;

    case FOUNTAIN_OUT_DIALOGUE:
      append_lines (w->out, clean, FALSE);
      break;

    case FOUNTAIN_OUT_TRANSITION:
      {
        g_autofree char *upper = g_utf8_strup (clean, -1);
        if (!g_str_has_suffix (upper, "TO:") || strcmp (upper, clean) != 0)
          g_string_append (w->out, "> ");
        g_string_append (w->out, upper);
      }
      break;

    case FOUNTAIN_OUT_CENTERED:
      g_string_append_printf (w->out, "> %s <", clean);
      break;

    case FOUNTAIN_OUT_ACTION:
    default:
      append_lines (w->out, clean, TRUE);
      break;
    }

  w->started = TRUE;
  w->last = type;
}

char *
heyai_fountain_writer_finish (FountainWriter *w)
{
  GString *all = g_string_new (NULL);

  if (w->title_page->len > 0)
    {
      g_string_append (all, w->title_page->str);
      g_string_append_c (all, '\n');
    }
  g_string_append (all, w->out->str);
  g_string_append_c (all, '\n');
  g_string_free (w->title_page, TRUE);
  g_string_free (w->out, TRUE);
  w->title_page = NULL;
  w->out = NULL;
  return g_string_free (all, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Sniffing and decoding                                                     */

static const char *
display_name (const char *name)
{
  return name != NULL && *name != '\0' ? name : _("The file");
}

/* What a binary signature says the file is (translated), or NULL. */
static const char *
binary_kind (const guchar *data,
             gsize         len)
{
  static const struct { const char *magic; gsize len; gsize at; const char *what; } sig[] = {
    { "\x89PNG", 4, 0, N_("a PNG image") },
    { "\xff\xd8\xff", 3, 0, N_("a JPEG image") },
    { "GIF8", 4, 0, N_("a GIF image") },
    { "RIFF", 4, 0, N_("a media file (RIFF)") },
    { "ftyp", 4, 4, N_("a video or audio file") },
    { "OggS", 4, 0, N_("an Ogg media file") },
    { "ID3", 3, 0, N_("an MP3 audio file") },
    { "PK\x03\x04", 4, 0, N_("a ZIP archive (or a Word or OpenDocument file)") },
    { "\xd0\xcf\x11\xe0", 4, 0, N_("an old Microsoft Office document") },
    { "\x1f\x8b", 2, 0, N_("a compressed (gzip) file") },
    { "\x7f" "ELF", 4, 0, N_("a program") },
    { "SQLite format 3", 15, 0, N_("a database") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (sig); i++)
    if (len >= sig[i].at + sig[i].len && memcmp (data + sig[i].at, sig[i].magic, sig[i].len) == 0)
      return _(sig[i].what);
  return NULL;
}

static void
set_binary_error (GError     **error,
                  const char  *name,
                  const char  *kind)
{
  if (kind != NULL)
    /* Translators: "“logo.txt” is a PNG image, not a script. ..." */
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                 _("“%s” is %s, not a script. HeyAI Studio reads screenplays written in Fountain, Final Draft (.fdx), PDF or plain text."),
                 display_name (name), kind);
  else
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                 _("“%s” holds binary data, not the text of a script. HeyAI Studio reads screenplays written in Fountain, Final Draft (.fdx), PDF or plain text."),
                 display_name (name));
}

/* Which UTF-16 a BOM-less buffer is (by its NUL bytes), or NULL. */
static const char *
utf16_without_bom (const guchar *data,
                   gsize         len)
{
  gsize pairs = MIN (len / 2, (gsize) 2048);
  gsize even = 0, odd = 0;

  if (pairs < 4)
    return NULL;
  for (gsize i = 0; i < pairs; i++)
    {
      if (data[2 * i] == 0 && data[2 * i + 1] != 0)
        even++;
      else if (data[2 * i + 1] == 0 && data[2 * i] != 0)
        odd++;
    }
  if (odd * 10 >= pairs * 9)
    return "UTF-16LE";
  if (even * 10 >= pairs * 9)
    return "UTF-16BE";
  return NULL;
}

/* Whether decoded text holds control characters no script has. */
static gboolean
has_binary_controls (const char *text,
                     gsize       len)
{
  gsize bad = 0;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) text[i];
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f)
        bad++;
    }
  return bad > 0 && bad * 200 >= len;   /* more than 0.5 % */
}

/* Decodes @data to UTF-8: sets @encoding and may add a note. */
static char *
decode_text (const guchar  *data,
             gsize          len,
             const char    *name,
             char         **encoding,
             GPtrArray     *notes,
             GError       **error)
{
  const char *from = NULL;
  gsize skip = 0;
  g_autoptr(GError) conv_error = NULL;
  char *text;
  gsize written = 0;

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      *encoding = g_strdup ("UTF-8");
      data += 3;
      len -= 3;
    }
  else if (len >= 2 && data[0] == 0xff && data[1] == 0xfe)
    from = "UTF-16LE", skip = 2;
  else if (len >= 2 && data[0] == 0xfe && data[1] == 0xff)
    from = "UTF-16BE", skip = 2;
  else if ((from = utf16_without_bom (data, len)) != NULL)
    skip = 0;

  if (from != NULL)
    {
      text = g_convert ((const char *) data + skip, (gssize) (len - skip), "UTF-8", from,
                        NULL, &written, &conv_error);
      if (text == NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                       _("“%s” looks like UTF-16 text but cannot be read as such: %s"),
                       display_name (name), conv_error->message);
          return NULL;
        }
      *encoding = g_strdup (from);
      /* Translators: %s is an encoding name such as UTF-16LE */
      g_ptr_array_add (notes, g_strdup_printf (_("Read as %s text and stored as UTF-8."), from));
      if (text[0] != '\0' && g_str_has_prefix (text, "\xef\xbb\xbf"))
        memmove (text, text + 3, strlen (text + 3) + 1);
      return text;
    }

  if (memchr (data, '\0', len) != NULL)
    {
      set_binary_error (error, name, NULL);
      return NULL;
    }

  if (g_utf8_validate_len ((const char *) data, len, NULL))
    {
      if (*encoding == NULL)
        *encoding = g_strdup ("UTF-8");
      return g_strndup ((const char *) data, len);
    }

  /* Legacy 8-bit text.  Windows-1252 prints 0x80-0x9F (curly quotes, dashes,
   * the euro sign); Latin-1 has control codes there. */
  {
    gboolean c1 = FALSE;
    gboolean undefined_1252 = FALSE;

    for (gsize i = 0; i < len; i++)
      if (data[i] >= 0x80 && data[i] <= 0x9f)
        {
          c1 = TRUE;
          if (data[i] == 0x81 || data[i] == 0x8d || data[i] == 0x8f || data[i] == 0x90 || data[i] == 0x9d)
            undefined_1252 = TRUE;
        }

    from = c1 && !undefined_1252 ? "WINDOWS-1252" : "ISO-8859-1";
    text = g_convert ((const char *) data, (gssize) len, "UTF-8", from, NULL, &written, &conv_error);
    if (text == NULL || has_binary_controls (text, written))
      {
        g_free (text);
        set_binary_error (error, name, NULL);
        return NULL;
      }
    *encoding = g_strdup (c1 && !undefined_1252 ? "Windows-1252" : "Latin-1 (ISO-8859-1)");
    g_ptr_array_add (notes, g_strdup_printf (_("The file is not UTF-8: read as %s text and stored as UTF-8. Check accented letters and quotation marks."),
                                             *encoding));
    return text;
  }
}

static gboolean
has_extension (const char *name,
               const char *ext)
{
  g_autofree char *lower = name != NULL ? g_ascii_strdown (name, -1) : NULL;
  return lower != NULL && g_str_has_suffix (lower, ext);
}

/* Whether the (decoded) text is Final Draft XML. */
static gboolean
is_fdx (const char *text)
{
  const char *p = text;

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '<')
    return FALSE;
  /* "<FinalDraft" within the prolog (the XML declaration, comments) */
  {
    g_autofree char *head = g_strndup (p, 4096);
    return strstr (head, "<FinalDraft") != NULL;
  }
}

static void
set_too_large (GError    **error,
               const char *name,
               guint64     size,
               guint64     limit)
{
  g_autofree char *size_str = g_format_size (size);
  g_autofree char *limit_str = g_format_size (limit);

  /* Translators: "“x.fountain” is too large for a script (5.2 MB; the limit is 2.1 MB)." */
  g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
               _("“%s” is too large for a script (%s; the limit is %s). Split it into shorter scripts and try again."),
               display_name (name), size_str, limit_str);
}

HeyaiScriptImport *
heyai_script_import_bytes (GBytes      *bytes,
                           const char  *name,
                           GError     **error)
{
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autoptr(HeyaiScript) script = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *decoded = NULL;
  const guchar *data;
  gsize len = 0;
  const char *kind;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  if (data == NULL)
    data = (const guchar *) "";

  import = g_new0 (HeyaiScriptImport, 1);
  import->notes = g_ptr_array_new_with_free_func (g_free);
  import->original = g_bytes_ref (bytes);
  import->source_name = name != NULL && *name != '\0' && !g_str_equal (name, "-") ? g_path_get_basename (name) : NULL;

  if (len > HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES)
    {
      set_too_large (error, name, len, HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES);
      return NULL;
    }

  /* 1. PDF */
  {
    gsize head = MIN (len, (gsize) 1024);
    gboolean pdf = FALSE;

    for (gsize i = 0; i + 5 <= head && !pdf; i++)
      pdf = memcmp (data + i, "%PDF-", 5) == 0;
    if (pdf)
      {
        import->format = HEYAI_SCRIPT_SOURCE_PDF;
        import->text = heyai_script_pdf_to_fountain (bytes, display_name (name), import->notes, error);
        if (import->text == NULL)
          return NULL;
        goto parse;
      }
  }

  /* 2. other binary files */
  if ((kind = binary_kind (data, len)) != NULL)
    {
      set_binary_error (error, name, kind);
      return NULL;
    }

  /* 3. text */
  decoded = decode_text (data, len, name, &import->encoding, import->notes, error);
  if (decoded == NULL)
    return NULL;

  /* 4. Final Draft */
  if (is_fdx (decoded))
    {
      import->format = HEYAI_SCRIPT_SOURCE_FDX;
      g_clear_pointer (&import->encoding, g_free);
      g_ptr_array_set_size (import->notes, 0);
      import->text = heyai_script_fdx_to_fountain (decoded, strlen (decoded), display_name (name),
                                                   import->notes, error);
      if (import->text == NULL)
        return NULL;
      goto parse;
    }
  if (has_extension (name, ".fdx"))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” is not a Final Draft file: it does not hold Final Draft XML."),
                   display_name (name));
      return NULL;
    }
  if (has_extension (name, ".pdf"))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” is not a PDF file: it does not start as a PDF does."),
                   display_name (name));
      return NULL;
    }

  import->text = g_steal_pointer (&decoded);

parse:
  if (strlen (import->text) > HEYAI_SCRIPT_MAX_BYTES)
    {
      set_too_large (error, name, import->format == HEYAI_SCRIPT_SOURCE_PDF ||
                                  import->format == HEYAI_SCRIPT_SOURCE_FDX ? strlen (import->text) : len,
                     HEYAI_SCRIPT_MAX_BYTES);
      return NULL;
    }

  script = heyai_script_parse (import->text, -1, &parse_error);
  if (script == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, "%s", parse_error->message);
      return NULL;
    }

  /* a .fountain file of action paragraphs only reads the same either way;
   * it is still called Fountain */
  if (import->format != HEYAI_SCRIPT_SOURCE_PDF && import->format != HEYAI_SCRIPT_SOURCE_FDX)
    import->format = script->format == HEYAI_SCRIPT_FORMAT_FOUNTAIN ||
                     has_extension (name, ".fountain") || has_extension (name, ".spmd")
                     ? HEYAI_SCRIPT_SOURCE_FOUNTAIN : HEYAI_SCRIPT_SOURCE_TEXT;
  import->n_scenes = script->scenes->len;
  if (script->title != NULL && *script->title != '\0')
    import->title = g_strdup (script->title);
  else
    import->title = heyai_script_title_from_filename (name);

  if (import->format == HEYAI_SCRIPT_SOURCE_FDX || import->format == HEYAI_SCRIPT_SOURCE_PDF)
    g_ptr_array_add (import->notes,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "Converted from %s to Fountain: %u scene.",
                                                   "Converted from %s to Fountain: %u scenes.",
                                                   script->scenes->len),
                                      heyai_script_source_to_label (import->format), script->scenes->len));

  return g_steal_pointer (&import);
}

HeyaiScriptImport *
heyai_script_import_file (GFile         *file,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *buffer = NULL;
  gsize n_read = 0;
  gsize size = HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES + 1;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_basename (file);
  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    {
      goffset file_size = g_file_info_get_size (info);

      if (file_size > HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES)
        {
          set_too_large (error, name, (guint64) file_size, HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES);
          return NULL;
        }
      if (file_size >= 0)
        size = (gsize) file_size + 1;
    }

  /* read to the end (the size may have changed): at most the limit + 1 */
  {
    GByteArray *array = g_byte_array_sized_new ((guint) MIN (size, (gsize) 1 << 20));
    guchar chunk[65536];

    for (;;)
      {
        gssize got = g_input_stream_read (G_INPUT_STREAM (stream), chunk, sizeof chunk, cancellable, error);

        if (got < 0)
          {
            g_byte_array_unref (array);
            return NULL;
          }
        if (got == 0)
          break;
        g_byte_array_append (array, chunk, (guint) got);
        n_read += (gsize) got;
        if (n_read > HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES)
          {
            g_byte_array_unref (array);
            set_too_large (error, name, n_read, HEYAI_SCRIPT_IMPORT_MAX_FILE_BYTES);
            return NULL;
          }
      }
    bytes = g_byte_array_free_to_bytes (array);
  }

  return heyai_script_import_bytes (bytes, name, error);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  HeyaiScriptImport *import = heyai_script_import_file (G_FILE (source_object), cancellable, &error);

  if (import == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, import, (GDestroyNotify) heyai_script_import_free);
}

void
heyai_script_import_file_async (GFile               *file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_script_import_file_async);
  g_task_run_in_thread (task, import_thread);
}

HeyaiScriptImport *
heyai_script_import_file_finish (GFile         *file,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, file), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
