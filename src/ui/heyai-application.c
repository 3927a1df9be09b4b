/* heyai-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <gtksourceview/gtksource.h>

#include "heyai-application.h"
#include "heyai-preferences-window.h"
#include "heyai-spending-window.h"
#include "heyai-sync-controller.h"
#include "heyai-ui-util.h"
#include "heyai-window.h"
#include "heyai-workspace.h"

struct _HeyaiApplication
{
  AdwApplication    parent_instance;

  /* Owned references */
  char             *data_dir;
  HeyaiStore       *store;
  GError           *store_error;
  HeyaiWorkspace    *workspace;     /* store, providers, pipeline, budget (shared with the CLI's design) */
  GSettings        *settings;
  HeyaiThumbnailer *thumbnailer;
  GHashTable       *runs;          /* project id -> RunState */
  gboolean          quitting;      /* no more work starts (not even collecting) */
  gboolean          finish_later;  /* quitting leaves the runs' requests to the next launch */
  guint             watch_id;      /* polls for writes of other processes */
};

typedef struct
{
  HeyaiApplication *app;
  HeyaiProject     *project;
  GCancellable     *cancellable;
  guint             n_active;
} RunState;

enum { RUN_STARTED, RUN_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HeyaiApplication, heyai_application, ADW_TYPE_APPLICATION)

static void
run_state_free (RunState *state)
{
  g_clear_object (&state->project);
  g_clear_object (&state->cancellable);
  g_free (state);
}

/* Actions ---------------------------------------------------------------- */

static void quit_now (HeyaiApplication *self,
                      gboolean          finish_later);

