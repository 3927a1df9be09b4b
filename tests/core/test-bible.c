/* test-bible.c: the reference bible in the store (entries, images, cast)
 * and in the lineage (a changed entry makes exactly its scenes' stills
 * outdated).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "heyai-core.h"

typedef struct
{
  char         *dir;
  char         *project_dir;
  HeyaiStore   *store;
  HeyaiProject *project;
  GPtrArray    *scenes;
} Fixture;

/* A 1x1 PNG. */
static const guint8 png[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
  0, 0, 0, 13, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0, 5, 0, 1, 0xff,
  0x89, 0x99, 0x3d, 0x1d, 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82
};

static void
remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

static const char * const scene_texts[] = {
  "Mara climbs the stairs of the lighthouse.",
  "The keeper's lamp turns over the sea.",
  "Samaras sail past the rocks.",
};

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) scenes = g_ptr_array_new_with_free_func (g_object_unref);

  f->dir = g_dir_make_tmp ("heyai-bible-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "heyai.db", NULL);
  f->project_dir = g_build_filename (f->dir, "HeyAI Projects", "Project-1", NULL);
  f->store = heyai_store_new (path, &error);
  g_assert_no_error (error);

  f->project = heyai_project_new ();
  heyai_project_set_title (f->project, "The last lighthouse");
  heyai_project_set_style (f->project, "Grainy 35 mm");
  g_assert_true (heyai_store_insert_project (f->store, f->project, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (scene_texts); i++)
    {
      HeyaiScene *scene = heyai_scene_new ();

      heyai_scene_set_project_id (scene, heyai_project_get_id (f->project));
      heyai_scene_set_title (scene, scene_texts[i]);
      heyai_scene_set_image_prompt (scene, scene_texts[i]);
      g_ptr_array_add (scenes, scene);
    }
  g_assert_true (heyai_store_replace_scenes (f->store, heyai_project_get_id (f->project), scenes, &error));
  g_assert_no_error (error);
  f->scenes = heyai_store_list_scenes (f->store, heyai_project_get_id (f->project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->scenes->len, ==, 3);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->scenes, g_ptr_array_unref);
  g_clear_object (&f->project);
  g_assert_finalize_object (f->store);
  remove_tree (f->dir);
  g_free (f->project_dir);
  g_free (f->dir);
}

static char *
write_png (Fixture    *f,
           const char *name,
           guint8      variant)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autofree guint8 *copy = g_memdup2 (png, sizeof png);

  /* A different byte after IEND keeps it a PNG with another hash. */
  copy[sizeof png - 1] ^= variant;
  g_assert_true (g_file_set_contents (path, (const char *) copy, sizeof png, NULL));
  return path;
}

static HeyaiScene *
scene (Fixture *f,
       guint    position)
{
  return g_ptr_array_index (f->scenes, position - 1);
}

/* ------------------------------------------------------------------------ */

