/* heyai-cli-run.c: the commands that run the pipeline: analyze, images,
 * animate, run.  Progress goes to stderr: one updating line on a terminal,
 * one line per finished scene or failure otherwise.  SIGINT/SIGTERM cancel
 * the run cleanly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib-unix.h>

#include "heyai-cli-private.h"
#include "heyai-pipeline.h"
#include "heyai-providers.h"
#include "heyai-workspace.h"

typedef struct
{
  HeyaiCli        *cli;
  HeyaiPipeline   *pipeline;
  GMainLoop       *loop;
  GCancellable    *cancellable;
  GHashTable      *jobs;          /* job id -> HeyaiJob (ref): jobs seen in this run */
  HeyaiRunSummary  summary;
  GError          *error;
  gboolean         done;
  gboolean         ok;
  gboolean         interrupted;
  gboolean         line_drawn;
  gint64           last_draw;
  char            *activity;      /* "scene 4 rendering…" */
  int              activity_scene;
} RunState;

/* ---------------------------------------------------------------------- */
/* Providers                                                              */

/* The same workspace as the window: providers from the flags, the
 * environment, then the settings; the same budget cap (or --budget). */
static HeyaiPipeline *
create_pipeline (HeyaiCli        *cli,
                 HeyaiWorkspace **workspace_out,
                 int             *exit_code)
{
  g_autoptr(HeyaiWorkspace) workspace = heyai_workspace_new (cli->store, cli->data_dir, NULL);
  const char *flags[4] = { cli->llm, cli->imager, cli->animator, cli->storage };
  g_autoptr(GError) error = NULL;
  HeyaiPipeline *pipeline;

  for (guint role = 0; role < 4; role++)
    {
      heyai_workspace_set_provider (workspace, (HeyaiRole) role, flags[role]);
      if (cli->concurrency[role] > 0)
        heyai_workspace_set_concurrency (workspace, (HeyaiRole) role, (guint) cli->concurrency[role]);
    }
  if (cli->budget >= 0)
    heyai_workspace_set_budget (workspace, cli->budget);
  if (cli->monthly_budget >= 0)
    heyai_workspace_set_monthly_budget (workspace, cli->monthly_budget);

  pipeline = heyai_workspace_get_pipeline (workspace, &error);
  if (pipeline == NULL)
    {
      *exit_code = heyai_cli_fail (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT)
                                   ? HEYAI_EXIT_USAGE : HEYAI_EXIT_FAILED, "%s",
                                   error ? error->message : _("The provider could not be started"));
      return NULL;
    }
  if (workspace_out != NULL)
    *workspace_out = g_object_ref (workspace);
  return g_object_ref (pipeline);
}

/* ---------------------------------------------------------------------- */
/* Progress                                                               */

static void
count_jobs (RunState     *state,
            HeyaiJobKind  kind,
            guint        *done,
            guint        *total)
{
  GHashTableIter iter;
  gpointer value;

  *done = *total = 0;
  g_hash_table_iter_init (&iter, state->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      HeyaiJob *job = value;

      if (heyai_job_get_kind (job) != kind)
        continue;
      (*total)++;
      if (heyai_job_get_state (job) == HEYAI_JOB_STATE_DONE)
        (*done)++;
    }
}

static void
clear_line (RunState *state)
{
  if (state->line_drawn)
    {
      fputs ("\r\033[K", stderr);
      state->line_drawn = FALSE;
    }
}

static void
draw_line (RunState *state,
           gboolean  force)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gint64 now = g_get_monotonic_time ();
  guint done, total;

  if (!state->cli->interactive)
    return;
  if (!force && now - state->last_draw < 80 * 1000)
    return;
  state->last_draw = now;

  count_jobs (state, HEYAI_JOB_KIND_ANALYZE, &done, &total);
  if (total > 0 && done < total)
    g_string_append (line, _("Reading the script…"));

  count_jobs (state, HEYAI_JOB_KIND_IMAGE, &done, &total);
  if (total > 0)
    {
      if (line->len)
        g_string_append (line, " · ");
      g_string_append_printf (line, _("Stills %u/%u"), done, total);
    }

  count_jobs (state, HEYAI_JOB_KIND_CLIP, &done, &total);
  if (total > 0)
    {
      if (line->len)
        g_string_append (line, " · ");
      g_string_append_printf (line, _("Clips %u/%u"), done, total);
    }

  if (state->activity != NULL)
    {
      if (line->len)
        g_string_append (line, " · ");
      g_string_append (line, state->activity);
    }

  fprintf (stderr, "\r\033[K%s", line->str);
  fflush (stderr);
  state->line_drawn = TRUE;
}

