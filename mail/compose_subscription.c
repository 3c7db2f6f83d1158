/*
 * mail/compose_subscription.c — what a cycle's opening could not place of the
 * subscriptions (issue 21) is told, never silently dropped: each customer with a miss
 * gets one message listing what was not ordered for them and why, in their language,
 * and each coordinator one summary of the whole opening.
 *
 * The opening writes one event "subscription_misses" in its own transaction when it
 * recorded misses (core/subscription_place.c); this maker reads every miss of the cycle
 * with its customer in one query, and the worker queues all the messages in one
 * statement (mail/mail_worker.c).
 */
#include "mail_int.h"
#include "../core/subscription.h"

#include <string.h>

DB_STMT(miss_cycle, "SELECT name, to_char(delivery_date, 'YYYY-MM-DD') AS delivery"
                    " FROM cycles WHERE hub_id = $1 AND id = $2");
/* Every miss of the cycle with its customer and the customer's account (0 when the
 * customer has none: the coordinators' summary still names them), by customer. */
DB_STMT(miss_rows, "SELECT s.customer_id, cu.name AS customer, coalesce(u.id, 0) AS user_id,"
                   "       coalesce(u.email, '') AS email, coalesce(u.name, '') AS user_name,"
                   "       coalesce(u.lang, 'fr') AS lang, m.reason, r.outcome,"
                   "       coalesce(p.name, '') AS product, coalesce(p.unit, '') AS unit,"
                   "       coalesce(m.quantity_milli, 0) AS quantity"
                   "  FROM subscription_misses m"
                   "  JOIN subscription_runs r ON r.cycle_id = m.cycle_id"
                   "   AND r.subscription_id = m.subscription_id"
                   "  JOIN subscriptions s ON s.id = m.subscription_id"
                   "  JOIN customers cu ON cu.id = s.customer_id"
                   "  LEFT JOIN LATERAL (SELECT id, email, name, lang FROM users"
                   "        WHERE hub_id = s.hub_id AND customer_id = s.customer_id AND active"
                   "          AND closed_at IS NULL ORDER BY id LIMIT 1) u ON true"
                   "  LEFT JOIN products p ON p.producer_id = m.producer_id AND p.sku = m.sku"
                   " WHERE m.hub_id = $1 AND m.cycle_id = $2"
                   " ORDER BY cu.name COLLATE \"fr-x-icu\", s.customer_id, m.subscription_id,"
                   "          m.sku NULLS FIRST");
DB_STMT(coordinators, "SELECT id, 0 AS customer_id, email, name, lang, true AS verified"
                      "  FROM users WHERE hub_id = $1 AND role = 'coordinator' AND active"
                      "   AND closed_at IS NULL ORDER BY id");

/* The summary names this many customers at most; the desk's page has them all. */
#define SUMMARY_MAX 50

static const char *reason_words(const mail_text *m, const char *code)
{
    const char *w = sub_miss_reason(code, strlen(code), m->lang[0] != 'f');
    return w ? w : code;
}

/* "Carottes (2 kg) — épuisé", or for a whole order "toute la commande — …". */
static const char *miss_line(fanout *f, const mail_text *m, const PGresult *r, int i)
{
    const char *product = db_val(r, i, "product");
    const char *why = reason_words(m, db_val(r, i, "reason"));
    if (!*product)
        return arena_printf(f->a, "%s — %s", ML(m, "toute la commande", "the whole order"), why);
    return arena_printf(f->a, "%s (%s) — %s", product,
                        mt_qty(f->a, m->lang, db_int(r, i, "quantity"), db_val(r, i, "unit")), why);
}

