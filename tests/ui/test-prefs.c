/* test-prefs.c: Preferences read the provider descriptors (issue 13 point 1,
 * issue 15 point 3): only the chosen provider's fields show, a key the
 * environment supplies says which variable sets it, Higgsfield's key and
 * secret are two fields stored as one "key:secret" keyring entry, and the
 * Drive sign-in page lives in the storage section and ends with the
 * account (a real sign-in against the fake Google).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "heyai-fake.h"

static HeyaiFake *shared_fake;
#include "heyai-preferences-window.h"
#include "ui-test-utils.h"

static const char * const key_vars[] = {
  "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_API_KEY", "HF_API_SECRET", "HF_CREDENTIALS", "HF_KEY",
  "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_API_KEY", "HEYAI_LLM", "HEYAI_IMAGER",
  "HEYAI_ANIMATOR", "HEYAI_STORAGE",
};

static void
clear_key_env (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (key_vars); i++)
    g_unsetenv (key_vars[i]);
}

static HeyaiPreferencesWindow *
open_prefs_sized (int height)
{
  HeyaiPreferencesWindow *prefs = heyai_preferences_window_new (ui_test_app ());

  if (height > 0)
    gtk_window_set_default_size (GTK_WINDOW (prefs), 640, height);
  gtk_window_present (GTK_WINDOW (prefs));
  for (guint i = 0; i < 200 && !heyai_preferences_window_get_keys_loaded (prefs); i++)
    ui_test_spin (20);
  g_assert_true (heyai_preferences_window_get_keys_loaded (prefs));
  return prefs;
}

static HeyaiPreferencesWindow *
open_prefs (void)
{
  return open_prefs_sized (0);
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
select_provider (HeyaiPreferencesWindow *prefs,
                 const char             *combo_name,
                 HeyaiRole               role,
                 const char             *provider)
{
  GtkWidget *combo = find_named (GTK_WIDGET (prefs), combo_name);
  const char * const *names = heyai_provider_names (role);
  guint index = G_MAXUINT;

  g_assert_true (ADW_IS_COMBO_ROW (combo));
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], provider))
      index = i;
  g_assert_cmpuint (index, !=, G_MAXUINT);
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), index);
}

static GtkWidget *
field (HeyaiPreferencesWindow *prefs,
       const HeyaiSecretSpec  *spec,
       HeyaiSecretPart         part)
{
  GtkWidget *row = heyai_preferences_window_get_key_field (prefs, spec, part);

  g_assert_nonnull (row);
  return row;
}

static gboolean
shown (HeyaiPreferencesWindow *prefs,
       const HeyaiSecretSpec  *spec,
       HeyaiSecretPart         part)
{
  return gtk_widget_get_visible (field (prefs, spec, part));
}

/* Switching the provider combo shows that provider's rows, and only those. */
static void
test_chosen_provider_rows (void)
{
  GSettings *settings = heyai_application_get_settings (ui_test_app ());
  HeyaiPreferencesWindow *prefs;

  clear_key_env ();
  g_settings_set_string (settings, "llm-provider", "openai");
  g_settings_set_string (settings, "imager-provider", "offline");
  g_settings_set_string (settings, "animator-provider", "kling");
  prefs = open_prefs ();

  g_assert_true (shown (prefs, HEYAI_SECRET_OPENAI, HEYAI_SECRET_PART_WHOLE));
  g_assert_false (shown (prefs, HEYAI_SECRET_ANTHROPIC, HEYAI_SECRET_PART_WHOLE));
  g_assert_false (shown (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST));
  g_assert_true (shown (prefs, HEYAI_SECRET_KLING_ACCESS, HEYAI_SECRET_PART_WHOLE));
  g_assert_true (shown (prefs, HEYAI_SECRET_KLING_SECRET, HEYAI_SECRET_PART_WHOLE));
  /* The rarely used single-key scheme is no field of its own. */
  g_assert_null (heyai_preferences_window_get_key_field (prefs, HEYAI_SECRET_KLING_API_KEY, HEYAI_SECRET_PART_WHOLE));

  select_provider (prefs, "llm-provider", HEYAI_ROLE_LLM, "anthropic");
  g_assert_false (shown (prefs, HEYAI_SECRET_OPENAI, HEYAI_SECRET_PART_WHOLE));
  g_assert_true (shown (prefs, HEYAI_SECRET_ANTHROPIC, HEYAI_SECRET_PART_WHOLE));
  {
    g_autofree char *llm = g_settings_get_string (settings, "llm-provider");

    g_assert_cmpstr (llm, ==, "anthropic");
  }

  select_provider (prefs, "imager-provider", HEYAI_ROLE_IMAGER, "higgsfield");
  g_assert_true (shown (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST));
  g_assert_true (shown (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND));

  select_provider (prefs, "llm-provider", HEYAI_ROLE_LLM, "offline");
  select_provider (prefs, "animator-provider", HEYAI_ROLE_ANIMATOR, "offline");
  g_assert_false (shown (prefs, HEYAI_SECRET_OPENAI, HEYAI_SECRET_PART_WHOLE));
  g_assert_false (shown (prefs, HEYAI_SECRET_ANTHROPIC, HEYAI_SECRET_PART_WHOLE));
  g_assert_false (shown (prefs, HEYAI_SECRET_KLING_ACCESS, HEYAI_SECRET_PART_WHOLE));
  g_assert_false (shown (prefs, HEYAI_SECRET_KLING_SECRET, HEYAI_SECRET_PART_WHOLE));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
assert_set_by (GtkWidget  *row,
               const char *title,
               const char *variable)
{
  g_autofree char *subtitle = g_strdup_printf ("Set by %s", variable);

  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_false (ADW_IS_ENTRY_ROW (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, subtitle);
  g_assert_false (gtk_widget_get_sensitive (row));
}

/* Keys from the environment are labelled as such, not empty fields. */
static void
test_env_keys (void)
{
  GSettings *settings = heyai_application_get_settings (ui_test_app ());
  HeyaiPreferencesWindow *prefs;

  clear_key_env ();
  g_settings_set_string (settings, "llm-provider", "anthropic");
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_setenv ("ANTHROPIC_API_KEY", "sk-ant-from-env", TRUE);
  g_setenv ("HF_API_KEY", "hf-id", TRUE);
  g_setenv ("HF_API_SECRET", "hf-secret", TRUE);
  prefs = open_prefs ();
  assert_set_by (field (prefs, HEYAI_SECRET_ANTHROPIC, HEYAI_SECRET_PART_WHOLE), "API Key", "ANTHROPIC_API_KEY");
  assert_set_by (field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST), "API Key", "HF_API_KEY");
  assert_set_by (field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND), "API Secret", "HF_API_SECRET");
  g_assert_true (shown (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND));
  /* So is the provider chosen by the environment (it wins over the setting). */
  {
    GtkWidget *combo;

    gtk_window_destroy (GTK_WINDOW (prefs));
    g_setenv ("HEYAI_LLM", "openai", TRUE);
    prefs = open_prefs ();
    combo = find_named (GTK_WIDGET (prefs), "llm-provider");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (combo)), ==, "Set by HEYAI_LLM");
    g_assert_false (gtk_widget_get_sensitive (combo));
    g_assert_true (shown (prefs, HEYAI_SECRET_OPENAI, HEYAI_SECRET_PART_WHOLE));
    g_assert_false (shown (prefs, HEYAI_SECRET_ANTHROPIC, HEYAI_SECRET_PART_WHOLE));
    g_unsetenv ("HEYAI_LLM");
  }
  /* A key that is not in the environment stays an editable field. */
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (field (prefs, HEYAI_SECRET_OPENAI, HEYAI_SECRET_PART_WHOLE)));
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* A key with no field of its own shows only when the environment sets it. */
  g_setenv ("KLING_API_KEY", "kling-single-key", TRUE);
  g_settings_set_string (settings, "animator-provider", "kling");
  prefs = open_prefs ();
  assert_set_by (field (prefs, HEYAI_SECRET_KLING_API_KEY, HEYAI_SECRET_PART_WHOLE), "Kling API key", "KLING_API_KEY");
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* The "key:secret" form names its one variable on both fields. */
  clear_key_env ();
  g_setenv ("HF_CREDENTIALS", "hf-id:hf-secret", TRUE);
  prefs = open_prefs ();
  assert_set_by (field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST), "API Key", "HF_CREDENTIALS");
  assert_set_by (field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND), "API Secret", "HF_CREDENTIALS");
  gtk_window_destroy (GTK_WINDOW (prefs));
  clear_key_env ();
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  char **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = heyai_secrets_lookup_finish (result, &error);
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("");
}