static void
test_entries (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(HeyaiBibleEntry) again = NULL;
  g_autoptr(HeyaiBibleEntry) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const char *aliases[] = { "The keeper", NULL };
  g_autofree char *image = write_png (f, "mara.png", 0);
  g_autofree char *text = g_build_filename (f->dir, "notes.txt", NULL);

  mara = heyai_store_bible_add (f->store, heyai_project_get_id (f->project), HEYAI_BIBLE_CHARACTER, "  Mara ",
                                aliases, "Tall woman, red oilskin coat", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mara->name, ==, "Mara");

  /* A name or alias is unique per project, whatever the case. */
  again = heyai_store_bible_add (f->store, heyai_project_get_id (f->project), HEYAI_BIBLE_PROP, "mara", NULL, NULL,
                                 &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_null (again);
  g_clear_error (&error);
  again = heyai_store_bible_add (f->store, heyai_project_get_id (f->project), HEYAI_BIBLE_PROP, "THE KEEPER", NULL,
                                 NULL, &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  again = heyai_store_bible_add (f->store, heyai_project_get_id (f->project), HEYAI_BIBLE_PROP, "   ", NULL, NULL,
                                 &error);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* Images: up to four, images only. */
  g_assert_true (g_file_set_contents (text, "not an image", -1, NULL));
  g_assert_false (heyai_store_bible_add_image (f->store, mara, text, "file", NULL, f->project_dir, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  for (guint i = 0; i < HEYAI_BIBLE_MAX_IMAGES; i++)
    {
      g_assert_true (heyai_store_bible_add_image (f->store, mara, image, "file", NULL, f->project_dir, &error));
      g_assert_no_error (error);
    }
  g_assert_false (heyai_store_bible_add_image (f->store, mara, image, "file", NULL, f->project_dir, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  list = heyai_store_bible_list (f->store, heyai_project_get_id (f->project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  {
    HeyaiBibleEntry *e = g_ptr_array_index (list, 0);
    HeyaiBibleImage *first = g_ptr_array_index (e->images, 0);
    g_autofree char *abs = g_build_filename (f->project_dir, first->path, NULL);

    g_assert_cmpuint (e->images->len, ==, 4);
    g_assert_cmpstr (e->aliases[0], ==, "The keeper");
    g_assert_null (e->aliases[1]);
    g_assert_cmpstr (e->description, ==, "Tall woman, red oilskin coat");
    g_assert_true (g_str_has_prefix (first->path, "bible/"));
    g_assert_cmpint (first->position, ==, 1);
    g_assert_cmpint (((HeyaiBibleImage *) g_ptr_array_index (e->images, 3))->position, ==, 4);
    g_assert_true (g_file_test (abs, G_FILE_TEST_IS_REGULAR));
  }

  found = heyai_store_bible_find (f->store, heyai_project_get_id (f->project), "the KEEPER", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (found->id, ==, mara->id);
}

static void
test_named_in (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(GError) error = NULL;
  const char *aliases[] = { "Señora Vidal", NULL };

  mara = heyai_store_bible_add (f->store, heyai_project_get_id (f->project), HEYAI_BIBLE_CHARACTER, "Mara", aliases,
                                NULL, &error);
  g_assert_no_error (error);
  g_assert_true (heyai_bible_entry_named_in (mara, "MARA runs."));
  g_assert_true (heyai_bible_entry_named_in (mara, "It is Mara's boat"));
  g_assert_true (heyai_bible_entry_named_in (mara, "—señora vidal— waits"));
  g_assert_false (heyai_bible_entry_named_in (mara, "Samaras sail past"));
  g_assert_false (heyai_bible_entry_named_in (mara, "Maradona"));
  g_assert_false (heyai_bible_entry_named_in (mara, NULL));
  g_assert_false (heyai_bible_entry_named_in (mara, ""));
}

static void
test_cast (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(HeyaiBibleEntry) lighthouse = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) cast = NULL;
  g_autoptr(GPtrArray) where = NULL;
  const char *pid = heyai_project_get_id (f->project);
  const char *llm_names[] = { "LIGHTHOUSE", NULL };

  mara = heyai_store_bible_add (f->store, pid, HEYAI_BIBLE_CHARACTER, "Mara", NULL, "red coat", &error);
  lighthouse = heyai_store_bible_add (f->store, pid, HEYAI_BIBLE_LOCATION, "Lighthouse", NULL, "white tower",
                                      &error);
  g_assert_no_error (error);
  entries = heyai_store_bible_list (f->store, pid, &error);
  g_assert_no_error (error);

  /* Text matching, plus the names the LLM listed. */
  for (guint i = 1; i <= 3; i++)
    heyai_store_cast_tag (f->store, pid, heyai_scene_get_id (scene (f, i)), entries, scene_texts[i - 1],
                          i == 2 ? llm_names : NULL, &error);
  g_assert_no_error (error);

  cast = heyai_store_cast_list (f->store, heyai_scene_get_id (scene (f, 1)), &error);
  g_assert_cmpuint (cast->len, ==, 2);
  g_assert_cmpstr (((HeyaiBibleEntry *) g_ptr_array_index (cast, 0))->name, ==, "Mara");
  g_clear_pointer (&cast, g_ptr_array_unref);
  cast = heyai_store_cast_list (f->store, heyai_scene_get_id (scene (f, 2)), &error);
  g_assert_cmpuint (cast->len, ==, 1);
  g_clear_pointer (&cast, g_ptr_array_unref);
  cast = heyai_store_cast_list (f->store, heyai_scene_get_id (scene (f, 3)), &error);
  g_assert_cmpuint (cast->len, ==, 0);
  g_clear_pointer (&cast, g_ptr_array_unref);

  /* The producer removes Mara from scene 1: a new analysis keeps it out. */
  g_assert_true (heyai_store_cast_set (f->store, pid, heyai_scene_get_id (scene (f, 1)), mara->id, FALSE, "producer",
                                       &error));
  heyai_store_cast_tag (f->store, pid, heyai_scene_get_id (scene (f, 1)), entries, scene_texts[0], NULL, &error);
  cast = heyai_store_cast_list (f->store, heyai_scene_get_id (scene (f, 1)), &error);
  g_assert_cmpuint (cast->len, ==, 1);
  g_assert_cmpstr (((HeyaiBibleEntry *) g_ptr_array_index (cast, 0))->name, ==, "Lighthouse");
  g_clear_pointer (&cast, g_ptr_array_unref);

  /* ... and can add it to scene 3 by hand. */
  g_assert_true (heyai_store_cast_set (f->store, pid, heyai_scene_get_id (scene (f, 3)), mara->id, TRUE, "producer",
                                       &error));
  where = heyai_store_cast_scenes (f->store, mara->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (where->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (where, 0), ==, heyai_scene_get_id (scene (f, 3)));

  /* A deleted entry leaves every cast. */
  g_assert_true (heyai_store_bible_delete (f->store, lighthouse->id, &error));
  cast = heyai_store_cast_list (f->store, heyai_scene_get_id (scene (f, 1)), &error);
  g_assert_cmpuint (cast->len, ==, 0);
}

/* A still of scene @position made now (lineage with today's cast). */
static void
make_still (Fixture *f,
            guint    position)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autoptr(GPtrArray) cast = NULL;
  HeyaiScene *s = scene (f, position);

  cast = heyai_store_cast_list (f->store, heyai_scene_get_id (s), &error);
  g_assert_no_error (error);
  heyai_asset_set_scene_id (asset, heyai_scene_get_id (s));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_take (asset, 1);
  heyai_asset_set_provider (asset, "offline");
  heyai_lineage_fill_with_cast (f->project, s, asset, NULL, NULL, cast, NULL);
  g_assert_true (heyai_store_insert_asset (f->store, asset, &error));
  g_assert_no_error (error);
  heyai_scene_set_image_take (s, 1);
  g_assert_true (heyai_store_update_scene (f->store, s, &error));
  g_assert_no_error (error);
}

static gboolean
stale (Fixture *f,
       guint    position)
{
  HeyaiSceneLineage lineage;

  heyai_lineage_of_scene (f->store, f->project, scene (f, position), &lineage);
  g_assert_cmpint (lineage.image_take, ==, 1);
  return lineage.image_stale;
}

static void
test_stale (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(HeyaiBibleEntry) lighthouse = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *image = write_png (f, "lighthouse.png", 0x55);
  const char *pid = heyai_project_get_id (f->project);

  mara = heyai_store_bible_add (f->store, pid, HEYAI_BIBLE_CHARACTER, "Mara", NULL, "red coat", &error);
  lighthouse = heyai_store_bible_add (f->store, pid, HEYAI_BIBLE_LOCATION, "Lamp", NULL, "brass lamp", &error);
  g_assert_no_error (error);
  entries = heyai_store_bible_list (f->store, pid, &error);
  for (guint i = 1; i <= 3; i++)
    heyai_store_cast_tag (f->store, pid, heyai_scene_get_id (scene (f, i)), entries, scene_texts[i - 1], NULL,
                          &error);
  g_assert_no_error (error);
  /* Scene 1: Mara; scene 2: the lamp; scene 3: nobody. */
  for (guint i = 1; i <= 3; i++)
    make_still (f, i);
  g_assert_false (stale (f, 1));
  g_assert_false (stale (f, 2));
  g_assert_false (stale (f, 3));

  /* The lineage names the entries the still used. */
  {
    g_autoptr(HeyaiAsset) still = heyai_store_get_asset (f->store, heyai_scene_get_id (scene (f, 1)),
                                                         HEYAI_ASSET_KIND_IMAGE, 1, &error);

    g_assert_nonnull (strstr (heyai_asset_get_lineage (still), "\"name\":\"Mara\""));
    g_assert_nonnull (strstr (heyai_asset_get_lineage (still), "red coat"));
  }

  /* Mara's description changes: only scene 1's still is outdated. */
  g_free (mara->description);
  mara->description = g_strdup ("red coat, grey braid");
  g_assert_true (heyai_store_bible_update (f->store, mara, &error));
  g_assert_no_error (error);
  g_assert_true (stale (f, 1));
  g_assert_false (stale (f, 2));
  g_assert_false (stale (f, 3));

  /* A reference image for the lamp: only scene 2's still. */
  make_still (f, 1);
  g_assert_false (stale (f, 1));
  g_assert_true (heyai_store_bible_add_image (f->store, lighthouse, image, "file", NULL, f->project_dir, &error));
  g_assert_no_error (error);
  g_assert_false (stale (f, 1));
  g_assert_true (stale (f, 2));
  g_assert_false (stale (f, 3));
}

static void
test_image_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autofree char *image = write_png (f, "mara.png", 0x11);
  g_autofree char *path = NULL;
  g_autofree char *again = NULL;
  g_autofree char *contents = NULL;
  HeyaiBibleImage escape = { 0 };
  gsize length;

  mara = heyai_store_bible_add (f->store, heyai_project_get_id (f->project), HEYAI_BIBLE_CHARACTER, "Mara", NULL,
                                NULL, &error);
  g_assert_true (heyai_store_bible_add_image (f->store, mara, image, "file", NULL, f->project_dir, &error));
  g_assert_no_error (error);

  path = heyai_store_bible_image_file (f->store, g_ptr_array_index (mara->images, 0), f->project_dir, &error);
  g_assert_no_error (error);
  /* Gone (another computer) or changed: written again from the library. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  again = heyai_store_bible_image_file (f->store, g_ptr_array_index (mara->images, 0), f->project_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, path);
  g_assert_true (g_file_get_contents (again, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, sizeof png);
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_set_contents (again, "changed", -1, NULL));
  g_free (heyai_store_bible_image_file (f->store, g_ptr_array_index (mara->images, 0), f->project_dir, &error));
  g_assert_true (g_file_get_contents (again, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, sizeof png);

  /* Never outside the project's bible folder. */
  escape.path = (char *) "bible/../../../escape.png";
  escape.sha256 = ((HeyaiBibleImage *) g_ptr_array_index (mara->images, 0))->sha256;
  g_assert_null (heyai_store_bible_image_file (f->store, &escape, f->project_dir, &error));
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
}

static void
test_notes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cast = NULL;
  g_auto(GStrv) notes = NULL;
  g_autoptr(HeyaiBibleEntry) a = NULL;
  g_autoptr(HeyaiBibleEntry) b = NULL;
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  g_autofree char *note = NULL;
  const char *pid = heyai_project_get_id (f->project);

  a = heyai_store_bible_add (f->store, pid, HEYAI_BIBLE_CHARACTER, "Mara", NULL, "red coat", &error);
  b = heyai_store_bible_add (f->store, pid, HEYAI_BIBLE_PROP, "Lamp", NULL, "", &error);
  g_assert_no_error (error);
  cast = heyai_store_bible_list (f->store, pid, &error);
  notes = heyai_bible_cast_notes (cast);
  g_assert_cmpstr (notes[0], ==, "Mara: red coat");
  g_assert_cmpstr (notes[1], ==, "Lamp");
  g_assert_null (notes[2]);
  g_assert_null (heyai_bible_cast_digest (NULL));
  /* A scene not stored yet (the plan of a run from nothing) has no cast
   * and continues nothing: no critical. */
  g_assert_false (heyai_store_scene_continues (f->store, NULL));
  {
    g_autoptr(GPtrArray) none = heyai_store_cast_list (f->store, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
  }

  /* The references note survives in the take's lineage. */
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  note = heyai_lineage_references_note_for ("Offline takes no reference images");
  heyai_lineage_fill_with_cast (f->project, scene (f, 1), asset, NULL, NULL, cast, note);
  g_free (note);
  note = heyai_lineage_references_note (asset);
  g_assert_cmpstr (note, ==, "References not applied: text only (Offline takes no reference images)");
}

/* A still (@take) of scene @position with content @sha, selected. */
static HeyaiAsset *
add_still (Fixture    *f,
           guint       position,
           int         take,
           const char *sha)
{
  g_autoptr(GError) error = NULL;
  HeyaiAsset *asset = heyai_asset_new ();
  HeyaiScene *s = scene (f, position);

  heyai_asset_set_scene_id (asset, heyai_scene_get_id (s));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_IMAGE);
  heyai_asset_set_take (asset, take);
  heyai_asset_set_provider (asset, "offline");
  heyai_asset_set_sha256 (asset, sha);
  heyai_lineage_fill_with_cast (f->project, s, asset, NULL, NULL, NULL, NULL);
  g_assert_true (heyai_store_insert_asset (f->store, asset, &error));
  g_assert_no_error (error);
  heyai_scene_set_image_take (s, take);
  g_assert_true (heyai_store_update_scene (f->store, s, &error));
  g_assert_no_error (error);
  return asset;
}

/* Scene 1's clip @take, made from @still; @asked: the scene ended on the
 * next still when it was made; @end_still: the still the animator took. */
static void
add_clip (Fixture    *f,
          int         take,
          HeyaiAsset *still,
          gboolean    asked,
          HeyaiAsset *end_still)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiAsset) asset = heyai_asset_new ();
  HeyaiScene *s = scene (f, 1);

  heyai_asset_set_scene_id (asset, heyai_scene_get_id (s));
  heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_CLIP);
  heyai_asset_set_take (asset, take);
  heyai_asset_set_provider (asset, "kling");
  heyai_lineage_fill_with_cast (f->project, s, asset, still, NULL, NULL, NULL);
  if (asked)
    heyai_lineage_set_end_frame (f->project, s, asset, still, end_still);
  g_assert_true (heyai_store_insert_asset (f->store, asset, &error));
  g_assert_no_error (error);
  heyai_scene_set_clip_take (s, take);
  g_assert_true (heyai_store_update_scene (f->store, s, &error));
  g_assert_no_error (error);
}

static void
select_still (Fixture *f,
              guint    position,
              int      take)
{
  g_autoptr(GError) error = NULL;

  heyai_scene_set_image_take (scene (f, position), take);
  g_assert_true (heyai_store_update_scene (f->store, scene (f, position), &error));
  g_assert_no_error (error);
}

static void
ends_on_next (Fixture  *f,
              gboolean  on)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (heyai_store_set_scene_ends_on_next (f->store, heyai_project_get_id (f->project),
                                                     heyai_scene_get_id (scene (f, 1)), on, &error));
  g_assert_no_error (error);
}

static void
test_end_frame (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(HeyaiAsset) still = add_still (f, 1, 1, "aaaa");
  g_autoptr(HeyaiAsset) next1 = add_still (f, 2, 1, "bbbb");
  g_autoptr(HeyaiAsset) next2 = NULL;
  g_autoptr(HeyaiAsset) clip = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiScene *s = scene (f, 1);

  /* Scene 1 ends on scene 2's still take 1: the clip records it. */
  ends_on_next (f, TRUE);
  add_clip (f, 1, still, TRUE, next1);
  clip = heyai_store_get_asset (f->store, heyai_scene_get_id (s), HEYAI_ASSET_KIND_CLIP, 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (heyai_asset_get_lineage (clip), "\"end_frame\""));
  g_assert_nonnull (strstr (heyai_asset_get_lineage (clip), heyai_asset_get_id (next1)));
  g_assert_nonnull (strstr (heyai_asset_get_lineage (clip), "\"sha256\":\"bbbb\""));
  g_assert_true (heyai_lineage_clip_is_current (f->store, f->project, s));

  /* Scene 2 gets take 2 selected: the clip ended on another still. */
  next2 = add_still (f, 2, 2, "cccc");
  g_assert_false (heyai_lineage_clip_is_current (f->store, f->project, s));
  select_still (f, 2, 1);
  g_assert_true (heyai_lineage_clip_is_current (f->store, f->project, s));

  /* The setting turned off: the clip ends on a still it no longer should. */
  ends_on_next (f, FALSE);
  g_assert_false (heyai_lineage_clip_is_current (f->store, f->project, s));

  /* A clip made without the setting: current until it is turned on. */
  add_clip (f, 2, still, FALSE, NULL);
  g_assert_true (heyai_lineage_clip_is_current (f->store, f->project, s));
  ends_on_next (f, TRUE);
  g_assert_false (heyai_lineage_clip_is_current (f->store, f->project, s));

  /* Asked but the animator could not take it (the note says so): current,
   * whatever the next scene's still. */
  add_clip (f, 3, still, TRUE, NULL);
  g_assert_true (heyai_lineage_clip_is_current (f->store, f->project, s));
  select_still (f, 2, 2);
  g_assert_true (heyai_lineage_clip_is_current (f->store, f->project, s));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("LANGUAGE", "C", TRUE);

  g_test_add ("/bible/entries", Fixture, NULL, fixture_setup, test_entries, fixture_teardown);
  g_test_add ("/bible/named-in", Fixture, NULL, fixture_setup, test_named_in, fixture_teardown);
  g_test_add ("/bible/cast", Fixture, NULL, fixture_setup, test_cast, fixture_teardown);
  g_test_add ("/bible/stale", Fixture, NULL, fixture_setup, test_stale, fixture_teardown);
  g_test_add ("/bible/image-file", Fixture, NULL, fixture_setup, test_image_file, fixture_teardown);
  g_test_add ("/bible/notes", Fixture, NULL, fixture_setup, test_notes, fixture_teardown);
  g_test_add ("/bible/end-frame", Fixture, NULL, fixture_setup, test_end_frame, fixture_teardown);

  return g_test_run ();
}
