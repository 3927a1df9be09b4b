/* heyai-cli-bible.c: the reference bible (`heyai bible P add|list`) and a
 * scene's cast (`heyai cast P N [+NAME|-NAME]...`).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-cli"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "heyai-cli-private.h"
#include "heyai-providers.h"

static char *
project_folder (HeyaiCli     *cli,
                HeyaiProject *project)
{
  g_autofree char *root = heyai_local_root (cli->data_dir);

  return heyai_project_dir (root, project, NULL);
}

/* "1, 3, 4": the positions of the scenes where @entry is in the cast. */
static GArray *
entry_scene_positions (HeyaiCli        *cli,
                       HeyaiBibleEntry *entry)
{
  g_autoptr(GPtrArray) ids = heyai_store_cast_scenes (cli->store, entry->id, NULL);
  GArray *positions = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(HeyaiScene) scene = heyai_store_get_scene (cli->store, g_ptr_array_index (ids, i), NULL);
      int position;

      if (scene == NULL)
        continue;
      position = heyai_scene_get_position (scene);
      g_array_append_val (positions, position);
    }
  return positions;
}

static int
bible_add (HeyaiCli      *cli,
           HeyaiProject  *project,
           int            argc,
           char         **argv,
           char         **aliases,
           char         **images,
           const char    *description)
{
  g_autoptr(HeyaiBibleEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  HeyaiBibleKind kind;

  if (argc != 5)
    return heyai_cli_fail (HEYAI_EXIT_USAGE,
                           _("Which kind and name? (heyai bible P add character|location|prop NAME)"));
  if (!heyai_bible_kind_from_string (argv[3], &kind))
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“%s” is not a kind of entry: use character, location or prop"),
                           argv[3]);
  if (images != NULL && g_strv_length (images) > HEYAI_BIBLE_MAX_IMAGES)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("At most %d reference images per entry"), HEYAI_BIBLE_MAX_IMAGES);

  /* Every image is checked before anything is stored. */
  for (guint i = 0; images != NULL && images[i] != NULL; i++)
    if (!g_file_test (images[i], G_FILE_TEST_IS_REGULAR))
      return heyai_cli_fail (HEYAI_EXIT_USAGE, _("No such image file: %s"), images[i]);

  if (!heyai_store_begin (cli->store, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  entry = heyai_store_bible_add (cli->store, heyai_project_get_id (project), kind, argv[4],
                                 (const char * const *) aliases, description, &error);
  folder = project_folder (cli, project);
  for (guint i = 0; entry != NULL && images != NULL && images[i] != NULL; i++)
    {
      if (!heyai_store_bible_add_image (cli->store, entry, images[i], "file", NULL, folder, &error))
        g_clear_pointer (&entry, heyai_bible_entry_free);
    }
  if (entry == NULL)
    {
      heyai_store_rollback (cli->store);
      return heyai_cli_fail (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT) ? HEYAI_EXIT_USAGE
                                                                                            : HEYAI_EXIT_FAILED,
                             "%s", error->message);
    }
  if (!heyai_store_commit (cli->store, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  g_print (ngettext ("Added %s “%s” with %u reference image.\n",
                     "Added %s “%s” with %u reference images.\n", entry->images->len),
           heyai_bible_kind_to_string (entry->kind), entry->name, entry->images->len);
  return HEYAI_EXIT_OK;
}

static int
bible_list (HeyaiCli     *cli,
            HeyaiProject *project,
            const char   *ref,
            gboolean      json)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = heyai_store_bible_list (cli->store, heyai_project_get_id (project), &error);
  if (entries == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < entries->len; i++)
        {
          HeyaiBibleEntry *entry = g_ptr_array_index (entries, i);
          g_autoptr(GArray) positions = entry_scene_positions (cli, entry);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, entry->id);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, heyai_bible_kind_to_string (entry->kind));
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, entry->name);
          json_builder_set_member_name (builder, "aliases");
          json_builder_begin_array (builder);
          for (guint k = 0; entry->aliases[k] != NULL; k++)
            json_builder_add_string_value (builder, entry->aliases[k]);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, entry->description);
          json_builder_set_member_name (builder, "images");
          json_builder_begin_array (builder);
          for (guint k = 0; k < entry->images->len; k++)
            {
              HeyaiBibleImage *image = g_ptr_array_index (entry->images, k);

              json_builder_begin_object (builder);
              json_builder_set_member_name (builder, "position");
              json_builder_add_int_value (builder, image->position);
              json_builder_set_member_name (builder, "path");
              json_builder_add_string_value (builder, image->path);
              json_builder_set_member_name (builder, "source");
              json_builder_add_string_value (builder, image->source);
              json_builder_set_member_name (builder, "sha256");
              json_builder_add_string_value (builder, image->sha256);
              json_builder_set_member_name (builder, "size");
              json_builder_add_int_value (builder, image->size);
              json_builder_end_object (builder);
            }
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "scenes");
          json_builder_begin_array (builder);
          for (guint k = 0; k < positions->len; k++)
            json_builder_add_int_value (builder, g_array_index (positions, int, k));
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
      return HEYAI_EXIT_OK;
    }

  if (entries->len == 0)
    {
      g_print (_("The bible is empty. Add an entry with “heyai bible %s add character NAME”.\n"),
               ref);
      return HEYAI_EXIT_OK;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      HeyaiBibleEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GArray) positions = entry_scene_positions (cli, entry);
      g_autoptr(GString) line = g_string_new (NULL);

      heyai_cli_print_cell (line, heyai_bible_kind_label (entry->kind), 11);
      g_string_append (line, entry->name);
      if (entry->aliases[0] != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", entry->aliases);

          g_string_append_printf (line, " (%s)", joined);
        }
      g_string_append (line, " — ");
      g_string_append_printf (line, ngettext ("%u image", "%u images", entry->images->len), entry->images->len);
      g_string_append (line, " — ");
      if (positions->len == 0)
        g_string_append (line, _("in no scene"));
      else
        {
          g_string_append (line, ngettext ("scene", "scenes", positions->len));
          for (guint k = 0; k < positions->len; k++)
            g_string_append_printf (line, "%s%d", k ? ", " : " ", g_array_index (positions, int, k));
        }
      g_print ("%s\n", line->str);
      if (*entry->description != '\0')
        g_print ("           %s\n", entry->description);
    }
  return HEYAI_EXIT_OK;
}

