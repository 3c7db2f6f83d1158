/*
 * core/invoice_store.c — issued invoices read back from their rows.
 *
 * Only invoices, invoice_lines, invoice_vat (and the cycle's name) are read:
 * the parties come from the JSON snapshots taken when the invoice was issued
 * (core/invoice_issue.c writes them), never from today's producers, customers
 * or products, so a document printed years later says what the original said.
 */
#include "invoice_build.h"
#include "invoicing.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
#define HEAD_SELECT                                                                                \
    "SELECT i.id, i.number, i.type_code, i.seller_key, coalesce(i.cycle_id, 0) AS cycle_id,"       \
    " coalesce(i.order_id, 0) AS order_id, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date,"     \
    " to_char(i.delivery_date, 'YYYY-MM-DD') AS delivery_date,"                                    \
    " to_char(i.due_date, 'YYYY-MM-DD') AS due_date, i.currency, i.seller::text AS seller,"        \
    " i.buyer::text AS buyer, i.intermediary::text AS intermediary, i.payment_terms,"              \
    " i.notes::text AS notes, i.total_excl_vat_cents, i.total_vat_cents, i.total_incl_vat_cents,"  \
    " coalesce(k.number, '') AS corrects_number,"                                                  \
    " coalesce(to_char(k.issue_date, 'YYYY-MM-DD'), '') AS corrects_date,"                         \
    " to_char(i.issued_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS issued_at,"                      \
    " coalesce(cy.name, '') AS cycle_name, coalesce(cy.state, '') AS cycle_state,"                 \
    " extract(isodow FROM i.delivery_date)::int AS delivery_dow,"                                  \
    " coalesce(i.payment_iban, '') AS payment_iban, coalesce(i.payment_bic, '') AS payment_bic"   \
    " FROM invoices i LEFT JOIN invoices k ON k.id = i.corrects_invoice_id"                        \
    " LEFT JOIN cycles cy ON cy.id = i.cycle_id"

DB_STMT(head_by_number, HEAD_SELECT " WHERE i.hub_id = $1 AND i.number = $2");
DB_STMT(heads_of_cycle,
        HEAD_SELECT " WHERE i.hub_id = $1 AND i.cycle_id = $2"
        " AND ($3::bigint = 0 OR i.seller_key = 'producer:' || $3::bigint)"
        " AND ($4::bigint = 0 OR i.buyer #>> '{pickup_point,id}' = $4::bigint::text)"
        " ORDER BY i.seller ->> 'name' COLLATE \"fr-x-icu\", i.seller_key, i.year, i.seq");
DB_STMT(heads_of_ids, HEAD_SELECT " WHERE i.hub_id = $1 AND i.id = ANY($2::bigint[]) ORDER BY i.id");
DB_STMT(lines_of,
        "SELECT invoice_id, line_no, sku, description, producer_name, unit, unece, quantity_milli,"
        " unit_price_excl_vat_e4, vat_category, vat_rate_bp, line_excl_vat_cents,"
        " coalesce(order_line_id, 0) AS order_line_id, coalesce(credits_line_no, 0) AS credits"
        " FROM invoice_lines WHERE invoice_id = ANY($1::bigint[]) ORDER BY invoice_id, line_no");
DB_STMT(vat_of,
        "SELECT invoice_id, vat_category, vat_rate_bp, base_cents, vat_cents"
        " FROM invoice_vat WHERE invoice_id = ANY($1::bigint[])"
        " ORDER BY invoice_id, vat_rate_bp, vat_category");

#define LIST_SELECT                                                                                \
    "SELECT i.number, i.type_code, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date,"             \
    " coalesce(i.order_id, 0) AS order_id, i.seller_key, i.seller ->> 'name' AS seller_name,"      \
    " i.buyer ->> 'name' AS buyer_name, i.total_excl_vat_cents, i.total_vat_cents,"                \
    " i.total_incl_vat_cents, coalesce(k.number, '') AS corrects"                                  \
    " FROM invoices i LEFT JOIN invoices k ON k.id = i.corrects_invoice_id"

