/* heyai-types.c: enum <-> string, labels, the error domain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-types.h"
#include "heyai-enums.h"
#include "heyai-error.h"

G_DEFINE_QUARK (heyai-error-quark, heyai_error)

const char *
heyai_enum_to_string (GType enum_type,
                      int   value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *ev;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), NULL);

  klass = g_type_class_ref (enum_type);
  ev = g_enum_get_value (klass, value);

  /* Nicks are static strings owned by the (never unloaded) static type. */
  return ev != NULL ? ev->value_nick : NULL;
}

gboolean
heyai_enum_from_string (GType       enum_type,
                        const char *str,
                        int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *ev;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), FALSE);

  if (str == NULL)
    return FALSE;

  klass = g_type_class_ref (enum_type);
  ev = g_enum_get_value_by_nick (klass, str);
  if (ev == NULL)
    return FALSE;

  if (value != NULL)
    *value = ev->value;
  return TRUE;
}

const char *
heyai_project_status_label (HeyaiProjectStatus status)
{
  switch (status)
    {
    case HEYAI_PROJECT_STATUS_DRAFT:             return _("Draft");
    case HEYAI_PROJECT_STATUS_PROCESSING_SCRIPT: return _("Processing script");
    case HEYAI_PROJECT_STATUS_GENERATING_IMAGES: return _("Generating images");
    case HEYAI_PROJECT_STATUS_ANIMATING_SCENES:  return _("Animating scenes");
    case HEYAI_PROJECT_STATUS_READY_FOR_EDIT:    return _("Ready for edit");
    case HEYAI_PROJECT_STATUS_COMPLETED:         return _("Completed");
    case HEYAI_PROJECT_STATUS_FAILED:            return _("Failed");
    case HEYAI_PROJECT_STATUS_AWAITING_REVIEW:   return _("Awaiting review");
    /* Translators: a project state: some scenes have no still and nothing runs */
    case HEYAI_PROJECT_STATUS_STILLS_MISSING:    return _("Stills missing");
    /* Translators: a project state: approved stills wait for their clips, nothing runs */
    case HEYAI_PROJECT_STATUS_READY_TO_ANIMATE:  return _("Ready to animate");
    /* Translators: a project state: a clip was made from an older still or directions */
    case HEYAI_PROJECT_STATUS_CLIPS_OUTDATED:    return _("Clips out of date");
    default:                                     return _("Unknown");
    }
}

const char *
heyai_scene_status_label (HeyaiSceneStatus status)
{
  switch (status)
    {
    case HEYAI_SCENE_STATUS_PENDING:    return _("Pending");
    case HEYAI_SCENE_STATUS_RENDERING:  return _("Rendering");
    case HEYAI_SCENE_STATUS_READY:      return _("Ready for review");
    case HEYAI_SCENE_STATUS_APPROVED:   return _("Approved");
    case HEYAI_SCENE_STATUS_REJECTED:   return _("Rejected");
    case HEYAI_SCENE_STATUS_ANIMATING:  return _("Animating");
    case HEYAI_SCENE_STATUS_CLIP_READY: return _("Clip ready");
    case HEYAI_SCENE_STATUS_FAILED:     return _("Failed");
    default:                            return _("Unknown");
    }
}

const char *
heyai_camera_move_msgid (HeyaiCameraMove move)
{
  switch (move)
    {
    case HEYAI_CAMERA_STATIC:    return N_("Static");
    case HEYAI_CAMERA_PUSH_IN:   return N_("Push in");
    case HEYAI_CAMERA_PULL_OUT:  return N_("Pull out");
    case HEYAI_CAMERA_PAN_LEFT:  return N_("Pan left");
    case HEYAI_CAMERA_PAN_RIGHT: return N_("Pan right");
    case HEYAI_CAMERA_TILT_UP:   return N_("Tilt up");
    case HEYAI_CAMERA_TILT_DOWN: return N_("Tilt down");
    default:                     return N_("Unknown");
    }
}

const char *
heyai_camera_move_label (HeyaiCameraMove move)
{
  return _(heyai_camera_move_msgid (move));
}

gboolean
heyai_job_state_is_final (HeyaiJobState state)
{
  return state == HEYAI_JOB_STATE_DONE ||
         state == HEYAI_JOB_STATE_FAILED ||
         state == HEYAI_JOB_STATE_CANCELLED;
}

void
heyai_aspect_get_size (HeyaiAspect  aspect,
                       int          long_side,
                       int         *width,
                       int         *height)
{
  int short_side;
  int w, h;

  if (long_side <= 0)
    long_side = 1280;

  /* 16:9 of the long side, rounded to an even number (video encoders want it). */
  short_side = (int) (((gint64) long_side * 9 + 8) / 16);
  short_side &= ~1;
  if (short_side < 2)
    short_side = 2;

  switch (aspect)
    {
    case HEYAI_ASPECT_9_16:
      w = short_side;
      h = long_side;
      break;

    case HEYAI_ASPECT_1_1:
      w = long_side;
      h = long_side;
      break;

    case HEYAI_ASPECT_16_9:
    default:
      w = long_side;
      h = short_side;
      break;
    }

  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
}
