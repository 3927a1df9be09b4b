/* heyai-drive.c: Google Drive v3 REST client (see heyai-drive.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#define G_LOG_DOMAIN "heyai-net"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "heyai-error.h"
#include "heyai-limited-input-stream.h"
#include "heyai-util.h"
#include "heyai-drive.h"

#define LIST_FIELDS "id,name,mimeType,parents,md5Checksum,modifiedTime,version,size"
#define CHUNK_TIMEOUT_S 600
#define MAX_SESSION_RESTARTS 2

struct _HeyaiDrive
{
  GObject     parent_instance;

  HeyaiOauth *oauth;
  HeyaiHttp  *http;
  HeyaiHttp  *upload_http;
  gsize       chunk_size;
  char       *shared_drive_id;   /* NULL: My Drive */
};

/* Where the tree starts: the shared drive, or My Drive's "root". */
static const char *
root_id (HeyaiDrive *self)
{
  return self->shared_drive_id != NULL ? self->shared_drive_id : "root";
}

/* Every Drive call carries supportsAllDrives=true (harmless without a
 * shared drive; API-CONTRACTS.md C.5 item 18).  Not for a resumable
 * session URI, which is used exactly as returned. */
static HeyaiHttpRequest *
drive_request_new (const char *method,
                   const char *path)
{
  HeyaiHttpRequest *req = heyai_http_request_new (method, path);

  heyai_http_request_add_query (req, "supportsAllDrives", "true");
  return req;
}

/* A Drive call on one file: files/<@file_id, escaped><@suffix> ("" or
 * "/permissions"). */
static HeyaiHttpRequest *
drive_file_request_new (const char *method,
                        const char *file_id,
                        const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (file_id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("files/", escaped, suffix, NULL);

  return drive_request_new (method, path);
}

G_DEFINE_FINAL_TYPE (HeyaiDrive, heyai_drive, G_TYPE_OBJECT)

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

/* The first errors[].reason of a Drive error body, or NULL. */
static const char *
drive_reason (HeyaiHttpResponse *response)
{
  JsonObject *obj = heyai_http_response_get_object (response, NULL);
  JsonObject *err;
  JsonArray *errors;
  JsonNode *first;

  if (obj == NULL || !json_object_has_member (obj, "error") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "error")))
    return NULL;
  err = json_object_get_object_member (obj, "error");
  if (!json_object_has_member (err, "errors") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (err, "errors")))
    return NULL;
  errors = json_object_get_array_member (err, "errors");
  if (json_array_get_length (errors) == 0)
    return NULL;
  first = json_array_get_element (errors, 0);
  if (!JSON_NODE_HOLDS_OBJECT (first))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (first), "reason", NULL);
}

static gboolean
reason_is (const char *reason,
           const char *const *names)
{
  return reason != NULL && g_strv_contains (names, reason);
}

static HeyaiHttpVerdict
drive_classify (HeyaiHttpResponse  *response,
                GError            **error,
                gpointer            user_data)
{
  static const char * const transient[] = {
    "userRateLimitExceeded", "rateLimitExceeded", "backendError", "sharingRateLimitExceeded",
    "internalError", NULL
  };
  static const char * const denied[] = {
    "insufficientFilePermissions", "appNotAuthorizedToFile", "domainPolicy", "insufficientPermissions",
    "forbidden", "cannotModifyFile", NULL
  };
  guint status = heyai_http_response_get_status (response);
  const char *reason;
  g_autofree char *detail = NULL;

  if (status == 401)
    return HEYAI_HTTP_VERDICT_OK;   /* handed back: the caller refreshes the token once */
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return HEYAI_HTTP_VERDICT_DEFAULT;

  reason = drive_reason (response);
  detail = heyai_http_response_dup_error_detail (response);

  if (reason_is (reason, transient))
    return HEYAI_HTTP_VERDICT_RETRY;
  if (g_strcmp0 (reason, "storageQuotaExceeded") == 0 || g_strcmp0 (reason, "quotaExceeded") == 0)
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                           _("Your Google Drive is full. Free up space in Drive (or switch the project "
                             "to local storage) and try again."));
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  if (g_strcmp0 (reason, "dailyLimitExceeded") == 0)
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_QUOTA,
                           _("Google Drive’s daily limit for HeyAI Studio is used up. Try again tomorrow."));
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  if (reason_is (reason, denied))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS,
                   _("Google Drive refused access (%s). Connect Google Drive again in Preferences, or "
                     "check the folder’s sharing settings."), detail != NULL ? detail : reason);
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  if (status == 404)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("Google Drive could not find the file or folder (%s). It may have been deleted."),
                   detail != NULL ? detail : "notFound");
      return HEYAI_HTTP_VERDICT_FINAL;
    }
  return HEYAI_HTTP_VERDICT_DEFAULT;
}

/* For answers of ANY_STATUS requests (upload chunks): TRUE when the answer
 * is transient; otherwise sets @error. */
