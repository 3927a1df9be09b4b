/* test-a11y.c: the window by keyboard and through GTK's accessibility API
 * (GTK_A11Y=test), and the contrast of the cards' chips in light and dark.
 *
 * GTK 4 has no public way to inject a key event (and Xvfb has no XTest
 * headers here), so press_key() runs what GTK runs for a key press: the
 * shortcut controllers (widget class bindings, the application's accels,
 * shortcuts) and key controllers, capture phase from the window down to the
 * focus widget, then bubble phase from the focus widget up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "heyai-clips-page.h"
#include "heyai-export-page.h"
#include "heyai-new-project-dialog.h"
#include "heyai-project-view.h"
#include "heyai-scene-card.h"
#include "heyai-storyboard-page.h"
#include "heyai-pipeline.h"
#include "ui-test-utils.h"

/* ------------------------------------------------------------------------ */
/* Keys                                                                      */

static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     mods)
{
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))) ==
             gdk_keyval_to_lower (keyval) &&
           (gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) & gtk_accelerator_get_default_mod_mask ()) == mods;
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods) ||
           trigger_matches (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval, mods);
  return FALSE;
}

static gboolean
run_controllers (GtkWidget           *widget,
                 GtkPropagationPhase  phase,
                 guint                keyval,
                 GdkModifierType      mods)
{
  g_autoptr(GListModel) controllers = NULL;

  if (!gtk_widget_is_sensitive (widget))
    return FALSE;
  controllers = gtk_widget_observe_controllers (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (gtk_event_controller_get_propagation_phase (controller) != phase)
        continue;
      if (GTK_IS_SHORTCUT_CONTROLLER (controller))
        {
          GListModel *shortcuts = G_LIST_MODEL (controller);

          for (guint j = 0; j < g_list_model_get_n_items (shortcuts); j++)
            {
              g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (shortcuts, j);

              if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval, mods) &&
                  gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                widget, gtk_shortcut_get_arguments (shortcut)))
                {
                  if (g_getenv ("HEYAI_A11Y_TRACE") != NULL)
                    {
                      g_autofree char *what = gtk_shortcut_action_to_string (gtk_shortcut_get_action (shortcut));
                      g_test_message ("key %s: %s on %s", gdk_keyval_name (keyval), what, G_OBJECT_TYPE_NAME (widget));
                    }
                  return TRUE;
                }
            }
        }
      else if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          gboolean handled = FALSE;

          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, mods, &handled);
          if (handled)
            return TRUE;
        }
    }
  return FALSE;
}

/* Presses @keyval with @mods on @window's focus widget; TRUE when something
 * handled it. */
static gboolean
press_key (GtkWindow       *window,
           guint            keyval,
           GdkModifierType  mods)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean handled = FALSE;

  for (GtkWidget *w = focus != NULL ? focus : GTK_WIDGET (window); w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_add (chain, g_object_ref (w));
  for (guint i = chain->len; i > 0 && !handled; i--)
    handled = run_controllers (g_ptr_array_index (chain, i - 1), GTK_PHASE_CAPTURE, keyval, mods);
  for (guint i = 0; i < chain->len && !handled; i++)
    handled = run_controllers (g_ptr_array_index (chain, i), GTK_PHASE_BUBBLE, keyval, mods) ||
              (i == 0 && run_controllers (g_ptr_array_index (chain, i), GTK_PHASE_TARGET, keyval, mods));
  ui_test_spin (60);
  return handled;
}

