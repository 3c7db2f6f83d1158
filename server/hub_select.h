/*
 * server/hub_select.h — which hub a request without a session is about.
 *
 * A logged-in request is about its user's hub (server/session.c). Otherwise, in
 * this order: the Host header through config "hub_hosts", config "hub", the
 * only hub of the database. No hub found leaves req->hub_id at 0, which the
 * HTTP core answers with 404 unknown_hub (except on routes that need no hub).
 */
#ifndef KM0_HUB_SELECT_H
#define KM0_HUB_SELECT_H

#include "http.h"

/* Parse config "hub_hosts" once at start-up; -1 with a message on stderr. */
int hub_select_load(void);
/* The slug "hub_hosts" gives for host (a Host header value, may be NULL), or
 * NULL; the result lives in a. */
const char *hub_select_slug(arena *a, const char *host);
/* Set req->hub_id for a request without a session (db_status). */
int hub_select(http_req *req);

#endif
