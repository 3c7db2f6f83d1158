/*
 * cli/cmd_sepa.c — km0 sepa: direct debit mandates and batches.
 *
 *   km0 sepa mandate add --customer EMAIL --reference REF --signed DATE --iban IBAN
 *                        [--bic BIC] [--name NAME]
 *   km0 sepa mandate revoke REF
 *   km0 sepa mandate list
 *   km0 sepa debit --collect DATE -o FILE [--version 02|08]
 *   km0 sepa transfer [--from DATE] [--to DATE] [--execute DATE] -o FILE [--version 03|09]
 *
 * A batch is recorded and its pain.008 written whole to FILE (FILE.tmp renamed), or,
 * when nothing is due by direct debit, nothing is recorded and no file written.
 */
#include "../core/files.h"
#include "../core/payment.h"
#include "../core/sepa.h"
#include "../core/util.h"
#include "../core/transfer.h"
#include "../reports/pain001.h"
#include "../reports/pain008.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed(db_conn *c, const char *what, int st, const refusal *why)
{
    if (st > 0 && why)
        fprintf(stderr, "km0 sepa %s: %s\n", what, refusal_text(why, getenv("LANG")));
    else
        fprintf(stderr, "km0 sepa %s: database error: %s\n", what, db_last_error(c)->message);
    return EXIT_REFUSED;
}

typedef struct {
    const char *customer, *reference, *signed_on, *iban, *bic, *name, *collect, *output, *version;
    const char *from, *to, *execute;
} opts;

/* The producers' settlements paid: one batch recorded, its pain.001 written to FILE. */
static int transfer(db_conn *c, int64_t hub, const opts *o)
{
    arena *a = arena_new();
    refusal why = {0};
    transfer_doc d;
    int version = str_eq(o->version, "09") || str_eq(o->version, "9") ? 9 : 3;
    int rc = EXIT_REFUSED;
    int st = transfer_batch(c, a, hub, o->from, o->to, o->execute, version, "cli", &d, &why);
    if (st != 0) {
        rc = failed(c, "transfer", st, &why);
    } else {
        buf doc = BUF_INIT;
        char total[32];
        if (rpt_pain001(&d, &doc) != 0 || file_replace(o->output, doc.data, doc.len) != 0)
            fprintf(stderr, "km0 sepa transfer: cannot write %s (batch %lld is recorded)\n",
                    o->output, (long long)d.batch);
        else {
            printf("batch %lld (%s, %s): %zu transfers, %s EUR on %s\n", (long long)d.batch,
                   d.message_id, rpt_pain001_name(version), d.n, dec_format(total, d.total, 2, 2),
                   d.execute_on);
            rc = EXIT_OK;
        }
        buf_free(&doc);
    }
    arena_free(a);
    return rc;
}

static int mandate_add(db_conn *c, int64_t hub, const opts *o)
{
    arena *a = arena_new();
    int64_t customer, id;
    refusal why = {0};
    int rc = EXIT_REFUSED;
    int st = pay_customer_by_email(c, a, hub, o->customer, &customer);
    if (st != DB_OK) {
        rc = failed(c, "mandate add", st, NULL);
    } else if (!customer) {
        fprintf(stderr, "km0 sepa mandate add: no customer with the e-mail %s\n", o->customer);
    } else {
        sepa_mandate_in in = {customer, o->reference,         o->signed_on,
                              o->iban,  o->bic ? o->bic : "", o->name};
        st = sepa_mandate_add(c, a, hub, 0, &in, &id, &why);
        if (st == 0) {
            printf("%lld\n", (long long)id);
            rc = EXIT_OK;
        } else {
            rc = failed(c, "mandate add", st, &why);
        }
    }
    arena_free(a);
    return rc;
}

static int mandate_list(db_conn *c, int64_t hub)
{
    arena *a = arena_new();
    sepa_mandate *m;
    size_t n;
    int st = sepa_mandates(c, a, hub, &m, &n);
    if (st == DB_OK)
        for (size_t i = 0; i < n; i++)
            printf("%s\t%s\t%s\t%s\t%s\t%s\t%lld\t%s\n", m[i].reference, m[i].customer_name,
                   m[i].debtor_name, m[i].iban, m[i].signed_on,
                   *m[i].revoked_at ? "revoked" : "in force", (long long)m[i].debits,
                   m[i].revoked_at);
    arena_free(a);
    return st == DB_OK ? EXIT_OK : failed(c, "mandate list", st, NULL);
}

