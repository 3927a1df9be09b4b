/* heyai-final-watch.c: the editor's finished trailer in final/ (see the header).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <errno.h>
#include <string.h>

#include "heyai-final-watch.h"
#include "heyai-drive.h"
#include "heyai-storage-gdrive.h"
#include "heyai-storage-local.h"

#define DEFAULT_POLL_S   60
#define MAX_BACKOFF_S    (15 * 60)
#define DEFAULT_SETTLE_MS 1000

struct _HeyaiFinalWatch
{
  GObject       parent_instance;

  HeyaiStore   *store;
  HeyaiProject *project;
  HeyaiStorage *storage;
  char         *local_root;
  guint         poll_interval;
  guint         settle_ms;

  gboolean      running;
  GFileMonitor *monitor;
  guint         timeout_id;      /* next poll (Drive) or next local look */
  guint         failures;
  GCancellable *cancellable;     /* of the running watch */
  gboolean      checking;
  gboolean      check_again;
  char         *page_token;      /* Drive: where changes.list goes on; NULL before the first look */
};

G_DEFINE_FINAL_TYPE (HeyaiFinalWatch, heyai_final_watch, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_PROJECT,
  PROP_STORAGE,
  PROP_LOCAL_ROOT,
  PROP_POLL_INTERVAL,
  PROP_SETTLE_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_FINAL_ARRIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_poll (HeyaiFinalWatch *self);

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

static gboolean
is_video_name (const char *name)
{
  static const char *const exts[] = { ".mp4", ".mov", ".m4v", ".mxf", ".webm", ".mkv", ".avi", NULL };
  g_autofree char *lower = g_utf8_strdown (name, -1);

  for (guint i = 0; exts[i] != NULL; i++)
    if (g_str_has_suffix (lower, exts[i]))
      return TRUE;
  return FALSE;
}

static gboolean
is_temporary_name (const char *name)
{
  static const char *const exts[] = { ".part", ".tmp", ".crdownload", ".partial", ".download", "~", NULL };
  g_autofree char *lower = g_utf8_strdown (name, -1);

  if (name[0] == '.' || name[0] == '#')
    return TRUE;
  for (guint i = 0; exts[i] != NULL; i++)
    if (g_str_has_suffix (lower, exts[i]))
      return TRUE;
  return FALSE;
}

static char *
final_param (const char *params,
             const char *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  if (params == NULL || !json_parser_load_from_data (parser, params, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "role", NULL), HEYAI_FINAL_ROLE) != 0)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (o, member, ""));
}

gboolean
heyai_final_asset_is_final (HeyaiAsset *asset)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (HEYAI_IS_ASSET (asset), FALSE);
  if (heyai_asset_get_kind (asset) != HEYAI_ASSET_KIND_CLIP || heyai_asset_get_scene_id (asset) != NULL)
    return FALSE;
  name = final_param (heyai_asset_get_params (asset), "name");
  return name != NULL;
}

static GPtrArray *
list_finals (HeyaiStore    *store,
             HeyaiProject  *project,
             GError       **error)
{
  /* Only the project's own clips: listing every asset of a 1000-scene
   * project was a third of opening it (the delivery watch runs on open). */
  g_autoptr(GPtrArray) all = heyai_store_list_project_level_assets (store, heyai_project_get_id (project),
                                                                    HEYAI_ASSET_KIND_CLIP, error);
  GPtrArray *finals;

  if (all == NULL)
    return NULL;
  finals = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < all->len; i++)
    if (heyai_final_asset_is_final (all->pdata[i]))
      g_ptr_array_add (finals, g_object_ref (all->pdata[i]));
  return finals;
}

HeyaiAsset *
heyai_final_find_latest (HeyaiStore    *store,
                         HeyaiProject  *project,
                         GError       **error)
{
  g_autoptr(GPtrArray) finals = NULL;
  HeyaiAsset *best = NULL;

  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), NULL);

  finals = list_finals (store, project, error);
  if (finals == NULL)
    return NULL;
  for (guint i = 0; i < finals->len; i++)
    {
      HeyaiAsset *a = finals->pdata[i];

      if (best == NULL || heyai_asset_get_take (a) > heyai_asset_get_take (best))
        best = a;
    }
  return best != NULL ? g_object_ref (best) : NULL;
}

