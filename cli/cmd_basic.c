/*
 * cli/cmd_basic.c — km0 serve, km0 migrate, km0 user add.
 */
#include "../core/account.h"
#include "../core/config.h"
#include "../core/migrate.h"
#include "../core/paths.h"
#include "../core/people.h"
#include "../importers/hub_seed.h"
#include "../mail/mail.h"
#include "../server/http.h"
#include "cli.h"

#include <getopt.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* km0 serve [--listen ADDR:PORT] */
int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {NULL, 0, NULL, 0}};
    const char *listen = g_config.listen;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'l')
            listen = optarg;
        else
            return cli_usage("serve");
    }
    if (optind != argc)
        return cli_usage("serve");
    /* libxml2 initialises itself on first use, which is not thread-safe: do it
     * once here, before the worker threads can render documents */
    xmlInitParser();
    mail_start(g_config.mail_threads);
    int rc = http_serve(listen);
    mail_stop();
    return rc;
}

/* km0 migrate */
int cmd_migrate(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return cli_usage("migrate");
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    char dir[1024];
    int applied;
    int rc = migrate_apply(c, km0_path(dir, "schema"), &applied);
    if (rc == 0)
        printf("schema up to date (%d migration%s applied now)\n", applied,
               applied == 1 ? "" : "s");
    db_close(c);
    return rc ? EXIT_REFUSED : EXIT_OK;
}

typedef struct {
    arena *mem;
    int64_t hub;
    const char *email, *password, *role, *producer, *name;
    int64_t user_id;
    char err[256];
} user_add_ctx;

static int user_add_tx(db_conn *c, void *p)
{
    user_add_ctx *u = p;
    db_status st = account_user_add(c, u->mem, u->hub, u->email, u->password, u->role, u->producer,
                                    u->name, 0, &u->user_id, u->err, sizeof u->err);
    if (st == DB_ERROR && u->err[0])
        return 1;
    if (st != DB_OK)
        return st;
    /* an account made here gets its role from an administrator: recorded like a role
     * given on the desk (user_role_changes), by nobody (the command line) */
    return people_role_record(c, u->mem, u->hub, u->user_id, 0, NULL, u->role, "cli");
}

/* km0 user add --email EMAIL --role ROLE [--producer SLUG] [--name TEXT] < password */
int cmd_user(int argc, char **argv)
{
    static const struct option opts[] = {{"email", required_argument, NULL, 'e'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"producer", required_argument, NULL, 'p'},
                                         {"name", required_argument, NULL, 'n'},
                                         {NULL, 0, NULL, 0}};
    if (argc < 2 || strcmp(argv[1], "add") != 0)
        return cli_usage("user");
    user_add_ctx u = {0};
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'e':
            u.email = optarg;
            break;
        case 'r':
            u.role = optarg;
            break;
        case 'p':
            u.producer = optarg;
            break;
        case 'n':
            u.name = optarg;
            break;
        default:
            return cli_usage("user");
        }
    }
    if (optind != argc || !u.email || !u.role)
        return cli_usage("user");
    char password[512];
    if (!fgets(password, sizeof password, stdin)) {
        fprintf(stderr, "km0 user add: no password on standard input\n");
        return EXIT_REFUSED;
    }
    password[strcspn(password, "\r\n")] = '\0';
    u.password = password;
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    int rc = EXIT_REFUSED;
    u.mem = arena_new();
    if ((u.hub = cli_hub(c)) != 0) {
        int st = db_transaction(c, false, user_add_tx, &u);
        if (st == 0) {
            printf("%lld\n", (long long)u.user_id);
            rc = EXIT_OK;
        } else if (st > 0) {
            fprintf(stderr, "km0 user add: %s\n", u.err);
        } else {
            fprintf(stderr, "km0 user add: %s\n", db_last_error(c)->message);
        }
    }
    explicit_bzero(password, sizeof password);
    arena_free(u.mem);
    db_close(c);
    return rc;
}

/* km0 seed DIR */
int cmd_seed(int argc, char **argv)
{
    if (argc != 2)
        return cli_usage("seed");
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    buf errors = BUF_INIT;
    hub_seed_counts n = {0};
    int rc = hub_seed(c, argv[1], &errors, &n);
    if (rc == HUB_SEED_OK)
        printf("hub %lld: %zu producers, %zu pickup points, %zu vehicles\n", (long long)n.hub_id,
               n.producers, n.pickup_points, n.vehicles);
    else
        fputs(buf_str(&errors), stderr);
    buf_free(&errors);
    db_close(c);
    return rc == HUB_SEED_OK ? EXIT_OK : EXIT_REFUSED;
}
