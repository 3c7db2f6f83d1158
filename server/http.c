/*
 * server/http.c — libmicrohttpd glue: routing, bodies, sessions, replies, access log.
 *
 * MHD runs a pool of worker threads; each keeps its own database connection
 * (core/db.c), so a handler never waits for a connection. Per-request state is
 * an http_req holding an arena; the completion callback logs the request,
 * counts it in the metrics and frees the arena.
 */
#include "http.h"
#include "../core/archive_cache.h"
#include "../core/config.h"
#include "../core/hub_create.h"
#include "../core/log.h"
#include "../core/rcache.h"
#include "../core/util.h"
#include "conn_limits.h"
#include "csrf.h"
#include "csrf_mask.h"
#include "http_accept.h"
#include "http_body.h"
#include "http_input.h"
#include "hub_select.h"
#include "json_body.h"
#include "metrics.h"
#include "negotiate.h"
#include "../reports/report.h"
#include "archive_thread.h"
#include "page_error.h"
#include "render_pool.h"
#include "session.h"
#include "session_cache.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "same-origin"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};

/* Pages may load their own stylesheet and nothing else; no script runs inline. */
static const char *csp_html = "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                              "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                              "base-uri 'none'";
static const char *csp_api = "default-src 'none'; frame-ancestors 'none'";
/* Printable documents (reports, invoices as HTML) carry their own stylesheet inline
 * so that a saved copy prints the same; they are passive: no script, no form. */
static const char *csp_document = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/* ---- routing ------------------------------------------------------------ */

/* Match path against pattern; fills captures. Segments never contain '/'. */
static bool match_route(http_req *req, const char *pattern, const char *path)
{
    int n = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *se = strchr(s, '/');
            if (!se)
                se = s + strlen(s);
            if (se == s || n == HTTP_MAX_PARAMS)
                return false;
            req->param_names[n] = arena_strndup(req->mem, p + 1, (size_t)(pe - p - 1));
            req->param_values[n] = arena_strndup(req->mem, s, (size_t)(se - s));
            n++;
            p = pe + 1;
            s = se;
        } else if (*p++ != *s++) {
            return false;
        }
    }
    if (*p || *s)
        return false;
    req->nparams = n;
    return true;
}

/* Find the route; *path_known tells whether another method would have matched. */
static int find_route(http_req *req, const char *method, const char *path, bool *path_known)
{
    *path_known = false;
    for (int i = 0; i < http_nroutes; i++) {
        if (!match_route(req, http_routes[i].pattern, path))
            continue;
        if (strcmp(http_routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(http_routes[i].method, "GET") == 0))
            return i;
        *path_known = true;
    }
    return -1;
}

/* ---- request data ------------------------------------------------------- */

const char *http_param(http_req *req, const char *name)
{
    for (int i = 0; i < req->nparams; i++)
        if (strcmp(req->param_names[i], name) == 0)
            return req->param_values[i];
    return "";
}