static void
quit_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  gpointer          user_data)
{
  HeyaiApplication *self = user_data;

  if (g_strcmp0 (response, "quit") == 0)
    quit_now (self, TRUE);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  HeyaiApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  if (!heyai_application_has_paid_work (self))
    {
      quit_now (self, FALSE);
      return;
    }

  /* Paid work in flight: what the services accepted stays in the request
   * ledger and is collected when a window opens the library again
   * (heyai_application_resume_interrupted: nothing is paid twice); say how
   * much before leaving. */
  {
    guint n_sending = 0;
    guint n_accepted = heyai_application_count_paid_in_flight (self, &n_sending);
    g_autoptr(GString) body = g_string_new (NULL);

    if (n_accepted > 0)
      g_string_append_printf (body,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u paid request is in flight. It stays in the request ledger and is "
                                           "collected, not paid again, when you open HeyAI Studio again.",
                                           "%u paid requests are in flight. They stay in the request ledger and "
                                           "are collected, not paid again, when you open HeyAI Studio again.",
                                           n_accepted), n_accepted);
    if (n_sending > 0)
      {
        if (body->len > 0)
          g_string_append_c (body, ' ');
        g_string_append_printf (body,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "%u request is being sent and has no answer yet: if the service "
                                             "took it, its scene asks you to check before anything is paid again.",
                                             "%u requests are being sent and have no answer yet: if the service "
                                             "took them, their scenes ask you to check before anything is paid again.",
                                             n_sending), n_sending);
      }
    if (body->len > 0)
      g_string_append_c (body, ' ');
    g_string_append (body, _("Queued work waits for your next batch."));
    dialog = adw_message_dialog_new (parent, _("Quit While Paid Work Runs?"), body->str);
  }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Working"),
                                    "quit", _("_Quit and Finish Later"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
quit_now (HeyaiApplication *self,
          gboolean          finish_later)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Save every editor before leaving; jobs are persisted and resume next time. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (HEYAI_IS_WINDOW (l->data))
      heyai_window_flush (HEYAI_WINDOW (l->data));

  /* Finish later (paid work in flight): the runs are not cancelled.  A
   * cancel would ask the
   * services to drop what they queued (Higgsfield does), and the quit's
   * promise is that accepted requests are collected at the next launch:
   * they stay as they are, like after a kill, in the jobs and the request
   * ledger (heyai_application_resume_interrupted). */
  self->quitting = TRUE;
  self->finish_later = finish_later;
  if (!finish_later)
    heyai_application_cancel_runs (self, NULL);
  g_application_quit (G_APPLICATION (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  HeyaiApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The HeyAI Studio developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("HeyAI Studio"),
                        "application-icon", APP_ID,
                        "developer-name", _("The HeyAI Studio developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Turn a trailer script into an editor-ready set of AI-generated clips."),
                        "website", "https://github.com/heyai/studio",
                        "issue-url", "https://github.com/heyai/studio/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: your name and e-mail, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  HeyaiApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  HeyaiPreferencesWindow *prefs = heyai_preferences_window_new (self);

  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
spending_action (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  heyai_spending_window_present (parent != NULL ? GTK_ROOT (parent) : NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "spending", spending_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static const struct {
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit",           { "<Control>q", NULL } },
  { "app.preferences",    { "<Control>comma", NULL } },
  { "win.new-project",    { "<Control>n", NULL } },
  { "win.open",           { "<Control>o", NULL } },
  { "win.analyze",        { "<Control>Return", "<Control>KP_Enter", NULL } },
  { "win.export",         { "<Control>e", NULL } },
  { "win.back",           { "<Alt>Left", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "window.close",       { "<Control>w", NULL } },
};

/* Store and pipeline ----------------------------------------------------- */

static gboolean
watch_store_cb (gpointer user_data)
{
  HeyaiApplication *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->store != NULL && heyai_store_changed_elsewhere (self->store) &&
      !heyai_store_reload (self->store, NULL, &error))
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
      g_autofree char *text = g_strdup_printf (_("Could not read the changes another program made to the "
                                                 "library: %s"), error->message);

      /* In the window, not only on a terminal: what it shows may be out of
       * date until the next change is read. */
      if (HEYAI_IS_WINDOW (window))
        heyai_window_error (HEYAI_WINDOW (window), text);
      else
        g_message ("%s", text);
    }
  return G_SOURCE_CONTINUE;
}

static void
open_store (HeyaiApplication *self)
{
  g_autofree char *db_path = NULL;

  if (self->store != NULL || self->store_error != NULL)
    return;

  db_path = g_build_filename (self->data_dir, "heyai.db", NULL);
  self->store = heyai_store_new (db_path, &self->store_error);
  if (self->store != NULL)
    {
      /* `heyai bible`, `heyai cancel`... in a terminal while the window is
       * open: their commits refresh the window's objects (and the pages that
       * follow the store's signals).  One PRAGMA a second. */
      heyai_store_changed_elsewhere (self->store);
      self->watch_id = g_timeout_add_seconds (1, watch_store_cb, self);
    }
}

HeyaiPipeline *
heyai_application_get_pipeline (HeyaiApplication  *self,
                                GError           **error)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);

  if (self->store == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE, "%s",
                   self->store_error ? self->store_error->message : _("The project library is not open."));
      return NULL;
    }

  /* The settings reach the providers as values (no environment variables
   * set in this multi-threaded process); changes made during a batch apply
   * to the next one. */
  if (self->workspace == NULL)
    self->workspace = heyai_workspace_new (self->store, self->data_dir, self->settings);
  return heyai_workspace_get_pipeline (self->workspace, error);
}

struct _HeyaiWorkspace *
heyai_application_get_workspace (HeyaiApplication *self)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);

  if (self->store == NULL)
    return NULL;
  if (self->workspace == NULL)
    self->workspace = heyai_workspace_new (self->store, self->data_dir, self->settings);
  return self->workspace;
}

void
heyai_application_reload_providers (HeyaiApplication *self)
{
  g_return_if_fail (HEYAI_IS_APPLICATION (self));

  if (self->workspace != NULL)
    heyai_workspace_reload_providers (self->workspace);
}

/* Runs ------------------------------------------------------------------- */

typedef struct
{
  HeyaiApplication *app;
  char             *project_id;
  HeyaiRunFlags     flags;
} RunCall;

