/*
 * core/legal_pages.c — a hub's legal pages, as it wrote them or as km0 drafts them.
 *
 * The defaults name the hub (name, legal form, address, SIRET, contact) from the
 * hubs table, so they are right for a new hub before anyone edits them; a
 * coordinator replaces them with the hub's own words. The drafts are a start, not
 * legal advice: docs/operations.md says so to whoever runs km0.
 */
#include "legal_pages.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const legal_kind kinds[] = {
    {"legal-notice", "Mentions légales", "Legal notice"},
    {"terms-of-sale", "Conditions générales de vente", "Terms of sale"},
    {"privacy", "Politique de confidentialité", "Privacy notice"},
    {"accessibility", "Déclaration d’accessibilité", "Accessibility statement"},
};

DB_STMT(legal_of, "SELECT body, to_char(updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS at"
                  "  FROM hub_legal_pages WHERE hub_id = $1 AND kind = $2 AND lang = $3");
DB_STMT(hub_identity, "SELECT name, legal_form, address, siret, email, phone FROM hubs"
                      " WHERE id = $1");
DB_STMT(legal_write, "INSERT INTO hub_legal_pages (hub_id, kind, lang, body, user_id)"
                     " VALUES ($1, $2, $3, $4, nullif($5, '0')::bigint)"
                     " ON CONFLICT (hub_id, kind, lang) DO UPDATE SET body = excluded.body,"
                     " user_id = excluded.user_id, updated_at = now()");
DB_STMT(legal_reset, "DELETE FROM hub_legal_pages WHERE hub_id = $1 AND kind = $2 AND lang = $3");

const legal_kind *legal_kind_at(size_t i)
{
    return i < sizeof kinds / sizeof *kinds ? &kinds[i] : NULL;
}

const legal_kind *legal_kind_find(const char *code)
{
    for (size_t i = 0; code && i < sizeof kinds / sizeof *kinds; i++)
        if (!strcmp(kinds[i].code, code))
            return &kinds[i];
    return NULL;
}

const char *legal_page_href(const char *code)
{
    if (!strcmp(code, "legal-notice"))
        return "/legal/legal-notice";
    if (!strcmp(code, "terms-of-sale"))
        return "/legal/terms-of-sale";
    if (!strcmp(code, "privacy"))
        return "/legal/privacy";
    return "/legal/accessibility";
}

/* The default texts; {name}, {form}, {address}, {siret}, {email}, {phone} are the hub's. */
static const char *const defaults_fr[] = {
    "## Éditeur\n\n{name}{form}\n{address}\nSIRET {siret}\nContact : {email} {phone}\n\n"
    "## Hébergement\n\nLe service est hébergé par le groupement ou par le prestataire qu’il a "
    "choisi ; ses coordonnées sont disponibles sur demande à l’adresse de contact.\n\n"
    "## Logiciel\n\nLa boutique fonctionne avec km0, logiciel de circuits courts.",
    "## Objet\n\nCes conditions régissent les commandes passées auprès de {name} par "
    "l’intermédiaire de sa boutique en ligne.\n\n"
    "## Commandes\n\nUne commande peut être modifiée ou annulée jusqu’à la clôture des "
    "commandes de la semaine. Elle est retirée au point de retrait choisi, le jour indiqué.\n\n"
    "## Prix\n\nLes prix sont indiqués toutes taxes comprises, avec le prix au kilogramme ou au "
    "litre lorsque la loi le demande. Un produit vendu au poids est facturé au poids réel.\n\n"
    "## Droit de rétractation\n\nConformément à l’article L221-28 du Code de la consommation, "
    "le droit de rétractation ne s’applique pas aux denrées périssables : biens susceptibles de "
    "se détériorer ou de se périmer rapidement. Il ne s’applique donc pas aux produits frais "
    "vendus ici. Pour les autres produits, vous disposez de quatorze jours après le retrait pour "
    "vous rétracter, en écrivant à {email}.\n\n"
    "## Réclamations et médiation\n\nToute réclamation s’adresse à {email}. En cas de litige, "
    "vous pouvez recourir gratuitement à un médiateur de la consommation.",
    "## Responsable du traitement\n\n{name}, {address}. Contact : {email}.\n\n"
    "## Données traitées\n\nNom, adresse e-mail, téléphone, commandes et factures : ce qu’il "
    "faut pour préparer, livrer et facturer vos commandes (exécution du contrat) et tenir la "
    "comptabilité (obligation légale : dix ans pour les factures).\n\n"
    "## Destinataires\n\nLe groupement et les producteurs dont vous commandez les produits, "
    "pour ce qui les concerne. Aucune donnée n’est vendue ni cédée.\n\n"
    "## Cookies\n\nUn cookie de session garde votre connexion, un autre votre langue ; aucun "
    "cookie publicitaire ni de mesure d’audience.\n\n"
    "## Vos droits\n\nVous pouvez accéder à vos données, les faire rectifier ou effacer, vous "
    "opposer à leur traitement ou en demander la portabilité en écrivant à {email}. Vous pouvez "
    "aussi saisir la CNIL (www.cnil.fr).",
    "## État de conformité\n\nLa boutique de {name} vise la conformité au référentiel général "
    "d’amélioration de l’accessibilité (RGAA) : pages utilisables sans JavaScript, au clavier, "
    "sur un téléphone et avec un texte agrandi à 200 %, contrastes suffisants, formulaires dont "
    "chaque champ est nommé et dont les erreurs sont annoncées. Ses pages sont vérifiées "
    "automatiquement (axe-core) à chaque version.\n\n"
    "## Signaler un problème\n\nSi vous ne pouvez pas accéder à un contenu ou à un service, "
    "écrivez à {email} : nous vous répondrons et vous fournirons l’information sous une autre "
    "forme.\n\n"
    "## Voie de recours\n\nSi vous n’obtenez pas de réponse satisfaisante, vous pouvez saisir le "
    "Défenseur des droits (www.defenseurdesdroits.fr).",
};

