/* test-export-handoff.c: a handoff that relinks, conforms and comes back.
 *
 *  - the script PDF holds every word of the Markdown (Big Fish, 190 scenes);
 *  - clips at 30 fps, in VP9/WebM and at 9:16 are conformed into a 16:9
 *    24 fps package (H.264/MP4, originals kept, both in the manifest);
 *  - every timeline is read back and compared with the probed media (sizes,
 *    rates, frame counts, names, markers, absolute URLs, start timecode), the
 *    FCPXML is validated against Apple's FCPXML 1.9 DTD;
 *  - a scripted edit (swap two clips, trim one, add a marker, drop one) of each
 *    of the four timelines comes back as the same storyboard changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <gst/video/video.h>
#include <json-glib/json-glib.h>

#include "heyai-core.h"
#include "heyai-export.h"
#include "heyai-export-private.h"
#include "heyai-export-drive.h"
#include "heyai-timeline-import.h"
#include "export-test-util.h"

#define W 320
#define H 180

/* Media ----------------------------------------------------------------- */


/* TRUE when @name is on PATH (no string left behind). */
static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static void
make_clip (const char *path,
           int         frames,
           int         width,
           int         height,
           int         fps,
           const char *encoder_and_mux)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *desc = g_strdup_printf ("videotestsrc num-buffers=%d pattern=smpte ! "
                                           "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! "
                                           "%s ! filesink location=\"%s\"",
                                           frames, width, height, fps, encoder_and_mux, path);
  g_autoptr(GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (msg);
  g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* Big Fish: the PDF holds every word -------------------------------------- */

/* Runs of letters and digits, lower case: punctuation, dashes, apostrophes
 * and where a line breaks are the renderer's business. */
static GPtrArray *
words_of (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  GString *w = g_string_new (NULL);

  for (const char *p = text; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (w, g_unichar_tolower (c));
          continue;
        }
      if (w->len > 0)
        {
          g_ptr_array_add (words, g_strdup (w->str));
          g_string_truncate (w, 0);
        }
      if (c == 0)
        break;
    }
  g_string_free (w, TRUE);

  return words;
}

static void
test_big_fish_pdf (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "samples", "big-fish.fountain", NULL);
  g_autofree char *text = NULL;
  g_autoptr(HeyaiScript) script = NULL;
  g_autoptr(HeyaiExportPlan) plan = heyai_export_plan_new ("Big Fish");
  g_autoptr(HeyaiCut) cut = NULL;
  g_autofree char *dir = g_dir_make_tmp ("heyai-bigfish-XXXXXX", &error);
  g_autofree char *pdf = NULL;
  g_autofree char *txt = NULL;
  g_autofree char *pdf_text = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) got = NULL;
  g_autofree char *md = NULL;

  guint missing = 0, n_expected = 0;
  int status;

  g_assert_no_error (error);
  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_test_skip ("tests/samples/big-fish.fountain is not there");
      return;
    }
  if (!have_program ("pdftotext"))
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }

  script = heyai_script_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (script->scenes->len, >=, 60);

  for (guint i = 0; i < script->scenes->len; i++)
    {
      HeyaiScriptScene *s = g_ptr_array_index (script->scenes, i);
      HeyaiExportScene *es = heyai_export_plan_add_scene (plan, s->heading != NULL ? s->heading : "Scene");

      es->notes = g_strdup (s->excerpt);
      es->still_path = g_strdup ("/nonexistent.png");  /* in the cut as a held still */
    }

  cut = heyai_cut_new (plan, HEYAI_EXPORT_MISSING_HOLD, NULL);
  g_assert_cmpuint (cut->entries->len, ==, script->scenes->len);

  pdf = g_build_filename (dir, "script-with-timing.pdf", NULL);
  txt = g_build_filename (dir, "script.txt", NULL);
  g_assert_true (heyai_export_script_pdf (cut, pdf, HEYAI_EXPORT_PAPER_LETTER, NULL, &error));
  g_assert_no_error (error);

  command = g_strdup_printf ("pdftotext -raw -enc UTF-8 '%s' '%s'", pdf, txt);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (txt, &pdf_text, NULL, NULL));

  /* Every word of the scenes' script text in the Markdown is in the PDF. */
  md = heyai_export_script_md_to_string (cut);
  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      g_autoptr(GPtrArray) w = words_of (entry->scene->notes);

      g_auto(GStrv) first = g_strsplit (entry->scene->notes, "\n", 2);

      g_assert_nonnull (strstr (md, first[0]));
      for (guint k = 0; k < w->len; k++)
        g_ptr_array_add (expected, g_strdup (g_ptr_array_index (w, k)));
    }
  n_expected = expected->len;

  /* In order: each word of the script is the next word of the PDF, or comes
   * within a few words (the PDF adds headings, timing and page footers).
   * pdftotext joins a word broken after a hyphen at the end of a line
   * ("butter-and-" + "cheese" gives "andcheese"): that counts as both. */
  got = words_of (pdf_text);
  for (guint i = 0, j = 0; i < expected->len; i++)
    {
      const char *w = g_ptr_array_index (expected, i);
      const char *next = i + 1 < expected->len ? g_ptr_array_index (expected, i + 1) : "";
      gboolean found = FALSE;

      for (guint k = j; k < got->len && k < j + 80 && !found; k++)
        {
          const char *g = g_ptr_array_index (got, k);

          if (g_str_equal (g, w))
            found = TRUE;
          else if (g_str_has_prefix (g, w) && g_str_equal (g + strlen (w), next) && *next != '\0')
            {
              found = TRUE;
              i++;
            }
          if (found)
            j = k + 1;
        }
      if (!found)
        {
          if (missing < 10)
            g_test_message ("missing from the PDF (or out of order): “%s” (word %u)", w, i);
          missing++;
        }
    }

  g_test_message ("Big Fish: %u scenes, %u words of script, %u words in the PDF, %u missing",
                  cut->entries->len, n_expected, got->len, missing);
  g_assert_cmpuint (n_expected, >, 25000);
  g_assert_cmpuint (missing, ==, 0);

  export_test_rm_rf (dir);
}

