// tests/lib/weekgen.mjs — "a generated week of orders" for the demo hub, standing in
// for the real catalog imports, order taking and batching so that documents,
// invoices and benchmarks have a realistic batched cycle to work on.
//
// Deterministic: the same parameters on the same seeded database give the same
// rows (pseudo-random choices come from hashint8extended(key, seed), never from
// random(), so they do not depend on the query plan). Set-based SQL in one psql
// session: 10 000 orders take a few seconds.
//
//   import { generateWeek } from './weekgen.mjs';
//   const week = generateWeek(db, { orders: 300, pickupPoints: 8, seed: 1 });
//   // week = { cycle, orders, lines, rounds, stops, splitPoint }
//
//   node tests/lib/weekgen.mjs --url CONNINFO [--orders N] [--points P] [--seed S]
//   prints the same summary as JSON (bench/ uses this).
//
// What it inserts, in the only (or first) hub of the database:
// - pickup points "gen-point-NNN" when more are asked for than the hub has;
// - the products below (upserted by producer and sku), for every producer they name;
// - a cycle in state 'batched', with every active producer and the chosen points;
// - offers frozen from those products; `orders` customers (accented names, every
//   17th a business buyer with legal name, SIRET and address), one order each with
//   1 to 6 lines (quantities in thousandths: 0.25 kg steps, whole pieces);
// - one round per active vehicle (points swept by bearing from the depot and cut
//   into contiguous sectors), stops in bearing order with ETAs from the vehicle's
//   speed and stop time, and one
//   split stop: the last point of round 1 continues as the first stop of round 2,
//   its orders divided by order id through round_stop_orders. A round's capacity_g
//   is the vehicle's, raised to its load when a big generated week overloads it.

import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

