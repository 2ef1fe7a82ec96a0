-- Errand's own queue: the task row is the job. A queued task runs once `run_after` has
-- passed; a running attempt holds a lease its worker renews, and a task whose lease ran
-- out (its worker died) is re-queued or settled by any other worker.
ALTER TABLE tasks
    ADD COLUMN run_after        timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN lease_owner      text,
    ADD COLUMN lease_expires_at timestamptz;

-- Claiming reads the runnable head of the queue; reaping reads expired leases.
CREATE INDEX tasks_runnable ON tasks (run_after, id) WHERE status = 'queued';
CREATE INDEX tasks_leases ON tasks (lease_expires_at) WHERE status = 'running';

-- apalis's job tables held a copy of what the task rows say; they are no longer used.
-- Queued tasks stay queued (and run), running ones have no lease and are re-queued.
DROP SCHEMA IF EXISTS apalis CASCADE;
