-- schema/013_product_info.sql — what the law asks a shop to show before the purchase,
-- pictures, search, producers' own words and a hub's legal pages (issue 19).
--
-- 1. Products carry the information of regulation (EU) 1169/2011 art. 9 and 14 as
--    data: the kind of product (which decides what is required), ingredients (text,
--    allergens marked by the producer), the 14 allergens of its annex II as codes
--    ("contains" and "may contain"), the net quantity and its unit, the origin
--    (ISO 3166 country, region), labels (organic with its certifier's code, AOP, IGP,
--    Label Rouge...), the alcohol strength, storage conditions, and one photo. Offers
--    freeze all of it when their cycle opens (core/cycle.c), as they freeze prices.
-- 2. product_info_missing() is the one statement of what each kind of product must
--    carry (docs/catalog-formats.md, "Information the law requires"): the producer
--    page lists what is missing, and a hub that chooses to (hub_settings.hide_incomplete)
--    leaves such products out of the cycles it opens.
-- 3. Search: a text search configuration, French stemming after unaccent, and each
--    offer's words (name first, then category and producer, then description and
--    ingredients) computed when its cycle opens, under a GIN index.
-- 4. Photos: small WebP (and AVIF) variants made from a producer's upload
--    (core/photo.c), named by the digest of the upload, shared by products and the
--    offers that froze them.
-- 5. (Producers' descriptions of themselves came with schema/014.)
-- 6. A hub's legal pages (legal notice, terms of sale, privacy notice, accessibility
--    statement), written by its coordinators; a page never written shows km0's default.

SET LOCAL lock_timeout = '5s';

-- ---- 1. product information ------------------------------------------------------------

-- The 14 allergens of annex II, as km0 codes (core/product_info.c has their names).
CREATE FUNCTION allergen_codes() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['gluten', 'crustaceans', 'eggs', 'fish', 'peanuts', 'soybeans', 'milk', 'nuts',
                 'celery', 'mustard', 'sesame', 'sulphites', 'lupin', 'molluscs']
$$;
COMMENT ON FUNCTION allergen_codes() IS
    'The 14 allergens of regulation (EU) 1169/2011 annex II, as km0 codes.';

CREATE FUNCTION label_codes() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['organic', 'aop', 'aoc', 'igp', 'stg', 'label_rouge', 'hve']
$$;
COMMENT ON FUNCTION label_codes() IS
    'Official quality signs km0 knows: organic farming, AOP, AOC, IGP, STG, Label Rouge, HVE.';

ALTER TABLE products
    ADD COLUMN kind text CHECK (kind IN ('fresh', 'prepacked', 'loose', 'alcohol', 'nonfood')),
    ADD COLUMN ingredients text NOT NULL DEFAULT '' CHECK (length(ingredients) <= 4000),
    ADD COLUMN allergens text[] CHECK (allergens <@ allergen_codes()),
    ADD COLUMN allergen_traces text[] NOT NULL DEFAULT '{}' CHECK (allergen_traces <@ allergen_codes()),
    ADD COLUMN net_quantity_milli bigint CHECK (net_quantity_milli > 0 AND net_quantity_milli <= 1000000000),
    ADD COLUMN net_unit text CHECK (net_unit IN ('g', 'kg', 'ml', 'cl', 'l')),
    ADD COLUMN origin_country text CHECK (origin_country ~ '^[A-Z]{2}$'),
    ADD COLUMN origin_region text NOT NULL DEFAULT '' CHECK (length(origin_region) <= 100),
    ADD COLUMN labels text[] NOT NULL DEFAULT '{}' CHECK (labels <@ label_codes()),
    ADD COLUMN certifier text NOT NULL DEFAULT ''
        CHECK (certifier = '' OR certifier ~ '^[A-Z]{2}-[A-ZÖ]{2,4}-[0-9]{2,3}$'),
    ADD COLUMN alcohol_bp integer CHECK (alcohol_bp BETWEEN 0 AND 10000),
    ADD COLUMN storage text NOT NULL DEFAULT '' CHECK (length(storage) <= 500),
    ADD CONSTRAINT products_net_quantity_unit CHECK ((net_quantity_milli IS NULL) = (net_unit IS NULL));
