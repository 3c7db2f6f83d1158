-- schema/010_delivered.sql — what was really delivered: weighed goods, shortages,
-- substitutions, and invoices (and partial credit notes) from delivered quantities.
--
-- Until now km0 invoiced exactly what was ordered. A week does not go that way: a
-- chicken ordered as "about 2 kg at 12 €/kg" weighs 2.14 kg, the hail takes half the
-- salads, a producer brings 28 trays of eggs instead of 30. The ordered quantities stay
-- as they were ordered; what was delivered lives beside them (core/delivery.h):
--
-- 1. Products sold by the piece and priced by the kg or the litre ("weighed"): the
--    catalog states the price per kg (or litre) and an estimate per piece; an offer
--    freezes both when its cycle opens. The offer's own price is the estimated price of
--    a piece, so ordering, stock and steps stay in pieces and the shop, the order and
--    its total read as an estimate until the pieces are weighed.
-- 2. The hub's shortage rule (who loses units when a product is delivered short), a hub
--    setting frozen on the cycle as the others are (schema/006).
-- 3. On each order line: the pieces delivered, the weight (or volume) weighed, and the
--    line's delivered amount; NULL means "as ordered" / "not weighed yet". A line may
--    also be a substitute the customer accepted (ordered 0, delivered its quantity).
-- 4. delivery_changes: every change of those three columns, who, when, old, new and
--    why, written by a trigger on order_lines that refuses a change without a stated
--    reason: nothing is updated in place without its trail.
-- 5. substitutions proposed to a customer, and their answer.
-- 6. The coordinator's acceptance of the estimates for lines left unweighed when the
--    invoices are issued.
-- 7. Partial credit notes: an invoice may now be credited several times, line by line,
--    never beyond what it invoiced (checked by a trigger); the full credit note credits
--    what remains.

SET LOCAL lock_timeout = '5s';

-- ---- 1. weighed products ---------------------------------------------------------------

-- measure: 'kg' or 'l', the unit the price is per; the product is still sold per its own
-- unit (a piece, a bunch...). measure_estimate_milli: thousandths of the measure in one
-- unit (grams of a kg, millilitres of a litre). The three are set together or not at all.
ALTER TABLE products
    ADD COLUMN measure text CHECK (measure IN ('kg', 'l')),
    ADD COLUMN measure_price_excl_vat_e4 bigint
        CHECK (measure_price_excl_vat_e4 > 0 AND measure_price_excl_vat_e4 <= 1000000000),
    ADD COLUMN measure_estimate_milli bigint
        CHECK (measure_estimate_milli > 0 AND measure_estimate_milli <= 1000000),
    ADD CONSTRAINT products_measure_whole
        CHECK ((measure IS NULL) = (measure_price_excl_vat_e4 IS NULL)
               AND (measure IS NULL) = (measure_estimate_milli IS NULL));
COMMENT ON COLUMN products.measure IS
    'Sold per unit (a piece) but priced per kg or l: the price per measure and the estimate per unit follow; NULL for a plain product.';
COMMENT ON COLUMN products.measure_estimate_milli IS
    'The estimated measure of one unit, in thousandths (grams of a kg, ml of a litre).';

ALTER TABLE offers
    ADD COLUMN measure text CHECK (measure IN ('kg', 'l')),
    ADD COLUMN measure_price_excl_vat_e4 bigint CHECK (measure_price_excl_vat_e4 > 0),
    ADD COLUMN measure_estimate_milli bigint CHECK (measure_estimate_milli > 0),
    ADD CONSTRAINT offers_measure_whole
        CHECK ((measure IS NULL) = (measure_price_excl_vat_e4 IS NULL)
               AND (measure IS NULL) = (measure_estimate_milli IS NULL));
COMMENT ON COLUMN offers.measure IS
    'Frozen from the product: a weighed offer''s price_excl_vat_e4 is the estimated price of one unit.';

-- ---- 2. the shortage rule, a hub setting frozen on the cycle ---------------------------

ALTER TABLE hub_settings ADD COLUMN shortage_rule text NOT NULL DEFAULT 'last_orders_first'
    CHECK (shortage_rule IN ('last_orders_first', 'pro_rata'));
COMMENT ON COLUMN hub_settings.shortage_rule IS
    'Who loses the units of a product delivered short: last_orders_first (the orders placed last, first) or pro_rata (in whole steps, the largest remainders first).';

ALTER TABLE cycles ADD COLUMN shortage_rule text
    CHECK (shortage_rule IN ('last_orders_first', 'pro_rata'));
