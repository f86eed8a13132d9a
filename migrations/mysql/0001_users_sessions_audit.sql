-- MySQL copy of sqlite/0001 (same version, same meaning; see app/src/backend/store).
-- MySQL 8.0.13+ or MariaDB 10.3+, InnoDB, utf8mb4. Keys and short fields are VARCHAR
-- (MySQL indexes no TEXT without a prefix); long text takes an expression default.

CREATE TABLE users (
    id                   BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name                 VARCHAR(255) NOT NULL UNIQUE,
    password_hash        VARCHAR(255) NOT NULL,
    must_change_password BOOLEAN      NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at           BIGINT       NOT NULL,
    password_changed_at  BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE sessions (
    token_hash   VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id      BIGINT      NOT NULL,
    created_at   BIGINT      NOT NULL,
    last_seen_at BIGINT      NOT NULL,
    CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE audit_log (
    id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at          BIGINT        NOT NULL,
    user_name   VARCHAR(255)  NOT NULL,
    client_addr VARCHAR(64)   NOT NULL DEFAULT '',
    action      VARCHAR(64)   NOT NULL,
    target      VARCHAR(1024) NOT NULL DEFAULT '',
    outcome     VARCHAR(16)   NOT NULL,
    detail      TEXT          NOT NULL DEFAULT ('')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX audit_log_by_time ON audit_log(at);