static int debit(db_conn *c, int64_t hub, const opts *o)
{
    arena *a = arena_new();
    refusal why = {0};
    sepa_batch_result r;
    int version = str_eq(o->version, "08") || str_eq(o->version, "8") ? 8 : 2;
    int rc = EXIT_REFUSED;
    int st = sepa_debit_batch(c, a, hub, 0, o->collect, version, &r, &why);
    if (st != 0) {
        rc = failed(c, "debit", st, &why);
    } else if (!r.batch) {
        printf("nothing is due by direct debit: no batch, no file\n");
        rc = EXIT_OK;
    } else {
        buf doc = BUF_INIT;
        char total[32];
        if (rpt_pain008(&r.doc, &doc) != 0)
            fprintf(stderr,
                    "km0 sepa debit: the file could not be written (batch %lld is "
                    "recorded: its debits are in the ledger)\n",
                    (long long)r.batch);
        else if (file_replace(o->output, doc.data, doc.len) != 0)
            fprintf(stderr, "km0 sepa debit: cannot write %s: %s (batch %lld is recorded)\n",
                    o->output, strerror(errno), (long long)r.batch);
        else {
            printf("batch %lld (%s, %s): %zu debits (%zu first), %s EUR to collect on %s\n",
                   (long long)r.batch, r.doc.message_id, rpt_pain008_name(version), r.doc.n,
                   r.first, dec_format(total, r.total, 2, 2), r.doc.collect_on);
            rc = EXIT_OK;
        }
        buf_free(&doc);
    }
    arena_free(a);
    return rc;
}

int cmd_sepa(int argc, char **argv)
{
    static const struct option options[] = {{"customer", required_argument, NULL, 'u'},
                                            {"reference", required_argument, NULL, 'r'},
                                            {"signed", required_argument, NULL, 's'},
                                            {"iban", required_argument, NULL, 'i'},
                                            {"bic", required_argument, NULL, 'b'},
                                            {"name", required_argument, NULL, 'n'},
                                            {"collect", required_argument, NULL, 'c'},
                                            {"output", required_argument, NULL, 'o'},
                                            {"version", required_argument, NULL, 'v'},
                                            {"from", required_argument, NULL, 'F'},
                                            {"to", required_argument, NULL, 'T'},
                                            {"execute", required_argument, NULL, 'E'},
                                            {NULL, 0, NULL, 0}};
    if (argc < 2)
        return cli_usage("sepa");
    bool mandate = str_eq(argv[1], "mandate");
    if (mandate && argc < 3)
        return cli_usage("sepa");
    const char *sub = mandate ? argv[2] : argv[1];
    opts o = {.version = NULL};
    int ch;
    optind = mandate ? 3 : 2;
    while ((ch = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        const char **slot[] = {
            ['E'] = &o.execute,   ['F'] = &o.from,      ['T'] = &o.to,     ['u'] = &o.customer,
            ['r'] = &o.reference, ['s'] = &o.signed_on, ['i'] = &o.iban,   ['b'] = &o.bic,
            ['n'] = &o.name,      ['c'] = &o.collect,   ['o'] = &o.output, ['v'] = &o.version};
        if (ch < 0 || ch >= (int)(sizeof slot / sizeof slot[0]) || !slot[ch])
            return cli_usage("sepa");
        *slot[ch] = optarg;
    }
    int rest = argc - optind;
    bool ok = mandate ? (str_eq(sub, "add") && !rest && o.customer && o.reference && o.signed_on &&
                         o.iban) ||
                            (str_eq(sub, "revoke") && rest == 1) || (str_eq(sub, "list") && !rest)
                      : (str_eq(sub, "debit") && !rest && o.collect && o.output) ||
                            (str_eq(sub, "transfer") && !rest && o.output);
    if (!ok)
        return cli_usage("sepa");
    bool pay = !mandate && str_eq(sub, "transfer");
    if (!o.version)
        o.version = pay ? "03" : "02";
    if (pay && !str_eq(o.version, "03") && !str_eq(o.version, "09")) {
        fprintf(stderr, "km0 sepa transfer: --version is 03 or 09, not \"%s\"\n", o.version);
        return EXIT_USAGE;
    }
    if (!mandate && !pay && !str_eq(o.version, "02") && !str_eq(o.version, "08")) {
        fprintf(stderr, "km0 sepa debit: --version is 02 or 08, not \"%s\"\n", o.version);
        return EXIT_USAGE;
    }
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    int rc = EXIT_REFUSED;
    if (hub && pay)
        rc = transfer(c, hub, &o);
    else if (hub && !mandate)
        rc = debit(c, hub, &o);
    else if (hub && str_eq(sub, "add"))
        rc = mandate_add(c, hub, &o);
    else if (hub && str_eq(sub, "list"))
        rc = mandate_list(c, hub);
    else if (hub) {
        arena *a = arena_new();
        refusal why = {0};
        int st = sepa_mandate_revoke(c, a, hub, argv[optind], &why);
        rc = st == 0 ? EXIT_OK : failed(c, "mandate revoke", st, &why);
        arena_free(a);
    }
    db_close(c);
    return rc;
}
