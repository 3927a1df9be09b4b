/* test-script.c: heyai_script_parse on prose and Fountain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "heyai-core.h"

static char *
load_sample (const char *name,
             gsize      *length)
{
  const char *dir = g_getenv ("HEYAI_SAMPLES_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, name, NULL);
  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static HeyaiScript *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  HeyaiScript *script = heyai_script_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (script);
  return script;
}

static HeyaiScriptScene *
scene_at (HeyaiScript *script,
          guint        i)
{
  g_assert_cmpuint (i, <, script->scenes->len);
  return g_ptr_array_index (script->scenes, i);
}

static HeyaiScriptElement *
element_at (HeyaiScriptScene *scene,
            guint             i)
{
  g_assert_cmpuint (i, <, scene->elements->len);
  return g_ptr_array_index (scene->elements, i);
}

/* The @nth element of @type in @scene, or NULL. */
static HeyaiScriptElement *
maybe_element (HeyaiScriptScene *scene,
              HeyaiElementType  type,
              guint             nth)
{
  guint i;

  for (i = 0; i < scene->elements->len; i++)
    {
      HeyaiScriptElement *element = g_ptr_array_index (scene->elements, i);
      if (element->type == type && nth-- == 0)
        return element;
    }

  return NULL;
}

/* The @nth element of @type in @scene (it must exist). */
static HeyaiScriptElement *
find_element (HeyaiScriptScene *scene,
              HeyaiElementType  type,
              guint             nth)
{
  HeyaiScriptElement *element = maybe_element (scene, type, nth);

  if (element == NULL)
    g_error ("scene at line %d has no element %u of type %d", scene->first_line, nth, type);
  return element;
}

static guint
count_elements (HeyaiScript      *script,
                HeyaiElementType  type)
{
  guint n = 0;
  guint i, j;

  for (i = 0; i < script->scenes->len; i++)
    {
      HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);
      for (j = 0; j < scene->elements->len; j++)
        if (((HeyaiScriptElement *) g_ptr_array_index (scene->elements, j))->type == type)
          n++;
    }

  return n;
}

static void
assert_invalid (const char *text,
                gssize      length,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScript) script = heyai_script_parse (text, length, &error);

  g_assert_null (script);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

/* ------------------------------------------------------------------------ */

static void
test_prose_sample (void)
{
  gsize length = 0;
  g_autofree char *text = load_sample ("el-ultimo-faro.txt", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScript) script = heyai_script_parse (text, (gssize) length, &error);
  HeyaiScriptScene *scene;
  guint i;

  g_assert_no_error (error);
  g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_PROSE);
  /* the first line "EL ÚLTIMO FARO — guion de tráiler (90 segundos)" is the title */
  g_assert_cmpstr (script->title, ==, "EL ÚLTIMO FARO");
  g_assert_cmpuint (g_hash_table_size (script->title_page), ==, 0);

  /* 8 paragraphs after the title line; the short closing "Título: ..."
   * card merges into the last scene. */
  g_assert_cmpuint (script->scenes->len, ==, 7);

  scene = scene_at (script, 0);
  g_assert_null (scene->heading);
  g_assert_cmpstr (scene->excerpt, ==,
                   "Una isla de piedra en mitad del Atlántico. Niebla. Un faro apagado desde hace cuarenta años.");
  g_assert_cmpint (scene->first_line, ==, 3);
  g_assert_cmpuint (scene->elements->len, ==, 1);
  g_assert_cmpint (element_at (scene, 0)->type, ==, HEYAI_ELEMENT_ACTION);
  g_assert_cmpstr (element_at (scene, 0)->text, ==, scene->excerpt);
  g_assert_cmpuint (scene->n_words, ==, 16);
  g_assert_cmpfloat_with_epsilon (scene->seconds, 16 / 2.5, 1e-9);

  scene = scene_at (script, 1);
  g_assert_cmpstr (scene->excerpt, ==,
                   "Marta, farera jubilada de setenta años, sube la escalera de caracol con una linterna de aceite. Cada peldaño cruje.");

  /* quoted speech counts at the dialogue rate */
  scene = scene_at (script, 2);
  g_assert_nonnull (strstr (scene->excerpt, "\"Si la luz vuelve a encenderse, no vengas\""));
  g_assert_cmpuint (scene->n_words, ==, 20);
  g_assert_cmpfloat_with_epsilon (scene->seconds, 12 / 2.5 + 8 / 2.8, 1e-9);

  scene = scene_at (script, 6);
  g_assert_true (g_str_has_prefix (scene->excerpt, "Plano final: el haz verde se apaga."));
  g_assert_true (g_str_has_suffix (scene->excerpt,
                                   "desde fuera.\n\nTítulo: EL ÚLTIMO FARO. Solo en cines."));
  g_assert_cmpuint (scene->elements->len, ==, 2);

  /* every excerpt is a byte-exact piece of the source */
  for (i = 0; i < script->scenes->len; i++)
    {
      scene = scene_at (script, i);
      g_assert_nonnull (strstr (text, scene->excerpt));
      g_assert_cmpfloat (scene->seconds, >=, 2.0);
    }

  g_assert_cmpuint (script->n_words, ==, heyai_script_count_words (text) - 8);
  g_assert_cmpfloat (script->seconds, >, 40.0);
  g_assert_cmpfloat (script->seconds, <, 70.0);
}

