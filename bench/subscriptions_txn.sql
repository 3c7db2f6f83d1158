-- bench/subscriptions_txn.sql — pgbench script for bench/subscriptions.sh: one order of
-- the plan (what km0 placed when the cycle opened) per transaction, written as an
-- order taken one at a time would be: the order, its lines with the frozen VAT rate,
-- the stock sold, the pickup point's count. Variables: hub, cycle.
SELECT nextval('bench_k') AS k \gset
BEGIN;
INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id) SELECT :hub, :cycle, customer, pickup FROM bench_plan WHERE k = :k RETURNING id AS oid \gset
INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli, unit_price_excl_vat_e4, vat_rate_bp, line_excl_vat_cents) SELECT :hub, :oid, u.f, u.q, u.price, o.vat_rate_bp, u.net FROM bench_plan p, unnest(p.offers, p.qty, p.price, p.net) AS u(f, q, price, net) JOIN offers o ON o.id = u.f WHERE p.k = :k;
UPDATE offers o SET sold_milli = o.sold_milli + u.q FROM bench_plan p, unnest(p.offers, p.qty) AS u(f, q) WHERE p.k = :k AND o.id = u.f;
UPDATE cycle_pickup_points x SET orders_count = x.orders_count + 1 FROM bench_plan p WHERE p.k = :k AND x.cycle_id = :cycle AND x.pickup_point_id = p.pickup;
COMMIT;