static void
print_event (RunState   *state,
             const char *text)
{
  clear_line (state);
  fprintf (stderr, "%s\n", text);
  draw_line (state, TRUE);
}

static void
job_changed_cb (HeyaiPipeline *pipeline,
                HeyaiJob      *job,
                RunState      *state)
{
  HeyaiJob *known = g_hash_table_lookup (state->jobs, heyai_job_get_id (job));

  if (known == NULL)
    g_hash_table_insert (state->jobs, g_strdup (heyai_job_get_id (job)), g_object_ref (job));
  else if (known != job)
    g_hash_table_replace (state->jobs, g_strdup (heyai_job_get_id (job)), g_object_ref (job));

  /* Failures are printed as they happen, above the progress line. */
  if (state->cli->interactive && heyai_job_get_state (job) == HEYAI_JOB_STATE_FAILED &&
      heyai_job_get_last_error (job) != NULL)
    print_event (state, heyai_job_get_last_error (job));
  else
    draw_line (state, heyai_job_state_is_final (heyai_job_get_state (job)));
}

static void
scene_changed_cb (HeyaiPipeline *pipeline,
                  HeyaiScene    *scene,
                  RunState      *state)
{
  HeyaiSceneStatus status = heyai_scene_get_status (scene);

  int position = heyai_scene_get_position (scene);

  if (status == HEYAI_SCENE_STATUS_RENDERING || status == HEYAI_SCENE_STATUS_ANIMATING)
    {
      g_free (state->activity);
      state->activity = status == HEYAI_SCENE_STATUS_RENDERING
                        ? g_strdup_printf (_("scene %d rendering…"), position)
                        : g_strdup_printf (_("scene %d animating…"), position);
      state->activity_scene = position;
    }
  else if (position == state->activity_scene)
    {
      g_clear_pointer (&state->activity, g_free);
      state->activity_scene = 0;
    }
  draw_line (state, FALSE);
}

static void
message_cb (HeyaiPipeline *pipeline,
            const char    *text,
            RunState      *state)
{
  /* Piped: one line per finished scene or failure (the pipeline's events). */
  if (!state->cli->interactive)
    {
      fprintf (stderr, "%s\n", text);
      fflush (stderr);
    }
  else
    {
      /* References a scene could not carry are never silent, even on a
       * terminal ("Scene 2: References not applied: text only (...)"). */
      g_autofree char *note = heyai_lineage_references_note_for ("");
      g_autofree char *end_note = g_strdup (_("End frame not applied (%s)"));
      char *paren = strchr (note, '(');
      char *end_paren = strchr (end_note, '(');

      if (paren != NULL)
        *paren = '\0';
      if (end_paren != NULL)
        *end_paren = '\0';
      if ((*note != '\0' && strstr (text, note) != NULL) || (*end_note != '\0' && strstr (text, end_note) != NULL))
        print_event (state, text);
    }
}

