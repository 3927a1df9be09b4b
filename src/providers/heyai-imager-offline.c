/* heyai-imager-offline.c: a storyboard frame per scene, drawn with cairo and
 * Pango in a GTask thread.
 *
 * The frame is meant to be read at a glance on the storyboard and in the
 * exported PDF: a graded "establishing shot" background whose palette comes
 * from a hash of the scene's prompt and take (so a new take looks different,
 * and the same take is drawn identically again), rule-of-thirds guides, the
 * title-safe frame, a big scene number, the title, the description, the
 * camera move as an icon, the duration and the aspect ratio.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pango/pangocairo.h>

#include "heyai-background.h"
#include "heyai-imager-offline.h"
#include "heyai-llm-offline.h"
#include "heyai-prompt-composer.h"
#include "heyai-util.h"

/* The frame's words are in the script's language, not the window's. */
#define TR(msgid) heyai_translate_in (spec->language, msgid)

#define FONT_FAMILIES "Cantarell,DejaVu Sans"

struct _HeyaiImagerOffline
{
  GObject parent_instance;
};

static void heyai_imager_offline_iface_init (HeyaiImagerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiImagerOffline, heyai_imager_offline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HEYAI_TYPE_IMAGER,
                                                      heyai_imager_offline_iface_init))

/* ---------------------------------------------------------------------- */
/* Spec                                                                    */

/* The script's language: the scene's own words (the splitters keep the
 * script's language), else the start of the project's script; NULL (the
 * locale's) when neither tells. */
static const char *
spec_language (HeyaiProject *project,
               HeyaiScene   *scene)
{
  g_autofree char *words = g_strjoin (" ", heyai_scene_get_title (scene) ? heyai_scene_get_title (scene) : "",
                                      heyai_scene_get_description (scene) ? heyai_scene_get_description (scene) : "",
                                      NULL);
  const char *language = heyai_llm_offline_detect_language (words);

  if (language == NULL && project != NULL && heyai_project_get_script (project) != NULL)
    {
      g_autofree char *start = g_utf8_substring (heyai_project_get_script (project), 0,
                                                 MIN (g_utf8_strlen (heyai_project_get_script (project), 8000), 4000));
      language = heyai_llm_offline_detect_language (start);
    }

  return language;
}

HeyaiStoryboardSpec *
heyai_storyboard_spec_new_from_scene (HeyaiProject *project,
                                      HeyaiScene   *scene,
                                      int           take)
{
  HeyaiStoryboardSpec *spec;

  g_return_val_if_fail (project == NULL || HEYAI_IS_PROJECT (project), NULL);
  g_return_val_if_fail (HEYAI_IS_SCENE (scene), NULL);

  spec = g_new0 (HeyaiStoryboardSpec, 1);
  spec->position = heyai_scene_get_position (scene);
  spec->take = MAX (take, 1);
  spec->title = g_strdup (heyai_scene_get_title (scene));
  spec->description = g_strdup (heyai_scene_get_description (scene));
  {
    HeyaiPromptParts parts;

    heyai_prompt_parts_init (&parts, project, scene);
    spec->prompt = heyai_prompt_compose_image (&parts);
  }
  spec->move = heyai_scene_get_camera_move (scene);
  spec->duration = heyai_scene_get_duration (scene);
  spec->aspect = project != NULL ? heyai_project_get_aspect (project) : HEYAI_ASPECT_16_9;
  spec->language = g_strdup (spec_language (project, scene));
  if (heyai_scene_get_cast_names (scene) != NULL && heyai_scene_get_cast_names (scene)[0] != NULL)
    spec->cast = g_strjoinv (" · ", (char **) heyai_scene_get_cast_names (scene));

  return spec;
}

void
heyai_storyboard_spec_free (HeyaiStoryboardSpec *spec)
{
  if (spec == NULL)
    return;

  g_free (spec->title);
  g_free (spec->description);
  g_free (spec->prompt);
  g_free (spec->language);
  g_free (spec->cast);
  g_free (spec);
}

static const char *
nonempty (const char *a,
          const char *b,
          const char *c)
{
  if (a != NULL && *a != '\0')
    return a;
  if (b != NULL && *b != '\0')
    return b;
  return c != NULL ? c : "";
}

