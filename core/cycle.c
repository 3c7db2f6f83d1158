/*
 * core/cycle.c — order cycles and their offers.
 *
 * Concurrency: an order transaction passes the cycle's gate (a shared advisory
 * lock on the cycle, cycle_gate_enter) and then holds the cycle row FOR SHARE while
 * it checks that the cycle is open. A coordinator's open or close takes the gate
 * exclusively first: PostgreSQL queues lock requests in order, so orders arriving
 * after the close asked wait behind it instead of overtaking it (a row lock alone
 * let a stream of new FOR SHARE lockers starve the close's UPDATE). The close then
 * runs alone and dates itself when it takes effect (clock_timestamp()): every order
 * it let in committed before that time, every later one finds the cycle closed.
 * Time-based transitions are idempotent and take rows with SKIP LOCKED, so every
 * server process may run them on its timer at once.
 *
 * Opening copies the hub's settings onto the cycle (seller mode, payment days,
 * resale VAT rate, order limits: core/hub_settings.h) in the same statement that
 * marks it open, then freezes the offers with the cycle's own resale rate.
 *
 * Generating weeks from the template is one statement per table in one transaction;
 * each generated cycle carries its week (template_week, unique per hub), so two
 * generations at once make each week once: the second waits for the first's row
 * and skips it.
 */
#include "cycle.h"
#include "product_info_sql.h"
#include "log.h"
#include "money.h"
#include "parse.h"
#include "rcache.h"
#include "subscription.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define CYCLE_COLUMNS                                                                              \
    "c.id, c.name, c.state,"                                                                       \
    " to_char(c.opens_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS opens_at,"                        \
    " to_char(c.closes_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS closes_at,"                      \
    " to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date,"                                    \
    " ((c.state = 'draft' AND c.opens_at <= now() AND c.closes_at > now())"                        \
    "  OR (c.state = 'open' AND c.closes_at <= now())) AS due,"                                    \
    " (SELECT count(*) FROM orders o WHERE o.cycle_id = c.id) AS orders,"                          \
    " (SELECT count(*) FROM cycle_producers x WHERE x.cycle_id = c.id) AS producers,"              \
    " (SELECT count(*) FROM cycle_pickup_points x WHERE x.cycle_id = c.id) AS pickup_points"

DB_STMT(check_times, "SELECT $1::timestamptz < $2::timestamptz AS ordered,"
                     " $3::date >= ($2::timestamptz AT TIME ZONE 'Europe/Paris')::date AS after");
DB_STMT(insert_cycle,
        "INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date)"
        " VALUES ($1, coalesce(nullif($2, ''), 'Livraison du ' || to_char($5::date, 'DD/MM/YYYY')),"
        "         $3::timestamptz, $4::timestamptz, $5::date) RETURNING id");
DB_STMT(add_producers, "INSERT INTO cycle_producers (hub_id, cycle_id, producer_id)"
                       " SELECT $1, $2, id FROM producers"
                       "  WHERE hub_id = $1 AND active AND ($3::text[] IS NULL OR slug = ANY($3))");
DB_STMT(add_pickups,
        "INSERT INTO cycle_pickup_points (hub_id, cycle_id, pickup_point_id, capacity_orders)"
        " SELECT $1, $2, id, capacity_orders FROM pickup_points"
        "  WHERE hub_id = $1 AND active AND ($3::text[] IS NULL OR slug = ANY($3))");
DB_STMT(unknown_producers, "SELECT s FROM unnest($2::text[]) s WHERE NOT EXISTS"
                           " (SELECT 1 FROM producers WHERE hub_id = $1 AND slug = s AND active)");
DB_STMT(unknown_pickups,
        "SELECT s FROM unnest($2::text[]) s WHERE NOT EXISTS"
        " (SELECT 1 FROM pickup_points WHERE hub_id = $1 AND slug = s AND active)");
