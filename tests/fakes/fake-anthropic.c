/* fake-anthropic.c: placeholder, the clients engineer replaces it with the real
 * anthropic fake (see heyai-fake.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-fake.h"

void
heyai_fake_anthropic_install (HeyaiFake *fake)
{
}
