/* heyai-providers.c: the role interfaces, HeyaiGenResult and the local tree
 * layout shared by every storage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "heyai-providers.h"

/* ---------------------------------------------------------------------- */
/* HeyaiGenResult                                                          */

HeyaiGenResult *
heyai_gen_result_new (void)
{
  HeyaiGenResult *result = g_new0 (HeyaiGenResult, 1);

  result->seed = -1;
  return result;
}

void
heyai_gen_result_free (HeyaiGenResult *result)
{
  if (result == NULL)
    return;

  g_free (result->path);
  g_free (result->provider);
  g_free (result->model);
  g_free (result->params);
  g_free (result->request_id);
  g_free (result->remote_url);
  g_free (result->references_note);
  g_free (result);
}

/* ---------------------------------------------------------------------- */
/* HeyaiGenInput                                                           */

/* A copy keeps its strings in one GStrv-like block of owned pointers. */
typedef struct
{
  HeyaiGenInput  input;
  GPtrArray     *strings;   /* owned copies */
  char         **references;
} GenInputCopy;

static const char *
keep (GenInputCopy *copy,
      const char   *text)
{
  char *owned;

  if (text == NULL)
    return NULL;
  owned = g_strdup (text);
  g_ptr_array_add (copy->strings, owned);
  return owned;
}

HeyaiGenInput *
heyai_gen_input_copy (const HeyaiGenInput *input)
{
  GenInputCopy *copy;

  g_return_val_if_fail (input != NULL, NULL);

  copy = g_new0 (GenInputCopy, 1);
  copy->strings = g_ptr_array_new_with_free_func (g_free);
  copy->input = *input;
  copy->input.job_id = keep (copy, input->job_id);
  copy->input.remote_id = keep (copy, input->remote_id);
  copy->input.idempotency_key = keep (copy, input->idempotency_key);
  copy->input.dest_dir = keep (copy, input->dest_dir);
  copy->input.still_path = keep (copy, input->still_path);
  copy->input.end_frame_path = keep (copy, input->end_frame_path);
  copy->references = input->reference_paths != NULL ? g_strdupv ((char **) input->reference_paths) : NULL;
  copy->input.reference_paths = (const char * const *) copy->references;
  /* The input is the first member: the copy is freed through it. */
  return &copy->input;
}

void
heyai_gen_input_free (HeyaiGenInput *input)
{
  GenInputCopy *copy = (GenInputCopy *) input;

  if (input == NULL)
    return;
  g_ptr_array_unref (copy->strings);
  g_strfreev (copy->references);
  g_free (copy);
}

guint
heyai_gen_input_n_references (const HeyaiGenInput *input)
{
  guint n = 0;

  if (input == NULL || input->reference_paths == NULL)
    return 0;
  while (input->reference_paths[n] != NULL)
    n++;
  return n;
}

void
heyai_gen_input_init_from_job (HeyaiGenInput *input,
                               HeyaiJob      *job)
{
  g_return_if_fail (input != NULL);
  g_return_if_fail (HEYAI_IS_JOB (job));

  memset (input, 0, sizeof *input);
  input->take = heyai_job_get_take (job);
  input->job_id = heyai_job_get_id (job);
  input->remote_id = heyai_job_get_remote_id (job);
  input->idempotency_key = heyai_job_get_idempotency_key (job);
  input->state = heyai_job_get_state (job);
  input->attempts = heyai_job_get_attempts (job);
}

char *
heyai_gen_references_note (const HeyaiGenInput *input,
                           guint                refs_sent,
                           gboolean             end_frame_sent,
                           const char          *refs_reason,
                           const char          *end_reason)
{
  guint asked = heyai_gen_input_n_references (input);
  gboolean end_asked = input != NULL && input->end_frame_path != NULL && *input->end_frame_path != '\0';
  GString *note = NULL;

  refs_sent = MIN (refs_sent, asked);
  if (refs_sent < asked)
    {
      note = g_string_new (NULL);
      if (refs_sent == 0)
        /* Translators: %s says why ("Kling's model kling-v2-1 takes no reference images"). */
        g_string_append_printf (note, _("References not applied: text only (%s)"),
                                refs_reason != NULL ? refs_reason : _("not supported"));
      else
        /* Translators: "References partly applied: 3 of 5 (Kling takes …)". */
        g_string_append_printf (note, _("References partly applied: %u of %u (%s)"), refs_sent, asked,
                                refs_reason != NULL ? refs_reason : _("not supported"));
    }
  if (end_asked && !end_frame_sent)
    {
      if (note == NULL)
        note = g_string_new (NULL);
      else
        g_string_append (note, "; ");
      /* Translators: %s says why ("kling-v1-6 takes an end frame only in pro mode"). */
      g_string_append_printf (note, _("End frame not applied (%s)"),
                              end_reason != NULL ? end_reason : _("not supported"));
    }
  return note != NULL ? g_string_free (note, FALSE) : NULL;
}

