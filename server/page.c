/*
 * server/page.c — page layout, CSRF for forms, French/English formatting.
 *
 * Every page links one stylesheet and one icon, at versioned addresses that
 * browsers keep a year (server/style.c): after the first page, a page is one
 * request.
 */
#include "page.h"
#include "csrf_mask.h"
#include "http_input.h"
#include "../core/legal_pages.h"
#include "../core/parse.h"
#include "../core/shop.h"
#include "../core/unit.h"
#include "../core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void nav_link(buf *b, const char *href, const char *label, const char *current)
{
    buf_lit(b, "<li><a href=\"");
    buf_html(b, href);
    buf_lit(b, "\"");
    if (current && strcmp(current, href) == 0)
        buf_lit(b, " aria-current=\"page\"");
    buf_lit(b, ">");
    buf_html(b, label);
    buf_lit(b, "</a></li>");
}

/* The same address in the other language. */
static void other_language(buf *b, http_req *req)
{
    const char *other = req->lang[0] == 'f' ? "en" : "fr";
    buf_lit(b, "<li><a href=\"");
    buf_html(b, req->path);
    buf_printf(b, "?lang=%s\" lang=\"%s\" hreflang=\"%s\">%s</a></li>", other, other, other,
               req->lang[0] == 'f' ? "English" : "Français");
}

