/*
 * cli/cmd_import.c — km0 import catalog: a producer's catalog file into the database.
 *
 *   km0 import catalog --producer SLUG [--dry-run] [--format auto|csv|ofn|dfc]
 *       [--encoding auto|utf-8|windows-1252] [--deactivate-missing] FILE
 *
 * Exit 0 with a summary on standard output (what was read, what changes), 1 with
 * every problem on standard error as FILE:LINE:COLUMN: message — the form editors
 * and CI logs know — and nothing written, 2 on a usage error. FILE "-" is standard
 * input. Messages are in French when LANG starts with "fr".
 */
#include "../core/buf.h"
#include "../core/config.h"
#include "../importers/catalog_db.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static bool lang_fr(void)
{
    const char *lang = getenv("LANG");
    return lang && strncmp(lang, "fr", 2) == 0;
}

#define T(fr, en) (lang_fr() ? (fr) : (en))

/* The whole file into a malloc'd buffer, refusing one past max bytes; NULL after
 * a message. */
static char *read_catalog(const char *path, size_t max, size_t *len)
{
    bool from_stdin = strcmp(path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    /* a regular file says its size: no need to read 2 GB to refuse it */
    bool too_large = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size > max;
    buf b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while (!too_large && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        too_large = b.len + n > max;
        if (!too_large)
            buf_append(&b, chunk, n);
    }
    bool failed = ferror(f);
    if (failed)
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
    if (!from_stdin)
        fclose(f);
    if (too_large)
        fprintf(stderr,
                T("%s : le fichier dépasse %zu octets, la limite (catalog_max_bytes) ; rien n’a "
                  "été importé\n",
                  "%s: the file is larger than %zu bytes, the limit (catalog_max_bytes); nothing "
                  "was imported\n"),
                path, max);
    if (failed || too_large) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    buf_putc(&b, '\0'); /* an empty file still gets a buffer */
    return buf_steal(&b);
}

static void print_problems(const char *path, const imp_catalog *cat)
{
    bool fr = lang_fr();
    for (size_t i = 0; i < cat->nproblems; i++) {
        const imp_problem *p = &cat->problems[i];
        const char *msg = fr ? p->message_fr : p->message_en;
        if (p->line <= 0)
            fprintf(stderr, "%s: %s\n", path, msg);
        else if (!p->column)
            fprintf(stderr, "%s:%d: %s", path, p->line, msg);
        else
            fprintf(stderr, "%s:%d:%s: %s", path, p->line, p->column, msg);
        if (p->line > 0 && p->row != p->line)
            fprintf(stderr, fr ? " (ligne %d du tableur)" : " (row %d in a spreadsheet)", p->row);
        if (p->line > 0)
            fputc('\n', stderr);
    }
}

static const char *separator_name(char sep)
{
    return sep == '\t' ? "tab" : sep == ';' ? ";" : sep == ',' ? "," : NULL;
}

static void print_summary(arena *a, const char *path, const imp_result *res)
{
    bool fr = lang_fr();
    const imp_catalog *cat = &res->catalog;
    const imp_summary *s = &res->summary;
    printf("%s: %s %s, %s %s", path, T("format", "format"), imp_format_name(cat->format),
           T("encodage", "encoding"), cat->encoding);
    if (separator_name(cat->separator))
        printf(", %s %s", T("séparateur", "separator"), separator_name(cat->separator));
    printf("\n%s (%s): %zu %s\n", res->producer.name, res->producer.slug, cat->nproducts,
           T("produits dans le fichier", "products in the file"));
    if (cat->nignored_columns) {
        printf("%s", T("colonnes ignorées :", "ignored columns:"));
        for (size_t i = 0; i < cat->nignored_columns; i++)
            printf("%s %s", i ? "," : "", cat->ignored_columns[i]);
        printf("\n");
    }
    size_t deactivated = s->deactivate_missing ? s->nabsent : 0;
    printf(T("nouveaux %zu, modifiés %zu, inchangés %zu, désactivés %zu\n",
             "new %zu, changed %zu, unchanged %zu, deactivated %zu\n"),
           s->ncreated, s->nchanged, s->nunchanged, deactivated);
    if (s->nchanged)
        printf("%s\n", T("modifiés :", "changed:"));
    for (size_t i = 0; i < s->nchanged; i++) {
        const imp_changed *ch = &s->changed[i];
        printf("  %s %s:", ch->product->sku, ch->product->name);
        for (size_t k = 0; k < ch->nchanges; k++) {
            const imp_change *c = &ch->changes[k];
            printf("%s %s %s → %s", k ? "," : "", imp_field_label(c->field, fr),
                   imp_value_text(a, c->field, c->old_value, fr),
                   imp_value_text(a, c->field, c->new_value, fr));
        }
        printf("\n");
    }
    if (s->ncreated)
        printf("%s\n", T("nouveaux :", "new:"));
    for (size_t i = 0; i < s->ncreated; i++)
        printf("  %s %s\n", s->created[i]->sku, s->created[i]->name);
    if (s->nabsent)
        printf("%s\n",
               s->deactivate_missing
                   ? T("désactivés (absents du fichier) :", "deactivated (not in the file):")
                   : T("absents du fichier, laissés en vente (--deactivate-missing pour "
                       "les retirer) :",
                       "not in the file, kept on sale (--deactivate-missing takes them "
                       "off):"));
    for (size_t i = 0; i < s->nabsent; i++)
        printf("  %s %s\n", s->absent[i].sku, s->absent[i].name);
    if (s->dry_run)
        printf("%s\n", T("essai : rien n’a été enregistré", "dry run: nothing was written"));
}

static bool parse_format(const char *v, imp_format *out)
{
    static const char *const names[] = {"auto", "csv", "ofn", "dfc"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(v, names[i]) == 0) {
            *out = (imp_format)i;
            return true;
        }
    return false;
}

static bool parse_encoding(const char *v, imp_encoding *out)
{
    if (strcasecmp(v, "auto") == 0)
        *out = IMP_ENC_AUTO;
    else if (strcasecmp(v, "utf-8") == 0 || strcasecmp(v, "utf8") == 0)
        *out = IMP_ENC_UTF8;
    else if (strcasecmp(v, "windows-1252") == 0 || strcasecmp(v, "cp1252") == 0)
        *out = IMP_ENC_WINDOWS_1252;
    else
        return false;
    return true;
}

static int run(const char *path, imp_request *in)
{
    size_t max = g_config.catalog_max_bytes;
    char *data = read_catalog(path, max, &in->len);
    if (!data)
        return EXIT_REFUSED;
    in->data = data;
    db_conn *c = cli_db();
    if (!c) {
        free(data);
        return EXIT_REFUSED;
    }
    arena *a = arena_new();
    int rc = EXIT_REFUSED;
    int64_t hub = cli_hub(c);
    if (hub) {
        imp_result res;
        refusal why = {0};
        int st = imp_catalog_import(c, a, hub, in, &res, &why);
        if (st == 0) {
            print_summary(a, path, &res);
            rc = EXIT_OK;
        } else if (st > 0) {
            if (why.status == 422)
                print_problems(path, &res.catalog);
            fprintf(stderr, "km0 import: %s\n", refusal_text(&why, lang_fr() ? "fr" : "en"));
        } else {
            fprintf(stderr, "km0 import: %s\n", db_last_error(c)->message);
        }
    }
    arena_free(a);
    db_close(c);
    free(data);
    return rc;
}

/* km0 import catalog --producer SLUG [options] FILE */
int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"producer", required_argument, NULL, 'p'},     {"dry-run", no_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'f'},       {"encoding", required_argument, NULL, 'e'},
        {"deactivate-missing", no_argument, NULL, 'd'}, {NULL, 0, NULL, 0}};
    if (argc < 2 || strcmp(argv[1], "catalog") != 0)
        return cli_usage("import");
    imp_request in = {0};
    int ch;
    optind = 2;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'p':
            in.producer_slug = optarg;
            break;
        case 'n':
            in.dry_run = true;
            break;
        case 'd':
            in.deactivate_missing = true;
            break;
        case 'f':
            if (!parse_format(optarg, &in.format)) {
                fprintf(stderr, "km0 import: --format is auto, csv, ofn or dfc\n");
                return cli_usage("import");
            }
            break;
        case 'e':
            if (!parse_encoding(optarg, &in.encoding)) {
                fprintf(stderr, "km0 import: --encoding is auto, utf-8 or windows-1252\n");
                return cli_usage("import");
            }
            break;
        default:
            return cli_usage("import");
        }
    }
    if (!in.producer_slug || optind != argc - 1)
        return cli_usage("import");
    return run(argv[optind], &in);
}
