/* fake-higgsfield.c: placeholder, the clients engineer replaces it with the real
 * higgsfield fake (see heyai-fake.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-fake.h"

void
heyai_fake_higgsfield_install (HeyaiFake *fake)
{
}
