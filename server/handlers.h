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
/* A positive id typed in a form (NULL or anything else: false). */
bool http_id_text(const char *s, int64_t *id);
/* h_orders.c */
void h_order_put(http_req *req);
void h_order_get(http_req *req);
void h_order_delete(http_req *req);
void h_orders_mine(http_req *req);
/* The caller's order for the cycle named by {param}, or a 404/503 reply (false). */
struct order;
bool caller_order_or_reply(http_req *req, const char *param, struct order *o);
/* h_subscriptions.c, p_subscriptions.c: standing orders */
void h_subscriptions_mine(http_req *req);
void h_subscription_create(http_req *req);
void h_subscription_pause(http_req *req);
void h_subscription_cancel(http_req *req);
void h_cycle_subscriptions(http_req *req);
void p_subscriptions(http_req *req);
void p_subscription_create(http_req *req);
void p_subscription_pause(http_req *req);
void p_subscription_cancel_form(http_req *req);
void p_subscription_cancel(http_req *req);
void p_desk_cycle_subscriptions(http_req *req);
/* h_contracts.c: AMAP contracts */
void h_contracts_list(http_req *req);
void h_contract_create(http_req *req);
void h_contract_members(http_req *req);
void h_contract_deliveries(http_req *req);
void h_contract_subscribe(http_req *req);
void h_contract_instalment(http_req *req);
/* p_contracts.c */
void p_desk_contracts(http_req *req);
void p_desk_contract_create(http_req *req); /* server/p_contract_form.c */
/* The form that defines a contract, under the desk's list (server/p_contract_form.c). */
void desk_contract_form(buf *b, http_req *req);
void p_producer_contracts(http_req *req);
void p_contracts(http_req *req);
void p_contract_join(http_req *req);
/* The "repeat this order" form of an order's page. */
struct buf;
void subscription_repeat_form(struct buf *b, http_req *req, int64_t cycle);
/* Its changes and substitutions once the cycle is closed (nothing before), or a 503
 * reply (false). */
struct order_delivery;
bool order_delivery_or_reply(http_req *req, const struct order *o, struct order_delivery *d);
/* h_deliveries.c: what was delivered (weights, shortages, substitutions) */
void h_deliveries_get(http_req *req);
void h_weights_post(http_req *req);
void h_shortages_post(http_req *req);
void h_substitutions_post(http_req *req);
void h_substitution_answer(http_req *req);
/* p_weigh.c: the packing-table page; p_orders.c: a customer's answer to a substitute */
void p_weigh(http_req *req);
void p_weigh_line(http_req *req);
void p_weigh_file(http_req *req);
void p_weigh_shortage(http_req *req);
void p_order_substitution(http_req *req);
/* h_customers.c: customers without internet, orders typed for them */
void h_customer_create(http_req *req);
void h_order_put_for(http_req *req);
void h_order_get_for(http_req *req);
/* p_desk_customers.c, p_desk_orders.c: the same on the desk */
void p_desk_customers(http_req *req);
void p_desk_customer_create(http_req *req);
void p_desk_order_form(http_req *req);
void p_desk_order_save(http_req *req);
/* h_batch.c */
void h_cycle_batch(http_req *req);
void h_cycle_rounds(http_req *req);
/* p_offer.c: a product's page; what a producer sells this week, for its public page
 * (0 or the db status; nothing written into b on failure) */
