/* heyai-scene-pane.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-cast-editor.h"
#include "heyai-media-frame.h"
#include "heyai-providers.h"
#include "heyai-scene-pane.h"
#include "heyai-ui-util.h"

#define SAVE_DELAY_MS 500

struct _HeyaiScenePane
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkWidget      *scroller;
  GtkStack       *media_stack;
  GtkPicture     *picture;
  GtkVideo       *video;
  GtkWidget      *failure_box;
  GtkLabel       *failure_label;
  GtkButton      *try_again_button;
  AdwPreferencesGroup *fields_group;
  AdwEntryRow    *title_row;
  AdwComboRow    *camera_row;
  AdwComboRow    *duration_row;
  GtkTextView    *description_view;
  GtkTextView    *image_prompt_view;
  GtkTextView    *motion_prompt_view;
  GtkTextView    *editor_note_view;
  GtkBox         *takes_box;
  GtkLabel       *takes_empty;
  AdwExpanderRow *details_row;
  GtkWidget      *cast_editor;     /* the scene's bible entries (heyai-cast-editor.c) */

  /* Owned references */
  HeyaiScene     *scene;
  GCancellable   *cancellable;
  GPtrArray      *detail_rows;
  guint           save_id;
  gboolean        dirty;
  gboolean        loading;
};

G_DEFINE_FINAL_TYPE (HeyaiScenePane, heyai_scene_pane, GTK_TYPE_WIDGET)

static HeyaiStore *
get_store (void)
{
  return heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
}

static char *
view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_view_text (GtkTextView *view,
               const char  *text)
{
  g_autofree char *old = view_text (view);

  if (g_strcmp0 (old, text ? text : "") != 0)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text ? text : "", -1);
}

/* Saving ----------------------------------------------------------------- */

void
heyai_scene_pane_flush (HeyaiScenePane *self)
{
  g_autofree char *description = NULL;
  g_autofree char *image_prompt = NULL;
  g_autofree char *motion_prompt = NULL;
  g_autofree char *editor_note = NULL;
  g_autoptr(GError) error = NULL;
  guint camera, duration;

  g_return_if_fail (HEYAI_IS_SCENE_PANE (self));

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (!self->dirty || self->scene == NULL)
    return;
  self->dirty = FALSE;

  description = view_text (self->description_view);
  image_prompt = view_text (self->image_prompt_view);
  motion_prompt = view_text (self->motion_prompt_view);
  editor_note = view_text (self->editor_note_view);
  camera = adw_combo_row_get_selected (self->camera_row);
  duration = adw_combo_row_get_selected (self->duration_row);

  self->loading = TRUE;
  heyai_scene_set_title (self->scene, gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  heyai_scene_set_description (self->scene, description);
  heyai_scene_set_image_prompt (self->scene, image_prompt);
  heyai_scene_set_motion_prompt (self->scene, motion_prompt);
  heyai_scene_set_editor_note (self->scene, editor_note != NULL && *editor_note != '\0' ? editor_note : NULL);
  if (camera != GTK_INVALID_LIST_POSITION)
    heyai_scene_set_camera_move (self->scene, (HeyaiCameraMove) camera);
  heyai_scene_set_duration (self->scene, duration == 1 ? 10 : 5);
  self->loading = FALSE;

  if (get_store () != NULL && !heyai_store_update_scene (get_store (), self->scene, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Scene %d could not be saved: %s"),
                                              heyai_scene_get_position (self->scene), error->message);
      heyai_ui_toast (GTK_WIDGET (self), msg);
    }
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  HeyaiScenePane *self = user_data;

  self->save_id = 0;
  heyai_scene_pane_flush (self);
  return G_SOURCE_REMOVE;
}

static void
field_changed_cb (HeyaiScenePane *self)
{
  if (self->loading || self->scene == NULL)
    return;
  self->dirty = TRUE;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

/* Loading ---------------------------------------------------------------- */

static void
load_fields (HeyaiScenePane *self)
{
  g_autofree char *title = NULL;

  self->loading = TRUE;
  title = g_strdup_printf (_("Scene %d"), heyai_scene_get_position (self->scene));
  adw_preferences_group_set_title (self->fields_group, title);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->title_row)), heyai_scene_get_title (self->scene)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->title_row), heyai_scene_get_title (self->scene) ?: "");
  set_view_text (self->description_view, heyai_scene_get_description (self->scene));
  set_view_text (self->image_prompt_view, heyai_scene_get_image_prompt (self->scene));
  set_view_text (self->motion_prompt_view, heyai_scene_get_motion_prompt (self->scene));
  set_view_text (self->editor_note_view, heyai_scene_get_editor_note (self->scene));
  adw_combo_row_set_selected (self->camera_row, (guint) heyai_scene_get_camera_move (self->scene));
  adw_combo_row_set_selected (self->duration_row, heyai_scene_get_duration (self->scene) >= 10 ? 1 : 0);
  self->loading = FALSE;
}

