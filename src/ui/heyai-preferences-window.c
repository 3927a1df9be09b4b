/* heyai-preferences-window.c
 *
 * Non-secret settings live in GSettings (io.github.heyai.Studio); API keys and
 * tokens go to the keyring through heyai-secrets (libsecret), never anywhere else.
 *
 * Each role's group shows the chosen provider's rows only: every row made
 * for a provider carries its name ("heyai-provider") and the combo shows
 * the rows of the provider it selects.  Key fields come from the provider
 * descriptors (heyai-provider-descriptors.h): a field the environment
 * supplies is an insensitive row saying which variable sets it; a
 * "key:secret" keyring entry is edited as two fields and stored joined.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "heyai-preferences-window.h"
#include "heyai-drive.h"
#include "heyai-drive-signin.h"
#include "heyai-oauth.h"
#include "heyai-provider-descriptors.h"
#include "heyai-secrets.h"
#include "heyai-ui-util.h"
#include "heyai-workspace.h"

struct _HeyaiPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *llm_group;
  AdwPreferencesGroup  *imager_group;
  AdwPreferencesGroup  *animator_group;
  AdwPreferencesGroup  *drive_group;
  AdwPreferencesGroup  *budget_group;
  AdwPreferencesGroup  *defaults_group;
  AdwPreferencesGroup  *concurrency_group;

  /* Owned references */
  HeyaiApplication     *app;
  GSettings            *settings;
  GCancellable         *cancellable;
  GHashTable           *key_rows;     /* "service/part" -> the field's row */
  GPtrArray            *provider_rows[HEYAI_ROLE_STORAGE + 1];   /* rows of one provider */
  AdwActionRow         *drive_row;
  GtkButton            *drive_button;
  HeyaiDriveSignin     *drive_signin;
  HeyaiOauth           *drive_oauth;  /* the sign-in in progress (or done) */
  guint                 n_keys_pending;
};

G_DEFINE_FINAL_TYPE (HeyaiPreferencesWindow, heyai_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
toast (HeyaiPreferencesWindow *self,
       const char             *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 5);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

/* Provider choice -------------------------------------------------------- */

/* Shows the rows of @name in @role's group, hides the other providers'. */
static void
show_provider_rows (HeyaiPreferencesWindow *self,
                    HeyaiRole               role,
                    const char             *name)
{
  GPtrArray *rows = self->provider_rows[role];

  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);

      gtk_widget_set_visible (row, g_strcmp0 (g_object_get_data (G_OBJECT (row), "heyai-provider"), name) == 0);
    }
}

/* @row belongs to provider @name of @role: shown only while it is chosen. */
static GtkWidget *
provider_row (HeyaiPreferencesWindow *self,
              HeyaiRole               role,
              const char             *name,
              GtkWidget              *row)
{
  g_object_set_data_full (G_OBJECT (row), "heyai-provider", g_strdup (name), g_free);
  g_ptr_array_add (self->provider_rows[role], row);
  return row;
}

static void
combo_selected_cb (AdwComboRow *row,
                   GParamSpec  *pspec,
                   HeyaiPreferencesWindow *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "key");
  GtkStringObject *item = adw_combo_row_get_selected_item (row);
  const char *const *values = g_object_get_data (G_OBJECT (row), "values");
  guint selected = adw_combo_row_get_selected (row);

  /* item: the model is going away; settings: the window was disposed but
   * a binding keeps its GSettings (and this row) alive a little longer. */
  if (item == NULL || values == NULL || self->settings == NULL)
    return;
  g_settings_set_string (self->settings, key, values[selected]);
  show_provider_rows (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "role")), values[selected]);
}

/* The setting changed elsewhere (Disconnect goes back to the local folder,
 * a finished sign-in to Drive): the combo follows, and so do the rows. */
