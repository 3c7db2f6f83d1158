-- schema/001_domain.sql — km0's whole domain.
--
-- Money is integer cents (amounts) or integer ten-thousandths of a euro (unit
-- prices, "_e4"); quantities are integer thousandths of a unit ("_milli");
-- weights are grams; VAT rates are hundredths of a percent (550 = 5.5 %).
-- Every table carries hub_id, the distribution column if the data is ever
-- sharded by hub (Citus), and every foreign key between hub-scoped tables
-- includes it so that rows of two hubs can never point at each other.

CREATE TABLE hubs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    legal_form    text NOT NULL DEFAULT '' CHECK (length(legal_form) <= 60),
    siret         text NOT NULL CHECK (siret ~ '^[0-9]{14}$'),
    vat_number    text NOT NULL DEFAULT '' CHECK (vat_number = '' OR vat_number ~ '^FR[0-9A-Z]{2}[0-9]{9}$'),
    address       text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    depot_lat     double precision NOT NULL CHECK (depot_lat BETWEEN -90 AND 90),
    depot_lon     double precision NOT NULL CHECK (depot_lon BETWEEN -180 AND 180),
    email         text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    phone         text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE hubs IS 'The coordinating organisation: its legal identity goes on documents, its depot is where rounds start.';

CREATE TABLE producers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    slug          text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    legal_form    text NOT NULL DEFAULT '' CHECK (length(legal_form) <= 60),
    siret         text NOT NULL CHECK (siret ~ '^[0-9]{14}$'),
    vat_regime    text NOT NULL CHECK (vat_regime IN ('standard', 'franchise')),
    vat_number    text NOT NULL DEFAULT '' CHECK (vat_number = '' OR vat_number ~ '^FR[0-9A-Z]{2}[0-9]{9}$'),
    address       text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    town          text NOT NULL DEFAULT '' CHECK (length(town) <= 100),
    lat           double precision CHECK (lat BETWEEN -90 AND 90),
    lon           double precision CHECK (lon BETWEEN -180 AND 180),
    email         text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, slug),
    UNIQUE (hub_id, id),
    -- a VAT-registered producer must have its number; a franchise one has none
    CHECK ((vat_regime = 'standard') = (vat_number <> ''))
);
COMMENT ON TABLE producers IS 'A farm or workshop selling through the hub; legal identity for invoices (SIRET, VAT number or VAT franchise).';

CREATE TABLE products (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL,
    producer_id   bigint NOT NULL,
    sku           text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category      text NOT NULL DEFAULT '' CHECK (length(category) <= 100),
    unit          text NOT NULL CHECK (unit ~ '^[a-z]+$'),
    price_excl_vat_e4 bigint NOT NULL CHECK (price_excl_vat_e4 > 0 AND price_excl_vat_e4 <= 1000000000),
    -- the price as the producer stated it including VAT, when it was stated that way
    price_incl_vat_cents bigint CHECK (price_incl_vat_cents > 0),
    vat_rate_bp   integer NOT NULL CHECK (vat_rate_bp IN (0, 210, 550, 1000, 2000)),
    weight_g      bigint CHECK (weight_g >= 0),
    stock_milli   bigint CHECK (stock_milli >= 0),        -- per cycle; NULL = unlimited
    step_milli    bigint NOT NULL DEFAULT 1000 CHECK (step_milli > 0),
    organic       boolean,
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id),
    UNIQUE (producer_id, sku),
    UNIQUE (hub_id, id)
);
COMMENT ON TABLE products IS 'A producer''s catalog entry, upserted by (producer, sku) on import; offers freeze it per cycle.';

CREATE TABLE pickup_points (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    slug          text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    address       text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    lat           double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon           double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    opening       text NOT NULL DEFAULT '' CHECK (length(opening) <= 100),  -- as written: "jeudi 17:00-19:00"
    opening_dow   smallint CHECK (opening_dow BETWEEN 1 AND 7),             -- ISO day of week
    opening_start time,
    opening_end   time,
    capacity_orders integer CHECK (capacity_orders > 0),
    active        boolean NOT NULL DEFAULT true,
    UNIQUE (hub_id, slug),
    UNIQUE (hub_id, id),
    CHECK (opening_end IS NULL OR opening_start < opening_end)
);
COMMENT ON TABLE pickup_points IS 'Where consumers collect their bags: address, coordinates for routing, opening slot, capacity in orders.';

