/* heyai-script-fdx.c: Final Draft (.fdx) to Fountain.
 *
 * A .fdx file is XML:
 *
 *   <FinalDraft DocumentType="Script" Version="...">
 *     <Content>
 *       <Paragraph Type="Scene Heading" Number="1"><Text>INT. HOUSE - DAY</Text></Paragraph>
 *       <Paragraph Type="Action"><Text>Some </Text><Text Style="Bold">words</Text></Paragraph>
 *       <Paragraph Type="Character"><Text>AMARA</Text></Paragraph>
 *       <Paragraph Type="Parenthetical"><Text>(quietly)</Text></Paragraph>
 *       <Paragraph Type="Dialogue"><Text>Hello.</Text></Paragraph>
 *       <Paragraph><DualDialogue> ...Character/Dialogue paragraphs... </DualDialogue></Paragraph>
 *     </Content>
 *     <TitlePage><Content><Paragraph Alignment="Center"><Text>TITLE</Text></Paragraph>...</Content></TitlePage>
 *     <ElementSettings .../> <HeaderAndFooter .../> <SmartType .../> ...
 *   </FinalDraft>
 *
 * Only the paragraphs of the script's <Content> and of the <TitlePage> are
 * read; settings, SmartType lists, headers and everything else is ignored.
 * Paragraph types: Scene Heading, Action, Character, Parenthetical,
 * Dialogue, Transition, Shot (kept as action in capitals: a shot is not a
 * new scene), General (action), Cast List and others (action).  The second
 * cue of a <DualDialogue> gets Fountain's "^".  A heading's Number becomes
 * Fountain's "#n#".  GMarkup parses (no network, no external entities).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-script-fdx"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "heyai-error.h"
#include "heyai-script-import-private.h"

typedef enum
{
  WHERE_OTHER,
  WHERE_SCRIPT,       /* <FinalDraft><Content> */
  WHERE_TITLE_PAGE,   /* <TitlePage><Content> */
} Where;

typedef struct
{
  FountainWriter  writer;
  Where           where;
  gboolean        seen_root;
  gboolean        in_script;       /* inside <FinalDraft><Content> */
  guint           ignore_depth;    /* inside an element of no interest
                                    * (SceneProperties, ScriptNote, ...) */
  /* the open paragraph */
  gboolean        in_paragraph;
  guint           paragraph_depth; /* nesting: dual dialogue holds paragraphs */
  char           *type;
  char           *number;
  char           *alignment;
  GString        *text;
  gboolean        in_text;
  /* dual dialogue */
  gboolean        in_dual;
  guint           dual_cues;
  /* title page paragraphs, in order */
  GPtrArray      *title_lines;
  guint           n_paragraphs;
  guint           n_dual;
  guint           n_shots;
} FdxParse;

static const char *
attr (const char **names,
      const char **values,
      const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], name) == 0)
      return values[i];
  return NULL;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  FdxParse *fdx = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  const char *parent = stack->next != NULL ? stack->next->data : NULL;

  if (!fdx->seen_root)
    {
      if (strcmp (element, "FinalDraft") != 0)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "the root element is <%s>, not <FinalDraft>", element);
          return;
        }
      fdx->seen_root = TRUE;
      return;
    }

  if (fdx->ignore_depth > 0)
    {
      fdx->ignore_depth++;
      return;
    }

  if (strcmp (element, "Content") == 0)
    {
      if (g_strcmp0 (parent, "FinalDraft") == 0)
        {
          fdx->where = WHERE_SCRIPT;
          fdx->in_script = TRUE;
        }
      else if (g_strcmp0 (parent, "TitlePage") == 0)
        fdx->where = WHERE_TITLE_PAGE;
      return;
    }

  if (fdx->where == WHERE_OTHER)
    return;

  /* only paragraphs, their text runs and dual dialogue are read; what
   * else a paragraph holds (SceneProperties with arc beats, ScriptNote,
   * DynamicLabel...) is skipped whole */
  if (strcmp (element, "TitlePage") == 0)
    return;
  if (strcmp (element, "Paragraph") == 0 && g_strcmp0 (parent, "Content") != 0 &&
      g_strcmp0 (parent, "DualDialogue") != 0)
    {
      fdx->ignore_depth = 1;
      return;
    }
  if (strcmp (element, "Paragraph") != 0 && strcmp (element, "Text") != 0 &&
      strcmp (element, "DualDialogue") != 0 && strcmp (element, "Tab") != 0)
    {
      fdx->ignore_depth = 1;
      return;
    }

  if (strcmp (element, "DualDialogue") == 0)
    {
      fdx->in_dual = TRUE;
      fdx->dual_cues = 0;
      fdx->n_dual++;
      return;
    }

  if (strcmp (element, "Paragraph") == 0)
    {
      /* a paragraph that holds <DualDialogue> only wraps the real ones */
      fdx->in_paragraph = TRUE;
      fdx->paragraph_depth++;
      g_free (fdx->type);
      g_free (fdx->number);
      g_free (fdx->alignment);
      fdx->type = g_strdup (attr (names, values, "Type"));
      fdx->number = g_strdup (attr (names, values, "Number"));
      fdx->alignment = g_strdup (attr (names, values, "Alignment"));
      g_string_truncate (fdx->text, 0);
      return;
    }

  if (strcmp (element, "Text") == 0 && fdx->in_paragraph && g_strcmp0 (parent, "Paragraph") == 0)
    {
      fdx->in_text = TRUE;
      return;
    }

  /* <Tab/> inside a paragraph is a tab stop: a space */
  if (strcmp (element, "Tab") == 0 && fdx->in_paragraph)
    g_string_append_c (fdx->text, ' ');
}

