/*
 * server/csrf.h — cross-site request forgery, checked once for every route.
 *
 * The admission path of server/http.c calls these for every request that may change
 * something (POST, PUT, PATCH, DELETE), driven by the route's flags; no handler checks
 * CSRF itself. A request is refused (403) when the browser says it comes from another
 * site (Sec-Fetch-Site) or its Origin is not km0's own. Then an HTML form route needs
 * the form's csrf field to match the session's token (a visitor's: its km0_csrf
 * cookie); an API route needs a JSON body (Content-Type: application/json, which no
 * cross-site form can send without a CORS preflight that km0 never grants) or the
 * X-CSRF-Token header with that token.
 */
#ifndef KM0_CSRF_H
#define KM0_CSRF_H

#include "http.h"

/* Does this request change something (POST, PUT, PATCH, DELETE)? */
bool csrf_unsafe_method(const http_req *req);
/* Headers only, before the session is known: Sec-Fetch-Site and Origin. */
bool csrf_origin_ok_or_reply(http_req *req);
/* After the session is loaded, before the body: API routes' content type or header token. */
bool csrf_api_ok_or_reply(http_req *req);
/* With the whole body: an HTML route's form, parsed once (req->form) with its token. */
bool csrf_form_ok_or_reply(http_req *req);

#endif
