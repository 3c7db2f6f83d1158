/*
 * server/routes.c — the route table: method, path pattern, handler, roles, flags.
 *
 * Reading this table tells who may do what. Patterns capture {segments};
 * the first match in table order wins.
 */
#include "handlers.h"

const http_route http_routes[] = {
    {"GET", "/healthz", h_healthz, ROLE_ANY, 0},
    {"GET", "/metrics", h_metrics, ROLE_ANY, ROUTE_NO_DB},

    {"POST", "/api/v1/session", h_session_create, ROLE_ANY, 0},
    {"GET", "/api/v1/session", h_session_get, ROLE_USER, 0},
    {"DELETE", "/api/v1/session", h_session_delete, ROLE_ANY, 0},
    {"POST", "/api/v1/accounts", h_account_create, ROLE_ANY, 0},

    {"GET", "/api/v1/cycles", h_cycles_list, ROLE_ANY, 0},
    {"POST", "/api/v1/cycles", h_cycle_create, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/cycles/{id}", h_cycle_get, ROLE_ANY, 0},
    {"PATCH", "/api/v1/cycles/{id}", h_cycle_patch, ROLE_COORDINATOR, 0},
    {"PUT", "/api/v1/cycles/{id}/order", h_order_put, ROLE_CONSUMER, 0},
    {"GET", "/api/v1/cycles/{id}/order", h_order_get, ROLE_CONSUMER, 0},
    {"DELETE", "/api/v1/cycles/{id}/order", h_order_delete, ROLE_CONSUMER, 0},
    {"GET", "/api/v1/orders", h_orders_mine, ROLE_CONSUMER, 0},
};

const int http_nroutes = (int)(sizeof http_routes / sizeof http_routes[0]);
