/* heyai-storyboard-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-media-frame.h"
#include "heyai-project-view.h"
#include "heyai-scene-card.h"
#include "heyai-scene-pane.h"
#include "heyai-storyboard-page.h"
#include "heyai-sync-controller.h"
#include "heyai-ui-util.h"

struct _HeyaiStoryboardPage
{
  GtkWidget          parent_instance;

  /* Template widgets */
  AdwFlap           *flap;
  GtkStack          *content_stack;
  GtkGridView       *grid;
  GtkRevealer       *review_revealer;
  GtkLabel          *review_label;
  GtkActionBar      *selection_bar;
  GtkLabel          *selection_label;
  HeyaiScenePane    *pane;

  /* Owned references */
  HeyaiProject      *project;
  HeyaiStore        *store;
  GListStore        *scenes;
  GtkSliceListModel *slice;         /* what the grid shows of `scenes`: grows after the first frame */
  GtkMultiSelection *selection;
  guint              grow_id;       /* tick callback growing `slice` */
  gboolean           grow_waited;   /* it let the first frame go by */
  gboolean           head_only;     /* `scenes` holds the first screenful; the rest loads after the first frame */
  guint              rest_id;       /* timeout: the rest, for a page not shown (no frames) */
  GHashTable        *still_paths;   /* "scene-id:take" -> local path */
  GPtrArray         *cards;         /* live HeyaiSceneCard widgets (borrowed) */
  guint              reload_id;
  guint              reveal_id;     /* tick callback: reveal_wanted once the flap has a width */
  gboolean           reveal_wanted;
};

G_DEFINE_FINAL_TYPE (HeyaiStoryboardPage, heyai_storyboard_page, GTK_TYPE_WIDGET)

static HeyaiApplication *
get_app (void)
{
  return HEYAI_APPLICATION_DEFAULT;
}

/* The scene pane --------------------------------------------------------- */

/* libadwaita 1.2's AdwFlap divides a reveal's velocity by the flap's last
 * allocated width: 0 / 0 before its first allocation, so when the spring's
 * first frame comes at t = 0 its progress is NaN and GTK is asked to
 * allocate the storyboard at INT_MIN px (a project view first laid out after
 * start-up met it).  Unmapped, a reveal jumps to its end with no spring;
 * mapped but never laid out, it waits for the first layout, and the pane,
 * new then, has nothing to slide from. */
static gboolean
reveal_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  HeyaiStoryboardPage *self = HEYAI_STORYBOARD_PAGE (widget);

  if (gtk_widget_get_width (GTK_WIDGET (self->flap)) == 0)
    return G_SOURCE_CONTINUE;
  self->reveal_id = 0;
  adw_flap_set_reveal_flap (self->flap, self->reveal_wanted);
  return G_SOURCE_REMOVE;
}

static void
set_pane_revealed (HeyaiStoryboardPage *self,
                   gboolean             reveal)
{
  GtkWidget *flap = GTK_WIDGET (self->flap);

  self->reveal_wanted = reveal;
  if (gtk_widget_get_mapped (flap) && gtk_widget_get_width (flap) == 0)
    {
      if (self->reveal_id == 0)
        self->reveal_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_tick_cb, NULL, NULL);
      return;
    }
  if (self->reveal_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_id);
  self->reveal_id = 0;
  adw_flap_set_reveal_flap (self->flap, reveal);
}

/* Still paths ------------------------------------------------------------ */

static char *
still_key (const char *scene_id,
           int         take)
{
  return g_strdup_printf ("%s:%d", scene_id, take);
}

static const char *
still_path_func (HeyaiScene *scene,
                 gpointer    user_data)
{
  HeyaiStoryboardPage *self = user_data;
  g_autofree char *key = NULL;
  int take = heyai_scene_get_image_take (scene);

  if (take <= 0 || self->still_paths == NULL)
    return NULL;
  key = still_key (heyai_scene_get_id (scene), take);
  return g_hash_table_lookup (self->still_paths, key);
}