static GtkWidget *
focus_of (GtkWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* Waits (up to 10 s: a loaded machine under a sanitizer may need several
 * frames) until @widget is mapped, or unmapped. */
static gboolean
wait_mapped (GtkWidget *widget,
             gboolean   mapped)
{
  for (guint waited = 0; waited < 10000 && gtk_widget_get_mapped (widget) != mapped; waited += 50)
    ui_test_spin (50);
  return gtk_widget_get_mapped (widget) == mapped;
}

static HeyaiSceneCard *
card_of (GtkWidget *widget)
{
  GtkWidget *card;

  if (widget == NULL)
    return NULL;
  card = gtk_widget_get_ancestor (widget, HEYAI_TYPE_SCENE_CARD);
  if (card == NULL && HEYAI_IS_SCENE_CARD (gtk_widget_get_first_child (widget)))
    card = gtk_widget_get_first_child (widget);   /* the grid's item around the card */
  return card != NULL ? HEYAI_SCENE_CARD (card) : NULL;
}

/* Presses Tab (at most @max times) until @pred holds for the focus widget. */
static GtkWidget *
tab_until (GtkWindow *window,
           gboolean (*pred) (GtkWidget *w, gpointer data),
           gpointer   data,
           guint      max)
{
  g_autoptr(GString) path = g_string_new (NULL);

  for (guint i = 0; i < max; i++)
    {
      GtkWidget *focus;

      g_assert_true (press_key (window, GDK_KEY_Tab, 0));
      focus = focus_of (window);
      if (g_getenv ("HEYAI_A11Y_TRACE") != NULL)
        g_test_message ("Tab %u: %s (%s) %s", i + 1, focus ? G_OBJECT_TYPE_NAME (focus) : "none",
                        focus ? gtk_widget_get_css_name (focus) : "",
                        focus && gtk_widget_get_tooltip_text (focus) ? gtk_widget_get_tooltip_text (focus) : "");
      g_string_append_printf (path, "%s%s", i > 0 ? " > " : "", focus ? G_OBJECT_TYPE_NAME (focus) : "none");
      if (focus != NULL && pred (focus, data))
        {
          g_test_message ("reached %s after %u Tab", G_OBJECT_TYPE_NAME (focus), i + 1);
          return focus;
        }
    }
  /* Say where the focus went, so that a failure on CI can be read. */
  g_test_message ("not reached after %u Tab: %s", max, path->str);
  return NULL;
}

static gboolean
is_card (GtkWidget *w,
         gpointer   data)
{
  return card_of (w) != NULL && !GTK_IS_BUTTON (w);
}

static gboolean
has_class (GtkWidget *w,
           gpointer   data)
{
  return gtk_widget_has_css_class (w, data);
}

/* The mapped descendants of @root with the CSS class @css_class. */
static guint
count_mapped_with_class (GtkWidget  *root,
                         const char *css_class)
{
  guint n = gtk_widget_get_mapped (root) && gtk_widget_has_css_class (root, css_class) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_mapped_with_class (child, css_class);
  return n;
}

static gboolean
is_button_labelled (GtkWidget *w,
                    gpointer   data)
{
  GtkWidget *label;

  if (!GTK_IS_BUTTON (w))
    return FALSE;
  if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), data) == 0)
    return TRUE;
  label = gtk_button_get_child (GTK_BUTTON (w));
  if (ADW_IS_BUTTON_CONTENT (label))
    return g_strcmp0 (adw_button_content_get_label (ADW_BUTTON_CONTENT (label)), data) == 0;
  return GTK_IS_LABEL (label) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), data) == 0;
}

static guint
scene_position_of_focus (GtkWindow *window)
{
  HeyaiSceneCard *card = card_of (focus_of (window));

  g_assert_nonnull (card);
  return (guint) heyai_scene_get_position (heyai_scene_card_get_scene (card));
}

static gboolean
is_project_child (GtkWidget *w,
                  gpointer   data)
{
  return GTK_IS_FLOW_BOX_CHILD (w) || gtk_widget_get_ancestor (w, GTK_TYPE_FLOW_BOX_CHILD) != NULL;
}

/* The projects page by keyboard: Tab reaches a project card, arrows move
 * between cards, its menu button is reachable, Enter opens the project. */
static void
test_projects_keyboard (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) a = ui_test_make_project (store, "Keys A", 2, TRUE);
  g_autoptr(HeyaiProject) b = ui_test_make_project (store, "Keys B", 2, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  GtkWidget *focus, *first;

  heyai_window_show_projects (window);
  ui_test_spin (500);
  focus = tab_until (GTK_WINDOW (window), is_project_child, NULL, 30);
  g_assert_nonnull (focus);
  first = GTK_IS_FLOW_BOX_CHILD (focus) ? focus : gtk_widget_get_ancestor (focus, GTK_TYPE_FLOW_BOX_CHILD);
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Right, 0));
  focus = focus_of (GTK_WINDOW (window));
  g_assert_true (is_project_child (focus, NULL));
  g_assert_true ((GTK_IS_FLOW_BOX_CHILD (focus) ? focus : gtk_widget_get_ancestor (focus, GTK_TYPE_FLOW_BOX_CHILD)) != first);
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));
  ui_test_spin (400);
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "project");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The storyboard, the scene pane and its takes by keyboard: Tab reaches the
 * cards, arrows move between them, Space selects, A approves, Tab goes on
 * to the card's buttons and to the pane's takes, Enter picks a take. */