DB_STMT(list_cycle, LIST_SELECT " WHERE i.hub_id = $1 AND i.cycle_id = $2"
        " ORDER BY i.seller ->> 'name' COLLATE \"fr-x-icu\", i.seller_key, i.year, i.seq");
DB_STMT(list_order, LIST_SELECT " WHERE i.hub_id = $1 AND i.order_id = $2"
        " AND i.buyer ->> 'customer_id' = $3::bigint::text ORDER BY i.id");
/* clang-format on */

/* ---- snapshots ------------------------------------------------------------------- */

static const char *jstr(arena *a, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? arena_strdup(a, v->valuestring) : "";
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void party_from(arena *a, const cJSON *o, inv_party *p)
{
    *p = (inv_party){.name = jstr(a, o, "name"),
                     .legal_form = jstr(a, o, "legal_form"),
                     .address = {jstr(a, o, "address"), "", "", jstr(a, o, "country")},
                     .siret = jstr(a, o, "siret"),
                     .vat_number = jstr(a, o, "vat_number"),
                     .email = jstr(a, o, "email"),
                     .phone = jstr(a, o, "phone"),
                     .franchise = str_eq(jstr(a, o, "vat_regime"), "franchise"),
                     .business = str_eq(jstr(a, o, "kind"), "business")};
}

/* The stored JSON is km0's own: a snapshot that does not parse is a bug, and
 * an empty party makes rpt_cii_check refuse the export rather than guess. */
static cJSON *parse(arena *a, const char *json)
{
    cJSON *o = json && *json ? cJSON_Parse(json) : NULL;
    if (o)
        arena_defer(a, (void (*)(void *))cJSON_Delete, o);
    return o;
}

static void parties(arena *a, const PGresult *r, int row, inv_stored *s)
{
    invoice *inv = &s->inv;
    s->seller_json = arena_strdup(a, db_val(r, row, "seller"));
    s->buyer_json = arena_strdup(a, db_val(r, row, "buyer"));
    s->intermediary_json =
        db_null(r, row, "intermediary") ? NULL : arena_strdup(a, db_val(r, row, "intermediary"));
    const cJSON *seller = parse(a, s->seller_json), *buyer = parse(a, s->buyer_json);
    const cJSON *hub = s->intermediary_json ? parse(a, s->intermediary_json) : seller;
    party_from(a, seller, &inv->seller);
    party_from(a, buyer, &inv->buyer);
    inv->has_intermediary = s->intermediary_json != NULL;
    if (inv->has_intermediary)
        party_from(a, hub, &inv->intermediary);
    s->hub = inv->has_intermediary ? &inv->intermediary : &inv->seller;
    s->hub_slug = jstr(a, hub, "slug");
    s->hub_lat = jnum(hub, "depot_lat");
    s->hub_lon = jnum(hub, "depot_lon");
    s->seller_producer_id =
        str_eq(jstr(a, seller, "kind"), "producer") ? (int64_t)jnum(seller, "id") : 0;
    s->customer_id = (int64_t)jnum(buyer, "customer_id");
    s->buyer_producer_id = (int64_t)jnum(buyer, "producer_id");
    s->buyer_kind = jstr(a, buyer, "kind");
    s->buyer_trading = jstr(a, buyer, "trading_name");
    const cJSON *pp = cJSON_GetObjectItemCaseSensitive(buyer, "pickup_point");
    inv->delivery_place = jstr(a, pp, "name");
    inv->delivery_place_address = jstr(a, pp, "address");
}

static void notes(arena *a, const char *json, invoice *inv)
{
    const cJSON *arr = parse(a, json);
    int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    const char **out = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *out);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetArrayItem(arr, i);
        if (cJSON_IsString(v))
            out[k++] = arena_strdup(a, v->valuestring);
    }
    inv->notes = out;
    inv->nnotes = k;
}

