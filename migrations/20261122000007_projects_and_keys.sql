-- Every resource belongs to a project. Rows made before projects existed go to `default`,
-- the project open mode (no API key yet) works in.
CREATE TABLE projects (
    id                uuid PRIMARY KEY,
    name              text NOT NULL UNIQUE,
    -- NULL: the `[limits]` setting applies.
    max_running_tasks integer CHECK (max_running_tasks > 0),
    max_queued_tasks  integer CHECK (max_queued_tasks > 0),
    created_at        timestamptz NOT NULL DEFAULT now()
);
INSERT INTO projects (id, name) VALUES (gen_random_uuid(), 'default');

ALTER TABLE runners ADD COLUMN project_id uuid REFERENCES projects (id);
UPDATE runners SET project_id = (SELECT id FROM projects WHERE name = 'default');
ALTER TABLE runners ALTER COLUMN project_id SET NOT NULL;
-- Names are unique among a project's live runners.
DROP INDEX runners_name_live;
CREATE UNIQUE INDEX runners_name_live ON runners (project_id, name) WHERE deleted_at IS NULL;

ALTER TABLE tasks ADD COLUMN project_id uuid REFERENCES projects (id);
UPDATE tasks SET project_id = (SELECT id FROM projects WHERE name = 'default');
ALTER TABLE tasks ALTER COLUMN project_id SET NOT NULL;
-- Idempotency keys are unique per project.
DROP INDEX tasks_idempotency_key;
CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (project_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- Lists read one project's tasks, newest first, by runner or status (an unfiltered list
-- walks the primary key backwards). Every index costs each task's insert and status
-- changes, so there are no more than the queries need: running tasks (at most the
-- workers' concurrency) are counted per project through `tasks_status`.
DROP INDEX tasks_runner;
DROP INDEX tasks_status;
CREATE INDEX tasks_runner ON tasks (project_id, runner_name, id DESC);
CREATE INDEX tasks_status ON tasks (project_id, status, id DESC);
-- The fair claim and the queued-tasks quota read each project's queued tasks.
CREATE INDEX tasks_runnable_by_project ON tasks (project_id, run_after, id) WHERE status = 'queued';

-- API keys: only a SHA-256 of the key is kept (a key is 256 random bits: no slow hash
-- needed); `prefix` is its first characters, so a person can tell keys apart in a list.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    project_id   uuid NOT NULL REFERENCES projects (id),
    name         text NOT NULL,
    prefix       text NOT NULL,
    hash         bytea NOT NULL UNIQUE,
    scopes       text[] NOT NULL,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_project ON api_keys (project_id, id);
-- Housekeeping deletes keys long revoked or expired.
CREATE INDEX api_keys_ended ON api_keys (coalesce(revoked_at, expires_at))
    WHERE revoked_at IS NOT NULL OR expires_at IS NOT NULL;