static void
still_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HeyaiScenePane) self = user_data;
  g_autoptr(GdkTexture) texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, NULL);

  if (texture != NULL)
    gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
}

static void
take_picture_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GdkTexture) texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, NULL);

  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

static void
take_clicked_cb (GtkButton *button,
                 HeyaiScenePane *self)
{
  HeyaiAsset *asset = g_object_get_data (G_OBJECT (button), "asset");
  g_autoptr(GError) error = NULL;

  if (self->scene == NULL || asset == NULL)
    return;
  heyai_scene_pane_flush (self);
  /* The pipeline selects it: what is current and outdated follows. */
  if (!heyai_pipeline_select_take (get_store (), self->scene, heyai_asset_get_kind (asset),
                                   heyai_asset_get_take (asset), &error))
    heyai_ui_toast (GTK_WIDGET (self), error->message);
  heyai_scene_pane_refresh (self);
}

/* Replace With File…: the producer's own still or clip becomes a new take
 * (the same import as `heyai import`). */
static void
replace_response_cb (HeyaiScenePane       *self,
                     int                   response,
                     GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT && self->scene != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      heyai_scene_pane_flush (self);
      heyai_application_import_take (HEYAI_APPLICATION_DEFAULT, self->scene, file, GTK_WIDGET (self));
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
  g_object_unref (self);
}

