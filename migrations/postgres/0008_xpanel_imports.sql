-- PostgreSQL copy of sqlite/0008: XPanel users imported, each once.
CREATE TABLE xpanel_imports (
    xpanel_user_id BIGINT PRIMARY KEY,
    user_id        BIGINT NOT NULL,
    name           TEXT   NOT NULL,
    imported_at    BIGINT NOT NULL
);
