/* heyai-timeline-import.c: reading an editor's cut back (OTIO, FCPXML, FCP7
 * XML, EDL) and turning it into storyboard changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-export"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "heyai-timeline-import.h"
#include "heyai-export-plan.h"

/* Timeline ------------------------------------------------------------ */

/* g_set_str() is GLib 2.76; Debian 12 has 2.74. */
static void
set_str (char       **target,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*target);
  *target = copy;
}

static void
clip_free (HeyaiTimelineClip *clip)
{
  g_free (clip->uid);
  g_free (clip->name);
  g_free (clip->file);
  g_ptr_array_unref (clip->notes);
  g_free (clip);
}

static HeyaiTimelineClip *
clip_new (void)
{
  HeyaiTimelineClip *clip = g_new0 (HeyaiTimelineClip, 1);

  clip->notes = g_ptr_array_new_with_free_func (g_free);
  return clip;
}

void
heyai_timeline_free (HeyaiTimeline *timeline)
{
  if (timeline == NULL)
    return;

  g_ptr_array_unref (timeline->clips);
  g_free (timeline);
}

static HeyaiTimeline *
timeline_new (void)
{
  HeyaiTimeline *timeline = g_new0 (HeyaiTimeline, 1);

  timeline->clips = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_free);
  return timeline;
}

/* A marker of the timeline: the export's own "Scene N" marker carries the
 * prompts and is not a note; "Approved …" carries the producer's note; any
 * other marker is the editor's (its comment, or its name when it has none). */
static void
clip_add_marker (HeyaiTimelineClip *clip,
                 const char        *name,
                 const char        *comment)
{
  g_autofree char *text = comment != NULL ? g_strstrip (g_strdup (comment)) : NULL;

  int number;
  char rest;

  if (name != NULL && sscanf (name, "Scene %d%c", &number, &rest) >= 1)
    return;

  if (text != NULL && *text != '\0')
    g_ptr_array_add (clip->notes, g_steal_pointer (&text));
  else if (name != NULL && !g_str_has_prefix (name, "Approved") && !g_str_has_prefix (name, "APPROVED") &&
           *name != '\0')
    g_ptr_array_add (clip->notes, g_strdup (name));
}

static void
clip_set_file (HeyaiTimelineClip *clip,
               const char        *path_or_url)
{
  g_autofree char *unescaped = NULL;

  if (path_or_url == NULL || *path_or_url == '\0')
    return;

  unescaped = g_uri_unescape_string (path_or_url, NULL);
  g_free (clip->file);
  clip->file = g_path_get_basename (unescaped != NULL ? unescaped : path_or_url);
}

/* OTIO ----------------------------------------------------------------- */

static double
otio_seconds (JsonObject *range)
{
  JsonObject *duration;
  double rate, value;

  if (range == NULL || !json_object_has_member (range, "duration"))
    return 0;
  duration = json_object_get_object_member (range, "duration");
  if (duration == NULL)
    return 0;
  rate = json_object_get_double_member_with_default (duration, "rate", 24);
  value = json_object_get_double_member_with_default (duration, "value", 0);

  return rate > 0 ? value / rate : 0;
}

