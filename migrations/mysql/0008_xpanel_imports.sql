-- MySQL copy of sqlite/0008: XPanel users imported, each once.
CREATE TABLE xpanel_imports (
    xpanel_user_id BIGINT       NOT NULL PRIMARY KEY,
    user_id        BIGINT       NOT NULL,
    name           VARCHAR(255) NOT NULL,
    imported_at    BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
