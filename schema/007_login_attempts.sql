-- schema/007_login_attempts.sql — login throttling counted atomically, before the
-- password is checked.
--
-- 001 counted failures: each login read how many rows login_failures held for the
-- email, checked the password, then added a row. A burst of logins sent at once all
-- read the same count before any of them added its row, so 15 to 23 passwords were
-- checked per burst instead of login_max_failures. Now each attempt first takes its
-- number in one statement (INSERT … ON CONFLICT DO UPDATE … RETURNING, which holds
-- the row's lock), and only an attempt numbered within the limit has its password
-- checked; a right password then clears the row. The window is fixed: it opens with
-- the first attempt and lasts login_window_minutes.
--
-- login_failures is no longer written; servers of the previous release still do
-- until they are replaced, and it can be dropped after (docs/operations.md).
CREATE TABLE login_attempts (
    hub_id        bigint NOT NULL REFERENCES hubs,
    email         text NOT NULL,
    window_start  timestamptz NOT NULL DEFAULT now(),
    attempts      integer NOT NULL DEFAULT 1 CHECK (attempts > 0),
    PRIMARY KEY (hub_id, email)
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
COMMENT ON TABLE login_attempts IS 'Login attempts per email in the current window, counted before the password is checked (throttling).';
