/*
 * server/hub_select.h — which hub a request without a session is about.
 *
 * A logged-in request is about its user's hub (server/session.c). Otherwise, in
 * this order: the Host header through config "hub_hosts" (an exact entry, then a
 * sub-domain whose slug names a hub), through the database's hub_hosts (the names
 * coordinators give on the desk, served from the next request on), then config
 * "hub", then the only hub of the database. A Host the configuration names whose
 * hub does not exist leaves req->hub_id at 0, which the HTTP core answers with 404
 * unknown_hub (except on routes that need no hub).
 */
#ifndef KM0_HUB_SELECT_H
#define KM0_HUB_SELECT_H

#include "http.h"

/* Parse config "hub_hosts" once at start-up; -1 with a message on stderr. */
int hub_select_load(void);
/* The slug "hub_hosts" gives for host (a Host header value, may be NULL), or
 * NULL; the result lives in a. */
const char *hub_select_slug(arena *a, const char *host);
/* Same, telling whether a sub-domain entry ("*.DOMAIN") gave it, and the host as
 * compared (lower case, no port, no final dot) in host_out ("" when the header is
 * no host name). */
const char *hub_select_match(arena *a, const char *header, bool *wildcard, char *host_out,
                             size_t host_len);
/* Whether the configuration leaves host (as stored: core/hub_identity.h) free for hub:
 * an exact entry of hub_hosts names another slug, or a sub-domain entry makes it
 * another existing hub's, and *taken is true (db_status). */
int hub_select_config_taken(http_req *req, const char *host, int64_t hub, bool *taken);
/* Set req->hub_id for a request without a session (db_status). */
int hub_select(http_req *req);

#endif
