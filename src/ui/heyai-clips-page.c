/* heyai-clips-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-clips-page.h"
#include "heyai-player.h"
#include "heyai-ui-util.h"

typedef struct
{
  HeyaiScene *scene;
  char       *clip_path;    /* selected clip take, or NULL */
  char       *still_path;   /* selected still take, or NULL */
  GtkWidget  *button;       /* in the filmstrip */
  char       *stale_note;   /* "Clip outdated: ..." (lineage), or NULL */
} ClipItem;

struct _HeyaiClipsPage
{
  GtkWidget     parent_instance;

  /* Template widgets */
  GtkStack     *stack;
  HeyaiPlayer  *player;
  GtkLabel     *now_label;
  GtkBox       *filmstrip;
  GtkButton    *animatic_button;
  AdwButtonContent *animatic_content;

  /* Owned references */
  HeyaiProject *project;
  GPtrArray    *items;        /* ClipItem */
  GCancellable *cancellable;
  int           current;      /* index in items, -1 when none */
  gboolean      animatic;
};

G_DEFINE_FINAL_TYPE (HeyaiClipsPage, heyai_clips_page, GTK_TYPE_WIDGET)

static void
clip_item_free (ClipItem *item)
{
  g_clear_object (&item->scene);
  g_free (item->clip_path);
  g_free (item->still_path);
  g_free (item->stale_note);
  g_free (item);
}

static void
set_current (HeyaiClipsPage *self,
             int             index)
{
  ClipItem *item;
  g_autofree char *text = NULL;

  for (guint i = 0; i < self->items->len; i++)
    {
      ClipItem *other = g_ptr_array_index (self->items, i);
      if ((int) i == index)
        gtk_widget_add_css_class (other->button, "current");
      else
        gtk_widget_remove_css_class (other->button, "current");
    }
  self->current = index;
  if (index < 0 || (guint) index >= self->items->len)
    {
      gtk_label_set_label (self->now_label, "");
      return;
    }

  item = g_ptr_array_index (self->items, index);
  /* Translators: "Scene 3 · The lighthouse" */
  text = g_strdup_printf (_("Scene %d · %s"), heyai_scene_get_position (item->scene), heyai_scene_get_title (item->scene));
  gtk_label_set_label (self->now_label, text);
}

static void
still_for_player_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HeyaiClipsPage) self = user_data;
  g_autoptr(GdkTexture) texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, NULL);
  ClipItem *item;

  if (self->current < 0 || (guint) self->current >= self->items->len)
    return;
  item = g_ptr_array_index (self->items, self->current);
  heyai_player_show_still (self->player, texture ? GDK_PAINTABLE (texture) : NULL, heyai_scene_get_duration (item->scene));
  if (self->animatic)
    heyai_player_play (self->player);
}

static void
play_index (HeyaiClipsPage *self,
            int             index,
            gboolean        autoplay)
{
  ClipItem *item;

  if (index < 0 || (guint) index >= self->items->len)
    return;
  set_current (self, index);
  item = g_ptr_array_index (self->items, index);

  if (item->clip_path != NULL)
    {
      heyai_player_set_file (self->player, item->clip_path);
      if (autoplay)
        heyai_player_play (self->player);
    }
  else if (item->still_path != NULL)
    {
      heyai_player_clear (self->player);
      heyai_thumbnailer_load_async (heyai_application_get_thumbnailer (HEYAI_APPLICATION_DEFAULT),
                                    item->still_path, 1280, 1280, self->cancellable,
                                    still_for_player_cb, g_object_ref (self));
    }
}

/* While the animatic plays its button stops it. */
static void
set_animatic (HeyaiClipsPage *self,
              gboolean        animatic)
{
  self->animatic = animatic;
  if (self->animatic_content == NULL)
    return;
  adw_button_content_set_label (self->animatic_content, animatic ? _("_Stop Animatic") : _("Play _Animatic"));
  adw_button_content_set_icon_name (self->animatic_content, animatic ? "media-playback-stop-symbolic"
                                                                     : "media-playlist-consecutive-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->animatic_button),
                               animatic ? _("Stop the animatic") : _("Play every approved scene in order"));
}

static void
player_ended_cb (HeyaiClipsPage *self)
{
  if (!self->animatic)
    return;
  if (self->current + 1 < (int) self->items->len)
    play_index (self, self->current + 1, TRUE);
  else
    {
      set_animatic (self, FALSE);
      heyai_player_set_loop (self->player, FALSE);
    }
}

static void
film_clicked_cb (GtkButton      *button,
                 HeyaiClipsPage *self)
{
  set_animatic (self, FALSE);
  play_index (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "index")), TRUE);
}

static void
film_thumb_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GtkPicture) picture = user_data;
  g_autoptr(GdkTexture) texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, NULL);

  if (texture != NULL)
    gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

