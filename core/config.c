/*
 * core/config.c — parse "key = value" configuration with line-numbered errors.
 */
#include "config.h"
#include "money.h"
#include "util.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

km0_config g_config;

typedef enum { K_STR, K_INT, K_SIZE, K_BOOL, K_VAT } kind;

/* A string key's own check: NULL when value is acceptable, else what it must be. */
typedef const char *(*check_fn)(const char *value);

typedef struct {
    const char *key;
    kind kind;
    size_t offset;
    size_t size; /* strings: capacity */
    long min, max;
    check_fn check; /* strings: NULL = any text that fits */
} key_spec;

static const char *check_seller_mode(const char *v)
{
    return !strcmp(v, "producers") || !strcmp(v, "hub") ? NULL : "\"producers\" or \"hub\"";
}

static const char *check_log_level(const char *v)
{
    static const char *const levels[] = {"debug", "info", "warn", "error"};
    for (size_t i = 0; i < ARRAY_LEN(levels); i++)
        if (!strcmp(v, levels[i]))
            return NULL;
    return "debug, info, warn or error";
}

static const char *check_hub(const char *v)
{
    return !*v || slug_valid(v) ? NULL
                                : "a hub's slug (lower-case letters, digits and dashes) "
                                  "or nothing";
}

static const char *check_public_url(const char *v)
{
    return (!strncmp(v, "http://", 7) && v[7]) || (!strncmp(v, "https://", 8) && v[8])
               ? NULL
               : "an http:// or https:// address";
}

static const char *check_metrics_access(const char *v)
{
    return !strcmp(v, "coordinator") || !strcmp(v, "anonymous") || !strcmp(v, "off")
               ? NULL
               : "coordinator, anonymous or off";
}

/* ADDR:PORT with an IPv4 address (empty = every interface): what km0 serve binds. */
static const char *check_listen(const char *v)
{
    const char *colon = strrchr(v, ':');
    char host[INET_ADDRSTRLEN], *end;
    struct in_addr ip;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == v + strlen(v) - 1 || *end || port < 0 || port > 65535 ||
        (size_t)(colon - v) >= sizeof host)
        return "ADDR:PORT, e.g. 127.0.0.1:8080";
    memcpy(host, v, (size_t)(colon - v));
    host[colon - v] = '\0';
    return !*host || inet_pton(AF_INET, host, &ip) == 1 ? NULL : "ADDR:PORT, e.g. 127.0.0.1:8080";
}

/* What libcurl sends mail through: smtp:// (STARTTLS per smtp_tls) or smtps://. */
static const char *check_smtp_url(const char *v)
{
    return !*v || (!strncmp(v, "smtp://", 7) && v[7]) || (!strncmp(v, "smtps://", 8) && v[8])
               ? NULL
               : "an smtp:// or smtps:// address, or nothing";
}

static const char *check_smtp_tls(const char *v)
{
    return !strcmp(v, "required") || !strcmp(v, "try") || !strcmp(v, "none")
               ? NULL
               : "required, try or none";
}

/* An address only: it goes into the envelope and the From header as it is. */
static const char *check_mail_from(const char *v)
{
    const char *at = strchr(v, '@');
    if (!*v)
        return NULL;
    if (!at || at == v || !at[1] || strchr(at + 1, '@'))
        return "an e-mail address";
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("<>()[],;:\\\"", *p))
            return "an e-mail address";
    return NULL;
}

#define FIELD(k) offsetof(km0_config, k)
#define STR(k, check)                                                                              \
    {                                                                                              \
#k, K_STR, FIELD(k), sizeof(((km0_config *)0)->k), 0, 0, check                             \
    }
#define INT(k, lo, hi)                                                                             \
    {                                                                                              \
#k, K_INT, FIELD(k), 0, lo, hi, NULL                                                       \
    }
#define SIZE(k)                                                                                    \
    {                                                                                              \
#k, K_SIZE, FIELD(k), 0, 1, 0, NULL                                                        \
    }
#define BOOL(k)                                                                                    \
    {                                                                                              \
#k, K_BOOL, FIELD(k), 0, 0, 1, NULL                                                        \
    }

