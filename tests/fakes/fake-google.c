/* fake-google.c: Google OAuth token endpoint and Drive v3 (see heyai-fake.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "heyai-fake.h"
#include "heyai-oauth.h"

#define QUANTUM (256 * 1024)
#define FOLDER_MIME "application/vnd.google-apps.folder"

typedef struct
{
  char       *id;
  char       *name;
  char       *mime;
  char       *parent;
  gboolean    trashed;
  gint64      version;
  gint64      size;
  char       *md5;
  GBytes     *content;
  guint       serial;
  char       *created;
  char       *modified;
  JsonObject *app_properties;
  gboolean    shared;
} DriveFile;

typedef struct
{
  char       *id;
  char       *file_id;       /* update target, or NULL for a new file */
  JsonObject *metadata;
  char       *mime;
  gint64      total;         /* -1 until known */
  gint64      persisted;
  GChecksum  *md5;
  GByteArray *content;       /* NULL when too large to keep */
  char       *result_id;     /* once complete */
  gboolean    lost;          /* drive.lose-upload-answers: every answer on it is lost */
} Session;

typedef struct
{
  char  *challenge;
  char  *redirect_uri;
  char  *client_id;
} AuthCode;

typedef struct
{
  GHashTable *files;          /* id -> DriveFile */
  GPtrArray  *order;          /* DriveFile*, creation order */
  GHashTable *sessions;       /* id -> Session */
  GHashTable *codes;          /* code -> AuthCode */
  GHashTable *refresh;        /* valid refresh tokens (set) */
  GHashTable *access;         /* token -> gint64* expiry (real µs) */
  guint       serial;
  gint64      lose_tail;      /* the next non-final chunk keeps this many bytes fewer */
  GPtrArray  *changes;        /* Change*, in order: the change log of changes.list */
} Google;

/* One entry of the change log.  Like Drive, changes.list shows only the
 * latest change of a file; a page token is the position in the log. */
typedef struct
{
  guint     seq;              /* 1-based position */
  char     *file_id;
  char     *drive_id;         /* the shared drive of the file, or NULL */
  gboolean  removed;
  char     *time;
} Change;

static void
change_free (Change *c)
{
  g_free (c->file_id);
  g_free (c->drive_id);
  g_free (c->time);
  g_free (c);
}

static void
drive_file_free (DriveFile *f)
{
  g_free (f->id);
  g_free (f->name);
  g_free (f->mime);
  g_free (f->parent);
  g_free (f->md5);
  g_clear_pointer (&f->content, g_bytes_unref);
  g_free (f->created);
  g_free (f->modified);
  g_clear_pointer (&f->app_properties, json_object_unref);
  g_free (f);
}

static void
session_free (Session *s)
{
  g_free (s->id);
  g_free (s->file_id);
  g_clear_pointer (&s->metadata, json_object_unref);
  g_free (s->mime);
  g_clear_pointer (&s->md5, g_checksum_free);
  if (s->content != NULL)
    g_byte_array_unref (s->content);
  g_free (s->result_id);
  g_free (s);
}

static void
auth_code_free (AuthCode *c)
{
  g_free (c->challenge);
  g_free (c->redirect_uri);
  g_free (c->client_id);
  g_free (c);
}

static void
google_free (Google *g)
{
  g_hash_table_unref (g->files);
  g_ptr_array_unref (g->order);
  g_hash_table_unref (g->sessions);
  g_hash_table_unref (g->codes);
  g_hash_table_unref (g->refresh);
  g_hash_table_unref (g->access);
  g_ptr_array_unref (g->changes);
  g_free (g);
}

static Google *
google_get (HeyaiFake *fake)
{
  return g_object_get_data (G_OBJECT (fake), "google");
}

static char *
random_token (const char *prefix,
              guint       len)
{
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < len; i++)
    g_string_append_c (s, chars[g_random_int_range (0, sizeof chars - 1)]);
  return g_string_free (s, FALSE);
}

static char *
now_rfc3339 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.000Z");
}

static const char *
opt (HeyaiFake  *fake,
     const char *key,
     const char *fallback)
{
  const char *value = heyai_fake_get_option (fake, key);

  return value != NULL ? value : fallback;
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

static void
drive_error (HeyaiFakeRequest *req,
             guint             code,
             const char       *domain,
             const char       *reason,
             const char       *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "errors");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "domain");
  json_builder_add_string_value (b, domain);
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, reason);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  heyai_fake_respond_json_node (req, code, root);
}

static gboolean
check_auth (HeyaiFake        *fake,
            HeyaiFakeRequest *req)
{
  Google *g = google_get (fake);
  const char *token = heyai_fake_request_get_bearer (req);
  gint64 *expiry = token != NULL ? g_hash_table_lookup (g->access, token) : NULL;

  if (expiry == NULL || *expiry <= g_get_real_time ())
    {
      drive_error (req, 401, "global", "authError", "Invalid Credentials");
      return FALSE;
    }
  heyai_fake_counter_add (fake, g_strcmp0 (heyai_fake_request_get_query (req, "supportsAllDrives"), "true") == 0
                                  ? "drive.all-drives" : "drive.my-drive-only", 1);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* File resources and `fields`                                             */

static JsonObject *
file_to_json (DriveFile *f)
{
  JsonObject *o = json_object_new ();
  JsonArray *parents = json_array_new ();
  gboolean folder = g_strcmp0 (f->mime, FOLDER_MIME) == 0;

  json_object_set_string_member (o, "kind", "drive#file");
  json_object_set_string_member (o, "id", f->id);
  json_object_set_string_member (o, "name", f->name);
  json_object_set_string_member (o, "mimeType", f->mime);
  json_array_add_string_element (parents, f->parent);
  json_object_set_array_member (o, "parents", parents);
  json_object_set_boolean_member (o, "trashed", f->trashed);
  {
    g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, f->version);

    json_object_set_string_member (o, "version", version);
  }
  json_object_set_string_member (o, "createdTime", f->created);
  json_object_set_string_member (o, "modifiedTime", f->modified);
  if (!folder)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT, f->size);
      g_autofree char *content = g_strdup_printf ("https://drive.google.com/uc?id=%s&export=download", f->id);
      g_autofree char *thumb = g_strdup_printf ("https://lh3.googleusercontent.com/fake/%s=s220", f->id);
      g_autofree char *view = g_strdup_printf ("https://drive.google.com/file/d/%s/view?usp=drivesdk", f->id);

      json_object_set_string_member (o, "size", size);
      json_object_set_string_member (o, "md5Checksum", f->md5 != NULL ? f->md5 : "");
      json_object_set_string_member (o, "webContentLink", content);
      json_object_set_string_member (o, "thumbnailLink", thumb);
      json_object_set_string_member (o, "webViewLink", view);
    }
  else
    {
      g_autofree char *view = g_strdup_printf ("https://drive.google.com/drive/folders/%s", f->id);

      json_object_set_string_member (o, "webViewLink", view);
    }
  if (f->app_properties != NULL)
    json_object_set_object_member (o, "appProperties", json_object_ref (f->app_properties));
  return o;
}

/* "id,name" or "files(id,name),nextPageToken": the top-level names (or,
 * with @inner, the names inside "files(...)"). NULL: no filter. */
static GHashTable *
parse_fields (const char *fields,
              gboolean    inner)
{
  GHashTable *set;
  const char *p;
  g_auto(GStrv) parts = NULL;

  if (fields == NULL || *fields == '\0' || strcmp (fields, "*") == 0)
    return NULL;

  if (inner)
    {
      const char *open = strstr (fields, "files(");
      const char *close;
      g_autofree char *sub = NULL;

      if (open == NULL)
        return strstr (fields, "files") != NULL ? NULL : g_hash_table_new (g_str_hash, g_str_equal);
      open += 6;
      close = strchr (open, ')');
      if (close == NULL)
        return NULL;
      sub = g_strndup (open, close - open);
      return parse_fields (sub, FALSE);
    }

  set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  parts = g_strsplit (fields, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *name = g_strstrip (parts[i]);

      p = strchr (name, '(');
      g_hash_table_add (set, p != NULL ? g_strndup (name, p - name) : g_strdup (name));
    }
  return set;
}

