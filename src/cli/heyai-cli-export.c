/* heyai-cli-export.c: placeholder until the export engineer's command lands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "heyai-cli.h"

int
heyai_cli_export (HeyaiCli  *cli,
              int        argc,
              char     **argv)
{
  return heyai_cli_fail (HEYAI_EXIT_FAILED, _("“export” is not available yet"));
}
