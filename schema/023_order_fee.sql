-- schema/023_order_fee.sql — the hub's fixed fee per order, charged to the customer (issue 22).
--
-- Besides its share of the producers' sales (fee_bp, schema/019), a hub may charge each
-- order a fixed fee: an amount excl. VAT and its VAT rate, a hub setting that, like the
-- other settings that change what was ordered, each cycle copies when it opens
-- (core/cycle.c). The fee is the hub's revenue, never a producer's: it is invoiced by the
-- hub (a line of the hub's invoice when the hub sells, an invoice of its own from the hub
-- when it sells for its producers), so the ledger books it to 706 and 4457 and the
-- settlements (which read the producers' invoices only) never count it.
--
-- An order pays the fee when it holds something: at least one line with a quantity (as
-- delivered once something was recorded). order_dues counts it as the invoices will: in
-- the hub's VAT group of its rate.

SET LOCAL lock_timeout = '5s';

ALTER TABLE hub_settings
    ADD COLUMN order_fee_cents bigint NOT NULL DEFAULT 0 CHECK (order_fee_cents BETWEEN 0 AND 100000),
    ADD COLUMN order_fee_vat_bp integer NOT NULL DEFAULT 2000
        CHECK (order_fee_vat_bp IN (0, 210, 550, 1000, 2000));
COMMENT ON COLUMN hub_settings.order_fee_cents IS
    'A fixed fee the hub charges each order, excl. VAT, in cents (0 = none).';
COMMENT ON COLUMN hub_settings.order_fee_vat_bp IS 'The VAT rate of the order fee, basis points.';

ALTER TABLE cycles
    ADD COLUMN order_fee_cents bigint NOT NULL DEFAULT 0 CHECK (order_fee_cents BETWEEN 0 AND 100000),
    ADD COLUMN order_fee_vat_bp integer NOT NULL DEFAULT 2000
        CHECK (order_fee_vat_bp IN (0, 210, 550, 1000, 2000));
COMMENT ON COLUMN cycles.order_fee_cents IS 'The hub''s order fee excl. VAT as it was when the cycle opened.';
COMMENT ON COLUMN cycles.order_fee_vat_bp IS 'Its VAT rate as it was when the cycle opened.';

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
               FROM (SELECT u.hub_id, u.cycle_id, u.order_id, u.seller, u.rate, sum(u.net) AS net
                       FROM (SELECT x.hub_id, x.cycle_id, l.order_id,
                                    CASE WHEN c.seller_mode = 'hub' THEN 0 ELSE f.producer_id END AS seller,
                                    l.vat_rate_bp AS rate,
                                    coalesce(l.delivered_net_cents, l.line_excl_vat_cents) AS net
                               FROM order_lines l JOIN orders x ON x.id = l.order_id
                               JOIN cycles c ON c.id = x.cycle_id JOIN offers f ON f.id = l.offer_id
                             UNION ALL
                             SELECT x.hub_id, x.cycle_id, x.id, 0, c.order_fee_vat_bp, c.order_fee_cents
                               FROM orders x JOIN cycles c ON c.id = x.cycle_id
                              WHERE c.order_fee_cents > 0
                                AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = x.id
                                               AND coalesce(l.delivered_milli, l.quantity_milli) > 0)) u
                      GROUP BY 1, 2, 3, 4, 5) g
              GROUP BY 1, 2, 3) tot
         ON tot.hub_id = o.hub_id AND tot.cycle_id = o.cycle_id AND tot.order_id = o.id
  LEFT JOIN (SELECT l.hub_id, l.cycle_id, l.order_id, -sum(l.amount_cents) AS paid
               FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
              WHERE l.account = '411' AND e.kind NOT IN ('invoice', 'credit_note')
              GROUP BY 1, 2, 3) led
         ON led.hub_id = o.hub_id AND led.cycle_id = o.cycle_id AND led.order_id = o.id;
COMMENT ON VIEW order_dues IS
    'Per order: what it amounts to (invoiced, or its total as delivered with the hub''s order fee until then), what was paid for it, and what is still due (negative: owed to the customer).';
