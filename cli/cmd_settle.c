/*
 * cli/cmd_settle.c — paying producers back, and the accounting export.
 *
 *   km0 settle (--cycle ID | --month YYYY-MM)       settle with every producer
 *   km0 settle list [--producer SLUG]               the settlements, newest first
 *   km0 settle statement ID [--format xml|fo|pdf] [--lang en] -o FILE
 *   km0 fees show                                   rates, IBANs, billing mandates
 *   km0 fees hub PERCENT                            the hub's fee
 *   km0 fees producer SLUG [--fee PERCENT|hub] [--iban IBAN] [--bic BIC]
 *   km0 fees mandate SLUG --signed DATE --scope TEXT --accepted-by NAME
 *   km0 fec --from DATE --to DATE -o FILE [--pipe] [--close]
 *   km0 fec accounts                                the chart of accounts of the FEC
 *   km0 fec account ACCOUNT NUMBER LABEL            the hub's number and label for one
 *
 * Settlements print one line per producer, tab-separated: settlement id, producer
 * slug, sales incl. VAT, credit notes incl. VAT, fee excl. VAT, fee VAT, due (cents),
 * commission invoice number.
 */
#include "../core/fec.h"
#include "../core/fees.h"
#include "../core/files.h"
#include "../core/settlement.h"
#include "../core/util.h"
#include "../reports/settlement_doc.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed(db_conn *c, const char *what, int st, const refusal *why)
{
    if (st > 0 && why)
        fprintf(stderr, "km0 %s: %s\n", what, refusal_text(why, getenv("LANG")));
    else
        fprintf(stderr, "km0 %s: database error: %s\n", what, db_last_error(c)->message);
    return EXIT_REFUSED;
}

typedef struct {
    const char *cycle, *month, *producer, *format, *lang, *output, *fee, *iban, *bic, *signed_on,
        *scope, *accepted_by, *from, *to;
    bool pipe, close;
} opts;

static int parse_opts(int argc, char **argv, int first, opts *o)
{
    static const struct option options[] = {{"cycle", required_argument, NULL, 'c'},
                                            {"month", required_argument, NULL, 'm'},
                                            {"producer", required_argument, NULL, 'p'},
                                            {"format", required_argument, NULL, 'f'},
                                            {"lang", required_argument, NULL, 'l'},
                                            {"output", required_argument, NULL, 'o'},
                                            {"fee", required_argument, NULL, 'e'},
                                            {"iban", required_argument, NULL, 'i'},
                                            {"bic", required_argument, NULL, 'b'},
                                            {"signed", required_argument, NULL, 's'},
                                            {"scope", required_argument, NULL, 'S'},
                                            {"accepted-by", required_argument, NULL, 'a'},
                                            {"from", required_argument, NULL, 'F'},
                                            {"to", required_argument, NULL, 'T'},
                                            {"pipe", no_argument, NULL, 'P'},
                                            {"close", no_argument, NULL, 'C'},
                                            {NULL, 0, NULL, 0}};
    int ch;
    optind = first;
    while ((ch = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o->cycle = optarg;
            break;
        case 'm':
            o->month = optarg;
            break;
        case 'p':
            o->producer = optarg;
            break;
        case 'f':
            o->format = optarg;
            break;
        case 'l':
            o->lang = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'e':
            o->fee = optarg;
            break;
        case 'i':
            o->iban = optarg;
            break;
        case 'b':
            o->bic = optarg;
            break;
        case 's':
            o->signed_on = optarg;
            break;
        case 'S':
            o->scope = optarg;
            break;
        case 'a':
            o->accepted_by = optarg;
            break;
        case 'F':
            o->from = optarg;
            break;
        case 'T':
            o->to = optarg;
            break;
        case 'P':
            o->pipe = true;
            break;
        case 'C':
            o->close = true;
            break;
        default:
            return -1;
        }
    }
    return optind;
}

static void print_settlements(const settlement *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%lld\t%s\t%lld\t%lld\t%lld\t%lld\t%lld\t%s\n", (long long)s[i].id,
               s[i].producer_slug, (long long)s[i].sales_incl, (long long)s[i].credits_incl,
               (long long)s[i].fee_excl, (long long)s[i].fee_vat, (long long)s[i].due,
               s[i].commission_number);
}

