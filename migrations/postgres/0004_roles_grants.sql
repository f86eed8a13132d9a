-- PostgreSQL copy of sqlite/0004: roles and per-user grants.
CREATE TABLE roles (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    builtin    BOOLEAN NOT NULL DEFAULT FALSE,
    privileges TEXT    NOT NULL DEFAULT ''
);
INSERT INTO roles (name, builtin, privileges) VALUES
    ('super_dba', TRUE, 'machine_add,machine_edit,machine_delete,cluster_create,cluster_delete,cluster_scale,backup_restore,node_control,users_roles'),
    ('DBA', TRUE, 'machine_add,machine_edit,machine_delete,cluster_create,cluster_delete,cluster_scale,backup_restore,node_control'),
    ('read-only', TRUE, '');

ALTER TABLE users ADD COLUMN role_id BIGINT NOT NULL DEFAULT 3 REFERENCES roles(id);
UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'super_dba') WHERE name = 'super_dba';

CREATE TABLE grants (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cluster_id  BIGINT,
    valid_from  BIGINT,
    valid_until BIGINT,
    created_at  BIGINT NOT NULL,
    created_by  TEXT   NOT NULL
);
CREATE INDEX grants_by_user ON grants(user_id);
