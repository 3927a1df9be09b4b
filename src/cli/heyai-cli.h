/* heyai-cli.h: shared state of the `heyai` command-line tool.
 *
 * Every command is `int heyai_cli_<name> (HeyaiCli *cli, int argc, char **argv)`
 * with its own GOptionContext (so `heyai <command> --help` works), and returns
 * one of the HEYAI_EXIT_* codes.  Errors go to stderr; progress is drawn only
 * when stderr is a terminal (cli->interactive).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "heyai-core.h"

G_BEGIN_DECLS

enum
{
  HEYAI_EXIT_OK     = 0,  /* success */
  HEYAI_EXIT_FAILED = 1,  /* the work failed (a scene, a provider, the disk, ...) */
  HEYAI_EXIT_USAGE  = 2,  /* bad command line, unknown project */
};

typedef struct
{
  char       *data_dir;           /* --data-dir, $HEYAI_DATA_DIR, or the default */
  char       *llm;                /* --llm etc.: NULL when not given on the command line */
  char       *imager;
  char       *animator;
  char       *storage;
  int         concurrency[4];     /* per HeyaiRole; 0 = pipeline default */
  double      budget;             /* --budget USD; < 0 when not given (the setting applies) */
  double      monthly_budget;     /* --monthly-budget USD; < 0 when not given (the setting applies) */
  gboolean    interactive;        /* stderr is a terminal: draw progress */
  HeyaiStore *store;              /* opened by heyai_cli_open_store() */
} HeyaiCli;

typedef int (*HeyaiCliCommand) (HeyaiCli *cli, int argc, char **argv);

/* Opens (once) the store under cli->data_dir; prints nothing. */
HeyaiStore   *heyai_cli_open_store   (HeyaiCli    *cli,
                                      GError     **error);
/* Looks a project up by id, id prefix or number. */
HeyaiProject *heyai_cli_find_project (HeyaiCli    *cli,
                                      const char  *ref,
                                      GError     **error);
/* Prints "heyai: <message>" to stderr and returns @code. */
int           heyai_cli_fail         (int          code,
                                      const char  *format,
                                      ...) G_GNUC_PRINTF (2, 3);
/* Parses @argc/@argv with @context; on error prints it with a hint to use --help
 * and returns FALSE (the caller returns HEYAI_EXIT_USAGE). */
gboolean      heyai_cli_parse        (GOptionContext *context,
                                      int            *argc,
                                      char         ***argv);

int heyai_cli_export (HeyaiCli *cli, int argc, char **argv);  /* heyai-cli-export.c */
int heyai_cli_sync   (HeyaiCli *cli, int argc, char **argv);  /* heyai-cli-sync.c */
int heyai_cli_ledger (HeyaiCli *cli, int argc, char **argv);  /* heyai-cli-ledger.c */

G_END_DECLS
