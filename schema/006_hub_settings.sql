-- schema/006_hub_settings.sql — a hub's settings, frozen on each cycle; keys and locks
-- an outside review found missing (issue 14 of the tracker).
--
-- 1. The seller mode, the payment days and the resale VAT rate were read from the
--    server's configuration at each use, so a change of configuration changed cycles
--    already open (their totals, their invoices). They are settings of a hub now, in
--    hub_settings with the limits that keep one account from reserving a week's stock,
--    edited by its coordinators (every change kept in hub_settings_changes), and
--    copied onto a cycle when it opens (core/cycle.c), the way offers freeze prices:
--    whatever a cycle does afterwards reads its own copy.
--    The configuration keys seller_mode, payment_days and resale_vat_rate only give
--    first values: to the hubs that exist when this migration runs (km0 migrate sets
--    km0.seller_mode, km0.payment_days and km0.resale_vat_rate_bp from the
--    configuration it reads), and to a hub km0 seed creates.
-- 2. Cycles generated from the weekly template carry the week they were made for,
--    unique per hub: two generations at once cannot make a week twice.
-- 3. invoice_lines and invoice_vat refuse TRUNCATE, as invoices already did.
-- 4. The foreign key from products to producers is declared again. Migration 005 had
--    replaced it with statement-level triggers to save about 0.8 s per 100 000
--    imported rows; a declared key is checked by PostgreSQL itself, in every isolation
--    level, and needs no code of ours to be right (bench/import.sh measures its cost).

SET LOCAL lock_timeout = '5s';

-- ---- 1. hub settings --------------------------------------------------------------

