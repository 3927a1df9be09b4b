/* heyai-store-private.h: what the heyai-store*.c files share: the table
 * descriptions, the instance struct and the _heyai_store_* helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "heyai-store.h"

G_BEGIN_DECLS

/* How long every connection to the library waits for another process's
 * lock (a write, a checkpoint on close) before saying the library is busy. */
#define HEYAI_STORE_BUSY_TIMEOUT_MS 5000

/* ------------------------------------------------------------------------ */
/* Table descriptions                                                       */
/* ------------------------------------------------------------------------ */

typedef enum
{
  TABLE_PROJECTS,
  TABLE_SCENES,
  TABLE_ASSETS,
  TABLE_JOBS,
  N_TABLES
} TableId;

typedef struct
{
  const char         *name;
  const char * const *props;       /* "id" first, NULL-terminated */

  /* Filled once in class_init. */
  GType               type;
  guint               n_columns;
  GParamSpec        **pspecs;
  char              **columns;
  char               *column_list; /* "id, number, ..." */
  char               *insert_sql;
  char               *upsert_sql;
  char               *update_sql;
} TableInfo;

struct _HeyaiStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  HeyaiHlc   *hlc;

  GHashTable *statements;        /* SQL text -> sqlite3_stmt* */
  GHashTable *live[N_TABLES];    /* id -> GWeakRef* (the identity map) */
  guint       sweep_at[N_TABLES];

  gboolean    read_only;         /* failed quick_check on open: nothing is written */
  char       *read_only_reason;  /* the translated banner text */

  guint       tx_depth;
  GArray     *tx_marks;          /* pending->len at each nesting level */
  GPtrArray  *pending;           /* PendingSignal*, emitted on the outermost commit */
  gint64      data_version;      /* PRAGMA data_version seen last (0: never read) */
  struct _HeyaiCheckpointer *checkpointer;  /* WAL checkpoints off the writing thread */
  gint64      busy_since;        /* when the current wait for a lock began */
};

/* WAL pages after which a commit asks for a checkpoint (SQLite's own
 * auto-checkpoint default), run on a thread of its own; see heyai-store.c. */
#define HEYAI_STORE_CHECKPOINT_PAGES 1000

/* Tests: how many checkpoints the store's checkpoint threads (not a
 * committing thread) have finished in this process. */
guint _heyai_store_checkpoints_done (void);

enum
{
  PROJECT_CHANGED,
  SCENES_CHANGED,
  JOB_CHANGED,
  ASSET_CHANGED,
  BIBLE_CHANGED,
  N_SIGNALS
};

/* A cached statement that is reset when it goes out of scope. */
typedef sqlite3_stmt HeyaiStmt;

void _heyai_store_stmt_release (HeyaiStmt *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HeyaiStmt, _heyai_store_stmt_release)

/* A row read into GValues, in the table's column order. */
typedef struct
{
  guint  n;
  GValue values[];
} Row;

typedef enum
{
  WRITE_INSERT,
  WRITE_UPDATE,
  WRITE_UPSERT,
} WriteMode;

/* heyai-store.c */
void _heyai_store_set_sqlite_error (GError     **error,
                                    const char  *path,
                                    int          rc,
                                    const char  *detail);
void _heyai_store_set_db_error (HeyaiStore  *self,
                                GError     **error,
                                int          rc);
void _heyai_store_queue_signal (HeyaiStore *self,
                                guint       which,
                                gpointer    object,
                                const char *project_id);

/* heyai-store-schema.c */
gboolean _heyai_store_peek_user_version (const char  *path,
                                         int         *version,
                                         GError     **error);
void _heyai_store_set_schema_too_new_error (GError     **error,
                                            int          version);
gboolean _heyai_store_query_int (HeyaiStore  *self,
                                 const char  *sql,
                                 int         *out,
                                 GError     **error);
gboolean _heyai_store_migrate (HeyaiStore  *self,
                               GError     **error);

/* heyai-store-rows.c */
extern TableInfo _heyai_store_tables[N_TABLES];
void _heyai_store_table_info_init (TableInfo *ti,
                                   GType      type);
HeyaiStmt *_heyai_store_prepare (HeyaiStore  *self,
                                 const char  *sql,
                                 GError     **error);
gboolean _heyai_store_step_done (HeyaiStore    *self,
                                 sqlite3_stmt  *stmt,
                                 GError       **error);
gboolean _heyai_store_exec_sql (HeyaiStore  *self,
                                const char  *sql,
                                GError     **error);
void _heyai_store_bind_text (sqlite3_stmt *stmt,
                             int           idx,
                             const char   *text);
GObject *_heyai_store_live_lookup (HeyaiStore *self,
                                   TableId     table,
                                   const char *id);
GPtrArray *_heyai_store_load_objects (HeyaiStore    *self,
                                      TableId        table,
                                      sqlite3_stmt  *stmt,
                                      GError       **error);
gpointer _heyai_store_load_one (HeyaiStore    *self,
                                TableId        table,
                                sqlite3_stmt  *stmt,
                                GError       **error);
char *_heyai_store_select_sql (TableId     table,
                               const char *tail);
gboolean _heyai_store_write_object (HeyaiStore  *self,
                                    TableId      table,
                                    GObject     *object,
                                    WriteMode    mode,
                                    GError     **error);
char *_heyai_store_stamp (HeyaiStore *self);
/* After a direct SQL write of @props of a live object (renumbering,
 * tombstones): its base takes those properties' current values, so they do
 * not count as unsaved edits. */
void _heyai_store_base_update (TableId             table,
                               GObject            *object,
                               const char * const *props);

/* heyai-store-projects.c */
gboolean _heyai_store_tombstone_where (HeyaiStore  *self,
                                       TableId      table,
                                       const char  *column,
                                       const char  *value,
                                       const char  *now,
                                       GError     **error);

/* heyai-store-scenes.c: steps @stmt (bound) to the end; each row's first
 * @n_columns columns as text ("" for NULL), NULL-terminated. */
char **_heyai_store_collect_text (HeyaiStore    *self,
                                  sqlite3_stmt  *stmt,
                                  int            n_columns,
                                  GError       **error);

/* heyai-store-assets.c */
gboolean _heyai_store_project_of_scene (HeyaiStore  *self,
                                        const char  *scene_id,
                                        char       **project_id,
                                        GError     **error);

G_END_DECLS
