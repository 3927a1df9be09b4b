/* test-ui.c: the heyai-studio window under Xvfb (skips without a display).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <gtksourceview/gtksource.h>

#include "heyai-export.h"
#include "heyai-secrets.h"
#include "heyai-clips-page.h"
#include "heyai-player.h"
#include "heyai-preferences-window.h"
#include "heyai-progress-pie.h"
#include "heyai-project-view.h"
#include "heyai-projects-page.h"
#include "heyai-scene-card.h"
#include "heyai-background.h"
#include "heyai-drive-signin.h"
#include "heyai-storyboard-page.h"
#include "heyai-sync-controller.h"
#include "heyai-new-project-dialog.h"
#include "ui-test-utils.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The app starts (G_DEBUG=fatal-criticals in the test env), shows its window
 * on the projects page, lists a project and opens it. */
static void
test_window_shows (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiWindow *window;
  g_autoptr(HeyaiProject) project = NULL;
  g_autofree char *shot = NULL;
  GListModel *model;

  project = ui_test_make_project (heyai_application_get_store (app), "Night Shift", 6, TRUE);
  window = ui_test_new_window (NULL, 1280, 820);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "projects");

  model = heyai_projects_page_get_model (heyai_window_get_projects_page (window));
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
  ui_test_spin (400);   /* thumbnails decode off the main thread */
  shot = ui_test_screenshot (GTK_WIDGET (window), "projects");
  g_assert_nonnull (shot);
  g_assert_true (g_file_test (shot, G_FILE_TEST_EXISTS));

  heyai_window_open_project (window, project);
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "project");
  g_assert_true (heyai_project_view_get_project (heyai_window_get_project_view (window)) == project);
  /* A project with scenes opens on its storyboard. */
  g_assert_cmpstr (heyai_project_view_get_visible_page (heyai_window_get_project_view (window)), ==, "storyboard");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "projects");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* 1000 scenes: the first screenful first, the rest after the first frame;
 * the grid recycles a screenful of cards. */
static void
test_storyboard_1000 (void)
{
  HeyaiApplication *app = ui_test_app ();
  g_autoptr(HeyaiProject) project = ui_test_make_project (heyai_application_get_store (app), "Thousand", 1000, FALSE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiStoryboardPage *page;
  GListModel *model;
  g_autoptr(HeyaiScene) head = NULL;
  guint n_cards, n_first;

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  page = heyai_project_view_get_storyboard_page (view);
  ui_test_wait_frame (GTK_WIDGET (window));

  /* The first frame has the first screenful of scenes; the rest joins in
   * the next frames, after the same first objects (their cards stay). */
  model = heyai_storyboard_page_get_model (page);
  n_first = g_list_model_get_n_items (model);
  g_test_message ("%u scenes in the first frame", n_first);
  g_assert_cmpuint (n_first, >, 0);
  head = g_list_model_get_item (model, 0);
  for (guint i = 0; i < 200 && g_list_model_get_n_items (model) < 1000; i++)
    ui_test_spin (10);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1000);
  {
    g_autoptr(HeyaiScene) first = g_list_model_get_item (model, 0);
    g_autoptr(HeyaiScene) last = g_list_model_get_item (model, 999);
    g_assert_true (first == head);
    g_assert_cmpint (heyai_scene_get_position (first), ==, 1);
    g_assert_cmpint (heyai_scene_get_position (last), ==, 1000);
  }
  /* The run button counts every scene, not the first screenful. */
  {
    GtkWidget *run = ui_test_find_by_tooltip (GTK_WIDGET (view), ADW_TYPE_SPLIT_BUTTON,
                                              "Make a still for the 1000 scenes without one");

    g_assert_nonnull (run);
  }
  n_cards = ui_test_count_widgets (GTK_WIDGET (page), HEYAI_TYPE_SCENE_CARD);
  g_test_message ("%u cards for 1000 scenes", n_cards);
  g_assert_cmpuint (n_cards, >, 0);
  g_assert_cmpuint (n_cards, <, 400);

  /* Opened and straight to another page: the storyboard draws no frames,
   * and still holds every scene shortly after. */
  heyai_window_show_projects (window);
  ui_test_wait_frame (GTK_WIDGET (window));
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "clips");
  for (guint i = 0; i < 200 && g_list_model_get_n_items (model) < 1000; i++)
    ui_test_spin (10);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1000);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_frame_cb (GdkFrameClock *clock,
                guint         *frames)
{
  (*frames)++;
}

static const char *
no_still_cb (HeyaiScene *scene,
             gpointer    user_data)
{
  return NULL;
}

/* A card whose render reports no progress says so with its chip alone: no
 * pulsing bar, so an idle window draws no frames while remote renders wait
 * (GTK animates a pulsing bar every frame).  A known fraction shows as a bar. */
static void
test_card_progress_quiet (void)
{
  HeyaiApplication *app = ui_test_app ();
  GtkWidget *window = gtk_window_new ();
  GtkWidget *card = heyai_scene_card_new (heyai_application_get_thumbnailer (app), no_still_cb, NULL);
  g_autoptr(HeyaiScene) scene = heyai_scene_new ();
  GtkWidget *bar;
  guint frames = 0;
  gulong id;

  heyai_scene_set_id (scene, "quiet-card");
  heyai_scene_set_position (scene, 3);
  heyai_scene_set_title (scene, "Harbour at dawn");
  heyai_scene_set_duration (scene, 5);
  heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_RENDERING);
  heyai_scene_set_progress (scene, 0.0);
  heyai_scene_card_set_scene (HEYAI_SCENE_CARD (card), scene);
  gtk_window_set_child (GTK_WINDOW (window), card);
  gtk_window_set_default_size (GTK_WINDOW (window), 320, 300);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_frame (window);
  ui_test_spin (300);

  bar = ui_test_find_by_tooltip (card, GTK_TYPE_PROGRESS_BAR, NULL);
  g_assert_nonnull (bar);
  g_assert_false (gtk_widget_get_visible (bar));
  id = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (count_frame_cb), &frames);
  ui_test_spin (1000);
  g_test_message ("a rendering card with no progress: %u frames in 1 s", frames);
  g_assert_cmpuint (frames, <=, 2);

  heyai_scene_set_progress (scene, 0.4);
  ui_test_spin (100);
  g_assert_true (gtk_widget_get_visible (bar));
  g_assert_cmpfloat_with_epsilon (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), 0.4, 1e-9);
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (window), id);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Approve / reject (single scene and A / R on the selection) and regenerate act
 * on the model and the store. */