static void
test_storyboard_keyboard (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Keys", 3, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiStoryboardPage *page;
  GtkSelectionModel *selection;
  GtkWidget *focus;
  g_autoptr(HeyaiScene) second = NULL;
  guint first_pos;

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  page = heyai_project_view_get_storyboard_page (view);
  selection = heyai_storyboard_page_get_selection (page);
  ui_test_wait_frame (GTK_WIDGET (window));
  ui_test_spin (300);

  focus = tab_until (GTK_WINDOW (window), is_card, NULL, 40);
  g_assert_nonnull (focus);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (card_of (focus)), GTK_ACCESSIBLE_ROLE_GROUP);
  first_pos = scene_position_of_focus (GTK_WINDOW (window));

  /* Right moves to the next card and selects it (the pane opens on it),
   * Left back; A approves the selected card; Space toggles its selection. */
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Right, 0));
  g_assert_cmpuint (scene_position_of_focus (GTK_WINDOW (window)), ==, first_pos + 1);
  g_assert_true (gtk_selection_model_is_selected (selection, first_pos));   /* positions are 1-based */
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Left, 0));
  g_assert_cmpuint (scene_position_of_focus (GTK_WINDOW (window)), ==, first_pos);
  g_assert_true (gtk_selection_model_is_selected (selection, first_pos - 1));
  g_assert_false (gtk_selection_model_is_selected (selection, first_pos));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Right, 0));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_a, 0));
  ui_test_spin (200);
  second = heyai_store_get_scene_at (store, heyai_project_get_id (project), (int) first_pos + 1, NULL);
  g_assert_nonnull (second);
  g_assert_cmpint (heyai_scene_get_approval (second), ==, HEYAI_APPROVAL_APPROVED);
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_space, 0));
  g_assert_false (gtk_selection_model_is_selected (selection, first_pos));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_space, 0));
  g_assert_true (gtk_selection_model_is_selected (selection, first_pos));
  /* Enter opens the scene in the pane. */
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));
  ui_test_spin (200);

  /* Tab goes on to the card's own buttons, and on to the pane's takes. */
  focus = tab_until (GTK_WINDOW (window), has_class, "take", 60);
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_focusable (focus));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_PROPERTY_LABEL, "Still take 1, in use");
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  int clicked;
} Clicks;

static void
count_click (GtkButton *button,
             Clicks    *clicks)
{
  clicks->clicked++;
}

/* The clips page's filmstrip and transport by keyboard: Tab reaches each
 * film frame (an accessible button with the scene's name), Enter and Space
 * pick it; Tab reaches the transport. */
static void
test_clips_keyboard (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Film keys", 3, TRUE);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  GtkWidget *focus, *second_frame;
  Clicks clicks = { 0 };

  for (guint i = 0; i < scenes->len; i++)
    g_assert_true (heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_APPROVED, NULL));
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "clips");
  ui_test_wait_frame (GTK_WIDGET (window));
  /* The filmstrip fills itself once shown: wait (bounded) until every scene's
   * frame is on screen, or a loaded machine tabs through a half-built strip. */
  for (guint waited = 0; waited < 10000 && count_mapped_with_class (GTK_WIDGET (view), "film-frame") < scenes->len;
       waited += 50)
    ui_test_spin (50);
  g_assert_cmpuint (count_mapped_with_class (GTK_WIDGET (view), "film-frame"), ==, scenes->len);
  ui_test_spin (100);

  focus = tab_until (GTK_WINDOW (window), has_class, "film-frame", 40);
  g_assert_nonnull (focus);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Scene 1: Scene title 1, still only (no clip yet)");
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Tab, 0));
  second_frame = focus_of (GTK_WINDOW (window));
  g_assert_true (gtk_widget_has_css_class (second_frame, "film-frame"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (second_frame), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Scene 2: Scene title 2, still only (no clip yet)");
  g_signal_connect (second_frame, "clicked", G_CALLBACK (count_click), &clicks);
  /* a button's activation ends (and clicks) after its press animation */
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));
  ui_test_spin (400);
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_space, 0));
  ui_test_spin (400);
  g_assert_cmpint (clicks.clicked, ==, 2);
  ui_test_spin (200);
  g_assert_true (gtk_widget_has_css_class (second_frame, "current"));

  /* The transport: Play Animatic is reachable and operable. */
  focus = tab_until (GTK_WINDOW (window), is_button_labelled, "Play _Animatic", 40);
  g_assert_nonnull (focus);
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));
  ui_test_spin (400);
  g_assert_true (heyai_clips_page_get_animatic_playing (heyai_project_view_get_clips_page (view)));
  g_assert_true (is_button_labelled (focus, "_Stop Animatic"));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));
  ui_test_spin (400);
  g_assert_false (heyai_clips_page_get_animatic_playing (heyai_project_view_get_clips_page (view)));
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkWidget *find_class (GtkWidget *root, const char *css_class);

