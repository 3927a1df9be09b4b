/* heyai-preferences-window.h: providers, keys (keyring), Drive, budget, defaults.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-application.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_PREFERENCES_WINDOW (heyai_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiPreferencesWindow, heyai_preferences_window, HEYAI, PREFERENCES_WINDOW, AdwPreferencesWindow)

HeyaiPreferencesWindow *heyai_preferences_window_new (HeyaiApplication *app);
/* Tests: the password row for a keyring service ("openai", "kling-access", ...). */
AdwPasswordEntryRow    *heyai_preferences_window_get_key_row (HeyaiPreferencesWindow *self,
                                                              const char             *service);
/* Tests: TRUE once every key row was filled from the keyring. */
gboolean                heyai_preferences_window_get_keys_loaded (HeyaiPreferencesWindow *self);

G_END_DECLS