void p_offer(http_req *req);
struct buf;
int producer_week_section(struct buf *b, http_req *req, const char *slug);
/* p_legal.c: a hub's legal pages and their editing */
void p_legal(http_req *req);
void p_desk_legal_list(http_req *req);
void p_desk_legal_form(http_req *req);
void p_desk_legal_save(http_req *req);
/* h_photo.c: product photos; p_producer_product.c: one product's form, its photo */
void h_photo(http_req *req);
void p_producer_product_form(http_req *req);
void p_producer_product_save(http_req *req);
void p_producer_photo(http_req *req);
/* pages: p_auth.c, p_shop.c, p_orders.c (page.c serves the stylesheet) */
void p_login_form(http_req *req);
void p_login(http_req *req);
void p_logout(http_req *req);
void p_signup_form(http_req *req);
void p_signup(http_req *req);
void p_shop(http_req *req);
void p_order_submit(http_req *req);
void p_order_show(http_req *req);
void p_order_cancel_form(http_req *req);
void p_order_cancel(http_req *req);
void p_orders_list(http_req *req);
/* style.c: the stylesheet and the icon; page_error.c: the hub's contact page */
void h_static(http_req *req);
void h_favicon(http_req *req);
void p_contact(http_req *req);
/* coordinator desk: p_desk.c, p_desk_hub.c */
void p_desk(http_req *req);
void p_desk_generate(http_req *req);
void p_desk_create(http_req *req);
void p_desk_state(http_req *req);
void p_desk_cycle(http_req *req);
void p_desk_batch(http_req *req);
/* the desk's producers, places, people and hub: p_desk_producers.c, p_desk_places.c,
 * p_desk_people.c, p_desk_identity.c */
void p_desk_producers(http_req *req);
void p_desk_producer_new(http_req *req);
void p_desk_producer_create(http_req *req);
void p_desk_producer(http_req *req);
void p_desk_producer_save(http_req *req);
void p_desk_producer_active(http_req *req);
void p_desk_producer_invite(http_req *req);
void p_desk_places(http_req *req);
void p_desk_place_new(http_req *req);
void p_desk_place_create(http_req *req);
void p_desk_place(http_req *req);
void p_desk_place_save(http_req *req);
void p_desk_place_active(http_req *req);
void p_desk_people(http_req *req);
void p_desk_person(http_req *req);
void p_desk_person_verified(http_req *req);
void p_desk_coordinator_add(http_req *req);
void p_desk_coordinator_remove(http_req *req);
void p_desk_hub(http_req *req);
void p_desk_hub_identity(http_req *req);
void p_desk_hub_week(http_req *req);
void p_desk_hub_hosts(http_req *req);
/* invitations (p_invitation.c), a producer's own page (p_producer_profile.c) */
void p_invitation_form(http_req *req);
void p_invitation(http_req *req);
void h_invitation_accept(http_req *req);
void p_producer_profile(http_req *req);
void p_producer_profile_save(http_req *req);
void p_producer_public(http_req *req);
/* JSON for scripts: h_producers.c, h_places.c, h_people.c */
void h_producers_list(http_req *req);
void h_producer_create(http_req *req);
void h_producer_get(http_req *req);
void h_producer_patch(http_req *req);
void h_producer_invite(http_req *req);
void h_places_list(http_req *req);
void h_place_create(http_req *req);
void h_place_get(http_req *req);
void h_place_patch(http_req *req);
void h_customers_list(http_req *req);
void h_customer_get(http_req *req);
void h_customer_patch(http_req *req);
void h_coordinators_list(http_req *req);
void h_coordinator_add(http_req *req);
void h_coordinator_remove(http_req *req);
/* hub settings: h_hub.c (JSON), p_desk_settings.c (the desk's page) */
void h_hub_settings_get(http_req *req);
void h_hub_settings_patch(http_req *req);
void p_desk_settings(http_req *req);
void p_desk_settings_save(http_req *req);
/* first run: p_setup.c */
void p_setup_form(http_req *req);
void p_setup(http_req *req);
/* h_reports.c */
void h_reports_list(http_req *req);
void h_report_get(http_req *req);
/* h_catalog.c */
void h_catalog_put(http_req *req);
void h_catalog_get(http_req *req);
/* h_invoices.c, p_invoices.c */
void h_cycle_invoices_issue(http_req *req);
void h_cycle_invoices_list(http_req *req);
void h_invoice_get(http_req *req);
void h_invoice_credit(http_req *req);
void p_desk_invoices(http_req *req);
void p_desk_invoice_list(http_req *req);
/* p_desk_confirm.c: what cannot be undone, confirmed first */
void p_desk_close_form(http_req *req);
void p_desk_invoices_form(http_req *req);
/* messages and accounts: p_password.c, p_account.c, p_privacy.c, p_desk_messages.c,
 * h_account.c, h_outbox.c */
