/* heyai-fake-server.c: the fakes as a standalone program, for out-of-process
 * tests (the CLI):
 *
 *   heyai-fake-server [--services openai,anthropic,higgsfield,kling,google|all]
 *                     [--port N] [--fault TARGET:KIND[:COUNT]]...
 *                     [--option KEY=VALUE]... [--exit-on-eof]
 *
 * Once listening it prints NAME=VALUE lines (HEYAI_FAKE_URL and every
 * variable the installed services declare: base URLs, and for google the
 * client id/secret and refresh token it accepts), then "READY", and serves until
 * SIGTERM/SIGINT (or stdin's end with --exit-on-eof).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <stdlib.h>

#include "heyai-fake.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
stdin_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_main_loop_quit (user_data);
      return;
    }
  g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 4096, G_PRIORITY_DEFAULT, NULL,
                                   stdin_read_cb, user_data);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HeyaiFake) fake = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autofree char *services = NULL;
  g_auto(GStrv) faults = NULL;
  g_auto(GStrv) options = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) env = NULL;
  gboolean exit_on_eof = FALSE;
  int port = 0;
  GOptionEntry entries[] = {
    { "services", 's', 0, G_OPTION_ARG_STRING, &services, "Services to fake (comma-separated, or all)", "LIST" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port to listen on (0: any free port)", "N" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &faults, "Queue a fault", "TARGET:KIND[:COUNT]" },
    { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &options, "Set a service option", "KEY=VALUE" },
    { "exit-on-eof", 0, 0, G_OPTION_ARG_NONE, &exit_on_eof, "Exit when stdin closes", NULL },
    { NULL }
  };

  context = g_option_context_new ("- fake HeyAI remote services on 127.0.0.1");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("heyai-fake-server: %s\n", error->message);
      return 2;
    }

  fake = heyai_fake_new ();
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (options[i], "=", 2);

      if (kv[0] == NULL || kv[1] == NULL)
        {
          g_printerr ("heyai-fake-server: bad option “%s” (KEY=VALUE)\n", options[i]);
          return 2;
        }
      heyai_fake_set_option (fake, kv[0], kv[1]);
    }

  names = g_strsplit (services != NULL ? services : "all", ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_strstrip (names[i]);
      if (names[i][0] != '\0' && !heyai_fake_install (fake, names[i], &error))
        {
          g_printerr ("heyai-fake-server: %s\n", error->message);
          return 2;
        }
    }

  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    if (!heyai_fake_add_fault_from_string (fake, faults[i], &error))
      {
        g_printerr ("heyai-fake-server: %s\n", error->message);
        return 2;
      }

  if (port < 0 || port > 65535 || !heyai_fake_start (fake, (guint) port, &error))
    {
      g_printerr ("heyai-fake-server: cannot listen: %s\n",
                  error != NULL ? error->message : "bad port");
      return 1;
    }

  env = heyai_fake_dup_env (fake);
  for (guint i = 0; env[i] != NULL; i++)
    printf ("%s\n", env[i]);
  printf ("READY\n");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  if (exit_on_eof)
    {
      in = g_unix_input_stream_new (0, FALSE);
      g_input_stream_read_bytes_async (in, 4096, G_PRIORITY_DEFAULT, NULL, stdin_read_cb, loop);
    }
  g_main_loop_run (loop);

  heyai_fake_stop (fake);
  return 0;
}
