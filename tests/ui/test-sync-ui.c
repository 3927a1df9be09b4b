/* test-sync-ui.c: the window's sync, conflicts, publishing and final trailer
 * under Xvfb (skips without a display).
 *
 * The application's library is computer "A"; a second library "B" in a
 * temporary folder syncs with it through a folder remote ($HEYAI_SYNC_FOLDER).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "heyai-conflicts-dialog.h"
#include "heyai-delivery.h"
#include "heyai-export.h"
#include "heyai-export-page.h"
#include "heyai-final-watch.h"
#include "heyai-project-view.h"
#include "heyai-sync-controller.h"
#include "heyai-sync-folder.h"
#include "sync-test-utils.h"
#include "ui-test-utils.h"

static char *remote_dir;
static char *b_dir;
static HeyaiStore *store_b;

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0 &&
      gtk_widget_is_visible (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_by_name (GtkWidget  *root,
              const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_name (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static HeyaiScene *
scene_at (HeyaiStore *store,
          const char *project_id,
          int         position)
{
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, project_id, NULL);

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    if (heyai_scene_get_position (g_ptr_array_index (scenes, i)) == position)
      return g_object_ref (g_ptr_array_index (scenes, i));
  g_assert_not_reached ();
}

static void
sync_store (HeyaiStore *store)
{
  g_autoptr(HeyaiSyncFolder) remote = heyai_sync_folder_new (remote_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiSyncReport) report = sync_test_run (store, HEYAI_SYNC_REMOTE (remote), &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  sync_test_tick ();
}

typedef struct
{
  gboolean  done;
  char     *summary;
  guint     conflicts;
  char     *error;
} Finished;

static void
sync_finished_cb (HeyaiSyncController *controller,
                  const char          *summary,
                  guint                conflicts,
                  const char          *error,
                  Finished            *f)
{
  g_free (f->summary);
  g_free (f->error);
  f->summary = g_strdup (summary);
  f->error = g_strdup (error);
  f->conflicts = conflicts;
  f->done = TRUE;
}

/* The controller syncs once at start (a sync folder is set), and again on
 * app.sync; the other computer then sees this one's project. */
static void
test_controller (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiSyncController *controller = heyai_sync_controller_get_default ();
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiProject) on_b = NULL;
  g_autofree char *snapshot = NULL;
  Finished f = { 0 };
  gulong id;

  g_assert_nonnull (controller);
  g_assert_true (heyai_sync_controller_is_configured (controller));
  id = g_signal_connect (controller, "sync-finished", G_CALLBACK (sync_finished_cb), &f);

  /* The start-up sync (3 s after startup). */
  g_assert_true (ui_test_wait (&f.done, 15000));
  g_assert_null (f.error);
  g_assert_nonnull (f.summary);
  g_test_message ("start-up sync: %s", f.summary);
  snapshot = g_strdup_printf ("%s/.heyai/library-%s.sqlite.gz", remote_dir,
                              heyai_store_get_device_id (heyai_application_get_store (app)));
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
  g_assert_cmpint (heyai_sync_get_last_time (heyai_application_get_store (app)), >, 0);

  /* "Sync Now" after a new project: B receives it. */
  project = sync_test_add_project (heyai_application_get_store (app), "Harbour Lights", 2);
  sync_test_tick ();
  f.done = FALSE;
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sync"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (heyai_sync_controller_is_running (controller));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sync"));
  g_assert_true (ui_test_wait (&f.done, 15000));
  g_assert_null (f.error);
  g_assert_cmpuint (f.conflicts, ==, 0);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (app), "sync"));
  g_test_message ("sync now: %s", f.summary);

  sync_store (store_b);
  on_b = heyai_store_find_project (store_b, heyai_project_get_id (project), NULL);
  g_assert_nonnull (on_b);
  g_assert_cmpstr (heyai_project_get_title (on_b), ==, "Harbour Lights");

  g_signal_handler_disconnect (controller, id);
  g_free (f.summary);
  g_free (f.error);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The same prompt edited on both computers: the controller reports the
 * conflict, the dialog lists it, "Use the Other Value" brings A's back. */
