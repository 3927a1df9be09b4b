/* heyai-llm-offline.c: the offline script splitter.
 *
 * Deterministic rules, no network:
 *
 *  - the script is parsed with heyai_script_parse() (its errors propagate
 *    unchanged); each script scene becomes one HeyaiScene, positions 1..n;
 *  - centered title cards ("> NIGHT SHIFT <") stay in the scene they are
 *    written in (the Fountain parser keeps them with the last heading), so the
 *    scene count equals the script's scene count; the card text is named in
 *    that scene's description ("Title card: NIGHT SHIFT / THIS WINTER") and
 *    motion prompt ("ends on the title card"), and a scene made only of cards
 *    becomes a static title-card shot; a prose end card ("Título: EL ÚLTIMO
 *    FARO. Solo en cines.", merged into the last paragraph by the parser) is
 *    kept verbatim in the description, left out of the image prompt and
 *    closes the motion prompt the same way;
 *  - more than HEYAI_LLM_OFFLINE_MAX_SCENES: the shortest scene is merged with
 *    its shorter neighbour until the cap holds; a merged scene says so in its
 *    description ("Merged from script scenes 12–15 ...");
 *  - title: from the heading ("INT. HOSPITAL CORRIDOR - NIGHT" -> "Hospital
 *    corridor — night", names capitalised), for prose the first clause(s) of
 *    the paragraph, at most 48 characters;
 *  - description: the action text (source language kept), dialogue quoted
 *    briefly, cut at a sentence or word boundary to about 300 characters;
 *  - image prompt: shot size + what is seen (first sentences of the action) +
 *    interior/exterior, setting, time of day and weather + the project's style
 *    bible + the aspect ratio in words ("cinematic 16:9 frame");
 *  - camera move from keywords (English and Spanish), in this order: title
 *    cards, "final", "silence", "title" -> push-in (a scene of cards only ->
 *    static); "climbs", "sube", "rises" -> tilt-up; "walks", "runs", "cruza",
 *    "corre", "barre" -> pan (left or right by the hash of the text);
 *    "falls", "lands", "cae" -> tilt-down; "reveals", "se aleja" -> pull-out;
 *    otherwise a stable FNV-1a hash of the excerpt picks one;
 *  - motion prompt: the camera move in words + the sentence that moves;
 *  - duration: 5 s when the scene's estimated screen time is at most 7 s,
 *    else 10 s.
 *
 * The work runs in a GTask thread on copies of the project's fields; the
 * HeyaiScene objects are created in split_finish(), on the caller's thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "heyai-llm-offline.h"
#include "heyai-prompt-composer.h"
#include "heyai-script-import.h"

#define TITLE_MAX_CHARS       48
#define DESCRIPTION_MAX_CHARS 300
#define VISUAL_MAX_CHARS      240
#define MOTION_MAX_CHARS      170
#define QUOTE_MAX_CHARS       90
#define STYLE_MAX_CHARS       1200
#define SHORT_SCENE_SECONDS   7.0

struct _HeyaiLlmOffline
{
  GObject parent_instance;
};

static void heyai_llm_offline_iface_init (HeyaiLlmInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiLlmOffline, heyai_llm_offline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_LLM, heyai_llm_offline_iface_init))

/* ------------------------------------------------------------------------ */
/* Keywords                                                                  */

typedef enum
{
  KW_NONE = 0,
  KW_END,        /* final shot -> push-in */
  KW_UP,         /* tilt-up */
  KW_PAN,        /* pan */
  KW_DOWN,       /* tilt-down */
  KW_OUT,        /* pull-out */
  KW_NIGHT,
  KW_DAWN,
  KW_DUSK,
  KW_DAY,
  KW_FOG,
  KW_RAIN,
  KW_STORM,
  KW_SNOW,
  KW_ES,         /* Spanish function word */
  KW_EN,         /* English function word */
  N_KW
} Keyword;

static const struct
{
  Keyword     kind;
  const char *words;
} keyword_lists[] = {
  { KW_END, "final finale silence silent silencio silenciosa silencioso title título titulo fin end" },
  { KW_UP, "climb climbs climbing climbed rise rises rising rose ascend ascends ascending soar soars "
           "sube suben subiendo subía asciende ascienden escala escalan trepa trepan eleva elevan" },
  { KW_PAN, "walk walks walking walked run runs running ran cross crosses crossing crossed race races "
            "racing chase chases chasing drive drives driving follow follows following rush rushes "
            "sprint sprints flee flees fleeing sweep sweeps sweeping "
            "camina caminan caminando corre corren corriendo cruza cruzan cruzando huye huyen "
            "persigue persiguen avanza avanzan recorre recorren barre barren conduce navega" },
  { KW_DOWN, "fall falls falling fell drop drops dropping descend descends descending land lands "
             "landing sink sinks sinking collapse collapses "
             "cae caen cayendo baja bajan bajando desciende descienden aterriza aterrizan hunde hunden" },
  { KW_OUT, "reveal reveals revealing revealed recede recedes retreat retreats "
            "revela revelan aleja alejan retrocede retroceden" },
  { KW_NIGHT, "night nighttime midnight moonlight noche medianoche nocturno nocturna luna" },
  { KW_DAWN, "dawn sunrise daybreak amanecer amanece madrugada alba" },
  { KW_DUSK, "dusk sunset twilight evening atardecer anochecer anochece crepúsculo ocaso" },
  { KW_DAY, "day daylight noon midday morning afternoon día mediodía mañana tarde" },
  { KW_FOG, "fog foggy mist misty haze niebla bruma neblina" },
  { KW_RAIN, "rain raining rainy downpour lluvia llueve lloviendo aguacero" },
  { KW_STORM, "storm stormy thunder lightning tempest tormenta tempestad relámpago relámpagos "
              "truenos rayos temporal" },
  { KW_SNOW, "snow snowing blizzard nieve nieva nevando ventisca" },
  { KW_ES, "el la los las de del que y en una un se con por su sus es al para como desde pero "
           "muy sin sobre entre hace lo le ya qué está están hay yo nos más también todo nada "
           "cuando donde dónde porque esta este esto eso aquí ahora" },
  { KW_EN, "the and of to in is with on his her at from it are into an by its this that was "
           "he she they we you" },
};

static GHashTable *
keyword_table (void)
{
  static GHashTable *table = NULL;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
      gsize i;

      for (i = 0; i < G_N_ELEMENTS (keyword_lists); i++)
        {
          char **words = g_strsplit (keyword_lists[i].words, " ", -1);
          guint j;

          for (j = 0; words[j] != NULL; j++)
            if (*words[j] != '\0' && !g_hash_table_contains (t, words[j]))
              g_hash_table_insert (t, g_strdup (words[j]), GINT_TO_POINTER (keyword_lists[i].kind));
          g_strfreev (words);
        }

      g_once_init_leave (&table, t);
    }

  return table;
}

static Keyword
keyword_of (const char *lower_word)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (keyword_table (), lower_word));
}

/* ------------------------------------------------------------------------ */
/* Text helpers                                                              */

