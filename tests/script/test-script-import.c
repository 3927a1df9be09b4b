/* test-script-import.c: script intake (heyai_script_import_*): public
 * Fountain samples, Final Draft files, screenplay PDFs drawn here with
 * cairo, every text encoding, binary files, refusals, titles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "heyai-error.h"
#include "heyai-script.h"
#include "heyai-script-import.h"

static HeyaiScriptImport *
import_string (const char  *data,
               gssize       len,
               const char  *name,
               GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len < 0 ? strlen (data) : (gsize) len);
  return heyai_script_import_bytes (bytes, name, error);
}

static HeyaiScript *
parse_import (const HeyaiScriptImport *import)
{
  g_autoptr(GError) error = NULL;
  HeyaiScript *script = heyai_script_parse (import->text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (script);
  return script;
}

static guint
count_headings (HeyaiScript *script)
{
  guint n = 0;

  for (guint i = 0; i < script->scenes->len; i++)
    if (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, i))->heading != NULL)
      n++;
  return n;
}

static guint
count_elements (HeyaiScript      *script,
                HeyaiElementType  type)
{
  guint n = 0;

  for (guint i = 0; i < script->scenes->len; i++)
    {
      HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);
      for (guint j = 0; j < scene->elements->len; j++)
        if (((HeyaiScriptElement *) g_ptr_array_index (scene->elements, j))->type == type)
          n++;
    }
  return n;
}

static const HeyaiScriptElement *
find_element (HeyaiScript      *script,
              HeyaiElementType  type,
              const char       *text)
{
  for (guint i = 0; i < script->scenes->len; i++)
    {
      HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);
      for (guint j = 0; j < scene->elements->len; j++)
        {
          const HeyaiScriptElement *e = g_ptr_array_index (scene->elements, j);
          if (e->type == type && (text == NULL || strcmp (e->text, text) == 0))
            return e;
        }
    }
  return NULL;
}

static gboolean
notes_contain (const HeyaiScriptImport *import,
               const char              *needle)
{
  g_autofree char *notes = heyai_script_import_notes_text (import);
  return notes != NULL && strstr (notes, needle) != NULL;
}

/* No Fountain markup in what a reader, a prompt or a document sees. */
static void
assert_plain_text_clean (HeyaiScript *script)
{
  for (guint i = 0; i < script->scenes->len; i++)
    {
      g_autofree char *plain = heyai_script_scene_plain_text (g_ptr_array_index (script->scenes, i));

      g_assert_null (strstr (plain, "[["));
      g_assert_null (strstr (plain, "/*"));
      g_assert_null (strstr (plain, "> "));
      g_assert_null (strstr (plain, " <"));
      g_assert_null (strstr (plain, "**"));
      g_assert_null (strstr (plain, "^"));
    }
}

/* ---------------------------------------------------------------------- */
/* Public Fountain samples                                                 */

static void
test_samples (void)
{
  static const struct { const char *file; guint headings; const char *title; } samples[] = {
    { "big-fish.fountain", 190, "Big Fish" },
    { "brick-and-steel.fountain", 8, "BRICK & STEEL FULL RETIRED" },
  };
  const char *dir = g_getenv ("HEYAI_SAMPLES_DIR");

  g_assert_nonnull (dir);
  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *path = g_build_filename (dir, samples[i].file, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiScriptImport) import = heyai_script_import_file (file, NULL, &error);
      g_autoptr(HeyaiScript) script = NULL;
      g_autofree char *contents = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (import->format, ==, HEYAI_SCRIPT_SOURCE_FOUNTAIN);
      g_assert_cmpstr (import->encoding, ==, "UTF-8");
      g_assert_cmpuint (import->notes->len, ==, 0);
      g_assert_cmpstr (import->title, ==, samples[i].title);
      /* stored as written */
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_cmpstr (import->text, ==, contents);

      script = parse_import (import);
      g_assert_cmpuint (count_headings (script), ==, samples[i].headings);
      g_assert_cmpuint (import->n_scenes, ==, script->scenes->len);
      assert_plain_text_clean (script);
    }
}

/* ---------------------------------------------------------------------- */
/* Fountain a writer sends                                                 */

static void
test_fountain_headings (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import =
    import_string ("I./E. CAR - NIGHT\n\nRain hammers the windshield.\n\n"
                   "INT/EXT. HOUSE - DAY\n\nA door slams.\n\n"
                   "int. kitchen - day\n\nToast burns.\n", -1, "x.fountain", &error);
  g_autoptr(HeyaiScript) script = NULL;

  g_assert_no_error (error);
  script = parse_import (import);
  g_assert_cmpuint (count_headings (script), ==, 3);
  g_assert_cmpstr (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, 0))->heading, ==, "I./E. CAR - NIGHT");
  g_assert_cmpstr (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, 1))->heading, ==, "INT/EXT. HOUSE - DAY");
}

static const char trailer[] =
  "> BLACK SCREEN <\n"
  "\n"
  "NARRATOR (V.O.)\n"
  "In a world without light...\n"
  "\n"
  "> THE LAST LAMP <\n"
  "\n"
  "A lighthouse keeper climbs the endless stairs, breathing hard, a lantern in her hand.\n"
  "\n"
  "MARTA\n"
  "(whispering)\n"
  "They are coming back.\n"
  "\n"
  "LEO\n"
  "Who?\n"
  "\n"
  "Waves smash against the rocks below as the beam sweeps the black sea.\n"
  "\n"
  "> THIS WINTER <\n";

