/*
 * mail/mail_attach.c — the files a message carries, made as it leaves: a producer's
 * collection sheet (PDF), an invoice's Factur-X, the EPC QR code of a transfer (PNG,
 * drawn from the payload the message's text was written with). They are rendered from the stored
 * data each time (an issued invoice renders the same bytes every time), so the outbox
 * keeps only what to attach, never the files.
 */
#include "mail.h"
#include "../core/epc_qr.h"
#include "../core/invoicing.h"
#include "../reports/invoice_doc.h"
#include "../reports/report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static int collection(db_conn *c, arena *a, int64_t hub, const cJSON *att, const char *lang,
                      mime_file *out, char *why, size_t whylen)
{
    const cJSON *cycle = cJSON_GetObjectItemCaseSensitive(att, "cycle"),
                *producer = cJSON_GetObjectItemCaseSensitive(att, "producer");
    if (!cJSON_IsNumber(cycle) || !cJSON_IsString(producer))
        return MAIL_ATTACH_PERMANENT;
    rpt_request rq = {.hub_id = hub,
                      .cycle_id = (int64_t)cycle->valuedouble,
                      .kind = "collection",
                      .producer = producer->valuestring,
                      .format = RPT_PDF,
                      .lang = lang};
    buf doc = BUF_INIT;
    rpt_error err;
    if (rpt_render(c, &rq, &doc, &err) != 0) {
        snprintf(why, whylen, "attachment collection: %s", err.code ? err.code : "failed");
        buf_free(&doc);
        return err.status >= 500 ? MAIL_ATTACH_TEMPORARY : MAIL_ATTACH_PERMANENT;
    }
    char name[128];
    out->name = arena_strdup(a, rpt_file_name(name, &rq));
    out->content_type = "application/pdf";
    out->len = doc.len;
    out->data = arena_strndup(a, doc.data ? doc.data : "", doc.len);
    buf_free(&doc);
    return MAIL_ATTACH_OK;
}

static int facturx(db_conn *c, arena *a, int64_t hub, const cJSON *att, const char *lang,
                   mime_file *out, char *why, size_t whylen)
{
    const cJSON *number = cJSON_GetObjectItemCaseSensitive(att, "invoice");
    if (!cJSON_IsString(number))
        return MAIL_ATTACH_PERMANENT;
    inv_stored s;
    bool found;
    if (invoice_find(c, a, hub, number->valuestring, &s, &found) != DB_OK)
        return MAIL_ATTACH_TEMPORARY;
    if (!found) {
        snprintf(why, whylen, "attachment: no invoice");
        return MAIL_ATTACH_PERMANENT;
    }
    buf doc = BUF_INIT;
    rpt_error err;
    if (rpt_invoice_render(c, &s, INV_FACTURX, lang, &doc, &err) != 0) {
        snprintf(why, whylen, "attachment facturx: %s", err.code ? err.code : "failed");
        buf_free(&doc);
        return MAIL_ATTACH_TEMPORARY;
    }
    char name[128];
    out->name = arena_strdup(a, rpt_invoice_file_name(name, number->valuestring, INV_FACTURX));
    out->content_type = "application/pdf";
    out->len = doc.len;
    out->data = arena_strndup(a, doc.data ? doc.data : "", doc.len);
    buf_free(&doc);
    return MAIL_ATTACH_OK;
}

static int epc_qr(arena *a, const cJSON *att, const char *lang, mime_file *out)
{
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(att, "payload");
    buf png = BUF_INIT;
    if (!cJSON_IsString(payload) || epc_qr_png(&png, payload->valuestring, 6) != 0) {
        buf_free(&png);
        return MAIL_ATTACH_PERMANENT;
    }
    out->name = lang[0] == 'f' ? "virement-qr.png" : "transfer-qr.png";
    out->content_type = "image/png";
    out->len = png.len;
    out->data = arena_strndup(a, png.data, png.len);
    buf_free(&png);
    return MAIL_ATTACH_OK;
}

int mail_attachments(db_conn *c, arena *a, int64_t hub, const char *json, const char *lang,
                     mime_file **files, size_t *n, char *why, size_t whylen)
{
    *files = NULL;
    *n = 0;
    if (!json || !strcmp(json, "[]"))
        return MAIL_ATTACH_OK;
    cJSON *list = cJSON_Parse(json);
    if (!cJSON_IsArray(list)) {
        cJSON_Delete(list);
        return MAIL_ATTACH_PERMANENT;
    }
    size_t count = (size_t)cJSON_GetArraySize(list);
    *files = arena_alloc(a, (count ? count : 1) * sizeof **files);
    int st = MAIL_ATTACH_OK;
    const cJSON *att;
    cJSON_ArrayForEach(att, list)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(att, "type");
        mime_file *f = &(*files)[*n];
        if (cJSON_IsString(type) && !strcmp(type->valuestring, "collection"))
            st = collection(c, a, hub, att, lang, f, why, whylen);
        else if (cJSON_IsString(type) && !strcmp(type->valuestring, "facturx"))
            st = facturx(c, a, hub, att, lang, f, why, whylen);
        else if (cJSON_IsString(type) && !strcmp(type->valuestring, "epc_qr"))
            st = epc_qr(a, att, lang, f);
        else
            st = MAIL_ATTACH_PERMANENT;
        if (st != MAIL_ATTACH_OK)
            break;
        (*n)++;
    }
    cJSON_Delete(list);
    return st;
}
