/* heyai-export-animatic.c: animatic.mp4 with GStreamer Editing Services.
 *
 * One GESTimeline (video track, plus an audio track when a music bed is
 * given) with a GESUriClip per scene: the clip, or the still (GESImageSource)
 * held for the scene's duration.  Optional crossfade: the clips overlap on one
 * auto-transition layer (duration = sum - (n - 1) * crossfade).  Optional
 * burn-in: a GESTextOverlayClip "Scene N" per scene and a "timeoverlay" effect
 * clip over the whole timeline, on layers above the media.  Rendered to
 * H.264/MP4 (AAC when there is music) with GESPipeline in render mode, on a
 * private main context of the calling (worker) thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-qualifiers"
#include <ges/ges.h>
#pragma GCC diagnostic pop
#include <gst/pbutils/encoding-profile.h>

#include "heyai-core.h"
#include "heyai-export-private.h"

static gpointer
init_ges (gpointer data)
{
  gst_init (NULL, NULL);
  return GINT_TO_POINTER (ges_init ());
}

static GstClockTime
frames_to_time (gint64          frames,
                HeyaiExportFps  fps)
{
  int num, den;

  heyai_export_fps_get_rational (fps, &num, &den);
  return gst_util_uint64_scale ((guint64) frames, (guint64) den * GST_SECOND, (guint64) num);
}

static gboolean
probe_size (const char *uri,
            int        *width,
            int        *height)
{
  g_autoptr(GstDiscoverer) discoverer = gst_discoverer_new (10 * GST_SECOND, NULL);
  g_autoptr(GstDiscovererInfo) info = NULL;
  GList *streams;
  gboolean found = FALSE;

  if (discoverer == NULL)
    return FALSE;

  info = gst_discoverer_discover_uri (discoverer, uri, NULL);
  if (info == NULL)
    return FALSE;

  streams = gst_discoverer_info_get_video_streams (info);
  if (streams != NULL)
    {
      GstDiscovererVideoInfo *v = streams->data;

      *width = (int) gst_discoverer_video_info_get_width (v);
      *height = (int) gst_discoverer_video_info_get_height (v);
      found = *width > 0 && *height > 0;
    }
  gst_discoverer_stream_info_list_free (streams);

  return found;
}

typedef struct
{
  GMainLoop           *loop;
  GESPipeline         *pipeline;
  GError              *error;
  GstClockTime         duration;
  HeyaiExportProgress  progress;
  gpointer             progress_data;
  gboolean             cancelled;
} RenderState;

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  RenderState *state = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      g_main_loop_quit (state->loop);
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) err = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &err, &debug);
        g_debug ("animatic: %s (%s)", err->message, debug != NULL ? debug : "");
        if (state->error == NULL)
          state->error = g_error_new (HEYAI_ERROR, HEYAI_ERROR_FAILED,
                                      _("The animatic could not be rendered: %s"), err->message);
        g_main_loop_quit (state->loop);
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_progress_tick (gpointer user_data)
{
  RenderState *state = user_data;
  gint64 position = 0;

  if (state->progress != NULL && state->duration > 0 &&
      gst_element_query_position (GST_ELEMENT (state->pipeline), GST_FORMAT_TIME, &position) &&
      position >= 0)
    state->progress ((double) position / (double) state->duration, NULL, state->progress_data);

  return G_SOURCE_CONTINUE;
}

static gboolean
quit_idle (gpointer user_data)
{
  RenderState *state = user_data;

  state->cancelled = TRUE;
  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  RenderState *state = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, quit_idle, state, NULL);
  g_source_attach (source, g_main_loop_get_context (state->loop));
  g_source_unref (source);
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
  gst_encoding_profile_set_element_properties (GST_ENCODING_PROFILE (video),
                                               gst_structure_new ("x264enc",
                                                                  "speed-preset", G_TYPE_STRING, "faster",
                                                                  NULL));
  gst_encoding_container_profile_add_profile (container, GST_ENCODING_PROFILE (video));

  if (with_audio)
    {
      g_autoptr(GstCaps) audio_caps = gst_caps_from_string ("audio/mpeg,mpegversion=4");
      gst_encoding_container_profile_add_profile (container,
                                                  GST_ENCODING_PROFILE (gst_encoding_audio_profile_new (audio_caps, NULL, NULL, 0)));
    }

  return GST_ENCODING_PROFILE (container);
}

static GESAsset *
request_asset (const char  *path,
               GError     **error)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr(GError) local_error = NULL;
  GESUriClipAsset *asset;

  asset = ges_uri_clip_asset_request_sync (uri, &local_error);
  if (asset == NULL)
    {
      g_autofree char *display = g_filename_display_basename (path);

      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The animatic could not read “%s”: %s"), display,
                   local_error != NULL ? local_error->message : _("unknown format"));
      return NULL;
    }

  return GES_ASSET (asset);
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
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autofree char *out_uri = NULL;
  GESTimeline *timeline = NULL;
  GESPipeline *pipeline = NULL;
  GESLayer *media_layer, *text_layer = NULL, *time_layer = NULL, *music_layer = NULL;
  GESTrack *video_track;
  GstEncodingProfile *profile = NULL;
  GSource *bus_source = NULL, *tick_source = NULL;
  RenderState state = { 0 };
  GstClockTime crossfade = 0, min_duration = GST_CLOCK_TIME_NONE, position = 0, end = 0;
  gulong cancel_id = 0;
  int width = options->animatic_width, height = options->animatic_height;
  int num, den;
  gboolean ok = FALSE;

  if (!GPOINTER_TO_INT (g_once (&ges_once, init_ges, NULL)))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   _("The animatic could not be rendered: GStreamer Editing Services is not available."));
      return FALSE;
    }

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  heyai_export_fps_get_rational (plan->fps, &num, &den);

  /* Size: asked for, else the first clip's, else the plan's. */
  if (width <= 0 || height <= 0)
    {
      width = plan->width;
      height = plan->height;
      for (guint i = 0; i < cut->entries->len; i++)
        {
          const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
          g_autofree char *file = g_build_filename (media_root, entry->media_rel, NULL);
          g_autofree char *uri = g_filename_to_uri (file, NULL, NULL);

          if (!entry->is_still && probe_size (uri, &width, &height))
            break;
        }
    }
  width &= ~1;
  height &= ~1;

  timeline = options->music != NULL ? ges_timeline_new_audio_video () : ges_timeline_new ();
  gst_object_ref_sink (timeline);
  if (options->music == NULL)
    ges_timeline_add_track (timeline, GES_TRACK (ges_video_track_new ()));

  video_track = NULL;
  for (GList *l = ges_timeline_get_tracks (timeline); l != NULL; l = g_list_delete_link (l, l))
    {
      GESTrack *track = l->data;

      if (GES_IS_VIDEO_TRACK (track))
        video_track = track;
      g_object_unref (track);
    }
  if (video_track != NULL)
    {
      g_autoptr(GstCaps) caps = gst_caps_new_simple ("video/x-raw",
                                                     "width", G_TYPE_INT, width,
                                                     "height", G_TYPE_INT, height,
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
      g_autofree char *file = g_build_filename (media_root, entry->media_rel, NULL);
      g_autoptr(GESAsset) asset = NULL;
      GstClockTime start = frames_to_time (entry->record_in, plan->fps) - i * crossfade;
      GstClockTime slot = frames_to_time (entry->record_in + entry->frames, plan->fps) -
                          frames_to_time (entry->record_in, plan->fps);
      GstClockTime duration = slot;
      GESClip *clip;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      asset = request_asset (file, error);
      if (asset == NULL)
        goto out;

      if (!entry->is_still)
        {
          GstClockTime media = ges_uri_clip_asset_get_duration (GES_URI_CLIP_ASSET (asset));

          if (GST_CLOCK_TIME_IS_VALID (media) && media > 0 && media < duration)
            duration = media;
        }

      clip = ges_layer_add_asset (media_layer, asset, start, 0, duration, GES_TRACK_TYPE_VIDEO);
      if (clip == NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                       _("The animatic could not place scene %d on the timeline."), entry->scene->number);
          goto out;
        }

      /* A clip shorter than its scene: black for the rest of the slot. */
      if (duration < slot && crossfade == 0)
        {
          GESClip *black = GES_CLIP (ges_test_clip_new ());

          ges_test_clip_set_vpattern (GES_TEST_CLIP (black), GES_VIDEO_TEST_PATTERN_BLACK);
          ges_timeline_element_set_start (GES_TIMELINE_ELEMENT (black), start + duration);
          ges_timeline_element_set_duration (GES_TIMELINE_ELEMENT (black), slot - duration);
          ges_layer_add_clip (media_layer, black);
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
        }

      position = start + slot;
    }
  end = position;

  if (time_layer != NULL)
    {
      GESEffectClip *tc = ges_effect_clip_new ("timeoverlay halignment=right valignment=bottom "
                                               "font-desc=\"Monospace 16\" shaded-background=true",
                                               NULL);

      ges_timeline_element_set_start (GES_TIMELINE_ELEMENT (tc), 0);
      ges_timeline_element_set_duration (GES_TIMELINE_ELEMENT (tc), end);
      if (!ges_layer_add_clip (time_layer, GES_CLIP (tc)))
        g_debug ("animatic: no timecode overlay");
    }

  if (options->music != NULL)
    {
      g_autoptr(GESAsset) music = request_asset (options->music, error);
      GstClockTime music_duration;

      if (music == NULL)
        goto out;

      music_duration = ges_uri_clip_asset_get_duration (GES_URI_CLIP_ASSET (music));
      if (!GST_CLOCK_TIME_IS_VALID (music_duration) || music_duration == 0)
        music_duration = end;
      music_layer = ges_timeline_append_layer (timeline);
      if (ges_layer_add_asset (music_layer, music, 0, 0, MIN (end, music_duration), GES_TRACK_TYPE_AUDIO) == NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                       _("The music file could not be added to the animatic."));
          goto out;
        }
    }

  ges_timeline_commit_sync (timeline);

  pipeline = ges_pipeline_new ();
  gst_object_ref_sink (pipeline);
  if (!ges_pipeline_set_timeline (pipeline, timeline))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("The animatic could not be rendered."));
      goto out;
    }

  out_uri = g_filename_to_uri (path, NULL, NULL);
  profile = make_profile (options->music != NULL);
  if (!ges_pipeline_set_render_settings (pipeline, out_uri, profile) ||
      !ges_pipeline_set_mode (pipeline, GES_PIPELINE_MODE_RENDER))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                   _("The animatic could not be rendered: no H.264/MP4 encoder is installed."));
      goto out;
    }

  loop = g_main_loop_new (context, FALSE);
  state.loop = loop;
  state.pipeline = pipeline;
  state.duration = end;
  state.progress = progress;
  state.progress_data = progress_data;

  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (bus_source, (GSourceFunc) (void (*) (void)) on_bus_message, &state, NULL);
  g_source_attach (bus_source, context);

  tick_source = g_timeout_source_new (250);
  g_source_set_callback (tick_source, on_progress_tick, &state, NULL);
  g_source_attach (tick_source, context);

  if (cancellable != NULL)
    cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), &state, NULL);

  if (gst_element_set_state (GST_ELEMENT (pipeline), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("The animatic could not be rendered."));
      goto out;
    }

  g_main_loop_run (loop);
  gst_element_set_state (GST_ELEMENT (pipeline), GST_STATE_NULL);

  if (state.cancelled || g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&state.error);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The export was cancelled."));
      goto out;
    }

  if (state.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&state.error));
      goto out;
    }

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED, _("The animatic could not be rendered."));
      goto out;
    }

  ok = TRUE;

out:
  if (cancel_id != 0)
    g_cancellable_disconnect (cancellable, cancel_id);
  if (tick_source != NULL)
    {
      g_source_destroy (tick_source);
      g_source_unref (tick_source);
    }
  if (bus_source != NULL)
    {
      g_source_destroy (bus_source);
      g_source_unref (bus_source);
    }
  if (pipeline != NULL)
    {
      gst_element_set_state (GST_ELEMENT (pipeline), GST_STATE_NULL);
      gst_object_unref (pipeline);
    }
  if (timeline != NULL)
    gst_object_unref (timeline);
  if (profile != NULL)
    gst_encoding_profile_unref (profile);
  g_clear_error (&state.error);
  g_main_context_pop_thread_default (context);

  return ok;
}
