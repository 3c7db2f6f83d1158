/*
 * server/page_error.h — errors as pages people can act on: in their language, with
 * the site's navigation, saying what to do next.
 */
#ifndef KM0_PAGE_ERROR_H
#define KM0_PAGE_ERROR_H

#include "http.h"

/* Should this request's error be an HTML page rather than JSON? Yes on the site's
 * pages; on the API (and its documents) only for a browser navigating there (Accept
 * names text/html above JSON); at an unknown address unless the client asks for
 * JSON. Scripts keep the JSON error shape everywhere under /api/. */
bool page_error_wanted(http_req *req);

/* The whole error page, replying. code is the JSON error's machine code, kept on the
 * message (data-code) for scripts and tests. */
void page_error(http_req *req, int status, const char *code, const char *message);

#endif