const char *http_query(http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

static void free_json(void *p)
{
    cJSON_Delete(p);
}

cJSON *http_json_body(http_req *req)
{
    /* JSON only: a cross-site form cannot send this content type without a CORS
     * preflight, which km0 never grants — the API's CSRF defence with SameSite */
    const char *ct = http_header(req, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
        http_reply_error(req, 415, "unsupported_media_type",
                         req->lang[0] == 'f' ? "Envoyez du JSON (Content-Type: application/json)."
                                             : "Send JSON (Content-Type: application/json).",
                         NULL);
        return NULL;
    }
    /* the parsing itself is server/json_body.c, a pure function the fuzzer drives */
    cJSON *j;
    size_t where;
    char dup[128];
    switch (json_body_parse(req->body.data ? req->body.data : "", req->body.len, &j, &where, dup,
                            sizeof dup)) {
    case JSON_BODY_OK:
        arena_defer(req->mem, free_json, j);
        return j;
    case JSON_BODY_EMPTY:
        http_reply_error(req, 400, "empty_body",
                         req->lang[0] == 'f' ? "Le corps de la requête est vide."
                                             : "The request body is empty.",
                         NULL);
        return NULL;
    case JSON_BODY_BAD_ENCODING:
        http_reply_error(
            req, 400, "bad_encoding",
            req->lang[0] == 'f'
                ? "Le corps de la requête n’est pas du texte UTF-8 valide (ou contient "
                  "un caractère NUL)."
                : "The request body is not valid UTF-8 text (or holds a NUL "
                  "character).",
            NULL);
        return NULL;
    case JSON_BODY_BAD_JSON:
        http_reply_error(
            req, 400, "bad_json",
            arena_printf(req->mem, "The request body is not valid JSON (near byte %zu).", where),
            NULL);
        return NULL;
    case JSON_BODY_NOT_OBJECT:
        http_reply_error(req, 400, "bad_json", "The request body must be a JSON object.", NULL);
        return NULL;
    case JSON_BODY_DUPLICATE_KEY:
        /* two values for one name: refuse rather than guess which one was meant */
        http_reply_error(req, 400, "duplicate_key",
                         arena_printf(req->mem,
                                      req->lang[0] == 'f'
                                          ? "Le champ « %s » apparaît deux fois dans le JSON."
                                          : "The field \"%s\" appears twice in the JSON.",
                                      dup),
                         dup);
        return NULL;
    }
    return NULL;
}

/* ---- replies ------------------------------------------------------------ */

static void add_common_headers(http_req *req, struct MHD_Response *resp, const char *csp)
{
    for (size_t i = 0; i < ARRAY_LEN(security_headers); i++)
        MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Request-Id", req->id);
    if (!MHD_get_response_header(resp, "Cache-Control"))
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (req->retry_after_s > 0) {
        char s[16];
        snprintf(s, sizeof s, "%d", req->retry_after_s);
        MHD_add_response_header(resp, "Retry-After", s);
    }
    for (int i = 0; i < req->ncookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", buf_str(&req->set_cookies[i]));
}

static void queue_csp(http_req *req, int status, struct MHD_Response *resp, const char *csp)
{
    if (req->replied) {
        log_event(LOG_ERROR, "http.double_reply", "req=%s route=%s", req->id,
                  req->route ? req->route->pattern : "-");
        MHD_destroy_response(resp);
        return;
    }
    add_common_headers(req, resp, csp);
    if (status == 503 && !MHD_get_response_header(resp, "Retry-After")) {
        /* the database unreachable or in failover: a client that retries knows when */
        char secs[16];
        snprintf(secs, sizeof secs, "%d", g_config.retry_after_s);
        MHD_add_response_header(resp, "Retry-After", secs);
    }
    req->replied = true;
    req->status = status;
    MHD_queue_response(req->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
}

static void queue(http_req *req, int status, struct MHD_Response *resp, bool html)
{
    queue_csp(req, status, resp, html ? csp_html : csp_api);
}

void http_reply_document(http_req *req, int status, const char *content_type, const void *data,
                         size_t len, const char *filename)
{
    struct MHD_Response *resp =
        http_body_response(req, &status, content_type, (void *)data, len, false);
    if (filename) {
        char disp[300];
        snprintf(disp, sizeof disp, "inline; filename=\"%s\"", filename);
        MHD_add_response_header(resp, "Content-Disposition", disp);
    }
    queue_csp(req, status, resp, csp_document);
}

void http_reply_stored(http_req *req, const char *content_type, const void *data, size_t len,
                       const char *filename, const char *etag)
{
    struct MHD_Response *resp;
    int status = 200;
    if (neg_etag_matches(http_header(req, "If-None-Match"), etag)) {
        resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        status = 304;
    } else {
        /* the bytes live in the request's arena, freed once the reply is sent */
        resp = MHD_create_response_from_buffer(len, (void *)(data ? data : ""),
                                               MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, "Content-Type", content_type);
        char disp[300];
        snprintf(disp, sizeof disp, "inline; filename=\"%s\"", filename);
        MHD_add_response_header(resp, "Content-Disposition", disp);
    }
    MHD_add_response_header(resp, "ETag", etag);
    /* someone's own document: kept by the browser only, and asked for again */
    MHD_add_response_header(resp, "Cache-Control", "private, no-cache");
    queue_csp(req, status, resp, csp_document);
}

void http_reply_bytes(http_req *req, int status, const char *content_type, const void *data,
                      size_t len, const char *filename)
{
    struct MHD_Response *resp =
        http_body_response(req, &status, content_type, (void *)data, len, false);
    if (filename) {
        char disp[300];
        snprintf(disp, sizeof disp, "inline; filename=\"%s\"", filename);
        MHD_add_response_header(resp, "Content-Disposition", disp);
    }
    queue(req, status, resp, strncmp(content_type, "text/html", 9) == 0);
}

void http_reply_text(http_req *req, int status, const char *content_type, const char *text)
{
    http_reply_bytes(req, status, content_type, text, strlen(text), NULL);
}

void http_reply_json_text(http_req *req, int status, const char *json)
{
    http_reply_bytes(req, status, "application/json; charset=utf-8", json, strlen(json), NULL);
}

void http_reply_json(http_req *req, int status, cJSON *body)
{
    char *text = cJSON_PrintUnformatted(body);
    if (!text)
        abort(); /* cJSON fails only when out of memory */
    cJSON_Delete(body);
    struct MHD_Response *resp = http_body_response(req, &status, "application/json; charset=utf-8",
                                                   text, strlen(text), true);
    queue(req, status, resp, false);
}

void http_reply_error_details(http_req *req, int status, const char *code, const char *message,
                              cJSON *details)
{
    if (page_error_wanted(req)) {
        cJSON_Delete(details);
        page_error(req, status, code, message);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(err, "code", code);
    cJSON_AddStringToObject(err, "message", message);
    if (details)
        cJSON_AddItemToObject(err, "details", details);
    http_reply_json(req, status, root);
}

void http_reply_error(http_req *req, int status, const char *code, const char *message,
                      const char *field)
{
    if (page_error_wanted(req)) {
        page_error(req, status, code, message);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(err, "code", code);
    cJSON_AddStringToObject(err, "message", message);
    if (field)
        cJSON_AddStringToObject(err, "field", field);
    http_reply_json(req, status, root);
}

void http_reply_html(http_req *req, int status, buf *page)
{
    size_t len = page->len;
    char *data = buf_steal(page);
    struct MHD_Response *resp =
        http_body_response(req, &status, "text/html; charset=utf-8", data, len, true);
    queue(req, status, resp, true);
}

void http_reply_redirect(http_req *req, const char *location)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Location", location);
    queue(req, 303, resp, true);
}

void http_reply_db_error(http_req *req, int status_from_db)
{
    if (status_from_db == DB_UNKNOWN) {
        /* the connection broke once the write was sent: it may have been saved */
        http_reply_error(
            req, 503, "outcome_unknown",
            req->lang[0] == 'f'
                ? "La base de données n’a pas confirmé l’enregistrement : il a pu avoir lieu ou "
                  "non. Rechargez pour vérifier, ou renvoyez la même demande."
                : "The database did not confirm the write: it may or may not have been saved. "
                  "Reload to check, or send the same request again.",
            NULL);
        return;
    }
    if (status_from_db == DB_DOWN || !req->db) {
        http_reply_error(req, 503, "database_unavailable",
                         req->lang[0] == 'f'
                             ? "La base de données ne répond pas ; réessayez dans un instant."
                             : "The database is not answering; try again in a moment.",
                         NULL);
        return;
    }
    const db_error *e = db_last_error(req->db);
    log_event(LOG_ERROR, "http.db_error", "req=%s sqlstate=%s constraint=%s", req->id, e->sqlstate,
              e->constraint[0] ? e->constraint : "-");
    /* failures that are no bug: rolled back, the client may wait and retry */
    static const struct {
        const char *sqlstates[2]; /* whole codes, or a class ("53") */
        const char *code, *fr, *en;
    } transient[] = {
        {{"57014", "55P03"},
         "timeout",
         "La base de données a mis trop de temps à répondre ; rien n’a changé, réessayez.",
         "The database took too long to answer; nothing was changed, try again."},
        {{"25006", "53"},
         "database_unavailable",
         "La base de données ne peut pas enregistrer pour le moment ; rien n’a changé.",
         "The database cannot accept writes right now; nothing was changed."},
        /* replayed DB_TX_ATTEMPTS times (core/db.c) and still in conflict */
        {{"40001", "40P01"},
         "busy",
         "Trop de demandes à la fois sur les mêmes produits ; rien n’a changé, réessayez.",
         "Too many requests at once on the same items; nothing was changed, try again."},
    };
    bool fr = req->lang[0] == 'f'; /* the page around the message is in the visitor's language */
    for (size_t i = 0; i < sizeof transient / sizeof *transient; i++)
        for (size_t k = 0; k < 2; k++) {
            const char *state = transient[i].sqlstates[k];
            if (!strncmp(e->sqlstate, state, strlen(state))) {
                http_reply_error(req, 503, transient[i].code,
                                 fr ? transient[i].fr : transient[i].en, NULL);
                return;
            }
        }
    http_reply_error(req, 500, "internal",
                     fr ? "Un problème est survenu de notre côté ; rien n’a changé."
                        : "Something went wrong on our side; nothing was changed.",
                     NULL);
}

db_conn *http_read_db(http_req *req)
{
    db_conn *c = db_thread_read_conn();
    return c ? c : req->db;
}

void http_reply_refusal(http_req *req, const refusal *why)
{
    const char *msg = refusal_text(why, req->lang);
    if (why->ndetails == 0 || page_error_wanted(req)) {
        http_reply_error(req, why->status, why->code, msg, why->field);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(err, "code", why->code);
    cJSON_AddStringToObject(err, "message", msg);
    if (why->field)
        cJSON_AddStringToObject(err, "field", why->field);
    cJSON *details = cJSON_AddArrayToObject(err, "details");
    for (size_t i = 0; i < why->ndetails; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "code", why->details[i].code);
        cJSON_AddStringToObject(d, "message",
                                req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en);
        if (why->details[i].field)
            cJSON_AddStringToObject(d, "field", why->details[i].field);
        cJSON_AddItemToArray(details, d);
    }
    http_reply_json(req, why->status, root);
}

void http_reply_failure(http_req *req, int st, const refusal *why)
{
    if (st > 0)
        http_reply_refusal(req, why);
    else
        http_reply_db_error(req, st);
}

void http_set_cookie(http_req *req, const char *name, const char *value, int max_age_s,
                     bool http_only)
{
    if (req->ncookies == (int)ARRAY_LEN(req->set_cookies))
        die("too many cookies in one reply");
    buf *b = &req->set_cookies[req->ncookies++];
    buf_printf(b, "%s=%s; Path=/; Max-Age=%d; SameSite=Lax%s%s", name, value, max_age_s,
               http_only ? "; HttpOnly" : "", g_config.secure_cookies ? "; Secure" : "");
}

bool http_client_is_local(http_req *req)
{
    if (http_header(req, "X-Forwarded-For") || http_header(req, "X-Real-IP") ||
        http_header(req, "Forwarded"))
        return false;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return false;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
    }
    return false;
}

/* ---- language ----------------------------------------------------------- */

static const char *pick_lang(http_req *req)
{
    /* a pure function (server/http_input.c), fuzzed with any header bytes */
    return http_lang_pick(http_query(req, "lang"), http_cookie(req, "km0_lang"),
                          http_header(req, "Accept-Language"));
}

/* ---- MHD callbacks ------------------------------------------------------ */

static http_req *new_request(struct MHD_Connection *conn, const char *method, const char *url)
{
    http_req *req = xcalloc(1, sizeof *req);
    req->mem = arena_new();
    req->conn = conn;
    req->method = arena_strdup(req->mem, method);
    req->path = arena_strdup(req->mem, url);
    req->started_us = now_us();
    req->route_index = -1;
    /* a proxy's request id (nginx $request_id) ties its log line to ours */
    const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
    size_t rl = rid ? strlen(rid) : 0;
    if (rl >= 8 && rl < sizeof req->id &&
        strspn(rid, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ-_") == rl) {
        memcpy(req->id, rid, rl + 1);
    } else {
        unsigned char raw[8];
        random_bytes(raw, sizeof raw);
        for (int i = 0; i < 8; i++) {
            req->id[2 * i] = "0123456789abcdef"[raw[i] >> 4];
            req->id[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
        }
        req->id[16] = '\0';
    }
    req->lang = pick_lang(req);
    return req;
}

static enum MHD_Result count_content_length(void *cls, enum MHD_ValueKind kind, const char *key,
                                            const char *value)
{
    (void)kind;
    (void)value;
    if (!strcasecmp(key, "Content-Length"))
        ++*(int *)cls;
    return MHD_YES;
}

/* The declared body length; false after a 400 when the request declares two (a proxy
 * in front may have used the other one: request smuggling). */
static bool content_length_or_reply(http_req *req, size_t *len)
{
    int n = 0;
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_content_length, &n);
    if (n > 1) {
        http_reply_error(req, 400, "bad_request",
                         req->lang[0] == 'f' ? "La requête déclare deux longueurs (Content-Length)."
                                             : "The request declares two lengths (Content-Length).",
                         NULL);
        return false;
    }
    const char *cl = http_header(req, "Content-Length");
    *len = cl ? (size_t)strtoull(cl, NULL, 10) : 0;
    return true;
}

/* Query parameters, each named once. Two values for one name ("?format=pdf&format=xml")
 * are refused rather than one silently chosen: a proxy, a cache and km0 could each
 * pick a different one (HTTP parameter pollution). */
#define HTTP_MAX_QUERY_PARAMS 64

typedef struct {
    const char *names[HTTP_MAX_QUERY_PARAMS];
    int n;
    const char *duplicate;
    bool too_many, bad_encoding;
} query_names;

static enum MHD_Result collect_query_name(void *cls, enum MHD_ValueKind kind, const char *key,
                                          const char *value)
{
    (void)kind;
    query_names *q = cls;
    /* values reach SQL parameters and pages: UTF-8 only, as everywhere else */
    if (!utf8_valid(key, strlen(key)) || (value && !utf8_valid(value, strlen(value)))) {
        q->bad_encoding = true;
        return MHD_NO;
    }
    for (int i = 0; i < q->n; i++)
        if (strcmp(q->names[i], key) == 0) {
            q->duplicate = key;
            return MHD_NO;
        }
    if (q->n == HTTP_MAX_QUERY_PARAMS) {
        q->too_many = true;
        return MHD_NO;
    }
    q->names[q->n++] = key;
    return MHD_YES;
}

/* What the URI callback returns for a request whose query carries more parameters
 * than HTTP_MAX_QUERY_PARAMS (libmicrohttpd hands it to on_request as *con_cls). */
static char too_many_params_mark;

static bool query_ok_or_reply(http_req *req, bool too_many)
{
    query_names q = {.n = 0, .too_many = too_many};
    bool fr = req->lang[0] == 'f';
    if (!q.too_many)
        MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_query_name, &q);
    if (q.too_many) {
        /* said before anything else: the parameters were never parsed (see on_uri) */
        http_reply_error(req, 400, "too_many_parameters",
                         fr ? "L’adresse porte trop de paramètres."
                            : "The address carries too many parameters.",
                         NULL);
        return false;
    }
    if (q.bad_encoding) {
        http_reply_error(req, 400, "bad_encoding",
                         fr ? "L’adresse contient des caractères invalides (UTF-8 attendu)."
                            : "The address holds invalid characters (UTF-8 expected).",
                         NULL);
        return false;
    }
    if (q.duplicate) {
        http_reply_error(req, 400, "duplicate_parameter",
                         arena_printf(req->mem,
                                      fr ? "Le paramètre « %s » apparaît deux fois."
                                         : "The parameter \"%s\" appears twice.",
                                      q.duplicate),
                         arena_strdup(req->mem, q.duplicate));
        return false;
    }
    return true;
}

static void too_large(http_req *req)
{
    char msg[160];
    snprintf(msg, sizeof msg,
             req->lang[0] == 'f' ? "Le corps de la requête dépasse %zu octets."
                                 : "The request body is larger than %zu bytes.",
             req->body_cap);
    http_reply_error(req, 413, "body_too_large", msg, NULL);
}

/* Everything before the body: session, roles. */
static bool admit(http_req *req)
{
    const http_route *rt = req->route;
    if (!(rt->flags & ROUTE_NO_DB)) {
        req->db = db_thread_conn();
        if (!req->db) {
            http_reply_db_error(req, DB_DOWN);
            return false;
        }
        int st = session_load(req);
        if (st != DB_OK) {
            http_reply_db_error(req, st);
            return false;
        }
        if (!req->hub_id) {
            st = session_default_hub(req);
            if (st != DB_OK) {
                http_reply_db_error(req, st);
                return false;
            }
        }
        if (!req->hub_id && !(rt->flags & ROUTE_NO_HUB)) {
            bool fr = req->lang[0] == 'f', any = true;
            hub_any(req->db, &any); /* when it fails, the plain message */
            http_reply_error(req, 404, "unknown_hub",
                             any ? (fr ? "Aucun groupement n’est servi à cette adresse."
                                       : "No hub is served at this address.")
                             : fr ? "Aucun groupement n’existe encore : la première mise en route "
                                    "se fait à l’adresse /setup, depuis la machine de km0."
                                  : "No hub exists yet: the first run is at /setup, from km0's "
                                    "machine.",
                             NULL);
            return false;
        }
    }
    int role = req->session ? req->session->role : ROLE_ANON;
    if (!(rt->roles & role)) {
        bool fr = req->lang[0] == 'f';
        if (!req->session) {
            if (rt->flags & ROUTE_HTML) {
                buf loc = BUF_INIT;
                buf_puts(&loc, "/login?next=");
                buf_url(&loc, req->path);
                http_reply_redirect(req, arena_strdup(req->mem, buf_str(&loc)));
                buf_free(&loc);
            } else {
                http_reply_error(req, 401, "unauthenticated",
                                 fr ? "Connectez-vous d’abord." : "Log in first.", NULL);
            }
        } else {
            http_reply_error(req, 403, "forbidden",
                             fr ? "Votre compte n’a pas accès à cette page."
                                : "Your account may not access this.",
                             NULL);
        }
        return false;
    }
    req->admitted = true;
    return true;
}

/* The body cap of a request: a visitor not logged in may only send what a login or
 * sign-up form needs (anonymous_max_body_bytes), so that it cannot make km0 hold
 * max_body_bytes (or a catalog's size) per connection. */
static size_t body_cap(const http_req *req)
{
    size_t cap =
        (req->route->flags & ROUTE_BIG_BODY) ? g_config.catalog_max_bytes : g_config.max_body_bytes;
    if (!req->admitted || req->session)
        return cap;
    if (cap > g_config.anonymous_max_body_bytes)
        cap = g_config.anonymous_max_body_bytes;
    return cap;
}

/* First call, headers in: everything that can be decided before the body is read. A
 * refusal here is sent at once and the body, if any, is discarded unread. */
static void on_headers(http_req *req, const char *method, const char *url, bool too_many_params)
{
    /* path segments become SQL parameters ({slug}): refuse what is not UTF-8 */
    if (!utf8_valid(url, strlen(url))) {
        http_reply_error(req, 400, "bad_encoding",
                         req->lang[0] == 'f'
                             ? "L’adresse contient des caractères invalides (UTF-8 attendu)."
                             : "The address holds invalid characters (UTF-8 expected).",
                         NULL);
        return;
    }
    size_t declared;
    if (!content_length_or_reply(req, &declared) || !query_ok_or_reply(req, too_many_params))
        return;
    bool path_known;
    req->route_index = find_route(req, method, url, &path_known);
    if (req->route_index < 0) {
        bool fr = req->lang[0] == 'f';
        if (path_known)
            http_reply_error(req, 405, "method_not_allowed",
                             fr ? "Cette adresse ne s’utilise pas ainsi."
                                : "This method is not allowed on this resource.",
                             NULL);
        else
            http_reply_error(
                req, 404, "not_found",
                fr ? "Il n’y a rien à cette adresse." : "There is nothing at this address.", NULL);
        return;
    }
    req->route = &http_routes[req->route_index];
    /* a body larger than the route ever takes, then who is asking and from where:
     * all before any body is buffered */
    req->body_cap = body_cap(req);
    if (declared > req->body_cap) {
        too_large(req);
        return;
    }
    if (!csrf_origin_ok_or_reply(req) || !admit(req) || !csrf_api_ok_or_reply(req))
        return;
    req->body_cap = body_cap(req); /* smaller now if the request is a visitor's */
    if (declared > req->body_cap)
        too_large(req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    http_req *req = *con_cls;
    if (!req || (void *)req == &too_many_params_mark) {
        bool too_many = req != NULL;
        req = new_request(conn, method, url);
        *con_cls = req;
        conn_limits_request_started(conn);
        on_headers(req, method, url, too_many);
        return MHD_YES;
    }
    if (req->suspended) {
        /* back from the renderer (server/render_pool.c): reply with this thread's
         * connection, taken again as below */
        req->suspended = false;
        req->db = (req->route->flags & ROUTE_NO_DB) ? NULL : db_thread_conn();
        req->resume(req);
        if (!req->replied) {
            log_event(LOG_ERROR, "http.no_reply", "req=%s route=%s", req->id, req->route->pattern);
            http_reply_error(req, 500, "internal", "No reply was produced.", NULL);
        }
        return MHD_YES;
    }
    if (req->replied) {
        *upload_size = 0; /* discard the rest of a body we already answered */
        return MHD_YES;
    }
    if (*upload_size) {
        if (req->body.len + *upload_size > req->body_cap)
            req->body_too_large = true;
        else
            buf_append(&req->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->body_too_large) {
        too_large(req);
        return MHD_YES;
    }
    if (!csrf_form_ok_or_reply(req))
        return MHD_YES;
    /* admitted at the first call; the thread's connection may have been replaced since
     * (a reconnect frees the old one), so take it again */
    if (!(req->route->flags & ROUTE_NO_DB) && !(req->db = db_thread_conn()))
        http_reply_db_error(req, DB_DOWN);
    else
        req->route->handler(req);
    /* a request that may have written (a logout, a password or a role changed): the
     * sessions kept in memory are forgotten before its reply leaves, so the very next
     * request reads them again (server/session_cache.h) */
    if (strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS"))
        session_cache_flush();
    if (!req->replied && !req->suspended) {
        log_event(LOG_ERROR, "http.no_reply", "req=%s route=%s", req->id, req->route->pattern);
        http_reply_error(req, 500, "internal", "No reply was produced.", NULL);
    }
    return MHD_YES;
}

/* A catalog of several megabytes is parsed into many small blocks in the worker
 * thread's allocator arena; freed, they stay mapped to the process unless returned
 * (glibc keeps an arena per thread: 16 workers could each keep hundreds of MB). After
 * a large request, give the free memory back to the system. */
#define LARGE_REQUEST_BYTES ((size_t)1 << 20)

static void large_request_done(void)
{
    malloc_trim(0);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    http_req *req = *con_cls;
    *con_cls = NULL;
    conn_limits_request_done(conn);
    if (!req || (void *)req == &too_many_params_mark)
        return;
    int64_t us = now_us() - req->started_us;
    metrics_count(req->route_index, req->status ? req->status : 499, us);
    /* the path is the client's to write: encoded so it cannot forge fields or lines */
    buf path = BUF_INIT, method = BUF_INIT;
    http_log_path(&path, req->path, 512);
    http_log_path(&method, req->method, 16);
    log_event(LOG_INFO, "http.request",
              "req=%s method=%s path=%s route=%s status=%d us=%lld bytes_in=%zu user=%lld"
              " hub=%lld%s",
              req->id, buf_str(&method), buf_str(&path), req->route ? req->route->pattern : "-",
              req->status ? req->status : 499, (long long)us, req->body.len,
              req->session ? (long long)req->session->user_id : 0LL, (long long)req->hub_id,
              toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
    buf_free(&path);
    buf_free(&method);
    bool large = req->body.len > LARGE_REQUEST_BYTES;
    buf_free(&req->body);
    for (int i = 0; i < req->ncookies; i++)
        buf_free(&req->set_cookies[i]);
    arena_free(req->mem);
    free(req);
    if (large)
        large_request_done();
}

/* ---- lifecycle ---------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, *host ? host : "0.0.0.0", &sa->sin_addr) != 1)
        return -1;
    return 0;
}

/* libmicrohttpd decodes the path and the query with this: http_unescape keeps %00
 * as it is, so no NUL cuts a path or a value short. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return http_unescape(s);
}

/* Called when the request line is in, before libmicrohttpd splits the query into
 * parameters: past HTTP_MAX_QUERY_PARAMS, it would fill the connection's memory with
 * them and then close the connection without a word (after the timeout). The query
 * is cut off here, in libmicrohttpd's own buffer (writable: it is the request as
 * read, which libmicrohttpd itself splits in place next), and on_request answers 400. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    char *q = strchr(uri, '?');
    if (!q)
        return NULL;
    int n = 1;
    for (const char *p = q + 1; *p && *p != ' '; p++)
        n += *p == '&';
    if (n <= HTTP_MAX_QUERY_PARAMS)
        return NULL;
    q[1] = '\0'; /* an empty query: nothing to parse */
    return &too_many_params_mark;
}

/* libmicrohttpd's own messages (a client that went away, a header too large), as log
 * lines like every other: one line, key=value. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512], quoted[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    log_event(LOG_INFO, "http.mhd", "message=%s", log_quote(quoted, sizeof quoted, msg));
}

static void on_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
    (void)cls;
    die("libmicrohttpd: %s at %s:%u", reason ? reason : "panic", file, line);
}

int http_serve(const char *listen)
{
    struct sockaddr_in sa;
    if (parse_listen(listen, &sa) != 0) {
        char q[200];
        log_event(LOG_ERROR, "server.bad_listen",
                  "listen=%s hint=\"ADDR:PORT, e.g. 127.0.0.1:8080\"",
                  log_quote(q, sizeof q, listen));
        return 2;
    }
    if (hub_select_load() != 0)
        return 2;
    MHD_set_panic_func(on_panic, NULL);
    struct sigaction act = {0};
    act.sa_handler = on_signal;
    sigemptyset(&act.sa_mask);
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    metrics_init(http_nroutes);
    /* glibc gives each thread that allocates its own arena (up to 8 per core), each
     * keeping what it once held; two are enough for km0's workers, which spend their
     * time waiting on PostgreSQL, not on the allocator's locks */
    mallopt(M_ARENA_MAX, 2);

    /* km0 accepts, libmicrohttpd serves: its own accept gives a burst of connections
     * to one worker (server/http_accept.h) */
    unsigned port = 0;
    if (http_accept_listen(&sa, &port) != 0) {
        char q[200];
        log_event(LOG_ERROR, "server.listen_failed", "listen=%s errno=%d hint=\"address in use?\"",
                  log_quote(q, sizeof q, listen), errno);
        return 1;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET,
        0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)g_config.threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(g_config.connection_limit + g_config.threads * HTTP_ACCEPT_MHD_MARGIN),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)g_config.connection_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_CONNECTION, conn_limits_notify,
        NULL, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)g_config.connections_per_address,
        MHD_OPTION_END);
    if (!d || http_accept_start(d) != 0) {
        char q[200];
        log_event(LOG_ERROR, "server.listen_failed", "listen=%s hint=\"cannot start the server\"",
                  log_quote(q, sizeof q, listen));
        http_accept_stop();
        if (d)
            MHD_stop_daemon(d);
        return 1;
    }
    render_pool_start();
    archive_thread_start();
    session_cache_start();
    log_event(LOG_INFO, "server.started",
              "listen=%s port=%u threads=%d renderers=%d archive_workers=%d pid=%d", listen, port,
              g_config.threads, rpt_render_slots(), g_config.archive_workers, (int)getpid());
    /* a database without a hub: say where the first run is (never a token: logs are
     * read by more people than the machine's administrator) */
    db_conn *c = db_thread_conn();
    bool any = true;
    if (c && hub_any(c, &any) == DB_OK && !any)
        log_event(LOG_WARN, "server.no_hub",
                  "port=%u hint=\"first run: open /setup from this machine, or run km0 hub "
                  "create --first-run-token for a one-time link\"",
                  port);
    while (!stop_requested) {
        usleep(200 * 1000);
        conn_limits_sweep();
        server_tick();
    }
    log_event(LOG_INFO, "server.stopping", "reason=signal");
    /* stop accepting, let requests in flight finish, then close */
    http_accept_stop();
    /* renderings in progress are cancelled (their requests answered busy), the
     * archive worker leaves its batch to the next one */
    archive_thread_stop();
    render_pool_stop();
    session_cache_stop();
    MHD_stop_daemon(d);
    rcache_clear();
    archive_cache_clear();
    db_thread_release();
    log_event(LOG_INFO, "server.stopped", NULL);
    return 0;
}
