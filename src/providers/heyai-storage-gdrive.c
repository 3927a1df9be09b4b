/* heyai-storage-gdrive.c: Google Drive storage (see heyai-storage-gdrive.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-net"

#include <glib/gi18n-lib.h>

#include "heyai-storage-local.h"
#include "heyai-storage-gdrive.h"

#define ROOT_NAME "HeyAI Projects"
#define SNAPSHOT_FOLDER ".heyai"

static const char * const subs[] = { "images", "clips", "final" };

struct _HeyaiStorageGdrive
{
  GObject       parent_instance;

  HeyaiStorage *local;
  HeyaiDrive   *drive;
  char         *root_id;
  GHashTable   *walks;      /* project id -> GPtrArray of waiting GTask */
};

static void heyai_storage_gdrive_iface_init (HeyaiStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiStorageGdrive, heyai_storage_gdrive, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_STORAGE,
                                                      heyai_storage_gdrive_iface_init))

static void
heyai_storage_gdrive_dispose (GObject *object)
{
  HeyaiStorageGdrive *self = HEYAI_STORAGE_GDRIVE (object);

  g_clear_object (&self->local);
  g_clear_object (&self->drive);
  G_OBJECT_CLASS (heyai_storage_gdrive_parent_class)->dispose (object);
}

static void
heyai_storage_gdrive_finalize (GObject *object)
{
  HeyaiStorageGdrive *self = HEYAI_STORAGE_GDRIVE (object);

  g_free (self->root_id);
  g_hash_table_unref (self->walks);
  G_OBJECT_CLASS (heyai_storage_gdrive_parent_class)->finalize (object);
}

static void
heyai_storage_gdrive_class_init (HeyaiStorageGdriveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_storage_gdrive_dispose;
  object_class->finalize = heyai_storage_gdrive_finalize;
}

static void
heyai_storage_gdrive_init (HeyaiStorageGdrive *self)
{
  self->walks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_ptr_array_unref);
}

HeyaiStorage *
heyai_storage_gdrive_new_with_drive (HeyaiDrive *drive,
                                     const char *data_dir)
{
  HeyaiStorageGdrive *self;

  g_return_val_if_fail (HEYAI_IS_DRIVE (drive), NULL);

  self = g_object_new (HEYAI_TYPE_STORAGE_GDRIVE, NULL);
  self->drive = g_object_ref (drive);
  self->local = heyai_storage_local_new (data_dir);
  return HEYAI_STORAGE (self);
}

HeyaiStorage *
heyai_storage_gdrive_new (const char *data_dir)
{
  g_autoptr(HeyaiOauth) oauth = heyai_oauth_new ();
  g_autoptr(HeyaiDrive) drive = heyai_drive_new (oauth);
  g_auto(HeyaiProviderConfig) config = { 0 };

  heyai_provider_config_init_from_env (&config, data_dir);
  heyai_drive_set_shared_drive_id (drive, config.drive_shared_drive_id);
  return heyai_storage_gdrive_new_with_drive (drive, data_dir);
}

GObject *
heyai_storage_gdrive_create (const char  *data_dir,
                             GError     **error)
{
  return G_OBJECT (heyai_storage_gdrive_new (data_dir));
}

HeyaiDrive *
heyai_storage_gdrive_get_drive (HeyaiStorageGdrive *self)
{
  g_return_val_if_fail (HEYAI_IS_STORAGE_GDRIVE (self), NULL);
  return self->drive;
}

static const char *
heyai_storage_gdrive_get_name (HeyaiStorage *storage)
{
  return "gdrive";
}

/* ---------------------------------------------------------------------- */
/* Folder ids cached on the project                                        */

/* The cached id of @sub ("images", ...), or NULL. Newly allocated. */
static char *
cached_folder (HeyaiProject *project,
               const char   *sub)
{
  const char *json = heyai_project_get_drive_folders (project);
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (json == NULL || *json == '\0')
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), sub, NULL));
}

static gboolean
project_cached (HeyaiProject *project)
{
  const char *folder = heyai_project_get_drive_folder_id (project);

  if (folder == NULL || *folder == '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    {
      g_autofree char *id = cached_folder (project, subs[i]);

      if (id == NULL || *id == '\0')
        return FALSE;
    }
  return TRUE;
}