static void
test_fountain_sample (void)
{
  gsize length = 0;
  g_autofree char *text = load_sample ("night-shift.fountain", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScript) script = heyai_script_parse (text, (gssize) length, &error);
  HeyaiScriptScene *scene;
  HeyaiScriptElement *element;
  static const char *const headings[] = {
    "INT. HOSPITAL CORRIDOR - NIGHT",
    "EXT. HOSPITAL ROOFTOP - CONTINUOUS",
    "INT. ELEVATOR - NIGHT",
    "FLASHBACK - AMARA AS A CHILD",
    "EXT. CITY SKYLINE - DAWN",
  };
  static const int first_lines[] = { 5, 12, 16, 20, 24 };
  guint i;

  g_assert_no_error (error);
  g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_FOUNTAIN);
  g_assert_cmpstr (script->title, ==, "Night Shift");
  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "title"), ==, "Night Shift");
  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "credit"), ==, "Trailer script");
  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "draft date"), ==, "2026-11-01");
  g_assert_cmpuint (g_hash_table_size (script->title_page), ==, 3);

  g_assert_cmpuint (script->scenes->len, ==, G_N_ELEMENTS (headings));
  for (i = 0; i < G_N_ELEMENTS (headings); i++)
    {
      scene = scene_at (script, i);
      g_assert_cmpstr (scene->heading, ==, headings[i]);
      g_assert_cmpint (scene->first_line, ==, first_lines[i]);
      g_assert_cmpint (element_at (scene, 0)->type, ==, HEYAI_ELEMENT_SCENE_HEADING);
      g_assert_cmpstr (element_at (scene, 0)->text, ==, headings[i]);
      g_assert_nonnull (strstr (text, scene->excerpt));
      g_assert_cmpfloat (scene->seconds, >=, 2.0);
    }

  scene = scene_at (script, 0);
  g_assert_cmpstr (scene->excerpt, ==,
                   "INT. HOSPITAL CORRIDOR - NIGHT\n\n"
                   "Fluorescent lights flicker. DR. AMARA OKAFOR (40s) walks fast, coffee in hand.\n\n"
                   "AMARA\n"
                   "Who moved the patient in room twelve?");
  g_assert_cmpuint (scene->elements->len, ==, 4);
  g_assert_cmpint (element_at (scene, 1)->type, ==, HEYAI_ELEMENT_ACTION);
  g_assert_cmpint (element_at (scene, 2)->type, ==, HEYAI_ELEMENT_CHARACTER);
  g_assert_cmpstr (element_at (scene, 2)->text, ==, "AMARA");
  g_assert_false (element_at (scene, 2)->dual);
  g_assert_cmpint (element_at (scene, 3)->type, ==, HEYAI_ELEMENT_DIALOGUE);
  g_assert_cmpstr (element_at (scene, 3)->text, ==, "Who moved the patient in room twelve?");
  g_assert_cmpint (element_at (scene, 3)->line, ==, 10);
  /* 12 action words at 2.5/s + 7 dialogue words at 2.8/s */
  g_assert_cmpfloat_with_epsilon (scene->seconds, 12 / 2.5 + 7 / 2.8, 1e-9);

  scene = scene_at (script, 4);
  g_assert_cmpuint (scene->elements->len, ==, 4);
  element = find_element (scene, HEYAI_ELEMENT_CENTERED, 0);
  g_assert_nonnull (element);
  g_assert_cmpstr (element->text, ==, "NIGHT SHIFT");
  element = find_element (scene, HEYAI_ELEMENT_CENTERED, 1);
  g_assert_nonnull (element);
  g_assert_cmpstr (element->text, ==, "THIS WINTER");
  g_assert_true (g_str_has_suffix (scene->excerpt, "> NIGHT SHIFT <\n\n> THIS WINTER <"));
  /* 9 action words + two cards of at least 2 s */
  g_assert_cmpfloat_with_epsilon (scene->seconds, 9 / 2.5 + 2.0 + 2.0, 1e-9);

  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_CHARACTER), ==, 1);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_TRANSITION), ==, 0);
}