static JsonObject *
filter_fields (JsonObject *full,
               GHashTable *set,
               gboolean    default_when_null)
{
  static const char *defaults[] = { "kind", "id", "name", "mimeType" };
  JsonObject *out = json_object_new ();
  GList *members = json_object_get_members (full);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      gboolean keep;

      if (set != NULL)
        keep = g_hash_table_contains (set, name);
      else if (default_when_null)
        keep = g_strv_contains (defaults, name);
      else
        keep = TRUE;
      if (keep)
        json_object_set_member (out, name, json_node_copy (json_object_get_member (full, name)));
    }
  g_list_free (members);
  return out;
}

static void
respond_file (HeyaiFakeRequest *req,
              DriveFile        *f,
              guint             status)
{
  g_autoptr(JsonObject) full = file_to_json (f);
  g_autoptr(GHashTable) set = parse_fields (heyai_fake_request_get_query (req, "fields"), FALSE);
  g_autoptr(JsonObject) out = filter_fields (full, set, TRUE);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, out);
  heyai_fake_respond_json_node (req, status, node);
}

static void record_change (HeyaiFake *fake, DriveFile *f, gboolean removed);

static DriveFile *
add_file (HeyaiFake  *fake,
          const char *name,
          const char *mime,
          const char *parent)
{
  Google *g = google_get (fake);
  DriveFile *f = g_new0 (DriveFile, 1);

  f->id = random_token ("1F", 28);
  f->name = g_strdup (name);
  f->mime = g_strdup (mime != NULL ? mime : "application/octet-stream");
  f->parent = g_strdup (parent != NULL ? parent : "root");
  f->version = 1;
  f->serial = ++g->serial;
  f->created = now_rfc3339 ();
  f->modified = g_strdup (f->created);
  g_hash_table_insert (g->files, f->id, f);
  g_ptr_array_add (g->order, f);
  heyai_fake_counter_add (fake, "drive.created", 1);
  record_change (fake, f, FALSE);
  return f;
}

static DriveFile *
lookup_file (HeyaiFake  *fake,
             const char *id)
{
  return id != NULL ? g_hash_table_lookup (google_get (fake)->files, id) : NULL;
}

/* The one shared drive of the fake (option drive.shared-drive-id). */
static const char *
shared_drive_id (HeyaiFake *fake)
{
  return opt (fake, "drive.shared-drive-id", "0AFakeSharedDrive01");
}

static gboolean
parent_exists (HeyaiFake  *fake,
               const char *parent)
{
  return parent == NULL || strcmp (parent, "root") == 0 || strcmp (parent, shared_drive_id (fake)) == 0 ||
         lookup_file (fake, parent) != NULL;
}

/* The shared drive that holds @id (a file, a folder or the drive itself),
 * or NULL for My Drive. */
static const char *
drive_of (HeyaiFake  *fake,
          const char *id)
{
  for (guint depth = 0; id != NULL && depth < 64; depth++)
    {
      DriveFile *f;

      if (strcmp (id, shared_drive_id (fake)) == 0)
        return shared_drive_id (fake);
      if ((f = lookup_file (fake, id)) == NULL)
        return NULL;
      id = f->parent;
    }
  return NULL;
}

/* Appends @f's change to the log (before it goes, for a removal). */
static void
record_change (HeyaiFake  *fake,
               DriveFile  *f,
               gboolean    removed)
{
  Google *g = google_get (fake);
  Change *c = g_new0 (Change, 1);

  c->seq = g->changes->len + 1;
  c->file_id = g_strdup (f->id);
  c->drive_id = g_strdup (drive_of (fake, f->id));
  c->removed = removed;
  c->time = now_rfc3339 ();
  g_ptr_array_add (g->changes, c);
}

/* Like Drive: an item of a shared drive does not exist for a request
 * without supportsAllDrives=true (404 notFound).  FALSE after answering. */
