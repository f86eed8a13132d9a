-- User names are unique whatever their case: `ro` and `RO` would otherwise be two
-- accounts that the login throttle (and any reader) takes for one.
CREATE UNIQUE INDEX users_name_ci ON users (lower(name));
