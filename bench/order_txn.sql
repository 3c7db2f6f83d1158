-- bench/order_txn.sql — pgbench script: the SQL km0 runs for PUT /cycles/{id}/order
-- (core/order.c put_tx, then order_get's read-back), with the same statements in the
-- same order, for a random customer and the same 8 products and quantities as
-- bench/order.lua. Two differences: the net stock movement per offer, which km0
-- computes from the rows it locked, is computed here inside its UPDATE; and pgbench
-- would read ':MI' inside to_char patterns as a variable, so the two timestamps are
-- cast to text instead. Variables: hub, cycle, customers, first_customer.
\set i random(1, :customers)
\set cust :first_customer + :i - 1
\set q0 (1 + (:i + 0) % 3) * 1000
\set q1 (1 + (:i + 1) % 3) * 1000
\set q2 (1 + (:i + 2) % 3) * 1000
\set q3 (1 + (:i + 3) % 3) * 1000
\set q4 (1 + (:i + 4) % 3) * 1000
\set q5 (1 + (:i + 5) % 3) * 1000
\set q6 (1 + (:i + 6) % 3) * 1000
\set q7 (1 + (:i + 7) % 3) * 1000
BEGIN;
SELECT pg_advisory_xact_lock_shared(-:cycle::bigint);
SELECT state, (now() >= opens_at AND now() < closes_at) AS in_window, seller_mode, payment_days, resale_vat_rate_bp, max_order_cents, max_line_milli, max_offer_share_pct FROM cycles WHERE hub_id = :hub AND id = :cycle FOR SHARE;
SELECT pp.id AS pp FROM cycle_pickup_points x JOIN pickup_points pp ON pp.id = x.pickup_point_id WHERE x.cycle_id = :cycle AND pp.slug = 'crest-halle' \gset
SELECT id AS oid, pickup_point_id FROM orders WHERE cycle_id = :cycle AND customer_id = :cust FOR UPDATE \gset
SELECT o.id, o.producer_id, p.slug AS producer, p.name AS producer_name, o.sku, o.name, o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.weight_g, o.step_milli, o.stock_milli, o.sold_milli, coalesce((SELECT l.quantity_milli FROM order_lines l WHERE l.order_id = :oid AND l.offer_id = o.id), 0) AS mine FROM offers o JOIN producers p ON p.id = o.producer_id WHERE o.cycle_id = :cycle AND ((p.slug, o.sku) IN (SELECT * FROM unnest(array_fill('ferme-trois-chenes'::text, ARRAY[8]), ARRAY['B' || lpad(((:i + 0) % 200 + 1)::text, 3, '0'), 'B' || lpad(((:i + 25) % 200 + 1)::text, 3, '0'), 'B' || lpad(((:i + 50) % 200 + 1)::text, 3, '0'), 'B' || lpad(((:i + 75) % 200 + 1)::text, 3, '0'), 'B' || lpad(((:i + 100) % 200 + 1)::text, 3, '0'), 'B' || lpad(((:i + 125) % 200 + 1)::text, 3, '0'), 'B' || lpad(((:i + 150) % 200 + 1)::text, 3, '0'), 'B' || lpad(((:i + 175) % 200 + 1)::text, 3, '0')])) OR o.id IN (SELECT offer_id FROM order_lines WHERE order_id = :oid)) ORDER BY o.id FOR UPDATE OF o;
UPDATE offers o SET sold_milli = o.sold_milli + v.d FROM (SELECT f.id, coalesce(n.q, 0) - coalesce(l.quantity_milli, 0) AS d FROM offers f LEFT JOIN (SELECT g.id, q FROM unnest(ARRAY[0, 25, 50, 75, 100, 125, 150, 175], ARRAY[:q0, :q1, :q2, :q3, :q4, :q5, :q6, :q7]::bigint[]) AS u(k, q) JOIN offers g ON g.cycle_id = :cycle AND g.sku = 'B' || lpad(((:i + k) % 200 + 1)::text, 3, '0')) AS n ON n.id = f.id LEFT JOIN order_lines l ON l.order_id = :oid AND l.offer_id = f.id WHERE f.cycle_id = :cycle AND (n.id IS NOT NULL OR l.offer_id IS NOT NULL)) AS v WHERE o.id = v.id AND v.d <> 0 AND (v.d < 0 OR o.stock_milli IS NULL OR o.sold_milli + v.d <= o.stock_milli);
DELETE FROM order_lines WHERE order_id = :oid;
UPDATE orders SET pickup_point_id = :pp, updated_at = now() WHERE id = :oid;
INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli, unit_price_excl_vat_e4, vat_rate_bp, line_excl_vat_cents) SELECT :hub::bigint, :oid::bigint, o.id, u.q, o.price_excl_vat_e4, o.vat_rate_bp, round(o.price_excl_vat_e4 * u.q / 100000.0) FROM unnest(ARRAY[0, 25, 50, 75, 100, 125, 150, 175], ARRAY[:q0, :q1, :q2, :q3, :q4, :q5, :q6, :q7]::bigint[]) AS u(k, q) JOIN offers o ON o.cycle_id = :cycle AND o.sku = 'B' || lpad(((:i + k) % 200 + 1)::text, 3, '0');
COMMIT;
SELECT o.id, o.cycle_id, pp.slug AS pickup, pp.name AS pickup_name, pp.address AS pickup_address, pp.opening AS pickup_opening, c.name AS cycle_name, to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date, c.closes_at::text AS closes_at, o.updated_at::text AS updated_at, (c.state = 'open' AND now() < c.closes_at) AS editable, l.offer_id, f.producer_id, p.slug AS producer, p.name AS producer_name, f.sku, f.name, f.unit, l.quantity_milli, l.unit_price_excl_vat_e4, l.vat_rate_bp, l.line_excl_vat_cents, f.weight_g FROM orders o JOIN pickup_points pp ON pp.id = o.pickup_point_id JOIN cycles c ON c.id = o.cycle_id LEFT JOIN order_lines l ON l.order_id = o.id LEFT JOIN offers f ON f.id = l.offer_id LEFT JOIN producers p ON p.id = f.producer_id WHERE o.hub_id = :hub AND o.cycle_id = :cycle AND o.customer_id = :cust ORDER BY p.name COLLATE "fr-x-icu", f.name COLLATE "fr-x-icu", f.id;