static void
test_fountain_trailer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = import_string (trailer, -1, "trailer.fountain", &error);
  g_autoptr(HeyaiScript) script = NULL;
  const HeyaiScriptElement *e;

  g_assert_no_error (error);
  g_assert_cmpint (import->format, ==, HEYAI_SCRIPT_SOURCE_FOUNTAIN);
  /* the first card that names something, not "BLACK SCREEN" */
  g_assert_cmpstr (import->title, ==, "THE LAST LAMP");

  script = parse_import (import);
  g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_FOUNTAIN);
  g_assert_cmpuint (count_headings (script), ==, 0);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_CENTERED), ==, 3);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_CHARACTER), ==, 3);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_DIALOGUE), ==, 3);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_PARENTHETICAL), ==, 1);
  e = find_element (script, HEYAI_ELEMENT_CHARACTER, "NARRATOR (V.O.)");
  g_assert_nonnull (e);
  /* each card is a shot; the action paragraphs are shots */
  g_assert_cmpuint (script->scenes->len, ==, 5);
  assert_plain_text_clean (script);

  {
    g_autofree char *plain = heyai_script_scene_plain_text (g_ptr_array_index (script->scenes, 0));
    g_assert_cmpstr (plain, ==, "BLACK SCREEN\n\nNARRATOR (V.O.): In a world without light...");
  }
  {
    g_autofree char *plain = heyai_script_scene_plain_text (g_ptr_array_index (script->scenes, 2));
    g_assert_nonnull (strstr (plain, "MARTA: (whispering) They are coming back."));
  }
}

static void
test_fountain_trailer_without_cards (void)
{
  /* no heading, no card, no title page: cues and dialogue are enough */
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import =
    import_string ("A city at night, seen from far above the rooftops and the rain.\n\n"
                   "DETECTIVE\nWe have forty-eight hours.\n\n"
                   "A phone rings in an empty office while the lights flicker and die.\n\n"
                   "VOICE (O.S.)\nYou are already too late.\n", -1, "notitle.txt", &error);
  g_autoptr(HeyaiScript) script = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (import->format, ==, HEYAI_SCRIPT_SOURCE_FOUNTAIN);
  script = parse_import (import);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_DIALOGUE), ==, 2);
  g_assert_cmpstr (import->title, ==, "Notitle");
}

static void
test_nothing_to_make_scenes_from (void)
{
  static const char *const files[] = {
    "[[just a note]]\n",
    "/* boneyard */\n",
    "[[just a note]] /* boneyard */\n",
    "Title: Only a title page\nAuthor: Someone\n",
    "\n\n   \n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiScriptImport) import = import_string (files[i], -1, "notes.fountain", &error);

      g_assert_null (import);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
      g_assert_null (strstr (error->message, "[["));
    }
}

/* ---------------------------------------------------------------------- */
/* Encodings and binary files                                              */

static const char utf8_script[] =
  "EL ÚLTIMO FARO\n\nUna isla de piedra en mitad del Atlántico. “Niebla”. Un faro apagado desde hace cuarenta años.\n";

static void
check_decoded (const char *data,
               gsize       len,
               const char *encoding,
               const char *note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = import_string (data, (gssize) len, "faro.txt", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (import->encoding, ==, encoding);
  g_assert_true (g_utf8_validate (import->text, -1, NULL));
  g_assert_null (strstr (import->text, "\xef\xbb\xbf"));
  g_assert_nonnull (strstr (import->text, "Atlántico"));
  g_assert_cmpstr (import->title, ==, "EL ÚLTIMO FARO");
  if (note != NULL)
    g_assert_true (notes_contain (import, note));
  else
    g_assert_cmpuint (import->notes->len, ==, 0);
}

static void
test_encodings (void)
{
  gsize len = 0;
  g_autofree char *bom8 = g_strconcat ("\xef\xbb\xbf", utf8_script, NULL);
  g_autofree char *u16le = g_convert (utf8_script, -1, "UTF-16LE", "UTF-8", NULL, &len, NULL);
  g_autofree char *le = g_malloc (len + 2);
  gsize len_be = 0;
  g_autofree char *u16be = g_convert (utf8_script, -1, "UTF-16BE", "UTF-8", NULL, &len_be, NULL);
  g_autofree char *be = g_malloc (len_be + 2);
  gsize len_1252 = 0, len_latin1 = 0;
  g_autofree char *cp1252 = g_convert (utf8_script, -1, "WINDOWS-1252", "UTF-8", NULL, &len_1252, NULL);
  const char *latin1_src = "EL ÚLTIMO FARO\n\nUna isla de piedra en mitad del Atlántico. Niebla. Un faro apagado desde hace cuarenta años.\n";
  g_autofree char *latin1 = g_convert (latin1_src, -1, "ISO-8859-1", "UTF-8", NULL, &len_latin1, NULL);

  memcpy (le, "\xff\xfe", 2);
  memcpy (le + 2, u16le, len);
  memcpy (be, "\xfe\xff", 2);
  memcpy (be + 2, u16be, len_be);

  check_decoded (utf8_script, strlen (utf8_script), "UTF-8", NULL);
  check_decoded (bom8, strlen (bom8), "UTF-8", NULL);
  check_decoded (le, len + 2, "UTF-16LE", "UTF-16LE");
  check_decoded (be, len_be + 2, "UTF-16BE", "UTF-16BE");
  /* UTF-16 without a BOM */
  check_decoded (u16le, len, "UTF-16LE", "UTF-16LE");
  /* legacy 8-bit, never silently */
  check_decoded (cp1252, len_1252, "Windows-1252", "read as Windows-1252");
  check_decoded (latin1, len_latin1, "Latin-1 (ISO-8859-1)", "read as Latin-1");

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiScriptImport) import = import_string (cp1252, (gssize) len_1252, "faro.txt", &error);
    /* curly quotes 0x93/0x94 decoded */
    g_assert_nonnull (strstr (import->text, "“Niebla”"));
  }
}