/* The gate of a cycle's orders: advisory locks keyed by the cycle id negated, a part
 * of the key space nothing else uses (the migrations' lock is positive). */
DB_STMT(gate_shared, "SELECT pg_advisory_xact_lock_shared(-$1::bigint)");
DB_STMT(gate_exclusive, "SELECT pg_advisory_xact_lock(-$1::bigint)");
DB_STMT(lock_cycle, "SELECT state, closes_at > now() AS closes_later FROM cycles"
                    " WHERE hub_id = $1 AND id = $2 FOR NO KEY UPDATE");
/* The hub's settings become the cycle's own as it opens (schema/006). */
#define TAKE_SETTINGS                                                                              \
    " seller_mode = s.seller_mode, payment_days = s.payment_days,"                                 \
    " resale_vat_rate_bp = s.resale_vat_rate_bp, max_order_cents = s.max_order_cents,"             \
    " max_line_milli = s.max_line_milli, max_offer_share_pct = s.max_offer_share_pct,"             \
    " shortage_rule = s.shortage_rule, order_fee_cents = s.order_fee_cents,"                       \
    " order_fee_vat_bp = s.order_fee_vat_bp"                                                       \
    " FROM hub_settings s WHERE s.hub_id = c.hub_id AND c.id = $1"
DB_STMT(mark_open,
        "UPDATE cycles c SET state = 'open', opens_at = least(opens_at, now())," TAKE_SETTINGS);
DB_STMT(mark_open_timed, "UPDATE cycles c SET state = 'open'," TAKE_SETTINGS);
/* clock_timestamp(), not now(): the time the close takes effect, after the gate let
 * the last order out, not the time it was asked for. */
DB_STMT(mark_closed, "UPDATE cycles SET state = 'closed',"
                     " closes_at = least(closes_at, clock_timestamp()) WHERE id = $1");
DB_STMT(freeze_offers,
        "INSERT INTO offers (hub_id, cycle_id, product_id, producer_id, sku, name, category, unit,"
        "                    price_excl_vat_e4, vat_rate_bp, weight_g, step_milli, stock_milli,"
        "                    organic, description, measure, measure_price_excl_vat_e4,"
        "                    measure_estimate_milli, " PRODUCT_INFO_FROZEN ", photo, search)"
        " SELECT p.hub_id, $1, p.id, p.producer_id, p.sku, p.name, p.category, p.unit,"
        "        p.price_excl_vat_e4,"
        "        CASE WHEN c.seller_mode = 'hub' AND pr.vat_regime = 'franchise'"
        "             THEN c.resale_vat_rate_bp ELSE p.vat_rate_bp END,"
        "        coalesce(p.weight_g, 0), p.step_milli, p.stock_milli, p.organic, p.description,"
        "        p.measure, p.measure_price_excl_vat_e4, p.measure_estimate_milli,"
        "        " PRODUCT_INFO_FROZEN_FROM_P ", p.photo,"
        "        offer_search(p.name, p.category, pr.name, p.description, p.ingredients)"
        "   FROM products p"
        "   JOIN cycle_producers cp ON cp.producer_id = p.producer_id AND cp.cycle_id = $1"
        "   JOIN producers pr ON pr.id = p.producer_id"
        "   JOIN cycles c ON c.id = $1"
        "   JOIN hub_settings hs ON hs.hub_id = c.hub_id"
        /* a hub that asks for it leaves out what lacks information the law requires */
        "  WHERE p.active AND (NOT hs.hide_incomplete OR cardinality(" PRODUCT_INFO_MISSING_OF_P
        ") = 0) ON CONFLICT (cycle_id, product_id) DO NOTHING");
DB_STMT(due_opens, "SELECT id FROM cycles WHERE state = 'draft' AND opens_at <= now()"
                   " AND closes_at > now() AND ($1::bigint = 0 OR hub_id = $1)"
                   " ORDER BY id FOR UPDATE SKIP LOCKED");
