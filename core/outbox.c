/*
 * core/outbox.c — events, the outbox and the states of a message (core/outbox.h).
 *
 * Claiming: one UPDATE takes the messages due with FOR UPDATE SKIP LOCKED and writes
 * the claiming backend's pid on them, committed at once; so several senders (threads,
 * servers, km0 mail run) never take the same message, and each message's outcome is
 * then written alone, right after the relay answered. A sender that dies leaves its
 * claims behind with a pid that no backend has any more (or has had since before the
 * claim: pids are reused), and outbox_recover gives them back.
 */
#include "outbox.h"
#include "account.h"
#include "buf.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DB_STMT(event_insert, "INSERT INTO mail_events (hub_id, kind, payload) VALUES ($1, $2, $3::jsonb)");
DB_STMT(msg_insert,
        "INSERT INTO outbox (hub_id, event_id, user_id, kind, to_address, to_name, lang, subject,"
        "                    body_text, body_html, attachments, token_purpose, optional)"
        " SELECT hub, nullif(ev, 0), nullif(usr, 0), kind, addr, name, lang, subj, txt, html,"
        "        att::jsonb, nullif(tok, ''), opt"
        "   FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],"
        "               $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],"
        "               $12::text[], $13::boolean[])"
        "        AS m(hub, ev, usr, kind, addr, name, lang, subj, txt, html, att, tok, opt)");
DB_STMT(claim,
        "UPDATE outbox o SET state = 'sending', claimed_pid = pg_backend_pid(),"
        "       claimed_at = clock_timestamp(), attempts = o.attempts + 1"
        "  FROM hubs h"
        " WHERE h.id = o.hub_id AND o.id IN (SELECT id FROM outbox WHERE state = 'waiting'"
        "   AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT $1"
        "   FOR UPDATE SKIP LOCKED)"
        " RETURNING o.id, o.hub_id, coalesce(o.user_id, 0) AS user_id, o.kind, o.to_address,"
        "   o.to_name, o.lang, o.subject, o.body_text, o.body_html, o.attachments::text AS att,"
        "   coalesce(o.token_purpose, '') AS token_purpose, o.optional, o.attempts,"
        "   floor(extract(epoch FROM o.created_at) * 1000)::bigint::text AS created_epoch,"
        "   h.slug AS hub_slug, h.name AS hub_name");
DB_STMT(mark_sent, "UPDATE outbox SET state = 'sent', sent_at = now(), claimed_pid = NULL,"
                   " last_error = NULL WHERE id = $1 AND state = 'sending'");
DB_STMT(mark_retry, "UPDATE outbox SET claimed_pid = NULL, last_error = left($3, 500),"
                    " state = CASE WHEN created_at < now() - make_interval(secs => $4::int)"
                    "              THEN 'failed' ELSE 'waiting' END,"
                    " next_attempt_at = now() + make_interval(secs => $2::int)"
                    " WHERE id = $1 AND state = 'sending'");
DB_STMT(mark_failed, "UPDATE outbox SET state = 'failed', claimed_pid = NULL,"
                     " last_error = left($2, 500) WHERE id = $1 AND state = 'sending'");
DB_STMT(release, "UPDATE outbox SET state = 'waiting', claimed_pid = NULL,"
                 " attempts = greatest(attempts - 1, 0)"
                 " WHERE id = ANY($1::bigint[]) AND state = 'sending'");
/* A claim is alive while the backend that made it is, and was already when it claimed
 * (a pid reused by a newer backend does not count). */
DB_STMT(recover, "UPDATE outbox o SET state = 'waiting', claimed_pid = NULL"
                 " WHERE o.state = 'sending' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a"
                 "   WHERE a.pid = o.claimed_pid AND a.backend_start <= o.claimed_at)");
DB_STMT(prune, "DELETE FROM outbox WHERE state = 'sent'"
               " AND sent_at < now() - make_interval(days => $1::int)");
DB_STMT(event_take, "SELECT id, hub_id, kind, payload::text AS payload FROM mail_events"
                    " WHERE done_at IS NULL AND not_before <= now()"
                    " ORDER BY not_before, id LIMIT 1 FOR UPDATE SKIP LOCKED");
DB_STMT(event_done, "UPDATE mail_events SET done_at = now(), messages = $2::int WHERE id = $1");
DB_STMT(event_later, "UPDATE mail_events SET not_before = now() + make_interval(secs => $2::int)"
                     " WHERE id = $1");
