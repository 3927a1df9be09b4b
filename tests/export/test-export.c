/* test-export.c: the handoff package without the animatic (see
 * test-export-animatic.c): every format read back by a strict reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <utime.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "heyai-core.h"
#include "heyai-export.h"
#include "heyai-export-private.h"
#include "export-test-util.h"

#define ALL_BUT_ANIMATIC (HEYAI_EXPORT_FORMAT_ALL & ~HEYAI_EXPORT_FORMAT_ANIMATIC)


/* TRUE when @name is on PATH (no string left behind). */
static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static char *media_dir;
static char *clip5;
static char *clip10;
static char *still;

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("heyai-export-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  heyai_export_set_write_limit (-1);
  export_test_rm_rf (f->dir);
  g_free (f->dir);
}

static HeyaiExportResult *
run_export (const HeyaiExportPlan *plan,
            HeyaiExportFormats     formats,
            HeyaiExportMissing     missing,
            const char            *dest,
            GError               **error)
{
  HeyaiExportOptions options;
  HeyaiExportResult *result;

  heyai_export_options_init (&options);
  options.formats = formats;
  options.missing = missing;
  options.paper = HEYAI_EXPORT_PAPER_A4;
  result = heyai_export_run (plan, &options, dest, NULL, NULL, NULL, error);
  heyai_export_options_clear (&options);

  return result;
}

/* Only the package (and maybe its zip) may be left in @dest: no temporary
 * or moved-aside folders. */
static void
assert_no_leftovers (const char *dest)
{
  g_auto(GStrv) names = export_test_list_dir (dest);

  for (guint i = 0; names[i] != NULL; i++)
    g_assert_false (g_str_has_prefix (names[i], "."));
}

/* Rational FCPXML time "N/Ds" or "0s" -> frames at @fps, exact. */
static gint64
fcp_frames (const char     *t,
            HeyaiExportFps  fps)
{
  gint64 n = 0, d = 1;
  int num, den;

  heyai_export_fps_get_rational (fps, &num, &den);
  g_assert_true (g_str_has_suffix (t, "s"));
  if (g_str_equal (t, "0s"))
    return 0;
  g_assert_cmpint (sscanf (t, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "s", &n, &d), ==, 2);
  /* seconds * fps must be a whole number of frames */
  g_assert_cmpint ((n * num) % (d * den), ==, 0);
  return n * num / (d * den);
}

/* OTIO ------------------------------------------------------------------- */

static void
check_otio (const char            *package,
            const HeyaiExportPlan *plan,
            gint64                 expected_total,
            guint                  expected_clips)
{
  g_autofree char *path = g_build_filename (package, "timeline.otio", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *timeline, *stack, *track;
  JsonArray *tracks, *clips;
  gint64 sum = 0;
  double rate = heyai_export_fps_to_double (plan->fps);
  gboolean nasty_seen = FALSE;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  timeline = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (timeline, "OTIO_SCHEMA"), ==, "Timeline.1");
  g_assert_cmpstr (json_object_get_string_member (timeline, "name"), ==, plan->title);
  stack = json_object_get_object_member (timeline, "tracks");
  g_assert_cmpstr (json_object_get_string_member (stack, "OTIO_SCHEMA"), ==, "Stack.1");
  tracks = json_object_get_array_member (stack, "children");
  g_assert_cmpuint (json_array_get_length (tracks), ==, 1);
  track = json_array_get_object_element (tracks, 0);
  g_assert_cmpstr (json_object_get_string_member (track, "OTIO_SCHEMA"), ==, "Track.1");
  g_assert_cmpstr (json_object_get_string_member (track, "kind"), ==, "Video");
  clips = json_object_get_array_member (track, "children");
  g_assert_cmpuint (json_array_get_length (clips), ==, expected_clips);

  for (guint i = 0; i < json_array_get_length (clips); i++)
    {
      JsonObject *clip = json_array_get_object_element (clips, i);
      JsonObject *range = json_object_get_object_member (clip, "source_range");
      JsonObject *dur = json_object_get_object_member (range, "duration");
      JsonObject *start = json_object_get_object_member (range, "start_time");
      JsonObject *refs = json_object_get_object_member (clip, "media_references");
      JsonObject *ref = json_object_get_object_member (refs, json_object_get_string_member (clip, "active_media_reference_key"));
      JsonObject *avail = json_object_get_object_member (ref, "available_range");
      JsonArray *markers = json_object_get_array_member (clip, "markers");
      JsonObject *marker = json_array_get_object_element (markers, 0);
      g_autofree char *target = g_filename_from_uri (json_object_get_string_member (ref, "target_url"), NULL, NULL);
      g_autofree char *marker_name = NULL;
      double value = json_object_get_double_member (dur, "value");

      g_assert_cmpstr (json_object_get_string_member (clip, "OTIO_SCHEMA"), ==, "Clip.2");
      g_assert_cmpstr (json_object_get_string_member (range, "OTIO_SCHEMA"), ==, "TimeRange.1");
      g_assert_cmpstr (json_object_get_string_member (dur, "OTIO_SCHEMA"), ==, "RationalTime.1");
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (dur, "rate"), rate, 1e-9);
      g_assert_cmpfloat (json_object_get_double_member (start, "value"), ==, 0);
      g_assert_cmpfloat (value, ==, floor (value));
      sum += (gint64) value;

      g_assert_cmpstr (json_object_get_string_member (ref, "OTIO_SCHEMA"), ==, "ExternalReference.1");
      /* An absolute file:// URL of the media in the package. */
      g_assert_nonnull (target);
      g_assert_true (g_str_has_prefix (target, package));
      g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (avail, "duration"), "value"), >=, value);

      g_assert_cmpstr (json_object_get_string_member (marker, "OTIO_SCHEMA"), ==, "Marker.2");
      marker_name = g_strdup_printf ("Scene %" G_GINT64_FORMAT,
                                     json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (clip, "metadata"), "heyai"), "scene"));
      g_assert_cmpstr (json_object_get_string_member (marker, "name"), ==, marker_name);

      if (g_strcmp0 (json_object_get_string_member (json_object_get_object_member (json_object_get_object_member (clip, "metadata"), "heyai"), "title"),
                     EXPORT_TEST_NASTY_TITLE) == 0)
        {
          nasty_seen = TRUE;
          g_assert_nonnull (strstr (json_object_get_string_member (marker, "comment"), EXPORT_TEST_NASTY_PROMPT));
        }
    }

  g_assert_cmpint (sum, ==, expected_total);
  if (plan->scenes->len > 1)
    g_assert_true (nasty_seen);
}

