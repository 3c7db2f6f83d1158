/*
 * core/contract.c — AMAP contracts: defining one, subscribing to it, its instalments,
 * and what the coordinator and the producer see of it.
 *
 * What a person gives is checked whole before anything is written (dates through
 * core/parse.h, texts through core/text.h), then each write is one transaction.
 * Defining a contract locks its producer's row, so two contracts created at once for
 * the same basket cannot both find the other's season free.
 *
 * The season's price incl. VAT is the basket's net per delivery (core/money.c's line
 * rounding) plus its VAT, times the deliveries still to come; instalments split it,
 * the cents left over on the first. An instalment paid is a top-up of the customer's
 * prepaid balance (4191) from the cheques to deposit (5112) or the direct debits in
 * collection (5113), posted once (its client key is the instalment's).
 */
#include "contract.h"
#include "ledger.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

DB_STMT(lock_producer, "SELECT id FROM producers WHERE hub_id = $1 AND slug = $2 AND active"
                       " FOR UPDATE");
DB_STMT(find_baskets, "SELECT v.ord, p.sku FROM unnest($2::text[]) WITH ORDINALITY AS v(sku, ord)"
                      "  LEFT JOIN products p ON p.producer_id = $1 AND p.sku = v.sku AND p.active"
                      " ORDER BY v.ord");
/* Another contract's basket of the same product whose season meets [$3, $4]. */
DB_STMT(
    overlapping,
    "SELECT b.sku FROM contract_baskets b"
    " WHERE b.producer_id = $1 AND b.sku = ANY($2::text[])"
    "   AND EXISTS (SELECT 1 FROM contract_deliveries d WHERE d.contract_id = b.contract_id"
    "                HAVING min(d.delivery_date) <= $4::date AND max(d.delivery_date) >= $3::date)"
    " ORDER BY b.sku LIMIT 1");
DB_STMT(
    insert_contract,
    "INSERT INTO contracts (hub_id, producer_id, name, window_opens, window_closes,"
    "                       min_deliveries, missed_rule, instalment_plans, payment_methods)"
    " VALUES ($1, $2, $3, $4::date, $5::date, $6::int, $7, $8::int[], $9::text[]) RETURNING id");
DB_STMT(insert_deliveries, "INSERT INTO contract_deliveries (hub_id, contract_id, delivery_date)"
                           " SELECT $1, $2, d FROM unnest($3::date[]) d");
DB_STMT(
    insert_baskets,
    "INSERT INTO contract_baskets (hub_id, contract_id, producer_id, sku, label, price_excl_vat_e4)"
    " SELECT $1, $2, $3, v.sku, v.label, v.price"
    "   FROM unnest($4::text[], $5::text[], $6::bigint[]) AS v(sku, label, price)");
#define TODAY "(now() AT TIME ZONE 'Europe/Paris')::date"
DB_STMT(contract_for_sub,
        "SELECT k.instalment_plans, k.payment_methods, k.min_deliveries,"
        "       " TODAY " BETWEEN k.window_opens AND k.window_closes AS open,"
        "       (SELECT count(*) FROM contract_deliveries d WHERE d.contract_id = k.id"
        "         AND d.delivery_date >= " TODAY
        "         AND NOT EXISTS (SELECT 1 FROM cycles c WHERE c.hub_id = k.hub_id"
        "                          AND c.delivery_date = d.delivery_date AND c.state <> 'draft'))"
        "         AS remaining"
        "  FROM contracts k WHERE k.hub_id = $1 AND k.id = $2 FOR SHARE");
DB_STMT(basket_of, "SELECT b.producer_id, b.sku, b.price_excl_vat_e4, p.vat_rate_bp"
                   "  FROM contract_baskets b"
                   "  JOIN products p ON p.producer_id = b.producer_id AND p.sku = b.sku"
                   " WHERE b.contract_id = $1 AND b.id = $2");
DB_STMT(find_pickup, "SELECT id FROM pickup_points WHERE hub_id = $1 AND slug = $2 AND active");
DB_STMT(has_mandate, "SELECT 1 FROM sepa_mandates WHERE hub_id = $1 AND customer_id = $2"
                     " AND revoked_at IS NULL");
