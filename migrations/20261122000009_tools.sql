-- Tools: HTTP tools registered per project, a record of every tool invocation, tasks that
-- run as another task's tool call (children), read-only tasks and batches across models.

CREATE TABLE tools (
    id              uuid PRIMARY KEY,
    project_id      uuid NOT NULL REFERENCES projects (id),
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    input_schema    jsonb NOT NULL,
    output_schema   jsonb,
    url             text NOT NULL,
    method          text NOT NULL CHECK (method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')),
    -- Header name → {"value": "..."} or {"secret": "NAME"}; a secret's value is looked up
    -- in the settings when the tool is called and never stored here.
    headers         jsonb NOT NULL DEFAULT '{}',
    timeout_seconds integer NOT NULL,
    read_only       boolean NOT NULL DEFAULT false,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, name)
);

-- Who called which tool, with what, and what came of it. `task_id` is the task whose model
-- made the call, or the task a runner tool's invocation created.
CREATE TABLE tool_invocations (
    id          uuid PRIMARY KEY,
    project_id  uuid NOT NULL REFERENCES projects (id),
    tool_name   text NOT NULL,
    source      text NOT NULL CHECK (source IN ('api', 'mcp', 'task')),
    caller      text,
    task_id     uuid,
    arguments   jsonb NOT NULL,
    output      jsonb,
    error       text,
    duration_ms bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tool_invocations_tool ON tool_invocations (project_id, tool_name, id DESC);
-- Housekeeping deletes old invocations.
CREATE INDEX tool_invocations_created ON tool_invocations (created_at);

-- `waiting`: a task whose model called other runners waits for those child tasks, holding
-- no worker.
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN
    ('queued', 'running', 'input_required', 'waiting', 'succeeded', 'failed', 'cancelled',
     'timed_out'));
ALTER TABLE tasks
    ADD COLUMN parent_task_id   uuid,
    -- The parent's journal index of the tool call this child answers.
    ADD COLUMN parent_step      integer,
    -- The model's id of that call, for the parent's `tool_call.completed` event.
    ADD COLUMN parent_call_id   text,
    ADD COLUMN depth            integer NOT NULL DEFAULT 0,
    ADD COLUMN read_only        boolean NOT NULL DEFAULT false,
    ADD COLUMN batch_id         uuid;
-- One child per tool call: a parent attempt that runs the same call again finds it. (Also
-- serves `GET /v1/tasks?parent_task_id=` and finding a parent's active children.)
CREATE UNIQUE INDEX tasks_parent_call ON tasks (parent_task_id, parent_step)
    WHERE parent_task_id IS NOT NULL;
CREATE INDEX tasks_batch ON tasks (project_id, batch_id, id DESC) WHERE batch_id IS NOT NULL;

-- A thread with a waiting task is busy.
CREATE OR REPLACE FUNCTION thread_status_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM threads WHERE id = NEW.thread_id FOR UPDATE;
    UPDATE threads SET updated_at = now(), status = CASE
        WHEN EXISTS (SELECT 1 FROM tasks WHERE thread_id = NEW.thread_id
                     AND status = 'input_required') THEN 'input_required'
        WHEN EXISTS (SELECT 1 FROM tasks WHERE thread_id = NEW.thread_id
                     AND status IN ('queued', 'running', 'waiting')) THEN 'busy'
        WHEN NEW.status IN ('failed', 'timed_out') THEN 'error'
        ELSE 'idle' END
    WHERE id = NEW.thread_id;
    RETURN NULL;
END $$;