static void
test_storyboard_actions (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Actions", 4, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiStoryboardPage *page;
  g_autoptr(HeyaiScene) s1 = NULL;
  g_autoptr(HeyaiScene) s2 = NULL;
  g_autoptr(HeyaiScene) s3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  gboolean finished = FALSE;
  gulong id;
  int takes_before;

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  page = heyai_project_view_get_storyboard_page (view);
  ui_test_wait_frame (GTK_WIDGET (window));

  s1 = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, &error);
  s2 = heyai_store_get_scene_at (store, heyai_project_get_id (project), 2, &error);
  s3 = heyai_store_get_scene_at (store, heyai_project_get_id (project), 3, &error);
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "storyboard.approve", "s", heyai_scene_get_id (s1)));
  g_assert_cmpint (heyai_scene_get_approval (s1), ==, HEYAI_APPROVAL_APPROVED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "storyboard.reject", "s", heyai_scene_get_id (s2)));
  g_assert_cmpint (heyai_scene_get_approval (s2), ==, HEYAI_APPROVAL_REJECTED);

  /* What the store holds, read back through a second connection. */
  {
    g_autofree char *db = g_build_filename (ui_test_data_dir (), "heyai.db", NULL);
    g_autoptr(HeyaiStore) other = heyai_store_new (db, &error);
    g_autoptr(HeyaiScene) r1 = NULL;
    g_autoptr(HeyaiScene) r2 = NULL;

    g_assert_no_error (error);
    r1 = heyai_store_get_scene (other, heyai_scene_get_id (s1), &error);
    r2 = heyai_store_get_scene (other, heyai_scene_get_id (s2), &error);
    g_assert_cmpint (heyai_scene_get_approval (r1), ==, HEYAI_APPROVAL_APPROVED);
    g_assert_cmpint (heyai_scene_get_approval (r2), ==, HEYAI_APPROVAL_REJECTED);
  }

  /* Select scene 3 and press A. */
  gtk_selection_model_select_item (heyai_storyboard_page_get_selection (page), 2, TRUE);
  ui_test_wait_frame (GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "storyboard.approve-selected", NULL));
  g_assert_cmpint (heyai_scene_get_approval (s3), ==, HEYAI_APPROVAL_APPROVED);
  shot = ui_test_screenshot (GTK_WIDGET (window), "storyboard");

  /* Reordering in the store (what a drop on a card does) reorders the grid. */
  {
    GListModel *model = heyai_storyboard_page_get_model (page);
    g_autoptr(HeyaiScene) first = NULL;

    g_assert_true (heyai_store_move_scene (store, s3, 1, &error));
    g_assert_no_error (error);
    heyai_storyboard_page_reload (page);
    first = g_list_model_get_item (model, 0);
    g_assert_true (first == s3);
    g_assert_cmpint (heyai_scene_get_position (s3), ==, 1);
    g_assert_cmpint (heyai_scene_get_position (s1), ==, 2);
    g_assert_true (heyai_store_move_scene (store, s3, 3, &error));
    heyai_storyboard_page_reload (page);
  }

  /* Regenerate scene 1: the offline imager makes take 2. */
  takes_before = heyai_store_max_take (store, heyai_scene_get_id (s1), HEYAI_ASSET_KIND_IMAGE);
  id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "storyboard.regenerate", "s", heyai_scene_get_id (s1)));
  g_assert_true (heyai_application_is_running (app, project));
  g_assert_true (ui_test_wait (&finished, 50000));
  g_signal_handler_disconnect (app, id);
  g_assert_cmpint (heyai_store_max_take (store, heyai_scene_get_id (s1), HEYAI_ASSET_KIND_IMAGE), ==, takes_before + 1);
  g_assert_false (heyai_application_is_running (app, project));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
notify_flag_cb (GObject    *object,
                GParamSpec *pspec,
                gboolean   *flag)
{
  *flag = TRUE;
}

/* The player loads a clip, reaches playing and reports its duration. */
static void
test_player (void)
{
  g_autofree char *clip = g_build_filename (ui_test_data_dir (), "test-clip.webm", NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  HeyaiPlayer *player;
  GtkMediaStream *stream;
  gboolean prepared = FALSE;
  gboolean playing = FALSE;

  ui_test_app ();
  if (!ui_test_write_clip (clip, &error))
    {
      g_test_skip (error->message);
      return;
    }

  window = gtk_window_new ();
  player = HEYAI_PLAYER (heyai_player_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (player));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 420);
  gtk_window_present (GTK_WINDOW (window));

  heyai_player_set_file (player, clip);
  stream = heyai_player_get_stream (player);
  g_assert_nonnull (stream);
  g_signal_connect (stream, "notify::prepared", G_CALLBACK (notify_flag_cb), &prepared);
  heyai_player_play (player);
  for (guint i = 0; i < 200 && !(gtk_media_stream_get_playing (stream) && gtk_media_stream_is_prepared (stream)); i++)
    ui_test_spin (50);
  g_assert_null (gtk_media_stream_get_error (stream));
  g_assert_true (gtk_media_stream_is_prepared (stream));
  playing = heyai_player_get_playing (player);
  g_assert_true (playing);
  g_test_message ("duration %" G_GINT64_FORMAT " us", heyai_player_get_duration (player));
  g_assert_cmpint (heyai_player_get_duration (player), >=, 1900000);
  g_assert_cmpint (heyai_player_get_duration (player), <=, 2100000);

  /* Frame step pauses. */
  heyai_player_step (player, 1);
  g_assert_false (heyai_player_get_playing (player));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = heyai_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("");
}

/* An API key typed in Preferences lands in the keyring (libsecret file
 * backend) and is read back by a new Preferences window. */
static void
test_preferences_secret (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiPreferencesWindow *prefs;
  AdwPasswordEntryRow *row;
  char *value = NULL;
  gboolean loaded = FALSE;

  prefs = heyai_preferences_window_new (app);
  gtk_window_present (GTK_WINDOW (prefs));
  for (guint i = 0; i < 100 && !heyai_preferences_window_get_keys_loaded (prefs); i++)
    ui_test_spin (20);
  g_assert_true (heyai_preferences_window_get_keys_loaded (prefs));
  row = heyai_preferences_window_get_key_row (prefs, HEYAI_SECRET_OPENAI);
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), "sk-test-ui-1234");
  g_signal_emit_by_name (row, "apply");

  for (guint i = 0; i < 100; i++)
    {
      g_clear_pointer (&value, g_free);
      heyai_secrets_lookup_async (HEYAI_SECRET_OPENAI, NULL, lookup_cb, &value);
      while (value == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (g_str_equal (value, "sk-test-ui-1234"))
        break;
      ui_test_spin (20);
    }
  g_assert_cmpstr (value, ==, "sk-test-ui-1234");
  g_clear_pointer (&value, g_free);
  g_free (ui_test_screenshot (GTK_WIDGET (prefs), "preferences"));
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* A new window reads it back. */
  prefs = heyai_preferences_window_new (app);
  for (guint i = 0; i < 100 && !loaded; i++)
    {
      ui_test_spin (20);
      loaded = heyai_preferences_window_get_keys_loaded (prefs);
    }
  row = heyai_preferences_window_get_key_row (prefs, HEYAI_SECRET_OPENAI);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "sk-test-ui-1234");

  /* Clearing the field removes it from the keyring. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  g_signal_emit_by_name (row, "apply");
  for (guint i = 0; i < 100; i++)
    {
      g_clear_pointer (&value, g_free);
      heyai_secrets_lookup_async (HEYAI_SECRET_OPENAI, NULL, lookup_cb, &value);
      while (value == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (*value == '\0')
        break;
      ui_test_spin (20);
    }
  g_assert_cmpstr (value, ==, "");
  g_free (value);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* Typing in the script editor reaches the store when the window closes, even
 * before the autosave delay. */
