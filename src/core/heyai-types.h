/* heyai-types.h: forward declarations and the enums shared by every layer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _HeyaiProject HeyaiProject;
typedef struct _HeyaiScene   HeyaiScene;
typedef struct _HeyaiAsset   HeyaiAsset;
typedef struct _HeyaiJob     HeyaiJob;
typedef struct _HeyaiStore   HeyaiStore;

/* The seed's project states; the strings are the database and JSON values. */
typedef enum
{
  HEYAI_PROJECT_STATUS_DRAFT,             /*< nick=draft >*/
  HEYAI_PROJECT_STATUS_PROCESSING_SCRIPT, /*< nick=processing_script >*/
  HEYAI_PROJECT_STATUS_GENERATING_IMAGES, /*< nick=generating_images >*/
  HEYAI_PROJECT_STATUS_ANIMATING_SCENES,  /*< nick=animating_scenes >*/
  HEYAI_PROJECT_STATUS_READY_FOR_EDIT,    /*< nick=ready_for_edit >*/
  HEYAI_PROJECT_STATUS_COMPLETED,         /*< nick=completed >*/
  HEYAI_PROJECT_STATUS_FAILED,            /*< nick=failed >*/
  HEYAI_PROJECT_STATUS_AWAITING_REVIEW,   /*< nick=awaiting_review >*/
  /* Resting states (nothing runs): generating_images and animating_scenes
   * are only ever set by a running batch. */
  HEYAI_PROJECT_STATUS_STILLS_MISSING,    /*< nick=stills_missing >*/
  HEYAI_PROJECT_STATUS_READY_TO_ANIMATE,  /*< nick=ready_to_animate >*/
  HEYAI_PROJECT_STATUS_CLIPS_OUTDATED,    /*< nick=clips_outdated >*/
} HeyaiProjectStatus;

typedef enum
{
  HEYAI_ASPECT_16_9, /*< nick=16:9 >*/
  HEYAI_ASPECT_9_16, /*< nick=9:16 >*/
  HEYAI_ASPECT_1_1,  /*< nick=1:1 >*/
} HeyaiAspect;

typedef enum
{
  HEYAI_APPROVAL_PENDING,  /*< nick=pending >*/
  HEYAI_APPROVAL_APPROVED, /*< nick=approved >*/
  HEYAI_APPROVAL_REJECTED, /*< nick=rejected >*/
} HeyaiApproval;

/* Where a scene stands in the pipeline; shown as the storyboard's status chip
 * and printed by `heyai status`. */
typedef enum
{
  HEYAI_SCENE_STATUS_PENDING,    /*< nick=pending >*/
  HEYAI_SCENE_STATUS_RENDERING,  /*< nick=rendering >*/
  HEYAI_SCENE_STATUS_READY,      /*< nick=ready >*/      /* still ready, waiting for review */
  HEYAI_SCENE_STATUS_APPROVED,   /*< nick=approved >*/
  HEYAI_SCENE_STATUS_REJECTED,   /*< nick=rejected >*/
  HEYAI_SCENE_STATUS_ANIMATING,  /*< nick=animating >*/
  HEYAI_SCENE_STATUS_CLIP_READY, /*< nick=clip_ready >*/
  HEYAI_SCENE_STATUS_FAILED,     /*< nick=failed >*/
} HeyaiSceneStatus;

typedef enum
{
  HEYAI_CAMERA_STATIC,    /*< nick=static >*/
  HEYAI_CAMERA_PUSH_IN,   /*< nick=push-in >*/
  HEYAI_CAMERA_PULL_OUT,  /*< nick=pull-out >*/
  HEYAI_CAMERA_PAN_LEFT,  /*< nick=pan-left >*/
  HEYAI_CAMERA_PAN_RIGHT, /*< nick=pan-right >*/
  HEYAI_CAMERA_TILT_UP,   /*< nick=tilt-up >*/
  HEYAI_CAMERA_TILT_DOWN, /*< nick=tilt-down >*/
} HeyaiCameraMove;

typedef enum
{
  HEYAI_ASSET_KIND_IMAGE,    /*< nick=image >*/
  HEYAI_ASSET_KIND_CLIP,     /*< nick=clip >*/
  HEYAI_ASSET_KIND_ANIMATIC, /*< nick=animatic >*/
  HEYAI_ASSET_KIND_PACKAGE,  /*< nick=package >*/
  HEYAI_ASSET_KIND_DATABASE, /*< nick=database >*/
} HeyaiAssetKind;

typedef enum
{
  HEYAI_JOB_KIND_ANALYZE, /*< nick=analyze >*/
  HEYAI_JOB_KIND_IMAGE,   /*< nick=image >*/
  HEYAI_JOB_KIND_CLIP,    /*< nick=clip >*/
  HEYAI_JOB_KIND_UPLOAD,  /*< nick=upload >*/
} HeyaiJobKind;

typedef enum
{
  HEYAI_JOB_STATE_QUEUED,      /*< nick=queued >*/
  HEYAI_JOB_STATE_SUBMITTED,   /*< nick=submitted >*/
  HEYAI_JOB_STATE_RUNNING,     /*< nick=running >*/
  HEYAI_JOB_STATE_DOWNLOADING, /*< nick=downloading >*/
  HEYAI_JOB_STATE_UPLOADING,   /*< nick=uploading >*/
  HEYAI_JOB_STATE_DONE,        /*< nick=done >*/
  HEYAI_JOB_STATE_FAILED,      /*< nick=failed >*/
  HEYAI_JOB_STATE_CANCELLED,   /*< nick=cancelled >*/
} HeyaiJobState;

/* Provider roles (pipeline concurrency limits are per role). */
typedef enum
{
  HEYAI_ROLE_LLM,      /*< nick=llm >*/
  HEYAI_ROLE_IMAGER,   /*< nick=imager >*/
  HEYAI_ROLE_ANIMATOR, /*< nick=animator >*/
  HEYAI_ROLE_STORAGE,  /*< nick=storage >*/
} HeyaiRole;

/* Enum <-> string (the nicks above).  from_string returns FALSE on an unknown string. */
const char *heyai_enum_to_string   (GType enum_type, int value);
gboolean    heyai_enum_from_string (GType enum_type, const char *str, int *value);

/* Translated, user-visible labels ("Generating images", "Clip ready", ...). */
const char *heyai_project_status_label (HeyaiProjectStatus status);
const char *heyai_scene_status_label   (HeyaiSceneStatus   status);
/* The untranslated (English) label, for heyai_translate_in(). */
const char *heyai_camera_move_msgid    (HeyaiCameraMove    move);
const char *heyai_camera_move_label    (HeyaiCameraMove    move);

gboolean    heyai_job_state_is_final   (HeyaiJobState state);
void        heyai_aspect_get_size      (HeyaiAspect aspect, int long_side, int *width, int *height);

G_END_DECLS
