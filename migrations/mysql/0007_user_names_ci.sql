-- MySQL copy of sqlite/0007: nothing to add. `users.name` is UNIQUE in a utf8mb4 table
-- whose default collation is case-insensitive (utf8mb4_general_ci on MariaDB,
-- utf8mb4_0900_ai_ci on MySQL 8), so `ro` and `RO` already collide.
DO 0;