static char *
root_for (HeyaiStorage *storage,
          const char   *local_root)
{
  if (local_root != NULL)
    return g_strdup (local_root);
  if (HEYAI_IS_STORAGE_LOCAL (storage))
    return g_strdup (heyai_storage_local_get_root (HEYAI_STORAGE_LOCAL (storage)));
  return heyai_local_root (NULL);
}

static char *
final_dir (HeyaiFinalWatch *self)
{
  g_autofree char *root = root_for (self->storage, self->local_root);

  return heyai_project_dir (root, self->project, "final");
}

static gboolean
is_drive (HeyaiFinalWatch *self)
{
  return HEYAI_IS_STORAGE_GDRIVE (self->storage);
}

/* A file found in final/ (local or on Drive). */
typedef struct
{
  char   *name;
  char   *path;       /* local */
  char   *drive_id;
  char   *view_link;
  gint64  size;
} Found;

static void
found_free (Found *f)
{
  g_free (f->name);
  g_free (f->path);
  g_free (f->drive_id);
  g_free (f->view_link);
  g_free (f);
}

/* Records the files not recorded yet; returns the new assets. */
static GPtrArray *
record_found (HeyaiFinalWatch  *self,
              GPtrArray        *found,
              GError          **error)
{
  g_autoptr(GPtrArray) finals = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  int max_take = 0;

  finals = list_finals (self->store, self->project, error);
  if (finals == NULL)
    return NULL;
  for (guint i = 0; i < finals->len; i++)
    max_take = MAX (max_take, heyai_asset_get_take (finals->pdata[i]));

  for (guint i = 0; i < found->len; i++)
    {
      Found *f = found->pdata[i];
      gboolean known = FALSE;
      g_autoptr(HeyaiAsset) asset = NULL;
      g_autoptr(JsonBuilder) b = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *params = NULL;

      for (guint j = 0; j < finals->len && !known; j++)
        {
          HeyaiAsset *a = finals->pdata[j];

          if (f->drive_id != NULL)
            known = g_strcmp0 (heyai_asset_get_drive_file_id (a), f->drive_id) == 0;
          else
            known = g_strcmp0 (heyai_asset_get_local_path (a), f->path) == 0;
        }
      if (known)
        continue;

      b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, HEYAI_FINAL_ROLE);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, f->name);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      params = json_to_string (node, FALSE);

      asset = heyai_asset_new ();
      heyai_asset_set_project_id (asset, heyai_project_get_id (self->project));
      heyai_asset_set_kind (asset, HEYAI_ASSET_KIND_CLIP);
      heyai_asset_set_take (asset, ++max_take);
      heyai_asset_set_provider (asset, heyai_storage_get_name (self->storage));
      heyai_asset_set_params (asset, params);
      heyai_asset_set_size (asset, f->size);
      heyai_asset_set_local_path (asset, f->path);
      heyai_asset_set_drive_file_id (asset, f->drive_id);
      if (f->view_link != NULL)
        heyai_asset_set_view_link (asset, f->view_link);
      else if (f->path != NULL)
        {
          g_autofree char *uri = g_filename_to_uri (f->path, NULL, NULL);

          heyai_asset_set_view_link (asset, uri);
        }
      g_ptr_array_add (added, g_steal_pointer (&asset));
    }

  if (added->len == 0)
    return g_steal_pointer (&added);

  if (!heyai_store_begin (self->store, error))
    return NULL;
  for (guint i = 0; i < added->len; i++)
    if (!heyai_store_insert_asset (self->store, added->pdata[i], error))
      {
        heyai_store_rollback (self->store);
        return NULL;
      }
  heyai_project_set_status (self->project, HEYAI_PROJECT_STATUS_COMPLETED);
  heyai_project_set_last_error (self->project, NULL);
  if (!heyai_store_update_project (self->store, self->project, error))
    {
      heyai_store_rollback (self->store);
      return NULL;
    }
  if (!heyai_store_commit (self->store, error))
    return NULL;

  for (guint i = 0; i < added->len; i++)
    g_signal_emit (self, signals[SIGNAL_FINAL_ARRIVED], 0, added->pdata[i]);
  return g_steal_pointer (&added);
}

