-- schema/017_paper.sql — customers without internet: registered at the desk by phone,
-- ordering by phone or on the paper order form, their orders typed by a coordinator.
--
-- 1. A customer may have no e-mail address (''): someone who phones the coordinator
--    or hands in a paper form. Such a customer has no account (no users row) and so
--    cannot log in; the documents of the cycle mark their bag "paper" (a printed
--    receipt goes in the bag) and their invoice is printed rather than sent.
--    registered_by says which coordinator registered a customer at the desk
--    (NULL: the customer signed up on their own).
--
-- 2. An order typed by a coordinator for a customer records who typed it and when
--    (entered_by, entered_at: the last entry; NULL when the customer's own).
--
-- 3. Coordinators find customers again by phone: the digits of the number, without
--    the leading zeros of the national form, matched at the end
--    (core/customer_offline.c). The expression index serves the exact match.

ALTER TABLE customers DROP CONSTRAINT customers_email_check;
ALTER TABLE customers ADD CONSTRAINT customers_email_check
    CHECK (email = '' OR length(email) BETWEEN 3 AND 254);
ALTER TABLE customers ADD COLUMN registered_by bigint;
ALTER TABLE customers ADD CONSTRAINT customers_registered_by_fkey
    FOREIGN KEY (hub_id, registered_by) REFERENCES users (hub_id, id);
COMMENT ON COLUMN customers.email IS 'Empty for a customer without e-mail: no account, paper documents.';
COMMENT ON COLUMN customers.registered_by IS 'The coordinator who registered the customer at the desk; NULL when they signed up themselves.';

CREATE INDEX customers_phone_digits
    ON customers (hub_id, ltrim(regexp_replace(phone, '[^0-9]', '', 'g'), '0'));

ALTER TABLE orders ADD COLUMN entered_by bigint;
ALTER TABLE orders ADD COLUMN entered_at timestamptz;
ALTER TABLE orders ADD CONSTRAINT orders_entered_by_fkey
    FOREIGN KEY (hub_id, entered_by) REFERENCES users (hub_id, id);
ALTER TABLE orders ADD CONSTRAINT orders_entered_together
    CHECK ((entered_by IS NULL) = (entered_at IS NULL));
COMMENT ON COLUMN orders.entered_by IS 'The coordinator who last typed this order for the customer (phone or paper); NULL when the customer did.';
