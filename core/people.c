/*
 * core/people.c — customers for the coordinator, and the coordinator role.
 *
 * The search is a bounded page (PEOPLE_PAGE rows, one more read to know whether a
 * next page exists), whatever the number of customers. A role change locks the
 * hub's coordinator accounts first, so two coordinators removing each other at once
 * cannot leave the hub without one: the second sees the first's change and is told
 * it would remove the last.
 */
#include "people.h"
#include "phone.h"
#include "account.h"
#include "text.h"
#include "util.h"

#include <string.h>

#define CUSTOMER_COLUMNS                                                                           \
    "c.id, coalesce(u.id, 0) AS user_id, c.kind, c.name, c.email, c.phone, c.legal_name,"          \
    " c.siret, c.vat_number, c.address, coalesce(u.role, '') AS role,"                             \
    " coalesce(to_char(c.verified_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'), '') AS verified_at,"    \
    " coalesce(v.email, '') AS verified_by,"                                                       \
    " (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS orders"                        \
    " FROM customers c LEFT JOIN users u ON u.customer_id = c.id AND u.hub_id = c.hub_id"          \
    " LEFT JOIN users v ON v.id = c.verified_by"

/* $2: the words searched, "" for all; escaped for LIKE by the statement itself */
DB_STMT(
    search,
    "SELECT " CUSTOMER_COLUMNS
    " WHERE c.hub_id = $1 AND ($2 = '' OR strpos(lower(c.name), lower($2)) > 0"
    "   OR strpos(lower(c.email), lower($2)) > 0 OR strpos(lower(c.legal_name), lower($2)) > 0"
    /* $5: the phone digits searched (core/phone.h), "" when q is no number */
    "   OR ($5 <> '' AND ltrim(regexp_replace(c.phone, '[^0-9]', '', 'g'), '0') LIKE '%' || $5))"
    " ORDER BY lower(c.name), c.id LIMIT $3::int + 1 OFFSET $4::bigint");
DB_STMT(customer_one, "SELECT " CUSTOMER_COLUMNS " WHERE c.hub_id = $1 AND c.id = $2");
DB_STMT(orders_of,
        "SELECT o.cycle_id, cy.name AS cycle_name, cy.state,"
        " to_char(cy.delivery_date, 'YYYY-MM-DD') AS delivery_date, pp.name AS pickup,"
        " (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lines,"
        " (SELECT coalesce(sum(l.line_excl_vat_cents), 0) FROM order_lines l"
        "   WHERE l.order_id = o.id) AS excl"
        " FROM orders o JOIN cycles cy ON cy.id = o.cycle_id"
        " JOIN pickup_points pp ON pp.id = o.pickup_point_id"
        " WHERE o.hub_id = $1 AND o.customer_id = $2 ORDER BY cy.delivery_date DESC, o.id DESC"
        " LIMIT 100");
/* only a business buyer's: a person's row is never touched */
DB_STMT(verify, "UPDATE customers SET verified_at = CASE WHEN $3 THEN now() END,"
                " verified_by = CASE WHEN $3 THEN nullif($4, '0')::bigint END"
                " WHERE hub_id = $1 AND id = $2 AND kind = 'business' RETURNING id");
DB_STMT(customer_kind, "SELECT kind FROM customers WHERE hub_id = $1 AND id = $2");
DB_STMT(coordinators, "SELECT id, email, name FROM users WHERE hub_id = $1"
                      " AND role = 'coordinator' AND active ORDER BY email");
DB_STMT(lock_coordinators, "SELECT id FROM users WHERE hub_id = $1 AND role = 'coordinator'"
                           " AND active ORDER BY id FOR UPDATE");
DB_STMT(user_by_email, "SELECT id, role, name, email, coalesce(customer_id, 0) AS customer_id"
                       " FROM users WHERE hub_id = $1 AND email = $2 FOR UPDATE");
DB_STMT(user_by_id, "SELECT id, role, name, email, coalesce(customer_id, 0) AS customer_id"
                    " FROM users WHERE hub_id = $1 AND id = $2 FOR UPDATE");
DB_STMT(set_role, "UPDATE users SET role = $3, customer_id = nullif($4, '0')::bigint"
                  " WHERE hub_id = $1 AND id = $2");
DB_STMT(customer_for, "INSERT INTO customers (hub_id, kind, name, email)"
                      " VALUES ($1, 'person', $2, $3) RETURNING id");