static gboolean
signal_cb (gpointer user_data)
{
  RunState *state = user_data;

  /* A second Ctrl+C does not wait for the providers to stop: every store
   * write is its own transaction, and the next run continues the jobs. */
  if (state->interrupted)
    {
      clear_line (state);
      heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", _("Cancelled"));
      exit (HEYAI_EXIT_FAILED);
    }

  state->interrupted = TRUE;
  g_free (state->activity);
  state->activity = g_strdup (_("cancelling (press Ctrl+C again to quit at once)…"));
  state->activity_scene = -1;
  draw_line (state, TRUE);
  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *state = user_data;

  state->ok = heyai_pipeline_run_finish (HEYAI_PIPELINE (object), result, &state->summary, &state->error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

/* Runs @flags and waits; returns the exit code (the error is printed). */
static int
run_pipeline (HeyaiCli      *cli,
              HeyaiProject  *project,
              HeyaiRunFlags  flags,
              int            scene_position)
{
  g_autoptr(HeyaiPipeline) pipeline = NULL;
  g_autoptr(HeyaiWorkspace) workspace = NULL;
  RunState state = { 0 };
  guint sigint_id, sigterm_id;
  int exit_code = HEYAI_EXIT_OK;

  pipeline = create_pipeline (cli, &workspace, &exit_code);
  if (pipeline == NULL)
    return exit_code;

  /* Paid services: say what the batch will cost before it starts. */
  {
    HeyaiRunEstimate estimate;

    heyai_pipeline_estimate (pipeline, project, flags, scene_position, &estimate);
    /* A cost of 0 for paid work is printed too. */
    if (estimate.cost > 0 || estimate.n_paid > 0)
      {
        g_autofree char *stills = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u still", "%u stills",
                                                                estimate.n_jobs[HEYAI_ROLE_IMAGER]),
                                                   estimate.n_jobs[HEYAI_ROLE_IMAGER]);
        g_autofree char *clips = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u clip", "%u clips",
                                                               estimate.n_jobs[HEYAI_ROLE_ANIMATOR]),
                                                  estimate.n_jobs[HEYAI_ROLE_ANIMATOR]);

        /* TRANSLATORS: "Estimated cost: $3.40 (12 stills, 12 clips)" */
        g_printerr (_("Estimated cost: $%.2f (%s, %s)\n"), estimate.cost, stills, clips);
      }

    /* The monthly budget: a batch over what is left starts nothing. */
    {
      g_autoptr(GError) budget_error = NULL;

      if (!heyai_workspace_check_budget (workspace, &estimate, &budget_error))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", budget_error->message);
    }
  }

  state.cli = cli;
  state.pipeline = pipeline;
  state.loop = g_main_loop_new (NULL, FALSE);
  state.cancellable = g_cancellable_new ();
  state.jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  g_signal_connect (pipeline, "job-changed", G_CALLBACK (job_changed_cb), &state);
  g_signal_connect (pipeline, "scene-changed", G_CALLBACK (scene_changed_cb), &state);
  g_signal_connect (pipeline, "message", G_CALLBACK (message_cb), &state);

  sigint_id = g_unix_signal_add (SIGINT, signal_cb, &state);
  sigterm_id = g_unix_signal_add (SIGTERM, signal_cb, &state);

  heyai_pipeline_run_async (pipeline, project, flags, scene_position, state.cancellable,
                            run_done_cb, &state);
  if (!state.done)
    g_main_loop_run (state.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handlers_disconnect_by_data (pipeline, &state);

  draw_line (&state, TRUE);
  clear_line (&state);

  if (!state.ok)
    {
      if (state.interrupted || g_error_matches (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", _("Cancelled"));
      else
        {
          guint n_failed = state.summary.n_failed;

          if (n_failed > 1)
            exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED,
                                        g_dngettext (GETTEXT_PACKAGE, "%s (and %u more failure)",
                                                     "%s (and %u more failures)", n_failed - 1),
                                        state.error->message, n_failed - 1);
          else
            exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", state.error->message);
        }
    }

  g_clear_error (&state.error);
  g_clear_pointer (&state.jobs, g_hash_table_unref);
  g_clear_pointer (&state.loop, g_main_loop_unref);
  g_clear_object (&state.cancellable);
  g_clear_pointer (&state.activity, g_free);

  return exit_code;
}

/* ---------------------------------------------------------------------- */
/* Commands                                                               */

static guint
count_scenes (HeyaiCli         *cli,
              HeyaiProject     *project,
              HeyaiSceneStatus  status,
              guint            *n_total)
{
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), NULL);
  guint n = 0;

  if (n_total != NULL)
    *n_total = scenes ? scenes->len : 0;
  if (scenes == NULL)
    return 0;

  for (guint i = 0; i < scenes->len; i++)
    if (heyai_scene_get_status (g_ptr_array_index (scenes, i)) == status)
      n++;

  return n;
}