static gboolean
upload_answer_transient (HeyaiDrive         *self,
                         HeyaiHttpResponse  *response,
                         GError            **error)
{
  guint status = heyai_http_response_get_status (response);
  g_autoptr(GError) local_error = NULL;
  HeyaiHttpVerdict verdict;

  if (status == 408 || status == 429 || status >= 500)
    return TRUE;
  verdict = drive_classify (response, &local_error, self);
  if (verdict == HEYAI_HTTP_VERDICT_RETRY)
    return TRUE;
  if (local_error == NULL)
    {
      g_autofree char *detail = heyai_http_response_dup_error_detail (response);

      local_error = g_error_new (HEYAI_ERROR, status == 401 || status == 403 ? HEYAI_ERROR_CREDENTIALS
                                                                             : HEYAI_ERROR_VALIDATION,
                                 _("Google Drive refused the upload (HTTP %u): %s"), status,
                                 detail != NULL ? detail : "");
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* ---------------------------------------------------------------------- */

static void
heyai_drive_dispose (GObject *object)
{
  HeyaiDrive *self = HEYAI_DRIVE (object);

  g_clear_object (&self->oauth);
  g_clear_object (&self->http);
  g_clear_object (&self->upload_http);
  g_clear_pointer (&self->shared_drive_id, g_free);
  G_OBJECT_CLASS (heyai_drive_parent_class)->dispose (object);
}

static void
heyai_drive_class_init (HeyaiDriveClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = heyai_drive_dispose;
}

static void
heyai_drive_init (HeyaiDrive *self)
{
  self->http = heyai_http_new_for_service (HEYAI_SERVICE_DRIVE);
  self->upload_http = heyai_http_new_for_service (HEYAI_SERVICE_DRIVE_UPLOAD);
  heyai_http_set_classifier (self->http, drive_classify, self, NULL);
  heyai_http_set_classifier (self->upload_http, drive_classify, self, NULL);
  self->chunk_size = HEYAI_DRIVE_DEFAULT_CHUNK;
  /* The shared drive (HEYAI_DRIVE_SHARED_DRIVE_ID) comes as a value:
   * heyai_drive_set_shared_drive_id(). */
}

void
heyai_drive_set_shared_drive_id (HeyaiDrive *self,
                                 const char *drive_id)
{
  g_return_if_fail (HEYAI_IS_DRIVE (self));

  g_clear_pointer (&self->shared_drive_id, g_free);
  if (drive_id != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (drive_id));

      if (*trimmed != '\0')
        self->shared_drive_id = g_steal_pointer (&trimmed);
    }
}

const char *
heyai_drive_get_shared_drive_id (HeyaiDrive *self)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  return self->shared_drive_id;
}

HeyaiDrive *
heyai_drive_new (HeyaiOauth *oauth)
{
  HeyaiDrive *self;

  g_return_val_if_fail (HEYAI_IS_OAUTH (oauth), NULL);

  self = g_object_new (HEYAI_TYPE_DRIVE, NULL);
  self->oauth = g_object_ref (oauth);
  return self;
}

HeyaiOauth *
heyai_drive_get_oauth (HeyaiDrive *self)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  return self->oauth;
}

HeyaiHttp *
heyai_drive_get_http (HeyaiDrive *self)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  return self->http;
}

HeyaiHttp *
heyai_drive_get_upload_http (HeyaiDrive *self)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  return self->upload_http;
}

void
heyai_drive_set_chunk_size (HeyaiDrive *self,
                            gsize       chunk_size)
{
  g_return_if_fail (HEYAI_IS_DRIVE (self));

  chunk_size -= chunk_size % HEYAI_DRIVE_CHUNK_QUANTUM;
  self->chunk_size = MAX (chunk_size, HEYAI_DRIVE_CHUNK_QUANTUM);
}

gsize
heyai_drive_get_chunk_size (HeyaiDrive *self)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), 0);
  return self->chunk_size;
}

char *
heyai_drive_escape_query (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + 8);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* An authorized call: token, send, and on 401 one refresh and resend.     */

typedef struct
{
  HeyaiDrive       *self;
  HeyaiHttp        *http;
  HeyaiHttpRequest *request;
  gboolean          refreshed;
} Call;

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_object_unref (call->http);
  heyai_http_request_unref (call->request);
  g_free (call);
}

static void call_token_cb (GObject *source, GAsyncResult *result, gpointer user_data);

/* The one place that reacts to a refused token: the first time, forget the
 * access token and fetch a fresh one (refreshing it with the refresh token),
 * then @token_cb resends.  Returns FALSE when a refresh was already tried. */
static gboolean
refresh_token_once (HeyaiDrive          *self,
                    GTask               *task,
                    gboolean            *refreshed,
                    GAsyncReadyCallback  token_cb)
{
  if (*refreshed)
    return FALSE;
  *refreshed = TRUE;
  heyai_oauth_invalidate (self->oauth);
  heyai_oauth_get_token_async (self->oauth, g_task_get_cancellable (task), token_cb, g_object_ref (task));
  return TRUE;
}

static void
call_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (heyai_http_response_get_status (response) == 401 &&
      (heyai_http_request_get_flags (call->request) & HEYAI_HTTP_REQUEST_ANY_STATUS) == 0)
    {
      if (refresh_token_once (call->self, task, &call->refreshed, call_token_cb))
        return;
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS, "%s",
                               _("Google Drive did not accept the authorization. Connect Google Drive "
                                 "again in Preferences."));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&response), (GDestroyNotify) heyai_http_response_unref);
}

static void
call_token_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = heyai_oauth_get_token_finish (HEYAI_OAUTH (source), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  heyai_http_request_set_bearer (call->request, token);
  heyai_http_send_async (call->http, call->request, g_task_get_cancellable (task),
                         call_sent_cb, g_object_ref (task));
}

