/*
 * importers/bank_csv.c — the CSV exports of French banks' online banking.
 *
 * Each bank has its dialect (Crédit Agricole: "Date;Libellé;Débit euros;Crédit euros",
 * Société Générale: "Date de l'opération;Libellé;Détail de l'écriture;Montant de
 * l'opération;Devise", La Banque Postale: "Date;Libellé;Montant(EUROS)", Crédit
 * Mutuel: "Date;Date de valeur;Débit;Crédit;Libellé;Solde"...), but they share a
 * shape: a few lines about the account (its number, often its IBAN, the period), then
 * a header row, then one row per booked operation, in Windows-1252 with ';' and a
 * decimal comma. km0 finds the header by the names of its columns (accents and case
 * ignored), decodes and splits the file with importers/csv.c as catalogs are, and
 * takes an IBAN written above the header as the account's.
 *
 * A CSV line has no reference of the bank's: importers/bank_import.c identifies it by
 * its content (date, amount, label, and its rank among identical lines).
 */
#include "catalog.h"
#include "csv.h"
#include "statement.h"
#include "../core/parse.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define HEADER_SEARCH 30 /* rows above the header at most */
#define FIELD_MAX     1024

enum { COL_DATE, COL_VALUE, COL_LABEL, COL_AMOUNT, COL_DEBIT, COL_CREDIT, COL_CCY, COLS };

typedef struct {
    int col[COLS]; /* field index, -1 when absent */
    int extra[4];  /* more label columns, appended to the remittance */
    int nextra;
} columns;

static bool starts(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

/* Which column a header cell names, or -1; -2 for another label column. */
static int column_of(const char *cell)
{
    char f[128];
    name_fold(cell, f, sizeof f);
    if (starts(f, "date de valeur") || !strcmp(f, "date valeur") || !strcmp(f, "dateval") ||
        !strcmp(f, "valeur"))
        return COL_VALUE;
    if (starts(f, "date"))
        return COL_DATE;
    if (starts(f, "montant") || !strcmp(f, "amount"))
        return COL_AMOUNT;
    if (starts(f, "debit"))
        return COL_DEBIT;
    if (starts(f, "credit"))
        return COL_CREDIT;
    if (!strcmp(f, "devise") || !strcmp(f, "currency"))
        return COL_CCY;
    if (starts(f, "libelle") || starts(f, "label") || starts(f, "intitule") || starts(f, "motif") ||
        starts(f, "detail") || starts(f, "nature") || starts(f, "information"))
        return -2;
    return -1;
}

/* The header: a date, a label and an amount (or a debit and a credit). */
static bool header_of(const csv_record *rec, columns *c)
{
    for (int k = 0; k < COLS; k++)
        c->col[k] = -1;
    c->nextra = 0;
    for (size_t i = 0; i < rec->nfields; i++) {
        int k = column_of(rec->fields[i]);
        if (k == -2) {
            if (c->col[COL_LABEL] < 0)
                c->col[COL_LABEL] = (int)i;
            else if (c->nextra < 4)
                c->extra[c->nextra++] = (int)i;
        } else if (k >= 0 && c->col[k] < 0) {
            c->col[k] = (int)i;
        }
    }
    return c->col[COL_DATE] >= 0 && c->col[COL_LABEL] >= 0 &&
           (c->col[COL_AMOUNT] >= 0 || c->col[COL_DEBIT] >= 0 || c->col[COL_CREDIT] >= 0);
}

/* An IBAN written anywhere in a line above the header ("IBAN : FR76 3000 ..."). */
static const char *iban_in(arena *a, const csv_record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++) {
        char compact[FIELD_MAX];
        size_t n = 0;
        for (const char *p = rec->fields[i]; *p && n + 1 < sizeof compact; p++)
            if (isalnum((unsigned char)*p))
                compact[n++] = (char)toupper((unsigned char)*p);
        compact[n] = '\0';
        for (size_t s = 0; s + 15 <= n; s++) {
            if (!isalpha((unsigned char)compact[s]) || !isalpha((unsigned char)compact[s + 1]) ||
                !isdigit((unsigned char)compact[s + 2]) || !isdigit((unsigned char)compact[s + 3]))
                continue;
            for (size_t len = n - s < IBAN_MAX ? n - s : IBAN_MAX; len >= 15; len--) {
                char cand[IBAN_MAX + 1], norm[IBAN_MAX + 1];
                memcpy(cand, compact + s, len);
                cand[len] = '\0';
                if (bank_iban_normalize(cand, norm))
                    return arena_strdup(a, norm);
            }
        }
    }
    return "";
}

