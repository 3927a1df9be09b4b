/* heyai-scene.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-scene.h"
#include "heyai-enums.h"

struct _HeyaiScene
{
  GObject parent_instance;

  char *id;
  char *project_id;
  int position;
  char *title;
  char *excerpt;
  char *description;
  char *image_prompt;
  char *motion_prompt;
  char *editor_note;
  HeyaiCameraMove camera_move;
  int duration;
  HeyaiApproval approval;
  HeyaiSceneStatus status;
  char *last_error;
  int image_take;
  int clip_take;
  double progress;
  gint64 created_at;
  char *updated_at;
  guint deleted : 1;

  /* Not stored (not properties): the analysis's cast names, and the
   * "Name: description" notes the prompt composer writes (heyai-bible.h). */
  char **cast_names;
  char **cast_notes;
};

G_DEFINE_FINAL_TYPE (HeyaiScene, heyai_scene, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_PROJECT_ID,
  PROP_POSITION,
  PROP_TITLE,
  PROP_EXCERPT,
  PROP_DESCRIPTION,
  PROP_IMAGE_PROMPT,
  PROP_MOTION_PROMPT,
  PROP_EDITOR_NOTE,
  PROP_CAMERA_MOVE,
  PROP_DURATION,
  PROP_APPROVAL,
  PROP_STATUS,
  PROP_LAST_ERROR,
  PROP_IMAGE_TAKE,
  PROP_CLIP_TAKE,
  PROP_PROGRESS,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_DELETED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
heyai_scene_finalize (GObject *object)
{
  HeyaiScene *self = (HeyaiScene *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->project_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->excerpt, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->image_prompt, g_free);
  g_clear_pointer (&self->motion_prompt, g_free);
  g_clear_pointer (&self->editor_note, g_free);
  g_clear_pointer (&self->cast_names, g_strfreev);
  g_clear_pointer (&self->cast_notes, g_strfreev);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->updated_at, g_free);

  G_OBJECT_CLASS (heyai_scene_parent_class)->finalize (object);
}