DB_STMT(insert_sub,
        "INSERT INTO subscriptions (hub_id, customer_id, pickup_point_id, starts_on, contract_id,"
        "                           basket_id, instalments, payment_method)"
        " VALUES ($1, $2, $3, " TODAY ", $4, $5, $6::int, $7) RETURNING id");
DB_STMT(insert_line,
        "INSERT INTO subscription_lines (hub_id, subscription_id, producer_id, sku, quantity_milli)"
        " VALUES ($1, $2, $3, $4, $5)");
/* n instalments of total: one a month from today, the odd cents on the first */
DB_STMT(insert_instalments,
        "INSERT INTO contract_instalments (hub_id, subscription_id, number, due_on, amount_cents)"
        " SELECT $1, $2, k, (" TODAY " + (k - 1) * interval '1 month')::date,"
        "        $4::bigint / $3::int + CASE WHEN k = 1 THEN $4::bigint % $3::int ELSE 0 END"
        "   FROM generate_series(1, $3::int) k");
DB_STMT(lock_instalment,
        "SELECT i.amount_cents, i.ledger_entry_id IS NOT NULL AS paid, s.customer_id,"
        "       s.payment_method"
        "  FROM contract_instalments i JOIN subscriptions s ON s.id = i.subscription_id"
        " WHERE s.hub_id = $1 AND s.contract_id = $2 AND s.id = $3 AND i.number = $4"
        "   FOR UPDATE OF i");
DB_STMT(entry_by_key, "SELECT id FROM ledger_entries WHERE hub_id = $1 AND client_key = $2");
DB_STMT(mark_paid, "UPDATE contract_instalments SET ledger_entry_id = $3"
                   " WHERE subscription_id = $1 AND number = $2");
DB_STMT(list_contracts,
        "SELECT k.id, k.name, p.slug AS producer, p.name AS producer_name,"
        "       to_char(k.window_opens, 'YYYY-MM-DD') AS window_opens,"
        "       to_char(k.window_closes, 'YYYY-MM-DD') AS window_closes,"
        "       " TODAY " BETWEEN k.window_opens AND k.window_closes AS open,"
        "       k.min_deliveries, k.missed_rule, array_to_string(k.instalment_plans, ',') AS plans,"
        "       array_to_string(k.payment_methods, ',') AS methods,"
        "       (SELECT string_agg(to_char(d.delivery_date, 'YYYY-MM-DD'), ',' ORDER BY "
        "d.delivery_date)"
        "          FROM contract_deliveries d WHERE d.contract_id = k.id) AS deliveries,"
        "       (SELECT string_agg(b.id || ':' || b.price_excl_vat_e4 || ':' || x.vat_rate_bp"
        "                          || ':' || b.label, ';' ORDER BY b.id)"
        "          FROM contract_baskets b JOIN products x ON x.producer_id = b.producer_id"
        "           AND x.sku = b.sku WHERE b.contract_id = k.id) AS baskets,"
        "       (SELECT count(*) FROM subscriptions s WHERE s.contract_id = k.id"
        "         AND s.cancelled_at IS NULL) AS subscribers"
        "  FROM contracts k JOIN producers p ON p.id = k.producer_id"
        " WHERE k.hub_id = $1 ORDER BY k.window_closes DESC, k.id DESC LIMIT 100");
DB_STMT(members,
        "SELECT s.id AS subscription, cu.name AS customer_name, pp.name AS pickup_name,"
        "       b.label AS basket, l.quantity_milli, s.instalments, s.payment_method,"
        "       (SELECT count(*) FROM contract_instalments i WHERE i.subscription_id = s.id"
        "         AND i.ledger_entry_id IS NOT NULL) AS paid,"
        "       (SELECT coalesce(sum(i.amount_cents), 0) FROM contract_instalments i"
        "         WHERE i.subscription_id = s.id AND i.ledger_entry_id IS NULL) AS due_cents,"
        "       s.cancelled_at IS NOT NULL AS cancelled"
        "  FROM subscriptions s JOIN customers cu ON cu.id = s.customer_id"
        "  JOIN pickup_points pp ON pp.id = s.pickup_point_id"
        "  JOIN contract_baskets b ON b.id = s.basket_id"
        "  JOIN subscription_lines l ON l.subscription_id = s.id"
        " WHERE s.hub_id = $1 AND s.contract_id = $2"
        " ORDER BY cu.name COLLATE \"fr-x-icu\", s.id");
