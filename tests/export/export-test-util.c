/* export-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cairo.h>
#include <glib/gstdio.h>
#include <gst/pbutils/pbutils.h>

#include "export-test-util.h"

static gboolean
run_pipeline (const char  *description,
              GError     **error)
{
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;
  gboolean ok = FALSE;

  if (pipeline == NULL)
    return FALSE;

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    ok = TRUE;
  else if (msg != NULL)
    gst_message_parse_error (msg, error, NULL);
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "pipeline timed out");
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return ok;
}

gboolean
export_test_make_clip (const char  *path,
                       int          frames,
                       int          width,
                       int          height,
                       int          pattern,
                       GError     **error)
{
  g_autofree char *desc = g_strdup_printf ("videotestsrc num-buffers=%d pattern=%d ! "
                                           "video/x-raw,format=I420,width=%d,height=%d,framerate=24/1 ! "
                                           "x264enc speed-preset=ultrafast ! mp4mux ! filesink location=\"%s\"",
                                           frames, pattern, width, height, path);
  return run_pipeline (desc, error);
}

gboolean
export_test_make_audio (const char  *path,
                        double       seconds,
                        GError     **error)
{
  g_autofree char *desc = g_strdup_printf ("audiotestsrc num-buffers=%d samplesperbuffer=4410 ! "
                                           "audio/x-raw,rate=44100,channels=2 ! wavenc ! filesink location=\"%s\"",
                                           (int) ceil (seconds * 10), path);
  return run_pipeline (desc, error);
}

gboolean
export_test_make_still (const char *path,
                        int         width,
                        int         height,
                        double      hue)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;

  cairo_set_source_rgb (cr, hue, 0.3, 1.0 - hue);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_arc (cr, width / 2.0, height / 2.0, height / 4.0, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);

  return status == CAIRO_STATUS_SUCCESS;
}

HeyaiExportPlan *
export_test_plan (guint       n,
                  const char *clip5,
                  const char *clip10,
                  const char *still)
{
  HeyaiExportPlan *plan = heyai_export_plan_new ("Test Trailer: “Faro”");

  plan->project_id = g_strdup ("0b5c0f3e-1111-4222-8333-944445555666");
  /* The delivery format of the test media (320x180, 24 fps): at 24 fps the
   * clips are copied as they are, at other rates they are conformed. */
  plan->width = 320;
  plan->height = 180;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Scene title %u", i + 1);
      HeyaiExportScene *s = heyai_export_plan_add_scene (plan, i == 1 ? EXPORT_TEST_NASTY_TITLE : title);
      gboolean ten = clip10 != NULL && i % 3 == 2;

      s->description = g_strdup_printf ("Description %u, with a comma and \"quotes\"\nand a second line.", i + 1);
      s->notes = g_strdup ("INT. LIGHTHOUSE - NIGHT\nThe keeper climbs.");
      s->image_prompt = g_strdup (i == 1 ? EXPORT_TEST_NASTY_PROMPT : "A lighthouse at night, wide shot");
      s->motion_prompt = g_strdup ("Slow push-in");
      g_free (s->camera_move);
      s->camera_move = g_strdup ("push-in");
      s->duration_seconds = ten ? 10 : 5;
      s->clip_path = g_strdup (ten ? clip10 : clip5);
      s->still_path = g_strdup (still);
      s->provider = g_strdup ("offline");
      s->model = g_strdup ("ken-burns-1");
      s->seed = 1000 + i;
      s->take = 1;
      s->request_id = g_strdup_printf ("req-%u", i + 1);
      s->cost = 0.25;
      s->image_provider = g_strdup ("offline");
      s->image_model = g_strdup ("poster-1");
      s->image_seed = 2000 + i;
      s->image_take = 1;
      s->image_request_id = g_strdup_printf ("img-%u", i + 1);
      s->image_cost = 0.05;
      s->approved_at = g_strdup ("2026-11-25T03:00:00Z");
    }

  return plan;
}

/* EDL -------------------------------------------------------------------- */

static gint64
parse_tc (const char *tc,
          int         timebase,
          gboolean    drop_frame)
{
  int hh, mm, ss, ff;
  char sep1, sep2, sep3;

  g_assert_cmpint (strlen (tc), ==, 11);
  g_assert_cmpint (sscanf (tc, "%2d%c%2d%c%2d%c%2d", &hh, &sep1, &mm, &sep2, &ss, &sep3, &ff), ==, 7);
  g_assert_cmpint (sep1, ==, ':');
  g_assert_cmpint (sep2, ==, ':');
  g_assert_cmpint (sep3, ==, drop_frame ? ';' : ':');
  g_assert_cmpint (hh, >=, 0);
  g_assert_cmpint (hh, <, 24);
  g_assert_cmpint (mm, <, 60);
  g_assert_cmpint (ss, <, 60);
  g_assert_cmpint (ff, <, timebase);

  if (drop_frame)
    {
      gint64 minutes = (gint64) hh * 60 + mm;

      g_assert_cmpint (timebase, ==, 30);
      /* ;00 and ;01 do not exist at the start of a minute not divisible by 10. */
      if (ss == 0 && mm % 10 != 0)
        g_assert_cmpint (ff, >=, 2);
      return (gint64) hh * 108000 + (gint64) mm * 1800 + ss * 30 + ff - 2 * (minutes - minutes / 10);
    }

  return (((gint64) hh * 60 + mm) * 60 + ss) * timebase + ff;
}