static void
test_conflicts_dialog (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  HeyaiSyncController *controller = heyai_sync_controller_get_default ();
  g_autoptr(HeyaiProject) project = sync_test_add_project (store, "Night Shift", 3);
  const char *pid = heyai_project_get_id (project);
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  GtkWindow *dialog;
  GtkWidget *button;
  Finished f = { 0 };
  gulong id;

  sync_store (store);
  sync_store (store_b);
  {
    g_autoptr(HeyaiScene) sa = scene_at (store, pid, 1);

    g_autoptr(HeyaiScene) sa2 = scene_at (store, pid, 2);

    heyai_scene_set_image_prompt (sa, "The keeper lights the lamp; the beam sweeps the black sea.");
    g_assert_true (heyai_store_update_scene (store, sa, &error));
    heyai_scene_set_approval (sa2, HEYAI_APPROVAL_REJECTED);
    g_assert_true (heyai_store_update_scene (store, sa2, &error));
    sync_test_tick ();
  }
  {
    g_autoptr(HeyaiScene) sb = scene_at (store_b, pid, 1);

    g_autoptr(HeyaiScene) sb2 = scene_at (store_b, pid, 2);

    heyai_scene_set_image_prompt (sb, "Close on the keeper's hands striking a match, storm outside.");
    g_assert_true (heyai_store_update_scene (store_b, sb, &error));
    heyai_scene_set_approval (sb2, HEYAI_APPROVAL_APPROVED);
    g_assert_true (heyai_store_update_scene (store_b, sb2, &error));
    sync_test_tick ();
  }
  sync_store (store_b);

  /* The dialog, opened before (nothing to review yet)... */
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync-conflicts", NULL);
  dialog = NULL;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (HEYAI_IS_CONFLICTS_DIALOG (l->data))
      dialog = l->data;
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  g_assert_cmpuint (heyai_conflicts_dialog_get_n_conflicts (HEYAI_CONFLICTS_DIALOG (dialog)), ==, 0);

  /* ...lists the conflict the controller's sync reports when it merges B's edit. */
  id = g_signal_connect (controller, "sync-finished", G_CALLBACK (sync_finished_cb), &f);
  heyai_sync_controller_sync (controller, FALSE);
  g_assert_true (ui_test_wait (&f.done, 15000));
  g_signal_handler_disconnect (controller, id);
  g_assert_null (f.error);
  g_assert_cmpuint (f.conflicts, ==, 2);
  g_free (f.summary);

  scene = scene_at (store, pid, 1);
  g_assert_cmpstr (heyai_scene_get_image_prompt (scene), ==, "Close on the keeper's hands striking a match, storm outside.");

  g_assert_cmpuint (heyai_conflicts_dialog_get_n_conflicts (HEYAI_CONFLICTS_DIALOG (dialog)), ==, 2);
  /* Stored nicks read the way the window says them. */
  g_assert_nonnull (find_row (GTK_WIDGET (dialog), "Approved"));
  g_assert_nonnull (find_row (GTK_WIDGET (dialog), "Rejected"));
  g_assert_null (find_row (GTK_WIDGET (dialog), "approved"));
  ui_test_wait_frame (GTK_WIDGET (dialog));
  shot = ui_test_screenshot (GTK_WIDGET (dialog), "sync-conflicts");
  g_assert_nonnull (shot);

  /* "Use the Other Value" on the prompt's conflict; "Keep" on the approval's. */
  button = find_button (gtk_widget_get_ancestor (find_row (GTK_WIDGET (dialog), "The keeper lights the lamp; the beam sweeps the black sea."),
                                                 ADW_TYPE_PREFERENCES_GROUP), "_Use the Other Value");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpuint (heyai_conflicts_dialog_get_n_conflicts (HEYAI_CONFLICTS_DIALOG (dialog)), ==, 1);
  button = find_button (GTK_WIDGET (dialog), "_Keep");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpuint (heyai_conflicts_dialog_get_n_conflicts (HEYAI_CONFLICTS_DIALOG (dialog)), ==, 0);
  {
    g_autoptr(HeyaiScene) s2 = scene_at (store, pid, 2);
    g_assert_cmpint (heyai_scene_get_approval (s2), ==, HEYAI_APPROVAL_APPROVED);
  }
  g_assert_cmpstr (heyai_scene_get_image_prompt (scene), ==, "The keeper lights the lamp; the beam sweeps the black sea.");
  left = heyai_sync_list_conflicts (store, pid, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 0);

  /* The restored value reaches the other computer. */
  sync_store (store);
  sync_store (store_b);
  {
    g_autoptr(HeyaiScene) sb = scene_at (store_b, pid, 1);
    g_assert_cmpstr (heyai_scene_get_image_prompt (sb), ==, "The keeper lights the lamp; the beam sweeps the black sea.");
  }

  gtk_window_destroy (dialog);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A still made on another computer (only on the remote, no local copy):
 * the storyboard shows the placeholder and fetches it in the background;
 * the asset then has a local file. */
static void
test_lazy_still (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Lazy Stills", 1, FALSE);
  g_autoptr(HeyaiScene) scene = scene_at (store, heyai_project_get_id (project), 1);
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(HeyaiAsset) fetched = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote_images = g_build_filename (remote_dir, "from-b", NULL);
  g_autofree char *remote_png = g_build_filename (remote_images, "scene-01.png", NULL);
  HeyaiWindow *window;
  const char *path = NULL;

  g_assert_cmpint (g_mkdir_with_parents (remote_images, 0700), ==, 0);
  ui_test_write_png (remote_png, 320, 180, 7);
  heyai_asset_set_project_id (asset, heyai_project_get_id (project));
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (scene));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_take (asset, 1);
  heyai_asset_set_provider (asset, "offline");
  heyai_asset_set_model (asset, "test");
  heyai_asset_set_drive_file_id (asset, "from-b/scene-01.png");
  g_assert_true (heyai_store_insert_asset (store, asset, &error));
  g_assert_no_error (error);
  heyai_scene_set_image_take (scene, 1);
  heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_READY);
  g_assert_true (heyai_store_update_scene (store, scene, &error));

  window = ui_test_new_window (NULL, 1280, 820);
  heyai_window_open_project (window, project);
  for (guint i = 0; i < 200 && path == NULL; i++)
    {
      ui_test_spin (50);
      g_clear_object (&fetched);
      fetched = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, 1, NULL);
      if (fetched != NULL)
        path = heyai_asset_get_local_path (fetched);
    }
  g_assert_nonnull (path);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_test_message ("fetched into %s", path);
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  gboolean  done;
  char     *text;
} Signalled;

