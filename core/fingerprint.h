/*
 * core/fingerprint.h — SHA-256 (FIPS 180-4), for the fingerprints of imported files and of
 * bank lines that come without a reference of their own.
 */
#ifndef KM0_FINGERPRINT_H
#define KM0_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

typedef struct fp_sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
} fp_sha256_ctx;

void fp_sha256_init(fp_sha256_ctx *c);
void fp_sha256_update(fp_sha256_ctx *c, const void *data, size_t len);
void fp_sha256_final(fp_sha256_ctx *c, unsigned char out[32]);
/* The digest of data as 64 lower-case hex digits (out: 65 bytes). */
char *fp_sha256_hex(const void *data, size_t len, char out[65]);

#endif