static void
test_script_autosave (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Script", 0, FALSE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  GtkTextBuffer *buffer;
  GtkTextIter end;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (ui_test_data_dir (), "heyai.db", NULL);
  g_autofree char *id = g_strdup (heyai_project_get_id (project));

  heyai_window_open_project (window, project);
  g_assert_cmpstr (heyai_project_view_get_visible_page (view), ==, "script");
  buffer = heyai_script_page_get_buffer (heyai_project_view_get_script_page (view));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "\nEXT. CLIFF - DAWN\n\nThe keeper watches the last ship.\n", -1);
  g_free (ui_test_screenshot (GTK_WIDGET (window), "script"));

  /* Closing flushes at once (the 500 ms timer has not fired yet). */
  gtk_window_close (GTK_WINDOW (window));
  {
    g_autoptr(HeyaiStore) other = heyai_store_new (db, &error);
    g_autoptr(HeyaiProject) reread = NULL;

    g_assert_no_error (error);
    reread = heyai_store_find_project (other, id, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (heyai_project_get_script (reread), "The keeper watches the last ship."));
  }
}

/* Screenshots of the other views, for review (clips, export, new project dialog). */
/* Any GtkSpinner spinning under root (a spinner redraws every frame). */
static gboolean
has_spinning_spinner (GtkWidget *root)
{
  if (GTK_IS_SPINNER (root) && gtk_spinner_get_spinning (GTK_SPINNER (root)) && gtk_widget_get_mapped (root))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (has_spinning_spinner (child))
      return TRUE;
  return FALSE;
}

static void
pie_fraction_cb (HeyaiProgressPie *pie,
                 GParamSpec       *pspec,
                 double           *max)
{
  *max = MAX (*max, heyai_progress_pie_get_fraction (pie));
}

static void
test_screenshots (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "El último faro", 8, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  HeyaiNewProjectDialog *dialog;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < scenes->len; i++)
    if (i != 2)
      heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i),
                                   i == 5 ? HEYAI_APPROVAL_REJECTED : HEYAI_APPROVAL_APPROVED, &error);
  {
    HeyaiScene *failed = g_ptr_array_index (scenes, 6);
    heyai_scene_set_status (failed, HEYAI_SCENE_STATUS_FAILED);
    heyai_scene_set_last_error (failed, "Scene 7: Higgsfield refused the prompt (content policy). Edit the image prompt and try again.");
    heyai_store_update_scene (store, failed, NULL);
  }

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  gtk_selection_model_select_item (heyai_storyboard_page_get_selection (heyai_project_view_get_storyboard_page (view)), 6, TRUE);
  ui_test_spin (500);
  g_free (ui_test_screenshot (GTK_WIDGET (window), "storyboard-pane"));

  heyai_project_view_set_visible_page (view, "clips");
  ui_test_spin (500);
  g_free (ui_test_screenshot (GTK_WIDGET (window), "clips"));

  heyai_project_view_set_visible_page (view, "export");
  ui_test_spin (300);
  g_free (ui_test_screenshot (GTK_WIDGET (window), "export"));

  /* Phone width: the switcher moves to the bottom bar. */
  {
    HeyaiWindow *narrow = heyai_window_new (app);

    gtk_window_set_default_size (GTK_WINDOW (narrow), 400, 760);
    gtk_window_present (GTK_WINDOW (narrow));
    ui_test_wait_frame (GTK_WIDGET (narrow));
    heyai_window_open_project (narrow, project);
    ui_test_spin (400);
    g_free (ui_test_screenshot (GTK_WIDGET (narrow), "storyboard-narrow"));
    {
      HeyaiProjectView *nv = heyai_window_get_project_view (narrow);
      GtkWidget *pages[] = { GTK_WIDGET (heyai_project_view_get_script_page (nv)),
                             GTK_WIDGET (heyai_project_view_get_storyboard_page (nv)),
                             GTK_WIDGET (heyai_project_view_get_clips_page (nv)),
                             GTK_WIDGET (heyai_project_view_get_export_page (nv)),
                             GTK_WIDGET (nv), GTK_WIDGET (narrow) };
      for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
        {
          int min = 0;
          gtk_widget_measure (pages[i], GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
          g_test_message ("min width of %s: %d", G_OBJECT_TYPE_NAME (pages[i]), min);
          /* GNOME's mobile-friendly width: 360 px. */
          g_assert_cmpint (min, <=, 360);
        }
      {
        /* The project view is hidden, so not measured, until a project
         * opens (measuring it cost launch a fifth of its instructions): it
         * must fit the window's own minimum (360 x 400), so opening a project
         * never grows the window. */
        int min_h = 0;

        gtk_widget_measure (GTK_WIDGET (nv), GTK_ORIENTATION_VERTICAL, 360, &min_h, NULL, NULL, NULL);
        g_test_message ("min height of the project view at 360 px: %d", min_h);
        g_assert_cmpint (min_h, <=, 400);
      }
    }
    gtk_window_destroy (GTK_WINDOW (narrow));
  }

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  heyai_project_view_set_visible_page (view, "storyboard");
  ui_test_spin (300);
  g_free (ui_test_screenshot (GTK_WIDGET (window), "storyboard-dark"));
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* A batch running: the run button turns into progress; its popover lists the jobs. */
  {
    g_autoptr(HeyaiProject) busy = ui_test_make_project (store, "Running batch", 12, FALSE);
    GtkWidget *button;
    GtkWidget *pie;
    double pie_max;
    GtkPopover *popover;
    gboolean finished = FALSE;
    gulong id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);

    heyai_window_open_project (window, busy);
    heyai_project_view_set_visible_page (view, "storyboard");
    heyai_project_view_run (view, HEYAI_RUN_IMAGES);
    g_assert_true (heyai_application_is_running (app, busy));
    ui_test_spin (700);
    button = ui_test_find_by_tooltip (GTK_WIDGET (view), GTK_TYPE_MENU_BUTTON, "Show Running Jobs");
    g_assert_nonnull (button);
    g_assert_true (gtk_widget_get_mapped (button));
    /* The header shows the batch's progress as a pie (an accessible
     * progress bar) that moves only when a job ends: nothing in the window
     * spins, so a waiting batch draws no frames. */
    pie = gtk_widget_get_first_child (gtk_menu_button_get_child (GTK_MENU_BUTTON (button)));
    g_assert_true (HEYAI_IS_PROGRESS_PIE (pie));
    g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (pie)), ==, GTK_ACCESSIBLE_ROLE_PROGRESS_BAR);
    g_assert_false (has_spinning_spinner (GTK_WIDGET (window)));
    pie_max = heyai_progress_pie_get_fraction (HEYAI_PROGRESS_PIE (pie));
    g_signal_connect (pie, "notify::fraction", G_CALLBACK (pie_fraction_cb), &pie_max);
    gtk_menu_button_popup (GTK_MENU_BUTTON (button));
    popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
    ui_test_spin (300);
    g_free (ui_test_screenshot (GTK_WIDGET (window), "running"));
    if (gtk_widget_get_mapped (GTK_WIDGET (popover)))
      {
        g_assert_cmpuint (g_list_model_get_n_items (heyai_project_view_get_jobs (view)), >, 0);
        g_free (ui_test_screenshot (GTK_WIDGET (popover), "jobs-popover"));
      }
    gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
