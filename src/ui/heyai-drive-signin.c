/* heyai-drive-signin.c: the Google Drive sign-in page.
 *
 * The sign-in used to say only "Sign in to Google in your browser", with
 * the address printed on the terminal: on a computer where no browser opens
 * by itself the producer was stuck.  This page shows the address, copies it
 * and opens it, waits visibly, and ends with the account (or the full error).
 * The preferences window hosts it (a dialog or a subpage).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "heyai-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "heyai-drive-signin.h"

struct _HeyaiDriveSignin
{
  GtkWidget     parent_instance;

  GtkWidget    *box;
  GtkLabel     *uri_label;
  GtkWidget    *uri_box;
  GtkButton    *copy_button;
  GtkSpinner   *spinner;
  GtkLabel     *status_label;

  HeyaiOauth   *oauth;
  GCancellable *cancellable;
  char         *uri;
};

enum { CONNECTED, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (HeyaiDriveSignin, heyai_drive_signin, GTK_TYPE_WIDGET)

static void
set_status (HeyaiDriveSignin *self,
            const char       *text,
            gboolean          waiting)
{
  gtk_label_set_label (self->status_label, text);
  gtk_spinner_set_spinning (self->spinner, waiting);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), waiting);
}

static void
launch_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HeyaiDriveSignin) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error) && self->uri != NULL)
    {
      /* Nothing lost: the address is on the page. */
      g_autofree char *text = g_strdup_printf (_("No web browser opened (%s). Copy the address above into a "
                                                 "browser, on this computer or another, and sign in there."),
                                               error->message);
      set_status (self, text, TRUE);
    }
}

static void
open_clicked_cb (HeyaiDriveSignin *self)
{
  if (self->uri != NULL)
    g_app_info_launch_default_for_uri_async (self->uri, NULL, NULL, launch_cb, g_object_ref (self));
}

static void
copy_clicked_cb (HeyaiDriveSignin *self)
{
  if (self->uri == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->uri);
  gtk_button_set_label (self->copy_button, _("Copied"));
}

/* HeyaiOauthOpenUriFunc: Google's page is ready. */
static void
open_uri_cb (const char *uri,
             gpointer    user_data)
{
  HeyaiDriveSignin *self = user_data;

  g_free (self->uri);
  self->uri = g_strdup (uri);
  gtk_label_set_label (self->uri_label, uri);
  gtk_widget_set_visible (self->uri_box, TRUE);
  gtk_button_set_label (self->copy_button, _("_Copy Address"));
  set_status (self, _("Waiting for you to sign in… HeyAI Studio connects as soon as you do."), TRUE);
  open_clicked_cb (self);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HeyaiDriveSignin) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!heyai_oauth_connect_finish (HEYAI_OAUTH (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_status (self, _("Sign-in cancelled."), FALSE);
          return;
        }
      set_status (self, error->message, FALSE);
      g_signal_emit (self, signals[FAILED], 0, error->message);
      return;
    }
  gtk_widget_set_visible (self->uri_box, FALSE);
  set_status (self, _("Connected to Google Drive."), FALSE);
  g_signal_emit (self, signals[CONNECTED], 0);
}

void
heyai_drive_signin_start (HeyaiDriveSignin *self,
                          HeyaiOauth       *oauth)
{
  g_return_if_fail (HEYAI_IS_DRIVE_SIGNIN (self));
  g_return_if_fail (HEYAI_IS_OAUTH (oauth));

  heyai_drive_signin_cancel (self);
  g_set_object (&self->oauth, oauth);
  self->cancellable = g_cancellable_new ();
  heyai_oauth_set_open_uri_func (oauth, open_uri_cb, self, NULL);
  set_status (self, _("Preparing Google’s sign-in page…"), TRUE);
  heyai_oauth_connect_async (oauth, self->cancellable, connect_cb, g_object_ref (self));
}

