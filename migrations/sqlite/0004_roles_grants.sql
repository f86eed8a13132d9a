-- Roles (sets of privileges, see app/src/domain/access.rs) and per-user grants that open
-- the per-cluster privileges to all clusters (cluster_id NULL) or one cluster, forever or
-- within [valid_from, valid_until). Built-in roles cannot be changed or deleted.
CREATE TABLE roles (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE,
    builtin    INTEGER NOT NULL DEFAULT 0,
    privileges TEXT    NOT NULL DEFAULT ''   -- comma-separated privilege keys
);
INSERT INTO roles (name, builtin, privileges) VALUES
    ('super_dba', 1, 'machine_add,machine_edit,machine_delete,cluster_create,cluster_delete,cluster_scale,backup_restore,node_control,users_roles'),
    ('DBA', 1, 'machine_add,machine_edit,machine_delete,cluster_create,cluster_delete,cluster_scale,backup_restore,node_control'),
    ('read-only', 1, '');

-- Existing accounts keep what they could do: the initial account is super_dba.
ALTER TABLE users ADD COLUMN role_id INTEGER NOT NULL DEFAULT 3 REFERENCES roles(id);
UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'super_dba') WHERE name = 'super_dba';

CREATE TABLE grants (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cluster_id  INTEGER,          -- NULL: every cluster
    valid_from  INTEGER,          -- Unix seconds; NULL: no start
    valid_until INTEGER,          -- Unix seconds; NULL: no end
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NOT NULL
);
CREATE INDEX grants_by_user ON grants(user_id);
