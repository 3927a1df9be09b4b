/* heyai-providers.c: the role interfaces, HeyaiGenResult and the local tree
 * layout shared by every storage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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
  g_free (result);
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
                             HeyaiJob            *job,
                             const char          *dest_dir,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_IMAGER (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_SCENE (scene));
  g_return_if_fail (job == NULL || HEYAI_IS_JOB (job));
  g_return_if_fail (dest_dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_IMAGER_GET_IFACE (self)->generate_async (self, project, scene, job, dest_dir,
                                                 cancellable, callback, user_data);
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
                              HeyaiJob            *job,
                              const char          *still_path,
                              const char          *dest_dir,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_ANIMATOR (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_SCENE (scene));
  g_return_if_fail (job == NULL || HEYAI_IS_JOB (job));
  g_return_if_fail (still_path != NULL);
  g_return_if_fail (dest_dir != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_ANIMATOR_GET_IFACE (self)->animate_async (self, project, scene, job, still_path,
                                                  dest_dir, cancellable, callback, user_data);
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
                             HeyaiJob            *job,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_STORAGE (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_ASSET (asset));
  g_return_if_fail (job == NULL || HEYAI_IS_JOB (job));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  HEYAI_STORAGE_GET_IFACE (self)->publish_async (self, project, asset, job, cancellable,
                                                 callback, user_data);
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
}
