/*
 * importers/statement.h — a bank statement as km0 reads it, whatever the file: ISO 20022
 * camt.053 (a statement) or camt.054 (notifications), versions .001.02 and .001.08, or
 * the CSV export of a French bank.
 *
 * The parsers are pure (bytes in, a stmt_file or a refusal out: no database, no file
 * system), fuzzed (tests/fuzz/fuzz_statement.c), and refuse a file whole: one entry
 * they cannot read exactly (an amount with more than two decimals, a currency other
 * than the euro, a date that does not exist) and nothing of it is imported; the
 * refusal names the entry (its number and the line of the file). Entries not booked
 * yet (status PDNG or INFO) are left out, and counted.
 *
 * importers/bank_import.c writes a parsed statement and matches its lines
 * (core/payment.h for what is owed).
 */
#ifndef KM0_STATEMENT_H
#define KM0_STATEMENT_H

#include "../core/arena.h"
#include "../core/bank_id.h"
#include "../core/buf.h"
#include "../core/money.h"
#include "../core/refusal.h"

#include <stdbool.h>
#include <stddef.h>

#define STMT_MAX_BYTES   (64u << 20) /* a year of a busy account in camt is a few MB */
#define STMT_MAX_ENTRIES 200000
#define STMT_MAX_REFS    64 /* end-to-end ids kept per entry (a direct debit batch's) */

typedef struct stmt_entry {
    int number;                    /* 1-based, in file order, for messages */
    int line;                      /* line of the file where it starts */
    const char *bank_ref;          /* AcctSvcrRef, else NtryRef; "" when the bank gives none */
    const char *booked_on;         /* YYYY-MM-DD */
    const char *value_on;          /* YYYY-MM-DD or "" */
    cents_t amount;                /* credit > 0, debit < 0 */
    const char *counterparty;      /* the debtor of a credit, the creditor of a debit */
    const char *counterparty_iban; /* "" when not given */
    const char *remittance;        /* unstructured remittance, structured reference, info */
    const char *reference;         /* km0's RF reference found in it, checked; "" none */
    const char *end_to_end_id;     /* the first transaction's, "" when none or NOTPROVIDED */
    const char **end_to_end_ids;   /* every transaction's (a batch booked as one entry) */
    size_t nend_to_end;
    const char *payment_info_id; /* PmtInfId of the first transaction, "" none */
    const char *bank_code;       /* "PMNT/RCDT/ESCT", or the bank's own code, "" none */
    bool reversal;               /* RvslInd true: it reverses an earlier entry */
} stmt_entry;

typedef struct stmt_file {
    const char *format;       /* "camt.053.001.02", ..., "csv" */
    const char *account_iban; /* the account the file is of, compact; "" for a CSV saying none */
    stmt_entry *entries;      /* booked entries only */
    size_t n;
    size_t not_booked; /* entries left out: pending or for information */
    size_t statements; /* Stmt / Ntfctn elements, or 1 for a CSV */
} stmt_file;

/* camt.053 / camt.054 (.001.02 or .001.08) from memory. 0, or 1 with why filled (422,
 * code "invalid_statement", field "file", the message naming the entry). Every
 * statement of the file must be of one account. Never reads the network or a DTD. */
int camt_parse(arena *a, const char *data, size_t len, stmt_file *out, refusal *why);
/* The message (camt.053.001.02...) a document is, from its namespace, or NULL. */
const char *camt_format(const char *data, size_t len);
/* Validate against the official schema xsd_dir/<format>.xsd when that file exists: 0 (valid,
 * or no schema there: *checked false), or 1 with why naming the first error's line. */
int camt_validate(arena *a, const char *data, size_t len, const char *xsd_dir, bool *checked,
                  refusal *why);

/* A French bank's CSV export (';' or ',', decimal comma, Windows-1252 or UTF-8): a header
 * row naming a date, a label and either one amount or a debit and a credit column, found
 * among the first lines (banks put the account and the period above it); an IBAN among
 * those lines is the account's. Dates DD/MM/YYYY or YYYY-MM-DD. */
int bank_csv_parse(arena *a, const char *data, size_t len, stmt_file *out, refusal *why);

/* An amount as a statement writes it ("12.34", "-1 234,56", "1.234,56"): at most two
 * decimals; false otherwise. comma: the decimal separator is ',' (CSV) instead of '.'. */
bool stmt_amount(const char *s, bool comma, cents_t *out);

/* The refusal for entry e of a file (422 invalid_statement). */
int stmt_refuse(refusal *why, arena *a, int number, int line, const char *fr, const char *en);

#endif