static void
test_binary_files (void)
{
  static const struct { const char *data; gsize len; const char *what; } files[] = {
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20, "PNG image" },
    { "\xff\xd8\xff\xe0\0\x10JFIF\0", 11, "JPEG image" },
    { "PK\x03\x04\x14\0\0\0\x08\0", 10, "ZIP archive" },
    { "\x01\x02\x03\x04\x05\x06\x07\x08\x80\x81\x82\x83\x0e\x0f\x10\x11\x12\x13\x14\x15", 20, NULL },
    { "abc\0def\0\x01\x02\x03ghi", 15, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiScriptImport) import = import_string (files[i].data, (gssize) files[i].len, "script.txt", &error);

      g_assert_null (import);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "not"));
      if (files[i].what != NULL)
        g_assert_nonnull (strstr (error->message, files[i].what));
      /* it is not a matter of the file name */
      g_assert_null (strstr (error->message, "rename"));
      g_assert_null (strstr (error->message, "Open a .fountain or .txt"));
    }
}

static void
test_size_stated_truly (void)
{
  gsize size = 5 * 1000 * 1000;
  g_autofree char *big = g_malloc (size + 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  int fd;

  for (gsize i = 0; i < size; i++)
    big[i] = (i % 61 == 60) ? '\n' : 'a' + (char) (i % 26);
  big[size] = '\0';

  import = import_string (big, (gssize) size, "big.fountain", &error);
  g_assert_null (import);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "5.0\xc2\xa0MB"));
  g_clear_error (&error);

  /* and from a file */
  fd = g_file_open_tmp ("big-XXXXXX.fountain", &path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, big, (gssize) size, NULL));
  close (fd);
  file = g_file_new_for_path (path);
  import = heyai_script_import_file (file, NULL, &error);
  g_assert_null (import);
  g_assert_nonnull (strstr (error->message, "5.0\xc2\xa0MB"));
  g_unlink (path);
}

/* ---------------------------------------------------------------------- */
/* Final Draft                                                             */

static char *
fdx_document (guint n_scenes)
{
  GString *xml = g_string_new (
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n"
    "<FinalDraft DocumentType=\"Script\" Template=\"No\" Version=\"5\">\n"
    "  <Content>\n"
    "    <Paragraph Type=\"Transition\"><Text>FADE IN:</Text></Paragraph>\n"
    "    <Paragraph Number=\"1\" Type=\"Scene Heading\">\n"
    "      <SceneProperties Length=\"1 1/8\" Page=\"1\" Title=\"\">\n"
    "        <SceneArcBeats><CharacterArcBeat Name=\"MARTA\"><Paragraph Type=\"General\"><Text>ARC BEAT TEXT</Text></Paragraph></CharacterArcBeat></SceneArcBeats>\n"
    "      </SceneProperties>\n"
    "      <Text>INT. FARO DE SAN MIGUEL - NOCHE</Text>\n"
    "    </Paragraph>\n"
    "    <Paragraph Type=\"Action\"><Text>Marta, setenta años, sube la escalera. </Text><Text Style=\"Bold\">Cada peldaño cruje.</Text></Paragraph>\n"
    "    <Paragraph Type=\"Character\"><Text>MARTA</Text></Paragraph>\n"
    "    <Paragraph Type=\"Parenthetical\"><Text>(en voz baja)</Text></Paragraph>\n"
    "    <Paragraph Type=\"Dialogue\"><Text>¿Dónde estás, Leo? Tom &amp; Jerry x&lt;3</Text></Paragraph>\n"
    "    <Paragraph Type=\"Shot\"><Text>Close on the lantern</Text></Paragraph>\n"
    "    <Paragraph Type=\"General\"><Text>The flame gutters.</Text></Paragraph>\n"
    "    <Paragraph Type=\"Action\">\n"
    "      <DualDialogue>\n"
    "        <Paragraph Type=\"Character\"><Text>LEO</Text></Paragraph>\n"
    "        <Paragraph Type=\"Dialogue\"><Text>Grandma!</Text></Paragraph>\n"
    "        <Paragraph Type=\"Character\"><Text>MARTA</Text></Paragraph>\n"
    "        <Paragraph Type=\"Dialogue\"><Text>Leo!</Text></Paragraph>\n"
    "      </DualDialogue>\n"
    "    </Paragraph>\n"
    "    <Paragraph Type=\"Transition\"><Text>CUT TO:</Text></Paragraph>\n"
    "    <Paragraph Type=\"Scene Heading\"><Text>I./E. LEO'S BOAT - STORM</Text></Paragraph>\n"
    "    <Paragraph Type=\"Action\"><Text>Waves ten metres high.</Text></Paragraph>\n"
    "    <Paragraph Type=\"Scene Heading\"><Text>Flashback</Text></Paragraph>\n"
    "    <Paragraph Type=\"Action\"><Text>A GIRL RUNS.</Text></Paragraph>\n");

  for (guint i = 0; i < n_scenes; i++)
    g_string_append_printf (xml,
                            "    <Paragraph Type=\"Scene Heading\"><Text>EXT. CLIFF %u - DAY</Text></Paragraph>\n"
                            "    <Paragraph Type=\"Action\"><Text>Gulls circle over the rocks, scene %u, and the wind rises.</Text></Paragraph>\n"
                            "    <Paragraph Type=\"Character\"><Text>Leo</Text></Paragraph>\n"
                            "    <Paragraph Type=\"Dialogue\"><Text>Line %u.</Text></Paragraph>\n",
                            i + 1, i + 1, i + 1);

  g_string_append (xml,
    "  </Content>\n"
    "  <TitlePage>\n"
    "    <Content>\n"
    "      <Paragraph Alignment=\"Center\" Type=\"Text\"><Text>El último faro</Text></Paragraph>\n"
    "      <Paragraph Alignment=\"Center\" Type=\"Text\"><Text></Text></Paragraph>\n"
    "      <Paragraph Alignment=\"Center\" Type=\"Text\"><Text>Written by</Text></Paragraph>\n"
    "      <Paragraph Alignment=\"Center\" Type=\"Text\"><Text>Núria Peña</Text></Paragraph>\n"
    "      <Paragraph Alignment=\"Left\" Type=\"Text\"><Text>nuria@example.com</Text></Paragraph>\n"
    "    </Content>\n"
    "  </TitlePage>\n"
    "  <ElementSettings Type=\"Scene Heading\"><FontSpec Font=\"Courier Final Draft\"/><Text>IGNORED SETTINGS TEXT</Text></ElementSettings>\n"
    "  <SmartType><Characters><Character>NOBODY</Character></Characters></SmartType>\n"
    "  <HeaderAndFooter><Header><Paragraph><Text>HEADER TEXT</Text></Paragraph></Header></HeaderAndFooter>\n"
    "</FinalDraft>\n");

  return g_string_free (xml, FALSE);
}

