/* test-polish-ui.c: the window's leftovers of issues 15, 11 and 16 under Xvfb:
 * the run button keeps its label at 1200 px (English and Spanish), a take's
 * tooltip is a sentence, an idle project with outdated clips says so, the
 * Bible page follows the store and renames/edits entries, a scene picked
 * before the storyboard's first layout opens the pane (no NaN reveal).  (The quit
 * question's count and the collect at the next launch: test-quit-collect.)
 *
 * --spanish (or LANGUAGE=es) runs the same checks in Spanish (meson test
 * test-polish-ui-es).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-polish-ui"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "heyai-bible-page.h"
#include "heyai-pipeline.h"
#include "heyai-providers.h"
#include "heyai-project-view.h"
#include "heyai-scene-pane.h"
#include "heyai-storyboard-page.h"
#include "ui-test-utils.h"

static gboolean
spanish (void)
{
  const char *lang = g_getenv ("LANGUAGE");

  return lang != NULL && g_str_has_prefix (lang, "es");
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The squeezer that holds the run button (labelled, then icon-only). */
static GtkWidget *
find_run_squeezer (GtkWidget *root)
{
  GtkWidget *first = gtk_widget_get_first_child (root);

  if (ADW_IS_SQUEEZER (root) && first != NULL && ADW_IS_SPLIT_BUTTON (first))
    return root;
  for (GtkWidget *child = first; child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_run_squeezer (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_class (GtkWidget  *root,
               const char *css_class,
               GPtrArray  *out)
{
  if (gtk_widget_has_css_class (root, css_class))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_class (child, css_class, out);
}

static void
add_clip (HeyaiStore *store,
          HeyaiScene *scene,
          int         take)
{
  g_autoptr(HeyaiAsset) clip = heyai_asset_new ();
  g_autoptr(HeyaiAsset) still = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE,
                                                       heyai_scene_get_image_take (scene), NULL);
  g_autoptr(HeyaiProject) project = heyai_store_find_project (store, heyai_scene_get_project_id (scene), NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = heyai_uuid_new ();
  g_autofree char *path = g_strdup_printf ("%s/clip-%s-%d.webm", ui_test_data_dir (), heyai_scene_get_id (scene), take);

  g_assert_true (g_file_set_contents (path, "clip", -1, NULL));
  heyai_asset_set_id (clip, id);
  heyai_asset_set_project_id (clip, heyai_scene_get_project_id (scene));
  heyai_asset_set_scene_id (clip, heyai_scene_get_id (scene));
  heyai_asset_set_kind (clip, HEYAI_ASSET_KIND_CLIP);
  heyai_asset_set_take (clip, take);
  heyai_asset_set_provider (clip, "offline");
  heyai_asset_set_local_path (clip, path);
  heyai_asset_set_created_at (clip, g_get_real_time ());
  heyai_lineage_fill (project, scene, clip, still, NULL);
  g_assert_true (heyai_store_insert_asset (store, clip, &error));
  g_assert_no_error (error);
  heyai_scene_set_clip_take (scene, take);
  heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_CLIP_READY);
  g_assert_true (heyai_store_update_scene (store, scene, &error));
  g_assert_no_error (error);
}

/* 1. The header's run button keeps its label at 1200 px, in English and in
 * Spanish, whatever the next step is; on a phone-narrow window it may give
 * way to its icon. */
static void
test_run_button_width (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) fresh = ui_test_make_project (store, "Label Width", 4, FALSE);
  g_autoptr(HeyaiProject) approved = ui_test_make_project (store, "Label Width Approved", 4, TRUE);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (approved), NULL);
  HeyaiProject *projects[] = { fresh, approved };
  const int widths[] = { 1200, 1024, 360 };

  for (guint i = 0; i < scenes->len; i++)
    heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_APPROVED, NULL);

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (guint p = 0; p < G_N_ELEMENTS (projects); p++)
      {
        HeyaiWindow *window = ui_test_new_window (NULL, widths[w], 800);
        HeyaiProjectView *view = heyai_window_get_project_view (window);
        GtkWidget *squeezer;
        GtkWidget *shown;
        const char *label;
        g_autofree char *name = g_strdup_printf ("run-button-%d-%u%s", widths[w], p, spanish () ? "-es" : "");

        heyai_window_open_project (window, projects[p]);
        heyai_project_view_set_visible_page (view, "storyboard");
        ui_test_spin (500);
        ui_test_wait_frame (GTK_WIDGET (window));
        squeezer = find_run_squeezer (GTK_WIDGET (view));
        g_assert_nonnull (squeezer);
        shown = adw_squeezer_get_visible_child (ADW_SQUEEZER (squeezer));
        {
          int smin, snat, lmin, lnat;
          GtkWidget *labelled = gtk_widget_get_first_child (squeezer);

          gtk_widget_measure (squeezer, GTK_ORIENTATION_HORIZONTAL, -1, &smin, &snat, NULL, NULL);
          gtk_widget_measure (labelled, GTK_ORIENTATION_HORIZONTAL, -1, &lmin, &lnat, NULL, NULL);
          g_test_message ("squeezer %d px (min %d nat %d), labelled min %d nat %d", gtk_widget_get_width (squeezer),
                          smin, snat, lmin, lnat);
        }
        g_assert_nonnull (shown);
        label = adw_split_button_get_label (ADW_SPLIT_BUTTON (shown));
        g_test_message ("%d px, %s: the run button shows %s (%d px wide of a %d px window)", widths[w],
                        heyai_project_get_title (projects[p]), label != NULL ? label : "its icon only",
                        gtk_widget_get_width (shown), gtk_widget_get_width (GTK_WIDGET (window)));
        g_free (ui_test_screenshot (GTK_WIDGET (window), name));
        if (widths[w] >= 1024)
          {
            /* The labelled button, and the label is the next step's. */
            g_assert_nonnull (label);
            g_assert_cmpstr (label, ==, p == 0 ? _("Generate Stills") : _("Animate Approved"));
          }
        gtk_window_destroy (GTK_WINDOW (window));
      }
}

