/*
 * cli/cmd_payments.c — km0 payments: bank statements, what is owed, payments by hand.
 *
 *   km0 payments import FILE                      camt.053 / camt.054 / a bank's CSV
 *   km0 payments outstanding [--cycle ID]         what is owed, CSV on stdout
 *   km0 payments unmatched                        the lines waiting for a coordinator
 *   km0 payments resolve LINE (--customer EMAIL [--order ID] | --fee)
 *   km0 payments record --order ID --amount EUR --method cash|cheque|card [--cheque NUMBER]
 *   km0 payments topup --customer EMAIL --amount EUR --method cash|cheque|card
 *   km0 payments refund --customer EMAIL [--order ID] [--amount EUR] --to balance|cash
 *   km0 payments balance --customer EMAIL
 *   km0 payments check                            recompute the ledger's sums
 *
 * The same core functions as the desk's pages. An import prints one line per new bank
 * line (tab-separated: outcome, entry number, date, amount, what it was matched to)
 * and a summary; a refused file prints why, naming the entry, and imports nothing.
 */
#include "../core/config.h"
#include "../core/files.h"
#include "../core/ledger.h"
#include "../core/parse.h"
#include "../core/payment.h"
#include "../core/sha256.h"
#include "../core/util.h"
#include "../importers/bank_import.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed(db_conn *c, const char *what, int st, const refusal *why)
{
    if (st > 0 && why)
        fprintf(stderr, "km0 payments %s: %s\n", what, refusal_text(why, getenv("LANG")));
    else
        fprintf(stderr, "km0 payments %s: database error: %s\n", what, db_last_error(c)->message);
    return EXIT_REFUSED;
}

static const char *euros(char out[32], cents_t v)
{
    return dec_format(out, v, 2, 2);
}

static void print_line(const bank_line *l)
{
    char amount[32];
    const stmt_entry *e = l->entry;
    printf("%s\t%d\t%s\t%s\t", l->kind == BM_UNMATCHED ? "unmatched" : "matched", e->number,
           e->booked_on, euros(amount, e->amount));
    switch (l->kind) {
    case BM_ORDER:
        printf("order %lld (customer %lld)", (long long)l->order, (long long)l->customer);
        if (l->to_balance)
            printf(", %s to the customer's balance", euros(amount, l->to_balance));
        break;
    case BM_TOPUP:
        printf("top-up of customer %lld", (long long)l->customer);
        break;
    case BM_SETTLED:
        printf("direct debit batch %lld collected", (long long)l->batch);
        break;
    case BM_RETURN:
        if (l->order)
            printf("direct debit of order %lld returned", (long long)l->order);
        else
            printf("direct debit of an instalment of customer %lld returned: unpaid again",
                   (long long)l->customer);
        break;
    case BM_FEE:
        printf("bank charges");
        break;
    default:
        printf("%s | %s", e->counterparty, e->remittance);
    }
    printf("\n");
}

static int do_import(db_conn *c, int64_t hub, const char *path)
{
    arena *a = arena_new();
    buf data = BUF_INIT;
    int rc = EXIT_REFUSED;
    if (file_read(path, &data, STMT_MAX_BYTES) != 0) {
        fprintf(stderr, "km0 payments import: cannot read %s: %s\n", path, strerror(errno));
        goto out;
    }
    stmt_file f;
    refusal why = {0};
    int st = bank_parse_file(a, buf_str(&data), data.len, g_config.iso20022_schemas, &f, &why);
    if (st != 0) {
        fprintf(stderr, "km0 payments import: %s: %s\n", path, refusal_text(&why, getenv("LANG")));
        goto out;
    }
    char sha[65];
    sha256_hex_of(buf_str(&data), data.len, sha);
    bank_import_result r = {0};
    st = bank_import(c, a, hub, 0, "cli", &f, sha, &r, &why);
    if (st != 0) {
        if (st > 0)
            fprintf(stderr, "km0 payments import: %s: %s\n", path,
                    refusal_text(&why, getenv("LANG")));
        else
            failed(c, "import", st, NULL);
        goto out;
    }
    for (size_t i = 0; i < r.nlines; i++)
        print_line(&r.lines[i]);
    printf("%s: %s of account %s: %zu lines, %zu new (%zu matched, %zu unmatched), %zu already "
           "imported, %zu not booked yet\n",
           path, r.format, *r.account ? r.account : "(not stated)", r.entries, r.new_entries,
           r.matched, r.unmatched, r.entries - r.new_entries, r.not_booked);
    rc = EXIT_OK;
out:
    buf_free(&data);
    arena_free(a);
    return rc;
}

