-- Shard day-2 work (issue #19): the `rebuild` privilege (rebuild a shard's replicas) and
-- the `configure` privilege (a shard's degrade setting, its replication-lag threshold)
-- for the built-in super_dba and DBA roles; custom roles only when an administrator
-- adds them.
UPDATE roles SET privileges = privileges || ',rebuild,configure' WHERE builtin = 1 AND name IN ('super_dba', 'DBA');

-- The lag above which a shard's replicas are flagged, in seconds, per shard of a
-- cluster (XPanel's shard_max_dalay, kept per reader there, default 100 s). A shard with
-- no row has the default; a row outlives its shard harmlessly (ids are never reused).
CREATE TABLE shard_lag_thresholds (
    cluster_id   INTEGER NOT NULL,
    shard_id     INTEGER NOT NULL,
    max_lag_secs INTEGER NOT NULL,
    updated_by   TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (cluster_id, shard_id)
);
