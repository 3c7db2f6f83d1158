-- schema/005_product_keys.sql — the products table's keys, shaped for whole catalogs.
--
-- An import writes a producer's catalog, up to 100 000 products, with one COPY
-- (importers/catalog_write.c). Two per-row costs of 001 bought nothing that a cheaper
-- form does not (bench/import.sh, docs/BENCH.md):
--
-- 1. Three unique indexes: (id), (hub_id, id) and (producer_id, sku). A product is
--    its producer's sku everywhere in km0: the key an import upserts by, and what an
--    offer copies when a cycle opens. So (producer_id, sku) becomes the primary key,
--    offers refer to their product by it (they hold both columns already), and the
--    two indexes on the identity go: two index entries fewer per product written.
--    products.id stays, numbered by its identity as before: servers of the previous
--    release update by it (scoped by producer), and offers.product_id still receives
--    it when a cycle opens, but nothing is keyed on it any more. It and
--    offers.product_id can be dropped once no such server runs (docs/operations.md:
--    expand, then contract).
--
-- 2. The foreign key to producers checked each new row on its own — a keyed lookup and
--    a row lock per product, 0.8 s per 100 000 rows — while all rows of an import name
--    the same producer. The same rule is now checked once per statement and producer:
--    products_producer_exists() reads the statement's new rows (a transition table)
--    and takes the lock a foreign key takes (FOR KEY SHARE) on each distinct producer,
--    so a producer cannot disappear under a catalog being written. The other sides of
--    the former foreign key are kept by triggers too:
--      - a product does not move to another producer or hub (it never did in km0);
--      - a producer that still has products cannot be deleted, nor its key changed
--        (at all: offers and invoices refer to it too), nor the table truncated
--        from under them (other foreign keys refuse that first today).
--    A foreign key's delete check also sees rows committed after a REPEATABLE READ
--    snapshot; a trigger cannot, so deleting producers is refused outside READ
--    COMMITTED (km0 never deletes producers: they are deactivated, and their offers
--    and invoices refer to them anyway).
--
-- tests/integration/foundation.test.mjs ("the producer key of products") proves each
-- refusal, and that a delete racing a catalog being written leaves no orphan.
--
-- Servers of the previous release keep working on this schema: no column changes,
-- their queries by products.id are scoped by producer, and offers keep their
-- product_id (and its UNIQUE (cycle_id, product_id), which their freezing relies on).

SET LOCAL lock_timeout = '5s';

ALTER TABLE offers DROP CONSTRAINT offers_hub_id_product_id_fkey;
ALTER TABLE products DROP CONSTRAINT products_hub_id_id_key;
ALTER TABLE products DROP CONSTRAINT products_pkey;
ALTER TABLE products DROP CONSTRAINT products_producer_id_sku_key;
ALTER TABLE products ADD CONSTRAINT products_pkey PRIMARY KEY (producer_id, sku);
-- an offer's (hub_id, producer_id) names its producer, and so does its product's:
-- the hub follows from the producer, as it did through (hub_id, product_id)
ALTER TABLE offers ADD CONSTRAINT offers_product_fkey
    FOREIGN KEY (producer_id, sku) REFERENCES products (producer_id, sku);
COMMENT ON COLUMN products.id IS
    'A number from the identity, no longer a key: (producer_id, sku) is (schema/005). '
    'Kept for servers of the previous release; drop it once none runs.';

ALTER TABLE products DROP CONSTRAINT products_hub_id_producer_id_fkey;

CREATE FUNCTION products_producer_exists() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    missing record;
BEGIN
    SELECT n.hub_id, n.producer_id INTO missing
      FROM (SELECT DISTINCT hub_id, producer_id FROM new_products) n
     WHERE NOT EXISTS (SELECT FROM producers p
                        WHERE p.hub_id = n.hub_id AND p.id = n.producer_id
                          FOR KEY SHARE)
     LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('insert or update on table "products" violates foreign key '
                             '"products_producer_exists": there is no producer %s in hub %s',
                             missing.producer_id, missing.hub_id),
            CONSTRAINT = 'products_producer_exists', TABLE = 'products';
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION products_producer_exists() IS
    'The foreign key from products to producers, checked once per statement and producer (schema/005).';
CREATE TRIGGER products_producer_exists AFTER INSERT ON products
    REFERENCING NEW TABLE AS new_products
    FOR EACH STATEMENT EXECUTE FUNCTION products_producer_exists();

-- Both sides refuse a change of key the same way; the trigger says what stays put.
CREATE FUNCTION products_producer_key_kept() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE foreign_key_violation USING
        MESSAGE = format('update on table "%s" violates foreign key "products_producer_exists": '
                         '%s %s %s', TG_TABLE_NAME, TG_ARGV[0], OLD.id, TG_ARGV[1]),
        CONSTRAINT = 'products_producer_exists', TABLE = TG_TABLE_NAME;
END $$;
CREATE TRIGGER products_keep_producer BEFORE UPDATE OF hub_id, producer_id ON products
    FOR EACH ROW WHEN (OLD.hub_id <> NEW.hub_id OR OLD.producer_id <> NEW.producer_id)
    EXECUTE FUNCTION products_producer_key_kept('product', 'stays with its producer');

CREATE FUNCTION producers_keep_products() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    orphan record;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT FROM products) THEN
            RAISE foreign_key_violation USING
                MESSAGE = 'truncate on table "producers" violates foreign key "products_producer_exists": '
                           'products refer to them',
                CONSTRAINT = 'products_producer_exists', TABLE = 'producers';
        END IF;
        RETURN NULL;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE object_not_in_prerequisite_state USING
            MESSAGE = 'delete producers in a READ COMMITTED transaction, where their '
                      'products committed meanwhile are seen';
    END IF;
    SELECT g.hub_id, g.id INTO orphan
      FROM gone_producers g
     WHERE EXISTS (SELECT FROM products x WHERE x.producer_id = g.id AND x.hub_id = g.hub_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('delete on table "producers" violates foreign key "products_producer_exists": '
                           'producer %s of hub %s still has products', orphan.id, orphan.hub_id),
            CONSTRAINT = 'products_producer_exists', TABLE = 'producers';
    END IF;
    RETURN NULL;
END $$;
COMMENT ON FUNCTION producers_keep_products() IS
    'The delete side of products_producer_exists: no product is left without its producer (schema/005).';
CREATE TRIGGER producers_keep_products AFTER DELETE ON producers
    REFERENCING OLD TABLE AS gone_producers
    FOR EACH STATEMENT EXECUTE FUNCTION producers_keep_products();
CREATE TRIGGER producers_keep_products_truncate AFTER TRUNCATE ON producers
    FOR EACH STATEMENT EXECUTE FUNCTION producers_keep_products();

CREATE TRIGGER producers_keep_key BEFORE UPDATE OF hub_id, id ON producers
    FOR EACH ROW WHEN (OLD.hub_id <> NEW.hub_id OR OLD.id <> NEW.id)
    EXECUTE FUNCTION products_producer_key_kept('producer', 'keeps its key');