static inline gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* Finds the next word at or after *p (before @end): sets @start, writes
 * its lower-case form into @lower and moves *p past it. */
static gboolean
next_word (const char **p,
           const char  *end,
           const char **start,
           GString     *lower)
{
  const char *q = *p;

  g_string_truncate (lower, 0);

  while (q < end && !is_word_char (g_utf8_get_char (q)))
    q = g_utf8_next_char (q);
  if (q >= end)
    {
      *p = end;
      return FALSE;
    }

  *start = q;
  while (q < end)
    {
      gunichar c = g_utf8_get_char (q);

      if (!is_word_char (c))
        {
          /* keep inner apostrophes: don't, l'eau */
          const char *n = g_utf8_next_char (q);
          if ((c == '\'' || c == 0x2019) && n < end && is_word_char (g_utf8_get_char (n)))
            {
              g_string_append_c (lower, '\'');
              q = n;
              continue;
            }
          break;
        }
      if (c < 0x80)
        g_string_append_c (lower, g_ascii_tolower ((char) c));
      else
        g_string_append_unichar (lower, g_unichar_tolower (c));
      q = g_utf8_next_char (q);
    }

  *p = q;
  return TRUE;
}

/* Which keywords @text holds, as a bit mask of (1 << Keyword). */
static guint
keyword_mask (const char *text)
{
  g_autoptr(GString) word = g_string_new (NULL);
  const char *p = text;
  const char *end = text + strlen (text);
  const char *start;
  guint mask = 0;

  while (next_word (&p, end, &start, word))
    mask |= 1u << keyword_of (word->str);

  return mask & ~1u;
}

/* White space runs (new lines included) become one space; trimmed. */
static char *
collapse_ws (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean space = FALSE;
  const char *p;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = out->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* Common abbreviations whose dot does not end a sentence. */
static gboolean
is_abbreviation (const char *text,
                 const char *dot)
{
  static const char *const abbrevs[] = { "dr", "mr", "mrs", "ms", "sr", "sra", "srta", "st", "vs", "no", "ft", "jr" };
  const char *s = dot;
  char buf[8];
  gsize n, i;

  while (s > text && g_ascii_isalpha (s[-1]))
    s--;
  n = (gsize) (dot - s);
  if (n == 0 || n >= sizeof buf || (s > text && s[-1] != ' ' && s[-1] != '('))
    return FALSE;

  for (i = 0; i < n; i++)
    buf[i] = g_ascii_tolower (s[i]);
  buf[n] = '\0';

  for (i = 0; i < G_N_ELEMENTS (abbrevs); i++)
    if (strcmp (buf, abbrevs[i]) == 0)
      return TRUE;

  return FALSE;
}

/* Byte offset just after the sentence starting at @text (end punctuation and
 * closing quotes included), or strlen. */
static gsize
sentence_end (const char *text)
{
  const char *p;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '.' || c == '!' || c == '?' || c == 0x2026)
        {
          const char *q = g_utf8_next_char (p);

          if (c == '.' && is_abbreviation (text, p))
            continue;
          /* closing quotes and more punctuation belong to the sentence */
          while (*q != '\0')
            {
              gunichar d = g_utf8_get_char (q);
              if (d == '"' || d == 0x201D || d == 0x00BB || d == '\'' || d == 0x2019 ||
                  d == ')' || d == '.' || d == '!' || d == '?')
                q = g_utf8_next_char (q);
              else
                break;
            }
          if (*q == '\0' || *q == ' ')
            return (gsize) (q - text);
        }
    }

  return (gsize) (p - text);
}

/* Cuts collapsed @text to at most @max characters: at the last sentence end
 * that fits (if it keeps at least a third), else at a word boundary with an
 * ellipsis. */
static char *
cut_text (const char *text,
          gsize       max)
{
  gsize limit;
  gsize best = 0;
  gsize pos = 0;
  const char *last_space = NULL;
  const char *p;
  GString *out;

  if ((gsize) g_utf8_strlen (text, -1) <= max)
    return g_strdup (text);

  /* byte offset of the first character that does not fit */
  limit = (gsize) (g_utf8_offset_to_pointer (text, (glong) max) - text);

  /* the last sentence end that fits */
  while (pos < limit && text[pos] != '\0')
    {
      gsize len = sentence_end (text + pos);
      if (pos + len > limit)
        break;
      best = pos + len;
      pos += len;
      while (text[pos] == ' ')
        pos++;
    }

  if (best > 0 && best >= limit / 3)
    return g_strndup (text, best);

  /* else a word boundary, keeping room for the ellipsis */
  limit = (gsize) (g_utf8_offset_to_pointer (text, (glong) max - 1) - text);
  for (p = text; (gsize) (p - text) < limit; p++)
    if (*p == ' ')
      last_space = p;

  out = g_string_new_len (text, last_space != NULL ? (gssize) (last_space - text) : (gssize) limit);
  while (out->len > 0 && strchr (" ,;:-", out->str[out->len - 1]) != NULL)
    g_string_truncate (out, out->len - 1);
  g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* Upper-cases the first character of @text in place (returns a new string). */
static char *
capitalise_first (const char *text)
{
  GString *out;
  gunichar c;

  if (*text == '\0')
    return g_strdup (text);

  c = g_utf8_get_char (text);
  out = g_string_new (NULL);
  g_string_append_unichar (out, g_unichar_totitle (c));
  g_string_append (out, g_utf8_next_char (text));
  return g_string_free (out, FALSE);
}

/* One letter of initials ("A" or "P" of "A.P."): a single letter followed
 * by a dot, next to another letter-and-dot. */
static gboolean
is_initials (const char *text,
             const char *start,
             const char *end)
{
  if (g_utf8_next_char (start) != end || *end != '.' || !g_unichar_isalpha (g_utf8_get_char (start)))
    return FALSE;
  if (g_ascii_isalpha (end[1]) && end[2] == '.')
    return TRUE;
  return start - text >= 2 && start[-1] == '.' && g_ascii_isalpha (start[-2]);
}

/* Lower-cases @text, except words found in @proper (capitalised) and the
 * first word when @capital_first. */
static char *
sentence_case (const char *text,
               GHashTable *proper,
               gboolean    capital_first)
{
  g_autoptr(GString) word = g_string_new (NULL);
  GString *out = g_string_new (NULL);
  const char *p = text;
  const char *end = text + strlen (text);
  const char *start = NULL;
  const char *copied = text;
  gboolean first = TRUE;

  while (next_word (&p, end, &start, word))
    {
      g_string_append_len (out, copied, start - copied);
      if (is_initials (text, start, p))
        g_string_append_len (out, start, p - start);   /* "A.P.", "U.S." as written */
      else if ((first && capital_first) || g_hash_table_contains (proper, word->str))
        {
          g_autofree char *cap = capitalise_first (word->str);
          g_string_append (out, cap);
        }
      else
        g_string_append (out, word->str);
      first = FALSE;
      copied = p;
    }
  g_string_append (out, copied);

  return g_string_free (out, FALSE);
}

static guint32
fnv1a (const char *text)
{
  guint32 h = 2166136261u;
  const guchar *p;

  for (p = (const guchar *) text; *p != '\0'; p++)
    {
      h ^= *p;
      h *= 16777619u;
    }

  return h;
}

/* ------------------------------------------------------------------------ */
/* Script-wide knowledge                                                     */

/* Words written with a capital inside a sentence ("Amara", "Atlántico") and
 * the character names: kept capitalised in titles and settings. */
static GHashTable *
collect_proper_nouns (HeyaiScript *script)
{
  GHashTable *proper = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) word = g_string_new (NULL);
  guint i, j;

  for (i = 0; i < script->scenes->len; i++)
    {
      HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);

      for (j = 0; j < scene->elements->len; j++)
        {
          HeyaiScriptElement *element = g_ptr_array_index (scene->elements, j);
          const char *text = element->text;
          const char *end = text + strlen (text);
          const char *p = text;
          const char *start;

          if (element->type == HEYAI_ELEMENT_CHARACTER)
            {
              const char *paren = strchr (text, '(');
              if (paren != NULL)
                end = paren;
              while (next_word (&p, end, &start, word))
                if (word->len > 2)
                  g_hash_table_add (proper, g_strdup (word->str));
              continue;
            }

          if (element->type != HEYAI_ELEMENT_ACTION && element->type != HEYAI_ELEMENT_DIALOGUE)
            continue;

          while (next_word (&p, end, &start, word))
            {
              gunichar c = g_utf8_get_char (start);
              const char *q = start;
              gboolean sentence_start = TRUE;
              gboolean has_lower = FALSE;
              const char *w;

              if (!g_unichar_isupper (c))
                continue;
              for (w = g_utf8_next_char (start); w < p; w = g_utf8_next_char (w))
                if (g_unichar_islower (g_utf8_get_char (w)))
                  has_lower = TRUE;
              if (!has_lower)
                continue;

              /* what precedes the word (skipping spaces and quotes) */
              while (q > text)
                {
                  const char *prev = g_utf8_find_prev_char (text, q);
                  gunichar d = g_utf8_get_char (prev);

                  if (d == ' ' || d == '\n' || d == '"' || d == 0x201C || d == 0x00AB ||
                      d == 0x00BF || d == 0x00A1 || d == '(' || d == 0x2014)
                    {
                      q = prev;
                      continue;
                    }
                  sentence_start = d == '.' || d == '!' || d == '?' || d == ':' || d == 0x2026;
                  break;
                }

              if (!sentence_start && keyword_of (word->str) != KW_ES && keyword_of (word->str) != KW_EN)
                g_hash_table_add (proper, g_strdup (word->str));
            }
        }
    }

  return proper;
}

