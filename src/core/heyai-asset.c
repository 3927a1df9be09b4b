/* heyai-asset.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-asset.h"
#include "heyai-enums.h"

struct _HeyaiAsset
{
  GObject parent_instance;

  char *id;
  char *project_id;
  char *scene_id;
  HeyaiAssetKind kind;
  int take;
  char *provider;
  char *model;
  char *params;
  char *request_id;
  double cost;
  gint64 seed;
  char *local_path;
  char *sha256;
  gint64 size;
  char *drive_file_id;
  char *view_link;
  char *remote_url;
  char *lineage;
  char *inputs_hash;
  gint64 created_at;
  char *updated_at;
  guint deleted : 1;
};

G_DEFINE_FINAL_TYPE (HeyaiAsset, heyai_asset, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_PROJECT_ID,
  PROP_SCENE_ID,
  PROP_KIND,
  PROP_TAKE,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_PARAMS,
  PROP_REQUEST_ID,
  PROP_COST,
  PROP_SEED,
  PROP_LOCAL_PATH,
  PROP_SHA256,
  PROP_SIZE,
  PROP_DRIVE_FILE_ID,
  PROP_VIEW_LINK,
  PROP_REMOTE_URL,
  PROP_LINEAGE,
  PROP_INPUTS_HASH,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
heyai_asset_finalize (GObject *object)
{
  HeyaiAsset *self = (HeyaiAsset *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->project_id, g_free);
  g_clear_pointer (&self->scene_id, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->params, g_free);
  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->local_path, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->drive_file_id, g_free);
  g_clear_pointer (&self->view_link, g_free);
  g_clear_pointer (&self->remote_url, g_free);
  g_clear_pointer (&self->lineage, g_free);
  g_clear_pointer (&self->inputs_hash, g_free);
  g_clear_pointer (&self->updated_at, g_free);

  G_OBJECT_CLASS (heyai_asset_parent_class)->finalize (object);
}

static void
heyai_asset_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HeyaiAsset *self = HEYAI_ASSET (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_PROJECT_ID:
      g_value_set_string (value, self->project_id);
      break;

    case PROP_SCENE_ID:
      g_value_set_string (value, self->scene_id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_TAKE:
      g_value_set_int (value, self->take);
      break;

    case PROP_PROVIDER:
      g_value_set_string (value, self->provider);
      break;

    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;

    case PROP_PARAMS:
      g_value_set_string (value, self->params);
      break;

    case PROP_REQUEST_ID:
      g_value_set_string (value, self->request_id);
      break;

    case PROP_COST:
      g_value_set_double (value, self->cost);
      break;

    case PROP_SEED:
      g_value_set_int64 (value, self->seed);
      break;

    case PROP_LOCAL_PATH:
      g_value_set_string (value, self->local_path);
      break;

    case PROP_SHA256:
      g_value_set_string (value, self->sha256);
      break;

    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;

    case PROP_DRIVE_FILE_ID:
      g_value_set_string (value, self->drive_file_id);
      break;

    case PROP_VIEW_LINK:
      g_value_set_string (value, self->view_link);
      break;

    case PROP_REMOTE_URL:
      g_value_set_string (value, self->remote_url);
      break;

    case PROP_LINEAGE:
      g_value_set_string (value, self->lineage);
      break;

    case PROP_INPUTS_HASH:
      g_value_set_string (value, self->inputs_hash);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_UPDATED_AT:
      g_value_set_string (value, self->updated_at);
      break;

    case PROP_DELETED:
      g_value_set_boolean (value, self->deleted);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_asset_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  HeyaiAsset *self = HEYAI_ASSET (object);

  switch (prop_id)
    {
    case PROP_ID:
      heyai_asset_set_id (self, g_value_get_string (value));
      break;

    case PROP_PROJECT_ID:
      heyai_asset_set_project_id (self, g_value_get_string (value));
      break;

    case PROP_SCENE_ID:
      heyai_asset_set_scene_id (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      heyai_asset_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_TAKE:
      heyai_asset_set_take (self, g_value_get_int (value));
      break;

    case PROP_PROVIDER:
      heyai_asset_set_provider (self, g_value_get_string (value));
      break;

    case PROP_MODEL:
      heyai_asset_set_model (self, g_value_get_string (value));
      break;

    case PROP_PARAMS:
      heyai_asset_set_params (self, g_value_get_string (value));
      break;

    case PROP_REQUEST_ID:
      heyai_asset_set_request_id (self, g_value_get_string (value));
      break;

    case PROP_COST:
      heyai_asset_set_cost (self, g_value_get_double (value));
      break;

    case PROP_SEED:
      heyai_asset_set_seed (self, g_value_get_int64 (value));
      break;

    case PROP_LOCAL_PATH:
      heyai_asset_set_local_path (self, g_value_get_string (value));
      break;

    case PROP_SHA256:
      heyai_asset_set_sha256 (self, g_value_get_string (value));
      break;

    case PROP_SIZE:
      heyai_asset_set_size (self, g_value_get_int64 (value));
      break;

    case PROP_DRIVE_FILE_ID:
      heyai_asset_set_drive_file_id (self, g_value_get_string (value));
      break;

    case PROP_VIEW_LINK:
      heyai_asset_set_view_link (self, g_value_get_string (value));
      break;

    case PROP_REMOTE_URL:
      heyai_asset_set_remote_url (self, g_value_get_string (value));
      break;

    case PROP_LINEAGE:
      heyai_asset_set_lineage (self, g_value_get_string (value));
      break;

    case PROP_INPUTS_HASH:
      heyai_asset_set_inputs_hash (self, g_value_get_string (value));
      break;

    case PROP_CREATED_AT:
      heyai_asset_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_UPDATED_AT:
      heyai_asset_set_updated_at (self, g_value_get_string (value));
      break;

    case PROP_DELETED:
      heyai_asset_set_deleted (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_asset_class_init (HeyaiAssetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heyai_asset_finalize;
  object_class->get_property = heyai_asset_get_property;
  object_class->set_property = heyai_asset_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROJECT_ID] =
    g_param_spec_string ("project-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SCENE_ID] =
    g_param_spec_string ("scene-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       HEYAI_TYPE_ASSET_KIND, HEYAI_ASSET_KIND_IMAGE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TAKE] =
    g_param_spec_int ("take", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PARAMS] =
    g_param_spec_string ("params", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REQUEST_ID] =
    g_param_spec_string ("request-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COST] =
    g_param_spec_double ("cost", NULL, NULL,
                         0.0, G_MAXDOUBLE, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SEED] =
    g_param_spec_int64 ("seed", NULL, NULL,
                        G_MININT64, G_MAXINT64, -1,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LOCAL_PATH] =
    g_param_spec_string ("local-path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SHA256] =
    g_param_spec_string ("sha256", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DRIVE_FILE_ID] =
    g_param_spec_string ("drive-file-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_VIEW_LINK] =
    g_param_spec_string ("view-link", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REMOTE_URL] =
    g_param_spec_string ("remote-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LINEAGE] =
    g_param_spec_string ("lineage", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_INPUTS_HASH] =
    g_param_spec_string ("inputs-hash", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_UPDATED_AT] =
    g_param_spec_string ("updated-at", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DELETED] =
    g_param_spec_boolean ("deleted", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
heyai_asset_init (HeyaiAsset *self)
{
  self->kind = HEYAI_ASSET_KIND_IMAGE;
  self->seed = -1;
}

HeyaiAsset *
heyai_asset_new (void)
{
  return g_object_new (HEYAI_TYPE_ASSET, NULL);
}

const char *
heyai_asset_get_id (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->id;
}

void
heyai_asset_set_id (HeyaiAsset *self,
                    const char *id)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->id, id) == 0)
    return;

  g_free (self->id);
  self->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
heyai_asset_get_project_id (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->project_id;
}

void
heyai_asset_set_project_id (HeyaiAsset *self,
                            const char *project_id)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->project_id, project_id) == 0)
    return;

  g_free (self->project_id);
  self->project_id = g_strdup (project_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT_ID]);
}

const char *
heyai_asset_get_scene_id (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->scene_id;
}

void
heyai_asset_set_scene_id (HeyaiAsset *self,
                          const char *scene_id)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->scene_id, scene_id) == 0)
    return;

  g_free (self->scene_id);
  self->scene_id = g_strdup (scene_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENE_ID]);
}

HeyaiAssetKind
heyai_asset_get_kind (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), HEYAI_ASSET_KIND_IMAGE);

  return self->kind;
}

void
heyai_asset_set_kind (HeyaiAsset     *self,
                      HeyaiAssetKind  kind)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

int
heyai_asset_get_take (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), 0);

  return self->take;
}

void
heyai_asset_set_take (HeyaiAsset *self,
                      int         take)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (self->take == take)
    return;

  self->take = take;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAKE]);
}

const char *
heyai_asset_get_provider (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->provider;
}

void
heyai_asset_set_provider (HeyaiAsset *self,
                          const char *provider)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->provider, provider) == 0)
    return;

  g_free (self->provider);
  self->provider = g_strdup (provider);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

const char *
heyai_asset_get_model (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->model;
}

void
heyai_asset_set_model (HeyaiAsset *self,
                       const char *model)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->model, model) == 0)
    return;

  g_free (self->model);
  self->model = g_strdup (model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
heyai_asset_get_params (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->params;
}

void
heyai_asset_set_params (HeyaiAsset *self,
                        const char *json)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->params, json) == 0)
    return;

  g_free (self->params);
  self->params = g_strdup (json);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARAMS]);
}

const char *
heyai_asset_get_request_id (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->request_id;
}

void
heyai_asset_set_request_id (HeyaiAsset *self,
                            const char *request_id)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->request_id, request_id) == 0)
    return;

  g_free (self->request_id);
  self->request_id = g_strdup (request_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_ID]);
}

double
heyai_asset_get_cost (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), 0.0);

  return self->cost;
}

void
heyai_asset_set_cost (HeyaiAsset *self,
                      double      cost)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  cost = CLAMP (cost, 0.0, G_MAXDOUBLE);

  if (self->cost == cost)
    return;

  self->cost = cost;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COST]);
}

gint64
heyai_asset_get_seed (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), 0);

  return self->seed;
}

void
heyai_asset_set_seed (HeyaiAsset *self,
                      gint64      seed)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (self->seed == seed)
    return;

  self->seed = seed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
}

const char *
heyai_asset_get_local_path (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->local_path;
}

void
heyai_asset_set_local_path (HeyaiAsset *self,
                            const char *path)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->local_path, path) == 0)
    return;

  g_free (self->local_path);
  self->local_path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_PATH]);
}

const char *
heyai_asset_get_sha256 (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->sha256;
}

void
heyai_asset_set_sha256 (HeyaiAsset *self,
                        const char *sha256)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->sha256, sha256) == 0)
    return;

  g_free (self->sha256);
  self->sha256 = g_strdup (sha256);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHA256]);
}

gint64
heyai_asset_get_size (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), 0);

  return self->size;
}

void
heyai_asset_set_size (HeyaiAsset *self,
                      gint64      size)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (self->size == size)
    return;

  self->size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}

const char *
heyai_asset_get_drive_file_id (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->drive_file_id;
}

void
heyai_asset_set_drive_file_id (HeyaiAsset *self,
                               const char *drive_file_id)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->drive_file_id, drive_file_id) == 0)
    return;

  g_free (self->drive_file_id);
  self->drive_file_id = g_strdup (drive_file_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRIVE_FILE_ID]);
}

const char *
heyai_asset_get_view_link (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->view_link;
}

void
heyai_asset_set_view_link (HeyaiAsset *self,
                           const char *link)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->view_link, link) == 0)
    return;

  g_free (self->view_link);
  self->view_link = g_strdup (link);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIEW_LINK]);
}

const char *
heyai_asset_get_remote_url (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->remote_url;
}

void
heyai_asset_set_remote_url (HeyaiAsset *self,
                            const char *url)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->remote_url, url) == 0)
    return;

  g_free (self->remote_url);
  self->remote_url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_URL]);
}

const char *
heyai_asset_get_lineage (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->lineage;
}

void
heyai_asset_set_lineage (HeyaiAsset *self,
                         const char *json)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->lineage, json) == 0)
    return;

  g_free (self->lineage);
  self->lineage = g_strdup (json);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINEAGE]);
}

const char *
heyai_asset_get_inputs_hash (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->inputs_hash;
}

void
heyai_asset_set_inputs_hash (HeyaiAsset *self,
                             const char *hash)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->inputs_hash, hash) == 0)
    return;

  g_free (self->inputs_hash);
  self->inputs_hash = g_strdup (hash);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INPUTS_HASH]);
}

gint64
heyai_asset_get_created_at (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), 0);

  return self->created_at;
}

void
heyai_asset_set_created_at (HeyaiAsset *self,
                            gint64      created_at)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

const char *
heyai_asset_get_updated_at (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), NULL);

  return self->updated_at;
}

void
heyai_asset_set_updated_at (HeyaiAsset *self,
                            const char *stamp)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  if (g_strcmp0 (self->updated_at, stamp) == 0)
    return;

  g_free (self->updated_at);
  self->updated_at = g_strdup (stamp);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

gboolean
heyai_asset_get_deleted (HeyaiAsset *self)
{
  g_return_val_if_fail (HEYAI_IS_ASSET (self), FALSE);

  return self->deleted;
}

void
heyai_asset_set_deleted (HeyaiAsset *self,
                         gboolean    deleted)
{
  g_return_if_fail (HEYAI_IS_ASSET (self));

  deleted = !!deleted;

  if (self->deleted == deleted)
    return;

  self->deleted = deleted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
}

