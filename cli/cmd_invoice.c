/*
 * cli/cmd_invoice.c — km0 invoice: issue a cycle's invoices, export one, credit one.
 *
 *   km0 invoice issue --cycle ID [--accept-estimates] [--no-archive]
 *   km0 invoice list --cycle ID
 *   km0 invoice export NUMBER [--format cii|xml|pdf|facturx|html] [--lang fr|en] [-o FILE]
 *   km0 invoice credit NUMBER [--line N --quantity Q]... [--reason TEXT] [--no-archive]
 *   km0 invoice archive [--cycle ID] [--retry]
 *   km0 invoice verify [--cycle ID]
 *
 * --accept-estimates invoices the weighed lines left without a weight at their
 * estimate (recorded as the command line's). credit without --line is a full credit
 * note; each --line N --quantity Q pair gives back Q of the invoice's line N.
 * --no-archive leaves the Factur-X files to the archive workers.
 *
 * The same core functions as POST /api/v1/cycles/{id}/invoices and
 * GET /api/v1/invoices/{number}. An export is made whole in memory, then written
 * to FILE.tmp and renamed: FILE is the complete document or untouched. Issuing
 * and crediting render their Factur-X files into the archive before exiting
 * (cli/cmd_invoice_archive.c); with --no-archive that is left to km0 serve's
 * worker or a later km0 invoice archive. facturx, and pdf in French, are the
 * archived file.
 */
#include "../core/config.h"
#include "../core/invoicing.h"
#include "../core/parse.h"
#include "../core/util.h"
#include "../reports/archive_worker.h"
#include "../reports/invoice_doc.h"
#include "../core/files.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CREDIT_LINES_MAX 100

/* A core call's outcome on stderr: the refusal's words, or the database's. */
static int failed(db_conn *c, const char *what, int st, const refusal *why)
{
    if (st > 0 && why) {
        const char *lang = getenv("LANG");
        fprintf(stderr, "km0 invoice %s: %s\n", what, refusal_text(why, lang));
        for (size_t i = 0; i < why->ndetails; i++)
            fprintf(stderr, "  %s\n",
                    lang && lang[0] == 'f' ? why->details[i].fr : why->details[i].en);
    } else
        fprintf(stderr, "km0 invoice %s: database error: %s\n", what, db_last_error(c)->message);
    return EXIT_REFUSED;
}

static void money_text(char *out, cents_t v)
{
    dec_format(out, v, 2, 2);
}

static int do_issue(db_conn *c, int64_t hub, int64_t cycle, bool accept, bool archive)
{
    arena *a = arena_new();
    inv_issue_result r;
    refusal why = {0};
    inv_issue_opts opts = {accept, 0, "cli"};
    int st = invoice_issue_cycle(c, a, hub, cycle, &opts, &r, &why);
    int rc = EXIT_OK;
    if (st != 0) {
        rc = failed(c, "issue", st, &why);
    } else {
        char incl[32];
        money_text(incl, r.incl);
        printf("cycle %lld invoiced on %s: %zu invoices for %zu orders, %s EUR incl. VAT\n",
               (long long)r.cycle, r.issue_date, r.invoices, r.orders, incl);
        if (r.estimates_accepted)
            printf("  %lld weighed lines invoiced at their estimate\n",
                   (long long)r.estimates_accepted);
        for (size_t i = 0; i < r.nsellers; i++)
            printf("  %s\t%s\t%s .. %s\t%d\n", r.sellers[i].seller_key, r.sellers[i].name,
                   r.sellers[i].first, r.sellers[i].last, r.sellers[i].count);
        fflush(stdout);
        if (archive)
            cli_invoice_archive_after(c, hub, cycle, "issue");
        else
            printf("their Factur-X files are left to km0 serve (archive_workers) or "
                   "km0 invoice archive\n");
    }
    arena_free(a);
    return rc;
}

