/* heyai-scene-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "heyai-application.h"
#include "heyai-media-frame.h"
#include "heyai-scene-card.h"
#include "heyai-ui-util.h"

struct _HeyaiSceneCard
{
  GtkWidget          parent_instance;

  /* Widgets (built in init) */
  GtkWidget         *box;
  GtkWidget         *frame;
  GtkPicture        *still;
  GtkLabel          *placeholder;
  GtkLabel          *number_badge;
  GtkLabel          *status_chip;
  GtkProgressBar    *progress;
  GtkLabel          *title_label;
  GtkLabel          *meta_label;
  GtkWidget         *references_chip;  /* "Text only": the still's references were not sent */
  GtkButton         *approve_button;
  GtkButton         *reject_button;
  GtkButton         *regenerate_button;
  GtkButton         *animate_button;

  /* Owned references */
  HeyaiScene        *scene;
  HeyaiThumbnailer  *thumbnailer;
  GCancellable      *cancellable;
  char              *still_path;

  HeyaiStillPathFunc path_func;
  gpointer           path_data;
  int                thumb_width;
  int                thumb_height;
};

G_DEFINE_FINAL_TYPE (HeyaiSceneCard, heyai_scene_card, GTK_TYPE_WIDGET)

#define PLACEHOLDER_LINE  26   /* characters per line */
#define PLACEHOLDER_LINES 4

/* @text on at most @max_lines lines of about @width characters, broken at
 * spaces, the last one ending in "…" when the text goes on. */
static char *
break_lines (const char *text,
             guint       width,
             guint       max_lines)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);
  guint line_len = 0, lines = 1;

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint len = (guint) g_utf8_strlen (words[i], -1);

      if (len == 0)
        continue;
      if (line_len > 0 && line_len + 1 + len > width)
        {
          if (lines == max_lines)
            {
              g_string_append (out, "…");
              return g_string_free (g_steal_pointer (&out), FALSE);
            }
          g_string_append_c (out, '\n');
          lines++;
          line_len = 0;
        }
      else if (line_len > 0)
        {
          g_string_append_c (out, ' ');
          line_len++;
        }
      if (len > width)
        {
          /* One very long word: cut it. */
          g_autofree char *cut = g_utf8_substring (words[i], 0, width - 1);

          g_string_append_printf (out, "%s…", cut);
          line_len = width;
          continue;
        }
      g_string_append (out, words[i]);
      line_len += len;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  /* A weak reference: a thumbnail that arrives after its card went must not
   * be what finally disposes the card (the callbacks of a closed 1000-scene
   * storyboard arrived together and disposed ~20 cards in one main-loop
   * iteration, a 20 ms stall during the next batch). */
  g_autoptr(HeyaiSceneCard) self = heyai_ui_weak_ref_steal (user_data);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = heyai_thumbnailer_load_finish (HEYAI_THUMBNAILER (source), result, &error);
  if (self == NULL)
    return;
  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("thumbnail: %s", error->message);
      return;
    }
  if (self->scene == NULL || self->still_path == NULL)
    return;
  gtk_picture_set_paintable (self->still, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), FALSE);
}

void
heyai_scene_card_refresh_still (HeyaiSceneCard *self)
{
  const char *path = NULL;
  g_autoptr(GdkTexture) cached = NULL;

  g_return_if_fail (HEYAI_IS_SCENE_CARD (self));

  if (self->scene != NULL && self->path_func != NULL)
    path = self->path_func (self->scene, self->path_data);

  if (g_strcmp0 (path, self->still_path) == 0 && (path == NULL || gtk_picture_get_paintable (self->still) != NULL))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->still_path);
  self->still_path = g_strdup (path);

  if (path == NULL)
    {
      gtk_picture_set_paintable (self->still, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->placeholder), TRUE);
      return;
    }

  /* Show the last decoded texture at once (no flicker while scrolling), then
   * validate it against the file's mtime in a worker. */
  cached = heyai_thumbnailer_peek (self->thumbnailer, path, self->thumb_width);
  gtk_picture_set_paintable (self->still, cached ? GDK_PAINTABLE (cached) : NULL);
  /* The scene text stands in for a still that does not exist yet, not for
   * one being decoded (that takes a moment, and the text would flash). */
  gtk_widget_set_visible (GTK_WIDGET (self->placeholder), FALSE);

  self->cancellable = g_cancellable_new ();
  heyai_thumbnailer_load_async (self->thumbnailer, path, self->thumb_width, self->thumb_height,
                                self->cancellable, thumbnail_cb, heyai_ui_weak_ref_new (self));
}