static GtkWidget *
find_label_prefix (GtkWidget  *root,
                   const char *prefix)
{
  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (root)), prefix))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label_prefix (c, prefix);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The export page by keyboard: every switch, the folder button and Export. */
static void
test_export_keyboard (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Export keys", 8, TRUE);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  GtkWidget *focus;
  guint n_switches = 0;
  GHashTable *seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < scenes->len; i++)
    g_assert_true (heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_APPROVED, NULL));
  /* A second take of scene 1, made after all the others. */
  {
    g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
    g_autofree char *path = g_build_filename (ui_test_data_dir (), "scene-01-take-2.png", NULL);

    ui_test_write_png (path, 320, 180, 99);
    heyai_asset_set_project_id (asset, heyai_project_get_id (project));
    heyai_asset_set_scene_id (asset, heyai_scene_get_id (g_ptr_array_index (scenes, 0)));
    heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
    heyai_asset_set_take (asset, 2);
    heyai_asset_set_provider (asset, "offline");
    heyai_asset_set_model (asset, "test");
    heyai_asset_set_local_path (asset, path);
    g_assert_true (heyai_store_insert_asset (store, asset, NULL));
  }
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "export");
  ui_test_wait_frame (GTK_WIDGET (window));
  ui_test_spin (300);
  /* The page fills itself when it is mapped: on a loaded machine under a
   * sanitizer that may come later than the spin above, and an insensitive
   * Export button is skipped by Tab. */
  {
    GtkWidget *button = ui_test_find_by_tooltip (GTK_WIDGET (heyai_project_view_get_export_page (view)),
                                                 GTK_TYPE_BUTTON, "Export the handoff package (Ctrl+E)");

    g_assert_nonnull (button);
    for (guint waited = 0; waited < 30000 && !(gtk_widget_get_mapped (button) && gtk_widget_is_sensitive (button));
         waited += 100)
      ui_test_spin (100);
    g_assert_true (gtk_widget_get_mapped (button));
    g_assert_true (gtk_widget_is_sensitive (button));
  }

  /* The file list's rows are focusable and come before Export in the
   * focus chain: 400 is only a bound against a focus trap. */
  focus = tab_until (GTK_WINDOW (window), is_button_labelled, "_Export", 400);
  if (focus == NULL)
    focus = tab_until (GTK_WINDOW (window), is_button_labelled, "Export", 400);
  g_assert_nonnull (focus);
  /* Going round once more meets every switch of the page (the loop ends
   * back on Export; the bound only stops a focus trap: the file list's
   * rows are focusable too, and under a sanitizer they may all be there). */
  for (guint i = 0; i < 400; i++)
    {
      GtkWidget *w;

      g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Tab, 0));
      w = focus_of (GTK_WINDOW (window));
      if (GTK_IS_SWITCH (w) && !g_hash_table_contains (seen, w))
        {
          g_hash_table_add (seen, w);
          n_switches++;
        }
      if (w == focus)
        break;
    }
  g_test_message ("%u switches reached", n_switches);

  /* The package's files are listed scene by scene (the store gives them by
   * creation time, and ids break ties at random). */
  {
    GtkWidget *list = find_class (GTK_WIDGET (heyai_project_view_get_export_page (view)), "files-list");
    guint expected = 1, take = 1;

    g_assert_nonnull (list);
    for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
      {
        g_autofree char *title = NULL;

        if (!ADW_IS_PREFERENCES_ROW (row))
          continue;
        title = g_strdup_printf ("Scene %u · still, take %u", expected, take);
        g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
        if (expected == 1 && take == 1)
          take = 2;
        else
          {
            expected++;
            take = 1;
          }
      }
    g_assert_cmpuint (expected, ==, 9);
  }
  g_assert_cmpuint (n_switches, ==, ui_test_count_widgets (GTK_WIDGET (heyai_project_view_get_export_page (view)),
                                                           GTK_TYPE_SWITCH));
  g_hash_table_unref (seen);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_jobs_button (GtkWidget *w,
                gpointer   data)
{
  GtkWidget *button = GTK_IS_MENU_BUTTON (w) ? w : gtk_widget_get_ancestor (w, GTK_TYPE_MENU_BUTTON);

  return button != NULL && g_strcmp0 (gtk_widget_get_tooltip_text (button), "Show Running Jobs") == 0;
}

