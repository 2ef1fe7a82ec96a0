-- A task's events and steps keep its id without a foreign key. The key's check was about a
-- third of each append's time on the hot path (an index probe and a row lock on the task
-- for every event). What it guarded holds without it: every event and step is written in a
-- transaction that wrote, or fenced on, its task's row, and retention deletes a task's
-- events and steps in the statement that deletes the task (the cascade's work).
ALTER TABLE task_events DROP CONSTRAINT IF EXISTS task_events_task_id_fkey;
ALTER TABLE task_steps DROP CONSTRAINT IF EXISTS task_steps_task_id_fkey;