#if defined(__SANITIZE_ADDRESS__)
    /* Under ASan on 2 busy cores the offline batch can take minutes. */
    g_assert_true (ui_test_wait (&finished, 240000));
#else
    g_assert_true (ui_test_wait (&finished, 60000));
#endif
    g_signal_handler_disconnect (app, id);
    g_signal_handlers_disconnect_by_func (pie, pie_fraction_cb, &pie_max);
    g_test_message ("the header's pie reached %.2f of the batch", pie_max);
    g_assert_cmpfloat (pie_max, ==, 1.0);
  }

  dialog = heyai_new_project_dialog_new (window);
  heyai_new_project_dialog_set_script (dialog, "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n");
  gtk_window_present (GTK_WINDOW (dialog));
  g_free (ui_test_screenshot (GTK_WIDGET (dialog), "new-project"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* heyai-studio FILE: the file becomes a new project, opened on its script. */
static void
test_open_file (void)
{
  HeyaiApplication *app = ui_test_app ();
  const char *samples = g_getenv ("HEYAI_SAMPLES_DIR");
  g_autofree char *path = g_build_filename (samples ? samples : "tests/samples", "night-shift.fountain", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GFile *files[1] = { file };
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiProject *project = NULL;

  /* Launch measures no hidden project view: it shows with a project. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));
  g_application_open (G_APPLICATION (app), files, 1, "");
  for (guint i = 0; i < 200 && (project = heyai_project_view_get_project (view)) == NULL; i++)
    ui_test_spin (20);
  g_assert_nonnull (project);
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "project");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  g_assert_nonnull (strstr (heyai_project_get_script (project), "INT."));
  g_assert_cmpstr (heyai_project_get_title (project), !=, "");
  g_test_message ("opened as “%s”", heyai_project_get_title (project));
  {
    /* The Fountain highlighting is set when the first project is shown. */
    GtkTextBuffer *buffer = heyai_script_page_get_buffer (heyai_project_view_get_script_page (view));
    GtkSourceLanguage *language = gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (buffer));

    g_assert_nonnull (language);
    g_assert_cmpstr (gtk_source_language_get_id (language), ==, "fountain");
  }
  /* Back to the projects: the view stays visible (the stack keeps it off
   * screen), so the next
   * open reuses its measured sizes. */
  heyai_window_show_projects (window);
  /* Once the crossfade is over (seconds under ASan). */
  for (guint i = 0; i < 500 && gtk_widget_get_child_visible (GTK_WIDGET (view)); i++)
    ui_test_spin (20);
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "projects");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  g_assert_false (gtk_widget_get_child_visible (GTK_WIDGET (view)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A Windows-1252 script opens with a visible notice in an info bar above the
 * pages (never silently), and the bar goes when closed. */
static void
test_open_legacy_encoding (void)
{
  /* "EXT. PLAYA - DÍA" and "Él corre: “¡ya!”" in Windows-1252 (0xCD = Í,
   * 0xC9 = É, 0x93/0x94 = curly quotes: only Windows-1252 has those). */
  static const char cp1252[] = "EXT. PLAYA - D\xCD" "A\n\n\xC9l corre hacia el mar: \x93\xA1ya!\x94\n";
  g_autofree char *dir = g_dir_make_tmp ("heyai-ui-1252-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "playa.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiProject *project = NULL;
  const char *notice;

  g_assert_true (g_file_set_contents (path, cp1252, sizeof cp1252 - 1, NULL));
  g_assert_null (heyai_window_get_notice (window));
  heyai_window_new_project_from_file (window, file);
  for (guint i = 0; i < 200 && (project = heyai_project_view_get_project (view)) == NULL; i++)
    ui_test_spin (20);
  g_assert_nonnull (project);
  g_assert_nonnull (strstr (heyai_project_get_script (project), "DÍA"));
  notice = heyai_window_get_notice (window);
  g_assert_nonnull (notice);
  g_test_message ("notice: %s", notice);
  g_assert_nonnull (strstr (notice, "Windows-1252"));
  g_assert_nonnull (strstr (notice, "playa.txt"));
  g_free (ui_test_screenshot (GTK_WIDGET (window), "import-notice"));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* Delete hides the card at once; Undo brings it back; the store only loses the
 * project when the toast goes away. */
static void
test_delete_undo (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "To delete", 1, FALSE);
  g_autofree char *id = g_strdup (heyai_project_get_id (project));
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectsPage *page = heyai_window_get_projects_page (window);
  GListModel *model = heyai_projects_page_get_model (page);
  guint before;

  heyai_projects_page_reload (page);
  before = g_list_model_get_n_items (model);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.delete", "s", id));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, before - 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.undo-delete", "s", id));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, before);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "projects.delete", "s", id));
  heyai_projects_page_flush (page);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HeyaiProject) gone = heyai_store_find_project (store, id, &error);
    g_assert_null (gone);
  }
  heyai_projects_page_reload (page);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, before - 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Ctrl+Enter (win.analyze) splits the script with the offline LLM and the
 * storyboard fills. */
static void
test_analyze (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Analyze me", 0, FALSE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  gboolean finished = FALSE;
  gulong id;

  heyai_project_set_script (project, "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n\n"
                                     "EXT. CLIFF - DAWN\n\nA ship breaks on the rocks.\n\n"
                                     "INT. KEEPER'S ROOM - DAY\n\nShe reads the logbook.\n");
  g_assert_true (heyai_store_update_project (store, project, NULL));
  heyai_window_open_project (window, project);
  id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.analyze", NULL));
  g_assert_true (ui_test_wait (&finished, 30000));
  g_signal_handler_disconnect (app, id);
  /* The storyboard follows the store's change notices, on idle. */
  for (guint waited = 0;
       waited < 10000 && g_list_model_get_n_items (heyai_storyboard_page_get_model (heyai_project_view_get_storyboard_page (view))) < 3;
       waited += 50)
    ui_test_spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (heyai_storyboard_page_get_model (heyai_project_view_get_storyboard_page (view))), >=, 3);
  /* The view moves to the storyboard once the scenes are there. */
  g_assert_cmpstr (heyai_project_view_get_visible_page (view), ==, "storyboard");
  gtk_window_destroy (GTK_WINDOW (window));
}


/* A library with an interrupted job that holds a remote id: opening a
 * window resumes it at once (no click), free, and the scene gets its take. */
