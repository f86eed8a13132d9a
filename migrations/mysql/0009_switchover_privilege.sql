-- Switching a shard's primary over (manual_switch) is its own privilege, since it
-- interrupts the shard's writes: the built-in super_dba and DBA roles get it, custom
-- roles only when an administrator adds it.
UPDATE roles SET privileges = CONCAT(privileges, ',switchover') WHERE builtin = TRUE AND name IN ('super_dba', 'DBA');