static void
provider_setting_changed_cb (GSettings   *settings,
                             const char  *key,
                             AdwComboRow *row)
{
  g_autofree char *value = g_settings_get_string (settings, key);
  const char * const *values = g_object_get_data (G_OBJECT (row), "values");

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (g_strcmp0 (values[i], value) == 0 && adw_combo_row_get_selected (row) != i)
      adw_combo_row_set_selected (row, i);
}

static AdwComboRow *
add_provider_combo (HeyaiPreferencesWindow *self,
                    AdwPreferencesGroup    *group,
                    HeyaiRole               role,
                    const char             *key)
{
  const char * const *names = heyai_provider_names (role);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *current = g_settings_get_string (self->settings, key);
  GtkWidget *row = adw_combo_row_new ();
  guint selected = 0;

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      /* The display name from the provider descriptor table, by name. */
      const HeyaiProviderDescriptor *descriptor = heyai_provider_descriptor_lookup (role, names[i]);

      gtk_string_list_append (model, descriptor != NULL ? heyai_provider_descriptor_label (descriptor) : names[i]);
      if (g_strcmp0 (names[i], current) == 0)
        selected = i;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Provider"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  /* The environment's choice wins over the setting (as in a batch): say so. */
  {
    const char *variable = heyai_provider_role_env (role);
    const char *chosen = g_getenv (variable);

    for (guint i = 0; chosen != NULL && *chosen != '\0' && names[i] != NULL; i++)
      if (g_ascii_strcasecmp (names[i], chosen) == 0)
        {
          g_autofree char *subtitle = g_strdup_printf (_("Set by %s"), variable);

          selected = i;
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          gtk_widget_set_sensitive (row, FALSE);
        }
  }
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_object_set_data_full (G_OBJECT (row), "key", g_strdup (key), g_free);
  g_object_set_data (G_OBJECT (row), "values", (gpointer) names);
  g_object_set_data (G_OBJECT (row), "role", GUINT_TO_POINTER (role));
  g_signal_connect (row, "notify::selected", G_CALLBACK (combo_selected_cb), self);
  {
    g_autofree char *signal = g_strdup_printf ("changed::%s", key);

    g_signal_connect_object (self->settings, signal, G_CALLBACK (provider_setting_changed_cb), row, 0);
  }
  gtk_widget_set_name (row, key);
  adw_preferences_group_add (group, row);
  return ADW_COMBO_ROW (row);
}

static GtkWidget *
add_entry (HeyaiPreferencesWindow *self,
           AdwPreferencesGroup    *group,
           const char             *title,
           const char             *key)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_settings_bind (self->settings, key, row, "text", G_SETTINGS_BIND_DEFAULT);
  adw_preferences_group_add (group, row);
  return row;
}

static void
choice_selected_cb (AdwComboRow            *row,
                    GParamSpec             *pspec,
                    HeyaiPreferencesWindow *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "key");
  const char *const *values = g_object_get_data (G_OBJECT (row), "values");
  guint selected = adw_combo_row_get_selected (row);

  if (self->settings != NULL && values != NULL && selected < g_strv_length ((char **) values))
    g_settings_set_string (self->settings, key, values[selected]);
}

/* A string key with a few values, shown as @labels (translated here). */
static GtkWidget *
add_choice_combo (HeyaiPreferencesWindow *self,
                  AdwPreferencesGroup    *group,
                  const char             *title,
                  const char             *key,
                  const char *const      *values,
                  const char *const      *labels)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *current = g_settings_get_string (self->settings, key);
  GtkWidget *row = adw_combo_row_new ();
  guint selected = 0;

  for (guint i = 0; values[i] != NULL; i++)
    {
      gtk_string_list_append (model, _(labels[i]));
      if (g_strcmp0 (values[i], current) == 0)
        selected = i;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_object_set_data_full (G_OBJECT (row), "key", g_strdup (key), g_free);
  g_object_set_data (G_OBJECT (row), "values", (gpointer) values);
  g_signal_connect (row, "notify::selected", G_CALLBACK (choice_selected_cb), self);
  adw_preferences_group_add (group, row);
  return row;
}