/* The running jobs by keyboard: Tab reaches the progress button, Enter
 * opens the popover with focus inside it (a job's Cancel), Escape closes it
 * and gives focus back. */
static void
test_jobs_keyboard (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  /* The batch must outlast the keyboard walk, even on a fast machine: 200
   * stills one at a time (a loaded CI machine under ASan had finished 40
   * before the popover was opened the second time). */
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Jobs keys", 200, FALSE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  GtkWidget *focus, *button, *inside;
  GtkPopover *popover;
  gboolean finished = FALSE;
  gulong id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);

  g_settings_set_int (heyai_application_get_settings (app), "concurrency-imager", 1);
  heyai_application_reload_providers (app);
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  heyai_project_view_run (view, HEYAI_RUN_IMAGES);
  g_assert_true (heyai_application_is_running (app, project));
  ui_test_spin (500);

  focus = tab_until (GTK_WINDOW (window), is_jobs_button, NULL, 60);
  g_assert_nonnull (focus);
  button = GTK_IS_MENU_BUTTON (focus) ? focus : gtk_widget_get_ancestor (focus, GTK_TYPE_MENU_BUTTON);
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));
  g_assert_true (wait_mapped (GTK_WIDGET (popover), TRUE));
  /* focus moves into the popover: a job's Cancel or Cancel All */
  inside = focus_of (GTK_WINDOW (window));
  g_assert_nonnull (inside);
  g_assert_true (gtk_widget_is_ancestor (inside, GTK_WIDGET (popover)));
  /* Escape closes it and gives the focus back to the button */
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  g_assert_true (wait_mapped (GTK_WIDGET (popover), FALSE));
  g_assert_true (is_jobs_button (focus_of (GTK_WINDOW (window)), NULL));
  /* on the button itself, not on what is left inside the hidden popover */
  g_assert_false (gtk_widget_is_ancestor (focus_of (GTK_WINDOW (window)), GTK_WIDGET (popover)));

  /* Again, and Cancel All by keyboard: the toast counts the cancelled jobs. */
  g_assert_true (heyai_application_is_running (app, project));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_space, 0));
  g_assert_true (wait_mapped (GTK_WIDGET (popover), TRUE));
  for (guint i = 0; i < 200 && !is_button_labelled (focus_of (GTK_WINDOW (window)), "Cancel _All"); i++)
    g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Tab, 0));
  g_assert_true (is_button_labelled (focus_of (GTK_WINDOW (window)), "Cancel _All"));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Return, 0));
  g_assert_true (ui_test_wait (&finished, 120000));
  ui_test_spin (200);
  g_test_message ("toast: %s", heyai_window_get_last_toast (window));
  g_assert_true (g_str_has_prefix (heyai_window_get_last_toast (window), "Batch stopped: "));
  g_assert_nonnull (strstr (heyai_window_get_last_toast (window), " cancelled ("));
  g_signal_handler_disconnect (app, id);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (heyai_application_get_settings (app), "concurrency-imager");
  heyai_application_reload_providers (app);
}

/* Ctrl+O and a dropped file open the new-project dialog with the script
 * loaded (aspect ratio and style still to choose), not a project at once; an
 * empty file says so in the dialog and cannot be created. */