COMMENT ON COLUMN products.kind IS
    'fresh (unprocessed produce: origin required), prepacked (ingredients, allergens, net quantity), '
    'loose (allergens), alcohol (strength, net quantity, allergens), nonfood; NULL: not stated.';
COMMENT ON COLUMN products.ingredients IS 'As the producer wrote them; allergens emphasised as _word_ or in CAPITALS.';
COMMENT ON COLUMN products.allergens IS 'Allergens the product contains (allergen_codes()); NULL: not stated, {}: none.';
COMMENT ON COLUMN products.allergen_traces IS 'Allergens it may contain (cross-contamination).';
COMMENT ON COLUMN products.net_quantity_milli IS 'Net quantity of a pre-packed unit, in thousandths of net_unit.';
COMMENT ON COLUMN products.origin_country IS 'ISO 3166-1 alpha-2 code, or EU for "European Union".';
COMMENT ON COLUMN products.certifier IS 'The organic control body''s code, such as FR-BIO-01.';
COMMENT ON COLUMN products.alcohol_bp IS 'Alcohol strength in hundredths of a percent by volume (1250 = 12.5 % vol).';

-- What a product lacks of what the law requires for its kind (stated, or inferred
-- when not stated: a strength above 1.2 % vol is an alcoholic drink, ingredients or a
-- net quantity make it pre-packed). Codes: ingredients, allergens, net_quantity,
-- origin, alcohol, certifier. Empty: nothing missing (or a kind km0 cannot infer).
CREATE FUNCTION product_info_missing(kind text, ingredients text, allergens text[],
                                     net_quantity_milli bigint, origin_country text,
                                     alcohol_bp integer, labels text[], certifier text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH k AS (
        SELECT coalesce(kind, CASE WHEN alcohol_bp > 120 THEN 'alcohol'
                                   WHEN ingredients <> '' OR net_quantity_milli IS NOT NULL
                                   THEN 'prepacked' END) AS kind
    )
    SELECT array_remove(ARRAY[
        CASE WHEN k.kind = 'prepacked' AND ingredients = '' THEN 'ingredients' END,
        CASE WHEN k.kind IN ('prepacked', 'loose', 'alcohol') AND allergens IS NULL THEN 'allergens' END,
        CASE WHEN k.kind IN ('prepacked', 'alcohol') AND net_quantity_milli IS NULL THEN 'net_quantity' END,
        CASE WHEN k.kind = 'fresh' AND origin_country IS NULL THEN 'origin' END,
        CASE WHEN k.kind = 'alcohol' AND (alcohol_bp IS NULL OR alcohol_bp <= 120) THEN 'alcohol' END,
        CASE WHEN coalesce(k.kind, '') <> 'nonfood' AND 'organic' = ANY (labels) AND certifier = ''
             THEN 'certifier' END
    ], NULL)
      FROM k
$$;
COMMENT ON FUNCTION product_info_missing(text, text, text[], bigint, text, integer, text[], text) IS
    'What a product lacks of the information the law requires for its kind (docs/catalog-formats.md).';

-- ---- 4. photos (before the columns that refer to them) -----------------------------------

CREATE TABLE photos (
    hub_id        bigint NOT NULL REFERENCES hubs,
    digest        text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    producer_id   bigint NOT NULL,
    width         integer NOT NULL CHECK (width > 0),    -- of the page variant
    height        integer NOT NULL CHECK (height > 0),
    thumb_webp    bytea NOT NULL,
    page_webp     bytea NOT NULL,
    thumb_avif    bytea,                                 -- when libvips can write AVIF
    page_avif     bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hub_id, digest),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id)
);
COMMENT ON TABLE photos IS
    'A product photo as km0 re-encoded it (metadata stripped): a thumbnail and a page-sized '
    'image, WebP and AVIF; named by the SHA-256 of the upload, never changed.';

