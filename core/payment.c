/*
 * core/payment.c — reading what is owed (an order's instructions, a customer's dues,
 * the hub's outstanding list) and choosing how an order is paid.
 *
 * Every figure comes from the order_dues view (schema/016): the ledger's 411 lines of
 * the order, and its total while it has no invoice. The EPC QR payload asks for what
 * is due now, so a customer who paid half is asked for the other half.
 */
#include "payment.h"
#include "epc_qr.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
#define DUE_COLUMNS                                                                                \
    "SELECT d.order_id, d.cycle_id, d.customer_id, cu.name AS customer_name,"                      \
    " cu.email AS customer_email, c.name AS cycle_name, c.state AS cycle_state,"                   \
    " to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date, d.payment_method, d.invoiced,"      \
    " d.amount_cents, d.paid_cents, d.due_cents"                                                   \
    " FROM order_dues d JOIN customers cu ON cu.id = d.customer_id"                                \
    " JOIN cycles c ON c.id = d.cycle_id"
DB_STMT(due_of_order, DUE_COLUMNS " WHERE d.hub_id = $1 AND d.order_id = $2"
                      " AND ($3::bigint = 0 OR d.customer_id = $3::bigint)");
DB_STMT(due_in_cycle, DUE_COLUMNS " WHERE d.hub_id = $1 AND d.cycle_id = $2 AND d.customer_id = $3");
/* Past its order window, invoiced or paid for: an order still open is not owed yet. */
DB_STMT(dues_of_customer, DUE_COLUMNS " WHERE d.hub_id = $1 AND d.customer_id = $2"
                          " AND d.due_cents <> 0 AND (c.state <> 'open' OR d.invoiced OR d.paid_cents <> 0)"
                          " ORDER BY c.delivery_date, d.order_id");
DB_STMT(outstanding, DUE_COLUMNS " WHERE d.hub_id = $1 AND ($2::bigint = 0 OR d.cycle_id = $2::bigint)"
                     " AND d.due_cents <> 0 AND (c.state <> 'open' OR d.invoiced OR d.paid_cents <> 0)"
                     " ORDER BY c.delivery_date, cu.name COLLATE \"fr-x-icu\", d.order_id");
DB_STMT(all_of_customer, DUE_COLUMNS " WHERE d.hub_id = $1 AND d.customer_id = $2"
                         " ORDER BY c.delivery_date DESC, d.order_id DESC LIMIT 100");
DB_STMT(hub_name, "SELECT name FROM hubs WHERE id = $1");
DB_STMT(mandate_live, "SELECT EXISTS (SELECT 1 FROM sepa_mandates WHERE hub_id = $1"
                      " AND customer_id = $2 AND revoked_at IS NULL) AS yes");
DB_STMT(order_method, "SELECT payment_method FROM orders WHERE id = $1 AND hub_id = $2");
DB_STMT(set_method, "UPDATE orders SET payment_method = $2 WHERE id = $1 AND payment_method <> $2");
/* What the balance must cover: this order, and the customer's other orders paid from it
 * that are not invoiced yet (an invoiced one has used the balance already). */
DB_STMT(balance_need,
        "SELECT order_total_incl_cents($3::bigint) AS this_order,"
        " coalesce((SELECT sum(order_total_incl_cents(o.id)) FROM orders o"
        "   WHERE o.hub_id = $1 AND o.customer_id = $2 AND o.payment_method = 'balance'"
        "   AND o.id <> $3::bigint AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id)),"
        "   0)::bigint AS reserved,"
        " coalesce(-(SELECT sum(l.amount_cents) FROM ledger_lines l WHERE l.hub_id = $1"
        "   AND l.customer_id = $2 AND l.account = '4191'), 0)::bigint AS balance");
DB_STMT(movements,
        "SELECT to_char(e.booked_on, 'YYYY-MM-DD') AS booked_on, e.kind, coalesce(e.method, '') AS method,"
        " e.memo, l.account, coalesce(l.order_id, 0) AS order_id, l.amount_cents"
        " FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id"
        " WHERE l.hub_id = $1 AND l.customer_id = $2 ORDER BY e.id DESC, l.line_no LIMIT $3");
