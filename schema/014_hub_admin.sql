-- schema/014_hub_admin.sql — running a hub from the desk (issue 24 of the tracker): a
-- new hub, its host names, its producers and their accounts, pickup points with
-- their slots, the people and the coordinator role.
--
-- 1. The hub's legal identity gains what a company's documents must state (RCS city
--    and share capital, required by the legal form: core/legal.h); its changes are
--    recorded in hub_settings_changes like the other settings, which now also come
--    from the command line ('cli') and the first-run page ('setup').
-- 2. hub_hosts: the host names that lead to a hub, edited by its coordinators. The
--    configuration key hub_hosts still works (server/hub_select.c reads both); a row
--    here takes effect on the next request, whatever server answers it.
-- 3. Producers: a public description and contact details they edit themselves, and
--    the IBAN their settlements will be paid to (ISO 13616, checked by core/legal.c).
-- 4. invitations: a one-time link to create a producer's (or a coordinator's)
--    account; only the SHA-256 of the token is kept, it expires, it serves once.
--    first_run_tokens: the same for the first-run page of a database with no hub.
-- 5. A coordinator may keep the customer it was (so that removing the role gives it
--    back its orders); every change of role is recorded in user_role_changes, which
--    nothing may change or remove.
-- 6. A business buyer's details, verified by a coordinator (who, when).
-- 7. Pickup points open in several slots a week: pickup_point_slots. The point's own
--    opening columns keep the first slot of the week (what batching and the order
--    page read), and its opening text lists them all.

SET LOCAL lock_timeout = '5s';

-- ---- 1. legal identity -----------------------------------------------------------

ALTER TABLE hubs
    ADD COLUMN rcs_city text NOT NULL DEFAULT '' CHECK (length(rcs_city) <= 100),
    ADD COLUMN share_capital_cents bigint CHECK (share_capital_cents BETWEEN 0 AND 100000000000000);
COMMENT ON COLUMN hubs.rcs_city IS 'The city of the trade register (RCS) a company is registered at; empty for an association or a sole trader.';
COMMENT ON COLUMN hubs.share_capital_cents IS 'A company''s share capital, stated on its documents; NULL where the legal form has none.';

ALTER TABLE hub_settings_changes DROP CONSTRAINT hub_settings_changes_via_check;
ALTER TABLE hub_settings_changes ADD CONSTRAINT hub_settings_changes_via_check
    CHECK (via IN ('desk', 'api', 'seed', 'cli', 'setup'));

-- ---- 2. host names ------------------------------------------------------------------

