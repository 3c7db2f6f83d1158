/*
 * core/legal_pages.h — a hub's legal pages: legal notice, terms of sale, privacy
 * notice, accessibility statement.
 *
 * Each hub writes its own (the desk, GET/POST /desk/legal/{kind}), in French and in
 * English; a page never written shows km0's default, filled with the hub's identity,
 * so that a new hub is never without them. The terms of sale say, as the French
 * Consumer Code (art. L221-28) allows, that perishable goods are excluded from the
 * withdrawal right. Other modules link to a page by its kind (legal_page_href): the
 * footer links all four; e-mails and account pages link the privacy notice.
 *
 * Bodies are plain text: paragraphs separated by a blank line, "## " starts a
 * heading, "- " an item of a list (legal_page_html).
 */
#ifndef KM0_LEGAL_PAGES_H
#define KM0_LEGAL_PAGES_H

#include "buf.h"
#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>

#define LEGAL_BODY_MAX_CHARS 20000

typedef struct legal_kind {
    const char *code; /* legal-notice, terms-of-sale, privacy, accessibility */
    const char *title_fr, *title_en;
} legal_kind;

const legal_kind *legal_kind_at(size_t i); /* the four, in footer order; NULL past them */
const legal_kind *legal_kind_find(const char *code);
/* "/legal/privacy": where a kind's page is. */
const char *legal_page_href(const char *code);

typedef struct legal_page {
    const legal_kind *kind;
    const char *body;       /* the hub's text, or the default */
    bool custom;            /* the hub wrote it */
    const char *updated_at; /* ISO 8601 of the hub's last change, "" for the default */
} legal_page;

/* The page of kind code for the hub in lang ("fr" or "en"); *found false for a kind
 * that does not exist. */
db_status legal_page_get(db_conn *c, arena *a, int64_t hub, const char *code, const char *lang,
                         legal_page *out, bool *found);
/* Write the hub's page (body checked: 1..20 000 characters, lines allowed). An empty
 * body goes back to km0's default. Returns 0, a refusal (> 0) or a db_status. */
int legal_page_save(db_conn *c, arena *a, int64_t hub, const char *code, const char *lang,
                    const char *body, int64_t user, refusal *why);
/* The body as HTML (escaped): paragraphs, ## headings, - lists. */
void legal_page_html(buf *b, const char *body);

#endif