/* FCPXML / XMEML through GMarkup ---------------------------------------- */

typedef struct
{
  GPtrArray *stack;      /* element names */
  GPtrArray *clips;      /* GHashTable* of collected values per clip */
  GHashTable *current;
  GHashTable *assets;    /* fcpxml: asset id -> src */
  char       *current_asset;
} XmlScan;

static void
xml_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  XmlScan *scan = user_data;

  g_ptr_array_add (scan->stack, g_strdup (element));

  if (g_str_equal (element, "asset-clip") || g_str_equal (element, "clipitem"))
    {
      scan->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint i = 0; names[i] != NULL; i++)
        g_hash_table_insert (scan->current, g_strdup (names[i]), g_strdup (values[i]));
      g_ptr_array_add (scan->clips, scan->current);
    }
  else if (g_str_equal (element, "asset"))
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "id"))
          scan->current_asset = g_strdup (values[i]);
    }
  else if (g_str_equal (element, "media-rep") && scan->current_asset != NULL)
    {
      for (guint i = 0; names[i] != NULL; i++)
        if (g_str_equal (names[i], "src"))
          g_hash_table_insert (scan->assets, g_strdup (scan->current_asset), g_strdup (values[i]));
    }
  else if (g_str_equal (element, "marker") && scan->current != NULL)
    {
      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *key = g_strconcat ("marker-", names[i], NULL);

          /* The first marker is the scene's (the second the approval and note). */
          if (!g_hash_table_contains (scan->current, key))
            g_hash_table_insert (scan->current, g_steal_pointer (&key), g_strdup (values[i]));
        }
    }
}

static void
xml_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  XmlScan *scan = user_data;

  g_ptr_array_remove_index (scan->stack, scan->stack->len - 1);
  if (g_str_equal (element, "asset-clip") || g_str_equal (element, "clipitem"))
    scan->current = NULL;
  if (g_str_equal (element, "asset"))
    g_clear_pointer (&scan->current_asset, g_free);
}

static void
xml_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 len,
          gpointer              user_data,
          GError              **error)
{
  XmlScan *scan = user_data;
  const char *element, *parent;

  if (scan->current == NULL || scan->stack->len < 2)
    return;

  element = g_ptr_array_index (scan->stack, scan->stack->len - 1);
  parent = g_ptr_array_index (scan->stack, scan->stack->len - 2);

  /* clipitem's own children, file's pathurl, marker comment */
  if (g_str_equal (parent, "clipitem") || g_str_equal (element, "pathurl") ||
      (g_str_equal (parent, "marker") && g_str_equal (element, "comment")))
    {
      g_autofree char *key = g_str_equal (parent, "marker") ? g_strdup ("marker-comment") : g_strdup (element);

      if (!g_str_equal (parent, "marker") || !g_hash_table_contains (scan->current, key))
        g_hash_table_insert (scan->current, g_steal_pointer (&key), g_strndup (text, len));
    }
}

