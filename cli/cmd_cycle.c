/*
 * cli/cmd_cycle.c — km0 cycle create|open|close|list|generate.
 */
#include "../core/cycle.h"
#include "../core/parse.h"
#include "../core/refusal.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int report(int st, const refusal *why, db_conn *c)
{
    if (st > 0 && why) {
        fprintf(stderr, "km0 cycle: %s%s%s\n", why->field ? why->field : "", why->field ? ": " : "",
                refusal_text(why, getenv("LANG")));
        return EXIT_REFUSED;
    }
    fprintf(stderr, "km0 cycle: %s\n", db_last_error(c)->message);
    return EXIT_REFUSED;
}

/* Comma-separated slugs into an array from the arena. */
static const char *const *split(arena *a, const char *list, size_t *n)
{
    char *copy = arena_strdup(a, list);
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == ',';
    const char **out = arena_alloc(a, (cap + 1) * sizeof *out);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        out[(*n)++] = t;
    return out;
}

static int create(db_conn *c, arena *a, int64_t hub, int argc, char **argv)
{
    static const struct option opts[] = {{"opens", required_argument, NULL, 'o'},
                                         {"closes", required_argument, NULL, 'c'},
                                         {"delivery", required_argument, NULL, 'd'},
                                         {"name", required_argument, NULL, 'n'},
                                         {"producers", required_argument, NULL, 'p'},
                                         {"pickup-points", required_argument, NULL, 'k'},
                                         {NULL, 0, NULL, 0}};
    cycle_new in = {0};
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            in.opens = optarg;
            break;
        case 'c':
            in.closes = optarg;
            break;
        case 'd':
            in.delivery = optarg;
            break;
        case 'n':
            in.name = optarg;
            break;
        case 'p':
            in.producers = split(a, optarg, &in.nproducers);
            break;
        case 'k':
            in.pickup_points = split(a, optarg, &in.npickup_points);
            break;
        default:
            return cli_usage("cycle");
        }
    }
    if (optind != argc || !in.opens || !in.closes || !in.delivery)
        return cli_usage("cycle");
    int64_t id;
    refusal why = {0};
    int st = cycle_create(c, a, hub, &in, &id, &why);
    if (st != 0)
        return report(st, &why, c);
    printf("%lld\n", (long long)id);
    return EXIT_OK;
}

static int list(db_conn *c, arena *a, int64_t hub)
{
    PGresult *r;
    int st = cycle_catch_up(c, hub);
    if (st == DB_OK)
        st = cycle_list(c, a, hub, true, &r);
    if (st != DB_OK)
        return report(st, NULL, c);
    printf("%-6s %-10s %-25s %-25s %-10s %6s  %s\n", "id", "state", "opens", "closes", "delivery",
           "orders", "name");
    for (int i = 0; i < PQntuples(r); i++)
        printf("%-6s %-10s %-25s %-25s %-10s %6s  %s\n", db_val(r, i, "id"), db_val(r, i, "state"),
               db_val(r, i, "opens_at"), db_val(r, i, "closes_at"), db_val(r, i, "delivery_date"),
               db_val(r, i, "orders"), db_val(r, i, "name"));
    return EXIT_OK;
}

/* km0 cycle create|open ID|close ID|list|generate [--weeks N] */
int cmd_cycle(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("cycle");
    const char *sub = argv[1];
    bool needs_id = !strcmp(sub, "open") || !strcmp(sub, "close");
    if (!strcmp(sub, "list") && argc != 2)
        return cli_usage("cycle");
    if (needs_id && argc != 3)
        return cli_usage("cycle");
    if (!needs_id && strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "generate"))
        return cli_usage("cycle");
    int64_t id = 0;
    if (needs_id) {
        if (!cli_parse_id(argv[2], &id)) {
            fprintf(stderr, "km0 cycle %s: \"%s\" is not a cycle id\n", sub, argv[2]);
            return EXIT_USAGE;
        }
    }
    int64_t weeks = 1;
    if (!strcmp(sub, "generate")) {
        if (argc == 4 && !strcmp(argv[2], "--weeks")) {
            if (parse_int(argv[3], 1, 12, &weeks) != PARSE_OK) {
                fprintf(stderr,
                        "km0 cycle generate: --weeks: \"%s\" is not a whole number "
                        "from 1 to 12\n",
                        argv[3]);
                return EXIT_REFUSED;
            }
        } else if (argc != 2) {
            return cli_usage("cycle");
        }
    }
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    arena *a = arena_new();
    int rc = EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    refusal why = {0};
    if (hub) {
        if (!strcmp(sub, "create")) {
            rc = create(c, a, hub, argc, argv);
        } else if (!strcmp(sub, "list")) {
            rc = list(c, a, hub);
        } else if (!strcmp(sub, "generate")) {
            int64_t ids[16];
            int n;
            int st = cycle_generate(c, a, hub, (int)weeks, ids, &n, &why);
            if (st != 0) {
                rc = report(st, &why, c);
            } else {
                for (int i = 0; i < n; i++)
                    printf("%lld\n", (long long)ids[i]);
                rc = EXIT_OK;
            }
        } else {
            int st = cycle_set_state(c, a, hub, id, !strcmp(sub, "open") ? "open" : "closed", &why);
            rc = st == 0 ? EXIT_OK : report(st, &why, c);
        }
    }
    arena_free(a);
    db_close(c);
    return rc;
}
