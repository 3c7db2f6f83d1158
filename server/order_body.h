/*
 * server/order_body.h — the body of PUT /api/v1/cycles/{id}/order, read field by field.
 *
 * Apart from server/h_orders.c so that tests/fuzz/fuzz_json.c can drive it without
 * a server: it needs a request only for its arena, its language and the 422 reply.
 */
#ifndef KM0_ORDER_BODY_H
#define KM0_ORDER_BODY_H

#include "../core/order.h"
#include "http.h"

/* {"pickup_point": slug, "lines": [{producer, sku, quantity}]} into *in (pickup point
 * and lines; the caller sets hub, cycle and customer). false after a 422 naming the
 * field, e.g. "lines[2].quantity". Strings point into body. */
bool order_body_or_reply(http_req *req, const cJSON *body, order_in *in);

#endif
