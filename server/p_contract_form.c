/*
 * server/p_contract_form.c — defining an AMAP contract on the desk, JavaScript off: the
 * form under the list of /desk/contracts and POST /desk/contracts.
 *
 * The form's field names are the API's (POST /api/v1/contracts, server/h_contracts.c):
 * deliveries, baskets[0].sku, window_closes… so that a refusal, made by the same
 * core/contract.c contract_create as the API's, names the field of the form the
 * coordinator filled in. The delivery dates are written one per line (or separated by
 * commas or blanks); the instalment plans as "1, 3, 10".
 */
#include "../core/contract.h"
#include "../core/parse.h"
#include "../core/producer_admin.h"
#include "handlers.h"
#include "page.h"

#include <stdlib.h>
#include <string.h>

/* How many basket rows the form offers (the API takes up to CONTRACT_MAX_BASKETS). */
#define FORM_BASKETS 2

static void field(buf *b, const char *id, const char *label, const char *input)
{
    buf_printf(b, "<p><label for=\"%s\">%s</label>%s</p>", id, label, input);
}

void desk_contract_form(buf *b, http_req *req)
{
    producer_record *pr;
    size_t npr;
    if (producer_list(req->db, req->mem, req->hub_id, &pr, &npr) != DB_OK)
        npr = 0;
    buf_printf(b,
               "<section class=\"card\"><h2 id=\"new-contract\">%s</h2>"
               "<form method=\"post\" action=\"/desk/contracts\">",
               TR(req, "Définir un contrat", "Define a contract"));
    page_csrf_field(b, req);
    buf_printf(b,
               "<p><label for=\"k-producer\">%s</label><select id=\"k-producer\" "
               "name=\"producer\" required>",
               TR(req, "Producteur", "Producer"));
    for (size_t i = 0; i < npr; i++) {
        if (!pr[i].active)
            continue;
        buf_puts(b, "<option value=\"");
        buf_html(b, pr[i].slug);
        buf_puts(b, "\">");
        buf_html(b, pr[i].name);
        buf_puts(b, "</option>");
    }
    buf_puts(b, "</select></p>");
    field(b, "k-name", TR(req, "Nom du contrat", "Contract name"),
          "<input id=\"k-name\" name=\"name\" maxlength=\"100\" required>");
    field(b, "k-opens", TR(req, "Inscriptions à partir du", "Subscriptions from"),
          "<input type=\"date\" id=\"k-opens\" name=\"window_opens\" required>");
    field(b, "k-closes",
          TR(req, "Inscriptions jusqu’au (inclus)", "Subscriptions until (included)"),
          "<input type=\"date\" id=\"k-closes\" name=\"window_closes\" required>");
    field(b, "k-deliveries",
          TR(req, "Dates de livraison (AAAA-MM-JJ, une par ligne)",
             "Delivery dates (YYYY-MM-DD, one per line)"),
          "<textarea id=\"k-deliveries\" name=\"deliveries\" rows=\"5\" maxlength=\"1000\" "
          "required></textarea>");
    for (int i = 0; i < FORM_BASKETS; i++) {
        buf_printf(b, "<fieldset><legend>%s %d%s</legend>", TR(req, "Panier", "Basket"), i + 1,
                   i ? TR(req, " (facultatif)", " (optional)") : "");
        const char *req_attr = i ? "" : " required";
        buf_printf(b,
                   "<p><label for=\"k-sku-%d\">%s</label><input id=\"k-sku-%d\" "
                   "name=\"baskets[%d].sku\" maxlength=\"64\"%s></p>",
                   i, TR(req, "Référence du produit (SKU)", "Product reference (SKU)"), i, i,
                   req_attr);
        buf_printf(b,
                   "<p><label for=\"k-label-%d\">%s</label><input id=\"k-label-%d\" "
                   "name=\"baskets[%d].label\" maxlength=\"100\"%s></p>",
                   i, TR(req, "Nom du panier", "Basket name"), i, i, req_attr);
        buf_printf(b,
                   "<p><label for=\"k-price-%d\">%s</label><input id=\"k-price-%d\" "
                   "name=\"baskets[%d].price\" inputmode=\"decimal\" maxlength=\"20\"%s></p>"
                   "</fieldset>",
                   i, TR(req, "Prix HT par livraison (€)", "Price excl. VAT per delivery (€)"), i,
                   i, req_attr);
    }
    field(b, "k-min", TR(req, "Engagement minimum (livraisons)", "Minimum commitment (deliveries)"),
          "<input type=\"number\" id=\"k-min\" name=\"min_deliveries\" min=\"1\" max=\"60\" "
          "value=\"1\" required>");
    buf_printf(b,
               "<p><label for=\"k-rule\">%s</label><select id=\"k-rule\" name=\"missed_rule\">"
               "<option value=\"neighbour\">%s</option><option value=\"hub\">%s</option>"
               "<option value=\"carry_over\">%s</option></select></p>",
               TR(req, "Livraison manquée", "Missed delivery"),
               TR(req, "donnée à un voisin", "given to a neighbour"),
               TR(req, "gardée par le groupement", "kept by the hub"),
               TR(req, "reportée à la suivante", "carried over to the next"));
    field(b, "k-plans",
          TR(req, "Échéanciers proposés (nombres de versements, ex. 1, 3, 10)",
             "Instalment plans offered (numbers of payments, e.g. 1, 3, 10)"),
          "<input id=\"k-plans\" name=\"instalment_plans\" value=\"1\" maxlength=\"60\" "
          "required>");
    buf_printf(b,
               "<fieldset><legend>%s</legend><p><input type=\"checkbox\" id=\"k-cheque\" "
               "name=\"payment_methods.cheque\" value=\"1\" checked> <label class=\"inline\" "
               "for=\"k-cheque\">%s</label></p><p><input type=\"checkbox\" id=\"k-sepa\" "
               "name=\"payment_methods.sepa_debit\" value=\"1\"> <label class=\"inline\" "
               "for=\"k-sepa\">%s</label></p></fieldset>",
               TR(req, "Paiement", "Payment"), TR(req, "chèque", "cheque"),
               TR(req, "prélèvement SEPA", "SEPA direct debit"));
    buf_printf(b, "<button class=\"btn\" type=\"submit\">%s</button></form></section>",
               TR(req, "Créer le contrat", "Create the contract"));
}