static guint64
spec_hash (const HeyaiStoryboardSpec *spec)
{
  /* FNV-1a, 64 bit: stable across runs and machines (unlike g_str_hash's
   * documented freedom to change). */
  const char *text = nonempty (spec->prompt, spec->description, spec->title);
  g_autofree char *take = g_strdup_printf ("\x1ftake=%d", MAX (spec->take, 1));
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    hash = (hash ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);
  for (const guchar *p = (const guchar *) take; *p != '\0'; p++)
    hash = (hash ^ *p) * G_GUINT64_CONSTANT (0x100000001b3);

  return hash;
}

gint64
heyai_storyboard_seed (const HeyaiStoryboardSpec *spec)
{
  g_return_val_if_fail (spec != NULL, -1);

  return (gint64) (spec_hash (spec) >> 1);
}

/* ---------------------------------------------------------------------- */
/* Drawing helpers                                                         */

typedef struct
{
  double r, g, b;
} Rgb;

static Rgb
hsl (double h,
     double s,
     double l)
{
  double c = (1.0 - fabs (2.0 * l - 1.0)) * s;
  double hp = fmod (fmod (h, 360.0) + 360.0, 360.0) / 60.0;
  double x = c * (1.0 - fabs (fmod (hp, 2.0) - 1.0));
  double m = l - c / 2.0;
  Rgb rgb = { 0, 0, 0 };

  if (hp < 1)      rgb = (Rgb) { c, x, 0 };
  else if (hp < 2) rgb = (Rgb) { x, c, 0 };
  else if (hp < 3) rgb = (Rgb) { 0, c, x };
  else if (hp < 4) rgb = (Rgb) { 0, x, c };
  else if (hp < 5) rgb = (Rgb) { x, 0, c };
  else             rgb = (Rgb) { c, 0, x };

  rgb.r += m;
  rgb.g += m;
  rgb.b += m;
  return rgb;
}

static void
set_rgba (cairo_t *cr,
          Rgb      c,
          double   alpha)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, alpha);
}

static void
add_stop (cairo_pattern_t *pattern,
          double           offset,
          Rgb              c,
          double           alpha)
{
  cairo_pattern_add_color_stop_rgba (pattern, offset, c.r, c.g, c.b, alpha);
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  r = MIN (r, MIN (w, h) / 2.0);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static PangoLayout *
make_layout (cairo_t    *cr,
             const char *text,
             double      px,
             PangoWeight weight)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT_FAMILIES);

  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);

  return layout;
}

/* Text with a soft dark shadow so it stays legible on any palette. */
static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y,
             Rgb          colour,
             double       alpha,
             double       u)
{
  cairo_move_to (cr, x + 1.5 * u, y + 2.0 * u);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.45 * alpha);
  pango_cairo_show_layout (cr, layout);
  cairo_move_to (cr, x, y);
  set_rgba (cr, colour, alpha);
  pango_cairo_show_layout (cr, layout);
}

