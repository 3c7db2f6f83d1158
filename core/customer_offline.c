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
DB_STMT_IDEMPOTENT(customer_search_rows,
                   CUSTOMER_COLS
                   " WHERE c.hub_id = $1 AND ($2 = ''"
                   "   OR strpos(lower(c.name), lower($2)) > 0"
                   "   OR ($3 <> '' AND ltrim(regexp_replace(c.phone, '[^0-9]', '', 'g'), '0')"
                   "                    LIKE '%' || $3))"
                   " ORDER BY CASE WHEN $2 = '' THEN c.id END DESC,"
                   "          c.name COLLATE \"fr-x-icu\", c.id LIMIT 50");
DB_STMT_IDEMPOTENT(customer_by_id, CUSTOMER_COLS " WHERE c.hub_id = $1 AND c.id = $2");

static bool separator(char ch)
{
    return ch == ' ' || ch == '.' || ch == '-' || ch == '(' || ch == ')' || ch == '/';
}

bool customer_phone_parse(const char *in, char out[CUSTOMER_PHONE_MAX])
{
    char d[CUSTOMER_PHONE_MAX];
    size_t n = 0;
    bool plus = false;
    out[0] = '\0';
    if (!in)
        return false;
    for (const char *p = in; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n + 1 >= sizeof d)
                return false;
            d[n++] = *p;
        } else if (*p == '+' && n == 0 && !plus) {
            plus = true;
        } else if (!separator(*p)) {
            return false;
        }
    }
    d[n] = '\0';
    const char *intl = NULL; /* the digits after the country prefix mark */
    if (plus)
        intl = d;
    else if (n > 2 && d[0] == '0' && d[1] == '0')
        intl = d + 2;
    if (intl && !strncmp(intl, "33", 2) && strlen(intl) == 11 && intl[2] != '0') {
        const char *s = intl + 2; /* 9 digits */
        snprintf(out, CUSTOMER_PHONE_MAX, "0%c %.2s %.2s %.2s %.2s", s[0], s + 1, s + 3, s + 5,
                 s + 7);
        return true;
    }
    if (intl && !strncmp(intl, "33", 2))
        return false; /* France, but not 9 digits after the 0 that the "+33" replaces */
    if (intl) {
        size_t k = strlen(intl);
        if (k < 8 || k > 15 || intl[0] == '0')
            return false;
        snprintf(out, CUSTOMER_PHONE_MAX, "+%.15s", intl);
        return true;
    }
    if (n == 10 && d[0] == '0' && d[1] != '0') {
        snprintf(out, CUSTOMER_PHONE_MAX, "%.2s %.2s %.2s %.2s %.2s", d, d + 2, d + 4, d + 6,
                 d + 8);
        return true;
    }
    return false;
}

void customer_phone_key(const char *s, char out[CUSTOMER_PHONE_MAX])
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = s ? s : ""; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n == 0 && *p == '0')
                continue; /* the national form's leading zeros */
            if (n + 1 >= CUSTOMER_PHONE_MAX) {
                out[0] = '\0';
                return;
            }
            out[n++] = *p;
        } else if (!separator(*p) && *p != '+') {
            out[0] = '\0';
            return;
        }
    }
    out[n] = '\0';
    if (n < 4)
        out[0] = '\0';
}

int customer_login_refusal(const char *identifier, refusal *why)
{
    char phone[CUSTOMER_PHONE_MAX];
    if (!identifier || strchr(identifier, '@') || !customer_phone_parse(identifier, phone))
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
    char phone[CUSTOMER_PHONE_MAX];
    text_detail(a, d, &n, "name", in->name, 1, 200, TEXT_LINE, "Le nom est obligatoire.",
                "The name is required.");
    if (!in->phone || !*in->phone)
        d[n++] = (refusal_detail){"missing_field", "phone",
                                  "Le numéro de téléphone est obligatoire.",
                                  "The phone number is required."};
    else if (!customer_phone_parse(in->phone, phone))
        d[n++] = (refusal_detail){"invalid_phone", "phone",
                                  "Ce n’est pas un numéro de téléphone : 10 chiffres "
                                  "(06 12 34 56 78) ou + et l’indicatif du pays.",
                                  "This is not a phone number: 10 digits (06 12 34 56 78) "
                                  "or + and the country code."};
    const char *email = in->email ? in->email : "";
    if (text_detail(a, d, &n, "email", email, 0, 254, TEXT_LINE,
                    "Cette adresse e-mail n’est pas valide.", "This email address is not valid.") &&
        *email && (!strchr(email, '@') || strchr(email, ' ') || strlen(email) < 3))
        d[n++] = (refusal_detail){"invalid_field", "email",
                                  "Cette adresse e-mail n’est pas valide.",
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
    char key[CUSTOMER_PHONE_MAX], parsed[CUSTOMER_PHONE_MAX];
    customer_phone_key(customer_phone_parse(t, parsed) ? parsed : t, key);
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
