/* heyai-project-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-application.h"
#include "heyai-bible-page.h"
#include "heyai-cost-summary.h"
#include "heyai-delivery.h"
#include "heyai-script-import.h"
#include "heyai-progress-pie.h"
#include "heyai-project-view.h"
#include "heyai-spending-window.h"
#include "heyai-ui-util.h"

struct _HeyaiProjectView
{
  GtkWidget             parent_instance;

  /* Template widgets */
  GtkWidget            *toolbar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack         *view_stack;
  GtkStack             *run_stack;
  AdwSplitButton       *run_button;
  AdwSplitButton       *run_button_narrow;
  GtkMenuButton        *busy_button;
  GtkLabel             *progress_label;
  HeyaiProgressPie     *busy_pie;
  GtkProgressBar       *progress_bar;
  GtkListBox           *jobs_list;
  GtkLabel             *cost_label;
  HeyaiScriptPage      *script_page;
  HeyaiStoryboardPage  *storyboard_page;
  HeyaiClipsPage       *clips_page;
  HeyaiExportPage      *export_page;
  HeyaiBiblePage       *bible_page;

  /* Owned references */
  HeyaiProject         *project;
  HeyaiPipeline        *pipeline;
  GListStore           *jobs;
  GHashTable           *toasted;      /* job ids already reported */
  GHashTable           *job_ids;      /* ids of the jobs in `jobs` */
  HeyaiRunFlags         primary_flags;  /* 0: the next step is reviewing, not a run */
  gboolean              run_next_enabled;
  guint                 primary_id;
  HeyaiRunFlags         last_run_flags;
  gboolean              analyzing;    /* an analysis started here is running */
};

G_DEFINE_FINAL_TYPE (HeyaiProjectView, heyai_project_view, GTK_TYPE_WIDGET)

static HeyaiApplication *
get_app (void)
{
  return HEYAI_APPLICATION_DEFAULT;
}

static HeyaiStore *
get_store (void)
{
  return heyai_application_get_store (get_app ());
}

/* Run button ------------------------------------------------------------- */

/* The project's scenes, or NULL after telling the producer why they could
 * not be read.  A failed read never counts as "no scenes": that would
 * analyze the script again and replace the storyboard. */
static GPtrArray *
read_scenes (HeyaiProjectView *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *scenes = heyai_store_list_scenes (get_store (), heyai_project_get_id (self->project), &error);

  if (scenes == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not read the scenes of this project, so nothing was started: %s"),
                                              error != NULL ? error->message : _("Unknown error."));
      heyai_ui_toast (GTK_WIDGET (self), msg);
    }
  return scenes;
}

static void
set_next_step (HeyaiProjectView *self,
               HeyaiRunFlags     flags,
               const char       *label,
               const char       *tooltip,
               gboolean          enabled)
{
  self->primary_flags = flags;
  self->run_next_enabled = enabled;
  adw_split_button_set_label (self->run_button, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button), tooltip);
  /* The icon-only button of narrow windows says the step in its tooltip and name. */
  {
    g_autofree char *both = g_strdup_printf ("%s: %s", label, tooltip);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button_narrow), both);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->run_button_narrow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    label, -1);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.run-next", enabled);
}

/* The run button names the next real step (and what it will do in its
 * tooltip); when there is none it is insensitive and the tooltip says why. */
static void
update_primary (HeyaiProjectView *self)
{
  /* The storyboard's model holds the project's scenes (the store's own
   * objects, so approvals and takes are current): no database read here. */
  GListModel *scenes = heyai_storyboard_page_get_model (self->storyboard_page);
  guint n_scenes = g_list_model_get_n_items (scenes);
  g_autofree char *tip = NULL;
  guint n_without_still = 0, n_approved_without_clip = 0, n_to_review = 0, n_approved = 0;

  g_clear_handle_id (&self->primary_id, g_source_remove);
  if (self->project == NULL || get_store () == NULL)
    return;

  for (guint i = 0; i < n_scenes; i++)
    {
      g_autoptr(HeyaiScene) scene = g_list_model_get_item (scenes, i);
      HeyaiApproval approval = heyai_scene_get_approval (scene);

      if (approval == HEYAI_APPROVAL_APPROVED)
        n_approved++;
      if (heyai_scene_get_image_take (scene) <= 0)
        n_without_still++;
      else if (approval == HEYAI_APPROVAL_APPROVED && heyai_scene_get_clip_take (scene) <= 0)
        n_approved_without_clip++;
      else if (approval == HEYAI_APPROVAL_PENDING)
        n_to_review++;
    }
  heyai_storyboard_page_update_review (self->storyboard_page, n_to_review);

  if (n_scenes == 0)
    {
      g_autofree char *script = g_strstrip (g_strdup (heyai_project_get_script (self->project) ?
                                                       heyai_project_get_script (self->project) : ""));

      if (*script == '\0')
        set_next_step (self, HEYAI_RUN_ALL, _("Run Everything"),
                       _("Write or paste a script first: there is nothing to run yet."), FALSE);
      else
        set_next_step (self, HEYAI_RUN_ALL, _("Run Everything"),
                       _("Split the script into scenes and make a still for each; you review the stills "
                         "before any clip is made."), TRUE);
    }
  else if (n_without_still > 0)
    {
      tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Make a still for the %u scene without one",
                                          "Make a still for the %u scenes without one", n_without_still),
                             n_without_still);
      set_next_step (self, HEYAI_RUN_IMAGES, _("Generate Stills"), tip, TRUE);
    }
  else if (n_approved_without_clip > 0)
    {
      tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Make a clip for the %u approved scene",
                                          "Make a clip for the %u approved scenes", n_approved_without_clip),
                             n_approved_without_clip);
      set_next_step (self, HEYAI_RUN_ANIMATE, _("Animate Approved"), tip, TRUE);
    }
  else if (n_to_review > 0)
    {
      /* Nothing to run until she approves stills: the button takes her to them. */
      tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Approve the still you want animated (%u to review on the Storyboard)",
                                          "Approve the stills you want animated (%u to review on the Storyboard)",
                                          n_to_review), n_to_review);
      set_next_step (self, 0, _("Review Stills"), tip, TRUE);
    }
  else if (n_approved == 0)
    set_next_step (self, 0, _("Nothing to Animate"),
                   _("Every still was rejected. Regenerate scenes on the Storyboard, then approve them."), FALSE);
  else
    set_next_step (self, 0, _("All Done"),
                   _("Every approved scene has a clip. Export the project, or regenerate a scene on the Storyboard."),
                   FALSE);
}

