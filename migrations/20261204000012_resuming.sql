-- A task queued again after a pause that was not a failure (its question answered, its
-- child tasks ended) goes on with the same attempt: the claim that takes it keeps
-- `attempts`, logs `task.resumed` rather than `task.started`, and clears the mark.
-- A constant default: adding the column rewrites nothing.
ALTER TABLE tasks ADD COLUMN resuming boolean NOT NULL DEFAULT false;
