/*
 * importers/catalog_review.h — what a producer reviews between "Check" and
 * "Import" on the producer page: the checked file, kept so that importing it needs
 * no second choice of the file, and the warnings that call for a second look.
 *
 * A draft lives in the database (schema/009, catalog_drafts) under a random token
 * only the page knows (the table keeps its SHA-256), for one hour, and belongs to
 * the hub, producer and user who checked it: any km0 process finds it, nobody else
 * can use it.
 */
#ifndef KM0_IMP_CATALOG_REVIEW_H
#define KM0_IMP_CATALOG_REVIEW_H

#include "../core/db.h"
#include "catalog.h"
#include "catalog_db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMP_DRAFT_TOKEN_LEN 32 /* base64url characters */

typedef struct imp_draft {
    const char *filename;
    const char *encoding; /* "auto", "utf-8" or "windows-1252", as chosen */
    bool deactivate_missing;
    const char *data; /* the file's bytes, in the arena */
    size_t len;
} imp_draft;

/* Keep a checked file; token[IMP_DRAFT_TOKEN_LEN + 1] receives its token. Drafts
 * older than an hour are removed on the way. */
db_status imp_draft_save(db_conn *c, arena *a, int64_t hub, int64_t producer, int64_t user,
                         const imp_draft *d, char *token);
/* The draft of this hub, producer and user under token, if younger than an hour. */
db_status imp_draft_load(db_conn *c, arena *a, int64_t hub, int64_t producer, int64_t user,
                         const char *token, imp_draft *d, bool *found);
/* Forget it (once imported). */
db_status imp_draft_delete(db_conn *c, arena *a, const char *token);

typedef struct imp_warning {
    const char *code; /* encoding_guessed, other_producer, other_catalog */
    const char *fr, *en;
} imp_warning;

/* Reasons to look again before importing cat for producer p: an encoding read on a
 * guess, a producer column naming someone else, SKUs that are mostly another
 * producer's of the hub. *n = 0 when none. */
db_status imp_catalog_warnings(db_conn *c, arena *a, int64_t hub, const imp_producer *p,
                               const imp_catalog *cat, imp_warning **out, size_t *n);

#endif
