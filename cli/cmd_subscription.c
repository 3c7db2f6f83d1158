/*
 * cli/cmd_subscription.c — km0 subscription report --cycle ID: what a cycle's opening
 * did with the subscriptions due (placed, or not and why), one line each, for the
 * coordinator's scripts and for checking a week by hand.
 */
#include "../core/subscription.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* km0 subscription report --cycle ID */
int cmd_subscription(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "report") != 0)
        return cli_usage("subscription");
    int64_t id;
    int rc = cli_cycle_option("subscription", argc, argv, 2, "--cycle: ", &id);
    if (rc != EXIT_OK)
        return rc;
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    arena *a = arena_new();
    rc = EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    if (hub) {
        sub_report_row *rows;
        size_t n;
        bool found;
        int st = sub_cycle_report(c, a, hub, id, &rows, &n, &found);
        if (st != DB_OK) {
            fprintf(stderr, "km0 subscription: %s\n", db_last_error(c)->message);
        } else if (!found) {
            fprintf(stderr, "km0 subscription: --cycle: there is no cycle %lld in this hub\n",
                    (long long)id);
        } else {
            /* subscription, customer id, outcome, why (tab-separated: names stay out) */
            for (size_t i = 0; i < n; i++)
                printf("%lld\t%lld\t%s\t%s\n", (long long)rows[i].subscription,
                       (long long)rows[i].customer, rows[i].outcome, rows[i].misses);
            rc = EXIT_OK;
        }
    }
    arena_free(a);
    db_close(c);
    return rc;
}
