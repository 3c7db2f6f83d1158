/*
 * mail/mail_text.c — both parts of a message at once (mail/mail_text.h).
 */
#include "mail_text.h"
#include "../core/config.h"
#include "../core/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void mt_begin(mail_text *m, arena *a, const char *lang, const char *name)
{
    *m = (mail_text){.a = a, .lang = lang && !strcmp(lang, "en") ? "en" : "fr"};
    const char *hello = ML(m, "Bonjour", "Hello");
    if (name && *name)
        mt_pf(m, "%s %s,", hello, name);
    else
        mt_pf(m, "%s,", hello);
}

static void close_list(mail_text *m)
{
    if (!m->in_list)
        return;
    buf_lit(&m->html, "</ul>\n");
    buf_lit(&m->text, "\n");
    m->in_list = false;
}

void mt_p(mail_text *m, const char *s)
{
    close_list(m);
    buf_puts(&m->text, s);
    buf_lit(&m->text, "\n\n");
    buf_lit(&m->html, "<p>");
    buf_html(&m->html, s);
    buf_lit(&m->html, "</p>\n");
}

void mt_pf(mail_text *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf line = BUF_INIT;
    buf_vprintf(&line, fmt, ap);
    va_end(ap);
    mt_p(m, buf_str(&line));
    buf_free(&line);
}

void mt_item(mail_text *m, const char *s)
{
    if (!m->in_list) {
        buf_lit(&m->html, "<ul>\n");
        m->in_list = true;
    }
    buf_lit(&m->text, "  - ");
    buf_puts(&m->text, s);
    buf_lit(&m->text, "\n");
    buf_lit(&m->html, "<li>");
    buf_html(&m->html, s);
    buf_lit(&m->html, "</li>\n");
}

void mt_link(mail_text *m, const char *label, const char *url)
{
    close_list(m);
    buf_printf(&m->text, ML(m, "%s :\n%s\n\n", "%s:\n%s\n\n"), label, url);
    buf_lit(&m->html, "<p><a href=\"");
    buf_html(&m->html, url);
    buf_lit(&m->html, "\">");
    buf_html(&m->html, label);
    buf_lit(&m->html, "</a></p>\n");
}

void mt_end(mail_text *m, const char *hub_name, const char *unsubscribe_url)
{
    close_list(m);
    mt_p(m, hub_name && *hub_name ? hub_name : "km0");
    buf_lit(&m->text, "-- \n");
    buf_lit(&m->html, "<hr>\n<p style=\"font-size:small\">");
    const char *why = ML(m, "Message envoyé par km0 pour votre groupement d’achat.",
                         "Message sent by km0 for your food hub.");
    buf_puts(&m->text, why);
    buf_html(&m->html, why);
    const char *prefs = mt_url(m->a, "/account");
    buf_printf(&m->text, "\n%s : %s\n", ML(m, "Vos préférences", "Your preferences"), prefs);
    buf_lit(&m->html, " <a href=\"");
    buf_html(&m->html, prefs);
    buf_printf(&m->html, "\">%s</a>", ML(m, "Vos préférences", "Your preferences"));
    if (unsubscribe_url) {
        const char *stop =
            ML(m, "Ne plus recevoir ce type de message", "Stop receiving this kind of message");
        buf_printf(&m->text, "%s : %s\n", stop, unsubscribe_url);
        buf_lit(&m->html, " · <a href=\"");
        buf_html(&m->html, unsubscribe_url);
        buf_lit(&m->html, "\">");
        buf_html(&m->html, stop);
        buf_lit(&m->html, "</a>");
    }
    buf_lit(&m->html, "</p>\n");
}

const char *mt_text(mail_text *m)
{
    return arena_strdup(m->a, buf_str(&m->text));
}

const char *mt_html(mail_text *m, const char *subject)
{
    buf page = BUF_INIT;
    buf_printf(&page, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
               m->lang);
    buf_html(&page, subject);
    buf_lit(&page, "</title></head>\n<body style=\"font-family:sans-serif;max-width:40em;"
                   "line-height:1.4\">\n");
    buf_puts(&page, buf_str(&m->html));
    buf_lit(&page, "</body></html>\n");
    const char *out = arena_strdup(m->a, buf_str(&page));
    buf_free(&page);
    return out;
}

void mt_free(mail_text *m)
{
    buf_free(&m->text);
    buf_free(&m->html);
}

static const char *decimal(arena *a, const char *lang, int64_t v, int scale, int min_dec)
{
    char d[40];
    dec_format(d, v, scale, min_dec);
    if (lang[0] == 'f')
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    return arena_strdup(a, d);
}

const char *mt_money(arena *a, const char *lang, cents_t cents)
{
    const char *d = decimal(a, lang, cents < 0 ? -cents : cents, 2, 2);
    if (lang[0] == 'f')
        return arena_printf(a, "%s%s\u00a0€", cents < 0 ? "-" : "", d);
    return arena_printf(a, "%s€%s", cents < 0 ? "-" : "", d);
}

const char *mt_qty(arena *a, const char *lang, milli_t q, const char *unit)
{
    const char *d = decimal(a, lang, q, 3, 0);
    const unit_def *u = unit_by_code(unit);
    if (!u)
        return arena_printf(a, "%s %s", d, unit);
    if (u->kind != UNIT_COUNT)
        return arena_printf(a, "%s %s", d, u->code);
    const char *label = lang[0] == 'f' ? u->label_fr : u->label_en;
    size_t n = strlen(label);
    bool plural = q > 1000 && n && label[n - 1] != 's' && label[n - 1] != 'x';
    return arena_printf(a, "%s %s%s", d, label, plural ? "s" : "");
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

const char *mt_date(arena *a, const char *lang, const char *iso)
{
    int y, mo, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) != 3 || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
        return iso ? iso : "";
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    int yy = mo < 3 ? y - 1 : y;
    int w = (yy + yy / 4 - yy / 100 + yy / 400 + t[mo - 1] + d) % 7;
    if (lang[0] == 'f')
        return arena_printf(a, "%s %d %s %d", days_fr[w], d, months_fr[mo - 1], y);
    return arena_printf(a, "%s %d %s %d", days_en[w], d, months_en[mo - 1], y);
}

const char *mt_datetime(arena *a, const char *lang, const char *iso)
{
    int hh, mm;
    const char *day = mt_date(a, lang, iso);
    if (iso && strlen(iso) >= 16 && sscanf(iso + 11, "%2d:%2d", &hh, &mm) == 2)
        return arena_printf(a, lang[0] == 'f' ? "%s à %02dh%02d" : "%s at %02d:%02d", day, hh, mm);
    return day;
}

const char *mt_url(arena *a, const char *path)
{
    size_t n = strlen(g_config.public_url);
    while (n && g_config.public_url[n - 1] == '/')
        n--;
    return arena_printf(a, "%.*s%s", (int)n, g_config.public_url, path);
}

const char *mt_url_unsubscribe(arena *a, int64_t user, const char *kind, const char *token)
{
    return mt_url(a,
                  arena_printf(a, "/unsubscribe?u=%lld&k=%s&t=%s", (long long)user, kind, token));
}
