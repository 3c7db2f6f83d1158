/*
 * cli/main.c — km0's entry point: global options, then one subcommand.
 *
 *   km0 [--config FILE] COMMAND [ARGS…]
 * --config may also follow the command (every command takes it).
 */
#include "cli.h"
#include "../core/account.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/parse.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_command commands[] = {
    {"serve", cmd_serve, "[--listen ADDR:PORT]", "run the web server and the JSON API"},
    {"migrate", cmd_migrate, "", "create or update the database schema"},
    {"seed", cmd_seed, "DIR", "load a hub, its producers, pickup points and vehicles from CSV"},
    {"hub", cmd_hub,
     "create --slug SLUG --name TEXT --siret SIRET --coordinator-email EMAIL [--legal-form F] "
     "[--vat-number V] [--address TEXT] [--rcs-city C] [--share-capital EUR] [--depot-lat L "
     "--depot-lon L] [--email E] [--phone P] [--coordinator-name N] | create --first-run-token",
     "create a hub and its first coordinator (password on standard input), or print a one-time "
     "token for the first-run page"},
    {"user", cmd_user,
     "add --email EMAIL --role consumer|producer|coordinator [--producer SLUG] [--name TEXT]",
     "create an account (password on standard input)"},
    {"cycle", cmd_cycle,
     "create --opens TIME --closes TIME --delivery DATE [--name TEXT] [--producers A,B] "
     "[--pickup-points X,Y] | open ID | close ID | list | generate [--weeks N]",
     "order cycles: create (prints the id), open, close, list, generate from the weekly template"},
    {"import", cmd_import,
     "catalog --producer SLUG [--dry-run] [--format auto|csv|ofn|dfc] "
     "[--encoding auto|utf-8|windows-1252] [--deactivate-missing] FILE",
     "import a producer's catalog (CSV, Open Food Network, DFC): all of it or, with problems, "
     "nothing"},
    {"subscription", cmd_subscription, "report --cycle ID",
     "what a cycle's opening did with the subscriptions due: subscription, customer, outcome, "
     "what could not be placed and why"},
    {"batch", cmd_batch, "--cycle ID",
     "batch a closed cycle into delivery rounds (replaces the previous batch) and print them"},
    {"report", cmd_report,
     "KIND --cycle ID [--producer SLUG] [--pickup SLUG] [--round ID] [--format xml|fo|pdf|html] "
     "[--lang fr|en] [--pdfa] [--validate] [-o FILE]",
     "print a document of a batched cycle: collection, picking, delivery, route, invoices or "
     "receipts (the bags of customers without e-mail); orderform (the paper order form) in "
     "any state"},
    {"weigh", cmd_weigh, "--cycle ID [--reason TEXT] FILE",
     "record a scale's CSV (bag, SKU, weight in kg) as delivered weights: all or nothing"},
    {"shortage", cmd_shortage,
     "--cycle ID (--producer SLUG --sku SKU --missing QTY | --line ID --delivered QTY) "
     "[--reason TEXT]",
     "a product delivered short, split among its orders by the hub's rule, or one line set"},
    {"invoice", cmd_invoice,
     "issue --cycle ID [--accept-estimates] [--no-archive] | list --cycle ID | export NUMBER "
     "[--format cii|xml|pdf|facturx|html] [--lang fr|en] [-o FILE] | credit NUMBER "
     "[--line N --quantity Q]... [--reason TEXT] [--no-archive] | archive [--cycle ID] [--retry] "
     "| verify [--cycle ID]",
     "invoices: issue a batched cycle's (all or none, then archived as Factur-X), list, export "
     "one, credit one (in full, or some lines), archive what is queued, verify every archived "
     "file"},
    {"mail", cmd_mail, "run [--once] [--threads N] | queue | remind --cycle ID",
     "messages: the sender (if not inside serve), what waits, payment reminders"},
    {"accounts", cmd_accounts, "purge [--years N]",
     "close consumer accounts without login or order for N years (GDPR)"},
    {"payments", cmd_payments,
     "import FILE | outstanding [--cycle ID] | unmatched | resolve LINE (--customer EMAIL "
     "[--order ID] | --fee) | record --order ID --amount EUR --method cash|cheque|card "
     "[--cheque NUMBER] | topup --customer EMAIL --amount EUR --method cash|cheque|card | "
     "refund --customer EMAIL [--order ID] [--amount EUR] --to balance|cash | balance "
     "--customer EMAIL | check",
     "money: import a bank statement (camt.053, camt.054, CSV) and match it, list what is "
     "owed (CSV), record payments, top-ups and refunds, recompute the ledger"},
    {"sepa", cmd_sepa,
     "mandate add --customer EMAIL --reference REF --signed DATE --iban IBAN [--bic BIC] "
     "[--name NAME] | mandate revoke REF | mandate list | debit --collect DATE -o FILE "
     "[--version 02|08]",
     "SEPA direct debit: mandates, and the pain.008 batch of what is owed by direct debit; "
     "transfer [--from DATE] [--to DATE] [--execute DATE] [--version 03|09] -o FILE: the "
     "pain.001 paying producers their settlements"},
    {"settle", cmd_settle,
     "--cycle ID | --month YYYY-MM | list [--producer SLUG] | statement ID [--format "
     "xml|fo|pdf] [--lang en] -o FILE",
     "settle with producers: sales collected for them, less credit notes, less the hub's fee "
     "(commission invoice); their statements"},
    {"fees", cmd_fees,
     "show | hub PERCENT | producer SLUG [--fee PERCENT|hub] [--iban IBAN] [--bic BIC] | "
     "mandate SLUG --signed DATE --scope TEXT --accepted-by NAME",
     "the hub's fee, each producer's rate and bank account, billing mandates"},
    {"fec", cmd_fec,
     "--from DATE --to DATE -o FILE [--pipe] [--close] | accounts | account ACCOUNT NUMBER "
     "LABEL",
     "the accounting entries as a FEC file (18 columns); the chart of accounts it uses"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: km0 [--config FILE] COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n           %s\n", commands[i].name, commands[i].usage,
                commands[i].summary);
    fprintf(out, "\nThe database is config's database_url, or KM0_DATABASE_URL.\n"
                 "Exit status: 0 done, 1 refused (reasons on stderr), 2 usage error.\n");
}

