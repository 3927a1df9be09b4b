/* ui-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "ui-test-utils.h"

static char *data_dir;
static HeyaiApplication *app;

/* Warnings that only affect screenshots or the test machine, not what a test
 * checks:
 *  - a screenshot snapshots a window outside its own paint, and a running
 *    batch keeps relaying out cards;
 *  - a private D-Bus session has no notification server (the app notifies when
 *    a batch ends while its window is not focused). */
static gboolean
allowed_warning (const char *message)
{
  return strstr (message, "without a current allocation") != NULL ||
         strstr (message, "unable to send notifications") != NULL;
}

/* Every other warning stays fatal (as g_test_init() makes it); GTK size
 * warnings name a widget by address only, so its ancestors are printed too. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *msg = NULL;
  GLogWriterOutput ret;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length == -1)
      msg = fields[i].value;

  if (msg != NULL && strstr (msg, "attempt to allocate") != NULL)
    {
      const char *at = strstr (msg, " 0x");
      GtkWidget *w = at ? GSIZE_TO_POINTER (g_ascii_strtoull (at + 1, NULL, 16)) : NULL;

      for (guint depth = 0; w != NULL && depth < 30; depth++, w = gtk_widget_get_parent (w))
        g_printerr ("  in %s (%s)\n", G_OBJECT_TYPE_NAME (w), gtk_widget_get_css_name (w));
    }

  ret = g_log_writer_default (level, fields, n_fields, user_data);
  if ((level & G_LOG_LEVEL_WARNING) && !(msg != NULL && allowed_warning (msg)))
    G_BREAKPOINT ();
  return ret;
}

gboolean
ui_test_init (int    *argc,
              char ***argv)
{
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_test_init (argc, argv, NULL);
  /* The build tree's translations, so LANGUAGE=es runs the window in Spanish
   * (the metainfo screenshots); the test env's LC_ALL=C.UTF-8 honours it. */
  bindtextdomain (GETTEXT_PACKAGE, heyai_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Criticals stay fatal here; warnings are judged by log_writer(). */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display (run the ui suite under xvfb-run)\n");
      return FALSE;
    }
  adw_init ();
  /* Animations stay on (GTK 4.8's GtkRevealer allocates a height of -1 with
   * them off); screenshots wait for crossfades to end instead. */
  gst_init (NULL, NULL);
  return TRUE;
}

