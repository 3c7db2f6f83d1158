/*
 * core/sha256.h — SHA-256 (FIPS 180-4), for the fingerprint of archived invoice files.
 *
 * An archived Factur-X file is stored with its SHA-256 (schema/012): the HTTP
 * download sends it as the strong ETag, and km0 invoice verify recomputes it on
 * the bytes read back to tell a damaged file. Computed here, in km0's own code,
 * so that the check does not rest on the database that stored both.
 */
#ifndef KM0_SHA256_H
#define KM0_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes; /* message length so far */
    unsigned char block[64];
    size_t used; /* bytes waiting in block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* The digest of len bytes at data. */
void sha256(const void *data, size_t len, unsigned char out[32]);
/* The digest as 64 lower-case hex digits and a NUL. */
char *sha256_hex(const unsigned char digest[32], char out[65]);
/* The digest of len bytes at data, as sha256_hex writes it. */
char *sha256_hex_of(const void *data, size_t len, char out[65]);

#endif
