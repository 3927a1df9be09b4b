/* heyai-export-csv.c: shotlist.csv (RFC 4180: CRLF line ends, fields with
 * comma, quote, CR or LF quoted, quotes doubled; UTF-8 without BOM).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-export-private.h"

static void
append_field (GString    *out,
              const char *value,
              gboolean    last)
{
  g_autofree char *field = heyai_export_csv_field (value);

  g_string_append (out, field);
  g_string_append (out, last ? "\r\n" : ",");
}

char *
heyai_export_csv_to_string (const HeyaiCut *cut)
{
  static const char *header[] = {
    "scene", "title", "timecode_in", "timecode_out", "duration", "description",
    "image_prompt", "motion_prompt", "camera_move", "provider", "model", "seed",
    "take", "request_id", "cost_usd", "media",
  };
  const HeyaiExportPlan *plan = cut->plan;
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    append_field (out, header[i], i + 1 == G_N_ELEMENTS (header));

  for (guint i = 0; i < cut->entries->len; i++)
    {
      const HeyaiCutEntry *entry = g_ptr_array_index (cut->entries, i);
      const HeyaiExportScene *s = entry->scene;
      g_autofree char *number = g_strdup_printf ("%d", s->number);
      g_autofree char *tc_in = heyai_export_record_timecode (cut, entry->record_in);
      g_autofree char *tc_out = heyai_export_record_timecode (cut, entry->record_in + entry->frames);
      g_autofree char *duration = heyai_export_timecode (entry->frames, plan->fps);
      g_autofree char *seed = s->seed >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, s->seed) : g_strdup ("");
      g_autofree char *take = s->take > 0 ? g_strdup_printf ("%d", s->take) : g_strdup ("");
      char cost[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (cost, sizeof cost, "%.2f", s->cost);

      append_field (out, number, FALSE);
      append_field (out, s->title, FALSE);
      append_field (out, tc_in, FALSE);
      append_field (out, tc_out, FALSE);
      append_field (out, duration, FALSE);
      append_field (out, s->description, FALSE);
      append_field (out, s->image_prompt, FALSE);
      append_field (out, s->motion_prompt, FALSE);
      append_field (out, s->camera_move, FALSE);
      append_field (out, s->provider, FALSE);
      append_field (out, s->model, FALSE);
      append_field (out, seed, FALSE);
      append_field (out, take, FALSE);
      append_field (out, s->request_id, FALSE);
      append_field (out, cost, FALSE);
      append_field (out, entry->media_rel, TRUE);
    }

  return g_string_free (out, FALSE);
}
