/* heyai-drive.h: a small Google Drive v3 REST client (what HeyAI needs).
 *
 * Metadata calls go to HEYAI_DRIVE_BASE_URL ({base}/files...), uploads to
 * HEYAI_DRIVE_UPLOAD_BASE_URL.  Every call gets an access token from the
 * HeyaiOauth, and on a 401 invalidates it, refreshes once and resends.
 * Errors use Drive's envelope {"error":{"code","message","errors":[{reason}]}}:
 *   403/429 userRateLimitExceeded, rateLimitExceeded, backendError, 5xx -> retried
 *     (backoff with jitter, Retry-After honoured, see heyai-http.h);
 *   403 storageQuotaExceeded -> HEYAI_ERROR_QUOTA ("Your Google Drive is full...");
 *   403 dailyLimitExceeded -> HEYAI_ERROR_QUOTA;
 *   403 insufficientFilePermissions / appNotAuthorizedToFile / domainPolicy /
 *       insufficientPermissions -> HEYAI_ERROR_CREDENTIALS;
 *   404 notFound -> HEYAI_ERROR_NOT_FOUND;
 *   other 4xx -> HEYAI_ERROR_VALIDATION with Drive's message.
 * File resources are returned as JsonObject (ids, names, webViewLink, ...;
 * int64 fields such as size and version are JSON strings, as Drive sends).
 *
 * All callbacks run on the caller's thread-default main context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "heyai-http.h"
#include "heyai-oauth.h"

G_BEGIN_DECLS

#define HEYAI_DRIVE_FOLDER_MIME        "application/vnd.google-apps.folder"
#define HEYAI_DRIVE_CHUNK_QUANTUM      (256 * 1024)        /* chunks are multiples of this */
#define HEYAI_DRIVE_DEFAULT_CHUNK      (8 * 1024 * 1024)
/* What upload/get return when no fields are asked for. */
#define HEYAI_DRIVE_DEFAULT_FIELDS     "id,name,mimeType,parents,size,md5Checksum,version,modifiedTime,webViewLink"

#define HEYAI_TYPE_DRIVE (heyai_drive_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiDrive, heyai_drive, HEYAI, DRIVE, GObject)

HeyaiDrive *heyai_drive_new             (HeyaiOauth *oauth);
HeyaiOauth *heyai_drive_get_oauth       (HeyaiDrive *self);
/* The HeyaiHttp objects (metadata, uploads): tests set their delay funcs. */
HeyaiHttp  *heyai_drive_get_http        (HeyaiDrive *self);
HeyaiHttp  *heyai_drive_get_upload_http (HeyaiDrive *self);
/* Upload chunk size; rounded down to a multiple of 256 KiB (min 256 KiB). */
void        heyai_drive_set_chunk_size  (HeyaiDrive *self,
                                         gsize       chunk_size);
gsize       heyai_drive_get_chunk_size  (HeyaiDrive *self);

/* "it's" -> "it\'s", "a\b" -> "a\\b": for string literals in `q`. */
char       *heyai_drive_escape_query    (const char *text);

/* files.list over every page.  @q is the query (NULL: all), @fields the
 * file fields wanted (NULL: "id,name,mimeType,parents,md5Checksum,modifiedTime,version,size").
 * Returns (element-type JsonObject) the files. */
