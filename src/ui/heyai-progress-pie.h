/* heyai-progress-pie.h: the header's batch progress, a 16 px pie that fills
 * as jobs finish.  It draws only when the fraction changes: a spinning
 * GtkSpinner redrew the header every frame of a batch, and with GTK 4.8's
 * X11 cairo context each of those frames repainted the bounding box of the
 * header and whatever card changed with it (most of the window).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEYAI_TYPE_PROGRESS_PIE (heyai_progress_pie_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiProgressPie, heyai_progress_pie, HEYAI, PROGRESS_PIE, GtkWidget)

void       heyai_progress_pie_set_fraction (HeyaiProgressPie *self,
                                            double            fraction);
double     heyai_progress_pie_get_fraction (HeyaiProgressPie *self);

G_END_DECLS
