/*
 * mail/compose_invoice.c — invoices and what is owed: "your invoice" (the Factur-X of
 * each invoice of the order attached) when a cycle is invoiced, and a payment reminder
 * for a cycle's invoices.
 *
 * What is owed is the issued invoices less the credit notes that correct them: km0
 * does not record payments, so a reminder is sent when a coordinator asks for it,
 * never on a timer (every invoice would look unpaid).
 */
#include "mail_int.h"

#include <stdlib.h>

DB_STMT(invoices_of,
        "SELECT i.number, i.total_incl_vat_cents AS total, o.customer_id, o.id AS order_id,"
        "       to_char(i.due_date, 'YYYY-MM-DD') AS due, i.seller->>'name' AS seller,"
        "       coalesce((SELECT sum(abs(cn.total_incl_vat_cents)) FROM invoices cn"
        "                  WHERE cn.corrects_invoice_id = i.id AND cn.type_code = 381), 0)"
        "         AS credited, c.name AS cycle_name"
        "  FROM invoices i JOIN orders o ON o.id = i.order_id JOIN cycles c ON c.id = i.cycle_id"
        " WHERE i.hub_id = $1 AND i.cycle_id = $2 AND i.type_code = 380"
        " ORDER BY o.customer_id, o.id, i.number");

static db_status invoices(fanout *f, PGresult **r)
{
    return db_run_a(f->c, f->a, &invoices_of, r,
                    DB_P(db_i64(f->a, f->ev->hub), db_i64(f->a, fo_int(f, "cycle"))));
}

/* One customer's message over rows [from, to). */
static int one_customer(fanout *f, const PGresult *r, int from, int to, bool reminder)
{
    mail_user u;
    bool found;
    int st = fo_customer_user(f, db_int(r, from, "customer_id"), &u, &found);
    if (st != DB_OK || !found)
        return st;
    cents_t owed = 0;
    for (int i = from; i < to; i++)
        owed += db_int(r, i, "total") - db_int(r, i, "credited");
    if (reminder && owed <= 0)
        return DB_OK;
    mail_text m;
    mt_begin(&m, f->a, u.lang, u.name);
    const char *cycle = db_val(r, from, "cycle_name");
    if (reminder)
        mt_pf(&m,
              ML(&m, "Sauf erreur de notre part, les factures de « %s » restent à régler : %s.",
                 "Unless we are mistaken, the invoices of \"%s\" remain to be paid: %s."),
              cycle, mt_money(f->a, m.lang, owed));
    else
        mt_pf(&m,
              ML(&m,
                 "Voici vos factures pour « %s », jointes au format Factur-X (un PDF qui "
                 "contient aussi la facture électronique).",
                 "Here are your invoices for \"%s\", attached as Factur-X (a PDF that also "
                 "holds the e-invoice)."),
              cycle);
    buf att = BUF_INIT;
    buf_putc(&att, '[');
    for (int i = from; i < to; i++) {
        cents_t left = db_int(r, i, "total") - db_int(r, i, "credited");
        mt_item(&m, arena_printf(
                        f->a, ML(&m, "%s (%s) : %s, échéance le %s", "%s (%s): %s, due %s"),
                        db_val(r, i, "number"), db_val(r, i, "seller"),
                        mt_money(f->a, m.lang, left), mt_date(f->a, m.lang, db_val(r, i, "due"))));
        buf_printf(&att, "%s{\"type\": \"facturx\", \"invoice\": \"", i > from ? ", " : "");
        buf_json_str(&att, db_val(r, i, "number"));
        buf_lit(&att, "\"}");
    }
    buf_putc(&att, ']');
    if (reminder)
        mt_p(&m, ML(&m, "Si vous avez réglé entre-temps, ne tenez pas compte de ce message.",
                    "If you have paid in the meantime, disregard this message."));
    mt_link(&m, ML(&m, "Mes commandes", "My orders"), mt_url(f->a, "/orders"));
    mt_end(&m, f->hub_name, NULL);
    outbox_msg extra = {.attachments = reminder ? NULL : arena_strdup(f->a, buf_str(&att))};
    buf_free(&att);
    fo_add(f, &u, reminder ? "payment_reminder" : "invoice",
           arena_printf(f->a, "%s — %s",
                        reminder ? ML(&m, "Rappel de paiement", "Payment reminder")
                                 : ML(&m, "Vos factures", "Your invoices"),
                        cycle),
           &m, &extra);
    mt_free(&m);
    return DB_OK;
}

static int per_customer(fanout *f, bool reminder)
{
    PGresult *r;
    int st = invoices(f, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0, n = PQntuples(r); i < n;) {
        int j = i;
        while (j < n && db_int(r, j, "customer_id") == db_int(r, i, "customer_id"))
            j++;
        if ((st = one_customer(f, r, i, j, reminder)) != DB_OK)
            return st;
        i = j;
    }
    return DB_OK;
}

int compose_invoices(fanout *f)
{
    return per_customer(f, false);
}

int compose_payment_reminder(fanout *f)
{
    return per_customer(f, true);
}