DB_STMT(deliveries_view,
        "SELECT to_char(d.delivery_date, 'YYYY-MM-DD') AS delivery_date, pp.name AS pickup_name,"
        "       b.label AS basket,"
        "       sum(l.quantity_milli) FILTER (WHERE NOT EXISTS (SELECT 1 FROM subscription_pauses z"
        "           WHERE z.subscription_id = s.id"
        "             AND d.delivery_date BETWEEN z.starts_on AND z.ends_on)) AS subscribed_milli,"
        "       (SELECT coalesce(sum(ol.quantity_milli), 0) FROM orders o"
        "          JOIN cycles c ON c.id = o.cycle_id AND c.delivery_date = d.delivery_date"
        "          JOIN order_lines ol ON ol.order_id = o.id"
        "          JOIN offers f ON f.id = ol.offer_id AND f.producer_id = b.producer_id"
        "           AND f.sku = b.sku"
        "         WHERE o.hub_id = $1 AND o.pickup_point_id = pp.id) AS placed_milli"
        "  FROM contract_deliveries d JOIN contracts k ON k.id = d.contract_id"
        "  JOIN subscriptions s ON s.contract_id = k.id AND s.cancelled_at IS NULL"
        "                      AND s.starts_on <= d.delivery_date"
        "  JOIN subscription_lines l ON l.subscription_id = s.id"
        "  JOIN contract_baskets b ON b.id = s.basket_id"
        "  JOIN pickup_points pp ON pp.id = s.pickup_point_id"
        " WHERE k.hub_id = $1 AND k.id = $2"
        " GROUP BY d.delivery_date, pp.id, pp.name, b.id, b.label, b.producer_id, b.sku"
        " ORDER BY d.delivery_date, pp.name COLLATE \"fr-x-icu\", b.id");
DB_STMT(producer_of, "SELECT producer_id FROM contracts WHERE hub_id = $1 AND id = $2");

static int bad(refusal *why, const char *field, const char *code, const char *fr, const char *en)
{
    return refuse(why, 422, code, field, fr, en);
}

/* A date, as canonical text in *out, or a refusal naming field. */
static int date_in(arena *a, const char *field, const char *label, const char *v, const char **out,
                   refusal *why)
{
    parse_date d;
    parse_status ps = parse_date_iso(v ? v : "", PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d);
    if (ps != PARSE_OK)
        return parse_refuse(why, a, field, label, label, PARSE_KIND_DATE, ps, PARSE_YEAR_MIN,
                            PARSE_YEAR_MAX);
    char text[40];
    *out = arena_strdup(a, parse_date_text(text, &d));
    return 0;
}

/* Everything checkable without the database; canonical dates into dates[], the first
 * and last delivery into *first, *last. */
