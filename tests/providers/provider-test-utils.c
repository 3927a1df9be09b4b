/* provider-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "provider-test-utils.h"

void
clip_info_clear (ClipInfo *info)
{
  g_clear_pointer (&info->video_codec, g_free);
  g_clear_pointer (&info->profile, g_free);
}

static void
handoff_cb (GstElement *sink,
            GstBuffer  *buffer,
            GstPad     *pad,
            gpointer    user_data)
{
  ClipInfo *info = user_data;

  info->frames++;
  if (GST_BUFFER_PTS_IS_VALID (buffer))
    {
      guint64 end = GST_BUFFER_PTS (buffer) +
                    (GST_BUFFER_DURATION_IS_VALID (buffer) ? GST_BUFFER_DURATION (buffer) : 0);

      info->last_end = MAX (info->last_end, end);
    }
}

gboolean
probe_clip (const char *path,
            ClipInfo   *info,
            GError    **error)
{
  g_autoptr(GstDiscoverer) discoverer = NULL;
  g_autoptr(GstDiscovererInfo) dinfo = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GstPad) pad = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autofree char *uri = NULL;
  GList *streams;
  GstStructure *s;

  memset (info, 0, sizeof *info);
  gst_init (NULL, NULL);

  uri = g_filename_to_uri (path, NULL, error);
  if (uri == NULL)
    return FALSE;

  discoverer = gst_discoverer_new (20 * GST_SECOND, error);
  if (discoverer == NULL)
    return FALSE;
  dinfo = gst_discoverer_discover_uri (discoverer, uri, error);
  if (dinfo == NULL)
    return FALSE;
  info->duration = gst_discoverer_info_get_duration (dinfo);
  streams = gst_discoverer_info_get_video_streams (dinfo);
  if (streams != NULL)
    {
      GstDiscovererVideoInfo *vinfo = streams->data;
      g_autoptr(GstCaps) scaps = gst_discoverer_stream_info_get_caps (GST_DISCOVERER_STREAM_INFO (vinfo));

      info->fps_n = gst_discoverer_video_info_get_framerate_num (vinfo);
      info->fps_d = gst_discoverer_video_info_get_framerate_denom (vinfo);
      if (scaps != NULL && gst_caps_get_size (scaps) > 0)
        {
          const GstStructure *cs = gst_caps_get_structure (scaps, 0);

          info->video_codec = g_strdup (gst_structure_get_name (cs));
          info->profile = g_strdup (gst_structure_get_string (cs, "profile"));
        }
    }
  gst_discoverer_stream_info_list_free (streams);

  pipeline = gst_parse_launch ("filesrc name=src ! decodebin ! videoconvert "
                               "! fakesink name=sink sync=false signal-handoffs=true", error);
  if (pipeline == NULL)
    return FALSE;
  gst_object_ref_sink (pipeline);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "location", path, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff_cb), info);

  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  pad = gst_element_get_static_pad (sink, "sink");
  caps = gst_pad_get_current_caps (pad);
  if (caps != NULL)
    {
      s = gst_caps_get_structure (caps, 0);
      gst_structure_get_int (s, "width", &info->width);
      gst_structure_get_int (s, "height", &info->height);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (message == NULL || GST_MESSAGE_TYPE (message) != GST_MESSAGE_EOS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not decode %s", path);
      return FALSE;
    }

  return TRUE;
}

void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (dir == NULL)
    return 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
wait_for (gboolean *done,
          int       timeout_s)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (timeout_s, timeout_cb, &expired);

  while (!*done && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (!expired)
    g_source_remove (id);
  g_assert_true (*done);
}

void
write_test_png (const char *path,
                int         w,
                int         h)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *grad = cairo_pattern_create_linear (0, 0, w, h);

  cairo_pattern_add_color_stop_rgb (grad, 0, 0.1, 0.2, 0.5);
  cairo_pattern_add_color_stop_rgb (grad, 1, 0.9, 0.6, 0.2);
  cairo_set_source (cr, grad);
  cairo_paint (cr);
  cairo_pattern_destroy (grad);

  for (int i = 0; i < 12; i++)
    {
      cairo_set_source_rgb (cr, (i % 3) / 2.0, (i % 5) / 4.0, (i % 7) / 6.0);
      cairo_arc (cr, (i * 97) % w, (i * 61) % h, 20 + i * 6, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

guint
surface_distinct_colours (cairo_surface_t *surface,
                          double          *luma_stddev)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  const guchar *data;
  int w, h, stride;
  double sum = 0, sum2 = 0;
  guint64 n = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < w; x++)
        {
          guint32 p = row[x];
          guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
          guint key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
          double l = 0.2126 * r + 0.7152 * g + 0.0722 * b;

          g_hash_table_add (seen, GUINT_TO_POINTER (key + 1));
          sum += l;
          sum2 += l * l;
          n++;
        }
    }

  if (luma_stddev != NULL)
    {
      double mean = sum / n;

      *luma_stddev = sqrt (MAX (0.0, sum2 / n - mean * mean));
    }

  return g_hash_table_size (seen);
}

HeyaiProject *
make_project (int          number,
              const char  *title,
              HeyaiAspect  aspect)
{
  HeyaiProject *project = heyai_project_new ();
  g_autofree char *id = heyai_uuid_new ();

  heyai_project_set_id (project, id);
  heyai_project_set_number (project, number);
  heyai_project_set_title (project, title);
  heyai_project_set_aspect (project, aspect);
  return project;
}

HeyaiScene *
make_scene (int              position,
            const char      *title,
            const char      *description,
            HeyaiCameraMove  move,
            int              duration)
{
  HeyaiScene *scene = heyai_scene_new ();
  g_autofree char *id = heyai_uuid_new ();

  heyai_scene_set_id (scene, id);
  heyai_scene_set_position (scene, position);
  heyai_scene_set_title (scene, title);
  heyai_scene_set_description (scene, description);
  heyai_scene_set_image_prompt (scene, description);
  heyai_scene_set_camera_move (scene, move);
  heyai_scene_set_duration (scene, duration);
  return scene;
}

HeyaiJob *
make_job (HeyaiJobKind kind,
          int          take)
{
  HeyaiJob *job = heyai_job_new ();
  g_autofree char *id = heyai_uuid_new ();

  heyai_job_set_id (job, id);
  heyai_job_set_kind (job, kind);
  heyai_job_set_take (job, take);
  heyai_job_set_provider (job, "offline");
  return job;
}