static void
forget_cache (HeyaiProject *project)
{
  heyai_project_set_drive_folder_id (project, NULL);
  heyai_project_set_drive_folders (project, NULL);
}

/* ---------------------------------------------------------------------- */
/* The folder walk                                                         */

typedef struct
{
  HeyaiStorageGdrive *self;
  HeyaiProject *project;
  char         *project_id;
  char         *folder_id;
  char         *ids[G_N_ELEMENTS (subs)];
  guint         step;
} Walk;

static void
walk_free (Walk *walk)
{
  g_clear_object (&walk->self);
  g_clear_object (&walk->project);
  g_free (walk->project_id);
  g_free (walk->folder_id);
  for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
    g_free (walk->ids[i]);
  g_free (walk);
}

static void
walk_finish (HeyaiStorageGdrive *self,
             Walk               *walk,
             const GError       *error)
{
  GPtrArray *waiters = NULL;
  g_autofree char *key = NULL;

  if (!g_hash_table_steal_extended (self->walks, walk->project_id, (gpointer *) &key, (gpointer *) &waiters))
    return;

  if (error == NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;

      json_builder_begin_object (builder);
      for (guint i = 0; i < G_N_ELEMENTS (subs); i++)
        {
          json_builder_set_member_name (builder, subs[i]);
          json_builder_add_string_value (builder, walk->ids[i]);
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (gen, root);
      json = json_generator_to_data (gen, NULL);

      heyai_project_set_drive_folder_id (walk->project, walk->folder_id);
      heyai_project_set_drive_folders (walk->project, json);
    }

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_ptr_array_unref (waiters);
}

static void walk_step (HeyaiStorageGdrive *self, Walk *walk);

static void
walk_folder_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Walk *walk = user_data;
  HeyaiStorageGdrive *self = walk->self;
  g_autoptr(GError) error = NULL;
  char *id = heyai_drive_ensure_folder_finish (HEYAI_DRIVE (source), result, &error);

  if (id == NULL)
    {
      walk_finish (self, walk, error);
      walk_free (walk);
      return;
    }

  switch (walk->step)
    {
    case 0:
      g_free (self->root_id);
      self->root_id = id;
      break;
    case 1:
      walk->folder_id = id;
      break;
    default:
      walk->ids[walk->step - 2] = id;
      break;
    }
  walk->step++;
  walk_step (self, walk);
}

static void
walk_step (HeyaiStorageGdrive *self,
           Walk               *walk)
{
  const char *parent = NULL;
  g_autofree char *name = NULL;

  if (walk->step == 0 && self->root_id != NULL)
    walk->step = 1;
  if (walk->step == 1 && walk->folder_id != NULL)
    walk->step = 2;

  if (walk->step >= 2 + G_N_ELEMENTS (subs))
    {
      walk_finish (self, walk, NULL);
      walk_free (walk);
      return;
    }

  switch (walk->step)
    {
    case 0:
      name = g_strdup (ROOT_NAME);
      parent = NULL;
      break;
    case 1:
      name = heyai_project_dup_folder_name (walk->project);
      parent = self->root_id;
      break;
    default:
      name = g_strdup (subs[walk->step - 2]);
      parent = walk->folder_id;
      break;
    }

  heyai_drive_ensure_folder_async (self->drive, parent, name, NULL, walk_folder_cb, walk);
}

static void
drive_ensure (HeyaiStorageGdrive *self,
              HeyaiProject       *project,
              GTask              *task)
{
  const char *pid = heyai_project_get_id (project);
  GPtrArray *waiters;
  Walk *walk;

  if (project_cached (project))
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  waiters = g_hash_table_lookup (self->walks, pid != NULL ? pid : "");
  if (waiters != NULL)
    {
      g_ptr_array_add (waiters, task);
      return;
    }

  waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiters, task);
  g_hash_table_insert (self->walks, g_strdup (pid != NULL ? pid : ""), waiters);

  walk = g_new0 (Walk, 1);
  walk->self = g_object_ref (self);
  walk->project = g_object_ref (project);
  walk->project_id = g_strdup (pid != NULL ? pid : "");
  if (heyai_project_get_drive_folder_id (project) != NULL && *heyai_project_get_drive_folder_id (project) != '\0')
    walk->folder_id = g_strdup (heyai_project_get_drive_folder_id (project));
  walk_step (self, walk);
}

