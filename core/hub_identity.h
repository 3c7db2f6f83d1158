/*
 * core/hub_identity.h — who the hub is (its legal identity, contact and depot), its
 * weekly rhythm and the host names that lead to it: what a coordinator edits on the
 * desk besides the selling settings of core/hub_settings.h, and what a new hub is
 * born with (core/hub_create.h).
 *
 * Every change is recorded like a setting's (hub_settings_changes: who, when, old,
 * new), in the transaction that makes it. The identity is read when a document is
 * made (an invoice keeps the copy it was issued with); the weekly template shapes
 * the cycles generated afterwards; a host name counts from the next request on.
 * None of them reaches back into a cycle already open: what changes what was
 * ordered is frozen on the cycle (core/hub_settings.h).
 */
#ifndef KM0_HUB_IDENTITY_H
#define KM0_HUB_IDENTITY_H

#include "db.h"
#include "hub_settings.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HUB_HOSTS_MAX 20

/* The identity as stored. Money in cents, positions in degrees × 10^7. */
typedef struct hub_identity {
    const char *slug, *name, *legal_form, *siret, *vat_number, *address, *rcs_city, *email, *phone;
    int64_t share_capital_cents; /* -1: none (a form without capital) */
    int64_t depot_lat_e7, depot_lon_e7;
} hub_identity;

/* The identity as typed (a form, a JSON body, the command line): NULL leaves a field
 * as it is (for a change; a new hub needs name and SIRET). An empty depot position
 * with an address is looked up in the gazetteer (core/gazetteer.h). */
typedef struct hub_identity_in {
    const char *name, *legal_form, *siret, *vat_number, *address, *rcs_city, *share_capital, *email,
        *phone, *depot_lat, *depot_lon;
} hub_identity_in;

/* The weekly rhythm: ISO days (1 Monday .. 7 Sunday) and minutes after midnight. */
typedef struct hub_template {
    int opens_dow, opens_min, closes_dow, closes_min, delivery_dow;
} hub_template;

/* The template as typed: days "1".."7", times "HH:MM"; NULL leaves a field. */
typedef struct hub_template_in {
    const char *opens_day, *opens_time, *closes_day, *closes_time, *delivery_day;
} hub_template_in;

/* Everything a coordinator may change at once (one transaction, one record per value
 * that differs): the settings, the identity, the template, the host names. */
typedef struct hub_admin_patch {
    hub_settings_patch settings;
    hub_identity_in identity;
    hub_template_in tmpl;
    bool set_hosts;
    const char *const *hosts; /* as typed; normalised and checked here */
    size_t nhosts;
} hub_admin_patch;

/* The template a hub without one follows (cycle_generate's own default). */
extern const hub_template HUB_TEMPLATE_DEFAULT;

db_status hub_identity_get(db_conn *c, arena *a, int64_t hub, hub_identity *out);
db_status hub_template_get(db_conn *c, arena *a, int64_t hub, hub_template *out);
/* The host names of the hub from the database, sorted. */
db_status hub_hosts_get(db_conn *c, arena *a, int64_t hub, const char ***out, size_t *n);

/* Check what was typed against the identity it changes (old; NULL for a new hub, when
 * name and SIRET are required), naming every problem at once (422, details), and
 * give the identity that results. Reads the gazetteer, no database. */
int hub_identity_check(arena *a, const hub_identity_in *in, const hub_identity *old,
                       hub_identity *out, refusal *why);
/* A host name as stored: trimmed, lower case, without "http(s)://", path, port or
 * final dot; NULL when it is not a host name. */
const char *hub_host_normalize(arena *a, const char *typed);

/* Apply a patch in one transaction (by user, 0 for the command line, through via:
 * "desk", "api", "cli"), recording each change. A host name another hub has is 409
 * host_taken naming "hosts". */
int hub_admin_update(db_conn *c, arena *a, int64_t hub, const hub_admin_patch *p, int64_t user,
                     const char *via, refusal *why);
/* The same inside the caller's transaction. */
int hub_admin_update_in_tx(db_conn *c, arena *a, int64_t hub, const hub_admin_patch *p,
                           int64_t user, const char *via, refusal *why);

/* Text forms shared by the pages and the API: "44.7352000" → "44.7352". */
const char *hub_degrees_text(arena *a, int64_t e7);
/* "18:00" from minutes. */
const char *hub_time_text(arena *a, int minutes);

#endif
