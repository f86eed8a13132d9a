-- PostgreSQL copy of sqlite/0001 (same version, same meaning; see app/src/backend/store).
-- Times are Unix seconds (BIGINT).

CREATE TABLE users (
    id                   BIGSERIAL PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE,
    password_hash        TEXT    NOT NULL,               -- argon2id PHC string
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE, -- nothing but a password change is allowed
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           BIGINT  NOT NULL,
    password_changed_at  BIGINT
);

-- Only a SHA-256 of the session token is stored: a leaked store does not leak live sessions.
CREATE TABLE sessions (
    token_hash   TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          BIGINT NOT NULL,
    user_name   TEXT   NOT NULL,
    client_addr TEXT   NOT NULL DEFAULT '',
    action      TEXT   NOT NULL,
    target      TEXT   NOT NULL DEFAULT '',
    outcome     TEXT   NOT NULL,
    detail      TEXT   NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log(at);