static void
arrow (cairo_t *cr,
       double   x0,
       double   y0,
       double   x1,
       double   y1,
       double   head)
{
  double angle = atan2 (y1 - y0, x1 - x0);

  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);

  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x1 - head * cos (angle - G_PI / 6), y1 - head * sin (angle - G_PI / 6));
  cairo_line_to (cr, x1 - head * cos (angle + G_PI / 6), y1 - head * sin (angle + G_PI / 6));
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* The camera move as a pictogram inside a frame of @w x @h centred on (cx, cy). */
static void
draw_camera_icon (cairo_t         *cr,
                  HeyaiCameraMove  move,
                  double           cx,
                  double           cy,
                  double           w,
                  double           h,
                  double           u)
{
  double head = 14 * u;

  cairo_save (cr);
  cairo_set_line_width (cr, 3 * u);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.95);

  /* The frame of the shot. */
  rounded_rect (cr, cx - w / 2, cy - h / 2, w, h, 6 * u);
  cairo_stroke (cr);

  switch (move)
    {
    case HEYAI_CAMERA_PAN_LEFT:
      arrow (cr, cx + w * 0.3, cy, cx - w * 0.3, cy, head);
      break;
    case HEYAI_CAMERA_PAN_RIGHT:
      arrow (cr, cx - w * 0.3, cy, cx + w * 0.3, cy, head);
      break;
    case HEYAI_CAMERA_TILT_UP:
      arrow (cr, cx, cy + h * 0.3, cx, cy - h * 0.3, head);
      break;
    case HEYAI_CAMERA_TILT_DOWN:
      arrow (cr, cx, cy - h * 0.3, cx, cy + h * 0.3, head);
      break;
    case HEYAI_CAMERA_PUSH_IN:
    case HEYAI_CAMERA_PULL_OUT:
      {
        gboolean in = move == HEYAI_CAMERA_PUSH_IN;
        double iw = w * 0.36, ih = h * 0.36;

        cairo_save (cr);
        cairo_set_dash (cr, (double[]) { 5 * u, 4 * u }, 2, 0);
        cairo_rectangle (cr, cx - iw / 2, cy - ih / 2, iw, ih);
        cairo_stroke (cr);
        cairo_restore (cr);

        for (int sx = -1; sx <= 1; sx += 2)
          for (int sy = -1; sy <= 1; sy += 2)
            {
              double ox = cx + sx * (w / 2 - 8 * u), oy = cy + sy * (h / 2 - 8 * u);
              double ix = cx + sx * (iw / 2 + 4 * u), iy = cy + sy * (ih / 2 + 4 * u);

              if (in)
                arrow (cr, ox, oy, ix, iy, head * 0.8);
              else
                arrow (cr, ix, iy, ox, oy, head * 0.8);
            }
      }
      break;
    case HEYAI_CAMERA_STATIC:
    default:
      /* A locked-off shot: crosshair and a small tripod. */
      cairo_arc (cr, cx, cy, MIN (w, h) * 0.16, 0, 2 * G_PI);
      cairo_stroke (cr);
      cairo_move_to (cr, cx - MIN (w, h) * 0.28, cy);
      cairo_line_to (cr, cx + MIN (w, h) * 0.28, cy);
      cairo_move_to (cr, cx, cy - MIN (w, h) * 0.28);
      cairo_line_to (cr, cx, cy + MIN (w, h) * 0.28);
      cairo_stroke (cr);
      break;
    }

  cairo_restore (cr);
}

/* A wavy silhouette band (hills, rooftops, waves) from @base_y down. */
static void
draw_band (cairo_t *cr,
           GRand   *rand,
           int      width,
           int      height,
           double   base_y,
           double   amplitude,
           Rgb      colour)
{
  double f1 = g_rand_double_range (rand, 1.0, 3.0);
  double f2 = g_rand_double_range (rand, 3.0, 7.0);
  double p1 = g_rand_double_range (rand, 0, 2 * G_PI);
  double p2 = g_rand_double_range (rand, 0, 2 * G_PI);
  cairo_pattern_t *fill;

  cairo_move_to (cr, 0, height);
  for (int i = 0; i <= 64; i++)
    {
      double x = (double) width * i / 64.0;
      double t = (double) i / 64.0 * 2 * G_PI;
      double y = base_y - amplitude * (0.65 * sin (f1 * t + p1) + 0.35 * sin (f2 * t + p2));

      cairo_line_to (cr, x, y);
    }
  cairo_line_to (cr, width, height);
  cairo_close_path (cr);

  fill = cairo_pattern_create_linear (0, base_y - amplitude, 0, height);
  add_stop (fill, 0, colour, 0.92);
  add_stop (fill, 1, (Rgb) { colour.r * 0.4, colour.g * 0.4, colour.b * 0.4 }, 1.0);
  cairo_set_source (cr, fill);
  cairo_fill (cr);
  cairo_pattern_destroy (fill);
}