static void
replace_clicked_cb (HeyaiScenePane *self)
{
  g_autoptr(GtkFileFilter) filter = heyai_application_take_filter ();
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;

  if (self->scene == NULL)
    return;
  native = gtk_file_chooser_native_new (_("Replace With File"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add Take"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_swapped (native, "response", G_CALLBACK (replace_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
add_detail (HeyaiScenePane *self,
            const char     *title,
            const char     *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  adw_expander_row_add_row (self->details_row, row);
  g_ptr_array_add (self->detail_rows, row);
}

static void
add_asset_details (HeyaiScenePane *self,
                   HeyaiAsset     *asset)
{
  g_autofree char *seed = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *heading = NULL;
  gboolean clip = heyai_asset_get_kind (asset) == HEYAI_ASSET_KIND_CLIP;

  if (heyai_asset_get_seed (asset) >= 0)
    seed = g_strdup_printf ("%" G_GINT64_FORMAT, heyai_asset_get_seed (asset));
  cost = heyai_ui_format_cost (heyai_asset_get_cost (asset));
  heading = g_strdup_printf (clip ? _("Clip take %d") : _("Still take %d"), heyai_asset_get_take (asset));

  add_detail (self, heading, heyai_asset_get_local_path (asset));
  add_detail (self, _("Provider"), heyai_asset_get_provider (asset));
  add_detail (self, _("Model"), heyai_asset_get_model (asset));
  add_detail (self, _("Seed"), seed);
  add_detail (self, _("Request ID"), heyai_asset_get_request_id (asset));
  add_detail (self, _("Cost"), cost);
}

/* A take button's tooltip, from the asset's own data: "Still take 2 · made
 * 14:05 with Higgsfield", "Clip take 1 · imported 5/12/26 09:12", with
 * "in use" for the selected take. */
char *
heyai_scene_pane_take_tooltip (HeyaiAsset *asset,
                               gboolean    in_use)
{
  gboolean clip = heyai_asset_get_kind (asset) == HEYAI_ASSET_KIND_CLIP;
  const char *provider = heyai_asset_get_provider (asset);
  gint64 created = heyai_asset_get_created_at (asset);
  g_autofree char *head = g_strdup_printf (clip ? _("Clip take %d") : _("Still take %d"),
                                           heyai_asset_get_take (asset));
  g_autofree char *when = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *text = NULL;

  if (created > 0)
    {
      g_autoptr(GDateTime) made = g_date_time_new_from_unix_local (created / G_USEC_PER_SEC);
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      if (made != NULL)
        when = g_date_time_get_year (made) == g_date_time_get_year (now) &&
               g_date_time_get_day_of_year (made) == g_date_time_get_day_of_year (now)
               ? g_date_time_format (made, "%H:%M")
               : g_date_time_format (made, "%x %H:%M");
    }

  if (g_strcmp0 (provider, "imported") == 0)
    /* Translators: a take the producer brought; %s is when ("14:05") */
    origin = when != NULL ? g_strdup_printf (_("imported %s"), when) : g_strdup (_("imported"));
  else if (provider != NULL && *provider != '\0')
    {
      const char *service = heyai_provider_display_name (clip ? HEYAI_ROLE_ANIMATOR : HEYAI_ROLE_IMAGER, provider);

      origin = when != NULL
               /* Translators: how a take was made: "made 14:05 with Higgsfield" */
               ? g_strdup_printf (_("made %s with %s"), when, service)
               /* Translators: how a take was made: "made with Higgsfield" */
               : g_strdup_printf (_("made with %s"), service);
    }
  else if (when != NULL)
    /* Translators: when a take was made: "made 14:05" */
    origin = g_strdup_printf (_("made %s"), when);

  text = origin != NULL ? g_strdup_printf (_("%s · %s"), head, origin) : g_strdup (head);
  if (in_use)
    {
      /* Translators: appended to a take's tooltip when the scene uses this take */
      char *with = g_strdup_printf (_("%s · %s"), text, _("in use"));

      g_free (text);
      text = with;
    }
  return g_steal_pointer (&text);
}

void
heyai_scene_pane_refresh (HeyaiScenePane *self)
{
  g_autoptr(GPtrArray) stills = NULL;
  g_autoptr(GPtrArray) clips = NULL;
  GtkWidget *child;
  HeyaiAsset *current_still = NULL;
  HeyaiAsset *current_clip = NULL;
  HeyaiThumbnailer *thumbnailer;
  HeyaiSceneStatus status;
  gboolean any = FALSE;

  g_return_if_fail (HEYAI_IS_SCENE_PANE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->takes_box))) != NULL)
    gtk_box_remove (self->takes_box, child);
  for (guint i = 0; i < self->detail_rows->len; i++)
    adw_expander_row_remove (self->details_row, g_ptr_array_index (self->detail_rows, i));
  g_ptr_array_set_size (self->detail_rows, 0);
  heyai_cast_editor_set_scene (HEYAI_CAST_EDITOR (self->cast_editor), self->scene);

  if (self->scene == NULL || get_store () == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  thumbnailer = heyai_application_get_thumbnailer (HEYAI_APPLICATION_DEFAULT);

  stills = heyai_store_list_assets (get_store (), heyai_scene_get_id (self->scene), HEYAI_ASSET_KIND_IMAGE, NULL);
  clips = heyai_store_list_assets (get_store (), heyai_scene_get_id (self->scene), HEYAI_ASSET_KIND_CLIP, NULL);

  const char *current_still_path = NULL;

  for (guint i = 0; stills != NULL && i < stills->len; i++)
    if (heyai_asset_get_take (g_ptr_array_index (stills, i)) == heyai_scene_get_image_take (self->scene))
      current_still_path = heyai_asset_get_local_path (g_ptr_array_index (stills, i));

  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *list = pass == 0 ? stills : clips;
      int selected = pass == 0 ? heyai_scene_get_image_take (self->scene) : heyai_scene_get_clip_take (self->scene);

      for (guint i = 0; list != NULL && i < list->len; i++)
        {
          HeyaiAsset *asset = g_ptr_array_index (list, i);
          GtkWidget *button = gtk_button_new ();
          GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
          GtkWidget *label;
          g_autofree char *text = NULL;
          const char *path = heyai_asset_get_local_path (asset);

          if (pass == 0)
            {
              GtkWidget *picture = gtk_picture_new ();

              gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
              gtk_widget_set_size_request (picture, 96, 54);
              gtk_box_append (GTK_BOX (box), picture);
              if (path != NULL)
                heyai_thumbnailer_load_async (thumbnailer, path, 192, 108, self->cancellable,
                                              take_picture_cb, g_object_ref (picture));
              /* Translators: a take of a still, "Still 2" */
              text = g_strdup_printf (_("Still %d"), heyai_asset_get_take (asset));
            }
          else
            {
              /* The clip's own frame is not decodable here: the still it
               * moves, with a play mark, says "clip of this picture". */
              GtkWidget *overlay = gtk_overlay_new ();
              GtkWidget *picture = gtk_picture_new ();
              GtkWidget *icon = gtk_image_new_from_icon_name ("media-playback-start-symbolic");

              gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
              gtk_widget_set_size_request (picture, 96, 54);
              gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);
              gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
              gtk_widget_set_halign (icon, GTK_ALIGN_CENTER);
              gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
              gtk_widget_add_css_class (icon, "osd");
              gtk_widget_add_css_class (icon, "take-play");
              gtk_overlay_add_overlay (GTK_OVERLAY (overlay), icon);
              gtk_box_append (GTK_BOX (box), overlay);
              if (current_still_path != NULL)
                heyai_thumbnailer_load_async (thumbnailer, current_still_path, 192, 108, self->cancellable,
                                              take_picture_cb, g_object_ref (picture));
              /* Translators: a take of a clip, "Clip 2" */
              text = g_strdup_printf (_("Clip %d"), heyai_asset_get_take (asset));
            }
          label = gtk_label_new (text);
          gtk_widget_add_css_class (label, "caption");
          gtk_box_append (GTK_BOX (box), label);
          gtk_button_set_child (GTK_BUTTON (button), box);
          gtk_widget_add_css_class (button, "take");
          gtk_widget_add_css_class (button, "flat");
          if (heyai_asset_get_take (asset) == selected)
            {
              gtk_widget_add_css_class (button, "selected-take");
              if (pass == 0)
                current_still = asset;
              else
                current_clip = asset;
            }
          {
            g_autofree char *tip = heyai_scene_pane_take_tooltip (asset, heyai_asset_get_take (asset) == selected);

            gtk_widget_set_tooltip_text (button, tip);
          }
          {
            gboolean in_use = heyai_asset_get_take (asset) == selected;
            g_autofree char *name = NULL;

            if (pass == 0)
              name = in_use ? g_strdup_printf (_("Still take %d, in use"), heyai_asset_get_take (asset))
                            : g_strdup_printf (_("Still take %d"), heyai_asset_get_take (asset));
            else
              name = in_use ? g_strdup_printf (_("Clip take %d, in use"), heyai_asset_get_take (asset))
                            : g_strdup_printf (_("Clip take %d"), heyai_asset_get_take (asset));
            gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          }
          g_object_set_data_full (G_OBJECT (button), "asset", g_object_ref (asset), g_object_unref);
          g_signal_connect (button, "clicked", G_CALLBACK (take_clicked_cb), self);
          gtk_box_append (self->takes_box, button);
          any = TRUE;
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->takes_empty), !any);

  /* Media: the selected clip, else the selected still. */
  if (current_clip != NULL && heyai_asset_get_local_path (current_clip) != NULL &&
      g_file_test (heyai_asset_get_local_path (current_clip), G_FILE_TEST_EXISTS))
    {
      GtkMediaStream *old = gtk_video_get_media_stream (self->video);
      const char *path = heyai_asset_get_local_path (current_clip);
      GFile *old_file = old && GTK_IS_MEDIA_FILE (old) ? gtk_media_file_get_file (GTK_MEDIA_FILE (old)) : NULL;
      g_autofree char *old_path = old_file ? g_file_get_path (old_file) : NULL;

      if (g_strcmp0 (old_path, path) != 0)
        gtk_video_set_filename (self->video, path);
      gtk_stack_set_visible_child_name (self->media_stack, "clip");
    }
  else if (current_still != NULL && heyai_asset_get_local_path (current_still) != NULL)
    {
      gtk_video_set_file (self->video, NULL);
      gtk_picture_set_paintable (self->picture, NULL);
      heyai_thumbnailer_load_async (thumbnailer, heyai_asset_get_local_path (current_still), 688, 400,
                                    self->cancellable, still_loaded_cb, g_object_ref (self));
      gtk_stack_set_visible_child_name (self->media_stack, "still");
    }
  else
    {
      gtk_video_set_file (self->video, NULL);
      gtk_stack_set_visible_child_name (self->media_stack, "empty");
    }

  if (current_still != NULL)
    add_asset_details (self, current_still);
  if (current_clip != NULL)
    add_asset_details (self, current_clip);
  gtk_widget_set_sensitive (GTK_WIDGET (self->details_row), current_still != NULL || current_clip != NULL);

  status = heyai_scene_get_status (self->scene);
  {
    const char *why = heyai_scene_get_last_error (self->scene);
    /* Work that waits on its service ("Waiting for Higgsfield …") says so,
     * in the same place a failure would, without a Try Again button. */
    gboolean waiting = (status == HEYAI_SCENE_STATUS_RENDERING || status == HEYAI_SCENE_STATUS_ANIMATING) &&
                       why != NULL && *why != '\0';

    gboolean wants_clip = FALSE;

    /* Try Again retries the step that failed (storyboard.retry). */
    gtk_button_set_label (self->try_again_button, _("_Try Again"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->try_again_button), "storyboard.retry");
    gtk_widget_set_visible (self->failure_box, status == HEYAI_SCENE_STATUS_FAILED || waiting);
    gtk_widget_set_visible (GTK_WIDGET (self->try_again_button), !waiting);
    if (status == HEYAI_SCENE_STATUS_FAILED)
      gtk_label_set_label (self->failure_label,
                           why && *why ? why : _("This scene failed for an unknown reason. Try again."));
    else if (waiting)
      gtk_label_set_label (self->failure_label, why);
    else if (heyai_scene_get_approval (self->scene) == HEYAI_APPROVAL_APPROVED &&
             heyai_scene_get_image_take (self->scene) > 0 &&
             status != HEYAI_SCENE_STATUS_RENDERING && status != HEYAI_SCENE_STATUS_ANIMATING)
      {
        HeyaiSceneLineage lineage;
        g_autofree char *text = NULL;

        /* An approved still without a current clip: say which still the
         * outdated clip came from, and offer to animate this scene. */
        heyai_lineage_of_scene (get_store (), NULL, self->scene, &lineage);
        if (lineage.clip_take > 0 && lineage.clip_stale && lineage.clip_source_image_take > 0 &&
            lineage.clip_source_image_take != lineage.image_take)
          text = g_strdup_printf (_("Clip outdated: made from still take %d, the selected still is take %d"),
                                  lineage.clip_source_image_take, lineage.image_take);
        else if (lineage.clip_take > 0 && lineage.clip_stale)
          text = g_strdup (_("Clip outdated: the scene changed since it was made"));
        else if (lineage.clip_take <= 0)
          text = g_strdup (_("No clip yet."));
        if (text != NULL && !lineage.image_stale)
          {
            wants_clip = TRUE;
            gtk_label_set_label (self->failure_label, text);
            gtk_button_set_label (self->try_again_button, _("_Animate This Scene"));
            gtk_actionable_set_action_name (GTK_ACTIONABLE (self->try_again_button), "storyboard.animate");
          }
      }
    if (wants_clip)
      gtk_widget_set_visible (self->failure_box, TRUE);
  }
}

