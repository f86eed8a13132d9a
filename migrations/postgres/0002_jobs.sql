-- PostgreSQL copy of sqlite/0002: every job recorded before it is submitted.
CREATE TABLE jobs (
    id          BIGSERIAL PRIMARY KEY,
    job_type    TEXT   NOT NULL,
    target      TEXT   NOT NULL DEFAULT '',
    params      TEXT   NOT NULL,
    user_name   TEXT   NOT NULL,
    client_addr TEXT   NOT NULL DEFAULT '',
    cm_job_id   TEXT,
    status      TEXT   NOT NULL,
    error       TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX jobs_by_status ON jobs(status);
