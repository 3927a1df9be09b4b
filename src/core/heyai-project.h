/* heyai-project.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_PROJECT (heyai_project_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiProject, heyai_project, HEYAI, PROJECT, GObject)

/* Properties (all readable/writable, notify only on change):
 *   id (string uuid), number (int, the <n> of Project-<n>-<slug>), title, script,
 *   style (the style bible), aspect (HeyaiAspect), status (HeyaiProjectStatus),
 *   last-error (string), drive-folder-id (string, project folder on Drive),
 *   drive-folders (string, JSON object {"images":id,"clips":id,"final":id}),
 *   share-link (string), created-at (gint64 µs), updated-at (string HLC stamp),
 *   deleted (boolean tombstone). */

HeyaiProject      *heyai_project_new                 (void);
const char        *heyai_project_get_id              (HeyaiProject *self);
void               heyai_project_set_id              (HeyaiProject *self, const char *id);
int                heyai_project_get_number          (HeyaiProject *self);
void               heyai_project_set_number          (HeyaiProject *self, int number);
const char        *heyai_project_get_title           (HeyaiProject *self);
void               heyai_project_set_title           (HeyaiProject *self, const char *title);
const char        *heyai_project_get_script          (HeyaiProject *self);
void               heyai_project_set_script          (HeyaiProject *self, const char *script);
const char        *heyai_project_get_style           (HeyaiProject *self);
void               heyai_project_set_style           (HeyaiProject *self, const char *style);
HeyaiAspect        heyai_project_get_aspect          (HeyaiProject *self);
void               heyai_project_set_aspect          (HeyaiProject *self, HeyaiAspect aspect);
HeyaiProjectStatus heyai_project_get_status          (HeyaiProject *self);
void               heyai_project_set_status          (HeyaiProject *self, HeyaiProjectStatus status);
const char        *heyai_project_get_last_error      (HeyaiProject *self);
void               heyai_project_set_last_error      (HeyaiProject *self, const char *message);
const char        *heyai_project_get_drive_folder_id (HeyaiProject *self);
void               heyai_project_set_drive_folder_id (HeyaiProject *self, const char *id);
const char        *heyai_project_get_drive_folders   (HeyaiProject *self);
void               heyai_project_set_drive_folders   (HeyaiProject *self, const char *json);
const char        *heyai_project_get_share_link      (HeyaiProject *self);
void               heyai_project_set_share_link      (HeyaiProject *self, const char *link);
/* Start timecode of the exported timelines ("01:00:00:00"); NULL = the default. */
const char        *heyai_project_get_start_tc        (HeyaiProject *self);
void               heyai_project_set_start_tc        (HeyaiProject *self, const char *start_tc);
gint64             heyai_project_get_created_at      (HeyaiProject *self);
void               heyai_project_set_created_at      (HeyaiProject *self, gint64 created_at);
const char        *heyai_project_get_updated_at      (HeyaiProject *self);
void               heyai_project_set_updated_at      (HeyaiProject *self, const char *stamp);
gboolean           heyai_project_get_deleted         (HeyaiProject *self);
void               heyai_project_set_deleted         (HeyaiProject *self, gboolean deleted);

/* "Project-<n>-<slug>", the folder name in the Drive tree. */
char              *heyai_project_dup_folder_name     (HeyaiProject *self);

G_END_DECLS