/* The package ------------------------------------------------------------ */

typedef struct
{
  char            *dir;
  char            *package;
  HeyaiExportPlan *plan;
} Package;

static Package *shared;

static void
package_free (Package *p)
{
  if (p == NULL)
    return;
  export_test_rm_rf (p->dir);
  g_free (p->dir);
  g_free (p->package);
  heyai_export_plan_free (p->plan);
  g_free (p);
}

/* Five scenes at 320x180, 24 fps: a matching H.264 clip, a 30 fps clip, a
 * VP9/WebM clip, a 9:16 clip, and a 9:16 still held (no clip). */
static Package *
get_package (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src = NULL;
  g_autoptr(HeyaiExportResult) result = NULL;
  HeyaiExportOptions options;
  const char *titles[] = { "Opening", "Thirty", "Vee Pee Nine", "Portrait", "Held still" };
  Package *p;

  if (shared != NULL)
    return shared;

  p = g_new0 (Package, 1);
  p->dir = g_dir_make_tmp ("heyai-handoff-XXXXXX", &error);
  g_assert_no_error (error);
  src = g_build_filename (p->dir, "src", NULL);
  g_assert_cmpint (g_mkdir (src, 0755), ==, 0);

  p->plan = heyai_export_plan_new ("Handoff “test” & co");
  p->plan->width = W;
  p->plan->height = H;
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      HeyaiExportScene *s = heyai_export_plan_add_scene (p->plan, titles[i]);
      g_autofree char *still = g_strdup_printf ("%s/still-%u.png", src, i);

      s->duration_seconds = 2;
      s->scene_id = g_strdup_printf ("scene-id-%u", i + 1);
      s->image_prompt = g_strdup ("A lighthouse");
      s->still_path = g_strdup (still);
      export_test_make_still (still, i == 4 ? 90 : W, i == 4 ? 160 : H, 0.2 * i);
    }
  ((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 1))->editor_note = g_strdup ("Music hits here — hold it");

  ((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 0))->clip_path = g_build_filename (src, "a.mp4", NULL);
  make_clip (((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 0))->clip_path, 48, W, H, 24,
             "x264enc speed-preset=ultrafast ! video/x-h264,profile=high ! mp4mux");
  ((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 1))->clip_path = g_build_filename (src, "b.mp4", NULL);
  make_clip (((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 1))->clip_path, 60, W, H, 30,
             "x264enc speed-preset=ultrafast ! mp4mux");
  ((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 2))->clip_path = g_build_filename (src, "c.webm", NULL);
  make_clip (((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 2))->clip_path, 48, W, H, 24,
             "vp9enc deadline=1 ! webmmux");
  ((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 3))->clip_path = g_build_filename (src, "d.mp4", NULL);
  make_clip (((HeyaiExportScene *) g_ptr_array_index (p->plan->scenes, 3))->clip_path, 48, 180, 320, 24,
             "x264enc speed-preset=ultrafast ! mp4mux");

  heyai_export_options_init (&options);
  options.formats = HEYAI_EXPORT_FORMAT_OTIO | HEYAI_EXPORT_FORMAT_FCPXML | HEYAI_EXPORT_FORMAT_XML |
                    HEYAI_EXPORT_FORMAT_EDL | HEYAI_EXPORT_FORMAT_EDL_CLIPNAMES | HEYAI_EXPORT_FORMAT_OTIOZ |
                    HEYAI_EXPORT_FORMAT_MD | HEYAI_EXPORT_FORMAT_CSV;
  result = heyai_export_run (p->plan, &options, p->dir, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  p->package = g_strdup (result->package_path);
  heyai_export_options_clear (&options);

  shared = p;
  return p;
}

static void
probe (const char     *package,
       const char     *rel,
       HeyaiMediaInfo *info)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (package, rel, NULL);

  g_assert_true (heyai_media_probe (path, info, &error));
  g_assert_no_error (error);
}