static void
local_ensured_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  HeyaiStorageGdrive *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!heyai_storage_ensure_project_finish (HEYAI_STORAGE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  drive_ensure (self, g_task_get_task_data (task), task);
}

static void
heyai_storage_gdrive_ensure_project_async (HeyaiStorage        *storage,
                                           HeyaiProject        *project,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  HeyaiStorageGdrive *self = HEYAI_STORAGE_GDRIVE (storage);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, heyai_storage_gdrive_ensure_project_async);
  g_task_set_task_data (task, g_object_ref (project), g_object_unref);
  heyai_storage_ensure_project_async (self->local, project, cancellable, local_ensured_cb, task);
}

static gboolean
heyai_storage_gdrive_ensure_project_finish (HeyaiStorage  *storage,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, storage), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* publish                                                                 */

typedef struct
{
  HeyaiProject     *project;
  HeyaiAsset       *asset;
  /* The session to resume: the caller's, then the one the service opened
   * (the reporter is told; a retry resumes it). */
  char             *session;
  HeyaiGenReporter *reporter;
  gboolean          retried;
} Publish;

static void
publish_free (Publish *pub)
{
  g_clear_object (&pub->project);
  g_clear_object (&pub->asset);
  g_free (pub->session);
  g_clear_pointer (&pub->reporter, heyai_gen_reporter_unref);
  g_free (pub);
}

static void publish_upload (GTask *task, const char *parent_id);
static void publish_ensured_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
session_cb (const char *session_uri,
            gpointer    user_data)
{
  Publish *pub = user_data;

  g_free (pub->session);
  pub->session = g_strdup (session_uri);
  heyai_gen_reporter_upload_session (pub->reporter, session_uri);
}

static void
progress_cb (gint64   done,
             gint64   total,
             gpointer user_data)
{
  Publish *pub = user_data;

  if (total > 0)
    heyai_gen_reporter_progress (pub->reporter, (double) done / (double) total);
}

