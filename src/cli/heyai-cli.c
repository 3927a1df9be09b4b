/* heyai-cli.c: `heyai`, the command-line front end: global options, the
 * command table, and the helpers every command shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "heyai-secrets.h"
#include "heyai-cli-private.h"
#include "heyai-provider-descriptors.h"

typedef struct
{
  const char      *name;
  HeyaiCliCommand  func;
  const char      *summary;
} Command;

static const Command commands[] = {
  { "new",     heyai_cli_new,     N_("Start a project from a script file (or - to read it from standard input)") },
  { "list",    heyai_cli_list,    N_("List your projects") },
  { "show",    heyai_cli_show,    N_("Show a project and its scenes") },
  { "analyze", heyai_cli_analyze, N_("Split the script into scenes") },
  { "images",  heyai_cli_images,  N_("Make a still for each scene that has none (or a new take of one scene)") },
  { "approve", heyai_cli_approve, N_("Approve stills so they can be animated") },
  { "reject",  heyai_cli_reject,  N_("Reject stills") },
  { "animate", heyai_cli_animate, N_("Turn each approved still into a clip") },
  { "import",  heyai_cli_import,  N_("Add your own still or clip to a scene as a new take") },
  { "run",     heyai_cli_run,     N_("Do it all: scenes, stills, then clips") },
  { "status",  heyai_cli_status,  N_("Where each scene stands (--json for scripts)") },
  { "cancel",  heyai_cli_cancel,  N_("Stop the work running on a project") },
  { "export",  heyai_cli_export,  N_("Export the package for the editor") },
  { "note",    heyai_cli_note,    N_("Set a scene’s note for the editor (a marker in the timelines)") },
  { "import-timeline", heyai_cli_import_timeline, N_("Bring the editor’s cut back: order, lengths, notes") },
  { "sync",    heyai_cli_sync,    N_("Sync your projects with Google Drive") },
  { "ledger",  heyai_cli_ledger,  N_("The paid requests of a project (or all), --json for scripts") },
  { "retry",   heyai_cli_retry,   N_("Try again the step of a scene that failed (a failed clip: only the clip)") },
  { "select",  heyai_cli_select,  N_("Use another take of a scene’s still or clip") },
  { "script",  heyai_cli_script,  N_("Store a new draft of the script (then analyze: unchanged scenes keep their work)") },
  { "spending", heyai_cli_spending, N_("Spend this month per provider and project, and the budget left (--json)") },
  { "bible",   heyai_cli_bible,   N_("The reference bible: characters, locations, props (add, list)") },
  { "cast",    heyai_cli_cast,    N_("Show or change the bible entries in a scene (+NAME, -NAME)") },
  { "continue", heyai_cli_continue, N_("Make a scene’s still from the last frame of the previous scene’s clip (on|off)") },
  { "collect", heyai_cli_collect, N_("Collect the stills and clips already paid for (after a cancel), paying nothing new") },
  { "scenes",  heyai_cli_scenes,  N_("List the scenes (--removed: those a new draft of the script removed)") },
  { "restore", heyai_cli_restore, N_("Bring back a scene a new draft of the script removed, with its takes") },
  { "delete",  heyai_cli_delete,  N_("Stop a project’s work and delete it from the library") },
};

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                         */

int
heyai_cli_fail (int         code,
                const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fflush (stdout);
  fprintf (stderr, "heyai: %s\n", message);
  return code;
}

/* The global options (heyai_cli_main's), which come before the command. */
static const GOptionEntry *global_entries;

/* The global option that @arg ("--image-jobs", "--image-jobs=1") names, or
 * NULL. */
static const GOptionEntry *
global_entry_of (const char *arg)
{
  if (global_entries == NULL || !g_str_has_prefix (arg, "--"))
    return NULL;
  for (const GOptionEntry *e = global_entries; e->long_name != NULL; e++)
    {
      gsize len = strlen (e->long_name);

      if (strncmp (arg + 2, e->long_name, len) == 0 && (arg[2 + len] == '\0' || arg[2 + len] == '='))
        return e;
    }
  return NULL;
}