/* 2. A take button's tooltip says which take, how and when it was made
 * (imported takes say so), never a file path. */
static void
test_take_tooltips (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Take Tooltips", 2, TRUE);
  g_autoptr(HeyaiScene) scene = heyai_store_get_scene_at (store, heyai_project_get_id (project), 1, NULL);
  g_autoptr(HeyaiAsset) imported = heyai_asset_new ();
  g_autoptr(GPtrArray) takes = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = heyai_uuid_new ();
  g_autofree char *path = g_build_filename (ui_test_data_dir (), "imported-take.png", NULL);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 800);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiScenePane *pane;
  gboolean seen_imported = FALSE, seen_made = FALSE;

  /* Take 2: a still the producer brought. */
  ui_test_write_png (path, 320, 180, 7);
  heyai_asset_set_id (imported, id);
  heyai_asset_set_project_id (imported, heyai_project_get_id (project));
  heyai_asset_set_scene_id (imported, heyai_scene_get_id (scene));
  heyai_asset_set_kind (imported, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_take (imported, 2);
  heyai_asset_set_provider (imported, "imported");
  heyai_asset_set_local_path (imported, path);
  heyai_asset_set_created_at (imported, g_get_real_time ());
  heyai_lineage_fill_imported (imported, NULL, "imported-take.png");
  g_assert_true (heyai_store_insert_asset (store, imported, &error));
  g_assert_no_error (error);

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  ui_test_spin (300);
  gtk_selection_model_select_item (heyai_storyboard_page_get_selection (heyai_project_view_get_storyboard_page (view)),
                                   0, TRUE);
  ui_test_spin (500);
  pane = HEYAI_SCENE_PANE (find_type (GTK_WIDGET (view), HEYAI_TYPE_SCENE_PANE));
  g_assert_nonnull (pane);
  heyai_scene_pane_refresh (pane);
  collect_class (GTK_WIDGET (pane), "take", takes);
  g_assert_cmpuint (takes->len, ==, 2);
  for (guint i = 0; i < takes->len; i++)
    {
      const char *tip = gtk_widget_get_tooltip_text (g_ptr_array_index (takes, i));

      g_test_message ("take tooltip: %s", tip);
      g_assert_nonnull (tip);
      g_assert_null (strchr (tip, '/'));
      if (strstr (tip, _("imported")) != NULL)
        seen_imported = TRUE;
      else
        {
          /* "made 14:05 with <service>" */
          g_autofree char *service = g_strdup (heyai_provider_display_name (HEYAI_ROLE_IMAGER, "offline"));

          g_assert_nonnull (strstr (tip, service));
          seen_made = TRUE;
        }
    }
  g_assert_true (seen_imported);
  g_assert_true (seen_made);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* 3. An idle project whose clip was made from an older still reads "Clips
 * out of date", not "Animating scenes"; the project card agrees. */
static void
test_idle_outdated_status (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Outdated Clips", 2, TRUE);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  g_autoptr(HeyaiAsset) newer = heyai_asset_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = heyai_uuid_new ();
  g_autofree char *path = g_build_filename (ui_test_data_dir (), "newer-still.png", NULL);
  HeyaiScene *first;
  HeyaiWindow *window;
  GtkWidget *card;
  g_autoptr(GPtrArray) chips = g_ptr_array_new ();
  gboolean found = FALSE;

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);

      heyai_pipeline_set_approval (store, scene, HEYAI_APPROVAL_APPROVED, NULL);
      add_clip (store, scene, 1);
    }
  first = g_ptr_array_index (scenes, 0);
  g_clear_object (&project);
  project = heyai_store_find_project (store, heyai_scene_get_project_id (first), NULL);
  g_test_message ("with every clip made: %s", heyai_project_status_label (heyai_project_get_status (project)));

  /* Scene 1's still is regenerated (take 2) and approved after its clip. */
  ui_test_write_png (path, 320, 180, 11);
  heyai_asset_set_id (newer, id);
  heyai_asset_set_project_id (newer, heyai_project_get_id (project));
  heyai_asset_set_scene_id (newer, heyai_scene_get_id (first));
  heyai_asset_set_kind (newer, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_take (newer, 2);
  heyai_asset_set_provider (newer, "offline");
  heyai_asset_set_local_path (newer, path);
  heyai_asset_set_created_at (newer, g_get_real_time ());
  heyai_lineage_fill (project, first, newer, NULL, NULL);
  g_assert_true (heyai_store_insert_asset (store, newer, &error));
  g_assert_no_error (error);
  g_assert_true (heyai_pipeline_select_take (store, first, HEYAI_ASSET_KIND_IMAGE, 2, &error));
  g_assert_no_error (error);
  heyai_pipeline_set_approval (store, first, HEYAI_APPROVAL_APPROVED, &error);
  g_assert_no_error (error);

  {
    HeyaiSceneLineage lineage;

    heyai_lineage_of_scene (store, project, first, &lineage);
    g_assert_true (lineage.clip_stale);
  }
  g_assert_cmpint (heyai_project_get_status (project), ==, HEYAI_PROJECT_STATUS_CLIPS_OUTDATED);
  g_assert_cmpstr (heyai_project_status_label (heyai_project_get_status (project)), ==, _("Clips out of date"));

  /* The projects page's card says the same. */
  window = ui_test_new_window (NULL, 1280, 800);
  heyai_window_show_projects (window);
  ui_test_spin (1500);
  card = GTK_WIDGET (window);
  collect_class (card, "chip", chips);
  for (guint i = 0; i < chips->len; i++)
    if (GTK_IS_LABEL (g_ptr_array_index (chips, i)) &&
        g_strcmp0 (gtk_label_get_label (g_ptr_array_index (chips, i)), _("Clips out of date")) == 0)
      found = TRUE;
  g_free (ui_test_screenshot (GTK_WIDGET (window), spanish () ? "projects-outdated-es" : "projects-outdated"));
  g_assert_true (found);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* 5. The Bible page follows the store (a write elsewhere: another
 * connection, as `heyai bible` in a terminal), and an entry is renamed and
 * its description edited in the window. */
static void
test_bible_follows_and_edits (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Bible Live", 2, TRUE);
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(HeyaiBibleEntry) edited = NULL;
  g_autoptr(HeyaiStore) other = NULL;
  g_autoptr(HeyaiBibleEntry) added_elsewhere = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 800);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiBiblePage *page;
  AdwMessageDialog *dialog = NULL;
  GtkWidget *edit_button;

  mara = heyai_store_bible_add (store, heyai_project_get_id (project), HEYAI_BIBLE_CHARACTER, "Mara",
                                NULL, "A keeper in a yellow coat", &error);
  g_assert_no_error (error);
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "bible");
  ui_test_spin (400);
  page = HEYAI_BIBLE_PAGE (find_type (GTK_WIDGET (view), HEYAI_TYPE_BIBLE_PAGE));
  g_assert_nonnull (page);
  g_assert_cmpuint (heyai_bible_page_get_n_cards (page), ==, 1);

  /* Another connection (what `heyai bible P add` does) adds an entry: the
   * shown page gets it without a click. */
  other = heyai_store_new (heyai_store_get_path (store), &error);
  g_assert_no_error (error);
  added_elsewhere = heyai_store_bible_add (other, heyai_project_get_id (project), HEYAI_BIBLE_LOCATION,
                                           "The Lighthouse", NULL, "White tower, red lamp", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 160 && heyai_bible_page_get_n_cards (page) < 2; i++)
    ui_test_spin (25);
  g_assert_cmpuint (heyai_bible_page_get_n_cards (page), ==, 2);

  /* Edit…: a rename and a new description, through the dialog. */
  edit_button = ui_test_find_by_tooltip (GTK_WIDGET (page), GTK_TYPE_BUTTON,
                                         _("Rename it or edit its aliases and description"));
  g_assert_nonnull (edit_button);
  gtk_widget_activate (edit_button);
  dialog = ui_test_wait_message_dialog (NULL, 3000);
  g_assert_nonnull (dialog);
  {
    g_autoptr(GPtrArray) entries = g_ptr_array_new ();
    GtkWidget *extra = adw_message_dialog_get_extra_child (dialog);
    GtkWidget *child;

    for (child = gtk_widget_get_first_child (extra); child != NULL; child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_ENTRY (child))
        g_ptr_array_add (entries, child);
    g_assert_cmpuint (entries->len, ==, 3);   /* name, aliases, description */
    g_free (ui_test_screenshot (GTK_WIDGET (dialog), spanish () ? "bible-edit-es" : "bible-edit"));
    /* The first card is the character (by kind, then name). */
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (g_ptr_array_index (entries, 0))), ==, "Mara");
    gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (entries, 0)), "Mara Quill");
    gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (entries, 1)), "Mara, the keeper");
    gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (entries, 2)), "A keeper in a red coat");
  }
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_spin (400);

  edited = heyai_store_bible_get (store, mara->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (edited->name, ==, "Mara Quill");
  g_assert_cmpstr (edited->description, ==, "A keeper in a red coat");
  g_assert_cmpuint (g_strv_length (edited->aliases), ==, 2);
  /* The page shows the new name (it reloaded on "bible-changed"). */
  for (guint i = 0; i < 80 && heyai_bible_page_get_reload_pending (page); i++)
    ui_test_spin (25);
  {
    g_autoptr(GPtrArray) headings = g_ptr_array_new ();
    gboolean shown = FALSE;

    collect_class (GTK_WIDGET (page), "heading", headings);
    for (guint i = 0; i < headings->len; i++)
      if (GTK_IS_LABEL (g_ptr_array_index (headings, i)) &&
          g_strcmp0 (gtk_label_get_label (g_ptr_array_index (headings, i)), "Mara Quill") == 0)
        shown = TRUE;
    g_assert_true (shown);
  }

  /* A name another entry has is refused, with the reason, and nothing changes. */
  g_assert_false (heyai_bible_edit_entry (store, mara->id, HEYAI_BIBLE_CHARACTER, "The Lighthouse", "", "",
                                          &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (heyai_bible_edit_entry (store, mara->id, HEYAI_BIBLE_CHARACTER, "  ", "", "", &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* An edit made elsewhere reaches the shown page too. */
  {
    g_autoptr(HeyaiBibleEntry) there = heyai_store_bible_get (other, added_elsewhere->id, &error);

    g_free (there->name);
    there->name = g_strdup ("North Light");
    g_assert_true (heyai_store_bible_update (other, there, &error));
    g_assert_no_error (error);
  }
  {
    gboolean shown = FALSE;

    for (guint i = 0; i < 160 && !shown; i++)
      {
        g_autoptr(GPtrArray) headings = g_ptr_array_new ();

        ui_test_spin (25);
        collect_class (GTK_WIDGET (page), "heading", headings);
        for (guint k = 0; k < headings->len; k++)
          if (GTK_IS_LABEL (g_ptr_array_index (headings, k)) &&
              g_strcmp0 (gtk_label_get_label (g_ptr_array_index (headings, k)), "North Light") == 0)
            shown = TRUE;
      }
    g_assert_true (shown);
  }
  g_free (ui_test_screenshot (GTK_WIDGET (window), spanish () ? "bible-page-es" : "bible-page"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
select_first_tick_cb (GtkWidget     *flap,
                      GdkFrameClock *clock,
                      gpointer       selection)
{
  g_test_message ("selecting in a frame's update phase: flap %d px wide, %s", gtk_widget_get_width (flap),
                  gtk_widget_get_mapped (flap) ? "mapped" : "unmapped");
  g_assert_true (gtk_widget_get_mapped (flap));
  g_assert_cmpint (gtk_widget_get_width (flap), ==, 0);
  gtk_selection_model_select_item (selection, 0, TRUE);
  /* The pane shows the scene; the flap's reveal waits for its first layout. */
  g_assert_false (adw_flap_get_reveal_flap (ADW_FLAP (flap)));
  return G_SOURCE_REMOVE;
}

typedef struct
{
  gboolean nan;      /* a NaN progress (what GTK allocated at INT_MIN px) */
  guint    between;  /* progresses strictly between 0 and 1: a real spring */
} RevealSeen;

static void
reveal_progress_cb (AdwFlap    *flap,
                    GParamSpec *pspec,
                    RevealSeen *seen)
{
  double progress = adw_flap_get_reveal_progress (flap);

  g_test_message ("reveal progress %g with the flap %d px wide", progress, gtk_widget_get_width (GTK_WIDGET (flap)));
  if (isnan (progress))
    seen->nan = TRUE;
  else if (progress > 0 && progress < 1)
    seen->between++;
}

/* 6. A scene picked before the storyboard was ever laid out (a project
 * opened, and a card selected in the first frame's update phase, before
 * its layout) opens the scene pane at its width.  libadwaita 1.2's AdwFlap
 * divides a reveal's velocity by the flap's last allocated width, 0 before
 * its first allocation: the spring's progress could be NaN for a frame and
 * GTK was asked to allocate the storyboard's GtkStack at INT_MIN px (a fatal
 * warning here).  The storyboard holds the reveal until the flap has a width.
 * A NaN velocity also shows when the first frame is later: libadwaita then
 * estimates the spring at 1 ms and the pane jumps open, so with animations
 * on the test asks for a spring (progresses between 0 and 1). */
static void
test_pane_before_first_layout (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Pane Before Layout", 3, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 800);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiStoryboardPage *page = heyai_project_view_get_storyboard_page (view);
  GtkSelectionModel *selection = heyai_storyboard_page_get_selection (page);
  GtkWidget *pane;
  AdwFlap *flap;
  RevealSeen seen = { FALSE, 0 };
  gboolean animations = FALSE;

  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "storyboard");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (selection)), >, 0);
  flap = ADW_FLAP (find_type (GTK_WIDGET (page), ADW_TYPE_FLAP));
  g_assert_nonnull (flap);
  g_signal_connect (flap, "notify::reveal-progress", G_CALLBACK (reveal_progress_cb), &seen);
  gtk_widget_add_tick_callback (GTK_WIDGET (flap), select_first_tick_cb, selection, NULL);
  /* Under ASan the first layout of the project view alone can take a second. */
  for (guint i = 0; i < 300 && adw_flap_get_reveal_progress (flap) < 1.0; i++)
    ui_test_spin (50);
  ui_test_wait_frame (GTK_WIDGET (window));
  g_signal_handlers_disconnect_by_func (flap, reveal_progress_cb, &seen);
  g_assert_false (seen.nan);
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (flap)), "gtk-enable-animations", &animations, NULL);
  if (animations)
    g_assert_cmpuint (seen.between, >, 0);
  pane = find_type (GTK_WIDGET (view), HEYAI_TYPE_SCENE_PANE);
  g_assert_nonnull (pane);
  g_assert_true (adw_flap_get_reveal_flap (flap));
  g_assert_cmpfloat (adw_flap_get_reveal_progress (flap), ==, 1.0);
  g_assert_true (gtk_widget_get_mapped (pane));
  g_assert_cmpint (gtk_widget_get_width (pane), >=, 300);
  g_assert_cmpint (gtk_widget_get_width (adw_flap_get_content (flap)), >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* --spanish: the same checks with LANGUAGE=es (the build tree's .mo). */
  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--spanish") == 0)
      {
        g_setenv ("LANGUAGE", "es", TRUE);
        for (int k = i; k < argc; k++)
          argv[k] = argv[k + 1];
        argc--;
        break;
      }
  if (!ui_test_init (&argc, &argv))
    return 0;
  g_test_add_func ("/polish/run-button-width", test_run_button_width);
  g_test_add_func ("/polish/take-tooltips", test_take_tooltips);
  g_test_add_func ("/polish/idle-outdated-status", test_idle_outdated_status);
  g_test_add_func ("/polish/bible-follows-and-edits", test_bible_follows_and_edits);
  g_test_add_func ("/polish/pane-before-first-layout", test_pane_before_first_layout);
  status = g_test_run ();
  ui_test_cleanup ();
  return status;
}
