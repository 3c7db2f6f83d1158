/*
 * server/h_photo.c — GET /photos/{digest}/{file}: a product photo's variant.
 *
 * The address names the photo by the SHA-256 of its upload and the variant by its
 * file name (thumb.webp, page.webp, thumb.avif, page.avif): its bytes never change,
 * so the reply is cached a year (immutable) with a strong ETag, and a browser asking
 * again with If-None-Match gets a 304. Photos are the hub's: another hub's digest
 * answers 404 like one that does not exist.
 */
#include "../core/photo.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

void h_photo(http_req *req)
{
    const char *digest = http_param(req, "digest"), *file = http_param(req, "file");
    bool avif = !strcmp(file, "thumb.avif") || !strcmp(file, "page.avif");
    bool known = avif || !strcmp(file, "thumb.webp") || !strcmp(file, "page.webp");
    const unsigned char *data = NULL;
    size_t len = 0;
    bool found = false;
    int st = known ? photo_get(req->db, req->mem, req->hub_id, digest, file, &data, &len, &found)
                   : DB_OK;
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(
            req, 404, "not_found",
            TR(req, "Il n’y a pas de photo à cette adresse.", "There is no photo at this address."),
            NULL);
        return;
    }
    req->cache = HTTP_CACHE_IMMUTABLE;
    req->etag = arena_printf(req->mem, "\"%.32s-%.5s%s\"", digest, file, avif ? "a" : "w");
    http_reply_bytes(req, 200, avif ? "image/avif" : "image/webp", data, len, NULL);
}
