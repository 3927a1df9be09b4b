/* heyai-cli-private.h: the commands of `heyai` and helpers they share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-cli.h"

G_BEGIN_DECLS

/* The database file under the data dir (shared with the window). */
#define HEYAI_CLI_DB_NAME "heyai.db"

char *heyai_cli_db_path         (HeyaiCli    *cli);
/* Opens the store and finds @ref; on failure prints the error and returns
 * NULL with *exit_code set (unknown project: usage error). */
HeyaiProject *heyai_cli_load_project (HeyaiCli   *cli,
                                      const char *ref,
                                      int        *exit_code);
/* The preamble most commands share: parses @argv with @context, checks that
 * it holds @n_args words (the command, the project, ...), then loads the
 * project named by the first argument.  On failure prints the error
 * (@usage for a wrong count) and returns NULL with *exit_code set. */
HeyaiProject *heyai_cli_parse_project (HeyaiCli         *cli,
                                       GOptionContext   *context,
                                       int              *argc,
                                       char           ***argv,
                                       int               n_args,
                                       const char       *usage,
                                       int              *exit_code);
/* Sets the prgname to "heyai <command>" so --help shows the right usage. */
GOptionContext *heyai_cli_context_new (const char *command,
                                       const char *parameter_string,
                                       const char *summary);
/* Prints @text padded (or cut with "…") to @width characters. */
void  heyai_cli_print_cell      (GString    *out,
                                 const char *text,
                                 guint       width);

/* heyai-cli-project.c */
int heyai_cli_new     (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_list    (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_show    (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_status  (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_approve (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_reject  (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_cancel  (HeyaiCli *cli, int argc, char **argv);

/* heyai-cli-timeline.c */
int heyai_cli_note            (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_import_timeline (HeyaiCli *cli, int argc, char **argv);

/* heyai-cli-run.c */
int heyai_cli_analyze (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_images  (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_animate (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_run     (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_collect (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_retry   (HeyaiCli *cli, int argc, char **argv);

/* heyai-cli-revise.c */
int heyai_cli_select  (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_script  (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_scenes  (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_restore (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_delete  (HeyaiCli *cli, int argc, char **argv);

/* heyai-cli-import.c */
int heyai_cli_import  (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_spending (HeyaiCli *cli, int argc, char **argv);  /* heyai-cli-spending.c */
/* heyai-cli-bible.c */
int heyai_cli_bible   (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_cast    (HeyaiCli *cli, int argc, char **argv);
int heyai_cli_continue (HeyaiCli *cli, int argc, char **argv);

G_END_DECLS
