/* heyai-fake.c: the fake-server framework (see heyai-fake.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "heyai-fake.h"

#define REQUEST_KEY "heyai-fake-request"

typedef struct
{
  char               *name;
  char               *service;
  char               *method;
  char              **segments;
  HeyaiFakeHandler    handler;
  gpointer            user_data;
  HeyaiFakeChunkFunc  chunk_func;
  gpointer            chunk_data;
} Route;

typedef struct
{
  guint   count;
  guint64 bytes;
} RouteStats;

typedef struct
{
  char           *target;
  HeyaiFakeFault  fault;
  guint           remaining;
} FaultEntry;

typedef struct
{
  char   *content_type;
  GBytes *bytes;
  char   *path;
} ServedFile;

struct _HeyaiFakeRequest
{
  HeyaiFake         *fake;       /* unowned */
  SoupServerMessage *msg;        /* unowned: the request lives on the message */
  Route             *route;
  GHashTable        *params;
  GHashTable        *query;
  GHashTable        *form;
  JsonNode          *json;
  gboolean           json_tried;
  char              *path;
  goffset            received;
  FaultEntry        *fault;      /* a private copy of the fault consumed */
  gboolean           truncate;
  guint              stall_ms;
  gboolean           responded;
  gboolean           paused;
  gboolean           dropped;
  guint              delay_id;
  SoupMessageHeaders *extra_headers;
  gpointer           data;
  GDestroyNotify     data_destroy;
};

struct _HeyaiFake
{
  GObject     parent_instance;

  SoupServer *server;
  char       *base_url;
  GPtrArray  *routes;        /* Route* */
  GHashTable *stats;         /* name -> RouteStats* */
  GHashTable *counters;      /* name -> gint64* */
  GHashTable *options;       /* key -> value */
  GPtrArray  *envs;          /* pairs: var, path (or "=" + literal value) ... */
  GQueue      faults;        /* FaultEntry* */
  GHashTable *named_faults;  /* "service/name" -> FaultEntry* (remaining unused) */
  GHashTable *files;         /* name -> ServedFile* */
  GHashTable *installed;     /* service name set */
  GList      *pending;       /* SoupServerMessage* held by delays (refs) */
};

G_DEFINE_FINAL_TYPE (HeyaiFake, heyai_fake, G_TYPE_OBJECT)

static void
route_free (Route *route)
{
  g_free (route->name);
  g_free (route->service);
  g_free (route->method);
  g_strfreev (route->segments);
  g_free (route);
}

static void
fault_copy_into (HeyaiFakeFault       *dst,
                 const HeyaiFakeFault *src)
{
  *dst = *src;
  dst->content_type = g_strdup (src->content_type);
  dst->body = g_strdup (src->body);
  dst->headers = (const char *const *) g_strdupv ((char **) src->headers);
}

static void
fault_entry_free (FaultEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->target);
  g_free ((char *) entry->fault.content_type);
  g_free ((char *) entry->fault.body);
  g_strfreev ((char **) entry->fault.headers);
  g_free (entry);
}

static FaultEntry *
fault_entry_new (const char           *target,
                 const HeyaiFakeFault *fault,
                 guint                 count)
{
  FaultEntry *entry = g_new0 (FaultEntry, 1);

  entry->target = g_strdup (target);
  fault_copy_into (&entry->fault, fault);
  entry->remaining = count;
  return entry;
}

static void
served_file_free (ServedFile *file)
{
  g_free (file->content_type);
  g_clear_pointer (&file->bytes, g_bytes_unref);
  g_free (file->path);
  g_free (file);
}

static void
request_free (HeyaiFakeRequest *req)
{
  g_clear_handle_id (&req->delay_id, g_source_remove);
  if (req->data_destroy != NULL)
    req->data_destroy (req->data);
  g_clear_pointer (&req->params, g_hash_table_unref);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->form, g_hash_table_unref);
  g_clear_pointer (&req->json, json_node_unref);
  g_clear_pointer (&req->extra_headers, soup_message_headers_unref);
  fault_entry_free (req->fault);
  g_free (req->path);
  g_free (req);
}

/* ---------------------------------------------------------------------- */

static void
heyai_fake_dispose (GObject *object)
{
  HeyaiFake *self = HEYAI_FAKE (object);

  heyai_fake_stop (self);

  G_OBJECT_CLASS (heyai_fake_parent_class)->dispose (object);
}

static void
heyai_fake_finalize (GObject *object)
{
  HeyaiFake *self = HEYAI_FAKE (object);

  g_free (self->base_url);
  g_ptr_array_unref (self->routes);
  g_hash_table_unref (self->stats);
  g_hash_table_unref (self->counters);
  g_hash_table_unref (self->options);
  g_ptr_array_unref (self->envs);
  g_queue_clear_full (&self->faults, (GDestroyNotify) fault_entry_free);
  g_hash_table_unref (self->named_faults);
  g_hash_table_unref (self->files);
  g_hash_table_unref (self->installed);

  G_OBJECT_CLASS (heyai_fake_parent_class)->finalize (object);
}