HeyaiApplication *
ui_test_app (void)
{
  g_autofree char *keyring = NULL;

  if (app != NULL)
    return app;

  data_dir = g_dir_make_tmp ("heyai-ui-test-XXXXXX", NULL);
  g_assert_nonnull (data_dir);
  g_setenv ("HEYAI_DATA_DIR", data_dir, TRUE);
  g_setenv ("HEYAI_LOCAL_ROOT", "", FALSE);
  g_unsetenv ("HEYAI_LOCAL_ROOT");
  /* A private keyring file and schema: a test never touches a real keyring. */
  if (g_getenv ("HEYAI_TEST_REAL_KEYRING") == NULL)
    {
      keyring = g_build_filename (data_dir, "test.keyring", NULL);
      g_setenv ("SECRET_BACKEND", "file", TRUE);
      g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
      g_setenv ("SECRET_FILE_TEST_PASSWORD", "heyai-test", TRUE);
    }
  g_setenv ("HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.Secret", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  app = heyai_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_assert_nonnull (heyai_application_get_store (app));
  return app;
}

const char *
ui_test_data_dir (void)
{
  return data_dir;
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          rm_rf (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

void
ui_test_cleanup (void)
{
  if (app != NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
      while (windows != NULL)
        {
          gtk_window_destroy (windows->data);
          windows = gtk_application_get_windows (GTK_APPLICATION (app));
        }
      ui_test_spin (50);
      g_clear_object (&app);
    }
  if (data_dir != NULL)
    {
      rm_rf (data_dir);
      g_clear_pointer (&data_dir, g_free);
    }
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
ui_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
ui_test_wait (gboolean *flag,
              guint     timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *flag;
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

void
ui_test_wait_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  for (guint i = 0; i < 100 && gtk_widget_get_frame_clock (widget) == NULL; i++)
    ui_test_spin (10);
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  ui_test_wait (&painted, 5000);
  g_signal_handler_disconnect (clock, id);
}

void
ui_test_write_png (const char *path,
                   int         width,
                   int         height,
                   guint       seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + x * 3;
        p[0] = (guchar) ((x * 255 / width + seed * 40) & 0xff);
        p[1] = (guchar) ((y * 255 / height + seed * 90) & 0xff);
        p[2] = (guchar) ((128 + seed * 25) & 0xff);
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
}

HeyaiProject *
ui_test_make_project (HeyaiStore *store,
                      const char *title,
                      guint       n,
                      gboolean    with_stills)
{
  g_autoptr(HeyaiProject) project = heyai_project_new ();
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *images = NULL;

  heyai_project_set_title (project, title);
  heyai_project_set_script (project, "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns. A keeper climbs the stairs.\n");
  heyai_project_set_aspect (project, HEYAI_ASPECT_16_9);
  g_assert_true (heyai_store_insert_project (store, project, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      HeyaiScene *scene = heyai_scene_new ();
      g_autofree char *scene_title = g_strdup_printf ("Scene title %u", i + 1);
      g_autofree char *text = g_strdup_printf ("The keeper climbs flight %u of the lighthouse as the storm builds.", i + 1);

      heyai_scene_set_project_id (scene, heyai_project_get_id (project));
      heyai_scene_set_title (scene, scene_title);
      heyai_scene_set_excerpt (scene, text);
      heyai_scene_set_description (scene, text);
      heyai_scene_set_image_prompt (scene, text);
      heyai_scene_set_motion_prompt (scene, "slow push in");
      heyai_scene_set_duration (scene, i % 3 == 0 ? 10 : 5);
      heyai_scene_set_camera_move (scene, (HeyaiCameraMove) (i % 7));
      g_ptr_array_add (scenes, scene);
    }
  if (n > 0)
    {
      g_assert_true (heyai_store_replace_scenes (store, heyai_project_get_id (project), scenes, &error));
      g_assert_no_error (error);
    }

  if (with_stills)
    {
      g_autoptr(GPtrArray) stored = heyai_store_list_scenes (store, heyai_project_get_id (project), &error);

      images = g_build_filename (ui_test_data_dir (), "stills", heyai_project_get_id (project), NULL);
      g_mkdir_with_parents (images, 0700);
      for (guint i = 0; i < stored->len; i++)
        {
          HeyaiScene *scene = g_ptr_array_index (stored, i);
          g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
          g_autofree char *name = g_strdup_printf ("scene-%02u.png", i + 1);
          g_autofree char *path = g_build_filename (images, name, NULL);

          ui_test_write_png (path, 320, 180, i);
          heyai_asset_set_project_id (asset, heyai_project_get_id (project));
          heyai_asset_set_scene_id (asset, heyai_scene_get_id (scene));
          heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
          heyai_asset_set_take (asset, 1);
          heyai_asset_set_provider (asset, "offline");
          heyai_asset_set_model (asset, "test");
          heyai_asset_set_seed (asset, 42);
          heyai_asset_set_local_path (asset, path);
          g_assert_true (heyai_store_insert_asset (store, asset, &error));
          heyai_scene_set_image_take (scene, 1);
          heyai_scene_set_status (scene, HEYAI_SCENE_STATUS_READY);
          g_assert_true (heyai_store_update_scene (store, scene, &error));
        }
    }
  return g_steal_pointer (&project);
}

gboolean
ui_test_write_clip (const char  *path,
                    GError     **error)
{
  g_autofree char *desc = g_strdup_printf ("videotestsrc num-buffers=48 pattern=ball ! "
                                           "video/x-raw,width=320,height=180,framerate=24/1 ! "
                                           "vp8enc deadline=1 ! webmmux ! filesink location=\"%s\"", path);
  g_autoptr(GstElement) pipeline = gst_parse_launch (desc, error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) msg = NULL;

  if (pipeline == NULL)
    return FALSE;
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (msg == NULL || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not encode the test clip");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GtkWidget *widget;
  char      *path;
  gboolean   done;
} Shot;

/* Runs right after a frame was painted: every widget has its allocation, so
 * the snapshot never sees a half-laid-out tree (a running batch keeps queueing
 * relayouts between frames). */
static void
shot_after_paint_cb (GdkFrameClock *clock,
                     Shot          *shot)
{
  GtkWidget *widget = shot->widget;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA bg;

  if (shot->done || width <= 0 || height <= 0)
    return;

  /* A toplevel has no parent to snapshot it, so draw its background and then
   * each of its children the way GtkWindow does. */
  snapshot = gtk_snapshot_new ();
  gdk_rgba_parse (&bg, adw_style_manager_get_dark (adw_style_manager_get_default ()) ? "#242424" : "#fafafa");
  gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, shot->path));
  shot->done = TRUE;
}

char *
ui_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  const char *build = g_getenv ("HEYAI_BUILD_ROOT");
  g_autofree char *dir = g_build_filename (build ? build : ".", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  Shot shot = { widget, g_build_filename (dir, file, NULL), FALSE };
  GdkFrameClock *clock;
  gulong id;

  g_mkdir_with_parents (dir, 0755);
  ui_test_spin (350);   /* let stack crossfades (200 ms) finish */
  ui_test_wait_frame (widget);
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (shot_after_paint_cb), &shot);
  for (guint i = 0; i < 50 && !shot.done && gtk_widget_get_mapped (widget); i++)
    {
      gboolean painted = FALSE;
      gulong pid = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);

      gtk_widget_queue_draw (widget);
      ui_test_wait (&painted, 2000);
      g_signal_handler_disconnect (clock, pid);
    }
  g_signal_handler_disconnect (clock, id);
  if (!shot.done)
    {
      /* The widget went away meanwhile (a popover closed when its batch ended). */
      g_test_message ("screenshot %s skipped: the widget is not shown", name);
      g_free (shot.path);
      return NULL;
    }
  g_test_message ("screenshot: %s", shot.path);
  return shot.path;
}

guint
ui_test_count_widgets (GtkWidget *root,
                       GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (root, type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += ui_test_count_widgets (child, type);
  return n;
}

GtkWidget *
ui_test_find_by_tooltip (GtkWidget  *root,
                         GType       type,
                         const char *tooltip)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_by_tooltip (child, type, tooltip);
      if (found != NULL)
        return found;
    }
  return NULL;
}

HeyaiWindow *
ui_test_new_window (HeyaiApplication *app,
                    int               width,
                    int               height)
{
  HeyaiWindow *window = heyai_window_new (app != NULL ? app : ui_test_app ());

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  ui_test_wait_frame (GTK_WIDGET (window));
  return window;
}

void
ui_test_run_finished_cb (HeyaiApplication *app,
                         HeyaiProject     *project,
                         guint             n_done,
                         guint             n_failed,
                         double            cost,
                         const char       *message,
                         gboolean         *finished)
{
  g_test_message ("run finished: %u done, %u failed, $%.2f: %s", n_done, n_failed, cost, message ? message : "");
  *finished = TRUE;
}

AdwMessageDialog *
ui_test_wait_message_dialog (const char *heading,
                             guint       timeout_ms)
{
  for (guint waited = 0;; waited += 25)
    {
      g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL; l = l->next)
        if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data) &&
            (heading == NULL || g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0))
          return l->data;
      if (waited >= timeout_ms)
        return NULL;
      ui_test_spin (25);
    }
}
