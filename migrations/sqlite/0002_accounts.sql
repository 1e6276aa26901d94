-- Accounts, sessions, API tokens and the audit log; record events become append-only.

CREATE TABLE app_user (
    id                  INTEGER PRIMARY KEY,
    -- stored lower-case: the login name
    email               TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    -- admin | koordination | lesen | bericht
    role                TEXT NOT NULL,
    -- Argon2id PHC string; never leaves the server
    password_hash       TEXT NOT NULL,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

-- The org units a coordinator or report user is responsible for (a Kreis covers its Gemeinden).
CREATE TABLE user_scope (
    user_id     BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    org_unit_id BIGINT NOT NULL REFERENCES org_unit (id),
    PRIMARY KEY (user_id, org_unit_id)
);

-- Browser sessions live in the database so several instances share them. The cookie holds a
-- random secret; only its SHA-256 is stored.
CREATE TABLE user_session (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

-- Personal API tokens (Authorization: Bearer …), stored hashed, revocable.
CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_token_user ON api_token (user_id);

-- Security-relevant happenings: logins (also failed ones), denied actions, account changes.
-- Login throttling counts the failures recorded here, so it holds across instances.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT,
    subject     TEXT,
    client_addr TEXT,
    detail      TEXT
);
CREATE INDEX audit_log_subject ON audit_log (action, subject, occurred_at);
CREATE INDEX audit_log_client ON audit_log (action, client_addr, occurred_at);

-- Who made a change, as a stable reference next to the readable actor name.
ALTER TABLE record_event ADD COLUMN user_id BIGINT REFERENCES app_user (id);

-- The history is append-only: the application has no statement that changes it, and the
-- database refuses any that tries.
CREATE TRIGGER record_event_no_update BEFORE UPDATE ON record_event
BEGIN
    SELECT RAISE(ABORT, 'record_event is append-only');
END;
CREATE TRIGGER record_event_no_delete BEFORE DELETE ON record_event
BEGIN
    SELECT RAISE(ABORT, 'record_event is append-only');
END;