static void
test_utf8_preserved (void)
{
  const char *text =
    "Título: La última canción\n\n"
    "EXT. PLAYA DE SAN JUAN — NOCHE\n\n"
    "Lucía camina descalza; el mar está en calma — demasiado.\n\n"
    "LUCÍA\n"
    "¿Quién anda ahí? “Nadie”, dice el eco.\n";
  g_autoptr(HeyaiScript) script = parse_ok (text);
  HeyaiScriptScene *scene;

  g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_FOUNTAIN);
  g_assert_cmpstr (script->title, ==, "La última canción");
  g_assert_cmpuint (script->scenes->len, ==, 1);
  scene = scene_at (script, 0);
  g_assert_cmpstr (scene->heading, ==, "EXT. PLAYA DE SAN JUAN — NOCHE");
  g_assert_cmpstr (scene->excerpt, ==,
                   "EXT. PLAYA DE SAN JUAN — NOCHE\n\n"
                   "Lucía camina descalza; el mar está en calma — demasiado.\n\n"
                   "LUCÍA\n"
                   "¿Quién anda ahí? “Nadie”, dice el eco.");
  g_assert_cmpstr (element_at (scene, 1)->text, ==, "Lucía camina descalza; el mar está en calma — demasiado.");
  g_assert_cmpint (element_at (scene, 2)->type, ==, HEYAI_ELEMENT_CHARACTER);
  g_assert_cmpstr (element_at (scene, 2)->text, ==, "LUCÍA");
  g_assert_cmpstr (element_at (scene, 3)->text, ==, "¿Quién anda ahí? “Nadie”, dice el eco.");
}

static void
test_count_words (void)
{
  g_assert_cmpuint (heyai_script_count_words (NULL), ==, 0);
  g_assert_cmpuint (heyai_script_count_words (""), ==, 0);
  g_assert_cmpuint (heyai_script_count_words ("  \n\t "), ==, 0);
  g_assert_cmpuint (heyai_script_count_words ("one"), ==, 1);
  g_assert_cmpuint (heyai_script_count_words ("¿Qué tal, señora Núñez?"), ==, 4);
  g_assert_cmpuint (heyai_script_count_words ("calma — demasiado"), ==, 2);
  g_assert_cmpuint (heyai_script_count_words ("calma—demasiado"), ==, 2);
  g_assert_cmpuint (heyai_script_count_words ("don’t stop -- ever ..."), ==, 3);
  g_assert_cmpuint (heyai_script_count_words ("2026-11-01 (90 segundos)"), ==, 3);
  g_assert_cmpuint (heyai_script_count_words ("東京\u3000夜"), ==, 2);

  g_assert_cmpfloat (heyai_script_estimate_seconds (""), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (heyai_script_estimate_seconds ("one two three four five six seven eight nine ten"),
                                  10 / 2.5, 1e-9);
  /* a short text still holds the screen for a shot */
  g_assert_cmpfloat_with_epsilon (heyai_script_estimate_seconds ("Niebla."), 2.0, 1e-9);
  /* invalid input falls back to words */
  g_assert_cmpfloat_with_epsilon (heyai_script_estimate_seconds ("uno dos \xff tres cuatro cinco seis siete"),
                                  7 / 2.5, 1e-9);
  g_assert_cmpuint (heyai_script_count_words ("uno \xe2\x80"), ==, 1);
  g_assert_cmpuint (heyai_script_count_words ("a\xc3"), ==, 1);
}

static void
test_invalid_utf8 (void)
{
  g_autoptr(GString) big = g_string_new (NULL);
  guint i;

  assert_invalid ("abc\xff", -1, "(first bad byte at offset 3)");
  assert_invalid ("\xc3", -1, "offset 0");
  /* a valid 2-byte sequence then a truncated 3-byte one */
  assert_invalid ("Ñandú \xe2\x80 after", -1, "offset 8");

  for (i = 0; i < 1000; i++)
    g_string_append (big, "línea ");
  g_string_append_c (big, '\x80');
  assert_invalid (big->str, (gssize) big->len,
                  "The script is not valid UTF-8 text (first bad byte at offset 7000). Save it as UTF-8 and try again.");
}

static void
test_nul_byte (void)
{
  static const char text[] = "INT. HOUSE - DAY\n\nSome\0thing";

  static const char utf16[] = "\xff\xfeH\0i\0";

  assert_invalid (utf16, sizeof utf16 - 1, "saved as UTF-16 text. Save it as UTF-8");
  assert_invalid (text, sizeof text - 1, "binary");
  assert_invalid (text, sizeof text - 1, "offset 22");
  /* with -1 the text ends at the NUL and parses */
  {
    g_autoptr(HeyaiScript) script = parse_ok (text);
    g_assert_cmpstr (element_at (scene_at (script, 0), 1)->text, ==, "Some");
  }
}

static void
test_empty (void)
{
  assert_invalid ("", -1, "empty");
  assert_invalid ("", 0, "empty");
  assert_invalid (" \n\t\r\n   \n", -1, "empty");
  assert_invalid ("\xef\xbb\xbf \xc2\xa0\n\xe3\x80\x80", -1, "empty");
  /* text that holds only outline material has no scenes */
  assert_invalid ("Title: Nothing\nCredit: nobody\n\n/* all cut */\n\n[[only a note]]\n", -1, "no scenes");
}

static void
test_oversize (void)
{
  gsize size = 5 * 1024 * 1024;
  char *text = g_malloc (size + 1);
  gint64 start;
  g_autoptr(GError) error = NULL;
  HeyaiScript *script;

  memset (text, 'a', size);
  text[size] = '\0';

  start = g_get_monotonic_time ();
  script = heyai_script_parse (text, (gssize) size, &error);
  g_test_message ("5 MB rejected in %" G_GINT64_FORMAT " µs", g_get_monotonic_time () - start);
  g_assert_null (script);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==,
                   "The script is too large (5.0 MB; the limit is 2.0 MB). Split it into shorter scripts and try again.");
  g_clear_error (&error);

  /* NUL-terminated: never scans past the limit */
  script = heyai_script_parse (text, -1, &error);
  g_assert_null (script);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "limit of 2.0 MB"));
  g_clear_error (&error);

  /* exactly the limit is fine */
  script = heyai_script_parse (text, HEYAI_SCRIPT_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_nonnull (script);
  g_assert_cmpuint (script->scenes->len, ==, 1);
  heyai_script_free (script);

  g_free (text);
}