static void
heyai_scene_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HeyaiScene *self = HEYAI_SCENE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_PROJECT_ID:
      g_value_set_string (value, self->project_id);
      break;

    case PROP_POSITION:
      g_value_set_int (value, self->position);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_EXCERPT:
      g_value_set_string (value, self->excerpt);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_IMAGE_PROMPT:
      g_value_set_string (value, self->image_prompt);
      break;

    case PROP_MOTION_PROMPT:
      g_value_set_string (value, self->motion_prompt);
      break;
    case PROP_EDITOR_NOTE:
      g_value_set_string (value, self->editor_note);
      break;

    case PROP_CAMERA_MOVE:
      g_value_set_enum (value, self->camera_move);
      break;

    case PROP_DURATION:
      g_value_set_int (value, self->duration);
      break;

    case PROP_APPROVAL:
      g_value_set_enum (value, self->approval);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    case PROP_IMAGE_TAKE:
      g_value_set_int (value, self->image_take);
      break;

    case PROP_CLIP_TAKE:
      g_value_set_int (value, self->clip_take);
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
heyai_scene_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  HeyaiScene *self = HEYAI_SCENE (object);

  switch (prop_id)
    {
    case PROP_ID:
      heyai_scene_set_id (self, g_value_get_string (value));
      break;

    case PROP_PROJECT_ID:
      heyai_scene_set_project_id (self, g_value_get_string (value));
      break;

    case PROP_POSITION:
      heyai_scene_set_position (self, g_value_get_int (value));
      break;

    case PROP_TITLE:
      heyai_scene_set_title (self, g_value_get_string (value));
      break;

    case PROP_EXCERPT:
      heyai_scene_set_excerpt (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      heyai_scene_set_description (self, g_value_get_string (value));
      break;

    case PROP_IMAGE_PROMPT:
      heyai_scene_set_image_prompt (self, g_value_get_string (value));
      break;

    case PROP_MOTION_PROMPT:
      heyai_scene_set_motion_prompt (self, g_value_get_string (value));
      break;
    case PROP_EDITOR_NOTE:
      heyai_scene_set_editor_note (self, g_value_get_string (value));
      break;

    case PROP_CAMERA_MOVE:
      heyai_scene_set_camera_move (self, g_value_get_enum (value));
      break;

    case PROP_DURATION:
      heyai_scene_set_duration (self, g_value_get_int (value));
      break;

    case PROP_APPROVAL:
      heyai_scene_set_approval (self, g_value_get_enum (value));
      break;

    case PROP_STATUS:
      heyai_scene_set_status (self, g_value_get_enum (value));
      break;

    case PROP_LAST_ERROR:
      heyai_scene_set_last_error (self, g_value_get_string (value));
      break;

    case PROP_IMAGE_TAKE:
      heyai_scene_set_image_take (self, g_value_get_int (value));
      break;

    case PROP_CLIP_TAKE:
      heyai_scene_set_clip_take (self, g_value_get_int (value));
      break;

    case PROP_PROGRESS:
      heyai_scene_set_progress (self, g_value_get_double (value));
      break;

    case PROP_CREATED_AT:
      heyai_scene_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_UPDATED_AT:
      heyai_scene_set_updated_at (self, g_value_get_string (value));
      break;

    case PROP_DELETED:
      heyai_scene_set_deleted (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_scene_class_init (HeyaiSceneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = heyai_scene_finalize;
  object_class->get_property = heyai_scene_get_property;
  object_class->set_property = heyai_scene_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROJECT_ID] =
    g_param_spec_string ("project-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_POSITION] =
    g_param_spec_int ("position", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_EXCERPT] =
    g_param_spec_string ("excerpt", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IMAGE_PROMPT] =
    g_param_spec_string ("image-prompt", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MOTION_PROMPT] =
    g_param_spec_string ("motion-prompt", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The producer's notes for the editor: travel as timeline markers. */
  properties[PROP_EDITOR_NOTE] =
    g_param_spec_string ("editor-note", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAMERA_MOVE] =
    g_param_spec_enum ("camera-move", NULL, NULL,
                       HEYAI_TYPE_CAMERA_MOVE, HEYAI_CAMERA_STATIC,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DURATION] =
    g_param_spec_int ("duration", NULL, NULL,
                      0, G_MAXINT, 5,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_APPROVAL] =
    g_param_spec_enum ("approval", NULL, NULL,
                       HEYAI_TYPE_APPROVAL, HEYAI_APPROVAL_PENDING,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       HEYAI_TYPE_SCENE_STATUS, HEYAI_SCENE_STATUS_PENDING,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IMAGE_TAKE] =
    g_param_spec_int ("image-take", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CLIP_TAKE] =
    g_param_spec_int ("clip-take", NULL, NULL,
                      0, G_MAXINT, 0,
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
heyai_scene_init (HeyaiScene *self)
{
  self->camera_move = HEYAI_CAMERA_STATIC;
  self->duration = 5;
  self->approval = HEYAI_APPROVAL_PENDING;
  self->status = HEYAI_SCENE_STATUS_PENDING;
}

HeyaiScene *
heyai_scene_new (void)
{
  return g_object_new (HEYAI_TYPE_SCENE, NULL);
}

const char *
heyai_scene_get_id (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->id;
}

void
heyai_scene_set_id (HeyaiScene *self,
                    const char *id)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->id, id) == 0)
    return;

  g_free (self->id);
  self->id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
heyai_scene_get_project_id (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->project_id;
}

void
heyai_scene_set_project_id (HeyaiScene *self,
                            const char *project_id)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->project_id, project_id) == 0)
    return;

  g_free (self->project_id);
  self->project_id = g_strdup (project_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT_ID]);
}

int
heyai_scene_get_position (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), 0);

  return self->position;
}

void
heyai_scene_set_position (HeyaiScene *self,
                          int         position)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->position == position)
    return;

  self->position = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

const char *
heyai_scene_get_title (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->title;
}

void
heyai_scene_set_title (HeyaiScene *self,
                       const char *title)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
heyai_scene_get_excerpt (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->excerpt;
}

void
heyai_scene_set_excerpt (HeyaiScene *self,
                         const char *excerpt)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->excerpt, excerpt) == 0)
    return;

  g_free (self->excerpt);
  self->excerpt = g_strdup (excerpt);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXCERPT]);
}

const char *
heyai_scene_get_description (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->description;
}

void
heyai_scene_set_description (HeyaiScene *self,
                             const char *description)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->description, description) == 0)
    return;

  g_free (self->description);
  self->description = g_strdup (description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

const char *
heyai_scene_get_image_prompt (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->image_prompt;
}

void
heyai_scene_set_image_prompt (HeyaiScene *self,
                              const char *prompt)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->image_prompt, prompt) == 0)
    return;

  g_free (self->image_prompt);
  self->image_prompt = g_strdup (prompt);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_PROMPT]);
}

const char *
heyai_scene_get_editor_note (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->editor_note;
}

void
heyai_scene_set_editor_note (HeyaiScene *self,
                             const char *note)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->editor_note, note) == 0)
    return;

  g_free (self->editor_note);
  self->editor_note = g_strdup (note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITOR_NOTE]);
}

const char *
heyai_scene_get_motion_prompt (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->motion_prompt;
}

void
heyai_scene_set_motion_prompt (HeyaiScene *self,
                               const char *prompt)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->motion_prompt, prompt) == 0)
    return;

  g_free (self->motion_prompt);
  self->motion_prompt = g_strdup (prompt);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MOTION_PROMPT]);
}

