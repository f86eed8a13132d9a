-- MySQL copy of sqlite/0006.
ALTER TABLE jobs ADD COLUMN error_code BIGINT NULL;
ALTER TABLE jobs ADD COLUMN cm_seen_at BIGINT NULL;
ALTER TABLE jobs ADD COLUMN submitted_ms VARCHAR(20) NOT NULL DEFAULT '';
-- Why the console ended a job itself (a key, see domain::job::EndReason), '' otherwise.
ALTER TABLE jobs ADD COLUMN end_reason VARCHAR(64) NOT NULL DEFAULT '';