static void
heyai_fake_class_init (HeyaiFakeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = heyai_fake_dispose;
  object_class->finalize = heyai_fake_finalize;
}

static void builtin_routes (HeyaiFake *self);

static void
heyai_fake_init (HeyaiFake *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  self->stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->envs = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->faults);
  self->named_faults = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) fault_entry_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) served_file_free);
  self->installed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  builtin_routes (self);
}

HeyaiFake *
heyai_fake_new (void)
{
  return g_object_new (HEYAI_TYPE_FAKE, NULL);
}

/* ---------------------------------------------------------------------- */
/* Routes                                                                  */

void
heyai_fake_add_route (HeyaiFake        *self,
                      const char       *name,
                      const char       *method,
                      const char       *pattern,
                      HeyaiFakeHandler  handler,
                      gpointer          user_data)
{
  Route *route;
  const char *dot;

  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (name != NULL && method != NULL && pattern != NULL && handler != NULL);
  g_return_if_fail (pattern[0] == '/');

  route = g_new0 (Route, 1);
  route->name = g_strdup (name);
  dot = strchr (name, '.');
  route->service = dot != NULL ? g_strndup (name, dot - name) : g_strdup (name);
  route->method = g_ascii_strup (method, -1);
  route->segments = g_strsplit (pattern + 1, "/", -1);
  route->handler = handler;
  route->user_data = user_data;
  g_ptr_array_add (self->routes, route);
}

void
heyai_fake_set_route_streaming (HeyaiFake          *self,
                                const char         *name,
                                HeyaiFakeChunkFunc  chunk_func,
                                gpointer            user_data)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (name != NULL && chunk_func != NULL);

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);

      if (strcmp (route->name, name) == 0)
        {
          route->chunk_func = chunk_func;
          route->chunk_data = user_data;
        }
    }
}

static gboolean
match_route (Route       *route,
             const char  *method,
             const char  *path,
             GHashTable **out_params)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GHashTable) params = NULL;
  guint i;

  if (strcmp (route->method, "*") != 0 && strcmp (route->method, method) != 0)
    return FALSE;

  parts = g_strsplit (path[0] == '/' ? path + 1 : path, "/", -1);
  params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (i = 0; route->segments[i] != NULL; i++)
    {
      const char *seg = route->segments[i];
      gsize slen = strlen (seg);

      if (slen > 3 && seg[0] == '{' && seg[slen - 2] == '*' && seg[slen - 1] == '}')
        {
          g_autofree char *rest = NULL;

          if (parts[i] == NULL)
            return FALSE;
          rest = g_strjoinv ("/", parts + i);
          g_hash_table_insert (params, g_strndup (seg + 1, slen - 3),
                               g_uri_unescape_string (rest, NULL));
          *out_params = g_steal_pointer (&params);
          return TRUE;
        }

      if (parts[i] == NULL)
        return FALSE;

      if (slen > 2 && seg[0] == '{' && seg[slen - 1] == '}')
        {
          if (parts[i][0] == '\0')
            return FALSE;
          g_hash_table_insert (params, g_strndup (seg + 1, slen - 2),
                               g_uri_unescape_string (parts[i], NULL));
        }
      else if (strcmp (seg, parts[i]) != 0)
        return FALSE;
    }

  if (parts[i] != NULL)
    return FALSE;

  *out_params = g_steal_pointer (&params);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Stats                                                                   */

static RouteStats *
stats_for (HeyaiFake  *self,
           const char *route)
{
  RouteStats *stats = g_hash_table_lookup (self->stats, route);

  if (stats == NULL)
    {
      stats = g_new0 (RouteStats, 1);
      g_hash_table_insert (self->stats, g_strdup (route), stats);
    }
  return stats;
}

guint
heyai_fake_get_count (HeyaiFake  *self,
                      const char *route)
{
  RouteStats *stats;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), 0);
  stats = g_hash_table_lookup (self->stats, route);
  return stats != NULL ? stats->count : 0;
}

guint64
heyai_fake_get_bytes (HeyaiFake  *self,
                      const char *route)
{
  RouteStats *stats;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), 0);
  stats = g_hash_table_lookup (self->stats, route);
  return stats != NULL ? stats->bytes : 0;
}

void
heyai_fake_counter_add (HeyaiFake  *self,
                        const char *name,
                        gint64      delta)
{
  gint64 *value;

  g_return_if_fail (HEYAI_IS_FAKE (self));

  value = g_hash_table_lookup (self->counters, name);
  if (value == NULL)
    {
      value = g_new0 (gint64, 1);
      g_hash_table_insert (self->counters, g_strdup (name), value);
    }
  *value += delta;
}

gint64
heyai_fake_get_counter (HeyaiFake  *self,
                        const char *name)
{
  gint64 *value;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), 0);
  value = g_hash_table_lookup (self->counters, name);
  return value != NULL ? *value : 0;
}

