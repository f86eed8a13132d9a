-- MySQL copy of sqlite/0002: every job recorded before it is submitted.
CREATE TABLE jobs (
    id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    job_type    VARCHAR(64)   NOT NULL,
    target      VARCHAR(1024) NOT NULL DEFAULT '',
    params      MEDIUMTEXT    NOT NULL,
    user_name   VARCHAR(255)  NOT NULL,
    client_addr VARCHAR(64)   NOT NULL DEFAULT '',
    cm_job_id   VARCHAR(64),
    status      VARCHAR(16)   NOT NULL,
    error       TEXT          NOT NULL DEFAULT (''),
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX jobs_by_status ON jobs(status);