static HeyaiScene *
scene_at (HeyaiCli     *cli,
          HeyaiProject *project,
          int           position,
          int          *exit_code)
{
  g_autoptr(GError) error = NULL;
  HeyaiScene *scene;
  guint n_total = 0;

  scene = heyai_store_get_scene_at (cli->store, heyai_project_get_id (project), position, &error);
  if (scene == NULL)
    {
      if (error != NULL && !g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND))
        *exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      else
        {
          count_scenes (cli, project, HEYAI_SCENE_STATUS_PENDING, &n_total);
          *exit_code = heyai_cli_fail (HEYAI_EXIT_USAGE, _("The project has no scene %d (it has %u)"),
                                       position, n_total);
        }
    }

  return scene;
}

typedef struct
{
  GMainLoop     *loop;
  HeyaiRevision *revision;
  GError        *error;
  gboolean       done;
} PreviewState;

static void
preview_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PreviewState *state = user_data;

  state->revision = heyai_pipeline_preview_revision_finish (HEYAI_PIPELINE (object), result, &state->error);
  state->done = TRUE;
  g_main_loop_quit (state->loop);
}

/* heyai analyze P --dry-run: the diff of a new draft, nothing changed. */
static int
preview_revision (HeyaiCli     *cli,
                  HeyaiProject *project)
{
  g_autoptr(HeyaiPipeline) pipeline = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *summary = NULL;
  PreviewState state = { 0 };
  HeyaiRevision *revision;
  int exit_code = HEYAI_EXIT_OK;

  pipeline = create_pipeline (cli, NULL, &exit_code);
  if (pipeline == NULL)
    return exit_code;

  {
    HeyaiRunEstimate estimate;

    heyai_pipeline_estimate (pipeline, project, HEYAI_RUN_ANALYZE, 0, &estimate);
    if (estimate.n_jobs[HEYAI_ROLE_LLM] > 0 && (estimate.n_paid > 0 || estimate.cost > 0))
      g_printerr ("%s\n", _("Reading the new draft is one paid script analysis."));
  }

  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  heyai_pipeline_preview_revision_async (pipeline, project, NULL, preview_done_cb, &state);
  if (!state.done)
    g_main_loop_run (loop);

  revision = state.revision;
  if (revision == NULL)
    {
      exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", state.error ? state.error->message : _("The script analysis failed"));
      g_clear_error (&state.error);
      return exit_code;
    }

  for (guint i = 0; i < revision->scenes->len; i++)
    {
      HeyaiRevisionKind kind = g_array_index (revision->kinds, HeyaiRevisionKind, i);
      HeyaiScene *fresh = g_ptr_array_index (revision->fresh_owned, i);
      HeyaiScene *kept = g_ptr_array_index (revision->scenes, i);
      const char *label = kind == HEYAI_REVISION_UNCHANGED ? _("unchanged")
                          : kind == HEYAI_REVISION_CHANGED ? _("changed") : _("new");

      if (kind == HEYAI_REVISION_NEW)
        g_print ("%3u  %-10s %s\n", i + 1, label, heyai_scene_get_title (fresh) ? heyai_scene_get_title (fresh) : "");
      else
        /* TRANSLATORS: "  3  changed    The harbour (was scene 4)" */
        g_print (_("%3u  %-10s %s (was scene %d)\n"), i + 1, label,
                 heyai_scene_get_title (fresh) ? heyai_scene_get_title (fresh) : "",
                 heyai_scene_get_position (kept));
    }
  for (guint i = 0; i < revision->removed->len; i++)
    {
      HeyaiScene *gone = g_ptr_array_index (revision->removed, i);

      g_print (_("  -  %-10s %s (was scene %d)\n"), _("removed"),
               heyai_scene_get_title (gone) ? heyai_scene_get_title (gone) : "",
               heyai_scene_get_position (gone));
    }

  /* The cost of the scenes as the new draft has them. */
  revision->fresh = revision->fresh_owned;
  summary = heyai_pipeline_revision_summary (pipeline, revision);
  g_print ("%s\n", summary);
  heyai_revision_free (revision);
  return HEYAI_EXIT_OK;
}

int
heyai_cli_retry (HeyaiCli  *cli,
                 int        argc,
                 char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(HeyaiScene) scene = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiRunFlags flags;
  int exit_code = HEYAI_EXIT_OK;
  int position;

  context = heyai_cli_context_new ("retry", _("P N"),
                                   _("Tries again the step of scene N that failed: a failed clip is made again "
                                     "from the selected still (no new still), a failed still gets a new take."));
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 3)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project and scene? (heyai retry P N)"));
  position = atoi (argv[2]);
  if (position <= 0)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Scene numbers start at 1"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;
  scene = scene_at (cli, project, position, &exit_code);
  if (scene == NULL)
    return exit_code;

  flags = heyai_pipeline_retry_flags (cli->store, project, scene, &error);
  if (flags == 0)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  return run_pipeline (cli, project, flags, position);
}