void
heyai_fake_reset_counters (HeyaiFake *self)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_hash_table_remove_all (self->stats);
  g_hash_table_remove_all (self->counters);
}

char *
heyai_fake_dup_stats_json (HeyaiFake *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "routes");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, self->stats);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      RouteStats *stats = value;

      json_builder_set_member_name (builder, key);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, stats->count);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, (gint64) stats->bytes);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "counters");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, self->counters);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (builder, key);
      json_builder_add_int_value (builder, *(gint64 *) value);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* ---------------------------------------------------------------------- */
/* Options and environment                                                 */

void
heyai_fake_set_option (HeyaiFake  *self,
                       const char *key,
                       const char *value)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (key != NULL);

  if (value == NULL)
    g_hash_table_remove (self->options, key);
  else
    g_hash_table_insert (self->options, g_strdup (key), g_strdup (value));
}

const char *
heyai_fake_get_option (HeyaiFake  *self,
                       const char *key)
{
  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);
  return g_hash_table_lookup (self->options, key);
}

gint64
heyai_fake_get_option_int (HeyaiFake  *self,
                           const char *key,
                           gint64      fallback)
{
  const char *value = heyai_fake_get_option (self, key);
  gint64 number;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &number, NULL))
    return fallback;
  return number;
}

void
heyai_fake_add_env (HeyaiFake  *self,
                    const char *env_var,
                    const char *path)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (env_var != NULL && path != NULL);

  for (guint i = 0; i < self->envs->len; i += 2)
    if (strcmp (g_ptr_array_index (self->envs, i), env_var) == 0)
      {
        g_free (self->envs->pdata[i + 1]);
        self->envs->pdata[i + 1] = g_strdup (path);
        return;
      }
  g_ptr_array_add (self->envs, g_strdup (env_var));
  g_ptr_array_add (self->envs, g_strdup (path));
}

void
heyai_fake_add_env_value (HeyaiFake  *self,
                          const char *env_var,
                          const char *value)
{
  g_autofree char *literal = NULL;

  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (env_var != NULL && value != NULL);

  literal = g_strconcat ("=", value, NULL);
  heyai_fake_add_env (self, env_var, literal);
}

static char *
env_value (HeyaiFake  *self,
           const char *stored)
{
  if (stored[0] == '=')
    return g_strdup (stored + 1);
  return heyai_fake_dup_url (self, stored);
}

char *
heyai_fake_dup_env_url (HeyaiFake  *self,
                        const char *env_var)
{
  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);

  for (guint i = 0; i < self->envs->len; i += 2)
    if (strcmp (g_ptr_array_index (self->envs, i), env_var) == 0)
      return env_value (self, g_ptr_array_index (self->envs, i + 1));
  return NULL;
}

char **
heyai_fake_dup_env (HeyaiFake *self)
{
  GPtrArray *lines;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);
  g_return_val_if_fail (self->base_url != NULL, NULL);

  lines = g_ptr_array_new ();
  g_ptr_array_add (lines, g_strdup_printf ("HEYAI_FAKE_URL=%s", self->base_url));
  for (guint i = 0; i < self->envs->len; i += 2)
    {
      g_autofree char *value = env_value (self, g_ptr_array_index (self->envs, i + 1));

      g_ptr_array_add (lines, g_strdup_printf ("%s=%s", (char *) g_ptr_array_index (self->envs, i), value));
    }
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

void
heyai_fake_setenv (HeyaiFake *self)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (self->base_url != NULL);

  g_setenv ("HEYAI_FAKE_URL", self->base_url, TRUE);
  for (guint i = 0; i < self->envs->len; i += 2)
    {
      g_autofree char *value = env_value (self, g_ptr_array_index (self->envs, i + 1));

      g_setenv (g_ptr_array_index (self->envs, i), value, TRUE);
    }
}

/* ---------------------------------------------------------------------- */
/* Lifecycle                                                               */

static void early_handler_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
                              GHashTable *query, gpointer user_data);
static void handler_cb (SoupServer *server, SoupServerMessage *msg, const char *path,
                        GHashTable *query, gpointer user_data);

gboolean
heyai_fake_start (HeyaiFake  *self,
                  guint       port,
                  GError    **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  GSList *uris;
  GUri *uri;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  self->server = soup_server_new ("server-header", "heyai-fake", NULL);
  soup_server_add_early_handler (self->server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, handler_cb, self, NULL);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_clear_object (&self->server);
      return FALSE;
    }

  uris = soup_server_get_uris (self->server);
  uri = uris->data;
  self->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

void
heyai_fake_stop (HeyaiFake *self)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));

  while (self->pending != NULL)
    {
      SoupServerMessage *msg = self->pending->data;
      HeyaiFakeRequest *req = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);

      self->pending = g_list_delete_link (self->pending, self->pending);
      if (req != NULL)
        g_clear_handle_id (&req->delay_id, g_source_remove);
      g_object_unref (msg);
    }

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

