-- schema/018_subscriptions.sql — standing orders and AMAP contracts (issue 21).
--
-- 1. A subscription is a standing order: these lines, this pickup point, every week
--    or every second week from a date, until cancelled. When a cycle opens, every
--    subscription due on its delivery date becomes an ordinary order of the cycle, in
--    the opening's own transaction (core/subscription_place.c): two servers opening
--    the same cycle cannot both place it, since only one of them finds it a draft.
--    Lines name catalog products by their key (producer, sku: schema/005), so a
--    product's price and VAT are the week's offer's.
-- 2. Absences: pauses from a date to a date; the deliveries in between are skipped.
-- 3. A contract (AMAP) is a season of deliveries with a producer: baskets at a fixed
--    price (a catalog product of the producer stands for each basket), a subscription
--    window, a minimum commitment, the instalment plans offered and the rule for a
--    missed delivery. A contract subscription is a subscription with one line (the
--    basket, its quantity) that is due on the contract's delivery dates; its order
--    line carries the contract's price, not the week's.
-- 4. What each opening did: subscription_runs (one row per subscription due, what
--    became of it) and subscription_misses (each line or order that could not be
--    placed, and why): reported to the customer and to the coordinator.
-- 5. The instalments of a contract subscription: amount and due date of each, and
--    the ledger entry that paid it.

CREATE TABLE contracts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL REFERENCES hubs,
    producer_id     bigint NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    window_opens    date NOT NULL,
    window_closes   date NOT NULL,
    min_deliveries  integer NOT NULL DEFAULT 1 CHECK (min_deliveries >= 1),
    missed_rule     text NOT NULL DEFAULT 'neighbour'
                    CHECK (missed_rule IN ('neighbour', 'hub', 'carry_over')),
    instalment_plans integer[] NOT NULL DEFAULT '{1}'
                    CHECK (cardinality(instalment_plans) BETWEEN 1 AND 12
                           AND 1 <= ALL (instalment_plans) AND 52 >= ALL (instalment_plans)),
    payment_methods text[] NOT NULL DEFAULT '{cheque}'
                    CHECK (cardinality(payment_methods) BETWEEN 1 AND 2
                           AND payment_methods <@ ARRAY['cheque', 'sepa_debit']),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, id),
    CHECK (window_closes >= window_opens),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id)
);
COMMENT ON TABLE contracts IS 'An AMAP contract with a producer: a season of deliveries, baskets at a fixed price, a subscription window, instalment plans and the rule for a missed delivery (neighbour: placed as usual, someone collects it; hub: kept by the hub; carry_over: added to the next delivery).';

CREATE TABLE contract_deliveries (
    hub_id          bigint NOT NULL,
    contract_id     bigint NOT NULL,
    delivery_date   date NOT NULL,
    PRIMARY KEY (contract_id, delivery_date),
    FOREIGN KEY (hub_id, contract_id) REFERENCES contracts (hub_id, id) ON DELETE CASCADE
);
CREATE INDEX contract_deliveries_date ON contract_deliveries (hub_id, delivery_date);
COMMENT ON TABLE contract_deliveries IS 'The delivery dates of a contract''s season: a cycle delivering on one of them places the contract''s baskets.';

CREATE TABLE contract_baskets (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL,
    contract_id     bigint NOT NULL,
    producer_id     bigint NOT NULL,
    sku             text NOT NULL,
    label           text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    price_excl_vat_e4 bigint NOT NULL CHECK (price_excl_vat_e4 > 0),
    UNIQUE (hub_id, id),
    UNIQUE (contract_id, sku),
    FOREIGN KEY (hub_id, contract_id) REFERENCES contracts (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (producer_id, sku) REFERENCES products (producer_id, sku)
);
CREATE INDEX contract_baskets_product ON contract_baskets (producer_id, sku);
COMMENT ON TABLE contract_baskets IS 'A basket size of a contract: the producer''s product that stands for it and its fixed price excl. VAT (e4), whatever the week''s price.';

CREATE TABLE subscriptions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL,
    customer_id     bigint NOT NULL,
    pickup_point_id bigint NOT NULL,
    every_weeks     smallint CHECK (every_weeks IN (1, 2)),
    starts_on       date NOT NULL,
    contract_id     bigint,
    basket_id       bigint,
    instalments     integer CHECK (instalments BETWEEN 1 AND 52),
    payment_method  text CHECK (payment_method IN ('cheque', 'sepa_debit')),
    carried         integer NOT NULL DEFAULT 0 CHECK (carried >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    cancelled_at    timestamptz,
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, customer_id) REFERENCES customers (hub_id, id),
    FOREIGN KEY (hub_id, pickup_point_id) REFERENCES pickup_points (hub_id, id),
    FOREIGN KEY (hub_id, contract_id) REFERENCES contracts (hub_id, id),
    FOREIGN KEY (hub_id, basket_id) REFERENCES contract_baskets (hub_id, id),
    -- a standing order repeats by weeks; a contract's follows the contract's dates
    CHECK ((contract_id IS NULL) = (every_weeks IS NOT NULL)),
    CHECK ((contract_id IS NULL) = (basket_id IS NULL)),
    CHECK ((contract_id IS NULL) = (instalments IS NULL)),
    CHECK ((contract_id IS NULL) = (payment_method IS NULL))
);
-- one live standing order per customer (its lines say everything it holds), one
-- subscription per contract per customer
CREATE UNIQUE INDEX subscriptions_one_standing ON subscriptions (hub_id, customer_id)
    WHERE contract_id IS NULL AND cancelled_at IS NULL;
