/*
 * core/pay_settings.c — a hub's payment settings: read, checked, changed with a record
 * of each change in hub_settings_changes (the audit of core/hub_settings.c).
 */
#include "pay_settings.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

DB_STMT(pay_of, "SELECT array_to_string(payment_methods, ',') AS methods, overdraft_cents,"
                " bank_iban, bank_bic, sepa_creditor_id FROM hub_settings WHERE hub_id = $1");
DB_STMT(pay_lock, "SELECT array_to_string(payment_methods, ',') AS methods, overdraft_cents,"
                  " bank_iban, bank_bic, sepa_creditor_id FROM hub_settings"
                  " WHERE hub_id = $1 FOR UPDATE");
DB_STMT(pay_of_cycle,
        "SELECT array_to_string(c.payment_methods, ',') AS methods, c.overdraft_cents,"
        " s.bank_iban, s.bank_bic, s.sepa_creditor_id FROM cycles c"
        " JOIN hub_settings s ON s.hub_id = c.hub_id WHERE c.hub_id = $1 AND c.id = $2");
DB_STMT(pay_write, "UPDATE hub_settings SET payment_methods = string_to_array($2, ','),"
                   " overdraft_cents = $3::bigint, bank_iban = $4, bank_bic = $5,"
                   " sepa_creditor_id = $6, updated_at = now() WHERE hub_id = $1");
DB_STMT(pay_record,
        "INSERT INTO hub_settings_changes (hub_id, user_id, via, setting, old_value, new_value)"
        " SELECT $1, nullif($2, '0')::bigint, $3, v.setting, nullif(v.old, ''), nullif(v.new, '')"
        "   FROM unnest($4::text[], $5::text[], $6::text[]) AS v(setting, old, new)");

static const char *const method_names[PAY_METHODS] = {"onsite", "transfer", "sepa_debit",
                                                      "balance"};

const char *pay_method_name(pay_method m)
{
    return m < PAY_METHODS ? method_names[m] : "onsite";
}

bool pay_method_parse(const char *s, pay_method *out)
{
    for (int i = 0; s && i < PAY_METHODS; i++)
        if (!strcmp(s, method_names[i])) {
            *out = (pay_method)i;
            return true;
        }
    return false;
}

const char *pay_method_label(pay_method m, const char *lang)
{
    static const char *const fr[PAY_METHODS] = {"Sur place, au retrait (espèces, chèque ou carte)",
                                                "Virement bancaire", "Prélèvement SEPA",
                                                "Solde prépayé"};
    static const char *const en[PAY_METHODS] = {"At the pickup (cash, cheque or card)",
                                                "Bank transfer", "SEPA direct debit",
                                                "Prepaid balance"};
    if (m >= PAY_METHODS)
        m = PAY_ONSITE;
    return lang && lang[0] == 'f' ? fr[m] : en[m];
}

bool pay_methods_parse(const char *list, pay_settings *out)
{
    out->nmethods = 0;
    if (!list)
        return false;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char word[16];
        if (n == 0 || n >= sizeof word || out->nmethods == PAY_METHODS)
            return false;
        memcpy(word, p, n);
        word[n] = '\0';
        pay_method m;
        if (!pay_method_parse(word, &m) || pay_offers(out, m))
            return false;
        out->methods[out->nmethods++] = m;
        p += n;
        if (*p == ',' && !*++p)
            return false; /* a trailing comma */
    }
    return out->nmethods > 0;
}

const char *pay_methods_text(arena *a, const pay_settings *s)
{
    char t[64] = "";
    for (int i = 0; i < s->nmethods; i++) {
        if (i)
            strcat(t, ",");
        strcat(t, pay_method_name(s->methods[i]));
    }
    return arena_strdup(a, t);
}

bool pay_offers(const pay_settings *s, pay_method m)
{
    for (int i = 0; i < s->nmethods; i++)
        if (s->methods[i] == m)
            return true;
    return false;
}

static void from_row(const PGresult *r, pay_settings *out)
{
    *out = (pay_settings){0};
    if (!pay_methods_parse(db_val(r, 0, "methods"), out)) { /* the schema's CHECK holds it */
        out->methods[0] = PAY_ONSITE;
        out->nmethods = 1;
    }
    out->overdraft_cents = db_int(r, 0, "overdraft_cents");
    snprintf(out->iban, sizeof out->iban, "%s", db_val(r, 0, "bank_iban"));
    snprintf(out->bic, sizeof out->bic, "%s", db_val(r, 0, "bank_bic"));
    snprintf(out->creditor_id, sizeof out->creditor_id, "%s", db_val(r, 0, "sepa_creditor_id"));
}

db_status pay_settings_get(db_conn *c, arena *a, int64_t hub, pay_settings *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &pay_of, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return DB_ERROR;
    from_row(r, out);
    return DB_OK;
}

db_status pay_cycle_settings(db_conn *c, arena *a, int64_t hub, int64_t cycle, pay_settings *out,
                             bool *found)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &pay_of_cycle, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    *found = st == DB_OK && PQntuples(r) == 1;
    if (*found)
        from_row(r, out);
    return st;
}