bool cli_parse_id(const char *s, int64_t *out)
{
    return parse_int(s, 1, INT64_MAX, out) == PARSE_OK;
}

int cli_usage(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            fprintf(stderr, "usage: km0 %s %s\n", name, commands[i].usage);
    return EXIT_USAGE;
}

int cli_cycle_option(const char *name, int argc, char **argv, int first, const char *bad_id_prefix,
                     int64_t *id)
{
    static const struct option opts[] = {{"cycle", required_argument, NULL, 'c'},
                                         {NULL, 0, NULL, 0}};
    const char *arg = NULL;
    int ch;
    optind = first;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch != 'c')
            return cli_usage(name);
        arg = optarg;
    }
    if (optind != argc || !arg)
        return cli_usage(name);
    if (!cli_parse_id(arg, id)) {
        fprintf(stderr, "km0 %s: %s\"%s\" is not a cycle id\n", name, bad_id_prefix, arg);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

db_conn *cli_db(void)
{
    char err[512];
    db_conn *c = db_connect(g_config.database_url, err, sizeof err);
    if (!c)
        fprintf(stderr, "km0: cannot connect to the database: %s\n", err);
    return c;
}

int64_t cli_hub(db_conn *c)
{
    int64_t hub;
    if (account_hub_id(c, g_config.hub, &hub) != DB_OK) {
        fprintf(stderr, "km0: %s\n", db_last_error(c)->message);
        return 0;
    }
    if (!hub)
        fprintf(stderr,
                g_config.hub[0] ? "km0: no hub \"%s\" in the database (km0 seed DIR)\n"
                                : "km0: the database holds no hub, or several: set "
                                  "\"hub\" in the configuration%s\n",
                g_config.hub);
    return hub;
}

int main(int argc, char **argv)
{
    /* pull --config FILE out of argv wherever it is */
    const char *config_path = NULL;
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9)) {
            if (argv[i][8] == '=') {
                config_path = argv[i] + 9;
            } else if (i + 1 < argc) {
                config_path = argv[++i];
            } else {
                fprintf(stderr, "km0: --config needs a file\n");
                return EXIT_USAGE;
            }
            continue;
        }
        argv[n++] = argv[i];
    }
    argc = n;
    argv[argc] = NULL;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (config_load(config_path) != 0)
        return EXIT_USAGE;
    log_set_level(g_config.log_level);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, argv[1]))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "km0: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