static int check_new(arena *a, const contract_new *in, const char **dates, const char **opens,
                     const char **closes, const char **first, const char **last, refusal *why)
{
    int st;
    if ((st = text_or_refuse(why, a, "name", in->name ? in->name : "", 1, 100, TEXT_LINE,
                             "Le nom compte de 1 à 100 caractères, sur une ligne.",
                             "The name has 1 to 100 characters, on one line.")) ||
        (st = date_in(a, "window_opens", "window_opens", in->window_opens, opens, why)) ||
        (st = date_in(a, "window_closes", "window_closes", in->window_closes, closes, why)))
        return st;
    if (strcmp(*closes, *opens) < 0)
        return bad(why, "window_closes", "invalid_window",
                   "La fenêtre d’inscription doit finir après son ouverture.",
                   "The subscription window must close after it opens.");
    if (in->ndeliveries == 0)
        return bad(why, "deliveries", "no_delivery", "Un contrat compte au moins une livraison.",
                   "A contract has at least one delivery.");
    if (in->ndeliveries > CONTRACT_MAX_DELIVERIES)
        return bad(why, "deliveries", "too_many_deliveries", "Au plus 60 livraisons par contrat.",
                   "At most 60 deliveries per contract.");
    *first = *last = NULL;
    for (size_t i = 0; i < in->ndeliveries; i++) {
        const char *f = arena_printf(a, "deliveries[%zu]", i);
        if ((st = date_in(a, f, f, in->deliveries[i], &dates[i], why)))
            return st;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(dates[j], dates[i]))
                return bad(why, f, "duplicate_delivery", "Cette livraison figure deux fois.",
                           "This delivery is there twice.");
        if (!*first || strcmp(dates[i], *first) < 0)
            *first = dates[i];
        if (!*last || strcmp(dates[i], *last) > 0)
            *last = dates[i];
    }
    if (in->nbaskets == 0 || in->nbaskets > CONTRACT_MAX_BASKETS)
        return bad(why, "baskets", "invalid_baskets", "Un contrat propose de 1 à 6 paniers.",
                   "A contract offers 1 to 6 baskets.");
    for (size_t i = 0; i < in->nbaskets; i++) {
        const char *f = arena_printf(a, "baskets[%zu].label", i);
        if ((st = text_or_refuse(why, a, f, in->baskets[i].label ? in->baskets[i].label : "", 1,
                                 100, TEXT_LINE, "Le nom du panier compte de 1 à 100 caractères.",
                                 "The basket's name has 1 to 100 characters.")))
            return st;
        if (in->baskets[i].price <= 0 || in->baskets[i].price > 100000000)
            return bad(why, arena_printf(a, "baskets[%zu].price", i), "invalid_price",
                       "Le prix du panier est positif, 10 000 € au plus.",
                       "The basket's price is positive, at most €10,000.");
    }
    if (in->min_deliveries < 1 || (size_t)in->min_deliveries > in->ndeliveries)
        return bad(why, "min_deliveries", "invalid_field",
                   "L’engagement minimum va de 1 livraison à toutes.",
                   "The minimum commitment is from 1 delivery to all of them.");
    if (!in->missed_rule ||
        (strcmp(in->missed_rule, "neighbour") && strcmp(in->missed_rule, "hub") &&
         strcmp(in->missed_rule, "carry_over")))
        return bad(why, "missed_rule", "invalid_field",
                   "La règle d’absence est « neighbour », « hub » ou « carry_over ».",
                   "The missed-delivery rule is \"neighbour\", \"hub\" or \"carry_over\".");
    if (in->nplans < 1 || in->nplans > 12)
        return bad(why, "instalment_plans", "invalid_field", "De 1 à 12 échéanciers.",
                   "From 1 to 12 instalment plans.");
    for (size_t i = 0; i < in->nplans; i++)
        if (in->plans[i] < 1 || in->plans[i] > 52)
            return bad(why, "instalment_plans", "invalid_field",
                       "Un échéancier compte de 1 à 52 versements.",
                       "A plan has 1 to 52 instalments.");
    if (in->nmethods < 1 || in->nmethods > 2)
        return bad(why, "payment_methods", "invalid_field", "Chèque, prélèvement, ou les deux.",
                   "Cheque, direct debit, or both.");
    for (size_t i = 0; i < in->nmethods; i++)
        if (strcmp(in->methods[i], "cheque") && strcmp(in->methods[i], "sepa_debit"))
            return bad(why, "payment_methods", "invalid_field",
                       "Les moyens de paiement sont « cheque » et « sepa_debit ».",
                       "The payment methods are \"cheque\" and \"sepa_debit\".");
    return 0;
}

typedef struct {
    arena *a;
    const contract_new *in;
    const char **dates, *opens, *closes, *first, *last;
    int64_t id;
    refusal *why;
} create_ctx;