static JsonObject *
load_json (const char *package,
           const char *name,
           JsonParser *parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (package, name, NULL);

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_conform (void)
{
  Package *p = get_package ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_json (p->package, "manifest.json", parser);
  JsonArray *scenes = json_object_get_array_member (manifest, "scenes");
  const char *expect_reason[] = { NULL, "fps", "VP9", "180×320", "90×160" };

  g_assert_cmpuint (json_array_get_length (scenes), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *s = json_array_get_object_element (scenes, i);
      JsonObject *media = json_object_get_object_member (s, "media_info");
      const char *rel = json_object_get_string_member (media, "path");
      HeyaiMediaInfo info = { 0 };

      probe (p->package, rel, &info);
      g_assert_cmpint (info.width, ==, W);
      g_assert_cmpint (info.height, ==, H);
      g_assert_cmpint (json_object_get_int_member (media, "width"), ==, W);
      g_assert_cmpint (json_object_get_int_member (media, "height"), ==, H);
      if (i < 4)
        {
          g_assert_true (g_str_has_prefix (rel, "clips/") && g_str_has_suffix (rel, ".mp4"));
          g_assert_cmpint (info.fps_n * 1, ==, 24 * info.fps_d);
          g_assert_nonnull (strstr (info.codec, "H.264"));
          /* 2 s of source: 48 frames at 24 fps (videorate may keep one more). */
          g_assert_cmpint (info.frames, >=, 47);
          g_assert_cmpint (info.frames, <=, 49);
          g_assert_cmpstr (json_object_get_string_member (media, "fps_rational"), ==, "24/1");
        }
      else
        g_assert_true (info.is_image);

      if (expect_reason[i] == NULL)
        {
          g_assert_true (json_object_get_null_member (s, "original"));
          g_assert_true (json_object_get_null_member (s, "conformed"));
        }
      else
        {
          JsonObject *orig = json_object_get_object_member (s, "original");
          g_autofree char *orig_path = g_build_filename (p->package, json_object_get_string_member (orig, "path"), NULL);
          g_autofree char *sha = heyai_file_sha256 (orig_path, NULL, NULL);

          g_assert_nonnull (strstr (json_object_get_string_member (s, "conformed"), expect_reason[i]));
          g_assert_true (g_file_test (orig_path, G_FILE_TEST_IS_REGULAR));
          g_assert_cmpstr (json_object_get_string_member (orig, "sha256"), ==, sha);
          g_assert_cmpint (json_object_get_int_member (orig, "width"), !=, 0);
        }
      heyai_media_info_clear (&info);
    }

  /* The VP9 original is kept as it came. */
  {
    g_autofree char *webm = g_build_filename (p->package, "clips", "originals", "03-vee-pee-nine.webm", NULL);
    g_assert_true (g_file_test (webm, G_FILE_TEST_IS_REGULAR));
  }
}

/* Letterbox: the 9:16 clip is pillarboxed (black at the sides); crop fills. */
static void
test_conform_fit (void)
{
  Package *p = get_package ();
  g_autoptr(GError) error = NULL;
  g_autofree char *src = g_build_filename (p->dir, "src", "d.mp4", NULL);
  g_autofree char *crop = g_build_filename (p->dir, "crop.mp4", NULL);
  g_autofree char *boxed = g_build_filename (p->package, "clips", "04-portrait.mp4", NULL);
  HeyaiMediaInfo info = { 0 };
  const char *files[] = { boxed, crop };
  guint8 edge[2];

  g_assert_true (heyai_media_probe (src, &info, &error));
  g_assert_true (heyai_export_conform_clip (src, &info, crop, p->plan, HEYAI_EXPORT_FIT_CROP, NULL, &error));
  g_assert_no_error (error);
  heyai_media_info_clear (&info);

  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! "
                                               "video/x-raw,format=GRAY8 ! appsink name=sink", files[k]);
      g_autoptr(GstElement) pipeline = gst_parse_launch (desc, &error);
      g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
      g_autoptr(GstSample) sample = NULL;
      GstMapInfo map;
      GstVideoInfo vinfo;

      g_assert_no_error (error);
      gst_element_set_state (pipeline, GST_STATE_PAUSED);
      g_signal_emit_by_name (sink, "pull-preroll", &sample);
      g_assert_nonnull (sample);
      g_assert_true (gst_video_info_from_caps (&vinfo, gst_sample_get_caps (sample)));
      g_assert_true (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ));
      /* Middle row, 4 pixels in from the left edge. */
      edge[k] = map.data[(gsize) (H / 2) * GST_VIDEO_INFO_PLANE_STRIDE (&vinfo, 0) + 4];
      gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
      gst_element_set_state (pipeline, GST_STATE_NULL);
    }

  g_assert_cmpint (edge[0], <, 24);   /* pillarbox: black */
  g_assert_cmpint (edge[1], >, 24);   /* cropped: picture */
}

/* Timelines read back ----------------------------------------------------- */

static char *
read_text (const char *package,
           const char *name)
{
  return export_test_read_file (package, name);
}

