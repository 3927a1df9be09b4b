/* heyai-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-job.h"
#include "heyai-enums.h"

struct _HeyaiJob
{
  GObject parent_instance;

  char *id;
  char *project_id;
  char *scene_id;
  HeyaiJobKind kind;
  int take;
  char *provider;
  HeyaiJobState state;
  char *remote_id;
  char *idempotency_key;
  char *upload_session;
  int attempts;
  gint64 next_attempt_at;
  char *last_error;
  double cost;
  double progress;
  gint64 created_at;
  char *updated_at;
  guint deleted : 1;
};

G_DEFINE_FINAL_TYPE (HeyaiJob, heyai_job, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_PROJECT_ID,
  PROP_SCENE_ID,
  PROP_KIND,
  PROP_TAKE,
  PROP_PROVIDER,
  PROP_STATE,
  PROP_REMOTE_ID,
  PROP_IDEMPOTENCY_KEY,
  PROP_UPLOAD_SESSION,
  PROP_ATTEMPTS,
  PROP_NEXT_ATTEMPT_AT,
  PROP_LAST_ERROR,
  PROP_COST,
  PROP_PROGRESS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
heyai_job_finalize (GObject *object)
{
  HeyaiJob *self = (HeyaiJob *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->project_id, g_free);
  g_clear_pointer (&self->scene_id, g_free);
  g_clear_pointer (&self->provider, g_free);
  g_clear_pointer (&self->remote_id, g_free);
  g_clear_pointer (&self->idempotency_key, g_free);
  g_clear_pointer (&self->upload_session, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->updated_at, g_free);

  G_OBJECT_CLASS (heyai_job_parent_class)->finalize (object);
}

static void
heyai_job_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  HeyaiJob *self = HEYAI_JOB (object);

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

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_REMOTE_ID:
      g_value_set_string (value, self->remote_id);
      break;

    case PROP_IDEMPOTENCY_KEY:
      g_value_set_string (value, self->idempotency_key);
      break;

    case PROP_UPLOAD_SESSION:
      g_value_set_string (value, self->upload_session);
      break;

    case PROP_ATTEMPTS:
      g_value_set_int (value, self->attempts);
      break;

    case PROP_NEXT_ATTEMPT_AT:
      g_value_set_int64 (value, self->next_attempt_at);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_COST:
      g_value_set_double (value, self->cost);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
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
heyai_job_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  HeyaiJob *self = HEYAI_JOB (object);

  switch (prop_id)
    {
    case PROP_ID:
      heyai_job_set_id (self, g_value_get_string (value));
      break;

    case PROP_PROJECT_ID:
      heyai_job_set_project_id (self, g_value_get_string (value));
      break;

    case PROP_SCENE_ID:
      heyai_job_set_scene_id (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      heyai_job_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_TAKE:
      heyai_job_set_take (self, g_value_get_int (value));
      break;

    case PROP_PROVIDER:
      heyai_job_set_provider (self, g_value_get_string (value));
      break;

    case PROP_STATE:
      heyai_job_set_state (self, g_value_get_enum (value));
      break;

    case PROP_REMOTE_ID:
      heyai_job_set_remote_id (self, g_value_get_string (value));
      break;

    case PROP_IDEMPOTENCY_KEY:
      heyai_job_set_idempotency_key (self, g_value_get_string (value));
      break;

    case PROP_UPLOAD_SESSION:
      heyai_job_set_upload_session (self, g_value_get_string (value));
      break;

    case PROP_ATTEMPTS:
      heyai_job_set_attempts (self, g_value_get_int (value));
      break;

    case PROP_NEXT_ATTEMPT_AT:
      heyai_job_set_next_attempt_at (self, g_value_get_int64 (value));
      break;

    case PROP_LAST_ERROR:
      heyai_job_set_last_error (self, g_value_get_string (value));
      break;

    case PROP_COST:
      heyai_job_set_cost (self, g_value_get_double (value));
      break;

    case PROP_PROGRESS:
      heyai_job_set_progress (self, g_value_get_double (value));
      break;

    case PROP_CREATED_AT:
      heyai_job_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_UPDATED_AT:
      heyai_job_set_updated_at (self, g_value_get_string (value));
      break;

    case PROP_DELETED:
      heyai_job_set_deleted (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_job_class_init (HeyaiJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heyai_job_finalize;
  object_class->get_property = heyai_job_get_property;
  object_class->set_property = heyai_job_set_property;

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
                       HEYAI_TYPE_JOB_KIND, HEYAI_JOB_KIND_ANALYZE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TAKE] =
    g_param_spec_int ("take", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       HEYAI_TYPE_JOB_STATE, HEYAI_JOB_STATE_QUEUED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REMOTE_ID] =
    g_param_spec_string ("remote-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IDEMPOTENCY_KEY] =
    g_param_spec_string ("idempotency-key", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_UPLOAD_SESSION] =
    g_param_spec_string ("upload-session", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ATTEMPTS] =
    g_param_spec_int ("attempts", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NEXT_ATTEMPT_AT] =
    g_param_spec_int64 ("next-attempt-at", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COST] =
    g_param_spec_double ("cost", NULL, NULL,
                         0.0, G_MAXDOUBLE, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL,
                         0.0, 1.0, 0.0,
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
heyai_job_init (HeyaiJob *self)
{
  self->kind = HEYAI_JOB_KIND_ANALYZE;
  self->state = HEYAI_JOB_STATE_QUEUED;
}

HeyaiJob *
heyai_job_new (void)
{
  return g_object_new (HEYAI_TYPE_JOB, NULL);
}

const char *
heyai_job_get_id (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->id;
}

void
heyai_job_set_id (HeyaiJob   *self,
                  const char *id)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->id, id) == 0)
    return;

  g_free (self->id);
  self->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
heyai_job_get_project_id (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->project_id;
}

void
heyai_job_set_project_id (HeyaiJob   *self,
                          const char *project_id)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->project_id, project_id) == 0)
    return;

  g_free (self->project_id);
  self->project_id = g_strdup (project_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT_ID]);
}

const char *
heyai_job_get_scene_id (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->scene_id;
}

void
heyai_job_set_scene_id (HeyaiJob   *self,
                        const char *scene_id)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->scene_id, scene_id) == 0)
    return;

  g_free (self->scene_id);
  self->scene_id = g_strdup (scene_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCENE_ID]);
}

HeyaiJobKind
heyai_job_get_kind (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), HEYAI_JOB_KIND_ANALYZE);

  return self->kind;
}

void
heyai_job_set_kind (HeyaiJob     *self,
                    HeyaiJobKind  kind)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

int
heyai_job_get_take (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), 0);

  return self->take;
}

void
heyai_job_set_take (HeyaiJob *self,
                    int       take)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (self->take == take)
    return;

  self->take = take;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAKE]);
}

const char *
heyai_job_get_provider (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->provider;
}

void
heyai_job_set_provider (HeyaiJob   *self,
                        const char *provider)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->provider, provider) == 0)
    return;

  g_free (self->provider);
  self->provider = g_strdup (provider);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
}

HeyaiJobState
heyai_job_get_state (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), HEYAI_JOB_STATE_QUEUED);

  return self->state;
}

void
heyai_job_set_state (HeyaiJob      *self,
                     HeyaiJobState  state)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
heyai_job_get_remote_id (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->remote_id;
}

void
heyai_job_set_remote_id (HeyaiJob   *self,
                         const char *remote_id)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->remote_id, remote_id) == 0)
    return;

  g_free (self->remote_id);
  self->remote_id = g_strdup (remote_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMOTE_ID]);
}

const char *
heyai_job_get_idempotency_key (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->idempotency_key;
}

void
heyai_job_set_idempotency_key (HeyaiJob   *self,
                               const char *key)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->idempotency_key, key) == 0)
    return;

  g_free (self->idempotency_key);
  self->idempotency_key = g_strdup (key);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDEMPOTENCY_KEY]);
}

const char *
heyai_job_get_upload_session (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->upload_session;
}

void
heyai_job_set_upload_session (HeyaiJob   *self,
                              const char *uri)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->upload_session, uri) == 0)
    return;

  g_free (self->upload_session);
  self->upload_session = g_strdup (uri);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPLOAD_SESSION]);
}

int
heyai_job_get_attempts (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), 0);

  return self->attempts;
}

void
heyai_job_set_attempts (HeyaiJob *self,
                        int       attempts)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (self->attempts == attempts)
    return;

  self->attempts = attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS]);
}

gint64
heyai_job_get_next_attempt_at (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), 0);

  return self->next_attempt_at;
}

void
heyai_job_set_next_attempt_at (HeyaiJob *self,
                               gint64    when)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (self->next_attempt_at == when)
    return;

  self->next_attempt_at = when;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_ATTEMPT_AT]);
}

const char *
heyai_job_get_last_error (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->last_error;
}

void
heyai_job_set_last_error (HeyaiJob   *self,
                          const char *message)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

double
heyai_job_get_cost (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), 0.0);

  return self->cost;
}

void
heyai_job_set_cost (HeyaiJob *self,
                    double    cost)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  cost = CLAMP (cost, 0.0, G_MAXDOUBLE);

  if (self->cost == cost)
    return;

  self->cost = cost;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COST]);
}

double
heyai_job_get_progress (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), 0.0);

  return self->progress;
}

void
heyai_job_set_progress (HeyaiJob *self,
                        double    progress)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  progress = CLAMP (progress, 0.0, 1.0);

  if (self->progress == progress)
    return;

  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

gint64
heyai_job_get_created_at (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), 0);

  return self->created_at;
}

void
heyai_job_set_created_at (HeyaiJob *self,
                          gint64    created_at)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

const char *
heyai_job_get_updated_at (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), NULL);

  return self->updated_at;
}

void
heyai_job_set_updated_at (HeyaiJob   *self,
                          const char *stamp)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  if (g_strcmp0 (self->updated_at, stamp) == 0)
    return;

  g_free (self->updated_at);
  self->updated_at = g_strdup (stamp);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

gboolean
heyai_job_get_deleted (HeyaiJob *self)
{
  g_return_val_if_fail (HEYAI_IS_JOB (self), FALSE);

  return self->deleted;
}

void
heyai_job_set_deleted (HeyaiJob *self,
                       gboolean  deleted)
{
  g_return_if_fail (HEYAI_IS_JOB (self));

  deleted = !!deleted;

  if (self->deleted == deleted)
    return;

  self->deleted = deleted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
}