static void
add_asset_path (HeyaiStoryboardPage *self,
                HeyaiAsset          *asset)
{
  /* A still made on another computer: fetched in the background (the card
   * shows its placeholder meanwhile); "asset-changed" brings the path. */
  if (heyai_asset_get_kind (asset) == HEYAI_ASSET_KIND_IMAGE && heyai_asset_get_local_path (asset) == NULL &&
      heyai_asset_get_drive_file_id (asset) != NULL && heyai_sync_controller_get_default () != NULL)
    heyai_sync_controller_ensure_local_asset (heyai_sync_controller_get_default (), asset);
  if (heyai_asset_get_kind (asset) == HEYAI_ASSET_KIND_IMAGE && heyai_asset_get_scene_id (asset) != NULL &&
      heyai_asset_get_deleted (asset))
    {
      /* A reload after "scenes-changed" is skipped when the scenes did not
       * change (scenes_unchanged): forget a deleted still here. */
      g_autofree char *key = still_key (heyai_asset_get_scene_id (asset), heyai_asset_get_take (asset));
      const char *path = g_hash_table_lookup (self->still_paths, key);

      if (path != NULL && g_strcmp0 (path, heyai_asset_get_local_path (asset)) == 0)
        g_hash_table_remove (self->still_paths, key);
      return;
    }
  if (heyai_asset_get_kind (asset) != HEYAI_ASSET_KIND_IMAGE || heyai_asset_get_scene_id (asset) == NULL ||
      heyai_asset_get_local_path (asset) == NULL)
    return;
  g_hash_table_insert (self->still_paths,
                       still_key (heyai_asset_get_scene_id (asset), heyai_asset_get_take (asset)),
                       g_strdup (heyai_asset_get_local_path (asset)));
}

/* The paths come from one light query (materializing every asset of a
 * 1000-scene project was a tenth of the storyboard's first frame); only when
 * some still is on Drive alone are the assets loaded, to fetch it. */
static void
load_still_paths (HeyaiStoryboardPage *self)
{
  g_auto(GStrv) stills = NULL;
  gboolean remote = FALSE;

  g_hash_table_remove_all (self->still_paths);
  if (self->project == NULL || self->store == NULL)
    return;
  stills = heyai_store_list_still_paths (self->store, heyai_project_get_id (self->project), NULL);
  for (guint i = 0; stills != NULL && stills[i] != NULL && stills[i + 1] != NULL && stills[i + 2] != NULL; i += 3)
    {
      if (*stills[i + 2] == '\0')
        {
          remote = TRUE;
          continue;
        }
      g_hash_table_insert (self->still_paths, g_strdup_printf ("%s:%s", stills[i], stills[i + 1]),
                           g_strdup (stills[i + 2]));
    }
  if (remote)
    {
      g_autoptr(GPtrArray) assets = heyai_store_list_project_assets (self->store, heyai_project_get_id (self->project),
                                                                     NULL);

      for (guint i = 0; assets != NULL && i < assets->len; i++)
        add_asset_path (self, g_ptr_array_index (assets, i));
    }
}

/* Factory ---------------------------------------------------------------- */

static HeyaiScene *
find_scene (HeyaiStoryboardPage *self,
            const char          *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->scenes));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HeyaiScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), i);
      if (g_strcmp0 (heyai_scene_get_id (scene), id) == 0)
        return scene;   /* the list store keeps it alive */
    }
  return NULL;
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source,
                 double         x,
                 double         y,
                 HeyaiSceneCard *card)
{
  HeyaiScene *scene = heyai_scene_card_get_scene (card);

  if (scene == NULL)
    return NULL;
  return gdk_content_provider_new_typed (G_TYPE_STRING, heyai_scene_get_id (scene));
}

static void
drag_begin_cb (GtkDragSource  *source,
               GdkDrag        *drag,
               HeyaiSceneCard *card)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (card));

  gtk_drag_source_set_icon (source, paintable, 20, 20);
}