static char *
url_to_path (const char *url)
{
  g_autoptr(GError) error = NULL;
  char *path;

  if (g_str_has_prefix (url, "file://localhost/"))
    {
      g_autofree char *plain = g_strconcat ("file:///", url + strlen ("file://localhost/"), NULL);
      path = g_filename_from_uri (plain, NULL, &error);
    }
  else
    path = g_filename_from_uri (url, NULL, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_timelines_media (void)
{
  Package *p = get_package ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *manifest = load_json (p->package, "manifest.json", parser);
  JsonArray *scenes = json_object_get_array_member (manifest, "scenes");
  g_autofree char *edl = read_text (p->package, "timeline.edl");
  g_autofree char *edl_names = read_text (p->package, "timeline-clipnames.edl");
  g_autofree char *fcp7 = read_text (p->package, "timeline.xml");
  g_autofree char *fcpxml = read_text (p->package, "timeline.fcpxml");
  g_autoptr(GArray) events = NULL;

  /* EDL: relink comments and markers, record from 01:00:00:00. */
  g_assert_true (g_str_has_prefix (strstr (edl, "001  SC001"), "001  SC001    V     C        00:00:00:00 00:00:02:00 01:00:00:00 01:00:02:00"));
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *s = json_array_get_object_element (scenes, i);
      const char *media = json_object_get_string_member (s, "media");
      g_autofree char *base = g_path_get_basename (media);
      g_autofree char *from = g_strdup_printf ("* FROM CLIP NAME: %s\n* SOURCE FILE: %s\n", base, media);
      g_autofree char *stem = g_strndup (base, strrchr (base, '.') - base);
      g_autofree char *reel = g_strdup_printf ("%03u  %-8s V", i + 1, stem);
      g_autofree char *full = g_build_filename (p->package, media, NULL);
      g_autofree char *pathurl = NULL;
      g_autofree char *enc = heyai_export_uri_encode_path (full);

      g_assert_nonnull (strstr (edl, from));
      g_assert_nonnull (strstr (edl_names, from));
      g_assert_nonnull (strstr (edl_names, reel));
      g_assert_true (g_file_test (full, G_FILE_TEST_IS_REGULAR));

      /* Both XML flavours: the absolute, percent-encoded URL of the media. */
      pathurl = g_strdup_printf ("<pathurl>file://localhost%s</pathurl>", enc);
      g_assert_nonnull (strstr (fcp7, pathurl));
      {
        g_autofree char *src = g_strdup_printf ("src=\"file://%s\"", enc);
        g_assert_nonnull (strstr (fcpxml, src));
      }
    }
  g_assert_nonnull (strstr (edl, "* LOC: 01:00:02:00 RED     APPROVED - Music hits here -- hold it\n"));
  g_assert_null (strstr (edl, "—"));  /* ASCII only */

  /* FCP7: tracks enabled/unlocked; the files describe the probed media. */
  g_assert_nonnull (strstr (fcp7, "<enabled>TRUE</enabled>\n          <locked>FALSE</locked>\n        </track>"));
  g_assert_nonnull (strstr (fcp7, "<string>01:00:00:00</string>\n      <frame>86400</frame>"));
  g_assert_nonnull (strstr (fcp7, "<comment>Music hits here — hold it</comment>"));
  {
    const char *at = fcp7;
    guint n = 0;

    while ((at = strstr (at, "<file id=")) != NULL)
      {
        const char *end = strstr (at, "</file>");
        g_autofree char *block = g_strndup (at, end - at);
        g_autofree char *w = g_strdup_printf ("<width>%d</width>", W);
        g_autofree char *h = g_strdup_printf ("<height>%d</height>", H);

        g_assert_nonnull (strstr (block, w));
        g_assert_nonnull (strstr (block, h));
        g_assert_nonnull (strstr (block, "<timebase>24</timebase>"));
        g_assert_nonnull (strstr (block, "<duration>48</duration>"));
        at = end;
        n++;
      }
    g_assert_cmpuint (n, ==, 5);
  }

  /* FCPXML: the sequence format for the clips, its own one for the still. */
  g_assert_nonnull (strstr (fcpxml, "tcStart=\"86400/24s\""));
  g_assert_nonnull (strstr (fcpxml, "<format id=\"r2\" name=\"FFVideoFormatRateUndefined\" width=\"320\" height=\"180\"/>"));
  g_assert_nonnull (strstr (fcpxml, "format=\"r2\""));
  g_assert_nonnull (strstr (fcpxml, "note=\"Music hits here — hold it\""));
  g_assert_nonnull (strstr (fcpxml, "uid=\"heyai:scene-id-3\""));

  /* The EDL's events agree frame for frame with the cut. */
  events = export_test_read_edl (edl, 24, FALSE);
  g_assert_cmpuint (events->len, ==, 5);
  for (guint i = 0; i < events->len; i++)
    {
      EdlEvent *e = &g_array_index (events, EdlEvent, i);
      JsonObject *s = json_array_get_object_element (scenes, i);

      g_assert_cmpint (e->rec_in, ==, 86400 + json_object_get_int_member (s, "record_in_frame"));
      g_assert_cmpint (e->rec_out - e->rec_in, ==, json_object_get_int_member (s, "duration_frames"));
    }
}

static void
test_fcpxml_dtd (void)
{
  Package *p = get_package ();
  g_autofree char *dtd = g_test_build_filename (G_TEST_DIST, "export", "FCPXMLv1_9.dtd", NULL);
  g_autofree char *fcpxml = g_build_filename (p->package, "timeline.fcpxml", NULL);
  g_autofree char *command = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!have_program ("xmllint"))
    {
      g_test_skip ("xmllint is not installed");
      return;
    }
  command = g_strdup_printf ("xmllint --noout --dtdvalid '%s' '%s'", dtd, fcpxml);
  g_assert_true (g_spawn_command_line_sync (command, NULL, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_otio_and_bundle (void)
{
  Package *p = get_package ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = load_json (p->package, "timeline.otio", parser);
  JsonObject *start = json_object_get_object_member (root, "global_start_time");
  JsonArray *clips = json_array_get_object_element (json_object_get_array_member (
                       json_object_get_object_member (root, "tracks"), "children"), 0) != NULL
                     ? json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (
                         json_object_get_object_member (root, "tracks"), "children"), 0), "children")
                     : NULL;
  g_autofree char *zip = g_build_filename (p->package, "timeline.otioz", NULL);
  g_autofree char *listing = NULL;

  g_assert_cmpfloat (json_object_get_double_member (start, "value"), ==, 86400);
  g_assert_cmpuint (json_array_get_length (clips), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *clip = json_array_get_object_element (clips, i);
      JsonObject *ref = json_object_get_object_member (json_object_get_object_member (clip, "media_references"),
                                                       "DEFAULT_MEDIA");
      g_autofree char *path = url_to_path (json_object_get_string_member (ref, "target_url"));
      JsonObject *heyai = json_object_get_object_member (json_object_get_object_member (clip, "metadata"), "heyai");
      g_autofree char *id = g_strdup_printf ("heyai:scene-id-%u", i + 1);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_assert_cmpstr (json_object_get_string_member (heyai, "id"), ==, id);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (clip, "markers")), ==, 2);
    }

  /* .otioz: content.otio and the media, names relative to the bundle. */
  g_assert_true (g_file_test (zip, G_FILE_TEST_IS_REGULAR));
  if (have_program ("unzip"))
    {
      g_autofree char *command = g_strdup_printf ("unzip -l '%s'", zip);
      g_assert_true (g_spawn_command_line_sync (command, &listing, NULL, NULL, NULL));
      g_assert_nonnull (strstr (listing, "content.otio"));
      g_assert_nonnull (strstr (listing, "media/01-opening.mp4"));
      g_assert_nonnull (strstr (listing, "media/05-held-still.png"));
    }
}

