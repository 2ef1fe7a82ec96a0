-- Priority with aging. A task (and a queue message) has a priority 0-9 (5 by default) and a
-- lead: how much earlier than its `run_after` its turn comes, fixed when it is queued as
-- (priority - 5) x `worker.priority_aging_ms`. Claims take the lowest `rank_at`, so a
-- priority-9 task goes before a priority-0 one queued up to 9 steps before it, and never
-- before one queued longer ago than that: waiting ages a task into the front.

-- `timestamptz - interval` is only stable (a day or a month depends on the time zone); a
-- number of milliseconds does not, so this is immutable and a generated column may use it.
CREATE FUNCTION errand_rank(due timestamptz, lead_ms integer) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN due - make_interval(secs => lead_ms / 1000.0);

ALTER TABLE tasks
    ADD COLUMN priority smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 9),
    ADD COLUMN priority_lead_ms integer NOT NULL DEFAULT 0;
ALTER TABLE tasks
    ADD COLUMN rank_at timestamptz GENERATED ALWAYS AS (errand_rank(run_after, priority_lead_ms)) STORED;

DROP INDEX tasks_runnable;
CREATE INDEX tasks_runnable ON tasks (rank_at, id) WHERE status = 'queued' AND NOT waits_turn;
DROP INDEX tasks_runnable_by_project;
CREATE INDEX tasks_runnable_by_project ON tasks (project_id, rank_at, id)
    WHERE status = 'queued' AND NOT waits_turn;

ALTER TABLE queue_messages
    ADD COLUMN priority smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 9),
    ADD COLUMN priority_lead_ms integer NOT NULL DEFAULT 0;
ALTER TABLE queue_messages
    ADD COLUMN rank_at timestamptz GENERATED ALWAYS AS (errand_rank(run_after, priority_lead_ms)) STORED;

DROP INDEX queue_messages_ready;
CREATE INDEX queue_messages_ready ON queue_messages (queue_id, rank_at, seq) WHERE status = 'pending';
