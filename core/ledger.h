/*
 * core/ledger.h — the hub's double-entry ledger: posting entries, and the sums read
 * from it (balances, what is owed), and the check that recomputes them.
 *
 * Every money movement is an entry whose lines (a debit > 0, a credit < 0, on an account
 * of the French chart, PCG) sum to zero; the schema refuses at commit an entry that does
 * not (schema/016), and refuses any change or removal. Accounts used:
 *   411   a customer's receivable, per order (invoices debit it, payments credit it)
 *   4191  a customer's prepaid balance (top-ups, overpayments, refunds credit it)
 *   467   a producer the hub sells for (the invoice's amount is the producer's)
 *   707 / 4457   the hub's own sales and VAT collected (hub seller mode)
 *   512 bank, 530 cash, 5112 cheques to deposit, 5115 card payments to receive,
 *   5113 direct debits in collection, 471 suspense (bank lines not matched yet),
 *   627 bank charges; 401, 4456, 607, 706 for the producers' settlements to come.
 * Invoices and credit notes are posted by the database itself (a trigger on invoices):
 * whoever issues them, the ledger has them in the same transaction.
 */
#ifndef KM0_LEDGER_H
#define KM0_LEDGER_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct ledger_line_in {
    const char *account;                      /* "411", "512", ... */
    cents_t amount;                           /* debit > 0, credit < 0, never 0 */
    int64_t customer, producer, order, cycle; /* 0 = none */
} ledger_line_in;

typedef struct ledger_entry_in {
    const char *kind;      /* "payment", "refund", "topup", "bank_receipt", ... */
    const char *booked_on; /* YYYY-MM-DD; NULL = today, Paris time */
    const char *method; /* "cash", "cheque", "card", "transfer", "sepa_debit", "balance" or NULL */
    const char *cheque_number;      /* NULL = none */
    const char *matched_by;         /* "reference", "amount_name", "direct_debit", "hand" or NULL */
    const char *client_key;         /* a form's or a script's key: twice is once (NULL = none) */
    int64_t bank_entry, sepa_batch; /* 0 = none */
    const char *memo;
    ledger_line_in *lines;
    size_t nlines;
} ledger_entry_in;

/* Post n entries in one statement inside the caller's transaction, recorded as by user
 * (0: the command line) through via ("desk", "api", "cli", "import"). *posted gets the
 * number of entries written: fewer than n when a client_key was already used (that
 * entry is skipped, its payment already recorded). */
db_status ledger_post(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                      const ledger_entry_in *e, size_t n, int64_t *posted);

/* Serialise this hub's payment postings (and the balance checks of orders paid from
 * it) until the transaction ends: what is due, read then posted, cannot change between. */
db_status ledger_lock(db_conn *c, arena *a, int64_t hub);

/* A customer's money as the ledger says it. */
typedef struct ledger_customer {
    cents_t balance; /* prepaid balance: what the hub holds for the customer (4191, > 0) */
    cents_t owed;    /* sum of what is due on orders with something due (> 0) */
    cents_t credit;  /* sum of what orders were overpaid (> 0), before it goes to the balance */
} ledger_customer;
db_status ledger_customer_get(db_conn *c, arena *a, int64_t hub, int64_t customer,
                              ledger_customer *out);

/* An account's balance over the whole hub (debit > 0). */
db_status ledger_account_balance(db_conn *c, arena *a, int64_t hub, const char *account,
                                 cents_t *out);

/* The check: everything the ledger must agree with, recomputed from the documents and
 * the bank lines. Each problem is one line of text appended to problems; returns how
 * many (0: the ledger agrees). */
typedef struct ledger_check_result {
    int64_t entries, lines;
    cents_t receivable, balances, bank, suspense, in_collection; /* 411, -4191, 512, 471, 5113 */
    int problems;
} ledger_check_result;
db_status ledger_check(db_conn *c, arena *a, int64_t hub, ledger_check_result *out,
                       char **problems);

#endif
