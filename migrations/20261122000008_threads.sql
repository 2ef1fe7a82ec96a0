-- Threads: conversations that persist across tasks. A task submitted on a thread starts
-- from the thread's messages, and what it did is appended in the transaction that ends it.
CREATE TABLE threads (
    id             uuid PRIMARY KEY,
    project_id     uuid NOT NULL REFERENCES projects (id),
    -- The caller's own name for the thread (`support/ticket-123`), unique per project.
    key            text,
    metadata       jsonb NOT NULL DEFAULT '{}',
    -- Kept by `thread_status_sync` from the thread's tasks.
    status         text NOT NULL DEFAULT 'idle'
                   CHECK (status IN ('idle', 'busy', 'input_required', 'error')),
    -- Thread-wide numbering of the events of its tasks (the thread's event stream).
    last_event_seq bigint NOT NULL DEFAULT 0,
    message_count  integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX threads_key ON threads (project_id, key) WHERE key IS NOT NULL;
CREATE INDEX threads_project ON threads (project_id, id DESC);
CREATE INDEX threads_project_status ON threads (project_id, status, id DESC);
-- Housekeeping deletes threads idle for longer than the retention.
CREATE INDEX threads_updated ON threads (updated_at);

-- The conversation, in order. `task_id` and `step_index` say what wrote each message; no
-- foreign key to tasks, whose rows retention removes on their own schedule.
CREATE TABLE thread_messages (
    thread_id    uuid NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    seq          integer NOT NULL,
    project_id   uuid NOT NULL REFERENCES projects (id),
    task_id      uuid NOT NULL,
    step_index   integer,
    role         text NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
    content      text NOT NULL,
    tool_calls   jsonb,
    tool_call_id text,
    -- Text a model call had streamed when its task was cancelled.
    partial      boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (thread_id, seq)
);

-- Tasks: the thread they run on, and the question a task waits on (`input_required`).
ALTER TABLE tasks DROP CONSTRAINT tasks_status_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN
    ('queued', 'running', 'input_required', 'succeeded', 'failed', 'cancelled', 'timed_out'));
ALTER TABLE tasks
    ADD COLUMN thread_id             uuid,
    -- `multitask_strategy: rollback` cancelled this task: it appends nothing to its thread.
    ADD COLUMN thread_discard        boolean NOT NULL DEFAULT false,
    ADD COLUMN input_request         jsonb,
    ADD COLUMN input_deadline        timestamptz,
    ADD COLUMN input_timeout_seconds integer NOT NULL DEFAULT 86400;
-- A thread's tasks: who may run next, the thread's status, `GET /v1/tasks?thread=`.
CREATE INDEX tasks_thread ON tasks (thread_id, id DESC) WHERE thread_id IS NOT NULL;
-- Waiting tasks whose time to answer ran out.
CREATE INDEX tasks_input_deadline ON tasks (input_deadline) WHERE status = 'input_required';

-- Events of a thread's tasks carry the thread's own seq as well.
ALTER TABLE task_events ADD COLUMN thread_id uuid, ADD COLUMN thread_seq bigint;
CREATE UNIQUE INDEX task_events_thread ON task_events (thread_id, thread_seq)
    WHERE thread_id IS NOT NULL;

ALTER TABLE runner_versions
    ADD COLUMN context_tokens        integer NOT NULL DEFAULT 32000,
    ADD COLUMN input_timeout_seconds integer NOT NULL DEFAULT 86400;

-- A thread's status follows its tasks: `input_required` while one waits for an answer,
-- `busy` while one is queued or running, else `error` when the last one failed or timed
-- out and `idle` otherwise. The thread row is locked first, so the statements after it see
-- every change committed before (two tasks of a thread changing at once are serialised).
CREATE FUNCTION thread_status_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM threads WHERE id = NEW.thread_id FOR UPDATE;
    UPDATE threads SET updated_at = now(), status = CASE
        WHEN EXISTS (SELECT 1 FROM tasks WHERE thread_id = NEW.thread_id
                     AND status = 'input_required') THEN 'input_required'
        WHEN EXISTS (SELECT 1 FROM tasks WHERE thread_id = NEW.thread_id
                     AND status IN ('queued', 'running')) THEN 'busy'
        WHEN NEW.status IN ('failed', 'timed_out') THEN 'error'
        ELSE 'idle' END
    WHERE id = NEW.thread_id;
    RETURN NULL;
END $$;
CREATE TRIGGER tasks_thread_status_insert AFTER INSERT ON tasks
    FOR EACH ROW WHEN (NEW.thread_id IS NOT NULL) EXECUTE FUNCTION thread_status_sync();
CREATE TRIGGER tasks_thread_status_update AFTER UPDATE OF status ON tasks
    FOR EACH ROW WHEN (NEW.thread_id IS NOT NULL AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION thread_status_sync();