int pay_settings_check(const pay_settings *s, refusal *why)
{
    char norm[40];
    if (s->nmethods < 1 || s->nmethods > PAY_METHODS)
        return refuse(why, 422, "invalid_field", "payment_methods",
                      "Choisissez au moins un moyen de paiement.",
                      "Choose at least one way to pay.");
    if (s->overdraft_cents < 0 || s->overdraft_cents > PAY_OVERDRAFT_MAX)
        return refuse(why, 422, "invalid_field", "overdraft_cents",
                      "Le découvert autorisé va de 0 à 1 000 000 €.",
                      "The overdraft allowed is between 0 and 1 000 000 €.");
    if (s->iban[0] && (!bank_iban_normalize(s->iban, norm) || strcmp(norm, s->iban) != 0))
        return refuse(why, 422, "invalid_iban", "bank_iban",
                      "Cet IBAN n’est pas valide (sa clé de contrôle ne correspond pas).",
                      "This IBAN is not valid (its check digits do not match).");
    if (s->bic[0] && (!bic_normalize(s->bic, norm) || strcmp(norm, s->bic) != 0))
        return refuse(why, 422, "invalid_bic", "bank_bic",
                      "Ce BIC n’est pas valide : 8 ou 11 lettres et chiffres.",
                      "This BIC is not valid: 8 or 11 letters and digits.");
    if (s->creditor_id[0] &&
        (!ics_normalize(s->creditor_id, norm) || strcmp(norm, s->creditor_id) != 0))
        return refuse(why, 422, "invalid_creditor_id", "sepa_creditor_id",
                      "Cet identifiant créancier SEPA (ICS) n’est pas valide (sa clé de contrôle "
                      "ne correspond pas).",
                      "This SEPA creditor identifier is not valid (its check digits do not "
                      "match).");
    if ((pay_offers(s, PAY_TRANSFER) || pay_offers(s, PAY_SEPA_DEBIT)) && !s->iban[0])
        return refuse(why, 422, "missing_field", "bank_iban",
                      "Le virement et le prélèvement demandent l’IBAN du groupement.",
                      "Transfers and direct debits need the hub's IBAN.");
    if (pay_offers(s, PAY_SEPA_DEBIT) && !s->creditor_id[0])
        return refuse(why, 422, "missing_field", "sepa_creditor_id",
                      "Le prélèvement demande l’identifiant créancier SEPA (ICS) du groupement.",
                      "Direct debits need the hub's SEPA creditor identifier.");
    return 0;
}

static void apply(const pay_settings_patch *p, pay_settings *s)
{
    if (p->set_methods) {
        memcpy(s->methods, p->to.methods, sizeof s->methods);
        s->nmethods = p->to.nmethods;
    }
    if (p->set_overdraft)
        s->overdraft_cents = p->to.overdraft_cents;
    if (p->set_iban)
        memcpy(s->iban, p->to.iban, sizeof s->iban);
    if (p->set_bic)
        memcpy(s->bic, p->to.bic, sizeof s->bic);
    if (p->set_creditor_id)
        memcpy(s->creditor_id, p->to.creditor_id, sizeof s->creditor_id);
}

int pay_settings_update_in_tx(db_conn *c, arena *a, int64_t hub, const pay_settings_patch *p,
                              int64_t user, const char *via, pay_settings *out, refusal *why)
{
    const char *h = db_i64(a, hub);
    PGresult *r;
    int st = db_run_a(c, a, &pay_lock, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return DB_ERROR;
    pay_settings old, now;
    from_row(r, &old);
    now = old;
    apply(p, &now);
    if ((st = pay_settings_check(&now, why)) != 0)
        return st;
    *out = now;
    static const char *const names[5] = {"payment_methods", "overdraft_cents", "bank_iban",
                                         "bank_bic", "sepa_creditor_id"};
    const char *before[5] = {pay_methods_text(a, &old), db_i64(a, old.overdraft_cents), old.iban,
                             old.bic, old.creditor_id};
    const char *after[5] = {pay_methods_text(a, &now), db_i64(a, now.overdraft_cents), now.iban,
                            now.bic, now.creditor_id};
    const char *changed[5], *olds[5], *news[5];
    size_t n = 0;
    for (size_t i = 0; i < 5; i++)
        if (strcmp(before[i], after[i]) != 0) {
            changed[n] = names[i];
            olds[n] = arena_strdup(a, before[i]);
            news[n++] = arena_strdup(a, after[i]);
        }
    if (n == 0)
        return 0;
    if ((st = db_do(c, &pay_write,
                    DB_P(h, after[0], after[1], now.iban, now.bic, now.creditor_id))) != DB_OK)
        return st;
    return db_do(c, &pay_record,
                 DB_P(h, db_i64(a, user), via, db_text_array(a, changed, n),
                      db_text_array(a, olds, n), db_text_array(a, news, n)));
}

typedef struct {
    arena *a;
    int64_t hub, user;
    const pay_settings_patch *p;
    const char *via;
    pay_settings *out;
    refusal *why;
} update_ctx;

static int update_tx(db_conn *c, void *p)
{
    update_ctx *x = p;
    return pay_settings_update_in_tx(c, x->a, x->hub, x->p, x->user, x->via, x->out, x->why);
}

int pay_settings_update(db_conn *c, arena *a, int64_t hub, const pay_settings_patch *p,
                        int64_t user, const char *via, pay_settings *out, refusal *why)
{
    update_ctx x = {a, hub, user, p, via, out, why};
    return db_transaction(c, false, update_tx, &x);
}
