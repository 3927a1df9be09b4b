/* fake-google.c: Google OAuth token endpoint + Drive v3 (being written).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "heyai-fake.h"

void
heyai_fake_google_install (HeyaiFake *fake)
{
  heyai_fake_add_env (fake, "HEYAI_DRIVE_BASE_URL", "/google/drive/v3");
  heyai_fake_add_env (fake, "HEYAI_DRIVE_UPLOAD_BASE_URL", "/google/upload/drive/v3");
  heyai_fake_add_env (fake, "HEYAI_GOOGLE_AUTH_URL", "/google/o/oauth2/v2/auth");
  heyai_fake_add_env (fake, "HEYAI_GOOGLE_TOKEN_URL", "/google/token");
}
