/*
 * server/p_desk_settings_pay.c — the desk's "Paiements / Payments" settings: how
 * customers may pay (and which way is proposed first), how far a prepaid balance may go
 * below zero, the hub's IBAN and BIC, its SEPA creditor identifier.
 *
 * The same core function as PATCH /api/v1/hub/settings (core/pay_settings.h), recorded
 * as the coordinator's change on the desk; the record of changes is the settings page's
 * (/desk/settings). A value that cannot be read comes back on the form with the field
 * marked (422), nothing saved.
 */
#include "../core/parse.h"
#include "../core/pay_settings.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    bool offered[PAY_METHODS];
    pay_method first;
    const char *overdraft, *iban, *bic, *creditor_id;
} shown;

static void shown_from(http_req *req, const pay_settings *s, shown *v)
{
    memset(v, 0, sizeof *v);
    for (int i = 0; i < s->nmethods; i++)
        v->offered[s->methods[i]] = true;
    v->first = s->methods[0];
    char d[32];
    dec_format(d, s->overdraft_cents, 2, 2);
    if (req->lang[0] == 'f')
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    v->overdraft = s->overdraft_cents ? arena_strdup(req->mem, d) : "";
    char g[48];
    v->iban = s->iban[0] ? arena_strdup(req->mem, bank_iban_grouped(s->iban, g)) : "";
    v->bic = arena_strdup(req->mem, s->bic);
    v->creditor_id = arena_strdup(req->mem, s->creditor_id);
}

static void input(buf *b, const char *id, const char *label, const char *hint, const char *value,
                  const char *error)
{
    buf_printf(b, "<label for=\"%s\">%s</label>", id, label);
    if (hint)
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">%s</p>", id, hint);
    if (error) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
        buf_html(b, error);
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<input type=\"text\" id=\"%s\" name=\"%s\" autocomplete=\"off\"", id, id);
    if (hint && error)
        buf_printf(b, " aria-describedby=\"%s-hint %s-error\" aria-invalid=\"true\"", id, id);
    else if (hint)
        buf_printf(b, " aria-describedby=\"%s-hint\"", id);
    else if (error)
        buf_printf(b, " aria-describedby=\"%s-error\" aria-invalid=\"true\"", id);
    buf_puts(b, " value=\"");
    buf_html(b, value);
    buf_puts(b, "\">");
}

static void render(http_req *req, int status, const shown *v, const refusal *why)
{
    const char *bad = why ? why->field : NULL;
#define ERR(f) (why && bad && !strcmp(bad, f) ? refusal_text(why, req->lang) : NULL)
    const char *title = TR(req, "Réglages des paiements", "Payment settings");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b,
               "<p><a href=\"/desk/settings\">%s</a> · <a href=\"/desk/payments\">%s</a></p>"
               "<h1>%s</h1>",
               TR(req, "← Réglages", "← Settings"), TR(req, "Qui doit quoi", "Who owes what"),
               title);
    desk_notice(&b, req);
    if (why) {
        buf_printf(&b,
                   "<div class=\"error-summary\" role=\"alert\"><h2>%s</h2><ul><li><a "
                   "href=\"#%s\">",
                   TR(req, "Il y a un problème", "There is a problem"), bad ? bad : "methods");
        buf_html(&b, refusal_text(why, req->lang));
        buf_puts(&b, "</a></li></ul></div>");
    }
    buf_printf(&b, "<p>%s</p><form method=\"post\" action=\"/desk/settings/payments\">",
               TR(req,
                  "Les moyens de paiement valent pour les cycles ouverts ensuite ; le compte "
                  "bancaire vaut tout de suite.",
                  "The ways to pay apply to the cycles opened afterwards; the bank account "
                  "applies at once."));
    page_csrf_field(&b, req);
    buf_printf(&b, "<fieldset id=\"methods\"><legend>%s</legend>",
               TR(req, "Moyens de paiement proposés", "Ways to pay offered"));
    const char *err = ERR("payment_methods");
    if (err) {
        buf_puts(&b, "<p class=\"field-error\">");
        buf_html(&b, err);
        buf_puts(&b, "</p>");
    }
    for (int m = 0; m < PAY_METHODS; m++) {
        const char *name = pay_method_name((pay_method)m);
        buf_printf(&b,
                   "<p><input type=\"checkbox\" name=\"methods\" id=\"m-%s\" value=\"%s\"%s> "
                   "<label class=\"inline\" for=\"m-%s\">",
                   name, name, v->offered[m] ? " checked" : "", name);
        buf_html(&b, pay_method_label((pay_method)m, req->lang));
        buf_puts(&b, "</label></p>");
    }
    buf_printf(&b,
               "<label for=\"default_method\">%s</label><select id=\"default_method\" "
               "name=\"default_method\">",
               TR(req, "Proposé d’abord", "Proposed first"));
    for (int m = 0; m < PAY_METHODS; m++)
        buf_printf(&b, "<option value=\"%s\"%s>%s</option>", pay_method_name((pay_method)m),
                   v->first == (pay_method)m ? " selected" : "",
                   pay_method_label((pay_method)m, req->lang));
    buf_puts(&b, "</select></fieldset>");
    input(&b, "overdraft",
          TR(req, "Découvert autorisé du solde prépayé (€)",
             "Overdraft allowed on prepaid balances (€)"),
          TR(req, "Vide ou 0 : le solde doit couvrir la commande.",
             "Empty or 0: the balance must cover the order."),
          v->overdraft, ERR("overdraft_cents"));
    input(&b, "bank_iban", TR(req, "IBAN du groupement", "The hub's IBAN"),
          TR(req, "Les virements y sont demandés ; les relevés importés doivent être de ce compte.",
             "Transfers are asked to it; imported statements must be of this account."),
          v->iban, ERR("bank_iban"));
    input(&b, "bank_bic", TR(req, "BIC (facultatif)", "BIC (optional)"), NULL, v->bic,
          ERR("bank_bic"));
    input(&b, "sepa_creditor_id",
          TR(req, "Identifiant créancier SEPA (ICS)", "SEPA creditor identifier"),
          TR(req, "Donné par la banque, nécessaire au prélèvement.",
             "Given by the bank, needed for direct debits."),
          v->creditor_id, ERR("sepa_creditor_id"));