/* ---------------------------------------------------------------------- */
/* One look                                                                */

typedef struct
{
  GHashTable *sizes;    /* local: name -> size at the first look */
  char       *dir;
} Check;

static void
check_free (Check *c)
{
  g_clear_pointer (&c->sizes, g_hash_table_unref);
  g_free (c->dir);
  g_free (c);
}

/* Local: video files in @dir with their sizes (a handful of stat calls). */
static GHashTable *
local_look (const char *dir)
{
  GHashTable *sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (is_temporary_name (name) || !is_video_name (name))
        continue;
      path = g_build_filename (dir, name, NULL);
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      g_hash_table_insert (sizes, g_strdup (name), g_memdup2 (&(gint64) { st.st_size }, sizeof (gint64)));
    }
  return sizes;
}

static gboolean
local_second_look (gpointer user_data)
{
  GTask *task = user_data;
  HeyaiFinalWatch *self = g_task_get_source_object (task);
  Check *c = g_task_get_task_data (task);
  g_autoptr(GHashTable) now = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);
  GHashTableIter iter;
  gpointer key, value;
  GError *error = NULL;
  GPtrArray *added;
  gboolean unsettled = FALSE;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }

  now = local_look (c->dir);
  g_hash_table_iter_init (&iter, now);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *before = g_hash_table_lookup (c->sizes, key);
      gint64 size = *(gint64 *) value;
      Found *f;

      if (size == 0)
        continue;
      if (before == NULL || *before != size)
        {
          unsettled = TRUE;
          continue;
        }
      f = g_new0 (Found, 1);
      f->name = g_strdup (key);
      f->path = g_build_filename (c->dir, key, NULL);
      f->size = size;
      g_ptr_array_add (found, f);
    }
  /* still being written: look again later (the running watch does) */
  if (unsettled)
    self->check_again = TRUE;

  added = record_found (self, found, &error);
  if (added == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, added, (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* The check's Drive state: the token taken before the first listing, and
 * the token to keep once this look is recorded. */
typedef struct
{
  char *final_id;
  char *start_token;
} DriveCheck;

static void
drive_check_free (DriveCheck *c)
{
  g_free (c->final_id);
  g_free (c->start_token);
  g_free (c);
}

/* Records the video files among @files (Drive file objects); ends @task
 * and, when it succeeds, moves the watch's page token on to @next_token. */
static void
drive_record (GTask       *task,
              GPtrArray   *files,
              const char  *next_token)
{
  HeyaiFinalWatch *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) found_free);
  GError *error = NULL;
  GPtrArray *added;

  for (guint i = 0; i < files->len; i++)
    {
      JsonObject *o = files->pdata[i];
      const char *name = json_object_get_string_member_with_default (o, "name", NULL);
      const char *mime = json_object_get_string_member_with_default (o, "mimeType", "");
      const char *size = json_object_get_string_member_with_default (o, "size", "0");
      Found *f;

      if (name == NULL || is_temporary_name (name))
        continue;
      if (!g_str_has_prefix (mime, "video/") && !is_video_name (name))
        continue;
      f = g_new0 (Found, 1);
      f->name = g_strdup (name);
      f->drive_id = g_strdup (json_object_get_string_member_with_default (o, "id", NULL));
      f->view_link = g_strdup (json_object_get_string_member_with_default (o, "webViewLink", NULL));
      f->size = g_ascii_strtoll (size, NULL, 10);
      if (f->drive_id == NULL)
        {
          found_free (f);
          continue;
        }
      g_ptr_array_add (found, f);
    }

  added = record_found (self, found, &error);
  if (added == NULL)
    g_task_return_error (task, error);
  else
    {
      g_free (self->page_token);
      self->page_token = g_strdup (next_token);
      g_task_return_pointer (task, added, (GDestroyNotify) g_ptr_array_unref);
    }
  g_object_unref (task);
}