static char *
stored (const HeyaiSecretSpec *spec)
{
  char *value = NULL;

  heyai_secrets_lookup_async (spec, NULL, lookup_cb, &value);
  for (guint i = 0; i < 500 && value == NULL; i++)
    ui_test_spin (10);
  g_assert_nonnull (value);
  return value;
}

static void
wait_stored (const HeyaiSecretSpec *spec,
             const char            *expected)
{
  g_autofree char *value = NULL;

  for (guint i = 0; i < 100; i++)
    {
      g_clear_pointer (&value, g_free);
      value = stored (spec);
      if (g_str_equal (value, expected))
        break;
      ui_test_spin (20);
    }
  g_assert_cmpstr (value, ==, expected);
}

/* Higgsfield: two fields, "API Key" and "API Secret", one keyring entry
 * "key:secret" (the form the service's credentials and HF_CREDENTIALS
 * take); read back split into the two fields. */
static void
test_higgsfield_two_fields (void)
{
  GSettings *settings = heyai_application_get_settings (ui_test_app ());
  HeyaiPreferencesWindow *prefs;
  GtkWidget *key, *secret;
  g_autofree char *before = NULL;

  clear_key_env ();
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  prefs = open_prefs ();
  key = field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST);
  secret = field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND);
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (key) && ADW_IS_PASSWORD_ENTRY_ROW (secret));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (key)), ==, "API Key");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (secret)), ==, "API Secret");

  /* Half a pair is not stored. */
  before = stored (HEYAI_SECRET_HIGGSFIELD);
  gtk_editable_set_text (GTK_EDITABLE (key), "hf-key-123");
  gtk_editable_set_text (GTK_EDITABLE (secret), "");
  g_signal_emit_by_name (key, "apply");
  ui_test_spin (200);
  wait_stored (HEYAI_SECRET_HIGGSFIELD, before);

  gtk_editable_set_text (GTK_EDITABLE (secret), "hf-secret:with-colon");
  g_signal_emit_by_name (secret, "apply");
  wait_stored (HEYAI_SECRET_HIGGSFIELD, "hf-key-123:hf-secret:with-colon");
  gtk_window_destroy (GTK_WINDOW (prefs));

  prefs = open_prefs ();
  key = field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_FIRST);
  secret = field (prefs, HEYAI_SECRET_HIGGSFIELD, HEYAI_SECRET_PART_SECOND);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key)), ==, "hf-key-123");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (secret)), ==, "hf-secret:with-colon");

  /* Emptying both removes the entry. */
  gtk_editable_set_text (GTK_EDITABLE (key), "");
  gtk_editable_set_text (GTK_EDITABLE (secret), "");
  g_signal_emit_by_name (secret, "apply");
  wait_stored (HEYAI_SECRET_HIGGSFIELD, "");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static void
