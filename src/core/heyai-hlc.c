/* heyai-hlc.c: hybrid logical clock.
 *
 * The clock keeps the last (wall ms, counter) pair it issued or observed.
 * A new stamp uses the wall clock when it moved forward, otherwise the last
 * wall time with the counter bumped, so stamps never go backwards even when
 * the system clock does.  A counter overflow borrows the next millisecond.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "heyai-hlc.h"

#define HLC_COUNTER_MAX 0xffff
#define HLC_WALL_DIGITS 13

struct _HeyaiHlc
{
  GMutex  mutex;
  char   *device_id;
  gint64  last_ms;
  guint   counter;
};

/* Test hook: lets tests move the wall clock (see heyai_hlc_set_clock_func). */
static gint64
default_wall_ms (gpointer user_data)
{
  return g_get_real_time () / 1000;
}

static HeyaiHlcClockFunc clock_func = default_wall_ms;
static gpointer clock_data = NULL;

static gboolean
parse_stamp (const char *stamp,
             gint64     *ms,
             guint      *counter)
{
  gint64 wall = 0;
  guint count = 0;

  if (stamp == NULL)
    return FALSE;

  for (int i = 0; i < HLC_WALL_DIGITS; i++)
    {
      if (!g_ascii_isdigit (stamp[i]))
        return FALSE;
      wall = wall * 10 + (stamp[i] - '0');
    }

  if (stamp[HLC_WALL_DIGITS] != '-')
    return FALSE;

  for (int i = HLC_WALL_DIGITS + 1; i < HLC_WALL_DIGITS + 5; i++)
    {
      if (!g_ascii_isxdigit (stamp[i]))
        return FALSE;
      count = count * 16 + (guint) g_ascii_xdigit_value (stamp[i]);
    }

  if (stamp[HLC_WALL_DIGITS + 5] != '-' && stamp[HLC_WALL_DIGITS + 5] != '\0')
    return FALSE;

  if (ms != NULL)
    *ms = wall;
  if (counter != NULL)
    *counter = count;
  return TRUE;
}

HeyaiHlc *
heyai_hlc_new (const char *device_id)
{
  HeyaiHlc *self;

  self = g_new0 (HeyaiHlc, 1);
  g_mutex_init (&self->mutex);
  self->device_id = g_strdup (device_id != NULL && *device_id != '\0' ? device_id : "local");

  return self;
}

void
heyai_hlc_free (HeyaiHlc *self)
{
  if (self == NULL)
    return;

  g_mutex_clear (&self->mutex);
  g_free (self->device_id);
  g_free (self);
}

char *
heyai_hlc_now (HeyaiHlc *self)
{
  gint64 wall;
  gint64 ms;
  guint counter;

  g_return_val_if_fail (self != NULL, NULL);

  wall = clock_func (clock_data);

  g_mutex_lock (&self->mutex);

  if (wall > self->last_ms)
    {
      self->last_ms = wall;
      self->counter = 0;
    }
  else if (self->counter >= HLC_COUNTER_MAX)
    {
      self->last_ms++;
      self->counter = 0;
    }
  else
    {
      self->counter++;
    }

  ms = self->last_ms;
  counter = self->counter;

  g_mutex_unlock (&self->mutex);

  return g_strdup_printf ("%013" G_GINT64_FORMAT "-%04x-%s", ms, counter, self->device_id);
}

void
heyai_hlc_observe (HeyaiHlc   *self,
                   const char *stamp)
{
  gint64 ms;
  guint counter;

  g_return_if_fail (self != NULL);

  if (!parse_stamp (stamp, &ms, &counter))
    return;

  g_mutex_lock (&self->mutex);

  if (ms > self->last_ms || (ms == self->last_ms && counter > self->counter))
    {
      self->last_ms = ms;
      self->counter = counter;
    }

  g_mutex_unlock (&self->mutex);
}

const char *
heyai_hlc_get_device_id (HeyaiHlc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->device_id;
}

gint64
heyai_hlc_stamp_to_unix_us (const char *stamp)
{
  gint64 ms;

  if (!parse_stamp (stamp, &ms, NULL))
    return 0;

  return ms * 1000;
}

void
heyai_hlc_set_clock_func (HeyaiHlcClockFunc func,
                          gpointer          user_data)
{
  clock_func = func != NULL ? func : default_wall_ms;
  clock_data = func != NULL ? user_data : NULL;
}
