-- schema/022_instalment_debits.sql — a contract instalment paid by SEPA direct debit is
-- collected in the hub's pain.008 batch like an order (issue 21).
--
-- A debit of a batch is now either an order's due (order_id, cycle_id) or an
-- instalment of a contract subscription (subscription_id, instalment), never both.
-- An instalment is collected on its own due date when that is still to come when the
-- batch is made, else on the batch's date: collect_on says which (NULL for an order's
-- debit, collected on the batch's date). An instalment is debited once: a unique index
-- stops a second batch from taking it again even if its paid mark were missed.

SET LOCAL lock_timeout = '5s';

ALTER TABLE sepa_debits
    ALTER COLUMN order_id DROP NOT NULL,
    ALTER COLUMN cycle_id DROP NOT NULL,
    ADD COLUMN subscription_id bigint,
    ADD COLUMN instalment integer,
    ADD COLUMN collect_on date,
    ADD CONSTRAINT sepa_debits_order_or_instalment CHECK (
        (order_id IS NOT NULL AND cycle_id IS NOT NULL AND subscription_id IS NULL
         AND instalment IS NULL AND collect_on IS NULL)
        OR (order_id IS NULL AND cycle_id IS NULL AND subscription_id IS NOT NULL
            AND instalment IS NOT NULL AND collect_on IS NOT NULL)),
    ADD CONSTRAINT sepa_debits_instalment_fkey FOREIGN KEY (subscription_id, instalment)
        REFERENCES contract_instalments (subscription_id, number);
CREATE UNIQUE INDEX sepa_debits_instalment_once ON sepa_debits (subscription_id, instalment)
    WHERE subscription_id IS NOT NULL;
COMMENT ON TABLE sepa_debits IS 'One debit of a batch: an order''s due, or a contract instalment, collected under a mandate, FRST on a mandate''s first collection, RCUR after.';
COMMENT ON COLUMN sepa_debits.collect_on IS 'An instalment''s collection date (its due date, or the batch''s when that had passed); NULL for an order''s debit, collected on the batch''s date.';
