/*
 * server/h_account.c — the account over JSON: verification and password reset by
 * token, the caller's preferences, password, data and closing.
 *
 *   POST   /api/v1/password/forgot  {email}                → 202, whatever the address
 *   POST   /api/v1/password/reset   {token, password}      → 200
 *   POST   /api/v1/account/verify   {token}                → 200
 *   GET    /api/v1/account                                 → 200 {account}
 *   PATCH  /api/v1/account  {lang?, messages?: {shop_open?, shop_closing?}} → 200 {account}
 *   PUT    /api/v1/account/password {current_password, password} → 200
 *   GET    /api/v1/account/export                          → 200, everything km0 holds
 *   DELETE /api/v1/account?confirm=yes                     → 204, closed, logged out
 */
#include "../core/account_privacy.h"
#include "../core/account_tokens.h"
#include "handlers.h"
#include "json_in.h"
#include "session.h"

#include <string.h>

/* POST /api/v1/password/forgot */
void h_password_forgot(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *email;
    if (!body || !json_str_or_reply(req, body, "email", 254, true, &email))
        return;
    refusal why = {0};
    int st = account_reset_request(req->db, req->mem, req->hub_id, email, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 202, "{\"status\": \"queued_if_known\"}");
}

/* POST /api/v1/password/reset */
void h_password_reset(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *token, *password;
    if (!body || !json_str_or_reply(req, body, "token", 64, true, &token) ||
        !json_str_or_reply(req, body, "password", 256, true, &password))
        return;
    refusal why = {0};
    int st = account_reset_password(req->db, req->mem, token, password, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 200, "{\"status\": \"password_changed\"}");
}

/* POST /api/v1/account/verify */
void h_account_verify(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *token;
    if (!body || !json_str_or_reply(req, body, "token", 64, true, &token))
        return;
    int64_t user;
    refusal why = {0};
    int st = account_verify(req->db, req->mem, token, &user, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 200, "{\"status\": \"verified\"}");
}

static void reply_account(http_req *req)
{
    account_prefs p;
    int st = account_prefs_get(req->db, req->mem, req->session->user_id, &p);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *a = cJSON_AddObjectToObject(root, "account");
    cJSON_AddStringToObject(a, "email", p.email);
    cJSON_AddStringToObject(a, "name", p.name);
    cJSON_AddStringToObject(a, "lang", p.lang);
    cJSON_AddBoolToObject(a, "email_verified", p.verified);
    cJSON *m = cJSON_AddObjectToObject(a, "messages");
    cJSON_AddBoolToObject(m, "shop_open", p.shop_open);
    cJSON_AddBoolToObject(m, "shop_closing", p.shop_closing);
    http_reply_json(req, 200, root);
}

/* GET /api/v1/account */
void h_account_get(http_req *req)
{
    reply_account(req);
}

static bool flag_or_reply(http_req *req, const cJSON *obj, const char *key, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return true;
    if (!cJSON_IsBool(v))
        return json_field_error(req, arena_printf(req->mem, "messages.%s", key), "invalid_field",
                                req->lang[0] == 'f' ? "true ou false." : "true or false.");
    *out = cJSON_IsTrue(v);
    return true;
}

/* PATCH /api/v1/account */
void h_account_patch(http_req *req)
{
    cJSON *body = http_json_body(req);
    if (!body)
        return;
    account_prefs p;
    int st = account_prefs_get(req->db, req->mem, req->session->user_id, &p);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, body)
    {
        if (!strcmp(v->string, "lang")) {
            if (!cJSON_IsString(v)) {
                json_field_error(req, "lang", "invalid_field", "\"fr\" / \"en\".");
                return;
            }
            p.lang = v->valuestring;
        } else if (!strcmp(v->string, "messages") && cJSON_IsObject(v)) {
            if (!flag_or_reply(req, v, "shop_open", &p.shop_open) ||
                !flag_or_reply(req, v, "shop_closing", &p.shop_closing))
                return;
        } else {
            json_field_error(req, v->string, "unknown_field",
                             req->lang[0] == 'f' ? "Champ inconnu." : "Unknown field.");
            return;
        }
    }
    refusal why = {0};
    if ((st = account_prefs_set(req->db, req->mem, req->session->user_id, &p, &why)) != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_account(req);
}

/* PUT /api/v1/account/password */
void h_account_password(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *current, *password;
    if (!body || !json_str_or_reply(req, body, "current_password", 256, true, &current) ||
        !json_str_or_reply(req, body, "password", 256, true, &password))
        return;
    refusal why = {0};
    int st = account_change_password(req->db, req->mem, req->session->user_id, req->session->id,
                                     current, password, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 200, "{\"status\": \"password_changed\"}");
}

/* GET /api/v1/account/export */
void h_account_export(http_req *req)
{
    const char *json;
    int st = account_export(req->db, req->mem, req->session->user_id, &json);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_json_text(req, 200, json);
}

/* DELETE /api/v1/account?confirm=yes */
void h_account_delete(http_req *req)
{
    refusal why = {0};
    const char *confirm = http_query(req, "confirm");
    if (!confirm || strcmp(confirm, "yes") != 0) {
        refuse(&why, 422, "confirmation_needed", "confirm",
               "Fermer un compte ne peut pas être annulé : ajoutez ?confirm=yes.",
               "Closing an account cannot be undone: add ?confirm=yes.");
        http_reply_refusal(req, &why);
        return;
    }
    int st = account_close(req->db, req->mem, req->hub_id, req->session->user_id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_set_cookie(req, SESSION_COOKIE, "", 0, true);
    req->session = NULL;
    http_reply_text(req, 204, "text/plain", "");
}
