/*
 * core/sha256.h — SHA-256 (FIPS 180-4), for the fingerprints of imported files and of
 * bank lines that come without a reference of their own.
 */
#ifndef KM0_SHA256_H
#define KM0_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* The digest of data as 64 lower-case hex digits (out: 65 bytes). */
char *sha256_hex(const void *data, size_t len, char out[65]);

#endif
