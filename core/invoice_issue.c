/*
 * core/invoice_issue.c — issuing every invoice of a batched cycle, all or none.
 *
 * One transaction, a constant number of statements whatever the cycle's size:
 * lock the cycle; check that every weighed piece has its weight, or record the
 * coordinator's acceptance of the estimates (core/delivery.h); read the hub, the
 * producers, the orders with their buyers and every line as delivered (three
 * queries); build and check each invoice in memory
 * (core/invoice_build.c, rpt_cii_check), and the sum of each order's invoices
 * against the order's own totals (money_totals_compute, what the buyer saw);
 * only then take the sellers' numbers (locking their sequence rows, so the
 * locks are held for the insert alone), date the invoices, store them all in
 * one statement and mark the cycle invoiced. Any refusal or failure rolls
 * everything back, numbers included: no gap.
 */
#include "delivery.h"
#include "hub_settings.h"
#include "invoice_build.h"
#include "invoice_int.h"
#include "invoicing.h"
#include "log.h"
#include "money.h"
#include "reform.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off */
/* The cycle with its own copy of the hub's settings (seller mode, payment days),
 * taken when it opened: what its orders were shown is what its invoices say. */
DB_STMT(lock_cycle,
        "SELECT state, to_char(delivery_date, 'YYYY-MM-DD') AS delivery_date, seller_mode,"
        " payment_days, resale_vat_rate_bp, max_order_cents, max_line_milli, max_offer_share_pct"
        " FROM cycles WHERE hub_id = $1 AND id = $2 FOR UPDATE");
DB_STMT(hub_row,
        "SELECT id, slug, name, legal_form, siret, vat_number, address, email, phone, depot_lat,"
        " depot_lon FROM hubs WHERE id = $1");
DB_STMT(producer_rows,
        "SELECT p.id, p.slug, p.name, p.legal_form, p.siret, p.vat_regime, p.vat_number,"
        " p.address, p.email, coalesce((SELECT to_char(m.signed_on, 'YYYY-MM-DD')"
        "   FROM billing_mandates m WHERE m.producer_id = p.id"
        "   AND m.signed_on <= (now() AT TIME ZONE 'Europe/Paris')::date"
        "   ORDER BY m.signed_on DESC LIMIT 1), '') AS mandate_on FROM producers p"
        " WHERE p.hub_id = $1 AND p.id IN (SELECT f.producer_id FROM offers f WHERE f.cycle_id = $2)"
        " ORDER BY p.id");
DB_STMT(order_rows,
        "SELECT o.id, c.id AS customer_id, c.kind, c.name, c.legal_name, c.siret, c.vat_number,"
        " c.address, c.email, c.phone, pp.id AS pickup_id, pp.slug AS pickup_slug,"
        " pp.name AS pickup_name, pp.address AS pickup_address"
        " FROM orders o JOIN customers c ON c.id = o.customer_id"
        " JOIN pickup_points pp ON pp.id = o.pickup_point_id"
        " WHERE o.hub_id = $1 AND o.cycle_id = $2 ORDER BY o.id");
/* Lines in invoice order: by order, by seller (one seller when the hub sells),
 * then as the order page lists them. The description is the offer's, frozen
 * when the cycle opened. What is invoiced is what was delivered (core/delivery.h):
 * the units delivered at the unit price, or for a weighed offer the weight at the
 * price per kg (or litre), the line's delivered amount; a line delivered as nothing
 * is left out. */
