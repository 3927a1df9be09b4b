/* heyai-script-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gtksourceview/gtksource.h>

#include "heyai-application.h"
#include "heyai-script-page.h"
#include "heyai-ui-util.h"

#define AUTOSAVE_DELAY_MS 500

struct _HeyaiScriptPage
{
  GtkWidget        parent_instance;

  /* Template widgets */
  GtkWidget       *box;
  GtkSourceView   *source_view;
  GtkEditableLabel *title_label;
  GtkLabel        *words_label;
  GtkLabel        *runtime_label;
  GtkLabel        *scenes_label;

  /* Owned references */
  HeyaiProject    *project;
  GtkSourceBuffer *buffer;
  guint            save_id;
  gboolean         dirty;
  gboolean         loading;
};

G_DEFINE_FINAL_TYPE (HeyaiScriptPage, heyai_script_page, GTK_TYPE_WIDGET)

static char *
get_text (HeyaiScriptPage *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  return gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->buffer), &start, &end, TRUE);
}

static void
update_stats (HeyaiScriptPage *self,
              const char      *text)
{
  g_autoptr(HeyaiScript) script = NULL;
  g_autofree char *words = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *scenes = NULL;
  guint n_words = heyai_script_count_words (text);
  guint n_scenes = 0;
  double seconds = 0.0;

  /* One parse gives both the scene count and the runtime. */
  if (text != NULL && *text != '\0')
    {
      script = heyai_script_parse (text, -1, NULL);
      if (script != NULL)
        {
          n_scenes = script->scenes->len;
          seconds = script->seconds;
        }
      else
        seconds = heyai_script_estimate_seconds (text);   /* unparsable: a words-based guess */
    }

  words = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u word", "%u words", n_words), n_words);
  duration = heyai_format_duration (seconds);
  /* Translators: estimated screen time, "about 1:05" */
  runtime = g_strdup_printf (_("about %s"), duration);
  scenes = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u scene detected", "%u scenes detected", n_scenes),
                            n_scenes);
  gtk_label_set_label (self->words_label, words);
  gtk_label_set_label (self->runtime_label, runtime);
  gtk_label_set_label (self->scenes_label, scenes);
}

void
heyai_script_page_flush (HeyaiScriptPage *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiStore *store;

  g_return_if_fail (HEYAI_IS_SCRIPT_PAGE (self));

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (!self->dirty || self->project == NULL)
    return;

  self->dirty = FALSE;
  text = get_text (self);
  update_stats (self, text);
  if (g_strcmp0 (text, heyai_project_get_script (self->project)) == 0)
    return;

  heyai_project_set_script (self->project, text);
  store = heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
  if (store != NULL && !heyai_store_update_project (store, self->project, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("The script could not be saved: %s"), error->message);
      self->dirty = TRUE;
      heyai_ui_toast (GTK_WIDGET (self), msg);
    }
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  HeyaiScriptPage *self = user_data;

  self->save_id = 0;
  heyai_script_page_flush (self);
  return G_SOURCE_REMOVE;
}

static void
buffer_changed_cb (HeyaiScriptPage *self)
{
  if (self->loading)
    return;
  self->dirty = TRUE;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (AUTOSAVE_DELAY_MS, save_timeout_cb, self);
}

static void
load_script (HeyaiScriptPage *self)
{
  const char *script = self->project ? heyai_project_get_script (self->project) : "";

  self->loading = TRUE;
  gtk_text_buffer_begin_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), script ? script : "", -1);
  gtk_text_buffer_end_irreversible_action (GTK_TEXT_BUFFER (self->buffer));
  self->loading = FALSE;
  self->dirty = FALSE;
  update_stats (self, script);
}

static void
project_script_changed_cb (HeyaiScriptPage *self)
{
  g_autofree char *text = NULL;

  if (self->dirty)
    return;
  text = get_text (self);
  if (g_strcmp0 (text, heyai_project_get_script (self->project)) != 0)
    load_script (self);
}

static void
project_title_changed_cb (HeyaiScriptPage *self)
{
  const char *title = self->project ? heyai_project_get_title (self->project) : "";

  if (!gtk_editable_label_get_editing (self->title_label) &&
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->title_label)), title) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->title_label), title);
}

