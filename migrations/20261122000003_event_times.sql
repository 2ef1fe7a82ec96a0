-- An event's time is when it was appended, not when its transaction began: events of one
-- transaction get distinct, ordered times, and pickup latency (queued -> started) can be
-- read off the log.
ALTER TABLE task_events ALTER COLUMN created_at SET DEFAULT clock_timestamp();