static void
test_fdx (void)
{
  g_autofree char *xml = fdx_document (40);
  g_autoptr(GError) error = NULL;
  /* content first: the name says .txt */
  g_autoptr(HeyaiScriptImport) import = import_string (xml, -1, "faro.txt", &error);
  g_autoptr(HeyaiScript) script = NULL;
  const HeyaiScriptElement *e;

  g_assert_no_error (error);
  g_assert_cmpint (import->format, ==, HEYAI_SCRIPT_SOURCE_FDX);
  g_assert_null (import->encoding);
  g_assert_true (notes_contain (import, "Final Draft"));
  g_assert_cmpstr (import->title, ==, "El último faro");
  /* nothing of the XML or the settings reaches the script */
  g_assert_null (strstr (import->text, "<Text"));
  g_assert_null (strstr (import->text, "<Paragraph"));
  g_assert_null (strstr (import->text, "<?xml"));
  g_assert_null (strstr (import->text, "IGNORED"));
  g_assert_null (strstr (import->text, "HEADER TEXT"));
  g_assert_null (strstr (import->text, "NOBODY"));
  g_assert_null (strstr (import->text, "ARC BEAT"));

  script = parse_import (import);
  g_assert_cmpuint (count_headings (script), ==, 3 + 40);
  g_assert_cmpstr (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, 0))->heading, ==,
                   "INT. FARO DE SAN MIGUEL - NOCHE");
  g_assert_cmpstr (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, 1))->heading, ==,
                   "I./E. LEO'S BOAT - STORM");
  g_assert_cmpstr (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, 2))->heading, ==, "FLASHBACK");
  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "author"), ==, "Núria Peña");
  g_assert_cmpstr (g_hash_table_lookup (script->title_page, "credit"), ==, "Written by");

  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_ACTION, "Marta, setenta años, sube la escalera. Cada peldaño cruje."));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_PARENTHETICAL, "(en voz baja)"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_DIALOGUE, "¿Dónde estás, Leo? Tom & Jerry x<3"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_ACTION, "CLOSE ON THE LANTERN"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_ACTION, "The flame gutters."));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_ACTION, "A GIRL RUNS."));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_TRANSITION, "CUT TO:"));
  /* a cue typed in lower case is still a cue */
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_CHARACTER, "Leo"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_DIALOGUE, "Line 40."));
  /* dual dialogue: the second cue */
  e = find_element (script, HEYAI_ELEMENT_CHARACTER, "LEO");
  g_assert_nonnull (e);
  g_assert_false (e->dual);
  {
    gboolean found_dual = FALSE;
    for (guint i = 0; i < script->scenes->len; i++)
      {
        HeyaiScriptScene *scene = g_ptr_array_index (script->scenes, i);
        for (guint j = 0; j < scene->elements->len; j++)
          {
            const HeyaiScriptElement *el = g_ptr_array_index (scene->elements, j);
            if (el->type == HEYAI_ELEMENT_CHARACTER && el->dual)
              {
                g_assert_cmpstr (el->text, ==, "MARTA");
                found_dual = TRUE;
              }
          }
      }
    g_assert_true (found_dual);
  }
  assert_plain_text_clean (script);
}

static void
test_fdx_keep (void)
{
  /* HEYAI_TEST_PDF_DIR=DIR also keeps a Final Draft file */
  if (g_getenv ("HEYAI_TEST_PDF_DIR") != NULL)
    {
      g_autofree char *xml = fdx_document (6);
      g_autofree char *keep = g_build_filename (g_getenv ("HEYAI_TEST_PDF_DIR"), "el-ultimo-faro.fdx", NULL);
      g_assert_true (g_file_set_contents (keep, xml, -1, NULL));
    }
}

