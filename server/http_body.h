/*
 * server/http_body.h — the hook every reply body of server/http.c goes through:
 * compression the client accepts, and the caching its handler asked for.
 */
#ifndef KM0_HTTP_BODY_H
#define KM0_HTTP_BODY_H

#include "http.h"

#include <microhttpd.h>
#include <stdbool.h>

/* The libmicrohttpd response for a reply body of content_type. Compressed (brotli or
 * gzip, with Content-Encoding and Vary) when the client accepts it and it pays; with
 * the Cache-Control (and ETag) req->cache asks for; an empty 304 instead when the
 * request's If-None-Match names the body's ETag (*status becomes 304). take: data was
 * malloc'd and is the response's now; otherwise it is copied. */
struct MHD_Response *http_body_response(http_req *req, int *status, const char *content_type,
                                        void *data, size_t len, bool take);

#endif