DB_STMT(line_rows,
        "SELECT * FROM (SELECT l.order_id, l.id AS line_id, f.id AS offer_id, f.producer_id,"
        " p.name AS producer_name, f.sku, f.name,"
        " coalesce(f.measure, f.unit) AS unit, f.unit AS piece_unit, f.measure IS NOT NULL AS weighed,"
        " coalesce(l.delivered_milli, l.quantity_milli) AS pieces,"
        " CASE WHEN f.measure IS NULL THEN coalesce(l.delivered_milli, l.quantity_milli)"
        "      ELSE l.weighed_milli END AS quantity_milli,"
        " coalesce(f.measure_price_excl_vat_e4, l.unit_price_excl_vat_e4) AS unit_price_excl_vat_e4,"
        " l.vat_rate_bp, coalesce(l.delivered_net_cents, l.line_excl_vat_cents) AS line_excl_vat_cents,"
        " false AS fee"
        " FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN offers f ON f.id = l.offer_id"
        " JOIN producers p ON p.id = f.producer_id"
        " WHERE o.hub_id = $1 AND o.cycle_id = $2"
        " AND coalesce(l.delivered_milli, l.quantity_milli) > 0"
        /* the hub's fee per order (schema/023): one line, the hub's, for an order that
         * holds something */
        " UNION ALL SELECT o.id, 0, 0, 0, '', 'FRAIS', 'Frais par commande', 'piece', 'piece', false,"
        " 1000, 1000, c.order_fee_cents * 100, c.order_fee_vat_bp, c.order_fee_cents, true"
        " FROM orders o JOIN cycles c ON c.id = o.cycle_id"
        " WHERE o.hub_id = $1 AND o.cycle_id = $2 AND c.order_fee_cents > 0"
        " AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id"
        "   AND coalesce(l.delivered_milli, l.quantity_milli) > 0)) x"
        " ORDER BY order_id, CASE WHEN $3::boolean THEN 0 ELSE producer_id END, fee,"
        " producer_name COLLATE \"fr-x-icu\", name COLLATE \"fr-x-icu\", offer_id");
DB_STMT(mark_invoiced, "UPDATE cycles SET state = 'invoiced' WHERE id = $1");
/* clang-format on */

/* A party as issued: what the document shows, and its JSON snapshot. */
typedef struct party {
    int64_t id; /* producer or order id; 0 for the hub */
    inv_party p;
    const char *ref;                   /* key in the parties object: "h", "p12", "o345" */
    const char *prefix;                /* number prefix (sellers) */
    const char *key;                   /* seller key (sellers) */
    const char *place, *place_address; /* buyers: the pickup point */
    const char *mandate_on;            /* producers: their billing mandate's date, or "" */
    char *json;
} party;

typedef struct group {
    size_t from, to; /* rows of the line result */
    party *seller, *buyer;
    invoice inv;
    size_t seller_index; /* into the run's seller keys */
    int seq;
} group;

typedef struct issue_ctx {
    arena *a;
    int64_t hub, cycle;
    inv_issue_opts opts;
    bool hub_sells;   /* the cycle's seller mode */
    int payment_days; /* the cycle's */
    inv_issue_result *out;
    refusal *why;
    const char *delivery_date;
    party hub_party;
    party *producers, *orders;
    size_t nproducers, norders;
    group *groups;
    size_t ngroups;
    int64_t accepted;  /* weighed lines invoiced at their estimate */
    const char **keys; /* distinct seller keys of the run, sorted */
    int64_t *counts;
    size_t nkeys;
} issue_ctx;

