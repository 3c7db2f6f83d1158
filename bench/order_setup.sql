-- bench/order_setup.sql — the order-placement benchmark's data, generated in SQL.
--
-- psql -v customers=N -v cycle=ID: 200 products of ferme-trois-chenes (unlimited
-- stock, step 1) already frozen as offers of cycle ID, N customers each with a
-- session whose token is 'b' followed by its number on 42 digits, and an existing
-- 8-line order per customer (so both km0 and pgbench replay the "change my order"
-- path, the usual one during a week).
\set ON_ERROR_STOP on
BEGIN;
WITH c AS (
    INSERT INTO customers (hub_id, kind, name, email)
    SELECT h.id, 'person', 'Client ' || i, 'bench' || i || '@example.org'
      FROM hubs h, generate_series(1, :customers) i
    RETURNING id, hub_id, email)
INSERT INTO users (hub_id, email, password_hash, role, name, customer_id)
SELECT hub_id, email, '$y$j9T$bench$bench', 'consumer', email, id FROM c;

INSERT INTO sessions (hub_id, user_id, token_sha256, csrf_token, expires_at)
SELECT u.hub_id, u.id,
       sha256(convert_to('b' || lpad(substring(u.email FROM 'bench([0-9]+)@'), 42, '0'), 'UTF8')),
       'benchbenchbenchbench', now() + interval '1 day'
  FROM users u WHERE u.email LIKE 'bench%';

INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id)
SELECT c.hub_id, :cycle, c.id, pp.id
  FROM customers c, pickup_points pp
 WHERE c.email LIKE 'bench%' AND pp.slug = 'crest-halle';

-- lines j = 0..7 of customer i: products B((i + 25 j) mod 200 + 1), quantity 1
INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli, unit_price_excl_vat_e4,
                         vat_rate_bp, line_excl_vat_cents)
SELECT o.hub_id, o.id, f.id, 1000, f.price_excl_vat_e4, f.vat_rate_bp,
       round(f.price_excl_vat_e4 / 100.0)
  FROM orders o
  JOIN customers c ON c.id = o.customer_id
  CROSS JOIN generate_series(0, 7) j
  JOIN offers f ON f.cycle_id = :cycle
   AND f.sku = 'B' || lpad(((substring(c.email FROM 'bench([0-9]+)@')::int + 25 * j) % 200 + 1)::text, 3, '0')
 WHERE o.cycle_id = :cycle AND c.email LIKE 'bench%';

UPDATE offers f SET sold_milli = s.q
  FROM (SELECT offer_id, sum(quantity_milli) q FROM order_lines GROUP BY offer_id) s
 WHERE s.offer_id = f.id;
-- a network-sized crowd at one pickup point: no capacity limit for the benchmark
UPDATE cycle_pickup_points SET capacity_orders = NULL WHERE cycle_id = :cycle;
UPDATE cycle_pickup_points x SET orders_count = (SELECT count(*) FROM orders o
  WHERE o.cycle_id = x.cycle_id AND o.pickup_point_id = x.pickup_point_id)
 WHERE x.cycle_id = :cycle;
COMMIT;
ANALYZE;