static gboolean
drop_cb (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         HeyaiSceneCard *card)
{
  HeyaiStoryboardPage *self = g_object_get_data (G_OBJECT (card), "page");
  HeyaiScene *onto = heyai_scene_card_get_scene (card);
  HeyaiScene *dragged;
  g_autoptr(GError) error = NULL;
  int position;

  if (self == NULL || onto == NULL)
    return FALSE;
  /* A file from the file manager: the producer's own still or clip. */
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      if (files == NULL)
        return FALSE;
      if (files->next != NULL)
        heyai_ui_toast (GTK_WIDGET (self), _("One file per scene: the first one is added."));
      heyai_application_import_take (get_app (), onto, files->data, GTK_WIDGET (self));
      g_slist_free (files);
      return TRUE;
    }
  if (!G_VALUE_HOLDS_STRING (value))
    return FALSE;
  dragged = find_scene (self, g_value_get_string (value));
  if (dragged == NULL || dragged == onto)
    return FALSE;

  position = heyai_scene_get_position (onto);
  if (!heyai_store_move_scene (self->store, dragged, position, &error))
    {
      heyai_ui_error (GTK_WIDGET (self), error->message);
      return FALSE;
    }
  heyai_storyboard_page_reload (self);
  return TRUE;
}

/* A card can be destroyed without a teardown (GTK 4.8 drops list item
 * widgets it no longer needs, e.g. when a 1000-scene model is replaced while
 * the page is off screen): forget it then, reload() must not touch it. */
static void
card_gone_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  HeyaiStoryboardPage *self = data;

  if (self->cards != NULL)
    g_ptr_array_remove_fast (self->cards, where_the_object_was);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          HeyaiStoryboardPage      *self)
{
  GtkWidget *card = heyai_scene_card_new (heyai_application_get_thumbnailer (get_app ()),
                                          still_path_func, self);
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };  /* a file, or a card moved */

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (drag_prepare_cb), card);
  g_signal_connect (source, "drag-begin", G_CALLBACK (drag_begin_cb), card);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (source));
  gtk_drop_target_set_gtypes (target, types, G_N_ELEMENTS (types));
  g_signal_connect (target, "drop", G_CALLBACK (drop_cb), card);
  gtk_widget_add_controller (card, GTK_EVENT_CONTROLLER (target));
  g_object_set_data (G_OBJECT (card), "page", self);

  g_ptr_array_add (self->cards, card);
  g_object_weak_ref (G_OBJECT (card), card_gone_cb, self);
  gtk_list_item_set_child (item, card);
}

static void
teardown_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             HeyaiStoryboardPage      *self)
{
  GtkWidget *card = gtk_list_item_get_child (item);

  if (card != NULL && self->cards != NULL && g_ptr_array_remove_fast (self->cards, card))
    g_object_weak_unref (G_OBJECT (card), card_gone_cb, self);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         HeyaiStoryboardPage      *self)
{
  HeyaiSceneCard *card = HEYAI_SCENE_CARD (gtk_list_item_get_child (item));

  heyai_scene_card_set_aspect (card, self->project ? heyai_project_get_aspect (self->project) : HEYAI_ASPECT_16_9);
  heyai_scene_card_set_scene (card, gtk_list_item_get_item (item));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           HeyaiStoryboardPage      *self)
{
  heyai_scene_card_set_scene (HEYAI_SCENE_CARD (gtk_list_item_get_child (item)), NULL);
}

/* Loading ---------------------------------------------------------------- */

/* Whether the shown scenes are still the project's whole list, in order, and
 * current.  The store writes through the live objects (and brings them up to
 * date when a copy is written), so a scene whose row changed has already told
 * its card through notify; only a changed set, order or a row written behind
 * the objects' back needs a reload.  One light query instead of
 * materializing every scene and asset: during a batch "scenes-changed"
 * comes with every scene update, and a full reload of a 1000-scene project
 * is tens of milliseconds on the main thread. */