GArray *
export_test_read_edl (const char *text,
                      int         timebase,
                      gboolean    drop_frame)
{
  g_autoptr(GRegex) event_re = g_regex_new ("^(\\d{3})  ([A-Za-z0-9_]{1,8}) {1,8}V     C        "
                                            "(\\S{11}) (\\S{11}) (\\S{11}) (\\S{11})$", 0, 0, NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GArray *events = g_array_new (FALSE, TRUE, sizeof (EdlEvent));
  guint n_lines = g_strv_length (lines);

  g_assert_cmpuint (n_lines, >=, 3);
  g_assert_true (g_str_has_prefix (lines[0], "TITLE: "));
  g_assert_cmpuint (strlen (lines[0]), >, 7);
  g_assert_cmpuint (strlen (lines[0]), <=, 7 + 70);
  for (const char *p = lines[0]; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 && (guchar) *p < 0x7f);  /* ASCII only */
  g_assert_cmpstr (lines[1], ==, drop_frame ? "FCM: DROP FRAME" : "FCM: NON-DROP FRAME");

  for (guint i = 2; i < n_lines; i++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      EdlEvent ev = { 0 };
      g_autofree char *num = NULL, *reel = NULL, *a = NULL, *b = NULL, *c = NULL, *d = NULL;
      const char *line = lines[i];

      if (*line == '\0')
        continue;
      g_assert_false (strchr (line, '\r') != NULL);
      /* Comment lines: after an event, ASCII, the keys editors read. */
      if (g_str_has_prefix (line, "*"))
        {
          g_assert_cmpuint (events->len, >, 0);
          for (const char *p = line; *p != '\0'; p++)
            g_assert_true ((guchar) *p >= 0x20 && (guchar) *p < 0x7f);
          g_assert_true (g_str_has_prefix (line, "* FROM CLIP NAME: ") || g_str_has_prefix (line, "* SOURCE FILE: ") ||
                         g_str_has_prefix (line, "* COMMENT: ") || g_str_has_prefix (line, "* HEYAI ID: ") ||
                         g_str_has_prefix (line, "* LOC: "));
          continue;
        }

      if (!g_regex_match (event_re, line, 0, &match))
        g_error ("not a CMX 3600 event line: “%s”", line);

      num = g_match_info_fetch (match, 1);
      reel = g_match_info_fetch (match, 2);
      a = g_match_info_fetch (match, 3);
      b = g_match_info_fetch (match, 4);
      c = g_match_info_fetch (match, 5);
      d = g_match_info_fetch (match, 6);

      /* The reel field is 8 columns wide. */
      g_assert_cmpint (line[5 + 8], ==, ' ');
      g_assert_cmpuint (strlen (reel), <=, 8);

      ev.number = atoi (num);
      g_strlcpy (ev.reel, reel, sizeof ev.reel);
      ev.src_in = parse_tc (a, timebase, drop_frame);
      ev.src_out = parse_tc (b, timebase, drop_frame);
      ev.rec_in = parse_tc (c, timebase, drop_frame);
      ev.rec_out = parse_tc (d, timebase, drop_frame);

      g_assert_cmpint (ev.number, ==, (int) events->len + 1);
      g_assert_cmpint (ev.src_out, >, ev.src_in);
      g_assert_cmpint (ev.src_out - ev.src_in, ==, ev.rec_out - ev.rec_in);
      if (events->len == 0)  /* picture start at 01:00:00:00 */
        g_assert_cmpint (ev.rec_in, ==, drop_frame ? 107892 : 3600 * timebase);
      else
        g_assert_cmpint (ev.rec_in, ==, g_array_index (events, EdlEvent, events->len - 1).rec_out);

      g_array_append_val (events, ev);
    }

  return events;
}

/* CSV -------------------------------------------------------------------- */

GPtrArray *
export_test_read_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;

  g_assert_true (g_str_has_suffix (text, "\r\n"));

  while (*p != '\0')
    {
      if (*p == '"')
        {
          /* Quoted field. */
          g_assert_cmpuint (field->len, ==, 0);
          p++;
          for (;;)
            {
              g_assert_true (*p != '\0');  /* unterminated quote */
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p++);
            }
          g_assert_true (*p == ',' || (p[0] == '\r' && p[1] == '\n'));
        }
      else if (*p == ',')
        {
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          p++;
        }
      else if (*p == '\r')
        {
          g_assert_cmpint (p[1], ==, '\n');  /* CR only as part of CRLF */
          g_ptr_array_add (row, g_strdup (field->str));
          g_string_truncate (field, 0);
          g_ptr_array_add (row, NULL);
          g_ptr_array_add (rows, g_ptr_array_steal (row, NULL));
          g_ptr_array_unref (row);
          row = g_ptr_array_new_with_free_func (g_free);
          p += 2;
        }
      else
        {
          g_assert_cmpint (*p, !=, '\n');  /* bare LF outside quotes */
          g_assert_cmpint (*p, !=, '"');   /* quote inside an unquoted field */
          g_string_append_c (field, *p++);
        }
    }

  g_assert_cmpuint (row->len, ==, 0);
  return rows;
}

