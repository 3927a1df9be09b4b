/* heyai-preferences-window.h: providers, keys (keyring), Drive, budget, defaults.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include "heyai-application.h"
#include "heyai-drive-signin.h"
#include "heyai-provider-descriptors.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_PREFERENCES_WINDOW (heyai_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiPreferencesWindow, heyai_preferences_window, HEYAI, PREFERENCES_WINDOW, AdwPreferencesWindow)

HeyaiPreferencesWindow *heyai_preferences_window_new (HeyaiApplication *app);
/* Tests: the row of a credential field (@part of the keyring entry @spec):
 * an AdwPasswordEntryRow, or an insensitive AdwActionRow "Set by VARIABLE"
 * when the environment supplies it; NULL when there is no such field. */
GtkWidget              *heyai_preferences_window_get_key_field (HeyaiPreferencesWindow *self,
                                                                const HeyaiSecretSpec  *spec,
                                                                HeyaiSecretPart         part);
/* Tests: the password row of a one-field key, NULL when not editable. */
AdwPasswordEntryRow    *heyai_preferences_window_get_key_row (HeyaiPreferencesWindow *self,
                                                              const HeyaiSecretSpec  *spec);
/* Tests: the Drive sign-in page and the account row. */
HeyaiDriveSignin       *heyai_preferences_window_get_drive_signin (HeyaiPreferencesWindow *self);
AdwActionRow           *heyai_preferences_window_get_drive_row    (HeyaiPreferencesWindow *self);
/* Tests: TRUE once every key row was filled from the keyring. */
gboolean                heyai_preferences_window_get_keys_loaded (HeyaiPreferencesWindow *self);

G_END_DECLS