static gboolean
scenes_unchanged (HeyaiStoryboardPage *self)
{
  g_auto(GStrv) versions = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->scenes));

  if (self->project == NULL || self->store == NULL)
    return FALSE;
  versions = heyai_store_list_scene_versions (self->store, heyai_project_get_id (self->project), NULL);
  if (versions == NULL || g_strv_length (versions) != 2 * n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HeyaiScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), i);

      if (g_strcmp0 (heyai_scene_get_id (scene), versions[2 * i]) != 0 ||
          g_strcmp0 (heyai_scene_get_updated_at (scene) ? heyai_scene_get_updated_at (scene) : "",
                     versions[2 * i + 1]) != 0 ||
          heyai_scene_get_deleted (scene))
        return FALSE;
    }
  return TRUE;
}

static void reload_scenes (HeyaiStoryboardPage *self, guint limit);

static void
reload_full (HeyaiStoryboardPage *self)
{
  reload_scenes (self, G_MAXUINT);
}

static gboolean
load_rest_cb (gpointer user_data)
{
  HeyaiStoryboardPage *self = user_data;

  self->rest_id = 0;
  if (self->head_only)
    reload_full (self);
  return G_SOURCE_REMOVE;
}

/* The project's first @limit scenes (G_MAXUINT: all of them) into the
 * model.  A project opens on its first screenful (reading all 1000 scenes
 * of a big project was a third of its first frame); the rest follows after
 * the first frame (grow_tick_cb), or shortly when the page is not shown. */
static void
reload_scenes (HeyaiStoryboardPage *self,
               guint                limit)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  guint n_old, keep = 0;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->rest_id, g_source_remove);
  self->head_only = FALSE;

  if (self->project == NULL || self->store == NULL)
    {
      g_list_store_remove_all (self->scenes);
      return;
    }

  if (limit == G_MAXUINT)
    list = heyai_store_list_scenes (self->store, heyai_project_get_id (self->project), &error);
  else
    list = heyai_store_list_scenes_head (self->store, heyai_project_get_id (self->project), limit, &error);
  if (list == NULL)
    {
      heyai_ui_error (GTK_WIDGET (self), error->message);
      return;
    }
  load_still_paths (self);

  /* The store's identity map hands back the same objects: the cards of an
   * unchanged prefix (all of them when nothing moved, the first screenful
   * when the rest arrives) update through notify; the splice starts at the
   * first change, if any. */
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->scenes));
  while (keep < n_old && keep < list->len)
    {
      g_autoptr(HeyaiScene) old = g_list_model_get_item (G_LIST_MODEL (self->scenes), keep);

      if (old != g_ptr_array_index (list, keep))
        break;
      keep++;
    }
  if (keep < n_old || keep < list->len)
    g_list_store_splice (self->scenes, keep, n_old - keep, list->pdata + keep, list->len - keep);
  if (list->len == limit)
    {
      self->head_only = TRUE;
      self->rest_id = g_timeout_add (250, load_rest_cb, self);
    }

  /* The side pane never keeps showing a scene that is gone (a new analysis
   * removed it, "Replace Scenes"); a first screenful cannot tell. */
  if (!self->head_only)
    {
      HeyaiScene *shown = heyai_scene_pane_get_scene (self->pane);
      gboolean kept = FALSE;

      for (guint i = 0; shown != NULL && i < list->len && !kept; i++)
        kept = g_ptr_array_index (list, i) == shown;
      if (shown != NULL && (!kept || heyai_scene_get_deleted (shown)))
        {
          heyai_scene_pane_set_scene (self->pane, NULL);
          set_pane_revealed (self, FALSE);
        }
    }

  for (guint i = 0; i < self->cards->len; i++)
    heyai_scene_card_refresh_still (g_ptr_array_index (self->cards, i));

  gtk_stack_set_visible_child_name (self->content_stack, list->len > 0 ? "grid" : "empty");
}

