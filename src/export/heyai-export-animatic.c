/* heyai-export-animatic.c: animatic.mp4 with GStreamer Editing Services.
 *
 * One GESTimeline (video track, plus an audio track when a music bed is
 * given) with a GESUriClip per scene: the clip, or the still (GESImageSource)
 * held for the scene's duration.  Optional crossfade: the clips overlap on one
 * auto-transition layer (duration = sum - (n - 1) * crossfade).  Optional
 * burn-in: a GESTextOverlayClip "Scene N" per scene and a "timeoverlay" effect
 * clip per scene showing the record time (HH:MM:SS), on layers above the media.  Rendered to
 * H.264/MP4 (AAC when there is music) with GESPipeline in render mode.
 *
 * GES 1.22 is not thread-agnostic: its discoverer delivers on the main context
 * that was thread-default when ges_init() ran, and
 * ges_uri_clip_asset_request_sync() spins the global default context (a
 * deadlock from a worker while the application's main loop runs).  So all GES
 * work happens on one long-lived "heyai-ges" thread with its own main
 * context, assets are requested asynchronously there, and the export worker
 * waits for the job (polling progress and the cancellable).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-qualifiers"
#include <ges/ges.h>
#pragma GCC diagnostic pop
#include <gst/pbutils/encoding-profile.h>

#include "heyai-core.h"
#include "heyai-export-private.h"


static GstClockTime
frames_to_time (gint64          frames,
                HeyaiExportFps  fps)
{
  int num, den;

  heyai_export_fps_get_rational (fps, &num, &den);
  return gst_util_uint64_scale ((guint64) frames, (guint64) den * GST_SECOND, (guint64) num);
}


/* The GES thread --------------------------------------------------------- */

static GMainContext *ges_context;

static gpointer
ges_thread_main (gpointer data)
{
  GMainContext *context = data;
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);  /* lives as long as the process */
  g_main_context_pop_thread_default (context);

  return NULL;
}

typedef struct
{
  GMutex    lock;
  GCond     cond;
  gboolean  done;
  gboolean  ok;
} InitSync;

static gboolean
init_in_ges_thread (gpointer data)
{
  InitSync *sync = data;
  gboolean ok;

  ok = gst_init_check (NULL, NULL, NULL) && ges_init ();

  g_mutex_lock (&sync->lock);
  sync->ok = ok;
  sync->done = TRUE;
  g_cond_signal (&sync->cond);
  g_mutex_unlock (&sync->lock);

  return G_SOURCE_REMOVE;
}

static gpointer
start_ges_thread (gpointer data)
{
  InitSync sync = { 0 };
  GThread *thread;

  g_mutex_init (&sync.lock);
  g_cond_init (&sync.cond);

  ges_context = g_main_context_new ();
  thread = g_thread_new ("heyai-ges", ges_thread_main, ges_context);
  g_thread_unref (thread);

  g_main_context_invoke (ges_context, init_in_ges_thread, &sync);
  g_mutex_lock (&sync.lock);
  while (!sync.done)
    g_cond_wait (&sync.cond, &sync.lock);
  g_mutex_unlock (&sync.lock);

  g_mutex_clear (&sync.lock);
  g_cond_clear (&sync.cond);

  return GINT_TO_POINTER (sync.ok);
}

static gboolean
init_in_ges_thread_flush (gpointer data)
{
  InitSync *sync = data;

  g_mutex_lock (&sync->lock);
  sync->done = TRUE;
  g_cond_signal (&sync->cond);
  g_mutex_unlock (&sync->lock);

  return G_SOURCE_REMOVE;
}

/* One render ------------------------------------------------------------- */

