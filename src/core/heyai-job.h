/* heyai-job.h: one unit of pipeline work, persisted before it starts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-types.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_JOB (heyai_job_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiJob, heyai_job, HEYAI, JOB, GObject)

/* Properties: id, project-id, scene-id (NULL for project-level jobs), kind
 * (HeyaiJobKind), take (int: the take this job produces), provider, state
 * (HeyaiJobState), remote-id (Higgsfield request_id / Kling task_id),
 * idempotency-key (stable per job; Kling external_task_id), upload-session
 * (resumable upload session URI), attempts (int), next-attempt-at (gint64 µs),
 * last-error, cost (double, estimated USD), progress (double 0..1, not stored),
 * created-at (gint64 µs), updated-at (HLC string), deleted (boolean tombstone,
 * added for sync; the store never lists tombstoned jobs).
 *
 * Providers set remote-id as soon as a service accepts the work; the pipeline
 * listens to notify::remote-id and commits it to the store before polling. */

HeyaiJob      *heyai_job_new                  (void);
const char    *heyai_job_get_id               (HeyaiJob *self);
void           heyai_job_set_id               (HeyaiJob *self, const char *id);
const char    *heyai_job_get_project_id       (HeyaiJob *self);
void           heyai_job_set_project_id       (HeyaiJob *self, const char *id);
const char    *heyai_job_get_scene_id         (HeyaiJob *self);
void           heyai_job_set_scene_id         (HeyaiJob *self, const char *id);
HeyaiJobKind   heyai_job_get_kind             (HeyaiJob *self);
void           heyai_job_set_kind             (HeyaiJob *self, HeyaiJobKind kind);
int            heyai_job_get_take             (HeyaiJob *self);
void           heyai_job_set_take             (HeyaiJob *self, int take);
const char    *heyai_job_get_provider         (HeyaiJob *self);
void           heyai_job_set_provider         (HeyaiJob *self, const char *provider);
HeyaiJobState  heyai_job_get_state            (HeyaiJob *self);
void           heyai_job_set_state            (HeyaiJob *self, HeyaiJobState state);
const char    *heyai_job_get_remote_id        (HeyaiJob *self);
void           heyai_job_set_remote_id        (HeyaiJob *self, const char *id);
const char    *heyai_job_get_idempotency_key  (HeyaiJob *self);
void           heyai_job_set_idempotency_key  (HeyaiJob *self, const char *key);
const char    *heyai_job_get_upload_session   (HeyaiJob *self);
void           heyai_job_set_upload_session   (HeyaiJob *self, const char *uri);
int            heyai_job_get_attempts         (HeyaiJob *self);
void           heyai_job_set_attempts         (HeyaiJob *self, int attempts);
gint64         heyai_job_get_next_attempt_at  (HeyaiJob *self);
void           heyai_job_set_next_attempt_at  (HeyaiJob *self, gint64 when);
const char    *heyai_job_get_last_error       (HeyaiJob *self);
void           heyai_job_set_last_error       (HeyaiJob *self, const char *message);
double         heyai_job_get_cost             (HeyaiJob *self);
void           heyai_job_set_cost             (HeyaiJob *self, double cost);
double         heyai_job_get_progress         (HeyaiJob *self);
void           heyai_job_set_progress         (HeyaiJob *self, double progress);
gint64         heyai_job_get_created_at       (HeyaiJob *self);
void           heyai_job_set_created_at       (HeyaiJob *self, gint64 created_at);
const char    *heyai_job_get_updated_at       (HeyaiJob *self);
void           heyai_job_set_updated_at       (HeyaiJob *self, const char *stamp);
gboolean       heyai_job_get_deleted          (HeyaiJob *self);
void           heyai_job_set_deleted          (HeyaiJob *self, gboolean deleted);

G_END_DECLS
