/* heyai-pipeline-revise.c: a new draft of the script keeps the work.
 *
 * Analysing a project that already has scenes matches the new scenes to the
 * old ones instead of replacing them:
 *
 *   unchanged  the same source excerpt (whitespace and case aside): the old
 *              scene is kept as it is (id, prompts, takes, approval)
 *   changed    no identical excerpt, but one similar enough (the words of
 *              the two excerpts overlap by half or more, Jaccard index; the
 *              rule for the LLM path, whose excerpts are not verbatim): the
 *              old scene keeps its id and older takes and takes the new
 *              text and prompts, so its still and clip become outdated
 *              (lineage, heyai-pipeline-lineage.c)
 *   new        no match: added
 *   removed    an old scene no new one matched: tombstoned (the row and its
 *              takes stay in the database, recoverable)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-pipeline"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "heyai-pipeline-internal.h"

#define SIMILAR_ENOUGH 0.5

static char *
normalize (const char *text)
{
  g_autofree char *down = g_utf8_strdown (text != NULL ? text : "", -1);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (down), " \t\r\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GHashTable *
word_set (const char *normalized)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) words = g_strsplit_set (normalized, " .,;:!?\"'()-—–", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_hash_table_add (set, g_strdup (words[i]));
  return set;
}

static double
similarity (GHashTable *a,
            GHashTable *b)
{
  GHashTableIter iter;
  gpointer key;
  guint common = 0, all;

  if (g_hash_table_size (a) == 0 || g_hash_table_size (b) == 0)
    return 0;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_hash_table_contains (b, key))
      common++;

  all = g_hash_table_size (a) + g_hash_table_size (b) - common;
  return all > 0 ? (double) common / all : 0;
}

void
heyai_revision_clear (HeyaiRevision *revision)
{
  g_clear_pointer (&revision->fresh_owned, g_ptr_array_unref);
  g_clear_pointer (&revision->match, g_free);
  g_clear_pointer (&revision->scenes, g_ptr_array_unref);
  g_clear_pointer (&revision->kinds, g_array_unref);
  g_clear_pointer (&revision->removed, g_ptr_array_unref);
  memset (revision, 0, sizeof *revision);
}

static void
take_content (HeyaiScene *old,
              HeyaiScene *fresh)
{
  heyai_scene_set_title (old, heyai_scene_get_title (fresh));
  heyai_scene_set_excerpt (old, heyai_scene_get_excerpt (fresh));
  heyai_scene_set_description (old, heyai_scene_get_description (fresh));
  heyai_scene_set_image_prompt (old, heyai_scene_get_image_prompt (fresh));
  heyai_scene_set_motion_prompt (old, heyai_scene_get_motion_prompt (fresh));
  heyai_scene_set_camera_move (old, heyai_scene_get_camera_move (fresh));
  heyai_scene_set_duration (old, heyai_scene_get_duration (fresh));
  heyai_scene_set_last_error (old, NULL);
}

void
heyai_pipeline_match_scenes (GPtrArray     *old_scenes,
                             GPtrArray     *new_scenes,
                             HeyaiRevision *revision)
{
  g_autoptr(GPtrArray) old_norm = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) new_norm = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *match = NULL;        /* new index -> old index, -1 */
  g_autofree gboolean *used = NULL;    /* old index taken */
  guint n_old = old_scenes != NULL ? old_scenes->len : 0;

  g_return_if_fail (new_scenes != NULL);
  g_return_if_fail (revision != NULL);

  memset (revision, 0, sizeof *revision);
  revision->scenes = g_ptr_array_new_with_free_func (g_object_unref);
  revision->kinds = g_array_new (FALSE, TRUE, sizeof (HeyaiRevisionKind));
  revision->removed = g_ptr_array_new_with_free_func (g_object_unref);

  match = g_new (int, new_scenes->len + 1);
  used = g_new0 (gboolean, n_old + 1);

  for (guint i = 0; i < n_old; i++)
    g_ptr_array_add (old_norm, normalize (heyai_scene_get_excerpt (g_ptr_array_index (old_scenes, i))));
  for (guint j = 0; j < new_scenes->len; j++)
    {
      g_ptr_array_add (new_norm, normalize (heyai_scene_get_excerpt (g_ptr_array_index (new_scenes, j))));
      match[j] = -1;
    }

  /* 1. The same excerpt: unchanged (in order, so repeated excerpts pair up
   *    first with first). */
  for (guint j = 0; j < new_scenes->len; j++)
    for (guint i = 0; i < n_old; i++)
      if (!used[i] && *(char *) g_ptr_array_index (new_norm, j) != '\0' &&
          g_str_equal (g_ptr_array_index (old_norm, i), g_ptr_array_index (new_norm, j)))
        {
          match[j] = (int) i;
          used[i] = TRUE;
          break;
        }

  /* 2. The most similar of the rest, best pairs first: changed. */
  for (;;)
    {
      double best = SIMILAR_ENOUGH - 1e-9;
      int best_i = -1, best_j = -1;

      for (guint j = 0; j < new_scenes->len; j++)
        {
          g_autoptr(GHashTable) b = NULL;

          if (match[j] >= 0)
            continue;
          b = word_set (g_ptr_array_index (new_norm, j));
          for (guint i = 0; i < n_old; i++)
            {
              g_autoptr(GHashTable) a = NULL;
              double s;

              if (used[i])
                continue;
              a = word_set (g_ptr_array_index (old_norm, i));
              s = similarity (a, b);
              if (s > best)
                {
                  best = s;
                  best_i = (int) i;
                  best_j = (int) j;
                }
            }
        }
      if (best_i < 0)
        break;
      match[best_j] = best_i;
      used[best_i] = TRUE;
    }

  for (guint j = 0; j < new_scenes->len; j++)
    {
      HeyaiScene *fresh = g_ptr_array_index (new_scenes, j);
      HeyaiRevisionKind kind;

      if (match[j] < 0)
        {
          kind = HEYAI_REVISION_NEW;
          revision->n_new++;
          g_ptr_array_add (revision->scenes, g_object_ref (fresh));
        }
      else
        {
          HeyaiScene *old = g_ptr_array_index (old_scenes, match[j]);
          gboolean same = g_str_equal (g_ptr_array_index (old_norm, match[j]), g_ptr_array_index (new_norm, j));

          kind = same ? HEYAI_REVISION_UNCHANGED : HEYAI_REVISION_CHANGED;
          if (same)
            revision->n_unchanged++;
          else
            revision->n_changed++;
          g_ptr_array_add (revision->scenes, g_object_ref (old));
        }
      g_array_append_val (revision->kinds, kind);
    }

  for (guint i = 0; i < n_old; i++)
    if (!used[i])
      {
        g_ptr_array_add (revision->removed, g_object_ref (g_ptr_array_index (old_scenes, i)));
        revision->n_removed++;
      }

  /* The changed scenes take the new text and prompts last, so that a dry run
   * that never applies them can pass copies. */
  revision->fresh = new_scenes;
  revision->match = g_steal_pointer (&match);
}