static JsonNode *
member_node (JsonObject *object,
             const char *member)
{
  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  return json_object_get_member (object, member);
}

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = member_node (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *member)
{
  JsonNode *node = member_node (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
read_otio (const char     *text,
           HeyaiTimeline  *timeline,
           GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *stack;
  JsonArray *tracks, *children = NULL;

  if (!json_parser_load_from_data (parser, text, -1, error))
    return FALSE;

  root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ? json_node_get_object (json_parser_get_root (parser)) : NULL;
  stack = object_member (root, "tracks");
  tracks = array_member (stack, "children");
  for (guint i = 0; tracks != NULL && i < json_array_get_length (tracks) && children == NULL; i++)
    {
      JsonObject *track = json_array_get_object_element (tracks, i);

      if (track != NULL && g_strcmp0 (json_object_get_string_member_with_default (track, "kind", ""), "Video") == 0)
        children = array_member (track, "children");
    }
  if (children == NULL)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT, _("The timeline has no video track."));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (children); i++)
    {
      JsonObject *item = json_array_get_object_element (children, i);
      const char *schema = item != NULL ? json_object_get_string_member_with_default (item, "OTIO_SCHEMA", "") : "";
      HeyaiTimelineClip *clip;
      JsonObject *heyai, *refs, *ref;
      JsonArray *markers;

      if (!g_str_has_prefix (schema, "Clip."))
        continue;
      if (json_object_has_member (item, "enabled") && !json_object_get_boolean_member (item, "enabled"))
        continue;

      clip = clip_new ();
      g_ptr_array_add (timeline->clips, clip);
      clip->name = g_strdup (json_object_get_string_member_with_default (item, "name", ""));
      clip->seconds = otio_seconds (object_member (item, "source_range"));
      heyai = object_member (object_member (item, "metadata"), "heyai");
      if (heyai != NULL && json_object_has_member (heyai, "id") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (heyai, "id")))
        clip->uid = g_strdup (json_object_get_string_member (heyai, "id"));

      refs = object_member (item, "media_references");
      ref = object_member (refs, json_object_get_string_member_with_default (item, "active_media_reference_key",
                                                                             "DEFAULT_MEDIA"));
      if (ref == NULL)
        ref = object_member (item, "media_reference");
      if (ref != NULL)
        {
          clip_set_file (clip, json_object_get_string_member_with_default (ref, "target_url", NULL));
          if (clip->seconds <= 0)
            clip->seconds = otio_seconds (object_member (ref, "available_range"));
        }

      markers = array_member (item, "markers");
      for (guint m = 0; markers != NULL && m < json_array_get_length (markers); m++)
        {
          JsonObject *marker = json_array_get_object_element (markers, m);

          if (marker != NULL)
            clip_add_marker (clip, json_object_get_string_member_with_default (marker, "name", NULL),
                             json_object_get_string_member_with_default (marker, "comment", NULL));
        }
    }

  return TRUE;
}

/* XML (FCPXML and FCP7) ------------------------------------------------ */

typedef struct
{
  HeyaiTimeline     *timeline;
  GPtrArray         *stack;        /* element names */
  /* FCPXML */
  GHashTable        *assets;       /* id -> HeyaiTimelineClip* template (uid, file) */
  char              *asset_id;
  int                clip_depth;   /* stack depth of the open top-level spine item, 0 = none */
  /* FCP7 */
  int                video_tracks;
  gboolean           in_first_track;
  gint64             start, end, in, out;
  int                timebase;
  gboolean           ntsc;
  char              *marker_name;
  char              *marker_comment;
  HeyaiTimelineClip *current;
} XmlRead;