DB_STMT(customer_name, "SELECT name FROM customers WHERE hub_id = $1 AND id = $2");
DB_STMT(customer_of_email, "SELECT customer_id FROM users WHERE hub_id = $1 AND email = lower($2)"
                           " AND customer_id IS NOT NULL");
/* clang-format on */

static void due_from(const PGresult *r, int i, pay_due *d)
{
    *d = (pay_due){
        .order_id = db_int(r, i, "order_id"),
        .cycle_id = db_int(r, i, "cycle_id"),
        .customer_id = db_int(r, i, "customer_id"),
        .customer_name = db_val(r, i, "customer_name"),
        .customer_email = db_val(r, i, "customer_email"),
        .cycle_name = db_val(r, i, "cycle_name"),
        .cycle_state = db_val(r, i, "cycle_state"),
        .delivery_date = db_val(r, i, "delivery_date"),
        .invoiced = db_bool(r, i, "invoiced"),
        .amount = db_int(r, i, "amount_cents"),
        .paid = db_int(r, i, "paid_cents"),
        .due = db_int(r, i, "due_cents"),
    };
    pay_method_parse(db_val(r, i, "payment_method"), &d->method);
    rf_for(RF_ORDER, d->order_id, d->reference);
}

static db_status dues_from(arena *a, const PGresult *r, pay_due **out, size_t *n)
{
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        due_from(r, (int)i, &(*out)[i]);
    return DB_OK;
}

/* What every order of one customer shares: the hub, its account, the customer's money. */
typedef struct {
    pay_settings s;
    const char *hub_name;
    bool mandate;
    ledger_customer money;
} shared;

static db_status shared_load(db_conn *c, arena *a, int64_t hub, int64_t customer, shared *x)
{
    PGresult *h, *m;
    const char *hs = db_i64(a, hub);
    db_status st = pay_settings_get(c, a, hub, &x->s);
    if (st != DB_OK || (st = db_run_a(c, a, &hub_name, &h, DB_P(hs))) != DB_OK ||
        (st = db_run_a(c, a, &mandate_live, &m, DB_P(hs, db_i64(a, customer)))) != DB_OK ||
        (st = ledger_customer_get(c, a, hub, customer, &x->money)) != DB_OK)
        return st;
    x->hub_name = PQntuples(h) ? db_val(h, 0, "name") : "";
    x->mandate = db_bool(m, 0, "yes");
    return DB_OK;
}

static void instr_from(arena *a, const shared *x, pay_instr *out)
{
    const pay_settings *s = &x->s;
    out->hub_name = x->hub_name;
    out->has_mandate = x->mandate;
    out->money = x->money;
    memcpy(out->iban, s->iban, sizeof out->iban);
    memcpy(out->bic, s->bic, sizeof out->bic);
    rf_grouped(out->due.reference, out->reference_grouped);
    const pay_due *d = &out->due;
    out->status = d->amount == 0 && d->paid == 0 ? "nothing"
                  : d->due > 0                   ? "due"
                  : d->due < 0                   ? "overpaid"
                                                 : "paid";
    out->epc_payload = NULL;
    if (d->method == PAY_TRANSFER && d->due > 0 && s->iban[0])
        out->epc_payload =
            epc_payload(a, out->hub_name, s->iban, s->bic, d->due, d->reference, NULL);
}

static db_status instructions(db_conn *c, arena *a, int64_t hub, PGresult *r, pay_instr *out,
                              bool *found)
{
    *found = PQntuples(r) == 1;
    if (!*found)
        return DB_OK;
    due_from(r, 0, &out->due);
    shared x;
    db_status st = shared_load(c, a, hub, out->due.customer_id, &x);
    if (st == DB_OK)
        instr_from(a, &x, out);
    return st;
}

db_status pay_customer_instructions(db_conn *c, arena *a, int64_t hub, int64_t customer,
                                    pay_instr **out, size_t *n)
{
    PGresult *r;
    shared x;
    *n = 0;
    db_status st = db_run_a(c, a, &all_of_customer, &r, DB_P(db_i64(a, hub), db_i64(a, customer)));
    if (st != DB_OK || (st = shared_load(c, a, hub, customer, &x)) != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        due_from(r, (int)i, &(*out)[i].due);
        instr_from(a, &x, &(*out)[i]);
    }
    return DB_OK;
}