static gboolean
update_primary_cb (gpointer user_data)
{
  HeyaiProjectView *self = user_data;

  self->primary_id = 0;
  if (self->project != NULL && !heyai_application_is_running (get_app (), self->project))
    {
      /* Scenes added or removed reach the storyboard's model first. */
      heyai_storyboard_page_reload (self->storyboard_page);
      update_primary (self);
    }
  return G_SOURCE_REMOVE;
}

/* The storyboard reads a big project's first screenful before the rest:
 * the run button counts again when the rest arrives. */
static void
storyboard_items_changed_cb (HeyaiProjectView *self)
{
  if (self->project != NULL && !heyai_application_is_running (get_app (), self->project))
    update_primary (self);
}

static void
store_scenes_changed_cb (HeyaiProjectView *self,
                         const char       *project_id,
                         HeyaiStore       *store)
{
  if (self->project == NULL || g_strcmp0 (project_id, heyai_project_get_id (self->project)) != 0)
    return;
  if (self->primary_id == 0)
    self->primary_id = g_timeout_add (200, update_primary_cb, self);
}

static void
update_running (HeyaiProjectView *self)
{
  gboolean running = self->project != NULL && heyai_application_is_running (get_app (), self->project);

  gtk_stack_set_visible_child_name (self->run_stack, running ? "busy" : "idle");
  /* The batch's progress is a pie that changes only when a job ends, not a
   * spinner: see heyai-progress-pie.h. */
  if (!running)
    heyai_progress_pie_set_fraction (self->busy_pie, 0.0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.analyze", !running);
  if (!running)
    update_primary (self);
}

static void
update_cost (HeyaiProjectView *self)
{
  double spent = 0.0;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  g_autofree char *cost = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(HeyaiJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
      if (heyai_job_get_state (job) == HEYAI_JOB_STATE_DONE)
        spent += heyai_job_get_cost (job);
    }
  cost = heyai_ui_format_cost (spent);
  /* Translators: the running cost of a batch, "$1.20" or "free" */
  text = g_strdup_printf (_("Cost so far: %s"), cost);
  gtk_label_set_label (self->cost_label, text);
}

static int
scene_position_of_job (HeyaiJob *job)
{
  g_autoptr(HeyaiScene) scene = NULL;

  if (heyai_job_get_scene_id (job) == NULL || get_store () == NULL)
    return 0;
  scene = heyai_store_get_scene (get_store (), heyai_job_get_scene_id (job), NULL);
  return scene ? heyai_scene_get_position (scene) : 0;
}

static void
job_row_update (GtkWidget *row)
{
  HeyaiJob *job = g_object_get_data (G_OBJECT (row), "job");
  GtkLabel *state = g_object_get_data (G_OBJECT (row), "state");
  GtkProgressBar *bar = g_object_get_data (G_OBJECT (row), "bar");
  GtkWidget *cancel = g_object_get_data (G_OBJECT (row), "cancel");
  HeyaiJobState st = heyai_job_get_state (job);

  gtk_label_set_label (state, heyai_ui_job_state_label (st));
  gtk_progress_bar_set_fraction (bar, st == HEYAI_JOB_STATE_DONE ? 1.0 : heyai_job_get_progress (job));
  gtk_widget_set_visible (cancel, !heyai_job_state_is_final (st));
  if (st == HEYAI_JOB_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (state), "error");
}

static void
cancel_job_cb (GtkButton *button,
               HeyaiJob  *job)
{
  g_autoptr(GError) error = NULL;
  HeyaiPipeline *pipeline;

  if (heyai_job_state_is_final (heyai_job_get_state (job)))
    return;
  /* The pipeline is the one writer of job state: ask it. */
  pipeline = heyai_application_get_pipeline (get_app (), &error);
  if (pipeline == NULL || !heyai_pipeline_cancel_job (pipeline, job, &error))
    heyai_ui_error (GTK_WIDGET (button), error->message);
}

static GtkWidget *
create_job_row (gpointer item,
                gpointer user_data)
{
  HeyaiJob *job = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title, *state, *bar, *cancel;
  g_autofree char *text = NULL;
  int position = scene_position_of_job (job);

  if (position > 0)
    /* Translators: "Scene 3 · Still" */
    text = g_strdup_printf (_("Scene %d · %s"), position, heyai_ui_job_kind_label (heyai_job_get_kind (job)));
  else
    text = g_strdup (heyai_ui_job_kind_label (heyai_job_get_kind (job)));

  title = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  state = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (state), 0);
  gtk_widget_add_css_class (state, "caption");
  gtk_widget_add_css_class (state, "dim-label");
  bar = gtk_progress_bar_new ();
  gtk_widget_set_size_request (bar, 220, -1);
  cancel = gtk_button_new_from_icon_name ("process-stop-symbolic");
  gtk_widget_set_valign (cancel, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (cancel, "flat");
  gtk_widget_add_css_class (cancel, "circular");
  gtk_widget_set_tooltip_text (cancel, _("Cancel This Job"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (cancel), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cancel This Job"), -1);
  g_signal_connect_object (cancel, "clicked", G_CALLBACK (cancel_job_cb), job, 0);

  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), state);
  gtk_box_append (GTK_BOX (labels), bar);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), cancel);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  g_object_set_data_full (G_OBJECT (row), "job", g_object_ref (job), g_object_unref);
  g_object_set_data (G_OBJECT (row), "state", state);
  g_object_set_data (G_OBJECT (row), "bar", bar);
  g_object_set_data (G_OBJECT (row), "cancel", cancel);
  job_row_update (row);
  g_signal_connect_object (job, "notify::state", G_CALLBACK (job_row_update), row, G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::progress", G_CALLBACK (job_row_update), row, G_CONNECT_SWAPPED);
  return row;
}

