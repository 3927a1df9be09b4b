/* heyai-cli-timeline.c: `heyai note P N TEXT` (the producer's note for the
 * editor) and `heyai import-timeline P FILE [--dry-run]` (the editor's cut
 * back into the storyboard).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-cli-private.h"
#include "heyai-export-plan.h"
#include "heyai-timeline-import.h"

int
heyai_cli_note (HeyaiCli  *cli,
                int        argc,
                char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int exit_code = HEYAI_EXIT_OK;
  char *end = NULL;
  gint64 position;

  context = heyai_cli_context_new ("note", _("P SCENE TEXT…"),
                                   _("Sets the scene’s note for the editor (an empty TEXT clears it). "
                                     "The note travels as a marker in every timeline of the export."));
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc < 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project? (see “heyai list”)"));
  if (argc < 4)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Give a scene number and the note, e.g. heyai note 1 3 \"Hold longer\""));

  position = g_ascii_strtoll (argv[2], &end, 10);
  if (end == argv[2] || *end != '\0' || position <= 0)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“%s” is not a scene number"), argv[2]);

  text = g_strstrip (g_strjoinv (" ", argv + 3));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;

  scene = heyai_store_get_scene_at (cli->store, heyai_project_get_id (project), (int) position, &error);
  if (scene == NULL)
    {
      if (error != NULL && !g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      return heyai_cli_fail (HEYAI_EXIT_USAGE, _("The project has no scene %s"), argv[2]);
    }

  heyai_scene_set_editor_note (scene, *text != '\0' ? text : NULL);
  if (!heyai_store_update_scene (cli->store, scene, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (*text != '\0')
    g_print (_("Scene %d: note for the editor saved\n"), (int) position);
  else
    g_print (_("Scene %d: note for the editor cleared\n"), (int) position);

  return HEYAI_EXIT_OK;
}

int
heyai_cli_import_timeline (HeyaiCli  *cli,
                           int        argc,
                           char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiTimeline) timeline = NULL;
  g_autoptr(HeyaiTimelineDiff) diff = NULL;
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *fps_text = NULL;
  gboolean dry_run = FALSE;
  int exit_code = HEYAI_EXIT_OK;
  double fps = 0;
  GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Only print the changes; change nothing"), NULL },
    { "fps", 0, 0, G_OPTION_ARG_STRING, &fps_text,
      N_("Frame rate of an EDL's timecodes (default: from manifest.json next to it, else 24)"), N_("RATE") },
    { NULL }
  };

  context = heyai_cli_context_new ("import-timeline", _("P FILE"),
                                   _("Reads the editor’s cut back (OTIO, FCPXML, Final Cut Pro 7 XML or EDL): "
                                     "the new scene order, trimmed lengths, marker notes as the scenes’ notes "
                                     "for the editor, and scenes dropped from the cut become rejected."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc < 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project? (see “heyai list”)"));
  if (argc != 3)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which timeline? Give the file the editor saved."));

  if (fps_text != NULL)
    {
      HeyaiExportFps rate;

      if (!heyai_export_fps_parse (fps_text, &rate))
        return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--fps takes 24, 23.976, 25, 29.97, 29.97df or 30."));
      fps = heyai_export_fps_to_double (rate);
    }

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;

  timeline = heyai_timeline_read (argv[2], fps, &error);
  if (timeline == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), &error);
  if (scenes == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  diff = heyai_timeline_diff (timeline, scenes, &error);
  if (diff == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  summary = heyai_timeline_diff_to_string (diff);
  g_print ("%s", summary);

  if (dry_run || diff->changes->len == 0)
    return HEYAI_EXIT_OK;

  if (!heyai_timeline_apply (cli->store, project, diff, &error))
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  g_print (g_dngettext (GETTEXT_PACKAGE, "%u change applied\n", "%u changes applied\n", diff->changes->len),
           diff->changes->len);

  return HEYAI_EXIT_OK;
}