const char *
heyai_fake_get_base_url (HeyaiFake *self)
{
  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);
  return self->base_url;
}

char *
heyai_fake_dup_url (HeyaiFake  *self,
                    const char *path)
{
  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);
  g_return_val_if_fail (self->base_url != NULL, NULL);

  if (path == NULL || *path == '\0')
    return g_strdup (self->base_url);
  return g_strdup_printf ("%s%s%s", self->base_url, path[0] == '/' ? "" : "/", path);
}

SoupServer *
heyai_fake_get_server (HeyaiFake *self)
{
  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);
  return self->server;
}

static const struct
{
  const char *name;
  void (*install) (HeyaiFake *fake);
} installers[] = {
  { "openai", heyai_fake_openai_install },
  { "anthropic", heyai_fake_anthropic_install },
  { "higgsfield", heyai_fake_higgsfield_install },
  { "kling", heyai_fake_kling_install },
  { "google", heyai_fake_google_install },
};

gboolean
heyai_fake_install (HeyaiFake   *self,
                    const char  *service,
                    GError     **error)
{
  g_return_val_if_fail (HEYAI_IS_FAKE (self), FALSE);
  g_return_val_if_fail (service != NULL, FALSE);

  if (strcmp (service, "all") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (installers); i++)
        if (!heyai_fake_install (self, installers[i].name, error))
          return FALSE;
      return TRUE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (installers); i++)
    if (strcmp (service, installers[i].name) == 0)
      {
        if (!g_hash_table_contains (self->installed, service))
          {
            g_hash_table_add (self->installed, g_strdup (service));
            installers[i].install (self);
          }
        return TRUE;
      }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "unknown fake service “%s” (known: openai, anthropic, higgsfield, kling, google, all)",
               service);
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Faults                                                                  */

void
heyai_fake_add_fault (HeyaiFake            *self,
                      const char           *target,
                      const HeyaiFakeFault *fault,
                      guint                 count)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (target != NULL && fault != NULL);

  g_queue_push_tail (&self->faults, fault_entry_new (target, fault, MAX (count, 1)));
}

void
heyai_fake_add_named_fault (HeyaiFake            *self,
                            const char           *service,
                            const char           *name,
                            const HeyaiFakeFault *fault)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_return_if_fail (service != NULL && name != NULL && fault != NULL);

  g_hash_table_insert (self->named_faults, g_strdup_printf ("%s/%s", service, name),
                       fault_entry_new (name, fault, 1));
}

void
heyai_fake_clear_faults (HeyaiFake *self)
{
  g_return_if_fail (HEYAI_IS_FAKE (self));
  g_queue_clear_full (&self->faults, (GDestroyNotify) fault_entry_free);
}

static gboolean
parse_uint (const char *text,
            guint64    *out)
{
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, out, NULL);
}

gboolean
heyai_fake_add_fault_from_string (HeyaiFake   *self,
                                  const char  *spec,
                                  GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *service = NULL;
  HeyaiFakeFault fault = { 0, };
  FaultEntry *named;
  g_autofree char *named_key = NULL;
  const char *target, *kind;
  guint64 count = 1, number;
  const char *dot;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  parts = g_strsplit (spec, ":", 3);
  if (g_strv_length (parts) < 2 || parts[0][0] == '\0' || parts[1][0] == '\0' ||
      (parts[2] != NULL && (!parse_uint (parts[2], &count) || count == 0)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "bad fault “%s”: expected TARGET:KIND[:COUNT]", spec);
      return FALSE;
    }
  target = parts[0];
  kind = parts[1];
  dot = strchr (target, '.');
  service = dot != NULL ? g_strndup (target, dot - target) : g_strdup (target);

  named_key = g_strdup_printf ("%s/%s", service, kind);
  named = g_hash_table_lookup (self->named_faults, named_key);
  if (named != NULL)
    {
      heyai_fake_add_fault (self, target, &named->fault, (guint) count);
      return TRUE;
    }

  fault.drop_after_bytes = -1;
  if (g_str_has_prefix (kind, "http-") && parse_uint (kind + 5, &number) && number >= 100 && number < 600)
    {
      fault.kind = HEYAI_FAKE_FAULT_STATUS;
      fault.status = (guint) number;
    }
  else if (parse_uint (kind, &number) && number >= 100 && number < 600)
    {
      fault.kind = HEYAI_FAKE_FAULT_STATUS;
      fault.status = (guint) number;
    }
  else if (g_str_has_prefix (kind, "delay-") && parse_uint (kind + 6, &number))
    {
      fault.kind = HEYAI_FAKE_FAULT_DELAY;
      fault.delay_ms = (guint) number;
    }
  else if (strcmp (kind, "timeout") == 0)
    {
      fault.kind = HEYAI_FAKE_FAULT_DELAY;
      fault.delay_ms = 120000;
    }
  else if (strcmp (kind, "drop") == 0)
    fault.kind = HEYAI_FAKE_FAULT_DROP;
  else if (g_str_has_prefix (kind, "drop-body-") && parse_uint (kind + 10, &number))
    {
      fault.kind = HEYAI_FAKE_FAULT_DROP;
      fault.drop_after_bytes = (gint64) number;
    }
  else if (strcmp (kind, "truncate") == 0)
    fault.kind = HEYAI_FAKE_FAULT_TRUNCATE;
  else if (g_str_has_prefix (kind, "stall-") && parse_uint (kind + 6, &number))
    {
      fault.kind = HEYAI_FAKE_FAULT_STALL;
      fault.delay_ms = (guint) number;
    }
  else if (strcmp (kind, "malformed") == 0)
    fault.kind = HEYAI_FAKE_FAULT_MALFORMED;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "bad fault “%s”: unknown kind “%s” (http-NNN, delay-MS, timeout, drop, "
                   "drop-body-BYTES, truncate, stall-MS, malformed, or a named fault of %s)",
                   spec, kind, service);
      return FALSE;
    }

  heyai_fake_add_fault (self, target, &fault, (guint) count);
  return TRUE;
}