static const char *const defaults_en[] = {
    "## Publisher\n\n{name}{form}\n{address}\nSIRET {siret}\nContact: {email} {phone}\n\n"
    "## Hosting\n\nThe service is hosted by the hub or by the provider it chose; its details "
    "are available on request at the contact address.\n\n"
    "## Software\n\nThe shop runs on km0, software for short food supply chains.",
    "## Scope\n\nThese terms govern orders placed with {name} through its online shop.\n\n"
    "## Orders\n\nAn order may be changed or cancelled until the week's orders close. It is "
    "collected at the chosen pickup point on the day shown.\n\n"
    "## Prices\n\nPrices include VAT and show the price per kilogram or litre where the law "
    "asks for it. A product sold by weight is invoiced at its actual weight.\n\n"
    "## Right of withdrawal\n\nAs article L221-28 of the French Consumer Code provides, the "
    "right of withdrawal does not apply to perishable goods: goods liable to deteriorate or "
    "expire rapidly. It therefore does not apply to the fresh food sold here. For other "
    "products, you may withdraw within fourteen days after collection by writing to {email}.\n\n"
    "## Complaints and mediation\n\nComplaints go to {email}. In a dispute, you may turn to a "
    "consumer mediator free of charge.",
    "## Controller\n\n{name}, {address}. Contact: {email}.\n\n"
    "## Data processed\n\nName, e-mail address, phone, orders and invoices: what is needed to "
    "prepare, deliver and invoice your orders (performance of the contract) and to keep the "
    "accounts (legal obligation: ten years for invoices).\n\n"
    "## Recipients\n\nThe hub, and the producers whose goods you order, for what concerns "
    "them. No data is sold or passed on.\n\n"
    "## Cookies\n\nOne cookie keeps your session, another your language; no advertising or "
    "audience-measurement cookie.\n\n"
    "## Your rights\n\nYou may access your data, have it corrected or erased, object to its "
    "processing or ask for its portability by writing to {email}. You may also complain to the "
    "CNIL (www.cnil.fr).",
    "## Compliance\n\nThe shop of {name} aims at conformity with the French accessibility "
    "framework (RGAA): pages usable without JavaScript, with a keyboard, on a phone and with "
    "text enlarged to 200 %, sufficient contrast, forms whose every field is named and whose "
    "errors are announced. Its pages are checked automatically (axe-core) at every release.\n\n"
    "## Reporting a problem\n\nIf you cannot reach some content or service, write to {email}: "
    "we will answer and give you the information in another form.\n\n"
    "## Remedies\n\nIf you get no satisfactory answer, you may turn to the Défenseur des "
    "droits (www.defenseurdesdroits.fr).",
};