void
heyai_drive_signin_cancel (HeyaiDriveSignin *self)
{
  g_return_if_fail (HEYAI_IS_DRIVE_SIGNIN (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->oauth != NULL)
    heyai_oauth_set_open_uri_func (self->oauth, NULL, NULL, NULL);
  g_clear_object (&self->oauth);
}

void
heyai_drive_signin_set_account (HeyaiDriveSignin *self,
                                const char       *account)
{
  g_autofree char *text = NULL;

  g_return_if_fail (HEYAI_IS_DRIVE_SIGNIN (self));

  gtk_widget_set_visible (self->uri_box, FALSE);
  if (account == NULL || *account == '\0')
    {
      set_status (self, _("Not connected"), FALSE);
      return;
    }
  /* Translators: the Google account Drive is connected with */
  text = g_strdup_printf (_("Connected as %s"), account);
  set_status (self, text, FALSE);
}

const char *
heyai_drive_signin_get_uri (HeyaiDriveSignin *self)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE_SIGNIN (self), NULL);
  return self->uri;
}

const char *
heyai_drive_signin_get_status (HeyaiDriveSignin *self)
{
  g_return_val_if_fail (HEYAI_IS_DRIVE_SIGNIN (self), NULL);
  return gtk_label_get_label (self->status_label);
}

static void
heyai_drive_signin_dispose (GObject *object)
{
  HeyaiDriveSignin *self = HEYAI_DRIVE_SIGNIN (object);

  heyai_drive_signin_cancel (self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->uri, g_free);

  G_OBJECT_CLASS (heyai_drive_signin_parent_class)->dispose (object);
}

static void
heyai_drive_signin_class_init (HeyaiDriveSigninClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = heyai_drive_signin_dispose;
  signals[CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* Built in code: a handful of widgets, no template needed. */
static void
heyai_drive_signin_init (HeyaiDriveSignin *self)
{
  GtkWidget *title, *body, *buttons, *open, *status_row;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (self->box, 18);
  gtk_widget_set_margin_end (self->box, 18);
  gtk_widget_set_margin_top (self->box, 18);
  gtk_widget_set_margin_bottom (self->box, 18);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  title = gtk_label_new (_("Connect Google Drive"));
  gtk_widget_add_css_class (title, "title-2");
  gtk_box_append (GTK_BOX (self->box), title);
  body = gtk_label_new (_("Sign in to Google in a web browser and allow HeyAI Studio to keep its project folders "
                          "in your Drive. It only sees the files it creates."));
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_justify (GTK_LABEL (body), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (self->box), body);

  self->uri_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_visible (self->uri_box, FALSE);
  self->uri_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_selectable (self->uri_label, TRUE);
  gtk_label_set_wrap (self->uri_label, TRUE);
  gtk_label_set_wrap_mode (self->uri_label, PANGO_WRAP_CHAR);
  gtk_label_set_lines (self->uri_label, 4);
  gtk_label_set_ellipsize (self->uri_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (self->uri_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->uri_label), "monospace");
  gtk_widget_add_css_class (GTK_WIDGET (self->uri_label), "caption");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->uri_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sign-in address"), -1);
  gtk_box_append (GTK_BOX (self->uri_box), GTK_WIDGET (self->uri_label));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  self->copy_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Copy Address")));
  g_signal_connect_swapped (self->copy_button, "clicked", G_CALLBACK (copy_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (self->copy_button));
  open = gtk_button_new_with_mnemonic (_("_Open in Browser"));
  gtk_widget_add_css_class (open, "suggested-action");
  g_signal_connect_swapped (open, "clicked", G_CALLBACK (open_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), open);
  gtk_box_append (GTK_BOX (self->uri_box), buttons);
  gtk_box_append (GTK_BOX (self->box), self->uri_box);

  status_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_halign (status_row, GTK_ALIGN_CENTER);
  self->spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_box_append (GTK_BOX (status_row), GTK_WIDGET (self->spinner));
  self->status_label = GTK_LABEL (gtk_label_new (_("Not connected")));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_selectable (self->status_label, TRUE);
  gtk_box_append (GTK_BOX (status_row), GTK_WIDGET (self->status_label));
  gtk_box_append (GTK_BOX (self->box), status_row);
}

GtkWidget *
heyai_drive_signin_new (void)
{
  return g_object_new (HEYAI_TYPE_DRIVE_SIGNIN, NULL);
}