static void
test_transitions (void)
{
  const char *text =
    "INT. LAB - NIGHT\n\n"
    "A beaker explodes.\n\n"
    "CUT TO:\n\n"
    "EXT. STREET - NIGHT\n\n"
    "Sirens.\n\n"
    "> FADE OUT.\n\n"
    "SMASH CUT TO:\n"
    "Not a transition, the line after is not blank.\n";
  g_autoptr(HeyaiScript) script = parse_ok (text);
  HeyaiScriptScene *scene;

  g_assert_cmpuint (script->scenes->len, ==, 2);
  scene = scene_at (script, 0);
  g_assert_cmpuint (scene->elements->len, ==, 3);
  g_assert_cmpint (element_at (scene, 2)->type, ==, HEYAI_ELEMENT_TRANSITION);
  g_assert_cmpstr (element_at (scene, 2)->text, ==, "CUT TO:");
  g_assert_cmpfloat_with_epsilon (scene->seconds, 3 / 2.5 + 0.5 < 2.0 ? 2.0 : 3 / 2.5 + 0.5, 1e-9);

  scene = scene_at (script, 1);
  g_assert_nonnull (maybe_element (scene, HEYAI_ELEMENT_TRANSITION, 0));
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_TRANSITION, 0)->text, ==, "FADE OUT.");
  /* "SMASH CUT TO:" followed by text is a character cue by Fountain's rules */
  g_assert_null (maybe_element (scene, HEYAI_ELEMENT_TRANSITION, 1));
  g_assert_nonnull (maybe_element (scene, HEYAI_ELEMENT_CHARACTER, 0));
}

static void
test_boneyard_notes (void)
{
  const char *text =
    "[[A note before anything]]\n\n"
    "INT. ATTIC - DAY\n\n"
    "Dust everywhere. [[check the lighting]] A trunk sits open.\n\n"
    "/* This whole paragraph\n\n"
    "was cut from the trailer. */\n\n"
    "MAYA\n"
    "Hello?\n"
    "[[she whispers]]\n"
    "Anyone?\n\n"
    "The lid /* creaks */ slams shut.\n\n"
    "[[A long note\n"
    "on two lines]]\n\n"
    "EXT. GARDEN - DAY\n\n"
    "Rain.\n";
  g_autoptr(HeyaiScript) script = parse_ok (text);
  HeyaiScriptScene *scene;
  HeyaiScriptElement *element;

  /* the note before the first heading is not a scene */
  g_assert_cmpuint (script->scenes->len, ==, 2);
  scene = scene_at (script, 0);
  g_assert_cmpstr (scene->heading, ==, "INT. ATTIC - DAY");

  element = find_element (scene, HEYAI_ELEMENT_ACTION, 0);
  g_assert_cmpstr (element->text, ==, "Dust everywhere.  A trunk sits open.");
  element = find_element (scene, HEYAI_ELEMENT_ACTION, 1);
  g_assert_cmpstr (element->text, ==, "The lid  slams shut.");
  g_assert_null (maybe_element (scene, HEYAI_ELEMENT_ACTION, 2));

  /* the note line does not split the dialogue */
  element = find_element (scene, HEYAI_ELEMENT_DIALOGUE, 0);
  g_assert_cmpstr (element->text, ==, "Hello?\nAnyone?");
  g_assert_null (maybe_element (scene, HEYAI_ELEMENT_DIALOGUE, 1));

  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_NOTE, 0)->text, ==, "check the lighting");
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_NOTE, 1)->text, ==, "she whispers");
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_NOTE, 2)->text, ==, "A long note on two lines");
  g_assert_null (maybe_element (scene, HEYAI_ELEMENT_NOTE, 3));

  /* excerpts stay verbatim, comments and notes included */
  g_assert_nonnull (strstr (scene->excerpt, "/* This whole paragraph\n\nwas cut from the trailer. */"));
  g_assert_nonnull (strstr (scene->excerpt, "[[check the lighting]]"));

  /* notes and boneyard do not count */
  g_assert_cmpuint (scene->n_words, ==, 3 + 6 + 1 + 2 + 4);

  scene = scene_at (script, 1);
  g_assert_cmpstr (scene->excerpt, ==, "EXT. GARDEN - DAY\n\nRain.");
}