static int do_list(db_conn *c, int64_t hub, int64_t cycle)
{
    arena *a = arena_new();
    PGresult *r;
    int st = invoice_list_cycle(c, a, hub, cycle, &r);
    if (st == DB_OK)
        for (int i = 0; i < PQntuples(r); i++) {
            char incl[32];
            money_text(incl, db_int(r, i, "total_incl_vat_cents"));
            printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", db_val(r, i, "number"),
                   db_val(r, i, "type_code"), db_val(r, i, "issue_date"), db_val(r, i, "order_id"),
                   db_val(r, i, "seller_name"), db_val(r, i, "buyer_name"), incl);
        }
    arena_free(a);
    return st == DB_OK ? EXIT_OK : failed(c, "list", st, NULL);
}

static int do_export(db_conn *c, int64_t hub, const char *number, inv_format f, const char *lang,
                     const char *output)
{
    arena *a = arena_new();
    inv_stored s;
    bool found;
    int rc = EXIT_REFUSED;
    buf doc = BUF_INIT;
    int st = invoice_find(c, a, hub, number, &s, &found);
    if (st != DB_OK) {
        fprintf(stderr, "km0 invoice export: database error: %s\n", db_last_error(c)->message);
    } else if (!found) {
        fprintf(stderr, "km0 invoice export: no invoice %s\n", number);
    } else if (f == INV_FACTURX || (f == INV_PDF && str_eq(lang, "fr"))) {
        /* the invoice as the archive keeps it */
        if ((rc = cli_invoice_archived(c, hub, number, &doc)) == EXIT_OK &&
            file_replace(output, doc.data, doc.len) != 0) {
            fprintf(stderr, "km0 invoice export: cannot write %s: %s\n",
                    output ? output : "the output", strerror(errno));
            rc = EXIT_REFUSED;
        }
    } else {
        rpt_error err;
        if (rpt_invoice_render(c, &s, f, lang, &doc, &err) != 0)
            fprintf(stderr, "km0 invoice export: %s\n", err.message);
        else if (file_replace(output, doc.data ? doc.data : "", doc.len) != 0)
            fprintf(stderr, "km0 invoice export: cannot write %s: %s\n",
                    output ? output : "the output", strerror(errno));
        else
            rc = EXIT_OK;
    }
    buf_free(&doc);
    arena_free(a);
    return rc;
}

static int do_credit(db_conn *c, int64_t hub, const char *number, const char *reason,
                     const inv_credit_line *lines, size_t nlines, bool archive)
{
    arena *a = arena_new();
    const char *credit;
    refusal why = {0};
    int st = invoice_credit(c, a, hub, number, reason, lines, nlines, 0, "cli", &credit, &why);
    int rc = st == 0 ? EXIT_OK : failed(c, "credit", st, &why);
    if (st == 0) {
        printf("%s\n", credit);
        fflush(stdout);
        inv_stored s;
        bool found;
        /* its file, in the archive before the command ends (stderr says how it went) */
        if (archive && invoice_find(c, a, hub, credit, &s, &found) == DB_OK && found) {
            int64_t stored = 0, bad = 0;
            if (rpt_archive_drain(c, hub, s.cycle_id, g_config.archive_batch, 1, NULL, &stored,
                                  &bad) != 0 ||
                bad)
                fprintf(stderr,
                        "km0 invoice credit: %s is issued but not archived yet; "
                        "km0 invoice archive will\n",
                        credit);
        }
    }
    arena_free(a);
    return rc;
}