static void
draw_background (cairo_t *cr,
                 GRand   *rand,
                 int      width,
                 int      height)
{
  double hue = g_rand_double_range (rand, 0, 360);
  double hue2 = hue + g_rand_double_range (rand, 40, 150) * (g_rand_boolean (rand) ? 1 : -1);
  double glow_x = g_rand_double_range (rand, 0.2, 0.8) * width;
  double glow_y = g_rand_double_range (rand, 0.18, 0.45) * height;
  double diag = hypot (width, height);
  cairo_pattern_t *p;

  /* Sky: a vertical grade between two related hues. */
  p = cairo_pattern_create_linear (0, 0, 0, height);
  add_stop (p, 0.0, hsl (hue, 0.55, 0.30), 1);
  add_stop (p, 0.55, hsl ((hue + hue2) / 2, 0.50, 0.42), 1);
  add_stop (p, 1.0, hsl (hue2, 0.45, 0.14), 1);
  cairo_set_source (cr, p);
  cairo_paint (cr);
  cairo_pattern_destroy (p);

  /* A light source (sun, lamp, moon). */
  p = cairo_pattern_create_radial (glow_x, glow_y, 0, glow_x, glow_y, diag * 0.45);
  add_stop (p, 0.0, hsl (hue2 + 180, 0.9, 0.85), 0.85);
  add_stop (p, 0.08, hsl (hue2 + 180, 0.8, 0.7), 0.55);
  add_stop (p, 1.0, hsl (hue2 + 180, 0.6, 0.5), 0.0);
  cairo_set_source (cr, p);
  cairo_paint (cr);
  cairo_pattern_destroy (p);

  /* Dust / stars. */
  for (int i = 0; i < 90; i++)
    {
      double x = g_rand_double (rand) * width;
      double y = g_rand_double (rand) * height * 0.6;
      double r = g_rand_double_range (rand, 0.6, 2.4) * MIN (width, height) / 720.0;

      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 1, 1, 1, g_rand_double_range (rand, 0.15, 0.55));
      cairo_fill (cr);
    }

  /* Three receding silhouette bands give the frame depth. */
  draw_band (cr, rand, width, height, height * 0.58, height * 0.06, hsl (hue2, 0.35, 0.30));
  draw_band (cr, rand, width, height, height * 0.70, height * 0.05, hsl (hue2 + 15, 0.40, 0.20));
  draw_band (cr, rand, width, height, height * 0.84, height * 0.04, hsl (hue2 + 30, 0.45, 0.10));

  /* Vignette. */
  p = cairo_pattern_create_radial (width / 2.0, height / 2.0, MIN (width, height) * 0.35,
                                   width / 2.0, height / 2.0, diag * 0.62);
  cairo_pattern_add_color_stop_rgba (p, 0, 0, 0, 0, 0);
  cairo_pattern_add_color_stop_rgba (p, 1, 0, 0, 0, 0.6);
  cairo_set_source (cr, p);
  cairo_paint (cr);
  cairo_pattern_destroy (p);
}

static void
draw_guides (cairo_t *cr,
             int      width,
             int      height,
             double   u)
{
  cairo_save (cr);

  /* Rule of thirds, with small marks on the power points. */
  cairo_set_line_width (cr, 1.0 * u);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.22);
  for (int i = 1; i <= 2; i++)
    {
      cairo_move_to (cr, width * i / 3.0, 0);
      cairo_line_to (cr, width * i / 3.0, height);
      cairo_move_to (cr, 0, height * i / 3.0);
      cairo_line_to (cr, width, height * i / 3.0);
    }
  cairo_stroke (cr);

  cairo_set_line_width (cr, 2.0 * u);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.5);
  for (int i = 1; i <= 2; i++)
    for (int j = 1; j <= 2; j++)
      {
        double x = width * i / 3.0, y = height * j / 3.0;

        cairo_move_to (cr, x - 9 * u, y);
        cairo_line_to (cr, x + 9 * u, y);
        cairo_move_to (cr, x, y - 9 * u);
        cairo_line_to (cr, x, y + 9 * u);
      }
  cairo_stroke (cr);

  /* Action-safe (93 %) and title-safe (90 %) frames. */
  cairo_set_line_width (cr, 1.5 * u);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.35);
  cairo_set_dash (cr, (double[]) { 10 * u, 6 * u }, 2, 0);
  cairo_rectangle (cr, width * 0.035, height * 0.035, width * 0.93, height * 0.93);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.18);
  cairo_rectangle (cr, width * 0.05, height * 0.05, width * 0.90, height * 0.90);
  cairo_stroke (cr);

  cairo_restore (cr);
}

