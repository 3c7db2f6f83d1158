/*
 * cli/cmd_hub.c — km0 hub create: a new hub and its first coordinator, or a one-time
 * token for the first-run page.
 *
 *   km0 hub create --slug SLUG --name TEXT --siret SIRET --coordinator-email EMAIL
 *       [--legal-form F] [--vat-number V] [--address A] [--rcs-city C]
 *       [--share-capital EUR] [--depot-lat L --depot-lon L] [--email E] [--phone P]
 *       [--coordinator-name N]            (the coordinator's password on standard input)
 *   km0 hub create --first-run-token
 *
 * The same core function as the first-run page (core/hub_create.h): every problem is
 * printed, named by its option, and nothing is written.
 */
#include "../core/hub_create.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct option opts[] = {{"slug", required_argument, NULL, 's'},
                                     {"name", required_argument, NULL, 'n'},
                                     {"legal-form", required_argument, NULL, 'f'},
                                     {"siret", required_argument, NULL, 'S'},
                                     {"vat-number", required_argument, NULL, 'v'},
                                     {"address", required_argument, NULL, 'a'},
                                     {"rcs-city", required_argument, NULL, 'r'},
                                     {"share-capital", required_argument, NULL, 'c'},
                                     {"depot-lat", required_argument, NULL, 'y'},
                                     {"depot-lon", required_argument, NULL, 'x'},
                                     {"email", required_argument, NULL, 'e'},
                                     {"phone", required_argument, NULL, 'p'},
                                     {"coordinator-email", required_argument, NULL, 'E'},
                                     {"coordinator-name", required_argument, NULL, 'N'},
                                     {"first-run-token", no_argument, NULL, 't'},
                                     {NULL, 0, NULL, 0}};

/* "depot_lat" → "--depot-lat" */
static const char *option_of(char *out, size_t n, const char *field)
{
    if (!field)
        return "";
    if (!strcmp(field, "password"))
        return "password (standard input)";
    snprintf(out, n, "--%s", field);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = '-';
    return out;
}

static int first_run_token(void)
{
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    bool any = false;
    char token[48];
    int rc = EXIT_REFUSED;
    if (hub_any(c, &any) != DB_OK || hub_first_run_token_new(c, token) != DB_OK)
        fprintf(stderr, "km0 hub create: %s\n", db_last_error(c)->message);
    else if (any)
        fprintf(stderr,
                "km0 hub create: the database holds a hub already: the first run is over\n");
    else {
        printf("%s\n", token);
        fprintf(stderr,
                "km0 hub create: open /setup?token=%s on km0's address within 24 hours; the token "
                "serves once\n",
                token);
        rc = EXIT_OK;
    }
    db_close(c);
    return rc;
}

/* km0 hub create … */
int cmd_hub(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "create") != 0)
        return cli_usage("hub");
    hub_new in = {0};
    bool token = false;
    int ch;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            in.slug = optarg;
            break;
        case 'n':
            in.identity.name = optarg;
            break;
        case 'f':
            in.identity.legal_form = optarg;
            break;
        case 'S':
            in.identity.siret = optarg;
            break;
        case 'v':
            in.identity.vat_number = optarg;
            break;
        case 'a':
            in.identity.address = optarg;
            break;
        case 'r':
            in.identity.rcs_city = optarg;
            break;
        case 'c':
            in.identity.share_capital = optarg;
            break;
        case 'y':
            in.identity.depot_lat = optarg;
            break;
        case 'x':
            in.identity.depot_lon = optarg;
            break;
        case 'e':
            in.identity.email = optarg;
            break;
        case 'p':
            in.identity.phone = optarg;
            break;
        case 'E':
            in.coordinator_email = optarg;
            break;
        case 'N':
            in.coordinator_name = optarg;
            break;
        case 't':
            token = true;
            break;
        default:
            return cli_usage("hub");
        }
    }
    if (optind != argc)
        return cli_usage("hub");
    if (token)
        return in.slug || in.identity.name ? cli_usage("hub") : first_run_token();
    if (!in.slug || !in.identity.name || !in.coordinator_email)
        return cli_usage("hub");
    char password[512];
    if (!fgets(password, sizeof password, stdin)) {
        fprintf(stderr, "km0 hub create: no password on standard input\n");
        return EXIT_REFUSED;
    }
    password[strcspn(password, "\r\n")] = '\0';
    in.password = password;
    db_conn *c = cli_db();
    if (!c)
        return EXIT_REFUSED;
    arena *a = arena_new();
    int64_t hub = 0;
    account_user user = {0};
    refusal why = {0};
    int st = hub_create(c, a, &in, "cli", false, NULL, &hub, &user, &why);
    int rc = EXIT_OK;
    if (st == 0) {
        printf("%lld\n", (long long)hub);
    } else if (st > 0) {
        char opt[64];
        size_t n = why.ndetails ? why.ndetails : 1;
        for (size_t i = 0; i < n; i++) {
            const char *f = why.ndetails ? why.details[i].field : why.field;
            fprintf(stderr, "km0 hub create: %s: %s\n", option_of(opt, sizeof opt, f),
                    why.ndetails ? why.details[i].en : why.en);
        }
        rc = EXIT_REFUSED;
    } else {
        fprintf(stderr, "km0 hub create: %s\n", db_last_error(c)->message);
        rc = EXIT_REFUSED;
    }
    explicit_bzero(password, sizeof password);
    arena_free(a);
    db_close(c);
    return rc;
}