static void
pipeline_job_changed_cb (HeyaiProjectView *self,
                         HeyaiJob         *job,
                         HeyaiPipeline    *pipeline)
{
  if (self->project == NULL ||
      g_strcmp0 (heyai_job_get_project_id (job), heyai_project_get_id (self->project)) != 0)
    return;

  if (!g_hash_table_contains (self->job_ids, heyai_job_get_id (job)))
    {
      g_hash_table_add (self->job_ids, g_strdup (heyai_job_get_id (job)));
      g_list_store_append (self->jobs, job);
    }

  /* A failed analysis is reported once, by run_finished_cb, which knows
   * whether it left the project without scenes. */
  if (heyai_job_get_state (job) == HEYAI_JOB_STATE_FAILED &&
      heyai_job_get_kind (job) != HEYAI_JOB_KIND_ANALYZE &&
      !g_hash_table_contains (self->toasted, heyai_job_get_id (job)))
    {
      int scene = scene_position_of_job (job);
      const char *why = heyai_job_get_last_error (job);
      g_autofree char *msg = NULL;

      g_hash_table_add (self->toasted, g_strdup (heyai_job_get_id (job)));
      if (why == NULL || *why == '\0')
        why = _("The service gave no reason. Try again.");
      if (scene > 0 && !g_str_has_prefix (why, "Scene "))
        /* Translators: "Scene 3: <why it failed>" */
        msg = g_strdup_printf (_("Scene %d: %s"), scene, why);
      else
        msg = g_strdup (why);
      heyai_ui_error (GTK_WIDGET (self), msg);
    }
  update_cost (self);
}

static void
pipeline_progress_cb (HeyaiProjectView *self,
                      guint             done,
                      guint             total,
                      HeyaiPipeline    *pipeline)
{
  g_autofree char *text = NULL;

  if (total == 0)
    return;
  /* Translators: jobs done of the batch, "3/12" */
  text = g_strdup_printf (_("%u/%u"), done, total);
  gtk_label_set_label (self->progress_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  heyai_progress_pie_set_fraction (self->busy_pie, (double) done / total);
}

/* Job rows exist only while the popover is open: a batch of hundreds of jobs
 * costs nothing until someone looks. */
static void
jobs_popover_show_cb (HeyaiProjectView *self)
{
  gtk_list_box_bind_model (self->jobs_list, G_LIST_MODEL (self->jobs), create_job_row, self, NULL);
}

static void
jobs_popover_closed_cb (HeyaiProjectView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self->busy_button));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (self->busy_button));

  /* Closed with the keyboard inside (Escape after tabbing to a job's Cancel):
   * the focus goes back to the button before the rows it sat on go, not to
   * what is left of the hidden popover. */
  if (focus == NULL || (popover != NULL && gtk_widget_is_ancestor (focus, popover)))
    gtk_widget_grab_focus (GTK_WIDGET (self->busy_button));
  gtk_list_box_bind_model (self->jobs_list, NULL, NULL, NULL, NULL);
}

