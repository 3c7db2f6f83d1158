/*
 * server/h_outbox.c — messages over JSON, for coordinators.
 *
 *   GET  /api/v1/outbox                      → {counts, unsent: [...]} (failed first)
 *   POST /api/v1/outbox/{message}/retry           → 200: a failed message waits again
 *   POST /api/v1/messages {cycle?, pickup_point?, subject, text} → 202: to the customers
 *        of a cycle (at a pickup point) or of a pickup point
 *   POST /api/v1/cycles/{id}/payment-reminders → 202: to each customer owing on the
 *        invoiced cycle's invoices
 */
#include "../core/outbox_events.h"
#include "handlers.h"
#include "json_in.h"

/* GET /api/v1/outbox */
void h_outbox_list(http_req *req)
{
    outbox_counts n;
    outbox_row *rows;
    size_t k;
    int st;
    if ((st = outbox_count(req->db, req->mem, req->hub_id, &n)) != DB_OK ||
        (st = outbox_unsent(req->db, req->mem, req->hub_id, 500, &rows, &k)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *c = cJSON_AddObjectToObject(root, "counts");
    cJSON_AddNumberToObject(c, "events", (double)n.events);
    cJSON_AddNumberToObject(c, "waiting", (double)n.waiting);
    cJSON_AddNumberToObject(c, "sending", (double)n.sending);
    cJSON_AddNumberToObject(c, "sent", (double)n.sent);
    cJSON_AddNumberToObject(c, "failed", (double)n.failed);
    cJSON *list = cJSON_AddArrayToObject(root, "unsent");
    for (size_t i = 0; i < k; i++) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddNumberToObject(m, "id", (double)rows[i].id);
        cJSON_AddStringToObject(m, "kind", rows[i].kind);
        cJSON_AddStringToObject(m, "to", rows[i].to_address);
        cJSON_AddStringToObject(m, "subject", rows[i].subject);
        cJSON_AddStringToObject(m, "state", rows[i].state);
        cJSON_AddNumberToObject(m, "attempts", rows[i].attempts);
        cJSON_AddStringToObject(m, "last_error", rows[i].last_error);
        cJSON_AddStringToObject(m, "created_at", rows[i].created_at);
        cJSON_AddStringToObject(m, "next_attempt_at", rows[i].next_attempt_at);
        cJSON_AddItemToArray(list, m);
    }
    http_reply_json(req, 200, root);
}

/* POST /api/v1/outbox/{message}/retry */
void h_outbox_retry(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "message", &id))
        return;
    refusal why = {0};
    int st = outbox_retry(req->db, req->mem, req->hub_id, id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 200, "{\"status\": \"waiting\"}");
}

/* POST /api/v1/messages */
void h_messages_send(http_req *req)
{
    cJSON *body = http_json_body(req);
    outbox_broadcast b = {0};
    int64_t cycle = 0;
    if (!body || !json_int_or_reply(req, body, "cycle", 1, INT64_MAX, false, &cycle) ||
        !json_str_or_reply(req, body, "pickup_point", 64, false, &b.pickup) ||
        !json_str_or_reply(req, body, "subject", 200, true, &b.subject) ||
        !json_str_or_reply(req, body, "text", 10000, true, &b.text))
        return;
    b.cycle = cycle;
    refusal why = {0};
    int st = outbox_coordinator_message(req->db, req->mem, req->hub_id, &b, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 202, "{\"status\": \"queued\"}");
}

/* POST /api/v1/cycles/{id}/payment-reminders */
void h_payment_reminders(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    refusal why = {0};
    int st = outbox_payment_reminders(req->db, req->mem, req->hub_id, id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 202, "{\"status\": \"queued\"}");
}