CREATE TABLE vehicles (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    slug          text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    capacity_g    bigint NOT NULL CHECK (capacity_g > 0),
    capacity_crates integer CHECK (capacity_crates > 0),
    speed_kmh     integer NOT NULL CHECK (speed_kmh BETWEEN 1 AND 200),
    stop_minutes  integer NOT NULL CHECK (stop_minutes BETWEEN 0 AND 240),
    departs       time NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    UNIQUE (hub_id, slug),
    UNIQUE (hub_id, id)
);
COMMENT ON TABLE vehicles IS 'The hub''s vans: capacity in kg (and crates), speed and time per stop for ETAs, departure time on delivery day.';

CREATE TABLE pickup_point_vehicles (
    hub_id          bigint NOT NULL,
    pickup_point_id bigint NOT NULL,
    vehicle_id      bigint NOT NULL,
    PRIMARY KEY (pickup_point_id),
    FOREIGN KEY (hub_id, pickup_point_id) REFERENCES pickup_points (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, vehicle_id) REFERENCES vehicles (hub_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE pickup_point_vehicles IS 'Optional fixed assignment of a pickup point to a vehicle (a coordinator''s habit); batching honours it.';

CREATE TABLE cycle_templates (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs UNIQUE,
    opens_dow     smallint NOT NULL CHECK (opens_dow BETWEEN 1 AND 7),
    opens_time    time NOT NULL,
    closes_dow    smallint NOT NULL CHECK (closes_dow BETWEEN 1 AND 7),
    closes_time   time NOT NULL,
    delivery_dow  smallint NOT NULL CHECK (delivery_dow BETWEEN 1 AND 7),
    name_pattern  text NOT NULL DEFAULT 'Semaine %V' CHECK (length(name_pattern) <= 100)
);
COMMENT ON TABLE cycle_templates IS 'The weekly rhythm of a hub (e.g. opens Friday 18:00, closes Tuesday 22:00, delivery Thursday) from which cycles are generated.';

CREATE TABLE cycles (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    opens_at      timestamptz NOT NULL,
    closes_at     timestamptz NOT NULL,
    delivery_date date NOT NULL,
    state         text NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'open', 'closed', 'batched', 'invoiced')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, id),
    CHECK (closes_at > opens_at),
    CHECK (delivery_date >= (closes_at AT TIME ZONE 'Europe/Paris')::date)
);
-- the timer and every cycle request look for transitions due: only live cycles matter
CREATE INDEX cycles_live ON cycles (hub_id, state) WHERE state IN ('draft', 'open');
COMMENT ON TABLE cycles IS 'An order window: draft -> open -> closed -> batched -> invoiced; offers are frozen when it opens.';

CREATE TABLE cycle_producers (
    hub_id        bigint NOT NULL,
    cycle_id      bigint NOT NULL,
    producer_id   bigint NOT NULL,
    PRIMARY KEY (cycle_id, producer_id),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id)
);
COMMENT ON TABLE cycle_producers IS 'Producers taking part in a cycle.';

CREATE TABLE cycle_pickup_points (
    hub_id          bigint NOT NULL,
    cycle_id        bigint NOT NULL,
    pickup_point_id bigint NOT NULL,
    capacity_orders integer CHECK (capacity_orders > 0),   -- frozen from the pickup point
    orders_count    integer NOT NULL DEFAULT 0 CHECK (orders_count >= 0),
    PRIMARY KEY (cycle_id, pickup_point_id),
    CONSTRAINT cycle_pickup_points_not_full CHECK (capacity_orders IS NULL OR orders_count <= capacity_orders),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, pickup_point_id) REFERENCES pickup_points (hub_id, id)
);
COMMENT ON TABLE cycle_pickup_points IS 'Pickup points served in a cycle, with their capacity for it and how many orders they hold.';

