/*
 * server/pay_html.h — the payment side of the customer's pages: the choice of a payment
 * method (the shop's first save, the order page), and what the customer owes for an
 * order with how to pay it (the order page, which is also the order's confirmation,
 * and "My orders"): the hub's IBAN, the reference and the EPC QR code for a transfer.
 */
#ifndef KM0_PAY_HTML_H
#define KM0_PAY_HTML_H

#include "../core/payment.h"
#include "http.h"

/* The radio buttons of the cycle's methods (field "payment_method"), chosen checked
 * (NULL: the first), error shown above them. Nothing when the cycle offers one. */
void pay_html_methods(buf *b, http_req *req, int64_t cycle, const char *chosen, const char *error);
/* How an order stands and how to pay it; with_qr adds the EPC QR code of a transfer. */
void pay_html_instructions(buf *b, http_req *req, const pay_instr *p, bool with_qr);
/* The order page's section: its instructions, and while it is editable the form that
 * changes its payment method. */
void pay_html_order_section(buf *b, http_req *req, int64_t order_id, int64_t cycle, bool editable);

#endif