static void
follow_pipeline (HeyaiProjectView *self)
{
  HeyaiPipeline *pipeline = heyai_application_get_pipeline (get_app (), NULL);

  if (pipeline == self->pipeline)
    return;
  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  g_set_object (&self->pipeline, pipeline);
  if (pipeline != NULL)
    {
      g_signal_connect_object (pipeline, "job-changed", G_CALLBACK (pipeline_job_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (pipeline, "progress", G_CALLBACK (pipeline_progress_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
run_started_cb (HeyaiProjectView *self,
                HeyaiProject     *project,
                HeyaiApplication *app)
{
  if (project != self->project)
    return;
  follow_pipeline (self);
  g_list_store_remove_all (self->jobs);
  g_hash_table_remove_all (self->job_ids);
  gtk_label_set_label (self->progress_label, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  update_cost (self);
  update_running (self);
}

static guint
count_to_review (HeyaiProjectView *self)
{
  g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (get_store (), heyai_project_get_id (self->project), NULL);
  guint n = 0;

  for (guint i = 0; scenes != NULL && i < scenes->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (scenes, i);

      if (heyai_scene_get_image_take (scene) > 0 && heyai_scene_get_approval (scene) == HEYAI_APPROVAL_PENDING)
        n++;
    }
  return n;
}

static void
run_finished_cb (HeyaiProjectView *self,
                 HeyaiProject     *project,
                 guint             n_done,
                 guint             n_failed,
                 double            cost,
                 const char       *error_message,
                 HeyaiApplication *app)
{
  gboolean was_analyzing = self->analyzing;
  HeyaiRunFlags flags = self->last_run_flags;
  guint n_cancelled = 0;

  if (project != self->project)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i++)
    {
      g_autoptr(HeyaiJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);

      if (heyai_job_get_state (job) == HEYAI_JOB_STATE_CANCELLED)
        n_cancelled++;
    }
  self->last_run_flags = 0;

  update_running (self);
  if (self->analyzing)
    {
      self->analyzing = FALSE;
      if (error_message == NULL)
        {
          g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (get_store (), heyai_project_get_id (project), NULL);
          guint n = scenes ? scenes->len : 0;
          g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The script was split into %u scene",
                                                               "The script was split into %u scenes", n), n);

          heyai_storyboard_page_reload (self->storyboard_page);
          heyai_ui_toast (GTK_WIDGET (self), msg);
          if (n > 0)
            adw_view_stack_set_visible_child_name (self->view_stack, "storyboard");
          update_primary (self);
          return;
        }
    }
  if (error_message != NULL)
    {
      g_autoptr(GPtrArray) scenes = heyai_store_list_scenes (get_store (), heyai_project_get_id (project), NULL);

      /* Per-scene failures were already reported as they happened. */
      if (was_analyzing || scenes == NULL || scenes->len == 0)
        {
          /* Nothing to select on the storyboard: the analysis itself failed,
           * and its message says so and why ("The script analysis failed: …"). */
          heyai_ui_error (GTK_WIDGET (self), error_message);
        }
      else if (n_failed == 0)
        heyai_ui_error (GTK_WIDGET (self), error_message);
      else
        {
          g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "Batch finished: %u scene failed. Select it on the storyboard to see why.",
                                                               "Batch finished: %u scenes failed. Select them on the storyboard to see why.",
                                                               n_failed), n_failed);
          heyai_ui_error (GTK_WIDGET (self), msg);
        }
    }
  else if (n_cancelled > 0)
    {
      g_autofree char *c = heyai_ui_format_cost (cost);
      g_autofree char *done = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u job done", "%u jobs done", n_done),
                                               n_done);
      g_autofree char *cancelled = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u cancelled", "%u cancelled",
                                                                 n_cancelled), n_cancelled);
      /* Translators: "Batch stopped: 3 jobs done, 2 cancelled (free)" */
      g_autofree char *msg = g_strdup_printf (_("Batch stopped: %s, %s (%s)"), done, cancelled, c);

      heyai_ui_toast (GTK_WIDGET (self), msg);
    }
  else if (n_done > 0)
    {
      g_autofree char *c = heyai_ui_format_cost (cost);
      g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "Batch finished: %u job done (%s)",
                                                           "Batch finished: %u jobs done (%s)", n_done),
                                              n_done, c);
      heyai_ui_toast (GTK_WIDGET (self), msg);
    }
  heyai_storyboard_page_reload (self->storyboard_page);
  heyai_clips_page_reload (self->clips_page);
  update_primary (self);   /* from the reloaded storyboard */

  /* Take her to what the run left for her: stills to review (the pipeline
   * stops there until she approves), or the clips it made. */
  if (error_message == NULL && n_cancelled == 0 && (flags & HEYAI_RUN_IMAGES))
    {
      guint n_review = count_to_review (self);

      if (n_review > 0)
        {
          adw_view_stack_set_visible_child_name (self->view_stack, "storyboard");
          heyai_storyboard_page_show_review (self->storyboard_page, n_review);
        }
      else if ((flags & HEYAI_RUN_ANIMATE) && n_done > 0)
        adw_view_stack_set_visible_child_name (self->view_stack, "clips");
    }
  else if (error_message == NULL && n_cancelled == 0 && (flags & HEYAI_RUN_ANIMATE) && n_done > 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "clips");
}

/* Starting runs ---------------------------------------------------------- */

typedef struct
{
  HeyaiProjectView *self;
  HeyaiRunFlags     flags;
  int               scene_position;
} ConfirmData;

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  ConfirmData *data = user_data;

  if (g_strcmp0 (response, "start") == 0 && data->self->project != NULL)
    heyai_application_start_run (get_app (), data->self->project, data->flags, data->scene_position);
  else if (g_strcmp0 (response, "spending") == 0)
    heyai_spending_window_present (gtk_widget_get_root (GTK_WIDGET (data->self)));
  g_object_unref (data->self);
  g_free (data);
}