static void
test_resume_on_open (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Interrupted", 2, FALSE);
  g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, NULL);
  g_autoptr(HeyaiJob) job = heyai_job_new ();
  g_autoptr(HeyaiJob) queued = heyai_job_new ();
  g_autoptr(HeyaiScene) other = heyai_store_get_scene_at (store, heyai_project_get_id (project), 2, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = heyai_uuid_new ();
  g_autofree char *id2 = heyai_uuid_new ();
  HeyaiWindow *window;
  gboolean finished = FALSE;
  gulong handler;

  g_assert_nonnull (scene);
  heyai_job_set_id (job, id);
  heyai_job_set_project_id (job, heyai_project_get_id (project));
  heyai_job_set_scene_id (job, heyai_scene_get_id (scene));
  heyai_job_set_kind (job, HEYAI_JOB_KIND_IMAGE);
  heyai_job_set_take (job, 1);
  heyai_job_set_provider (job, "offline");
  heyai_job_set_state (job, HEYAI_JOB_STATE_RUNNING);
  heyai_job_set_remote_id (job, "offline-interrupted-1");
  g_assert_true (heyai_store_insert_job (store, job, &error));
  g_assert_no_error (error);
  /* A queued job that no service accepted waits for the next batch. */
  heyai_job_set_id (queued, id2);
  heyai_job_set_project_id (queued, heyai_project_get_id (project));
  heyai_job_set_scene_id (queued, heyai_scene_get_id (other));
  heyai_job_set_kind (queued, HEYAI_JOB_KIND_IMAGE);
  heyai_job_set_take (queued, 1);
  heyai_job_set_provider (queued, "offline");
  heyai_job_set_state (queued, HEYAI_JOB_STATE_QUEUED);
  g_assert_true (heyai_store_insert_job (store, queued, &error));
  heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_RENDERING);
  g_assert_true (heyai_store_update_scene (store, scene, &error));

  handler = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  window = ui_test_new_window (NULL, 1280, 820);
  g_assert_true (heyai_application_is_running (app, project));
  g_assert_true (ui_test_wait (&finished, 30000));
  g_signal_handler_disconnect (app, handler);

  g_clear_object (&job);
  job = heyai_store_get_job (store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (heyai_job_get_state (job), ==, HEYAI_JOB_STATE_DONE);
  g_clear_object (&scene);
  scene = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, NULL);
  g_assert_cmpint (heyai_scene_get_image_take (scene), ==, 1);
  g_clear_object (&queued);
  queued = heyai_store_get_job (store, id2, &error);
  g_assert_cmpint (heyai_job_get_state (queued), ==, HEYAI_JOB_STATE_QUEUED);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A database written by a newer HeyAI Studio is refused: the window shows a
 * clear page instead of the projects, and the file is left alone. */
static void
test_schema_too_new_subprocess (void)
{
  g_autofree char *dir = g_dir_make_tmp ("heyai-ui-newer-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "heyai.db", NULL);
  g_autoptr(HeyaiApplication) app = NULL;
  HeyaiWindow *window;
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE future (x); PRAGMA user_version = 999;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  g_setenv ("HEYAI_DATA_DIR", dir, TRUE);
  app = heyai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_assert_null (heyai_application_get_store (app));
  g_assert_error (heyai_application_get_store_error (app), HEYAI_ERROR, HEYAI_ERROR_SCHEMA_TOO_NEW);

  window = heyai_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (heyai_window_get_visible_page (window), ==, "error");
  g_free (ui_test_screenshot (GTK_WIDGET (window), "error-newer-database"));
  gtk_window_destroy (GTK_WINDOW (window));

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 999);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (handle);
}

static void
test_schema_too_new (void)
{
  g_test_trap_subprocess ("/ui/window/schema-too-new/subprocess", 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Ctrl+E exports the approved scenes into a handoff package. */
static void
test_export (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Export me", 3, TRUE);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiExportPage *page = heyai_project_view_get_export_page (view);
  g_autofree char *manifest = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *contents = NULL;

  for (guint i = 0; i < 2; i++)
    g_assert_true (heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_APPROVED, NULL));

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "export");
  ui_test_wait_frame (GTK_WIDGET (window));
  heyai_export_page_set_formats (page, HEYAI_EXPORT_FORMAT_OTIO | HEYAI_EXPORT_FORMAT_EDL | HEYAI_EXPORT_FORMAT_CSV);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  for (guint i = 0; i < 600 && heyai_export_page_get_package_path (page) == NULL; i++)
    ui_test_spin (50);
  g_assert_nonnull (heyai_export_page_get_package_path (page));
  manifest = g_build_filename (heyai_export_page_get_package_path (page), "manifest.json", NULL);
  csv = g_build_filename (heyai_export_page_get_package_path (page), "shotlist.csv", NULL);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  /* The two approved scenes are in the cut, the third is not. */
  g_assert_nonnull (strstr (contents, "Scene title 1"));
  g_assert_nonnull (strstr (contents, "Scene title 2"));
  g_assert_null (strstr (contents, "Scene title 3"));

  /* The editor swaps the two clips: "Update From Editor's Timeline…" shows
   * the change and applies it. */
  {
    g_autofree char *otio = g_build_filename (heyai_export_page_get_package_path (page), "timeline.otio", NULL);
    g_autofree char *edited = g_build_filename (heyai_export_page_get_package_path (page), "..", "cut.otio", NULL);
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    g_autoptr(GPtrArray) after = NULL;
    AdwMessageDialog *dialog = NULL;
    JsonArray *clips;
    JsonNode *first;

    g_assert_true (json_parser_load_from_file (parser, otio, NULL));
    clips = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (
              json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "tracks"),
              "children"), 0), "children");
    first = json_node_copy (json_array_get_element (clips, 0));
    json_array_remove_element (clips, 0);
    json_array_add_element (clips, first);
    json_generator_set_root (gen, json_parser_get_root (parser));
    g_assert_true (json_generator_to_file (gen, edited, NULL));

    heyai_export_page_update_from_timeline (page, edited);
    for (guint i = 0; i < 200 && dialog == NULL; i++)
      {
        g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

        ui_test_spin (25);
        for (GList *l = toplevels; l != NULL; l = l->next)
          if (ADW_IS_MESSAGE_DIALOG (l->data))
            dialog = l->data;
      }
    g_assert_nonnull (dialog);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "moves to position 1"));
    adw_message_dialog_response (dialog, "apply");
    gtk_window_destroy (GTK_WINDOW (dialog));
    ui_test_spin (50);

    after = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
    g_assert_cmpstr (heyai_scene_get_title (g_ptr_array_index (after, 0)), ==, "Scene title 2");
    g_assert_cmpstr (heyai_scene_get_title (g_ptr_array_index (after, 1)), ==, "Scene title 1");
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Message tests ----------------------------------------------------------- */

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_with_class (GtkWidget  *root,
                 const char *css_class,
                 guint       nth)
{
  guint seen = 0;
  GPtrArray *stack = g_ptr_array_new ();
  GtkWidget *found = NULL;

  g_ptr_array_add (stack, root);
  while (stack->len > 0 && found == NULL)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, 0);

      if (gtk_widget_has_css_class (w, css_class) && seen++ == nth)
        found = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_unref (stack);
  return found;
}

/* A script whose analysis fails says so, and why, not "Batch finished: 1
 * scene failed. Select it on the storyboard" (there is nothing to select). */
