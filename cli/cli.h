/*
 * cli/cli.h — the km0 command line: one file per command (cli/cmd_*.c).
 *
 * Exit codes (DESIGN.md): 0 success, 1 refused input (messages on stderr),
 * 2 usage error.
 */
#ifndef KM0_CLI_H
#define KM0_CLI_H

#include "../core/buf.h"
#include "../core/db.h"

#include <stdbool.h>
#include <stdint.h>

enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *usage;                 /* one line: arguments after "km0 NAME" */
    const char *summary;
} cli_command;

/* Connect to the configured database or print why not (NULL). */
db_conn *cli_db(void);
/* The hub the command works on (config "hub", or the only one); 0 after an error message. */
int64_t cli_hub(db_conn *c);
/* A positive decimal id such as a cycle or round number; false when s is not one. */
bool cli_parse_id(const char *s, int64_t *out);
/* Print "km0 NAME: usage: …" to stderr and return EXIT_USAGE. */
int cli_usage(const char *name);
/* The arguments of a command that takes only --cycle ID (km0 batch, km0 subscription
 * report), read from argv[first]: EXIT_OK and *id, or EXIT_USAGE after the usage line
 * (anything else, or no --cycle) or `km0 NAME: <bad_id_prefix>"ARG" is not a cycle id`
 * (each command keeps its message: bad_id_prefix "" or "--cycle: "). */
int cli_cycle_option(const char *name, int argc, char **argv, int first, const char *bad_id_prefix,
                     int64_t *id);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_seed(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_hub(int argc, char **argv);
int cmd_cycle(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_invoice(int argc, char **argv);
int cmd_weigh(int argc, char **argv);
int cmd_shortage(int argc, char **argv);
int cmd_mail(int argc, char **argv);
int cmd_accounts(int argc, char **argv);
int cmd_payments(int argc, char **argv);
int cmd_sepa(int argc, char **argv);
int cmd_settle(int argc, char **argv);
int cmd_fees(int argc, char **argv);
int cmd_fec(int argc, char **argv);
int cmd_subscription(int argc, char **argv);

/* cli/cmd_invoice_archive.c: the invoice archive (core/archive.h). */
/* Render what is queued for hub's cycle now (after issuing: km0 invoice issue). */
int cli_invoice_archive_after(db_conn *c, int64_t hub, int64_t cycle, const char *what);
/* km0 invoice archive [--cycle ID] [--retry] */
int cli_invoice_archive(db_conn *c, int64_t hub, int64_t cycle, bool retry);
/* km0 invoice verify [--cycle ID] */
int cli_invoice_verify(db_conn *c, int64_t hub, int64_t cycle);
/* The archived Factur-X of number into out (rendered and archived first if it
 * is not yet, waiting for a worker that is rendering it). */
int cli_invoice_archived(db_conn *c, int64_t hub, const char *number, buf *out);

#endif