CREATE TABLE offers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL,
    cycle_id      bigint NOT NULL,
    product_id    bigint NOT NULL,
    producer_id   bigint NOT NULL,
    sku           text NOT NULL,
    name          text NOT NULL,
    category      text NOT NULL DEFAULT '',
    unit          text NOT NULL,
    price_excl_vat_e4 bigint NOT NULL CHECK (price_excl_vat_e4 > 0),
    vat_rate_bp   integer NOT NULL CHECK (vat_rate_bp IN (0, 210, 550, 1000, 2000)),
    weight_g      bigint NOT NULL DEFAULT 0 CHECK (weight_g >= 0),
    step_milli    bigint NOT NULL CHECK (step_milli > 0),
    stock_milli   bigint CHECK (stock_milli >= 0),          -- NULL = unlimited
    sold_milli    bigint NOT NULL DEFAULT 0 CHECK (sold_milli >= 0),
    organic       boolean,
    description   text NOT NULL DEFAULT '',
    UNIQUE (cycle_id, product_id),
    UNIQUE (cycle_id, producer_id, sku),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, product_id) REFERENCES products (hub_id, id),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id),
    -- the last line of defence against overselling, whatever the code above does
    CONSTRAINT offers_not_oversold CHECK (stock_milli IS NULL OR sold_milli <= stock_milli)
);
COMMENT ON TABLE offers IS 'A product as offered in one cycle, frozen when the cycle opens (price, VAT, step, stock); sold_milli counts what orders hold.';

CREATE TABLE customers (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    kind          text NOT NULL CHECK (kind IN ('person', 'business')),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone         text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    legal_name    text NOT NULL DEFAULT '' CHECK (length(legal_name) <= 200),
    siret         text NOT NULL DEFAULT '' CHECK (siret = '' OR siret ~ '^[0-9]{14}$'),
    vat_number    text NOT NULL DEFAULT '' CHECK (vat_number = '' OR vat_number ~ '^[A-Z]{2}[0-9A-Z]{2,13}$'),
    address       text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, id),
    -- a business buyer is invoiced under its legal name, with SIRET and address
    CHECK (kind = 'person' OR (legal_name <> '' AND siret <> '' AND address <> ''))
);
COMMENT ON TABLE customers IS 'Who buys: a person, or a business buyer (restaurant, canteen) whose legal identity goes on invoices.';

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('consumer', 'producer', 'coordinator')),
    name          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    producer_id   bigint,
    customer_id   bigint,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, email),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id),
    FOREIGN KEY (hub_id, customer_id) REFERENCES customers (hub_id, id),
    CHECK ((role = 'producer') = (producer_id IS NOT NULL)),
    CHECK ((role = 'consumer') = (customer_id IS NOT NULL))
);
COMMENT ON TABLE users IS 'Accounts that log in: email, yescrypt password hash, one role; producers are tied to their producer, consumers to their customer.';