static void
test_open_file_dialog (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autofree char *path = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"), "night-shift.fountain", NULL);
  g_autofree char *empty_path = g_build_filename (ui_test_data_dir (), "empty.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) empty = g_file_new_for_path (empty_path);
  g_autoptr(GPtrArray) before = heyai_store_list_projects (store, NULL);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiNewProjectDialog *dialog;
  GtkWidget *create, *stats;
  g_autoptr(GError) error = NULL;

  dialog = heyai_window_new_project_dialog_for_file (window, file);
  g_assert_true (HEYAI_IS_NEW_PROJECT_DIALOG (dialog));
  ui_test_spin (600);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  after = heyai_store_list_projects (store, NULL);
  g_assert_cmpuint (after->len, ==, before->len);   /* nothing made yet */
  create = find_class (GTK_WIDGET (dialog), "suggested-action");
  g_assert_nonnull (create);
  g_assert_true (gtk_widget_get_sensitive (create));
  project = heyai_new_project_dialog_create (dialog, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (heyai_project_get_script (project), "INT."));
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (g_file_set_contents (empty_path, "\n\n", -1, NULL));
  dialog = heyai_window_new_project_dialog_for_file (window, empty);
  ui_test_spin (600);
  create = find_class (GTK_WIDGET (dialog), "suggested-action");
  g_assert_false (gtk_widget_get_sensitive (create));
  stats = find_label_prefix (GTK_WIDGET (dialog), "The script is empty.");
  g_assert_nonnull (stats);
  g_test_message ("empty file: %s", gtk_label_get_label (GTK_LABEL (stats)));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------------ */
/* Contrast                                                                  */

static double
channel (double c)
{
  return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (const guchar *px)
{
  /* GDK_MEMORY_DEFAULT: B G R A premultiplied, opaque here */
  return 0.2126 * channel (px[2] / 255.0) + 0.7152 * channel (px[1] / 255.0) + 0.0722 * channel (px[0] / 255.0);
}

static double
contrast (double l1,
          double l2)
{
  return (MAX (l1, l2) + 0.05) / (MIN (l1, l2) + 0.05);
}

typedef struct
{
  double bg_luminance;
  double text_contrast;   /* the text's most distinct pixel against the background */
} ChipMeasure;

/* Renders @root and measures @chip inside it: its background is its most
 * common colour, its text the pixel that differs most from it. */
static ChipMeasure
measure_chip (GtkWidget *root,
              GtkWidget *chip)
{
  graphene_rect_t bounds;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GdkPaintable *paintable;
  g_autofree guchar *data = NULL;
  int w = gtk_widget_get_width (root), h = gtk_widget_get_height (root);
  gsize stride = (gsize) w * 4;
  guint32 bg = 0;
  guint best = 0;
  ChipMeasure m = { 0, 1 };
  GHashTableIter iter;
  gpointer key, value;
  int x0, y0, x1, y1;

  g_assert_true (gtk_widget_compute_bounds (chip, root, &bounds));
  paintable = gtk_widget_paintable_new (root);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (root)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_object_unref (paintable);
  data = g_malloc (stride * h);
  gdk_texture_download (texture, data, stride);

  /* inside the rounded ends */
  x0 = (int) ceil (bounds.origin.x + bounds.size.height / 2);
  x1 = (int) floor (bounds.origin.x + bounds.size.width - bounds.size.height / 2);
  y0 = (int) ceil (bounds.origin.y + 1);
  y1 = (int) floor (bounds.origin.y + bounds.size.height - 1);
  g_assert_cmpint (x1, >, x0);
  g_assert_cmpint (y1, >, y0);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 px;

        memcpy (&px, data + (gsize) y * stride + (gsize) x * 4, 4);
        g_hash_table_insert (counts, GUINT_TO_POINTER (px),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (px))) + 1));
      }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > best)
      {
        best = GPOINTER_TO_UINT (value);
        bg = GPOINTER_TO_UINT (key);
      }
  m.bg_luminance = luminance ((const guchar *) &bg);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint32 px = GPOINTER_TO_UINT (key);

      m.text_contrast = MAX (m.text_contrast, contrast (m.bg_luminance, luminance ((const guchar *) &px)));
    }
  return m;
}

static GtkWidget *
find_class (GtkWidget  *root,
            const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_class (c, css_class);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
still_path_cb (HeyaiScene *scene,
               gpointer    user_data)
{
  return *(const char **) user_data;
}

static void
write_plain_png (const char *path,
                 double      grey)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 320, 180);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, grey, grey, grey);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* Every status chip and the number badge keep 4.5:1 (WCAG AA) between their
 * text and their own background, in light and dark, on a white still and a
 * black still: measured on the rendered card. */