static int create_tx(db_conn *c, void *p)
{
    create_ctx *x = p;
    const contract_new *in = x->in;
    arena *a = x->a;
    char *hub = db_i64(a, in->hub);
    PGresult *r;
    int st = db_run_a(c, a, &lock_producer, &r, DB_P(hub, in->producer ? in->producer : ""));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return bad(x->why, "producer", "unknown_producer",
                   "Ce producteur n’existe pas ou est inactif.",
                   "There is no such active producer.");
    char *producer = arena_strdup(a, db_val(r, 0, "id"));
    const char **skus = arena_alloc(a, in->nbaskets * sizeof *skus);
    const char **labels = arena_alloc(a, in->nbaskets * sizeof *labels);
    int64_t *prices = arena_alloc(a, in->nbaskets * sizeof *prices);
    for (size_t i = 0; i < in->nbaskets; i++) {
        skus[i] = in->baskets[i].sku ? in->baskets[i].sku : "";
        labels[i] = in->baskets[i].label;
        prices[i] = in->baskets[i].price;
    }
    char *sku_a = db_text_array(a, skus, in->nbaskets);
    if ((st = db_run_a(c, a, &find_baskets, &r, DB_P(producer, sku_a))) != DB_OK)
        return st;
    for (size_t i = 0; i < in->nbaskets; i++)
        if (db_null(r, (int)i, "sku"))
            return bad(x->why, arena_printf(a, "baskets[%zu].sku", i), "unknown_product",
                       "Ce panier n’est pas un produit actif de ce producteur.",
                       "This basket is not an active product of this producer.");
    if ((st = db_run_a(c, a, &overlapping, &r, DB_P(producer, sku_a, x->first, x->last))) != DB_OK)
        return st;
    if (PQntuples(r) > 0) {
        size_t i = 0;
        while (i + 1 < in->nbaskets && strcmp(skus[i], db_val(r, 0, "sku")) != 0)
            i++;
        return refuse(x->why, 409, "overlapping_season", arena_printf(a, "baskets[%zu].sku", i),
                      "Un autre contrat livre déjà ce panier pendant cette saison.",
                      "Another contract already delivers this basket during this season.");
    }
    if ((st = db_run_a(c, a, &insert_contract, &r,
                       DB_P(hub, producer, in->name, x->opens, x->closes,
                            db_i64(a, in->min_deliveries), in->missed_rule,
                            db_int_array(a, in->plans, in->nplans),
                            db_text_array(a, in->methods, in->nmethods)))) != DB_OK)
        return st;
    x->id = db_int(r, 0, "id");
    char *id = db_i64(a, x->id);
    if ((st = db_do(c, &insert_deliveries,
                    DB_P(hub, id, db_text_array(a, x->dates, in->ndeliveries)))) != DB_OK)
        return st;
    return db_do(c, &insert_baskets,
                 DB_P(hub, id, producer, sku_a, db_text_array(a, labels, in->nbaskets),
                      db_int_array(a, prices, in->nbaskets)));
}

int contract_create(db_conn *c, arena *a, const contract_new *in, int64_t *id, refusal *why)
{
    create_ctx x = {a, in, NULL, NULL, NULL, NULL, NULL, 0, why};
    *id = 0;
    x.dates = arena_alloc(a, (in->ndeliveries + 1) * sizeof *x.dates);
    int st = check_new(a, in, x.dates, &x.opens, &x.closes, &x.first, &x.last, why);
    if (st)
        return st;
    st = db_transaction(c, false, create_tx, &x);
    *id = x.id;
    return st;
}

typedef struct {
    arena *a;
    const contract_sub_in *in;
    int64_t id;
    refusal *why;
} sub_ctx;

/* Is v among the comma-free items of a PostgreSQL array's text "{a,b}"? */
static bool in_array(const char *arr, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = arr; (p = strstr(p, v)) != NULL; p += n)
        if ((p[-1] == '{' || p[-1] == ',') && (p[n] == '}' || p[n] == ','))
            return true;
    return false;
}