/* Split s at commas, blanks and line ends into at most max words; false when more. */
static bool words(arena *a, const char *s, size_t max, const char ***out, size_t *n)
{
    const char **w = arena_alloc(a, (max + 1) * sizeof *w);
    *n = 0;
    while (s && *s) {
        s += strspn(s, ", \t\r\n");
        size_t len = strcspn(s, ", \t\r\n");
        if (!len)
            break;
        if (*n == max)
            return false;
        w[(*n)++] = arena_strndup(a, s, len);
        s += len;
    }
    *out = w;
    return true;
}

static int bad(refusal *why, const char *field, const char *fr, const char *en)
{
    return refuse(why, 422, "invalid_field", field, fr, en);
}

/* The form into in; 0, or 1 with the refusal naming the field. */
static int read_form(http_req *req, const form *f, contract_new *in, refusal *why)
{
    arena *a = req->mem;
    in->producer = form_get(f, "producer");
    in->name = form_get(f, "name");
    in->window_opens = form_get(f, "window_opens");
    in->window_closes = form_get(f, "window_closes");
    in->missed_rule = form_get(f, "missed_rule");
    if (!in->producer || !*in->producer || strlen(in->producer) > 64)
        return refuse(why, 422, "unknown_producer", "producer", "Choisissez un producteur.",
                      "Choose a producer.");
    if (!words(a, form_get(f, "deliveries"), CONTRACT_MAX_DELIVERIES,
               (const char ***)&in->deliveries, &in->ndeliveries))
        return refuse(why, 422, "too_many_deliveries", "deliveries",
                      "Au plus 60 livraisons par contrat.", "At most 60 deliveries per contract.");
    contract_basket_in *bk = arena_alloc(a, FORM_BASKETS * sizeof *bk);
    in->baskets = bk;
    for (int i = 0; i < FORM_BASKETS; i++) {
        const char *sku = form_get(f, arena_printf(a, "baskets[%d].sku", i)),
                   *label = form_get(f, arena_printf(a, "baskets[%d].label", i)),
                   *price = form_get(f, arena_printf(a, "baskets[%d].price", i));
        bool empty = (!sku || !*sku) && (!label || !*label) && (!price || !*price);
        if (empty && i > 0)
            continue; /* an optional row left blank */
        size_t k = in->nbaskets;
        const char *at = arena_printf(a, "baskets[%zu]", k);
        if (!sku || !*sku || strlen(sku) > 64)
            return bad(why, arena_printf(a, "%s.sku", at),
                       "Donnez la référence (SKU) du produit qui représente le panier.",
                       "Give the reference (SKU) of the product that stands for the basket.");
        if (!price || parse_decimal(price, 4, 1, 100000000, &bk[k].price) != PARSE_OK)
            return refuse(why, 422, "invalid_price", arena_printf(a, "%s.price", at),
                          "Le prix HT s’écrit « 8.50 », quatre décimales au plus.",
                          "The price excl. VAT is written \"8.50\", at most four decimals.");
        bk[k].sku = sku;
        bk[k].label = label ? label : "";
        in->nbaskets++;
    }
    int64_t min;
    if (!http_id_text(form_get(f, "min_deliveries"), &min) || min > 60)
        return bad(why, "min_deliveries", "L’engagement minimum est un nombre de livraisons.",
                   "The minimum commitment is a number of deliveries.");
    in->min_deliveries = (int)min;
    const char **plans;
    size_t nplans;
    if (!words(a, form_get(f, "instalment_plans"), 12, &plans, &nplans) || nplans == 0)
        return bad(why, "instalment_plans", "De 1 à 12 échéanciers, par exemple « 1, 3, 10 ».",
                   "From 1 to 12 plans, for example \"1, 3, 10\".");
    int64_t *p = arena_alloc(a, nplans * sizeof *p);
    for (size_t i = 0; i < nplans; i++)
        if (!http_id_text(plans[i], &p[i]) || p[i] > 52)
            return bad(why, "instalment_plans", "Un échéancier compte de 1 à 52 versements.",
                       "A plan has 1 to 52 instalments.");
    in->plans = p;
    in->nplans = nplans;
    const char **m = arena_alloc(a, 2 * sizeof *m);
    if (form_get(f, "payment_methods.cheque"))
        m[in->nmethods++] = "cheque";
    if (form_get(f, "payment_methods.sepa_debit"))
        m[in->nmethods++] = "sepa_debit";
    in->methods = m;
    return 0;
}

/* POST /desk/contracts — the form above; refused naming the field, nothing written. */
void p_desk_contract_create(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    contract_new in = {.hub = req->hub_id};
    refusal why = {0};
    int64_t id;
    int st = read_form(req, &f, &in, &why);
    if (st == 0)
        st = contract_create(req->db, req->mem, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, "/desk/contracts?created=1");
}