static void
published_cb (HeyaiDelivery *delivery,
              HeyaiProject  *project,
              const char    *text,
              Signalled     *s)
{
  g_free (s->text);
  s->text = g_strdup (text);
  s->done = TRUE;
}

typedef struct
{
  gboolean  done;
  char     *text;
} ReadText;

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadText *r = user_data;

  r->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  r->done = TRUE;
}

/* Exporting with local storage publishes into the project folder and shows
 * its file:// link. */
static void
test_publish (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "The Last Lighthouse", 3, TRUE);
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), NULL);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiExportPage *page = heyai_project_view_get_export_page (view);
  HeyaiDelivery *delivery = heyai_delivery_get_default ();
  g_autofree char *local_root = heyai_local_root (ui_test_data_dir ());
  g_autofree char *folder = heyai_project_dir (local_root, project, NULL);
  g_autofree char *otio = NULL;
  g_autofree char *shot = NULL;
  g_autoptr(GFile) folder_file = NULL;
  g_autofree char *folder_uri = NULL;
  Signalled s = { 0 };
  GtkWidget *link;
  gulong id;

  for (guint i = 0; i < scenes->len; i++)
    g_assert_true (heyai_pipeline_set_approval (store, g_ptr_array_index (scenes, i), HEYAI_APPROVAL_APPROVED, NULL));

  id = g_signal_connect (delivery, "published", G_CALLBACK (published_cb), &s);
  heyai_window_open_project (window, project);
  heyai_project_view_set_visible_page (view, "export");
  ui_test_wait_frame (GTK_WIDGET (window));
  heyai_export_page_set_formats (page, HEYAI_EXPORT_FORMAT_OTIO | HEYAI_EXPORT_FORMAT_EDL | HEYAI_EXPORT_FORMAT_CSV);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  g_assert_true (ui_test_wait (&s.done, 30000));
  g_signal_handler_disconnect (delivery, id);

  folder_file = g_file_new_for_path (folder);
  folder_uri = g_file_get_uri (folder_file);
  g_assert_true (g_str_has_prefix (s.text, "file://"));
  g_assert_true (g_str_has_prefix (s.text, folder_uri) || g_str_has_prefix (folder_uri, s.text));
  otio = g_build_filename (folder, "timeline.otio", NULL);
  g_assert_true (g_file_test (otio, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (heyai_project_get_share_link (project), ==, s.text);

  link = find_by_name (GTK_WIDGET (page), "publish-link");
  g_assert_nonnull (link);
  /* A readable path (no file:// URI, no %20), and the page's one "Open
   * Folder" (no second, near-identical button with local storage). */
  {
    g_autofree char *shown = g_filename_from_uri (s.text, NULL, NULL);

    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (link)), ==, shown);
  }
  g_assert_null (find_button (GTK_WIDGET (page), "Open _Project Folder"));
  /* With local storage "Copy Link for the Editor" copies the package's
   * path, not the project folder's file:// URI. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (page), "Copy _Link for the Editor"), "clicked");
  {
    ReadText r = { 0 };

    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (page)), NULL, read_text_cb, &r);
    g_assert_true (ui_test_wait (&r.done, 5000));
    g_assert_cmpstr (r.text, ==, heyai_export_page_get_package_path (page));
    g_free (r.text);
  }

  /* Scrolled down to the published link for the screenshot. */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (link, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj;
    graphene_point_t point;

    g_assert_nonnull (scrolled);
    ui_test_wait_frame (GTK_WIDGET (window));
    adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    g_assert_true (gtk_widget_compute_point (link, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                             &GRAPHENE_POINT_INIT (0, 0), &point));
    gtk_adjustment_set_value (adj, point.y - 200);
  }
  shot = ui_test_screenshot (GTK_WIDGET (window), "export-published");
  g_assert_nonnull (shot);
  g_free (s.text);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