static void
test_fdx_scene_numbers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autofree char *xml = fdx_document (0);

  import = import_string (xml, -1, "faro.fdx", &error);
  g_assert_no_error (error);
  /* Final Draft's scene number becomes Fountain's #1# */
  g_assert_nonnull (strstr (import->text, "INT. FARO DE SAN MIGUEL - NOCHE #1#"));
}

/* Some programs write the title page inside the script's <Content>. */
static void
test_fdx_title_page_inside_content (void)
{
  static const char xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<FinalDraft DocumentType=\"Script\" Template=\"No\" Version=\"5\">\n"
    "  <Content>\n"
    "    <TitlePage><Content><Paragraph Alignment=\"Center\" Type=\"Title Page\"><Text>Sans titre</Text></Paragraph></Content></TitlePage>\n"
    "    <Paragraph Type=\"Scene Heading\"><Text>INT. CHAPELLE - NUIT</Text></Paragraph>\n"
    "    <Paragraph Type=\"Action\"><Text>Une bougie brûle dans le noir.</Text></Paragraph>\n"
    "  </Content>\n"
    "</FinalDraft>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = import_string (xml, -1, "chapelle.fdx", &error);
  g_autoptr(HeyaiScript) script = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (import->title, ==, "Sans titre");
  script = parse_import (import);
  g_assert_cmpuint (count_headings (script), ==, 1);
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_ACTION, "Une bougie brûle dans le noir."));
}

static void
test_fdx_broken (void)
{
  static const char *const files[] = {
    "<?xml version=\"1.0\"?>\n<FinalDraft><Content><Paragraph Type=\"Action\"><Text>cut off",
    "<?xml version=\"1.0\"?>\n<FinalDraft><Content></Content></FinalDraft>\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HeyaiScriptImport) import = import_string (files[i], -1, "broken.fdx", &error);

      g_assert_null (import);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
    }

  /* named .fdx, but plain text */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiScriptImport) import = import_string ("Just some words here.\n", -1, "fake.fdx", &error);

    g_assert_null (import);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "Final Draft"));
  }
}

/* ---------------------------------------------------------------------- */
/* PDF screenplays, drawn with cairo in the standard layout                */

#define PT 72.0

typedef struct
{
  cairo_surface_t *surface;
  cairo_t         *cr;
  double           width, height;
  double           y;
  int              page;
  gboolean         scene_numbers;
  int              scene;
  gboolean         revision_marks;
} Pdf;

static void
pdf_text (Pdf        *pdf,
          double      x,
          double      y,
          const char *text)
{
  cairo_move_to (pdf->cr, x, y);
  cairo_show_text (pdf->cr, text);
}

static void
pdf_new_page (Pdf *pdf)
{
  if (pdf->page > 0)
    cairo_show_page (pdf->cr);
  pdf->page++;
  pdf->y = 1.0 * PT + 12;
  if (pdf->page > 1)
    {
      g_autofree char *number = g_strdup_printf ("%d.", pdf->page);
      pdf_text (pdf, pdf->width - 1.0 * PT - 3 * 7.2, 0.5 * PT + 10, number);
      /* a revision header on the left */
      pdf_text (pdf, 1.5 * PT, 0.5 * PT + 10, "Blue Rev. 01/02/26");
    }
}

static void
pdf_line (Pdf        *pdf,
          double      indent_in,
          const char *text)
{
  if (pdf->y > pdf->height - 1.0 * PT)
    pdf_new_page (pdf);
  pdf_text (pdf, 1.5 * PT + indent_in * PT, pdf->y, text);
  if (pdf->revision_marks && pdf->page == 1 && pdf->y < 3 * PT)
    pdf_text (pdf, pdf->width - 0.6 * PT, pdf->y, "*");
  pdf->y += 12;
}

static void
pdf_blank (Pdf *pdf)
{
  pdf->y += 12;
}

static void
pdf_heading (Pdf        *pdf,
             const char *text)
{
  pdf_blank (pdf);
  if (pdf->scene_numbers)
    {
      g_autofree char *number = g_strdup_printf ("%d", ++pdf->scene);
      if (pdf->y > pdf->height - 1.0 * PT)
        pdf_new_page (pdf);
      pdf_text (pdf, 0.75 * PT, pdf->y, number);
      pdf_text (pdf, pdf->width - 0.9 * PT, pdf->y, number);
    }
  pdf_line (pdf, 0, text);
  pdf_blank (pdf);
}

static void
pdf_cue (Pdf        *pdf,
         const char *name,
         const char *paren,
         const char *const *lines)
{
  pdf_line (pdf, 2.2, name);
  if (paren != NULL)
    pdf_line (pdf, 1.6, paren);
  for (guint i = 0; lines[i] != NULL; i++)
    pdf_line (pdf, 1.0, lines[i]);
  pdf_blank (pdf);
}

static void
pdf_transition (Pdf        *pdf,
                const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (pdf->cr, text, &ext);
  pdf_text (pdf, pdf->width - 1.0 * PT - ext.x_advance, pdf->y, text);
  pdf->y += 24;
}

