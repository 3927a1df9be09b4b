/* heyai-cli-ledger.c: `heyai ledger [P] [--json]`, the paid requests.
 *
 * Every paid provider request (script analysis, still, clip) with its
 * provider, remote id, scene, kind, state and cost: what was paid for, and
 * what is still to be collected or in doubt.  --json prints an array of
 * objects with at least provider, remote_id, scene, kind, state, cost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "heyai-cli-private.h"

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static int
scene_position (HeyaiStore *store,
                const char *scene_id)
{
  g_autoptr(HeyaiScene) scene = NULL;

  if (scene_id == NULL)
    return 0;
  scene = heyai_store_get_scene (store, scene_id, NULL);
  return scene != NULL ? heyai_scene_get_position (scene) : 0;
}

/* What a request cost, or would have: the actual cost once known. */
static double
request_cost (HeyaiRequest *r)
{
  return r->cost > 0 ? r->cost : r->estimated_cost;
}

int
heyai_cli_ledger (HeyaiCli  *cli,
                  int        argc,
                  char     **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(HeyaiProject) project = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = HEYAI_EXIT_OK;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print [{\"provider\",\"remote_id\",\"scene\",\"kind\",\"state\",\"cost\",…}]"), NULL },
    { NULL }
  };

  context = heyai_cli_context_new ("ledger", _("[P]"),
                                   _("Lists the paid requests (all projects, or project P): provider, remote id, "
                                     "scene, kind, state and cost."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!heyai_cli_parse (context, &argc, &argv))
    return HEYAI_EXIT_USAGE;
  if (argc > 2)
    return heyai_cli_fail (HEYAI_EXIT_USAGE, _("Give one project at most (see “heyai list”)"));

  if (argc == 2)
    {
      project = heyai_cli_load_project (cli, argv[1], &exit_code);
      if (project == NULL)
        return exit_code;
    }
  else if (heyai_cli_open_store (cli, &error) == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  requests = heyai_store_list_requests (cli->store, project ? heyai_project_get_id (project) : NULL, &error);
  if (requests == NULL)
    return heyai_cli_fail (HEYAI_EXIT_FAILED, "%s", error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < requests->len; i++)
        {
          HeyaiRequest *r = g_ptr_array_index (requests, i);
          int position = scene_position (cli->store, r->scene_id);

          json_builder_begin_object (builder);
          add_string (builder, "id", r->id);
          add_string (builder, "project", r->project_id);
          add_string (builder, "provider", r->provider);
          add_string (builder, "model", r->model);
          add_string (builder, "remote_id", r->remote_id);
          json_builder_set_member_name (builder, "scene");
          if (position > 0)
            json_builder_add_int_value (builder, position);
          else
            json_builder_add_null_value (builder);
          add_string (builder, "kind", r->kind);
          json_builder_set_member_name (builder, "take");
          json_builder_add_int_value (builder, r->take);
          add_string (builder, "state", heyai_request_state_to_string (r->state));
          json_builder_set_member_name (builder, "cost");
          json_builder_add_double_value (builder, request_cost (r));
          json_builder_set_member_name (builder, "estimated_cost");
          json_builder_add_double_value (builder, r->estimated_cost);
          json_builder_set_member_name (builder, "explicit");
          json_builder_add_boolean_value (builder, r->explicit_ask);
          add_string (builder, "idempotency_key", r->idempotency_key);
          add_string (builder, "last_error", r->last_error);
          json_builder_set_member_name (builder, "created_at");
          json_builder_add_int_value (builder, r->created_at / G_USEC_PER_SEC);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, TRUE);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      return HEYAI_EXIT_OK;
    }

  if (requests->len == 0)
    {
      g_print ("%s\n", _("No paid requests yet."));
      return HEYAI_EXIT_OK;
    }

  {
    g_autoptr(GString) out = g_string_new (NULL);
    double total = 0;

    for (guint i = 0; i < requests->len; i++)
      {
        HeyaiRequest *r = g_ptr_array_index (requests, i);
        int position = scene_position (cli->store, r->scene_id);
        g_autofree char *scene = position > 0 ? g_strdup_printf (_("scene %d"), position) : g_strdup (_("script"));
        g_autofree char *cost = g_strdup_printf ("$%.2f", request_cost (r));

        heyai_cli_print_cell (out, scene, 10);
        heyai_cli_print_cell (out, r->kind, 8);
        heyai_cli_print_cell (out, r->provider, 12);
        heyai_cli_print_cell (out, heyai_request_state_to_string (r->state), 11);
        heyai_cli_print_cell (out, cost, 8);
        g_string_append (out, r->remote_id != NULL ? r->remote_id : "-");
        g_string_append_c (out, '\n');
        if (r->state == HEYAI_REQUEST_UNKNOWN && r->last_error != NULL)
          g_string_append_printf (out, "    %s\n", r->last_error);
        if (r->state != HEYAI_REQUEST_FAILED && r->state != HEYAI_REQUEST_REFUSED)
          total += request_cost (r);
      }
    g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "%u request, about $%.2f paid or in doubt\n",
                                              "%u requests, about $%.2f paid or in doubt\n", requests->len),
                            requests->len, total);
    g_print ("%s", out->str);
  }
  return HEYAI_EXIT_OK;
}