static void
notify_finished (HeyaiApplication *self,
                 HeyaiProject     *project,
                 const HeyaiRunSummary *summary,
                 const char       *error_message)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  g_autofree char *cost = heyai_ui_format_cost (summary->cost);

  if (active != NULL && gtk_window_is_active (active) && gtk_widget_get_visible (GTK_WIDGET (active)))
    return;

  if (error_message != NULL)
    {
      notification = g_notification_new (_("A batch needs your attention"));
      body = g_strdup_printf (_("%s: %s"), heyai_project_get_title (project), error_message);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
    }
  else
    {
      notification = g_notification_new (_("Batch finished"));
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s: %u job done (%s).",
                                           "%s: %u jobs done (%s).", summary->n_done),
                              heyai_project_get_title (project), summary->n_done, cost);
    }
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.activate-project", "s",
                                                 heyai_project_get_id (project));
  g_application_send_notification (G_APPLICATION (self), "batch-finished", notification);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunCall *call = user_data;
  g_autoptr(HeyaiApplication) self = call->app;
  g_autofree char *project_id = call->project_id;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiRunSummary summary = { 0 };
  RunState *state;
  const char *message = NULL;
  HeyaiRunFlags flags = call->flags;
  gboolean last = FALSE;

  g_free (call);

  heyai_pipeline_run_finish (HEYAI_PIPELINE (source), result, &summary, &error);

  state = g_hash_table_lookup (self->runs, project_id);
  if (state != NULL)
    {
      project = g_object_ref (state->project);
      if (--state->n_active == 0)
        {
          g_hash_table_remove (self->runs, project_id);
          last = TRUE;
        }
    }

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CANCELLED))
    message = error->message;

  if (project != NULL)
    {
      g_signal_emit (self, signals[RUN_FINISHED], 0, project,
                     summary.n_done, summary.n_failed, summary.cost, message);
      notify_finished (self, project, &summary, message);
    }

  /* Cancel means "stop asking", not "forget": what the services accepted
   * before the cancel is collected while the window is open (paying
   * nothing new; cancelling that too leaves it for the next batch). */
  if (project != NULL && last && !self->quitting && !(flags & HEYAI_RUN_COLLECT) &&
      (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
       g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CANCELLED)) &&
      self->store != NULL)
    {
      g_autoptr(HeyaiProject) alive = heyai_store_find_project (self->store, project_id, NULL);
      g_autoptr(GPtrArray) requests = heyai_store_list_requests (self->store, project_id, NULL);
      gboolean open = FALSE;   /* something a collect run can fetch (an LLM call never) */

      for (guint i = 0; requests != NULL && i < requests->len && !open; i++)
        open = heyai_pipeline_request_is_collectable (g_ptr_array_index (requests, i));
      if (alive != NULL && open)
        heyai_application_start_run (self, alive, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_COLLECT, 0);
    }

  g_application_release (G_APPLICATION (self));
}

void
heyai_application_start_run (HeyaiApplication *self,
                             HeyaiProject     *project,
                             HeyaiRunFlags     flags,
                             int               scene_position)
{
  g_autoptr(GError) error = NULL;
  HeyaiPipeline *pipeline;
  RunState *state;
  RunCall *call;

  g_return_if_fail (HEYAI_IS_APPLICATION (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));

  pipeline = heyai_application_get_pipeline (self, &error);
  if (pipeline != NULL)
    {
      /* The monthly budget: a batch over what is left starts nothing. */
      HeyaiRunEstimate estimate = { { 0 }, 0.0 };

      heyai_pipeline_estimate (pipeline, project, flags, scene_position, &estimate);
      if (!heyai_workspace_check_budget (self->workspace, &estimate, &error))
        pipeline = NULL;
    }
  if (pipeline == NULL)
    {
      HeyaiRunSummary summary = { 0 };

      g_signal_emit (self, signals[RUN_FINISHED], 0, project, 0u, 0u, 0.0, error->message);
      notify_finished (self, project, &summary, error->message);
      return;
    }

  state = g_hash_table_lookup (self->runs, heyai_project_get_id (project));
  if (state == NULL)
    {
      state = g_new0 (RunState, 1);
      state->app = self;
      state->project = g_object_ref (project);
      state->cancellable = g_cancellable_new ();
      g_hash_table_insert (self->runs, g_strdup (heyai_project_get_id (project)), state);
    }
  state->n_active++;

  /* Keep running when the window is closed, until the run ends. */
  g_application_hold (G_APPLICATION (self));

  call = g_new0 (RunCall, 1);
  call->app = g_object_ref (self);
  call->project_id = g_strdup (heyai_project_get_id (project));
  call->flags = flags;

  g_signal_emit (self, signals[RUN_STARTED], 0, project);
  heyai_pipeline_run_async (pipeline, project, flags, scene_position, state->cancellable,
                            run_done_cb, call);
}

/* Jobs a quit or a crash interrupted after the service accepted them (they
 * hold a remote id, or their file was being stored; or the ledger holds an
 * accepted request the quit left open) resume polling at once
 * when a window opens the library: free (a collect run submits nothing new),
 * and their scenes show as running.  Returns the projects resumed. */