static void
test_character_cues (void)
{
  const char *text =
    "EXT. ROOFTOP - NIGHT\n\n"
    "BRICK\n"
    "Screw retirement.\n\n"
    "STEEL ^\n"
    "Screw retirement.\n\n"
    "AMARA (V.O.)\n"
    "(quietly)\n"
    "I told you.\n"
    "(beat)\n"
    "*Twice*.\n\n"
    "@McCLANE\n"
    "Yippee ki-yay.\n\n"
    "HELICOPTER ROTORS. The wind howls.\n";
  g_autoptr(HeyaiScript) script = parse_ok (text);
  HeyaiScriptScene *scene = scene_at (script, 0);
  HeyaiScriptElement *element;

  g_assert_cmpuint (script->scenes->len, ==, 1);

  element = find_element (scene, HEYAI_ELEMENT_CHARACTER, 0);
  g_assert_cmpstr (element->text, ==, "BRICK");
  g_assert_false (element->dual);
  element = find_element (scene, HEYAI_ELEMENT_CHARACTER, 1);
  g_assert_cmpstr (element->text, ==, "STEEL");
  g_assert_true (element->dual);
  element = find_element (scene, HEYAI_ELEMENT_CHARACTER, 2);
  g_assert_cmpstr (element->text, ==, "AMARA (V.O.)");
  element = find_element (scene, HEYAI_ELEMENT_CHARACTER, 3);
  g_assert_cmpstr (element->text, ==, "McCLANE");
  g_assert_null (maybe_element (scene, HEYAI_ELEMENT_CHARACTER, 4));

  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_PARENTHETICAL, 0)->text, ==, "(quietly)");
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_PARENTHETICAL, 1)->text, ==, "(beat)");
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_DIALOGUE, 2)->text, ==, "I told you.");
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_DIALOGUE, 3)->text, ==, "Twice.");
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_DIALOGUE, 4)->text, ==, "Yippee ki-yay.");

  /* a capitalised line followed by a blank line is action */
  g_assert_cmpstr (find_element (scene, HEYAI_ELEMENT_ACTION, 0)->text, ==, "HELICOPTER ROTORS. The wind howls.");
}

static void
test_markup_and_outline (void)
{
  const char *text =
    "Title:\n"
    "    _**BRICK & STEEL**_\n"
    "    _**FULL RETIRED**_\n"
    "Author: Stu Maschwitz\n"
    "Contact:\n"
    "\tNext Level Productions\n"
    "\t1588 Mission Dr.\n\n"
    "# ACT ONE\n\n"
    "= The heist goes wrong.\n\n"
    "int. kitchen - day #1A#\n\n"
    "The *toaster* pops. **Smoke**. _Everything_ burns in snake_case and a \\*literal\\* star.\n\n"
    "===\n\n"
    "INT./EXT. CAR - MOVING\n\n"
    "...and then nothing.\n\n"
    "I/E TRUCK - DAY\n\n"
    "!LOUD ENGINE.\n"
    "~Sing along\n";
  g_autoptr(HeyaiScript) script = parse_ok (text);
  HeyaiScriptScene *scene;

  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "title"), ==, "BRICK & STEEL\nFULL RETIRED");
  g_assert_cmpstr (script->title, ==, "BRICK & STEEL FULL RETIRED");
  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "author"), ==, "Stu Maschwitz");
  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "contact"), ==, "Next Level Productions\n1588 Mission Dr.");

  g_assert_cmpuint (script->scenes->len, ==, 3);
  scene = scene_at (script, 0);
  g_assert_cmpstr (scene->heading, ==, "int. kitchen - day");
  g_assert_cmpuint (scene->elements->len, ==, 2);
  g_assert_cmpstr (element_at (scene, 1)->text, ==,
                   "The toaster pops. Smoke. Everything burns in snake_case and a *literal* star.");

  scene = scene_at (script, 1);
  g_assert_cmpstr (scene->heading, ==, "INT./EXT. CAR - MOVING");
  /* "..." is not a forced heading */
  g_assert_cmpstr (element_at (scene, 1)->text, ==, "...and then nothing.");

  scene = scene_at (script, 2);
  g_assert_cmpstr (scene->heading, ==, "I/E TRUCK - DAY");
  g_assert_cmpstr (element_at (scene, 1)->text, ==, "LOUD ENGINE.\nSing along");
}

