/* heyai-project.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"


#include "heyai-util.h"
#include "heyai-project.h"
#include "heyai-enums.h"

struct _HeyaiProject
{
  GObject parent_instance;

  char *id;
  int number;
  char *title;
  char *script;
  char *style;
  HeyaiAspect aspect;
  HeyaiProjectStatus status;
  char *last_error;
  char *drive_folder_id;
  char *drive_folders;
  char *share_link;
  char *start_tc;
  gint64 created_at;
  char *updated_at;
  guint deleted : 1;
};

G_DEFINE_FINAL_TYPE (HeyaiProject, heyai_project, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NUMBER,
  PROP_TITLE,
  PROP_SCRIPT,
  PROP_STYLE,
  PROP_ASPECT,
  PROP_STATUS,
  PROP_LAST_ERROR,
  PROP_DRIVE_FOLDER_ID,
  PROP_DRIVE_FOLDERS,
  PROP_SHARE_LINK,
  PROP_START_TC,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
heyai_project_finalize (GObject *object)
{
  HeyaiProject *self = (HeyaiProject *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->script, g_free);
  g_clear_pointer (&self->style, g_free);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->drive_folder_id, g_free);
  g_clear_pointer (&self->drive_folders, g_free);
  g_clear_pointer (&self->share_link, g_free);
  g_clear_pointer (&self->start_tc, g_free);
  g_clear_pointer (&self->updated_at, g_free);

  G_OBJECT_CLASS (heyai_project_parent_class)->finalize (object);
}

static void
heyai_project_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HeyaiProject *self = HEYAI_PROJECT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NUMBER:
      g_value_set_int (value, self->number);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_SCRIPT:
      g_value_set_string (value, self->script);
      break;

    case PROP_STYLE:
      g_value_set_string (value, self->style);
      break;

    case PROP_ASPECT:
      g_value_set_enum (value, self->aspect);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_DRIVE_FOLDER_ID:
      g_value_set_string (value, self->drive_folder_id);
      break;

    case PROP_DRIVE_FOLDERS:
      g_value_set_string (value, self->drive_folders);
      break;

    case PROP_SHARE_LINK:
      g_value_set_string (value, self->share_link);
      break;

    case PROP_START_TC:
      g_value_set_string (value, self->start_tc);
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
heyai_project_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HeyaiProject *self = HEYAI_PROJECT (object);

  switch (prop_id)
    {
    case PROP_ID:
      heyai_project_set_id (self, g_value_get_string (value));
      break;

    case PROP_NUMBER:
      heyai_project_set_number (self, g_value_get_int (value));
      break;

    case PROP_TITLE:
      heyai_project_set_title (self, g_value_get_string (value));
      break;

    case PROP_SCRIPT:
      heyai_project_set_script (self, g_value_get_string (value));
      break;

    case PROP_STYLE:
      heyai_project_set_style (self, g_value_get_string (value));
      break;

    case PROP_ASPECT:
      heyai_project_set_aspect (self, g_value_get_enum (value));
      break;

    case PROP_STATUS:
      heyai_project_set_status (self, g_value_get_enum (value));
      break;

    case PROP_LAST_ERROR:
      heyai_project_set_last_error (self, g_value_get_string (value));
      break;

    case PROP_DRIVE_FOLDER_ID:
      heyai_project_set_drive_folder_id (self, g_value_get_string (value));
      break;

    case PROP_DRIVE_FOLDERS:
      heyai_project_set_drive_folders (self, g_value_get_string (value));
      break;

    case PROP_SHARE_LINK:
      heyai_project_set_share_link (self, g_value_get_string (value));
      break;

    case PROP_START_TC:
      heyai_project_set_start_tc (self, g_value_get_string (value));
      break;

    case PROP_CREATED_AT:
      heyai_project_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_UPDATED_AT:
      heyai_project_set_updated_at (self, g_value_get_string (value));
      break;

    case PROP_DELETED:
      heyai_project_set_deleted (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_project_class_init (HeyaiProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heyai_project_finalize;
  object_class->get_property = heyai_project_get_property;
  object_class->set_property = heyai_project_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NUMBER] =
    g_param_spec_int ("number", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SCRIPT] =
    g_param_spec_string ("script", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STYLE] =
    g_param_spec_string ("style", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ASPECT] =
    g_param_spec_enum ("aspect", NULL, NULL,
                       HEYAI_TYPE_ASPECT, HEYAI_ASPECT_16_9,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       HEYAI_TYPE_PROJECT_STATUS, HEYAI_PROJECT_STATUS_DRAFT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DRIVE_FOLDER_ID] =
    g_param_spec_string ("drive-folder-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DRIVE_FOLDERS] =
    g_param_spec_string ("drive-folders", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SHARE_LINK] =
    g_param_spec_string ("share-link", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Record start of the exported timelines ("01:00:00:00"), NULL = default. */
  properties[PROP_START_TC] =
    g_param_spec_string ("start-tc", NULL, NULL,
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
heyai_project_init (HeyaiProject *self)
{
  self->aspect = HEYAI_ASPECT_16_9;
  self->status = HEYAI_PROJECT_STATUS_DRAFT;
}

HeyaiProject *
heyai_project_new (void)
{
  return g_object_new (HEYAI_TYPE_PROJECT, NULL);
}

const char *
heyai_project_get_id (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->id;
}

void
heyai_project_set_id (HeyaiProject *self,
                      const char   *id)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->id, id) == 0)
    return;

  g_free (self->id);
  self->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

