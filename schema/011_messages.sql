-- schema/011_messages.sql — e-mail that never gets lost, and the account lifecycle
-- (issue 18 of the tracker).
--
-- 1. Events and the outbox. Whatever should tell someone something (an order placed,
--    a cycle opened or closed, an account created, a reset asked, invoices issued...)
--    writes one mail_events row in the transaction that does it: the event and its
--    promise of messages commit together or not at all. The mail worker (km0 serve's
--    thread, or km0 mail run) turns each event, in one transaction of its own, into
--    the messages it means (one outbox row per recipient, words and all) and marks the
--    event done; then it sends the outbox over SMTP (mail/mail_worker.c). A message
--    is claimed by the server process that sends it (claimed_pid: its PostgreSQL
--    backend's pid, with the time of the claim); a claim whose backend is gone (the
--    sender was killed) goes back to waiting.
-- 2. Accounts: each user's language and the optional messages they want; whether the
--    address was verified (users created other than by signing up are: the command
--    line, a coordinator, the rows of earlier releases); the last activity, for the
--    purge of accounts left unused three years; closed accounts, kept pseudonymised
--    because orders and invoices point at them.
-- 3. Single-use tokens (address verification, password reset), kept as SHA-256 only,
--    and the count of reset requests per address (throttling, like login_attempts).
-- 4. Hub settings: a first order needs a verified address (default on), and how many
--    hours before the close the "closes soon" reminder goes. Neither changes what was
--    ordered, so neither is frozen on the cycle.
-- 5. The secret that signs unsubscribe links, made by km0 on first use.

SET LOCAL lock_timeout = '5s';

-- ---- 2. accounts ---------------------------------------------------------------------

ALTER TABLE users
    ADD COLUMN lang              text NOT NULL DEFAULT 'fr' CHECK (lang IN ('fr', 'en')),
    ADD COLUMN email_verified_at timestamptz DEFAULT now(),
    ADD COLUMN last_active_at    timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN closed_at         timestamptz,
    ADD COLUMN msg_shop_open     boolean NOT NULL DEFAULT false,
    ADD COLUMN msg_shop_closing  boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN users.lang IS 'The language of the messages km0 sends this user: fr or en.';
COMMENT ON COLUMN users.email_verified_at IS
    'When the address was shown to be the user''s; NULL for an account signed up and not yet confirmed.';
COMMENT ON COLUMN users.last_active_at IS
    'Last login or order: accounts of consumers idle for three years are closed (km0 accounts purge).';
COMMENT ON COLUMN users.closed_at IS
    'When the account was closed: its personal data erased, the row kept pseudonymised for the orders and invoices that point at it.';
COMMENT ON COLUMN users.msg_shop_open IS 'Optional message: "the shop is open" (opt-in).';
COMMENT ON COLUMN users.msg_shop_closing IS 'Optional message: "the shop closes in N hours" (opt-in).';
CREATE INDEX users_last_active ON users (last_active_at) WHERE closed_at IS NULL;

-- ---- 3. tokens -------------------------------------------------------------------------

CREATE TABLE account_tokens (
    token_sha256  bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
    hub_id        bigint NOT NULL,
    user_id       bigint NOT NULL,
    purpose       text NOT NULL CHECK (purpose IN ('verify', 'reset')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    FOREIGN KEY (hub_id, user_id) REFERENCES users (hub_id, id) ON DELETE CASCADE
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);
COMMENT ON TABLE account_tokens IS
    'Single-use tokens sent by e-mail (address verification, password reset); only their SHA-256 is kept.';

CREATE TABLE reset_attempts (
    hub_id        bigint NOT NULL REFERENCES hubs,
    email         text NOT NULL,
    window_start  timestamptz NOT NULL DEFAULT now(),
    attempts      integer NOT NULL DEFAULT 1 CHECK (attempts > 0),
    PRIMARY KEY (hub_id, email)
);
COMMENT ON TABLE reset_attempts IS
    'Password reset requests per address in the current hour, counted whether the address has an account or not (throttling).';

-- ---- 4. hub settings ---------------------------------------------------------------------

ALTER TABLE hub_settings
    ADD COLUMN require_verified_email boolean NOT NULL DEFAULT true,
    ADD COLUMN closing_reminder_hours integer NOT NULL DEFAULT 24
        CHECK (closing_reminder_hours BETWEEN 0 AND 168);
COMMENT ON COLUMN hub_settings.require_verified_email IS
    'A consumer confirms their address (the link of the sign-up message) before a first order.';
COMMENT ON COLUMN hub_settings.closing_reminder_hours IS
    'How many hours before the close "the shop closes soon" goes to those who asked and have not ordered; 0 = never.';

ALTER TABLE cycles ADD COLUMN closing_reminder_at timestamptz;
COMMENT ON COLUMN cycles.closing_reminder_at IS 'When the "closes soon" messages of this cycle were queued.';

-- ---- 1. events and the outbox -------------------------------------------------------------

CREATE TABLE mail_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id        bigint NOT NULL REFERENCES hubs,
    kind          text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    payload       jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- an event may wait for what its messages need (a closed cycle's producers'
    -- summaries wait for its rounds, which the collection sheet is split by)
    not_before    timestamptz NOT NULL DEFAULT now(),
    done_at       timestamptz,
    messages      integer,              -- how many messages it made
    error         text CHECK (length(error) <= 500)
);
CREATE INDEX mail_events_pending ON mail_events (not_before, id) WHERE done_at IS NULL;
COMMENT ON TABLE mail_events IS
    'Something happened that someone must be told, written in the same transaction; the mail worker turns it into outbox messages.';

CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub_id          bigint NOT NULL REFERENCES hubs,
    event_id        bigint,
    kind            text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    user_id         bigint,             -- the recipient's account, when it has one
    to_address      text NOT NULL CHECK (length(to_address) BETWEEN 3 AND 254),
    to_name         text NOT NULL DEFAULT '' CHECK (length(to_name) <= 200),
    lang            text NOT NULL CHECK (lang IN ('fr', 'en')),
    subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body_text       text NOT NULL,
    body_html       text NOT NULL,
    attachments     jsonb NOT NULL DEFAULT '[]',
    -- a link with a single-use token: the token is made as the message leaves and
    -- written into it then, so no usable token ever sits in this table
    token_purpose   text CHECK (token_purpose IN ('verify', 'reset')),
    optional        boolean NOT NULL DEFAULT false,
    state           text NOT NULL DEFAULT 'waiting'
                    CHECK (state IN ('waiting', 'sending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_pid     integer,
    claimed_at      timestamptz,
    last_error      text CHECK (length(last_error) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK ((state = 'sending') = (claimed_pid IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'waiting';
CREATE INDEX outbox_sending ON outbox (claimed_pid) WHERE state = 'sending';
CREATE INDEX outbox_failed ON outbox (hub_id, id) WHERE state = 'failed';
CREATE INDEX outbox_user ON outbox (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE state = 'sent';
COMMENT ON TABLE outbox IS
    'Messages to send, one per recipient, as they will be sent (subject, text and HTML in the recipient''s language); waiting -> sending -> sent, or failed on a permanent refusal (5xx).';
COMMENT ON COLUMN outbox.claimed_pid IS
    'The PostgreSQL backend pid of the sender that claimed it: when that backend is gone, the claim is void.';

-- A sender waiting for work wakes up at once (LISTEN km0_mail).
CREATE FUNCTION mail_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('km0_mail', '');
    RETURN NULL;
END $$;
CREATE TRIGGER mail_events_notify AFTER INSERT ON mail_events
    FOR EACH STATEMENT EXECUTE FUNCTION mail_notify();
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_notify();

-- A cycle that opens, closes or is invoiced, whoever does it (a coordinator, the timer,
-- a batch run catching up with a late timer, km0 invoice issue), writes its event in
-- the same transaction: "the shop is open", the producers' summaries, the invoices.
CREATE FUNCTION cycles_mail_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IN ('open', 'closed', 'invoiced') AND OLD.state IS DISTINCT FROM NEW.state THEN
        INSERT INTO mail_events (hub_id, kind, payload)
        VALUES (NEW.hub_id, 'cycle_' || NEW.state, jsonb_build_object('cycle', NEW.id));
    END IF;
    -- the producers' summaries of a closed cycle wait for its rounds: here they are
    IF NEW.state = 'batched' AND OLD.state IS DISTINCT FROM NEW.state THEN
        UPDATE mail_events SET not_before = now()
         WHERE kind = 'cycle_closed' AND done_at IS NULL AND hub_id = NEW.hub_id
           AND payload->>'cycle' = NEW.id::text;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cycles_mail_event AFTER UPDATE OF state ON cycles
    FOR EACH ROW EXECUTE FUNCTION cycles_mail_event();

-- ---- 5. secrets ---------------------------------------------------------------------------

CREATE TABLE km0_secrets (
    name   text PRIMARY KEY CHECK (length(name) <= 40),
    value  bytea NOT NULL CHECK (length(value) >= 32)
);
COMMENT ON TABLE km0_secrets IS
    'Keys shared by every km0 process (the one that signs unsubscribe links), made at random by km0 on first use.';
