/*
 * server/p_producer_product.c — one product at a time on the producer's page: its
 * form, its photo, and the producer's own presentation.
 *
 * GET /producer/product?sku=SKU (no sku: a new product; a coordinator adds
 * &p=SLUG) shows every field of the product, the information the law asks for
 * included, in one column that fits a phone. POST /producer/product saves it as a
 * one-line catalog: the fields become a CSV record with km0's own column names and go
 * through the very import the files use (importers/catalog_db.c), so a form and a
 * spreadsheet are checked by the same rules, write the same way, and report a
 * problem by the same column, here the field. POST /producer/product/photo takes a
 * photo (core/photo.h).
 */
#include "../core/photo.h"
#include "../core/product_info.h"
#include "../core/text.h"
#include "../importers/catalog_db.h"
#include "handlers.h"
#include "page.h"
#include "producer_page.h"
#include "product_form.h"

#include <stdio.h>
#include <string.h>

/* The producer's public page and where to edit what it says (server/p_producer_profile.c,
 * the producer's own form: a coordinator changes it on the desk). */
void producer_profile_section(buf *b, http_req *req, const producer_view *v)
{
    buf_printf(b,
               "<section aria-labelledby=\"profile-title\"><h2 id=\"profile-title\">%s</h2>"
               "<p><a href=\"/producers/",
               TR(req, "Ma présentation", "My presentation"));
    buf_html(b, v->producer.slug);
    buf_printf(b, "\">%s</a>", TR(req, "Voir ma page publique", "See my public page"));
    if (!v->coordinator)
        buf_printf(
            b, " · <a href=\"/producer/profile\">%s</a> · <a href=\"/producer/settlements\">%s</a>",
            TR(req, "La modifier", "Edit it"),
            TR(req, "Mes reversements et commissions", "My settlements and fees"));
    buf_puts(b, "</p></section>");
}

static const char *slug_part(http_req *req, const producer_view *v)
{
    if (!v->coordinator)
        return "";
    return arena_printf(req->mem, "&p=%s", v->producer.slug);
}

/* GET /producer/product[?sku=SKU][&p=SLUG] */
void p_producer_product_form(http_req *req)
{
    producer_view v = {0};
    if (!producer_or_reply(req, http_query(req, "p"), &v))
        return;
    if (!v.producer.slug) {
        http_reply_redirect(req, "/producer");
        return;
    }
    const char *sku = http_query(req, "sku");
    product_form pf = {0};
    pf.producer = &v;
    for (int i = 0; i < PF_COUNT; i++) /* a new product: empty, on sale, sold one by one */
        pf.v[i] = "";
    pf.v[PF_ACTIVE] = TR(req, "oui", "yes");
    pf.v[PF_STEP] = "1";
    if (sku && *sku) {
        imp_product p;
        bool found;
        const char *photo;
        int st = imp_product_get(req->db, req->mem, v.producer.id, sku, &p, &photo, &found);
        if (st != DB_OK) {
            http_reply_db_error(req, st);
            return;
        }
        if (!found) {
            http_reply_error(req, 404, "unknown_product",
                             TR(req, "Ce produit n’existe pas.", "There is no such product."),
                             NULL);
            return;
        }
        product_form_from(req, &pf, &p);
        pf.photo = photo;
        pf.missing = p.info.missing;
    }
    pf.saved = http_query(req, "saved") != NULL;
    pf.photo_saved = http_query(req, "photo") != NULL;
    product_form_page(req, 200, &pf);
}

/* POST /producer/product — the product's fields (product_form.h) */
void p_producer_product_save(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    producer_view v = {0};
    if (!producer_or_reply(req, form_get(&f, "producer"), &v))
        return;
    if (!v.producer.slug) {
        http_reply_redirect(req, "/producer");
        return;
    }
    product_form pf = {0};
    pf.producer = &v;
    product_form_read(req, &f, &pf);
    const char *csv = product_form_csv(req, &pf);
    imp_request in = {v.producer.slug, csv,   strlen(csv), IMP_FORMAT_CSV,
                      IMP_ENC_UTF8,    false, false};
    imp_result res;
    refusal why = {0};
    int st = pf.nerrors ? 422 : imp_catalog_import(req->db, req->mem, req->hub_id, &in, &res, &why);
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (st == 0) {
        char *to = arena_printf(req->mem, "/producer/product?sku=");
        buf b = BUF_INIT;
        buf_puts(&b, to);
        buf_url(&b, pf.v[PF_SKU]);
        buf_printf(&b, "%s&saved=1", slug_part(req, &v));
        http_reply_redirect(req, arena_strdup(req->mem, buf_str(&b)));
        buf_free(&b);
        return;
    }
    if (!pf.nerrors && why.status == 422)
        product_form_problems(req, &pf, &res.catalog);
    else if (!pf.nerrors) {
        http_reply_failure(req, st, &why);
        return;
    }
    product_form_page(req, 422, &pf);
}

/* POST /producer/product/photo — sku, photo (a file), remove (to take it away) */
void p_producer_photo(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    producer_view v = {0};
    if (!producer_or_reply(req, form_get(&f, "producer"), &v))
        return;
    const char *sku = form_get(&f, "sku");
    if (!v.producer.slug || !sku) {
        http_reply_redirect(req, "/producer");
        return;
    }
    refusal why = {0};
    int st;
    if (form_get(&f, "remove")) {
        st = photo_detach(req->db, req->mem, req->hub_id, v.producer.id, sku, &why);
    } else {
        const form_field *file = form_field_get(&f, "photo");
        photo_variants pv;
        if (!file || !file->filename || !file->len)
            st = refuse(&why, 422, "missing_photo", "photo", "Choisissez une photo.",
                        "Choose a photo.");
        else
            st = photo_process(req->mem, file->value, file->len, &pv, &why);
        if (st == 0)
            st = photo_attach(req->db, req->mem, req->hub_id, v.producer.id, sku, &pv, &why);
    }
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (st == 0) {
        buf b = BUF_INIT;
        buf_puts(&b, "/producer/product?sku=");
        buf_url(&b, sku);
        buf_printf(&b, "%s&photo=1", slug_part(req, &v));
        http_reply_redirect(req, arena_strdup(req->mem, buf_str(&b)));
        buf_free(&b);
        return;
    }
    if (why.status == 404 || why.status == 503) {
        http_reply_failure(req, st, &why);
        return;
    }
    /* the product's form again, the photo field marked */
    product_form pf = {0};
    pf.producer = &v;
    imp_product p;
    bool found;
    const char *photo = "";
    st = imp_product_get(req->db, req->mem, v.producer.id, sku, &p, &photo, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (found) {
        product_form_from(req, &pf, &p);
        pf.missing = p.info.missing;
    }
    pf.photo = photo;
    pf.photo_error = refusal_text(&why, req->lang);
    product_form_page(req, why.status, &pf);
}