static const key_spec keys[] = {
    STR(database_url, NULL),
    STR(database_read_url, NULL),
    STR(listen, check_listen),
    STR(hub, check_hub),
    /* its entries are read by km0 serve at start (server/hub_select.c), which names
     * this file and line too */
    STR(hub_hosts, NULL),
    STR(public_url, check_public_url),
    STR(seller_mode, check_seller_mode),
    {"resale_vat_rate", K_VAT, FIELD(resale_vat_rate_bp), 0, 0, 0, NULL},
    STR(fop, NULL),
    INT(render_slots, 0, 64),
    INT(render_queue, 0, 10000),
    INT(render_wait_s, 1, 3600),
    INT(archive_workers, 0, 1),
    INT(archive_batch, 1, 100000),
    INT(archive_cache_mb, 0, 65536),
    STR(reports_dir, NULL),
    STR(iso20022_schemas, NULL),
    STR(log_level, check_log_level),
    INT(threads, 1, 256),
    INT(connection_limit, 1, 100000),
    INT(connection_timeout_s, 1, 3600),
    INT(connections_per_address, 0, 100000),
    SIZE(anonymous_max_body_bytes),
    SIZE(max_body_bytes),
    SIZE(catalog_max_bytes),
    INT(catalog_max_rows, 1, 10000000),
    SIZE(catalog_max_field_bytes),
    SIZE(photo_max_bytes),
    INT(photo_max_megapixels, 1, 150),
    INT(statement_timeout_ms, 0, 3600000),
    INT(db_connect_timeout_s, 1, 600),
    INT(retry_after_s, 1, 3600),
    INT(session_hours, 1, 24 * 365),
    INT(session_cache_s, 0, 60),
    INT(sessions_per_user, 1, 1000),
    STR(metrics_access, check_metrics_access),
    INT(login_max_failures, 1, 1000),
    INT(login_window_minutes, 1, 24 * 60),
    INT(payment_days, 0, 60),
    BOOL(secure_cookies),
    STR(smtp_url, check_smtp_url),
    STR(smtp_user, NULL),
    STR(smtp_password, NULL),
    STR(smtp_tls, check_smtp_tls),
    INT(smtp_timeout_s, 1, 600),
    STR(smtp_ca_file, NULL),
    STR(mail_from, check_mail_from),
    INT(mail_threads, 0, 32),
    INT(mail_batch, 1, 1000),
    INT(mail_retry_base_s, 1, 3600),
    INT(mail_retry_max_s, 1, 86400),
    INT(mail_max_age_hours, 1, 24 * 30),
    INT(mail_keep_sent_days, 1, 3650),
    INT(account_idle_years, 1, 50),
    STR(gazetteer, NULL),
    INT(invitation_days, 1, 90),
};

/* Where each key was last set ("file:line"), for messages about its value that
 * only a later stage can judge (config_where). */
static char where[ARRAY_LEN(keys)][300];

static void set_defaults(void)
{
    memset(&g_config, 0, sizeof g_config);
    memset(where, 0, sizeof where);
    snprintf(g_config.database_url, sizeof g_config.database_url, "dbname=km0");
    snprintf(g_config.listen, sizeof g_config.listen, "127.0.0.1:8080");
    snprintf(g_config.public_url, sizeof g_config.public_url, "http://127.0.0.1:8080");
    snprintf(g_config.seller_mode, sizeof g_config.seller_mode, "producers");
    g_config.resale_vat_rate_bp = 550;
    snprintf(g_config.fop, sizeof g_config.fop, "fop");
    g_config.render_slots = 0;
    g_config.render_queue = 32;
    g_config.render_wait_s = 30;
    g_config.archive_workers = 1;
    g_config.archive_batch = 1000;
    g_config.archive_cache_mb = 64;
    snprintf(g_config.reports_dir, sizeof g_config.reports_dir, "reports");
    snprintf(g_config.log_level, sizeof g_config.log_level, "info");
    g_config.threads = 16;
    g_config.connection_limit = 1024;
    g_config.connection_timeout_s = 30;
    g_config.connections_per_address = 64;
    g_config.anonymous_max_body_bytes = 16 << 10;
    g_config.max_body_bytes = 1 << 20;
    g_config.catalog_max_bytes = 10 << 20;
    g_config.catalog_max_rows = 100000;
    g_config.catalog_max_field_bytes = 16384;
    g_config.photo_max_bytes = 8 << 20;
    g_config.photo_max_megapixels = 50;
    g_config.statement_timeout_ms = 10000;
    g_config.db_connect_timeout_s = 5;
    g_config.retry_after_s = 5;
    g_config.session_hours = 24 * 14;
    g_config.session_cache_s = 10;
    g_config.sessions_per_user = 10;
    snprintf(g_config.metrics_access, sizeof g_config.metrics_access, "coordinator");
    g_config.login_max_failures = 10;
    g_config.login_window_minutes = 15;
    g_config.payment_days = 0;
    snprintf(g_config.smtp_tls, sizeof g_config.smtp_tls, "try");
    g_config.smtp_timeout_s = 30;
    g_config.mail_threads = 1;
    g_config.mail_batch = 32;
    g_config.mail_retry_base_s = 30;
    g_config.mail_retry_max_s = 3600;
    g_config.mail_max_age_hours = 72;
    g_config.mail_keep_sent_days = 30;
    g_config.account_idle_years = 3;
    snprintf(g_config.gazetteer, sizeof g_config.gazetteer, "build/communes-fr.tsv");
    g_config.invitation_days = 7;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Size with an optional K/M/G suffix. */
static int parse_size(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v)
        return -1;
    unsigned long long mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024ULL * 1024 * 1024, end++;
    if (*end || n == 0 || n > (1ULL << 40) / mul)
        return -1;
    *out = (size_t)(n * mul);
    return 0;
}