DB_STMT(due_closes, "UPDATE cycles SET state = 'closed' WHERE id IN ("
                    " SELECT id FROM cycles WHERE state = 'open' AND closes_at <= now()"
                    "    AND ($1::bigint = 0 OR hub_id = $1) FOR UPDATE SKIP LOCKED) RETURNING id");
DB_STMT(update_draft, "UPDATE cycles SET name = coalesce(nullif($3, ''), name),"
                      " opens_at = coalesce($4::timestamptz, opens_at),"
                      " closes_at = coalesce($5::timestamptz, closes_at),"
                      " delivery_date = coalesce($6::date, delivery_date)"
                      " WHERE hub_id = $1 AND id = $2 AND state = 'draft' RETURNING id");
DB_STMT(list_cycles, "SELECT " CYCLE_COLUMNS " FROM cycles c"
                     " WHERE c.hub_id = $1 AND ($2 OR c.state <> 'draft')"
                     " ORDER BY c.opens_at DESC, c.id DESC LIMIT 200");
DB_STMT(get_cycle, "SELECT " CYCLE_COLUMNS " FROM cycles c WHERE c.hub_id = $1 AND c.id = $2");
DB_STMT(offers_of,
        "SELECT o.id, p.slug AS producer, p.name AS producer_name, o.sku, o.name, o.category,"
        "       o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.weight_g, o.step_milli,"
        "       o.stock_milli, o.sold_milli, o.stock_milli - o.sold_milli AS left_milli,"
        "       o.organic, o.description, p.id AS producer_id, o.measure,"
        "       o.measure_price_excl_vat_e4, o.measure_estimate_milli"
        "  FROM offers o JOIN producers p ON p.id = o.producer_id"
        " WHERE o.cycle_id = $1 ORDER BY p.name COLLATE \"fr-x-icu\", o.category COLLATE "
        "\"fr-x-icu\", o.name COLLATE \"fr-x-icu\", o.id");
/* One page of the offers for the API, in id order: the next page starts after the
 * last id, so pages neither skip nor repeat an offer however deep they go. */
DB_STMT(offers_page,
        "SELECT o.id, p.slug AS producer, p.name AS producer_name, o.sku, o.name, o.category,"
        "       o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.weight_g, o.step_milli,"
        "       o.stock_milli, o.sold_milli, o.stock_milli - o.sold_milli AS left_milli,"
        "       o.organic, o.description, p.id AS producer_id, o.measure,"
        "       o.measure_price_excl_vat_e4, o.measure_estimate_milli"
        "  FROM offers o JOIN producers p ON p.id = o.producer_id"
        " WHERE o.cycle_id = $1 AND o.id > $2 ORDER BY o.id LIMIT $3");
DB_STMT(pickups_of,
        "SELECT pp.id, pp.slug, pp.name, pp.address, pp.opening, x.capacity_orders,"
        "       x.orders_count, pp.lat, pp.lon"
        "  FROM cycle_pickup_points x JOIN pickup_points pp ON pp.id = x.pickup_point_id"
        " WHERE x.cycle_id = $1 ORDER BY pp.name COLLATE \"fr-x-icu\"");
#define HEAD_COLUMNS                                                                               \
    "SELECT c.id, c.name, c.state,"                                                                \
    " to_char(c.opens_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS opens_at,"                        \
    " to_char(c.closes_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS closes_at,"                      \
    " to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date,"                                    \
    " c.order_fee_cents, c.order_fee_vat_bp FROM cycles c"
DB_STMT(head_of, HEAD_COLUMNS " WHERE c.hub_id = $1 AND c.id = $2");
/* The cycle whose window is open now; a draft there is one whose opening is due. */
DB_STMT(head_current, HEAD_COLUMNS " WHERE c.hub_id = $1 AND c.state IN ('open', 'draft')"
                                   "   AND c.opens_at <= now() AND c.closes_at > now()"
                                   " ORDER BY c.closes_at, c.id LIMIT 1");
