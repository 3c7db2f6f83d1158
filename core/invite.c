/*
 * core/invite.c — invitations made, read and used.
 *
 * An invitation also leaves by e-mail when a relay is configured: the message is queued
 * in the invitation's transaction (so one leaves if and only if its invitation exists),
 * in French then English (the invited person has no account yet, so no language of
 * their own), with a placeholder for its link. The sender makes the link's token as
 * the message leaves (invite_token_for_message): a sibling of the invitation, so the
 * outbox never holds a usable token, and using either link spends both.
 */
#include "invite.h"
#include "account_tokens.h"
#include "config.h"
#include "outbox.h"
#include "password.h"
#include "people.h"
#include "text.h"
#include "util.h"

#include <string.h>

DB_STMT(producer_of, "SELECT id, email, name FROM producers WHERE hub_id = $1 AND slug = $2");
DB_STMT(hub_name_of, "SELECT name FROM hubs WHERE id = $1");
DB_STMT(account_exists, "SELECT EXISTS (SELECT 1 FROM users WHERE hub_id = $1 AND email = $2)"
                        " AS taken");
DB_STMT(insert,
        "INSERT INTO invitations (hub_id, token_sha256, role, producer_id, email, created_by,"
        "                         expires_at)"
        " VALUES ($1, sha256(convert_to($2, 'UTF8')), $3, nullif($4, '')::bigint, $5,"
        "         nullif($6, '0')::bigint, now() + make_interval(days => $7::int))"
        " RETURNING to_char(expires_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS expires_at");
#define INFO_COLUMNS                                                                               \
    "i.id, i.hub_id, i.role, i.email, coalesce(i.created_by, 0) AS created_by,"                    \
    " coalesce(i.producer_id, 0) AS producer_id,"                                                  \
    " coalesce(p.slug, '') AS producer_slug, coalesce(p.name, '') AS producer_name,"               \
    " h.name AS hub_name, i.used_at IS NOT NULL AS used, i.expires_at <= now() AS expired,"        \
    " to_char(i.expires_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS expires_at"                     \
    " FROM invitations i JOIN hubs h ON h.id = i.hub_id"                                           \
    " LEFT JOIN producers p ON p.id = i.producer_id"                                               \
    " WHERE i.token_sha256 = sha256(convert_to($1, 'UTF8'))"
DB_STMT(find, "SELECT " INFO_COLUMNS);
DB_STMT(find_lock, "SELECT " INFO_COLUMNS " FOR UPDATE OF i");
/* The invitation queued in the same transaction as outbox message $1 (now() is the
 * transaction's start: both rows carry it), still open, gets a sibling: the token the
 * message carries. */
DB_STMT(sibling,
        "INSERT INTO invitations (hub_id, token_sha256, role, producer_id, email, created_by,"
        "                         expires_at)"
        " SELECT i.hub_id, sha256(convert_to($2, 'UTF8')), i.role, i.producer_id, i.email,"
        "        i.created_by, i.expires_at"
        "   FROM outbox o JOIN invitations i ON i.hub_id = o.hub_id AND i.email = o.to_address"
        "                                   AND i.created_at = o.created_at"
        "  WHERE o.id = $1 AND i.used_at IS NULL AND i.expires_at > now()"
        "  ORDER BY i.id LIMIT 1 RETURNING id");
/* the other links to the same account are spent with it */
DB_STMT(spend, "UPDATE invitations SET used_at = now(), user_id = $3"
               " WHERE hub_id = $1 AND used_at IS NULL AND email = $2");

typedef struct {
    arena *a;
    int64_t hub, by;
    const char *role, *slug, *email;
    int days;
    invite_sent *out;
    refusal *why;
} create_ctx;

/* The invitation's message, both languages in one (French first), its link's token
 * made as it leaves. producer_name NULL: an invitation to coordinate the hub. */
