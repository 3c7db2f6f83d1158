/*
 * server/json_body.h — a request body as a JSON object, strictly.
 *
 * Pure (no libmicrohttpd, no database) so that tests/fuzz/fuzz_json.c can feed it
 * any bytes; http_json_body (server/http.c) turns each outcome into its 400 reply.
 */
#ifndef KM0_JSON_BODY_H
#define KM0_JSON_BODY_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum {
    JSON_BODY_OK = 0,
    JSON_BODY_EMPTY,         /* no bytes at all */
    JSON_BODY_BAD_ENCODING,  /* not UTF-8, a NUL byte, or a \u0000 escape */
    JSON_BODY_BAD_JSON,      /* not JSON: *where is the byte offset cJSON stopped at */
    JSON_BODY_NOT_OBJECT,    /* JSON, but not an object at the top */
    JSON_BODY_DUPLICATE_KEY, /* an object names a member twice (see dup below) */
} json_body_status;

/* Parse data[0..len) (data[len] must be '\0', as buf guarantees). On JSON_BODY_OK
 * *out is the tree, which the caller frees with cJSON_Delete; on any other result
 * *out is NULL. On JSON_BODY_DUPLICATE_KEY the name is copied into dup (duplen bytes,
 * cut on a UTF-8 character boundary). A member named twice is refused rather than silently taking
 * one of the two values (RFC 8259 leaves it undefined, and two parsers may disagree). */
json_body_status json_body_parse(const char *data, size_t len, cJSON **out, size_t *where,
                                 char *dup, size_t duplen);

#endif
