-- bench/batch_gen.sql — a regional network's week in a scratch database, for
-- bench/batch.sh: one hub, :points pickup points, :vehicles vehicles, :orders
-- orders of 1 to 5 lines each, in one closed cycle.
--
-- Run on a freshly migrated database with psql -v points=200 -v vehicles=20
-- -v orders=100000 -v seed=1. Everything is set-based and deterministic: the
-- "random" values are a hash of the row number and the seed, not
-- random(), so two runs with the same seed build the same rows whatever plan
-- PostgreSQL picks (parallel or not).
--
-- Sizes: an order weighs 2.3 kg on average, so 100 000 orders are about 230 t,
-- 500 orders (1.2 t) per pickup point; vehicles carry 12 to 18 t, 300 t for 20,
-- so the plan is feasible with some slack and few points need splitting.

\set ON_ERROR_STOP on

-- h(i, salt) in [0, 1): PostgreSQL's own 64-bit hash of the row number, salted
-- with the seed (psql does not expand variables inside a function body, hence the
-- setting)
SELECT set_config('bench.seed', :'seed', false);
CREATE FUNCTION pg_temp.h(i bigint, salt int) RETURNS double precision
    LANGUAGE sql STABLE AS
$$ SELECT (hashint8extended(i, current_setting('bench.seed')::bigint * 1000 + salt)
           & 4294967295)::double precision / 4294967296 $$;

INSERT INTO hubs (slug, name, siret, address, depot_lat, depot_lon)
VALUES ('bench-network', 'Réseau bench', '52601815500014', 'Valence', 44.93, 4.89);

INSERT INTO producers (hub_id, slug, name, siret, vat_regime, vat_number)
SELECT 1, 'producer-' || i, 'Producteur ' || i, lpad((10000000000000 + i)::text, 14, '0'),
       'standard', 'FR00' || lpad((100000000 + i)::text, 9, '0')
  FROM generate_series(1, 10) i;

INSERT INTO products (hub_id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp,
                      weight_g, step_milli)
SELECT 1, 1 + (i % 10), 'SKU-' || i, 'Produit ' || i, 'piece',
       10000 + (pg_temp.h(i, 1) * 90000)::bigint, 550, 50 + (pg_temp.h(i, 2) * 950)::bigint, 1000
  FROM generate_series(1, 50) i;

-- slots alternate between Thursday (the delivery day) and Friday
INSERT INTO pickup_points (hub_id, slug, name, address, lat, lon, opening, opening_dow,
                           opening_start, opening_end)
SELECT 1, 'point-' || i, 'Point ' || i, i || ' rue du Bench',
       44.93 + (pg_temp.h(i, 3) - 0.5) * 0.8, 4.89 + (pg_temp.h(i, 4) - 0.5) * 0.8,
       '', 4 + i % 2, '16:00', '20:00'
  FROM generate_series(1, :points) i;

INSERT INTO vehicles (hub_id, slug, name, capacity_g, speed_kmh, stop_minutes, departs)
SELECT 1, 'truck-' || i, 'Camion ' || i, (12000 + (pg_temp.h(i, 5) * 6000)::bigint) * 1000,
       60, 10, '09:00'
  FROM generate_series(1, :vehicles) i;

-- a cycle closing the day before its delivery, a Thursday; set to closed at the end
INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date, state)
SELECT 1, 'Bench', d - 6, d - 1, d, 'open'
  FROM (SELECT current_date + (11 - extract(isodow FROM current_date)::int) % 7 + 7 AS d) t;

INSERT INTO cycle_producers (hub_id, cycle_id, producer_id) SELECT 1, 1, id FROM producers;
INSERT INTO cycle_pickup_points (hub_id, cycle_id, pickup_point_id) SELECT 1, 1, id FROM pickup_points;
INSERT INTO offers (hub_id, cycle_id, product_id, producer_id, sku, name, unit,
                    price_excl_vat_e4, vat_rate_bp, weight_g, step_milli)
SELECT 1, 1, id, producer_id, sku, name, unit, price_excl_vat_e4, vat_rate_bp, weight_g, step_milli
  FROM products ORDER BY id;

INSERT INTO customers (hub_id, kind, name, email)
SELECT 1, 'person', 'Client ' || i, 'client' || i || '@bench.example'
  FROM generate_series(1, :orders) i;

INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id)
SELECT 1, 1, i, 1 + (pg_temp.h(i, 6) * :points)::int % :points
  FROM generate_series(1, :orders) i ORDER BY i;

-- 1 to 5 distinct offers per order (steps of 7 through 50 offers never repeat), 1 or 2 units each
INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli, unit_price_excl_vat_e4,
                         vat_rate_bp, line_excl_vat_cents)
SELECT 1, o.id, f.id, q, f.price_excl_vat_e4, f.vat_rate_bp, (q * f.price_excl_vat_e4 + 50000) / 100000
  FROM orders o
 CROSS JOIN LATERAL generate_series(0, (pg_temp.h(o.id, 7) * 5)::int % 5) k
 CROSS JOIN LATERAL (SELECT 1000 + 1000 * ((pg_temp.h(o.id * 8 + k, 8) * 2)::int % 2) AS q) qq
  JOIN offers f ON f.id = 1 + ((pg_temp.h(o.id, 9) * 50)::int + 7 * k) % 50;

UPDATE cycle_pickup_points x SET orders_count = n
  FROM (SELECT pickup_point_id, count(*) n FROM orders GROUP BY 1) o
 WHERE o.pickup_point_id = x.pickup_point_id;
UPDATE cycles SET state = 'closed';
-- as autovacuum would have left a week-old table: statistics, and a visibility map
-- that lets the per-point order count read only the index
VACUUM ANALYZE;