static int settle_run(db_conn *c, int64_t hub, const opts *o)
{
    arena *a = arena_new();
    int64_t cycle = 0;
    refusal why = {0};
    settlement *s;
    size_t n = 0;
    int rc;
    if (o->cycle && !cli_parse_id(o->cycle, &cycle)) {
        fprintf(stderr, "km0 settle: --cycle takes an id, not \"%s\"\n", o->cycle);
        rc = EXIT_REFUSED;
    } else {
        int st = settlement_run(c, a, hub, cycle, o->month, "cli", &s, &n, &why);
        rc = st == 0 ? EXIT_OK : failed(c, "settle", st, &why);
        if (st == 0)
            print_settlements(s, n);
    }
    arena_free(a);
    return rc;
}

static int settle_list(db_conn *c, int64_t hub, const opts *o)
{
    arena *a = arena_new();
    settlement *s;
    size_t n;
    int64_t producer = 0;
    int rc = EXIT_OK;
    if (o->producer) {
        fee_producer *fp;
        size_t np;
        int bp;
        if (fees_get(c, a, hub, &bp, &fp, &np) != DB_OK) {
            arena_free(a);
            return failed(c, "settle list", -1, NULL);
        }
        for (size_t i = 0; i < np; i++)
            if (str_eq(fp[i].slug, o->producer))
                producer = fp[i].id;
        if (!producer) {
            fprintf(stderr, "km0 settle list: no producer %s\n", o->producer);
            arena_free(a);
            return EXIT_REFUSED;
        }
    }
    if (settlement_list(c, a, hub, producer, &s, &n) != DB_OK)
        rc = failed(c, "settle list", -1, NULL);
    else
        print_settlements(s, n);
    arena_free(a);
    return rc;
}

static int settle_statement(db_conn *c, int64_t hub, const char *id_text, const opts *o)
{
    int64_t id;
    rpt_format f = RPT_PDF;
    if (!cli_parse_id(id_text, &id) || (o->format && !rpt_format_parse(o->format, &f)) ||
        !o->output)
        return cli_usage("settle");
    buf out = BUF_INIT;
    rpt_error err = {0};
    int rc = EXIT_OK;
    if (rpt_settlement_load_render(c, hub, id, 0, f, o->lang ? o->lang : "fr", &out, &err) != 0) {
        fprintf(stderr, "km0 settle statement: %s\n", err.message);
        rc = EXIT_REFUSED;
    } else if (file_replace(o->output, out.data, out.len) != 0) {
        fprintf(stderr, "km0 settle statement: cannot write %s: %s\n", o->output, strerror(errno));
        rc = EXIT_REFUSED;
    }
    buf_free(&out);
    return rc;
}

int cmd_settle(int argc, char **argv)
{
    opts o = {0};
    bool list = argc > 1 && str_eq(argv[1], "list");
    bool statement = argc > 2 && str_eq(argv[1], "statement");
    int rest = parse_opts(argc, argv, list ? 2 : statement ? 3 : 1, &o);
    if (rest < 0 || rest != argc || (!list && !statement && !o.cycle == !o.month))
        return cli_usage("settle");
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    int rc = !hub        ? EXIT_REFUSED
             : list      ? settle_list(c, hub, &o)
             : statement ? settle_statement(c, hub, argv[2], &o)
                         : settle_run(c, hub, &o);
    db_close(c);
    return rc;
}

/* ---- fees ---------------------------------------------------------------------------- */

static int fees_show(db_conn *c, int64_t hub)
{
    arena *a = arena_new();
    fee_producer *p;
    size_t n;
    int bp;
    char t[32];
    if (fees_get(c, a, hub, &bp, &p, &n) != DB_OK) {
        arena_free(a);
        return failed(c, "fees show", -1, NULL);
    }
    printf("hub\t%s\n", dec_format(t, bp, 2, 0));
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\t%s\t%s\n", p[i].slug,
               p[i].fee_bp < 0 ? "hub" : dec_format(t, p[i].fee_bp, 2, 0), p[i].iban, p[i].bic,
               p[i].mandate_on);
    arena_free(a);
    return EXIT_OK;
}

