/*
 * importers/camt.c — ISO 20022 bank-to-customer messages: camt.053 (statement) and
 * camt.054 (debit/credit notification), versions .001.02 and .001.08.
 *
 * libxml2 reads the document into a tree (never the network, never a DTD: a document
 * declaring one is refused), then the entries are read by element name, whichever of
 * the two versions' shapes they have (.08 wraps a party's name in <Pty>, states the
 * status in <Sts><Cd>, and may name an account by <Othr><Id> rather than <IBAN>).
 * What the schema validation (camt_validate, against the official XSD when given)
 * would not catch but km0 cares about is checked here, entry by entry: the currency,
 * two decimals at most, a booking date that exists.
 */
#include "statement.h"
#include "../core/parse.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <string.h>

#define NS_PREFIX "urn:iso:std:iso:20022:tech:xsd:"

static const char *const formats[] = {"camt.053.001.02", "camt.053.001.08", "camt.054.001.02",
                                      "camt.054.001.08"};

int stmt_refuse(refusal *why, arena *a, int number, int line, const char *fr, const char *en)
{
    return refuse(why, 422, "invalid_statement", "file",
                  number ? arena_printf(a, "Écriture %d (ligne %d) : %s", number, line, fr)
                         : arena_printf(a, "Ligne %d : %s", line, fr),
                  number ? arena_printf(a, "Entry %d (line %d): %s", number, line, en)
                         : arena_printf(a, "Line %d: %s", line, en));
}

const char *camt_format(const char *data, size_t len)
{
    /* the namespace is in the first bytes of any real file; look no further than 4 KB */
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char ns[64];
        snprintf(ns, sizeof ns, NS_PREFIX "%s\"", formats[i]);
        size_t k = strlen(ns);
        for (size_t p = 0; p + k <= n; p++)
            if (!memcmp(data + p, ns, k))
                return formats[i];
    }
    return NULL;
}

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *kid(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* The element at a path of names under n ("Id/IBAN": the first of each name), or NULL. */
static xmlNode *at(xmlNode *n, const char *path)
{
    char name[32];
    while (n && *path) {
        size_t len = strcspn(path, "/");
        if (len >= sizeof name)
            return NULL;
        memcpy(name, path, len);
        name[len] = '\0';
        n = kid(n, name);
        path += len + (path[len] == '/');
    }
    return n;
}

/* An element's text, trimmed, line breaks and tabs as spaces, at most max bytes cut on
 * a character boundary; "" for NULL. */
static const char *text_of(arena *a, xmlNode *n, size_t max)
{
    if (!n)
        return "";
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return "";
    const char *s = (const char *)t;
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == '\t'))
        len--;
    if (len > max) {
        len = max;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    char *out = arena_strndup(a, s, len);
    xmlFree(t);
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return out;
}

bool stmt_amount(const char *s, bool comma, cents_t *out)
{
    const char *p = s;
    bool neg = false;
    while (*p == ' ')
        p++;
    if (*p == '-' || (comma && *p == '+')) {
        neg = *p == '-';
        p++;
    }
    int64_t v = 0;
    int digits = 0, decimals = -1;
    for (; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch >= '0' && ch <= '9') {
            if (decimals >= 0 && ++decimals > 2)
                return false;
            if (++digits > 13)
                return false;
            v = v * 10 + (ch - '0');
        } else if (ch == (comma ? ',' : '.') && decimals < 0 && digits) {
            decimals = 0;
        } else if (comma && decimals < 0 && digits && (ch == ' ' || ch == '.')) {
            continue; /* thousands: "1 234,56", "1.234,56" */
        } else if (comma && decimals < 0 && digits && ch == 0xC2 && (unsigned char)p[1] == 0xA0) {
            p++; /* a no-break space between thousands */
        } else {
            break;
        }
    }
    while (*p == ' ')
        p++;
    if (*p || !digits || decimals == 0)
        return false;
    for (int k = decimals < 0 ? 0 : decimals; k < 2; k++)
        v *= 10;
    *out = neg ? -v : v;
    return true;
}

/* YYYY-MM-DD from <Dt> or the date part of <DtTm>, checked; NULL when absent or wrong. */
static const char *date_of(arena *a, xmlNode *n)
{
    const char *t = text_of(a, kid(n, "Dt"), 10);
    if (!*t)
        t = text_of(a, kid(n, "DtTm"), 64);
    if (strlen(t) < 10)
        return NULL;
    char d[11];
    memcpy(d, t, 10);
    d[10] = '\0';
    parse_date pd;
    if (parse_date_iso(d, 1990, 2200, &pd) != PARSE_OK)
        return NULL;
    return arena_strdup(a, d);
}

