/* test-registry.c: provider names, creation and name resolution.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "heyai-providers.h"
#include "heyai-provider-descriptors.h"
#include "provider-test-utils.h"

static const char * const env_vars[] = { "HEYAI_LLM", "HEYAI_IMAGER", "HEYAI_ANIMATOR", "HEYAI_STORAGE" };

static void
clear_env (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (env_vars); i++)
    g_unsetenv (env_vars[i]);
}

static void
assert_names (HeyaiRole                 role,
              const char * const       *expected)
{
  const char * const *names = heyai_provider_names (role);
  guint i;

  g_assert_nonnull (names);
  for (i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (names[i], ==, expected[i]);
  g_assert_null (names[i]);
}

static void
test_names (void)
{
  assert_names (HEYAI_ROLE_LLM, (const char *[]) { "offline", "openai", "anthropic", NULL });
  assert_names (HEYAI_ROLE_IMAGER, (const char *[]) { "offline", "higgsfield", NULL });
  assert_names (HEYAI_ROLE_ANIMATOR, (const char *[]) { "offline", "kling", NULL });
  assert_names (HEYAI_ROLE_STORAGE, (const char *[]) { "local", "gdrive", NULL });
}

static void
test_create_offline (void)
{
  g_autofree char *dir = g_dir_make_tmp ("heyai-registry-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) llm = heyai_provider_create (HEYAI_ROLE_LLM, "offline", dir, &error);
  g_autoptr(GObject) imager = heyai_provider_create (HEYAI_ROLE_IMAGER, "offline", dir, &error);
  g_autoptr(GObject) animator = heyai_provider_create (HEYAI_ROLE_ANIMATOR, "OFFLINE", dir, &error);
  g_autoptr(GObject) storage = heyai_provider_create (HEYAI_ROLE_STORAGE, "local", dir, &error);
  g_autoptr(GObject) by_default = heyai_provider_create (HEYAI_ROLE_STORAGE, NULL, dir, &error);

  g_assert_no_error (error);
  g_assert_true (HEYAI_IS_LLM (llm));
  g_assert_cmpstr (heyai_llm_get_name (HEYAI_LLM (llm)), ==, "offline");
  g_assert_true (HEYAI_IS_IMAGER (imager));
  g_assert_cmpstr (heyai_imager_get_name (HEYAI_IMAGER (imager)), ==, "offline");
  g_assert_cmpstr (heyai_imager_get_model (HEYAI_IMAGER (imager)), ==, "storyboard-frame-1");
  g_assert_true (HEYAI_IS_ANIMATOR (animator));
  g_assert_cmpstr (heyai_animator_get_name (HEYAI_ANIMATOR (animator)), ==, "offline");
  g_assert_cmpstr (heyai_animator_get_model (HEYAI_ANIMATOR (animator)), ==, "ken-burns-1");
  g_assert_true (HEYAI_IS_STORAGE (storage));
  g_assert_cmpstr (heyai_storage_get_name (HEYAI_STORAGE (storage)), ==, "local");
  g_assert_true (HEYAI_IS_STORAGE (by_default));
  g_assert_cmpstr (heyai_storage_get_name (HEYAI_STORAGE (by_default)), ==, "local");

  g_rmdir (dir);
}

static void
test_unknown (void)
{
  g_autoptr(GError) error = NULL;
  GObject *object;

  object = heyai_provider_create (HEYAI_ROLE_ANIMATOR, "foo", NULL, &error);
  g_assert_null (object);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Unknown animator “foo”. Choose one of: offline, kling.");
  g_clear_error (&error);

  object = heyai_provider_create (HEYAI_ROLE_LLM, "gpt", NULL, &error);
  g_assert_null (object);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Unknown LLM “gpt”. Choose one of: offline, openai, anthropic.");
  g_clear_error (&error);

  /* A name of another role is unknown here. */
  object = heyai_provider_create (HEYAI_ROLE_STORAGE, "kling", NULL, &error);
  g_assert_null (object);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "Unknown storage “kling”. Choose one of: local, gdrive.");
}

/* The real services either work (credentials found) or fail with a clear
 * error that is not "unknown name". */