void
heyai_project_view_run (HeyaiProjectView *self,
                        HeyaiRunFlags     flags)
{
  heyai_project_view_run_scene (self, flags, 0);
}

/* Every paid action, single ones too (Regenerate, Try Again, Animate This
 * Scene), shows the planner's estimate first; free work starts at once. */
void
heyai_project_view_run_scene (HeyaiProjectView *self,
                              HeyaiRunFlags     flags,
                              int               scene_position)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  HeyaiRunEstimate estimate = { { 0 }, 0.0 };
  HeyaiPipeline *pipeline;
  ConfirmData *data;
  GtkWidget *dialog;
  GtkRoot *root;

  g_return_if_fail (HEYAI_IS_PROJECT_VIEW (self));

  if (self->project == NULL)
    return;

  heyai_project_view_flush (self);

  pipeline = heyai_application_get_pipeline (get_app (), &error);
  if (pipeline == NULL)
    {
      heyai_ui_error (GTK_WIDGET (self), error->message);
      return;
    }
  follow_pipeline (self);

  self->last_run_flags = flags;
  heyai_pipeline_estimate (pipeline, self->project, flags, scene_position, &estimate);
  if (estimate.cost <= 0.0 && estimate.n_paid == 0)
    {
      /* Offline providers are free: no need to ask (paid work priced at 0
       * is still shown). */
      heyai_application_start_run (get_app (), self->project, flags, scene_position);
      return;
    }

  /* Jobs per provider (display names), cost, what is left of the budget. */
  body = heyai_cost_summary_text (heyai_application_get_workspace (get_app ()), &estimate);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Start This Batch?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "spending", _("S_pending…"),
                                    "cancel", _("_Cancel"),
                                    "start", _("_Start"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "start");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  data = g_new0 (ConfirmData, 1);
  data->self = g_object_ref (self);
  data->flags = flags;
  data->scene_position = scene_position;
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);
  const char *what = g_variant_get_string (param, NULL);
  g_autoptr(GPtrArray) scenes = NULL;
  HeyaiRunFlags flags;

  if (self->project == NULL || (scenes = read_scenes (self)) == NULL)
    return;

  if (g_str_equal (what, "images"))
    flags = HEYAI_RUN_IMAGES;
  else if (g_str_equal (what, "animate"))
    flags = HEYAI_RUN_ANIMATE;
  else if (g_str_equal (what, "all"))
    {
      /* Everything that is missing; analysis only when there are no scenes
       * (analyzing again matches a new draft to the storyboard: that is "Analyze"). */
      flags = scenes->len > 0 ? HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE : HEYAI_RUN_ALL;
    }
  else
    {
      /* The button's choice, from the scenes as they are now. */
      update_primary (self);
      flags = self->primary_flags ? self->primary_flags : HEYAI_RUN_IMAGES;
      if ((flags & HEYAI_RUN_ANALYZE) && scenes->len > 0)
        flags = HEYAI_RUN_IMAGES | HEYAI_RUN_ANIMATE;
    }
  heyai_project_view_run (self, flags);
}

static void
run_next_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);

  if (self->project == NULL || !self->run_next_enabled)
    return;
  if (self->primary_flags == 0)
    adw_view_stack_set_visible_child_name (self->view_stack, "storyboard");
  else
    heyai_project_view_run (self, self->primary_flags);
}

const char *
heyai_project_view_get_run_label (HeyaiProjectView *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT_VIEW (self), NULL);
  return adw_split_button_get_label (self->run_button);
}

gboolean
heyai_project_view_get_run_enabled (HeyaiProjectView *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT_VIEW (self), FALSE);
  return self->run_next_enabled;
}

static void
analyze_confirm_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  g_autoptr(HeyaiProjectView) self = user_data;

  if (g_strcmp0 (response, "replace") == 0 && self->project != NULL)
    {
      /* A paid analysis shows its cost first (heyai_project_view_run). */
      self->analyzing = TRUE;
      heyai_project_view_run (self, HEYAI_RUN_ANALYZE);
    }
}

static void
show_revision_dialog (HeyaiProjectView *self,
                      const char       *body,
                      GtkWidget        *diff)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Apply the New Draft?"), body);
  if (diff != NULL)
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), diff);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Apply Draft"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (analyze_confirm_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_diff_row (GtkListBox *list,
              int         number,
              const char *heading,
              const char *label,
              int         was)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  /* TRANSLATORS: a scene in the diff of a new draft: "3. The harbour" */
  title = number > 0 ? g_strdup_printf (_("%d. %s"), number, heading != NULL ? heading : "")
                     : g_strdup (heading != NULL ? heading : "");
  /* TRANSLATORS: "changed (was scene 4)" */
  subtitle = was > 0 ? g_strdup_printf (_("%s (was scene %d)"), label, was) : g_strdup (label);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_append (list, row);
}

/* The diff of a new draft scene by scene (what `heyai analyze P --dry-run`
 * prints): the new order, then the removed scenes. */