UPDATE cycles c SET shortage_rule = s.shortage_rule FROM hub_settings s WHERE s.hub_id = c.hub_id;
ALTER TABLE cycles ALTER COLUMN shortage_rule SET NOT NULL;

-- Runs after cycles_take_hub_settings (triggers fire by name), which made sure the hub
-- has its settings row.
CREATE FUNCTION cycles_take_shortage_rule() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.shortage_rule IS NULL THEN
        SELECT s.shortage_rule INTO NEW.shortage_rule FROM hub_settings s WHERE s.hub_id = NEW.hub_id;
        NEW.shortage_rule := coalesce(NEW.shortage_rule, 'last_orders_first');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cycles_take_shortage_rule BEFORE INSERT ON cycles
    FOR EACH ROW EXECUTE FUNCTION cycles_take_shortage_rule();

-- ---- 3. delivered quantities beside the ordered ones -----------------------------------

-- id: a line's own number, for "km0 shortage --line ID" and the API (order lines are
-- replaced whole while the cycle is open; once it closes they stay). Adding it rewrites
-- the table once (docs/operations.md).
ALTER TABLE order_lines
    ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN delivered_milli bigint CHECK (delivered_milli >= 0),
    ADD COLUMN weighed_milli bigint CHECK (weighed_milli > 0),
    ADD COLUMN delivered_net_cents bigint CHECK (delivered_net_cents >= 0),
    ADD COLUMN substitutes_offer_id bigint,
    ADD CONSTRAINT order_lines_id_key UNIQUE (id),
    ADD CONSTRAINT order_lines_substitutes_fkey
        FOREIGN KEY (hub_id, substitutes_offer_id) REFERENCES offers (hub_id, id),
    -- a shortage never delivers more than was ordered; a substitute is ordered as 0
    ADD CONSTRAINT order_lines_delivered_within
        CHECK (delivered_milli <= quantity_milli OR substitutes_offer_id IS NOT NULL);
-- an accepted substitute is a line ordered as 0, delivered as accepted
ALTER TABLE order_lines DROP CONSTRAINT order_lines_quantity_milli_check;
ALTER TABLE order_lines ADD CONSTRAINT order_lines_quantity_milli_check
    CHECK (quantity_milli > 0 OR (quantity_milli = 0 AND substitutes_offer_id IS NOT NULL));
COMMENT ON COLUMN order_lines.delivered_milli IS 'Units delivered (thousandths); NULL = as ordered.';
COMMENT ON COLUMN order_lines.weighed_milli IS
    'A weighed offer''s measure as weighed for the whole line (grams, or ml); NULL = not weighed yet.';
COMMENT ON COLUMN order_lines.delivered_net_cents IS
    'The line''s amount excl. VAT as delivered (what the invoice carries); NULL = the ordered line_excl_vat_cents.';
COMMENT ON COLUMN order_lines.substitutes_offer_id IS
    'An accepted substitute: the offer of the line it replaces (core/delivery_subst.c).';

-- ---- 4. the trail of every change ------------------------------------------------------

-- Values are the effective ones: delivered units (as ordered when not set), the weight
-- (NULL: not weighed) and the line's amount. No foreign keys: rows are written only by
-- the trigger below, from order lines that exist in the same statement, and a key would
-- cost a lookup per row of a shortage over ten thousand orders (bench/delivered.sh); the
-- user is checked once per statement instead.
CREATE TABLE delivery_changes (
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    hub_id              bigint NOT NULL,
    cycle_id            bigint NOT NULL,
    order_id            bigint NOT NULL,
    offer_id            bigint NOT NULL,
    line_id             bigint NOT NULL,
    changed_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    user_id             bigint,             -- NULL: the command line
    via                 text NOT NULL CHECK (via IN ('page', 'api', 'cli')),
    kind                text NOT NULL
                        CHECK (kind IN ('shortage', 'line', 'weight', 'estimate', 'substitution', 'credit')),
    old_delivered_milli bigint,             -- NULL: the line did not exist (a substitute)
    new_delivered_milli bigint NOT NULL,
    old_weighed_milli   bigint,
    new_weighed_milli   bigint,
    old_net_cents       bigint,
    new_net_cents       bigint NOT NULL,
    reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    -- a cycle's changes together (its documents, the messages of a week); two indexes
    -- only, since a shortage over ten thousand orders writes ten thousand rows
    PRIMARY KEY (cycle_id, id)
);
CREATE INDEX delivery_changes_order ON delivery_changes (order_id, id);
COMMENT ON TABLE delivery_changes IS
    'Every change of a delivered quantity, weight or amount: who, when, old, new and why; rows are never changed or removed.';