void
heyai_storyboard_page_reload (HeyaiStoryboardPage *self)
{
  g_return_if_fail (HEYAI_IS_STORYBOARD_PAGE (self));

  if (scenes_unchanged (self))
    {
      g_clear_handle_id (&self->reload_id, g_source_remove);
      return;
    }
  reload_full (self);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  HeyaiStoryboardPage *self = user_data;

  self->reload_id = 0;
  heyai_storyboard_page_reload (self);
  return G_SOURCE_REMOVE;
}

static void
scenes_changed_cb (HeyaiStoryboardPage *self,
                   const char          *project_id,
                   HeyaiStore          *store)
{
  if (self->project == NULL || g_strcmp0 (project_id, heyai_project_get_id (self->project)) != 0)
    return;
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add (100, reload_timeout_cb, self);
}

static void
asset_changed_cb (HeyaiStoryboardPage *self,
                  HeyaiAsset          *asset,
                  HeyaiStore          *store)
{
  if (self->project == NULL || g_strcmp0 (heyai_asset_get_project_id (asset), heyai_project_get_id (self->project)) != 0)
    return;
  add_asset_path (self, asset);
  for (guint i = 0; i < self->cards->len; i++)
    {
      HeyaiSceneCard *card = g_ptr_array_index (self->cards, i);
      HeyaiScene *scene = heyai_scene_card_get_scene (card);

      if (scene != NULL && g_strcmp0 (heyai_scene_get_id (scene), heyai_asset_get_scene_id (asset)) == 0)
        heyai_scene_card_refresh_still (card);
    }
  if (heyai_scene_pane_get_scene (self->pane) != NULL &&
      g_strcmp0 (heyai_scene_get_id (heyai_scene_pane_get_scene (self->pane)), heyai_asset_get_scene_id (asset)) == 0)
    heyai_scene_pane_refresh (self->pane);
}

/* Selection ------------------------------------------------------------- */

static void
selection_changed_cb (HeyaiStoryboardPage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n = gtk_bitset_get_size (selected);
  g_autofree char *label = NULL;

  gtk_action_bar_set_revealed (self->selection_bar, n > 1);
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene selected", "%u scenes selected", (guint) n),
                           (guint) n);
  gtk_label_set_label (self->selection_label, label);

  if (n > 0)
    {
      g_autoptr(HeyaiScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), gtk_bitset_get_minimum (selected));
      heyai_scene_pane_set_scene (self->pane, scene);
      set_pane_revealed (self, TRUE);
    }
}

static void
activate_cb (HeyaiStoryboardPage *self,
             guint                position,
             GtkGridView         *grid)
{
  g_autoptr(HeyaiScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), position);

  heyai_scene_pane_set_scene (self->pane, scene);
  set_pane_revealed (self, TRUE);
}

/* Actions --------------------------------------------------------------- */

static void
set_approval (HeyaiStoryboardPage *self,
              HeyaiScene          *scene,
              HeyaiApproval        approval)
{
  g_autoptr(GError) error = NULL;

  if (!heyai_pipeline_set_approval (self->store, scene, approval, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("Scene %d: %s"), heyai_scene_get_position (scene), error->message);
      heyai_ui_error (GTK_WIDGET (self), msg);
    }
}

/* A single paid action goes through the project view's confirmation (the
 * planner's cost first). */
static void
run_scene (HeyaiStoryboardPage *self,
           HeyaiScene          *scene,
           HeyaiRunFlags        flags)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (self), HEYAI_TYPE_PROJECT_VIEW);

  if (self->project == NULL)
    return;
  if (view != NULL)
    heyai_project_view_run_scene (HEYAI_PROJECT_VIEW (view), flags, heyai_scene_get_position (scene));
  else
    heyai_application_start_run (get_app (), self->project, flags, heyai_scene_get_position (scene));
}