int
heyai_cli_bible (HeyaiCli  *cli,
                 int        argc,
                 char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_auto(GStrv) aliases = NULL;
  g_auto(GStrv) images = NULL;
  g_autofree char *description = NULL;
  gboolean json = FALSE;
  int exit_code = HEYAI_EXIT_OK;
  GOptionEntry entries[] = {
    { "alias", 0, 0, G_OPTION_ARG_STRING_ARRAY, &aliases, N_("Another name the script uses (repeat for more)"),
      N_("NAME") },
    { "image", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &images, N_("A reference image, PNG, JPEG or WebP (up to four)"),
      N_("FILE") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("A short visual description"), N_("TEXT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("list: print JSON"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("bible", _("P add character|location|prop NAME | P list"),
                                   _("The project’s reference bible: characters, locations and props with a "
                                     "description and up to four reference images. Scenes that name an entry "
                                     "(or an alias) get it in their cast at the next analysis; its description "
                                     "goes into their prompts."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc < 3)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project and what? (heyai bible P add|list)"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;

  if (g_str_equal (argv[2], "add"))
    return bible_add (cli, project, argc, argv, aliases, images, description);
  if (g_str_equal (argv[2], "list") && argc == 3)
    return bible_list (cli, project, argv[1], json);
  return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Unknown bible command “%s”: use add or list"), argv[2]);
}

int
heyai_cli_cast (HeyaiCli  *cli,
                int        argc,
                char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GPtrArray) cast = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) heyai_bible_entry_free);
  g_autoptr(GError) error = NULL;
  int exit_code = HEYAI_EXIT_OK;
  int position;

  context = heyai_cli_context_new ("cast", _("P N [+NAME|-NAME]..."),
                                   _("Shows scene N’s cast (the bible entries in it), or adds (+NAME) and "
                                     "removes (-NAME) entries. A removal is kept when the script is analysed "
                                     "again."));
  /* -NAME is not an option: only --help is looked for. */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
      {
        g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

        g_print ("%s", help);
        return HEYAI_EXIT_OK;
      }
  if (argc < 3)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project and scene? (heyai cast P N [+NAME|-NAME]...)"));
  position = atoi (argv[2]);
  if (position <= 0)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Scene numbers start at 1"));
  for (int i = 3; i < argc; i++)
    if ((argv[i][0] != '+' && argv[i][0] != '-') || argv[i][1] == '\0')
      return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“%s”: write +NAME to add an entry, -NAME to remove one"),
                             argv[i]);

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;
  scene = heyai_store_get_scene_at (cli->store, heyai_project_get_id (project), position, &error);
  if (scene == NULL)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, "%s", error ? error->message : _("No such scene"));

  /* Every name is resolved before anything changes. */
  for (int i = 3; i < argc; i++)
    {
      HeyaiBibleEntry *entry = heyai_store_bible_find (cli->store, heyai_project_get_id (project), argv[i] + 1,
                                                       &error);

      if (entry == NULL)
        {
          if (error != NULL)
            return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
          return heyai_cli_fail (HEYAI_EXIT_USAGE, _("The bible has no entry named “%s” (see “heyai bible %s list”)"),
                                 argv[i] + 1, argv[1]);
        }
      g_ptr_array_add (changes, entry);
    }
  if (changes->len > 0)
    {
      if (!heyai_store_begin (cli->store, &error))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      for (guint i = 0; i < changes->len; i++)
        {
          HeyaiBibleEntry *entry = g_ptr_array_index (changes, i);

          if (!heyai_store_cast_set (cli->store, heyai_project_get_id (project), heyai_scene_get_id (scene),
                                     entry->id, argv[i + 3][0] == '+', "producer", &error))
            {
              heyai_store_rollback (cli->store);
              return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
            }
        }
      if (!heyai_store_commit (cli->store, &error))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
    }

  cast = heyai_store_cast_list (cli->store, heyai_scene_get_id (scene), &error);
  if (cast == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  if (cast->len == 0)
    g_print (_("Scene %d: no cast\n"), position);
  else
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < cast->len; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", ((HeyaiBibleEntry *) g_ptr_array_index (cast, i))->name);
      g_print (_("Scene %d: %s\n"), position, names->str);
    }
  return HEYAI_EXIT_OK;
}

