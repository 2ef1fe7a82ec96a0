-- Open mode is a one-way door: the first key ever made closes it for good, even once
-- housekeeping has deleted every key. One row for the instance (not a project's resource:
-- open mode is the whole server's state); it never grows.
CREATE TABLE auth_state (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    first_key_at timestamptz
);
INSERT INTO auth_state (first_key_at) SELECT min(created_at) FROM api_keys;

CREATE FUNCTION auth_note_first_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_state SET first_key_at = now() WHERE first_key_at IS NULL;
    RETURN NULL;
END $$;
-- A trigger, so no way of making a key (API, CLI, ERRAND_ADMIN_KEY) can forget it.
CREATE TRIGGER api_keys_end_open_mode AFTER INSERT ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION auth_note_first_key();

-- Keys seeded from ERRAND_ADMIN_KEY: a new value retires the previous one at start.
ALTER TABLE api_keys ADD COLUMN seeded boolean NOT NULL DEFAULT false;
UPDATE api_keys SET seeded = true
    WHERE name = 'ERRAND_ADMIN_KEY'
      AND project_id = (SELECT id FROM projects WHERE name = 'default');

-- A listed prefix shows at most 8 characters of a key's secret part: `ek_live_` and 8 hex
-- digits, or the first 8 characters of a key of another form (ERRAND_ADMIN_KEY's value).
UPDATE api_keys SET prefix = left(prefix, 8) WHERE prefix NOT LIKE 'ek\_live\_%';