int
heyai_cli_analyze (HeyaiCli  *cli,
                   int        argc,
                   char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  int exit_code = HEYAI_EXIT_OK;
  guint n_scenes = 0;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Only show what a new draft changes (unchanged, changed, new, removed scenes) and what making "
         "them costs; change nothing"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("analyze", _("P"),
                                   _("Splits the script into scenes with image and motion prompts. On a project "
                                     "that has scenes, the new scenes are matched to the old ones: unchanged "
                                     "scenes keep their takes and approvals, changed ones keep their older takes "
                                     "(now outdated), removed ones are kept recoverably."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (see “heyai list”)"), &exit_code);
  if (project == NULL)
    return exit_code;

  if (dry_run)
    return preview_revision (cli, project);

  exit_code = run_pipeline (cli, project, HEYAI_RUN_ANALYZE, 0);
  if (exit_code == HEYAI_EXIT_OK)
    {
      count_scenes (cli, project, HEYAI_SCENE_STATUS_PENDING, &n_scenes);
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u scene\n", "%u scenes\n", n_scenes), n_scenes);
    }

  return exit_code;
}

int
heyai_cli_images (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  HeyaiRunFlags flags = HEYAI_RUN_IMAGES;
  int exit_code = HEYAI_EXIT_OK;
  int position = 0;
  GOptionEntry entries[] = {
    { "scene", 0, 0, G_OPTION_ARG_INT, &position,
      N_("Only this scene; if it has a still, make a new take (the old one is kept)"), N_("N") },
    { NULL }
  };

  context = heyai_cli_context_new ("images", _("P"),
                                   _("Makes a still for every scene that has none."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project? (see “heyai list”)"));
  if (position < 0)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Scene numbers start at 1"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;

  if (position > 0)
    {
      g_autoptr(HeyaiScene) scene = scene_at (cli, project, position, &exit_code);

      if (scene == NULL)
        return exit_code;
      if (heyai_scene_get_image_take (scene) > 0)
        flags |= HEYAI_RUN_REGENERATE;
    }
  else
    {
      guint n_total = 0;

      count_scenes (cli, project, HEYAI_SCENE_STATUS_PENDING, &n_total);
      if (n_total == 0)
        return heyai_cli_fail (HEYAI_EXIT_FAILED, _("The project has no scenes yet: run “heyai analyze %s” first"),
                               argv[1]);
    }

  exit_code = run_pipeline (cli, project, flags, position);
  if (exit_code == HEYAI_EXIT_OK)
    {
      guint n_ready = count_scenes (cli, project, HEYAI_SCENE_STATUS_READY, NULL);

      if (n_ready > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%u still is ready for review: approve it with heyai approve %s SCENE… or --all, "
                              "then heyai animate %s\n",
                              "%u stills are ready for review: approve them with heyai approve %s --all, "
                              "then heyai animate %s\n", n_ready),
                 n_ready, argv[1], argv[1]);
    }

  return exit_code;
}

int
heyai_cli_animate (HeyaiCli  *cli,
                   int        argc,
                   char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  HeyaiRunFlags flags = HEYAI_RUN_ANIMATE;
  int exit_code = HEYAI_EXIT_OK;
  int position = 0;
  guint n_approved;
  GOptionEntry entries[] = {
    { "scene", 0, 0, G_OPTION_ARG_INT, &position,
      N_("Only this scene; if it has a clip, make a new take (the old one is kept)"), N_("N") },
    { NULL }
  };

  context = heyai_cli_context_new ("animate", _("P"),
                                   _("Turns every approved still that has no clip yet into a clip."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc != 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Which project? (see “heyai list”)"));
  if (position < 0)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Scene numbers start at 1"));

  project = heyai_cli_load_project (cli, argv[1], &exit_code);
  if (project == NULL)
    return exit_code;

  if (position > 0)
    {
      g_autoptr(HeyaiScene) scene = scene_at (cli, project, position, &exit_code);

      if (scene == NULL)
        return exit_code;
      if (heyai_scene_get_image_take (scene) <= 0)
        return heyai_cli_fail (HEYAI_EXIT_FAILED, _("Scene %d has no still yet: run “heyai images %s --scene %d” first"),
                               position, argv[1], position);
      if (heyai_scene_get_approval (scene) != HEYAI_APPROVAL_APPROVED)
        return heyai_cli_fail (HEYAI_EXIT_FAILED, _("Scene %d is not approved: run “heyai approve %s %d” first"),
                               position, argv[1], position);
      /* A clip from the selected still: a new take only when the current
       * clip is up to date (an outdated one is simply replaced). */
      if (heyai_lineage_clip_is_current (cli->store, project, scene))
        flags |= HEYAI_RUN_REGENERATE;
    }
  else
    {
      g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (cli->store, heyai_project_get_id (project), NULL);

      n_approved = 0;
      for (guint i = 0; scenes != NULL && i < scenes->len; i++)
        if (heyai_scene_get_approval (g_ptr_array_index (scenes, i)) == HEYAI_APPROVAL_APPROVED)
          n_approved++;
      if (n_approved == 0)
        return heyai_cli_fail (HEYAI_EXIT_FAILED,
                               _("No scene is approved yet: approve stills with heyai approve %s --all"), argv[1]);
    }

  return run_pipeline (cli, project, flags, position);
}

int
heyai_cli_run (HeyaiCli  *cli,
               int        argc,
               char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  HeyaiRunFlags flags = HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE;
  gboolean auto_approve = FALSE;
  int exit_code = HEYAI_EXIT_OK;
  guint n_scenes = 0;
  GOptionEntry entries[] = {
    { "auto-approve", 0, 0, G_OPTION_ARG_NONE, &auto_approve,
      N_("Approve every still as it arrives and animate it at once (no review)"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("run", _("P"),
                                   _("Does the whole job: splits the script into scenes (if not done yet), makes "
                                     "the stills, then animates the approved ones. Without --auto-approve it stops "
                                     "after the stills so that you can review them. Run it again after a crash or "
                                     "Ctrl+C: it continues where it stopped."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (see “heyai list”)"), &exit_code);
  if (project == NULL)
    return exit_code;

  count_scenes (cli, project, HEYAI_SCENE_STATUS_PENDING, &n_scenes);
  if (n_scenes == 0)
    flags |= HEYAI_RUN_ANALYZE;
  if (auto_approve)
    flags |= HEYAI_RUN_AUTO_APPROVE;

  exit_code = run_pipeline (cli, project, flags, 0);
  if (exit_code != HEYAI_EXIT_OK)
    return exit_code;

  if (!auto_approve)
    {
      guint n_ready = count_scenes (cli, project, HEYAI_SCENE_STATUS_READY, NULL);

      if (n_ready > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE,
                              "%u still is ready for review: approve it with heyai approve %s --all, "
                              "then heyai animate %s\n",
                              "%u stills are ready for review: approve them with heyai approve %s --all, "
                              "then heyai animate %s\n", n_ready),
                 n_ready, argv[1], argv[1]);
    }
  else
    {
      guint n_clips = count_scenes (cli, project, HEYAI_SCENE_STATUS_CLIP_READY, &n_scenes);
      g_print (g_dngettext (GETTEXT_PACKAGE, "%u of %u scene has a clip\n", "%u of %u scenes have a clip\n",
                            n_scenes),
               n_clips, n_scenes);
    }

  return HEYAI_EXIT_OK;
}

int
heyai_cli_collect (HeyaiCli  *cli,
                   int        argc,
                   char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  int exit_code = HEYAI_EXIT_OK;

  context = heyai_cli_context_new ("collect", _("P"),
                                   _("Collects the stills and clips the services accepted before a cancel or a "
                                     "crash (see “heyai ledger”): waits for them, downloads and stores them. "
                                     "Sends no new request, so it costs nothing."));
  project = heyai_cli_parse_project (cli, context, &argc, &argv, 2,
                                     _("Which project? (see “heyai list”)"), &exit_code);
  if (project == NULL)
    return exit_code;

  return run_pipeline (cli, project, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_COLLECT, 0);
}
