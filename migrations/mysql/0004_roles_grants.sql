-- MySQL copy of sqlite/0004: roles and per-user grants.
CREATE TABLE roles (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(255) NOT NULL UNIQUE,
    builtin    BOOLEAN      NOT NULL DEFAULT FALSE,
    privileges TEXT         NOT NULL DEFAULT ('')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-- Explicit ids: a replicated MySQL may step AUTO_INCREMENT by more than 1, and the
-- built-in roles must be 1, 2, 3 as on the other databases (read-only is the default).
INSERT INTO roles (id, name, builtin, privileges) VALUES
    (1, 'super_dba', TRUE, 'machine_add,machine_edit,machine_delete,cluster_create,cluster_delete,cluster_scale,backup_restore,node_control,users_roles'),
    (2, 'DBA', TRUE, 'machine_add,machine_edit,machine_delete,cluster_create,cluster_delete,cluster_scale,backup_restore,node_control'),
    (3, 'read-only', TRUE, '');

ALTER TABLE users ADD COLUMN role_id BIGINT NOT NULL DEFAULT 3;
UPDATE users SET role_id = (SELECT id FROM roles WHERE name = 'super_dba') WHERE name = 'super_dba';
ALTER TABLE users ADD CONSTRAINT users_role FOREIGN KEY (role_id) REFERENCES roles(id);

CREATE TABLE grants (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id     BIGINT       NOT NULL,
    cluster_id  BIGINT,
    valid_from  BIGINT,
    valid_until BIGINT,
    created_at  BIGINT       NOT NULL,
    created_by  VARCHAR(255) NOT NULL,
    CONSTRAINT grants_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX grants_by_user ON grants(user_id);
