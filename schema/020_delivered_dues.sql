-- schema/020_delivered_dues.sql — what an order owes, as delivered.
--
-- Until its invoices are issued, an order's due (the order_dues view of schema/016) was its
-- total as ordered. Once weights, shortages and substitutes are recorded (schema/010), the
-- invoices will carry what was delivered: the pickup's delivery sheet, the customer's
-- payment block and the bank matching must already expect that amount, not the ordered
-- one. Same columns, one change: each line counts at its delivered net amount when it has
-- one (NULL until something is recorded on the line, then its ordered amount applies).

CREATE OR REPLACE VIEW order_dues AS
SELECT o.hub_id, o.id AS order_id, o.cycle_id, o.customer_id, o.payment_method,
       coalesce(inv.n, 0) > 0 AS invoiced,
       CASE WHEN coalesce(inv.n, 0) > 0 THEN inv.amount ELSE coalesce(tot.amount, 0) END AS amount_cents,
       coalesce(led.paid, 0) AS paid_cents,
       CASE WHEN coalesce(inv.n, 0) > 0 THEN inv.amount ELSE coalesce(tot.amount, 0) END
           - coalesce(led.paid, 0) AS due_cents
  FROM orders o
  LEFT JOIN (SELECT i.hub_id, i.cycle_id, i.order_id, count(*) AS n,
                    sum(CASE WHEN i.type_code = 380 THEN i.total_incl_vat_cents
                             ELSE -i.total_incl_vat_cents END) AS amount
               FROM invoices i GROUP BY 1, 2, 3) inv
         ON inv.hub_id = o.hub_id AND inv.cycle_id = o.cycle_id AND inv.order_id = o.id
  LEFT JOIN (SELECT g.hub_id, g.cycle_id, g.order_id,
                    sum(g.net + round(g.net * g.rate / 10000.0))::bigint AS amount
               FROM (SELECT x.hub_id, x.cycle_id, l.order_id,
                            CASE WHEN c.seller_mode = 'hub' THEN 0 ELSE f.producer_id END AS seller,
                            l.vat_rate_bp AS rate, sum(coalesce(l.delivered_net_cents, l.line_excl_vat_cents)) AS net
                       FROM order_lines l JOIN orders x ON x.id = l.order_id
                       JOIN cycles c ON c.id = x.cycle_id JOIN offers f ON f.id = l.offer_id
                      GROUP BY 1, 2, 3, 4, 5) g
              GROUP BY 1, 2, 3) tot
         ON tot.hub_id = o.hub_id AND tot.cycle_id = o.cycle_id AND tot.order_id = o.id
  LEFT JOIN (SELECT l.hub_id, l.cycle_id, l.order_id, -sum(l.amount_cents) AS paid
               FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
              WHERE l.account = '411' AND e.kind NOT IN ('invoice', 'credit_note')
              GROUP BY 1, 2, 3) led
         ON led.hub_id = o.hub_id AND led.cycle_id = o.cycle_id AND led.order_id = o.id;
COMMENT ON VIEW order_dues IS
    'Per order: what it amounts to (invoiced, or its total as delivered until then), what was paid for it, and what is still due (negative: owed to the customer).';