CREATE TABLE sessions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL,
    user_id       bigint NOT NULL,
    token_sha256  bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    csrf_token    text NOT NULL CHECK (length(csrf_token) BETWEEN 16 AND 128),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    FOREIGN KEY (hub_id, user_id) REFERENCES users (hub_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_expires ON sessions (expires_at);
COMMENT ON TABLE sessions IS 'Logged-in sessions, in the database so any km0 serve process can serve any request; only a hash of the cookie is kept.';

CREATE TABLE login_failures (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    email         text NOT NULL,
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_at ON login_failures (hub_id, email, at);
COMMENT ON TABLE login_failures IS 'Failed logins per email, for throttling password guessing.';

CREATE TABLE orders (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL,
    cycle_id        bigint NOT NULL,
    customer_id     bigint NOT NULL,
    pickup_point_id bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (cycle_id, customer_id),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id),
    FOREIGN KEY (hub_id, customer_id) REFERENCES customers (hub_id, id),
    FOREIGN KEY (cycle_id, pickup_point_id) REFERENCES cycle_pickup_points (cycle_id, pickup_point_id)
);
CREATE INDEX orders_cycle_pickup ON orders (cycle_id, pickup_point_id);
COMMENT ON TABLE orders IS 'One order per customer per cycle, collected at one pickup point; editable until the cycle closes.';

CREATE TABLE order_lines (
    hub_id          bigint NOT NULL,
    order_id        bigint NOT NULL,
    offer_id        bigint NOT NULL,
    quantity_milli  bigint NOT NULL CHECK (quantity_milli > 0),
    unit_price_excl_vat_e4 bigint NOT NULL CHECK (unit_price_excl_vat_e4 > 0),
    vat_rate_bp     integer NOT NULL CHECK (vat_rate_bp IN (0, 210, 550, 1000, 2000)),
    line_excl_vat_cents bigint NOT NULL CHECK (line_excl_vat_cents >= 0),
    PRIMARY KEY (order_id, offer_id),
    FOREIGN KEY (hub_id, order_id) REFERENCES orders (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, offer_id) REFERENCES offers (hub_id, id)
);
CREATE INDEX order_lines_offer ON order_lines (offer_id);
COMMENT ON TABLE order_lines IS 'What an order holds: quantity in thousandths and the unit price and VAT frozen from the offer.';

CREATE TABLE rounds (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL,
    cycle_id      bigint NOT NULL,
    vehicle_id    bigint NOT NULL,
    seq           integer NOT NULL CHECK (seq > 0),
    departs_at    timestamptz NOT NULL,
    returns_at    timestamptz NOT NULL,
    distance_m    bigint NOT NULL CHECK (distance_m >= 0),
    load_g        bigint NOT NULL CHECK (load_g >= 0),
    capacity_g    bigint NOT NULL CHECK (capacity_g > 0),
    UNIQUE (cycle_id, seq),
    UNIQUE (cycle_id, vehicle_id),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, vehicle_id) REFERENCES vehicles (hub_id, id),
    CHECK (load_g <= capacity_g)
);
COMMENT ON TABLE rounds IS 'A vehicle trip on the delivery date, produced by batching a closed cycle.';

CREATE TABLE round_stops (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL,
    round_id        bigint NOT NULL,
    cycle_id        bigint NOT NULL,
    pickup_point_id bigint NOT NULL,
    seq             integer NOT NULL CHECK (seq > 0),
    part            integer NOT NULL DEFAULT 1 CHECK (part >= 1),
    parts           integer NOT NULL DEFAULT 1 CHECK (parts >= part),
    eta             timestamptz NOT NULL,
    late            boolean NOT NULL DEFAULT false,
    leg_m           bigint NOT NULL CHECK (leg_m >= 0),
    load_g          bigint NOT NULL CHECK (load_g >= 0),
    orders_count    integer NOT NULL CHECK (orders_count > 0),
    UNIQUE (round_id, seq),
    UNIQUE (cycle_id, pickup_point_id, part),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, round_id) REFERENCES rounds (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, pickup_point_id) REFERENCES pickup_points (hub_id, id)
);
COMMENT ON TABLE round_stops IS 'A round''s stops in driving order; a pickup point too heavy for one vehicle is split into parts.';

CREATE TABLE round_stop_orders (
    hub_id        bigint NOT NULL,
    stop_id       bigint NOT NULL,
    order_id      bigint NOT NULL PRIMARY KEY,
    FOREIGN KEY (hub_id, stop_id) REFERENCES round_stops (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, order_id) REFERENCES orders (hub_id, id) ON DELETE CASCADE
);
COMMENT ON TABLE round_stop_orders IS 'Which orders go with which part of a split pickup point; an unsplit stop takes all its pickup point''s orders and has no rows here.';

-- Every order of a batched cycle with its round and stop: the one place that
-- resolves split stops, so no query has to know about them.
CREATE VIEW order_stops AS
SELECT o.id AS order_id, o.hub_id, o.cycle_id, s.round_id, s.id AS stop_id
  FROM orders o
  JOIN round_stops s ON s.cycle_id = o.cycle_id AND s.pickup_point_id = o.pickup_point_id AND s.parts = 1
UNION ALL
SELECT o.id, o.hub_id, o.cycle_id, s.round_id, s.id
  FROM round_stop_orders rso
  JOIN round_stops s ON s.id = rso.stop_id
  JOIN orders o ON o.id = rso.order_id;
COMMENT ON VIEW order_stops IS 'Each batched order with the round and stop that delivers it.';

