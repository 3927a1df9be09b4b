/* fake-kling.c: placeholder, the clients engineer replaces it with the real
 * kling fake (see heyai-fake.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-fake.h"

void
heyai_fake_kling_install (HeyaiFake *fake)
{
}