/* ---------------------------------------------------------------------- */
/* HeyaiGenReporter                                                        */

struct _HeyaiGenReporter
{
  gatomicrefcount              ref_count;
  const HeyaiGenReporterFuncs *funcs;   /* NULL once detached */
  gpointer                     user_data;
  GDestroyNotify               notify;
};

HeyaiGenReporter *
heyai_gen_reporter_new (const HeyaiGenReporterFuncs *funcs,
                        gpointer                     user_data,
                        GDestroyNotify               notify)
{
  HeyaiGenReporter *reporter = g_new0 (HeyaiGenReporter, 1);

  g_atomic_ref_count_init (&reporter->ref_count);
  reporter->funcs = funcs;
  reporter->user_data = user_data;
  reporter->notify = notify;
  return reporter;
}

HeyaiGenReporter *
heyai_gen_reporter_ref (HeyaiGenReporter *reporter)
{
  g_return_val_if_fail (reporter != NULL, NULL);

  g_atomic_ref_count_inc (&reporter->ref_count);
  return reporter;
}

void
heyai_gen_reporter_detach (HeyaiGenReporter *reporter)
{
  gpointer user_data;
  GDestroyNotify notify;

  if (reporter == NULL)
    return;
  user_data = g_steal_pointer (&reporter->user_data);
  notify = g_steal_pointer (&reporter->notify);
  reporter->funcs = NULL;
  if (notify != NULL)
    notify (user_data);
}

void
heyai_gen_reporter_unref (HeyaiGenReporter *reporter)
{
  if (reporter == NULL)
    return;
  if (!g_atomic_ref_count_dec (&reporter->ref_count))
    return;
  heyai_gen_reporter_detach (reporter);
  g_free (reporter);
}

#define REPORT(reporter, member, ...) \
  G_STMT_START { \
    if ((reporter) != NULL && (reporter)->funcs != NULL && (reporter)->funcs->member != NULL) \
      (reporter)->funcs->member (__VA_ARGS__, (reporter)->user_data); \
  } G_STMT_END

void
heyai_gen_reporter_remote_id (HeyaiGenReporter *reporter,
                              const char       *remote_id)
{
  REPORT (reporter, remote_id, remote_id);
}

void
heyai_gen_reporter_idempotency_key (HeyaiGenReporter *reporter,
                                    const char       *key)
{
  REPORT (reporter, idempotency_key, key);
}

void
heyai_gen_reporter_state (HeyaiGenReporter *reporter,
                          HeyaiJobState     state)
{
  REPORT (reporter, state, state);
}

void
heyai_gen_reporter_progress (HeyaiGenReporter *reporter,
                             double            fraction)
{
  REPORT (reporter, progress, fraction);
}

void
heyai_gen_reporter_waiting (HeyaiGenReporter *reporter,
                            const char       *message)
{
  REPORT (reporter, waiting, message);
}

void
heyai_gen_reporter_upload_session (HeyaiGenReporter *reporter,
                                   const char       *session_uri)
{
  REPORT (reporter, upload_session, session_uri);
}

static void
job_remote_id (const char *remote_id,
               gpointer    job)
{
  heyai_job_set_remote_id (job, remote_id);
}

static void
job_idempotency_key (const char *key,
                     gpointer    job)
{
  heyai_job_set_idempotency_key (job, key);
}

static void
job_state (HeyaiJobState state,
           gpointer      job)
{
  heyai_job_set_state (job, state);
}

static void
job_progress (double   fraction,
              gpointer job)
{
  heyai_job_set_progress (job, fraction);
}

static void
job_waiting (const char *message,
             gpointer    job)
{
  heyai_job_set_last_error (job, message);
}

static void
job_upload_session (const char *session_uri,
                    gpointer    job)
{
  heyai_job_set_upload_session (job, session_uri);
}

static const HeyaiGenReporterFuncs job_funcs = {
  .remote_id = job_remote_id,
  .idempotency_key = job_idempotency_key,
  .state = job_state,
  .progress = job_progress,
  .waiting = job_waiting,
  .upload_session = job_upload_session,
};

