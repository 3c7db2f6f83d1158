/*
 * core/customer_offline.c — registering and finding customers at the desk.
 *
 * Phone numbers are stored in one form per country so that the same number typed
 * two ways is found again: French numbers as people read them ("06 12 34 56 78"),
 * others as "+" and their digits. A search by phone compares the digits without the
 * national leading zeros, at the end of the number, so "56 78", "0612345678" and
 * "+33 6 12 34 56 78" all find "06 12 34 56 78" (schema/017_paper.sql indexes that
 * expression). A search by name is a case-blind substring: at hub scale (a few
 * thousand customers) a scan is instant, and strpos needs no escaping of % or _.
 */
#include "customer_offline.h"
#include "phone.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

DB_STMT(customer_insert_offline,
        "INSERT INTO customers (hub_id, kind, name, email, phone, registered_by)"
        " VALUES ($1, 'person', $2, $3, $4, $5) RETURNING id");
#define CUSTOMER_COLS                                                                              \
    "SELECT c.id, c.name, c.phone, c.email,"                                                       \
    " EXISTS (SELECT 1 FROM users u WHERE u.hub_id = c.hub_id AND u.customer_id = c.id"            \
    "         AND u.active) AS has_account FROM customers c"
DB_STMT_IDEMPOTENT(customer_search_rows, CUSTOMER_COLS
                   " WHERE c.hub_id = $1 AND ($2 = ''"
                   "   OR strpos(lower(c.name), lower($2)) > 0"
                   "   OR ($3 <> '' AND ltrim(regexp_replace(c.phone, '[^0-9]', '', 'g'), '0')"
                   "                    LIKE '%' || $3))"
                   " ORDER BY CASE WHEN $2 = '' THEN c.id END DESC,"
                   "          c.name COLLATE \"fr-x-icu\", c.id LIMIT 50");
DB_STMT_IDEMPOTENT(customer_by_id, CUSTOMER_COLS " WHERE c.hub_id = $1 AND c.id = $2");

int customer_login_refusal(const char *identifier, refusal *why)
{
    char phone[PHONE_MAX];
    if (!identifier || strchr(identifier, '@') || !phone_parse(identifier, phone))
        return 0;
    return refuse(why, 422, "phone_cannot_log_in", "email",
                  "On se connecte avec une adresse e-mail. Un client inscrit par téléphone n’a "
                  "pas de compte : il commande en appelant le coordinateur, ou sur le bon de "
                  "commande papier.",
                  "Log in with an e-mail address. A customer registered by phone has no "
                  "account: they order by calling the coordinator, or on the paper order form.");
}

int customer_refuse_unknown(refusal *why, const char *field)
{
    return refuse(why, 404, "unknown_customer", field, "Ce client n’existe pas dans ce pôle.",
                  "There is no such customer in this hub.");
}

int customer_register(db_conn *c, arena *a, int64_t hub, int64_t by, const customer_new *in,
                      int64_t *id, refusal *why)
{
    refusal_detail *d = arena_alloc(a, 4 * sizeof *d);
    size_t n = 0;
    char phone[PHONE_MAX];
    text_detail(a, d, &n, "name", in->name, 1, 200, TEXT_LINE, "Le nom est obligatoire.",
                "The name is required.");
    if (!in->phone || !*in->phone)
        d[n++] =
            (refusal_detail){"missing_field", "phone", "Le numéro de téléphone est obligatoire.",
                             "The phone number is required."};
    else if (!phone_parse(in->phone, phone))
        d[n++] = (refusal_detail){"invalid_phone", "phone",
                                  "Ce n’est pas un numéro de téléphone : 10 chiffres "
                                  "(06 12 34 56 78) ou + et l’indicatif du pays.",
                                  "This is not a phone number: 10 digits (06 12 34 56 78) "
                                  "or + and the country code."};
    const char *email = in->email ? in->email : "";
    if (text_detail(a, d, &n, "email", email, 0, 254, TEXT_LINE,
                    "Cette adresse e-mail n’est pas valide.", "This email address is not valid.") &&
        *email && (!strchr(email, '@') || strchr(email, ' ') || strlen(email) < 3))
        d[n++] =
            (refusal_detail){"invalid_field", "email", "Cette adresse e-mail n’est pas valide.",
                             "This email address is not valid."};
    if (n) {
        refuse(why, 422, d[0].code, d[0].field, d[0].fr, d[0].en);
        why->details = d;
        why->ndetails = n;
        return 1;
    }
    char *lower = arena_strdup(a, email);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    PGresult *r;
    int st = db_run_a(c, a, &customer_insert_offline, &r,
                      DB_P(db_i64(a, hub), in->name, lower, phone, db_i64(a, by)));
    if (st != DB_OK)
        return st;
    *id = db_int(r, 0, "id");
    return 0;
}

static void row_from(arena *a, PGresult *r, int i, customer_row *out)
{
    (void)a;
    out->id = db_int(r, i, "id");
    out->name = db_val(r, i, "name");
    out->phone = db_val(r, i, "phone");
    out->email = db_val(r, i, "email");
    out->has_account = db_bool(r, i, "has_account");
    out->paper = !*out->email;
}

int customer_search(db_conn *c, arena *a, int64_t hub, const char *q, customer_row **rows,
                    size_t *n, refusal *why)
{
    *rows = NULL;
    *n = 0;
    q = q ? q : "";
    if (text_or_refuse(why, a, "q", q, 0, CUSTOMER_QUERY_MAX, TEXT_LINE, NULL, NULL))
        return 1;
    /* surrounding spaces are noise in a search box */
    while (*q == ' ')
        q++;
    char *t = arena_strdup(a, q);
    for (size_t k = strlen(t); k > 0 && t[k - 1] == ' '; k--)
        t[k - 1] = '\0';
    /* a whole number typed any way ("+33 6…", "0033…") is searched as stored */
    char key[PHONE_MAX], parsed[PHONE_MAX];
    phone_key(phone_parse(t, parsed) ? parsed : t, key);
    PGresult *r;
    int st = db_run_a(c, a, &customer_search_rows, &r, DB_P(db_i64(a, hub), t, key));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *rows = arena_alloc(a, (*n + 1) * sizeof **rows);
    for (size_t i = 0; i < *n; i++)
        row_from(a, r, (int)i, &(*rows)[i]);
    return 0;
}

int customer_find(db_conn *c, arena *a, int64_t hub, int64_t id, customer_row *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    PGresult *r;
    int st = db_run_a(c, a, &customer_by_id, &r, DB_P(db_i64(a, hub), db_i64(a, id)));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    *found = true;
    row_from(a, r, 0, out);
    return DB_OK;
}
