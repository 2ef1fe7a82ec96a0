-- The tool-calling loop: runner settings for tools, turns and structured output; the
-- task's extra rules and full usage; and the step journal a retried task replays.
ALTER TABLE runner_versions
    ADD COLUMN toolkits             jsonb   NOT NULL DEFAULT '[]',
    ADD COLUMN max_turns            integer NOT NULL DEFAULT 10,
    ADD COLUMN repair_turns         integer NOT NULL DEFAULT 2,
    ADD COLUMN structured_output    text    NOT NULL DEFAULT 'json_schema',
    ADD COLUMN tool_timeout_seconds integer NOT NULL DEFAULT 60;

ALTER TABLE tasks
    ADD COLUMN rules               jsonb  NOT NULL DEFAULT '[]',
    ADD COLUMN cached_input_tokens bigint NOT NULL DEFAULT 0,
    ADD COLUMN reasoning_tokens    bigint NOT NULL DEFAULT 0,
    -- NULL until a priced model call is recorded.
    ADD COLUMN cost_usd            double precision;

-- One row per model call or tool result, committed before the loop moves on. `index` is
-- the step's place in the run, shared by all attempts: a retry replays the rows it finds
-- instead of calling the model or the tool again.
CREATE TABLE task_steps (
    task_id     uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    index       integer NOT NULL,
    attempt     integer NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('model_call', 'tool_result')),
    request     jsonb NOT NULL,
    response    jsonb NOT NULL,
    usage       jsonb,
    cost_usd    double precision,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task_id, index)
);