static party *find_party(party *list, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (list[mid].id == id)
            return &list[mid];
        if (list[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- parties ------------------------------------------------------------------------ */

static char *finish_json(arena *a, buf *b)
{
    buf_putc(b, '}');
    char *s = arena_strdup(a, buf_str(b));
    buf_free(b);
    return s;
}

static void seller_json(buf *b, const inv_party *p)
{
    inv_json_str(b, "name", p->name);
    inv_json_str(b, "legal_form", p->legal_form);
    inv_json_str(b, "siret", p->siret);
    inv_json_str(b, "vat_number", p->vat_number);
    inv_json_str(b, "vat_regime", p->franchise ? "franchise" : "standard");
    inv_json_str(b, "address", p->address.line1);
    inv_json_str(b, "country", p->address.country);
    inv_json_str(b, "email", p->email);
    inv_json_str(b, "phone", p->phone);
}

static db_status load_hub(db_conn *c, issue_ctx *x)
{
    PGresult *r;
    db_status st = db_run_a(c, x->a, &hub_row, &r, DB_P(db_i64(x->a, x->hub)));
    if (st != DB_OK)
        return st;
    party *h = &x->hub_party;
    h->p = (inv_party){.name = db_val(r, 0, "name"),
                       .legal_form = db_val(r, 0, "legal_form"),
                       .address = {db_val(r, 0, "address"), "", "", "FR"},
                       .siret = db_val(r, 0, "siret"),
                       .vat_number = db_val(r, 0, "vat_number"),
                       .email = db_val(r, 0, "email"),
                       .phone = db_val(r, 0, "phone")};
    h->ref = "h";
    h->prefix = "";
    h->key = "hub";
    buf b = BUF_INIT;
    /* slug and depot too: an invoice document's head names the hub from here */
    buf_puts(&b, "{\"kind\":\"hub\"");
    inv_json_int(&b, "id", x->hub);
    inv_json_str(&b, "slug", db_val(r, 0, "slug"));
    seller_json(&b, &h->p);
    buf_printf(&b, ",\"depot_lat\":%s,\"depot_lon\":%s", db_val(r, 0, "depot_lat"),
               db_val(r, 0, "depot_lon"));
    h->json = finish_json(x->a, &b);
    return DB_OK;
}

static db_status load_producers(db_conn *c, issue_ctx *x, const char *hub, const char *cycle)
{
    PGresult *r;
    db_status st = db_run_a(c, x->a, &producer_rows, &r, DB_P(hub, cycle));
    if (st != DB_OK)
        return st;
    x->nproducers = (size_t)PQntuples(r);
    x->producers = arena_alloc(x->a, (x->nproducers ? x->nproducers : 1) * sizeof *x->producers);
    for (int i = 0; i < PQntuples(r); i++) {
        party *p = &x->producers[i];
        p->id = db_int(r, i, "id");
        p->p = (inv_party){.name = db_val(r, i, "name"),
                           .legal_form = db_val(r, i, "legal_form"),
                           .address = {db_val(r, i, "address"), "", "", "FR"},
                           .siret = db_val(r, i, "siret"),
                           .vat_number = db_val(r, i, "vat_number"),
                           .email = db_val(r, i, "email"),
                           .phone = "",
                           .franchise = str_eq(db_val(r, i, "vat_regime"), "franchise")};
        p->ref = arena_printf(x->a, "p%lld", (long long)p->id);
        p->key = arena_printf(x->a, "producer:%lld", (long long)p->id);
        p->prefix = invoice_producer_prefix(x->a, db_val(r, i, "slug"), p->id);
        p->mandate_on = db_val(r, i, "mandate_on");
        buf b = BUF_INIT;
        buf_puts(&b, "{\"kind\":\"producer\"");
        inv_json_int(&b, "id", p->id);
        inv_json_str(&b, "slug", db_val(r, i, "slug"));
        seller_json(&b, &p->p);
        p->json = finish_json(x->a, &b);
    }
    return DB_OK;
}

/* The buyer of an order: a business under its legal name with SIRET and VAT
 * number; a person under its name. The address is the customer's own, and
 * only the country when it has none: the pickup point is where the goods are
 * collected, not where the buyer lives, so it is printed as the place of
 * delivery instead. */
static void buyer_from(issue_ctx *x, const PGresult *r, int i, party *o)
{
    bool business = str_eq(db_val(r, i, "kind"), "business");
    o->id = db_int(r, i, "id");
    o->p = (inv_party){.name = business ? db_val(r, i, "legal_name") : db_val(r, i, "name"),
                       .legal_form = "",
                       .address = {db_val(r, i, "address"), "", "", "FR"},
                       .siret = business ? db_val(r, i, "siret") : "",
                       .vat_number = business ? db_val(r, i, "vat_number") : "",
                       .email = db_val(r, i, "email"),
                       .phone = db_val(r, i, "phone"),
                       .business = business};
    o->ref = arena_printf(x->a, "o%lld", (long long)o->id);
    o->place = db_val(r, i, "pickup_name");
    o->place_address = db_val(r, i, "pickup_address");
    buf b = BUF_INIT;
    buf_printf(&b, "{\"kind\":\"%s\"", business ? "business" : "person");
    inv_json_int(&b, "customer_id", db_int(r, i, "customer_id"));
    inv_json_str(&b, "name", o->p.name);
    inv_json_str(&b, "trading_name", business ? db_val(r, i, "name") : "");
    inv_json_str(&b, "siret", o->p.siret);
    inv_json_str(&b, "vat_number", o->p.vat_number);
    inv_json_str(&b, "address", o->p.address.line1);
    inv_json_str(&b, "country", "FR");
    inv_json_str(&b, "email", o->p.email);
    inv_json_str(&b, "phone", o->p.phone);
    buf_puts(&b, ",\"pickup_point\":{\"id\":");
    buf_puts(&b, db_val(r, i, "pickup_id"));
    inv_json_str(&b, "slug", db_val(r, i, "pickup_slug"));
    inv_json_str(&b, "name", o->place);
    inv_json_str(&b, "address", o->place_address);
    buf_putc(&b, '}');
    o->json = finish_json(x->a, &b);
}

static db_status load_orders(db_conn *c, issue_ctx *x, const char *hub, const char *cycle)
{
    PGresult *r;
    db_status st = db_run_a(c, x->a, &order_rows, &r, DB_P(hub, cycle));
    if (st != DB_OK)
        return st;
    x->norders = (size_t)PQntuples(r);
    x->orders = arena_alloc(x->a, (x->norders ? x->norders : 1) * sizeof *x->orders);
    for (int i = 0; i < PQntuples(r); i++)
        buyer_from(x, r, i, &x->orders[i]);
    return DB_OK;
}

/* ---- building ------------------------------------------------------------------------ */

static size_t key_index(issue_ctx *x, const char *key)
{
    size_t i = 0;
    while (i < x->nkeys && !str_eq(x->keys[i], key))
        i++;
    if (i == x->nkeys) {
        x->keys[x->nkeys] = key;
        x->counts[x->nkeys++] = 0;
    }
    x->counts[i]++;
    return i;
}

/* One invoice from rows [g->from, g->to) of r: lines, parties, then everything
 * that follows from them (invoice_complete). The number comes later. */
static void build(issue_ctx *x, const PGresult *r, group *g, const inv_today *d)
{
    invoice *inv = &g->inv;
    size_t n = g->to - g->from;
    *inv = (invoice){.delivery_date = x->delivery_date,
                     .order_ref = arena_printf(x->a, "%lld", (long long)g->buyer->id),
                     .seller = g->seller->p,
                     .buyer = g->buyer->p,
                     .has_intermediary = g->seller != &x->hub_party,
                     .intermediary = x->hub_party.p,
                     .delivery_place = g->buyer->place,
                     .delivery_place_address = g->buyer->place_address};
    inv->lines = arena_alloc(x->a, n * sizeof *inv->lines);
    inv->nlines = n;
    size_t fees = 0;
    for (size_t i = 0; i < n; i++) {
        int row = (int)(g->from + i);
        fees += db_bool(r, row, "fee");
        /* a weighed line is invoiced by weight; its pieces go in the description */
        const char *name = db_val(r, row, "name");
        if (db_bool(r, row, "weighed"))
            name = arena_printf(x->a, "%s (%s)", name,
                                delivery_amount_text(x->a, db_int(r, row, "pieces"),
                                                     db_val(r, row, "piece_unit"), true));
        inv->lines[i] = (inv_line){
            .sku = db_val(r, row, "sku"),
            .description = name,
            .producer = x->hub_sells ? db_val(r, row, "producer_name") : "",
            .unit = db_val(r, row, "unit"),
            .quantity = db_int(r, row, "quantity_milli"),
            .unit_price = db_int(r, row, "unit_price_excl_vat_e4"),
            .vat_rate = (vat_bp_t)db_int(r, row, "vat_rate_bp"),
            .net = db_int(r, row, "line_excl_vat_cents"),
            .order_line = db_int(r, row, "line_id"),
        };
    }
    inv_terms t = {"0", d->issue_date, d->due_date, x->payment_days};
    invoice_complete(x->a, inv, &t);
    /* 2026 reform: the nature of the operation, and the producer's billing mandate
     * when the hub invoices in its name */
    const char *mandate = g->seller == &x->hub_party ? "" : g->seller->mandate_on;
    /* the fee per order is a service the hub renders: the nature says so */
    char nature = fees == 0 ? 'B' : fees == n ? 'S' : 'M';
    reform_sale_notes_nature(x->a, inv, nature, mandate && *mandate ? x->hub_party.p.name : NULL,
                             mandate);
}

/* The order's invoices must add up to what the buyer was shown: the same lines
 * through money_totals_compute, seller by seller. */
static int check_order_total(issue_ctx *x, const PGresult *r, size_t from, size_t to,
                             const group *g, size_t ng)
{
    money_line *ml = xcalloc(to - from, sizeof *ml);
    for (size_t i = from; i < to; i++)
        ml[i - from] = (money_line){x->hub_sells ? 0 : db_int(r, (int)i, "producer_id"),
                                    (vat_bp_t)db_int(r, (int)i, "vat_rate_bp"),
                                    db_int(r, (int)i, "line_excl_vat_cents")};
    money_totals t;
    money_totals_compute(ml, to - from, &t);
    free(ml);
    cents_t sum = 0;
    for (size_t k = 0; k < ng; k++)
        sum += g[k].inv.total_incl;
    if (sum == t.incl)
        return 0;
    log_event(LOG_ERROR, "invoice.total_mismatch",
              "order=%lld order_cents=%lld invoices_cents=%lld", (long long)g->buyer->id,
              (long long)t.incl, (long long)sum);
    return refuse(x->why, 500, "invoice_check_failed", NULL,
                  "Les factures d’une commande ne font pas son total : rien n’a été émis.",
                  "An order's invoices do not add up to its total: nothing was issued.");
}

/* Group the lines by (order, seller), build each invoice and check the sums. */
static int build_all(issue_ctx *x, const PGresult *r, const inv_today *d)
{
    size_t rows = (size_t)PQntuples(r);
    x->groups = arena_alloc(x->a, (rows ? rows : 1) * sizeof *x->groups);
    x->keys = arena_alloc(x->a, (x->nproducers + 1) * sizeof *x->keys);
    x->counts = arena_alloc(x->a, (x->nproducers + 1) * sizeof *x->counts);
    x->ngroups = x->nkeys = 0;
    for (size_t i = 0; i < rows;) {
        int64_t order = db_int(r, (int)i, "order_id");
        size_t order_start = i, order_end = i, first_group = x->ngroups;
        while (order_end < rows && db_int(r, (int)order_end, "order_id") == order)
            order_end++;
        while (i < order_end) {
            int64_t producer = db_int(r, (int)i, "producer_id");
            size_t j = i;
            while (j < order_end && (x->hub_sells || db_int(r, (int)j, "producer_id") == producer))
                j++;
            group *g = &x->groups[x->ngroups++];
            *g = (group){.from = i, .to = j};
            /* producer 0: the hub's fee per order, on an invoice of the hub's own */
            g->seller = x->hub_sells || producer == 0
                            ? &x->hub_party
                            : find_party(x->producers, x->nproducers, producer);
            g->buyer = find_party(x->orders, x->norders, order);
            if (!g->seller || !g->buyer)
                return DB_ERROR; /* the queries disagree: cannot happen in one snapshot */
            g->seller_index = key_index(x, g->seller->key);
            build(x, r, g, d);
            i = j;
        }
        int st = check_order_total(x, r, order_start, order_end, &x->groups[first_group],
                                   x->ngroups - first_group);
        if (st)
            return st;
    }
    return 0;
}

/* ---- numbering and storing ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Take the numbers, then date: after the locks, so that a seller's later
 * numbers never carry an earlier date than its earlier ones. */
static int number_all(db_conn *c, issue_ctx *x, const inv_today *before, inv_today *d)
{
    /* sorted keys: the order in which every run locks the rows */
    const char **sorted = arena_alloc(x->a, (x->nkeys ? x->nkeys : 1) * sizeof *sorted);
    memcpy(sorted, x->keys, x->nkeys * sizeof *sorted);
    qsort(sorted, x->nkeys, sizeof *sorted, cmp_str);
    int64_t *counts = arena_alloc(x->a, (x->nkeys ? x->nkeys : 1) * sizeof *counts);
    int64_t *last = arena_alloc(x->a, (x->nkeys ? x->nkeys : 1) * sizeof *last);
    for (size_t i = 0; i < x->nkeys; i++)
        for (size_t k = 0; k < x->nkeys; k++)
            if (sorted[i] == x->keys[k])
                counts[i] = x->counts[k];
    int st = x->nkeys
                 ? inv_db_reserve(c, x->a, x->hub, before->year, sorted, counts, x->nkeys, last)
                 : DB_OK;
    if (st != DB_OK || (st = inv_db_today(c, x->a, x->payment_days, d)) != DB_OK)
        return st;
    if (!str_eq(d->issue_date, before->issue_date))
        return DB_RETRY; /* midnight passed while waiting: date everything again */
    int *next = arena_alloc(x->a, (x->nkeys ? x->nkeys : 1) * sizeof *next);
    for (size_t k = 0; k < x->nkeys; k++)
        for (size_t i = 0; i < x->nkeys; i++)
            if (sorted[i] == x->keys[k])
                next[k] = (int)(last[i] - counts[i] + 1);
    for (size_t i = 0; i < x->ngroups; i++) {
        group *g = &x->groups[i];
        g->seq = next[g->seller_index]++;
        g->inv.number = invoice_number(x->a, g->seller->prefix, d->year, g->seq);
        if ((st = inv_check_or_refuse(x->a, &g->inv, x->why)) != 0)
            return st;
    }
    return 0;
}

static int store_all(db_conn *c, issue_ctx *x, const inv_today *d)
{
    buf parties = BUF_INIT, records = BUF_INIT;
    buf_printf(&parties, "{\"h\":%s", x->hub_party.json);
    for (size_t i = 0; i < x->nproducers; i++)
        buf_printf(&parties, ",\"%s\":%s", x->producers[i].ref, x->producers[i].json);
    for (size_t i = 0; i < x->norders; i++)
        buf_printf(&parties, ",\"%s\":%s", x->orders[i].ref, x->orders[i].json);
    buf_putc(&parties, '}');
    buf_putc(&records, '[');
    for (size_t i = 0; i < x->ngroups; i++) {
        const group *g = &x->groups[i];
        inv_record rec = {&g->inv,
                          g->seller->key,
                          d->year,
                          g->seq,
                          x->cycle,
                          g->buyer->id,
                          0,
                          g->seller->ref,
                          g->buyer->ref,
                          x->hub_sells ? NULL : "h"};
        if (i)
            buf_putc(&records, ',');
        inv_json_record(&records, &rec);
    }
    buf_putc(&records, ']');
    int64_t stored = 0;
    int st = inv_db_insert(c, x->a, x->hub, d->at, buf_str(&records), buf_str(&parties), &stored);
    buf_free(&parties);
    buf_free(&records);
    if (st == DB_OK && stored != (int64_t)x->ngroups)
        st = DB_ERROR;
    return st;
}

static int cmp_run(const void *a, const void *b)
{
    return strcmp(((const inv_seller_run *)a)->seller_key, ((const inv_seller_run *)b)->seller_key);
}

static void summarise(issue_ctx *x, const inv_today *d)
{
    inv_issue_result *o = x->out;
    *o = (inv_issue_result){
        .cycle = x->cycle, .issue_date = d->issue_date, .invoices = x->ngroups, .orders = 0};
    o->sellers = arena_alloc(x->a, (x->nkeys ? x->nkeys : 1) * sizeof *o->sellers);
    o->nsellers = x->nkeys;
    int64_t last_order = 0;
    for (size_t i = 0; i < x->ngroups; i++) {
        const group *g = &x->groups[i];
        inv_seller_run *s = &o->sellers[g->seller_index];
        if (!s->first) {
            s->seller_key = g->seller->key;
            s->name = g->seller->p.name;
            s->first = g->inv.number;
        }
        s->last = g->inv.number;
        s->count++;
        o->orders += g->buyer->id != last_order;
        last_order = g->buyer->id;
        o->excl += g->inv.total_excl;
        o->vat += g->inv.total_vat;
        o->incl += g->inv.total_incl;
    }
    qsort(o->sellers, o->nsellers, sizeof *o->sellers, cmp_run);
}

static int check_state(issue_ctx *x, const PGresult *r)
{
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "cycle_not_found", "cycle", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    const char *state = db_val(r, 0, "state");
    if (str_eq(state, "invoiced"))
        return refuse(x->why, 409, "already_invoiced", "cycle",
                      "Les factures de ce cycle sont déjà émises ; une correction passe par un "
                      "avoir.",
                      "This cycle's invoices are already issued; a correction is a credit note.");
    if (!str_eq(state, "batched"))
        return refuse(
            x->why, 409, "cycle_not_batched", "cycle",
            arena_printf(x->a,
                         "Le cycle est « %s » : on facture un cycle dont les tournées "
                         "sont calculées.",
                         state),
            arena_printf(x->a, "The cycle is %s: only a batched cycle is invoiced.", state));
    x->delivery_date = db_val(r, 0, "delivery_date");
    hub_settings terms;
    hub_settings_from_row(r, 0, &terms);
    x->hub_sells = terms.seller == SELLER_HUB;
    x->payment_days = terms.payment_days;
    return 0;
}

static int issue_tx(db_conn *c, void *p)
{
    issue_ctx *x = p;
    const char *hub = db_i64(x->a, x->hub), *cycle = db_i64(x->a, x->cycle);
    PGresult *r, *lines;
    int st = db_run_a(c, x->a, &lock_cycle, &r, DB_P(hub, cycle));
    if (st != DB_OK || (st = check_state(x, r)) != 0)
        return st;
    /* every weighed piece weighed, or its estimate accepted on the record */
    if ((st = delivery_before_issue(c, x->a, x->hub, x->cycle, x->opts.accept_estimates,
                                    x->opts.user, x->opts.via, &x->accepted, x->why)) != 0)
        return st;
    inv_today before, d;
    if ((st = inv_db_today(c, x->a, x->payment_days, &before)) != DB_OK ||
        (st = load_hub(c, x)) != DB_OK || (st = load_producers(c, x, hub, cycle)) != DB_OK ||
        (st = load_orders(c, x, hub, cycle)) != DB_OK ||
        (st = db_run_a(c, x->a, &line_rows, &lines, DB_P(hub, cycle, x->hub_sells ? "t" : "f"))) !=
            DB_OK)
        return st;
    if ((st = build_all(x, lines, &before)) != 0 || (st = number_all(c, x, &before, &d)) != 0 ||
        (st = store_all(c, x, &d)) != 0 || (st = db_do(c, &mark_invoiced, DB_P(cycle))) != DB_OK)
        return st;
    summarise(x, &d);
    x->out->estimates_accepted = x->accepted;
    return 0;
}

int invoice_issue_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle,
                        const inv_issue_opts *opts, inv_issue_result *out, refusal *why)
{
    issue_ctx x = {.a = a, .hub = hub, .cycle = cycle, .out = out, .why = why};
    x.opts = opts ? *opts : (inv_issue_opts){false, 0, "cli"};
    if (!x.opts.via)
        x.opts.via = "cli";
    memset(out, 0, sizeof *out);
    int64_t started = now_us();
    int st = db_transaction(c, false, issue_tx, &x);
    if (st == 0)
        log_event(LOG_INFO, "invoice.issued", "cycle=%lld invoices=%zu orders=%zu ms=%lld",
                  (long long)cycle, out->invoices, out->orders,
                  (long long)((now_us() - started) / 1000));
    return st;
}