static void head_from(arena *a, const PGresult *r, int row, inv_stored *s)
{
    memset(s, 0, sizeof *s);
    invoice *inv = &s->inv;
    s->id = db_int(r, row, "id");
    s->cycle_id = db_int(r, row, "cycle_id");
    s->order_id = db_int(r, row, "order_id");
    s->seller_key = db_val(r, row, "seller_key");
    s->issued_at = db_val(r, row, "issued_at");
    s->payment_iban = db_val(r, row, "payment_iban");
    s->payment_bic = db_val(r, row, "payment_bic");
    s->cycle_name = db_val(r, row, "cycle_name");
    s->cycle_state = db_val(r, row, "cycle_state");
    s->delivery_dow = (int)db_int(r, row, "delivery_dow");
    inv->number = db_val(r, row, "number");
    inv->type_code = (int)db_int(r, row, "type_code");
    inv->issue_date = db_val(r, row, "issue_date");
    inv->delivery_date = db_val(r, row, "delivery_date");
    inv->due_date = db_val(r, row, "due_date");
    inv->currency = db_val(r, row, "currency");
    inv->order_ref = s->order_id ? db_val(r, row, "order_id") : "";
    inv->corrects_number = db_val(r, row, "corrects_number");
    inv->corrects_date = db_val(r, row, "corrects_date");
    inv->payment_terms = db_val(r, row, "payment_terms");
    inv->total_excl = db_int(r, row, "total_excl_vat_cents");
    inv->total_vat = db_int(r, row, "total_vat_cents");
    inv->total_incl = db_int(r, row, "total_incl_vat_cents");
    parties(a, r, row, s);
    notes(a, db_val(r, row, "notes"), inv);
}

/* ---- lines and VAT, attached to their invoices (both results by invoice id) --------- */

typedef struct id_at {
    int64_t id;
    size_t at; /* index in the caller's array, which keeps the print order */
} id_at;

static int cmp_id_at(const void *x, const void *y)
{
    int64_t a = ((const id_at *)x)->id, b = ((const id_at *)y)->id;
    return (a > b) - (a < b);
}

static inv_stored *owner_of(inv_stored *s, const id_at *index, size_t n, int64_t id)
{
    id_at key = {id, 0};
    const id_at *found = bsearch(&key, index, n, sizeof *index, cmp_id_at);
    return found ? &s[found->at] : NULL;
}

/* End of the run of rows of r from `from` with the same invoice_id. */
static int run_end(const PGresult *r, int from)
{
    int rows = PQntuples(r), j = from;
    int64_t id = db_int(r, from, "invoice_id");
    while (j < rows && db_int(r, j, "invoice_id") == id)
        j++;
    return j;
}

static void attach_lines(arena *a, const PGresult *l, inv_stored *s, const id_at *index, size_t n)
{
    for (int i = 0, rows = PQntuples(l); i < rows;) {
        int j = run_end(l, i);
        inv_stored *owner = owner_of(s, index, n, db_int(l, i, "invoice_id"));
        inv_line *lines = arena_alloc(a, (size_t)(j - i) * sizeof *lines);
        for (int k = i; k < j; k++)
            lines[k - i] = (inv_line){.line_no = (int)db_int(l, k, "line_no"),
                                      .sku = db_val(l, k, "sku"),
                                      .description = db_val(l, k, "description"),
                                      .producer = db_val(l, k, "producer_name"),
                                      .unit = db_val(l, k, "unit"),
                                      .unece = db_val(l, k, "unece"),
                                      .quantity = db_int(l, k, "quantity_milli"),
                                      .unit_price = db_int(l, k, "unit_price_excl_vat_e4"),
                                      .vat_category = db_val(l, k, "vat_category")[0],
                                      .vat_rate = (vat_bp_t)db_int(l, k, "vat_rate_bp"),
                                      .net = db_int(l, k, "line_excl_vat_cents"),
                                      .order_line = db_int(l, k, "order_line_id"),
                                      .credits_line_no = (int)db_int(l, k, "credits")};
        if (owner) {
            owner->inv.lines = lines;
            owner->inv.nlines = (size_t)(j - i);
        }
        i = j;
    }
}