CREATE UNIQUE INDEX subscriptions_one_per_contract ON subscriptions (contract_id, customer_id)
    WHERE contract_id IS NOT NULL AND cancelled_at IS NULL;
CREATE INDEX subscriptions_live ON subscriptions (hub_id) WHERE cancelled_at IS NULL;
COMMENT ON TABLE subscriptions IS 'A standing order (every week or every second week from starts_on) or a contract subscription (the contract''s delivery dates), until cancelled; carried counts the baskets of missed deliveries owed at the next one (carry_over rule).';

CREATE TABLE subscription_lines (
    hub_id          bigint NOT NULL,
    subscription_id bigint NOT NULL,
    producer_id     bigint NOT NULL,
    sku             text NOT NULL,
    quantity_milli  bigint NOT NULL CHECK (quantity_milli > 0 AND quantity_milli <= 10000000),
    PRIMARY KEY (subscription_id, producer_id, sku),
    FOREIGN KEY (hub_id, subscription_id) REFERENCES subscriptions (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id),
    FOREIGN KEY (producer_id, sku) REFERENCES products (producer_id, sku)
);
COMMENT ON TABLE subscription_lines IS 'What a subscription orders each time: catalog products and quantities in thousandths.';

CREATE TABLE subscription_pauses (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL,
    subscription_id bigint NOT NULL,
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on),
    FOREIGN KEY (hub_id, subscription_id) REFERENCES subscriptions (hub_id, id) ON DELETE CASCADE
);
CREATE INDEX subscription_pauses_sub ON subscription_pauses (subscription_id);
COMMENT ON TABLE subscription_pauses IS 'Absences: deliveries dated from starts_on to ends_on (both included) are skipped.';

CREATE TABLE subscription_runs (
    hub_id          bigint NOT NULL,
    cycle_id        bigint NOT NULL,
    subscription_id bigint NOT NULL,
    outcome         text NOT NULL
                    CHECK (outcome IN ('placed', 'partial', 'not_placed', 'absent',
                                       'kept_by_hub', 'carried_over')),
    order_id        bigint,
    PRIMARY KEY (cycle_id, subscription_id),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, subscription_id) REFERENCES subscriptions (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, order_id) REFERENCES orders (hub_id, id) ON DELETE SET NULL (order_id)
);
CREATE INDEX subscription_runs_sub ON subscription_runs (subscription_id);
COMMENT ON TABLE subscription_runs IS 'What a cycle''s opening did with each subscription due: placed (whole), partial (some lines missed), not_placed, absent (paused), kept_by_hub or carried_over (a contract''s missed delivery).';

CREATE TABLE subscription_misses (
    hub_id          bigint NOT NULL,
    cycle_id        bigint NOT NULL,
    subscription_id bigint NOT NULL,
    producer_id     bigint,  -- with sku, the product; NULL: the whole order (pickup point
    sku             text,    -- full or not served, order limit)
    quantity_milli  bigint,
    reason          text NOT NULL
                    CHECK (reason IN ('out_of_stock', 'product_gone', 'step', 'over_line_limit',
                                      'over_order_limit', 'pickup_full', 'pickup_gone')),
    FOREIGN KEY (cycle_id, subscription_id) REFERENCES subscription_runs (cycle_id, subscription_id)
        ON DELETE CASCADE
);
CREATE INDEX subscription_misses_run ON subscription_misses (cycle_id, subscription_id);
COMMENT ON TABLE subscription_misses IS 'Each line (or whole order) of a subscription a cycle''s opening could not place, and why: never silently dropped.';

CREATE TABLE contract_instalments (
    hub_id          bigint NOT NULL,
    subscription_id bigint NOT NULL,
    number          integer NOT NULL CHECK (number >= 1),
    due_on          date NOT NULL,
    amount_cents    bigint NOT NULL CHECK (amount_cents > 0),
    ledger_entry_id bigint,
    PRIMARY KEY (subscription_id, number),
    FOREIGN KEY (hub_id, subscription_id) REFERENCES subscriptions (hub_id, id)
);
COMMENT ON TABLE contract_instalments IS 'The instalment plan of a contract subscription: amounts add up to the season''s price incl. VAT; ledger_entry_id is the payment that settled one.';
