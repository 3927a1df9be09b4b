/* heyai-bible-page.h: the Bible view of a project: its characters,
 * locations and props as cards, and the Cast view (per entry, every
 * scene's still where it appears, side by side).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-core.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_BIBLE_PAGE (heyai_bible_page_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiBiblePage, heyai_bible_page, HEYAI, BIBLE_PAGE, GtkWidget)

void          heyai_bible_page_set_project (HeyaiBiblePage *self,
                                            HeyaiProject   *project);
void          heyai_bible_page_reload      (HeyaiBiblePage *self);
/* Entry cards and cast rows shown (for tests). */
guint         heyai_bible_page_get_n_cards (HeyaiBiblePage *self);
/* The stills in the Cast view row of @entry_id (for tests). */
guint         heyai_bible_page_get_n_cast_stills (HeyaiBiblePage *self,
                                                  const char     *entry_id);

/* A reload is scheduled (the store said the bible changed) (for tests). */
gboolean      heyai_bible_page_get_reload_pending (HeyaiBiblePage *self);

/* Asks for the entry's new name, kind, aliases and description (a rename
 * or an edit), saved through heyai_store_bible_update (synced field by
 * field). */
void          heyai_bible_edit_entry_dialog (GtkWidget     *parent,
                                             const char    *entry_id);
/* What the dialog does on "Save": @aliases separated by commas.  FALSE
 * with @error for an empty name, a name another entry has, or an entry
 * deleted meanwhile. */
gboolean      heyai_bible_edit_entry       (HeyaiStore     *store,
                                            const char     *entry_id,
                                            HeyaiBibleKind  kind,
                                            const char     *name,
                                            const char     *aliases,
                                            const char     *description,
                                            GError        **error);

/* Asks for a new entry's kind, name, aliases and description; with
 * @still (may be NULL) the still becomes its first reference image and,
 * with @scene, the entry joins the scene's cast.  @done (may be NULL) runs
 * after an entry was created. */
void          heyai_bible_new_entry_dialog (GtkWidget      *parent,
                                            HeyaiProject   *project,
                                            HeyaiScene     *scene,
                                            HeyaiAsset     *still,
                                            GCallback       done,
                                            gpointer        done_data);
/* Creates the entry (what the dialog does on "Create"); returns it, or
 * NULL with @error set. */
HeyaiBibleEntry *heyai_bible_create_entry  (HeyaiStore     *store,
                                            const char     *data_dir,
                                            HeyaiProject   *project,
                                            HeyaiScene     *scene,
                                            HeyaiAsset     *still,
                                            HeyaiBibleKind  kind,
                                            const char     *name,
                                            const char     *aliases,
                                            const char     *description,
                                            GError        **error);

G_END_DECLS