guint
heyai_application_resume_interrupted (HeyaiApplication *self)
{
  g_autoptr(GPtrArray) projects = NULL;
  guint n = 0;

  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), 0);

  if (self->store == NULL || self->quitting)
    return 0;
  projects = heyai_store_list_projects (self->store, NULL);
  for (guint i = 0; projects != NULL && i < projects->len; i++)
    {
      HeyaiProject *project = g_ptr_array_index (projects, i);
      g_autoptr(GPtrArray) jobs = NULL;
      gboolean accepted = FALSE;

      if (heyai_application_is_running (self, project))
        continue;
      jobs = heyai_store_list_jobs (self->store, heyai_project_get_id (project), TRUE, NULL);
      for (guint j = 0; jobs != NULL && j < jobs->len && !accepted; j++)
        {
          HeyaiJob *job = g_ptr_array_index (jobs, j);

          accepted = (heyai_job_get_remote_id (job) != NULL && *heyai_job_get_remote_id (job) != '\0') ||
                     heyai_job_get_state (job) == HEYAI_JOB_STATE_UPLOADING;
        }
      if (!accepted)
        {
          /* "Quit and Finish Later" cancels the jobs but leaves what the
           * services accepted open in the request ledger: collect it. */
          g_autoptr(GPtrArray) requests = heyai_store_list_requests (self->store, heyai_project_get_id (project),
                                                                     NULL);

          for (guint r = 0; requests != NULL && r < requests->len && !accepted; r++)
            accepted = heyai_pipeline_request_is_collectable (g_ptr_array_index (requests, r));
        }
      if (!accepted)
        continue;
      heyai_application_start_run (self, project, HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE | HEYAI_RUN_COLLECT, 0);
      n++;
    }
  return n;
}

/* Whether a run has paid work in flight (a job priced above 0 or accepted
 * by its service): quitting then asks first. */
gboolean
heyai_application_has_paid_work (HeyaiApplication *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), FALSE);

  if (self->store == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RunState *state = value;
      g_autoptr(GPtrArray) jobs = heyai_store_list_jobs (self->store, heyai_project_get_id (state->project),
                                                         TRUE, NULL);

      for (guint j = 0; jobs != NULL && j < jobs->len; j++)
        {
          HeyaiJob *job = g_ptr_array_index (jobs, j);

          if (heyai_job_get_cost (job) > 0 || heyai_job_get_remote_id (job) != NULL)
            return TRUE;
        }
    }
  return FALSE;
}

guint
heyai_application_count_paid_in_flight (HeyaiApplication *self,
                                        guint            *n_sending)
{
  GHashTableIter iter;
  gpointer value;
  guint n_accepted = 0;

  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), 0);

  if (n_sending != NULL)
    *n_sending = 0;
  if (self->store == NULL)
    return 0;
  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RunState *state = value;
      g_autoptr(GPtrArray) requests = heyai_store_list_requests (self->store, heyai_project_get_id (state->project),
                                                                 NULL);

      for (guint i = 0; requests != NULL && i < requests->len; i++)
        {
          HeyaiRequest *request = g_ptr_array_index (requests, i);

          if (!heyai_request_state_is_open (request->state) ||
              (request->estimated_cost <= 0 && request->cost <= 0))
            continue;
          if (request->remote_id != NULL || request->state == HEYAI_REQUEST_SUCCEEDED)
            n_accepted++;
          else if (n_sending != NULL)
            (*n_sending)++;
        }
    }
  return n_accepted;
}

gboolean
heyai_application_is_running (HeyaiApplication *self,
                              HeyaiProject     *project)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), FALSE);

  if (project == NULL)
    return g_hash_table_size (self->runs) > 0;
  return g_hash_table_contains (self->runs, heyai_project_get_id (project));
}

guint
heyai_application_get_n_runs (HeyaiApplication *self)
{
  GHashTableIter iter;
  RunState *state;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    n += state->n_active;
  return n;
}

