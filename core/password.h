/*
 * core/password.h — password hashing with yescrypt (libxcrypt), and the policy.
 */
#ifndef KM0_PASSWORD_H
#define KM0_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 256

/* Hash into out (at least 128 bytes). Returns 0, or -1 if the KDF failed. */
int password_hash(const char *password, char *out, size_t outlen);
/* Constant-time check of password against a stored hash. */
bool password_verify(const char *password, const char *stored);
/* NULL when acceptable, else the reason (lang "fr" or "en"). */
const char *password_policy(const char *password, const char *email, const char *lang);

#endif
