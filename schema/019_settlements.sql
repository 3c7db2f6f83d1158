-- schema/019_settlements.sql — producers paid back: the hub's fee, settlements, the
-- commission invoices, transfers to producers, billing mandates, the accounting
-- export (FEC) and the hub's own chart of accounts (issue 22).
--
-- 1. The fee: a percentage of each producer's sales excl. VAT, in basis points, set
--    for the hub (hub_settings.fee_bp) and, when one producer differs, for that
--    producer (producers.fee_bp). Like prices, it is frozen on the cycle: each
--    cycle_producers row takes its producer's rate when the producer joins the cycle
--    and again when the cycle opens; a settlement reads only that copy.
-- 2. A producer's bank (its BIC, beside the IBAN of schema/014) and its billing mandate
--    (mandat de facturation: the producer lets the hub issue invoices in its name;
--    date signed, scope, acceptance), which the invoices issued in its name mention.
-- 3. settlements: what the hub owes one producer for a period (a cycle, or a month):
--    the producer's invoices and credit notes the hub collected, the fee and its
--    commission invoice (in the invoices table, seller key "commission": its own
--    gap-free sequence, its own archive file, its own CII). settlement_invoices
--    lists the invoices a settlement covers; an invoice is settled once (unique).
--    Writing a settlement posts the fee (467 to 706 + 4457); paying it (a pain.001
--    batch) posts the transfer (467 to 512).
-- 4. The chart of accounts a hub uses in its FEC (hub_accounts: its own number and
--    label for each of km0's accounts) and the periods exported and closed
--    (fec_exports): a closed period cannot be exported again, nor overlapped.

SET LOCAL lock_timeout = '5s';

-- ---- 1. fees ------------------------------------------------------------------------------

ALTER TABLE hub_settings
    ADD COLUMN fee_bp integer NOT NULL DEFAULT 0 CHECK (fee_bp BETWEEN 0 AND 10000);
COMMENT ON COLUMN hub_settings.fee_bp IS
    'The hub''s fee: a share of each producer''s sales excl. VAT, in hundredths of a percent (1250 = 12.5 %).';
ALTER TABLE producers
    ADD COLUMN fee_bp integer CHECK (fee_bp BETWEEN 0 AND 10000),
    ADD COLUMN bic text NOT NULL DEFAULT ''
        CHECK (bic = '' OR bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$');
COMMENT ON COLUMN producers.fee_bp IS 'This producer''s fee when it differs from the hub''s (hub_settings.fee_bp); NULL = the hub''s.';
COMMENT ON COLUMN producers.bic IS 'The bank of the producer''s IBAN (schema/014), when known: named in the transfers paying it.';

ALTER TABLE cycle_producers ADD COLUMN fee_bp integer CHECK (fee_bp BETWEEN 0 AND 10000);
UPDATE cycle_producers SET fee_bp = 0;
ALTER TABLE cycle_producers ALTER COLUMN fee_bp SET NOT NULL;
COMMENT ON COLUMN cycle_producers.fee_bp IS 'The producer''s fee as it was when the cycle opened.';

CREATE FUNCTION cycle_producers_take_fee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.fee_bp IS NULL THEN
        SELECT coalesce(p.fee_bp, s.fee_bp, 0) INTO NEW.fee_bp
          FROM producers p LEFT JOIN hub_settings s ON s.hub_id = p.hub_id
         WHERE p.id = NEW.producer_id;
        NEW.fee_bp := coalesce(NEW.fee_bp, 0);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cycle_producers_take_fee BEFORE INSERT ON cycle_producers
    FOR EACH ROW EXECUTE FUNCTION cycle_producers_take_fee();

CREATE FUNCTION cycles_freeze_fees() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cycle_producers cp SET fee_bp = coalesce(p.fee_bp, s.fee_bp, 0)
      FROM producers p LEFT JOIN hub_settings s ON s.hub_id = p.hub_id
     WHERE cp.cycle_id = NEW.id AND p.id = cp.producer_id;
    RETURN NULL;
END $$;
CREATE TRIGGER cycles_freeze_fees AFTER UPDATE OF state ON cycles
    FOR EACH ROW WHEN (OLD.state = 'draft' AND NEW.state = 'open')
    EXECUTE FUNCTION cycles_freeze_fees();

-- ---- 2. billing mandates ------------------------------------------------------------------

CREATE TABLE billing_mandates (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id       bigint NOT NULL,
    producer_id  bigint NOT NULL,
    signed_on    date NOT NULL,
    scope        text NOT NULL CHECK (length(scope) BETWEEN 1 AND 300),
    accepted_by  text NOT NULL CHECK (length(accepted_by) BETWEEN 1 AND 200),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, producer_id, signed_on),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id)
);
CREATE INDEX billing_mandates_producer ON billing_mandates (producer_id, signed_on DESC);
COMMENT ON TABLE billing_mandates IS
    'A producer''s billing mandate (mandat de facturation): the hub issues invoices in the producer''s name from signed_on; the latest one applies.';

