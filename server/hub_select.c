/*
 * server/hub_select.c — the hub of a request that has no session.
 *
 * "hub_hosts" maps Host headers to hub slugs: "HOST=SLUG" for a hub on a domain
 * of its own, "*.DOMAIN" for hubs as sub-domains (the first label is the slug).
 * The Host header is the visitor's to write, which is harmless: it only picks
 * which hub's public pages are shown and where a login is looked up, and a
 * session always carries its own hub. Slugs resolve to ids through a small
 * cache: a hub is never renumbered, so an id once found stays right, while a
 * slug not found is asked again, so a hub seeded while servers run is served
 * without a restart.
 */
#include "hub_select.h"
#include "../core/log.h"
#include "../core/account.h"
#include "../core/config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_ENTRIES 256
#define CACHE_SIZE  512

typedef struct {
    char host[254]; /* the exact host, or for a wildcard the domain after "*." */
    char slug[65];  /* "" for a wildcard */
} host_entry;

static host_entry entries[MAX_ENTRIES];
static int nentries;

static struct {
    char slug[65];
    int64_t id;
} cache[CACHE_SIZE];
static int ncache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static bool slug_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
              (s[i] == '-' && s[i + 1] != '-')))
            return false;
    return true;
}

/* A host name as it is compared: lower case, no port, no final dot. */
static bool host_norm(const char *in, size_t n, char *out, size_t outlen)
{
    if (n && in[n - 1] == '.')
        n--;
    if (n == 0 || n >= outlen)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = (char)tolower((unsigned char)in[i]);
        if (!(islower((unsigned char)ch) || isdigit((unsigned char)ch) || ch == '-' || ch == '.'))
            return false;
        out[i] = ch;
    }
    out[n] = '\0';
    return true;
}

static int add_entry(const char *tok, size_t n)
{
    if (nentries == MAX_ENTRIES)
        return -1;
    host_entry *e = &entries[nentries];
    const char *eq = memchr(tok, '=', n);
    if (n > 2 && tok[0] == '*' && tok[1] == '.' && !eq) {
        if (!host_norm(tok + 2, n - 2, e->host, sizeof e->host))
            return -1;
        e->slug[0] = '\0';
    } else {
        size_t hn = eq ? (size_t)(eq - tok) : 0, sn = eq ? n - hn - 1 : 0;
        if (!eq || !host_norm(tok, hn, e->host, sizeof e->host) || !slug_ok(eq + 1, sn))
            return -1;
        memcpy(e->slug, eq + 1, sn);
        e->slug[sn] = '\0';
    }
    nentries++;
    return 0;
}

int hub_select_load(void)
{
    nentries = 0;
    const char *p = g_config.hub_hosts;
    while (*p) {
        size_t skip = strspn(p, " ,\t"), n;
        p += skip;
        if (!*p)
            break;
        n = strcspn(p, " ,\t");
        if (add_entry(p, n) != 0) {
            char entry[300], q[400];
            snprintf(entry, sizeof entry, "%.*s", (int)n, p);
            log_event(LOG_ERROR, "config.invalid",
                      "where=%s key=hub_hosts entry=%s max_entries=%d "
                      "hint=\"HOST=SLUG or *.DOMAIN\"",
                      config_where("hub_hosts"), log_quote(q, sizeof q, entry), MAX_ENTRIES);
            return -1;
        }
        p += n;
    }
    return 0;
}

const char *hub_select_slug(arena *a, const char *header)
{
    bool wildcard;
    char host[254];
    return hub_select_match(a, header, &wildcard, host, sizeof host);
}

const char *hub_select_match(arena *a, const char *header, bool *wildcard, char *host_out,
                             size_t host_len)
{
    char host[254];
    *wildcard = false;
    if (host_len)
        host_out[0] = '\0';
    if (!header || header[0] == '[') /* an IPv6 literal names no hub */
        return NULL;
    size_t n = strcspn(header, ":");
    if (!host_norm(header, n, host, sizeof host))
        return NULL;
    snprintf(host_out, host_len, "%s", host);
    for (int i = 0; i < nentries; i++)
        if (entries[i].slug[0] && !strcmp(entries[i].host, host))
            return arena_strdup(a, entries[i].slug);
    size_t hl = strlen(host);
    for (int i = 0; i < nentries; i++) {
        size_t dl = strlen(entries[i].host);
        if (entries[i].slug[0] || hl < dl + 2 || host[hl - dl - 1] != '.' ||
            strcmp(host + hl - dl, entries[i].host) != 0)
            continue;
        /* one label before the domain, and it must read as a slug */
        if (slug_ok(host, hl - dl - 1) && !memchr(host, '.', hl - dl - 1)) {
            *wildcard = true;
            return arena_strndup(a, host, hl - dl - 1);
        }
    }
    return NULL;
}

static int64_t cache_get(const char *slug)
{
    int64_t id = 0;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < ncache && !id; i++)
        if (!strcmp(cache[i].slug, slug))
            id = cache[i].id;
    pthread_mutex_unlock(&cache_lock);
    return id;
}

static void cache_put(const char *slug, int64_t id)
{
    pthread_mutex_lock(&cache_lock);
    if (ncache < CACHE_SIZE && strlen(slug) < sizeof cache[0].slug) {
        snprintf(cache[ncache].slug, sizeof cache[0].slug, "%s", slug);
        cache[ncache++].id = id;
    }
    pthread_mutex_unlock(&cache_lock);
}

static db_status id_of(db_conn *c, const char *slug, int64_t *id)
{
    if ((*id = cache_get(slug)) != 0)
        return DB_OK;
    db_status st = account_hub_id(c, slug, id);
    if (st == DB_OK && *id)
        cache_put(slug, *id);
    return st;
}

int hub_select(http_req *req)
{
    bool wildcard;
    char host[254];
    int64_t id = 0;
    db_status st;
    const char *slug =
        hub_select_match(req->mem, http_header(req, "Host"), &wildcard, host, sizeof host);
    if (slug && (st = id_of(req->db, slug, &id)) != DB_OK)
        return st;
    /* the database's names: read on every request, so a name a coordinator adds or
     * removes counts at once on every server (an index lookup) */
    if (!id && (!slug || wildcard) && *host &&
        (st = account_hub_by_host(req->db, host, &id)) != DB_OK)
        return st;
    if (!id && !slug && (st = id_of(req->db, g_config.hub, &id)) != DB_OK) /* "": the only hub */
        return st;
    req->hub_id = id;
    return DB_OK;
}

int hub_select_config_taken(http_req *req, const char *host, int64_t hub, bool *taken)
{
    bool wildcard;
    char h[254];
    int64_t id = 0;
    *taken = false;
    const char *slug = hub_select_match(req->mem, host, &wildcard, h, sizeof h);
    if (!slug)
        return DB_OK;
    db_status st = id_of(req->db, slug, &id);
    if (st != DB_OK)
        return st;
    /* an exact entry is the operator's word even for a hub not made yet */
    *taken = wildcard ? (id && id != hub) : id != hub;
    return DB_OK;
}