static const char *
attr (const char **names,
      const char **values,
      const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

/* "1001/24000s", "5s", "0s". */
static double
fcpxml_seconds (const char *value)
{
  gint64 num = 0, den = 1;

  if (value == NULL)
    return 0;
  if (sscanf (value, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "s", &num, &den) == 2 && den > 0)
    return (double) num / den;
  if (sscanf (value, "%" G_GINT64_FORMAT "s", &num) == 1)
    return (double) num;

  return g_ascii_strtod (value, NULL);
}

static const char *
parent_name (XmlRead *r,
             guint    up)
{
  if (r->stack->len <= up)
    return "";
  return g_ptr_array_index (r->stack, r->stack->len - 1 - up);
}

static void
fcpxml_start (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  XmlRead *r = user_data;
  const char *parent = parent_name (r, 0);

  if (g_str_equal (element, "asset"))
    {
      HeyaiTimelineClip *tmpl = clip_new ();

      g_free (r->asset_id);
      r->asset_id = g_strdup (attr (names, values, "id"));
      tmpl->uid = g_strdup (attr (names, values, "uid"));
      tmpl->name = g_strdup (attr (names, values, "name"));
      if (r->asset_id != NULL)
        g_hash_table_replace (r->assets, g_strdup (r->asset_id), tmpl);
      else
        clip_free (tmpl);
    }
  else if (g_str_equal (element, "media-rep") && r->asset_id != NULL)
    {
      HeyaiTimelineClip *tmpl = g_hash_table_lookup (r->assets, r->asset_id);

      if (tmpl != NULL && tmpl->file == NULL)
        clip_set_file (tmpl, attr (names, values, "src"));
    }
  else if (g_str_equal (parent, "spine") && r->clip_depth == 0 &&
           (g_str_equal (element, "asset-clip") || g_str_equal (element, "clip") ||
            g_str_equal (element, "video") || g_str_equal (element, "ref-clip") ||
            g_str_equal (element, "sync-clip")))
    {
      HeyaiTimelineClip *clip = clip_new ();
      const char *enabled = attr (names, values, "enabled");

      clip->name = g_strdup (attr (names, values, "name"));
      clip->seconds = fcpxml_seconds (attr (names, values, "duration"));
      r->clip_depth = (int) r->stack->len + 1;
      r->current = clip;
      if (enabled != NULL && g_str_equal (enabled, "0"))
        clip->seconds = -1;  /* disabled: dropped at the end */
      g_ptr_array_add (r->timeline->clips, clip);
    }

  if (r->current != NULL && r->clip_depth > 0)
    {
      const char *ref = attr (names, values, "ref");
      HeyaiTimelineClip *tmpl = ref != NULL ? g_hash_table_lookup (r->assets, ref) : NULL;

      if (tmpl != NULL)
        {
          if (r->current->uid == NULL)
            r->current->uid = g_strdup (tmpl->uid);
          if (r->current->file == NULL)
            r->current->file = g_strdup (tmpl->file);
          if (r->current->name == NULL)
            r->current->name = g_strdup (tmpl->name);
        }
      if (g_str_equal (element, "marker") || g_str_equal (element, "chapter-marker"))
        clip_add_marker (r->current, attr (names, values, "value"), attr (names, values, "note"));
      if (g_str_equal (element, "md") && g_strcmp0 (attr (names, values, "key"), "com.heyai.scene-id") == 0 &&
          attr (names, values, "value") != NULL)
        {
          g_free (r->current->uid);
          r->current->uid = g_strdup (attr (names, values, "value"));
        }
    }

  g_ptr_array_add (r->stack, g_strdup (element));
}

static void
xml_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  XmlRead *r = user_data;

  if (r->clip_depth > 0 && (int) r->stack->len == r->clip_depth)
    {
      r->clip_depth = 0;
      r->current = NULL;
    }
  if (g_str_equal (element, "asset"))
    g_clear_pointer (&r->asset_id, g_free);

  g_ptr_array_remove_index (r->stack, r->stack->len - 1);
}

static void
fcp7_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  XmlRead *r = user_data;
  const char *parent = parent_name (r, 0);

  if (g_str_equal (element, "track") && g_str_equal (parent, "video"))
    {
      r->video_tracks++;
      r->in_first_track = r->video_tracks == 1;
    }
  else if (g_str_equal (element, "clipitem") && g_str_equal (parent, "track") && r->in_first_track)
    {
      r->current = clip_new ();
      r->clip_depth = (int) r->stack->len + 1;
      r->start = r->end = r->in = r->out = -1;
      r->timebase = 0;
      r->ntsc = FALSE;
    }
  else if (g_str_equal (element, "marker") && r->current != NULL)
    {
      g_clear_pointer (&r->marker_name, g_free);
      g_clear_pointer (&r->marker_comment, g_free);
    }

  g_ptr_array_add (r->stack, g_strdup (element));
}

static void
fcp7_end (GMarkupParseContext  *context,
          const char           *element,
          gpointer              user_data,
          GError              **error)
{
  XmlRead *r = user_data;

  if (r->current != NULL && g_str_equal (element, "marker"))
    clip_add_marker (r->current, r->marker_name, r->marker_comment);

  if (r->current != NULL && (int) r->stack->len == r->clip_depth)
    {
      gint64 frames = r->start >= 0 && r->end >= 0 ? r->end - r->start : r->out - r->in;
      double rate = r->timebase > 0 ? (r->ntsc ? r->timebase * 1000.0 / 1001.0 : r->timebase) : 24;

      r->current->seconds = frames > 0 ? frames / rate : 0;
      g_ptr_array_add (r->timeline->clips, r->current);
      r->current = NULL;
      r->clip_depth = 0;
    }
  if (g_str_equal (element, "track"))
    r->in_first_track = FALSE;

  g_ptr_array_remove_index (r->stack, r->stack->len - 1);
}

