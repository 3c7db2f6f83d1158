/*
 * mail/compose_cycle.c — what a cycle's life tells people: the shop is open, it
 * closes soon (to those who asked and have not ordered), each producer's summary once
 * it has closed, and a coordinator's message to a cycle's or a pickup point's
 * customers.
 *
 * A producer's summary carries the collection sheet (reports/rpt_collection.c), which
 * is split by round: it waits for the cycle's rounds (the event is looked at again;
 * batching wakes it, schema/011).
 */
#include "mail_int.h"

#include <string.h>

DB_STMT(cycle_head, "SELECT name, state, to_char(delivery_date, 'YYYY-MM-DD') AS delivery,"
                    " to_char(closes_at AT TIME ZONE 'Europe/Paris',"
                    "         'YYYY-MM-DD\"T\"HH24:MI') AS closes"
                    " FROM cycles WHERE hub_id = $1 AND id = $2");
/* Consumers who asked for this optional message and have not ordered in the cycle. */
DB_STMT(audience,
        "SELECT u.id, coalesce(u.customer_id, 0) AS customer_id, u.email, u.name, u.lang,"
        "       true AS verified"
        "  FROM users u"
        " WHERE u.hub_id = $1 AND u.role = 'consumer' AND u.active AND u.closed_at IS NULL"
        "   AND u.email_verified_at IS NOT NULL"
        "   AND CASE WHEN $3 = 'shop_open' THEN u.msg_shop_open ELSE u.msg_shop_closing END"
        "   AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.cycle_id = $2"
        "                    AND o.customer_id = u.customer_id)"
        " ORDER BY u.id");
DB_STMT(producer_lines,
        "SELECT p.id AS producer_id, p.slug, p.name AS producer, p.email AS producer_email,"
        "       coalesce(pu.id, 0) AS user_id, coalesce(pu.lang, 'fr') AS lang,"
        "       coalesce(pu.email, '') AS user_email, f.name AS product, f.unit,"
        "       sum(l.quantity_milli) AS quantity, count(DISTINCT l.order_id) AS orders"
        "  FROM order_lines l JOIN offers f ON f.id = l.offer_id"
        "  JOIN producers p ON p.id = f.producer_id"
        "  LEFT JOIN LATERAL (SELECT id, lang, email FROM users WHERE producer_id = p.id"
        "        AND active AND closed_at IS NULL ORDER BY id LIMIT 1) pu ON true"
        " WHERE f.cycle_id = $1 AND f.hub_id = $2"
        " GROUP BY p.id, pu.id, pu.lang, pu.email, f.id"
        " ORDER BY p.name, p.id, f.name, f.id");
/* A coordinator's message: the customers with an order in the cycle (at the pickup
 * point when one is named), or without a cycle the customers whose latest order was
 * at the pickup point. */
DB_STMT(customers_of,
        "SELECT DISTINCT ON (u.id) u.id, coalesce(u.customer_id, 0) AS customer_id, u.email,"
        "       u.name, u.lang, true AS verified"
        "  FROM orders o JOIN pickup_points pp ON pp.id = o.pickup_point_id"
        "  JOIN users u ON u.hub_id = o.hub_id AND u.customer_id = o.customer_id"
        " WHERE o.hub_id = $1 AND u.active AND u.closed_at IS NULL AND u.role = 'consumer'"
        "   AND ($3 = '' OR pp.slug = $3)"
        "   AND CASE WHEN $2::bigint <> 0 THEN o.cycle_id = $2"
        "       ELSE o.id = (SELECT o2.id FROM orders o2 WHERE o2.hub_id = o.hub_id"
        "                     AND o2.customer_id = o.customer_id"
        "                   ORDER BY o2.created_at DESC, o2.id DESC LIMIT 1) END"
        " ORDER BY u.id");

static db_status head_of(fanout *f, int64_t cycle, PGresult **r)
{
    return db_run_a(f->c, f->a, &cycle_head, r,
                    DB_P(db_i64(f->a, f->ev->hub), db_i64(f->a, cycle)));
}

static void user_at(const PGresult *r, int i, mail_user *u)
{
    *u = (mail_user){db_int(r, i, "id"),   db_int(r, i, "customer_id"), db_val(r, i, "email"),
                     db_val(r, i, "name"), db_val(r, i, "lang"),        true};
}

/* "The shop is open" and "the shop closes soon": the same audience rule, optional. */
static int shop_message(fanout *f, const char *kind)
{
    int64_t cycle = fo_int(f, "cycle");
    PGresult *cy, *r;
    int st = head_of(f, cycle, &cy);
    if (st != DB_OK || PQntuples(cy) != 1 || strcmp(db_val(cy, 0, "state"), "open") != 0)
        return st; /* closed since: nothing to announce */
    if ((st = db_run_a(f->c, f->a, &audience, &r,
                       DB_P(db_i64(f->a, f->ev->hub), db_i64(f->a, cycle), kind))) != DB_OK)
        return st;
    bool open = !strcmp(kind, "shop_open");
    const char *name = db_val(cy, 0, "name");
    for (int i = 0; i < PQntuples(r); i++) {
        mail_user u;
        user_at(r, i, &u);
        const char *stop;
        if ((st = fo_unsubscribe_url(f, u.id, kind, &stop)) != DB_OK)
            return st;
        mail_text m;
        mt_begin(&m, f->a, u.lang, u.name);
        const char *closes = mt_datetime(f->a, m.lang, db_val(cy, 0, "closes"));
        if (open)
            mt_pf(&m,
                  ML(&m,
                     "La boutique est ouverte pour « %s » : commandez jusqu’au %s, livraison "
                     "le %s.",
                     "The shop is open for \"%s\": order until %s, delivery on %s."),
                  name, closes, mt_date(f->a, m.lang, db_val(cy, 0, "delivery")));
        else
            mt_pf(&m,
                  ML(&m,
                     "La boutique ferme bientôt pour « %s » : le %s. Vous n’avez pas encore "
                     "commandé.",
                     "The shop closes soon for \"%s\": %s. You have not ordered yet."),
                  name, closes);
        mt_link(&m, ML(&m, "Commander", "Order"), mt_url(f->a, "/"));
        mt_end(&m, f->hub_name, stop);
        const char *subject =
            open ? arena_printf(f->a, "%s — %s",
                                ML(&m, "La boutique est ouverte", "The shop is open"), name)
                 : arena_printf(f->a, "%s — %s",
                                ML(&m, "La boutique ferme bientôt", "The shop closes soon"), name);
        outbox_msg extra = {.optional = true};
        fo_add(f, &u, kind, subject, &m, &extra);
        mt_free(&m);
    }
    return DB_OK;
}

