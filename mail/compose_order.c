/*
 * mail/compose_order.c — what a consumer is told about their order: confirmed (placed
 * or changed, the order as it stands when the message is made), cancelled, and what
 * changed when it was weighed.
 *
 * The amounts are those of the order page (core/money_display.h): lines including
 * VAT that add up to the total, which is the invoices' total.
 *
 * The payment instructions are the payments code's (core/payment.h
 * pay_order_instructions, the same as the order page's): the method, and for a
 * transfer the beneficiary, IBAN, BIC, the order's RF reference and the amount written
 * out, with the EPC QR code attached as a PNG (readers rarely show SVG, and the HTML
 * part loads nothing); at the pickup or by direct debit, the order page's sentence.
 * Then when the invoices come, from the payment days frozen on the cycle (the terms the
 * invoices will print).
 */
#include "mail_int.h"
#include "../core/money_display.h"
#include "../core/order.h"
#include "../core/payment.h"

#include <cjson/cJSON.h>

#include <string.h>

DB_STMT(cycle_words, "SELECT name, to_char(delivery_date, 'YYYY-MM-DD') AS delivery,"
                     " to_char(closes_at AT TIME ZONE 'Europe/Paris',"
                     "         'YYYY-MM-DD\"T\"HH24:MI') AS closes, payment_days"
                     " FROM cycles WHERE hub_id = $1 AND id = $2");

static db_status cycle_of(fanout *f, int64_t cycle, PGresult **r)
{
    return db_run_a(f->c, f->a, &cycle_words, r,
                    DB_P(db_i64(f->a, f->ev->hub), db_i64(f->a, cycle)));
}

/* The terms: when the invoices come and when they are due. */
static void mail_payment_terms(fanout *f, int payment_days, cents_t amount, mail_text *m)
{
    const char *sum = mt_money(f->a, m->lang, amount);
    if (payment_days > 0)
        mt_pf(m,
              ML(m,
                 "Paiement : %s, sur vos factures, établies après le retrait, à régler dans les "
                 "%d jours. Les produits pesés peuvent faire un peu varier ce montant : le "
                 "montant à payer est celui des factures.",
                 "Payment: %s, on your invoices, made after the pickup, due within %d days. "
                 "Weighed products may change this amount a little: what you pay is what the "
                 "invoices say."),
              sum, payment_days);
    else
        mt_pf(m,
              ML(m,
                 "Paiement : %s, sur vos factures, établies après le retrait et payables à "
                 "réception. Les produits pesés peuvent faire un peu varier ce montant : le "
                 "montant à payer est celui des factures.",
                 "Payment: %s, on your invoices, made after the pickup and due on receipt. "
                 "Weighed products may change this amount a little: what you pay is what the "
                 "invoices say."),
              sum);
}

/* How to pay the order (pay_order_instructions); *attachments gets the EPC QR code's
 * attachment (mail/mail_attach.c) when a transfer is asked, else stays NULL. */
static int mail_payment_instructions(fanout *f, int64_t order_id, int64_t customer, mail_text *m,
                                     const char **attachments)
{
    pay_instr p;
    bool found;
    *attachments = NULL;
    int st = pay_order_instructions(f->c, f->a, f->ev->hub, order_id, customer, &p, &found);
    if (st != DB_OK || !found)
        return st;
    mt_pf(m, ML(m, "Moyen de paiement : %s.", "Payment method: %s."),
          pay_method_label(p.due.method, m->lang));
    if (p.due.due > 0 && p.due.method == PAY_TRANSFER && p.iban[0]) {
        char iban[48];
        mt_p(m, ML(m, "Pour payer par virement :", "To pay by transfer:"));
        mt_item(m,
                arena_printf(f->a, "%s %s", ML(m, "À l’ordre de :", "Beneficiary:"), p.hub_name));
        mt_item(m, arena_printf(f->a, "IBAN : %s", bank_iban_grouped(p.iban, iban)));
        if (p.bic[0])
            mt_item(m, arena_printf(f->a, "BIC : %s", p.bic));
        mt_item(m, arena_printf(f->a, "%s %s",
                                ML(m, "Référence (à recopier) :", "Reference (copy it):"),
                                p.reference_grouped));
        mt_item(m, arena_printf(f->a, "%s %s", ML(m, "Montant :", "Amount:"),
                                mt_money(f->a, m->lang, p.due.due)));
        if (p.epc_payload) {
            mt_p(m, ML(m,
                       "Avec l’application de votre banque, scannez le code QR joint : le "
                       "virement se remplit tout seul (bénéficiaire, IBAN, montant, référence).",
                       "Scan the attached QR code with your bank's app: the transfer fills "
                       "itself in (beneficiary, IBAN, amount, reference)."));
            cJSON *list = cJSON_CreateArray(), *att = cJSON_CreateObject();
            cJSON_AddItemToArray(list, att);
            cJSON_AddStringToObject(att, "type", "epc_qr");
            cJSON_AddStringToObject(att, "payload", p.epc_payload);
            char *json = cJSON_PrintUnformatted(list);
            *attachments = json ? arena_strdup(f->a, json) : NULL;
            cJSON_free(json);
            cJSON_Delete(list);
        }
    } else if (pay_instr_how(&p, m->lang)) {
        mt_p(m, pay_instr_how(&p, m->lang));
    }
    if (p.due.method == PAY_BALANCE || p.money.balance)
        mt_pf(m, ML(m, "Votre solde prépayé : %s.", "Your prepaid balance: %s."),
              mt_money(f->a, m->lang, p.money.balance));
    return DB_OK;
}