static void
chip (cairo_t    *cr,
      const char *text,
      double      x,
      double      y,
      double      u,
      Rgb         accent,
      double     *out_width)
{
  g_autoptr(PangoLayout) layout = make_layout (cr, text, 20 * u, PANGO_WEIGHT_BOLD);
  int tw, th;
  double pad = 10 * u;

  pango_layout_get_pixel_size (layout, &tw, &th);
  rounded_rect (cr, x, y, tw + 2 * pad, th + pad, (th + pad) / 2);
  set_rgba (cr, accent, 0.9);
  cairo_fill (cr);
  cairo_move_to (cr, x + pad, y + pad / 2);
  cairo_set_source_rgb (cr, 0.08, 0.08, 0.1);
  pango_cairo_show_layout (cr, layout);

  if (out_width != NULL)
    *out_width = tw + 2 * pad;
}

cairo_surface_t *
heyai_storyboard_render (const HeyaiStoryboardSpec *spec,
                         int                        width,
                         int                        height)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autoptr(GRand) rand = NULL;
  g_autoptr(PangoLayout) number = NULL;
  g_autoptr(PangoLayout) title = NULL;
  g_autoptr(PangoLayout) subtitle = NULL;
  g_autoptr(PangoLayout) description = NULL;
  g_autoptr(PangoLayout) move_label = NULL;
  g_autoptr(PangoLayout) footer = NULL;
  g_autofree char *number_text = NULL;
  g_autofree char *subtitle_text = NULL;
  g_autofree char *duration_text = NULL;
  g_autofree char *footer_text = NULL;
  guint64 hash;
  gboolean portrait = height > width;
  double u = MIN (width, height) / 720.0;
  double mx = width * 0.05, my = height * 0.05;
  double badge = 112 * u;
  double gap = 20 * u;
  double cam_w, cam_h, cam_x, cam_y;
  double panel_x, panel_y, panel_w, panel_h;
  Rgb accent, white = { 1, 1, 1 };
  int tw, th;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  hash = spec_hash (spec);
  rand = g_rand_new_with_seed ((guint32) (hash ^ (hash >> 32)));

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (surface);

  draw_background (cr, rand, width, height);
  draw_guides (cr, width, height, u);
  accent = hsl (g_rand_double_range (rand, 0, 360), 0.85, 0.68);

  /* Scene number badge. */
  rounded_rect (cr, mx, my, badge, badge, 18 * u);
  set_rgba (cr, accent, 0.95);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_set_line_width (cr, 2 * u);
  cairo_stroke (cr);
  number_text = g_strdup_printf ("%02d", MAX (spec->position, 0));
  number = make_layout (cr, number_text, 62 * u, PANGO_WEIGHT_HEAVY);
  pango_layout_get_pixel_size (number, &tw, &th);
  cairo_move_to (cr, mx + (badge - tw) / 2.0, my + (badge - th) / 2.0);
  cairo_set_source_rgb (cr, 0.08, 0.08, 0.1);
  pango_cairo_show_layout (cr, number);

  /* Title and "Scene 3 · Take 2" next to the badge. */
  {
    double tx = mx + badge + gap;
    double avail = width - mx - tx;

    title = make_layout (cr, nonempty (spec->title, TR (N_("Untitled scene")), NULL),
                         (portrait ? 36 : 42) * u, PANGO_WEIGHT_BOLD);
    pango_layout_set_width (title, (int) (avail * PANGO_SCALE));
    pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
    pango_layout_set_single_paragraph_mode (title, TRUE);
    pango_layout_get_pixel_size (title, &tw, &th);
    show_layout (cr, title, tx, my + 6 * u, white, 1.0, u);

    subtitle_text = g_strdup_printf (TR (N_("Scene %d · Take %d")), MAX (spec->position, 0), MAX (spec->take, 1));
    subtitle = make_layout (cr, subtitle_text, 22 * u, PANGO_WEIGHT_NORMAL);
    show_layout (cr, subtitle, tx, my + 6 * u + th + 4 * u, white, 0.85, u);

    /* The bible entries in the frame, so the offline path shows the cast. */
    if (spec->cast != NULL)
      {
        g_autofree char *cast_text = g_strdup_printf (TR (N_("Cast: %s")), spec->cast);
        g_autoptr(PangoLayout) cast = make_layout (cr, cast_text, 22 * u, PANGO_WEIGHT_BOLD);
        int sh;

        pango_layout_get_pixel_size (subtitle, NULL, &sh);
        pango_layout_set_width (cast, (int) (avail * PANGO_SCALE));
        pango_layout_set_ellipsize (cast, PANGO_ELLIPSIZE_END);
        show_layout (cr, cast, tx, my + 6 * u + th + 4 * u + sh + 4 * u, accent, 1.0, u);
      }
  }

  /* Layout of the lower part: the description panel sits on the bottom of
   * the title-safe area and grows with its text (up to 40 % of the frame);
   * the camera box is beside it (landscape, square) or above it (portrait). */
  {
    double pad = 18 * u;
    double bottom = height - my - 28 * u;   /* above the footer */
    double max_h = height * 0.40;
    double min_h = (portrait ? 96 : 200) * u;
    int text_h;

    cam_w = (portrait ? 250 : 230) * u;
    panel_x = mx;
    panel_w = portrait ? width - 2 * mx : width - 2 * mx - cam_w - gap;

    description = make_layout (cr, nonempty (spec->description, spec->prompt, ""),
                               (portrait ? 25 : 26) * u, PANGO_WEIGHT_NORMAL);
    pango_layout_set_width (description, (int) ((panel_w - 2 * pad) * PANGO_SCALE));
    pango_layout_set_height (description, (int) ((max_h - 2 * pad) * PANGO_SCALE));
    pango_layout_set_wrap (description, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize (description, PANGO_ELLIPSIZE_END);
    pango_layout_set_spacing (description, (int) (4 * u * PANGO_SCALE));
    pango_layout_get_pixel_size (description, NULL, &text_h);

    panel_h = CLAMP (text_h + 2 * pad, min_h, max_h);
    panel_y = bottom - panel_h;

    if (portrait)
      {
        cam_h = 210 * u;
        cam_x = width - mx - cam_w;
        cam_y = panel_y - gap - cam_h;
      }
    else
      {
        cam_x = width - mx - cam_w;
        cam_y = panel_y;
        cam_h = panel_h;
      }

    /* Description on a translucent panel, wrapped and ellipsized to fit. */
    rounded_rect (cr, panel_x, panel_y, panel_w, panel_h, 14 * u);
    cairo_set_source_rgba (cr, 0.02, 0.02, 0.05, 0.62);
    cairo_fill (cr);
    cairo_rectangle (cr, panel_x, panel_y + 12 * u, 5 * u, panel_h - 24 * u);
    set_rgba (cr, accent, 0.95);
    cairo_fill (cr);

    cairo_move_to (cr, panel_x + pad + 4 * u, panel_y + pad);
    cairo_set_source_rgba (cr, 1, 1, 1, 0.96);
    pango_cairo_show_layout (cr, description);
  }

  /* Camera move: icon, label, duration and aspect chips. */
  {
    double pad = 14 * u;
    double chip_h = 20 * u + 10 * u + 6 * u;
    double label_h;
    double icon_h, chip_w = 0, chip_x;

    rounded_rect (cr, cam_x, cam_y, cam_w, cam_h, 14 * u);
    cairo_set_source_rgba (cr, 0.02, 0.02, 0.05, 0.62);
    cairo_fill (cr);

    move_label = make_layout (cr, TR (heyai_camera_move_msgid (spec->move)), 21 * u, PANGO_WEIGHT_BOLD);
    pango_layout_set_width (move_label, (int) ((cam_w - 2 * pad) * PANGO_SCALE));
    pango_layout_set_ellipsize (move_label, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment (move_label, PANGO_ALIGN_CENTER);
    pango_layout_get_pixel_size (move_label, &tw, &th);
    label_h = th;

    icon_h = cam_h - 2 * pad - label_h - chip_h - 2 * 8 * u;
    icon_h = MAX (icon_h, 30 * u);
    draw_camera_icon (cr, spec->move, cam_x + cam_w / 2, cam_y + pad + icon_h / 2,
                      MIN (cam_w - 2 * pad, icon_h * 1.6), icon_h, u);

    cairo_move_to (cr, cam_x + pad, cam_y + pad + icon_h + 8 * u);
    cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
    pango_cairo_show_layout (cr, move_label);

    duration_text = g_strdup_printf (TR (N_("%d s")), spec->duration > 0 ? spec->duration : 5);
    chip_x = cam_x + pad;
    chip (cr, duration_text, chip_x, cam_y + cam_h - pad - chip_h + 6 * u, u, accent, &chip_w);
    chip (cr, heyai_enum_to_string (HEYAI_TYPE_ASPECT, spec->aspect),
          chip_x + chip_w + 8 * u, cam_y + cam_h - pad - chip_h + 6 * u, u,
          (Rgb) { 0.85, 0.87, 0.9 }, NULL);
  }

  /* Footer. */
  footer_text = g_strdup (TR (N_("HeyAI offline storyboard")));
  footer = make_layout (cr, footer_text, 15 * u, PANGO_WEIGHT_NORMAL);
  pango_layout_get_pixel_size (footer, &tw, &th);
  show_layout (cr, footer, (width - tw) / 2.0, height - my - th + 2 * u, white, 0.7, u);

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* ---------------------------------------------------------------------- */
/* Writing the PNG: a temporary file in the same folder, then rename.      */

typedef struct
{
  int fd;
  int saved_errno;
} PngWriter;

static cairo_status_t
png_write_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  PngWriter *writer = closure;

  while (length > 0)
    {
      ssize_t n = write (writer->fd, data, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          writer->saved_errno = errno;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= (unsigned int) n;
    }

  return CAIRO_STATUS_SUCCESS;
}

static void
set_write_error (GError    **error,
                 int         position,
                 const char *path,
                 int         saved_errno)
{
  g_autofree char *name = g_path_get_basename (path);

  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_NO_SPACE,
                 _("Scene %d: the disk is full, so %s could not be saved. "
                   "Free some space and try again."), position, name);
  else if (saved_errno == EACCES || saved_errno == EPERM || saved_errno == EROFS)
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_PERMISSION,
                 _("Scene %d: %s could not be saved because the folder is not writable (%s)."),
                 position, name, g_strerror (saved_errno));
  else
    g_set_error (error, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                 _("Scene %d: %s could not be saved (%s)."),
                 position, name, saved_errno != 0 ? g_strerror (saved_errno) : _("write error"));
}

