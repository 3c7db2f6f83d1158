/*
 * server/http.h — km0's HTTP core on libmicrohttpd.
 *
 * A static route table (server/routes.c) maps method + path pattern to a
 * handler; path segments written {name} are captured. The core buffers the
 * request body up to the route's cap (413 past it), loads the session, checks
 * the route's roles, then calls the handler once with the whole request. The
 * handler answers with exactly one http_reply_* call; everything it allocates
 * from req->mem is released in the completion callback.
 */
#ifndef KM0_HTTP_H
#define KM0_HTTP_H

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/db.h"
#include "../core/refusal.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* Roles, as a bitmask for route access. */
enum {
    ROLE_ANON = 1,
    ROLE_CONSUMER = 2,
    ROLE_PRODUCER = 4,
    ROLE_COORDINATOR = 8,
    ROLE_USER = ROLE_CONSUMER | ROLE_PRODUCER | ROLE_COORDINATOR,
    ROLE_ANY = ROLE_ANON | ROLE_USER
};

/* Route flags. */
enum {
    ROUTE_HTML = 1,     /* errors rendered as HTML pages; anonymous users sent to the login page */
    ROUTE_NO_DB = 2,    /* does not need the database (metrics) */
    ROUTE_NO_CSRF = 4,  /* may change state without a CSRF token (server/csrf.c; none so far) */
    ROUTE_BIG_BODY = 8, /* body cap is catalog_max_bytes instead of max_body_bytes */
    ROUTE_NO_HUB = 16   /* answers even when the request names no hub (health checks) */
};

typedef struct http_session {
    int64_t id;
    int64_t user_id;
    int64_t hub_id;
    int role; /* ROLE_CONSUMER, ROLE_PRODUCER or ROLE_COORDINATOR */
    int64_t producer_id;
    int64_t customer_id;
    const char *email;
    const char *name;
    const char *csrf;
    const char *producer_slug;
} http_session;

typedef struct http_req http_req;
typedef void (*http_handler)(http_req *req);

/* How caches may keep a reply (server/http_body.c). Personal pages keep the default. */
typedef enum {
    HTTP_CACHE_NO_STORE = 0, /* the default: nothing keeps a copy */
    HTTP_CACHE_REVALIDATE,   /* kept, asked again each time: ETag, 304 when unchanged */
    HTTP_CACHE_HOUR,         /* an address whose content may change with a release */
    HTTP_CACHE_IMMUTABLE     /* a versioned address: its content never changes */
} http_cache;

typedef struct http_route {
    const char *method;
    const char *pattern;
    http_handler handler;
    int roles;
    int flags;
} http_route;

#define HTTP_MAX_PARAMS 6

struct http_req {
    struct MHD_Connection *conn;
    arena *mem;
    const http_route *route;
    int route_index;
    const char *method;
    const char *path;
    const char *param_names[HTTP_MAX_PARAMS];
    const char *param_values[HTTP_MAX_PARAMS];
    int nparams;
    buf body;
    size_t body_cap;
    bool body_too_large;
    char id[33];      /* the proxy's X-Request-Id when it sends one, else 16 random hex digits */
    const char *lang; /* "fr" or "en" */
    http_session *session; /* NULL when anonymous */
    int64_t hub_id;        /* the hub this request is about */
    db_conn *db;           /* this thread's connection, NULL for ROUTE_NO_DB */
    int status;            /* set by http_reply_*, for the access log */
    bool replied;
    bool admitted; /* session loaded and roles checked (the visitor's body cap applies) */
    int64_t started_us;
    const char *csrf_fresh; /* CSRF token issued to a visitor in this reply (server/page.c) */
    struct form *form;      /* an HTML route's posted form, checked at admission (csrf.c) */
    buf set_cookies[3];     /* Set-Cookie headers to add to the reply */
    int ncookies;
    http_cache cache;  /* set by a handler before it replies */
    int retry_after_s; /* a 503 that says when to come back (Retry-After) */
    /* a rendering handed to server/render_pool.c: the connection is suspended until
     * it is done, then resume replies (on an HTTP thread) */
    bool suspended;
    void (*resume)(http_req *req);
    void *async;
    /* a strong ETag the handler knows for its reply (content-addressed bytes, such as a
     * photo variant): sent as is, and If-None-Match holding it answers 304 */
    const char *etag;
};