/* A party's name: <Nm> (.02) or <Pty><Nm> (.08). */
static const char *party_name(arena *a, xmlNode *party)
{
    xmlNode *n = kid(party, "Nm");
    if (!n)
        n = at(party, "Pty/Nm");
    return text_of(a, n, 140);
}

static const char *account_id(arena *a, xmlNode *acct)
{
    xmlNode *n = at(acct, "Id/IBAN");
    if (!n)
        n = at(acct, "Id/Othr/Id");
    const char *t = text_of(a, n, 64);
    char c[IBAN_MAX + 1];
    return bank_iban_normalize(t, c) ? arena_strdup(a, c) : t;
}

/* Everything a person may have written to say what a payment is for. */
static const char *remittance_of(arena *a, xmlNode *ntry, xmlNode *tx, const char **structured)
{
    buf b = BUF_INIT;
    *structured = "";
    for (xmlNode *r = tx ? kid(tx, "RmtInf") : NULL; r; r = NULL)
        for (xmlNode *c = r->children; c; c = c->next) {
            if (is(c, "Ustrd")) {
                buf_puts(&b, b.len ? " " : "");
                buf_puts(&b, text_of(a, c, 140));
            } else if (is(c, "Strd")) {
                const char *ref = text_of(a, at(c, "CdtrRefInf/Ref"), 35);
                if (*ref && !**structured)
                    *structured = ref;
                const char *add = text_of(a, kid(c, "AddtlRmtInf"), 140);
                buf_printf(&b, "%s%s%s%s", b.len && *ref ? " " : "", ref, *add ? " " : "", add);
            }
        }
    const char *more[] = {tx ? text_of(a, kid(tx, "AddtlTxInf"), 500) : "",
                          text_of(a, kid(ntry, "AddtlNtryInf"), 500)};
    for (size_t i = 0; i < 2; i++)
        if (*more[i])
            buf_printf(&b, "%s%s", b.len ? " " : "", more[i]);
    size_t len = b.len > 500 ? 500 : b.len;
    while (len && len < b.len && ((unsigned char)b.data[len] & 0xC0) == 0x80)
        len--;
    const char *s = arena_strndup(a, buf_str(&b), len);
    buf_free(&b);
    return s;
}

static const char *bank_code_of(arena *a, xmlNode *ntry)
{
    xmlNode *d = at(ntry, "BkTxCd/Domn");
    if (d)
        return arena_printf(a, "%s/%s/%s", text_of(a, kid(d, "Cd"), 4),
                            text_of(a, at(d, "Fmly/Cd"), 4),
                            text_of(a, at(d, "Fmly/SubFmlyCd"), 4));
    return text_of(a, at(ntry, "BkTxCd/Prtry/Cd"), 35);
}

static bool booked(arena *a, xmlNode *ntry)
{
    xmlNode *s = kid(ntry, "Sts");
    if (!s)
        return false;
    xmlNode *cd = kid(s, "Cd");
    if (!cd)
        cd = kid(s, "Prtry");
    return !strcmp(text_of(a, cd ? cd : s, 8), "BOOK");
}

static bool real_id(const char *s)
{
    return *s && strcmp(s, "NOTPROVIDED") != 0;
}