static void
test_real_services (void)
{
  static const struct { HeyaiRole role; const char *name; } real[] = {
    { HEYAI_ROLE_LLM, "openai" }, { HEYAI_ROLE_LLM, "anthropic" },
    { HEYAI_ROLE_IMAGER, "higgsfield" }, { HEYAI_ROLE_ANIMATOR, "kling" },
    { HEYAI_ROLE_STORAGE, "gdrive" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (real); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) object = heyai_provider_create (real[i].role, real[i].name, NULL, &error);

      if (object != NULL)
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_nonnull (error);
      g_test_message ("%s: %s", real[i].name, error->message);
      g_assert_false (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT));
      g_assert_cmpuint (strlen (error->message), >, 20);
    }
}

static void
test_resolve (void)
{
  clear_env ();

  /* Defaults. */
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_LLM, NULL, NULL), ==, "offline");
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_IMAGER, NULL, NULL), ==, "offline");
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_ANIMATOR, "", ""), ==, "offline");
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_STORAGE, NULL, NULL), ==, "local");

  /* Setting beats the default. */
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_ANIMATOR, NULL, "kling"), ==, "kling");

  /* The environment beats the setting. */
  g_setenv ("HEYAI_ANIMATOR", "offline", TRUE);
  g_setenv ("HEYAI_STORAGE", "gdrive", TRUE);
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_ANIMATOR, NULL, "kling"), ==, "offline");
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_STORAGE, NULL, "local"), ==, "gdrive");
  /* ...and only for its own role. */
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_IMAGER, NULL, "higgsfield"), ==, "higgsfield");

  /* The flag beats everything. */
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_ANIMATOR, "kling", "offline"), ==, "kling");
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_STORAGE, "local", NULL), ==, "local");

  /* An empty variable counts as unset. */
  g_setenv ("HEYAI_LLM", "", TRUE);
  g_assert_cmpstr (heyai_provider_resolve_name (HEYAI_ROLE_LLM, NULL, "anthropic"), ==, "anthropic");

  clear_env ();
}

