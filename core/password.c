/*
 * core/password.c — yescrypt via crypt_r, with a random salt from the OS.
 *
 * yescrypt is libxcrypt's default and Debian's own choice for /etc/shadow: a
 * memory-hard KDF that makes every guess cost time and memory. The cost factor
 * is libxcrypt's default (about 20-50 ms per hash on a modest machine).
 */
#include "password.h"
#include "util.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int password_hash(const char *password, char *out, size_t outlen)
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof setting))
        return -1;
    struct crypt_data *cd = xcalloc(1, sizeof *cd);
    const char *h = crypt_r(password, setting, cd);
    int rc = -1;
    if (h && h[0] == '$' && strlen(h) < outlen) {
        strcpy(out, h);
        rc = 0;
    }
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return rc;
}

bool password_verify(const char *password, const char *stored)
{
    if (!stored || stored[0] != '$')
        return false;
    struct crypt_data *cd = xcalloc(1, sizeof *cd);
    const char *h = crypt_r(password, stored, cd);
    bool ok = false;
    if (h && h[0] == '$') {
        size_t n = strlen(stored);
        if (strlen(h) == n) {
            unsigned char diff = 0;
            for (size_t i = 0; i < n; i++)
                diff |= (unsigned char)(h[i] ^ stored[i]);
            ok = diff == 0;
        }
    }
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}

const char *password_policy(const char *password, const char *email, const char *lang)
{
    bool fr = !lang || lang[0] == 'f';
    size_t bytes = strlen(password);
    if (bytes > PASSWORD_MAX_BYTES)
        return fr ? "Le mot de passe est trop long (256 octets au plus)."
                  : "The password is too long (at most 256 bytes).";
    if (!utf8_valid(password, bytes))
        return fr ? "Le mot de passe contient des caractères invalides."
                  : "The password contains invalid characters.";
    if (utf8_len(password) < PASSWORD_MIN_CHARS)
        return fr ? "Le mot de passe doit compter au moins 12 caractères."
                  : "The password must be at least 12 characters long.";
    if (email && strcasecmp(password, email) == 0)
        return fr ? "Le mot de passe ne peut pas être votre adresse e-mail."
                  : "The password cannot be your email address.";
    /* the handful of passwords every guesser tries first */
    static const char *common[] = {"motdepasse", "0123456789",  "1234567890",  "azertyuiop",
                                   "qwertyuiop", "password123", "motdepasse1", "aaaaaaaaaa"};
    for (size_t i = 0; i < ARRAY_LEN(common); i++)
        if (strcasecmp(password, common[i]) == 0)
            return fr ? "Ce mot de passe est trop courant." : "This password is too common.";
    return NULL;
}
