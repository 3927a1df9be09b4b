/* heyai-player.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-player.h"
#include "heyai-core.h"

struct _HeyaiPlayer
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkWidget       *box;
  GtkPicture      *picture;
  GtkButton       *play_button;
  GtkScale        *scale;
  GtkLabel        *time_label;
  GtkToggleButton *loop_button;
  GtkToggleButton *mute_button;

  /* Owned references */
  GtkMediaStream  *stream;

  /* A still shown as a clip (animatic) */
  guint            still_tick_id;
  gint64           still_position;
  gint64           still_duration;
  gboolean         still_playing;

  gboolean         updating_scale;
};

enum { ENDED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HeyaiPlayer, heyai_player, GTK_TYPE_WIDGET)

static char *
format_time (gint64 usec)
{
  gint64 s = usec / G_USEC_PER_SEC;
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, s / 60, s % 60);
}

static void
update_controls (HeyaiPlayer *self)
{
  gint64 position = heyai_player_get_position (self);
  gint64 duration = heyai_player_get_duration (self);
  gboolean playing = heyai_player_get_playing (self);
  g_autofree char *pos = format_time (position);
  g_autofree char *dur = format_time (duration);
  g_autofree char *text = g_strdup_printf ("%s / %s", pos, dur);
  GtkAdjustment *adj = gtk_range_get_adjustment (GTK_RANGE (self->scale));

  gtk_label_set_label (self->time_label, text);
  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), playing ? _("Pause (Space)") : _("Play (Space)"));

  self->updating_scale = TRUE;
  gtk_adjustment_set_upper (adj, MAX (duration, 1) / (double) G_USEC_PER_SEC);
  gtk_adjustment_set_value (adj, position / (double) G_USEC_PER_SEC);
  self->updating_scale = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->box), self->stream != NULL || self->still_duration > 0);
}

static void
stream_ended_cb (HeyaiPlayer *self)
{
  if (self->stream != NULL && gtk_media_stream_get_ended (self->stream))
    g_signal_emit (self, signals[ENDED], 0);
}

static void
stream_error_cb (HeyaiPlayer *self)
{
  const GError *error = self->stream ? gtk_media_stream_get_error (self->stream) : NULL;

  if (error != NULL)
    g_warning ("Clip could not play: %s", error->message);
}

static void
stop_still (HeyaiPlayer *self)
{
  g_clear_handle_id (&self->still_tick_id, g_source_remove);
  self->still_duration = 0;
  self->still_position = 0;
  self->still_playing = FALSE;
}

void
heyai_player_clear (HeyaiPlayer *self)
{
  g_return_if_fail (HEYAI_IS_PLAYER (self));

  stop_still (self);
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      gtk_media_stream_pause (self->stream);
      g_clear_object (&self->stream);
    }
  gtk_picture_set_paintable (self->picture, NULL);
  update_controls (self);
}

void
heyai_player_set_file (HeyaiPlayer *self,
                       const char  *path)
{
  g_return_if_fail (HEYAI_IS_PLAYER (self));

  heyai_player_clear (self);
  if (path == NULL)
    return;

  self->stream = gtk_media_file_new_for_filename (path);
  gtk_media_stream_set_loop (self->stream, gtk_toggle_button_get_active (self->loop_button));
  gtk_media_stream_set_muted (self->stream, gtk_toggle_button_get_active (self->mute_button));
  g_signal_connect_object (self->stream, "notify::timestamp", G_CALLBACK (update_controls), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stream, "notify::duration", G_CALLBACK (update_controls), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stream, "notify::playing", G_CALLBACK (update_controls), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stream, "notify::ended", G_CALLBACK (stream_ended_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stream, "notify::error", G_CALLBACK (stream_error_cb), self, G_CONNECT_SWAPPED);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->stream));
  update_controls (self);
}

static gboolean
still_tick_cb (gpointer user_data)
{
  HeyaiPlayer *self = user_data;

  self->still_position += 40 * 1000;
  if (self->still_position >= self->still_duration)
    {
      self->still_position = self->still_duration;
      self->still_playing = FALSE;
      self->still_tick_id = 0;
      update_controls (self);
      g_signal_emit (self, signals[ENDED], 0);
      return G_SOURCE_REMOVE;
    }
  update_controls (self);
  return G_SOURCE_CONTINUE;
}

void
heyai_player_show_still (HeyaiPlayer  *self,
                         GdkPaintable *paintable,
                         double        seconds)
{
  g_return_if_fail (HEYAI_IS_PLAYER (self));

  heyai_player_clear (self);
  gtk_picture_set_paintable (self->picture, paintable);
  self->still_duration = (gint64) (seconds * G_USEC_PER_SEC);
  self->still_position = 0;
  update_controls (self);
}

void
heyai_player_play (HeyaiPlayer *self)
{
  g_return_if_fail (HEYAI_IS_PLAYER (self));

  if (self->stream != NULL)
    {
      if (gtk_media_stream_get_ended (self->stream))
        gtk_media_stream_seek (self->stream, 0);
      gtk_media_stream_play (self->stream);
    }
  else if (self->still_duration > 0 && self->still_tick_id == 0)
    {
      if (self->still_position >= self->still_duration)
        self->still_position = 0;
      self->still_playing = TRUE;
      self->still_tick_id = g_timeout_add (40, still_tick_cb, self);
    }
  update_controls (self);
}