/* Counts Spanish and English function words (up to *@seen reaching 4000)
 * and letters and marks only Spanish uses in @text. */
static void
count_language_words (const char *text,
                      guint      *es,
                      guint      *en,
                      guint      *marks,
                      guint      *seen)
{
  g_autoptr(GString) word = g_string_new (NULL);
  const char *p = text;
  const char *end = p + strlen (p);
  const char *start;

  while (*seen < 4000 && next_word (&p, end, &start, word))
    {
      Keyword k = keyword_of (word->str);
      (*seen)++;
      if (k == KW_ES)
        (*es)++;
      else if (k == KW_EN)
        (*en)++;
      /* letters and marks only Spanish uses */
      for (const char *q = word->str; *q != '\0'; q = g_utf8_next_char (q))
        {
          gunichar c = g_utf8_get_char (q);
          if (c == 0x00F1 || c == 0x00E1 || c == 0x00ED || c == 0x00F3 || c == 0x00FA)
            (*marks)++;
        }
    }
  if (strstr (text, "\xc2\xbf") != NULL || strstr (text, "\xc2\xa1") != NULL)
    (*marks)++;   /* ¿ ¡ */
}

static gboolean
script_is_spanish (HeyaiScript *script)
{
  guint es = 0, en = 0, seen = 0, marks = 0;
  guint i, j;

  for (i = 0; i < script->scenes->len && seen < 4000; i++)
    {
      HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);

      for (j = 0; j < scene->elements->len && seen < 4000; j++)
        {
          HeyaiScriptElement *element = g_ptr_array_index (scene->elements, j);

          if (element->type != HEYAI_ELEMENT_ACTION && element->type != HEYAI_ELEMENT_DIALOGUE &&
              element->type != HEYAI_ELEMENT_CENTERED && element->type != HEYAI_ELEMENT_PARENTHETICAL)
            continue;
          count_language_words (element->text, &es, &en, &marks, &seen);
        }
    }

  /* function words decide; with none, Spanish letters (ñ, á...) and marks */
  if (es != en)
    return es > en;
  return marks > 0;
}

const char *
heyai_llm_offline_detect_language (const char *text)
{
  guint es = 0, en = 0, seen = 0, marks = 0;

  if (text == NULL)
    return NULL;
  count_language_words (text, &es, &en, &marks, &seen);
  if (es != en)
    return es > en ? "es" : "en";
  return marks > 0 ? "es" : NULL;
}

/* ------------------------------------------------------------------------ */
/* Split input and output                                                    */

typedef struct
{
  char        *script;
  char        *title;
  char        *style;
  char        *project_id;
  HeyaiAspect  aspect;
} SplitInput;

static void
split_input_free (gpointer data)
{
  SplitInput *input = data;

  g_free (input->script);
  g_free (input->title);
  g_free (input->style);
  g_free (input->project_id);
  g_free (input);
}

typedef struct
{
  char            *title;
  char            *excerpt;
  char            *description;
  char            *image_prompt;
  char            *motion_prompt;
  HeyaiCameraMove  camera_move;
  int              duration;
} Draft;

static void
draft_free (gpointer data)
{
  Draft *draft = data;

  g_free (draft->title);
  g_free (draft->excerpt);
  g_free (draft->description);
  g_free (draft->image_prompt);
  g_free (draft->motion_prompt);
  g_free (draft);
}

/* A run of script scenes [first, last] that becomes one HeyaiScene. */
typedef struct
{
  guint  first;
  guint  last;
  double seconds;
} Unit;

/* Merging state: a doubly linked list over the units plus a binary min-heap
 * of (seconds, index) with lazy deletion, so capping a script of hundreds of
 * thousands of scenes stays O(n log n). */
typedef struct
{
  double seconds;
  guint  index;
  guint  version;
} HeapEntry;

typedef struct
{
  gint     prev;      /* -1 = none */
  gint     next;
  guint    version;
  gboolean alive;
} Link;

static inline gboolean
heap_less (const HeapEntry *a,
           const HeapEntry *b)
{
  return a->seconds < b->seconds || (a->seconds == b->seconds && a->index < b->index);
}