int
heyai_cli_continue (HeyaiCli  *cli,
                    int        argc,
                    char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *end_on_next = NULL;
  int exit_code = HEYAI_EXIT_OK;
  int position;
  GOptionEntry entries[] = {
    { "end-on-next", 0, 0, G_OPTION_ARG_STRING, &end_on_next,
      N_("on: scene N’s clip animates toward scene N+1’s still, where the animator takes an end frame"),
      N_("on|off") },
    { NULL }
  };

  context = heyai_cli_context_new ("continue", _("P N [on|off] [--end-on-next on|off]"),
                                   _("“Continue from previous shot”: scene N’s still becomes the last frame of "
                                     "scene N−1’s current clip (made at the next “heyai images”), so the cut "
                                     "matches. A new clip of scene N−1 makes that still outdated."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if ((argc != 3 && argc != 4) || (argc == 3 && end_on_next == NULL) ||
      (argc == 4 && !g_str_equal (argv[3], "on") && !g_str_equal (argv[3], "off")) ||
      (end_on_next != NULL && !g_str_equal (end_on_next, "on") && !g_str_equal (end_on_next, "off")))
    return heyai_cli_fail (HEYAI_EXIT_USAGE,
                           _("Which project, scene and on or off? (heyai continue P N on|off [--end-on-next on|off])"));
  position = atoi (argv[2]);
  if (position <= 0)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Scene numbers start at 1"));
  if (argc == 4 && g_str_equal (argv[3], "on") && position == 1)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Scene 1 has no previous shot to continue from"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;
  scene = heyai_store_get_scene_at (cli->store, heyai_project_get_id (project), position, &error);
  if (scene == NULL)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, "%s", error ? error->message : _("No such scene"));

  if (argc == 4)
    {
      gboolean on = g_str_equal (argv[3], "on");

      if (!heyai_store_set_scene_continues (cli->store, heyai_project_get_id (project), heyai_scene_get_id (scene),
                                            on, &error))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      if (on)
        g_print (_("Scene %d continues from scene %d: its next still is the last frame of scene %d’s clip.\n"),
                 position, position - 1, position - 1);
      else
        g_print (_("Scene %d no longer continues from the previous shot.\n"), position);
    }
  if (end_on_next != NULL)
    {
      gboolean on = g_str_equal (end_on_next, "on");

      if (!heyai_store_set_scene_ends_on_next (cli->store, heyai_project_get_id (project), heyai_scene_get_id (scene),
                                               on, &error))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      if (on)
        g_print (_("Scene %d’s next clip ends on scene %d’s still where the animator takes an end frame.\n"),
                 position, position + 1);
      else
        g_print (_("Scene %d’s clip no longer ends on the next shot’s still.\n"), position);
    }
  return HEYAI_EXIT_OK;
}
