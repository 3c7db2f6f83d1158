/*
 * server/page.h — what every HTML page shares: layout, language, CSRF, formatting.
 *
 * Pages are server-rendered, work without JavaScript, and are French unless
 * the visitor chose English (?lang=en, remembered in a cookie, or
 * Accept-Language). Strings are written in both languages where they are used:
 *   buf_puts(b, TR(req, "Mes commandes", "My orders"));
 * Everything that comes from data goes through buf_html.
 */
#ifndef KM0_PAGE_H
#define KM0_PAGE_H

#include "../core/money.h"
#include "form.h"
#include "http.h"

#define TR(req, fr, en) ((req)->lang[0] == 'f' ? (fr) : (en))

/* <!doctype html> … <main id="main">; title is plain text (escaped here). */
void page_begin(buf *b, http_req *req, const char *title);
/* </main> … </html>. */
void page_end(buf *b, http_req *req);

/* The CSRF token forms must carry: the session's, or for visitors not logged in
 * a random one kept in the km0_csrf cookie (set here when missing). */
const char *page_csrf(http_req *req);
/* <input type="hidden" name="csrf" value="…">. */
void page_csrf_field(buf *b, http_req *req);
/* The posted form, decoded and its CSRF token checked when the request was admitted
 * (server/csrf.c); false (after a 500) only on a route that receives no form. */
bool page_form_or_reply(http_req *req, form *f);

/* A labelled input with its hint and error (aria-described), as every form writes
 * them (server/p_auth.c). value NULL: empty (passwords are never written back). */
void page_input(buf *b, const char *id, const char *type, const char *label, const char *value,
                const char *autocomplete, const char *error, const char *hint, bool required);
/* The "There is a problem" box at the top of a form, linking to the field. */
void page_problem(buf *b, http_req *req, const char *field_id, const char *message);

/* 3,76 € (fr) / €3.76 (en). */
void fmt_money(buf *b, http_req *req, cents_t cents);
/* 1,5 (fr) / 1.5 (en): a quantity in thousandths. */
void fmt_qty(buf *b, http_req *req, milli_t q);
/* 5,5 (fr) / 5.5 (en): a VAT rate in basis points, without the % sign. */
void fmt_rate(buf *b, http_req *req, vat_bp_t rate);
/* A unit's label for quantity q (pluralised in French: 2 pièces). */
const char *fmt_unit(http_req *req, const char *code, milli_t q);
/* "jeudi 3 décembre 2026" / "Thursday 3 December 2026" from YYYY-MM-DD. */
void fmt_date(buf *b, http_req *req, const char *iso_date);
/* "mardi 1 décembre, 22:00" from an ISO 8601 timestamp (Paris time as given). */
void fmt_datetime(buf *b, http_req *req, const char *iso_ts);

/* When a pickup point hands bags out for a delivery, in the page's language, from
 * the point's structured slot (ISO day, minutes): "vendredi 18 décembre 2026,
 * 17h00–18h30" / "Friday 18 December 2026, 17:00–18:30", on the first such day on
 * or after the delivery date. Without a slot: the delivery date and the slot as
 * written. */
void fmt_pickup_slot(buf *b, http_req *req, const char *delivery, int dow, int start_min,
                     int end_min, const char *written);

/* Parse a quantity typed in a form: "1,5", "1.5", " 2 " → thousandths; false if not one. */
bool parse_form_quantity(const char *s, milli_t *out);

/* The versioned addresses of the stylesheet and the icon (server/style.c). */
const char *style_url(void);
const char *style_icon_url(void);

#endif