ALTER TABLE products ADD COLUMN photo text,
    ADD CONSTRAINT products_photo_fkey FOREIGN KEY (hub_id, photo) REFERENCES photos (hub_id, digest);

-- ---- offers freeze it ------------------------------------------------------------------

-- Without NOT NULL or CHECK: offers are copies, checked where they come from.
ALTER TABLE offers
    ADD COLUMN kind text,
    ADD COLUMN ingredients text NOT NULL DEFAULT '',
    ADD COLUMN allergens text[],
    ADD COLUMN allergen_traces text[] NOT NULL DEFAULT '{}',
    ADD COLUMN net_quantity_milli bigint,
    ADD COLUMN net_unit text,
    ADD COLUMN origin_country text,
    ADD COLUMN origin_region text NOT NULL DEFAULT '',
    ADD COLUMN labels text[] NOT NULL DEFAULT '{}',
    ADD COLUMN certifier text NOT NULL DEFAULT '',
    ADD COLUMN alcohol_bp integer,
    ADD COLUMN storage text NOT NULL DEFAULT '',
    ADD COLUMN photo text,
    ADD COLUMN search tsvector,
    ADD CONSTRAINT offers_photo_fkey FOREIGN KEY (hub_id, photo) REFERENCES photos (hub_id, digest);
-- what was written before this migration keeps its organic mark as the label that now
-- carries it (a catalog imported again then finds these products unchanged)
UPDATE products SET labels = ARRAY['organic'] WHERE organic;
UPDATE offers SET labels = ARRAY['organic'] WHERE organic;
COMMENT ON COLUMN offers.search IS 'The offer''s words for the shop''s search (km0_fr), made when its cycle opens.';

-- ---- 3. search -------------------------------------------------------------------------

-- unaccent is a trusted extension (PostgreSQL 13+): a database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION km0_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION km0_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
COMMENT ON TEXT SEARCH CONFIGURATION km0_fr IS
    'French stemming of words without their accents: "pâte", "pates" and "Pâtes" are one word.';

CREATE FUNCTION offer_search(name text, category text, producer text, description text,
                             ingredients text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('km0_fr', name), 'A')
        || setweight(to_tsvector('km0_fr', category || ' ' || producer), 'B')
        || setweight(to_tsvector('km0_fr', left(description, 2000) || ' ' || left(ingredients, 2000)), 'C')
$$;
COMMENT ON FUNCTION offer_search(text, text, text, text, text) IS
    'An offer''s words, the name weighing most: what the shop''s search matches.';

UPDATE offers o SET search = offer_search(o.name, o.category, p.name, o.description, o.ingredients)
  FROM producers p WHERE p.id = o.producer_id;
-- by cycle and words together (btree_gin, trusted too): a search reads the entries of
-- its own cycle, not those of every week the hub ever opened
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX offers_search ON offers USING gin (cycle_id, search);

-- ---- 2. hub settings -------------------------------------------------------------------

ALTER TABLE hub_settings
    ADD COLUMN hide_incomplete boolean NOT NULL DEFAULT false,
    ADD COLUMN shop_thumbnails boolean NOT NULL DEFAULT true;
COMMENT ON COLUMN hub_settings.hide_incomplete IS
    'Products lacking information the law requires (product_info_missing) are left out of the cycles the hub opens.';
COMMENT ON COLUMN hub_settings.shop_thumbnails IS 'The shop''s lists show each product''s photo as a small thumbnail.';

-- ---- 6. legal pages --------------------------------------------------------------------

CREATE TABLE hub_legal_pages (
    hub_id      bigint NOT NULL REFERENCES hubs,
    kind        text NOT NULL CHECK (kind IN ('legal-notice', 'terms-of-sale', 'privacy', 'accessibility')),
    lang        text NOT NULL CHECK (lang IN ('fr', 'en')),
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    user_id     bigint,
    PRIMARY KEY (hub_id, kind, lang),
    FOREIGN KEY (hub_id, user_id) REFERENCES users (hub_id, id)
);
COMMENT ON TABLE hub_legal_pages IS
    'A hub''s legal pages as its coordinators wrote them, per language; a page without a row shows km0''s default text.';