static void
drive_listed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  DriveCheck *c = g_task_get_task_data (task);
  g_autoptr(GPtrArray) files = NULL;
  GError *error = NULL;

  files = heyai_drive_list_finish (HEYAI_DRIVE (source), result, &error);
  if (files == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  drive_record (task, files, c->start_token);
}

/* changes.list (C.5 item 19): the files that changed since the last look
 * and now sit in final/, not trashed; removed ones are only logged (a
 * recorded final stays a take). */
static void
drive_changes_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  DriveCheck *c = g_task_get_task_data (task);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  g_autofree char *next_token = NULL;
  GError *error = NULL;

  changes = heyai_drive_list_changes_finish (HEYAI_DRIVE (source), result, &next_token, &error);
  if (changes == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = changes->pdata[i];
      JsonNode *node = json_object_get_member (change, "file");
      JsonObject *file;
      JsonNode *parents;
      gboolean in_final = FALSE;

      if (json_object_get_boolean_member_with_default (change, "removed", FALSE) ||
          node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        {
          g_debug ("Drive: file %s removed or no longer visible",
                   json_object_get_string_member_with_default (change, "fileId", "?"));
          continue;
        }
      file = json_node_get_object (node);
      if (json_object_get_boolean_member_with_default (file, "trashed", FALSE))
        continue;
      parents = json_object_get_member (file, "parents");
      for (guint j = 0; parents != NULL && JSON_NODE_HOLDS_ARRAY (parents) &&
                        j < json_array_get_length (json_node_get_array (parents)); j++)
        in_final |= g_strcmp0 (json_array_get_string_element (json_node_get_array (parents), j),
                               c->final_id) == 0;
      if (in_final)
        g_ptr_array_add (files, file);
    }
  drive_record (task, files, next_token);
}

static const char *
final_folder_id (HeyaiProject *project,
                 char        **out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *folders = heyai_project_get_drive_folders (project);

  *out = NULL;
  if (folders != NULL && json_parser_load_from_data (parser, folders, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    *out = g_strdup (json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                                 "final", NULL));
  return *out;
}

#define FINAL_FILE_FIELDS "id,name,mimeType,size,md5Checksum,webViewLink,modifiedTime,parents,trashed"

static HeyaiDrive *
watch_drive (HeyaiFinalWatch *self)
{
  return heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (self->storage));
}

/* The first look lists final/ once (files.list); the start token is taken
 * before it, so nothing that arrives meanwhile is missed. */
static void
drive_start_token_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  DriveCheck *c = g_task_get_task_data (task);
  g_autofree char *escaped = NULL;
  g_autofree char *q = NULL;
  GError *error = NULL;

  c->start_token = heyai_drive_get_start_page_token_finish (HEYAI_DRIVE (source), result, &error);
  if (c->start_token == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  escaped = heyai_drive_escape_query (c->final_id);
  q = g_strdup_printf ("'%s' in parents and trashed = false", escaped);
  heyai_drive_list_async (HEYAI_DRIVE (source), q, FINAL_FILE_FIELDS,
                          g_task_get_cancellable (task), drive_listed_cb, task);
}

static void
drive_list_final (GTask *task)
{
  HeyaiFinalWatch *self = g_task_get_source_object (task);
  DriveCheck *c = g_new0 (DriveCheck, 1);

  g_task_set_task_data (task, c, (GDestroyNotify) drive_check_free);
  if (final_folder_id (self->project, &c->final_id) == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                               _("The project has no final folder on Google Drive yet."));
      g_object_unref (task);
      return;
    }
  /* Later looks ask only for what changed (files.list costs 100 quota
   * units a call; C.5 item 19). */
  if (self->page_token != NULL)
    heyai_drive_list_changes_async (watch_drive (self), self->page_token, FINAL_FILE_FIELDS,
                                    g_task_get_cancellable (task), drive_changes_cb, task);
  else
    heyai_drive_get_start_page_token_async (watch_drive (self), g_task_get_cancellable (task),
                                            drive_start_token_cb, task);
}

