/*
 * server/producer_page.h — the producer page, shared by its GET (p_producer.c) and
 * the catalog form it posts (p_producer_catalog.c).
 */
#ifndef KM0_PRODUCER_PAGE_H
#define KM0_PRODUCER_PAGE_H

#include "../importers/catalog_db.h"
#include "../importers/catalog_review.h"
#include "http.h"

typedef struct {
    imp_producer producer;
    bool coordinator;
    const imp_result *result; /* after a POST that reached the importer */
    const char *form_error;   /* a problem with the form itself (no file chosen) */
    const char *encoding;     /* as chosen, to show again */
    bool deactivate;
    const imp_warning *warnings; /* reasons to look again before importing */
    size_t nwarnings;
    const char *draft;      /* token of the checked file kept for its import */
    const char *draft_name; /* its file name */
    bool unconfirmed;       /* an import held back until the warnings are confirmed */
} producer_view;

/* Whose page this is: a producer's own, or for a coordinator the one asked for
 * (requested NULL: none yet, v->producer.slug stays NULL). false after an error reply. */
bool producer_or_reply(http_req *req, const char *requested, producer_view *v);
/* The page: the result of a POST (problems, warnings, preview, import), the producer's
 * week when there is none, the upload form and the products. */
void producer_page(http_req *req, int status, const producer_view *v);

/* The producer's presentation and its form (server/p_producer_product.c). */
void producer_profile_section(buf *b, http_req *req, const producer_view *v);

#endif