/* One <Ntry>, checked, into e. 0 or a refusal naming it. */
static int read_entry(arena *a, xmlNode *ntry, int number, stmt_entry *e, refusal *why)
{
    int line = (int)xmlGetLineNo(ntry);
    xmlNode *amt = kid(ntry, "Amt");
    xmlChar *ccy = amt ? xmlGetProp(amt, (const xmlChar *)"Ccy") : NULL;
    bool euro = ccy && !strcmp((const char *)ccy, "EUR");
    const char *ccy_text = arena_strdup(a, ccy ? (const char *)ccy : "?");
    xmlFree(ccy);
    if (!euro)
        return stmt_refuse(
            why, a, number, line,
            arena_printf(a, "le montant est en %s ; km0 ne tient que des euros.", ccy_text),
            arena_printf(a, "the amount is in %s; km0 keeps euros only.", ccy_text));
    const char *amount = text_of(a, amt, 40);
    cents_t v;
    if (!stmt_amount(amount, false, &v) || v <= 0)
        return stmt_refuse(
            why, a, number, line,
            arena_printf(a,
                         "le montant « %s » n’est pas un montant positif à deux décimales au plus.",
                         amount),
            arena_printf(a, "the amount \"%s\" is not a positive amount with at most two decimals.",
                         amount));
    const char *sign = text_of(a, kid(ntry, "CdtDbtInd"), 8);
    if (strcmp(sign, "CRDT") != 0 && strcmp(sign, "DBIT") != 0)
        return stmt_refuse(why, a, number, line, "le sens (CRDT ou DBIT) manque.",
                           "the direction (CRDT or DBIT) is missing.");
    bool credit = !strcmp(sign, "CRDT");
    const char *when = date_of(a, kid(ntry, "BookgDt"));
    if (!when)
        return stmt_refuse(why, a, number, line,
                           "la date de comptabilisation manque ou n’existe pas.",
                           "the booking date is missing or does not exist.");
    xmlNode *tx = at(ntry, "NtryDtls/TxDtls");
    xmlNode *parties = kid(tx, "RltdPties");
    const char *structured;
    *e = (stmt_entry){
        .number = number,
        .line = line,
        .booked_on = when,
        .amount = credit ? v : -v,
        .counterparty = party_name(a, kid(parties, credit ? "Dbtr" : "Cdtr")),
        .counterparty_iban = account_id(a, kid(parties, credit ? "DbtrAcct" : "CdtrAcct")),
        .remittance = remittance_of(a, ntry, tx, &structured),
        .payment_info_id = text_of(a, at(tx, "Refs/PmtInfId"), 35),
        .bank_code = bank_code_of(a, ntry),
        .reversal = !strcmp(text_of(a, kid(ntry, "RvslInd"), 8), "true"),
    };
    const char *vd = date_of(a, kid(ntry, "ValDt"));
    e->value_on = vd ? vd : "";
    e->bank_ref = text_of(a, kid(ntry, "AcctSvcrRef"), 100);
    if (!*e->bank_ref)
        e->bank_ref = text_of(a, kid(ntry, "NtryRef"), 100);
    if (strlen(e->counterparty_iban) > IBAN_MAX)
        e->counterparty_iban = "";
    /* every transaction's end-to-end id: a direct debit batch may be booked as one entry */
    size_t cap = 0;
    for (xmlNode *t = kid(ntry, "NtryDtls") ? kid(ntry, "NtryDtls")->children : NULL; t;
         t = t->next)
        cap += is(t, "TxDtls");
    if (cap > STMT_MAX_REFS)
        cap = STMT_MAX_REFS;
    e->end_to_end_ids = arena_alloc(a, (cap ? cap : 1) * sizeof *e->end_to_end_ids);
    for (xmlNode *t = kid(ntry, "NtryDtls") ? kid(ntry, "NtryDtls")->children : NULL;
         t && e->nend_to_end < cap; t = t->next) {
        const char *id = is(t, "TxDtls") ? text_of(a, at(t, "Refs/EndToEndId"), 35) : "";
        if (real_id(id))
            e->end_to_end_ids[e->nend_to_end++] = id;
    }
    e->end_to_end_id = e->nend_to_end ? e->end_to_end_ids[0] : "";
    char rf[RF_MAX + 1];
    int64_t id;
    if (rf_normalize(structured, rf) && rf_parse(rf, &id) != RF_NONE)
        e->reference = arena_strdup(a, rf);
    else
        e->reference = rf_find(e->remittance, rf) ? arena_strdup(a, rf) : "";
    return 0;
}

/* One <Stmt> or <Ntfctn>: its account, then its entries appended to out. */
static int read_statement(arena *a, xmlNode *st, stmt_file *out, size_t *cap, refusal *why)
{
    xmlNode *acct = kid(st, "Acct");
    int line = (int)xmlGetLineNo(st);
    const char *iban = account_id(a, acct);
    if (!*iban)
        return stmt_refuse(why, a, 0, line, "le relevé ne dit pas de quel compte il est.",
                           "the statement does not say which account it is of.");
    const char *ccy = text_of(a, kid(acct, "Ccy"), 8);
    if (*ccy && strcmp(ccy, "EUR") != 0)
        return stmt_refuse(
            why, a, 0, line,
            arena_printf(a, "le compte %s est en %s ; km0 ne tient que des euros.", iban, ccy),
            arena_printf(a, "account %s is in %s; km0 keeps euros only.", iban, ccy));
    if (!*out->account_iban)
        out->account_iban = iban;
    else if (strcmp(out->account_iban, iban) != 0)
        return stmt_refuse(
            why, a, 0, line,
            arena_printf(a, "le fichier mêle deux comptes (%s et %s).", out->account_iban, iban),
            arena_printf(a, "the file mixes two accounts (%s and %s).", out->account_iban, iban));
    out->statements++;
    for (xmlNode *n = st->children; n; n = n->next) {
        if (!is(n, "Ntry"))
            continue;
        int number = (int)(out->n + out->not_booked + 1);
        if (!booked(a, n)) {
            out->not_booked++;
            continue;
        }
        if (out->n == STMT_MAX_ENTRIES)
            return stmt_refuse(why, a, number, (int)xmlGetLineNo(n),
                               "le fichier a trop d’écritures (200 000 au plus).",
                               "the file has too many entries (200 000 at most).");
        if (out->n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            stmt_entry *grown = arena_alloc(a, *cap * sizeof *grown);
            if (out->n)
                memcpy(grown, out->entries, out->n * sizeof *grown);
            out->entries = grown;
        }
        int st_ = read_entry(a, n, number, &out->entries[out->n], why);
        if (st_)
            return st_;
        out->n++;
    }
    return 0;
}