void        heyai_drive_list_async      (HeyaiDrive          *self,
                                         const char          *q,
                                         const char          *fields,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
GPtrArray  *heyai_drive_list_finish     (HeyaiDrive          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Watching (API-CONTRACTS.md C.5 item 19): the token of "now"
 * (changes.getStartPageToken, the shared drive's when one is set). */
void        heyai_drive_get_start_page_token_async  (HeyaiDrive          *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
char       *heyai_drive_get_start_page_token_finish (HeyaiDrive          *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* changes.list from @page_token, over every page (nextPageToken followed);
 * scoped to the shared drive when one is set.  @fields: the file fields
 * wanted (NULL: as for heyai_drive_list_async).  Returns (element-type
 * JsonObject) the changes in order, each {"fileId","removed","file"?}
 * (a removed file, or one no longer visible to the app, has no "file");
 * @new_start_page_token: the token of the next call. */
void        heyai_drive_list_changes_async  (HeyaiDrive          *self,
                                             const char          *page_token,
                                             const char          *fields,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray  *heyai_drive_list_changes_finish (HeyaiDrive          *self,
                                             GAsyncResult        *result,
                                             char               **new_start_page_token,
                                             GError             **error);

/* Shared drives (API-CONTRACTS.md C.5 item 18): with a shared drive id
 * (HEYAI_DRIVE_SHARED_DRIVE_ID as a value: HeyaiProviderConfig), the tree starts in that drive
 * (a NULL parent means the drive, not My Drive's "root") and lists are
 * scoped to it (corpora=drive, driveId, includeItemsFromAllDrives=true).
 * Every Drive call carries supportsAllDrives=true either way.  NULL or
 * blank: My Drive. */
void        heyai_drive_set_shared_drive_id (HeyaiDrive *self,
                                             const char *drive_id);
const char *heyai_drive_get_shared_drive_id (HeyaiDrive *self);

/* The id of the folder @name under @parent_id ("root" when NULL) that is not
 * trashed, or NULL (no error) when there is none.  With duplicates, the
 * oldest wins (orderBy=createdTime). */
void        heyai_drive_find_folder_async  (HeyaiDrive          *self,
                                            const char          *parent_id,
                                            const char          *name,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char       *heyai_drive_find_folder_finish (HeyaiDrive          *self,
                                            GAsyncResult        *result,
                                            GError             **error);
/* Finds the folder, or creates it: idempotent. Returns its id. */
void        heyai_drive_ensure_folder_async  (HeyaiDrive          *self,
                                              const char          *parent_id,
                                              const char          *name,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char       *heyai_drive_ensure_folder_finish (HeyaiDrive          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* files.get metadata (@fields NULL: HEYAI_DRIVE_DEFAULT_FIELDS). */
void        heyai_drive_get_async       (HeyaiDrive          *self,
                                         const char          *file_id,
                                         const char          *fields,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
JsonObject *heyai_drive_get_finish      (HeyaiDrive          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* about.get: the signed-in account's e-mail address (what Preferences
 * shows as "Connected as …"). */
void        heyai_drive_get_account_async  (HeyaiDrive          *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char       *heyai_drive_get_account_finish (HeyaiDrive          *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* files.get?alt=media streamed to @dest_path (atomic rename, sha256). */
void               heyai_drive_download_async  (HeyaiDrive            *self,
                                                const char            *file_id,
                                                const char            *dest_path,
                                                HeyaiHttpProgressFunc  progress,
                                                gpointer               progress_data,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
HeyaiHttpDownload *heyai_drive_download_finish (HeyaiDrive            *self,
                                                GAsyncResult          *result,
                                                GError               **error);

/* What to upload. */
typedef struct
{
  const char *path;         /* local file (required) */
  const char *name;         /* Drive name; NULL: the file's basename (create only) */
  const char *mime_type;    /* NULL: guessed from the name */
  const char *parent_id;    /* folder for a new file (create only; NULL: root) */
  const char *file_id;      /* non-NULL: replace this file's content (files.update) */
  const char *session_uri;  /* a session saved earlier: resumed if still alive */
  const char *fields;       /* of the returned resource; NULL: HEYAI_DRIVE_DEFAULT_FIELDS */
  JsonObject *app_properties; /* optional appProperties (create and update) */
} HeyaiDriveUpload;

/* Called as soon as a new resumable session exists, before the first chunk,
 * so the caller can persist it (HeyaiJob upload-session). */
typedef void (*HeyaiDriveSessionFunc) (const char *session_uri,
                                       gpointer    user_data);

/* Resumable upload, streamed from disk in chunks (never the whole file in
 * memory).  A dropped connection or 5xx is followed by a status query
 * (Content-Range: bytes * /size) and the upload resumes from the server's
 * Range; an expired session (404/410) starts a new one.  Completes with the
 * file resource (with webViewLink; read back with files.get when the final
 * answer lacks it). */
void        heyai_drive_upload_async    (HeyaiDrive             *self,
                                         const HeyaiDriveUpload *upload,
                                         HeyaiDriveSessionFunc   session_func,
                                         HeyaiHttpProgressFunc   progress,
                                         gpointer                func_data,
                                         GCancellable           *cancellable,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data);
JsonObject *heyai_drive_upload_finish   (HeyaiDrive             *self,
                                         GAsyncResult           *result,
                                         GError                **error);

/* files.update of the content of @file_id from @path (a resumable upload
 * with PATCH); the same as heyai_drive_upload_async with file_id set. */
void        heyai_drive_update_file_async  (HeyaiDrive            *self,
                                            const char            *file_id,
                                            const char            *path,
                                            const char            *mime_type,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
JsonObject *heyai_drive_update_file_finish (HeyaiDrive            *self,
                                            GAsyncResult          *result,
                                            GError               **error);

/* permissions.create {"role":"reader","type":"anyone"} on @file_id, then
 * reads back its webViewLink: the link to share (newly allocated). */
void        heyai_drive_share_anyone_async  (HeyaiDrive          *self,
                                             const char          *file_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char       *heyai_drive_share_anyone_finish (HeyaiDrive          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