static void
append_word (GString    *line,
             const char *word)
{
  g_string_append_c (line, ' ');
  if (*word != '\0' && strspn (word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.,:/+@%") ==
      strlen (word))
    g_string_append (line, word);
  else
    {
      g_autofree char *quoted = g_shell_quote (word);

      g_string_append (line, quoted);
    }
}

/* @message is the parse error of a command's @args: when the unknown option
 * it names is a global one, given after the command, says where it goes
 * (the command's --help does not list it) and returns TRUE. */
static gboolean
fail_global_option (char       **args,
                    const char  *message)
{
  for (guint i = 1; args[0] != NULL && args[i] != NULL && !g_str_equal (args[i], "--"); i++)
    {
      const GOptionEntry *entry = global_entry_of (args[i]);
      g_autoptr(GString) line = NULL;
      guint skip_to = i;

      if (entry == NULL || strstr (message, args[i]) == NULL)
        continue;

      /* The same command line with the option (and its value) moved. */
      line = g_string_new ("heyai");
      append_word (line, args[i]);
      if (entry->arg != G_OPTION_ARG_NONE && strchr (args[i], '=') == NULL && args[i + 1] != NULL)
        append_word (line, args[skip_to = i + 1]);
      append_word (line, args[0]);
      for (guint j = 1; args[j] != NULL; j++)
        if (j < i || j > skip_to)
          append_word (line, args[j]);

      heyai_cli_fail (HEYAI_EXIT_USAGE, _("--%s is a global option: put it before the command, as in “%s”"),
                      entry->long_name, line->str);
      return TRUE;
    }
  return FALSE;
}

gboolean
heyai_cli_parse (GOptionContext   *context,
                 int              *argc,
                 char           ***argv)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_strdupv (*argv);   /* as given: parsing moves them */

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      if (!g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION) ||
          !fail_global_option (args, error->message))
        heyai_cli_fail (HEYAI_EXIT_USAGE, _("%s (see “%s --help”)"), error->message, g_get_prgname ());
      return FALSE;
    }

  return TRUE;
}

GOptionContext *
heyai_cli_context_new (const char *command,
                       const char *parameter_string,
                       const char *summary)
{
  g_autofree char *prgname = g_strdup_printf ("heyai %s", command);
  GOptionContext *context;

  g_set_prgname (prgname);
  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);

  return context;
}

char *
heyai_cli_db_path (HeyaiCli *cli)
{
  return g_build_filename (cli->data_dir, HEYAI_CLI_DB_NAME, NULL);
}

/* The command being run (set by main), and the ones that only read: they
 * still work on a damaged library, which the store opens read-only. */
static const char *current_command;
static const char * const reading_commands[] = { "list", "show", "status", "export", "ledger", "scenes", NULL };

HeyaiStore *
heyai_cli_open_store (HeyaiCli  *cli,
                      GError   **error)
{
  g_autofree char *path = NULL;

  if (cli->store != NULL)
    return cli->store;

  path = heyai_cli_db_path (cli);
  cli->store = heyai_store_new (path, error);

  if (cli->store != NULL && heyai_store_get_read_only (cli->store))
    {
      if (current_command != NULL && !g_strv_contains (reading_commands, current_command))
        {
          /* Refused before anything is written: the caller prints why. */
          heyai_store_check_writable (cli->store, error);
          g_clear_object (&cli->store);
          return NULL;
        }
      fflush (stdout);
      g_printerr ("heyai: %s\n", heyai_store_get_read_only_reason (cli->store));
    }

  return cli->store;
}

HeyaiProject *
heyai_cli_find_project (HeyaiCli    *cli,
                        const char  *ref,
                        GError     **error)
{
  HeyaiStore *store = heyai_cli_open_store (cli, error);

  if (store == NULL)
    return NULL;

  return heyai_store_find_project (store, ref, error);
}

HeyaiProject *
heyai_cli_load_project (HeyaiCli   *cli,
                        const char *ref,
                        int        *exit_code)
{
  g_autoptr(GError) error = NULL;
  HeyaiProject *project;

  if (heyai_cli_open_store (cli, &error) == NULL)
    {
      *exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      return NULL;
    }

  project = heyai_store_find_project (cli->store, ref, &error);
  if (project == NULL)
    {
      if (error == NULL || g_error_matches (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND))
        *exit_code = heyai_cli_fail (HEYAI_EXIT_USAGE,
                                     _("No project “%s”. “heyai list” shows your projects."), ref);
      else
        *exit_code = heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);
      return NULL;
    }

  return project;
}