int compose_order(fanout *f)
{
    int64_t cycle = fo_int(f, "cycle"), customer = fo_int(f, "customer");
    mail_user u;
    bool found;
    int st = fo_customer_user(f, customer, &u, &found);
    if (st != DB_OK || !found)
        return st;
    order o;
    if ((st = order_get(f->c, f->a, f->ev->hub, cycle, customer, &o, &found)) != DB_OK || !found)
        return st; /* cancelled since: the cancellation has its own message */
    PGresult *cy;
    if ((st = cycle_of(f, cycle, &cy)) != DB_OK || PQntuples(cy) != 1)
        return st;
    bool placed = !strcmp(f->ev->kind, "order_placed");
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    mt_pf(&m,
          placed ? ML(&m, "Votre commande pour « %s » est enregistrée.",
                      "Your order for \"%s\" is recorded.")
                 : ML(&m,
                      "Votre commande pour « %s » a été modifiée ; la voici telle qu’elle est "
                      "maintenant.",
                      "Your order for \"%s\" was changed; here it is as it stands now."),
          o.cycle_name);
    money_shown *shown = arena_alloc(f->a, (o.nlines + 1) * sizeof *shown);
    for (size_t i = 0; i < o.nlines; i++)
        shown[i] = (money_shown){.seller = order_seller(o.seller, o.lines[i].producer_id),
                                 .rate = o.lines[i].vat_rate,
                                 .net = o.lines[i].net,
                                 .quantity = o.lines[i].quantity,
                                 .unit_incl = o.lines[i].unit_price_incl};
    money_shown_lines(shown, o.nlines);
    for (size_t i = 0; i < o.nlines; i++)
        mt_item(&m, arena_printf(f->a, "%s %s (%s) — %s",
                                 mt_qty(f->a, m.lang, o.lines[i].quantity, o.lines[i].unit),
                                 o.lines[i].name, o.lines[i].producer_name,
                                 mt_money(f->a, m.lang, shown[i].incl)));
    mt_pf(&m, ML(&m, "Total TTC : %s", "Total incl. VAT: %s"),
          mt_money(f->a, m.lang, o.totals.incl));
    mt_pf(&m, ML(&m, "Retrait : %s, %s (%s).", "Pickup: %s, %s (%s)."), o.pickup_name,
          o.pickup_address, mt_date(f->a, m.lang, db_val(cy, 0, "delivery")));
    mt_pf(&m,
          ML(&m, "Vous pouvez la changer ou l’annuler jusqu’au %s.",
             "You can change or cancel it until %s."),
          mt_datetime(f->a, m.lang, db_val(cy, 0, "closes")));
    mail_payment_terms(f, (int)db_int(cy, 0, "payment_days"), o.totals.incl, &m);
    outbox_msg extra = {0};
    if ((st = mail_payment_instructions(f, o.id, customer, &m, &extra.attachments)) != DB_OK) {
        mt_free(&m);
        return st;
    }
    mt_link(&m, ML(&m, "Voir ma commande", "See my order"),
            mt_url(f->a, arena_printf(f->a, "/orders/%lld", (long long)cycle)));
    mt_end(&m, f->hub_name, NULL);
    const char *subject = arena_printf(f->a, "%s — %s",
                                       placed ? ML(&m, "Commande confirmée", "Order confirmed")
                                              : ML(&m, "Commande modifiée", "Order changed"),
                                       o.cycle_name);
    fo_add(f, &u, f->ev->kind, subject, &m, &extra);
    mt_free(&m);
    return DB_OK;
}

