/*
 * server/p_privacy.c — the hub's privacy notice (what km0 keeps, why, how long), and
 * the one-click unsubscribe of optional messages (RFC 8058).
 *
 * The notice is written from the hub's identity and km0's own retention settings, so
 * it says what this installation does. (A page the coordinator edits will take its
 * place when hubs get legal pages of their own.)
 *
 * Unsubscribing: the link of an optional message names the account, the kind of
 * message and a signature (core/unsubscribe.h). Opening it shows a button; a POST to
 * the same address — the button, or a mail client's "List-Unsubscribe=One-Click" —
 * stops that kind. The signature is the authorisation: no session, no CSRF token
 * (a mail client has neither), and a link signed for another account, another kind
 * or nothing at all changes nothing.
 */
#include "../core/account_privacy.h"
#include "../core/config.h"
#include "../core/parse.h"
#include "../core/shop.h"
#include "../core/unsubscribe.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static void item(buf *b, http_req *req, const char *what_fr, const char *what_en,
                 const char *why_fr, const char *why_en, const char *how_long)
{
    buf_lit(b, "<li><strong>");
    buf_html(b, TR(req, what_fr, what_en));
    buf_lit(b, "</strong> — ");
    buf_html(b, TR(req, why_fr, why_en));
    buf_lit(b, " ");
    buf_html(b, how_long);
    buf_lit(b, "</li>");
}