/* Round trip -------------------------------------------------------------- */

static GPtrArray *
scenes_of (const HeyaiExportPlan *plan)
{
  GPtrArray *scenes = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < plan->scenes->len; i++)
    {
      const HeyaiExportScene *es = g_ptr_array_index (plan->scenes, i);
      HeyaiScene *scene = heyai_scene_new ();

      heyai_scene_set_id (scene, es->scene_id);
      heyai_scene_set_position (scene, es->number);
      heyai_scene_set_title (scene, es->title);
      heyai_scene_set_duration (scene, (int) es->duration_seconds);
      heyai_scene_set_approval (scene, HEYAI_APPROVAL_APPROVED);
      heyai_scene_set_editor_note (scene, es->editor_note);
      g_ptr_array_add (scenes, scene);
    }

  return scenes;
}

/* Splits @text before each occurrence of @mark: [head, item1, item2, ...]. */
static GPtrArray *
split_before (const char *text,
              const char *mark,
              const char *tail_mark)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *at = strstr (text, mark);
  const char *tail = strstr (text, tail_mark);

  g_ptr_array_add (parts, g_strndup (text, at - text));
  while (at != NULL && at < tail)
    {
      const char *next = strstr (at + 1, mark);

      if (next == NULL || next > tail)
        next = tail;
      g_ptr_array_add (parts, g_strndup (at, next - at));
      at = next < tail ? next : NULL;
    }
  g_ptr_array_add (parts, g_strdup (tail));

  return parts;
}

static char *
join_parts (GPtrArray *parts)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < parts->len; i++)
    g_string_append (out, g_ptr_array_index (parts, i));
  return g_string_free (out, FALSE);
}

static void
replace_part (GPtrArray  *parts,
              guint       index,
              const char *from,
              const char *to)
{
  char *part = g_ptr_array_index (parts, index);
  char *at = strstr (part, from);
  g_autofree char *head = NULL;

  g_assert_nonnull (at);
  head = g_strndup (part, at - part);
  parts->pdata[index] = g_strconcat (head, to, at + strlen (from), NULL);
  g_free (part);
}

static void
swap_parts (GPtrArray *parts,
            guint      a,
            guint      b)
{
  gpointer tmp = parts->pdata[a];

  parts->pdata[a] = parts->pdata[b];
  parts->pdata[b] = tmp;
}

/* The editor's edit: clips 1 and 2 swapped, clip 3 trimmed to 1 s (24
 * frames), a marker "Color is too warm" on clip 4, clip 5 dropped. */
