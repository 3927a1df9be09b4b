/* heyai-drive-signin.h: the Google Drive sign-in page (for Preferences).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "heyai-oauth.h"

G_BEGIN_DECLS

#define HEYAI_TYPE_DRIVE_SIGNIN (heyai_drive_signin_get_type ())
G_DECLARE_FINAL_TYPE (HeyaiDriveSignin, heyai_drive_signin, HEYAI, DRIVE_SIGNIN, GtkWidget)

/* Signals: "connected" () once Google answered, "failed" (const char *message). */
GtkWidget  *heyai_drive_signin_new         (void);
/* Starts @oauth's sign-in: the page shows the address to open (with Copy and
 * Open buttons, for a computer where no browser opens by itself) and waits. */
void        heyai_drive_signin_start       (HeyaiDriveSignin *self,
                                            HeyaiOauth       *oauth);
void        heyai_drive_signin_cancel      (HeyaiDriveSignin *self);
/* After "connected": shows "Connected as @account". */
void        heyai_drive_signin_set_account (HeyaiDriveSignin *self,
                                            const char       *account);
/* The sign-in address shown, or NULL before Google's page is ready (tests). */
const char *heyai_drive_signin_get_uri     (HeyaiDriveSignin *self);
/* The status line ("Waiting…", "Connected as …", the error) (tests). */
const char *heyai_drive_signin_get_status  (HeyaiDriveSignin *self);

G_END_DECLS
