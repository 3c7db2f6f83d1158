/*
 * cli/cmd_mail.c — km0 mail run | queue | remind, km0 accounts purge.
 *
 *   km0 mail run [--once] [--threads N]   the sender in the foreground (when km0 serve
 *                                         runs none: mail_threads = 0), or with --once
 *                                         until nothing is due, then exit
 *   km0 mail queue                        what waits: counts, then each message not
 *                                         sent (id, state, attempts, kind, recipient,
 *                                         next attempt, last error), tab-separated
 *   km0 mail remind --cycle ID            payment reminders for an invoiced cycle
 *   km0 accounts purge [--years N]        close consumer accounts idle N years
 *                                         (account_idle_years, 3 by default)
 */
#include "../core/account_privacy.h"
#include "../core/config.h"
#include "../core/outbox.h"
#include "../core/outbox_events.h"
#include "../core/parse.h"
#include "../mail/mail.h"
#include "cli.h"

#include <getopt.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <string.h>

static int do_queue(void)
{
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    int rc = EXIT_REFUSED;
    arena *a = arena_new();
    outbox_counts n;
    outbox_row *rows;
    size_t k;
    if (hub && outbox_count(c, a, hub, &n) == DB_OK &&
        outbox_unsent(c, a, hub, 1000, &rows, &k) == DB_OK) {
        printf("events %lld\nwaiting %lld\nsending %lld\nsent %lld\nfailed %lld\n",
               (long long)n.events, (long long)n.waiting, (long long)n.sending, (long long)n.sent,
               (long long)n.failed);
        for (size_t i = 0; i < k; i++)
            printf("%lld\t%s\t%d\t%s\t%s\t%s\t%s\n", (long long)rows[i].id, rows[i].state,
                   rows[i].attempts, rows[i].kind, rows[i].to_address, rows[i].next_attempt_at,
                   rows[i].last_error);
        rc = EXIT_OK;
    } else if (hub) {
        fprintf(stderr, "km0 mail queue: %s\n", db_last_error(c)->message);
    }
    arena_free(a);
    db_close(c);
    return rc;
}

static int do_remind(int64_t cycle)
{
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    int rc = EXIT_REFUSED;
    arena *a = arena_new();
    refusal why = {0};
    int st = hub ? outbox_payment_reminders(c, a, hub, cycle, &why) : 1;
    if (hub && st == 0)
        rc = EXIT_OK;
    else if (hub && st > 0)
        fprintf(stderr, "km0 mail remind: %s\n", why.en);
    else if (hub)
        fprintf(stderr, "km0 mail remind: %s\n", db_last_error(c)->message);
    arena_free(a);
    db_close(c);
    return rc;
}

/* km0 mail run|queue|remind */
int cmd_mail(int argc, char **argv)
{
    static const struct option opts[] = {{"once", no_argument, NULL, 'o'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"cycle", required_argument, NULL, 'c'},
                                         {NULL, 0, NULL, 0}};
    if (argc < 2)
        return cli_usage("mail");
    const char *sub = argv[1];
    bool once = false;
    int64_t threads = g_config.mail_threads > 0 ? g_config.mail_threads : 1, cycle = 0;
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'o')
            once = true;
        else if (ch == 't' && parse_int(optarg, 1, 32, &threads) == PARSE_OK)
            continue;
        else if (ch == 'c' && cli_parse_id(optarg, &cycle))
            continue;
        else
            return cli_usage("mail");
    }
    if (optind != argc)
        return cli_usage("mail");
    if (!strcmp(sub, "run") && !cycle) {
        xmlInitParser(); /* attachments render documents, from several threads */
        return mail_run((int)threads, once) == 0 ? EXIT_OK : EXIT_REFUSED;
    }
    if (!strcmp(sub, "queue") && !once && !cycle)
        return do_queue();
    if (!strcmp(sub, "remind") && cycle && !once)
        return do_remind(cycle);
    return cli_usage("mail");
}

/* km0 accounts purge [--years N] */
int cmd_accounts(int argc, char **argv)
{
    static const struct option opts[] = {{"years", required_argument, NULL, 'y'},
                                         {NULL, 0, NULL, 0}};
    if (argc < 2 || strcmp(argv[1], "purge") != 0)
        return cli_usage("accounts");
    int64_t years = g_config.account_idle_years;
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (ch != 'y' || parse_int(optarg, 1, 50, &years) != PARSE_OK)
            return cli_usage("accounts");
    if (optind != argc)
        return cli_usage("accounts");
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    arena *a = arena_new();
    int64_t n;
    db_status st = account_purge_idle(c, a, (int)years, &n);
    if (st == DB_OK)
        printf("%lld account%s closed\n", (long long)n, n == 1 ? "" : "s");
    else
        fprintf(stderr, "km0 accounts purge: %s\n", db_last_error(c)->message);
    arena_free(a);
    db_close(c);
    return st == DB_OK ? EXIT_OK : EXIT_REFUSED;
}