/* The message to the customer of rows [from, to). */
static void to_customer(fanout *f, const PGresult *r, int from, int to, const PGresult *cy)
{
    mail_user u = {db_int(r, from, "user_id"), db_int(r, from, "customer_id"),
                   db_val(r, from, "email"),   db_val(r, from, "user_name"),
                   db_val(r, from, "lang"),    true};
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    const char *cycle = db_val(cy, 0, "name"),
               *delivery = mt_date(f->a, m.lang, db_val(cy, 0, "delivery"));
    bool none = true;
    for (int i = from; i < to; i++)
        none = none && !strcmp(db_val(r, i, "outcome"), "not_placed");
    if (none)
        mt_pf(&m,
              ML(&m,
                 "Votre abonnement n’a pas pu être commandé pour « %s » (livraison le %s) : "
                 "vous n’avez pas de commande cette semaine.",
                 "Your subscription could not be ordered for \"%s\" (delivery on %s): you have "
                 "no order this week."),
              cycle, delivery);
    else
        mt_pf(&m,
              ML(&m, "Votre abonnement a été commandé pour « %s » (livraison le %s), sauf ceci :",
                 "Your subscription was ordered for \"%s\" (delivery on %s), except this:"),
              cycle, delivery);
    for (int i = from; i < to; i++)
        mt_item(&m, miss_line(f, &m, r, i));
    mt_p(&m, ML(&m,
                "Vous pouvez encore compléter ou changer votre commande tant que la boutique "
                "est ouverte.",
                "You may still complete or change your order while the shop is open."));
    mt_link(&m, ML(&m, "Mes abonnements", "My subscriptions"), mt_url(f->a, "/subscriptions"));
    mt_end(&m, f->hub_name, NULL);
    fo_add(f, &u, "subscription_misses",
           arena_printf(f->a, "%s — %s",
                        ML(&m, "Abonnement : pas tout commandé", "Subscription: not all ordered"),
                        cycle),
           &m, NULL);
    mt_free(&m);
}

/* One summary to coordinator u: how many customers, each named with what was missed. */
static void summary(fanout *f, const mail_user *u, const PGresult *r, const PGresult *cy,
                    int64_t cycle_id, int customers)
{
    mail_text m;
    mt_begin(&m, f->a, u->lang, u->name);
    mt_pf(&m,
          ML(&m,
             "L’ouverture de « %s » (livraison le %s) n’a pas pu placer tout ce que les "
             "abonnements demandaient, pour %d client(s). Chacun en a été prévenu par "
             "message :",
             "Opening \"%s\" (delivery on %s) could not place everything subscriptions asked "
             "for, for %d customer(s). Each has been told by message:"),
          db_val(cy, 0, "name"), mt_date(f->a, m.lang, db_val(cy, 0, "delivery")), customers);
    int named = 0, n = PQntuples(r);
    for (int i = 0; i < n && named < SUMMARY_MAX;) {
        int j = i;
        buf b = {0};
        buf_puts(&b, db_val(r, i, "customer"));
        buf_puts(&b, ML(&m, " : ", ": "));
        while (j < n && db_int(r, j, "customer_id") == db_int(r, i, "customer_id")) {
            if (j > i)
                buf_puts(&b, ML(&m, " ; ", "; "));
            buf_puts(&b, miss_line(f, &m, r, j));
            j++;
        }
        mt_item(&m, arena_strdup(f->a, buf_str(&b)));
        buf_free(&b);
        named++;
        i = j;
    }
    if (customers > named)
        mt_pf(&m, ML(&m, "… et %d autre(s).", "… and %d more."), customers - named);
    mt_link(
        &m, ML(&m, "Les abonnements de la semaine", "The week's subscriptions"),
        mt_url(f->a, arena_printf(f->a, "/desk/cycles/%lld/subscriptions", (long long)cycle_id)));
    mt_end(&m, f->hub_name, NULL);
    fo_add(f, u, "subscription_summary",
           arena_printf(f->a, "%s — %s",
                        ML(&m, "Abonnements non placés", "Subscriptions not placed"),
                        db_val(cy, 0, "name")),
           &m, NULL);
    mt_free(&m);
}

int compose_subscription_misses(fanout *f)
{
    int64_t cycle = fo_int(f, "cycle");
    const char *hub = db_i64(f->a, f->ev->hub), *cyc = db_i64(f->a, cycle);
    PGresult *cy, *r, *co;
    int st = db_run_a(f->c, f->a, &miss_cycle, &cy, DB_P(hub, cyc));
    if (st != DB_OK || PQntuples(cy) != 1 ||
        (st = db_run_a(f->c, f->a, &miss_rows, &r, DB_P(hub, cyc))) != DB_OK ||
        (st = db_run_a(f->c, f->a, &coordinators, &co, DB_P(hub))) != DB_OK)
        return st;
    int customers = 0;
    for (int i = 0, n = PQntuples(r); i < n;) {
        int j = i;
        while (j < n && db_int(r, j, "customer_id") == db_int(r, i, "customer_id"))
            j++;
        if (db_int(r, i, "user_id"))
            to_customer(f, r, i, j, cy);
        customers++;
        i = j;
    }
    for (int i = 0; customers && i < PQntuples(co); i++) {
        mail_user u = {db_int(co, i, "id"),   0,   db_val(co, i, "email"), db_val(co, i, "name"),
                       db_val(co, i, "lang"), true};
        summary(f, &u, r, cy, cycle, customers);
    }
    return DB_OK;
}