static void free_doc(void *d)
{
    xmlFreeDoc(d);
}

int camt_parse(arena *a, const char *data, size_t len, stmt_file *out, refusal *why)
{
    *out = (stmt_file){.account_iban = ""};
    if (len > STMT_MAX_BYTES)
        return stmt_refuse(why, a, 0, 1, "le fichier dépasse 64 Mo.", "the file is over 64 MB.");
    const char *format = camt_format(data, len);
    if (!format)
        return stmt_refuse(why, a, 0, 1,
                           "ce n’est pas un relevé camt.053 ou camt.054 (.001.02 ou .001.08).",
                           "this is not a camt.053 or camt.054 statement (.001.02 or .001.08).");
    xmlDoc *doc = xmlReadMemory(data, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    if (!doc) {
        const xmlError *err = xmlGetLastError();
        int line = err ? err->line : 1;
        return stmt_refuse(why, a, 0, line, "le fichier n’est pas du XML bien formé.",
                           "the file is not well-formed XML.");
    }
    arena_defer(a, free_doc, doc);
    if (doc->intSubset)
        return stmt_refuse(why, a, 0, 1, "un relevé ne déclare pas de DTD.",
                           "a statement declares no DTD.");
    xmlNode *root = xmlDocGetRootElement(doc);
    bool notification = !strncmp(format, "camt.054", 8);
    xmlNode *body = kid(root, notification ? "BkToCstmrDbtCdtNtfctn" : "BkToCstmrStmt");
    if (!is(root, "Document") || !body || !root->ns ||
        strcmp((const char *)root->ns->href + strlen(NS_PREFIX), format) != 0)
        return stmt_refuse(why, a, 0, root ? (int)xmlGetLineNo(root) : 1,
                           "le document n’a pas la forme d’un relevé ISO 20022.",
                           "the document is not shaped as an ISO 20022 statement.");
    out->format = format;
    size_t cap = 0;
    for (xmlNode *n = body->children; n; n = n->next)
        if (is(n, notification ? "Ntfctn" : "Stmt")) {
            int st = read_statement(a, n, out, &cap, why);
            if (st)
                return st;
        }
    if (out->statements == 0)
        return stmt_refuse(why, a, 0, (int)xmlGetLineNo(body),
                           notification ? "aucune notification (Ntfctn) dans le fichier."
                                        : "aucun relevé (Stmt) dans le fichier.",
                           notification ? "no notification (Ntfctn) in the file."
                                        : "no statement (Stmt) in the file.");
    return 0;
}

typedef struct {
    bool set;
    int line;
    char message[300];
} first_error;

static void schema_error(void *ctx, xmlErrorPtr err)
{
    first_error *f = ctx;
    if (f->set || !err)
        return;
    f->set = true;
    f->line = err->line;
    snprintf(f->message, sizeof f->message, "%s", err->message ? err->message : "invalid");
    size_t n = strlen(f->message);
    while (n && (f->message[n - 1] == '\n' || f->message[n - 1] == ' '))
        f->message[--n] = '\0';
}

int camt_validate(arena *a, const char *data, size_t len, const char *xsd_dir, bool *checked,
                  refusal *why)
{
    *checked = false;
    const char *format = camt_format(data, len);
    if (!xsd_dir || !*xsd_dir || !format)
        return 0;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.xsd", xsd_dir, format);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    fclose(f);
    xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(path);
    xmlSchema *schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!schema)
        return 0;
    xmlDoc *doc = xmlReadMemory(data, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                    XML_PARSE_BIG_LINES);
    int rc = 0;
    if (doc && !doc->intSubset) {
        xmlSchemaValidCtxt *vc = xmlSchemaNewValidCtxt(schema);
        first_error first = {0};
        xmlSchemaSetValidStructuredErrors(vc, schema_error, &first);
        *checked = true;
        if (xmlSchemaValidateDoc(vc, doc) != 0)
            rc = stmt_refuse(why, a, 0, first.set ? first.line : 1,
                             arena_printf(a, "le relevé ne respecte pas le schéma %s (%s).", format,
                                          first.set ? first.message : "invalide"),
                             arena_printf(a, "the statement does not follow the %s schema (%s).",
                                          format, first.set ? first.message : "invalid"));
        xmlSchemaFreeValidCtxt(vc);
    }
    if (doc)
        xmlFreeDoc(doc);
    xmlSchemaFree(schema);
    return rc;
}
