/*
 * core/subscription.c — standing orders: subscribe, pause, cancel, and what a
 * customer or a coordinator sees of them.
 *
 * Everything a person gives is checked before it is written, each write in one
 * transaction: dates through core/parse.h, products looked up in this hub's active
 * catalog only (a product of another hub is simply unknown here), quantities in the
 * product's step, no product twice, and no contract basket in a standing order (its
 * price is the contract's; core/contract.h). The placing itself is in
 * core/subscription_place.c.
 */
#include "subscription.h"
#include "parse.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

DB_STMT(find_pickup, "SELECT id FROM pickup_points WHERE hub_id = $1 AND slug = $2 AND active");
DB_STMT(order_source, "SELECT pp.slug AS pickup, p.slug AS producer, f.sku, l.quantity_milli"
                      "  FROM orders o JOIN pickup_points pp ON pp.id = o.pickup_point_id"
                      "  JOIN order_lines l ON l.order_id = o.id JOIN offers f ON f.id = l.offer_id"
                      "  JOIN producers p ON p.id = f.producer_id"
                      " WHERE o.hub_id = $1 AND o.cycle_id = $2 AND o.customer_id = $3"
                      "   AND NOT EXISTS (SELECT 1 FROM contract_baskets b"
                      "                    WHERE b.producer_id = f.producer_id AND b.sku = f.sku)"
                      " ORDER BY f.id");
/* The products asked for, in the order asked (ord), NULL id when unknown here. */
DB_STMT(find_products,
        "SELECT v.ord, p.producer_id, p.sku, p.step_milli, p.name, p.unit,"
        "       EXISTS (SELECT 1 FROM contract_baskets b"
        "                WHERE b.producer_id = p.producer_id AND b.sku = p.sku) AS basket"
        "  FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS v(producer, sku, ord)"
        "  LEFT JOIN producers pr ON pr.hub_id = $1 AND pr.slug = v.producer AND pr.active"
        "  LEFT JOIN products p ON p.producer_id = pr.id AND p.sku = v.sku AND p.active"
        " ORDER BY v.ord");
DB_STMT(insert_sub, "INSERT INTO subscriptions (hub_id, customer_id, pickup_point_id, every_weeks,"
                    "                           starts_on)"
                    " VALUES ($1, $2, $3, $4::smallint,"
                    "         coalesce(nullif($5, '')::date,"
                    "                  (now() AT TIME ZONE 'Europe/Paris')::date))"
                    " RETURNING id");
DB_STMT(insert_sub_lines,
        "INSERT INTO subscription_lines (hub_id, subscription_id, producer_id, sku, quantity_milli)"
        " SELECT $1, $2, v.p, v.sku, v.q"
        "   FROM unnest($3::bigint[], $4::text[], $5::bigint[]) AS v(p, sku, q)");
DB_STMT(find_sub, "SELECT id FROM subscriptions WHERE hub_id = $1 AND id = $2"
                  " AND ($3::bigint = 0 OR customer_id = $3) AND cancelled_at IS NULL FOR UPDATE");
DB_STMT(insert_pause,
        "INSERT INTO subscription_pauses (hub_id, subscription_id, starts_on, ends_on)"
        " VALUES ($1, $2, $3::date, $4::date)");
DB_STMT(cancel_sub, "UPDATE subscriptions SET cancelled_at = now()"
                    " WHERE hub_id = $1 AND id = $2 AND customer_id = $3 AND cancelled_at IS NULL"
                    "   AND contract_id IS NULL");