static void
drive_call_async (HeyaiDrive          *self,
                  HeyaiHttp           *http,
                  HeyaiHttpRequest    *request,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, drive_call_async);
  call->self = g_object_ref (self);
  call->http = g_object_ref (http);
  call->request = heyai_http_request_ref (request);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  heyai_oauth_get_token_async (self->oauth, cancellable, call_token_cb, task);
}

static HeyaiHttpResponse *
drive_call_finish (GAsyncResult  *result,
                   GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* files.list                                                              */

/* files.list, or changes.list (@changes: the same paging, other names). */
typedef struct
{
  char      *q;
  char      *fields;
  char      *order_by;
  GPtrArray *files;
  gboolean   changes;
  char      *new_start_page_token;   /* changes.list: the token of the next call */
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->q);
  g_free (data->fields);
  g_free (data->order_by);
  g_ptr_array_unref (data->files);
  g_free (data->new_start_page_token);
  g_free (data);
}

static void list_page (GTask *task, const char *page_token);

static void
list_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  JsonObject *obj;
  JsonArray *files;
  const char *next;

  response = drive_call_finish (result, &error);
  if (response == NULL || (obj = heyai_http_response_get_object (response, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  {
    const char *member = data->changes ? "changes" : "files";
    JsonNode *list = json_object_get_member (obj, member);

    files = list != NULL && JSON_NODE_HOLDS_ARRAY (list) ? json_node_get_array (list) : NULL;
  }
  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    {
      JsonNode *node = json_array_get_element (files, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (data->files, json_object_ref (json_node_get_object (node)));
    }

  next = json_object_get_string_member_with_default (obj, "nextPageToken", NULL);
  if (next != NULL && *next != '\0')
    {
      list_page (g_steal_pointer (&task), next);
      return;
    }
  if (data->changes)
    {
      /* The last page of changes.list carries newStartPageToken. */
      const char *start = json_object_get_string_member_with_default (obj, "newStartPageToken", NULL);

      if (start == NULL || *start == '\0')
        {
          g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                                   _("%s sent a list of changes without the token for the next look."),
                                   heyai_http_get_label (HEYAI_DRIVE (g_task_get_source_object (task))->http));
          return;
        }
      data->new_start_page_token = g_strdup (start);
    }
  g_task_return_pointer (task, g_ptr_array_ref (data->files), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_page (GTask      *task,
           const char *page_token)
{
  HeyaiDrive *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpRequest) req = drive_request_new ("GET", data->changes ? "changes" : "files");
  g_autofree char *fields = data->changes
                              ? g_strdup_printf ("nextPageToken,newStartPageToken,changes(fileId,removed,file(%s))",
                                                 data->fields)
                              : g_strdup_printf ("nextPageToken,files(%s)", data->fields);

  if (data->changes)
    {
      /* changes.list (C.5 item 19): the shared drive's changes when there
       * is one; its items need includeItemsFromAllDrives. */
      g_assert (page_token != NULL);
      heyai_http_request_add_query (req, "fields", fields);
      heyai_http_request_add_query (req, "pageSize", "1000");
      heyai_http_request_add_query (req, "spaces", "drive");
      heyai_http_request_add_query (req, "pageToken", page_token);
      if (self->shared_drive_id != NULL)
        {
          heyai_http_request_add_query (req, "driveId", self->shared_drive_id);
          heyai_http_request_add_query (req, "includeItemsFromAllDrives", "true");
        }
      drive_call_async (self, self->http, req, g_task_get_cancellable (task), list_page_cb, task);
      return;
    }
  if (data->q != NULL)
    heyai_http_request_add_query (req, "q", data->q);
  heyai_http_request_add_query (req, "fields", fields);
  heyai_http_request_add_query (req, "pageSize", "1000");
  heyai_http_request_add_query (req, "spaces", "drive");
  if (self->shared_drive_id != NULL)
    {
      /* Lists scoped to the shared drive. */
      heyai_http_request_add_query (req, "corpora", "drive");
      heyai_http_request_add_query (req, "driveId", self->shared_drive_id);
      heyai_http_request_add_query (req, "includeItemsFromAllDrives", "true");
    }
  if (data->order_by != NULL)
    heyai_http_request_add_query (req, "orderBy", data->order_by);
  if (page_token != NULL)
    heyai_http_request_add_query (req, "pageToken", page_token);
  drive_call_async (self, self->http, req, g_task_get_cancellable (task), list_page_cb, task);
}

static void
list_internal (HeyaiDrive          *self,
               const char          *q,
               const char          *fields,
               const char          *order_by,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ListData *data = g_new0 (ListData, 1);

  g_task_set_source_tag (task, source_tag);
  data->q = g_strdup (q);
  data->fields = g_strdup (fields != NULL ? fields : LIST_FIELDS);
  data->order_by = g_strdup (order_by);
  data->files = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  list_page (task, NULL);
}

void
heyai_drive_list_async (HeyaiDrive          *self,
                        const char          *q,
                        const char          *fields,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (HEYAI_IS_DRIVE (self));
  list_internal (self, q, fields, NULL, cancellable, callback, user_data, heyai_drive_list_async);
}

GPtrArray *
heyai_drive_list_finish (HeyaiDrive    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* changes                                                                 */

static void
start_token_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiDrive *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  JsonObject *obj;
  const char *token;

  response = drive_call_finish (result, &error);
  if (response == NULL || (obj = heyai_http_response_get_object (response, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  token = json_object_get_string_member_with_default (obj, "startPageToken", NULL);
  if (token == NULL || *token == '\0')
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                               _("%s sent a list of changes without the token for the next look."),
                               heyai_http_get_label (self->http));
      return;
    }
  g_task_return_pointer (task, g_strdup (token), g_free);
}

void
heyai_drive_get_start_page_token_async (HeyaiDrive          *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;
  g_autoptr(HeyaiHttpRequest) req = drive_request_new ("GET", "changes/startPageToken");

  g_return_if_fail (HEYAI_IS_DRIVE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_get_start_page_token_async);
  if (self->shared_drive_id != NULL)
    heyai_http_request_add_query (req, "driveId", self->shared_drive_id);
  drive_call_async (self, self->http, req, cancellable, start_token_cb, task);
}

char *
heyai_drive_get_start_page_token_finish (HeyaiDrive    *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
heyai_drive_list_changes_async (HeyaiDrive          *self,
                                const char          *page_token,
                                const char          *fields,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  ListData *data;

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (page_token != NULL && *page_token != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_list_changes_async);
  data = g_new0 (ListData, 1);
  data->changes = TRUE;
  data->fields = g_strdup (fields != NULL ? fields : LIST_FIELDS);
  data->files = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  list_page (task, page_token);
}

GPtrArray *
heyai_drive_list_changes_finish (HeyaiDrive    *self,
                                 GAsyncResult  *result,
                                 char         **new_start_page_token,
                                 GError       **error)
{
  GPtrArray *changes;

  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (new_start_page_token != NULL, NULL);

  changes = g_task_propagate_pointer (G_TASK (result), error);
  if (changes != NULL)
    {
      ListData *data = g_task_get_task_data (G_TASK (result));

      *new_start_page_token = g_strdup (data->new_start_page_token);
    }
  return changes;
}

/* ---------------------------------------------------------------------- */
/* Folders                                                                 */

static char *
folder_query (HeyaiDrive *self,
              const char *parent_id,
              const char *name)
{
  g_autofree char *ename = heyai_drive_escape_query (name);
  g_autofree char *eparent = heyai_drive_escape_query (parent_id != NULL ? parent_id : root_id (self));

  return g_strdup_printf ("name = '%s' and mimeType = '%s' and '%s' in parents and trashed = false",
                          ename, HEYAI_DRIVE_FOLDER_MIME, eparent);
}

static void
find_folder_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = g_task_propagate_pointer (G_TASK (result), &error);

  if (files == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (files->len == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  if (files->len > 1)
    g_debug ("%u folders share one name; using the oldest", files->len);
  g_task_return_pointer (task,
                         g_strdup (json_object_get_string_member_with_default (g_ptr_array_index (files, 0),
                                                                               "id", NULL)),
                         g_free);
}

void
heyai_drive_find_folder_async (HeyaiDrive          *self,
                               const char          *parent_id,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  g_autofree char *q = NULL;

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_find_folder_async);
  q = folder_query (self, parent_id, name);
  list_internal (self, q, "id,name", "createdTime", cancellable, find_folder_cb, task, list_internal);
}

char *
heyai_drive_find_folder_finish (HeyaiDrive    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char *parent_id;
  char *name;
} EnsureData;

static void
ensure_data_free (EnsureData *data)
{
  g_free (data->parent_id);
  g_free (data->name);
  g_free (data);
}

static void
create_folder_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  JsonObject *obj;
  const char *id;

  response = drive_call_finish (result, &error);
  if (response == NULL || (obj = heyai_http_response_get_object (response, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  id = json_object_get_string_member_with_default (obj, "id", NULL);
  if (id == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s",
                               _("Google Drive created a folder but did not say its id."));
      return;
    }
  g_task_return_pointer (task, g_strdup (id), g_free);
}

static void
ensure_found_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiDrive *self = g_task_get_source_object (task);
  EnsureData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonObject) meta = NULL;
  g_autoptr(HeyaiHttpRequest) req = NULL;
  JsonArray *parents;

  id = heyai_drive_find_folder_finish (self, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (id != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&id), g_free);
      return;
    }

  meta = json_object_new ();
  json_object_set_string_member (meta, "name", data->name);
  json_object_set_string_member (meta, "mimeType", HEYAI_DRIVE_FOLDER_MIME);
  parents = json_array_new ();
  json_array_add_string_element (parents, data->parent_id != NULL ? data->parent_id : root_id (self));
  json_object_set_array_member (meta, "parents", parents);

  req = drive_request_new ("POST", "files");
  heyai_http_request_add_query (req, "fields", "id,name,webViewLink");
  heyai_http_request_set_json_object (req, meta);
  /* Transient failures are retried like Google's own clients do; should a
   * lost answer ever leave a duplicate, find_folder picks the oldest. */
  drive_call_async (self, self->http, req, g_task_get_cancellable (task), create_folder_cb,
                    g_object_ref (task));
}

/* Ensures in flight, process-wide: "base-url\nparent\nname" -> GPtrArray
 * of the callers' tasks.  Two ensures of one folder at the same time (the
 * storage walking a project tree while a snapshot upload looks for the
 * root, or two HeyaiDrive objects) make one find-or-create, never two
 * folders.  Main context only. */
static GHashTable *ensures_in_flight;

static void
ensure_leader_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autofree char *key = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *stolen_key = NULL;
  GPtrArray *waiters = NULL;

  if (!g_hash_table_steal_extended (ensures_in_flight, key, (gpointer *) &stolen_key, (gpointer *) &waiters))
    return;

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_strdup (id), g_free);
    }
  g_ptr_array_unref (waiters);
}