static void
test_wrappers_check_arguments (void)
{
  if (g_test_subprocess ())
    {
      heyai_imager_get_name (NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*HEYAI_IS_IMAGER*");
}

/* One descriptor table: every registered name has its row, the services'
 * base URLs and overrides live there (not in src/net), and the choices
 * shown in help texts come from it. */
static void
test_descriptors (void)
{
  guint n = 0;
  const HeyaiProviderDescriptor *all = heyai_provider_descriptors (&n);
  const HeyaiProviderDescriptor *higgsfield = heyai_provider_descriptor_lookup (HEYAI_ROLE_IMAGER, "Higgsfield");
  const HeyaiProviderDescriptor *kling = heyai_provider_descriptor_lookup (HEYAI_ROLE_ANIMATOR, "kling");
  g_autofree char *choices = NULL;

  g_assert_cmpuint (n, >=, 9);
  for (guint role = HEYAI_ROLE_LLM; role <= HEYAI_ROLE_STORAGE; role++)
    for (const char * const *name = heyai_provider_names (role); *name != NULL; name++)
      {
        const HeyaiProviderDescriptor *d = heyai_provider_descriptor_lookup (role, *name);

        g_assert_nonnull (d);
        g_assert_cmpint (d->role, ==, role);
        g_assert_nonnull (heyai_provider_descriptor_label (d));
        g_assert_true ((d->base_url == NULL) == (d->base_url_env == NULL));
        g_assert_true (d->max_jobs == 0 || d->default_jobs <= d->max_jobs);
      }
  g_assert_true (all[0].role == HEYAI_ROLE_LLM && g_str_equal (all[0].name, "offline"));
  g_assert_null (heyai_provider_descriptor_lookup (HEYAI_ROLE_IMAGER, "kling"));
  g_assert_null (heyai_provider_descriptor_lookup (HEYAI_ROLE_IMAGER, NULL));

  /* Contracts of 2026-12 (C.1 item 1): Higgsfield's current host. */
  g_assert_nonnull (higgsfield);
  g_assert_cmpstr (higgsfield->base_url, ==, "https://api.higgsfield.ai");
  g_assert_cmpstr (heyai_provider_descriptor_label (higgsfield), ==, "Higgsfield");
  g_assert_cmpstr (higgsfield->base_url_env, ==, "HEYAI_HIGGSFIELD_BASE_URL");

  g_assert_nonnull (kling);
  g_assert_true (kling->still_limits == &heyai_kling_still_limits);
  /* The keyring entries, in the row's order (the clients find theirs by
   * index); the two halves of Higgsfield's pair are one entry. */
  g_assert_true (g_strv_contains (heyai_provider_descriptor_secret (kling, 0)->env, "KLING_ACCESS_KEY"));
  g_assert_true (g_strv_contains (heyai_provider_descriptor_secret (kling, 1)->env, "KLING_SECRET_KEY"));
  g_assert_true (g_strv_contains (heyai_provider_descriptor_secret (kling, 2)->env, "KLING_API_KEY"));
  g_assert_null (heyai_provider_descriptor_secret (kling, 3));
  g_assert_cmpstr (heyai_provider_descriptor_secret (higgsfield, 0)->service, ==, "higgsfield");
  g_assert_null (heyai_provider_descriptor_secret (higgsfield, 1));
  g_assert_null (heyai_provider_descriptor_secret (heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, "offline"), 0));
  g_assert_null (heyai_provider_descriptor_lookup (HEYAI_ROLE_LLM, "offline")->base_url);

  choices = heyai_provider_describe_choices (HEYAI_ROLE_LLM);
  g_assert_cmpstr (choices, ==, "offline, openai or anthropic");
}

/* The descriptor rows are the one place for credentials, prices and Test
 * Connection: every paid provider (one with keys) can be tested, each
 * field's keyring entry is found by its service, names a variable and has
 * a missing-key sentence; a pair entry has both halves as fields. */
static void
test_descriptor_secrets (void)
{
  guint n = 0;
  const HeyaiProviderDescriptor *d = heyai_provider_descriptors (&n);
  guint paid = 0, priced = 0;

  for (guint i = 0; i < n; i++)
    {
      guint halves = 0;

      if (d[i].secrets == NULL)
        {
          g_assert_null (d[i].test_async);
          continue;
        }
      paid++;
      g_assert_nonnull (d[i].test_async);
      g_assert_nonnull (d[i].test_finish);
      g_assert_nonnull (d[i].get_type);
      for (const HeyaiProviderSecret *f = d[i].secrets; f->secret != NULL; f++)
        {
          g_assert_nonnull (f->secret->service);
          g_assert_nonnull (f->secret->label);
          g_assert_nonnull (f->secret->missing);
          g_assert_nonnull (f->secret->env_text);
          g_assert_true (f->secret->env != NULL || f->secret->env_first != NULL);
          g_assert_true (heyai_provider_secret_spec (f->secret->service) == f->secret);
          if (f->secret->pair)
            halves |= f->part == HEYAI_SECRET_PART_FIRST ? 1 : f->part == HEYAI_SECRET_PART_SECOND ? 2 : 4;
          else
            g_assert_cmpint (f->part, ==, HEYAI_SECRET_PART_WHOLE);
        }
      g_assert_true (halves == 0 || halves == 3);
      for (const HeyaiProviderPrice *p = d[i].prices; p != NULL && p->kind != NULL; p++)
        {
          g_assert_cmpfloat (p->usd, >, 0);
          g_assert_nonnull (p->unit);
          g_assert_cmpfloat (heyai_provider_descriptor_price (&d[i], p->kind), ==, p->usd);
          priced++;
        }
    }
  g_assert_cmpuint (paid, >=, 5);     /* openai, anthropic, higgsfield, kling, gdrive */
  g_assert_cmpuint (priced, >=, 2);   /* a still, a clip */
  g_assert_cmpfloat (heyai_provider_descriptor_price (heyai_provider_descriptor_lookup (HEYAI_ROLE_IMAGER, "offline"),
                                                      "image"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Providers/Registry/names", test_names);
  g_test_add_func ("/Providers/Registry/descriptors", test_descriptors);
  g_test_add_func ("/Providers/Registry/create-offline", test_create_offline);
  g_test_add_func ("/Providers/Registry/unknown", test_unknown);
  g_test_add_func ("/Providers/Registry/real-services", test_real_services);
  g_test_add_func ("/Providers/Registry/resolve", test_resolve);
  g_test_add_func ("/Providers/Registry/wrappers-check-arguments", test_wrappers_check_arguments);
  g_test_add_func ("/Providers/Registry/descriptor-secrets", test_descriptor_secrets);

  return g_test_run ();
}
