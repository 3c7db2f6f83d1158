-- schema/025_debit_returns.sql — a direct debit the debtor's bank returned.
--
-- Until now a returned debit was booked (the money back out of 512, owed again on
-- 411) and nothing else: a contract instalment it had paid stayed marked paid, so no
-- later batch took it again, and the customer's advance (4191) kept money the hub
-- never received; a second statement line returning the same debit would have been
-- booked again too. Debits are append-only, so a return is a row of its own, once
-- per debit; the import that books it also makes a returned instalment unpaid
-- (contract_instalments.ledger_entry_id back to NULL) in the same transaction, and a
-- later batch collects it again: the instalment's debits are numbered (attempt), one
-- per number, so "debited once" still holds for each attempt.

SET LOCAL lock_timeout = '5s';

ALTER TABLE sepa_debits
    ADD CONSTRAINT sepa_debits_hub_id_id_key UNIQUE (hub_id, id),
    ADD COLUMN attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1);
COMMENT ON COLUMN sepa_debits.attempt IS 'For an instalment: 1 for its first debit, one more for each debit after a return.';
DROP INDEX sepa_debits_instalment_once;
CREATE UNIQUE INDEX sepa_debits_instalment_once ON sepa_debits (subscription_id, instalment, attempt)
    WHERE subscription_id IS NOT NULL;

CREATE TABLE sepa_debit_returns (
    debit_id      bigint PRIMARY KEY,
    hub_id        bigint NOT NULL,
    bank_entry_id bigint NOT NULL,
    FOREIGN KEY (hub_id, debit_id) REFERENCES sepa_debits (hub_id, id),
    FOREIGN KEY (hub_id, bank_entry_id) REFERENCES bank_entries (hub_id, id)
);
CREATE INDEX sepa_debit_returns_bank_entry ON sepa_debit_returns (bank_entry_id);
COMMENT ON TABLE sepa_debit_returns IS 'A debit returned by the debtor''s bank (refused, or disputed by the debtor), and the bank statement line that says so: once per debit.';
-- append-only row by row, like sepa_debits (whose TRUNCATE it follows: a cascade
-- from the catalogs' tables reaches both)
CREATE TRIGGER sepa_debit_returns_immutable BEFORE UPDATE OR DELETE ON sepa_debit_returns
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