/* Keys in the keyring ---------------------------------------------------- */

static char *
field_key (const HeyaiSecretSpec *spec,
           HeyaiSecretPart        part)
{
  return g_strdup_printf ("%s/%d", spec->service, (int) part);
}

/* The text a field shows of the stored value: all of it, or one half. */
static char *
field_text (const char      *value,
            HeyaiSecretPart  part)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (part == HEYAI_SECRET_PART_WHOLE)
    return g_strdup (value);
  if (!heyai_secrets_split_pair (value, &first, &second))
    return g_strdup (part == HEYAI_SECRET_PART_FIRST ? value : "");
  if (part == HEYAI_SECRET_PART_FIRST)
    return g_steal_pointer (&first);
  return g_steal_pointer (&second);
}

static void
key_lookup_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AdwPasswordEntryRow *row = user_data;
  HeyaiPreferencesWindow *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = heyai_secrets_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (row);
      return;
    }
  self = g_object_get_data (G_OBJECT (row), "prefs");
  if (secret != NULL)
    {
      HeyaiSecretPart part = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "part"));
      g_autofree char *text = field_text (secret, part);

      g_object_set_data (G_OBJECT (row), "loading", GINT_TO_POINTER (TRUE));
      gtk_editable_set_text (GTK_EDITABLE (row), text);
      g_object_set_data (G_OBJECT (row), "loading", NULL);
    }
  else if (error != NULL)
    g_debug ("keyring lookup: %s", error->message);
  if (self != NULL && self->n_keys_pending > 0)
    self->n_keys_pending--;
  g_object_unref (row);
}

static void
key_stored_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HeyaiPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!heyai_secrets_store_finish (result, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("The key could not be saved in the keyring: %s"), error->message);
      toast (self, msg);
      return;
    }
  toast (self, _("Key saved in the keyring"));
  heyai_application_reload_providers (self->app);
}

static void
key_cleared_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HeyaiPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!heyai_secrets_clear_finish (result, &error))
    toast (self, error->message);
  else
    toast (self, _("Key removed from the keyring"));
  heyai_application_reload_providers (self->app);
}

/* A "key:secret" entry edited as two fields: both halves, joined, or NULL
 * (with a toast saying what is wrong) when they cannot be. */
static char *
joined_pair (HeyaiPreferencesWindow *self,
             const HeyaiSecretSpec  *spec)
{
  g_autofree char *first_key = field_key (spec, HEYAI_SECRET_PART_FIRST);
  g_autofree char *second_key = field_key (spec, HEYAI_SECRET_PART_SECOND);
  GtkWidget *first = g_hash_table_lookup (self->key_rows, first_key);
  GtkWidget *second = g_hash_table_lookup (self->key_rows, second_key);
  const char *a, *b;

  g_assert (ADW_IS_PASSWORD_ENTRY_ROW (first) && ADW_IS_PASSWORD_ENTRY_ROW (second));
  a = gtk_editable_get_text (GTK_EDITABLE (first));
  b = gtk_editable_get_text (GTK_EDITABLE (second));
  if (*a == '\0' && *b == '\0')
    return g_strdup ("");
  if (*a == '\0' || *b == '\0')
    {
      /* Translators: %s and %s are two fields, "API Key" and "API Secret" */
      g_autofree char *msg = g_strdup_printf (_("Fill in both “%s” and “%s”: the service needs the two together."),
                                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)),
                                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (second)));
      toast (self, msg);
      return NULL;
    }
  if (strchr (a, ':') != NULL)
    {
      /* Translators: %s is a field, "API Key" */
      g_autofree char *msg = g_strdup_printf (_("The “%s” cannot contain “:”. Check that you pasted only the key."),
                                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (first)));
      toast (self, msg);
      return NULL;
    }
  return g_strdup_printf ("%s:%s", a, b);
}

