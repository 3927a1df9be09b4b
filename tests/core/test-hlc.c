/* test-hlc.c: hybrid logical clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-core.h"

static gint64 fake_now_ms;

static gint64
fake_clock (gpointer user_data)
{
  return fake_now_ms;
}

static void
test_format (void)
{
  g_autoptr(HeyaiHlc) hlc = heyai_hlc_new ("6f1c2a9e");
  g_autofree char *stamp = NULL;
  gint64 before = g_get_real_time ();
  gint64 us;

  stamp = heyai_hlc_now (hlc);
  g_assert_cmpuint (strlen (stamp), ==, 13 + 1 + 4 + 1 + 8);
  g_assert_true (g_str_has_suffix (stamp, "-6f1c2a9e"));
  g_assert_cmpstr (heyai_hlc_get_device_id (hlc), ==, "6f1c2a9e");

  us = heyai_hlc_stamp_to_unix_us (stamp);
  g_assert_cmpint (us, >=, before / 1000 * 1000);
  g_assert_cmpint (us, <=, g_get_real_time ());

  g_assert_cmpint (heyai_hlc_stamp_to_unix_us ("1764039600123-0002-6f1c2a9e"), ==, 1764039600123000);
  g_assert_cmpint (heyai_hlc_stamp_to_unix_us ("garbage"), ==, 0);
  g_assert_cmpint (heyai_hlc_stamp_to_unix_us (NULL), ==, 0);
  g_assert_cmpint (heyai_hlc_stamp_to_unix_us ("17640396001x3-0002-a"), ==, 0);
}

static void
test_monotonic (void)
{
  g_autoptr(HeyaiHlc) hlc = heyai_hlc_new ("dev");
  g_autofree char *prev = heyai_hlc_now (hlc);

  /* Far more stamps than milliseconds pass: the counter must carry order. */
  for (int i = 0; i < 20000; i++)
    {
      char *next = heyai_hlc_now (hlc);
      g_assert_cmpint (strcmp (prev, next), <, 0);
      g_free (prev);
      prev = next;
    }
}

static void
test_backwards_clock (void)
{
  g_autoptr(HeyaiHlc) hlc = heyai_hlc_new ("dev");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;

  heyai_hlc_set_clock_func (fake_clock, NULL);

  fake_now_ms = 1764039600000;
  a = heyai_hlc_now (hlc);
  g_assert_cmpstr (a, ==, "1764039600000-0000-dev");

  /* The system clock jumps back an hour. */
  fake_now_ms -= 3600 * 1000;
  b = heyai_hlc_now (hlc);
  g_assert_cmpint (strcmp (a, b), <, 0);
  g_assert_cmpstr (b, ==, "1764039600000-0001-dev");

  /* Counter overflow borrows the next millisecond instead of wrapping. */
  for (int i = 0; i < 0x10000; i++)
    {
      g_autofree char *s = heyai_hlc_now (hlc);
      g_clear_pointer (&c, g_free);
      c = g_steal_pointer (&s);
    }
  g_assert_true (g_str_has_prefix (c, "1764039600001-"));
  g_assert_cmpint (strcmp (b, c), <, 0);

  /* When the clock catches up, wall time is used again. */
  fake_now_ms = 1764039700000;
  d = heyai_hlc_now (hlc);
  g_assert_cmpstr (d, ==, "1764039700000-0000-dev");

  heyai_hlc_set_clock_func (NULL, NULL);
}

static void
test_observe (void)
{
  g_autoptr(HeyaiHlc) hlc = heyai_hlc_new ("aaaa");
  g_autofree char *local = heyai_hlc_now (hlc);
  gint64 future_ms = g_get_real_time () / 1000 + 3600 * 1000;
  g_autofree char *remote = g_strdup_printf ("%013" G_GINT64_FORMAT "-0007-zzzz", future_ms);
  g_autofree char *after = NULL;
  g_autofree char *older = NULL;
  g_autofree char *after2 = NULL;

  heyai_hlc_observe (hlc, remote);
  after = heyai_hlc_now (hlc);
  g_assert_cmpint (strcmp (remote, after), <, 0);
  g_assert_cmpint (strcmp (local, after), <, 0);
  g_assert_cmpint (heyai_hlc_stamp_to_unix_us (after), ==, future_ms * 1000);

  /* Observing an older stamp changes nothing; malformed stamps are ignored. */
  older = g_strdup_printf ("%013" G_GINT64_FORMAT "-0000-zzzz", (gint64) 1000);
  heyai_hlc_observe (hlc, older);
  heyai_hlc_observe (hlc, "not a stamp");
  heyai_hlc_observe (hlc, NULL);
  after2 = heyai_hlc_now (hlc);
  g_assert_cmpint (strcmp (after, after2), <, 0);
}

#define N_THREADS 4
#define N_STAMPS  5000

typedef struct
{
  HeyaiHlc  *hlc;
  char     **stamps;
} ThreadData;

static gpointer
stamp_thread (gpointer data)
{
  ThreadData *td = data;

  for (int i = 0; i < N_STAMPS; i++)
    td->stamps[i] = heyai_hlc_now (td->hlc);

  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(HeyaiHlc) hlc = heyai_hlc_new ("dev");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  ThreadData data[N_THREADS];
  GThread *threads[N_THREADS];

  for (int t = 0; t < N_THREADS; t++)
    {
      data[t].hlc = hlc;
      data[t].stamps = g_new0 (char *, N_STAMPS + 1);
      threads[t] = g_thread_new ("hlc", stamp_thread, &data[t]);
    }

  for (int t = 0; t < N_THREADS; t++)
    {
      g_thread_join (threads[t]);

      for (int i = 0; i < N_STAMPS; i++)
        {
          if (i > 0)
            g_assert_cmpint (strcmp (data[t].stamps[i - 1], data[t].stamps[i]), <, 0);
          g_assert_true (g_hash_table_add (seen, data[t].stamps[i]));
        }
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, N_THREADS * N_STAMPS);

  for (int t = 0; t < N_THREADS; t++)
    g_strfreev (data[t].stamps);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/hlc/format", test_format);
  g_test_add_func ("/core/hlc/monotonic", test_monotonic);
  g_test_add_func ("/core/hlc/backwards-clock", test_backwards_clock);
  g_test_add_func ("/core/hlc/observe", test_observe);
  g_test_add_func ("/core/hlc/threads", test_threads);

  return g_test_run ();
}
