/*
 * core/refusal.h — why a domain operation said no, in words for both languages.
 *
 * Core functions never reply to anyone: they fill a refusal and return a positive
 * number (which also makes db_transaction roll back). The HTTP layer turns it into
 * a 4xx JSON error or an inline form error, the CLI into a message on stderr.
 */
#ifndef KM0_REFUSAL_H
#define KM0_REFUSAL_H

#include "arena.h"

typedef struct refusal_detail {
    const char *code, *field, *fr, *en;
} refusal_detail;

typedef struct refusal {
    int status;          /* the HTTP status that fits: 403, 404, 409, 422 */
    const char *code;    /* stable machine code: out_of_stock, cycle_closed, ... */
    const char *field;   /* what it is about, e.g. "lines[2].quantity", or NULL */
    const char *fr, *en; /* plain-words message */
    /* every problem when there are several (the first is also above), else none */
    refusal_detail *details;
    size_t ndetails;
} refusal;

/* Fill r and return 1 (a refusal, for db_transaction callbacks). */
static inline int refuse(refusal *r, int status, const char *code, const char *field,
                         const char *fr, const char *en)
{
    r->status = status;
    r->code = code;
    r->field = field;
    r->fr = fr;
    r->en = en;
    r->details = NULL;
    r->ndetails = 0;
    return 1;
}

/* Every problem of a form at once (d[0..n), n >= 1): a 422 naming the first, with
 * the list in details when there are several (copied into a). Returns 1. */
static inline int refuse_details(refusal *r, arena *a, const refusal_detail *d, size_t n)
{
    refuse(r, 422, d[0].code, d[0].field, d[0].fr, d[0].en);
    if (n > 1) {
        r->details = (refusal_detail *)arena_alloc(a, n * sizeof *d);
        for (size_t i = 0; i < n; i++)
            r->details[i] = d[i];
        r->ndetails = n;
    }
    return 1;
}

static inline const char *refusal_text(const refusal *r, const char *lang)
{
    return lang && lang[0] == 'f' ? r->fr : r->en;
}

#endif
