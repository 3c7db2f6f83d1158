/*
 * server/routes.c — the route table: method, path pattern, handler, roles, flags.
 *
 * Reading this table tells who may do what. Patterns capture {segments};
 * the first match in table order wins.
 */
#include "handlers.h"

const http_route http_routes[] = {
    /* pages (HTML, work without JavaScript) */
    {"GET", "/", p_shop, ROLE_ANY, ROUTE_HTML},
    {"POST", "/order", p_order_submit, ROLE_CONSUMER, ROUTE_HTML},
    {"GET", "/orders", p_orders_list, ROLE_CONSUMER, ROUTE_HTML},
    {"GET", "/orders/{cycle}", p_order_show, ROLE_CONSUMER, ROUTE_HTML},
    {"GET", "/orders/{cycle}/cancel", p_order_cancel_form, ROLE_CONSUMER, ROUTE_HTML},
    {"POST", "/orders/{cycle}/cancel", p_order_cancel, ROLE_CONSUMER, ROUTE_HTML},
    {"GET", "/login", p_login_form, ROLE_ANY, ROUTE_HTML},
    {"POST", "/login", p_login, ROLE_ANY, ROUTE_HTML},
    {"POST", "/logout", p_logout, ROLE_ANY, ROUTE_HTML},
    {"GET", "/signup", p_signup_form, ROLE_ANY, ROUTE_HTML},
    {"POST", "/signup", p_signup, ROLE_ANY, ROUTE_HTML},
    {"GET", "/static/{file}", h_static, ROLE_ANY, ROUTE_NO_DB},
    {"GET", "/favicon.ico", h_favicon, ROLE_ANY, ROUTE_NO_DB},
    {"GET", "/contact", p_contact, ROLE_ANY, ROUTE_HTML},
    {"GET", "/producer", p_producer, ROLE_PRODUCER | ROLE_COORDINATOR, ROUTE_HTML},
    /* the page's own address after a POST, e.g. for its "Français / English" link */
    {"GET", "/producer/catalog", p_producer, ROLE_PRODUCER | ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/producer/catalog", p_producer_catalog, ROLE_PRODUCER | ROLE_COORDINATOR,
     ROUTE_HTML | ROUTE_BIG_BODY},
    {"GET", "/desk", p_desk, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/cycles", p_desk_create, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/cycles/generate", p_desk_generate, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/cycles/{id}", p_desk_cycle, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/cycles/{id}/state", p_desk_state, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/cycles/{id}/batch", p_desk_batch, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/cycles/{id}/close", p_desk_close_form, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/cycles/{id}/invoices", p_desk_invoice_list, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/cycles/{id}/invoices/issue", p_desk_invoices_form, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/cycles/{id}/invoices", p_desk_invoices, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/producers", p_desk_list, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/producers/{slug}", p_desk_edit_form, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/producers/{slug}", p_desk_edit, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/producers/{slug}/active", p_desk_active, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/pickup-points", p_desk_list, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/pickup-points/{slug}", p_desk_edit_form, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/pickup-points/{slug}", p_desk_edit, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/pickup-points/{slug}/active", p_desk_active, ROLE_COORDINATOR, ROUTE_HTML},
    /* customers without internet and the orders typed for them (p_desk_orders*.c) */
    {"GET", "/desk/customers", p_desk_customers, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/customers", p_desk_customer_create, ROLE_COORDINATOR, ROUTE_HTML},
    {"GET", "/desk/cycles/{id}/orders/{customer}", p_desk_order_form, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/cycles/{id}/orders/{customer}", p_desk_order_save, ROLE_COORDINATOR,
     ROUTE_HTML},
    {"GET", "/desk/settings", p_desk_settings, ROLE_COORDINATOR, ROUTE_HTML},
    {"POST", "/desk/settings", p_desk_settings_save, ROLE_COORDINATOR, ROUTE_HTML},

    {"GET", "/healthz", h_healthz, ROLE_ANY, ROUTE_NO_HUB},
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
    {"POST", "/api/v1/cycles/{id}/batch", h_cycle_batch, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/cycles/{id}/rounds", h_cycle_rounds, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/cycles/{id}/reports", h_reports_list, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/cycles/{id}/reports/{kind}", h_report_get, ROLE_COORDINATOR | ROLE_PRODUCER,
     0},
    {"POST", "/api/v1/cycles/{id}/invoices", h_cycle_invoices_issue, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/cycles/{id}/invoices", h_cycle_invoices_list, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/invoices/{number}", h_invoice_get, ROLE_USER, 0},
    {"POST", "/api/v1/invoices/{number}/credit-note", h_invoice_credit, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/orders", h_orders_mine, ROLE_CONSUMER, 0},
    {"POST", "/api/v1/customers", h_customer_create, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/customers", h_customers_search, ROLE_COORDINATOR, 0},
    {"PUT", "/api/v1/cycles/{id}/orders/{customer}", h_order_put_for, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/cycles/{id}/orders/{customer}", h_order_get_for, ROLE_COORDINATOR, 0},
    {"GET", "/api/v1/hub/settings", h_hub_settings_get, ROLE_COORDINATOR, 0},
    {"PATCH", "/api/v1/hub/settings", h_hub_settings_patch, ROLE_COORDINATOR, 0},
    {"PUT", "/api/v1/producers/{slug}/catalog", h_catalog_put, ROLE_PRODUCER | ROLE_COORDINATOR,
     ROUTE_BIG_BODY},
    {"GET", "/api/v1/producers/{slug}/catalog", h_catalog_get, ROLE_PRODUCER | ROLE_COORDINATOR, 0},
};

const int http_nroutes = (int)(sizeof http_routes / sizeof http_routes[0]);