// producer slug, sku, name, category, unit, price excl. VAT (EUR x 10^4), VAT (bp),
// weight per unit (g), order step (thousandths)
const PRODUCTS = [
  ['ferme-trois-chenes', 'LEG-CAR-1KG', 'Carottes des sables', 'Légumes', 'kg', 23700, 550, 1000, 500],
  ['ferme-trois-chenes', 'LEG-PDT-KG', 'Pommes de terre Agata', 'Légumes', 'kg', 18000, 550, 1000, 1000],
  ['ferme-trois-chenes', 'LEG-POI-KG', 'Poireaux', 'Légumes', 'kg', 31000, 550, 1000, 250],
  ['ferme-trois-chenes', 'LEG-RAD-B', 'Radis roses', 'Légumes', 'bunch', 14218, 550, 250, 1000],
  ['ferme-trois-chenes', 'LEG-COU-KG', 'Courge butternut', 'Légumes', 'kg', 27500, 550, 1000, 500],
  ['chevrerie-gervanne', 'FRO-PIC', 'Picodon AOP', 'Fromages', 'piece', 26540, 550, 60, 1000],
  ['chevrerie-gervanne', 'FRO-TOM-KG', 'Tomme de chèvre', 'Fromages', 'kg', 228000, 550, 1000, 250],
  ['chevrerie-gervanne', 'YAO-CHE-4', 'Yaourts de chèvre × 4', 'Fromages', 'pack', 38000, 550, 500, 1000],
  ['fournil-saillans', 'PAI-CAM-1KG', 'Pain de campagne 1 kg', 'Boulangerie', 'piece', 47393, 550, 1000, 1000],
  ['fournil-saillans', 'PAI-EPE-500', "Pain d'épeautre 500 g", 'Boulangerie', 'piece', 39810, 550, 500, 1000],
  ['fournil-saillans', 'BRI-TRE', 'Brioche tressée', 'Boulangerie', 'piece', 61611, 550, 400, 1000],
  ['vergers-grane', 'POM-GOL-KG', 'Pommes Golden', 'Fruits', 'kg', 26000, 0, 1000, 500],
  ['vergers-grane', 'JUS-POM-1L', 'Jus de pomme 1 L', 'Boissons', 'bottle', 35000, 0, 1200, 1000],
  ['vergers-grane', 'POI-CON-KG', 'Poires Conférence', 'Fruits', 'kg', 32000, 0, 1000, 500],
  ['miellerie-diois', 'MIE-LAV-500', 'Miel de lavande 500 g', 'Épicerie', 'jar', 95000, 0, 650, 1000],
  ['oeufs-puy', 'OEU-6', 'Œufs plein air × 6', 'Œufs', 'box', 24000, 0, 400, 1000],
  ['oeufs-puy', 'OEU-12', 'Œufs plein air × 12', 'Œufs', 'box', 45000, 0, 780, 1000],
  ['volailles-plein-champ', 'VOL-POU-KG', 'Poulet fermier entier', 'Viandes', 'kg', 123000, 550, 1000, 100],
  ['volailles-plein-champ', 'VOL-FIL-KG', 'Filets de poulet', 'Viandes', 'kg', 189000, 550, 1000, 250],
  ['brasserie-crest', 'BIE-BLO-33', 'Bière blonde 33 cl', 'Boissons', 'bottle', 22500, 2000, 550, 1000],
  ['brasserie-crest', 'BIE-AMB-75', 'Bière ambrée 75 cl', 'Boissons', 'bottle', 49167, 2000, 1300, 1000],
  ['clairette-aouste', 'CLA-TRA-75', 'Clairette de Die tradition', 'Boissons', 'bottle', 83333, 2000, 1500, 1000],
  ['savonnerie-dieulefit', 'SAV-LAV', 'Savon à la lavande', 'Hygiène', 'piece', 40000, 2000, 100, 1000],
  ['jardins-chabeuil', 'SAL-BAT', 'Salade batavia', 'Légumes', 'piece', 9479, 550, 350, 1000],
  ['jardins-chabeuil', 'TOM-ANC-KG', 'Tomates anciennes', 'Légumes', 'kg', 42654, 550, 1000, 250],
  ['moulin-mirmande', 'FAR-T80-1KG', 'Farine de blé T80 1 kg', 'Épicerie', 'bag', 23700, 550, 1000, 1000],
];

const FIRST = ['Élodie', 'Zoé', 'François', 'Hélène', 'Jérôme', 'Noémie', 'Chloé', 'Cécile', 'Gaëlle',
  'Benoît', 'Loïc', 'Anaïs', 'Théo', 'Léa', 'Maël', 'Inès', 'André', 'Agnès', 'Raphaël', 'Clémence',
  'Aurélien', 'Joël', 'Océane', 'Stéphane', 'Sébastien', 'Pénélope', 'Camille', 'Louis', 'Ève', 'Hugo'];
const LAST = ['Martin', 'Bérard', 'Dupré', 'Lefèvre', 'Faure', 'Garnier', 'Chevalier', 'Roux', 'Mercier',
  'Boyer', 'Blanc', 'Guérin', 'Müller', 'Ferrand', 'Lévêque', 'Perrin', 'Arnaud', 'Giraud', 'Rivière',
  'Brémond', 'Achard', 'Reynaud', 'Vignon', "d'Aubigné", 'Le Hénaff', 'Œhmichen', 'Éthève', 'Noël'];
const BUSINESSES = ["Restaurant L'Étape", "Cantine de l'école Jean-Macé", 'Café des Arts',
  'Crèche Les Petits Loups', 'Hôtel du Midi', 'Bistrot Chez Régis', 'Épicerie Fine Côté Drôme'];
const TOWNS = ['Saint-Jean-en-Royans', 'Crupies', 'Bourdeaux', 'Châtillon-en-Diois', 'Mirabel-et-Blacons',
  'Étoile-sur-Rhône', 'Upie', 'Loriol-sur-Drôme', 'Allex', 'Grâne', 'Cobonne', 'Vercheny', 'Pontaix',
  'Aouste-sur-Sye', 'Montélier', 'Beaumont-lès-Valence', 'Peyrus', 'Léoncel'];