void
heyai_drive_ensure_folder_async (HeyaiDrive          *self,
                                 const char          *parent_id,
                                 const char          *name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  GTask *leader;
  EnsureData *data;
  GPtrArray *waiters;
  char *key;

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_ensure_folder_async);

  if (ensures_in_flight == NULL)
    ensures_in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_ptr_array_unref);
  key = g_strdup_printf ("%s\n%s\n%s", heyai_http_get_base_url (self->http),
                         parent_id != NULL ? parent_id : root_id (self), name);
  waiters = g_hash_table_lookup (ensures_in_flight, key);
  if (waiters != NULL)
    {
      g_ptr_array_add (waiters, task);
      g_free (key);
      return;
    }
  waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiters, task);
  g_hash_table_insert (ensures_in_flight, g_strdup (key), waiters);

  /* The shared walk is not cancelled by one caller's cancellable. */
  leader = g_task_new (self, NULL, ensure_leader_done, key);
  data = g_new0 (EnsureData, 1);
  data->parent_id = g_strdup (parent_id);
  data->name = g_strdup (name);
  g_task_set_task_data (leader, data, (GDestroyNotify) ensure_data_free);
  heyai_drive_find_folder_async (self, parent_id, name, NULL, ensure_found_cb, leader);
}

char *
heyai_drive_ensure_folder_finish (HeyaiDrive    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* files.get                                                               */

static void
get_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  JsonObject *obj;

  response = drive_call_finish (result, &error);
  if (response == NULL || (obj = heyai_http_response_get_object (response, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, json_object_ref (obj), (GDestroyNotify) json_object_unref);
}

void
heyai_drive_get_async (HeyaiDrive          *self,
                       const char          *file_id,
                       const char          *fields,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;
  g_autoptr(HeyaiHttpRequest) req = NULL;

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (file_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_get_async);
  req = drive_file_request_new ("GET", file_id, "");
  heyai_http_request_add_query (req, "fields", fields != NULL ? fields : HEYAI_DRIVE_DEFAULT_FIELDS);
  drive_call_async (self, self->http, req, cancellable, get_cb, task);
}

JsonObject *
heyai_drive_get_finish (HeyaiDrive    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* about.get                                                               */

void
heyai_drive_get_account_async (HeyaiDrive          *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(HeyaiHttpRequest) req = NULL;
  GTask *task;

  g_return_if_fail (HEYAI_IS_DRIVE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_get_account_async);
  /* about.get takes no supportsAllDrives, and requires `fields`. */
  req = heyai_http_request_new ("GET", "about");
  heyai_http_request_add_query (req, "fields", "user(displayName,emailAddress)");
  drive_call_async (self, self->http, req, cancellable, get_cb, task);
}

char *
heyai_drive_get_account_finish (HeyaiDrive    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_autoptr(JsonObject) about = NULL;
  JsonObject *user;
  const char *email = NULL;

  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  about = g_task_propagate_pointer (G_TASK (result), error);
  if (about == NULL)
    return NULL;
  user = json_object_has_member (about, "user") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (about, "user"))
           ? json_object_get_object_member (about, "user") : NULL;
  if (user != NULL)
    email = json_object_get_string_member_with_default (user, "emailAddress", NULL);
  if (email == NULL || *email == '\0')
    {
      g_set_error_literal (error, HEYAI_ERROR, HEYAI_ERROR_PROVIDER,
                           _("Google Drive did not say which account is signed in."));
      return NULL;
    }
  return g_strdup (email);
}

/* ---------------------------------------------------------------------- */
/* Download                                                                */

typedef struct
{
  char                  *file_id;
  char                  *dest_path;
  HeyaiHttpProgressFunc  progress;
  gpointer               progress_data;
  gboolean               refreshed;
} DownloadData;

static void
download_data_free (DownloadData *data)
{
  g_free (data->file_id);
  g_free (data->dest_path);
  g_free (data);
}

static void download_token_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
download_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiDrive *self = g_task_get_source_object (task);
  DownloadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  HeyaiHttpDownload *download;

  download = heyai_http_download_finish (HEYAI_HTTP (source), result, &error);
  if (download == NULL)
    {
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_CREDENTIALS) &&
          refresh_token_once (self, task, &data->refreshed, download_token_cb))
        return;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, download, (GDestroyNotify) heyai_http_download_free);
}