/* The buttons are actionable: GtkActionHelper owns their sensitivity (it
 * follows the action's enabled state and would undo a per-card
 * gtk_widget_set_sensitive() whenever the card is re-rooted), so a button
 * that does not apply to this scene is dimmed and made untargetable instead. */
static void
set_available (GtkWidget *button,
               gboolean   available)
{
  gtk_widget_set_can_target (button, available);
  gtk_widget_set_focusable (button, available);
  if (available)
    gtk_widget_remove_css_class (button, "dim-label");
  else
    gtk_widget_add_css_class (button, "dim-label");
}

static void
update (HeyaiSceneCard *self)
{
  HeyaiSceneStatus status;
  g_autofree char *number = NULL;
  g_autofree char *meta = NULL;
  const char *excerpt;
  double progress;
  gboolean busy;

  if (self->scene == NULL)
    return;

  status = heyai_scene_get_status (self->scene);
  number = g_strdup_printf ("%d", heyai_scene_get_position (self->scene));
  heyai_ui_label_set (self->number_badge, number);
  heyai_ui_label_set (self->title_label, heyai_scene_get_title (self->scene));
  /* Translators: "5 s · Push in" */
  meta = g_strdup_printf (_("%d s · %s"), heyai_scene_get_duration (self->scene),
                          heyai_camera_move_label (heyai_scene_get_camera_move (self->scene)));
  heyai_ui_label_set (self->meta_label, meta);
  /* The pipeline leaves an approved scene "approved" (not "clip ready")
   * when its clip is missing or outdated (lineage): with a clip take, that
   * clip is outdated. */
  if (status == HEYAI_SCENE_STATUS_APPROVED && heyai_scene_get_clip_take (self->scene) > 0)
    heyai_ui_label_set (self->status_chip, _("Clip outdated"));
  else
    heyai_ui_label_set (self->status_chip, heyai_scene_status_label (status));
  heyai_ui_set_chip_class (GTK_WIDGET (self->status_chip), heyai_ui_scene_status_css (status));

  /* The reference bible: a still made without its references says so. */
  {
    HeyaiStore *store = heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
    g_autoptr(HeyaiAsset) still = NULL;
    g_autofree char *note = NULL;

    if (store != NULL && heyai_scene_get_image_take (self->scene) > 0)
      still = heyai_store_get_asset (store, heyai_scene_get_id (self->scene), HEYAI_ASSET_KIND_IMAGE,
                                     heyai_scene_get_image_take (self->scene), NULL);
    if (still != NULL && heyai_asset_get_lineage (still) != NULL &&
        strstr (heyai_asset_get_lineage (still), "references_note") != NULL)
      note = heyai_lineage_references_note (still);
    gtk_widget_set_tooltip_text (self->references_chip, note);
    gtk_widget_set_visible (self->references_chip, note != NULL);
  }

  excerpt = heyai_scene_get_description (self->scene);
  if (excerpt == NULL || *excerpt == '\0')
    excerpt = heyai_scene_get_excerpt (self->scene);
  /* Cut in code rather than with lines + ellipsize: Pango's ellipsized
   * multi-line layout was most of a card's first frame (about 1,000 cards'
   * worth of the 1000-scene storyboard's first frame). */
  {
    g_autofree char *shown = break_lines (excerpt ? excerpt : "", PLACEHOLDER_LINE, PLACEHOLDER_LINES);

    heyai_ui_label_set (self->placeholder, shown);
  }

  busy = status == HEYAI_SCENE_STATUS_RENDERING || status == HEYAI_SCENE_STATUS_ANIMATING;
  progress = heyai_scene_get_progress (self->scene);
  /* Only a known fraction shows as a bar; the chip says "Rendering".  GTK
   * animates a pulsing bar every frame for as long as it shows, and a remote
   * render that reports no progress lasts minutes (several cards far apart
   * then repainted most of the window each frame). */
  gtk_widget_set_visible (GTK_WIDGET (self->progress), busy && progress > 0.0);
  if (busy && progress > 0.0)
    gtk_progress_bar_set_fraction (self->progress, progress);

  set_available (GTK_WIDGET (self->approve_button),
                 heyai_scene_get_image_take (self->scene) > 0 &&
                 heyai_scene_get_approval (self->scene) != HEYAI_APPROVAL_APPROVED);
  set_available (GTK_WIDGET (self->reject_button),
                 heyai_scene_get_approval (self->scene) != HEYAI_APPROVAL_REJECTED);
  set_available (GTK_WIDGET (self->regenerate_button), !busy);
  /* Animate this scene: an approved still whose clip is missing or outdated. */
  gtk_widget_set_visible (GTK_WIDGET (self->animate_button), status == HEYAI_SCENE_STATUS_APPROVED);

  /* The tooltip text is computed on demand (query_tooltip_cb): setting one
   * per card on every bind costs ~0.4 ms per card. */

  /* What a screen reader says for the card: "Scene 3: Harbour at dawn, Approved". */
  {
    g_autofree char *name = NULL;

    /* Translators: a scene card's accessible name: "Scene 3: Harbour at dawn, Approved" */
    name = g_strdup_printf (_("Scene %d: %s, %s"), heyai_scene_get_position (self->scene),
                            heyai_scene_get_title (self->scene) ? heyai_scene_get_title (self->scene) : "",
                            heyai_scene_status_label (status));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
}

static gboolean
query_tooltip_cb (HeyaiSceneCard *self,
                  int             x,
                  int             y,
                  gboolean        keyboard,
                  GtkTooltip     *tooltip)
{
  const char *tip;

  if (self->scene == NULL)
    return FALSE;
  /* A failed scene says why (and work waiting on its service says so);
   * otherwise the full title (it is ellipsized). */
  tip = (heyai_scene_get_status (self->scene) == HEYAI_SCENE_STATUS_FAILED ||
         heyai_scene_get_status (self->scene) == HEYAI_SCENE_STATUS_RENDERING ||
         heyai_scene_get_status (self->scene) == HEYAI_SCENE_STATUS_ANIMATING) &&
        heyai_scene_get_last_error (self->scene) != NULL
        ? heyai_scene_get_last_error (self->scene) : heyai_scene_get_title (self->scene);
  if (tip == NULL || *tip == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, tip);
  return TRUE;
}

static void
scene_notify_cb (HeyaiSceneCard *self,
                 GParamSpec     *pspec,
                 HeyaiScene     *scene)
{
  update (self);
  if (g_str_equal (pspec->name, "image-take"))
    heyai_scene_card_refresh_still (self);
}

static void
heyai_scene_card_dispose (GObject *object)
{
  HeyaiSceneCard *self = HEYAI_SCENE_CARD (object);

  heyai_scene_card_set_scene (self, NULL);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->thumbnailer);
  g_clear_pointer (&self->still_path, g_free);

  G_OBJECT_CLASS (heyai_scene_card_parent_class)->dispose (object);
}

