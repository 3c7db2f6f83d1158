/*
 * server/pay_json.c — payment settings and payment instructions as JSON.
 *
 * Settings are read strictly: the methods an array of known names without repeat, the
 * overdraft whole cents, the IBAN, the BIC and the creditor identifier with their check
 * digits (blanks and lower case accepted, stored compact), "" clearing them.
 */
#include "pay_json.h"
#include "json_in.h"

#include <stdio.h>
#include <string.h>

void json_add_pay_settings(cJSON *o, const pay_settings *s)
{
    cJSON *m = cJSON_AddArrayToObject(o, "payment_methods");
    for (int i = 0; i < s->nmethods; i++)
        cJSON_AddItemToArray(m, cJSON_CreateString(pay_method_name(s->methods[i])));
    cJSON_AddNumberToObject(o, "overdraft_cents", (double)s->overdraft_cents);
    cJSON_AddStringToObject(o, "bank_iban", s->iban);
    cJSON_AddStringToObject(o, "bank_bic", s->bic);
    cJSON_AddStringToObject(o, "sepa_creditor_id", s->creditor_id);
}

static int bad(http_req *req, const char *field, const char *code, const char *fr, const char *en)
{
    json_field_error(req, field, code, req->lang[0] == 'f' ? fr : en);
    return -1;
}

int json_pay_setting(http_req *req, const char *k, const cJSON *v, pay_settings_patch *p)
{
    char norm[40];
    if (!strcmp(k, "payment_methods")) {
        pay_settings s = {0};
        const cJSON *it;
        bool ok =
            cJSON_IsArray(v) && cJSON_GetArraySize(v) >= 1 && cJSON_GetArraySize(v) <= PAY_METHODS;
        cJSON_ArrayForEach(it, v)
        {
            pay_method m;
            if (!ok || !cJSON_IsString(it) || !pay_method_parse(it->valuestring, &m) ||
                pay_offers(&s, m)) {
                ok = false;
                break;
            }
            s.methods[s.nmethods++] = m;
        }
        if (!ok)
            return bad(req, k, "invalid_field",
                       "Une liste de moyens sans répétition, parmi \"onsite\", \"transfer\", "
                       "\"sepa_debit\" et \"balance\" ; le premier est celui par défaut.",
                       "A list of ways to pay without repeats, among \"onsite\", \"transfer\", "
                       "\"sepa_debit\" and \"balance\"; the first is the default.");
        memcpy(p->to.methods, s.methods, sizeof s.methods);
        p->to.nmethods = s.nmethods;
        p->set_methods = true;
        return 1;
    }
    if (!strcmp(k, "overdraft_cents")) {
        double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
        if (!cJSON_IsNumber(v) || d != (double)(int64_t)d || d < 0 || d > PAY_OVERDRAFT_MAX)
            return bad(req, k, "invalid_field", "Un nombre entier de centimes, de 0 à 100000000.",
                       "A whole number of cents, from 0 to 100000000.");
        p->to.overdraft_cents = (cents_t)d;
        p->set_overdraft = true;
        return 1;
    }
    bool iban = !strcmp(k, "bank_iban"), bic = !strcmp(k, "bank_bic"),
         ics = !strcmp(k, "sepa_creditor_id");
    if (!iban && !bic && !ics)
        return 0;
    if (!cJSON_IsString(v) || strlen(v->valuestring) > 60)
        return bad(req, k, "invalid_field", "Un texte.", "A string.");
    const char *s = v->valuestring;
    bool empty = strspn(s, " ") == strlen(s);
    if (iban) {
        if (!empty && !bank_iban_normalize(s, norm))
            return bad(req, k, "invalid_iban",
                       "Cet IBAN n’est pas valide (sa clé de contrôle ne correspond pas).",
                       "This IBAN is not valid (its check digits do not match).");
        memcpy(p->to.iban, empty ? "" : norm, empty ? 1 : strlen(norm) + 1); /* <= 34 */
        p->set_iban = true;
    } else if (bic) {
        if (!empty && !bic_normalize(s, norm))
            return bad(req, k, "invalid_bic", "Ce BIC n’est pas valide : 8 ou 11 caractères.",
                       "This BIC is not valid: 8 or 11 characters.");
        memcpy(p->to.bic, empty ? "" : norm, empty ? 1 : strlen(norm) + 1); /* <= 11 */
        p->set_bic = true;
    } else {
        if (!empty && !ics_normalize(s, norm))
            return bad(req, k, "invalid_creditor_id",
                       "Cet identifiant créancier SEPA (ICS) n’est pas valide (clé de contrôle).",
                       "This SEPA creditor identifier is not valid (check digits).");
        memcpy(p->to.creditor_id, empty ? "" : norm, empty ? 1 : strlen(norm) + 1); /* <= 35 */
        p->set_creditor_id = true;
    }
    return 1;
}

cJSON *json_pay_instr(const pay_instr *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "method", pay_method_name(p->due.method));
    cJSON_AddStringToObject(o, "status", p->status);
    cJSON_AddBoolToObject(o, "invoiced", p->due.invoiced);
    cJSON_AddNumberToObject(o, "amount_cents", (double)p->due.amount);
    cJSON_AddNumberToObject(o, "paid_cents", (double)p->due.paid);
    cJSON_AddNumberToObject(o, "due_cents", (double)p->due.due);
    cJSON_AddStringToObject(o, "reference", p->due.reference);
    cJSON_AddStringToObject(o, "beneficiary", p->hub_name ? p->hub_name : "");
    cJSON_AddStringToObject(o, "iban", p->iban);
    cJSON_AddStringToObject(o, "bic", p->bic);
    if (p->epc_payload)
        cJSON_AddStringToObject(o, "epc_qr_payload", p->epc_payload);
    else
        cJSON_AddNullToObject(o, "epc_qr_payload");
    cJSON_AddNumberToObject(o, "balance_cents", (double)p->money.balance);
    return o;
}