#undef ERR
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer", "Save"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/settings/payments */
void p_desk_settings_pay(http_req *req)
{
    pay_settings s;
    int st = pay_settings_get(req->db, req->mem, req->hub_id, &s);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    shown v;
    shown_from(req, &s, &v);
    render(req, 200, &v, NULL);
}

/* The form into a patch of every payment setting; a value that cannot be read is
 * refused naming its field. */
static int patch_from(http_req *req, const form *f, shown *v, pay_settings_patch *p, refusal *why)
{
    memset(p, 0, sizeof *p);
    memset(v->offered, 0, sizeof v->offered);
    for (size_t i = 0; i < f->n; i++) {
        pay_method m;
        if (!strcmp(f->fields[i].name, "methods") && pay_method_parse(f->fields[i].value, &m))
            v->offered[m] = true;
    }
    const char *first = form_get(f, "default_method");
    if (first)
        pay_method_parse(first, &v->first);
    v->overdraft = form_get(f, "overdraft") ? form_get(f, "overdraft") : "";
    v->iban = form_get(f, "bank_iban") ? form_get(f, "bank_iban") : "";
    v->bic = form_get(f, "bank_bic") ? form_get(f, "bank_bic") : "";
    v->creditor_id = form_get(f, "sepa_creditor_id") ? form_get(f, "sepa_creditor_id") : "";
    if (!v->offered[v->first])
        return refuse(why, 422, "invalid_field", "payment_methods",
                      "Le moyen proposé d’abord doit être coché.",
                      "The way proposed first must be ticked.");
    p->to.methods[p->to.nmethods++] = v->first;
    for (int m = 0; m < PAY_METHODS; m++)
        if (v->offered[m] && (pay_method)m != v->first)
            p->to.methods[p->to.nmethods++] = (pay_method)m;
    int64_t od = 0;
    if (strspn(v->overdraft, " ") != strlen(v->overdraft) &&
        parse_decimal(v->overdraft, 2, 0, PAY_OVERDRAFT_MAX, &od) != PARSE_OK)
        return refuse(why, 422, "invalid_field", "overdraft_cents",
                      "Le découvert est un montant en euros, comme 20 ou 20,50.",
                      "The overdraft is an amount in euros, such as 20 or 20.50.");
    p->to.overdraft_cents = od;
    char norm[40];
    bool blank_iban = strspn(v->iban, " ") == strlen(v->iban),
         blank_bic = strspn(v->bic, " ") == strlen(v->bic),
         blank_ics = strspn(v->creditor_id, " ") == strlen(v->creditor_id);
    if (!blank_iban && !bank_iban_normalize(v->iban, norm))
        return refuse(why, 422, "invalid_iban", "bank_iban",
                      "Cet IBAN n’est pas valide (sa clé de contrôle ne correspond pas).",
                      "This IBAN is not valid (its check digits do not match).");
    snprintf(p->to.iban, sizeof p->to.iban, "%.34s", blank_iban ? "" : norm);
    if (!blank_bic && !bic_normalize(v->bic, norm))
        return refuse(why, 422, "invalid_bic", "bank_bic", "Ce BIC n’est pas valide.",
                      "This BIC is not valid.");
    snprintf(p->to.bic, sizeof p->to.bic, "%.11s", blank_bic ? "" : norm);
    if (!blank_ics && !ics_normalize(v->creditor_id, norm))
        return refuse(why, 422, "invalid_creditor_id", "sepa_creditor_id",
                      "Cet identifiant créancier SEPA n’est pas valide (clé de contrôle).",
                      "This SEPA creditor identifier is not valid (check digits).");
    snprintf(p->to.creditor_id, sizeof p->to.creditor_id, "%.35s", blank_ics ? "" : norm);
    p->set_methods = p->set_overdraft = p->set_iban = p->set_bic = p->set_creditor_id = true;
    (void)req;
    return 0;
}

/* POST /desk/settings/payments */
void p_desk_settings_pay_save(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    shown v;
    pay_settings_patch p;
    pay_settings now = {0};
    refusal why = {0};
    int st = patch_from(req, &f, &v, &p, &why);
    if (st == 0)
        st = pay_settings_update(req->db, req->mem, req->hub_id, &p, req->session->user_id, "desk",
                                 &now, &why);
    if (st == 0) {
        desk_done(req, "/desk/settings/payments", "saved");
        return;
    }
    if (st < 0 || why.status != 422) {
        http_reply_failure(req, st, &why);
        return;
    }
    render(req, 422, &v, &why);
}