HeyaiGenReporter *
heyai_gen_reporter_new_for_job (HeyaiJob *job)
{
  g_return_val_if_fail (HEYAI_IS_JOB (job), NULL);

  return heyai_gen_reporter_new (&job_funcs, g_object_ref (job), g_object_unref);
}

HeyaiGenReporter *
heyai_gen_reporter_new_null (void)
{
  return heyai_gen_reporter_new (NULL, NULL, NULL);
}

/* ---------------------------------------------------------------------- */
/* HeyaiLlm                                                                */

G_DEFINE_INTERFACE (HeyaiLlm, heyai_llm, G_TYPE_OBJECT)

static void
heyai_llm_default_init (HeyaiLlmInterface *iface)
{
}

const char *
heyai_llm_get_name (HeyaiLlm *self)
{
  g_return_val_if_fail (HEYAI_IS_LLM (self), NULL);

  return HEYAI_LLM_GET_IFACE (self)->get_name (self);
}

const char *
heyai_llm_get_model (HeyaiLlm *self)
{
  HeyaiLlmInterface *iface;

  g_return_val_if_fail (HEYAI_IS_LLM (self), NULL);

  iface = HEYAI_LLM_GET_IFACE (self);
  return iface->get_model != NULL ? iface->get_model (self) : "";
}

