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
#include "heyai-export-drive.h"
#include "heyai-final-watch.h"
#include "heyai-providers.h"

typedef struct
{
  GMainLoop         *loop;
  HeyaiExportResult *result;
  HeyaiExportPublishResult *published;
  GPtrArray         *finals;
  char              *local_path;
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

static void
on_published (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ExportRun *run = user_data;

  run->published = heyai_export_publish_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_final_checked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ExportRun *run = user_data;

  run->finals = heyai_final_check_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
on_final_local (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportRun *run = user_data;

  run->local_path = heyai_final_ensure_local_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static GCancellable *sigint_cancellable;

static gboolean
on_sigint (gpointer user_data)
{
  g_cancellable_cancel (sigint_cancellable);
  return G_SOURCE_CONTINUE;
}

static HeyaiStorage *
create_storage (HeyaiCli   *cli,
                const char *name,
                GError    **error)
{
  GObject *storage = heyai_provider_create (HEYAI_ROLE_STORAGE, name, cli->data_dir, error);

  return storage != NULL ? HEYAI_STORAGE (storage) : NULL;
}

/* `heyai export P --check-final`: one look into final/. */
static int
check_final (HeyaiCli     *cli,
             HeyaiProject *project,
             const char   *storage_name)
{
  g_autoptr(HeyaiStorage) storage = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(HeyaiAsset) latest = NULL;
  g_autofree char *root = heyai_local_root (cli->data_dir);
  ExportRun run = { 0 };

  storage = create_storage (cli, storage_name, &error);
  if (storage == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  run.loop = loop;
  heyai_final_check_async (cli->store, project, storage, root, NULL, on_final_checked, &run);
  g_main_loop_run (loop);
  if (run.finals == NULL)
    {
      g_autoptr(GError) err = run.error;

      return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", err->message);
    }
  g_ptr_array_unref (run.finals);

  latest = heyai_final_find_latest (cli->store, project, &error);
  if (latest == NULL)
    {
      if (error != NULL)
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      g_printerr ("heyai: %s\n", _("No finished trailer in the project’s final folder yet."));
      /* drive.file (C.5 item 20): Drive shows the app only its own files. */
      if (g_strcmp0 (heyai_storage_get_name (HEYAI_STORAGE (storage)), "gdrive") == 0)
        g_printerr ("heyai: %s\n",
                    _("Google Drive lets HeyAI see only the files HeyAI put there: a trailer added by hand "
                      "on the Drive website stays invisible to it. Deliver it with HeyAI, or copy it into "
                      "the project’s local final folder."));
      return HEYAI_EXIT_OK;
    }

  /* a local copy to preview (downloads it from Drive the first time) */
  heyai_final_ensure_local_async (cli->store, project, storage, root, latest, NULL, on_final_local, &run);
  g_main_loop_run (loop);
  if (run.local_path == NULL)
    {
      g_autoptr(GError) err = run.error;

      return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", err->message);
    }
  g_printerr ("heyai: %s\n", _("The editor delivered the finished trailer; the project is completed."));
  g_print ("%s\n", run.local_path);
  if (heyai_asset_get_view_link (latest) != NULL)
    g_print ("%s\n", heyai_asset_get_view_link (latest));
  g_free (run.local_path);
  return HEYAI_EXIT_OK;
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
  g_autofree char *stale = NULL;
  g_autofree char *music = NULL;
  g_autofree char *paper = NULL;
  g_autofree char *start_tc = NULL;
  g_autofree char *fit = NULL;
  g_autofree char *format_ids = heyai_export_format_ids ();
  g_autofree char *formats_help = g_strdup_printf (_("Comma-separated: %s (default: all)"), format_ids);
  gboolean no_conform = FALSE;
  double crossfade = 0;
  gboolean burn_in = FALSE;
  gboolean zip = FALSE;
  gboolean drive = FALSE;
  gboolean publish = FALSE;
  gboolean no_publish = FALSE;
  gboolean check = FALSE;
  const char *storage_name;
  HeyaiExportOptions options;
  ExportRun run = { 0 };
  int exit_code = HEYAI_EXIT_OK;
  guint sigint_id;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to,
      N_("Folder to write <project>-handoff/ into (required)"), N_("DIR") },
    { "formats", 0, 0, G_OPTION_ARG_STRING, &formats,
      NULL /* from the format table, below */, N_("LIST") },
    { "fps", 0, 0, G_OPTION_ARG_STRING, &fps,
      N_("Timeline frame rate: 24 (default), 23.976, 25, 29.97, 29.97df (drop-frame timecode) or 30"), N_("RATE") },
    { "start-tc", 0, 0, G_OPTION_ARG_STRING, &start_tc,
      N_("Timecode of the first frame of the timelines and the animatic (default: the project's, else 01:00:00:00)"), N_("HH:MM:SS:FF") },
    { "fit", 0, 0, G_OPTION_ARG_STRING, &fit,
      N_("Clips of another shape are conformed with black bars (letterbox, default) or cropped (crop)"),
      N_("letterbox|crop") },
    { "no-conform", 0, 0, G_OPTION_ARG_NONE, &no_conform,
      N_("Copy the clips as the provider made them (no conforming to the project's size and rate)"), NULL },
    { "missing", 0, 0, G_OPTION_ARG_STRING, &missing,
      N_("Approved scenes without a clip: hold (the still, default) or skip"), N_("hold|skip") },
    { "stale", 0, 0, G_OPTION_ARG_STRING, &stale,
      N_("Outdated clips (not made from the selected still with today’s directions): hold (the current still in "
         "their place, default) or include"), N_("hold|include") },
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
    { "drive", 0, 0, G_OPTION_ARG_NONE, &drive,
      N_("Also put the package in the project’s Google Drive folder and print the link for the editor "
         "(automatic with --storage=gdrive)"), NULL },
    { "publish", 0, 0, G_OPTION_ARG_NONE, &publish,
      N_("Also put the package in the project folder of the storage in use (local: the HeyAI Projects folder)"), NULL },
    { "no-publish", 0, 0, G_OPTION_ARG_NONE, &no_publish,
      N_("Only write the package under --to, even with the Google Drive storage"), NULL },
    { "check-final", 0, 0, G_OPTION_ARG_NONE, &check,
      N_("Look for the editor’s finished trailer in the project’s final folder (no export)"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("export", _("P"),
                                   _("Writes the package for the editor: numbered clips and stills, "
                                     "timelines for Resolve, Premiere and Final Cut (OTIO, FCPXML, XML, EDL), "
                                     "shot list, script with timing, storyboard PDF and an animatic."));
  entries[1].description = formats_help;
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project? (see “heyai list”)"));
  storage_name = drive ? "gdrive" : heyai_provider_resolve_name (HEYAI_ROLE_STORAGE, cli->storage, NULL);
  if (check)
    {
      g_autoptr(HeyaiProject) checked = heyai_cli_load_project (cli, argv[1], &exit_code);

      if (checked == NULL)
        return exit_code;
      return check_final (cli, checked, storage_name);
    }
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
  options.conform = !no_conform;
  if (fit == NULL || g_ascii_strcasecmp (fit, "letterbox") == 0)
    options.fit = HEYAI_EXPORT_FIT_LETTERBOX;
  else if (g_ascii_strcasecmp (fit, "crop") == 0)
    options.fit = HEYAI_EXPORT_FIT_CROP;
  else
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--fit takes “letterbox” or “crop”."));
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

  if (stale != NULL && !g_str_equal (stale, "hold") && !g_str_equal (stale, "include"))
    {
      heyai_export_options_clear (&options);
      return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--stale takes “hold” or “include”."));
    }
  heyai_export_plan_set_include_stale (plan, stale != NULL && g_str_equal (stale, "include"));

  if (fps != NULL && !heyai_export_fps_parse (fps, &plan->fps))
    {
      heyai_export_options_clear (&options);
      return heyai_cli_fail (HEYAI_EXIT_USAGE, _("--fps takes 24, 23.976, 25, 29.97, 29.97df or 30."));
    }

  if (start_tc != NULL)
    {
      gint64 frames;

      if (!heyai_export_timecode_parse (start_tc, plan->fps, &frames))
        {
          heyai_export_options_clear (&options);
          return heyai_cli_fail (HEYAI_EXIT_USAGE,
                                 _("--start-tc takes a timecode HH:MM:SS:FF valid at %s fps, such as 01:00:00:00."),
                                 heyai_export_fps_to_string (plan->fps));
        }
      g_free (plan->start_tc);
      plan->start_tc = g_strdup (start_tc);
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

  /* A read-only (damaged) library exports, but records nothing. */
  if (!heyai_store_get_read_only (cli->store) &&
      !heyai_export_record_package (cli->store, project, run.result, &error))
    g_printerr ("heyai: %s\n", error->message);
  g_clear_error (&error);

  g_print ("%s\n", run.result->package_path);
  if (run.result->zip_path != NULL)
    g_print ("%s\n", run.result->zip_path);

  if (!no_publish && (drive || publish || g_strcmp0 (storage_name, "gdrive") == 0))
    {
      g_autoptr(HeyaiStorage) storage = NULL;
      g_autofree char *root = heyai_local_root (cli->data_dir);

      storage = create_storage (cli, storage_name, &error);
      if (storage == NULL)
        {
          heyai_export_result_free (run.result);
          return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
        }
      if (cli->interactive)
        g_printerr ("%s\n", g_strcmp0 (storage_name, "gdrive") == 0
                               ? _("Uploading the package to Google Drive…")
                               : _("Copying the package into the project folder…"));
      sigint_cancellable = cancellable;
      sigint_id = g_unix_signal_add (SIGINT, on_sigint, NULL);
      run.last_percent = -1;
      heyai_export_publish_async (cli->store, project, storage, root, run.result->package_path,
                                  on_progress, &run, NULL, cancellable, on_published, &run);
      g_main_loop_run (loop);
      g_source_remove (sigint_id);
      sigint_cancellable = NULL;
      if (cli->interactive)
        g_printerr ("\r\033[K");
      heyai_export_result_free (run.result);

      if (run.published == NULL)
        {
          g_autoptr(GError) err = run.error;

          if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s",
                                   _("Publishing was cancelled; the package is complete on disk, export again to publish it."));
          return heyai_cli_fail (HEYAI_EXIT_FAILED, _("The package is on disk, but publishing it failed: %s"),
                                 err->message);
        }
      if (cli->interactive)
        g_printerr ("%s\n", _("Send this link to the editor:"));
      g_print ("%s\n", run.published->link);
      heyai_export_publish_result_free (run.published);
      return HEYAI_EXIT_OK;
    }

  heyai_export_result_free (run.result);

  return HEYAI_EXIT_OK;
}
