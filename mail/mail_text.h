/*
 * mail/mail_text.h — the words of a message, written once for both its parts: plain
 * text, and a light HTML part (no remote image, no tracking, no script, one inline
 * style on the body).
 *
 *   mail_text m;
 *   mt_begin(&m, a, lang, name);          "Bonjour Anne," / "Hello Anne,"
 *   mt_p(&m, ML(&m, "Votre commande…", "Your order…"));
 *   mt_item(&m, "2 kg Carottes — 4,74 €");  consecutive items make one list
 *   mt_link(&m, ML(&m, "Voir la commande", "See the order"), url);
 *   mt_end(&m, hub_name, unsubscribe_url);
 * Everything that comes from data is escaped in the HTML part here.
 */
#ifndef KM0_MAIL_TEXT_H
#define KM0_MAIL_TEXT_H

#include "../core/arena.h"
#include "../core/buf.h"
#include "../core/money.h"

#include <stdbool.h>

typedef struct mail_text {
    arena *a;
    const char *lang; /* "fr" or "en" */
    buf text, html;
    bool in_list;
} mail_text;

#define ML(m, fr, en) ((m)->lang[0] == 'f' ? (fr) : (en))

void mt_begin(mail_text *m, arena *a, const char *lang, const char *name);
void mt_p(mail_text *m, const char *s);
void mt_pf(mail_text *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mt_item(mail_text *m, const char *s);
void mt_link(mail_text *m, const char *label, const char *url);
/* The signature, why this message came, and for an optional message the link that
 * stops it. Then m->text and m->html hold the message (the caller copies them out
 * with mt_text / mt_html before mt_free). */
void mt_end(mail_text *m, const char *hub_name, const char *unsubscribe_url);
const char *mt_text(mail_text *m);
const char *mt_html(mail_text *m, const char *subject);
void mt_free(mail_text *m);

/* Amounts, quantities and dates in the message's language (copies in a). */
const char *mt_money(arena *a, const char *lang, cents_t cents);
const char *mt_qty(arena *a, const char *lang, milli_t q, const char *unit);
const char *mt_date(arena *a, const char *lang, const char *iso_date);
/* "mardi 1 décembre 2026 à 22h00" from an ISO timestamp in Paris time. */
const char *mt_datetime(arena *a, const char *lang, const char *iso_ts);

/* public_url + path (path starts with '/'). */
const char *mt_url(arena *a, const char *path);
/* The one-click unsubscribe address of (user, kind) with its signed token. */
const char *mt_url_unsubscribe(arena *a, int64_t user, const char *kind, const char *token);

#endif
