/*
 * core/invoice_int.h — what issuing invoices and credit notes share (core/invoice_db.c).
 *
 * Both take the seller's next numbers under a lock on its invoice_sequences
 * row, date the document after taking that lock (so numbers and dates of one
 * seller rise together), check each document with rpt_cii_check, and store
 * everything in one INSERT statement fed with JSON (invoices, their lines and
 * their VAT breakdown at once, however many there are).
 */
#ifndef KM0_INVOICE_INT_H
#define KM0_INVOICE_INT_H

#include "buf.h"
#include "db.h"
#include "invoice.h"
#include "refusal.h"

#include <stdint.h>

typedef struct inv_today {
    const char *issue_date; /* YYYY-MM-DD, Paris time, read from the clock now */
    const char *due_date;   /* issue_date + payment_days */
    int year;
    const char *at; /* the same instant as a timestamp: the documents' issued_at */
} inv_today;

/* Today as the invoices say it (clock_timestamp(), not the transaction's start). */
db_status inv_db_today(db_conn *c, arena *a, int payment_days, inv_today *out);

/* Add counts[i] numbers to seller keys[i] for year, locking those rows until
 * the transaction ends; last[i] gets the seller's new last number (its first
 * new one is last[i] - counts[i] + 1). Rows are locked in key order, the same
 * in every transaction, which keeps two issuing runs from deadlocking. */
db_status inv_db_reserve(db_conn *c, arena *a, int64_t hub, int year, const char *const *keys,
                         const int64_t *counts, size_t n, int64_t *last);

/* One document for inv_db_insert. Party references name entries of the
 * parties object given alongside ("h", "p12", "o345", ...). */
typedef struct inv_record {
    const invoice *inv;
    const char *seller_key;
    int year, seq;
    int64_t cycle_id, order_id, corrects_id;               /* 0 = none */
    const char *seller_ref, *buyer_ref, *intermediary_ref; /* intermediary_ref NULL = none */
} inv_record;

/* Append r as one element of the records array (without separator). */
void inv_json_record(buf *b, const inv_record *r);

/* Store every record of records (a JSON array) with their lines and VAT, all
 * issued at issued_at (inv_today.at, read after the numbers were locked);
 * parties is a JSON object of the snapshots the records refer to. *stored
 * gets the number of invoices inserted. */
db_status inv_db_insert(db_conn *c, arena *a, int64_t hub, const char *issued_at,
                        const char *records, const char *parties, int64_t *stored);

/* rpt_cii_check on a document about to be stored: 0, or a 500 refusal naming
 * the first rule broken (logged with the number). */
int inv_check_or_refuse(arena *a, const invoice *inv, refusal *why);

/* JSON helpers: ,"key":"value" / ,"key":123 (the object's first field is written by hand). */
void inv_json_str(buf *b, const char *key, const char *value);
void inv_json_int(buf *b, const char *key, int64_t value);

#endif