static gboolean
check_all_drives (HeyaiFake        *fake,
                  HeyaiFakeRequest *req,
                  const char       *id)
{
  g_autofree char *msg = NULL;

  if (id == NULL || drive_of (fake, id) == NULL ||
      g_strcmp0 (heyai_fake_request_get_query (req, "supportsAllDrives"), "true") == 0)
    return TRUE;
  msg = g_strdup_printf ("File not found: %s.", id);
  drive_error (req, 404, "global", "notFound", msg);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* The q language                                                          */

typedef enum { TOK_END, TOK_STRING, TOK_WORD, TOK_OP, TOK_LPAREN, TOK_RPAREN, TOK_LBRACE, TOK_RBRACE } TokKind;

typedef struct
{
  const char *p;
  TokKind     kind;
  char       *text;
  gboolean    error;
} Lexer;

static void
lex_next (Lexer *lx)
{
  g_clear_pointer (&lx->text, g_free);
  while (g_ascii_isspace (*lx->p))
    lx->p++;

  if (*lx->p == '\0')
    {
      lx->kind = TOK_END;
      return;
    }
  if (*lx->p == '\'')
    {
      GString *s = g_string_new (NULL);

      lx->p++;
      while (*lx->p != '\0' && *lx->p != '\'')
        {
          if (*lx->p == '\\' && lx->p[1] != '\0')
            lx->p++;
          g_string_append_c (s, *lx->p);
          lx->p++;
        }
      if (*lx->p != '\'')
        lx->error = TRUE;
      else
        lx->p++;
      lx->kind = TOK_STRING;
      lx->text = g_string_free (s, FALSE);
      return;
    }
  if (strchr ("(){}", *lx->p) != NULL)
    {
      char c = *lx->p++;

      lx->kind = c == '(' ? TOK_LPAREN : c == ')' ? TOK_RPAREN : c == '{' ? TOK_LBRACE : TOK_RBRACE;
      return;
    }
  if (*lx->p == '=' || *lx->p == '!' || *lx->p == '<' || *lx->p == '>')
    {
      const char *start = lx->p++;

      if (*lx->p == '=')
        lx->p++;
      lx->kind = TOK_OP;
      lx->text = g_strndup (start, lx->p - start);
      return;
    }
  {
    const char *start = lx->p;

    while (g_ascii_isalnum (*lx->p) || *lx->p == '_' || *lx->p == '.')
      lx->p++;
    if (lx->p == start)
      {
        lx->error = TRUE;
        lx->kind = TOK_END;
        return;
      }
    lx->kind = TOK_WORD;
    lx->text = g_strndup (start, lx->p - start);
  }
}

static gboolean q_expr (Lexer *lx, DriveFile *f);

static gboolean
is_word (Lexer      *lx,
         const char *word)
{
  return lx->kind == TOK_WORD && g_ascii_strcasecmp (lx->text, word) == 0;
}

static gboolean
q_term (Lexer     *lx,
        DriveFile *f)
{
  if (lx->kind == TOK_LPAREN)
    {
      gboolean v;

      lex_next (lx);
      v = q_expr (lx, f);
      if (lx->kind != TOK_RPAREN)
        lx->error = TRUE;
      lex_next (lx);
      return v;
    }
  if (is_word (lx, "not"))
    {
      lex_next (lx);
      return !q_term (lx, f);
    }
  if (lx->kind == TOK_STRING)
    {
      g_autofree char *value = g_steal_pointer (&lx->text);

      lex_next (lx);
      if (!is_word (lx, "in"))
        {
          lx->error = TRUE;
          return FALSE;
        }
      lex_next (lx);
      if (!is_word (lx, "parents"))
        {
          lx->error = TRUE;
          return FALSE;
        }
      lex_next (lx);
      return g_strcmp0 (f->parent, value) == 0;
    }
  if (is_word (lx, "appProperties"))
    {
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      const char *have;

      lex_next (lx);
      if (!is_word (lx, "has"))
        goto bad;
      lex_next (lx);
      if (lx->kind != TOK_LBRACE)
        goto bad;
      lex_next (lx);
      if (!is_word (lx, "key"))
        goto bad;
      lex_next (lx);
      if (lx->kind != TOK_OP || strcmp (lx->text, "=") != 0)
        goto bad;
      lex_next (lx);
      if (lx->kind != TOK_STRING)
        goto bad;
      key = g_steal_pointer (&lx->text);
      lex_next (lx);
      if (!is_word (lx, "and"))
        goto bad;
      lex_next (lx);
      if (!is_word (lx, "value"))
        goto bad;
      lex_next (lx);
      if (lx->kind != TOK_OP || strcmp (lx->text, "=") != 0)
        goto bad;
      lex_next (lx);
      if (lx->kind != TOK_STRING)
        goto bad;
      value = g_steal_pointer (&lx->text);
      lex_next (lx);
      if (lx->kind != TOK_RBRACE)
        goto bad;
      lex_next (lx);
      have = f->app_properties != NULL
             ? json_object_get_string_member_with_default (f->app_properties, key, NULL) : NULL;
      return g_strcmp0 (have, value) == 0;
    bad:
      lx->error = TRUE;
      return FALSE;
    }
  if (lx->kind == TOK_WORD)
    {
      g_autofree char *field = g_steal_pointer (&lx->text);
      g_autofree char *op = NULL;
      g_autofree char *value = NULL;
      gboolean is_string, result;
      const char *have;

      lex_next (lx);
      if (lx->kind == TOK_OP || is_word (lx, "contains"))
        op = g_steal_pointer (&lx->text);
      else
        {
          lx->error = TRUE;
          return FALSE;
        }
      lex_next (lx);
      if (lx->kind != TOK_STRING && lx->kind != TOK_WORD)
        {
          lx->error = TRUE;
          return FALSE;
        }
      is_string = lx->kind == TOK_STRING;
      value = g_steal_pointer (&lx->text);
      lex_next (lx);

      if (strcmp (field, "trashed") == 0 && !is_string)
        {
          gboolean want = g_ascii_strcasecmp (value, "true") == 0;

          result = f->trashed == want;
        }
      else if (is_string && (strcmp (field, "name") == 0 || strcmp (field, "mimeType") == 0))
        {
          have = strcmp (field, "name") == 0 ? f->name : f->mime;
          if (strcmp (op, "contains") == 0)
            return strstr (have, value) != NULL;
          result = g_strcmp0 (have, value) == 0;
        }
      else
        {
          lx->error = TRUE;
          return FALSE;
        }

      if (strcmp (op, "=") == 0)
        return result;
      if (strcmp (op, "!=") == 0)
        return !result;
      lx->error = TRUE;
      return FALSE;
    }

  lx->error = TRUE;
  return FALSE;
}

static gboolean
q_expr (Lexer     *lx,
        DriveFile *f)
{
  gboolean v = q_term (lx, f);

  while (!lx->error && (is_word (lx, "and") || is_word (lx, "or")))
    {
      gboolean is_and = is_word (lx, "and");
      gboolean rhs;

      lex_next (lx);
      rhs = q_term (lx, f);
      v = is_and ? (v && rhs) : (v || rhs);
    }
  return v;
}

/* -1: syntax error */
static int
q_match (const char *q,
         DriveFile  *f)
{
  Lexer lx = { q, TOK_END, NULL, FALSE };
  gboolean v;

  lex_next (&lx);
  v = q_expr (&lx, f);
  if (lx.kind != TOK_END)
    lx.error = TRUE;
  g_free (lx.text);
  return lx.error ? -1 : v;
}

/* ---------------------------------------------------------------------- */
/* OAuth                                                                   */

static void
oauth_error (HeyaiFakeRequest *req,
             guint             status,
             const char       *error,
             const char       *description)
{
  heyai_fake_respond_json_printf (req, status, "{\"error\":\"%s\",\"error_description\":\"%s\"}",
                                  error, description);
}

static void
auth_handler (HeyaiFake        *fake,
              HeyaiFakeRequest *req,
              gpointer          user_data)
{
  Google *g = google_get (fake);
  const char *client_id = heyai_fake_request_get_query (req, "client_id");
  const char *redirect = heyai_fake_request_get_query (req, "redirect_uri");
  const char *state = heyai_fake_request_get_query (req, "state");
  const char *challenge = heyai_fake_request_get_query (req, "code_challenge");
  g_autofree char *code = NULL;
  g_autofree char *location = NULL;
  g_autofree char *escaped_state = NULL;
  AuthCode *ac;

  if (g_strcmp0 (client_id, opt (fake, "google.client-id", "fake-client-id")) != 0 ||
      g_strcmp0 (heyai_fake_request_get_query (req, "response_type"), "code") != 0 ||
      g_strcmp0 (heyai_fake_request_get_query (req, "code_challenge_method"), "S256") != 0 ||
      challenge == NULL || heyai_fake_request_get_query (req, "scope") == NULL ||
      redirect == NULL ||
      !(g_str_has_prefix (redirect, "http://127.0.0.1:") || g_str_has_prefix (redirect, "http://[::1]:")))
    {
      heyai_fake_respond (req, 400, "text/plain",
                          g_bytes_new_static ("Error 400: invalid_request", 26));
      return;
    }

  escaped_state = g_uri_escape_string (state != NULL ? state : "", NULL, FALSE);
  if (g_strcmp0 (heyai_fake_get_option (fake, "google.consent"), "deny") == 0)
    location = g_strdup_printf ("%s%serror=access_denied&state=%s", redirect,
                                strchr (redirect, '?') != NULL ? "&" : "?", escaped_state);
  else
    {
      code = random_token ("4/0A", 40);
      ac = g_new0 (AuthCode, 1);
      ac->challenge = g_strdup (challenge);
      ac->redirect_uri = g_strdup (redirect);
      ac->client_id = g_strdup (client_id);
      g_hash_table_insert (g->codes, g_strdup (code), ac);
      location = g_strdup_printf ("%s%scode=%s&state=%s&scope=%s", redirect,
                                  strchr (redirect, '?') != NULL ? "&" : "?", code, escaped_state,
                                  "https://www.googleapis.com/auth/drive.file");
    }

  heyai_fake_respond_add_header (req, "Location", location);
  heyai_fake_respond_empty (req, 302);
}

static void
issue_tokens (HeyaiFake        *fake,
              HeyaiFakeRequest *req,
              gboolean          with_refresh)
{
  Google *g = google_get (fake);
  g_autofree char *access = random_token ("ya29.fake-", 32);
  g_autofree char *refresh = NULL;
  gint64 expires_in = heyai_fake_get_option_int (fake, "google.expires-in", 3599);
  gint64 *expiry = g_new (gint64, 1);

  *expiry = g_get_real_time () + expires_in * G_USEC_PER_SEC;
  g_hash_table_insert (g->access, g_strdup (access), expiry);
  heyai_fake_counter_add (fake, "google.tokens.issued", 1);

  if (with_refresh)
    {
      refresh = random_token ("1//fake-", 32);
      g_hash_table_add (g->refresh, g_strdup (refresh));
      heyai_fake_respond_json_printf (req, 200,
                                      "{\"access_token\":\"%s\",\"expires_in\":%" G_GINT64_FORMAT ","
                                      "\"refresh_token\":\"%s\",\"scope\":\"%s\",\"token_type\":\"Bearer\"}",
                                      access, expires_in, refresh,
                                      opt (fake, "google.granted-scope", "https://www.googleapis.com/auth/drive.file"));
    }
  else
    heyai_fake_respond_json_printf (req, 200,
                                    "{\"access_token\":\"%s\",\"expires_in\":%" G_GINT64_FORMAT ","
                                    "\"scope\":\"%s\",\"token_type\":\"Bearer\"}",
                                    access, expires_in,
                                    opt (fake, "google.granted-scope", "https://www.googleapis.com/auth/drive.file"));
}

static void
token_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gpointer          user_data)
{
  Google *g = google_get (fake);
  GHashTable *form = heyai_fake_request_get_form (req);
  const char *grant = g_hash_table_lookup (form, "grant_type");
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *client_secret = g_hash_table_lookup (form, "client_secret");

  if (g_strcmp0 (client_id, opt (fake, "google.client-id", "fake-client-id")) != 0 ||
      g_strcmp0 (client_secret, opt (fake, "google.client-secret", "fake-client-secret")) != 0)
    {
      oauth_error (req, 401, "invalid_client", "The OAuth client was not found.");
      return;
    }

  if (g_strcmp0 (grant, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");
      const char *verifier = g_hash_table_lookup (form, "code_verifier");
      const char *redirect = g_hash_table_lookup (form, "redirect_uri");
      AuthCode *ac = code != NULL ? g_hash_table_lookup (g->codes, code) : NULL;
      g_autofree char *challenge = NULL;

      if (ac == NULL)
        {
          oauth_error (req, 400, "invalid_grant", "Malformed auth code.");
          return;
        }
      if (verifier == NULL || strlen (verifier) < 43 || strlen (verifier) > 128)
        {
          g_hash_table_remove (g->codes, code);
          oauth_error (req, 400, "invalid_grant", "Missing code verifier.");
          return;
        }
      challenge = heyai_oauth_code_challenge (verifier);
      if (g_strcmp0 (challenge, ac->challenge) != 0)
        {
          g_hash_table_remove (g->codes, code);
          oauth_error (req, 400, "invalid_grant", "Invalid code verifier.");
          return;
        }
      if (g_strcmp0 (redirect, ac->redirect_uri) != 0)
        {
          g_hash_table_remove (g->codes, code);
          oauth_error (req, 400, "redirect_uri_mismatch", "Bad Request");
          return;
        }
      g_hash_table_remove (g->codes, code);   /* single use */
      heyai_fake_counter_add (fake, "google.pkce.verified", 1);
      issue_tokens (fake, req, TRUE);
      return;
    }

  if (g_strcmp0 (grant, "refresh_token") == 0)
    {
      const char *refresh = g_hash_table_lookup (form, "refresh_token");

      if (refresh == NULL || !g_hash_table_contains (g->refresh, refresh))
        {
          oauth_error (req, 400, "invalid_grant", "Token has been expired or revoked.");
          return;
        }
      issue_tokens (fake, req, FALSE);
      return;
    }

  oauth_error (req, 400, "unsupported_grant_type", "Invalid grant_type.");
}

static void
revoke_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *req,
                gpointer          user_data)
{
  Google *g = google_get (fake);
  const char *token = g_hash_table_lookup (heyai_fake_request_get_form (req), "token");

  if (token == NULL)
    token = heyai_fake_request_get_query (req, "token");
  if (token != NULL && (g_hash_table_remove (g->refresh, token) || g_hash_table_remove (g->access, token)))
    {
      heyai_fake_respond_json (req, 200, "{}");
      return;
    }
  oauth_error (req, 400, "invalid_token", "Token expired or revoked");
}

