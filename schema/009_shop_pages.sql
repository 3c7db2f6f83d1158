-- schema/009_shop_pages.sql — the shop one page at a time, and a checked catalog kept
-- for its import.
--
-- 1. The shop lists a cycle's offers by category then name, SHOP_PAGE_SIZE at a time
--    (core/shop.c). This index is that order, so page 1 900 of a 77 000-offer cycle
--    is an index range rather than a sort of the whole cycle.
--
-- 2. A producer checks a catalog file on the producer page, reads the preview, then
--    imports it. The checked bytes wait here, under a random token the page carries,
--    so that "Import" needs no second choice of the file, and whichever km0 process
--    answers the second request finds them. A draft is the producer's (hub, producer,
--    user) and lives an hour; each new draft clears the expired ones.

CREATE INDEX offers_shop ON offers (cycle_id, (category = ''), category COLLATE "fr-x-icu",
                                    name COLLATE "fr-x-icu", id);

CREATE TABLE catalog_drafts (
    token_sha256  bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
    hub_id        bigint NOT NULL,
    producer_id   bigint NOT NULL,
    user_id       bigint NOT NULL,
    filename      text NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
    encoding      text NOT NULL CHECK (encoding IN ('auto', 'utf-8', 'windows-1252')),
    deactivate_missing boolean NOT NULL DEFAULT false,
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id) ON DELETE CASCADE,
    FOREIGN KEY (hub_id, user_id) REFERENCES users (hub_id, id) ON DELETE CASCADE
);
CREATE INDEX catalog_drafts_created ON catalog_drafts (created_at);
COMMENT ON TABLE catalog_drafts IS 'A catalog file a producer checked on the producer page, kept an hour under a token (only its hash here) so that importing it needs no second upload.';
