-- schema/003_indexes.sql — indexes found missing by measurement.
--
-- Deleting a batch cascades from round_stops to round_stop_orders: without an index
-- on stop_id each deleted stop scans the table (bench/batch.sh, every point split).
CREATE INDEX IF NOT EXISTS round_stop_orders_stop ON round_stop_orders (stop_id);
-- "my orders" and the order page look orders up by customer.
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id);