static void
key_apply_cb (AdwEntryRow            *row,
              HeyaiPreferencesWindow *self)
{
  const HeyaiSecretSpec *spec = g_object_get_data (G_OBJECT (row), "spec");
  HeyaiSecretPart part = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "part"));
  g_autofree char *text = NULL;

  if (part == HEYAI_SECRET_PART_WHOLE)
    text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));
  else if ((text = joined_pair (self, spec)) == NULL)
    return;

  if (*text == '\0')
    heyai_secrets_clear_async (spec, self->cancellable, key_cleared_cb, g_object_ref (self));
  else
    heyai_secrets_store_async (spec, text, self->cancellable, key_stored_cb, g_object_ref (self));
}

/* One credential field of a provider: an entry for the keyring, or, when
 * an environment variable supplies it, a row saying which one. */
static GtkWidget *
add_key_row (HeyaiPreferencesWindow    *self,
             AdwPreferencesGroup       *group,
             const HeyaiProviderSecret *field)
{
  const HeyaiSecretSpec *spec = field->secret;
  /* A credential that is no field of its own (a token the sign-in keeps)
   * shows only when the environment supplies it, under its label. */
  const char *title = field->title != NULL ? _(field->title) : heyai_secrets_label (spec);
  const char *source = heyai_secrets_env_source (spec, field->part);
  const char *env = heyai_secrets_env_description (spec);
  g_autofree char *name = g_strdup_printf ("key-%s-%d", spec->service, (int) field->part);
  GtkWidget *row;

  if (source != NULL)
    {
      /* Translators: subtitle of a key the environment supplies, %s is a variable */
      g_autofree char *subtitle = g_strdup_printf (_("Set by %s"), source);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_sensitive (row, FALSE);
    }
  else
    {
      g_assert (field->title != NULL);
      row = adw_password_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      if (env != NULL)
        {
          /* Translators: tooltip of an API key field, %s is an environment variable */
          g_autofree char *tip = g_strdup_printf (_("Stored in the keyring. The environment variable %s takes precedence."), env);
          gtk_widget_set_tooltip_text (row, tip);
        }
      g_object_set_data (G_OBJECT (row), "spec", (gpointer) spec);
      g_object_set_data (G_OBJECT (row), "part", GINT_TO_POINTER (field->part));
      g_object_set_data (G_OBJECT (row), "prefs", self);
      g_signal_connect (row, "apply", G_CALLBACK (key_apply_cb), self);
      self->n_keys_pending++;
      heyai_secrets_lookup_async (spec, self->cancellable, key_lookup_cb, g_object_ref (row));
    }
  gtk_widget_set_name (row, name);
  adw_preferences_group_add (group, row);
  g_hash_table_insert (self->key_rows, field_key (spec, field->part), row);
  return row;
}

/* Test connection -------------------------------------------------------- */

/* Each paid provider's rows end with "Connection" and a Test button: one
 * cheap authenticated call (heyai_provider_test_async, nothing billed) with
 * the provider as a batch would make it (the settings' server, model), and
 * the row says "Key accepted" or exactly what is wrong. */
static void
set_test_result (AdwActionRow *row,
                 const char   *text,
                 gboolean      ok)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "icon");

  /* Added with the first result: an empty prefix would indent the title. */
  if (icon == NULL)
    {
      icon = gtk_image_new ();
      adw_action_row_add_prefix (row, icon);
      g_object_set_data (G_OBJECT (row), "icon", icon);
    }
  adw_action_row_set_subtitle (row, text);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), ok ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (icon, ok ? "error" : "success");
  gtk_widget_add_css_class (icon, ok ? "success" : "error");
  gtk_widget_set_visible (icon, TRUE);
}

static void
provider_tested_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AdwActionRow) row = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = heyai_provider_test_finish (result, &error);
  GtkWidget *button = g_object_get_data (G_OBJECT (row), "button");

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the window is closing */
  gtk_widget_set_sensitive (button, TRUE);
  if (error != NULL)
    set_test_result (row, error->message, FALSE);
  else
    set_test_result (row, _("Key accepted"), TRUE);
}

