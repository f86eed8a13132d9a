-- XPanel users imported from the metadata's kunlun_dba_tools_db (issue #16), so an import
-- run again imports nobody twice: XPanel's kunlun_user.id and the account it became.
CREATE TABLE xpanel_imports (
    xpanel_user_id INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL, -- the account (it may have been deleted since)
    name           TEXT    NOT NULL, -- the account's name at import
    imported_at    INTEGER NOT NULL
);