static char *
edit_timeline (const char *name,
               const char *text)
{
  g_autoptr(GPtrArray) parts = NULL;

  if (g_str_equal (name, "timeline.otio"))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      JsonObject *root;
      JsonArray *clips, *markers;
      JsonObject *marker;
      JsonNode *first, *second;

      g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      clips = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (
                json_object_get_object_member (root, "tracks"), "children"), 0), "children");
      first = json_node_copy (json_array_get_element (clips, 0));
      second = json_node_copy (json_array_get_element (clips, 1));
      json_array_remove_element (clips, 4);
      json_array_remove_element (clips, 1);
      json_array_remove_element (clips, 0);
      /* [3, 4] -> [2, 1, 3, 4] */
      {
        g_autoptr(JsonArray) rebuilt = json_array_new ();
        json_array_add_element (rebuilt, second);
        json_array_add_element (rebuilt, first);
        json_array_add_element (rebuilt, json_node_copy (json_array_get_element (clips, 0)));
        json_array_add_element (rebuilt, json_node_copy (json_array_get_element (clips, 1)));
        json_object_set_array_member (json_array_get_object_element (json_object_get_array_member (
                                        json_object_get_object_member (root, "tracks"), "children"), 0),
                                      "children", json_array_ref (rebuilt));
        clips = rebuilt;
      }
      json_object_set_double_member (json_object_get_object_member (json_object_get_object_member (
                                       json_array_get_object_element (clips, 2), "source_range"), "duration"),
                                     "value", 24);
      markers = json_object_get_array_member (json_array_get_object_element (clips, 3), "markers");
      marker = json_object_new ();
      json_object_set_string_member (marker, "OTIO_SCHEMA", "Marker.2");
      json_object_set_string_member (marker, "name", "fix");
      json_object_set_string_member (marker, "comment", "Color is too warm");
      json_array_add_object_element (markers, marker);

      json_generator_set_root (gen, json_parser_get_root (parser));
      return json_generator_to_data (gen, NULL);
    }

  if (g_str_equal (name, "timeline.fcpxml"))
    {
      parts = split_before (text, "            <asset-clip ", "          </spine>");
      g_assert_cmpuint (parts->len, ==, 7);
      swap_parts (parts, 1, 2);
      replace_part (parts, 3, "duration=\"48/24s\"", "duration=\"24/24s\"");
      replace_part (parts, 4, "              <metadata>",
                    "              <marker start=\"0s\" duration=\"1/24s\" value=\"fix\" note=\"Color is too warm\"/>\n"
                    "              <metadata>");
      g_ptr_array_remove_index (parts, 5);
      return join_parts (parts);
    }

  if (g_str_equal (name, "timeline.xml"))
    {
      parts = split_before (text, "          <clipitem ", "          <enabled>TRUE</enabled>\n          <locked>");
      g_assert_cmpuint (parts->len, ==, 7);
      swap_parts (parts, 1, 2);
      replace_part (parts, 3, "<end>144</end>", "<end>120</end>");
      replace_part (parts, 4, "          </clipitem>",
                    "            <marker>\n              <name>fix</name>\n"
                    "              <comment>Color is too warm</comment>\n              <in>0</in>\n"
                    "              <out>-1</out>\n            </marker>\n          </clipitem>");
      g_ptr_array_remove_index (parts, 5);
      return join_parts (parts);
    }

  g_assert_true (g_str_equal (name, "timeline.edl"));
  {
    g_auto(GStrv) blocks = g_strsplit (text, "\n\n", -1);
    GString *out = g_string_new (NULL);
    char *at;

    g_assert_cmpuint (g_strv_length (blocks), >=, 6);
    g_string_append_printf (out, "%s\n\n", blocks[0]);
    g_string_append_printf (out, "%s\n\n", blocks[2]);
    g_string_append_printf (out, "%s\n\n", blocks[1]);
    at = strstr (blocks[3], "01:00:04:00 01:00:06:00");
    g_assert_nonnull (at);
    memcpy (at, "01:00:04:00 01:00:05:00", strlen ("01:00:04:00 01:00:05:00"));
    g_string_append_printf (out, "%s\n\n", blocks[3]);
    g_string_append_printf (out, "%s\n* LOC: 01:00:06:00 RED     Color is too warm\n\n", blocks[4]);
    return g_string_free (out, FALSE);
  }
}

