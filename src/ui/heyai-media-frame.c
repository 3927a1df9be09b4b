/* heyai-media-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-media-frame.h"

struct _HeyaiMediaFrame
{
  GtkWidget  parent_instance;
  GtkWidget *child;
};

static void buildable_iface_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HeyaiMediaFrame, heyai_media_frame, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, buildable_iface_init))

static GtkBuildableIface *parent_buildable_iface;

static void
add_child (GtkBuildable *buildable,
           GtkBuilder   *builder,
           GObject      *child,
           const char   *type)
{
  if (GTK_IS_WIDGET (child))
    heyai_media_frame_set_child (HEYAI_MEDIA_FRAME (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
buildable_iface_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = add_child;
}

static void
heyai_media_frame_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  HeyaiMediaFrame *self = HEYAI_MEDIA_FRAME (widget);
  int request_w, request_h, request, child_min = 0;

  gtk_widget_get_size_request (widget, &request_w, &request_h);
  request = MAX (0, orientation == GTK_ORIENTATION_HORIZONTAL ? request_w : request_h);
  if (self->child != NULL)
    gtk_widget_measure (self->child, orientation, -1, &child_min, NULL, NULL, NULL);
  *minimum = MAX (request, child_min);
  *natural = *minimum;
}

static void
heyai_media_frame_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  HeyaiMediaFrame *self = HEYAI_MEDIA_FRAME (widget);

  if (self->child != NULL)
    gtk_widget_allocate (self->child, width, height, baseline, NULL);
}

static void
heyai_media_frame_dispose (GObject *object)
{
  HeyaiMediaFrame *self = HEYAI_MEDIA_FRAME (object);

  g_clear_pointer (&self->child, gtk_widget_unparent);

  G_OBJECT_CLASS (heyai_media_frame_parent_class)->dispose (object);
}

static void
heyai_media_frame_class_init (HeyaiMediaFrameClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_media_frame_dispose;
  widget_class->measure = heyai_media_frame_measure;
  widget_class->size_allocate = heyai_media_frame_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "mediaframe");
}

static void
heyai_media_frame_init (HeyaiMediaFrame *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
heyai_media_frame_new (void)
{
  return g_object_new (HEYAI_TYPE_MEDIA_FRAME, NULL);
}

void
heyai_media_frame_set_child (HeyaiMediaFrame *self,
                             GtkWidget       *child)
{
  g_return_if_fail (HEYAI_IS_MEDIA_FRAME (self));

  g_clear_pointer (&self->child, gtk_widget_unparent);
  if (child != NULL)
    {
      self->child = child;
      gtk_widget_set_parent (child, GTK_WIDGET (self));
    }
}

GtkWidget *
heyai_media_frame_get_child (HeyaiMediaFrame *self)
{
  g_return_val_if_fail (HEYAI_IS_MEDIA_FRAME (self), NULL);
  return self->child;
}
