-- bench/search_query.sql — pgbench: the statement km0's shop search runs
-- (core/shop.c, shop_search_words), with the same words as bench/search.lua.
\set k random(1, 10)
SELECT o.id, p.slug AS producer, p.name AS producer_name, o.sku, o.name, o.category,
       o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.step_milli,
       coalesce(o.stock_milli - o.sold_milli, -1) AS left_milli,
       CASE o.organic WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END AS organic,
       o.allergens, o.allergen_traces, o.labels, o.net_quantity_milli,
       coalesce(o.net_unit, '') AS net_unit, coalesce(o.photo, '') AS photo, count(*) OVER () AS total
  FROM offers o JOIN producers p ON p.id = o.producer_id,
       (SELECT (ARRAY['pain', 'carottes', 'fromage chevre', 'miel', 'pates', 'biere',
                      'confiture fraises', 'pommes', 'huile olive', 'saucisson'])[ :k ] AS q) w
 WHERE o.cycle_id = :cycle
   AND o.search @@ websearch_to_tsquery('km0_fr', w.q)
   AND ('' = '' OR p.slug = '') AND ('' = '' OR '' = ANY (o.labels))
   AND (cardinality('{}'::text[]) = 0 OR (o.allergens IS NOT NULL AND NOT (o.allergens || o.allergen_traces) && '{}'::text[]))
 ORDER BY ts_rank(o.search, websearch_to_tsquery('km0_fr', w.q)) DESC,
          o.category = '', o.category COLLATE "fr-x-icu", o.name COLLATE "fr-x-icu", o.id
 LIMIT 40 OFFSET 0;