static GBytes *
draw_screenplay (double   width,
                 double   height,
                 gboolean scene_numbers,
                 gboolean title_page,
                 gboolean revision_marks,
                 guint    extra_scenes)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  Pdf pdf = { 0 };
  int fd;

  fd = g_file_open_tmp ("screenplay-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  close (fd);

  pdf.width = width;
  pdf.height = height;
  pdf.scene_numbers = scene_numbers;
  pdf.revision_marks = revision_marks;
  pdf.surface = cairo_pdf_surface_create (path, width, height);
  pdf.cr = cairo_create (pdf.surface);
  cairo_select_font_face (pdf.cr, "Courier", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (pdf.cr, 12);

  if (title_page)
    {
      pdf_text (&pdf, width / 2 - 5.5 * 7.2, 3.5 * PT, "NIGHT SHIFT");
      pdf_text (&pdf, width / 2 - 5 * 7.2, 4.0 * PT, "Written by");
      pdf_text (&pdf, width / 2 - 6 * 7.2, 4.3 * PT, "Amara Okafor");
      /* contact at the bottom left, at the action margin */
      pdf_text (&pdf, 1.5 * PT, height - 1.6 * PT, "Night Shift Films");
      pdf_text (&pdf, 1.5 * PT, height - 1.6 * PT + 12, "12 Harbour Road");
      cairo_show_page (pdf.cr);
    }
  pdf_new_page (&pdf);

  pdf_line (&pdf, 0, "FADE IN:");
  pdf_heading (&pdf, "INT. HOSPITAL CORRIDOR - NIGHT");
  pdf_line (&pdf, 0, "Fluorescent lights flicker. DR. AMARA OKAFOR (40s) walks");
  pdf_line (&pdf, 0, "fast, coffee in hand, past an empty nurses' station.");
  pdf_blank (&pdf);
  {
    const char *const lines[] = { "Who moved the patient in room", "twelve?", NULL };
    pdf_cue (&pdf, "AMARA", "(to nobody)", lines);
  }
  pdf_transition (&pdf, "CUT TO:");
  pdf_heading (&pdf, "EXT. HOSPITAL ROOFTOP - CONTINUOUS");
  pdf_line (&pdf, 0, "A helicopter lands in the rain. Nobody gets out.");
  pdf_blank (&pdf);
  pdf_heading (&pdf, "I./E. AMBULANCE - NIGHT");
  pdf_line (&pdf, 0, "The siren dies. The driver's seat is empty.");
  pdf_blank (&pdf);
  /* dual dialogue: two columns */
  pdf_text (&pdf, 1.5 * PT + 1.2 * PT, pdf.y, "AMARA");
  pdf_text (&pdf, 1.5 * PT + 4.3 * PT, pdf.y, "PARAMEDIC");
  pdf.y += 12;
  pdf_text (&pdf, 1.5 * PT + 0.5 * PT, pdf.y, "Who is driving");
  pdf_text (&pdf, 1.5 * PT + 3.4 * PT, pdf.y, "(calmly)");
  pdf.y += 12;
  pdf_text (&pdf, 1.5 * PT + 0.5 * PT, pdf.y, "this thing?");
  pdf_text (&pdf, 1.5 * PT + 3.4 * PT, pdf.y, "Nobody is.");
  pdf.y += 24;

  for (guint i = 0; i < extra_scenes; i++)
    {
      g_autofree char *heading = g_strdup_printf ("INT. WARD %u - NIGHT", i + 1);
      g_autofree char *action = g_strdup_printf ("Bed %u is empty. The monitor still beeps.", i + 1);
      const char *const lines[] = { "Nurse? Is anyone there?", NULL };

      pdf_heading (&pdf, heading);
      pdf_line (&pdf, 0, action);
      pdf_blank (&pdf);
      pdf_cue (&pdf, "PATIENT (V.O.)", NULL, lines);
    }

  /* dialogue broken across a page: (MORE) / (CONT'D) */
  pdf.y = pdf.height - 1.0 * PT - 24;
  pdf_line (&pdf, 2.2, "AMARA");
  pdf_line (&pdf, 1.0, "If this is a joke, it is not");
  pdf_line (&pdf, 2.2, "(MORE)");
  pdf.y = pdf.height;
  pdf_line (&pdf, 2.2, "AMARA (CONT'D)");
  pdf_line (&pdf, 1.0, "funny.");
  pdf_blank (&pdf);
  pdf_transition (&pdf, "FADE OUT.");

  cairo_destroy (pdf.cr);
  cairo_surface_finish (pdf.surface);
  g_assert_cmpint (cairo_surface_status (pdf.surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (pdf.surface);

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_unlink (path);
  /* HEYAI_TEST_PDF_DIR=DIR keeps the drawn PDFs (to try them by hand) */
  if (g_getenv ("HEYAI_TEST_PDF_DIR") != NULL)
    {
      g_autofree char *name = g_strdup_printf ("screenplay-%.0fx%.0f%s.pdf", width, height,
                                               scene_numbers ? "-numbered" : "");
      g_autofree char *keep = g_build_filename (g_getenv ("HEYAI_TEST_PDF_DIR"), name, NULL);
      g_file_set_contents (keep, data, (gssize) len, NULL);
    }
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static void
check_screenplay_pdf (GBytes   *pdf,
                      guint     extra_scenes,
                      gboolean  title_page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = heyai_script_import_bytes (pdf, "night-shift.pdf", &error);
  g_autoptr(HeyaiScript) script = NULL;
  const HeyaiScriptElement *e;

  g_assert_no_error (error);
  g_assert_cmpint (import->format, ==, HEYAI_SCRIPT_SOURCE_PDF);
  g_assert_true (notes_contain (import, "PDF"));
  if (g_test_verbose ())
    g_printerr ("%s\n", import->text);

  script = parse_import (import);
  g_assert_cmpuint (count_headings (script), ==, 3 + extra_scenes);
  g_assert_cmpstr (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, 0))->heading, ==,
                   "INT. HOSPITAL CORRIDOR - NIGHT");
  g_assert_cmpstr (((HeyaiScriptScene *) g_ptr_array_index (script->scenes, 2))->heading, ==,
                   "I./E. AMBULANCE - NIGHT");
  /* wrapped lines joined */
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_ACTION,
                                  "Fluorescent lights flicker. DR. AMARA OKAFOR (40s) walks fast, coffee in hand, past an empty nurses' station."));
  e = find_element (script, HEYAI_ELEMENT_CHARACTER, "AMARA");
  g_assert_nonnull (e);
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_PARENTHETICAL, "(to nobody)"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_DIALOGUE, "Who moved the patient in room twelve?"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_TRANSITION, "CUT TO:"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_TRANSITION, "FADE OUT."));
  /* dual dialogue, column by column */
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_DIALOGUE, "Who is driving this thing?"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_PARENTHETICAL, "(calmly)"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_DIALOGUE, "Nobody is."));
  e = find_element (script, HEYAI_ELEMENT_CHARACTER, "PARAMEDIC");
  g_assert_nonnull (e);
  g_assert_true (e->dual);
  g_assert_true (notes_contain (import, "dual-dialogue"));
  /* no page numbers, (MORE), (CONT'D), revision marks or headers */
  g_assert_null (strstr (import->text, "(MORE)"));
  g_assert_null (strstr (import->text, "CONT'D"));
  g_assert_null (strstr (import->text, "Rev."));
  g_assert_null (strstr (import->text, "*"));
  g_assert_null (strstr (import->text, "\n2.\n"));
  g_assert_null (find_element (script, HEYAI_ELEMENT_CHARACTER, "AMARA (CONT'D)"));
  /* the speech broken by the page is one speech again */
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_DIALOGUE, "If this is a joke, it is not funny."));
  if (extra_scenes > 0)
    {
      g_autofree char *heading = g_strdup_printf ("INT. WARD %u - NIGHT", extra_scenes);
      g_assert_nonnull (find_element (script, HEYAI_ELEMENT_SCENE_HEADING, heading));
      g_assert_nonnull (find_element (script, HEYAI_ELEMENT_CHARACTER, "PATIENT (V.O.)"));
    }
  if (title_page)
    {
      g_assert_cmpstr (import->title, ==, "NIGHT SHIFT");
      g_assert_cmpstr (g_hash_table_lookup (script->title_page, "author"), ==, "Amara Okafor");
      g_assert_cmpstr (g_hash_table_lookup (script->title_page, "contact"), ==, "Night Shift Films\n12 Harbour Road");
    }
  assert_plain_text_clean (script);
}