DB_STMT(counts, "SELECT (SELECT count(*) FROM mail_events WHERE done_at IS NULL"
                "         AND ($1::bigint = 0 OR hub_id = $1)) AS events,"
                " count(*) FILTER (WHERE state = 'waiting') AS waiting,"
                " count(*) FILTER (WHERE state = 'sending') AS sending,"
                " count(*) FILTER (WHERE state = 'sent') AS sent,"
                " count(*) FILTER (WHERE state = 'failed') AS failed"
                " FROM outbox WHERE ($1::bigint = 0 OR hub_id = $1)");
DB_STMT(unsent,
        "SELECT id, kind, to_address, subject, state, coalesce(last_error, '') AS last_error,"
        " attempts, to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS created_at,"
        " to_char(next_attempt_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS next_attempt_at"
        " FROM outbox WHERE state <> 'sent' AND ($1::bigint = 0 OR hub_id = $1)"
        " ORDER BY state = 'failed' DESC, id LIMIT $2");
DB_STMT(retry_failed, "UPDATE outbox SET state = 'waiting', next_attempt_at = now(),"
                      " last_error = NULL WHERE hub_id = $1 AND id = $2"
                      " AND state IN ('failed', 'waiting') RETURNING id");
DB_STMT(state_of, "SELECT state FROM outbox WHERE hub_id = $1 AND id = $2");

db_status outbox_event(db_conn *c, arena *a, int64_t hub, const char *kind, const char *payload)
{
    return db_do(c, &event_insert, DB_P(db_i64(a, hub), kind, payload ? payload : "{}"));
}

bool outbox_address_ok(const char *address)
{
    if (!address)
        return false;
    arena *a = arena_new();
    const char *norm = account_normalize_email(a, address);
    bool ok = norm && !strcmp(norm, address);
    arena_free(a);
    return ok;
}

static int check_one(const outbox_msg *m, refusal *why)
{
    if (!outbox_address_ok(m->to_address))
        return refuse(why, 422, "invalid_email", "to",
                      "L’adresse du destinataire n’est pas valide.",
                      "The recipient's address is not valid.");
    /* one line each: a CR or LF would let a value start a header of its own */
    if (text_check(m->subject, 1, 300, TEXT_LINE) != TEXT_OK)
        return refuse(why, 422, "invalid_header", "subject",
                      "L’objet tient sur une ligne de 300 caractères au plus.",
                      "The subject is one line of at most 300 characters.");
    if (m->to_name && text_check(m->to_name, 0, 200, TEXT_LINE) != TEXT_OK)
        return refuse(why, 422, "invalid_header", "to_name",
                      "Le nom du destinataire tient sur une ligne de 200 caractères au plus.",
                      "The recipient's name is one line of at most 200 characters.");
    if (!m->lang || (strcmp(m->lang, "fr") && strcmp(m->lang, "en")))
        return refuse(why, 422, "invalid_field", "lang", "La langue est fr ou en.",
                      "The language is fr or en.");
    if (!m->kind || !*m->kind || strspn(m->kind, "abcdefghijklmnopqrstuvwxyz_") != strlen(m->kind))
        return refuse(why, 422, "invalid_field", "kind", "Type de message inconnu.",
                      "Unknown kind of message.");
    if (text_check(m->text, 1, 200000, TEXT_LINES) != TEXT_OK)
        return refuse(why, 422, "invalid_text", "text", "Le texte du message n’est pas lisible.",
                      "The message's text cannot be read.");
    return 0;
}

int outbox_add(db_conn *c, arena *a, const outbox_msg *m, size_t n, refusal *why)
{
    if (n == 0)
        return 0;
    int64_t *hub = arena_alloc(a, n * sizeof *hub), *ev = arena_alloc(a, n * sizeof *ev),
            *usr = arena_alloc(a, n * sizeof *usr);
    const char **col[9];
    for (size_t k = 0; k < 9; k++)
        col[k] = arena_alloc(a, n * sizeof(char *));
    char *opt = arena_alloc(a, 2 + 2 * n);
    size_t o = 0;
    opt[o++] = '{';
    for (size_t i = 0; i < n; i++) {
        int st = check_one(&m[i], why);
        if (st)
            return st;
        hub[i] = m[i].hub;
        ev[i] = m[i].event_id;
        usr[i] = m[i].user_id;
        col[0][i] = m[i].kind;
        col[1][i] = m[i].to_address;
        col[2][i] = m[i].to_name ? m[i].to_name : "";
        col[3][i] = m[i].lang;
        col[4][i] = m[i].subject;
        col[5][i] = m[i].text;
        col[6][i] = m[i].html ? m[i].html : "";
        col[7][i] = m[i].attachments ? m[i].attachments : "[]";
        col[8][i] = m[i].token_purpose ? m[i].token_purpose : "";
        if (i)
            opt[o++] = ',';
        opt[o++] = m[i].optional ? 't' : 'f';
    }
    opt[o++] = '}';
    opt[o] = '\0';
    return db_do(c, &msg_insert,
                 DB_P(db_int_array(a, hub, n), db_int_array(a, ev, n), db_int_array(a, usr, n),
                      db_text_array(a, col[0], n), db_text_array(a, col[1], n),
                      db_text_array(a, col[2], n), db_text_array(a, col[3], n),
                      db_text_array(a, col[4], n), db_text_array(a, col[5], n),
                      db_text_array(a, col[6], n), db_text_array(a, col[7], n),
                      db_text_array(a, col[8], n), opt));
}

