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
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* FILE.tmp, flushed to disk, then renamed over FILE. */
static int write_output(const char *file, const buf *doc)
{
    if (!file)
        return write_all(STDOUT_FILENO, doc->data ? doc->data : "", doc->len);
    size_t n = strlen(file) + 5;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", file);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = fd < 0 ? -1 : 0;
    if (rc == 0 && (write_all(fd, doc->data ? doc->data : "", doc->len) != 0 || fsync(fd) != 0))
        rc = -1;
    if (fd >= 0 && close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, file) != 0)
        rc = -1;
    if (rc != 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
    }
    free(tmp);
    return rc;
}

static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

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
            if (!parse_id(optarg, &rq.cycle_id)) {
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
            if (!parse_id(optarg, &rq.round)) {
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
            if (write_output(output, &doc) == 0)
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