static void
test_analysis_failed_message (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Blank script", 0, FALSE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  gboolean finished = FALSE;
  const char *error;
  gulong id;

  heyai_project_set_script (project, "   \n\n   \n");
  g_assert_true (heyai_store_update_project (store, project, NULL));
  heyai_window_open_project (window, project);
  id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  heyai_project_view_run (view, HEYAI_RUN_ALL);
  g_assert_true (ui_test_wait (&finished, 30000));
  g_signal_handler_disconnect (app, id);
  ui_test_spin (100);

  error = heyai_window_get_last_error (window);
  g_assert_nonnull (error);
  g_test_message ("error shown: %s", error);
  g_assert_nonnull (strstr (error, "analysis failed"));
  g_assert_nonnull (strstr (error, "The script is empty"));
  g_assert_null (strstr (error, "Batch finished"));
  g_assert_null (strstr (error, "storyboard"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* An error dismisses the info toast in front of it, and a long one is not
 * cut: the toast shows its first clause and "Details" opens the full text. */
static void
test_error_not_cut (void)
{
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  const char *message = "Could not reach the server: Error resolving “api.openai.com”: Name or service not known. "
                        "Check the network connection and try again.";
  GtkWidget *dialog = NULL;
  GListModel *toplevels;

  heyai_window_toast (window, "Saved");
  g_assert_cmpstr (heyai_window_get_last_toast (window), ==, "Saved");
  heyai_window_error (window, message);
  g_assert_null (heyai_window_get_last_toast (window));
  g_assert_cmpstr (heyai_window_get_last_error (window), ==, message);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-error", "s", message));
  ui_test_spin (100);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w))
        dialog = w;
    }
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Could not reach the server");
  g_assert_nonnull (find_label (dialog, message));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
sync_finished_cb (HeyaiSyncController *controller,
                  const char          *summary,
                  guint                conflicts,
                  const char          *error,
                  char               **out)
{
  g_assert_null (summary);
  *out = g_strdup (error);
}

/* "Sync Now" without Drive does not pretend to upload anything. */
static void
test_sync_without_drive (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiSyncController *controller = heyai_sync_controller_get_default ();
  g_autofree char *error = NULL;
  gulong id;

  g_assert_nonnull (controller);
  g_assert_null (g_getenv ("HEYAI_SYNC_FOLDER"));
  g_settings_set_string (heyai_application_get_settings (app), "storage-provider", "local");
  id = g_signal_connect (controller, "sync-finished", G_CALLBACK (sync_finished_cb), &error);
  heyai_sync_controller_sync (controller, TRUE);
  ui_test_spin (200);
  g_signal_handler_disconnect (controller, id);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "not set up"));
  g_assert_false (heyai_sync_controller_is_running (controller));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The run button's state settles after the first frame (and 200 ms after a
 * scene changes): waits for it, at most 5 s. */
static void
assert_run_button (HeyaiProjectView *view,
                   const char       *label,
                   gboolean          enabled)
{
  for (guint i = 0; i < 100; i++)
    {
      if (g_strcmp0 (heyai_project_view_get_run_label (view), label) == 0 &&
          heyai_project_view_get_run_enabled (view) == enabled)
        break;
      ui_test_spin (50);
    }
  g_assert_cmpstr (heyai_project_view_get_run_label (view), ==, label);
  g_assert_cmpint (heyai_project_view_get_run_enabled (view), ==, enabled);
}

/* The run button names the next real step in every state of a project, and
 * is insensitive (saying why) when there is none. */
static void
test_run_button_states (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) empty = ui_test_make_project (store, "No script", 0, FALSE);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "States", 3, FALSE);
  g_autoptr(HeyaiProject) stills = ui_test_make_project (store, "With stills", 3, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  g_autoptr(GPtrArray) scenes = NULL;

  heyai_project_set_script (empty, "");
  g_assert_true (heyai_store_update_project (store, empty, NULL));
  heyai_window_open_project (window, empty);
  assert_run_button (view, "Run Everything", FALSE);

  heyai_project_set_script (empty, "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n");
  g_assert_true (heyai_store_update_project (store, empty, NULL));
  heyai_window_show_projects (window);
  heyai_window_open_project (window, empty);
  assert_run_button (view, "Run Everything", TRUE);

  heyai_window_open_project (window, project);
  assert_run_button (view, "Generate Stills", TRUE);

  /* Stills, none reviewed: not "Animate Approved" (nothing is approved). */
  heyai_window_open_project (window, stills);
  assert_run_button (view, "Review Stills", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.run-next", NULL));
  g_assert_cmpstr (heyai_project_view_get_visible_page (view), ==, "storyboard");
  g_assert_false (heyai_application_is_running (app, stills));

  scenes = heyai_store_list_scenes (store, heyai_project_get_id (stills), NULL);
  g_assert_true (heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, 0), HEYAI_APPROVAL_APPROVED, NULL));
  assert_run_button (view, "Animate Approved", TRUE);

  /* Everything done: the approved scene has its clip, the others are rejected. */
  heyai_scene_set_clip_take (g_ptr_array_index (scenes, 0), 1);
  g_assert_true (heyai_store_update_scene (store, g_ptr_array_index (scenes, 0), NULL));
  for (guint i = 1; i < scenes->len; i++)
    g_assert_true (heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_REJECTED, NULL));
  assert_run_button (view, "All Done", FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* "Run Everything" on a new project: analysis and stills, then it stops for
 * review and takes her to the Storyboard with "3 stills to review". */
static void
test_run_everything_review (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Run everything", 0, FALSE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  gboolean finished = FALSE;
  const char *banner;
  gulong id;

  heyai_project_set_script (project, "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n\n"
                                     "EXT. CLIFF - DAWN\n\nA ship breaks on the rocks.\n\n"
                                     "INT. KEEPER'S ROOM - DAY\n\nShe reads the logbook.\n");
  g_assert_true (heyai_store_update_project (store, project, NULL));
  heyai_window_open_project (window, project);
  g_assert_cmpstr (heyai_project_view_get_visible_page (view), ==, "script");
  assert_run_button (view, "Run Everything", TRUE);
  id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.run-next", NULL));
  g_assert_true (ui_test_wait (&finished, 60000));
  g_signal_handler_disconnect (app, id);
  ui_test_spin (300);

  g_assert_cmpstr (heyai_project_view_get_visible_page (view), ==, "storyboard");
  banner = heyai_storyboard_page_get_review_text (heyai_project_view_get_storyboard_page (view));
  g_assert_nonnull (banner);
  g_test_message ("banner: %s", banner);
  g_assert_true (g_str_has_prefix (banner, "3 stills to review"));
  assert_run_button (view, "Review Stills", TRUE);
  g_free (ui_test_screenshot (GTK_WIDGET (window), "review-banner"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Scene cards, takes and filmstrip items have accessible names and roles
 * (read through GTK's test accessibility backend, GTK_A11Y=test). */
static void
test_accessible_names (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Accessible", 3, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiStoryboardPage *page;
  g_autoptr(HeyaiScene) first = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, NULL);
  g_autofree char *card_name = NULL;
  g_autofree char *film_name = NULL;
  GtkWidget *card = NULL, *take, *film;
  GPtrArray *stack = g_ptr_array_new ();

  g_assert_true (g_str_equal (g_getenv ("GTK_A11Y"), "test"));
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  page = heyai_project_view_get_storyboard_page (view);
  ui_test_wait_frame (GTK_WIDGET (window));

  g_ptr_array_add (stack, page);
  while (stack->len > 0 && card == NULL)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, 0);
      if (HEYAI_IS_SCENE_CARD (w) && heyai_scene_card_get_scene (HEYAI_SCENE_CARD (w)) == first)
        card = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_ptr_array_add (stack, c);
    }
  g_ptr_array_unref (stack);
  g_assert_nonnull (card);
  card_name = g_strdup_printf ("Scene 1: Scene title 1, %s", heyai_scene_status_label (heyai_scene_get_status (first)));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, card_name);

  /* The side pane's takes. */
  gtk_selection_model_select_item (heyai_storyboard_page_get_selection (page), 0, TRUE);
  ui_test_spin (200);
  take = find_with_class (GTK_WIDGET (page), "take", 0);
  g_assert_nonnull (take);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (take), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (take), GTK_ACCESSIBLE_PROPERTY_LABEL, "Still take 1, in use");

  /* The clips page's filmstrip: the approved scene, still only. */
  g_assert_true (heyai_pipeline_set_approval (store, first, HEYAI_APPROVAL_APPROVED, NULL));
  heyai_project_view_set_visible_page (view, "clips");
  ui_test_spin (300);
  film = find_with_class (GTK_WIDGET (heyai_project_view_get_clips_page (view)), "film-frame", 0);
  g_assert_nonnull (film);
  film_name = g_strdup ("Scene 1: Scene title 1, still only (no clip yet)");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (film), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (film), GTK_ACCESSIBLE_PROPERTY_LABEL, film_name);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