static void
test_round_trip (gconstpointer data)
{
  const char *name = data;
  Package *p = get_package ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = read_text (p->package, name);
  g_autofree char *edited = edit_timeline (name, text);
  g_autofree char *path = g_build_filename (p->package, name, NULL);
  g_autofree char *edited_path = g_strconcat (p->dir, "/edited-", name, NULL);
  g_autoptr(HeyaiTimeline) untouched = NULL;
  g_autoptr(HeyaiTimeline) timeline = NULL;
  g_autoptr(HeyaiTimelineDiff) same = NULL;
  g_autoptr(HeyaiTimelineDiff) diff = NULL;
  g_autoptr(GPtrArray) scenes = scenes_of (p->plan);
  g_autofree char *summary = NULL;
  gboolean moved1 = FALSE, moved2 = FALSE, trimmed = FALSE, noted = FALSE, rejected = FALSE;

  /* The package's own timeline reads back unchanged. */
  untouched = heyai_timeline_read (path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (untouched->clips->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpfloat_with_epsilon (((HeyaiTimelineClip *) g_ptr_array_index (untouched->clips, i))->seconds, 2.0, 1e-6);
  same = heyai_timeline_diff (untouched, scenes, &error);
  g_assert_no_error (error);
  summary = heyai_timeline_diff_to_string (same);
  g_test_message ("%s unchanged: %s", name, summary);
  g_assert_cmpuint (same->changes->len, ==, 0);
  g_assert_cmpuint (same->unmatched->len, ==, 0);

  /* A copy in another folder (no manifest next to an EDL: 24 fps). */
  g_assert_true (g_file_set_contents (edited_path, edited, -1, &error));
  timeline = heyai_timeline_read (edited_path, 0, &error);
  g_assert_no_error (error);
  diff = heyai_timeline_diff (timeline, scenes, &error);
  g_assert_no_error (error);
  g_clear_pointer (&summary, g_free);
  summary = heyai_timeline_diff_to_string (diff);
  g_test_message ("%s edited:\n%s", name, summary);

  for (guint i = 0; i < diff->changes->len; i++)
    {
      HeyaiTimelineChange *c = g_ptr_array_index (diff->changes, i);

      switch (c->kind)
        {
        case HEYAI_TIMELINE_CHANGE_MOVE:
          if (g_str_equal (c->scene_id, "scene-id-1") && c->new_position == 2)
            moved1 = TRUE;
          else if (g_str_equal (c->scene_id, "scene-id-2") && c->new_position == 1)
            moved2 = TRUE;
          else
            g_assert_not_reached ();
          break;
        case HEYAI_TIMELINE_CHANGE_TRIM:
          g_assert_cmpstr (c->scene_id, ==, "scene-id-3");
          g_assert_cmpint (c->new_seconds, ==, 1);
          g_assert_cmpfloat_with_epsilon (c->cut_seconds, 1.0, 1e-6);
          trimmed = TRUE;
          break;
        case HEYAI_TIMELINE_CHANGE_NOTE:
          g_assert_cmpstr (c->scene_id, ==, "scene-id-4");
          g_assert_cmpstr (c->note, ==, "Color is too warm");
          noted = TRUE;
          break;
        case HEYAI_TIMELINE_CHANGE_REJECT:
          g_assert_cmpstr (c->scene_id, ==, "scene-id-5");
          rejected = TRUE;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_assert_true (moved1 && moved2 && trimmed && noted && rejected);
  g_assert_cmpuint (diff->changes->len, ==, 5);
}

/* The store: apply writes order, length, note and rejection. */
static void
test_apply (void)
{
  Package *p = get_package ();
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (p->dir, "heyai.db", NULL);
  g_autoptr(HeyaiStore) store = heyai_store_new (db, &error);
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autoptr(GPtrArray) fresh = scenes_of (p->plan);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(HeyaiTimeline) timeline = NULL;
  g_autoptr(HeyaiTimelineDiff) diff = NULL;
  g_autofree char *text = read_text (p->package, "timeline.otio");
  g_autofree char *edited = edit_timeline ("timeline.otio", text);
  g_autofree char *path = g_build_filename (p->dir, "apply.otio", NULL);
  const char *order[] = { "scene-id-2", "scene-id-1", "scene-id-3", "scene-id-4", "scene-id-5" };

  g_assert_no_error (error);
  heyai_project_set_title (project, "Apply");
  heyai_project_set_start_tc (project, "00:59:50:00");  /* a project setting */
  g_assert_true (heyai_store_insert_project (store, project, &error));
  for (guint i = 0; i < fresh->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (fresh, i);

      heyai_scene_set_project_id (scene, heyai_project_get_id (project));
      heyai_scene_set_position (scene, 0);
      g_assert_true (heyai_store_insert_scene (store, scene, &error));
      g_assert_no_error (error);
    }

  g_assert_true (g_file_set_contents (path, edited, -1, &error));
  timeline = heyai_timeline_read (path, 0, &error);
  g_assert_no_error (error);
  listed = heyai_store_list_scenes (store, heyai_project_get_id (project), &error);
  diff = heyai_timeline_diff (timeline, listed, &error);
  g_assert_no_error (error);
  g_assert_true (heyai_timeline_apply (store, project, diff, &error));
  g_assert_no_error (error);

  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = heyai_store_list_scenes (store, heyai_project_get_id (project), &error);
  g_assert_cmpuint (listed->len, ==, 5);

  /* The project's start timecode reaches the plan. */
  {
    g_autoptr(HeyaiStore) reopened = NULL;
    g_autoptr(HeyaiProject) loaded = NULL;
    g_autoptr(HeyaiExportPlan) plan = NULL;

    g_clear_object (&store);
    reopened = heyai_store_new (db, &error);
    g_assert_no_error (error);
    loaded = heyai_store_find_project (reopened, heyai_project_get_id (project), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (heyai_project_get_start_tc (loaded), ==, "00:59:50:00");
    plan = heyai_export_plan_from_store (reopened, loaded, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (plan->start_tc, ==, "00:59:50:00");
  }
  for (guint i = 0; i < listed->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (listed, i);

      g_assert_cmpstr (heyai_scene_get_id (scene), ==, order[i]);
      g_assert_cmpint (heyai_scene_get_position (scene), ==, (int) i + 1);
      if (g_str_equal (order[i], "scene-id-3"))
        g_assert_cmpint (heyai_scene_get_duration (scene), ==, 1);
      if (g_str_equal (order[i], "scene-id-4"))
        g_assert_cmpstr (heyai_scene_get_editor_note (scene), ==, "Color is too warm");
      g_assert_cmpint (heyai_scene_get_approval (scene), ==,
                       g_str_equal (order[i], "scene-id-5") ? HEYAI_APPROVAL_REJECTED : HEYAI_APPROVAL_APPROVED);
    }
}

/* The animatic has exactly the timeline's frame count at every rate. */
static guint32
mp4_video_samples (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;
  const char *stsz;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  stsz = memmem (data, len, "stsz", 4);
  g_assert_nonnull (stsz);
  g_assert_true (stsz + 16 <= data + len);
  return ((guint32) (guint8) stsz[12] << 24) | ((guint32) (guint8) stsz[13] << 16) |
         ((guint32) (guint8) stsz[14] << 8) | (guint32) (guint8) stsz[15];
}

static void
test_animatic_frames (void)
{
  static const HeyaiExportFps rates[] = { HEYAI_EXPORT_FPS_23_976, HEYAI_EXPORT_FPS_29_97, HEYAI_EXPORT_FPS_25 };
  Package *p = get_package ();

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      g_autoptr(HeyaiExportPlan) plan = heyai_export_plan_copy (p->plan);
      g_autoptr(HeyaiExportResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *dest = g_strdup_printf ("%s/animatic-%u", p->dir, r);
      g_autofree char *animatic = NULL;
      HeyaiExportOptions options;
      gint64 expected = 0;
      HeyaiMediaInfo info = { 0 };

      plan->fps = rates[r];
      /* Two scenes: a clip and the held still. */
      g_ptr_array_remove_range (plan->scenes, 1, 3);
      for (guint i = 0; i < plan->scenes->len; i++)
        expected += heyai_export_scene_frames (g_ptr_array_index (plan->scenes, i), plan->fps);

      heyai_export_options_init (&options);
      options.formats = HEYAI_EXPORT_FORMAT_ANIMATIC;
      options.burn_in = TRUE;
      result = heyai_export_run (plan, &options, dest, NULL, NULL, NULL, &error);
      heyai_export_options_clear (&options);
      g_assert_no_error (error);

      animatic = g_build_filename (result->package_path, "animatic.mp4", NULL);
      g_test_message ("animatic at %s fps: %u frames, expected %" G_GINT64_FORMAT,
                      heyai_export_fps_to_string (rates[r]), mp4_video_samples (animatic), expected);
      g_assert_cmpint (mp4_video_samples (animatic), ==, expected);
      g_assert_true (heyai_media_probe (animatic, &info, &error));
      g_assert_cmpint (info.width, ==, W);
      g_assert_cmpint (info.height, ==, H);
      heyai_media_info_clear (&info);
    }
}

/* Published copies point at the published media. */
static void
test_rewrite_urls (void)
{
  g_autofree char *local = heyai_export_rewrite_media_urls (
    "<pathurl>file://localhost/tmp/a%20b-handoff/clips/01-x.mp4</pathurl> src=\"file:///tmp/a%20b-handoff/images/02.png\"",
    "/tmp/a b-handoff", "/home/me/HeyAI Projects/Project-1-a");
  g_autofree char *drive = heyai_export_rewrite_media_urls (
    "<pathurl>file://localhost/tmp/a%20b-handoff/clips/01-x.mp4</pathurl> src=\"file:///tmp/a%20b-handoff/images/02.png\"",
    "/tmp/a b-handoff", NULL);

  g_assert_cmpstr (local, ==,
                   "<pathurl>file://localhost/home/me/HeyAI%20Projects/Project-1-a/clips/01-x.mp4</pathurl> "
                   "src=\"file:///home/me/HeyAI%20Projects/Project-1-a/images/02.png\"");
  g_assert_cmpstr (drive, ==, "<pathurl>clips/01-x.mp4</pathurl> src=\"images/02.png\"");
}

/* The format table is the only list. */
static void
test_format_table (void)
{
  guint n;
  const HeyaiExportFormatInfo *table = heyai_export_format_table (&n);
  guint all = 0;

  g_assert_cmpuint (n, ==, HEYAI_EXPORT_N_FORMATS);
  g_assert_cmpuint (n, >, 8);
  for (guint i = 0; i < n; i++)
    {
      HeyaiExportFormats parsed = 0;

      g_assert_nonnull (table[i].write);
      g_assert_true (heyai_export_formats_parse (table[i].id, &parsed, NULL));
      g_assert_cmpuint (parsed, ==, table[i].flag);
      g_assert_cmpuint (all & table[i].flag, ==, 0);
      all |= table[i].flag;
    }
  g_assert_cmpuint (all, ==, HEYAI_EXPORT_FORMAT_ALL);
}

static void
test_timecode_parse (void)
{
  gint64 frames = -1;

  g_assert_true (heyai_export_timecode_parse ("01:00:00:00", HEYAI_EXPORT_FPS_24, &frames));
  g_assert_cmpint (frames, ==, 86400);
  g_assert_true (heyai_export_timecode_parse ("01:00:00;00", HEYAI_EXPORT_FPS_29_97_DF, &frames));
  g_assert_cmpint (frames, ==, 107892);
  {
    g_autofree char *back = heyai_export_timecode (frames, HEYAI_EXPORT_FPS_29_97_DF);
    g_assert_cmpstr (back, ==, "01:00:00;00");
  }
  g_assert_false (heyai_export_timecode_parse ("00:01:00;00", HEYAI_EXPORT_FPS_29_97_DF, &frames));
  g_assert_false (heyai_export_timecode_parse ("01:00:00:24", HEYAI_EXPORT_FPS_24, &frames));
  g_assert_false (heyai_export_timecode_parse ("1 hour", HEYAI_EXPORT_FPS_24, &frames));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/export/handoff/format-table", test_format_table);
  g_test_add_func ("/export/handoff/timecode-parse", test_timecode_parse);
  g_test_add_func ("/export/handoff/rewrite-urls", test_rewrite_urls);
  g_test_add_func ("/export/handoff/big-fish-pdf", test_big_fish_pdf);
  g_test_add_func ("/export/handoff/conform", test_conform);
  g_test_add_func ("/export/handoff/conform-fit", test_conform_fit);
  g_test_add_func ("/export/handoff/timelines-media", test_timelines_media);
  g_test_add_func ("/export/handoff/fcpxml-dtd", test_fcpxml_dtd);
  g_test_add_func ("/export/handoff/otio-otioz", test_otio_and_bundle);
  g_test_add_data_func ("/export/handoff/round-trip/otio", "timeline.otio", test_round_trip);
  g_test_add_data_func ("/export/handoff/round-trip/fcpxml", "timeline.fcpxml", test_round_trip);
  g_test_add_data_func ("/export/handoff/round-trip/fcp7", "timeline.xml", test_round_trip);
  g_test_add_data_func ("/export/handoff/round-trip/edl", "timeline.edl", test_round_trip);
  g_test_add_func ("/export/handoff/apply", test_apply);
  g_test_add_func ("/export/handoff/animatic-frames", test_animatic_frames);

  ret = g_test_run ();
  g_clear_pointer (&shared, package_free);
  return ret;
}