static void
test_clicked_cb (GtkButton    *button,
                 AdwActionRow *row)
{
  HeyaiPreferencesWindow *self = g_object_get_data (G_OBJECT (row), "prefs");
  const HeyaiProviderDescriptor *descriptor = g_object_get_data (G_OBJECT (row), "descriptor");
  HeyaiWorkspace *workspace = heyai_application_get_workspace (self->app);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) provider = NULL;

  if (workspace != NULL)
    provider = heyai_workspace_create_provider (workspace, descriptor->role, descriptor->name, &error);
  else
    provider = heyai_provider_create (descriptor->role, descriptor->name,
                                      heyai_application_get_data_dir (self->app), &error);
  if (provider == NULL)
    {
      /* a missing key, said as is */
      set_test_result (row, error->message, FALSE);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  adw_action_row_set_subtitle (row, _("Checking…"));
  heyai_provider_test_async (provider, self->cancellable, provider_tested_cb, g_object_ref (row));
}

static GtkWidget *
add_test_row (HeyaiPreferencesWindow        *self,
              AdwPreferencesGroup           *group,
              const HeyaiProviderDescriptor *descriptor)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Test"));
  g_autofree char *name = g_strdup_printf ("test-%s", descriptor->name);
  /* Translators: tooltip of the Test button, %s is a service ("Kling") */
  g_autofree char *tip = g_strdup_printf (_("Ask %s whether it accepts the key (nothing is charged)"),
                                          heyai_provider_descriptor_label (descriptor));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Connection"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not checked yet"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_name (row, name);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (button, "test-button");
  gtk_widget_set_tooltip_text (button, tip);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "prefs", self);
  g_object_set_data (G_OBJECT (row), "descriptor", (gpointer) descriptor);
  g_object_set_data (G_OBJECT (row), "button", button);
  g_signal_connect (button, "clicked", G_CALLBACK (test_clicked_cb), row);
  adw_preferences_group_add (group, row);
  return row;
}

static void add_provider_options (HeyaiPreferencesWindow        *self,
                                  AdwPreferencesGroup           *group,
                                  const HeyaiProviderDescriptor *descriptor);

/* The rows of every provider of @role, from its descriptor: model, server
 * address, its own options, credential fields and the Test row; each shown
 * only while its provider is chosen. */
static void
add_provider_rows (HeyaiPreferencesWindow *self,
                   AdwPreferencesGroup    *group,
                   HeyaiRole               role)
{
  guint n = 0;
  const HeyaiProviderDescriptor *descriptors = heyai_provider_descriptors (&n);

  for (guint i = 0; i < n; i++)
    {
      const HeyaiProviderDescriptor *d = &descriptors[i];

      if (d->role != role)
        continue;
      if (d->model_setting != NULL)
        provider_row (self, role, d->name, add_entry (self, group, _("Model"), d->model_setting));
      if (d->base_url_setting != NULL)
        {
          /* Translators: %s is a service ("OpenAI"): where it is reached when the field is empty */
          g_autofree char *title = g_strdup_printf (_("Server Address (empty: %s)"), heyai_provider_descriptor_label (d));

          provider_row (self, role, d->name, add_entry (self, group, title, d->base_url_setting));
        }
      add_provider_options (self, group, d);
      for (const HeyaiProviderSecret *field = d->secrets; field != NULL && field->secret != NULL; field++)
        if (field->title != NULL || heyai_secrets_env_source (field->secret, field->part) != NULL)
          provider_row (self, role, d->name, add_key_row (self, group, field));
      if (d->test_async != NULL)
        provider_row (self, role, d->name, add_test_row (self, group, d));
    }
}

/* Google Drive ----------------------------------------------------------- */