static XmlScan *
scan_xml (const char *path)
{
  static const GMarkupParser parser = { xml_start, xml_end, xml_text, NULL, NULL };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GMarkupParseContext *ctx;
  XmlScan *scan = g_new0 (XmlScan, 1);
  const char *body;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  /* GMarkup does not take a DOCTYPE: skip the prolog. */
  body = strstr (contents, "<fcpxml");
  if (body == NULL)
    body = strstr (contents, "<xmeml");
  g_assert_nonnull (body);

  scan->stack = g_ptr_array_new_with_free_func (g_free);
  scan->clips = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  scan->assets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx = g_markup_parse_context_new (&parser, 0, scan, NULL);
  g_markup_parse_context_parse (ctx, body, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (ctx, &error);
  g_assert_no_error (error);
  g_markup_parse_context_free (ctx);

  return scan;
}

static void
xml_scan_free (XmlScan *scan)
{
  g_ptr_array_unref (scan->stack);
  g_ptr_array_unref (scan->clips);
  g_hash_table_unref (scan->assets);
  g_free (scan->current_asset);
  g_free (scan);
}

static void
check_xml_wellformed (const char *path)
{
  gboolean valid = FALSE;

  if (export_test_xmllint (path, &valid))
    g_assert_true (valid);
  else
    g_test_message ("xmllint not installed: well-formedness checked by GMarkup only");
}

static void
check_fcpxml (const char            *package,
              const HeyaiExportPlan *plan,
              GArray                *expected_frames)
{
  g_autofree char *path = g_build_filename (package, "timeline.fcpxml", NULL);
  XmlScan *scan;
  gint64 offset = heyai_export_plan_start_frame (plan);  /* the sequence starts at 01:00:00:00 */
  gboolean nasty_seen = FALSE;

  check_xml_wellformed (path);
  /* Valid against Apple's FCPXML 1.9 DTD, at every rate, with the nasty title. */
  if (have_program ("xmllint"))
    {
      g_autofree char *dtd = g_test_build_filename (G_TEST_DIST, "export", "FCPXMLv1_9.dtd", NULL);
      g_autofree char *command = g_strdup_printf ("xmllint --noout --dtdvalid '%s' '%s'", dtd, path);
      g_autofree char *err = NULL;
      int status = -1;

      g_assert_true (g_spawn_command_line_sync (command, NULL, &err, &status, NULL));
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("timeline.fcpxml is not valid FCPXML 1.9: %s", err);
    }
  scan = scan_xml (path);
  g_assert_cmpuint (scan->clips->len, ==, expected_frames->len);

  for (guint i = 0; i < scan->clips->len; i++)
    {
      GHashTable *clip = g_ptr_array_index (scan->clips, i);
      const char *src = g_hash_table_lookup (scan->assets, g_hash_table_lookup (clip, "ref"));
      g_autofree char *file = NULL;

      g_assert_cmpint (fcp_frames (g_hash_table_lookup (clip, "offset"), plan->fps), ==, offset);
      g_assert_cmpint (fcp_frames (g_hash_table_lookup (clip, "duration"), plan->fps), ==,
                       g_array_index (expected_frames, gint64, i));
      offset += g_array_index (expected_frames, gint64, i);

      g_assert_nonnull (src);
      g_assert_true (g_str_has_prefix (src, "file:///"));
      file = g_filename_from_uri (src, NULL, NULL);
      g_assert_nonnull (file);
      g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

      g_assert_true (g_str_has_prefix (g_hash_table_lookup (clip, "marker-value"), "Scene "));
      if (strstr (g_hash_table_lookup (clip, "marker-value"), EXPORT_TEST_NASTY_TITLE) != NULL)
        {
          nasty_seen = TRUE;
          g_assert_nonnull (strstr (g_hash_table_lookup (clip, "marker-note"), EXPORT_TEST_NASTY_PROMPT));
        }
    }

  if (plan->scenes->len > 1)
    g_assert_true (nasty_seen);
  xml_scan_free (scan);
}

static void
check_fcp7 (const char            *package,
            const HeyaiExportPlan *plan,
            GArray                *expected_frames)
{
  g_autofree char *path = g_build_filename (package, "timeline.xml", NULL);
  g_autofree char *contents = export_test_read_file (package, "timeline.xml");
  g_autofree char *timebase = g_strdup_printf ("<timebase>%d</timebase>", heyai_export_fps_timebase (plan->fps));
  XmlScan *scan;
  gint64 start = 0;
  gboolean nasty_seen = FALSE;

  check_xml_wellformed (path);
  g_assert_nonnull (strstr (contents, "<xmeml version=\"5\">"));
  g_assert_nonnull (strstr (contents, timebase));
  g_assert_nonnull (strstr (contents, heyai_export_fps_is_ntsc (plan->fps) ? "<ntsc>TRUE</ntsc>" : "<ntsc>FALSE</ntsc>"));

  scan = scan_xml (path);
  g_assert_cmpuint (scan->clips->len, ==, expected_frames->len);
  for (guint i = 0; i < scan->clips->len; i++)
    {
      GHashTable *clip = g_ptr_array_index (scan->clips, i);
      gint64 frames = g_array_index (expected_frames, gint64, i);
      g_autofree char *filename = NULL;

      g_assert_cmpint (g_ascii_strtoll (g_hash_table_lookup (clip, "start"), NULL, 10), ==, start);
      g_assert_cmpint (g_ascii_strtoll (g_hash_table_lookup (clip, "end"), NULL, 10), ==, start + frames);
      g_assert_cmpint (g_ascii_strtoll (g_hash_table_lookup (clip, "in"), NULL, 10), ==, 0);
      g_assert_cmpint (g_ascii_strtoll (g_hash_table_lookup (clip, "out"), NULL, 10), ==, frames);
      start += frames;

      filename = g_filename_from_uri (g_hash_table_lookup (clip, "pathurl"), NULL, NULL);
      g_assert_nonnull (filename);
      g_assert_true (g_file_test (filename, G_FILE_TEST_IS_REGULAR));

      if (strstr (g_hash_table_lookup (clip, "name"), EXPORT_TEST_NASTY_TITLE) != NULL)
        {
          nasty_seen = TRUE;
          g_assert_cmpstr (g_hash_table_lookup (clip, "marker-comment"), ==, EXPORT_TEST_NASTY_PROMPT);
        }
    }

  if (plan->scenes->len > 1)
    g_assert_true (nasty_seen);
  xml_scan_free (scan);
}

static void
check_edl (const char            *package,
           const HeyaiExportPlan *plan,
           GArray                *expected_frames)
{
  g_autofree char *text = export_test_read_file (package, "timeline.edl");
  g_autoptr(GArray) events = export_test_read_edl (text, heyai_export_fps_timebase (plan->fps),
                                                   heyai_export_fps_is_drop_frame (plan->fps));

  g_assert_cmpuint (events->len, ==, expected_frames->len);
  for (guint i = 0; i < events->len; i++)
    {
      EdlEvent *ev = &g_array_index (events, EdlEvent, i);

      g_assert_cmpint (ev->src_in, ==, 0);
      g_assert_cmpint (ev->src_out, ==, g_array_index (expected_frames, gint64, i));
    }
}

static void
check_csv (const char            *package,
           const HeyaiExportPlan *plan,
           GArray                *expected_frames)
{
  g_autofree char *text = export_test_read_file (package, "shotlist.csv");
  g_autoptr(GPtrArray) rows = export_test_read_csv (text);
  gint64 record = 0;
  gboolean nasty_seen = FALSE;

  g_assert_cmpuint (rows->len, ==, expected_frames->len + 1);
  g_assert_cmpstr (((GStrv) g_ptr_array_index (rows, 0))[0], ==, "scene");
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpuint (g_strv_length (g_ptr_array_index (rows, i)), ==, 16);

  for (guint i = 1; i < rows->len; i++)
    {
      GStrv row = g_ptr_array_index (rows, i);
      gint64 start = heyai_export_plan_start_frame (plan);
      g_autofree char *tc_in = heyai_export_timecode (start + record, plan->fps);
      g_autofree char *tc_out = NULL;

      record += g_array_index (expected_frames, gint64, i - 1);
      tc_out = heyai_export_timecode (start + record, plan->fps);
      g_assert_cmpstr (row[2], ==, tc_in);
      g_assert_cmpstr (row[3], ==, tc_out);
      g_assert_nonnull (strstr (row[5], "\"quotes\"\nand a second line."));
      if (g_strcmp0 (row[1], EXPORT_TEST_NASTY_TITLE) == 0)
        {
          nasty_seen = TRUE;
          g_assert_cmpstr (row[6], ==, EXPORT_TEST_NASTY_PROMPT);
        }
    }

  if (plan->scenes->len > 1)
    g_assert_true (nasty_seen);
}

static void
check_manifest (const char *package)
{
  g_autofree char *path = g_build_filename (package, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *root;
  JsonArray *files;
  const char *dirs[] = { "", "clips", "images" };

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "heyai-handoff/1");
  files = json_object_get_array_member (root, "files");
  g_assert_cmpuint (json_array_get_length (files), >, 0);

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *f = json_array_get_object_element (files, i);
      const char *rel = json_object_get_string_member (f, "path");
      g_autofree char *file = g_build_filename (package, rel, NULL);
      g_autofree char *sha = heyai_file_sha256 (file, NULL, &error);
      GStatBuf st;

      g_assert_no_error (error);
      g_assert_cmpstr (sha, ==, json_object_get_string_member (f, "sha256"));
      g_assert_cmpint (g_stat (file, &st), ==, 0);
      g_assert_cmpint (st.st_size, ==, json_object_get_int_member (f, "size"));
      g_hash_table_add (listed, g_strdup (rel));
    }

  /* Every file of the package but the manifest is listed. */
  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *dir = g_build_filename (package, dirs[d], NULL);
      g_auto(GStrv) names = export_test_list_dir (dir);

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *rel = *dirs[d] ? g_strconcat (dirs[d], "/", names[i], NULL) : g_strdup (names[i]);
          g_autofree char *full = g_build_filename (package, rel, NULL);

          if (g_file_test (full, G_FILE_TEST_IS_DIR) || g_str_equal (rel, "manifest.json"))
            continue;
          g_assert_true (g_hash_table_contains (listed, rel));
        }
    }

  /* Provenance. */
  {
    JsonArray *scenes = json_object_get_array_member (root, "scenes");
    JsonObject *s1 = json_array_get_object_element (scenes, 0);
    JsonObject *clip = json_object_get_object_member (s1, "clip");

    g_assert_cmpstr (json_object_get_string_member (clip, "provider"), ==, "offline");
    g_assert_cmpstr (json_object_get_string_member (clip, "request_id"), ==, "req-1");
    g_assert_cmpint (json_object_get_int_member (clip, "seed"), ==, 1000);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (s1, "approval"), "state"), ==, "approved");
  }
}