DB_STMT(current_cycle, "SELECT id FROM cycles WHERE hub_id = $1 AND state = 'open'"
                       " AND opens_at <= now() AND closes_at > now()"
                       " ORDER BY closes_at, id LIMIT 1");
DB_STMT(template_of, "SELECT opens_dow, opens_time, closes_dow, closes_time, delivery_dow"
                     " FROM cycle_templates WHERE hub_id = $1");
/* The next weeks from a weekly template, in Paris time, inserted at once: week k's
 * opening, then the first closing day/time after it, then the first delivery day on
 * or after the closing date. Windows already started are skipped, and so are weeks
 * that have their cycle (template_week) or a cycle opening at the same time. */
DB_STMT(
    generate_weeks,
    "WITH t AS (SELECT $3::int AS od, $4::time AS ot, $5::int AS cd, $6::time AS ct,"
    "                  $7::int AS dd),"
    " w AS (SELECT k, date_trunc('week', now() AT TIME ZONE 'Europe/Paris')::date + 7 * k AS week,"
    "              t.* FROM t, generate_series(0, $2::int + 1) k),"
    " x AS (SELECT k, week, ((week + (od - 1)) + ot) AT TIME ZONE 'Europe/Paris' AS opens,"
    "              (week + (od - 1)) + ((cd - od + 7) % 7"
    "                + CASE WHEN cd = od AND ct <= ot THEN 7 ELSE 0 END) AS cdate, ct, dd FROM w),"
    " y AS (SELECT week, opens, (cdate + ct) AT TIME ZONE 'Europe/Paris' AS closes,"
    "              cdate + (dd - extract(isodow FROM cdate)::int + 7) % 7 AS delivery"
    "         FROM x WHERE opens > now() ORDER BY k LIMIT $2)"
    " INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date, template_week)"
    " SELECT $1, 'Semaine ' || to_char(delivery, 'IW'), opens, closes, delivery, week FROM y"
    "  WHERE NOT EXISTS (SELECT 1 FROM cycles c WHERE c.hub_id = $1 AND c.opens_at = y.opens)"
    "  ORDER BY week ON CONFLICT (hub_id, template_week) DO NOTHING RETURNING id");
DB_STMT(generated_producers, "INSERT INTO cycle_producers (hub_id, cycle_id, producer_id)"
                             " SELECT $1, c.id, p.id FROM unnest($2::bigint[]) AS c(id)"
                             " CROSS JOIN producers p WHERE p.hub_id = $1 AND p.active");
DB_STMT(generated_pickups,
        "INSERT INTO cycle_pickup_points (hub_id, cycle_id, pickup_point_id, capacity_orders)"
        " SELECT $1, c.id, pp.id, pp.capacity_orders FROM unnest($2::bigint[]) AS c(id)"
        " CROSS JOIN pickup_points pp WHERE pp.hub_id = $1 AND pp.active");
DB_STMT(any_due, "SELECT EXISTS (SELECT 1 FROM cycles WHERE hub_id = $1"
                 " AND state IN ('draft', 'open') AND ((state = 'draft' AND opens_at <= now()"
                 " AND closes_at > now()) OR (state = 'open' AND closes_at <= now()))) AS due");

/* The window's order, once each value is known good (cycle_input). */
static int check_window(db_conn *c, arena *a, const cycle_new *in, refusal *why)
{
    PGresult *r;
    int st;
    if (in->opens && in->closes && in->delivery) {
        if ((st = db_run_a(c, a, &check_times, &r, DB_P(in->opens, in->closes, in->delivery))) !=
            DB_OK)
            return st;
        if (!db_bool(r, 0, "ordered"))
            return refuse(why, 422, "invalid_window", "closes",
                          "La clôture doit venir après l’ouverture.",
                          "The cycle must close after it opens.");
        if (!db_bool(r, 0, "after"))
            return refuse(why, 422, "invalid_window", "delivery",
                          "La livraison ne peut pas précéder la clôture.",
                          "Delivery cannot come before the cycle closes.");
    }
    return 0;
}