DB_STMT(
    list_subs,
    "SELECT s.id, pp.slug AS pickup, pp.name AS pickup_name, coalesce(s.every_weeks, 0) AS every,"
    "       to_char(s.starts_on, 'YYYY-MM-DD') AS starts_on,"
    "       to_char(s.created_at, 'YYYY-MM-DD') AS created_at,"
    "       s.cancelled_at IS NOT NULL AS cancelled, coalesce(s.contract_id, 0) AS contract,"
    "       coalesce(k.name, '') AS contract_name, coalesce(b.label, '') AS basket_label,"
    "       coalesce(b.price_excl_vat_e4, 0) AS contract_price,"
    "       coalesce(s.instalments, 0) AS instalments, s.carried,"
    "       coalesce(s.payment_method, '') AS payment_method"
    "  FROM subscriptions s JOIN pickup_points pp ON pp.id = s.pickup_point_id"
    "  LEFT JOIN contracts k ON k.id = s.contract_id"
    "  LEFT JOIN contract_baskets b ON b.id = s.basket_id"
    " WHERE s.hub_id = $1 AND s.customer_id = $2"
    " ORDER BY s.cancelled_at IS NOT NULL, s.cancelled_at DESC, s.id DESC LIMIT 50");
DB_STMT(list_lines,
        "SELECT l.subscription_id AS sub, pr.slug AS producer, pr.name AS producer_name, p.sku,"
        "       p.name, p.unit, l.quantity_milli"
        "  FROM subscription_lines l JOIN subscriptions s ON s.id = l.subscription_id"
        "  JOIN products p ON p.producer_id = l.producer_id AND p.sku = l.sku"
        "  JOIN producers pr ON pr.id = p.producer_id"
        " WHERE s.hub_id = $1 AND s.customer_id = $2"
        " ORDER BY l.subscription_id, pr.name COLLATE \"fr-x-icu\", p.name COLLATE \"fr-x-icu\"");
DB_STMT(list_pauses, "SELECT p.subscription_id AS sub, to_char(p.starts_on, 'YYYY-MM-DD') AS f,"
                     "       to_char(p.ends_on, 'YYYY-MM-DD') AS u"
                     "  FROM subscription_pauses p JOIN subscriptions s ON s.id = p.subscription_id"
                     " WHERE s.hub_id = $1 AND s.customer_id = $2"
                     "   AND p.ends_on >= (now() AT TIME ZONE 'Europe/Paris')::date - 60"
                     " ORDER BY p.subscription_id, p.starts_on");
/* What a miss says, for people: "out_of_stock: Carottes (2 kg)" */
#define MISSES_OF(run)                                                                             \
    "coalesce((SELECT string_agg(m.reason || coalesce(': ' || p.name || ' ('"                      \
    " || trim_scale(m.quantity_milli / 1000.0)::text || ' ' || p.unit || ')', ''), '; '"           \
    " ORDER BY m.sku NULLS FIRST) FROM subscription_misses m"                                      \
    " LEFT JOIN products p ON p.producer_id = m.producer_id AND p.sku = m.sku"                     \
    " WHERE m.cycle_id = " run ".cycle_id AND m.subscription_id = " run ".subscription_id), '')"
DB_STMT(list_runs,
        "SELECT * FROM (SELECT r.subscription_id AS sub, r.cycle_id, c.name AS cycle_name,"
        "       to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date, r.outcome,"
        "       " MISSES_OF(
            "r") " AS misses,"
                 "       row_number() OVER (PARTITION BY r.subscription_id"
                 "                          ORDER BY c.delivery_date DESC) AS k"
                 "  FROM subscription_runs r JOIN subscriptions s ON s.id = r.subscription_id"
                 "  JOIN cycles c ON c.id = r.cycle_id"
                 " WHERE s.hub_id = $1 AND s.customer_id = $2) x WHERE k <= 10"
                 " ORDER BY sub, delivery_date DESC");
DB_STMT(cycle_exists, "SELECT 1 FROM cycles WHERE hub_id = $1 AND id = $2");
DB_STMT(cycle_report,
        "SELECT r.subscription_id, s.customer_id, cu.name AS customer_name,"
        "       pp.name AS pickup_name, r.outcome, coalesce(k.name, '') AS contract_name,"
        "       " MISSES_OF(
            "r") " AS misses"
                 "  FROM subscription_runs r JOIN subscriptions s ON s.id = r.subscription_id"
                 "  JOIN customers cu ON cu.id = s.customer_id"
                 "  JOIN pickup_points pp ON pp.id = s.pickup_point_id"
                 "  LEFT JOIN contracts k ON k.id = s.contract_id"
                 " WHERE r.hub_id = $1 AND r.cycle_id = $2"
                 " ORDER BY r.outcome = 'placed', r.outcome, cu.name COLLATE \"fr-x-icu\", "
                 "r.subscription_id");