int
heyai_project_get_number (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), 0);

  return self->number;
}

void
heyai_project_set_number (HeyaiProject *self,
                          int           number)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (self->number == number)
    return;

  self->number = number;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NUMBER]);
}

const char *
heyai_project_get_title (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->title;
}

void
heyai_project_set_title (HeyaiProject *self,
                         const char   *title)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
heyai_project_get_script (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->script;
}

void
heyai_project_set_script (HeyaiProject *self,
                          const char   *script)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->script, script) == 0)
    return;

  g_free (self->script);
  self->script = g_strdup (script);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCRIPT]);
}

const char *
heyai_project_get_style (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->style;
}

void
heyai_project_set_style (HeyaiProject *self,
                         const char   *style)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->style, style) == 0)
    return;

  g_free (self->style);
  self->style = g_strdup (style);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STYLE]);
}

HeyaiAspect
heyai_project_get_aspect (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), HEYAI_ASPECT_16_9);

  return self->aspect;
}

void
heyai_project_set_aspect (HeyaiProject *self,
                          HeyaiAspect   aspect)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (self->aspect == aspect)
    return;

  self->aspect = aspect;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASPECT]);
}

HeyaiProjectStatus
heyai_project_get_status (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), HEYAI_PROJECT_STATUS_DRAFT);

  return self->status;
}

void
heyai_project_set_status (HeyaiProject       *self,
                          HeyaiProjectStatus  status)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
heyai_project_get_last_error (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->last_error;
}

void
heyai_project_set_last_error (HeyaiProject *self,
                              const char   *message)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

const char *
heyai_project_get_drive_folder_id (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->drive_folder_id;
}

void
heyai_project_set_drive_folder_id (HeyaiProject *self,
                                   const char   *drive_folder_id)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->drive_folder_id, drive_folder_id) == 0)
    return;

  g_free (self->drive_folder_id);
  self->drive_folder_id = g_strdup (drive_folder_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRIVE_FOLDER_ID]);
}

const char *
heyai_project_get_drive_folders (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->drive_folders;
}

void
heyai_project_set_drive_folders (HeyaiProject *self,
                                 const char   *json)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->drive_folders, json) == 0)
    return;

  g_free (self->drive_folders);
  self->drive_folders = g_strdup (json);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRIVE_FOLDERS]);
}

const char *
heyai_project_get_share_link (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->share_link;
}

void
heyai_project_set_share_link (HeyaiProject *self,
                              const char   *link)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->share_link, link) == 0)
    return;

  g_free (self->share_link);
  self->share_link = g_strdup (link);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARE_LINK]);
}

gint64
heyai_project_get_created_at (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), 0);

  return self->created_at;
}

void
heyai_project_set_created_at (HeyaiProject *self,
                              gint64        created_at)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

const char *
heyai_project_get_updated_at (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->updated_at;
}

void
heyai_project_set_updated_at (HeyaiProject *self,
                              const char   *stamp)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->updated_at, stamp) == 0)
    return;

  g_free (self->updated_at);
  self->updated_at = g_strdup (stamp);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

gboolean
heyai_project_get_deleted (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), FALSE);

  return self->deleted;
}

void
heyai_project_set_deleted (HeyaiProject *self,
                           gboolean      deleted)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  deleted = !!deleted;

  if (self->deleted == deleted)
    return;

  self->deleted = deleted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
}

char *
heyai_project_dup_folder_name (HeyaiProject *self)
{
  g_autofree char *slug = NULL;

  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  slug = heyai_slugify (self->title, 0);
  return g_strdup_printf ("Project-%d-%s", self->number, slug);
}

const char *
heyai_project_get_start_tc (HeyaiProject *self)
{
  g_return_val_if_fail (HEYAI_IS_PROJECT (self), NULL);

  return self->start_tc;
}

void
heyai_project_set_start_tc (HeyaiProject *self,
                            const char   *start_tc)
{
  g_return_if_fail (HEYAI_IS_PROJECT (self));

  if (g_strcmp0 (self->start_tc, start_tc) == 0)
    return;

  g_free (self->start_tc);
  self->start_tc = g_strdup (start_tc);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START_TC]);
}
