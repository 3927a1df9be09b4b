/* heyai-progress-pie.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-ui"

#include "config.h"

#include <math.h>

#include "heyai-progress-pie.h"

#define PIE_SIZE 16

struct _HeyaiProgressPie
{
  GtkWidget parent_instance;
  double    fraction;
};

enum
{
  PROP_0,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (HeyaiProgressPie, heyai_progress_pie, GTK_TYPE_WIDGET)

static void
heyai_progress_pie_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = *natural = PIE_SIZE;
}

static void
heyai_progress_pie_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  HeyaiProgressPie *self = HEYAI_PROGRESS_PIE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double size = MIN (width, height);
  double cx = width / 2.0, cy = height / 2.0, r = size / 2.0;
  GdkRGBA color;
  cairo_t *cr;

  if (size <= 2)
    return;
  /* GTK 4.8: the style context is how a widget reads its CSS colour. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The track: the whole disc, faint. */
  cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha * 0.25);
  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  cairo_fill (cr);
  /* What is done: a sector from twelve o'clock, clockwise. */
  if (self->fraction > 0)
    {
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, color.alpha);
      if (self->fraction >= 1)
        cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
      else
        {
          cairo_move_to (cr, cx, cy);
          cairo_arc (cr, cx, cy, r, -G_PI / 2, -G_PI / 2 + 2 * G_PI * self->fraction);
          cairo_close_path (cr);
        }
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

static void
heyai_progress_pie_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HeyaiProgressPie *self = HEYAI_PROGRESS_PIE (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_progress_pie_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HeyaiProgressPie *self = HEYAI_PROGRESS_PIE (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      heyai_progress_pie_set_fraction (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
heyai_progress_pie_class_init (HeyaiProgressPieClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = heyai_progress_pie_get_property;
  object_class->set_property = heyai_progress_pie_set_property;
  widget_class->measure = heyai_progress_pie_measure;
  widget_class->snapshot = heyai_progress_pie_snapshot;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "progresspie");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PROGRESS_BAR);
}

static void
heyai_progress_pie_init (HeyaiProgressPie *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 1.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, 0.0,
                                  -1);
}

void
heyai_progress_pie_set_fraction (HeyaiProgressPie *self,
                                 double            fraction)
{
  g_return_if_fail (HEYAI_IS_PROGRESS_PIE (self));

  fraction = isnan (fraction) ? 0.0 : CLAMP (fraction, 0.0, 1.0);
  if (fraction == self->fraction)
    return;
  self->fraction = fraction;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, fraction, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

double
heyai_progress_pie_get_fraction (HeyaiProgressPie *self)
{
  g_return_val_if_fail (HEYAI_IS_PROGRESS_PIE (self), 0.0);

  return self->fraction;
}
