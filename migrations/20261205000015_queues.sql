-- Queues: messages that wait durably until a runner bound to the queue (`queue` of its
-- version) turns each into a task, or an external consumer leases, acks or nacks it.

ALTER TABLE runner_versions ADD COLUMN queue text;
CREATE INDEX runner_versions_queue ON runner_versions (queue) WHERE queue IS NOT NULL;

CREATE TABLE queues (
    id                          uuid PRIMARY KEY,
    project_id                  uuid NOT NULL REFERENCES projects (id),
    name                        text NOT NULL,
    -- Tasks or leases at once per `concurrency_key` of its messages.
    concurrency_limit           integer NOT NULL,
    -- How long a received message stays leased without an ack or nack.
    visibility_timeout_seconds  integer NOT NULL,
    -- Deliveries (tasks started or leases given) before a message is dead-lettered.
    max_deliveries              integer NOT NULL,
    last_receive_at             timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, name)
);

-- status: pending (waiting, perhaps until `run_after`) → leased (an external consumer holds
-- it until `lease_expires_at`) or running (task `task_id` works on it) → done (acked, or
-- its task succeeded) or dead (its payload broke the runner's schema, its task failed, or
-- it ran out of deliveries; `last_error` says why). Redriving a dead one makes it pending.
CREATE TABLE queue_messages (
    id               uuid PRIMARY KEY,
    seq              bigint GENERATED ALWAYS AS IDENTITY,
    project_id       uuid NOT NULL REFERENCES projects (id),
    queue_id         uuid NOT NULL REFERENCES queues (id),
    payload          jsonb NOT NULL,
    concurrency_key  text,
    idempotency_key  text,
    request_hash     text,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'leased', 'running', 'done', 'dead')),
    run_after        timestamptz NOT NULL DEFAULT now(),
    deliveries       integer NOT NULL DEFAULT 0,
    receipt          uuid,
    lease_expires_at timestamptz,
    task_id          uuid,
    runner_name      text,
    last_error       jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    settled_at       timestamptz
);

CREATE UNIQUE INDEX queue_messages_idempotency ON queue_messages (queue_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- What consumers pick from, oldest first.
CREATE INDEX queue_messages_ready ON queue_messages (queue_id, seq) WHERE status = 'pending';
-- What holds a concurrency key's places, and what the sweeps settle or reclaim.
CREATE INDEX queue_messages_busy ON queue_messages (queue_id, concurrency_key)
    WHERE status IN ('leased', 'running');
CREATE INDEX queue_messages_by_status ON queue_messages (queue_id, status, seq);
CREATE INDEX queue_messages_settled ON queue_messages (settled_at) WHERE settled_at IS NOT NULL;