static void
test_pdf_letter (void)
{
  g_autoptr(GBytes) pdf = draw_screenplay (8.5 * PT, 11 * PT, FALSE, TRUE, FALSE, 30);
  check_screenplay_pdf (pdf, 30, TRUE);
}

static void
test_pdf_a4_scene_numbers (void)
{
  g_autoptr(GBytes) pdf = draw_screenplay (595.0, 842.0, TRUE, FALSE, TRUE, 12);
  check_screenplay_pdf (pdf, 12, FALSE);
}

/* A trailer laid out as a screenplay, without headings: centred cards,
 * a cue and its dialogue, action. */
static void
test_pdf_trailer (void)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autoptr(HeyaiScript) script = NULL;
  Pdf pdf = { 0 };
  int fd = g_file_open_tmp ("trailer-XXXXXX.pdf", &path, NULL);
  const char *const lines[] = { "In a world without light...", NULL };
  cairo_text_extents_t ext;

  close (fd);
  pdf.width = 8.5 * PT;
  pdf.height = 11 * PT;
  pdf.surface = cairo_pdf_surface_create (path, pdf.width, pdf.height);
  pdf.cr = cairo_create (pdf.surface);
  cairo_select_font_face (pdf.cr, "Courier", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (pdf.cr, 12);
  pdf_new_page (&pdf);

#define CENTRED(text_)                                                     \
  G_STMT_START {                                                           \
    cairo_text_extents (pdf.cr, text_, &ext);                              \
    pdf_text (&pdf, pdf.width / 2 - ext.x_advance / 2, pdf.y, text_);      \
    pdf.y += 24;                                                           \
  } G_STMT_END

  CENTRED ("BLACK SCREEN");
  pdf_cue (&pdf, "NARRATOR (V.O.)", NULL, lines);
  CENTRED ("THE LAST LAMP");
  pdf_line (&pdf, 0, "A lighthouse keeper climbs the endless stairs, breathing");
  pdf_line (&pdf, 0, "hard, a lantern in her hand.");
  pdf_blank (&pdf);
  CENTRED ("THIS WINTER");
#undef CENTRED

  cairo_destroy (pdf.cr);
  cairo_surface_finish (pdf.surface);
  cairo_surface_destroy (pdf.surface);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_unlink (path);
  bytes = g_bytes_new_take (g_steal_pointer (&data), len);

  import = heyai_script_import_bytes (bytes, "trailer.pdf", &error);
  g_assert_no_error (error);
  if (g_test_verbose ())
    g_printerr ("%s\n", import->text);
  g_assert_cmpstr (import->title, ==, "THE LAST LAMP");
  script = parse_import (import);
  g_assert_cmpint (script->format, ==, HEYAI_SCRIPT_FORMAT_FOUNTAIN);
  g_assert_cmpuint (count_elements (script, HEYAI_ELEMENT_CENTERED), ==, 3);
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_CHARACTER, "NARRATOR (V.O.)"));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_DIALOGUE, "In a world without light..."));
  g_assert_nonnull (find_element (script, HEYAI_ELEMENT_ACTION,
                                  "A lighthouse keeper climbs the endless stairs, breathing hard, a lantern in her hand."));
  g_assert_cmpuint (script->scenes->len, ==, 4);
  assert_plain_text_clean (script);
}