static void
test_crlf (void)
{
  gsize length = 0;
  g_autofree char *text = load_sample ("night-shift.fountain", &length);
  g_autoptr(GString) crlf = g_string_new (NULL);
  g_autoptr(GString) cr = g_string_new (NULL);
  g_autoptr(HeyaiScript) lf_script = parse_ok (text);
  g_autoptr(HeyaiScript) crlf_script = NULL;
  g_autoptr(HeyaiScript) cr_script = NULL;
  gsize i;

  for (i = 0; i < length; i++)
    {
      if (text[i] == '\n')
        {
          g_string_append (crlf, "\r\n");
          g_string_append_c (cr, '\r');
        }
      else
        {
          g_string_append_c (crlf, text[i]);
          g_string_append_c (cr, text[i]);
        }
    }

  crlf_script = parse_ok (crlf->str);
  cr_script = parse_ok (cr->str);

  g_assert_cmpstr (crlf_script->title, ==, "Night Shift");
  g_assert_cmpstr (g_hash_table_lookup (crlf_script->title_page, "draft date"), ==, "2026-11-01");
  g_assert_cmpuint (crlf_script->scenes->len, ==, lf_script->scenes->len);
  g_assert_cmpuint (cr_script->scenes->len, ==, lf_script->scenes->len);
  g_assert_cmpuint (crlf_script->n_words, ==, lf_script->n_words);

  for (i = 0; i < lf_script->scenes->len; i++)
    {
      HeyaiScriptScene *a = scene_at (lf_script, i);
      HeyaiScriptScene *b = scene_at (crlf_script, i);
      HeyaiScriptScene *c = scene_at (cr_script, i);
      guint j;

      g_assert_cmpstr (a->heading, ==, b->heading);
      g_assert_cmpstr (a->heading, ==, c->heading);
      /* excerpts use "\n" whatever the file used */
      g_assert_cmpstr (a->excerpt, ==, b->excerpt);
      g_assert_cmpstr (a->excerpt, ==, c->excerpt);
      g_assert_null (strchr (b->excerpt, '\r'));
      g_assert_cmpint (a->first_line, ==, b->first_line);
      g_assert_cmpuint (a->elements->len, ==, b->elements->len);
      for (j = 0; j < a->elements->len; j++)
        {
          g_assert_cmpint (element_at (a, j)->type, ==, element_at (b, j)->type);
          g_assert_cmpstr (element_at (a, j)->text, ==, element_at (b, j)->text);
          g_assert_cmpstr (element_at (a, j)->text, ==, element_at (c, j)->text);
        }
    }

  /* a UTF-8 byte order mark is ignored */
  {
    g_autofree char *bom = g_strconcat ("\xef\xbb\xbf", text, NULL);
    g_autoptr(HeyaiScript) bom_script = parse_ok (bom);
    g_assert_cmpstr (bom_script->title, ==, "Night Shift");
    g_assert_cmpuint (bom_script->scenes->len, ==, 5);
  }
}

static void
test_prose_rules (void)
{
  /* all-caps first line is the title; short paragraphs merge */
  {
    g_autoptr(HeyaiScript) script = parse_ok (
      "THE LAST TRAIN\n\n"
      "Night.\n\n"
      "A train crosses a frozen plain under a sky full of green light.\n\n"
      "Inside, a conductor counts passengers who are not there.\n\n"
      "Coming soon.\n");

    g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_PROSE);
    g_assert_cmpstr (script->title, ==, "THE LAST TRAIN");
    g_assert_cmpuint (script->scenes->len, ==, 2);
    g_assert_cmpstr (scene_at (script, 0)->excerpt, ==,
                     "Night.\n\nA train crosses a frozen plain under a sky full of green light.");
    g_assert_cmpstr (scene_at (script, 1)->excerpt, ==,
                     "Inside, a conductor counts passengers who are not there.\n\nComing soon.");
  }

  /* no title line: the first paragraph is text; multi-line paragraphs */
  {
    g_autoptr(HeyaiScript) script = parse_ok (
      "A woman runs through a market at dawn,\n"
      "  knocking over crates of oranges.\n\n"
      "A man follows her, never running, always closer.\n");

    g_assert_null (script->title);
    g_assert_cmpuint (script->scenes->len, ==, 2);
    g_assert_cmpstr (element_at (scene_at (script, 0), 0)->text, ==,
                     "A woman runs through a market at dawn,\nknocking over crates of oranges.");
    g_assert_cmpstr (scene_at (script, 0)->excerpt, ==,
                     "A woman runs through a market at dawn,\n  knocking over crates of oranges.");
  }

  /* a single short paragraph is still a scene */
  {
    g_autoptr(HeyaiScript) script = parse_ok ("Fog.");
    g_assert_cmpuint (script->scenes->len, ==, 1);
    g_assert_cmpstr (scene_at (script, 0)->excerpt, ==, "Fog.");
    g_assert_cmpfloat_with_epsilon (script->seconds, 2.0, 1e-9);
  }

  /* a line starting with a dot is not a forced heading in prose... */
  {
    g_autoptr(HeyaiScript) script = parse_ok (
      "The count starts.\n\n.5 seconds later the whole city goes dark and silent.\n");
    g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_PROSE);
  }

  /* ...but forced headings in capitals make a Fountain script */
  {
    g_autoptr(HeyaiScript) script = parse_ok (
      ".THE FLOOD\n\nWater pours through the streets.\n\n.THE ARK\n\nA boat waits.\n");
    g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_FOUNTAIN);
    g_assert_cmpuint (script->scenes->len, ==, 2);
    g_assert_cmpstr (scene_at (script, 1)->heading, ==, "THE ARK");
  }

  /* a trailing "Title:" card names an untitled script */
  {
    g_autoptr(HeyaiScript) script = parse_ok (
      "a quiet village wakes up to find every clock has stopped at noon.\n\n"
      "Title: NOON\n");
    g_assert_cmpstr (script->title, ==, "NOON");
    g_assert_cmpuint (script->scenes->len, ==, 1);
  }
}