typedef struct
{
  /* Inputs (owned by the waiting worker, valid until done). */
  const HeyaiCut           *cut;
  const char               *media_root;
  const char               *path;
  const HeyaiExportOptions *options;
  int                       width;
  int                       height;

  /* GES thread state. */
  GPtrArray    *assets;       /* GESAsset* per entry (NULL until loaded) */
  GESAsset     *music;
  guint         pending;
  GESPipeline  *pipeline;
  GSource      *bus_source;
  GstClockTime  end;

  /* Shared, under lock. */
  GMutex        lock;
  GCond         cond;
  gboolean      done;
  gboolean      ok;
  double        fraction;
  GError       *error;
} Job;

typedef struct
{
  Job  *job;
  gint  index;  /* -1 = music */
} AssetRequest;

static void
job_finish (Job    *job,
            GError *error)
{
  if (job->bus_source != NULL)
    {
      g_source_destroy (job->bus_source);
      g_clear_pointer (&job->bus_source, g_source_unref);
    }
  if (job->pipeline != NULL)
    {
      gst_element_set_state (GST_ELEMENT (job->pipeline), GST_STATE_NULL);
      gst_clear_object (&job->pipeline);
    }
  g_clear_pointer (&job->assets, g_ptr_array_unref);
  g_clear_object (&job->music);

  g_mutex_lock (&job->lock);
  job->ok = error == NULL;
  if (error != NULL && job->error == NULL)
    job->error = error;
  else if (error != NULL)
    g_error_free (error);
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  Job *job = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      job_finish (job, NULL);
      return G_SOURCE_REMOVE;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) err = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &err, &debug);
        g_debug ("animatic: %s (%s)", err->message, debug != NULL ? debug : "");
        if (g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT))
          {
            GError *io = NULL;

            heyai_set_io_error (&io, ENOSPC, _("Could not write the animatic"));
            job_finish (job, io);
          }
        else if (g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE) ||
                 g_error_matches (err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE))
          {
            GError *io = NULL;

            heyai_set_io_error (&io, access (job->path, F_OK) == 0 ? EIO : EACCES,
                                _("Could not write the animatic"));
            job_finish (job, io);
          }
        else
          job_finish (job, g_error_new (HEYAI_ERROR, HEYAI_ERROR_FAILED,
                                        _("The animatic could not be rendered: %s"), err->message));
      }
      return G_SOURCE_REMOVE;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
