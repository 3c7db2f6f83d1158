/*
 * core/hub_settings.c — a hub's settings: read, check, change with a record of each
 * change, and a cycle's own copy of them.
 *
 * A change is one transaction: the settings row is locked, the new values checked
 * and written, and one hub_settings_changes row per value that differs records who
 * changed it, when, from what to what. Values are recorded as the JSON API shows them
 * ("5.5" for a rate, "2.5" for a quantity, cents for an amount), NULL for no limit.
 */
#include "hub_settings.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define SETTINGS_COLUMNS                                                                           \
    "seller_mode, payment_days, resale_vat_rate_bp, max_order_cents, max_line_milli,"              \
    " max_offer_share_pct, shortage_rule, require_verified_email, closing_reminder_hours,"         \
    " hide_incomplete, shop_thumbnails"

DB_STMT(settings_of, "SELECT " SETTINGS_COLUMNS ","
                     " to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS updated_at"
                     " FROM hub_settings WHERE hub_id = $1");
DB_STMT(lock_settings,
        "SELECT " SETTINGS_COLUMNS " FROM hub_settings WHERE hub_id = $1 FOR UPDATE");
DB_STMT(
    write_settings,
    "UPDATE hub_settings SET seller_mode = $2, payment_days = $3::int,"
    " resale_vat_rate_bp = $4::int, max_order_cents = nullif($5, '0')::bigint,"
    " max_line_milli = nullif($6, '0')::bigint, max_offer_share_pct = nullif($7, '0')::int,"
    " shortage_rule = $8, require_verified_email = $9::boolean, closing_reminder_hours = $10::int,"
    " hide_incomplete = $11::boolean, shop_thumbnails = $12::boolean,"
    " updated_at = now() WHERE hub_id = $1");
/* Values travel as text arrays, "" standing for NULL (no limit): no value is empty. */
DB_STMT(record_changes,
        "INSERT INTO hub_settings_changes (hub_id, user_id, via, setting, old_value, new_value)"
        " SELECT $1, nullif($2, '0')::bigint, $3, v.setting, nullif(v.old, ''), nullif(v.new, '')"
        "   FROM unnest($4::text[], $5::text[], $6::text[]) AS v(setting, old, new)");
DB_STMT(changes_of,
        "SELECT to_char(ch.changed_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS changed_at,"
        " ch.setting, ch.old_value, ch.new_value, ch.via, coalesce(u.email, '') AS email,"
        " ch.old_value IS NULL AS old_none, ch.new_value IS NULL AS new_none"
        " FROM hub_settings_changes ch LEFT JOIN users u ON u.id = ch.user_id"
        " WHERE ch.hub_id = $1 ORDER BY ch.id DESC LIMIT $2");

const char *seller_mode_name(seller_mode m)
{
    return m == SELLER_HUB ? "hub" : "producers";
}

bool seller_mode_parse(const char *s, seller_mode *out)
{
    if (s && !strcmp(s, "hub"))
        *out = SELLER_HUB;
    else if (s && !strcmp(s, "producers"))
        *out = SELLER_PRODUCERS;
    else
        return false;
    return true;
}

const char *shortage_rule_name(shortage_rule r)
{
    return r == SHORTAGE_PRO_RATA ? "pro_rata" : "last_orders_first";
}

bool shortage_rule_parse(const char *s, shortage_rule *out)
{
    if (s && !strcmp(s, "pro_rata"))
        *out = SHORTAGE_PRO_RATA;
    else if (s && !strcmp(s, "last_orders_first"))
        *out = SHORTAGE_LAST_ORDERS_FIRST;
    else
        return false;
    return true;
}

void hub_settings_from_row(const PGresult *r, int row, hub_settings *out)
{
    *out = (hub_settings){0};
    seller_mode_parse(db_val(r, row, "seller_mode"), &out->seller);
    out->payment_days = (int)db_int(r, row, "payment_days");
    out->resale_vat_rate = (vat_bp_t)db_int(r, row, "resale_vat_rate_bp");
    out->max_order_cents = db_int(r, row, "max_order_cents"); /* "" (NULL) reads 0 */
    out->max_line_milli = db_int(r, row, "max_line_milli");
    out->max_offer_share_pct = (int)db_int(r, row, "max_offer_share_pct");
    if (PQfnumber(r, "shortage_rule") >= 0)
        shortage_rule_parse(db_val(r, row, "shortage_rule"), &out->shortage);
    /* the hub's own row has them; a cycle's copy does not (they are not frozen) */
    if (PQfnumber(r, "require_verified_email") >= 0) {
        out->require_verified_email = db_bool(r, row, "require_verified_email");
        out->closing_reminder_hours = (int)db_int(r, row, "closing_reminder_hours");
    }
    /* a cycle's row has no shop settings: they act when it opens, or on lists */
    if (PQfnumber(r, "hide_incomplete") >= 0)
        out->hide_incomplete = db_bool(r, row, "hide_incomplete");
    if (PQfnumber(r, "shop_thumbnails") >= 0)
        out->shop_thumbnails = db_bool(r, row, "shop_thumbnails");
}