static int do_outstanding(db_conn *c, int64_t hub, int64_t cycle)
{
    arena *a = arena_new();
    pay_due *rows;
    size_t n;
    int st = pay_outstanding(c, a, hub, cycle, &rows, &n);
    int rc = EXIT_OK;
    if (st != DB_OK) {
        rc = failed(c, "outstanding", st, NULL);
    } else {
        buf b = BUF_INIT;
        pay_outstanding_csv(&b, rows, n);
        fwrite(buf_str(&b), 1, b.len, stdout);
        buf_free(&b);
    }
    arena_free(a);
    return rc;
}

static int do_unmatched(db_conn *c, int64_t hub)
{
    arena *a = arena_new();
    bank_waiting *w;
    size_t n;
    int st = bank_unmatched(c, a, hub, &w, &n);
    if (st == DB_OK)
        for (size_t i = 0; i < n; i++) {
            char amount[32], waiting[32];
            printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)w[i].id, w[i].booked_on,
                   euros(amount, w[i].amount), euros(waiting, w[i].waiting), w[i].counterparty,
                   w[i].remittance);
        }
    arena_free(a);
    return st == DB_OK ? EXIT_OK : failed(c, "unmatched", st, NULL);
}

static int do_check(db_conn *c, int64_t hub)
{
    arena *a = arena_new();
    ledger_check_result r;
    char *problems;
    int st = ledger_check(c, a, hub, &r, &problems);
    int rc = EXIT_OK;
    if (st != DB_OK) {
        rc = failed(c, "check", st, NULL);
    } else {
        char x[5][32];
        printf("%lld entries, %lld lines; customers owe %s, prepaid balances %s, bank %s, "
               "unmatched %s, direct debits in collection %s\n",
               (long long)r.entries, (long long)r.lines, euros(x[0], r.receivable),
               euros(x[1], r.balances), euros(x[2], r.bank), euros(x[3], r.suspense),
               euros(x[4], r.in_collection));
        if (r.problems) {
            fputs(problems, stderr);
            fprintf(stderr, "km0 payments check: %d problems\n", r.problems);
            rc = EXIT_REFUSED;
        }
    }
    arena_free(a);
    return rc;
}

typedef struct {
    const char *customer, *method, *cheque, *to, *amount;
    int64_t order, cycle;
    bool fee;
} opts;