job_cancel_in_ges_thread (gpointer user_data)
{
  Job *job = user_data;
  gboolean done;

  g_mutex_lock (&job->lock);
  done = job->done;
  g_mutex_unlock (&job->lock);

  /* Assets still loading: their callbacks see the error and stop. */
  if (!done && job->pipeline != NULL)
    job_finish (job, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The export was cancelled.")));
  else if (!done)
    {
      g_mutex_lock (&job->lock);
      if (job->error == NULL)
        job->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The export was cancelled."));
      g_mutex_unlock (&job->lock);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
job_poll_position (gpointer user_data)
{
  Job *job = user_data;
  gint64 position = 0;
  gboolean done;

  g_mutex_lock (&job->lock);
  done = job->done;
  g_mutex_unlock (&job->lock);

  if (!done && job->pipeline != NULL && job->end > 0 &&
      gst_element_query_position (GST_ELEMENT (job->pipeline), GST_FORMAT_TIME, &position) &&
      position >= 0)
    {
      g_mutex_lock (&job->lock);
      job->fraction = (double) position / (double) job->end;
      g_mutex_unlock (&job->lock);
    }

  return G_SOURCE_REMOVE;
}

static GstEncodingProfile *
make_profile (gboolean with_audio)
{
  g_autoptr(GstCaps) container_caps = gst_caps_from_string ("video/quicktime,variant=iso");
  g_autoptr(GstCaps) video_caps = gst_caps_from_string ("video/x-h264");
  GstEncodingContainerProfile *container;
  GstEncodingVideoProfile *video;

  container = gst_encoding_container_profile_new ("mp4", NULL, container_caps, NULL);
  video = gst_encoding_video_profile_new (video_caps, NULL, NULL, 0);

  /* x264enc's default preset (medium) is slow for a reference animatic. */
  {
    g_autoptr(GstElementFactory) factory = gst_element_factory_find ("x264enc");
    g_autoptr(GstPluginFeature) loaded = factory != NULL ? gst_plugin_feature_load (GST_PLUGIN_FEATURE (factory)) : NULL;
    GType preset_type = g_type_from_name ("GstX264EncPreset");

    if (loaded != NULL && preset_type != 0)
      gst_encoding_profile_set_element_properties (GST_ENCODING_PROFILE (video),
                                                   gst_structure_new ("x264enc",
                                                                      "speed-preset", preset_type, 4 /* faster */,
                                                                      NULL));
  }
  gst_encoding_container_profile_add_profile (container, GST_ENCODING_PROFILE (video));

  if (with_audio)
    {
      g_autoptr(GstCaps) audio_caps = gst_caps_from_string ("audio/mpeg,mpegversion=4");
      gst_encoding_container_profile_add_profile (container,
                                                  GST_ENCODING_PROFILE (gst_encoding_audio_profile_new (audio_caps, NULL, NULL, 0)));
    }

  return GST_ENCODING_PROFILE (container);
}

static void
job_build_and_render (Job *job)
{
  const HeyaiCut *cut = job->cut;
  const HeyaiExportPlan *plan = cut->plan;
  const HeyaiExportOptions *options = job->options;
  g_autoptr(GstBus) bus = NULL;
  g_autofree char *out_uri = NULL;
  GESTimeline *timeline;
  GESLayer *media_layer, *text_layer = NULL, *time_layer = NULL;
  GESTrack *video_track = NULL;
  GstEncodingProfile *profile;
  GstClockTime crossfade = 0, min_duration = GST_CLOCK_TIME_NONE, position = 0;
  int num, den;

  heyai_export_fps_get_rational (plan->fps, &num, &den);

  timeline = options->music != NULL ? ges_timeline_new_audio_video () : ges_timeline_new ();
  gst_object_ref_sink (timeline);
  if (options->music == NULL)
    ges_timeline_add_track (timeline, GES_TRACK (ges_video_track_new ()));

  for (GList *l = ges_timeline_get_tracks (timeline); l != NULL; l = g_list_delete_link (l, l))
    {
      if (GES_IS_VIDEO_TRACK (l->data))
        video_track = l->data;
      gst_object_unref (l->data);
    }
  if (video_track != NULL)
    {
      g_autoptr(GstCaps) caps = gst_caps_new_simple ("video/x-raw",
                                                     "width", G_TYPE_INT, job->width,
                                                     "height", G_TYPE_INT, job->height,
                                                     "framerate", GST_TYPE_FRACTION, num, den,
                                                     NULL);
      ges_track_set_restriction_caps (video_track, caps);
    }

  if (options->burn_in)
    {
      text_layer = ges_timeline_append_layer (timeline);
      time_layer = ges_timeline_append_layer (timeline);
    }
  media_layer = ges_timeline_append_layer (timeline);

  if (options->crossfade > 0 && cut->entries->len > 1)
    {
      for (guint i = 0; i < cut->entries->len; i++)
        min_duration = MIN (min_duration, frames_to_time (((HeyaiCutEntry *) g_ptr_array_index (cut->entries, i))->frames, plan->fps));
      /* Whole frames, and at most half the shortest clip. */
      crossfade = frames_to_time (heyai_export_seconds_to_frames (options->crossfade, plan->fps), plan->fps);
      crossfade = MIN (crossfade, min_duration / 2);
      ges_layer_set_auto_transition (media_layer, TRUE);
    }

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      GESAsset *asset = g_ptr_array_index (job->assets, i);
      GstClockTime slot_start = frames_to_time (entry->record_in, plan->fps);
      GstClockTime slot = frames_to_time (entry->record_in + entry->frames, plan->fps) - slot_start;
      GstClockTime start = slot_start - i * crossfade;
      GstClockTime duration = slot;

      if (!entry->is_still)
        {
          GstClockTime media = ges_uri_clip_asset_get_duration (GES_URI_CLIP_ASSET (asset));

          if (GST_CLOCK_TIME_IS_VALID (media) && media > 0 && media < duration)
            duration = media;
        }

      if (ges_layer_add_asset (media_layer, asset, start, 0, duration, GES_TRACK_TYPE_VIDEO) == NULL)
        {
          gst_object_unref (timeline);
          job_finish (job, g_error_new (HEYAI_ERROR, HEYAI_ERROR_FAILED,
                                        _("The animatic could not place scene %d on the timeline."),
                                        entry->scene->number));
          return;
        }

      /* A clip shorter than its scene: black for the rest of the slot. */
      if (duration < slot && crossfade == 0)
        {
          GESTestClip *black = ges_test_clip_new ();

          ges_test_clip_set_vpattern (black, GES_VIDEO_TEST_PATTERN_BLACK);
          ges_timeline_element_set_start (GES_TIMELINE_ELEMENT (black), start + duration);
          ges_timeline_element_set_duration (GES_TIMELINE_ELEMENT (black), slot - duration);
          ges_layer_add_clip (media_layer, GES_CLIP (black));
        }

      if (text_layer != NULL)
        {
          GESTextOverlayClip *text = ges_text_overlay_clip_new ();
          g_autofree char *label = g_strdup_printf (_("Scene %d"), entry->scene->number);
          GstClockTime text_start = i == 0 ? start : start + crossfade;

          ges_text_overlay_clip_set_text (text, label);
          ges_text_overlay_clip_set_font_desc (text, "Sans Bold 20");
          ges_text_overlay_clip_set_halign (text, GES_TEXT_HALIGN_LEFT);
          ges_text_overlay_clip_set_valign (text, GES_TEXT_VALIGN_TOP);
          ges_timeline_element_set_start (GES_TIMELINE_ELEMENT (text), text_start);
          ges_timeline_element_set_duration (GES_TIMELINE_ELEMENT (text), start + slot - text_start);
          ges_layer_add_clip (text_layer, GES_CLIP (text));

          /* Record time: timeoverlay counts the source's own time, so each
           * scene gets one whose epoch is where the scene sits in the cut. */
          {
            GESEffectClip *tc = ges_effect_clip_new ("timeoverlay show-times-as-dates=true "
                                                     "datetime-format=%H:%M:%S "
                                                     "halignment=right valignment=bottom "
                                                     "font-desc=\"Monospace 16\" shaded-background=true",
                                                     NULL);
            g_autoptr(GDateTime) zero = g_date_time_new_utc (2000, 1, 1, 0, 0, 0);
            /* The start timecode (01:00:00:00) counts nominal seconds. */
            GTimeSpan offset = (GTimeSpan) (cut->start_frame * G_TIME_SPAN_SECOND /
                                            heyai_export_fps_timebase (plan->fps));
            g_autoptr(GDateTime) epoch = g_date_time_add (zero, offset + (GTimeSpan) (start / GST_USECOND));
            GValue value = G_VALUE_INIT;

            ges_timeline_element_set_start (GES_TIMELINE_ELEMENT (tc), text_start);
            ges_timeline_element_set_duration (GES_TIMELINE_ELEMENT (tc), start + slot - text_start);
            if (ges_layer_add_clip (time_layer, GES_CLIP (tc)))
              {
                g_value_init (&value, G_TYPE_DATE_TIME);
                g_value_set_boxed (&value, epoch);
                if (!ges_timeline_element_set_child_property (GES_TIMELINE_ELEMENT (tc), "datetime-epoch", &value))
                  g_debug ("animatic: timeoverlay has no datetime-epoch");
                g_value_unset (&value);
              }
          }
        }

      position = start + slot;
    }
  job->end = position;

  if (job->music != NULL)
    {
      GstClockTime music_duration = ges_uri_clip_asset_get_duration (GES_URI_CLIP_ASSET (job->music));
      GESLayer *music_layer = ges_timeline_append_layer (timeline);

      if (!GST_CLOCK_TIME_IS_VALID (music_duration) || music_duration == 0)
        music_duration = job->end;
      if (ges_layer_add_asset (music_layer, job->music, 0, 0, MIN (job->end, music_duration),
                               GES_TRACK_TYPE_AUDIO) == NULL)
        {
          gst_object_unref (timeline);
          job_finish (job, g_error_new_literal (HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                                                _("The music file could not be added to the animatic.")));
          return;
        }
    }

  ges_timeline_commit_sync (timeline);

  job->pipeline = ges_pipeline_new ();
  gst_object_ref_sink (job->pipeline);
  if (!ges_pipeline_set_timeline (job->pipeline, timeline))
    {
      gst_object_unref (timeline);
      job_finish (job, g_error_new_literal (HEYAI_ERROR, HEYAI_ERROR_FAILED,
                                            _("The animatic could not be rendered.")));
      return;
    }
  gst_object_unref (timeline);

  out_uri = g_filename_to_uri (job->path, NULL, NULL);
  profile = make_profile (job->music != NULL);
  if (!ges_pipeline_set_render_settings (job->pipeline, out_uri, profile) ||
      !ges_pipeline_set_mode (job->pipeline, GES_PIPELINE_MODE_RENDER))
    {
      gst_encoding_profile_unref (profile);
      job_finish (job, g_error_new_literal (HEYAI_ERROR, HEYAI_ERROR_FAILED,
                                            _("The animatic could not be rendered: no H.264/MP4 encoder is installed.")));
      return;
    }
  gst_encoding_profile_unref (profile);

  bus = gst_pipeline_get_bus (GST_PIPELINE (job->pipeline));
  job->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (job->bus_source, (GSourceFunc) (void (*) (void)) on_bus_message, job, NULL);
  g_source_attach (job->bus_source, ges_context);

  if (gst_element_set_state (GST_ELEMENT (job->pipeline), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    job_finish (job, g_error_new_literal (HEYAI_ERROR, HEYAI_ERROR_FAILED,
                                          _("The animatic could not be rendered.")));
}

static void
on_asset_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AssetRequest *request = user_data;
  Job *job = request->job;
  g_autoptr(GError) error = NULL;
  GESUriClipAsset *asset;
  gboolean failed;

  asset = ges_uri_clip_asset_finish (result, &error);

  g_mutex_lock (&job->lock);
  if (asset == NULL && job->error == NULL)
    {
      const char *file = request->index >= 0
        ? ((HeyaiCutEntry *) g_ptr_array_index (job->cut->entries, request->index))->media_rel
        : job->options->music;
      g_autofree char *display = g_filename_display_basename (file);

      job->error = g_error_new (HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                                _("The animatic could not read “%s”: %s"), display,
                                error != NULL ? error->message : _("unknown format"));
    }
  failed = job->error != NULL;
  g_mutex_unlock (&job->lock);

  if (asset != NULL)
    {
      if (request->index >= 0)
        g_ptr_array_index (job->assets, request->index) = asset;
      else
        job->music = GES_ASSET (asset);
    }

  g_free (request);

  if (--job->pending > 0)
    return;

  if (failed)
    job_finish (job, NULL);  /* job->error is already set */
  else
    job_build_and_render (job);
}

static void
asset_unref0 (gpointer asset)
{
  if (asset != NULL)
    gst_object_unref (asset);
}

static gboolean
job_start_in_ges_thread (gpointer user_data)
{
  Job *job = user_data;
  guint n = job->cut->entries->len;

  job->assets = g_ptr_array_new_full (n, (GDestroyNotify) asset_unref0);
  g_ptr_array_set_size (job->assets, (gint) n);
  job->pending = n + (job->options->music != NULL ? 1 : 0);

  for (guint i = 0; i < n; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (job->cut->entries, i);
      g_autofree char *file = g_build_filename (job->media_root, entry->media_rel, NULL);
      g_autofree char *uri = g_filename_to_uri (file, NULL, NULL);
      AssetRequest *request = g_new0 (AssetRequest, 1);

      request->job = job;
      request->index = (gint) i;
      ges_uri_clip_asset_new (uri, NULL, on_asset_loaded, request);
    }

  if (job->options->music != NULL)
    {
      g_autofree char *uri = g_filename_to_uri (job->options->music, NULL, NULL);
      AssetRequest *request = g_new0 (AssetRequest, 1);

      request->job = job;
      request->index = -1;
      ges_uri_clip_asset_new (uri, NULL, on_asset_loaded, request);
    }

  return G_SOURCE_REMOVE;
}

gboolean
heyai_export_animatic (const HeyaiCut           *cut,
                       const char               *media_root,
                       const char               *path,
                       const HeyaiExportOptions *options,
                       HeyaiExportProgress       progress,
                       gpointer                  progress_data,
                       GCancellable             *cancellable,
                       GError                  **error)
{
  static GOnce ges_once = G_ONCE_INIT;
  const HeyaiExportPlan *plan = cut->plan;
  Job job = { 0 };
  gboolean cancel_sent = FALSE;
  int width = options->animatic_width, height = options->animatic_height;

  if (!GPOINTER_TO_INT (g_once (&ges_once, start_ges_thread, NULL)))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   _("The animatic could not be rendered: GStreamer Editing Services is not available."));
      return FALSE;
    }

  /* Size: asked for, else the delivery format (the plan's; the clips are
   * conformed to it, so a 9:16 still in a 16:9 project does not decide). */
  if (width <= 0 || height <= 0)
    {
      width = plan->width;
      height = plan->height;
    }

  job.cut = cut;
  job.media_root = media_root;
  job.path = path;
  job.options = options;
  job.width = MAX (width & ~1, 2);
  job.height = MAX (height & ~1, 2);
  g_mutex_init (&job.lock);
  g_cond_init (&job.cond);

  g_main_context_invoke (ges_context, job_start_in_ges_thread, &job);

  g_mutex_lock (&job.lock);
  while (!job.done)
    {
      gint64 deadline = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;
      double fraction;

      g_cond_wait_until (&job.cond, &job.lock, deadline);
      if (job.done)
        break;

      fraction = job.fraction;
      g_mutex_unlock (&job.lock);

      if (!cancel_sent && g_cancellable_is_cancelled (cancellable))
        {
          cancel_sent = TRUE;
          g_main_context_invoke (ges_context, job_cancel_in_ges_thread, &job);
        }
      else
        g_main_context_invoke (ges_context, job_poll_position, &job);

      if (progress != NULL)
        progress (fraction, NULL, progress_data);

      g_mutex_lock (&job.lock);
    }
  g_mutex_unlock (&job.lock);

  /* Nothing of the GES thread refers to the job once done is set, except
   * poll/cancel idles already queued: flush them before the job goes away. */
  {
    InitSync flush = { 0 };

    g_mutex_init (&flush.lock);
    g_cond_init (&flush.cond);
    g_main_context_invoke_full (ges_context, G_PRIORITY_LOW, init_in_ges_thread_flush, &flush, NULL);
    g_mutex_lock (&flush.lock);
    while (!flush.done)
      g_cond_wait (&flush.cond, &flush.lock);
    g_mutex_unlock (&flush.lock);
    g_mutex_clear (&flush.lock);
    g_cond_clear (&flush.cond);
  }

  g_mutex_clear (&job.lock);
  g_cond_clear (&job.cond);

  if (!job.ok || job.error != NULL)
    {
      if (job.error != NULL)
        g_propagate_error (error, job.error);
      else
        g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("The animatic could not be rendered."));
      g_unlink (path);
      return FALSE;
    }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("The animatic could not be rendered."));
      return FALSE;
    }

  return TRUE;
}
