/* heyai-cli-export.c: `heyai export P --to DIR [...]`, the editor handoff.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <signal.h>

#include "heyai-cli-private.h"
#include "heyai-export.h"

typedef struct
{
  GMainLoop         *loop;
  HeyaiExportResult *result;
  GError            *error;
  gboolean           interactive;
  int                last_percent;
} ExportRun;

static void
on_progress (double      fraction,
             const char *step,
             gpointer    user_data)
{
  ExportRun *run = user_data;
  int percent = (int) (fraction * 100 + 0.5);

  if (!run->interactive || (step == NULL && percent == run->last_percent))
    return;

  run->last_percent = percent;
  if (step != NULL)
    g_printerr ("\r\033[K%3d%%  %s", percent, step);
  else
    g_printerr ("\r%3d%%", percent);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ExportRun *run = user_data;

  run->result = heyai_export_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static GCancellable *sigint_cancellable;

static gboolean
on_sigint (gpointer user_data)
{
  g_cancellable_cancel (sigint_cancellable);
  return G_SOURCE_CONTINUE;
}

int
heyai_cli_export (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *to = NULL;
  g_autofree char *formats = NULL;
  g_autofree char *fps = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *music = NULL;
  g_autofree char *paper = NULL;
  double crossfade = 0;
  gboolean burn_in = FALSE;
  gboolean zip = FALSE;
  HeyaiExportOptions options;
  ExportRun run = { 0 };
  int exit_code = HEYAI_EXIT_OK;
  guint sigint_id;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to,
      N_("Folder to write <project>-handoff/ into (required)"), N_("DIR") },
    { "formats", 0, 0, G_OPTION_ARG_STRING, &formats,
      N_("Comma-separated: otio,fcpxml,xml,edl,csv,pdf,md,animatic (default: all)"), N_("LIST") },
    { "fps", 0, 0, G_OPTION_ARG_STRING, &fps,
      N_("Timeline frame rate: 24 (default), 23.976, 25, 29.97, 29.97df (drop-frame timecode) or 30"), N_("RATE") },
    { "missing", 0, 0, G_OPTION_ARG_STRING, &missing,
      N_("Approved scenes without a clip: hold (the still, default) or skip"), N_("hold|skip") },
    { "crossfade", 0, 0, G_OPTION_ARG_DOUBLE, &crossfade,
      N_("Crossfade between clips in the animatic"), N_("SECONDS") },
    { "music", 0, 0, G_OPTION_ARG_FILENAME, &music,
      N_("Audio file to lay under the animatic"), N_("FILE") },
    { "burn-in", 0, 0, G_OPTION_ARG_NONE, &burn_in,
      N_("Burn the scene number and timecode into the animatic"), NULL },
    { "zip", 0, 0, G_OPTION_ARG_NONE, &zip,
      N_("Also make <project>-handoff.zip"), NULL },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper,
      N_("Paper for the PDFs: a4 or letter (default: from the locale)"), N_("a4|letter") },
    { NULL }
  };

  context = heyai_cli_context_new ("export", _("P"),
                                   _("Writes the package for the editor: numbered clips and stills, "
                                     "timelines for Resolve, Premiere and Final Cut (OTIO, FCPXML, XML, EDL), "
                                     "shot list, script with timing, storyboard PDF and an animatic."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project? (see “heyai list”)"));
  if (to == NULL || *to == '\0')
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Where should the package go? Give a folder with --to DIR."));

  heyai_export_options_init (&options);

  if (!heyai_export_formats_parse (formats, &options.formats, &error))
    return heyai_cli_fail (HEYAI_EXIT_USAGE, "%s", error->message);

  if (missing == NULL || g_str_equal (missing, "hold"))
    options.missing = HEYAI_EXPORT_MISSING_HOLD;
  else if (g_str_equal (missing, "skip"))
    options.missing = HEYAI_EXPORT_MISSING_SKIP;
  else
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--missing takes “hold” or “skip”."));

  if (paper == NULL)
    options.paper = HEYAI_EXPORT_PAPER_AUTO;
  else if (g_ascii_strcasecmp (paper, "a4") == 0)
    options.paper = HEYAI_EXPORT_PAPER_A4;
  else if (g_ascii_strcasecmp (paper, "letter") == 0)
    options.paper = HEYAI_EXPORT_PAPER_LETTER;
  else
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--paper takes “a4” or “letter”."));

  if (crossfade < 0 || crossfade > 5)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--crossfade takes a number of seconds between 0 and 5."));
  options.crossfade = crossfade;
  options.burn_in = burn_in;
  options.zip = zip;

  if (music != NULL)
    {
      if (!g_file_test (music, G_FILE_TEST_IS_REGULAR))
        return heyai_cli_fail (HEYAI_EXIT_USAGE, _("The music file “%s” does not exist."), music);
      options.music = g_canonicalize_filename (music, NULL);
    }

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    {
      heyai_export_options_clear (&options);
      return exit_code;
    }

  plan = heyai_export_plan_from_store (cli->store, project, &error);
  if (plan == NULL)
    {
      heyai_export_options_clear (&options);
      return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
    }

  if (fps != NULL && !heyai_export_fps_parse (fps, &plan->fps))
    {
      heyai_export_options_clear (&options);
      return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--fps takes 24, 23.976, 25, 29.97, 29.97df or 30."));
    }

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  sigint_cancellable = cancellable;
  sigint_id = g_unix_signal_add (SIGINT, on_sigint, NULL);

  run.loop = loop;
  run.interactive = cli->interactive;
  run.last_percent = -1;
  heyai_export_async (plan, &options, to, on_progress, &run, NULL, cancellable, on_done, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  sigint_cancellable = NULL;
  heyai_export_options_clear (&options);

  if (cli->interactive)
    g_printerr ("\r\033[K");

  if (run.result == NULL)
    {
      g_autoptr(GError) err = run.error;

      if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", _("The export was cancelled; nothing was written."));
      return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", err->message);
    }

  for (guint i = 0; run.result->warnings != NULL && run.result->warnings[i] != NULL; i++)
    g_printerr ("heyai: %s\n", run.result->warnings[i]);

  if (!heyai_export_record_package (cli->store, project, run.result, &error))
    g_printerr ("heyai: %s\n", error->message);

  /* TODO(drive): upload the package to Project-<n>-<slug>/final/ once the
   * Drive client is in (see heyai_export_record_package). */

  g_print ("%s\n", run.result->package_path);
  if (run.result->zip_path != NULL)
    g_print ("%s\n", run.result->zip_path);

  heyai_export_result_free (run.result);

  return HEYAI_EXIT_OK;
}
