/*
 * cli/cmd_deliver.c — what was really delivered, from the command line.
 *
 *   km0 weigh --cycle ID [--reason TEXT] FILE
 *       a scale's CSV (bag, SKU, weight in kg; importers/weigh_csv.h) recorded as the
 *       delivered weights, all of it or nothing; FILE "-" is standard input
 *   km0 shortage --cycle ID --producer SLUG --sku SKU --missing QTY [--reason TEXT]
 *   km0 shortage --cycle ID --line ID --delivered QTY [--reason TEXT]
 *       a product delivered short, split among its orders by the cycle's rule, or one
 *       line set (0: nothing delivered)
 *
 * The same core functions as the packing-table page and the API (core/delivery.h), as
 * the command line's changes (no user; via "cli" in the trail). Exit 0 done, 1 refused
 * (every problem on stderr, "FILE:LINE:COLUMN: message" for a file, or the rule that
 * refused), 2 usage error. Messages are French when LANG starts with fr.
 */
#include "../core/buf.h"
#include "../core/delivery.h"
#include "../core/parse.h"
#include "../importers/weigh_csv.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool french(void)
{
    const char *lang = getenv("LANG");
    return lang && lang[0] == 'f' && lang[1] == 'r';
}

/* A refusal on stderr: each problem at its place, else the headline. */
static int refused(db_conn *c, const char *cmd, int st, const refusal *why)
{
    if (st < 0) {
        fprintf(stderr, "km0 %s: database error: %s\n", cmd, db_last_error(c)->message);
        return EXIT_REFUSED;
    }
    if (why->ndetails == 0)
        fprintf(stderr, "km0 %s: %s\n", cmd, french() ? why->fr : why->en);
    for (size_t i = 0; i < why->ndetails; i++)
        fprintf(stderr, "%s: %s\n", why->details[i].field ? why->details[i].field : cmd,
                french() ? why->details[i].fr : why->details[i].en);
    return EXIT_REFUSED;
}

static int read_all(const char *path, buf *out)
{
    bool from_stdin = !strcmp(path, "-");
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(out, chunk, n);
        if (out->len > WEIGH_MAX_BYTES)
            break;
    }
    int err = ferror(f);
    if (!from_stdin)
        fclose(f);
    return err ? -1 : 0;
}

static void print_weighed(const weigh_result *r, int64_t cycle)
{
    printf("cycle %lld: %zu line%s weighed, %zu changed\n", (long long)cycle, r->nlines,
           r->nlines == 1 ? "" : "s", r->changed);
    for (size_t i = 0; i < r->nlines; i++) {
        const weighed_line *l = &r->lines[i];
        char w[32], e[32], net[32];
        dec_format(w, l->weight, 3, 3);
        dec_format(e, l->estimate, 3, 3);
        dec_format(net, l->net, 2, 2);
        printf("  bag %lld\tline %lld\t%s\t%s\t%s %s (estimate %s)\t%s EUR excl. VAT%s\n",
               (long long)l->bag, (long long)l->line, l->producer, l->sku, w, l->measure, e, net,
               l->changed ? "" : "\t(unchanged)");
    }
}

/* km0 weigh --cycle ID [--reason TEXT] FILE */
int cmd_weigh(int argc, char **argv)
{
    static const struct option opts[] = {{"cycle", required_argument, NULL, 'c'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    int64_t cycle = 0;
    const char *reason = NULL;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'c' && cli_parse_id(optarg, &cycle))
            continue;
        if (ch == 'r') {
            reason = optarg;
            continue;
        }
        if (ch == 'c')
            fprintf(stderr, "km0 weigh: --cycle takes a cycle id, not \"%s\"\n", optarg);
        return cli_usage("weigh");
    }
    if (!cycle || optind != argc - 1)
        return cli_usage("weigh");
    const char *path = argv[optind];
    buf data = BUF_INIT;
    if (read_all(path, &data) != 0) {
        fprintf(stderr, "km0 weigh: cannot read %s: %s\n", path, strerror(errno));
        buf_free(&data);
        return EXIT_REFUSED;
    }
    arena *a = arena_new();
    weigh_file f;
    int rc = EXIT_REFUSED;
    if (weigh_csv_parse(data.data ? data.data : "", data.len, path, a, &f) > 0) {
        for (size_t i = 0; i < f.nproblems; i++)
            fprintf(stderr, "%s: %s\n", f.problems[i].where,
                    french() ? f.problems[i].fr : f.problems[i].en);
        goto out;
    }
    db_conn *c = cli_db();
    int64_t hub = c ? cli_hub(c) : 0;
    if (hub) {
        weigh_in in = {hub, cycle, {0, 0, "cli"}, f.rows, f.nrows, reason};
        weigh_result r;
        refusal why = {0};
        int st = delivery_weigh(c, a, &in, &r, &why);
        if (st == 0) {
            print_weighed(&r, cycle);
            rc = EXIT_OK;
        } else {
            rc = refused(c, "weigh", st, &why);
        }
    }
    if (c)
        db_close(c);
out:
    arena_free(a);
    buf_free(&data);
    return rc;
}