/* Takes one use of the first fault matching @route; returns a private copy. */
static FaultEntry *
take_fault (HeyaiFake *self,
            Route     *route)
{
  for (GList *l = self->faults.head; l != NULL; l = l->next)
    {
      FaultEntry *entry = l->data;

      if (strcmp (entry->target, route->name) == 0 || strcmp (entry->target, route->service) == 0)
        {
          FaultEntry *copy = fault_entry_new (entry->target, &entry->fault, 1);

          if (--entry->remaining == 0)
            {
              g_queue_delete_link (&self->faults, l);
              fault_entry_free (entry);
            }
          return copy;
        }
    }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Requests                                                                */

const char *
heyai_fake_request_get_method (HeyaiFakeRequest *request)
{
  return soup_server_message_get_method (request->msg);
}

const char *
heyai_fake_request_get_path (HeyaiFakeRequest *request)
{
  return request->path;
}

const char *
heyai_fake_request_get_route (HeyaiFakeRequest *request)
{
  return request->route != NULL ? request->route->name : NULL;
}

const char *
heyai_fake_request_get_param (HeyaiFakeRequest *request,
                              const char       *name)
{
  return request->params != NULL ? g_hash_table_lookup (request->params, name) : NULL;
}

const char *
heyai_fake_request_get_query (HeyaiFakeRequest *request,
                              const char       *name)
{
  return request->query != NULL ? g_hash_table_lookup (request->query, name) : NULL;
}

const char *
heyai_fake_request_get_header (HeyaiFakeRequest *request,
                               const char       *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (request->msg), name);
}

const char *
heyai_fake_request_get_bearer (HeyaiFakeRequest *request)
{
  const char *auth = heyai_fake_request_get_header (request, "Authorization");

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return NULL;
  return auth + 7;
}

GBytes *
heyai_fake_request_get_body (HeyaiFakeRequest *request)
{
  SoupMessageBody *body = soup_server_message_get_request_body (request->msg);

  return soup_message_body_flatten (body);
}

goffset
heyai_fake_request_get_body_length (HeyaiFakeRequest *request)
{
  return request->received;
}

JsonNode *
heyai_fake_request_get_json (HeyaiFakeRequest *request)
{
  if (!request->json_tried)
    {
      g_autoptr(GBytes) body = heyai_fake_request_get_body (request);
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      request->json_tried = TRUE;
      if (len > 0 && json_parser_load_from_data (parser, data, len, NULL) &&
          json_parser_get_root (parser) != NULL)
        request->json = json_node_copy (json_parser_get_root (parser));
    }
  return request->json;
}