static int customer_or_fail(db_conn *c, arena *a, int64_t hub, const char *email, int64_t *id)
{
    if (!email) {
        fprintf(stderr, "km0 payments: --customer EMAIL is needed\n");
        return EXIT_USAGE;
    }
    int st = pay_customer_by_email(c, a, hub, email, id);
    if (st != DB_OK)
        return failed(c, "customer", st, NULL);
    if (!*id) {
        fprintf(stderr, "km0 payments: no customer with the e-mail %s\n", email);
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}

static int amount_or_fail(const char *s, bool required, cents_t *out)
{
    *out = 0;
    if (!s && !required)
        return EXIT_OK;
    int64_t v;
    if (!s || parse_decimal(s, 2, 1, PAY_AMOUNT_MAX, &v) != PARSE_OK) {
        fprintf(stderr, "km0 payments: --amount is an amount in euros such as 12.50, not \"%s\"\n",
                s ? s : "");
        return EXIT_USAGE;
    }
    *out = v;
    return EXIT_OK;
}

static int do_money(db_conn *c, int64_t hub, const char *sub, const opts *o, const char *line)
{
    arena *a = arena_new();
    refusal why = {0};
    int64_t customer = 0;
    cents_t amount;
    char x[3][32];
    int rc = amount_or_fail(o->amount, str_eq(sub, "record") || str_eq(sub, "topup"), &amount);
    if (rc == EXIT_OK && (o->customer || !str_eq(sub, "record")) &&
        !(o->fee && str_eq(sub, "resolve")))
        rc = customer_or_fail(c, a, hub, o->customer, &customer);
    if (rc != EXIT_OK)
        goto out;
    int st;
    if (str_eq(sub, "record") || str_eq(sub, "topup")) {
        pay_in in = {str_eq(sub, "record") ? o->order : 0,
                     customer,
                     amount,
                     o->method,
                     o->cheque,
                     NULL,
                     NULL};
        pay_result r;
        if ((st = pay_record(c, a, hub, 0, "cli", &in, &r, &why)) != 0) {
            rc = failed(c, sub, st, &why);
            goto out;
        }
        printf("%s EUR recorded: %s to the order, %s to the customer's balance\n",
               euros(x[0], amount), euros(x[1], r.to_order), euros(x[2], r.to_balance));
    } else if (str_eq(sub, "refund")) {
        cents_t done;
        if ((st = pay_refund(c, a, hub, 0, "cli", customer, o->order, amount, o->to ? o->to : "",
                             &done, &why)) != 0) {
            rc = failed(c, sub, st, &why);
            goto out;
        }
        printf("%s EUR refunded (%s)\n", euros(x[0], done), o->to);
    } else if (str_eq(sub, "resolve")) {
        int64_t id;
        if (!line || !cli_parse_id(line, &id)) {
            rc = cli_usage("payments");
            goto out;
        }
        if ((st = bank_resolve(c, a, hub, 0, "cli", id, customer, o->order, o->fee, &why)) != 0) {
            rc = failed(c, sub, st, &why);
            goto out;
        }
        printf("line %lld resolved\n", (long long)id);
    } else { /* balance */
        ledger_customer m;
        if ((st = ledger_customer_get(c, a, hub, customer, &m)) != DB_OK) {
            rc = failed(c, sub, st, NULL);
            goto out;
        }
        printf("balance %s, owed %s, overpaid orders %s\n", euros(x[0], m.balance),
               euros(x[1], m.owed), euros(x[2], m.credit));
    }
out:
    arena_free(a);
    return rc;
}

int cmd_payments(int argc, char **argv)
{
    static const struct option options[] = {{"cycle", required_argument, NULL, 'c'},
                                            {"customer", required_argument, NULL, 'u'},
                                            {"order", required_argument, NULL, 'o'},
                                            {"amount", required_argument, NULL, 'a'},
                                            {"method", required_argument, NULL, 'm'},
                                            {"cheque", required_argument, NULL, 'q'},
                                            {"to", required_argument, NULL, 't'},
                                            {"fee", no_argument, NULL, 'f'},
                                            {NULL, 0, NULL, 0}};
    if (argc < 2)
        return cli_usage("payments");
    const char *sub = argv[1];
    opts o = {0};
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (ch) {
        case 'c':
        case 'o':
            if (!cli_parse_id(optarg, ch == 'c' ? &o.cycle : &o.order)) {
                fprintf(stderr, "km0 payments: --%s takes an id, not \"%s\"\n",
                        ch == 'c' ? "cycle" : "order", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'u':
            o.customer = optarg;
            break;
        case 'a':
            o.amount = optarg;
            break;
        case 'm':
            o.method = optarg;
            break;
        case 'q':
            o.cheque = optarg;
            break;
        case 't':
            o.to = optarg;
            break;
        case 'f':
            o.fee = true;
            break;
        default:
            return cli_usage("payments");
        }
    }
    int rest = argc - optind;
    bool file_sub = str_eq(sub, "import") || str_eq(sub, "resolve");
    bool known = file_sub || str_eq(sub, "outstanding") || str_eq(sub, "unmatched") ||
                 str_eq(sub, "record") || str_eq(sub, "topup") || str_eq(sub, "refund") ||
                 str_eq(sub, "balance") || str_eq(sub, "check");
    if (!known || (file_sub ? rest != 1 : rest != 0) ||
        (str_eq(sub, "record") && (!o.order || !o.method)) || (str_eq(sub, "topup") && !o.method) ||
        (str_eq(sub, "refund") && !o.to))
        return cli_usage("payments");
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    int rc = EXIT_REFUSED;
    if (!hub)
        rc = EXIT_REFUSED;
    else if (str_eq(sub, "import"))
        rc = do_import(c, hub, argv[optind]);
    else if (str_eq(sub, "outstanding"))
        rc = do_outstanding(c, hub, o.cycle);
    else if (str_eq(sub, "unmatched"))
        rc = do_unmatched(c, hub);
    else if (str_eq(sub, "check"))
        rc = do_check(c, hub);
    else
        rc = do_money(c, hub, sub, &o, file_sub ? argv[optind] : NULL);
    db_close(c);
    return rc;
}