CREATE TABLE invoice_sequences (
    hub_id        bigint NOT NULL REFERENCES hubs,
    seller_key    text NOT NULL,        -- 'hub' or 'producer:<id>'
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    last_number   integer NOT NULL CHECK (last_number >= 0),
    PRIMARY KEY (hub_id, seller_key, year)
);
COMMENT ON TABLE invoice_sequences IS 'The last invoice number per seller and year; taken under a row lock in the issuing transaction, so numbers have no gap and no duplicate.';

CREATE TABLE invoices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL,
    number          text NOT NULL CHECK (length(number) BETWEEN 1 AND 40),
    seller_key      text NOT NULL,
    year            integer NOT NULL,
    seq             integer NOT NULL CHECK (seq > 0),
    type_code       integer NOT NULL CHECK (type_code IN (380, 381)),
    cycle_id        bigint,
    order_id        bigint,
    corrects_invoice_id bigint,
    issue_date      date NOT NULL,
    delivery_date   date NOT NULL,
    due_date        date NOT NULL,
    currency        char(3) NOT NULL DEFAULT 'EUR',
    seller          jsonb NOT NULL,     -- name, address, siret, vat_number, vat_regime, ... as issued
    buyer           jsonb NOT NULL,     -- name, address, email, siret, vat_number as issued
    intermediary    jsonb,              -- the hub, when it sells on behalf of the producer
    payment_terms   text NOT NULL,
    notes           jsonb NOT NULL DEFAULT '[]',
    total_excl_vat_cents bigint NOT NULL,
    total_vat_cents bigint NOT NULL,
    total_incl_vat_cents bigint NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, seller_key, year, seq),
    UNIQUE (hub_id, number),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id),
    FOREIGN KEY (hub_id, order_id) REFERENCES orders (hub_id, id),
    FOREIGN KEY (hub_id, corrects_invoice_id) REFERENCES invoices (hub_id, id),
    FOREIGN KEY (hub_id, seller_key, year) REFERENCES invoice_sequences (hub_id, seller_key, year),
    CHECK ((type_code = 381) = (corrects_invoice_id IS NOT NULL)),
    CHECK (total_incl_vat_cents = total_excl_vat_cents + total_vat_cents)
);
COMMENT ON TABLE invoices IS 'Issued invoices (380) and credit notes (381), immutable: parties and amounts are stored exactly as issued.';

CREATE TABLE invoice_lines (
    hub_id          bigint NOT NULL,
    invoice_id      bigint NOT NULL,
    line_no         integer NOT NULL CHECK (line_no > 0),
    sku             text NOT NULL,
    description     text NOT NULL,
    producer_name   text NOT NULL DEFAULT '',
    unit            text NOT NULL,
    quantity_milli  bigint NOT NULL,
    unit_price_excl_vat_e4 bigint NOT NULL CHECK (unit_price_excl_vat_e4 >= 0),
    vat_category    char(1) NOT NULL CHECK (vat_category IN ('S', 'E', 'Z')),
    vat_rate_bp     integer NOT NULL CHECK (vat_rate_bp IN (0, 210, 550, 1000, 2000)),
    line_excl_vat_cents bigint NOT NULL,
    PRIMARY KEY (invoice_id, line_no),
    FOREIGN KEY (hub_id, invoice_id) REFERENCES invoices (hub_id, id)
);
COMMENT ON TABLE invoice_lines IS 'An invoice''s lines as issued: description, quantity, unit, unit price excl. VAT, VAT category and rate, line net.';

CREATE TABLE invoice_vat (
    hub_id        bigint NOT NULL,
    invoice_id    bigint NOT NULL,
    vat_category  char(1) NOT NULL,
    vat_rate_bp   integer NOT NULL,
    base_cents    bigint NOT NULL,
    vat_cents     bigint NOT NULL,
    PRIMARY KEY (invoice_id, vat_category, vat_rate_bp),
    FOREIGN KEY (hub_id, invoice_id) REFERENCES invoices (hub_id, id)
);
COMMENT ON TABLE invoice_vat IS 'An invoice''s VAT breakdown per category and rate (EN 16931 BG-23), as issued.';

-- Issued is issued: no statement may change or remove an invoice, its lines or
-- its VAT breakdown. Corrections are credit notes.
CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an issued invoice cannot be changed or deleted; issue a credit note'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoice_vat_immutable BEFORE UPDATE OR DELETE ON invoice_vat
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_immutable();
