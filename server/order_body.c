/*
 * server/order_body.c — read an order request body (moved from server/h_orders.c
 * to be fuzzed alone). Quantities go through core/parse.h, as the order form's do.
 */
#include "order_body.h"
#include "json_in.h"
#include "../core/parse.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A quantity as a decimal string ("1.5", "1,5") or a JSON number with at most three
 * decimals; false after a 422 naming the field. */
static bool quantity_or_reply(http_req *req, const cJSON *v, const char *field, milli_t *out)
{
    bool fr = req->lang[0] == 'f';
    const char *msg =
        fr ? "La quantité est un nombre décimal (ex. \"1.5\"), trois décimales au plus."
           : "The quantity is a decimal number (e.g. \"1.5\") with at most three "
             "decimals.";
    if (cJSON_IsString(v)) {
        int64_t q;
        /* the sign and the step are the order's to judge (core/order.c names every
         * line at fault); here only how the number is written */
        if (parse_quantity(v->valuestring, &q) != PARSE_OK)
            return json_field_error(req, field, "invalid_quantity", msg);
        *out = q;
        return true;
    }
    if (cJSON_IsNumber(v)) {
        double m = v->valuedouble * 1000.0;
        if (!(fabs(m) < 9e15) || fabs(m - round(m)) > 1e-6)
            return json_field_error(req, field, "invalid_quantity", msg);
        *out = (milli_t)llround(m);
        return true;
    }
    return json_field_error(req, field, "invalid_quantity", msg);
}

bool order_body_or_reply(http_req *req, const cJSON *body, order_in *in)
{
    const char *pickup;
    if (!json_str_or_reply(req, body, "pickup_point", 64, true, &pickup))
        return false;
    in->pickup_point = pickup;
    /* optional: absent keeps the order's way to pay (a new order: the cycle's first) */
    const char *method;
    if (!json_str_or_reply(req, body, "payment_method", 16, false, &method))
        return false;
    in->payment_method = *method ? method : NULL;
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(body, "lines");
    if (!cJSON_IsArray(lines))
        return json_field_error(req, "lines", "invalid_field",
                                req->lang[0] == 'f' ? "« lines » doit être une liste."
                                                    : "\"lines\" must be an array.");
    int n = cJSON_GetArraySize(lines);
    if (n > ORDER_MAX_LINES)
        return json_field_error(req, "lines", "too_many_lines", "Too many lines.");
    order_line_in *l = arena_alloc(req->mem, ((size_t)n + 1) * sizeof *l);
    for (int i = 0; i < n; i++) {
        const cJSON *it = cJSON_GetArrayItem(lines, i);
        char f[48];
        if (!cJSON_IsObject(it)) {
            snprintf(f, sizeof f, "lines[%d]", i);
            return json_field_error(req, arena_strdup(req->mem, f), "invalid_field",
                                    "Each line is an object {producer, sku, quantity}.");
        }
        const char *producer, *sku;
        const char *fp = arena_printf(req->mem, "lines[%d].producer", i);
        const char *fs = arena_printf(req->mem, "lines[%d].sku", i);
        if (!json_str_at_or_reply(req, it, "producer", fp, 64, true, &producer) ||
            !json_str_at_or_reply(req, it, "sku", fs, 64, true, &sku))
            return false;
        snprintf(f, sizeof f, "lines[%d].quantity", i);
        if (!quantity_or_reply(req, cJSON_GetObjectItemCaseSensitive(it, "quantity"),
                               arena_strdup(req->mem, f), &l[i].quantity))
            return false;
        l[i].producer = producer;
        l[i].sku = sku;
    }
    in->lines = l;
    in->nlines = (size_t)n;
    return true;
}
