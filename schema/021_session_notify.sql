-- schema/021_session_notify.sql — a notice to every km0 server when what a session
-- cookie stands for changes, so that a server may keep sessions in memory for a few
-- seconds (server/session_cache.c) and still never serve a revoked one.
--
-- A session is looked up through sessions (the cookie's hash, its expiry, its CSRF
-- token, its user), users (hub, role, e-mail, name, producer, customer, active) and
-- producers (slug). Any change to those columns of sessions and users, and any
-- session ended (logout, a password change ending the other sessions, the per-account
-- cap, an account closed, a user deleted with its sessions), sends NOTIFY km0_sessions
-- when its transaction commits; each server LISTENs and forgets every session it holds
-- on the notice. A producer's slug is never changed by km0 (it names the producer in
-- catalogs and links) and producers are never deleted: producers gets no trigger (it
-- has none, its key to products is a declared foreign key alone), and a slug changed
-- by hand reaches a producer's session within session_cache_s.
-- A server that is not listening (its listening connection lost) does not use its
-- memory at all until it listens again.
--
-- Row triggers with the columns named, not statement triggers: the hourly
-- "last active" update of users that each order makes, or a cleanup that deletes no
-- session, must not notify (a NOTIFY takes a lock at commit shared by all).

CREATE FUNCTION km0_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('km0_sessions', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_notify_delete AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION km0_sessions_changed();
CREATE TRIGGER sessions_notify_update AFTER UPDATE OF user_id, hub_id, token_sha256, csrf_token, expires_at
    ON sessions FOR EACH ROW EXECUTE FUNCTION km0_sessions_changed();
CREATE TRIGGER sessions_notify_truncate AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION km0_sessions_changed();

CREATE TRIGGER users_notify_update AFTER UPDATE OF hub_id, email, name, role, producer_id, customer_id, active
    ON users FOR EACH ROW
    WHEN (OLD.hub_id IS DISTINCT FROM NEW.hub_id OR OLD.email IS DISTINCT FROM NEW.email
          OR OLD.name IS DISTINCT FROM NEW.name OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.producer_id IS DISTINCT FROM NEW.producer_id
          OR OLD.customer_id IS DISTINCT FROM NEW.customer_id
          OR OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION km0_sessions_changed();
CREATE TRIGGER users_notify_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION km0_sessions_changed();
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION km0_sessions_changed();