static void
heap_push (GArray    *heap,
           HeapEntry  entry)
{
  guint i;

  g_array_append_val (heap, entry);
  i = heap->len - 1;
  while (i > 0)
    {
      guint parent = (i - 1) / 2;
      HeapEntry *h = (HeapEntry *) (gpointer) heap->data;

      if (!heap_less (&h[i], &h[parent]))
        break;
      entry = h[i];
      h[i] = h[parent];
      h[parent] = entry;
      i = parent;
    }
}

static HeapEntry
heap_pop (GArray *heap)
{
  HeapEntry *h = (HeapEntry *) (gpointer) heap->data;
  HeapEntry top = h[0];
  guint n = heap->len - 1;
  guint i = 0;

  h[0] = h[n];
  g_array_set_size (heap, n);
  h = (HeapEntry *) (gpointer) heap->data;

  for (;;)
    {
      guint l = 2 * i + 1;
      guint r = l + 1;
      guint m = i;
      HeapEntry tmp;

      if (l < n && heap_less (&h[l], &h[m]))
        m = l;
      if (r < n && heap_less (&h[r], &h[m]))
        m = r;
      if (m == i)
        break;
      tmp = h[i];
      h[i] = h[m];
      h[m] = tmp;
      i = m;
    }

  return top;
}

/* Merges the shortest unit into its shorter neighbour (the left one on a
 * tie; ties between shortest units go to the leftmost) until @max remain.
 * Deterministic. */
static void
cap_units (GArray *units,
           guint   max)
{
  g_autoptr(GArray) heap = NULL;
  g_autofree Link *links = NULL;
  guint alive = units->len;
  guint i;

  if (units->len <= max)
    return;

  heap = g_array_sized_new (FALSE, FALSE, sizeof (HeapEntry), units->len * 2);
  links = g_new0 (Link, units->len);
  for (i = 0; i < units->len; i++)
    {
      HeapEntry entry = { g_array_index (units, Unit, i).seconds, i, 0 };

      links[i].prev = (gint) i - 1;
      links[i].next = i + 1 < units->len ? (gint) i + 1 : -1;
      links[i].alive = TRUE;
      heap_push (heap, entry);
    }

  while (alive > max && heap->len > 0)
    {
      HeapEntry top = heap_pop (heap);
      guint left, right;
      Unit *a, *b;
      HeapEntry entry;

      if (!links[top.index].alive || links[top.index].version != top.version)
        continue;

      if (links[top.index].prev < 0)
        {
          left = top.index;
          right = (guint) links[top.index].next;
        }
      else if (links[top.index].next < 0)
        {
          left = (guint) links[top.index].prev;
          right = top.index;
        }
      else
        {
          guint prev = (guint) links[top.index].prev;
          guint next = (guint) links[top.index].next;

          if (g_array_index (units, Unit, prev).seconds <= g_array_index (units, Unit, next).seconds)
            {
              left = prev;
              right = top.index;
            }
          else
            {
              left = top.index;
              right = next;
            }
        }

      a = &g_array_index (units, Unit, left);
      b = &g_array_index (units, Unit, right);
      a->last = b->last;
      a->seconds += b->seconds;

      links[right].alive = FALSE;
      links[left].next = links[right].next;
      if (links[right].next >= 0)
        links[links[right].next].prev = (gint) left;
      links[left].version++;
      alive--;

      entry.seconds = a->seconds;
      entry.index = left;
      entry.version = links[left].version;
      heap_push (heap, entry);
    }

  /* compact, keeping order */
  {
    guint out = 0;

    for (i = 0; i < units->len; i++)
      if (links[i].alive)
        g_array_index (units, Unit, out++) = g_array_index (units, Unit, i);
    g_array_set_size (units, out);
  }
}

/* ------------------------------------------------------------------------ */
/* Per scene                                                                 */

typedef struct
{
  GString   *action;     /* action paragraphs, collapsed, joined with " " */
  GPtrArray *dialogue;   /* "Amara: “...”" */
  GPtrArray *centered;   /* centered texts ("> NIGHT SHIFT <") */
  GPtrArray *title_lines; /* prose card lines as written ("Título: EL FARO.") */
  GPtrArray *cards;      /* what every card reads: centered texts and title-line values */
  GString   *excerpt;
  const char *heading;   /* first heading of the unit, or NULL */
} UnitText;

static void
unit_text_clear (UnitText *u)
{
  g_string_free (u->action, TRUE);
  g_ptr_array_unref (u->dialogue);
  g_ptr_array_unref (u->centered);
  g_ptr_array_unref (u->title_lines);
  g_ptr_array_unref (u->cards);
  g_string_free (u->excerpt, TRUE);
}

/* "Título: X", "Title: X" (a prose title card) -> X, else NULL. */
static char *
title_line_value (const char *text)
{
  static const char *const keys[] = { "title", "título", "titulo" };
  const char *colon = strchr (text, ':');
  g_autofree char *key = NULL;
  gsize i;

  if (colon == NULL || colon - text > 8 || colon[1] == '\0')
    return NULL;

  key = g_utf8_strdown (text, colon - text);
  for (i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (key, keys[i]) == 0)
      return g_strstrip (g_strdup (colon + 1));

  return NULL;
}

static void
gather_unit (HeyaiScript *script,
             const Unit  *unit,
             GHashTable  *proper,
             UnitText    *u)
{
  g_autofree char *speaker = NULL;
  guint i, j;

  u->action = g_string_new (NULL);
  u->dialogue = g_ptr_array_new_with_free_func (g_free);
  u->centered = g_ptr_array_new_with_free_func (g_free);
  u->title_lines = g_ptr_array_new_with_free_func (g_free);
  u->cards = g_ptr_array_new_with_free_func (g_free);
  u->excerpt = g_string_new (NULL);
  u->heading = NULL;

  for (i = unit->first; i <= unit->last; i++)
    {
      HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);

      /* the scene as a reader sees it: no Fountain markup, notes or
       * boneyard reach the scene's excerpt (documents, exports) */
      {
        g_autofree char *plain = heyai_script_scene_plain_text (scene);

        if (u->excerpt->len > 0 && *plain != '\0')
          g_string_append (u->excerpt, "\n\n");
        g_string_append (u->excerpt, plain);
      }
      if (u->heading == NULL)
        u->heading = scene->heading;

      for (j = 0; j < scene->elements->len; j++)
        {
          HeyaiScriptElement *element = g_ptr_array_index (scene->elements, j);
          g_autofree char *text = collapse_ws (element->text);

          switch (element->type)
            {
            case HEYAI_ELEMENT_ACTION:
              {
                char *value = title_line_value (text);

                /* "Título: EL ÚLTIMO FARO." in prose is the end card: not
                 * something to paint into the still */
                if (value != NULL)
                  {
                    g_ptr_array_add (u->cards, value);
                    g_ptr_array_add (u->title_lines, g_steal_pointer (&text));
                    break;
                  }
              }
              if (u->action->len > 0)
                g_string_append_c (u->action, ' ');
              g_string_append (u->action, text);
              break;

            case HEYAI_ELEMENT_CHARACTER:
              {
                const char *paren = strchr (text, '(');
                g_autofree char *name = g_strndup (text, paren != NULL ? (gsize) (paren - text) : strlen (text));

                g_free (speaker);
                speaker = sentence_case (g_strstrip (name), proper, TRUE);
              }
              break;

            case HEYAI_ELEMENT_DIALOGUE:
              {
                g_autofree char *line = NULL;
                gsize n = strlen (text);

                /* a line the writer already put in quotes is quoted once */
                if ((g_str_has_prefix (text, "\"") && n > 2 && text[n - 1] == '"') ||
                    (g_str_has_prefix (text, "“") && g_str_has_suffix (text, "”") && n > 6) ||
                    (g_str_has_prefix (text, "«") && g_str_has_suffix (text, "»") && n > 4))
                  {
                    gsize open = (guchar) text[0] < 0x80 ? 1 : (gsize) (g_utf8_next_char (text) - text);
                    const char *last = g_utf8_find_prev_char (text, text + n);
                    g_autofree char *inner = g_strndup (text + open, (gsize) (last - text) - open);

                    line = cut_text (inner, QUOTE_MAX_CHARS);
                  }
                else
                  line = cut_text (text, QUOTE_MAX_CHARS);
                g_ptr_array_add (u->dialogue,
                                 g_strdup_printf ("%s: “%s”", speaker != NULL ? speaker : "—", line));
              }
              break;

            case HEYAI_ELEMENT_CENTERED:
              g_ptr_array_add (u->cards, g_strdup (text));
              g_ptr_array_add (u->centered, g_steal_pointer (&text));
              break;

            case HEYAI_ELEMENT_SCENE_HEADING:
            case HEYAI_ELEMENT_PARENTHETICAL:
            case HEYAI_ELEMENT_TRANSITION:
            case HEYAI_ELEMENT_NOTE:
            default:
              break;
            }
        }
    }
}

