/* test-bible-ui.c: the Bible page (entry cards, the Cast view with every
 * scene's still side by side), an entry made from a still, and the scene
 * pane's cast editor (remove, add, the "References not applied" chip).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "heyai-bible-page.h"
#include "heyai-cast-editor.h"
#include "heyai-project-view.h"
#include "ui-test-utils.h"

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

static HeyaiScene *
scene_at (HeyaiStore   *store,
          HeyaiProject *project,
          int           position)
{
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene = heyai_store_get_scene_at (store, heyai_project_get_id (project), position, &error);

  g_assert_no_error (error);
  return scene;
}

static HeyaiAsset *
still_of (HeyaiStore *store,
          HeyaiScene *scene)
{
  return heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, 1, NULL);
}

static void
test_bible_page (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "The lighthouse", 3, TRUE);
  g_autoptr(HeyaiScene) one = scene_at (store, project, 1);
  g_autoptr(HeyaiScene) two = scene_at (store, project, 2);
  g_autoptr(HeyaiScene) three = scene_at (store, project, 3);
  g_autoptr(HeyaiAsset) still_two = still_of (store, two);
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(HeyaiBibleEntry) keeper = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *note = heyai_lineage_references_note_for ("Offline storyboard takes no reference images");
  HeyaiWindow *window;
  HeyaiProjectView *view;
  HeyaiBiblePage *page;

  mara = heyai_store_bible_add (store, heyai_project_get_id (project), HEYAI_BIBLE_CHARACTER, "Mara", NULL,
                                "red oilskin coat", &error);
  g_assert_no_error (error);
  g_assert_true (heyai_store_cast_set (store, heyai_project_get_id (project), heyai_scene_get_id (one), mara->id,
                                       TRUE, "analysis", &error));
  g_assert_true (heyai_store_cast_set (store, heyai_project_get_id (project), heyai_scene_get_id (three), mara->id,
                                       TRUE, "analysis", &error));
  g_assert_no_error (error);

  /* Scene 3's still was made without its references. */
  {
    g_autoptr(HeyaiAsset) still_three = still_of (store, three);
    g_autoptr(GPtrArray) cast = heyai_store_cast_list (store, heyai_scene_get_id (three), &error);

    heyai_lineage_fill_with_cast (project, three, still_three, NULL, NULL, cast, note);
    g_assert_true (heyai_store_update_asset (store, still_three, &error));
    g_assert_no_error (error);
  }

  window = heyai_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 820);
  gtk_window_present (GTK_WINDOW (window));
  heyai_window_open_project (window, project);
  view = heyai_window_get_project_view (window);

  /* The storyboard card of scene 3 (only) shows the "Text only" chip. */
  heyai_project_view_set_visible_page (view, "storyboard");
  ui_test_wait_frame (GTK_WIDGET (window));
  {
    GtkWidget *chip = ui_test_find_by_tooltip (GTK_WIDGET (view), GTK_TYPE_LABEL, note);

    g_assert_nonnull (chip);
    g_assert_true (gtk_widget_get_visible (chip));
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (chip)), ==, "Text only");
  }

  heyai_project_view_set_visible_page (view, "bible");
  ui_test_wait_frame (GTK_WIDGET (window));
  page = HEYAI_BIBLE_PAGE (find_type (GTK_WIDGET (view), HEYAI_TYPE_BIBLE_PAGE));
  g_assert_nonnull (page);

  /* One card; the Cast view shows Mara's two scenes' stills. */
  g_assert_cmpuint (heyai_bible_page_get_n_cards (page), ==, 1);
  g_assert_cmpuint (heyai_bible_page_get_n_cast_stills (page, mara->id), ==, 2);

  /* An entry made from scene 2's still: the still is its reference image,
   * scene 2 is in its cast. */
  keeper = heyai_bible_create_entry (store, ui_test_data_dir (), project, two, still_two, HEYAI_BIBLE_CHARACTER,
                                     "Keeper", "the old man, lamp keeper", "grey beard", &error);
  g_assert_no_error (error);
  g_assert_nonnull (keeper);
  g_assert_cmpuint (keeper->images->len, ==, 1);
  g_assert_cmpstr (((HeyaiBibleImage *) g_ptr_array_index (keeper->images, 0))->source, ==, "still");
  g_assert_cmpstr (((HeyaiBibleImage *) g_ptr_array_index (keeper->images, 0))->source_asset_id, ==,
                   heyai_asset_get_id (still_two));
  g_assert_cmpstr (keeper->aliases[1], ==, "lamp keeper");
  /* A second entry with that name is refused, nothing half-made. */
  g_assert_null (heyai_bible_create_entry (store, ui_test_data_dir (), project, two, still_two, HEYAI_BIBLE_PROP,
                                           "keeper", NULL, NULL, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  heyai_bible_page_reload (page);
  g_assert_cmpuint (heyai_bible_page_get_n_cards (page), ==, 2);
  g_assert_cmpuint (heyai_bible_page_get_n_cast_stills (page, keeper->id), ==, 1);
  ui_test_wait_frame (GTK_WIDGET (window));
  shot = ui_test_screenshot (GTK_WIDGET (window), "bible-page");
  g_assert_nonnull (shot);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (50);
}

static void
test_cast_editor (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Cast editor", 2, TRUE);
  g_autoptr(HeyaiScene) one = scene_at (store, project, 1);
  g_autoptr(HeyaiAsset) still = still_of (store, one);
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(HeyaiBibleEntry) lamp = NULL;
  g_autoptr(GPtrArray) cast = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *note = heyai_lineage_references_note_for ("Offline storyboard takes no reference images");
  GtkWidget *window = gtk_window_new ();
  GtkWidget *editor = heyai_cast_editor_new ();

  mara = heyai_store_bible_add (store, heyai_project_get_id (project), HEYAI_BIBLE_CHARACTER, "Mara", NULL, NULL,
                                &error);
  lamp = heyai_store_bible_add (store, heyai_project_get_id (project), HEYAI_BIBLE_PROP, "Lamp", NULL, NULL,
                                &error);
  g_assert_true (heyai_store_cast_set (store, heyai_project_get_id (project), heyai_scene_get_id (one), mara->id,
                                       TRUE, "analysis", &error));
  g_assert_no_error (error);

  gtk_window_set_child (GTK_WINDOW (window), editor);
  gtk_window_present (GTK_WINDOW (window));
  heyai_cast_editor_set_scene (HEYAI_CAST_EDITOR (editor), one);
  names = heyai_cast_editor_dup_names (HEYAI_CAST_EDITOR (editor));
  g_assert_cmpstr (names, ==, "Mara");
  g_assert_null (heyai_cast_editor_get_chip (HEYAI_CAST_EDITOR (editor)));

  /* Remove Mara, add the lamp: the store follows. */
  g_assert_true (heyai_cast_editor_toggle (HEYAI_CAST_EDITOR (editor), "Mara", FALSE));
  g_assert_true (heyai_cast_editor_toggle (HEYAI_CAST_EDITOR (editor), "Lamp", TRUE));
  g_clear_pointer (&names, g_free);
  names = heyai_cast_editor_dup_names (HEYAI_CAST_EDITOR (editor));
  g_assert_cmpstr (names, ==, "Lamp");
  cast = heyai_store_cast_list (store, heyai_scene_get_id (one), &error);
  g_assert_cmpuint (cast->len, ==, 1);
  g_assert_cmpstr (((HeyaiBibleEntry *) g_ptr_array_index (cast, 0))->id, ==, lamp->id);

  /* The first scene has no previous shot; the second can continue it. */
  g_assert_false (heyai_cast_editor_get_continues (HEYAI_CAST_EDITOR (editor)));
  {
    g_autoptr(HeyaiScene) two = scene_at (store, project, 2);

    heyai_cast_editor_set_scene (HEYAI_CAST_EDITOR (editor), two);
    heyai_cast_editor_set_continues (HEYAI_CAST_EDITOR (editor), TRUE);
    g_assert_true (heyai_store_scene_continues (store, heyai_scene_get_id (two)));
    g_assert_false (heyai_store_scene_continues (store, heyai_scene_get_id (one)));
    heyai_cast_editor_set_scene (HEYAI_CAST_EDITOR (editor), one);
    g_assert_false (heyai_cast_editor_get_continues (HEYAI_CAST_EDITOR (editor)));
    heyai_cast_editor_set_scene (HEYAI_CAST_EDITOR (editor), two);
    g_assert_true (heyai_cast_editor_get_continues (HEYAI_CAST_EDITOR (editor)));
    heyai_cast_editor_set_scene (HEYAI_CAST_EDITOR (editor), one);
    heyai_cast_editor_set_ends_on_next (HEYAI_CAST_EDITOR (editor), TRUE);
    g_assert_true (heyai_store_scene_ends_on_next (store, heyai_scene_get_id (one)));
    g_assert_false (heyai_store_scene_ends_on_next (store, heyai_scene_get_id (two)));
    heyai_cast_editor_set_ends_on_next (HEYAI_CAST_EDITOR (editor), FALSE);
    g_assert_false (heyai_store_scene_ends_on_next (store, heyai_scene_get_id (one)));
  }

  /* A still whose references could not be sent shows the chip. */
  heyai_lineage_fill_with_cast (project, one, still, NULL, NULL, cast, note);
  g_assert_true (heyai_store_update_asset (store, still, &error));
  g_assert_no_error (error);
  heyai_cast_editor_refresh (HEYAI_CAST_EDITOR (editor));
  g_assert_cmpstr (heyai_cast_editor_get_chip (HEYAI_CAST_EDITOR (editor)), ==, note);
  gtk_window_set_default_size (GTK_WINDOW (window), 340, 600);
  ui_test_wait_frame (window);
  g_free (ui_test_screenshot (window, "cast-editor"));

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (50);
}

static void
created_cb (gpointer data)
{
  (*(guint *) data)++;
}

/* New Bible Entry from a still: the same labelled fields as Edit (each entry
 * has its mnemonic label), and Create makes the entry with the still as its
 * image and the scene in its cast. */
static void
test_new_entry_dialog (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "New entry", 2, TRUE);
  g_autoptr(HeyaiScene) one = scene_at (store, project, 1);
  g_autoptr(HeyaiAsset) still = still_of (store, one);
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) cast = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *anchor = gtk_label_new ("");
  HeyaiBibleEntry *made;
  guint created = 0;

  gtk_window_set_child (GTK_WINDOW (window), anchor);
  gtk_window_present (GTK_WINDOW (window));
  heyai_bible_new_entry_dialog (anchor, project, one, still, G_CALLBACK (created_cb), &created);
  dialog = ui_test_wait_message_dialog (NULL, 3000);
  g_assert_nonnull (dialog);
  for (GtkWidget *child = gtk_widget_get_first_child (adw_message_dialog_get_extra_child (dialog)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_ENTRY (child))
      {
        g_autoptr(GList) labels = gtk_widget_list_mnemonic_labels (child);

        g_assert_nonnull (labels);
        g_ptr_array_add (entries, child);
      }
  g_assert_cmpuint (entries->len, ==, 3);   /* name, aliases, description */
  for (guint i = 0; i < entries->len; i++)
    g_assert_cmpstr (gtk_editable_get_text (g_ptr_array_index (entries, i)), ==, "");
  ui_test_wait_frame (GTK_WIDGET (dialog));
  g_free (ui_test_screenshot (GTK_WIDGET (dialog), "bible-new-entry"));
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (entries, 0)), "  Amara ");
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (entries, 1)), "the nurse, , Dr. Okafor");
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (entries, 2)), "Forties, scrubs, tired eyes");
  adw_message_dialog_response (dialog, "create");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_spin (100);

  g_assert_cmpuint (created, ==, 1);
  listed = heyai_store_bible_list (store, heyai_project_get_id (project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  made = g_ptr_array_index (listed, 0);
  g_assert_cmpstr (made->name, ==, "Amara");
  g_assert_cmpuint (g_strv_length (made->aliases), ==, 2);
  g_assert_cmpstr (made->aliases[0], ==, "the nurse");
  g_assert_cmpstr (made->aliases[1], ==, "Dr. Okafor");
  g_assert_cmpstr (made->description, ==, "Forties, scrubs, tired eyes");
  g_assert_cmpint (made->kind, ==, HEYAI_BIBLE_CHARACTER);
  cast = heyai_store_cast_list (store, heyai_scene_get_id (one), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cast->len, ==, 1);
  g_assert_cmpstr (((HeyaiBibleEntry *) g_ptr_array_index (cast, 0))->id, ==, made->id);

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_spin (50);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  if (!ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/ui/bible/page", test_bible_page);
  g_test_add_func ("/ui/bible/cast-editor", test_cast_editor);
  g_test_add_func ("/ui/bible/new-entry-dialog", test_new_entry_dialog);

  ret = g_test_run ();
  ui_test_cleanup ();
  return ret;
}
