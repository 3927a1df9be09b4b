/* heyai-cli-sync.c: `heyai sync`, the library across computers.
 *
 *   heyai sync                      merge the other computers' changes, upload ours
 *   heyai sync --conflicts [--all]  list the edits that lost against another computer's
 *   heyai sync --use-other ID       put the other computer's value back (a new edit)
 *   heyai sync --dismiss ID         keep the current value, mark the conflict resolved
 *
 * The remote: Google Drive with --storage gdrive (or HEYAI_STORAGE=gdrive),
 * else the folder $HEYAI_SYNC_FOLDER or the local tree root.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "heyai-cli-private.h"
#include "heyai-providers.h"
#include "heyai-sync.h"

typedef struct
{
  GMainLoop       *loop;
  HeyaiSyncReport *report;
  GError          *error;
  gboolean         interactive;
} SyncCliRun;

static void
on_progress (const char *step,
             double      fraction,
             gpointer    user_data)
{
  SyncCliRun *run = user_data;

  if (run->interactive && step != NULL)
    g_printerr ("\r\033[K%3d%%  %s", (int) (fraction * 100 + 0.5), step);
}

static void
on_synced (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SyncCliRun *run = user_data;

  run->report = heyai_sync_run_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

static int
list_conflicts (HeyaiStore *store,
                gboolean    all)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = heyai_sync_list_conflicts (store, NULL, all, &error);

  if (conflicts == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (conflicts->len == 0)
    {
      g_print ("%s\n", all ? _("No sync conflicts.") : _("No open sync conflicts."));
      return HEYAI_EXIT_OK;
    }

  for (guint i = 0; i < conflicts->len; i++)
    {
      HeyaiSyncConflict *c = g_ptr_array_index (conflicts, i);

      g_print ("%.8s  %s%s — %s\n", c->id, c->label != NULL ? c->label : c->row_id,
               c->resolved ? _(" (resolved)") : "", c->field);
      g_print (_("          kept:  %s  (computer %s)\n"),
               c->winning_value != NULL ? c->winning_value : "", c->winning_device != NULL ? c->winning_device : "?");
      g_print (_("          other: %s  (computer %s)\n"),
               c->losing_value != NULL ? c->losing_value : "", c->losing_device != NULL ? c->losing_device : "?");
    }

  return HEYAI_EXIT_OK;
}

/* A full id or a unique prefix (>= 4 characters). */
static char *
find_conflict_id (HeyaiStore  *store,
                  const char  *ref,
                  GError     **error)
{
  g_autoptr(GPtrArray) conflicts = heyai_sync_list_conflicts (store, NULL, TRUE, error);
  const char *found = NULL;

  if (conflicts == NULL)
    return NULL;

  for (guint i = 0; i < conflicts->len; i++)
    {
      HeyaiSyncConflict *c = g_ptr_array_index (conflicts, i);

      if (g_str_equal (c->id, ref))
        return g_strdup (c->id);
      if (strlen (ref) >= 4 && g_str_has_prefix (c->id, ref))
        {
          if (found != NULL)
            {
              g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                           _("“%s” matches several conflicts: give more of the id."), ref);
              return NULL;
            }
          found = c->id;
        }
    }

  if (found == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                   _("No sync conflict “%s”. “heyai sync --conflicts” lists them."), ref);
      return NULL;
    }

  return g_strdup (found);
}

int
heyai_cli_sync (HeyaiCli  *cli,
                int        argc,
                char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiSyncRemote) remote = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *use_other = NULL;
  g_autofree char *dismiss = NULL;
  g_autofree char *summary = NULL;
  gboolean show_conflicts = FALSE;
  gboolean all = FALSE;
  SyncCliRun run = { 0 };
  HeyaiStore *store;
  guint sigint_id, sigterm_id;
  GOptionEntry entries[] = {
    { "conflicts", 0, 0, G_OPTION_ARG_NONE, &show_conflicts,
      N_("List the edits that lost against another computer’s"), NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("With --conflicts: also the resolved ones"), NULL },
    { "use-other", 0, 0, G_OPTION_ARG_STRING, &use_other,
      N_("Put the other computer’s value of a conflict back"), N_("ID") },
    { "dismiss", 0, 0, G_OPTION_ARG_STRING, &dismiss,
      N_("Keep the current value of a conflict and mark it resolved"), N_("ID") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Merges the other computers’ changes into this library and uploads "
                                  "this computer’s library to the sync folder (Google Drive with "
                                  "--storage gdrive)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;

  if (argc > 1)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("“sync” takes no arguments (see heyai sync --help)."));
  if ((use_other != NULL) + (dismiss != NULL) + (show_conflicts != FALSE) > 1)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Use one of --conflicts, --use-other and --dismiss."));

  store = heyai_cli_open_store (cli, &error);
  if (store == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (show_conflicts)
    return list_conflicts (store, all);

  if (use_other != NULL || dismiss != NULL)
    {
      g_autofree char *id = find_conflict_id (store, use_other != NULL ? use_other : dismiss, &error);

      if (id == NULL)
        return heyai_cli_fail (g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_DATABASE)
                               ? HEYAI_EXIT_FAILED : HEYAI_EXIT_USAGE, "%s", error->message);
      if (!heyai_sync_resolve_conflict (store, id,
                                        use_other != NULL ? HEYAI_SYNC_USE_OTHER_VALUE : HEYAI_SYNC_KEEP_WINNER,
                                        &error))
        return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      g_print ("%s\n", use_other != NULL ? _("The other computer’s value is back; it syncs with the next sync.")
                                         : _("Conflict dismissed."));
      return HEYAI_EXIT_OK;
    }

  remote = heyai_sync_remote_for_storage (heyai_provider_resolve_name (HEYAI_ROLE_STORAGE, cli->storage, NULL),
                                          cli->data_dir, store, &error);
  if (remote == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  cancellable = g_cancellable_new ();
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.interactive = cli->interactive;

  sigint_id = g_unix_signal_add (SIGINT, on_signal, cancellable);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, cancellable);

  heyai_sync_run_async (store, remote, cancellable, on_progress, &run, NULL, on_synced, &run);
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (run.interactive)
    g_printerr ("\r\033[K");

  if (run.report == NULL)
    {
      int code = heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", run.error->message);

      g_clear_error (&run.error);
      return code;
    }

  summary = heyai_sync_report_describe (run.report);
  g_print ("%s\n", summary);
  heyai_sync_report_free (run.report);

  return HEYAI_EXIT_OK;
}