static void print_shortage(const shortage_in *in, const shortage_result *r)
{
    arena *a = arena_new();
    const char *q = delivery_amount_text(a, r->missing, r->unit, false);
    if (in->line)
        printf("line %lld (%s): %s fewer\n", (long long)in->line, r->name, q);
    else
        printf("%s: %s missing, split by the rule \"%s\" over %zu line%s\n", r->name, q,
               shortage_rule_name(r->rule), r->nchanges, r->nchanges == 1 ? "" : "s");
    arena_free(a);
    for (size_t i = 0; i < r->nchanges; i++) {
        const shortage_change *s = &r->changes[i];
        char before[32], after[32], nb[32], na[32];
        dec_format(before, s->before, 3, 0);
        dec_format(after, s->after, 3, 0);
        dec_format(nb, s->net_before, 2, 2);
        dec_format(na, s->net_after, 2, 2);
        printf("  line %lld\torder %lld\t%s -> %s\t%s -> %s EUR excl. VAT\n", (long long)s->line,
               (long long)s->order, before, after, nb, na);
    }
}

/* A quantity option: thousandths, 0 allowed for --delivered only. */
static bool quantity_arg(const char *s, bool zero_ok, milli_t *out)
{
    if (zero_ok && parse_decimal(s, 3, 0, 0, out) == PARSE_OK)
        return true;
    return parse_quantity(s, out) == PARSE_OK;
}

/* km0 shortage --cycle ID (--producer SLUG --sku SKU --missing QTY | --line ID --delivered QTY) */
int cmd_shortage(int argc, char **argv)
{
    static const struct option opts[] = {
        {"cycle", required_argument, NULL, 'c'},  {"producer", required_argument, NULL, 'p'},
        {"sku", required_argument, NULL, 's'},    {"missing", required_argument, NULL, 'm'},
        {"line", required_argument, NULL, 'l'},   {"delivered", required_argument, NULL, 'd'},
        {"reason", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    shortage_in in = {.who = {0, 0, "cli"}};
    bool has_missing = false, has_delivered = false;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        bool ok = true;
        switch (ch) {
        case 'c':
            ok = cli_parse_id(optarg, &in.cycle);
            break;
        case 'p':
            in.producer = optarg;
            break;
        case 's':
            in.sku = optarg;
            break;
        case 'm':
            ok = has_missing = quantity_arg(optarg, false, &in.missing);
            break;
        case 'l':
            ok = cli_parse_id(optarg, &in.line);
            break;
        case 'd':
            ok = has_delivered = quantity_arg(optarg, true, &in.delivered);
            break;
        case 'r':
            in.reason = optarg;
            break;
        default:
            ok = false;
        }
        if (!ok) {
            if (ch != '?' && optarg)
                fprintf(stderr, "km0 shortage: \"%s\" is not a valid value here\n", optarg);
            return cli_usage("shortage");
        }
    }
    bool by_product = in.producer && in.sku && has_missing && !in.line && !has_delivered;
    bool by_line = in.line && has_delivered && !in.producer && !in.sku && !has_missing;
    if (!in.cycle || optind != argc || (!by_product && !by_line))
        return cli_usage("shortage");
    db_conn *c = cli_db();
    int64_t hub = c ? cli_hub(c) : 0;
    in.hub = hub;
    int rc = EXIT_REFUSED;
    if (hub) {
        arena *a = arena_new();
        shortage_result r;
        refusal why = {0};
        int st = delivery_shortage(c, a, &in, &r, &why);
        if (st == 0) {
            print_shortage(&in, &r);
            rc = EXIT_OK;
        } else {
            rc = refused(c, "shortage", st, &why);
        }
        arena_free(a);
    }
    if (c)
        db_close(c);
    return rc;
}