static void
fcp7_text (GMarkupParseContext  *context,
           const char           *text,
           gsize                 len,
           gpointer              user_data,
           GError              **error)
{
  XmlRead *r = user_data;
  const char *element = parent_name (r, 0);
  const char *parent = parent_name (r, 1);
  g_autofree char *value = NULL;

  if (r->current == NULL)
    return;

  value = g_strstrip (g_strndup (text, len));
  if (g_str_equal (parent, "clipitem"))
    {
      if (g_str_equal (element, "name"))
        set_str (&r->current->name, value);
      else if (g_str_equal (element, "start"))
        r->start = g_ascii_strtoll (value, NULL, 10);
      else if (g_str_equal (element, "end"))
        r->end = g_ascii_strtoll (value, NULL, 10);
      else if (g_str_equal (element, "in"))
        r->in = g_ascii_strtoll (value, NULL, 10);
      else if (g_str_equal (element, "out"))
        r->out = g_ascii_strtoll (value, NULL, 10);
      else if (g_str_equal (element, "enabled") && g_ascii_strcasecmp (value, "FALSE") == 0)
        r->start = r->end = r->in = r->out = 0;
    }
  else if (g_str_equal (parent, "rate") && g_str_equal (parent_name (r, 2), "clipitem"))
    {
      if (g_str_equal (element, "timebase"))
        r->timebase = (int) g_ascii_strtoll (value, NULL, 10);
      else if (g_str_equal (element, "ntsc"))
        r->ntsc = g_ascii_strcasecmp (value, "TRUE") == 0;
    }
  else if (g_str_equal (parent, "file") && g_str_equal (element, "pathurl"))
    clip_set_file (r->current, value);
  else if (g_str_equal (parent, "file") && g_str_equal (element, "name") && r->current->file == NULL)
    r->current->file = g_strdup (value);
  else if (g_str_equal (parent, "comments") && g_str_equal (element, "mastercomment1") &&
           g_str_has_prefix (value, "heyai:"))
    set_str (&r->current->uid, value);
  else if (g_str_equal (parent, "marker") && g_str_equal (element, "name"))
    set_str (&r->marker_name, value);
  else if (g_str_equal (parent, "marker") && g_str_equal (element, "comment"))
    set_str (&r->marker_comment, value);
}

static gboolean
read_xml (const char     *text,
          gboolean        fcpxml,
          HeyaiTimeline  *timeline,
          GError        **error)
{
  static const GMarkupParser fcpxml_parser = { fcpxml_start, xml_end, NULL, NULL, NULL };
  static const GMarkupParser fcp7_parser = { fcp7_start, fcp7_end, fcp7_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  XmlRead r = { 0 };
  gboolean ok;

  r.timeline = timeline;
  r.stack = g_ptr_array_new_with_free_func (g_free);
  r.assets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) clip_free);
  context = g_markup_parse_context_new (fcpxml ? &fcpxml_parser : &fcp7_parser, 0, &r, NULL);
  ok = g_markup_parse_context_parse (context, text, -1, error) &&
       g_markup_parse_context_end_parse (context, error);

  if (r.current != NULL && !fcpxml)
    clip_free (r.current);
  g_ptr_array_unref (r.stack);
  g_hash_table_unref (r.assets);
  g_free (r.asset_id);
  g_free (r.marker_name);
  g_free (r.marker_comment);

  /* Disabled FCPXML clips were marked with a negative length. */
  for (guint i = timeline->clips->len; i > 0; i--)
    if (((HeyaiTimelineClip *) g_ptr_array_index (timeline->clips, i - 1))->seconds < 0)
      g_ptr_array_remove_index (timeline->clips, i - 1);

  return ok;
}

/* EDL ------------------------------------------------------------------ */

static gboolean
edl_frames (const char *tc,
            int         timebase,
            gboolean    drop_frame,
            gint64     *frames)
{
  HeyaiExportFps fps = drop_frame ? HEYAI_EXPORT_FPS_29_97_DF
                       : timebase == 25 ? HEYAI_EXPORT_FPS_25
                       : timebase == 30 ? HEYAI_EXPORT_FPS_30 : HEYAI_EXPORT_FPS_24;

  return heyai_export_timecode_parse (tc, fps, frames);
}