static void
download_token_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiDrive *self = g_task_get_source_object (task);
  DownloadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr(HeyaiHttpRequest) req = NULL;

  token = heyai_oauth_get_token_finish (HEYAI_OAUTH (source), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  req = drive_file_request_new ("GET", data->file_id, "");
  heyai_http_request_add_query (req, "alt", "media");
  heyai_http_request_set_bearer (req, token);
  heyai_http_download_async (self->http, req, data->dest_path, 0, data->progress, data->progress_data,
                             g_task_get_cancellable (task), download_done_cb, g_object_ref (task));
}

void
heyai_drive_download_async (HeyaiDrive            *self,
                            const char            *file_id,
                            const char            *dest_path,
                            HeyaiHttpProgressFunc  progress,
                            gpointer               progress_data,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  GTask *task;
  DownloadData *data;

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (file_id != NULL && dest_path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_download_async);
  data = g_new0 (DownloadData, 1);
  data->file_id = g_strdup (file_id);
  data->dest_path = g_strdup (dest_path);
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify) download_data_free);
  heyai_oauth_get_token_async (self->oauth, cancellable, download_token_cb, task);
}

HeyaiHttpDownload *
heyai_drive_download_finish (HeyaiDrive    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Resumable upload                                                        */

typedef struct
{
  char                  *path;
  char                  *name;
  char                  *mime;
  char                  *parent_id;
  char                  *file_id;
  char                  *fields;
  JsonObject            *app_properties;
  char                  *session_uri;
  goffset                size;
  goffset                offset;
  GFileInputStream      *file;
  HeyaiDriveSessionFunc  session_func;
  HeyaiHttpProgressFunc  progress;
  gpointer               func_data;
  guint                  failures;
  guint                  restarts;
  GSource               *wait_source;
  gboolean               saved_session;  /* resuming a session from an earlier run */
} Upload;

static void
upload_free (Upload *up)
{
  heyai_source_clear (&up->wait_source);
  g_free (up->path);
  g_free (up->name);
  g_free (up->mime);
  g_free (up->parent_id);
  g_free (up->file_id);
  g_free (up->fields);
  g_clear_pointer (&up->app_properties, json_object_unref);
  g_free (up->session_uri);
  g_clear_object (&up->file);
  g_free (up);
}

static void upload_start_session (GTask *task);
static void upload_send_chunk (GTask *task);
static void upload_query_status (GTask *task);

static void
upload_fail_io (GTask        *task,
                const GError *io_error)
{
  Upload *up = g_task_get_task_data (task);
  g_autofree char *base = g_path_get_basename (up->path);
  g_autofree char *what = g_strdup_printf (_("Could not read %s for the upload"), base);
  GError *error = NULL;

  heyai_set_gio_error (&error, io_error, what);
  g_task_return_error (task, error);
}

static void
readback_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *obj = heyai_drive_get_finish (HEYAI_DRIVE (source), result, &error);

  if (obj == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, obj, (GDestroyNotify) json_object_unref);
}