/* A generated script of about @size bytes with a known number of scenes. */
static GString *
generate_script (gsize  size,
                 guint *n_scenes)
{
  GString *s = g_string_new ("Title: Generated\nCredit: test\n\n");
  guint n = 0;

  while (s->len < size)
    {
      n++;
      g_string_append_printf (s,
                              "%s. LOCATION %u - NIGHT\n\n"
                              "Rain falls on the city. A figure in a long coat walks past neon signs; "
                              "the camera follows as trains rumble — somewhere a dog barks.\n\n"
                              "DETECTIVE %u\n"
                              "(tired)\n"
                              "We're not done here. Not by a long shot, señor.\n\n"
                              "[[note %u]] /* cut %u */\n\n"
                              "CUT TO:\n\n",
                              n % 2 ? "INT" : "EXT", n, n % 7, n, n);
    }

  *n_scenes = n;
  return s;
}

static void
test_large (void)
{
  guint n_scenes = 0;
  g_autoptr(GString) s = generate_script (1024 * 1024, &n_scenes);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScript) script = NULL;
  gint64 start = g_get_monotonic_time ();

  script = heyai_script_parse (s->str, (gssize) s->len, &error);
  g_test_message ("%" G_GSIZE_FORMAT " bytes, %u scenes parsed in %.1f ms",
                  s->len, n_scenes, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_no_error (error);
  g_assert_cmpuint (script->scenes->len, ==, n_scenes);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_NOTE), ==, n_scenes);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_TRANSITION), ==, n_scenes);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_DIALOGUE), ==, n_scenes);
  {
    g_autofree char *last = g_strdup_printf ("%s. LOCATION %u - NIGHT", n_scenes % 2 ? "INT" : "EXT", n_scenes);
    g_assert_cmpstr (scene_at (script, n_scenes - 1)->heading, ==, last);
  }

  /* the same script with old Mac line endings (lone CR) */
  {
    g_autoptr(HeyaiScript) cr_script = NULL;
    gint64 cr_start;
    gsize i;

    for (i = 0; i < s->len; i++)
      if (s->str[i] == '\n')
        s->str[i] = '\r';

    cr_start = g_get_monotonic_time ();
    cr_script = heyai_script_parse (s->str, (gssize) s->len, &error);
    g_test_message ("CR-only: parsed in %.1f ms", (g_get_monotonic_time () - cr_start) / 1000.0);
    g_assert_no_error (error);
    g_assert_cmpuint (cr_script->scenes->len, ==, n_scenes);
    g_assert_cmpstr (scene_at (cr_script, 7)->excerpt, ==, scene_at (script, 7)->excerpt);
  }
}

/* Random mixtures of Fountain pieces, prose and odd characters: the parser
 * never crashes, and what it returns holds its invariants. */