static void
update_drive_row (HeyaiPreferencesWindow *self)
{
  g_autofree char *account = g_settings_get_string (self->settings, "drive-account");
  gboolean connected = account != NULL && *account != '\0';
  g_autofree char *subtitle = NULL;

  /* Translators: the Google account Drive is connected with */
  subtitle = connected ? g_strdup_printf (_("Connected as %s"), account) : g_strdup (_("Not connected"));
  adw_action_row_set_subtitle (self->drive_row, subtitle);
  gtk_button_set_label (self->drive_button, connected ? _("_Disconnect") : _("_Connect…"));
  gtk_button_set_use_underline (self->drive_button, TRUE);
  heyai_drive_signin_set_account (self->drive_signin, account);
}

static void
drive_account_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HeyaiPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = heyai_drive_get_account_finish (HEYAI_DRIVE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (account == NULL)
    {
      /* Connected all the same; only the address is unknown. */
      g_debug ("Drive account: %s", error->message);
      account = g_strdup (_("your Google account"));
    }
  g_settings_set_string (self->settings, "drive-account", account);
  update_drive_row (self);
}

/* The sign-in page says Google answered: Drive is the storage from now on,
 * and the row says which account (Drive's about.get). */
static void
drive_signin_connected_cb (HeyaiDriveSignin       *signin,
                           HeyaiPreferencesWindow *self)
{
  g_autoptr(HeyaiDrive) drive = heyai_drive_new (self->drive_oauth);

  g_settings_set_string (self->settings, "storage-provider", "gdrive");
  adw_action_row_set_subtitle (self->drive_row, _("Connected"));
  gtk_button_set_label (self->drive_button, _("_Disconnect"));
  gtk_widget_set_visible (GTK_WIDGET (self->drive_signin), FALSE);
  toast (self, _("Google Drive connected"));
  heyai_drive_get_account_async (drive, self->cancellable, drive_account_cb, g_object_ref (self));
  heyai_application_reload_providers (self->app);
}

static void
drive_signin_failed_cb (HeyaiDriveSignin       *signin,
                        const char             *message,
                        HeyaiPreferencesWindow *self)
{
  /* The page keeps the full message; the button starts over. */
  gtk_button_set_label (self->drive_button, _("_Try Again"));
}

static void
drive_clicked_cb (GtkButton              *button,
                  HeyaiPreferencesWindow *self)
{
  g_autofree char *account = g_settings_get_string (self->settings, "drive-account");

  if (account != NULL && *account != '\0')
    {
      heyai_secrets_clear_async (HEYAI_SECRET_GOOGLE_REFRESH_TOKEN, self->cancellable, key_cleared_cb, g_object_ref (self));
      g_settings_set_string (self->settings, "drive-account", "");
      g_settings_set_string (self->settings, "storage-provider", "local");
      update_drive_row (self);
      return;
    }
  /* The page shows the address to open (with Copy and Open buttons) and
   * waits for Google. */
  g_clear_object (&self->drive_oauth);
  self->drive_oauth = heyai_oauth_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->drive_signin), TRUE);
  heyai_drive_signin_start (self->drive_signin, self->drive_oauth);
}

/* A provider's own options, beyond what every descriptor row has: the
 * OpenAI API flavour, Google Drive's account and shared drive. */