static const char *field(const csv_record *rec, int k)
{
    return k >= 0 && (size_t)k < rec->nfields ? rec->fields[k] : "";
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ')
            return false;
    return true;
}

/* DD/MM/YYYY, DD/MM/YY, DD-MM-YYYY or YYYY-MM-DD into YYYY-MM-DD; NULL when none. */
static const char *csv_date(arena *a, const char *s)
{
    while (*s == ' ')
        s++;
    int d, m, y;
    char tail;
    char iso[11];
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && strlen(s) == 10) {
        /* as written */
    } else if ((sscanf(s, "%2d/%2d/%4d%c", &d, &m, &y, &tail) == 3 ||
                sscanf(s, "%2d-%2d-%4d%c", &d, &m, &y, &tail) == 3 ||
                sscanf(s, "%2d.%2d.%4d%c", &d, &m, &y, &tail) == 3) &&
               (strlen(s) == 10 || strlen(s) == 8)) {
        if (strlen(s) == 8)
            y += 2000;
    } else {
        return NULL;
    }
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
    parse_date pd;
    return parse_date_iso(iso, 1990, 2200, &pd) == PARSE_OK ? arena_strdup(a, iso) : NULL;
}

/* "VIR SEPA RECU /DE DURAND ELOISE /MOTIF ..." → "DURAND ELOISE"; else the label. */
static const char *payer_in(arena *a, const char *label)
{
    static const char *const marks[] = {"/DE ", "/FRM ", "DE: ", "DE : "};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        const char *p = strstr(label, marks[i]);
        if (!p)
            continue;
        p += strlen(marks[i]);
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n && p[n - 1] == ' ')
            n--;
        while (n > 140 || (n && ((unsigned char)p[n] & 0xC0) == 0x80))
            n--;
        if (n)
            return arena_strndup(a, p, n);
    }
    size_t n = strlen(label);
    while (n > 140 || (n && ((unsigned char)label[n] & 0xC0) == 0x80))
        n--;
    return arena_strndup(a, label, n);
}

static const char *cut500(arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n <= 500)
        return s;
    n = 500;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return arena_strndup(a, s, n);
}

/* One data row into e; 0 (or -1: not an operation, skipped) or a refusal. The record's
 * fields live until the next record: what e keeps is copied into the arena. */