int cmd_invoice(int argc, char **argv)
{
    /* --line is long only in effect ('L'): 'n' is --no-archive's */
    static const struct option opts[] = {{"cycle", required_argument, NULL, 'c'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"reason", required_argument, NULL, 'r'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"accept-estimates", no_argument, NULL, 'e'},
                                         {"line", required_argument, NULL, 'L'},
                                         {"quantity", required_argument, NULL, 'q'},
                                         {"no-archive", no_argument, NULL, 'n'},
                                         {"retry", no_argument, NULL, 'R'},
                                         {NULL, 0, NULL, 0}};
    if (argc < 2)
        return cli_usage("invoice");
    inv_credit_line lines[CREDIT_LINES_MAX];
    size_t nlines = 0;
    bool accept = false, pending = false;
    const char *sub = argv[1], *format = "pdf", *lang = "fr", *reason = NULL, *output = NULL;
    int64_t cycle = 0;
    bool archive = true, retry = false;
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            if (!cli_parse_id(optarg, &cycle)) {
                fprintf(stderr, "km0 invoice: --cycle takes a cycle id, not \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            format = optarg;
            break;
        case 'l':
            lang = optarg;
            break;
        case 'r':
            reason = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'e':
            accept = true;
            break;
        case 'L': {
            int64_t no;
            if (pending || nlines == CREDIT_LINES_MAX ||
                parse_int(optarg, 1, 100000, &no) != PARSE_OK) {
                fprintf(stderr,
                        "km0 invoice credit: --line takes a line number (each followed by "
                        "--quantity), not \"%s\"\n",
                        optarg);
                return EXIT_USAGE;
            }
            lines[nlines].line_no = (int)no;
            pending = true;
            break;
        }
        case 'q':
            if (!pending || parse_quantity(optarg, &lines[nlines].quantity) != PARSE_OK) {
                fprintf(stderr,
                        "km0 invoice credit: --quantity follows --line and is a positive "
                        "quantity such as 0.24, not \"%s\"\n",
                        optarg);
                return EXIT_USAGE;
            }
            pending = false;
            nlines++;
            break;
        case 'n':
            archive = false;
            break;
        case 'R':
            retry = true;
            break;
        default:
            return cli_usage("invoice");
        }
    }
    if (pending || (nlines && !str_eq(sub, "credit")) || (accept && !str_eq(sub, "issue")))
        return cli_usage("invoice");
    bool by_cycle = str_eq(sub, "issue") || str_eq(sub, "list");
    bool by_number = str_eq(sub, "export") || str_eq(sub, "credit");
    bool archive_cmd = str_eq(sub, "archive") || str_eq(sub, "verify"); /* --cycle optional */
    if ((!by_cycle && !by_number && !archive_cmd) || (by_cycle && (!cycle || optind != argc)) ||
        (by_number && optind != argc - 1) || (archive_cmd && optind != argc) ||
        (retry && !str_eq(sub, "archive")) ||
        (!archive && !str_eq(sub, "issue") && !str_eq(sub, "credit")))
        return cli_usage("invoice");
    inv_format f = INV_PDF;
    if (str_eq(sub, "export") && !rpt_invoice_format_parse(format, &f)) {
        fprintf(stderr,
                "km0 invoice export: unknown format \"%s\" (cii, xml, pdf, facturx, html)\n",
                format);
        return EXIT_REFUSED;
    }
    if (!str_eq(lang, "fr") && !str_eq(lang, "en")) {
        fprintf(stderr, "km0 invoice: --lang is fr or en, not \"%s\"\n", lang);
        return EXIT_REFUSED;
    }
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    int rc = EXIT_REFUSED;
    if (hub && str_eq(sub, "issue"))
        rc = do_issue(c, hub, cycle, accept, archive);
    else if (hub && str_eq(sub, "list"))
        rc = do_list(c, hub, cycle);
    else if (hub && str_eq(sub, "export"))
        rc = do_export(c, hub, argv[optind], f, lang, output);
    else if (hub && str_eq(sub, "archive"))
        rc = cli_invoice_archive(c, hub, cycle, retry);
    else if (hub && str_eq(sub, "verify"))
        rc = cli_invoice_verify(c, hub, cycle);
    else if (hub)
        rc = do_credit(c, hub, argv[optind], reason, lines, nlines, archive);
    db_close(c);
    return rc;
}
