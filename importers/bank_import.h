/*
 * importers/bank_import.h — a parsed bank statement into the database: its new lines
 * stored once (by the bank's reference), each matched (importers/bank_match.h) and
 * posted to the ledger, all in one transaction; and the resolution by hand of what
 * could not be matched.
 */
#ifndef KM0_BANK_IMPORT_H
#define KM0_BANK_IMPORT_H

#include "../core/db.h"
#include "bank_match.h"
#include "statement.h"

typedef struct bank_line {
    const stmt_entry *entry;
    bm_kind kind;
    int64_t order, customer, batch;
    cents_t to_balance;
} bank_line;

typedef struct bank_import_result {
    int64_t import_id;
    const char *format, *account;
    size_t entries, new_entries, not_booked;
    size_t matched, unmatched; /* among the new lines: matched counts fees and settlements */
    bank_line *lines;          /* the new lines, in file order */
    size_t nlines;
} bank_import_result;

/* Import f (file_sha256: 64 hex digits of the file) for hub. Refusals: 422
 * other_account (the file is of another account than the hub's IBAN), 422
 * no_hub_iban (the hub has none yet), 422 invalid_statement (two lines with one bank
 * reference). Lines already imported are left alone: importing a file twice adds
 * nothing the second time (new_entries 0). */
int bank_import(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                const stmt_file *f, const char *file_sha256, bank_import_result *out, refusal *why);

/* Read a file as camt (XML) or a bank's CSV, after validating XML against the
 * official schema in xsd_dir when it is there (xsd_dir NULL or "": not validated). */
int bank_parse_file(arena *a, const char *data, size_t len, const char *xsd_dir, stmt_file *out,
                    refusal *why);

/* A line waiting in the suspense account. */
typedef struct bank_waiting {
    int64_t id;
    const char *booked_on, *counterparty, *counterparty_iban, *remittance, *reference;
    cents_t amount, waiting; /* the line's amount, and what of it is still on 471 */
} bank_waiting;
db_status bank_unmatched(db_conn *c, arena *a, int64_t hub, bank_waiting **out, size_t *n);

/* Say what an unmatched line is: for a credit, a customer's payment (order 0: its
 * orders oldest first, the rest to its balance; else that order first); for a debit,
 * a refund paid to the customer (from its balance), or bank charges (fee true).
 * Refusals: 404 bank_entry_not_found, 409 already_resolved, 404 customer_not_found,
 * 422 for a fee on a credit. */
int bank_resolve(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                 int64_t bank_entry, int64_t customer, int64_t order, bool fee, refusal *why);

#endif