COMMENT ON COLUMN delivery_changes.kind IS
    'shortage (a product short, split by the cycle''s rule), line (one line set), weight (weighed), estimate (the estimate accepted at invoicing), substitution (accepted by the customer), credit (a credit note after issue).';
CREATE TRIGGER delivery_changes_immutable BEFORE UPDATE OR DELETE ON delivery_changes
    FOR EACH ROW EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER delivery_changes_no_truncate BEFORE TRUNCATE ON delivery_changes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_immutable();

-- Who, how and why come from settings of the transaction (set_config(..., true)), set by
-- km0 before each change (core/delivery_db.c): km0.delivery_kind, km0.delivery_reason,
-- km0.delivery_via, km0.delivery_user (empty for the command line) and
-- km0.delivery_cycle, the cycle whose lines change (km0 changes one cycle at a time;
-- checked on the first line rather than joined for each). An update that changes a
-- delivered column without them is refused.
CREATE FUNCTION order_lines_delivery_trail() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k     text := nullif(current_setting('km0.delivery_kind', true), '');
    why   text := nullif(current_setting('km0.delivery_reason', true), '');
    via   text := nullif(current_setting('km0.delivery_via', true), '');
    who   bigint := nullif(current_setting('km0.delivery_user', true), '')::bigint;
    cycle bigint := nullif(current_setting('km0.delivery_cycle', true), '')::bigint;
BEGIN
    IF k IS NULL OR why IS NULL OR via IS NULL OR cycle IS NULL THEN
        IF EXISTS (SELECT 1 FROM old_lines o JOIN new_lines n ON n.id = o.id
                    WHERE (o.delivered_milli, o.weighed_milli, o.delivered_net_cents)
                          IS DISTINCT FROM (n.delivered_milli, n.weighed_milli, n.delivered_net_cents)) THEN
            RAISE EXCEPTION 'a delivered quantity changes only with who changes it and why (km0.delivery_*)'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END IF;
    IF who IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u
                                        WHERE u.id = who
                                          AND u.hub_id = (SELECT n.hub_id FROM new_lines n LIMIT 1)) THEN
        RAISE foreign_key_violation USING MESSAGE = format('no user %s in this hub', who);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM orders r
                    WHERE r.id = (SELECT n.order_id FROM new_lines n LIMIT 1) AND r.cycle_id = cycle) THEN
        RAISE check_violation USING MESSAGE = format('the order lines changed are not of cycle %s', cycle);
    END IF;
    INSERT INTO delivery_changes (hub_id, cycle_id, order_id, offer_id, line_id, user_id, via, kind,
                                  old_delivered_milli, new_delivered_milli, old_weighed_milli,
                                  new_weighed_milli, old_net_cents, new_net_cents, reason)
    SELECT n.hub_id, cycle, n.order_id, n.offer_id, n.id, who, via, k,
           coalesce(o.delivered_milli, o.quantity_milli), coalesce(n.delivered_milli, n.quantity_milli),
           o.weighed_milli, n.weighed_milli,
           coalesce(o.delivered_net_cents, o.line_excl_vat_cents),
           coalesce(n.delivered_net_cents, n.line_excl_vat_cents), why
      FROM old_lines o JOIN new_lines n ON n.id = o.id
     WHERE (o.delivered_milli, o.weighed_milli, o.delivered_net_cents)
           IS DISTINCT FROM (n.delivered_milli, n.weighed_milli, n.delivered_net_cents);
    RETURN NULL;
END $$;
COMMENT ON FUNCTION order_lines_delivery_trail() IS
    'Writes delivery_changes for every order line whose delivered columns change, and refuses such a change without a stated reason (schema/010).';
CREATE TRIGGER order_lines_delivery_trail AFTER UPDATE ON order_lines
    REFERENCING OLD TABLE AS old_lines NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION order_lines_delivery_trail();

-- ---- 5. substitutions ------------------------------------------------------------------

CREATE TABLE substitutions (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id              bigint NOT NULL,
    cycle_id            bigint NOT NULL,
    order_id            bigint NOT NULL,
    offer_id            bigint NOT NULL,     -- the line delivered short
    substitute_offer_id bigint NOT NULL,
    quantity_milli      bigint NOT NULL CHECK (quantity_milli > 0),
    reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    state               text NOT NULL DEFAULT 'proposed' CHECK (state IN ('proposed', 'accepted', 'declined')),
    proposed_by         bigint,              -- NULL: the command line
    proposed_at         timestamptz NOT NULL DEFAULT now(),
    answered_at         timestamptz,
    UNIQUE (order_id, substitute_offer_id),
    CHECK (offer_id <> substitute_offer_id),
    CHECK ((state = 'proposed') = (answered_at IS NULL)),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id),
    FOREIGN KEY (hub_id, order_id) REFERENCES orders (hub_id, id),
    FOREIGN KEY (hub_id, offer_id) REFERENCES offers (hub_id, id),
    FOREIGN KEY (hub_id, substitute_offer_id) REFERENCES offers (hub_id, id),
    FOREIGN KEY (hub_id, proposed_by) REFERENCES users (hub_id, id)
);
CREATE INDEX substitutions_cycle ON substitutions (cycle_id);
COMMENT ON TABLE substitutions IS
    'Another product offered to a customer in place of one delivered short; delivered only once the customer accepts (an order line ordered as 0).';

