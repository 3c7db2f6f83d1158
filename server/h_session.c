/*
 * server/h_session.c — POST/GET/DELETE /api/v1/session: log in and out with JSON.
 */
#include "../core/customer_offline.h"
#include "handlers.h"
#include "json_in.h"
#include "session.h"

static cJSON *user_json(const http_session *s)
{
    cJSON *u = cJSON_CreateObject();
    cJSON_AddNumberToObject(u, "id", (double)s->user_id);
    cJSON_AddStringToObject(u, "email", s->email);
    cJSON_AddStringToObject(u, "name", s->name);
    cJSON_AddStringToObject(u, "role",
                            s->role == ROLE_COORDINATOR ? "coordinator"
                            : s->role == ROLE_PRODUCER  ? "producer"
                                                        : "consumer");
    if (s->producer_slug && *s->producer_slug)
        cJSON_AddStringToObject(u, "producer", s->producer_slug);
    cJSON_AddStringToObject(u, "csrf_token", s->csrf);
    return u;
}

/* POST /api/v1/session {"email", "password"} → 200 {"user": …} and the session cookie. */
void h_session_create(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *email, *password;
    if (!body || !json_str_or_reply(req, body, "email", 254, true, &email) ||
        !json_str_or_reply(req, body, "password", 256, true, &password))
        return;
    bool fr = req->lang[0] == 'f';
    refusal why = {0};
    if (customer_login_refusal(email, &why)) { /* a phone customer has no account */
        http_reply_refusal(req, &why);
        return;
    }
    account_user user;
    login_result res;
    int st = account_login(req->db, req->mem, req->hub_id, email, password, &user, &res);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (res == LOGIN_THROTTLED) {
        http_reply_error(req, 429, "too_many_attempts",
                         fr ? "Trop d’essais infructueux ; réessayez dans quelques minutes."
                            : "Too many failed attempts; try again in a few minutes.",
                         NULL);
        return;
    }
    if (res != LOGIN_OK) {
        http_reply_error(
            req, 401, "bad_credentials",
            fr ? "Adresse e-mail ou mot de passe incorrect." : "Wrong email or password.", NULL);
        return;
    }
    if ((st = session_start(req, &user)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "user", user_json(req->session));
    http_reply_json(req, 200, root);
}

/* GET /api/v1/session → the logged-in user. */
void h_session_get(http_req *req)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "user", user_json(req->session));
    http_reply_json(req, 200, root);
}

/* DELETE /api/v1/session → 204; the session is gone server-side. */
void h_session_delete(http_req *req)
{
    int st = session_end(req);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_bytes(req, 204, "application/json", "", 0, NULL);
}