db_status hub_settings_get(db_conn *c, arena *a, int64_t hub, hub_settings *out,
                           const char **updated_at)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &settings_of, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1) /* every hub has its row (schema/006): a hub that is not */
        return DB_ERROR;
    hub_settings_from_row(r, 0, out);
    if (updated_at)
        *updated_at = db_val(r, 0, "updated_at");
    return DB_OK;
}

static bool resale_rate_ok(vat_bp_t r)
{
    return r == 210 || r == 550 || r == 1000 || r == 2000;
}

int hub_settings_check(const hub_settings *s, refusal *why)
{
    if (s->seller != SELLER_PRODUCERS && s->seller != SELLER_HUB)
        return refuse(why, 422, "invalid_field", "seller_mode",
                      "Le mode de vente est « producers » ou « hub ».",
                      "The seller mode is \"producers\" or \"hub\".");
    if (s->payment_days < 0 || s->payment_days > HUB_PAYMENT_DAYS_MAX)
        return refuse(why, 422, "invalid_field", "payment_days",
                      "Le délai de paiement compte de 0 à 60 jours.",
                      "Payment is due within 0 to 60 days.");
    if (!resale_rate_ok(s->resale_vat_rate))
        return refuse(why, 422, "invalid_field", "resale_vat_rate",
                      "Le taux de TVA de revente est 2,1, 5,5, 10 ou 20 %.",
                      "The resale VAT rate is 2.1, 5.5, 10 or 20 %.");
    if (s->max_order_cents < 0 || s->max_order_cents > HUB_MAX_ORDER_CENTS)
        return refuse(why, 422, "invalid_field", "max_order_cents",
                      "Le montant maximum d’une commande va de 0,01 à 1 000 000 € (vide : sans "
                      "limite).",
                      "The most an order may amount to is between 0.01 and 1 000 000 € (empty: "
                      "no limit).");
    if (s->max_line_milli < 0 || s->max_line_milli > HUB_MAX_LINE_MILLI)
        return refuse(why, 422, "invalid_field", "max_line_quantity",
                      "La quantité maximum d’une ligne va de 0,001 à 10 000 (vide : sans limite).",
                      "The most one line may hold is between 0.001 and 10 000 (empty: no limit).");
    if (s->max_offer_share_pct < 0 || s->max_offer_share_pct > 100)
        return refuse(why, 422, "invalid_field", "max_offer_share_percent",
                      "La part maximum du stock d’un produit va de 1 à 100 % (vide : sans limite).",
                      "The largest share of a product's stock is between 1 and 100 % (empty: no "
                      "limit).");
    if (s->shortage != SHORTAGE_LAST_ORDERS_FIRST && s->shortage != SHORTAGE_PRO_RATA)
        return refuse(why, 422, "invalid_field", "shortage_rule",
                      "La règle des manques est « last_orders_first » ou « pro_rata ».",
                      "The shortage rule is \"last_orders_first\" or \"pro_rata\".");
    if (s->closing_reminder_hours < 0 || s->closing_reminder_hours > HUB_CLOSING_REMINDER_MAX)
        return refuse(why, 422, "invalid_field", "closing_reminder_hours",
                      "Le rappel « ferme bientôt » part de 0 (jamais) à 168 heures avant la "
                      "clôture.",
                      "The \"closes soon\" reminder goes 0 (never) to 168 hours before the close.");
    return 0;
}

/* The values as the JSON API writes them, "" for no limit. */
#define NSETTINGS 11

typedef struct {
    const char *v[NSETTINGS];
} settings_text;

static const char *const setting_names[NSETTINGS] = {
    "seller_mode",     "payment_days",           "resale_vat_rate",
    "max_order_cents", "max_line_quantity",      "max_offer_share_percent",
    "shortage_rule",   "require_verified_email", "closing_reminder_hours",
    "hide_incomplete", "shop_thumbnails"};

static void as_text(arena *a, const hub_settings *s, settings_text *t)
{
    char d[32];
    t->v[0] = seller_mode_name(s->seller);
    t->v[1] = db_i64(a, s->payment_days);
    t->v[2] = arena_strdup(a, dec_format(d, s->resale_vat_rate, 2, 0));
    t->v[3] = s->max_order_cents ? db_i64(a, s->max_order_cents) : "";
    t->v[4] = s->max_line_milli ? arena_strdup(a, dec_format(d, s->max_line_milli, 3, 0)) : "";
    t->v[5] = s->max_offer_share_pct ? db_i64(a, s->max_offer_share_pct) : "";
    t->v[6] = shortage_rule_name(s->shortage);
    t->v[7] = s->require_verified_email ? "true" : "false";
    t->v[8] = db_i64(a, s->closing_reminder_hours);
    t->v[9] = s->hide_incomplete ? "true" : "false";
    t->v[10] = s->shop_thumbnails ? "true" : "false";
}