db_status pay_order_instructions(db_conn *c, arena *a, int64_t hub, int64_t order_id,
                                 int64_t customer, pay_instr *out, bool *found)
{
    PGresult *r;
    memset(out, 0, sizeof *out);
    db_status st = db_run_a(c, a, &due_of_order, &r,
                            DB_P(db_i64(a, hub), db_i64(a, order_id), db_i64(a, customer)));
    if (st != DB_OK) {
        *found = false;
        return st;
    }
    return instructions(c, a, hub, r, out, found);
}

db_status pay_cycle_instructions(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer,
                                 pay_instr *out, bool *found)
{
    PGresult *r;
    memset(out, 0, sizeof *out);
    db_status st = db_run_a(c, a, &due_in_cycle, &r,
                            DB_P(db_i64(a, hub), db_i64(a, cycle), db_i64(a, customer)));
    if (st != DB_OK) {
        *found = false;
        return st;
    }
    return instructions(c, a, hub, r, out, found);
}

const char *pay_instr_how(const pay_instr *p, const char *lang)
{
    bool fr = lang && lang[0] == 'f';
    if (p->due.due <= 0)
        return NULL;
    if (p->due.method == PAY_ONSITE)
        return fr ? "À régler au retrait : espèces, chèque ou carte."
                  : "To pay at the pickup: cash, cheque or card.";
    if (p->due.method != PAY_SEPA_DEBIT)
        return NULL;
    if (p->has_mandate)
        return fr ? "Prélevé sur votre compte, selon votre mandat SEPA, après la livraison."
                  : "Debited from your account under your SEPA mandate, after delivery.";
    return fr ? "Votre mandat de prélèvement n’est pas enregistré : contactez le groupement."
              : "Your direct debit mandate is not on file: contact the hub.";
}

db_status pay_customer_dues(db_conn *c, arena *a, int64_t hub, int64_t customer, pay_due **out,
                            size_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run_a(c, a, &dues_of_customer, &r, DB_P(db_i64(a, hub), db_i64(a, customer)));
    return st == DB_OK ? dues_from(a, r, out, n) : st;
}