static char *
join_cards (GPtrArray *cards)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < cards->len; i++)
    {
      if (i > 0)
        g_string_append (out, " / ");
      g_string_append (out, g_ptr_array_index (cards, i));
    }

  return g_string_free (out, FALSE);
}

/* Time-of-day words of headings ("NIGHT", "NOCHE") -> the Keyword. */
static Keyword
time_word (const char *part)
{
  static const struct { const char *word; Keyword kind; } words[] = {
    { "night", KW_NIGHT }, { "noche", KW_NIGHT }, { "midnight", KW_NIGHT }, { "medianoche", KW_NIGHT },
    { "dawn", KW_DAWN }, { "sunrise", KW_DAWN }, { "amanecer", KW_DAWN }, { "madrugada", KW_DAWN },
    { "dusk", KW_DUSK }, { "sunset", KW_DUSK }, { "evening", KW_DUSK }, { "atardecer", KW_DUSK },
    { "anochecer", KW_DUSK }, { "tarde", KW_DUSK },
    { "day", KW_DAY }, { "día", KW_DAY }, { "dia", KW_DAY }, { "morning", KW_DAY }, { "mañana", KW_DAY },
    { "afternoon", KW_DAY }, { "noon", KW_DAY }, { "mediodía", KW_DAY },
    { "continuous", KW_NONE }, { "later", KW_NONE }, { "continuo", KW_NONE },
    { "continuación", KW_NONE }, { "más tarde", KW_NONE }, { "moments later", KW_NONE },
  };
  g_autofree char *lower = g_utf8_strdown (part, -1);
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (lower, words[i].word) == 0)
      return words[i].kind == KW_NONE ? N_KW : words[i].kind;   /* N_KW: a time word, no new time */

  return KW_NONE;
}

static const char *
time_phrase (Keyword kind)
{
  switch ((int) kind)
    {
    case KW_NIGHT: return "at night";
    case KW_DAWN:  return "at dawn";
    case KW_DUSK:  return "at dusk";
    case KW_DAY:   return "in daylight";
    default:       return NULL;
    }
}

/* Splits a heading into a title, a setting and a time of day. */
static void
parse_heading (const char  *heading,
               GHashTable  *proper,
               char       **title,
               char       **setting,
               const char **inout,
               Keyword     *time_kind)
{
  static const struct { const char *prefix; const char *inout; } prefixes[] = {
    { "int./ext.", "interior and exterior" }, { "int/ext", "interior and exterior" },
    { "i./e.", "interior and exterior" }, { "i/e", "interior and exterior" }, { "int.", "interior" }, { "ext.", "exterior" },
    { "est.", "exterior" }, { "int ", "interior" }, { "ext ", "exterior" }, { "est ", "exterior" },
  };
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) t = g_string_new (NULL);
  g_autoptr(GString) s = g_string_new (NULL);
  const char *rest = heading;
  gsize i;

  *inout = NULL;
  *time_kind = KW_NONE;

  for (i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i].prefix);
      if (g_ascii_strncasecmp (heading, prefixes[i].prefix, n) == 0)
        {
          *inout = prefixes[i].inout;
          rest = heading + n;
          break;
        }
    }
  while (*rest == ' ' || *rest == '.')
    rest++;

  /* parts separated by " - ", " — " or " – " */
  {
    const char *p = rest;
    const char *start = rest;

    while (*p != '\0')
      {
        gsize sep = 0;

        if (strncmp (p, " - ", 3) == 0)
          sep = 3;
        else if (strncmp (p, " \xe2\x80\x94 ", 5) == 0 || strncmp (p, " \xe2\x80\x93 ", 5) == 0)
          sep = 5;

        if (sep > 0)
          {
            char *part = g_strstrip (g_strndup (start, p - start));
            if (*part != '\0')
              g_ptr_array_add (parts, part);
            else
              g_free (part);
            p += sep;
            start = p;
          }
        else
          p++;
      }

    {
      char *part = g_strstrip (g_strdup (start));
      if (*part != '\0')
        g_ptr_array_add (parts, part);
      else
        g_free (part);
    }
  }

  if (parts->len > 1)
    {
      Keyword k = time_word (g_ptr_array_index (parts, parts->len - 1));
      if (k != KW_NONE)
        {
          g_autofree char *lower = g_utf8_strdown (g_ptr_array_index (parts, parts->len - 1), -1);

          *time_kind = k == N_KW ? KW_NONE : k;
          g_ptr_array_remove_index (parts, parts->len - 1);
          for (i = 0; i < parts->len; i++)
            {
              g_autofree char *cased = heyai_script_title_case (g_ptr_array_index (parts, i));
              if (i > 0)
                g_string_append (t, " — ");
              g_string_append (t, cased);
            }
          g_string_append (t, " — ");
          g_string_append (t, lower);
        }
    }

  if (t->len == 0)
    for (i = 0; i < parts->len; i++)
      {
        g_autofree char *cased = heyai_script_title_case (g_ptr_array_index (parts, i));
        if (i > 0)
          g_string_append (t, " — ");
        g_string_append (t, cased);
      }

  for (i = 0; i < parts->len; i++)
    {
      g_autofree char *cased = sentence_case (g_ptr_array_index (parts, i), proper, FALSE);
      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, cased);
    }

  *title = t->len > 0 ? cut_text (t->str, TITLE_MAX_CHARS) : NULL;
  *setting = s->len > 0 ? g_strdup (s->str) : NULL;
}