bool hub_settings_patch_any(const hub_settings_patch *p)
{
    return p->set_seller || p->set_payment_days || p->set_resale_vat_rate || p->set_max_order ||
           p->set_max_line || p->set_max_share || p->set_shortage || p->set_require_verified ||
           p->set_closing_hours || p->set_hide_incomplete || p->set_shop_thumbnails;
}

static void apply(const hub_settings_patch *p, hub_settings *s)
{
    if (p->set_seller)
        s->seller = p->to.seller;
    if (p->set_payment_days)
        s->payment_days = p->to.payment_days;
    if (p->set_resale_vat_rate)
        s->resale_vat_rate = p->to.resale_vat_rate;
    if (p->set_max_order)
        s->max_order_cents = p->to.max_order_cents;
    if (p->set_max_line)
        s->max_line_milli = p->to.max_line_milli;
    if (p->set_max_share)
        s->max_offer_share_pct = p->to.max_offer_share_pct;
    if (p->set_shortage)
        s->shortage = p->to.shortage;
    if (p->set_require_verified)
        s->require_verified_email = p->to.require_verified_email;
    if (p->set_closing_hours)
        s->closing_reminder_hours = p->to.closing_reminder_hours;
    if (p->set_hide_incomplete)
        s->hide_incomplete = p->to.hide_incomplete;
    if (p->set_shop_thumbnails)
        s->shop_thumbnails = p->to.shop_thumbnails;
}

int hub_settings_update_in_tx(db_conn *c, arena *a, int64_t hub, const hub_settings_patch *p,
                              int64_t user, const char *via, hub_settings *out, refusal *why)
{
    const char *h = db_i64(a, hub);
    PGresult *r;
    int st = db_run_a(c, a, &lock_settings, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return DB_ERROR;
    hub_settings old, now;
    hub_settings_from_row(r, 0, &old);
    now = old;
    apply(p, &now);
    if ((st = hub_settings_check(&now, why)) != 0)
        return st;
    *out = now;
    settings_text before, after;
    as_text(a, &old, &before);
    as_text(a, &now, &after);
    const char *names[NSETTINGS], *olds[NSETTINGS], *news[NSETTINGS];
    size_t n = 0;
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strcmp(before.v[i], after.v[i]) != 0) {
            names[n] = setting_names[i];
            olds[n] = before.v[i];
            news[n++] = after.v[i];
        }
    if (n == 0)
        return 0; /* nothing changes: nothing to write or record */
    if ((st = db_do(c, &write_settings,
                    DB_P(h, seller_mode_name(now.seller), db_i64(a, now.payment_days),
                         db_i64(a, now.resale_vat_rate), db_i64(a, now.max_order_cents),
                         db_i64(a, now.max_line_milli), db_i64(a, now.max_offer_share_pct),
                         shortage_rule_name(now.shortage), now.require_verified_email ? "t" : "f",
                         db_i64(a, now.closing_reminder_hours),
                         now.hide_incomplete ? "true" : "false",
                         now.shop_thumbnails ? "true" : "false"))) != DB_OK)
        return st;
    return hub_settings_record(c, a, hub, user, via, names, olds, news, n);
}

int hub_settings_record(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                        const char *const *names, const char *const *olds, const char *const *news,
                        size_t n)
{
    if (n == 0)
        return 0;
    return db_do(c, &record_changes,
                 DB_P(db_i64(a, hub), db_i64(a, user), via, db_text_array(a, names, n),
                      db_text_array(a, olds, n), db_text_array(a, news, n)));
}

typedef struct {
    arena *a;
    int64_t hub, user;
    const hub_settings_patch *patch;
    const char *via;
    hub_settings *out;
    refusal *why;
} update_ctx;

static int update_tx(db_conn *c, void *p)
{
    update_ctx *x = p;
    return hub_settings_update_in_tx(c, x->a, x->hub, x->patch, x->user, x->via, x->out, x->why);
}

int hub_settings_update(db_conn *c, arena *a, int64_t hub, const hub_settings_patch *p,
                        int64_t user, const char *via, hub_settings *out, refusal *why)
{
    update_ctx x = {a, hub, user, p, via, out, why};
    return db_transaction(c, false, update_tx, &x);
}

db_status hub_settings_changes(db_conn *c, arena *a, int64_t hub, int limit,
                               hub_settings_change **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &changes_of, &r, DB_P(db_i64(a, hub), db_i64(a, limit)));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (int i = 0; i < PQntuples(r); i++)
        (*out)[i] = (hub_settings_change){
            .changed_at = db_val(r, i, "changed_at"),
            .setting = db_val(r, i, "setting"),
            .old_value = db_bool(r, i, "old_none") ? NULL : db_val(r, i, "old_value"),
            .new_value = db_bool(r, i, "new_none") ? NULL : db_val(r, i, "new_value"),
            .via = db_val(r, i, "via"),
            .user_email = db_val(r, i, "email"),
        };
    return DB_OK;
}
