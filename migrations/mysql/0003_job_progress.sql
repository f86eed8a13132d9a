-- MySQL copy of sqlite/0003: the steps of a job as last seen (JSON).
ALTER TABLE jobs ADD COLUMN progress MEDIUMTEXT NOT NULL DEFAULT ('');