DB_STMT(role_record,
        "INSERT INTO user_role_changes (hub_id, user_id, changed_by, old_role, new_role, via)"
        " VALUES ($1, $2, nullif($3, '0')::bigint, nullif($4, ''), $5, $6)");
DB_STMT(role_changes,
        "SELECT to_char(ch.changed_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS changed_at,"
        " u.email, coalesce(ch.old_role, '') AS old_role, ch.new_role,"
        " coalesce(b.email, '') AS by, ch.via"
        " FROM user_role_changes ch JOIN users u ON u.id = ch.user_id"
        " LEFT JOIN users b ON b.id = ch.changed_by"
        " WHERE ch.hub_id = $1 ORDER BY ch.id DESC LIMIT $2");

static void customer_from(const PGresult *r, int i, people_customer *c)
{
    *c = (people_customer){
        .id = db_int(r, i, "id"),
        .user_id = db_int(r, i, "user_id"),
        .kind = db_val(r, i, "kind"),
        .name = db_val(r, i, "name"),
        .email = db_val(r, i, "email"),
        .phone = db_val(r, i, "phone"),
        .legal_name = db_val(r, i, "legal_name"),
        .siret = db_val(r, i, "siret"),
        .vat_number = db_val(r, i, "vat_number"),
        .address = db_val(r, i, "address"),
        .role = db_val(r, i, "role"),
        .verified_at = db_val(r, i, "verified_at"),
        .verified_by = db_val(r, i, "verified_by"),
        .orders = db_int(r, i, "orders"),
    };
}

db_status people_search(db_conn *c, arena *a, int64_t hub, const char *q, int64_t page,
                        people_customer **out, size_t *n, bool *more)
{
    PGresult *r;
    *n = 0;
    *more = false;
    *out = NULL;
    /* customers registered by phone are found by their number however it is typed */
    char key[PHONE_MAX], parsed[PHONE_MAX];
    phone_key(phone_parse(q, parsed) ? parsed : q, key);
    db_status st = db_run_a(c, a, &search, &r,
                            DB_P(db_i64(a, hub), q ? q : "", db_i64(a, PEOPLE_PAGE),
                                 db_i64(a, page * PEOPLE_PAGE), key));
    if (st != DB_OK)
        return st;
    size_t rows = (size_t)PQntuples(r);
    *more = rows > PEOPLE_PAGE;
    *n = *more ? PEOPLE_PAGE : rows;
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        customer_from(r, (int)i, &(*out)[i]);
    return DB_OK;
}

db_status people_customer_get(db_conn *c, arena *a, int64_t hub, int64_t id, people_customer *out,
                              bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(c, a, &customer_one, &r, DB_P(db_i64(a, hub), db_i64(a, id)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1) {
        customer_from(r, 0, out);
        *found = true;
    }
    return DB_OK;
}

db_status people_orders(db_conn *c, arena *a, int64_t hub, int64_t customer, people_order **out,
                        size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &orders_of, &r, DB_P(db_i64(a, hub), db_i64(a, customer)));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        (*out)[i] =
            (people_order){db_int(r, (int)i, "cycle_id"), db_val(r, (int)i, "cycle_name"),
                           db_val(r, (int)i, "state"),    db_val(r, (int)i, "delivery_date"),
                           db_val(r, (int)i, "pickup"),   db_int(r, (int)i, "lines"),
                           db_int(r, (int)i, "excl")};
    return DB_OK;
}

static int no_such(refusal *why)
{
    return refuse(why, 404, "not_found", NULL, "Introuvable dans ce groupement.",
                  "Not found in this hub.");
}

int people_verify(db_conn *c, arena *a, int64_t hub, int64_t customer, bool verified, int64_t by,
                  refusal *why)
{
    PGresult *r;
    int st =
        db_run_a(c, a, &verify, &r,
                 DB_P(db_i64(a, hub), db_i64(a, customer), verified ? "t" : "f", db_i64(a, by)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1)
        return 0;
    if ((st = db_run_a(c, a, &customer_kind, &r, DB_P(db_i64(a, hub), db_i64(a, customer)))) !=
        DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return no_such(why);
    return refuse(why, 422, "not_business", NULL,
                  "Seul un acheteur professionnel a des coordonnées à vérifier.",
                  "Only a business buyer has details to verify.");
}

db_status people_coordinators(db_conn *c, arena *a, int64_t hub, people_coordinator **out,
                              size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &coordinators, &r, DB_P(db_i64(a, hub)));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        (*out)[i] = (people_coordinator){db_int(r, (int)i, "id"), db_val(r, (int)i, "email"),
                                         db_val(r, (int)i, "name")};
    return DB_OK;
}

db_status people_role_changes(db_conn *c, arena *a, int64_t hub, int limit,
                              people_role_change **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &role_changes, &r, DB_P(db_i64(a, hub), db_i64(a, limit)));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        (*out)[i] =
            (people_role_change){db_val(r, (int)i, "changed_at"), db_val(r, (int)i, "email"),
                                 db_val(r, (int)i, "old_role"),   db_val(r, (int)i, "new_role"),
                                 db_val(r, (int)i, "by"),         db_val(r, (int)i, "via")};
    return DB_OK;
}