/* A date as canonical text, or a refusal naming field; "" stays "" when may_be_empty. */
static int date_or_refuse(arena *a, const char *field, const char *label_fr, const char *label_en,
                          const char **v, bool may_be_empty, refusal *why)
{
    if (may_be_empty && (!*v || !**v)) {
        *v = "";
        return 0;
    }
    parse_date d;
    parse_status ps = parse_date_iso(*v ? *v : "", PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d);
    if (ps != PARSE_OK)
        return parse_refuse(why, a, field, label_fr, label_en, PARSE_KIND_DATE, ps, PARSE_YEAR_MIN,
                            PARSE_YEAR_MAX);
    char text[40];
    *v = arena_strdup(a, parse_date_text(text, &d));
    return 0;
}

typedef struct {
    arena *a;
    sub_new in;
    int64_t id;
    refusal *why;
} create_ctx;

/* The lines of the customer's order of from_cycle become the subscription's. */
static int copy_order(db_conn *c, create_ctx *x)
{
    PGresult *r;
    int st = db_run_a(c, x->a, &order_source, &r,
                      DB_P(db_i64(x->a, x->in.hub), db_i64(x->a, x->in.from_cycle),
                           db_i64(x->a, x->in.customer)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 422, "no_order", "from_cycle",
                      "Vous n’avez pas de commande dans ce cycle à répéter.",
                      "You have no order in this cycle to repeat.");
    order_line_in *l = arena_alloc(x->a, (size_t)PQntuples(r) * sizeof *l);
    for (int i = 0; i < PQntuples(r); i++)
        l[i] = (order_line_in){db_val(r, i, "producer"), db_val(r, i, "sku"),
                               db_int(r, i, "quantity_milli")};
    x->in.lines = l;
    x->in.nlines = (size_t)PQntuples(r);
    if (!x->in.pickup_point || !*x->in.pickup_point)
        x->in.pickup_point = db_val(r, 0, "pickup");
    return 0;
}

/* Every line's product known here, in its step, not a basket, not twice. */
static int check_products(db_conn *c, create_ctx *x, int64_t *ids, const char **skus)
{
    arena *a = x->a;
    size_t n = x->in.nlines;
    const char **prod = arena_alloc(a, (n + 1) * sizeof *prod);
    const char **sku = arena_alloc(a, (n + 1) * sizeof *sku);
    for (size_t i = 0; i < n; i++) {
        prod[i] = x->in.lines[i].producer;
        sku[i] = x->in.lines[i].sku;
    }
    PGresult *r;
    int st =
        db_run_a(c, a, &find_products, &r,
                 DB_P(db_i64(a, x->in.hub), db_text_array(a, prod, n), db_text_array(a, sku, n)));
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        int k = (int)i;
        milli_t q = x->in.lines[i].quantity;
        if (db_null(r, k, "producer_id"))
            return refuse(x->why, 422, "unknown_product", arena_printf(a, "lines[%zu].sku", i),
                          arena_printf(a, "« %s » n’est pas un produit de ce groupement.", sku[i]),
                          arena_printf(a, "\"%s\" is not a product of this hub.", sku[i]));
        if (db_bool(r, k, "basket"))
            return refuse(x->why, 422, "contract_basket", arena_printf(a, "lines[%zu].sku", i),
                          "Ce panier se prend par contrat, pas en commande répétée.",
                          "This basket is taken by contract, not as a standing order.");
        if (q <= 0 || q > ORDER_MAX_QUANTITY || q % db_int(r, k, "step_milli") != 0)
            return refuse(x->why, 422, "invalid_quantity",
                          arena_printf(a, "lines[%zu].quantity", i),
                          "La quantité doit être positive, raisonnable, et suivre le pas du "
                          "produit.",
                          "The quantity must be positive, reasonable, and in the product's step.");
        ids[i] = db_int(r, k, "producer_id");
        skus[i] = db_val(r, k, "sku");
        for (size_t j = 0; j < i; j++)
            if (ids[j] == ids[i] && !strcmp(skus[j], skus[i]))
                return refuse(x->why, 422, "duplicate_line", arena_printf(a, "lines[%zu].sku", i),
                              "Ce produit figure deux fois.", "This product is there twice.");
    }
    return 0;
}