/* A timestamp of the window as canonical text, or a refusal naming field. */
static int window_ts(arena *a, const char *field, const char *label_fr, const char **v,
                     refusal *why)
{
    parse_ts t;
    parse_status ps;
    if (!*v)
        return 0;
    if ((ps = parse_timestamp(*v, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &t)) != PARSE_OK)
        return parse_refuse(why, a, field, label_fr, field, PARSE_KIND_TIMESTAMP, ps,
                            PARSE_YEAR_MIN, PARSE_YEAR_MAX);
    char text[40];
    *v = arena_strdup(a, parse_ts_text(text, &t));
    return 0;
}

/* Check what a person gave for a cycle (API, desk form and command line alike) and
 * copy it into *out with its times and date as canonical text: PostgreSQL is never
 * asked to interpret one ("infinity", year 294276 and "BC" are dates to it). */
static int cycle_input(arena *a, const cycle_new *in, cycle_new *out, refusal *why)
{
    *out = *in;
    int st;
    if ((st = window_ts(a, "opens", "L’ouverture", &out->opens, why)) ||
        (st = window_ts(a, "closes", "La clôture", &out->closes, why)))
        return st;
    if (out->delivery) {
        parse_date d;
        parse_status ps = parse_date_iso(out->delivery, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d);
        if (ps != PARSE_OK)
            return parse_refuse(why, a, "delivery", "La livraison", "delivery", PARSE_KIND_DATE, ps,
                                PARSE_YEAR_MIN, PARSE_YEAR_MAX);
        char text[40];
        out->delivery = arena_strdup(a, parse_date_text(text, &d));
    }
    return out->name ? text_or_refuse(why, a, "name", out->name, 0, 100, TEXT_LINE,
                                      "Le nom compte au plus 100 caractères, sur une ligne.",
                                      "The name has at most 100 characters, on one line.")
                     : 0;
}

static int check_slugs(db_conn *c, arena *a, db_stmt *s, const char *hub, const char *arr,
                       const char *field, refusal *why)
{
    PGresult *r;
    int st = db_run_a(c, a, s, &r, DB_P(hub, arr));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return 0;
    const char *slug = PQgetvalue(r, 0, 0);
    return refuse(why, 422, "unknown_slug", field,
                  arena_printf(a, "« %s » n’existe pas ou n’est pas actif.", slug),
                  arena_printf(a, "\"%s\" does not exist or is not active.", slug));
}

typedef struct {
    arena *a;
    int64_t hub;
    const cycle_new *in;
    int64_t id;
    refusal *why;
} create_ctx;

static int create_tx(db_conn *c, void *p)
{
    create_ctx *x = p;
    const cycle_new *in = x->in;
    char *hub = db_i64(x->a, x->hub);
    int st = check_window(c, x->a, in, x->why);
    if (st)
        return st;
    const char *prods = in->producers ? db_text_array(x->a, in->producers, in->nproducers) : NULL;
    const char *pps =
        in->pickup_points ? db_text_array(x->a, in->pickup_points, in->npickup_points) : NULL;
    if (prods && (st = check_slugs(c, x->a, &unknown_producers, hub, prods, "producers", x->why)))
        return st;
    if (pps && (st = check_slugs(c, x->a, &unknown_pickups, hub, pps, "pickup_points", x->why)))
        return st;
    PGresult *r;
    if ((st = db_run_a(c, x->a, &insert_cycle, &r,
                       DB_P(hub, in->name ? in->name : "", in->opens, in->closes, in->delivery))) !=
        DB_OK)
        return st;
    x->id = db_int(r, 0, "id");
    char *id = db_i64(x->a, x->id);
    if ((st = db_do(c, &add_producers, DB_P(hub, id, prods))) != DB_OK ||
        (st = db_do(c, &add_pickups, DB_P(hub, id, pps))) != DB_OK)
        return st;
    return 0;
}

