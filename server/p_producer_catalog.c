/*
 * server/p_producer_catalog.c — POST /producer/catalog: check a catalog file, keep it
 * for its import, hold a file that needs a second look, import.
 *
 * "Check" is a dry run; a file without problems is kept an hour
 * (importers/catalog_review.h) under a token the preview's "Import this file" form
 * carries, so the import needs no second choice of the file. Before any import, the
 * file is checked again for the warnings that ask a person to look (an encoding read
 * on a guess, another producer's name or SKUs): with one, the import waits for the
 * producer's confirmation and the file stays kept.
 */
#include "handlers.h"
#include "page.h"
#include "producer_page.h"

#include <string.h>

/* The dry run before an import: its result, and the warnings it calls for.
 * false after an error reply. */
static bool check_file(http_req *req, producer_view *v, imp_request in, imp_result **res, int *st)
{
    in.dry_run = true;
    *res = arena_alloc(req->mem, sizeof **res);
    refusal why = {0};
    *st = imp_catalog_import(req->db, req->mem, req->hub_id, &in, *res, &why);
    if (*st < 0) {
        http_reply_db_error(req, *st);
        return false;
    }
    if (*st > 0 && why.status != 422) {
        http_reply_refusal(req, &why);
        return false;
    }
    if (*st == 0) {
        imp_warning *w;
        int ws = imp_catalog_warnings(req->db, req->mem, req->hub_id, &v->producer,
                                      &(*res)->catalog, &w, &v->nwarnings);
        if (ws != DB_OK) {
            http_reply_db_error(req, ws);
            return false;
        }
        v->warnings = w;
    }
    return true;
}

/* Keep the checked file for its import (catalog_review.h). */
static bool keep_draft(http_req *req, producer_view *v, const imp_draft *d)
{
    char token[IMP_DRAFT_TOKEN_LEN + 1];
    int st = imp_draft_save(req->db, req->mem, req->hub_id, v->producer.id, req->session->user_id,
                            d, token);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    v->draft = arena_strdup(req->mem, token);
    v->draft_name = d->filename;
    return true;
}

/* POST /producer/catalog — multipart: file, encoding, deactivate_missing, action
 * (check | import), producer (coordinators); or, after a check, the kept file's
 * draft token (and confirm, when the check raised warnings). */
void p_producer_catalog(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    producer_view v = {0};
    if (!producer_or_reply(req, form_get(&f, "producer"), &v))
        return;
    if (!v.producer.slug) {
        http_reply_error(req, 400, "missing_producer",
                         TR(req, "Choisissez d’abord un producteur.", "Choose a producer first."),
                         NULL);
        return;
    }
    const form_field *file = form_field_get(&f, "file");
    const char *action = form_get(&f, "action"), *token = form_get(&f, "draft");
    imp_draft d = {0};
    bool chosen = file && (file->len > 0 || (file->filename && *file->filename));
    if (chosen) {
        const char *enc = form_get(&f, "encoding");
        d = (imp_draft){file->filename,
                        enc && (!strcmp(enc, "utf-8") || !strcmp(enc, "windows-1252")) ? enc
                                                                                       : "auto",
                        form_get(&f, "deactivate_missing") != NULL, file->value, file->len};
    } else if (token) {
        bool found;
        int st = imp_draft_load(req->db, req->mem, req->hub_id, v.producer.id,
                                req->session->user_id, token, &d, &found);
        if (st != DB_OK) {
            http_reply_db_error(req, st);
            return;
        }
        if (!found) {
            v.form_error = TR(req,
                              "Le fichier vérifié n’est plus disponible (il est gardé une heure) : "
                              "choisissez-le de nouveau.",
                              "The checked file is no longer kept (it is kept for an hour): "
                              "choose it again.");
            producer_page(req, 422, &v);
            return;
        }
    } else {
        v.form_error =
            TR(req, "Choisissez le fichier de votre catalogue.", "Choose your catalog file.");
        producer_page(req, 422, &v);
        return;
    }
    v.encoding = d.encoding;
    v.deactivate = d.deactivate_missing;
    imp_request in = {.producer_slug = v.producer.slug,
                      .deactivate_missing = d.deactivate_missing,
                      .data = d.data,
                      .len = d.len};
    if (!strcmp(d.encoding, "utf-8"))
        in.encoding = IMP_ENC_UTF8;
    else if (!strcmp(d.encoding, "windows-1252"))
        in.encoding = IMP_ENC_WINDOWS_1252;
    /* anything but an explicit "import" is a check: it writes nothing */
    bool import = action && !strcmp(action, "import");
    bool confirmed = form_get(&f, "confirm") != NULL;
    imp_result *res;
    int st;
    if (!import || !confirmed) {
        if (!check_file(req, &v, in, &res, &st))
            return;
        v.result = res;
        if (st > 0) { /* problems in the file: listed, nothing kept */
            producer_page(req, 422, &v);
            return;
        }
        if (!import || v.nwarnings) {
            /* the preview (or an import held for confirmation), with the file kept */
            v.unconfirmed = import;
            if (token && !chosen) { /* the same kept file, under the same token */
                v.draft = token;
                v.draft_name = d.filename;
            } else if (!keep_draft(req, &v, &d)) {
                return;
            }
            producer_page(req, import ? 422 : 200, &v);
            return;
        }
    }
    res = arena_alloc(req->mem, sizeof *res);
    refusal why = {0};
    st = imp_catalog_import(req->db, req->mem, req->hub_id, &in, res, &why);
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (st > 0 && why.status != 422) {
        http_reply_refusal(req, &why);
        return;
    }
    if (st == 0 && token && !chosen && (st = imp_draft_delete(req->db, req->mem, token)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    v.result = res;
    producer_page(req, st > 0 ? 422 : 200, &v);
}