void
heyai_llm_split_async (HeyaiLlm            *self,
                       HeyaiProject        *project,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_LLM (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_LLM_GET_IFACE (self)->split_async (self, project, cancellable, callback, user_data);
}

GPtrArray *
heyai_llm_split_finish (HeyaiLlm      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_LLM (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return HEYAI_LLM_GET_IFACE (self)->split_finish (self, result, error);
}

/* ---------------------------------------------------------------------- */
/* HeyaiImager                                                             */

G_DEFINE_INTERFACE (HeyaiImager, heyai_imager, G_TYPE_OBJECT)

static void
heyai_imager_default_init (HeyaiImagerInterface *iface)
{
}

const char *
heyai_imager_get_name (HeyaiImager *self)
{
  g_return_val_if_fail (HEYAI_IS_IMAGER (self), NULL);

  return HEYAI_IMAGER_GET_IFACE (self)->get_name (self);
}

const char *
heyai_imager_get_model (HeyaiImager *self)
{
  HeyaiImagerInterface *iface;

  g_return_val_if_fail (HEYAI_IS_IMAGER (self), NULL);

  iface = HEYAI_IMAGER_GET_IFACE (self);
  return iface->get_model != NULL ? iface->get_model (self) : "";
}

double
heyai_imager_estimate_cost (HeyaiImager *self,
                            HeyaiScene  *scene)
{
  HeyaiImagerInterface *iface;

  g_return_val_if_fail (HEYAI_IS_IMAGER (self), 0.0);
  g_return_val_if_fail (scene == NULL || HEYAI_IS_SCENE (scene), 0.0);

  iface = HEYAI_IMAGER_GET_IFACE (self);
  return iface->estimate_cost != NULL ? iface->estimate_cost (self, scene) : 0.0;
}

void
heyai_imager_generate_async (HeyaiImager         *self,
                             HeyaiProject        *project,
                             HeyaiScene          *scene,
                             const HeyaiGenInput *input,
                             HeyaiGenReporter    *reporter,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_IMAGER (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_SCENE (scene));
  g_return_if_fail (input != NULL);
  g_return_if_fail (input->dest_dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_IMAGER_GET_IFACE (self)->generate_async (self, project, scene, input, reporter,
                                                 cancellable, callback, user_data);
}

void
heyai_imager_generate_for_job_async (HeyaiImager         *self,
                                     HeyaiProject        *project,
                                     HeyaiScene          *scene,
                                     HeyaiJob            *job,
                                     const char          *dest_dir,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(HeyaiGenReporter) reporter = NULL;
  HeyaiGenInput input = { .take = 1 };

  g_return_if_fail (job == NULL || HEYAI_IS_JOB (job));

  if (job != NULL)
    {
      heyai_gen_input_init_from_job (&input, job);
      reporter = heyai_gen_reporter_new_for_job (job);
    }
  input.dest_dir = dest_dir;
  heyai_imager_generate_async (self, project, scene, &input, reporter, cancellable, callback, user_data);
}

HeyaiGenResult *
heyai_imager_generate_finish (HeyaiImager   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_IMAGER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return HEYAI_IMAGER_GET_IFACE (self)->generate_finish (self, result, error);
}

/* ---------------------------------------------------------------------- */
/* HeyaiAnimator                                                           */

G_DEFINE_INTERFACE (HeyaiAnimator, heyai_animator, G_TYPE_OBJECT)

static void
heyai_animator_default_init (HeyaiAnimatorInterface *iface)
{
}

const char *
heyai_animator_get_name (HeyaiAnimator *self)
{
  g_return_val_if_fail (HEYAI_IS_ANIMATOR (self), NULL);

  return HEYAI_ANIMATOR_GET_IFACE (self)->get_name (self);
}

const char *
heyai_animator_get_model (HeyaiAnimator *self)
{
  HeyaiAnimatorInterface *iface;

  g_return_val_if_fail (HEYAI_IS_ANIMATOR (self), NULL);

  iface = HEYAI_ANIMATOR_GET_IFACE (self);
  return iface->get_model != NULL ? iface->get_model (self) : "";
}

double
heyai_animator_estimate_cost (HeyaiAnimator *self,
                              HeyaiScene    *scene)
{
  HeyaiAnimatorInterface *iface;

  g_return_val_if_fail (HEYAI_IS_ANIMATOR (self), 0.0);
  g_return_val_if_fail (scene == NULL || HEYAI_IS_SCENE (scene), 0.0);

  iface = HEYAI_ANIMATOR_GET_IFACE (self);
  return iface->estimate_cost != NULL ? iface->estimate_cost (self, scene) : 0.0;
}

void
heyai_animator_animate_async (HeyaiAnimator       *self,
                              HeyaiProject        *project,
                              HeyaiScene          *scene,
                              const HeyaiGenInput *input,
                              HeyaiGenReporter    *reporter,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_ANIMATOR (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_SCENE (scene));
  g_return_if_fail (input != NULL);
  g_return_if_fail (input->still_path != NULL);
  g_return_if_fail (input->dest_dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_ANIMATOR_GET_IFACE (self)->animate_async (self, project, scene, input, reporter,
                                                  cancellable, callback, user_data);
}

void
heyai_animator_animate_for_job_async (HeyaiAnimator       *self,
                                      HeyaiProject        *project,
                                      HeyaiScene          *scene,
                                      HeyaiJob            *job,
                                      const char          *still_path,
                                      const char          *dest_dir,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(HeyaiGenReporter) reporter = NULL;
  HeyaiGenInput input = { .take = 1 };

  g_return_if_fail (job == NULL || HEYAI_IS_JOB (job));

  if (job != NULL)
    {
      heyai_gen_input_init_from_job (&input, job);
      reporter = heyai_gen_reporter_new_for_job (job);
    }
  input.dest_dir = dest_dir;
  input.still_path = still_path;
  heyai_animator_animate_async (self, project, scene, &input, reporter, cancellable, callback, user_data);
}

HeyaiGenResult *
heyai_animator_animate_finish (HeyaiAnimator *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_ANIMATOR (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return HEYAI_ANIMATOR_GET_IFACE (self)->animate_finish (self, result, error);
}

/* ---------------------------------------------------------------------- */
/* HeyaiStorage                                                            */

G_DEFINE_INTERFACE (HeyaiStorage, heyai_storage, G_TYPE_OBJECT)

static void
heyai_storage_default_init (HeyaiStorageInterface *iface)
{
}

const char *
heyai_storage_get_name (HeyaiStorage *self)
{
  g_return_val_if_fail (HEYAI_IS_STORAGE (self), NULL);

  return HEYAI_STORAGE_GET_IFACE (self)->get_name (self);
}

void
heyai_storage_ensure_project_async (HeyaiStorage        *self,
                                    HeyaiProject        *project,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_STORAGE (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_STORAGE_GET_IFACE (self)->ensure_project_async (self, project, cancellable,
                                                        callback, user_data);
}

gboolean
heyai_storage_ensure_project_finish (HeyaiStorage  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_STORAGE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return HEYAI_STORAGE_GET_IFACE (self)->ensure_project_finish (self, result, error);
}

void
heyai_storage_publish_async (HeyaiStorage        *self,
                             HeyaiProject        *project,
                             HeyaiAsset          *asset,
                             const char          *upload_session,
                             HeyaiGenReporter    *reporter,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_STORAGE (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_ASSET (asset));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_STORAGE_GET_IFACE (self)->publish_async (self, project, asset, upload_session, reporter,
                                                 cancellable, callback, user_data);
}

gboolean
heyai_storage_publish_finish (HeyaiStorage  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_STORAGE (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return HEYAI_STORAGE_GET_IFACE (self)->publish_finish (self, result, error);
}

/* ---------------------------------------------------------------------- */
/* Local tree layout                                                       */

char *
heyai_local_root (const char *data_dir)
{
  const char *env = g_getenv ("HEYAI_LOCAL_ROOT");
  g_autofree char *default_dir = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  if (data_dir == NULL || *data_dir == '\0')
    data_dir = default_dir = heyai_default_data_dir ();

  return g_build_filename (data_dir, "HeyAI Projects", NULL);
}

char *
heyai_project_dir (const char   *root,
                   HeyaiProject *project,
                   const char   *sub)
{
  g_autofree char *folder = NULL;

  g_return_val_if_fail (root != NULL, NULL);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), NULL);

  folder = heyai_project_dup_folder_name (project);
  if (sub == NULL || *sub == '\0')
    return g_build_filename (root, folder, NULL);

  return g_build_filename (root, folder, sub, NULL);
}

char *
heyai_take_basename (int position,
                     int take)
{
  if (take <= 1)
    return g_strdup_printf ("scene-%02d", MAX (position, 0));

  return g_strdup_printf ("scene-%02d-take-%d", MAX (position, 0), take);
}

/* ---------------------------------------------------------------------- */
/* Configuration                                                           */

static char *
dup_env (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

void
heyai_provider_config_init_from_env (HeyaiProviderConfig *config,
                                     const char          *data_dir)
{
  g_return_if_fail (config != NULL);

  config->data_dir = g_strdup (data_dir);
  config->openai_base_url = dup_env ("HEYAI_OPENAI_BASE_URL");
  config->openai_model = dup_env ("HEYAI_OPENAI_MODEL");
  config->openai_api = dup_env ("HEYAI_OPENAI_API");
  config->openai_token_field = dup_env ("HEYAI_OPENAI_TOKEN_FIELD");
  config->anthropic_base_url = dup_env ("HEYAI_ANTHROPIC_BASE_URL");
  config->anthropic_model = dup_env ("HEYAI_ANTHROPIC_MODEL");
  config->anthropic_output = dup_env ("HEYAI_ANTHROPIC_OUTPUT");
  config->drive_shared_drive_id = dup_env ("HEYAI_DRIVE_SHARED_DRIVE_ID");
  config->higgsfield_base_url = dup_env ("HEYAI_HIGGSFIELD_BASE_URL");
  config->higgsfield_model = dup_env ("HEYAI_HIGGSFIELD_MODEL");
  config->higgsfield_resolution = dup_env ("HEYAI_HIGGSFIELD_RESOLUTION");
  config->higgsfield_poll_ms = dup_env ("HEYAI_HIGGSFIELD_POLL_MS");
  config->kling_model = dup_env ("HEYAI_KLING_MODEL");
  config->kling_mode = dup_env ("HEYAI_KLING_MODE");
  /* Set but empty means "no negative prompt", not the default one. */
  config->kling_negative_prompt = g_strdup (g_getenv ("HEYAI_KLING_NEGATIVE_PROMPT"));
  config->kling_poll_ms = dup_env ("HEYAI_KLING_POLL_MS");
  config->http_delay_scale = dup_env ("HEYAI_HTTP_DELAY_SCALE");
  config->kling_base_url = dup_env ("HEYAI_KLING_BASE_URL");
}

void
heyai_provider_config_clear (HeyaiProviderConfig *config)
{
  g_return_if_fail (config != NULL);

  g_clear_pointer (&config->data_dir, g_free);
  g_clear_pointer (&config->openai_base_url, g_free);
  g_clear_pointer (&config->openai_model, g_free);
  g_clear_pointer (&config->openai_api, g_free);
  g_clear_pointer (&config->openai_token_field, g_free);
  g_clear_pointer (&config->anthropic_base_url, g_free);
  g_clear_pointer (&config->anthropic_model, g_free);
  g_clear_pointer (&config->anthropic_output, g_free);
  g_clear_pointer (&config->drive_shared_drive_id, g_free);
  g_clear_pointer (&config->higgsfield_base_url, g_free);
  g_clear_pointer (&config->higgsfield_model, g_free);
  g_clear_pointer (&config->higgsfield_resolution, g_free);
  g_clear_pointer (&config->higgsfield_poll_ms, g_free);
  g_clear_pointer (&config->kling_model, g_free);
  g_clear_pointer (&config->kling_mode, g_free);
  g_clear_pointer (&config->kling_negative_prompt, g_free);
  g_clear_pointer (&config->kling_poll_ms, g_free);
  g_clear_pointer (&config->http_delay_scale, g_free);
  g_clear_pointer (&config->kling_base_url, g_free);
}