static gboolean
save_png (cairo_surface_t  *surface,
          const char       *path,
          int               position,
          GError          **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.part-XXXXXX", dir, name);
  PngWriter writer = { -1, 0 };
  cairo_status_t status;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      set_write_error (error, position, path, errno);
      return FALSE;
    }

  writer.fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (writer.fd < 0)
    {
      set_write_error (error, position, path, errno);
      return FALSE;
    }

  status = cairo_surface_write_to_png_stream (surface, png_write_cb, &writer);
  if (status == CAIRO_STATUS_SUCCESS && fsync (writer.fd) != 0 && errno != EINVAL)
    {
      writer.saved_errno = errno;
      status = CAIRO_STATUS_WRITE_ERROR;
    }
  if (close (writer.fd) != 0 && status == CAIRO_STATUS_SUCCESS)
    {
      writer.saved_errno = errno;
      status = CAIRO_STATUS_WRITE_ERROR;
    }

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp);
      if (status == CAIRO_STATUS_NO_MEMORY)
        writer.saved_errno = ENOMEM;
      set_write_error (error, position, path, writer.saved_errno);
      return FALSE;
    }

  if (g_rename (tmp, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp);
      set_write_error (error, position, path, saved_errno);
      return FALSE;
    }

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The provider                                                            */

