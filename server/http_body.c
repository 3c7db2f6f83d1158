/*
 * server/http_body.c — compression and caching of reply bodies.
 *
 * Caching follows what a page is: a personal page (an order, the desk) is never
 * stored anywhere (no-store, the default); the anonymous shop is the same for
 * every visitor of a language, so a browser or proxy may keep it and ask again
 * each time with If-None-Match, and gets a 304 without the body when nothing
 * changed; the stylesheet and the icon live at versioned addresses
 * (/static/km0.<hash>.css), so their copies are good for a year.
 *
 * The ETag is computed on the page as built, before compression, and is weak:
 * the brotli and gzip forms of one page are the same page.
 */
#include "http_body.h"
#include "compress.h"
#include "negotiate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cache_headers(http_req *req, struct MHD_Response *resp, const char *etag)
{
    switch (req->cache) {
    case HTTP_CACHE_REVALIDATE:
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
        if (etag)
            MHD_add_response_header(resp, "ETag", etag);
        /* the page depends on who asks (session cookie) and in which language */
        MHD_add_response_header(resp, "Vary", "Accept-Encoding, Accept-Language, Cookie");
        break;
    case HTTP_CACHE_HOUR:
        MHD_add_response_header(resp, "Cache-Control", "public, max-age=3600");
        break;
    case HTTP_CACHE_IMMUTABLE:
        MHD_add_response_header(resp, "Cache-Control", "public, max-age=31536000, immutable");
        if (etag)
            MHD_add_response_header(resp, "ETag", etag);
        break;
    case HTTP_CACHE_NO_STORE:
        break; /* server/http.c adds no-store */
    }
}

struct MHD_Response *http_body_response(http_req *req, int *status, const char *content_type,
                                        void *data, size_t len, bool take)
{
    /* a reply that sets a cookie is someone's own: never kept, never revalidated */
    if (req->ncookies && req->cache == HTTP_CACHE_REVALIDATE)
        req->cache = HTTP_CACHE_NO_STORE;
    char etag[80];
    bool tagged = (req->cache == HTTP_CACHE_REVALIDATE || req->etag) && *status == 200;
    if (tagged) {
        if (req->etag)
            snprintf(etag, sizeof etag, "%s", req->etag);
        else
            neg_etag(data, len, etag);
        if (neg_etag_matches(http_header(req, "If-None-Match"), etag)) {
            if (take)
                free(data);
            struct MHD_Response *r = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
            cache_headers(req, r, etag);
            *status = 304;
            return r;
        }
    }
    bool compressible = compress_type_ok(content_type) && *status != 204 && *status != 304;
    neg_coding coding =
        compressible ? neg_coding_pick(http_header(req, "Accept-Encoding")) : NEG_IDENTITY;
    void *packed;
    size_t packed_len;
    struct MHD_Response *r;
    if (coding != NEG_IDENTITY && compress_body(coding, data, len, &packed, &packed_len)) {
        if (take)
            free(data);
        r = MHD_create_response_from_buffer(packed_len, packed, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(r, "Content-Encoding", neg_coding_name(coding));
    } else {
        r = MHD_create_response_from_buffer(len, data,
                                            take ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_MUST_COPY);
    }
    MHD_add_response_header(r, "Content-Type", content_type);
    if (compressible && req->cache != HTTP_CACHE_REVALIDATE)
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
    cache_headers(req, r, tagged ? etag : NULL);
    return r;
}
