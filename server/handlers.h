/*
 * server/handlers.h — every route handler, one file per resource (server/h_*.c).
 */
#ifndef KM0_HANDLERS_H
#define KM0_HANDLERS_H

#include "http.h"

/* h_system.c */
void h_healthz(http_req *req);
void h_metrics(http_req *req);
/* h_session.c */
void h_session_create(http_req *req);
void h_session_get(http_req *req);
void h_session_delete(http_req *req);

/* h_accounts.c */
void h_account_create(http_req *req);
/* h_cycles.c */
void h_cycles_list(http_req *req);
void h_cycle_get(http_req *req);
void h_cycle_create(http_req *req);
void h_cycle_patch(http_req *req);
/* {name} of the path as a positive id, or a 404 reply (false). */
bool http_id_or_reply(http_req *req, const char *name, int64_t *id);
/* h_orders.c */
void h_order_put(http_req *req);
void h_order_get(http_req *req);
void h_order_delete(http_req *req);
void h_orders_mine(http_req *req);

#endif