static void
regenerate (HeyaiStoryboardPage *self,
            HeyaiScene          *scene)
{
  run_scene (self, scene, HEYAI_RUN_IMAGES | HEYAI_RUN_REGENERATE);
}

/* Animate this scene: a clip from the selected still (a new take only when
 * the current clip is up to date). */
static void
animate (HeyaiStoryboardPage *self,
         HeyaiScene          *scene)
{
  HeyaiRunFlags flags = HEYAI_RUN_ANIMATE;

  if (heyai_lineage_clip_is_current (self->store, self->project, scene))
    flags |= HEYAI_RUN_REGENERATE;
  run_scene (self, scene, flags);
}

/* Try again: the step that failed, and only that one. */
static void
retry (HeyaiStoryboardPage *self,
       HeyaiScene          *scene)
{
  g_autoptr(GError) error = NULL;
  HeyaiRunFlags flags;

  if (self->project == NULL)
    return;
  flags = heyai_pipeline_retry_flags (self->store, self->project, scene, &error);
  if (flags == 0)
    {
      heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }
  run_scene (self, scene, flags);
}

static void
scene_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  HeyaiStoryboardPage *self = HEYAI_STORYBOARD_PAGE (widget);
  HeyaiScene *scene = find_scene (self, g_variant_get_string (param, NULL));

  if (scene == NULL)
    return;
  heyai_scene_pane_flush (self->pane);
  if (g_str_equal (action_name, "storyboard.approve"))
    set_approval (self, scene, HEYAI_APPROVAL_APPROVED);
  else if (g_str_equal (action_name, "storyboard.reject"))
    set_approval (self, scene, HEYAI_APPROVAL_REJECTED);
  else if (g_str_equal (action_name, "storyboard.regenerate"))
    regenerate (self, scene);
  else if (g_str_equal (action_name, "storyboard.animate"))
    animate (self, scene);
  else if (g_str_equal (action_name, "storyboard.retry"))
    retry (self, scene);
}

void
heyai_storyboard_page_approve_selected (HeyaiStoryboardPage *self,
                                        HeyaiApproval        approval)
{
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_if_fail (HEYAI_IS_STORYBOARD_PAGE (self));

  if (self->store == NULL)
    return;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_iter_init_first (&iter, selected, &position))
    do
      {
        g_autoptr(HeyaiScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), position);
        if (approval == HEYAI_APPROVAL_APPROVED && heyai_scene_get_image_take (scene) <= 0)
          continue;
        set_approval (self, scene, approval);
      }
    while (gtk_bitset_iter_next (&iter, &position));
}

static void
selected_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  HeyaiStoryboardPage *self = HEYAI_STORYBOARD_PAGE (widget);
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  heyai_scene_pane_flush (self->pane);
  if (g_str_equal (action_name, "storyboard.approve-selected"))
    {
      heyai_storyboard_page_approve_selected (self, HEYAI_APPROVAL_APPROVED);
      return;
    }
  if (g_str_equal (action_name, "storyboard.reject-selected"))
    {
      heyai_storyboard_page_approve_selected (self, HEYAI_APPROVAL_REJECTED);
      return;
    }

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_iter_init_first (&iter, selected, &position))
    do
      {
        g_autoptr(HeyaiScene) scene = g_list_model_get_item (G_LIST_MODEL (self->scenes), position);
        regenerate (self, scene);
      }
    while (gtk_bitset_iter_next (&iter, &position));
}

static void
close_pane_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HeyaiStoryboardPage *self = HEYAI_STORYBOARD_PAGE (widget);

  heyai_scene_pane_flush (self->pane);
  set_pane_revealed (self, FALSE);
}

/* GObject ---------------------------------------------------------------- */