int cmd_fees(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("fees");
    const char *sub = argv[1];
    opts o = {0};
    int first = str_eq(sub, "show") ? 2 : 3;
    if (argc < first || parse_opts(argc, argv, first, &o) != argc)
        return cli_usage("fees");
    if (!str_eq(sub, "show") && !str_eq(sub, "hub") && !str_eq(sub, "producer") &&
        !str_eq(sub, "mandate"))
        return cli_usage("fees");
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    arena *a = arena_new();
    refusal why = {0};
    int rc = EXIT_REFUSED, st = 0, bp = -2;
    if (!hub) {
        rc = EXIT_REFUSED;
    } else if (str_eq(sub, "show")) {
        rc = fees_show(c, hub);
    } else if (str_eq(sub, "hub")) {
        st = fees_parse_percent(argv[2], "fee_percent", a, &bp, &why);
        if (st == 0)
            st = fees_set_hub(c, a, hub, bp, 0, "seed", &why);
        rc = st == 0 ? EXIT_OK : failed(c, "fees hub", st, &why);
    } else if (str_eq(sub, "producer")) {
        if (o.fee && str_eq(o.fee, "hub"))
            bp = -1;
        else if (o.fee)
            st = fees_parse_percent(o.fee, "fee_percent", a, &bp, &why);
        if (st == 0)
            st = fees_set_producer(c, a, hub, argv[2], bp, o.iban, o.bic, &why);
        rc = st == 0 ? EXIT_OK : failed(c, "fees producer", st, &why);
    } else {
        st = fees_mandate_add(c, a, hub, argv[2], o.signed_on, o.scope, o.accepted_by, &why);
        rc = st == 0 ? EXIT_OK : failed(c, "fees mandate", st, &why);
    }
    arena_free(a);
    db_close(c);
    return rc;
}

/* ---- FEC ----------------------------------------------------------------------------- */

static int to_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static int fec_file(db_conn *c, int64_t hub, const opts *o)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", o->output) >= (int)sizeof tmp)
        return cli_usage("fec");
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "km0 fec: cannot write %s: %s\n", tmp, strerror(errno));
        return EXIT_REFUSED;
    }
    static char big[1 << 20];
    setvbuf(f, big, _IOFBF, sizeof big);
    arena *a = arena_new();
    refusal why = {0};
    fec_request rq = {o->from, o->to, o->pipe ? '|' : '\t', o->close};
    int64_t lines = 0;
    int st = fec_export(c, a, hub, &rq, to_file, f, &lines, &why);
    int closed = fclose(f);
    int rc;
    if (st != 0) {
        remove(tmp);
        rc = failed(c, "fec", st, &why);
    } else if (closed != 0 || rename(tmp, o->output) != 0) {
        remove(tmp);
        fprintf(stderr, "km0 fec: cannot write %s: %s\n", o->output, strerror(errno));
        rc = EXIT_REFUSED;
    } else {
        printf("%lld lines\n", (long long)lines);
        rc = EXIT_OK;
    }
    arena_free(a);
    return rc;
}

int cmd_fec(int argc, char **argv)
{
    opts o = {0};
    bool accounts = argc == 2 && str_eq(argv[1], "accounts");
    bool account = argc == 5 && str_eq(argv[1], "account");
    if (!accounts && !account &&
        (parse_opts(argc, argv, 1, &o) != argc || !o.from || !o.to || !o.output))
        return cli_usage("fec");
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    int rc = EXIT_REFUSED;
    if (hub && accounts) {
        arena *a = arena_new();
        fec_account *ac;
        size_t n;
        if (fec_accounts(c, a, hub, &ac, &n) == DB_OK) {
            for (size_t i = 0; i < n; i++)
                printf("%s\t%s\t%s\n", ac[i].account, ac[i].number, ac[i].label);
            rc = EXIT_OK;
        }
        arena_free(a);
    } else if (hub && account) {
        arena *a = arena_new();
        refusal why = {0};
        int st = fec_account_set(c, a, hub, argv[2], argv[3], argv[4], &why);
        rc = st == 0 ? EXIT_OK : failed(c, "fec account", st, &why);
        arena_free(a);
    } else if (hub) {
        rc = fec_file(c, hub, &o);
    }
    db_close(c);
    return rc;
}
