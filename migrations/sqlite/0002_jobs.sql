-- Every cluster_mgr job the console submits, recorded BEFORE it is submitted, so the
-- console never loses track of a job it started (a crash between submit and record
-- leaves a 'submitting' row to look into, never an unknown job).
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job_type    TEXT    NOT NULL,            -- cluster_mgr job_type, e.g. create_machine
    target      TEXT    NOT NULL DEFAULT '', -- what it acts on, e.g. 10.0.0.11 storage
    params      TEXT    NOT NULL,            -- the paras sent, as JSON (no passwords)
    user_name   TEXT    NOT NULL,
    client_addr TEXT    NOT NULL DEFAULT '',
    cm_job_id   TEXT,                        -- cluster_mgr's job id once accepted
    status      TEXT    NOT NULL,            -- submitting | running | done | failed
    error       TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX jobs_by_status ON jobs(status);
