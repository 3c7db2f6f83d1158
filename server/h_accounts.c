/*
 * server/h_accounts.c — POST /api/v1/accounts: sign up as a consumer (a person or a
 * business buyer), and be logged in at once.
 */
#include "handlers.h"
#include "json_in.h"
#include "session.h"

/* POST /api/v1/accounts {email, password, name, phone?, legal_name?, siret?,
 * vat_number?, address?} → 201 {"user": …} with the session cookie. */
void h_account_create(http_req *req)
{
    cJSON *body = http_json_body(req);
    account_signup_in in;
    if (!body || !json_str_or_reply(req, body, "email", 254, true, &in.email) ||
        !json_str_or_reply(req, body, "password", 256, true, &in.password) ||
        !json_str_or_reply(req, body, "name", 200, true, &in.name) ||
        !json_str_or_reply(req, body, "phone", 40, false, &in.phone) ||
        !json_str_or_reply(req, body, "legal_name", 200, false, &in.legal_name) ||
        !json_str_or_reply(req, body, "siret", 20, false, &in.siret) ||
        !json_str_or_reply(req, body, "vat_number", 20, false, &in.vat_number) ||
        !json_str_or_reply(req, body, "address", 300, false, &in.address))
        return;
    in.lang = req->lang;
    account_user user;
    refusal why = {0};
    int st = account_signup(req->db, req->mem, req->hub_id, &in, &user, &why);
    if (st == 0)
        st = session_start(req, &user);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *u = cJSON_AddObjectToObject(root, "user");
    cJSON_AddNumberToObject(u, "id", (double)user.id);
    cJSON_AddStringToObject(u, "email", user.email);
    cJSON_AddStringToObject(u, "name", user.name);
    cJSON_AddStringToObject(u, "role", "consumer");
    cJSON_AddStringToObject(u, "csrf_token", req->session->csrf);
    http_reply_json(req, 201, root);
}