JsonObject *
heyai_fake_request_get_object (HeyaiFakeRequest *request)
{
  JsonNode *node = heyai_fake_request_get_json (request);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

GHashTable *
heyai_fake_request_get_form (HeyaiFakeRequest *request)
{
  if (request->form == NULL)
    {
      g_autoptr(GBytes) body = heyai_fake_request_get_body (request);
      gsize len;
      const char *data = g_bytes_get_data (body, &len);
      g_autofree char *text = g_strndup (data, len);

      request->form = len > 0 ? soup_form_decode (text)
                              : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }
  return request->form;
}

SoupServerMessage *
heyai_fake_request_get_message (HeyaiFakeRequest *request)
{
  return request->msg;
}

void
heyai_fake_request_set_data (HeyaiFakeRequest *request,
                             gpointer          data,
                             GDestroyNotify    destroy)
{
  if (request->data_destroy != NULL)
    request->data_destroy (request->data);
  request->data = data;
  request->data_destroy = destroy;
}

gpointer
heyai_fake_request_get_data (HeyaiFakeRequest *request)
{
  return request->data;
}

void
heyai_fake_request_pause (HeyaiFakeRequest *request)
{
  if (!request->paused)
    {
      request->paused = TRUE;
      soup_server_message_pause (request->msg);
    }
}

void
heyai_fake_request_unpause (HeyaiFakeRequest *request)
{
  if (request->paused)
    {
      request->paused = FALSE;
      soup_server_message_unpause (request->msg);
    }
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                 */

void
heyai_fake_respond_add_header (HeyaiFakeRequest *request,
                               const char       *name,
                               const char       *value)
{
  if (request->extra_headers == NULL)
    request->extra_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  soup_message_headers_append (request->extra_headers, name, value);
}

static gboolean
shutdown_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  SoupServerMessage *msg;
  GBytes            *rest;
} StallRest;

static gboolean
stall_rest_cb (gpointer user_data)
{
  StallRest *stall = user_data;
  SoupMessageBody *out = soup_server_message_get_response_body (stall->msg);

  soup_message_body_append_bytes (out, stall->rest);
  soup_message_body_complete (out);
  soup_server_message_unpause (stall->msg);
  g_object_unref (stall->msg);
  g_bytes_unref (stall->rest);
  g_free (stall);
  return G_SOURCE_REMOVE;
}

static void
drop_connection (HeyaiFakeRequest *request)
{
  GSocket *socket = soup_server_message_get_socket (request->msg);

  request->dropped = TRUE;
  request->responded = TRUE;
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

void
heyai_fake_respond (HeyaiFakeRequest *request,
                    guint             status,
                    const char       *content_type,
                    GBytes           *body)
{
  SoupServerMessage *msg = request->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *out = soup_server_message_get_response_body (msg);
  gsize len = body != NULL ? g_bytes_get_size (body) : 0;

  if (request->responded)
    return;
  request->responded = TRUE;

  soup_server_message_set_status (msg, status, NULL);
  if (request->extra_headers != NULL)
    {
      SoupMessageHeadersIter iter;
      const char *name, *value;

      soup_message_headers_iter_init (&iter, request->extra_headers);
      while (soup_message_headers_iter_next (&iter, &name, &value))
        soup_message_headers_append (headers, name, value);
    }
  if (content_type != NULL)
    soup_message_headers_set_content_type (headers, content_type, NULL);

  if (request->truncate && len > 1)
    {
      /* Announce the whole length, send half, then cut the connection. */
      g_autoptr(GBytes) half = g_bytes_new_from_bytes (body, 0, len / 2);

      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CONTENT_LENGTH);
      soup_message_headers_set_content_length (headers, len);
      soup_message_body_append_bytes (out, half);
      g_timeout_add_full (G_PRIORITY_DEFAULT, 100, shutdown_cb, g_object_ref (msg), g_object_unref);
    }
  else if (request->stall_ms > 0 && len > 1)
    {
      /* Half now, silence, then the rest (the writer pauses itself when it
       * runs out of body; unpausing resumes it). */
      StallRest *stall = g_new0 (StallRest, 1);
      g_autoptr(GBytes) half = g_bytes_new_from_bytes (body, 0, len / 2);

      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CONTENT_LENGTH);
      soup_message_headers_set_content_length (headers, len);
      soup_message_body_append_bytes (out, half);
      stall->msg = g_object_ref (msg);
      stall->rest = g_bytes_new_from_bytes (body, len / 2, len - len / 2);
      g_timeout_add (request->stall_ms, stall_rest_cb, stall);
    }
  else
    {
      if (body != NULL && len > 0)
        soup_message_body_append_bytes (out, body);
      soup_message_body_complete (out);
    }

  heyai_fake_request_unpause (request);
}

void
heyai_fake_respond_json (HeyaiFakeRequest *request,
                         guint             status,
                         const char       *json_text)
{
  g_autoptr(GBytes) body = g_bytes_new (json_text, json_text != NULL ? strlen (json_text) : 0);

  heyai_fake_respond (request, status, "application/json", body);
}

void
heyai_fake_respond_json_node (HeyaiFakeRequest *request,
                              guint             status,
                              JsonNode         *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  gsize len;
  char *text;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &len);
  heyai_fake_respond (request, status, "application/json", g_bytes_new_take (text, len));
}

void
heyai_fake_respond_json_printf (HeyaiFakeRequest *request,
                                guint             status,
                                const char       *format,
                                ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  heyai_fake_respond_json (request, status, text);
}

void
heyai_fake_respond_empty (HeyaiFakeRequest *request,
                          guint             status)
{
  heyai_fake_respond (request, status, NULL, NULL);
}

