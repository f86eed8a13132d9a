-- PostgreSQL copy of sqlite/0010: the rebuild and configure privileges, and lag thresholds per shard.
UPDATE roles SET privileges = privileges || ',rebuild,configure' WHERE builtin = TRUE AND name IN ('super_dba', 'DBA');

CREATE TABLE shard_lag_thresholds (
    cluster_id   BIGINT NOT NULL,
    shard_id     BIGINT NOT NULL,
    max_lag_secs BIGINT NOT NULL,
    updated_by   TEXT   NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (cluster_id, shard_id)
);