void
heyai_pipeline_revision_apply_content (HeyaiRevision *revision)
{
  g_return_if_fail (revision != NULL && revision->scenes != NULL);

  for (guint j = 0; j < revision->scenes->len; j++)
    if (g_array_index (revision->kinds, HeyaiRevisionKind, j) == HEYAI_REVISION_CHANGED)
      take_content (g_ptr_array_index (revision->scenes, j), g_ptr_array_index (revision->fresh, j));
  g_clear_pointer (&revision->match, g_free);
  revision->fresh = NULL;
}

char *
heyai_pipeline_revision_summary (HeyaiPipeline *self,
                                 HeyaiRevision *revision)
{
  g_autoptr(GPtrArray) to_make = g_ptr_array_new ();
  g_autofree char *counts = NULL;
  double cost;

  g_return_val_if_fail (HEYAI_IS_PIPELINE (self), NULL);

  /* The changed and new scenes as the draft has them, costed by the
   * planner (the same accounting as the run's estimate). */
  for (guint j = 0; j < revision->scenes->len; j++)
    {
      HeyaiRevisionKind kind = g_array_index (revision->kinds, HeyaiRevisionKind, j);
      HeyaiScene *scene = revision->fresh != NULL ? g_ptr_array_index (revision->fresh, j)
                                                  : g_ptr_array_index (revision->scenes, j);

      if (kind != HEYAI_REVISION_UNCHANGED)
        g_ptr_array_add (to_make, scene);
    }
  cost = _heyai_pipeline_estimate_fresh_scenes (self, NULL, to_make);

  /* TRANSLATORS: "5 unchanged, 1 changed, 1 new, 0 removed" */
  counts = g_strdup_printf (_("%u unchanged, %u changed, %u new, %u removed"),
                            revision->n_unchanged, revision->n_changed, revision->n_new, revision->n_removed);
  if (revision->n_changed + revision->n_new == 0)
    return g_steal_pointer (&counts);
  if (cost <= 0)
    /* TRANSLATORS: the counts, then what making the scenes costs */
    return g_strdup_printf (_("%s — nothing to pay to make the changed and new scenes"), counts);
  /* TRANSLATORS: "5 unchanged, 1 changed, 1 new, 0 removed — about $0.36 to make the changed and new scenes" */
  return g_strdup_printf (_("%s — about $%.2f to make the changed and new scenes"), counts, cost);
}

void
heyai_revision_free (HeyaiRevision *revision)
{
  if (revision == NULL)
    return;
  heyai_revision_clear (revision);
  g_free (revision);
}

static void
preview_split_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiPipeline *self = g_task_get_source_object (task);
  HeyaiProject *project = g_task_get_task_data (task);
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiRevision *revision;

  fresh = heyai_llm_split_finish (HEYAI_LLM (object), result, &error);
  if (fresh == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  old = heyai_store_list_scenes (self->store, heyai_project_get_id (project), &error);
  if (old == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  revision = g_new0 (HeyaiRevision, 1);
  heyai_pipeline_match_scenes (old, fresh, revision);
  revision->fresh_owned = g_steal_pointer (&fresh);
  g_task_return_pointer (task, revision, (GDestroyNotify) heyai_revision_free);
}

void
heyai_pipeline_preview_revision_async (HeyaiPipeline       *self,
                                       HeyaiProject        *project,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HEYAI_IS_PIPELINE (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_pipeline_preview_revision_async);
  g_task_set_task_data (task, g_object_ref (project), g_object_unref);
  heyai_llm_split_async (self->llm, project, cancellable, preview_split_cb, task);
}

HeyaiRevision *
heyai_pipeline_preview_revision_finish (HeyaiPipeline  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