/* Start serving on listen ("ADDR:PORT") until SIGINT/SIGTERM; returns the exit code. */
int http_serve(const char *listen);

/* Route captures and request data. All returned strings live in req->mem. */
const char *http_param(http_req *req, const char *name);
const char *http_query(http_req *req, const char *name); /* NULL when absent */
const char *http_header(http_req *req, const char *name);
const char *http_cookie(http_req *req, const char *name);
/* Parse the body as a JSON object; on failure replies 400 and returns NULL. The
 * tree is freed with the request. */
cJSON *http_json_body(http_req *req);

/* Replies (exactly one per request). */
void http_reply_json(http_req *req, int status, cJSON *body); /* takes ownership of body */
void http_reply_json_text(http_req *req, int status, const char *json);
/* {"error": {"code", "message", "field"}}; field may be NULL. */
void http_reply_error(http_req *req, int status, const char *code, const char *message,
                      const char *field);
/* Same with "details": details is an array the reply takes ownership of. */
void http_reply_error_details(http_req *req, int status, const char *code, const char *message,
                              cJSON *details);
void http_reply_html(http_req *req, int status, buf *page); /* takes the buffer's data */
void http_reply_bytes(http_req *req, int status, const char *content_type, const void *data,
                      size_t len, const char *filename);
/* A generated document (report, invoice): like http_reply_bytes, with a content
 * security policy that lets it carry its own inline stylesheet and nothing else. */
void http_reply_document(http_req *req, int status, const char *content_type, const void *data,
                         size_t len, const char *filename);
/* A stored file that never changes (an archived invoice): strong ETag (quoted),
 * 304 without the body when If-None-Match names it, else 200 with the bytes
 * (data must live in req->mem, or longer: it is sent from there). */
void http_reply_stored(http_req *req, const char *content_type, const void *data, size_t len,
                       const char *filename, const char *etag);
void http_reply_redirect(http_req *req, const char *location); /* 303 See Other */
void http_reply_text(http_req *req, int status, const char *content_type, const char *text);
/* 503 when the database cannot be reached (or the outcome of a write is unknown:
 * "outcome_unknown"), 500 otherwise (logged with the request id). */
void http_reply_db_error(http_req *req, int status_from_db);
/* The connection for reads that may be a moment stale (documents, the shop's
 * catalog): the thread's database_read_url connection (a standby), or req->db when
 * none is configured or it cannot be reached. Never for what the request writes or
 * must see as just written. */
db_conn *http_read_db(http_req *req);

/* A domain refusal as a 4xx JSON error (with "details" when it lists several). */
void http_reply_refusal(http_req *req, const refusal *why);
/* After a core call: st > 0 → the refusal, st < 0 → http_reply_db_error. */
void http_reply_failure(http_req *req, int st, const refusal *why);

/* Add a Set-Cookie header (value already safe: token characters only). */
void http_set_cookie(http_req *req, const char *name, const char *value, int max_age_s,
                     bool http_only);

/* Is the request's CSRF token (form field or X-CSRF-Token header) the session's
 * (a visitor's: its km0_csrf cookie)? server/csrf.c. */
bool http_csrf_ok(http_req *req, const char *form_token);

/* Does the request come from this machine itself: a loopback peer address, and no
 * proxy header (X-Forwarded-For, X-Real-IP, Forwarded) saying it was passed on from
 * elsewhere — behind nginx every request comes from the loopback. */
bool http_client_is_local(http_req *req);

/* Metrics in Prometheus text format. */
void http_metrics_text(buf *out);

extern const http_route http_routes[];
extern const int http_nroutes;

#endif