static int create_tx(db_conn *c, void *p)
{
    create_ctx *x = p;
    arena *a = x->a;
    int st;
    if (x->in.nlines == 0 && (st = copy_order(c, x)) != 0)
        return st;
    if (x->in.nlines == 0 || x->in.nlines > ORDER_MAX_LINES)
        return refuse(x->why, 422, x->in.nlines ? "too_many_lines" : "empty_order", "lines",
                      "Choisissez de 1 à 500 produits.", "Choose between 1 and 500 products.");
    char *hub = db_i64(a, x->in.hub);
    PGresult *r;
    if ((st = db_run_a(c, a, &find_pickup, &r,
                       DB_P(hub, x->in.pickup_point ? x->in.pickup_point : ""))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 422, "unknown_pickup_point", "pickup_point",
                      "Choisissez un point de retrait du groupement.",
                      "Choose one of the hub's pickup points.");
    char *pickup = arena_strdup(a, db_val(r, 0, "id"));
    int64_t *ids = arena_alloc(a, (x->in.nlines + 1) * sizeof *ids);
    int64_t *qty = arena_alloc(a, (x->in.nlines + 1) * sizeof *qty);
    const char **skus = arena_alloc(a, (x->in.nlines + 1) * sizeof *skus);
    if ((st = check_products(c, x, ids, skus)) != 0)
        return st;
    for (size_t i = 0; i < x->in.nlines; i++)
        qty[i] = x->in.lines[i].quantity;
    st = db_run_a(c, a, &insert_sub, &r,
                  DB_P(hub, db_i64(a, x->in.customer), pickup, db_i64(a, x->in.every_weeks),
                       x->in.starts_on));
    if (st == DB_ERROR && db_error_is_constraint(c, "subscriptions_one_standing"))
        return refuse(x->why, 409, "already_subscribed", "lines",
                      "Vous avez déjà une commande répétée : annulez-la d’abord pour en faire "
                      "une autre.",
                      "You already have a standing order: cancel it first to make another.");
    if (st != DB_OK)
        return st;
    x->id = db_int(r, 0, "id");
    return db_do(c, &insert_sub_lines,
                 DB_P(hub, db_i64(a, x->id), db_int_array(a, ids, x->in.nlines),
                      db_text_array(a, skus, x->in.nlines), db_int_array(a, qty, x->in.nlines)));
}

int sub_new_check(arena *a, sub_new *in, refusal *why)
{
    if (in->every_weeks < SUB_EVERY_WEEKS_MIN || in->every_weeks > SUB_EVERY_WEEKS_MAX)
        return refuse(why, 422, "invalid_field", "every_weeks",
                      "La fréquence est chaque semaine (1) ou toutes les deux semaines (2).",
                      "The frequency is every week (1) or every second week (2).");
    int st = date_or_refuse(a, "starts_on", "La date de début", "The start date", &in->starts_on,
                            true, why);
    if (st)
        return st;
    if (in->nlines == 0 && in->from_cycle <= 0)
        return refuse(why, 422, "empty_order", "lines",
                      "Choisissez au moins un produit, ou la commande à répéter.",
                      "Choose at least one product, or the order to repeat.");
    return 0;
}

int sub_create(db_conn *c, arena *a, const sub_new *in, int64_t *id, refusal *why)
{
    create_ctx x = {a, *in, 0, why};
    *id = 0;
    int st = sub_new_check(a, &x.in, why);
    if (st)
        return st;
    st = db_transaction(c, false, create_tx, &x);
    *id = x.id;
    return st;
}

typedef struct {
    arena *a;
    int64_t hub, customer, id;
    const char *from, *until;
    refusal *why;
} pause_ctx;

static int pause_tx(db_conn *c, void *p)
{
    pause_ctx *x = p;
    char *hub = db_i64(x->a, x->hub), *id = db_i64(x->a, x->id);
    PGresult *r;
    int st = db_run_a(c, x->a, &find_sub, &r, DB_P(hub, id, db_i64(x->a, x->customer)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "not_found", "id", "Cet abonnement n’existe pas ou est annulé.",
                      "There is no such subscription, or it is cancelled.");
    return db_do(c, &insert_pause, DB_P(hub, id, x->from, x->until));
}

int sub_pause(db_conn *c, arena *a, int64_t hub, int64_t customer, int64_t id, const char *from,
              const char *until, refusal *why)
{
    int st;
    if ((st = date_or_refuse(a, "from", "Le début de l’absence", "The start of the absence", &from,
                             false, why)) ||
        (st = date_or_refuse(a, "until", "La fin de l’absence", "The end of the absence", &until,
                             false, why)))
        return st;
    if (strcmp(until, from) < 0) /* canonical YYYY-MM-DD: text order is date order */
        return refuse(why, 422, "invalid_pause", "until",
                      "L’absence doit finir le jour où elle commence ou après.",
                      "The absence must end on or after the day it starts.");
    pause_ctx x = {a, hub, customer, id, from, until, why};
    return db_transaction(c, false, pause_tx, &x);
}

int sub_cancel(db_conn *c, arena *a, int64_t hub, int64_t customer, int64_t id, refusal *why)
{
    PGresult *r;
    int st =
        db_run_a(c, a, &cancel_sub, &r, DB_P(db_i64(a, hub), db_i64(a, id), db_i64(a, customer)));
    if (st != DB_OK)
        return st;
    if (strcmp(PQcmdTuples(r), "1") != 0)
        return refuse(why, 404, "not_found", "id",
                      "Cet abonnement n’existe pas ou est déjà annulé.",
                      "There is no such subscription, or it is already cancelled.");
    return 0;
}

static subscription *find(subscription *s, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].id == id)
            return &s[i];
    return NULL;
}