db_status pay_outstanding(db_conn *c, arena *a, int64_t hub, int64_t cycle, pay_due **out,
                          size_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run_a(c, a, &outstanding, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    return st == DB_OK ? dues_from(a, r, out, n) : st;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break; a leading = + - @
 * is prefixed with an apostrophe so that a spreadsheet never reads it as a formula. */
static void csv_field(buf *b, const char *s)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    if (strchr("=+-@", s[0]) && s[0])
        buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    if (quote)
        buf_putc(b, '"');
}

void pay_outstanding_csv(buf *b, const pay_due *rows, size_t n)
{
    buf_puts(b, "customer_id,customer,email,cycle_id,cycle,delivery_date,order_id,payment_method,"
                "reference,invoiced,amount_eur,paid_eur,due_eur\r\n");
    for (size_t i = 0; i < n; i++) {
        const pay_due *d = &rows[i];
        char amount[32], paid[32], due[32];
        buf_printf(b, "%lld,", (long long)d->customer_id);
        csv_field(b, d->customer_name);
        buf_putc(b, ',');
        csv_field(b, d->customer_email);
        buf_printf(b, ",%lld,", (long long)d->cycle_id);
        csv_field(b, d->cycle_name);
        buf_printf(b, ",%s,%lld,%s,%s,%s,%s,%s,%s\r\n", d->delivery_date, (long long)d->order_id,
                   pay_method_name(d->method), d->reference, d->invoiced ? "yes" : "no",
                   dec_format(amount, d->amount, 2, 2), dec_format(paid, d->paid, 2, 2),
                   dec_format(due, d->due, 2, 2));
    }
}

static int not_offered(refusal *why, arena *a, const pay_settings *s)
{
    const char *list = pay_methods_text(a, s);
    return refuse(
        why, 422, "payment_method_not_offered", "payment_method",
        arena_printf(a, "Ce moyen de paiement n’est pas proposé pour ce cycle (%s).", list),
        arena_printf(a, "This way to pay is not offered in this cycle (%s).", list));
}

static const char *euros(arena *a, cents_t v, bool fr)
{
    char d[32];
    dec_format(d, v, 2, 2);
    if (fr)
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    return arena_printf(a, "%s €", d);
}

int pay_order_method(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t order,
                     int64_t customer, const char *method, refusal *why)
{
    pay_settings s;
    bool found;
    PGresult *r;
    const char *h = db_i64(a, hub), *o = db_i64(a, order), *cu = db_i64(a, customer);
    db_status st = pay_cycle_settings(c, a, hub, cycle, &s, &found);
    if (st != DB_OK || (st = db_run_a(c, a, &order_method, &r, DB_P(o, h))) != DB_OK)
        return st;
    if (!found || PQntuples(r) != 1)
        return DB_ERROR; /* the order was written in this transaction */
    pay_method m;
    if (method ? !pay_method_parse(method, &m)
               : !pay_method_parse(db_val(r, 0, "payment_method"), &m))
        return not_offered(why, a, &s);
    if (!pay_offers(&s, m))
        return not_offered(why, a, &s);
    if (m == PAY_SEPA_DEBIT) {
        if ((st = db_run_a(c, a, &mandate_live, &r, DB_P(h, cu))) != DB_OK)
            return st;
        if (!db_bool(r, 0, "yes"))
            return refuse(why, 422, "no_mandate", "payment_method",
                          "Le prélèvement demande un mandat signé : demandez-le au groupement, ou "
                          "choisissez un autre moyen de paiement.",
                          "A direct debit needs a signed mandate: ask the hub for one, or choose "
                          "another way to pay.");
    }
    if (m == PAY_BALANCE) {
        /* taken before reading the balance: a top-up or another order of the customer
         * waits, so two orders cannot both spend the same euros */
        if ((st = ledger_lock(c, a, hub)) != DB_OK ||
            (st = db_run_a(c, a, &balance_need, &r, DB_P(h, cu, o))) != DB_OK)
            return st;
        cents_t need = db_int(r, 0, "this_order"), reserved = db_int(r, 0, "reserved"),
                balance = db_int(r, 0, "balance");
        cents_t available = balance + s.overdraft_cents - reserved;
        if (need > available)
            return refuse(why, 409, "balance_too_low", "payment_method",
                          arena_printf(a,
                                       "Votre solde ne couvre pas cette commande : %s disponibles "
                                       "(solde %s), %s demandés.",
                                       euros(a, available > 0 ? available : 0, true),
                                       euros(a, balance, true), euros(a, need, true)),
                          arena_printf(a,
                                       "Your balance does not cover this order: %s available "
                                       "(balance %s), %s needed.",
                                       euros(a, available > 0 ? available : 0, false),
                                       euros(a, balance, false), euros(a, need, false)));
    }
    return db_do(c, &set_method, DB_P(o, pay_method_name(m)));
}

db_status pay_customer_by_email(db_conn *c, arena *a, int64_t hub, const char *email,
                                int64_t *customer)
{
    PGresult *r;
    *customer = 0;
    db_status st = db_run_a(c, a, &customer_of_email, &r, DB_P(db_i64(a, hub), email));
    if (st == DB_OK && PQntuples(r) == 1)
        *customer = db_int(r, 0, "customer_id");
    return st;
}

db_status pay_customer_movements(db_conn *c, arena *a, int64_t hub, int64_t customer, int limit,
                                 pay_movement **out, size_t *n, const char **name)
{
    PGresult *r, *nm;
    const char *h = db_i64(a, hub), *cu = db_i64(a, customer);
    *n = 0;
    *name = NULL;
    db_status st = db_run_a(c, a, &customer_name, &nm, DB_P(h, cu));
    if (st != DB_OK || PQntuples(nm) == 0)
        return st;
    *name = db_val(nm, 0, "name");
    if ((st = db_run_a(c, a, &movements, &r, DB_P(h, cu, db_i64(a, limit)))) != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        (*out)[i] = (pay_movement){db_val(r, k, "booked_on"),   db_val(r, k, "kind"),
                                   db_val(r, k, "method"),      db_val(r, k, "memo"),
                                   db_val(r, k, "account"),     db_int(r, k, "order_id"),
                                   db_int(r, k, "amount_cents")};
    }
    return DB_OK;
}