/* Text to light HTML: paragraphs at blank lines, line breaks kept, everything escaped. */
static void text_to_html(buf *b, const char *text)
{
    buf_lit(b, "<p>");
    for (const char *p = text; *p; p++) {
        if (*p == '\r')
            continue;
        if (*p == '\n' && p[1] == '\n') {
            buf_lit(b, "</p>\n<p>");
            while (p[1] == '\n' || p[1] == '\r')
                p++;
        } else if (*p == '\n') {
            buf_lit(b, "<br>\n");
        } else {
            char ch[2] = {*p, 0};
            buf_html(b, ch);
        }
    }
    buf_lit(b, "</p>\n");
}

static bool url_ok(const char *u)
{
    return u && (str_starts(u, "https://") || str_starts(u, "http://")) &&
           text_check(u, 8, 2000, TEXT_LINE) == TEXT_OK && !strpbrk(u, " <>\"'");
}

int outbox_queue_notice(db_conn *c, arena *a, int64_t hub, const outbox_notice *n, refusal *why)
{
    if (text_check(n->subject, 1, 200, TEXT_LINE) != TEXT_OK)
        return refuse(why, 422, "invalid_header", "subject",
                      "L’objet tient sur une ligne de 200 caractères au plus.",
                      "The subject is one line of at most 200 characters.");
    if (text_check(n->text, 1, 20000, TEXT_LINES) != TEXT_OK)
        return refuse(why, 422, "invalid_text", "text",
                      "Le texte compte de 1 à 20 000 caractères lisibles.",
                      "The text is 1 to 20 000 readable characters.");
    if ((n->link_url || n->link_label) &&
        (!url_ok(n->link_url) || text_check(n->link_label, 1, 200, TEXT_LINE) != TEXT_OK))
        return refuse(why, 422, "invalid_field", "link", "Le lien n’est pas une adresse web.",
                      "The link is not a web address.");
    buf text = BUF_INIT, html = BUF_INIT;
    buf_puts(&text, n->text);
    text_to_html(&html, n->text);
    if (n->link_url) {
        buf_printf(&text, "\n\n%s :\n%s\n", n->link_label, n->link_url);
        buf_lit(&html, "<p><a href=\"");
        buf_html(&html, n->link_url);
        buf_lit(&html, "\">");
        buf_html(&html, n->link_label);
        buf_lit(&html, "</a></p>\n");
    }
    outbox_msg m = {.hub = hub,
                    .user_id = n->user_id,
                    .kind = n->kind ? n->kind : "notice",
                    .to_address = n->to_address,
                    .to_name = n->to_name,
                    .lang = n->lang,
                    .subject = n->subject,
                    .text = arena_strdup(a, buf_str(&text)),
                    .html = arena_strdup(a, buf_str(&html)),
                    .token_purpose = n->token_purpose};
    buf_free(&text);
    buf_free(&html);
    return outbox_add(c, a, &m, 1, why);
}

db_status outbox_claim(db_conn *c, arena *a, int limit, outbox_item **items, size_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run_a(c, a, &claim, &r, DB_P(db_i64(a, limit)));
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    *items = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof **items);
    for (int i = 0; i < rows; i++)
        (*items)[i] = (outbox_item){.id = db_int(r, i, "id"),
                                    .hub = db_int(r, i, "hub_id"),
                                    .user_id = db_int(r, i, "user_id"),
                                    .kind = db_val(r, i, "kind"),
                                    .to_address = db_val(r, i, "to_address"),
                                    .to_name = db_val(r, i, "to_name"),
                                    .lang = db_val(r, i, "lang"),
                                    .subject = db_val(r, i, "subject"),
                                    .text = db_val(r, i, "body_text"),
                                    .html = db_val(r, i, "body_html"),
                                    .attachments = db_val(r, i, "att"),
                                    .token_purpose = db_val(r, i, "token_purpose"),
                                    .created_epoch = db_val(r, i, "created_epoch"),
                                    .hub_slug = db_val(r, i, "hub_slug"),
                                    .hub_name = db_val(r, i, "hub_name"),
                                    .optional = db_bool(r, i, "optional"),
                                    .attempts = (int)db_int(r, i, "attempts")};
    *n = (size_t)rows;
    return DB_OK;
}

