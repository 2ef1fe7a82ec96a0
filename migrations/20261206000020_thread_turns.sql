-- A thread's turns. A task submitted to a thread that has unsettled tasks waits for its
-- turn (`waits_turn`) outside the runnable indexes, so a backlog on one thread costs the
-- claim nothing; the turn passes (the flag clears) when the thread's oldest unsettled task
-- settles. The claim still checks the thread's turn, now through an index of the unsettled
-- tasks of threads alone (rather than every task a thread ever had).

ALTER TABLE tasks ADD COLUMN waits_turn boolean NOT NULL DEFAULT false;

DROP INDEX tasks_runnable;
CREATE INDEX tasks_runnable ON tasks (run_after, id) WHERE status = 'queued' AND NOT waits_turn;

DROP INDEX tasks_runnable_by_project;
CREATE INDEX tasks_runnable_by_project ON tasks (project_id, run_after, id)
    WHERE status = 'queued' AND NOT waits_turn;

-- `TaskStatus::ACTIVE` (`active_statuses!`).
CREATE INDEX tasks_thread_active ON tasks (thread_id, id)
    WHERE thread_id IS NOT NULL AND status IN ('queued', 'running', 'input_required', 'waiting');
