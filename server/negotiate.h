/*
 * server/negotiate.h — what a client accepts: content codings, HTML or JSON, and
 * whether the copy it holds is still good (ETag).
 *
 * Pure functions over header values, no libmicrohttpd and no database, so
 * tests/fuzz/fuzz_query.c can drive them with any bytes; server/http_body.c and
 * server/page_error.c call them on the real request.
 */
#ifndef KM0_NEGOTIATE_H
#define KM0_NEGOTIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { NEG_IDENTITY = 0, NEG_GZIP, NEG_BROTLI } neg_coding;

/* The coding km0 should send for this Accept-Encoding value (RFC 9110 §12.5.3):
 * brotli when it is acceptable at least as much as gzip, gzip when only that is,
 * identity when neither is (absent header, "identity", or q=0). NULL = absent. */
neg_coding neg_coding_pick(const char *accept_encoding);
/* "br", "gzip" or NULL for identity: the Content-Encoding value. */
const char *neg_coding_name(neg_coding c);

/* The client names text/html in Accept and weighs it above JSON: a browser
 * navigating, not a script. An absent header or a bare wildcard says no. */
bool neg_prefers_html(const char *accept);
/* The client weighs JSON above HTML (application/json named, text/html less or not
 * at all): a script calling a page's address. */
bool neg_prefers_json(const char *accept);

/* The weak ETag of a body: W/"<16 hex digits>" (FNV-1a, 64 bits) into out[24]. */
void neg_etag(const void *data, size_t len, char out[24]);
/* If-None-Match holds this ETag (weak comparison, "*" matches anything). */
bool neg_etag_matches(const char *if_none_match, const char *etag);

#endif
