/*
 * core/outbox_events.c — events raised on request or by time (core/outbox_events.h).
 *
 * Payloads are JSON written here from checked values: numbers as numbers, text through
 * buf_json_str.
 */
#include "outbox_events.h"
#include "buf.h"
#include "log.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

DB_STMT(cycle_state, "SELECT state FROM cycles WHERE hub_id = $1 AND id = $2");
DB_STMT(pickup_known, "SELECT 1 FROM pickup_points WHERE hub_id = $1 AND slug = $2");
DB_STMT(closing_due,
        "WITH due AS ("
        "  UPDATE cycles c SET closing_reminder_at = now() FROM hub_settings s"
        "   WHERE s.hub_id = c.hub_id AND c.state = 'open' AND c.closing_reminder_at IS NULL"
        "     AND s.closing_reminder_hours > 0 AND c.closes_at > now()"
        "     AND c.closes_at - make_interval(hours => s.closing_reminder_hours) <= now()"
        "     AND c.opens_at <= c.closes_at - make_interval(hours => s.closing_reminder_hours)"
        "  RETURNING c.id, c.hub_id, s.closing_reminder_hours)"
        " INSERT INTO mail_events (hub_id, kind, payload)"
        " SELECT hub_id, 'cycle_closing', jsonb_build_object('cycle', id,"
        "        'hours', closing_reminder_hours) FROM due");

typedef struct {
    arena *a;
    int64_t hub;
    const outbox_broadcast *b;
    int64_t cycle;
    refusal *why;
} event_ctx;

static int broadcast_tx(db_conn *c, void *p)
{
    event_ctx *x = p;
    const outbox_broadcast *b = x->b;
    const char *hub = db_i64(x->a, x->hub);
    PGresult *r;
    int st;
    if (b->cycle) {
        if ((st = db_run_a(c, x->a, &cycle_state, &r, DB_P(hub, db_i64(x->a, b->cycle)))) != DB_OK)
            return st;
        if (PQntuples(r) == 0)
            return refuse(x->why, 404, "not_found", "cycle", "Ce cycle n’existe pas.",
                          "There is no such cycle.");
    }
    bool pickup = b->pickup && *b->pickup;
    if (pickup) {
        if ((st = db_run_a(c, x->a, &pickup_known, &r, DB_P(hub, b->pickup))) != DB_OK)
            return st;
        if (PQntuples(r) == 0)
            return refuse(x->why, 422, "unknown_pickup_point", "pickup",
                          "Ce point de retrait n’existe pas.", "There is no such pickup point.");
    }
    buf payload = BUF_INIT;
    buf_printf(&payload, "{\"cycle\": %lld, \"pickup\": \"", (long long)b->cycle);
    buf_json_str(&payload, pickup ? b->pickup : "");
    buf_lit(&payload, "\", \"subject\": \"");
    buf_json_str(&payload, b->subject);
    buf_lit(&payload, "\", \"text\": \"");
    buf_json_str(&payload, b->text);
    buf_lit(&payload, "\"}");
    st = outbox_event(c, x->a, x->hub, "coordinator_message", buf_str(&payload));
    buf_free(&payload);
    return st;
}

int outbox_coordinator_message(db_conn *c, arena *a, int64_t hub, const outbox_broadcast *b,
                               refusal *why)
{
    if (!b->cycle && !(b->pickup && *b->pickup))
        return refuse(why, 422, "missing_field", "cycle",
                      "Choisissez un cycle, un point de retrait, ou les deux.",
                      "Choose a cycle, a pickup point, or both.");
    int st;
    if ((st = text_or_refuse(why, a, "subject", b->subject, 1, 200, TEXT_LINE,
                             "L’objet tient sur une ligne de 200 caractères au plus.",
                             "The subject is one line of at most 200 characters.")) != 0 ||
        (st = text_or_refuse(why, a, "text", b->text, 1, 10000, TEXT_LINES,
                             "Le message compte de 1 à 10 000 caractères.",
                             "The message is 1 to 10 000 characters.")) != 0)
        return st;
    event_ctx x = {a, hub, b, 0, why};
    st = db_transaction(c, false, broadcast_tx, &x);
    if (st == 0)
        log_event(LOG_INFO, "mail.coordinator_message", "hub=%lld cycle=%lld", (long long)hub,
                  (long long)b->cycle);
    return st;
}

static int reminders_tx(db_conn *c, void *p)
{
    event_ctx *x = p;
    PGresult *r;
    int st =
        db_run_a(c, x->a, &cycle_state, &r, DB_P(db_i64(x->a, x->hub), db_i64(x->a, x->cycle)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "not_found", "cycle", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    if (strcmp(db_val(r, 0, "state"), "invoiced") != 0)
        return refuse(x->why, 409, "not_invoiced", "cycle",
                      "Les rappels de paiement suivent les factures : ce cycle n’est pas facturé.",
                      "Payment reminders follow invoices: this cycle is not invoiced.");
    return outbox_event(c, x->a, x->hub, "payment_reminder",
                        arena_printf(x->a, "{\"cycle\": %lld}", (long long)x->cycle));
}

int outbox_payment_reminders(db_conn *c, arena *a, int64_t hub, int64_t cycle, refusal *why)
{
    event_ctx x = {a, hub, NULL, cycle, why};
    return db_transaction(c, false, reminders_tx, &x);
}

db_status outbox_weighin_changes(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer,
                                 const outbox_weighin_change *ch, size_t n)
{
    if (n == 0)
        return DB_OK;
    buf payload = BUF_INIT;
    buf_printf(&payload, "{\"cycle\": %lld, \"customer\": %lld, \"changes\": [", (long long)cycle,
               (long long)customer);
    for (size_t i = 0; i < n; i++) {
        buf_printf(&payload, "%s{\"name\": \"", i ? ", " : "");
        buf_json_str(&payload, ch[i].name);
        buf_lit(&payload, "\", \"unit\": \"");
        buf_json_str(&payload, ch[i].unit);
        buf_printf(&payload, "\", \"ordered_milli\": %lld, \"delivered_milli\": %lld}",
                   (long long)ch[i].ordered, (long long)ch[i].delivered);
    }
    buf_lit(&payload, "]}");
    db_status st = outbox_event(c, a, hub, "weighin_changes", buf_str(&payload));
    buf_free(&payload);
    return st;
}

db_status outbox_closing_reminders(db_conn *c, int64_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run(c, &closing_due, &r, DB_NOPARAMS);
    if (st != DB_OK)
        return st;
    *n = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return DB_OK;
}