int sub_list(db_conn *c, arena *a, int64_t hub, int64_t customer, subscription **out, size_t *n)
{
    PGresult *s, *l, *p, *r;
    char *h = db_i64(a, hub), *cu = db_i64(a, customer);
    int st;
    *out = NULL;
    *n = 0;
    if ((st = db_run_a(c, a, &list_subs, &s, DB_P(h, cu))) != DB_OK ||
        (st = db_run_a(c, a, &list_lines, &l, DB_P(h, cu))) != DB_OK ||
        (st = db_run_a(c, a, &list_pauses, &p, DB_P(h, cu))) != DB_OK ||
        (st = db_run_a(c, a, &list_runs, &r, DB_P(h, cu))) != DB_OK)
        return st;
    size_t ns = (size_t)PQntuples(s);
    subscription *v = arena_alloc(a, (ns + 1) * sizeof *v);
    memset(v, 0, (ns + 1) * sizeof *v);
    for (size_t i = 0; i < ns; i++) {
        int k = (int)i;
        v[i] = (subscription){
            .id = db_int(s, k, "id"),
            .pickup_point = db_val(s, k, "pickup"),
            .pickup_name = db_val(s, k, "pickup_name"),
            .every_weeks = (int)db_int(s, k, "every"),
            .starts_on = db_val(s, k, "starts_on"),
            .created_at = db_val(s, k, "created_at"),
            .cancelled = db_bool(s, k, "cancelled"),
            .contract = db_int(s, k, "contract"),
            .contract_name = db_val(s, k, "contract_name"),
            .basket_label = db_val(s, k, "basket_label"),
            .contract_price = db_int(s, k, "contract_price"),
            .instalments = (int)db_int(s, k, "instalments"),
            .carried = (int)db_int(s, k, "carried"),
            .payment_method = db_val(s, k, "payment_method"),
        };
        v[i].lines = arena_alloc(a, ((size_t)PQntuples(l) + 1) * sizeof *v[i].lines);
        v[i].pauses = arena_alloc(a, ((size_t)PQntuples(p) + 1) * sizeof *v[i].pauses);
        v[i].runs = arena_alloc(a, ((size_t)PQntuples(r) + 1) * sizeof *v[i].runs);
    }
    for (int k = 0; k < PQntuples(l); k++) {
        subscription *x = find(v, ns, db_int(l, k, "sub"));
        if (x)
            x->lines[x->nlines++] =
                (sub_line){db_val(l, k, "producer"), db_val(l, k, "producer_name"),
                           db_val(l, k, "sku"),      db_val(l, k, "name"),
                           db_val(l, k, "unit"),     db_int(l, k, "quantity_milli")};
    }
    for (int k = 0; k < PQntuples(p); k++) {
        subscription *x = find(v, ns, db_int(p, k, "sub"));
        if (x)
            x->pauses[x->npauses++] = (sub_pause_view){db_val(p, k, "f"), db_val(p, k, "u")};
    }
    for (int k = 0; k < PQntuples(r); k++) {
        subscription *x = find(v, ns, db_int(r, k, "sub"));
        if (x)
            x->runs[x->nruns++] = (sub_run_view){
                db_int(r, k, "cycle_id"), db_val(r, k, "cycle_name"), db_val(r, k, "delivery_date"),
                db_val(r, k, "outcome"), db_val(r, k, "misses")};
    }
    *out = v;
    *n = ns;
    return DB_OK;
}