static GArray *
expected_frames_for (const HeyaiExportPlan *plan,
                     gboolean               skip_without_clip)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < plan->scenes->len; i++)
    {
      HeyaiExportScene *s = g_ptr_array_index (plan->scenes, i);
      gint64 n = heyai_export_scene_frames (s, plan->fps);

      if (s->clip_path == NULL && (skip_without_clip || s->still_path == NULL))
        continue;
      g_array_append_val (frames, n);
    }

  return frames;
}

static gint64
sum_frames (GArray *frames)
{
  gint64 sum = 0;

  for (guint i = 0; i < frames->len; i++)
    sum += g_array_index (frames, gint64, i);
  return sum;
}

/* Tests ------------------------------------------------------------------ */

static void
test_fps_math (void)
{
  static const struct { const char *name; gint64 five, ten; const char *tc_1000; } cases[] = {
    { "24",     120, 240, "00:00:41:16" },
    { "23.976", 120, 240, "00:00:41:16" },
    { "25",     125, 250, "00:00:40:00" },
    { "29.97",  150, 300, "00:00:33:10" },
    { "30",     150, 300, "00:00:33:10" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      HeyaiExportFps fps;
      g_autofree char *tc = NULL;

      g_assert_true (heyai_export_fps_parse (cases[i].name, &fps));
      g_assert_cmpstr (heyai_export_fps_to_string (fps), ==, cases[i].name);
      g_assert_cmpint (heyai_export_seconds_to_frames (5, fps), ==, cases[i].five);
      g_assert_cmpint (heyai_export_seconds_to_frames (10, fps), ==, cases[i].ten);
      tc = heyai_export_timecode (1000, fps);
      g_assert_cmpstr (tc, ==, cases[i].tc_1000);
    }

  /* Drop-frame (SMPTE 12M) at 29.97. */
  {
    static const struct { gint64 frames; const char *tc; } df[] = {
      { 0, "00:00:00;00" }, { 1799, "00:00:59;29" }, { 1800, "00:01:00;02" },
      { 3598, "00:02:00;02" }, { 17982, "00:10:00;00" }, { 17981, "00:09:59;29" },
      { 107892, "01:00:00;00" }, { 150, "00:00:05;00" },
    };
    HeyaiExportFps fps;

    g_assert_true (heyai_export_fps_parse ("29.97df", &fps));
    g_assert_true (heyai_export_fps_is_drop_frame (fps));
    g_assert_cmpint (heyai_export_seconds_to_frames (5, fps), ==, 150);
    for (guint i = 0; i < G_N_ELEMENTS (df); i++)
      {
        g_autofree char *tc = heyai_export_timecode (df[i].frames, fps);
        g_assert_cmpstr (tc, ==, df[i].tc);
      }
  }

  {
    HeyaiExportFps fps;
    g_assert_false (heyai_export_fps_parse ("60", &fps));
    g_assert_false (heyai_export_fps_parse ("", &fps));
  }
}

static void
test_escaping (void)
{
  g_autofree char *x = heyai_export_xml_escape ("<a href=\"x\">Tom & 'Jerry'</a>\n🎬\x01");
  g_autofree char *c1 = heyai_export_csv_field ("plain text");
  g_autofree char *c2 = heyai_export_csv_field ("a,b");
  g_autofree char *c3 = heyai_export_csv_field ("say \"hi\"\r\nbye");
  g_autofree char *u = heyai_export_uri_encode_path ("clips/01 a&b#c.mp4");

  g_assert_cmpstr (x, ==, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;&#10;🎬 ");
  g_assert_cmpstr (c1, ==, "plain text");
  g_assert_cmpstr (c2, ==, "\"a,b\"");
  g_assert_cmpstr (c3, ==, "\"say \"\"hi\"\"\r\nbye\"");
  g_assert_cmpstr (u, ==, "clips/01%20a%26b%23c.mp4");
}

static void
test_all_formats (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (5, clip5, clip10, still);
  g_autoptr(HeyaiExportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) frames = NULL;
  g_autofree char *pdf_dir = g_build_filename (f->dir, "pages", NULL);
  g_autofree char *md = NULL;
  g_autofree char *readme = NULL;
  guint pages;
  double variance;

  /* Scene 4 has no approved clip: its still is held (the default). */
  g_clear_pointer (&((HeyaiExportScene *) g_ptr_array_index (plan->scenes, 3))->clip_path, g_free);
  frames = expected_frames_for (plan, FALSE);

  result = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, f->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->n_scenes, ==, 5);
  g_assert_cmpint (result->total_frames, ==, sum_frames (frames));
  g_assert_cmpint (result->total_frames, ==, 120 + 120 + 240 + 120 + 120);
  g_assert_cmpuint (g_strv_length (result->warnings), ==, 1);
  g_assert_nonnull (strstr (result->warnings[0], "Scene 4"));
  g_assert_true (g_str_has_suffix (result->package_path, "/test-trailer-faro-handoff"));

  /* Numbered media, copied (not links). */
  {
    g_autofree char *c1 = g_build_filename (result->package_path, "clips", "01-scene-title-1.mp4", NULL);
    g_autofree char *c4 = g_build_filename (result->package_path, "clips", "04-scene-title-4.mp4", NULL);
    g_autofree char *i4 = g_build_filename (result->package_path, "images", "04-scene-title-4.png", NULL);
    g_autofree char *c2 = g_build_filename (result->package_path, "clips", "02-el-dijo-corre-now-then-fin.mp4", NULL);

    g_assert_true (g_file_test (c1, G_FILE_TEST_IS_REGULAR));
    g_assert_false (g_file_test (c1, G_FILE_TEST_IS_SYMLINK));
    g_assert_false (g_file_test (c4, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (i4, G_FILE_TEST_IS_REGULAR));
    g_assert_true (g_file_test (c2, G_FILE_TEST_IS_REGULAR));
  }

  check_otio (result->package_path, plan, sum_frames (frames), frames->len);
  check_fcpxml (result->package_path, plan, frames);
  check_fcp7 (result->package_path, plan, frames);
  check_edl (result->package_path, plan, frames);
  check_csv (result->package_path, plan, frames);
  check_manifest (result->package_path);

  /* The held still is a graphic event in the EDL and an image in the timelines. */
  {
    g_autofree char *edl = export_test_read_file (result->package_path, "timeline.edl");
    g_autofree char *otio = export_test_read_file (result->package_path, "timeline.otio");

    g_assert_nonnull (strstr (edl, "004  ST004    V     C"));
    g_assert_nonnull (strstr (otio, "images/04-scene-title-4.png"));
  }

  md = export_test_read_file (result->package_path, "script-with-timing.md");
  g_assert_nonnull (strstr (md, "## 2. " EXPORT_TEST_NASTY_TITLE));
  g_assert_nonnull (strstr (md, "01:00:05:00 → 01:00:10:00"));  /* picture start 01:00:00:00 */
  g_assert_nonnull (strstr (md, "01:00:20:00 → 01:00:25:00"));
  readme = export_test_read_file (result->package_path, "README.txt");
  g_assert_nonnull (strstr (readme, "timeline.otio"));
  g_assert_nonnull (strstr (readme, "Premiere"));
  g_assert_nonnull (strstr (readme, "Final Cut"));

  {
    g_autofree char *sb = g_build_filename (result->package_path, "storyboard.pdf", NULL);
    g_autofree char *sc = g_build_filename (result->package_path, "script-with-timing.pdf", NULL);

    if (export_test_pdf_pages (sb, pdf_dir, &pages, &variance, NULL, NULL))
      {
        g_assert_cmpuint (pages, ==, 1 + 1);  /* title page + 5 frames on one 3x2 page */
        g_assert_cmpfloat (variance, >, 10.0);
        g_assert_true (export_test_pdf_pages (sc, pdf_dir, &pages, &variance, NULL, NULL));
        g_assert_cmpuint (pages, >=, 1);
        g_assert_cmpfloat (variance, >, 1.0);
      }
    else
      g_test_message ("pdftoppm not installed: PDFs not rendered");
  }

  assert_no_leftovers (f->dir);
}

static void
test_storyboard_pages (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (13, clip5, NULL, still);
  g_autoptr(HeyaiExportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf_dir = g_build_filename (f->dir, "pages", NULL);
  g_autofree char *sb = NULL;
  guint pages;
  double variance;

  result = run_export (plan, HEYAI_EXPORT_FORMAT_PDF, HEYAI_EXPORT_MISSING_HOLD, f->dir, &error);
  g_assert_no_error (error);
  sb = g_build_filename (result->package_path, "storyboard.pdf", NULL);
  if (!export_test_pdf_pages (sb, pdf_dir, &pages, &variance, NULL, NULL))
    {
      g_test_skip ("pdftoppm not installed");
      return;
    }
  g_assert_cmpuint (pages, ==, 1 + 3);  /* 13 frames, six a page */
  g_assert_cmpfloat (variance, >, 10.0);

  /* Letter is a different page size from A4 (landscape, 30 dpi). */
  {
    HeyaiExportOptions options;
    g_autoptr(HeyaiExportResult) letter = NULL;
    g_autofree char *lt = NULL;
    int w = 0, h = 0;

    g_assert_true (export_test_pdf_pages (sb, pdf_dir, &pages, &variance, &w, &h));
    g_assert_cmpint (ABS (w - 351), <=, 1);  /* 297 mm */
    g_assert_cmpint (ABS (h - 248), <=, 1);  /* 210 mm */

    heyai_export_options_init (&options);
    options.formats = HEYAI_EXPORT_FORMAT_PDF;
    options.paper = HEYAI_EXPORT_PAPER_LETTER;
    letter = heyai_export_run (plan, &options, f->dir, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    lt = g_build_filename (letter->package_path, "storyboard.pdf", NULL);
    g_assert_true (export_test_pdf_pages (lt, pdf_dir, &pages, &variance, &w, &h));
    g_assert_cmpint (ABS (w - 330), <=, 1);  /* 11 in */
    g_assert_cmpint (ABS (h - 255), <=, 1);  /* 8.5 in */
  }
}

static void
test_paper_locale (void)
{
  g_assert_cmpint (heyai_export_paper_for_locale_name ("en_US.UTF-8"), ==, HEYAI_EXPORT_PAPER_LETTER);
  g_assert_cmpint (heyai_export_paper_for_locale_name ("es_MX.UTF-8"), ==, HEYAI_EXPORT_PAPER_LETTER);
  g_assert_cmpint (heyai_export_paper_for_locale_name ("fr_CA"), ==, HEYAI_EXPORT_PAPER_LETTER);
  g_assert_cmpint (heyai_export_paper_for_locale_name ("es_ES.UTF-8"), ==, HEYAI_EXPORT_PAPER_A4);
  g_assert_cmpint (heyai_export_paper_for_locale_name ("en_GB.UTF-8@euro"), ==, HEYAI_EXPORT_PAPER_A4);
  g_assert_cmpint (heyai_export_paper_for_locale_name ("C.UTF-8"), ==, HEYAI_EXPORT_PAPER_A4);
  /* The test environment sets LC_ALL=C.UTF-8. */
  if (g_strcmp0 (g_getenv ("LC_ALL"), "C.UTF-8") == 0)
    g_assert_cmpint (heyai_export_paper_for_locale (), ==, HEYAI_EXPORT_PAPER_A4);
}

static void
test_each_fps (Fixture       *f,
               gconstpointer  data)
{
  static const HeyaiExportFps rates[] = {
    HEYAI_EXPORT_FPS_24, HEYAI_EXPORT_FPS_23_976, HEYAI_EXPORT_FPS_25,
    HEYAI_EXPORT_FPS_29_97, HEYAI_EXPORT_FPS_30, HEYAI_EXPORT_FPS_29_97_DF,
  };
  static const gint64 totals[] = { 600, 600, 625, 750, 750, 750 };  /* 5 + 5 + 10 + 5 s */

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      g_autoptr(HeyaiExportPlan) plan = export_test_plan (4, clip5, clip10, still);
      g_autoptr(HeyaiExportResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) frames = NULL;
      g_autofree char *dest = g_strdup_printf ("%s/fps-%u", f->dir, r);
      g_autofree char *edl = NULL;
      g_autofree char *fcpxml = NULL;
      g_autofree char *frame_duration = NULL;
      int num, den;

      plan->fps = rates[r];
      frames = expected_frames_for (plan, FALSE);
      g_assert_cmpint (sum_frames (frames), ==, totals[r]);

      result = run_export (plan, HEYAI_EXPORT_FORMAT_OTIO | HEYAI_EXPORT_FORMAT_FCPXML |
                           HEYAI_EXPORT_FORMAT_XML | HEYAI_EXPORT_FORMAT_EDL | HEYAI_EXPORT_FORMAT_CSV,
                           HEYAI_EXPORT_MISSING_HOLD, dest, &error);
      g_assert_no_error (error);
      g_assert_cmpint (result->total_frames, ==, totals[r]);

      check_otio (result->package_path, plan, totals[r], frames->len);
      check_fcpxml (result->package_path, plan, frames);
      check_fcp7 (result->package_path, plan, frames);
      check_edl (result->package_path, plan, frames);
      check_csv (result->package_path, plan, frames);

      /* The last record-out timecode is the cut length at the nominal base. */
      edl = export_test_read_file (result->package_path, "timeline.edl");
      {
        g_autofree char *tc = heyai_export_timecode (heyai_export_plan_start_frame (plan) + totals[r], rates[r]);
        g_autofree char *last = g_strdup_printf (" %s\n* FROM CLIP NAME: ", tc);
        const char *at = strstr (edl, last);

        /* The last event's record out, followed by its comment lines only. */
        g_assert_nonnull (at);
        g_assert_null (strstr (at + strlen (last), "\n00"));
      }

      heyai_export_fps_get_rational (rates[r], &num, &den);
      fcpxml = export_test_read_file (result->package_path, "timeline.fcpxml");
      frame_duration = g_strdup_printf ("frameDuration=\"%d/%ds\"", den, num);
      g_assert_nonnull (strstr (fcpxml, frame_duration));
      g_assert_nonnull (strstr (fcpxml, heyai_export_fps_is_drop_frame (rates[r]) ? "tcFormat=\"DF\"" : "tcFormat=\"NDF\""));
    }
}

static void
test_missing_skip (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (4, clip5, NULL, still);
  g_autoptr(HeyaiExportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) frames = NULL;
  g_autofree char *edl = NULL;
  HeyaiExportScene *third = g_ptr_array_index (plan->scenes, 2);
  HeyaiExportScene *fourth = g_ptr_array_index (plan->scenes, 3);

  g_clear_pointer (&third->clip_path, g_free);
  /* Nothing at all for scene 4: left out even when holding. */
  g_clear_pointer (&fourth->clip_path, g_free);
  g_clear_pointer (&fourth->still_path, g_free);

  frames = expected_frames_for (plan, TRUE);
  {
    gint64 total = 0;

    g_assert_cmpuint (heyai_export_plan_count (plan, HEYAI_EXPORT_MISSING_SKIP, &total), ==, 2);
    g_assert_cmpint (total, ==, 240);
    g_assert_cmpuint (heyai_export_plan_count (plan, HEYAI_EXPORT_MISSING_HOLD, &total), ==, 3);
    g_assert_cmpint (total, ==, 360);
  }
  result = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_SKIP, f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_scenes, ==, 2);
  g_assert_cmpint (result->total_frames, ==, 240);
  g_assert_cmpuint (g_strv_length (result->warnings), ==, 2);
  g_assert_nonnull (strstr (result->warnings[0], "Scene 3"));
  g_assert_nonnull (strstr (result->warnings[1], "Scene 4"));

  check_edl (result->package_path, plan, frames);
  check_otio (result->package_path, plan, 240, 2);
  check_csv (result->package_path, plan, frames);
  check_manifest (result->package_path);
  edl = export_test_read_file (result->package_path, "timeline.edl");
  g_assert_null (strstr (edl, "SC003"));

  /* Hold: scene 3 comes back as its still; scene 4 still has nothing. */
  {
    g_autoptr(HeyaiExportResult) held = run_export (plan, HEYAI_EXPORT_FORMAT_EDL, HEYAI_EXPORT_MISSING_HOLD, f->dir, &error);
    g_autofree char *edl2 = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (held->n_scenes, ==, 3);
    edl2 = export_test_read_file (held->package_path, "timeline.edl");
    g_assert_nonnull (strstr (edl2, "003  ST003 "));
  }

  /* Nothing exportable at all: a clear error, nothing written. */
  {
    g_autoptr(HeyaiExportPlan) empty = export_test_plan (1, NULL, NULL, NULL);
    g_autofree char *dest = g_build_filename (f->dir, "empty", NULL);
    HeyaiExportResult *none = run_export (empty, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, dest, &error);

    g_assert_null (none);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
    g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  }
}

static void
test_twice_atomic (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (4, clip5, NULL, still);
  g_autoptr(HeyaiExportResult) first = NULL;
  g_autoptr(HeyaiExportResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stray = NULL;
  g_autofree char *c4 = NULL;
  struct stat before, after;

  /* Leftovers of a crashed export: an old one is cleaned up, a fresh one
   * (maybe another export running now) is left alone. */
  {
    g_autofree char *stale = g_build_filename (f->dir, ".test-trailer-faro-handoff.tmp-OLD123", NULL);
    g_autofree char *stale_file = g_build_filename (stale, "timeline.otio", NULL);
    g_autofree char *fresh = g_build_filename (f->dir, ".test-trailer-faro-handoff.tmp-NEW123", NULL);
    g_autofree char *other = g_build_filename (f->dir, ".someone-elses", NULL);
    struct utimbuf old_times = { 1000000, 1000000 };

    g_assert_cmpint (g_mkdir (stale, 0755), ==, 0);
    g_assert_true (g_file_set_contents (stale_file, "{}", -1, NULL));
    g_assert_cmpint (g_utime (stale, &old_times), ==, 0);
    g_assert_cmpint (g_mkdir (fresh, 0755), ==, 0);
    g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
    g_utime (other, &old_times);

    first = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, f->dir, &error);
    g_assert_no_error (error);
    g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_DIR));
    g_assert_true (g_file_test (other, G_FILE_TEST_IS_DIR));
    g_rmdir (fresh);
    g_rmdir (other);
  }
  g_assert_cmpint (g_stat (first->package_path, &before), ==, 0);

  /* A file the user dropped into the old package does not survive: the
   * package is replaced, not merged. */
  stray = g_build_filename (first->package_path, "stray.txt", NULL);
  g_assert_true (g_file_set_contents (stray, "x", -1, NULL));

  g_ptr_array_remove_index (plan->scenes, 3);
  second = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->package_path, ==, second->package_path);
  g_assert_cmpint (g_stat (second->package_path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);  /* a new folder, renamed into place */

  g_assert_false (g_file_test (stray, G_FILE_TEST_EXISTS));
  c4 = g_build_filename (second->package_path, "clips", "04-scene-title-4.mp4", NULL);
  g_assert_false (g_file_test (c4, G_FILE_TEST_EXISTS));
  check_manifest (second->package_path);
  check_otio (second->package_path, plan, 360, 3);
  assert_no_leftovers (f->dir);
}

