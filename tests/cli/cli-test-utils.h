/* cli-test-utils.h: what the CLI tests share to run the built `heyai`
 * binary as a child: its path, a scratch directory's removal, the
 * heyai-fake-server's start and counters, and the child's environment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The heyai binary (main() sets it from its arguments). */
extern const char *cli_heyai_path;

/* The heyai-fake-server child and the "NAME=VALUE" lines it printed
 * (base URLs, fast polling) up to READY. */
typedef struct
{
  GSubprocess *proc;
  GPtrArray   *env;
  char        *url;   /* HEYAI_FAKE_URL */
} CliFake;

void     cli_test_init  (int               *argc,
                         char            ***argv);
void     cli_rm_rf      (const char        *path);
char    *cli_file_sum   (const char        *path);

gboolean cli_fake_start (CliFake           *fake,
                         const char        *services,
                         const char *const *extra);
void     cli_fake_stop  (CliFake           *fake);
JsonObject *cli_fake_stats (const char    *url,
                            JsonParser    *parser);
gint64   cli_fake_counter (const char      *url,
                           const char      *name);
gint64   cli_fake_sum   (const char        *url,
                         const char        *prefix);

GSubprocessLauncher *cli_launcher_new (const char       *data_dir,
                                       GPtrArray        *fake_env,
                                       GSubprocessFlags  flags);
GSubprocess *cli_spawn (GSubprocessLauncher *launcher,
                        const char *const   *args);
int      cli_run        (GSubprocessLauncher *launcher,
                         const char          *input,
                         const char *const   *args,
                         char               **out,
                         char               **err);

int      cli_run_merged (GSubprocessLauncher *launcher,
                         const char *const   *args,
                         char               **out);

G_END_DECLS
