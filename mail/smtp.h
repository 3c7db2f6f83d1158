/*
 * mail/smtp.h — one message to the relay over SMTP: libcurl opens the session, km0
 * sends on it (mail/smtp.c says why).
 *
 * The relay is the configuration's smtp_url (smtp://host:port with STARTTLS as
 * smtp_tls says, or smtps://), with AUTH when smtp_user is set. A client keeps its
 * session between messages, so a sender that has much to send says EHLO once, and
 * pipelines each message's envelope when the relay offers PIPELINING.
 */
#ifndef KM0_SMTP_H
#define KM0_SMTP_H

#include <stddef.h>

typedef enum {
    SMTP_SENT = 0,  /* the relay answered 250 to the end of the data: it has the message */
    SMTP_TEMPORARY, /* a 4xx about this message: try it again later */
    SMTP_PERMANENT, /* a 5xx about this message (an unknown recipient...): it will never go */
    SMTP_RELAY      /* the relay cannot be reached or refused us (TLS, AUTH): pause, retry */
} smtp_outcome;

typedef struct smtp_client smtp_client;

smtp_client *smtp_client_new(void);
void smtp_client_free(smtp_client *s);
/* Send len bytes of message (headers and body, CRLF lines) from the envelope address
 * from to the address to. why (at least 256 bytes) gets a short reason on failure:
 * the relay's status code and libcurl's words, never a password or an address. */
smtp_outcome smtp_send(smtp_client *s, const char *from, const char *to, const char *message,
                       size_t len, char *why, size_t whylen);

/* Once per process, before any thread sends (curl_global_init is not thread-safe). */
void smtp_global_init(void);

#endif