HeyaiProject *
heyai_cli_parse_project (HeyaiCli         *cli,
                         GOptionContext   *context,
                         int              *argc,
                         char           ***argv,
                         int               n_args,
                         const char       *usage,
                         int              *exit_code)
{
  g_assert (n_args >= 2);

  if (!heyai_cli_parse (context, argc, argv))
    {
      *exit_code = HEYAI_EXIT_USAGE;
      return NULL;
    }
  if (*argc != n_args)
    {
      *exit_code = heyai_cli_fail (HEYAI_EXIT_USAGE, "%s", usage);
      return NULL;
    }
  return heyai_cli_load_project (cli, (*argv)[1], exit_code);
}

void
heyai_cli_print_cell (GString    *out,
                      const char *text,
                      guint       width)
{
  glong len;

  if (text == NULL)
    text = "";

  len = g_utf8_strlen (text, -1);
  if ((guint) len > width && width > 1)
    {
      const char *end = g_utf8_offset_to_pointer (text, width - 1);
      g_string_append_len (out, text, end - text);
      g_string_append (out, "…");
    }
  else
    {
      g_string_append (out, text);
      for (guint i = len; i < width; i++)
        g_string_append_c (out, ' ');
    }
}

/* ---------------------------------------------------------------------- */
/* main                                                                   */

static char *
commands_description (void)
{
  GString *text = g_string_new (_("Commands:"));

  g_string_append_c (text, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_string_append (text, "  ");
      heyai_cli_print_cell (text, commands[i].name, 17);
      g_string_append_printf (text, "%s\n", _(commands[i].summary));
    }
  g_string_append_c (text, '\n');
  g_string_append (text, _("P is a project: its number, its id, or the start of its id (see “heyai list”).\n"
                           "Run “heyai COMMAND --help” for the options of a command.\n"
                           "Exit status: 0 done, 1 the work failed, 2 wrong command line or unknown project."));

  return g_string_free (text, FALSE);
}

