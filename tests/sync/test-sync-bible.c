/* test-sync-bible.c: the reference bible follows the producer to another
 * computer: entries, reference images (bytes included), casts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "heyai-core.h"
#include "heyai-providers.h"
#include "heyai-sync.h"
#include "heyai-sync-folder.h"
#include "sync-test-utils.h"

typedef struct
{
  char            *dir;
  char            *a_dir;
  char            *b_dir;
  char            *remote_dir;
  HeyaiStore      *a;
  HeyaiStore      *b;
  HeyaiSyncFolder *remote;
} Fixture;

static const guint8 png[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 'b', 'i', 'b', 'l', 'e'
};

static HeyaiStore *
open_store (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "library.sqlite", NULL);
  HeyaiStore *store = heyai_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  sync_test_install_clock ();
  f->dir = g_dir_make_tmp ("heyai-sync-bible-XXXXXX", &error);
  g_assert_no_error (error);
  f->a_dir = g_build_filename (f->dir, "A", NULL);
  f->b_dir = g_build_filename (f->dir, "B", NULL);
  f->remote_dir = g_build_filename (f->dir, "remote", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->remote_dir, 0700), ==, 0);
  f->a = open_store (f->a_dir);
  f->b = open_store (f->b_dir);
  f->remote = heyai_sync_folder_new (f->remote_dir);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->a));
  g_assert_finalize_object (g_steal_pointer (&f->b));
  g_clear_object (&f->remote);
  sync_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->a_dir);
  g_free (f->b_dir);
  g_free (f->remote_dir);
  heyai_hlc_set_clock_func (NULL, NULL);
}

static void
sync_quiet (HeyaiStore      *store,
            HeyaiSyncFolder *remote)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiSyncReport) report = sync_test_run (store, HEYAI_SYNC_REMOTE (remote), &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  sync_test_tick ();
}

static char *
project_dir (const char   *data_dir,
             HeyaiProject *project)
{
  g_autofree char *root = heyai_local_root (data_dir);

  return heyai_project_dir (root, project, NULL);
}

static void
test_bible_travels (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = sync_test_add_project (f->a, "Lighthouse", 2);
  g_autoptr(HeyaiProject) on_b = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(HeyaiBibleEntry) mara = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) cast = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (f->dir, "mara.png", NULL);
  g_autofree char *a_project = project_dir (f->a_dir, project);
  g_autofree char *b_project = NULL;
  g_autofree char *b_path = NULL;
  g_autofree char *contents = NULL;
  const char *aliases[] = { "The keeper", NULL };
  HeyaiBibleEntry *got;
  gsize length;

  g_assert_true (g_file_set_contents (file, (const char *) png, sizeof png, NULL));
  mara = heyai_store_bible_add (f->a, heyai_project_get_id (project), HEYAI_BIBLE_CHARACTER, "Mara", aliases,
                                "red oilskin coat", &error);
  g_assert_no_error (error);
  g_assert_true (heyai_store_bible_add_image (f->a, mara, file, "file", NULL, a_project, &error));
  g_assert_no_error (error);
  scene = heyai_store_get_scene_at (f->a, heyai_project_get_id (project), 2, &error);
  g_assert_true (heyai_store_cast_set (f->a, heyai_project_get_id (project), heyai_scene_get_id (scene), mara->id,
                                       TRUE, "producer", &error));
  g_assert_true (heyai_store_set_scene_continues (f->a, heyai_project_get_id (project), heyai_scene_get_id (scene),
                                                  TRUE, &error));
  g_assert_no_error (error);
  sync_test_tick ();

  sync_quiet (f->a, f->remote);
  sync_quiet (f->b, f->remote);
  g_assert_true (heyai_store_scene_continues (f->b, heyai_scene_get_id (scene)));

  on_b = heyai_store_find_project (f->b, heyai_project_get_id (project), &error);
  g_assert_no_error (error);
  g_assert_nonnull (on_b);
  entries = heyai_store_bible_list (f->b, heyai_project_get_id (project), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  got = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (got->name, ==, "Mara");
  g_assert_cmpstr (got->aliases[0], ==, "The keeper");
  g_assert_cmpstr (got->description, ==, "red oilskin coat");
  g_assert_cmpuint (got->images->len, ==, 1);

  cast = heyai_store_cast_list (f->b, heyai_scene_get_id (scene), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cast->len, ==, 1);

  /* The image's bytes came with the library: B writes its own file under
   * its project tree. */
  b_project = project_dir (f->b_dir, on_b);
  b_path = heyai_store_bible_image_file (f->b, g_ptr_array_index (got->images, 0), b_project, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (b_path, f->b_dir));
  g_assert_nonnull (strstr (b_path, "/bible/"));
  g_assert_true (g_file_get_contents (b_path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, png, sizeof png);

  /* An edit on B comes back to A; a removal from the cast too. */
  g_free (got->description);
  got->description = g_strdup ("red coat, grey braid");
  g_assert_true (heyai_store_bible_update (f->b, got, &error));
  g_assert_true (heyai_store_cast_set (f->b, heyai_project_get_id (project), heyai_scene_get_id (scene), got->id,
                                       FALSE, "producer", &error));
  g_assert_no_error (error);
  sync_test_tick ();
  sync_quiet (f->b, f->remote);
  sync_quiet (f->a, f->remote);
  {
    g_autoptr(HeyaiBibleEntry) back = heyai_store_bible_get (f->a, mara->id, &error);
    g_autoptr(GPtrArray) a_cast = heyai_store_cast_list (f->a, heyai_scene_get_id (scene), &error);

    g_assert_no_error (error);
    g_assert_cmpstr (back->description, ==, "red coat, grey braid");
    g_assert_cmpuint (a_cast->len, ==, 0);
  }

  {
    g_autofree char *a = sync_test_dump (f->a);
    g_autofree char *b = sync_test_dump (f->b);

    g_assert_cmpstr (a, ==, b);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/bible/travels", Fixture, NULL, fixture_setup, test_bible_travels, fixture_teardown);

  return g_test_run ();
}
