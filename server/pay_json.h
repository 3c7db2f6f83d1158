/*
 * server/pay_json.h — the payment side of the JSON API: a hub's payment settings in
 * GET/PATCH /api/v1/hub/settings, and an order's payment instructions in
 * GET/PUT /api/v1/cycles/{id}/order.
 */
#ifndef KM0_PAY_JSON_H
#define KM0_PAY_JSON_H

#include "../core/payment.h"
#include "http.h"

/* payment_methods, overdraft_cents, bank_iban, bank_bic, sepa_creditor_id into o. */
void json_add_pay_settings(cJSON *o, const pay_settings *s);
/* A field of PATCH /api/v1/hub/settings if it is a payment setting: 1 read into p, 0 not
 * one of them, -1 after a 422 naming it. */
int json_pay_setting(http_req *req, const char *key, const cJSON *v, pay_settings_patch *p);
/* {"method", "status", "amount_cents", "paid_cents", "due_cents", "reference", "iban",
 * "bic", "beneficiary", "epc_qr_payload", "balance_cents"} */
cJSON *json_pay_instr(const pay_instr *p);

#endif
