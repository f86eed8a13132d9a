-- What the console needs to follow a job on cluster_mgr's real wire:
-- error_code:   cluster_mgr's code when the job failed (NULL otherwise, or when the
--               console ended the job itself);
-- cm_seen_at:   unix seconds of the last answer with a memo (NULL: none yet); a job
--               whose memo stays NULL is given up after a bound;
-- submitted_ms: the envelope's timestamp, by which a submit whose answer was lost is
--               found again in cluster_general_job_log.job_info.
ALTER TABLE jobs ADD COLUMN error_code INTEGER NULL;
ALTER TABLE jobs ADD COLUMN cm_seen_at INTEGER NULL;
ALTER TABLE jobs ADD COLUMN submitted_ms TEXT NOT NULL DEFAULT '';
-- Why the console ended a job itself (a key, see domain::job::EndReason), '' otherwise.
ALTER TABLE jobs ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';