static void
cli_clear (HeyaiCli *cli)
{
  g_clear_pointer (&cli->data_dir, g_free);
  g_clear_pointer (&cli->llm, g_free);
  g_clear_pointer (&cli->imager, g_free);
  g_clear_pointer (&cli->animator, g_free);
  g_clear_pointer (&cli->storage, g_free);
  g_clear_object (&cli->store);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *description = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  HeyaiCli cli = { 0 };
  gboolean version = FALSE;
  const Command *command = NULL;
  int jobs[4] = { 0 };
  g_autofree char *budget = NULL;
  g_autofree char *monthly = NULL;
  g_autofree char *llm_help = NULL;
  g_autofree char *imager_help = NULL;
  g_autofree char *animator_help = NULL;
  g_autofree char *storage_help = NULL;
  int status;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Where the database and the local project folders live (default: $HEYAI_DATA_DIR or ~/.local/share/heyai-studio)"), N_("DIR") },
    { "llm", 0, 0, G_OPTION_ARG_STRING, &cli.llm,
      NULL /* from the descriptors */, N_("NAME") },
    { "imager", 0, 0, G_OPTION_ARG_STRING, &cli.imager,
      NULL, N_("NAME") },
    { "animator", 0, 0, G_OPTION_ARG_STRING, &cli.animator,
      NULL, N_("NAME") },
    { "storage", 0, 0, G_OPTION_ARG_STRING, &cli.storage,
      NULL, N_("NAME") },
    { "llm-jobs", 0, 0, G_OPTION_ARG_INT, &jobs[HEYAI_ROLE_LLM],
      N_("Script analyses at the same time"), N_("N") },
    { "image-jobs", 0, 0, G_OPTION_ARG_INT, &jobs[HEYAI_ROLE_IMAGER],
      N_("Stills made at the same time (default 4)"), N_("N") },
    { "clip-jobs", 0, 0, G_OPTION_ARG_INT, &jobs[HEYAI_ROLE_ANIMATOR],
      N_("Clips made at the same time (default 2; offline: one per processor)"), N_("N") },
    { "upload-jobs", 0, 0, G_OPTION_ARG_INT, &jobs[HEYAI_ROLE_STORAGE],
      N_("Uploads at the same time (default 4)"), N_("N") },
    { "budget", 0, 0, G_OPTION_ARG_STRING, &budget,
      N_("Stop a batch before it spends more than this many US dollars (0: no cap; default: the setting)"), N_("USD") },
    { "monthly-budget", 0, 0, G_OPTION_ARG_STRING, &monthly,
      N_("Start no batch that would take this month’s spending over this many US dollars (0: none; default: the setting)"), N_("USD") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  /* Keys will sit in memory: no core dumps.  Logs (G_MESSAGES_DEBUG...) go
   * to stderr so `id=$(heyai new …)` captures only what is printed. */
  heyai_secrets_protect_process ();
  g_log_writer_default_set_use_stderr (TRUE);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, heyai_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("heyai");

  context = g_option_context_new (_("COMMAND [ARGUMENTS…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Turn a trailer script into an editor-ready set of AI-generated clips."));
  description = commands_description ();
  g_option_context_set_description (context, description);
  /* The provider flags list the names the descriptor table knows. */
  {
    g_autofree char *llms = heyai_provider_describe_choices (HEYAI_ROLE_LLM);
    g_autofree char *imagers = heyai_provider_describe_choices (HEYAI_ROLE_IMAGER);
    g_autofree char *animators = heyai_provider_describe_choices (HEYAI_ROLE_ANIMATOR);
    g_autofree char *storages = heyai_provider_describe_choices (HEYAI_ROLE_STORAGE);

    llm_help = g_strdup_printf (_("Script analysis: %s"), llms);
    imager_help = g_strdup_printf (_("Stills: %s"), imagers);
    animator_help = g_strdup_printf (_("Clips: %s"), animators);
    storage_help = g_strdup_printf (_("Where files go: %s"), storages);
  }
  for (GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      if (g_str_equal (e->long_name, "llm"))
        e->description = llm_help;
      else if (g_str_equal (e->long_name, "imager"))
        e->description = imager_help;
      else if (g_str_equal (e->long_name, "animator"))
        e->description = animator_help;
      else if (g_str_equal (e->long_name, "storage"))
        e->description = storage_help;
    }
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  global_entries = entries;   /* for the commands' parse errors */
  /* Global options come before the command; the rest belongs to it. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      status = heyai_cli_fail (HEYAI_EXIT_USAGE, _("%s (see “heyai --help”)"), error->message);
      goto out;
    }

  if (version)
    {
      g_print ("heyai %s\n", PACKAGE_VERSION);
      status = HEYAI_EXIT_OK;
      goto out;
    }

  if (argc < 2)
    {
      status = heyai_cli_fail (HEYAI_EXIT_USAGE, _("No command given (see “heyai --help”)"));
      goto out;
    }

  if (g_str_equal (argv[1], "help"))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_print ("%s", help);
      status = HEYAI_EXIT_OK;
      goto out;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      command = &commands[i];

  if (command == NULL)
    {
      status = heyai_cli_fail (HEYAI_EXIT_USAGE, _("Unknown command “%s” (see “heyai --help”)"), argv[1]);
      goto out;
    }

  for (guint role = 0; role < 4; role++)
    {
      if (jobs[role] < 0 || jobs[role] > 64)
        {
          status = heyai_cli_fail (HEYAI_EXIT_USAGE, _("A number of jobs must be between 1 and 64"));
          goto out;
        }
      cli.concurrency[role] = jobs[role];
    }

  cli.budget = -1;
  if (budget != NULL)
    {
      char *end = NULL;

      cli.budget = g_ascii_strtod (budget, &end);
      if (end == budget || *end != '\0' || !(cli.budget >= 0) || cli.budget > 1e9)
        {
          status = heyai_cli_fail (HEYAI_EXIT_USAGE, _("The budget must be an amount in US dollars, such as 5 or 2.50"));
          goto out;
        }
    }
  cli.monthly_budget = -1;
  if (monthly != NULL)
    {
      char *end = NULL;

      cli.monthly_budget = g_ascii_strtod (monthly, &end);
      if (end == monthly || *end != '\0' || !(cli.monthly_budget >= 0) || cli.monthly_budget > 1e9)
        {
          status = heyai_cli_fail (HEYAI_EXIT_USAGE, _("The budget must be an amount in US dollars, such as 5 or 2.50"));
          goto out;
        }
    }

  if (data_dir == NULL)
    data_dir = heyai_default_data_dir ();
  cli.data_dir = g_canonicalize_filename (data_dir, NULL);
  cli.interactive = isatty (STDERR_FILENO);

  {
    g_autofree char *prgname = g_strdup_printf ("heyai %s", command->name);
    g_set_prgname (prgname);
  }

  current_command = command->name;
  status = command->func (&cli, argc - 1, argv + 1);

out:
  global_entries = NULL;
  cli_clear (&cli);
  return status;
}
