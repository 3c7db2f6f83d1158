-- schema/002_invoices.sql — what issuing invoices needs beyond 001 (additive only).
--
-- Invoices are issued per cycle (core/invoice_issue.c): one per order in
-- seller_mode "hub", one per producer per order in "producers". The stored rows
-- are the invoice: documents and e-invoices are rendered from them alone.

-- The UN/ECE Rec. 20 unit code as issued (KGM, H87, XBO...), so that an
-- e-invoice exported years later says what the original said, whatever
-- becomes of km0's unit table.
ALTER TABLE invoice_lines ADD COLUMN unece text NOT NULL DEFAULT '' CHECK (length(unece) <= 3);
COMMENT ON COLUMN invoice_lines.unece IS 'UN/ECE Rec. 20 unit code written in the CII export (BT-130), as issued.';

-- A cycle's invoices are listed and printed together; an order's for its buyer.
CREATE INDEX invoices_cycle ON invoices (hub_id, cycle_id);
CREATE INDEX invoices_order ON invoices (order_id);

-- km0 issues full credit notes only: an invoice is credited at most once, even
-- when two coordinators ask at the same moment.
CREATE UNIQUE INDEX invoices_credited_once ON invoices (corrects_invoice_id) WHERE type_code = 381;
COMMENT ON INDEX invoices_credited_once IS 'At most one (full) credit note per invoice.';