static void attach_vat(arena *a, const PGresult *v, inv_stored *s, const id_at *index, size_t n)
{
    for (int i = 0, rows = PQntuples(v); i < rows;) {
        int j = run_end(v, i);
        inv_stored *owner = owner_of(s, index, n, db_int(v, i, "invoice_id"));
        inv_vat *vat = arena_alloc(a, (size_t)(j - i) * sizeof *vat);
        for (int k = i; k < j; k++) {
            /* the exemption of category E is the franchise's, the only one km0 issues */
            bool e = db_val(v, k, "vat_category")[0] == 'E';
            vat[k - i] = (inv_vat){.category = db_val(v, k, "vat_category")[0],
                                   .rate = (vat_bp_t)db_int(v, k, "vat_rate_bp"),
                                   .base = db_int(v, k, "base_cents"),
                                   .vat = db_int(v, k, "vat_cents"),
                                   .exemption_code = e ? INV_FRANCHISE_CODE : "",
                                   .exemption_text = e ? INV_FRANCHISE_TEXT : ""};
        }
        if (owner) {
            owner->inv.vat = vat;
            owner->inv.nvat = (size_t)(j - i);
        }
        i = j;
    }
}

/* Read the heads in r, then all their lines and VAT in two more queries. */
static db_status load_rows(db_conn *c, arena *a, const PGresult *r, inv_stored **out, size_t *n)
{
    size_t rows = (size_t)PQntuples(r);
    inv_stored *s = arena_alloc(a, (rows ? rows : 1) * sizeof *s);
    int64_t *ids = arena_alloc(a, (rows ? rows : 1) * sizeof *ids);
    id_at *index = arena_alloc(a, (rows ? rows : 1) * sizeof *index);
    for (size_t i = 0; i < rows; i++) {
        head_from(a, r, (int)i, &s[i]);
        ids[i] = s[i].id;
        index[i] = (id_at){s[i].id, i};
    }
    *out = s;
    *n = rows;
    if (rows == 0)
        return DB_OK;
    qsort(index, rows, sizeof *index, cmp_id_at);
    const char *arr = db_int_array(a, ids, rows);
    PGresult *l, *v;
    db_status st = db_run_a(c, a, &lines_of, &l, DB_P(arr));
    if (st == DB_OK)
        st = db_run_a(c, a, &vat_of, &v, DB_P(arr));
    if (st != DB_OK)
        return st;
    attach_lines(a, l, s, index, rows);
    attach_vat(a, v, s, index, rows);
    return DB_OK;
}

db_status invoice_find(db_conn *c, arena *a, int64_t hub, const char *number, inv_stored *out,
                       bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(c, a, &head_by_number, &r, DB_P(db_i64(a, hub), number));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    inv_stored *s;
    size_t n;
    if ((st = load_rows(c, a, r, &s, &n)) != DB_OK)
        return st;
    *out = s[0];
    out->hub = out->inv.has_intermediary ? &out->inv.intermediary : &out->inv.seller;
    *found = true;
    return DB_OK;
}

db_status invoice_load_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t producer,
                             int64_t pickup, inv_stored **out, size_t *n)
{
    PGresult *r;
    db_status st =
        db_run_a(c, a, &heads_of_cycle, &r,
                 DB_P(db_i64(a, hub), db_i64(a, cycle), db_i64(a, producer), db_i64(a, pickup)));
    return st == DB_OK ? load_rows(c, a, r, out, n) : st;
}

db_status invoice_load_ids(db_conn *c, arena *a, int64_t hub, const int64_t *ids, size_t nids,
                           inv_stored **out, size_t *n)
{
    PGresult *r;
    db_status st =
        db_run_a(c, a, &heads_of_ids, &r, DB_P(db_i64(a, hub), db_int_array(a, ids, nids)));
    return st == DB_OK ? load_rows(c, a, r, out, n) : st;
}

db_status invoice_list_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r)
{
    return db_run_a(c, a, &list_cycle, r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
}

db_status invoice_list_order(db_conn *c, arena *a, int64_t hub, int64_t order, int64_t customer,
                             PGresult **r)
{
    return db_run_a(c, a, &list_order, r,
                    DB_P(db_i64(a, hub), db_i64(a, order), db_i64(a, customer)));
}
