/*
 * mail/mail.h — the mail worker: events into messages, messages to the relay.
 *
 * A worker is a thread with its own database connection and its own SMTP connection.
 * It turns due events into messages (mail/mail_fanout.c), then claims due messages a
 * batch at a time (core/outbox.h) and sends each, writing its outcome right after the
 * relay's answer. km0 serve runs mail_threads of them; km0 mail run runs them in the
 * foreground instead (or as well: claims never overlap). Worker 0 also runs the
 * periodic jobs: void claims given back, "closes soon" reminders queued, sent messages
 * and expired tokens removed, idle accounts closed.
 *
 * Exactly once is impossible over SMTP: a message is sent twice only if the sender
 * dies, or loses its database, between the relay's 250 and the moment its "sent"
 * reaches PostgreSQL (docs/operations.md, "Messages").
 */
#ifndef KM0_MAIL_H
#define KM0_MAIL_H

#include "../core/arena.h"
#include "../core/db.h"
#include "../core/mime.h"
#include "../core/outbox.h"

#include <stdbool.h>
#include <stddef.h>

/* km0 serve: start n workers (none when n is 0); mail_stop ends them (after the
 * message each is sending). */
void mail_start(int n);
void mail_stop(void);

/* km0 mail run: n workers in the foreground until SIGINT/SIGTERM, or with once until
 * nothing is due (events, messages whose time has come). Returns an exit code. */
int mail_run(int n, bool once);

/* Make the messages of one event (in the caller's transaction): how many, or a
 * db_status; *later_s > 0 when the event must wait (nothing was made). */
int mail_fanout(db_conn *c, arena *a, const outbox_pending_event *ev, int *later_s);

enum { MAIL_ATTACH_OK = 0, MAIL_ATTACH_TEMPORARY, MAIL_ATTACH_PERMANENT };
/* The files of a message, rendered now (why gets a reason on failure). */
int mail_attachments(db_conn *c, arena *a, int64_t hub, const char *json, const char *lang,
                     mime_file **files, size_t *n, char *why, size_t whylen);

/* The periodic jobs, once (worker 0 runs them every few seconds). */
void mail_periodic(db_conn *c, bool hourly);

#endif