static void
test_random (void)
{
  static const char *const pieces[] = {
    "INT. ROOM - DAY", "ext. beach — noche", ".FORCED", "..dots", "CUT TO:", "> CENTER <", "> FORCED",
    "BOB", "BOB ^", "@mcCoy", "(beat)", "Hello there.", "Some action with *bold* and _under_.",
    "[[note", "]]", "[[a note]]", "/*", "*/", "# Section", "= synopsis", "===", "Title: T",
    "Credit: C", "   indented", "\t", "  ", "", "", "", "Ñandú — “curly” ‘quotes’ «angles»",
    "~lyric", "!FORCED ACTION", "\\*escaped\\*", "#1#", "á", "\xe2\x80\x94", "東京",
    "Título: X", "THE END", "a", "*", "_", "[", "]", "/", ">", "<", "^", "@", "(", ")",
  };
  static const char *const breaks[] = { "\n", "\n\n", "\r\n", "\r", " " };
  guint iteration;

  for (iteration = 0; iteration < 3000; iteration++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiScript) script = NULL;
      guint n = g_test_rand_int_range (1, 40);
      guint i;

      for (i = 0; i < n; i++)
        {
          g_string_append (s, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
          g_string_append (s, breaks[g_test_rand_int_range (0, G_N_ELEMENTS (breaks))]);
        }

      script = heyai_script_parse (s->str, (gssize) s->len, &error);
      if (script == NULL)
        {
          g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
          continue;
        }

      g_assert_no_error (error);
      g_assert_cmpuint (script->scenes->len, >, 0);
      g_assert_cmpfloat (script->seconds, >=, 2.0 * script->scenes->len);
      for (i = 0; i < script->scenes->len; i++)
        {
          HeyaiScriptScene *scene = scene_at (script, i);
          guint j;

          g_assert_nonnull (scene->excerpt);
          g_assert_true (g_utf8_validate (scene->excerpt, -1, NULL));
          g_assert_null (strchr (scene->excerpt, '\r'));
          g_assert_cmpuint (scene->elements->len, >, 0);
          g_assert_cmpint (scene->first_line, >=, 1);
          if (i > 0)
            g_assert_cmpint (scene->first_line, >, scene_at (script, i - 1)->first_line);
          for (j = 0; j < scene->elements->len; j++)
            {
              HeyaiScriptElement *element = element_at (scene, j);
              g_assert_nonnull (element->text);
              g_assert_true (g_utf8_validate (element->text, -1, NULL));
              g_assert_cmpint (element->line, >=, 1);
            }
          if (script->format == HEYAI_SCRIPT_FORMAT_FOUNTAIN && scene->heading != NULL)
            g_assert_cmpint (element_at (scene, 0)->type, ==, HEYAI_ELEMENT_SCENE_HEADING);
        }
    }
}

/* Text that never went through the parser (an LLM's reply) loses every mark. */
static void
test_strip_markup (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "**Bold** and *italic* and ***both***", "Bold and italic and both" },
    { "_underlined_ words but snake_case stays", "underlined words but snake_case stays" },
    { "A price of 5\\* stars", "A price of 5* stars" },
    { "> BLACK SCREEN <", "BLACK SCREEN" },
    { "> CUT TO:", "CUT TO:" },
    { ".FLASHBACK", "FLASHBACK" },
    { "...and then silence", "...and then silence" },
    { "!Forced action", "Forced action" },
    { "@McCLANE", "McCLANE" },
    { "~Lyrics here", "Lyrics here" },
    { "= A synopsis", "A synopsis" },
    { "## Act Two", "Act Two" },
    { "BRICK ^", "BRICK" },
    { "INT. HOUSE - DAY #12A#", "INT. HOUSE - DAY" },
    { "Text [[a note]] more", "Text more" },
    { "Keep /* boneyard\nacross lines */ this", "Keep this" },
    { "First\n===\nSecond", "First\n\nSecond" },
    { "Un faro en la niebla, ¿quién?", "Un faro en la niebla, ¿quién?" },
    { "[[only a note]]", "" },
    { "Unclosed [[note runs on", "Unclosed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = heyai_script_strip_markup (cases[i].in);

      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Script/prose/sample", test_prose_sample);
  g_test_add_func ("/Script/prose/rules", test_prose_rules);
  g_test_add_func ("/Script/fountain/sample", test_fountain_sample);
  g_test_add_func ("/Script/fountain/transitions", test_transitions);
  g_test_add_func ("/Script/fountain/boneyard-notes", test_boneyard_notes);
  g_test_add_func ("/Script/fountain/character-cues", test_character_cues);
  g_test_add_func ("/Script/fountain/markup-outline", test_markup_and_outline);
  g_test_add_func ("/Script/text/utf8-preserved", test_utf8_preserved);
  g_test_add_func ("/Script/text/count-words", test_count_words);
  g_test_add_func ("/Script/text/crlf", test_crlf);
  g_test_add_func ("/Script/reject/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/Script/reject/nul-byte", test_nul_byte);
  g_test_add_func ("/Script/reject/empty", test_empty);
  g_test_add_func ("/Script/reject/oversize", test_oversize);
  g_test_add_func ("/Script/large", test_large);
  g_test_add_func ("/Script/random", test_random);
  g_test_add_func ("/Script/text/strip-markup", test_strip_markup);

  return g_test_run ();
}