int compose_cycle_open(fanout *f)
{
    return shop_message(f, "shop_open");
}

int compose_cycle_closing(fanout *f)
{
    return shop_message(f, "shop_closing");
}

/* One producer's summary from rows [from, to) of the producer_lines result. */
static void producer_summary(fanout *f, const PGresult *r, int from, int to, int64_t cycle,
                             const PGresult *cy)
{
    const char *email = db_val(r, from, "producer_email");
    if (!outbox_address_ok(email))
        email = db_val(r, from, "user_email");
    mail_user u = {db_int(r, from, "user_id"), 0,   email, db_val(r, from, "producer"),
                   db_val(r, from, "lang"),    true};
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    mt_pf(&m,
          ML(&m,
             "Les commandes de « %s » sont closes. Voici ce que vous apportez pour la "
             "livraison du %s :",
             "Orders for \"%s\" are closed. Here is what you bring for the delivery on %s:"),
          db_val(cy, 0, "name"), mt_date(f->a, m.lang, db_val(cy, 0, "delivery")));
    for (int i = from; i < to; i++) {
        int64_t orders = db_int(r, i, "orders");
        mt_item(&m, arena_printf(
                        f->a, "%s — %s (%lld %s)", db_val(r, i, "product"),
                        mt_qty(f->a, m.lang, db_int(r, i, "quantity"), db_val(r, i, "unit")),
                        (long long)orders,
                        orders > 1 ? ML(&m, "commandes", "orders") : ML(&m, "commande", "order")));
    }
    mt_p(&m, ML(&m, "La feuille de collecte (par tournée) est jointe en PDF.",
                "The collection sheet (per round) is attached as a PDF."));
    mt_end(&m, f->hub_name, NULL);
    outbox_msg extra = {.attachments = arena_printf(
                            f->a,
                            "[{\"type\": \"collection\", \"cycle\": %lld, \"producer\": \"%s\"}]",
                            (long long)cycle, db_val(r, from, "slug"))};
    fo_add(
        f, &u, "producer_summary",
        arena_printf(f->a, "%s — %s", ML(&m, "À apporter", "What to bring"), db_val(cy, 0, "name")),
        &m, &extra);
    mt_free(&m);
}

int compose_cycle_closed(fanout *f)
{
    int64_t cycle = fo_int(f, "cycle");
    PGresult *cy, *r;
    int st = head_of(f, cycle, &cy);
    if (st != DB_OK || PQntuples(cy) != 1)
        return st;
    const char *state = db_val(cy, 0, "state");
    if (!strcmp(state, "closed")) {
        f->later_s = 300; /* batching wakes the event sooner (schema/011) */
        return DB_OK;
    }
    if (strcmp(state, "batched") != 0 && strcmp(state, "invoiced") != 0)
        return DB_OK;
    if ((st = db_run_a(f->c, f->a, &producer_lines, &r,
                       DB_P(db_i64(f->a, cycle), db_i64(f->a, f->ev->hub)))) != DB_OK)
        return st;
    for (int i = 0, n = PQntuples(r); i < n;) {
        int j = i;
        while (j < n && db_int(r, j, "producer_id") == db_int(r, i, "producer_id"))
            j++;
        producer_summary(f, r, i, j, cycle, cy);
        i = j;
    }
    return DB_OK;
}

int compose_coordinator_message(fanout *f)
{
    const char *subject = fo_str(f, "subject"), *text = fo_str(f, "text"),
               *pickup = fo_str(f, "pickup");
    if (!subject || !text)
        return DB_OK;
    PGresult *r;
    int st = db_run_a(
        f->c, f->a, &customers_of, &r,
        DB_P(db_i64(f->a, f->ev->hub), db_i64(f->a, fo_int(f, "cycle")), pickup ? pickup : ""));
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        mail_user u;
        user_at(r, i, &u);
        mail_text m;
        mt_begin(&m, f->a, u.lang, u.name);
        /* the coordinator's paragraphs as written */
        const char *p = text;
        while (*p) {
            const char *end = strstr(p, "\n\n");
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len)
                mt_p(&m, arena_strndup(f->a, p, len));
            p += len;
            while (*p == '\n' || *p == '\r')
                p++;
        }
        mt_end(&m, f->hub_name, NULL);
        fo_add(f, &u, "coordinator_message", subject, &m, NULL);
        mt_free(&m);
    }
    return DB_OK;
}
