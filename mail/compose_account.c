/*
 * mail/compose_account.c — the messages of an account's life: confirm the address,
 * reset the password, the password was changed.
 *
 * The links carry a single-use token made as the message leaves (token_purpose):
 * the words hold a placeholder until then, so no usable token is ever stored.
 */
#include "mail_int.h"
#include "../core/account_tokens.h"

int compose_account_created(fanout *f)
{
    mail_user u;
    bool found;
    int st = fo_user(f, fo_int(f, "user"), &u, &found);
    if (st != DB_OK || !found || u.verified)
        return st;
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    mt_pf(&m,
          ML(&m,
             "Bienvenue chez %s ! Pour confirmer que cette adresse est bien la vôtre, ouvrez "
             "le lien ci-dessous (il reste valable sept jours).",
             "Welcome to %s! To confirm that this address is yours, open the link below (it "
             "stays valid for seven days)."),
          f->hub_name);
    mt_link(&m, ML(&m, "Confirmer mon adresse", "Confirm my address"),
            mt_url(f->a, "/verify?t=" ACCOUNT_TOKEN_PLACEHOLDER));
    mt_p(&m, ML(&m, "Votre première commande sera possible une fois l’adresse confirmée.",
                "You can place your first order once the address is confirmed."));
    mt_p(&m, ML(&m, "Si vous n’avez pas créé de compte, ignorez ce message.",
                "If you did not sign up, ignore this message."));
    mt_end(&m, f->hub_name, NULL);
    outbox_msg extra = {.token_purpose = "verify"};
    fo_add(f, &u, "account_created",
           ML(&m, "Confirmez votre adresse e-mail", "Confirm your email address"), &m, &extra);
    mt_free(&m);
    return DB_OK;
}

int compose_password_reset(fanout *f)
{
    mail_user u;
    bool found;
    int st = fo_user(f, fo_int(f, "user"), &u, &found);
    if (st != DB_OK || !found)
        return st;
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    mt_p(&m, ML(&m,
                "Quelqu’un (vous, sans doute) a demandé à changer le mot de passe de votre "
                "compte. Le lien ci-dessous le permet une seule fois, pendant une heure.",
                "Someone (you, probably) asked to change your account's password. The link "
                "below lets you do it once, within an hour."));
    mt_link(&m, ML(&m, "Choisir un nouveau mot de passe", "Choose a new password"),
            mt_url(f->a, "/password/reset?t=" ACCOUNT_TOKEN_PLACEHOLDER));
    mt_p(&m, ML(&m,
                "Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne "
                "change pas.",
                "If you asked for nothing, ignore this message: your password does not "
                "change."));
    mt_end(&m, f->hub_name, NULL);
    outbox_msg extra = {.token_purpose = "reset"};
    fo_add(f, &u, "password_reset", ML(&m, "Changer votre mot de passe", "Change your password"),
           &m, &extra);
    mt_free(&m);
    return DB_OK;
}

int compose_password_changed(fanout *f)
{
    mail_user u;
    bool found;
    int st = fo_user(f, fo_int(f, "user"), &u, &found);
    if (st != DB_OK || !found)
        return st;
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    mt_p(&m, ML(&m,
                "Le mot de passe de votre compte vient d’être changé, et vos autres sessions "
                "ont été fermées.",
                "Your account's password has just been changed, and your other sessions were "
                "ended."));
    mt_p(&m, ML(&m, "Si ce n’est pas vous, choisissez tout de suite un nouveau mot de passe :",
                "If it was not you, choose a new password at once:"));
    mt_link(&m, ML(&m, "Mot de passe oublié", "Forgotten password"),
            mt_url(f->a, "/password/forgot"));
    mt_end(&m, f->hub_name, NULL);
    fo_add(f, &u, "password_changed",
           ML(&m, "Votre mot de passe a changé", "Your password was changed"), &m, NULL);
    mt_free(&m);
    return DB_OK;
}