int cycle_create(db_conn *c, arena *a, int64_t hub, const cycle_new *in, int64_t *id, refusal *why)
{
    if (!in->opens || !in->closes || !in->delivery)
        return refuse(why, 422, "missing_field",
                      !in->opens    ? "opens"
                      : !in->closes ? "closes"
                                    : "delivery",
                      "Ouverture, clôture et date de livraison sont obligatoires.",
                      "opens, closes and delivery are required.");
    cycle_new checked;
    int st = cycle_input(a, in, &checked, why);
    if (st)
        return st;
    create_ctx x = {a, hub, &checked, 0, why};
    st = db_transaction(c, false, create_tx, &x);
    *id = x.id;
    return st;
}

/* Open a cycle whose row is locked: take the hub's settings, freeze its offers from
 * the catalog as it is now, then place the subscriptions due on its delivery date
 * (core/subscription.h), all in the opening's transaction: whoever opens it second
 * finds it open and places nothing. */
static int open_locked(db_conn *c, const char *id, bool by_coordinator)
{
    int st = db_do(c, by_coordinator ? &mark_open : &mark_open_timed, DB_P(id));
    if (st != DB_OK || (st = db_do(c, &freeze_offers, DB_P(id))) != DB_OK)
        return st;
    int placed, missed;
    return sub_place_cycle(c, id, &placed, &missed);
}

db_status cycle_gate_enter(db_conn *c, arena *a, int64_t cycle)
{
    return db_do(c, &gate_shared, DB_P(db_i64(a, cycle)));
}

typedef struct {
    arena *a;
    int64_t hub, id;
    const char *state;
    refusal *why;
} state_ctx;

static int state_tx(db_conn *c, void *p)
{
    state_ctx *x = p;
    char *id = db_i64(x->a, x->id);
    PGresult *r;
    /* behind the orders in flight, ahead of those still to come */
    int st = db_do(c, &gate_exclusive, DB_P(id));
    if (st == DB_OK)
        st = db_run_a(c, x->a, &lock_cycle, &r, DB_P(db_i64(x->a, x->hub), id));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "not_found", "id", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    const char *now = db_val(r, 0, "state");
    if (!strcmp(x->state, "open")) {
        if (strcmp(now, "draft") != 0)
            return refuse(x->why, 409, "invalid_transition", "state",
                          arena_printf(x->a,
                                       "Seul un cycle en préparation peut ouvrir (il est « %s »).",
                                       now),
                          arena_printf(x->a, "Only a draft cycle can open (it is \"%s\").", now));
        if (!db_bool(r, 0, "closes_later"))
            return refuse(x->why, 409, "invalid_transition", "closes",
                          "L’heure de clôture est passée : changez-la avant d’ouvrir.",
                          "The closing time has passed: change it before opening.");
        return open_locked(c, id, true);
    }
    if (!strcmp(x->state, "closed")) {
        if (strcmp(now, "open") != 0)
            return refuse(
                x->why, 409, "invalid_transition", "state",
                arena_printf(x->a, "Seul un cycle ouvert peut fermer (il est « %s »).", now),
                arena_printf(x->a, "Only an open cycle can close (it is \"%s\").", now));
        return db_do(c, &mark_closed, DB_P(id));
    }
    return refuse(x->why, 422, "invalid_field", "state",
                  "L’état demandé doit être « open » ou « closed ».",
                  "The state asked for must be \"open\" or \"closed\".");
}

int cycle_set_state(db_conn *c, arena *a, int64_t hub, int64_t id, const char *state, refusal *why)
{
    state_ctx x = {a, hub, id, state, why};
    int st = db_transaction(c, false, state_tx, &x);
    if (st == 0)
        log_event(LOG_INFO, "cycle.state", "cycle=%lld state=%s by=coordinator", (long long)id,
                  state);
    return st;
}