void
heyai_clips_page_reload (HeyaiClipsPage *self)
{
  HeyaiStore *store = heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) assets = NULL;
  g_autoptr(GHashTable) paths = NULL;
  GtkWidget *child;

  g_return_if_fail (HEYAI_IS_CLIPS_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->filmstrip))) != NULL)
    gtk_box_remove (self->filmstrip, child);
  g_ptr_array_set_size (self->items, 0);
  self->current = -1;
  set_animatic (self, FALSE);

  if (self->project == NULL || store == NULL)
    {
      heyai_player_clear (self->player);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  assets = heyai_store_list_project_assets (store, heyai_project_get_id (self->project), NULL);
  for (guint i = 0; assets != NULL && i < assets->len; i++)
    {
      HeyaiAsset *asset = g_ptr_array_index (assets, i);
      if (heyai_asset_get_scene_id (asset) != NULL && heyai_asset_get_local_path (asset) != NULL)
        g_hash_table_insert (paths,
                             g_strdup_printf ("%s:%d:%d", heyai_asset_get_scene_id (asset),
                                              heyai_asset_get_kind (asset), heyai_asset_get_take (asset)),
                             g_strdup (heyai_asset_get_local_path (asset)));
    }

  /* The filmstrip: every approved scene (or any scene with a clip), in order. */
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (self->project), NULL);
  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      g_autofree char *clip_key = g_strdup_printf ("%s:%d:%d", heyai_scene_get_id (scene), HEYAI_ASSET_KIND_CLIP,
                                                   heyai_scene_get_clip_take (scene));
      g_autofree char *still_key = g_strdup_printf ("%s:%d:%d", heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE,
                                                    heyai_scene_get_image_take (scene));
      const char *clip = heyai_scene_get_clip_take (scene) > 0 ? g_hash_table_lookup (paths, clip_key) : NULL;
      const char *still = heyai_scene_get_image_take (scene) > 0 ? g_hash_table_lookup (paths, still_key) : NULL;
      ClipItem *item;
      GtkWidget *button, *box, *picture, *label;
      g_autofree char *number = NULL;

      if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_REJECTED)
        continue;
      if (clip == NULL && (heyai_scene_get_approval (scene) != HEYAI_APPROVAL_APPROVED || still == NULL))
        continue;

      item = g_new0 (ClipItem, 1);
      item->scene = g_object_ref (scene);
      item->clip_path = g_strdup (clip);
      item->still_path = g_strdup (still);

      button = gtk_button_new ();
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      picture = gtk_picture_new ();
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
      gtk_widget_set_size_request (picture, 128, 72);
      gtk_widget_set_overflow (picture, GTK_OVERFLOW_HIDDEN);
      if (still != NULL)
        heyai_thumbnailer_load_async (heyai_application_get_thumbnailer (HEYAI_APPLICATION_DEFAULT), still,
                                      256, 144, self->cancellable, film_thumb_cb, g_object_ref (picture));
      {
        HeyaiSceneLineage lineage;

        heyai_lineage_of_scene (store, self->project, scene, &lineage);
        if (clip != NULL && lineage.clip_stale)
          {
            /* Translators: a filmstrip entry whose clip was made from another still or other directions */
            number = g_strdup_printf (_("%d · clip outdated"), heyai_scene_get_position (scene));
            item->stale_note = lineage.clip_source_image_take > 0 && lineage.clip_source_image_take != lineage.image_take
                               ? g_strdup_printf (_("Clip outdated: made from still take %d, the selected still is take %d"),
                                                  lineage.clip_source_image_take, lineage.image_take)
                               : g_strdup (_("Clip outdated: the scene changed since it was made"));
          }
        else
          number = clip ? g_strdup_printf ("%d", heyai_scene_get_position (scene))
                        /* Translators: a filmstrip entry that has no clip yet, shown as its still */
                        : g_strdup_printf (_("%d · still"), heyai_scene_get_position (scene));
      }
      label = gtk_label_new (number);
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_add_css_class (label, "numeric");
      gtk_box_append (GTK_BOX (box), picture);
      gtk_box_append (GTK_BOX (box), label);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "film-frame");
      gtk_widget_add_css_class (button, "flat");
      if (item->stale_note != NULL)
        {
          g_autofree char *tip = g_strdup_printf ("%s\n%s", heyai_scene_get_title (scene), item->stale_note);
          gtk_widget_set_tooltip_text (button, tip);
          gtk_widget_add_css_class (label, "warning");
        }
      else
        gtk_widget_set_tooltip_text (button, heyai_scene_get_title (scene));
      {
        g_autofree char *name = clip
          /* Translators: a filmstrip item's accessible name: "Scene 3: Harbour at dawn, clip" */
          ? g_strdup_printf (_("Scene %d: %s, clip"), heyai_scene_get_position (scene),
                             heyai_scene_get_title (scene) ? heyai_scene_get_title (scene) : "")
          /* Translators: a filmstrip item that has no clip yet */
          : g_strdup_printf (_("Scene %d: %s, still only (no clip yet)"), heyai_scene_get_position (scene),
                             heyai_scene_get_title (scene) ? heyai_scene_get_title (scene) : "");

        gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      }
      g_object_set_data (G_OBJECT (button), "index", GINT_TO_POINTER (self->items->len));
      g_signal_connect (button, "clicked", G_CALLBACK (film_clicked_cb), self);
      gtk_box_append (self->filmstrip, button);
      item->button = button;
      g_ptr_array_add (self->items, item);
    }

  gtk_stack_set_visible_child_name (self->stack, self->items->len > 0 ? "player" : "empty");
  gtk_widget_set_sensitive (GTK_WIDGET (self->animatic_button), self->items->len > 0);
  if (self->items->len > 0)
    play_index (self, 0, FALSE);
  else
    heyai_player_clear (self->player);
}