static void
drive_ensured_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  HeyaiFinalWatch *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!heyai_storage_ensure_project_finish (HEYAI_STORAGE (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* keep the folder ids found or created */
  if (!heyai_store_update_project (self->store, self->project, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  drive_list_final (task);
}

void
heyai_final_watch_check_async (HeyaiFinalWatch     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  g_autofree char *id = NULL;

  g_return_if_fail (HEYAI_IS_FINAL_WATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_final_watch_check_async);

  if (is_drive (self))
    {
      if (final_folder_id (self->project, &id) == NULL || heyai_project_get_drive_folder_id (self->project) == NULL)
        heyai_storage_ensure_project_async (self->storage, self->project, cancellable, drive_ensured_cb, task);
      else
        drive_list_final (task);
      return;
    }

  {
    Check *c = g_new0 (Check, 1);

    c->dir = final_dir (self);
    c->sizes = local_look (c->dir);
    g_task_set_task_data (task, c, (GDestroyNotify) check_free);
    if (g_hash_table_size (c->sizes) == 0)
      local_second_look (task);
    else
      g_timeout_add (self->settle_ms, local_second_look, task);
  }
}

GPtrArray *
heyai_final_watch_check_finish (HeyaiFinalWatch  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (HEYAI_IS_FINAL_WATCH (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Running                                                                 */

static void run_check (HeyaiFinalWatch *self);

static void
watch_checked_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HeyaiFinalWatch *self = HEYAI_FINAL_WATCH (source);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;

  self->checking = FALSE;
  added = heyai_final_watch_check_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->running)
    return;

  if (added == NULL)
    {
      self->failures++;
      g_debug ("final/ check of project %s failed (%u in a row): %s",
               heyai_project_get_id (self->project), self->failures, error->message);
    }
  else
    self->failures = 0;

  if (is_drive (self))
    schedule_poll (self);
  else if (self->check_again)
    run_check (self);
}

static void
run_check (HeyaiFinalWatch *self)
{
  if (self->checking)
    {
      self->check_again = TRUE;
      return;
    }
  self->checking = TRUE;
  self->check_again = FALSE;
  heyai_final_watch_check_async (self, self->cancellable, watch_checked_cb, NULL);
}

static gboolean
poll_cb (gpointer user_data)
{
  HeyaiFinalWatch *self = user_data;

  self->timeout_id = 0;
  run_check (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (HeyaiFinalWatch *self)
{
  guint seconds = self->poll_interval;

  for (guint i = 0; i < self->failures && seconds < MAX_BACKOFF_S; i++)
    seconds *= 2;
  seconds = MIN (seconds, MAX_BACKOFF_S);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add_seconds (seconds, poll_cb, self);
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  HeyaiFinalWatch *self = user_data;
  g_autofree char *name = NULL;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_CHANGED:
      break;
    default:
      return;
    }
  name = g_file_get_basename (event == G_FILE_MONITOR_EVENT_RENAMED && other != NULL ? other : file);
  if (name == NULL || is_temporary_name (name) || !is_video_name (name))
    return;
  run_check (self);
}

gboolean
heyai_final_watch_start (HeyaiFinalWatch  *self,
                         GError          **error)
{
  g_return_val_if_fail (HEYAI_IS_FINAL_WATCH (self), FALSE);

  if (self->running)
    return TRUE;

  if (!is_drive (self))
    {
      g_autofree char *dir = final_dir (self);
      g_autoptr(GFile) file = g_file_new_for_path (dir);

      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          int saved = errno;

          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                       _("Could not create the folder “%s”: %s."), dir, g_strerror (saved));
          return FALSE;
        }
      self->monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
      if (self->monitor == NULL)
        return FALSE;
      g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
    }

  self->running = TRUE;
  self->failures = 0;
  self->cancellable = g_cancellable_new ();
  run_check (self);
  return TRUE;
}

void
heyai_final_watch_stop (HeyaiFinalWatch *self)
{
  g_return_if_fail (HEYAI_IS_FINAL_WATCH (self));

  self->running = FALSE;
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

gboolean
heyai_final_watch_is_running (HeyaiFinalWatch *self)
{
  g_return_val_if_fail (HEYAI_IS_FINAL_WATCH (self), FALSE);
  return self->running;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                 */

static void
heyai_final_watch_dispose (GObject *object)
{
  HeyaiFinalWatch *self = HEYAI_FINAL_WATCH (object);

  heyai_final_watch_stop (self);
  g_clear_object (&self->store);
  g_clear_object (&self->project);
  g_clear_object (&self->storage);
  G_OBJECT_CLASS (heyai_final_watch_parent_class)->dispose (object);
}

static void
heyai_final_watch_finalize (GObject *object)
{
  HeyaiFinalWatch *self = HEYAI_FINAL_WATCH (object);

  g_free (self->local_root);
  g_free (self->page_token);
  G_OBJECT_CLASS (heyai_final_watch_parent_class)->finalize (object);
}

static void
heyai_final_watch_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HeyaiFinalWatch *self = HEYAI_FINAL_WATCH (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_STORAGE:
      g_value_set_object (value, self->storage);
      break;
    case PROP_LOCAL_ROOT:
      g_value_set_string (value, self->local_root);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval);
      break;
    case PROP_SETTLE_MS:
      g_value_set_uint (value, self->settle_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_final_watch_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HeyaiFinalWatch *self = HEYAI_FINAL_WATCH (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_STORAGE:
      self->storage = g_value_dup_object (value);
      break;
    case PROP_LOCAL_ROOT:
      self->local_root = g_value_dup_string (value);
      break;
    case PROP_POLL_INTERVAL:
      heyai_final_watch_set_poll_interval (self, g_value_get_uint (value));
      break;
    case PROP_SETTLE_MS:
      heyai_final_watch_set_settle_ms (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_final_watch_class_init (HeyaiFinalWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_final_watch_dispose;
  object_class->finalize = heyai_final_watch_finalize;
  object_class->get_property = heyai_final_watch_get_property;
  object_class->set_property = heyai_final_watch_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HEYAI_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, HEYAI_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORAGE] =
    g_param_spec_object ("storage", NULL, NULL, HEYAI_TYPE_STORAGE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCAL_ROOT] =
    g_param_spec_string ("local-root", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLL_INTERVAL] =
    g_param_spec_uint ("poll-interval", NULL, NULL, 1, MAX_BACKOFF_S, DEFAULT_POLL_S,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SETTLE_MS] =
    g_param_spec_uint ("settle-ms", NULL, NULL, 0, 60000, DEFAULT_SETTLE_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* final-arrived (HeyaiAsset *asset): the editor delivered; the project is completed. */
  signals[SIGNAL_FINAL_ARRIVED] =
    g_signal_new ("final-arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HEYAI_TYPE_ASSET);
}

static void
heyai_final_watch_init (HeyaiFinalWatch *self)
{
  self->poll_interval = DEFAULT_POLL_S;
  self->settle_ms = DEFAULT_SETTLE_MS;
}

HeyaiFinalWatch *
heyai_final_watch_new (HeyaiStore   *store,
                       HeyaiProject *project,
                       HeyaiStorage *storage,
                       const char   *local_root)
{
  g_return_val_if_fail (HEYAI_IS_STORE (store), NULL);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), NULL);
  g_return_val_if_fail (HEYAI_IS_STORAGE (storage), NULL);

  return g_object_new (HEYAI_TYPE_FINAL_WATCH, "store", store, "project", project,
                       "storage", storage, "local-root", local_root, NULL);
}

HeyaiProject *
heyai_final_watch_get_project (HeyaiFinalWatch *self)
{
  g_return_val_if_fail (HEYAI_IS_FINAL_WATCH (self), NULL);
  return self->project;
}

void
heyai_final_watch_set_poll_interval (HeyaiFinalWatch *self,
                                     guint            seconds)
{
  g_return_if_fail (HEYAI_IS_FINAL_WATCH (self));

  seconds = CLAMP (seconds, 1, MAX_BACKOFF_S);
  if (self->poll_interval == seconds)
    return;
  self->poll_interval = seconds;
  if (self->timeout_id != 0)
    schedule_poll (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLL_INTERVAL]);
}

void
heyai_final_watch_set_settle_ms (HeyaiFinalWatch *self,
                                 guint            settle_ms)
{
  g_return_if_fail (HEYAI_IS_FINAL_WATCH (self));

  if (self->settle_ms == settle_ms)
    return;
  self->settle_ms = settle_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLE_MS]);
}

/* ---------------------------------------------------------------------- */
/* One-shot check and the local copy                                       */

static void
oneshot_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  GPtrArray *added = heyai_final_watch_check_finish (HEYAI_FINAL_WATCH (source), result, &error);

  if (added == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, added, (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

void
heyai_final_check_async (HeyaiStore          *store,
                         HeyaiProject        *project,
                         HeyaiStorage        *storage,
                         const char          *local_root,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(HeyaiFinalWatch) watch = heyai_final_watch_new (store, project, storage, local_root);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, heyai_final_check_async);
  g_task_set_task_data (task, g_object_ref (watch), g_object_unref);
  heyai_final_watch_check_async (watch, cancellable, oneshot_cb, task);
}

GPtrArray *
heyai_final_check_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  HeyaiStore *store;
  HeyaiAsset *asset;
} Ensure;

static void
ensure_free (Ensure *e)
{
  g_clear_object (&e->store);
  g_clear_object (&e->asset);
  g_free (e);
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Ensure *e = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(HeyaiHttpDownload) dl = heyai_drive_download_finish (HEYAI_DRIVE (source), result, &error);

  if (dl == NULL)
    {
      g_prefix_error (&error, "%s", _("Could not download the finished trailer from Google Drive: "));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  heyai_asset_set_local_path (e->asset, dl->path);
  heyai_asset_set_sha256 (e->asset, dl->sha256);
  heyai_asset_set_size (e->asset, dl->size);
  if (!heyai_store_update_asset (e->store, e->asset, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_return_pointer (task, g_strdup (dl->path), g_free);
  g_object_unref (task);
}

void
heyai_final_ensure_local_async (HeyaiStore          *store,
                                HeyaiProject        *project,
                                HeyaiStorage        *storage,
                                const char          *local_root,
                                HeyaiAsset          *asset,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Ensure *e;
  const char *path;
  g_autofree char *name = NULL;
  g_autofree char *root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *dest = NULL;
  GStatBuf st;

  g_return_if_fail (HEYAI_IS_STORE (store));
  g_return_if_fail (HEYAI_IS_PROJECT (project));
  g_return_if_fail (HEYAI_IS_STORAGE (storage));
  g_return_if_fail (HEYAI_IS_ASSET (asset));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_final_ensure_local_async);
  e = g_new0 (Ensure, 1);
  e->store = g_object_ref (store);
  e->asset = g_object_ref (asset);
  g_task_set_task_data (task, e, (GDestroyNotify) ensure_free);

  path = heyai_asset_get_local_path (asset);
  if (path != NULL && g_stat (path, &st) == 0 && S_ISREG (st.st_mode)
      && (heyai_asset_get_size (asset) <= 0 || st.st_size == heyai_asset_get_size (asset)))
    {
      g_task_return_pointer (task, g_strdup (path), g_free);
      g_object_unref (task);
      return;
    }

  if (!HEYAI_IS_STORAGE_GDRIVE (storage) || heyai_asset_get_drive_file_id (asset) == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                               _("The finished trailer is no longer in the project’s final folder."));
      g_object_unref (task);
      return;
    }

  name = final_param (heyai_asset_get_params (asset), "name");
  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || name[0] == '.')
    {
      g_free (name);
      name = g_strdup_printf ("final-%d.mp4", heyai_asset_get_take (asset));
    }
  root = root_for (storage, local_root);
  dir = heyai_project_dir (root, project, "final");
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                               _("Could not create the folder “%s”: %s."), dir, g_strerror (saved));
      g_object_unref (task);
      return;
    }
  dest = g_build_filename (dir, name, NULL);
  heyai_drive_download_async (heyai_storage_gdrive_get_drive (HEYAI_STORAGE_GDRIVE (storage)),
                              heyai_asset_get_drive_file_id (asset), dest, NULL, NULL,
                              cancellable, downloaded_cb, task);
}

char *
heyai_final_ensure_local_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
