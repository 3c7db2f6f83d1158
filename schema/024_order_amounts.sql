-- schema/024_order_amounts.sql — what an order amounts to, in one function.
--
-- The order_dues view (schema/016) was written out whole again by each change to how an
-- order's amount is counted (as delivered: schema/020; with the hub's order fee:
-- schema/023). The amount now lives in order_amounts(), and order_dues is that amount less
-- what the ledger says was paid: the next change to the counting replaces the function
-- (CREATE OR REPLACE FUNCTION, same columns) and leaves the view alone.
--
-- Same columns, same types, same rows, same figures as schema/023's view; only where the
-- counting is written changes.
--
-- Speed: the view is read over a whole hub at once (bank matching of ten thousand
-- transfers, direct debits, the ledger). A function called once per order would run its
-- aggregates once per order; this one is set-returning, LANGUAGE sql, STABLE, neither
-- STRICT nor SECURITY DEFINER, with no SET clause and one SELECT, so PostgreSQL inlines it
-- into the query that reads the view: the plan is the set-based join of schema/023, and a
-- filter on order_dues (an order, a cycle, a hub) still reaches the tables' indexes. Any
-- of those properties lost (plpgsql, STRICT, a SET search_path...) would turn it back
-- into a per-call function: keep them. It returns the order's keys with its amount so
-- that order_dues reads orders once.

SET LOCAL lock_timeout = '5s';

CREATE FUNCTION order_amounts()
RETURNS TABLE (hub_id bigint, order_id bigint, cycle_id bigint, customer_id bigint,
               payment_method text, invoiced boolean, amount_cents numeric)
LANGUAGE sql STABLE AS $$
SELECT o.hub_id, o.id, o.cycle_id, o.customer_id, o.payment_method,
       coalesce(inv.n, 0) > 0,
       CASE WHEN coalesce(inv.n, 0) > 0 THEN inv.amount ELSE coalesce(tot.amount, 0) END
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
$$;
COMMENT ON FUNCTION order_amounts() IS
    'Per order (with its keys): whether it is invoiced, and what it amounts to incl. VAT in cents: its invoices less its credit notes once invoiced, else its total as delivered (each line at its delivered net amount once one is recorded) in the VAT groups of its invoices (per seller and rate), with the hub''s order fee when it holds something. STABLE LANGUAGE sql with one SELECT so that it is inlined into the queries over order_dues: keep it so.';

CREATE OR REPLACE VIEW order_dues AS
SELECT a.hub_id, a.order_id, a.cycle_id, a.customer_id, a.payment_method, a.invoiced,
       a.amount_cents,
       coalesce(led.paid, 0) AS paid_cents,
       a.amount_cents - coalesce(led.paid, 0) AS due_cents
  FROM order_amounts() a
  LEFT JOIN (SELECT l.hub_id, l.cycle_id, l.order_id, -sum(l.amount_cents) AS paid
               FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
              WHERE l.account = '411' AND e.kind NOT IN ('invoice', 'credit_note')
              GROUP BY 1, 2, 3) led
         ON led.hub_id = a.hub_id AND led.cycle_id = a.cycle_id AND led.order_id = a.order_id;
COMMENT ON VIEW order_dues IS
    'Per order: what it amounts to (order_amounts(): invoiced, or its total as delivered with the hub''s order fee until then), what was paid for it, and what is still due (negative: owed to the customer).';
