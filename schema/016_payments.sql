-- schema/016_payments.sql — the money side: a double-entry ledger per hub, payment
-- methods, bank statements, SEPA direct debit mandates and batches (issue 17).
--
-- 1. How a hub is paid: its payment methods (the first is the default), how far a
--    prepaid balance may go below zero, its bank account (IBAN, BIC) and its SEPA
--    creditor identifier (ICS). Settings like the others (hub_settings, every change
--    recorded in hub_settings_changes); the methods and the overdraft are copied onto
--    a cycle when it is created and again when it opens, by trigger, the way
--    schema/006 freezes the rest: what a customer chose from stays what the cycle had.
-- 2. Each order says how its customer pays: onsite (cash, cheque or card at the
--    pickup), transfer, sepa_debit or balance. An order inserted without one takes
--    its cycle's first method.
-- 3. The ledger: ledger_entries (one money movement: an invoice, a credit note, a
--    payment, a refund, a top-up, a use of the balance, a bank line, a direct debit)
--    and ledger_lines (its debits, positive, and credits, negative, on the accounts of
--    ledger_accounts, French chart of accounts numbers). Every entry balances to zero,
--    checked at commit by a deferred constraint trigger over all the entries a
--    statement wrote at once (one check per statement, not per row, so a bank
--    statement of ten thousand lines is checked in one query); nothing in it is ever
--    updated, deleted or truncated: a mistake is corrected by another entry.
--    Balances and what is owed are sums over it (core/ledger.h).
-- 4. Invoices and credit notes post themselves: a trigger on invoices writes their
--    entries in the same statement, whoever issues them (a cycle's run, a credit
--    note, invoices from delivered quantities), and, for an order paid from the
--    balance, the use of the balance (or its refund, for a credit note).
--    An order deleted while money was paid for it gives that money to the
--    customer's balance (a trigger too): nothing is ever lost.
-- 5. Bank statements (camt.053, camt.054, a bank's CSV): bank_imports (one file) and
--    bank_entries (one booked line, unique per hub by the bank's reference, so that
--    importing a statement twice adds nothing). A line km0 could not match is posted
--    to the suspense account 471 and waits there until a coordinator says what it is.
-- 6. SEPA direct debit: mandates, batches (one pain.008 file) and the debits in them.

SET LOCAL lock_timeout = '5s';

-- ---- 1. payment settings ------------------------------------------------------------------

CREATE FUNCTION payment_methods_valid(m text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT cardinality(m) BETWEEN 1 AND 4
       AND m <@ ARRAY['onsite', 'transfer', 'sepa_debit', 'balance']
       AND cardinality(m) = (SELECT count(DISTINCT x) FROM unnest(m) x)
$$;

ALTER TABLE hub_settings
    ADD COLUMN payment_methods text[] NOT NULL DEFAULT '{onsite}'
        CHECK (payment_methods_valid(payment_methods)),
    ADD COLUMN overdraft_cents bigint NOT NULL DEFAULT 0
        CHECK (overdraft_cents BETWEEN 0 AND 100000000),
    ADD COLUMN bank_iban text NOT NULL DEFAULT ''
        CHECK (bank_iban = '' OR bank_iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
    ADD COLUMN bank_bic text NOT NULL DEFAULT ''
        CHECK (bank_bic = '' OR bank_bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
    ADD COLUMN sepa_creditor_id text NOT NULL DEFAULT ''
        CHECK (sepa_creditor_id = '' OR sepa_creditor_id ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$');
COMMENT ON COLUMN hub_settings.payment_methods IS
    'How customers may pay, the first being the default: onsite (cash, cheque, card at the pickup), transfer, sepa_debit, balance (prepaid).';
COMMENT ON COLUMN hub_settings.overdraft_cents IS
    'How far below zero a customer''s prepaid balance may go for an order paid from it; 0 = the balance must cover the order.';
COMMENT ON COLUMN hub_settings.bank_iban IS 'The hub''s bank account (ISO 13616, no blanks): transfers are asked to it, statements must be of it.';
COMMENT ON COLUMN hub_settings.sepa_creditor_id IS 'The SEPA creditor identifier (ICS) the hub''s bank gave it, with its check digits; needed for direct debits.';

ALTER TABLE cycles
    ADD COLUMN payment_methods text[] CHECK (payment_methods_valid(payment_methods)),
    ADD COLUMN overdraft_cents bigint CHECK (overdraft_cents BETWEEN 0 AND 100000000);
UPDATE cycles c SET payment_methods = s.payment_methods, overdraft_cents = s.overdraft_cents
  FROM hub_settings s WHERE s.hub_id = c.hub_id;
UPDATE cycles SET payment_methods = '{onsite}', overdraft_cents = 0 WHERE payment_methods IS NULL;
ALTER TABLE cycles ALTER COLUMN payment_methods SET NOT NULL,
                   ALTER COLUMN overdraft_cents SET NOT NULL;
COMMENT ON COLUMN cycles.payment_methods IS 'The hub''s payment methods as they were when the cycle opened (hub_settings).';

-- Taken when the cycle is created (after cycles_take_hub_settings, which made sure the
-- hub has its settings row: triggers fire by name) and again when it opens.
CREATE FUNCTION cycles_take_payment_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.payment_methods IS NOT NULL THEN
        RETURN NEW;
    END IF;
    SELECT s.payment_methods, s.overdraft_cents INTO NEW.payment_methods, NEW.overdraft_cents
      FROM hub_settings s WHERE s.hub_id = NEW.hub_id;
    NEW.payment_methods := coalesce(NEW.payment_methods, '{onsite}');
    NEW.overdraft_cents := coalesce(NEW.overdraft_cents, 0);
    RETURN NEW;
END $$;
CREATE TRIGGER cycles_take_payment_settings BEFORE INSERT ON cycles
    FOR EACH ROW EXECUTE FUNCTION cycles_take_payment_settings();
CREATE TRIGGER cycles_take_payment_settings_open BEFORE UPDATE OF state ON cycles
    FOR EACH ROW WHEN (OLD.state = 'draft' AND NEW.state = 'open')
    EXECUTE FUNCTION cycles_take_payment_settings();

-- ---- 2. how each order is paid --------------------------------------------------------------

ALTER TABLE orders ADD COLUMN payment_method text
    CHECK (payment_method IN ('onsite', 'transfer', 'sepa_debit', 'balance'));
UPDATE orders o SET payment_method = c.payment_methods[1] FROM cycles c WHERE c.id = o.cycle_id;
CREATE FUNCTION orders_take_payment_method() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.payment_method IS NULL THEN
        SELECT c.payment_methods[1] INTO NEW.payment_method FROM cycles c WHERE c.id = NEW.cycle_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER orders_take_payment_method BEFORE INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_take_payment_method();
ALTER TABLE orders ALTER COLUMN payment_method SET NOT NULL;
COMMENT ON COLUMN orders.payment_method IS 'How the customer pays this order: one of its cycle''s payment methods.';

-- An order's total including VAT exactly as its invoices will carry it: VAT per seller
-- and rate on the sum of the line nets, rounded half away from zero (numeric round),
-- the rule of core/money.c. What is expected of an order not invoiced yet. A function
-- of one order (not a view over all of them) so that reading one order's due reads
-- its own lines only.
CREATE FUNCTION order_total_incl_cents(order_id bigint) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(sum(g.net + round(g.net * g.rate / 10000.0)), 0)::bigint
      FROM (SELECT CASE WHEN c.seller_mode = 'hub' THEN 0 ELSE f.producer_id END AS seller,
                   l.vat_rate_bp AS rate, sum(l.line_excl_vat_cents) AS net
              FROM order_lines l JOIN offers f ON f.id = l.offer_id
              JOIN orders o ON o.id = l.order_id JOIN cycles c ON c.id = o.cycle_id
             WHERE l.order_id = $1
             GROUP BY 1, 2) g
$$;
COMMENT ON FUNCTION order_total_incl_cents(bigint) IS
    'An order''s total incl. VAT as its invoices will carry it (core/money.c''s rounding).';

-- ---- 3. the ledger ---------------------------------------------------------------------------

CREATE TABLE ledger_accounts (
    code     text PRIMARY KEY,
    name_fr  text NOT NULL,
    name_en  text NOT NULL,
    party    text NOT NULL CHECK (party IN ('customer', 'producer', 'none'))
);
COMMENT ON TABLE ledger_accounts IS 'The accounts of the ledger (French chart of accounts, PCG), and whose sub-ledger each keeps.';
INSERT INTO ledger_accounts (code, name_fr, name_en, party) VALUES
    ('411',  'Clients', 'Customers (receivables)', 'customer'),
    ('4191', 'Clients - avances reçues (soldes prépayés)', 'Customers - prepaid balances', 'customer'),
    ('401',  'Fournisseurs (producteurs)', 'Suppliers (producers)', 'producer'),
    ('467',  'Producteurs - ventes pour leur compte', 'Producers - sales on their behalf', 'producer'),
    ('4456', 'TVA déductible', 'VAT deductible', 'none'),
    ('4457', 'TVA collectée', 'VAT collected', 'none'),
    ('471',  'Compte d''attente (banque non rapprochée)', 'Suspense (unmatched bank lines)', 'none'),
    ('512',  'Banque', 'Bank', 'none'),
    ('5112', 'Chèques à encaisser', 'Cheques to deposit', 'none'),
    ('5113', 'Prélèvements SEPA à l''encaissement', 'SEPA direct debits in collection', 'none'),
    ('5115', 'Cartes bancaires à encaisser', 'Card payments to receive', 'none'),
    ('530',  'Caisse', 'Cash', 'none'),
    ('607',  'Achats de marchandises', 'Purchases of goods', 'none'),
    ('627',  'Services bancaires', 'Bank charges', 'none'),
    ('706',  'Prestations de services (commissions)', 'Services (fees)', 'none'),
    ('707',  'Ventes de marchandises', 'Sales of goods', 'none');

CREATE TABLE ledger_entries (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    kind          text NOT NULL CHECK (kind IN (
                      'invoice', 'credit_note', 'payment', 'refund', 'topup', 'balance_use',
                      'bank_receipt', 'bank_payment', 'allocation', 'direct_debit',
                      'debit_settled', 'debit_return', 'bank_fee', 'deposit', 'correction',
                      'settlement', 'fee')),
    booked_on     date NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    via           text NOT NULL CHECK (via IN ('trigger', 'desk', 'api', 'cli', 'import')),
    user_id       bigint,             -- who recorded it; NULL: the command line or a trigger
    method        text CHECK (method IN ('cash', 'cheque', 'card', 'transfer', 'sepa_debit', 'balance')),
    cheque_number text CHECK (length(cheque_number) BETWEEN 1 AND 30),
    matched_by    text CHECK (matched_by IN ('reference', 'amount_name', 'direct_debit', 'hand')),
    invoice_id    bigint,
    bank_entry_id bigint,
    sepa_batch_id bigint,
    memo          text NOT NULL DEFAULT '' CHECK (length(memo) <= 300),
    client_key    text CHECK (length(client_key) BETWEEN 8 AND 64),
    UNIQUE (hub_id, id),
    UNIQUE (hub_id, client_key),
    FOREIGN KEY (hub_id, invoice_id) REFERENCES invoices (hub_id, id),
    CHECK (kind NOT IN ('invoice', 'credit_note') OR invoice_id IS NOT NULL)
);
CREATE UNIQUE INDEX ledger_entries_invoice ON ledger_entries (invoice_id) WHERE invoice_id IS NOT NULL
    AND kind IN ('invoice', 'credit_note');
CREATE INDEX ledger_entries_bank ON ledger_entries (bank_entry_id) WHERE bank_entry_id IS NOT NULL;
CREATE INDEX ledger_entries_hub_booked ON ledger_entries (hub_id, booked_on, id);
COMMENT ON TABLE ledger_entries IS
    'One money movement of a hub (invoice, credit note, payment, refund, top-up, balance use, bank line, direct debit...); never changed.';
COMMENT ON COLUMN ledger_entries.client_key IS
    'The key a form or a script sent with a payment (the cash-up page''s line): the same key twice records one payment.';
COMMENT ON COLUMN ledger_entries.matched_by IS
    'For a payment from the bank: how km0 found whose it is (its reference, its amount and name, a direct debit it collects, or a coordinator''s hand).';

-- Amounts are signed: a debit is positive, a credit negative, so an entry balances
-- when its lines sum to zero and an account's balance is the sum of its lines.
-- No foreign keys here (customers, producers, orders): lines are only written by
-- km0's core functions and the triggers below from rows they have just read, an
-- order may be deleted while its cycle is open and the ledger must keep what was
-- paid for it, and a key costs a lookup per line of a ten-thousand-line statement;
-- the balance check at commit verifies each line's entry exists in the same hub.
CREATE TABLE ledger_lines (
    hub_id        bigint NOT NULL,
    entry_id      bigint NOT NULL,
    line_no       smallint NOT NULL CHECK (line_no > 0),
    account       text NOT NULL CHECK (account IN ('411', '4191', '401', '467', '4456', '4457',
                      '471', '512', '5112', '5113', '5115', '530', '607', '627', '706', '707')),
    amount_cents  bigint NOT NULL CHECK (amount_cents <> 0),
    customer_id   bigint,
    producer_id   bigint,
    order_id      bigint,
    cycle_id      bigint,
    PRIMARY KEY (entry_id, line_no),
    CHECK ((account IN ('411', '4191')) = (customer_id IS NOT NULL)),
    CHECK ((account IN ('401', '467')) = (producer_id IS NOT NULL)),
    -- what a customer owes is kept per order (and so per cycle)
    CHECK (account <> '411' OR (order_id IS NOT NULL AND cycle_id IS NOT NULL))
);
CREATE INDEX ledger_lines_customer ON ledger_lines (hub_id, customer_id, account) WHERE customer_id IS NOT NULL;
CREATE INDEX ledger_lines_order ON ledger_lines (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX ledger_lines_receivable ON ledger_lines (hub_id, cycle_id, order_id) WHERE account = '411';
CREATE INDEX ledger_lines_account ON ledger_lines (hub_id, account);
COMMENT ON TABLE ledger_lines IS
    'The debits (> 0) and credits (< 0) of an entry, on an account and, for 411/4191/401/467, a customer or a producer; never changed.';
COMMENT ON COLUMN ledger_lines.order_id IS 'On 411: the order the amount is owed for (what is owed is per order, so per cycle).';

-- The entries each statement wrote, waiting for the check at commit.
CREATE TABLE ledger_checks (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_ids bigint[] NOT NULL
);
COMMENT ON TABLE ledger_checks IS
    'Work list of the balance check: the entries a statement wrote, checked (and removed) when the transaction commits.';

CREATE FUNCTION ledger_note_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        INSERT INTO ledger_checks (entry_ids) SELECT array_agg(id) FROM added HAVING count(*) > 0;
    ELSE
        INSERT INTO ledger_checks (entry_ids)
        SELECT array_agg(DISTINCT entry_id) FROM added HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_noted AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_note_entries();
CREATE TRIGGER ledger_lines_noted AFTER INSERT ON ledger_lines
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_note_entries();

-- At commit: every entry noted has at least two lines, in its own hub, written in the
-- transaction that wrote the entry (no line is added to an entry later), summing to 0.
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT x.id, e.id IS NULL AS orphan, count(l.line_no) AS lines,
           coalesce(sum(l.amount_cents), 0) AS total
      INTO bad
      FROM (SELECT DISTINCT unnest(NEW.entry_ids) AS id) x
      LEFT JOIN ledger_entries e ON e.id = x.id
      LEFT JOIN ledger_lines l ON l.entry_id = x.id
     GROUP BY x.id, e.id
    HAVING e.id IS NULL OR count(l.line_no) < 2 OR sum(l.amount_cents) <> 0
        OR bool_or(l.hub_id <> e.hub_id) OR bool_or(l.xmin::text <> e.xmin::text)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance (% lines, sum % cents%)', bad.id,
            bad.lines, bad.total, CASE WHEN bad.orphan THEN ', no such entry' ELSE '' END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_balanced';
    END IF;
    DELETE FROM ledger_checks WHERE id = NEW.id;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_balanced AFTER INSERT ON ledger_checks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: post a correcting entry'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON ledger_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_lines_no_truncate BEFORE TRUNCATE ON ledger_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- ---- 4. invoices and credit notes post themselves ---------------------------------------------

-- One entry per invoice (or credit note) with an amount: the customer owes the total
-- (411, on the order), against the hub's sales and VAT when the hub sells (707, 4457),
-- or against the producer the hub sells for (467: the whole amount is the producer's,
-- VAT included). A credit note is the same with the signs turned. For an order paid
-- from the prepaid balance, a second entry uses the balance (4191 to 411), or gives it
-- back for a credit note.
CREATE FUNCTION invoices_post_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH src AS (
        SELECT i.id, i.hub_id, i.type_code, i.number, i.issue_date, i.seller_key,
               i.total_excl_vat_cents AS excl, i.total_vat_cents AS vat,
               i.total_incl_vat_cents AS incl, o.id AS order_id, o.cycle_id, o.customer_id,
               o.payment_method,
               CASE WHEN i.type_code = 380 THEN 1 ELSE -1 END AS sign,
               CASE WHEN i.seller_key LIKE 'producer:%'
                    THEN substr(i.seller_key, 10)::bigint END AS producer_id
          FROM added i JOIN orders o ON o.id = i.order_id
         WHERE i.total_incl_vat_cents <> 0),
    kinds AS (
        SELECT s.*, k.kind
          FROM src s CROSS JOIN LATERAL (VALUES
               (CASE WHEN s.type_code = 380 THEN 'invoice' ELSE 'credit_note' END),
               (CASE WHEN s.payment_method = 'balance'
                     THEN CASE WHEN s.type_code = 380 THEN 'balance_use' ELSE 'refund' END END)) k(kind)
         WHERE k.kind IS NOT NULL),
    e AS (
        INSERT INTO ledger_entries (hub_id, kind, booked_on, via, method, invoice_id, memo)
        SELECT hub_id, kind, issue_date, 'trigger',
               CASE WHEN kind IN ('balance_use', 'refund') THEN 'balance' END,
               id, number
          FROM kinds ORDER BY id, kind
        RETURNING id AS entry_id, kind, invoice_id)
    INSERT INTO ledger_lines (hub_id, entry_id, line_no, account, amount_cents, customer_id,
                              producer_id, order_id, cycle_id)
    SELECT s.hub_id, e.entry_id, l.no, l.account, l.amount,
           CASE WHEN l.account IN ('411', '4191') THEN s.customer_id END,
           CASE WHEN l.account = '467' THEN s.producer_id END,
           CASE WHEN l.account = '411' OR l.account = '4191' THEN s.order_id END,
           CASE WHEN l.account = '411' OR l.account = '4191' THEN s.cycle_id END
      FROM e JOIN src s ON s.id = e.invoice_id
     CROSS JOIN LATERAL (VALUES
           (1, CASE WHEN e.kind IN ('invoice', 'credit_note') THEN '411' ELSE '4191' END,
               s.sign * s.incl),
           (2, CASE WHEN e.kind IN ('balance_use', 'refund') THEN '411'
                    WHEN s.producer_id IS NOT NULL THEN '467' ELSE '707' END,
               CASE WHEN e.kind IN ('balance_use', 'refund') THEN -s.sign * s.incl
                    WHEN s.producer_id IS NOT NULL THEN -s.sign * s.incl ELSE -s.sign * s.excl END),
           (3, '4457', CASE WHEN e.kind IN ('invoice', 'credit_note') AND s.producer_id IS NULL
                            THEN -s.sign * s.vat ELSE 0 END)) l(no, account, amount)
     WHERE l.amount <> 0;
    RETURN NULL;
END $$;
-- The account an invoice asks to be paid to, as it was when the invoice was issued:
-- part of the invoice, so a document printed later says what the original said.
ALTER TABLE invoices ADD COLUMN payment_iban text, ADD COLUMN payment_bic text;
COMMENT ON COLUMN invoices.payment_iban IS 'The hub''s IBAN when the invoice was issued (payment by transfer); NULL when it had none.';
CREATE FUNCTION invoices_take_bank_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.payment_iban IS NULL THEN
        SELECT nullif(s.bank_iban, ''), nullif(s.bank_bic, '')
          INTO NEW.payment_iban, NEW.payment_bic FROM hub_settings s WHERE s.hub_id = NEW.hub_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER invoices_take_bank_account BEFORE INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_take_bank_account();

CREATE TRIGGER invoices_post_ledger AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION invoices_post_ledger();

-- An order deleted (its cycle still open) while money was paid for it: what was paid
-- goes to the customer's prepaid balance, in the same transaction.
CREATE FUNCTION orders_keep_payments() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    paid bigint;
    entry bigint;
BEGIN
    SELECT sum(amount_cents) INTO paid FROM ledger_lines
     WHERE order_id = OLD.id AND account = '411';
    IF coalesce(paid, 0) <> 0 THEN
        INSERT INTO ledger_entries (hub_id, kind, booked_on, via, method, memo)
        VALUES (OLD.hub_id, 'refund', (now() AT TIME ZONE 'Europe/Paris')::date, 'trigger',
                'balance', 'order ' || OLD.id || ' cancelled')
        RETURNING id INTO entry;
        INSERT INTO ledger_lines (hub_id, entry_id, line_no, account, amount_cents, customer_id,
                                  order_id, cycle_id)
        VALUES (OLD.hub_id, entry, 1, '411', -paid, OLD.customer_id, OLD.id, OLD.cycle_id),
               (OLD.hub_id, entry, 2, '4191', paid, OLD.customer_id, OLD.id, OLD.cycle_id);
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER orders_keep_payments BEFORE DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_keep_payments();

-- What each order is owed: its invoices less its credit notes or, while it has no
-- invoice, its total as they will carry it (an order is not a debt until invoiced, but
-- its customer may pay it, or be asked to, before), less what was paid for it (the
-- ledger's 411 lines that are not invoices or credit notes). Orders of open cycles are
-- included: their customers see what they will pay. Each part is aggregated by (hub,
-- cycle, order), so that a filter on the order, the cycle or the hub reaches down into
-- it: one order's due reads that order's rows, a cycle's its cycle's.
CREATE VIEW order_dues AS
SELECT o.hub_id, o.id AS order_id, o.cycle_id, o.customer_id, o.payment_method,
       coalesce(inv.n, 0) > 0 AS invoiced,
       CASE WHEN coalesce(inv.n, 0) > 0 THEN inv.amount ELSE coalesce(tot.amount, 0) END AS amount_cents,
       coalesce(led.paid, 0) AS paid_cents,
       CASE WHEN coalesce(inv.n, 0) > 0 THEN inv.amount ELSE coalesce(tot.amount, 0) END
           - coalesce(led.paid, 0) AS due_cents
  FROM orders o
  LEFT JOIN (SELECT i.hub_id, i.cycle_id, i.order_id, count(*) AS n,
                    sum(CASE WHEN i.type_code = 380 THEN i.total_incl_vat_cents
                             ELSE -i.total_incl_vat_cents END) AS amount
               FROM invoices i GROUP BY 1, 2, 3) inv
         ON inv.hub_id = o.hub_id AND inv.cycle_id = o.cycle_id AND inv.order_id = o.id
  LEFT JOIN (SELECT g.hub_id, g.cycle_id, g.order_id,
                    sum(g.net + round(g.net * g.rate / 10000.0))::bigint AS amount
               FROM (SELECT x.hub_id, x.cycle_id, l.order_id,
                            CASE WHEN c.seller_mode = 'hub' THEN 0 ELSE f.producer_id END AS seller,
                            l.vat_rate_bp AS rate, sum(l.line_excl_vat_cents) AS net
                       FROM order_lines l JOIN orders x ON x.id = l.order_id
                       JOIN cycles c ON c.id = x.cycle_id JOIN offers f ON f.id = l.offer_id
                      GROUP BY 1, 2, 3, 4, 5) g
              GROUP BY 1, 2, 3) tot
         ON tot.hub_id = o.hub_id AND tot.cycle_id = o.cycle_id AND tot.order_id = o.id
  LEFT JOIN (SELECT l.hub_id, l.cycle_id, l.order_id, -sum(l.amount_cents) AS paid
               FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
              WHERE l.account = '411' AND e.kind NOT IN ('invoice', 'credit_note')
              GROUP BY 1, 2, 3) led
         ON led.hub_id = o.hub_id AND led.cycle_id = o.cycle_id AND led.order_id = o.id;
COMMENT ON VIEW order_dues IS
    'Per order: what it amounts to (invoiced, or its total until then), what was paid for it, and what is still due (negative: owed to the customer).';

-- ---- 5. bank statements -----------------------------------------------------------------------

CREATE TABLE bank_imports (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    imported_at   timestamptz NOT NULL DEFAULT now(),
    user_id       bigint,             -- NULL: the command line
    via           text NOT NULL CHECK (via IN ('desk', 'api', 'cli')),
    format        text NOT NULL CHECK (format IN ('camt.053.001.02', 'camt.053.001.08',
                      'camt.054.001.02', 'camt.054.001.08', 'csv')),
    file_sha256   bytea NOT NULL CHECK (length(file_sha256) = 32),
    account_iban  text NOT NULL,
    entries       integer NOT NULL CHECK (entries >= 0),
    new_entries   integer NOT NULL CHECK (new_entries >= 0),
    UNIQUE (hub_id, id)
);
COMMENT ON TABLE bank_imports IS 'Each bank statement file imported: its format, its hash, how many lines it had and how many were new.';

CREATE TABLE bank_entries (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id            bigint NOT NULL,
    import_id         bigint NOT NULL,
    bank_ref          text NOT NULL CHECK (length(bank_ref) BETWEEN 1 AND 100),
    booked_on         date NOT NULL,
    value_on          date,
    amount_cents      bigint NOT NULL CHECK (amount_cents <> 0),
    counterparty      text NOT NULL DEFAULT '' CHECK (length(counterparty) <= 140),
    counterparty_iban text NOT NULL DEFAULT '' CHECK (length(counterparty_iban) <= 34),
    remittance        text NOT NULL DEFAULT '' CHECK (length(remittance) <= 500),
    end_to_end_id     text NOT NULL DEFAULT '' CHECK (length(end_to_end_id) <= 35),
    reference         text NOT NULL DEFAULT '' CHECK (length(reference) <= 35),
    bank_code         text NOT NULL DEFAULT '' CHECK (length(bank_code) <= 40),
    UNIQUE (hub_id, bank_ref),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, import_id) REFERENCES bank_imports (hub_id, id)
);
COMMENT ON TABLE bank_entries IS
    'A booked line of the hub''s bank account (> 0 credit, < 0 debit), once per bank reference (AcctSvcrRef, NtryRef, or a hash of the line when the bank gives none).';
COMMENT ON COLUMN bank_entries.reference IS 'The creditor reference (RF, ISO 11649) found in the line, checked; '''' when none.';
CREATE TRIGGER bank_entries_immutable BEFORE UPDATE OR DELETE ON bank_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER bank_entries_no_truncate BEFORE TRUNCATE ON bank_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER bank_imports_immutable BEFORE UPDATE OR DELETE ON bank_imports
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- ---- 6. SEPA direct debit ---------------------------------------------------------------------

CREATE TABLE sepa_mandates (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL,
    customer_id   bigint NOT NULL,
    reference     text NOT NULL CHECK (reference ~ '^[A-Za-z0-9+?/:().,'' -]{1,35}$'),
    signed_on     date NOT NULL,
    iban          text NOT NULL CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
    bic           text NOT NULL DEFAULT '' CHECK (bic = '' OR bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
    debtor_name   text NOT NULL CHECK (length(debtor_name) BETWEEN 1 AND 70),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint,
    revoked_at    timestamptz,
    UNIQUE (hub_id, reference),
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, customer_id) REFERENCES customers (hub_id, id)
);
CREATE UNIQUE INDEX sepa_mandates_live ON sepa_mandates (hub_id, customer_id) WHERE revoked_at IS NULL;
COMMENT ON TABLE sepa_mandates IS
    'A customer''s signed SEPA direct debit mandate (unique reference per hub, IBAN checked); at most one in force per customer.';

CREATE TABLE sepa_batches (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    message_id    text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 35),
    collect_on    date NOT NULL,
    version       text NOT NULL CHECK (version IN ('pain.008.001.02', 'pain.008.001.08')),
    debits        integer NOT NULL CHECK (debits > 0),
    total_cents   bigint NOT NULL CHECK (total_cents > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    bigint,
    UNIQUE (hub_id, message_id),
    UNIQUE (hub_id, id)
);
COMMENT ON TABLE sepa_batches IS 'One pain.008 file: the direct debits asked of the bank for one collection date.';

CREATE TABLE sepa_debits (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL,
    batch_id      bigint NOT NULL,
    mandate_id    bigint NOT NULL,
    customer_id   bigint NOT NULL,
    order_id      bigint NOT NULL,
    cycle_id      bigint NOT NULL,
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    sequence      text NOT NULL CHECK (sequence IN ('FRST', 'RCUR')),
    end_to_end_id text NOT NULL CHECK (length(end_to_end_id) BETWEEN 1 AND 35),
    UNIQUE (hub_id, end_to_end_id),
    FOREIGN KEY (hub_id, batch_id) REFERENCES sepa_batches (hub_id, id),
    FOREIGN KEY (hub_id, mandate_id) REFERENCES sepa_mandates (hub_id, id)
);
CREATE INDEX sepa_debits_batch ON sepa_debits (batch_id);
CREATE INDEX sepa_debits_mandate ON sepa_debits (mandate_id);
COMMENT ON TABLE sepa_debits IS 'One debit of a batch: an order''s due collected under a mandate, FRST on a mandate''s first collection, RCUR after.';
CREATE TRIGGER sepa_batches_immutable BEFORE UPDATE OR DELETE ON sepa_batches
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER sepa_debits_immutable BEFORE UPDATE OR DELETE ON sepa_debits
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

ALTER TABLE ledger_entries
    ADD CONSTRAINT ledger_entries_bank_fkey FOREIGN KEY (hub_id, bank_entry_id) REFERENCES bank_entries (hub_id, id),
    ADD CONSTRAINT ledger_entries_batch_fkey FOREIGN KEY (hub_id, sepa_batch_id) REFERENCES sepa_batches (hub_id, id);