db_status people_role_record(db_conn *c, arena *a, int64_t hub, int64_t user, int64_t by,
                             const char *old_role, const char *new_role, const char *via)
{
    return db_do(c, &role_record,
                 DB_P(db_i64(a, hub), db_i64(a, user), db_i64(a, by), old_role ? old_role : "",
                      new_role, via));
}

typedef struct {
    arena *a;
    int64_t hub, by, user;
    const char *email, *via;
    bool give;
    int64_t *user_out;
    refusal *why;
} role_ctx;

static int role_tx(db_conn *c, void *p)
{
    role_ctx *x = p;
    arena *a = x->a;
    const char *h = db_i64(a, x->hub);
    PGresult *coords, *r;
    int st = db_run_a(c, a, &lock_coordinators, &coords, DB_P(h));
    if (st != DB_OK)
        return st;
    st = x->give ? db_run_a(c, a, &user_by_email, &r, DB_P(h, x->email))
                 : db_run_a(c, a, &user_by_id, &r, DB_P(h, db_i64(a, x->user)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return x->give ? refuse(x->why, 404, "no_account", "email",
                                "Aucun compte de ce groupement n’a cette adresse : la personne "
                                "crée d’abord son compte, ou recevez une invitation.",
                                "No account of this hub has this email: the person signs up "
                                "first, or is sent an invitation.")
                       : no_such(x->why);
    int64_t id = db_int(r, 0, "id"), customer = db_int(r, 0, "customer_id");
    const char *role = db_val(r, 0, "role");
    if (x->user_out)
        *x->user_out = id;
    if (!strcmp(role, "producer"))
        return refuse(x->why, 409, "producer_account", "email",
                      "C’est le compte d’un producteur : il ne peut pas coordonner.",
                      "This is a producer's account: it cannot coordinate.");
    const char *to = x->give ? "coordinator" : "consumer";
    if (!strcmp(role, to))
        return 0; /* already so: nothing to change or record */
    if (!x->give && PQntuples(coords) <= 1)
        return refuse(x->why, 409, "last_coordinator", NULL,
                      "C’est le dernier coordinateur : donnez d’abord le rôle à quelqu’un "
                      "d’autre.",
                      "This is the last coordinator: give the role to someone else first.");
    if (!x->give && !customer) {
        const char *name = *db_val(r, 0, "name") ? db_val(r, 0, "name") : db_val(r, 0, "email");
        PGresult *cr;
        if ((st = db_run_a(c, a, &customer_for, &cr, DB_P(h, name, db_val(r, 0, "email")))) !=
            DB_OK)
            return st;
        customer = db_int(cr, 0, "id");
    }
    if ((st = db_do(c, &set_role, DB_P(h, db_i64(a, id), to, db_i64(a, customer)))) != DB_OK)
        return st;
    return people_role_record(c, a, x->hub, id, x->by, role, to, x->via);
}

int people_make_coordinator(db_conn *c, arena *a, int64_t hub, const char *email, int64_t by,
                            const char *via, int64_t *user_id, refusal *why)
{
    const char *norm = account_normalize_email(a, email ? email : "");
    if (!norm)
        return refuse(why, 422, "invalid_email", "email", "Cette adresse e-mail n’est pas valide.",
                      "This email address is not valid.");
    role_ctx x = {a, hub, by, 0, norm, via, true, user_id, why};
    return db_transaction(c, false, role_tx, &x);
}

int people_remove_coordinator(db_conn *c, arena *a, int64_t hub, int64_t user_id, int64_t by,
                              const char *via, refusal *why)
{
    role_ctx x = {a, hub, by, user_id, NULL, via, false, NULL, why};
    return db_transaction(c, false, role_tx, &x);
}
