/* heyai-limited-input-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-limited-input-stream.h"

struct _HeyaiLimitedInputStream
{
  GFilterInputStream parent_instance;
  goffset            remaining;
};

G_DEFINE_FINAL_TYPE (HeyaiLimitedInputStream, heyai_limited_input_stream, G_TYPE_FILTER_INPUT_STREAM)

static gssize
heyai_limited_input_stream_read (GInputStream  *stream,
                                 void          *buffer,
                                 gsize          count,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  HeyaiLimitedInputStream *self = HEYAI_LIMITED_INPUT_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize n;

  if (self->remaining <= 0)
    return 0;
  n = g_input_stream_read (base, buffer, MIN ((goffset) count, self->remaining), cancellable, error);
  if (n > 0)
    self->remaining -= n;
  return n;
}

static gssize
heyai_limited_input_stream_skip (GInputStream  *stream,
                                 gsize          count,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  HeyaiLimitedInputStream *self = HEYAI_LIMITED_INPUT_STREAM (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  gssize n;

  if (self->remaining <= 0)
    return 0;
  n = g_input_stream_skip (base, MIN ((goffset) count, self->remaining), cancellable, error);
  if (n > 0)
    self->remaining -= n;
  return n;
}

static void
heyai_limited_input_stream_class_init (HeyaiLimitedInputStreamClass *klass)
{
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  stream_class->read_fn = heyai_limited_input_stream_read;
  stream_class->skip = heyai_limited_input_stream_skip;
}

static void
heyai_limited_input_stream_init (HeyaiLimitedInputStream *self)
{
}

GInputStream *
heyai_limited_input_stream_new (GInputStream *base,
                                goffset       limit)
{
  HeyaiLimitedInputStream *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);

  self = g_object_new (HEYAI_TYPE_LIMITED_INPUT_STREAM,
                       "base-stream", base,
                       "close-base-stream", FALSE,
                       NULL);
  self->remaining = MAX (limit, 0);
  return G_INPUT_STREAM (self);
}