static void
test_chip_contrast (void)
{
  static const struct { HeyaiSceneStatus status; HeyaiApproval approval; } states[] = {
    { HEYAI_SCENE_STATUS_PENDING, HEYAI_APPROVAL_PENDING },
    { HEYAI_SCENE_STATUS_RENDERING, HEYAI_APPROVAL_PENDING },
    { HEYAI_SCENE_STATUS_READY, HEYAI_APPROVAL_PENDING },
    { HEYAI_SCENE_STATUS_APPROVED, HEYAI_APPROVAL_APPROVED },
    { HEYAI_SCENE_STATUS_REJECTED, HEYAI_APPROVAL_REJECTED },
    { HEYAI_SCENE_STATUS_ANIMATING, HEYAI_APPROVAL_APPROVED },
    { HEYAI_SCENE_STATUS_CLIP_READY, HEYAI_APPROVAL_APPROVED },
    { HEYAI_SCENE_STATUS_FAILED, HEYAI_APPROVAL_PENDING },
  };
  HeyaiApplication *app = ui_test_app ();   /* the data dir, the style sheet */
  AdwStyleManager *style = adw_style_manager_get_default ();
  const char *dir = ui_test_data_dir ();
  g_autofree char *white = g_build_filename (dir, "white.png", NULL);
  g_autofree char *black = g_build_filename (dir, "black.png", NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *card;
  const char *still_path = NULL;
  double worst = 100;

  card = heyai_scene_card_new (heyai_application_get_thumbnailer (app), still_path_cb, &still_path);
  write_plain_png (white, 1.0);
  write_plain_png (black, 0.0);
  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_window_set_default_size (GTK_WINDOW (window), 320, 300);
  gtk_window_present (GTK_WINDOW (window));

  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint still = 0; still < 2; still++)
        for (guint i = 0; i < G_N_ELEMENTS (states); i++)
          {
            g_autoptr(HeyaiScene) scene = heyai_scene_new ();
            ChipMeasure chip, badge;

            heyai_scene_set_id (scene, "contrast-scene");
            heyai_scene_set_position (scene, 7);
            heyai_scene_set_title (scene, "Harbour at dawn");
            heyai_scene_set_duration (scene, 5);
            heyai_scene_set_status (scene, states[i].status);
            heyai_scene_set_approval (scene, states[i].approval);
            still_path = still ? black : white;
            heyai_scene_card_set_scene (HEYAI_SCENE_CARD (card), scene);
            for (guint k = 0; k < 100 && !heyai_scene_card_has_still (HEYAI_SCENE_CARD (card)); k++)
              ui_test_spin (20);
            g_assert_true (heyai_scene_card_has_still (HEYAI_SCENE_CARD (card)));
            ui_test_wait_frame (card);
            ui_test_spin (50);
            chip = measure_chip (window, find_class (card, "chip"));
            badge = measure_chip (window, find_class (card, "number-badge"));
            g_test_message ("%s, %s still, %s: chip %.2f:1, badge %.2f:1", dark ? "dark" : "light",
                            still ? "black" : "white", heyai_scene_status_label (states[i].status),
                            chip.text_contrast, badge.text_contrast);
            g_assert_cmpfloat (chip.text_contrast, >=, 4.5);
            g_assert_cmpfloat (badge.text_contrast, >=, 4.5);
            worst = MIN (worst, MIN (chip.text_contrast, badge.text_contrast));
          }
    }
  g_test_message ("lowest chip contrast %.2f:1", worst);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/ui/a11y/projects-keyboard", test_projects_keyboard);
  g_test_add_func ("/ui/a11y/storyboard-keyboard", test_storyboard_keyboard);
  g_test_add_func ("/ui/a11y/clips-keyboard", test_clips_keyboard);
  g_test_add_func ("/ui/a11y/export-keyboard", test_export_keyboard);
  g_test_add_func ("/ui/a11y/jobs-keyboard", test_jobs_keyboard);
  g_test_add_func ("/ui/a11y/chip-contrast", test_chip_contrast);
  g_test_add_func ("/ui/flow/open-file-dialog", test_open_file_dialog);

  ret = g_test_run ();
  ui_test_cleanup ();
  return ret;
}