static gboolean
read_edl (const char     *text,
          double          fps,
          HeyaiTimeline  *timeline,
          GError        **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  int timebase = (int) floor (fps + 0.5);
  gboolean drop_frame = FALSE;
  HeyaiTimelineClip *clip = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      g_auto(GStrv) tokens = NULL;
      guint n;

      if (g_str_has_prefix (line, "FCM:"))
        {
          drop_frame = strstr (line, "NON") == NULL && strstr (line, "DROP") != NULL;
          continue;
        }
      if (clip != NULL && g_str_has_prefix (line, "*"))
        {
          const char *body = line + 1;

          while (*body == ' ')
            body++;
          if (g_str_has_prefix (body, "FROM CLIP NAME:"))
            {
              g_autofree char *v = g_strstrip (g_strdup (body + strlen ("FROM CLIP NAME:")));
              clip_set_file (clip, v);
            }
          else if (g_str_has_prefix (body, "HEYAI ID:"))
            {
              g_autofree char *v = g_strstrip (g_strdup (body + strlen ("HEYAI ID:")));
              set_str (&clip->uid, v);
            }
          else if (g_str_has_prefix (body, "COMMENT:") && clip->name == NULL)
            clip->name = g_strstrip (g_strdup (body + strlen ("COMMENT:")));
          else if (g_str_has_prefix (body, "LOC:"))
            {
              /* "* LOC: 01:00:05:00 RED     text" */
              g_auto(GStrv) parts = g_strsplit_set (body + strlen ("LOC:"), " \t", -1);
              g_autoptr(GString) note = g_string_new (NULL);
              guint word = 0;

              for (guint p = 0; parts[p] != NULL; p++)
                {
                  if (*parts[p] == '\0')
                    continue;
                  if (word++ < 2)
                    continue;
                  g_string_append_printf (note, "%s%s", note->len > 0 ? " " : "", parts[p]);
                }
              /* Our own marker: "APPROVED[ BY x][ - note]". */
              if (g_str_has_prefix (note->str, "APPROVED"))
                {
                  const char *dash = strstr (note->str, " - ");
                  if (dash != NULL)
                    clip_add_marker (clip, NULL, dash + 3);
                }
              else if (note->len > 0)
                clip_add_marker (clip, NULL, note->str);
            }
          continue;
        }

      tokens = g_strsplit_set (line, " \t", -1);
      {
        g_autoptr(GPtrArray) words = g_ptr_array_new ();

        for (guint t = 0; tokens[t] != NULL; t++)
          if (*tokens[t] != '\0')
            g_ptr_array_add (words, tokens[t]);
        n = words->len;
        if (n >= 8 && g_ascii_isdigit (*(char *) words->pdata[0]) &&
            g_ascii_toupper (*(char *) words->pdata[2]) == 'V')
          {
            gint64 rec_in, rec_out;

            if (!edl_frames (words->pdata[n - 2], timebase, drop_frame, &rec_in) ||
                !edl_frames (words->pdata[n - 1], timebase, drop_frame, &rec_out))
              {
                g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                             _("Line %u of the EDL has an invalid timecode."), i + 1);
                return FALSE;
              }
            clip = clip_new ();
            clip->seconds = (double) (rec_out - rec_in) / fps;
            /* The reel ("SC003", or the clip name) until a FROM CLIP NAME line. */
            clip->file = g_strdup (words->pdata[1]);
            g_ptr_array_add (timeline->clips, clip);
          }
      }
    }

  return TRUE;
}

/* Reading ------------------------------------------------------------- */