/* A title from prose: the first sentence, or its first clauses, at most
 * TITLE_MAX_CHARS characters. */
static char *
prose_title (const char *text)
{
  g_autofree char *sentence = g_strndup (text, sentence_end (text));
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p;

  g_strstrip (sentence);

  if ((gsize) g_utf8_strlen (sentence, -1) > TITLE_MAX_CHARS)
    {
      /* add clauses (split after , ; : —) while they fit */
      for (p = sentence; ; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c == '\0' || c == ',' || c == ';' || c == ':' || c == 0x2014)
            {
              const char *stop = c == '\0' ? p : g_utf8_next_char (p);
              glong len = g_utf8_strlen (sentence, stop - sentence);

              if (len > TITLE_MAX_CHARS)
                break;
              g_string_assign (out, "");
              g_string_append_len (out, sentence, stop - sentence);
              if (c == '\0')
                break;
            }
        }

      if (out->len == 0)
        {
          /* the first clause alone is too long: cut at a word */
          g_autofree char *cut = cut_text (sentence, TITLE_MAX_CHARS + 1);

          g_string_assign (out, cut);
          if (g_str_has_suffix (out->str, "…"))
            g_string_truncate (out, out->len - strlen ("…"));
        }
    }
  else
    g_string_assign (out, sentence);

  /* no trailing punctuation or dangling function words */
  for (;;)
    {
      gsize len = out->len;
      const char *last_space;

      while (out->len > 0 && strchr (" .,;:-!?\"", out->str[out->len - 1]) != NULL)
        g_string_truncate (out, out->len - 1);
      if (g_str_has_suffix (out->str, "—"))
        g_string_truncate (out, out->len - strlen ("—"));

      last_space = strrchr (out->str, ' ');
      if (last_space != NULL)
        {
          g_autofree char *lower = g_utf8_strdown (last_space + 1, -1);
          Keyword k = keyword_of (lower);

          if (k == KW_ES || k == KW_EN)
            g_string_truncate (out, last_space - out->str);
        }

      if (out->len == len)
        break;
    }

  return capitalise_first (out->str);
}

/* The sentence of @text that holds a word of @kind, or the first one. */
static char *
moving_sentence (const char *text,
                 Keyword     kind)
{
  g_autoptr(GString) word = g_string_new (NULL);
  gsize pos = 0;

  while (kind != KW_NONE && text[pos] != '\0')
    {
      gsize len = sentence_end (text + pos);
      const char *p = text + pos;
      const char *end = text + pos + len;
      const char *start;

      while (next_word (&p, end, &start, word))
        if (keyword_of (word->str) == kind)
          return g_strndup (text + pos, len);

      pos += len;
      while (text[pos] == ' ')
        pos++;
    }

  return g_strndup (text, sentence_end (text));
}

static const char *
camera_phrase (HeyaiCameraMove move)
{
  switch (move)
    {
    case HEYAI_CAMERA_STATIC:    return "Locked-off static camera";
    case HEYAI_CAMERA_PUSH_IN:   return "Slow push-in";
    case HEYAI_CAMERA_PULL_OUT:  return "Slow pull-out revealing the surroundings";
    case HEYAI_CAMERA_PAN_LEFT:  return "Smooth pan left following the action";
    case HEYAI_CAMERA_PAN_RIGHT: return "Smooth pan right following the action";
    case HEYAI_CAMERA_TILT_UP:   return "Slow tilt up";
    case HEYAI_CAMERA_TILT_DOWN: return "Slow tilt down";
    default:                     return "Slow push-in";
    }
}

static const char *
aspect_phrase (HeyaiAspect aspect)
{
  switch (aspect)
    {
    case HEYAI_ASPECT_9_16: return "vertical 9:16 frame";
    case HEYAI_ASPECT_1_1:  return "square 1:1 frame";
    case HEYAI_ASPECT_16_9:
    default:                return "cinematic 16:9 frame";
    }
}

/* Appends @text as a sentence (a space before, a full stop after unless it
 * already ends with punctuation, possibly inside closing quotes). */
static void
append_sentence (GString    *out,
                 const char *text)
{
  const char *last;
  gunichar c;

  if (*text == '\0')
    return;
  if (out->len > 0)
    g_string_append_c (out, ' ');
  g_string_append (out, text);

  /* a closing quote or bracket ends the sentence only after punctuation:
   * 'lee: "No vengas".' but 'tiembla: "Ya no puedo."' */
  last = g_utf8_find_prev_char (text, text + strlen (text));
  c = g_utf8_get_char (last);
  if ((c == '"' || c == 0x201D || c == 0x00BB || c == ')') && last > text)
    c = g_utf8_get_char (g_utf8_find_prev_char (text, last));
  if (c != '.' && c != '!' && c != '?' && c != 0x2026)
    g_string_append_c (out, '.');
}

typedef struct
{
  HeyaiScript *script;
  GHashTable  *proper;
  gboolean     spanish;
  const char  *style;      /* trimmed, may be "" */
  HeyaiAspect  aspect;
  Keyword      time;       /* carried over from scene to scene */
} Context;

