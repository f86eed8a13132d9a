-- PostgreSQL copy of sqlite/0007: user names unique whatever their case.
CREATE UNIQUE INDEX users_name_ci ON users (lower(name));