/* Tools ------------------------------------------------------------------ */

gboolean
export_test_xmllint (const char *path,
                     gboolean   *valid)
{
  g_autofree char *xmllint = g_find_program_in_path ("xmllint");
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { NULL, "--noout", path, NULL };

  if (xmllint == NULL)
    return FALSE;

  argv[0] = xmllint;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  if (status != 0)
    g_printerr ("xmllint: %s\n", err);
  *valid = g_spawn_check_wait_status (status, NULL);
  return TRUE;
}

gboolean
export_test_pdf_pages (const char *pdf,
                       const char *workdir,
                       guint      *pages,
                       double     *min_variance,
                       int        *width,
                       int        *height)
{
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  g_autofree char *prefix = g_build_filename (workdir, "page", NULL);
  g_auto(GStrv) names = NULL;
  int status = 0;
  const char *argv[] = { NULL, "-r", "30", "-png", pdf, prefix, NULL };

  if (pdftoppm == NULL)
    return FALSE;

  g_mkdir_with_parents (workdir, 0755);
  argv[0] = pdftoppm;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  *pages = 0;
  *min_variance = G_MAXDOUBLE;
  names = export_test_list_dir (workdir);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *png = NULL;
      cairo_surface_t *s;
      double sum = 0, sum2 = 0, n;
      int w, h, stride;
      guchar *data;

      if (!g_str_has_prefix (names[i], "page") || !g_str_has_suffix (names[i], ".png"))
        continue;

      png = g_build_filename (workdir, names[i], NULL);
      s = cairo_image_surface_create_from_png (png);
      g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
      w = cairo_image_surface_get_width (s);
      h = cairo_image_surface_get_height (s);
      stride = cairo_image_surface_get_stride (s);
      data = cairo_image_surface_get_data (s);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            guint32 px = *(guint32 *) (data + y * stride + x * 4);
            double lum = (((px >> 16) & 0xff) + ((px >> 8) & 0xff) + (px & 0xff)) / 3.0;
            sum += lum;
            sum2 += lum * lum;
          }
      n = (double) w * h;
      if (width != NULL)
        *width = w;
      if (height != NULL)
        *height = h;
      *min_variance = MIN (*min_variance, sum2 / n - (sum / n) * (sum / n));
      cairo_surface_destroy (s);
      g_unlink (png);
      (*pages)++;
    }

  return TRUE;
}

GstClockTime
export_test_media_duration (const char *path,
                            gboolean   *has_audio,
                            int        *width,
                            int        *height)
{
  g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (30 * GST_SECOND, NULL);
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  GList *streams;
  GstClockTime duration;

  info = gst_discoverer_discover_uri (discoverer, uri, NULL);
  g_assert_nonnull (info);
  g_assert_cmpint (gst_discoverer_info_get_result (info), ==, GST_DISCOVERER_OK);
  duration = gst_discoverer_info_get_duration (info);

  if (has_audio != NULL)
    {
      streams = gst_discoverer_info_get_audio_streams (info);
      *has_audio = streams != NULL;
      gst_discoverer_stream_info_list_free (streams);
    }
  if (width != NULL && height != NULL)
    {
      streams = gst_discoverer_info_get_video_streams (info);
      g_assert_nonnull (streams);
      *width = (int) gst_discoverer_video_info_get_width (streams->data);
      *height = (int) gst_discoverer_video_info_get_height (streams->data);
      gst_discoverer_stream_info_list_free (streams);
    }

  return duration;
}

char *
export_test_read_file (const char *dir,
                       const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

void
export_test_rm_rf (const char *path)
{
  GDir *dir;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          export_test_rm_rf (child);
        }
      if (dir != NULL)
        g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static int
cmp_str (gconstpointer a,
         gconstpointer b)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

GStrv
export_test_list_dir (const char *path)
{
  GPtrArray *names = g_ptr_array_new ();
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  if (dir != NULL)
    g_dir_close (dir);
  g_ptr_array_sort (names, cmp_str);
  g_ptr_array_add (names, NULL);

  return (GStrv) g_ptr_array_free (names, FALSE);
}

/* LeakSanitizer: extra suppressions for the export test programs only (the
 * shared tests/lsan.supp stays as it is).  ges_init() starts an embedded
 * Python (libges links libpython for its OTIO formatter) whose allocations are
 * never freed, and GLib drops its first quark block on purpose when GStreamer
 * has registered more than 2048 quarks (allocated in GLib's constructor). */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:libpython3\n"
         "leak:_dl_init\n"
         /* the loader frame without symbols (no libc6-dbg) */
         "leak:ld-linux-\n";
}