browse_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_no_error (error);
  *done = TRUE;
}

/* Drive: Connect shows the sign-in page inside Preferences' storage
 * section; a (fake) Google sign-in ends with "Connected as <account>" in
 * Preferences, not "Not connected". */
static void
test_drive_signin (void)
{
  GSettings *settings = heyai_application_get_settings (ui_test_app ());
  HeyaiFake *fake = shared_fake;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  HeyaiPreferencesWindow *prefs;
  HeyaiDriveSignin *signin;
  AdwActionRow *row;
  GtkWidget *button;
  gboolean done = FALSE;

  heyai_fake_set_option (fake, "google.account", "producer@example.com");
  g_unsetenv ("HEYAI_DRIVE_REFRESH_TOKEN");
  g_settings_set_string (settings, "drive-account", "");
  g_settings_set_string (settings, "storage-provider", "gdrive");

  prefs = open_prefs ();
  row = heyai_preferences_window_get_drive_row (prefs);
  signin = heyai_preferences_window_get_drive_signin (prefs);
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (signin), GTK_WIDGET (prefs)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Not connected");
  /* The Google client comes from the environment here: said so. */
  assert_set_by (field (prefs, HEYAI_SECRET_GOOGLE_CLIENT_ID, HEYAI_SECRET_PART_WHOLE),
                 "Google Cloud Client ID", "HEYAI_GOOGLE_CLIENT_ID");

  button = find_named (GTK_WIDGET (row), "drive-connect-button");
  g_assert_true (GTK_IS_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (signin)));
  for (guint i = 0; i < 200 && heyai_drive_signin_get_uri (signin) == NULL; i++)
    ui_test_spin (20);
  g_assert_nonnull (heyai_drive_signin_get_uri (signin));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs),
                                           ADW_PREFERENCES_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (signin),
                                                                                          ADW_TYPE_PREFERENCES_PAGE)));
  g_free (ui_test_screenshot (GTK_WIDGET (prefs), "preferences-drive-signin"));

  /* What the browser does: the fake consents and redirects to the loopback. */
  msg = soup_message_new ("GET", heyai_drive_signin_get_uri (signin));
  soup_session_send_and_read_async (browser, msg, G_PRIORITY_DEFAULT, NULL, browse_cb, &done);
  g_assert_true (ui_test_wait (&done, 20000));
  for (guint i = 0; i < 500 && g_strcmp0 (adw_action_row_get_subtitle (row), "Connected as producer@example.com") != 0; i++)
    ui_test_spin (20);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Connected as producer@example.com");
  g_assert_cmpstr (heyai_drive_signin_get_status (signin), ==, "Connected as producer@example.com");
  {
    g_autofree char *storage = g_settings_get_string (settings, "storage-provider");

    g_assert_cmpstr (storage, ==, "gdrive");
  }
  g_assert_cmpuint (heyai_fake_get_count (fake, "drive.about"), ==, 1);
  g_free (ui_test_screenshot (GTK_WIDGET (prefs), "preferences-drive-connected"));
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* A new window still says so; Disconnect goes back to the local folder,
   * and the combo and rows follow. */
  prefs = open_prefs ();
  row = heyai_preferences_window_get_drive_row (prefs);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Connected as producer@example.com");
  g_signal_emit_by_name (find_named (GTK_WIDGET (row), "drive-connect-button"), "clicked");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Not connected");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (row)));
  {
    g_autofree char *storage = g_settings_get_string (settings, "storage-provider");

    g_assert_cmpstr (storage, ==, "local");
  }
  ui_test_spin (200);
  gtk_window_destroy (GTK_WINDOW (prefs));

  soup_session_abort (browser);
  g_settings_set_string (settings, "storage-provider", "local");
  g_settings_set_string (settings, "drive-account", "");
}

