/*
 * server/desk.h — helpers shared by the coordinator desk pages (server/p_desk*.c).
 */
#ifndef KM0_DESK_H
#define KM0_DESK_H

#include "http.h"

/* A one-button POST form (with the CSRF token), e.g. "Open now". name/value is an
 * optional hidden field; cls an extra button class ("secondary", "danger"). */
void desk_action_button(buf *b, http_req *req, const char *action, const char *label,
                        const char *name, const char *value, const char *cls);
/* The notice a redirect announced with ?done=CODE (codes listed in p_desk.c). */
void desk_notice(buf *b, http_req *req);
/* 303 to path?done=code (Post/Redirect/Get). Refusals are not redirected: the
 * handler answers them with http_reply_failure, an error page with the reason. */
void desk_done(http_req *req, const char *path, const char *code);

/* Rebuilds a recorded SEPA batch's file from doc: 0 or -1 (reports/pain001.h,
 * pain008.h). */
typedef int (*desk_file_writer)(const void *doc, buf *out);
/* The download of a recorded SEPA batch's file (desk_batch_file.c): st is what loading
 * the batch returned (a db error is answered as one), doc the batch loaded or NULL when
 * the hub has no such batch (404 missing_code with the message missing); else write
 * rebuilds the file from doc, served as "<message_id>.xml". */
void desk_batch_file(http_req *req, int st, const void *doc, desk_file_writer write,
                     const char *message_id, const char *missing_code, const char *missing);

/* The rounds (with the batch button) and the documents of a cycle (p_desk_week.c). */
void desk_week_sections(buf *b, http_req *req, int64_t cycle, const char *state);

/* Whether host names typed on the desk or sent to the API are free of the server's
 * own configuration (hub_hosts naming another hub): 0, or a 409 refusal naming
 * "hosts", or a db_status (p_desk_identity.c). */
int desk_hosts_free(http_req *req, const char *const *hosts, size_t n, refusal *why);

/* Orders by phone and on paper: the order form and the way to type orders
 * (p_desk_customers.c). */
void desk_paper_section(buf *b, http_req *req, int64_t cycle, const char *state);

#endif