/* ---------------------------------------------------------------------- */
/* Drive metadata                                                          */

static void
list_handler (HeyaiFake        *fake,
              HeyaiFakeRequest *req,
              gpointer          user_data)
{
  Google *g = google_get (fake);
  const char *q = heyai_fake_request_get_query (req, "q");
  const char *fields = heyai_fake_request_get_query (req, "fields");
  gint64 page_size = 100, offset = 0;
  const char *ps = heyai_fake_request_get_query (req, "pageSize");
  const char *pt = heyai_fake_request_get_query (req, "pageToken");
  g_autoptr(GHashTable) set = parse_fields (fields, TRUE);
  g_autoptr(JsonObject) out = json_object_new ();
  JsonArray *files = json_array_new ();
  guint matched = 0, i;
  int list_scope;   /* 0: My Drive only, 1: all drives, 2: the shared drive only */

  if (!check_auth (fake, req))
    {
      json_array_unref (files);
      return;
    }
  if (ps != NULL && (!g_ascii_string_to_signed (ps, 10, 1, 1000, &page_size, NULL)))
    {
      json_array_unref (files);
      drive_error (req, 400, "global", "invalid", "Invalid value for pageSize");
      return;
    }
  page_size = MIN (page_size, heyai_fake_get_option_int (fake, "drive.max-page-size", 1000));
  {
    const char *corpora = heyai_fake_request_get_query (req, "corpora");
    const char *drive_id = heyai_fake_request_get_query (req, "driveId");
    gboolean all = g_strcmp0 (heyai_fake_request_get_query (req, "includeItemsFromAllDrives"), "true") == 0;

    if (g_strcmp0 (corpora, "drive") == 0 &&
        (drive_id == NULL || !all ||
         g_strcmp0 (heyai_fake_request_get_query (req, "supportsAllDrives"), "true") != 0))
      {
        json_array_unref (files);
        drive_error (req, 403, "global", "teamDriveIdRequiresIncludeItemsFromAllDrives",
                     "corpora=drive needs driveId, includeItemsFromAllDrives=true and supportsAllDrives=true.");
        return;
      }
    if (drive_id != NULL && strcmp (drive_id, shared_drive_id (fake)) != 0)
      {
        g_autofree char *msg = g_strdup_printf ("Shared drive not found: %s", drive_id);

        json_array_unref (files);
        drive_error (req, 404, "global", "notFound", msg);
        return;
      }
    list_scope = g_strcmp0 (corpora, "drive") == 0 ? 2 : all ? 1 : 0;
  }
  if (pt != NULL && !g_ascii_string_to_signed (pt, 10, 0, G_MAXINT, &offset, NULL))
    {
      json_array_unref (files);
      drive_error (req, 400, "global", "invalid", "Invalid Value");
      return;
    }

  for (i = 0; i < g->order->len; i++)
    {
      DriveFile *f = g_ptr_array_index (g->order, i);
      int m = q != NULL && *q != '\0' ? q_match (q, f) : 1;

      if (m < 0)
        {
          json_array_unref (files);
          drive_error (req, 400, "global", "invalid", "Invalid Value");
          return;
        }
      if (!m)
        continue;
      if ((list_scope == 0 && drive_of (fake, f->id) != NULL) ||
          (list_scope == 2 && drive_of (fake, f->id) == NULL))
        continue;
      if (matched++ < offset)
        continue;
      if ((gint64) json_array_get_length (files) >= page_size)
        {
          g_autofree char *token = g_strdup_printf ("%" G_GINT64_FORMAT, offset + page_size);

          json_object_set_string_member (out, "nextPageToken", token);
          break;
        }
      {
        g_autoptr(JsonObject) full = file_to_json (f);

        json_array_add_object_element (files, filter_fields (full, set, TRUE));
      }
    }

  json_object_set_string_member (out, "kind", "drive#fileList");
  json_object_set_boolean_member (out, "incompleteSearch", FALSE);
  json_object_set_array_member (out, "files", files);
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

    json_node_set_object (node, out);
    heyai_fake_respond_json_node (req, 200, node);
  }
}

/* driveId of changes.getStartPageToken / changes.list: the fake's shared
 * drive, asked for with supportsAllDrives=true (and, for changes.list,
 * includeItemsFromAllDrives=true).  FALSE after answering an error. */
static gboolean
check_changes_drive (HeyaiFake        *fake,
                     HeyaiFakeRequest *req,
                     gboolean          listing)
{
  const char *drive_id = heyai_fake_request_get_query (req, "driveId");

  if (drive_id == NULL)
    return TRUE;
  if (g_strcmp0 (heyai_fake_request_get_query (req, "supportsAllDrives"), "true") != 0 ||
      (listing && g_strcmp0 (heyai_fake_request_get_query (req, "includeItemsFromAllDrives"), "true") != 0))
    {
      drive_error (req, 403, "global", "teamDriveIdRequiresIncludeItemsFromAllDrives",
                   listing ? "driveId needs includeItemsFromAllDrives=true and supportsAllDrives=true."
                           : "driveId needs supportsAllDrives=true.");
      return FALSE;
    }
  if (strcmp (drive_id, shared_drive_id (fake)) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("Shared drive not found: %s", drive_id);

      drive_error (req, 404, "global", "notFound", msg);
      return FALSE;
    }
  return TRUE;
}

/* GET changes/startPageToken: the position after the last change. */
static void
start_page_token_handler (HeyaiFake        *fake,
                          HeyaiFakeRequest *req,
                          gpointer          user_data)
{
  if (!check_auth (fake, req) || !check_changes_drive (fake, req, FALSE))
    return;
  heyai_fake_respond_json_printf (req, 200, "{\"kind\":\"drive#startPageToken\",\"startPageToken\":\"%u\"}",
                                  google_get (fake)->changes->len + 1);
}