/* The upload is complete: the answer holds the file resource. */
static void
upload_complete (GTask             *task,
                 HeyaiHttpResponse *response)
{
  HeyaiDrive *self = g_task_get_source_object (task);
  Upload *up = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  JsonObject *obj = heyai_http_response_get_object (response, &error);
  const char *id;

  if (up->progress != NULL)
    up->progress (up->size, up->size, up->func_data);

  id = obj != NULL ? json_object_get_string_member_with_default (obj, "id", NULL) : NULL;
  if (obj != NULL && id != NULL &&
      (strstr (up->fields, "webViewLink") == NULL || json_object_has_member (obj, "webViewLink")))
    {
      g_task_return_pointer (task, json_object_ref (obj), (GDestroyNotify) json_object_unref);
      return;
    }
  if (id == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s",
                               _("Google Drive finished the upload but did not say the file’s id."));
      return;
    }
  /* read the link back */
  heyai_drive_get_async (self, id, up->fields, g_task_get_cancellable (task), readback_cb,
                         g_object_ref (task));
}

static gboolean
upload_wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  Upload *up = g_task_get_task_data (task);

  heyai_source_clear (&up->wait_source);
  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;
  if (up->session_uri != NULL)
    upload_query_status (task);
  else
    upload_start_session (task);
  return G_SOURCE_REMOVE;
}

/* A transient failure: back off, then ask the server what it has. */
static void
upload_transient (GTask        *task,
                  const char   *why,
                  double        server_delay)
{
  HeyaiDrive *self = g_task_get_source_object (task);
  Upload *up = g_task_get_task_data (task);
  HeyaiRetryPolicy policy;
  double delay;

  heyai_http_get_retry_policy (self->upload_http, &policy);
  up->failures++;
  if (up->failures >= policy.max_attempts)
    {
      g_autofree char *base = g_path_get_basename (up->path);

      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE,
                               _("The upload of %s to Google Drive keeps failing (%s). It will resume "
                                 "where it stopped when you try again."), base, why);
      return;
    }

  delay = heyai_http_next_delay (self->upload_http, up->failures, server_delay);
  g_debug ("upload of %s: %s; asking the server for its range in %.3f s", up->path, why, delay);
  heyai_source_clear (&up->wait_source);
  up->wait_source = heyai_timeout_source_attach ((guint) (delay * 1000), upload_wait_done_cb,
                                                 g_object_ref (task), g_object_unref);
}

/* Reads the Range of a 308: the next offset. */
static goffset
range_next_offset (HeyaiHttpResponse *response)
{
  const char *range = heyai_http_response_get_header (response, "Range");
  const char *dash;

  if (range == NULL)
    return 0;
  dash = strchr (range, '-');
  if (dash == NULL)
    return 0;
  return g_ascii_strtoll (dash + 1, NULL, 10) + 1;
}

static void
upload_restart (GTask *task)
{
  Upload *up = g_task_get_task_data (task);

  if (up->restarts >= MAX_SESSION_RESTARTS)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE, "%s",
                               _("Google Drive keeps dropping the upload session. Try again later."));
      return;
    }
  up->restarts++;
  g_clear_pointer (&up->session_uri, g_free);
  up->offset = 0;
  upload_start_session (task);
}

