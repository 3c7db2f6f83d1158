/*
 * core/unsubscribe.c — signing unsubscribe links (core/unsubscribe.h), with OpenSSL's
 * HMAC. The secret is read once per process: it never changes once made.
 */
#include "unsubscribe.h"
#include "util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

DB_STMT(secret_make,
        "INSERT INTO km0_secrets (name, value) VALUES ('unsubscribe', decode($1, 'hex'))"
        " ON CONFLICT (name) DO NOTHING");
DB_STMT(secret_read, "SELECT encode(value, 'hex') AS value FROM km0_secrets"
                     " WHERE name = 'unsubscribe'");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char secret[64];
static size_t secret_len;

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

static db_status load_secret(db_conn *c)
{
    pthread_mutex_lock(&lock);
    db_status st = DB_OK;
    if (secret_len == 0) {
        unsigned char fresh[32];
        char hex[65];
        random_bytes(fresh, sizeof fresh);
        for (size_t i = 0; i < sizeof fresh; i++)
            snprintf(hex + 2 * i, 3, "%02x", fresh[i]);
        PGresult *r;
        if ((st = db_do(c, &secret_make, DB_P(hex))) == DB_OK &&
            (st = db_run(c, &secret_read, &r, DB_NOPARAMS)) == DB_OK) {
            const char *v = PQntuples(r) == 1 ? db_val(r, 0, "value") : "";
            size_t n = strlen(v) / 2;
            if (n >= 32 && n <= sizeof secret) {
                for (size_t i = 0; i < n; i++)
                    secret[i] = (unsigned char)(hexval(v[2 * i]) << 4 | hexval(v[2 * i + 1]));
                secret_len = n;
            } else {
                st = DB_ERROR;
            }
            PQclear(r);
        }
        explicit_bzero(fresh, sizeof fresh);
    }
    pthread_mutex_unlock(&lock);
    return st;
}

static void sign(int64_t hub, int64_t user, const char *kind, char *out)
{
    char msg[128];
    int n = snprintf(msg, sizeof msg, "unsubscribe:%lld:%lld:%s", (long long)hub, (long long)user,
                     kind);
    unsigned char mac[32];
    unsigned int maclen = sizeof mac;
    HMAC(EVP_sha256(), secret, (int)secret_len, (const unsigned char *)msg, (size_t)n, mac,
         &maclen);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < 32; i += 3) {
        unsigned v = (unsigned)mac[i] << 16 | (i + 1 < 32 ? (unsigned)mac[i + 1] << 8 : 0) |
                     (i + 2 < 32 ? mac[i + 2] : 0);
        out[o++] = b64[v >> 18];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < 32)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < 32)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
}

db_status unsub_token(db_conn *c, int64_t hub, int64_t user, const char *kind, char *out)
{
    db_status st = load_secret(c);
    if (st != DB_OK)
        return st;
    sign(hub, user, kind, out);
    return DB_OK;
}

db_status unsub_check(db_conn *c, int64_t hub, int64_t user, const char *kind, const char *token,
                      bool *ok)
{
    *ok = false;
    db_status st = load_secret(c);
    if (st != DB_OK)
        return st;
    if (!token || strlen(token) != UNSUB_TOKEN_LEN || !kind || strlen(kind) > 40)
        return DB_OK;
    char expected[48];
    sign(hub, user, kind, expected);
    *ok = CRYPTO_memcmp(expected, token, UNSUB_TOKEN_LEN) == 0;
    return DB_OK;
}