/* A VAT rate in percent ("5.5", "20"): one of those a resale can carry. */
static int parse_resale_rate(const char *v, int *bp)
{
    int64_t n;
    if (dec_parse(v, 2, &n) != DEC_OK || !(n == 210 || n == 550 || n == 1000 || n == 2000))
        return -1;
    *bp = (int)n;
    return 0;
}

static int set_value(const key_spec *k, const char *src, int line, const char *value)
{
    char *field = (char *)&g_config + k->offset;
    const char *why;
    switch (k->kind) {
    case K_STR:
        if (strlen(value) >= k->size) {
            fprintf(stderr, "%s:%d: value of %s is too long (at most %zu characters)\n", src, line,
                    k->key, k->size - 1);
            return -1;
        }
        if (k->check && (why = k->check(value)) != NULL) {
            fprintf(stderr, "%s:%d: %s must be %s, not \"%s\"\n", src, line, k->key, why, value);
            return -1;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case K_INT: {
        char *end;
        errno = 0;
        long n = strtol(value, &end, 10);
        if (errno || end == value || *end || n < k->min || n > k->max) {
            fprintf(stderr, "%s:%d: %s must be a whole number between %ld and %ld\n", src, line,
                    k->key, k->min, k->max);
            return -1;
        }
        *(int *)field = (int)n;
        return 0;
    }
    case K_SIZE:
        if (parse_size(value, (size_t *)field) != 0) {
            fprintf(stderr, "%s:%d: %s must be a size such as 1048576, 512K or 10M\n", src, line,
                    k->key);
            return -1;
        }
        return 0;
    case K_BOOL:
        if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
            *(bool *)field = true;
        else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
            *(bool *)field = false;
        else {
            fprintf(stderr, "%s:%d: %s must be true or false\n", src, line, k->key);
            return -1;
        }
        return 0;
    case K_VAT:
        if (parse_resale_rate(value, (int *)field) != 0) {
            fprintf(stderr, "%s:%d: %s must be a French VAT rate in percent: 2.1, 5.5, 10 or 20\n",
                    src, line, k->key);
            return -1;
        }
        return 0;
    }
    return -1;
}

static int set_key(const char *src, int line, const char *key, const char *value)
{
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        if (strcmp(keys[i].key, key) != 0)
            continue;
        if (set_value(&keys[i], src, line, value) != 0)
            return -1;
        snprintf(where[i], sizeof where[i], "%s:%d", src, line);
        return 0;
    }
    fprintf(stderr, "%s:%d: unknown key \"%s\"\n", src, line, key);
    return -1;
}

/* Every line whole, however long (getline): a long hub_hosts is one value. */
static int load_file(const char *path, bool required)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!required && errno == ENOENT)
            return 0;
        fprintf(stderr, "%s: cannot read configuration: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = 0;
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        if (memchr(line, '\0', (size_t)len)) {
            fprintf(stderr, "%s:%d: a NUL byte in the line\n", path, lineno);
            rc = -1;
            continue;
        }
        char *s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            fprintf(stderr, "%s:%d: expected \"key = value\"\n", path, lineno);
            rc = -1;
            continue;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        size_t vl = strlen(value);
        if (vl >= 2 && value[0] == '"' && value[vl - 1] == '"') {
            value[vl - 1] = '\0';
            value++;
        }
        if (set_key(path, lineno, key, value) != 0)
            rc = -1;
    }
    if (ferror(f)) {
        fprintf(stderr, "%s: cannot read configuration: %s\n", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

int config_load(const char *path)
{
    set_defaults();
    if (load_file(path ? path : "config/km0.conf", path != NULL) != 0)
        return -1;
    const char *env = getenv("KM0_DATABASE_URL");
    if (env && *env && set_key("KM0_DATABASE_URL", 0, "database_url", env) != 0)
        return -1;
    env = getenv("KM0_DATABASE_READ_URL");
    if (env && *env && set_key("KM0_DATABASE_READ_URL", 0, "database_read_url", env) != 0)
        return -1;
    env = getenv("KM0_LISTEN");
    if (env && *env && set_key("KM0_LISTEN", 0, "listen", env) != 0)
        return -1;
    env = getenv("KM0_SMTP_URL");
    if (env && *env && set_key("KM0_SMTP_URL", 0, "smtp_url", env) != 0)
        return -1;
    return 0;
}

const char *config_where(const char *key)
{
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (!strcmp(keys[i].key, key))
            return where[i][0] ? where[i] : "configuration";
    return "configuration";
}
