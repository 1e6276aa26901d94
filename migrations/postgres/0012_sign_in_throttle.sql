-- Sign-in throttling (server/src/auth/throttle.rs) in one row per key, so parallel guesses are
-- counted exactly (counting audit-log rows let them race past the limit): failed attempts of
-- one account from one client address, of any account from one address (account '*'), and of
-- one account from any address (client '*'), each with the time until which the next attempt
-- waits. The audit log keeps recording every attempt.
CREATE TABLE sign_in_throttle (
    account         TEXT NOT NULL,
    client_addr     TEXT NOT NULL,
    failures        BIGINT NOT NULL,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    blocked_until   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account, client_addr)
);