static int queue_message(db_conn *c, arena *a, int64_t hub, const char *hub_name,
                         const char *producer_name, const char *email, const char *expires_at,
                         refusal *why)
{
    char day[11];
    snprintf(day, sizeof day, "%.10s", expires_at); /* YYYY-MM-DD */
    const char *fr = producer_name
                         ? arena_printf(a,
                                        "%s vous invite à gérer l’espace producteur de %s : "
                                        "vos produits, vos commandes, vos factures.",
                                        hub_name, producer_name)
                         : arena_printf(a, "%s vous invite à coordonner le groupement.", hub_name);
    const char *en = producer_name
                         ? arena_printf(a,
                                        "%s invites you to manage the producer space of %s: "
                                        "your products, your orders, your invoices.",
                                        hub_name, producer_name)
                         : arena_printf(a, "%s invites you to coordinate the hub.", hub_name);
    const char *text = arena_printf(
        a,
        "Bonjour,\n\n%s\n\nChoisissez votre mot de passe avec le lien ci-dessous : il sert une "
        "seule fois et reste valable jusqu’au %s. Si vous n’attendiez pas cette invitation, "
        "ignorez ce message.\n\n— English below —\n\nHello,\n\n%s\n\nChoose your password "
        "with the link below: it serves once and stays valid until %s. If you were not "
        "expecting this invitation, ignore this message.",
        fr, day, en, day);
    outbox_notice n = {
        .to_address = email,
        .to_name = producer_name,
        .lang = "fr",
        .subject = "Invitation à créer votre compte / Invitation to create your account",
        .text = text,
        .link_label = "Créer mon compte / Create my account",
        .link_url =
            arena_printf(a, "%s/invitation?t=" ACCOUNT_TOKEN_PLACEHOLDER, g_config.public_url),
        .kind = "invitation",
        .token_purpose = "invite",
    };
    return outbox_queue_notice(c, a, hub, &n, why);
}

static int create_tx(db_conn *c, void *p)
{
    create_ctx *x = p;
    arena *a = x->a;
    const char *h = db_i64(a, x->hub), *producer = "", *producer_name = NULL, *email = x->email;
    PGresult *r;
    int st;
    if (x->slug) {
        if ((st = db_run_a(c, a, &producer_of, &r, DB_P(h, x->slug))) != DB_OK)
            return st;
        if (PQntuples(r) != 1)
            return refuse(x->why, 404, "not_found", "slug", "Ce producteur n’existe pas.",
                          "There is no such producer.");
        producer = db_val(r, 0, "id");
        producer_name = db_val(r, 0, "name");
        if (!email || !*email)
            email = db_val(r, 0, "email");
    }
    const char *norm = account_normalize_email(a, email ? email : "");
    if (!norm)
        return refuse(x->why, 422, "invalid_email", "email",
                      "Indiquez l’adresse e-mail de la personne invitée.",
                      "Give the email address of the person invited.");
    if ((st = db_run_a(c, a, &account_exists, &r, DB_P(h, norm))) != DB_OK)
        return st;
    if (db_bool(r, 0, "taken"))
        return refuse(x->why, 409, "email_taken", "email",
                      "Un compte du groupement a déjà cette adresse e-mail.",
                      "An account of this hub already has this email address.");
    random_token(x->out->token, 32);
    if ((st = db_run_a(c, a, &insert, &r,
                       DB_P(h, x->out->token, x->role, producer, norm, db_i64(a, x->by),
                            db_i64(a, x->days)))) != DB_OK)
        return st;
    x->out->email = norm;
    x->out->expires_at = db_val(r, 0, "expires_at");
    /* Without a relay nothing would leave: the coordinator passes the link on. */
    if (!g_config.smtp_url[0])
        return 0;
    if ((st = db_run_a(c, a, &hub_name_of, &r, DB_P(h))) != DB_OK)
        return st;
    if ((st = queue_message(c, a, x->hub, db_val(r, 0, "name"), producer_name, norm,
                            x->out->expires_at, x->why)) != 0)
        return st;
    x->out->mailed = true;
    return 0;
}

int invite_create(db_conn *c, arena *a, int64_t hub, const char *role, const char *producer_slug,
                  const char *email, int days, int64_t by, invite_sent *out, refusal *why)
{
    memset(out, 0, sizeof *out);
    create_ctx x = {a, hub, by, role, producer_slug, email, days, out, why};
    return db_transaction(c, false, create_tx, &x);
}

static void info_from(const PGresult *r, invite_info *out)
{
    *out = (invite_info){
        .found = true,
        .used = db_bool(r, 0, "used"),
        .expired = db_bool(r, 0, "expired"),
        .hub_id = db_int(r, 0, "hub_id"),
        .role = db_val(r, 0, "role"),
        .email = db_val(r, 0, "email"),
        .producer_slug = db_val(r, 0, "producer_slug"),
        .producer_name = db_val(r, 0, "producer_name"),
        .hub_name = db_val(r, 0, "hub_name"),
        .expires_at = db_val(r, 0, "expires_at"),
    };
}

