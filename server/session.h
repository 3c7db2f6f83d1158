/*
 * server/session.h — the request's session, the hub it concerns, login and logout.
 */
#ifndef KM0_SESSION_H
#define KM0_SESSION_H

#include "../core/account.h"
#include "../core/config.h"
#include "http.h"

/* Load the session named by the km0_session cookie, if any (db_status). */
int session_load(http_req *req);
/* Resolve the hub for a request without a session (server/hub_select.h). */
int session_default_hub(http_req *req);
/* Start a new session for user (a fresh token: no session fixation) and set the cookie.
 * Any session the request came with is ended first. */
int session_start(http_req *req, const account_user *user);
/* End the request's session server-side and clear the cookie. */
int session_end(http_req *req);
/* Periodic work of the server's timer thread (expired sessions, cycle transitions). */
void server_tick(void);

/* The session cookie's name: "__Host-km0_session" where cookies are Secure (behind
 * HTTPS), which browsers accept only with Secure, Path=/ and no Domain, so a
 * sibling sub-domain or a plain-HTTP page cannot set or overwrite it; else
 * "km0_session". */
#define SESSION_COOKIE (g_config.secure_cookies ? "__Host-km0_session" : "km0_session")

#endif