-- ---- 3. settlements ---------------------------------------------------------------------

-- Commission invoices have no order: they are numbered in their own sequence
-- (seller_key 'commission') and do not post through invoices_post_ledger (which
-- only posts invoices of orders); the settlement posts the fee itself.
CREATE TABLE settlements (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id               bigint NOT NULL,
    producer_id          bigint NOT NULL,
    period_from          date NOT NULL,
    period_to            date NOT NULL,
    cycle_id             bigint,             -- a cycle's settlement; NULL for a month
    sales_excl_cents     bigint NOT NULL,
    sales_incl_cents     bigint NOT NULL,
    credits_excl_cents   bigint NOT NULL,
    credits_incl_cents   bigint NOT NULL,
    fee_excl_cents       bigint NOT NULL CHECK (fee_excl_cents >= 0),
    fee_vat_cents        bigint NOT NULL CHECK (fee_vat_cents >= 0),
    due_cents            bigint NOT NULL,
    commission_invoice_id bigint,
    transfer_batch_id    bigint,
    created_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, id),
    CHECK (period_to >= period_from),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id),
    FOREIGN KEY (hub_id, cycle_id) REFERENCES cycles (hub_id, id),
    FOREIGN KEY (hub_id, commission_invoice_id) REFERENCES invoices (hub_id, id),
    CHECK (due_cents = sales_incl_cents - credits_incl_cents - fee_excl_cents - fee_vat_cents)
);
CREATE INDEX settlements_producer ON settlements (hub_id, producer_id, id);
COMMENT ON TABLE settlements IS
    'What the hub owes a producer for a period: its sales collected, less credit notes, less the fee (due_cents); paid by a transfer batch.';

CREATE TABLE settlement_invoices (
    settlement_id bigint NOT NULL REFERENCES settlements,
    invoice_id    bigint NOT NULL UNIQUE REFERENCES invoices,
    PRIMARY KEY (settlement_id, invoice_id)
);
COMMENT ON TABLE settlement_invoices IS 'The invoices and credit notes a settlement covers; each one is settled once.';

CREATE TABLE transfer_batches (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id       bigint NOT NULL REFERENCES hubs,
    message_id   text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 35),
    version      text NOT NULL CHECK (version IN ('03', '09')),
    execute_on   date NOT NULL,
    transfers    integer NOT NULL CHECK (transfers > 0),
    total_cents  bigint NOT NULL CHECK (total_cents > 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (hub_id, message_id)
);
COMMENT ON TABLE transfer_batches IS
    'A SEPA credit transfer file (pain.001) paying producers their settlements; the file is written again from these rows on demand.';
ALTER TABLE settlements ADD FOREIGN KEY (transfer_batch_id) REFERENCES transfer_batches;

-- ---- 4. the chart of accounts of the FEC, and closed periods ----------------------------

CREATE TABLE hub_accounts (
    hub_id   bigint NOT NULL REFERENCES hubs,
    account  text NOT NULL REFERENCES ledger_accounts,
    number   text NOT NULL CHECK (number ~ '^[0-9][0-9A-Z]{2,19}$'),
    label    text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    PRIMARY KEY (hub_id, account)
);
COMMENT ON TABLE hub_accounts IS
    'The hub''s own number and label for one of km0''s accounts in its FEC (default: the account''s code and French name).';

CREATE TABLE fec_exports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id      bigint NOT NULL REFERENCES hubs,
    period_from date NOT NULL,
    period_to   date NOT NULL,
    closed      boolean NOT NULL,
    lines       bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (period_to >= period_from)
);
CREATE INDEX fec_exports_hub ON fec_exports (hub_id, period_from);
COMMENT ON TABLE fec_exports IS 'Each FEC exported; a closed one''s period cannot be exported again or overlapped.';