/* The banner a "Run Everything" leaves: the stills wait for her review. */
void
heyai_storyboard_page_show_review (HeyaiStoryboardPage *self,
                                   guint                n_to_review)
{
  g_autofree char *text = NULL;

  g_return_if_fail (HEYAI_IS_STORYBOARD_PAGE (self));

  if (n_to_review == 0)
    {
      gtk_revealer_set_reveal_child (self->review_revealer, FALSE);
      return;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u still to review: approve (A) what should be animated, reject (R) the rest, "
                                       "then Animate Approved.",
                                       "%u stills to review: approve (A) what should be animated, reject (R) the rest, "
                                       "then Animate Approved.", n_to_review), n_to_review);
  gtk_label_set_label (self->review_label, text);
  gtk_revealer_set_reveal_child (self->review_revealer, TRUE);
}

void
heyai_storyboard_page_update_review (HeyaiStoryboardPage *self,
                                     guint                n_to_review)
{
  g_return_if_fail (HEYAI_IS_STORYBOARD_PAGE (self));

  if (gtk_revealer_get_reveal_child (self->review_revealer))
    heyai_storyboard_page_show_review (self, n_to_review);
}

const char *
heyai_storyboard_page_get_review_text (HeyaiStoryboardPage *self)
{
  g_return_val_if_fail (HEYAI_IS_STORYBOARD_PAGE (self), NULL);
  return gtk_revealer_get_reveal_child (self->review_revealer) ? gtk_label_get_label (self->review_label) : NULL;
}

static void
dismiss_review_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  heyai_storyboard_page_show_review (HEYAI_STORYBOARD_PAGE (widget), 0);
}

static void
heyai_storyboard_page_dispose (GObject *object)
{
  HeyaiStoryboardPage *self = HEYAI_STORYBOARD_PAGE (object);

  heyai_storyboard_page_set_project (self, NULL);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  g_clear_handle_id (&self->rest_id, g_source_remove);
  if (self->reveal_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->reveal_id);
  self->reveal_id = 0;
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_STORYBOARD_PAGE);
  if (self->grow_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->grow_id);
  self->grow_id = 0;
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->scenes);
  g_clear_pointer (&self->still_paths, g_hash_table_unref);
  if (self->cards != NULL)
    for (guint i = 0; i < self->cards->len; i++)
      g_object_weak_unref (g_ptr_array_index (self->cards, i), card_gone_cb, self);
  g_clear_pointer (&self->cards, g_ptr_array_unref);

  G_OBJECT_CLASS (heyai_storyboard_page_parent_class)->dispose (object);
}

static void
heyai_storyboard_page_class_init (HeyaiStoryboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_storyboard_page_dispose;

  g_type_ensure (HEYAI_TYPE_SCENE_PANE);
  g_type_ensure (HEYAI_TYPE_MEDIA_FRAME);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-storyboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, flap);
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, grid);
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, review_revealer);
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, review_label);
  gtk_widget_class_install_action (widget_class, "storyboard.dismiss-review", NULL, dismiss_review_action);
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, selection_bar);
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiStoryboardPage, pane);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);

  gtk_widget_class_install_action (widget_class, "storyboard.approve", "s", scene_action);
  gtk_widget_class_install_action (widget_class, "storyboard.reject", "s", scene_action);
  gtk_widget_class_install_action (widget_class, "storyboard.regenerate", "s", scene_action);
  gtk_widget_class_install_action (widget_class, "storyboard.animate", "s", scene_action);
  gtk_widget_class_install_action (widget_class, "storyboard.retry", "s", scene_action);
  gtk_widget_class_install_action (widget_class, "storyboard.approve-selected", NULL, selected_action);
  gtk_widget_class_install_action (widget_class, "storyboard.reject-selected", NULL, selected_action);
  gtk_widget_class_install_action (widget_class, "storyboard.regenerate-selected", NULL, selected_action);
  gtk_widget_class_install_action (widget_class, "storyboard.close-pane", NULL, close_pane_action);

  /* A / R act on the selection; text fields keep their letters (they handle the key first). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, 0, "storyboard.approve-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "storyboard.reject-selected", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
heyai_storyboard_page_init (HeyaiStoryboardPage *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->scenes = g_list_store_new (HEYAI_TYPE_SCENE);
  self->slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->scenes)), 0, G_MAXUINT);
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));
  self->still_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cards = g_ptr_array_new ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_cb), self);
  gtk_grid_view_set_factory (self->grid, factory);
  g_object_unref (factory);
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);

  if (HEYAI_IS_APPLICATION (g_application_get_default ()))
    {
      HeyaiStore *store = heyai_application_get_store (get_app ());

      if (store != NULL)
        {
          self->store = g_object_ref (store);
          g_signal_connect_object (store, "scenes-changed", G_CALLBACK (scenes_changed_cb), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (store, "asset-changed", G_CALLBACK (asset_changed_cb), self, G_CONNECT_SWAPPED);
        }
    }
}

#define FIRST_CARDS   20   /* 5 rows of 4: a full-HD screen's first view (the rest follow next frames) */
#define CARDS_PER_TICK 24