CREATE TABLE hub_settings (
    hub_id              bigint PRIMARY KEY REFERENCES hubs,
    seller_mode         text NOT NULL DEFAULT 'producers' CHECK (seller_mode IN ('producers', 'hub')),
    payment_days        integer NOT NULL DEFAULT 0 CHECK (payment_days BETWEEN 0 AND 60),
    resale_vat_rate_bp  integer NOT NULL DEFAULT 550 CHECK (resale_vat_rate_bp IN (210, 550, 1000, 2000)),
    -- limits per customer and cycle; NULL = no limit
    max_order_cents     bigint CHECK (max_order_cents > 0),
    max_line_milli      bigint CHECK (max_line_milli > 0),
    max_offer_share_pct integer CHECK (max_offer_share_pct BETWEEN 1 AND 100),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE hub_settings IS
    'How a hub sells (seller mode, payment days, resale VAT rate) and the limits of one customer''s order; copied onto each cycle when it opens.';
COMMENT ON COLUMN hub_settings.seller_mode IS
    'producers: the hub sells on behalf of its producers (one invoice per producer per order); hub: it buys and resells (one invoice per order).';
COMMENT ON COLUMN hub_settings.resale_vat_rate_bp IS
    'In hub mode, the VAT charged on the goods of producers under the VAT franchise, in hundredths of a percent.';
COMMENT ON COLUMN hub_settings.max_order_cents IS 'Most an order may amount to, VAT included; NULL = no limit.';
COMMENT ON COLUMN hub_settings.max_line_milli IS 'Most one line may hold, in thousandths of the product''s unit; NULL = no limit.';
COMMENT ON COLUMN hub_settings.max_offer_share_pct IS
    'Most of a product''s stock one order may take, in percent (at least one step); NULL = no limit.';

INSERT INTO hub_settings (hub_id, seller_mode, payment_days, resale_vat_rate_bp)
SELECT id,
       coalesce(nullif(current_setting('km0.seller_mode', true), ''), 'producers'),
       coalesce(nullif(current_setting('km0.payment_days', true), '')::integer, 0),
       coalesce(nullif(current_setting('km0.resale_vat_rate_bp', true), '')::integer, 550)
  FROM hubs;

-- Every hub has its settings row, whoever creates the hub: the defaults above until
-- someone says otherwise. (A cycle inserted in the same statement as its hub comes
-- before this trigger fires, and makes the row itself: see cycles_take_hub_settings.)
CREATE FUNCTION hubs_have_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO hub_settings (hub_id) VALUES (NEW.id) ON CONFLICT (hub_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER hubs_have_settings AFTER INSERT ON hubs
    FOR EACH ROW EXECUTE FUNCTION hubs_have_settings();

CREATE TABLE hub_settings_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id      bigint NOT NULL REFERENCES hubs,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    user_id     bigint,                 -- NULL: the command line (km0 seed)
    via         text NOT NULL CHECK (via IN ('desk', 'api', 'seed')),
    setting     text NOT NULL CHECK (length(setting) <= 40),
    old_value   text,                   -- NULL: no limit
    new_value   text,
    FOREIGN KEY (hub_id, user_id) REFERENCES users (hub_id, id)
);
CREATE INDEX hub_settings_changes_hub ON hub_settings_changes (hub_id, changed_at);
COMMENT ON TABLE hub_settings_changes IS
    'Who changed which setting of a hub, when, from what to what; rows are never changed or removed.';

CREATE FUNCTION audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an audit record cannot be changed or removed'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER hub_settings_changes_immutable BEFORE UPDATE OR DELETE ON hub_settings_changes
    FOR EACH ROW EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER hub_settings_changes_no_truncate BEFORE TRUNCATE ON hub_settings_changes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_immutable();

-- A cycle's own copy. Filled from its hub's settings when the cycle is created
-- (whoever inserts it) and taken again when it opens (core/cycle.c); from then on
-- its orders, documents and invoices read these columns, never the hub's.
ALTER TABLE cycles
    ADD COLUMN seller_mode         text CHECK (seller_mode IN ('producers', 'hub')),
    ADD COLUMN payment_days        integer CHECK (payment_days BETWEEN 0 AND 60),
    ADD COLUMN resale_vat_rate_bp  integer CHECK (resale_vat_rate_bp IN (210, 550, 1000, 2000)),
    ADD COLUMN max_order_cents     bigint CHECK (max_order_cents > 0),
    ADD COLUMN max_line_milli      bigint CHECK (max_line_milli > 0),
    ADD COLUMN max_offer_share_pct integer CHECK (max_offer_share_pct BETWEEN 1 AND 100);
UPDATE cycles c SET seller_mode = s.seller_mode, payment_days = s.payment_days,
                    resale_vat_rate_bp = s.resale_vat_rate_bp
  FROM hub_settings s WHERE s.hub_id = c.hub_id;
ALTER TABLE cycles ALTER COLUMN seller_mode SET NOT NULL,
                   ALTER COLUMN payment_days SET NOT NULL,
                   ALTER COLUMN resale_vat_rate_bp SET NOT NULL;
COMMENT ON COLUMN cycles.seller_mode IS 'The hub''s settings as they were when the cycle opened (hub_settings).';

CREATE FUNCTION cycles_take_hub_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seller_mode IS NULL THEN
        INSERT INTO hub_settings (hub_id) VALUES (NEW.hub_id) ON CONFLICT (hub_id) DO NOTHING;
        SELECT s.seller_mode, s.payment_days, s.resale_vat_rate_bp, s.max_order_cents,
               s.max_line_milli, s.max_offer_share_pct
          INTO NEW.seller_mode, NEW.payment_days, NEW.resale_vat_rate_bp, NEW.max_order_cents,
               NEW.max_line_milli, NEW.max_offer_share_pct
          FROM hub_settings s WHERE s.hub_id = NEW.hub_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cycles_take_hub_settings BEFORE INSERT ON cycles
    FOR EACH ROW EXECUTE FUNCTION cycles_take_hub_settings();

-- ---- 2. one cycle per generated week --------------------------------------------------

ALTER TABLE cycles ADD COLUMN template_week date
    CHECK (extract(isodow FROM template_week) = 1);
COMMENT ON COLUMN cycles.template_week IS
    'For a cycle generated from the weekly template: the Monday of the week it opens (Paris time); NULL for a cycle made by hand.';
CREATE UNIQUE INDEX cycles_template_week ON cycles (hub_id, template_week);

-- ---- 3. issued invoices: no TRUNCATE of their lines or VAT either ---------------------

CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoice_vat_no_truncate BEFORE TRUNCATE ON invoice_vat
    FOR EACH STATEMENT EXECUTE FUNCTION invoices_immutable();

-- ---- 4. the producer key of products, declared --------------------------------------

DROP TRIGGER products_producer_exists ON products;
DROP TRIGGER products_keep_producer ON products;
DROP TRIGGER producers_keep_products ON producers;
DROP TRIGGER producers_keep_products_truncate ON producers;
DROP TRIGGER producers_keep_key ON producers;
DROP FUNCTION products_producer_exists();
DROP FUNCTION products_producer_key_kept();
DROP FUNCTION producers_keep_products();
ALTER TABLE products ADD CONSTRAINT products_hub_id_producer_id_fkey
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id);
