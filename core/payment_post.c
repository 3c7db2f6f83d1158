/*
 * core/payment_post.c — payments recorded by hand (at the pickup, a top-up) and refunds,
 * each one ledger entry in one transaction.
 *
 * A payment is first what its order is due, and what exceeds it is the customer's
 * credit on the prepaid balance (4191): never lost, never silently kept. The money's
 * account follows the method: cash to the till (530), a cheque to the cheques to
 * deposit (5112), a card payment to what the card acquirer will pay (5115).
 */
#include "payment.h"
#include "text.h"
#include "util.h"

#include <string.h>

DB_STMT(order_due, "SELECT d.customer_id, d.cycle_id, d.due_cents FROM order_dues d"
                   " WHERE d.hub_id = $1 AND d.order_id = $2");
DB_STMT(customer_exists, "SELECT 1 FROM customers WHERE hub_id = $1 AND id = $2");
/* The orders a refund to the balance takes from: overpaid ones, oldest first. */
DB_STMT(credits_of, "SELECT d.order_id, d.cycle_id, -d.due_cents AS credit FROM order_dues d"
                    " JOIN cycles c ON c.id = d.cycle_id WHERE d.hub_id = $1"
                    " AND d.customer_id = $2 AND d.due_cents < 0"
                    " AND ($3::bigint = 0 OR d.order_id = $3::bigint)"
                    " ORDER BY c.delivery_date, d.order_id");

static const char *money_account(const char *method)
{
    if (str_eq(method, "cash"))
        return "530";
    if (str_eq(method, "cheque"))
        return "5112";
    if (str_eq(method, "card"))
        return "5115";
    return NULL;
}

typedef struct {
    arena *a;
    int64_t hub, user;
    const char *via;
    const pay_in *in;
    pay_result *out;
    refusal *why;
} record_ctx;

static int record_tx(db_conn *c, void *p)
{
    record_ctx *x = p;
    const pay_in *in = x->in;
    const char *h = db_i64(x->a, x->hub);
    PGresult *r;
    int st = ledger_lock(c, x->a, x->hub);
    if (st != DB_OK)
        return st;
    int64_t customer = in->customer, cycle = 0;
    cents_t due = 0;
    if (in->order) {
        if ((st = db_run_a(c, x->a, &order_due, &r, DB_P(h, db_i64(x->a, in->order)))) != DB_OK)
            return st;
        if (PQntuples(r) == 0 || (customer && db_int(r, 0, "customer_id") != customer))
            return refuse(x->why, 404, "order_not_found", "order", "Cette commande n’existe pas.",
                          "There is no such order.");
        customer = db_int(r, 0, "customer_id");
        cycle = db_int(r, 0, "cycle_id");
        due = db_int(r, 0, "due_cents");
    } else {
        if ((st = db_run_a(c, x->a, &customer_exists, &r, DB_P(h, db_i64(x->a, customer)))) !=
            DB_OK)
            return st;
        if (PQntuples(r) == 0)
            return refuse(x->why, 404, "customer_not_found", "customer", "Ce client n’existe pas.",
                          "There is no such customer.");
    }
    pay_result *o = x->out;
    o->customer = customer;
    o->to_order = in->order ? (due > 0 ? (in->amount < due ? in->amount : due) : 0) : 0;
    o->to_balance = in->amount - o->to_order;
    ledger_line_in lines[3];
    size_t n = 0;
    lines[n++] = (ledger_line_in){money_account(in->method), in->amount, 0, 0, 0, 0};
    if (o->to_order)
        lines[n++] = (ledger_line_in){"411", -o->to_order, customer, 0, in->order, cycle};
    if (o->to_balance)
        lines[n++] = (ledger_line_in){"4191", -o->to_balance, customer, 0, in->order, cycle};
    ledger_entry_in e = {.kind = in->order ? "payment" : "topup",
                         .method = in->method,
                         .cheque_number =
                             in->cheque_number && *in->cheque_number ? in->cheque_number : NULL,
                         .client_key = in->key && *in->key ? in->key : NULL,
                         .memo = in->memo,
                         .lines = lines,
                         .nlines = n};
    int64_t posted;
    if ((st = ledger_post(c, x->a, x->hub, x->user, x->via, &e, 1, &posted)) != DB_OK)
        return st;
    o->recorded = posted == 1;
    return 0;
}

int pay_record(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via, const pay_in *in,
               pay_result *out, refusal *why)
{
    memset(out, 0, sizeof *out);
    if (!money_account(in->method))
        return refuse(why, 422, "invalid_field", "method",
                      "Le moyen de paiement est « cash », « cheque » ou « card ».",
                      "The method is \"cash\", \"cheque\" or \"card\".");
    if (in->amount <= 0 || in->amount > PAY_AMOUNT_MAX)
        return refuse(why, 422, "invalid_amount", "amount",
                      "Le montant est positif, 100 000 € au plus, deux décimales au plus.",
                      "The amount is positive, at most 100 000 €, with at most two decimals.");
    if (!in->order && !in->customer)
        return refuse(why, 422, "missing_field", "order", "Dites quelle commande est payée.",
                      "Say which order is paid.");
    int st;
    if (in->cheque_number && *in->cheque_number &&
        (st = text_or_refuse(why, a, "cheque_number", in->cheque_number, 1, 30, 0,
                             "Le numéro de chèque compte 30 caractères au plus.",
                             "The cheque number has at most 30 characters.")) != 0)
        return st;
    if (in->key && *in->key &&
        (st = text_or_refuse(why, a, "key", in->key, 8, 64, 0, NULL, NULL)) != 0)
        return st;
    if (in->memo && (st = text_or_refuse(why, a, "memo", in->memo, 0, 300, 0, NULL, NULL)) != 0)
        return st;
    record_ctx x = {a, hub, user, via, in, out, why};
    return db_transaction(c, false, record_tx, &x);
}