void
heyai_fake_respond_drop (HeyaiFakeRequest *request)
{
  if (request->responded)
    return;
  drop_connection (request);
  /* Whatever libsoup tries to write now fails on the closed socket. */
  soup_server_message_set_status (request->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  heyai_fake_request_unpause (request);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                */

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  HeyaiFakeRequest *req = user_data;
  HeyaiFake *fake = req->fake;
  gsize len = g_bytes_get_size (chunk);

  if (req->dropped)
    return;

  req->received += len;
  if (req->route != NULL)
    stats_for (fake, req->route->name)->bytes += len;

  if (req->route != NULL && req->route->chunk_func != NULL)
    req->route->chunk_func (fake, req, g_bytes_get_data (chunk, NULL), len, req->route->chunk_data);

  if (req->fault != NULL && req->fault->fault.kind == HEYAI_FAKE_FAULT_DROP &&
      req->fault->fault.drop_after_bytes >= 0 &&
      req->received >= req->fault->fault.drop_after_bytes)
    drop_connection (req);
}

static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  HeyaiFake *self = user_data;
  HeyaiFakeRequest *req;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *method = soup_server_message_get_method (msg);

  req = g_new0 (HeyaiFakeRequest, 1);
  req->fake = self;
  req->msg = msg;
  req->path = g_uri_unescape_string (g_uri_get_path (uri), NULL);
  if (req->path == NULL)
    req->path = g_strdup (g_uri_get_path (uri));
  if (g_uri_get_query (uri) != NULL)
    req->query = soup_form_decode (g_uri_get_query (uri));

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);
      GHashTable *params = NULL;

      if (match_route (route, method, g_uri_get_path (uri), &params))
        {
          req->route = route;
          req->params = params;
          break;
        }
    }

  g_object_set_data_full (G_OBJECT (msg), REQUEST_KEY, req, (GDestroyNotify) request_free);

  if (req->route != NULL)
    {
      stats_for (self, req->route->name)->count++;
      if (!g_str_has_prefix (req->route->name, "fake."))
        req->fault = take_fault (self, req->route);
      /* Tests wait on it: the request carrying a fault has arrived. */
      if (req->fault != NULL)
        heyai_fake_counter_add (self, "fake.faults-taken", 1);
      if (req->route->chunk_func != NULL ||
          (req->fault != NULL && req->fault->fault.kind == HEYAI_FAKE_FAULT_DROP))
        soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      if (req->fault != NULL && req->fault->fault.kind == HEYAI_FAKE_FAULT_DROP &&
          req->fault->fault.drop_after_bytes == 0)
        {
          drop_connection (req);
          return;
        }
    }

  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), req);
}

static void
run_handler (HeyaiFakeRequest *req)
{
  req->route->handler (req->fake, req, req->route->user_data);
}

static gboolean
delay_done_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  HeyaiFakeRequest *req = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);
  HeyaiFake *fake = req->fake;

  req->delay_id = 0;
  fake->pending = g_list_remove (fake->pending, msg);
  run_handler (req);
  if (!req->responded && !req->paused)
    heyai_fake_request_pause (req);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
apply_status_fault (HeyaiFakeRequest     *req,
                    const HeyaiFakeFault *fault)
{
  g_autofree char *generic = NULL;
  const char *body = fault->body;

  for (guint i = 0; fault->headers != NULL && fault->headers[i] != NULL; i++)
    {
      const char *colon = strchr (fault->headers[i], ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (colon == NULL)
        continue;
      name = g_strstrip (g_strndup (fault->headers[i], colon - fault->headers[i]));
      value = g_strstrip (g_strdup (colon + 1));
      heyai_fake_respond_add_header (req, name, value);
    }

  if (body == NULL)
    body = generic = g_strdup_printf ("{\"error\":{\"code\":%u,\"message\":\"fake fault (HTTP %u)\","
                                      "\"type\":\"fake_fault\"}}",
                                      fault->status, fault->status);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

    heyai_fake_respond (req, fault->status,
                        fault->content_type != NULL ? fault->content_type : "application/json",
                        bytes);
  }
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  HeyaiFake *self = user_data;
  HeyaiFakeRequest *req = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);

  if (req == NULL || req->dropped)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      return;
    }

  if (req->route == NULL)
    {
      heyai_fake_respond_json_printf (req, SOUP_STATUS_NOT_FOUND,
                                      "{\"error\":{\"code\":404,\"message\":\"no fake route for %s %s\"}}",
                                      soup_server_message_get_method (msg), path);
      return;
    }

  if (req->fault != NULL)
    {
      const HeyaiFakeFault *fault = &req->fault->fault;

      switch (fault->kind)
        {
        case HEYAI_FAKE_FAULT_STATUS:
          apply_status_fault (req, fault);
          return;
        case HEYAI_FAKE_FAULT_DELAY:
          heyai_fake_request_pause (req);
          self->pending = g_list_prepend (self->pending, g_object_ref (msg));
          req->delay_id = g_timeout_add (fault->delay_ms, delay_done_cb, msg);
          return;
        case HEYAI_FAKE_FAULT_DROP:
          heyai_fake_respond_drop (req);
          return;
        case HEYAI_FAKE_FAULT_TRUNCATE:
          req->truncate = TRUE;
          break;
        case HEYAI_FAKE_FAULT_STALL:
          req->stall_ms = MAX (fault->delay_ms, 1);
          break;
        case HEYAI_FAKE_FAULT_MALFORMED:
          heyai_fake_respond_json (req, SOUP_STATUS_OK, "{\"this is\": not json");
          return;
        default:
          break;
        }
    }

  run_handler (req);
  if (!req->responded && !req->paused)
    g_critical ("fake route %s did not answer", req->route->name);
}