static void
scene_notify_cb (HeyaiScenePane *self,
                 GParamSpec     *pspec,
                 HeyaiScene     *scene)
{
  const char *name = pspec->name;

  if (self->loading)
    return;
  if (g_str_equal (name, "status") || g_str_equal (name, "image-take") ||
      g_str_equal (name, "clip-take") || g_str_equal (name, "last-error"))
    heyai_scene_pane_refresh (self);
  else if (!self->dirty && !g_str_equal (name, "progress") && !g_str_equal (name, "updated-at"))
    load_fields (self);
}

/* GObject ---------------------------------------------------------------- */

static void
heyai_scene_pane_dispose (GObject *object)
{
  HeyaiScenePane *self = HEYAI_SCENE_PANE (object);

  heyai_scene_pane_set_scene (self, NULL);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->save_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_SCENE_PANE);
  g_clear_pointer (&self->detail_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (heyai_scene_pane_parent_class)->dispose (object);
}

static void
heyai_scene_pane_class_init (HeyaiScenePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_scene_pane_dispose;

  g_type_ensure (HEYAI_TYPE_MEDIA_FRAME);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-scene-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, scroller);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, media_stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, picture);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, video);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, failure_box);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, failure_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, try_again_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, fields_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, title_row);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, camera_row);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, duration_row);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, description_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, image_prompt_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, motion_prompt_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, editor_note_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, takes_box);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, takes_empty);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScenePane, details_row);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, replace_clicked_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* The prompt boxes scroll themselves only while they are being edited:
 * otherwise the wheel scrolls the pane (it used to stop dead over a box). */