static GtkWidget *
icon_button (const char *icon,
             const char *action,
             const char *tooltip,
             const char *label,
             const char *css)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "");
  /* Set while hidden: on a visible widget gtk_widget_set_tooltip_text()
   * triggers a tooltip query, two X round trips to find the pointer (GTK
   * 4.8), which were most of a card's creation time (4 buttons x ~40 cards
   * in a storyboard's first frame). */
  gtk_widget_set_visible (button, FALSE);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_visible (button, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  if (css != NULL)
    gtk_widget_add_css_class (button, css);
  return button;
}

/* Keyboard: the card itself takes focus first (GTK 4.8's grid item never
 * does while a child can), so arrows move card to card, Space selects and
 * Enter opens the scene (the grid item's bindings); Tab then goes on into
 * its buttons. */
static gboolean
heyai_scene_card_focus (GtkWidget        *widget,
                        GtkDirectionType  direction)
{
  HeyaiSceneCard *self = HEYAI_SCENE_CARD (widget);

  if (gtk_widget_is_focus (widget))
    return direction == GTK_DIR_TAB_FORWARD && gtk_widget_child_focus (self->box, direction);
  if (gtk_widget_get_focus_child (widget) != NULL)
    {
      if (gtk_widget_child_focus (self->box, direction))
        return TRUE;
      return direction == GTK_DIR_TAB_BACKWARD && gtk_widget_grab_focus (widget);
    }
  if (direction == GTK_DIR_TAB_BACKWARD && gtk_widget_child_focus (self->box, direction))
    return TRUE;
  return gtk_widget_grab_focus (widget);
}

