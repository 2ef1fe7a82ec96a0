-- What the housekeeping sweep reads: finished tasks by age, and tasks that still hold an
-- idempotency key by age.
CREATE INDEX tasks_finished ON tasks (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX tasks_keyed ON tasks (created_at) WHERE idempotency_key IS NOT NULL;
