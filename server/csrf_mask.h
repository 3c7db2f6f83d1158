/*
 * server/csrf_mask.h — the CSRF token as pages write it: masked afresh in every reply.
 *
 * Pages are compressed (server/compress.c). A secret that sits in every compressed
 * reply beside text an attacker can choose (a path, a "next" address) can be read
 * back from reply sizes alone (the BREACH attack). Each form therefore carries the
 * token XORed with random bytes of its own, the bytes in front: the secret never
 * appears twice the same. The check unmasks before comparing; a token sent as it is
 * (scripts, the X-CSRF-Token header) is accepted as before.
 *
 * Pure functions, no libmicrohttpd: tests/unit/test_negotiate.c drives them.
 */
#ifndef KM0_CSRF_MASK_H
#define KM0_CSRF_MASK_H

#include <stddef.h>

/* The longest token masked (a session's is 32 characters, a visitor's too). */
#define CSRF_MASK_MAX 64

/* "x" + hex(pad) + hex(pad XOR token) into out (4 × strlen(token) + 2 bytes), pad
 * random. Tokens longer than CSRF_MASK_MAX are copied as they are. */
void csrf_mask(const char *token, char *out, size_t outlen);
/* The token a masked value carries, into out (outlen > CSRF_MASK_MAX); a value that
 * is not a masked one is copied as it is. Returns out. */
const char *csrf_unmask(const char *value, char *out, size_t outlen);

#endif