void p_verify_form(http_req *req);
void p_verify(http_req *req);
void p_forgot_form(http_req *req);
void p_forgot(http_req *req);
void p_reset_form(http_req *req);
void p_reset(http_req *req);
void p_account(http_req *req);
void p_account_prefs(http_req *req);
void p_account_password(http_req *req);
void p_account_export(http_req *req);
void p_account_close_form(http_req *req);
void p_account_close(http_req *req);
void p_privacy(http_req *req);
void p_unsubscribe_form(http_req *req);
void p_unsubscribe(http_req *req);
void p_desk_messages(http_req *req);
void p_desk_message_send(http_req *req);
void p_desk_reminders(http_req *req);
void p_desk_message_retry(http_req *req);
void h_password_forgot(http_req *req);
void h_password_reset(http_req *req);
void h_account_verify(http_req *req);
void h_account_get(http_req *req);
void h_account_patch(http_req *req);
void h_account_password(http_req *req);
void h_account_export(http_req *req);
void h_account_delete(http_req *req);
void h_outbox_list(http_req *req);
void h_outbox_retry(http_req *req);
void h_messages_send(http_req *req);
void h_payment_reminders(http_req *req);
/* payments: h_payments.c (JSON), p_desk_cashup.c, p_desk_pay.c, p_desk_bank.c,
 * p_desk_sepa.c, p_desk_settings_pay.c (the desk) */
void h_payments_outstanding(http_req *req);
void h_payment_record(http_req *req);
void h_payments_import(http_req *req);
void h_payments_unmatched(http_req *req);
/* server/h_settlements.c: fees, settlements, transfers to producers, the FEC */
void h_settlements_list(http_req *req);
void h_settlements_create(http_req *req);
void h_settlement_statement(http_req *req);
void h_transfers_create(http_req *req);
void h_transfer_file(http_req *req);
void h_fees_get(http_req *req);
void h_fees_patch(http_req *req);
void h_producer_fees_patch(http_req *req);
void h_billing_mandate_add(http_req *req);
void h_accounts_chart(http_req *req);
void h_account_chart_put(http_req *req);
void h_fec_export(http_req *req);
/* server/p_producer_settlements.c: the producer's sales, fees and settlements */
void p_producer_settlements(http_req *req);
void h_balance(http_req *req);
void p_desk_cashup(http_req *req);
void p_desk_cashup_pay(http_req *req);
void p_desk_payments(http_req *req);
void p_desk_pay_customer(http_req *req);
void p_desk_pay_topup(http_req *req);
void p_desk_pay_refund(http_req *req);
void p_desk_bank(http_req *req);
void p_desk_bank_import(http_req *req);
void p_desk_bank_resolve(http_req *req);
void p_desk_mandates(http_req *req);
void p_desk_mandate_add(http_req *req);
void p_desk_mandate_revoke(http_req *req);
void p_desk_sepa_batch(http_req *req);
void p_desk_sepa_file(http_req *req);
/* server/p_desk_fees.c: the hub's fees, producers' rates and bank accounts */
void p_desk_fees(http_req *req);
void p_desk_fees_save(http_req *req);
void p_desk_producer_fees_save(http_req *req);
/* server/p_desk_settle.c: settlements, transfers to producers, the FEC */
void p_desk_settlements(http_req *req);
void p_desk_settle(http_req *req);
void p_desk_transfers(http_req *req);
void p_desk_transfer_file(http_req *req);
void p_desk_fec(http_req *req);
void p_desk_fec_export(http_req *req);
void p_desk_settings_pay(http_req *req);
void p_desk_settings_pay_save(http_req *req);
/* producer page: p_producer.c */
void p_producer(http_req *req);
void p_producer_catalog(http_req *req);

#endif