int sub_cycle_report(db_conn *c, arena *a, int64_t hub, int64_t cycle, sub_report_row **rows,
                     size_t *n, bool *found)
{
    PGresult *r;
    char *h = db_i64(a, hub), *cy = db_i64(a, cycle);
    *rows = NULL;
    *n = 0;
    int st = db_run_a(c, a, &cycle_exists, &r, DB_P(h, cy));
    if (st != DB_OK)
        return st;
    *found = PQntuples(r) == 1;
    if (!*found || (st = db_run_a(c, a, &cycle_report, &r, DB_P(h, cy))) != DB_OK)
        return st;
    sub_report_row *v = arena_alloc(a, ((size_t)PQntuples(r) + 1) * sizeof *v);
    for (int k = 0; k < PQntuples(r); k++)
        v[k] = (sub_report_row){db_int(r, k, "subscription_id"), db_int(r, k, "customer_id"),
                                db_val(r, k, "customer_name"),   db_val(r, k, "pickup_name"),
                                db_val(r, k, "outcome"),         db_val(r, k, "contract_name"),
                                db_val(r, k, "misses")};
    *rows = v;
    *n = (size_t)PQntuples(r);
    return DB_OK;
}

static const struct {
    const char *code, *fr, *en;
} miss_reasons[] = {
    {"out_of_stock", "épuisé", "sold out"},
    {"product_gone", "plus proposé cette semaine", "not offered this week"},
    {"step", "quantité hors du pas de vente", "quantity not in the sales step"},
    {"over_line_limit", "au-delà de la limite par commande", "over the limit per order"},
    {"over_order_limit", "commande au-delà du plafond", "order over the ceiling"},
    {"pickup_full", "point de retrait complet", "pickup point full"},
    {"pickup_gone", "point de retrait non desservi", "pickup point not served"},
};

const char *sub_miss_reason(const char *code, size_t len, bool english)
{
    for (size_t i = 0; i < sizeof miss_reasons / sizeof miss_reasons[0]; i++)
        if (strlen(miss_reasons[i].code) == len && !strncmp(code, miss_reasons[i].code, len))
            return english ? miss_reasons[i].en : miss_reasons[i].fr;
    return NULL;
}