-- ---- 6. estimates accepted at invoicing ------------------------------------------------

ALTER TABLE cycles
    ADD COLUMN estimates_accepted_at timestamptz,
    ADD COLUMN estimates_accepted_by bigint,
    ADD CONSTRAINT cycles_estimates_accepted_by_fkey
        FOREIGN KEY (hub_id, estimates_accepted_by) REFERENCES users (hub_id, id);
COMMENT ON COLUMN cycles.estimates_accepted_at IS
    'When a coordinator issued the invoices with the estimates standing for weights not recorded (each line in delivery_changes, kind estimate).';

-- ---- 7. partial credit notes -----------------------------------------------------------

DROP INDEX invoices_credited_once;

-- order_line_id: the order line an invoice line invoices (NULL on invoices issued before
-- this migration). credits_line_no: on a credit note, the line of the corrected invoice a
-- line gives back (NULL on credit notes issued before it, which copied every line under
-- its own number: their line_no is the line credited).
ALTER TABLE invoice_lines
    ADD COLUMN order_line_id bigint,
    ADD COLUMN credits_line_no integer CHECK (credits_line_no > 0);
COMMENT ON COLUMN invoice_lines.credits_line_no IS
    'On a credit note: the line of the corrected invoice this line credits (NULL before schema/010: the same line_no).';

-- Credit notes of one invoice take turns on its row, and together never give back more
-- than a line invoiced, in quantity or in amount. The check reads the rows committed
-- before it got the lock (READ COMMITTED: each statement of a function sees them).
CREATE FUNCTION invoice_credits_within() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    PERFORM 1 FROM invoices i
     WHERE i.id IN (SELECT c.corrects_invoice_id FROM new_lines n JOIN invoices c ON c.id = n.invoice_id
                     WHERE c.type_code = 381)
     ORDER BY i.id FOR UPDATE;
    WITH touched AS (
        SELECT DISTINCT c.corrects_invoice_id AS invoice_id, coalesce(n.credits_line_no, n.line_no) AS line_no
          FROM new_lines n JOIN invoices c ON c.id = n.invoice_id WHERE c.type_code = 381)
    SELECT t.invoice_id, t.line_no, o.line_no IS NULL AS missing,
           coalesce(sum(l.quantity_milli), 0) AS q, o.quantity_milli AS invoiced_q,
           coalesce(sum(l.line_excl_vat_cents), 0) AS net, o.line_excl_vat_cents AS invoiced_net
      INTO bad
      FROM touched t
      LEFT JOIN invoice_lines o ON o.invoice_id = t.invoice_id AND o.line_no = t.line_no
      LEFT JOIN invoices k ON k.corrects_invoice_id = t.invoice_id AND k.type_code = 381
      LEFT JOIN invoice_lines l ON l.invoice_id = k.id AND coalesce(l.credits_line_no, l.line_no) = t.line_no
     GROUP BY t.invoice_id, t.line_no, o.line_no, o.quantity_milli, o.line_excl_vat_cents
    HAVING o.line_no IS NULL OR coalesce(sum(l.quantity_milli), 0) > o.quantity_milli
        OR coalesce(sum(l.line_excl_vat_cents), 0) > o.line_excl_vat_cents
     LIMIT 1;
    IF FOUND THEN
        RAISE check_violation USING
            MESSAGE = CASE WHEN bad.missing
                THEN format('a credit note credits line %s of invoice %s, which has no such line',
                            bad.line_no, bad.invoice_id)
                ELSE format('credit notes would give back %s (%s cents) of line %s of invoice %s, '
                            'which invoiced %s (%s cents)', bad.q, bad.net, bad.line_no,
                            bad.invoice_id, bad.invoiced_q, bad.invoiced_net) END,
            CONSTRAINT = 'invoice_credits_within', TABLE = 'invoice_lines';
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION invoice_credits_within() IS
    'Credit notes never give back more than an invoice line invoiced, quantity or amount (schema/010).';
CREATE TRIGGER invoice_credits_within AFTER INSERT ON invoice_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_credits_within();