static FountainOut
fountain_type (const char *type,
               gboolean   *shot)
{
  *shot = FALSE;
  if (type == NULL)
    return FOUNTAIN_OUT_ACTION;
  if (g_ascii_strcasecmp (type, "Scene Heading") == 0)
    return FOUNTAIN_OUT_HEADING;
  if (g_ascii_strcasecmp (type, "Character") == 0)
    return FOUNTAIN_OUT_CHARACTER;
  if (g_ascii_strcasecmp (type, "Parenthetical") == 0)
    return FOUNTAIN_OUT_PARENTHETICAL;
  if (g_ascii_strcasecmp (type, "Dialogue") == 0)
    return FOUNTAIN_OUT_DIALOGUE;
  if (g_ascii_strcasecmp (type, "Transition") == 0)
    return FOUNTAIN_OUT_TRANSITION;
  if (g_ascii_strcasecmp (type, "Shot") == 0)
    *shot = TRUE;
  /* Action, General, Shot, Cast List, New Act, End of Act, ... */
  return FOUNTAIN_OUT_ACTION;
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  FdxParse *fdx = user_data;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);
  const char *parent = stack->next != NULL ? stack->next->data : NULL;

  if (fdx->ignore_depth > 0)
    {
      fdx->ignore_depth--;
      return;
    }

  if (strcmp (element, "Content") == 0)
    {
      /* a title page written inside the script's content: back to it */
      if (g_strcmp0 (parent, "FinalDraft") == 0)
        fdx->in_script = FALSE;
      fdx->where = fdx->in_script ? WHERE_SCRIPT : WHERE_OTHER;
      return;
    }
  if (fdx->where == WHERE_OTHER)
    return;

  if (strcmp (element, "Text") == 0)
    {
      fdx->in_text = FALSE;
      return;
    }

  if (strcmp (element, "DualDialogue") == 0)
    {
      fdx->in_dual = FALSE;
      return;
    }

  if (strcmp (element, "Paragraph") == 0 && fdx->paragraph_depth > 0)
    {
      g_autofree char *text = g_strstrip (g_strdup (fdx->text->str));

      fdx->paragraph_depth--;
      fdx->in_paragraph = fdx->paragraph_depth > 0;
      g_string_truncate (fdx->text, 0);

      if (*text == '\0')
        return;

      if (fdx->where == WHERE_TITLE_PAGE)
        {
          g_ptr_array_add (fdx->title_lines, g_steal_pointer (&text));
          return;
        }

      {
        gboolean shot = FALSE;
        FountainOut type = fountain_type (fdx->type, &shot);
        gboolean dual = FALSE;

        fdx->n_paragraphs++;
        if (type == FOUNTAIN_OUT_CHARACTER && fdx->in_dual)
          dual = ++fdx->dual_cues == 2;
        if (shot)
          {
            g_autofree char *upper = g_utf8_strup (text, -1);
            g_free (text);
            text = g_steal_pointer (&upper);
            fdx->n_shots++;
          }
        if (type == FOUNTAIN_OUT_HEADING && fdx->number != NULL && *fdx->number != '\0')
          {
            char *numbered = g_strdup_printf ("%s #%s#", text, fdx->number);
            g_free (text);
            text = numbered;
          }
        heyai_fountain_writer_add (&fdx->writer, type, text, dual);
      }
    }
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 len,
         gpointer              user_data,
         GError              **error)
{
  FdxParse *fdx = user_data;

  if (fdx->where != WHERE_OTHER && fdx->in_text && fdx->ignore_depth == 0)
    g_string_append_len (fdx->text, text, (gssize) len);
}

char *
heyai_script_fdx_to_fountain (const char  *xml,
                              gsize        length,
                              const char  *name,
                              GPtrArray   *notes,
                              GError     **error)
{
  static const GMarkupParser parser = { start_element, end_element, text_cb, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) markup_error = NULL;
  FdxParse fdx = { 0 };
  char *fountain;

  heyai_fountain_writer_init (&fdx.writer);
  fdx.text = g_string_new (NULL);
  fdx.title_lines = g_ptr_array_new_with_free_func (g_free);

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &fdx, NULL);
  if (!g_markup_parse_context_parse (context, xml, (gssize) length, &markup_error) ||
      !g_markup_parse_context_end_parse (context, &markup_error))
    {
      g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_INVALID_INPUT,
                   _("“%s” is a damaged Final Draft file: %s"), name, markup_error->message);
      fountain = heyai_fountain_writer_finish (&fdx.writer);
      g_free (fountain);
      fountain = NULL;
      goto out;
    }

  heyai_fountain_writer_title_lines (&fdx.writer, fdx.title_lines);
  fountain = heyai_fountain_writer_finish (&fdx.writer);

  if (fdx.n_dual > 0)
    g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u dual-dialogue exchange kept as Fountain dual dialogue.",
                                                          "%u dual-dialogue exchanges kept as Fountain dual dialogue.",
                                                          fdx.n_dual), fdx.n_dual));
  if (fdx.n_shots > 0)
    g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "%u shot kept as action within its scene.",
                                                          "%u shots kept as action within their scenes.",
                                                          fdx.n_shots), fdx.n_shots));

out:
  g_string_free (fdx.text, TRUE);
  g_ptr_array_unref (fdx.title_lines);
  g_free (fdx.type);
  g_free (fdx.number);
  g_free (fdx.alignment);
  return fountain;
}