static void
heyai_scene_card_class_init (HeyaiSceneCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_scene_card_dispose;
  widget_class->focus = heyai_scene_card_focus;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scenecard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* The card is built in code rather than from a template: a storyboard creates
 * one card per visible cell (about 160 when a 1000-scene project opens), and
 * skipping GtkBuilder roughly halves the time to the first frame. */
static void
heyai_scene_card_init (HeyaiSceneCard *self)
{
  GtkWidget *overlay, *footer, *labels;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_halign (self->box, GTK_ALIGN_FILL);
  gtk_widget_add_css_class (self->box, "scene-card");
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->frame = heyai_media_frame_new ();
  gtk_widget_set_halign (self->frame, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->frame, "thumbnail-frame");
  gtk_box_append (GTK_BOX (self->box), self->frame);

  overlay = gtk_overlay_new ();
  heyai_media_frame_set_child (HEYAI_MEDIA_FRAME (self->frame), overlay);

  self->still = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_content_fit (self->still, GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (self->still, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->still), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Still"), -1);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->still));

  self->placeholder = GTK_LABEL (gtk_label_new (NULL));
  /* No wrap: the text is broken into lines in code (break_lines), so the
   * label needs one Pango layout, not a height-for-width search per measure. */
  gtk_label_set_justify (self->placeholder, GTK_JUSTIFY_CENTER);
  gtk_widget_set_margin_start (GTK_WIDGET (self->placeholder), 16);
  gtk_widget_set_margin_end (GTK_WIDGET (self->placeholder), 16);
  gtk_widget_set_margin_top (GTK_WIDGET (self->placeholder), 28);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->placeholder), 12);
  gtk_widget_set_valign (GTK_WIDGET (self->placeholder), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "placeholder-text");
  gtk_widget_add_css_class (GTK_WIDGET (self->placeholder), "caption");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->placeholder));

  self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_END);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->progress), "osd");
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), GTK_WIDGET (self->progress));

  /* Below the still, never on it: the still carries its own title (the
   * offline stills print the scene's name top left), and a badge or chip on
   * top of it hid that.  Three rows, so a narrow 9:16 card keeps its title:
   * number and title; status and duration; the actions. */
  footer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start (footer, 6);
  gtk_widget_set_margin_end (footer, 2);
  gtk_widget_set_margin_top (footer, 6);
  gtk_widget_set_margin_bottom (footer, 4);
  gtk_box_append (GTK_BOX (self->box), footer);

  labels = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (footer), labels);

  self->number_badge = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_valign (GTK_WIDGET (self->number_badge), GTK_ALIGN_START);
  gtk_widget_add_css_class (GTK_WIDGET (self->number_badge), "number-badge");
  gtk_widget_add_css_class (GTK_WIDGET (self->number_badge), "numeric");
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->number_badge));

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->title_label), TRUE);
  gtk_label_set_xalign (self->title_label, 0);
  /* Titles such as "Hospital corridor — night" need two lines on a card. */
  gtk_label_set_wrap (self->title_label, TRUE);
  gtk_label_set_wrap_mode (self->title_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (self->title_label, 2);
  gtk_label_set_ellipsize (self->title_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (self->title_label, 4);
  gtk_label_set_max_width_chars (self->title_label, 4);   /* natural width: the card's, not the title's */
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "heading");
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (self->title_label));

  {
    GtkWidget *status_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    self->status_chip = GTK_LABEL (gtk_label_new (NULL));
    gtk_widget_set_valign (GTK_WIDGET (self->status_chip), GTK_ALIGN_CENTER);
    gtk_label_set_ellipsize (self->status_chip, PANGO_ELLIPSIZE_END);
    gtk_widget_add_css_class (GTK_WIDGET (self->status_chip), "chip");
    gtk_box_append (GTK_BOX (status_row), GTK_WIDGET (self->status_chip));

    self->references_chip = gtk_label_new (_("Text only"));
    gtk_widget_set_valign (self->references_chip, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (self->references_chip, "chip");
    gtk_widget_add_css_class (self->references_chip, "warning");
    gtk_widget_set_visible (self->references_chip, FALSE);
    gtk_box_append (GTK_BOX (status_row), self->references_chip);

    self->meta_label = GTK_LABEL (gtk_label_new (NULL));
    gtk_widget_set_hexpand (GTK_WIDGET (self->meta_label), TRUE);
    gtk_label_set_xalign (self->meta_label, 0);
    gtk_label_set_ellipsize (self->meta_label, PANGO_ELLIPSIZE_END);
    gtk_label_set_max_width_chars (self->meta_label, 4);
    gtk_widget_add_css_class (GTK_WIDGET (self->meta_label), "caption");
    gtk_widget_add_css_class (GTK_WIDGET (self->meta_label), "dim-label");
    gtk_box_append (GTK_BOX (status_row), GTK_WIDGET (self->meta_label));
    gtk_box_append (GTK_BOX (footer), status_row);
  }

  self->approve_button = GTK_BUTTON (icon_button ("heyai-approve-symbolic", "storyboard.approve",
                                                  _("Approve (A)"), _("Approve"), "approve"));
  self->reject_button = GTK_BUTTON (icon_button ("heyai-reject-symbolic", "storyboard.reject",
                                                 _("Reject (R)"), _("Reject"), "reject"));
  self->regenerate_button = GTK_BUTTON (icon_button ("view-refresh-symbolic", "storyboard.regenerate",
                                                     _("Regenerate Still"), _("Regenerate Still"), NULL));
  {
    GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);

    gtk_widget_set_halign (actions, GTK_ALIGN_END);
    gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->approve_button));
    gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->reject_button));
    gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->regenerate_button));
    self->animate_button = GTK_BUTTON (icon_button ("media-playback-start-symbolic", "storyboard.animate",
                                                    _("Animate This Scene"), _("Animate This Scene"), NULL));
    gtk_box_append (GTK_BOX (actions), GTK_WIDGET (self->animate_button));
    gtk_box_append (GTK_BOX (footer), actions);
  }

  gtk_widget_set_has_tooltip (self->box, TRUE);
  g_signal_connect_swapped (self->box, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);

  self->cancellable = g_cancellable_new ();
  heyai_scene_card_set_aspect (self, HEYAI_ASPECT_16_9);
}

