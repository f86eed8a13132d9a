-- The language the user chose in the console (en, zh-CN); NULL: the browser's.
ALTER TABLE users ADD COLUMN language TEXT;