int compose_order_cancelled(fanout *f)
{
    int64_t cycle = fo_int(f, "cycle");
    mail_user u;
    bool found;
    int st = fo_customer_user(f, fo_int(f, "customer"), &u, &found);
    PGresult *cy;
    if (st != DB_OK || !found || (st = cycle_of(f, cycle, &cy)) != DB_OK || PQntuples(cy) != 1)
        return st;
    const char *name = db_val(cy, 0, "name");
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    mt_pf(&m,
          ML(&m, "Votre commande pour « %s » est annulée : rien ne vous sera facturé.",
             "Your order for \"%s\" is cancelled: you will be charged nothing."),
          name);
    mt_pf(&m,
          ML(&m, "Vous pouvez commander à nouveau jusqu’au %s.", "You may order again until %s."),
          mt_datetime(f->a, m.lang, db_val(cy, 0, "closes")));
    mt_link(&m, ML(&m, "La boutique", "The shop"), mt_url(f->a, "/"));
    mt_end(&m, f->hub_name, NULL);
    fo_add(f, &u, "order_cancelled",
           arena_printf(f->a, "%s — %s", ML(&m, "Commande annulée", "Order cancelled"), name), &m,
           NULL);
    mt_free(&m);
    return DB_OK;
}

int compose_weighin(fanout *f)
{
    int64_t cycle = fo_int(f, "cycle");
    mail_user u;
    bool found;
    int st = fo_customer_user(f, fo_int(f, "customer"), &u, &found);
    PGresult *cy;
    if (st != DB_OK || !found || (st = cycle_of(f, cycle, &cy)) != DB_OK || PQntuples(cy) != 1)
        return st;
    const cJSON *changes = cJSON_GetObjectItemCaseSensitive(f->payload, "changes");
    if (!cJSON_IsArray(changes) || cJSON_GetArraySize(changes) == 0)
        return DB_OK;
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    mt_pf(&m,
          ML(&m,
             "Votre commande pour « %s » a été pesée et préparée. Voici ce qui diffère de "
             "ce que vous aviez commandé :",
             "Your order for \"%s\" was weighed and packed. Here is what differs from what you "
             "ordered:"),
          db_val(cy, 0, "name"));
    const cJSON *ch;
    cJSON_ArrayForEach(ch, changes)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(ch, "name"),
                    *unit = cJSON_GetObjectItemCaseSensitive(ch, "unit"),
                    *ordered = cJSON_GetObjectItemCaseSensitive(ch, "ordered_milli"),
                    *delivered = cJSON_GetObjectItemCaseSensitive(ch, "delivered_milli");
        if (!cJSON_IsString(name) || !cJSON_IsString(unit) || !cJSON_IsNumber(ordered) ||
            !cJSON_IsNumber(delivered))
            continue;
        milli_t d = (milli_t)delivered->valuedouble;
        mt_item(&m, arena_printf(
                        f->a, ML(&m, "%s : commandé %s, livré %s", "%s: ordered %s, delivered %s"),
                        name->valuestring,
                        mt_qty(f->a, m.lang, (milli_t)ordered->valuedouble, unit->valuestring),
                        d ? mt_qty(f->a, m.lang, d, unit->valuestring)
                          : ML(&m, "rien (manquant)", "nothing (missing)")));
    }
    mt_p(&m, ML(&m, "Votre facture portera les quantités livrées.",
                "Your invoice will carry the delivered quantities."));
    mt_end(&m, f->hub_name, NULL);
    fo_add(f, &u, "weighin_changes",
           arena_printf(f->a, "%s — %s",
                        ML(&m, "Votre commande à la pesée", "Your order as weighed"),
                        db_val(cy, 0, "name")),
           &m, NULL);
    mt_free(&m);
    return DB_OK;
}