const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;
const arr = (a) => `ARRAY[${a.map(lit).join(',')}]`;

function int(v, name, min, max) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`weekgen: ${name} must be an integer in ${min}..${max}`);
  return n;
}

/** The SQL that generates one week (a single multi-statement string for one session). */
export function weekSql({ orders = 200, pickupPoints = 8, seed = 1, deliveryDate } = {}) {
  const n = int(orders, 'orders', 1, 1000000);
  const np = int(pickupPoints, 'pickupPoints', 1, 999);
  const s = int(seed, 'seed', 0, 1000000);
  if (deliveryDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(deliveryDate)) throw new Error('weekgen: deliveryDate is YYYY-MM-DD');
  // without a date: Thursdays from 2026-03-05 on, one week per cycle already there
  const delivery = deliveryDate
    ? `DATE ${lit(deliveryDate)}`
    : `DATE '2026-03-05' + 7 * (SELECT count(*)::int FROM cycles c WHERE c.hub_id = h.id)`;
  const products = PRODUCTS.map((p) => `(${p.slice(0, 5).map(lit).join(',')},${p.slice(5).join(',')})`).join(',\n');
  return `
CREATE FUNCTION pg_temp.wg(k bigint, salt int, n int) RETURNS int LANGUAGE sql IMMUTABLE AS
  $$ SELECT ((hashint8extended(k, ${s} * 1000 + salt) & 2147483647) % n)::int $$;
CREATE FUNCTION pg_temp.dist_m(lat1 float8, lon1 float8, lat2 float8, lon2 float8) RETURNS bigint LANGUAGE sql IMMUTABLE AS
  $$ SELECT round(2 * 6371000 * asin(sqrt(sin(radians(lat2 - lat1) / 2) ^ 2
       + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))::bigint $$;

CREATE TEMP TABLE wg_param AS
SELECT h.id AS hub, h.depot_lat, h.depot_lon, ${n} AS norders, ${np} AS npoints, (${delivery})::date AS delivery
  FROM hubs h ORDER BY h.id LIMIT 1;

INSERT INTO pickup_points (hub_id, slug, name, address, lat, lon, opening, opening_dow, opening_start, opening_end, capacity_orders)
SELECT p.hub, format('gen-point-%s', lpad(g::text, 3, '0')),
       format('Point relais n°%s — %s', g, (${arr(TOWNS)})[1 + g % ${TOWNS.length}]),
       format('%s place de l''Église, 26%s %s', 1 + g % 40, lpad((g % 1000)::text, 3, '0'), (${arr(TOWNS)})[1 + g % ${TOWNS.length}]),
       44.45 + pg_temp.wg(g, 1, 600) / 1000.0, 4.75 + pg_temp.wg(g, 2, 600) / 1000.0,
       'jeudi 16:00-19:30', 4, '16:00', '19:30', 500
  FROM wg_param p, generate_series(1, p.npoints) g
 WHERE g > (SELECT count(*) FROM pickup_points x WHERE x.hub_id = p.hub AND x.active AND x.slug NOT LIKE 'gen-point-%')
ON CONFLICT (hub_id, slug) DO NOTHING;

CREATE TEMP TABLE wg_points AS
SELECT row_number() OVER (ORDER BY x.slug LIKE 'gen-point-%', x.id)::int AS rank, x.id, x.lat, x.lon,
       x.opening_end, atan2(x.lat - p.depot_lat, x.lon - p.depot_lon) AS angle
  FROM pickup_points x, wg_param p
 WHERE x.hub_id = p.hub AND x.active
 ORDER BY x.slug LIKE 'gen-point-%', x.id LIMIT (SELECT npoints FROM wg_param);

INSERT INTO products (hub_id, producer_id, sku, name, category, unit, price_excl_vat_e4, vat_rate_bp, weight_g, step_milli)
SELECT pr.hub_id, pr.id, v.sku, v.name, v.category, v.unit, v.price, v.vat, v.weight, v.step
  FROM (VALUES ${products}) AS v(producer, sku, name, category, unit, price, vat, weight, step)
  JOIN producers pr ON pr.slug = v.producer AND pr.hub_id = (SELECT hub FROM wg_param)
ON CONFLICT (producer_id, sku) DO NOTHING;

INSERT INTO cycles (hub_id, name, opens_at, closes_at, delivery_date, state)
SELECT hub, format('Semaine du %s (générée, graine ${s})', to_char(delivery, 'DD/MM/YYYY')),
       (delivery - 6 + time '18:00') AT TIME ZONE 'Europe/Paris',
       (delivery - 2 + time '22:00') AT TIME ZONE 'Europe/Paris', delivery, 'batched'
  FROM wg_param;
CREATE TEMP TABLE wg_cycle AS
SELECT max(c.id) AS id FROM cycles c WHERE c.hub_id = (SELECT hub FROM wg_param);

INSERT INTO cycle_producers (hub_id, cycle_id, producer_id)
SELECT pr.hub_id, (SELECT id FROM wg_cycle), pr.id FROM producers pr
 WHERE pr.hub_id = (SELECT hub FROM wg_param) AND pr.active;
INSERT INTO cycle_pickup_points (hub_id, cycle_id, pickup_point_id)
SELECT (SELECT hub FROM wg_param), (SELECT id FROM wg_cycle), id FROM wg_points;

INSERT INTO offers (hub_id, cycle_id, product_id, producer_id, sku, name, category, unit,
                    price_excl_vat_e4, vat_rate_bp, weight_g, step_milli, stock_milli, organic, description)
SELECT pd.hub_id, (SELECT id FROM wg_cycle), pd.id, pd.producer_id, pd.sku, pd.name, pd.category, pd.unit,
       pd.price_excl_vat_e4, pd.vat_rate_bp, coalesce(pd.weight_g, 0), pd.step_milli, NULL, pd.organic, pd.description
  FROM products pd JOIN producers pr ON pr.id = pd.producer_id AND pr.active
 WHERE pd.hub_id = (SELECT hub FROM wg_param) AND pd.active;
CREATE TEMP TABLE wg_offers AS
SELECT (row_number() OVER (ORDER BY f.producer_id, f.sku) - 1)::int AS idx, f.id, f.unit, f.step_milli,
       f.price_excl_vat_e4, f.vat_rate_bp, f.weight_g
  FROM offers f WHERE f.cycle_id = (SELECT id FROM wg_cycle);

INSERT INTO customers (hub_id, kind, name, email, phone, legal_name, siret, address)
SELECT p.hub,
       CASE WHEN i % 17 = 0 THEN 'business' ELSE 'person' END,
       CASE WHEN i % 17 = 0 THEN (${arr(BUSINESSES)})[1 + pg_temp.wg(i, 10, ${BUSINESSES.length})]
            ELSE (${arr(FIRST)})[1 + pg_temp.wg(i, 11, ${FIRST.length})] || ' ' || (${arr(LAST)})[1 + pg_temp.wg(i, 12, ${LAST.length})] END,
       format('wg-%s-%s@example.org', (SELECT id FROM wg_cycle), i),
       format('+33 6 %s %s %s %s', lpad(pg_temp.wg(i, 13, 100)::text, 2, '0'), lpad(pg_temp.wg(i, 14, 100)::text, 2, '0'),
              lpad(pg_temp.wg(i, 15, 100)::text, 2, '0'), lpad((i % 100)::text, 2, '0')),
       CASE WHEN i % 17 = 0 THEN (${arr(BUSINESSES)})[1 + pg_temp.wg(i, 10, ${BUSINESSES.length})] || ' SARL' ELSE '' END,
       CASE WHEN i % 17 = 0 THEN lpad((40000000000000 + i)::text, 14, '0') ELSE '' END,
       CASE WHEN i % 17 = 0 THEN format('%s avenue Jean-Jaurès, 26400 Crest', 1 + i % 90) ELSE '' END
  FROM wg_param p, generate_series(1, p.norders) i;

CREATE TEMP TABLE wg_orders AS
SELECT i, c.id AS customer_id,
       (SELECT x.id FROM wg_points x
         WHERE x.rank = CASE WHEN i <= p.npoints THEN i ELSE 1 + pg_temp.wg(i, 20, p.npoints) END) AS point_id
  FROM wg_param p, generate_series(1, p.norders) i
  JOIN customers c ON c.email = format('wg-%s-%s@example.org', (SELECT id FROM wg_cycle), i);
INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id)
SELECT (SELECT hub FROM wg_param), (SELECT id FROM wg_cycle), customer_id, point_id FROM wg_orders ORDER BY i;
ALTER TABLE wg_orders ADD COLUMN order_id bigint;
UPDATE wg_orders w SET order_id = o.id FROM orders o
 WHERE o.cycle_id = (SELECT id FROM wg_cycle) AND o.customer_id = w.customer_id;

INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli, unit_price_excl_vat_e4, vat_rate_bp, line_excl_vat_cents)
SELECT DISTINCT ON (o.order_id, f.id) (SELECT hub FROM wg_param), o.order_id, f.id, q.milli, f.price_excl_vat_e4,
       f.vat_rate_bp, round(q.milli::numeric * f.price_excl_vat_e4 / 100000)::bigint
  FROM wg_orders o
 CROSS JOIN LATERAL generate_series(1, 1 + pg_temp.wg(o.i, 30, 6)) j
  JOIN wg_offers f ON f.idx = pg_temp.wg(o.i * 16 + j, 31, (SELECT count(*)::int FROM wg_offers))
 CROSS JOIN LATERAL (SELECT f.step_milli * (1 + pg_temp.wg(o.i * 16 + j, 32, CASE WHEN f.unit = 'kg' THEN 6 ELSE 3 END)) AS milli) q
 ORDER BY o.order_id, f.id, j;

UPDATE offers f SET sold_milli = s.q
  FROM (SELECT offer_id, sum(quantity_milli) AS q FROM order_lines l JOIN wg_orders o ON o.order_id = l.order_id GROUP BY offer_id) s
 WHERE f.id = s.offer_id;

-- batching stand-in: rounds, stops, one split stop
CREATE TEMP TABLE wg_weights AS
SELECT o.order_id, o.point_id, sum(round(l.quantity_milli::numeric * f.weight_g / 1000))::bigint AS g
  FROM wg_orders o JOIN order_lines l ON l.order_id = o.order_id JOIN offers f ON f.id = l.offer_id
 GROUP BY o.order_id, o.point_id;
CREATE TEMP TABLE wg_vehicles AS
SELECT row_number() OVER (ORDER BY v.id)::int AS r, v.id, v.capacity_g, v.speed_kmh, v.stop_minutes, v.departs
  FROM vehicles v WHERE v.hub_id = (SELECT hub FROM wg_param) AND v.active;
CREATE TEMP TABLE wg_used AS
SELECT row_number() OVER (ORDER BY x.angle, x.id)::int AS k, x.*
  FROM wg_points x WHERE EXISTS (SELECT 1 FROM wg_orders o WHERE o.point_id = x.id);
CREATE TEMP TABLE wg_assign AS
SELECT u.id AS point_id, 1 + ((u.k - 1) * n.r) / n.p AS r
  FROM wg_used u, (SELECT least((SELECT count(*) FROM wg_vehicles), (SELECT count(*) FROM wg_used))::int AS r,
                          (SELECT count(*) FROM wg_used)::int AS p) n;
-- the split point: round 1's last point, when there is a round 2 and it has two orders
CREATE TEMP TABLE wg_split AS
SELECT a.point_id FROM wg_assign a
 WHERE a.r = 1 AND EXISTS (SELECT 1 FROM wg_assign b WHERE b.r = 2)
   AND (SELECT count(*) FROM wg_orders o WHERE o.point_id = a.point_id) >= 2
 ORDER BY (SELECT u.k FROM wg_used u WHERE u.id = a.point_id) DESC LIMIT 1;
CREATE TEMP TABLE wg_stop_orders AS
SELECT o.order_id, o.point_id,
       CASE WHEN s.point_id IS NULL THEN a.r
            WHEN row_number() OVER (PARTITION BY o.point_id ORDER BY o.order_id) * 2 <= count(*) OVER (PARTITION BY o.point_id) + 1 THEN 1
            ELSE 2 END AS r,
       CASE WHEN s.point_id IS NULL THEN 1
            WHEN row_number() OVER (PARTITION BY o.point_id ORDER BY o.order_id) * 2 <= count(*) OVER (PARTITION BY o.point_id) + 1 THEN 1
            ELSE 2 END AS part,
       CASE WHEN s.point_id IS NULL THEN 1 ELSE 2 END AS parts
  FROM wg_orders o JOIN wg_assign a ON a.point_id = o.point_id LEFT JOIN wg_split s ON s.point_id = o.point_id;
CREATE TEMP TABLE wg_stops AS
SELECT so.r, so.point_id, so.part, so.parts, count(*)::int AS n, sum(w.g)::bigint AS load_g,
       x.lat, x.lon, x.opening_end,
       row_number() OVER (PARTITION BY so.r ORDER BY (so.parts = 2 AND so.part = 2) DESC,
                                                    (so.parts = 2 AND so.part = 1), x.angle, x.id)::int AS seq
  FROM wg_stop_orders so JOIN wg_weights w ON w.order_id = so.order_id JOIN wg_points x ON x.id = so.point_id
 GROUP BY so.r, so.point_id, so.part, so.parts, x.lat, x.lon, x.opening_end, x.angle, x.id;
ALTER TABLE wg_stops ADD COLUMN leg_m bigint, ADD COLUMN cum_m bigint, ADD COLUMN eta timestamptz;
UPDATE wg_stops s SET leg_m = l.leg FROM (
  SELECT r, seq, pg_temp.dist_m(coalesce(lag(lat) OVER w, p.depot_lat), coalesce(lag(lon) OVER w, p.depot_lon), lat, lon) AS leg
    FROM wg_stops, wg_param p WINDOW w AS (PARTITION BY r ORDER BY seq)) l
 WHERE l.r = s.r AND l.seq = s.seq;
UPDATE wg_stops s SET cum_m = c.cum FROM (
  SELECT r, seq, sum(leg_m) OVER (PARTITION BY r ORDER BY seq) AS cum FROM wg_stops) c
 WHERE c.r = s.r AND c.seq = s.seq;
UPDATE wg_stops s SET eta = date_trunc('minute', (p.delivery + v.departs) AT TIME ZONE 'Europe/Paris'
       + make_interval(secs => s.cum_m * 3.6 / v.speed_kmh) + make_interval(mins => (s.seq - 1) * v.stop_minutes))
  FROM wg_vehicles v, wg_param p WHERE v.r = s.r;

INSERT INTO rounds (hub_id, cycle_id, vehicle_id, seq, departs_at, returns_at, distance_m, load_g, capacity_g)
SELECT p.hub, (SELECT id FROM wg_cycle), v.id, v.r, (p.delivery + v.departs) AT TIME ZONE 'Europe/Paris',
       date_trunc('minute', last.eta + make_interval(mins => v.stop_minutes) + make_interval(secs => back.m * 3.6 / v.speed_kmh)),
       last.cum_m + back.m, t.load_g, greatest(v.capacity_g, t.load_g)
  FROM wg_param p
  JOIN wg_vehicles v ON true
  JOIN (SELECT r, sum(load_g)::bigint AS load_g, max(seq) AS last_seq FROM wg_stops GROUP BY r) t ON t.r = v.r
  JOIN wg_stops last ON last.r = v.r AND last.seq = t.last_seq
 CROSS JOIN LATERAL (SELECT pg_temp.dist_m(last.lat, last.lon, p.depot_lat, p.depot_lon) AS m) back;

INSERT INTO round_stops (hub_id, round_id, cycle_id, pickup_point_id, seq, part, parts, eta, late, leg_m, load_g, orders_count)
SELECT p.hub, rd.id, rd.cycle_id, s.point_id, s.seq, s.part, s.parts, s.eta,
       s.opening_end IS NOT NULL AND s.eta > (p.delivery + s.opening_end) AT TIME ZONE 'Europe/Paris',
       s.leg_m, s.load_g, s.n
  FROM wg_stops s, wg_param p, rounds rd
 WHERE rd.cycle_id = (SELECT id FROM wg_cycle) AND rd.seq = s.r;

INSERT INTO round_stop_orders (hub_id, stop_id, order_id)
SELECT (SELECT hub FROM wg_param), rs.id, so.order_id
  FROM wg_stop_orders so
  JOIN round_stops rs ON rs.cycle_id = (SELECT id FROM wg_cycle) AND rs.pickup_point_id = so.point_id AND rs.part = so.part
 WHERE so.parts = 2;

-- what autovacuum would have done by delivery day: plans then see real sizes
ANALYZE pickup_points, products, offers, customers, orders, order_lines, rounds, round_stops,
        round_stop_orders;

SELECT 'week', (SELECT id FROM wg_cycle),
       (SELECT count(*) FROM wg_orders), (SELECT count(*) FROM order_lines l JOIN wg_orders o ON o.order_id = l.order_id),
       (SELECT count(*) FROM rounds WHERE cycle_id = (SELECT id FROM wg_cycle)),
       (SELECT count(*) FROM round_stops WHERE cycle_id = (SELECT id FROM wg_cycle)),
       coalesce((SELECT pp.slug FROM wg_split s JOIN pickup_points pp ON pp.id = s.point_id), '');
`;
}