static void
add_provider_options (HeyaiPreferencesWindow        *self,
                      AdwPreferencesGroup           *group,
                      const HeyaiProviderDescriptor *descriptor)
{
  static const char *const openai_api_values[] = { "", "responses", "chat", NULL };
  static const char *const openai_api_labels[] = { N_("Automatic (by server)"), N_("Responses API"),
                                                   N_("Chat Completions"), NULL };

  if (descriptor->role == HEYAI_ROLE_LLM && g_str_equal (descriptor->name, "openai"))
    provider_row (self, descriptor->role, descriptor->name,
                  add_choice_combo (self, group, _("Server Type"), "openai-api", openai_api_values, openai_api_labels));
  else if (descriptor->role == HEYAI_ROLE_STORAGE && g_str_equal (descriptor->name, "gdrive"))
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Google Account"));
      gtk_widget_set_name (row, "drive-account");
      gtk_widget_set_name (button, "drive-connect-button");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_signal_connect (button, "clicked", G_CALLBACK (drive_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (group, row);
      provider_row (self, descriptor->role, descriptor->name, row);
      self->drive_row = ADW_ACTION_ROW (row);
      self->drive_button = GTK_BUTTON (button);
      provider_row (self, descriptor->role, descriptor->name,
                    add_entry (self, group, _("Shared Drive ID (empty: My Drive)"), "drive-shared-drive-id"));
    }
}

/* Budget and defaults ---------------------------------------------------- */

static GtkWidget *
add_spin_row (HeyaiPreferencesWindow *self,
              AdwPreferencesGroup    *group,
              const char             *title,
              const char             *subtitle,
              const char             *key,
              double                  lower,
              double                  upper,
              double                  step,
              guint                   digits)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  adw_preferences_group_add (group, row);
  return spin;
}

static void
aspect_selected_cb (AdwComboRow            *row,
                    GParamSpec             *pspec,
                    HeyaiPreferencesWindow *self)
{
  g_settings_set_enum (self->settings, "default-aspect", (int) adw_combo_row_get_selected (row));
}

/* GObject ---------------------------------------------------------------- */

static void
heyai_preferences_window_dispose (GObject *object)
{
  HeyaiPreferencesWindow *self = HEYAI_PREFERENCES_WINDOW (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->drive_oauth);
  g_clear_object (&self->settings);
  g_clear_object (&self->app);
  g_clear_pointer (&self->key_rows, g_hash_table_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->provider_rows); i++)
    g_clear_pointer (&self->provider_rows[i], g_ptr_array_unref);

  G_OBJECT_CLASS (heyai_preferences_window_parent_class)->dispose (object);
}

static void
heyai_preferences_window_class_init (HeyaiPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/heyai/Studio/ui/heyai-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HeyaiPreferencesWindow, llm_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPreferencesWindow, imager_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPreferencesWindow, animator_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPreferencesWindow, drive_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPreferencesWindow, budget_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPreferencesWindow, defaults_group);
  gtk_widget_class_bind_template_child (widget_class, HeyaiPreferencesWindow, concurrency_group);
}

static void
heyai_preferences_window_init (HeyaiPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->key_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (self->provider_rows); i++)
    self->provider_rows[i] = g_ptr_array_new ();
}