/* Common handling of a chunk or status-query answer. */
static void
upload_handle_answer (GTask             *task,
                      HeyaiHttpResponse *response)
{
  HeyaiDrive *self = g_task_get_source_object (task);
  Upload *up = g_task_get_task_data (task);
  guint status = heyai_http_response_get_status (response);
  g_autoptr(GError) error = NULL;

  if (status == 200 || status == 201)
    {
      upload_complete (task, response);
      return;
    }
  if (status == 308)
    {
      goffset next = range_next_offset (response);

      if (next > up->size)
        {
          g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s",
                                   _("Google Drive reports more data than the file has."));
          return;
        }
      if (next > up->offset)
        up->failures = 0;   /* progress was made */
      up->offset = next;
      if (up->progress != NULL)
        up->progress (up->offset, up->size, up->func_data);
      upload_send_chunk (task);
      return;
    }
  if (status == 404 || status == 410)
    {
      g_debug ("upload session of %s expired (HTTP %u): starting a new one", up->path, status);
      upload_restart (task);
      return;
    }
  if (upload_answer_transient (self, response, &error))
    {
      g_autofree char *why = g_strdup_printf ("HTTP %u", status);

      upload_transient (task, why, heyai_http_parse_retry_after (heyai_http_response_get_headers (response), 0));
      return;
    }
  /* A session saved by an earlier run that the server now refuses (the
   * file changed size, ...): start afresh once rather than fail forever. */
  if (up->saved_session && status >= 400 && status < 500 && status != 401 && status != 403)
    {
      g_debug ("saved upload session of %s refused (HTTP %u): starting a new one", up->path, status);
      up->saved_session = FALSE;
      upload_restart (task);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
upload_answer_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;

  response = heyai_http_send_finish (HEYAI_HTTP (source), result, &error);
  if (response == NULL)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      if (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_RETRYABLE))
        upload_transient (task, error->message, -1);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  upload_handle_answer (task, response);
}

static void
upload_query_status (GTask *task)
{
  HeyaiDrive *self = g_task_get_source_object (task);
  Upload *up = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpRequest) req = heyai_http_request_new ("PUT", up->session_uri);
  g_autofree char *range = g_strdup_printf ("bytes */%" G_GOFFSET_FORMAT, up->size);

  heyai_http_request_set_header (req, "Content-Range", range);
  heyai_http_request_set_body (req, NULL, NULL);
  heyai_http_request_set_flags (req, HEYAI_HTTP_REQUEST_ANY_STATUS | HEYAI_HTTP_REQUEST_NO_REDIRECT);
  heyai_http_send_async (self->upload_http, req, g_task_get_cancellable (task), upload_answer_cb,
                         g_object_ref (task));
}

static void
upload_send_chunk (GTask *task)
{
  HeyaiDrive *self = g_task_get_source_object (task);
  Upload *up = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpRequest) req = heyai_http_request_new ("PUT", up->session_uri);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) chunk = NULL;
  g_autofree char *range = NULL;
  goffset len;

  heyai_http_request_set_flags (req, HEYAI_HTTP_REQUEST_ANY_STATUS | HEYAI_HTTP_REQUEST_NO_REDIRECT |
                                     HEYAI_HTTP_REQUEST_NO_RETRY);
  heyai_http_request_set_timeout (req, CHUNK_TIMEOUT_S);

  if (up->size == 0)
    {
      heyai_http_request_set_header (req, "Content-Range", "bytes */0");
      heyai_http_request_set_body (req, up->mime, NULL);
    }
  else
    {
      len = MIN ((goffset) self->chunk_size, up->size - up->offset);
      if (!g_seekable_seek (G_SEEKABLE (up->file), up->offset, G_SEEK_SET, NULL, &error))
        {
          upload_fail_io (task, error);
          return;
        }
      {
        g_autoptr(GInputStream) limited = heyai_limited_input_stream_new (G_INPUT_STREAM (up->file), len);

        /* libsoup reads small pieces; a 1 MiB buffer turns them into few
         * large file reads (each one a trip to a GIO worker thread). */
        chunk = g_buffered_input_stream_new_sized (limited, MIN (len, 1024 * 1024));
      }
      range = g_strdup_printf ("bytes %" G_GOFFSET_FORMAT "-%" G_GOFFSET_FORMAT "/%" G_GOFFSET_FORMAT,
                               up->offset, up->offset + len - 1, up->size);
      heyai_http_request_set_header (req, "Content-Range", range);
      heyai_http_request_set_body_stream (req, up->mime, chunk, len);
    }

  heyai_http_send_async (self->upload_http, req, g_task_get_cancellable (task), upload_answer_cb,
                         g_object_ref (task));
}

static void
session_started_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Upload *up = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = NULL;
  const char *location;

  response = drive_call_finish (result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  location = heyai_http_response_get_header (response, "Location");
  if (location == NULL || *location == '\0')
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s",
                               _("Google Drive did not open an upload session."));
      return;
    }

  g_free (up->session_uri);
  up->session_uri = g_strdup (location);
  up->saved_session = FALSE;
  up->offset = 0;
  /* Persisted by the caller before any byte is sent. */
  if (up->session_func != NULL)
    up->session_func (up->session_uri, up->func_data);
  upload_send_chunk (task);
}