function summary(rows) {
  const row = rows.find((r) => r[0] === 'week');
  if (!row) throw new Error('weekgen: the generator returned no summary');
  const [, cycle, orders, lines, rounds, stops, splitPoint] = row;
  return { cycle: Number(cycle), orders: Number(orders), lines: Number(lines), rounds: Number(rounds),
    stops: Number(stops), splitPoint };
}

/** Generate a week in db (harness freshDb object, or anything with .sql(text) -> rows). */
export function generateWeek(db, params = {}) {
  return summary(db.sql(weekSql(params)));
}

/** Same, with psql on a connection string (for scripts). */
export function generateWeekUrl(url, params = {}) {
  const out = execFileSync('psql', ['-X', '-q', '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', url, '-c', weekSql(params)],
    { encoding: 'utf8', maxBuffer: 1 << 26, timeout: 900000 }); // a big week for the benchmarks
  return summary(out.split('\n').filter((l) => l.length).map((l) => l.split('\t')));
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
  const url = opt('--url', process.env.KM0_DATABASE_URL);
  if (!url) {
    console.error('usage: node tests/lib/weekgen.mjs --url CONNINFO [--orders N] [--points P] [--seed S] [--date YYYY-MM-DD]');
    process.exit(2);
  }
  const week = generateWeekUrl(url, { orders: opt('--orders', 200), pickupPoints: opt('--points', 8),
    seed: opt('--seed', 1), deliveryDate: opt('--date', undefined) });
  console.log(JSON.stringify(week));
}
