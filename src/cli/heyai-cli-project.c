/* heyai-cli-project.c: the commands that read or edit a project without
 * running providers: new, list, show, status, approve, reject, cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gunixinputstream.h>
#include <json-glib/json-glib.h>

#include "heyai-cli-private.h"
#include "heyai-pipeline.h"
#include "heyai-script-import.h"
#include "heyai-providers.h"

/* ---------------------------------------------------------------------- */
/* new                                                                    */

/* Imports the script at @path ("-": standard input) through the intake
 * layer (format sniffed, text decoded, Final Draft and PDF converted). */
static HeyaiScriptImport *
import_script (const char  *path,
               GError     **error)
{
  if (g_str_equal (path, "-"))
    {
      g_autoptr(GInputStream) stream = g_unix_input_stream_new (0, FALSE);
      g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
      g_autoptr(GBytes) bytes = NULL;

      if (g_output_stream_splice (memory, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
        return NULL;
      bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
      return heyai_script_import_bytes (bytes, NULL, error);
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
      return heyai_script_import_file (file, NULL, error);
    }
}

int
heyai_cli_new (HeyaiCli  *cli,
               int        argc,
               char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *title = NULL;
  g_autofree char *aspect_str = NULL;
  g_autofree char *style = NULL;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;
  int aspect = HEYAI_ASPECT_16_9;
  GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("The project title (default: the script’s title or the file name)"), N_("TITLE") },
    { "aspect", 0, 0, G_OPTION_ARG_STRING, &aspect_str, N_("Frame shape: 16:9 (default), 9:16 or 1:1"), N_("RATIO") },
    { "style", 0, 0, G_OPTION_ARG_STRING, &style, N_("The style bible: look, era, palette, characters"), N_("TEXT") },
    { NULL }
  };

  context = heyai_cli_context_new ("new", _("FILE|-"),
                                   _("Starts a project from a script (Fountain, Final Draft .fdx, a screenplay PDF or plain prose) and prints its id."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;

  if (argc != 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, argc < 2 ? _("Which script? Give a file, or - to read standard input")
                                                      : _("Give only one script file"));

  if (aspect_str != NULL && !heyai_enum_from_string (HEYAI_TYPE_ASPECT, aspect_str, &aspect))
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Unknown aspect ratio “%s”: use 16:9, 9:16 or 1:1"), aspect_str);

  /* The script is read and checked before anything is written. */
  import = import_script (argv[1], &error);
  if (import == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return heyai_cli_fail (HEYAI_EXIT_USAGE, _("No such file: %s"), argv[1]);
      if (error->domain == G_IO_ERROR)
        return heyai_cli_fail (HEYAI_EXIT_FAILED, _("Could not read the script %s: %s"), argv[1], error->message);
      return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
    }

  /* what was converted or decoded, on stderr */
  for (guint i = 0; i < import->notes->len; i++)
    g_printerr ("%s\n", (const char *) g_ptr_array_index (import->notes, i));

  if (title == NULL || *g_strstrip (title) == '\0')
    {
      g_free (title);
      title = g_strdup (import->title);
    }

  if (heyai_cli_open_store (cli, &error) == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  project = heyai_project_new ();
  heyai_project_set_title (project, title);
  heyai_project_set_script (project, import->text);
  heyai_project_set_style (project, style ? style : "");
  heyai_project_set_aspect (project, aspect);
  heyai_project_set_status (project, HEYAI_PROJECT_STATUS_DRAFT);

  if (!heyai_store_insert_project (cli->store, project, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  /* the original .fdx / PDF and the notes, beside the project */
  {
    g_autofree char *root = heyai_local_root (cli->data_dir);
    g_autofree char *folder = heyai_project_dir (root, project, "");

    if (!heyai_script_import_save_beside (import, folder, &error))
      {
        g_printerr ("%s\n", error->message);
        g_clear_error (&error);
      }
  }

  g_print ("%s\n", heyai_project_get_id (project));
  return HEYAI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* list                                                                   */

static char *
format_stamp (const char *stamp)
{
  gint64 us = stamp ? heyai_hlc_stamp_to_unix_us (stamp) : 0;
  g_autoptr(GDateTime) when = NULL;

  if (us <= 0)
    return g_strdup ("—");

  when = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);
  return g_date_time_format (when, "%Y-%m-%d %H:%M");
}

int
heyai_cli_list (HeyaiCli  *cli,
                int        argc,
                char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint read_failed = 0;

  context = heyai_cli_context_new ("list", NULL, _("Lists your projects, the most recently changed first."));
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc > 1)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“list” takes no arguments"));

  if (heyai_cli_open_store (cli, &error) == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  projects = heyai_store_list_projects (cli->store, &error);
  if (projects == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (projects->len == 0)
    {
      g_printerr ("%s\n", _("No projects yet. Start one with “heyai new SCRIPT”."));
      return HEYAI_EXIT_OK;
    }

  heyai_cli_print_cell (out, "#", 5);
  heyai_cli_print_cell (out, _("ID"), 10);
  heyai_cli_print_cell (out, _("TITLE"), 32);
  heyai_cli_print_cell (out, _("STATUS"), 20);
  heyai_cli_print_cell (out, _("SCENES"), 8);
  g_string_append_printf (out, "%s\n", _("LAST CHANGE"));

  for (guint i = 0; i < projects->len; i++)
    {
      HeyaiProject *project = g_ptr_array_index (projects, i);
      g_autoptr(GError) scenes_error = NULL;
      g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), &scenes_error);
      g_autofree char *number = g_strdup_printf ("%d", heyai_project_get_number (project));
      g_autofree char *short_id = g_strndup (heyai_project_get_id (project), 8);
      /* An unreadable scene list is "?" and an error, never 0 scenes. */
      g_autofree char *n_scenes = scenes ? g_strdup_printf ("%u", scenes->len) : g_strdup ("?");

      if (scenes == NULL && read_failed++ == 0)
        heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", scenes_error->message);
      g_autofree char *changed = format_stamp (heyai_project_get_updated_at (project));

      heyai_cli_print_cell (out, number, 5);
      heyai_cli_print_cell (out, short_id, 10);
      heyai_cli_print_cell (out, heyai_project_get_title (project), 32);
      heyai_cli_print_cell (out, heyai_project_status_label (heyai_project_get_status (project)), 20);
      heyai_cli_print_cell (out, n_scenes, 8);
      g_string_append_printf (out, "%s\n", changed);
    }

  g_print ("%s", out->str);
  return read_failed > 0 ? HEYAI_EXIT_FAILED : HEYAI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* show / status                                                          */

static char *
selected_path (HeyaiStore     *store,
               HeyaiScene     *scene,
               HeyaiAssetKind  kind)
{
  int take = kind == HEYAI_ASSET_KIND_IMAGE ? heyai_scene_get_image_take (scene)
                                            : heyai_scene_get_clip_take (scene);
  g_autoptr(HeyaiAsset) asset = NULL;

  if (take <= 0)
    return NULL;

  asset = heyai_store_get_asset (store, heyai_scene_get_id (scene), kind, take, NULL);
  if (asset == NULL || heyai_asset_get_local_path (asset) == NULL)
    return NULL;

  return g_canonicalize_filename (heyai_asset_get_local_path (asset), NULL);
}

/* id, image_take, clip_take, clip_source_image_take (null: unknown or no
 * clip), clip_stale, image_stale. */
static void
add_lineage_members (JsonBuilder  *builder,
                     HeyaiStore   *store,
                     HeyaiProject *project,
                     HeyaiScene   *scene)
{
  HeyaiSceneLineage lineage;

  heyai_lineage_of_scene (store, project, scene, &lineage);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, heyai_scene_get_id (scene));
  json_builder_set_member_name (builder, "image_take");
  json_builder_add_int_value (builder, lineage.image_take);
  json_builder_set_member_name (builder, "clip_take");
  json_builder_add_int_value (builder, lineage.clip_take);
  json_builder_set_member_name (builder, "clip_source_image_take");
  if (lineage.clip_source_image_take > 0)
    json_builder_add_int_value (builder, lineage.clip_source_image_take);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "clip_stale");
  json_builder_add_boolean_value (builder, lineage.clip_take > 0 && lineage.clip_stale);
  json_builder_set_member_name (builder, "image_stale");
  json_builder_add_boolean_value (builder, lineage.image_stale);
}

/* "Clip outdated (made from still take 1; the selected still is take 2)" */
static char *
stale_note (HeyaiStore   *store,
            HeyaiProject *project,
            HeyaiScene   *scene)
{
  HeyaiSceneLineage lineage;

  heyai_lineage_of_scene (store, project, scene, &lineage);
  if (lineage.clip_take > 0 && lineage.clip_stale)
    {
      if (lineage.clip_source_image_take > 0 && lineage.clip_source_image_take != lineage.image_take)
        return g_strdup_printf (_("Clip outdated: made from still take %d, the selected still is take %d"),
                                lineage.clip_source_image_take, lineage.image_take);
      return g_strdup (_("Clip outdated: the scene changed since it was made"));
    }
  if (lineage.image_stale)
    return g_strdup (_("Still outdated: the prompt or the style bible changed since it was made"));
  return NULL;
}

int
heyai_cli_show (HeyaiCli  *cli,
                int        argc,
                char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *folder = NULL;
  g_autofree char *root = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *runtime = NULL;
  int exit_code = HEYAI_EXIT_OK;
  int seconds = 0;
  gboolean script_only = FALSE;
  GOptionEntry entries[] = {
    { "script", 0, 0, G_OPTION_ARG_NONE, &script_only, N_("Print the script as stored (Fountain); the import notes go to standard error"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("show", _("P"), _("Shows a project’s details and its scenes."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (see “heyai list”)"), &exit_code);
  if (project == NULL)
    return exit_code;

  if (script_only)
    {
      const char *script = heyai_project_get_script (project);
      g_autofree char *notes = NULL;

      root = heyai_local_root (cli->data_dir);
      folder = heyai_project_dir (root, project, "");
      notes = heyai_script_import_load_notes (folder);
      if (notes != NULL)
        g_printerr ("%s\n", notes);
      if (script != NULL && *script != '\0')
        g_print ("%s%s", script, g_str_has_suffix (script, "\n") ? "" : "\n");
      return HEYAI_EXIT_OK;
    }

  scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), &error);
  if (scenes == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  for (guint i = 0; i < scenes->len; i++)
    seconds += heyai_scene_get_duration (g_ptr_array_index (scenes, i));

  root = heyai_local_root (cli->data_dir);
  folder = heyai_project_dir (root, project, "");
  changed = format_stamp (heyai_project_get_updated_at (project));
  runtime = heyai_format_duration (seconds);

  g_string_append_printf (out, "%s\n", heyai_project_get_title (project));
  g_string_append_printf (out, "  %-10s %s\n", _("Id"), heyai_project_get_id (project));
  g_string_append_printf (out, "  %-10s %d\n", _("Number"), heyai_project_get_number (project));
  g_string_append_printf (out, "  %-10s %s\n", _("Status"),
                          heyai_project_status_label (heyai_project_get_status (project)));
  if (heyai_project_get_last_error (project) != NULL && *heyai_project_get_last_error (project))
    g_string_append_printf (out, "  %-10s %s\n", _("Problem"), heyai_project_get_last_error (project));
  g_string_append_printf (out, "  %-10s %s\n", _("Aspect"),
                          heyai_enum_to_string (HEYAI_TYPE_ASPECT, heyai_project_get_aspect (project)));
  if (heyai_project_get_style (project) != NULL && *heyai_project_get_style (project))
    g_string_append_printf (out, "  %-10s %s\n", _("Style"), heyai_project_get_style (project));
  g_string_append_printf (out, "  %-10s %s\n", _("Folder"), folder);
  if (heyai_project_get_share_link (project) != NULL && *heyai_project_get_share_link (project))
    g_string_append_printf (out, "  %-10s %s\n", _("Link"), heyai_project_get_share_link (project));
  g_string_append_printf (out, "  %-10s %s\n", _("Changed"), changed);
  g_string_append_printf (out, "  %-10s %u (%s)\n", _("Scenes"), scenes->len, runtime);

  for (guint i = 0; i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);
      g_autofree char *number = g_strdup_printf ("%3d  ", heyai_scene_get_position (scene));
      g_autofree char *duration = g_strdup_printf ("%d s", heyai_scene_get_duration (scene));
      g_autofree char *image = selected_path (cli->store, scene, HEYAI_ASSET_KIND_IMAGE);
      g_autofree char *clip = selected_path (cli->store, scene, HEYAI_ASSET_KIND_CLIP);

      g_string_append_c (out, '\n');
      g_string_append (out, number);
      heyai_cli_print_cell (out, heyai_scene_get_title (scene), 36);
      g_string_append_c (out, ' ');
      heyai_cli_print_cell (out, heyai_scene_status_label (heyai_scene_get_status (scene)), 12);
      g_string_append_printf (out, " %s  %s\n", duration,
                              heyai_camera_move_label (heyai_scene_get_camera_move (scene)));
      if (heyai_scene_get_description (scene) && *heyai_scene_get_description (scene))
        g_string_append_printf (out, "     %s\n", heyai_scene_get_description (scene));
      if (heyai_scene_get_last_error (scene) && *heyai_scene_get_last_error (scene) &&
          heyai_scene_get_status (scene) == HEYAI_SCENE_STATUS_FAILED)
        g_string_append_printf (out, "     %s %s\n", _("Problem:"), heyai_scene_get_last_error (scene));
      g_autofree char *stale = stale_note (cli->store, project, scene);

      if (image != NULL)
        g_string_append_printf (out, "     %s %s (%s %d)\n", _("Still:"), image, _("take"),
                                heyai_scene_get_image_take (scene));
      if (clip != NULL)
        g_string_append_printf (out, "     %s %s (%s %d)\n", _("Clip:"), clip, _("take"),
                                heyai_scene_get_clip_take (scene));
      if (stale != NULL)
        g_string_append_printf (out, "     %s\n", stale);
    }

  g_print ("%s", out->str);
  return HEYAI_EXIT_OK;
}

/* A string member, null when unset or empty. */
static void
add_text_member (JsonBuilder *builder,
                 const char  *name,
                 const char  *text)
{
  json_builder_set_member_name (builder, name);
  if (text != NULL && *text != '\0')
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_path_member (JsonBuilder *builder,
                 const char  *name,
                 const char  *path)
{
  json_builder_set_member_name (builder, name);
  if (path != NULL)
    json_builder_add_string_value (builder, path);
  else
    json_builder_add_null_value (builder);
}

int
heyai_cli_status (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = HEYAI_EXIT_OK;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print {\"project\":{\"id\",\"title\",\"status\"},\"scenes\":[{\"position\",\"title\",\"status\",\"image\",\"clip\"}]}"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("status", _("P"),
                                   _("Shows where each scene stands, with the files of its selected still and clip."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (see “heyai list”)"), &exit_code);
  if (project == NULL)
    return exit_code;

  scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), &error);
  if (scenes == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "project");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, heyai_project_get_id (project));
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, heyai_project_get_title (project));
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, heyai_enum_to_string (HEYAI_TYPE_PROJECT_STATUS,
                                                                    heyai_project_get_status (project)));
      add_text_member (builder, "last_error", heyai_project_get_last_error (project));
      json_builder_end_object (builder);

      json_builder_set_member_name (builder, "scenes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < scenes->len; i++)
        {
          HeyaiScene *scene = g_ptr_array_index (scenes, i);
          g_autofree char *image = selected_path (cli->store, scene, HEYAI_ASSET_KIND_IMAGE);
          g_autofree char *clip = selected_path (cli->store, scene, HEYAI_ASSET_KIND_CLIP);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "position");
          json_builder_add_int_value (builder, heyai_scene_get_position (scene));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, heyai_scene_get_title (scene) ? heyai_scene_get_title (scene) : "");
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder, heyai_enum_to_string (HEYAI_TYPE_SCENE_STATUS,
                                                                        heyai_scene_get_status (scene)));
          add_path_member (builder, "image", image);
          add_path_member (builder, "clip", clip);
          add_text_member (builder, "last_error", heyai_scene_get_last_error (scene));
          add_lineage_members (builder, cli->store, project, scene);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_autoptr(GString) out = g_string_new (NULL);

      g_string_append_printf (out, "%s — %s\n", heyai_project_get_title (project),
                              heyai_project_status_label (heyai_project_get_status (project)));
      for (guint i = 0; i < scenes->len; i++)
        {
          HeyaiScene *scene = g_ptr_array_index (scenes, i);
          g_autofree char *number = g_strdup_printf ("%3d  ", heyai_scene_get_position (scene));
          g_autofree char *image = selected_path (cli->store, scene, HEYAI_ASSET_KIND_IMAGE);
          g_autofree char *clip = selected_path (cli->store, scene, HEYAI_ASSET_KIND_CLIP);

          g_string_append (out, number);
          heyai_cli_print_cell (out, heyai_scene_get_title (scene), 36);
          g_string_append_c (out, ' ');
          heyai_cli_print_cell (out, heyai_scene_status_label (heyai_scene_get_status (scene)), 12);
          g_autofree char *stale = stale_note (cli->store, project, scene);

          g_string_append_printf (out, " %s %s\n",
                                  image ? _("still ✓") : _("still –"),
                                  clip ? _("clip ✓") : _("clip –"));
          if (heyai_scene_get_status (scene) == HEYAI_SCENE_STATUS_FAILED &&
              heyai_scene_get_last_error (scene) != NULL)
            g_string_append_printf (out, "     %s\n", heyai_scene_get_last_error (scene));
          if (stale != NULL)
            g_string_append_printf (out, "     %s\n", stale);
        }
      g_print ("%s", out->str);
    }

  return HEYAI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* approve / reject                                                       */

static int
set_approval (HeyaiCli       *cli,
              const char     *command,
              HeyaiApproval   approval,
              int             argc,
              char          **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int exit_code = HEYAI_EXIT_OK;
  gboolean all = FALSE;
  guint n_changed = 0;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every scene that has a still"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new (command, _("P SCENE…|--all"),
                                   approval == HEYAI_APPROVAL_APPROVED
                                   ? _("Approves the stills of the scenes given by number; approved stills get animated.")
                                   : _("Rejects the stills of the scenes given by number; rejected stills are not animated."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;

  if (argc < 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project? (see “heyai list”)"));
  if (!all && argc < 3)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which scenes? Give their numbers, or --all"));
  if (all && argc > 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Give scene numbers or --all, not both"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;

  scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), &error);
  if (scenes == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  if (scenes->len == 0)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, _("The project has no scenes yet: run “heyai analyze %s” first"),
                           argv[1]);

  if (all)
    {
      for (guint i = 0; i < scenes->len; i++)
        {
          HeyaiScene *scene = g_ptr_array_index (scenes, i);
          if (heyai_scene_get_image_take (scene) > 0)
            g_ptr_array_add (chosen, scene);
        }
      if (chosen->len == 0)
        return heyai_cli_fail (HEYAI_EXIT_FAILED, _("No scene has a still yet: run “heyai images %s” first"),
                               argv[1]);
    }
  else
    for (int i = 2; i < argc; i++)
      {
        char *end = NULL;
        gint64 position = g_ascii_strtoll (argv[i], &end, 10);
        HeyaiScene *found = NULL;

        if (end == argv[i] || *end != '\0')
          return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“%s” is not a scene number"), argv[i]);

        for (guint j = 0; j < scenes->len; j++)
          if (heyai_scene_get_position (g_ptr_array_index (scenes, j)) == position)
            found = g_ptr_array_index (scenes, j);

        if (found == NULL)
          return heyai_cli_fail (HEYAI_EXIT_USAGE, _("The project has no scene %s (it has %u)"),
                                 argv[i], scenes->len);
        g_ptr_array_add (chosen, found);
      }

  for (guint i = 0; i < chosen->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (chosen, i);

      if (heyai_scene_get_image_take (scene) <= 0)
        {
          exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED, _("Scene %d has no still yet"),
                                      heyai_scene_get_position (scene));
          continue;
        }

      if (!heyai_pipeline_set_approval (cli->store, scene, approval, &error))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      n_changed++;
    }

  if (n_changed > 0)
    g_print (approval == HEYAI_APPROVAL_APPROVED
             ? g_dngettext (GETTEXT_PACKAGE, "%u scene approved\n", "%u scenes approved\n", n_changed)
             : g_dngettext (GETTEXT_PACKAGE, "%u scene rejected\n", "%u scenes rejected\n", n_changed),
             n_changed);

  return exit_code;
}

int
heyai_cli_approve (HeyaiCli  *cli,
                   int        argc,
                   char     **argv)
{
  return set_approval (cli, "approve", HEYAI_APPROVAL_APPROVED, argc, argv);
}

int
heyai_cli_reject (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  return set_approval (cli, "reject", HEYAI_APPROVAL_REJECTED, argc, argv);
}

/* ---------------------------------------------------------------------- */
/* cancel                                                                 */

int
heyai_cli_cancel (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = HEYAI_EXIT_OK;

  context = heyai_cli_context_new ("cancel", _("P"),
                                   _("Stops the work running or waiting on a project (also from another terminal)."));
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (see “heyai list”)"), &exit_code);
  if (project == NULL)
    return exit_code;

  jobs = heyai_store_list_jobs (cli->store, heyai_project_get_id (project), TRUE, &error);
  if (jobs == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (!heyai_pipeline_cancel_project (cli->store, project, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (jobs->len == 0)
    g_print ("%s\n", _("Nothing was running on this project."));
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u job cancelled\n", "%u jobs cancelled\n", jobs->len),
             jobs->len);

  return HEYAI_EXIT_OK;
}

/* ---------------------------------------------------------------------- */
/* delete                                                                 */

/* `heyai delete P`: the pipeline stops the project's work, then deletes it
 * (tombstones; files on disk stay). */
int
heyai_cli_delete (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  int exit_code = HEYAI_EXIT_OK;

  context = heyai_cli_context_new ("delete", _("P"),
                                   _("Stops a project’s work and deletes the project from the library (its files "
                                     "on disk stay)."));
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (see “heyai list”)"), &exit_code);
  if (project == NULL)
    return exit_code;
  title = g_strdup (heyai_project_get_title (project));
  if (!heyai_pipeline_delete_project (cli->store, project, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
  g_print (_("Deleted “%s”.\n"), title != NULL ? title : "");
  return HEYAI_EXIT_OK;
}