clipboard_text_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **out = user_data;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*out == NULL)
    *out = g_strdup ("");
}

/* The Drive sign-in page shows the address (not only on a terminal), copies
 * it, says when no browser opened, and says what happened when cancelled. */
static void
test_drive_signin_page (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = heyai_drive_signin_new ();
  g_autoptr(HeyaiOauth) oauth = heyai_oauth_new ();
  g_autofree char *copied = NULL;
  GtkWidget *copy;

  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  heyai_oauth_set_client (oauth, "test-client.apps.googleusercontent.com", "test-secret");
  heyai_drive_signin_start (HEYAI_DRIVE_SIGNIN (page), oauth);
  for (guint i = 0; i < 100 && heyai_drive_signin_get_uri (HEYAI_DRIVE_SIGNIN (page)) == NULL; i++)
    ui_test_spin (50);
  g_assert_nonnull (heyai_drive_signin_get_uri (HEYAI_DRIVE_SIGNIN (page)));
  g_assert_true (g_str_has_prefix (heyai_drive_signin_get_uri (HEYAI_DRIVE_SIGNIN (page)), "http"));
  g_assert_nonnull (strstr (heyai_drive_signin_get_uri (HEYAI_DRIVE_SIGNIN (page)), "test-client.apps.googleusercontent.com"));
  g_assert_nonnull (find_label (page, heyai_drive_signin_get_uri (HEYAI_DRIVE_SIGNIN (page))));
  ui_test_spin (300);
  g_test_message ("status: %s", heyai_drive_signin_get_status (HEYAI_DRIVE_SIGNIN (page)));
  g_assert_nonnull (strstr (heyai_drive_signin_get_status (HEYAI_DRIVE_SIGNIN (page)), "sign in"));

  copy = find_label (page, "_Copy Address");
  g_assert_nonnull (copy);
  copy = gtk_widget_get_ancestor (copy, GTK_TYPE_BUTTON);
  g_signal_emit_by_name (copy, "clicked");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (page), NULL, clipboard_text_cb, &copied);
  for (guint i = 0; i < 100 && copied == NULL; i++)
    ui_test_spin (20);
  g_assert_cmpstr (copied, ==, heyai_drive_signin_get_uri (HEYAI_DRIVE_SIGNIN (page)));

  heyai_drive_signin_cancel (HEYAI_DRIVE_SIGNIN (page));
  ui_test_spin (200);
  heyai_drive_signin_set_account (HEYAI_DRIVE_SIGNIN (page), "producer@example.com");
  g_assert_cmpstr (heyai_drive_signin_get_status (HEYAI_DRIVE_SIGNIN (page)), ==, "Connected as producer@example.com");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
save_shot (GtkWidget  *widget,
           const char *dir,
           const char *name)
{
  const char *lang = g_getenv ("LANGUAGE");
  g_autofree char *shot = ui_test_screenshot (widget, name);
  g_autofree char *file = g_strdup_printf ("%s%s%s.png", name, lang && g_str_has_prefix (lang, "es") ? "-" : "",
                                           lang && g_str_has_prefix (lang, "es") ? "es" : "");
  g_autofree char *dest = g_build_filename (dir, file, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_nonnull (shot);
  g_assert_true (g_file_get_contents (shot, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (dest, contents, len, NULL));
  g_test_message ("saved %s", dest);
}

/* The metainfo screenshots, from the real app with the offline providers:
 * HEYAI_SCREENSHOT_DIR=data/screenshots (LANGUAGE=es for the Spanish set). */
static void
test_metainfo_screenshots (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  const char *dir = g_getenv ("HEYAI_SCREENSHOT_DIR");
  gboolean spanish = g_getenv ("LANGUAGE") != NULL && g_str_has_prefix (g_getenv ("LANGUAGE"), "es");
  g_autofree char *path = g_build_filename (g_getenv ("HEYAI_SAMPLES_DIR"),
                                            spanish ? "el-ultimo-faro.txt" : "night-shift.fountain", NULL);
  g_autofree char *script = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiProject) other = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiWindow *window;
  HeyaiProjectView *view;
  gboolean finished = FALSE;
  gulong id;

  if (dir == NULL)
    {
      g_test_skip ("set HEYAI_SCREENSHOT_DIR to retake the metainfo screenshots");
      return;
    }
  g_assert_true (g_file_get_contents (path, &script, NULL, NULL));
  other = heyai_application_create_project (app, spanish ? "Turno de noche" : "El último faro",
                                            "INT. FARO - NOCHE\n\nLa lámpara gira.\n", "", HEYAI_ASPECT_9_16, &error);
  g_assert_no_error (error);
  project = heyai_application_create_project (app, spanish ? "El último faro" : "Night Shift", script,
                                              "Rain-soaked neon, 35 mm, teal and amber", HEYAI_ASPECT_16_9, &error);
  g_assert_no_error (error);

  window = heyai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_frame (GTK_WIDGET (window));
  view = heyai_window_get_project_view (window);

  heyai_window_open_project (window, project);
  id = g_signal_connect (app, "run-finished", G_CALLBACK (ui_test_run_finished_cb), &finished);
  heyai_project_view_run (view, HEYAI_RUN_ALL);
  g_assert_true (ui_test_wait (&finished, 240000));
  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  g_assert_cmpuint (scenes->len, >=, 4);
  for (guint i = 0; i + 1 < scenes->len; i++)
    heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_APPROVED, NULL);
  finished = FALSE;
  heyai_project_view_run (view, HEYAI_RUN_ANIMATE);
  g_assert_true (ui_test_wait (&finished, 600000));
  g_signal_handler_disconnect (app, id);
  /* Let the "Batch finished" toast go (6 s) and the review banner close. */
  ui_test_spin (6500);
  heyai_storyboard_page_show_review (heyai_project_view_get_storyboard_page (view), 0);

  heyai_project_view_set_visible_page (view, "storyboard");
  ui_test_spin (800);
  save_shot (GTK_WIDGET (window), dir, "storyboard");
  heyai_project_view_set_visible_page (view, "script");
  ui_test_spin (500);
  save_shot (GTK_WIDGET (window), dir, "script");
  heyai_project_view_set_visible_page (view, "clips");
  ui_test_spin (1500);
  save_shot (GTK_WIDGET (window), dir, "clips");
  heyai_window_show_projects (window);
  ui_test_spin (1500);
  save_shot (GTK_WIDGET (window), dir, "projects");
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GMutex lock;
  int    running, max_running, n_lowered, n_done;
} BgStats;