void
heyai_clips_page_play_animatic (HeyaiClipsPage *self)
{
  g_return_if_fail (HEYAI_IS_CLIPS_PAGE (self));

  if (self->items->len == 0)
    return;
  set_animatic (self, TRUE);
  heyai_player_set_loop (self->player, FALSE);
  play_index (self, 0, TRUE);
}

static void
animatic_clicked_cb (HeyaiClipsPage *self)
{
  if (self->animatic)
    {
      set_animatic (self, FALSE);
      heyai_player_pause (self->player);
      return;
    }
  heyai_clips_page_play_animatic (self);
}

gboolean
heyai_clips_page_get_animatic_playing (HeyaiClipsPage *self)
{
  g_return_val_if_fail (HEYAI_IS_CLIPS_PAGE (self), FALSE);
  return self->animatic;
}

static void
map_cb (HeyaiClipsPage *self)
{
  heyai_clips_page_reload (self);
  /* The view switcher keeps focus after a click: move it to the transport so
   * Space, Left and Right drive the player. */
  if (self->items->len > 0)
    heyai_player_focus (self->player);
}

static void
unmap_cb (HeyaiClipsPage *self)
{
  heyai_player_pause (self->player);
}

static void
toggle_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  heyai_player_toggle (HEYAI_CLIPS_PAGE (widget)->player);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  heyai_player_step (HEYAI_CLIPS_PAGE (widget)->player, g_variant_get_int32 (param));
}

static void
heyai_clips_page_dispose (GObject *object)
{
  HeyaiClipsPage *self = HEYAI_CLIPS_PAGE (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_CLIPS_PAGE);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (heyai_clips_page_parent_class)->dispose (object);
}

static void
heyai_clips_page_class_init (HeyaiClipsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_clips_page_dispose;

  g_type_ensure (HEYAI_TYPE_PLAYER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-clips-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiClipsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiClipsPage, player);
  gtk_widget_class_bind_template_child (widget_class, HeyaiClipsPage, now_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiClipsPage, filmstrip);
  gtk_widget_class_bind_template_child (widget_class, HeyaiClipsPage, animatic_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiClipsPage, animatic_content);
  gtk_widget_class_bind_template_callback (widget_class, animatic_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, map_cb);
  gtk_widget_class_bind_template_callback (widget_class, unmap_cb);

  gtk_widget_class_install_action (widget_class, "clips.toggle-play", NULL, toggle_action);
  gtk_widget_class_install_action (widget_class, "clips.step", "i", step_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "clips.toggle-play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "clips.step", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "clips.step", "i", 1);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
heyai_clips_page_init (HeyaiClipsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_item_free);
  self->cancellable = g_cancellable_new ();
  self->current = -1;
  g_signal_connect_object (self->player, "ended", G_CALLBACK (player_ended_cb), self, G_CONNECT_SWAPPED);
}

void
heyai_clips_page_set_project (HeyaiClipsPage *self,
                              HeyaiProject   *project)
{
  g_return_if_fail (HEYAI_IS_CLIPS_PAGE (self));

  if (g_set_object (&self->project, project) && gtk_widget_get_mapped (GTK_WIDGET (self)))
    heyai_clips_page_reload (self);
  else if (project == NULL)
    heyai_player_clear (self->player);
}

HeyaiProject *
heyai_clips_page_get_project (HeyaiClipsPage *self)
{
  return self->project;
}

void
heyai_clips_page_flush (HeyaiClipsPage *self)
{
}

HeyaiPlayer *
heyai_clips_page_get_player (HeyaiClipsPage *self)
{
  return self->player;
}