/* GET /privacy */
void p_privacy(http_req *req)
{
    shop_hub h;
    bool found;
    int st = shop_hub_load(req->db, req->mem, req->hub_id, &h, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Données personnelles", "Privacy notice");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p>", title);
    buf_html(&b, arena_printf(req->mem,
                              TR(req, "%s est responsable des données de ce site (km0).",
                                 "%s is responsible for the data of this site (km0)."),
                              found ? h.name : "km0"));
    if (found && *h.email) {
        buf_printf(&b, " %s <a href=\"mailto:", TR(req, "Écrivez-lui :", "Write to it:"));
        buf_html(&b, h.email);
        buf_lit(&b, "\">");
        buf_html(&b, h.email);
        buf_lit(&b, "</a>.");
    }
    buf_printf(&b, "</p><h2>%s</h2><ul>", TR(req, "Ce qui est gardé", "What is kept"));
    int years = g_config.account_idle_years;
    item(&b, req, "Votre compte : adresse e-mail, nom, téléphone, langue, choix de messages",
         "Your account: email address, name, phone, language, choice of messages",
         "pour vous servir (exécution du contrat) :", "to serve you (performance of the contract):",
         arena_printf(req->mem,
                      TR(req,
                         "tant que le compte est ouvert ; fermé après %d ans sans connexion "
                         "ni commande.",
                         "while the account is open; closed after %d years without a login or "
                         "an order."),
                      years));
    item(&b, req, "Vos commandes et vos factures", "Your orders and invoices",
         "pour livrer et facturer, puis parce que la loi l’impose (Code de commerce, L123-22) :",
         "to deliver and invoice, then because the law requires it (French Commercial Code, "
         "L123-22):",
         TR(req,
            "dix ans. Les factures émises ne changent jamais, même si vous fermez votre "
            "compte.",
            "ten years. Issued invoices never change, even if you close your account."));
    item(&b, req, "Les messages envoyés", "Messages sent",
         "pour vous tenir informé de vos commandes et de votre compte :",
         "to keep you informed about your orders and account:",
         arena_printf(req->mem, TR(req, "%d jours après leur envoi.", "%d days after sending."),
                      g_config.mail_keep_sent_days));
    item(&b, req, "Vos sessions et tentatives de connexion", "Your sessions and login attempts",
         "pour la sécurité de votre compte :", "for your account's security:",
         arena_printf(req->mem,
                      TR(req, "%d jours au plus pour une session, un jour pour les tentatives.",
                         "at most %d days for a session, a day for attempts."),
                      (g_config.session_hours + 23) / 24));
    buf_printf(&b, "</ul><p>%s</p><h2>%s</h2><p>%s</p>",
               TR(req,
                  "Les messages facultatifs (« la boutique est ouverte », « elle ferme bientôt ») "
                  "partent seulement si vous les avez demandés, et chacun permet de les arrêter "
                  "en un clic. Aucun message ne contient d’image distante ni de pisteur. Les "
                  "journaux du serveur ne contiennent ni nom ni adresse.",
                  "Optional messages (\"the shop is open\", \"it closes soon\") are sent only if "
                  "you asked for them, and each lets you stop them in one click. No message "
                  "holds a remote image or a tracker. The server's logs hold no name or "
                  "address."),
               TR(req, "Vos droits", "Your rights"),
               TR(req,
                  "Depuis « Mon compte », vous pouvez télécharger tout ce que km0 garde à votre "
                  "sujet, corriger vos choix, et fermer votre compte : vos données personnelles "
                  "sont alors effacées. Pour toute autre demande, écrivez au groupement ; vous "
                  "pouvez aussi saisir la CNIL.",
                  "From \"My account\" you can download everything km0 keeps about you, change "
                  "your choices, and close your account: your personal data is then erased. For "
                  "anything else, write to the hub; you may also complain to the CNIL."));
    buf_printf(&b, "<p><a href=\"/account\">%s</a></p>", TR(req, "Mon compte", "My account"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* The link's account, kind and signature, checked: 0, or a reply already sent. */
static bool unsubscribe_link_or_reply(http_req *req, int64_t *user, const char **kind)
{
    const char *u = http_query(req, "u"), *t = http_query(req, "t");
    *kind = http_query(req, "k");
    bool ok = false;
    if (u && parse_int(u, 1, INT64_MAX, user) == PARSE_OK && account_optional_kind(*kind)) {
        db_status st = unsub_check(req->db, req->hub_id, *user, *kind, t, &ok);
        if (st != DB_OK) {
            http_reply_db_error(req, st);
            return false;
        }
    }
    if (!ok)
        http_reply_error(req, 422, "invalid_token",
                         TR(req, "Ce lien de désinscription n’est pas valable.",
                            "This unsubscribe link is not valid."),
                         "t");
    return ok;
}

static const char *kind_label(http_req *req, const char *kind)
{
    return !strcmp(kind, "shop_open")
               ? TR(req, "« La boutique est ouverte »", "\"The shop is open\"")
               : TR(req, "« La boutique ferme bientôt »", "\"The shop closes soon\"");
}

/* GET /unsubscribe?u=USER&k=KIND&t=SIGNATURE: the button (a link opened changes nothing) */
void p_unsubscribe_form(http_req *req)
{
    int64_t user;
    const char *kind;
    if (!unsubscribe_link_or_reply(req, &user, &kind))
        return;
    const char *title = TR(req, "Ne plus recevoir ce message", "Stop this message");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p>", title);
    buf_html(&b, arena_printf(req->mem,
                              TR(req, "Vous ne recevrez plus le message %s.",
                                 "You will no longer receive the message %s."),
                              kind_label(req, kind)));
    buf_lit(&b, "</p><form method=\"post\" action=\"/unsubscribe?u=");
    buf_printf(&b, "%lld&amp;k=", (long long)user);
    buf_html(&b, kind);
    buf_lit(&b, "&amp;t=");
    buf_url(&b, http_query(req, "t"));
    buf_lit(&b, "\">");
    page_csrf_field(&b, req);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Confirmer", "Confirm"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /unsubscribe?u=USER&k=KIND&t=SIGNATURE (List-Unsubscribe=One-Click, or the
 * button) */
void p_unsubscribe(http_req *req)
{
    int64_t user;
    const char *kind;
    if (!unsubscribe_link_or_reply(req, &user, &kind))
        return;
    refusal why = {0};
    int st = account_unsubscribe(req->db, req->mem, req->hub_id, user, kind, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    const char *title = TR(req, "C’est fait", "Done");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p>", title);
    buf_html(&b, arena_printf(req->mem,
                              TR(req,
                                 "Le message %s ne vous sera plus envoyé. Vous pouvez le "
                                 "demander à nouveau depuis « Mon compte ».",
                                 "The message %s will not be sent to you any more. You may ask "
                                 "for it again from \"My account\"."),
                              kind_label(req, kind)));
    buf_lit(&b, "</p>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