void
heyai_application_cancel_runs (HeyaiApplication *self,
                               HeyaiProject     *project)
{
  GHashTableIter iter;
  RunState *state;

  g_return_if_fail (HEYAI_IS_APPLICATION (self));

  g_hash_table_iter_init (&iter, self->runs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    if (project == NULL || g_strcmp0 (heyai_project_get_id (project), heyai_project_get_id (state->project)) == 0)
      g_cancellable_cancel (state->cancellable);

  if (project != NULL && self->store != NULL)
    heyai_pipeline_cancel_project (self->store, project, NULL);
}

HeyaiProject *
heyai_application_create_project (HeyaiApplication  *self,
                                  const char        *title,
                                  const char        *script,
                                  const char        *style,
                                  HeyaiAspect        aspect,
                                  GError           **error)
{
  g_autoptr(HeyaiProject) project = NULL;
  g_autofree char *guessed = NULL;

  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);

  if (self->store == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE, "%s",
                   self->store_error ? self->store_error->message : _("The project library is not open."));
      return NULL;
    }

  if (title == NULL || *title == '\0')
    title = guessed = heyai_ui_guess_title (script, NULL);

  project = heyai_project_new ();
  heyai_project_set_title (project, title);
  heyai_project_set_script (project, script ? script : "");
  heyai_project_set_style (project, style ? style : "");
  heyai_project_set_aspect (project, aspect);
  heyai_project_set_status (project, HEYAI_PROJECT_STATUS_DRAFT);
  if (!heyai_store_insert_project (self->store, project, error))
    return NULL;
  return g_steal_pointer (&project);
}

void
heyai_application_keep_import (HeyaiApplication        *self,
                               HeyaiProject            *project,
                               const HeyaiScriptImport *import)
{
  g_autofree char *root = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (HEYAI_IS_APPLICATION (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));

  if (import == NULL)
    return;
  root = heyai_local_root (heyai_application_get_data_dir (self));
  folder = heyai_project_dir (root, project, "");
  if (!heyai_script_import_save_beside (import, folder, &error))
    g_warning ("Could not keep the imported script beside the project: %s", error->message);
}

/* GApplication ------------------------------------------------------------ */

static HeyaiWindow *
get_or_create_window (HeyaiApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (HEYAI_IS_WINDOW (window))
    return HEYAI_WINDOW (window);
  return heyai_window_new (self);
}

static void
activate_project_action (GSimpleAction *action,
                         GVariant      *param,
                         gpointer       user_data)
{
  HeyaiApplication *self = user_data;
  HeyaiWindow *window = get_or_create_window (self);
  g_autoptr(HeyaiProject) project = NULL;

  if (self->store != NULL)
    project = heyai_store_find_project (self->store, g_variant_get_string (param, NULL), NULL);
  if (project != NULL)
    heyai_window_open_project (window, project);
  gtk_window_present (GTK_WINDOW (window));
}

static void
heyai_application_startup (GApplication *application)
{
  HeyaiApplication *self = HEYAI_APPLICATION (application);
  GtkSourceLanguageManager *lm;
  GtkSourceStyleSchemeManager *sm;
  g_autofree char *installed_lang = NULL;
  g_autofree char *installed_styles = NULL;
  GSimpleAction *activate_project;

  G_APPLICATION_CLASS (heyai_application_parent_class)->startup (application);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  activate_project = g_simple_action_new ("activate-project", G_VARIANT_TYPE_STRING);
  g_signal_connect (activate_project, "activate", G_CALLBACK (activate_project_action), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (activate_project));
  g_object_unref (activate_project);

  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), app_accels[i].action,
                                           app_accels[i].accels);

  /* The Fountain language and our style schemes: the source tree first (running
   * from the build dir), then the installed copies. */
  gtk_source_init ();
  lm = gtk_source_language_manager_get_default ();
  sm = gtk_source_style_scheme_manager_get_default ();
  installed_lang = g_build_filename (PKGDATADIR, "language-specs", NULL);
  installed_styles = g_build_filename (PKGDATADIR, "styles", NULL);
  gtk_source_language_manager_append_search_path (lm, SOURCE_DATADIR);
  gtk_source_language_manager_append_search_path (lm, installed_lang);
  gtk_source_style_scheme_manager_append_search_path (sm, SOURCE_DATADIR "/styles");
  gtk_source_style_scheme_manager_append_search_path (sm, installed_styles);

  open_store (self);
  heyai_sync_controller_install (self);
}

static void
heyai_application_activate (GApplication *application)
{
  HeyaiApplication *self = HEYAI_APPLICATION (application);

  gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
}

static void
heyai_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  HeyaiApplication *self = HEYAI_APPLICATION (application);
  HeyaiWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < n_files; i++)
    heyai_window_new_project_from_file (window, files[i]);
}

static void
heyai_application_shutdown (GApplication *application)
{
  HeyaiApplication *self = HEYAI_APPLICATION (application);

  self->quitting = TRUE;
  if (!self->finish_later)
    heyai_application_cancel_runs (self, NULL);

  G_APPLICATION_CLASS (heyai_application_parent_class)->shutdown (application);
}