db_status outbox_mark_sent(db_conn *c, int64_t id)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)id);
    return db_do(c, &mark_sent, DB_P(s));
}

db_status outbox_mark_retry(db_conn *c, arena *a, int64_t id, int delay_s, int max_age_s,
                            const char *error)
{
    return db_do(c, &mark_retry,
                 DB_P(db_i64(a, id), db_i64(a, delay_s), error, db_i64(a, max_age_s)));
}

db_status outbox_mark_failed(db_conn *c, arena *a, int64_t id, const char *error)
{
    return db_do(c, &mark_failed, DB_P(db_i64(a, id), error));
}

static db_status count_of(db_conn *c, db_stmt *s, int nparams, const char *const *params,
                          int64_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run(c, s, &r, nparams, params);
    if (st != DB_OK)
        return st;
    *n = strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return DB_OK;
}

db_status outbox_release(db_conn *c, const char *ids)
{
    return db_do(c, &release, DB_P(ids));
}

db_status outbox_recover(db_conn *c, int64_t *n)
{
    return count_of(c, &recover, DB_NOPARAMS, n);
}

db_status outbox_prune(db_conn *c, int days, int64_t *n)
{
    char d[16];
    snprintf(d, sizeof d, "%d", days);
    return count_of(c, &prune, DB_P(d), n);
}

db_status outbox_event_take(db_conn *c, arena *a, outbox_pending_event *ev, bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(c, a, &event_take, &r, DB_NOPARAMS);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1) {
        *ev = (outbox_pending_event){db_int(r, 0, "id"), db_int(r, 0, "hub_id"),
                                     db_val(r, 0, "kind"), db_val(r, 0, "payload")};
        *found = true;
    }
    return DB_OK;
}

db_status outbox_event_done(db_conn *c, arena *a, int64_t id, int messages)
{
    return db_do(c, &event_done, DB_P(db_i64(a, id), db_i64(a, messages)));
}

db_status outbox_event_later(db_conn *c, arena *a, int64_t id, int delay_s)
{
    return db_do(c, &event_later, DB_P(db_i64(a, id), db_i64(a, delay_s)));
}

db_status outbox_count(db_conn *c, arena *a, int64_t hub, outbox_counts *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &counts, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    *out = (outbox_counts){db_int(r, 0, "events"), db_int(r, 0, "waiting"), db_int(r, 0, "sending"),
                           db_int(r, 0, "sent"), db_int(r, 0, "failed")};
    return DB_OK;
}

db_status outbox_unsent(db_conn *c, arena *a, int64_t hub, int limit, outbox_row **rows, size_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run_a(c, a, &unsent, &r, DB_P(db_i64(a, hub), db_i64(a, limit)));
    if (st != DB_OK)
        return st;
    int k = PQntuples(r);
    *rows = arena_alloc(a, (size_t)(k ? k : 1) * sizeof **rows);
    for (int i = 0; i < k; i++)
        (*rows)[i] = (outbox_row){db_int(r, i, "id"),           db_val(r, i, "kind"),
                                  db_val(r, i, "to_address"),   db_val(r, i, "subject"),
                                  db_val(r, i, "state"),        db_val(r, i, "last_error"),
                                  db_val(r, i, "created_at"),   db_val(r, i, "next_attempt_at"),
                                  (int)db_int(r, i, "attempts")};
    *n = (size_t)k;
    return DB_OK;
}

int outbox_retry(db_conn *c, arena *a, int64_t hub, int64_t id, refusal *why)
{
    PGresult *r;
    const char *h = db_i64(a, hub), *i = db_i64(a, id);
    db_status st = db_run_a(c, a, &retry_failed, &r, DB_P(h, i));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1)
        return 0;
    if ((st = db_run_a(c, a, &state_of, &r, DB_P(h, i))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(why, 404, "not_found", "id", "Ce message n’existe pas.",
                      "There is no such message.");
    return refuse(why, 409, "already_sent", "id",
                  "Ce message est déjà parti (ou part en ce moment).",
                  "This message has left already (or is leaving now).");
}