static GtkWidget *
revision_diff_list (HeyaiRevision *revision)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_set_name (list, "revision-diff");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < revision->scenes->len; i++)
    {
      HeyaiRevisionKind kind = g_array_index (revision->kinds, HeyaiRevisionKind, i);
      HeyaiScene *fresh = g_ptr_array_index (revision->fresh_owned, i);
      HeyaiScene *kept = g_ptr_array_index (revision->scenes, i);

      add_diff_row (GTK_LIST_BOX (list), (int) i + 1, heyai_scene_get_title (fresh),
                    kind == HEYAI_REVISION_UNCHANGED ? _("unchanged")
                    : kind == HEYAI_REVISION_CHANGED ? _("changed") : _("new"),
                    kind == HEYAI_REVISION_NEW ? 0 : heyai_scene_get_position (kept));
    }
  for (guint i = 0; i < revision->removed->len; i++)
    {
      HeyaiScene *gone = g_ptr_array_index (revision->removed, i);

      add_diff_row (GTK_LIST_BOX (list), 0, heyai_scene_get_title (gone), _("removed"),
                    heyai_scene_get_position (gone));
    }
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  return scrolled;
}

/* "5 unchanged, 1 changed, 1 new, 0 removed — about $0.36 to make the
 * changed and new scenes", and each scene, before anything changes. */
static void
revision_preview_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HeyaiProjectView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  GtkWidget *diff;
  HeyaiRevision *revision;

  revision = heyai_pipeline_preview_revision_finish (HEYAI_PIPELINE (object), result, &error);
  if (revision == NULL)
    {
      heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }
  if (self->project == NULL || gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    {
      heyai_revision_free (revision);
      return;
    }
  diff = revision_diff_list (revision);
  revision->fresh = revision->fresh_owned;
  summary = heyai_pipeline_revision_summary (HEYAI_PIPELINE (object), revision);
  heyai_revision_free (revision);
  body = g_strdup_printf (_("%s.\n\nUnchanged scenes keep their stills, clips and approvals; changed scenes keep "
                            "their older takes, marked outdated; removed scenes are kept in the library."),
                          summary);
  show_revision_dialog (self, body, diff);
}

static void
analyze_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);
  g_autoptr(GPtrArray) scenes = NULL;
  guint with_stills = 0;
  g_autofree char *body = NULL;

  if (self->project == NULL || heyai_application_is_running (get_app (), self->project))
    return;

  heyai_project_view_flush (self);
  if (*heyai_project_get_script (self->project) == '\0')
    {
      heyai_ui_toast (widget, _("Write or paste a script first."));
      return;
    }

  scenes = read_scenes (self);
  if (scenes == NULL)
    return;
  for (guint i = 0; i < scenes->len; i++)
    if (heyai_scene_get_image_take (g_ptr_array_index (scenes, i)) > 0)
      with_stills++;

  if (with_stills == 0)
    {
      self->analyzing = TRUE;
      heyai_project_view_run (self, HEYAI_RUN_ANALYZE);
      return;
    }

  {
    g_autoptr(GError) error = NULL;
    HeyaiPipeline *pipeline = heyai_application_get_pipeline (get_app (), &error);
    HeyaiRunEstimate estimate;

    if (pipeline == NULL)
      {
        heyai_ui_toast (widget, error->message);
        return;
      }
    heyai_pipeline_estimate (pipeline, self->project, HEYAI_RUN_ANALYZE, 0, &estimate);
    if (estimate.n_paid == 0 && estimate.cost <= 0)
      {
        /* A free analysis: show the diff of the new draft first. */
        heyai_pipeline_preview_revision_async (pipeline, self->project, NULL, revision_preview_cb,
                                               g_object_ref (self));
        return;
      }
    /* A paid analysis is not run twice for a preview: say what will happen. */
    body = g_strdup (_("Reading the new draft is one paid script analysis. Unchanged scenes keep their stills, "
                       "clips and approvals; changed scenes keep their older takes, marked outdated; new scenes "
                       "are added; removed scenes are kept in the library."));
  }
  show_revision_dialog (self, body, NULL);
}

/* Open New Draft…: the script is replaced by the file's (through the
 * intake layer), then analysed again with its diff shown first. */
static void
draft_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HeyaiProjectView) self = user_data;
  g_autoptr(HeyaiScriptImport) import = NULL;
  g_autoptr(GError) error = NULL;

  import = heyai_script_import_file_finish (G_FILE (source), result, &error);
  if (import == NULL)
    {
      heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }
  if (self->project == NULL)
    return;
  heyai_project_view_flush (self);
  heyai_project_set_script (self->project, import->text);
  if (!heyai_store_update_project (get_store (), self->project, &error))
    {
      heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }
  /* The script page follows notify::script. */
  gtk_widget_activate_action (GTK_WIDGET (self), "project.analyze", NULL);
}

static void
draft_response_cb (HeyaiProjectView     *self,
                   int                   response,
                   GtkFileChooserNative *native)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      heyai_script_import_file_async (file, NULL, draft_loaded_cb, g_object_ref (self));
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (native));
  g_object_unref (native);
  g_object_unref (self);
}

GtkFileFilter *heyai_window_script_filter (void);

