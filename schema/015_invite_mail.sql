-- schema/015_invite_mail.sql — an invitation to a producer's (or a coordinator's)
-- account leaves by e-mail too, now that messages exist (issue 24 asked for it once
-- they would).
--
-- The message is queued in the invitation's own transaction, with a placeholder
-- where its link goes: like a password reset's, the link's token is made as the
-- message leaves (token_purpose 'invite': a sibling of the invitation, same hub,
-- role, producer, e-mail and expiry, its hash only kept), so no usable token ever
-- sits in the outbox. Using either link spends both (core/invite.c).

SET LOCAL lock_timeout = '5s';

ALTER TABLE outbox DROP CONSTRAINT outbox_token_purpose_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_token_purpose_check
    CHECK (token_purpose IN ('verify', 'reset', 'invite'));