static void
upload_start_session (GTask *task)
{
  HeyaiDrive *self = g_task_get_source_object (task);
  Upload *up = g_task_get_task_data (task);
  g_autoptr(HeyaiHttpRequest) req = NULL;
  g_autoptr(JsonObject) meta = json_object_new ();
  g_autofree char *length = g_strdup_printf ("%" G_GOFFSET_FORMAT, up->size);

  if (up->file_id != NULL)
    req = drive_file_request_new ("PATCH", up->file_id, "");
  else
    {
      JsonArray *parents = json_array_new ();

      req = drive_request_new ("POST", "files");
      json_object_set_string_member (meta, "name", up->name);
      json_object_set_string_member (meta, "mimeType", up->mime);
      json_array_add_string_element (parents, up->parent_id != NULL ? up->parent_id : root_id (self));
      json_object_set_array_member (meta, "parents", parents);
    }
  if (up->app_properties != NULL)
    json_object_set_object_member (meta, "appProperties", json_object_ref (up->app_properties));

  heyai_http_request_add_query (req, "uploadType", "resumable");
  heyai_http_request_add_query (req, "fields", up->fields);
  heyai_http_request_set_header (req, "X-Upload-Content-Type", up->mime);
  heyai_http_request_set_header (req, "X-Upload-Content-Length", length);
  heyai_http_request_set_json_object (req, meta);
  drive_call_async (self, self->upload_http, req, g_task_get_cancellable (task), session_started_cb,
                    g_object_ref (task));
}

static void
upload_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Upload *up = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;

  up->file = g_file_read_finish (G_FILE (source), result, &error);
  if (up->file == NULL)
    {
      upload_fail_io (task, error);
      return;
    }
  info = g_file_input_stream_query_info (up->file, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &error);
  if (info == NULL)
    {
      upload_fail_io (task, error);
      return;
    }
  up->size = g_file_info_get_size (info);

  if (up->session_uri != NULL)
    upload_query_status (task);
  else
    upload_start_session (task);
}

void
heyai_drive_upload_async (HeyaiDrive             *self,
                          const HeyaiDriveUpload *upload,
                          HeyaiDriveSessionFunc   session_func,
                          HeyaiHttpProgressFunc   progress,
                          gpointer                func_data,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  GTask *task;
  Upload *up;
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (upload != NULL && upload->path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_upload_async);

  up = g_new0 (Upload, 1);
  up->path = g_strdup (upload->path);
  up->name = upload->name != NULL ? g_strdup (upload->name) : g_path_get_basename (upload->path);
  if (upload->mime_type != NULL)
    up->mime = g_strdup (upload->mime_type);
  else
    {
      g_autofree char *type = g_content_type_guess (up->name, NULL, 0, NULL);

      up->mime = g_content_type_get_mime_type (type);
      if (up->mime == NULL)
        up->mime = g_strdup ("application/octet-stream");
    }
  up->parent_id = g_strdup (upload->parent_id);
  up->file_id = g_strdup (upload->file_id);
  up->session_uri = g_strdup (upload->session_uri);
  up->saved_session = up->session_uri != NULL;
  up->fields = g_strdup (upload->fields != NULL ? upload->fields : HEYAI_DRIVE_DEFAULT_FIELDS);
  up->app_properties = upload->app_properties != NULL ? json_object_ref (upload->app_properties) : NULL;
  up->session_func = session_func;
  up->progress = progress;
  up->func_data = func_data;
  g_task_set_task_data (task, up, (GDestroyNotify) upload_free);

  file = g_file_new_for_path (up->path);
  g_file_read_async (file, G_PRIORITY_DEFAULT, cancellable, upload_opened_cb, task);
}

JsonObject *
heyai_drive_upload_finish (HeyaiDrive    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
update_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  JsonObject *obj = heyai_drive_upload_finish (HEYAI_DRIVE (source), result, &error);

  if (obj == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, obj, (GDestroyNotify) json_object_unref);
}

void
heyai_drive_update_file_async (HeyaiDrive          *self,
                               const char          *file_id,
                               const char          *path,
                               const char          *mime_type,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  HeyaiDriveUpload upload = { 0, };

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (file_id != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_update_file_async);
  upload.path = path;
  upload.file_id = file_id;
  upload.mime_type = mime_type;
  heyai_drive_upload_async (self, &upload, NULL, NULL, NULL, cancellable, update_done_cb, task);
}

JsonObject *
heyai_drive_update_file_finish (HeyaiDrive    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Sharing                                                                 */

static void
share_link_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = heyai_drive_get_finish (HEYAI_DRIVE (source), result, &error);
  const char *link;

  if (obj == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  link = json_object_get_string_member_with_default (obj, "webViewLink", NULL);
  if (link == NULL)
    {
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_PROVIDER, "%s",
                               _("Google Drive did not give a link for the shared folder."));
      return;
    }
  g_task_return_pointer (task, g_strdup (link), g_free);
}

static void
share_permission_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HeyaiDrive *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiHttpResponse) response = drive_call_finish (result, &error);

  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  heyai_drive_get_async (self, g_task_get_task_data (task), "id,webViewLink",
                         g_task_get_cancellable (task), share_link_cb, g_object_ref (task));
}

void
heyai_drive_share_anyone_async (HeyaiDrive          *self,
                                const char          *file_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  g_autoptr(HeyaiHttpRequest) req = NULL;
  g_autoptr(JsonObject) body = json_object_new ();

  g_return_if_fail (HEYAI_IS_DRIVE (self));
  g_return_if_fail (file_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_drive_share_anyone_async);
  g_task_set_task_data (task, g_strdup (file_id), g_free);

  req = drive_file_request_new ("POST", file_id, "/permissions");
  json_object_set_string_member (body, "role", "reader");
  json_object_set_string_member (body, "type", "anyone");
  json_object_set_boolean_member (body, "allowFileDiscovery", FALSE);
  heyai_http_request_set_json_object (req, body);
  drive_call_async (self, self->http, req, cancellable, share_permission_cb, task);
}

char *
heyai_drive_share_anyone_finish (HeyaiDrive    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