/* A token as km0 makes them (43 base64url characters): anything else names none. */
static bool token_shape(const char *t)
{
    return t && strlen(t) == 43 &&
           strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789-_") == 43;
}

db_status invite_find(db_conn *c, arena *a, const char *token, invite_info *out)
{
    *out = (invite_info){0};
    if (!token_shape(token))
        return DB_OK;
    PGresult *r;
    db_status st = db_run_a(c, a, &find, &r, DB_P(token));
    if (st == DB_OK && PQntuples(r) == 1)
        info_from(r, out);
    return st;
}

typedef struct {
    arena *a;
    const char *token, *password, *name;
    account_user *user;
    refusal *why;
} accept_ctx;

static int accept_tx(db_conn *c, void *p)
{
    accept_ctx *x = p;
    arena *a = x->a;
    PGresult *r;
    int st = db_run_a(c, a, &find_lock, &r, DB_P(x->token));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return refuse(x->why, 410, "invalid_invitation", NULL,
                      "Ce lien d’invitation n’est pas valide : demandez-en un autre au groupement.",
                      "This invitation link is not valid: ask the hub for another.");
    invite_info in;
    info_from(r, &in);
    int64_t by = db_int(r, 0, "created_by");
    if (in.used || in.expired)
        return refuse(x->why, 410, in.used ? "invitation_used" : "invitation_expired", NULL,
                      in.used ? "Ce lien a déjà servi : connectez-vous avec votre mot de passe."
                              : "Ce lien a expiré : demandez-en un autre au groupement.",
                      in.used ? "This link has been used: log in with your password."
                              : "This link has expired: ask the hub for another.");
    const char *pw_fr = password_policy(x->password, in.email, "fr");
    if (pw_fr)
        return refuse(x->why, 422, "weak_password", "password", pw_fr,
                      password_policy(x->password, in.email, "en"));
    if (x->name && text_check(x->name, 0, 200, TEXT_LINE) != TEXT_OK)
        return refuse(x->why, 422, "invalid_field", "name", "Le nom compte 200 caractères au plus.",
                      "The name has at most 200 characters.");
    char err[256] = "";
    int64_t id;
    st = account_user_add(c, a, in.hub_id, in.email, x->password, in.role,
                          *in.producer_slug ? in.producer_slug : NULL, x->name, 0, &id, err,
                          sizeof err);
    if (st == DB_ERROR && err[0])
        return refuse(x->why, 409, "email_taken", "email",
                      "Un compte a déjà cette adresse e-mail : connectez-vous.",
                      "An account already has this email address: log in.");
    if (st != DB_OK)
        return st;
    if ((st = db_do(c, &spend, DB_P(db_i64(a, in.hub_id), in.email, db_i64(a, id)))) != DB_OK)
        return st;
    if ((st = people_role_record(c, a, in.hub_id, id, by, NULL, in.role, "invitation")) != DB_OK)
        return st;
    *x->user = (account_user){.id = id,
                              .hub_id = in.hub_id,
                              .email = in.email,
                              .name = x->name ? x->name : "",
                              .role = in.role,
                              .producer_id = db_int(r, 0, "producer_id"),
                              .producer_slug = in.producer_slug};
    return 0;
}

int invite_accept(db_conn *c, arena *a, const char *token, const char *password, const char *name,
                  account_user *user, refusal *why)
{
    if (!token_shape(token))
        return refuse(why, 410, "invalid_invitation", NULL,
                      "Ce lien d’invitation n’est pas valide : demandez-en un autre au groupement.",
                      "This invitation link is not valid: ask the hub for another.");
    accept_ctx x = {a, token, password ? password : "", name, user, why};
    return db_transaction(c, false, accept_tx, &x);
}

db_status invite_token_for_message(db_conn *c, arena *a, int64_t outbox_id, char *raw, bool *found)
{
    random_token(raw, 32);
    PGresult *r;
    db_status st = db_run_a(c, a, &sibling, &r, DB_P(db_i64(a, outbox_id), raw));
    *found = st == DB_OK && PQntuples(r) == 1;
    return st;
}