static gboolean
grow_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  HeyaiStoryboardPage *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->slice);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->scenes));

  /* Tick callbacks run in a frame's update phase, before its layout: growing
   * on the first tick put 24 more cards into the very frame the first
   * screenful was meant to have to itself. */
  if (!self->grow_waited)
    {
      self->grow_waited = TRUE;
      return G_SOURCE_CONTINUE;
    }
  if (self->head_only)
    {
      reload_full (self);
      n = g_list_model_get_n_items (G_LIST_MODEL (self->scenes));
    }

  /* Past what the grid builds cards for, the rest is only rows in a model. */
  if (size >= n || size >= 8 * FIRST_CARDS)
    {
      gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
      self->grow_id = 0;
      return G_SOURCE_REMOVE;
    }
  gtk_slice_list_model_set_size (self->slice, size + CARDS_PER_TICK);
  return G_SOURCE_CONTINUE;
}

void
heyai_storyboard_page_set_project (HeyaiStoryboardPage *self,
                                   HeyaiProject        *project)
{
  g_return_if_fail (HEYAI_IS_STORYBOARD_PAGE (self));

  if (self->project == project)
    return;
  heyai_storyboard_page_flush (self);
  heyai_scene_pane_set_scene (self->pane, NULL);
  set_pane_revealed (self, FALSE);
  g_set_object (&self->project, project);
  g_list_store_remove_all (self->scenes);
  /* A project opens on its first screenful of cards; the rest join over the
   * next frames.  GtkGridView builds a card for up to 30 rows of the model at
   * once (about 130 cards when a 1000-scene project opened, most of them off
   * screen), which made the first frame wait for all of them. */
  self->grow_waited = FALSE;
  if (self->grow_id == 0)
    self->grow_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), grow_tick_cb, self, NULL);
  gtk_slice_list_model_set_size (self->slice, FIRST_CARDS);
  reload_scenes (self, FIRST_CARDS);
}

HeyaiProject *
heyai_storyboard_page_get_project (HeyaiStoryboardPage *self)
{
  g_return_val_if_fail (HEYAI_IS_STORYBOARD_PAGE (self), NULL);
  return self->project;
}

void
heyai_storyboard_page_flush (HeyaiStoryboardPage *self)
{
  g_return_if_fail (HEYAI_IS_STORYBOARD_PAGE (self));
  if (self->pane != NULL)
    heyai_scene_pane_flush (self->pane);
}

GListModel *
heyai_storyboard_page_get_model (HeyaiStoryboardPage *self)
{
  g_return_val_if_fail (HEYAI_IS_STORYBOARD_PAGE (self), NULL);
  return G_LIST_MODEL (self->scenes);
}

GtkSelectionModel *
heyai_storyboard_page_get_selection (HeyaiStoryboardPage *self)
{
  g_return_val_if_fail (HEYAI_IS_STORYBOARD_PAGE (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}
