/* heyai-error.h: the one error domain of libheyai.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HEYAI_ERROR (heyai_error_quark ())

typedef enum
{
  HEYAI_ERROR_FAILED,          /* anything else */
  HEYAI_ERROR_INVALID_INPUT,   /* empty, binary, too large or malformed input */
  HEYAI_ERROR_NOT_FOUND,       /* unknown project / scene id */
  HEYAI_ERROR_SCHEMA_TOO_NEW,  /* database written by a newer HeyAI Studio */
  HEYAI_ERROR_DATABASE,        /* SQLite failure */
  HEYAI_ERROR_NO_SPACE,        /* disk full */
  HEYAI_ERROR_PERMISSION,      /* read-only or unwritable location */
  HEYAI_ERROR_CREDENTIALS,     /* missing, bad or revoked key (final) */
  HEYAI_ERROR_QUOTA,           /* no credits, balance, quota (final) */
  HEYAI_ERROR_MODERATION,      /* refused by content policy (final) */
  HEYAI_ERROR_VALIDATION,      /* request rejected as invalid by the service (final) */
  HEYAI_ERROR_RETRYABLE,       /* 429/5xx/time-out after retries ran out */
  HEYAI_ERROR_PROVIDER,        /* broken or unexpected provider response */
  HEYAI_ERROR_CANCELLED,       /* the user cancelled (G_IO_ERROR_CANCELLED is also used) */
  HEYAI_ERROR_BUDGET,          /* the batch would exceed the budget cap */
  HEYAI_ERROR_IN_DOUBT,        /* a submit's answer was lost: it may have been accepted and
                                * billed; never retried automatically (no idempotency key) */
  HEYAI_ERROR_CAPACITY,        /* the account's concurrency or rate limit refused the request;
                                * nothing was accepted or billed: the pipeline lowers the
                                * provider's in-flight limit and sends it again later */
} HeyaiError;

GQuark heyai_error_quark (void);

G_END_DECLS