GtkWidget *
heyai_scene_card_new (HeyaiThumbnailer  *thumbnailer,
                      HeyaiStillPathFunc path_func,
                      gpointer           path_data)
{
  HeyaiSceneCard *self = g_object_new (HEYAI_TYPE_SCENE_CARD, NULL);

  self->thumbnailer = g_object_ref (thumbnailer);
  self->path_func = path_func;
  self->path_data = path_data;
  return GTK_WIDGET (self);
}

void
heyai_scene_card_set_aspect (HeyaiSceneCard *self,
                             HeyaiAspect     aspect)
{
  int w, h;

  g_return_if_fail (HEYAI_IS_SCENE_CARD (self));

  switch (aspect)
    {
    case HEYAI_ASPECT_9_16: w = 180; h = 320; break;
    case HEYAI_ASPECT_1_1:  w = 200; h = 200; break;
    case HEYAI_ASPECT_16_9:
    default:                w = 240; h = 135; break;
    }
  if (w == self->thumb_width && h == self->thumb_height)
    return;
  self->thumb_width = w;
  self->thumb_height = h;
  gtk_widget_set_size_request (self->frame, w, h);
  gtk_widget_set_size_request (GTK_WIDGET (self->box), w, -1);
  g_clear_pointer (&self->still_path, g_free);
}

void
heyai_scene_card_set_scene (HeyaiSceneCard *self,
                            HeyaiScene     *scene)
{
  g_autoptr(GVariant) target = NULL;

  g_return_if_fail (HEYAI_IS_SCENE_CARD (self));

  if (self->scene == scene)
    return;

  if (self->scene != NULL)
    g_signal_handlers_disconnect_by_data (self->scene, self);
  g_set_object (&self->scene, scene);

  if (scene == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      return;
    }

  target = g_variant_ref_sink (g_variant_new_string (heyai_scene_get_id (scene)));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->approve_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reject_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->regenerate_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->animate_button), target);

  g_signal_connect_object (scene, "notify", G_CALLBACK (scene_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
  heyai_scene_card_refresh_still (self);
}

HeyaiScene *
heyai_scene_card_get_scene (HeyaiSceneCard *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE_CARD (self), NULL);
  return self->scene;
}

gboolean
heyai_scene_card_has_still (HeyaiSceneCard *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE_CARD (self), FALSE);
  return gtk_picture_get_paintable (self->still) != NULL;
}