static void
test_unwritable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (2, clip5, NULL, still);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (f->dir, "not-a-folder", NULL);
  g_autofree char *dest = g_build_filename (file, "out", NULL);
  HeyaiExportResult *result;

  /* Under a regular file: the folder cannot be created. */
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  result = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, dest, &error);
  g_assert_null (result);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "out"));
  g_clear_error (&error);

  /* A read-only folder (only meaningful when not running as root). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (f->dir, "read-only", NULL);

      g_assert_cmpint (g_mkdir (ro, 0555), ==, 0);
      result = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, ro, &error);
      g_assert_null (result);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION);
      g_chmod (ro, 0755);
      {
        g_auto(GStrv) names = export_test_list_dir (ro);
        g_assert_cmpuint (g_strv_length (names), ==, 0);
      }
    }
  else
    g_test_message ("running as root: read-only folder case not checked");
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (3, clip5, NULL, still);
  g_autoptr(HeyaiExportResult) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *manifest_before = NULL;
  g_autofree char *manifest_after = NULL;
  HeyaiExportResult *result;
  gint64 limits[] = { 0, 1000, 0 };
  GStatBuf st;

  /* The last limit fails in the middle of the second clip. */
  g_assert_cmpint (g_stat (clip5, &st), ==, 0);
  limits[2] = (gint64) st.st_size + st.st_size / 2;

  /* A good package first: a failed export must leave it untouched. */
  first = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, f->dir, &error);
  g_assert_no_error (error);
  manifest_before = export_test_read_file (first->package_path, "manifest.json");

  g_ptr_array_remove_index (plan->scenes, 2);
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      heyai_export_set_write_limit (limits[i]);
      result = run_export (plan, ALL_BUT_ANIMATIC, HEYAI_EXPORT_MISSING_HOLD, f->dir, &error);
      heyai_export_set_write_limit (-1);

      g_assert_null (result);
      g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE);
      g_assert_nonnull (strstr (error->message, "disk is full"));
      g_clear_error (&error);
      assert_no_leftovers (f->dir);
    }

  manifest_after = export_test_read_file (first->package_path, "manifest.json");
  g_assert_cmpstr (manifest_before, ==, manifest_after);
}