typedef struct
{
  HeyaiStoryboardSpec *spec;
  char                *dest_dir;
  char                *references_note;
} GenerateData;

static void
generate_data_free (GenerateData *data)
{
  heyai_storyboard_spec_free (data->spec);
  g_free (data->dest_dir);
  g_free (data->references_note);
  g_free (data);
}

static char *
build_params (const HeyaiStoryboardSpec *spec,
              int                        width,
              int                        height)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, nonempty (spec->prompt, spec->description, spec->title));
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, heyai_storyboard_seed (spec));
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, height);
  json_builder_set_member_name (builder, "aspect");
  json_builder_add_string_value (builder, heyai_enum_to_string (HEYAI_TYPE_ASPECT, spec->aspect));
  json_builder_set_member_name (builder, "take");
  json_builder_add_int_value (builder, spec->take);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
generate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GenerateData *data = task_data;
  g_autoptr(HeyaiGenResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  int width = 0, height = 0;

  if (g_task_return_error_if_cancelled (task))
    return;

  heyai_aspect_get_size (data->spec->aspect, HEYAI_STORYBOARD_LONG_SIDE, &width, &height);
  surface = heyai_storyboard_render (data->spec, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_task_return_new_error (task, HEYAI_ERROR, HEYAI_ERROR_FAILED,
                               _("Scene %d: the storyboard frame could not be drawn (out of memory)."),
                               data->spec->position);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      cairo_surface_destroy (surface);
      return;
    }

  base = heyai_take_basename (data->spec->position, data->spec->take);
  name = g_strconcat (base, ".png", NULL);
  path = g_build_filename (data->dest_dir, name, NULL);
  if (!save_png (surface, path, data->spec->position, &error))
    {
      cairo_surface_destroy (surface);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cairo_surface_destroy (surface);

  result = heyai_gen_result_new ();
  result->path = g_steal_pointer (&path);
  result->provider = g_strdup ("offline");
  result->model = g_strdup ("storyboard-frame-1");
  result->params = build_params (data->spec, width, height);
  result->seed = heyai_storyboard_seed (data->spec);
  result->cost = 0.0;
  result->references_note = g_strdup (data->references_note);

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) heyai_gen_result_free);
}

