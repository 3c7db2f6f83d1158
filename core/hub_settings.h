/*
 * core/hub_settings.h — how a hub sells, and how much one customer may order.
 *
 * A hub's settings live in the database (hub_settings, schema/006), are edited by its
 * coordinators (the desk's settings page, PATCH /api/v1/hub/settings) with every
 * change recorded (who, when, old and new value), and are copied onto a cycle when
 * it opens (core/cycle.c): a cycle's orders, documents and invoices read the cycle's
 * own copy (the same columns on cycles, read with hub_settings_from_row), so a change
 * never reaches back into a cycle already open.
 *
 * The configuration keys seller_mode, payment_days and resale_vat_rate are only first
 * values: of a hub km0 seed creates (importers/hub_seed.c), and of the hubs schema/006
 * found when km0 migrate applied it.
 */
#ifndef KM0_HUB_SETTINGS_H
#define KM0_HUB_SETTINGS_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    SELLER_PRODUCERS = 0, /* the hub sells on behalf of its producers: one invoice per producer */
    SELLER_HUB            /* the hub buys and resells: one invoice per order, the hub as seller */
} seller_mode;

/* Who loses the units of a product delivered short (core/shortage.h). */
typedef enum {
    SHORTAGE_LAST_ORDERS_FIRST = 0, /* the orders placed last lose first */
    SHORTAGE_PRO_RATA               /* every order in proportion, in whole steps */
} shortage_rule;

#define HUB_PAYMENT_DAYS_MAX 60
#define HUB_MAX_ORDER_CENTS  100000000 /* 1 000 000 €: past that, "no limit" says it better */
#define HUB_MAX_LINE_MILLI   10000000  /* the order's own cap per line (ORDER_MAX_QUANTITY) */

/* The settings of a hub, or their copy on a cycle. A limit of 0 is no limit. */
typedef struct hub_settings {
    seller_mode seller;
    int payment_days; /* invoice due date = issue date + this; 0..60 */
    vat_bp_t
        resale_vat_rate;     /* hub mode: VAT on franchise producers' goods: 210, 550, 1000, 2000 */
    cents_t max_order_cents; /* most an order may amount to, VAT included */
    milli_t max_line_milli;  /* most one line may hold, in thousandths of its unit */
    int max_offer_share_pct; /* most of an offer's stock one order may take, 1..100 */
    shortage_rule shortage;  /* how a shortage is split among the orders */
    /* messages (schema/011; not frozen on cycles: they change nothing ordered) */
    bool require_verified_email; /* a first order needs a confirmed address */
    int closing_reminder_hours;  /* "closes soon" this long before the close; 0 = never */
    /* the shop (hub_settings only, not copied onto cycles: hide_incomplete acts when a
     * cycle opens, which offers it makes; thumbnails are how lists look) */
    bool hide_incomplete; /* products lacking information the law requires stay out */
    bool shop_thumbnails; /* lists show each product's photo, small */
} hub_settings;

#define HUB_CLOSING_REMINDER_MAX 168

/* A change asked for: only the fields whose set_ flag is true change. */
typedef struct hub_settings_patch {
    bool set_seller, set_payment_days, set_resale_vat_rate, set_max_order, set_max_line,
        set_max_share, set_shortage, set_require_verified, set_closing_hours, set_hide_incomplete,
        set_shop_thumbnails;
    hub_settings to;
} hub_settings_patch;

/* One recorded change. Values as text, NULL for "no limit". */
typedef struct hub_settings_change {
    const char *changed_at; /* ISO 8601 */
    const char *setting;    /* a field name of the JSON API: "seller_mode", "max_order_cents"... */
    const char *old_value, *new_value;
    const char *via;        /* "desk", "api" or "seed" */
    const char *user_email; /* "" for the command line */
} hub_settings_change;

const char *seller_mode_name(seller_mode m); /* "producers" / "hub" */
/* "producers" or "hub"; false for anything else. */
bool seller_mode_parse(const char *s, seller_mode *out);
const char *shortage_rule_name(shortage_rule r); /* "last_orders_first" / "pro_rata" */
bool shortage_rule_parse(const char *s, shortage_rule *out);

/* The hub's current settings. */
db_status hub_settings_get(db_conn *c, arena *a, int64_t hub, hub_settings *out,
                           const char **updated_at);
/* Check every field of s, naming the first one out of range (refusal 422, field named
 * as in the JSON API). Pure: no database. */
int hub_settings_check(const hub_settings *s, refusal *why);
/* Whether a patch asks for any setting at all: the one list of set_ flags, so that a
 * caller that writes settings among other things (core/hub_identity.c) never skips a
 * setting added later. */
bool hub_settings_patch_any(const hub_settings_patch *p);
/* Apply a patch in one transaction, recording each value that changes (by user, 0 for
 * the command line, through via: "desk", "api" or "seed"). out gets the result. */
int hub_settings_update(db_conn *c, arena *a, int64_t hub, const hub_settings_patch *p,
                        int64_t user, const char *via, hub_settings *out, refusal *why);
/* Same, inside a transaction the caller runs (km0 seed). */
int hub_settings_update_in_tx(db_conn *c, arena *a, int64_t hub, const hub_settings_patch *p,
                              int64_t user, const char *via, hub_settings *out, refusal *why);
/* Record changes made in the caller's transaction: n settings (names as the JSON API
 * calls them), their old and new values as text ("" for none). */
int hub_settings_record(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                        const char *const *names, const char *const *olds, const char *const *news,
                        size_t n);
/* The latest changes first, at most limit. */
db_status hub_settings_changes(db_conn *c, arena *a, int64_t hub, int limit,
                               hub_settings_change **out, size_t *n);

/* The settings in a row with the columns seller_mode, payment_days, resale_vat_rate_bp,
 * max_order_cents, max_line_milli, max_offer_share_pct (NULL limits = none) and, when
 * the row has it, shortage_rule: the shape
 * of hub_settings and of cycles alike, so a cycle's queries can read its copy. */
void hub_settings_from_row(const PGresult *r, int row, hub_settings *out);

#endif