static void
build (HeyaiPreferencesWindow *self)
{
  g_autoptr(GtkStringList) aspects = gtk_string_list_new ((const char *[]) { "16:9", "9:16", "1:1", NULL });
  GtkWidget *aspect_row;
  AdwComboRow *combos[HEYAI_ROLE_STORAGE + 1];

  /* Script analysis, stills, animation */
  combos[HEYAI_ROLE_LLM] = add_provider_combo (self, self->llm_group, HEYAI_ROLE_LLM, "llm-provider");
  add_provider_rows (self, self->llm_group, HEYAI_ROLE_LLM);
  combos[HEYAI_ROLE_IMAGER] = add_provider_combo (self, self->imager_group, HEYAI_ROLE_IMAGER, "imager-provider");
  add_provider_rows (self, self->imager_group, HEYAI_ROLE_IMAGER);
  combos[HEYAI_ROLE_ANIMATOR] = add_provider_combo (self, self->animator_group, HEYAI_ROLE_ANIMATOR, "animator-provider");
  add_provider_rows (self, self->animator_group, HEYAI_ROLE_ANIMATOR);

  /* Storage */
  combos[HEYAI_ROLE_STORAGE] = add_provider_combo (self, self->drive_group, HEYAI_ROLE_STORAGE, "storage-provider");
  add_provider_rows (self, self->drive_group, HEYAI_ROLE_STORAGE);
  /* The sign-in page: shown while signing in, below the rows. */
  self->drive_signin = HEYAI_DRIVE_SIGNIN (heyai_drive_signin_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->drive_signin), FALSE);
  g_signal_connect (self->drive_signin, "connected", G_CALLBACK (drive_signin_connected_cb), self);
  g_signal_connect (self->drive_signin, "failed", G_CALLBACK (drive_signin_failed_cb), self);
  adw_preferences_group_add (self->drive_group, GTK_WIDGET (self->drive_signin));
  update_drive_row (self);

  for (guint role = 0; role < G_N_ELEMENTS (combos); role++)
    {
      const char * const *values = g_object_get_data (G_OBJECT (combos[role]), "values");

      show_provider_rows (self, (HeyaiRole) role, values[adw_combo_row_get_selected (combos[role])]);
    }

  /* Budget */
  add_spin_row (self, self->budget_group, _("Budget Cap per Batch (USD)"),
                _("A batch stops before it would spend more. 0 means no cap."), "budget-cap", 0, 100000, 1, 2);

  /* Defaults */
  aspect_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (aspect_row), _("Aspect Ratio"));
  adw_combo_row_set_model (ADW_COMBO_ROW (aspect_row), G_LIST_MODEL (aspects));
  adw_combo_row_set_selected (ADW_COMBO_ROW (aspect_row), (guint) g_settings_get_enum (self->settings, "default-aspect"));
  g_signal_connect (aspect_row, "notify::selected", G_CALLBACK (aspect_selected_cb), self);
  adw_preferences_group_add (self->defaults_group, aspect_row);
  add_entry (self, self->defaults_group, _("Style Bible"), "default-style");

  add_spin_row (self, self->concurrency_group, _("Script Analyses at Once"), NULL, "concurrency-llm", 1, 16, 1, 0);
  add_spin_row (self, self->concurrency_group, _("Stills at Once"), NULL, "concurrency-imager", 1, 16, 1, 0);
  add_spin_row (self, self->concurrency_group, _("Clips at Once"), NULL, "concurrency-animator", 1, 16, 1, 0);
  add_spin_row (self, self->concurrency_group, _("Uploads at Once"), NULL, "concurrency-storage", 1, 16, 1, 0);
}

HeyaiPreferencesWindow *
heyai_preferences_window_new (HeyaiApplication *app)
{
  HeyaiPreferencesWindow *self = g_object_new (HEYAI_TYPE_PREFERENCES_WINDOW, NULL);

  self->app = g_object_ref (app);
  build (self);
  return self;
}

GtkWidget *
heyai_preferences_window_get_key_field (HeyaiPreferencesWindow *self,
                                        const HeyaiSecretSpec  *spec,
                                        HeyaiSecretPart         part)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (HEYAI_IS_PREFERENCES_WINDOW (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  key = field_key (spec, part);
  return g_hash_table_lookup (self->key_rows, key);
}

AdwPasswordEntryRow *
heyai_preferences_window_get_key_row (HeyaiPreferencesWindow *self,
                                      const HeyaiSecretSpec  *spec)
{
  GtkWidget *row = heyai_preferences_window_get_key_field (self, spec, HEYAI_SECRET_PART_WHOLE);

  return ADW_IS_PASSWORD_ENTRY_ROW (row) ? ADW_PASSWORD_ENTRY_ROW (row) : NULL;
}

HeyaiDriveSignin *
heyai_preferences_window_get_drive_signin (HeyaiPreferencesWindow *self)
{
  g_return_val_if_fail (HEYAI_IS_PREFERENCES_WINDOW (self), NULL);
  return self->drive_signin;
}

AdwActionRow *
heyai_preferences_window_get_drive_row (HeyaiPreferencesWindow *self)
{
  g_return_val_if_fail (HEYAI_IS_PREFERENCES_WINDOW (self), NULL);
  return self->drive_row;
}

gboolean
heyai_preferences_window_get_keys_loaded (HeyaiPreferencesWindow *self)
{
  g_return_val_if_fail (HEYAI_IS_PREFERENCES_WINDOW (self), FALSE);
  return self->n_keys_pending == 0;
}
