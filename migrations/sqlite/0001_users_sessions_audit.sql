-- The console's own store: accounts, server-side sessions and the audit trail.
-- Times are Unix seconds (INTEGER) so the same schema maps onto MySQL and PostgreSQL.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    name                 TEXT    NOT NULL UNIQUE,
    password_hash        TEXT    NOT NULL,           -- argon2id PHC string
    must_change_password INTEGER NOT NULL DEFAULT 0, -- 1: nothing but a password change is allowed
    disabled             INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    password_changed_at  INTEGER
);

-- Only a SHA-256 of the session token is stored: a leaked store does not leak live sessions.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    user_name   TEXT    NOT NULL,  -- as typed for failed logins, else the account
    client_addr TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,  -- login, logout, change_password, ...
    target      TEXT    NOT NULL DEFAULT '',
    outcome     TEXT    NOT NULL,  -- ok | failed
    detail      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_time ON audit_log(at);