static double
manifest_fps (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *manifest = g_build_filename (dir, "manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *tl;
  const char *rational;
  int num = 0, den = 0;

  if (!json_parser_load_from_file (parser, manifest, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return 0;

  root = json_node_get_object (json_parser_get_root (parser));
  tl = object_member (root, "timeline");
  rational = tl != NULL ? json_object_get_string_member_with_default (tl, "fps_rational", NULL) : NULL;
  if (rational == NULL || sscanf (rational, "%d/%d", &num, &den) != 2 || num <= 0 || den <= 0)
    return 0;

  return (double) num / den;
}

HeyaiTimeline *
heyai_timeline_read (const char  *path,
                     double       fps,
                     GError     **error)
{
  g_autoptr(HeyaiTimeline) timeline = timeline_new ();
  g_autofree char *text = NULL;
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autofree char *display = g_filename_display_basename (path);
  gsize length;
  gboolean ok;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (!g_utf8_validate (text, (gssize) length, NULL))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” is not a text timeline (it is not UTF-8)."), display);
      return NULL;
    }

  if (g_str_has_suffix (lower, ".otio"))
    ok = read_otio (text, timeline, error);
  else if (g_str_has_suffix (lower, ".fcpxml"))
    ok = read_xml (text, TRUE, timeline, error);
  else if (g_str_has_suffix (lower, ".xml"))
    ok = read_xml (text, FALSE, timeline, error);
  else if (g_str_has_suffix (lower, ".edl"))
    {
      if (fps <= 0)
        fps = manifest_fps (path);
      if (fps <= 0)
        fps = 24;
      ok = read_edl (text, fps, timeline, error);
    }
  else
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” is not a timeline HeyAI Studio reads: use .otio, .fcpxml, .xml (Final Cut Pro 7) or .edl."),
                   display);
      return NULL;
    }

  if (!ok)
    {
      if (error != NULL && *error != NULL && (*error)->domain != HEYAI_ERROR)
        {
          GError *wrapped = g_error_new (HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                                         _("Could not read the timeline “%s”: %s"), display, (*error)->message);
          g_clear_error (error);
          g_propagate_error (error, wrapped);
        }
      return NULL;
    }

  if (timeline->clips->len == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("The timeline “%s” has no clips."), display);
      return NULL;
    }

  return g_steal_pointer (&timeline);
}

/* Diff ------------------------------------------------------------------ */

static void
change_free (HeyaiTimelineChange *change)
{
  g_free (change->scene_id);
  g_free (change->note);
  g_free (change->description);
  g_free (change);
}

void
heyai_timeline_diff_free (HeyaiTimelineDiff *diff)
{
  if (diff == NULL)
    return;

  g_ptr_array_unref (diff->changes);
  g_ptr_array_unref (diff->unmatched);
  g_free (diff);
}

/* The scene number the export wrote into a name: "03-slug.mp4", "3. Title",
 * "SC003" / "ST003"; 0 when there is none. */
static int
number_in_name (const char *name)
{
  int number = 0;

  if (name == NULL)
    return 0;
  if ((g_str_has_prefix (name, "SC") || g_str_has_prefix (name, "ST")) && g_ascii_isdigit (name[2]))
    return atoi (name + 2);
  if (g_ascii_isdigit (*name) && sscanf (name, "%d", &number) == 1)
    {
      const char *p = name;

      while (g_ascii_isdigit (*p))
        p++;
      if (*p == '-' || *p == '.')
        return number;
    }

  return 0;
}

static HeyaiScene *
match_scene (const HeyaiTimelineClip *clip,
             GPtrArray               *scenes)
{
  const char *names[] = { clip->file, clip->name };

  if (clip->uid != NULL && g_str_has_prefix (clip->uid, "heyai:"))
    for (guint i = 0; i < scenes->len; i++)
      if (g_strcmp0 (heyai_scene_get_id (g_ptr_array_index (scenes, i)), clip->uid + strlen ("heyai:")) == 0)
        return g_ptr_array_index (scenes, i);

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      int number = number_in_name (names[n]);

      for (guint i = 0; number > 0 && i < scenes->len; i++)
        if (heyai_scene_get_position (g_ptr_array_index (scenes, i)) == number)
          return g_ptr_array_index (scenes, i);
    }

  return NULL;
}

static HeyaiTimelineChange *
change_new (HeyaiTimelineChangeKind kind,
            HeyaiScene             *scene)
{
  HeyaiTimelineChange *change = g_new0 (HeyaiTimelineChange, 1);

  change->kind = kind;
  change->scene_id = g_strdup (heyai_scene_get_id (scene));
  change->old_position = heyai_scene_get_position (scene);
  return change;
}

/* The EDL folds notes to ASCII: "—" comes back as "--". */
static gboolean
same_note (const char *current,
           const char *imported)
{
  g_autofree char *folded = NULL;

  if (g_strcmp0 (current, imported) == 0)
    return TRUE;
  if (current == NULL || imported == NULL)
    return FALSE;

  folded = g_str_to_ascii (current, "C");
  g_strdelimit (folded, "\n\r\t", ' ');
  return g_str_equal (g_strstrip (folded), imported);
}

