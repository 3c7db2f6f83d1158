/*
 * mail/mail_fanout.c — turning one event into its messages (mail/mail_int.h): the
 * table of makers, and what they share.
 */
#include "mail.h"
#include "mail_int.h"
#include "../core/log.h"
#include "../core/unsubscribe.h"
#include "../core/util.h"

#include <string.h>

DB_STMT(hub_name, "SELECT name FROM hubs WHERE id = $1");
DB_STMT(user_of, "SELECT id, coalesce(customer_id, 0) AS customer_id, email, name, lang,"
                 " email_verified_at IS NOT NULL AS verified FROM users"
                 " WHERE hub_id = $1 AND id = $2 AND active AND closed_at IS NULL");
DB_STMT(customer_user, "SELECT id, coalesce(customer_id, 0) AS customer_id, email, name, lang,"
                       " email_verified_at IS NOT NULL AS verified FROM users"
                       " WHERE hub_id = $1 AND customer_id = $2 AND active AND closed_at IS NULL"
                       " ORDER BY id LIMIT 1");

static const struct {
    const char *kind;
    int (*make)(fanout *f);
} makers[] = {
    {"account_created", compose_account_created},
    {"password_reset", compose_password_reset},
    {"password_changed", compose_password_changed},
    {"order_placed", compose_order},
    {"order_changed", compose_order},
    {"order_cancelled", compose_order_cancelled},
    {"weighin_changes", compose_weighin},
    {"cycle_open", compose_cycle_open},
    {"cycle_closing", compose_cycle_closing},
    {"cycle_closed", compose_cycle_closed},
    {"cycle_invoiced", compose_invoices},
    {"payment_reminder", compose_payment_reminder},
    {"coordinator_message", compose_coordinator_message},
    {"subscription_misses", compose_subscription_misses},
};

int64_t fo_int(const fanout *f, const char *field)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(f->payload, field);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

const char *fo_str(const fanout *f, const char *field)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(f->payload, field);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void fill_user(const PGresult *r, mail_user *u)
{
    *u = (mail_user){db_int(r, 0, "id"),   db_int(r, 0, "customer_id"), db_val(r, 0, "email"),
                     db_val(r, 0, "name"), db_val(r, 0, "lang"),        db_bool(r, 0, "verified")};
}

db_status fo_user(fanout *f, int64_t user_id, mail_user *u, bool *found)
{
    PGresult *r;
    *found = false;
    db_status st =
        db_run_a(f->c, f->a, &user_of, &r, DB_P(db_i64(f->a, f->ev->hub), db_i64(f->a, user_id)));
    if (st == DB_OK && PQntuples(r) == 1) {
        fill_user(r, u);
        *found = true;
    }
    return st;
}

db_status fo_customer_user(fanout *f, int64_t customer, mail_user *u, bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(f->c, f->a, &customer_user, &r,
                            DB_P(db_i64(f->a, f->ev->hub), db_i64(f->a, customer)));
    if (st == DB_OK && PQntuples(r) == 1) {
        fill_user(r, u);
        *found = true;
    }
    return st;
}

void fo_add(fanout *f, const mail_user *u, const char *kind, const char *subject, mail_text *m,
            const outbox_msg *extra)
{
    if (!outbox_address_ok(u->email)) { /* an address from before addresses were checked */
        log_event(LOG_WARN, "mail.bad_address", "event=%lld user=%lld", (long long)f->ev->id,
                  (long long)u->id);
        return;
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        outbox_msg *grown = arena_alloc(f->a, cap * sizeof *grown);
        if (f->n)
            memcpy(grown, f->msgs, f->n * sizeof *grown);
        f->msgs = grown;
        f->cap = cap;
    }
    outbox_msg msg = extra ? *extra : (outbox_msg){0};
    msg.hub = f->ev->hub;
    msg.event_id = f->ev->id;
    msg.user_id = u->id;
    msg.kind = kind;
    msg.to_address = u->email;
    msg.to_name = u->name;
    msg.lang = m->lang;
    msg.subject = subject;
    msg.text = mt_text(m);
    msg.html = mt_html(m, subject);
    f->msgs[f->n++] = msg;
}

db_status fo_unsubscribe_url(fanout *f, int64_t user, const char *kind, const char **url)
{
    char token[48];
    db_status st = unsub_token(f->c, f->ev->hub, user, kind, token);
    if (st != DB_OK)
        return st;
    *url = mt_url_unsubscribe(f->a, user, kind, token);
    return DB_OK;
}

int mail_fanout(db_conn *c, arena *a, const outbox_pending_event *ev, int *later_s)
{
    *later_s = 0;
    fanout f = {.c = c, .a = a, .ev = ev, .payload = cJSON_Parse(ev->payload)};
    if (!f.payload)
        return 0; /* written by km0 in SQL or with checked values: cannot happen */
    arena_defer(a, (void (*)(void *))cJSON_Delete, f.payload);
    PGresult *r;
    int st = db_run_a(c, a, &hub_name, &r, DB_P(db_i64(a, ev->hub)));
    if (st != DB_OK)
        return st;
    f.hub_name = PQntuples(r) ? db_val(r, 0, "name") : "km0";
    for (size_t i = 0; i < sizeof makers / sizeof makers[0]; i++) {
        if (strcmp(makers[i].kind, ev->kind) != 0)
            continue;
        if ((st = makers[i].make(&f)) < 0)
            return st;
        if (f.later_s > 0) {
            *later_s = f.later_s;
            return 0;
        }
        refusal why = {0};
        if ((st = outbox_add(c, a, f.msgs, f.n, &why)) != 0) {
            if (st > 0) /* a recipient's address from before addresses were checked */
                log_event(LOG_WARN, "mail.event_refused", "event=%lld kind=%s field=%s",
                          (long long)ev->id, ev->kind, why.field ? why.field : "");
            return st > 0 ? 0 : st;
        }
        return (int)f.n;
    }
    log_event(LOG_WARN, "mail.event_unknown", "event=%lld kind=%s", (long long)ev->id, ev->kind);
    return 0;
}