/* "changes(fileId,file(id,name))": the names inside file(...); NULL when
 * file(...) is absent (the defaults). */
static GHashTable *
parse_change_file_fields (const char *fields)
{
  const char *open = fields != NULL ? strstr (fields, "file(") : NULL;
  const char *close;
  g_autofree char *sub = NULL;

  if (open == NULL)
    return NULL;
  open += 5;
  close = strchr (open, ')');
  if (close == NULL)
    return NULL;
  sub = g_strndup (open, close - open);
  return parse_fields (sub, FALSE);
}

/* GET changes: the log from pageToken on, the latest change of each file
 * only, scoped like Drive: driveId -> that shared drive's changes; else My
 * Drive's, plus shared drives' with includeItemsFromAllDrives=true.  A
 * removed file is {"removed":true} without "file".  The last page carries
 * newStartPageToken, the others nextPageToken. */
static void
changes_handler (HeyaiFake        *fake,
                 HeyaiFakeRequest *req,
                 gpointer          user_data)
{
  Google *g = google_get (fake);
  const char *pt = heyai_fake_request_get_query (req, "pageToken");
  const char *ps = heyai_fake_request_get_query (req, "pageSize");
  const char *drive_id = heyai_fake_request_get_query (req, "driveId");
  gboolean all = g_strcmp0 (heyai_fake_request_get_query (req, "includeItemsFromAllDrives"), "true") == 0;
  g_autoptr(GHashTable) set = parse_change_file_fields (heyai_fake_request_get_query (req, "fields"));
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonArray *changes;
  gint64 token = 0, page_size = 100;
  guint i;

  if (!check_auth (fake, req) || !check_changes_drive (fake, req, TRUE))
    return;
  if (pt == NULL)
    {
      drive_error (req, 400, "global", "required", "Required parameter: pageToken");
      return;
    }
  if (!g_ascii_string_to_signed (pt, 10, 1, (gint64) g->changes->len + 1, &token, NULL))
    {
      drive_error (req, 400, "global", "invalid", "Invalid Value");
      return;
    }
  if (ps != NULL && !g_ascii_string_to_signed (ps, 10, 1, 1000, &page_size, NULL))
    {
      drive_error (req, 400, "global", "invalid", "Invalid value for pageSize");
      return;
    }
  page_size = MIN (page_size, heyai_fake_get_option_int (fake, "drive.max-page-size", 1000));

  changes = json_array_new ();
  for (i = token - 1; i < g->changes->len; i++)
    {
      Change *c = g_ptr_array_index (g->changes, i);
      gboolean superseded = FALSE;
      JsonObject *o;
      DriveFile *f;

      for (guint j = i + 1; j < g->changes->len && !superseded; j++)
        superseded = g_strcmp0 (((Change *) g_ptr_array_index (g->changes, j))->file_id, c->file_id) == 0;
      if (superseded)
        continue;
      if (drive_id != NULL ? g_strcmp0 (c->drive_id, drive_id) != 0 : (c->drive_id != NULL && !all))
        continue;
      if ((gint64) json_array_get_length (changes) >= page_size)
        break;

      o = json_object_new ();
      json_object_set_string_member (o, "kind", "drive#change");
      json_object_set_string_member (o, "changeType", "file");
      json_object_set_string_member (o, "fileId", c->file_id);
      json_object_set_string_member (o, "time", c->time);
      json_object_set_boolean_member (o, "removed", c->removed);
      if (!c->removed && (f = lookup_file (fake, c->file_id)) != NULL)
        {
          g_autoptr(JsonObject) full = file_to_json (f);

          json_object_set_object_member (o, "file", filter_fields (full, set, TRUE));
        }
      json_array_add_object_element (changes, o);
    }
  if (i < g->changes->len)
    {
      g_autofree char *next = g_strdup_printf ("%u", i + 1);

      json_object_set_string_member (out, "nextPageToken", next);
    }
  else
    {
      g_autofree char *start = g_strdup_printf ("%u", g->changes->len + 1);

      json_object_set_string_member (out, "newStartPageToken", start);
    }
  json_object_set_string_member (out, "kind", "drive#changeList");
  json_object_set_array_member (out, "changes", changes);
  json_node_set_object (node, out);
  heyai_fake_respond_json_node (req, 200, node);
}

static const char *
first_parent (JsonObject *meta)
{
  JsonArray *parents;

  if (meta == NULL || !json_object_has_member (meta, "parents"))
    return NULL;
  parents = json_object_get_array_member (meta, "parents");
  if (parents == NULL || json_array_get_length (parents) == 0)
    return NULL;
  return json_array_get_string_element (parents, 0);
}

static void
create_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *req,
                gpointer          user_data)
{
  JsonObject *meta = heyai_fake_request_get_object (req);
  const char *parent;
  DriveFile *f;

  if (!check_auth (fake, req))
    return;
  if (meta == NULL)
    {
      drive_error (req, 400, "global", "parseError", "Parse Error");
      return;
    }
  parent = first_parent (meta);
  if (!parent_exists (fake, parent))
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", parent);
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  if (!check_all_drives (fake, req, parent))
    return;

  f = add_file (fake, json_object_get_string_member_with_default (meta, "name", "Untitled"),
                json_object_get_string_member_with_default (meta, "mimeType", "application/octet-stream"),
                parent);
  if (json_object_has_member (meta, "appProperties"))
    f->app_properties = json_object_ref (json_object_get_object_member (meta, "appProperties"));
  respond_file (req, f, 200);
}

/* about.get: the account ("google.account", default producer@example.com).
 * Like Drive: a valid token, and `fields` is required. */
static void
about_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gpointer          user_data)
{
  const char *email = opt (fake, "google.account", "producer@example.com");
  g_autofree char *body = NULL;

  if (!check_auth (fake, req))
    return;
  if (heyai_fake_request_get_query (req, "fields") == NULL)
    {
      drive_error (req, 400, "global", "required", "The 'fields' parameter is required for this method.");
      return;
    }
  body = g_strdup_printf ("{\"user\":{\"kind\":\"drive#user\",\"displayName\":\"Producer\","
                          "\"emailAddress\":\"%s\",\"me\":true}}", email);
  heyai_fake_respond_json (req, 200, body);
}