static void
open_draft_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);
  g_autoptr(GtkFileFilter) filter = heyai_window_script_filter ();
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *native;

  if (self->project == NULL || heyai_application_is_running (get_app (), self->project))
    return;
  native = gtk_file_chooser_native_new (_("Open New Draft"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect_swapped (native, "response", G_CALLBACK (draft_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* Removed Scenes…: the scenes a new draft (or a delete) removed, each with
 * Restore; the pipeline brings it back with its takes and approval. */
static void
restore_clicked_cb (GtkButton *button,
                    gpointer   user_data)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (user_data);
  HeyaiScene *scene = g_object_get_data (G_OBJECT (button), "scene");
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  g_autoptr(GError) error = NULL;
  g_autofree char *msg = NULL;

  if (scene == NULL || get_store () == NULL)
    return;
  if (!heyai_pipeline_restore_scene (get_store (), scene, &error))
    {
      heyai_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }
  msg = g_strdup_printf (_("Scene %d “%s” is back."), heyai_scene_get_position (scene),
                         heyai_scene_get_title (scene) != NULL ? heyai_scene_get_title (scene) : "");
  heyai_ui_toast (GTK_WIDGET (self), msg);
  if (row != NULL && GTK_IS_LIST_BOX (gtk_widget_get_parent (row)))
    gtk_list_box_remove (GTK_LIST_BOX (gtk_widget_get_parent (row)), row);
}

static void
removed_scenes_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;
  GtkWidget *scrolled;
  GtkWidget *list;

  if (self->project == NULL || get_store () == NULL)
    return;
  removed = heyai_store_list_removed_scenes (get_store (), heyai_project_get_id (self->project), &error);
  if (removed == NULL)
    {
      heyai_ui_toast (widget, error->message);
      return;
    }
  if (removed->len == 0)
    {
      heyai_ui_toast (widget, _("No scenes were removed from this project."));
      return;
    }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Removed Scenes"),
                                   _("Scenes a new draft of the script removed, most recent first. A restored "
                                     "scene comes back with its stills, clips and approval."));
  list = gtk_list_box_new ();
  gtk_widget_set_name (list, "removed-scenes");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < removed->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (removed, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore"));
      HeyaiSceneLineage lineage;
      g_autofree char *subtitle = NULL;

      heyai_lineage_of_scene (get_store (), self->project, scene, &lineage);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     heyai_scene_get_title (scene) != NULL ? heyai_scene_get_title (scene) : "");
      subtitle = lineage.image_take > 0 || lineage.clip_take > 0
                   ? g_strdup_printf (_("Was scene %d · still take %d, clip take %d"),
                                      heyai_scene_get_position (scene), lineage.image_take, lineage.clip_take)
                   : g_strdup_printf (_("Was scene %d · no takes"), heyai_scene_get_position (scene));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "scene", g_object_ref (scene), g_object_unref);
      g_signal_connect_object (button, "clicked", G_CALLBACK (restore_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);

  heyai_project_view_set_visible_page (self, "export");
  heyai_export_page_export (self->export_page);
}

static void
cancel_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);

  if (self->project != NULL)
    heyai_application_cancel_runs (get_app (), self->project);
  gtk_menu_button_popdown (self->busy_button);
}

void heyai_projects_page_ask_rename (GtkWidget *parent, HeyaiStore *store, HeyaiProject *project);

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);

  if (self->project != NULL)
    heyai_projects_page_ask_rename (widget, get_store (), self->project);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (widget);
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  GtkRoot *window;

  if (self->project == NULL)
    return;
  root = heyai_local_root (heyai_application_get_data_dir (get_app ()));
  dir = heyai_project_dir (root, self->project, NULL);
  g_mkdir_with_parents (dir, 0700);
  file = g_file_new_for_path (dir);
  uri = g_file_get_uri (file);
  window = gtk_widget_get_root (widget);
  gtk_show_uri (GTK_IS_WINDOW (window) ? GTK_WINDOW (window) : NULL, uri, GDK_CURRENT_TIME);
}

/* Title ----------------------------------------------------------------- */

static void
project_title_changed_cb (HeyaiProjectView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const char *title = self->project ? heyai_project_get_title (self->project) : "";

  adw_view_switcher_title_set_title (self->switcher_title, title);
  if (GTK_IS_WINDOW (root) && self->project != NULL)
    gtk_window_set_title (GTK_WINDOW (root), title);
}

/* GObject ---------------------------------------------------------------- */

static void
heyai_project_view_dispose (GObject *object)
{
  HeyaiProjectView *self = HEYAI_PROJECT_VIEW (object);

  heyai_project_view_set_project (self, NULL);
  g_clear_handle_id (&self->primary_id, g_source_remove);
  if (self->pipeline != NULL)
    g_signal_handlers_disconnect_by_data (self->pipeline, self);
  g_clear_object (&self->pipeline);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_PROJECT_VIEW);
  g_clear_object (&self->jobs);
  g_clear_pointer (&self->toasted, g_hash_table_unref);
  g_clear_pointer (&self->job_ids, g_hash_table_unref);

  G_OBJECT_CLASS (heyai_project_view_parent_class)->dispose (object);
}