static const char *
heyai_imager_offline_get_name (HeyaiImager *imager)
{
  return "offline";
}

static const char *
heyai_imager_offline_get_model (HeyaiImager *imager)
{
  return "storyboard-frame-1";
}

static double
heyai_imager_offline_estimate_cost (HeyaiImager *imager,
                                    HeyaiScene  *scene)
{
  return 0.0;
}

static void
heyai_imager_offline_generate_async (HeyaiImager         *imager,
                                     HeyaiProject        *project,
                                     HeyaiScene          *scene,
                                     const HeyaiGenInput *input,
                                     HeyaiGenReporter    *reporter,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GenerateData *data;

  task = g_task_new (imager, cancellable, callback, user_data);
  g_task_set_source_tag (task, heyai_imager_offline_generate_async);

  data = g_new0 (GenerateData, 1);
  data->spec = heyai_storyboard_spec_new_from_scene (project, scene, MAX (input->take, 1));
  data->dest_dir = g_strdup (input->dest_dir);
  data->references_note = heyai_gen_references_note (input, 0, FALSE,
                                                     _("the offline storyboard takes no reference images"),
                                                     NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) generate_data_free);

  /* Low priority, at most cores - 1 renders at once (heyai-background.c). */
  heyai_background_run (task, generate_thread, (GDestroyNotify) heyai_gen_result_free);
}

static HeyaiGenResult *
heyai_imager_offline_generate_finish (HeyaiImager   *imager,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, imager), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        heyai_imager_offline_generate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
heyai_imager_offline_iface_init (HeyaiImagerInterface *iface)
{
  iface->get_name = heyai_imager_offline_get_name;
  iface->get_model = heyai_imager_offline_get_model;
  iface->estimate_cost = heyai_imager_offline_estimate_cost;
  iface->generate_async = heyai_imager_offline_generate_async;
  iface->generate_finish = heyai_imager_offline_generate_finish;
}

static void
heyai_imager_offline_class_init (HeyaiImagerOfflineClass *klass)
{
}

static void
heyai_imager_offline_init (HeyaiImagerOffline *self)
{
}

HeyaiImager *
heyai_imager_offline_new (void)
{
  return g_object_new (HEYAI_TYPE_IMAGER_OFFLINE, NULL);
}
