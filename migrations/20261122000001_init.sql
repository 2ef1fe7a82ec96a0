-- Runners are named, versioned task definitions. A name is unique among live runners;
-- a deleted runner keeps its versions so the tasks that ran on them stay explainable.
CREATE TABLE runners (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    version     integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE UNIQUE INDEX runners_name_live ON runners (name) WHERE deleted_at IS NULL;

CREATE TABLE runner_versions (
    runner_id       uuid NOT NULL REFERENCES runners (id),
    version         integer NOT NULL,
    title           text NOT NULL,
    description     text NOT NULL,
    input_schema    jsonb NOT NULL,
    output_schema   jsonb,
    rules           jsonb NOT NULL,
    model           text NOT NULL,
    model_settings  jsonb NOT NULL,
    timeout_seconds integer NOT NULL,
    max_attempts    integer NOT NULL,
    labels          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (runner_id, version)
);

CREATE TABLE tasks (
    id               uuid PRIMARY KEY,
    runner_id        uuid NOT NULL,
    runner_version   integer NOT NULL,
    runner_name      text NOT NULL,
    arguments        jsonb NOT NULL,
    model            text NOT NULL,
    model_settings   jsonb NOT NULL,
    status           text NOT NULL CHECK (status IN
                       ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
    output           jsonb,
    error            jsonb,
    -- The attempt that owns the task: every worker write is fenced on it.
    attempts         integer NOT NULL DEFAULT 0,
    max_attempts     integer NOT NULL,
    timeout_seconds  integer NOT NULL,
    idempotency_key  text,
    request_hash     text,
    cancel_requested boolean NOT NULL DEFAULT false,
    input_tokens     bigint NOT NULL DEFAULT 0,
    output_tokens    bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (runner_id, runner_version) REFERENCES runner_versions (runner_id, version)
);
CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX tasks_runner ON tasks (runner_name, id DESC);
CREATE INDEX tasks_status ON tasks (status, id DESC);

-- The ordered log of what happened to a task; seq is gapless per task from 1.
CREATE TABLE task_events (
    task_id    uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    type       text NOT NULL,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, seq)
);
-- The next seq lives on the task row, so appending locks that one row and never scans the log.
ALTER TABLE tasks ADD COLUMN last_event_seq bigint NOT NULL DEFAULT 0;
