/* heyai-pipeline-continuity.c: "Continue from previous shot": a scene's
 * still is the last frame of the previous scene's current clip, decoded
 * with GStreamer in a worker thread, so the cut matches.  No provider is
 * asked and nothing is paid; the still's lineage names the clip, so a new
 * clip of the previous scene makes it outdated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-pipeline"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <cairo.h>
#include <string.h>

#include "heyai-pipeline-internal.h"

gboolean
heyai_pipeline_extract_last_frame (const char    *clip,
                                   const char    *png,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstSample) last = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *part = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  GstVideoInfo info;
  GstMapInfo map;
  GstBuffer *buffer;
  gboolean eos;

  g_return_val_if_fail (clip != NULL && png != NULL, FALSE);

  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("Could not start GStreamer: %s"), local_error->message);
      return FALSE;
    }
  uri = g_filename_to_uri (clip, NULL, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, "%s", local_error->message);
      return FALSE;
    }
  pipeline = gst_parse_launch ("uridecodebin name=src ! videoconvert ! videoscale ! "
                               "video/x-raw,format=BGRx,pixel-aspect-ratio=1/1 ! appsink name=sink sync=false",
                               &local_error);
  if (pipeline == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("Could not start GStreamer: %s"), local_error->message);
      return FALSE;
    }
  g_object_ref_sink (pipeline);
  {
    g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "src");

    g_object_set (src, "uri", uri, NULL);
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  /* Every frame to the end: the last one decoded is the clip's last. */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  for (;;)
    {
      GstSample *sample;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          gst_element_set_state (pipeline, GST_STATE_NULL);
          return FALSE;
        }
      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND);
      if (sample == NULL)
        break;
      if (last != NULL)
        gst_sample_unref (last);
      last = sample;
    }
  /* Asked before stopping: a stopped appsink always says EOS, and a pull
   * that timed out is not the end of the clip. */
  eos = gst_app_sink_is_eos (GST_APP_SINK (sink));
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (message != NULL || last == NULL || !eos ||
      !gst_video_info_from_caps (&info, gst_sample_get_caps (last)))
    {
      g_autofree char *detail = NULL;

      if (message != NULL)
        {
          g_autoptr(GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          detail = g_strdup (gst_error->message);
        }
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("Could not read the last frame of the previous shot’s clip: %s"),
                   detail != NULL ? detail : _("no video frames"));
      return FALSE;
    }

  buffer = gst_sample_get_buffer (last);
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                           _("Could not read the last frame of the previous shot’s clip"));
      return FALSE;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, GST_VIDEO_INFO_WIDTH (&info),
                                        GST_VIDEO_INFO_HEIGHT (&info));
  if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
    {
      guchar *dst = cairo_image_surface_get_data (surface);
      int dst_stride = cairo_image_surface_get_stride (surface);
      int src_stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
      gsize row_bytes = (gsize) GST_VIDEO_INFO_WIDTH (&info) * 4;

      cairo_surface_flush (surface);
      for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&info); y++)
        memcpy (dst + (gsize) y * dst_stride, map.data + (gsize) y * src_stride, row_bytes);
      cairo_surface_mark_dirty (surface);
    }
  gst_buffer_unmap (buffer, &map);

  /* Written beside, then renamed: never half a still. */
  part = g_strconcat (png, ".part", NULL);
  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png (surface, part);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS || g_rename (part, png) != 0)
    {
      g_unlink (part);
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("Could not save the still %s"), png);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char *clip;
  char *png;
} ContinueData;

static void
continue_data_free (gpointer data)
{
  ContinueData *cd = data;

  g_free (cd->clip);
  g_free (cd->png);
  g_free (cd);
}

static void
continue_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ContinueData *cd = task_data;
  GError *error = NULL;
  HeyaiGenResult *gen;

  if (!heyai_pipeline_extract_last_frame (cd->clip, cd->png, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  gen = heyai_gen_result_new ();
  gen->path = g_strdup (cd->png);
  gen->provider = g_strdup ("continuity");
  gen->model = g_strdup ("");
  gen->params = g_strdup ("{\"frame\":\"last\"}");
  gen->seed = -1;
  g_task_return_pointer (task, gen, (GDestroyNotify) heyai_gen_result_free);
}

void
_heyai_pipeline_continue_async (HeyaiPipeline       *self,
                                HeyaiScene          *scene,
                                HeyaiJob            *job,
                                HeyaiAsset          *previous_clip,
                                const char          *images_dir,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *base = NULL;
  ContinueData *cd = g_new0 (ContinueData, 1);

  g_task_set_source_tag (task, _heyai_pipeline_continue_async);
  base = heyai_take_basename (heyai_scene_get_position (scene), heyai_job_get_take (job));
  cd->clip = g_strdup (heyai_asset_get_local_path (previous_clip));
  cd->png = g_strdup_printf ("%s/%s.png", images_dir, base);
  g_task_set_task_data (task, cd, continue_data_free);
  if (g_mkdir_with_parents (images_dir, 0700) != 0)
    {
      GError *error = NULL;

      heyai_set_io_error (&error, errno, _("Could not create the project folder"));
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, continue_thread);
}

gboolean
_heyai_pipeline_is_continue_result (GAsyncResult *result)
{
  return G_IS_TASK (result) && g_task_get_source_tag (G_TASK (result)) == _heyai_pipeline_continue_async;
}

HeyaiGenResult *
_heyai_pipeline_continue_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (_heyai_pipeline_is_continue_result (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