static gboolean
box_scroll_cb (GtkEventControllerScroll *controller,
               double                    dx,
               double                    dy,
               HeyaiScenePane           *self)
{
  GtkWidget *box = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *view = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (box));
  GtkAdjustment *outer = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller));
  double step;

  if (view != NULL && gtk_widget_has_focus (view))
    return FALSE;
  step = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL
         ? MAX (gtk_adjustment_get_page_size (outer) / 6.0, 24.0) : 1.0;
  gtk_adjustment_set_value (outer, gtk_adjustment_get_value (outer) + dy * step);
  return TRUE;
}

static void
pass_wheel_to_pane (HeyaiScenePane *self,
                    GtkTextView    *view)
{
  GtkWidget *box = gtk_widget_get_parent (GTK_WIDGET (view));
  GtkEventController *scroll;

  if (!GTK_IS_SCROLLED_WINDOW (box))
    return;
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (box_scroll_cb), self);
  gtk_widget_add_controller (box, scroll);
}

static void
heyai_scene_pane_init (HeyaiScenePane *self)
{
  g_autoptr(GtkStringList) moves = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) durations = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cast_editor = heyai_cast_editor_new ();
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->fields_group))), self->cast_editor,
                              GTK_WIDGET (self->fields_group));

  self->detail_rows = g_ptr_array_new ();
  for (int m = HEYAI_CAMERA_STATIC; m <= HEYAI_CAMERA_TILT_DOWN; m++)
    gtk_string_list_append (moves, heyai_camera_move_label ((HeyaiCameraMove) m));
  adw_combo_row_set_model (self->camera_row, G_LIST_MODEL (moves));
  gtk_string_list_append (durations, _("5 seconds"));
  gtk_string_list_append (durations, _("10 seconds"));
  adw_combo_row_set_model (self->duration_row, G_LIST_MODEL (durations));
  pass_wheel_to_pane (self, self->description_view);
  pass_wheel_to_pane (self, self->image_prompt_view);
  pass_wheel_to_pane (self, self->motion_prompt_view);

  g_signal_connect_object (gtk_text_view_get_buffer (self->description_view), "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->image_prompt_view), "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->motion_prompt_view), "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->editor_note_view), "changed",
                           G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->camera_row, "notify::selected", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->duration_row, "notify::selected", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
}

void
heyai_scene_pane_set_scene (HeyaiScenePane *self,
                            HeyaiScene     *scene)
{
  g_return_if_fail (HEYAI_IS_SCENE_PANE (self));

  if (self->scene == scene)
    return;
  if (self->scene != NULL)
    {
      heyai_scene_pane_flush (self);
      g_signal_handlers_disconnect_by_data (self->scene, self);
    }
  g_set_object (&self->scene, scene);
  self->dirty = FALSE;
  /* Another scene starts at its top, not where the last one was left. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0.0);

  if (scene != NULL)
    {
      g_autoptr(GVariant) target = g_variant_ref_sink (g_variant_new_string (heyai_scene_get_id (scene)));

      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->try_again_button), target);
      g_signal_connect_object (scene, "notify", G_CALLBACK (scene_notify_cb), self, G_CONNECT_SWAPPED);
      load_fields (self);
    }
  else if (self->video != NULL)
    gtk_video_set_file (self->video, NULL);
  heyai_scene_pane_refresh (self);
}

HeyaiScene *
heyai_scene_pane_get_scene (HeyaiScenePane *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE_PANE (self), NULL);
  return self->scene;
}