static void
test_pdf_scanned (void)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = NULL;
  int fd = g_file_open_tmp ("scan-XXXXXX.pdf", &path, NULL);

  close (fd);
  surface = cairo_pdf_surface_create (path, 612, 792);
  cr = cairo_create (surface);
  /* a "scanned" page: pictures only */
  cairo_set_source_rgb (cr, 0.9, 0.9, 0.85);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  for (int i = 0; i < 40; i++)
    cairo_rectangle (cr, 108, 72 + i * 14, 300 + (i * 37) % 90, 8);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_unlink (path);
  bytes = g_bytes_new_take (g_steal_pointer (&data), len);

  import = heyai_script_import_bytes (bytes, "scan.pdf", &error);
  g_assert_null (import);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "scanned"));
}

static void
test_pdf_damaged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = import_string ("%PDF-1.5\n%garbage\n", -1, "broken.pdf", &error);

  g_assert_null (import);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "broken.pdf"));
}

/* ---------------------------------------------------------------------- */
/* Titles and keeping the original                                         */

static void
test_titles (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "A.P. NEWSROOM", "A.P. Newsroom" },
    { "JENNY HILL'S KITCHEN", "Jenny Hill's Kitchen" },
    { "JENNY HILL’S KITCHEN", "Jenny Hill’s Kitchen" },
    { "THE HOUSE OF THE RISING SUN", "The House of the Rising Sun" },
    { "U.S.S. ENTERPRISE - BRIDGE", "U.S.S. Enterprise - Bridge" },
    { "FARO DE SAN MIGUEL", "Faro de San Miguel" },
    { "ÚLTIMO PISO", "Último Piso" },
    { "O'BRIEN'S BAR", "O'Brien's Bar" },
    { "SNIPER SCOPE POV", "Sniper Scope POV" },
    { "FBI FIELD OFFICE", "FBI Field Office" },
    { "ROCKY II SET", "Rocky II Set" },
    { "BETWEEN US", "Between Us" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *title = heyai_script_title_case (cases[i].in);
      g_assert_cmpstr (title, ==, cases[i].out);
    }

  {
    g_autofree char *a = heyai_script_title_from_filename ("/tmp/el-último-faro.txt");
    g_autofree char *b = heyai_script_title_from_filename ("el_u\xcc\x81ltimo_faro.fountain");
    g_autofree char *c = heyai_script_title_from_filename ("ñandú.fdx");
    g_autofree char *d = heyai_script_title_from_filename (NULL);

    g_assert_cmpstr (a, ==, "El último faro");
    g_assert_cmpstr (b, ==, "El último faro");   /* composed */
    g_assert_cmpstr (c, ==, "Ñandú");
    g_assert_cmpstr (d, ==, "Untitled");
  }
}

static void
test_save_beside (void)
{
  g_autofree char *xml = fdx_document (2);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiScriptImport) import = import_string (xml, -1, "faro.fdx", &error);
  g_autofree char *dir = g_dir_make_tmp ("beside-XXXXXX", &error);
  g_autofree char *kept = NULL;
  g_autofree char *original = g_build_filename (dir, "script", "faro.fdx", NULL);
  g_autofree char *notes = NULL;

  g_assert_no_error (error);
  g_assert_true (heyai_script_import_save_beside (import, dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (original, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, xml);
  notes = heyai_script_import_load_notes (dir);
  g_assert_nonnull (notes);
  g_assert_nonnull (strstr (notes, "Final Draft"));

  {
    g_autofree char *notes_path = g_build_filename (dir, "script", "import-notes.txt", NULL);
    g_autofree char *script_dir = g_build_filename (dir, "script", NULL);
    g_unlink (notes_path);
    g_unlink (original);
    g_rmdir (script_dir);
    g_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/script-import/samples", test_samples);
  g_test_add_func ("/script-import/fountain/headings", test_fountain_headings);
  g_test_add_func ("/script-import/fountain/trailer", test_fountain_trailer);
  g_test_add_func ("/script-import/fountain/trailer-without-cards", test_fountain_trailer_without_cards);
  g_test_add_func ("/script-import/fountain/nothing-to-make-scenes-from", test_nothing_to_make_scenes_from);
  g_test_add_func ("/script-import/encodings", test_encodings);
  g_test_add_func ("/script-import/binary", test_binary_files);
  g_test_add_func ("/script-import/size", test_size_stated_truly);
  g_test_add_func ("/script-import/fdx", test_fdx);
  g_test_add_func ("/script-import/fdx/scene-numbers", test_fdx_scene_numbers);
  g_test_add_func ("/script-import/fdx/keep", test_fdx_keep);
  g_test_add_func ("/script-import/fdx/title-page-inside-content", test_fdx_title_page_inside_content);
  g_test_add_func ("/script-import/fdx/broken", test_fdx_broken);
  g_test_add_func ("/script-import/pdf/letter", test_pdf_letter);
  g_test_add_func ("/script-import/pdf/a4-scene-numbers", test_pdf_a4_scene_numbers);
  g_test_add_func ("/script-import/pdf/trailer", test_pdf_trailer);
  g_test_add_func ("/script-import/pdf/scanned", test_pdf_scanned);
  g_test_add_func ("/script-import/pdf/damaged", test_pdf_damaged);
  g_test_add_func ("/script-import/titles", test_titles);
  g_test_add_func ("/script-import/save-beside", test_save_beside);

  return g_test_run ();
}