typedef struct {
    arena *a;
    int64_t hub, id;
    const cycle_new *in;
    refusal *why;
} update_ctx;

static int update_tx(db_conn *c, void *p)
{
    update_ctx *x = p;
    int st = check_window(c, x->a, x->in, x->why);
    if (st)
        return st;
    PGresult *r;
    if ((st = db_run_a(c, x->a, &update_draft, &r,
                       DB_P(db_i64(x->a, x->hub), db_i64(x->a, x->id), x->in->name, x->in->opens,
                            x->in->closes, x->in->delivery))) != DB_OK)
        return !strncmp(db_last_error(c)->sqlstate, "23", 2)
                   ? refuse(x->why, 422, "invalid_window", "closes",
                            "Les dates ne sont pas cohérentes.", "The dates do not fit together.")
                   : st;
    if (PQntuples(r) > 0)
        return 0;
    /* nothing updated: say whether the cycle is not a draft or not this hub's at all */
    if ((st = db_run_a(c, x->a, &lock_cycle, &r,
                       DB_P(db_i64(x->a, x->hub), db_i64(x->a, x->id)))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "not_found", "id", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    return refuse(x->why, 409, "not_draft", "id", "Seul un cycle en préparation peut être modifié.",
                  "Only a draft cycle can be edited.");
}

int cycle_update(db_conn *c, arena *a, int64_t hub, int64_t id, const cycle_new *in, refusal *why)
{
    cycle_new checked;
    int st = cycle_input(a, in, &checked, why);
    if (st)
        return st;
    update_ctx x = {a, hub, id, &checked, why};
    return db_transaction(c, false, update_tx, &x);
}

typedef struct {
    arena *a;
    int64_t hub;
    int changed;
} advance_ctx;

static int advance_tx(db_conn *c, void *p)
{
    advance_ctx *x = p;
    char *hub = db_i64(x->a, x->hub);
    PGresult *r;
    int st = db_run_a(c, x->a, &due_opens, &r, DB_P(hub));
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        if ((st = open_locked(c, PQgetvalue(r, i, 0), false)) != DB_OK)
            return st;
        log_event(LOG_INFO, "cycle.state", "cycle=%s state=open by=time", PQgetvalue(r, i, 0));
        x->changed++;
    }
    if ((st = db_run_a(c, x->a, &due_closes, &r, DB_P(hub))) != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++)
        log_event(LOG_INFO, "cycle.state", "cycle=%s state=closed by=time", PQgetvalue(r, i, 0));
    x->changed += PQntuples(r);
    return 0;
}

db_status cycle_advance(db_conn *c, int64_t hub, int *changed)
{
    advance_ctx x = {arena_new(), hub, 0};
    int st = db_transaction(c, false, advance_tx, &x);
    *changed = x.changed;
    arena_free(x.a);
    return st < 0 ? (db_status)st : DB_OK;
}

typedef struct {
    arena *a;
    int64_t hub;
    int weeks;
    int64_t *ids;
    int nids;
} generate_ctx;

static int generate_tx(db_conn *c, void *p)
{
    generate_ctx *x = p;
    char *h = db_i64(x->a, x->hub);
    PGresult *t, *w;
    x->nids = 0; /* a replay starts again */
    int st = db_run_a(c, x->a, &template_of, &t, DB_P(h));
    if (st != DB_OK)
        return st;
    /* without a template of its own, a hub gets the common rhythm: orders from
     * Friday 18:00 to Tuesday 22:00, delivery on Thursday */
    const char *od = "5", *ot = "18:00", *cd = "2", *ct = "22:00", *dd = "4";
    if (PQntuples(t) == 1) {
        od = db_val(t, 0, "opens_dow");
        ot = db_val(t, 0, "opens_time");
        cd = db_val(t, 0, "closes_dow");
        ct = db_val(t, 0, "closes_time");
        dd = db_val(t, 0, "delivery_dow");
    }
    if ((st = db_run_a(c, x->a, &generate_weeks, &w,
                       DB_P(h, db_i64(x->a, x->weeks), od, ot, cd, ct, dd))) != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(w) && i < x->weeks; i++)
        x->ids[x->nids++] = db_int(w, i, "id");
    if (x->nids == 0)
        return 0;
    char *ids = db_int_array(x->a, x->ids, (size_t)x->nids);
    if ((st = db_do(c, &generated_producers, DB_P(h, ids))) != DB_OK)
        return st;
    return db_do(c, &generated_pickups, DB_P(h, ids));
}

int cycle_generate(db_conn *c, arena *a, int64_t hub, int weeks, int64_t *ids, int *nids,
                   refusal *why)
{
    *nids = 0;
    if (weeks < 1 || weeks > CYCLE_GENERATE_MAX)
        return refuse(why, 422, "invalid_field", "weeks",
                      "On prépare de 1 à 12 semaines à la fois.",
                      "Between 1 and 12 weeks can be prepared at once.");
    generate_ctx x = {a, hub, weeks, ids, 0};
    int st = db_transaction(c, false, generate_tx, &x);
    *nids = st == 0 ? x.nids : 0;
    return st;
}

db_status cycle_list(db_conn *c, arena *a, int64_t hub, bool include_drafts, PGresult **r)
{
    return db_run_a(c, a, &list_cycles, r, DB_P(db_i64(a, hub), include_drafts ? "t" : "f"));
}

db_status cycle_get(db_conn *c, arena *a, int64_t hub, int64_t id, PGresult **r)
{
    return db_run_a(c, a, &get_cycle, r, DB_P(db_i64(a, hub), db_i64(a, id)));
}

db_status cycle_offers_page(db_conn *c, arena *a, int64_t id, int64_t after, int limit,
                            PGresult **r)
{
    return db_run_a(c, a, &offers_page, r, DB_P(db_i64(a, id), db_i64(a, after), db_i64(a, limit)));
}

db_status cycle_offers_cached(db_conn *c, arena *a, int64_t id, PGresult **r)
{
    return rcache_run(c, a, 1, &offers_of, id, r);
}

db_status cycle_pickup_points_cached(db_conn *c, arena *a, int64_t id, PGresult **r)
{
    return rcache_run(c, a, 2, &pickups_of, id, r);
}

db_status cycle_pickup_points(db_conn *c, arena *a, int64_t id, PGresult **r)
{
    return db_run_a(c, a, &pickups_of, r, DB_P(db_i64(a, id)));
}

db_status cycle_head(db_conn *c, arena *a, int64_t hub, int64_t id, PGresult **r)
{
    if (id == 0) /* the shop's every page: cached for a second (core/rcache.h) */
        return rcache_run(c, a, 3, &head_current, hub, r);
    return db_run_a(c, a, &head_of, r, DB_P(db_i64(a, hub), db_i64(a, id)));
}

db_status cycle_current(db_conn *c, int64_t hub, int64_t *id)
{
    char h[24];
    snprintf(h, sizeof h, "%lld", (long long)hub);
    PGresult *r;
    *id = 0;
    db_status st = db_run(c, &current_cycle, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1)
        *id = db_int(r, 0, "id");
    PQclear(r);
    return DB_OK;
}

db_status cycle_catch_up(db_conn *c, int64_t hub)
{
    char h[24];
    snprintf(h, sizeof h, "%lld", (long long)hub);
    PGresult *r;
    db_status st = db_run(c, &any_due, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    bool due = db_bool(r, 0, "due");
    PQclear(r);
    int changed;
    return due ? cycle_advance(c, hub, &changed) : DB_OK;
}