static void
heyai_application_dispose (GObject *object)
{
  HeyaiApplication *self = HEYAI_APPLICATION (object);

  g_clear_handle_id (&self->watch_id, g_source_remove);
  g_clear_pointer (&self->runs, g_hash_table_unref);
  g_clear_object (&self->workspace);
  g_clear_object (&self->store);
  g_clear_object (&self->thumbnailer);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (heyai_application_parent_class)->dispose (object);
}

static void
heyai_application_finalize (GObject *object)
{
  HeyaiApplication *self = HEYAI_APPLICATION (object);

  g_clear_error (&self->store_error);
  g_free (self->data_dir);

  G_OBJECT_CLASS (heyai_application_parent_class)->finalize (object);
}

static void
heyai_application_class_init (HeyaiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = heyai_application_dispose;
  object_class->finalize = heyai_application_finalize;
  app_class->startup = heyai_application_startup;
  app_class->activate = heyai_application_activate;
  app_class->open = heyai_application_open;
  app_class->shutdown = heyai_application_shutdown;

  signals[RUN_STARTED] =
    g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, HEYAI_TYPE_PROJECT);
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 5, HEYAI_TYPE_PROJECT,
                  G_TYPE_UINT, G_TYPE_UINT, G_TYPE_DOUBLE, G_TYPE_STRING);
}

static void
heyai_application_init (HeyaiApplication *self)
{
  self->data_dir = heyai_default_data_dir ();
  self->settings = g_settings_new (APP_ID);
  self->thumbnailer = heyai_thumbnailer_new (600);
  self->runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) run_state_free);
}

HeyaiApplication *
heyai_application_new (void)
{
  return g_object_new (HEYAI_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/heyai/Studio",
                       NULL);
}

HeyaiStore *
heyai_application_get_store (HeyaiApplication *self)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);
  return self->store;
}

const GError *
heyai_application_get_store_error (HeyaiApplication *self)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);
  return self->store_error;
}

const char *
heyai_application_get_data_dir (HeyaiApplication *self)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);
  return self->data_dir;
}

GSettings *
heyai_application_get_settings (HeyaiApplication *self)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);
  return self->settings;
}

HeyaiThumbnailer *
heyai_application_get_thumbnailer (HeyaiApplication *self)
{
  g_return_val_if_fail (HEYAI_IS_APPLICATION (self), NULL);
  return self->thumbnailer;
}

static void
take_imported_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;
  HeyaiAssetKind kind = HEYAI_ASSET_KIND_IMAGE;
  int take = 0;

  if (!heyai_pipeline_import_take_finish (HEYAI_STORE (source), result, &kind, &take, &error))
    {
      heyai_ui_error (widget, error->message);
      return;
    }
  msg = g_strdup_printf (kind == HEYAI_ASSET_KIND_IMAGE ? _("Your still is take %d of this scene.")
                                                        : _("Your clip is take %d of this scene."),
                         take);
  heyai_ui_toast (widget, msg);
}

void
heyai_application_import_take (HeyaiApplication *self,
                               HeyaiScene       *scene,
                               GFile            *file,
                               GtkWidget        *widget)
{
  g_autoptr(HeyaiProject) project = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (HEYAI_IS_APPLICATION (self));
  g_return_if_fail (HEYAI_IS_SCENE (scene));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (self->store == NULL)
    {
      heyai_ui_toast (widget, self->store_error ? self->store_error->message : _("The project library is not open."));
      return;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      heyai_ui_toast (widget, _("Only files on this computer can be added as takes."));
      return;
    }
  project = heyai_store_find_project (self->store, heyai_scene_get_project_id (scene), NULL);
  if (project == NULL)
    return;
  heyai_pipeline_import_take_async (self->store, self->data_dir, project, scene, path, NULL,
                                    take_imported_cb, g_object_ref (widget));
}

GtkFileFilter *
heyai_application_take_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Stills and clips"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_filter_add_mime_type (filter, "video/*");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "jpg");
  gtk_file_filter_add_suffix (filter, "jpeg");
  gtk_file_filter_add_suffix (filter, "webp");
  gtk_file_filter_add_suffix (filter, "mp4");
  gtk_file_filter_add_suffix (filter, "mov");
  gtk_file_filter_add_suffix (filter, "webm");
  gtk_file_filter_add_suffix (filter, "mkv");
  return filter;
}