static const char *fill(arena *a, const char *tmpl, const PGresult *hub)
{
    buf b = BUF_INIT;
    for (const char *s = tmpl; *s;) {
        const char *open = strchr(s, '{');
        if (!open) {
            buf_puts(&b, s);
            break;
        }
        buf_append(&b, s, (size_t)(open - s));
        const char *close = strchr(open, '}');
        char key[16] = "";
        if (close && close - open < (long)sizeof key)
            memcpy(key, open + 1, (size_t)(close - open - 1));
        const char *v = NULL;
        if (!strcmp(key, "form")) {
            const char *f = hub ? db_val(hub, 0, "legal_form") : "";
            v = *f ? arena_printf(a, ", %s", f) : "";
        } else if (!strcmp(key, "name") || !strcmp(key, "address") || !strcmp(key, "siret") ||
                   !strcmp(key, "email") || !strcmp(key, "phone")) {
            v = hub ? db_val(hub, 0, key) : "";
        }
        if (!v || !close) {
            buf_putc(&b, '{');
            s = open + 1;
            continue;
        }
        buf_puts(&b, v);
        s = close + 1;
    }
    const char *out = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out;
}

db_status legal_page_get(db_conn *c, arena *a, int64_t hub, const char *code, const char *lang,
                         legal_page *out, bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    const legal_kind *k = legal_kind_find(code);
    if (!k)
        return DB_OK;
    bool fr = strcmp(lang, "en") != 0;
    PGresult *r;
    db_status st = db_run_a(c, a, &legal_of, &r, DB_P(db_i64(a, hub), k->code, fr ? "fr" : "en"));
    if (st != DB_OK)
        return st;
    out->kind = k;
    *found = true;
    if (PQntuples(r) == 1) {
        out->body = db_val(r, 0, "body");
        out->custom = true;
        out->updated_at = db_val(r, 0, "at");
        return DB_OK;
    }
    PGresult *h;
    if ((st = db_run_a(c, a, &hub_identity, &h, DB_P(db_i64(a, hub)))) != DB_OK)
        return st;
    size_t i = (size_t)(k - kinds);
    out->body = fill(a, fr ? defaults_fr[i] : defaults_en[i], PQntuples(h) == 1 ? h : NULL);
    out->updated_at = "";
    return DB_OK;
}

int legal_page_save(db_conn *c, arena *a, int64_t hub, const char *code, const char *lang,
                    const char *body, int64_t user, refusal *why)
{
    const legal_kind *k = legal_kind_find(code);
    if (!k)
        return refuse(why, 404, "not_found", "kind", "Cette page n’existe pas.",
                      "There is no such page.");
    if (strcmp(lang, "fr") && strcmp(lang, "en"))
        return refuse(why, 422, "invalid_field", "lang", "La langue est « fr » ou « en ».",
                      "The language is \"fr\" or \"en\".");
    const char *h = db_i64(a, hub);
    bool blank = !body || strspn(body, " \t\r\n") == strlen(body);
    if (blank)
        return db_do(c, &legal_reset, DB_P(h, k->code, lang));
    int st = text_or_refuse(why, a, "body", body, 1, LEGAL_BODY_MAX_CHARS, TEXT_LINES,
                            "Le texte compte au plus 20 000 caractères.",
                            "The text has 20 000 characters at most.");
    if (st)
        return st;
    return db_do(c, &legal_write, DB_P(h, k->code, lang, body, db_i64(a, user)));
}

static void span(buf *b, const char *s, size_t n)
{
    char *t = strndup(s, n);
    if (t) {
        buf_html(b, t);
        free(t);
    }
}

void legal_page_html(buf *b, const char *body)
{
    bool in_p = false, in_list = false;
    for (const char *s = body ? body : ""; *s;) {
        size_t n = strcspn(s, "\n");
        const char *line = s;
        size_t len = n;
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        s += n + (s[n] == '\n');
        bool item = len >= 2 && line[0] == '-' && line[1] == ' ';
        if (in_list && !item) {
            buf_puts(b, "</ul>");
            in_list = false;
        }
        if (len == 0 || (len >= 3 && !strncmp(line, "## ", 3)) || item) {
            if (in_p)
                buf_puts(b, "</p>");
            in_p = false;
        }
        if (len == 0)
            continue;
        if (len >= 3 && !strncmp(line, "## ", 3)) {
            buf_puts(b, "<h2>");
            span(b, line + 3, len - 3);
            buf_puts(b, "</h2>");
        } else if (item) {
            if (!in_list)
                buf_puts(b, "<ul>");
            in_list = true;
            buf_puts(b, "<li>");
            span(b, line + 2, len - 2);
            buf_puts(b, "</li>");
        } else {
            buf_puts(b, in_p ? "<br>" : "<p>");
            in_p = true;
            span(b, line, len);
        }
    }
    if (in_p)
        buf_puts(b, "</p>");
    if (in_list)
        buf_puts(b, "</ul>");
}
