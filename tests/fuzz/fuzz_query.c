/*
 * tests/fuzz/fuzz_query.c — libFuzzer entry point for what a request carries besides
 * its body: query strings, cookies, Accept-Language, Host, the "next" redirect target.
 *
 * libmicrohttpd splits the request line and headers; everything km0 then does with
 * those values is here: the query string read as urlencoded pairs (server/form.c,
 * which also decodes form bodies), each value put through the language picker, the
 * token-shape check that guards the session and CSRF cookies, the open-redirect
 * check, the access-log encoding, HTML escaping, and the Host-to-hub mapping of
 * server/hub_select.c, and content negotiation (server/negotiate.c: Accept,
 * Accept-Encoding, If-None-Match). The raw bytes also go through each one directly.
 *
 * Invariants: no crash; the language is "fr" or "en"; a token is accepted exactly
 * when it is base64url of the allowed length; a redirect target is a local path;
 * a logged path has no byte that could split a key=value field or a line; escaped
 * HTML has no markup character left; a hub slug found for a Host is a valid slug;
 * a coding picked is one km0 produces, and identity when the value names neither
 * br, gzip nor *; a page's ETag always matches itself and "*".
 */
#include "../../core/arena.h"
#include "../../core/buf.h"
#include "../../core/config.h"
#include "../../core/util.h"
#include "../../server/form.h"
#include "../../server/http_input.h"
#include "../../server/hub_select.h"
#include "../../server/negotiate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

/* hub_select.c's other needs, which this target never reaches */
km0_config g_config;
const char *config_where(const char *key)
{
    (void)key;
    return "configuration";
}
db_status account_hub_id(db_conn *c, const char *slug, int64_t *hub_id)
{
    (void)c;
    (void)slug;
    *hub_id = 0;
    return DB_OK;
}
db_status account_hub_by_host(db_conn *c, const char *host, int64_t *hub_id)
{
    (void)c;
    (void)host;
    *hub_id = 0;
    return DB_OK;
}
const char *http_header(http_req *req, const char *name)
{
    (void)req;
    (void)name;
    return NULL;
}

static bool b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static void check_value(arena *a, const char *v)
{
    const char *lang = http_lang_pick(v, v, v);
    require(!strcmp(lang, "fr") || !strcmp(lang, "en"), "language");
    lang = http_lang_pick(NULL, NULL, v);
    require(!strcmp(lang, "fr") || !strcmp(lang, "en"), "Accept-Language");

    size_t n = strlen(v);
    bool shape = n >= 16 && n <= 64;
    for (size_t i = 0; i < n && shape; i++)
        shape = b64url(v[i]);
    require(http_token_shape_ok(v, 16, 64) == shape, "csrf cookie shape");
    require(!http_token_shape_ok(v, 43, 43) || (n == 43 && shape), "session cookie shape");

    const char *next = http_safe_next(v);
    if (next) {
        require(next == v && v[0] == '/' && v[1] != '/' && v[1] != '\\', "local path");
        for (const char *p = v; *p; p++)
            require((unsigned char)*p >= 0x20 && *p != 0x7f && !strchr("\"<>\\", *p),
                    "redirect characters");
    }

    buf log = BUF_INIT;
    http_log_path(&log, v, 512);
    for (const char *p = buf_str(&log); *p; p++)
        require((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f && *p != '"' && *p != '=' &&
                    *p != '\\',
                "log-safe path");
    buf_free(&log);

    buf html = BUF_INIT;
    buf_html(&html, v);
    require(!strpbrk(buf_str(&html), "<>\"'"), "escaped HTML");
    buf_free(&html);

    const char *slug = hub_select_slug(a, v);
    require(!slug || slug_valid(slug), "hub slug");

    neg_coding c = neg_coding_pick(v);
    require(c == NEG_IDENTITY || c == NEG_GZIP || c == NEG_BROTLI, "coding");
    if (!strcasestr(v, "br") && !strcasestr(v, "gzip") && !strchr(v, '*'))
        require(c == NEG_IDENTITY, "identity when nothing else is named");
    require(!(neg_prefers_html(v) && neg_prefers_json(v)), "html or json, not both");
    char etag[24];
    neg_etag(v, n, etag);
    require(neg_etag_matches(etag, etag) && neg_etag_matches("*", etag), "etag matches itself");
    (void)neg_etag_matches(v, etag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool loaded;
    if (!loaded) {
        snprintf(g_config.hub_hosts, sizeof g_config.hub_hosts, "%s",
                 "paniers.example.org=drome-paysanne *.km0.example.org");
        require(hub_select_load() == 0, "hub_hosts");
        loaded = true;
    }
    arena *a = arena_new();
    /* the raw bytes as one header value (up to the first NUL, as a C string) */
    char *raw = malloc(size + 1);
    memcpy(raw, data, size);
    raw[size] = '\0';
    check_value(a, raw);
    /* and as a query string */
    form q;
    if (form_parse_urlencoded(a, raw, size, &q) == FORM_OK)
        for (size_t i = 0; i < q.n; i++) {
            check_value(a, q.fields[i].name);
            check_value(a, q.fields[i].value);
        }
    free(raw);
    arena_free(a);
    return 0;
}