static int subscribe_tx(db_conn *c, void *p)
{
    sub_ctx *x = p;
    const contract_sub_in *in = x->in;
    arena *a = x->a;
    char *hub = db_i64(a, in->hub), *k = db_i64(a, in->contract);
    PGresult *r, *b;
    int st = db_run_a(c, a, &contract_for_sub, &r, DB_P(hub, k));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "not_found", "contract", "Ce contrat n’existe pas.",
                      "There is no such contract.");
    if (!db_bool(r, 0, "open"))
        return refuse(x->why, 409, "window_closed", "contract",
                      "Les inscriptions à ce contrat sont closes.",
                      "Subscriptions to this contract are closed.");
    if (!in_array(db_val(r, 0, "instalment_plans"), db_i64(a, in->instalments)))
        return bad(x->why, "instalments", "invalid_field",
                   "Choisissez un des échéanciers du contrat.",
                   "Choose one of the contract's instalment plans.");
    if (!in->payment_method || !in_array(db_val(r, 0, "payment_methods"), in->payment_method))
        return bad(x->why, "payment_method", "invalid_field",
                   "Choisissez un des moyens de paiement du contrat.",
                   "Choose one of the contract's payment methods.");
    int64_t remaining = db_int(r, 0, "remaining");
    if (remaining < db_int(r, 0, "min_deliveries"))
        return refuse(x->why, 409, "too_late", "contract",
                      "Il ne reste plus assez de livraisons pour l’engagement minimum.",
                      "Too few deliveries remain for the minimum commitment.");
    if ((st = db_run_a(c, a, &basket_of, &b, DB_P(k, db_i64(a, in->basket)))) != DB_OK)
        return st;
    if (PQntuples(b) == 0)
        return bad(x->why, "basket", "unknown_basket", "Choisissez un panier de ce contrat.",
                   "Choose one of this contract's baskets.");
    if ((st = db_run_a(c, a, &find_pickup, &r,
                       DB_P(hub, in->pickup_point ? in->pickup_point : ""))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return bad(x->why, "pickup_point", "unknown_pickup_point",
                   "Choisissez un point de retrait du groupement.",
                   "Choose one of the hub's pickup points.");
    char *pickup = arena_strdup(a, db_val(r, 0, "id"));
    char *customer = db_i64(a, in->customer);
    if (!strcmp(in->payment_method, "sepa_debit")) {
        if ((st = db_run_a(c, a, &has_mandate, &r, DB_P(hub, customer))) != DB_OK)
            return st;
        if (PQntuples(r) == 0)
            return bad(x->why, "payment_method", "no_mandate",
                       "Pour le prélèvement, il faut d’abord un mandat SEPA signé.",
                       "A direct debit needs a signed SEPA mandate first.");
    }
    cents_t net = money_line_net(in->quantity, db_int(b, 0, "price_excl_vat_e4"));
    cents_t total = (net + money_vat(net, (vat_bp_t)db_int(b, 0, "vat_rate_bp"))) * remaining;
    st = db_run_a(c, a, &insert_sub, &r,
                  DB_P(hub, customer, pickup, k, db_i64(a, in->basket), db_i64(a, in->instalments),
                       in->payment_method));
    if (st == DB_ERROR && db_error_is_constraint(c, "subscriptions_one_per_contract"))
        return refuse(x->why, 409, "already_subscribed", "contract",
                      "Vous êtes déjà inscrit à ce contrat.",
                      "You already subscribe to this contract.");
    if (st != DB_OK)
        return st;
    x->id = db_int(r, 0, "id");
    char *id = db_i64(a, x->id);
    if ((st = db_do(c, &insert_line,
                    DB_P(hub, id, db_val(b, 0, "producer_id"), db_val(b, 0, "sku"),
                         db_i64(a, in->quantity)))) != DB_OK)
        return st;
    return db_do(c, &insert_instalments,
                 DB_P(hub, id, db_i64(a, in->instalments), db_i64(a, total)));
}

int contract_subscribe(db_conn *c, arena *a, const contract_sub_in *in, int64_t *id, refusal *why)
{
    *id = 0;
    if (in->quantity < 1000 || in->quantity > 10000 || in->quantity % 1000 != 0)
        return bad(why, "quantity", "invalid_quantity", "De 1 à 10 paniers entiers.",
                   "From 1 to 10 whole baskets.");
    sub_ctx x = {a, in, 0, why};
    int st = db_transaction(c, false, subscribe_tx, &x);
    *id = x.id;
    return st;
}

typedef struct {
    arena *a;
    int64_t hub, user, contract, sub;
    int number;
    refusal *why;
} paid_ctx;

static int paid_tx(db_conn *c, void *p)
{
    paid_ctx *x = p;
    arena *a = x->a;
    char *hub = db_i64(a, x->hub);
    PGresult *r;
    /* the hub's payments lock first: a direct debit batch (core/sepa.c) being made at
     * the same time takes the instalment either before this (then it is paid) or after */
    int st = ledger_lock(c, a, x->hub);
    if (st != DB_OK || (st = db_run_a(c, a, &lock_instalment, &r,
                                      DB_P(hub, db_i64(a, x->contract), db_i64(a, x->sub),
                                           db_i64(a, x->number)))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "not_found", "number", "Cette échéance n’existe pas.",
                      "There is no such instalment.");
    if (db_bool(r, 0, "paid"))
        return refuse(x->why, 409, "already_paid", "number", "Cette échéance est déjà payée.",
                      "This instalment is already paid.");
    bool debit = !strcmp(db_val(r, 0, "payment_method"), "sepa_debit");
    int64_t customer = db_int(r, 0, "customer_id");
    cents_t amount = db_int(r, 0, "amount_cents");
    const char *key = arena_printf(a, "contract-%lld-%d", (long long)x->sub, x->number);
    ledger_line_in lines[2] = {{debit ? "5113" : "5112", amount, 0, 0, 0, 0},
                               {"4191", -amount, customer, 0, 0, 0}};
    ledger_entry_in e = {
        .kind = "topup",
        .method = debit ? "sepa_debit" : "cheque",
        .client_key = key,
        .memo = arena_printf(a, "Contrat %lld, échéance %d", (long long)x->contract, x->number),
        .lines = lines,
        .nlines = 2};
    int64_t posted;
    if ((st = ledger_post(c, a, x->hub, x->user, "api", &e, 1, &posted)) != DB_OK ||
        (st = db_run_a(c, a, &entry_by_key, &r, DB_P(hub, key))) != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return DB_ERROR; /* posted just above under this key */
    return db_do(c, &mark_paid, DB_P(db_i64(a, x->sub), db_i64(a, x->number), db_val(r, 0, "id")));
}

int contract_instalment_paid(db_conn *c, arena *a, int64_t hub, int64_t user, int64_t contract,
                             int64_t sub, int number, refusal *why)
{
    paid_ctx x = {a, hub, user, contract, sub, number, why};
    return db_transaction(c, false, paid_tx, &x);
}

db_status contract_list(db_conn *c, arena *a, int64_t hub, PGresult **r)
{
    return db_run_a(c, a, &list_contracts, r, DB_P(db_i64(a, hub)));
}

db_status contract_members(db_conn *c, arena *a, int64_t hub, int64_t contract, PGresult **r)
{
    return db_run_a(c, a, &members, r, DB_P(db_i64(a, hub), db_i64(a, contract)));
}

db_status contract_deliveries_view(db_conn *c, arena *a, int64_t hub, int64_t contract,
                                   PGresult **r)
{
    return db_run_a(c, a, &deliveries_view, r, DB_P(db_i64(a, hub), db_i64(a, contract)));
}

db_status contract_producer(db_conn *c, arena *a, int64_t hub, int64_t contract, int64_t *producer)
{
    PGresult *r;
    *producer = 0;
    db_status st = db_run_a(c, a, &producer_of, &r, DB_P(db_i64(a, hub), db_i64(a, contract)));
    if (st == DB_OK && PQntuples(r) == 1)
        *producer = db_int(r, 0, "producer_id");
    return st;
}