static int read_row(arena *a, const csv_record *rec, const columns *c, int number, stmt_entry *e,
                    refusal *why)
{
    const char *date = field(rec, c->col[COL_DATE]);
    const char *amount = field(rec, c->col[COL_AMOUNT]), *debit = field(rec, c->col[COL_DEBIT]),
               *credit = field(rec, c->col[COL_CREDIT]);
    bool has_amount = !blank(amount) || !blank(debit) || !blank(credit);
    const char *when = csv_date(a, date);
    if (!when) {
        if (!has_amount)
            return -1; /* a line of text: a balance, a total, a title */
        return stmt_refuse(why, a, number, rec->line,
                           arena_printf(a, "la date « %s » n’est pas une date (JJ/MM/AAAA).", date),
                           arena_printf(a, "the date \"%s\" is not a date (DD/MM/YYYY).", date));
    }
    const char *ccy = field(rec, c->col[COL_CCY]);
    if (!blank(ccy) && strcmp(ccy, "EUR") != 0 && strcmp(ccy, "€") != 0 &&
        strcmp(ccy, "EURO") != 0 && strcmp(ccy, "Euro") != 0)
        return stmt_refuse(why, a, number, rec->line,
                           arena_printf(a, "la devise est %s ; km0 ne tient que des euros.", ccy),
                           arena_printf(a, "the currency is %s; km0 keeps euros only.", ccy));
    cents_t v = 0, d = 0, k = 0;
    bool ok;
    if (!blank(amount))
        ok = stmt_amount(amount, true, &v);
    else
        ok = (blank(debit) || stmt_amount(debit, true, &d)) &&
             (blank(credit) || stmt_amount(credit, true, &k)) && (blank(debit) != blank(credit));
    if (ok && blank(amount))
        v = blank(debit) ? (k < 0 ? -k : k) : -(d < 0 ? -d : d);
    if (!ok || v == 0) {
        const char *shown = !blank(amount) ? amount : !blank(debit) ? debit : credit;
        return stmt_refuse(
            why, a, number, rec->line,
            arena_printf(a, "le montant « %s » n’est pas un montant à deux décimales au plus.",
                         shown),
            arena_printf(a, "the amount \"%s\" is not an amount with at most two decimals.",
                         shown));
    }
    const char *label = field(rec, c->col[COL_LABEL]);
    buf b = BUF_INIT;
    buf_puts(&b, label);
    for (int i = 0; i < c->nextra; i++)
        if (!blank(field(rec, c->extra[i])))
            buf_printf(&b, " %s", field(rec, c->extra[i]));
    const char *remittance = cut500(a, arena_strdup(a, buf_str(&b)));
    buf_free(&b);
    const char *value = csv_date(a, field(rec, c->col[COL_VALUE]));
    char rf[RF_MAX + 1];
    *e = (stmt_entry){.number = number,
                      .line = rec->line,
                      .bank_ref = "",
                      .booked_on = when,
                      .value_on = value ? value : "",
                      .amount = v,
                      .counterparty = payer_in(a, label),
                      .counterparty_iban = "",
                      .remittance = remittance,
                      .reference = rf_find(remittance, rf) ? arena_strdup(a, rf) : "",
                      .end_to_end_id = "",
                      .payment_info_id = "",
                      .bank_code = ""};
    return 0;
}

int bank_csv_parse(arena *a, const char *data, size_t len, stmt_file *out, refusal *why)
{
    *out = (stmt_file){.format = "csv", .account_iban = "", .statements = 1};
    if (len > STMT_MAX_BYTES)
        return stmt_refuse(why, a, 0, 1, "le fichier dépasse 64 Mo.", "the file is over 64 MB.");
    csv_text t;
    csv_decode(data, len, IMP_ENC_AUTO, a, &t);
    csv_reader r;
    csv_reader_init(&r, t.data, t.len, csv_detect_separator(t.data, t.len), FIELD_MAX, 32);
    csv_record rec;
    columns c;
    bool found = false;
    while (!found && csv_next(&r, &rec) && rec.row <= HEADER_SEARCH) {
        if (header_of(&rec, &c))
            found = true;
        else if (!*out->account_iban)
            out->account_iban = iban_in(a, &rec);
    }
    if (!found) {
        csv_reader_free(&r);
        return stmt_refuse(why, a, 0, 1,
                           "aucune ligne d’en-tête (Date, Libellé, Montant ou Débit/Crédit) dans "
                           "les 30 premières lignes.",
                           "no header row (Date, Label, Amount or Debit/Credit) in the first 30 "
                           "lines.");
    }
    size_t cap = 256;
    out->entries = arena_alloc(a, cap * sizeof *out->entries);
    int st = 0;
    while (csv_next(&r, &rec)) {
        if (rec.unterminated) {
            st = stmt_refuse(why, a, 0, rec.line, "un guillemet n’est pas refermé.",
                             "a quote is never closed.");
            break;
        }
        if (out->n == STMT_MAX_ENTRIES) {
            st = stmt_refuse(why, a, 0, rec.line, "le fichier a trop de lignes (200 000 au plus).",
                             "the file has too many lines (200 000 at most).");
            break;
        }
        if (out->n == cap) {
            stmt_entry *grown = arena_alloc(a, 2 * cap * sizeof *grown);
            memcpy(grown, out->entries, cap * sizeof *grown);
            out->entries = grown;
            cap *= 2;
        }
        int k = read_row(a, &rec, &c, (int)out->n + 1, &out->entries[out->n], why);
        if (k > 0) {
            st = k;
            break;
        }
        if (k == 0)
            out->n++;
    }
    csv_reader_free(&r);
    return st;
}