/* The title is edited in place; it is saved when editing ends (Enter or focus out). */
static void
title_editing_cb (HeyaiScriptPage *self)
{
  g_autofree char *title = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiStore *store;

  if (gtk_editable_label_get_editing (self->title_label) || self->project == NULL)
    return;

  title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_label))));
  if (*title == '\0' || g_strcmp0 (title, heyai_project_get_title (self->project)) == 0)
    {
      project_title_changed_cb (self);
      return;
    }
  heyai_project_set_title (self->project, title);
  store = heyai_application_get_store (HEYAI_APPLICATION_DEFAULT);
  if (store != NULL && !heyai_store_update_project (store, self->project, &error))
    heyai_ui_toast (GTK_WIDGET (self), error->message);
}

static void
update_scheme (HeyaiScriptPage *self)
{
  GtkSourceStyleSchemeManager *sm = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (sm, dark ? "heyai-dark" : "heyai-light");
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (sm, dark ? "Adwaita-dark" : "Adwaita");
  gtk_source_buffer_set_style_scheme (self->buffer, scheme);
}

static void
heyai_script_page_dispose (GObject *object)
{
  HeyaiScriptPage *self = HEYAI_SCRIPT_PAGE (object);

  heyai_script_page_set_project (self, NULL);
  g_clear_handle_id (&self->save_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEYAI_TYPE_SCRIPT_PAGE);
  g_clear_object (&self->buffer);

  G_OBJECT_CLASS (heyai_script_page_parent_class)->dispose (object);
}

static void
heyai_script_page_class_init (HeyaiScriptPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_script_page_dispose;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-script-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiScriptPage, box);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScriptPage, source_view);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScriptPage, title_label);
  gtk_widget_class_bind_template_callback (widget_class, title_editing_cb);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScriptPage, words_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScriptPage, runtime_label);
  gtk_widget_class_bind_template_child (widget_class, HeyaiScriptPage, scenes_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ensure_language (HeyaiScriptPage *self)
{
  GtkSourceLanguage *language;

  if (self->buffer == NULL || gtk_source_buffer_get_language (self->buffer) != NULL)
    return;
  language = gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (), "fountain");
  if (language != NULL)
    gtk_source_buffer_set_language (self->buffer, language);
  else
    g_debug ("fountain.lang not found; the script is shown without highlighting");
}

static void
heyai_script_page_init (HeyaiScriptPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The Fountain language is set when the first project is shown: finding it
   * reads every language file GtkSourceView has, which launch need not wait
   * for (the window opens on the projects page). */
  self->buffer = gtk_source_buffer_new (NULL);
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, FALSE);
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->source_view), GTK_TEXT_BUFFER (self->buffer));
  update_scheme (self);

  g_signal_connect_object (self->buffer, "changed", G_CALLBACK (buffer_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark", G_CALLBACK (update_scheme), self,
                           G_CONNECT_SWAPPED);
  update_stats (self, "");
}

void
heyai_script_page_set_project (HeyaiScriptPage *self,
                               HeyaiProject    *project)
{
  g_return_if_fail (HEYAI_IS_SCRIPT_PAGE (self));

  if (self->project == project)
    return;
  if (self->project != NULL)
    {
      heyai_script_page_flush (self);
      g_signal_handlers_disconnect_by_data (self->project, self);
    }
  g_set_object (&self->project, project);
  if (project != NULL)
    {
      ensure_language (self);
      g_signal_connect_object (project, "notify::script", G_CALLBACK (project_script_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "notify::title", G_CALLBACK (project_title_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  if (self->title_label != NULL)
    project_title_changed_cb (self);
  if (self->buffer != NULL)
    load_script (self);
}

HeyaiProject *
heyai_script_page_get_project (HeyaiScriptPage *self)
{
  g_return_val_if_fail (HEYAI_IS_SCRIPT_PAGE (self), NULL);
  return self->project;
}

GtkTextBuffer *
heyai_script_page_get_buffer (HeyaiScriptPage *self)
{
  g_return_val_if_fail (HEYAI_IS_SCRIPT_PAGE (self), NULL);
  return GTK_TEXT_BUFFER (self->buffer);
}