CREATE TABLE hub_hosts (
    host        text PRIMARY KEY
                CHECK (length(host) <= 253
                       AND host ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$'),
    hub_id      bigint NOT NULL REFERENCES hubs,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hub_hosts_hub ON hub_hosts (hub_id);
COMMENT ON TABLE hub_hosts IS 'Host names (lower case, no port) whose visitors see this hub; one hub per name.';

-- ---- 3. producers ---------------------------------------------------------------------

ALTER TABLE producers
    ADD COLUMN description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    ADD COLUMN phone       text NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    ADD COLUMN website     text NOT NULL DEFAULT '' CHECK (length(website) <= 200),
    ADD COLUMN iban        text NOT NULL DEFAULT ''
               CHECK (iban = '' OR iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$');
COMMENT ON COLUMN producers.description IS 'What the producer says of itself to customers; edited in the producer space.';
COMMENT ON COLUMN producers.iban IS 'Where the hub pays the producer (ISO 13616, without blanks); empty until given.';

-- ---- 4. invitations ---------------------------------------------------------------------

CREATE TABLE invitations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    token_sha256  bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    role          text NOT NULL CHECK (role IN ('producer', 'coordinator')),
    producer_id   bigint,
    email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    created_by    bigint,                 -- NULL: the command line
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    user_id       bigint,                 -- the account it created
    UNIQUE (hub_id, id),
    FOREIGN KEY (hub_id, producer_id) REFERENCES producers (hub_id, id),
    FOREIGN KEY (hub_id, created_by) REFERENCES users (hub_id, id),
    FOREIGN KEY (hub_id, user_id) REFERENCES users (hub_id, id),
    CHECK ((role = 'producer') = (producer_id IS NOT NULL)),
    CHECK ((used_at IS NULL) = (user_id IS NULL)),
    CHECK (expires_at > created_at)
);
CREATE INDEX invitations_producer ON invitations (hub_id, producer_id);
COMMENT ON TABLE invitations IS 'One-time links to create an account (a producer''s login, a coordinator): only the token''s hash is kept; used once, before it expires.';

CREATE TABLE first_run_tokens (
    token_sha256  bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
COMMENT ON TABLE first_run_tokens IS 'Tokens printed by km0 hub create --first-run-token: they open the first-run page from another machine, once, while the database holds no hub.';

-- ---- 5. roles ---------------------------------------------------------------------------

ALTER TABLE users DROP CONSTRAINT users_check1;
ALTER TABLE users ADD CONSTRAINT users_customer_check
    CHECK ((role <> 'consumer' OR customer_id IS NOT NULL) AND (role <> 'producer' OR customer_id IS NULL));
COMMENT ON COLUMN users.customer_id IS 'A consumer''s customer; a coordinator keeps the one it had, to be a consumer again when the role is removed.';

CREATE TABLE user_role_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id      bigint NOT NULL REFERENCES hubs,
    user_id     bigint NOT NULL,
    changed_by  bigint,                 -- NULL: the command line
    changed_at  timestamptz NOT NULL DEFAULT now(),
    old_role    text,                   -- NULL: the account was created
    new_role    text NOT NULL,
    via         text NOT NULL CHECK (via IN ('desk', 'api', 'cli', 'setup', 'invitation')),
    FOREIGN KEY (hub_id, user_id) REFERENCES users (hub_id, id),
    FOREIGN KEY (hub_id, changed_by) REFERENCES users (hub_id, id)
);
CREATE INDEX user_role_changes_hub ON user_role_changes (hub_id, changed_at);
COMMENT ON TABLE user_role_changes IS 'Who gave or removed which role, to whom, when; rows are never changed or removed.';
CREATE TRIGGER user_role_changes_immutable BEFORE UPDATE OR DELETE ON user_role_changes
    FOR EACH ROW EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER user_role_changes_no_truncate BEFORE TRUNCATE ON user_role_changes
    FOR EACH STATEMENT EXECUTE FUNCTION audit_immutable();

-- ---- 6. verified business buyers --------------------------------------------------------

ALTER TABLE customers
    ADD COLUMN verified_at timestamptz,
    ADD COLUMN verified_by bigint,
    ADD CONSTRAINT customers_verified_by_fkey FOREIGN KEY (hub_id, verified_by) REFERENCES users (hub_id, id),
    ADD CONSTRAINT customers_verified_check CHECK ((verified_at IS NULL) = (verified_by IS NULL));
COMMENT ON COLUMN customers.verified_at IS 'When a coordinator checked a business buyer''s legal name, SIRET and address.';
CREATE INDEX customers_hub_name ON customers (hub_id, lower(name));

-- ---- 7. pickup slots --------------------------------------------------------------------

CREATE TABLE pickup_point_slots (
    hub_id          bigint NOT NULL,
    pickup_point_id bigint NOT NULL,
    dow             smallint NOT NULL CHECK (dow BETWEEN 1 AND 7),
    starts          time NOT NULL,
    ends            time NOT NULL,
    PRIMARY KEY (pickup_point_id, dow, starts),
    FOREIGN KEY (hub_id, pickup_point_id) REFERENCES pickup_points (hub_id, id) ON DELETE CASCADE,
    CHECK (starts < ends)
);
COMMENT ON TABLE pickup_point_slots IS 'When a pickup point hands bags out: ISO day of the week, from, to (Paris time); several a week.';
INSERT INTO pickup_point_slots (hub_id, pickup_point_id, dow, starts, ends)
SELECT hub_id, id, opening_dow, opening_start, opening_end FROM pickup_points
 WHERE opening_dow IS NOT NULL AND opening_start IS NOT NULL AND opening_end IS NOT NULL;
