/*
 * cli/cli.h — the km0 command line: one file per command (cli/cmd_*.c).
 *
 * Exit codes (DESIGN.md): 0 success, 1 refused input (messages on stderr),
 * 2 usage error.
 */
#ifndef KM0_CLI_H
#define KM0_CLI_H

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

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_seed(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_cycle(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_invoice(int argc, char **argv);
int cmd_weigh(int argc, char **argv);
int cmd_shortage(int argc, char **argv);

#endif