void page_begin(buf *b, http_req *req, const char *title)
{
    const char *q = http_query(req, "lang");
    if (q && (!strcmp(q, "fr") || !strcmp(q, "en")))
        http_set_cookie(req, "km0_lang", req->lang, 365 * 24 * 3600, false);
    buf_printf(b, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">", req->lang);
    buf_lit(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    buf_html(b, title);
    buf_printf(b,
               " — km0</title><link rel=\"stylesheet\" href=\"%s\"><link rel=\"icon\" "
               "href=\"%s\" type=\"image/svg+xml\"></head><body>",
               style_url(), style_icon_url());
    buf_printf(b, "<a class=\"skip\" href=\"#main\">%s</a>",
               TR(req, "Aller au contenu", "Skip to content"));
    buf_printf(b,
               "<header><nav aria-label=\"%s\"><ul><li><a class=\"brand\" href=\"/\">km0</a></li>",
               TR(req, "Navigation principale", "Main navigation"));
    int role = req->session ? req->session->role : ROLE_ANON;
    const char *cur = req->path;
    if (role == ROLE_PRODUCER) {
        nav_link(b, "/producer", TR(req, "Mon espace", "My space"), cur);
    } else {
        nav_link(b, "/", TR(req, "Boutique", "Shop"), cur);
    }
    if (role == ROLE_CONSUMER) {
        nav_link(b, "/orders", TR(req, "Mes commandes", "My orders"), cur);
        nav_link(b, "/subscriptions", TR(req, "Mes abonnements", "My subscriptions"), cur);
    }
    if (role != ROLE_ANON)
        nav_link(b, "/account", TR(req, "Mon compte", "My account"), cur);
    if (role == ROLE_COORDINATOR)
        nav_link(b, "/desk", TR(req, "Bureau de coordination", "Coordinator desk"), cur);
    if (role == ROLE_ANON) {
        nav_link(b, "/login", TR(req, "Se connecter", "Log in"), cur);
        nav_link(b, "/signup", TR(req, "Créer un compte", "Sign up"), cur);
    } else {
        buf_lit(b, "<li><form method=\"post\" action=\"/logout\">");
        page_csrf_field(b, req);
        buf_printf(b, "<button type=\"submit\">%s</button></form></li>",
                   TR(req, "Se déconnecter", "Log out"));
    }
    other_language(b, req);
    buf_lit(b, "</ul></nav></header><main id=\"main\">");
}

void page_end(buf *b, http_req *req)
{
    /* the privacy link names what km0 itself keeps (server/p_privacy.c); the hub's own
     * privacy policy is among its legal pages */
    buf_printf(b,
               "</main><footer><p>%s <a href=\"/contact\">%s</a> · <a href=\"/privacy\">%s</a>"
               "</p><ul class=\"legal-links\">",
               TR(req, "km0 — circuits courts, kilomètre zéro.",
                  "km0 — short food supply chains, kilometre zero."),
               TR(req, "Contacter le groupement", "Contact the hub"),
               TR(req, "Données personnelles", "Privacy"));
    /* the hub's legal pages (core/legal_pages.h), on every page */
    for (size_t i = 0; legal_kind_at(i); i++) {
        const legal_kind *k = legal_kind_at(i);
        buf_printf(b, "<li><a href=\"%s\">%s</a></li>", legal_page_href(k->code),
                   TR(req, k->title_fr, k->title_en));
    }
    buf_lit(b, "</ul></footer></body></html>\n");
}

/* A visitor's km0_csrf cookie as km0 issues them (server/http_input.c, fuzzed alone). */
static bool token_ok(const char *t)
{
    return http_token_shape_ok(t, 16, 64);
}

const char *page_csrf(http_req *req)
{
    if (req->session)
        return req->session->csrf;
    if (req->csrf_fresh)
        return req->csrf_fresh;
    const char *c = http_cookie(req, "km0_csrf");
    if (token_ok(c))
        return c;
    char fresh[48];
    random_token(fresh, 24);
    req->csrf_fresh = arena_strdup(req->mem, fresh);
    http_set_cookie(req, "km0_csrf", req->csrf_fresh, 12 * 3600, true);
    return req->csrf_fresh;
}

void page_csrf_field(buf *b, http_req *req)
{
    /* masked afresh for each form: replies are compressed (server/csrf_mask.h) */
    char masked[4 * CSRF_MASK_MAX + 2];
    csrf_mask(page_csrf(req), masked, sizeof masked);
    buf_lit(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    buf_html(b, masked);
    buf_lit(b, "\">");
}

bool page_form_or_reply(http_req *req, form *f)
{
    /* parsed and checked (CSRF token, content type, duplicate names) once, when the
     * request was admitted (server/csrf.c): here it is only handed over */
    if (!req->form) {
        http_reply_error(req, 500, "internal", "This page expects no form.", NULL);
        return false;
    }
    *f = *req->form;
    return true;
}

void fmt_money(buf *b, http_req *req, cents_t cents)
{
    char d[32];
    dec_format(d, cents, 2, 2);
    if (req->lang[0] == 'f') {
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
        buf_puts(b, d);
        buf_lit(b, "\u00a0€");
    } else {
        buf_puts(b, cents < 0 ? "-€" : "€");
        buf_puts(b, cents < 0 ? d + 1 : d);
    }
}

void fmt_qty(buf *b, http_req *req, milli_t q)
{
    char d[32];
    dec_format(d, q, 3, 0);
    if (req->lang[0] == 'f')
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    buf_puts(b, d);
}

void fmt_rate(buf *b, http_req *req, vat_bp_t rate)
{
    char d[32];
    dec_format(d, rate, 2, 0);
    if (req->lang[0] == 'f')
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    buf_puts(b, d);
}

/* The plurals of count units, made once per process: pages ask for them on every
 * product row. */
static char *plurals[2][64];
static pthread_once_t plurals_once = PTHREAD_ONCE_INIT;

static void make_plurals(void)
{
    for (size_t i = 0; i < unit_count() && i < 64; i++) {
        const unit_def *u = unit_at(i);
        for (int en = 0; en < 2; en++) {
            const char *label = en ? u->label_en : u->label_fr;
            size_t n = strlen(label);
            /* km0's count units all take an s, except words ending in s or x
             * (English "box" → "boxes") and French ones in -eau ("plateaux") */
            char *p = xmalloc(n + 3);
            if (n && (label[n - 1] == 's' || label[n - 1] == 'x'))
                snprintf(p, n + 3, en && label[n - 1] == 'x' ? "%ses" : "%s", label);
            else if (!en && n > 3 && !strcmp(label + n - 3, "eau"))
                snprintf(p, n + 3, "%sx", label);
            else
                snprintf(p, n + 3, "%ss", label);
            plurals[en][i] = p;
        }
    }
}

const char *fmt_unit(http_req *req, const char *code, milli_t q)
{
    const unit_def *u = unit_by_code(code);
    if (!u)
        return code;
    if (u->kind != UNIT_COUNT)
        return u->code; /* kg, g, l: symbols */
    bool en = req->lang[0] == 'e';
    if (q <= 1000)
        return en ? u->label_en : u->label_fr;
    pthread_once(&plurals_once, make_plurals);
    for (size_t i = 0; i < unit_count() && i < 64; i++)
        if (unit_at(i) == u)
            return plurals[en][i];
    return en ? u->label_en : u->label_fr;
}

static const char *const months_fr[] = {"janvier",   "février", "mars",     "avril",
                                        "mai",       "juin",    "juillet",  "août",
                                        "septembre", "octobre", "novembre", "décembre"};
static const char *const months_en[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
static const char *const days_fr[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                      "jeudi",    "vendredi", "samedi"};
static const char *const days_en[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

/* Day of week (0 = Sunday) by Sakamoto's method. */
static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3)
        y -= 1;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

void fmt_date(buf *b, http_req *req, const char *iso)
{
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
        buf_html(b, iso ? iso : "");
        return;
    }
    int w = weekday(y, m, d);
    if (req->lang[0] == 'f')
        buf_printf(b, "%s %d %s %d", days_fr[w], d, months_fr[m - 1], y);
    else
        buf_printf(b, "%s %d %s %d", days_en[w], d, months_en[m - 1], y);
}

void fmt_datetime(buf *b, http_req *req, const char *iso)
{
    int hh, mm;
    fmt_date(b, req, iso);
    if (iso && strlen(iso) >= 16 && sscanf(iso + 11, "%2d:%2d", &hh, &mm) == 2)
        buf_printf(b, req->lang[0] == 'f' ? ", %02dh%02d" : ", %02d:%02d", hh, mm);
}

void fmt_pickup_slot(buf *b, http_req *req, const char *delivery, int dow, int start_min,
                     int end_min, const char *written)
{
    char day[11];
    if (!shop_slot_date(delivery, dow, day)) {
        /* no structured slot: the delivery day, and the slot as the hub wrote it */
        fmt_date(b, req, delivery);
        if (written && *written) {
            buf_puts(b, " (");
            buf_html(b, written);
            buf_putc(b, ')');
        }
        return;
    }
    fmt_date(b, req, day);
    if (start_min < 0 || end_min < 0)
        return;
    bool fr = req->lang[0] == 'f';
    buf_printf(b, fr ? ", %02dh%02d–%02dh%02d" : ", %02d:%02d–%02d:%02d", start_min / 60,
               start_min % 60, end_min / 60, end_min % 60);
}

bool parse_form_quantity(const char *s, milli_t *out)
{
    int64_t q;
    if (parse_quantity(s, &q) != PARSE_OK)
        return false;
    *out = q;
    return true;
}
