/* test-cli-bible.c: `heyai bible` and `heyai cast` with the offline
 * providers: entries with reference images, scenes that name a character
 * carry it, the offline imager (which takes no reference images) says so
 * for every scene whose cast has images, and bad input is refused.
 *
 * Usage: test-cli-bible --tap PATH-TO-heyai
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <cairo.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "heyai-core.h"
#include "cli-test-utils.h"

/* Runs heyai with HEYAI_DATA_DIR = @data_dir and the offline providers
 * (the arguments end with NULL); returns the exit status; @out gets stdout
 * and stderr. */
static int
heyai_v (const char         *data_dir,
         char              **out,
         const char *const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher =
    cli_launcher_new (data_dir, NULL, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  return cli_run_merged (launcher, args, out);
}

#define heyai(data_dir, out, ...) heyai_v ((data_dir), (out), (const char *[]) { __VA_ARGS__ })

static const char script[] =
  "INT. LIGHTHOUSE STAIRS - NIGHT\n\n"
  "Mara climbs the spiral stairs, lamp in hand.\n\n"
  "EXT. OPEN SEA - DAY\n\n"
  "Waves break against black rocks under a grey sky.\n";

static const guint8 png[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89
};

static void
test_bible_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_dir_make_tmp ("heyai-cli-bible-XXXXXX", &error);
  g_autofree char *script_path = g_build_filename (data, "lighthouse.fountain", NULL);
  g_autofree char *image = g_build_filename (data, "mara.png", NULL);
  g_autofree char *text = g_build_filename (data, "notes.txt", NULL);
  g_autofree char *id = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  char *out = NULL;
  JsonArray *list;
  JsonObject *entry;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (script_path, script, -1, NULL));
  g_assert_true (g_file_set_contents (image, (const char *) png, sizeof png, NULL));
  g_assert_true (g_file_set_contents (text, "not an image", -1, NULL));

  g_assert_cmpint (heyai (data, &id, "new", "--title", "The lighthouse", script_path, NULL), ==, 0);
  /* heyai new prints the id first. */
  *strchr (id, '\n') = '\0';

  /* Add: a character with an alias, an image and a description. */
  g_assert_cmpint (heyai (data, &out, "bible", id, "add", "character", "Mara", "--alias", "The keeper",
                          "--image", image, "--description", "red oilskin coat", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Added character “Mara” with 1 reference image."));
  g_clear_pointer (&out, g_free);

  /* Refused, nothing stored: a file that is not an image, a second Mara,
   * an unknown kind. */
  g_assert_cmpint (heyai (data, &out, "bible", id, "add", "prop", "Lamp", "--image", text, NULL), ==, 2);
  g_assert_nonnull (strstr (out, "is not a PNG, JPEG or WebP image"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "bible", id, "add", "prop", "MARA", NULL), ==, 2);
  g_assert_nonnull (strstr (out, "already has an entry named"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "bible", id, "add", "vehicle", "Boat", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "bible", id, "add", "location", "Open sea", "--description",
                          "grey sea, black rocks", NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (heyai (data, &out, "bible", id, "list", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  list = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  entry = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, "Mara");
  g_assert_cmpstr (json_object_get_string_member (entry, "kind"), ==, "character");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (entry, "images")), ==, 1);
  g_clear_pointer (&out, g_free);

  /* The analysis tags the scenes that name an entry. */
  g_assert_cmpint (heyai (data, &out, "analyze", id, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "cast", id, "1", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1: Mara"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "cast", id, "2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 2: Open sea"));
  g_assert_null (strstr (out, "Mara"));
  g_clear_pointer (&out, g_free);

  /* The offline imager takes no reference images: scene 1 (Mara has one)
   * says so; scene 2 (descriptions only) has nothing to say. */
  g_assert_cmpint (heyai (data, &out, "images", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1: References not applied: text only ("));
  g_assert_null (strstr (out, "Scene 2: References not applied"));
  g_clear_pointer (&out, g_free);

  /* The export's manifest records it too. */
  {
    g_autofree char *export_dir = g_build_filename (data, "export", NULL);
    g_autoptr(GDir) dir = NULL;
    const char *name;
    g_autofree char *manifest = NULL;

    g_assert_cmpint (heyai (data, NULL, "approve", id, "--all", NULL), ==, 0);
    g_assert_cmpint (heyai (data, &out, "export", id, "--to", export_dir, "--formats", "edl", NULL), ==, 0);
    g_clear_pointer (&out, g_free);
    dir = g_dir_open (export_dir, 0, NULL);
    g_assert_nonnull (dir);
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (export_dir, name, "manifest.json", NULL);

        if (g_file_get_contents (path, &manifest, NULL, NULL))
          break;
      }
    g_assert_nonnull (manifest);
    g_assert_nonnull (strstr (manifest, "\"references_note\" : \"References not applied: text only ("));
    g_assert_nonnull (strstr (manifest, "\"references_note\" : null"));
  }

  /* The producer changes the cast; names are checked first. */
  g_assert_cmpint (heyai (data, &out, "cast", id, "2", "+the keeper", "-Open sea", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 2: Mara"));
  g_assert_null (strstr (out, "Open sea"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "cast", id, "1", "-Mara", "+Nobody", NULL), ==, 2);
  g_assert_nonnull (strstr (out, "no entry named “Nobody”"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "cast", id, "1", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1: Mara"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "cast", id, "1", "Mara", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  /* The still records what it was made from, the note included, and the
   * reference image is in the project's bible folder. */
  {
    g_autofree char *db = g_build_filename (data, "heyai.db", NULL);
    g_autoptr(HeyaiStore) store = heyai_store_new (db, &error);
    g_autoptr(HeyaiScene) scene = NULL;
    g_autoptr(HeyaiAsset) still = NULL;
    g_autoptr(GPtrArray) entries = NULL;
    g_autofree char *note = NULL;
    g_autofree char *found = NULL;

    g_assert_no_error (error);
    scene = heyai_store_get_scene_at (store, id, 1, &error);
    g_assert_no_error (error);
    still = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE, 1, &error);
    g_assert_nonnull (still);
    g_assert_nonnull (strstr (heyai_asset_get_lineage (still), "red oilskin coat"));
    note = heyai_lineage_references_note (still);
    g_assert_nonnull (note);
    g_assert_true (g_str_has_prefix (note, "References not applied: text only ("));

    entries = heyai_store_bible_list (store, id, &error);
    g_assert_no_error (error);
    {
      HeyaiBibleEntry *mara = g_ptr_array_index (entries, 0);
      HeyaiBibleImage *ref = g_ptr_array_index (mara->images, 0);
      g_autofree char *projects = g_build_filename (data, "HeyAI Projects", NULL);
      g_autoptr(GDir) dir = g_dir_open (projects, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *candidate = g_build_filename (projects, name, ref->path, NULL);

          if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
            found = g_steal_pointer (&candidate);
        }
      g_assert_nonnull (found);
    }
  }

  cli_rm_rf (data);
}

/* The first and the last frame of @clip, decoded here (filesrc !
 * decodebin), as BGRx bytes. */
static void
decode_first_last (const char  *clip,
                   GBytes     **first,
                   GBytes     **last,
                   int         *width,
                   int         *height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autofree char *desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin ! videoconvert ! "
                                           "video/x-raw,format=BGRx ! appsink name=sink sync=false", clip);
  GstSample *sample;

  pipeline = gst_parse_launch (desc, &error);
  g_assert_no_error (error);
  g_object_ref_sink (pipeline);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  *first = *last = NULL;
  while ((sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND)) != NULL)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      GstVideoInfo info;
      GstMapInfo map;
      GByteArray *rows = g_byte_array_new ();

      g_assert_true (gst_video_info_from_caps (&info, gst_sample_get_caps (sample)));
      g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
      for (int y = 0; y < GST_VIDEO_INFO_HEIGHT (&info); y++)
        g_byte_array_append (rows, map.data + (gsize) y * GST_VIDEO_INFO_PLANE_STRIDE (&info, 0),
                             (guint) GST_VIDEO_INFO_WIDTH (&info) * 4);
      gst_buffer_unmap (buffer, &map);
      *width = GST_VIDEO_INFO_WIDTH (&info);
      *height = GST_VIDEO_INFO_HEIGHT (&info);
      if (*first == NULL)
        *first = g_byte_array_free_to_bytes (rows);
      else
        {
          g_clear_pointer (last, g_bytes_unref);
          *last = g_byte_array_free_to_bytes (rows);
        }
      gst_sample_unref (sample);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_assert_nonnull (*first);
  g_assert_nonnull (*last);
}

/* Mean absolute difference of the colour bytes of a PNG and BGRx frame. */
static double
difference (const char *png,
            GBytes     *frame,
            int         width,
            int         height)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
  const guint8 *a, *b;
  guint64 sum = 0;
  int stride;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, height);
  a = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  b = g_bytes_get_data (frame, NULL);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        sum += (guint64) ABS ((int) a[(gsize) y * stride + x * 4 + c] - (int) b[((gsize) y * width + x) * 4 + c]);
  cairo_surface_destroy (surface);
  return (double) sum / ((double) width * height * 3);
}

static gboolean
scene_still_stale (const char *data,
                   const char *id,
                   int         position,
                   char      **lineage,
                   char      **path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (data, "heyai.db", NULL);
  g_autoptr(HeyaiStore) store = heyai_store_new (db, &error);
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(HeyaiAsset) still = NULL;
  HeyaiSceneLineage state;

  g_assert_no_error (error);
  scene = heyai_store_get_scene_at (store, id, position, &error);
  g_assert_no_error (error);
  still = heyai_store_get_asset (store, heyai_scene_get_id (scene), HEYAI_ASSET_KIND_IMAGE,
                                 heyai_scene_get_image_take (scene), &error);
  g_assert_nonnull (still);
  if (lineage != NULL)
    *lineage = g_strdup (heyai_asset_get_lineage (still));
  if (path != NULL)
    *path = g_strdup (heyai_asset_get_local_path (still));
  heyai_lineage_of_scene (store, NULL, scene, &state);
  return state.image_stale;
}

/* Continue from previous shot: scene 2's still is the last frame of scene
 * 1's clip (pixels compared), and a new clip of scene 1 makes it outdated. */
static void
test_continue_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_dir_make_tmp ("heyai-cli-continue-XXXXXX", &error);
  g_autofree char *script_path = g_build_filename (data, "lighthouse.fountain", NULL);
  g_autofree char *id = NULL;
  g_autofree char *lineage = NULL;
  g_autofree char *still = NULL;
  g_autofree char *clip = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) last = NULL;
  char *out = NULL;
  int width = 0, height = 0;
  double to_last, to_first;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (script_path, script, -1, NULL));
  g_assert_cmpint (heyai (data, &id, "new", "--title", "Continuity", script_path, NULL), ==, 0);
  *strchr (id, '\n') = '\0';
  g_assert_cmpint (heyai (data, NULL, "analyze", id, NULL), ==, 0);

  /* Scene 1 has no previous shot; scene 2 without a clip of scene 1 fails
   * with a clear message. */
  g_assert_cmpint (heyai (data, &out, "continue", id, "1", "on", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "continue", id, "2", "on", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 2 continues from scene 1"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "images", id, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "Animate scene 1 first"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (heyai (data, NULL, "approve", id, "1", NULL), ==, 0);
  g_assert_cmpint (heyai (data, NULL, "animate", id, "--scene", "1", NULL), ==, 0);
  g_assert_cmpint (heyai (data, &out, "images", id, "--scene", "2", NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  g_assert_false (scene_still_stale (data, id, 2, &lineage, &still));
  g_assert_nonnull (strstr (lineage, "\"source\":\"previous-clip\""));
  {
    g_autofree char *db = g_build_filename (data, "heyai.db", NULL);
    g_autoptr(HeyaiStore) store = heyai_store_new (db, &error);
    g_autoptr(HeyaiScene) one = heyai_store_get_scene_at (store, id, 1, &error);
    g_autoptr(HeyaiAsset) asset = heyai_store_get_asset (store, heyai_scene_get_id (one), HEYAI_ASSET_KIND_CLIP,
                                                         heyai_scene_get_clip_take (one), &error);

    g_assert_nonnull (asset);
    clip = g_strdup (heyai_asset_get_local_path (asset));
    g_assert_nonnull (strstr (lineage, heyai_asset_get_id (asset)));
  }

  /* The pixels: the clip's last frame, not its first. */
  decode_first_last (clip, &first, &last, &width, &height);
  to_last = difference (still, last, width, height);
  to_first = difference (still, first, width, height);
  g_test_message ("continued still: %.2f from the last frame, %.2f from the first", to_last, to_first);
  g_assert_cmpfloat (to_last, <, 1.0);
  g_assert_cmpfloat (to_first, >, to_last + 2.0);

  /* A new clip of scene 1 (asked to end on scene 2's still: the offline
   * animator takes no end frame, which it says): the continued still is
   * outdated. */
  g_assert_cmpint (heyai (data, &out, "continue", id, "1", "--end-on-next", "on", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1’s next clip ends on scene 2’s still"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (heyai (data, &out, "animate", id, "--scene", "1", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Scene 1: End frame not applied ("));
  g_clear_pointer (&out, g_free);
  g_assert_true (scene_still_stale (data, id, 2, NULL, NULL));

  /* A previous clip that is not a video: the scene fails and says why. */
  {
    g_autofree char *db = g_build_filename (data, "heyai.db", NULL);
    g_autoptr(HeyaiStore) store = heyai_store_new (db, &error);
    g_autoptr(HeyaiScene) one = heyai_store_get_scene_at (store, id, 1, &error);
    g_autoptr(HeyaiAsset) asset = heyai_store_get_asset (store, heyai_scene_get_id (one), HEYAI_ASSET_KIND_CLIP,
                                                         heyai_scene_get_clip_take (one), &error);
    g_autofree char *saved = NULL;
    gsize length = 0;

    g_assert_true (g_file_get_contents (heyai_asset_get_local_path (asset), &saved, &length, NULL));
    g_assert_true (g_file_set_contents (heyai_asset_get_local_path (asset), "not a video", -1, NULL));
    g_assert_cmpint (heyai (data, &out, "images", id, "--scene", "2", NULL), ==, 1);
    g_assert_nonnull (strstr (out, "Could not read the last frame of the previous shot’s clip"));
    g_clear_pointer (&out, g_free);
    g_assert_true (g_file_set_contents (heyai_asset_get_local_path (asset), saved, (gssize) length, NULL));
  }
  /* Off again: scene 2 is a normal scene (its still made from the clip is
   * outdated by its prompt's lineage). */
  g_assert_cmpint (heyai (data, &out, "continue", id, "2", "off", NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  cli_rm_rf (data);
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

  gst_init (&argc, &argv);
  g_test_add_func ("/cli/bible", test_bible_cli);
  g_test_add_func ("/cli/bible/continue", test_continue_cli);

  return g_test_run ();
}