static Draft *
make_draft (Context    *ctx,
            const Unit *unit,
            guint       index,
            guint       n_units)
{
  Draft *draft = g_new0 (Draft, 1);
  UnitText u;
  g_autofree char *setting = NULL;
  g_autofree char *cards = NULL;
  g_autofree char *visual = NULL;
  const char *inout = NULL;
  Keyword heading_time = KW_NONE;
  Keyword move_kind = KW_NONE;
  guint mask;
  guint32 hash;
  const char *action;

  gather_unit (ctx->script, unit, ctx->proper, &u);
  action = u.action->str;
  hash = fnv1a (u.excerpt->str);
  mask = keyword_mask (action);
  if (u.cards->len > 0)
    cards = join_cards (u.cards);

  draft->excerpt = g_strdup (u.excerpt->str);

  /* Title */
  if (u.heading != NULL)
    parse_heading (u.heading, ctx->proper, &draft->title, &setting, &inout, &heading_time);
#define NO_TITLE() (draft->title == NULL || *draft->title == '\0')
  if (NO_TITLE () && *action != '\0')
    {
      g_free (draft->title);
      draft->title = prose_title (action);
    }
  if (NO_TITLE () && cards != NULL)
    {
      g_free (draft->title);
      draft->title = g_strdup_printf ("%s: %s", ctx->spanish ? "Rótulo" : "Title card", cards);
    }
  if (NO_TITLE () && u.dialogue->len > 0)
    {
      g_free (draft->title);
      draft->title = g_strdup (g_ptr_array_index (u.dialogue, 0));
    }
  if (NO_TITLE ())
    {
      /* only punctuation ("...") to go on */
      g_free (draft->title);
      draft->title = g_strdup_printf ("%s %u", ctx->spanish ? "Escena" : "Scene", index + 1);
    }
#undef NO_TITLE
  if ((gsize) g_utf8_strlen (draft->title, -1) > TITLE_MAX_CHARS)
    {
      char *cut = cut_text (draft->title, TITLE_MAX_CHARS);
      g_free (draft->title);
      draft->title = cut;
    }

  /* Time of day: the heading's, else words in the text, else the previous
   * scene's (a trailer rarely jumps without saying so). */
  if (heading_time != KW_NONE)
    ctx->time = heading_time;
  else if (mask & (1u << KW_NIGHT))
    ctx->time = KW_NIGHT;
  else if (mask & (1u << KW_DAWN))
    ctx->time = KW_DAWN;
  else if (mask & (1u << KW_DUSK))
    ctx->time = KW_DUSK;

  /* Camera move */
  if (*action == '\0' && u.dialogue->len == 0 && cards != NULL)
    draft->camera_move = HEYAI_CAMERA_STATIC;
  else if (cards != NULL || (mask & (1u << KW_END)))
    {
      draft->camera_move = HEYAI_CAMERA_PUSH_IN;
      move_kind = KW_END;
    }
  else if (mask & (1u << KW_UP))
    {
      draft->camera_move = HEYAI_CAMERA_TILT_UP;
      move_kind = KW_UP;
    }
  else if (mask & (1u << KW_PAN))
    {
      draft->camera_move = (hash >> 7) & 1 ? HEYAI_CAMERA_PAN_LEFT : HEYAI_CAMERA_PAN_RIGHT;
      move_kind = KW_PAN;
    }
  else if (mask & (1u << KW_DOWN))
    {
      draft->camera_move = HEYAI_CAMERA_TILT_DOWN;
      move_kind = KW_DOWN;
    }
  else if (mask & (1u << KW_OUT))
    {
      draft->camera_move = HEYAI_CAMERA_PULL_OUT;
      move_kind = KW_OUT;
    }
  else
    {
      static const HeyaiCameraMove fallback[] = {
        HEYAI_CAMERA_PUSH_IN, HEYAI_CAMERA_PULL_OUT, HEYAI_CAMERA_PAN_LEFT,
        HEYAI_CAMERA_PAN_RIGHT, HEYAI_CAMERA_STATIC,
      };
      draft->camera_move = fallback[hash % G_N_ELEMENTS (fallback)];
    }

  /* Duration */
  draft->duration = unit->seconds <= SHORT_SCENE_SECONDS ? 5 : 10;

  /* Description: action, dialogue quoted, cards; source language kept. */
  {
    g_autoptr(GString) body = g_string_new (NULL);
    g_autofree char *note = NULL;
    g_autofree char *cut = NULL;
    gsize room = DESCRIPTION_MAX_CHARS;
    guint i;

    append_sentence (body, action);
    for (i = 0; i < u.dialogue->len; i++)
      append_sentence (body, g_ptr_array_index (u.dialogue, i));
    if (u.centered->len > 0)
      {
        g_autofree char *centered = join_cards (u.centered);
        g_autofree char *card = g_strdup_printf ("%s: %s", ctx->spanish ? "Rótulo" : "Title card", centered);
        append_sentence (body, card);
      }
    for (i = 0; i < u.title_lines->len; i++)
      append_sentence (body, g_ptr_array_index (u.title_lines, i));

    if (unit->last > unit->first)
      {
        /* in the script's language, like the rest of the description */
        if (ctx->spanish)
          note = g_strdup_printf ("Reúne las escenas %u–%u del guion (el divisor sin conexión hace como máximo %d escenas).",
                                  unit->first + 1, unit->last + 1, HEYAI_LLM_OFFLINE_MAX_SCENES);
        else
          note = g_strdup_printf ("Merged from script scenes %u–%u (the offline splitter makes at most %d scenes).",
                                  unit->first + 1, unit->last + 1, HEYAI_LLM_OFFLINE_MAX_SCENES);
        room = MAX (DESCRIPTION_MAX_CHARS / 2, DESCRIPTION_MAX_CHARS - (gsize) g_utf8_strlen (note, -1) - 1);
      }

    /* a heading with nothing under it: describe the place */
    if (body->len == 0)
      append_sentence (body, draft->title);

    cut = cut_text (body->str, room);
    draft->description = note != NULL ? g_strconcat (cut, " ", note, NULL) : g_steal_pointer (&cut);
  }

  /* Image prompt: shot, what is seen, where and when, style, frame. */
  {
    g_autoptr(GString) prompt = g_string_new (NULL);
    const char *shot;
    const char *when = time_phrase (ctx->time);

    if (*action != '\0')
      visual = cut_text (action, VISUAL_MAX_CHARS);
    else if (cards != NULL)
      visual = g_strdup_printf ("Bold cinematic lettering on black reading \"%s\"", cards);
    else if (u.dialogue->len > 0)
      visual = cut_text (g_ptr_array_index (u.dialogue, 0), VISUAL_MAX_CHARS);
    else
      visual = g_strdup (draft->title);

    if (*action == '\0' && cards != NULL)
      shot = "Title card";
    else if (index == 0)
      shot = "Wide establishing shot";
    else if (u.dialogue->len > 0)
      shot = "Medium close-up";
    else
      {
        static const char *const shots[] = { "Wide shot", "Medium shot", "Low-angle shot", "High-angle shot", "Close-up" };
        shot = shots[(hash >> 3) % G_N_ELEMENTS (shots)];
      }

    g_string_append_printf (prompt, "%s.", shot);
    append_sentence (prompt, visual);

    if ((setting != NULL || inout != NULL || when != NULL) && g_strcmp0 (shot, "Title card") != 0)
      {
        g_autoptr(GString) where = g_string_new (NULL);

        if (inout != NULL)
          g_string_append (where, inout);
        if (setting != NULL)
          g_string_append_printf (where, "%s%s", where->len > 0 ? ", " : "", setting);
        if (when != NULL)
          g_string_append_printf (where, "%s%s", where->len > 0 ? ", " : "", when);
        {
          g_autofree char *cap = capitalise_first (where->str);
          append_sentence (prompt, cap);
        }
      }

    {
      g_autoptr(GString) weather = g_string_new (NULL);

      if (mask & (1u << KW_FOG))
        g_string_append (weather, "fog");
      if (mask & (1u << KW_RAIN))
        g_string_append_printf (weather, "%srain", weather->len > 0 ? ", " : "");
      if (mask & (1u << KW_STORM))
        g_string_append_printf (weather, "%sstorm and lightning", weather->len > 0 ? ", " : "");
      if (mask & (1u << KW_SNOW))
        g_string_append_printf (weather, "%ssnow", weather->len > 0 ? ", " : "");
      if (weather->len > 0)
        {
          g_autofree char *w = g_strdup_printf ("Atmosphere: %s", weather->str);
          append_sentence (prompt, w);
        }
    }

    if (*ctx->style != '\0')
      {
        g_autofree char *style = heyai_prompt_style_sentence (ctx->style);
        append_sentence (prompt, style);
      }

    {
      /* the aspect words stay exactly as written ("cinematic 16:9 frame") */
      g_autofree char *frame = g_strdup_printf ("Film still, %s, sharp focus, %s",
                                                aspect_phrase (ctx->aspect),
                                                cards != NULL && *action == '\0' ? "clean typography"
                                                                                : "no captions or subtitles");
      append_sentence (prompt, frame);
    }

    draft->image_prompt = g_string_free (g_steal_pointer (&prompt), FALSE);
  }

  /* Motion prompt: the move in words, then what moves. */
  {
    g_autoptr(GString) motion = g_string_new (camera_phrase (draft->camera_move));
    g_string_append_c (motion, '.');

    if (*action != '\0')
      {
        g_autofree char *sentence = moving_sentence (action, move_kind);
        g_autofree char *cut = cut_text (sentence, MOTION_MAX_CHARS);
        append_sentence (motion, cut);
      }
    else if (u.dialogue->len > 0)
      append_sentence (motion, "The speaker talks with small natural gestures");

    if (cards != NULL && *action != '\0')
      {
        g_autofree char *end = g_strdup_printf ("Ends on the title card \"%s\"", cards);
        append_sentence (motion, end);
      }
    else if (cards != NULL)
      append_sentence (motion, "The lettering fades in slowly");

    append_sentence (motion, index + 1 == n_units ? "Subtle natural motion, hold on the last frame"
                                                   : "Subtle natural motion, no cuts");
    draft->motion_prompt = g_string_free (g_steal_pointer (&motion), FALSE);
  }

  unit_text_clear (&u);
  return draft;
}