static const char *
test_row_result (HeyaiPreferencesWindow *prefs,
                 const char             *provider)
{
  g_autofree char *name = g_strdup_printf ("test-%s", provider);
  GtkWidget *row = find_named (GTK_WIDGET (prefs), name);
  GtkWidget *button;

  g_assert_true (ADW_IS_ACTION_ROW (row));
  g_assert_true (gtk_widget_get_visible (row));
  button = find_named (row, "test-button");
  g_assert_true (GTK_IS_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
  for (guint i = 0; i < 1000; i++)
    {
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

      if (g_strcmp0 (subtitle, "Checking…") != 0 && g_strcmp0 (subtitle, "Not checked yet") != 0)
        break;
      ui_test_spin (20);
    }
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* Each paid provider's Test row makes a cheap authenticated call against
 * its fake and says "Key accepted", or what is wrong, in the row. */
static void
test_connection_rows (void)
{
  GSettings *settings = heyai_application_get_settings (ui_test_app ());
  HeyaiFake *fake = shared_fake;
  HeyaiPreferencesWindow *prefs;
  gint64 accepted = heyai_fake_get_counter (fake, "higgsfield.accepted");
  guint created = heyai_fake_get_count (fake, "kling.create");
  guint messages = heyai_fake_get_count (fake, "anthropic.messages");

  g_settings_set_string (settings, "llm-provider", "anthropic");
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_settings_set_string (settings, "animator-provider", "kling");
  g_settings_set_string (settings, "storage-provider", "local");

  clear_key_env ();
  g_setenv ("ANTHROPIC_API_KEY", "sk-ant-fake", TRUE);
  g_setenv ("HF_CREDENTIALS", "fake-hf-id:fake-hf-secret", TRUE);
  g_setenv ("KLING_ACCESS_KEY", "fake-kling-access", TRUE);
  g_setenv ("KLING_SECRET_KEY", "fake-kling-secret", TRUE);
  prefs = open_prefs ();
  g_assert_cmpstr (test_row_result (prefs, "anthropic"), ==, "Key accepted");
  g_assert_cmpstr (test_row_result (prefs, "higgsfield"), ==, "Key accepted");
  g_assert_cmpstr (test_row_result (prefs, "kling"), ==, "Key accepted");
  g_free (ui_test_screenshot (GTK_WIDGET (prefs), "preferences-test-connection"));
  gtk_window_destroy (GTK_WINDOW (prefs));

  g_setenv ("ANTHROPIC_API_KEY", "sk-ant-wrong", TRUE);
  g_setenv ("HF_CREDENTIALS", "fake-hf-id:wrong", TRUE);
  g_setenv ("KLING_SECRET_KEY", "wrong-secret-key-xyz", TRUE);
  prefs = open_prefs ();
  g_assert_nonnull (strstr (test_row_result (prefs, "anthropic"), "ANTHROPIC_API_KEY"));
  g_assert_nonnull (strstr (test_row_result (prefs, "higgsfield"), "HF_API_KEY"));
  g_assert_nonnull (strstr (test_row_result (prefs, "kling"), "KLING_ACCESS_KEY"));
  g_free (ui_test_screenshot (GTK_WIDGET (prefs), "preferences-test-connection-refused"));
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* Nothing was billed. */
  g_assert_cmpint (heyai_fake_get_counter (fake, "higgsfield.accepted"), ==, accepted);
  g_assert_cmpuint (heyai_fake_get_count (fake, "kling.create"), ==, created);
  g_assert_cmpuint (heyai_fake_get_count (fake, "anthropic.messages"), ==, messages);
  clear_key_env ();
}

/* The screenshot of the new Preferences (Higgsfield and Kling chosen, one
 * key from the environment). */
static void
test_screenshot (void)
{
  GSettings *settings = heyai_application_get_settings (ui_test_app ());
  HeyaiPreferencesWindow *prefs;

  clear_key_env ();
  g_settings_set_string (settings, "llm-provider", "openai");
  g_settings_set_string (settings, "imager-provider", "higgsfield");
  g_settings_set_string (settings, "animator-provider", "kling");
  g_setenv ("OPENAI_API_KEY", "sk-from-env", TRUE);
  prefs = open_prefs_sized (880);
  g_free (ui_test_screenshot (GTK_WIDGET (prefs), "preferences-providers"));
  select_provider (prefs, "llm-provider", HEYAI_ROLE_LLM, "offline");
  select_provider (prefs, "imager-provider", HEYAI_ROLE_IMAGER, "offline");
  g_free (ui_test_screenshot (GTK_WIDGET (prefs), "preferences-providers-offline"));
  gtk_window_destroy (GTK_WINDOW (prefs));
  clear_key_env ();
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_autoptr(GError) error = NULL;

  if (!ui_test_init (&argc, &argv))
    return 0;
  /* The services' addresses are read once, when the workspace starts (no
   * g_setenv after start-up): the fakes are up before the window. */
  shared_fake = heyai_fake_new ();
  g_assert_true (heyai_fake_install (shared_fake, "all", &error));
  g_assert_true (heyai_fake_start (shared_fake, 0, &error));
  heyai_fake_setenv (shared_fake);
  g_setenv ("HEYAI_HTTP_DELAY_SCALE", "0", TRUE);
  g_test_add_func ("/ui/prefs/chosen-provider-rows", test_chosen_provider_rows);
  g_test_add_func ("/ui/prefs/env-keys", test_env_keys);
  g_test_add_func ("/ui/prefs/higgsfield-two-fields", test_higgsfield_two_fields);
  g_test_add_func ("/ui/prefs/drive-signin", test_drive_signin);
  g_test_add_func ("/ui/prefs/test-connection", test_connection_rows);
  g_test_add_func ("/ui/prefs/screenshot", test_screenshot);
  status = g_test_run ();
  ui_test_cleanup ();
  heyai_fake_stop (shared_fake);
  g_clear_object (&shared_fake);
  return status;
}
