/*
 * importers/catalog_review.c — checked files kept for their import, and the
 * warnings a file deserves before it goes on sale (importers/catalog_review.h).
 *
 * The bytes travel to and from PostgreSQL as hex text: statements take text
 * parameters only, and hex needs no escaping.
 */
#include "catalog_review.h"
#include "../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

DB_STMT(draft_expire, "DELETE FROM catalog_drafts WHERE created_at < now() - interval '1 hour'");
DB_STMT(draft_insert,
        "INSERT INTO catalog_drafts (token_sha256, hub_id, producer_id, user_id, filename,"
        "                            encoding, deactivate_missing, data)"
        " VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4, $5, $6, $7, decode($8, 'hex'))");
DB_STMT(draft_select, "SELECT filename, encoding, deactivate_missing, encode(data, 'hex') AS data"
                      "  FROM catalog_drafts WHERE token_sha256 = sha256(convert_to($1, 'UTF8'))"
                      "   AND hub_id = $2 AND producer_id = $3 AND user_id = $4"
                      "   AND created_at > now() - interval '1 hour'");
DB_STMT(draft_delete,
        "DELETE FROM catalog_drafts WHERE token_sha256 = sha256(convert_to($1, 'UTF8'))");
/* per producer of the hub, how many of the file's SKUs its catalog holds */
DB_STMT(sku_owners, "SELECT pr.id, pr.name, count(*) AS n FROM products x"
                    "  JOIN producers pr ON pr.id = x.producer_id"
                    " WHERE x.hub_id = $1 AND x.sku = ANY($2::text[])"
                    " GROUP BY pr.id, pr.name ORDER BY count(*) DESC, pr.id LIMIT 5");

static char *to_hex(arena *a, const char *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char *out = arena_alloc(a, 2 * len + 1);
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex[(unsigned char)data[i] >> 4];
        out[2 * i + 1] = hex[(unsigned char)data[i] & 15];
    }
    out[2 * len] = '\0';
    return out;
}

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

db_status imp_draft_save(db_conn *c, arena *a, int64_t hub, int64_t producer, int64_t user,
                         const imp_draft *d, char *token)
{
    db_status st = db_do(c, &draft_expire, DB_NOPARAMS);
    if (st != DB_OK)
        return st;
    char t[64];
    random_token(t, 24); /* 24 random bytes: 32 base64url characters */
    t[IMP_DRAFT_TOKEN_LEN] = '\0';
    memcpy(token, t, IMP_DRAFT_TOKEN_LEN + 1);
    char name[256];
    snprintf(name, sizeof name, "%s", d->filename ? d->filename : "");
    if (!utf8_valid(name, strlen(name)))
        name[0] = '\0';
    return db_do(c, &draft_insert,
                 DB_P(token, db_i64(a, hub), db_i64(a, producer), db_i64(a, user), name,
                      d->encoding, d->deactivate_missing ? "t" : "f", to_hex(a, d->data, d->len)));
}

db_status imp_draft_load(db_conn *c, arena *a, int64_t hub, int64_t producer, int64_t user,
                         const char *token, imp_draft *d, bool *found)
{
    *found = false;
    if (!token || strlen(token) != IMP_DRAFT_TOKEN_LEN)
        return DB_OK;
    PGresult *r;
    db_status st = db_run_a(c, a, &draft_select, &r,
                            DB_P(token, db_i64(a, hub), db_i64(a, producer), db_i64(a, user)));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    const char *hex = db_val(r, 0, "data");
    size_t n = strlen(hex) / 2;
    char *bytes = arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++)
        bytes[i] = (char)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    bytes[n] = '\0';
    *d = (imp_draft){db_val(r, 0, "filename"), db_val(r, 0, "encoding"),
                     db_bool(r, 0, "deactivate_missing"), bytes, n};
    *found = true;
    return DB_OK;
}

db_status imp_draft_delete(db_conn *c, arena *a, const char *token)
{
    (void)a;
    return db_do(c, &draft_delete, DB_P(token));
}

/* Does one name hold the other (ASCII case aside)? "GAEC Ferme X" and "Ferme X" agree. */
static bool names_agree(const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);
    const char *longer = nx >= ny ? x : y, *shorter = nx >= ny ? y : x;
    size_t nl = nx >= ny ? nx : ny, ns = nx >= ny ? ny : nx;
    for (size_t i = 0; i + ns <= nl; i++)
        if (!strncasecmp(longer + i, shorter, ns))
            return true;
    return false;
}

db_status imp_catalog_warnings(db_conn *c, arena *a, int64_t hub, const imp_producer *p,
                               const imp_catalog *cat, imp_warning **out, size_t *n)
{
    imp_warning *w = arena_alloc(a, 3 * sizeof *w);
    *out = w;
    *n = 0;
    if (cat->encoding_guessed)
        w[(*n)++] = (imp_warning){
            "encoding_guessed",
            "Ce fichier n’est pas en UTF-8 : km0 l’a lu comme du Windows-1252 (Excel sous "
            "Windows), ce qui n’est qu’une supposition. Vérifiez les accents des noms "
            "ci-dessous (« Café », pas « CafÃ© » ni « Café ÿþ ») ; s’ils sont faux, "
            "choisissez le bon encodage ou enregistrez le fichier en UTF-8.",
            "This file is not UTF-8: km0 read it as Windows-1252 (Excel on Windows), which is "
            "only a guess. Check the accents of the names below (\"Café\", not \"CafÃ©\" nor "
            "\"Café ÿþ\"); if they are wrong, choose the right encoding or save the file as "
            "UTF-8."};
    if (cat->producer_name && *cat->producer_name && !names_agree(cat->producer_name, p->name))
        w[(*n)++] = (imp_warning){"other_producer",
                                  arena_printf(a, "Ce fichier est au nom de « %s », pas de « %s ».",
                                               cat->producer_name, p->name),
                                  arena_printf(a, "This file is in the name of \"%s\", not \"%s\".",
                                               cat->producer_name, p->name)};
    if (cat->nproducts == 0)
        return DB_OK;
    const char **skus = arena_alloc(a, cat->nproducts * sizeof *skus);
    for (size_t i = 0; i < cat->nproducts; i++)
        skus[i] = cat->products[i].sku;
    PGresult *r;
    db_status st = db_run_a(c, a, &sku_owners, &r,
                            DB_P(db_i64(a, hub), db_text_array(a, skus, cat->nproducts)));
    if (st != DB_OK)
        return st;
    int64_t own = 0, best = 0;
    const char *best_name = NULL;
    for (int i = 0; i < PQntuples(r); i++) {
        if (db_int(r, i, "id") == p->id)
            own = db_int(r, i, "n");
        else if (!best_name) {
            best = db_int(r, i, "n");
            best_name = db_val(r, i, "name");
        }
    }
    /* most of the file is someone else's catalog, and more of it than the producer's own */
    if (best_name && best >= 3 && best > own && 2 * (size_t)best >= cat->nproducts)
        w[(*n)++] = (imp_warning){
            "other_catalog",
            arena_printf(a,
                         "%lld des %zu références de ce fichier sont celles du catalogue de « %s "
                         "» : est-ce bien le vôtre\u00a0?",
                         (long long)best, cat->nproducts, best_name),
            arena_printf(a,
                         "%lld of the %zu SKUs in this file are those of \"%s\"'s catalog: is it "
                         "really yours?",
                         (long long)best, cat->nproducts, best_name)};
    return DB_OK;
}