static void
get_handler (HeyaiFake        *fake,
             HeyaiFakeRequest *req,
             gpointer          user_data)
{
  const char *id = heyai_fake_request_get_param (req, "id");
  DriveFile *f;

  if (!check_auth (fake, req))
    return;
  f = lookup_file (fake, id);
  if (f == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", id);
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  if (!check_all_drives (fake, req, id))
    return;

  if (g_strcmp0 (heyai_fake_request_get_query (req, "alt"), "media") == 0)
    {
      if (f->content == NULL)
        {
          drive_error (req, 403, "global", "fileNotDownloadable",
                       "Only files with binary content can be downloaded (or the fake did not keep it).");
          return;
        }
      heyai_fake_respond (req, 200, f->mime, f->content);
      return;
    }
  respond_file (req, f, 200);
}

static void
apply_metadata (DriveFile  *f,
                JsonObject *meta)
{
  if (meta == NULL)
    return;
  if (json_object_has_member (meta, "name"))
    {
      g_free (f->name);
      f->name = g_strdup (json_object_get_string_member (meta, "name"));
    }
  if (json_object_has_member (meta, "mimeType"))
    {
      g_free (f->mime);
      f->mime = g_strdup (json_object_get_string_member (meta, "mimeType"));
    }
  if (json_object_has_member (meta, "trashed"))
    f->trashed = json_object_get_boolean_member (meta, "trashed");
  if (json_object_has_member (meta, "appProperties"))
    {
      g_clear_pointer (&f->app_properties, json_object_unref);
      f->app_properties = json_object_ref (json_object_get_object_member (meta, "appProperties"));
    }
}

static void
touch (HeyaiFake *fake,
       DriveFile *f)
{
  record_change (fake, f, FALSE);
  f->version++;
  g_free (f->modified);
  f->modified = now_rfc3339 ();
}

static void
update_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *req,
                gpointer          user_data)
{
  const char *id = heyai_fake_request_get_param (req, "id");
  JsonObject *meta = heyai_fake_request_get_object (req);
  const char *add = heyai_fake_request_get_query (req, "addParents");
  DriveFile *f;

  if (!check_auth (fake, req))
    return;
  f = lookup_file (fake, id);
  if (f == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", id);
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  if (!check_all_drives (fake, req, id))
    return;
  if (meta != NULL && json_object_has_member (meta, "parents"))
    {
      drive_error (req, 403, "global", "parentsNotWritable",
                   "The parents field is not directly writable in update requests. "
                   "Use the addParents and removeParents parameters instead.");
      return;
    }
  apply_metadata (f, meta);
  if (add != NULL)
    {
      g_free (f->parent);
      f->parent = g_strdup (add);
    }
  touch (fake, f);
  respond_file (req, f, 200);
}

static void
delete_handler (HeyaiFake        *fake,
                HeyaiFakeRequest *req,
                gpointer          user_data)
{
  Google *g = google_get (fake);
  const char *id = heyai_fake_request_get_param (req, "id");
  DriveFile *f;

  if (!check_auth (fake, req))
    return;
  f = lookup_file (fake, id);
  if (f == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", id);
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  if (!check_all_drives (fake, req, id))
    return;
  record_change (fake, f, TRUE);
  g_ptr_array_remove (g->order, f);
  g_hash_table_remove (g->files, id);
  heyai_fake_respond_empty (req, 204);
}

static void
permission_handler (HeyaiFake        *fake,
                    HeyaiFakeRequest *req,
                    gpointer          user_data)
{
  const char *id = heyai_fake_request_get_param (req, "id");
  JsonObject *body = heyai_fake_request_get_object (req);
  DriveFile *f;

  if (!check_auth (fake, req))
    return;
  f = lookup_file (fake, id);
  if (f == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", id);
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  if (!check_all_drives (fake, req, id))
    return;
  if (body == NULL ||
      g_strcmp0 (json_object_get_string_member_with_default (body, "type", NULL), "anyone") != 0 ||
      g_strcmp0 (json_object_get_string_member_with_default (body, "role", NULL), "reader") != 0)
    {
      drive_error (req, 400, "global", "invalid", "The fake only supports anyone/reader permissions.");
      return;
    }
  f->shared = TRUE;
  heyai_fake_counter_add (fake, "drive.permissions", 1);
  heyai_fake_respond_json (req, 200, "{\"kind\":\"drive#permission\",\"id\":\"anyoneWithLink\","
                                     "\"type\":\"anyone\",\"role\":\"reader\",\"allowFileDiscovery\":false}");
}

/* ---------------------------------------------------------------------- */
/* Resumable uploads                                                       */

static void
start_session (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               const char       *file_id)
{
  Google *g = google_get (fake);
  JsonObject *meta = heyai_fake_request_get_object (req);
  const char *length = heyai_fake_request_get_header (req, "X-Upload-Content-Length");
  const char *mime = heyai_fake_request_get_header (req, "X-Upload-Content-Type");
  const char *fields = heyai_fake_request_get_query (req, "fields");
  gint64 keep_limit = heyai_fake_get_option_int (fake, "drive.keep-limit", 32 * 1024 * 1024);
  g_autofree char *location = NULL;
  g_autofree char *escaped_fields = NULL;
  Session *s;

  if (!check_auth (fake, req))
    return;
  if (g_strcmp0 (heyai_fake_request_get_query (req, "uploadType"), "resumable") != 0)
    {
      drive_error (req, 400, "global", "badRequest", "Updates in the fake use uploadType=resumable.");
      return;
    }
  if (file_id != NULL && lookup_file (fake, file_id) == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", file_id);
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  if (file_id == NULL && !parent_exists (fake, first_parent (meta)))
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", first_parent (meta));
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  if (!check_all_drives (fake, req, file_id != NULL ? file_id : first_parent (meta)))
    return;

  s = g_new0 (Session, 1);
  s->id = random_token ("ADPycd", 40);
  s->file_id = g_strdup (file_id);
  s->metadata = meta != NULL ? json_object_ref (meta) : json_object_new ();
  s->mime = g_strdup (mime);
  s->total = -1;
  if (length != NULL)
    g_ascii_string_to_signed (length, 10, 0, G_MAXINT64, &s->total, NULL);
  s->md5 = g_checksum_new (G_CHECKSUM_MD5);
  if (s->total < 0 || s->total <= keep_limit)
    s->content = g_byte_array_new ();
  g_hash_table_insert (g->sessions, s->id, s);
  heyai_fake_counter_add (fake, "drive.upload.sessions", 1);

  escaped_fields = fields != NULL ? g_uri_escape_string (fields, NULL, FALSE) : NULL;
  location = g_strdup_printf ("%s/google/upload/drive/v3/files?uploadType=resumable&upload_id=%s%s%s",
                              heyai_fake_get_base_url (fake), s->id,
                              escaped_fields != NULL ? "&fields=" : "",
                              escaped_fields != NULL ? escaped_fields : "");
  heyai_fake_respond_add_header (req, "Location", location);
  heyai_fake_respond_json (req, 200, "");
}

/* uploadType=media (bytes only) and uploadType=multipart (metadata + bytes
 * in one multipart/related request). */
static void
simple_upload (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gboolean          multipart)
{
  g_autoptr(GBytes) body = heyai_fake_request_get_body (req);
  g_autoptr(GBytes) media = NULL;
  g_autoptr(JsonObject) meta = NULL;
  const char *ctype = heyai_fake_request_get_header (req, "Content-Type");
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree char *mime = NULL;
  DriveFile *f;

  if (multipart)
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (heyai_fake_request_get_message (req));
      g_autoptr(SoupMultipart) parts = soup_multipart_new_from_message (headers, body);
      SoupMessageHeaders *part_headers;
      GBytes *part;
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (parts == NULL || soup_multipart_get_length (parts) != 2 ||
          !soup_multipart_get_part (parts, 0, &part_headers, &part) ||
          !json_parser_load_from_data (parser, g_bytes_get_data (part, NULL), g_bytes_get_size (part), NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          drive_error (req, 400, "global", "badContent", "Malformed multipart body.");
          return;
        }
      meta = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
      soup_multipart_get_part (parts, 1, &part_headers, &part);
      media = g_bytes_ref (part);
      mime = g_strdup (soup_message_headers_get_content_type (part_headers, NULL));
    }
  else
    {
      meta = json_object_new ();
      media = g_bytes_ref (body);
      mime = g_strdup (ctype);
    }

  if (!parent_exists (fake, first_parent (meta)))
    {
      g_autofree char *msg = g_strdup_printf ("File not found: %s.", first_parent (meta));
      drive_error (req, 404, "global", "notFound", msg);
      return;
    }
  f = add_file (fake, json_object_get_string_member_with_default (meta, "name", "Untitled"),
                json_object_get_string_member_with_default (meta, "mimeType",
                                                            mime != NULL ? mime : "application/octet-stream"),
                first_parent (meta));
  g_checksum_update (md5, g_bytes_get_data (media, NULL), g_bytes_get_size (media));
  f->md5 = g_strdup (g_checksum_get_string (md5));
  f->size = g_bytes_get_size (media);
  f->content = g_bytes_ref (media);
  heyai_fake_counter_add (fake, "drive.upload.completed", 1);
  respond_file (req, f, 200);
}

static void
upload_start_handler (HeyaiFake        *fake,
                      HeyaiFakeRequest *req,
                      gpointer          user_data)
{
  const char *type = heyai_fake_request_get_query (req, "uploadType");

  if (g_strcmp0 (type, "media") == 0 || g_strcmp0 (type, "multipart") == 0)
    {
      if (check_auth (fake, req))
        simple_upload (fake, req, g_strcmp0 (type, "multipart") == 0);
      return;
    }
  start_session (fake, req, NULL);
}

static void
upload_update_handler (HeyaiFake        *fake,
                       HeyaiFakeRequest *req,
                       gpointer          user_data)
{
  start_session (fake, req, heyai_fake_request_get_param (req, "id"));
}

typedef struct
{
  Session *session;        /* unowned: looked up again in the handler */
  char    *session_id;
  gboolean parsed;
  gboolean query;          /* bytes * /N */
  gint64   start;
  gint64   end;            /* inclusive */
  gint64   total;          /* -1: '*' */
  gint64   pos;            /* absolute offset of the next byte */
  gint64   limit;          /* bytes from here on are "lost" (not persisted) */
  char    *invalid;        /* why the chunk is refused */
  GByteArray *pending;     /* < 256 KiB not yet persisted */
} ChunkReq;

static void
chunk_req_free (ChunkReq *c)
{
  g_free (c->session_id);
  g_free (c->invalid);
  if (c->pending != NULL)
    g_byte_array_unref (c->pending);
  g_free (c);
}

static void
persist (HeyaiFake    *fake,
         Session      *s,
         const guint8 *data,
         gsize         len)
{
  g_checksum_update (s->md5, data, len);
  if (s->content != NULL)
    g_byte_array_append (s->content, data, len);
  s->persisted += len;
  heyai_fake_counter_add (fake, "drive.upload.persisted", len);
}

static ChunkReq *
chunk_parse (HeyaiFake        *fake,
             HeyaiFakeRequest *req)
{
  ChunkReq *c = heyai_fake_request_get_data (req);
  Google *g = google_get (fake);
  const char *range;
  const char *id;
  goffset length;

  if (c != NULL)
    return c;

  c = g_new0 (ChunkReq, 1);
  heyai_fake_request_set_data (req, c, (GDestroyNotify) chunk_req_free);
  c->pending = g_byte_array_new ();
  c->total = -1;

  id = heyai_fake_request_get_query (req, "upload_id");
  c->session_id = g_strdup (id);
  c->session = id != NULL ? g_hash_table_lookup (g->sessions, id) : NULL;
  if (c->session == NULL)
    return c;

  range = heyai_fake_request_get_header (req, "Content-Range");
  length = soup_message_headers_get_content_length (
             soup_server_message_get_request_headers (heyai_fake_request_get_message (req)));
  if (range == NULL || !g_str_has_prefix (range, "bytes "))
    {
      if (length == 0)
        c->query = TRUE;
      else
        c->invalid = g_strdup ("Missing Content-Range");
      c->parsed = TRUE;
      return c;
    }
  range += 6;
  if (range[0] == '*')
    {
      c->query = TRUE;
      if (range[1] == '/' && range[2] != '*')
        g_ascii_string_to_signed (range + 2, 10, 0, G_MAXINT64, &c->total, NULL);
    }
  else
    {
      char *end;

      c->start = g_ascii_strtoll (range, &end, 10);
      if (*end != '-')
        goto bad;
      c->end = g_ascii_strtoll (end + 1, &end, 10);
      if (*end != '/')
        goto bad;
      if (end[1] != '*')
        c->total = g_ascii_strtoll (end + 1, NULL, 10);
      if (c->end < c->start || (c->total >= 0 && c->end >= c->total) || length != c->end - c->start + 1)
        goto bad;
      if (c->session->total >= 0 && c->total >= 0 && c->total != c->session->total)
        {
          c->invalid = g_strdup ("Content-Range total does not match X-Upload-Content-Length");
          goto done;
        }
      if (c->start > c->session->persisted)
        {
          c->invalid = g_strdup ("Chunk starts after the bytes received so far");
          goto done;
        }
      /* every chunk but the last must be a multiple of 256 KiB */
      if (!(c->total >= 0 && c->end + 1 == c->total) && (c->end - c->start + 1) % QUANTUM != 0)
        {
          c->invalid = g_strdup ("Invalid request. The number of bytes uploaded is required to be "
                                 "equal or greater than 262144, except for the final request (it's "
                                 "recommended to be the exact multiple of 262144).");
          goto done;
        }
      c->pos = c->start;
      c->limit = c->end + 1;
      if (g->lose_tail > 0 && !(c->total >= 0 && c->end + 1 == c->total))
        {
          c->limit = MAX (c->start, c->end + 1 - g->lose_tail);
          g->lose_tail = 0;
        }
    }
  goto done;

bad:
  c->invalid = g_strdup ("Malformed Content-Range");
done:
  c->parsed = TRUE;
  return c;
}

static void
chunk_data (HeyaiFake        *fake,
            HeyaiFakeRequest *req,
            const guint8     *data,
            gsize             len,
            gpointer          user_data)
{
  ChunkReq *c = chunk_parse (fake, req);
  Session *s;

  if (c->session == NULL || c->invalid != NULL || c->query ||
      g_hash_table_lookup (google_get (fake)->sessions, c->session_id) != c->session)
    return;
  s = c->session;

  for (gsize i = 0; i < len;)
    {
      gsize take = len - i;

      /* the server "keeps less than it was sent" */
      if (c->pos >= c->limit)
        {
          c->pos += take;
          break;
        }
      take = MIN ((gint64) take, c->limit - c->pos);

      /* bytes the server already has are skipped */
      if (c->pos < s->persisted + (gint64) c->pending->len)
        {
          gint64 skip = MIN ((gint64) take, s->persisted + (gint64) c->pending->len - c->pos);

          c->pos += skip;
          i += skip;
          continue;
        }
      take = MIN (take, QUANTUM - c->pending->len);
      g_byte_array_append (c->pending, data + i, take);
      c->pos += take;
      i += take;
      if (c->pending->len == QUANTUM)
        {
          persist (fake, s, c->pending->data, c->pending->len);
          g_byte_array_set_size (c->pending, 0);
        }
    }
}

static void
respond_range (HeyaiFakeRequest *req,
               Session          *s)
{
  if (s->persisted > 0)
    {
      g_autofree char *range = g_strdup_printf ("bytes=0-%" G_GINT64_FORMAT, s->persisted - 1);

      heyai_fake_respond_add_header (req, "Range", range);
    }
  heyai_fake_respond_empty (req, 308);
}

static void
finish_session (HeyaiFake        *fake,
                HeyaiFakeRequest *req,
                Session          *s)
{
  DriveFile *f;

  if (s->result_id == NULL)
    {
      if (s->file_id != NULL)
        {
          f = lookup_file (fake, s->file_id);
          if (f == NULL)
            {
              drive_error (req, 404, "global", "notFound", "File not found.");
              return;
            }
          apply_metadata (f, s->metadata);
          touch (fake, f);
        }
      else
        {
          f = add_file (fake, json_object_get_string_member_with_default (s->metadata, "name", "Untitled"),
                        json_object_get_string_member_with_default (s->metadata, "mimeType",
                                                                    s->mime != NULL ? s->mime
                                                                                    : "application/octet-stream"),
                        first_parent (s->metadata));
          if (json_object_has_member (s->metadata, "appProperties"))
            f->app_properties = json_object_ref (json_object_get_object_member (s->metadata, "appProperties"));
        }
      f->size = s->persisted;
      g_free (f->md5);
      f->md5 = g_strdup (g_checksum_get_string (s->md5));
      g_clear_pointer (&f->content, g_bytes_unref);
      if (s->content != NULL)
        f->content = g_bytes_new (s->content->data, s->content->len);
      s->result_id = g_strdup (f->id);
      heyai_fake_counter_add (fake, "drive.upload.completed", 1);
      /* Option drive.lose-upload-answers=N: the first N completed uploads
       * exist on Drive, but the client never hears it (nor any later
       * status query of that session). */
      if (heyai_fake_get_counter (fake, "drive.upload.answers-lost") <
          heyai_fake_get_option_int (fake, "drive.lose-upload-answers", 0))
        {
          s->lost = TRUE;
          heyai_fake_counter_add (fake, "drive.upload.answers-lost", 1);
          heyai_fake_respond_drop (req);
          return;
        }
      respond_file (req, f, s->file_id != NULL ? 200 : 201);
      return;
    }

  f = lookup_file (fake, s->result_id);
  if (f == NULL)
    {
      drive_error (req, 404, "global", "notFound", "File not found.");
      return;
    }
  respond_file (req, f, 200);
}

static void
chunk_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gpointer          user_data)
{
  Google *g = google_get (fake);
  ChunkReq *c = chunk_parse (fake, req);
  Session *s = c->session_id != NULL ? g_hash_table_lookup (g->sessions, c->session_id) : NULL;

  if (s == NULL || s != c->session)
    {
      drive_error (req, 404, "global", "notFound", "Upload session not found or expired.");
      return;
    }
  if (s->lost)
    {
      heyai_fake_respond_drop (req);
      return;
    }
  if (c->invalid != NULL)
    {
      drive_error (req, 400, "global", "badRequest", c->invalid);
      return;
    }

  if (c->query)
    {
      if (c->total >= 0 && s->total < 0)
        s->total = c->total;
      if (s->result_id != NULL || (s->total >= 0 && s->persisted == s->total))
        finish_session (fake, req, s);
      else
        respond_range (req, s);
      return;
    }

  /* the whole request arrived: everything is persisted */
  if (c->pending->len > 0)
    {
      persist (fake, s, c->pending->data, c->pending->len);
      g_byte_array_set_size (c->pending, 0);
    }
  if (c->total >= 0)
    s->total = c->total;

  if (s->total >= 0 && s->persisted == s->total)
    finish_session (fake, req, s);
  else
    respond_range (req, s);
}

/* ---------------------------------------------------------------------- */
/* Knobs                                                                   */

void
heyai_fake_google_expire_access_tokens (HeyaiFake *fake)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, google_get (fake)->access);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    *(gint64 *) value = 0;
}

void
heyai_fake_google_revoke_refresh_tokens (HeyaiFake *fake)
{
  g_hash_table_remove_all (google_get (fake)->refresh);
}

gboolean
heyai_fake_google_delete_file (HeyaiFake  *fake,
                               const char *id)
{
  Google *g = google_get (fake);
  DriveFile *f = lookup_file (fake, id);

  if (f == NULL)
    return FALSE;
  record_change (fake, f, TRUE);
  g_ptr_array_remove (g->order, f);
  g_hash_table_remove (g->files, id);
  return TRUE;
}

void
heyai_fake_google_lose_tail (HeyaiFake *fake,
                             gint64     bytes)
{
  google_get (fake)->lose_tail = bytes;
}

void
heyai_fake_google_expire_upload_sessions (HeyaiFake *fake)
{
  g_hash_table_remove_all (google_get (fake)->sessions);
}

JsonObject *
heyai_fake_google_dup_file (HeyaiFake  *fake,
                            const char *id)
{
  DriveFile *f = lookup_file (fake, id);

  return f != NULL ? file_to_json (f) : NULL;
}

guint
heyai_fake_google_count_named (HeyaiFake  *fake,
                               const char *name)
{
  Google *g = google_get (fake);
  guint n = 0;

  for (guint i = 0; i < g->order->len; i++)
    {
      DriveFile *f = g_ptr_array_index (g->order, i);

      if (!f->trashed && g_strcmp0 (f->name, name) == 0)
        n++;
    }
  return n;
}

static void
add_drive_fault (HeyaiFake  *fake,
                 const char *service,
                 const char *name,
                 guint       status,
                 const char *reason,
                 const char *domain,
                 const char *message)
{
  g_autofree char *body = g_strdup_printf ("{\"error\":{\"code\":%u,\"message\":\"%s\",\"errors\":"
                                           "[{\"domain\":\"%s\",\"reason\":\"%s\",\"message\":\"%s\"}]}}",
                                           status, message, domain, reason, message);
  HeyaiFakeFault fault = { .kind = HEYAI_FAKE_FAULT_STATUS, .status = status, .body = body };

  heyai_fake_add_named_fault (fake, service, name, &fault);
}

void
heyai_fake_google_install (HeyaiFake *fake)
{
  Google *g = g_new0 (Google, 1);
  HeyaiFakeFault grant = { .kind = HEYAI_FAKE_FAULT_STATUS, .status = 400,
                           .body = "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}" };

  g->files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) drive_file_free);
  g->order = g_ptr_array_new ();
  g->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  g->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) auth_code_free);
  g->refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g->access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  g_hash_table_add (g->refresh, g_strdup (opt (fake, "google.refresh-token", "fake-refresh-token")));
  g_object_set_data_full (G_OBJECT (fake), "google", g, (GDestroyNotify) google_free);

  heyai_fake_add_env (fake, "HEYAI_DRIVE_BASE_URL", "/google/drive/v3");
  heyai_fake_add_env (fake, "HEYAI_DRIVE_UPLOAD_BASE_URL", "/google/upload/drive/v3");
  heyai_fake_add_env (fake, "HEYAI_GOOGLE_AUTH_URL", "/google/o/oauth2/v2/auth");
  heyai_fake_add_env (fake, "HEYAI_GOOGLE_TOKEN_URL", "/google/token");
  heyai_fake_add_env_value (fake, "HEYAI_GOOGLE_CLIENT_ID", opt (fake, "google.client-id", "fake-client-id"));
  heyai_fake_add_env_value (fake, "HEYAI_GOOGLE_CLIENT_SECRET",
                            opt (fake, "google.client-secret", "fake-client-secret"));
  heyai_fake_add_env_value (fake, "HEYAI_DRIVE_REFRESH_TOKEN",
                            opt (fake, "google.refresh-token", "fake-refresh-token"));

  heyai_fake_add_route (fake, "google.auth", "GET", "/google/o/oauth2/v2/auth", auth_handler, NULL);
  heyai_fake_add_route (fake, "google.token", "POST", "/google/token", token_handler, NULL);
  heyai_fake_add_route (fake, "google.revoke", "POST", "/google/revoke", revoke_handler, NULL);

  heyai_fake_add_route (fake, "drive.files.list", "GET", "/google/drive/v3/files", list_handler, NULL);
  heyai_fake_add_route (fake, "drive.changes.startPageToken", "GET", "/google/drive/v3/changes/startPageToken",
                        start_page_token_handler, NULL);
  heyai_fake_add_route (fake, "drive.changes.list", "GET", "/google/drive/v3/changes", changes_handler, NULL);
  heyai_fake_add_route (fake, "drive.files.create", "POST", "/google/drive/v3/files", create_handler, NULL);
  heyai_fake_add_route (fake, "drive.permissions.create", "POST", "/google/drive/v3/files/{id}/permissions",
                        permission_handler, NULL);
  heyai_fake_add_route (fake, "drive.files.get", "GET", "/google/drive/v3/files/{id}", get_handler, NULL);
  heyai_fake_add_route (fake, "drive.about", "GET", "/google/drive/v3/about", about_handler, NULL);
  heyai_fake_add_route (fake, "drive.files.update", "PATCH", "/google/drive/v3/files/{id}", update_handler, NULL);
  heyai_fake_add_route (fake, "drive.files.delete", "DELETE", "/google/drive/v3/files/{id}", delete_handler, NULL);
  heyai_fake_add_route (fake, "drive.upload.start", "POST", "/google/upload/drive/v3/files",
                        upload_start_handler, NULL);
  heyai_fake_add_route (fake, "drive.upload.update", "PATCH", "/google/upload/drive/v3/files/{id}",
                        upload_update_handler, NULL);
  heyai_fake_add_route (fake, "drive.upload.chunk", "PUT", "/google/upload/drive/v3/files",
                        chunk_handler, NULL);
  heyai_fake_set_route_streaming (fake, "drive.upload.chunk", chunk_data, NULL);

  heyai_fake_add_named_fault (fake, "google", "invalid-grant", &grant);
  add_drive_fault (fake, "drive", "rate-limit", 403, "userRateLimitExceeded", "usageLimits",
                   "User Rate Limit Exceeded");
  add_drive_fault (fake, "drive", "rate-limit-429", 429, "rateLimitExceeded", "usageLimits",
                   "Too many requests");
  add_drive_fault (fake, "drive", "storage-quota", 403, "storageQuotaExceeded", "usageLimits",
                   "The user's Drive storage quota has been exceeded.");
  add_drive_fault (fake, "drive", "not-found", 404, "notFound", "global", "File not found: fake.");
  add_drive_fault (fake, "drive", "backend", 500, "backendError", "global", "Backend Error");
  add_drive_fault (fake, "drive", "auth", 401, "authError", "global", "Invalid Credentials");
}