final_arrived_cb (HeyaiDelivery *delivery,
                  HeyaiProject  *project,
                  const char    *path,
                  Signalled     *s)
{
  published_cb (delivery, project, path, s);
}

/* A trailer copied into final/ while the project is open: the delivery
 * records it, offers Play, and the Export page shows it; the watch stops
 * when the project closes. */
static void
test_final_arrives (void)
{
  HeyaiApplication *app = ui_test_app ();
  HeyaiStore *store = heyai_application_get_store (app);
  g_autoptr(HeyaiProject) project = ui_test_make_project (store, "Final Cut", 2, TRUE);
  HeyaiWindow *window = ui_test_new_window (NULL, 1280, 820);
  HeyaiProjectView *view = heyai_window_get_project_view (window);
  HeyaiDelivery *delivery = heyai_delivery_get_default ();
  g_autofree char *local_root = heyai_local_root (ui_test_data_dir ());
  g_autofree char *final_dir = heyai_project_dir (local_root, project, "final");
  g_autofree char *trailer = g_build_filename (final_dir, "trailer-v1.webm", NULL);
  g_autofree char *tmp = g_build_filename (final_dir, "trailer-v1.webm.part", NULL);
  g_autoptr(HeyaiAsset) latest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shot = NULL;
  Signalled s = { 0 };
  guint n_windows;
  gulong id;

  id = g_signal_connect (delivery, "final-arrived", G_CALLBACK (final_arrived_cb), &s);
  heyai_window_open_project (window, project);
  g_assert_true (heyai_delivery_is_watching (delivery, project));
  heyai_project_view_set_visible_page (view, "export");
  ui_test_wait_frame (GTK_WIDGET (window));
  g_assert_null (find_button (GTK_WIDGET (heyai_project_view_get_export_page (view)), "_Play"));

  /* The editor's copy: written aside, then renamed into place. */
  g_assert_true (ui_test_write_clip (tmp, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_rename (tmp, trailer), ==, 0);
  g_assert_true (ui_test_wait (&s.done, 20000));
  g_signal_handler_disconnect (delivery, id);
  g_assert_cmpstr (s.text, ==, trailer);
  g_assert_cmpint (heyai_project_get_status (project), ==, HEYAI_PROJECT_STATUS_COMPLETED);
  latest = heyai_final_find_latest (store, project, &error);
  g_assert_no_error (error);
  g_assert_nonnull (latest);
  g_assert_cmpstr (heyai_asset_get_local_path (latest), ==, trailer);

  /* The toast's Play button: the clip player opens on the trailer. */
  n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "play-final", g_variant_new_string (trailer));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, n_windows + 1);
  ui_test_spin (300);
  gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);

  /* The Export page, open meanwhile, shows the delivered trailer. */
  g_assert_nonnull (find_button (GTK_WIDGET (heyai_project_view_get_export_page (view)), "_Play"));
  shot = ui_test_screenshot (GTK_WIDGET (window), "export-final-trailer");
  g_assert_nonnull (shot);

  /* Closing the project stops its watch. */
  heyai_window_show_projects (window);
  g_assert_false (heyai_delivery_is_watching (delivery, project));
  g_free (s.text);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *b_path = NULL;
  int ret;

  if (!ui_test_init (&argc, &argv))
    return 0;

  sync_test_install_clock ();
  root = g_dir_make_tmp ("heyai-sync-ui-XXXXXX", &error);
  g_assert_no_error (error);
  remote_dir = g_build_filename (root, "remote", NULL);
  b_dir = g_build_filename (root, "B", NULL);
  g_assert_cmpint (g_mkdir_with_parents (remote_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (b_dir, 0700), ==, 0);
  g_setenv ("HEYAI_SYNC_FOLDER", remote_dir, TRUE);
  b_path = g_build_filename (b_dir, "heyai.db", NULL);
  store_b = heyai_store_new (b_path, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/sync/controller", test_controller);
  g_test_add_func ("/ui/sync/conflicts-dialog", test_conflicts_dialog);
  g_test_add_func ("/ui/sync/lazy-still", test_lazy_still);
  g_test_add_func ("/ui/delivery/publish", test_publish);
  g_test_add_func ("/ui/delivery/final-arrives", test_final_arrives);

  ret = g_test_run ();
  ui_test_cleanup ();
  g_clear_object (&store_b);
  sync_test_remove_tree (root);
  g_free (remote_dir);
  g_free (b_dir);
  return ret;
}
