-- The steps of a job as the console last saw them (JSON: steps with state and error,
-- and the cluster the job created), so a job page shows its steps after the job ended
-- and after a console restart, without asking cluster_mgr.
ALTER TABLE jobs ADD COLUMN progress TEXT NOT NULL DEFAULT '';