static void
test_zip (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (3, clip5, NULL, still);
  g_autoptr(HeyaiExportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unzip = g_find_program_in_path ("unzip");
  g_autofree char *contents = NULL;
  gsize len;
  HeyaiExportOptions options;

  heyai_export_options_init (&options);
  options.formats = HEYAI_EXPORT_FORMAT_EDL | HEYAI_EXPORT_FORMAT_CSV;
  options.zip = TRUE;
  result = heyai_export_run (plan, &options, f->dir, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->zip_path);
  g_assert_true (g_str_has_suffix (result->zip_path, "/test-trailer-faro-handoff.zip"));

  /* The structure: local headers, central directory, end record. */
  g_assert_true (g_file_get_contents (result->zip_path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 22);
  g_assert_cmpmem (contents, 4, "PK\x03\x04", 4);
  g_assert_cmpmem (contents + len - 22, 4, "PK\x05\x06", 4);
  g_assert_nonnull (memmem (contents, len, "test-trailer-faro-handoff/clips/01-scene-title-1.mp4", strlen ("test-trailer-faro-handoff/clips/01-scene-title-1.mp4")));
  g_assert_nonnull (memmem (contents, len, "test-trailer-faro-handoff/manifest.json", strlen ("test-trailer-faro-handoff/manifest.json")));

  if (unzip != NULL)
    {
      const char *argv[] = { unzip, "-tq", result->zip_path, NULL };
      int status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                   NULL, NULL, &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  else
    g_test_message ("unzip not installed: CRCs not verified by a second reader");

  assert_no_leftovers (f->dir);
}

typedef struct
{
  GPtrArray         *fractions;
  HeyaiExportResult *result;
  GError            *error;
  gboolean           done;
  GThread           *main_thread;
} AsyncRun;

static void
on_async_progress (double      fraction,
                   const char *step,
                   gpointer    user_data)
{
  AsyncRun *run = user_data;
  double *v = g_new (double, 1);

  g_assert_true (g_thread_self () == run->main_thread);
  *v = fraction;
  g_ptr_array_add (run->fractions, v);
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->result = heyai_export_finish (result, &run->error);
  run->done = TRUE;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (3, clip5, NULL, still);
  AsyncRun run = { g_ptr_array_new_with_free_func (g_free), NULL, NULL, FALSE, g_thread_self () };
  HeyaiExportOptions options;
  gint64 deadline = g_get_monotonic_time () + 30 * G_TIME_SPAN_SECOND;
  double last = -1;

  heyai_export_options_init (&options);
  options.formats = ALL_BUT_ANIMATIC;
  heyai_export_async (plan, &options, f->dir, on_async_progress, &run, NULL, NULL, on_async_done, &run);
  /* The plan is copied: changing ours now does not affect the export. */
  heyai_export_scene_set_title (g_ptr_array_index (plan->scenes, 0), "Changed");

  while (!run.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (run.done);
  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  g_assert_cmpuint (run.fractions->len, >=, 3);
  for (guint i = 0; i < run.fractions->len; i++)
    {
      double v = *(double *) g_ptr_array_index (run.fractions, i);
      g_assert_cmpfloat (v, >=, last);
      last = v;
    }
  g_assert_cmpfloat (last, ==, 1.0);
  {
    g_autofree char *c1 = g_build_filename (run.result->package_path, "clips", "01-scene-title-1.mp4", NULL);
    g_assert_true (g_file_test (c1, G_FILE_TEST_IS_REGULAR));
  }

  heyai_export_result_free (run.result);
  g_ptr_array_unref (run.fractions);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiExportPlan) plan = export_test_plan (3, clip5, NULL, still);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  HeyaiExportOptions options;
  HeyaiExportResult *result;

  heyai_export_options_init (&options);
  options.formats = ALL_BUT_ANIMATIC;
  g_cancellable_cancel (cancellable);
  result = heyai_export_run (plan, &options, f->dir, NULL, NULL, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  {
    g_auto(GStrv) names = export_test_list_dir (f->dir);
    g_assert_cmpuint (g_strv_length (names), ==, 0);
  }
}

static void
test_formats_parse (void)
{
  g_autoptr(GError) error = NULL;
  HeyaiExportFormats formats = 0;

  g_assert_true (heyai_export_formats_parse ("otio, EDL,csv", &formats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (formats, ==, HEYAI_EXPORT_FORMAT_OTIO | HEYAI_EXPORT_FORMAT_EDL | HEYAI_EXPORT_FORMAT_CSV);
  g_assert_true (heyai_export_formats_parse (NULL, &formats, &error));
  g_assert_cmpuint (formats, ==, HEYAI_EXPORT_FORMAT_ALL);
  g_assert_false (heyai_export_formats_parse ("otio,mov", &formats, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "mov"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  media_dir = g_dir_make_tmp ("heyai-export-media-XXXXXX", NULL);
  clip5 = g_build_filename (media_dir, "clip5.mp4", NULL);
  clip10 = g_build_filename (media_dir, "clip10.mp4", NULL);
  still = g_build_filename (media_dir, "still.png", NULL);
  if (!export_test_make_clip (clip5, 120, 320, 180, 0, &error) ||
      !export_test_make_clip (clip10, 240, 320, 180, 18, &error))
    g_error ("could not make the test clips: %s", error->message);
  g_assert_true (export_test_make_still (still, 320, 180, 0.7));

  g_test_add_func ("/export/fps/math", test_fps_math);
  g_test_add_func ("/export/escaping", test_escaping);
  g_test_add_func ("/export/formats/parse", test_formats_parse);
  g_test_add_func ("/export/paper/locale", test_paper_locale);
  g_test_add ("/export/package/all-formats", Fixture, NULL, fixture_setup, test_all_formats, fixture_teardown);
  g_test_add ("/export/package/storyboard-pages", Fixture, NULL, fixture_setup, test_storyboard_pages, fixture_teardown);
  g_test_add ("/export/package/each-fps", Fixture, NULL, fixture_setup, test_each_fps, fixture_teardown);
  g_test_add ("/export/package/missing", Fixture, NULL, fixture_setup, test_missing_skip, fixture_teardown);
  g_test_add ("/export/package/twice-atomic", Fixture, NULL, fixture_setup, test_twice_atomic, fixture_teardown);
  g_test_add ("/export/package/unwritable", Fixture, NULL, fixture_setup, test_unwritable, fixture_teardown);
  g_test_add ("/export/package/disk-full", Fixture, NULL, fixture_setup, test_disk_full, fixture_teardown);
  g_test_add ("/export/package/zip", Fixture, NULL, fixture_setup, test_zip, fixture_teardown);
  g_test_add ("/export/package/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add ("/export/package/cancelled", Fixture, NULL, fixture_setup, test_cancelled, fixture_teardown);

  ret = g_test_run ();

  export_test_rm_rf (media_dir);
  g_free (media_dir);
  g_free (clip5);
  g_free (clip10);
  g_free (still);

  return ret;
}