static int
compare_ints (gconstpointer a,
              gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

HeyaiTimelineDiff *
heyai_timeline_diff (HeyaiTimeline  *timeline,
                     GPtrArray      *scenes,
                     GError        **error)
{
  HeyaiTimelineDiff *diff = g_new0 (HeyaiTimelineDiff, 1);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();        /* HeyaiScene*, cut order */
  g_autoptr(GPtrArray) order_clips = g_ptr_array_new ();  /* HeyaiTimelineClip* */
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GPtrArray) live = g_ptr_array_new ();

  diff->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  diff->unmatched = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < scenes->len; i++)
    if (!heyai_scene_get_deleted (g_ptr_array_index (scenes, i)))
      g_ptr_array_add (live, g_ptr_array_index (scenes, i));

  for (guint i = 0; i < timeline->clips->len; i++)
    {
      HeyaiTimelineClip *clip = g_ptr_array_index (timeline->clips, i);
      HeyaiScene *scene = match_scene (clip, live);

      if (scene == NULL)
        {
          g_ptr_array_add (diff->unmatched, g_strdup (clip->name != NULL ? clip->name
                                                      : clip->file != NULL ? clip->file : "?"));
          continue;
        }
      if (g_ptr_array_find (order, scene, NULL))
        continue;  /* the same scene twice: its first use decides */
      g_ptr_array_add (order, scene);
      g_ptr_array_add (order_clips, clip);
    }

  if (order->len == 0)
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("No clip of this timeline belongs to the project: was it exported from another one?"));
      heyai_timeline_diff_free (diff);
      return NULL;
    }

  /* The cut's scenes take the positions they held, in the cut's order. */
  for (guint i = 0; i < order->len; i++)
    {
      int position = heyai_scene_get_position (g_ptr_array_index (order, i));
      g_array_append_val (slots, position);
    }
  g_array_sort (slots, compare_ints);

  for (guint i = 0; i < order->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (order, i);
      HeyaiTimelineClip *clip = g_ptr_array_index (order_clips, i);
      const char *title = heyai_scene_get_title (scene) != NULL ? heyai_scene_get_title (scene) : "";
      int slot = g_array_index (slots, int, i);
      int seconds = (int) MAX (1, floor (clip->seconds + 0.5));

      if (heyai_scene_get_position (scene) != slot)
        {
          HeyaiTimelineChange *c = change_new (HEYAI_TIMELINE_CHANGE_MOVE, scene);

          c->new_position = slot;
          c->description = g_strdup_printf (_("Scene %d “%s” moves to position %d"),
                                            c->old_position, title, slot);
          g_ptr_array_add (diff->changes, c);
        }

      if (clip->seconds > 0 && seconds != heyai_scene_get_duration (scene))
        {
          HeyaiTimelineChange *c = change_new (HEYAI_TIMELINE_CHANGE_TRIM, scene);

          c->old_seconds = heyai_scene_get_duration (scene);
          c->new_seconds = seconds;
          c->cut_seconds = clip->seconds;
          c->description = g_strdup_printf (_("Scene %d “%s” lasts %d s instead of %d s (%.2f s in the cut)"),
                                            c->old_position, title, c->new_seconds, c->old_seconds,
                                            clip->seconds);
          g_ptr_array_add (diff->changes, c);
        }

      if (clip->notes->len > 0)
        {
          g_autofree char *note = NULL;

          g_ptr_array_add (clip->notes, NULL);
          note = g_strjoinv ("\n", (char **) clip->notes->pdata);
          g_ptr_array_remove_index (clip->notes, clip->notes->len - 1);

          if (!same_note (heyai_scene_get_editor_note (scene), note))
            {
              HeyaiTimelineChange *c = change_new (HEYAI_TIMELINE_CHANGE_NOTE, scene);

              c->note = g_steal_pointer (&note);
              c->description = g_strdup_printf (_("Scene %d “%s” gets the note “%s”"),
                                                c->old_position, title, c->note);
              g_ptr_array_add (diff->changes, c);
            }
        }
    }

  /* Approved scenes the editor left out of the cut. */
  for (guint i = 0; i < live->len; i++)
    {
      HeyaiScene *scene = g_ptr_array_index (live, i);

      if (heyai_scene_get_approval (scene) == HEYAI_APPROVAL_APPROVED && !g_ptr_array_find (order, scene, NULL))
        {
          HeyaiTimelineChange *c = change_new (HEYAI_TIMELINE_CHANGE_REJECT, scene);

          c->description = g_strdup_printf (_("Scene %d “%s” is not in the cut: it becomes rejected"),
                                            c->old_position,
                                            heyai_scene_get_title (scene) != NULL ? heyai_scene_get_title (scene) : "");
          g_ptr_array_add (diff->changes, c);
        }
    }

  return diff;
}

