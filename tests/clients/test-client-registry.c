/* test-registry.c: the real providers created by name through the registry;
 * a missing credential fails the first request with the variable's name, and
 * nothing reaches the service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "clients-fixture.h"

static const char *credential_vars[] = {
  "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "HF_API_KEY", "HF_API_SECRET", "HF_CREDENTIALS", "HF_KEY",
  "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "KLING_API_KEY",
};

static void
registry_setup (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *keyring = NULL;

  fixture_setup (f, "all");
  /* An empty keyring of our own: nothing stored, nothing of the developer's. */
  keyring = g_build_filename (f->tmp, "test.keyring", NULL);
  g_setenv ("SECRET_BACKEND", "file", TRUE);
  g_setenv ("SECRET_FILE_TEST_PATH", keyring, TRUE);
  g_setenv ("SECRET_FILE_TEST_PASSWORD", "test", TRUE);
  g_setenv ("HEYAI_SECRET_SCHEMA", "io.github.heyai.Studio.Test.ClientsRegistry", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (credential_vars); i++)
    g_unsetenv (credential_vars[i]);
  heyai_fake_setenv (f->fake);
}

static void
count_notify (guint *counter)
{
  (*counter)++;
}

static void
test_names (void)
{
  struct { HeyaiRole role; const char *name; } cases[] = {
    { HEYAI_ROLE_LLM, "openai" }, { HEYAI_ROLE_LLM, "anthropic" },
    { HEYAI_ROLE_IMAGER, "higgsfield" }, { HEYAI_ROLE_ANIMATOR, "kling" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) provider = NULL;

      g_setenv ("OPENAI_API_KEY", "k", TRUE);
      g_setenv ("ANTHROPIC_API_KEY", "k", TRUE);
      g_setenv ("HF_CREDENTIALS", "a:b", TRUE);
      g_setenv ("KLING_ACCESS_KEY", "a", TRUE);
      g_setenv ("KLING_SECRET_KEY", "b", TRUE);
      provider = heyai_provider_create (cases[i].role, cases[i].name, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (provider);

      /* The window applies the model setting after creation; "" keeps the default. */
      {
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        guint notified = 0;

        g_signal_connect_swapped (provider, "notify::model", G_CALLBACK (count_notify), &notified);
        g_object_get (provider, "model", &before, NULL);
        g_object_set (provider, "model", "", NULL);
        g_object_set (provider, "model", "custom-model", NULL);
        g_object_set (provider, "model", "custom-model", NULL);
        g_object_get (provider, "model", &after, NULL);
        g_assert_nonnull (before);
        g_assert_cmpstr (after, ==, "custom-model");
        g_assert_cmpuint (notified, ==, 1);
      }
      switch (cases[i].role)
        {
        case HEYAI_ROLE_LLM:
          g_assert_cmpstr (heyai_llm_get_name (HEYAI_LLM (provider)), ==, cases[i].name);
          break;
        case HEYAI_ROLE_IMAGER:
          g_assert_cmpstr (heyai_imager_get_name (HEYAI_IMAGER (provider)), ==, cases[i].name);
          break;
        case HEYAI_ROLE_ANIMATOR:
          g_assert_cmpstr (heyai_animator_get_name (HEYAI_ANIMATOR (provider)), ==, cases[i].name);
          break;
        case HEYAI_ROLE_STORAGE:
        default:
          g_assert_not_reached ();
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (credential_vars); i++)
    g_unsetenv (credential_vars[i]);
}

static void
test_kling_secret_missing_at_create (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) provider = NULL;

  g_setenv ("KLING_ACCESS_KEY", "a", TRUE);
  g_unsetenv ("KLING_SECRET_KEY");
  provider = heyai_provider_create (HEYAI_ROLE_ANIMATOR, "kling", NULL, &error);
  g_assert_null (provider);
  g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "KLING_SECRET_KEY"));
  g_unsetenv ("KLING_ACCESS_KEY");
}

static void
test_missing_credentials (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(HeyaiProject) project = make_project ("A lighthouse.");
  g_autoptr(HeyaiScene) scene = make_scene (1, "A lighthouse", "Fog", 5, HEYAI_CAMERA_STATIC);
  g_autofree char *still = g_build_filename (g_getenv ("HEYAI_SOURCE_ROOT"), "tests", "fakes", "data",
                                             "still.png", NULL);

  /* Anthropic */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GObject) llm = heyai_provider_create (HEYAI_ROLE_LLM, "anthropic", f->tmp, &error);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) scenes = NULL;

    g_assert_no_error (error);
    heyai_llm_split_async (HEYAI_LLM (llm), project, NULL, store_result, &result);
    wait_result (&result, 20);
    scenes = heyai_llm_split_finish (HEYAI_LLM (llm), result, &error);
    g_assert_null (scenes);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, "ANTHROPIC_API_KEY"));
  }

  /* Higgsfield */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GObject) imager = heyai_provider_create (HEYAI_ROLE_IMAGER, "higgsfield", f->tmp, &error);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_IMAGE, 1, 1);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(HeyaiGenResult) gen = NULL;

    g_assert_no_error (error);
    heyai_imager_generate_for_job_async (HEYAI_IMAGER (imager), project, scene, job, f->tmp, NULL,
                                 store_result, &result);
    wait_result (&result, 20);
    gen = heyai_imager_generate_finish (HEYAI_IMAGER (imager), result, &error);
    g_assert_null (gen);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, "HF_API_KEY"));
  }

  /* Kling */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GObject) animator = heyai_provider_create (HEYAI_ROLE_ANIMATOR, "kling", f->tmp, &error);
    g_autoptr(HeyaiJob) job = make_job (HEYAI_JOB_KIND_CLIP, 1, 1);
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(HeyaiGenResult) gen = NULL;

    g_assert_no_error (error);
    heyai_animator_animate_for_job_async (HEYAI_ANIMATOR (animator), project, scene, job, still, f->tmp, NULL,
                                  store_result, &result);
    wait_result (&result, 20);
    gen = heyai_animator_animate_finish (HEYAI_ANIMATOR (animator), result, &error);
    g_assert_null (gen);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, "KLING_ACCESS_KEY"));
  }

  /* OpenAI's official host needs a key (no request is sent without it). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GObject) llm = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) scenes = NULL;

    g_setenv ("HEYAI_OPENAI_BASE_URL", "https://api.openai.com/v1", TRUE);
    llm = heyai_provider_create (HEYAI_ROLE_LLM, "openai", f->tmp, &error);
    g_assert_no_error (error);
    heyai_llm_split_async (HEYAI_LLM (llm), project, NULL, store_result, &result);
    wait_result (&result, 20);
    scenes = heyai_llm_split_finish (HEYAI_LLM (llm), result, &error);
    g_assert_null (scenes);
    g_assert_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
  }

  g_assert_cmpuint (heyai_fake_get_count (f->fake, "anthropic.messages"), ==, 0);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "higgsfield.submit"), ==, 0);
  g_assert_cmpuint (heyai_fake_get_count (f->fake, "kling.create"), ==, 0);
}

int
main (int argc, char **argv)
{
  clients_test_init (&argc, &argv);

  g_test_add_func ("/clients/registry/names", test_names);
  g_test_add_func ("/clients/registry/kling-secret-missing-at-create", test_kling_secret_missing_at_create);
  g_test_add ("/clients/registry/missing-credentials", Fixture, NULL, registry_setup, test_missing_credentials,
              fixture_teardown);

  return g_test_run ();
}
