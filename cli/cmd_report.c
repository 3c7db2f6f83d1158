/*
 * cli/cmd_report.c — km0 report: print a document of a batched cycle.
 *
 *   km0 report KIND --cycle ID [--producer SLUG] [--pickup SLUG] [--round ID]
 *                   [--format xml|fo|pdf|html] [--lang fr|en] [--pdfa] [--validate]
 *                   [-o FILE] [--print-query]
 *
 * The document is made whole in memory first; with -o it is written to FILE.tmp
 * and renamed, so FILE is either the complete document or untouched.
 */
#include "../core/config.h"
#include "../reports/report.h"
#include "../core/files.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"cycle", required_argument, NULL, 'c'},
                                         {"producer", required_argument, NULL, 'p'},
                                         {"pickup", required_argument, NULL, 'k'},
                                         {"round", required_argument, NULL, 'r'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"lang", required_argument, NULL, 'l'},
                                         {"pdfa", no_argument, NULL, 'a'},
                                         {"validate", no_argument, NULL, 'v'},
                                         {"print-query", no_argument, NULL, 'q'},
                                         {"output", required_argument, NULL, 'o'},
                                         {NULL, 0, NULL, 0}};
    rpt_request rq = {.format = RPT_PDF, .lang = "fr"};
    const char *format = "pdf", *output = NULL;
    bool print_query = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            if (!cli_parse_id(optarg, &rq.cycle_id)) {
                fprintf(stderr, "km0 report: --cycle takes a cycle id, not \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'p':
            rq.producer = optarg;
            break;
        case 'k':
            rq.pickup = optarg;
            break;
        case 'r':
            if (!cli_parse_id(optarg, &rq.round)) {
                fprintf(stderr, "km0 report: --round takes a round id, not \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'f':
            format = optarg;
            break;
        case 'l':
            rq.lang = optarg;
            break;
        case 'a':
            rq.pdfa = true;
            break;
        case 'v':
            rq.validate = true;
            break;
        case 'q':
            print_query = true;
            break;
        case 'o':
            output = optarg;
            break;
        default:
            return cli_usage("report");
        }
    }
    if (optind != argc - 1 || !rq.cycle_id)
        return cli_usage("report");
    rq.kind = argv[optind];
    if (!rpt_format_parse(format, &rq.format)) {
        fprintf(stderr, "km0 report: unknown format \"%s\" (xml, fo, pdf or html)\n", format);
        return EXIT_REFUSED;
    }
    if (strcmp(rq.lang, "fr") != 0 && strcmp(rq.lang, "en") != 0) {
        fprintf(stderr, "km0 report: --lang is fr or en, not \"%s\"\n", rq.lang);
        return EXIT_REFUSED;
    }
    if (rq.pdfa && rq.format != RPT_PDF) {
        fprintf(stderr, "km0 report: --pdfa goes with --format pdf\n");
        return EXIT_REFUSED;
    }
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int rc = EXIT_REFUSED;
    buf doc = BUF_INIT;
    rpt_error err;
    if ((rq.hub_id = cli_hub(c)) != 0) {
        int r = print_query ? rpt_query_text(c, &rq, &doc, &err) : rpt_render(c, &rq, &doc, &err);
        if (r != 0) {
            fprintf(stderr, "km0 report: %s\n", err.message);
        } else {
            if (print_query)
                buf_putc(&doc, '\n');
            if (file_replace(output, doc.data ? doc.data : "", doc.len) == 0)
                rc = EXIT_OK;
            else
                fprintf(stderr, "km0 report: cannot write %s: %s\n", output ? output : "the output",
                        strerror(errno));
        }
    }
    buf_free(&doc);
    db_close(c);
    return rc;
}