/* ------------------------------------------------------------------------ */
/* Worker                                                                    */

static void
split_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SplitInput *input = task_data;
  g_autoptr(HeyaiScript) script = NULL;
  g_autoptr(GArray) units = NULL;
  g_autoptr(GHashTable) proper = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autofree char *style = NULL;
  GError *error = NULL;
  Context ctx;
  guint i;

  if (g_task_return_error_if_cancelled (task))
    return;

  script = heyai_script_parse (input->script, -1, &error);
  if (script == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  units = g_array_sized_new (FALSE, FALSE, sizeof (Unit), script->scenes->len);
  for (i = 0; i < script->scenes->len; i++)
    {
      HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);
      Unit unit = { i, i, scene->seconds };
      g_array_append_val (units, unit);
    }

  if (units->len > HEYAI_LLM_OFFLINE_MAX_SCENES)
    {
      g_info ("Offline splitter: %u script scenes merged into %d", units->len, HEYAI_LLM_OFFLINE_MAX_SCENES);
      cap_units (units, HEYAI_LLM_OFFLINE_MAX_SCENES);
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  proper = collect_proper_nouns (script);
  /* the style bible goes into every image prompt as written (trimmed);
   * only an unusually long one is cut */
  style = g_strstrip (g_strdup (input->style != NULL ? input->style : ""));
  if ((gsize) g_utf8_strlen (style, -1) > STYLE_MAX_CHARS)
    {
      g_autofree char *flat = collapse_ws (style);
      g_free (style);
      style = cut_text (flat, STYLE_MAX_CHARS);
    }

  ctx.script = script;
  ctx.proper = proper;
  ctx.spanish = script_is_spanish (script);
  ctx.style = style;
  ctx.aspect = input->aspect;
  ctx.time = KW_NONE;

  drafts = g_ptr_array_new_with_free_func (draft_free);
  for (i = 0; i < units->len; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      g_ptr_array_add (drafts, make_draft (&ctx, &g_array_index (units, Unit, i), i, units->len));
    }

  g_task_return_pointer (task, g_steal_pointer (&drafts), (GDestroyNotify) g_ptr_array_unref);
}

/* ------------------------------------------------------------------------ */
/* HeyaiLlm                                                                  */

static const char *
heyai_llm_offline_get_name (HeyaiLlm *llm)
{
  return "offline";
}

static const char *
heyai_llm_offline_get_model (HeyaiLlm *llm)
{
  return "heyai-splitter-1";
}

static void
heyai_llm_offline_split_async (HeyaiLlm            *llm,
                               HeyaiProject        *project,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SplitInput *input;

  g_return_if_fail (HEYAI_IS_LLM_OFFLINE (llm));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* copies: the worker never touches the project */
  input = g_new0 (SplitInput, 1);
  input->script = g_strdup (heyai_project_get_script (project) != NULL ? heyai_project_get_script (project) : "");
  input->title = g_strdup (heyai_project_get_title (project));
  input->style = g_strdup (heyai_project_get_style (project));
  input->project_id = g_strdup (heyai_project_get_id (project));
  input->aspect = heyai_project_get_aspect (project);

  task = g_task_new (llm, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_llm_offline_split_async);
  g_task_set_task_data (task, input, split_input_free);
  g_task_run_in_thread (task, split_thread);
}

static GPtrArray *
heyai_llm_offline_split_finish (HeyaiLlm      *llm,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_autoptr(GPtrArray) drafts = NULL;
  GPtrArray *scenes;
  SplitInput *input;
  guint i;

  g_return_val_if_fail (g_task_is_valid (result, llm), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == heyai_llm_offline_split_async, NULL);

  drafts = g_task_propagate_pointer (G_TASK (result), error);
  if (drafts == NULL)
    return NULL;

  input = g_task_get_task_data (G_TASK (result));

  /* model objects are made here, on the caller's thread */
  scenes = g_ptr_array_new_full (drafts->len, g_object_unref);
  for (i = 0; i < drafts->len; i++)
    {
      Draft *draft = g_ptr_array_index (drafts, i);
      HeyaiScene *scene = heyai_scene_new ();

      heyai_scene_set_project_id (scene, input->project_id);
      heyai_scene_set_position (scene, (int) i + 1);
      heyai_scene_set_title (scene, draft->title);
      heyai_scene_set_excerpt (scene, draft->excerpt);
      heyai_scene_set_description (scene, draft->description);
      heyai_scene_set_image_prompt (scene, draft->image_prompt);
      heyai_scene_set_motion_prompt (scene, draft->motion_prompt);
      heyai_scene_set_camera_move (scene, draft->camera_move);
      heyai_scene_set_duration (scene, draft->duration);
      g_ptr_array_add (scenes, scene);
    }

  return scenes;
}

static void
heyai_llm_offline_iface_init (HeyaiLlmInterface *iface)
{
  iface->get_name = heyai_llm_offline_get_name;
  iface->get_model = heyai_llm_offline_get_model;
  iface->split_async = heyai_llm_offline_split_async;
  iface->split_finish = heyai_llm_offline_split_finish;
}

static void
heyai_llm_offline_class_init (HeyaiLlmOfflineClass *klass)
{
}

static void
heyai_llm_offline_init (HeyaiLlmOffline *self)
{
}

HeyaiLlm *
heyai_llm_offline_new (void)
{
  return g_object_new (HEYAI_TYPE_LLM_OFFLINE, NULL);
}