/* ---------------------------------------------------------------------- */
/* Built-in routes: stats, reset, faults, files                            */

static void
stats_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gpointer          user_data)
{
  g_autofree char *json = heyai_fake_dup_stats_json (fake);

  heyai_fake_respond_json (req, SOUP_STATUS_OK, json);
}

static void
reset_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gpointer          user_data)
{
  heyai_fake_reset_counters (fake);
  heyai_fake_clear_faults (fake);
  heyai_fake_respond_json (req, SOUP_STATUS_OK, "{}");
}

static void
fault_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gpointer          user_data)
{
  g_autoptr(GError) error = NULL;
  const char *spec = heyai_fake_request_get_query (req, "spec");

  if (spec == NULL || !heyai_fake_add_fault_from_string (fake, spec, &error))
    {
      heyai_fake_respond_json_printf (req, SOUP_STATUS_BAD_REQUEST, "{\"error\":{\"message\":\"%s\"}}",
                                      error != NULL ? "bad fault spec" : "missing spec");
      return;
    }
  heyai_fake_respond_json (req, SOUP_STATUS_OK, "{}");
}

static void
files_handler (HeyaiFake        *fake,
               HeyaiFakeRequest *req,
               gpointer          user_data)
{
  ServedFile *file = g_hash_table_lookup (fake->files, heyai_fake_request_get_param (req, "name"));
  g_autoptr(GBytes) bytes = NULL;

  if (file == NULL)
    {
      heyai_fake_respond_json (req, SOUP_STATUS_NOT_FOUND, "{\"error\":{\"message\":\"no such file\"}}");
      return;
    }

  if (file->bytes != NULL)
    bytes = g_bytes_ref (file->bytes);
  else
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (file->path, FALSE, &error);

      if (mapped == NULL)
        {
          heyai_fake_respond_json (req, SOUP_STATUS_NOT_FOUND, "{\"error\":{\"message\":\"unreadable\"}}");
          return;
        }
      bytes = g_mapped_file_get_bytes (mapped);
    }

  heyai_fake_respond (req, SOUP_STATUS_OK, file->content_type, bytes);
}

static void
builtin_routes (HeyaiFake *self)
{
  heyai_fake_add_route (self, "fake.stats", "GET", "/_fake/stats", stats_handler, NULL);
  heyai_fake_add_route (self, "fake.reset", "POST", "/_fake/reset", reset_handler, NULL);
  heyai_fake_add_route (self, "fake.fault", "POST", "/_fake/fault", fault_handler, NULL);
  heyai_fake_add_route (self, "files.get", "GET", "/_fake/files/{name*}", files_handler, NULL);
}

static char *
serve (HeyaiFake  *self,
       const char *name,
       ServedFile *file)
{
  g_autofree char *escaped = g_uri_escape_string (name, "/", FALSE);
  g_autofree char *path = g_strdup_printf ("/_fake/files/%s", escaped);

  g_hash_table_insert (self->files, g_strdup (name), file);
  return heyai_fake_dup_url (self, path);
}

char *
heyai_fake_serve_bytes (HeyaiFake  *self,
                        const char *name,
                        const char *content_type,
                        GBytes     *content)
{
  ServedFile *file;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);
  g_return_val_if_fail (name != NULL && content != NULL, NULL);

  file = g_new0 (ServedFile, 1);
  file->content_type = g_strdup (content_type != NULL ? content_type : "application/octet-stream");
  file->bytes = g_bytes_ref (content);
  return serve (self, name, file);
}

char *
heyai_fake_serve_path (HeyaiFake  *self,
                       const char *name,
                       const char *content_type,
                       const char *path)
{
  ServedFile *file;

  g_return_val_if_fail (HEYAI_IS_FAKE (self), NULL);
  g_return_val_if_fail (name != NULL && path != NULL, NULL);

  file = g_new0 (ServedFile, 1);
  file->content_type = g_strdup (content_type != NULL ? content_type : "application/octet-stream");
  file->path = g_strdup (path);
  return serve (self, name, file);
}

/* ---------------------------------------------------------------------- */
/* Test helpers                                                            */

static gboolean
spin_timeout_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
heyai_fake_spin_until (volatile int *flag,
                       guint         timeout_s)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (timeout_s, spin_timeout_cb, &expired);

  while (*flag == 0 && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *flag != 0;
}

gboolean
heyai_fake_spin_until_ptr (gpointer *ptr,
                           guint     timeout_s)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (timeout_s, spin_timeout_cb, &expired);

  while (*ptr == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *ptr != NULL;
}