static void
uploaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiStorageGdrive *self = g_task_get_source_object (task);
  Publish *pub = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) file = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &error);

  if (file == NULL)
    {
      /* A folder deleted on Drive behind our back: find the tree again, once. */
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND) && !pub->retried &&
          heyai_asset_get_kind (pub->asset) != HEYAI_ASSET_KIND_DATABASE)
        {
          pub->retried = TRUE;
          forget_cache (pub->project);
          if (heyai_asset_get_drive_file_id (pub->asset) != NULL)
            heyai_asset_set_drive_file_id (pub->asset, NULL);
          g_clear_pointer (&self->root_id, g_free);
          heyai_storage_ensure_project_async (HEYAI_STORAGE (self), pub->project,
                                              g_task_get_cancellable (task), publish_ensured_cb,
                                              g_object_ref (task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  heyai_asset_set_drive_file_id (pub->asset, json_object_get_string_member_with_default (file, "id", NULL));
  heyai_asset_set_view_link (pub->asset, json_object_get_string_member_with_default (file, "webViewLink", NULL));
  g_clear_pointer (&pub->session, g_free);
  heyai_gen_reporter_upload_session (pub->reporter, NULL);
  g_task_return_boolean (task, TRUE);
}

#define ASSET_PROPERTY "heyaiAsset"

static void
start_upload (GTask      *task,
              const char *parent_id)
{
  HeyaiStorageGdrive *self = g_task_get_source_object (task);
  Publish *pub = g_task_get_task_data (task);
  HeyaiDriveUpload upload = { 0, };
  const char *existing = heyai_asset_get_drive_file_id (pub->asset);
  g_autoptr(JsonObject) properties = json_object_new ();

  upload.path = heyai_asset_get_local_path (pub->asset);
  upload.parent_id = parent_id;
  upload.file_id = existing != NULL && *existing != '\0' ? existing : NULL;
  upload.session_uri = pub->session;
  if (upload.session_uri != NULL && *upload.session_uri == '\0')
    upload.session_uri = NULL;
  upload.fields = "id,name,md5Checksum,size,webViewLink";
  /* The asset id rides along, so that an upload whose answer was lost is
   * found again instead of uploaded twice. */
  if (heyai_asset_get_id (pub->asset) != NULL)
    {
      json_object_set_string_member (properties, ASSET_PROPERTY, heyai_asset_get_id (pub->asset));
      upload.app_properties = properties;
    }

  heyai_drive_upload_async (self->drive, &upload, session_cb, progress_cb, pub,
                            g_task_get_cancellable (task), uploaded_cb, task);
}

static gint64
file_size (JsonObject *file)
{
  JsonNode *node = json_object_get_member (file, "size");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtoll (json_node_get_string (node), NULL, 10);
  return json_node_get_int (node);
}

static void
found_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  Publish *pub = g_task_get_task_data (task);
  g_autofree char *parent_id = g_object_steal_data (G_OBJECT (task), "heyai-parent");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = heyai_drive_list_finish (HEYAI_DRIVE (source), result, &error);

  if (files == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      JsonObject *file = g_ptr_array_index (files, i);
      const char *id = json_object_get_string_member_with_default (file, "id", NULL);

      if (id == NULL || file_size (file) != heyai_asset_get_size (pub->asset))
        continue;
      g_debug ("Drive: asset %s was uploaded already as %s", heyai_asset_get_id (pub->asset), id);
      heyai_asset_set_drive_file_id (pub->asset, id);
      heyai_asset_set_view_link (pub->asset, json_object_get_string_member_with_default (file, "webViewLink", NULL));
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  if (files == NULL)
    g_debug ("Drive: could not look for an earlier upload: %s", error->message);
  start_upload (task, parent_id);
}

static void
publish_upload (GTask      *task,
                const char *parent_id)
{
  HeyaiStorageGdrive *self = g_task_get_source_object (task);
  Publish *pub = g_task_get_task_data (task);
  const char *existing = heyai_asset_get_drive_file_id (pub->asset);
  const char *session = pub->session;
  g_autofree char *escaped = NULL;
  g_autofree char *q = NULL;

  /* A fresh upload of a still or clip: was it uploaded already (the answer
   * lost, the session gone)?  Its asset id says. */
  if ((existing != NULL && *existing != '\0') || (session != NULL && *session != '\0') ||
      heyai_asset_get_id (pub->asset) == NULL ||
      (heyai_asset_get_kind (pub->asset) != HEYAI_ASSET_KIND_IMAGE &&
       heyai_asset_get_kind (pub->asset) != HEYAI_ASSET_KIND_CLIP))
    {
      start_upload (task, parent_id);
      return;
    }

  escaped = heyai_drive_escape_query (heyai_asset_get_id (pub->asset));
  q = g_strdup_printf ("appProperties has { key='" ASSET_PROPERTY "' and value='%s' } and trashed = false",
                       escaped);
  g_object_set_data_full (G_OBJECT (task), "heyai-parent", g_strdup (parent_id), g_free);
  heyai_drive_list_async (self->drive, q, "id,size,webViewLink", g_task_get_cancellable (task), found_cb, task);
}

static void
snapshot_folder_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  HeyaiStorageGdrive *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = heyai_drive_ensure_folder_finish (HEYAI_DRIVE (source), result, &error);

  if (id == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (g_object_get_data (G_OBJECT (task), "heyai-root-step") != NULL)
    {
      /* that was the root; now .heyai under it */
      g_object_set_data (G_OBJECT (task), "heyai-root-step", NULL);
      g_free (self->root_id);
      self->root_id = g_steal_pointer (&id);
      heyai_drive_ensure_folder_async (self->drive, self->root_id, SNAPSHOT_FOLDER,
                                       g_task_get_cancellable (task), snapshot_folder_cb, task);
      return;
    }
  publish_upload (task, id);
}

static void
publish_ensured_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Publish *pub = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  const char *sub;

  if (!heyai_storage_ensure_project_finish (HEYAI_STORAGE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  switch (heyai_asset_get_kind (pub->asset))
    {
    case HEYAI_ASSET_KIND_IMAGE:
      sub = "images";
      break;
    case HEYAI_ASSET_KIND_CLIP:
      sub = "clips";
      break;
    default:
      sub = "final";
      break;
    }
  folder = cached_folder (pub->project, sub);
  publish_upload (task, folder);
}

static void
local_published_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  HeyaiStorageGdrive *self = g_task_get_source_object (task);
  Publish *pub = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!heyai_storage_publish_finish (HEYAI_STORAGE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (heyai_asset_get_kind (pub->asset) == HEYAI_ASSET_KIND_DATABASE)
    {
      if (self->root_id == NULL)
        {
          g_object_set_data (G_OBJECT (task), "heyai-root-step", GINT_TO_POINTER (1));
          heyai_drive_ensure_folder_async (self->drive, NULL, ROOT_NAME, g_task_get_cancellable (task),
                                           snapshot_folder_cb, task);
        }
      else
        heyai_drive_ensure_folder_async (self->drive, self->root_id, SNAPSHOT_FOLDER,
                                         g_task_get_cancellable (task), snapshot_folder_cb, task);
      return;
    }

  heyai_storage_ensure_project_async (HEYAI_STORAGE (self), pub->project, g_task_get_cancellable (task),
                                      publish_ensured_cb, task);
}

static void
heyai_storage_gdrive_publish_async (HeyaiStorage        *storage,
                                    HeyaiProject        *project,
                                    HeyaiAsset          *asset,
                                    const char          *upload_session,
                                    HeyaiGenReporter    *reporter,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  HeyaiStorageGdrive *self = HEYAI_STORAGE_GDRIVE (storage);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Publish *pub = g_new0 (Publish, 1);

  g_task_set_source_tag (task, heyai_storage_gdrive_publish_async);
  pub->project = g_object_ref (project);
  pub->asset = g_object_ref (asset);
  pub->session = g_strdup (upload_session);
  pub->reporter = reporter != NULL ? heyai_gen_reporter_ref (reporter) : NULL;
  g_task_set_task_data (task, pub, (GDestroyNotify) publish_free);

  if (heyai_asset_get_local_path (asset) == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, "%s",
                               _("There is no local file to upload to Google Drive."));
      g_object_unref (task);
      return;
    }
  heyai_storage_publish_async (self->local, project, asset, NULL, reporter, cancellable, local_published_cb, task);
}

static gboolean
heyai_storage_gdrive_publish_finish (HeyaiStorage  *storage,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, storage), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
heyai_storage_gdrive_iface_init (HeyaiStorageInterface *iface)
{
  iface->get_name = heyai_storage_gdrive_get_name;
  iface->ensure_project_async = heyai_storage_gdrive_ensure_project_async;
  iface->ensure_project_finish = heyai_storage_gdrive_ensure_project_finish;
  iface->publish_async = heyai_storage_gdrive_publish_async;
  iface->publish_finish = heyai_storage_gdrive_publish_finish;
}

/* ---------------------------------------------------------------------- */
/* Sharing                                                                 */

static void
shared_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiProject *project = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *link = heyai_drive_share_anyone_finish (HEYAI_DRIVE (source), result, &error);

  if (link == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  heyai_project_set_share_link (project, link);
  g_task_return_pointer (task, link, g_free);
}

static void
share_ensured_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiStorageGdrive *self = g_task_get_source_object (task);
  HeyaiProject *project = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!heyai_storage_ensure_project_finish (HEYAI_STORAGE (source), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  heyai_drive_share_anyone_async (self->drive, heyai_project_get_drive_folder_id (project),
                                  g_task_get_cancellable (task), shared_cb, g_object_ref (task));
}

void
heyai_storage_gdrive_share_project_async (HeyaiStorageGdrive  *self,
                                          HeyaiProject        *project,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HEYAI_IS_STORAGE_GDRIVE (self));
  g_return_if_fail (HEYAI_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_storage_gdrive_share_project_async);
  g_task_set_task_data (task, g_object_ref (project), g_object_unref);
  heyai_storage_ensure_project_async (HEYAI_STORAGE (self), project, cancellable, share_ensured_cb, task);
}

char *
heyai_storage_gdrive_share_project_finish (HeyaiStorageGdrive  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (HEYAI_IS_STORAGE_GDRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