HeyaiCameraMove
heyai_scene_get_camera_move (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), HEYAI_CAMERA_STATIC);

  return self->camera_move;
}

void
heyai_scene_set_camera_move (HeyaiScene      *self,
                             HeyaiCameraMove  move)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->camera_move == move)
    return;

  self->camera_move = move;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_MOVE]);
}

int
heyai_scene_get_duration (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), 0);

  return self->duration;
}

void
heyai_scene_set_duration (HeyaiScene *self,
                          int         seconds)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->duration == seconds)
    return;

  self->duration = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
}

HeyaiApproval
heyai_scene_get_approval (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), HEYAI_APPROVAL_PENDING);

  return self->approval;
}

void
heyai_scene_set_approval (HeyaiScene    *self,
                          HeyaiApproval  approval)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->approval == approval)
    return;

  self->approval = approval;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPROVAL]);
}

HeyaiSceneStatus
heyai_scene_get_status (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), HEYAI_SCENE_STATUS_PENDING);

  return self->status;
}

void
heyai_scene_set_status (HeyaiScene       *self,
                        HeyaiSceneStatus  status)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
heyai_scene_get_last_error (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->last_error;
}

void
heyai_scene_set_last_error (HeyaiScene *self,
                            const char *message)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

int
heyai_scene_get_image_take (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), 0);

  return self->image_take;
}

void
heyai_scene_set_image_take (HeyaiScene *self,
                            int         take)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->image_take == take)
    return;

  self->image_take = take;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_TAKE]);
}

int
heyai_scene_get_clip_take (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), 0);

  return self->clip_take;
}

void
heyai_scene_set_clip_take (HeyaiScene *self,
                           int         take)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->clip_take == take)
    return;

  self->clip_take = take;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIP_TAKE]);
}

double
heyai_scene_get_progress (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), 0.0);

  return self->progress;
}

void
heyai_scene_set_progress (HeyaiScene *self,
                          double      progress)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  progress = CLAMP (progress, 0.0, 1.0);

  if (self->progress == progress)
    return;

  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

gint64
heyai_scene_get_created_at (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), 0);

  return self->created_at;
}

void
heyai_scene_set_created_at (HeyaiScene *self,
                            gint64      created_at)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

const char *
heyai_scene_get_updated_at (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);

  return self->updated_at;
}

void
heyai_scene_set_updated_at (HeyaiScene *self,
                            const char *stamp)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  if (g_strcmp0 (self->updated_at, stamp) == 0)
    return;

  g_free (self->updated_at);
  self->updated_at = g_strdup (stamp);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}

gboolean
heyai_scene_get_deleted (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), FALSE);

  return self->deleted;
}

void
heyai_scene_set_deleted (HeyaiScene *self,
                         gboolean    deleted)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));

  deleted = !!deleted;

  if (self->deleted == deleted)
    return;

  self->deleted = deleted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED]);
}

void
heyai_scene_copy_content (HeyaiScene *self,
                          HeyaiScene *other)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));
  g_return_if_fail (HEYAI_IS_SCENE (other));

  if (self == other)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  heyai_scene_set_title (self, other->title);
  heyai_scene_set_excerpt (self, other->excerpt);
  heyai_scene_set_description (self, other->description);
  heyai_scene_set_image_prompt (self, other->image_prompt);
  heyai_scene_set_motion_prompt (self, other->motion_prompt);
  heyai_scene_set_editor_note (self, other->editor_note);
  heyai_scene_set_camera_move (self, other->camera_move);
  heyai_scene_set_duration (self, other->duration);
  heyai_scene_set_approval (self, other->approval);
  heyai_scene_set_status (self, other->status);
  heyai_scene_set_last_error (self, other->last_error);
  heyai_scene_set_image_take (self, other->image_take);
  heyai_scene_set_clip_take (self, other->clip_take);
  heyai_scene_set_created_at (self, other->created_at);
  heyai_scene_set_updated_at (self, other->updated_at);
  heyai_scene_set_deleted (self, other->deleted);
  g_object_thaw_notify (G_OBJECT (self));
}

const char * const *
heyai_scene_get_cast_names (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);
  return (const char * const *) self->cast_names;
}

void
heyai_scene_set_cast_names (HeyaiScene         *self,
                            const char * const *names)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));
  g_strfreev (self->cast_names);
  self->cast_names = g_strdupv ((char **) names);
}

const char * const *
heyai_scene_get_cast_notes (HeyaiScene *self)
{
  g_return_val_if_fail (HEYAI_IS_SCENE (self), NULL);
  return (const char * const *) self->cast_notes;
}

void
heyai_scene_set_cast_notes (HeyaiScene         *self,
                            const char * const *notes)
{
  g_return_if_fail (HEYAI_IS_SCENE (self));
  g_strfreev (self->cast_notes);
  self->cast_notes = g_strdupv ((char **) notes);
}