static void
bg_work (GTask        *task,
         gpointer      source,
         gpointer      data,
         GCancellable *cancellable)
{
  BgStats *stats = data;
  gboolean lowered = heyai_background_thread_is_lowered () &&
                     getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid)) >= 10;

  g_mutex_lock (&stats->lock);
  stats->running++;
  stats->max_running = MAX (stats->max_running, stats->running);
  stats->n_lowered += lowered;
  g_mutex_unlock (&stats->lock);
  g_usleep (50000);
  g_mutex_lock (&stats->lock);
  stats->running--;
  g_mutex_unlock (&stats->lock);
  g_task_return_pointer (task, GINT_TO_POINTER (1), NULL);
}

static void
bg_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  BgStats *stats = g_task_get_task_data (G_TASK (result));

  stats->n_done++;
}

/* Offline CPU work runs at a low priority in at most cores - 1 threads, so a
 * 2-core laptop keeps a core for the window. */
static void
test_background_pool (void)
{
  BgStats stats = { 0 };
  guint cap = heyai_background_max_threads ();
  gboolean all_done = FALSE;

  g_mutex_init (&stats.lock);
  g_assert_cmpuint (cap, ==, MAX (g_get_num_processors (), 2) - 1);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, bg_done, NULL);

      g_task_set_task_data (task, &stats, NULL);
      heyai_background_run (task, bg_work, NULL);
    }
  for (guint i = 0; i < 200 && stats.n_done < 6; i++)
    ui_test_spin (20);
  all_done = stats.n_done == 6;
  g_assert_true (all_done);
  g_test_message ("cap %u, at most %d at once, %d of 6 lowered", cap, stats.max_running, stats.n_lowered);
  g_assert_cmpint (stats.max_running, <=, (int) cap);
  g_assert_cmpint (stats.n_lowered, ==, 6);
  /* The main thread keeps its priority. */
  g_assert_false (heyai_background_thread_is_lowered ());
  g_mutex_clear (&stats.lock);
}

/* The storyboard follows the store after "scenes-changed": an added and a
 * deleted scene show, and a row written behind the live objects' back (a
 * second connection) is read again, while a change made through the live
 * objects replaces nothing. */
static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n)
{
  (*n)++;
}

static void
test_storyboard_follows_store (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Follows", 4, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  GListModel *model;
  g_autoptr(HeyaiScene) added = heyai_scene_new ();
  g_autoptr(HeyaiScene) s2 = NULL;
  g_autoptr(GError) error = NULL;
  guint n_changes = 0;

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  ui_test_wait_frame (GTK_WIDGET (window));
  model = heyai_storyboard_page_get_model (heyai_project_view_get_storyboard_page (view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_changes_cb), &n_changes);

  /* A change through the live object: the card follows through notify. */
  s2 = heyai_store_get_scene_at (store, heyai_project_get_id (project), 2, &error);
  g_assert_no_error (error);
  heyai_scene_set_title (s2, "Renamed here");
  g_assert_true (heyai_store_update_scene (store, s2, &error));
  ui_test_spin (400);
  g_assert_cmpuint (n_changes, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  heyai_scene_set_project_id (added, heyai_project_get_id (project));
  heyai_scene_set_title (added, "Added");
  g_assert_true (heyai_store_insert_scene (store, added, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && g_list_model_get_n_items (model) != 5; i++)
    ui_test_spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);

  g_assert_true (heyai_store_delete_scene (store, added, &error));
  for (guint i = 0; i < 100 && g_list_model_get_n_items (model) != 4; i++)
    ui_test_spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 4);

  /* Written through a second connection: our live scene 2 is stale until the
   * next "scenes-changed" (here: scene 1 updated through our store). */
  {
    g_autofree char *db = g_build_filename (ui_test_data_dir (), "heyai.db", NULL);
    g_autoptr(HeyaiStore) other = heyai_store_new (db, &error);
    g_autoptr(HeyaiScene) o2 = NULL;
    g_autoptr(HeyaiScene) s1 = NULL;

    g_assert_no_error (error);
    o2 = heyai_store_get_scene (other, heyai_scene_get_id (s2), &error);
    g_assert_no_error (error);
    heyai_scene_set_title (o2, "Renamed elsewhere");
    g_assert_true (heyai_store_update_scene (other, o2, &error));
    g_assert_cmpstr (heyai_scene_get_title (s2), ==, "Renamed here");
    s1 = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, &error);
    heyai_scene_set_title (s1, "First");
    g_assert_true (heyai_store_update_scene (store, s1, &error));
    for (guint i = 0; i < 100 && g_strcmp0 (heyai_scene_get_title (s2), "Renamed elsewhere") != 0; i++)
      ui_test_spin (50);
    g_assert_cmpstr (heyai_scene_get_title (s2), ==, "Renamed elsewhere");
  }
  g_signal_handlers_disconnect_by_data (model, &n_changes);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/ui/window/shows", test_window_shows);
  g_test_add_func ("/ui/window/schema-too-new", test_schema_too_new);
  g_test_add_func ("/ui/window/schema-too-new/subprocess", test_schema_too_new_subprocess);
  g_test_add_func ("/ui/storyboard/bind-1000", test_storyboard_1000);
  g_test_add_func ("/ui/storyboard/actions", test_storyboard_actions);
  g_test_add_func ("/ui/storyboard/card-progress-quiet", test_card_progress_quiet);
  g_test_add_func ("/ui/player/plays", test_player);
  g_test_add_func ("/ui/preferences/secret", test_preferences_secret);
  g_test_add_func ("/ui/script/autosave", test_script_autosave);
  g_test_add_func ("/ui/screenshots", test_screenshots);
  g_test_add_func ("/ui/app/open-file", test_open_file);
  g_test_add_func ("/ui/app/open-legacy-encoding", test_open_legacy_encoding);
  g_test_add_func ("/ui/projects/delete-undo", test_delete_undo);
  g_test_add_func ("/ui/app/resume-on-open", test_resume_on_open);
  g_test_add_func ("/ui/project/analyze", test_analyze);
  g_test_add_func ("/ui/project/export", test_export);
  g_test_add_func ("/ui/messages/analysis-failed", test_analysis_failed_message);
  g_test_add_func ("/ui/messages/error-not-cut", test_error_not_cut);
  g_test_add_func ("/ui/messages/sync-without-drive", test_sync_without_drive);
  g_test_add_func ("/ui/project/run-button-states", test_run_button_states);
  g_test_add_func ("/ui/project/run-everything-review", test_run_everything_review);
  g_test_add_func ("/ui/a11y/names", test_accessible_names);
  g_test_add_func ("/ui/drive/signin-page", test_drive_signin_page);
  g_test_add_func ("/ui/background/pool", test_background_pool);
  g_test_add_func ("/ui/metainfo-screenshots", test_metainfo_screenshots);
  g_test_add_func ("/ui/storyboard/follows-store", test_storyboard_follows_store);

  ret = g_test_run ();
  ui_test_cleanup ();
  return ret;
}
