/*
 * core/payment.h — what customers owe and pay: an order's payment instructions, what
 * a customer owes, the hub's outstanding list, payments recorded at the pickup,
 * top-ups and refunds of prepaid balances, and the choice of a payment method when
 * ordering.
 *
 * Every function here reads or writes the ledger (core/ledger.h); none keeps a figure
 * of its own. What an order is owed (the order_dues view of schema/016): its invoices
 * (or, until it is invoiced, its total as they will carry it) less what was paid for
 * it; negative when the customer paid more, which stays on the order until it goes to
 * the customer's balance (pay_refund) — never lost.
 *
 * The e-mails (order confirmation with the payment instructions, reminders) read
 * pay_order_instructions and pay_customer_dues.
 */
#ifndef KM0_PAYMENT_H
#define KM0_PAYMENT_H

#include "bank_id.h"
#include "buf.h"
#include "db.h"
#include "ledger.h"
#include "pay_settings.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

/* One order's money. */
typedef struct pay_due {
    int64_t order_id, cycle_id, customer_id;
    const char *customer_name, *customer_email;
    const char *cycle_name, *cycle_state, *delivery_date; /* YYYY-MM-DD */
    pay_method method;
    char reference[RF_MAX + 1]; /* the order's RF reference */
    bool invoiced;
    cents_t amount; /* invoiced less credited, or the order's total until invoiced */
    cents_t paid;   /* received for it (less what was refunded) */
    cents_t due;    /* amount - paid: > 0 still due, < 0 overpaid */
} pay_due;

/* How to pay an order, as its page, its confirmation e-mail and its invoices say it. */
typedef struct pay_instr {
    pay_due due;
    const char *hub_name;
    char iban[IBAN_MAX + 1], bic[12]; /* the hub's; "" when not given */
    char reference_grouped[32];       /* "RF18 1000 41" */
    const char *status;               /* "paid", "due", "overpaid", "nothing" (no amount) */
    const char *epc_payload; /* the EPC QR text for a transfer of what is due, or NULL when no
                                transfer is asked (paid, another method, no IBAN) */
    ledger_customer money;   /* the customer's balance and what they owe overall */
    bool has_mandate;        /* the customer has a direct debit mandate in force */
} pay_instr;

/* The instructions for order_id; customer 0 lets any of the hub's orders be read (the
 * desk), else the order must be that customer's (*found false otherwise). */
db_status pay_order_instructions(db_conn *c, arena *a, int64_t hub, int64_t order_id,
                                 int64_t customer, pay_instr *out, bool *found);
/* The same for the customer's order in a cycle. */
db_status pay_cycle_instructions(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer,
                                 pay_instr *out, bool *found);

/* The sentence that says how an order paid at the pickup or by direct debit will be paid
 * (the order page and the confirmation e-mail say the same); NULL for the other methods
 * or when nothing is due. */
const char *pay_instr_how(const pay_instr *p, const char *lang);

/* The instructions of every order of a customer (at most 100, newest delivery first):
 * "My orders". */
db_status pay_customer_instructions(db_conn *c, arena *a, int64_t hub, int64_t customer,
                                    pay_instr **out, size_t *n);

/* A customer's orders with something due or overpaid, oldest delivery first. */
db_status pay_customer_dues(db_conn *c, arena *a, int64_t hub, int64_t customer, pay_due **out,
                            size_t *n);
/* Who owes what: every order with something due or overpaid (of a cycle past its order
 * window, or paid for already), oldest delivery first, then by customer name; cycle 0
 * for every cycle. */
db_status pay_outstanding(db_conn *c, arena *a, int64_t hub, int64_t cycle, pay_due **out,
                          size_t *n);
/* The outstanding list as CSV (RFC 4180, header line, amounts in euros with a point). */
void pay_outstanding_csv(buf *b, const pay_due *rows, size_t n);

/* The payment method of an order being written (inside order_put's transaction, after
 * its lines): method NULL keeps the order's (a new order has its cycle's first). The
 * method must be one of the cycle's; a direct debit needs a mandate in force; an order
 * paid from the balance must be covered by it, with the other orders it pays not yet
 * invoiced, within the cycle's overdraft. Refusals: 422 payment_method_not_offered,
 * 422 no_mandate, 409 balance_too_low, all on the field payment_method. */
int pay_order_method(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t order,
                     int64_t customer, const char *method, refusal *why);

/* A payment received by hand: at the pickup (cash, cheque with its number, card) for an
 * order, or a top-up of a customer's balance (order 0). What exceeds the order's due
 * goes to the customer's balance. key (may be NULL): the same key twice records one
 * payment (the cash-up page's line sent again after a lost connection). */
typedef struct pay_in {
    int64_t order;             /* 0: a top-up of customer's balance */
    int64_t customer;          /* required for a top-up; for an order, checked when not 0 */
    cents_t amount;            /* > 0 */
    const char *method;        /* "cash", "cheque" or "card" */
    const char *cheque_number; /* for a cheque, optional */
    const char *key;
    const char *memo;
} pay_in;
typedef struct pay_result {
    bool recorded; /* false: this key was already recorded, nothing new */
    cents_t to_order, to_balance;
    int64_t customer;
} pay_result;
#define PAY_AMOUNT_MAX 10000000 /* 100 000 € in one payment */
int pay_record(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via, const pay_in *in,
               pay_result *out, refusal *why);

/* A refund: what the customer's orders were overpaid (order 0: all of them; amount 0:
 * all of it) goes to the balance (to "balance"), or the balance (or an order's credit)
 * is paid out in cash (to "cash"). Refusals: 409 nothing_to_refund, 422 amount. */
int pay_refund(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via, int64_t customer,
               int64_t order, cents_t amount, const char *to, cents_t *refunded, refusal *why);

/* One line of a customer's account: a movement of what they owe (411) or of their
 * prepaid balance (4191). */
typedef struct pay_movement {
    const char *booked_on, *kind, *method, *memo;
    const char *account; /* "411" or "4191" */
    int64_t order_id;
    cents_t amount; /* > 0 the customer owes more / the balance went down */
} pay_movement;
/* The customer's latest movements, newest first (at most limit), and its name. */
db_status pay_customer_movements(db_conn *c, arena *a, int64_t hub, int64_t customer, int limit,
                                 pay_movement **out, size_t *n, const char **name);

/* The customer of an email in this hub (0 when none). */
db_status pay_customer_by_email(db_conn *c, arena *a, int64_t hub, const char *email,
                                int64_t *customer);

#endif
