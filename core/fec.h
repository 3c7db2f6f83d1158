/*
 * core/fec.h — the hub's accounting entries as a FEC (fichier des écritures
 * comptables, article A47 A-1 of the Livre des procédures fiscales), and the chart
 * of accounts it uses.
 *
 * Every ledger line booked in the period is one line of the file, 18 columns
 * separated by a tab or a pipe, with a header line, in the order of the entries
 * (date, then entry number): JournalCode, JournalLib, EcritureNum, EcritureDate,
 * CompteNum, CompteLib, CompAuxNum, CompAuxLib, PieceRef, PieceDate, EcritureLib,
 * Debit, Credit, EcritureLet, DateLet, ValidDate, Montantdevise, Idevise. Amounts
 * with a decimal comma, dates YYYYMMDD. Entries balance by construction (the ledger
 * refuses one that does not). The rows are streamed with COPY and formatted here,
 * so a year of a large hub costs about what copying its rows costs.
 *
 * A period may be closed when exported: a closed period is never exported again,
 * and no export may overlap it (409 period_closed).
 */
#ifndef KM0_FEC_H
#define KM0_FEC_H

#include "buf.h"
#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Receives the file in pieces; non-zero stops the export (nothing recorded). */
typedef int (*fec_sink)(void *ctx, const char *data, size_t len);

typedef struct fec_request {
    const char *from, *to; /* YYYY-MM-DD, both included */
    char separator;        /* '\t' or '|' */
    bool close;            /* record the period as closed */
} fec_request;

/* Export; *lines gets the number of entry lines written (header excluded).
 * Refusals: 422 invalid_field (from, to, separator), 409 period_closed. */
int fec_export(db_conn *c, arena *a, int64_t hub, const fec_request *rq, fec_sink sink, void *ctx,
               int64_t *lines, refusal *why);

typedef struct fec_account {
    const char *account; /* km0's account: "411", "706", ... */
    const char *number, *label;
    bool custom; /* the hub changed it */
} fec_account;

/* Every account with the hub's number and label (its own, or km0's). */
db_status fec_accounts(db_conn *c, arena *a, int64_t hub, fec_account **out, size_t *n);

/* The chart the rows are written with. */
typedef struct fec_chart {
    const fec_account *accounts;
    size_t n;
} fec_chart;

/* One row of the export's COPY (text format, tab-separated: entry id, booked date,
 * recorded date, kind, method, invoice number, memo, account, amount in cents,
 * customer id, producer id, name; one line, its newline optional) as one FEC line
 * with separator sep, appended to out. Pure (core/fec_format.c): 0, or -1 for a row
 * that is not shaped so (nothing appended). */
int fec_format_row(const char *row, size_t len, char sep, const fec_chart *chart, buf *out);

/* Set the hub's number (3 to 20 characters, a digit first, digits and capitals) and
 * label (1..100 characters) for km0's account. 404 unknown_account, 422 invalid_field. */
int fec_account_set(db_conn *c, arena *a, int64_t hub, const char *account, const char *number,
                    const char *label, refusal *why);

#endif
