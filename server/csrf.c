/*
 * server/csrf.c — the one place where CSRF is checked (see csrf.h for the rules).
 */
#include "csrf.h"
#include "../core/config.h"
#include "csrf_mask.h"
#include "form.h"

#include <string.h>
#include <strings.h>

bool csrf_unsafe_method(const http_req *req)
{
    return strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0 &&
           strcmp(req->method, "OPTIONS") != 0;
}

static bool fr(const http_req *req)
{
    return req->lang[0] == 'f';
}

static void refuse_cross_origin(http_req *req)
{
    http_reply_error(req, 403, "cross_origin",
                     fr(req) ? "Cette demande vient d’un autre site : km0 la refuse."
                             : "This request comes from another site: km0 refuses it.",
                     NULL);
}

/* "scheme://authority" of url, compared with origin (case-insensitive). */
static bool same_origin_as(const char *origin, const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return false;
    const char *end = strchr(p + 3, '/');
    size_t n = end ? (size_t)(end - url) : strlen(url);
    return strlen(origin) == n && !strncasecmp(origin, url, n);
}

/* The Origin header names this server: its own Host, or public_url. "null" (a
 * sandboxed frame, a redirect from elsewhere) is nobody's origin. */
static bool origin_is_ours(http_req *req, const char *origin)
{
    if (same_origin_as(origin, g_config.public_url))
        return true;
    const char *host = http_header(req, "Host");
    const char *sep = strstr(origin, "://");
    if (!host || !*host || !sep)
        return false;
    size_t scheme = (size_t)(sep - origin);
    bool web = (scheme == 4 && !strncasecmp(origin, "http", 4)) ||
               (scheme == 5 && !strncasecmp(origin, "https", 5));
    return web && !strcasecmp(sep + 3, host);
}

bool csrf_origin_ok_or_reply(http_req *req)
{
    if (!csrf_unsafe_method(req))
        return true;
    /* Fetch Metadata: another site, or another origin of the same site (a sibling
     * hub's sub-domain); clients that do not send it rely on the checks below */
    const char *site = http_header(req, "Sec-Fetch-Site");
    if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
        refuse_cross_origin(req);
        return false;
    }
    const char *origin = http_header(req, "Origin");
    if (origin && !origin_is_ours(req, origin)) {
        refuse_cross_origin(req);
        return false;
    }
    return true;
}

bool http_csrf_ok(http_req *req, const char *form_token)
{
    const char *expected = req->session ? req->session->csrf : http_cookie(req, "km0_csrf");
    char plain[CSRF_MASK_MAX + 1]; /* pages write it masked (server/csrf_mask.h) */
    const char *given = csrf_unmask(form_token ? form_token : http_header(req, "X-CSRF-Token"),
                                    plain, sizeof plain);
    if (!expected || !given || strlen(expected) < 16)
        return false;
    size_t n = strlen(expected);
    if (strlen(given) != n)
        return false;
    unsigned char diff = 0; /* constant time: no early exit on the first mismatch */
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(expected[i] ^ given[i]);
    return diff == 0;
}

static bool has_type(const char *ct, const char *type)
{
    size_t n = strlen(type);
    return ct && !strncasecmp(ct, type, n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

bool csrf_api_ok_or_reply(http_req *req)
{
    if (!csrf_unsafe_method(req) || (req->route->flags & (ROUTE_HTML | ROUTE_NO_CSRF)))
        return true;
    const char *ct = http_header(req, "Content-Type");
    if (has_type(ct, "application/json") || http_csrf_ok(req, NULL))
        return true;
    /* the bodies a page of another site can post without asking: not JSON */
    if (has_type(ct, "application/x-www-form-urlencoded") || has_type(ct, "multipart/form-data") ||
        has_type(ct, "text/plain")) {
        http_reply_error(req, 415, "unsupported_media_type",
                         fr(req) ? "Envoyez du JSON (Content-Type: application/json)."
                                 : "Send JSON (Content-Type: application/json).",
                         NULL);
        return false;
    }
    http_reply_error(req, 403, "csrf",
                     fr(req) ? "Cette demande doit être du JSON (Content-Type: application/json) "
                               "ou porter l’en-tête X-CSRF-Token de la session."
                             : "This request must be JSON (Content-Type: application/json) or "
                               "carry the session's X-CSRF-Token header.",
                     NULL);
    return false;
}

static bool form_refused(http_req *req, int status, const char *code, const char *fr_msg,
                         const char *en_msg, const char *field)
{
    http_reply_error(req, status, code, fr(req) ? fr_msg : en_msg, field);
    return false;
}

bool csrf_form_ok_or_reply(http_req *req)
{
    if (!csrf_unsafe_method(req) || !(req->route->flags & ROUTE_HTML))
        return true;
    const char *ct = http_header(req, "Content-Type");
    const char *body = req->body.data ? req->body.data : "";
    form *f = arena_alloc(req->mem, sizeof *f);
    form_status st;
    if (has_type(ct, "multipart/form-data"))
        st = form_parse_multipart(req->mem, ct, body, req->body.len, f);
    else if (has_type(ct, "application/x-www-form-urlencoded"))
        st = form_parse_urlencoded(req->mem, body, req->body.len, f);
    else
        return form_refused(req, 415, "unsupported_media_type",
                            "Ce formulaire n’a pas été envoyé correctement.",
                            "This form was not sent the usual way.", NULL);
    if (st != FORM_OK)
        return form_refused(req, 400, "bad_form", "Le formulaire contient des données illisibles.",
                            "The form holds data that cannot be read.", NULL);
    if (!(req->route->flags & ROUTE_NO_CSRF) &&
        (form_count(f, "csrf") != 1 || !http_csrf_ok(req, form_get(f, "csrf"))))
        return form_refused(req, 403, "csrf",
                            "Ce formulaire a expiré ou ne vient pas de km0 : rechargez la page "
                            "et recommencez.",
                            "This form has expired or did not come from km0: reload the page and "
                            "try again.",
                            NULL);
    /* km0's forms name every field once; two values for one name are refused rather
     * than one silently chosen (parameter pollution) */
    const char *twice = form_duplicate_name(f);
    if (twice) {
        http_reply_error(req, 400, "duplicate_field",
                         arena_printf(req->mem,
                                      fr(req) ? "Le champ « %s » apparaît deux fois."
                                              : "The field \"%s\" appears twice.",
                                      twice),
                         twice);
        return false;
    }
    req->form = f;
    return true;
}
