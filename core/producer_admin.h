/*
 * core/producer_admin.h — a hub's producers as its coordinators add, edit, suspend
 * and reactivate them, and as a producer edits its own public page.
 *
 * Suspending a producer that has lines in an open cycle: the lines stay, are
 * delivered and invoiced (customers ordered them, and the producer is told what to
 * bring as before), but nothing more can be ordered from it in that cycle (its
 * offers keep only what is already sold), and it takes part in no cycle opened
 * afterwards. The coordinator is told this and confirms first (producer_impact).
 * Reactivating brings the producer back into the cycles opened afterwards.
 */
#ifndef KM0_PRODUCER_ADMIN_H
#define KM0_PRODUCER_ADMIN_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct producer_record {
    int64_t id;
    const char *slug, *name, *legal_form, *siret, *vat_regime, *vat_number, *address, *town, *email,
        *phone, *website, *description, *iban;
    bool has_position;
    int64_t lat_e7, lon_e7;
    bool active;
    int64_t products; /* active products in its catalog */
    int64_t accounts; /* its logins */
    int64_t invitations_pending;
} producer_record;

/* As typed; NULL leaves a field (a new producer needs slug, name, SIRET, VAT regime).
 * lat and lon both empty with an address: the commune's position, when the gazetteer
 * knows it. */
typedef struct producer_in {
    const char *slug, *name, *legal_form, *siret, *vat_regime, *vat_number, *address, *town, *email,
        *phone, *website, *description, *iban, *lat, *lon;
} producer_in;

/* What suspending would touch: lines in cycles open now. */
typedef struct producer_impact {
    int64_t cycles, orders, lines;
    cents_t excl;
} producer_impact;

db_status producer_list(db_conn *c, arena *a, int64_t hub, producer_record **out, size_t *n);
db_status producer_get(db_conn *c, arena *a, int64_t hub, const char *slug, producer_record *out,
                       bool *found);
/* A new producer (every problem at once, 422; 409 slug_taken). */
int producer_create(db_conn *c, arena *a, int64_t hub, const producer_in *in, refusal *why);
/* A change. self: the producer's own (only description, email, phone and website;
 * any other field is 403 forbidden_field). */
int producer_update(db_conn *c, arena *a, int64_t hub, const char *slug, const producer_in *in,
                    bool self, refusal *why);
db_status producer_impact_get(db_conn *c, arena *a, int64_t hub, const char *slug,
                              producer_impact *out);
/* Suspend (active false) or reactivate. Suspending a producer with lines in an open
 * cycle without confirmed is 409 confirmation_needed, *impact saying what it would
 * touch; nothing changes. */
int producer_set_active(db_conn *c, arena *a, int64_t hub, const char *slug, bool active,
                        bool confirmed, producer_impact *impact, refusal *why);

#endif