char *
heyai_timeline_diff_to_string (const HeyaiTimelineDiff *diff)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < diff->changes->len; i++)
    g_string_append_printf (out, "%s\n", ((HeyaiTimelineChange *) g_ptr_array_index (diff->changes, i))->description);
  for (guint i = 0; i < diff->unmatched->len; i++)
    {
      g_string_append_printf (out, _("Clip “%s” matches no scene and is ignored"),
                              (const char *) g_ptr_array_index (diff->unmatched, i));
      g_string_append_c (out, '\n');
    }
  if (diff->changes->len == 0)
    g_string_append_printf (out, "%s\n", _("The cut matches the storyboard: nothing to change."));

  return g_string_free (out, FALSE);
}

static HeyaiScene *
find_scene (GPtrArray  *scenes,
            const char *id)
{
  for (guint i = 0; i < scenes->len; i++)
    if (g_strcmp0 (heyai_scene_get_id (g_ptr_array_index (scenes, i)), id) == 0)
      return g_ptr_array_index (scenes, i);
  return NULL;
}

static int
compare_moves (gconstpointer a,
               gconstpointer b)
{
  const HeyaiTimelineChange *ca = *(HeyaiTimelineChange * const *) a;
  const HeyaiTimelineChange *cb = *(HeyaiTimelineChange * const *) b;

  return ca->new_position - cb->new_position;
}

gboolean
heyai_timeline_apply (HeyaiStore               *store,
                      HeyaiProject             *project,
                      const HeyaiTimelineDiff  *diff,
                      GError                  **error)
{
  g_autoptr(GPtrArray) scenes = NULL;
  g_autoptr(GPtrArray) moves = g_ptr_array_new ();
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  g_return_val_if_fail (HEYAI_IS_STORE (store), FALSE);
  g_return_val_if_fail (HEYAI_IS_PROJECT (project), FALSE);

  scenes = heyai_store_list_scenes (store, heyai_project_get_id (project), error);
  if (scenes == NULL)
    return FALSE;

  for (guint i = 0; i < diff->changes->len; i++)
    {
      HeyaiTimelineChange *c = g_ptr_array_index (diff->changes, i);
      HeyaiScene *scene = find_scene (scenes, c->scene_id);

      if (scene == NULL)
        {
          g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NOT_FOUND,
                       _("Scene %d was deleted meanwhile; read the timeline again."), c->old_position);
          return FALSE;
        }

      switch (c->kind)
        {
        case HEYAI_TIMELINE_CHANGE_MOVE:
          g_ptr_array_add (moves, c);
          continue;
        case HEYAI_TIMELINE_CHANGE_TRIM:
          heyai_scene_set_duration (scene, c->new_seconds);
          break;
        case HEYAI_TIMELINE_CHANGE_NOTE:
          heyai_scene_set_editor_note (scene, c->note);
          break;
        case HEYAI_TIMELINE_CHANGE_REJECT:
          heyai_scene_set_approval (scene, HEYAI_APPROVAL_REJECTED);
          break;
        default:
          g_assert_not_reached ();
        }

      if (!heyai_store_update_scene (store, scene, error))
        return FALSE;
    }

  /* Moves: the scene objects first (positions change as we go), then each to
   * its place, lowest first, so earlier placements stay put. */
  g_ptr_array_sort (moves, compare_moves);
  for (guint i = 0; i < moves->len; i++)
    g_ptr_array_add (order, find_scene (scenes, ((HeyaiTimelineChange *) g_ptr_array_index (moves, i))->scene_id));
  for (guint i = 0; i < moves->len; i++)
    {
      HeyaiTimelineChange *c = g_ptr_array_index (moves, i);

      if (!heyai_store_move_scene (store, g_ptr_array_index (order, i), c->new_position, error))
        return FALSE;
    }

  return TRUE;
}