typedef struct {
    arena *a;
    int64_t hub, user, customer, order;
    cents_t amount;
    const char *via, *to;
    cents_t *refunded;
    refusal *why;
} refund_ctx;

static int nothing_to_refund(refusal *why)
{
    return refuse(why, 409, "nothing_to_refund", "amount",
                  "Il n’y a rien (ou pas autant) à rembourser.",
                  "There is nothing (or not that much) to refund.");
}

/* Overpaid orders to the balance: 411 debited on each order, 4191 credited. */
static int refund_to_balance(db_conn *c, refund_ctx *x, const PGresult *r)
{
    int rows = PQntuples(r);
    ledger_line_in *lines = arena_alloc(x->a, (size_t)(2 * rows + 1) * sizeof *lines);
    size_t n = 0;
    cents_t left = x->amount, total = 0;
    for (int i = 0; i < rows && (x->amount == 0 || left > 0); i++) {
        cents_t credit = db_int(r, i, "credit");
        cents_t take = x->amount == 0 || credit <= left ? credit : left;
        lines[n++] = (ledger_line_in){
            "411", take, x->customer, 0, db_int(r, i, "order_id"), db_int(r, i, "cycle_id")};
        left -= take;
        total += take;
    }
    if (total == 0 || (x->amount && left > 0))
        return nothing_to_refund(x->why);
    lines[n++] = (ledger_line_in){"4191", -total, x->customer, 0, 0, 0};
    ledger_entry_in e = {.kind = "refund", .method = "balance", .lines = lines, .nlines = n};
    int64_t posted;
    int st = ledger_post(c, x->a, x->hub, x->user, x->via, &e, 1, &posted);
    *x->refunded = total;
    return st;
}

/* Paid out in cash: an order's credit (order given), or the prepaid balance. */
static int refund_cash(db_conn *c, refund_ctx *x, const PGresult *r)
{
    cents_t available = 0;
    int64_t cycle = 0;
    if (x->order) {
        if (PQntuples(r) == 1) {
            available = db_int(r, 0, "credit");
            cycle = db_int(r, 0, "cycle_id");
        }
    } else {
        ledger_customer m;
        int st = ledger_customer_get(c, x->a, x->hub, x->customer, &m);
        if (st != DB_OK)
            return st;
        available = m.balance;
    }
    cents_t take = x->amount ? x->amount : available;
    if (take <= 0 || take > available)
        return nothing_to_refund(x->why);
    ledger_line_in lines[2] = {
        {x->order ? "411" : "4191", take, x->customer, 0, x->order, cycle},
        {"530", -take, 0, 0, 0, 0},
    };
    ledger_entry_in e = {.kind = "refund", .method = "cash", .lines = lines, .nlines = 2};
    int64_t posted;
    *x->refunded = take;
    return ledger_post(c, x->a, x->hub, x->user, x->via, &e, 1, &posted);
}

static int refund_tx(db_conn *c, void *p)
{
    refund_ctx *x = p;
    PGresult *r;
    const char *h = db_i64(x->a, x->hub);
    int st = ledger_lock(c, x->a, x->hub);
    if (st != DB_OK ||
        (st = db_run_a(c, x->a, &customer_exists, &r, DB_P(h, db_i64(x->a, x->customer)))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "customer_not_found", "customer", "Ce client n’existe pas.",
                      "There is no such customer.");
    if ((st = db_run_a(c, x->a, &credits_of, &r,
                       DB_P(h, db_i64(x->a, x->customer), db_i64(x->a, x->order)))) != DB_OK)
        return st;
    return str_eq(x->to, "balance") ? refund_to_balance(c, x, r) : refund_cash(c, x, r);
}

int pay_refund(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via, int64_t customer,
               int64_t order, cents_t amount, const char *to, cents_t *refunded, refusal *why)
{
    *refunded = 0;
    if (!str_eq(to, "balance") && !str_eq(to, "cash"))
        return refuse(why, 422, "invalid_field", "to",
                      "Un remboursement va au solde (« balance ») ou en espèces (« cash »).",
                      "A refund goes to the balance (\"balance\") or in cash (\"cash\").");
    if (amount < 0 || amount > PAY_AMOUNT_MAX)
        return refuse(why, 422, "invalid_amount", "amount", "Le montant est positif.",
                      "The amount is positive.");
    refund_ctx x = {a, hub, user, customer, order, amount, via, to, refunded, why};
    return db_transaction(c, false, refund_tx, &x);
}