static void
heyai_project_view_class_init (HeyaiProjectViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_project_view_dispose;

  g_type_ensure (HEYAI_TYPE_PROGRESS_PIE);
  g_type_ensure (HEYAI_TYPE_SCRIPT_PAGE);
  g_type_ensure (HEYAI_TYPE_STORYBOARD_PAGE);
  g_type_ensure (HEYAI_TYPE_CLIPS_PAGE);
  g_type_ensure (HEYAI_TYPE_EXPORT_PAGE);
  g_type_ensure (HEYAI_TYPE_BIBLE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-project-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, view_stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, run_stack);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, run_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, run_button_narrow);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, busy_button);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, busy_pie);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, jobs_list);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, cost_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, script_page);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, storyboard_page);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, clips_page);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, export_page);
  gtk_widget_class_bind_template_child (widget_class, HeyaiProjectView, bible_page);
  gtk_widget_class_bind_template_callback (widget_class, jobs_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, jobs_popover_closed_cb);

  gtk_widget_class_install_action (widget_class, "project.run", "s", run_action);
  gtk_widget_class_install_action (widget_class, "project.run-next", NULL, run_next_action);
  gtk_widget_class_install_action (widget_class, "project.analyze", NULL, analyze_action);
  gtk_widget_class_install_action (widget_class, "project.open-draft", NULL, open_draft_action);
  gtk_widget_class_install_action (widget_class, "project.removed-scenes", NULL, removed_scenes_action);
  gtk_widget_class_install_action (widget_class, "project.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "project.cancel-all", NULL, cancel_all_action);
  gtk_widget_class_install_action (widget_class, "project.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "project.open-folder", NULL, open_folder_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
heyai_project_view_init (HeyaiProjectView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The run button keeps its label on a laptop-wide window (1200 px, in
   * Spanish too); only a narrow window shows its icon alone. */
  heyai_ui_squeeze_below_width (GTK_WIDGET (self->run_button_narrow), 900);

  self->jobs = g_list_store_new (HEYAI_TYPE_JOB);
  self->toasted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->job_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->primary_flags = HEYAI_RUN_IMAGES;
  g_signal_connect_object (heyai_storyboard_page_get_model (self->storyboard_page), "items-changed",
                           G_CALLBACK (storyboard_items_changed_cb), self, G_CONNECT_SWAPPED);

  if (HEYAI_IS_APPLICATION (g_application_get_default ()))
    {
      if (get_store () != NULL)
        g_signal_connect_object (get_store (), "scenes-changed", G_CALLBACK (store_scenes_changed_cb), self,
                                 G_CONNECT_SWAPPED);
      g_signal_connect_object (get_app (), "run-started", G_CALLBACK (run_started_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (get_app (), "run-finished", G_CALLBACK (run_finished_cb), self, G_CONNECT_SWAPPED);
    }
}

void
heyai_project_view_set_project (HeyaiProjectView *self,
                                HeyaiProject     *project)
{
  g_return_if_fail (HEYAI_IS_PROJECT_VIEW (self));

  if (self->project == project)
    return;

  if (self->project != NULL)
    {
      heyai_project_view_flush (self);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  g_set_object (&self->project, project);

  heyai_script_page_set_project (self->script_page, project);
  heyai_storyboard_page_set_project (self->storyboard_page, project);
  heyai_clips_page_set_project (self->clips_page, project);
  heyai_export_page_set_project (self->export_page, project);
  heyai_bible_page_set_project (self->bible_page, project);
  /* The editor's final trailer arriving in final/ (stops with the project). */
  if (heyai_delivery_get_default () != NULL)
    heyai_delivery_watch (heyai_delivery_get_default (), self, project);

  if (project != NULL)
    {
      g_signal_connect_object (project, "notify::title", G_CALLBACK (project_title_changed_cb), self, G_CONNECT_SWAPPED);
      project_title_changed_cb (self);
      g_list_store_remove_all (self->jobs);
      g_hash_table_remove_all (self->job_ids);
      g_hash_table_remove_all (self->toasted);
      self->analyzing = FALSE;
      /* A new project starts on its script; one with scenes on the storyboard
       * (whose model the storyboard page has just loaded). */
      adw_view_stack_set_visible_child_name (self->view_stack,
                                             g_list_model_get_n_items (heyai_storyboard_page_get_model (self->storyboard_page)) > 0
                                             ? "storyboard" : "script");
      update_running (self);
    }
  else
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      if (GTK_IS_WINDOW (root))
        gtk_window_set_title (GTK_WINDOW (root), _("HeyAI Studio"));
    }
}

HeyaiProject *
heyai_project_view_get_project (HeyaiProjectView *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT_VIEW (self), NULL);
  return self->project;
}

void
heyai_project_view_flush (HeyaiProjectView *self)
{
  g_return_if_fail (HEYAI_IS_PROJECT_VIEW (self));

  if (self->script_page != NULL)
    heyai_script_page_flush (self->script_page);
  if (self->storyboard_page != NULL)
    heyai_storyboard_page_flush (self->storyboard_page);
}

void
heyai_project_view_set_visible_page (HeyaiProjectView *self,
                                     const char       *name)
{
  g_return_if_fail (HEYAI_IS_PROJECT_VIEW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

const char *
heyai_project_view_get_visible_page (HeyaiProjectView *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT_VIEW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

HeyaiScriptPage *
heyai_project_view_get_script_page (HeyaiProjectView *self)
{
  return self->script_page;
}

HeyaiStoryboardPage *
heyai_project_view_get_storyboard_page (HeyaiProjectView *self)
{
  return self->storyboard_page;
}

HeyaiClipsPage *
heyai_project_view_get_clips_page (HeyaiProjectView *self)
{
  return self->clips_page;
}

HeyaiExportPage *
heyai_project_view_get_export_page (HeyaiProjectView *self)
{
  return self->export_page;
}

GListModel *
heyai_project_view_get_jobs (HeyaiProjectView *self)
{
  return G_LIST_MODEL (self->jobs);
}