void
heyai_player_pause (HeyaiPlayer *self)
{
  g_return_if_fail (HEYAI_IS_PLAYER (self));

  if (self->stream != NULL)
    gtk_media_stream_pause (self->stream);
  else
    {
      g_clear_handle_id (&self->still_tick_id, g_source_remove);
      self->still_playing = FALSE;
    }
  update_controls (self);
}

void
heyai_player_toggle (HeyaiPlayer *self)
{
  if (heyai_player_get_playing (self))
    heyai_player_pause (self);
  else
    heyai_player_play (self);
}

void
heyai_player_step (HeyaiPlayer *self,
                   int          frames)
{
  gint64 target;

  g_return_if_fail (HEYAI_IS_PLAYER (self));

  heyai_player_pause (self);
  target = CLAMP (heyai_player_get_position (self) + frames * HEYAI_PLAYER_FRAME_USEC,
                  0, MAX (heyai_player_get_duration (self) - 1, 0));
  if (self->stream != NULL && gtk_media_stream_is_seekable (self->stream))
    gtk_media_stream_seek (self->stream, target);
  else if (self->stream == NULL)
    self->still_position = target;
  update_controls (self);
}

void
heyai_player_set_loop (HeyaiPlayer *self,
                       gboolean     loop)
{
  g_return_if_fail (HEYAI_IS_PLAYER (self));
  gtk_toggle_button_set_active (self->loop_button, loop);
}

gboolean
heyai_player_get_playing (HeyaiPlayer *self)
{
  g_return_val_if_fail (HEYAI_IS_PLAYER (self), FALSE);
  if (self->stream != NULL)
    return gtk_media_stream_get_playing (self->stream);
  return self->still_playing;
}

gint64
heyai_player_get_duration (HeyaiPlayer *self)
{
  g_return_val_if_fail (HEYAI_IS_PLAYER (self), 0);
  if (self->stream != NULL)
    return gtk_media_stream_get_duration (self->stream);
  return self->still_duration;
}

gint64
heyai_player_get_position (HeyaiPlayer *self)
{
  g_return_val_if_fail (HEYAI_IS_PLAYER (self), 0);
  if (self->stream != NULL)
    return gtk_media_stream_get_timestamp (self->stream);
  return self->still_position;
}

GtkMediaStream *
heyai_player_get_stream (HeyaiPlayer *self)
{
  g_return_val_if_fail (HEYAI_IS_PLAYER (self), NULL);
  return self->stream;
}

/* Template callbacks ----------------------------------------------------- */

static void
play_clicked_cb (HeyaiPlayer *self)
{
  heyai_player_toggle (self);
}

static void
back_clicked_cb (HeyaiPlayer *self)
{
  heyai_player_step (self, -1);
}

static void
forward_clicked_cb (HeyaiPlayer *self)
{
  heyai_player_step (self, 1);
}

static void
loop_toggled_cb (HeyaiPlayer *self)
{
  if (self->stream != NULL)
    gtk_media_stream_set_loop (self->stream, gtk_toggle_button_get_active (self->loop_button));
}

static void
mute_toggled_cb (HeyaiPlayer *self)
{
  gboolean muted = gtk_toggle_button_get_active (self->mute_button);

  gtk_button_set_icon_name (GTK_BUTTON (self->mute_button), muted ? "audio-volume-muted-symbolic" : "audio-volume-high-symbolic");
  if (self->stream != NULL)
    gtk_media_stream_set_muted (self->stream, muted);
}

static void
scale_changed_cb (HeyaiPlayer *self)
{
  gint64 target;

  if (self->updating_scale)
    return;
  target = (gint64) (gtk_range_get_value (GTK_RANGE (self->scale)) * G_USEC_PER_SEC);
  if (self->stream != NULL && gtk_media_stream_is_seekable (self->stream))
    gtk_media_stream_seek (self->stream, target);
  else if (self->stream == NULL)
    {
      self->still_position = target;
      update_controls (self);
    }
}

static void
heyai_player_dispose (GObject *object)
{
  HeyaiPlayer *self = HEYAI_PLAYER (object);

  stop_still (self);
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      gtk_media_stream_pause (self->stream);
      g_clear_object (&self->stream);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_PLAYER);

  G_OBJECT_CLASS (heyai_player_parent_class)->dispose (object);
}

static void
heyai_player_class_init (HeyaiPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_player_dispose;

  signals[ENDED] = g_signal_new ("ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-player.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiPlayer, box);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPlayer, picture);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPlayer, play_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPlayer, scale);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPlayer, time_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPlayer, loop_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPlayer, mute_button);
  gtk_widget_class_bind_template_callback (widget_class, play_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, forward_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, loop_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, mute_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, scale_changed_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "player");
}

static void
heyai_player_init (HeyaiPlayer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  update_controls (self);
}

void
heyai_player_focus (HeyaiPlayer *self)
{
  g_return_if_fail (HEYAI_IS_PLAYER (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->play_button));
}

GtkWidget *
heyai_player_new (void)
{
  return g_object_new (HEYAI_TYPE_PLAYER, NULL);
}
